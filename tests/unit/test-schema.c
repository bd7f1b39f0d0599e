/* SPDX-License-Identifier: MIT */
/* Unit tests of proto/schema.c and proto/aggregate.c over a toy schema that has what the
 * connection record lacks: u8 and u16 words, fields at odd offsets, bits inside u16 words,
 * several revisions with their own minimum sizes, and every aggregation operator */
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "aggregate.h"
#include "macro.h"
#include "schema.h"
#include "schemas.h"

enum { T_BOOL, T_PORT, T_LO, T_HI, T_SIZE, T_COUNT, T_MASK, T_CAP, T_LATE, _T_MAX };

static const FlagName toy_flags[] = { { "a", 0x1 }, { "b", 0x2 } };

static const FieldDesc toy_fields[_T_MAX] = {
        [T_BOOL] = { .offset = 4, .width = 1, .bits = 8, .name = "Bool", .json = "bool",
                     .kind = VALUE_BOOLEAN, .max = 1, .op = AGGREGATE_ALL },
        [T_PORT] = { .offset = 5, .width = 2, .bits = 16, .name = "Port", .json = "port",
                     .kind = VALUE_NUMBER, .max = 65535, .op = AGGREGATE_COMMON },
        [T_LO] = { .offset = 8, .width = 2, .shift = 0, .bits = 2, .name = "Lo", .json = "lo",
                   .kind = VALUE_SUPPORT, .max = 1, .op = AGGREGATE_ALL },
        [T_HI] = { .offset = 8, .width = 2, .shift = 12, .bits = 4, .name = "Hi", .json = "hi",
                   .kind = VALUE_MASK, .max = 15, .op = AGGREGATE_AND },
        [T_SIZE] = { .offset = 10, .width = 4, .bits = 32, .name = "Size", .json = "size",
                     .kind = VALUE_NUMBER, .max = UINT32_MAX, .op = AGGREGATE_MIN },
        [T_COUNT] = { .offset = 14, .width = 1, .shift = 1, .bits = 6, .name = "Count",
                      .json = "count", .kind = VALUE_NUMBER, .max = 63, .op = AGGREGATE_MAX },
        [T_MASK] = { .offset = 15, .width = 1, .bits = 8, .name = "Mask", .json = "mask",
                     .kind = VALUE_MASK, .max = 255, .flags = toy_flags, .n_flags = 2,
                     .op = AGGREGATE_AND },
        [T_CAP] = { .offset = 16, .width = 4, .bits = 32, .name = "Cap", .json = "cap",
                    .kind = VALUE_NUMBER, .max = UINT32_MAX, .op = AGGREGATE_CAPACITY },
        [T_LATE] = { .offset = 20, .width = 4, .bits = 32, .name = "Late", .json = "late",
                     .kind = VALUE_NUMBER, .max = UINT32_MAX, .op = AGGREGATE_AND },
};

static const uint16_t toy_min_sizes[] = { 20, 24 };

static const RecordSchema toy = {
        .name = "TOY", .type = 0xA7, .revision = 2, .size = 24,
        .min_sizes = toy_min_sizes, .n_min_sizes = ELEMENTSOF(toy_min_sizes),
        .fields = toy_fields, .n_fields = _T_MAX,
};

static void test_round_trip_at_every_width_and_position(void) {
        uint8_t buf[24];
        RecordValue v, back;

        value_init(&v, &toy);
        v.v[T_BOOL] = 1;
        v.v[T_PORT] = 4789;
        v.v[T_LO] = 1;
        v.v[T_HI] = 0xa;
        v.v[T_SIZE] = 65536;
        v.v[T_COUNT] = 63;
        v.v[T_MASK] = 0x3;
        v.v[T_CAP] = 7;
        v.v[T_LATE] = 0x11223344;
        assert(schema_encode(&v, buf, sizeof(buf), NULL) == 0);
        assert(buf[0] == 0xA7 && buf[1] == 2 && buf[2] == 24 && buf[3] == 0);
        assert(buf[4] == 1 && buf[5] == 0xb5 && buf[6] == 0x12);        /* 4789 = 0x12b5 */
        assert(buf[8] == 0x01 && buf[9] == 0xa0);                       /* Lo 0-1, Hi 12-15 */
        assert(buf[14] == 63 << 1 && buf[15] == 0x3);
        assert(buf[20] == 0x44 && buf[23] == 0x11);
        assert(schema_decode(&toy, buf, sizeof(buf), &back, NULL) == 0);
        assert(value_equal(&v, &back));
}

static void test_revisions_sizes_and_fields_past_size(void) {
        uint8_t buf[24];
        RecordValue v;
        const char *reason = NULL;

        value_init(&v, &toy);
        v.v[T_LATE] = 5;
        v.v[T_CAP] = 9;
        assert(schema_encode(&v, buf, sizeof(buf), NULL) == 0);
        buf[1] = 1;                     /* revision 1 with Size 20: Late is past Size */
        buf[2] = 20;
        assert(schema_decode(&toy, buf, sizeof(buf), &v, NULL) == 0);
        assert(v.revision == 1 && v.v[T_CAP] == 9 && v.v[T_LATE] == 0);
        buf[1] = 2;                     /* revision 2 needs 24 */
        assert(schema_decode(&toy, buf, sizeof(buf), &v, &reason) == -EBADMSG);
        assert(strstr(reason, "smaller"));
        buf[1] = 9;                     /* a later revision takes the last minimum */
        assert(schema_decode(&toy, buf, sizeof(buf), &v, NULL) == -EBADMSG);
        buf[2] = 24;
        assert(schema_decode(&toy, buf, sizeof(buf), &v, NULL) == 0 && v.v[T_LATE] == 5);
        assert(schema_decode(&toy, buf, 19, &v, NULL) == -EBADMSG);
        buf[0] = 0x80;
        assert(schema_decode(&toy, buf, sizeof(buf), &v, NULL) == -EBADMSG);
        assert(schema_min_size(&toy, 1) == 20 && schema_min_size(&toy, 7) == 24);
}

static void test_values_are_checked_against_their_bits(void) {
        RecordValue v;
        uint8_t buf[24];

        value_init(&v, &toy);
        assert(value_set(&v, T_COUNT, 63) == 0);
        assert(value_set(&v, T_COUNT, 64) == -ERANGE);
        assert(value_set(&v, _T_MAX, 0) == -EINVAL);
        v.v[T_HI] = 16;
        assert(schema_encode(&v, buf, sizeof(buf), NULL) == -ERANGE);
        assert(schema_encode(&v, buf, 10, NULL) == -ENOBUFS);
}

static void test_text_by_kind(void) {
        char text[64];
        uint32_t x;

        assert(schema_field_from_json(&toy, "port") == T_PORT);
        assert(schema_field_from_name(&toy, "Count") == T_COUNT);
        assert(schema_field_from_name(&toy, "nope") == -EINVAL);
        assert(schema_parse_value(&toy, T_BOOL, "true", &x, NULL) == 0 && x == 1);
        assert(schema_parse_value(&toy, T_PORT, "65536", &x, NULL) == -ERANGE);
        assert(schema_parse_value(&toy, T_MASK, "b a", &x, NULL) == 0 && x == 3);
        assert(schema_format_value(&toy, T_MASK, 0x6, text, sizeof(text)) == 0);
        assert(strcmp(text, "b 0x4") == 0);
        assert(schema_format_value(&toy, T_BOOL, 1, text, sizeof(text)) == 0);
        assert(strcmp(text, "yes") == 0);
        assert(schema_format_value(&toy, T_PORT, 4789, text, 3) == -ENOBUFS);
}

static void test_json_lists_every_field(void) {
        char text[256];
        RecordValue v;

        value_init(&v, &toy);
        v.v[T_PORT] = 80;
        assert(schema_format_json(&v, text, sizeof(text)) == 0);
        assert(strcmp(text, "\"revision\":2,\"bool\":0,\"port\":80,\"lo\":0,\"hi\":0,\"size\":0,"
                            "\"count\":0,\"mask\":0,\"cap\":0,\"late\":0") == 0);
        assert(schema_format_json(&v, text, 20) == -ENOBUFS);
}

static void test_every_operator(void) {
        static const Source src[_T_MAX] = { 0 };
        RecordValue a, b, r;
        AggregateLimit lim[_T_MAX];

        value_init(&a, &toy);
        b = a;
        a.v[T_BOOL] = 1, b.v[T_BOOL] = 1;
        a.v[T_PORT] = 4789, b.v[T_PORT] = 8472;
        a.v[T_LO] = 1, b.v[T_LO] = 0;
        a.v[T_HI] = 0xc, b.v[T_HI] = 0x6;
        a.v[T_SIZE] = 65536, b.v[T_SIZE] = 524280;
        a.v[T_COUNT] = 2, b.v[T_COUNT] = 5;
        a.v[T_CAP] = UINT32_MAX - 1, b.v[T_CAP] = 3;
        AggregateMember m[] = { { "a", &a, src }, { "b", &b, src } };

        aggregate(&toy, m, 2, CAPACITY_POLICY_MIN, &r, lim);
        assert(r.v[T_BOOL] == 1 && r.v[T_PORT] == 0 && r.v[T_LO] == 0 && r.v[T_HI] == 0x4);
        assert(r.v[T_SIZE] == 65536 && lim[T_SIZE].member == 0);
        assert(r.v[T_COUNT] == 5 && lim[T_COUNT].member == 1);
        assert(r.v[T_CAP] == 3 && lim[T_CAP].member == 1);
        aggregate(&toy, m, 2, CAPACITY_POLICY_SUM, &r, lim);
        assert(r.v[T_CAP] == UINT32_MAX && lim[T_CAP].member == -1);
        b.v[T_PORT] = 4789;
        aggregate(&toy, m, 2, CAPACITY_POLICY_SUM, &r, lim);
        assert(r.v[T_PORT] == 4789);
}

static void test_the_connection_schema_is_listed(void) {
        int which = -1;

        assert(schema_from_type(0x80) == &schema_tcp_connection_offload);
        assert(schema_from_type(0x00) == NULL);
        assert(schema_from_status(0x40020003, &which) == &schema_tcp_connection_offload && which == 1);
        assert(schema_from_status(0x12345678, NULL) == NULL);
}

int main(void) {
        test_round_trip_at_every_width_and_position();
        test_revisions_sizes_and_fields_past_size();
        test_values_are_checked_against_their_bits();
        test_text_by_kind();
        test_json_lists_every_field();
        test_every_operator();
        test_the_connection_schema_is_listed();
        return 0;
}
