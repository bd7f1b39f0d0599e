/* SPDX-License-Identifier: MIT */
/* NIC records: kernel defaults from ethtool features, then udev properties, then config */

#include <errno.h>
#include <net/if_arp.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "nic.h"
#include "schemas.h"
#include "strv.h"
#include "utf8.h"

int nic_new(Nic **ret, int ifindex) {
        Nic *n = calloc(1, sizeof(Nic));

        if (!n)
                return -ENOMEM;
        n->ifindex = ifindex;
        value_init(&n->hw, &schema_tcp_connection_offload);
        n->cur = n->pub_hw = n->pub_cur = n->hw;
        *ret = n;
        return 0;
}

/* Frees @n; the caller has removed it from the model's table and cleared its MUX. */
Nic *nic_free(Nic *n) {
        if (!n)
                return NULL;
        free(n->name);
        free(n->kind);
        free(n->pub_name);
        strv_free(n->pub_muxes);
        for (Field f = 0; f < _FIELD_MAX; f++) {
                free(n->udev_props[f]);
                free(n->bad_props[f]);
        }
        free(n);
        return NULL;
}

static int set_string(char **p, const char *s) {
        char *copy = NULL;

        if (s) {
                if (*p && streq(*p, s))
                        return 0;
                copy = strdup(s);
                if (!copy)
                        return -ENOMEM;
        } else if (!*p)
                return 0;
        free(*p);
        *p = copy;
        return 1;
}

/* Returns 1 when the name changed. */
int nic_set_name(Nic *n, const char *name) {
        int r = set_string(&n->name, name);

        if (r > 0)
                n->name_utf8 = n->name && utf8_is_valid(n->name);
        return r;
}

int nic_set_kind(Nic *n, const char *kind) {
        return set_string(&n->kind, kind);
}

/* Replaces the udev properties (NULL entries: absent). Returns 1 if any changed. */
int nic_set_udev_props(Nic *n, const char *const props[static _FIELD_MAX]) {
        int changed = 0;

        for (Field f = 0; f < _FIELD_MAX; f++) {
                int r = set_string(&n->udev_props[f], props[f]);
                if (r < 0)
                        return r;
                changed |= r;
        }
        return changed;
}

#define HAS(mask, feature) (((mask) >> (feature)) & 1u)

static void kernel_record(uint32_t on, unsigned short type, RecordValue *ret) {
        RecordValue r;

        value_init(&r, &schema_tcp_connection_offload);
        if (type == ARPHRD_ETHER) {
                r.v[FIELD_ENCAPSULATION] = ENCAP_IEEE_802_3;
                if (HAS(on, FEATURE_TX_VLAN_HW_INSERT) && HAS(on, FEATURE_RX_VLAN_HW_PARSE))
                        r.v[FIELD_ENCAPSULATION] |= ENCAP_IEEE_802_3_P_AND_Q;
        }
        r.v[FIELD_SUPPORT_IPV4] = HAS(on, FEATURE_TX_TCP_SEGMENTATION) && HAS(on, FEATURE_RX_CHECKSUM) &&
                (HAS(on, FEATURE_TX_CHECKSUM_IPV4) || HAS(on, FEATURE_TX_CHECKSUM_IP_GENERIC));
        r.v[FIELD_SUPPORT_IPV6] = HAS(on, FEATURE_TX_TCP6_SEGMENTATION) && HAS(on, FEATURE_RX_CHECKSUM) &&
                (HAS(on, FEATURE_TX_CHECKSUM_IPV6) || HAS(on, FEATURE_TX_CHECKSUM_IP_GENERIC));
        *ret = r;
}

/* SPEC 3, source 3: the hardware record from what the device can turn on (available or
 * active), the current config from what is on. Linux reports no more than that. */
void kernel_records(const NicFeatures *features, unsigned short type, RecordValue *ret_hw,
                    RecordValue *ret_cur) {
        kernel_record(features->available | features->active, type, ret_hw);
        kernel_record(features->active, type, ret_cur);
}

/* Recomputes the effective records from the three sources, highest precedence last. A bad
 * udev value is logged once (until it changes) and falls through to the kernel's. */
void nic_update_records(Nic *n, const Config *config) {
        NicFeatures none = { 0 };

        kernel_records(n->features_valid ? &n->features : &none, n->type, &n->hw, &n->cur);
        for (Field f = 0; f < _FIELD_MAX; f++)
                n->hw_src[f] = n->cur_src[f] = SOURCE_KERNEL;

        for (Field f = 0; f < _FIELD_MAX; f++) {
                const char *raw = n->udev_props[f], *reason = NULL;
                uint32_t v;

                if (!raw)
                        continue;
                if (field_parse_value(f, raw, &v, &reason) < 0) {
                        if (!n->bad_props[f] || !streq(n->bad_props[f], raw)) {
                                log_warning("nic '%s': udev property %s='%s' is invalid (%s), "
                                            "using the next source",
                                            n->name ? n->name : "?", field_to_udev(f), raw, reason);
                                (void) set_string(&n->bad_props[f], raw);
                        }
                        continue;
                }
                (void) set_string(&n->bad_props[f], NULL);
                (void) value_set(&n->hw, (size_t) f, v);
                (void) value_set(&n->cur, (size_t) f, v);
                n->hw_src[f] = n->cur_src[f] = SOURCE_UDEV;
        }
        if (config && n->name)
                config_apply_nic_rules(config, n->name, &n->hw, &n->cur, n->hw_src, n->cur_src);
}
