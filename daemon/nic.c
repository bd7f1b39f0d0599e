/* SPDX-License-Identifier: MIT */
/* NIC records: kernel defaults from ethtool features, then udev properties, then config */

#include <errno.h>
#include <net/if_arp.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "kernel-record.h"
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
        value_init(&n->task_hw, &schema_task_offload);
        n->task_cur = n->pub_task_hw = n->pub_task_cur = n->task_hw;
        *ret = n;
        return 0;
}

static void free_strings(char **v, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(v[i]);
}

static void nic_udev_free(NicUdev *u) {
        if (!u)
                return;
        free_strings(u->props, _FIELD_MAX);
        free_strings(u->bad, _FIELD_MAX);
        free_strings(u->task_props, _TASK_FIELD_MAX);
        free_strings(u->task_bad, _TASK_FIELD_MAX);
        free(u);
}

/* Frees @n; the caller has removed it from the model's table and cleared its MUX. */
Nic *nic_free(Nic *n) {
        if (!n)
                return NULL;
        free(n->name);
        free(n->kind);
        free(n->pub_name);
        strv_free(n->pub_muxes);
        nic_udev_free(n->udev);
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

/* Replaces the udev properties of @n fields (NULL entries: absent). Returns 1 if any changed. */
static int set_props(char **dst, const char *const *props, size_t n) {
        int changed = 0;

        for (size_t f = 0; f < n; f++) {
                int r = set_string(&dst[f], props[f]);
                if (r < 0)
                        return r;
                changed |= r;
        }
        return changed;
}

/* @n's udev values, allocated when @props has one; NULL when it has none and @n had none. */
static NicUdev *nic_udev(Nic *n, const char *const *props, size_t count, int *ret_r) {
        bool any = false;

        *ret_r = 0;
        for (size_t f = 0; f < count && !any; f++)
                any = props[f];
        if (n->udev || !any)
                return n->udev;
        n->udev = calloc(1, sizeof(NicUdev));
        if (!n->udev)
                *ret_r = -ENOMEM;
        return n->udev;
}

int nic_set_udev_props(Nic *n, const char *const props[static _FIELD_MAX]) {
        int r;
        NicUdev *u = nic_udev(n, props, _FIELD_MAX, &r);

        return u ? set_props(u->props, props, _FIELD_MAX) : r;
}

int nic_set_task_udev_props(Nic *n, const char *const props[static _TASK_FIELD_MAX]) {
        int r;
        NicUdev *u = nic_udev(n, props, _TASK_FIELD_MAX, &r);

        return u ? set_props(u->task_props, props, _TASK_FIELD_MAX) : r;
}

/* SPEC 3, source 3: the hardware record from what the device can turn on (available or
 * active), the current config from what is on, by the rules of kernel-record.c. */
void kernel_records(const NicFeatures *features, unsigned short type, RecordValue *ret_hw,
                    RecordValue *ret_cur) {
        kernel_derive_records(&schema_tcp_connection_offload, features, type, 0, 0, ret_hw, ret_cur);
}

/* Source 2 for one record type: each valid MUXCAP_* value overrides the kernel's; a bad one
 * is logged once (until it changes) and falls through. */
static void apply_udev(Nic *n, const RecordSchema *s, char **props, char **bad, RecordValue *hw,
                       RecordValue *cur, Source *hw_src, Source *cur_src) {
        for (size_t f = 0; f < s->n_fields; f++) {
                const char *raw = props[f], *reason = NULL;
                uint32_t v;

                if (!raw)
                        continue;
                if (schema_parse_value(s, f, raw, &v, &reason) < 0) {
                        if (!bad[f] || !streq(bad[f], raw)) {
                                log_warning("nic '%s': udev property %s='%s' is invalid (%s), "
                                            "using the next source",
                                            n->name ? n->name : "?", s->fields[f].udev, raw, reason);
                                (void) set_string(&bad[f], raw);
                        }
                        continue;
                }
                (void) set_string(&bad[f], NULL);
                (void) value_set(hw, f, v);
                (void) value_set(cur, f, v);
                hw_src[f] = cur_src[f] = SOURCE_UDEV;
        }
}

/* Recomputes the effective records of both types from the three sources, highest precedence
 * last. */
void nic_update_records(Nic *n, const Config *config) {
        const NicFeatures none = { 0 }, *features = n->features_valid ? &n->features : &none;

        kernel_derive_records(&schema_tcp_connection_offload, features, n->type, n->tso_max_size,
                              n->gso_max_size, &n->hw, &n->cur);
        kernel_derive_records(&schema_task_offload, features, n->type, n->tso_max_size,
                              n->gso_max_size, &n->task_hw, &n->task_cur);
        for (Field f = 0; f < _FIELD_MAX; f++)
                n->hw_src[f] = n->cur_src[f] = SOURCE_KERNEL;
        for (size_t f = 0; f < _TASK_FIELD_MAX; f++)
                n->task_hw_src[f] = n->task_cur_src[f] = SOURCE_KERNEL;
        if (n->udev) {
                apply_udev(n, &schema_tcp_connection_offload, n->udev->props, n->udev->bad, &n->hw,
                           &n->cur, n->hw_src, n->cur_src);
                apply_udev(n, &schema_task_offload, n->udev->task_props, n->udev->task_bad,
                           &n->task_hw, &n->task_cur, n->task_hw_src, n->task_cur_src);
        }
        if (config && n->name) {
                config_apply_nic_rules(config, n->name, &n->hw, &n->cur, n->hw_src, n->cur_src);
                config_apply_nic_task_rules(config, n->name, &n->task_hw, &n->task_cur,
                                            n->task_hw_src, n->task_cur_src);
        }
}
