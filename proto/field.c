/* SPDX-License-Identifier: MIT */
/* Field table and value parsers: the only place that knows a field's names and range */

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "field.h"
#include "macro.h"

typedef struct FieldInfo {
        const char *name;
        const char *json;
        const char *udev;
        FieldKind kind;
        uint32_t max;
} FieldInfo;

static const FieldInfo field_table[_FIELD_MAX] = {
        [FIELD_ENCAPSULATION] = { "Encapsulation", "encapsulation", "MUXCAP_ENCAPSULATION",
                                  FIELD_KIND_ENCAPSULATION, UINT32_MAX },
        [FIELD_SUPPORT_IPV4] = { "SupportIPv4", "support_ipv4", "MUXCAP_IPV4",
                                 FIELD_KIND_SUPPORT, 1 },
        [FIELD_SUPPORT_IPV6] = { "SupportIPv6", "support_ipv6", "MUXCAP_IPV6",
                                 FIELD_KIND_SUPPORT, 1 },
        [FIELD_SUPPORT_IPV6_EXTENSION_HEADERS] = { "SupportIPv6ExtensionHeaders",
                                                   "support_ipv6_extension_headers",
                                                   "MUXCAP_IPV6_EXTENSION_HEADERS",
                                                   FIELD_KIND_SUPPORT, 1 },
        [FIELD_SUPPORT_SACK] = { "SupportSack", "support_sack", "MUXCAP_SACK",
                                 FIELD_KIND_SUPPORT, 1 },
        [FIELD_CONGESTION_ALGORITHM] = { "CongestionAlgorithm", "congestion_algorithm",
                                         "MUXCAP_CONGESTION_ALGORITHM", FIELD_KIND_NUMBER,
                                         CONGESTION_ALGORITHM_MAX },
        [FIELD_TCP_CONNECTION_OFFLOAD_CAPACITY] = { "TcpConnectionOffloadCapacity",
                                                    "tcp_connection_offload_capacity",
                                                    "MUXCAP_CAPACITY", FIELD_KIND_NUMBER,
                                                    UINT32_MAX },
        [FIELD_FLAGS] = { "Flags", "flags", "MUXCAP_FLAGS", FIELD_KIND_NUMBER, UINT32_MAX },
};

static const struct {
        const char *name;
        uint32_t flag;
} encapsulation_names[] = {
        { "null", ENCAP_NULL },
        { "802.3", ENCAP_IEEE_802_3 },
        { "802.3-pq", ENCAP_IEEE_802_3_P_AND_Q },
        { "802.3-pq-oob", ENCAP_IEEE_802_3_P_AND_Q_IN_OOB },
        { "llc-snap-routed", ENCAP_IEEE_LLC_SNAP_ROUTED },
};

const char *field_to_name(Field f) {
        return f >= 0 && f < _FIELD_MAX ? field_table[f].name : NULL;
}

const char *field_to_json(Field f) {
        return f >= 0 && f < _FIELD_MAX ? field_table[f].json : NULL;
}

const char *field_to_udev(Field f) {
        return f >= 0 && f < _FIELD_MAX ? field_table[f].udev : NULL;
}

Field field_from_name(const char *s) {
        for (Field f = 0; s && f < _FIELD_MAX; f++)
                if (streq(field_table[f].name, s))
                        return f;
        return _FIELD_INVALID;
}

Field field_from_json(const char *s) {
        for (Field f = 0; s && f < _FIELD_MAX; f++)
                if (streq(field_table[f].json, s))
                        return f;
        return _FIELD_INVALID;
}

FieldKind field_kind(Field f) {
        return field_table[f].kind;
}

uint32_t field_max(Field f) {
        return field_table[f].max;
}

uint32_t record_get(const Record *r, Field f) {
        switch (f) {
        case FIELD_ENCAPSULATION:
                return r->encapsulation;
        case FIELD_SUPPORT_IPV4:
                return r->support_ipv4;
        case FIELD_SUPPORT_IPV6:
                return r->support_ipv6;
        case FIELD_SUPPORT_IPV6_EXTENSION_HEADERS:
                return r->support_ipv6_extension_headers;
        case FIELD_SUPPORT_SACK:
                return r->support_sack;
        case FIELD_CONGESTION_ALGORITHM:
                return r->congestion_algorithm;
        case FIELD_TCP_CONNECTION_OFFLOAD_CAPACITY:
                return r->tcp_connection_offload_capacity;
        case FIELD_FLAGS:
                return r->flags;
        default:
                return 0;
        }
}

/* Sets one field; -ERANGE if @value is wider than the field's bits on the wire. */
int record_set(Record *r, Field f, uint32_t value) {
        if (f < 0 || f >= _FIELD_MAX)
                return -EINVAL;
        if (value > (field_kind(f) == FIELD_KIND_SUPPORT ? SUPPORT_MAX : field_max(f)))
                return -ERANGE;
        switch (f) {
        case FIELD_ENCAPSULATION:
                r->encapsulation = value;
                break;
        case FIELD_SUPPORT_IPV4:
                r->support_ipv4 = (uint8_t) value;
                break;
        case FIELD_SUPPORT_IPV6:
                r->support_ipv6 = (uint8_t) value;
                break;
        case FIELD_SUPPORT_IPV6_EXTENSION_HEADERS:
                r->support_ipv6_extension_headers = (uint8_t) value;
                break;
        case FIELD_SUPPORT_SACK:
                r->support_sack = (uint8_t) value;
                break;
        case FIELD_CONGESTION_ALGORITHM:
                r->congestion_algorithm = (uint8_t) value;
                break;
        case FIELD_TCP_CONNECTION_OFFLOAD_CAPACITY:
                r->tcp_connection_offload_capacity = value;
                break;
        case FIELD_FLAGS:
                r->flags = value;
                break;
        default:
                return -EINVAL;
        }
        return 0;
}

/* parse_u32() on the first @n bytes of @s, so a token inside a list needs no copy. */
static int parse_u32_n(const char *s, size_t n, uint32_t max, uint32_t *ret) {
        const char *end = s + n;
        unsigned base = 10;
        uint64_t v = 0;

        if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
                base = 16;
                s += 2;
        }
        if (s == end)
                return -EINVAL;
        for (; s < end; s++) {
                unsigned d;

                if (*s >= '0' && *s <= '9')
                        d = (unsigned) (*s - '0');
                else if (base == 16 && *s >= 'a' && *s <= 'f')
                        d = (unsigned) (*s - 'a' + 10);
                else if (base == 16 && *s >= 'A' && *s <= 'F')
                        d = (unsigned) (*s - 'A' + 10);
                else
                        return -EINVAL;
                /* Past @max it stops growing (no overflow) but the rest is still checked:
                 * "29x" is not a number rather than a number out of range. */
                if (v <= max)
                        v = v * base + d;
        }
        if (v > max)
                return -ERANGE;
        *ret = (uint32_t) v;
        return 0;
}

/* Parses a decimal or 0x-hex number up to @max. No sign, no spaces, no octal: "010" is ten.
 * -EINVAL when it is not a number, -ERANGE when it is larger than @max. */
int parse_u32(const char *s, uint32_t max, uint32_t *ret) {
        if (!s)
                return -EINVAL;
        return parse_u32_n(s, strlen(s), max, ret);
}

static int support_parse(const char *s, uint32_t *ret) {
        if (streq(s, "yes") || streq(s, "1") || streq(s, "true")) {
                *ret = 1;
                return 0;
        }
        if (streq(s, "no") || streq(s, "0") || streq(s, "false")) {
                *ret = 0;
                return 0;
        }
        return -EINVAL;
}

static bool is_blank(char c) {
        return c == ' ' || c == '\t';
}

/* Parses a space-separated list of encapsulation names and numbers, OR-ing them: everything
 * encapsulation_format() writes ("none", "null 0x20") reads back. Names are tried first:
 * "802.3" is a name, not a decimal. */
int encapsulation_parse(const char *s, uint32_t *ret, const char **reterr_reason) {
        const char *reason = "empty encapsulation list";
        uint32_t flags = 0;
        int r = -EINVAL;

        if (!s)
                return -EINVAL;
        for (const char *p = s; *p;) {
                uint32_t v = 0;
                size_t n, i;

                while (is_blank(*p))
                        p++;
                for (n = 0; p[n] && !is_blank(p[n]); n++)
                        ;
                if (n == 0)
                        break;
                for (i = 0; i < ELEMENTSOF(encapsulation_names); i++)
                        if (strlen(encapsulation_names[i].name) == n &&
                            strncmp(encapsulation_names[i].name, p, n) == 0)
                                break;
                if (i < ELEMENTSOF(encapsulation_names))
                        v = encapsulation_names[i].flag;
                else if (!(n == 4 && strncmp(p, "none", 4) == 0)) {
                        r = parse_u32_n(p, n, UINT32_MAX, &v);
                        if (r < 0) {
                                reason = r == -ERANGE ? "number does not fit in 32 bits" : NULL;
                                break;
                        }
                }
                flags |= v;
                reason = NULL;
                p += n;
                r = 0;
        }
        if (r == 0) {
                *ret = flags;
                return 0;
        }
        if (!reason)
                reason = "unknown encapsulation (expected null, 802.3, 802.3-pq, 802.3-pq-oob, "
                         "llc-snap-routed, or one number)";
        if (reterr_reason)
                *reterr_reason = reason;
        return r == -ERANGE ? -ERANGE : -EINVAL;
}

/* Writes the flag names of @flags separated by spaces, unknown bits as one hex number, and
 * "none" for 0. */
void encapsulation_format(uint32_t flags, char buf[static ENCAPSULATION_FORMAT_MAX]) {
        char *p = buf;

        buf[0] = '\0';
        for (size_t i = 0; i < ELEMENTSOF(encapsulation_names); i++)
                if (flags & encapsulation_names[i].flag) {
                        p += sprintf(p, "%s%s", p == buf ? "" : " ", encapsulation_names[i].name);
                        flags &= ~encapsulation_names[i].flag;
                }
        if (flags)
                sprintf(p, "%s0x%x", p == buf ? "" : " ", (unsigned) flags);
        else if (p == buf)
                strcpy(buf, "none");
}

/* Parses the text of a config key, udev property or CLI value for field @f. */
int field_parse_value(Field f, const char *s, uint32_t *ret, const char **reterr_reason) {
        int r;

        if (f < 0 || f >= _FIELD_MAX || !s)
                return -EINVAL;
        switch (field_kind(f)) {
        case FIELD_KIND_ENCAPSULATION:
                return encapsulation_parse(s, ret, reterr_reason);
        case FIELD_KIND_SUPPORT:
                r = support_parse(s, ret);
                if (r < 0 && reterr_reason)
                        *reterr_reason = "expected yes, no, 1, 0, true or false";
                return r;
        case FIELD_KIND_NUMBER:
                r = parse_u32(s, field_max(f), ret);
                if (r < 0 && reterr_reason)
                        *reterr_reason = r == -ERANGE ? (field_max(f) == UINT32_MAX
                                                                 ? "number does not fit in 32 bits"
                                                                 : "number out of range 0-15")
                                                      : "not a decimal or 0x-hex number";
                return r;
        }
        return -EINVAL;
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
