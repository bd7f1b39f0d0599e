/* SPDX-License-Identifier: MIT */
/* Aggregation of member records (SPEC 3, 12), one rule per AggregateOp, over any schema */

#include <stdlib.h>
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
        for (size_t f = 0; f < s->n_fields; f++) {
                int gate = value_unsupported_by(&r, f);
                if (gate >= 0)
                        ret_limits[f] = ret_limits[gate];
        }
        value_clear_unsupported(&r);
        *ret = r;
}

/* No members, keeping the memory. */
static void state_reset(AggregateState *st, const RecordSchema *s, RecordValue *agg) {
        value_init(agg, s);
        st->n = 0;
        st->n_other = 0;
        if (st->raw)
                memset(st->raw, 0, st->n_fields * sizeof(st->raw[0]));
}

/* The per-field arrays, for @s's fields: made once, before the first member joins. */
static int state_fields(AggregateState *st, const RecordSchema *s) {
        uint32_t *p;

        if (st->raw && st->n_fields == s->n_fields)
                return 0;
        p = realloc(st->raw, 3 * s->n_fields * sizeof(uint32_t));
        if (!p)
                return -ENOMEM;
        memset(p, 0, 3 * s->n_fields * sizeof(uint32_t));
        st->raw = p;
        st->base = p + s->n_fields;
        st->at_base = p + 2 * s->n_fields;
        st->n_fields = s->n_fields;
        return 0;
}

void aggregate_state_init(AggregateState *st, const RecordSchema *s, RecordValue *agg) {
        *st = (AggregateState) { 0 };
        state_reset(st, s, agg);
}

void aggregate_state_done(AggregateState *st) {
        free(st->raw);
        free(st->other);
        *st = (AggregateState) { 0 };
}

/* The index of (@f, @value) in the table, or where it would go. */
static size_t other_find(const AggregateState *st, uint32_t f, uint32_t value, bool *ret_found) {
        size_t lo = 0, hi = st->n_other;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                const AggregateCount *c = &st->other[mid];

                if (c->field < f || (c->field == f && c->value < value))
                        lo = mid + 1;
                else
                        hi = mid;
        }
        *ret_found = lo < st->n_other && st->other[lo].field == f && st->other[lo].value == value;
        return lo;
}

/* Room for the values @member brings that the table lacks, taken before a join changes
 * anything. Members at every base value need none. */
static int other_reserve(AggregateState *st, const RecordValue *member) {
        size_t want = st->n_other, n;
        AggregateCount *p;
        bool found;

        /* Room for a new value in every field: no need to count which are new. */
        if (st->n_other + member->schema->n_fields <= st->n_other_allocated)
                return 0;
        for (size_t f = 0; st->n > 0 && f < member->schema->n_fields; f++)
                if (member->v[f] != st->base[f]) {
                        (void) other_find(st, f, member->v[f], &found);
                        want += !found;
                }
        if (want <= st->n_other_allocated)
                return 0;
        n = want > 2 * st->n_other_allocated ? want : 2 * st->n_other_allocated;
        p = realloc(st->other, n * sizeof(AggregateCount));
        if (!p)
                return -ENOMEM;
        st->other = p;
        st->n_other_allocated = n;
        return 0;
}

/* Field @f's distinct values with their counts, the base value first when a member has it:
 * [*ret_first, *ret_end) of the table. */
static void other_range(const AggregateState *st, uint32_t f, size_t *ret_first, size_t *ret_end) {
        bool found;

        *ret_first = other_find(st, f, 0, &found);
        *ret_end = other_find(st, f + 1, 0, &found);
}

/* Field @f's aggregate from its counts alone: the members left decide, none is re-read. */
static uint32_t recount(const AggregateState *st, const RecordSchema *s, size_t f,
                        AggregateOp op) {
        uint32_t max = schema_field_wire_max(s, f), acc = 0;
        size_t first, end, i = 0;

        other_range(st, f, &first, &end);
        switch (op) {
        case AGGREGATE_MIN:     /* the table is sorted: its first value is its least */
                if (first == end)
                        return st->base[f];
                return st->at_base[f] > 0 && st->base[f] < st->other[first].value
                        ? st->base[f] : st->other[first].value;
        case AGGREGATE_MAX:
                if (first == end)
                        return st->base[f];
                return st->at_base[f] > 0 && st->base[f] > st->other[end - 1].value
                        ? st->base[f] : st->other[end - 1].value;
        case AGGREGATE_CAPACITY: {
                uint64_t sum = st->at_base[f] * (uint64_t) st->base[f];

                for (size_t k = first; k < end && sum <= max; k++)
                        sum += st->other[k].count * (uint64_t) st->other[k].value;
                return sum > max ? max : (uint32_t) sum;
        }
        default:                /* AND, ALL, COMMON: fold the distinct values */
                if (st->at_base[f] > 0)
                        acc = combine(op, max, acc, st->base[f], i++);
                for (size_t k = first; k < end; k++)
                        acc = combine(op, max, acc, st->other[k].value, i++);
                return acc;
        }
}

/* The published record: the raw aggregate less what it does not support. */
static void publish(const AggregateState *st, RecordValue *agg) {
        memcpy(agg->v, st->raw, agg->schema->n_fields * sizeof(agg->v[0]));
        value_clear_unsupported(agg);
}

/* Joining folds each value into the aggregate as aggregate() does member by member (a sum is
 * re-read: its exact total may be past what the field holds). */
int aggregate_join(AggregateState *st, CapacityPolicy policy, RecordValue *agg,
                   const RecordValue *member) {
        const RecordSchema *s = agg->schema;

        if (state_fields(st, s) < 0 || other_reserve(st, member) < 0)
                return -ENOMEM;
        for (size_t f = 0; f < s->n_fields; f++) {
                AggregateOp op = effective_op(s->fields[f].op, policy);
                uint32_t w = member->v[f];
                bool found;
                size_t k;

                if (st->n == 0) {
                        st->base[f] = st->raw[f] = w;
                        st->at_base[f] = 1;
                        continue;
                }
                if (w == st->base[f])
                        st->at_base[f]++;
                else {
                        k = other_find(st, f, w, &found);
                        if (!found) {
                                memmove(st->other + k + 1, st->other + k,
                                        (st->n_other - k) * sizeof(AggregateCount));
                                st->other[k] = (AggregateCount) { .field = f, .value = w };
                                st->n_other++;
                        }
                        st->other[k].count++;
                }
                /* Only a sum reads the field's width, and it is re-read from the counts. */
                st->raw[f] = op == AGGREGATE_CAPACITY
                        ? recount(st, s, f, op)
                        : combine(op, 0, st->raw[f], w, 1);
        }
        st->n++;
        publish(st, agg);
        return 0;
}

/* Leaving takes one member out of its value's count; when that was the last member at the
 * value, the field is re-read from the values left. */
bool aggregate_leave(AggregateState *st, CapacityPolicy policy, RecordValue *agg,
                     const RecordValue *member) {
        const RecordSchema *s = agg->schema;

        if (st->n == 0)
                return false;
        if (st->n == 1) {
                state_reset(st, s, agg);
                return true;
        }
        for (size_t f = 0; f < s->n_fields; f++) {
                AggregateOp op = effective_op(s->fields[f].op, policy);
                uint32_t w = member->v[f], left;
                bool found;
                size_t k;

                if (w == st->base[f] && st->at_base[f] > 0)
                        left = --st->at_base[f];
                else {
                        k = other_find(st, f, w, &found);
                        if (!found)
                                return false;
                        left = --st->other[k].count;
                        if (left == 0) {
                                memmove(st->other + k, st->other + k + 1,
                                        (st->n_other - k - 1) * sizeof(AggregateCount));
                                st->n_other--;
                        }
                }
                if (left == 0 || op == AGGREGATE_CAPACITY)
                        st->raw[f] = recount(st, s, f, op);
        }
        st->n--;
        publish(st, agg);
        return true;
}

/* Counts value @w of field @f once more in the table, as a join does; -ENOMEM when a new value
 * finds no room. */
static int other_count(AggregateState *st, uint32_t f, uint32_t w) {
        bool found;
        size_t k = other_find(st, f, w, &found);

        if (!found) {
                if (st->n_other == st->n_other_allocated) {
                        size_t n = st->n_other_allocated > 0 ? 2 * st->n_other_allocated : 16;
                        AggregateCount *p = realloc(st->other, n * sizeof(AggregateCount));

                        if (!p)
                                return -ENOMEM;
                        st->other = p;
                        st->n_other_allocated = n;
                }
                memmove(st->other + k + 1, st->other + k, (st->n_other - k) * sizeof(AggregateCount));
                st->other[k] = (AggregateCount) { .field = f, .value = w };
                st->n_other++;
        }
        st->other[k].count++;
        return 0;
}

/* Joins @members in turn, field by field rather than member by member: the field's operator is
 * looked up once, not per member, and the record is published once, not after each member (a
 * start-up folds thousands of members). Gives the state and record of aggregate_join() on each
 * in turn. */
int aggregate_join_many(AggregateState *st, CapacityPolicy policy, RecordValue *agg,
                        const RecordValue *const *members, size_t n) {
        const RecordSchema *s = agg->schema;
        size_t first = st->n == 0 ? 1 : 0;     /* a first member sets the base values */

        if (n == 0)
                return 0;
        if (state_fields(st, s) < 0) {
                state_reset(st, s, agg);
                return -ENOMEM;
        }
        for (size_t f = 0; f < s->n_fields; f++) {
                AggregateOp op = effective_op(s->fields[f].op, policy);
                uint32_t base = first ? members[0]->v[f] : st->base[f];
                uint32_t raw = first ? base : st->raw[f], at_base = first ? 1 : st->at_base[f];

                for (size_t i = first; i < n; i++) {
                        uint32_t w = members[i]->v[f];

                        /* Most members agree with the first. While a member holds the base
                         * value, folding it again changes nothing an AND, MIN, MAX or COMMON
                         * holds; ALL is "1 iff every value is 1", so a base other than 0 or 1
                         * does not survive a second member having it. */
                        if (w == base) {
                                if (at_base++ > 0 && op != AGGREGATE_ALL)
                                        continue;
                        } else if (other_count(st, (uint32_t) f, w) < 0) {
                                /* Fields before this one hold the whole batch: no state to go
                                 * on from. */
                                state_reset(st, s, agg);
                                return -ENOMEM;
                        }
                        /* A sum is re-read from the counts below; the other operators ignore
                         * the width. */
                        if (op != AGGREGATE_CAPACITY)
                                raw = combine(op, 0, raw, w, 1);
                }
                st->base[f] = base;
                st->at_base[f] = at_base;
                st->raw[f] = raw;
        }
        st->n += n;
        /* The sums, from the whole table: a join re-reads its field the same way (a lone
         * member's value is taken as it is). */
        for (size_t f = 0; st->n > 1 && f < s->n_fields; f++)
                if (effective_op(s->fields[f].op, policy) == AGGREGATE_CAPACITY)
                        st->raw[f] = recount(st, s, f, AGGREGATE_CAPACITY);
        publish(st, agg);
        return 0;
}

int aggregate_state_rebuild(AggregateState *st, const RecordSchema *s,
                            const RecordValue *const *members, size_t n, CapacityPolicy policy,
                            RecordValue *agg) {
        state_reset(st, s, agg);
        return aggregate_join_many(st, policy, agg, members, n);
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
