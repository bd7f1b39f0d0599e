/* SPDX-License-Identifier: MIT */
/* muxcapd scaling benchmark (issues 14, 24): cost per isolated churn event against the size of
 * the MUX and of the world, for identical members and for the member that limits the MUX
 * (bench.rules gives cl* and svl* the unique lowest LSO size), start-up at 1,000 and 4,000
 * NICs, latency split into kernel delivery and what the daemon adds; each figure next to a
 * baseline of the same run. In ns-run.sh. */
#include <dbus/dbus.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "bus-path.h"
#include "nl.h"
#include "record.h"
#include "util.h"

#define NONE BENCH_NO_TARGET
#define DECLARED "big"          /* the declared MUX: [Mux big] Members=sv* */

typedef struct Sizes {
        unsigned ops;                   /* churn operations per point: 2 events each */
        unsigned n_small, n_bridge, n_declared;
        unsigned startup_nics, startup_muxes;   /* and 4x both */
        unsigned startup_runs;
        unsigned latency_changes;
        unsigned idle_seconds;
} Sizes;

static const Sizes full_sizes = { 50, 200, 1000, 4000, 1000, 100, 3, 60, 5 };
static const Sizes quick_sizes = { 4, 10, 50, 200, 100, 10, 1, 6, 1 };

typedef struct Scale {
        Sizes sz;
        bool quick;
        const char *muxcapd, *dir;
        char self[PATH_MAX], bus_arg[600], config_arg[PATH_MAX + 32];
        BenchNl *nl;
        DBusConnection *bus;            /* every signal of the daemon's, counted */
        unsigned coalesce_ms;
        int hop_fd;
        pid_t hop_pid;
        char out[PATH_MAX];
        bool callgrind;                 /* valgrind is installed: Ir figures */
        BenchTable table;
} Scale;

/* One point of the scaling curve: churn on @mux, whose members are @n NICs. */
typedef struct Point {
        const char *label;
        const char *mux;                /* MUX name: a bridge, or DECLARED */
        int master;                     /* ifindex to create churn veths into; 0: declared */
        const char *churn_prefix;       /* churn veth names, matching the MUX's glob if declared */
        double ir, ir_bare;             /* per event */
        double cpu_us, cpu_bare_us;     /* per event (schedstat run time) */
        double cpu_bus_us;              /* dbus-daemon's, per event: routing the signals */
        double bytes;                   /* D-Bus bytes the daemon emitted per event */
} Point;

static double ms(uint64_t ns) {
        return (double) ns / 1e6;
}

/* Network namespaces for veth peers, so the daemon sees one NIC per veth; closing the last
 * fd destroys the namespace, and the kernel deletes all its veth pairs in one batch. */
static int netns_new(void) {
        int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), fd;

        if (self < 0 || unshare(CLONE_NEWNET) < 0 ||
            (fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0 || setns(self, CLONE_NEWNET) < 0)
                die("peer network namespace: %s", strerror(errno));
        close(self);
        return fd;
}

static unsigned count_links(Scale *s) {
        unsigned links = 0;
        uint64_t bytes = 0;
        int r = bench_nl_dump_links(s->nl, &links, &bytes);

        if (r < 0)
                die("link dump: %s", strerror(-r));
        return links;
}

/* Waits (after a namespace went) until at most @links links are left. */
static void wait_links(Scale *s, unsigned links) {
        uint64_t deadline = util_now_ms() + 300000;

        while (count_links(s) > links) {
                if (util_now_ms() > deadline)
                        die("links did not go away");
                sleep_ms(50);
        }
        util_run("udevadm settle --timeout=300");
}

static int add_bridge(Scale *s, const char *name) {
        int r = bench_nl_add_bridge(s->nl, name);

        if (r < 0)
                die("adding %s: %s", name, strerror(-r));
        return (int) if_nametoindex(name);
}

/* @n veths '@prefix<i>', round-robin into @masters (none when @n_masters is 0). */
static void add_veths(Scale *s, const char *prefix, unsigned from, unsigned n, int netns,
                      const int *masters, unsigned n_masters) {
        for (unsigned i = from; i < from + n; i++) {
                char name[IFNAMSIZ], peer[IFNAMSIZ];
                int r;

                snprintf(name, sizeof(name), "%s%u", prefix, i);
                snprintf(peer, sizeof(peer), "p%s%u", prefix, i);
                r = bench_nl_add_veth(s->nl, name, peer, netns, n_masters ? masters[i % n_masters] : 0);
                if (r < 0)
                        die("adding %s: %s", name, strerror(-r));
        }
        util_run("udevadm settle --timeout=300");
}

/* Every signal the daemon sends reaches s->bus (one match on its name); bytes counted. */
typedef struct Wait {
        const char *path;               /* the MUX object */
        uint64_t bytes;
        bool any_signal;                /* match the first signal on @path, of any member */
        uint32_t status;                /* else: PropertiesChanged, or this StatusIndication */
} Wait;

static bool count_and_match(DBusMessage *m, void *userdata) {
        Wait *w = userdata;
        char *buf = NULL;
        int len = 0;

        if (dbus_message_marshal(m, &buf, &len)) {
                w->bytes += (uint64_t) len;
                dbus_free(buf);
        }
        if (dbus_message_get_type(m) != DBUS_MESSAGE_TYPE_SIGNAL || !streq(dbus_message_get_path(m), w->path))
                return false;
        if (w->any_signal)
                return true;
        return dbus_message_is_signal(m, DBUS_INTERFACE_PROPERTIES, "PropertiesChanged");
}

/* Counts what is queued on s->bus now. */
static void count_pending(Scale *s, Wait *w) {
        DBusMessage *m;

        (void) dbus_connection_read_write(s->bus, 0);
        while ((m = dbus_connection_pop_message(s->bus))) {
                (void) count_and_match(m, w);
                dbus_message_unref(m);
        }
}

static void mux_path(const char *mux, char *buf, size_t size) {
        char *path = NULL;

        if (bus_path_escape(BUS_MUX_PREFIX, mux, &path) < 0)
                die("escaping '%s'", mux);
        snprintf(buf, size, "%s", path);
        free(path);
}

/* One isolated churn operation: a veth created into the MUX, then deleted; after each, the
 * MUX's PropertiesChanged is awaited and then its coalescing window, so the window's end is
 * counted too and the next event starts from quiet. Two events. */
static void churn_once(Scale *s, const Point *p, unsigned i, int netns, Wait *w) {
        char name[IFNAMSIZ], peer[IFNAMSIZ];
        uint64_t t;
        DBusMessage *m;
        int r;

        snprintf(name, sizeof(name), "%s%u", p->churn_prefix, i);
        snprintf(peer, sizeof(peer), "q%u", i);
        for (int add = 1; add >= 0; add--) {
                r = add ? bench_nl_add_veth(s->nl, name, peer, netns, p->master) : bench_nl_del(s->nl, name);
                if (r < 0)
                        die("churn %s %s: %s", add ? "adding" : "deleting", name, strerror(-r));
                m = wait_message(s->bus, count_and_match, w, 60000, &t);
                if (!m)
                        die("churn %s %s: no PropertiesChanged on %s", add ? "adding" : "deleting",
                            name, w->path);
                dbus_message_unref(m);
                sleep_ms(s->coalesce_ms + 15);
                count_pending(s, w);
        }
}

static void bus_open(Scale *s) {
        DBusError error = DBUS_ERROR_INIT;
        uint32_t cm = 0;

        s->bus = util_bus_connect();
        dbus_bus_add_match(s->bus, "type='signal',sender='" BUS_NAME "'", &error);
        if (!dbus_error_is_set(&error))
                dbus_bus_add_match(s->bus, "type='signal',interface='" BENCH_HOP_INTERFACE "'", &error);
        if (dbus_error_is_set(&error))
                die("AddMatch: %s", error.message);
        if (util_get_property(s->bus, BUS_NAME, BUS_ROOT_PATH, BUS_IFACE_MANAGER, "CoalesceMs",
                              DBUS_TYPE_UINT32, &cm) < 0)
                die("reading CoalesceMs failed");
        s->coalesce_ms = cm;
}

static int hop_child(void *userdata) {
        return bench_hop_main(*(int *) userdata);
}

/* The churn of one point, with the daemon native (CPU, bytes), then under callgrind (Ir);
 * the bare listener beside it both times. */
static void run_point(Scale *s, Point *p, unsigned members) {
        char out_d[PATH_MAX + 64], out_l[PATH_MAX + 64], vgdb[PATH_MAX + 20], od[PATH_MAX + 96], ol[PATH_MAX + 96];
        char *prefix_d[] = { (char *) "valgrind", (char *) "--tool=callgrind", (char *) "--instr-atstart=no",
                             vgdb, od, NULL };
        char *prefix_l[] = { (char *) "valgrind", (char *) "--tool=callgrind", (char *) "--instr-atstart=no",
                             vgdb, ol, NULL };
        char path[256];
        uint64_t d0, d1, l0, l1, b0, b1, slices, events = 2ULL * s->sz.ops;
        pid_t bus_pid = find_process("dbus-daemon");
        int netns = netns_new();
        UtilProcess *daemon;
        Listener l;
        Wait w;

        mux_path(p->mux, path, sizeof(path));
        printf("[churn] %s: %u isolated operations on '%s' (%u members), native then under callgrind\n",
               p->label, s->sz.ops, p->mux, members);

        daemon = daemon_spawn(s->muxcapd, s->bus_arg, s->config_arg, NULL, NULL);
        listener_start(s->self, &l, NULL);
        bus_open(s);
        w = (Wait) { .path = path };
        count_pending(s, &w);
        w.bytes = 0;
        proc_schedstat(util_process_pid(daemon), &d0, &slices);
        proc_schedstat(util_process_pid(l.proc), &l0, &slices);
        proc_schedstat(bus_pid, &b0, &slices);
        for (unsigned i = 0; i < s->sz.ops; i++)
                churn_once(s, p, i, netns, &w);
        proc_schedstat(util_process_pid(daemon), &d1, &slices);
        proc_schedstat(util_process_pid(l.proc), &l1, &slices);
        proc_schedstat(bus_pid, &b1, &slices);
        p->cpu_us = (double) (d1 - d0) / 1e3 / (double) events;
        p->cpu_bare_us = (double) (l1 - l0) / 1e3 / (double) events;
        p->cpu_bus_us = (double) (b1 - b0) / 1e3 / (double) events;
        p->bytes = (double) w.bytes / (double) events;
        s->bus = util_bus_close(s->bus);
        listener_stop(&l);
        daemon_stop(&daemon);
        if (!s->callgrind) {
                close(netns);
                printf("    CPU %.1f us/event (bare %.1f, dbus-daemon %.1f), %.0f D-Bus bytes/event; "
                       "no valgrind, no Ir\n", p->cpu_us, p->cpu_bare_us, p->cpu_bus_us, p->bytes);
                return;
        }

        snprintf(out_d, sizeof(out_d), "%s/callgrind.scale-%s.muxcapd.out", s->out, p->churn_prefix);
        snprintf(out_l, sizeof(out_l), "%s/callgrind.scale-%s.listener.out", s->out, p->churn_prefix);
        snprintf(vgdb, sizeof(vgdb), "--vgdb-prefix=%s/vgdb", s->dir);
        snprintf(od, sizeof(od), "--callgrind-out-file=%s", out_d);
        snprintf(ol, sizeof(ol), "--callgrind-out-file=%s", out_l);
        daemon = daemon_spawn(s->muxcapd, s->bus_arg, s->config_arg, prefix_d, NULL);
        listener_start(s->self, &l, prefix_l);
        bus_open(s);
        w = (Wait) { .path = path };
        count_pending(s, &w);
        util_run("callgrind_control %s -i on %d >/dev/null 2>&1 && callgrind_control %s -i on %d >/dev/null 2>&1",
                 vgdb, (int) util_process_pid(daemon), vgdb, (int) util_process_pid(l.proc));
        for (unsigned i = 0; i < s->sz.ops; i++)
                churn_once(s, p, s->sz.ops + i, netns, &w);
        util_run("callgrind_control %s -i off %d >/dev/null 2>&1 && callgrind_control %s -i off %d >/dev/null 2>&1",
                 vgdb, (int) util_process_pid(daemon), vgdb, (int) util_process_pid(l.proc));
        s->bus = util_bus_close(s->bus);
        daemon_stop(&daemon);
        listener_stop(&l);
        close(netns);
        p->ir = (double) callgrind_total(out_d) / (double) events;
        p->ir_bare = (double) callgrind_total(out_l) / (double) events;
        if (p->ir <= 0)
                die("callgrind: no totals in %s", out_d);
        printf("    %.0f Ir/event (bare listener %.0f), CPU %.1f us/event (bare %.1f, dbus-daemon %.1f), "
               "%.0f D-Bus bytes/event\n", p->ir, p->ir_bare, p->cpu_us, p->cpu_bare_us, p->cpu_bus_us,
               p->bytes);
        printf("    hot spots (inclusive), from %s:\n", out_d);
        (void) util_run_status("callgrind_annotate --auto=no --inclusive=yes '%s' 2>/dev/null | "
                               "awk '/file:function/ { p = 1; next } p && NF && !seen[$NF]++' | "
                               "head -14 | sed 's|/[^ ]*/||; s/^/      /'", out_d);
}

/* Latency of a membership change (lat0 into @master's MUX and out), split at the bare
 * listener's receipt of the kernel's RTM_NEWLINK: kernel delivery before it, the daemon's
 * share after it, up to the first signal on the MUX; against bare D-Bus hops, interleaved.
 * Returns the daemon's share in hops (median). */
static double run_latency(Scale *s, const char *mux, int master, int lat, double *ret_kernel_ms,
                          double *ret_daemon_ms, double *ret_hop_ms) {
        unsigned n = s->sz.latency_changes;
        double *k = calloc(n, sizeof(double)), *d = calloc(n, sizeof(double)), *h = calloc(n, sizeof(double));
        char path[256];
        UtilProcess *daemon;
        Listener l;
        double km, dm, hm;

        if (!k || !d || !h)
                die("out of memory");
        mux_path(mux, path, sizeof(path));
        daemon = daemon_spawn(s->muxcapd, s->bus_arg, s->config_arg, NULL, NULL);
        listener_start(s->self, &l, NULL);
        bus_open(s);
        for (unsigned i = 0; i < n; i++) {
                Wait w = { .path = path, .any_signal = true };
                uint64_t t0, t1;
                ListenStats st;
                DBusMessage *m;
                int r;

                count_pending(s, &w);
                listener_cmd(&l, 'z');
                (void) listener_stats(&l);
                t0 = bench_now_ns();
                r = bench_nl_set_master(s->nl, lat, i % 2 == 0 ? master : 0);
                if (r < 0)
                        die("set master: %s", strerror(-r));
                m = wait_message(s->bus, count_and_match, &w, UTIL_TIMEOUT_MS, &t1);
                if (!m)
                        die("latency %u: no signal on %s", i, path);
                dbus_message_unref(m);
                st = listener_stats(&l);
                if (!st.first_ns || st.first_ns > t1)
                        st.first_ns = t0;       /* not seen yet: charge it all to the daemon */
                k[i] = ms(st.first_ns - t0);
                d[i] = ms(t1 - st.first_ns);
                sleep_ms(s->coalesce_ms + 15);
                count_pending(s, &w);

                if (write(s->hop_fd, "h", 1) != 1)
                        die("hop sender: %s", strerror(errno));
                m = wait_message(s->bus, is_hop, NULL, UTIL_TIMEOUT_MS, &t1);
                if (!m)
                        die("hop %u: no signal", i);
                h[i] = ms(t1 - hop_sent_ns(m));
                dbus_message_unref(m);
                sleep_ms(5);
        }
        if (n % 2)
                (void) bench_nl_set_master(s->nl, lat, 0);
        s->bus = util_bus_close(s->bus);
        listener_stop(&l);
        daemon_stop(&daemon);
        km = quantile(k, n, 0.5);
        dm = quantile(d, n, 0.5);
        hm = quantile(h, n, 0.5);
        free(k);
        free(d);
        free(h);
        *ret_kernel_ms = km;
        *ret_daemon_ms = dm;
        *ret_hop_ms = hm;
        printf("    latency on '%s' over %u changes: kernel delivery %.3f ms, daemon %.3f ms, bare hop %.3f ms\n",
               mux, n, km, dm, hm);
        return hm > 0 ? dm / hm : 0;
}

static double startup_median(Scale *s, uint64_t *ret_rss_kib, uint64_t *ret_wakeups) {
        unsigned runs = s->sz.startup_runs;
        double *t = calloc(runs, sizeof(double)), med;

        if (!t)
                die("out of memory");
        for (unsigned i = 0; i < runs; i++) {
                uint64_t ns, run0, run1, sl0, sl1;
                UtilProcess *daemon = daemon_spawn(s->muxcapd, s->bus_arg, s->config_arg, NULL, &ns);

                t[i] = ms(ns);
                if (i + 1 == runs) {
                        sleep_ms(1000);         /* windows closed */
                        *ret_rss_kib = proc_rss_kib(util_process_pid(daemon));
                        proc_schedstat(util_process_pid(daemon), &run0, &sl0);
                        sleep_ms(s->sz.idle_seconds * 1000);
                        proc_schedstat(util_process_pid(daemon), &run1, &sl1);
                        *ret_wakeups = sl1 - sl0;
                }
                daemon_stop(&daemon);
        }
        med = quantile(t, runs, 0.5);
        free(t);
        return med;
}

/* Start-up to READY=1: empty, N NICs in M bridges, 4N in 4M; RSS per NIC; idle wake-ups. */
static void run_startup(Scale *s) {
        unsigned n = s->sz.startup_nics, m = s->sz.startup_muxes, base = count_links(s);
        int *masters = calloc(4 * m, sizeof(int)), netns = netns_new();
        uint64_t rss0, rss1, rss4, wake0, wake1, wake4;
        double t0, t1, t4, rss_per_nic;
        BenchTable *t = &s->table;

        if (!masters)
                die("out of memory");
        printf("[start-up] empty, %u NICs in %u bridges, %u in %u\n", n, m, 4 * n, 4 * m);
        t0 = startup_median(s, &rss0, &wake0);
        for (unsigned k = 0; k < m; k++) {
                char name[IFNAMSIZ];

                snprintf(name, sizeof(name), "mb%u", k);
                masters[k] = add_bridge(s, name);
        }
        add_veths(s, "nv", 0, n, netns, masters, m);
        t1 = startup_median(s, &rss1, &wake1);
        for (unsigned k = m; k < 4 * m; k++) {
                char name[IFNAMSIZ];

                snprintf(name, sizeof(name), "mb%u", k);
                masters[k] = add_bridge(s, name);
        }
        /* The next 3N veths, round-robin over all 4M bridges: 4N in 4M, N per bridge-ish. */
        add_veths(s, "nv", n, 3 * n, netns, masters, 4 * m);
        t4 = startup_median(s, &rss4, &wake4);
        printf("    READY=1: empty %.1f ms, %u NICs %.1f ms, %u NICs %.1f ms\n", t0, n, t1, 4 * n, t4);

        bench_table_add(t, "start-up, N NICs in N/10 MUXes", t1, "ms", t0, "start-up, no NICs",
                        "< 100 ms", t1 < 100);
        /* Linear: the 4N start costs at most 4.4 times the N start, over the empty one. */
        bench_table_add(t, "start-up, 4N NICs in 4N/10 MUXes", t4, "ms", t1, "start-up, N NICs",
                        "<= 4.4x (linear)", t4 - t0 <= 4.4 * (t1 - t0));
        rss_per_nic = ((double) rss4 - (double) rss0) * 1024.0 / (4.0 * n + 4 * m);
        bench_table_add(t, "RSS growth per NIC (4N NICs)", rss_per_nic, "B", 1638, "today (issue 14)",
                        "<= 1,638 B", rss_per_nic <= 1638);
        bench_table_add(t, "idle wake-ups (4N NICs)", (double) wake4, "", (double) wake0,
                        "same, no NICs", "0", wake4 == 0);

        close(netns);
        for (unsigned k = 0; k < 4 * m; k++) {
                char name[IFNAMSIZ];

                snprintf(name, sizeof(name), "mb%u", k);
                (void) bench_nl_del(s->nl, name);
        }
        wait_links(s, base);
        free(masters);
}

static void usage(void) {
        printf("bench-scale [--quick] [--out DIR]\n"
               "  The scaling benchmark of issue 14; needs root inside tests/integration/ns-run.sh\n"
               "  and $MUXCAPD. --quick: small sizes (targets printed, not judged). Use bench/run.sh.\n");
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "quick", no_argument, NULL, 'q' },
                { "out", required_argument, NULL, 'o' },
                { "help", no_argument, NULL, 'h' },
                { NULL, 0, NULL, 0 },
        };
        Scale *s;
        char conf[PATH_MAX + 16], results[PATH_MAX + 16], label[6][48];
        BenchTable *t;
        int hop[2], c, br0, brs, brk, lat, latl, netns_small, netns_bridge, netns_declared;
        Point p0, p_small, p_bridge, p_declared, p_elsewhere, l_small, l_bridge, l_declared;
        double k0, d0, h0, k1, d1, h1, k2, d2, h2, hops0, hops1, hops2;
        ssize_t n;
        FILE *f;

        if (argc == 4 && streq(argv[1], "listen"))
                return bench_listen_main(atoi(argv[2]), atoi(argv[3]));
        s = calloc(1, sizeof(Scale));
        if (!s)
                return 1;
        s->sz = full_sizes;
        s->table.words[BENCH_MISSED] = "missed";
        s->table.words[BENCH_MET] = "met";
        t = &s->table;
        snprintf(s->out, sizeof(s->out), ".");
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'q':
                        s->quick = true;
                        s->sz = quick_sizes;
                        break;
                case 'o':
                        snprintf(s->out, sizeof(s->out), "%s", optarg);
                        break;
                case 'h':
                        usage();
                        return 0;
                default:
                        return 2;
                }
        util_require_ns_run();
        setvbuf(stdout, NULL, _IOLBF, 0);
        s->muxcapd = getenv("MUXCAPD");
        s->dir = getenv("MUXCAP_TEST_DIR");
        if (!s->muxcapd || !s->dir)
                die("$MUXCAPD or $MUXCAP_TEST_DIR is not set");
        n = readlink("/proc/self/exe", s->self, sizeof(s->self) - 1);
        if (n < 0)
                die("/proc/self/exe: %s", strerror(errno));
        s->self[n] = '\0';
        snprintf(s->bus_arg, sizeof(s->bus_arg), "--bus=%s", getenv("MUXCAP_TEST_BUS"));
        s->callgrind = util_run_status("command -v valgrind >/dev/null && "
                                       "command -v callgrind_control >/dev/null") == 0;
        if (!s->callgrind)
                printf("valgrind not installed: the Ir figures are skipped\n");
        /* The declared MUX over globbed veths: a bridge takes at most 1,023 ports (EXFULL). */
        snprintf(conf, sizeof(conf), "%s/scale.conf", s->dir);
        f = fopen(conf, "we");
        if (!f || fputs("[Mux " DECLARED "]\nMembers=sv*\n", f) < 0 || fclose(f) != 0)
                die("writing %s", conf);
        snprintf(s->config_arg, sizeof(s->config_arg), "--config=%s", conf);
        s->nl = bench_nl_new();
        pipe_or_die(hop);
        s->hop_pid = fork_child(hop_child, &hop[0]);
        close(hop[0]);
        s->hop_fd = hop[1];
        printf("muxcapd scaling benchmark (%s), daemon %s\n", s->quick ? "quick smoke run" : "full run",
               s->muxcapd);

        run_startup(s);

        /* The world grows between points: first br0 alone, then the bridges, then the
         * declared MUX's members; each point starts a daemon of its own. */
        netns_small = netns_new();
        br0 = add_bridge(s, "br0");
        lat = 0;
        add_veths(s, "lat", 0, 1, netns_small, NULL, 0);
        lat = (int) if_nametoindex("lat0");
        p0 = (Point) { .label = "N=0", .mux = "br0", .master = br0, .churn_prefix = "ca" };
        run_point(s, &p0, 0);
        hops0 = run_latency(s, "br0", br0, lat, &k0, &d0, &h0);

        brs = add_bridge(s, "brs");
        brk = add_bridge(s, "brk");
        add_veths(s, "bs", 0, s->sz.n_small, netns_small, &brs, 1);
        netns_bridge = netns_new();
        add_veths(s, "bk", 0, s->sz.n_bridge, netns_bridge, &brk, 1);
        snprintf(label[0], sizeof(label[0]), "N=%u", s->sz.n_small);
        p_small = (Point) { .label = label[0], .mux = "brs", .master = brs, .churn_prefix = "cb" };
        run_point(s, &p_small, s->sz.n_small);
        snprintf(label[3], sizeof(label[3]), "N=%u, limiting member", s->sz.n_small);
        l_small = (Point) { .label = label[3], .mux = "brs", .master = brs, .churn_prefix = "cls" };
        run_point(s, &l_small, s->sz.n_small);
        snprintf(label[1], sizeof(label[1]), "N=%u (bridge)", s->sz.n_bridge);
        p_bridge = (Point) { .label = label[1], .mux = "brk", .master = brk, .churn_prefix = "cc" };
        run_point(s, &p_bridge, s->sz.n_bridge);
        snprintf(label[4], sizeof(label[4]), "N=%u (bridge), limiting member", s->sz.n_bridge);
        l_bridge = (Point) { .label = label[4], .mux = "brk", .master = brk, .churn_prefix = "clk" };
        run_point(s, &l_bridge, s->sz.n_bridge);
        hops1 = run_latency(s, "brk", brk, lat, &k1, &d1, &h1);
        add_veths(s, "cllat", 0, 1, netns_small, NULL, 0);
        latl = (int) if_nametoindex("cllat0");
        hops2 = run_latency(s, "brk", brk, latl, &k2, &d2, &h2);
        (void) bench_nl_del(s->nl, "cllat0");

        /* The bridges go (their members with their namespace), the declared MUX fills. */
        close(netns_bridge);
        (void) bench_nl_del(s->nl, "brk");
        for (unsigned i = 0; i < s->sz.n_small; i++) {
                char name[IFNAMSIZ];

                snprintf(name, sizeof(name), "bs%u", i);
                (void) bench_nl_del(s->nl, name);
        }
        (void) bench_nl_del(s->nl, "brs");
        wait_links(s, 4);       /* lo, br0, lat0 (+ slack) */
        netns_declared = netns_new();
        add_veths(s, "sv", 0, s->sz.n_declared, netns_declared, NULL, 0);
        snprintf(label[2], sizeof(label[2]), "N=%u (declared)", s->sz.n_declared);
        p_declared = (Point) { .label = label[2], .mux = DECLARED, .master = 0, .churn_prefix = "svc" };
        run_point(s, &p_declared, s->sz.n_declared);
        snprintf(label[5], sizeof(label[5]), "N=%u (declared), limiting member", s->sz.n_declared);
        l_declared = (Point) { .label = label[5], .mux = DECLARED, .master = 0, .churn_prefix = "svl" };
        run_point(s, &l_declared, s->sz.n_declared);
        p_elsewhere = (Point) { .label = "N=0, declared MUX elsewhere", .mux = "br0", .master = br0,
                                .churn_prefix = "ce" };
        run_point(s, &p_elsewhere, 0);
        close(netns_declared);
        close(netns_small);

        printf("\n");
        bench_table_add(t, "Ir/event, N=0", p0.ir, "Ir", p0.ir_bare, "bare listener", "<= 8x",
                        s->callgrind ? p0.ir <= 8 * p0.ir_bare : NONE);
        bench_table_add(t, "Ir/event, N=small", p_small.ir, "Ir", p0.ir, "Ir/event, N=0", "-", NONE);
        bench_table_add(t, "Ir/event, N=bridge", p_bridge.ir, "Ir", p0.ir, "Ir/event, N=0", "-", NONE);
        bench_table_add(t, "Ir/event, N=declared", p_declared.ir, "Ir", p0.ir, "Ir/event, N=0",
                        "<= 1.3x", s->callgrind ? p_declared.ir <= 1.3 * p0.ir : NONE);
        bench_table_add(t, "Ir/event, empty MUX, declared elsewhere", p_elsewhere.ir, "Ir", p0.ir,
                        "Ir/event, N=0", "<= 1.1x", s->callgrind ? p_elsewhere.ir <= 1.1 * p0.ir : NONE);
        bench_table_add(t, "Ir/event, limiting member, N=small", l_small.ir, "Ir", p0.ir,
                        "Ir/event, N=0", "<= 1.3x", s->callgrind ? l_small.ir <= 1.3 * p0.ir : NONE);
        bench_table_add(t, "Ir/event, limiting member, N=bridge", l_bridge.ir, "Ir", p0.ir,
                        "Ir/event, N=0", "<= 1.3x", s->callgrind ? l_bridge.ir <= 1.3 * p0.ir : NONE);
        bench_table_add(t, "Ir/event, limiting member, N=declared", l_declared.ir, "Ir", p0.ir,
                        "Ir/event, N=0", "<= 1.3x", s->callgrind ? l_declared.ir <= 1.3 * p0.ir : NONE);
        bench_table_add(t, "CPU/event, N=0", p0.cpu_us, "us", p0.cpu_bare_us, "bare listener", "-",
                        NONE);
        bench_table_add(t, "dbus-daemon CPU/event, N=0", p0.cpu_bus_us, "us", p0.cpu_us,
                        "muxcapd CPU/event", "-", NONE);
        bench_table_add(t, "dbus-daemon CPU/event, N=bridge", p_bridge.cpu_bus_us, "us",
                        p_bridge.cpu_us, "muxcapd CPU/event", "-", NONE);
        bench_table_add(t, "CPU/event, N=bridge", p_bridge.cpu_us, "us", p_bridge.cpu_bare_us,
                        "bare listener", "-", NONE);
        bench_table_add(t, "CPU/event, N=declared", p_declared.cpu_us, "us", p_declared.cpu_bare_us,
                        "bare listener", "-", NONE);
        bench_table_add(t, "CPU/event, empty MUX, declared elsewhere", p_elsewhere.cpu_us, "us",
                        p_elsewhere.cpu_bare_us, "bare listener", "-", NONE);
        bench_table_add(t, "D-Bus bytes/event, N=0", p0.bytes, "B", -1, "-", "<= 3,000 B",
                        p0.bytes <= 3000);
        bench_table_add(t, "D-Bus bytes/event, N=bridge", p_bridge.bytes, "B", p0.bytes,
                        "bytes/event, N=0", "<= 1,500 B", p_bridge.bytes <= 1500);
        bench_table_add(t, "D-Bus bytes/event, N=declared", p_declared.bytes, "B", p0.bytes,
                        "bytes/event, N=0", "<= 1,500 B", p_declared.bytes <= 1500);
        bench_table_add(t, "D-Bus bytes/event, limiting member, N=bridge", l_bridge.bytes, "B",
                        p0.bytes, "bytes/event, N=0", "-", NONE);
        bench_table_add(t, "latency: kernel delivery, N=0", k0, "ms", -1, "-", "-", NONE);
        bench_table_add(t, "latency: daemon adds, N=0", d0, "ms", h0, "bare D-Bus hop",
                        "<= 1.5 hops", hops0 <= 1.5);
        bench_table_add(t, "latency: kernel delivery, N=bridge", k1, "ms", -1, "-", "-", NONE);
        bench_table_add(t, "latency: daemon adds, N=bridge", d1, "ms", h1, "bare D-Bus hop",
                        "<= 1.5 hops", hops1 <= 1.5);
        bench_table_add(t, "latency: kernel delivery, limiting member, N=bridge", k2, "ms", -1,
                        "-", "-", NONE);
        bench_table_add(t, "latency: daemon adds, limiting member, N=bridge", d2, "ms", h2,
                        "bare D-Bus hop", "<= 1.5 hops", hops2 <= 1.5);

        close(s->hop_fd);
        (void) kill(s->hop_pid, SIGTERM);
        (void) waitpid(s->hop_pid, NULL, 0);
        s->nl = bench_nl_free(s->nl);
        bench_table_print(&s->table, stdout);
        snprintf(results, sizeof(results), "%s/scale.txt", s->out);
        f = fopen(results, "we");
        if (f) {
                bench_table_print(&s->table, f);
                fclose(f);
        }
        printf("\nN=small %u, bridge %u, declared %u; start-up N=%u; %u churn operations per point\n",
               s->sz.n_small, s->sz.n_bridge, s->sz.n_declared, s->sz.startup_nics, s->sz.ops);
        if (s->quick)
                printf("quick smoke run: sizes are small, met/missed are not judged\n");
        else
                printf("%s\n", s->table.missed ? "some targets are missed (see 'met')" : "every target is met");
        free(s);
        return 0;
}
