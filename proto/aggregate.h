/* SPDX-License-Identifier: MIT */
/* Aggregation of member records into a MUX record, over any schema: pure, no I/O; the running
 * aggregate's table is the only allocation, freed by aggregate_state_done() */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schema.h"

/* Where a NIC's field value came from, highest precedence last. */
typedef enum __attribute__((packed)) Source {
        SOURCE_NONE,            /* no member: the value is the empty MUX's 0 */
        SOURCE_KERNEL,
        SOURCE_UDEV,
        SOURCE_CONFIG,
        _SOURCE_MAX,
        _SOURCE_INVALID = -EINVAL,
} Source;

typedef enum CapacityPolicy {
        CAPACITY_POLICY_MIN,    /* any member may have to carry every connection after failover */
        CAPACITY_POLICY_SUM,    /* load-balanced, connections pinned to a member; saturates */
        _CAPACITY_POLICY_MAX,
        _CAPACITY_POLICY_INVALID = -EINVAL,
} CapacityPolicy;

typedef struct AggregateMember {
        const char *name;               /* borrowed */
        const RecordValue *record;      /* borrowed: of the schema being aggregated */
        const Source *sources;          /* borrowed: one per field of the schema */
} AggregateMember;

/* Per field: which member limits the aggregated value (-1: none, e.g. no members or a sum),
 * and the source of that member's value. */
typedef struct AggregateLimit {
        int member;
        Source source;
} AggregateLimit;

/* Aggregates @n members of schema @s into @ret by each field's AggregateOp, clears what the
 * result does not support (value_clear_unsupported()), and says per field (@ret_limits has
 * s->n_fields entries) which member limits it: for a cleared field, the one limiting the
 * field that gates it. */
void aggregate(const RecordSchema *s, const AggregateMember *members, size_t n,
               CapacityPolicy policy, RecordValue *ret, AggregateLimit *ret_limits);

/* The running aggregate of one record over a changing member set, updated per member joining
 * or leaving, never by a pass over the members (issues 14, 24). It is exact: per field it
 * counts the members at each distinct value, so whichever member leaves (the unique minimum,
 * the only member lacking a bit), the values left are known. A field's counts are held
 * sparsely: the members at its base value (the first member's) as one number, every other
 * value in a sorted table of (field, value, count). Identical members cost nothing past the
 * first; a join or leave costs O(fields x log(distinct values)), and an AND or a sum whose
 * last member at some value leaves re-reads that field's distinct values. */
typedef struct AggregateCount {
        uint32_t field;
        uint32_t value;
        uint32_t count;
} AggregateCount;

typedef struct AggregateState {
        size_t n;                               /* members folded in */
        /* Per field, sized by the schema when the first member joins (a connection record
         * has 8 fields, a task record 100; issue 24's memory per NIC): one owned block. */
        uint32_t *raw;                          /* the aggregate before
                                                 * value_clear_unsupported() */
        uint32_t *base;                         /* its base value */
        uint32_t *at_base;                      /* members at the base value */
        size_t n_fields;                        /* what the block holds per array */
        AggregateCount *other;                  /* the other values, by field then value */
        size_t n_other, n_other_allocated;
} AggregateState;

/* No members: every field 0 (@agg too, at the revision muxcap writes). A state initialized
 * once is reused by rebuild; aggregate_state_done() frees it. A state all zero bytes is an
 * initialized one. */
void aggregate_state_init(AggregateState *st, const RecordSchema *s, RecordValue *agg);
/* Frees what the state holds; it is then as after aggregate_state_init(). */
void aggregate_state_done(AggregateState *st);
/* Folds @member into @agg: the result is aggregate() over the members with it added. Returns
 * -ENOMEM with @st and @agg unchanged when the table cannot grow. */
int aggregate_join(AggregateState *st, CapacityPolicy policy, RecordValue *agg,
                   const RecordValue *member);
/* Takes @member (a record folded in before, unchanged since) out of @agg: the result is
 * aggregate() over the members left. Returns false when @member was not folded in: @agg and
 * @st are then undefined until aggregate_state_rebuild(). */
bool aggregate_leave(AggregateState *st, CapacityPolicy policy, RecordValue *agg,
                     const RecordValue *member);
/* Folds @members into @agg as aggregate_join() on each in turn gives, in one pass per field
 * (cheaper: a full pass can hand the members over in batches). Returns -ENOMEM when the table
 * cannot grow: @st and @agg are then as with no members (rebuild them). */
int aggregate_join_many(AggregateState *st, CapacityPolicy policy, RecordValue *agg,
                        const RecordValue *const *members, size_t n);
/* @agg and @st from the members, as joining them one by one gives (aggregate_join_many() from
 * no members). Returns -ENOMEM as aggregate_join_many(). */
int aggregate_state_rebuild(AggregateState *st, const RecordSchema *s,
                            const RecordValue *const *members, size_t n, CapacityPolicy policy,
                            RecordValue *agg);

/* Whether a MUX device's own value @advertised of field @field offers more than the members'
 * aggregate @aggregated (a bit the AND lost, a support value of 1 the members lack, a larger
 * size, a smaller minimum count, a different enumeration), and if so which member lacks it
 * (-1: none, e.g. no members). The kernel's bridge and bond ORs what software GSO can emulate;
 * this says where that differs from what every member's hardware has. */
bool aggregate_gap(const RecordSchema *s, size_t field, uint32_t advertised, uint32_t aggregated,
                   const AggregateMember *members, size_t n, int *ret_member);

const char *source_to_string(Source s);
Source source_from_string(const char *s);
const char *capacity_policy_to_string(CapacityPolicy p);
CapacityPolicy capacity_policy_from_string(const char *s);
