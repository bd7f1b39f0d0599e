/* SPDX-License-Identifier: MIT */
/* muxcap-watch: print every capability indication of muxcapd until SIGINT.
 *
 * An example to copy: it uses only <muxcap/muxcap.h> and shows how to put the client's fd
 * into your own poll loop next to a signalfd. Build it with
 *     cc muxcap-watch.c $(pkg-config --cflags --libs libmuxcap) -o muxcap-watch
 */

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <muxcap/muxcap.h>

/* Called from muxcap_client_dispatch() for each event. */
static void on_event(struct muxcap_client *c, const struct muxcap_event *ev, void *userdata) {
        const char *status;
        char encap[64];

        (void) c;
        (void) userdata;
        switch (ev->kind) {
        case MUXCAP_EVENT_STATE:
        case MUXCAP_EVENT_INDICATION:
                status = muxcap_status_code_to_string(ev->status_code);
                if (!ev->record) {
                        printf("%s: generation %" PRIu64 ": malformed record\n", ev->mux,
                               ev->generation);
                        break;
                }
                (void) muxcap_encapsulation_format(ev->record->encapsulation, encap, sizeof(encap));
                printf("%s %s: generation %" PRIu64 ", %s: encapsulation %s, ipv4 %u, ipv6 %u, "
                       "capacity %" PRIu32 "\n",
                       ev->kind == MUXCAP_EVENT_STATE ? "state of" : "indication from", ev->mux,
                       ev->generation, status ? status : "unknown status", encap,
                       ev->record->support_ipv4, ev->record->support_ipv6,
                       ev->record->tcp_connection_offload_capacity);
                break;
        case MUXCAP_EVENT_MUX_ADDED:
                printf("%s: added\n", ev->mux);
                break;
        case MUXCAP_EVENT_MUX_REMOVED:
                printf("%s: removed\n", ev->mux);
                break;
        case MUXCAP_EVENT_DAEMON_APPEARED:
                printf("muxcapd is running\n");
                break;
        case MUXCAP_EVENT_DAEMON_GONE:
                printf("muxcapd is not running; waiting for it\n");
                break;
        case MUXCAP_EVENT_DISCONNECTED:
                printf("lost the bus connection\n");
                break;
        default:
                break;          /* kinds a later library adds, for subscriptions that ask */
        }
        fflush(stdout);
}

int main(int argc, char **argv) {
        struct muxcap_client *client = NULL;
        const char *bus = NULL;         /* the system bus */
        sigset_t mask;
        int sfd, r;

        if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
                printf("Usage: %s [BUS]\n"
                       "Print muxcapd's offload capability indications until Ctrl-C.\n"
                       "BUS is system (default), session, or a D-Bus address.\n", argv[0]);
                return 0;
        }
        if (argc > 1)
                bus = argv[1];

        /* Signals become readable events on a file descriptor. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 || (sfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0) {
                fprintf(stderr, "signalfd: %s\n", strerror(errno));
                return 1;
        }

        r = muxcap_client_new(&client, bus);
        if (r < 0) {
                fprintf(stderr, "cannot connect to the bus: %s\n", strerror(-r));
                return 1;
        }
        /* NULL: every MUX. The current state comes first, then the indications. */
        r = muxcap_client_subscribe(client, NULL, on_event, NULL);
        if (r < 0) {
                fprintf(stderr, "cannot subscribe: %s\n", strerror(-r));
                muxcap_client_unref(client);
                return 1;
        }

        for (;;) {
                struct pollfd fds[2] = {
                        { .fd = sfd, .events = POLLIN },
                        { .fd = muxcap_client_get_fd(client) },
                };
                int timeout_ms = -1;

                r = muxcap_client_dispatch(client);
                if (r < 0)
                        break;
                fds[1].events = (short) muxcap_client_get_events(client);
                (void) muxcap_client_get_timeout(client, &timeout_ms);
                if (poll(fds, 2, timeout_ms) < 0 && errno != EINTR)
                        break;
                if (fds[0].revents & POLLIN) {
                        r = 0;  /* Ctrl-C or SIGTERM */
                        break;
                }
        }

        muxcap_client_unref(client);
        close(sfd);
        return r < 0 ? 1 : 0;
}
