/* SPDX-License-Identifier: MIT */
/* libmuxcap: the public face of proto/'s record codec */

#include <errno.h>
#include <string.h>

#include "field.h"
#include "macro.h"
#include "muxcap/muxcap.h"
#include "record.h"
#include "record-convert.h"

_Static_assert(MUXCAP_RECORD_SIZE == RECORD_SIZE, "record size");
_Static_assert(MUXCAP_STATUS_HARDWARE_CAPABILITIES == STATUS_HARDWARE_CAPABILITIES, "status");
_Static_assert(MUXCAP_STATUS_OFFLOAD_RESUME == STATUS_OFFLOAD_RESUME, "status");

void record_to_public(const Record *in, struct muxcap_record *out) {
        *out = (struct muxcap_record) {
                .revision = in->revision,
                .encapsulation = in->encapsulation,
                .support_ipv4 = in->support_ipv4,
                .support_ipv6 = in->support_ipv6,
                .support_ipv6_extension_headers = in->support_ipv6_extension_headers,
                .support_sack = in->support_sack,
                .congestion_algorithm = in->congestion_algorithm,
                .tcp_connection_offload_capacity = in->tcp_connection_offload_capacity,
                .flags = in->flags,
        };
}

void record_from_public(const struct muxcap_record *in, Record *out) {
        *out = (Record) {
                .revision = in->revision,
                .encapsulation = in->encapsulation,
                .support_ipv4 = in->support_ipv4,
                .support_ipv6 = in->support_ipv6,
                .support_ipv6_extension_headers = in->support_ipv6_extension_headers,
                .support_sack = in->support_sack,
                .congestion_algorithm = in->congestion_algorithm,
                .tcp_connection_offload_capacity = in->tcp_connection_offload_capacity,
                .flags = in->flags,
        };
}

void muxcap_record_init(struct muxcap_record *r) {
        if (!r)
                return;
        *r = (struct muxcap_record) { .revision = RECORD_REVISION };
}

int muxcap_record_decode(const void *buf, size_t size, struct muxcap_record *ret,
                         const char **reterr_reason) {
        Record rec;
        int r;

        if (!ret)
                return -EINVAL;
        r = record_decode(buf, size, &rec, reterr_reason);
        if (r < 0)
                return r;
        record_to_public(&rec, ret);
        return 0;
}

int muxcap_record_encode(const struct muxcap_record *r, uint8_t buf[MUXCAP_RECORD_SIZE],
                         const char **reterr_reason) {
        Record rec;

        if (!r || !buf)
                return -EINVAL;
        record_from_public(r, &rec);
        return record_encode(&rec, buf, reterr_reason);
}

int muxcap_record_set_field(struct muxcap_record *r, const char *key, const char *value,
                            const char **reterr_reason) {
        Record rec;
        uint32_t v;
        Field f;
        int k;

        if (!r || !key || !value)
                return -EINVAL;
        if (streq(key, "revision")) {
                k = parse_u32(value, UINT8_MAX, &v);
                if (k < 0) {
                        if (reterr_reason)
                                *reterr_reason = k == -ERANGE ? "number out of range 0-255"
                                                              : "not a decimal or 0x-hex number";
                        return k;
                }
                r->revision = (uint8_t) v;
                return 0;
        }
        f = field_from_json(key);
        if (f < 0) {
                if (reterr_reason)
                        *reterr_reason = "unknown field";
                return -ENOENT;
        }
        k = field_parse_value(f, value, &v, reterr_reason);
        if (k < 0)
                return k;
        record_from_public(r, &rec);
        k = record_set(&rec, f, v);
        if (k < 0)
                return k;
        record_to_public(&rec, r);
        return 0;
}

int muxcap_record_chimney_capable(const struct muxcap_record *r) {
        Record rec;

        if (!r)
                return 0;
        record_from_public(r, &rec);
        return record_chimney_capable(&rec);
}

int muxcap_encapsulation_format(uint32_t flags, char *buf, size_t size) {
        char text[ENCAPSULATION_FORMAT_MAX];
        size_t n;

        if (!buf)
                return -EINVAL;
        encapsulation_format(flags, text);
        n = strlen(text);
        if (n >= size)
                return -ENOBUFS;
        memcpy(buf, text, n + 1);
        return 0;
}

const char *muxcap_status_code_to_string(uint32_t status_code) {
        return status_code_to_string(status_code);
}

int muxcap_record_decode_hex(const char *hex, struct muxcap_record *ret,
                             const char **reterr_reason) {
        uint8_t buf[4096];
        size_t n;
        int r;

        if (!hex || !ret)
                return -EINVAL;
        r = hex_decode(hex, buf, sizeof(buf), &n, reterr_reason);
        if (r < 0)
                return -EBADMSG;
        return muxcap_record_decode(buf, n, ret, reterr_reason);
}
