/* SPDX-License-Identifier: MIT */
/* NDIS_TCP_CONNECTION_OFFLOAD (NDIS 6.1, SPEC 2) as a schema table: one row per field
 *
 *   0       1        2                 4                                   8
 *   +-------+--------+-----------------+-----------------------------------+
 *   | Type  |Revision| Size (u16 LE)   | Encapsulation (u32 LE)            |
 *   | 0x80  | >= 1   | >= 20, <= len   | NULL 0x1, 802_3 0x2, P_AND_Q 0x4, |
 *   |       |        |                 | P_AND_Q_IN_OOB 0x8, LLC_SNAP 0x10 |
 *   +-------+--------+-----------------+-----------------------------------+
 *   8                                   12                                 16
 *   +-----------------------------------+----------------------------------+
 *   | bit word (u32 LE)                 | TcpConnectionOffloadCapacity     |
 *   |  bits  0-1  SupportIPv4           | (u32 LE)                         |
 *   |  bits  2-3  SupportIPv6           |                                  |
 *   |  bits  4-5  SupportIPv6ExtHeaders |                                  |
 *   |  bits  6-7  SupportSack           |                                  |
 *   |  bits  8-11 CongestionAlgorithm   |                                  |
 *   |  bits 12-31 zero on write, ignored on read                           |
 *   +-----------------------------------+----------------------------------+
 *   16                                  20
 *   +-----------------------------------+ . . . . . . . . . . . . . . . .
 *   | Flags (u32 LE, reserved, kept)    |  bytes a later revision appends:
 *   +-----------------------------------+  ignored on read
 */

#include "field.h"
#include "macro.h"
#include "record.h"
#include "schemas.h"

const FlagName encapsulation_flag_names[ENCAPSULATION_FLAG_NAMES] = {
        { "null", ENCAP_NULL },
        { "802.3", ENCAP_IEEE_802_3 },
        { "802.3-pq", ENCAP_IEEE_802_3_P_AND_Q },
        { "802.3-pq-oob", ENCAP_IEEE_802_3_P_AND_Q_IN_OOB },
        { "llc-snap-routed", ENCAP_IEEE_LLC_SNAP_ROUTED },
};

/* A 2-bit support field at bit @shift of the word at offset 8. */
#define SUPPORT(shift_, name_, json_, udev_, kernel_)                                   \
        { .offset = 8, .width = 4, .shift = shift_, .bits = 2, .name = name_,           \
          .json = json_, .udev = udev_, .dbus_type = "y", .kind = VALUE_SUPPORT,        \
          .max = 1, .too_wide = json_ " does not fit in 2 bits", .op = AGGREGATE_ALL,   \
          .kernel = kernel_ }

/* A whole u32 number at @offset. */
#define U32(offset_, name_, json_, udev_, op_, kernel_)                                 \
        { .offset = offset_, .width = 4, .bits = 32, .name = name_, .json = json_,      \
          .udev = udev_, .dbus_type = "u", .kind = VALUE_NUMBER, .max = UINT32_MAX,     \
          .range = "number does not fit in 32 bits", .op = op_, .kernel = kernel_ }

static const FieldDesc fields[_FIELD_MAX] = {
        [FIELD_ENCAPSULATION] = {
                .offset = 4, .width = 4, .bits = 32,
                .name = "Encapsulation", .json = "encapsulation", .udev = "MUXCAP_ENCAPSULATION",
                .dbus_type = "u", .kind = VALUE_MASK, .max = UINT32_MAX,
                .flags = encapsulation_flag_names, .n_flags = ELEMENTSOF(encapsulation_flag_names),
                .invalid = "unknown encapsulation (expected null, 802.3, 802.3-pq, "
                           "802.3-pq-oob, llc-snap-routed, or one number)",
                .empty = "empty encapsulation list",
                .op = AGGREGATE_AND,
                .kernel = "IEEE_802_3 on an Ethernet link (ARPHRD_ETHER), plus "
                          "IEEE_802_3_P_AND_Q with tx-vlan-hw-insert and rx-vlan-hw-parse",
        },
        [FIELD_SUPPORT_IPV4] = SUPPORT(0, "SupportIPv4", "support_ipv4", "MUXCAP_IPV4",
                "tx-tcp-segmentation, rx-checksum and tx-checksum-ipv4 or tx-checksum-ip-generic"),
        [FIELD_SUPPORT_IPV6] = SUPPORT(2, "SupportIPv6", "support_ipv6", "MUXCAP_IPV6",
                "tx-tcp6-segmentation, rx-checksum and tx-checksum-ipv6 or tx-checksum-ip-generic"),
        [FIELD_SUPPORT_IPV6_EXTENSION_HEADERS] = SUPPORT(4, "SupportIPv6ExtensionHeaders",
                "support_ipv6_extension_headers", "MUXCAP_IPV6_EXTENSION_HEADERS",
                "0: Linux does not report it"),
        [FIELD_SUPPORT_SACK] = SUPPORT(6, "SupportSack", "support_sack", "MUXCAP_SACK",
                "0: Linux does not report it"),
        [FIELD_CONGESTION_ALGORITHM] = {
                .offset = 8, .width = 4, .shift = 8, .bits = 4,
                .name = "CongestionAlgorithm", .json = "congestion_algorithm",
                .udev = "MUXCAP_CONGESTION_ALGORITHM", .dbus_type = "y",
                .kind = VALUE_NUMBER, .max = CONGESTION_ALGORITHM_MAX,
                .range = "number out of range 0-15",
                .too_wide = "congestion_algorithm does not fit in 4 bits",
                .op = AGGREGATE_COMMON,
                .kernel = "0: Linux does not report it",
        },
        [FIELD_TCP_CONNECTION_OFFLOAD_CAPACITY] = U32(12, "TcpConnectionOffloadCapacity",
                "tcp_connection_offload_capacity", "MUXCAP_CAPACITY", AGGREGATE_CAPACITY,
                "0: Linux does not report it"),
        [FIELD_FLAGS] = U32(16, "Flags", "flags", "MUXCAP_FLAGS", AGGREGATE_AND,
                "0: reserved"),
};

/* No encapsulation, no offload. SupportSack, the algorithm and the capacity are facts a source
 * declares of a NIC, apart from SupportIPv4/IPv6 (SPEC 3): they are not cleared with them. */
static const FieldGroup groups[] = {
        { { FIELD_ENCAPSULATION, FIELD_ENCAPSULATION }, FIELD_SUPPORT_IPV4, FIELD_FLAGS },
};

static const uint16_t min_sizes[] = { RECORD_SIZE };

const RecordSchema schema_tcp_connection_offload = {
        .name = "NDIS_TCP_CONNECTION_OFFLOAD",
        .type = RECORD_TYPE,
        .revision = RECORD_REVISION,
        .size = RECORD_SIZE,
        .min_sizes = min_sizes,
        .n_min_sizes = ELEMENTSOF(min_sizes),
        .fields = fields,
        .n_fields = ELEMENTSOF(fields),
        .groups = groups,
        .n_groups = ELEMENTSOF(groups),
        .status_hardware = STATUS_HARDWARE_CAPABILITIES,
        .status_current = STATUS_OFFLOAD_RESUME,
        .too_short = "record is shorter than 20 bytes",
        .bad_type = "Header.Type is not NDIS_OBJECT_TYPE_DEFAULT (0x80)",
        .size_too_small = "Header.Size is smaller than 20",
};
