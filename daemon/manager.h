/* SPDX-License-Identifier: MIT */
/* Manager: the daemon's top-level context, owning sources, model, config and service */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"
#include "udev-source.h"

typedef struct Config Config;
typedef struct Ethtool Ethtool;
typedef struct Mux Mux;
typedef struct Nic Nic;
typedef struct RtnlSource RtnlSource;
typedef struct Service Service;
typedef struct UdevSource UdevSource;
struct event;
struct event_base;

typedef struct ManagerOptions {
        const char *bus;                /* "system", "session" or an address */
        const char *config_path;
        bool config_missing_ok;
        UdevSourceMode udev_mode;
        int64_t coalesce_ms;            /* < 0: from the config */
        int udev_rcvbuf, rtnl_rcvbuf;   /* > 0: force small buffers (tests) */
} ManagerOptions;

typedef struct Manager {
        struct event_base *base;        /* owned */
        ManagerOptions options;         /* strings borrowed from argv */
        Config *config;                 /* owned */
        uint32_t coalesce_ms;
        char instance_id[33];

        RtnlSource *rtnl;               /* owned */
        UdevSource *udev;               /* owned */
        Ethtool *ethtool;               /* owned */
        Service *service;               /* owned */
        bool udev_props;                /* udev daemon events: properties, initialized state */

        Nic **nics;                     /* owned, sorted by ifindex */
        size_t n_nics;
        Mux **muxes;                    /* owned, sorted by name */
        size_t n_muxes;

        bool started;                   /* first enumeration done, service up */
        bool ready;                     /* READY=1 sent */
        size_t notified_muxes, notified_nics;   /* what the last STATUS= said */
        bool resyncing;
        bool topology_dirty;            /* membership may have changed */
        bool names_changed;             /* a NIC was renamed: Members lists must be redone */
        struct event *sync_event;       /* owned: deferred recomputation */
        struct event *status_timer;     /* owned: rate limit of STATUS= updates */
        struct event *sigterm, *sigint, *sighup;        /* owned */
        struct event *watchdog;         /* owned: only when systemd asked for one */
        int exit_code;
} Manager;

int manager_new(Manager **ret, const ManagerOptions *options, Config *config);
Manager *manager_free(Manager *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(Manager *, manager_free)

int manager_start(Manager *m);
int manager_run(Manager *m);
void manager_exit(Manager *m, int code);

int manager_resync(Manager *m);
int manager_reload(Manager *m, char **reterr_message);

Nic *manager_find_nic_by_name(Manager *m, const char *name);
Mux *manager_find_mux(Manager *m, const char *name);
bool nic_is_visible(const Manager *m, const Nic *n);
