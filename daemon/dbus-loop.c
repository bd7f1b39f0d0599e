/* SPDX-License-Identifier: MIT */
/* libdbus on libevent: one libevent event per DBusWatch/DBusTimeout, plus a deferred dispatcher */

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <dbus/dbus.h>
#include <event2/event.h>

#include "dbus-loop.h"

/*
 * Rules libdbus imposes (NOTES.md "libdbus on libevent"):
 *  - the add/remove/toggled and dispatch-status callbacks run with the connection lock held:
 *    they only touch libevent, never the connection;
 *  - messages are dispatched from a deferred event (dispatch_event), in batches of at most
 *    DBUS_LOOP_DISPATCH_BATCH, so a flood on the bus cannot starve udev or netlink;
 *  - dbus_watch_handle() and dbus_timeout_handle() may remove the very watch/timeout being
 *    handled (disconnect, pending call timing out): its event is then already freed, so the
 *    callbacks touch nothing after handing control to libdbus.
 * The loop is single-threaded: everything runs on the thread running the event_base.
 */

struct DBusLoop {
        DBusConnection *conn;           /* owned reference */
        struct event_base *base;        /* borrowed: outlives this */
        struct event *dispatch_event;   /* owned: deferred dispatcher, fd -1 */
        bool in_dispatch;               /* dispatch_cb is running a handler */
        bool detached;                  /* detached while in_dispatch: dispatch_cb frees us */
};

/* Retry delay after libdbus ran out of memory while dispatching. */
static const struct timeval dispatch_retry_delay = { .tv_sec = 0, .tv_usec = 100 * 1000 };

/* Watches: the event lives in the watch's data slot, freed by libdbus through event_free. */

static void watch_cb(evutil_socket_t fd, short what, void *userdata) {
        DBusWatch *watch = userdata;
        unsigned flags = 0;

        if (what & EV_READ)
                flags |= DBUS_WATCH_READABLE;
        if (what & EV_WRITE)
                flags |= DBUS_WATCH_WRITABLE;

        /* FALSE means out of memory: libdbus disables the watch and retries later itself.
         * The watch (and our event) may be gone when this returns. */
        (void) dbus_watch_handle(watch, flags);
}

static void watch_free_data(void *data) {
        event_free(data);
}

static dbus_bool_t watch_add(DBusWatch *watch, void *userdata) {
        DBusLoop *l = userdata;
        unsigned flags = dbus_watch_get_flags(watch);
        short events = EV_PERSIST;
        struct event *ev;

        if (flags & DBUS_WATCH_READABLE)
                events |= EV_READ;
        if (flags & DBUS_WATCH_WRITABLE)
                events |= EV_WRITE;

        /* Flags hold READABLE/WRITABLE only and never change for a watch; HUP and ERR are
         * reported by epoll as readable/writable, and libdbus finds them when it reads. */
        ev = event_new(l->base, dbus_watch_get_unix_fd(watch), events, watch_cb, watch);
        if (!ev)
                return FALSE;
        if (dbus_watch_get_enabled(watch) && event_add(ev, NULL) < 0) {
                event_free(ev);
                return FALSE;
        }

        dbus_watch_set_data(watch, ev, watch_free_data);
        return TRUE;
}

static void watch_remove(DBusWatch *watch, void *userdata) {
        /* Frees the event now (set_data runs the old free function): a removed watch is
         * never touched again, even if libdbus keeps the DBusWatch alive a while. */
        dbus_watch_set_data(watch, NULL, NULL);
}

static void watch_toggled(DBusWatch *watch, void *userdata) {
        struct event *ev = dbus_watch_get_data(watch);

        if (!ev)
                return;
        if (dbus_watch_get_enabled(watch))
                (void) event_add(ev, NULL);
        else
                (void) event_del(ev);
}

/* Timeouts: a libevent timer, armed for the interval while libdbus says it is enabled. */

static void timeout_arm(struct event *ev, DBusTimeout *timeout) {
        int ms;

        if (!dbus_timeout_get_enabled(timeout)) {
                (void) event_del(ev);
                return;
        }

        ms = dbus_timeout_get_interval(timeout);
        if (ms < 0)
                ms = 0;
        (void) event_add(ev, &(struct timeval) {
                .tv_sec = ms / 1000,
                .tv_usec = (ms % 1000) * 1000,
        });
}

static void timeout_cb(evutil_socket_t fd, short what, void *userdata) {
        DBusTimeout *timeout = userdata;

        /* DBusTimeout is periodic: re-arm first, because handling it may remove it (a pending
         * call's timeout removes itself), which frees this event. A changed interval arrives
         * as toggle off + on, which re-arms with the new value. */
        timeout_arm(dbus_timeout_get_data(timeout), timeout);
        (void) dbus_timeout_handle(timeout);
}

static void timeout_free_data(void *data) {
        event_free(data);
}

static dbus_bool_t timeout_add(DBusTimeout *timeout, void *userdata) {
        DBusLoop *l = userdata;
        struct event *ev;

        ev = event_new(l->base, -1, 0, timeout_cb, timeout);
        if (!ev)
                return FALSE;

        dbus_timeout_set_data(timeout, ev, timeout_free_data);
        timeout_arm(ev, timeout);
        return TRUE;
}

static void timeout_remove(DBusTimeout *timeout, void *userdata) {
        dbus_timeout_set_data(timeout, NULL, NULL);
}

static void timeout_toggled(DBusTimeout *timeout, void *userdata) {
        struct event *ev = dbus_timeout_get_data(timeout);

        if (ev)
                timeout_arm(ev, timeout);
}

/* Dispatching */

static void dbus_loop_free(DBusLoop *l) {
        if (l->dispatch_event)
                event_free(l->dispatch_event);
        free(l);
}

static void dispatch_cb(evutil_socket_t fd, short what, void *userdata) {
        DBusLoop *l = userdata;
        DBusDispatchStatus s = DBUS_DISPATCH_DATA_REMAINS;

        l->in_dispatch = true;
        for (unsigned i = 0; i < DBUS_LOOP_DISPATCH_BATCH && s == DBUS_DISPATCH_DATA_REMAINS; i++) {
                /* Runs filters, object handlers and pending-call notifications; any of them
                 * may detach this loop (e.g. on Local.Disconnected). dispatch() keeps its
                 * own reference on the connection meanwhile. */
                s = dbus_connection_dispatch(l->conn);
                if (l->detached) {
                        dbus_loop_free(l);
                        return;
                }
        }
        l->in_dispatch = false;

        if (s == DBUS_DISPATCH_NEED_MEMORY)
                (void) event_add(l->dispatch_event, &dispatch_retry_delay);
        else if (s == DBUS_DISPATCH_DATA_REMAINS)
                /* Batch used up: yield to the other events of this turn and come back after
                 * them. libdbus will not call dispatch_status_cb (the status did not change). */
                event_active(l->dispatch_event, EV_TIMEOUT, 0);
}

static void dispatch_status_cb(DBusConnection *conn, DBusDispatchStatus status, void *userdata) {
        DBusLoop *l = userdata;

        /* Connection lock held: only note that a dispatch is needed. */
        if (status == DBUS_DISPATCH_DATA_REMAINS)
                event_active(l->dispatch_event, EV_TIMEOUT, 0);
        else if (status == DBUS_DISPATCH_NEED_MEMORY)
                (void) event_add(l->dispatch_event, &dispatch_retry_delay);
}

static void wakeup_main_cb(void *userdata) {
        DBusLoop *l = userdata;

        /* Called on every send, and when the dispatch status may have changed without a
         * notification (e.g. a message was queued): check the queue on the next turn. A
         * no-op when the event is already active. */
        event_active(l->dispatch_event, EV_TIMEOUT, 0);
}

/* Makes @base drive @conn: its watches, timeouts and message dispatch. Takes a reference on
 * @conn; the caller keeps its own and remains responsible for closing a private connection.
 * A connection is attached to at most one loop at a time. On success stores a new DBusLoop
 * in @ret (free with dbus_loop_detach()) and returns 0; -ENOMEM on failure. */
int dbus_loop_attach(DBusLoop **ret, DBusConnection *conn, struct event_base *base) {
        _cleanup_(dbus_loop_detachp) DBusLoop *l = NULL;

        assert(ret);
        assert(conn);
        assert(base);

        l = calloc(1, sizeof(*l));
        if (!l)
                return -ENOMEM;
        /* From here on dbus_loop_detach() undoes whatever was done, on any return. */
        l->base = base;
        l->conn = dbus_connection_ref(conn);
        l->dispatch_event = event_new(base, -1, 0, dispatch_cb, l);
        if (!l->dispatch_event)
                return -ENOMEM;

        if (!dbus_connection_set_watch_functions(conn, watch_add, watch_remove, watch_toggled,
                                                 l, NULL) ||
            !dbus_connection_set_timeout_functions(conn, timeout_add, timeout_remove,
                                                   timeout_toggled, l, NULL))
                return -ENOMEM;
        dbus_connection_set_wakeup_main_function(conn, wakeup_main_cb, l, NULL);
        dbus_connection_set_dispatch_status_function(conn, dispatch_status_cb, l, NULL);

        /* Messages may already be queued (NameAcquired after Hello): libdbus reports only
         * status changes, so look once. */
        event_active(l->dispatch_event, EV_TIMEOUT, 0);

        *ret = steal_ptr(l);
        return 0;
}

/* Undoes dbus_loop_attach(): removes the functions from the connection (which removes every
 * watch and timeout, freeing their events), frees the dispatcher and drops the loop's
 * reference on the connection. Safe to call from a message handler running inside the loop's
 * own dispatch. Accepts NULL; returns NULL. */
DBusLoop *dbus_loop_detach(DBusLoop *l) {
        if (!l)
                return NULL;

        /* Setting NULL functions calls the old remove function on every watch/timeout. */
        (void) dbus_connection_set_watch_functions(l->conn, NULL, NULL, NULL, NULL, NULL);
        (void) dbus_connection_set_timeout_functions(l->conn, NULL, NULL, NULL, NULL, NULL);
        dbus_connection_set_wakeup_main_function(l->conn, NULL, NULL, NULL);
        dbus_connection_set_dispatch_status_function(l->conn, NULL, NULL, NULL);
        dbus_connection_unref(l->conn);
        l->conn = NULL;

        if (l->in_dispatch) {
                /* dispatch_cb is on the stack and still holds @l: it frees it on return. */
                (void) event_del(l->dispatch_event);
                l->detached = true;
                return NULL;
        }

        dbus_loop_free(l);
        return NULL;
}

/* Connections */

static int errno_from_dbus_error(const DBusError *error) {
        static const struct {
                const char *name;
                int errnum;
        } table[] = {
                { DBUS_ERROR_NO_MEMORY, ENOMEM },
                { DBUS_ERROR_NO_SERVER, ECONNREFUSED },
                { DBUS_ERROR_FILE_NOT_FOUND, ENOENT },
                { DBUS_ERROR_BAD_ADDRESS, EINVAL },
                { DBUS_ERROR_NOT_SUPPORTED, EOPNOTSUPP },
                { DBUS_ERROR_ACCESS_DENIED, EACCES },
                { DBUS_ERROR_AUTH_FAILED, EACCES },
                { DBUS_ERROR_LIMITS_EXCEEDED, ENOBUFS },
                { DBUS_ERROR_NO_REPLY, ETIMEDOUT },
                { DBUS_ERROR_TIMEOUT, ETIMEDOUT },
                { DBUS_ERROR_DISCONNECTED, ECONNRESET },
                { DBUS_ERROR_NO_NETWORK, ENETUNREACH },
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (dbus_error_has_name(error, table[i].name))
                        return -table[i].errnum;
        return -EIO;
}

static DBusConnection *open_bus_connection(const char *bus, DBusError *error) {
        DBusConnection *conn;

        if (streq(bus, "system"))
                return dbus_bus_get_private(DBUS_BUS_SYSTEM, error);
        if (streq(bus, "session"))
                return dbus_bus_get_private(DBUS_BUS_SESSION, error);

        conn = dbus_connection_open_private(bus, error);
        if (!conn)
                return NULL;
        if (!dbus_bus_register(conn, error)) {
                dbus_connection_close(conn);
                dbus_connection_unref(conn);
                return NULL;
        }
        return conn;
}

/* Opens a new private connection to @bus: "system", "session", or a D-Bus server address
 * ("unix:path=/run/x"), registered with the bus (Hello), exit-on-disconnect off. The caller
 * owns the returned reference and must dbus_connection_close() it before the last unref.
 * This BLOCKS until the bus answers Hello (bounded by libdbus' default timeout): call it only
 * at start-up or when reconnecting, never from a message handler. Returns 0, or a negative
 * errno with a copy of libdbus' message in @reterr_message (if not NULL; free() it). */
int dbus_loop_open_bus(const char *bus, DBusConnection **ret, char **reterr_message) {
        DBusError error = DBUS_ERROR_INIT;
        DBusConnection *conn;
        int r;

        assert(bus);
        assert(ret);

        conn = open_bus_connection(bus, &error);
        if (!conn) {
                r = dbus_error_is_set(&error) ? errno_from_dbus_error(&error) : -ENOMEM;
                if (reterr_message)
                        *reterr_message = strdup(dbus_error_is_set(&error) ? error.message
                                                                          : "out of memory");
                dbus_error_free(&error);
                return r;
        }

        /* dbus_bus_get*() exits the process on disconnect: the caller handles
         * org.freedesktop.DBus.Local.Disconnected instead. */
        dbus_connection_set_exit_on_disconnect(conn, FALSE);
        *ret = conn;
        return 0;
}
