/* SPDX-License-Identifier: MIT */
/* Unit tests of the running aggregate (aggregate_join/leave): after every join and leave, over
 * both record schemas and both capacity policies, it equals aggregate() over the members left,
 * whichever member leaves (random walks, and adversarial ones where the member leaving is the
 * unique minimum or the only one lacking a bit), and never asks for a pass over the members;
 * and no aggregate holds a size, count or option of an offload it does not support */
#undef NDEBUG
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "field.h"
#include "schemas.h"

#define POOL 8          /* distinct member records */
#define SLOTS 40        /* members at most */

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

/* Joins and leaves members drawn from @pool (@pool_n records); @limiter, when not NULL, joins
 * and leaves every other step. After each step the running aggregate equals a full pass, and
 * no leave fails. */
static void walk(const RecordSchema *s, CapacityPolicy policy, const RecordValue *pool,
                 size_t pool_n, const RecordValue *limiter, unsigned steps) {
        const RecordValue *present[SLOTS];
        RecordValue agg, want;
        AggregateState st;
        size_t n = 0;

        aggregate_state_init(&st, s, &agg);
        for (unsigned k = 0; k < steps; k++) {
                const RecordValue *m = &pool[rnd() % pool_n];
                size_t i = n;

                if (limiter && k % 2 == 1) {
                        m = limiter;
                        for (i = 0; i < n && present[i] != limiter; i++)
                                ;
                } else if (n > 0 && (n == SLOTS || rnd() % 2))
                        i = rnd() % n;
                if (i < n) {
                        m = present[i];
                        present[i] = present[--n];
                        assert(aggregate_leave(&st, policy, &agg, m));
                } else if (n < SLOTS) {
                        present[n++] = m;
                        assert(aggregate_join(&st, policy, &agg, m) == 0);
                }
                full(s, (RecordValue *const *) present, n, policy, &want);
                assert(value_equal(&agg, &want));
                assert(st.n == n);
        }
        aggregate_state_done(&st);
}

static const RecordSchema *const schemas[] = { &schema_tcp_connection_offload, &schema_task_offload };

static void test_random_walks_equal_full_passes(void) {
        RecordValue pool[POOL];

        for (size_t i = 0; i < 2; i++)
                for (CapacityPolicy p = 0; p < _CAPACITY_POLICY_MAX; p++)
                        for (unsigned w = 0; w < 50; w++) {
                                for (size_t k = 0; k < POOL; k++)
                                        random_record(schemas[i], &pool[k]);
                                walk(schemas[i], p, pool, POOL, NULL, 400);
                        }
}

/* Identical members and one that limits every field (the lowest size, the highest count,
 * lacking every bit, a support value of 0, another enumeration), joining and leaving every
 * other step while the others come and go; then with random members around it. */
static void test_limiting_member_churns(void) {
        for (size_t i = 0; i < 2; i++) {
                const RecordSchema *s = schemas[i];
                RecordValue same, limiter, pool[POOL];

                value_init(&same, s);
                value_init(&limiter, s);
                for (size_t f = 0; f < s->n_fields; f++) {
                        const FieldDesc *d = &s->fields[f];

                        same.v[f] = d->op == AGGREGATE_MAX ? 1 : d->max;
                        limiter.v[f] = d->op == AGGREGATE_MAX ? d->max :
                                       d->op == AGGREGATE_MIN || d->op == AGGREGATE_CAPACITY ?
                                       d->max / 2 : 0;
                }
                for (CapacityPolicy p = 0; p < _CAPACITY_POLICY_MAX; p++) {
                        walk(s, p, &same, 1, &limiter, 2000);
                        for (size_t k = 0; k < POOL; k++)
                                random_record(s, &pool[k]);
                        walk(s, p, pool, POOL, &limiter, 2000);
                }
        }
}

/* A leave of a record that was not folded in is refused, not answered wrong. */
static void test_unknown_member_leaving_is_refused(void) {
        const RecordSchema *s = &schema_tcp_connection_offload;
        RecordValue a, b, agg;
        AggregateState st;

        value_init(&a, s);
        value_init(&b, s);
        a.v[FIELD_TCP_CONNECTION_OFFLOAD_CAPACITY] = 10;
        b.v[FIELD_TCP_CONNECTION_OFFLOAD_CAPACITY] = 20;
        aggregate_state_init(&st, s, &agg);
        assert(!aggregate_leave(&st, CAPACITY_POLICY_MIN, &agg, &a));
        assert(aggregate_join(&st, CAPACITY_POLICY_MIN, &agg, &a) == 0);
        assert(aggregate_join(&st, CAPACITY_POLICY_MIN, &agg, &a) == 0);
        assert(!aggregate_leave(&st, CAPACITY_POLICY_MIN, &agg, &b));
        aggregate_state_done(&st);
}

/* Identical members hold no table: the churn of containers' veths allocates nothing. */
static void test_identical_members_hold_no_table(void) {
        RecordValue one, agg;
        AggregateState st;

        random_record(&schema_task_offload, &one);
        aggregate_state_init(&st, &schema_task_offload, &agg);
        for (unsigned i = 0; i < 100; i++)
                assert(aggregate_join(&st, CAPACITY_POLICY_MIN, &agg, &one) == 0);
        assert(st.n_other == 0 && !st.other);
        for (unsigned i = 0; i < 100; i++)
                assert(aggregate_leave(&st, CAPACITY_POLICY_MIN, &agg, &one));
        value_init(&one, &schema_task_offload);
        assert(value_equal(&agg, &one) && st.n == 0);
        aggregate_state_done(&st);
}

/* The unique minimum leaving is answered from the counts: the next smallest comes back. */
static void test_unique_minimum_leaving(void) {
        const RecordSchema *s = &schema_tcp_connection_offload;
        const size_t f = FIELD_TCP_CONNECTION_OFFLOAD_CAPACITY;
        RecordValue small, big, agg;
        AggregateState st;

        value_init(&small, s);
        small.v[FIELD_ENCAPSULATION] = small.v[FIELD_SUPPORT_IPV4] = 1;
        big = small;
        small.v[f] = 10;
        big.v[f] = 20;
        aggregate_state_init(&st, s, &agg);
        assert(aggregate_join(&st, CAPACITY_POLICY_MIN, &agg, &big) == 0);
        assert(aggregate_join(&st, CAPACITY_POLICY_MIN, &agg, &small) == 0);
        assert(aggregate_join(&st, CAPACITY_POLICY_MIN, &agg, &big) == 0);
        assert(agg.v[f] == 10);
        assert(aggregate_leave(&st, CAPACITY_POLICY_MIN, &agg, &big));
        assert(agg.v[f] == 10);
        assert(aggregate_leave(&st, CAPACITY_POLICY_MIN, &agg, &small));
        assert(agg.v[f] == 20);
        aggregate_state_done(&st);

        /* Under the sum policy a leave is a subtraction. */
        aggregate_state_init(&st, s, &agg);
        assert(aggregate_join(&st, CAPACITY_POLICY_SUM, &agg, &big) == 0);
        assert(aggregate_join(&st, CAPACITY_POLICY_SUM, &agg, &small) == 0);
        assert(agg.v[f] == 30);
        assert(aggregate_leave(&st, CAPACITY_POLICY_SUM, &agg, &small));
        assert(agg.v[f] == 20);
        aggregate_state_done(&st);
}

/* The groups are ordered so one pass clears what depends on what it cleared, and every field
 * whose rule lets a member with the offload outvote one without it (a maximum, a sum) is in a
 * group. */
static void test_groups_are_well_formed(void) {
        for (size_t i = 0; i < 2; i++) {
                const RecordSchema *s = schemas[i];

                assert(s->n_groups > 0);
                for (size_t g = 0; g < s->n_groups; g++) {
                        const FieldGroup *a = &s->groups[g];

                        assert(a->gate[0] < a->first && a->gate[1] < a->first);
                        assert(a->first <= a->last && a->last < s->n_fields);
                        for (size_t h = g + 1; h < s->n_groups; h++) {
                                const FieldGroup *b = &s->groups[h];
                                for (size_t k = 0; k < 2; k++)
                                        assert(a->gate[k] < b->first || a->gate[k] > b->last);
                        }
                }
                for (size_t f = 0; f < s->n_fields; f++) {
                        bool grouped = false;

                        if (s->fields[f].op != AGGREGATE_MAX && s->fields[f].op != AGGREGATE_CAPACITY)
                                continue;
                        for (size_t g = 0; g < s->n_groups; g++)
                                grouped |= f >= s->groups[g].first && f <= s->groups[g].last;
                        assert(grouped);
                }
        }
}

/* A rebuild (one pass per field, as a start-up folds a MUX's members) leaves the state and the
 * record that joining the same members one by one leaves, for any number of members, then
 * carries on the same under joins and leaves. */
static void test_rebuild_equals_joins(void) {
        for (size_t i = 0; i < 2; i++)
                for (CapacityPolicy p = 0; p < _CAPACITY_POLICY_MAX; p++)
                        for (size_t n = 0; n <= SLOTS; n += 1 + n / 4) {
                                const RecordSchema *s = schemas[i];
                                RecordValue pool[POOL], agg_j, agg_r, want;
                                const RecordValue *members[SLOTS];
                                AggregateState joined, rebuilt;

                                for (size_t k = 0; k < POOL; k++)
                                        random_record(s, &pool[k]);
                                /* Half the time identical members, every field at the most
                                 * its bits hold (a value ALL folds to 0 from a second member
                                 * on); else drawn from the pool. */
                                for (size_t f = 0; f < s->n_fields; f++)
                                        pool[POOL - 1].v[f] = schema_field_wire_max(s, f);
                                for (size_t k = 0; k < n; k++)
                                        members[k] = &pool[n % 2 ? POOL - 1 : rnd() % POOL];
                                aggregate_state_init(&joined, s, &agg_j);
                                for (size_t k = 0; k < n; k++)
                                        assert(aggregate_join(&joined, p, &agg_j, members[k]) == 0);
                                aggregate_state_init(&rebuilt, s, &agg_r);
                                assert(aggregate_state_rebuild(&rebuilt, s, members, n, p, &agg_r) == 0);

                                assert(value_equal(&agg_r, &agg_j));
                                full(s, (RecordValue *const *) members, n, p, &want);
                                assert(value_equal(&agg_r, &want));
                                assert(rebuilt.n == joined.n && rebuilt.n_other == joined.n_other);
                                for (size_t f = 0; n > 0 && f < s->n_fields; f++)
                                        assert(rebuilt.raw[f] == joined.raw[f] &&
                                               rebuilt.base[f] == joined.base[f] &&
                                               rebuilt.at_base[f] == joined.at_base[f]);
                                assert(joined.n_other == 0 ||
                                       memcmp(rebuilt.other, joined.other,
                                              joined.n_other * sizeof(AggregateCount)) == 0);
                                /* The first member leaves, another joins: still the same. */
                                if (n > 0) {
                                        assert(aggregate_leave(&rebuilt, p, &agg_r, members[0]));
                                        assert(aggregate_leave(&joined, p, &agg_j, members[0]));
                                        assert(value_equal(&agg_r, &agg_j));
                                }
                                assert(aggregate_join(&rebuilt, p, &agg_r, &pool[0]) == 0);
                                assert(aggregate_join(&joined, p, &agg_j, &pool[0]) == 0);
                                assert(value_equal(&agg_r, &agg_j));
                                aggregate_state_done(&rebuilt);
                                aggregate_state_done(&joined);
                        }
}

static void assert_same_state(const RecordSchema *s, const AggregateState *a,
                              const AggregateState *b) {
        assert(a->n == b->n && a->n_other == b->n_other);
        for (size_t f = 0; a->n > 0 && f < s->n_fields; f++)
                assert(a->raw[f] == b->raw[f] && a->base[f] == b->base[f] &&
                       a->at_base[f] == b->at_base[f]);
        assert(a->n_other == 0 || memcmp(a->other, b->other, a->n_other * sizeof(AggregateCount)) == 0);
}

/* Batches joining at once give the state and record of the same members joining one by one,
 * from any state: empty, or one that members (the first among them) have left, so that no
 * member holds the base value any more. */
static void test_join_many_equals_joins(void) {
        for (size_t i = 0; i < 2; i++)
                for (CapacityPolicy p = 0; p < _CAPACITY_POLICY_MAX; p++)
                        for (unsigned w = 0; w < 20; w++) {
                                const RecordSchema *s = schemas[i];
                                const RecordValue *present[SLOTS], *batch[SLOTS];
                                RecordValue pool[POOL], agg_j, agg_m;
                                AggregateState joined, many;
                                size_t n = 0;

                                for (size_t k = 0; k < POOL; k++)
                                        random_record(s, &pool[k]);
                                for (size_t f = 0; f < s->n_fields; f++)
                                        pool[POOL - 1].v[f] = schema_field_wire_max(s, f);
                                aggregate_state_init(&joined, s, &agg_j);
                                aggregate_state_init(&many, s, &agg_m);
                                for (unsigned step = 0; step < 30; step++) {
                                        size_t k = rnd() % 6;

                                        if (n > 0 && rnd() % 3 == 0) {
                                                /* The oldest member leaves. */
                                                assert(aggregate_leave(&joined, p, &agg_j, present[0]));
                                                assert(aggregate_leave(&many, p, &agg_m, present[0]));
                                                memmove(present, present + 1, --n * sizeof(present[0]));
                                        } else {
                                                if (k > SLOTS - n)
                                                        k = SLOTS - n;
                                                for (size_t j = 0; j < k; j++) {
                                                        batch[j] = &pool[rnd() % 2 ? POOL - 1 : rnd() % POOL];
                                                        assert(aggregate_join(&joined, p, &agg_j, batch[j]) == 0);
                                                        present[n++] = batch[j];
                                                }
                                                assert(aggregate_join_many(&many, p, &agg_m, batch, k) == 0);
                                        }
                                        /* (Not compared with aggregate(): the widest values
                                         * are out of a support field's range, 0 or 1, and
                                         * test_random_walks_equal_full_passes covers joins.) */
                                        assert(value_equal(&agg_m, &agg_j));
                                        assert_same_state(s, &many, &joined);
                                }
                                aggregate_state_done(&joined);
                                aggregate_state_done(&many);
                        }
}

/* Issue 23: a member without an offload (its gate 0) but with sizes, counts and options set
 * joins one that has it all. The MUX does not support the offload, so every field of the
 * group is 0, by aggregate() and by the running aggregate alike; with the supporting member
 * alone, the group keeps its values. */
static void test_unsupported_offload_holds_no_size_or_count(void) {
        for (size_t i = 0; i < 2; i++) {
                const RecordSchema *s = schemas[i];

                for (size_t g = 0; g < s->n_groups; g++) {
                        const FieldGroup *grp = &s->groups[g];
                        const RecordValue *both[2];
                        RecordValue has, lacks, agg, want;
                        AggregateState st;

                        value_init(&has, s);
                        for (size_t f = 0; f < s->n_fields; f++)
                                has.v[f] = s->fields[f].max;
                        lacks = has;
                        lacks.v[grp->gate[0]] = lacks.v[grp->gate[1]] = 0;
                        both[0] = &has, both[1] = &lacks;
                        for (CapacityPolicy p = 0; p < _CAPACITY_POLICY_MAX; p++) {
                                aggregate_state_init(&st, s, &agg);
                                assert(aggregate_state_rebuild(&st, s, both, 1, p, &agg) == 0);
                                for (size_t f = grp->first; f <= grp->last; f++)
                                        assert(agg.v[f] != 0);
                                assert(aggregate_join(&st, p, &agg, &lacks) == 0);
                                full(s, (RecordValue *const *) both, 2, p, &want);
                                assert(value_equal(&agg, &want));
                                for (size_t f = grp->first; f <= grp->last; f++)
                                        assert(agg.v[f] == 0);
                                assert(aggregate_leave(&st, p, &agg, &lacks));
                                assert(value_equal(&agg, &has));
                                aggregate_state_done(&st);
                        }
                }
        }
}

int main(void) {
        test_random_walks_equal_full_passes();
        test_rebuild_equals_joins();
        test_join_many_equals_joins();
        test_limiting_member_churns();
        test_unknown_member_leaving_is_refused();
        test_identical_members_hold_no_table();
        test_unique_minimum_leaving();
        test_groups_are_well_formed();
        test_unsupported_offload_holds_no_size_or_count();
        return 0;
}
