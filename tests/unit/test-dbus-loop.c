/* SPDX-License-Identifier: MIT */
/* Unit tests of daemon/dbus-loop.c against a private dbus-daemon started by the test */
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dbus/dbus.h>
#include <event2/event.h>

#include "dbus-loop.h"

#define TEST_IFACE "org.muxcap.Test"
#define TEST_PATH "/org/muxcap/Test"
#define N_SIGNALS 1000u

static pid_t bus_pid = -1;
static char bus_address[512];

/* The bus */

static bool find_in_path(const char *name) {
        const char *path = getenv("PATH");
        char buf[4096];

        if (!path)
                path = "/usr/bin:/bin";
        while (*path) {
                size_t n = strcspn(path, ":");
                int k = snprintf(buf, sizeof(buf), "%.*s/%s", (int) n, path, name);

                if (k < (int) sizeof(buf) && access(buf, X_OK) == 0)
                        return true;
                path += n + (path[n] == ':');
        }
        return false;
}

/* Starts dbus-daemon with a generated config (in a memfd, so nothing is left on disk) that
 * listens on an abstract socket named after our pid. The daemon gets SIGKILL when we die,
 * however we die (PR_SET_PDEATHSIG), so a failed assert leaves nothing running. */
static void bus_start(void) {
        static const char config_fmt[] =
                "<busconfig>\n"
                "  <listen>unix:abstract=muxcap-test-dbus-loop-%d</listen>\n"
                "  <auth>EXTERNAL</auth>\n"
                "  <policy context=\"default\">\n"
                "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
                "    <allow eavesdrop=\"true\"/>\n"
                "    <allow own=\"*\"/>\n"
                "  </policy>\n"
                "</busconfig>\n";
        char config[1024], arg_config[64], arg_print[64];
        pid_t parent = getpid();
        int cfg, addr[2], n;
        size_t len = 0;

        n = snprintf(config, sizeof(config), config_fmt, (int) parent);
        assert(n > 0 && n < (int) sizeof(config));
        cfg = memfd_create("dbus-config", 0);
        assert(cfg >= 0);
        assert(write(cfg, config, n) == n);
        assert(pipe(addr) == 0);

        bus_pid = fork();
        assert(bus_pid >= 0);
        if (bus_pid == 0) {
                if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
                        _exit(127);
                (void) close(addr[0]);
                (void) snprintf(arg_config, sizeof(arg_config), "--config-file=/proc/self/fd/%d",
                                cfg);
                (void) snprintf(arg_print, sizeof(arg_print), "--print-address=%d", addr[1]);
                execlp("dbus-daemon", "dbus-daemon", "--nofork", arg_config, arg_print,
                       (char *) NULL);
                _exit(127);
        }
        (void) close(cfg);
        (void) close(addr[1]);

        /* The address line is printed once the socket listens. */
        while (len < sizeof(bus_address) - 1 && !memchr(bus_address, '\n', len)) {
                struct pollfd p = { .fd = addr[0], .events = POLLIN };
                ssize_t k;

                assert(poll(&p, 1, 10000) == 1);
                k = read(addr[0], bus_address + len, sizeof(bus_address) - 1 - len);
                assert(k > 0);
                len += (size_t) k;
        }
        (void) close(addr[0]);
        bus_address[strcspn(bus_address, "\n")] = 0;
        assert(bus_address[0]);
}

static void bus_stop(void) {
        if (bus_pid <= 0)
                return;
        (void) kill(bus_pid, SIGTERM);
        (void) waitpid(bus_pid, NULL, 0);
        bus_pid = -1;
}

/* Peers: a connection and, when attached, its loop */

typedef struct Peer {
        DBusConnection *conn;   /* owned */
        DBusLoop *loop;         /* owned */
} Peer;

static void peer_open(Peer *p, struct event_base *base) {
        char *msg = NULL;
        int r;

        r = dbus_loop_open_bus(bus_address, &p->conn, &msg);
        if (r < 0) {
                fprintf(stderr, "connecting to %s: %s\n", bus_address, msg);
                abort();
        }
        assert(!msg);
        p->loop = NULL;
        if (base)
                assert(dbus_loop_attach(&p->loop, p->conn, base) == 0);
}

static void peer_close(Peer *p) {
        p->loop = dbus_loop_detach(p->loop);
        dbus_connection_close(p->conn);
        dbus_connection_unref(p->conn);
        p->conn = NULL;
}

static void peer_add_match(Peer *p) {
        DBusError error = DBUS_ERROR_INIT;

        /* Blocking, but only in set-up: the exchanges under test use the loop alone. */
        dbus_bus_add_match(p->conn, "type='signal',interface='" TEST_IFACE "'", &error);
        assert(!dbus_error_is_set(&error));
}

static void send_signals(Peer *p, unsigned n, bool big) {
        static char payload[257];
        const char *s = payload;

        memset(payload, big ? 'x' : 0, sizeof(payload) - 1);
        for (uint32_t i = 0; i < n; i++) {
                DBusMessage *m = dbus_message_new_signal(TEST_PATH, TEST_IFACE, "Seq");

                assert(m);
                assert(dbus_message_append_args(m, DBUS_TYPE_UINT32, &i, DBUS_TYPE_STRING, &s,
                                                DBUS_TYPE_INVALID));
                assert(dbus_connection_send(p->conn, m, NULL));
                dbus_message_unref(m);
        }
}

/* The loop */

static void guard_cb(evutil_socket_t fd, short what, void *userdata) {
        *(bool *) userdata = true;
}

/* Runs @base until *@done or @timeout_ms passed; returns *@done. */
static bool run_until(struct event_base *base, const bool *done, int timeout_ms) {
        struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
        bool timed_out = false;
        struct event *guard = evtimer_new(base, guard_cb, &timed_out);

        assert(guard);
        assert(evtimer_add(guard, &tv) == 0);
        while (!*done && !timed_out)
                assert(event_base_loop(base, EVLOOP_ONCE) == 0);
        event_free(guard);
        return *done;
}

static int count_cb(const struct event_base *base, const struct event *ev, void *userdata) {
        (*(unsigned *) userdata)++;
        return 0;
}

static unsigned count_events(struct event_base *base) {
        unsigned n = 0;

        assert(event_base_foreach_event(base, count_cb, &n) == 0);
        return n;
}

static uint64_t now_ms(void) {
        struct timespec ts;

        assert(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
        return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

/* Receiving sequence signals */

typedef struct SeqState {
        unsigned received;
        unsigned expected;
        bool done;
        struct event *probe;    /* borrowed: activated at the first signal */
        unsigned probe_at;      /* signals received when the probe ran */
        bool probe_ran;
        DBusLoop **detach;      /* borrowed: detach this loop at the first signal */
} SeqState;

static DBusHandlerResult seq_filter(DBusConnection *c, DBusMessage *m, void *userdata) {
        SeqState *st = userdata;
        uint32_t v;
        const char *s;

        if (!dbus_message_is_signal(m, TEST_IFACE, "Seq"))
                return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;

        assert(dbus_message_get_args(m, NULL, DBUS_TYPE_UINT32, &v, DBUS_TYPE_STRING, &s,
                                     DBUS_TYPE_INVALID));
        assert(v == st->received);
        st->received++;
        if (st->received == 1 && st->probe)
                event_active(st->probe, EV_TIMEOUT, 0);
        if (st->detach) {
                *st->detach = dbus_loop_detach(*st->detach);
                st->detach = NULL;
                st->done = true;
        }
        if (st->received == st->expected)
                st->done = true;
        return DBUS_HANDLER_RESULT_HANDLED;
}

static void probe_cb(evutil_socket_t fd, short what, void *userdata) {
        SeqState *st = userdata;

        st->probe_at = st->received;
        st->probe_ran = true;
}

static void test_open_bus_reports_bad_address(void) {
        DBusConnection *conn = (DBusConnection *) &conn;
        char *msg = NULL;

        assert(dbus_loop_open_bus("unix:path=/nonexistent/muxcap/bus", &conn, &msg) == -ENOENT);
        assert(msg && *msg);
        assert(conn == (DBusConnection *) &conn);
        free(msg);
        msg = NULL;

        assert(dbus_loop_open_bus("bogus:", &conn, &msg) == -EINVAL);
        assert(msg);
        assert(conn == (DBusConnection *) &conn);
        free(msg);

        assert(dbus_loop_open_bus("unix:path=/nonexistent/muxcap/bus", &conn, NULL) < 0);
}

/* Both peers on one base: the sender's queue drains through its write watch (the payload
 * overflows the socket buffer), the receiver's through read watch and dispatcher. */
static void test_signals_arrive_in_order_without_blocking(void) {
        struct event_base *base = event_base_new();
        SeqState st = { .expected = N_SIGNALS };
        Peer a, b;

        assert(base);
        peer_open(&a, base);
        peer_open(&b, base);
        peer_add_match(&b);
        assert(dbus_connection_add_filter(b.conn, seq_filter, &st, NULL));

        send_signals(&a, N_SIGNALS, true);
        assert(run_until(base, &st.done, 20000));
        assert(st.received == N_SIGNALS);

        dbus_connection_remove_filter(b.conn, seq_filter, &st);
        peer_close(&a);
        peer_close(&b);
        assert(count_events(base) == 0);
        event_base_free(base);
}

/* With more than a batch queued, another event activated during the first batch runs
 * before the queue is drained: the dispatcher does not starve other sources. */
static void test_dispatch_is_bounded_so_other_events_run(void) {
        struct event_base *base = event_base_new();
        SeqState st = { .expected = N_SIGNALS };
        struct event *probe;
        unsigned quiet = 0;
        uint64_t deadline;
        Peer a, b;
        int fd;

        assert(base);
        peer_open(&a, NULL);
        peer_open(&b, NULL);
        peer_add_match(&b);
        assert(dbus_connection_add_filter(b.conn, seq_filter, &st, NULL));
        probe = event_new(base, -1, 0, probe_cb, &st);
        assert(probe);
        st.probe = probe;

        /* Set-up, blocking on purpose: get every signal into b's incoming queue, undispatched. */
        send_signals(&a, N_SIGNALS, false);
        dbus_connection_flush(a.conn);
        assert(dbus_connection_get_unix_fd(b.conn, &fd));
        deadline = now_ms() + 10000;
        while (quiet < 3) {
                int avail = 0;

                assert(now_ms() < deadline);
                assert(dbus_connection_read_write(b.conn, 50));
                assert(ioctl(fd, FIONREAD, &avail) == 0);
                quiet = avail == 0 ? quiet + 1 : 0;
        }
        assert(st.received == 0);

        assert(dbus_loop_attach(&b.loop, b.conn, base) == 0);
        assert(run_until(base, &st.done, 20000));
        assert(st.received == N_SIGNALS);
        assert(st.probe_ran);
        assert(st.probe_at > 0 && st.probe_at < N_SIGNALS);
        assert(st.probe_at <= DBUS_LOOP_DISPATCH_BATCH);

        event_free(probe);
        dbus_connection_remove_filter(b.conn, seq_filter, &st);
        peer_close(&a);
        peer_close(&b);
        assert(count_events(base) == 0);
        event_base_free(base);
}

/* Method calls: a replied call and one left unanswered, whose pending call times out
 * through a DBusTimeout driven by libevent. */
static DBusHandlerResult echo_handler(DBusConnection *c, DBusMessage *m, void *userdata) {
        DBusMessage *reply;
        const char *s;

        if (dbus_message_is_method_call(m, TEST_IFACE, "Ignore"))
                return DBUS_HANDLER_RESULT_HANDLED;
        if (!dbus_message_is_method_call(m, TEST_IFACE, "Echo"))
                return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;

        assert(dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &s, DBUS_TYPE_INVALID));
        reply = dbus_message_new_method_return(m);
        assert(reply);
        assert(dbus_message_append_args(reply, DBUS_TYPE_STRING, &s, DBUS_TYPE_INVALID));
        assert(dbus_connection_send(c, reply, NULL));
        dbus_message_unref(reply);
        return DBUS_HANDLER_RESULT_HANDLED;
}

typedef struct CallState {
        bool done;
        char error[256];
        char echoed[64];
        uint64_t finished_ms;
} CallState;

static void call_notify(DBusPendingCall *pending, void *userdata) {
        CallState *cs = userdata;
        DBusMessage *reply = dbus_pending_call_steal_reply(pending);
        DBusError error = DBUS_ERROR_INIT;
        const char *s;

        assert(reply);
        if (dbus_set_error_from_message(&error, reply)) {
                (void) snprintf(cs->error, sizeof(cs->error), "%s", error.name);
                dbus_error_free(&error);
        } else {
                assert(dbus_message_get_args(reply, NULL, DBUS_TYPE_STRING, &s,
                                             DBUS_TYPE_INVALID));
                (void) snprintf(cs->echoed, sizeof(cs->echoed), "%s", s);
        }
        dbus_message_unref(reply);
        cs->finished_ms = now_ms();
        cs->done = true;
}

static void start_call(Peer *from, Peer *to, const char *method, int timeout_ms,
                       CallState *cs) {
        const char *arg = "hello";
        DBusPendingCall *pending = NULL;
        DBusMessage *m;

        m = dbus_message_new_method_call(dbus_bus_get_unique_name(to->conn), TEST_PATH,
                                         TEST_IFACE, method);
        assert(m);
        assert(dbus_message_append_args(m, DBUS_TYPE_STRING, &arg, DBUS_TYPE_INVALID));
        assert(dbus_connection_send_with_reply(from->conn, m, &pending, timeout_ms));
        assert(pending);
        assert(dbus_pending_call_set_notify(pending, call_notify, cs, NULL));
        dbus_pending_call_unref(pending);
        dbus_message_unref(m);
}

static void test_pending_call_reply_and_timeout(void) {
        static const DBusObjectPathVTable vtable = { .message_function = echo_handler };
        struct event_base *base = event_base_new();
        CallState echo = { 0 }, ignored = { 0 };
        uint64_t start;
        Peer a, b;

        assert(base);
        peer_open(&a, base);
        peer_open(&b, base);
        assert(dbus_connection_register_object_path(a.conn, TEST_PATH, &vtable, NULL));

        start_call(&b, &a, "Echo", 5000, &echo);
        assert(run_until(base, &echo.done, 10000));
        assert(echo.error[0] == 0);
        assert(streq(echo.echoed, "hello"));

        start = now_ms();
        start_call(&b, &a, "Ignore", 200, &ignored);
        assert(run_until(base, &ignored.done, 10000));
        assert(streq(ignored.error, DBUS_ERROR_NO_REPLY));
        assert(ignored.finished_ms - start >= 150);
        assert(ignored.finished_ms - start < 5000);

        assert(dbus_connection_unregister_object_path(a.conn, TEST_PATH));
        peer_close(&a);
        peer_close(&b);
        assert(count_events(base) == 0);
        event_base_free(base);
}

/* A handler may detach the loop that is dispatching it (as the service does on
 * Disconnected): nothing is touched afterwards (ASan checks) and the rest stays queued. */
static void test_detach_inside_handler(void) {
        struct event_base *base = event_base_new();
        SeqState st = { .expected = 10 };
        bool settle = false;
        Peer a, b;

        assert(base);
        peer_open(&a, base);
        peer_open(&b, base);
        peer_add_match(&b);
        assert(dbus_connection_add_filter(b.conn, seq_filter, &st, NULL));
        st.detach = &b.loop;

        send_signals(&a, 10, false);
        assert(run_until(base, &st.done, 10000));
        assert(!b.loop);
        assert(st.received == 1);

        /* Keep the loop turning: a's events only, b's are gone. */
        (void) run_until(base, &settle, 200);
        assert(st.received == 1);

        dbus_connection_remove_filter(b.conn, seq_filter, &st);
        peer_close(&b);
        peer_close(&a);
        assert(count_events(base) == 0);
        event_base_free(base);
}

/* Detaching right after attaching, with nothing run, frees every event too. */
static void test_detach_leaves_no_events(void) {
        struct event_base *base = event_base_new();
        DBusLoop *l = NULL;
        Peer a;

        assert(base);
        peer_open(&a, NULL);
        assert(count_events(base) == 0);
        assert(dbus_loop_attach(&l, a.conn, base) == 0);
        assert(count_events(base) > 0);
        l = dbus_loop_detach(l);
        assert(!l);
        assert(count_events(base) == 0);
        assert(!dbus_loop_detach(NULL));

        peer_close(&a);
        event_base_free(base);
}

/* The bus going away reaches the handler as Local.Disconnected, through a watch whose
 * handling removes the watches themselves. Stops the bus: runs last. */
typedef struct DiscState {
        unsigned n;
        bool done;
} DiscState;

static DBusHandlerResult disconnect_filter(DBusConnection *c, DBusMessage *m, void *userdata) {
        DiscState *ds = userdata;

        if (!dbus_message_is_signal(m, DBUS_INTERFACE_LOCAL, "Disconnected"))
                return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
        if (++ds->n == 2)
                ds->done = true;
        return DBUS_HANDLER_RESULT_HANDLED;
}

static void test_disconnect_reaches_handler(void) {
        struct event_base *base = event_base_new();
        DiscState ds = { 0 };
        Peer a, b;

        assert(base);
        peer_open(&a, base);
        peer_open(&b, base);
        assert(dbus_connection_add_filter(a.conn, disconnect_filter, &ds, NULL));
        assert(dbus_connection_add_filter(b.conn, disconnect_filter, &ds, NULL));

        bus_stop();
        assert(run_until(base, &ds.done, 10000));
        assert(!dbus_connection_get_is_connected(a.conn));

        dbus_connection_remove_filter(a.conn, disconnect_filter, &ds);
        dbus_connection_remove_filter(b.conn, disconnect_filter, &ds);
        peer_close(&a);
        peer_close(&b);
        assert(count_events(base) == 0);
        event_base_free(base);
}

int main(void) {
        if (!find_in_path("dbus-daemon")) {
                fprintf(stderr, "dbus-daemon not found, skipping\n");
                return 77;
        }
        (void) signal(SIGPIPE, SIG_IGN);

        bus_start();
        test_open_bus_reports_bad_address();
        test_signals_arrive_in_order_without_blocking();
        test_dispatch_is_bounded_so_other_events_run();
        test_pending_call_reply_and_timeout();
        test_detach_inside_handler();
        test_detach_leaves_no_events();
        test_disconnect_reaches_handler();
        bus_stop();

        dbus_shutdown();
        return 0;
}
