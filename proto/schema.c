/* SPDX-License-Identifier: MIT */
/* The generic record code: codec, field lookup, text parsing and formatting over any schema */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"
#include "schema.h"

static const FieldDesc *field_desc(const RecordSchema *s, size_t field) {
        return s && field < s->n_fields ? &s->fields[field] : NULL;
}

static uint32_t bits_max(unsigned bits) {
        return bits >= 32 ? UINT32_MAX : (UINT32_C(1) << bits) - 1;
}

uint32_t schema_field_wire_max(const RecordSchema *s, size_t field) {
        const FieldDesc *d = field_desc(s, field);

        return d ? bits_max(d->bits) : 0;
}

/* Little-endian word of @width bytes (1, 2 or 4) at @p, assembled byte by byte. */
static inline uint32_t load_le(const uint8_t *p, unsigned width) {
        switch (width) {
        case 1:
                return p[0];
        case 2:
                return (uint32_t) p[0] | (uint32_t) p[1] << 8;
        default:
                return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 |
                       (uint32_t) p[3] << 24;
        }
}

static void store_le(uint8_t *p, unsigned width, uint32_t v) {
        for (unsigned i = 0; i < width; i++)
                p[i] = (uint8_t) (v >> (8 * i));
}

void value_init(RecordValue *ret, const RecordSchema *s) {
        *ret = (RecordValue) { .schema = s, .revision = s->revision };
}

bool value_equal(const RecordValue *a, const RecordValue *b) {
        if (a->schema != b->schema || a->revision != b->revision)
                return false;
        return memcmp(a->v, b->v, a->schema->n_fields * sizeof(a->v[0])) == 0;
}

static bool group_supported(const RecordValue *v, const FieldGroup *g) {
        return v->v[g->gate[0]] != 0 || v->v[g->gate[1]] != 0;
}

void value_clear_unsupported(RecordValue *v) {
        const RecordSchema *s = v->schema;

        for (size_t i = 0; i < s->n_groups; i++) {
                const FieldGroup *g = &s->groups[i];

                if (!group_supported(v, g))
                        for (size_t f = g->first; f <= g->last; f++)
                                v->v[f] = 0;
        }
}

int value_unsupported_by(const RecordValue *v, size_t f) {
        const RecordSchema *s = v->schema;

        for (size_t i = 0; i < s->n_groups; i++) {
                const FieldGroup *g = &s->groups[i];

                if (f >= g->first && f <= g->last && !group_supported(v, g))
                        return g->gate[0];
        }
        return -1;
}

uint32_t value_get(const RecordValue *v, size_t field) {
        return field < v->schema->n_fields ? v->v[field] : 0;
}

/* Sets one field; -EINVAL for no such field, -ERANGE if @value is wider than its bits. */
int value_set(RecordValue *v, size_t field, uint32_t value) {
        const FieldDesc *d = field_desc(v->schema, field);

        if (!d)
                return -EINVAL;
        if (value > bits_max(d->bits))
                return -ERANGE;
        v->v[field] = value;
        return 0;
}

#define DEFINE_FIELD_LOOKUP(what)                                               \
        int schema_field_from_##what(const RecordSchema *s, const char *str) { \
                for (size_t i = 0; s && str && i < s->n_fields; i++)           \
                        if (s->fields[i].what && streq(s->fields[i].what, str)) \
                                return (int) i;                                 \
                return -EINVAL;                                                 \
        }

DEFINE_FIELD_LOOKUP(name)
DEFINE_FIELD_LOOKUP(json)
DEFINE_FIELD_LOOKUP(udev)

uint16_t schema_min_size(const RecordSchema *s, uint8_t revision) {
        if (s->n_min_sizes == 0)
                return s->size;
        if (revision == 0)
                return s->min_sizes[0];
        return s->min_sizes[revision <= s->n_min_sizes ? (size_t) revision - 1 : s->n_min_sizes - 1];
}

static void set_reason(const char **reterr_reason, const char *reason) {
        if (reterr_reason)
                *reterr_reason = reason;
}

/* Writes @v as schema->size bytes into @buf (at least that large): the header, then every
 * field into its bits; bits no field owns are 0. Refuses (-ERANGE) a revision of 0 and any
 * value wider than its field, naming it in @reterr_reason; @buf is untouched then. */
int schema_encode(const RecordValue *v, uint8_t *buf, size_t size, const char **reterr_reason) {
        const RecordSchema *s = v->schema;

        if (size < s->size)
                return -ENOBUFS;
        if (v->revision == 0) {
                set_reason(reterr_reason, "revision must not be 0");
                return -ERANGE;
        }
        for (size_t i = 0; i < s->n_fields; i++)
                if (v->v[i] > bits_max(s->fields[i].bits)) {
                        set_reason(reterr_reason, s->fields[i].too_wide
                                                          ? s->fields[i].too_wide
                                                          : "a field does not fit in its bits");
                        return -ERANGE;
                }

        memset(buf, 0, s->size);
        buf[0] = s->type;
        buf[1] = v->revision;
        store_le(buf + 2, 2, s->size);
        /* Fields sharing a word OR their bits into it; a 0 (most fields of most records)
         * leaves the zeroed bytes as they are. */
        for (size_t i = 0; i < s->n_fields; i++) {
                const FieldDesc *d = &s->fields[i];
                uint32_t bits = v->v[i] << d->shift;

                for (unsigned b = 0; bits != 0 && b < d->width; b++, bits >>= 8)
                        buf[d->offset + b] |= (uint8_t) bits;
        }
        return 0;
}

/* Reads a record of schema @s from @buf (SPEC 2, 12). Returns -EBADMSG, with the failed check
 * in @reterr_reason, and leaves @ret untouched, unless the header passes; then fields ending
 * past Header.Size are 0 and bytes past it are ignored. */
int schema_decode(const RecordSchema *s, const uint8_t *buf, size_t size, RecordValue *ret,
                  const char **reterr_reason) {
        const char *reason = NULL;
        uint16_t header_size = 0;

        if (!buf || size < (s->min_buffer ? s->min_buffer : schema_min_size(s, 1)))
                reason = s->too_short ? s->too_short : "record is shorter than its first revision";
        else if (buf[0] != s->type)
                reason = s->bad_type ? s->bad_type : "Header.Type does not match";
        else if (buf[1] == 0)
                reason = "Header.Revision is 0";
        else if ((header_size = (uint16_t) load_le(buf + 2, 2)) < schema_min_size(s, buf[1]))
                reason = s->size_too_small ? s->size_too_small
                                           : "Header.Size is smaller than its revision's size";
        else if (header_size > size)
                reason = "Header.Size is larger than the buffer";
        if (reason) {
                set_reason(reterr_reason, reason);
                return -EBADMSG;
        }

        /* Straight into @ret, now that nothing can fail. */
        ret->schema = s;
        ret->revision = buf[1];
        for (size_t i = 0; i < s->n_fields; i++) {
                const FieldDesc *d = &s->fields[i];

                ret->v[i] = (size_t) d->offset + d->width > header_size
                                    ? 0
                                    : load_le(buf + d->offset, d->width) >> d->shift & bits_max(d->bits);
        }
        memset(ret->v + s->n_fields, 0, (SCHEMA_FIELDS_MAX - s->n_fields) * sizeof(ret->v[0]));
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

static bool is_blank(char c) {
        return c == ' ' || c == '\t';
}

/* Parses a space-separated list of flag names and numbers, OR-ing them: everything
 * mask_format() writes ("none", "null 0x20") reads back. Names are tried first: "802.3" is a
 * name, not a decimal. On an unknown word @reterr_reason is set to NULL for the caller to
 * name the field; on an empty list to "empty list". */
int mask_parse(const FlagName *names, size_t n_names, const char *s, uint32_t *ret,
               const char **reterr_reason) {
        const char *reason = "empty list";
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
                for (i = 0; i < n_names; i++)
                        if (strlen(names[i].name) == n && strncmp(names[i].name, p, n) == 0)
                                break;
                if (i < n_names)
                        v = names[i].flag;
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
        set_reason(reterr_reason, reason);
        return r == -ERANGE ? -ERANGE : -EINVAL;
}

/* Writes the names of @flags separated by spaces, unknown bits as one hex number, and "none"
 * for 0. -ENOBUFS when @size is too small. */
int mask_format(const FlagName *names, size_t n_names, uint32_t flags, char *buf, size_t size) {
        size_t len = 0;
        int k;

        if (!buf || size == 0)
                return -ENOBUFS;
        buf[0] = '\0';
        for (size_t i = 0; i < n_names; i++)
                if (flags & names[i].flag) {
                        k = snprintf(buf + len, size - len, "%s%s", len ? " " : "", names[i].name);
                        if (k < 0 || (size_t) k >= size - len)
                                return -ENOBUFS;
                        len += (size_t) k;
                        flags &= ~names[i].flag;
                }
        if (flags)
                k = snprintf(buf + len, size - len, "%s0x%" PRIx32, len ? " " : "", flags);
        else if (len == 0)
                k = snprintf(buf, size, "none");
        else
                k = 0;
        return k < 0 || (size_t) k >= size - len ? -ENOBUFS : 0;
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

/* Parses the text of a config key, udev property or CLI value for field @field of @s, by the
 * field's kind and range. Fails with -EINVAL or -ERANGE and a reason. */
int schema_parse_value(const RecordSchema *s, size_t field, const char *text, uint32_t *ret,
                       const char **reterr_reason) {
        const FieldDesc *d = field_desc(s, field);
        const char *reason = NULL;
        uint32_t v;
        int r;

        if (!d || !text)
                return -EINVAL;
        switch (d->kind) {
        case VALUE_MASK:
                r = mask_parse(d->flags, d->n_flags, text, &v, &reason);
                if (r == 0 && v > d->max) {
                        set_reason(reterr_reason, d->range ? d->range : "flags out of range");
                        return -ERANGE;
                }
                if (r == 0)
                        *ret = v;
                else
                        set_reason(reterr_reason,
                                   reason && streq(reason, "empty list") && d->empty ? d->empty
                                   : reason ? reason
                                   : d->invalid ? d->invalid
                                                : "unknown flag name (expected names or one number)");
                return r;
        case VALUE_SUPPORT:
        case VALUE_BOOLEAN:
                r = support_parse(text, ret);
                if (r < 0)
                        set_reason(reterr_reason,
                                   d->invalid ? d->invalid : "expected yes, no, 1, 0, true or false");
                return r;
        case VALUE_NUMBER:
                r = parse_u32(text, d->max, ret);
                if (r == -ERANGE)
                        set_reason(reterr_reason, d->range ? d->range : "number out of range");
                else if (r < 0)
                        set_reason(reterr_reason,
                                   d->invalid ? d->invalid : "not a decimal or 0x-hex number");
                return r;
        default:
                return -EINVAL;
        }
}

/* Writes the text form of @value for field @field: flag names for a mask, "yes"/"no" for a
 * support value or boolean of 1/0, decimal otherwise. -ENOBUFS when @size is too small. */
int schema_format_value(const RecordSchema *s, size_t field, uint32_t value, char *buf, size_t size) {
        const FieldDesc *d = field_desc(s, field);
        int k;

        if (!d || !buf)
                return -EINVAL;
        if (d->kind == VALUE_MASK && d->flags)
                return mask_format(d->flags, d->n_flags, value, buf, size);
        if ((d->kind == VALUE_SUPPORT || d->kind == VALUE_BOOLEAN) && value <= 1)
                k = snprintf(buf, size, "%s", value ? "yes" : "no");
        else
                k = snprintf(buf, size, "%" PRIu32, value);
        return k < 0 || (size_t) k >= size ? -ENOBUFS : 0;
}

/* Writes `"revision":R,"json_key":value,...` (every field, table order, numbers) into @buf,
 * for a caller that wraps it in its own JSON object. -ENOBUFS when @size is too small. */
int schema_format_json(const RecordValue *v, char *buf, size_t size) {
        size_t len = 0;
        int k;

        if (!buf || size == 0)
                return -ENOBUFS;
        k = snprintf(buf, size, "\"revision\":%u", (unsigned) v->revision);
        if (k < 0 || (size_t) k >= size)
                return -ENOBUFS;
        len = (size_t) k;
        for (size_t i = 0; i < v->schema->n_fields; i++) {
                k = snprintf(buf + len, size - len, ",\"%s\":%" PRIu32, v->schema->fields[i].json,
                             v->v[i]);
                if (k < 0 || (size_t) k >= size - len)
                        return -ENOBUFS;
                len += (size_t) k;
        }
        return 0;
}
