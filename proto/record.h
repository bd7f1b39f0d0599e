/* SPDX-License-Identifier: MIT */
/* The NDIS_TCP_CONNECTION_OFFLOAD capability record: constants, typed view, status codes
 * (its layout is the schema table in schema-tcp.c; the code over it is schema.c) */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RECORD_SIZE 20u                 /* Header.Size that muxcap writes, and the minimum read */
#define RECORD_TYPE 0x80u               /* NDIS_OBJECT_TYPE_DEFAULT */
#define RECORD_REVISION 2u              /* NDIS 6.1: CongestionAlgorithm present */

#define STATUS_HARDWARE_CAPABILITIES UINT32_C(0x4002000B)  /* ..._HARDWARE_CAPABILITIES */
#define STATUS_OFFLOAD_RESUME UINT32_C(0x40020003)         /* NDIS_STATUS_OFFLOAD_RESUME */

/* Encapsulation flags (NDIS_ENCAPSULATION_*) */
#define ENCAP_NULL UINT32_C(0x1)
#define ENCAP_IEEE_802_3 UINT32_C(0x2)
#define ENCAP_IEEE_802_3_P_AND_Q UINT32_C(0x4)
#define ENCAP_IEEE_802_3_P_AND_Q_IN_OOB UINT32_C(0x8)
#define ENCAP_IEEE_LLC_SNAP_ROUTED UINT32_C(0x10)

#define SUPPORT_MAX 3u                  /* a support field is 2 bits wide; NDIS defines 0 and 1 */
#define CONGESTION_ALGORITHM_MAX 15u    /* 4 bits wide */

/* One record, decoded. Header.Type and Header.Size are implied (0x80, 20). */
typedef struct Record {
        uint8_t revision;
        uint32_t encapsulation;
        uint8_t support_ipv4;
        uint8_t support_ipv6;
        uint8_t support_ipv6_extension_headers;
        uint8_t support_sack;
        uint8_t congestion_algorithm;
        uint32_t tcp_connection_offload_capacity;
        uint32_t flags;
} Record;

/* A record with revision 2 and every field 0: what a MUX without members publishes. */
#define RECORD_EMPTY ((Record) { .revision = RECORD_REVISION })

int record_encode(const Record *r, uint8_t ret_buf[static RECORD_SIZE], const char **reterr_reason);
int record_decode(const uint8_t *buf, size_t size, Record *ret, const char **reterr_reason);
bool record_equal(const Record *a, const Record *b);
bool record_chimney_capable(const Record *r);
struct RecordValue;
bool value_chimney_capable(const struct RecordValue *v);
const char *status_code_to_string(uint32_t code);
