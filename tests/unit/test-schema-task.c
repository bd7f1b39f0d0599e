/* SPDX-License-Identifier: MIT */
/* Unit tests of the NDIS_OFFLOAD schema (proto/schema-task.c): golden vectors derived by hand
 * from the documented layout (proto/OFFLOAD.md), every revision, trailing bytes, every field
 * at its extremes, and every refusal with its reason */
#undef NDEBUG
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "aggregate.h"
#include "field.h"
#include "macro.h"
#include "schema-task.h"
#include "schemas.h"

#define TASK (&schema_task_offload)

static void from_hex(const char *hex, uint8_t *buf, size_t size) {
        size_t n = 0;

        assert(hex_decode(hex, buf, size, &n, NULL) == 0);
        assert(n == size);
}

static void to_hex(const uint8_t *buf, size_t n, char *out) {
        for (size_t i = 0; i < n; i++)
                sprintf(out + 2 * i, "%02x", buf[i]);
}

/* One value for every field, each member block written out by hand from the layout (one line
 * per u32 word, little-endian). */
static const struct { const char *json; uint32_t value; } golden_values[] = {
        { "checksum_ipv4_transmit_encapsulation", 0x02 },
        { "checksum_ipv4_transmit_ip_options_supported", 1 },
        { "checksum_ipv4_transmit_tcp_options_supported", 1 },
        { "checksum_ipv4_transmit_tcp_checksum", 1 },
        { "checksum_ipv4_transmit_udp_checksum", 1 },
        { "checksum_ipv4_transmit_ip_checksum", 1 },
        { "checksum_ipv4_receive_encapsulation", 0x06 },
        { "checksum_ipv4_receive_ip_options_supported", 1 },
        { "checksum_ipv4_receive_tcp_checksum", 1 },
        { "checksum_ipv4_receive_ip_checksum", 1 },
        { "checksum_ipv6_transmit_encapsulation", 0x0a },
        { "checksum_ipv6_transmit_ip_extension_headers_supported", 1 },
        { "checksum_ipv6_transmit_tcp_options_supported", 1 },
        { "checksum_ipv6_transmit_udp_checksum", 1 },
        { "checksum_ipv6_receive_encapsulation", 0x12 },
        { "checksum_ipv6_receive_tcp_options_supported", 1 },
        { "checksum_ipv6_receive_tcp_checksum", 1 },
        { "checksum_ipv6_receive_udp_checksum", 1 },
        { "lso_v1_ipv4_encapsulation", 0x1f },
        { "lso_v1_ipv4_max_offload_size", 65536 },
        { "lso_v1_ipv4_min_segment_count", 2 },
        { "lso_v1_ipv4_tcp_options", 1 },
        { "lso_v1_ipv4_ip_options", 1 },
        { "ipsec_v1_supported_encapsulation", 0x02 },
        { "ipsec_v1_supported_ah_esp_combined", 1 },
        { "ipsec_v1_supported_ipv4_options", 1 },
        { "ipsec_v1_supported_flags", 0x0f },
        { "ipsec_v1_ipv4_ah_md5", 1 },
        { "ipsec_v1_ipv4_ah_sha_1", 1 },
        { "ipsec_v1_ipv4_ah_tunnel", 1 },
        { "ipsec_v1_ipv4_ah_receive", 1 },
        { "ipsec_v1_ipv4_esp_des", 1 },
        { "ipsec_v1_ipv4_esp_triple_des", 1 },
        { "ipsec_v1_ipv4_esp_transport", 1 },
        { "ipsec_v1_ipv4_esp_send", 1 },
        { "ipsec_v1_ipv4_esp_receive", 1 },
        { "lso_v2_ipv4_encapsulation", 0x06 },
        { "lso_v2_ipv4_max_offload_size", 524280 },
        { "lso_v2_ipv4_min_segment_count", 2 },
        { "lso_v2_ipv6_encapsulation", 0x02 },
        { "lso_v2_ipv6_max_offload_size", UINT32_MAX },
        { "lso_v2_ipv6_min_segment_count", 3 },
        { "lso_v2_ipv6_ip_extension_headers_supported", 1 },
        { "lso_v2_ipv6_tcp_options_supported", 1 },
        { "offload_flags", 0x80000001 },
        { "ipsec_v2_encapsulation", 0x02 },
        { "ipsec_v2_ipv6_supported", 1 },
        { "ipsec_v2_ipv6_non_ipsec_extension_headers", 1 },
        { "ipsec_v2_ah", 1 },
        { "ipsec_v2_esp", 1 },
        { "ipsec_v2_transport", 1 },
        { "ipsec_v2_transport_tunnel_combined", 1 },
        { "ipsec_v2_lso_supported", 1 },
        { "ipsec_v2_extended_sequence_numbers", 1 },
        { "ipsec_v2_udp_esp", 0x3 },
        { "ipsec_v2_authentication_algorithms", 0x3f },
        { "ipsec_v2_encryption_algorithms", 0x7 },
        { "ipsec_v2_sa_offload_capacity", 1024 },
        { "rsc_ipv4_enabled", 1 },
        { "rsc_ipv6_enabled", 1 },
        { "encapsulated_packet_task_offload_gre_transmit_checksum_offload_supported", 0xf },
        { "encapsulated_packet_task_offload_gre_receive_checksum_offload_supported", 0x2 },
        { "encapsulated_packet_task_offload_gre_lso_v2_supported", 0xa },
        { "encapsulated_packet_task_offload_gre_rss_supported", 0x5 },
        { "encapsulated_packet_task_offload_gre_vmq_supported", 0x1 },
        { "encapsulated_packet_task_offload_gre_uso_supported", 0x8 },
        { "encapsulated_packet_task_offload_gre_max_header_size_supported", 0x100 },
        { "encapsulated_packet_task_offload_vxlan_transmit_checksum_offload_supported", 0xa },
        { "encapsulated_packet_task_offload_vxlan_receive_checksum_offload_supported", 0xf },
        { "encapsulated_packet_task_offload_vxlan_lso_v2_supported", 0xf },
        { "encapsulated_packet_task_offload_vxlan_rss_supported", 0xf },
        { "encapsulated_packet_task_offload_vxlan_uso_supported", 0x3 },
        { "encapsulated_packet_task_offload_vxlan_max_header_size_supported", 0x80 },
        { "encapsulated_packet_task_offload_vxlan_vxlan_udp_port_number", 4789 },
        { "encapsulated_packet_task_offload_vxlan_vxlan_udp_port_number_configurable", 1 },
        { "encapsulation_types", 0x3 },
        { "rfc6877_xlat_xlat_offload", 2 },
        { "rfc6877_xlat_flags", 0x5 },
        { "udp_segmentation_ipv4_encapsulation", 0x02 },
        { "udp_segmentation_ipv4_max_offload_size", 65536 },
        { "udp_segmentation_ipv4_min_segment_count", 63 },
        { "udp_segmentation_ipv4_sub_mss_final_segment_supported", 1 },
        { "udp_segmentation_ipv6_encapsulation", 0x06 },
        { "udp_segmentation_ipv6_max_offload_size", 65536 },
        { "udp_segmentation_ipv6_min_segment_count", 2 },
        { "udp_segmentation_ipv6_ip_extension_headers_supported", 1 },
};

static const char golden_hex[] =
        "a706d800"                              /* Header: 0xA7, revision 6, Size 216 */
        "02000000" "55010000"                   /*   4 IPv4Transmit: encap; all five bits 0x155 */
        "06000000" "11010000"                   /*  12 IPv4Receive: IpOptions, Tcp, IpChecksum */
        "0a000000" "45000000"                   /*  20 IPv6Transmit: ExtHdr, TcpOptions, Udp */
        "12000000" "54000000"                   /*  28 IPv6Receive: TcpOptions, Tcp, Udp */
        "1f000000" "00000100" "02000000" "05000000" /* 36 LsoV1: encap, 65536, 2, both options */
        "02000000" "01000000" "00000000" "01000000" "0f000000" /* 52 IPsecV1.Supported */
        "45040000"                              /*  72 IPv4AH: Md5, Sha_1, Tunnel, Receive */
        "11510000"                              /*  76 IPv4ESP: Des, 3Des, Transport, Send, Receive */
        "06000000" "f8ff0700" "02000000"        /*  80 LsoV2.IPv4: encap, 524280, 2 */
        "02000000" "ffffffff" "03000000" "05000000" /* 92 LsoV2.IPv6 */
        "01000080"                              /* 108 Flags (end of revision 1) */
        "02000000"                              /* 112 IPsecV2.Encapsulation */
        "01000101" "01000100" "01010100"        /* 116 booleans 116-126, 127 padding */
        "03000000" "3f000000" "07000000" "00040000" /* 128 UdpEsp, auth, enc, SA capacity */
        "01010000"                              /* 144 Rsc IPv4, IPv6, padding */
        "2f5a8100" "00010000"                   /* 148 GRE word 0x815a2f; MaxHeaderSize (R3) */
        "faff3000" "80000000" "b512" "0100" "00000000" "00000000" /* 156 VXLAN */
        "03000000"                              /* 176 EncapsulationTypes + padding (R4: 177) */
        "02000000" "05000000"                   /* 180 Rfc6877Xlat (end of revision 5) */
        "02000000" "00000100" "7f000000"        /* 188 USO IPv4: 63 | SubMss << 6 */
        "06000000" "00000100" "02000000" "01000000"; /* 200 USO IPv6 (end of revision 6) */

/* Every bit of every field set, reserved bits and padding clear: from the layout, by hand. */
static const char all_ones_hex[] =
        "a706d800"
        "ffffffff" "ff030000" "ffffffff" "ff030000"    /* 4 IPv4: bits 0-9 */
        "ffffffff" "ff000000" "ffffffff" "ff000000"    /* 20 IPv6: bits 0-7 */
        "ffffffff" "ffffffff" "ffffffff" "0f000000"    /* 36 LsoV1: bits 0-3 */
        "ffffffff" "ffffffff" "ffffffff" "ffffffff" "ffffffff"
        "ff0f0000"                                      /* 72 AH: bits 0-11 */
        "f3ff0000"                                      /* 76 ESP: 0-1, 4-15 (2-3 reserved) */
        "ffffffff" "ffffffff" "ffffffff"
        "ffffffff" "ffffffff" "ffffffff" "0f000000"    /* 104: bits 0-3 */
        "ffffffff"
        "ffffffff" "ffffffff" "ffffffff" "ffffff00"    /* 116-126 booleans, 127 padding */
        "ffffffff" "ffffffff" "ffffffff" "ffffffff"
        "ffff0000"                                      /* 144 Rsc, padding */
        "ffffff00" "ffffffff"                           /* 148 GRE: bits 0-23 */
        "ffffff00" "ffffffff" "ffff" "0100" "00000000" "00000000" /* 156 VXLAN */
        "ff000000"
        "ffffffff" "ffffffff"
        "ffffffff" "ffffffff" "7f000000"                /* 196: bits 0-6 */
        "ffffffff" "ffffffff" "7f000000" "03000000";    /* 212: bits 0-1 */

static void golden_value(RecordValue *v) {
        value_init(v, TASK);
        for (size_t i = 0; i < ELEMENTSOF(golden_values); i++) {
                int f = schema_field_from_json(TASK, golden_values[i].json);

                assert(f >= 0);
                assert(value_set(v, (size_t) f, golden_values[i].value) == 0);
        }
}

static void test_table(void) {
        static const uint16_t sizes[] = { 112, 144, 156, 177, 188, 216, 216 };
        uint8_t owner[TASK_RECORD_SIZE * 8];

        assert(TASK->n_fields == _TASK_FIELD_MAX && _TASK_FIELD_MAX == 100);
        assert(TASK->n_fields <= SCHEMA_FIELDS_MAX);
        assert(TASK->type == 0xA7 && TASK->revision == 6 && TASK->size == 216);
        for (uint8_t r = 1; r <= 7; r++)
                assert(schema_min_size(TASK, r) == sizes[r - 1]);
        assert(schema_min_size(TASK, 8) == 216 && schema_min_size(TASK, 255) == 216);
        assert(schema_from_type(0xA7) == TASK);
        int which = -1;
        assert(schema_from_status(0x40020007, &which) == TASK && which == 0);
        assert(schema_from_status(0x40020006, &which) == TASK && which == 1);
        assert(record_schemas[0] == &schema_tcp_connection_offload && record_schemas[1] == TASK);
        assert(strcmp(status_code_to_string(0x40020007),
                      "NDIS_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES") == 0);
        assert(strcmp(status_code_to_string(0x40020006), "NDIS_STATUS_TASK_OFFLOAD_CURRENT_CONFIG") == 0);

        /* Every row inside the record and inside its word, no two rows sharing a bit, after
         * the header; names unique, never a connection record's, and udev = MUXCAP_ + JSON. */
        memset(owner, 0, sizeof(owner));
        for (size_t i = 0; i < TASK->n_fields; i++) {
                const FieldDesc *d = &TASK->fields[i];
                char udev[128];

                assert(d->name && d->json && d->udev && d->kernel && d->dbus_type);
                assert(d->width == 1 || d->width == 2 || d->width == 4);
                assert(d->offset >= 4 && d->offset % d->width == 0);
                assert(d->offset + d->width <= TASK_RECORD_SIZE);
                assert(d->bits >= 1 && d->shift + d->bits <= 8 * d->width);
                assert(d->max <= schema_field_wire_max(TASK, i));
                for (unsigned b = 0; b < d->bits; b++) {
                        unsigned bit = 8u * d->offset + d->shift + b;

                        assert(!owner[bit]);
                        owner[bit] = 1;
                }
                assert(schema_field_from_name(TASK, d->name) == (int) i);
                assert(schema_field_from_json(TASK, d->json) == (int) i);
                assert(schema_field_from_udev(TASK, d->udev) == (int) i);
                snprintf(udev, sizeof(udev), "MUXCAP_%s", d->json);
                for (char *p = udev; *p; p++)
                        *p = (char) toupper((unsigned char) *p);
                assert(streq(udev, d->udev));
                assert(schema_field_from_name(&schema_tcp_connection_offload, d->name) < 0);
                assert(schema_field_from_json(&schema_tcp_connection_offload, d->json) < 0);
                assert(schema_field_from_udev(&schema_tcp_connection_offload, d->udev) < 0);
        }
        assert(schema_field_from_name(TASK, "OffloadFlags") == TASK_OFFLOAD_FLAGS);
        assert(schema_field_from_json(TASK, "lso_v2_ipv4_max_offload_size") ==
               TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE);
        assert(schema_field_from_name(TASK, "LsoV2.IPv4.MaxOffLoadSize") ==
               TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE);
        assert(schema_field_from_udev(TASK, "MUXCAP_LSO_V2_IPV4_MAX_OFFLOAD_SIZE") ==
               TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE);
}

static void test_golden_revision_6(void) {
        uint8_t want[TASK_RECORD_SIZE], buf[TASK_RECORD_SIZE];
        char hex[2 * TASK_RECORD_SIZE + 1];
        RecordValue v, back;

        assert(strlen(golden_hex) == 2 * TASK_RECORD_SIZE);
        from_hex(golden_hex, want, sizeof(want));
        golden_value(&v);
        assert(schema_encode(&v, buf, sizeof(buf), NULL) == 0);
        to_hex(buf, sizeof(buf), hex);
        if (memcmp(buf, want, sizeof(buf)) != 0)
                fprintf(stderr, "got  %s\nwant %s\n", hex, golden_hex);
        assert(memcmp(buf, want, sizeof(buf)) == 0);
        assert(schema_decode(TASK, want, sizeof(want), &back, NULL) == 0);
        assert(value_equal(&v, &back));
        assert(back.revision == 6);
        assert(back.v[TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_VXLAN_UDP_PORT_NUMBER] == 4789);
        assert(back.v[TASK_LSO_V2_IPV6_MAX_OFFLOAD_SIZE] == UINT32_MAX);
        assert(back.v[TASK_CHECKSUM_IPV4_RECEIVE_TCP_OPTIONS_SUPPORTED] == 0);
}

/* Each revision's record is the golden one cut at that revision's size: fields that end at or
 * before Size keep their values, the rest read as zero. */
static void test_every_revision(void) {
        static const uint16_t sizes[] = { 112, 144, 156, 177, 188, 216, 216, 216 };
        uint8_t full[TASK_RECORD_SIZE], buf[TASK_RECORD_SIZE];
        RecordValue golden, v;

        from_hex(golden_hex, full, sizeof(full));
        golden_value(&golden);
        for (uint8_t r = 1; r <= 8; r++) {
                uint16_t n = sizes[r - 1];

                memcpy(buf, full, n);
                buf[1] = r;
                buf[2] = (uint8_t) n;
                buf[3] = (uint8_t) (n >> 8);
                assert(schema_decode(TASK, buf, n, &v, NULL) == 0);
                assert(v.revision == r);
                for (size_t i = 0; i < TASK->n_fields; i++) {
                        const FieldDesc *d = &TASK->fields[i];

                        assert(v.v[i] == (d->offset + d->width <= n ? golden.v[i] : 0));
                }
        }
        /* The member that ends each revision, present at its own and absent one before. */
        memcpy(buf, full, 112);
        buf[1] = 1, buf[2] = 112, buf[3] = 0;
        assert(schema_decode(TASK, buf, 112, &v, NULL) == 0);
        assert(v.v[TASK_OFFLOAD_FLAGS] == 0x80000001 && v.v[TASK_IPSEC_V2_ENCAPSULATION] == 0);
        memcpy(buf, full, 177);
        buf[1] = 4, buf[2] = 177;
        assert(schema_decode(TASK, buf, 177, &v, NULL) == 0);
        assert(v.v[TASK_ENCAPSULATION_TYPES] == 3 && v.v[TASK_RFC6877_XLAT_XLAT_OFFLOAD] == 0);
        assert(v.v[TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_VXLAN_UDP_PORT_NUMBER_CONFIGURABLE] == 1);
        buf[1] = 3, buf[2] = 156;
        assert(schema_decode(TASK, buf, 177, &v, NULL) == 0);
        assert(v.v[TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_MAX_HEADER_SIZE_SUPPORTED] == 0x100);
        assert(v.v[TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_LSO_V2_SUPPORTED] == 0);
        assert(v.v[TASK_ENCAPSULATION_TYPES] == 0);
        /* A Size between revisions: a field is read only if it ends within Size. */
        memcpy(buf, full, 216);
        buf[1] = 2, buf[2] = 151;
        assert(schema_decode(TASK, buf, 216, &v, NULL) == 0);
        assert(v.v[TASK_RSC_IPV6_ENABLED] == 1);
        assert(v.v[TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_LSO_V2_SUPPORTED] == 0);
        /* Revision 1 with a Size of 216 carries the later members. */
        buf[1] = 1, buf[2] = 216;
        assert(schema_decode(TASK, buf, 216, &v, NULL) == 0 && value_equal(&v, &(RecordValue) { 0 }) == false);
        assert(v.v[TASK_UDP_SEGMENTATION_IPV6_IP_EXTENSION_HEADERS_SUPPORTED] == 1);
}

static void test_trailing_bytes_are_ignored(void) {
        uint8_t buf[300];
        RecordValue golden, v;

        memset(buf, 0xee, sizeof(buf));
        from_hex(golden_hex, buf, TASK_RECORD_SIZE);
        golden_value(&golden);
        assert(schema_decode(TASK, buf, sizeof(buf), &v, NULL) == 0);
        assert(value_equal(&v, &golden));
        buf[2] = 250;                   /* a later revision's larger Size */
        assert(schema_decode(TASK, buf, sizeof(buf), &v, NULL) == 0);
        assert(value_equal(&v, &golden));
        buf[2] = 0x2c, buf[3] = 0x01;   /* Size 300 = the whole buffer */
        assert(schema_decode(TASK, buf, sizeof(buf), &v, NULL) == 0);
        assert(value_equal(&v, &golden));
}

static void test_every_field_at_its_extremes(void) {
        uint8_t want[TASK_RECORD_SIZE], buf[TASK_RECORD_SIZE], ones[TASK_RECORD_SIZE];
        RecordValue v, back, zero;

        /* All at once: every bit a field owns, nothing else. */
        from_hex(all_ones_hex, want, sizeof(want));
        value_init(&v, TASK);
        for (size_t i = 0; i < TASK->n_fields; i++)
                assert(value_set(&v, i, schema_field_wire_max(TASK, i)) == 0);
        assert(schema_encode(&v, buf, sizeof(buf), NULL) == 0);
        assert(memcmp(buf, want, sizeof(buf)) == 0);
        /* All ones on the wire, reserved bits too: each field reads its maximum. */
        memset(ones, 0xff, sizeof(ones));
        ones[0] = 0xA7, ones[1] = 6, ones[2] = 216, ones[3] = 0;
        assert(schema_decode(TASK, ones, sizeof(ones), &back, NULL) == 0);
        assert(value_equal(&v, &back));

        /* One at a time: the field's bits only, and back. */
        value_init(&zero, TASK);
        assert(schema_encode(&zero, buf, sizeof(buf), NULL) == 0);
        for (size_t i = 4; i < sizeof(buf); i++)
                assert(buf[i] == 0);
        for (size_t i = 0; i < TASK->n_fields; i++) {
                const FieldDesc *d = &TASK->fields[i];
                uint32_t max = schema_field_wire_max(TASK, i);

                value_init(&v, TASK);
                assert(value_set(&v, i, max) == 0);
                assert(value_set(&v, i, max + (max < UINT32_MAX)) == (max < UINT32_MAX ? -ERANGE : 0));
                assert(schema_encode(&v, buf, sizeof(buf), NULL) == 0);
                for (unsigned bit = 32; bit < 8 * TASK_RECORD_SIZE; bit++) {
                        bool mine = bit >= 8u * d->offset + d->shift &&
                                    bit < 8u * d->offset + d->shift + d->bits;

                        assert(!!(buf[bit / 8] & (1u << (bit % 8))) == mine);
                }
                assert(schema_decode(TASK, buf, sizeof(buf), &back, NULL) == 0);
                assert(value_equal(&v, &back));
                v.v[i] = max;
                if (max < UINT32_MAX) {
                        const char *reason = NULL;

                        v.v[i] = max + 1;
                        memset(buf, 0x5a, sizeof(buf));
                        assert(schema_encode(&v, buf, sizeof(buf), &reason) == -ERANGE);
                        assert(reason && *reason);
                        assert(buf[0] == 0x5a && buf[215] == 0x5a);
                }
        }
}

static void test_refusals(void) {
        uint8_t buf[300];
        RecordValue v, sentinel;
        const char *reason;

        from_hex(golden_hex, buf, TASK_RECORD_SIZE);
        value_init(&sentinel, TASK);
        sentinel.v[0] = 0xdead;
        v = sentinel;
#define REFUSED(n, why)                                                                 \
        do {                                                                            \
                reason = NULL;                                                          \
                assert(schema_decode(TASK, buf, (n), &v, &reason) == -EBADMSG);         \
                assert(reason && streq(reason, why));                                   \
                assert(value_equal(&v, &sentinel));                                     \
        } while (0)

        for (size_t n = 0; n < 4; n++)
                REFUSED(n, "record is shorter than its 4-byte header");
        reason = NULL;
        assert(schema_decode(TASK, NULL, 216, &v, &reason) == -EBADMSG);
        assert(streq(reason, "record is shorter than its 4-byte header"));
        buf[0] = 0x80;
        REFUSED(216, "Header.Type is not NDIS_OBJECT_TYPE_OFFLOAD (0xA7)");
        REFUSED(4, "Header.Type is not NDIS_OBJECT_TYPE_OFFLOAD (0xA7)");
        buf[0] = 0xA7;
        buf[1] = 0;
        REFUSED(216, "Header.Revision is 0");
        /* Each revision's size minus one. */
        static const uint16_t sizes[] = { 112, 144, 156, 177, 188, 216, 216, 216 };
        for (uint8_t r = 1; r <= 8; r++) {
                buf[1] = r;
                buf[2] = (uint8_t) (sizes[r - 1] - 1);
                REFUSED(216, "Header.Size is smaller than the size of its revision "
                             "(R1 112, R2 144, R3 156, R4 177, R5 188, R6 and later 216)");
                buf[2] = (uint8_t) sizes[r - 1];
                assert(schema_decode(TASK, buf, 216, &v, NULL) == 0);
                v = sentinel;
        }
        buf[1] = 6, buf[2] = 0, buf[3] = 0;
        REFUSED(216, "Header.Size is smaller than the size of its revision "
                     "(R1 112, R2 144, R3 156, R4 177, R5 188, R6 and later 216)");
        buf[2] = 216;
        REFUSED(215, "Header.Size is larger than the buffer");
        REFUSED(4, "Header.Size is larger than the buffer");
        buf[1] = 1, buf[2] = 112;
        REFUSED(111, "Header.Size is larger than the buffer");
        buf[2] = 0xff, buf[3] = 0xff;
        REFUSED(300, "Header.Size is larger than the buffer");
        assert(schema_decode(TASK, buf, 3, &v, NULL) == -EBADMSG);  /* the reason is optional */
#undef REFUSED
}

static void test_text(void) {
        const char *reason;
        char text[128];
        uint32_t x;

#define PARSE(field, in, want)                                                          \
        assert(schema_parse_value(TASK, field, in, &x, NULL) == 0 && x == (want))
#define BAD(field, in, err, why)                                                        \
        do {                                                                            \
                reason = NULL;                                                          \
                x = 77;                                                                 \
                assert(schema_parse_value(TASK, field, in, &x, &reason) == err);        \
                assert(x == 77 && reason && streq(reason, why));                        \
        } while (0)

        PARSE(TASK_LSO_V2_IPV4_ENCAPSULATION, "802.3 802.3-pq", 0x6);
        PARSE(TASK_CHECKSUM_IPV4_TRANSMIT_TCP_CHECKSUM, "yes", 1);
        PARSE(TASK_IPSEC_V2_ESP, "true", 1);
        PARSE(TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_LSO_V2_SUPPORTED,
              "outer-ipv4 outer-ipv6 inner-ipv4", 0xb);
        PARSE(TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_LSO_V2_SUPPORTED, "0xf", 0xf);
        PARSE(TASK_ENCAPSULATION_TYPES, "gre-mac vxlan", 0x3);
        PARSE(TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_VXLAN_UDP_PORT_NUMBER, "4789", 4789);
        PARSE(TASK_UDP_SEGMENTATION_IPV4_MIN_SEGMENT_COUNT, "63", 63);
        PARSE(TASK_RFC6877_XLAT_XLAT_OFFLOAD, "3", 3);
        PARSE(TASK_IPSEC_V2_AUTHENTICATION_ALGORITHMS, "0x3f", 0x3f);
        PARSE(TASK_IPSEC_V2_AUTHENTICATION_ALGORITHMS, "none", 0);
        PARSE(TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE, "4294967295", UINT32_MAX);
        BAD(TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_LSO_V2_SUPPORTED, "0x10", -ERANGE,
            "flags out of range 0-15");
        BAD(TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_LSO_V2_SUPPORTED, "inner", -EINVAL,
            "unknown tunnel flag (expected inner-ipv4, outer-ipv4, inner-ipv6, outer-ipv6, "
            "or one number)");
        BAD(TASK_ENCAPSULATION_TYPES, "nvgre", -EINVAL,
            "unknown encapsulation type (expected gre-mac, vxlan, or one number)");
        BAD(TASK_ENCAPSULATION_TYPES, "256", -ERANGE, "flags out of range 0-255");
        BAD(TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_VXLAN_UDP_PORT_NUMBER, "65536", -ERANGE,
            "number out of range 0-65535");
        BAD(TASK_UDP_SEGMENTATION_IPV4_MIN_SEGMENT_COUNT, "64", -ERANGE, "number out of range 0-63");
        BAD(TASK_RFC6877_XLAT_XLAT_OFFLOAD, "4", -ERANGE, "number out of range 0-3");
        BAD(TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE, "4294967296", -ERANGE, "number does not fit in 32 bits");
        BAD(TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE, "big", -EINVAL, "not a decimal or 0x-hex number");
        BAD(TASK_CHECKSUM_IPV4_TRANSMIT_TCP_CHECKSUM, "2", -EINVAL,
            "expected yes, no, 1, 0, true or false");
        BAD(TASK_IPSEC_V2_ESP, "maybe", -EINVAL, "expected yes, no, 1, 0, true or false");
        BAD(TASK_LSO_V2_IPV4_ENCAPSULATION, "", -EINVAL, "empty encapsulation list");
        BAD(TASK_LSO_V2_IPV4_ENCAPSULATION, "ethernet", -EINVAL,
            "unknown encapsulation (expected null, 802.3, 802.3-pq, 802.3-pq-oob, "
            "llc-snap-routed, or one number)");
        BAD(TASK_OFFLOAD_FLAGS, "0x100000000", -ERANGE, "number does not fit in 32 bits");

        assert(schema_format_value(TASK, TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_LSO_V2_SUPPORTED,
                                   0xa, text, sizeof(text)) == 0);
        assert(streq(text, "outer-ipv4 outer-ipv6"));
        assert(schema_format_value(TASK, TASK_ENCAPSULATION_TYPES, 0x2, text, sizeof(text)) == 0);
        assert(streq(text, "vxlan"));
        assert(schema_format_value(TASK, TASK_RSC_IPV4_ENABLED, 1, text, sizeof(text)) == 0);
        assert(streq(text, "yes"));
        assert(schema_format_value(TASK, TASK_IPSEC_V2_UDP_ESP, 3, text, sizeof(text)) == 0);
        assert(streq(text, "3"));
        assert(schema_format_value(TASK, TASK_LSO_V2_IPV6_ENCAPSULATION, 0, text, sizeof(text)) == 0);
        assert(streq(text, "none"));
#undef PARSE
#undef BAD
}

static void test_json_names_every_field(void) {
        char text[8192];
        RecordValue v;

        golden_value(&v);
        assert(schema_format_json(&v, text, sizeof(text)) == 0);
        static const char prefix[] = "\"revision\":6,\"checksum_ipv4_transmit_encapsulation\":2,";
        assert(strncmp(text, prefix, strlen(prefix)) == 0);
        assert(strstr(text, ",\"lso_v2_ipv4_max_offload_size\":524280,"));
        assert(strstr(text, ",\"udp_segmentation_ipv6_ip_extension_headers_supported\":1"));
        assert(schema_format_json(&v, text, 100) == -ENOBUFS);
}

static void test_aggregation(void) {
        static Source src[_TASK_FIELD_MAX];
        RecordValue a, b, r;
        AggregateLimit lim[_TASK_FIELD_MAX];

        value_init(&a, TASK);
        /* every offload here supported by both, so the rules show, not the support */
        a.v[TASK_CHECKSUM_IPV4_TRANSMIT_ENCAPSULATION] = a.v[TASK_CHECKSUM_IPV4_RECEIVE_ENCAPSULATION] = 2;
        a.v[TASK_LSO_V2_IPV4_ENCAPSULATION] = a.v[TASK_IPSEC_V2_ENCAPSULATION] = 2;
        a.v[TASK_UDP_SEGMENTATION_IPV4_ENCAPSULATION] = 2;
        b = a;
        a.v[TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE] = 524280, b.v[TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE] = 65536;
        a.v[TASK_LSO_V2_IPV4_MIN_SEGMENT_COUNT] = 2, b.v[TASK_LSO_V2_IPV4_MIN_SEGMENT_COUNT] = 4;
        a.v[TASK_CHECKSUM_IPV4_TRANSMIT_TCP_CHECKSUM] = 1, b.v[TASK_CHECKSUM_IPV4_TRANSMIT_TCP_CHECKSUM] = 1;
        a.v[TASK_CHECKSUM_IPV4_RECEIVE_TCP_CHECKSUM] = 1;
        a.v[TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_LSO_V2_SUPPORTED] = 0xf;
        b.v[TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_LSO_V2_SUPPORTED] = 0xa;
        a.v[TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_VXLAN_UDP_PORT_NUMBER] = 4789;
        b.v[TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_VXLAN_UDP_PORT_NUMBER] = 8472;
        a.v[TASK_IPSEC_V2_SA_OFFLOAD_CAPACITY] = 100, b.v[TASK_IPSEC_V2_SA_OFFLOAD_CAPACITY] = 28;
        a.v[TASK_RFC6877_XLAT_XLAT_OFFLOAD] = 2, b.v[TASK_RFC6877_XLAT_XLAT_OFFLOAD] = 2;
        a.v[TASK_UDP_SEGMENTATION_IPV4_MIN_SEGMENT_COUNT] = 63;
        b.v[TASK_UDP_SEGMENTATION_IPV4_MIN_SEGMENT_COUNT] = 2;
        for (size_t i = 0; i < _TASK_FIELD_MAX; i++)
                src[i] = SOURCE_KERNEL;
        src[TASK_IPSEC_V2_SA_OFFLOAD_CAPACITY] = SOURCE_UDEV;
        AggregateMember m[] = { { "a", &a, src }, { "b", &b, src } };

        aggregate(TASK, m, 2, CAPACITY_POLICY_MIN, &r, lim);
        assert(r.v[TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE] == 65536 && lim[TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE].member == 1);
        assert(r.v[TASK_LSO_V2_IPV4_MIN_SEGMENT_COUNT] == 4);
        assert(r.v[TASK_CHECKSUM_IPV4_TRANSMIT_TCP_CHECKSUM] == 1);
        assert(r.v[TASK_CHECKSUM_IPV4_RECEIVE_TCP_CHECKSUM] == 0 &&
               lim[TASK_CHECKSUM_IPV4_RECEIVE_TCP_CHECKSUM].member == 1);
        assert(r.v[TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_LSO_V2_SUPPORTED] == 0xa);
        assert(r.v[TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_VXLAN_UDP_PORT_NUMBER] == 0);
        assert(r.v[TASK_IPSEC_V2_SA_OFFLOAD_CAPACITY] == 28 &&
               lim[TASK_IPSEC_V2_SA_OFFLOAD_CAPACITY].source == SOURCE_UDEV);
        assert(r.v[TASK_RFC6877_XLAT_XLAT_OFFLOAD] == 2);
        assert(r.v[TASK_UDP_SEGMENTATION_IPV4_MIN_SEGMENT_COUNT] == 63);
        aggregate(TASK, m, 2, CAPACITY_POLICY_SUM, &r, lim);
        assert(r.v[TASK_IPSEC_V2_SA_OFFLOAD_CAPACITY] == 128);
        aggregate(TASK, m, 0, CAPACITY_POLICY_MIN, &r, lim);
        for (size_t i = 0; i < _TASK_FIELD_MAX; i++)
                assert(r.v[i] == 0 && lim[i].member == -1 && lim[i].source == SOURCE_NONE);
        assert(r.revision == 6);
}

/* What a MUX device advertises beyond its members' aggregate, and who lacks it. */
static void test_gaps(void) {
        static Source src[_TASK_FIELD_MAX];
        RecordValue a, b;
        int who = 7;

        value_init(&a, TASK);
        b = a;
        a.v[TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_LSO_V2_SUPPORTED] = 0xf;
        b.v[TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_LSO_V2_SUPPORTED] = 0xa;
        a.v[TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE] = 524280, b.v[TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE] = 65536;
        a.v[TASK_UDP_SEGMENTATION_IPV4_SUB_MSS_FINAL_SEGMENT_SUPPORTED] = 1;
        a.v[TASK_LSO_V2_IPV4_MIN_SEGMENT_COUNT] = 2, b.v[TASK_LSO_V2_IPV4_MIN_SEGMENT_COUNT] = 4;
        AggregateMember m[] = { { "a", &a, src }, { "b", &b, src } };

        /* A mask bit the AND lost: b lacks it. */
        assert(aggregate_gap(TASK, TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_LSO_V2_SUPPORTED, 0xf,
                             0xa, m, 2, &who) && who == 1);
        assert(!aggregate_gap(TASK, TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_LSO_V2_SUPPORTED, 0xa,
                              0xa, m, 2, &who));
        /* A larger size than the smallest member's. */
        assert(aggregate_gap(TASK, TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE, 524280, 65536, m, 2, &who) &&
               who == 1);
        assert(!aggregate_gap(TASK, TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE, 65536, 65536, m, 2, &who));
        /* A support value of 1 that not every member has. */
        assert(aggregate_gap(TASK, TASK_UDP_SEGMENTATION_IPV4_SUB_MSS_FINAL_SEGMENT_SUPPORTED, 1, 0,
                             m, 2, &who) && who == 1);
        /* A looser minimum segment count than the strictest member's. */
        assert(aggregate_gap(TASK, TASK_LSO_V2_IPV4_MIN_SEGMENT_COUNT, 2, 4, m, 2, &who) && who == 1);
        /* Nothing advertised is never a gap; no members: nobody to name. */
        assert(!aggregate_gap(TASK, TASK_IPSEC_V2_ESP, 0, 0, m, 2, &who));
        assert(aggregate_gap(TASK, TASK_UDP_SEGMENTATION_IPV4_MAX_OFFLOAD_SIZE, 65536, 0, m, 0, &who) &&
               who == -1);
        assert(!aggregate_gap(TASK, _TASK_FIELD_MAX, 1, 0, m, 2, &who));
}

int main(void) {
        test_gaps();
        test_table();
        test_golden_revision_6();
        test_every_revision();
        test_trailing_bytes_are_ignored();
        test_every_field_at_its_extremes();
        test_refusals();
        test_text();
        test_json_names_every_field();
        test_aggregation();
        return 0;
}
