/* SPDX-License-Identifier: MIT */
/* Record schemas: an NDIS record type as a table of fields, and the code written once over it
 *
 * A record type (NDIS_TCP_CONNECTION_OFFLOAD, NDIS_OFFLOAD, ...) is one RecordSchema: its
 * header (Type, the Revision and Size muxcap writes, the smallest Size each revision may have)
 * and one FieldDesc row per field. Everything else is generic and reads only the table:
 *
 *   schema_decode()/schema_encode()    wire bytes <-> RecordValue
 *   value_get()/value_set()            one field, range-checked against its bits
 *   schema_parse_value()               config key / udev property / CLI text -> number
 *   schema_format_value()              number -> text ("802.3 802.3-pq", "yes", "4096")
 *   schema_format_json()               "key":value,... for JSON objects
 *   schema_aggregate()                 a MUX's record from its members (proto/aggregate.h)
 *
 * A value is held generically: RecordValue.v[i] is field i of the schema's table, whatever the
 * field's width or position on the wire. Adding a field is adding a row; adding a record type is
 * adding a table (one .c file in proto/ defining a `const RecordSchema`), no new code path.
 *
 * Wire rules shared by every schema (SPEC 2, 12): little-endian, assembled byte by byte; a
 * buffer is accepted when it is at least min_buffer bytes (the smallest revision's size unless
 * the schema says less), Type matches, Revision
 * is not 0, and Size is at least the minimum of its revision and not larger than the buffer.
 * Fields that end past Size read as zero; bytes past the schema's size are ignored; bits of a
 * word that no row describes are written as zero and ignored on read.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCHEMA_FIELDS_MAX 100           /* rows a schema may have (NDIS_OFFLOAD has 100); RecordValue
                                         * is sized by it, and every MUX holds eight */
#define SCHEMA_SIZE_MAX 256             /* largest Size a schema writes: an encode buffer */

/* How the text form of a value is read and written. */
typedef enum ValueKind {
        VALUE_SUPPORT,          /* NDIS_OFFLOAD_SUPPORTED 1 / NOT_SUPPORTED 0: yes|no|1|0|true|false */
        VALUE_BOOLEAN,          /* an NDIS BOOLEAN (u8): the same spellings */
        VALUE_MASK,             /* flags: names from FieldDesc.flags and numbers, OR-ed; "none" is 0 */
        VALUE_NUMBER,           /* decimal or 0x-hex, at most FieldDesc.max */
        _VALUE_KIND_MAX,
} ValueKind;

/* How a MUX combines its members' values of one field (SPEC 3, 12). With no members every
 * field is 0; with one member it is that member's value. */
typedef enum AggregateOp {
        AGGREGATE_AND,          /* bitwise AND: masks, encapsulation, flags */
        AGGREGATE_ALL,          /* 1 iff every member has 1: support values, booleans */
        AGGREGATE_MIN,          /* maximum sizes: the smallest member's */
        AGGREGATE_MAX,          /* minimum counts: the largest member's */
        AGGREGATE_CAPACITY,     /* by the MUX's CapacityPolicy: min, or sum saturating at max */
        AGGREGATE_COMMON,       /* enumerations, port numbers: the common value, else 0 */
        _AGGREGATE_OP_MAX,
} AggregateOp;

typedef struct FlagName {
        const char *name;       /* text form, e.g. "802.3-pq" */
        uint32_t flag;
} FlagName;

/* One field of a record. The field is the bits [shift, shift + bits) of the little-endian
 * word of @width bytes at @offset; a plain u8/u16/u32 field has shift 0 and bits 8 * width. */
typedef struct FieldDesc {
        uint16_t offset;        /* byte offset of the word, from the start of the record */
        uint8_t width;          /* bytes of that word: 1, 2 or 4 */
        uint8_t shift;          /* lowest bit of the field inside the word */
        uint8_t bits;           /* bits of the field, 1 .. 8 * width */
        const char *name;       /* config key and D-Bus property: "SupportIPv4" */
        const char *json;       /* JSON key, muxcapctl encode key: "support_ipv4" */
        const char *udev;       /* udev property: "MUXCAP_IPV4" */
        const char *dbus_type;  /* D-Bus signature of the typed property: "y", "u", "q", "b" */
        ValueKind kind;
        uint32_t max;           /* largest value text may give (<= what @bits hold) */
        const FlagName *flags;  /* VALUE_MASK: the names, in text order; NULL: numbers only */
        size_t n_flags;
        const char *invalid;    /* reason for text that is not a value, NULL: the kind's default */
        const char *empty;      /* VALUE_MASK: reason for an empty list, NULL: generic */
        const char *range;      /* reason for a number above @max, NULL: "number out of range" */
        const char *too_wide;   /* reason for a value wider than @bits, NULL: generic */
        AggregateOp op;
        const char *kernel;     /* where the kernel-derived value comes from, or its default */
} FieldDesc;

/* Fields [first, last] of a schema mean something only when its offload is supported: when
 * one of the @gate fields (one or two; @gate[1] == @gate[0] for one) is not 0. A MUX that does
 * not support the offload holds 0 in them (sizes, segment counts, option bits), whatever its
 * members' values outvoted a member without it to (issue 23). Gates precede their fields, and
 * a group gating on fields another group clears comes after it, so one pass in table order
 * clears what depends on what was cleared. */
typedef struct FieldGroup {
        uint8_t gate[2];
        uint8_t first, last;
} FieldGroup;

typedef struct RecordSchema {
        const char *name;               /* "NDIS_TCP_CONNECTION_OFFLOAD" */
        uint8_t type;                   /* Header.Type */
        uint8_t revision;               /* Header.Revision muxcap writes */
        uint16_t size;                  /* Header.Size muxcap writes; also the bytes encoded */
        uint16_t min_buffer;            /* bytes decode needs before it checks the header; 0:
                                         * the first revision's size */
        const uint16_t *min_sizes;      /* [r - 1]: smallest Size of revision r; revisions past
                                         * the list take its last entry */
        size_t n_min_sizes;
        const FieldDesc *fields;
        size_t n_fields;                /* <= SCHEMA_FIELDS_MAX */
        const FieldGroup *groups;       /* the fields that depend on a support field, in order */
        size_t n_groups;
        uint32_t status_hardware;       /* status code of the hardware-capabilities indication */
        uint32_t status_current;        /* status code of the current-config indication */
        /* Decode refusals, NULL: a generic wording. */
        const char *too_short;          /* "record is shorter than 20 bytes" */
        const char *bad_type;           /* "Header.Type is not NDIS_OBJECT_TYPE_DEFAULT (0x80)" */
        const char *size_too_small;     /* "Header.Size is smaller than 20" */
} RecordSchema;

/* A decoded record of any schema: v[i] is the value of schema->fields[i]; entries past
 * n_fields are 0. Plain data: copy by assignment, compare with value_equal(). */
typedef struct RecordValue {
        const RecordSchema *schema;     /* borrowed: schemas are static */
        uint8_t revision;
        uint32_t v[SCHEMA_FIELDS_MAX];
} RecordValue;

/* Every field 0, the revision muxcap writes: a MUX without members. */
void value_init(RecordValue *ret, const RecordSchema *s);
bool value_equal(const RecordValue *a, const RecordValue *b);
uint32_t value_get(const RecordValue *v, size_t field);
int value_set(RecordValue *v, size_t field, uint32_t value);

/* Sets to 0 every field of @v whose offload @v does not support (RecordSchema.groups). */
void value_clear_unsupported(RecordValue *v);
/* The gate field that makes value_clear_unsupported() clear field @f of @v, or -1: none does. */
int value_unsupported_by(const RecordValue *v, size_t f);

/* Field lookup by name; -EINVAL (as a negative int) when no row has it. */
int schema_field_from_name(const RecordSchema *s, const char *name);
int schema_field_from_json(const RecordSchema *s, const char *json);
int schema_field_from_udev(const RecordSchema *s, const char *udev);

/* Smallest Size a record of @revision may have. */
uint16_t schema_min_size(const RecordSchema *s, uint8_t revision);
/* Largest value field @field holds on the wire (its bits). */
uint32_t schema_field_wire_max(const RecordSchema *s, size_t field);

int schema_encode(const RecordValue *v, uint8_t *buf, size_t size, const char **reterr_reason);
int schema_decode(const RecordSchema *s, const uint8_t *buf, size_t size, RecordValue *ret,
                  const char **reterr_reason);

int schema_parse_value(const RecordSchema *s, size_t field, const char *text, uint32_t *ret,
                       const char **reterr_reason);
int schema_format_value(const RecordSchema *s, size_t field, uint32_t value, char *buf, size_t size);
int schema_format_json(const RecordValue *v, char *buf, size_t size);

/* Primitives the table-driven parsers are made of, also used on their own. */
int parse_u32(const char *s, uint32_t max, uint32_t *ret);
int mask_parse(const FlagName *names, size_t n, const char *s, uint32_t *ret,
               const char **reterr_reason);
int mask_format(const FlagName *names, size_t n, uint32_t flags, char *buf, size_t size);
