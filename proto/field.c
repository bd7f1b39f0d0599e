/* SPDX-License-Identifier: MIT */
/* The connection record's fields by Field: thin names over schema_tcp_connection_offload's
 * table (schema-tcp.c), and the hex text form of records */

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "field.h"
#include "macro.h"
#include "schemas.h"

#define TCP (&schema_tcp_connection_offload)

static const FieldDesc *desc(Field f) {
        return f >= 0 && f < _FIELD_MAX ? &TCP->fields[f] : NULL;
}

const char *field_to_name(Field f) {
        return desc(f) ? desc(f)->name : NULL;
}

const char *field_to_json(Field f) {
        return desc(f) ? desc(f)->json : NULL;
}

const char *field_to_udev(Field f) {
        return desc(f) ? desc(f)->udev : NULL;
}

Field field_from_name(const char *s) {
        int i = schema_field_from_name(TCP, s);
        return i < 0 ? _FIELD_INVALID : (Field) i;
}

Field field_from_json(const char *s) {
        int i = schema_field_from_json(TCP, s);
        return i < 0 ? _FIELD_INVALID : (Field) i;
}

FieldKind field_kind(Field f) {
        return desc(f)->kind;
}

uint32_t field_max(Field f) {
        return desc(f)->max;
}

/* The Record member of each Field: the typed view and the table stay one mapping. */
static const struct {
        size_t offset, size;
} members[_FIELD_MAX] = {
#define M(f, m) [f] = { offsetof(Record, m), sizeof(((Record *) 0)->m) }
        M(FIELD_ENCAPSULATION, encapsulation),
        M(FIELD_SUPPORT_IPV4, support_ipv4),
        M(FIELD_SUPPORT_IPV6, support_ipv6),
        M(FIELD_SUPPORT_IPV6_EXTENSION_HEADERS, support_ipv6_extension_headers),
        M(FIELD_SUPPORT_SACK, support_sack),
        M(FIELD_CONGESTION_ALGORITHM, congestion_algorithm),
        M(FIELD_TCP_CONNECTION_OFFLOAD_CAPACITY, tcp_connection_offload_capacity),
        M(FIELD_FLAGS, flags),
#undef M
};

uint32_t record_get(const Record *r, Field f) {
        const uint8_t *p;

        if (f < 0 || f >= _FIELD_MAX)
                return 0;
        p = (const uint8_t *) r + members[f].offset;
        if (members[f].size == sizeof(uint8_t))
                return *p;
        return *(const uint32_t *) (const void *) p;
}

/* Sets one field; -ERANGE if @value is wider than the field's bits on the wire. */
int record_set(Record *r, Field f, uint32_t value) {
        uint8_t *p;

        if (f < 0 || f >= _FIELD_MAX)
                return -EINVAL;
        if (value > schema_field_wire_max(TCP, (size_t) f))
                return -ERANGE;
        p = (uint8_t *) r + members[f].offset;
        if (members[f].size == sizeof(uint8_t))
                *p = (uint8_t) value;
        else
                *(uint32_t *) (void *) p = value;
        return 0;
}

void record_to_value(const Record *r, RecordValue *ret) {
        value_init(ret, TCP);
        ret->revision = r->revision;
        for (Field f = 0; f < _FIELD_MAX; f++)
                ret->v[f] = record_get(r, f);
}

void record_from_value(const RecordValue *v, Record *ret) {
        Record r = { .revision = v->revision };

        for (Field f = 0; f < _FIELD_MAX; f++)
                (void) record_set(&r, f, value_get(v, (size_t) f));
        *ret = r;
}

/* Parses the text of a config key, udev property or CLI value for field @f. */
int field_parse_value(Field f, const char *s, uint32_t *ret, const char **reterr_reason) {
        if (f < 0 || f >= _FIELD_MAX)
                return -EINVAL;
        return schema_parse_value(TCP, (size_t) f, s, ret, reterr_reason);
}

int encapsulation_parse(const char *s, uint32_t *ret, const char **reterr_reason) {
        return field_parse_value(FIELD_ENCAPSULATION, s, ret, reterr_reason);
}

/* Writes the flag names of @flags separated by spaces, unknown bits as one hex number, and
 * "none" for 0. */
void encapsulation_format(uint32_t flags, char buf[static ENCAPSULATION_FORMAT_MAX]) {
        (void) schema_format_value(TCP, FIELD_ENCAPSULATION, flags, buf, ENCAPSULATION_FORMAT_MAX);
}

static int hex_digit(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        c = (char) tolower((unsigned char) c);
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        return -1;
}

/* Decodes hex text into @buf (at most @size bytes). An optional "0x" prefix, and spaces or
 * colons between bytes, are allowed. -EINVAL/-EMSGSIZE with a reason otherwise. */
int hex_decode(const char *s, uint8_t *buf, size_t size, size_t *ret_len, const char **reterr_reason) {
        size_t n = 0;
        const char *reason = NULL;
        int r = -EINVAL;

        if (!s)
                return -EINVAL;
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
                s += 2;
        while (*s) {
                int hi, lo;

                if (*s == ' ' || *s == ':' || *s == '\t' || *s == '\n') {
                        s++;
                        continue;
                }
                hi = hex_digit(s[0]);
                lo = hi >= 0 ? hex_digit(s[1]) : -1;
                if (hi < 0 || (lo < 0 && s[1] && !strchr(" :\t\n", s[1]))) {
                        reason = "not a hex digit";
                        break;
                }
                if (lo < 0) {
                        reason = "odd number of hex digits";
                        break;
                }
                if (n >= size) {
                        reason = "too long";
                        r = -EMSGSIZE;
                        break;
                }
                buf[n++] = (uint8_t) (hi << 4 | lo);
                s += 2;
        }
        if (reason) {
                if (reterr_reason)
                        *reterr_reason = reason;
                return r;
        }
        *ret_len = n;
        return 0;
}

/* Writes @len bytes as lowercase hex into @out, which holds 2 * @len + 1 chars. */
void hex_encode(const uint8_t *buf, size_t len, char *out) {
        static const char digits[] = "0123456789abcdef";

        for (size_t i = 0; i < len; i++) {
                out[2 * i] = digits[buf[i] >> 4];
                out[2 * i + 1] = digits[buf[i] & 0xf];
        }
        out[2 * len] = '\0';
}
