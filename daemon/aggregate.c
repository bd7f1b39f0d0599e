/* SPDX-License-Identifier: MIT */
/* Aggregation of member records (SPEC 3): AND of flags, all-or-nothing support, common
 * congestion algorithm, min or saturating sum of capacity */

#include <string.h>

#include "aggregate.h"
#include "macro.h"

static const char *const source_names[_SOURCE_MAX] = {
        [SOURCE_NONE] = "none",
        [SOURCE_KERNEL] = "kernel",
        [SOURCE_UDEV] = "udev",
        [SOURCE_CONFIG] = "config",
};

static const char *const capacity_policy_names[_CAPACITY_POLICY_MAX] = {
        [CAPACITY_POLICY_MIN] = "min",
        [CAPACITY_POLICY_SUM] = "sum",
};

const char *source_to_string(Source s) {
        return s >= 0 && s < _SOURCE_MAX ? source_names[s] : NULL;
}

const char *capacity_policy_to_string(CapacityPolicy p) {
        return p >= 0 && p < _CAPACITY_POLICY_MAX ? capacity_policy_names[p] : NULL;
}

CapacityPolicy capacity_policy_from_string(const char *s) {
        for (CapacityPolicy p = 0; s && p < _CAPACITY_POLICY_MAX; p++)
                if (streq(capacity_policy_names[p], s))
                        return p;
        return _CAPACITY_POLICY_INVALID;
}

static uint32_t combine(Field f, CapacityPolicy policy, uint32_t acc, uint32_t v, size_t i) {
        if (i == 0)
                return v;
        switch (f) {
        case FIELD_ENCAPSULATION:
        case FIELD_FLAGS:
                return acc & v;
        case FIELD_SUPPORT_IPV4:
        case FIELD_SUPPORT_IPV6:
        case FIELD_SUPPORT_IPV6_EXTENSION_HEADERS:
        case FIELD_SUPPORT_SACK:
                return acc == 1 && v == 1 ? 1 : 0;
        case FIELD_CONGESTION_ALGORITHM:
                return acc == v ? acc : 0;
        case FIELD_TCP_CONNECTION_OFFLOAD_CAPACITY:
                if (policy == CAPACITY_POLICY_MIN)
                        return v < acc ? v : acc;
                return v > UINT32_MAX - acc ? UINT32_MAX : acc + v;
        default:
                return 0;
        }
}

/* The member that explains field @f's aggregate @value: the first whose own value equals the
 * aggregate when every member agrees or the field is a minimum; for flag words, the first
 * member lacking a bit another member has; for a congestion disagreement, the first member
 * that differs from the first; none for a sum (every member contributes). */
static int limiting_member(const AggregateMember *m, size_t n, Field f, CapacityPolicy policy,
                           uint32_t value) {
        uint32_t any = 0;

        if (n == 0)
                return -1;
        switch (f) {
        case FIELD_ENCAPSULATION:
        case FIELD_FLAGS:
                for (size_t i = 0; i < n; i++)
                        any |= record_get(m[i].record, f);
                for (size_t i = 0; i < n; i++)
                        if (record_get(m[i].record, f) != any)
                                return (int) i;
                return 0;
        case FIELD_CONGESTION_ALGORITHM:
                for (size_t i = 1; i < n; i++)
                        if (record_get(m[i].record, f) != record_get(m[0].record, f))
                                return (int) i;
                return 0;
        case FIELD_TCP_CONNECTION_OFFLOAD_CAPACITY:
                if (policy == CAPACITY_POLICY_SUM)
                        return n == 1 ? 0 : -1;
                _fallthrough_;
        default:
                for (size_t i = 0; i < n; i++)
                        if (record_get(m[i].record, f) == value)
                                return (int) i;
                return 0;
        }
}

/* Aggregates @n members into @ret (revision 2) and says, per field, which member limits it.
 * With no members the record is all zero. Members count whatever their link state. */
void aggregate(const AggregateMember *members, size_t n, CapacityPolicy policy, Record *ret,
               AggregateLimit ret_limits[static _FIELD_MAX]) {
        Record r = RECORD_EMPTY;

        for (Field f = 0; f < _FIELD_MAX; f++) {
                uint32_t acc = 0;
                int who;

                for (size_t i = 0; i < n; i++)
                        acc = combine(f, policy, acc, record_get(members[i].record, f), i);
                (void) record_set(&r, f, acc);
                who = limiting_member(members, n, f, policy, acc);
                ret_limits[f] = (AggregateLimit) {
                        .member = who,
                        .source = who >= 0 ? members[who].sources[f] : SOURCE_NONE,
                };
        }
        *ret = r;
}
