/* SPDX-License-Identifier: MIT */
/* muxcapd converges after a storm: hundreds of NICs created and enslaved while it is stopped
 * (SIGSTOP), with receive buffers small enough that udev and rtnetlink overrun (ENOBUFS):
 * after SIGCONT it re-enumerates and publishes exactly the kernel's state. */
#undef NDEBUG
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "util.h"
#include "bus-path.h"

#define BR BUS_MUX_PREFIX "/storm0"
#define PAIRS 150

static int member_count(DBusConnection *c) {
        DBusMessage *m = util_call(c, BUS_NAME, BR, "org.freedesktop.DBus.Properties", "Get",
                                   DBUS_TYPE_STRING, &(const char *) { BUS_IFACE_MUX },
                                   DBUS_TYPE_STRING, &(const char *) { "Members" }, DBUS_TYPE_INVALID);
        DBusMessageIter it, v, a;
        int n = 0;

        if (!m || dbus_message_get_type(m) != DBUS_MESSAGE_TYPE_METHOD_RETURN) {
                if (m) {
                        fprintf(stderr, "Members: %s\n", dbus_message_get_error_name(m));
                        dbus_message_unref(m);
                }
                return -1;
        }
        dbus_message_iter_init(m, &it);
        dbus_message_iter_recurse(&it, &v);
        dbus_message_iter_recurse(&v, &a);
        while (dbus_message_iter_get_arg_type(&a) == DBUS_TYPE_STRING) {
                n++;
                dbus_message_iter_next(&a);
        }
        dbus_message_unref(m);
        return n;
}

static int wait_members(DBusConnection *c, int want) {
        uint64_t deadline = util_now_ms() + 30000;
        int n = -1;

        while (util_now_ms() < deadline) {
                n = member_count(c);
                if (n == want)
                        return n;
                util_run("sleep 0.1");
        }
        return n;
}

int main(void) {
        _cleanup_(util_process_freep) UtilProcess *d = NULL;
        _cleanup_(util_bus_closep) DBusConnection *c = NULL;
        const char *muxcapd = getenv("MUXCAPD");
        _cleanup_free_ char *log = NULL;
        char bus_arg[600];
        int n, status;

        util_require_ns_run();
        setvbuf(stdout, NULL, _IOLBF, 0);
        assert(muxcapd);
        snprintf(bus_arg, sizeof(bus_arg), "--bus=%s", getenv("MUXCAP_TEST_BUS"));
        c = util_bus_connect();
        d = util_spawn("muxcapd", (char *const[]) { (char *) muxcapd, bus_arg, "--config=/dev/null",
                                                    "--udev-source=udev", "--test-udev-rcvbuf=2048",
                                                    "--test-rtnl-rcvbuf=2048", NULL });
        assert(util_process_wait_ready(d, UTIL_TIMEOUT_MS) == 0);
        util_run("ip link add storm0 type bridge");
        assert(wait_members(c, 0) == 0);

        /* The storm, while the daemon cannot read. */
        assert(util_process_stop(d) == 0);
        util_run("for i in $(seq %d); do ip link add s$i type veth peer name p$i && "
                 "ip link set s$i master storm0; done", PAIRS);
        util_run("for i in $(seq 1 3 %d); do ip link del s$i; done", PAIRS);
        util_run("udevadm settle --timeout=60");
        assert(util_process_cont(d) == 0);

        n = wait_members(c, PAIRS - (PAIRS + 2) / 3);
        printf("members after the storm: %d (want %d)\n", n, PAIRS - (PAIRS + 2) / 3);

        assert(n == PAIRS - (PAIRS + 2) / 3);
        log = util_run_output("cat '%s'", util_process_log(d));
        assert(strstr(log, "overrun (ENOBUFS)"));
        assert(strstr(log, "re-enumeration done"));

        /* The deleted pairs' other ends are gone too; a deleted NIC is no NIC object. */
        {
                DBusMessage *m = util_call(c, BUS_NAME, "/org/muxcap/MuxCap1", "org.muxcap.MuxCap1.Manager",
                                           "GetNic", DBUS_TYPE_STRING, &(const char *) { "p1" },
                                           DBUS_TYPE_INVALID);
                assert(m && dbus_message_get_type(m) == DBUS_MESSAGE_TYPE_ERROR);
                dbus_message_unref(m);
                m = util_call(c, BUS_NAME, "/org/muxcap/MuxCap1", "org.muxcap.MuxCap1.Manager",
                              "GetNic", DBUS_TYPE_STRING, &(const char *) { "p2" }, DBUS_TYPE_INVALID);
                assert(m && dbus_message_get_type(m) == DBUS_MESSAGE_TYPE_METHOD_RETURN);
                dbus_message_unref(m);
        }
        /* Members vanish while callers ask for explanations: the daemon must not read a
         * freed NIC between a removal and the next recomputation (ASan would abort it). */
        util_run("(for i in $(seq 2 3 %d); do ip link del s$i; done) >/dev/null 2>&1 &", PAIRS);
        for (int i = 0; i < 300; i++) {
                DBusMessage *m = util_call(c, BUS_NAME, BR, BUS_IFACE_MUX, "Explain", DBUS_TYPE_INVALID);
                assert(m);
                if (dbus_message_get_type(m) != DBUS_MESSAGE_TYPE_METHOD_RETURN) {
                        const char *text = "";
                        (void) dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &text, DBUS_TYPE_INVALID);
                        fprintf(stderr, "FAIL: Explain #%d: %s: %s\n", i, dbus_message_get_error_name(m), text);
                        exit(1);
                }
                dbus_message_unref(m);
        }
        n = wait_members(c, PAIRS / 3);
        printf("members after the second deletions: %d (want %d)\n", n, PAIRS / 3);
        assert(n == PAIRS / 3);
        assert(util_process_signal(d, SIGTERM) == 0);
        assert(util_process_wait(d, UTIL_TIMEOUT_MS, &status) == 0);
        assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        printf("storm converged\n");
        return 0;
}
