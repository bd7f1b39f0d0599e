/* SPDX-License-Identifier: MIT */
/* muxcapd end to end: real kernel, real systemd-udevd with daemon.rules, real dbus-daemon.
 * Every record is checked byte for byte against the hex derived from SPEC 2 and 3. */
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "field.h"
#include "record.h"
#include "util.h"
#include "bus-path.h"

#define HW STATUS_HARDWARE_CAPABILITIES
#define CUR STATUS_OFFLOAD_RESUME

/* veth: 802.3 + 802.1Q (vlan insert and parse), TSO/TSO6, rx-checksum, generic tx checksum */
#define EMPTY "80021400" "00000000" "00000000" "00000000" "00000000"

typedef struct Want {
        const char *path;
} Want;

static bool on_path(const UtilStatus *s, void *userdata) {
        return streq(s->path, userdata);
}

static void hex(const uint8_t *b, size_t n, char *out) {
        hex_encode(b, n, out);
}

/* Waits for the next indication on @path and checks code, generation (0: any) and bytes. */
static void expect(DBusConnection *c, const char *path, uint32_t code, uint64_t gen, const char *want_hex) {
        char got[2 * sizeof(((UtilStatus *) 0)->buffer) + 1];
        UtilStatus s;
        int r;

        r = util_wait_status(c, on_path, (void *) path, UTIL_TIMEOUT_MS, &s);
        if (r < 0) {
                fprintf(stderr, "FAIL: no StatusIndication on %s (want 0x%08x gen %llu %s): %s\n",
                        path, code, (unsigned long long) gen, want_hex, strerror(-r));
                exit(1);
        }
        hex(s.buffer, s.size, got);
        if (s.status_code != code || (gen && s.generation != gen) || !streq(got, want_hex)) {
                fprintf(stderr, "FAIL: on %s got 0x%08x gen %llu %s\n                 want 0x%08x gen %llu %s\n",
                        path, s.status_code, (unsigned long long) s.generation, got, code,
                        (unsigned long long) gen, want_hex);
                exit(1);
        }
        printf("ok: %s 0x%08x gen %llu %s\n", path, code, (unsigned long long) gen, got);
}

static void expect_property_hex(DBusConnection *c, const char *path, const char *iface,
                                const char *prop, const char *want_hex) {
        uint8_t buf[64];
        char got[129];
        size_t n = 0;

        assert(util_get_property_bytes(c, BUS_NAME, path, iface, prop, buf, sizeof(buf), &n) == 0);
        hex(buf, n, got);
        if (!streq(got, want_hex)) {
                fprintf(stderr, "FAIL: %s %s = %s, want %s\n", path, prop, got, want_hex);
                exit(1);
        }
}

static uint64_t generation(DBusConnection *c, const char *path) {
        uint64_t g = 0;

        assert(util_get_property(c, BUS_NAME, path, BUS_IFACE_MUX, "Generation", DBUS_TYPE_UINT64, &g) == 0);
        return g;
}

/* A string-array property, space-separated. */
static char *strv_property(DBusConnection *c, const char *path, const char *iface, const char *prop) {
        DBusMessage *m = util_call(c, BUS_NAME, path, "org.freedesktop.DBus.Properties", "Get",
                                   DBUS_TYPE_STRING, &iface, DBUS_TYPE_STRING, &prop, DBUS_TYPE_INVALID);
        DBusMessageIter it, v, a;
        char *out = calloc(1, 4096);

        assert(m && dbus_message_get_type(m) == DBUS_MESSAGE_TYPE_METHOD_RETURN);
        dbus_message_iter_init(m, &it);
        dbus_message_iter_recurse(&it, &v);
        dbus_message_iter_recurse(&v, &a);
        while (dbus_message_iter_get_arg_type(&a) == DBUS_TYPE_STRING) {
                const char *s;
                dbus_message_iter_get_basic(&a, &s);
                if (*out)
                        strcat(out, " ");
                strncat(out, s, 4000 - strlen(out));
                dbus_message_iter_next(&a);
        }
        dbus_message_unref(m);
        return out;
}

static void expect_strv(DBusConnection *c, const char *path, const char *iface, const char *prop,
                        const char *want) {
        _cleanup_free_ char *got = strv_property(c, path, iface, prop);

        if (!streq(got, want)) {
                fprintf(stderr, "FAIL: %s %s '%s', want '%s'\n", path, prop, got, want);
                exit(1);
        }
}

static void expect_members(DBusConnection *c, const char *path, const char *want) {
        expect_strv(c, path, BUS_IFACE_MUX, "Members", want);
}

/* Waits until @path's Members read @want. */
static void wait_members(DBusConnection *c, const char *path, const char *want) {
        uint64_t deadline = util_now_ms() + UTIL_TIMEOUT_MS;

        for (;;) {
                _cleanup_free_ char *got = strv_property(c, path, BUS_IFACE_MUX, "Members");

                if (streq(got, want))
                        return;
                if (util_now_ms() > deadline) {
                        fprintf(stderr, "FAIL: %s Members '%s', want '%s'\n", path, got, want);
                        exit(1);
                }
                util_run("sleep 0.05");
        }
}

static void expect_error(DBusConnection *c, const char *path, const char *iface, const char *method,
                         const char *error, const char *arg) {
        DBusMessage *m = arg ? util_call(c, BUS_NAME, path, iface, method, DBUS_TYPE_STRING, &arg, DBUS_TYPE_INVALID)
                             : util_call(c, BUS_NAME, path, iface, method, DBUS_TYPE_INVALID);

        assert(m);
        if (dbus_message_get_type(m) != DBUS_MESSAGE_TYPE_ERROR || !streq(dbus_message_get_error_name(m), error)) {
                fprintf(stderr, "FAIL: %s.%s on %s: want error %s, got %s\n", iface, method, path,
                        error, dbus_message_get_error_name(m) ? dbus_message_get_error_name(m) : "a reply");
                exit(1);
        }
        dbus_message_unref(m);
}

#define BASE_CONF "[Daemon]\nCoalesceMs=50\n\n" MUX_CONF
#define MUX_CONF                                                        \
        "[Mux team0]\nMembers=d*\nCapacityPolicy=sum\n\n"                 \
        "[Mux outer]\nMembers=br0 cA\n\n"                                 \
        "[Nic d*]\nTcpConnectionOffloadCapacity=3000000000\n\n"           \
        "[Nic cA]\nTcpConnectionOffloadCapacity=100\nSupportSack=1\n"

static int count_in_log(const UtilProcess *p, const char *needle) {
        _cleanup_free_ char *log = util_run_output("cat '%s'", util_process_log(p));
        int n = 0;

        for (const char *s = log; (s = strstr(s, needle)); s++)
                n++;
        return n;
}

int main(void) {
        _cleanup_(util_process_freep) UtilProcess *d = NULL;
        _cleanup_(util_bus_closep) DBusConnection *c = NULL;
        const char *muxcapd = getenv("MUXCAPD"), *dir;
        char conf[512], bus_arg[600], conf_arg[600];
        const char *br0 = BUS_ROOT_PATH "/mux/br0";
        int status;

        util_require_ns_run();
        setvbuf(stdout, NULL, _IOLBF, 0);
        assert(muxcapd);
        dir = getenv("MUXCAP_TEST_DIR");
        snprintf(conf, sizeof(conf), "%s/muxcapd.conf", dir);
        {
                FILE *f = fopen(conf, "we");
                assert(f);
                fputs(BASE_CONF, f);
                assert(fclose(f) == 0);
        }
        snprintf(bus_arg, sizeof(bus_arg), "--bus=%s", getenv("MUXCAP_TEST_BUS"));
        snprintf(conf_arg, sizeof(conf_arg), "--config=%s", conf);

        c = util_bus_connect();
        util_add_status_match(c);
        d = util_spawn("muxcapd", (char *const[]) { (char *) muxcapd, bus_arg, conf_arg,
                                                    "--udev-source=udev", "--log-level=debug", NULL });
        assert(util_process_wait_ready(d, UTIL_TIMEOUT_MS) == 0);
        assert(util_wait_name(c, BUS_NAME, UTIL_TIMEOUT_MS) == 0);

        /* Declared MUXes exist from the start, empty. */
        expect_members(c, BUS_ROOT_PATH "/mux/team0", "");

        /* A new bridge: InterfacesAdded, then both records with generation 1, all zero. */
        util_run("ip link add br0 type bridge");
        expect(c, br0, HW, 1, EMPTY);
        expect(c, br0, CUR, 1, EMPTY);

        /* A member with udev-provided capacity 4096 and SACK: both records at once. Its TSO
         * and checksums are no TCP connection offload: SupportIPv4/IPv6 stay 0 (SPEC 3). */
        util_run("ip link add uA type veth peer name uB");
        util_run("udevadm settle");
        util_run("ip link set uA master br0");
        expect(c, br0, HW, 2, "80021400" "06000000" "40000000" "00100000" "00000000");
        expect(c, br0, CUR, 2, "80021400" "06000000" "40000000" "00100000" "00000000");
        expect_members(c, br0, "uA");
        assert(generation(c, br0) == 2);

        /* Offloads toggled (VLAN insertion: the 802.1Q framing): the current config follows,
         * the hardware record does not. */
        util_run("ethtool -K uA txvlan off");
        expect(c, br0, CUR, 3, "80021400" "02000000" "40000000" "00100000" "00000000");
        expect_property_hex(c, br0, BUS_IFACE_MUX, "HardwareCapabilities",
                            "80021400" "06000000" "40000000" "00100000" "00000000");
        assert(generation(c, br0) == 3);

        /* Events that change nothing serialized emit nothing. First let what the toggle
         * caused elsewhere ('outer' follows br0) arrive. */
        while (util_wait_status(c, NULL, NULL, 200, NULL) == 0)
                ;
        util_run("ethtool -K uA txvlan off");
        util_run("ip link set uA up && ip link set uB up && ip link set br0 up && ip link set uA down");
        util_assert_no_status(c, 400);
        assert(generation(c, br0) == 3);

        /* Bad udev values fall through to the kernel's, logged once. */
        util_run("ip link add badA type veth peer name badB && udevadm settle && ip link set badA master br0");
        expect(c, br0, HW, 4, "80021400" "06000000" "00000000" "00000000" "00000000");
        expect(c, br0, CUR, 4, "80021400" "02000000" "00000000" "00000000" "00000000");
        util_run("ethtool -K badA gro off; ethtool -K badA gro on; sleep 0.2");
        assert(count_in_log(d, "nic 'badA': udev property MUXCAP_CAPACITY='notanumber' is invalid") == 1);
        assert(count_in_log(d, "nic 'badA': udev property MUXCAP_IPV6='maybe' is invalid") == 1);
        {
                DBusMessage *m = util_call(c, BUS_NAME, BUS_ROOT_PATH, "org.muxcap.MuxCap1.Manager", "GetNic",
                                           DBUS_TYPE_STRING, &(const char *) { "badA" }, DBUS_TYPE_INVALID);
                assert(m && dbus_message_get_type(m) == DBUS_MESSAGE_TYPE_METHOD_RETURN);
                dbus_message_unref(m);
        }

        /* A misspelt MUXCAP_* property in a rule is said once per device and name, however
         * many events the device has. */
        util_run("ip link add typoA type veth peer name typoB && udevadm settle && "
                 "udevadm trigger --action=change /sys/class/net/typoA && udevadm settle && "
                 "ip link del typoA && sleep 0.2");
        assert(count_in_log(d, "nic 'typoA': udev property MUXCAP_CAPACTY is not one muxcap knows") == 1);
        assert(count_in_log(d, "nic 'typoB': udev property MUXCAP_CAPACTY is not one muxcap knows") == 1);

        /* Member removed: the record recomputes over who is left. */
        util_run("ip link del badA");
        expect(c, br0, HW, 5, "80021400" "06000000" "40000000" "00100000" "00000000");
        expect(c, br0, CUR, 5, "80021400" "02000000" "40000000" "00100000" "00000000");

        /* Rename: the member list follows, the record does not move. */
        util_run("ip link set uA down && ip link set uA name uR");
        util_run("sleep 0.3");
        expect_members(c, br0, "uR");
        assert(generation(c, br0) == 5);
        expect_error(c, BUS_ROOT_PATH, "org.muxcap.MuxCap1.Manager", "GetNic", "org.muxcap.MuxCap1.Error.NoSuchNic", "uA");

        /* Declared MUX by glob, config values, capacity policy sum saturating. udev sets
         * the two ends up one after the other, so wait for both, then check the state. */
        util_run("ip link add dA type veth peer name dB && udevadm settle && sleep 0.2");
        expect_members(c, BUS_ROOT_PATH "/mux/team0", "dA dB");
        expect_property_hex(c, BUS_ROOT_PATH "/mux/team0", BUS_IFACE_MUX, "HardwareCapabilities",
                            "80021400" "06000000" "00000000" "ffffffff" "00000000");

        /* Nested: 'outer' holds the bridge (its aggregate, which 'outer' followed all along)
         * and cA, whose config sets capacity 100 and SACK. */
        util_run("ip link add cA type veth peer name cB && udevadm settle && sleep 0.2");
        expect_members(c, BUS_ROOT_PATH "/mux/outer", "br0 cA");
        /* Each NIC lists the MUXes it is a member of; a MUX device is a member too. */
        expect_strv(c, BUS_ROOT_PATH "/nic/uR", "org.muxcap.MuxCap1.Nic", "Muxes", "br0");
        expect_strv(c, BUS_ROOT_PATH "/nic/br0", "org.muxcap.MuxCap1.Nic", "Muxes", "outer");
        expect_strv(c, BUS_ROOT_PATH "/nic/cA", "org.muxcap.MuxCap1.Nic", "Muxes", "outer");
        expect_strv(c, BUS_ROOT_PATH "/nic/dB", "org.muxcap.MuxCap1.Nic", "Muxes", "team0");
        expect_strv(c, BUS_ROOT_PATH "/nic/cB", "org.muxcap.MuxCap1.Nic", "Muxes", "");
        expect_property_hex(c, BUS_ROOT_PATH "/mux/outer", BUS_IFACE_MUX, "HardwareCapabilities",
                            "80021400" "06000000" "40000000" "64000000" "00000000");
        while (util_wait_status(c, NULL, NULL, 100, NULL) == 0)
                ;       /* drain: the burst below counts only its own indications */

        /* Coalescing: a burst of flips gives at most a leading emission plus one per window. */
        {
                UtilStatus s;
                int n = 0;
                uint64_t start = util_now_ms();
                util_run("for i in $(seq 20); do ethtool -K uR txvlan on; ethtool -K uR txvlan off; done; "
                         "ethtool -K uR txvlan on");
                uint64_t took = util_now_ms() - start;
                while (util_wait_status(c, on_path, (void *) br0, 300, &s) == 0)
                        n++;
                printf("burst of 41 flips in %llu ms gave %d indications\n", (unsigned long long) took, n);
                assert(n >= 1);
                assert((uint64_t) n <= 2 * (took / 50 + 2));
                expect_property_hex(c, br0, BUS_IFACE_MUX, "CurrentConfig",
                                    "80021400" "06000000" "40000000" "00100000" "00000000");
        }

        /* A NIC that does offload TCP connections (a TOE) says so through udev (daemon.rules:
         * toe* declares IPv4 and IPv6): that drives the connection record and its
         * indications, as the kernel's framing does. */
        {
                const char *brt = BUS_ROOT_PATH "/mux/brt";

                util_run("ip link add brt type bridge");
                expect(c, brt, HW, 1, EMPTY);
                expect(c, brt, CUR, 1, EMPTY);
                util_run("ip link add toeA type veth peer name toeB && udevadm settle && "
                         "ip link set toeA master brt");
                expect(c, brt, HW, 2, "80021400" "06000000" "05000000" "00000000" "00000000");
                expect(c, brt, CUR, 2, "80021400" "06000000" "05000000" "00000000" "00000000");
                util_run("ethtool -K toeA txvlan off");
                expect(c, brt, CUR, 3, "80021400" "02000000" "05000000" "00000000" "00000000");
                util_run("ip link del brt && ip link del toeA");
                while (util_wait_status(c, NULL, NULL, 200, NULL) == 0)
                        ;
        }

        /* SIGHUP re-reads the config; Reload() as root too; a bad config is refused with its
         * FILE:LINE and the running one kept. */
        {
                uint32_t ms = 0;
                FILE *f = fopen(conf, "we");
                DBusMessage *m;

                assert(f);
                fputs("[Daemon]\nCoalesceMs=70\n\n" MUX_CONF, f);
                assert(fclose(f) == 0);
                assert(util_process_signal(d, SIGHUP) == 0);
                util_run("sleep 0.3");
                assert(util_get_property(c, BUS_NAME, BUS_ROOT_PATH, "org.muxcap.MuxCap1.Manager", "CoalesceMs",
                                         DBUS_TYPE_UINT32, &ms) == 0);
                assert(ms == 70);
                f = fopen(conf, "ae");
                assert(f);
                fputs("[Nic x]\nSupportSack=perhaps\n", f);
                assert(fclose(f) == 0);
                m = util_call(c, BUS_NAME, BUS_ROOT_PATH, "org.muxcap.MuxCap1.Manager", "Reload", DBUS_TYPE_INVALID);
                assert(m && dbus_message_get_type(m) == DBUS_MESSAGE_TYPE_ERROR);
                assert(streq(dbus_message_get_error_name(m), "org.muxcap.MuxCap1.Error.BadConfig"));
                {
                        const char *text = NULL;
                        assert(dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &text, DBUS_TYPE_INVALID));
                        assert(strstr(text, "muxcapd.conf:") && strstr(text, "SupportSack: 'perhaps'"));
                }
                dbus_message_unref(m);
                assert(util_get_property(c, BUS_NAME, BUS_ROOT_PATH, "org.muxcap.MuxCap1.Manager", "CoalesceMs",
                                         DBUS_TYPE_UINT32, &ms) == 0);
                assert(ms == 70);
                /* A directory where the file was: refused with the reason, nothing changes (it
                 * used to apply the defaults, and the declared MUXes went). */
                util_run("mv '%s' '%s.kept' && mkdir '%s'", conf, conf, conf);
                assert(util_process_signal(d, SIGHUP) == 0);
                util_run("sleep 0.3");
                assert(count_in_log(d, "muxcapd.conf: not a regular file but a directory; keeping "
                                       "the running configuration") == 1);
                expect_members(c, BUS_ROOT_PATH "/mux/team0", "dA dB");
                util_run("rmdir '%s' && mv '%s.kept' '%s'", conf, conf, conf);
                m = util_call(c, BUS_NAME, BUS_ROOT_PATH, "org.muxcap.MuxCap1.Manager", "Resync", DBUS_TYPE_INVALID);
                assert(m && dbus_message_get_type(m) == DBUS_MESSAGE_TYPE_METHOD_RETURN);
                dbus_message_unref(m);
                util_run("sleep 0.3");
                expect_members(c, br0, "uR");
        }

        /* A name clash: a kernel bridge brc, then a reload that declares brc. The declared MUX
         * takes the name, as it does at a start with that config, with a warning said once;
         * Resync keeps it; a reload without the declaration gives the bridge back. */
        {
                const char *brc = BUS_ROOT_PATH "/mux/brc";
                FILE *f;
                DBusMessage *m;

                util_run("ip link add brc type bridge && ip link add kc0 type veth peer name kc1 && "
                         "ip link set kc0 master brc");
                wait_members(c, brc, "kc0");
                f = fopen(conf, "we");
                assert(f);
                fputs(BASE_CONF "\n[Mux brc]\nMembers=d*\n", f);
                assert(fclose(f) == 0);
                assert(util_process_signal(d, SIGHUP) == 0);
                wait_members(c, brc, "dA dB");
                m = util_call(c, BUS_NAME, BUS_ROOT_PATH, "org.muxcap.MuxCap1.Manager", "Resync", DBUS_TYPE_INVALID);
                assert(m && dbus_message_get_type(m) == DBUS_MESSAGE_TYPE_METHOD_RETURN);
                dbus_message_unref(m);
                util_run("ip link add kc2 type veth peer name kc3 && ip link set kc2 master brc && sleep 0.3");
                expect_members(c, brc, "dA dB");
                assert(count_in_log(d, "mux 'brc': the config declares a MUX of that name; the bridge "
                                       "device 'brc' is not followed as a MUX") == 1);
                f = fopen(conf, "we");
                assert(f);
                fputs(BASE_CONF, f);
                assert(fclose(f) == 0);
                assert(util_process_signal(d, SIGHUP) == 0);
                wait_members(c, brc, "kc0 kc2");
                util_run("ip link del brc && ip link del kc0 && ip link del kc2");
                printf("ok: a name clash resolves the same after a reload, with one warning\n");
        }

        /* A second muxcapd on the same bus says the name is taken and exits 1, before it
         * listens to udev: nothing of the devices (badC's bad values) in its log. */
        {
                _cleanup_(util_process_freep) UtilProcess *d2 = NULL;
                int st;

                util_run("ip link add badC type veth peer name badD && udevadm settle");
                d2 = util_spawn("muxcapd-second", (char *const[]) { (char *) muxcapd, bus_arg,
                                                                    conf_arg, NULL });
                assert(util_process_wait(d2, UTIL_TIMEOUT_MS, &st) == 0);
                assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
                assert(count_in_log(d2, "bus: org.muxcap.MuxCap1 is taken on '") == 1);
                assert(count_in_log(d2, "udev") == 0 && count_in_log(d2, "badC") == 0);
                util_run("ip link del badC");
                printf("ok: a second daemon says the name is taken, and nothing else\n");
        }

        /* Errors for bad calls. */
        expect_error(c, BUS_ROOT_PATH, "org.muxcap.MuxCap1.Manager", "GetMux", "org.muxcap.MuxCap1.Error.NoSuchMux", "nope");
        expect_error(c, BUS_ROOT_PATH "/mux/nope", BUS_IFACE_MUX, "Explain", "org.freedesktop.DBus.Error.UnknownObject", NULL);
        expect_error(c, BUS_ROOT_PATH, "org.muxcap.MuxCap1.Manager", "Frobnicate", "org.freedesktop.DBus.Error.UnknownMethod", NULL);
        expect_error(c, BUS_ROOT_PATH, "org.muxcap.MuxCap1.Manager", "GetMux", "org.freedesktop.DBus.Error.InvalidArgs", NULL);

        /* Member bridge deleted: the MUX goes away with InterfacesRemoved; SIGTERM exits 0. */
        util_run("ip link del br0");
        util_run("sleep 0.2");
        expect_error(c, BUS_ROOT_PATH, "org.muxcap.MuxCap1.Manager", "GetMux", "org.muxcap.MuxCap1.Error.NoSuchMux", "br0");
        assert(util_process_signal(d, SIGTERM) == 0);
        assert(util_process_wait(d, UTIL_TIMEOUT_MS, &status) == 0);
        assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        printf("all daemon scenarios passed\n");
        return 0;
}
