/* SPDX-License-Identifier: MIT */
/* muxcapd benchmarks (issue 8): latency, burst, start-up, fan-out, footprint, instructions;
 * each figure next to a baseline measured in the same run. Runs inside ns-run.sh. */
#include <dbus/dbus.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <pwd.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "nl.h"
#include "record.h"
#include "util.h"
#include "bus-path.h"

#define BR "br0"
#define BR_PATH BUS_ROOT_PATH "/mux/br0"
#define LAT "lat0"
#define FANOUT_PROCS 4U         /* dbus-daemon allows 256 connections per uid */

typedef struct Sizes {
        unsigned latency_changes;
        unsigned fanout_subscribers;
        unsigned fanout_rounds;
        unsigned burst_nics;
        unsigned startup_nics;
        unsigned startup_muxes;
        unsigned startup_runs;
        unsigned idle_seconds;
        unsigned callgrind_nics;
} Sizes;

static const Sizes full_sizes = { 200, 500, 15, 1000, 1000, 100, 5, 10, 250 };
static const Sizes quick_sizes = { 10, 20, 2, 50, 50, 5, 2, 1, 20 };

typedef enum Met { MET_NA, MET_YES, MET_NO } Met;

/* What the burst subscriber thread saw on br0 since the last arm. */
typedef struct Watch {
        pthread_mutex_t lock;
        atomic_bool stop;
        int target_members;             /* -1: not armed */
        uint64_t reached_ns;            /* first time Members had target_members */
        uint64_t last_change_ns;        /* last PropertiesChanged or StatusIndication */
        unsigned properties_changed;
        unsigned indications;
        uint64_t max_generation;
        int members;
} Watch;

typedef struct Bench {
        Sizes sz;
        bool quick;
        const char *muxcapd;
        char self[PATH_MAX];
        char bus_arg[600];
        const char *dir;
        BenchNl *nl;
        int peer_netns;                 /* where veth peers live, out of the daemon's sight */
        int br_ifindex, lat_ifindex;
        UtilProcess *daemon;
        DBusConnection *bus;            /* main: latency subscriber and property reads */
        unsigned coalesce_ms;
        int hop_fd;                     /* write end: one byte asks the hop sender for a Hop */
        pid_t hop_pid;
        Watch watch;
        pthread_t watch_thread;
        bool watching;
        uint64_t rss_empty_kib, devices_empty;
        BenchTable table;
        bool failed;
} Bench;

/* Quick runs judge nothing: their sizes are too small. */
static void add_row(Bench *b, const char *name, double value, const char *unit, double baseline,
                    const char *baseline_what, const char *target, Met met) {
        bench_table_add(&b->table, name, value, unit, baseline, baseline_what, target,
                        b->quick || met == MET_NA ? BENCH_NO_TARGET : met == MET_YES ? BENCH_MET : BENCH_MISSED);
        if (b->table.missed)
                b->failed = true;
}

static Met met_if(bool ok) {
        return ok ? MET_YES : MET_NO;
}




/* /proc readings */





/* Children */



static int hop_child(void *userdata) {
        return bench_hop_main(*(int *) userdata);
}

typedef struct FanoutArgs {
        unsigned n, uid;
        int ctrl_fd, report_fd;
} FanoutArgs;

static int fanout_child(void *userdata) {
        const FanoutArgs *a = userdata;

        return bench_fanout_main(a->n, a->uid, BR_PATH, a->ctrl_fd, a->report_fd);
}







/* The daemon */




/* D-Bus waits */




static bool is_status(DBusMessage *m, void *userdata) {
        dbus_uint32_t code = 0;

        return dbus_message_is_signal(m, BUS_IFACE_MUX, "StatusIndication") &&
               streq(dbus_message_get_path(m), BR_PATH) &&
               dbus_message_get_args(m, NULL, DBUS_TYPE_UINT32, &code, DBUS_TYPE_INVALID) &&
               code == *(const uint32_t *) userdata;
}



/* The burst watcher: its own connection in its own thread, so arrival times are not delayed
 * by whatever the main thread is doing (sending 1,000 netlink requests). */

static int count_members(DBusMessageIter *variant) {
        DBusMessageIter a;
        int n = 0;

        if (dbus_message_iter_get_arg_type(variant) != DBUS_TYPE_ARRAY)
                return -1;
        dbus_message_iter_recurse(variant, &a);
        while (dbus_message_iter_get_arg_type(&a) == DBUS_TYPE_STRING) {
                n++;
                dbus_message_iter_next(&a);
        }
        return n;
}

/* Whether a PropertiesChanged names Members in its invalidated list (muxcapd announces a
 * membership change so, never with the list). */
static bool invalidates_members(DBusMessage *m) {
        DBusMessageIter it, a;

        if (!dbus_message_has_signature(m, "sa{sv}as") || !dbus_message_iter_init(m, &it) ||
            !dbus_message_iter_next(&it) || !dbus_message_iter_next(&it))
                return false;
        for (dbus_message_iter_recurse(&it, &a); dbus_message_iter_get_arg_type(&a) == DBUS_TYPE_STRING;
             dbus_message_iter_next(&a)) {
                const char *name;

                dbus_message_iter_get_basic(&a, &name);
                if (streq(name, "Members"))
                        return true;
        }
        return false;
}

/* The member count a subscriber learns from @m: it reads Members again (Get) after each
 * invalidation, as muxcap.h tells clients to. -1 when @m does not invalidate Members. */
static int changed_members(DBusConnection *c, DBusMessage *m) {
        DBusMessage *reply;
        DBusMessageIter it, v;
        int n;

        if (!invalidates_members(m))
                return -1;
        reply = util_call(c, BUS_NAME, BR_PATH, DBUS_INTERFACE_PROPERTIES, "Get",
                          DBUS_TYPE_STRING, &(const char *) { BUS_IFACE_MUX },
                          DBUS_TYPE_STRING, &(const char *) { "Members" }, DBUS_TYPE_INVALID);
        if (!dbus_message_has_signature(reply, "v")) {
                dbus_message_unref(reply);
                return -1;
        }
        (void) dbus_message_iter_init(reply, &it);
        dbus_message_iter_recurse(&it, &v);
        n = count_members(&v);
        dbus_message_unref(reply);
        return n;
}

static void *watch_run(void *userdata) {
        Watch *w = userdata;
        DBusConnection *c = util_bus_connect();
        DBusError error = DBUS_ERROR_INIT;

        dbus_bus_add_match(c, "type='signal',path='" BR_PATH "'", &error);
        if (dbus_error_is_set(&error))
                die("AddMatch: %s", error.message);
        pthread_mutex_lock(&w->lock);
        w->members = -2;        /* tells the main thread the match is in place */
        pthread_mutex_unlock(&w->lock);
        while (!atomic_load(&w->stop)) {
                DBusMessage *m;

                if (!dbus_connection_read_write(c, 100))
                        break;
                while ((m = dbus_connection_pop_message(c))) {
                        uint64_t t = bench_now_ns();
                        bool props = dbus_message_is_signal(m, DBUS_INTERFACE_PROPERTIES,
                                                            "PropertiesChanged");
                        /* Read outside the lock; the subscriber holds the list once the
                         * answer is in, so that is when the target counts as reached. */
                        int n = props ? changed_members(c, m) : -1;
                        uint64_t t_members = n >= 0 ? bench_now_ns() : t;

                        pthread_mutex_lock(&w->lock);
                        if (props) {
                                w->properties_changed++;
                                w->last_change_ns = t;
                                if (n >= 0) {
                                        w->members = n;
                                        if (n == w->target_members && !w->reached_ns)
                                                w->reached_ns = t_members;
                                }
                        } else if (dbus_message_is_signal(m, BUS_IFACE_MUX, "StatusIndication")) {
                                dbus_uint32_t code;
                                dbus_uint64_t gen = 0;

                                w->indications++;
                                w->last_change_ns = t;
                                if (dbus_message_get_args(m, NULL, DBUS_TYPE_UINT32, &code,
                                                          DBUS_TYPE_UINT64, &gen, DBUS_TYPE_INVALID) &&
                                    gen > w->max_generation)
                                        w->max_generation = gen;
                        }
                        pthread_mutex_unlock(&w->lock);
                        dbus_message_unref(m);
                }
        }
        util_bus_close(c);
        return NULL;
}

static void watch_arm(Watch *w, int target, uint64_t generation) {
        pthread_mutex_lock(&w->lock);
        w->target_members = target;
        w->reached_ns = 0;
        w->properties_changed = w->indications = 0;
        w->max_generation = generation;
        pthread_mutex_unlock(&w->lock);
}

/* Waits until Members reached the armed target; returns a snapshot. */
static Watch watch_wait(Watch *w, unsigned timeout_s, const char *what) {
        uint64_t deadline = util_now_ms() + timeout_s * 1000ULL;
        Watch snap;

        for (;;) {
                pthread_mutex_lock(&w->lock);
                snap = *w;
                pthread_mutex_unlock(&w->lock);
                if (snap.reached_ns)
                        return snap;
                if (util_now_ms() > deadline)
                        die("%s: br0 never showed %d members (last seen %d)", what,
                            snap.target_members, snap.members);
                sleep_ms(5);
        }
}

static uint64_t mux_generation(Bench *b) {
        uint64_t g = 0;

        if (util_get_property(b->bus, BUS_NAME, BR_PATH, BUS_IFACE_MUX, "Generation",
                              DBUS_TYPE_UINT64, &g) < 0)
                die("reading br0's Generation failed");
        return g;
}

/* Benchmarks */

static double ms(uint64_t ns) {
        return (double) ns / 1e6;
}

/* 1. Latency: one membership change, issued here over netlink, until the subscriber has the
 * hardware StatusIndication; against one bare signal hop through the same bus. Interleaved,
 * so both see the same noise. */
static void bench_latency(Bench *b) {
        unsigned n = b->sz.latency_changes;
        double *d = calloc(n, sizeof(double)), *h = calloc(n, sizeof(double));
        uint32_t hw = STATUS_HARDWARE_CAPABILITIES, cur = STATUS_OFFLOAD_RESUME;
        double dm, d99, hm, h99;

        if (!d || !h)
                die("out of memory");
        printf("[1] latency: %u membership changes, %u bare hops\n", n, n);
        for (unsigned i = 0; i < n; i++) {
                DBusMessage *m;
                uint64_t t0, t1;
                int r;

                drain(b->bus);
                t0 = bench_now_ns();
                r = bench_nl_set_master(b->nl, b->lat_ifindex, i % 2 == 0 ? b->br_ifindex : 0);
                if (r < 0)
                        die("set master: %s", strerror(-r));
                m = wait_message(b->bus, is_status, &hw, UTIL_TIMEOUT_MS, &t1);
                if (!m)
                        die("change %u: no hardware StatusIndication", i);
                dbus_message_unref(m);
                d[i] = ms(t1 - t0);
                m = wait_message(b->bus, is_status, &cur, UTIL_TIMEOUT_MS, &t1);
                if (!m)
                        die("change %u: no current-config StatusIndication", i);
                dbus_message_unref(m);
                /* Past the coalescing window, so the next change is emitted at once. */
                sleep_ms(b->coalesce_ms + 10);

                if (write(b->hop_fd, "h", 1) != 1)
                        die("hop sender: %s", strerror(errno));
                m = wait_message(b->bus, is_hop, NULL, UTIL_TIMEOUT_MS, &t1);
                if (!m)
                        die("hop %u: no signal", i);
                h[i] = ms(t1 - hop_sent_ns(m));
                dbus_message_unref(m);
                sleep_ms(5);
        }
        dm = quantile(d, n, 0.5);
        d99 = quantile(d, n, 0.99);
        hm = quantile(h, n, 0.5);
        h99 = quantile(h, n, 0.99);
        add_row(b, "latency median", dm, "ms", hm, "bare hop median", "<= 1.5x", met_if(dm <= 1.5 * hm));
        add_row(b, "latency p99", d99, "ms", h99, "bare hop p99", "-", MET_NA);
        free(d);
        free(h);
}

/* 4. Fan-out: subscribers in FANOUT_PROCS processes (other uids: the bus limits connections
 * per uid); time from the trigger until the last subscriber has the signal. */
static void bench_fanout(Bench *b) {
        unsigned per = (b->sz.fanout_subscribers + FANOUT_PROCS - 1) / FANOUT_PROCS;
        unsigned rounds = b->sz.fanout_rounds;
        double *d = calloc(rounds, sizeof(double)), *h = calloc(rounds, sizeof(double));
        int ctrl[FANOUT_PROCS], report[FANOUT_PROCS];
        pid_t pids[FANOUT_PROCS];
        uint32_t cur = STATUS_OFFLOAD_RESUME;
        char sock[PATH_MAX];
        unsigned uids[FANOUT_PROCS], n_uids = 0;
        double dm, hm;

        if (!d || !h)
                die("out of memory");
        printf("[4] fan-out: %u subscribers in %u processes, %u rounds each\n",
               per * FANOUT_PROCS, FANOUT_PROCS, rounds);
        /* Other uids, with passwd entries (dbus-daemon looks up their groups), must be able to
         * connect to the private bus's socket. */
        for (struct passwd *pw; n_uids < FANOUT_PROCS && (pw = getpwent());)
                if (pw->pw_uid != 0)
                        uids[n_uids++] = pw->pw_uid;
        endpwent();
        if (n_uids < FANOUT_PROCS)
                die("fan-out needs %u users other than root in /etc/passwd", FANOUT_PROCS);
        snprintf(sock, sizeof(sock), "%s/bus", b->dir);
        if (chmod(sock, 0777) < 0)
                die("chmod %s: %s", sock, strerror(errno));
        for (unsigned k = 0; k < FANOUT_PROCS; k++) {
                int c[2], r[2];
                FanoutArgs a;
                char ready;

                pipe_or_die(c);
                pipe_or_die(r);
                a = (FanoutArgs) { .n = per, .uid = uids[k], .ctrl_fd = c[0], .report_fd = r[1] };
                pids[k] = fork_child(fanout_child, &a);
                close(c[0]);
                close(r[1]);
                ctrl[k] = c[1];
                report[k] = r[0];
                read_exact(report[k], &ready, 1, "fan-out subscriber start");
        }
        for (unsigned i = 0; i < rounds; i++) {
                uint64_t t0, last = 0, t;
                DBusMessage *m;
                int r;

                /* the daemon */
                drain(b->bus);
                t0 = bench_now_ns();
                r = bench_nl_set_master(b->nl, b->lat_ifindex, i % 2 == 0 ? b->br_ifindex : 0);
                if (r < 0)
                        die("set master: %s", strerror(-r));
                for (unsigned k = 0; k < FANOUT_PROCS; k++) {
                        read_exact(report[k], &t, sizeof(t), "fan-out report");
                        last = t > last ? t : last;
                }
                d[i] = ms(last - t0);
                m = wait_message(b->bus, is_status, &cur, UTIL_TIMEOUT_MS, &t);
                if (m)
                        dbus_message_unref(m);
                sleep_ms(b->coalesce_ms + 10);

                /* the bare hop */
                if (write(b->hop_fd, "h", 1) != 1)
                        die("hop sender: %s", strerror(errno));
                last = 0;
                for (unsigned k = 0; k < FANOUT_PROCS; k++) {
                        read_exact(report[k], &t, sizeof(t), "fan-out report");
                        last = t > last ? t : last;
                }
                m = wait_message(b->bus, is_hop, NULL, UTIL_TIMEOUT_MS, &t);
                if (!m)
                        die("fan-out hop %u: no signal", i);
                h[i] = ms(last - hop_sent_ns(m));
                dbus_message_unref(m);
                sleep_ms(5);
        }
        if (rounds % 2 == 1) {
                /* Leave lat0 out of br0, as the burst expects. */
                uint32_t hw = STATUS_HARDWARE_CAPABILITIES;
                uint64_t t;
                DBusMessage *m;

                drain(b->bus);
                if (bench_nl_set_master(b->nl, b->lat_ifindex, 0) < 0)
                        die("releasing lat0 failed");
                m = wait_message(b->bus, is_status, &hw, UTIL_TIMEOUT_MS, &t);
                if (m)
                        dbus_message_unref(m);
                for (unsigned k = 0; k < FANOUT_PROCS; k++)
                        read_exact(report[k], &t, sizeof(t), "fan-out report");
                sleep_ms(b->coalesce_ms + 10);
        }
        /* Each child holds its elder siblings' pipe ends (fork without exec): no EOF for
         * them, so end them explicitly. */
        for (unsigned k = 0; k < FANOUT_PROCS; k++) {
                close(ctrl[k]);
                close(report[k]);
                (void) kill(pids[k], SIGTERM);
                (void) waitpid(pids[k], NULL, 0);
        }
        dm = quantile(d, rounds, 0.5);
        hm = quantile(h, rounds, 0.5);
        add_row(b, "fan-out to last subscriber", dm, "ms", hm, "bare hop to all", "-", MET_NA);
        free(d);
        free(h);
}

typedef struct BurstResult {
        double converge_ms;             /* last event -> final state published */
        double kernel_to_udev_ms;       /* last rtnetlink event -> last udev event */
        double duration_ms;             /* first -> last event */
        unsigned emissions;             /* generations of br0 */
        unsigned properties_changed;
        unsigned indications;
        ListenStats st;
} BurstResult;

/* Adds (or deletes) @n veths in br0 as fast as the kernel takes them; waits until br0's
 * Members shows it. */
static BurstResult burst(Bench *b, Listener *l, unsigned n, bool add, unsigned timeout_s) {
        uint64_t gen = mux_generation(b), last;
        BurstResult res = { 0 };
        Watch snap;

        listener_cmd(l, 'z');
        (void) listener_stats(l);       /* the reset is done once this returns */
        watch_arm(&b->watch, add ? (int) n : 0, gen);
        for (unsigned i = 0; i < n; i++) {
                char name[IFNAMSIZ], peer[IFNAMSIZ];
                int r;

                snprintf(name, sizeof(name), "bv%u", i);
                snprintf(peer, sizeof(peer), "bp%u", i);
                r = add ? bench_nl_add_veth(b->nl, name, peer, b->peer_netns, b->br_ifindex)
                        : bench_nl_del(b->nl, name);
                if (r < 0)
                        die("%s %s: %s", add ? "adding" : "deleting", name, strerror(-r));
        }
        snap = watch_wait(&b->watch, timeout_s, add ? "burst add" : "burst remove");
        sleep_ms(500);  /* stragglers: events after the state converged count as "last" */
        res.st = listener_stats(l);
        pthread_mutex_lock(&b->watch.lock);
        snap = b->watch;
        pthread_mutex_unlock(&b->watch.lock);
        last = res.st.last_rtnl_ns > res.st.last_udev_ns ? res.st.last_rtnl_ns : res.st.last_udev_ns;
        res.converge_ms = snap.reached_ns > last ? ms(snap.reached_ns - last) : 0;
        res.kernel_to_udev_ms = res.st.last_udev_ns > res.st.last_rtnl_ns
                                        ? ms(res.st.last_udev_ns - res.st.last_rtnl_ns) : 0;
        res.duration_ms = last > res.st.first_ns ? ms(last - res.st.first_ns) : 0;
        res.emissions = (unsigned) (snap.max_generation - gen);
        res.properties_changed = snap.properties_changed;
        res.indications = snap.indications;
        printf("    %s %u: %" PRIu64 " rtnetlink + %" PRIu64 " udev events over %.1f ms, "
               "udev lags the kernel by %.1f ms, converged %.1f ms after the last event; "
               "%u emissions, %u PropertiesChanged, %u StatusIndications on br0\n",
               add ? "add" : "remove", n, res.st.rtnl_msgs, res.st.udev_events, res.duration_ms,
               res.kernel_to_udev_ms, res.converge_ms, res.emissions, res.properties_changed,
               res.indications);
        return res;
}

/* The bound the coalescing window puts on emissions over a burst of @duration_ms. */
static unsigned emission_bound(const Bench *b, double duration_ms) {
        return (unsigned) (duration_ms / (double) (b->coalesce_ms ? b->coalesce_ms : 1)) + 2;
}

/* 2. Burst: N veths into br0 as fast as possible, then deleted. */
static void bench_burst(Bench *b) {
        unsigned n = b->sz.burst_nics, overruns0, overruns;
        uint64_t d0, d1, l0, l1, ds0, ds1, ls0, ls1, slices, events;
        BurstResult add, del;
        Listener l;
        double worst, per_d, per_l;
        unsigned bound, pc_bound;

        printf("[2] burst: %u veths into br0, then deleted\n", n);
        listener_start(b->self, &l, NULL);
        overruns0 = count_in_log(util_process_log(b->daemon), "overrun");
        d0 = proc_cpu_ns(util_process_pid(b->daemon));
        l0 = proc_cpu_ns(util_process_pid(l.proc));
        proc_schedstat(util_process_pid(b->daemon), &ds0, &slices);
        proc_schedstat(util_process_pid(l.proc), &ls0, &slices);
        add = burst(b, &l, n, true, 120);
        del = burst(b, &l, n, false, 120);
        d1 = proc_cpu_ns(util_process_pid(b->daemon));
        l1 = proc_cpu_ns(util_process_pid(l.proc));
        proc_schedstat(util_process_pid(b->daemon), &ds1, &slices);
        proc_schedstat(util_process_pid(l.proc), &ls1, &slices);
        overruns = count_in_log(util_process_log(b->daemon), "overrun") - overruns0;
        listener_stop(&l);

        worst = add.converge_ms > del.converge_ms ? add.converge_ms : del.converge_ms;
        add_row(b, "burst: converge after add", add.converge_ms, "ms", (double) b->coalesce_ms,
                "CoalesceMs window", "< 50 ms", met_if(add.converge_ms < 50));
        add_row(b, "burst: converge after remove", del.converge_ms, "ms", (double) b->coalesce_ms,
                "CoalesceMs window", "< 50 ms", met_if(del.converge_ms < 50));
        (void) worst;
        bound = emission_bound(b, add.duration_ms) + emission_bound(b, del.duration_ms);
        add_row(b, "burst: emissions (generations)", add.emissions + del.emissions, "", bound,
                "window bound", "<= bound", met_if(add.emissions + del.emissions <= bound));
        pc_bound = bound;
        add_row(b, "burst: br0 PropertiesChanged", add.properties_changed + del.properties_changed,
                "", pc_bound, "window bound", "<= bound",
                met_if(add.properties_changed + del.properties_changed <= pc_bound));
        events = add.st.rtnl_msgs + del.st.rtnl_msgs;
        per_d = events ? (double) (d1 - d0) / 1e3 / (double) events : 0;
        per_l = events ? (double) (l1 - l0) / 1e3 / (double) events : 0;
        add_row(b, "burst: daemon CPU per event", per_d, "us", per_l, "bare listener", "< 20 us",
                met_if(per_d < 20));
        printf("    daemon CPU %.1f ms, bare listener %.1f ms (/proc/PID/stat, 10 ms ticks); "
               "schedstat run time: daemon %.1f ms = %.1f us/event, bare listener %.1f ms = %.1f us/event; "
               "%" PRIu64 " rtnetlink events; daemon overruns (ENOBUFS) during the burst: %u\n",
               ms(d1 - d0), ms(l1 - l0), ms(ds1 - ds0),
               events ? (double) (ds1 - ds0) / 1e3 / (double) events : 0, ms(ls1 - ls0),
               events ? (double) (ls1 - ls0) / 1e3 / (double) events : 0, events, overruns);
}

static void make_topology(Bench *b, unsigned nics, unsigned muxes) {
        int *mux_ifindex = calloc(muxes, sizeof(int));

        if (!mux_ifindex)
                die("out of memory");
        for (unsigned k = 0; k < muxes; k++) {
                char name[IFNAMSIZ];
                int r;

                snprintf(name, sizeof(name), "mb%u", k);
                r = bench_nl_add_bridge(b->nl, name);
                if (r < 0)
                        die("adding %s: %s", name, strerror(-r));
                mux_ifindex[k] = (int) if_nametoindex(name);
        }
        for (unsigned i = 0; i < nics; i++) {
                char name[IFNAMSIZ], peer[IFNAMSIZ];
                int r;

                snprintf(name, sizeof(name), "nv%u", i);
                snprintf(peer, sizeof(peer), "np%u", i);
                r = bench_nl_add_veth(b->nl, name, peer, b->peer_netns, mux_ifindex[i % muxes]);
                if (r < 0)
                        die("adding %s: %s", name, strerror(-r));
        }
        free(mux_ifindex);
        util_run("udevadm settle --timeout=120");
}

static void drop_topology(Bench *b, unsigned nics, unsigned muxes) {
        for (unsigned i = 0; i < nics; i++) {
                char name[IFNAMSIZ];

                snprintf(name, sizeof(name), "nv%u", i);
                (void) bench_nl_del(b->nl, name);
        }
        for (unsigned k = 0; k < muxes; k++) {
                char name[IFNAMSIZ];

                snprintf(name, sizeof(name), "mb%u", k);
                (void) bench_nl_del(b->nl, name);
        }
        util_run("udevadm settle --timeout=120");
}

static unsigned count_links(Bench *b, uint64_t *ret_bytes) {
        unsigned links = 0;
        uint64_t bytes = 0;
        int r = bench_nl_dump_links(b->nl, &links, &bytes);

        if (r < 0)
                die("link dump: %s", strerror(-r));
        if (ret_bytes)
                *ret_bytes = bytes;
        return links;
}

/* Start-up in the empty namespace: the baseline of 3., and the RSS baseline of 5. */
static double startup_runs(Bench *b, bool keep_last) {
        unsigned runs = b->sz.startup_runs;
        double *t = calloc(runs, sizeof(double)), median;

        if (!t)
                die("out of memory");
        for (unsigned i = 0; i < runs; i++) {
                uint64_t ns;

                b->daemon = daemon_spawn(b->muxcapd, b->bus_arg, "--config=/dev/null", NULL, &ns);
                t[i] = ms(ns);
                if (i + 1 < runs || !keep_last)
                        daemon_stop(&b->daemon);
        }
        median = quantile(t, runs, 0.5);
        printf("    start-up to READY=1 over %u runs: median %.1f ms (min %.1f, max %.1f)\n",
               runs, median, t[0], t[runs - 1]);
        free(t);
        return median;
}

/* 3. and 5. Start-up and footprint with N NICs and M MUXes. */
static void bench_startup_footprint(Bench *b, double startup_empty_ms) {
        unsigned nics = b->sz.startup_nics, muxes = b->sz.startup_muxes;
        uint64_t rss, dump_bytes, d_run0, d_run1, d_sl0, d_sl1, bus_run0, bus_run1, bus_sl0, bus_sl1;
        unsigned devices;
        double startup, growth, kernel_per_link, wake_d, wake_bus;
        pid_t bus_pid = find_process("dbus-daemon");
        char target[32];

        printf("[3][5] start-up and footprint: %u NICs in %u MUXes\n", nics, muxes);
        daemon_stop(&b->daemon);
        make_topology(b, nics, muxes);
        devices = count_links(b, &dump_bytes);
        kernel_per_link = (double) dump_bytes / (double) devices;
        startup = startup_runs(b, true);
        snprintf(target, sizeof(target), "< 200 ms");
        add_row(b, "start-up to READY=1", startup, "ms", startup_empty_ms, "start-up, no NICs",
                target, met_if(startup < 200));

        sleep_ms(1500);         /* windows closed, STATUS= sent */
        rss = proc_rss_kib(util_process_pid(b->daemon));
        add_row(b, "RSS", (double) rss, "KiB", (double) b->rss_empty_kib, "RSS, no NICs", "-", MET_NA);
        growth = ((double) rss - (double) b->rss_empty_kib) * 1024.0 /
                 (double) (devices - b->devices_empty);
        add_row(b, "RSS growth per NIC", growth, "B", kernel_per_link, "kernel RTM_NEWLINK/link",
                "< 2048 B", met_if(growth < 2048));

        printf("    idle for %u s...\n", b->sz.idle_seconds);
        proc_schedstat(util_process_pid(b->daemon), &d_run0, &d_sl0);
        if (bus_pid > 0)
                proc_schedstat(bus_pid, &bus_run0, &bus_sl0);
        sleep_ms(b->sz.idle_seconds * 1000);
        proc_schedstat(util_process_pid(b->daemon), &d_run1, &d_sl1);
        if (bus_pid > 0)
                proc_schedstat(bus_pid, &bus_run1, &bus_sl1);
        wake_d = (double) (d_sl1 - d_sl0);
        wake_bus = bus_pid > 0 ? (double) (bus_sl1 - bus_sl0) : -1;
        add_row(b, "idle wake-ups", wake_d, "", wake_bus, "dbus-daemon, same time", "0",
                met_if(wake_d == 0));
        daemon_stop(&b->daemon);
        drop_topology(b, nics, muxes);
}


/* 6. Instructions per NIC event under callgrind, daemon and bare listener side by side;
 * instrumented only during the burst (callgrind_control -i switches it). */
static void bench_callgrind(Bench *b, const char *out_dir) {
        char out_d[PATH_MAX], out_l[PATH_MAX], prefix_arg[PATH_MAX + 20], od[PATH_MAX + 40],
                ol[PATH_MAX + 40];
        char *prefix_d[] = { (char *) "valgrind", (char *) "--tool=callgrind", (char *) "--instr-atstart=no",
                             prefix_arg, od, NULL };
        char *prefix_l[] = { (char *) "valgrind", (char *) "--tool=callgrind", (char *) "--instr-atstart=no",
                             prefix_arg, ol, NULL };
        unsigned n = b->sz.callgrind_nics, overruns;
        uint64_t ir_d, ir_l, events;
        BurstResult add, del;
        Listener l;

        if (util_run_status("command -v valgrind >/dev/null && command -v callgrind_control >/dev/null") != 0) {
                printf("[6] callgrind: valgrind not installed, skipped\n");
                return;
        }
        printf("[6] callgrind: %u veths into br0 and out, daemon and bare listener under callgrind\n", n);
        snprintf(out_d, sizeof(out_d), "%s/callgrind.muxcapd.out", out_dir);
        snprintf(out_l, sizeof(out_l), "%s/callgrind.listener.out", out_dir);
        snprintf(prefix_arg, sizeof(prefix_arg), "--vgdb-prefix=%s/vgdb", b->dir);
        snprintf(od, sizeof(od), "--callgrind-out-file=%s", out_d);
        snprintf(ol, sizeof(ol), "--callgrind-out-file=%s", out_l);

        daemon_stop(&b->daemon);
        b->daemon = daemon_spawn(b->muxcapd, b->bus_arg, "--config=/dev/null", prefix_d, NULL);
        listener_start(b->self, &l, prefix_l);
        util_run("callgrind_control %s -i on %d >/dev/null && callgrind_control %s -i on %d >/dev/null",
                 prefix_arg, (int) util_process_pid(b->daemon), prefix_arg, (int) util_process_pid(l.proc));
        add = burst(b, &l, n, true, 600);
        del = burst(b, &l, n, false, 600);
        util_run("callgrind_control %s -i off %d >/dev/null && callgrind_control %s -i off %d >/dev/null",
                 prefix_arg, (int) util_process_pid(b->daemon), prefix_arg, (int) util_process_pid(l.proc));
        overruns = count_in_log(util_process_log(b->daemon), "overrun");
        daemon_stop(&b->daemon);
        listener_stop(&l);

        ir_d = callgrind_total(out_d);
        ir_l = callgrind_total(out_l);
        events = add.st.rtnl_msgs + del.st.rtnl_msgs;
        if (!events || !ir_d)
                die("callgrind: no events or no totals in %s", out_d);
        add_row(b, "instructions per event (Ir)", (double) ir_d / (double) events, "",
                (double) ir_l / (double) events, "bare listener", "-", MET_NA);
        printf("    %" PRIu64 " Ir over %" PRIu64 " rtnetlink events (bare listener %" PRIu64
               " Ir); daemon overruns under callgrind: %u\n", ir_d, events, ir_l, overruns);
        printf("    hot spots (self), from %s:\n", out_d);
        fflush(stdout);
        (void) util_run_status("callgrind_annotate --auto=no --inclusive=no '%s' 2>/dev/null | "
                               "awk '/file:function/ { p = 1; next } p && NF' | head -20 | "
                               "sed 's|/[^ ]*/||; s/^/      /'", out_d);
        printf("    hot spots (inclusive):\n");
        fflush(stdout);
        (void) util_run_status("callgrind_annotate --auto=no --inclusive=yes '%s' 2>/dev/null | "
                               "awk '/file:function/ { p = 1; next } p && NF && !seen[$NF]++' | "
                               "head -25 | sed 's|/[^ ]*/||; s/^/      /'", out_d);
}

static void usage(void) {
        printf("bench-muxcap [--quick] [--out DIR]\n"
               "  Runs every muxcapd benchmark; needs root inside tests/integration/ns-run.sh and\n"
               "  $MUXCAPD. --quick: small sizes, no targets checked. --out: results and callgrind\n"
               "  files (default: the current directory). Use bench/run.sh.\n");
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "quick", no_argument, NULL, 'q' },
                { "out", required_argument, NULL, 'o' },
                { "help", no_argument, NULL, 'h' },
                { NULL, 0, NULL, 0 },
        };
        Bench *b;
        const char *out_dir = ".";
        char results[PATH_MAX];
        double startup_empty;
        int hop[2], c, self_ns, r;
        ssize_t n;
        FILE *f;

        if (argc == 4 && streq(argv[1], "listen"))
                return bench_listen_main(atoi(argv[2]), atoi(argv[3]));

        b = calloc(1, sizeof(Bench));
        if (!b)
                return 1;
        b->sz = full_sizes;
        b->table.words[BENCH_MISSED] = "NO";
        b->table.words[BENCH_MET] = "yes";
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'q':
                        b->quick = true;
                        b->sz = quick_sizes;
                        break;
                case 'o':
                        out_dir = optarg;
                        break;
                case 'h':
                        usage();
                        return 0;
                default:
                        return 2;
                }
        util_require_ns_run();
        setvbuf(stdout, NULL, _IOLBF, 0);
        b->muxcapd = getenv("MUXCAPD");
        b->dir = getenv("MUXCAP_TEST_DIR");
        if (!b->muxcapd)
                die("$MUXCAPD is not set");
        n = readlink("/proc/self/exe", b->self, sizeof(b->self) - 1);
        if (n < 0)
                die("/proc/self/exe: %s", strerror(errno));
        b->self[n] = '\0';
        snprintf(b->bus_arg, sizeof(b->bus_arg), "--bus=%s", getenv("MUXCAP_TEST_BUS"));
        if (!dbus_threads_init_default())
                die("out of memory");

        /* veth peers go to a namespace of their own: the daemon sees one NIC per veth. */
        self_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (self_ns < 0 || unshare(CLONE_NEWNET) < 0 ||
            (b->peer_netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0 ||
            setns(self_ns, CLONE_NEWNET) < 0)
                die("peer network namespace: %s", strerror(errno));
        close(self_ns);
        b->nl = bench_nl_new();

        pipe_or_die(hop);
        b->hop_pid = fork_child(hop_child, &hop[0]);
        close(hop[0]);
        b->hop_fd = hop[1];

        printf("muxcapd benchmarks (%s), daemon %s\n", b->quick ? "quick smoke run" : "full run",
               b->muxcapd);
        printf("[3][5] baselines: start-up and RSS with no NICs\n");
        b->devices_empty = count_links(b, NULL);
        startup_empty = startup_runs(b, true);
        sleep_ms(500);
        b->rss_empty_kib = proc_rss_kib(util_process_pid(b->daemon));
        daemon_stop(&b->daemon);

        r = bench_nl_add_bridge(b->nl, BR);
        if (r >= 0)
                r = bench_nl_add_veth(b->nl, LAT, "latp", b->peer_netns, 0);
        if (r < 0)
                die("adding br0/lat0: %s", strerror(-r));
        b->br_ifindex = (int) if_nametoindex(BR);
        b->lat_ifindex = (int) if_nametoindex(LAT);
        util_run("udevadm settle --timeout=60");

        b->daemon = daemon_spawn(b->muxcapd, b->bus_arg, "--config=/dev/null", NULL, NULL);
        b->bus = util_bus_connect();
        util_add_status_match(b->bus);
        {
                DBusError error = DBUS_ERROR_INIT;
                uint32_t cm = 0;

                dbus_bus_add_match(b->bus, "type='signal',interface='" BENCH_HOP_INTERFACE "'", &error);
                if (dbus_error_is_set(&error))
                        die("AddMatch: %s", error.message);
                if (util_get_property(b->bus, BUS_NAME, BUS_ROOT_PATH, "org.muxcap.MuxCap1.Manager", "CoalesceMs",
                                      DBUS_TYPE_UINT32, &cm) < 0)
                        die("reading CoalesceMs failed");
                b->coalesce_ms = cm;
        }
        (void) mux_generation(b);       /* br0 is published */

        bench_latency(b);
        bench_fanout(b);

        pthread_mutex_init(&b->watch.lock, NULL);
        b->watch.target_members = -1;
        b->watch.members = -1;
        if (pthread_create(&b->watch_thread, NULL, watch_run, &b->watch) != 0)
                die("pthread_create failed");
        for (;;) {
                int m;

                pthread_mutex_lock(&b->watch.lock);
                m = b->watch.members;
                pthread_mutex_unlock(&b->watch.lock);
                if (m != -1)
                        break;
                sleep_ms(5);
        }
        bench_burst(b);
        bench_startup_footprint(b, startup_empty);
        bench_callgrind(b, out_dir);

        atomic_store(&b->watch.stop, true);
        pthread_join(b->watch_thread, NULL);
        daemon_stop(&b->daemon);
        close(b->hop_fd);
        (void) kill(b->hop_pid, SIGTERM);       /* it holds a copy of hop_fd: no EOF */
        (void) waitpid(b->hop_pid, NULL, 0);
        b->bus = util_bus_close(b->bus);
        b->nl = bench_nl_free(b->nl);

        bench_table_print(&b->table, stdout);
        snprintf(results, sizeof(results), "%s/results.txt", out_dir);
        f = fopen(results, "we");
        if (f) {
                bench_table_print(&b->table, f);
                fclose(f);
        }
        if (b->quick)
                printf("\nquick smoke run: sizes are small, targets not checked\n");
        else
                printf("\n%s\n", b->failed ? "some targets are NOT met (see 'met')" : "every target is met");
        free(b);
        return 0;
}
