/* SPDX-License-Identifier: MIT */
/* The task-offload record (NDIS_OFFLOAD, SPEC 12) end to end: a bridge over veths on the real
 * kernel, with udevd and dbus-daemon. Every record is checked byte for byte against hex placed
 * by hand from the layout and the Linux mapping (proto/OFFLOAD.md), as features toggle, as
 * gso_max_size changes, with udev and config values for fields Linux lacks; and muxcapctl's
 * show, explain and monitor with --records=all. */
#undef NDEBUG
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "field.h"
#include "record.h"
#include "schema-task.h"
#include "util.h"

#define HW STATUS_HARDWARE_CAPABILITIES
#define CUR STATUS_OFFLOAD_RESUME
#define THW STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES
#define TCUR STATUS_TASK_OFFLOAD_CURRENT_CONFIG

#define EMPTY "80021400" "00000000" "00000000" "00000000" "00000000"

/* A veth (NOTES.md: generic tx checksum, rx-checksum, TSO/TSO6, USO, GRE and UDP-tunnel GSO
 * with and without checksum, both VLAN offloads; no ESP, RSC or tunnel port offload) with
 * MaxOffLoadSize SIZE: 802.3 + 802.1Q framing everywhere (0x06). */
#define VETH(size)                                                                      \
        "a706d800"                                                                      \
        "06000000" "55000000" "06000000" "55000000"     /*   4 IPv4 tx, rx checksum */  \
        "06000000" "55000000" "06000000" "55000000"     /*  20 IPv6 tx, rx checksum */  \
        "06000000" size "02000000" "05000000"           /*  36 LsoV1 */                 \
        "0000000000000000000000000000000000000000" "00000000" "00000000" /* 52 IPsecV1 */ \
        "06000000" size "02000000"                      /*  80 LsoV2.IPv4 */            \
        "06000000" size "02000000" "05000000"           /*  92 LsoV2.IPv6 */            \
        "00000000"                                      /* 108 Flags */                 \
        "0000000000000000000000000000000000000000000000000000000000000000" /* 112 IPsecV2 */ \
        "00000000"                                      /* 144 Rsc */                   \
        "0f0f0000" "00000000"                           /* 148 GRE: tx csum, LSO */     \
        "0f0f0000" "00000000" "b512" "0000" "0000000000000000" /* 156 VXLAN, port 4789 */ \
        "03000000"                                      /* 176 GRE_MAC | VXLAN */       \
        "00000000" "00000000"                           /* 180 464XLAT */               \
        "06000000" size "42000000"                      /* 188 USO IPv4 */              \
        "06000000" size "42000000" "01000000"           /* 200 USO IPv6 */

/* 216 bytes: the header, then zeros: a MUX without members. */
static const char *empty_task(void) {
        static char hex[2 * 216 + 1];

        memset(hex, '0', 2 * 216);
        memcpy(hex, "a706d800", 8);
        return hex;
}

/* Overwrites the bytes at @offset of a hex record with @bytes (hex). */
static void patch(char *rec, size_t offset, const char *bytes) {
        assert(2 * offset + strlen(bytes) <= strlen(rec));
        memcpy(rec + 2 * offset, bytes, strlen(bytes));
}

static bool on_path(const UtilStatus *s, void *userdata) {
        return streq(s->path, userdata);
}

/* The next indication on @path: code, generation and bytes (@want_hex NULL: any bytes). */
static void expect(DBusConnection *c, const char *path, uint32_t code, uint64_t gen,
                   const char *want_hex) {
        char got[2 * sizeof(((UtilStatus *) 0)->buffer) + 1];
        UtilStatus s;
        int r = util_wait_status(c, on_path, (void *) path, UTIL_TIMEOUT_MS, &s);

        if (r < 0) {
                fprintf(stderr, "FAIL: no StatusIndication on %s (want 0x%08x gen %llu): %s\n",
                        path, code, (unsigned long long) gen, strerror(-r));
                exit(1);
        }
        hex_encode(s.buffer, s.size, got);
        if (s.status_code != code || s.generation != gen || (want_hex && !streq(got, want_hex))) {
                fprintf(stderr, "FAIL: on %s got 0x%08x gen %llu %s\n     want 0x%08x gen %llu %s\n",
                        path, s.status_code, (unsigned long long) s.generation, got, code,
                        (unsigned long long) gen, want_hex ? want_hex : "(any)");
                exit(1);
        }
        printf("ok: %s 0x%08x gen %llu\n", path, code, (unsigned long long) gen);
}

static void expect_property_hex(DBusConnection *c, const char *path, const char *iface,
                                const char *prop, const char *want_hex) {
        uint8_t buf[256];
        char got[513];
        size_t n = 0;

        assert(util_get_property_bytes(c, BUS_NAME, path, iface, prop, buf, sizeof(buf), &n) == 0);
        hex_encode(buf, n, got);
        if (!streq(got, want_hex)) {
                fprintf(stderr, "FAIL: %s %s = %s\n     want %s\n", path, prop, got, want_hex);
                exit(1);
        }
}

/* GetRecord(code) answers the record with the MUX's generation. */
static void expect_get_record(DBusConnection *c, const char *path, uint32_t code, uint64_t gen,
                              const char *want_hex) {
        DBusMessage *m = util_call(c, BUS_NAME, path, BUS_IFACE_MUX, "GetRecord",
                                   DBUS_TYPE_UINT32, &code, DBUS_TYPE_INVALID);
        const uint8_t *bytes;
        char got[513];
        uint64_t g = 0;
        int n = 0;

        assert(m && dbus_message_get_type(m) == DBUS_MESSAGE_TYPE_METHOD_RETURN);
        assert(dbus_message_get_args(m, NULL, DBUS_TYPE_UINT64, &g, DBUS_TYPE_ARRAY, DBUS_TYPE_BYTE,
                                     &bytes, &n, DBUS_TYPE_INVALID));
        hex_encode(bytes, (size_t) n, got);
        if (g != gen || !streq(got, want_hex)) {
                fprintf(stderr, "FAIL: GetRecord(0x%08x) on %s = gen %llu %s\n     want gen %llu %s\n",
                        code, path, (unsigned long long) g, got, (unsigned long long) gen, want_hex);
                exit(1);
        }
        dbus_message_unref(m);
}

/* Collapses runs of blanks, so table columns compare as single spaces. */
static bool has_line(const char *text, const char *want) {
        char line[512];

        for (const char *p = text; *p;) {
                size_t n = 0;
                bool blank = false;

                for (; *p && *p != '\n'; p++) {
                        if (*p == ' ' || *p == '\t') {
                                blank = n > 0;
                                continue;
                        }
                        if (blank && n < sizeof(line) - 1)
                                line[n++] = ' ';
                        blank = false;
                        if (n < sizeof(line) - 1)
                                line[n++] = *p;
                }
                line[n] = '\0';
                if (streq(line, want))
                        return true;
                if (*p)
                        p++;
        }
        return false;
}

static void check(bool ok, const char *message) {
        if (!ok) {
                fprintf(stderr, "FAIL: %s\n", message);
                exit(1);
        }
}

/* What a person reads on one screen: between @min and @max lines. */
static void check_lines(const char *what, const char *text, size_t min, size_t max) {
        size_t n = 0;

        for (const char *p = text; *p; p++)
                n += *p == '\n';
        if (n < min || n > max) {
                fprintf(stderr, "FAIL: %s is %zu lines, want %zu to %zu:\n%s\n", what, n, min, max, text);
                exit(1);
        }
}

static void expect_line(const char *what, const char *text, const char *want) {
        if (!has_line(text, want)) {
                fprintf(stderr, "FAIL: %s has no line '%s':\n%s\n", what, want, text);
                exit(1);
        }
}

/* Waits until the monitor's log has each of @lines (NULL-terminated), or fails. */
static void wait_monitor(UtilProcess *mon, const char *const *lines) {
        for (uint64_t end = util_now_ms() + UTIL_TIMEOUT_MS;;) {
                _cleanup_free_ char *log = util_run_output("cat '%s'", util_process_log(mon));
                size_t i = 0;

                while (lines[i] && has_line(log, lines[i]))
                        i++;
                if (!lines[i])
                        return;
                if (util_now_ms() > end) {
                        fprintf(stderr, "FAIL: the monitor has no line '%s':\n%s\n", lines[i], log);
                        exit(1);
                }
                util_run("sleep 0.05");
        }
}

int main(void) {
        _cleanup_(util_process_freep) UtilProcess *d = NULL, *mon = NULL;
        _cleanup_(util_bus_closep) DBusConnection *c = NULL;
        const char *muxcapd = getenv("MUXCAPD"), *dir = getenv("MUXCAP_TEST_DIR");
        const char *ctl = getenv("MUXCAPCTL") ? getenv("MUXCAPCTL") : MUXCAPCTL_PATH;
        const char *br0 = BUS_ROOT_PATH "/mux/br0";
        char conf[512], bus_arg[600], conf_arg[600];
        char hw[2 * 216 + 1], cur[2 * 216 + 1];
        uint64_t gen;
        int status, r;

        util_require_ns_run();
        setvbuf(stdout, NULL, _IOLBF, 0);
        assert(muxcapd && dir);
        snprintf(conf, sizeof(conf), "%s/muxcapd.conf", dir);
        {
                FILE *f = fopen(conf, "we");
                assert(f);
                /* A field Linux lacks, by its dotted name (the config's source wins). */
                fputs("[Daemon]\nCoalesceMs=20\n\n"
                      "[Nic t*]\nEncapsulatedPacketTaskOffloadGre.MaxHeaderSizeSupported=128\n", f);
                assert(fclose(f) == 0);
        }
        snprintf(bus_arg, sizeof(bus_arg), "--bus=%s", getenv("MUXCAP_TEST_BUS"));
        snprintf(conf_arg, sizeof(conf_arg), "--config=%s", conf);

        c = util_bus_connect();
        util_add_status_match(c);
        util_watch_task_records(true);
        d = util_spawn("muxcapd", (char *const[]) { (char *) muxcapd, bus_arg, conf_arg,
                                                    "--udev-source=udev", "--log-level=debug", NULL });
        assert(util_process_wait_ready(d, UTIL_TIMEOUT_MS) == 0);
        assert(util_wait_name(c, BUS_NAME, UTIL_TIMEOUT_MS) == 0);
        mon = util_spawn("monitor", (char *const[]) { (char *) ctl, bus_arg, "--records=all",
                                                      "monitor", "br0", NULL });
        wait_monitor(mon, (const char *const[]) { "daemon-appeared", NULL });

        /* A new bridge: all four records with generation 1, in SPEC 12's order, all zero. */
        util_run("ip link add br0 type bridge");
        expect(c, br0, HW, 1, EMPTY);
        expect(c, br0, CUR, 1, EMPTY);
        expect(c, br0, THW, 1, empty_task());
        expect(c, br0, TCUR, 1, empty_task());

        /* The empty bridge advertises what software GSO can emulate (tx-udp-segmentation, its
         * tso_max_size 65536), which no member has: explain says so, with no member to blame. */
        {
                char cmd[1024];
                _cleanup_free_ char *explain = NULL;

                snprintf(cmd, sizeof(cmd), "'%s' '%s' advertised br0", ctl, bus_arg);
                explain = util_run_output("%s", cmd);
                expect_line("advertised", explain, "br0 advertises more than its members have:");
                expect_line("advertised", explain, "UdpSegmentation.IPv4.MaxOffLoadSize 65536 0 - (no members)");
                expect_line("advertised", explain, "LsoV2.IPv6.MaxOffLoadSize 65536 0 - (no members)");
                printf("ok: advertised shows what the empty bridge advertises\n");
        }

        /* A veth joins: hardware MaxOffLoadSize from its tso_max_size 524280 (0x7fff8), the
         * current config's from its gso_max_size 65536. udev declares IPsecV2 over 802.3 (at
         * 112) with SaOffloadCapacity 1024 (at 140), and XlatOffload 2 (at 180); the config
         * GRE's MaxHeaderSizeSupported 128 (at 152). */
        util_run("ip link add tA type veth peer name tP && udevadm settle");
        util_run("ip link set tA master br0");
        snprintf(hw, sizeof(hw), "%s", VETH("f8ff0700"));
        snprintf(cur, sizeof(cur), "%s", VETH("00000100"));
        patch(hw, 112, "02000000"), patch(cur, 112, "02000000");
        patch(hw, 140, "00040000"), patch(cur, 140, "00040000");
        patch(hw, 180, "02000000"), patch(cur, 180, "02000000");
        patch(hw, 152, "80000000"), patch(cur, 152, "80000000");
        expect(c, br0, HW, 2, "80021400" "06000000" "00000000" "00000000" "00000000");
        expect(c, br0, CUR, 2, "80021400" "06000000" "00000000" "00000000" "00000000");
        expect(c, br0, THW, 2, hw);
        expect(c, br0, TCUR, 2, cur);
        expect_get_record(c, br0, THW, 2, hw);
        expect_get_record(c, br0, TCUR, 2, cur);
        expect_property_hex(c, BUS_ROOT_PATH "/nic/tA", BUS_IFACE_NIC, "TaskOffloadHardwareCapabilities", hw);
        gen = 2;

        /* Each toggle changes the current config only: one indication, the next generation;
         * the hardware record (what can be turned on) stays. */
        util_run("ethtool -K tA tx-udp-segmentation off");
        patch(cur, 188, "000000000000000000000000" "000000000000000000000000" "00000000");
        expect(c, br0, TCUR, ++gen, cur);
        expect_property_hex(c, br0, BUS_IFACE_MUX, "TaskOffloadHardwareCapabilities", hw);

        util_run("ethtool -K tA tx-gre-segmentation off");
        patch(cur, 148, "0f000000");            /* GRE LSO gone; GRE checksum GSO stays */
        expect(c, br0, TCUR, ++gen, cur);

        util_run("ethtool -K tA tx-udp_tnl-segmentation off");
        patch(cur, 156, "0f000000");            /* VXLAN LSO gone; port 4789 stays (csum GSO) */
        expect(c, br0, TCUR, ++gen, cur);

        /* gso_max_size: the kernel may not notify (OFFLOAD.md); the value shows with the next
         * message about the link, which Resync() brings. The current config's LSO
         * MaxOffLoadSize (at 40, 84, 96) becomes 32768; the hardware record stays. */
        util_run("ip link set tA gso_max_size 32768");
        patch(cur, 40, "00800000"), patch(cur, 84, "00800000"), patch(cur, 96, "00800000");
        r = util_wait_status(c, on_path, (void *) br0, 300, NULL);
        if (r == 0) {
                printf("ok: this kernel notified the gso_max_size change itself\n");
                expect_get_record(c, br0, TCUR, ++gen, cur);
        } else {
                DBusMessage *m;

                printf("ok: no indication for gso_max_size alone; Resync() brings it\n");
                m = util_call(c, BUS_NAME, BUS_ROOT_PATH, BUS_IFACE_MANAGER, "Resync", DBUS_TYPE_INVALID);
                assert(m && dbus_message_get_type(m) == DBUS_MESSAGE_TYPE_METHOD_RETURN);
                dbus_message_unref(m);
                expect(c, br0, TCUR, ++gen, cur);
        }
        util_assert_no_status(c, 300);          /* the current config only */
        expect_get_record(c, br0, THW, gen, hw);

        /* tso off (tx-tcp-segmentation and tx-tcp6-segmentation): every LSO field goes, and
         * the tunnels' checksum masks keep only their OUTER bits (0xf -> 0xa). The connection
         * record does not move: segmentation is no TCP connection offload (SPEC 3). */
        util_run("ethtool -K tA tso off");
        patch(cur, 36, "00000000000000000000000000000000");
        patch(cur, 80, "000000000000000000000000");
        patch(cur, 92, "00000000000000000000000000000000");
        patch(cur, 148, "0a000000");
        patch(cur, 156, "0a000000");
        expect(c, br0, TCUR, ++gen, cur);
        util_assert_no_status(c, 300);

        /* rx-checksum off: every receive checksum field; only the task-offload current config
         * goes out. */
        util_run("ethtool -K tA rx off");
        patch(cur, 12, "0000000000000000");
        patch(cur, 28, "0000000000000000");
        expect(c, br0, TCUR, ++gen, cur);
        util_assert_no_status(c, 300);
        expect_property_hex(c, br0, BUS_IFACE_MUX, "TaskOffloadHardwareCapabilities", hw);
        expect_property_hex(c, br0, BUS_IFACE_MUX, "HardwareCapabilities",
                            "80021400" "06000000" "00000000" "00000000" "00000000");

        /* show, explain: both records with the member and source of each field. */
        {
                char cmd[1024];
                _cleanup_free_ char *show = NULL, *explain = NULL;

                snprintf(cmd, sizeof(cmd), "'%s' '%s' show br0", ctl, bus_arg);
                show = util_run_output("%s", cmd);
                printf("muxcapctl show br0:\n%s", show);
                /* The facts that matter, hardware and current, with the member that limits
                 * each; fields declared by udev and the config; then the connection record. */
                expect_line("show", show, "offloads now: csum=tx4,tx6");
                expect_line("show", show, "TASK OFFLOAD HARDWARE CURRENT LIMITED BY");
                expect_line("show", show, "checksum ipv4 tx tcp,udp tcp,udp tA (kernel)");
                expect_line("show", show, "checksum ipv4 rx tcp,udp no tA (kernel)");
                expect_line("show", show, "lso ipv4 (tso) 524280 no tA (kernel)");
                expect_line("show", show, "uso ipv4 524280 no tA (kernel)");
                expect_line("show", show, "gre lso,tx-csum tx-csum tA (kernel)");
                expect_line("show", show, "vxlan lso,tx-csum,port=4789 tx-csum,port=4789 tA (kernel)");
                expect_line("show", show, "IPsecV2.SaOffloadCapacity 1024 1024 tA (udev)");
                expect_line("show", show, "EncapsulatedPacketTaskOffloadGre.MaxHeaderSizeSupported 128 128 tA (config)");
                expect_line("show", show, "CONNECTION OFFLOAD HARDWARE CURRENT LIMITED BY");
                expect_line("show", show, "tcp chimney no no tA (kernel)");
                check_lines("show", show, 1, 30);
                snprintf(cmd, sizeof(cmd), "'%s' '%s' show --all br0", ctl, bus_arg);
                free(show);
                show = util_run_output("%s", cmd);
                expect_line("show --all", show, "LsoV2.IPv4.MaxOffLoadSize 524280 0 tA (kernel)");
                expect_line("show --all", show, "LsoV2.IPv6.MinSegmentCount 2 0 tA (kernel)");
                expect_line("show --all", show, "SupportIPv4 no no tA (kernel)");
                snprintf(cmd, sizeof(cmd), "'%s' '%s' --records=task explain br0", ctl, bus_arg);
                explain = util_run_output("%s", cmd);
                expect_line("explain", explain, "task offload, hardware (TASK_OFFLOAD_HARDWARE_CAPABILITIES):");
                expect_line("explain", explain, "task offload, current config (TASK_OFFLOAD_CURRENT_CONFIG):");
                expect_line("explain", explain, "LsoV2.IPv4.Encapsulation 6 tA kernel");
                expect_line("explain", explain, "LsoV2.IPv4.MaxOffLoadSize 0 tA kernel");
                expect_line("explain", explain, "IPsecV2.SaOffloadCapacity 1024 tA udev");
                check(!strstr(explain, "SupportIPv4"), "--records=task explain shows the connection record");
                /* show nic: each field's source. */
                snprintf(cmd, sizeof(cmd), "'%s' '%s' show nic tA", ctl, bus_arg);
                free(explain);
                explain = util_run_output("%s", cmd);
                expect_line("show nic", explain, "IPsecV2.SaOffloadCapacity 1024 1024 udev");
                expect_line("show nic", explain, "Rfc6877Xlat.XlatOffload 2 2 udev");
                expect_line("show nic", explain, "EncapsulatedPacketTaskOffloadGre.MaxHeaderSizeSupported 128 128 config");
                expect_line("show nic", explain, "lso ipv4 (tso) 524280 no kernel");
                check_lines("show nic", explain, 1, 30);
                snprintf(cmd, sizeof(cmd), "'%s' '%s' show nic tA --all", ctl, bus_arg);
                free(explain);
                explain = util_run_output("%s", cmd);
                expect_line("show nic --all", explain, "LsoV2.IPv4.MaxOffLoadSize 524280 0 kernel");
                expect_line("show nic --all", explain, "IPsecV1.Supported.Flags 0 0 kernel");
                printf("ok: muxcapctl show, show --all, show nic and explain\n");
        }

        /* A vxlan device joins: its tso_max_size 65536 lowers every hardware MaxOffLoadSize;
         * it has no VLAN offloads (802.3 only: 0x02), no tunnel GSO (GRE, VXLAN and their port
         * go), declares nothing (SaOffloadCapacity min 0, XlatOffload no common value, GRE
         * header size min 0). */
        util_run("ip link add vx0 type vxlan id 42 dstport 4789 local 127.0.0.1 && udevadm settle");
        util_run("ip link set vx0 master br0");
        snprintf(hw, sizeof(hw), "%s", VETH("00000100"));
        for (size_t o = 4; o <= 200; o += 4)
                if (strncmp(hw + 2 * o, "06000000", 8) == 0)
                        patch(hw, o, "02000000");
        patch(hw, 148, "0000000000000000" "0000000000000000" "00000000" "0000000000000000" "00000000");
        expect(c, br0, HW, ++gen, "80021400" "02000000" "00000000" "00000000" "00000000");
        expect(c, br0, CUR, gen, "80021400" "02000000" "00000000" "00000000" "00000000");
        expect(c, br0, THW, gen, hw);
        expect(c, br0, TCUR, gen, NULL);
        {
                char cmd[1024];
                _cleanup_free_ char *explain = NULL;

                snprintf(cmd, sizeof(cmd), "'%s' '%s' advertised br0", ctl, bus_arg);
                explain = util_run_output("%s", cmd);
                printf("advertised with tA and vx0:\n%s", explain);
                /* The bridge ORs the tunnel GSO features software can do; vx0 has none. */
                expect_line("advertised", explain, "EncapsulatedPacketTaskOffloadGre.LsoV2Supported 15 0 vx0");
                expect_line("advertised", explain, "EncapsulatedPacketTaskOffloadVxlan.VxlanUDPPortNumber 4789 0 vx0");
        }
        util_run("ip link del vx0");
        /* The monitor said who joined and who left, whatever the records did. */
        wait_monitor(mon, (const char *const[]) {
                "member-joined br0 tA", "member-joined br0 vx0", "member-left br0 vx0", NULL });
        printf("ok: monitor prints membership changes\n");

        /* A bad task-offload udev value falls through to the kernel's (XlatOffload 0), logged
         * once with the device, the property, the value and the reason. */
        util_run("ip link add tbad0 type veth peer name tbad1 && udevadm settle && sleep 0.2");
        util_run("ethtool -K tbad0 tso off; ethtool -K tbad0 tso on; sleep 0.2");
        {
                _cleanup_free_ char *n = util_run_output(
                        "grep -c \"nic 'tbad0': udev property MUXCAP_RFC6877_XLAT_XLAT_OFFLOAD='9' is "
                        "invalid (number out of range 0-3)\" '%s' || true", util_process_log(d));
                uint8_t buf[256];
                size_t len = 0;

                assert(atoi(n) == 1);
                assert(util_get_property_bytes(c, BUS_NAME, BUS_ROOT_PATH "/nic/tbad0", BUS_IFACE_NIC,
                                               "TaskOffloadHardwareCapabilities", buf, sizeof(buf),
                                               &len) == 0 && len == 216);
                assert(buf[180] == 0 && buf[140] == 0x00 && buf[141] == 0x04);  /* SA: the t* rule */
                printf("ok: a bad udev value is logged once and falls through\n");
        }

        /* monitor --records=all printed every task-offload change as it happened. */
        {
                _cleanup_free_ char *log = NULL;
                char want[128];

                util_run("sleep 0.3");
                assert(util_process_signal(mon, SIGINT) == 0);
                assert(util_process_wait(mon, UTIL_TIMEOUT_MS, &status) == 0);
                log = util_run_output("tr -s ' ' <'%s'", util_process_log(mon));
                for (uint64_t g = 3; g <= gen; g++) {
                        snprintf(want, sizeof(want), "indication br0 gen %llu TASK_OFFLOAD_CURRENT_CONFIG",
                                 (unsigned long long) g);
                        if (!strstr(log, want)) {
                                fprintf(stderr, "FAIL: monitor lacks '%s':\n%s\n", want, log);
                                exit(1);
                        }
                }
                assert(strstr(log, "TASK_OFFLOAD_HARDWARE_CAPABILITIES"));
                printf("ok: monitor showed every task-offload change\n");
        }

        assert(util_process_signal(d, SIGTERM) == 0);
        assert(util_process_wait(d, UTIL_TIMEOUT_MS, &status) == 0);
        assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        printf("all task-offload scenarios passed\n");
        return 0;
}
