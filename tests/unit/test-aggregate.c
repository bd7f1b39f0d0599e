/* SPDX-License-Identifier: MIT */
/* Unit tests of proto/aggregate.c over the connection record: every field's rule, both
 * capacity policies, limits */
#undef NDEBUG
#include <assert.h>
#include <string.h>

#include "aggregate.h"
#include "field.h"
#include "schemas.h"

static Source kernel[_FIELD_MAX] = { SOURCE_KERNEL, SOURCE_KERNEL, SOURCE_KERNEL, SOURCE_KERNEL,
                                     SOURCE_KERNEL, SOURCE_KERNEL, SOURCE_KERNEL, SOURCE_KERNEL };
static Source udev[_FIELD_MAX] = { SOURCE_UDEV, SOURCE_UDEV, SOURCE_UDEV, SOURCE_UDEV,
                                   SOURCE_UDEV, SOURCE_UDEV, SOURCE_UDEV, SOURCE_UDEV };

static Record rec(uint32_t encap, uint8_t v4, uint8_t v6, uint8_t ext, uint8_t sack, uint8_t cong,
                  uint32_t cap, uint32_t flags) {
        return (Record) { .revision = 2, .encapsulation = encap, .support_ipv4 = v4,
                          .support_ipv6 = v6, .support_ipv6_extension_headers = ext,
                          .support_sack = sack, .congestion_algorithm = cong,
                          .tcp_connection_offload_capacity = cap, .flags = flags };
}

/* A member as the typed Record, so the cases read as the fields they check. */
typedef struct TypedMember {
        const char *name;
        const Record *record;
        const Source *sources;
} TypedMember;

static void agg(const TypedMember *m, size_t n, CapacityPolicy policy, Record *ret,
                AggregateLimit limits[static _FIELD_MAX]) {
        AggregateMember am[8];
        RecordValue values[8], out;

        assert(n <= 8);
        for (size_t i = 0; i < n; i++) {
                record_to_value(m[i].record, &values[i]);
                am[i] = (AggregateMember) { m[i].name, &values[i], m[i].sources };
        }
        aggregate(&schema_tcp_connection_offload, am, n, policy, &out, limits);
        record_from_value(&out, ret);
}

static void test_aggregate_of_no_members_is_all_zero(void) {
        AggregateLimit limits[_FIELD_MAX];
        Record r = rec(1, 1, 1, 1, 1, 1, 1, 1), empty = RECORD_EMPTY;

        agg(NULL, 0, CAPACITY_POLICY_MIN, &r, limits);
        assert(record_equal(&r, &empty));
        for (Field f = 0; f < _FIELD_MAX; f++)
                assert(limits[f].member == -1 && limits[f].source == SOURCE_NONE);
}

static void test_aggregate_of_one_member_is_that_member(void) {
        Record a = rec(0x6, 1, 0, 1, 1, 3, 4096, 0xf0);
        TypedMember m[] = { { "a", &a, udev } };
        AggregateLimit limits[_FIELD_MAX];
        Record r;

        agg(m, 1, CAPACITY_POLICY_SUM, &r, limits);
        assert(record_equal(&r, &a));
        for (Field f = 0; f < _FIELD_MAX; f++)
                assert(limits[f].member == 0 && limits[f].source == SOURCE_UDEV);
}

static void test_aggregate_ands_flags_and_support_and_takes_min_capacity_when_policy_min(void) {
        Record a = rec(0x6, 1, 1, 0, 1, 2, 4096, 0x3);
        Record b = rec(0x2, 1, 0, 1, 1, 2, 1000, 0x6);
        TypedMember m[] = { { "a", &a, kernel }, { "b", &b, udev } };
        AggregateLimit limits[_FIELD_MAX];
        Record r;

        agg(m, 2, CAPACITY_POLICY_MIN, &r, limits);
        assert(r.revision == 2);
        assert(r.encapsulation == 0x2);
        assert(r.support_ipv4 == 1 && r.support_ipv6 == 0);
        assert(r.support_ipv6_extension_headers == 0 && r.support_sack == 1);
        assert(r.congestion_algorithm == 2);
        assert(r.tcp_connection_offload_capacity == 1000);
        assert(r.flags == 0x2);

        assert(limits[FIELD_ENCAPSULATION].member == 1 && limits[FIELD_ENCAPSULATION].source == SOURCE_UDEV);
        assert(limits[FIELD_SUPPORT_IPV6].member == 1);
        assert(limits[FIELD_SUPPORT_IPV6_EXTENSION_HEADERS].member == 0);
        assert(limits[FIELD_SUPPORT_IPV6_EXTENSION_HEADERS].source == SOURCE_KERNEL);
        assert(limits[FIELD_TCP_CONNECTION_OFFLOAD_CAPACITY].member == 1);
        assert(limits[FIELD_FLAGS].member == 0); /* both lack a bit: the first */
}

static void test_aggregate_congestion_is_common_value_else_zero(void) {
        Record a = rec(1, 1, 0, 0, 0, 5, 0, 0), b = rec(1, 1, 0, 0, 0, 5, 0, 0);
        Record c = rec(1, 1, 0, 0, 0, 7, 0, 0);
        TypedMember m[] = { { "a", &a, kernel }, { "b", &b, kernel }, { "c", &c, udev } };
        AggregateLimit limits[_FIELD_MAX];
        Record r;

        agg(m, 2, CAPACITY_POLICY_MIN, &r, limits);
        assert(r.congestion_algorithm == 5);
        agg(m, 3, CAPACITY_POLICY_MIN, &r, limits);
        assert(r.congestion_algorithm == 0);
        assert(limits[FIELD_CONGESTION_ALGORITHM].member == 2);
        assert(limits[FIELD_CONGESTION_ALGORITHM].source == SOURCE_UDEV);
}

static void test_aggregate_sums_capacity_saturating_when_policy_sum(void) {
        Record a = rec(1, 1, 0, 0, 0, 0, 3000, 0), b = rec(1, 1, 0, 0, 0, 0, 1000, 0);
        Record big = rec(1, 1, 0, 0, 0, 0, UINT32_MAX - 10, 0);
        TypedMember m[] = { { "a", &a, kernel }, { "b", &b, kernel }, { "big", &big, kernel } };
        AggregateLimit limits[_FIELD_MAX];
        Record r;

        agg(m, 2, CAPACITY_POLICY_SUM, &r, limits);
        assert(r.tcp_connection_offload_capacity == 4000);
        assert(limits[FIELD_TCP_CONNECTION_OFFLOAD_CAPACITY].member == -1);
        agg(m, 3, CAPACITY_POLICY_SUM, &r, limits);
        assert(r.tcp_connection_offload_capacity == UINT32_MAX);
        agg(m + 2, 1, CAPACITY_POLICY_SUM, &r, limits);
        assert(r.tcp_connection_offload_capacity == UINT32_MAX - 10);
}

static void test_aggregate_support_needs_every_member(void) {
        Record yes = rec(1, 1, 1, 1, 1, 0, 0, 0), no = rec(1, 0, 0, 0, 0, 0, 0, 0);
        TypedMember m[] = { { "y1", &yes, kernel }, { "y2", &yes, kernel }, { "n", &no, udev } };
        AggregateLimit limits[_FIELD_MAX];
        Record r;

        agg(m, 2, CAPACITY_POLICY_MIN, &r, limits);
        assert(r.support_ipv4 == 1 && r.support_sack == 1);
        agg(m, 3, CAPACITY_POLICY_MIN, &r, limits);
        assert(r.support_ipv4 == 0 && r.support_ipv6 == 0 && r.support_sack == 0);
        assert(limits[FIELD_SUPPORT_SACK].member == 2 && limits[FIELD_SUPPORT_SACK].source == SOURCE_UDEV);
}

static void test_policy_and_source_names(void) {
        assert(capacity_policy_from_string("min") == CAPACITY_POLICY_MIN);
        assert(capacity_policy_from_string("sum") == CAPACITY_POLICY_SUM);
        assert(capacity_policy_from_string("max") == _CAPACITY_POLICY_INVALID);
        assert(strcmp(capacity_policy_to_string(CAPACITY_POLICY_SUM), "sum") == 0);
        assert(strcmp(source_to_string(SOURCE_CONFIG), "config") == 0);
        assert(strcmp(source_to_string(SOURCE_KERNEL), "kernel") == 0);
        assert(source_to_string(_SOURCE_MAX) == NULL);
}

int main(void) {
        test_aggregate_of_no_members_is_all_zero();
        test_aggregate_of_one_member_is_that_member();
        test_aggregate_ands_flags_and_support_and_takes_min_capacity_when_policy_min();
        test_aggregate_congestion_is_common_value_else_zero();
        test_aggregate_sums_capacity_saturating_when_policy_sum();
        test_aggregate_support_needs_every_member();
        test_policy_and_source_names();
        return 0;
}
