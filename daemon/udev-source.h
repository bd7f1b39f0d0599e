/* SPDX-License-Identifier: MIT */
/* udev `net` monitor: add/remove/move/change events, from udevd or raw from the kernel */
#pragma once

#include <errno.h>
#include <stdbool.h>

#include "field.h"
#include "macro.h"
#include "schema-task.h"

struct event_base;

typedef struct UdevSource UdevSource;

typedef enum UdevAction {
        UDEV_ACTION_ADD,
        UDEV_ACTION_REMOVE,
        UDEV_ACTION_MOVE,
        UDEV_ACTION_CHANGE,
        _UDEV_ACTION_MAX,
        _UDEV_ACTION_INVALID = -EINVAL,
} UdevAction;

typedef enum UdevSourceMode {
        UDEV_SOURCE_AUTO,       /* UDEV when udevd runs (/run/udev/control exists), else KERNEL */
        UDEV_SOURCE_UDEV,       /* udevd's events, with properties from rules and hwdb */
        UDEV_SOURCE_KERNEL,     /* raw kernel uevents: no MUXCAP_* properties */
        _UDEV_SOURCE_MODE_MAX,
        _UDEV_SOURCE_MODE_INVALID = -EINVAL,
} UdevSourceMode;

#define UDEV_UNKNOWN_MAX 8

typedef struct UdevEvent {
        UdevAction action;
        int ifindex;                      /* IFINDEX property */
        const char *name;                 /* INTERFACE (new name on move); borrowed */
        const char *props[_FIELD_MAX];    /* raw MUXCAP_* values by Field (field_to_udev()), NULL
                                           * when absent; all NULL in kernel mode; borrowed */
        const char *task_props[_TASK_FIELD_MAX]; /* the same for the task-offload record's
                                                  * fields, by TaskField */
        const char *unknown[UDEV_UNKNOWN_MAX];   /* MUXCAP_* names no schema knows (a typo in
                                                  * a rule), the first UDEV_UNKNOWN_MAX */
        size_t n_unknown;
} UdevEvent;

/* Callbacks get @userdata as given to udev_source_new(); everything they are handed is
 * borrowed for the call's duration. They must not free the source. */
typedef struct UdevSourceOps {
        void (*device)(void *userdata, const UdevEvent *ev);
        void (*overrun)(void *userdata);   /* ENOBUFS on the monitor socket: re-enumerate */
} UdevSourceOps;

/* UdevSource */
/* Subscribes to `net` events and reads them from a persistent EV_READ event on @base. @ops is
 * borrowed (must outlive the source). Returns 0 or a negative errno. */
int udev_source_new(UdevSource **ret, struct event_base *base, UdevSourceMode mode,
                    const UdevSourceOps *ops, void *userdata);
UdevSource *udev_source_free(UdevSource *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(UdevSource *, udev_source_free)

UdevSourceMode udev_source_get_mode(UdevSource *s);   /* resolved: UDEV or KERNEL */
int udev_source_set_rcvbuf(UdevSource *s, int bytes); /* plain SO_RCVBUF, for tests */

/* Calls ops->device with the ADD event of the `net` device @name, synchronously, when it
 * exists and (in UDEV mode) udevd has initialized it: the enumeration, one call per link the
 * rtnetlink dump reports. @virtual: rtnetlink reported no parent device, so the device is
 * looked for under /sys/devices/virtual/net first. Returns 1 when reported, 0 when skipped,
 * or a negative errno. */
int udev_source_lookup(UdevSource *s, const char *name, bool virtual);

/* Sets the slot of @ev that the udev property @name names (a MUXCAP_* name of either record
 * schema) to @value, borrowed; other names are ignored. The device's properties go through
 * this one by one as they are walked. */
void udev_source_set_property(const UdevSource *s, UdevEvent *ev, const char *name, const char *value);

/* Strings */
const char *udev_source_mode_to_string(UdevSourceMode m);   /* "auto", "udev", "kernel" */
UdevSourceMode udev_source_mode_from_string(const char *s);
const char *udev_action_to_string(UdevAction a);            /* "add", "remove", "move", "change" */
UdevAction udev_action_from_string(const char *s);          /* _UDEV_ACTION_INVALID for others */

/* AUTO -> UDEV when @control_path (normally "/run/udev/control") exists, else KERNEL; other
 * modes are returned as they are. */
UdevSourceMode udev_source_mode_resolve(UdevSourceMode mode, const char *control_path);
