/* SPDX-License-Identifier: MIT */
/* A test-only hook, preloaded into muxcapd (LD_PRELOAD) by test-memory: it tells how many
 * bytes the daemon's heap holds, so the test measures what the daemon keeps, not its RSS
 * (which moves with the allocator's trimming and the kernel's page accounting).
 *
 * - MUXCAP_HEAP_PROBE=PATH: a thread of its own (every signal blocked, nothing allocated)
 *   listens on the UNIX socket PATH and answers each connection with one line, the bytes in
 *   use: mallinfo2()'s uordblks (chunks in use, all arenas) plus hblkhd (mmapped chunks).
 * - MUXCAP_HEAP_PROBE_LEAK=N: every udev "add" event the daemon receives leaks N bytes, the
 *   injected leak the test must catch (one "add" per NIC, so N bytes per NIC cycle).
 *
 * Both variables, and LD_PRELOAD, are removed from the environment before main() runs. */
#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <libudev.h>

static int listen_fd = -1;
static size_t leak_bytes;
static void *volatile leaked;   /* the newest leaked block: the allocation escapes, so it stays */

static void *serve(void *arg) {
        (void) arg;
        for (;;) {
                char line[32];
                struct mallinfo2 mi;
                int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
                int n;

                if (fd < 0)
                        continue;
                mi = mallinfo2();
                n = snprintf(line, sizeof(line), "%zu\n", mi.uordblks + mi.hblkhd);
                (void) !write(fd, line, (size_t) n);
                close(fd);
        }
        return NULL;
}

__attribute__((constructor)) static void heap_probe_init(void) {
        const char *path = getenv("MUXCAP_HEAP_PROBE"), *leak = getenv("MUXCAP_HEAP_PROBE_LEAK");
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        sigset_t all, old;
        pthread_t t;

        if (leak)
                leak_bytes = strtoul(leak, NULL, 10);
        if (!path || strlen(path) >= sizeof(sa.sun_path))
                goto done;
        memcpy(sa.sun_path, path, strlen(path) + 1);
        (void) unlink(path);    /* an earlier daemon's */
        listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 ||
            listen(listen_fd, 4) < 0) {
                perror("heap-probe: cannot listen");
                abort();
        }
        /* The daemon's signals (SIGTERM, SIGHUP through libevent) stay the main thread's. */
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        if (pthread_create(&t, NULL, serve, NULL) != 0) {
                perror("heap-probe: cannot start its thread");
                abort();
        }
        pthread_sigmask(SIG_SETMASK, &old, NULL);
done:
        unsetenv("MUXCAP_HEAP_PROBE");
        unsetenv("MUXCAP_HEAP_PROBE_LEAK");
        unsetenv("LD_PRELOAD");
}

struct udev_device *udev_monitor_receive_device(struct udev_monitor *m) {
        static struct udev_device *(*real)(struct udev_monitor *);
        struct udev_device *d;
        const char *action;

        if (!real) {
                /* POSIX's way to take a function from dlsym() (ISO C has no conversion) */
                void *sym = dlsym(RTLD_NEXT, "udev_monitor_receive_device");
                memcpy(&real, &sym, sizeof(real));
        }
        d = real(m);
        action = d ? udev_device_get_action(d) : NULL;
        if (leak_bytes > 0 && action && strcmp(action, "add") == 0) {
                leaked = malloc(leak_bytes);
                if (leaked)
                        memset(leaked, 0xa5, leak_bytes);
        }
        return d;
}
