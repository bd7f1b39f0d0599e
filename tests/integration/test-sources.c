/* SPDX-License-Identifier: MIT */
/* --udev-source: 'kernel' takes raw kernel events (no udev properties, said once in the log),
 * 'auto' takes udevd's events when udevd runs (here it does: ns-run.sh starts one). */
#undef NDEBUG
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "field.h"
#include "util.h"
#include "bus-path.h"


/* Waits until @prop of MUX @path reads as @want_hex. */
static void wait_record(DBusConnection *c, const char *path, const char *prop, const char *want_hex) {
        uint64_t deadline = util_now_ms() + UTIL_TIMEOUT_MS;
        char got[129] = "";

        while (util_now_ms() < deadline) {
                uint8_t buf[64];
                size_t n = 0;

                if (util_get_property_bytes(c, BUS_NAME, path, BUS_IFACE_MUX, prop, buf, sizeof(buf), &n) == 0) {
                        hex_encode(buf, n, got);
                        if (streq(got, want_hex))
                                return;
                }
                util_run("sleep 0.05");
        }
        fprintf(stderr, "FAIL: %s %s = '%s', want %s\n", path, prop, got, want_hex);
        exit(1);
}

/* Runs muxcapd with --udev-source=@mode; NIC @nic joins @bridge: the bridge's record is
 * @want_hex, and the NIC's Sources (only the fields whose source is not the kernel, SPEC 5)
 * read @want_sources. */
static void run(DBusConnection *c, const char *mode, const char *bridge, const char *nic,
                const char *want_hex, const char *want_sources, bool says_unavailable) {
        char bus_arg[600], mode_arg[64], path[128], nic_path[128], name[64], sources[4096];
        _cleanup_(util_process_freep) UtilProcess *d = NULL;
        _cleanup_free_ char *log = NULL;
        int status;

        snprintf(bus_arg, sizeof(bus_arg), "--bus=%s", getenv("MUXCAP_TEST_BUS"));
        snprintf(mode_arg, sizeof(mode_arg), "--udev-source=%s", mode);
        snprintf(path, sizeof(path), "/org/muxcap/MuxCap1/mux/%s", bridge);
        snprintf(name, sizeof(name), "muxcapd-%s", mode);  /* its own log file */
        d = util_spawn(name, (char *const[]) { getenv("MUXCAPD"), bus_arg, "--config=/dev/null",
                                                    mode_arg, NULL });
        assert(util_process_wait_ready(d, UTIL_TIMEOUT_MS) == 0);
        util_run("ip link add %s type bridge && ip link add %s type veth peer name %s-p && "
                 "udevadm settle && ip link set %s master %s", bridge, nic, nic, nic, bridge);
        wait_record(c, path, "HardwareCapabilities", want_hex);
        snprintf(nic_path, sizeof(nic_path), "/org/muxcap/MuxCap1/nic/%s", nic);
        assert(util_get_property_dict(c, BUS_NAME, nic_path, BUS_IFACE_NIC, "Sources", sources,
                                      sizeof(sources)) == 0);
        if (!streq(sources, want_sources)) {
                fprintf(stderr, "FAIL: %s Sources = '%s', want '%s'\n", nic, sources, want_sources);
                exit(1);
        }
        assert(util_process_signal(d, SIGTERM) == 0);
        assert(util_process_wait(d, UTIL_TIMEOUT_MS, &status) == 0);
        assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        log = util_run_output("cat '%s'", util_process_log(d));
        assert((strstr(log, "udev properties (MUXCAP_*) are unavailable") != NULL) == says_unavailable);
        printf("ok: --udev-source=%s\n", mode);
        util_run("ip link del %s && ip link del %s", nic, bridge);
}

int main(void) {
        _cleanup_(util_bus_closep) DBusConnection *c = NULL;

        util_require_ns_run();
        setvbuf(stdout, NULL, _IOLBF, 0);
        assert(getenv("MUXCAPD"));
        c = util_bus_connect();
        /* daemon.rules give NICs named u* capacity 4096 and SACK: only udev's events carry it. */
        run(c, "kernel", "brk", "uK", "80021400" "06000000" "00000000" "00000000" "00000000",
            "", true);
        run(c, "auto", "bra", "uA", "80021400" "06000000" "40000000" "00100000" "00000000",
            "SupportSack=udev TcpConnectionOffloadCapacity=udev", false);
        run(c, "udev", "bru", "uU", "80021400" "06000000" "40000000" "00100000" "00000000",
            "SupportSack=udev TcpConnectionOffloadCapacity=udev", false);
        return 0;
}
