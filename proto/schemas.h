/* SPDX-License-Identifier: MIT */
/* The record types muxcap carries: one RecordSchema table each, one file each in proto/ */
#pragma once

#include "schema.h"

/* NDIS_TCP_CONNECTION_OFFLOAD (SPEC 2), proto/schema-tcp.c; its rows are indexed by Field
 * (field.h). */
extern const RecordSchema schema_tcp_connection_offload;

/* NDIS_OFFLOAD (SPEC 12), proto/schema-task.c; its rows are indexed by TaskField
 * (schema-task.h). */
extern const RecordSchema schema_task_offload;

/* The NDIS_ENCAPSULATION_* names, shared by every Encapsulation field of every schema. */
#define ENCAPSULATION_FLAG_NAMES 5
extern const FlagName encapsulation_flag_names[ENCAPSULATION_FLAG_NAMES];

/* Every schema, in the order their indications are sent (SPEC 12: 0x4002000B and 0x40020003
 * first). A new record type is a new file in proto/ and one entry here. */
extern const RecordSchema *const record_schemas[];
extern const size_t n_record_schemas;

/* The schema whose Header.Type is @type, NULL if none: how decode tells records apart. */
const RecordSchema *schema_from_type(uint8_t type);
/* The schema and the record (0 hardware, 1 current config) of @status_code; NULL if none. */
const RecordSchema *schema_from_status(uint32_t status_code, int *ret_which);
