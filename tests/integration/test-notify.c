/* SPDX-License-Identifier: MIT */
/* muxcapd's sd_notify protocol, read from a NOTIFY_SOCKET the test listens on: READY=1 with
 * the first published state, STATUS= counts (rate-limited), WATCHDOG=1, STOPPING=1. */
#undef NDEBUG
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "bus-path.h"

#define WATCHDOG_USEC 400000
#define STATUS_DELAY_MS 1500    /* rate limit of one per second, plus event latency */

#define FAIL(...)                                                       \
        do {                                                            \
                fprintf(stderr, "FAIL: " __VA_ARGS__);                  \
                fputc('\n', stderr);                                    \
                exit(1);                                                \
        } while (0)

/* The test's own notify socket, with the sender's credentials on every datagram. */
typedef struct Notify {
        int fd;
        char path[sizeof(((struct sockaddr_un *) 0)->sun_path)];
} Notify;

typedef struct Message {
        char text[4096];
        pid_t pid;              /* the sender, from SCM_CREDENTIALS */
        uint64_t at;            /* util_now_ms() when the kernel queued it */
} Message;

static void notify_open(Notify *n) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int one = 1;

        snprintf(n->path, sizeof(n->path), "%s/test-notify.sock", getenv("MUXCAP_TEST_DIR"));
        (void) unlink(n->path);
        strcpy(sa.sun_path, n->path);
        n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        assert(n->fd >= 0);
        assert(bind(n->fd, (struct sockaddr *) &sa, sizeof(sa)) == 0);
        assert(setsockopt(n->fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) == 0);
        assert(setsockopt(n->fd, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof(one)) == 0);
}

static void notify_close(Notify *n) {
        if (n->fd >= 0)
                (void) close(n->fd);
        (void) unlink(n->path);
}

/* Returns true with the next datagram in @ret, false after @timeout_ms without one. */
static bool notify_recv(Notify *n, int timeout_ms, Message *ret) {
        uint64_t deadline = util_now_ms() + (uint64_t) timeout_ms;

        for (;;) {
                union {
                        struct cmsghdr h;
                        char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(struct timeval))];
                } control;
                struct iovec iov = { .iov_base = ret->text, .iov_len = sizeof(ret->text) - 1 };
                struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
                                     .msg_control = &control, .msg_controllen = sizeof(control) };
                struct pollfd pfd = { .fd = n->fd, .events = POLLIN };
                uint64_t now;
                ssize_t k;

                k = recvmsg(n->fd, &mh, MSG_CMSG_CLOEXEC);
                if (k >= 0) {
                        ret->text[k] = 0;
                        ret->pid = 0;
                        ret->at = util_now_ms();
                        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
                                if (c->cmsg_level != SOL_SOCKET)
                                        continue;
                                if (c->cmsg_type == SCM_CREDENTIALS) {
                                        struct ucred u;
                                        memcpy(&u, CMSG_DATA(c), sizeof(u));
                                        ret->pid = u.pid;
                                } else if (c->cmsg_type == SCM_TIMESTAMP) {
                                        /* When it was queued: it may have waited for us. */
                                        struct timeval tv;
                                        struct timespec rt;
                                        uint64_t sent, real;

                                        memcpy(&tv, CMSG_DATA(c), sizeof(tv));
                                        (void) clock_gettime(CLOCK_REALTIME, &rt);
                                        sent = (uint64_t) tv.tv_sec * 1000 + (uint64_t) tv.tv_usec / 1000;
                                        real = (uint64_t) rt.tv_sec * 1000 + (uint64_t) rt.tv_nsec / 1000000;
                                        if (real >= sent && real - sent < ret->at)
                                                ret->at -= real - sent;
                                }
                        }
                        return true;
                }
                assert(errno == EAGAIN);
                now = util_now_ms();
                if (now >= deadline)
                        return false;
                (void) poll(&pfd, 1, (int) (deadline - now));
        }
}

/* Whether @text has the line @line ("READY=1"). */
static bool has_line(const char *text, const char *line) {
        size_t n = strlen(line);

        for (const char *s = text; s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
                if (strncmp(s, line, n) == 0 && (s[n] == '\n' || s[n] == 0))
                        return true;
        return false;
}

/* Parses the STATUS= line; false when there is none. Aborts on a malformed one. */
static bool parse_status(const char *text, unsigned *ret_muxes, unsigned *ret_nics) {
        for (const char *s = text; s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
                if (strncmp(s, "STATUS=", 7) == 0) {
                        if (sscanf(s, "STATUS=%u MUXes, %u NICs", ret_muxes, ret_nics) != 2)
                                FAIL("malformed status '%s'", s);
                        return true;
                }
        return false;
}

static unsigned kernel_nic_count(void) {
        DIR *d = opendir("/sys/class/net");
        struct dirent *e;
        unsigned n = 0;

        assert(d);
        while ((e = readdir(d)))
                if (e->d_name[0] != '.')
                        n++;
        closedir(d);
        return n;
}

/* Counts the NIC objects in GetManagedObjects and checks the MUX @mux: its Members are
 * exactly @member and its Generation is 1 (the first publication). */
static unsigned check_managed_objects(DBusConnection *c, const char *mux, const char *member) {
        DBusMessage *m = util_call(c, BUS_NAME, BUS_ROOT_PATH, "org.freedesktop.DBus.ObjectManager",
                                   "GetManagedObjects", DBUS_TYPE_INVALID);
        _cleanup_free_ char *mux_path = NULL;
        DBusMessageIter it, objs;
        unsigned nics = 0;
        bool found = false;

        assert(asprintf(&mux_path, BUS_ROOT_PATH "/mux/%s", mux) > 0);
        if (dbus_message_get_type(m) != DBUS_MESSAGE_TYPE_METHOD_RETURN)
                FAIL("GetManagedObjects: %s", dbus_message_get_error_name(m));
        assert(dbus_message_iter_init(m, &it));
        dbus_message_iter_recurse(&it, &objs);
        for (; dbus_message_iter_get_arg_type(&objs) == DBUS_TYPE_DICT_ENTRY;
             dbus_message_iter_next(&objs)) {
                DBusMessageIter props, v;
                const char *path, *prop;

                util_managed_object(&objs, &path, &props);
                if (strncmp(path, BUS_ROOT_PATH "/nic/", strlen(BUS_ROOT_PATH "/nic/")) == 0)
                        nics++;
                if (!streq(path, mux_path))
                        continue;
                found = true;
                while (util_next_property(&props, &prop, &v)) {
                        DBusMessageIter a;

                        if (streq(prop, "Generation")) {
                                uint64_t g;
                                dbus_message_iter_get_basic(&v, &g);
                                if (g != 1)
                                        FAIL("%s: Generation %llu at READY, want 1", mux_path,
                                             (unsigned long long) g);
                        } else if (streq(prop, "Members")) {
                                const char *s = NULL;
                                dbus_message_iter_recurse(&v, &a);
                                if (dbus_message_iter_get_arg_type(&a) == DBUS_TYPE_STRING)
                                        dbus_message_iter_get_basic(&a, &s);
                                if (!s || !streq(s, member) || (dbus_message_iter_next(&a),
                                    dbus_message_iter_get_arg_type(&a) != DBUS_TYPE_INVALID))
                                        FAIL("%s: Members at READY are not exactly '%s'", mux_path,
                                             member);
                        }
                }
        }
        dbus_message_unref(m);
        if (!found)
                FAIL("GetManagedObjects at READY lacks %s, which existed before the start", mux_path);
        return nics;
}

static UtilProcess *spawn(const char *name, const Notify *n, const char *watchdog_usec,
                          const char *watchdog_pid) {
        static char bus_arg[600];
        char notify_env[200], usec_env[64], pid_env[64];
        char *env[4] = { notify_env, NULL };
        size_t k = 1;

        snprintf(bus_arg, sizeof(bus_arg), "--bus=%s", getenv("MUXCAP_TEST_BUS"));
        snprintf(notify_env, sizeof(notify_env), "NOTIFY_SOCKET=%s", n->path);
        if (watchdog_usec) {
                snprintf(usec_env, sizeof(usec_env), "WATCHDOG_USEC=%s", watchdog_usec);
                env[k++] = usec_env;
        }
        if (watchdog_pid) {
                snprintf(pid_env, sizeof(pid_env), "WATCHDOG_PID=%s", watchdog_pid);
                env[k++] = pid_env;
        }
        return util_spawn_env(name, (char *const[]) { getenv("MUXCAPD"), bus_arg, "--config=/dev/null",
                                                      "--udev-source=udev", NULL }, env);
}

/* Waits for READY=1 (at most 10 s) and returns its message; no other message may precede it
 * except WATCHDOG=1. */
static void wait_ready(Notify *n, UtilProcess *d, Message *ret) {
        uint64_t deadline = util_now_ms() + 10000;

        for (;;) {
                uint64_t now = util_now_ms();

                if (now >= deadline || !notify_recv(n, (int) (deadline - now), ret)) {
                        util_process_dump_log(d);
                        FAIL("no READY=1 within 10 s");
                }
                if (ret->pid != util_process_pid(d))
                        FAIL("notification '%s' from pid %d, not muxcapd's %d", ret->text,
                             (int) ret->pid, (int) util_process_pid(d));
                if (has_line(ret->text, "READY=1"))
                        return;
                if (!streq(ret->text, "WATCHDOG=1"))
                        FAIL("'%s' before READY=1", ret->text);
        }
}

/* SIGTERM: STOPPING=1, exit 0, the name released. Returns the WATCHDOG=1 seen meanwhile. */
static unsigned stop(Notify *n, UtilProcess *d, DBusConnection *c) {
        unsigned watchdogs = 0;
        int status;
        Message msg;

        assert(util_process_signal(d, SIGTERM) == 0);
        for (;;) {
                if (!notify_recv(n, 5000, &msg))
                        FAIL("no STOPPING=1 within 5 s of SIGTERM");
                if (has_line(msg.text, "STOPPING=1"))
                        break;
                if (has_line(msg.text, "WATCHDOG=1"))
                        watchdogs++;
        }
        assert(util_process_wait(d, UTIL_TIMEOUT_MS, &status) == 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                FAIL("muxcapd exited with wait status 0x%x after SIGTERM, want exit 0", status);
        if (util_name_has_owner(c, BUS_NAME))
                FAIL("%s still owned after muxcapd exited", BUS_NAME);
        /* Nothing after STOPPING=1. */
        if (notify_recv(n, 0, &msg))
                FAIL("'%s' after STOPPING=1", msg.text);
        return watchdogs;
}

/* Waits until a STATUS= says @muxes and @nics, at most @timeout_ms; fails on a WATCHDOG=1 or
 * on two STATUS= closer than the rate limit. @last_status is the time of the previous one. */
static void wait_status(Notify *n, unsigned muxes, unsigned nics, int timeout_ms,
                        uint64_t *last_status) {
        uint64_t start = util_now_ms(), deadline = start + (uint64_t) timeout_ms;
        unsigned got_m = 0, got_n = 0;
        Message msg;

        for (;;) {
                uint64_t now = util_now_ms();

                if (now >= deadline || !notify_recv(n, (int) (deadline - now), &msg))
                        FAIL("no STATUS=%u MUXes, %u NICs within %d ms (last: %u MUXes, %u NICs)",
                             muxes, nics, timeout_ms, got_m, got_n);
                if (has_line(msg.text, "WATCHDOG=1"))
                        FAIL("WATCHDOG=1 although WATCHDOG_USEC is not set");
                if (!parse_status(msg.text, &got_m, &got_n))
                        FAIL("unexpected notification '%s'", msg.text);
                if (msg.at - *last_status < 900)
                        FAIL("two STATUS= %llu ms apart: not rate-limited to one per second",
                             (unsigned long long) (msg.at - *last_status));
                *last_status = msg.at;
                if (got_m == muxes && got_n == nics) {
                        printf("ok: STATUS=%u MUXes, %u NICs %llu ms after the change\n", muxes,
                               nics, (unsigned long long) (msg.at - start));
                        return;
                }
        }
}

/* READY=1 with the first published state, STATUS= updates, no WATCHDOG=1, STOPPING=1. */
static void test_ready_status_stopping(Notify *n, DBusConnection *c) {
        _cleanup_(util_process_freep) UtilProcess *d = NULL;
        unsigned muxes = 0, nics = 0, want_nics;
        uint64_t last_status;
        Message msg;

        /* A MUX with a member, and enough NICs that a premature READY=1 would show. */
        util_run("ip link add nbr0 type bridge && ip link add na0 type veth peer name nb0 && "
                 "ip link set na0 master nbr0");
        util_run("for i in $(seq 40); do echo link add nx$i type veth peer name ny$i; done | "
                 "ip -batch - && udevadm settle");
        want_nics = kernel_nic_count();

        d = spawn("muxcapd-status", n, NULL, NULL);
        wait_ready(n, d, &msg);
        /* Freeze it at once: what the bus says now is what was true when READY=1 was sent. */
        assert(util_process_stop(d) == 0);
        if (!util_name_has_owner(c, BUS_NAME))
                FAIL("READY=1 sent before %s was owned", BUS_NAME);
        assert(util_process_cont(d) == 0);
        if (!parse_status(msg.text, &muxes, &nics))
                FAIL("READY=1 without STATUS= ('%s')", msg.text);
        if (muxes != 1 || nics != want_nics)
                FAIL("READY=1 says %u MUXes, %u NICs; the kernel has 1 MUX, %u NICs", muxes, nics,
                     want_nics);
        if (check_managed_objects(c, "nbr0", "na0") != want_nics)
                FAIL("GetManagedObjects right after READY=1 lacks NICs (want %u)", want_nics);
        printf("ok: READY=1 with STATUS=%u MUXes, %u NICs, all published\n", muxes, nics);
        last_status = msg.at;

        /* One change: a new STATUS= within the rate limit. */
        util_run("ip link add nc0 type veth peer name nd0");
        wait_status(n, 1, want_nics + 2, STATUS_DELAY_MS, &last_status);
        util_run("ip link add nbr1 type bridge");
        wait_status(n, 2, want_nics + 3, STATUS_DELAY_MS, &last_status);

        /* A burst of changes over 2.5 s: STATUS= at most once a second, the last one right. */
        util_run("end=$(($(date +%%s%%N) + 2500000000)); i=0; "
                 "while [ $(date +%%s%%N) -lt $end ]; do i=$((i+1)); "
                 "ip link add nz$i type veth peer name nw$i; ip link del nx$((i %% 40 + 1)) 2>/dev/null; "
                 "ip link del nz$((i - 1)) 2>/dev/null; done; true");
        wait_status(n, 2, kernel_nic_count(), STATUS_DELAY_MS + 1000, &last_status);

        /* Quiet: no STATUS= without a change, and no WATCHDOG=1 when not asked for. */
        if (notify_recv(n, 1200, &msg))
                FAIL("'%s' while nothing changed", msg.text);
        if (stop(n, d, c) != 0)
                FAIL("WATCHDOG=1 although WATCHDOG_USEC is not set");
        printf("ok: no WATCHDOG=1 without WATCHDOG_USEC; STOPPING=1, exit 0\n");
        util_run("ip link del nbr1");
}

/* The name appears only once every object is published, and the first publication sends no
 * signal: until the name is owned nobody can match the daemon's signals by it, and every
 * client fetches the whole state when it appears. So a GetManagedObjects at NameOwnerChanged
 * lists every NIC, and no InterfacesAdded (matched from any sender) comes for it. */
static void test_name_appears_with_the_whole_state(Notify *n, DBusConnection *c) {
        _cleanup_(util_bus_closep) DBusConnection *w = util_bus_connect();
        _cleanup_(util_process_freep) UtilProcess *d = NULL;
        unsigned added = 0, want_nics = kernel_nic_count();
        DBusError error = DBUS_ERROR_INIT;
        uint64_t deadline;
        bool named = false;
        Message msg;

        dbus_bus_add_match(w, "type='signal',interface='org.freedesktop.DBus.ObjectManager'", &error);
        if (!dbus_error_is_set(&error))
                dbus_bus_add_match(w, "type='signal',sender='org.freedesktop.DBus',"
                                      "member='NameOwnerChanged',arg0='" BUS_NAME "'", &error);
        if (dbus_error_is_set(&error))
                FAIL("AddMatch: %s", error.message);
        d = spawn("muxcapd-name", n, NULL, NULL);
        deadline = util_now_ms() + 10000;
        while (!named && util_now_ms() < deadline) {
                DBusMessage *m;

                (void) dbus_connection_read_write(w, 100);
                while (!named && (m = dbus_connection_pop_message(w))) {
                        const char *name = NULL, *old = NULL, *owner = NULL;

                        if (dbus_message_is_signal(m, "org.freedesktop.DBus.ObjectManager", "InterfacesAdded"))
                                added++;
                        else if (dbus_message_is_signal(m, DBUS_INTERFACE_DBUS, "NameOwnerChanged") &&
                                 dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_STRING,
                                                       &old, DBUS_TYPE_STRING, &owner, DBUS_TYPE_INVALID))
                                named = owner[0] != '\0';
                        dbus_message_unref(m);
                }
        }
        if (!named)
                FAIL("%s not owned within 10 s", BUS_NAME);
        if (check_managed_objects(c, "nbr0", "na0") != want_nics)
                FAIL("GetManagedObjects as %s appeared lacks NICs (want %u)", BUS_NAME, want_nics);
        /* Nothing changes here, so nothing follows either. */
        deadline = util_now_ms() + 500;
        while (util_now_ms() < deadline) {
                DBusMessage *m;

                (void) dbus_connection_read_write(w, 50);
                while ((m = dbus_connection_pop_message(w))) {
                        added += dbus_message_is_signal(m, "org.freedesktop.DBus.ObjectManager",
                                                        "InterfacesAdded");
                        dbus_message_unref(m);
                }
        }
        if (added)
                FAIL("%u InterfacesAdded for the first publication", added);
        wait_ready(n, d, &msg);
        if (stop(n, d, c) != 0)
                FAIL("WATCHDOG=1 although WATCHDOG_USEC is not set");
        printf("ok: %s appears with all %u NICs published, after no signal\n", BUS_NAME, want_nics);
}

/* WATCHDOG_USEC with our WATCHDOG_PID: WATCHDOG=1 at half the interval, even in a burst. */
static void test_watchdog(Notify *n, DBusConnection *c) {
        _cleanup_(util_process_freep) UtilProcess *d = NULL;
        uint64_t last = 0, max_gap = 0, start;
        unsigned count = 0;
        Message msg;

        d = spawn("muxcapd-watchdog", n, "400000", "$PID");
        wait_ready(n, d, &msg);
        util_run("(for i in $(seq 60); do echo link add wa$i type veth peer name wb$i; "
                 "echo link set wa$i master nbr0; done | ip -batch -; "
                 "for i in $(seq 60); do echo link del wa$i; done | ip -batch -) &");
        start = util_now_ms();
        while (util_now_ms() - start < 2000) {
                if (!notify_recv(n, WATCHDOG_USEC / 1000, &msg))
                        FAIL("no WATCHDOG=1 within WATCHDOG_USEC (%d ms)", WATCHDOG_USEC / 1000);
                if (!has_line(msg.text, "WATCHDOG=1"))
                        continue;       /* STATUS= */
                assert(msg.pid == util_process_pid(d));
                if (last && msg.at - last > max_gap)
                        max_gap = msg.at - last;
                last = msg.at;
                count++;
        }
        printf("ok: %u WATCHDOG=1 in 2 s, largest gap %llu ms (WATCHDOG_USEC %d ms)\n", count,
               (unsigned long long) max_gap, WATCHDOG_USEC / 1000);
        if (count < 7 || max_gap >= WATCHDOG_USEC / 1000)
                FAIL("%u WATCHDOG=1 in 2 s with WATCHDOG_USEC=%d, largest gap %llu ms", count,
                     WATCHDOG_USEC, (unsigned long long) max_gap);
        util_run("udevadm settle");
        (void) stop(n, d, c);
}

/* WATCHDOG_USEC meant for another process (WATCHDOG_PID not ours): no WATCHDOG=1. */
static void test_watchdog_other_pid(Notify *n, DBusConnection *c) {
        _cleanup_(util_process_freep) UtilProcess *d = NULL;
        Message msg;

        d = spawn("muxcapd-otherpid", n, "400000", "1");
        wait_ready(n, d, &msg);
        while (notify_recv(n, 1000, &msg))
                if (has_line(msg.text, "WATCHDOG=1"))
                        FAIL("WATCHDOG=1 although WATCHDOG_PID names another process");
        if (stop(n, d, c) != 0)
                FAIL("WATCHDOG=1 although WATCHDOG_PID names another process");
        printf("ok: no WATCHDOG=1 when WATCHDOG_PID is another process\n");
}

int main(void) {
        _cleanup_(util_bus_closep) DBusConnection *c = NULL;
        Notify n = { .fd = -1 };

        util_require_ns_run();
        setvbuf(stdout, NULL, _IOLBF, 0);
        assert(getenv("MUXCAPD"));
        notify_open(&n);
        c = util_bus_connect();
        /* lo predates our udevd, which has not initialised it: muxcapd waits for udev before
         * publishing a NIC, so have udev process it, as coldplug does at boot. */
        util_run("udevadm trigger --action=add --settle /sys/class/net/lo");

        test_ready_status_stopping(&n, c);
        test_name_appears_with_the_whole_state(&n, c);
        test_watchdog(&n, c);
        test_watchdog_other_pid(&n, c);

        notify_close(&n);
        printf("all notify scenarios passed\n");
        return 0;
}
