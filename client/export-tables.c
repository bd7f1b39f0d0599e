/* SPDX-License-Identifier: MIT */
/* muxcap-export: what is exported, as data: record types and their fields, statuses, labels */

#include <errno.h>
#include <stddef.h>

#include "export-tables.h"
#include "muxcap/muxcap.h"

/* A field row read from the decoded struct @st's @member. */
#define FIELD(st, member, help_) \
        { #member, help_, offsetof(st, member), sizeof(((st *) NULL)->member), NULL }

static int decode_connection(const uint8_t *buf, size_t size, void *ret) {
        return muxcap_record_decode(buf, size, ret, NULL);
}

static uint64_t derive_chimney(const void *record) {
        return (uint64_t) muxcap_record_chimney_capable(record);
}

/* The rows of NDIS_TCP_CONNECTION_OFFLOAD (SPEC 2); their order is fixed by the enum. */
enum {
        CONN_ENCAPSULATION,
        CONN_SUPPORT_IPV4,
        CONN_SUPPORT_IPV6,
        CONN_SUPPORT_IPV6_EXTENSION_HEADERS,
        CONN_SUPPORT_SACK,
        CONN_CONGESTION_ALGORITHM,
        CONN_CAPACITY,
        CONN_FLAGS,
        CONN_CHIMNEY_CAPABLE,
        _CONN_MAX,
};

static const ExportField connection_fields[_CONN_MAX] = {
        [CONN_ENCAPSULATION] = FIELD(struct muxcap_record, encapsulation,
                "Encapsulation flags of TCP connection offload (NULL 0x1, 802.3 0x2, 802.3 P+Q 0x4, "
                "P+Q in OOB 0x8, LLC/SNAP routed 0x10; 0 not supported)."),
        [CONN_SUPPORT_IPV4] = FIELD(struct muxcap_record, support_ipv4,
                "TCP connection offload over IPv4 (1 supported, 0 not)."),
        [CONN_SUPPORT_IPV6] = FIELD(struct muxcap_record, support_ipv6,
                "TCP connection offload over IPv6 (1 supported, 0 not)."),
        [CONN_SUPPORT_IPV6_EXTENSION_HEADERS] = FIELD(struct muxcap_record,
                support_ipv6_extension_headers,
                "TCP connection offload of IPv6 with extension headers (1 supported, 0 not)."),
        [CONN_SUPPORT_SACK] = FIELD(struct muxcap_record, support_sack,
                "TCP connection offload with selective acknowledgement (1 supported, 0 not)."),
        [CONN_CONGESTION_ALGORITHM] = FIELD(struct muxcap_record, congestion_algorithm,
                "Congestion algorithm of offloaded TCP connections (0-15)."),
        [CONN_CAPACITY] = FIELD(struct muxcap_record, tcp_connection_offload_capacity,
                "TCP connections that can be offloaded at once, IPv4 and IPv6 together."),
        [CONN_FLAGS] = FIELD(struct muxcap_record, flags,
                "Flags word of the TCP connection offload record (reserved)."),
        [CONN_CHIMNEY_CAPABLE] = { "chimney_capable",
                "Whether the record describes a usable TCP chimney (802.3 or LLC/SNAP framing, "
                "IPv4 or IPv6, capacity > 0).", 0, 0, derive_chimney },
};

_Static_assert(_CONN_MAX <= EXPORT_FIELDS_MAX, "EXPORT_FIELDS_MAX too small");

static const ExportRecordType type_connection = {
        .name = "connection",
        .record_size = sizeof(struct muxcap_record),
        .decode = decode_connection,
        .fields = connection_fields,
        .n_fields = _CONN_MAX,
};

/* The task-offload record (SPEC 12, NDIS_OFFLOAD) joins as a second record type with its
 * own field rows, and two rows here (0x40020007 hardware, 0x40020006 current), once
 * libmuxcap decodes it. Its metric names must differ from the connection record's (one
 * family, one HELP: "task_flags", not "flags"); test-export-render checks the text format. */
const ExportStatus export_statuses[] = {
        { MUXCAP_STATUS_HARDWARE_CAPABILITIES, "hardware", &type_connection },
        { MUXCAP_STATUS_OFFLOAD_RESUME, "current", &type_connection },
};
const size_t export_n_statuses = sizeof(export_statuses) / sizeof(export_statuses[0]);

enum { STATUS_CONN_HW, STATUS_CONN_CUR };

/* A linear walk: there are a handful of rows. */
int export_status_index(uint32_t code) {
        for (size_t i = 0; i < export_n_statuses; i++)
                if (export_statuses[i].code == code)
                        return (int) i;
        return -ENOENT;
}

/* The NFD labels (export-tables.h); a row names its field by the enums above. */
const ExportLabel export_labels[] = {
        { "members", EXPORT_LABEL_MEMBERS, 0, 0 },
        { "kind", EXPORT_LABEL_KIND, 0, 0 },
        { "chimney-capable", EXPORT_LABEL_BOOL, STATUS_CONN_CUR, CONN_CHIMNEY_CAPABLE },
        { "tcp-connection-capacity", EXPORT_LABEL_NUMBER, STATUS_CONN_CUR, CONN_CAPACITY },
        { "tcp-offload-ipv4", EXPORT_LABEL_BOOL, STATUS_CONN_CUR, CONN_SUPPORT_IPV4 },
        { "tcp-offload-ipv6", EXPORT_LABEL_BOOL, STATUS_CONN_CUR, CONN_SUPPORT_IPV6 },
        /* Task record rows, once it exists: lso-v2-ipv4, lso-v2-ipv4-max-size, lso-v2-ipv6,
         * lso-v2-ipv6-max-size, uso-ipv4, uso-ipv6, checksum-tx, checksum-rx, gre-lso,
         * vxlan-lso, ipsec-esp. */
};
const size_t export_n_labels = sizeof(export_labels) / sizeof(export_labels[0]);
