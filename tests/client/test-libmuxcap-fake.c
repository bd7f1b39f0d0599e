/* SPDX-License-Identifier: MIT */
/* libmuxcap and muxcapctl against a private dbus-daemon and fake-muxcapd: state after
 * subscribe, generation filter and order, held signals, restart, daemon gone, getters. */

#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "muxcap/muxcap.h"

#define HW MUXCAP_STATUS_HARDWARE_CAPABILITIES
#define CUR MUXCAP_STATUS_OFFLOAD_RESUME

/* Records: A (802.3, ipv4, 4096), B (all zero), C (802.3, ipv6, 16). */
#define REC_A "8002140002000000010000000010000000000000"
#define REC_B "8002140000000000000000000000000000000000"
#define REC_C "8002140002000000040000001000000000000000"

static const char *fake_path, *ctl_path;
static char tmpdir[] = "/tmp/muxcap-test-libmuxcap-XXXXXX";
static char address[512];
static pid_t bus_pid = -1;

typedef struct Fake {
        pid_t pid;
        FILE *in, *out;
} Fake;

typedef struct Event {
        enum muxcap_event_kind kind;
        char mux[32];
        uint32_t status_code;
        uint64_t generation;
        char hex[64];
} Event;

typedef struct Log {
        Event events[128];
        size_t n;
        struct muxcap_client *stop_client;     /* stop it at stop_after events */
        size_t stop_after;
} Log;

static void cleanup(void) {
        char cmd[128];

        if (bus_pid > 0)
                (void) kill(bus_pid, SIGKILL);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        (void) system(cmd);
}

/* Forks @argv with stdin/stdout on pipes; the child dies with us (PR_SET_PDEATHSIG). */
static pid_t spawn(char *const *argv, FILE **ret_in, FILE **ret_out) {
        int in[2], out[2];
        pid_t pid;

        assert(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0);
        pid = fork();
        assert(pid >= 0);
        if (pid == 0) {
                (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
                if (getppid() == 1)
                        _exit(1);
                dup2(in[0], 0);
                dup2(out[1], 1);
                execv(argv[0], argv);
                _exit(127);
        }
        close(in[0]);
        close(out[1]);
        if (ret_in) {
                *ret_in = fdopen(in[1], "w");
                setvbuf(*ret_in, NULL, _IOLBF, 0);
        } else
                close(in[1]);
        if (ret_out)
                *ret_out = fdopen(out[0], "r");
        else
                close(out[0]);
        return pid;
}

static void start_bus(void) {
        char config[1024], path[600];
        FILE *f, *out;
        char *argv[] = { (char *) "/usr/bin/dbus-daemon", NULL, (char *) "--nofork",
                         (char *) "--print-address=1", NULL };

        if (access(argv[0], X_OK) < 0) {
                printf("dbus-daemon not found: skipped\n");
                exit(77);
        }
        assert(mkdtemp(tmpdir));
        atexit(cleanup);
        snprintf(path, sizeof(path), "%s/bus.conf", tmpdir);
        f = fopen(path, "w");
        assert(f);
        fprintf(f, "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
                   " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                   "<busconfig><type>session</type><listen>unix:path=%s/bus</listen>\n"
                   "<auth>EXTERNAL</auth><policy context=\"default\"><allow send_destination=\"*\"/>\n"
                   "<allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>\n", tmpdir);
        fclose(f);
        snprintf(config, sizeof(config), "--config-file=%s", path);
        argv[1] = config;
        bus_pid = spawn(argv, NULL, &out);
        assert(fgets(address, sizeof(address), out));
        address[strcspn(address, "\n")] = '\0';
        fclose(out);
}

static void fake_cmd(Fake *f, const char *fmt, ...) {
        char reply[256];
        va_list ap;

        va_start(ap, fmt);
        vfprintf(f->in, fmt, ap);
        va_end(ap);
        fputc('\n', f->in);
        fflush(f->in);
        assert(fgets(reply, sizeof(reply), f->out));
        if (strcmp(reply, "ok\n") != 0) {
                fprintf(stderr, "fake-muxcapd: %s", reply);
                abort();
        }
}

static void fake_start(Fake *f) {
        char *argv[] = { (char *) fake_path, address, NULL };

        f->pid = spawn(argv, &f->in, &f->out);
}

static void fake_quit(Fake *f) {
        int status;

        fputs("quit\n", f->in);
        fflush(f->in);
        assert(waitpid(f->pid, &status, 0) == f->pid);
        fclose(f->in);
        fclose(f->out);
}

static void record_cb(struct muxcap_client *c, const struct muxcap_event *ev, void *userdata) {
        Log *log = userdata;
        Event *e;

        assert(log->n < sizeof(log->events) / sizeof(log->events[0]));
        e = &log->events[log->n++];
        *e = (Event) { .kind = ev->kind, .status_code = ev->status_code, .generation = ev->generation };
        snprintf(e->mux, sizeof(e->mux), "%s", ev->mux ? ev->mux : "");
        for (size_t i = 0; i < ev->buffer_size && i < 20; i++)
                sprintf(e->hex + 2 * i, "%02x", ev->buffer[i]);
        if (ev->kind == MUXCAP_EVENT_STATE || ev->kind == MUXCAP_EVENT_INDICATION)
                assert(ev->record);
        if (log->stop_client && log->n >= log->stop_after)
                assert(muxcap_client_stop(log->stop_client) == 0);
}

/* Polls and dispatches @c until @log holds @n events; fails after 10 s. */
static void pump(struct muxcap_client *c, Log *log, size_t n) {
        time_t end = time(NULL) + 10;

        while (log->n < n) {
                struct pollfd p = { .fd = muxcap_client_get_fd(c) };
                int timeout_ms, r;

                if (time(NULL) >= end)
                        break;
                r = muxcap_client_get_events(c);
                assert(r >= 0);
                p.events = (short) r;
                assert(muxcap_client_get_timeout(c, &timeout_ms) == 0);
                if (timeout_ms < 0 || timeout_ms > 500)
                        timeout_ms = 500;
                (void) poll(&p, 1, timeout_ms);
                r = muxcap_client_dispatch(c);
                if (r < 0)
                        break;
        }
        if (log->n != n) {
                fprintf(stderr, "got %zu events, want %zu\n", log->n, n);
                for (size_t i = 0; i < log->n; i++)
                        fprintf(stderr, "  %s '%s' 0x%08" PRIx32 " gen %" PRIu64 " %s\n",
                                muxcap_event_kind_to_string(log->events[i].kind),
                                log->events[i].mux, log->events[i].status_code,
                                log->events[i].generation, log->events[i].hex);
                abort();
        }
}

static void expect(const Log *log, size_t i, enum muxcap_event_kind kind, const char *mux,
                   uint32_t code, uint64_t gen, const char *hex) {
        const Event *e = &log->events[i];

        if (e->kind != kind || strcmp(e->mux, mux) != 0 || e->status_code != code ||
            e->generation != gen || (hex && strcmp(e->hex, hex) != 0)) {
                fprintf(stderr, "event %zu: %s '%s' 0x%08" PRIx32 " gen %" PRIu64 " %s; want %s '%s' "
                        "0x%08" PRIx32 " gen %" PRIu64 " %s\n", i,
                        muxcap_event_kind_to_string(e->kind), e->mux, e->status_code,
                        e->generation, e->hex, muxcap_event_kind_to_string(kind), mux, code, gen,
                        hex ? hex : "*");
                abort();
        }
}

/* Runs muxcapctl --bus=ADDRESS ARGS..., returns its exit status and stdout in @out. */
static int ctl(char *out, size_t size, const char *a1, const char *a2, const char *a3) {
        char bus[600];
        char *argv[] = { (char *) ctl_path, bus, (char *) a1, (char *) a2, (char *) a3, NULL };
        FILE *o;
        size_t n;
        int status;
        pid_t pid;

        snprintf(bus, sizeof(bus), "--bus=%s", address);
        pid = spawn(argv, NULL, &o);
        n = fread(out, 1, size - 1, o);
        out[n] = '\0';
        fclose(o);
        assert(waitpid(pid, &status, 0) == pid);
        assert(WIFEXITED(status));
        return WEXITSTATUS(status);
}

static void test_arguments_are_checked(void) {
        struct muxcap_client *c = NULL;
        int fd_timeout;

        assert(muxcap_client_new(NULL, NULL) == -EINVAL);
        assert(muxcap_client_new(&c, "") == -EINVAL);
        assert(muxcap_client_new(&c, "unix:path=/nonexistent/bus") == -ECONNREFUSED);
        assert(c == NULL);
        assert(muxcap_client_get_fd(NULL) == -EINVAL);
        assert(muxcap_client_get_events(NULL) == -EINVAL);
        assert(muxcap_client_get_timeout(NULL, &fd_timeout) == -EINVAL);
        assert(muxcap_client_dispatch(NULL) == -EINVAL);
        assert(muxcap_client_subscribe(NULL, NULL, record_cb, NULL) == -EINVAL);
        assert(muxcap_client_get_mux(NULL, "x", NULL, NULL, NULL) == -EINVAL);
        assert(muxcap_client_unref(NULL) == NULL);
}

int main(int argc, char **argv) {
        struct muxcap_client *c = NULL, *c2 = NULL;
        struct muxcap_record hw, cur;
        struct muxcap_mux_info **list = NULL, *info = NULL;
        struct muxcap_explanation *ex = NULL;
        static Log log, log2;
        static char out[65536];
        size_t n_ex;
        uint64_t gen = 0;
        Fake fake1, fake2;

        assert(argc == 3);
        fake_path = argv[1];
        ctl_path = argv[2];
        alarm(120);
        test_arguments_are_checked();
        start_bus();

        fake_start(&fake1);
        fake_cmd(&fake1, "nic eth0 " REC_A " " REC_A);
        fake_cmd(&fake1, "nic eth1 " REC_A " " REC_B);
        fake_cmd(&fake1, "mux lbfo0 5 " REC_A " " REC_B " eth0 eth1");
        fake_cmd(&fake1, "mux br-lan 2 " REC_B " " REC_B " lbfo0");
        fake_cmd(&fake1, "own inst-1");

        assert(muxcap_client_new(&c, address) == 0);
        assert(muxcap_client_get_fd(c) >= 0);

        /* Getters. */
        assert(muxcap_client_get_mux(c, "nope", &hw, &cur, &gen) == -ENOENT);
        assert(muxcap_client_get_nic(c, "nope", &hw, &cur) == -ENOENT);
        assert(muxcap_client_get_mux_info(c, "nope", &info) == -ENOENT);
        assert(muxcap_client_get_mux(c, "lbfo0", &hw, &cur, &gen) == 0);
        assert(gen == 5 && hw.encapsulation == MUXCAP_ENCAP_IEEE_802_3 && hw.support_ipv4 == 1 &&
               hw.tcp_connection_offload_capacity == 4096 && cur.encapsulation == 0);
        gen = 0;
        assert(muxcap_client_get_mux(c, "lbfo0", &hw, NULL, &gen) == 0 && gen == 5);
        assert(muxcap_client_get_nic(c, "eth1", &hw, &cur) == 0);
        assert(hw.support_ipv4 == 1 && cur.support_ipv4 == 0);
        assert(muxcap_client_list_muxes(c, &list) == 0);
        assert(list[0] && list[1] && !list[2]);
        assert(strcmp(list[0]->name, "br-lan") == 0 && strcmp(list[1]->name, "lbfo0") == 0);
        assert(strcmp(list[1]->members[0], "eth0") == 0 && strcmp(list[1]->members[1], "eth1") == 0 &&
               !list[1]->members[2] && list[1]->generation == 5 && strcmp(list[1]->kind, "bond") == 0);
        list = muxcap_mux_info_list_free(list);
        assert(muxcap_client_get_mux_info(c, "br-lan", &info) == 0);
        assert(strcmp(info->members[0], "lbfo0") == 0 && info->generation == 2);
        info = muxcap_mux_info_free(info);
        assert(muxcap_client_explain(c, "lbfo0", &ex, &n_ex) == 0 && n_ex == 2);
        assert(strcmp(ex[1].field, "TcpConnectionOffloadCapacity") == 0 &&
               strcmp(ex[1].value, "4096") == 0 && strcmp(ex[1].member, "eth1") == 0 &&
               strcmp(ex[1].source, "udev") == 0);
        assert(strcmp(ex[0].member, "") == 0 && strcmp(ex[0].source, "") == 0);
        ex = muxcap_explanations_free(ex, n_ex);
        assert(muxcap_client_explain(c, "br-lan", &ex, &n_ex) == 0 && n_ex == 2);
        assert(strcmp(ex[0].field, "SupportIPv4") == 0 && strcmp(ex[0].member, "lbfo0") == 0 &&
               strcmp(ex[0].source, "kernel") == 0 && strcmp(ex[1].member, "") == 0);
        ex = muxcap_explanations_free(ex, n_ex);
        assert(muxcap_client_explain(c, "nope", &ex, &n_ex) == -ENOENT);

        /* Subscribe to all: the state first, sorted by name, hardware then current config. */
        assert(muxcap_client_subscribe(c, NULL, record_cb, &log) == 0);
        pump(c, &log, 5);
        expect(&log, 0, MUXCAP_EVENT_DAEMON_APPEARED, "", 0, 0, NULL);
        expect(&log, 1, MUXCAP_EVENT_STATE, "br-lan", HW, 2, REC_B);
        expect(&log, 2, MUXCAP_EVENT_STATE, "br-lan", CUR, 2, REC_B);
        expect(&log, 3, MUXCAP_EVENT_STATE, "lbfo0", HW, 5, REC_A);
        expect(&log, 4, MUXCAP_EVENT_STATE, "lbfo0", CUR, 5, REC_B);

        /* Repeats and steps back are dropped, per MUX and status code; order is kept. */
        fake_cmd(&fake1, "signal lbfo0 0x4002000B 5 " REC_C);      /* repeat of the state */
        fake_cmd(&fake1, "signal lbfo0 0x4002000B 4 " REC_C);      /* older */
        fake_cmd(&fake1, "signal lbfo0 0x4002000B 6 " REC_C);
        fake_cmd(&fake1, "signal lbfo0 0x40020003 6 " REC_C);
        fake_cmd(&fake1, "signal lbfo0 0x40020003 6 " REC_A);      /* repeat */
        fake_cmd(&fake1, "signal lbfo0 0x4002000B 8 " REC_A);
        fake_cmd(&fake1, "signal lbfo0 0x4002000B 7 " REC_B);      /* older */
        fake_cmd(&fake1, "signal lbfo0 0x40020003 7 " REC_B);      /* a gap is fine */
        fake_cmd(&fake1, "signal br-lan 0x4002000B 3 " REC_C);
        fake_cmd(&fake1, "signal zz 0x4002000B 1 " REC_A);         /* sentinel */
        pump(c, &log, 11);
        expect(&log, 5, MUXCAP_EVENT_INDICATION, "lbfo0", HW, 6, REC_C);
        expect(&log, 6, MUXCAP_EVENT_INDICATION, "lbfo0", CUR, 6, REC_C);
        expect(&log, 7, MUXCAP_EVENT_INDICATION, "lbfo0", HW, 8, REC_A);
        expect(&log, 8, MUXCAP_EVENT_INDICATION, "lbfo0", CUR, 7, REC_B);
        expect(&log, 9, MUXCAP_EVENT_INDICATION, "br-lan", HW, 3, REC_C);
        expect(&log, 10, MUXCAP_EVENT_INDICATION, "zz", HW, 1, REC_A);

        /* Signals racing the state query are held, then checked against the state; a one-MUX
         * subscription sees nothing of other MUXes. Driven by muxcap_client_run(). */
        fake_cmd(&fake1, "mux lbfo0 9 " REC_A " " REC_A " eth0 eth1");
        fake_cmd(&fake1, "prereply lbfo0 0x4002000B 9 " REC_B);    /* covered by the state */
        fake_cmd(&fake1, "prereply lbfo0 0x4002000B 3 " REC_B);    /* older */
        fake_cmd(&fake1, "prereply br-lan 0x4002000B 50 " REC_B);  /* another MUX */
        fake_cmd(&fake1, "prereply lbfo0 0x40020003 10 " REC_C);   /* newer: after the state */
        assert(muxcap_client_new(&c2, address) == 0);
        assert(muxcap_client_subscribe(c2, "lbfo0", record_cb, &log2) == 0);
        log2.stop_client = c2;
        log2.stop_after = 4;
        assert(muxcap_client_run(c2) == 0);
        assert(log2.n == 4);
        expect(&log2, 0, MUXCAP_EVENT_DAEMON_APPEARED, "", 0, 0, NULL);
        expect(&log2, 1, MUXCAP_EVENT_STATE, "lbfo0", HW, 9, REC_A);
        expect(&log2, 2, MUXCAP_EVENT_STATE, "lbfo0", CUR, 9, REC_A);
        expect(&log2, 3, MUXCAP_EVENT_INDICATION, "lbfo0", CUR, 10, REC_C);
        fake_cmd(&fake1, "signal br-lan 0x4002000B 60 " REC_C);
        fake_cmd(&fake1, "signal lbfo0 0x4002000B 11 " REC_C);
        log2.stop_after = 5;
        assert(muxcap_client_run(c2) == 0);
        expect(&log2, 4, MUXCAP_EVENT_INDICATION, "lbfo0", HW, 11, REC_C);
        assert(muxcap_client_unsubscribe(c2, "lbfo0", record_cb, &log) == -ENOENT);
        assert(muxcap_client_unsubscribe(c2, "lbfo0", record_cb, &log2) == 0);
        c2 = muxcap_client_unref(c2);
        log.n = 0;
        fake_cmd(&fake1, "signal zz 0x4002000B 2 " REC_A);
        /* The first client saw the same signals, through its own filter (HW 3 dropped). */
        pump(c, &log, 6);
        expect(&log, 0, MUXCAP_EVENT_INDICATION, "lbfo0", HW, 9, REC_B);
        expect(&log, 1, MUXCAP_EVENT_INDICATION, "br-lan", HW, 50, REC_B);
        expect(&log, 2, MUXCAP_EVENT_INDICATION, "lbfo0", CUR, 10, REC_C);
        expect(&log, 3, MUXCAP_EVENT_INDICATION, "br-lan", HW, 60, REC_C);
        expect(&log, 4, MUXCAP_EVENT_INDICATION, "lbfo0", HW, 11, REC_C);
        expect(&log, 5, MUXCAP_EVENT_INDICATION, "zz", HW, 2, REC_A);

        /* muxcapctl against the fake, which speaks the 1.0 interface only (no GetRecord, no
         * ExplainRecord): the connection records of list come from GetAll alone. show and
         * explain are tried against the real muxcapd (tests/integration). */
        assert(ctl(out, sizeof(out), "show", "nope", NULL) == 1);
        assert(ctl(out, sizeof(out), "--json", "list", "--records=connection") == 0);
        assert(strncmp(out, "[{\"name\":\"br-lan\",\"kind\":\"bond\"", 31) == 0);
        assert(strstr(out, "\"members\":[\"eth0\",\"eth1\"],\"generation\":9,"));
        assert(strstr(out, "\"records\":{\"connection_hardware\":{\"type\":\"connection\","));
        assert(ctl(out, sizeof(out), "list", "--records=connection", NULL) == 0);
        assert(strstr(out, "lbfo0") && strstr(out, "eth0,eth1"));
        assert(ctl(out, sizeof(out), "explain", "nope", NULL) == 1);
        {
                char bus[600], line[1024];
                char *mon[] = { (char *) ctl_path, bus, (char *) "--json", (char *) "monitor",
                                (char *) "lbfo0", (char *) "--records=connection", NULL };
                FILE *o;
                int status;
                pid_t pid;

                snprintf(bus, sizeof(bus), "--bus=%s", address);
                pid = spawn(mon, NULL, &o);
                assert(fgets(line, sizeof(line), o) && strstr(line, "\"event\":\"daemon-appeared\""));
                assert(fgets(line, sizeof(line), o) && strstr(line, "\"event\":\"state\""));
                assert(fgets(line, sizeof(line), o) && strstr(line, "\"event\":\"state\""));
                fake_cmd(&fake1, "signal lbfo0 0x4002000B 12 " REC_A);
                assert(fgets(line, sizeof(line), o));
                assert(strcmp(line, "{\"event\":\"indication\",\"name\":\"lbfo0\",\"generation\":12,"
                                    "\"status_code\":1073872907,\"status\":"
                                    "\"NDIS_STATUS_TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES\","
                                    "\"record\":{\"type\":\"connection\",\"status_code\":1073872907,"
                                    "\"status\":\"NDIS_STATUS_TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES\","
                                    "\"generation\":12,\"revision\":2,\"fields\":{\"encapsulation\":2,"
                                    "\"support_ipv4\":1,\"support_ipv6\":0,"
                                    "\"support_ipv6_extension_headers\":0,\"support_sack\":0,"
                                    "\"congestion_algorithm\":0,"
                                    "\"tcp_connection_offload_capacity\":4096,\"flags\":0,"
                                    "\"chimney_capable\":true},\"hex\":\"" REC_A "\"}}\n") == 0);
                assert(kill(pid, SIGINT) == 0);
                assert(waitpid(pid, &status, 0) == pid);
                assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
                fclose(o);
        }
        pump(c, &log, 7);
        expect(&log, 6, MUXCAP_EVENT_INDICATION, "lbfo0", HW, 12, REC_A);
        log.n = 0;

        /* A MUX removed and added again starts at generation 1. */
        fake_cmd(&fake1, "removed br-lan");
        fake_cmd(&fake1, "mux br-lan 1 " REC_C " " REC_C " lbfo0");
        fake_cmd(&fake1, "added br-lan");
        fake_cmd(&fake1, "signal br-lan 0x4002000B 1 " REC_C);
        pump(c, &log, 3);
        expect(&log, 0, MUXCAP_EVENT_MUX_REMOVED, "br-lan", 0, 0, NULL);
        expect(&log, 1, MUXCAP_EVENT_MUX_ADDED, "br-lan", 0, 0, NULL);
        expect(&log, 2, MUXCAP_EVENT_INDICATION, "br-lan", HW, 1, REC_C);
        log.n = 0;

        /* Restart: the daemon goes, a new instance starts again at 1 with other records. */
        fake_quit(&fake1);
        pump(c, &log, 1);
        expect(&log, 0, MUXCAP_EVENT_DAEMON_GONE, "", 0, 0, NULL);
        assert(muxcap_client_get_mux(c, "lbfo0", &hw, &cur, &gen) == -EHOSTDOWN);
        assert(ctl(out, sizeof(out), "show", "lbfo0", NULL) == 1);
        assert(ctl(out, sizeof(out), "list", NULL, NULL) == 1);
        fake_start(&fake2);
        fake_cmd(&fake2, "mux lbfo0 1 " REC_C " " REC_B " eth0");
        fake_cmd(&fake2, "prereply lbfo0 0x4002000B 1 " REC_C);
        fake_cmd(&fake2, "own inst-2");
        pump(c, &log, 4);
        expect(&log, 1, MUXCAP_EVENT_DAEMON_APPEARED, "", 0, 0, NULL);
        expect(&log, 2, MUXCAP_EVENT_STATE, "lbfo0", HW, 1, REC_C);
        expect(&log, 3, MUXCAP_EVENT_STATE, "lbfo0", CUR, 1, REC_B);
        fake_cmd(&fake2, "signal lbfo0 0x4002000B 1 " REC_A);      /* repeat */
        fake_cmd(&fake2, "signal lbfo0 0x4002000B 2 " REC_A);
        pump(c, &log, 5);
        expect(&log, 4, MUXCAP_EVENT_INDICATION, "lbfo0", HW, 2, REC_A);
        assert(muxcap_client_get_mux(c, "lbfo0", &hw, NULL, &gen) == 0 && gen == 1);
        fake_quit(&fake2);
        pump(c, &log, 6);
        expect(&log, 5, MUXCAP_EVENT_DAEMON_GONE, "", 0, 0, NULL);

        /* The bus goes away: the callback hears it, dispatch fails, nothing aborts. */
        assert(kill(bus_pid, SIGKILL) == 0);
        assert(waitpid(bus_pid, NULL, 0) == bus_pid);
        bus_pid = -1;
        pump(c, &log, 7);
        expect(&log, 6, MUXCAP_EVENT_DISCONNECTED, "", 0, 0, NULL);
        assert(muxcap_client_dispatch(c) == -ECONNRESET);
        assert(muxcap_client_get_events(c) == -ENOTCONN);
        assert(muxcap_client_get_mux(c, "lbfo0", &hw, &cur, &gen) == -ECONNRESET);
        assert(muxcap_client_subscribe(c, NULL, record_cb, &log) == -ECONNRESET);
        c = muxcap_client_unref(c);
        printf("client: ok\n");
        return 0;
}
