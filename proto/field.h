/* SPDX-License-Identifier: MIT */
/* The connection record's fields: Field indexes the rows of schema_tcp_connection_offload */
#pragma once

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "schema.h"

typedef enum Field {
        FIELD_ENCAPSULATION,
        FIELD_SUPPORT_IPV4,
        FIELD_SUPPORT_IPV6,
        FIELD_SUPPORT_IPV6_EXTENSION_HEADERS,
        FIELD_SUPPORT_SACK,
        FIELD_CONGESTION_ALGORITHM,
        FIELD_TCP_CONNECTION_OFFLOAD_CAPACITY,
        FIELD_FLAGS,
        _FIELD_MAX,
        _FIELD_INVALID = -EINVAL,
} Field;

/* The text kinds, by their connection-record names (schema.h has the generic ValueKind). */
typedef ValueKind FieldKind;
#define FIELD_KIND_ENCAPSULATION VALUE_MASK     /* flag names, "none" and numbers, OR-ed */
#define FIELD_KIND_SUPPORT VALUE_SUPPORT        /* yes|no|1|0|true|false */
#define FIELD_KIND_NUMBER VALUE_NUMBER          /* decimal or 0x-hex, up to the field's maximum */

/* Longest text encapsulation_format() writes: every name, then unknown bits as hex. */
#define ENCAPSULATION_FORMAT_MAX sizeof("null 802.3 802.3-pq 802.3-pq-oob llc-snap-routed 0xffffffe0")

const char *field_to_name(Field f);             /* "SupportIPv4": config key, D-Bus property */
const char *field_to_json(Field f);             /* "support_ipv4" */
const char *field_to_udev(Field f);             /* "MUXCAP_IPV4" */
Field field_from_name(const char *s);
Field field_from_json(const char *s);
FieldKind field_kind(Field f);
uint32_t field_max(Field f);

uint32_t record_get(const Record *r, Field f);
int record_set(Record *r, Field f, uint32_t value);
/* The typed Record and the generic RecordValue of schema_tcp_connection_offload. */
void record_to_value(const Record *r, RecordValue *ret);
void record_from_value(const RecordValue *v, Record *ret);

int field_parse_value(Field f, const char *s, uint32_t *ret, const char **reterr_reason);
int encapsulation_parse(const char *s, uint32_t *ret, const char **reterr_reason);
void encapsulation_format(uint32_t flags, char buf[static ENCAPSULATION_FORMAT_MAX]);

int hex_decode(const char *s, uint8_t *buf, size_t size, size_t *ret_len, const char **reterr_reason);
void hex_encode(const uint8_t *buf, size_t len, char *out);
