/* SPDX-License-Identifier: MIT */
/* libmuxcap: the public face of proto/'s NDIS_OFFLOAD schema (MUXCAP_1.1) */

#include <errno.h>
#include <string.h>

#include "field.h"
#include "macro.h"
#include "muxcap/muxcap.h"
#include "record.h"
#include "schema-task.h"
#include "schemas.h"

#define TASK (&schema_task_offload)

_Static_assert(MUXCAP_TASK_RECORD_SIZE == TASK_RECORD_SIZE, "task record size");
_Static_assert(MUXCAP_TASK_RECORD_REVISION == TASK_RECORD_REVISION, "task record revision");
_Static_assert(MUXCAP_RECORD_TYPE_TASK == TASK_RECORD_TYPE, "task record type");
_Static_assert(MUXCAP_RECORD_TYPE_CONNECTION == RECORD_TYPE, "connection record type");
_Static_assert(MUXCAP_TASK_FIELDS_MAX >= _TASK_FIELD_MAX, "room for every task field");
_Static_assert(_TASK_FIELD_MAX <= SCHEMA_FIELDS_MAX, "task fields fit a RecordValue");
_Static_assert(MUXCAP_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES ==
               STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES, "status");
_Static_assert(MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG == STATUS_TASK_OFFLOAD_CURRENT_CONFIG,
               "status");

static void to_value(const struct muxcap_task_record *in, RecordValue *out) {
        value_init(out, TASK);
        out->revision = in->revision;
        memcpy(out->v, in->value, TASK->n_fields * sizeof(out->v[0]));
}

static void from_value(const RecordValue *in, struct muxcap_task_record *out) {
        *out = (struct muxcap_task_record) { .revision = in->revision };
        memcpy(out->value, in->v, TASK->n_fields * sizeof(out->value[0]));
}

static void set_reason(const char **reterr_reason, const char *reason) {
        if (reterr_reason)
                *reterr_reason = reason;
}

size_t muxcap_task_field_count(void) {
        return TASK->n_fields;
}

const char *muxcap_task_field_name(size_t i) {
        return i < TASK->n_fields ? TASK->fields[i].name : NULL;
}

const char *muxcap_task_field_json(size_t i) {
        return i < TASK->n_fields ? TASK->fields[i].json : NULL;
}

int muxcap_task_field_lookup(const char *key) {
        int i;

        if (!key)
                return -EINVAL;
        i = schema_field_from_json(TASK, key);
        if (i < 0)
                i = schema_field_from_name(TASK, key);
        return i < 0 ? -ENOENT : i;
}

void muxcap_task_record_init(struct muxcap_task_record *r) {
        if (r)
                *r = (struct muxcap_task_record) { .revision = TASK_RECORD_REVISION };
}

int muxcap_task_record_decode(const void *buf, size_t size, struct muxcap_task_record *ret,
                              const char **reterr_reason) {
        RecordValue v;
        int r;

        if (!ret)
                return -EINVAL;
        r = schema_decode(TASK, buf, size, &v, reterr_reason);
        if (r < 0)
                return r;
        from_value(&v, ret);
        return 0;
}

int muxcap_task_record_encode(const struct muxcap_task_record *r,
                              uint8_t buf[MUXCAP_TASK_RECORD_SIZE], const char **reterr_reason) {
        RecordValue v;

        if (!r || !buf)
                return -EINVAL;
        to_value(r, &v);
        return schema_encode(&v, buf, TASK_RECORD_SIZE, reterr_reason);
}

int muxcap_task_record_set_field(struct muxcap_task_record *r, const char *key,
                                 const char *value, const char **reterr_reason) {
        uint32_t v;
        int i, k;

        if (!r || !key || !value)
                return -EINVAL;
        if (streq(key, "revision")) {
                k = parse_u32(value, UINT8_MAX, &v);
                if (k < 0) {
                        set_reason(reterr_reason, k == -ERANGE ? "number out of range 0-255"
                                                               : "not a decimal or 0x-hex number");
                        return k;
                }
                r->revision = (uint8_t) v;
                return 0;
        }
        i = muxcap_task_field_lookup(key);
        if (i < 0) {
                set_reason(reterr_reason, "unknown field");
                return -ENOENT;
        }
        k = schema_parse_value(TASK, (size_t) i, value, &v, reterr_reason);
        if (k < 0)
                return k;
        /* Text is range-checked against each field's maximum, which its bits hold. */
        r->value[i] = v;
        return 0;
}

int muxcap_task_record_get(const struct muxcap_task_record *r, const char *key, uint32_t *ret) {
        int i;

        if (!r || !ret)
                return -EINVAL;
        i = muxcap_task_field_lookup(key);
        if (i < 0)
                return i;
        *ret = r->value[i];
        return 0;
}

int muxcap_task_record_format_field(const struct muxcap_task_record *r, size_t i, char *buf,
                                    size_t size) {
        if (!r || !buf || i >= TASK->n_fields)
                return -EINVAL;
        return schema_format_value(TASK, i, r->value[i], buf, size);
}

int muxcap_task_record_decode_hex(const char *hex, struct muxcap_task_record *ret,
                                  const char **reterr_reason) {
        uint8_t buf[4096];
        size_t n;

        if (!hex || !ret)
                return -EINVAL;
        if (hex_decode(hex, buf, sizeof(buf), &n, reterr_reason) < 0)
                return -EBADMSG;
        return muxcap_task_record_decode(buf, n, ret, reterr_reason);
}

int muxcap_hex_decode(const char *hex, uint8_t *buf, size_t size, size_t *ret_len,
                      const char **reterr_reason) {
        size_t n;
        int r;

        if (!hex || !buf || !ret_len)
                return -EINVAL;
        r = hex_decode(hex, buf, size, &n, reterr_reason);
        if (r < 0)
                return r == -EMSGSIZE ? -EMSGSIZE : -EBADMSG;
        *ret_len = n;
        return 0;
}

int muxcap_record_type(const void *buf, size_t size) {
        const uint8_t *p = buf;

        if (!p || size == 0)
                return -EBADMSG;
        if (schema_from_type(p[0]))
                return p[0];
        return -EBADMSG;
}
