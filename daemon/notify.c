/* SPDX-License-Identifier: MIT */
/* sd_notify() without blocking: for the messages the daemon sends while it runs (STATUS=,
 * WATCHDOG=1). sd_notify() blocks while the receiver's queue is full (net.unix.max_dgram_qlen
 * is small), which would stall every client; a status that cannot be queued now is dropped,
 * since the next one replaces it, and a watchdog ping is sent again at the next half period.
 * READY=1, sent once at start-up when nothing is queued yet, still goes through sd_notify(). */

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "macro.h"
#include "notify.h"

/* Sends @state to $NOTIFY_SOCKET. Returns 1 if sent, 0 if there is no socket, -EAGAIN if the
 * receiver's queue is full (dropped), another -errno on failure. */
int notify_nonblocking(const char *state) {
        const char *e = getenv("NOTIFY_SOCKET");
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        _cleanup_close_ int fd = -EBADF;
        socklen_t len;
        size_t n;

        if (!e || !*e)
                return 0;
        n = strlen(e);
        if ((e[0] != '/' && e[0] != '@') || n >= sizeof(sa.sun_path))
                return -EINVAL;
        memcpy(sa.sun_path, e, n);
        if (e[0] == '@')
                sa.sun_path[0] = '\0';  /* abstract namespace */
        len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + n + (e[0] == '/'));

        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        if (sendto(fd, state, strlen(state), MSG_NOSIGNAL | MSG_DONTWAIT,
                   (struct sockaddr *) &sa, len) < 0)
                return errno == EWOULDBLOCK ? -EAGAIN : -errno;
        return 1;
}
