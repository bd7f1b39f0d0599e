/* SPDX-License-Identifier: MIT */
/* Faults around muxcapd: its bus daemon dying or freezing (it must exit non-zero at once, so
 * systemd restarts it, and come back with the same state), SIGKILL in the middle of a burst
 * of NIC additions, and NICs that vanish between their event and the feature read. The test
 * runs its own dbus-daemon so it can kill and restart it. */
#undef NDEBUG
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "bus-path.h"

#define EXIT_PROMPT_MS 3000     /* how soon muxcapd must notice its bus is gone */
#define CONVERGE_MS 15000

#define FAIL(...)                                                       \
        do {                                                            \
                fprintf(stderr, "FAIL: " __VA_ARGS__);                  \
                fputc('\n', stderr);                                    \
                exit(1);                                                \
        } while (0)

static char bus_address[300];
static char bus_socket[256];
static unsigned bus_starts, daemon_starts;

/* Our own dbus-daemon, on a socket of ours: ns-run.sh's is left alone. */
static UtilProcess *bus_start(void) {
        char conf[256], conf_arg[300], name[32];
        uint64_t deadline = util_now_ms() + 10000;
        UtilProcess *p;
        FILE *f;

        snprintf(conf, sizeof(conf), "%s/faults-bus.conf", getenv("MUXCAP_TEST_DIR"));
        f = fopen(conf, "we");
        assert(f);
        fprintf(f, "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
                   " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                   "<busconfig>\n  <listen>%s</listen>\n  <auth>EXTERNAL</auth>\n"
                   "  <policy context=\"default\">\n    <allow user=\"*\"/>\n    <allow own=\"*\"/>\n"
                   "    <allow send_destination=\"*\"/>\n    <allow receive_sender=\"*\"/>\n"
                   "  </policy>\n</busconfig>\n", bus_address);
        assert(fclose(f) == 0);
        snprintf(conf_arg, sizeof(conf_arg), "--config-file=%s", conf);
        snprintf(name, sizeof(name), "faults-dbus-%u", ++bus_starts);
        (void) unlink(bus_socket);
        p = util_spawn(name, (char *const[]) { "dbus-daemon", "--nofork", "--nosyslog", conf_arg, NULL });

        /* Listening once a client can register. */
        for (;;) {
                DBusError error = DBUS_ERROR_INIT;
                DBusConnection *c = dbus_connection_open_private(bus_address, &error);

                if (c && dbus_bus_register(c, &error)) {
                        dbus_connection_close(c);
                        dbus_connection_unref(c);
                        return p;
                }
                if (c) {
                        dbus_connection_close(c);
                        dbus_connection_unref(c);
                }
                dbus_error_free(&error);
                if (util_now_ms() > deadline || util_process_wait(p, 0, NULL) == 0)
                        FAIL("dbus-daemon %u does not listen on %s", bus_starts, bus_address);
                (void) poll(NULL, 0, 20);
        }
}

static UtilProcess *daemon_start(void) {
        char bus_arg[400], name[32];
        UtilProcess *d;

        snprintf(bus_arg, sizeof(bus_arg), "--bus=%s", bus_address);
        snprintf(name, sizeof(name), "muxcapd-%u", ++daemon_starts);
        d = util_spawn(name, (char *const[]) { getenv("MUXCAPD"), bus_arg, "--config=/dev/null",
                                              "--udev-source=udev", NULL });
        if (util_process_wait_ready(d, 10000) < 0) {
                util_process_dump_log(d);
                FAIL("%s: no READY=1", name);
        }
        return d;
}

/* Waits for muxcapd to exit after losing its bus: non-zero, within EXIT_PROMPT_MS. */
static void expect_exit_failure(UtilProcess *d, const char *why) {
        uint64_t start = util_now_ms();
        int status;

        if (util_process_wait(d, EXIT_PROMPT_MS, &status) < 0) {
                util_process_dump_log(d);
                FAIL("%s: muxcapd still runs %d ms later", why, EXIT_PROMPT_MS);
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) == 0) {
                util_process_dump_log(d);
                FAIL("%s: muxcapd ended with wait status 0x%x, want a non-zero exit", why, status);
        }
        printf("ok: %s: muxcapd exited %d after %llu ms\n", why, WEXITSTATUS(status),
               (unsigned long long) (util_now_ms() - start));
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Appends the sorted @v (@n entries, freed) to @f as " a b c". */
static void put_sorted(FILE *f, char **v, size_t n) {
        qsort(v, n, sizeof(char *), cmp_str);
        for (size_t i = 0; i < n; i++) {
                fprintf(f, " %s", v[i]);
                free(v[i]);
        }
}

static size_t list_dir(const char *path, char **v, size_t max) {
        DIR *d = opendir(path);
        struct dirent *e;
        size_t n = 0;

        if (!d)
                return 0;
        while ((e = readdir(d)) && n < max)
                if (e->d_name[0] != '.')
                        v[n++] = strdup(e->d_name);
        closedir(d);
        return n;
}

#define MAX_NAMES 1024

/* The kernel's state: "nics: a b | mux br0: x y | ...", every list sorted. */
static char *kernel_state(void) {
        char *nics[MAX_NAMES], *bridges[MAX_NAMES], *out = NULL;
        size_t n_nics, n_bridges = 0, size = 0;
        FILE *f = open_memstream(&out, &size);

        assert(f);
        n_nics = list_dir("/sys/class/net", nics, MAX_NAMES);
        qsort(nics, n_nics, sizeof(char *), cmp_str);
        for (size_t i = 0; i < n_nics; i++) {
                char p[300];
                struct stat st;

                snprintf(p, sizeof(p), "/sys/class/net/%s/bridge", nics[i]);
                if (stat(p, &st) == 0)
                        bridges[n_bridges++] = strdup(nics[i]);
        }
        fputs("nics:", f);
        put_sorted(f, nics, n_nics);
        for (size_t i = 0; i < n_bridges; i++) {
                char p[300], *members[MAX_NAMES];

                snprintf(p, sizeof(p), "/sys/class/net/%s/brif", bridges[i]);
                fprintf(f, " | mux %s:", bridges[i]);
                put_sorted(f, members, list_dir(p, members, MAX_NAMES));
                free(bridges[i]);
        }
        assert(fclose(f) == 0);
        return out;
}

/* The published state, in kernel_state()'s format, from one GetManagedObjects. */
static char *published_state(DBusConnection *c) {
        char *nics[MAX_NAMES], *muxes[MAX_NAMES], *out = NULL;
        size_t n_nics = 0, n_muxes = 0, size = 0;
        DBusMessageIter it, objs;
        DBusMessage *m;
        FILE *f;

        m = util_call(c, BUS_NAME, BUS_ROOT_PATH, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects",
                      DBUS_TYPE_INVALID);
        if (dbus_message_get_type(m) != DBUS_MESSAGE_TYPE_METHOD_RETURN) {
                out = strdup(dbus_message_get_error_name(m));
                dbus_message_unref(m);
                return out;
        }
        assert(dbus_message_iter_init(m, &it));
        dbus_message_iter_recurse(&it, &objs);
        for (; dbus_message_iter_get_arg_type(&objs) == DBUS_TYPE_DICT_ENTRY; dbus_message_iter_next(&objs)) {
                DBusMessageIter props, v;
                const char *path, *prop, *name = NULL;
                char *members[MAX_NAMES];
                size_t n_members = 0;
                bool is_mux;

                util_managed_object(&objs, &path, &props);
                is_mux = strncmp(path, BUS_ROOT_PATH "/mux/", strlen(BUS_ROOT_PATH "/mux/")) == 0;
                while (util_next_property(&props, &prop, &v)) {
                        DBusMessageIter a;

                        if (streq(prop, "Name"))
                                dbus_message_iter_get_basic(&v, &name);
                        else if (streq(prop, "Members"))
                                for (dbus_message_iter_recurse(&v, &a);
                                     dbus_message_iter_get_arg_type(&a) == DBUS_TYPE_STRING &&
                                     n_members < MAX_NAMES; dbus_message_iter_next(&a)) {
                                        const char *s;
                                        dbus_message_iter_get_basic(&a, &s);
                                        members[n_members++] = strdup(s);
                                }
                }
                assert(name);
                if (is_mux) {
                        char *entry = NULL;
                        size_t esize = 0;
                        FILE *ef = open_memstream(&entry, &esize);

                        assert(ef);
                        fprintf(ef, "%s:", name);
                        put_sorted(ef, members, n_members);
                        assert(fclose(ef) == 0);
                        muxes[n_muxes++] = entry;
                } else
                        nics[n_nics++] = strdup(name);
        }
        dbus_message_unref(m);
        f = open_memstream(&out, &size);
        assert(f);
        fputs("nics:", f);
        put_sorted(f, nics, n_nics);
        qsort(muxes, n_muxes, sizeof(char *), cmp_str);
        for (size_t i = 0; i < n_muxes; i++) {
                fprintf(f, " | mux %s", muxes[i]);
                free(muxes[i]);
        }
        assert(fclose(f) == 0);
        return out;
}

/* Waits until the published state is the kernel's; fails with both after CONVERGE_MS. */
static void expect_converged(DBusConnection *c, UtilProcess *d, const char *what) {
        uint64_t start = util_now_ms();

        for (;;) {
                _cleanup_free_ char *k = kernel_state(), *p = published_state(c);

                if (streq(k, p)) {
                        printf("ok: %s: published state is the kernel's after %llu ms (%zu bytes)\n",
                               what, (unsigned long long) (util_now_ms() - start), strlen(k));
                        return;
                }
                if (util_process_wait(d, 0, NULL) == 0) {
                        util_process_dump_log(d);
                        FAIL("%s: muxcapd died", what);
                }
                if (util_now_ms() - start > CONVERGE_MS) {
                        util_process_dump_log(d);
                        FAIL("%s: not converged after %d ms\n  kernel:    %s\n  published: %s",
                             what, CONVERGE_MS, k, p);
                }
                (void) poll(NULL, 0, 50);
        }
}

static char *instance_id(DBusConnection *c) {
        char *id = NULL;

        assert(util_get_property(c, BUS_NAME, BUS_ROOT_PATH, "org.muxcap.MuxCap1.Manager", "InstanceId",
                                 DBUS_TYPE_STRING, &id) == 0);
        return id;
}

/* (a) The bus dies (SIGKILL, SIGTERM) or freezes then dies: muxcapd exits non-zero at once;
 * restarted on a new bus, it publishes the same state under a new InstanceId. */
static void test_bus_restart(UtilProcess **bus, UtilProcess **d, DBusConnection **c) {
        _cleanup_free_ char *id = instance_id(*c);
        int sigs[] = { SIGKILL, SIGTERM };

        for (size_t k = 0; k < ELEMENTSOF(sigs); k++) {
                _cleanup_free_ char *id2 = NULL;
                uint64_t g = 0;

                assert(util_process_signal(*bus, sigs[k]) == 0);
                expect_exit_failure(*d, sigs[k] == SIGKILL ? "bus SIGKILLed" : "bus SIGTERMed");
                *d = util_process_free(*d);
                *c = util_bus_close(*c);
                *bus = util_process_free(*bus);

                *bus = bus_start();
                *c = util_bus_connect();
                *d = daemon_start();
                expect_converged(*c, *d, "after the bus restart");
                id2 = instance_id(*c);
                if (streq(id, id2))
                        FAIL("the restarted muxcapd kept InstanceId %s", id);
                assert(util_get_property(*c, BUS_NAME, BUS_ROOT_PATH "/mux/fbr0", BUS_IFACE_MUX, "Generation",
                                         DBUS_TYPE_UINT64, &g) == 0);
                if (g != 1)
                        FAIL("restarted: fbr0 Generation %llu, want 1", (unsigned long long) g);
                free(id);
                id = steal_ptr(id2);
        }

        /* The bus freezes while muxcapd has signals to send, then dies: muxcapd must not wait
         * for it forever. First SIGTERM while frozen: it may only stop once the bus answers. */
        {
                uint64_t start;
                int status;

                assert(util_process_stop(*bus) == 0);
                util_run("for i in $(seq 20); do ethtool -K fa0 tso off; ethtool -K fa0 tso on; done");
                assert(util_process_signal(*d, SIGTERM) == 0);
                start = util_now_ms();
                if (util_process_wait(*d, 1000, &status) == 0)
                        printf("ok: SIGTERM with the bus frozen: exited (status 0x%x) within %llu ms\n",
                               status, (unsigned long long) (util_now_ms() - start));
                else
                        printf("note: SIGTERM with the bus frozen: still running after 1 s "
                               "(waiting on the bus)\n");
                assert(util_process_signal(*bus, SIGKILL) == 0);
                (void) util_process_signal(*bus, SIGCONT);
                start = util_now_ms();
                if (util_process_wait(*d, EXIT_PROMPT_MS, &status) < 0) {
                        util_process_dump_log(*d);
                        FAIL("frozen bus killed: muxcapd still runs %d ms later", EXIT_PROMPT_MS);
                }
                if (!WIFEXITED(status))
                        FAIL("frozen bus killed: muxcapd ended with wait status 0x%x", status);
                printf("ok: frozen bus killed: muxcapd exited %d within %llu ms\n", WEXITSTATUS(status),
                       (unsigned long long) (util_now_ms() - start));
                *d = util_process_free(*d);
                *c = util_bus_close(*c);
                *bus = util_process_free(*bus);
                *bus = bus_start();
                *c = util_bus_connect();
                *d = daemon_start();
                expect_converged(*c, *d, "after the frozen bus");
        }
}

/* Runs @cmd in /bin/sh in the background; returns its pid. */
static pid_t background(const char *cmd) {
        pid_t parent = getpid(), pid = fork();

        assert(pid >= 0);
        if (pid == 0) {
                if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
                        _exit(127);
                execl("/bin/sh", "sh", "-c", cmd, (char *) NULL);
                _exit(127);
        }
        return pid;
}

static void wait_background(pid_t pid, const char *what) {
        int status;

        assert(waitpid(pid, &status, 0) == pid);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                FAIL("%s: the shell loop failed (wait status 0x%x)", what, status);
}

static int member_count(DBusConnection *c, const char *path) {
        DBusMessage *m = util_call(c, BUS_NAME, path, "org.freedesktop.DBus.Properties", "Get",
                                   DBUS_TYPE_STRING, &(const char *) { BUS_IFACE_MUX },
                                   DBUS_TYPE_STRING, &(const char *) { "Members" }, DBUS_TYPE_INVALID);
        DBusMessageIter it, v, a;
        int n = 0;

        if (dbus_message_get_type(m) != DBUS_MESSAGE_TYPE_METHOD_RETURN) {
                dbus_message_unref(m);
                return -1;
        }
        dbus_message_iter_init(m, &it);
        dbus_message_iter_recurse(&it, &v);
        for (dbus_message_iter_recurse(&v, &a); dbus_message_iter_get_arg_type(&a) == DBUS_TYPE_STRING;
             dbus_message_iter_next(&a))
                n++;
        dbus_message_unref(m);
        return n;
}

/* (b) SIGKILL while NICs are being added and enslaved; the restarted daemon converges. */
static void test_kill_in_burst(UtilProcess **d, DBusConnection *c) {
        uint64_t deadline;
        pid_t burst;
        int n = -1;

        util_run("ip link add kbr0 type bridge");
        expect_converged(c, *d, "kbr0 added");
        burst = background("for i in $(seq 80); do ip link add k$i type veth peer name q$i && "
                           "ip link set k$i master kbr0 || exit 1; done");
        deadline = util_now_ms() + 10000;
        while ((n = member_count(c, BUS_ROOT_PATH "/mux/kbr0")) < 10) {
                if (util_now_ms() > deadline)
                        FAIL("burst: kbr0 has %d members after 10 s", n);
                (void) poll(NULL, 0, 10);
        }
        assert(util_process_signal(*d, SIGKILL) == 0);
        assert(util_process_wait(*d, UTIL_TIMEOUT_MS, NULL) == 0);
        printf("ok: SIGKILLed muxcapd with %d of 80 members published\n", n);
        *d = util_process_free(*d);
        *d = daemon_start();
        wait_background(burst, "burst");
        expect_converged(c, *d, "restarted in a burst");
        if (member_count(c, BUS_ROOT_PATH "/mux/kbr0") != 80)
                FAIL("kbr0 has %d members, want 80", member_count(c, BUS_ROOT_PATH "/mux/kbr0"));
}

/* (c) NICs that vanish right after their event: created, enslaved, toggled and deleted in
 * tight loops while the daemon runs. */
static void test_vanishing(UtilProcess *d, DBusConnection *c) {
        pid_t a, b, e;

        a = background("for i in $(seq 150); do echo link add va$i type veth peer name vb$i; "
                       "echo link set va$i master kbr0; echo link del va$i; done | ip -force -batch - "
                       ">/dev/null 2>&1; true");
        b = background("for i in $(seq 150); do echo link add vc$i type bridge; "
                       "echo link add vd$i type veth peer name ve$i; echo link set vd$i master vc$i; "
                       "echo link del vc$i; echo link del vd$i; done | ip -force -batch - "
                       ">/dev/null 2>&1; true");
        e = background("for i in $(seq 60); do ip link add vf type veth peer name vg 2>/dev/null; "
                       "ethtool -K vf tso off 2>/dev/null; ip link set vf master kbr0 2>/dev/null; "
                       "ip link del vf 2>/dev/null; done; true");
        wait_background(a, "vanishing veths");
        wait_background(b, "vanishing bridges");
        wait_background(e, "vanishing toggled veths");
        expect_converged(c, d, "NICs vanishing in tight loops");
        {
                DBusMessage *m = util_call(c, BUS_NAME, BUS_ROOT_PATH "/mux/kbr0", BUS_IFACE_MUX, "Explain",
                                           DBUS_TYPE_INVALID);
                if (dbus_message_get_type(m) != DBUS_MESSAGE_TYPE_METHOD_RETURN)
                        FAIL("Explain on kbr0 after the loops: %s", dbus_message_get_error_name(m));
                dbus_message_unref(m);
        }
}

int main(void) {
        _cleanup_(util_process_freep) UtilProcess *bus = NULL, *d = NULL;
        DBusConnection *c = NULL;
        int status;

        util_require_ns_run();
        setvbuf(stdout, NULL, _IOLBF, 0);
        assert(getenv("MUXCAPD"));
        snprintf(bus_socket, sizeof(bus_socket), "%s/faults-bus", getenv("MUXCAP_TEST_DIR"));
        snprintf(bus_address, sizeof(bus_address), "unix:path=%s", bus_socket);
        /* util_bus_connect() and everything else of ours talk to our bus. */
        assert(setenv("MUXCAP_TEST_BUS", bus_address, 1) == 0);

        util_run("udevadm trigger --action=add --settle /sys/class/net/lo");
        util_run("ip link add fbr0 type bridge && ip link add fa0 type veth peer name fb0 && "
                 "ip link set fa0 master fbr0 && udevadm settle");
        bus = bus_start();
        c = util_bus_connect();
        d = daemon_start();
        expect_converged(c, d, "start");

        test_bus_restart(&bus, &d, &c);
        test_kill_in_burst(&d, c);
        test_vanishing(d, c);

        assert(util_process_signal(d, SIGTERM) == 0);
        assert(util_process_wait(d, UTIL_TIMEOUT_MS, &status) == 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                FAIL("SIGTERM: wait status 0x%x, want exit 0", status);
        c = util_bus_close(c);
        printf("all fault scenarios passed\n");
        return 0;
}
