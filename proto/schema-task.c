/* SPDX-License-Identifier: MIT */
/* NDIS_OFFLOAD (NDIS 6.83, SPEC 12) as a schema table: one row per field, in wire order
 *
 * Offsets, shifts and widths are those of Microsoft's ntddndis.h laid out by MSVC (checked
 * against mingw-w64's copy by tests/cli/test-ndis-layout.sh through revision 3, the rest
 * against the documented layout by tests/unit/test-schema-task.c). "w@N" below is the u32
 * bit word at offset N. Names: config/Explain = the dotted NDIS member path, JSON = its snake
 * case, udev = MUXCAP_ and the upper-case JSON key (made from the row's id by the macros), so
 * a row names its field once per spelling that cannot be derived. The "kernel" text says where
 * muxcapd's kernel-derived value comes from (daemon/kernel-record.c holds the rules; "encap" is
 * the connection record's Encapsulation of the device). Reserved bits and padding have no row:
 * written as zero, ignored on read.
 *
 *   0 Header  4 Checksum (w@8 w@16 w@24 w@32)  36 LsoV1 (w@48)  52 IPsecV1 (w@72 w@76)
 *   80 LsoV2 (w@104)  108 Flags | 112 IPsecV2 | 144 Rsc  148 GRE (w@148) | 156 VXLAN (w@156)
 *   176 EncapsulationTypes | 180 Rfc6877Xlat | 188 UdpSegmentation (w@196 w@208 w@212) 216
 *   revision ends:  R1 112, R2 144, R3 156, R4 177, R5 188, R6/R7 216
 */

#include "macro.h"
#include "schema-task.h"
#include "schemas.h"

static const FlagName tunnel_names[] = {
        { "inner-ipv4", TUNNEL_INNER_IPV4 },
        { "outer-ipv4", TUNNEL_OUTER_IPV4 },
        { "inner-ipv6", TUNNEL_INNER_IPV6 },
        { "outer-ipv6", TUNNEL_OUTER_IPV6 },
};

static const FlagName encapsulation_type_names[] = {
        { "gre-mac", ENCAPSULATION_TYPE_GRE_MAC },
        { "vxlan", ENCAPSULATION_TYPE_VXLAN },
};

#define ROW(id, off, width_, shift_, bits_, name_, json_, kernel_, ...)                 \
        [TASK_##id] = { .offset = off, .width = width_, .shift = shift_, .bits = bits_,  \
                        .name = name_, .json = json_, .udev = "MUXCAP_" #id,              \
                        .kernel = kernel_, __VA_ARGS__ }

/* A u32 NDIS_ENCAPSULATION_* mask, as the connection record's Encapsulation. */
#define ENC(id, off, name, json, kernel)                                                \
        ROW(id, off, 4, 0, 32, name, json, kernel, .dbus_type = "u", .kind = VALUE_MASK,  \
            .max = UINT32_MAX, .flags = encapsulation_flag_names,                         \
            .n_flags = ELEMENTSOF(encapsulation_flag_names),                              \
            .invalid = "unknown encapsulation (expected null, 802.3, 802.3-pq, "          \
                       "802.3-pq-oob, llc-snap-routed, or one number)",                   \
            .empty = "empty encapsulation list", .op = AGGREGATE_AND)

/* A 2-bit NDIS_OFFLOAD_SUPPORTED / NOT_SUPPORTED field at bit @shift of w@off. */
#define SUP(id, off, shift, name, json, kernel)                                         \
        ROW(id, off, 4, shift, 2, name, json, kernel, .dbus_type = "y",                   \
            .kind = VALUE_SUPPORT, .max = 1, .too_wide = json " does not fit in 2 bits",  \
            .op = AGGREGATE_ALL)

/* A ULONG that is 0 when not supported and anything else when supported (IPsecV1.Supported):
 * a number, and the minimum over members, which is non-zero iff every member's is. */
#define BOOL32(id, off, name, json, kernel)                                             \
        ROW(id, off, 4, 0, 32, name, json, kernel, .dbus_type = "u", .kind = VALUE_NUMBER, \
            .max = UINT32_MAX, .range = "number does not fit in 32 bits", .op = AGGREGATE_MIN)

/* An NDIS BOOLEAN (u8). */
#define BOOL8(id, off, name, json, kernel)                                              \
        ROW(id, off, 1, 0, 8, name, json, kernel, .dbus_type = "y",                       \
            .kind = VALUE_BOOLEAN, .max = 1, .op = AGGREGATE_ALL)

/* A one-bit flag at bit @shift of the word of @width bytes at @off. */
#define BIT(id, off, width, shift, name, json, kernel)                                  \
        ROW(id, off, width, shift, 1, name, json, kernel, .dbus_type = "b",               \
            .kind = VALUE_BOOLEAN, .max = 1, .too_wide = json " does not fit in 1 bit",   \
            .op = AGGREGATE_ALL)

/* A u32 flag word without names (IPsec flags, algorithm masks, reserved Flags). */
#define MASK(id, off, name, json, kernel)                                               \
        ROW(id, off, 4, 0, 32, name, json, kernel, .dbus_type = "u", .kind = VALUE_MASK,  \
            .max = UINT32_MAX, .op = AGGREGATE_AND)

/* A 4-bit INNER/OUTER IPV4/IPV6 mask at bit @shift of w@off. */
#define TMASK(id, off, shift, name, json, kernel)                                       \
        ROW(id, off, 4, shift, 4, name, json, kernel, .dbus_type = "y",                   \
            .kind = VALUE_MASK, .max = 15, .flags = tunnel_names,                         \
            .n_flags = ELEMENTSOF(tunnel_names),                                          \
            .invalid = "unknown tunnel flag (expected inner-ipv4, outer-ipv4, "           \
                       "inner-ipv6, outer-ipv6, or one number)",                          \
            .range = "flags out of range 0-15", .too_wide = json " does not fit in 4 bits", \
            .op = AGGREGATE_AND)

/* A u32 maximum size: the MUX takes its smallest member's. */
#define SIZE(id, off, name, json, kernel)                                               \
        ROW(id, off, 4, 0, 32, name, json, kernel, .dbus_type = "u", .kind = VALUE_NUMBER, \
            .max = UINT32_MAX, .range = "number does not fit in 32 bits", .op = AGGREGATE_MIN)

/* A u32 minimum count: the MUX takes its largest member's. */
#define COUNT(id, off, name, json, kernel)                                              \
        ROW(id, off, 4, 0, 32, name, json, kernel, .dbus_type = "u", .kind = VALUE_NUMBER, \
            .max = UINT32_MAX, .range = "number does not fit in 32 bits", .op = AGGREGATE_MAX)

/* UdpSegmentation's 6-bit MinSegmentCount, bits 0-5 of w@off. */
#define COUNT6(id, off, name, json, kernel)                                             \
        ROW(id, off, 4, 0, 6, name, json, kernel, .dbus_type = "y", .kind = VALUE_NUMBER, \
            .max = 63, .range = "number out of range 0-63",                               \
            .too_wide = json " does not fit in 6 bits", .op = AGGREGATE_MAX)

#define CAPACITY(id, off, name, json, kernel)                                           \
        ROW(id, off, 4, 0, 32, name, json, kernel, .dbus_type = "u", .kind = VALUE_NUMBER, \
            .max = UINT32_MAX, .range = "number does not fit in 32 bits",                 \
            .op = AGGREGATE_CAPACITY)

/* NDIS_RFC6877_464XLAT_OFFLOAD_OPTIONS: 0 not supported, 1 disabled, 2 enabled, 3 on demand. */
#define XLAT(id, off, name, json, kernel)                                               \
        ROW(id, off, 4, 0, 32, name, json, kernel, .dbus_type = "u", .kind = VALUE_NUMBER, \
            .max = 3, .range = "number out of range 0-3", .op = AGGREGATE_COMMON)

#define PORT(id, off, name, json, kernel)                                               \
        ROW(id, off, 2, 0, 16, name, json, kernel, .dbus_type = "q", .kind = VALUE_NUMBER, \
            .max = UINT16_MAX, .range = "number out of range 0-65535",                    \
            .too_wide = json " does not fit in 16 bits", .op = AGGREGATE_COMMON)

#define ETYPES(id, off, name, json, kernel)                                             \
        ROW(id, off, 1, 0, 8, name, json, kernel, .dbus_type = "y", .kind = VALUE_MASK,   \
            .max = UINT8_MAX, .flags = encapsulation_type_names,                          \
            .n_flags = ELEMENTSOF(encapsulation_type_names),                              \
            .invalid = "unknown encapsulation type (expected gre-mac, vxlan, or one number)", \
            .range = "flags out of range 0-255", .too_wide = json " does not fit in 8 bits", \
            .op = AGGREGATE_AND)

static const FieldDesc fields[_TASK_FIELD_MAX] = {
        ENC(CHECKSUM_IPV4_TRANSMIT_ENCAPSULATION, 4,
            "Checksum.IPv4Transmit.Encapsulation",
            "checksum_ipv4_transmit_encapsulation",
            "encap with tx-checksum-ipv4 or tx-checksum-ip-generic"),
        SUP(CHECKSUM_IPV4_TRANSMIT_IP_OPTIONS_SUPPORTED, 8, 0,
            "Checksum.IPv4Transmit.IpOptionsSupported",
            "checksum_ipv4_transmit_ip_options_supported",
            "tx-checksum-ipv4 or tx-checksum-ip-generic"),
        SUP(CHECKSUM_IPV4_TRANSMIT_TCP_OPTIONS_SUPPORTED, 8, 2,
            "Checksum.IPv4Transmit.TcpOptionsSupported",
            "checksum_ipv4_transmit_tcp_options_supported",
            "tx-checksum-ipv4 or tx-checksum-ip-generic"),
        SUP(CHECKSUM_IPV4_TRANSMIT_TCP_CHECKSUM, 8, 4,
            "Checksum.IPv4Transmit.TcpChecksum",
            "checksum_ipv4_transmit_tcp_checksum",
            "tx-checksum-ipv4 or tx-checksum-ip-generic"),
        SUP(CHECKSUM_IPV4_TRANSMIT_UDP_CHECKSUM, 8, 6,
            "Checksum.IPv4Transmit.UdpChecksum",
            "checksum_ipv4_transmit_udp_checksum",
            "tx-checksum-ipv4 or tx-checksum-ip-generic"),
        SUP(CHECKSUM_IPV4_TRANSMIT_IP_CHECKSUM, 8, 8,
            "Checksum.IPv4Transmit.IpChecksum",
            "checksum_ipv4_transmit_ip_checksum",
            "0: Linux has no IPv4 header checksum offload"),
        ENC(CHECKSUM_IPV4_RECEIVE_ENCAPSULATION, 12,
            "Checksum.IPv4Receive.Encapsulation",
            "checksum_ipv4_receive_encapsulation",
            "encap with rx-checksum"),
        SUP(CHECKSUM_IPV4_RECEIVE_IP_OPTIONS_SUPPORTED, 16, 0,
            "Checksum.IPv4Receive.IpOptionsSupported",
            "checksum_ipv4_receive_ip_options_supported",
            "rx-checksum"),
        SUP(CHECKSUM_IPV4_RECEIVE_TCP_OPTIONS_SUPPORTED, 16, 2,
            "Checksum.IPv4Receive.TcpOptionsSupported",
            "checksum_ipv4_receive_tcp_options_supported",
            "rx-checksum"),
        SUP(CHECKSUM_IPV4_RECEIVE_TCP_CHECKSUM, 16, 4,
            "Checksum.IPv4Receive.TcpChecksum",
            "checksum_ipv4_receive_tcp_checksum",
            "rx-checksum"),
        SUP(CHECKSUM_IPV4_RECEIVE_UDP_CHECKSUM, 16, 6,
            "Checksum.IPv4Receive.UdpChecksum",
            "checksum_ipv4_receive_udp_checksum",
            "rx-checksum"),
        SUP(CHECKSUM_IPV4_RECEIVE_IP_CHECKSUM, 16, 8,
            "Checksum.IPv4Receive.IpChecksum",
            "checksum_ipv4_receive_ip_checksum",
            "0: the stack always verifies the IPv4 header checksum"),
        ENC(CHECKSUM_IPV6_TRANSMIT_ENCAPSULATION, 20,
            "Checksum.IPv6Transmit.Encapsulation",
            "checksum_ipv6_transmit_encapsulation",
            "encap with tx-checksum-ipv6 or tx-checksum-ip-generic"),
        SUP(CHECKSUM_IPV6_TRANSMIT_IP_EXTENSION_HEADERS_SUPPORTED, 24, 0,
            "Checksum.IPv6Transmit.IpExtensionHeadersSupported",
            "checksum_ipv6_transmit_ip_extension_headers_supported",
            "tx-checksum-ip-generic"),
        SUP(CHECKSUM_IPV6_TRANSMIT_TCP_OPTIONS_SUPPORTED, 24, 2,
            "Checksum.IPv6Transmit.TcpOptionsSupported",
            "checksum_ipv6_transmit_tcp_options_supported",
            "tx-checksum-ipv6 or tx-checksum-ip-generic"),
        SUP(CHECKSUM_IPV6_TRANSMIT_TCP_CHECKSUM, 24, 4,
            "Checksum.IPv6Transmit.TcpChecksum",
            "checksum_ipv6_transmit_tcp_checksum",
            "tx-checksum-ipv6 or tx-checksum-ip-generic"),
        SUP(CHECKSUM_IPV6_TRANSMIT_UDP_CHECKSUM, 24, 6,
            "Checksum.IPv6Transmit.UdpChecksum",
            "checksum_ipv6_transmit_udp_checksum",
            "tx-checksum-ipv6 or tx-checksum-ip-generic"),
        ENC(CHECKSUM_IPV6_RECEIVE_ENCAPSULATION, 28,
            "Checksum.IPv6Receive.Encapsulation",
            "checksum_ipv6_receive_encapsulation",
            "encap with rx-checksum"),
        SUP(CHECKSUM_IPV6_RECEIVE_IP_EXTENSION_HEADERS_SUPPORTED, 32, 0,
            "Checksum.IPv6Receive.IpExtensionHeadersSupported",
            "checksum_ipv6_receive_ip_extension_headers_supported",
            "rx-checksum"),
        SUP(CHECKSUM_IPV6_RECEIVE_TCP_OPTIONS_SUPPORTED, 32, 2,
            "Checksum.IPv6Receive.TcpOptionsSupported",
            "checksum_ipv6_receive_tcp_options_supported",
            "rx-checksum"),
        SUP(CHECKSUM_IPV6_RECEIVE_TCP_CHECKSUM, 32, 4,
            "Checksum.IPv6Receive.TcpChecksum",
            "checksum_ipv6_receive_tcp_checksum",
            "rx-checksum"),
        SUP(CHECKSUM_IPV6_RECEIVE_UDP_CHECKSUM, 32, 6,
            "Checksum.IPv6Receive.UdpChecksum",
            "checksum_ipv6_receive_udp_checksum",
            "rx-checksum"),
        ENC(LSO_V1_IPV4_ENCAPSULATION, 36,
            "LsoV1.IPv4.Encapsulation",
            "lso_v1_ipv4_encapsulation",
            "encap with tx-tcp-segmentation"),
        SIZE(LSO_V1_IPV4_MAX_OFFLOAD_SIZE, 40,
            "LsoV1.IPv4.MaxOffLoadSize",
            "lso_v1_ipv4_max_offload_size",
            "tso_max_size (hardware), gso_max_size (current) with tx-tcp-segmentation"),
        COUNT(LSO_V1_IPV4_MIN_SEGMENT_COUNT, 44,
            "LsoV1.IPv4.MinSegmentCount",
            "lso_v1_ipv4_min_segment_count",
            "2 with tx-tcp-segmentation"),
        SUP(LSO_V1_IPV4_TCP_OPTIONS, 48, 0,
            "LsoV1.IPv4.TcpOptions",
            "lso_v1_ipv4_tcp_options",
            "tx-tcp-segmentation"),
        SUP(LSO_V1_IPV4_IP_OPTIONS, 48, 2,
            "LsoV1.IPv4.IpOptions",
            "lso_v1_ipv4_ip_options",
            "tx-tcp-segmentation"),
        ENC(IPSEC_V1_SUPPORTED_ENCAPSULATION, 52,
            "IPsecV1.Supported.Encapsulation",
            "ipsec_v1_supported_encapsulation",
            "0: no Linux counterpart"),
        BOOL32(IPSEC_V1_SUPPORTED_AH_ESP_COMBINED, 56,
            "IPsecV1.Supported.AhEspCombined",
            "ipsec_v1_supported_ah_esp_combined",
            "0: no Linux counterpart"),
        BOOL32(IPSEC_V1_SUPPORTED_TRANSPORT_TUNNEL_COMBINED, 60,
            "IPsecV1.Supported.TransportTunnelCombined",
            "ipsec_v1_supported_transport_tunnel_combined",
            "0: no Linux counterpart"),
        BOOL32(IPSEC_V1_SUPPORTED_IPV4_OPTIONS, 64,
            "IPsecV1.Supported.IPv4Options",
            "ipsec_v1_supported_ipv4_options",
            "0: no Linux counterpart"),
        MASK(IPSEC_V1_SUPPORTED_FLAGS, 68,
            "IPsecV1.Supported.Flags",
            "ipsec_v1_supported_flags",
            "0: no Linux counterpart"),
        SUP(IPSEC_V1_IPV4_AH_MD5, 72, 0,
            "IPsecV1.IPv4AH.Md5",
            "ipsec_v1_ipv4_ah_md5",
            "0: no Linux counterpart"),
        SUP(IPSEC_V1_IPV4_AH_SHA_1, 72, 2,
            "IPsecV1.IPv4AH.Sha_1",
            "ipsec_v1_ipv4_ah_sha_1",
            "0: no Linux counterpart"),
        SUP(IPSEC_V1_IPV4_AH_TRANSPORT, 72, 4,
            "IPsecV1.IPv4AH.Transport",
            "ipsec_v1_ipv4_ah_transport",
            "0: no Linux counterpart"),
        SUP(IPSEC_V1_IPV4_AH_TUNNEL, 72, 6,
            "IPsecV1.IPv4AH.Tunnel",
            "ipsec_v1_ipv4_ah_tunnel",
            "0: no Linux counterpart"),
        SUP(IPSEC_V1_IPV4_AH_SEND, 72, 8,
            "IPsecV1.IPv4AH.Send",
            "ipsec_v1_ipv4_ah_send",
            "0: no Linux counterpart"),
        SUP(IPSEC_V1_IPV4_AH_RECEIVE, 72, 10,
            "IPsecV1.IPv4AH.Receive",
            "ipsec_v1_ipv4_ah_receive",
            "0: no Linux counterpart"),
        SUP(IPSEC_V1_IPV4_ESP_DES, 76, 0,
            "IPsecV1.IPv4ESP.Des",
            "ipsec_v1_ipv4_esp_des",
            "0: no Linux counterpart"),
        SUP(IPSEC_V1_IPV4_ESP_TRIPLE_DES, 76, 4,
            "IPsecV1.IPv4ESP.TripleDes",
            "ipsec_v1_ipv4_esp_triple_des",
            "0: no Linux counterpart"),
        SUP(IPSEC_V1_IPV4_ESP_NULL_ESP, 76, 6,
            "IPsecV1.IPv4ESP.NullEsp",
            "ipsec_v1_ipv4_esp_null_esp",
            "0: no Linux counterpart"),
        SUP(IPSEC_V1_IPV4_ESP_TRANSPORT, 76, 8,
            "IPsecV1.IPv4ESP.Transport",
            "ipsec_v1_ipv4_esp_transport",
            "0: no Linux counterpart"),
        SUP(IPSEC_V1_IPV4_ESP_TUNNEL, 76, 10,
            "IPsecV1.IPv4ESP.Tunnel",
            "ipsec_v1_ipv4_esp_tunnel",
            "0: no Linux counterpart"),
        SUP(IPSEC_V1_IPV4_ESP_SEND, 76, 12,
            "IPsecV1.IPv4ESP.Send",
            "ipsec_v1_ipv4_esp_send",
            "0: no Linux counterpart"),
        SUP(IPSEC_V1_IPV4_ESP_RECEIVE, 76, 14,
            "IPsecV1.IPv4ESP.Receive",
            "ipsec_v1_ipv4_esp_receive",
            "0: no Linux counterpart"),
        ENC(LSO_V2_IPV4_ENCAPSULATION, 80,
            "LsoV2.IPv4.Encapsulation",
            "lso_v2_ipv4_encapsulation",
            "encap with tx-tcp-segmentation"),
        SIZE(LSO_V2_IPV4_MAX_OFFLOAD_SIZE, 84,
            "LsoV2.IPv4.MaxOffLoadSize",
            "lso_v2_ipv4_max_offload_size",
            "tso_max_size (hardware), gso_max_size (current) with tx-tcp-segmentation"),
        COUNT(LSO_V2_IPV4_MIN_SEGMENT_COUNT, 88,
            "LsoV2.IPv4.MinSegmentCount",
            "lso_v2_ipv4_min_segment_count",
            "2 with tx-tcp-segmentation"),
        ENC(LSO_V2_IPV6_ENCAPSULATION, 92,
            "LsoV2.IPv6.Encapsulation",
            "lso_v2_ipv6_encapsulation",
            "encap with tx-tcp6-segmentation"),
        SIZE(LSO_V2_IPV6_MAX_OFFLOAD_SIZE, 96,
            "LsoV2.IPv6.MaxOffLoadSize",
            "lso_v2_ipv6_max_offload_size",
            "tso_max_size (hardware), gso_max_size (current) with tx-tcp6-segmentation"),
        COUNT(LSO_V2_IPV6_MIN_SEGMENT_COUNT, 100,
            "LsoV2.IPv6.MinSegmentCount",
            "lso_v2_ipv6_min_segment_count",
            "2 with tx-tcp6-segmentation"),
        SUP(LSO_V2_IPV6_IP_EXTENSION_HEADERS_SUPPORTED, 104, 0,
            "LsoV2.IPv6.IpExtensionHeadersSupported",
            "lso_v2_ipv6_ip_extension_headers_supported",
            "tx-tcp6-segmentation and tx-checksum-ip-generic"),
        SUP(LSO_V2_IPV6_TCP_OPTIONS_SUPPORTED, 104, 2,
            "LsoV2.IPv6.TcpOptionsSupported",
            "lso_v2_ipv6_tcp_options_supported",
            "tx-tcp6-segmentation"),
        MASK(OFFLOAD_FLAGS, 108,
            "OffloadFlags",
            "offload_flags",
            "0: no Linux counterpart"),
        ENC(IPSEC_V2_ENCAPSULATION, 112,
            "IPsecV2.Encapsulation",
            "ipsec_v2_encapsulation",
            "encap with esp-hw-offload"),
        BOOL8(IPSEC_V2_IPV6_SUPPORTED, 116,
            "IPsecV2.IPv6Supported",
            "ipsec_v2_ipv6_supported",
            "0: per SA and per driver, no generic interface reports it"),
        BOOL8(IPSEC_V2_IPV4_OPTIONS, 117,
            "IPsecV2.IPv4Options",
            "ipsec_v2_ipv4_options",
            "0: per SA and per driver, no generic interface reports it"),
        BOOL8(IPSEC_V2_IPV6_NON_IPSEC_EXTENSION_HEADERS, 118,
            "IPsecV2.IPv6NonIPsecExtensionHeaders",
            "ipsec_v2_ipv6_non_ipsec_extension_headers",
            "0: per SA and per driver, no generic interface reports it"),
        BOOL8(IPSEC_V2_AH, 119,
            "IPsecV2.Ah",
            "ipsec_v2_ah",
            "0: per SA and per driver, no generic interface reports it"),
        BOOL8(IPSEC_V2_ESP, 120,
            "IPsecV2.Esp",
            "ipsec_v2_esp",
            "esp-hw-offload"),
        BOOL8(IPSEC_V2_AH_ESP_COMBINED, 121,
            "IPsecV2.AhEspCombined",
            "ipsec_v2_ah_esp_combined",
            "0: per SA and per driver, no generic interface reports it"),
        BOOL8(IPSEC_V2_TRANSPORT, 122,
            "IPsecV2.Transport",
            "ipsec_v2_transport",
            "0: per SA and per driver, no generic interface reports it"),
        BOOL8(IPSEC_V2_TUNNEL, 123,
            "IPsecV2.Tunnel",
            "ipsec_v2_tunnel",
            "0: per SA and per driver, no generic interface reports it"),
        BOOL8(IPSEC_V2_TRANSPORT_TUNNEL_COMBINED, 124,
            "IPsecV2.TransportTunnelCombined",
            "ipsec_v2_transport_tunnel_combined",
            "0: per SA and per driver, no generic interface reports it"),
        BOOL8(IPSEC_V2_LSO_SUPPORTED, 125,
            "IPsecV2.LsoSupported",
            "ipsec_v2_lso_supported",
            "tx-esp-segmentation"),
        BOOL8(IPSEC_V2_EXTENDED_SEQUENCE_NUMBERS, 126,
            "IPsecV2.ExtendedSequenceNumbers",
            "ipsec_v2_extended_sequence_numbers",
            "0: per SA and per driver, no generic interface reports it"),
        MASK(IPSEC_V2_UDP_ESP, 128,
            "IPsecV2.UdpEsp",
            "ipsec_v2_udp_esp",
            "0: per SA and per driver, no generic interface reports it"),
        MASK(IPSEC_V2_AUTHENTICATION_ALGORITHMS, 132,
            "IPsecV2.AuthenticationAlgorithms",
            "ipsec_v2_authentication_algorithms",
            "0: per SA and per driver, no generic interface reports it"),
        MASK(IPSEC_V2_ENCRYPTION_ALGORITHMS, 136,
            "IPsecV2.EncryptionAlgorithms",
            "ipsec_v2_encryption_algorithms",
            "0: per SA and per driver, no generic interface reports it"),
        CAPACITY(IPSEC_V2_SA_OFFLOAD_CAPACITY, 140,
            "IPsecV2.SaOffloadCapacity",
            "ipsec_v2_sa_offload_capacity",
            "0: per SA and per driver, no generic interface reports it"),
        BOOL8(RSC_IPV4_ENABLED, 144,
            "Rsc.IPv4.Enabled",
            "rsc_ipv4_enabled",
            "rx-gro-hw or rx-lro"),
        BOOL8(RSC_IPV6_ENABLED, 145,
            "Rsc.IPv6.Enabled",
            "rsc_ipv6_enabled",
            "rx-gro-hw or rx-lro"),
        TMASK(ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_TRANSMIT_CHECKSUM_OFFLOAD_SUPPORTED, 148, 0,
            "EncapsulatedPacketTaskOffloadGre.TransmitChecksumOffloadSupported",
            "encapsulated_packet_task_offload_gre_transmit_checksum_offload_supported",
            "tx-gre-csum-segmentation: masked as LsoV2Supported"),
        TMASK(ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_RECEIVE_CHECKSUM_OFFLOAD_SUPPORTED, 148, 4,
            "EncapsulatedPacketTaskOffloadGre.ReceiveChecksumOffloadSupported",
            "encapsulated_packet_task_offload_gre_receive_checksum_offload_supported",
            "0: Linux does not report it"),
        TMASK(ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_LSO_V2_SUPPORTED, 148, 8,
            "EncapsulatedPacketTaskOffloadGre.LsoV2Supported",
            "encapsulated_packet_task_offload_gre_lso_v2_supported",
            "tx-gre-segmentation: outer IPv4+IPv6, inner with tx-tcp(6)-segmentation"),
        TMASK(ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_RSS_SUPPORTED, 148, 12,
            "EncapsulatedPacketTaskOffloadGre.RssSupported",
            "encapsulated_packet_task_offload_gre_rss_supported",
            "0: Linux does not report it"),
        TMASK(ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_VMQ_SUPPORTED, 148, 16,
            "EncapsulatedPacketTaskOffloadGre.VmqSupported",
            "encapsulated_packet_task_offload_gre_vmq_supported",
            "0: Linux does not report it"),
        TMASK(ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_USO_SUPPORTED, 148, 20,
            "EncapsulatedPacketTaskOffloadGre.UsoSupported",
            "encapsulated_packet_task_offload_gre_uso_supported",
            "0: Linux does not report it"),
        SIZE(ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_MAX_HEADER_SIZE_SUPPORTED, 152,
            "EncapsulatedPacketTaskOffloadGre.MaxHeaderSizeSupported",
            "encapsulated_packet_task_offload_gre_max_header_size_supported",
            "0: Linux does not report it"),
        TMASK(ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_TRANSMIT_CHECKSUM_OFFLOAD_SUPPORTED, 156, 0,
            "EncapsulatedPacketTaskOffloadVxlan.TransmitChecksumOffloadSupported",
            "encapsulated_packet_task_offload_vxlan_transmit_checksum_offload_supported",
            "tx-udp_tnl-csum-segmentation: masked as for GRE"),
        TMASK(ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_RECEIVE_CHECKSUM_OFFLOAD_SUPPORTED, 156, 4,
            "EncapsulatedPacketTaskOffloadVxlan.ReceiveChecksumOffloadSupported",
            "encapsulated_packet_task_offload_vxlan_receive_checksum_offload_supported",
            "0xf with rx-udp_tunnel-port-offload"),
        TMASK(ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_LSO_V2_SUPPORTED, 156, 8,
            "EncapsulatedPacketTaskOffloadVxlan.LsoV2Supported",
            "encapsulated_packet_task_offload_vxlan_lso_v2_supported",
            "tx-udp_tnl-segmentation: masked as for GRE"),
        TMASK(ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_RSS_SUPPORTED, 156, 12,
            "EncapsulatedPacketTaskOffloadVxlan.RssSupported",
            "encapsulated_packet_task_offload_vxlan_rss_supported",
            "0xf with rx-udp_tunnel-port-offload"),
        TMASK(ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_VMQ_SUPPORTED, 156, 16,
            "EncapsulatedPacketTaskOffloadVxlan.VmqSupported",
            "encapsulated_packet_task_offload_vxlan_vmq_supported",
            "0: Linux does not report it"),
        TMASK(ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_USO_SUPPORTED, 156, 20,
            "EncapsulatedPacketTaskOffloadVxlan.UsoSupported",
            "encapsulated_packet_task_offload_vxlan_uso_supported",
            "0: Linux does not report it"),
        SIZE(ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_MAX_HEADER_SIZE_SUPPORTED, 160,
            "EncapsulatedPacketTaskOffloadVxlan.MaxHeaderSizeSupported",
            "encapsulated_packet_task_offload_vxlan_max_header_size_supported",
            "0: Linux does not report it"),
        PORT(ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_VXLAN_UDP_PORT_NUMBER, 164,
            "EncapsulatedPacketTaskOffloadVxlan.VxlanUDPPortNumber",
            "encapsulated_packet_task_offload_vxlan_vxlan_udp_port_number",
            "4789 when any VXLAN offload is supported"),
        BIT(ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_VXLAN_UDP_PORT_NUMBER_CONFIGURABLE, 166, 2, 0,
            "EncapsulatedPacketTaskOffloadVxlan.VxlanUDPPortNumberConfigurable",
            "encapsulated_packet_task_offload_vxlan_vxlan_udp_port_number_configurable",
            "rx-udp_tunnel-port-offload"),
        ETYPES(ENCAPSULATION_TYPES, 176,
            "EncapsulationTypes",
            "encapsulation_types",
            "GRE_MAC with a GRE offload, VXLAN with a VXLAN offload"),
        XLAT(RFC6877_XLAT_XLAT_OFFLOAD, 180,
            "Rfc6877Xlat.XlatOffload",
            "rfc6877_xlat_xlat_offload",
            "0: no Linux counterpart"),
        MASK(RFC6877_XLAT_FLAGS, 184,
            "Rfc6877Xlat.Flags",
            "rfc6877_xlat_flags",
            "0: no Linux counterpart"),
        ENC(UDP_SEGMENTATION_IPV4_ENCAPSULATION, 188,
            "UdpSegmentation.IPv4.Encapsulation",
            "udp_segmentation_ipv4_encapsulation",
            "encap with tx-udp-segmentation"),
        SIZE(UDP_SEGMENTATION_IPV4_MAX_OFFLOAD_SIZE, 192,
            "UdpSegmentation.IPv4.MaxOffLoadSize",
            "udp_segmentation_ipv4_max_offload_size",
            "tso_max_size (hardware), gso_max_size (current) with tx-udp-segmentation"),
        COUNT6(UDP_SEGMENTATION_IPV4_MIN_SEGMENT_COUNT, 196,
            "UdpSegmentation.IPv4.MinSegmentCount",
            "udp_segmentation_ipv4_min_segment_count",
            "2 with tx-udp-segmentation"),
        BIT(UDP_SEGMENTATION_IPV4_SUB_MSS_FINAL_SEGMENT_SUPPORTED, 196, 4, 6,
            "UdpSegmentation.IPv4.SubMssFinalSegmentSupported",
            "udp_segmentation_ipv4_sub_mss_final_segment_supported",
            "tx-udp-segmentation"),
        ENC(UDP_SEGMENTATION_IPV6_ENCAPSULATION, 200,
            "UdpSegmentation.IPv6.Encapsulation",
            "udp_segmentation_ipv6_encapsulation",
            "encap with tx-udp-segmentation"),
        SIZE(UDP_SEGMENTATION_IPV6_MAX_OFFLOAD_SIZE, 204,
            "UdpSegmentation.IPv6.MaxOffLoadSize",
            "udp_segmentation_ipv6_max_offload_size",
            "tso_max_size (hardware), gso_max_size (current) with tx-udp-segmentation"),
        COUNT6(UDP_SEGMENTATION_IPV6_MIN_SEGMENT_COUNT, 208,
            "UdpSegmentation.IPv6.MinSegmentCount",
            "udp_segmentation_ipv6_min_segment_count",
            "2 with tx-udp-segmentation"),
        BIT(UDP_SEGMENTATION_IPV6_SUB_MSS_FINAL_SEGMENT_SUPPORTED, 208, 4, 6,
            "UdpSegmentation.IPv6.SubMssFinalSegmentSupported",
            "udp_segmentation_ipv6_sub_mss_final_segment_supported",
            "tx-udp-segmentation"),
        SUP(UDP_SEGMENTATION_IPV6_IP_EXTENSION_HEADERS_SUPPORTED, 212, 0,
            "UdpSegmentation.IPv6.IpExtensionHeadersSupported",
            "udp_segmentation_ipv6_ip_extension_headers_supported",
            "tx-udp-segmentation and tx-checksum-ip-generic"),
};

/* NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_1 .. _7 */
/* Each offload's options, sizes and counts, behind the field that says it is supported. */
#define GROUP(gate, first, last) { { TASK_##gate, TASK_##gate }, TASK_##first, TASK_##last }
static const FieldGroup groups[] = {
        GROUP(CHECKSUM_IPV4_TRANSMIT_ENCAPSULATION,
              CHECKSUM_IPV4_TRANSMIT_IP_OPTIONS_SUPPORTED, CHECKSUM_IPV4_TRANSMIT_IP_CHECKSUM),
        GROUP(CHECKSUM_IPV4_RECEIVE_ENCAPSULATION,
              CHECKSUM_IPV4_RECEIVE_IP_OPTIONS_SUPPORTED, CHECKSUM_IPV4_RECEIVE_IP_CHECKSUM),
        GROUP(CHECKSUM_IPV6_TRANSMIT_ENCAPSULATION,
              CHECKSUM_IPV6_TRANSMIT_IP_EXTENSION_HEADERS_SUPPORTED,
              CHECKSUM_IPV6_TRANSMIT_UDP_CHECKSUM),
        GROUP(CHECKSUM_IPV6_RECEIVE_ENCAPSULATION,
              CHECKSUM_IPV6_RECEIVE_IP_EXTENSION_HEADERS_SUPPORTED,
              CHECKSUM_IPV6_RECEIVE_UDP_CHECKSUM),
        GROUP(LSO_V1_IPV4_ENCAPSULATION, LSO_V1_IPV4_MAX_OFFLOAD_SIZE, LSO_V1_IPV4_IP_OPTIONS),
        GROUP(IPSEC_V1_SUPPORTED_ENCAPSULATION,
              IPSEC_V1_SUPPORTED_AH_ESP_COMBINED, IPSEC_V1_IPV4_ESP_RECEIVE),
        GROUP(LSO_V2_IPV4_ENCAPSULATION, LSO_V2_IPV4_MAX_OFFLOAD_SIZE,
              LSO_V2_IPV4_MIN_SEGMENT_COUNT),
        GROUP(LSO_V2_IPV6_ENCAPSULATION, LSO_V2_IPV6_MAX_OFFLOAD_SIZE,
              LSO_V2_IPV6_TCP_OPTIONS_SUPPORTED),
        GROUP(IPSEC_V2_ENCAPSULATION, IPSEC_V2_IPV6_SUPPORTED, IPSEC_V2_SA_OFFLOAD_CAPACITY),
        GROUP(RFC6877_XLAT_XLAT_OFFLOAD, RFC6877_XLAT_FLAGS, RFC6877_XLAT_FLAGS),
        GROUP(UDP_SEGMENTATION_IPV4_ENCAPSULATION, UDP_SEGMENTATION_IPV4_MAX_OFFLOAD_SIZE,
              UDP_SEGMENTATION_IPV4_SUB_MSS_FINAL_SEGMENT_SUPPORTED),
        GROUP(UDP_SEGMENTATION_IPV6_ENCAPSULATION, UDP_SEGMENTATION_IPV6_MAX_OFFLOAD_SIZE,
              UDP_SEGMENTATION_IPV6_IP_EXTENSION_HEADERS_SUPPORTED),
};

static const uint16_t min_sizes[] = { 112, 144, 156, 177, 188, 216, 216 };

const RecordSchema schema_task_offload = {
        .name = "NDIS_OFFLOAD",
        .type = TASK_RECORD_TYPE,
        .revision = TASK_RECORD_REVISION,
        .size = TASK_RECORD_SIZE,
        .min_buffer = TASK_RECORD_HEADER_SIZE,
        .min_sizes = min_sizes,
        .n_min_sizes = ELEMENTSOF(min_sizes),
        .fields = fields,
        .n_fields = ELEMENTSOF(fields),
        .groups = groups,
        .n_groups = ELEMENTSOF(groups),
        .status_hardware = STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES,
        .status_current = STATUS_TASK_OFFLOAD_CURRENT_CONFIG,
        .too_short = "record is shorter than its 4-byte header",
        .bad_type = "Header.Type is not NDIS_OBJECT_TYPE_OFFLOAD (0xA7)",
        .size_too_small = "Header.Size is smaller than the size of its revision "
                          "(R1 112, R2 144, R3 156, R4 177, R5 188, R6 and later 216)",
};
