/* SPDX-License-Identifier: MIT */
/* Leaks and growth: 10,000 NIC add/remove cycles leave the bytes muxcapd's heap holds flat,
 * the same check catches an injected leak of 64 bytes per NIC cycle, and a run under valgrind
 * memcheck (topology changes, D-Bus calls, SIGTERM) reports no error and no leak.
 *
 * The heap is read through heap-probe (preloaded: mallinfo2()'s bytes in use), not RSS: RSS
 * moves with the allocator's trimming and page accounting, by hundreds of KiB from one run to
 * the next with nothing leaked, while the bytes in use after the same work are the same to
 * within a few hundred bytes (the peak number of NICs at once sizes the tables and libdbus's
 * caches; the warm-up reaches it). */
#undef NDEBUG
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "util.h"
#include "bus-path.h"

#define BR BUS_MUX_PREFIX "/mem0"
#define BATCH 50
#define ROUNDS 100              /* 2 * BATCH NICs per round: 10,000 NICs in all */
#define WARMUP 10               /* rounds before the first reading: 1,000 NICs */
/* What the heap may gain per NIC cycle in a stretch after the warm-up: a leak of 64 bytes per
 * cycle gains 80 (with malloc's chunk header); with malloc's per-thread cache off, the noise
 * is a few hundred bytes over all 9,000 cycles (measured -192), under 0.1 per cycle. */
#define MAX_BYTES_PER_NIC 8

/* The bridge's generation; 0 while the daemon is too busy to answer within the call timeout
 * (under valgrind it may be). */
static uint64_t generation(DBusConnection *c) {
        uint64_t g = 0;

        if (util_get_property(c, BUS_NAME, BR, BUS_IFACE_MUX, "Generation", DBUS_TYPE_UINT64, &g) < 0)
                return 0;
        return g;
}

/* Waits until the bridge's generation stays put for 200 ms with the daemon answering: it has
 * caught up with the kernel. */
static void wait_idle(DBusConnection *c, UtilProcess *d) {
        uint64_t g = generation(c), deadline = util_now_ms() + 180000;

        for (;;) {
                uint64_t now;
                util_run("sleep 0.2");
                now = generation(c);
                if (now == g && now != 0)
                        return;
                g = now;
                assert(util_now_ms() < deadline);
                assert(util_process_signal(d, 0) == 0);
        }
}

static void write_batch(const char *path, const char *verb, int round) {
        FILE *f = fopen(path, "we");

        assert(f);
        for (int i = 0; i < BATCH; i++) {
                if (streq(verb, "add"))
                        fprintf(f, "link add m%d_%d type veth peer name q%d_%d\nlink set m%d_%d master mem0\n",
                                round, i, round, i, round, i);
                else
                        fprintf(f, "link del m%d_%d\n", round, i);
        }
        assert(fclose(f) == 0);
}

static void cycles(DBusConnection *c, UtilProcess *d, int first, int last) {
        const char *dir = getenv("MUXCAP_TEST_DIR");
        char add[512], del[512];

        snprintf(add, sizeof(add), "%s/add.batch", dir);
        snprintf(del, sizeof(del), "%s/del.batch", dir);
        for (int round = first; round < last; round++) {
                write_batch(add, "add", round);
                write_batch(del, "del", round);
                util_run("ip -batch '%s' && ip -batch '%s'", add, del);
        }
        util_run("udevadm settle --timeout=60");
        wait_idle(c, d);
}

/* Starts muxcapd under @prefix (a command line, or NULL), with @env applied (or NULL). */
static UtilProcess *start(const char *const *prefix, char *const *env, DBusConnection *c) {
        const char *muxcapd = getenv("MUXCAPD");
        static char bus_arg[600];
        char *argv[16];
        size_t n = 0;
        UtilProcess *d;

        snprintf(bus_arg, sizeof(bus_arg), "--bus=%s", getenv("MUXCAP_TEST_BUS"));
        for (; prefix && *prefix; prefix++)
                argv[n++] = (char *) *prefix;
        argv[n++] = (char *) muxcapd;
        argv[n++] = bus_arg;
        argv[n++] = (char *) "--config=/dev/null";
        argv[n++] = (char *) "--udev-source=udev";
        argv[n] = NULL;
        d = util_spawn_env(prefix ? "valgrind" : "muxcapd", argv, env);
        assert(util_process_wait_ready(d, 60000) == 0);
        assert(util_wait_name(c, BUS_NAME, UTIL_TIMEOUT_MS) == 0);
        return d;
}

/* Cycles 10,000 NICs through a bridge under a muxcapd that leaks @leak bytes per NIC added
 * (heap-probe's injected leak; 0 for none), reads its heap after the warm-up and after each
 * of INTERVALS stretches of the rest, and returns the smallest gain of a stretch, per NIC
 * cycle. A leak gains in every stretch; what is not a leak gains in one at most: a table
 * that grows to a new peak of NICs held at once (under load udevd's events lag, and the
 * daemon holds a NIC until both udev and the kernel let it go) grows once and stays. */
#define INTERVALS 3
static double heap_growth_per_nic(DBusConnection *c, unsigned leak) {
        char *const *env = util_heap_probe_env(leak);
        _cleanup_(util_process_freep) UtilProcess *d = NULL;
        const int per = (ROUNDS - WARMUP) / INTERVALS, nics = per * BATCH * 2;
        long long heap[INTERVALS + 1];
        double least = 0;
        int status;

        assert(env);    /* every build without sanitizers has the probe */
        d = start(NULL, env, c);
        util_run("ip link add mem0 type bridge");
        util_run("sleep 0.2");
        /* Warm up: the allocator, the hash tables and libdbus reach their working set. */
        cycles(c, d, 0, WARMUP);
        heap[0] = util_heap_bytes();
        printf("leak %u B/NIC: heap %lld B after %d NICs", leak, heap[0], WARMUP * BATCH * 2);
        for (int i = 1; i <= INTERVALS; i++) {
                double gain;

                cycles(c, d, WARMUP + (i - 1) * per, WARMUP + i * per);
                heap[i] = util_heap_bytes();
                gain = (double) (heap[i] - heap[i - 1]) / nics;
                least = i == 1 || gain < least ? gain : least;
                printf(", %lld after %d (%+.2f B per NIC)", heap[i], (WARMUP + i * per) * BATCH * 2, gain);
        }
        printf(": the least, %+.2f B per NIC cycle\n", least);
        assert(util_process_signal(d, SIGTERM) == 0);
        assert(util_process_wait(d, UTIL_TIMEOUT_MS, &status) == 0);
        assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        util_run("ip link del mem0");
        return least;
}

static void test_10000_nics_leave_the_heap_flat(DBusConnection *c) {
        _cleanup_(util_process_freep) UtilProcess *d = NULL;
        int status;

        if (!getenv("MUXCAP_TEST_SANITIZED")) {
                assert(heap_growth_per_nic(c, 0) < MAX_BYTES_PER_NIC);
                return;
        }
        /* Under ASan the heap holds its quarantine and cannot be preloaded into: LeakSanitizer
         * checks the exit after 2,000 NICs instead (the exit status says what it found). */
        d = start(NULL, NULL, c);
        util_run("ip link add mem0 type bridge");
        cycles(c, d, 0, ROUNDS / 5);
        assert(util_process_signal(d, SIGTERM) == 0);
        assert(util_process_wait(d, UTIL_TIMEOUT_MS, &status) == 0);
        assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        util_run("ip link del mem0");
}

/* The check above is worth something only if it fails on a leak: the same run, with 64 bytes
 * lost per NIC added, must cross its bound. */
static void test_an_injected_leak_is_caught(DBusConnection *c) {
        double growth;

        if (getenv("MUXCAP_TEST_SANITIZED"))
                return;         /* no probe under ASan; LeakSanitizer checks the exit */
        growth = heap_growth_per_nic(c, 64);
        assert(growth >= MAX_BYTES_PER_NIC);
        assert(growth >= 64);
}

static void test_memcheck_clean(DBusConnection *c) {
        static const char *const valgrind[] = {
                "valgrind", "--quiet", "--leak-check=full", "--show-leak-kinds=definite,indirect",
                "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99", NULL,
        };
        _cleanup_(util_process_freep) UtilProcess *d = NULL;
        DBusMessage *m;
        int status;

        if (getenv("MUXCAP_TEST_SANITIZED")) {
                /* valgrind cannot run an ASan binary; the plain build runs this part. */
                printf("memcheck: left to the plain build\n");
                return;
        }
        if (util_run_status("command -v valgrind >/dev/null") != 0) {
                fprintf(stderr, "valgrind missing\n");
                exit(77);
        }
        d = start(valgrind, NULL, c);
        util_run("ip link add mem0 type bridge");
        cycles(c, d, 0, 1);
        util_run("ip link add v1 type veth peer name v2 && ip link set v1 master mem0");
        util_run("ethtool -K v1 tso off && ip link set v1 name v3");
        wait_idle(c, d);
        m = util_call(c, BUS_NAME, BR, BUS_IFACE_MUX, "Explain", DBUS_TYPE_INVALID);
        assert(m && dbus_message_get_type(m) == DBUS_MESSAGE_TYPE_METHOD_RETURN);
        dbus_message_unref(m);
        m = util_call(c, BUS_NAME, "/org/muxcap/MuxCap1", "org.freedesktop.DBus.ObjectManager",
                      "GetManagedObjects", DBUS_TYPE_INVALID);
        assert(m && dbus_message_get_type(m) == DBUS_MESSAGE_TYPE_METHOD_RETURN);
        dbus_message_unref(m);
        util_run("ip link del mem0");
        {
                /* The MUX goes away: wait until the daemon says so. */
                uint64_t deadline = util_now_ms() + 60000;
                while (generation(c) != 0) {
                        assert(util_now_ms() < deadline);
                        util_run("sleep 0.2");
                }
        }
        assert(util_process_signal(d, SIGTERM) == 0);
        assert(util_process_wait(d, 60000, &status) == 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                util_process_dump_log(d);
                fprintf(stderr, "FAIL: muxcapd under memcheck exited with status %d\n", status);
                exit(1);
        }
        printf("memcheck: no errors, no definite or indirect leaks\n");
}

int main(void) {
        _cleanup_(util_bus_closep) DBusConnection *c = NULL;

        util_require_ns_run();
        setvbuf(stdout, NULL, _IOLBF, 0);
        assert(getenv("MUXCAPD"));
        c = util_bus_connect();
        test_10000_nics_leave_the_heap_flat(c);
        test_an_injected_leak_is_caught(c);
        test_memcheck_clean(c);
        return 0;
}
