/* SPDX-License-Identifier: MIT */
/* Benchmark (issue 26): what a configuration file costs to check and apply, by its size.
 *
 * For 1,000, 10,000 and 100,000 [Mux] sections (each a declared MUX with one member) and as
 * many [Nic] sections (each a rule for one NIC name, one key: 100,000 of them fit the 4 MiB a
 * file may have), in a child process each: the time of
 * config_load() (read, parse, check), then of what a SIGHUP does in the event loop with that
 * file (config_load(), model_set_config() and the next sync's topology rebuild and settling,
 * over 100 NICs), of a second SIGHUP with the same file and of a third with an empty one (every
 * MUX goes), and the peak memory that added (getrusage's maxrss, before and after). The
 * longest stall is printed beside the unit's watchdog interval (WatchdogSec= in
 * units/muxcapd.service.in, read from there): a reload must stay far below it.
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

/* The unit's WatchdogSec= in milliseconds (seconds, as the unit writes it), or -1. */
static long watchdog_ms(void) {
        FILE *f = fopen(UNIT_FILE, "re");
        char line[256];
        long ms = -1;

        while (f && fgets(line, sizeof(line), f)) {
                char *end;
                long sec;

                if (strncmp(line, "WatchdogSec=", 12) != 0)
                        continue;
                sec = strtol(line + 12, &end, 10);
                if (end != line + 12 && (streq(end, "s\n") || streq(end, "\n")))
                        ms = sec * 1000;
        }
        if (f)
                fclose(f);
        return ms;
}

/* A SIGHUP in the event loop: load @path, set it, and the next sync; its time in ms. */
static double sighup(Model *m, const char *path, Config **c) {
        double t0 = now_ms();
        Config *old = *c;
        char *msg = NULL;

        if (config_load(path, false, c, &msg) < 0) {
                fprintf(stderr, "bench-config: %s\n", msg ? msg : "config_load failed");
                exit(1);
        }
        model_set_config(m, *c);
        model_sync_unpublished(m);
        config_free(old);
        return now_ms() - t0;
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
static int measure(const char *path, const char *kind, size_t n, long size, long watchdog) {
        Config *initial = NULL, *c = NULL;
        char *msg = NULL;
        Model *m = NULL;
        double t0, t_load, t_first, t_again, t_empty, t_max;
        long rss0, rss1;

        if (config_new_default(&initial) < 0 || model_new(&m, initial, false, &ops, NULL) < 0)
                return 1;
        for (int i = 0; i < NICS; i++) {
                char name[16];
                snprintf(name, sizeof(name), "eth%d", i);
                model_link_new(m, &(RtnlLink) { .ifindex = i + 2, .name = name, .kind = "veth",
                                                 .type = ARPHRD_ETHER });
        }
        model_sync_unpublished(m);
        rss0 = maxrss_kib();

        t0 = now_ms();
        if (config_load(path, false, &c, &msg) < 0) {
                fprintf(stderr, "bench-config: %s\n", msg ? msg : "config_load failed");
                return 1;
        }
        t_load = now_ms() - t0;
        config_free(c);

        /* The first SIGHUP with this file makes its MUXes; a second one finds them. The model
         * borrows its config until it has the next, so each is freed after the next is set. */
        c = initial;
        t_first = sighup(m, path, &c);
        rss1 = maxrss_kib();
        t_again = sighup(m, path, &c);
        /* And back to an empty file: every MUX goes. */
        if (truncate(path, 0) < 0)
                return 1;
        t_empty = sighup(m, path, &c);
        t_max = t_first > t_again ? t_first : t_again;
        t_max = t_max > t_empty ? t_max : t_empty;

        printf("%7zu [%s] %5ld kB: check %6.1f ms; SIGHUP stall %6.1f ms, again %6.1f, to an "
               "empty file %6.1f (longest %5.2f%% of the %ld ms watchdog); peak +%ld kB (%ld B a "
               "section), +%ld kB again\n", n, kind, size / 1000, t_load, t_first, t_again, t_empty,
               100.0 * t_max / (double) watchdog, watchdog, rss1 - rss0,
               (rss1 - rss0) * 1024 / (long) n, maxrss_kib() - rss0);
        fflush(stdout);
        model_free(m);
        config_free(c);
        return 0;
}

int main(int argc, char **argv) {
        static const size_t sizes[] = { 1000, 10000, 100000 };
        bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
        char path[] = "/tmp/bench-config.XXXXXX";
        int fd = mkstemp(path), rc = 0;
        long watchdog = watchdog_ms();

        if (fd < 0)
                return 1;
        if (watchdog <= 0) {
                fprintf(stderr, "bench-config: no WatchdogSec=N(s) in %s\n", UNIT_FILE);
                return 1;
        }
        close(fd);
        printf("config: check (config_load: read, parse, check) and the SIGHUP stall (load, apply, "
               "the next sync over %d NICs), then again with the same file (both configs live "
               "until it is set), then with an empty file; each size in a fresh process\n", NICS);
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
                                _exit(measure(path, *kind, sizes[i], size, watchdog));
                        if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
                            WEXITSTATUS(status) != 0)
                                rc = 1;
                }
        unlink(path);
        return rc;
}
