/* SPDX-License-Identifier: MIT */
/* muxcapd against real bonds, teams and VLANs: scenarios for Debian's kernel in a VM
 * (tests/vm/vm-run.sh), run by ns-run.sh with real systemd-udevd (vm.rules) and dbus-daemon.
 * Each step runs a command, then asserts every StatusIndication that follows, byte for byte,
 * with its generation, and that nothing else follows. */
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
#include "bus-path.h"
#include "util.h"


/* TCG is slow: an emission may take seconds to follow its command; then nothing else may
 * arrive for QUIET_MS. */
#define STEP_TIMEOUT_MS 15000
#define QUIET_MS 600

/*
 * The records (SPEC 2 and 3). A veth has 802.3 + 802.1Q (vlan insert and parse) from the
 * kernel, nothing else: its TSO and checksums are no TCP connection offload. vm.rules makes
 * u*, w* and h* TCP offload engines (IPv4, and IPv6 but for w*) with capacity and SACK;
 * `ethtool -K X txvlan off` takes 802.1Q off the current config.
 */
#define REC_EMPTY         "80021400" "00000000" "00000000" "00000000" "00000000"
/* u*: IPv4, IPv6, SACK, 4096; then with txvlan off */
#define REC_U             "80021400" "06000000" "45000000" "00100000" "00000000"
#define REC_U_VLAN_OFF    "80021400" "02000000" "45000000" "00100000" "00000000"
/* w*: IPv4, SACK, 1000; and the AND of u* with txvlan off and w* */
#define REC_W             "80021400" "06000000" "41000000" "e8030000" "00000000"
#define REC_UW_VLAN_OFF   "80021400" "02000000" "41000000" "e8030000" "00000000"
/* h*: IPv4, IPv6, SACK, 2000; and the AND of u* with txvlan off and h* */
#define REC_H             "80021400" "06000000" "45000000" "d0070000" "00000000"
#define REC_UH_VLAN_OFF   "80021400" "02000000" "45000000" "d0070000" "00000000"
#define REC_HEX_SIZE      (2 * RECORD_SIZE + 1)

/* One MUX's emission within a step: its next generation, with the hardware record then the
 * current config; NULL for a record that must not be sent. */
typedef struct Emission {
        const char *mux;
        const char *hw;
        const char *cur;
} Emission;

#define NONE ((const Emission[]) { { NULL } })

/* What the test knows each MUX has published: generation 0 = no such MUX (yet). */
typedef struct Published {
        char name[32];
        uint64_t generation;
        const char *hw, *cur;   /* the records' hex */
} Published;

typedef struct Test {
        DBusConnection *bus;    /* owned */
        UtilProcess *daemon;    /* owned */
        Published muxes[8];
        size_t n_muxes;
} Test;

#define fail(...)                                               \
        do {                                                    \
                fprintf(stderr, "FAIL: " __VA_ARGS__);          \
                fputc('\n', stderr);                            \
                exit(EXIT_FAILURE);                             \
        } while (0)

/* The object path of a MUX (or, with BUS_NIC_PREFIX, a NIC): proto's one escaper. */
static const char *object_path(const char *prefix, const char *name, char buf[static 128]) {
        _cleanup_free_ char *p = NULL;

        assert(bus_path_escape(prefix, name, &p) == 0 && strlen(p) < 128);
        return strcpy(buf, p);
}

static const char *mux_path(const char *name, char buf[static 128]) {
        return object_path(BUS_MUX_PREFIX, name, buf);
}

static Published *published(Test *t, const char *name) {
        for (size_t i = 0; i < t->n_muxes; i++)
                if (streq(t->muxes[i].name, name))
                        return &t->muxes[i];
        assert(t->n_muxes < ELEMENTSOF(t->muxes) && strlen(name) < sizeof(t->muxes[0].name));
        strcpy(t->muxes[t->n_muxes].name, name);
        return &t->muxes[t->n_muxes++];
}

static void expect_record_property(Test *t, const char *mux, const char *prop, const char *want) {
        char path[128], got[REC_HEX_SIZE];
        uint8_t buf[RECORD_SIZE + 1];
        size_t n = 0;
        int r;

        r = util_get_property_bytes(t->bus, BUS_NAME, mux_path(mux, path), BUS_IFACE_MUX, prop,
                                    buf, sizeof(buf), &n);
        if (r < 0 || n != RECORD_SIZE)
                fail("%s %s: %s (%zu bytes)", mux, prop, r < 0 ? strerror(-r) : "read", n);
        hex_encode(buf, n, got);
        if (!streq(got, want))
                fail("%s %s = %s, want %s", mux, prop, got, want);
}

static void expect_words(Test *t, const char *path, const char *iface, const char *prop,
                         const char *want) {
        _cleanup_free_ char *got = NULL;
        int r;

        r = util_get_property_words(t->bus, BUS_NAME, path, iface, prop, &got);
        if (r < 0)
                fail("%s %s: %s", path, prop, strerror(-r));
        if (!streq(got, want))
                fail("%s %s = '%s', want '%s'", path, prop, got, want);
}

static void expect_members(Test *t, const char *mux, const char *want) {
        char path[128];

        expect_words(t, mux_path(mux, path), BUS_IFACE_MUX, "Members", want);
        printf("ok: %s Members '%s'\n", mux, want);
}

static void expect_nic_muxes(Test *t, const char *nic, const char *want) {
        char path[128];

        expect_words(t, object_path(BUS_NIC_PREFIX, nic, path), BUS_IFACE_NIC, "Muxes", want);
}

static void expect_kind(Test *t, const char *mux, const char *want) {
        _cleanup_free_ char *got = NULL;
        char path[128];

        assert(util_get_property(t->bus, BUS_NAME, mux_path(mux, path), BUS_IFACE_MUX, "Kind",
                                 DBUS_TYPE_STRING, &got) == 0);
        if (!streq(got, want))
                fail("%s Kind '%s', want '%s'", mux, got, want);
        printf("ok: %s Kind '%s'\n", mux, want);
}

/* The Manager's answer to GetMux/GetNic(@name): 0, or -ENOENT for its NoSuch* error. */
static int manager_get(Test *t, const char *method, const char *name) {
        DBusMessage *m = util_call(t->bus, BUS_NAME, BUS_ROOT_PATH, BUS_IFACE_MANAGER, method, DBUS_TYPE_STRING, &name,
                                   DBUS_TYPE_INVALID);
        int r = dbus_message_get_type(m) == DBUS_MESSAGE_TYPE_METHOD_RETURN ? 0 : -ENOENT;

        if (r < 0 && !strstr(dbus_message_get_error_name(m), "Error.NoSuch"))
                fail("%s('%s'): %s", method, name, dbus_message_get_error_name(m));
        dbus_message_unref(m);
        return r;
}

/* Checks @s against the emission expected for its MUX; returns true once that emission is
 * complete. @seen counts the signals of each emission so far. */
static bool check_signal(Test *t, const Emission *want, size_t *seen, const UtilStatus *s) {
        char path[128], got[2 * sizeof(s->buffer) + 1];

        hex_encode(s->buffer, s->size, got);
        for (size_t i = 0; want[i].mux; i++) {
                Published *p = published(t, want[i].mux);
                const char *codes_hex[2] = { want[i].hw, want[i].cur };
                const uint32_t codes[2] = { STATUS_HARDWARE_CAPABILITIES, STATUS_OFFLOAD_RESUME };
                size_t n_codes = !!want[i].hw + !!want[i].cur, k;

                if (!streq(s->path, mux_path(want[i].mux, path)))
                        continue;
                if (seen[i] == n_codes)
                        fail("%s: a second emission: 0x%08x gen %llu %s", want[i].mux,
                             (unsigned) s->status_code, (unsigned long long) s->generation, got);
                /* the next record in the order hardware, current config */
                k = seen[i] == 0 && want[i].hw ? 0 : 1;
                if (s->status_code != codes[k] || s->generation != p->generation + 1 ||
                    !streq(got, codes_hex[k]))
                        fail("%s: got 0x%08x gen %llu %s\n"
                             "      want 0x%08x gen %llu %s", want[i].mux,
                             (unsigned) s->status_code, (unsigned long long) s->generation, got,
                             (unsigned) codes[k], (unsigned long long) p->generation + 1,
                             codes_hex[k]);
                printf("ok: %s 0x%08x gen %llu %s\n", want[i].mux, (unsigned) s->status_code,
                       (unsigned long long) s->generation, got);
                return ++seen[i] == n_codes;
        }
        fail("unexpected StatusIndication on %s: 0x%08x gen %llu %s", s->path,
             (unsigned) s->status_code, (unsigned long long) s->generation, got);
}

/* Runs the shell command @cmd, then asserts that exactly the emissions @want follow (one per
 * MUX at most, ended by { NULL }), then nothing for QUIET_MS, and that each MUX's properties
 * show the new state. */
static void step(Test *t, const char *cmd, const Emission *want) {
        uint64_t deadline;
        size_t n = 0, complete = 0, seen[8] = { 0 };
        UtilStatus s;
        int r;

        while (want[n].mux)
                n++;
        assert(n <= ELEMENTSOF(seen));
        printf("step: %s\n", cmd);
        util_run("%s", cmd);
        deadline = util_now_ms() + STEP_TIMEOUT_MS;
        while (complete < n) {
                uint64_t now = util_now_ms();
                int left = now < deadline ? (int) (deadline - now) : 0;

                r = util_wait_status(t->bus, NULL, NULL, left, &s);
                if (r < 0)
                        fail("'%s': %zu of %zu emissions after %d ms: %s", cmd, complete, n,
                             STEP_TIMEOUT_MS, strerror(-r));
                if (check_signal(t, want, seen, &s))
                        complete++;
        }
        r = util_wait_status(t->bus, NULL, NULL, QUIET_MS, &s);
        if (r == 0)
                check_signal(t, want, seen, &s);        /* fails, saying what came */
        for (size_t i = 0; i < n; i++) {
                Published *p = published(t, want[i].mux);
                char path[128];
                uint64_t g = 0;

                p->generation++;
                if (want[i].hw)
                        p->hw = want[i].hw;
                if (want[i].cur)
                        p->cur = want[i].cur;
                assert(p->hw && p->cur);        /* a new MUX's first emission has both */
                assert(util_get_property(t->bus, BUS_NAME, mux_path(want[i].mux, path),
                                         BUS_IFACE_MUX, "Generation", DBUS_TYPE_UINT64, &g) == 0);
                if (g != p->generation)
                        fail("%s Generation %llu, want %llu", want[i].mux, (unsigned long long) g,
                             (unsigned long long) p->generation);
                /* the record not sent is unchanged */
                expect_record_property(t, want[i].mux, "HardwareCapabilities", p->hw);
                expect_record_property(t, want[i].mux, "CurrentConfig", p->cur);
        }
}

/* Runs @cmd, which deletes @mux, and asserts that it goes, and forgets its generation. The
 * kernel releases the slaves before it deletes their master: when muxcapd reads the two apart,
 * it publishes the emptied MUX once (one emission, all zero) before the MUX goes. */
static void step_mux_gone(Test *t, const char *cmd, const char *mux) {
        const Emission emptied[] = { { mux, REC_EMPTY, REC_EMPTY }, { NULL } };
        Published *p;
        uint64_t deadline;
        size_t seen[1] = { 0 };
        UtilStatus s;

        printf("step: %s\n", cmd);
        util_run("%s", cmd);
        while (util_wait_status(t->bus, NULL, NULL, QUIET_MS, &s) == 0)
                (void) check_signal(t, emptied, seen, &s);
        deadline = util_now_ms() + STEP_TIMEOUT_MS;
        while (manager_get(t, "GetMux", mux) == 0) {
                if (util_now_ms() >= deadline)
                        fail("%s still exists %d ms after '%s'", mux, STEP_TIMEOUT_MS, cmd);
                util_assert_no_status(t->bus, 100);
        }
        p = published(t, mux);
        p->generation = 0;
        p->hw = p->cur = NULL;
        printf("ok: %s gone%s\n", mux, seen[0] ? ", emptied first" : "");
}

/* Polls until the MUX's Members has @n words (the storm's convergence); returns the last count
 * (-1: no answer). While muxcapd re-enumerates a storm under TCG it may not answer within
 * UTIL_TIMEOUT_MS: that is "not yet", as long as it answers before @timeout_ms. */
static int wait_member_count(Test *t, const char *mux, int n, int timeout_ms) {
        uint64_t deadline = util_now_ms() + (uint64_t) timeout_ms;
        char path[128];
        int count;

        for (;;) {
                _cleanup_free_ char *words = NULL;

                count = -1;
                if (util_get_property_words(t->bus, BUS_NAME, mux_path(mux, path), BUS_IFACE_MUX,
                                            "Members", &words) == 0) {
                        count = *words ? 1 : 0;
                        for (const char *p = words; (p = strchr(p, ' ')); p++)
                                count++;
                }
                if (count == n || util_now_ms() >= deadline)
                        return count;
                (void) util_wait_status(t->bus, NULL, NULL, 200, NULL);
        }
}

/* Scenarios */

/* A bond or team @mux over veths, made by @create: appears empty with its kind, takes slaves,
 * the weak slave limits it, its release and its removal raise the record, an offload toggled
 * on a slave changes the current config only, and the MUX deleted under its slaves goes. */
static void scenario_aggregate(Test *t, const char *mux, const char *kind, const char *create,
                               const char *check) {
        char cmd[256];

        step(t, create, (const Emission[]) { { mux, REC_EMPTY, REC_EMPTY }, { NULL } });
        util_run("%s", check);
        expect_kind(t, mux, kind);
        expect_members(t, mux, "");

        step(t, "ip link add uA type veth peer name uB && ip link add wA type veth peer name wB && "
                "udevadm settle", NONE);
        (void) snprintf(cmd, sizeof(cmd), "ip link set uA master %s", mux);
        step(t, cmd, (const Emission[]) { { mux, REC_U, REC_U }, { NULL } });
        (void) snprintf(cmd, sizeof(cmd), "ip link set wA master %s", mux);
        step(t, cmd, (const Emission[]) { { mux, REC_W, REC_W }, { NULL } });
        expect_members(t, mux, "uA wA");
        expect_nic_muxes(t, "wA", mux);

        step(t, "ip link set wA nomaster", (const Emission[]) { { mux, REC_U, REC_U }, { NULL } });
        expect_members(t, mux, "uA");
        expect_nic_muxes(t, "wA", "");
        (void) snprintf(cmd, sizeof(cmd), "ip link set wA master %s", mux);
        step(t, cmd, (const Emission[]) { { mux, REC_W, REC_W }, { NULL } });
        step(t, "ip link del wA", (const Emission[]) { { mux, REC_U, REC_U }, { NULL } });
        expect_members(t, mux, "uA");

        step(t, "ethtool -K uA txvlan off",
             (const Emission[]) { { mux, NULL, REC_U_VLAN_OFF }, { NULL } });
        step(t, "ethtool -K uA txvlan on", (const Emission[]) { { mux, NULL, REC_U }, { NULL } });

        (void) snprintf(cmd, sizeof(cmd), "ip link del %s", mux);
        step_mux_gone(t, cmd, mux);
        assert(manager_get(t, "GetNic", "uA") == 0);
        expect_nic_muxes(t, "uA", "");
}

static void scenario_bond_active_backup(Test *t) {
        scenario_aggregate(t, "bond0", "bond", "ip link add bond0 type bond mode active-backup",
                           "grep -qx 'active-backup 1' /sys/class/net/bond0/bonding/mode");
}

static void scenario_bond_8023ad(Test *t) {
        scenario_aggregate(t, "bond0", "bond", "ip link add bond0 type bond mode 802.3ad",
                           "grep -qx '802.3ad 4' /sys/class/net/bond0/bonding/mode");
}

static void scenario_team(Test *t) {
        scenario_aggregate(t, "team0", "team", "ip link add team0 type team",
                           "test -d /sys/class/net/team0");
}

static void scenario_team_activebackup(Test *t) {
        scenario_aggregate(t, "team0", "team",
                           "ip link add team0 type team && teamnl team0 setoption mode activebackup",
                           "teamnl team0 getoption mode | grep -qx activebackup");
}

/* A bond as a bridge port next to a plain port: a slave's change reaches the bridge in one
 * emission per MUX; a VLAN on the bond is no MUX and changes nothing. */
static void scenario_nesting(Test *t) {
        step(t, "ip link add br0 type bridge",
             (const Emission[]) { { "br0", REC_EMPTY, REC_EMPTY }, { NULL } });
        step(t, "ip link add bond0 type bond mode active-backup",
             (const Emission[]) { { "bond0", REC_EMPTY, REC_EMPTY }, { NULL } });
        step(t, "ip link add uA type veth peer name uB && ip link add wA type veth peer name wB && "
                "ip link add hC type veth peer name hD && udevadm settle", NONE);
        step(t, "ip link set uA master bond0",
             (const Emission[]) { { "bond0", REC_U, REC_U }, { NULL } });
        step(t, "ip link set wA master bond0",
             (const Emission[]) { { "bond0", REC_W, REC_W }, { NULL } });
        step(t, "ip link set hC master br0",
             (const Emission[]) { { "br0", REC_H, REC_H }, { NULL } });
        step(t, "ip link set bond0 master br0",
             (const Emission[]) { { "br0", REC_W, REC_W }, { NULL } });
        expect_members(t, "br0", "bond0 hC");
        expect_nic_muxes(t, "bond0", "br0");
        expect_nic_muxes(t, "wA", "bond0");

        /* A slave's offload: the current config of both, once each. */
        step(t, "ethtool -K uA txvlan off",
             (const Emission[]) { { "bond0", NULL, REC_UW_VLAN_OFF },
                                  { "br0", NULL, REC_UW_VLAN_OFF }, { NULL } });
        /* The limiting slave released: both records of both, in one emission each. */
        step(t, "ip link set wA nomaster",
             (const Emission[]) { { "bond0", REC_U, REC_U_VLAN_OFF },
                                  { "br0", REC_H, REC_UH_VLAN_OFF }, { NULL } });

        /* A VLAN on the bond: a NIC of no MUX, and no emission, up or down (link state is
         * no capability either). */
        step(t, "ip link add link bond0 name bond0.10 type vlan id 10 && udevadm settle && "
                "ip link set bond0 up && ip link set bond0.10 up", NONE);
        assert(manager_get(t, "GetNic", "bond0.10") == 0);
        if (manager_get(t, "GetMux", "bond0.10") != -ENOENT)
                fail("a VLAN on the bond is a MUX");
        expect_nic_muxes(t, "bond0.10", "");
        step(t, "ip link set bond0.10 down && ip link del bond0.10", NONE);
        printf("ok: a VLAN on bond0 is no MUX and changed nothing\n");

        /* The bond's last slave deleted: an empty bond is an all-zero member of the bridge. */
        step(t, "ip link del uA",
             (const Emission[]) { { "bond0", REC_EMPTY, REC_EMPTY },
                                  { "br0", REC_EMPTY, REC_EMPTY }, { NULL } });
        step(t, "ip link set bond0 nomaster",
             (const Emission[]) { { "br0", REC_H, REC_H }, { NULL } });
        expect_members(t, "br0", "hC");
}

#define STORM_SLAVES 100

/* 100 slaves enslaved to and released from a bond while muxcapd is stopped, its receive
 * buffers small enough to overrun: after SIGCONT it publishes exactly the kernel's state. */
static void scenario_storm(Test *t) {
        _cleanup_free_ char *log = NULL;
        const int left = STORM_SLAVES / 3;      /* u3, u6, ... u99 stay */
        uint64_t start;
        int n;

        step(t, "ip link add storm0 type bond",
             (const Emission[]) { { "storm0", REC_EMPTY, REC_EMPTY }, { NULL } });
        step(t, "ip link add wA type veth peer name wB && udevadm settle && "
                "ip link set wA master storm0",
             (const Emission[]) { { "storm0", REC_W, REC_W }, { NULL } });

        assert(util_process_stop(t->daemon) == 0);
        util_run("b=$MUXCAP_TEST_DIR/storm.ip; : >$b; "
                 "for i in $(seq %d); do echo \"link add u$i type veth peer name p$i\"; done >>$b; "
                 "for i in $(seq %d); do echo \"link set u$i master storm0\"; done >>$b; "
                 "for i in $(seq 1 3 %d); do echo \"link set u$i nomaster\"; done >>$b; "
                 "for i in $(seq 2 3 %d); do echo \"link del u$i\"; done >>$b; "
                 "echo 'link set wA nomaster' >>$b; ip -batch $b && udevadm settle --timeout=120",
                 STORM_SLAVES, STORM_SLAVES, STORM_SLAVES, STORM_SLAVES);
        assert(util_run_status("test $(ls /sys/class/net/storm0 | grep -c '^lower_') = %d",
                               left) == 0);
        start = util_now_ms();
        assert(util_process_cont(t->daemon) == 0);

        n = wait_member_count(t, "storm0", left, 120000);
        if (n != left)
                fail("storm0 has %d members after the storm, want %d", n, left);
        expect_record_property(t, "storm0", "HardwareCapabilities", REC_U);
        expect_record_property(t, "storm0", "CurrentConfig", REC_U);
        expect_nic_muxes(t, "u99", "storm0");
        expect_nic_muxes(t, "u1", "");
        if (manager_get(t, "GetNic", "u2") != -ENOENT || manager_get(t, "GetNic", "p2") != -ENOENT)
                fail("deleted slave u2 (or its peer) still a NIC");
        log = util_run_output("cat '%s'", util_process_log(t->daemon));
        if (!strstr(log, "overrun (ENOBUFS)") || !strstr(log, "re-enumeration done"))
                fail("the storm did not overrun muxcapd's buffers: the test tests nothing");
        printf("ok: storm0 converged on %d members, %s, %llu ms after SIGCONT\n", n, REC_U,
               (unsigned long long) (util_now_ms() - start));

        /* Quiet again, it follows single events as before. */
        while (util_wait_status(t->bus, NULL, NULL, QUIET_MS, NULL) == 0)
                ;
        {
                uint64_t g = 0;
                char path[128];

                assert(util_get_property(t->bus, BUS_NAME, mux_path("storm0", path), BUS_IFACE_MUX,
                                         "Generation", DBUS_TYPE_UINT64, &g) == 0);
                published(t, "storm0")->generation = g;
                published(t, "storm0")->hw = REC_U;
                published(t, "storm0")->cur = REC_U;
        }
        step(t, "ip link set wA master storm0",
             (const Emission[]) { { "storm0", REC_W, REC_W }, { NULL } });
}

/* Offsets in the task-offload record (proto/OFFLOAD.md) of the two offloads turned off. */
#define TASK_LSO_V2_IPV4_ENCAPSULATION 80
#define TASK_UDP_SEGMENTATION_IPV4_ENCAPSULATION 188

/* @path's task-offload record property @prop (216 bytes) into @buf. */
static void task_property(Test *t, const char *path, const char *iface, const char *prop,
                          uint8_t buf[static 216]) {
        size_t n = 0;
        int r;

        r = util_get_property_bytes(t->bus, BUS_NAME, path, iface, prop, buf, 216, &n);
        if (r < 0 || n != 216)
                fail("%s %s: %s (%zu bytes)", path, prop, r < 0 ? strerror(-r) : "read", n);
}

static uint32_t le32_at(const uint8_t *b, size_t offset) {
        return (uint32_t) b[offset] | (uint32_t) b[offset + 1] << 8 |
               (uint32_t) b[offset + 2] << 16 | (uint32_t) b[offset + 3] << 24;
}

/* The member ExplainRecord(@code) names as limiting @field of @mux, "" when none. */
static char *explain_member(Test *t, const char *mux, uint32_t code, const char *field) {
        char path[128];
        DBusMessage *m = util_call(t->bus, BUS_NAME, mux_path(mux, path), BUS_IFACE_MUX,
                                   "ExplainRecord", DBUS_TYPE_UINT32, &code, DBUS_TYPE_INVALID);
        DBusMessageIter it, a, row;
        char *member = NULL;

        if (dbus_message_get_type(m) != DBUS_MESSAGE_TYPE_METHOD_RETURN ||
            !dbus_message_has_signature(m, "a(ssss)"))
                fail("%s ExplainRecord(0x%08x): %s", mux, (unsigned) code,
                     dbus_message_get_error_name(m) ? dbus_message_get_error_name(m) : "bad reply");
        (void) dbus_message_iter_init(m, &it);
        dbus_message_iter_recurse(&it, &a);
        for (; dbus_message_iter_get_arg_type(&a) == DBUS_TYPE_STRUCT; dbus_message_iter_next(&a)) {
                const char *name, *limiting;

                dbus_message_iter_recurse(&a, &row);
                dbus_message_iter_get_basic(&row, &name);
                if (!streq(name, field))
                        continue;
                dbus_message_iter_next(&row);
                dbus_message_iter_next(&row);
                dbus_message_iter_get_basic(&row, &limiting);
                member = strdup(limiting);
                assert(member);
        }
        dbus_message_unref(m);
        if (!member)
                fail("%s ExplainRecord(0x%08x) has no row %s", mux, (unsigned) code, field);
        return member;
}

/* SPEC 12 on a bond: with tso and tx-udp-segmentation off on every slave, the bond still
 * advertises tso (it computes its own; Debian 12's bond does drop USO), but its task-offload
 * current config is the AND of its slaves': no LSO, no USO, and Explain names the slave that
 * lacks them. The hardware record keeps both: the slaves can still turn them on. */
static void scenario_bond_task_offload(Test *t) {
        uint8_t bond_hw[216], bond_cur[216], slave_hw[216], slave_cur[216];
        char path[128], nic[128];
        _cleanup_free_ char *lso = NULL, *uso = NULL;

        step(t, "ip link add bond0 type bond mode active-backup",
             (const Emission[]) { { "bond0", REC_EMPTY, REC_EMPTY }, { NULL } });
        step(t, "ip link add uA type veth peer name uB && ip link add uC type veth peer name uD && "
                "udevadm settle", NONE);
        step(t, "ip link set uA master bond0",
             (const Emission[]) { { "bond0", REC_U, REC_U }, { NULL } });
        /* a second slave with the same records changes no record */
        step(t, "ip link set uC master bond0", NONE);
        expect_members(t, "bond0", "uA uC");

        /* segmentation is no TCP connection offload: the connection record does not move */
        step(t, "ethtool -K uA tso off tx-udp-segmentation off", NONE);
        step(t, "ethtool -K uC tso off tx-udp-segmentation off", NONE);
        util_run("ethtool -k bond0 | grep -qxE '[[:space:]]*tx-tcp-segmentation: on'");
        printf("ok: bond0 still advertises tx-tcp-segmentation\n");

        task_property(t, mux_path("bond0", path), BUS_IFACE_MUX, "TaskOffloadHardwareCapabilities",
                      bond_hw);
        task_property(t, mux_path("bond0", path), BUS_IFACE_MUX, "TaskOffloadCurrentConfig",
                      bond_cur);
        task_property(t, object_path(BUS_NIC_PREFIX, "uA", nic), BUS_IFACE_NIC,
                      "TaskOffloadHardwareCapabilities", slave_hw);
        task_property(t, object_path(BUS_NIC_PREFIX, "uA", nic), BUS_IFACE_NIC,
                      "TaskOffloadCurrentConfig", slave_cur);
        /* two identical slaves: the AND is either one's record, byte for byte */
        if (memcmp(bond_hw, slave_hw, 216) != 0 || memcmp(bond_cur, slave_cur, 216) != 0)
                fail("bond0's task-offload records are not its slaves'");
        if (le32_at(bond_cur, TASK_LSO_V2_IPV4_ENCAPSULATION) != 0 ||
            le32_at(bond_cur, TASK_UDP_SEGMENTATION_IPV4_ENCAPSULATION) != 0)
                fail("bond0's current config offers LSO or USO that no slave has on");
        if (le32_at(bond_hw, TASK_LSO_V2_IPV4_ENCAPSULATION) != 0x6 ||
            le32_at(bond_hw, TASK_UDP_SEGMENTATION_IPV4_ENCAPSULATION) != 0x6)
                fail("bond0's hardware record lost LSO or USO, which the slaves can turn on");
        printf("ok: bond0's task-offload current config has no LSO and no USO; hardware keeps both\n");

        lso = explain_member(t, "bond0", 0x40020006, "LsoV2.IPv4.Encapsulation");
        uso = explain_member(t, "bond0", 0x40020006, "UdpSegmentation.IPv4.Encapsulation");
        if (!streq(lso, "uA") || !streq(uso, "uA"))
                fail("Explain names '%s' and '%s' for LSO and USO, want the slave uA", lso, uso);
        printf("ok: Explain names uA as lacking LSO and USO\n");
}

static const struct {
        const char *name;
        void (*run)(Test *t);
        bool overrun;           /* muxcapd gets receive buffers small enough to overrun */
} scenarios[] = {
        { "bond-active-backup", scenario_bond_active_backup },
        { "bond-802.3ad", scenario_bond_8023ad },
        { "team", scenario_team },
        { "team-activebackup", scenario_team_activebackup },
        { "nesting", scenario_nesting },
        { "storm", scenario_storm, .overrun = true },
        { "bond-task-offload", scenario_bond_task_offload },
};

int main(int argc, char *argv[]) {
        Test t = { 0 };
        const char *muxcapd = getenv("MUXCAPD");
        char bus_arg[600];
        int status;

        if (argc != 2) {
                fprintf(stderr, "usage: test-vm SCENARIO (one of:");
                for (size_t i = 0; i < ELEMENTSOF(scenarios); i++)
                        fprintf(stderr, " %s", scenarios[i].name);
                fprintf(stderr, ")\n");
                return 2;
        }
        util_require_ns_run();
        setvbuf(stdout, NULL, _IOLBF, 0);
        assert(muxcapd);
        (void) snprintf(bus_arg, sizeof(bus_arg), "--bus=%s", getenv("MUXCAP_TEST_BUS"));
        for (size_t i = 0; i < ELEMENTSOF(scenarios); i++) {
                if (!streq(argv[1], scenarios[i].name))
                        continue;
                t.bus = util_bus_connect();
                util_add_status_match(t.bus);
                char *args[] = { (char *) muxcapd, bus_arg, "--config=/dev/null",
                                 "--udev-source=udev", "--log-level=debug", NULL, NULL, NULL };

                if (scenarios[i].overrun) {
                        args[5] = "--test-udev-rcvbuf=2048";
                        args[6] = "--test-rtnl-rcvbuf=2048";
                }
                t.daemon = util_spawn("muxcapd", args);
                assert(util_process_wait_ready(t.daemon, STEP_TIMEOUT_MS) == 0);
                assert(util_wait_name(t.bus, BUS_NAME, STEP_TIMEOUT_MS) == 0);

                scenarios[i].run(&t);

                assert(util_process_signal(t.daemon, SIGTERM) == 0);
                assert(util_process_wait(t.daemon, STEP_TIMEOUT_MS, &status) == 0);
                assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
                t.daemon = util_process_free(t.daemon);
                t.bus = util_bus_close(t.bus);
                printf("scenario %s passed\n", argv[1]);
                return 0;
        }
        fprintf(stderr, "test-vm: no scenario '%s'\n", argv[1]);
        return 2;
}
