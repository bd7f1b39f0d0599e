/* SPDX-License-Identifier: MIT */
/* The model: NIC and MUX tables, membership and topology; knows nothing of D-Bus */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "ethtool.h"
#include "macro.h"
#include "rtnl-source.h"
#include "udev-source.h"

typedef struct Config Config;
typedef struct Mux Mux;
typedef struct Nic Nic;

/* What the model needs from outside: all optional. */
typedef struct ModelOps {
        /* Reads @name's features and driver (ethtool_read()); < 0 leaves the last ones. */
        int (*read_features)(void *userdata, const char *name, NicFeatures *ret_features,
                             char *ret_driver, size_t driver_size);
        void (*changed)(void *userdata);        /* the model changed: a sync is due */
        void (*lost)(void *userdata);           /* an event could not be stored: re-enumerate */
} ModelOps;

typedef struct Model {
        const Config *config;           /* borrowed: model_set_config() replaces it */
        bool udev_props;                /* udev daemon events: properties, initialized state */
        const ModelOps *ops;
        void *userdata;

        Nic **nics;                     /* owned, sorted by ifindex */
        size_t n_nics;
        Mux **muxes;                    /* owned, sorted by name */
        size_t n_muxes;

        /* Objects taken out of the tables since the last model_reap(), in the order they went:
         * the publisher withdraws what it had published, then reaps. They hold no pointer into
         * the tables, nor the tables into them. */
        Nic **gone_nics;                /* owned */
        size_t n_gone_nics;
        Mux **gone_muxes;               /* owned */
        size_t n_gone_muxes;

        bool resyncing;                 /* a re-enumeration runs: the dump's end sweeps */
        bool topology_dirty;            /* the MUX set may have changed: a full rebuild is due */
        /* NICs whose own membership may have changed (ifindexes, each once): the next rebuild
         * updates just their places in the member lists, unless a full one is due anyway. */
        int *touched;                   /* owned */
        size_t n_touched;
        bool names_changed;             /* a NIC was renamed: Members lists must be redone */
        bool lists_unsure;              /* an allocation failed: NIC Muxes may not match the member
                                         * lists until the next full rebuild */

        /* What the next sync must look at, so its work follows what changed: the NICs an event
         * touched (ifindexes, each once) and MUXes flagged dirty; or everything, after a full
         * rebuild or a new config (sweep). Cleared by model_sync_done(). */
        int *dirty;                     /* owned */
        size_t n_dirty;
        bool sweep;
} Model;

int model_new(Model **ret, const Config *config, bool udev_props, const ModelOps *ops, void *userdata);
Model *model_free(Model *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(Model *, model_free)

/* Inputs: every source event goes through one of these; each is idempotent. */
void model_link_new(Model *m, const RtnlLink *link);
void model_link_del(Model *m, int ifindex);
void model_dump_start(Model *m);
void model_dump_done(Model *m);
void model_udev_device(Model *m, const UdevEvent *ev);
void model_resync_begin(Model *m);
void model_udev_enumerated(Model *m);
void model_set_config(Model *m, const Config *config);

/* Brings the MUX set and the member lists up to date: a full rebuild when the MUX set may
 * have changed, else an update of the touched NICs' memberships only; both give the same. */
void model_rebuild_topology(Model *m);
/* Settles the dirty NICs' records (nic_settled_get()) and folds what moved into their MUXes: what a
 * sync does after model_rebuild_topology(), before it publishes. */
void model_settle(Model *m);
/* Whether @n must be looked at in this sync. */
Nic *model_dirty_nic(const Model *m, size_t i);
size_t model_n_dirty(const Model *m);
/* The sync looked at everything flagged: the flags and the list start over. */
void model_sync_done(Model *m);
/* Lets every MUX be computed once more in this sync (the cycle guard of mux_compute()). */
void model_reset_computation(Model *m);
/* A whole sync with nothing published: topology, settling, every MUX computed, flags
 * cleared. What the publisher's sync leaves in the model, for code that drives the model
 * alone (the benchmarks, the fuzz targets, the unit tests). */
void model_sync_unpublished(Model *m);
void model_reap(Model *m);

Nic *model_find_nic(const Model *m, int ifindex);
Nic *model_find_published_nic(const Model *m, const char *name);
Mux *model_find_mux(const Model *m, const char *name);
bool model_nic_is_visible(const Model *m, const Nic *n);
