/* SPDX-License-Identifier: MIT */
/* NIC records: kernel defaults from ethtool features, then udev properties, then config */

#include <assert.h>
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

/* Where each settled record lives in Nic.settled: its schema, and its wire bytes' place. */
static const struct {
        const RecordSchema *schema;
        size_t offset, size;
} settled_layout[NIC_RECORDS] = {
        { &schema_tcp_connection_offload, 0, RECORD_SIZE },
        { &schema_tcp_connection_offload, RECORD_SIZE, RECORD_SIZE },
        { &schema_task_offload, 2 * RECORD_SIZE, TASK_RECORD_SIZE },
        { &schema_task_offload, 2 * RECORD_SIZE + TASK_RECORD_SIZE, TASK_RECORD_SIZE },
};
_Static_assert(2 * RECORD_SIZE + TASK_RECORD_SIZE + TASK_RECORD_SIZE == NIC_SETTLED_SIZE,
               "the settled records fill Nic.settled");

int nic_new(Nic **ret, int ifindex) {
        Nic *n = calloc(1, sizeof(Nic));

        if (!n)
                return -ENOMEM;
        n->ifindex = ifindex;
        *ret = n;
        return 0;
}

static void udev_value_free(NicUdevValue *v) {
        free(v->raw);
        free(v->bad);
}

/* Frees @n; the caller has removed it from the model's table and cleared its MUX. */
Nic *nic_free(Nic *n) {
        if (!n)
                return NULL;
        free(n->name);
        free(n->kind);
        free(n->pub_name);
        strv_free(n->pub_muxes);
        for (size_t i = 0; i < n->n_udev; i++)
                udev_value_free(&n->udev[i]);
        free(n->udev);
        strv_free(n->unknown_udev);
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

/* Replaces @n's udev values of record type @s by @props (one per field, NULL: absent). Returns
 * 1 if any changed, 0, or -ENOMEM (the values are then partly replaced). */
static int set_props(Nic *n, const RecordSchema *s, const char *const *props) {
        bool held[SCHEMA_FIELDS_MAX] = { false };
        int changed = 0;
        size_t k = 0;

        for (size_t i = 0; i < n->n_udev; i++) {
                NicUdevValue *v = &n->udev[i];

                if (v->schema == s && !props[v->field]) {
                        udev_value_free(v);
                        changed = 1;
                        continue;
                }
                if (v->schema == s) {
                        int r = set_string(&v->raw, props[v->field]);
                        if (r < 0)
                                return r;
                        changed |= r;
                        held[v->field] = true;
                }
                n->udev[k++] = *v;
        }
        n->n_udev = k;
        for (size_t f = 0; f < s->n_fields; f++) {
                NicUdevValue *a;

                if (!props[f] || held[f])
                        continue;
                a = realloc(n->udev, (n->n_udev + 1) * sizeof(NicUdevValue));
                if (!a)
                        return -ENOMEM;
                n->udev = a;
                a[n->n_udev] = (NicUdevValue) { .schema = s, .field = f, .raw = strdup(props[f]) };
                if (!a[n->n_udev].raw)
                        return -ENOMEM;
                n->n_udev++;
                changed = 1;
        }
        return changed;
}

int nic_set_udev_props(Nic *n, const char *const props[static _FIELD_MAX]) {
        return set_props(n, &schema_tcp_connection_offload, props);
}

int nic_set_task_udev_props(Nic *n, const char *const props[static _TASK_FIELD_MAX]) {
        return set_props(n, &schema_task_offload, props);
}

void nic_note_unknown_udev(Nic *n, const char *const *names, size_t count) {
        for (size_t i = 0; i < count; i++) {
                bool said = false;

                for (size_t k = 0; k < n->n_unknown_udev && !said; k++)
                        said = streq(n->unknown_udev[k], names[i]);
                if (said)
                        continue;
                log_warning("nic '%s': udev property %s is not one muxcap knows (a typo in a rule?); "
                            "ignored", n->name ? n->name : "?", names[i]);
                if (strv_push_dup(&n->unknown_udev, &n->n_unknown_udev, names[i]) < 0)
                        return;         /* out of memory: said again next time */
        }
}

const char *nic_udev_bad_value(const Nic *n, const RecordSchema *s, size_t field) {
        for (size_t i = 0; i < n->n_udev; i++)
                if (n->udev[i].schema == s && n->udev[i].field == field)
                        return n->udev[i].bad;
        return NULL;
}

/* SPEC 3, source 3: the hardware record from what the device can turn on (available or
 * active), the current config from what is on, by the rules of kernel-record.c. */
void kernel_records(const NicFeatures *features, unsigned short type, RecordValue *ret_hw,
                    RecordValue *ret_cur) {
        kernel_derive_records(&schema_tcp_connection_offload, features, type, 0, 0, ret_hw, ret_cur);
}

/* Source 2: each valid MUXCAP_* value overrides the kernel's; a bad one is logged once (until
 * it changes) and falls through. */
static void apply_udev(Nic *n, RecordValue r[static NIC_RECORDS]) {
        for (size_t i = 0; i < n->n_udev; i++) {
                NicUdevValue *u = &n->udev[i];
                const RecordSchema *s = u->schema;
                bool task = s == &schema_task_offload;
                const char *reason = NULL;
                uint32_t v;

                if (schema_parse_value(s, u->field, u->raw, &v, &reason) < 0) {
                        if (!u->bad || !streq(u->bad, u->raw)) {
                                log_warning("nic '%s': udev property %s='%s' is invalid (%s), "
                                            "using the next source",
                                            n->name ? n->name : "?", s->fields[u->field].udev, u->raw,
                                            reason);
                                (void) set_string(&u->bad, u->raw);
                        }
                        continue;
                }
                (void) set_string(&u->bad, NULL);
                (void) value_set(&r[task ? 2 : 0], u->field, v);
                (void) value_set(&r[task ? 3 : 1], u->field, v);
                (task ? n->task_src : n->src)[u->field] = SOURCE_UDEV;
        }
}

const RecordSchema *nic_record_schema(size_t k) {
        assert(k < NIC_RECORDS);
        return settled_layout[k].schema;
}

const Source *nic_sources(const Nic *n, size_t k) {
        assert(k < NIC_RECORDS);
        return settled_layout[k].schema == &schema_task_offload ? n->task_src : n->src;
}

/* Record @k's bytes in @n. Bytes all 0 (a Header.Type of 0, which no schema has) stand for
 * the empty record (value_init()) that a NIC holds until it is settled: so making a NIC, one
 * per new device, encodes nothing. */
static uint8_t *settled_bytes(const Nic *n, size_t k) {
        assert(k < NIC_RECORDS);
        assert(settled_layout[k].size == settled_layout[k].schema->size &&
               settled_layout[k].schema->type != 0);
        return (uint8_t *) n->settled + settled_layout[k].offset;
}

/* Decodes what nic_settled_set() encoded: it cannot fail. */
void nic_settled_get(const Nic *n, size_t k, RecordValue *ret) {
        const uint8_t *p = settled_bytes(n, k);
        _unused_ int r;

        if (p[0] == 0) {
                value_init(ret, settled_layout[k].schema);
                return;
        }
        r = schema_decode(settled_layout[k].schema, p, settled_layout[k].size, ret, NULL);
        assert(r == 0);
}

size_t nic_settled_encoded(const Nic *n, size_t k, uint8_t ret[static SCHEMA_SIZE_MAX]) {
        const uint8_t *p = settled_bytes(n, k);

        if (p[0] == 0) {
                RecordValue empty;
                _unused_ int r;

                value_init(&empty, settled_layout[k].schema);
                r = schema_encode(&empty, ret, SCHEMA_SIZE_MAX, NULL);
                assert(r == 0);
        } else
                memcpy(ret, p, settled_layout[k].size);
        return settled_layout[k].size;
}

/* -ERANGE too for a revision of 0, which the wire cannot carry (value_init() never makes
 * one). */
bool nic_settled_equal(const Nic *n, size_t k, const RecordValue *v) {
        uint8_t buf[SCHEMA_SIZE_MAX];
        const uint8_t *p = settled_bytes(n, k);
        RecordValue empty;

        assert(v->schema == settled_layout[k].schema);
        if (p[0] == 0) {
                value_init(&empty, v->schema);
                return value_equal(v, &empty);
        }
        return schema_encode(v, buf, settled_layout[k].size, NULL) == 0 &&
               memcmp(p, buf, settled_layout[k].size) == 0;
}

int nic_settled_set(Nic *n, size_t k, const RecordValue *v) {
        uint8_t buf[SCHEMA_SIZE_MAX], *p = settled_bytes(n, k);
        size_t size = settled_layout[k].size;

        assert(v->schema == settled_layout[k].schema);
        if (schema_encode(v, buf, size, NULL) < 0)
                return -ERANGE;
        if (p[0] == 0) {
                RecordValue empty;

                value_init(&empty, v->schema);
                if (value_equal(v, &empty))
                        return 0;       /* still reads as the empty record */
        } else if (memcmp(p, buf, size) == 0)
                return 0;
        memcpy(p, buf, size);
        return 1;
}

/* The fields the kernel gave derived again from what @n can turn on but @features; those udev
 * or the config declared stay. */
void nic_hardware_without(const Nic *n, size_t k, uint32_t features, RecordValue *v) {
        const NicFeatures none = { 0 }, *f = n->features_valid ? &n->features : &none;
        const NicFeatures without = { .available = f->available & ~features,
                                      .active = f->active & ~features };
        const Source *src = nic_sources(n, k);
        RecordValue hw, cur;

        assert(k == 0 || k == 2);
        assert(v->schema == nic_record_schema(k));
        kernel_derive_records(v->schema, &without, n->type, n->tso_max_size, n->gso_max_size,
                              &hw, &cur);
        for (size_t i = 0; i < v->schema->n_fields; i++)
                if (src[i] == SOURCE_KERNEL)
                        v->v[i] = hw.v[i];
}

void nic_compute_records(Nic *n, const Config *config, RecordValue r[static NIC_RECORDS]) {
        const NicFeatures none = { 0 }, *features = n->features_valid ? &n->features : &none;

        kernel_derive_records(&schema_tcp_connection_offload, features, n->type, n->tso_max_size,
                              n->gso_max_size, &r[0], &r[1]);
        kernel_derive_records(&schema_task_offload, features, n->type, n->tso_max_size,
                              n->gso_max_size, &r[2], &r[3]);
        for (Field f = 0; f < _FIELD_MAX; f++)
                n->src[f] = SOURCE_KERNEL;
        for (size_t f = 0; f < _TASK_FIELD_MAX; f++)
                n->task_src[f] = SOURCE_KERNEL;
        apply_udev(n, r);
        if (config && n->name) {
                config_apply_nic_rules(config, n->name, &r[0], &r[1], n->src);
                config_apply_nic_task_rules(config, n->name, &r[2], &r[3], n->task_src);
        }
}
