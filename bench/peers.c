/* SPDX-License-Identifier: MIT */
/* The bare D-Bus hop's sender and the fan-out subscribers: the other ends of the bus */
#include <dbus/dbus.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <unistd.h>

#include "bench.h"
#include "record.h"
#include "util.h"

int bench_hop_main(int ctrl_fd) {
        DBusConnection *c = util_bus_connect();
        char byte;

        while (read(ctrl_fd, &byte, 1) == 1) {
                DBusMessage *m = dbus_message_new_signal(BENCH_HOP_PATH, BENCH_HOP_INTERFACE, "Hop");
                dbus_uint64_t t;

                if (!m)
                        return 1;
                t = bench_now_ns();
                if (!dbus_message_append_args(m, DBUS_TYPE_UINT64, &t, DBUS_TYPE_INVALID) ||
                    !dbus_connection_send(c, m, NULL))
                        return 1;
                dbus_connection_flush(c);
                dbus_message_unref(m);
        }
        util_bus_close(c);
        return 0;
}

/* True for the signals a fan-out round waits for: the bare Hop or a hardware indication. */
static bool is_round_signal(DBusMessage *m) {
        dbus_uint32_t code = 0;

        if (dbus_message_is_signal(m, BENCH_HOP_INTERFACE, "Hop"))
                return true;
        if (!dbus_message_is_signal(m, BUS_IFACE_MUX, "StatusIndication"))
                return false;
        return dbus_message_get_args(m, NULL, DBUS_TYPE_UINT32, &code, DBUS_TYPE_INVALID) &&
               code == STATUS_HARDWARE_CAPABILITIES;
}

int bench_fanout_main(unsigned n, unsigned uid, const char *mux_path, int ctrl_fd, int report_fd) {
        DBusConnection **conns = calloc(n, sizeof(DBusConnection *));
        struct pollfd *p = calloc(n + 1, sizeof(struct pollfd));
        bool *got = calloc(n, sizeof(bool));
        char rule[512];

        if (!conns || !p || !got)
                return 1;
        if (uid > 0 && (setgroups(0, NULL) < 0 || setgid(uid) < 0 || setuid(uid) < 0)) {
                perror("bench fanout: setuid");
                return 1;
        }
        snprintf(rule, sizeof(rule), "type='signal',interface='" BUS_IFACE_MUX "',"
                 "member='StatusIndication',path='%s'", mux_path);
        for (unsigned i = 0; i < n; i++) {
                DBusError error = DBUS_ERROR_INIT;

                conns[i] = util_bus_connect();
                dbus_bus_add_match(conns[i], rule, &error);
                if (!dbus_error_is_set(&error))
                        dbus_bus_add_match(conns[i], "type='signal',interface='" BENCH_HOP_INTERFACE "'",
                                           &error);
                if (dbus_error_is_set(&error)) {
                        fprintf(stderr, "bench fanout: AddMatch: %s\n", error.message);
                        return 1;
                }
                p[i] = (struct pollfd) { .events = POLLIN };
                if (!dbus_connection_get_unix_fd(conns[i], &p[i].fd))
                        return 1;
        }
        p[n] = (struct pollfd) { .fd = ctrl_fd, .events = POLLIN };
        if (write(report_fd, "R", 1) != 1)
                return 1;

        for (;;) {
                unsigned count = 0;
                uint64_t last = 0;

                memset(got, 0, n * sizeof(bool));
                while (count < n) {
                        if (poll(p, n + 1, -1) < 0) {
                                if (errno == EINTR)
                                        continue;
                                return 1;
                        }
                        if (p[n].revents)
                                return 0;       /* EOF (or a stray byte): we are done */
                        for (unsigned i = 0; i < n; i++) {
                                DBusMessage *m;

                                if (!p[i].revents)
                                        continue;
                                if (!dbus_connection_read_write(conns[i], 0))
                                        return 1;
                                while ((m = dbus_connection_pop_message(conns[i]))) {
                                        if (!got[i] && is_round_signal(m)) {
                                                got[i] = true;
                                                count++;
                                                last = bench_now_ns();
                                        }
                                        dbus_message_unref(m);
                                }
                        }
                }
                if (write(report_fd, &last, sizeof(last)) != (ssize_t) sizeof(last))
                        return 1;
        }
}
