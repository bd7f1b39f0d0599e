/* SPDX-License-Identifier: MIT */
/* MUX objects: members, aggregation over them, nested MUXes */

#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mux.h"
#include "nic.h"
#include "schemas.h"
#include "strv.h"

int mux_new(Mux **ret, const char *name, const char *kind, bool declared) {
        _cleanup_(mux_freep) Mux *x = calloc(1, sizeof(Mux));

        if (!x)
                return -ENOMEM;
        x->declared = declared;
        value_init(&x->hw, &schema_tcp_connection_offload);
        x->cur = x->pub_hw = x->pub_cur = x->hw;
        value_init(&x->task_hw, &schema_task_offload);
        x->task_cur = x->pub_task_hw = x->pub_task_cur = x->task_hw;
        x->name = strdup(name);
        x->kind = strdup(kind);
        if (!x->name || !x->kind)
                return -ENOMEM;
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
        free(x->members);
        free(x->name);
        free(x->kind);
        free(x);
        return NULL;
}

const char *mux_member_name(const MuxMember *mm) {
        return mm->mux ? mm->mux->name : mm->nic->name;
}

/* One record of a NIC or MUX for aggregation: @task picks the record type, @cur the record. */
typedef struct RecordRef {
        RecordValue *value;
        Source *sources;
        AggregateLimit *limits;         /* a MUX's; NULL for a NIC */
} RecordRef;

static RecordRef nic_record(Nic *n, bool task, bool cur) {
        if (task)
                return (RecordRef) { cur ? &n->task_cur : &n->task_hw,
                                     cur ? n->task_cur_src : n->task_hw_src, NULL };
        return (RecordRef) { cur ? &n->cur : &n->hw, cur ? n->cur_src : n->hw_src, NULL };
}

static RecordRef mux_record(Mux *x, bool task, bool cur) {
        if (task)
                return (RecordRef) { cur ? &x->task_cur : &x->task_hw,
                                     cur ? x->task_cur_src : x->task_hw_src,
                                     cur ? x->task_cur_limits : x->task_hw_limits };
        return (RecordRef) { cur ? &x->cur : &x->hw, cur ? x->cur_src : x->hw_src,
                             cur ? x->cur_limits : x->hw_limits };
}

/* Computes @x's records (both types, hardware and current) from its members, computing nested
 * MUXes first. A MUX met again while it is being computed (a cycle the kernel or config let
 * through) counts as an empty member, so the result stays defined. */
void mux_compute(Mux *x) {
        AggregateMember stack[16], *am = stack;
        static const Source none[SCHEMA_FIELDS_MAX] = { 0 };
        static RecordValue empty[2];
        _cleanup_free_ AggregateMember *heap = NULL;

        if (x->state != 0)
                return;
        x->state = 1;
        value_init(&empty[0], &schema_tcp_connection_offload);
        value_init(&empty[1], &schema_task_offload);
        if (x->n_members > ELEMENTSOF(stack)) {
                heap = calloc(x->n_members, sizeof(AggregateMember));
                if (!heap) {
                        log_error("mux '%s': out of memory, keeping the last record", x->name);
                        x->state = 2;
                        return;
                }
                am = heap;
        }
        for (size_t pass = 0; pass < 4; pass++) {
                bool task = pass >= 2, cur = pass % 2;
                RecordRef mine = mux_record(x, task, cur);

                for (size_t i = 0; i < x->n_members; i++) {
                        MuxMember *mm = &x->members[i];
                        RecordRef r;

                        am[i].name = mux_member_name(mm);
                        if (mm->mux) {
                                mux_compute(mm->mux);
                                if (mm->mux->state == 1) {
                                        am[i].record = &empty[task];
                                        am[i].sources = none;
                                        continue;
                                }
                                r = mux_record(mm->mux, task, cur);
                        } else
                                r = nic_record(mm->nic, task, cur);
                        am[i].record = r.value;
                        am[i].sources = r.sources;
                }
                aggregate(mine.value->schema, am, x->n_members, x->policy, mine.value, mine.limits);
                for (size_t f = 0; f < mine.value->schema->n_fields; f++)
                        mine.sources[f] = mine.limits[f].source;
        }
        x->state = 2;
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

        if (x->n_members >= x->n_members_before ||
            memcmp(&x->members[x->n_members], &mm, sizeof(mm)) != 0) {
                MuxMember *a = realloc(x->members, (x->n_members + 1) * sizeof(MuxMember));
                if (!a) {
                        log_error("mux '%s': out of memory, a member is left out", x->name);
                        return;
                }
                x->members = a;
                x->members[x->n_members] = mm;
                x->members_dirty = true;
        }
        x->n_members++;
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

/* Drops @n from @x's members, so no weak pointer outlives the NIC. The explanation's member
 * indexes no longer hold, so they say "none" until the next computation. */
void mux_forget_nic(Mux *x, const Nic *n) {
        size_t k = 0;

        for (size_t i = 0; i < x->n_members; i++)
                if (x->members[i].nic != n)
                        x->members[k++] = x->members[i];
        if (k == x->n_members)
                return;
        x->n_members = k;
        x->members_dirty = true;
        for (Field f = 0; f < _FIELD_MAX; f++) {
                x->hw_limits[f] = (AggregateLimit) { .member = -1, .source = SOURCE_NONE };
                x->cur_limits[f] = (AggregateLimit) { .member = -1, .source = SOURCE_NONE };
        }
        for (size_t f = 0; f < _TASK_FIELD_MAX; f++) {
                x->task_hw_limits[f] = (AggregateLimit) { .member = -1, .source = SOURCE_NONE };
                x->task_cur_limits[f] = (AggregateLimit) { .member = -1, .source = SOURCE_NONE };
        }
}
