/* SPDX-License-Identifier: MIT */
/* Benchmark (issue 26): what a configuration file costs to check and apply, by its size.
 *
 * For 1,000, 10,000 and 100,000 [Mux] sections (each a declared MUX with one member) and as
 * many [Nic] sections (each a rule for one NIC name, one key: 100,000 of them fit the 4 MiB a
 * file may have), in a child process each: the time of
 * config_load() (read, parse, check), then of what a SIGHUP does in the event loop with that
 * file (config_load(), model_set_config() and the next sync's topology rebuild and settling,
 * over 100 NICs), and the peak memory that added (getrusage's maxrss, before and after). The
 * stall is printed beside the unit's watchdog interval (WatchdogSec=30s): a reload must stay
 * far below it.
 *
 * Usage: bench-config [--quick]       (--quick: 1,000 and 10,000 only) */
#include <errno.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "model.h"
#include "mux.h"

#define NICS 100
#define WATCHDOG_MS 30000       /* units/muxcapd.service.in: WatchdogSec=30s */

static int read_features(void *userdata, const char *name, NicFeatures *ret, char *driver, size_t size) {
        *ret = (NicFeatures) { .available = FEATURE_BIT(FEATURE_TX_TCP_SEGMENTATION) };
        ret->active = ret->available;
        if (driver)
                snprintf(driver, size, "bench");
        return 0;
}

static void nothing(void *userdata) {
}

static const ModelOps ops = { .read_features = read_features, .changed = nothing, .lost = nothing };

static double now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long maxrss_kib(void) {
        struct rusage ru;

        getrusage(RUSAGE_SELF, &ru);
        return ru.ru_maxrss;
}

/* One sync of the model, as the publisher runs it. */
static void sync_model(Model *m) {
        model_rebuild_topology(m);
        model_settle(m);
        model_reset_computation(m);
        for (size_t i = 0; i < m->n_muxes; i++)
                mux_compute(m->muxes[i]);
        model_sync_done(m);
}

/* Writes a file of @n sections of @kind ("Mux" or "Nic"); returns its size in bytes. */
static long write_config(const char *path, const char *kind, size_t n) {
        FILE *f = fopen(path, "we");
        long size;

        if (!f)
                return -1;
        fputs("[Daemon]\nCoalesceMs=10\n\n", f);
        for (size_t i = 0; i < n; i++)
                if (kind[0] == 'M')
                        fprintf(f, "[Mux m%zu]\nMembers=eth%zu\n\n", i, i);
                else
                        fprintf(f, "[Nic eth%zu]\nSupportSack=yes\n\n", i);
        size = ftell(f);
        return fclose(f) == 0 ? size : -1;
}

/* In the child: the figures of one file, printed as one line. */
static int measure(const char *path, const char *kind, size_t n, long size) {
        Config *initial = NULL, *c = NULL;
        char *msg = NULL;
        Model *m = NULL;
        double t0, t_load, t_stall;
        long rss0;

        if (config_new_default(&initial) < 0 || model_new(&m, initial, false, &ops, NULL) < 0)
                return 1;
        for (int i = 0; i < NICS; i++) {
                char name[16];
                snprintf(name, sizeof(name), "eth%d", i);
                model_link_new(m, &(RtnlLink) { .ifindex = i + 2, .name = name, .kind = "veth",
                                                 .type = ARPHRD_ETHER });
        }
        sync_model(m);
        rss0 = maxrss_kib();

        t0 = now_ms();
        if (config_load(path, false, &c, &msg) < 0) {
                fprintf(stderr, "bench-config: %s\n", msg ? msg : "config_load failed");
                return 1;
        }
        t_load = now_ms() - t0;
        config_free(c);
        c = NULL;

        /* A SIGHUP: load, set, and the next sync. */
        t0 = now_ms();
        if (config_load(path, false, &c, &msg) < 0)
                return 1;
        model_set_config(m, c);
        sync_model(m);
        t_stall = now_ms() - t0;

        printf("%7zu [%s] sections %7ld kB: check %9.1f ms, SIGHUP stall %9.1f ms (%5.2f%% of the "
               "%d ms watchdog), peak +%ld kB\n", n, kind, size / 1000, t_load, t_stall,
               100.0 * t_stall / WATCHDOG_MS, WATCHDOG_MS, maxrss_kib() - rss0);
        fflush(stdout);
        model_free(m);
        config_free(c);
        config_free(initial);
        return 0;
}

int main(int argc, char **argv) {
        static const size_t sizes[] = { 1000, 10000, 100000 };
        bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
        char path[] = "/tmp/bench-config.XXXXXX";
        int fd = mkstemp(path), rc = 0;

        if (fd < 0)
                return 1;
        close(fd);
        printf("config: check (config_load: read, parse, check) and the SIGHUP stall (load, apply, "
               "the next sync over %d NICs), each in a fresh process\n", NICS);
        for (const char *const *kind = (const char *const[]) { "Mux", "Nic", NULL }; *kind; kind++)
                for (size_t i = 0; i < (quick ? 2 : 3); i++) {
                        long size = write_config(path, *kind, sizes[i]);
                        pid_t pid;
                        int status;

                        if (size < 0)
                                return 1;
                        fflush(stdout);
                        pid = fork();
                        if (pid == 0)
                                _exit(measure(path, *kind, sizes[i], size));
                        if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
                            WEXITSTATUS(status) != 0)
                                rc = 1;
                }
        unlink(path);
        return rc;
}
