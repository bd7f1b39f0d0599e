/* SPDX-License-Identifier: MIT */
/* MUX: an aggregate over member NICs (kernel bond/team/bridge, or declared in the config) */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aggregate.h"
#include "coalesce.h"
#include "field.h"
#include "macro.h"
#include "record.h"
#include "schema-task.h"

typedef struct Publisher Publisher;
typedef struct Nic Nic;
struct event;

/* A member is a NIC, or a MUX (nested: its aggregate is its record as a member). */
typedef struct MuxMember {
        Nic *nic;                       /* weak; NULL for a declared MUX member */
        struct Mux *mux;                /* weak; set when the member is itself a MUX */
} MuxMember;

typedef struct Mux {
        char *name;                     /* owned */
        char *kind;                     /* owned: link kind, or "declared" */
        bool declared;
        Nic *nic;                       /* weak: the kernel MUX's device, NULL when declared */
        int ifindex;                    /* 0 when declared */
        CapacityPolicy policy;
        bool mark;                      /* still wanted in this sync */

        MuxMember *members;             /* owned array, in NIC table order */
        size_t n_members;
        size_t n_members_before;        /* during a topology rebuild: the previous count */
        bool members_dirty;             /* members (or their names) changed since the last
                                         * Members invalidation (D-Bus reads the live list) */

        /* Computed in a sync. */
        int state;                      /* 0 not yet, 1 computing (cycle guard), 2 done */
        RecordValue hw, cur;
        AggregateLimit hw_limits[_FIELD_MAX], cur_limits[_FIELD_MAX];
        Source hw_src[_FIELD_MAX], cur_src[_FIELD_MAX];  /* as a member of another MUX */
        RecordValue task_hw, task_cur;  /* the task-offload record, the same way */
        AggregateLimit task_hw_limits[_TASK_FIELD_MAX], task_cur_limits[_TASK_FIELD_MAX];
        Source task_hw_src[_TASK_FIELD_MAX], task_cur_src[_TASK_FIELD_MAX];

        /* What D-Bus shows: written by publish.c only. */
        Publisher *publisher;           /* weak: the window timer's owner */
        bool published;
        uint64_t generation;
        RecordValue pub_hw, pub_cur;
        RecordValue pub_task_hw, pub_task_cur;
        CapacityPolicy pub_policy;

        Coalescer coalescer;
        struct event *window;           /* owned: the coalescing window timer */
        bool window_due;                /* the window ended; the next sync decides */
} Mux;

int mux_new(Mux **ret, const char *name, const char *kind, bool declared);
Mux *mux_free(Mux *x);
DEFINE_TRIVIAL_CLEANUP_FUNC(Mux *, mux_free)

const char *mux_member_name(const MuxMember *mm);
void mux_compute(Mux *x);
bool mux_members_differ(const Mux *x);
void mux_add_member(Mux *x, Nic *nic, struct Mux *sub);
char **mux_members_strv(const Mux *x);
void mux_forget_nic(Mux *x, const Nic *n);
