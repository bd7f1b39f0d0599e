/* SPDX-License-Identifier: MIT */
/* Aggregation of member records (SPEC 3, 12), one rule per AggregateOp, over any schema */

#include <string.h>

#include "aggregate.h"
#include "macro.h"

static const char *const source_table[_SOURCE_MAX] = {
        [SOURCE_NONE] = "none",
        [SOURCE_KERNEL] = "kernel",
        [SOURCE_UDEV] = "udev",
        [SOURCE_CONFIG] = "config",
};
DEFINE_STRING_TABLE_LOOKUP(source, Source)

static const char *const capacity_policy_table[_CAPACITY_POLICY_MAX] = {
        [CAPACITY_POLICY_MIN] = "min",
        [CAPACITY_POLICY_SUM] = "sum",
};
DEFINE_STRING_TABLE_LOOKUP(capacity_policy, CapacityPolicy)

static AggregateOp effective_op(AggregateOp op, CapacityPolicy policy) {
        if (op == AGGREGATE_CAPACITY)
                return policy == CAPACITY_POLICY_MIN ? AGGREGATE_MIN : AGGREGATE_CAPACITY;
        return op;
}

/* Folds member value @v into @acc; the first member's value is taken as it is. */
static uint32_t combine(AggregateOp op, uint32_t max, uint32_t acc, uint32_t v, size_t i) {
        if (i == 0)
                return v;
        switch (op) {
        case AGGREGATE_AND:
                return acc & v;
        case AGGREGATE_ALL:
                return acc == 1 && v == 1 ? 1 : 0;
        case AGGREGATE_MIN:
                return v < acc ? v : acc;
        case AGGREGATE_MAX:
                return v > acc ? v : acc;
        case AGGREGATE_CAPACITY:        /* the sum, saturating at what the field holds */
                return acc > max || v > max - acc ? max : acc + v;
        case AGGREGATE_COMMON:
                return acc == v ? acc : 0;
        default:
                return 0;
        }
}

/* The member that explains a field's aggregate @value: for a mask, the first member lacking a
 * bit another member has; for a disagreement on a common value, the first member that differs
 * from the first; none for a sum of several (every member contributes); otherwise the first
 * whose own value equals the aggregate. */
static int limiting_member(const AggregateMember *m, size_t n, size_t f, AggregateOp op,
                           uint32_t value) {
        uint32_t any = 0;

        if (n == 0)
                return -1;
        switch (op) {
        case AGGREGATE_AND:
                for (size_t i = 0; i < n; i++)
                        any |= value_get(m[i].record, f);
                for (size_t i = 0; i < n; i++)
                        if (value_get(m[i].record, f) != any)
                                return (int) i;
                return 0;
        case AGGREGATE_COMMON:
                for (size_t i = 1; i < n; i++)
                        if (value_get(m[i].record, f) != value_get(m[0].record, f))
                                return (int) i;
                return 0;
        case AGGREGATE_CAPACITY:
                return n == 1 ? 0 : -1;
        default:
                for (size_t i = 0; i < n; i++)
                        if (value_get(m[i].record, f) == value)
                                return (int) i;
                return 0;
        }
}

/* With no members the record is all zero, at the revision muxcap writes. Members count
 * whatever their link state. */
void aggregate(const RecordSchema *s, const AggregateMember *members, size_t n,
               CapacityPolicy policy, RecordValue *ret, AggregateLimit *ret_limits) {
        RecordValue r;

        value_init(&r, s);
        for (size_t f = 0; f < s->n_fields; f++) {
                AggregateOp op = effective_op(s->fields[f].op, policy);
                uint32_t acc = 0, max = schema_field_wire_max(s, f);
                int who;

                for (size_t i = 0; i < n; i++)
                        acc = combine(op, max, acc, members[i].record->v[f], i);
                r.v[f] = acc;
                who = limiting_member(members, n, f, op, acc);
                ret_limits[f] = (AggregateLimit) {
                        .member = who,
                        .source = who >= 0 ? members[who].sources[f] : SOURCE_NONE,
                };
        }
        *ret = r;
}

void aggregate_state_init(AggregateState *st, const RecordSchema *s, RecordValue *agg) {
        value_init(agg, s);
        st->n = 0;
        memset(st->aux, 0, s->n_fields * sizeof(st->aux[0]));
}

/* A sum keeps the exact total and shows it saturated; every other rule keeps how many members
 * have exactly the aggregate. A member moving the aggregate is the only one at the new value:
 * every member before it was at the old aggregate or beyond it, on the side away from the new
 * one (AND only loses bits, MIN only falls, ALL and COMMON only fall to 0 from a value all
 * members shared). */
void aggregate_join(AggregateState *st, CapacityPolicy policy, RecordValue *agg,
                    const RecordValue *member) {
        const RecordSchema *s = agg->schema;

        for (size_t f = 0; f < s->n_fields; f++) {
                AggregateOp op = effective_op(s->fields[f].op, policy);
                uint32_t w = member->v[f], max = schema_field_wire_max(s, f), acc;

                if (op == AGGREGATE_CAPACITY) {
                        st->aux[f] += w;
                        agg->v[f] = st->aux[f] > max ? max : (uint32_t) st->aux[f];
                        continue;
                }
                if (st->n == 0) {
                        agg->v[f] = w;
                        st->aux[f] = 1;
                        continue;
                }
                acc = combine(op, max, agg->v[f], w, 1);
                if (acc == agg->v[f])
                        st->aux[f] += w == acc;
                else {
                        agg->v[f] = acc;
                        st->aux[f] = w == acc;
                }
        }
        st->n++;
}

/* The aggregate stands when another member than the one leaving is at it: for AND that member
 * lacks every bit the aggregate lacks, for MIN nothing is lower, and so on. */
bool aggregate_leave(AggregateState *st, CapacityPolicy policy, RecordValue *agg,
                     const RecordValue *member) {
        const RecordSchema *s = agg->schema;

        if (st->n <= 1) {
                aggregate_state_init(st, s, agg);
                return true;
        }
        for (size_t f = 0; f < s->n_fields; f++) {
                AggregateOp op = effective_op(s->fields[f].op, policy);
                uint32_t w = member->v[f], max = schema_field_wire_max(s, f);
                uint64_t at;

                if (op == AGGREGATE_CAPACITY) {
                        st->aux[f] = st->aux[f] >= w ? st->aux[f] - w : 0;
                        agg->v[f] = st->aux[f] > max ? max : (uint32_t) st->aux[f];
                        continue;
                }
                at = st->aux[f] - (w == agg->v[f] && st->aux[f] > 0);
                if (at == 0)
                        return false;
                st->aux[f] = at;
        }
        st->n--;
        return true;
}

void aggregate_state_rebuild(AggregateState *st, const RecordSchema *s,
                             const RecordValue *const *members, size_t n, CapacityPolicy policy,
                             RecordValue *agg) {
        aggregate_state_init(st, s, agg);
        for (size_t i = 0; i < n; i++)
                aggregate_join(st, policy, agg, members[i]);
}

/* Whether member value @v covers @advertised under @op. */
static bool covers(AggregateOp op, uint32_t v, uint32_t advertised) {
        switch (op) {
        case AGGREGATE_AND:
                return (v & advertised) == advertised;
        case AGGREGATE_ALL:
                return advertised != 1 || v == 1;
        case AGGREGATE_MIN:
        case AGGREGATE_CAPACITY:
                return v >= advertised;
        case AGGREGATE_MAX:
                return v <= advertised;
        default:
                return v == advertised;
        }
}

bool aggregate_gap(const RecordSchema *s, size_t field, uint32_t advertised, uint32_t aggregated,
                   const AggregateMember *members, size_t n, int *ret_member) {
        AggregateOp op;

        if (field >= s->n_fields)
                return false;
        op = s->fields[field].op;
        if (advertised == 0 || covers(op, aggregated, advertised))
                return false;
        *ret_member = -1;
        for (size_t i = 0; i < n; i++)
                if (!covers(op, value_get(members[i].record, field), advertised)) {
                        *ret_member = (int) i;
                        break;
                }
        return true;
}
