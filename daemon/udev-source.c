/* SPDX-License-Identifier: MIT */
/* udev `net` monitor on libudev + libevent, and enumeration of existing net devices */
#include <assert.h>
#include <errno.h>
#include <event2/event.h>
#include <libudev.h>
#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "schemas.h"
#include "udev-source.h"

/* Events read per wake-up, so the other sources of the loop are not starved. The event is
 * level-triggered: what is left is read on the next round. */
#define UDEV_READ_BUDGET 64U

#define UDEV_CONTROL_PATH "/run/udev/control"

#define UDEV_PROPERTY_PREFIX "MUXCAP_"

/* Where one MUXCAP_* property goes in a UdevEvent: the connection record's props[] or the
 * task-offload record's task_props[]. */
typedef struct UdevPropertySlot {
        const char *name;               /* borrowed: the schema's udev name */
        bool task;                      /* task_props[] rather than props[] */
        size_t index;                   /* Field or TaskField */
} UdevPropertySlot;

#define UDEV_PROPERTY_SLOTS ((size_t) _FIELD_MAX + (size_t) _TASK_FIELD_MAX)

struct UdevSource {
        struct udev *udev;              /* owned */
        struct udev_monitor *monitor;   /* owned */
        struct event *event;            /* owned: persistent EV_READ on the monitor fd */
        UdevSourceMode mode;            /* resolved: UDEV or KERNEL */
        const UdevSourceOps *ops;       /* borrowed: outlives this */
        void *userdata;                 /* borrowed */
        /* Every MUXCAP_* name the schemas know, sorted by name: a device's properties are
         * walked once and each is looked up here, so the cost follows what the device has. */
        UdevPropertySlot slots[UDEV_PROPERTY_SLOTS];
        size_t n_slots;
};

static const char *const udev_source_mode_table[_UDEV_SOURCE_MODE_MAX] = {
        [UDEV_SOURCE_AUTO] = "auto",
        [UDEV_SOURCE_UDEV] = "udev",
        [UDEV_SOURCE_KERNEL] = "kernel",
};

static const char *const udev_action_table[_UDEV_ACTION_MAX] = {
        [UDEV_ACTION_ADD] = "add",
        [UDEV_ACTION_REMOVE] = "remove",
        [UDEV_ACTION_MOVE] = "move",
        [UDEV_ACTION_CHANGE] = "change",
};

/* udev_source_mode_{to,from}_string(): "auto", "udev", "kernel"; udev_action_{to,from}_string():
 * the actions we handle, _UDEV_ACTION_INVALID for others (bind, unbind, ...). */
DEFINE_STRING_TABLE_LOOKUP(udev_source_mode, UdevSourceMode)
DEFINE_STRING_TABLE_LOOKUP(udev_action, UdevAction)

/* Resolves AUTO by whether udevd's control socket @control_path exists. */
UdevSourceMode udev_source_mode_resolve(UdevSourceMode mode, const char *control_path) {
        if (mode != UDEV_SOURCE_AUTO)
                return mode;
        return access(control_path, F_OK) == 0 ? UDEV_SOURCE_UDEV : UDEV_SOURCE_KERNEL;
}

static int parse_ifindex(const char *s, int *ret) {
        char *end;
        long v;

        if (!s || *s < '0' || *s > '9')
                return -EINVAL;
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno != 0 || *end != '\0' || v <= 0 || v > INT_MAX)
                return -EINVAL;
        *ret = (int) v;
        return 0;
}

static int slot_compare(const void *a, const void *b) {
        return strcmp(((const UdevPropertySlot *) a)->name, ((const UdevPropertySlot *) b)->name);
}

static int slot_compare_name(const void *key, const void *slot) {
        return strcmp(key, ((const UdevPropertySlot *) slot)->name);
}

/* Fills the sorted name table from the two record schemas. */
static void udev_source_init_slots(UdevSource *s) {
        s->n_slots = 0;
        for (Field f = 0; f < _FIELD_MAX; f++)
                if (field_to_udev(f))
                        s->slots[s->n_slots++] = (UdevPropertySlot) { field_to_udev(f), false, f };
        for (size_t f = 0; f < _TASK_FIELD_MAX; f++)
                if (schema_task_offload.fields[f].udev)
                        s->slots[s->n_slots++] = (UdevPropertySlot) {
                                schema_task_offload.fields[f].udev, true, f };
        qsort(s->slots, s->n_slots, sizeof(s->slots[0]), slot_compare);
}

/* Puts the udev property @name=@value into the slot of @ev it names, if any: MUXCAP_* names
 * the schemas know; another MUXCAP_* name is noted as unknown (the model says so once per
 * device and name); everything else is left alone. Two fields may share a name: each gets
 * the value. */
void udev_source_set_property(const UdevSource *s, UdevEvent *ev, const char *name, const char *value) {
        const UdevPropertySlot *hit, *end = s->slots + s->n_slots;

        assert(s);
        assert(ev);

        if (!name || strncmp(name, UDEV_PROPERTY_PREFIX, strlen(UDEV_PROPERTY_PREFIX)) != 0)
                return;
        hit = bsearch(name, s->slots, s->n_slots, sizeof(s->slots[0]), slot_compare_name);
        if (!hit) {
                if (ev->n_unknown < UDEV_UNKNOWN_MAX)
                        ev->unknown[ev->n_unknown++] = name;
                return;
        }
        while (hit > s->slots && streq(hit[-1].name, name))
                hit--;
        for (; hit < end && streq(hit->name, name); hit++) {
                if (hit->task)
                        ev->task_props[hit->index] = value;
                else
                        ev->props[hit->index] = value;
        }
}

/* Builds the event for @dev and hands it to ops->device; drops what cannot be one. */
static void udev_source_dispatch(UdevSource *s, struct udev_device *dev, UdevAction action) {
        UdevEvent ev = { .action = action };
        struct udev_list_entry *entry;
        const char *sysname;

        /* The sysname only where INTERFACE is missing: it costs a lookup of its own. */
        if (parse_ifindex(udev_device_get_property_value(dev, "IFINDEX"), &ev.ifindex) < 0) {
                sysname = udev_device_get_sysname(dev);
                log_debug("udev: dropping %s event of '%s' without a valid IFINDEX",
                          udev_action_to_string(action), sysname ? sysname : "?");
                return;
        }

        ev.name = udev_device_get_property_value(dev, "INTERFACE");
        if (!ev.name)
                ev.name = udev_device_get_sysname(dev);
        if (!ev.name || ev.name[0] == '\0') {
                log_debug("udev: dropping %s event of ifindex %d without a name",
                          udev_action_to_string(action), ev.ifindex);
                return;
        }

        /* Raw kernel events carry no rule or hwdb properties, whatever they claim. One walk
         * over what the device has, rather than one lookup per field muxcap knows. */
        if (s->mode == UDEV_SOURCE_UDEV)
                udev_list_entry_foreach(entry, udev_device_get_properties_list_entry(dev))
                        udev_source_set_property(s, &ev, udev_list_entry_get_name(entry),
                                                 udev_list_entry_get_value(entry));

        log_debug("udev: %s '%s' (%d)", udev_action_to_string(action), ev.name, ev.ifindex);
        if (s->ops->device)
                s->ops->device(s->userdata, &ev);
}

static void udev_source_io_cb(evutil_socket_t fd, short what, void *userdata) {
        UdevSource *s = userdata;

        for (unsigned i = 0; i < UDEV_READ_BUDGET; i++) {
                struct udev_device *dev;
                UdevAction action;
                const char *a;

                errno = 0;
                dev = udev_monitor_receive_device(s->monitor);
                if (!dev) {
                        if (errno == EAGAIN || errno == EWOULDBLOCK)
                                return;
                        if (errno == EINTR)
                                continue;
                        if (errno == ENOBUFS) {
                                log_debug("udev: receive buffer overrun, device events were lost");
                                if (s->ops->overrun)
                                        s->ops->overrun(s->userdata);
                                continue;
                        }
                        /* A malformed or foreign message, already consumed: go on. */
                        log_debug_errno(errno, "udev: dropping unreadable message: %m");
                        continue;
                }

                a = udev_device_get_action(dev);
                action = udev_action_from_string(a);
                if (action < 0)
                        log_debug("udev: ignoring action '%s'", a ? a : "");
                else
                        udev_source_dispatch(s, dev, action);
                udev_device_unref(dev);
        }
}

/* Opens the monitor in @mode (AUTO is resolved here). On success @ret owns the new source
 * (free with udev_source_free()). Returns 0 or a negative errno. */
/* Receive buffer asked for: a burst of thousands of uevents fits. */
#define UDEV_RCVBUF (8 * 1024 * 1024)

int udev_source_new(UdevSource **ret, struct event_base *base, UdevSourceMode mode,
                    const UdevSourceOps *ops, void *userdata) {
        _cleanup_(udev_source_freep) UdevSource *s = NULL;
        int r;

        assert(ret);
        assert(base);
        assert(ops);

        if (mode < 0 || mode >= _UDEV_SOURCE_MODE_MAX)
                return -EINVAL;

        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        s->ops = ops;
        s->userdata = userdata;
        udev_source_init_slots(s);
        /* The caller says once that properties are unavailable in KERNEL mode. */
        s->mode = udev_source_mode_resolve(mode, UDEV_CONTROL_PATH);
        log_debug("udev: monitoring %s events", udev_source_mode_to_string(s->mode));

        s->udev = udev_new();
        if (!s->udev)
                return errno > 0 ? -errno : -ENOMEM;

        s->monitor = udev_monitor_new_from_netlink(s->udev,
                                                   s->mode == UDEV_SOURCE_UDEV ? "udev" : "kernel");
        if (!s->monitor)
                return errno > 0 ? -errno : -ENOMEM;
        r = udev_monitor_filter_add_match_subsystem_devtype(s->monitor, "net", NULL);
        if (r < 0)
                return r;
        r = udev_monitor_enable_receiving(s->monitor);
        if (r < 0)
                return r;
        /* As for rtnetlink: room for bursts. libudev tries SO_RCVBUFFORCE (CAP_NET_ADMIN);
         * without it, plain SO_RCVBUF up to net.core.rmem_max. */
        if (udev_monitor_set_receive_buffer_size(s->monitor, UDEV_RCVBUF) < 0) {
                int size = UDEV_RCVBUF;
                (void) setsockopt(udev_monitor_get_fd(s->monitor), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
        }

        s->event = event_new(base, udev_monitor_get_fd(s->monitor), EV_READ | EV_PERSIST,
                             udev_source_io_cb, s);
        if (!s->event)
                return -ENOMEM;
        if (event_add(s->event, NULL) < 0)
                return -EIO;

        *ret = steal_ptr(s);
        return 0;
}

/* Frees @s (NULL allowed, half-built allowed). Returns NULL. */
UdevSource *udev_source_free(UdevSource *s) {
        if (!s)
                return NULL;
        if (s->event)
                event_free(s->event);
        udev_monitor_unref(s->monitor);
        udev_unref(s->udev);
        free(s);
        return NULL;
}

/* Returns the resolved mode, UDEV_SOURCE_UDEV or UDEV_SOURCE_KERNEL. */
UdevSourceMode udev_source_get_mode(UdevSource *s) {
        assert(s);
        return s->mode;
}

/* Sets a plain SO_RCVBUF on the monitor socket (tests use it to force overruns). */
int udev_source_set_rcvbuf(UdevSource *s, int bytes) {
        assert(s);

        if (setsockopt(udev_monitor_get_fd(s->monitor), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) < 0)
                return -errno;
        return 0;
}

static void udev_devicep(struct udev_device **d) {
        if (*d)
                udev_device_unref(*d);
}

/* The sysfs path of the net device @name, into @buf. /sys/class/net/NAME is a symlink,
 * "../../devices/.../net/NAME"; libudev resolves a path one component at a time (an open, a
 * stat and a close each), and through the link that is twice the walk. One readlink() here
 * gives it the device's own path. Anything else (no link, a target of another shape) leaves
 * the class path, which libudev resolves itself. */
static void net_syspath(const char *name, char *buf, size_t size) {
        static const char prefix[] = "../../devices/";
        char link[PATH_MAX];
        ssize_t n;

        (void) snprintf(buf, size, "/sys/class/net/%s", name);
        n = readlink(buf, link, sizeof(link) - 1);
        if (n <= 0 || (size_t) n >= sizeof(link) - 1)
                return;
        link[n] = '\0';
        if (strncmp(link, prefix, strlen(prefix)) != 0 || strstr(link + strlen(prefix), "/.") ||
            strlen("/sys/") + (size_t) n - strlen("../../") >= size)
                return;
        (void) snprintf(buf, size, "/sys/%s", link + strlen("../../"));
}

/* The ADD event of the `net` device @name, through ops->device: one step of the enumeration,
 * taken for each link the rtnetlink dump reports. One device lookup, rather than a scan of
 * every net device in sysfs and a second lookup of each (libudev's enumeration makes a device
 * of each entry and hands out only its path: three times the system calls, measured). A
 * device without a parent lives in /sys/devices/virtual/net, where it is looked for first
 * when rtnetlink says it has none (@virtual): that saves resolving /sys/class/net/NAME, one
 * path walk of the dozen system calls the lookup costs. Anything else, or a device not found
 * there (a kernel before 5.15 names no parent), takes the class link. Returns 1 when the device
 * was reported, 0 when it was skipped (gone by now: its removal follows; not initialized by
 * udevd yet: udevd's add event follows), -EINVAL for a name no device can have, or another
 * negative errno. */
int udev_source_lookup(UdevSource *s, const char *name, bool virtual) {
        _cleanup_(udev_devicep) struct udev_device *dev = NULL;
        char syspath[PATH_MAX];

        assert(s);

        if (!name || name[0] == '\0' || strnlen(name, IFNAMSIZ) >= IFNAMSIZ || strchr(name, '/') ||
            streq(name, ".") || streq(name, ".."))
                return -EINVAL;
        if (virtual) {
                (void) snprintf(syspath, sizeof(syspath), "/sys/devices/virtual/net/%s", name);
                errno = 0;
                dev = udev_device_new_from_syspath(s->udev, syspath);
                if (!dev && errno == ENOMEM)
                        return -ENOMEM;
        }
        if (!dev) {
                net_syspath(name, syspath, sizeof(syspath));
                errno = 0;
                dev = udev_device_new_from_syspath(s->udev, syspath);
        }
        if (!dev) {
                if (errno == ENOMEM)
                        return -ENOMEM;
                log_debug("udev: '%s' vanished during enumeration", name);
                return 0;
        }
        /* udevd announces it with an add event once its rules ran. */
        if (s->mode == UDEV_SOURCE_UDEV && !udev_device_get_is_initialized(dev)) {
                log_debug("udev: skipping '%s', not initialized by udevd yet", name);
                return 0;
        }
        udev_source_dispatch(s, dev, UDEV_ACTION_ADD);
        return 1;
}
