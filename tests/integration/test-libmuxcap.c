/* SPDX-License-Identifier: MIT */
/* libmuxcap and muxcapctl through the real muxcapd: subscriptions (state, then newer
 * indications in order), a SIGKILLed daemon restarted over a changed topology, getters,
 * unknown names, and every muxcapctl verb's output. Uses libmuxcap's public header only. */
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "muxcap/muxcap.h"
#include "util.h"
#include "bus-path.h"

#ifndef MUXCAPCTL_PATH
#error "MUXCAPCTL_PATH: the muxcapctl under test, set by meson.build"
#endif

#define HW MUXCAP_STATUS_HARDWARE_CAPABILITIES
#define CUR MUXCAP_STATUS_OFFLOAD_RESUME
#define WAIT_MS 10000   /* generous: the ASan build starts slowly */

/* Records, derived by hand from SPEC 2 and 3. veth: 802.3 + 802.1Q from the kernel. u* and
 * w*: TCP offload engines, as udev (libmuxcap.rules) declares them: IPv4 and IPv6; u* also
 * capacity 4096 and SACK. w*: the config sets capacity 100. */
#define REC_EMPTY "80021400" "00000000" "00000000" "00000000" "00000000"
#define REC_U "80021400" "06000000" "45000000" "00100000" "00000000"
#define REC_W "80021400" "06000000" "05000000" "64000000" "00000000"
/* br0 = {uA, wA}: SACK only on uA, capacity min(4096, 100) */
#define REC_BR0 "80021400" "06000000" "05000000" "64000000" "00000000"
/* ... after `ethtool -K uA txvlan off`: no member-wide 802.1Q framing left */
#define REC_BR0_VLAN_OFF "80021400" "02000000" "05000000" "64000000" "00000000"
/* br0 = {uA (txvlan off), uC} after the restart: hardware as u*, current without 802.1Q */
#define REC_BR0_NEW_HW REC_U
#define REC_BR0_NEW_CUR "80021400" "02000000" "45000000" "00100000" "00000000"

/* muxcapctl's one-line summary of a connection record: its fields that are not zero, as
 * KEY=VALUE pairs encode takes back. */
#define SUM_EMPTY "all zero"
#define SUM_U "encapsulation=802.3,802.3-pq support_ipv4=yes support_ipv6=yes support_sack=yes tcp_connection_offload_capacity=4096"
#define SUM_U_VLAN_OFF "encapsulation=802.3 support_ipv4=yes support_ipv6=yes support_sack=yes tcp_connection_offload_capacity=4096"
#define SUM_W "encapsulation=802.3,802.3-pq support_ipv4=yes support_ipv6=yes tcp_connection_offload_capacity=100"
#define SUM_BR0 SUM_W
#define SUM_BR0_VLAN_OFF "encapsulation=802.3 support_ipv4=yes support_ipv6=yes tcp_connection_offload_capacity=100"

typedef struct Event {
        enum muxcap_event_kind kind;
        char mux[64];
        uint32_t code;
        uint64_t gen;
        char hex[2 * 64 + 1];   /* the buffer as sent */
        bool decoded;           /* the library handed a decoded record */
} Event;

/* Everything one subscription's callback received, in order. */
typedef struct Log {
        const char *label;
        Event ev[128];
        size_t n;
} Log;

/* What an event must be; gen 0 and NULL strings match anything, kind 0 a STATE or an
 * INDICATION. */
typedef struct Want {
        enum muxcap_event_kind kind;
        const char *mux;
        uint32_t code;
        uint64_t gen;
        const char *hex;
} Want;

typedef struct Ctx {
        const char *bus;                /* borrowed: $MUXCAP_TEST_BUS */
        const char *dir;                /* borrowed: $MUXCAP_TEST_DIR */
        const char *muxcapd;            /* borrowed: $MUXCAPD */
        const char *ctl;                /* borrowed: muxcapctl */
        char conf[512];
        UtilProcess *daemon;            /* owned */
        DBusConnection *obs;            /* owned: raw observer of every StatusIndication */
        struct muxcap_client *client;   /* owned */
        Log all, one, none;             /* the client's subscriptions: every MUX, br0, nope */
        UtilStatus seen[128];           /* what the observer received, in order */
        size_t n_seen;
} Ctx;

static Ctx *ctx_for_dump;       /* only for the failure report */

static void dump_log(const Log *l) {
        fprintf(stderr, "---- events of subscription '%s' ----\n", l->label);
        for (size_t i = 0; i < l->n; i++)
                fprintf(stderr, "  [%zu] %s %s 0x%08" PRIx32 " gen %" PRIu64 " %s\n", i,
                        muxcap_event_kind_to_string(l->ev[i].kind), l->ev[i].mux, l->ev[i].code,
                        l->ev[i].gen, l->ev[i].hex);
}

_printf_(3, 4) __attribute__((noreturn))
static void fail_at(const char *file, int line, const char *fmt, ...) {
        va_list ap;

        fprintf(stderr, "FAIL: %s:%d: ", file, line);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        if (ctx_for_dump) {
                dump_log(&ctx_for_dump->all);
                dump_log(&ctx_for_dump->one);
                dump_log(&ctx_for_dump->none);
        }
        exit(EXIT_FAILURE);
}

#define fail(...) fail_at(__FILE__, __LINE__, __VA_ARGS__)
#define check(cond, ...)                                \
        do {                                            \
                if (!(cond))                            \
                        fail(__VA_ARGS__);              \
        } while (0)

static void hex_format(const uint8_t *b, size_t n, char *out, size_t size) {
        out[0] = '\0';
        for (size_t i = 0; i < n && 2 * i + 2 < size; i++)
                snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static void record_hex(const struct muxcap_record *r, char out[static 2 * MUXCAP_RECORD_SIZE + 1]) {
        uint8_t buf[MUXCAP_RECORD_SIZE];

        check(muxcap_record_encode(r, buf, NULL) == 0, "encoding a record from the library");
        hex_format(buf, sizeof(buf), out, 2 * MUXCAP_RECORD_SIZE + 1);
}

static char *read_file(const char *path) {
        FILE *f = fopen(path, "re");
        char *text = NULL;
        size_t size = 0;
        FILE *mem = open_memstream(&text, &size);
        char buf[4096];
        size_t n;

        check(mem, "open_memstream: %s", strerror(errno));
        while (f && (n = fread(buf, 1, sizeof(buf), f)) > 0)
                fwrite(buf, 1, n, mem);
        if (f)
                fclose(f);
        fclose(mem);
        return text;
}

/* Output helpers. Lines are compared with runs of blanks collapsed and ends trimmed, so a
 * check states content, not column widths. */

static void normalize(const char *s, size_t len, char *out, size_t size) {
        size_t o = 0;
        bool blank = false;

        for (size_t i = 0; i < len && o + 2 < size; i++) {
                if (s[i] == ' ' || s[i] == '\t') {
                        blank = o > 0;
                        continue;
                }
                if (blank)
                        out[o++] = ' ';
                blank = false;
                out[o++] = s[i];
        }
        out[o] = '\0';
}

/* The lines of @text, normalized, as a NULL-terminated array; free with lines_free(). */
static char **lines_split(const char *text) {
        char **lines = NULL;
        size_t n = 0;

        for (const char *p = text; *p;) {
                const char *nl = strchr(p, '\n');
                size_t len = nl ? (size_t) (nl - p) : strlen(p);
                char *line = malloc(len + 2);

                lines = realloc(lines, (n + 2) * sizeof(*lines));
                check(line && lines, "out of memory");
                normalize(p, len, line, len + 2);
                lines[n++] = line;
                p += len + (nl ? 1 : 0);
        }
        lines = realloc(lines, (n + 1) * sizeof(*lines));
        check(lines, "out of memory");
        lines[n] = NULL;
        return lines;
}

static void lines_free(char **lines) {
        for (char **l = lines; l && *l; l++)
                free(*l);
        free(lines);
}

/* Each of @want (NULL-terminated) is a whole line of @text, in this order (others may sit
 * between them). */
static void expect_lines(const char *what, const char *text, const char *const *want) {
        char **lines = lines_split(text);
        size_t i = 0;

        for (size_t w = 0; want[w]; w++) {
                char norm[1024];

                normalize(want[w], strlen(want[w]), norm, sizeof(norm));
                while (lines[i] && !streq(lines[i], norm))
                        i++;
                check(lines[i], "%s: no line '%s' (in this order); output was:\n%s", what, norm,
                      text);
                i++;
        }
        lines_free(lines);
}

/* @text is exactly the lines @want. */
static void expect_exact_lines(const char *what, const char *text, const char *const *want) {
        char **lines = lines_split(text);
        size_t n = 0;

        while (lines[n])
                n++;
        for (size_t i = 0; want[i] || i < n; i++) {
                char norm[1024] = "";

                if (want[i])
                        normalize(want[i], strlen(want[i]), norm, sizeof(norm));
                check(want[i] && i < n && streq(lines[i], norm),
                      "%s: line %zu is '%s', want '%s'; output was:\n%s", what, i + 1,
                      i < n ? lines[i] : "(none)", want[i] ? norm : "(none)", text);
        }
        lines_free(lines);
}

static void expect_contains(const char *what, const char *text, const char *needle) {
        check(strstr(text, needle), "%s: lacks '%s'; output was:\n%s", what, needle, text);
}

/* Every line is one JSON value, an object (or with @array_ok an array): braces and brackets
 * balance outside strings. */
static void expect_json_lines(const char *what, const char *text, bool array_ok) {
        char **lines = lines_split(text);

        for (char **l = lines; *l; l++) {
                int depth = 0;
                bool in_string = false;

                check((*l)[0] == '{' || (array_ok && (*l)[0] == '['),
                      "%s: line '%s' is not a JSON object", what, *l);
                for (const char *p = *l; *p; p++) {
                        if (in_string) {
                                if (*p == '\\' && p[1])
                                        p++;
                                else if (*p == '"')
                                        in_string = false;
                        } else if (*p == '"')
                                in_string = true;
                        else if (*p == '{' || *p == '[')
                                depth++;
                        else if (*p == '}' || *p == ']') {
                                depth--;
                                check(depth > 0 || p[1] == '\0',
                                      "%s: line '%s' holds more than one JSON value", what, *l);
                        }
                }
                check(depth == 0 && !in_string, "%s: line '%s' is not balanced JSON", what, *l);
        }
        lines_free(lines);
}

/* muxcapctl */

typedef struct CtlResult {
        int status;
        char *out;      /* owned */
        char *err;      /* owned */
} CtlResult;

/* Runs muxcapctl --bus=$MUXCAP_TEST_BUS --records=connection ARGS (a shell word list): this
 * test is about the connection record; tests/integration/test-task.c has the other. */
_printf_(2, 3)
static CtlResult ctl_run(const Ctx *x, const char *fmt, ...) {
        _cleanup_free_ char *args = NULL, *out = NULL, *err = NULL;
        CtlResult r;
        va_list ap;

        va_start(ap, fmt);
        check(vasprintf(&args, fmt, ap) >= 0, "out of memory");
        va_end(ap);
        check(asprintf(&out, "%s/ctl.out", x->dir) >= 0 && asprintf(&err, "%s/ctl.err", x->dir) >= 0,
              "out of memory");
        r.status = util_run_status("'%s' --bus='%s' --records=connection %s >'%s' 2>'%s'", x->ctl,
                                   x->bus, args, out, err);
        r.out = read_file(out);
        r.err = read_file(err);
        printf("muxcapctl %s: exit %d\n", args, r.status);
        return r;
}

/* Runs muxcapctl, wants exit @status and @err_line as a whole line of stderr (NULL: empty). */
_printf_(4, 5)
static char *ctl_expect(const Ctx *x, int status, const char *err_line, const char *fmt, ...) {
        _cleanup_free_ char *args = NULL;
        CtlResult r;
        va_list ap;

        va_start(ap, fmt);
        check(vasprintf(&args, fmt, ap) >= 0, "out of memory");
        va_end(ap);
        r = ctl_run(x, "%s", args);
        check(r.status == status, "muxcapctl %s: exit %d, want %d; stderr:\n%s", args, r.status,
              status, r.err);
        if (err_line)
                expect_lines(args, r.err, (const char *const[]) { err_line, NULL });
        else
                check(!*r.err, "muxcapctl %s: unexpected stderr:\n%s", args, r.err);
        free(r.err);
        return r.out;
}

/* Whether normalized @line is @want, where a leading "* " in @want stands for any first word. */
static bool line_matches(const char *line, const char *want) {
        const char *sp;

        if (strncmp(want, "* ", 2) != 0)
                return streq(line, want);
        sp = strchr(line, ' ');
        return sp && streq(sp + 1, want + 2);
}

/* Waits until the process's log has a line equal (normalized) to @line; see line_matches(). */
static void wait_log_line(const UtilProcess *p, const char *line) {
        uint64_t deadline = util_now_ms() + WAIT_MS;
        char norm[1024];

        normalize(line, strlen(line), norm, sizeof(norm));
        for (;;) {
                _cleanup_free_ char *text = read_file(util_process_log(p));
                char **lines = lines_split(text);
                bool found = false;

                for (char **l = lines; *l && !found; l++)
                        found = line_matches(*l, norm);
                lines_free(lines);
                if (found)
                        return;
                check(util_now_ms() < deadline, "%s: no line '%s' in time; it holds:\n%s",
                      util_process_log(p), norm, text);
                (void) poll(NULL, 0, 20);
        }
}

/* Sends SIGINT and wants exit status 0; returns the process's output. */
static char *stop_monitor(UtilProcess *p) {
        int status = 0;

        check(util_process_signal(p, SIGINT) == 0, "SIGINT to the monitor");
        check(util_process_wait(p, WAIT_MS, &status) == 0, "the monitor ignored SIGINT");
        check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "monitor ended with wait status 0x%x on SIGINT, want exit 0", (unsigned) status);
        return read_file(util_process_log(p));
}

/* The daemon and the raw observer */

static void daemon_start(Ctx *x, const char *name) {
        _cleanup_free_ char *bus_arg = NULL, *conf_arg = NULL;

        check(asprintf(&bus_arg, "--bus=%s", x->bus) >= 0 &&
              asprintf(&conf_arg, "--config=%s", x->conf) >= 0, "out of memory");
        x->daemon = util_spawn(name, (char *const[]) { (char *) x->muxcapd, bus_arg, conf_arg,
                                                       "--udev-source=udev", "--log-level=debug",
                                                       NULL });
        check(util_process_wait_ready(x->daemon, WAIT_MS) == 0, "%s did not get ready", name);
        check(util_wait_name(x->obs, BUS_NAME, WAIT_MS) == 0, "%s did not own " BUS_NAME, name);
}

static char *mux_path(const char *name) {
        char *p;

        /* the test's MUX names are [A-Za-z0-9] only: no escaping */
        check(asprintf(&p, BUS_ROOT_PATH "/mux/%s", name) >= 0, "out of memory");
        return p;
}

static uint64_t generation(const Ctx *x, const char *mux) {
        _cleanup_free_ char *path = mux_path(mux);
        uint64_t g = 0;
        int r = util_get_property(x->obs, BUS_NAME, path, BUS_IFACE_MUX, "Generation",
                                  DBUS_TYPE_UINT64, &g);

        check(r == 0, "%s Generation: %s", mux, strerror(-r));
        return g;
}

static char *instance_id(const Ctx *x) {
        char *id = NULL;
        int r = util_get_property(x->obs, BUS_NAME, BUS_ROOT_PATH, BUS_IFACE_MANAGER, "InstanceId", DBUS_TYPE_STRING, &id);

        check(r == 0, "InstanceId: %s", strerror(-r));
        return id;
}

static int property_hex(const Ctx *x, const char *mux, const char *prop, char *out, size_t size) {
        _cleanup_free_ char *path = mux_path(mux);
        uint8_t buf[64];
        size_t n = 0;
        int r = util_get_property_bytes(x->obs, BUS_NAME, path, BUS_IFACE_MUX, prop, buf,
                                        sizeof(buf), &n);

        if (r >= 0)
                hex_format(buf, n, out, size);
        return r;
}

/* Waits until muxcapd publishes @mux with these records: the kernel's state has arrived. */
static void wait_mux(const Ctx *x, const char *mux, const char *hw, const char *cur) {
        uint64_t deadline = util_now_ms() + WAIT_MS;
        char got_hw[129] = "", got_cur[129] = "";

        for (;;) {
                if (property_hex(x, mux, "HardwareCapabilities", got_hw, sizeof(got_hw)) >= 0 &&
                    property_hex(x, mux, "CurrentConfig", got_cur, sizeof(got_cur)) >= 0 &&
                    streq(got_hw, hw) && streq(got_cur, cur))
                        return;
                check(util_now_ms() < deadline, "muxcapd publishes %s as hw %s cur %s, want %s %s",
                      mux, got_hw, got_cur, hw, cur);
                (void) poll(NULL, 0, 20);
        }
}

/* Collects the StatusIndications muxcapd sent the observer so far: a round trip to muxcapd
 * first, so every signal sent before its answer is queued. */
static void observer_collect(Ctx *x) {
        _cleanup_free_ char *id = instance_id(x);
        UtilStatus s;

        while (util_wait_status(x->obs, NULL, NULL, 0, &s) == 0) {
                check(x->n_seen < ELEMENTSOF(x->seen), "too many StatusIndications");
                x->seen[x->n_seen++] = s;
        }
}

/* The client */

static void event_cb(struct muxcap_client *c, const struct muxcap_event *e, void *userdata) {
        Log *l = userdata;
        Event *ev;

        check(l->n < ELEMENTSOF(l->ev), "%s: too many events", l->label);
        ev = &l->ev[l->n++];
        *ev = (Event) {
                .kind = e->kind,
                .code = e->status_code,
                .gen = e->generation,
                .decoded = e->record != NULL,
        };
        snprintf(ev->mux, sizeof(ev->mux), "%s", e->mux ? e->mux : "");
        if (e->buffer)
                hex_format(e->buffer, e->buffer_size, ev->hex, sizeof(ev->hex));
        printf("  %s: %s %s 0x%08" PRIx32 " gen %" PRIu64 " %s\n", l->label,
               muxcap_event_kind_to_string(e->kind), ev->mux, ev->code, ev->gen, ev->hex);
}

static bool event_matches(const Event *e, const Want *w) {
        bool kind = w->kind ? e->kind == w->kind
                            : e->kind == MUXCAP_EVENT_STATE || e->kind == MUXCAP_EVENT_INDICATION;

        return kind && (!w->mux || streq(e->mux, w->mux)) &&
               (!w->code || e->code == w->code) && (!w->gen || e->gen == w->gen) &&
               (!w->hex || streq(e->hex, w->hex));
}

/* Index of the first event at or after @from matching @w, or -1. */
static ssize_t log_find(const Log *l, size_t from, const Want *w) {
        for (size_t i = from; i < l->n; i++)
                if (event_matches(&l->ev[i], w))
                        return (ssize_t) i;
        return -1;
}

/* Dispatches the client until @w is in @l at or after @from; returns its index. */
static size_t pump_until(Ctx *x, Log *l, size_t from, const Want *w) {
        uint64_t deadline = util_now_ms() + WAIT_MS;

        for (;;) {
                struct pollfd p = { .fd = muxcap_client_get_fd(x->client) };
                int r, timeout_ms = -1, left;
                ssize_t i;

                r = muxcap_client_dispatch(x->client);
                check(r == 0, "dispatch: %s", strerror(-r));
                i = log_find(l, from, w);
                if (i >= 0)
                        return (size_t) i;
                left = (int) (deadline > util_now_ms() ? deadline - util_now_ms() : 0);
                check(left > 0, "%s: no %s %s 0x%08" PRIx32 " gen %" PRIu64 " %s in time",
                      l->label, muxcap_event_kind_to_string(w->kind), w->mux ? w->mux : "*",
                      w->code, w->gen, w->hex ? w->hex : "*");
                r = muxcap_client_get_events(x->client);
                check(r >= 0, "get_events: %s", strerror(-r));
                p.events = (short) r;
                check(muxcap_client_get_timeout(x->client, &timeout_ms) == 0, "get_timeout");
                if (timeout_ms < 0 || timeout_ms > left)
                        timeout_ms = left;
                (void) poll(&p, 1, timeout_ms);
        }
}

/* A round trip to muxcapd through the client, then one dispatch: every signal muxcapd sent
 * before answering has been delivered. With muxcapd down, the bus answers instead. */
static void client_barrier(Ctx *x, bool daemon_up) {
        int r = muxcap_client_get_mux(x->client, "nope", NULL, NULL, NULL);

        check(r == (daemon_up ? -ENOENT : -EHOSTDOWN), "get_mux('nope') = %s, want %s",
              strerror(-r), daemon_up ? "ENOENT" : "EHOSTDOWN");
        r = muxcap_client_dispatch(x->client);
        check(r == 0, "dispatch: %s", strerror(-r));
}

/* The events of @l from @from on are exactly @want[0..n). */
static void expect_events(const Log *l, size_t from, const Want *want, size_t n) {
        check(l->n - from == n, "%s: %zu events since [%zu], want %zu", l->label, l->n - from,
              from, n);
        for (size_t i = 0; i < n; i++) {
                const Event *e = &l->ev[from + i];

                check(event_matches(e, &want[i]),
                      "%s: event [%zu] is %s %s 0x%08" PRIx32 " gen %" PRIu64 " %s, want %s %s "
                      "0x%08" PRIx32 " gen %" PRIu64 " %s", l->label, from + i,
                      muxcap_event_kind_to_string(e->kind), e->mux, e->code, e->gen, e->hex,
                      muxcap_event_kind_to_string(want[i].kind), want[i].mux ? want[i].mux : "*",
                      want[i].code, want[i].gen, want[i].hex ? want[i].hex : "*");
                check((e->kind != MUXCAP_EVENT_STATE && e->kind != MUXCAP_EVENT_INDICATION) ||
                      e->decoded, "%s: event [%zu] came without a decoded record", l->label,
                      from + i);
        }
}

static bool events_equal(const Log *l, size_t from, const Want *want, size_t n) {
        if (l->n - from != n)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!event_matches(&l->ev[from + i], &want[i]) || !l->ev[from + i].decoded)
                        return false;
        return true;
}

/* A new instance's state: DAEMON_APPEARED, then per MUX (@muxes, sorted) both records at
 * generation 1 as STATE. Should the state query be answered before muxcapd published its
 * first state (it owns the name a moment before), the same records come as MUX_ADDED and
 * generation-1 indications instead: also right, and accepted. */
static void expect_new_instance(const Log *l, size_t from, const char *const *muxes,
                                const char *const (*records)[2], size_t n) {
        Want state[16], added[16];
        size_t k = 0, j = 0;

        assert(3 * n + 1 <= ELEMENTSOF(added));
        state[k++] = added[j++] = (Want) { MUXCAP_EVENT_DAEMON_APPEARED, "", 0, 0, NULL };
        for (size_t i = 0; i < n; i++) {
                state[k++] = (Want) { MUXCAP_EVENT_STATE, muxes[i], HW, 1, records[i][0] };
                state[k++] = (Want) { MUXCAP_EVENT_STATE, muxes[i], CUR, 1, records[i][1] };
                added[j++] = (Want) { MUXCAP_EVENT_MUX_ADDED, muxes[i], 0, 0, NULL };
                added[j++] = (Want) { MUXCAP_EVENT_INDICATION, muxes[i], HW, 1, records[i][0] };
                added[j++] = (Want) { MUXCAP_EVENT_INDICATION, muxes[i], CUR, 1, records[i][1] };
        }
        if (events_equal(l, from, added, j)) {
                printf("note: %s: the state query beat muxcapd's first publication\n", l->label);
                return;
        }
        expect_events(l, from, state, k);
}

/* Per MUX and status code, generations only grow: no repeat, no step back. */
static void expect_generations_grow(const Log *l) {
        uint64_t epoch_start = 0;

        for (size_t i = 0; i < l->n; i++) {
                const Event *e = &l->ev[i];

                if (e->kind == MUXCAP_EVENT_DAEMON_APPEARED)
                        epoch_start = i;        /* a new instance starts again at 1 */
                if (e->kind == MUXCAP_EVENT_MUX_ADDED || e->kind == MUXCAP_EVENT_MUX_REMOVED)
                        continue;
                for (size_t j = epoch_start; j < i; j++) {
                        const Event *p = &l->ev[j];

                        if ((p->kind == MUXCAP_EVENT_MUX_ADDED || p->kind == MUXCAP_EVENT_MUX_REMOVED) &&
                            streq(p->mux, e->mux))
                                epoch_start = j;
                }
                for (size_t j = epoch_start; j < i; j++) {
                        const Event *p = &l->ev[j];

                        if ((p->kind == MUXCAP_EVENT_STATE || p->kind == MUXCAP_EVENT_INDICATION) &&
                            (e->kind == MUXCAP_EVENT_STATE || e->kind == MUXCAP_EVENT_INDICATION) &&
                            streq(p->mux, e->mux) && p->code == e->code)
                                check(e->gen > p->gen, "%s: event [%zu] gen %" PRIu64 " after gen %"
                                      PRIu64 " at [%zu] for %s 0x%08" PRIx32, l->label, i, e->gen,
                                      p->gen, j, e->mux, e->code);
                }
        }
}

/* Explain() through the library equals @want (field, value, member, source), in order. */
static void expect_explain(Ctx *x, const char *mux, const char *const want[][4], size_t n) {
        struct muxcap_explanation *e = NULL;
        size_t got = 0;
        int r = muxcap_client_explain(x->client, mux, &e, &got);

        check(r == 0, "explain(%s): %s", mux, strerror(-r));
        check(got == n, "explain(%s): %zu fields, want %zu", mux, got, n);
        for (size_t i = 0; i < n; i++)
                check(streq(e[i].field, want[i][0]) && streq(e[i].value, want[i][1]) &&
                      streq(e[i].member, want[i][2]) && streq(e[i].source, want[i][3]),
                      "explain(%s)[%zu] = (%s, %s, %s, %s), want (%s, %s, %s, %s)", mux, i,
                      e[i].field, e[i].value, e[i].member, e[i].source, want[i][0], want[i][1],
                      want[i][2], want[i][3]);
        e = muxcap_explanations_free(e, got);
}

/* The JSON key of a connection field's D-Bus name: SupportIPv4 -> support_ipv4. */
static const char *muxcap_field_json_key(const char *name) {
        static const char *const keys[][2] = {
                { "Encapsulation", "encapsulation" },
                { "SupportIPv4", "support_ipv4" },
                { "SupportIPv6", "support_ipv6" },
                { "SupportIPv6ExtensionHeaders", "support_ipv6_extension_headers" },
                { "SupportSack", "support_sack" },
                { "CongestionAlgorithm", "congestion_algorithm" },
                { "TcpConnectionOffloadCapacity", "tcp_connection_offload_capacity" },
                { "Flags", "flags" },
        };

        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                if (streq(keys[i][0], name))
                        return keys[i][1];
        return "?";
}

/* The same table from `muxcapctl explain` and `muxcapctl --json explain`: the hardware record's
 * rows as @want says, the current config's after them (its title and header checked). */
static void expect_ctl_explain(Ctx *x, const char *mux, const char *const want[][4], size_t n) {
        static const char CURRENT_TITLE[] = "connection offload, current config (OFFLOAD_RESUME):\nFIELD ";
        _cleanup_free_ char *text = ctl_expect(x, 0, NULL, "explain %s", mux);
        _cleanup_free_ char *json = ctl_expect(x, 0, NULL, "explain %s -j", mux);
        const char *lines[16] = {
                "connection offload, hardware (TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES):",
                "FIELD VALUE MEMBER SOURCE" };
        char rows[16][256], want_json[2048], *current;
        size_t o;

        assert(n < ELEMENTSOF(lines) - 2);
        o = (size_t) snprintf(want_json, sizeof(want_json),
                              "{\"name\":\"%s\",\"records\":{\"connection_hardware\":[", mux);
        for (size_t i = 0; i < n; i++) {
                snprintf(rows[i], sizeof(rows[i]), "%s %s %s %s", want[i][0], want[i][1],
                         *want[i][2] ? want[i][2] : "-", *want[i][3] ? want[i][3] : "-");
                lines[i + 2] = rows[i];
                o += (size_t) snprintf(want_json + o, sizeof(want_json) - o,
                                       "%s{\"field\":\"%s\",\"name\":\"%s\",\"value\":%s,"
                                       "\"member\":\"%s\",\"source\":\"%s\"}", i ? "," : "",
                                       muxcap_field_json_key(want[i][0]), want[i][0], want[i][1],
                                       want[i][2], want[i][3]);
        }
        lines[n + 2] = NULL;
        snprintf(want_json + o, sizeof(want_json) - o, "],\"connection_current\":[");
        current = strstr(text, "\n\n");
        check(current, "muxcapctl explain: no current config after the hardware:\n%s", text);
        current[1] = '\0';
        expect_exact_lines("muxcapctl explain", text, lines);
        check(strncmp(current + 2, CURRENT_TITLE, strlen(CURRENT_TITLE)) == 0,
              "muxcapctl explain: current config part:\n%s", current + 2);
        check(strncmp(json, want_json, strlen(want_json)) == 0 && strstr(json, "]}}\n"),
              "muxcapctl --json explain %s:\n%swant:\n%s", mux, json, want_json);
}

static int32_t sys_ifindex(const char *ifname) {
        _cleanup_free_ char *path = NULL, *text = NULL;

        check(asprintf(&path, "/sys/class/net/%s/ifindex", ifname) >= 0, "out of memory");
        text = read_file(path);
        check(text && *text, "%s: unreadable", path);
        return (int32_t) strtol(text, NULL, 10);
}

/* Scenarios */

static const char *const EXPLAIN_BR0[][4] = {
        { "Encapsulation", "6", "uA", "kernel" },
        { "SupportIPv4", "1", "uA", "udev" },
        { "SupportIPv6", "1", "uA", "udev" },
        { "SupportIPv6ExtensionHeaders", "0", "uA", "kernel" },
        { "SupportSack", "0", "wA", "kernel" },
        { "CongestionAlgorithm", "0", "uA", "kernel" },
        { "TcpConnectionOffloadCapacity", "100", "wA", "config" },
        { "Flags", "0", "uA", "kernel" },
};

static const char *const EXPLAIN_BR0_NEW[][4] = {
        { "Encapsulation", "6", "uA", "kernel" },
        { "SupportIPv4", "1", "uA", "udev" },
        { "SupportIPv6", "1", "uA", "udev" },
        { "SupportIPv6ExtensionHeaders", "0", "uA", "kernel" },
        { "SupportSack", "1", "uA", "udev" },
        { "CongestionAlgorithm", "0", "uA", "kernel" },
        { "TcpConnectionOffloadCapacity", "4096", "uA", "udev" },
        { "Flags", "0", "uA", "kernel" },
};

static const char *const EXPLAIN_BR2[][4] = {
        { "Encapsulation", "6", "wA", "kernel" },
        { "SupportIPv4", "1", "wA", "udev" },
        { "SupportIPv6", "1", "wA", "udev" },
        { "SupportIPv6ExtensionHeaders", "0", "wA", "kernel" },
        { "SupportSack", "0", "wA", "kernel" },
        { "CongestionAlgorithm", "0", "wA", "kernel" },
        { "TcpConnectionOffloadCapacity", "100", "wA", "config" },
        { "Flags", "0", "wA", "kernel" },
};

/* A subscription delivers the current state first: DAEMON_APPEARED, then per MUX (by name)
 * the hardware record and the current config, with the published generation and bytes. */
static void test_subscribe_delivers_state(Ctx *x, uint64_t g0, uint64_t g1) {
        int r;

        r = muxcap_client_new(&x->client, x->bus);
        check(r == 0, "muxcap_client_new: %s", strerror(-r));
        check(muxcap_client_subscribe(x->client, NULL, event_cb, &x->all) == 0, "subscribe all");
        check(muxcap_client_subscribe(x->client, "br0", event_cb, &x->one) == 0, "subscribe br0");
        check(muxcap_client_subscribe(x->client, "nope", event_cb, &x->none) == 0, "subscribe nope");

        (void) pump_until(x, &x->all, 0, &(Want) { MUXCAP_EVENT_STATE, "br1", CUR, 0, NULL });
        (void) pump_until(x, &x->one, 0, &(Want) { MUXCAP_EVENT_STATE, "br0", CUR, 0, NULL });
        (void) pump_until(x, &x->none, 0, &(Want) { MUXCAP_EVENT_DAEMON_APPEARED, NULL, 0, 0, NULL });
        client_barrier(x, true);

        expect_events(&x->all, 0, (const Want[]) {
                { MUXCAP_EVENT_DAEMON_APPEARED, "", 0, 0, NULL },
                { MUXCAP_EVENT_STATE, "br0", HW, g0, REC_BR0 },
                { MUXCAP_EVENT_STATE, "br0", CUR, g0, REC_BR0 },
                { MUXCAP_EVENT_STATE, "br1", HW, g1, REC_EMPTY },
                { MUXCAP_EVENT_STATE, "br1", CUR, g1, REC_EMPTY },
        }, 5);
        expect_events(&x->one, 0, (const Want[]) {
                { MUXCAP_EVENT_DAEMON_APPEARED, "", 0, 0, NULL },
                { MUXCAP_EVENT_STATE, "br0", HW, g0, REC_BR0 },
                { MUXCAP_EVENT_STATE, "br0", CUR, g0, REC_BR0 },
        }, 3);
        expect_events(&x->none, 0, (const Want[]) {
                { MUXCAP_EVENT_DAEMON_APPEARED, "", 0, 0, NULL },
        }, 1);
        check(generation(x, "br0") == g0 && generation(x, "br1") == g1,
              "generations moved while nothing changed");
        printf("ok: subscriptions got the state (br0 gen %" PRIu64 ", br1 gen %" PRIu64 ")\n", g0, g1);
}

/* The getters return what muxcapd publishes; unknown names are -ENOENT. */
static void test_getters(Ctx *x, uint64_t g0) {
        struct muxcap_record hw, cur;
        struct muxcap_mux_info *info = NULL, **list = NULL;
        struct muxcap_explanation *e = NULL;
        char hex_hw[41], hex_cur[41];
        uint64_t g = 0;
        size_t n = 0;
        int r;

        r = muxcap_client_get_mux(x->client, "br0", &hw, &cur, &g);
        check(r == 0, "get_mux(br0): %s", strerror(-r));
        record_hex(&hw, hex_hw);
        record_hex(&cur, hex_cur);
        check(streq(hex_hw, REC_BR0) && streq(hex_cur, REC_BR0) && g == g0,
              "get_mux(br0) = %s %s gen %" PRIu64, hex_hw, hex_cur, g);
        g = 0;
        r = muxcap_client_get_mux(x->client, "br0", &hw, NULL, &g);     /* GetHardwareCapabilities */
        record_hex(&hw, hex_hw);
        check(r == 0 && streq(hex_hw, REC_BR0) && g == g0, "get_mux(br0, hw only) = %d %s gen %"
              PRIu64, r, hex_hw, g);

        r = muxcap_client_get_nic(x->client, "uA", &hw, &cur);
        record_hex(&hw, hex_hw);
        record_hex(&cur, hex_cur);
        check(r == 0 && streq(hex_hw, REC_U) && streq(hex_cur, REC_U), "get_nic(uA) = %d %s %s",
              r, hex_hw, hex_cur);

        r = muxcap_client_get_mux_info(x->client, "br0", &info);
        check(r == 0, "get_mux_info(br0): %s", strerror(-r));
        record_hex(&info->hardware, hex_hw);
        record_hex(&info->current, hex_cur);
        check(streq(info->name, "br0") && streq(info->kind, "bridge") &&
              info->ifindex == sys_ifindex("br0") && streq(info->capacity_policy, "min") &&
              info->generation == g0 && info->members[0] && streq(info->members[0], "uA") &&
              info->members[1] && streq(info->members[1], "wA") && !info->members[2] &&
              streq(hex_hw, REC_BR0) && streq(hex_cur, REC_BR0),
              "get_mux_info(br0) = %s %s %d %s gen %" PRIu64 " %s %s", info->name, info->kind,
              info->ifindex, info->capacity_policy, info->generation, hex_hw, hex_cur);
        info = muxcap_mux_info_free(info);

        r = muxcap_client_list_muxes(x->client, &list);
        check(r == 0, "list_muxes: %s", strerror(-r));
        check(list[0] && streq(list[0]->name, "br0") && list[1] && streq(list[1]->name, "br1") &&
              !list[2], "list_muxes: want br0, br1");
        check(!list[1]->members[0] && streq(list[1]->kind, "bridge"), "list_muxes: br1 %s",
              list[1]->kind);
        list = muxcap_mux_info_list_free(list);

        expect_explain(x, "br0", EXPLAIN_BR0, ELEMENTSOF(EXPLAIN_BR0));

        /* Unknown names */
        r = muxcap_client_get_mux(x->client, "nope", &hw, &cur, &g);
        check(r == -ENOENT, "get_mux(nope) = %s, want ENOENT", strerror(-r));
        r = muxcap_client_get_mux(x->client, "nope", &hw, NULL, &g);
        check(r == -ENOENT, "get_mux(nope, hw only) = %s, want ENOENT", strerror(-r));
        r = muxcap_client_get_mux_info(x->client, "nope", &info);
        check(r == -ENOENT && !info, "get_mux_info(nope) = %s, want ENOENT", strerror(-r));
        r = muxcap_client_get_nic(x->client, "nope", &hw, &cur);
        check(r == -ENOENT, "get_nic(nope) = %s, want ENOENT", strerror(-r));
        r = muxcap_client_explain(x->client, "nope", &e, &n);
        check(r == -ENOENT && !e, "explain(nope) = %s, want ENOENT", strerror(-r));
        /* A NIC is not a MUX, nor a MUX a NIC (br0 is a NIC as well, a netdev) */
        r = muxcap_client_get_mux(x->client, "uA", &hw, &cur, &g);
        check(r == -ENOENT, "get_mux(uA) = %s, want ENOENT", strerror(-r));
        r = muxcap_client_get_mux(x->client, "", &hw, &cur, &g);
        check(r == -ENOENT, "get_mux('') = %s, want ENOENT", strerror(-r));
        printf("ok: getters\n");
}

/* list, show, explain against the first topology; errors and usage. */
static void test_ctl_verbs(Ctx *x, uint64_t g0, uint64_t g1) {
        _cleanup_free_ char *list = ctl_expect(x, 0, NULL, "list");
        _cleanup_free_ char *list_json = ctl_expect(x, 0, NULL, "list --json");
        _cleanup_free_ char *show = ctl_expect(x, 0, NULL, "show br0");
        _cleanup_free_ char *show_all = ctl_expect(x, 0, NULL, "show -a br0");
        _cleanup_free_ char *show_json = ctl_expect(x, 0, NULL, "show br0 -j");
        _cleanup_free_ char *show_empty = ctl_expect(x, 0, NULL, "show br1");
        _cleanup_free_ char *nic = ctl_expect(x, 0, NULL, "show nic uA");
        _cleanup_free_ char *nic_json = ctl_expect(x, 0, NULL, "show nic uA --json");
        char row0[256], row1[256], title[256], want[2048];
        int32_t br0 = sys_ifindex("br0");

        snprintf(row0, sizeof(row0), "br0 bridge %" PRIu64 " uA,wA " SUM_BR0, g0);
        snprintf(row1, sizeof(row1), "br1 bridge %" PRIu64 " - " SUM_EMPTY, g1);
        expect_exact_lines("muxcapctl list", list, (const char *const[]) {
                "NAME KIND GENERATION MEMBERS OFFLOADS NOW", row0, row1, NULL });

        /* One shape for every record; the 1.0 keys are the field names. */
        snprintf(want, sizeof(want),
                 "[{\"name\":\"br0\",\"kind\":\"bridge\",\"ifindex\":%" PRId32 ","
                 "\"capacity_policy\":\"min\",\"members\":[\"uA\",\"wA\"],\"generation\":%" PRIu64 ","
                 "\"summary\":\"" SUM_BR0 "\",\"records\":{\"connection_hardware\":{"
                 "\"type\":\"connection\",\"status_code\":1073872907,"
                 "\"status\":\"NDIS_STATUS_TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES\","
                 "\"generation\":%" PRIu64 ",\"revision\":2,\"fields\":{\"encapsulation\":6,\"support_ipv4\":1,"
                 "\"support_ipv6\":1,\"support_ipv6_extension_headers\":0,\"support_sack\":0,"
                 "\"congestion_algorithm\":0,\"tcp_connection_offload_capacity\":100,\"flags\":0,"
                 "\"chimney_capable\":true},\"hex\":\"" REC_BR0 "\"},\"connection_current\":{"
                 "\"type\":\"connection\",\"status_code\":1073872899,"
                 "\"status\":\"NDIS_STATUS_OFFLOAD_RESUME\",\"generation\":%" PRIu64 ","
                 "\"revision\":2,\"fields\":{\"encapsulation\":6,\"support_ipv4\":1,"
                 "\"support_ipv6\":1,\"support_ipv6_extension_headers\":0,\"support_sack\":0,"
                 "\"congestion_algorithm\":0,\"tcp_connection_offload_capacity\":100,\"flags\":0,"
                 "\"chimney_capable\":true},\"hex\":\"" REC_BR0 "\"}}},{\"name\":\"br1\",",
                 br0, g0, g0, g0);
        expect_contains("muxcapctl --json list", list_json, want);
        snprintf(want, sizeof(want), "\"members\":[],\"generation\":%" PRIu64 ",", g1);
        expect_contains("muxcapctl --json list", list_json, want);
        expect_contains("muxcapctl --json list", list_json, "\"hex\":\"" REC_EMPTY "\"}}}]\n");
        expect_json_lines("muxcapctl --json list", list_json, true);

        /* show: the fields that are not zero, with what limits each, and chimney. */
        snprintf(title, sizeof(title), "br0: bridge, ifindex %" PRId32 ", generation %" PRIu64
                 ", capacity policy min", br0, g0);
        expect_exact_lines("muxcapctl show br0", show, (const char *const[]) {
                title, "offloads now: " SUM_BR0, "members:", "uA (nic): " SUM_U,
                "wA (nic): " SUM_W, "",
                "CONNECTION OFFLOAD HARDWARE CURRENT LIMITED BY",
                "Encapsulation 802.3,802.3-pq 802.3,802.3-pq uA (kernel)",
                "SupportIPv4 yes yes uA (udev)",
                "SupportIPv6 yes yes uA (udev)",
                "TcpConnectionOffloadCapacity 100 100 wA (config)",
                "tcp chimney yes yes wA (config)", "",
                "(fields not shown are 0; 'muxcapctl show --all br0' shows all)", NULL });
        expect_lines("muxcapctl show -a br0", show_all, (const char *const[]) {
                "SupportSack no no wA (kernel)", "Flags 0x0 0x0 uA (kernel)", NULL });
        check(!strstr(show_all, "shows all"), "show -a still hides fields:\n%s", show_all);
        expect_lines("muxcapctl show br1", show_empty, (const char *const[]) {
                "members: none", "tcp chimney no no -", NULL });
        check(!strstr(show_empty, "Encapsulation"), "show br1 shows zero fields:\n%s", show_empty);

        expect_contains("muxcapctl --json show br0", show_json, "{\"mux\":{\"name\":\"br0\",\"kind\":\"bridge\",");
        expect_contains("muxcapctl --json show br0", show_json,
                        "\"member_records\":[{\"name\":\"uA\",\"type\":\"nic\",\"records\":{"
                        "\"connection_hardware\":{\"type\":\"connection\",\"status_code\":1073872907,"
                        "\"status\":\"NDIS_STATUS_TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES\","
                        "\"generation\":null,\"revision\":2,\"fields\":{"
                        "\"encapsulation\":6,\"support_ipv4\":1,\"support_ipv6\":1,"
                        "\"support_ipv6_extension_headers\":0,\"support_sack\":1,"
                        "\"congestion_algorithm\":0,\"tcp_connection_offload_capacity\":4096,"
                        "\"flags\":0,\"chimney_capable\":true},\"hex\":\"" REC_U "\"},"
                        "\"connection_current\":{");
        expect_contains("muxcapctl --json show br0", show_json,
                        "{\"name\":\"wA\",\"type\":\"nic\",");
        expect_contains("muxcapctl --json show br0", show_json, "\"hex\":\"" REC_W "\"}}}]}\n");
        expect_json_lines("muxcapctl --json show br0", show_json, false);

        /* show nic: each field with its source (udev rules declare uA's support fields). */
        expect_lines("muxcapctl show nic uA", nic, (const char *const[]) {
                "uA: NIC", "CONNECTION OFFLOAD HARDWARE CURRENT SOURCE",
                "Encapsulation 802.3,802.3-pq 802.3,802.3-pq kernel",
                "SupportIPv4 yes yes udev", "SupportSack yes yes udev",
                "TcpConnectionOffloadCapacity 4096 4096 udev", NULL });
        expect_contains("muxcapctl show nic uA --json", nic_json,
                        "{\"nic\":{\"name\":\"uA\",\"records\":{\"connection_hardware\":{");
        expect_contains("muxcapctl show nic uA --json", nic_json,
                        "\"sources\":{\"connection\":{\"encapsulation\":\"kernel\","
                        "\"support_ipv4\":\"udev\",");
        expect_json_lines("muxcapctl show nic uA --json", nic_json, false);

        expect_ctl_explain(x, "br0", EXPLAIN_BR0, ELEMENTSOF(EXPLAIN_BR0));
        {
                _cleanup_free_ char *one = ctl_expect(x, 0, NULL, "explain br0 SupportSack flags");

                expect_exact_lines("muxcapctl explain br0 SupportSack flags", one, (const char *const[]) {
                        "connection offload, hardware (TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES):",
                        "FIELD VALUE MEMBER SOURCE", "SupportSack 0 wA kernel", "Flags 0 uA kernel", "",
                        "connection offload, current config (OFFLOAD_RESUME):",
                        "FIELD VALUE MEMBER SOURCE", "SupportSack 0 wA kernel", "Flags 0 uA kernel",
                        NULL });
        }

        /* Root may resync and reload: both answer nothing and change nothing here. */
        free(ctl_expect(x, 0, NULL, "resync"));
        free(ctl_expect(x, 0, NULL, "reload"));

        /* Unknown names exit 1 with the message; usage errors exit 2, with a live daemon too. */
        free(ctl_expect(x, 1, "muxcapctl: show: 'nope': no such MUX", "show nope"));
        free(ctl_expect(x, 1, "muxcapctl: show: 'nope': no such MUX", "--json show nope"));
        free(ctl_expect(x, 1, "muxcapctl: show: 'nope': no such NIC", "show nic nope"));
        free(ctl_expect(x, 1, "muxcapctl: explain: 'nope': no such MUX", "explain nope"));
        free(ctl_expect(x, 1, "muxcapctl: show: 'uA': no such MUX", "show uA"));
        free(ctl_expect(x, 2, "muxcapctl: show: expected MUX | nic NIC", "show"));
        free(ctl_expect(x, 2, "muxcapctl: explain: 'frob': no such field in the records chosen",
                        "explain br0 frob"));
        free(ctl_expect(x, 2, "muxcapctl: list: takes no arguments", "list br0"));
        free(ctl_expect(x, 2, "muxcapctl: monitor: expected [MUX]", "monitor br0 br1"));
        free(ctl_expect(x, 2, "muxcapctl: unknown command 'frob'", "frob"));
        free(ctl_expect(x, 2, "muxcapctl: decode: record is shorter than 20 bytes", "decode 8002"));
        printf("ok: muxcapctl list, show, show nic, explain, resync, reload, errors\n");
}

/* One line of `muxcapctl --json monitor`: kind, name, generation, status code, then the
 * record's encapsulation, IPv4, IPv6, capacity, chimney and hex (SACK is 0 in all of them). */
#define MONITOR_JSON                                                                    \
        "{\"event\":\"%s\",\"name\":\"%s\",\"generation\":%" PRIu64 ","                  \
        "\"status_code\":%" PRIu32 ",\"status\":\"NDIS_STATUS_%s\",\"record\":{"            \
        "\"type\":\"connection\",\"status_code\":%" PRIu32 ",\"status\":\"NDIS_STATUS_%s\"," \
        "\"generation\":%" PRIu64 ",\"revision\":2,\"fields\":{\"encapsulation\":%s,"      \
        "\"support_ipv4\":%s,\"support_ipv6\":%s,\"support_ipv6_extension_headers\":0,"    \
        "\"support_sack\":0,\"congestion_algorithm\":0,"                                 \
        "\"tcp_connection_offload_capacity\":%s,\"flags\":0,\"chimney_capable\":%s},"     \
        "\"hex\":\"%s\"}}"
#define MONITOR_ARGS(event, name, gen, code, ...)                                       \
        event, name, (uint64_t) (gen), (uint32_t) (code), code_label(code), (uint32_t) (code), \
        code_label(code), (uint64_t) (gen), __VA_ARGS__

/* The NDIS name of a connection status code, without NDIS_STATUS_. */
static const char *code_label(uint32_t code) {
        return code == HW ? "TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES" : "OFFLOAD_RESUME";
}

/* `ethtool -K uA txvlan off` changes br0's current config only: one indication, newer, in
 * order, no duplicate; exactly what muxcapd sent (seen by a raw observer). */
static void test_change_while_subscribed(Ctx *x, uint64_t g0, UtilProcess *mon_json,
                                         UtilProcess *mon_text) {
        size_t all0 = x->all.n, one0 = x->one.n, none0 = x->none.n, seen0;
        char line[1024];
        uint64_t g2;
        size_t i;

        observer_collect(x);
        seen0 = x->n_seen;
        util_run("ethtool -K uA txvlan off");
        i = pump_until(x, &x->one, one0, &(Want) { MUXCAP_EVENT_INDICATION, "br0", CUR, 0,
                                                   REC_BR0_VLAN_OFF });
        g2 = x->one.ev[i].gen;
        (void) pump_until(x, &x->all, all0, &(Want) { MUXCAP_EVENT_INDICATION, "br0", CUR, g2,
                                                      REC_BR0_VLAN_OFF });
        client_barrier(x, true);
        observer_collect(x);

        check(g2 > g0, "indication gen %" PRIu64 " not newer than the state's %" PRIu64, g2, g0);
        check(generation(x, "br0") == g2, "br0 Generation is not the indication's");
        wait_mux(x, "br0", REC_BR0, REC_BR0_VLAN_OFF);
        /* muxcapd sent exactly this (the hardware record did not change) ... */
        check(x->n_seen - seen0 == 1 && x->seen[seen0].status_code == CUR &&
              x->seen[seen0].generation == g2 && streq(x->seen[seen0].path, BUS_ROOT_PATH "/mux/br0"),
              "the observer saw %zu indications, want 1 (br0 current config gen %" PRIu64 ")",
              x->n_seen - seen0, g2);
        /* ... and each subscription delivered it once, nothing else */
        expect_events(&x->one, one0, (const Want[]) {
                { MUXCAP_EVENT_INDICATION, "br0", CUR, g2, REC_BR0_VLAN_OFF } }, 1);
        expect_events(&x->all, all0, (const Want[]) {
                { MUXCAP_EVENT_INDICATION, "br0", CUR, g2, REC_BR0_VLAN_OFF } }, 1);
        expect_events(&x->none, none0, NULL, 0);

        /* The monitors print it too. */
        snprintf(line, sizeof(line), "indication br0 gen %" PRIu64 " OFFLOAD_RESUME " SUM_BR0_VLAN_OFF, g2);
        wait_log_line(mon_text, line);
        snprintf(line, sizeof(line), MONITOR_JSON, MONITOR_ARGS("indication", "br0", g2, CUR, "2",
                 "1", "1", "100", "true", REC_BR0_VLAN_OFF));
        wait_log_line(mon_json, line);
        printf("ok: change while subscribed: one indication, gen %" PRIu64 "\n", g2);
}

/* `muxcapctl --json monitor` (every MUX): JSON Lines of the state and the change, exit 0 on
 * SIGINT. */
static void check_json_monitor(UtilProcess *mon, uint64_t g0, uint64_t g1, uint64_t g2) {
        _cleanup_free_ char *out = stop_monitor(mon);
        char l[5][1024];

        snprintf(l[0], sizeof(l[0]), MONITOR_JSON, MONITOR_ARGS("state", "br0", g0, HW, "6", "1",
                 "1", "100", "true", REC_BR0));
        snprintf(l[1], sizeof(l[1]), MONITOR_JSON, MONITOR_ARGS("state", "br0", g0, CUR, "6", "1",
                 "1", "100", "true", REC_BR0));
        snprintf(l[2], sizeof(l[2]), MONITOR_JSON, MONITOR_ARGS("state", "br1", g1, HW, "0", "0",
                 "0", "0", "false", REC_EMPTY));
        snprintf(l[3], sizeof(l[3]), MONITOR_JSON, MONITOR_ARGS("state", "br1", g1, CUR, "0", "0",
                 "0", "0", "false", REC_EMPTY));
        snprintf(l[4], sizeof(l[4]), MONITOR_JSON, MONITOR_ARGS("indication", "br0", g2, CUR, "2",
                 "1", "1", "100", "true", REC_BR0_VLAN_OFF));
        expect_json_lines("muxcapctl --json monitor", out, false);
        expect_exact_lines("muxcapctl --json monitor", out, (const char *const[]) {
                "{\"event\":\"daemon-appeared\"}", l[0], l[1], l[2], l[3], l[4], NULL });
        printf("ok: muxcapctl --json monitor\n");
}

int main(void) {
        Ctx *x = calloc(1, sizeof(Ctx));
        _cleanup_(util_process_freep) UtilProcess *mon_json = NULL, *mon_text = NULL;
        _cleanup_free_ char *id1 = NULL, *id2 = NULL, *out = NULL;
        char want[256], down[512];
        uint64_t start = util_now_ms(), g0, g1, g2;
        size_t all0, one0, none0, i;
        int status = 0, r;

        util_require_ns_run();
        setvbuf(stdout, NULL, _IOLBF, 0);
        assert(x);
        ctx_for_dump = x;
        x->all.label = "all";
        x->one.label = "br0";
        x->none.label = "nope";
        x->bus = getenv("MUXCAP_TEST_BUS");
        x->dir = getenv("MUXCAP_TEST_DIR");
        x->muxcapd = getenv("MUXCAPD");
        x->ctl = getenv("MUXCAPCTL") ? getenv("MUXCAPCTL") : MUXCAPCTL_PATH;
        check(x->muxcapd, "$MUXCAPD is not set");
        snprintf(x->conf, sizeof(x->conf), "%s/muxcapd-client.conf", x->dir);
        {
                FILE *f = fopen(x->conf, "we");

                check(f, "%s: %s", x->conf, strerror(errno));
                fputs("[Nic w*]\nTcpConnectionOffloadCapacity=100\n", f);
                check(fclose(f) == 0, "writing %s", x->conf);
        }

        x->obs = util_bus_connect();
        util_add_status_match(x->obs);
        daemon_start(x, "muxcapd");

        /* br0 over uA (udev values) and wA (config values); br1 with no member. */
        util_run("ip link add br0 type bridge && ip link add br1 type bridge");
        util_run("ip link add uA type veth peer name uB && ip link add wA type veth peer name wB");
        util_run("udevadm settle");
        util_run("ip link set uA master br0 && ip link set wA master br0");
        wait_mux(x, "br0", REC_BR0, REC_BR0);
        wait_mux(x, "br1", REC_EMPTY, REC_EMPTY);
        g0 = generation(x, "br0");
        g1 = generation(x, "br1");

        test_subscribe_delivers_state(x, g0, g1);
        test_getters(x, g0);
        test_ctl_verbs(x, g0, g1);

        /* Two monitors: every MUX as JSON Lines, and br0 as text across the restart below. */
        {
                char bus_arg[512];

                snprintf(bus_arg, sizeof(bus_arg), "--bus=%s", x->bus);
                mon_json = util_spawn("monitor-json", (char *const[]) { (char *) x->ctl, bus_arg,
                                      "--json", "--records=connection", "monitor", NULL });
                mon_text = util_spawn("monitor-br0", (char *const[]) { (char *) x->ctl, bus_arg,
                                      "monitor", "br0", "--records=connection", NULL });
        }
        wait_log_line(mon_text, "daemon-appeared");
        snprintf(want, sizeof(want), "state br0 gen %" PRIu64 " OFFLOAD_RESUME " SUM_BR0, g0);
        wait_log_line(mon_text, want);
        wait_log_line(mon_json, "{\"event\":\"daemon-appeared\"}");

        test_change_while_subscribed(x, g0, mon_json, mon_text);
        g2 = generation(x, "br0");
        check_json_monitor(mon_json, g0, g1, g2);
        mon_json = util_process_free(mon_json);

        /* SIGKILL: every subscription learns the daemon is gone, and only that. */
        id1 = instance_id(x);
        all0 = x->all.n;
        one0 = x->one.n;
        none0 = x->none.n;
        check(util_process_signal(x->daemon, SIGKILL) == 0, "SIGKILL muxcapd");
        check(util_process_wait(x->daemon, WAIT_MS, &status) == 0 && WIFSIGNALED(status),
              "muxcapd did not die of SIGKILL");
        (void) pump_until(x, &x->all, all0, &(Want) { MUXCAP_EVENT_DAEMON_GONE, NULL, 0, 0, NULL });
        (void) pump_until(x, &x->one, one0, &(Want) { MUXCAP_EVENT_DAEMON_GONE, NULL, 0, 0, NULL });
        (void) pump_until(x, &x->none, none0, &(Want) { MUXCAP_EVENT_DAEMON_GONE, NULL, 0, 0, NULL });
        client_barrier(x, false);
        expect_events(&x->all, all0, (const Want[]) { { MUXCAP_EVENT_DAEMON_GONE, "", 0, 0, NULL } }, 1);
        expect_events(&x->one, one0, (const Want[]) { { MUXCAP_EVENT_DAEMON_GONE, "", 0, 0, NULL } }, 1);
        expect_events(&x->none, none0, (const Want[]) { { MUXCAP_EVENT_DAEMON_GONE, "", 0, 0, NULL } }, 1);
        wait_log_line(mon_text, "daemon-gone");

        /* While it is down: getters say so, muxcapctl exits 1 saying so. */
        r = muxcap_client_get_mux(x->client, "br0", NULL, NULL, NULL);
        check(r == -EHOSTDOWN, "get_mux(br0) with muxcapd down = %s, want EHOSTDOWN", strerror(-r));
        r = muxcap_client_explain(x->client, "br0", &(struct muxcap_explanation *) { NULL },
                                  &(size_t) { 0 });
        check(r == -EHOSTDOWN, "explain(br0) with muxcapd down = %s, want EHOSTDOWN", strerror(-r));
        snprintf(down, sizeof(down), "muxcapctl: show: muxcapd is not running on the bus at '%s'",
                 x->bus);
        free(ctl_expect(x, 1, down, "show br0"));
        snprintf(down, sizeof(down), "muxcapctl: list: muxcapd is not running on the bus at '%s'",
                 x->bus);
        free(ctl_expect(x, 1, down, "list"));

        /* The topology changes meanwhile: wA moves from br0 to a new br2, uC joins br0, br1
         * goes away. */
        util_run("ip link add uC type veth peer name uD && udevadm settle");
        util_run("ip link set wA nomaster && ip link set uC master br0");
        util_run("ip link del br1 && ip link add br2 type bridge && ip link set wA master br2");
        util_run("udevadm settle");

        /* Restart: a new instance, generations from 1, the new state delivered. */
        all0 = x->all.n;
        one0 = x->one.n;
        none0 = x->none.n;
        x->daemon = util_process_free(x->daemon);
        daemon_start(x, "muxcapd-restarted");
        id2 = instance_id(x);
        check(!streq(id1, id2), "InstanceId %s did not change over the restart", id1);
        wait_mux(x, "br0", REC_BR0_NEW_HW, REC_BR0_NEW_CUR);
        wait_mux(x, "br2", REC_W, REC_W);
        check(generation(x, "br0") == 1 && generation(x, "br2") == 1,
              "restarted muxcapd publishes br0 gen %" PRIu64 ", br2 gen %" PRIu64 ", want 1, 1",
              generation(x, "br0"), generation(x, "br2"));
        (void) pump_until(x, &x->all, all0, &(Want) { 0, "br2", CUR, 1, REC_W });
        (void) pump_until(x, &x->all, all0, &(Want) { 0, "br0", CUR, 1, REC_BR0_NEW_CUR });
        (void) pump_until(x, &x->one, one0, &(Want) { 0, "br0", CUR, 1, REC_BR0_NEW_CUR });
        (void) pump_until(x, &x->none, none0, &(Want) { MUXCAP_EVENT_DAEMON_APPEARED, NULL, 0, 0, NULL });
        client_barrier(x, true);
        expect_new_instance(&x->all, all0, (const char *const[]) { "br0", "br2" },
                            (const char *const[][2]) { { REC_BR0_NEW_HW, REC_BR0_NEW_CUR },
                                                       { REC_W, REC_W } }, 2);
        expect_new_instance(&x->one, one0, (const char *const[]) { "br0" },
                            (const char *const[][2]) { { REC_BR0_NEW_HW, REC_BR0_NEW_CUR } }, 1);
        expect_events(&x->none, none0, (const Want[]) {
                { MUXCAP_EVENT_DAEMON_APPEARED, "", 0, 0, NULL } }, 1);
        expect_generations_grow(&x->all);
        expect_generations_grow(&x->one);
        printf("ok: restart: gone, then the new state at generation 1 (before: %" PRIu64 ")\n", g2);

        /* The text monitor saw the whole story of br0, and nothing of the other MUXes. */
        wait_log_line(mon_text, "* br0 gen 1 OFFLOAD_RESUME " SUM_U_VLAN_OFF);
        out = stop_monitor(mon_text);
        mon_text = util_process_free(mon_text);
        {
                char s_hw[256], s_cur[256], ind[256];
                const char *const *lines;

                snprintf(s_hw, sizeof(s_hw), "state br0 gen %" PRIu64
                         " TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES " SUM_BR0, g0);
                snprintf(s_cur, sizeof(s_cur), "state br0 gen %" PRIu64 " OFFLOAD_RESUME " SUM_BR0, g0);
                snprintf(ind, sizeof(ind), "indication br0 gen %" PRIu64 " OFFLOAD_RESUME "
                         SUM_BR0_VLAN_OFF, g2);
                /* the same two forms as expect_new_instance() */
                const char *const state_form[] = {
                        "daemon-appeared", s_hw, s_cur, ind, "daemon-gone", "daemon-appeared",
                        "state br0 gen 1 TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES " SUM_U,
                        "state br0 gen 1 OFFLOAD_RESUME " SUM_U_VLAN_OFF, NULL };
                const char *const added_form[] = {
                        "daemon-appeared", s_hw, s_cur, ind, "daemon-gone", "daemon-appeared",
                        "mux-added br0",
                        "indication br0 gen 1 TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES " SUM_U,
                        "indication br0 gen 1 OFFLOAD_RESUME " SUM_U_VLAN_OFF, NULL };

                lines = strstr(out, "mux-added") ? added_form : state_form;
                expect_exact_lines("muxcapctl monitor br0", out, lines);
        }
        printf("ok: muxcapctl monitor br0 across the restart\n");

        /* The new state through the getters and muxcapctl. */
        {
                struct muxcap_record hw, cur;
                char hex_hw[41], hex_cur[41];
                uint64_t g = 0;
                _cleanup_free_ char *list = ctl_expect(x, 0, NULL, "list");

                r = muxcap_client_get_mux(x->client, "br0", &hw, &cur, &g);
                record_hex(&hw, hex_hw);
                record_hex(&cur, hex_cur);
                check(r == 0 && g == 1 && streq(hex_hw, REC_BR0_NEW_HW) &&
                      streq(hex_cur, REC_BR0_NEW_CUR), "get_mux(br0) after restart = %d %s %s gen %"
                      PRIu64, r, hex_hw, hex_cur, g);
                r = muxcap_client_get_mux(x->client, "br1", &hw, &cur, &g);
                check(r == -ENOENT, "get_mux(br1) after it went = %s, want ENOENT", strerror(-r));
                expect_exact_lines("muxcapctl list", list, (const char *const[]) {
                        "NAME KIND GENERATION MEMBERS OFFLOADS NOW",
                        "br0 bridge 1 uA,uC " SUM_U_VLAN_OFF, "br2 bridge 1 wA " SUM_W, NULL });
                free(ctl_expect(x, 1, "muxcapctl: show: 'br1': no such MUX", "show br1"));
                expect_explain(x, "br0", EXPLAIN_BR0_NEW, ELEMENTSOF(EXPLAIN_BR0_NEW));
                expect_explain(x, "br2", EXPLAIN_BR2, ELEMENTSOF(EXPLAIN_BR2));
                expect_ctl_explain(x, "br2", EXPLAIN_BR2, ELEMENTSOF(EXPLAIN_BR2));
                expect_ctl_explain(x, "br0", EXPLAIN_BR0_NEW, ELEMENTSOF(EXPLAIN_BR0_NEW));
        }

        /* SIGTERM: muxcapd exits 0, the subscriptions hear it is gone; then a clean teardown. */
        all0 = x->all.n;
        check(util_process_signal(x->daemon, SIGTERM) == 0, "SIGTERM muxcapd");
        check(util_process_wait(x->daemon, WAIT_MS, &status) == 0 && WIFEXITED(status) &&
              WEXITSTATUS(status) == 0, "muxcapd did not exit 0 on SIGTERM");
        i = pump_until(x, &x->all, all0, &(Want) { MUXCAP_EVENT_DAEMON_GONE, NULL, 0, 0, NULL });
        check(i == all0, "events before DAEMON_GONE on SIGTERM");
        x->client = muxcap_client_unref(x->client);
        x->daemon = util_process_free(x->daemon);
        x->obs = util_bus_close(x->obs);
        ctx_for_dump = NULL;
        free(x);
        printf("all client scenarios passed in %" PRIu64 " ms\n", util_now_ms() - start);
        return 0;
}
