/* SPDX-License-Identifier: MIT */
/* Aggregation of member records into a MUX record: pure, no I/O, no allocation */
#pragma once

#include <errno.h>
#include <stddef.h>

#include "field.h"
#include "record.h"

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
        const Record *record;           /* borrowed */
        const Source *sources;          /* borrowed: _FIELD_MAX entries */
} AggregateMember;

/* Per field: which member limits the aggregated value (-1: none, e.g. no members or a sum),
 * and the source of that member's value. */
typedef struct AggregateLimit {
        int member;
        Source source;
} AggregateLimit;

void aggregate(const AggregateMember *members, size_t n, CapacityPolicy policy, Record *ret,
               AggregateLimit ret_limits[static _FIELD_MAX]);

const char *source_to_string(Source s);
const char *capacity_policy_to_string(CapacityPolicy p);
CapacityPolicy capacity_policy_from_string(const char *s);
