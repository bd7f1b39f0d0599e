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

/* common.c: helpers shared by the benchmark programs. Their failures are the environment's:
 * they print why and exit(1). */
#include <dbus/dbus.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

typedef struct UtilProcess UtilProcess;

#define die(...)                                                \
        do {                                                    \
                fprintf(stderr, "bench: " __VA_ARGS__);         \
                fputc('\n', stderr);                            \
                exit(1);                                        \
        } while (0)

/* numbers and time */
double quantile(double *v, size_t n, double p);        /* sorts @v; nearest rank */
void sleep_ms(unsigned ms);

/* /proc readings */
uint64_t proc_cpu_ns(pid_t pid);                        /* utime + stime, in ns (ticks) */
void proc_schedstat(pid_t pid, uint64_t *ret_run_ns, uint64_t *ret_slices);
uint64_t proc_rss_kib(pid_t pid);
pid_t find_process(const char *comm);

/* children */
void pipe_or_die(int fds[2]);
pid_t fork_child(int (*run)(void *), void *userdata);  /* the child dies with us */
void read_exact(int fd, void *buf, size_t n, const char *what);

/* The bare listener, as its own process (`@self listen CTRL STATS`, optionally under
 * valgrind: @prefix). */
typedef struct Listener {
        UtilProcess *proc;
        int ctrl_fd, stats_fd;
} Listener;
void listener_start(const char *self, Listener *l, char *const *prefix);
void listener_cmd(Listener *l, char c);
ListenStats listener_stats(Listener *l);
void listener_stop(Listener *l);

/* The daemon: spawned (under @prefix, if any) and waited for until READY=1. */
UtilProcess *daemon_spawn(const char *muxcapd, const char *bus_arg, const char *config_arg,
                          char *const *prefix, uint64_t *ret_ready_ns);
void daemon_stop(UtilProcess **p);
unsigned count_in_log(const char *path, const char *needle);

/* D-Bus waits */
typedef bool (*MessagePredicate)(DBusMessage *m, void *userdata);
/* Waits for a message matching @pred; returns it (unref it) with its arrival time, or NULL. */
DBusMessage *wait_message(DBusConnection *c, MessagePredicate pred, void *userdata,
                          int timeout_ms, uint64_t *ret_ns);
void drain(DBusConnection *c);
bool is_hop(DBusMessage *m, void *userdata);
uint64_t hop_sent_ns(DBusMessage *m);

/* The results table: each figure, its same-run baseline, the target and whether it is met.
 * @met: BENCH_MET, BENCH_MISSED, or BENCH_NO_TARGET; @words says how "met"/"missed" print. */
enum { BENCH_NO_TARGET = -1, BENCH_MISSED = 0, BENCH_MET = 1 };
typedef struct BenchRow {
        char name[56];
        char unit[12];
        double value, baseline;         /* baseline <= 0: none */
        char baseline_what[40];
        char target[28];
        int met;
} BenchRow;
typedef struct BenchTable {
        const char *words[2];           /* printed for BENCH_MISSED, BENCH_MET */
        BenchRow rows[48];
        size_t n_rows;
        bool missed;                    /* a row is BENCH_MISSED */
} BenchTable;
void bench_table_add(BenchTable *t, const char *name, double value, const char *unit,
                     double baseline, const char *baseline_what, const char *target, int met);
void bench_table_print(const BenchTable *t, FILE *f);

/* callgrind: the total Ir of an output file */
uint64_t callgrind_total(const char *path);
