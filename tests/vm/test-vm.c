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

#include "bus-path.h"
#include "field.h"
#include "record.h"
#include "schema-task.h"
#include "schemas.h"
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

/* One MUX's emission within a step: its next generation, with the records in the order
 * connection hardware, current config, then (when the test watches them) task-offload hardware,
 * current config, as hex; NULL for a record that must not be sent. */
typedef struct Emission {
        const char *mux;
        const char *hw;
        const char *cur;
        const char *task_hw;
        const char *task_cur;
} Emission;

/* The four records of a MUX: their status codes and properties, in emission order. */
#define MUX_RECORDS 4
static const uint32_t record_codes[MUX_RECORDS] = {
        STATUS_HARDWARE_CAPABILITIES, STATUS_OFFLOAD_RESUME,
        STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES, STATUS_TASK_OFFLOAD_CURRENT_CONFIG,
};
static const char *const record_properties[MUX_RECORDS] = {
        "HardwareCapabilities", "CurrentConfig",
        "TaskOffloadHardwareCapabilities", "TaskOffloadCurrentConfig",
};
#define MAX_HEX_SIZE (2 * TASK_RECORD_SIZE + 1)

static void emission_records(const Emission *e, const char *ret[static MUX_RECORDS]) {
        ret[0] = e->hw;
        ret[1] = e->cur;
        ret[2] = e->task_hw;
        ret[3] = e->task_cur;
}

#define NONE ((const Emission[]) { { NULL } })

/* What the test knows each MUX has published: generation 0 = no such MUX (yet). */
typedef struct Published {
        char name[32];
        uint64_t generation;
        char rec[MUX_RECORDS][MAX_HEX_SIZE];    /* the records' hex, "" when not known */
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
        char path[128], got[MAX_HEX_SIZE];
        uint8_t buf[TASK_RECORD_SIZE + 1];
        size_t n = 0;
        int r;

        r = util_get_property_bytes(t->bus, BUS_NAME, mux_path(mux, path), BUS_IFACE_MUX, prop,
                                    buf, sizeof(buf), &n);
        if (r < 0 || n != strlen(want) / 2)
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
                const char *codes_hex[MUX_RECORDS];
                size_t n_codes = 0, k, j = 0;

                if (!streq(s->path, mux_path(want[i].mux, path)))
                        continue;
                emission_records(&want[i], codes_hex);
                for (k = 0; k < MUX_RECORDS; k++)
                        n_codes += !!codes_hex[k];
                if (seen[i] == n_codes)
                        fail("%s: a second emission: 0x%08x gen %llu %s", want[i].mux,
                             (unsigned) s->status_code, (unsigned long long) s->generation, got);
                /* the next record sent, in the order of record_codes */
                for (k = 0; k < MUX_RECORDS; k++)
                        if (codes_hex[k] && j++ == seen[i])
                                break;
                if (s->status_code != record_codes[k] || s->generation != p->generation + 1 ||
                    !streq(got, codes_hex[k]))
                        fail("%s: got 0x%08x gen %llu %s\n"
                             "      want 0x%08x gen %llu %s", want[i].mux,
                             (unsigned) s->status_code, (unsigned long long) s->generation, got,
                             (unsigned) record_codes[k], (unsigned long long) p->generation + 1,
                             codes_hex[k]);
                printf("ok: %s 0x%08x gen %llu %s\n", want[i].mux, (unsigned) s->status_code,
                       (unsigned long long) s->generation, got);
                return ++seen[i] == n_codes;
        }
        fail("unexpected StatusIndication on %s: 0x%08x gen %llu %s", s->path,
             (unsigned) s->status_code, (unsigned long long) s->generation, got);
}

/* Asserts that exactly the emissions @want follow the command @cmd just run (one per MUX at
 * most, ended by { NULL }), then nothing for QUIET_MS, and that each MUX's properties show the
 * new state. */
static void expect_emissions(Test *t, const char *cmd, const Emission *want) {
        uint64_t deadline;
        size_t n = 0, complete = 0, seen[8] = { 0 };
        UtilStatus s;
        int r;

        while (want[n].mux)
                n++;
        assert(n <= ELEMENTSOF(seen));
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
                const char *hex[MUX_RECORDS];
                char path[128];
                uint64_t g = 0;

                p->generation++;
                emission_records(&want[i], hex);
                for (size_t k = 0; k < MUX_RECORDS; k++)
                        if (hex[k])
                                strcpy(p->rec[k], hex[k]);
                assert(p->rec[0][0] && p->rec[1][0]);   /* a new MUX's first emission has both */
                assert(util_get_property(t->bus, BUS_NAME, mux_path(want[i].mux, path),
                                         BUS_IFACE_MUX, "Generation", DBUS_TYPE_UINT64, &g) == 0);
                if (g != p->generation)
                        fail("%s Generation %llu, want %llu", want[i].mux, (unsigned long long) g,
                             (unsigned long long) p->generation);
                /* the records not sent are unchanged */
                for (size_t k = 0; k < MUX_RECORDS; k++)
                        if (p->rec[k][0])
                                expect_record_property(t, want[i].mux, record_properties[k],
                                                       p->rec[k]);
        }
}

/* Runs the shell command @cmd, then asserts that exactly the emissions @want follow. */
static void step(Test *t, const char *cmd, const Emission *want) {
        printf("step: %s\n", cmd);
        util_run("%s", cmd);
        expect_emissions(t, cmd, want);
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
        memset(p->rec, 0, sizeof(p->rec));
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
                strcpy(published(t, "storm0")->rec[0], REC_U);
                strcpy(published(t, "storm0")->rec[1], REC_U);
        }
        step(t, "ip link set wA master storm0",
             (const Emission[]) { { "storm0", REC_W, REC_W }, { NULL } });
}

/* Offsets in the task-offload record (proto/OFFLOAD.md) of the two offloads turned off. */
#define AT_LSO_V2_IPV4_ENCAPSULATION 80
#define AT_UDP_SEGMENTATION_IPV4_ENCAPSULATION 188
#define AT_RSC_IPV4 144         /* Rsc.IPv4.Enabled */

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
        if (le32_at(bond_cur, AT_LSO_V2_IPV4_ENCAPSULATION) != 0 ||
            le32_at(bond_cur, AT_UDP_SEGMENTATION_IPV4_ENCAPSULATION) != 0)
                fail("bond0's current config offers LSO or USO that no slave has on");
        if (le32_at(bond_hw, AT_LSO_V2_IPV4_ENCAPSULATION) != 0x6 ||
            le32_at(bond_hw, AT_UDP_SEGMENTATION_IPV4_ENCAPSULATION) != 0x6)
                fail("bond0's hardware record lost LSO or USO, which the slaves can turn on");
        printf("ok: bond0's task-offload current config has no LSO and no USO; hardware keeps both\n");

        lso = explain_member(t, "bond0", 0x40020006, "LsoV2.IPv4.Encapsulation");
        uso = explain_member(t, "bond0", 0x40020006, "UdpSegmentation.IPv4.Encapsulation");
        if (!streq(lso, "uA") || !streq(uso, "uA"))
                fail("Explain names '%s' and '%s' for LSO and USO, want the slave uA", lso, uso);
        printf("ok: Explain names uA as lacking LSO and USO\n");
}

/*
 * Real NIC drivers (vm-run.sh --nic): QEMU's emulated NICs with the drivers real hosts have.
 * The test reads each driver's features in the guest (`ethtool --json -k`, the CLI's names;
 * `ip -d -j link`, the size limits) and derives the records from them by proto/OFFLOAD.md on
 * its own: rows of (field, the features it needs all of and any of, what it takes). A MUX's
 * record is each row's, held when it holds for every member (AND), with the members' common
 * framing and smallest size limit; a field whose offload the aggregate lacks is 0, its sizes
 * and segment counts too. No member: all zero.
 */
typedef enum Feat {
        F_RXCSUM, F_CSUM4, F_CSUM6, F_HWCSUM, F_TSO, F_TSO6, F_USO, F_GRE, F_GRE_CSUM, F_UDP_TNL,
        F_UDP_TNL_CSUM, F_TNL_PORTS, F_ESP, F_ESP_GSO, F_GRO_HW, F_LRO, F_TXVLAN, F_RXVLAN,
        _F_MAX,
} Feat;

/* ethtool's CLI names (its JSON keys), which are not all the kernel's */
static const char *const feat_names[_F_MAX] = {
        [F_RXCSUM] = "rx-checksumming",
        [F_CSUM4] = "tx-checksum-ipv4",
        [F_CSUM6] = "tx-checksum-ipv6",
        [F_HWCSUM] = "tx-checksum-ip-generic",
        [F_TSO] = "tx-tcp-segmentation",
        [F_TSO6] = "tx-tcp6-segmentation",
        [F_USO] = "tx-udp-segmentation",
        [F_GRE] = "tx-gre-segmentation",
        [F_GRE_CSUM] = "tx-gre-csum-segmentation",
        [F_UDP_TNL] = "tx-udp_tnl-segmentation",
        [F_UDP_TNL_CSUM] = "tx-udp_tnl-csum-segmentation",
        [F_TNL_PORTS] = "rx-udp_tunnel-port-offload",
        [F_ESP] = "esp-hw-offload",
        [F_ESP_GSO] = "tx-esp-segmentation",
        [F_GRO_HW] = "rx-gro-hw",
        [F_LRO] = "large-receive-offload",
        [F_TXVLAN] = "tx-vlan-offload",
        [F_RXVLAN] = "rx-vlan-offload",
};

#define B(f) (UINT32_C(1) << (f))

typedef enum Takes { ONE, VALUE, FRAMING, SIZE } Takes;

typedef struct Derivation {
        unsigned field;
        uint32_t all, any;      /* B() masks */
        Takes takes;
        uint32_t value;         /* VALUE */
} Derivation;

#define CSUM4 (B(F_CSUM4) | B(F_HWCSUM))
#define CSUM6 (B(F_CSUM6) | B(F_HWCSUM))
#define TUNNEL_MASKS(f, feat)                                                            \
        { f, B(feat), 0, VALUE, TUNNEL_OUTER_IPV4 | TUNNEL_OUTER_IPV6 },                 \
        { f, B(feat) | B(F_TSO), 0, VALUE, TUNNEL_INNER_IPV4 },                          \
        { f, B(feat) | B(F_TSO6), 0, VALUE, TUNNEL_INNER_IPV6 }

/* proto/OFFLOAD.md, "From Linux": every field that is not 0 from the kernel */
static const Derivation derivations[] = {
        { TASK_CHECKSUM_IPV4_TRANSMIT_ENCAPSULATION, 0, CSUM4, FRAMING },
        { TASK_CHECKSUM_IPV4_TRANSMIT_IP_OPTIONS_SUPPORTED, 0, CSUM4, ONE },
        { TASK_CHECKSUM_IPV4_TRANSMIT_TCP_OPTIONS_SUPPORTED, 0, CSUM4, ONE },
        { TASK_CHECKSUM_IPV4_TRANSMIT_TCP_CHECKSUM, 0, CSUM4, ONE },
        { TASK_CHECKSUM_IPV4_TRANSMIT_UDP_CHECKSUM, 0, CSUM4, ONE },
        { TASK_CHECKSUM_IPV4_RECEIVE_ENCAPSULATION, B(F_RXCSUM), 0, FRAMING },
        { TASK_CHECKSUM_IPV4_RECEIVE_IP_OPTIONS_SUPPORTED, B(F_RXCSUM), 0, ONE },
        { TASK_CHECKSUM_IPV4_RECEIVE_TCP_OPTIONS_SUPPORTED, B(F_RXCSUM), 0, ONE },
        { TASK_CHECKSUM_IPV4_RECEIVE_TCP_CHECKSUM, B(F_RXCSUM), 0, ONE },
        { TASK_CHECKSUM_IPV4_RECEIVE_UDP_CHECKSUM, B(F_RXCSUM), 0, ONE },
        { TASK_CHECKSUM_IPV6_TRANSMIT_ENCAPSULATION, 0, CSUM6, FRAMING },
        { TASK_CHECKSUM_IPV6_TRANSMIT_IP_EXTENSION_HEADERS_SUPPORTED, B(F_HWCSUM), 0, ONE },
        { TASK_CHECKSUM_IPV6_TRANSMIT_TCP_OPTIONS_SUPPORTED, 0, CSUM6, ONE },
        { TASK_CHECKSUM_IPV6_TRANSMIT_TCP_CHECKSUM, 0, CSUM6, ONE },
        { TASK_CHECKSUM_IPV6_TRANSMIT_UDP_CHECKSUM, 0, CSUM6, ONE },
        { TASK_CHECKSUM_IPV6_RECEIVE_ENCAPSULATION, B(F_RXCSUM), 0, FRAMING },
        { TASK_CHECKSUM_IPV6_RECEIVE_IP_EXTENSION_HEADERS_SUPPORTED, B(F_RXCSUM), 0, ONE },
        { TASK_CHECKSUM_IPV6_RECEIVE_TCP_OPTIONS_SUPPORTED, B(F_RXCSUM), 0, ONE },
        { TASK_CHECKSUM_IPV6_RECEIVE_TCP_CHECKSUM, B(F_RXCSUM), 0, ONE },
        { TASK_CHECKSUM_IPV6_RECEIVE_UDP_CHECKSUM, B(F_RXCSUM), 0, ONE },
        { TASK_LSO_V1_IPV4_ENCAPSULATION, B(F_TSO), 0, FRAMING },
        { TASK_LSO_V1_IPV4_MAX_OFFLOAD_SIZE, B(F_TSO), 0, SIZE },
        { TASK_LSO_V1_IPV4_MIN_SEGMENT_COUNT, B(F_TSO), 0, VALUE, 2 },
        { TASK_LSO_V1_IPV4_TCP_OPTIONS, B(F_TSO), 0, ONE },
        { TASK_LSO_V1_IPV4_IP_OPTIONS, B(F_TSO), 0, ONE },
        { TASK_LSO_V2_IPV4_ENCAPSULATION, B(F_TSO), 0, FRAMING },
        { TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE, B(F_TSO), 0, SIZE },
        { TASK_LSO_V2_IPV4_MIN_SEGMENT_COUNT, B(F_TSO), 0, VALUE, 2 },
        { TASK_LSO_V2_IPV6_ENCAPSULATION, B(F_TSO6), 0, FRAMING },
        { TASK_LSO_V2_IPV6_MAX_OFFLOAD_SIZE, B(F_TSO6), 0, SIZE },
        { TASK_LSO_V2_IPV6_MIN_SEGMENT_COUNT, B(F_TSO6), 0, VALUE, 2 },
        { TASK_LSO_V2_IPV6_IP_EXTENSION_HEADERS_SUPPORTED, B(F_TSO6) | B(F_HWCSUM), 0, ONE },
        { TASK_LSO_V2_IPV6_TCP_OPTIONS_SUPPORTED, B(F_TSO6), 0, ONE },
        { TASK_IPSEC_V2_ENCAPSULATION, B(F_ESP), 0, FRAMING },
        { TASK_IPSEC_V2_ESP, B(F_ESP), 0, ONE },
        { TASK_IPSEC_V2_LSO_SUPPORTED, B(F_ESP) | B(F_ESP_GSO), 0, ONE },
        { TASK_RSC_IPV4_ENABLED, 0, B(F_GRO_HW) | B(F_LRO), ONE },
        { TASK_RSC_IPV6_ENABLED, 0, B(F_GRO_HW) | B(F_LRO), ONE },
        TUNNEL_MASKS(TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_LSO_V2_SUPPORTED, F_GRE),
        TUNNEL_MASKS(TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_TRANSMIT_CHECKSUM_OFFLOAD_SUPPORTED,
                     F_GRE_CSUM),
        TUNNEL_MASKS(TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_LSO_V2_SUPPORTED, F_UDP_TNL),
        TUNNEL_MASKS(TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_TRANSMIT_CHECKSUM_OFFLOAD_SUPPORTED,
                     F_UDP_TNL_CSUM),
        { TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_RECEIVE_CHECKSUM_OFFLOAD_SUPPORTED,
          B(F_TNL_PORTS), 0, VALUE, 0xf },
        { TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_RSS_SUPPORTED, B(F_TNL_PORTS), 0, VALUE, 0xf },
        { TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_VXLAN_UDP_PORT_NUMBER, 0,
          B(F_UDP_TNL) | B(F_UDP_TNL_CSUM) | B(F_TNL_PORTS), VALUE, VXLAN_UDP_PORT_IANA },
        { TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_VXLAN_UDP_PORT_NUMBER_CONFIGURABLE,
          B(F_TNL_PORTS), 0, ONE },
        { TASK_ENCAPSULATION_TYPES, 0, B(F_GRE) | B(F_GRE_CSUM), VALUE, ENCAPSULATION_TYPE_GRE_MAC },
        { TASK_ENCAPSULATION_TYPES, 0, B(F_UDP_TNL) | B(F_UDP_TNL_CSUM) | B(F_TNL_PORTS), VALUE,
          ENCAPSULATION_TYPE_VXLAN },
        { TASK_UDP_SEGMENTATION_IPV4_ENCAPSULATION, B(F_USO), 0, FRAMING },
        { TASK_UDP_SEGMENTATION_IPV4_MAX_OFFLOAD_SIZE, B(F_USO), 0, SIZE },
        { TASK_UDP_SEGMENTATION_IPV4_MIN_SEGMENT_COUNT, B(F_USO), 0, VALUE, 2 },
        { TASK_UDP_SEGMENTATION_IPV4_SUB_MSS_FINAL_SEGMENT_SUPPORTED, B(F_USO), 0, ONE },
        { TASK_UDP_SEGMENTATION_IPV6_ENCAPSULATION, B(F_USO), 0, FRAMING },
        { TASK_UDP_SEGMENTATION_IPV6_MAX_OFFLOAD_SIZE, B(F_USO), 0, SIZE },
        { TASK_UDP_SEGMENTATION_IPV6_MIN_SEGMENT_COUNT, B(F_USO), 0, VALUE, 2 },
        { TASK_UDP_SEGMENTATION_IPV6_SUB_MSS_FINAL_SEGMENT_SUPPORTED, B(F_USO), 0, ONE },
        { TASK_UDP_SEGMENTATION_IPV6_IP_EXTENSION_HEADERS_SUPPORTED, B(F_USO) | B(F_HWCSUM), 0, ONE },
};

/* One real NIC as the guest shows it. */
typedef struct RealNic {
        char name[16];
        char driver[32];
        uint32_t can, on;       /* B() masks: can have on (on, or not fixed), on now */
        bool ether;
        uint32_t tso_max_size, gso_max_size;    /* 0: ip does not say */
} RealNic;

/* A MUX of the scenario and its members, by name. */
typedef struct RealMux {
        const char *name;
        bool bridge;            /* its ports cannot have LRO (the kernel refuses it) */
        const char *members[8];
        size_t n_members;
} RealMux;

/* The number after "@key": in the one-line JSON @json, 0 when there is none. */
static uint32_t json_number(const char *json, const char *key) {
        const char *p = strstr(json, key);

        return p ? (uint32_t) strtoul(p + strlen(key), NULL, 10) : 0;
}

/* Runs @cmd (NULL: none), then reads what the NICs @v[0..@n) have now: `ethtool --json -k`
 * (an object per feature, "active" then "fixed", on lines of their own) and `ip -d -j link`
 * (one line), all in one shell (each exec costs under TCG). */
static void read_nics(RealNic *v, size_t n, const char *cmd) {
        char script[1024], feature[64] = "";
        _cleanup_free_ char *out = NULL;
        RealNic *nic = NULL;
        bool active = false;
        char *save = NULL;

        snprintf(script, sizeof(script), "%s%sfor n in", cmd ? cmd : "", cmd ? " && " : "");
        for (size_t i = 0; i < n; i++) {
                v[i].can = v[i].on = 0;
                v[i].ether = false;
                v[i].tso_max_size = v[i].gso_max_size = 0;
                strcat(strcat(script, " "), v[i].name);
        }
        strcat(script, "; do ethtool --json -k $n && ip -d -j link show dev $n; done");
        out = util_run_output("%s", script);
        for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char name[16];

                if (sscanf(line, " \"ifname\": \"%15[^\"]\"", name) == 1 ||
                    sscanf(line, "[{\"ifindex\":%*d,\"ifname\":\"%15[^\"]\"", name) == 1) {
                        nic = NULL;
                        for (size_t i = 0; i < n; i++)
                                if (streq(v[i].name, name))
                                        nic = &v[i];
                        if (!nic)
                                fail("read '%s', which is none of the NICs asked for", name);
                }
                if (!nic)       /* ethtool's "[ {" before its "ifname" */
                        continue;
                if (strncmp(line, "[{", 2) == 0) {     /* ip's line (ethtool's starts "[ {") */
                        nic->ether = strstr(line, "\"link_type\":\"ether\"");
                        nic->tso_max_size = json_number(line, "\"tso_max_size\":");
                        nic->gso_max_size = json_number(line, "\"gso_max_size\":");
                } else if (strstr(line, "\": {"))
                        (void) sscanf(line, " \"%63[^\"]\"", feature);
                else if (strstr(line, "\"active\": "))
                        active = strstr(line, "true");
                else if (strstr(line, "\"fixed\": "))
                        for (Feat f = 0; f < _F_MAX; f++) {
                                if (!streq(feature, feat_names[f]))
                                        continue;
                                if (active)
                                        nic->on |= B(f);
                                if (active || strstr(line, "false"))
                                        nic->can |= B(f);
                        }
        }
}

static RealNic *real_nic(RealNic *nics, size_t n, const char *name) {
        for (size_t i = 0; i < n; i++)
                if (streq(nics[i].name, name))
                        return &nics[i];
        return NULL;
}

/* The four records of @x over its members' features, as hex into @ret. */
static void real_records(const RealMux *x, RealNic *nics, size_t n_nics,
                         char ret[static MUX_RECORDS][MAX_HEX_SIZE]) {
        for (size_t k = 0; k < MUX_RECORDS; k++) {
                const RecordSchema *s = k < 2 ? &schema_tcp_connection_offload : &schema_task_offload;
                uint32_t framing = UINT32_MAX, size = UINT32_MAX;
                uint8_t buf[TASK_RECORD_SIZE];
                RecordValue v;

                value_init(&v, s);
                for (size_t i = 0; i < x->n_members; i++) {
                        const RealNic *m = real_nic(nics, n_nics, x->members[i]);
                        uint32_t f = k % 2 == 0 ? m->can : m->on;
                        uint32_t hw = m->tso_max_size ? m->tso_max_size : m->gso_max_size;
                        uint32_t cur = m->gso_max_size ? m->gso_max_size : m->tso_max_size;

                        framing &= !m->ether ? 0 : (f & B(F_TXVLAN)) && (f & B(F_RXVLAN))
                                                     ? ENCAP_IEEE_802_3 | ENCAP_IEEE_802_3_P_AND_Q
                                                     : ENCAP_IEEE_802_3;
                        hw = hw ? hw : 65536;
                        cur = cur ? cur : 65536;
                        size = k % 2 == 0 ? (hw < size ? hw : size) : (cur < size ? cur : size);
                }
                if (x->n_members == 0)
                        framing = size = 0;
                if (k < 2)
                        assert(value_set(&v, FIELD_ENCAPSULATION, framing) == 0);
                for (size_t d = 0; k >= 2 && x->n_members > 0 && d < ELEMENTSOF(derivations); d++) {
                        const Derivation *r = &derivations[d];
                        bool holds = true;

                        for (size_t i = 0; i < x->n_members; i++) {
                                const RealNic *m = real_nic(nics, n_nics, x->members[i]);
                                uint32_t f = k % 2 == 0 ? m->can : m->on;

                                if (k == 2 && x->bridge)
                                        f &= ~B(F_LRO);
                                holds = holds && (f & r->all) == r->all && (!r->any || (f & r->any));
                        }
                        if (holds)
                                v.v[r->field] |= r->takes == ONE ? 1 : r->takes == VALUE ? r->value :
                                                 r->takes == FRAMING ? framing : size;
                }
                assert(schema_encode(&v, buf, sizeof(buf), NULL) >= 0);
                hex_encode(buf, s->size, ret[k]);
        }
}

/* Runs @cmd, reads the features of @touched (a NIC it may change, NULL: none) again, and asserts
 * that each of @muxes (ended by { NULL }) whose records moved emits exactly the moved ones, and
 * that no other MUX emits. */
static void real_step(Test *t, const char *cmd, const char *touched, const RealMux *muxes,
                      RealNic *nics, size_t n_nics) {
        static char recs[8][MUX_RECORDS][MAX_HEX_SIZE];
        Emission want[8 + 1] = { { NULL } };
        size_t n = 0;

        printf("step: %s\n", cmd);
        if (touched)
                read_nics(real_nic(nics, n_nics, touched), 1, cmd);
        else
                util_run("%s", cmd);
        for (size_t i = 0; muxes[i].name; i++) {
                Published *p = published(t, muxes[i].name);
                const char **hex[MUX_RECORDS] = { &want[n].hw, &want[n].cur, &want[n].task_hw,
                                                  &want[n].task_cur };
                bool moved = false;

                assert(i < ELEMENTSOF(recs));
                real_records(&muxes[i], nics, n_nics, recs[i]);
                for (size_t k = 0; k < MUX_RECORDS; k++)
                        if (p->generation == 0 || !streq(p->rec[k], recs[i][k])) {
                                *hex[k] = recs[i][k];
                                moved = true;
                        }
                if (moved)
                        want[n++].mux = muxes[i].name;
        }
        expect_emissions(t, cmd, want);
}

/* Byte @offset of the task-offload record @prop of object @path. */
static uint8_t task_byte(Test *t, const char *path, const char *iface, const char *prop,
                         size_t offset) {
        uint8_t buf[216];

        task_property(t, path, iface, prop, buf);
        return buf[offset];
}

/* Whether the VM has NIC @name; says so when it has not (its QEMU lacks the device). */
static bool real_has(RealNic *nics, size_t n, const char *name) {
        if (real_nic(nics, n, name))
                return true;
        printf("skipped: no NIC %s (vm-run.sh said why), nor the steps that need it\n", name);
        return false;
}

static int strcmp_ptr(const void *a, const void *b) {
        return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Asserts @x's Members: the names the test gave it, sorted. */
static void expect_real_members(Test *t, const RealMux *x) {
        const char *v[ELEMENTSOF(x->members)];
        char want[256] = "";

        memcpy(v, x->members, x->n_members * sizeof(v[0]));
        qsort(v, x->n_members, sizeof(v[0]), strcmp_ptr);
        for (size_t i = 0; i < x->n_members; i++)
                strcat(strcat(want, i ? " " : ""), v[i]);
        expect_members(t, x->name, want);
}

static void add_member(RealMux *x, const char *nic) {
        assert(x->n_members < ELEMENTSOF(x->members));
        x->members[x->n_members++] = nic;
}

static void remove_member(RealMux *x, const char *nic) {
        for (size_t i = 0; i < x->n_members; i++)
                if (streq(x->members[i], nic)) {
                        memmove(&x->members[i], &x->members[i + 1],
                                (x->n_members - i - 1) * sizeof(x->members[0]));
                        x->n_members--;
                        return;
                }
        assert(false);
}

/* The NICs vm-run.sh gave the VM (meson.build names them); one this QEMU lacks is left out,
 * and the steps that need it with it. */
static void scenario_real_nics(Test *t) {
        const char *netns = getenv("MUXCAP_VM_NETNS"), *names = getenv("MUXCAP_VM_NICS");
        RealNic nics[16] = { 0 };
        RealMux muxes[3] = { { "bond0" }, { "br0", .bridge = true }, { NULL } };
        RealMux *bond = &muxes[0], *br = &muxes[1];
        static const char *const joining[] = {
                "ne1000e", "nvirtio", "nvmxnet3", "ne1000", "n8139cp",
        };
        char cmd[1024] = "";
        size_t n = 0;

        if (!netns || !names)
                fail("no real NICs: run me under vm-run.sh --nic");
        util_watch_task_records(true);

        /* Into the test's network namespace, where its udevd and muxcapd see them arrive. */
        strcpy(cmd, "for n in");
        for (const char *p = names; *p; p += strspn(p, " ")) {
                size_t len = strcspn(p, " ");

                assert(n < ELEMENTSOF(nics) && len < sizeof(nics[0].name));
                memcpy(nics[n].name, p, len);
                strcat(strcat(cmd, " "), nics[n].name);
                p += len;
                n++;
        }
        strcat(cmd, "; do echo \"link set $n netns $$\"; done | "
                    "nsenter --net=\"$MUXCAP_VM_NETNS\" ip -batch - && udevadm settle");
        step(t, cmd, NONE);
        read_nics(nics, n, NULL);
        for (size_t i = 0; i < n; i++) {
                char link[128], target[256] = "";

                snprintf(link, sizeof(link), "/sys/class/net/%.15s/device/driver", nics[i].name);
                if (readlink(link, target, sizeof(target) - 1) < 0)
                        fail("%s: %s", link, strerror(errno));
                snprintf(nics[i].driver, sizeof(nics[i].driver), "%s", strrchr(target, '/') + 1);
                printf("nic %s: driver %s, tso_max_size %u, gso_max_size %u; can have on:",
                       nics[i].name, nics[i].driver, nics[i].tso_max_size, nics[i].gso_max_size);
                for (Feat f = 0; f < _F_MAX; f++)
                        if (nics[i].can & B(f))
                                printf(" %s%s", feat_names[f], nics[i].on & B(f) ? "" : " (off)");
                printf("\n");
        }
#define HAS(name) real_has(nics, n, name)

        /* A bond joined one driver at a time, and an empty bridge. */
        real_step(t, "ip link add bond0 type bond mode active-backup && ip link add br0 type bridge",
                  NULL, muxes, nics, n);
        for (size_t i = 0; i < ELEMENTSOF(joining); i++) {
                const char *nic = joining[i];

                if (!HAS(nic))
                        continue;
                snprintf(cmd, sizeof(cmd), "ip link set %s master bond0", nic);
                add_member(bond, nic);
                real_step(t, cmd, nic, muxes, nics, n);
        }
        expect_real_members(t, bond);

        /* A NIC without TSO (virtio_net on a hub port) joins and leaves. */
        if (HAS("nvirtiohub")) {
                add_member(bond, "nvirtiohub");
                real_step(t, "ip link set nvirtiohub master bond0", "nvirtiohub", muxes, nics, n);
                remove_member(bond, "nvirtiohub");
                real_step(t, "ip link set nvirtiohub nomaster", "nvirtiohub", muxes, nics, n);
        }
        /* TSO off on one real driver: the current config only; and on again. */
        if (HAS("ne1000e")) {
                real_step(t, "ethtool -K ne1000e tso off", "ne1000e", muxes, nics, n);
                real_step(t, "ethtool -K ne1000e tso on", "ne1000e", muxes, nics, n);
        }

        /* A bridge over two real NICs: vmxnet3's LRO is no coalescing the bridge can have. Its
         * LRO goes off first: joining turns it off too, but only after the kernel reported the
         * new port (br_add_if()), and muxcapd rightly publishes what it saw in between. */
        if (HAS("nvmxnet3") && HAS("nvirtio")) {
                RealNic *vmx = real_nic(nics, n, "nvmxnet3");
                char path[128];

                remove_member(bond, "nvmxnet3");
                real_step(t, "ip link set nvmxnet3 nomaster && "
                             "{ ethtool -K nvmxnet3 lro off 2>/dev/null || true; }",
                          "nvmxnet3", muxes, nics, n);
                add_member(br, "nvmxnet3");
                real_step(t, "ip link set nvmxnet3 master br0", "nvmxnet3", muxes, nics, n);
                if (vmx->can & B(F_LRO)) {
                        /* the kernel's rule that daemon/mux.c's member_forbidden states */
                        if (util_run_status("ethtool -K nvmxnet3 lro on 2>/dev/null") == 0 ||
                            (read_nics(vmx, 1, NULL), vmx->on & B(F_LRO)))
                                fail("the kernel let a bridge port turn LRO on");
                        if (!(vmx->can & B(F_GRO_HW)) &&
                            task_byte(t, mux_path("br0", path), BUS_IFACE_MUX,
                                      "TaskOffloadHardwareCapabilities", AT_RSC_IPV4) != 0)
                                fail("br0 over vmxnet3 (LRO listed): its hardware record has Rsc");
                        printf("ok: br0 over vmxnet3: LRO refused on the port, no Rsc from it\n");
                } else
                        printf("vmxnet3 lists no LRO on this kernel: nothing for br0 to forbid\n");
                remove_member(bond, "nvirtio");
                real_step(t, "ip link set nvirtio nomaster", "nvirtio", muxes, nics, n);
                add_member(br, "nvirtio");
                real_step(t, "ip link set nvirtio master br0", "nvirtio", muxes, nics, n);
                expect_real_members(t, br);
        }
        /* The last driver, with no offload at all. */
        if (HAS("nne2k")) {
                add_member(bond, "nne2k");
                real_step(t, "ip link set nne2k master bond0", "nne2k", muxes, nics, n);
                expect_real_members(t, bond);
        }

        /* virtio_net on a hub port lists rx-gro-hw as changeable (6.1) and refuses it: muxcap
         * takes the list at its word, Rsc 1 in the hardware record (proto/OFFLOAD.md, "Known
         * limit"), whatever the driver does on this kernel. */
        if (HAS("nvirtiohub")) {
                RealNic *v = real_nic(nics, n, "nvirtiohub");
                bool listed, refused = false;
                char path[128];

                read_nics(v, 1, NULL);
                listed = v->can & B(F_GRO_HW) && !(v->on & B(F_GRO_HW));
                if (listed)
                        refused = util_run_status("ethtool -K nvirtiohub rx-gro-hw on "
                                                  "2>/dev/null") != 0 &&
                                  (read_nics(v, 1, NULL), !(v->on & B(F_GRO_HW)));
                object_path(BUS_NIC_PREFIX, "nvirtiohub", path);
                if (task_byte(t, path, BUS_IFACE_NIC, "TaskOffloadHardwareCapabilities",
                              AT_RSC_IPV4) != !!(v->can & (B(F_GRO_HW) | B(F_LRO))))
                        fail("nvirtiohub: the hardware record's Rsc is not what it lists");
                if (refused && task_byte(t, path, BUS_IFACE_NIC, "TaskOffloadCurrentConfig",
                                         AT_RSC_IPV4) != 0)
                        fail("nvirtiohub: Rsc in the current config, with rx-gro-hw off");
                printf("ok: virtio_net on a hub port %s; hardware Rsc %d\n",
                       !listed ? "lists no rx-gro-hw to turn on" :
                       refused ? "lists rx-gro-hw and refuses it" : "lists rx-gro-hw and takes it",
                       !!(v->can & (B(F_GRO_HW) | B(F_LRO))));
        }
#undef HAS
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
        { "real-nics", scenario_real_nics },
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
