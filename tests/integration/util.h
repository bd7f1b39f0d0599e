/* SPDX-License-Identifier: MIT */
/* Integration-test helpers: processes, shell commands and a blocking D-Bus client (in ns-run.sh) */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <dbus/dbus.h>

#include "bus-path.h"
#include "macro.h"

/*
 * Meant for tests run by ns-run.sh: helpers that can only fail through a broken environment
 * (fork, exec, connecting to $MUXCAP_TEST_BUS) print why and abort(); helpers whose outcome
 * a test may assert on return 0 or a negative errno. Blocking calls are fine here.
 */

#define UTIL_TIMEOUT_MS 5000

/* environment */
void util_require_ns_run(void);                 /* exit 77 unless root inside ns-run.sh */
uint64_t util_now_ms(void);                     /* CLOCK_MONOTONIC */

/* processes */
typedef struct UtilProcess UtilProcess;
UtilProcess *util_spawn(const char *name, char *const argv[]);
UtilProcess *util_spawn_env(const char *name, char *const argv[], char *const env[]);
UtilProcess *util_process_free(UtilProcess *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(UtilProcess *, util_process_free)
pid_t util_process_pid(const UtilProcess *p);
const char *util_process_log(const UtilProcess *p);
int util_process_wait_ready(UtilProcess *p, int timeout_ms);
int util_process_signal(UtilProcess *p, int sig);
#define util_process_stop(p) util_process_signal((p), SIGSTOP)
#define util_process_cont(p) util_process_signal((p), SIGCONT)
int util_process_wait(UtilProcess *p, int timeout_ms, int *ret_status);
void util_process_dump_log(const UtilProcess *p);

/* heap-probe (heap-probe.c), preloaded into a daemon to read the bytes its heap holds:
 * util_heap_probe_env() gives the environment for util_spawn_env() (static storage, the
 * daemon leaking @leak bytes per NIC added; 0 for none), or NULL when this build has no probe
 * (ASan); util_heap_bytes() asks the daemon started with it. */
char *const *util_heap_probe_env(unsigned leak);
long long util_heap_bytes(void);

/* shell commands */
void util_run(const char *fmt, ...) _printf_(1, 2);
int util_run_status(const char *fmt, ...) _printf_(1, 2);
char *util_run_output(const char *fmt, ...) _printf_(1, 2);

/* bus */
DBusConnection *util_bus_connect(void);
DBusConnection *util_bus_close(DBusConnection *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(DBusConnection *, util_bus_close)
int util_wait_name(DBusConnection *c, const char *name, int timeout_ms);
DBusMessage *util_call(DBusConnection *c, const char *dest, const char *path, const char *iface,
                       const char *method, int first_arg_type, ...);
bool util_name_has_owner(DBusConnection *c, const char *name);
void util_managed_object(DBusMessageIter *objs, const char **ret_path, DBusMessageIter *ret_props);
bool util_next_property(DBusMessageIter *props, const char **ret_name, DBusMessageIter *ret_value);
int util_get_property(DBusConnection *c, const char *dest, const char *path, const char *iface,
                      const char *prop, int type, void *ret);
/* An a{ss} property as "key=value key=value", in the daemon's order. */
int util_get_property_dict(DBusConnection *c, const char *dest, const char *path,
                           const char *iface, const char *prop, char *buf, size_t size);
int util_get_property_bytes(DBusConnection *c, const char *dest, const char *path,
                            const char *iface, const char *prop, uint8_t *buf, size_t size,
                            size_t *ret_size);
int util_get_property_words(DBusConnection *c, const char *dest, const char *path,
                            const char *iface, const char *prop, char **ret);

/* StatusIndication signals */
typedef struct UtilStatus {
        char path[256];
        uint32_t status_code;
        uint64_t generation;
        uint8_t buffer[256];
        size_t size;
} UtilStatus;
typedef bool (*UtilStatusPredicate)(const UtilStatus *s, void *userdata);

void util_add_status_match(DBusConnection *c);
/* Whether the waits below see the task-offload indications (0x40020007, 0x40020006) too.
 * Off by default: the tests written for the connection record alone watch its two codes, as a
 * subscriber of one status code does (generations may then skip, never repeat). */
void util_watch_task_records(bool on);
int util_wait_status(DBusConnection *c, UtilStatusPredicate pred, void *userdata, int timeout_ms,
                     UtilStatus *ret);
void util_assert_no_status(DBusConnection *c, int ms);
