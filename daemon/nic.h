/* SPDX-License-Identifier: MIT */
/* NIC: one per net device, keyed by ifindex; its records from kernel, udev and config */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "aggregate.h"
#include "ethtool.h"
#include "field.h"
#include "macro.h"
#include "record.h"
#include "schema-task.h"

#define NIC_RECORDS 4   /* connection hardware and current, task hardware and current */
/* The bytes of a NIC's settled records, encoded one after another in NIC_RECORDS order. */
#define NIC_SETTLED_SIZE (2 * RECORD_SIZE + 2 * TASK_RECORD_SIZE)

typedef struct Config Config;
typedef struct Mux Mux;

/* One raw MUXCAP_* value udev gave a NIC. A NIC has a few, of a hundred fields or more, so
 * it holds a list of those it has. */
typedef struct NicUdevValue {
        const RecordSchema *schema;     /* static */
        size_t field;
        char *raw;                      /* owned */
        char *bad;                      /* owned: last bad value logged, to log it once */
} NicUdevValue;

typedef struct Nic {
        int ifindex;
        char *name;                     /* owned */
        bool name_utf8;                 /* D-Bus can carry the name: only then it is published */
        char *kind;                     /* owned: rtnetlink link kind, NULL if none */
        char driver[32];
        unsigned short type;            /* ARPHRD_* */
        int master;                     /* ifindex of the master device, 0 if none */
        uint32_t tso_max_size;          /* IFLA_TSO_MAX_SIZE, 0 when not sent */
        uint32_t gso_max_size;          /* IFLA_GSO_MAX_SIZE, 0 when not sent */

        bool in_rtnl;                   /* the kernel reported it */
        bool in_udev;                   /* udev reported it initialized */
        bool rtnl_mark, udev_mark;      /* seen in the running re-enumeration */

        bool features_valid;
        NicFeatures features;
        NicUdevValue *udev;             /* owned: its MUXCAP_* values, of both record types */
        size_t n_udev;
        char **unknown_udev;            /* owned: MUXCAP_* names no schema knows, said once */
        size_t n_unknown_udev;

        /* Where each field of its settled records came from, both record types. Each source
         * sets a field in the hardware and the current record alike, so one array serves both
         * records of a type. */
        Source src[_FIELD_MAX];
        Source task_src[_TASK_FIELD_MAX];

        Mux *mux;                       /* weak: the kernel MUX this NIC is, cleared by mux_free() */

        /* Its records, as settled: what its MUXes' aggregates hold of it and what D-Bus shows.
         * Events only change the inputs (features, udev values, config) and mark it dirty; the
         * model computes the records from them once per sync (model_settle()) and folds the
         * difference into its MUXes. No other copy is kept. Held as their wire bytes, which
         * carry every field exactly (nic_settled_get() decodes one; a record's bytes all 0
         * until it is first set stand for the empty record): 472 bytes, where four
         * RecordValues took 1,664 (issue 24). */
        uint8_t settled[NIC_SETTLED_SIZE];
        bool folded;                    /* settled at least once: its MUXes hold its records */
        bool dirty;                     /* on the model's list of NICs to settle and publish */
        unsigned records_changed;       /* bit k: record k (MUX_RECORDS order) moved at settling */

        /* What D-Bus shows: written by publish.c, read by the service. */
        bool published;
        char *pub_name;                 /* owned: the name its object path was made from */
        char pub_driver[32];
        char **pub_muxes;               /* owned, NULL-terminated: the MUXes it is a member of */
        bool muxes_changed;             /* pub_muxes changed in the last topology rebuild */
        bool name_clash;                /* a MUX device whose name a declared MUX took: warned */
} Nic;

int nic_new(Nic **ret, int ifindex);
Nic *nic_free(Nic *n);
DEFINE_TRIVIAL_CLEANUP_FUNC(Nic *, nic_free)

int nic_set_name(Nic *n, const char *name);
int nic_set_kind(Nic *n, const char *kind);
int nic_set_udev_props(Nic *n, const char *const props[static _FIELD_MAX]);
int nic_set_task_udev_props(Nic *n, const char *const props[static _TASK_FIELD_MAX]);
/* The bad value of field @field of @s last logged, NULL when there is none. */
const char *nic_udev_bad_value(const Nic *n, const RecordSchema *s, size_t field);
/* Warns of each of the @count MUXCAP_* @names no schema knows, once per NIC and name. */
void nic_note_unknown_udev(Nic *n, const char *const *names, size_t count);
/* The records, in NIC_RECORDS order, from the three sources, highest precedence last; the
 * sources of each field go to @n. */
void nic_compute_records(Nic *n, const Config *config, RecordValue ret[static NIC_RECORDS]);
/* The schema of record @k (NIC_RECORDS order). */
const RecordSchema *nic_record_schema(size_t k);
/* The sources of the fields of record @k (NIC_RECORDS order) of @n, one per field. */
const Source *nic_sources(const Nic *n, size_t k);
/* Settled record @k (NIC_RECORDS order) of @n, into @ret. */
void nic_settled_get(const Nic *n, size_t k, RecordValue *ret);
/* Settled record @k of @n as its wire bytes (what schema_encode() writes), into @ret; returns
 * their size. */
size_t nic_settled_encoded(const Nic *n, size_t k, uint8_t ret[static SCHEMA_SIZE_MAX]);
/* Makes @v (of nic_record_schema(@k)) settled record @k of @n. Returns 1 when that changed it,
 * 0 when @v is the record held, -ERANGE (nothing changed) when a value does not fit its field. */
int nic_settled_set(Nic *n, size_t k, const RecordValue *v);
/* Whether @v is settled record @k of @n, compared as wire bytes (no decoding). */
bool nic_settled_equal(const Nic *n, size_t k, const RecordValue *v);
/* @v, settled hardware record @k (0 or 2) of @n, becomes that record as if @n could not turn
 * on @features: the fields the kernel gave are derived again. */
void nic_hardware_without(const Nic *n, size_t k, uint32_t features, RecordValue *v);

void kernel_records(const NicFeatures *features, unsigned short type, RecordValue *ret_hw,
                    RecordValue *ret_cur);
