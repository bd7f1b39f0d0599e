/* SPDX-License-Identifier: MIT */
/* Shared pieces of the benchmark program: clock, the bare listener's report, helper mains */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define BENCH_HOP_INTERFACE "org.muxcap.Bench"
#define BENCH_HOP_PATH "/org/muxcap/Bench"

static inline uint64_t bench_now_ns(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * UINT64_C(1000000000) + (uint64_t) ts.tv_nsec;
}

/* What the bare listener (the CPU and instruction baseline) saw since its last reset. */
typedef struct ListenStats {
        uint64_t rtnl_msgs;             /* rtnetlink link notifications */
        uint64_t udev_events;           /* udev 'net' events (after udevd) */
        uint64_t first_ns;              /* CLOCK_MONOTONIC of the first event, 0 if none */
        uint64_t last_rtnl_ns;
        uint64_t last_udev_ns;
        uint64_t overruns;              /* ENOBUFS seen (events lost) */
} ListenStats;

/* The bare listener: reads rtnetlink links and udev 'net' events and does nothing else.
 * Commands on @ctrl_fd: 'z' resets the counters, 's' writes a ListenStats to @stats_fd;
 * EOF ends it. Writes one ListenStats when ready. */
int bench_listen_main(int ctrl_fd, int stats_fd);

/* The bare D-Bus hop's sender: for each byte read on @ctrl_fd, stamps the clock and emits one
 * BENCH_HOP_INTERFACE.Hop(t ns) signal. EOF ends it. */
int bench_hop_main(int ctrl_fd);

/* A fan-out subscriber process: @n connections as @uid, each matching the daemon's hardware
 * StatusIndication on @mux_path and the bare Hop signal. Writes 'R' on @report_fd when its
 * matches are in place, then, every time each connection has received one such signal, the
 * CLOCK_MONOTONIC ns (u64) of the last arrival. EOF on @ctrl_fd ends it. */
int bench_fanout_main(unsigned n, unsigned uid, const char *mux_path, int ctrl_fd, int report_fd);
