/* SPDX-License-Identifier: MIT */
/* libmuxcap: the client object, its bus connection, and libdbus driven by any poll loop */

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client-internal.h"
#include "macro.h"

static uint64_t now_usec(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

/* Watches and timeouts are kept in small arrays: a unix socket connection has two watches and
 * one timeout per pending call. */
static int ptr_array_add(void ***array, size_t *n, void *p) {
        void **a = realloc(*array, (*n + 1) * sizeof(void *));

        if (!a)
                return -ENOMEM;
        a[(*n)++] = p;
        *array = a;
        return 0;
}

static void ptr_array_remove(void **array, size_t *n, void *p) {
        for (size_t i = 0; i < *n; i++)
                if (array[i] == p) {
                        memmove(array + i, array + i + 1, (*n - i - 1) * sizeof(void *));
                        (*n)--;
                        return;
                }
}

static bool ptr_array_contains(void **array, size_t n, void *p) {
        for (size_t i = 0; i < n; i++)
                if (array[i] == p)
                        return true;
        return false;
}

static dbus_bool_t add_watch_cb(DBusWatch *w, void *userdata) {
        struct muxcap_client *c = userdata;

        return ptr_array_add((void ***) &c->watches, &c->n_watches, w) >= 0;
}

static void remove_watch_cb(DBusWatch *w, void *userdata) {
        struct muxcap_client *c = userdata;

        ptr_array_remove((void **) c->watches, &c->n_watches, w);
}

static void toggle_watch_cb(DBusWatch *w, void *userdata) {
        /* Nothing to do: muxcap_client_get_events() reads the enabled flags each time. */
}

static void timeout_arm(DBusTimeout *t) {
        uint64_t *deadline = dbus_timeout_get_data(t);

        *deadline = now_usec() + (uint64_t) dbus_timeout_get_interval(t) * 1000u;
}

static dbus_bool_t add_timeout_cb(DBusTimeout *t, void *userdata) {
        struct muxcap_client *c = userdata;
        uint64_t *deadline = malloc(sizeof(*deadline));

        if (!deadline)
                return FALSE;
        if (ptr_array_add((void ***) &c->timeouts, &c->n_timeouts, t) < 0) {
                free(deadline);
                return FALSE;
        }
        dbus_timeout_set_data(t, deadline, free);
        timeout_arm(t);
        return TRUE;
}

static void remove_timeout_cb(DBusTimeout *t, void *userdata) {
        struct muxcap_client *c = userdata;

        ptr_array_remove((void **) c->timeouts, &c->n_timeouts, t);
}

static void toggle_timeout_cb(DBusTimeout *t, void *userdata) {
        if (dbus_timeout_get_enabled(t))
                timeout_arm(t);
}

static int client_connect(struct muxcap_client *c, const char *bus) {
        DBusError error;
        DBusConnection *conn;
        int r;

        dbus_error_init(&error);
        if (!bus || streq(bus, "system"))
                conn = dbus_bus_get_private(DBUS_BUS_SYSTEM, &error);
        else if (streq(bus, "session"))
                conn = dbus_bus_get_private(DBUS_BUS_SESSION, &error);
        else {
                conn = dbus_connection_open_private(bus, &error);
                if (conn && !dbus_bus_register(conn, &error)) {
                        dbus_connection_close(conn);
                        dbus_connection_unref(conn);
                        conn = NULL;
                }
        }
        if (!conn) {
                if (dbus_error_has_name(&error, DBUS_ERROR_NO_MEMORY))
                        r = -ENOMEM;
                else if (dbus_error_has_name(&error, DBUS_ERROR_BAD_ADDRESS))
                        r = -EINVAL;
                else
                        r = -ECONNREFUSED;
                dbus_error_free(&error);
                return r;
        }
        c->conn = conn;
        dbus_connection_set_exit_on_disconnect(conn, FALSE);
        if (!dbus_connection_set_watch_functions(conn, add_watch_cb, remove_watch_cb,
                                                 toggle_watch_cb, c, NULL) ||
            !dbus_connection_set_timeout_functions(conn, add_timeout_cb, remove_timeout_cb,
                                                   toggle_timeout_cb, c, NULL) ||
            !dbus_connection_add_filter(conn, subscription_filter_cb, c, NULL))
                return -ENOMEM;
        return 0;
}

int muxcap_client_new(struct muxcap_client **ret, const char *bus) {
        struct muxcap_client *c;
        int r;

        if (!ret || (bus && !*bus))
                return -EINVAL;
        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        r = client_connect(c, bus);
        if (r < 0) {
                (void) muxcap_client_unref(c);
                return r;
        }
        *ret = c;
        return 0;
}

struct muxcap_client *muxcap_client_unref(struct muxcap_client *c) {
        if (!c)
                return NULL;
        while (c->subscriptions) {
                Subscription *s = c->subscriptions;

                c->subscriptions = s->next;
                (void) subscription_free(s);
        }
        if (c->conn) {
                dbus_connection_close(c->conn);
                dbus_connection_unref(c->conn);  /* drops the watches and timeouts */
        }
        free(c->watches);
        free(c->timeouts);
        free(c->error_message);
        free(c);
        return NULL;
}

int muxcap_client_get_fd(struct muxcap_client *c) {
        int fd = -1;

        if (!c)
                return -EINVAL;
        if (!dbus_connection_get_socket(c->conn, &fd) || fd < 0)
                return -ENOTCONN;
        return fd;
}

int muxcap_client_get_events(struct muxcap_client *c) {
        int events = 0;

        if (!c)
                return -EINVAL;
        if (c->disconnected)
                return -ENOTCONN;
        for (size_t i = 0; i < c->n_watches; i++) {
                unsigned flags;

                if (!dbus_watch_get_enabled(c->watches[i]))
                        continue;
                flags = dbus_watch_get_flags(c->watches[i]);
                if (flags & DBUS_WATCH_READABLE)
                        events |= POLLIN;
                if (flags & DBUS_WATCH_WRITABLE)
                        events |= POLLOUT;
        }
        return events;
}

int muxcap_client_get_timeout(struct muxcap_client *c, int *ret_timeout_ms) {
        uint64_t now, earliest = UINT64_MAX;

        if (!c || !ret_timeout_ms)
                return -EINVAL;
        if (c->disconnected ||
            dbus_connection_get_dispatch_status(c->conn) != DBUS_DISPATCH_COMPLETE) {
                *ret_timeout_ms = 0;
                return 0;
        }
        for (size_t i = 0; i < c->n_timeouts; i++) {
                const uint64_t *deadline = dbus_timeout_get_data(c->timeouts[i]);

                if (dbus_timeout_get_enabled(c->timeouts[i]) && *deadline < earliest)
                        earliest = *deadline;
        }
        if (earliest == UINT64_MAX) {
                *ret_timeout_ms = -1;
                return 0;
        }
        now = now_usec();
        if (earliest <= now)
                *ret_timeout_ms = 0;
        else if ((earliest - now + 999) / 1000 > INT_MAX)
                *ret_timeout_ms = INT_MAX;
        else
                *ret_timeout_ms = (int) ((earliest - now + 999) / 1000);
        return 0;
}

static void client_handle_io(struct muxcap_client *c) {
        struct pollfd p = { .fd = -1 };
        DBusWatch **snapshot;
        size_t n;
        int events;

        events = muxcap_client_get_events(c);
        p.fd = muxcap_client_get_fd(c);
        if (events < 0 || p.fd < 0)
                return;
        p.events = (short) events;
        if (poll(&p, 1, 0) <= 0 || p.revents == 0)
                return;

        /* Handling a watch may add or remove watches: walk a copy, and skip the removed. */
        n = c->n_watches;
        snapshot = malloc(n * sizeof(*snapshot) + 1);
        if (!snapshot)
                return;
        memcpy(snapshot, c->watches, n * sizeof(*snapshot));
        for (size_t i = 0; i < n; i++) {
                unsigned flags = 0, want;

                if (!ptr_array_contains((void **) c->watches, c->n_watches, snapshot[i]) ||
                    !dbus_watch_get_enabled(snapshot[i]))
                        continue;
                want = dbus_watch_get_flags(snapshot[i]);
                if ((want & DBUS_WATCH_READABLE) && (p.revents & POLLIN))
                        flags |= DBUS_WATCH_READABLE;
                if ((want & DBUS_WATCH_WRITABLE) && (p.revents & POLLOUT))
                        flags |= DBUS_WATCH_WRITABLE;
                if (p.revents & POLLHUP)
                        flags |= DBUS_WATCH_HANGUP;
                if (p.revents & (POLLERR | POLLNVAL))
                        flags |= DBUS_WATCH_ERROR;
                if (flags)
                        (void) dbus_watch_handle(snapshot[i], flags);
        }
        free(snapshot);
}

static void client_handle_timeouts(struct muxcap_client *c) {
        DBusTimeout **snapshot;
        uint64_t now = now_usec();
        size_t n = c->n_timeouts;

        snapshot = malloc(n * sizeof(*snapshot) + 1);
        if (!snapshot)
                return;
        memcpy(snapshot, c->timeouts, n * sizeof(*snapshot));
        for (size_t i = 0; i < n; i++) {
                uint64_t *deadline;

                if (!ptr_array_contains((void **) c->timeouts, c->n_timeouts, snapshot[i]) ||
                    !dbus_timeout_get_enabled(snapshot[i]))
                        continue;
                deadline = dbus_timeout_get_data(snapshot[i]);
                if (*deadline > now)
                        continue;
                timeout_arm(snapshot[i]);       /* DBusTimeouts are periodic */
                (void) dbus_timeout_handle(snapshot[i]);
        }
        free(snapshot);
}

int muxcap_client_dispatch(struct muxcap_client *c) {
        if (!c)
                return -EINVAL;
        c->dispatching++;
        if (!c->disconnected) {
                client_handle_io(c);
                client_handle_timeouts(c);
        }
        while (dbus_connection_dispatch(c->conn) == DBUS_DISPATCH_DATA_REMAINS)
                ;
        c->dispatching--;
        client_reap_subscriptions(c);
        return c->disconnected ? -ECONNRESET : 0;
}

int muxcap_client_run(struct muxcap_client *c) {
        int r;

        if (!c)
                return -EINVAL;
        c->stop = false;
        for (;;) {
                struct pollfd p = { .fd = -1 };
                int timeout_ms;

                r = muxcap_client_dispatch(c);
                if (r < 0)
                        return r;
                if (c->stop)
                        return 0;
                r = muxcap_client_get_events(c);
                if (r < 0)
                        return -ECONNRESET;
                p.events = (short) r;
                p.fd = muxcap_client_get_fd(c);
                if (p.fd < 0)
                        return -ECONNRESET;
                r = muxcap_client_get_timeout(c, &timeout_ms);
                if (r < 0)
                        return r;
                if (poll(&p, 1, timeout_ms) < 0 && errno != EINTR)
                        return -errno;
        }
}

int muxcap_client_stop(struct muxcap_client *c) {
        if (!c)
                return -EINVAL;
        c->stop = true;
        return 0;
}
