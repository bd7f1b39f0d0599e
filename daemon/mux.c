/* SPDX-License-Identifier: MIT */
/* MUX objects: members, aggregation over them, nested MUXes */

#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-record.h"
#include "log.h"
#include "mux.h"
#include "nic.h"
#include "schemas.h"
#include "strv.h"

/* What a member cannot turn on while it is a member of a kernel MUX of that kind: the kernel
 * turns it off there and refuses it (NETIF_F_UPPER_DISABLES), so a MUX's hardware record
 * promises only what its members can have as its members.
 *
 * A bridge forwards, and a forwarding device must not coalesce what it receives: br_add_if()
 * calls dev_disable_lro() on the port, and the bridge's own features lack NETIF_F_LRO, which
 * netdev_sync_upper_features() then drops from every port. GRO_HW is not LRO (the stack can
 * segment again what the device built), so a port keeps it. A bond and a team keep
 * NETIF_F_LRO in their own features (BOND_VLAN_FEATURES, TEAM_VLAN_FEATURES): their slaves
 * may coalesce. */
static const struct {
        const char *kind;
        uint32_t features;
} member_forbidden[] = {
        { "bridge", FEATURE_BIT(FEATURE_RX_LRO) },
};

static AggregateState *mux_st(Mux *x, size_t k);

int mux_new(Mux **ret, const char *name, const char *kind, bool declared) {
        _cleanup_(mux_freep) Mux *x = calloc(1, sizeof(Mux));

        if (!x)
                return -ENOMEM;
        x->declared = declared;
        value_init(&x->hw, &schema_tcp_connection_offload);
        value_init(&x->cur, &schema_tcp_connection_offload);
        value_init(&x->task_hw, &schema_task_offload);
        value_init(&x->task_cur, &schema_task_offload);
        x->pub_hw = x->pub_cur = x->hw;
        x->pub_task_hw = x->pub_task_cur = x->task_hw;
        x->full = x->dirty = true;
        x->name = strdup(name);
        x->kind = strdup(kind);
        if (!x->name || !x->kind)
                return -ENOMEM;
        for (size_t i = 0; i < ELEMENTSOF(member_forbidden) && !declared; i++)
                if (streq(kind, member_forbidden[i].kind))
                        x->forbidden |= member_forbidden[i].features;
        for (size_t k = 0; x->forbidden && k < MUX_RECORDS; k += 2) {
                const RecordSchema *s = mux_computed_record(x, k)->schema;

                for (size_t f = 0; f < s->n_fields; f++)
                        if (kernel_feeds(s, f, x->forbidden))
                                x->fed[k / 2][f / 64] |= UINT64_C(1) << (f % 64);
        }
        *ret = steal_ptr(x);
        return 0;
}

/* Frees @x and clears the weak pointer its device holds; the caller has unlinked it from the
 * model's table, and the publisher has withdrawn its D-Bus object. */
Mux *mux_free(Mux *x) {
        if (!x)
                return NULL;
        if (x->nic && x->nic->mux == x)
                x->nic->mux = NULL;
        if (x->window)
                event_free(x->window);
        for (size_t k = 0; x->st && k < MUX_RECORDS; k++)
                aggregate_state_done(mux_st(x, k));
        free(x->st);
        free(x->members);
        free(x->name);
        free(x->kind);
        free(x);
        return NULL;
}

const char *mux_member_name(const MuxMember *mm) {
        return mm->mux ? mm->mux->name : mm->nic->name;
}

_Static_assert(MUX_RECORDS == NIC_RECORDS, "a MUX aggregates the records a NIC has");

/* Record @k of each kind of object, in the MUX_RECORDS order. */
static RecordValue *mux_rec(Mux *x, size_t k) {
        RecordValue *r[MUX_RECORDS] = { &x->hw, &x->cur, &x->task_hw, &x->task_cur };
        return r[k];
}

static AggregateState *mux_st(Mux *x, size_t k) {
        return &x->st[k];
}

const RecordValue *mux_computed_record(const Mux *x, size_t k) {
        return mux_rec((Mux *) x, k);
}

int mux_record_by_status(const Mux *x, uint32_t code) {
        for (size_t k = 0; k < MUX_RECORDS; k++) {
                const RecordSchema *s = mux_computed_record(x, k)->schema;
                if ((k % 2 == 0 ? s->status_hardware : s->status_current) == code)
                        return (int) k;
        }
        return -1;
}

/* Whether record @k of a member may be other as @x holds it than @v: @v is a hardware record
 * with a field that what @x forbids can feed. */
static bool member_affected(const Mux *x, size_t k, const RecordValue *v) {
        if (!x->forbidden || k % 2 != 0)
                return false;
        for (size_t f = 0; f < v->schema->n_fields; f++)
                if (v->v[f] && x->fed[k / 2][f / 64] & UINT64_C(1) << (f % 64))
                        return true;
        return false;
}

/* Record @k of NIC member @n as @x holds it, into @ret: its settled record, but a hardware
 * record without what @x forbids its members where that makes a difference. */
static void nic_member_record(const Mux *x, const Nic *n, size_t k, RecordValue *ret) {
        nic_settled_get(n, k, ret);
        if (member_affected(x, k, ret))
                nic_hardware_without(n, k, x->forbidden, ret);
}

/* The settled records of @n, in MUX_RECORDS order. */
static void nic_settled_records(const Nic *n, RecordValue ret[static MUX_RECORDS]) {
        for (size_t k = 0; k < MUX_RECORDS; k++)
                nic_settled_get(n, k, &ret[k]);
}

/* Whether a member of @x with records @settled, or @current (if not NULL), may count
 * otherwise than its records say: its view is derived from its features, which may be newer
 * than what the running aggregate holds of it, so only a full pass holds it right. Members
 * unaffected (most: no LRO) join and leave one by one. */
static bool nic_affected(const Mux *x, const RecordValue settled[static MUX_RECORDS],
                         const RecordValue *current) {
        for (size_t k = 0; x->forbidden && k < MUX_RECORDS; k += 2)
                if (member_affected(x, k, &settled[k]) ||
                    (current && member_affected(x, k, &current[k])))
                        return true;
        return false;
}

/* Whether @x takes changes member by member now; else it is marked for a full pass (which
 * makes the running aggregates of a MUX that had none). */
static bool mux_incremental(Mux *x) {
        x->dirty = true;
        if (x->has_nested || !x->st)
                x->full = true;
        return !x->full;
}

void mux_join_nic(Mux *x, const Nic *n) {
        RecordValue settled[MUX_RECORDS];

        if (!n->folded || !mux_incremental(x))
                return;
        nic_settled_records(n, settled);
        mux_join_nic_records(x, n, settled);
}

void mux_join_nic_records(Mux *x, const Nic *n, const RecordValue settled[static MUX_RECORDS]) {
        if (!n->folded || !mux_incremental(x))
                return;
        if (nic_affected(x, settled, NULL)) {
                x->full = true;
                return;
        }
        for (size_t k = 0; k < MUX_RECORDS && !x->full; k++)
                if (aggregate_join(mux_st(x, k), x->policy, mux_rec(x, k), &settled[k]) < 0)
                        x->full = true;
}

void mux_leave_nic(Mux *x, const Nic *n) {
        RecordValue settled[MUX_RECORDS];

        if (!n->folded || !mux_incremental(x))
                return;
        nic_settled_records(n, settled);
        if (nic_affected(x, settled, NULL)) {
                x->full = true;
                return;
        }
        for (size_t k = 0; k < MUX_RECORDS && !x->full; k++)
                if (!aggregate_leave(mux_st(x, k), x->policy, mux_rec(x, k), &settled[k]))
                        x->full = true;
}

void mux_update_nic(Mux *x, const Nic *n, const RecordValue settled[static MUX_RECORDS],
                    const RecordValue current[static MUX_RECORDS]) {
        if (!n->folded) {
                x->dirty = true;
                return;
        }
        if (!mux_incremental(x))
                return;
        if (nic_affected(x, settled, current)) {
                x->full = true;
                return;
        }
        for (size_t k = 0; k < MUX_RECORDS && !x->full; k++) {
                if (value_equal(&settled[k], &current[k]))
                        continue;
                if (!aggregate_leave(mux_st(x, k), x->policy, mux_rec(x, k), &settled[k]) ||
                    aggregate_join(mux_st(x, k), x->policy, mux_rec(x, k), &current[k]) < 0)
                        x->full = true;
        }
}

/* Record @k of member @mm of @x as @x holds it: a NIC's settled record, in @buf (none before
 * it is settled), a nested MUX's computed one. NULL: the member adds nothing. A MUX met again
 * while it is being computed (a cycle the kernel or config let through) counts as an empty
 * member, so the result stays defined. */
static const RecordValue *member_record(const Mux *x, const MuxMember *mm, size_t k,
                                        const RecordValue *empty, RecordValue *buf) {
        if (mm->mux) {
                mux_compute(mm->mux);
                return mm->mux->state == 1 ? empty : mux_rec(mm->mux, k);
        }
        if (!mm->nic->folded)
                return NULL;
        nic_member_record(x, mm->nic, k, buf);
        return buf;
}

/* A full pass over the members, nested MUXes computed first. */
void mux_compute(Mux *x) {
        RecordValue empty, buf;

        if (x->state != 0)
                return;
        if (!x->full && !x->has_nested) {
                x->state = 2;
                return;
        }
        x->state = 1;
        /* The running aggregates, made when the first member comes: most of a MUX's size, which
         * a declared MUX whose NICs are not there (yet) does without. */
        if (!x->st && x->n_members > 0)
                x->st = calloc(MUX_RECORDS, sizeof(AggregateState));
        if (x->n_members > 0 && !x->st) {
                log_error("mux '%s': out of memory, keeping the last record", x->name);
                x->state = 2;
                return;
        }
        for (size_t k = 0; k < MUX_RECORDS; k++) {
                const RecordSchema *s = mux_rec(x, k)->schema;
                int r;

                value_init(&empty, s);
                if (!x->st) {
                        value_init(mux_rec(x, k), s);
                        continue;
                }
                /* From no members, each joining in turn: what aggregate_state_rebuild() makes of
                 * an array of them, without every NIC member's record decoded at once (a NIC
                 * holds its records encoded), so one buffer serves them all. */
                r = aggregate_state_rebuild(mux_st(x, k), s, NULL, 0, x->policy, mux_rec(x, k));
                for (size_t i = 0; r >= 0 && i < x->n_members; i++) {
                        const RecordValue *m = member_record(x, &x->members[i], k, &empty, &buf);

                        if (m)
                                r = aggregate_join(mux_st(x, k), x->policy, mux_rec(x, k), m);
                }
                if (r < 0) {
                        log_error("mux '%s': out of memory, its record is incomplete until the "
                                  "next change", x->name);
                        x->state = 2;
                        return;
                }
        }
        x->full = false;
        x->state = 2;
}

/* Sources of record @k of a nested MUX as a member: those of its own limiting members,
 * @depth levels down at most (a cycle ends there). */
static void mux_member_sources(const Mux *x, size_t k, unsigned depth, Source *ret);

static void explain_into(const Mux *x, size_t k, unsigned depth, RecordValue *ret,
                         AggregateLimit *ret_limits) {
        _cleanup_free_ AggregateMember *am = calloc(x->n_members + 1, sizeof(AggregateMember));
        _cleanup_free_ Source *src = calloc((x->n_members + 1) * SCHEMA_FIELDS_MAX, sizeof(Source));
        _cleanup_free_ RecordValue *bufs = malloc((x->n_members + 1) * sizeof(RecordValue));
        const RecordSchema *s = mux_computed_record(x, k)->schema;
        RecordValue empty;

        value_init(&empty, s);
        if (!am || !src || !bufs) {
                *ret = *mux_computed_record(x, k);
                for (size_t f = 0; f < s->n_fields; f++)
                        ret_limits[f] = (AggregateLimit) { .member = -1, .source = SOURCE_NONE };
                return;
        }
        for (size_t i = 0; i < x->n_members; i++) {
                const MuxMember *mm = &x->members[i];

                am[i].name = mux_member_name(mm);
                if (mm->mux) {
                        am[i].record = depth > 0 ? mux_computed_record(mm->mux, k) : &empty;
                        if (depth > 0)
                                mux_member_sources(mm->mux, k, depth - 1, src + i * SCHEMA_FIELDS_MAX);
                        am[i].sources = src + i * SCHEMA_FIELDS_MAX;
                } else {
                        nic_member_record(x, mm->nic, k, &bufs[i]);
                        am[i].record = &bufs[i];
                        am[i].sources = nic_sources(mm->nic, k);
                }
        }
        aggregate(s, am, x->n_members, x->policy, ret, ret_limits);
}

static void mux_member_sources(const Mux *x, size_t k, unsigned depth, Source *ret) {
        AggregateLimit limits[SCHEMA_FIELDS_MAX];
        RecordValue v;

        explain_into(x, k, depth, &v, limits);
        for (size_t f = 0; f < v.schema->n_fields; f++)
                ret[f] = limits[f].source;
}

void mux_explain(const Mux *x, size_t k, RecordValue *ret, AggregateLimit *ret_limits) {
        explain_into(x, k, 8, ret, ret_limits);
}

/* Whether Members must be invalidated again: the member set or a member's name changed. */
bool mux_members_differ(const Mux *x) {
        return x->members_dirty;
}

/* Appends a member during a topology rebuild. The list is rebuilt in the same order every
 * time, so comparing in place tells whether it changed, without comparing names. On
 * out-of-memory the member is left out and logged. */
void mux_add_member(Mux *x, Nic *nic, Mux *sub) {
        MuxMember mm = { .nic = nic, .mux = sub };
        bool past = x->n_members >= x->n_members_before;

        /* Below the previous count the array has room: it grows only past it. (Resizing it to
         * the count at a change shrank it under the entries still to compare.) */
        if (past) {
                MuxMember *a = realloc(x->members, (x->n_members + 1) * sizeof(MuxMember));
                if (!a) {
                        log_error("mux '%s': out of memory, a member is left out", x->name);
                        return;
                }
                x->members = a;
        }
        if (past || memcmp(&x->members[x->n_members], &mm, sizeof(mm)) != 0) {
                x->members[x->n_members] = mm;
                x->members_dirty = true;
        }
        x->n_members++;
        x->has_nested = x->has_nested || sub;
}

static int strcmp_ptr(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The member names, sorted: the Members property, built when D-Bus reads it (never per
 * event). Returns a new strv; NULL on out-of-memory. */
char **mux_members_strv(const Mux *x) {
        char **v = calloc(x->n_members + 1, sizeof(char *));

        for (size_t i = 0; v && i < x->n_members; i++) {
                v[i] = strdup(mux_member_name(&x->members[i]));
                if (!v[i]) {
                        strv_free(v);
                        return NULL;
                }
        }
        if (v && x->n_members > 1)
                qsort(v, x->n_members, sizeof(char *), strcmp_ptr);
        return v;
}

size_t mux_nic_slot(const Mux *x, int ifindex, size_t *ret_end) {
        size_t lo = 0, hi = x->n_members;

        while (hi > 0 && !x->members[hi - 1].nic)
                hi--;
        *ret_end = hi;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (x->members[mid].nic->ifindex < ifindex)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

/* Drops @n from @x's members, so no weak pointer outlives the NIC, and takes its records out
 * of the aggregates. */
void mux_forget_nic(Mux *x, const Nic *n) {
        size_t end, lo = mux_nic_slot(x, n->ifindex, &end);

        if (lo >= end || x->members[lo].nic != n)
                return;
        if (x->members[lo].mux)
                x->full = x->dirty = true;
        else
                mux_leave_nic(x, n);
        memmove(x->members + lo, x->members + lo + 1, (x->n_members - lo - 1) * sizeof(MuxMember));
        x->n_members--;
        x->members_dirty = true;
}
