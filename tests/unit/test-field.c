/* SPDX-License-Identifier: MIT */
/* Unit tests of proto/field.c: names, value parsing, encapsulation lists, hex */
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "field.h"

static void test_names_round_trip(void) {
        for (Field f = 0; f < _FIELD_MAX; f++) {
                assert(field_from_name(field_to_name(f)) == f);
                assert(field_from_json(field_to_json(f)) == f);
                assert(strncmp(field_to_udev(f), "MUXCAP_", 7) == 0);
        }
        assert(field_from_name("supportipv4") == _FIELD_INVALID);
        assert(field_from_json("SupportIPv4") == _FIELD_INVALID);
        assert(field_from_name(NULL) == _FIELD_INVALID);
        assert(strcmp(field_to_udev(FIELD_TCP_CONNECTION_OFFLOAD_CAPACITY), "MUXCAP_CAPACITY") == 0);
        assert(strcmp(field_to_udev(FIELD_SUPPORT_SACK), "MUXCAP_SACK") == 0);
        assert(field_to_name(_FIELD_MAX) == NULL);
}

static void test_parse_u32_decimal_hex_and_range(void) {
        uint32_t v = 7;

        assert(parse_u32("0", UINT32_MAX, &v) == 0 && v == 0);
        assert(parse_u32("4294967295", UINT32_MAX, &v) == 0 && v == UINT32_MAX);
        assert(parse_u32("0xFFFFffff", UINT32_MAX, &v) == 0 && v == UINT32_MAX);
        assert(parse_u32("010", UINT32_MAX, &v) == 0 && v == 10);
        v = 7;
        assert(parse_u32("4294967296", UINT32_MAX, &v) == -ERANGE && v == 7);
        assert(parse_u32("0x100000000", UINT32_MAX, &v) == -ERANGE);
        assert(parse_u32("99999999999999999999999", UINT32_MAX, &v) == -ERANGE);
        assert(parse_u32("16", 15, &v) == -ERANGE);
        assert(parse_u32("15", 15, &v) == 0 && v == 15);
        assert(parse_u32("", UINT32_MAX, &v) == -EINVAL);
        assert(parse_u32("0x", UINT32_MAX, &v) == -EINVAL);
        assert(parse_u32("-1", UINT32_MAX, &v) == -EINVAL);
        assert(parse_u32(" 1", UINT32_MAX, &v) == -EINVAL);
        assert(parse_u32("1 ", UINT32_MAX, &v) == -EINVAL);
        assert(parse_u32("12a", UINT32_MAX, &v) == -EINVAL);
        assert(parse_u32("0xg", UINT32_MAX, &v) == -EINVAL);
        assert(parse_u32("29x", 15, &v) == -EINVAL);    /* not a number, before out of range */
}

static void test_support_values(void) {
        static const char *yes[] = { "yes", "1", "true" }, *no[] = { "no", "0", "false" };
        static const char *bad[] = { "", "2", "Yes", "on", "y", "0x1", " yes" };
        const char *reason;
        uint32_t v;

        for (size_t i = 0; i < 3; i++) {
                assert(field_parse_value(FIELD_SUPPORT_SACK, yes[i], &v, NULL) == 0 && v == 1);
                assert(field_parse_value(FIELD_SUPPORT_IPV4, no[i], &v, NULL) == 0 && v == 0);
        }
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                reason = NULL;
                v = 9;
                assert(field_parse_value(FIELD_SUPPORT_IPV6, bad[i], &v, &reason) == -EINVAL);
                assert(v == 9 && reason && strstr(reason, "yes, no"));
        }
}

static void test_numbers_are_range_checked_per_field(void) {
        const char *reason = NULL;
        uint32_t v;

        assert(field_parse_value(FIELD_CONGESTION_ALGORITHM, "0xf", &v, NULL) == 0 && v == 15);
        assert(field_parse_value(FIELD_CONGESTION_ALGORITHM, "16", &v, &reason) == -ERANGE);
        assert(strstr(reason, "0-15"));
        assert(field_parse_value(FIELD_TCP_CONNECTION_OFFLOAD_CAPACITY, "4294967296", &v,
                                 &reason) == -ERANGE);
        assert(strstr(reason, "32 bits"));
        assert(field_parse_value(FIELD_FLAGS, "abc", &v, &reason) == -EINVAL);
        assert(strstr(reason, "not a decimal"));
}

static void test_encapsulation_names_and_numbers(void) {
        const char *reason = NULL;
        char text[ENCAPSULATION_FORMAT_MAX];
        uint32_t v = 0;

        assert(encapsulation_parse("802.3 802.3-pq", &v, NULL) == 0 && v == 0x6);
        assert(encapsulation_parse("  null\t llc-snap-routed 802.3-pq-oob ", &v, NULL) == 0);
        assert(v == 0x19);
        assert(encapsulation_parse("0x12", &v, NULL) == 0 && v == 0x12);
        assert(encapsulation_parse("18", &v, NULL) == 0 && v == 18);
        assert(encapsulation_parse("802.3 ethernet", &v, &reason) == -EINVAL);
        assert(strstr(reason, "unknown encapsulation"));
        assert(encapsulation_parse("802.3,802.3-pq", &v, &reason) == -EINVAL);
        assert(encapsulation_parse("   ", &v, &reason) == -EINVAL);
        assert(strstr(reason, "empty"));
        assert(encapsulation_parse("0x1ffffffff", &v, &reason) == -ERANGE);
        assert(encapsulation_parse("802.3-p", &v, NULL) == -EINVAL);

        /* What encapsulation_format() writes reads back (found by fuzz-udev-value). */
        assert(encapsulation_parse("none", &v, NULL) == 0 && v == 0);
        assert(encapsulation_parse("null 0x20", &v, NULL) == 0 && v == 0x21);

        encapsulation_format(0, text);
        assert(strcmp(text, "none") == 0);
        encapsulation_format(0x6, text);
        assert(strcmp(text, "802.3 802.3-pq") == 0);
        encapsulation_format(UINT32_MAX, text);
        assert(strcmp(text, "null 802.3 802.3-pq 802.3-pq-oob llc-snap-routed 0xffffffe0") == 0);
        encapsulation_format(0x100, text);
        assert(strcmp(text, "0x100") == 0);
}

static void test_record_set_checks_width(void) {
        Record r = RECORD_EMPTY;

        assert(record_set(&r, FIELD_SUPPORT_IPV4, 3) == 0);
        assert(record_set(&r, FIELD_SUPPORT_IPV4, 4) == -ERANGE);
        assert(r.support_ipv4 == 3);
        assert(record_set(&r, FIELD_CONGESTION_ALGORITHM, 16) == -ERANGE);
        assert(record_set(&r, _FIELD_MAX, 0) == -EINVAL);
        assert(record_set(&r, _FIELD_INVALID, 0) == -EINVAL);
}

static void test_hex_decode(void) {
        uint8_t buf[4];
        size_t n = 99;
        const char *reason = NULL;

        assert(hex_decode("0xA0:0b 1c", buf, sizeof(buf), &n, NULL) == 0);
        assert(n == 3 && buf[0] == 0xa0 && buf[1] == 0x0b && buf[2] == 0x1c);
        assert(hex_decode("", buf, sizeof(buf), &n, NULL) == 0 && n == 0);
        assert(hex_decode("abc", buf, sizeof(buf), &n, &reason) == -EINVAL);
        assert(strstr(reason, "odd"));
        assert(hex_decode("a b", buf, sizeof(buf), &n, &reason) == -EINVAL);
        assert(strstr(reason, "odd"));
        assert(hex_decode("zz", buf, sizeof(buf), &n, &reason) == -EINVAL);
        assert(strstr(reason, "not a hex digit"));
        assert(hex_decode("0g", buf, sizeof(buf), &n, &reason) == -EINVAL);
        assert(strstr(reason, "not a hex digit"));
        assert(hex_decode("0011223344", buf, sizeof(buf), &n, &reason) == -EMSGSIZE);
}

static void test_hex_encode(void) {
        const uint8_t in[] = { 0x80, 0x02, 0xff, 0x0a };
        char out[9];

        hex_encode(in, sizeof(in), out);
        assert(strcmp(out, "8002ff0a") == 0);
}

int main(void) {
        test_names_round_trip();
        test_parse_u32_decimal_hex_and_range();
        test_support_values();
        test_numbers_are_range_checked_per_field();
        test_encapsulation_names_and_numbers();
        test_record_set_checks_width();
        test_hex_decode();
        test_hex_encode();
        return 0;
}
