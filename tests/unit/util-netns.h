/* SPDX-License-Identifier: MIT */
/* Test helpers: a private network + mount namespace, shell commands, a bounded event loop */
#pragma once

#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <event2/event.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXIT_TEST_SKIP 77

/* Moves this (single-threaded) process into fresh network and mount namespaces, with sysfs
 * remounted so /sys/class/net shows the namespace's links. Exits 77 (skip) without root or
 * namespace support. Nothing the test creates is visible to the host, and all of it goes
 * away with the process. */
static inline void netns_enter_private(void) {
        if (geteuid() != 0) {
                fprintf(stderr, "not root, skipping\n");
                exit(EXIT_TEST_SKIP);
        }
        if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0) {
                fprintf(stderr, "unshare(CLONE_NEWNET|CLONE_NEWNS): %s, skipping\n", strerror(errno));
                exit(EXIT_TEST_SKIP);
        }
        assert(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
        assert(mount("sysfs", "/sys", "sysfs", 0, NULL) == 0);
}

/* Runs a shell command; returns its exit status (-1 when it did not exit). */
static inline int shell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int shell(const char *fmt, ...) {
        char cmd[512];
        va_list ap;
        int n, status;

        va_start(ap, fmt);
        n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
        va_end(ap);
        assert(n > 0 && (size_t) n < sizeof(cmd));

        status = system(cmd);
        if (status < 0 || !WIFEXITED(status))
                return -1;
        return WEXITSTATUS(status);
}

#define SHELL_OK(...)                                                   \
        do {                                                            \
                if (shell(__VA_ARGS__) != 0) {                          \
                        fprintf(stderr, "command failed: ");            \
                        fprintf(stderr, __VA_ARGS__);                   \
                        fprintf(stderr, "\n");                          \
                        abort();                                        \
                }                                                       \
        } while (0)

static inline void loop_timeout_cb(evutil_socket_t fd, short what, void *userdata) {
        *(bool *) userdata = true;
}

/* Runs @base until @done(@userdata) holds; returns false when @timeout_ms passed first. */
static inline bool loop_until(struct event_base *base, bool (*done)(void *userdata),
                              void *userdata, int timeout_ms) {
        struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
        bool expired = false;
        struct event *timer;

        timer = evtimer_new(base, loop_timeout_cb, &expired);
        assert(timer);
        assert(evtimer_add(timer, &tv) == 0);
        while (!done(userdata) && !expired)
                assert(event_base_loop(base, EVLOOP_ONCE) >= 0);
        event_free(timer);
        return done(userdata);
}
