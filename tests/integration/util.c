/* SPDX-License-Identifier: MIT */
/* Integration-test helpers: processes, shell commands and a blocking D-Bus client (in ns-run.sh) */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

#include "schema-task.h"
#include "util.h"

#define fail(...)                                               \
        do {                                                    \
                fprintf(stderr, "util: " __VA_ARGS__);          \
                fputc('\n', stderr);                            \
                abort();                                        \
        } while (0)

static const char *test_dir(void) {
        const char *d = getenv("MUXCAP_TEST_DIR");

        if (!d)
                fail("MUXCAP_TEST_DIR is not set: run the test through ns-run.sh");
        return d;
}

char *const *util_heap_probe_env(unsigned leak) {
        static char probe[700], sock[700], leak_bytes[64];
        /* No per-thread cache: mallinfo2() counts the chunks it holds as in use, and which
         * sizes it holds at a given moment is chance (up to 7 chunks of each size). */
        static char *env[] = { probe, sock, leak_bytes,
                               (char *) "GLIBC_TUNABLES=glibc.malloc.tcache_count=0", NULL };
        const char *so = getenv("MUXCAP_HEAP_PROBE_SO");

        if (!so || !*so)
                return NULL;
        snprintf(probe, sizeof(probe), "LD_PRELOAD=%s", so);
        snprintf(sock, sizeof(sock), "MUXCAP_HEAP_PROBE=%s/heap.sock", test_dir());
        snprintf(leak_bytes, sizeof(leak_bytes), "MUXCAP_HEAP_PROBE_LEAK=%u", leak);
        return env;
}

long long util_heap_bytes(void) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        char line[32] = "";
        long long n = -1;
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/heap.sock", test_dir());
        if (fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 ||
            read(fd, line, sizeof(line) - 1) <= 0 || sscanf(line, "%lld", &n) != 1 || n <= 0)
                fail("heap-probe at %s: no answer (%s)", sa.sun_path, strerror(errno));
        close(fd);
        return n;
}

/* Exits 77 (skipped) unless running as root inside ns-run.sh: the tests create links and
 * start daemons, which must never happen in the host's namespaces. */
void util_require_ns_run(void) {
        if (geteuid() != 0) {
                fprintf(stderr, "needs root, skipping\n");
                exit(77);
        }
        if (!getenv("MUXCAP_TEST_BUS") || !getenv("MUXCAP_TEST_DIR")) {
                fprintf(stderr, "not inside tests/integration/ns-run.sh, skipping\n");
                exit(77);
        }
}

uint64_t util_now_ms(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

static int remaining_ms(uint64_t deadline) {
        uint64_t now = util_now_ms();

        return now >= deadline ? 0 : (int) (deadline - now);
}

/* Processes */

struct UtilProcess {
        char *name;             /* owned */
        pid_t pid;              /* 0 once reaped */
        int status;             /* wait status, once reaped */
        char *log_path;         /* owned: $MUXCAP_TEST_DIR/NAME.log, stdout and stderr */
        char *notify_path;      /* owned: the child's NOTIFY_SOCKET */
        int notify_fd;          /* owned */
};

/* Starts argv[0] (looked up in PATH) with stdout and stderr appended to
 * $MUXCAP_TEST_DIR/@name.log, stdin from /dev/null, and NOTIFY_SOCKET pointing at a socket
 * of ours (see util_process_wait_ready()). The child gets SIGKILL if the test dies. Returns
 * a new UtilProcess, freed (and killed if still running) by util_process_free(). */
UtilProcess *util_spawn(const char *name, char *const argv[]) {
        return util_spawn_env(name, argv, NULL);
}

/* Like util_spawn(), with @env applied in the child after NOTIFY_SOCKET is set, so it can
 * override it: "NAME=VALUE" sets NAME, a bare "NAME" unsets it, and the value "$PID" stands
 * for the child's own pid (systemd sets WATCHDOG_PID that way). @env ends with NULL. */
UtilProcess *util_spawn_env(const char *name, char *const argv[], char *const env[]) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        pid_t parent = getpid();
        UtilProcess *p;
        int log_fd;

        p = calloc(1, sizeof(*p));
        if (!p || asprintf(&p->log_path, "%s/%s.log", test_dir(), name) < 0 ||
            asprintf(&p->notify_path, "%s/%s.notify", test_dir(), name) < 0 ||
            !(p->name = strdup(name)))
                fail("out of memory");

        if (strlen(p->notify_path) >= sizeof(sa.sun_path))
                fail("%s: path too long", p->notify_path);
        strcpy(sa.sun_path, p->notify_path);
        (void) unlink(p->notify_path);
        p->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (p->notify_fd < 0 || bind(p->notify_fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
                fail("%s: notify socket: %s", name, strerror(errno));

        log_fd = open(p->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (log_fd < 0)
                fail("%s: %s", p->log_path, strerror(errno));

        p->pid = fork();
        if (p->pid < 0)
                fail("fork: %s", strerror(errno));
        if (p->pid == 0) {
                int null_fd = open("/dev/null", O_RDONLY);
                char pid[32];

                if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
                        _exit(127);
                if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 ||
                    dup2(log_fd, STDOUT_FILENO) < 0 || dup2(log_fd, STDERR_FILENO) < 0 ||
                    setenv("NOTIFY_SOCKET", p->notify_path, 1) < 0)
                        _exit(127);
                (void) snprintf(pid, sizeof(pid), "%d", (int) getpid());
                for (size_t i = 0; env && env[i]; i++) {
                        const char *eq = strchr(env[i], '=');
                        char *key;
                        int r;

                        key = strndup(env[i], eq ? (size_t) (eq - env[i]) : strlen(env[i]));
                        if (!key)
                                _exit(127);
                        if (!eq)
                                r = unsetenv(key);
                        else
                                r = setenv(key, streq(eq + 1, "$PID") ? pid : eq + 1, 1);
                        free(key);
                        if (r < 0)
                                _exit(127);
                }
                execvp(argv[0], argv);
                fprintf(stderr, "util: exec '%s': %s\n", argv[0], strerror(errno));
                _exit(127);
        }
        (void) close(log_fd);
        return p;
}

/* Kills (SIGKILL) and reaps the process if still running, frees @p. NULL-safe; returns NULL. */
UtilProcess *util_process_free(UtilProcess *p) {
        if (!p)
                return NULL;
        if (p->pid > 0) {
                (void) kill(p->pid, SIGKILL);
                (void) waitpid(p->pid, NULL, 0);
        }
        if (p->notify_fd >= 0)
                (void) close(p->notify_fd);
        if (p->notify_path)
                (void) unlink(p->notify_path);
        free(p->notify_path);
        free(p->log_path);
        free(p->name);
        free(p);
        return NULL;
}

pid_t util_process_pid(const UtilProcess *p) {
        return p->pid;
}

const char *util_process_log(const UtilProcess *p) {
        return p->log_path;
}

/* Reaps without blocking; returns true once the process has exited. */
static bool process_reap(UtilProcess *p) {
        if (p->pid <= 0)
                return true;
        if (waitpid(p->pid, &p->status, WNOHANG) != p->pid)
                return false;
        p->pid = 0;
        return true;
}

/* Waits for the process to send READY=1 on its NOTIFY_SOCKET (sd_notify). Returns 0,
 * -ETIMEDOUT, or -ECHILD if it exited first. */
int util_process_wait_ready(UtilProcess *p, int timeout_ms) {
        uint64_t deadline = util_now_ms() + (uint64_t) timeout_ms;

        for (;;) {
                struct pollfd pfd = { .fd = p->notify_fd, .events = POLLIN };
                char buf[4096];
                ssize_t n;

                while ((n = recv(p->notify_fd, buf, sizeof(buf) - 1, 0)) > 0) {
                        buf[n] = 0;
                        for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
                                if (streq(line, "READY=1"))
                                        return 0;
                }
                if (process_reap(p))
                        return -ECHILD;
                if (remaining_ms(deadline) == 0)
                        return -ETIMEDOUT;
                /* Short polls: the process exiting does not wake us up. */
                (void) poll(&pfd, 1, remaining_ms(deadline) < 50 ? remaining_ms(deadline) : 50);
        }
}

/* Sends @sig (SIGTERM, SIGSTOP, SIGCONT, ...). Returns 0, or -ESRCH once reaped. */
int util_process_signal(UtilProcess *p, int sig) {
        if (p->pid <= 0)
                return -ESRCH;
        return kill(p->pid, sig) < 0 ? -errno : 0;
}

/* Waits for the process to exit and stores its wait status (WIFEXITED(), ...) in
 * @ret_status. Returns 0 or -ETIMEDOUT (the process keeps running). */
int util_process_wait(UtilProcess *p, int timeout_ms, int *ret_status) {
        uint64_t deadline = util_now_ms() + (uint64_t) timeout_ms;

        while (!process_reap(p)) {
                if (remaining_ms(deadline) == 0)
                        return -ETIMEDOUT;
                (void) poll(NULL, 0, 10);
        }
        if (ret_status)
                *ret_status = p->status;
        return 0;
}

/* Copies the process's log to stderr (for a test about to fail). */
void util_process_dump_log(const UtilProcess *p) {
        FILE *f = fopen(p->log_path, "re");
        char line[1024];

        fprintf(stderr, "---- %s ----\n", p->log_path);
        if (!f)
                return;
        while (fgets(line, sizeof(line), f))
                fputs(line, stderr);
        fclose(f);
        fprintf(stderr, "---- end of %s ----\n", p->log_path);
}

/* Shell commands: run by /bin/sh, output to ours (except util_run_output()). */

static char *format_command(const char *fmt, va_list ap) {
        char *cmd;

        if (vasprintf(&cmd, fmt, ap) < 0)
                fail("out of memory");
        return cmd;
}

static int exit_code(int status) {
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* Returns the command's exit code (128 + signal when killed). */
int util_run_status(const char *fmt, ...) {
        _cleanup_free_ char *cmd = NULL;
        va_list ap;
        int status;

        va_start(ap, fmt);
        cmd = format_command(fmt, ap);
        va_end(ap);

        status = system(cmd);
        if (status < 0)
                fail("running '%s': %s", cmd, strerror(errno));
        return exit_code(status);
}

/* Runs the command and aborts the test unless it exits 0. */
void util_run(const char *fmt, ...) {
        _cleanup_free_ char *cmd = NULL;
        va_list ap;
        int status;

        va_start(ap, fmt);
        cmd = format_command(fmt, ap);
        va_end(ap);

        status = system(cmd);
        if (status < 0 || exit_code(status) != 0)
                fail("'%s' failed (exit %d)", cmd, status < 0 ? -1 : exit_code(status));
}

/* Runs the command, aborts unless it exits 0, returns its stdout (free() it). */
char *util_run_output(const char *fmt, ...) {
        _cleanup_free_ char *cmd = NULL;
        char *out = NULL;
        size_t size = 0;
        FILE *pipe_f, *mem;
        char buf[4096];
        size_t n;
        int status;
        va_list ap;

        va_start(ap, fmt);
        cmd = format_command(fmt, ap);
        va_end(ap);

        mem = open_memstream(&out, &size);
        pipe_f = popen(cmd, "re");
        if (!mem || !pipe_f)
                fail("running '%s': %s", cmd, strerror(errno));
        while ((n = fread(buf, 1, sizeof(buf), pipe_f)) > 0)
                fwrite(buf, 1, n, mem);
        status = pclose(pipe_f);
        fclose(mem);
        if (status < 0 || exit_code(status) != 0)
                fail("'%s' failed (exit %d), output:\n%s", cmd,
                     status < 0 ? -1 : exit_code(status), out);
        return out;
}

/* Bus */

/* A new private connection to $MUXCAP_TEST_BUS, registered; close with util_bus_close(). */
DBusConnection *util_bus_connect(void) {
        DBusError error = DBUS_ERROR_INIT;
        const char *address = getenv("MUXCAP_TEST_BUS");
        DBusConnection *c;

        if (!address)
                fail("MUXCAP_TEST_BUS is not set: run the test through ns-run.sh");
        c = dbus_connection_open_private(address, &error);
        if (!c || !dbus_bus_register(c, &error))
                fail("connecting to %s: %s", address, error.message);
        dbus_connection_set_exit_on_disconnect(c, FALSE);
        return c;
}

/* NULL-safe; returns NULL. */
DBusConnection *util_bus_close(DBusConnection *c) {
        if (c) {
                dbus_connection_close(c);
                dbus_connection_unref(c);
        }
        return NULL;
}

/* Calls a method and waits (UTIL_TIMEOUT_MS) for the reply; arguments as for
 * dbus_message_append_args(). Returns the reply, or a D-Bus error turned into an error
 * message (check dbus_message_get_type() and dbus_message_get_error_name()). Unref it. */
DBusMessage *util_call(DBusConnection *c, const char *dest, const char *path, const char *iface,
                       const char *method, int first_arg_type, ...) {
        DBusError error = DBUS_ERROR_INIT;
        DBusMessage *m, *reply;
        va_list ap;

        m = dbus_message_new_method_call(dest, path, iface, method);
        if (!m)
                fail("out of memory");
        va_start(ap, first_arg_type);
        if (!dbus_message_append_args_valist(m, first_arg_type, ap))
                fail("%s.%s: bad arguments", iface, method);
        va_end(ap);

        reply = dbus_connection_send_with_reply_and_block(c, m, UTIL_TIMEOUT_MS, &error);
        if (!reply) {
                reply = dbus_message_new_error(m, error.name, error.message);
                if (!reply)
                        fail("out of memory");
                dbus_error_free(&error);
        }
        dbus_message_unref(m);
        return reply;
}

/* Waits until @name has an owner on the bus. Returns 0 or -ETIMEDOUT. */
int util_wait_name(DBusConnection *c, const char *name, int timeout_ms) {
        uint64_t deadline = util_now_ms() + (uint64_t) timeout_ms;

        for (;;) {
                DBusMessage *reply = util_call(c, DBUS_SERVICE_DBUS, DBUS_PATH_DBUS,
                                               DBUS_INTERFACE_DBUS, "NameHasOwner",
                                               DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID);
                dbus_bool_t has = FALSE;

                if (!dbus_message_get_args(reply, NULL, DBUS_TYPE_BOOLEAN, &has,
                                           DBUS_TYPE_INVALID))
                        fail("NameHasOwner('%s'): %s", name,
                             dbus_message_get_error_name(reply) ? dbus_message_get_error_name(reply)
                                                                : "bad reply");
                dbus_message_unref(reply);
                if (has)
                        return 0;
                if (remaining_ms(deadline) == 0)
                        return -ETIMEDOUT;
                (void) poll(NULL, 0, 20);
        }
}

/* Properties.Get; on success leaves @ret_iter in the variant's value, @ret_reply owned. */
static int get_variant(DBusConnection *c, const char *dest, const char *path, const char *iface,
                       const char *prop, DBusMessage **ret_reply, DBusMessageIter *ret_iter) {
        DBusMessage *reply;
        DBusMessageIter it;

        reply = util_call(c, dest, path, DBUS_INTERFACE_PROPERTIES, "Get", DBUS_TYPE_STRING,
                          &iface, DBUS_TYPE_STRING, &prop, DBUS_TYPE_INVALID);
        if (dbus_message_get_type(reply) == DBUS_MESSAGE_TYPE_ERROR) {
                const char *name = dbus_message_get_error_name(reply);
                bool missing = streq(name, DBUS_ERROR_UNKNOWN_PROPERTY) ||
                               streq(name, DBUS_ERROR_UNKNOWN_OBJECT) ||
                               streq(name, DBUS_ERROR_UNKNOWN_INTERFACE) ||
                               streq(name, DBUS_ERROR_SERVICE_UNKNOWN);

                dbus_message_unref(reply);
                return missing ? -ENOENT : -EREMOTEIO;
        }
        if (!dbus_message_iter_init(reply, &it) ||
            dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_VARIANT) {
                dbus_message_unref(reply);
                return -EBADMSG;
        }
        dbus_message_iter_recurse(&it, ret_iter);
        *ret_reply = reply;
        return 0;
}

/* One entry of a GetManagedObjects reply, @objs at its dict entry: its path, and @ret_props
 * at the a{sv} of its first (muxcap's objects: only) interface. */
void util_managed_object(DBusMessageIter *objs, const char **ret_path, DBusMessageIter *ret_props) {
        DBusMessageIter e, ifaces, ie;

        dbus_message_iter_recurse(objs, &e);
        dbus_message_iter_get_basic(&e, ret_path);
        dbus_message_iter_next(&e);
        dbus_message_iter_recurse(&e, &ifaces);
        dbus_message_iter_recurse(&ifaces, &ie);
        dbus_message_iter_next(&ie);
        dbus_message_iter_recurse(&ie, ret_props);
}

/* Reads the {sv} at @props (a{sv} contents) and steps past it: false at the end. */
bool util_next_property(DBusMessageIter *props, const char **ret_name, DBusMessageIter *ret_value) {
        DBusMessageIter pe;

        if (dbus_message_iter_get_arg_type(props) != DBUS_TYPE_DICT_ENTRY)
                return false;
        dbus_message_iter_recurse(props, &pe);
        dbus_message_iter_get_basic(&pe, ret_name);
        dbus_message_iter_next(&pe);
        dbus_message_iter_recurse(&pe, ret_value);
        dbus_message_iter_next(props);
        return true;
}

/* Whether @name has an owner on @c's bus (NameHasOwner). */
bool util_name_has_owner(DBusConnection *c, const char *name) {
        DBusMessage *m = util_call(c, DBUS_SERVICE_DBUS, DBUS_PATH_DBUS, DBUS_INTERFACE_DBUS,
                                   "NameHasOwner", DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID);
        dbus_bool_t has = FALSE;

        if (!dbus_message_get_args(m, NULL, DBUS_TYPE_BOOLEAN, &has, DBUS_TYPE_INVALID))
                fail("NameHasOwner(%s): no boolean answer", name);
        dbus_message_unref(m);
        return has;
}

/* Reads a property of basic D-Bus @type into @ret, which must point to the matching C type
 * (u: uint32_t, t: uint64_t, y: uint8_t, b: dbus_bool_t, i: int32_t, d: double; s and o:
 * char *, a copy to free()). Returns 0, -ENOENT (no such object/interface/property/name),
 * -EBADMSG (the value has another type) or -EREMOTEIO (other D-Bus error). */
int util_get_property(DBusConnection *c, const char *dest, const char *path, const char *iface,
                      const char *prop, int type, void *ret) {
        DBusMessage *reply = NULL;
        DBusMessageIter v;
        int r;

        r = get_variant(c, dest, path, iface, prop, &reply, &v);
        if (r < 0)
                return r;
        if (dbus_message_iter_get_arg_type(&v) != type || !dbus_type_is_basic(type)) {
                dbus_message_unref(reply);
                return -EBADMSG;
        }
        if (type == DBUS_TYPE_STRING || type == DBUS_TYPE_OBJECT_PATH ||
            type == DBUS_TYPE_SIGNATURE) {
                const char *s;

                dbus_message_iter_get_basic(&v, &s);
                *(char **) ret = strdup(s);
                if (!*(char **) ret)
                        fail("out of memory");
        } else
                dbus_message_iter_get_basic(&v, ret);
        dbus_message_unref(reply);
        return 0;
}

/* Reads an "ay" property into @buf. Returns 0 with the length in @ret_size, -ENOBUFS if
 * longer than @size, or the errors of util_get_property(). */
int util_get_property_bytes(DBusConnection *c, const char *dest, const char *path,
                            const char *iface, const char *prop, uint8_t *buf, size_t size,
                            size_t *ret_size) {
        DBusMessage *reply = NULL;
        DBusMessageIter v, a;
        const uint8_t *bytes;
        int r, n;

        r = get_variant(c, dest, path, iface, prop, &reply, &v);
        if (r < 0)
                return r;
        if (dbus_message_iter_get_arg_type(&v) != DBUS_TYPE_ARRAY ||
            dbus_message_iter_get_element_type(&v) != DBUS_TYPE_BYTE) {
                dbus_message_unref(reply);
                return -EBADMSG;
        }
        dbus_message_iter_recurse(&v, &a);
        dbus_message_iter_get_fixed_array(&a, &bytes, &n);
        if ((size_t) n > size) {
                dbus_message_unref(reply);
                return -ENOBUFS;
        }
        memcpy(buf, bytes, (size_t) n);
        *ret_size = (size_t) n;
        dbus_message_unref(reply);
        return 0;
}

int util_get_property_dict(DBusConnection *c, const char *dest, const char *path,
                           const char *iface, const char *prop, char *buf, size_t size) {
        DBusMessage *reply = NULL;
        DBusMessageIter v, a;
        size_t len = 0;
        char *sig;
        int r;

        r = get_variant(c, dest, path, iface, prop, &reply, &v);
        if (r < 0)
                return r;
        sig = dbus_message_iter_get_signature(&v);
        if (!sig || !streq(sig, "a{ss}")) {
                dbus_free(sig);
                dbus_message_unref(reply);
                return -EBADMSG;
        }
        dbus_free(sig);
        buf[0] = '\0';
        for (dbus_message_iter_recurse(&v, &a); dbus_message_iter_get_arg_type(&a) == DBUS_TYPE_DICT_ENTRY;
             dbus_message_iter_next(&a)) {
                DBusMessageIter e;
                const char *k, *val;
                int n;

                dbus_message_iter_recurse(&a, &e);
                dbus_message_iter_get_basic(&e, &k);
                dbus_message_iter_next(&e);
                dbus_message_iter_get_basic(&e, &val);
                n = snprintf(buf + len, size - len, "%s%s=%s", len ? " " : "", k, val);
                if (n < 0 || (size_t) n >= size - len) {
                        dbus_message_unref(reply);
                        return -ENOBUFS;
                }
                len += (size_t) n;
        }
        dbus_message_unref(reply);
        return 0;
}

/* StatusIndication signals */

/* Subscribes @c to every StatusIndication (blocking AddMatch: in place when this returns). */
void util_add_status_match(DBusConnection *c) {
        DBusError error = DBUS_ERROR_INIT;

        dbus_bus_add_match(c, "type='signal',interface='" BUS_IFACE_MUX "',"
                              "member='StatusIndication'", &error);
        if (dbus_error_is_set(&error))
                fail("AddMatch: %s", error.message);
}

static bool watch_task_records;

void util_watch_task_records(bool on) {
        watch_task_records = on;
}

/* Returns true and fills @ret if @m is a StatusIndication of a watched code; aborts if one is
 * malformed. */
static bool parse_status(DBusMessage *m, UtilStatus *ret) {
        DBusError error = DBUS_ERROR_INIT;
        const uint8_t *bytes;
        int n;

        if (!dbus_message_is_signal(m, BUS_IFACE_MUX, "StatusIndication"))
                return false;

        memset(ret, 0, sizeof(*ret));
        if (!dbus_message_get_args(m, &error, DBUS_TYPE_UINT32, &ret->status_code,
                                   DBUS_TYPE_UINT64, &ret->generation,
                                   DBUS_TYPE_ARRAY, DBUS_TYPE_BYTE, &bytes, &n,
                                   DBUS_TYPE_INVALID))
                fail("StatusIndication on %s with signature '%s': %s", dbus_message_get_path(m),
                     dbus_message_get_signature(m), error.message);
        if ((size_t) n > sizeof(ret->buffer))
                fail("StatusIndication on %s: %d-byte buffer", dbus_message_get_path(m), n);
        memcpy(ret->buffer, bytes, (size_t) n);
        ret->size = (size_t) n;
        (void) snprintf(ret->path, sizeof(ret->path), "%s", dbus_message_get_path(m));
        return watch_task_records || (ret->status_code != STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES &&
                                      ret->status_code != STATUS_TASK_OFFLOAD_CURRENT_CONFIG);
}

/* Waits for the next StatusIndication for which @pred (NULL: any) returns true; every other
 * message received meanwhile is dropped. Returns 0 and fills @ret (may be NULL),
 * -ETIMEDOUT, or -ECONNRESET if the bus went away. Needs util_add_status_match(). */
int util_wait_status(DBusConnection *c, UtilStatusPredicate pred, void *userdata, int timeout_ms,
                     UtilStatus *ret) {
        uint64_t deadline = util_now_ms() + (uint64_t) timeout_ms;

        for (;;) {
                DBusMessage *m;

                while ((m = dbus_connection_pop_message(c))) {
                        UtilStatus s;
                        bool match = parse_status(m, &s) && (!pred || pred(&s, userdata));

                        dbus_message_unref(m);
                        if (match) {
                                if (ret)
                                        *ret = s;
                                return 0;
                        }
                }
                if (remaining_ms(deadline) == 0)
                        return -ETIMEDOUT;
                if (!dbus_connection_read_write(c, remaining_ms(deadline)))
                        return -ECONNRESET;
        }
}

/* Aborts if any StatusIndication arrives within @ms. */
void util_assert_no_status(DBusConnection *c, int ms) {
        UtilStatus s;
        int r;

        r = util_wait_status(c, NULL, NULL, ms, &s);
        if (r == 0)
                fail("unexpected StatusIndication on %s: code 0x%08x generation %llu",
                     s.path, (unsigned) s.status_code, (unsigned long long) s.generation);
        if (r != -ETIMEDOUT)
                fail("waiting for StatusIndication: %s", strerror(-r));
}

/* Reads an "as" property and returns its strings joined by single blanks ("" when empty; free()
 * it) in @ret. Returns 0, -EBADMSG (another type) or the errors of util_get_property(). */
int util_get_property_words(DBusConnection *c, const char *dest, const char *path,
                            const char *iface, const char *prop, char **ret) {
        DBusMessage *reply = NULL;
        DBusMessageIter v, a;
        char *out = NULL;
        size_t size = 0;
        FILE *f;
        int r;

        r = get_variant(c, dest, path, iface, prop, &reply, &v);
        if (r < 0)
                return r;
        if (dbus_message_iter_get_arg_type(&v) != DBUS_TYPE_ARRAY ||
            dbus_message_iter_get_element_type(&v) != DBUS_TYPE_STRING) {
                dbus_message_unref(reply);
                return -EBADMSG;
        }
        f = open_memstream(&out, &size);
        if (!f)
                fail("out of memory");
        dbus_message_iter_recurse(&v, &a);
        for (bool first = true; dbus_message_iter_get_arg_type(&a) == DBUS_TYPE_STRING;
             first = false, dbus_message_iter_next(&a)) {
                const char *s;

                dbus_message_iter_get_basic(&a, &s);
                fprintf(f, "%s%s", first ? "" : " ", s);
        }
        if (fclose(f) != 0)
                fail("out of memory");
        dbus_message_unref(reply);
        *ret = out;
        return 0;
}
