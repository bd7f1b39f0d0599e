/* SPDX-License-Identifier: MIT */
/* The bare listener: the cheapest possible consumer of the events muxcapd consumes */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libudev.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"

static int write_stats(int fd, const ListenStats *s) {
        return write(fd, s, sizeof(*s)) == (ssize_t) sizeof(*s) ? 0 : -EIO;
}

int bench_listen_main(int ctrl_fd, int stats_fd) {
        static uint8_t buf[64 * 1024];
        struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
        struct udev *udev = udev_new();
        struct udev_monitor *mon = udev ? udev_monitor_new_from_netlink(udev, "udev") : NULL;
        ListenStats st = { 0 };
        int size = 16 * 1024 * 1024;

        /* Large buffers: the baseline must see every event, not skip the ones it lost. */
        if (!nl || mnl_socket_bind(nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0 || !mon ||
            udev_monitor_filter_add_match_subsystem_devtype(mon, "net", NULL) < 0 ||
            udev_monitor_enable_receiving(mon) < 0) {
                perror("bench listen: setup");
                return 1;
        }
        (void) setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
        (void) udev_monitor_set_receive_buffer_size(mon, size);
        if (write_stats(stats_fd, &st) < 0)
                return 1;

        for (;;) {
                struct pollfd p[3] = {
                        { .fd = mnl_socket_get_fd(nl), .events = POLLIN },
                        { .fd = udev_monitor_get_fd(mon), .events = POLLIN },
                        { .fd = ctrl_fd, .events = POLLIN },
                };

                if (poll(p, 3, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return 1;
                }
                if (p[0].revents) {
                        ssize_t n = recv(mnl_socket_get_fd(nl), buf, sizeof(buf), MSG_DONTWAIT);

                        if (n < 0 && errno == ENOBUFS)
                                st.overruns++;
                        else if (n > 0) {
                                uint64_t t = bench_now_ns();
                                int len = (int) n;

                                for (const struct nlmsghdr *h = (const struct nlmsghdr *) buf;
                                     mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len))
                                        if (h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_DELLINK)
                                                st.rtnl_msgs++;
                                st.last_rtnl_ns = t;
                                if (!st.first_ns)
                                        st.first_ns = t;
                        }
                }
                if (p[1].revents) {
                        struct udev_device *d = udev_monitor_receive_device(mon);

                        if (d) {
                                uint64_t t = bench_now_ns();

                                st.udev_events++;
                                st.last_udev_ns = t;
                                if (!st.first_ns)
                                        st.first_ns = t;
                                udev_device_unref(d);
                        }
                }
                if (p[2].revents) {
                        char c;

                        if (read(ctrl_fd, &c, 1) != 1)
                                break;
                        if (c == 'z')
                                st = (ListenStats) { 0 };
                        else if (c == 's' && write_stats(stats_fd, &st) < 0)
                                break;
                }
        }
        udev_monitor_unref(mon);
        udev_unref(udev);
        mnl_socket_close(nl);
        return 0;
}
