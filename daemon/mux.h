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
        uint32_t forbidden;             /* FEATURE_BIT() mask its members cannot turn on while
                                         * they are its members (mux.c, by kind) */
        uint64_t fed[2][(SCHEMA_FIELDS_MAX + 63) / 64]; /* bit f: the forbidden features can
                                         * feed field f of hardware record 0, 2 */
        Nic *nic;                       /* weak: the kernel MUX's device, NULL when declared */
        int ifindex;                    /* 0 when declared */
        CapacityPolicy policy;
        bool mark;                      /* still wanted in this sync */

        MuxMember *members;             /* owned array, in NIC table order */
        size_t n_members;
        size_t n_members_before;        /* during a topology rebuild: the previous count */
        bool members_dirty;             /* members (or their names) changed since the last
                                         * Members invalidation (D-Bus reads the live list) */

        /* Computed: kept up to date member by member (mux_join_nic(), mux_leave_nic()), with a
         * full pass over the members (mux_compute()) only where the running aggregate cannot
         * answer: a nested MUX, a rebuilt member list, a table that could not grow. */
        RecordValue hw, cur;
        RecordValue task_hw, task_cur;  /* the task-offload record, the same way */
        AggregateState *st;             /* owned: the MUX_RECORDS running aggregates (2.9 kB);
                                         * NULL until the MUX has members */
        bool full;                      /* the running aggregate is void: a full pass is due */
        bool has_nested;                /* a member is a MUX: every computation is a full pass */
        bool dirty;                     /* changed since the publisher last looked */
        int state;                      /* in a sync: 0 not yet, 1 computing (cycle guard), 2 done */

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

/* The four records of a MUX or a NIC, in one order: connection hardware and current, task
 * hardware and current. */
#define MUX_RECORDS 4

const char *mux_member_name(const MuxMember *mm);
/* Brings @x's records up to date: a full pass when one is due (nested MUXes first). */
void mux_compute(Mux *x);
/* Plain NIC member @n's settled records (nic_settled_get()) join or leave @x's aggregates;
 * nothing for a NIC whose records were never settled (they join when they are). */
void mux_join_nic(Mux *x, const Nic *n);
void mux_leave_nic(Mux *x, const Nic *n);
/* mux_join_nic() with @n's settled records, @settled, at hand: none is decoded. */
void mux_join_nic_records(Mux *x, const Nic *n, const RecordValue settled[static MUX_RECORDS]);
/* Member @n's records change from its settled ones, @settled, to @current, in @x. */
void mux_update_nic(Mux *x, const Nic *n, const RecordValue settled[static MUX_RECORDS],
                    const RecordValue current[static MUX_RECORDS]);
/* Record @k (0..3, the order above) of @x computed over its members now, with the member that
 * limits each field: for Explain, on demand, so no event pays for it. */
void mux_explain(const Mux *x, size_t k, RecordValue *ret, AggregateLimit *ret_limits);
/* The index of record @k of @x among MUX_RECORDS, by status code; -1 for none. */
int mux_record_by_status(const Mux *x, uint32_t code);
const RecordValue *mux_computed_record(const Mux *x, size_t k);
bool mux_members_differ(const Mux *x);
void mux_add_member(Mux *x, Nic *nic, struct Mux *sub);
char **mux_members_strv(const Mux *x);
/* The slot among @x's NIC members (ifindex order, ahead of nested declared MUXes) where
 * @ifindex is or goes; *@ret_end: the end of the NIC members. */
size_t mux_nic_slot(const Mux *x, int ifindex, size_t *ret_end);
void mux_forget_nic(Mux *x, const Nic *n);
