/* SPDX-License-Identifier: MIT */
/* Aggregation of member records into a MUX record, over any schema: pure, no I/O, no allocation */
#pragma once

#include <errno.h>
#include <stddef.h>

#include "schema.h"

/* Where a NIC's field value came from, highest precedence last. */
typedef enum Source {
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

/* Aggregates @n members of schema @s into @ret by each field's AggregateOp, and says per field
 * (@ret_limits has s->n_fields entries) which member limits it. */
void aggregate(const RecordSchema *s, const AggregateMember *members, size_t n,
               CapacityPolicy policy, RecordValue *ret, AggregateLimit *ret_limits);

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
