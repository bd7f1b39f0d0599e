/* SPDX-License-Identifier: MIT */
/* Benchmark helpers shared by the programs in bench/: /proc readings, children, the bare
 * listener's process, the daemon's, D-Bus waits and callgrind totals */
#include <dbus/dbus.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "util.h"

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;

        return x < y ? -1 : x > y;
}

/* Sorts @v in place; returns the @p-quantile (nearest rank). */
double quantile(double *v, size_t n, double p) {
        size_t k;

        if (n == 0)
                return 0;
        qsort(v, n, sizeof(double), cmp_double);
        k = (size_t) (p * (double) n + 0.999999);
        if (k < 1)
                k = 1;
        return v[(k > n ? n : k) - 1];
}

void sleep_ms(unsigned ms) {
        (void) poll(NULL, 0, (int) ms);
}

/* utime + stime of @pid, in ns (clock ticks converted). */
uint64_t proc_cpu_ns(pid_t pid) {
        char path[64], buf[2048], *p;
        unsigned long long utime = 0, stime = 0;
        FILE *f;

        snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
        f = fopen(path, "re");
        if (!f || !fgets(buf, sizeof(buf), f))
                die("reading %s: %s", path, strerror(errno));
        fclose(f);
        p = strrchr(buf, ')');
        /* fields after the comm: state(3) ... utime(14) stime(15) */
        if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
                         &utime, &stime) != 2)
                die("parsing %s", path);
        return (utime + stime) * (UINT64_C(1000000000) / (uint64_t) sysconf(_SC_CLK_TCK));
}

/* Sum over @pid's threads of /proc/.../schedstat: run time (ns) and times scheduled in. */
void proc_schedstat(pid_t pid, uint64_t *ret_run_ns, uint64_t *ret_slices) {
        char path[64];
        struct dirent *de;
        DIR *d;

        *ret_run_ns = *ret_slices = 0;
        snprintf(path, sizeof(path), "/proc/%d/task", (int) pid);
        d = opendir(path);
        if (!d)
                die("%s: %s", path, strerror(errno));
        while ((de = readdir(d))) {
                char p2[400];
                unsigned long long run = 0, wait = 0, slices = 0;
                FILE *f;

                if (de->d_name[0] == '.')
                        continue;
                snprintf(p2, sizeof(p2), "%s/%s/schedstat", path, de->d_name);
                f = fopen(p2, "re");
                if (!f)
                        continue;
                if (fscanf(f, "%llu %llu %llu", &run, &wait, &slices) == 3) {
                        *ret_run_ns += run;
                        *ret_slices += slices;
                }
                fclose(f);
        }
        closedir(d);
}

uint64_t proc_rss_kib(pid_t pid) {
        char path[64], line[256];
        unsigned long long kib = 0;
        FILE *f;

        snprintf(path, sizeof(path), "/proc/%d/status", (int) pid);
        f = fopen(path, "re");
        if (!f)
                die("%s: %s", path, strerror(errno));
        while (fgets(line, sizeof(line), f))
                if (sscanf(line, "VmRSS: %llu kB", &kib) == 1)
                        break;
        fclose(f);
        return kib;
}

pid_t find_process(const char *comm) {
        struct dirent *de;
        DIR *d = opendir("/proc");
        pid_t found = 0;

        while (d && !found && (de = readdir(d))) {
                char path[400], name[64] = "";
                FILE *f;

                if (de->d_name[0] < '0' || de->d_name[0] > '9')
                        continue;
                snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
                f = fopen(path, "re");
                if (!f)
                        continue;
                if (fgets(name, sizeof(name), f) && strncmp(name, comm, strlen(comm)) == 0 &&
                    name[strlen(comm)] == '\n')
                        found = (pid_t) atoi(de->d_name);
                fclose(f);
        }
        if (d)
                closedir(d);
        return found;
}

void pipe_or_die(int fds[2]) {
        if (pipe2(fds, O_CLOEXEC) < 0)
                die("pipe: %s", strerror(errno));
}

/* Forks a child that dies with us; returns its pid in the parent, never returns in the child
 * (it exits with @run's result). */
pid_t fork_child(int (*run)(void *), void *userdata) {
        pid_t parent = getpid(), pid = fork();

        if (pid < 0)
                die("fork: %s", strerror(errno));
        if (pid == 0) {
                if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
                        _exit(1);
                _exit(run(userdata));
        }
        return pid;
}

void read_exact(int fd, void *buf, size_t n, const char *what) {
        uint8_t *p = buf;

        while (n > 0) {
                ssize_t k = read(fd, p, n);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        die("%s: %s", what, k < 0 ? strerror(errno) : "unexpected EOF");
                p += k;
                n -= (size_t) k;
        }
}


void listener_start(const char *self, Listener *l, char *const *prefix) {
        int ctrl[2], stats[2];
        char ctrl_arg[16], stats_arg[16];
        char *argv[24];
        size_t n = 0;
        ListenStats st;

        pipe_or_die(ctrl);
        pipe_or_die(stats);
        /* The child's ends survive its exec; ours do not leak into later children. */
        if (fcntl(ctrl[0], F_SETFD, 0) < 0 || fcntl(stats[1], F_SETFD, 0) < 0)
                die("fcntl: %s", strerror(errno));
        snprintf(ctrl_arg, sizeof(ctrl_arg), "%d", ctrl[0]);
        snprintf(stats_arg, sizeof(stats_arg), "%d", stats[1]);
        for (; prefix && prefix[n]; n++)
                argv[n] = prefix[n];
        argv[n++] = (char *) self;
        argv[n++] = (char *) "listen";
        argv[n++] = ctrl_arg;
        argv[n++] = stats_arg;
        argv[n] = NULL;
        l->proc = util_spawn(prefix ? "listen-callgrind" : "listen", argv);
        close(ctrl[0]);
        close(stats[1]);
        l->ctrl_fd = ctrl[1];
        l->stats_fd = stats[0];
        read_exact(l->stats_fd, &st, sizeof(st), "bare listener start");
}

void listener_cmd(Listener *l, char c) {
        if (write(l->ctrl_fd, &c, 1) != 1)
                die("bare listener: %s", strerror(errno));
}

ListenStats listener_stats(Listener *l) {
        ListenStats st;

        listener_cmd(l, 's');
        read_exact(l->stats_fd, &st, sizeof(st), "bare listener stats");
        return st;
}

void listener_stop(Listener *l) {
        int status;

        close(l->ctrl_fd);
        close(l->stats_fd);
        if (util_process_wait(l->proc, 60000, &status) < 0)
                fprintf(stderr, "bench: bare listener did not exit, killing it\n");
        l->proc = util_process_free(l->proc);
}

UtilProcess *daemon_spawn(const char *muxcapd, const char *bus_arg, const char *config_arg,
                          char *const *prefix, uint64_t *ret_ready_ns) {
        char *argv[24];
        size_t n = 0;
        UtilProcess *p;
        uint64_t t0;

        for (; prefix && prefix[n]; n++)
                argv[n] = prefix[n];
        argv[n++] = (char *) muxcapd;
        argv[n++] = (char *) bus_arg;
        argv[n++] = (char *) config_arg;
        argv[n++] = (char *) "--udev-source=udev";
        argv[n++] = (char *) "--log-level=warning";
        argv[n] = NULL;
        t0 = bench_now_ns();
        p = util_spawn(prefix ? "muxcapd-callgrind" : "muxcapd", argv);
        if (util_process_wait_ready(p, prefix ? 300000 : 30000) < 0) {
                util_process_dump_log(p);
                die("muxcapd did not get ready");
        }
        if (ret_ready_ns)
                *ret_ready_ns = bench_now_ns() - t0;
        return p;
}

void daemon_stop(UtilProcess **p) {
        int status = 0;

        if (!*p)
                return;
        (void) util_process_signal(*p, SIGTERM);
        if (util_process_wait(*p, 120000, &status) < 0 || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0)
                fprintf(stderr, "bench: muxcapd did not exit cleanly (status 0x%x)\n", status);
        *p = util_process_free(*p);
}

unsigned count_in_log(const char *path, const char *needle) {
        char line[2048];
        unsigned n = 0;
        FILE *f = fopen(path, "re");

        while (f && fgets(line, sizeof(line), f))
                n += strstr(line, needle) != NULL;
        if (f)
                fclose(f);
        return n;
}


/* Waits for a message matching @pred; returns it (unref it) with its arrival time, or NULL. */
DBusMessage *wait_message(DBusConnection *c, MessagePredicate pred, void *userdata,
                                 int timeout_ms, uint64_t *ret_ns) {
        uint64_t deadline = util_now_ms() + (uint64_t) timeout_ms;

        for (;;) {
                DBusMessage *m;

                while ((m = dbus_connection_pop_message(c))) {
                        if (pred(m, userdata)) {
                                *ret_ns = bench_now_ns();
                                return m;
                        }
                        dbus_message_unref(m);
                }
                if (util_now_ms() >= deadline)
                        return NULL;
                if (!dbus_connection_read_write(c, (int) (deadline - util_now_ms())))
                        return NULL;
        }
}

void drain(DBusConnection *c) {
        DBusMessage *m;

        (void) dbus_connection_read_write(c, 0);
        while ((m = dbus_connection_pop_message(c)))
                dbus_message_unref(m);
}

bool is_hop(DBusMessage *m, void *userdata) {
        return dbus_message_is_signal(m, BENCH_HOP_INTERFACE, "Hop");
}

uint64_t hop_sent_ns(DBusMessage *m) {
        dbus_uint64_t t = 0;

        (void) dbus_message_get_args(m, NULL, DBUS_TYPE_UINT64, &t, DBUS_TYPE_INVALID);
        return t;
}

uint64_t callgrind_total(const char *path) {
        char line[512];
        unsigned long long v = 0;
        FILE *f = fopen(path, "re");

        /* "summary:" may say 0 when instrumentation started late; "totals:" is the sum. */
        while (f && fgets(line, sizeof(line), f)) {
                unsigned long long x;

                if ((sscanf(line, "totals: %llu", &x) == 1 || sscanf(line, "summary: %llu", &x) == 1) &&
                    x > v)
                        v = x;
        }
        if (f)
                fclose(f);
        return v;
}

void bench_table_add(BenchTable *t, const char *name, double value, const char *unit,
                     double baseline, const char *baseline_what, const char *target, int met) {
        BenchRow *r;

        if (t->n_rows >= sizeof(t->rows) / sizeof(t->rows[0]))
                die("too many rows");
        r = &t->rows[t->n_rows++];
        snprintf(r->name, sizeof(r->name), "%s", name);
        snprintf(r->unit, sizeof(r->unit), "%s", unit);
        r->value = value;
        r->baseline = baseline;
        snprintf(r->baseline_what, sizeof(r->baseline_what), "%s", baseline_what);
        snprintf(r->target, sizeof(r->target), "%s", target);
        r->met = met;
        if (met == BENCH_MISSED)
                t->missed = true;
        printf("  -> %s: %.3f %s (baseline %s: %.3f)%s%s\n", name, value, unit, baseline_what,
               baseline, met == BENCH_NO_TARGET ? "" : " ", met == BENCH_NO_TARGET ? "" : t->words[met]);
}

void bench_table_print(const BenchTable *t, FILE *f) {
        fprintf(f, "\n%-40s %12s %-5s %12s  %-26s %8s  %-18s %s\n", "figure", "value", "unit",
                "baseline", "(baseline: what)", "ratio", "target", "met");
        for (size_t i = 0; i < t->n_rows; i++) {
                const BenchRow *r = &t->rows[i];
                char ratio[16] = "-";

                if (r->baseline > 0)
                        snprintf(ratio, sizeof(ratio), "%.2fx", r->value / r->baseline);
                fprintf(f, "%-40s %12.3f %-5s %12.3f  %-26s %8s  %-18s %s\n", r->name, r->value,
                        r->unit, r->baseline, r->baseline_what, ratio, r->target,
                        r->met == BENCH_NO_TARGET ? "-" : t->words[r->met]);
        }
}
