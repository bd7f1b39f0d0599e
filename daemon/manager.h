/* SPDX-License-Identifier: MIT */
/* Manager: the daemon's top level; wires sources, model, publisher and service, owns them */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "macro.h"
#include "udev-source.h"

typedef struct Config Config;
typedef struct Manager Manager;

typedef struct ManagerOptions {
        const char *bus;                /* "system", "session" or an address */
        const char *config_path;
        bool config_missing_ok;
        UdevSourceMode udev_mode;
        int64_t coalesce_ms;            /* < 0: from the config */
        int udev_rcvbuf, rtnl_rcvbuf;   /* > 0: force small buffers (tests) */
} ManagerOptions;

int manager_new(Manager **ret, const ManagerOptions *options, Config *config);
Manager *manager_free(Manager *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(Manager *, manager_free)

int manager_start(Manager *m);
int manager_run(Manager *m);
