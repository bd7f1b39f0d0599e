/* SPDX-License-Identifier: MIT */
/* Unit tests of proto/record.c: golden vectors derived by hand from the layout in SPEC 2 */
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "field.h"
#include "record.h"

static void unhex(const char *hex, uint8_t *buf, size_t *len) {
        size_t n = 0;
        int r = hex_decode(hex, buf, 64, &n, NULL);
        assert(r == 0);
        *len = n;
}

/* encapsulation 802.3, IPv4 supported, capacity 4096 */
static const char vector_basic[] = "80021400" "02000000" "01000000" "00100000" "00000000";
/* every flag, every support field 1, congestion 15, all-ones capacity and flags:
 * bit word = 1 | 1<<2 | 1<<4 | 1<<6 | 15<<8 = 0x0f55 */
static const char vector_full[] = "80021400" "1f000000" "550f0000" "ffffffff" "ffffffff";
/* revision 3, Size 24, four trailing bytes, reserved bits 12-31 all set, IPv4+IPv6,
 * capacity 1000, flags 0x12345678 */
static const char vector_later[] = "80031800" "06000000" "05f0ffff" "e8030000" "78563412" "deadbeef";

static void test_decode_basic_vector(void) {
        uint8_t buf[64];
        size_t n;
        Record r;

        unhex(vector_basic, buf, &n);
        assert(n == 20);
        assert(record_decode(buf, n, &r, NULL) == 0);
        assert(r.revision == 2);
        assert(r.encapsulation == ENCAP_IEEE_802_3);
        assert(r.support_ipv4 == 1 && r.support_ipv6 == 0);
        assert(r.support_ipv6_extension_headers == 0 && r.support_sack == 0);
        assert(r.congestion_algorithm == 0);
        assert(r.tcp_connection_offload_capacity == 4096);
        assert(r.flags == 0);
        assert(record_chimney_capable(&r));
}

static void test_encode_matches_vectors(void) {
        uint8_t buf[64], out[RECORD_SIZE];
        size_t n;
        Record r = RECORD_EMPTY;

        r.encapsulation = ENCAP_IEEE_802_3;
        r.support_ipv4 = 1;
        r.tcp_connection_offload_capacity = 4096;
        assert(record_encode(&r, out, NULL) == 0);
        unhex(vector_basic, buf, &n);
        assert(memcmp(buf, out, RECORD_SIZE) == 0);

        r = (Record) {
                .revision = 2,
                .encapsulation = 0x1f,
                .support_ipv4 = 1,
                .support_ipv6 = 1,
                .support_ipv6_extension_headers = 1,
                .support_sack = 1,
                .congestion_algorithm = 15,
                .tcp_connection_offload_capacity = UINT32_MAX,
                .flags = UINT32_MAX,
        };
        assert(record_encode(&r, out, NULL) == 0);
        unhex(vector_full, buf, &n);
        assert(memcmp(buf, out, RECORD_SIZE) == 0);
}

static void test_decode_full_vector(void) {
        uint8_t buf[64];
        size_t n;
        Record r;

        unhex(vector_full, buf, &n);
        assert(record_decode(buf, n, &r, NULL) == 0);
        assert(r.encapsulation == 0x1f);
        assert(r.support_ipv4 == 1 && r.support_ipv6 == 1);
        assert(r.support_ipv6_extension_headers == 1 && r.support_sack == 1);
        assert(r.congestion_algorithm == 15);
        assert(r.tcp_connection_offload_capacity == UINT32_MAX && r.flags == UINT32_MAX);
}

static void test_decode_later_revision_ignores_trailing_bytes_and_reserved_bits(void) {
        uint8_t buf[64], out[RECORD_SIZE];
        size_t n;
        Record r;

        unhex(vector_later, buf, &n);
        assert(n == 24);
        assert(record_decode(buf, n, &r, NULL) == 0);
        assert(r.revision == 3);
        assert(r.encapsulation == (ENCAP_IEEE_802_3 | ENCAP_IEEE_802_3_P_AND_Q));
        assert(r.support_ipv4 == 1 && r.support_ipv6 == 1);
        assert(r.support_ipv6_extension_headers == 0 && r.support_sack == 0);
        assert(r.congestion_algorithm == 0);
        assert(r.tcp_connection_offload_capacity == 1000);
        assert(r.flags == 0x12345678);

        /* Re-encoding writes Size 20 and clears the reserved bits. */
        assert(record_encode(&r, out, NULL) == 0);
        assert(out[2] == 20 && out[3] == 0);
        assert(out[9] == 0 && out[10] == 0 && out[11] == 0);
}

static void test_decode_accepts_size_20_in_a_longer_buffer(void) {
        uint8_t buf[30] = { 0 };
        size_t n;
        Record r;

        unhex(vector_basic, buf, &n);
        assert(record_decode(buf, sizeof(buf), &r, NULL) == 0);
        assert(r.tcp_connection_offload_capacity == 4096);
}

static void expect_refused(const uint8_t *buf, size_t size, const char *reason_part) {
        const char *reason = NULL;
        Record r = { .flags = 0xabcdef };

        assert(record_decode(buf, size, &r, &reason) == -EBADMSG);
        assert(reason);
        if (!strstr(reason, reason_part)) {
                fprintf(stderr, "reason '%s' lacks '%s'\n", reason, reason_part);
                assert(0);
        }
        assert(r.flags == 0xabcdef); /* untouched on failure */
}

static void test_decode_refuses_each_failed_check(void) {
        uint8_t buf[64];
        size_t n;

        unhex(vector_basic, buf, &n);
        expect_refused(buf, 19, "shorter than 20");
        expect_refused(buf, 0, "shorter than 20");
        expect_refused(NULL, 20, "shorter than 20");

        buf[0] = 0x81;
        expect_refused(buf, 20, "Header.Type");
        buf[0] = 0x80;

        buf[1] = 0;
        expect_refused(buf, 20, "Header.Revision is 0");
        buf[1] = 2;

        buf[2] = 19;
        expect_refused(buf, 20, "Header.Size is smaller than 20");
        buf[2] = 0;
        expect_refused(buf, 20, "Header.Size is smaller than 20");

        buf[2] = 21;
        expect_refused(buf, 20, "Header.Size is larger than the buffer");
        buf[2] = 0x00;
        buf[3] = 0x01; /* 256 */
        expect_refused(buf, 64, "Header.Size is larger than the buffer");
}

static void test_encode_refuses_fields_wider_than_their_bits(void) {
        const Record good = RECORD_EMPTY;
        uint8_t out[RECORD_SIZE];
        const char *reason;
        Record r;

        memset(out, 0xaa, sizeof(out));
#define REFUSE(field, value, part)                                              \
        do {                                                                    \
                r = good;                                                       \
                r.field = value;                                                \
                reason = NULL;                                                  \
                assert(record_encode(&r, out, &reason) == -ERANGE);             \
                assert(reason && strstr(reason, part));                         \
                assert(out[0] == 0xaa);                                         \
        } while (0)
        REFUSE(revision, 0, "revision");
        REFUSE(support_ipv4, 4, "support_ipv4");
        REFUSE(support_ipv6, 4, "support_ipv6");
        REFUSE(support_ipv6_extension_headers, 4, "support_ipv6_extension_headers");
        REFUSE(support_sack, 255, "support_sack");
        REFUSE(congestion_algorithm, 16, "congestion_algorithm");
#undef REFUSE
        r = good;
        r.congestion_algorithm = 15;
        r.support_sack = 3;
        assert(record_encode(&r, out, NULL) == 0);
        assert(out[8] == 0xc0 && out[9] == 0x0f);
}

static void test_round_trip_every_field_at_each_bit(void) {
        for (Field f = 0; f < _FIELD_MAX; f++)
                for (unsigned bit = 0; bit < 32; bit++) {
                        uint32_t v = UINT32_C(1) << bit;
                        uint8_t out[RECORD_SIZE];
                        Record r = RECORD_EMPTY, back;

                        if (record_set(&r, f, v) < 0) {
                                assert(bit >= 2);
                                continue;
                        }
                        assert(record_encode(&r, out, NULL) == 0);
                        assert(record_decode(out, sizeof(out), &back, NULL) == 0);
                        assert(record_equal(&r, &back));
                        assert(record_get(&back, f) == v);
                        for (Field g = 0; g < _FIELD_MAX; g++)
                                if (g != f)
                                        assert(record_get(&back, g) == 0);
                }
}

static void test_chimney_capable_needs_framing_ip_and_capacity(void) {
        Record r = RECORD_EMPTY;

        r.encapsulation = ENCAP_IEEE_LLC_SNAP_ROUTED;
        r.support_ipv6 = 1;
        r.tcp_connection_offload_capacity = 1;
        assert(record_chimney_capable(&r));
        r.tcp_connection_offload_capacity = 0;
        assert(!record_chimney_capable(&r));
        r.tcp_connection_offload_capacity = 1;
        r.encapsulation = ENCAP_NULL | ENCAP_IEEE_802_3_P_AND_Q;
        assert(!record_chimney_capable(&r));
        r.encapsulation = ENCAP_IEEE_802_3;
        r.support_ipv6 = 0;
        assert(!record_chimney_capable(&r));
}

static void test_status_code_names(void) {
        assert(strcmp(status_code_to_string(0x4002000B),
                      "NDIS_STATUS_TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES") == 0);
        assert(strcmp(status_code_to_string(0x40020003), "NDIS_STATUS_OFFLOAD_RESUME") == 0);
        assert(status_code_to_string(0) == NULL);
}

int main(void) {
        test_decode_basic_vector();
        test_encode_matches_vectors();
        test_decode_full_vector();
        test_decode_later_revision_ignores_trailing_bytes_and_reserved_bits();
        test_decode_accepts_size_20_in_a_longer_buffer();
        test_decode_refuses_each_failed_check();
        test_encode_refuses_fields_wider_than_their_bits();
        test_round_trip_every_field_at_each_bit();
        test_chimney_capable_needs_framing_ip_and_capacity();
        test_status_code_names();
        return 0;
}
