/* SPDX-License-Identifier: MIT */
/* Unit tests of the running aggregate (aggregate_join/leave): after every join and leave, over
 * both record schemas and both capacity policies, it equals aggregate() over the members left,
 * and a leave asks for a full pass only when a field's value depends on the members left */
#undef NDEBUG
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "schemas.h"

#define POOL 8          /* distinct member records */
#define SLOTS 12        /* members at most */

static uint32_t seed = 12345;

static uint32_t rnd(void) {
        seed = seed * 1103515245u + 12345u;
        return seed >> 8;
}

/* A record whose fields take a few values each, so members often agree, tie at a minimum, or
 * lack one bit: the cases the counts are about. Values stay within what a source can give (a
 * support value is 0 or 1). */
static void random_record(const RecordSchema *s, RecordValue *ret) {
        value_init(ret, s);
        for (size_t f = 0; f < s->n_fields; f++) {
                uint32_t max = s->fields[f].max;

                switch (rnd() % 4) {
                case 0:
                        ret->v[f] = 0;
                        break;
                case 1:
                        ret->v[f] = max;
                        break;
                case 2:
                        ret->v[f] = max & 0x5;
                        break;
                default:
                        ret->v[f] = max & 0x6;
                        break;
                }
        }
}

/* aggregate() over the members present. */
static void full(const RecordSchema *s, RecordValue *const *present, size_t n,
                 CapacityPolicy policy, RecordValue *ret) {
        static const Source none[SCHEMA_FIELDS_MAX];
        AggregateMember am[SLOTS];
        AggregateLimit limits[SCHEMA_FIELDS_MAX];

        for (size_t i = 0; i < n; i++)
                am[i] = (AggregateMember) { "m", present[i], none };
        aggregate(s, am, n, policy, ret, limits);
}

static void check_random_walk(const RecordSchema *s, CapacityPolicy policy, unsigned steps,
                              unsigned *ret_full_passes) {
        RecordValue pool[POOL], agg, want;
        RecordValue *present[SLOTS];
        AggregateState st;
        size_t n = 0;

        for (size_t i = 0; i < POOL; i++)
                random_record(s, &pool[i]);
        aggregate_state_init(&st, s, &agg);
        for (unsigned k = 0; k < steps; k++) {
                bool join = n == 0 || (n < SLOTS && rnd() % 2);

                if (join) {
                        present[n] = &pool[rnd() % POOL];
                        aggregate_join(&st, policy, &agg, present[n]);
                        n++;
                } else {
                        size_t i = rnd() % n;
                        RecordValue *gone = present[i];

                        present[i] = present[--n];
                        if (!aggregate_leave(&st, policy, &agg, gone)) {
                                aggregate_state_rebuild(&st, s, (const RecordValue *const *) present,
                                                        n, policy, &agg);
                                ++*ret_full_passes;
                        }
                }
                full(s, present, n, policy, &want);
                assert(value_equal(&agg, &want));
                assert(st.n == n);
        }
}

static void test_running_aggregate_equals_full_pass(void) {
        const RecordSchema *schemas[] = { &schema_tcp_connection_offload, &schema_task_offload };
        unsigned passes = 0;

        for (size_t i = 0; i < 2; i++)
                for (CapacityPolicy p = 0; p < _CAPACITY_POLICY_MAX; p++)
                        for (unsigned walk = 0; walk < 50; walk++)
                                check_random_walk(schemas[i], p, 400, &passes);
        /* Members that disagree make some leaves need the members left. */
        assert(passes > 0);
}

/* The churn of identical members (containers' veths on one bridge): no leave needs a pass. */
static void test_identical_members_never_need_a_full_pass(void) {
        RecordValue one, agg;
        AggregateState st;

        random_record(&schema_task_offload, &one);
        aggregate_state_init(&st, &schema_task_offload, &agg);
        for (unsigned i = 0; i < 100; i++)
                aggregate_join(&st, CAPACITY_POLICY_MIN, &agg, &one);
        for (unsigned i = 0; i < 99; i++)
                assert(aggregate_leave(&st, CAPACITY_POLICY_MIN, &agg, &one));
        assert(value_equal(&agg, &one));
        assert(aggregate_leave(&st, CAPACITY_POLICY_MIN, &agg, &one));
        value_init(&one, &schema_task_offload);
        assert(value_equal(&agg, &one) && st.n == 0);
}

/* The unique minimum leaving is the case only the members left can answer. */
static void test_unique_minimum_leaving_asks_for_a_pass(void) {
        const RecordSchema *s = &schema_tcp_connection_offload;
        RecordValue small, big, agg;
        AggregateState st;
        int f = schema_field_from_name(s, "TcpConnectionOffloadCapacity");

        assert(f >= 0);
        value_init(&small, s);
        value_init(&big, s);
        small.v[f] = 10;
        big.v[f] = 20;
        aggregate_state_init(&st, s, &agg);
        aggregate_join(&st, CAPACITY_POLICY_MIN, &agg, &big);
        aggregate_join(&st, CAPACITY_POLICY_MIN, &agg, &small);
        aggregate_join(&st, CAPACITY_POLICY_MIN, &agg, &big);
        assert(agg.v[f] == 10);
        assert(aggregate_leave(&st, CAPACITY_POLICY_MIN, &agg, &big));
        assert(agg.v[f] == 10);
        assert(!aggregate_leave(&st, CAPACITY_POLICY_MIN, &agg, &small));

        /* Under the sum policy the same leave is a subtraction. */
        aggregate_state_init(&st, s, &agg);
        aggregate_join(&st, CAPACITY_POLICY_SUM, &agg, &big);
        aggregate_join(&st, CAPACITY_POLICY_SUM, &agg, &small);
        assert(agg.v[f] == 30);
        assert(aggregate_leave(&st, CAPACITY_POLICY_SUM, &agg, &small));
        assert(agg.v[f] == 20);
}

int main(void) {
        test_running_aggregate_equals_full_pass();
        test_identical_members_never_need_a_full_pass();
        test_unique_minimum_leaving_asks_for_a_pass();
        return 0;
}
