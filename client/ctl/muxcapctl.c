/* SPDX-License-Identifier: MIT */
/* muxcapctl: command-line client of muxcapd, and an offline record encoder/decoder */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "build-config.h"
#include "ctl.h"
#include "muxcap/muxcap.h"

/* "the system bus", "the session bus" or "the bus at ADDRESS", for messages. */
static void print_bus(const Ctl *ctl) {
        if (!ctl->bus || strcmp(ctl->bus, "system") == 0 || strcmp(ctl->bus, "session") == 0)
                fprintf(stderr, "the %s bus", ctl->bus ? ctl->bus : "system");
        else
                fprintf(stderr, "the bus at '%s'", ctl->bus);
}

/* Prints why a call to muxcapd failed, once, and returns the exit status. */
/* Says why a call to muxcapd failed; @c (or NULL) knows what refused a call, and which. */
static int daemon_error(const Ctl *ctl, const struct muxcap_client *c, const char *verb,
                        const char *what, const char *name, int r) {
        if (r == -EACCES && *muxcap_client_get_error_message(c))
                fprintf(stderr, "muxcapctl: %s: %s\n", verb, muxcap_client_get_error_message(c));
        else if (r == -ENOENT && name)
                fprintf(stderr, "muxcapctl: %s: '%s': no such %s\n", verb, name, what);
        else if (r == -EHOSTDOWN) {
                fprintf(stderr, "muxcapctl: %s: muxcapd is not running on ", verb);
                print_bus(ctl);
                fputc('\n', stderr);
        }
        else if (name)
                fprintf(stderr, "muxcapctl: %s: '%s': %s\n", verb, name, strerror(-r));
        else
                fprintf(stderr, "muxcapctl: %s: %s\n", verb, strerror(-r));
        return EXIT_DAEMON;
}

static int connect_bus(const Ctl *ctl, const char *verb, struct muxcap_client **ret) {
        int r = muxcap_client_new(ret, ctl->bus);

        if (r < 0) {
                fprintf(stderr, "muxcapctl: %s: cannot connect to ", verb);
                print_bus(ctl);
                fprintf(stderr, ": %s\n", strerror(-r));
                return EXIT_DAEMON;
        }
        return 0;
}

static size_t max_size(size_t a, size_t b) {
        return a > b ? a : b;
}

static int verb_list(Ctl *ctl, int argc, char **argv) {
        struct muxcap_client *c = NULL;
        struct muxcap_mux_info **list = NULL;
        size_t wname = 4, wkind = 4, wmembers = 7;
        int r;

        if (argc != 1)
                return ctl_usage_error("list", "takes no arguments");
        r = connect_bus(ctl, "list", &c);
        if (r != 0)
                return r;
        r = muxcap_client_list_muxes(c, &list);
        r = r < 0 ? daemon_error(ctl, c, "list", "MUX", NULL, r) : 0;
        c = muxcap_client_unref(c);
        if (r != 0)
                return r;

        if (ctl->json) {
                fputc('[', stdout);
                for (struct muxcap_mux_info **i = list; *i; i++) {
                        fputs(i == list ? "{" : ",{", stdout);
                        ctl_print_mux_json(stdout, *i);
                        fputc('}', stdout);
                }
                fputs("]\n", stdout);
                list = muxcap_mux_info_list_free(list);
                return 0;
        }
        for (struct muxcap_mux_info **i = list; *i; i++) {
                size_t m = 0;

                for (char **s = (*i)->members; *s; s++)
                        m += strlen(*s) + (s != (*i)->members);
                wname = max_size(wname, strlen((*i)->name));
                wkind = max_size(wkind, strlen((*i)->kind));
                wmembers = max_size(wmembers, m ? m : 1);
        }
        printf("%-*s  %-*s  %10s  %-*s  %s\n", (int) wname, "NAME", (int) wkind, "KIND",
               "GENERATION", (int) wmembers, "MEMBERS", "HARDWARE CAPABILITIES");
        for (struct muxcap_mux_info **i = list; *i; i++) {
                char summary[256], members[1024] = "";
                size_t n = 0;

                for (char **s = (*i)->members; *s && n < sizeof(members); s++)
                        n += (size_t) snprintf(members + n, sizeof(members) - n, "%s%s",
                                               s == (*i)->members ? "" : ",", *s);
                ctl_format_summary(&(*i)->hardware, summary, sizeof(summary));
                printf("%-*s  %-*s  %10" PRIu64 "  %-*s  %s\n", (int) wname, (*i)->name,
                       (int) wkind, (*i)->kind, (*i)->generation, (int) wmembers,
                       members[0] ? members : "-", summary);
        }
        list = muxcap_mux_info_list_free(list);
        return 0;
}

typedef struct Member {
        const char *name;               /* borrowed: the MUX info */
        const char *type;               /* "nic", "mux", or NULL when muxcapd knows neither */
        struct muxcap_record hw, current;
} Member;

/* A member is a NIC or a nested MUX: ask for a NIC first, as most are. */
static int get_member(struct muxcap_client *c, Member *m) {
        int r = muxcap_client_get_nic(c, m->name, &m->hw, &m->current);

        if (r >= 0) {
                m->type = "nic";
                return 0;
        }
        if (r != -ENOENT)
                return r;
        r = muxcap_client_get_mux(c, m->name, &m->hw, &m->current, NULL);
        if (r >= 0) {
                m->type = "mux";
                return 0;
        }
        return r == -ENOENT ? 0 : r;    /* gone since: shown as unknown */
}

static int verb_show(Ctl *ctl, int argc, char **argv) {
        struct muxcap_client *c = NULL;
        struct muxcap_mux_info *info = NULL;
        Member *members = NULL;
        size_t n = 0;
        int r;

        if (argc != 2)
                return ctl_usage_error("show", "expected exactly one NAME argument");
        r = connect_bus(ctl, "show", &c);
        if (r != 0)
                return r;
        r = muxcap_client_get_mux_info(c, argv[1], &info);
        if (r < 0) {
                r = daemon_error(ctl, c, "show", "MUX", argv[1], r);
                c = muxcap_client_unref(c);
                return r;
        }
        while (info->members[n])
                n++;
        members = calloc(n + 1, sizeof(*members));
        if (!members) {
                r = daemon_error(ctl, c, "show", "MUX", argv[1], -ENOMEM);
                c = muxcap_client_unref(c);
                info = muxcap_mux_info_free(info);
                return r;
        }
        for (size_t i = 0; i < n; i++) {
                members[i].name = info->members[i];
                r = get_member(c, &members[i]);
                if (r < 0) {
                        r = daemon_error(ctl, c, "show", "member", argv[1], r);
                        free(members);
                        c = muxcap_client_unref(c);
                        info = muxcap_mux_info_free(info);
                        return r;
                }
        }

        if (ctl->json) {
                fputc('{', stdout);
                ctl_print_mux_json(stdout, info);
                fputs(",\"member_records\":[", stdout);
                for (size_t i = 0; i < n; i++) {
                        fputs(i ? ",{\"name\":" : "{\"name\":", stdout);
                        ctl_print_json_string(stdout, members[i].name);
                        fputs(",\"type\":", stdout);
                        if (!members[i].type) {
                                fputs("null}", stdout);
                                continue;
                        }
                        ctl_print_json_string(stdout, members[i].type);
                        fputc(',', stdout);
                        ctl_print_record(stdout, &members[i].hw, true);
                        fputs(",\"current_config\":{", stdout);
                        ctl_print_record(stdout, &members[i].current, true);
                        fputs("}}", stdout);
                }
                fputc(']', stdout);
                if (ctl->records & RECORDS_TASK)
                        r = ctl_show_task(ctl, c, info->name, info->members, n);
                fputs("}\n", stdout);
        } else {
                printf("%s\n", info->name);
                printf("  %-32s %s\n", "kind", info->kind);
                printf("  %-32s %" PRId32 "\n", "ifindex", info->ifindex);
                printf("  %-32s %s\n", "capacity_policy", info->capacity_policy);
                printf("  %-32s %" PRIu64 "\n", "generation", info->generation);
                printf("  %-32s", "members");
                for (size_t i = 0; i < n; i++)
                        printf(" %s", members[i].name);
                printf("%s\n", n ? "" : " -");
                printf("\nhardware capabilities (%s):\n",
                       ctl_status_code_label(MUXCAP_STATUS_HARDWARE_CAPABILITIES));
                ctl_print_record(stdout, &info->hardware, false);
                printf("\ncurrent config (%s):\n",
                       ctl_status_code_label(MUXCAP_STATUS_OFFLOAD_RESUME));
                ctl_print_record(stdout, &info->current, false);
                for (size_t i = 0; i < n; i++) {
                        char summary[256];

                        if (!members[i].type) {
                                printf("\nmember %s: unknown to muxcapd\n", members[i].name);
                                continue;
                        }
                        printf("\nmember %s (%s):\n", members[i].name, members[i].type);
                        ctl_format_summary(&members[i].hw, summary, sizeof(summary));
                        printf("  %-9s %s\n", "hardware", summary);
                        ctl_format_summary(&members[i].current, summary, sizeof(summary));
                        printf("  %-9s %s\n", "current", summary);
                }
                if (ctl->records & RECORDS_TASK)
                        r = ctl_show_task(ctl, c, info->name, info->members, n);
        }
        r = r < 0 ? daemon_error(ctl, c, "show", "MUX", argv[1], r) : 0;
        c = muxcap_client_unref(c);
        free(members);
        info = muxcap_mux_info_free(info);
        return r;
}

static int verb_explain(Ctl *ctl, int argc, char **argv) {
        struct muxcap_client *c = NULL;
        struct muxcap_explanation *e = NULL;
        size_t n = 0;
        int r;

        if (argc != 2)
                return ctl_usage_error("explain", "expected exactly one NAME argument");
        r = connect_bus(ctl, "explain", &c);
        if (r != 0)
                return r;
        if (ctl->records & RECORDS_CONNECTION)
                r = muxcap_client_explain(c, argv[1], &e, &n);
        if (r < 0) {
                r = daemon_error(ctl, c, "explain", "MUX", argv[1], r);
                c = muxcap_client_unref(c);
                return r;
        }
        if (ctl->json) {
                fputs("{\"name\":", stdout);
                ctl_print_json_string(stdout, argv[1]);
                fputs(",\"fields\":[", stdout);
                ctl_print_explanations(stdout, e, n, true, true);
                if (ctl->records & RECORDS_TASK) {
                        r = ctl_explain_task(ctl, c, argv[1], n == 0);
                        if (r >= 0)
                                r = ctl_explain_advertised(ctl, c, argv[1]);
                }
                fputs("]}\n", stdout);
        } else if (ctl->records & RECORDS_CONNECTION)
                ctl_print_explanations(stdout, e, n, false, true);
        if (!ctl->json && (ctl->records & RECORDS_TASK)) {
                r = ctl_explain_task(ctl, c, argv[1], !(ctl->records & RECORDS_CONNECTION));
                if (r >= 0)
                        r = ctl_explain_advertised(ctl, c, argv[1]);
        }
        r = r < 0 ? daemon_error(ctl, c, "explain", "MUX", argv[1], r) : 0;
        c = muxcap_client_unref(c);
        e = muxcap_explanations_free(e, n);
        return r;
}

typedef struct Monitor {
        const Ctl *ctl;                 /* borrowed */
        bool failed;
} Monitor;

static void monitor_event_cb(struct muxcap_client *c, const struct muxcap_event *ev, void *userdata) {
        Monitor *m = userdata;

        /* --records=task: the connection record's indications are left out, not its events. */
        if ((ev->kind == MUXCAP_EVENT_STATE || ev->kind == MUXCAP_EVENT_INDICATION) &&
            !(m->ctl->records & (ctl_is_task_code(ev->status_code) ? RECORDS_TASK : RECORDS_CONNECTION)))
                return;
        ctl_print_event(stdout, ev, m->ctl->json);
        fflush(stdout);
        if (ev->kind == MUXCAP_EVENT_DISCONNECTED)
                m->failed = true;
}

/* Polls the client's fd and a signalfd: SIGINT and SIGTERM end the loop from the loop, not
 * from a handler. */
static int verb_monitor(Ctl *ctl, int argc, char **argv) {
        struct muxcap_client *c = NULL;
        Monitor m = { .ctl = ctl };
        sigset_t mask;
        int sfd, r, status = 0;

        if (argc > 2)
                return ctl_usage_error("monitor", "expected at most one NAME argument");
        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 ||
            (sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
                fprintf(stderr, "muxcapctl: monitor: signalfd: %s\n", strerror(errno));
                return EXIT_DAEMON;
        }
        r = connect_bus(ctl, "monitor", &c);
        if (r != 0) {
                close(sfd);
                return r;
        }
        r = muxcap_client_subscribe_flags(c, argc == 2 ? argv[1] : NULL,
                                          ctl->records & RECORDS_TASK ? MUXCAP_SUBSCRIBE_TASK_OFFLOAD : 0,
                                          monitor_event_cb, &m);
        if (r < 0) {
                status = daemon_error(ctl, c, "monitor", "MUX", argc == 2 ? argv[1] : NULL, r);
                goto finish;
        }
        for (;;) {
                struct pollfd p[2] = {
                        { .fd = sfd, .events = POLLIN },
                        { .fd = muxcap_client_get_fd(c) },
                };
                int timeout_ms = -1;

                r = muxcap_client_dispatch(c);
                if (r < 0 || m.failed) {
                        fputs("muxcapctl: monitor: lost the connection to ", stderr);
                        print_bus(ctl);
                        fputc('\n', stderr);
                        status = EXIT_DAEMON;
                        break;
                }
                r = muxcap_client_get_events(c);
                p[1].events = (short) (r > 0 ? r : 0);
                (void) muxcap_client_get_timeout(c, &timeout_ms);
                if (poll(p, 2, timeout_ms) < 0 && errno != EINTR) {
                        fprintf(stderr, "muxcapctl: monitor: poll: %s\n", strerror(errno));
                        status = EXIT_DAEMON;
                        break;
                }
                if (p[0].revents & POLLIN)
                        break;  /* SIGINT or SIGTERM: a normal end */
        }
finish:
        c = muxcap_client_unref(c);
        close(sfd);
        return status;
}

static const struct {
        const char *name;
        int (*handler)(Ctl *ctl, int argc, char **argv);
        const char *args;
        const char *description;
} verbs[] = {
        { "list", verb_list, "", "List MUXes with kind, members, generation and a summary" },
        { "show", verb_show, "NAME", "Show a MUX's records, generation, members and theirs" },
        { "explain", verb_explain, "NAME", "Show which member and source limit each field" },
        { "monitor", verb_monitor, "[NAME]", "Print each indication (of one MUX) until SIGINT" },
        { "decode", verb_decode, "HEX", "Decode a record (either type) given as hex" },
        { "encode", verb_encode, "KEY=VALUE...", "Print the hex of a record; --type=connection|task" },
};

int ctl_usage_error(const char *verb, const char *message) {
        fprintf(stderr, "muxcapctl: %s%s%s\nTry 'muxcapctl --help'.\n", verb ? verb : "",
                verb ? ": " : "", message);
        return EXIT_USAGE;
}

static void help(void) {
        printf("Usage: muxcapctl [--bus=system|session|ADDRESS] [--json] [--records=connection|task|all]\n"
               "                 COMMAND [ARG...]\n\n"
               "Query muxcapd, watch its offload capability indications, and encode or\n"
               "decode NDIS_TCP_CONNECTION_OFFLOAD and NDIS_OFFLOAD records.\n\nCommands:\n");
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
                printf("  %-8s %-16s %s\n", verbs[i].name, verbs[i].args, verbs[i].description);
        printf("\nOptions:\n"
               "  --bus=BUS    system (default), session, or a D-Bus address\n"
               "  --json       JSON output (JSON Lines for monitor)\n"
               "  --records=connection|task|all\n"
               "               the records show, explain and monitor cover (default connection)\n"
               "  -h --help    show this help\n"
               "  --version    show the version\n\n"
               "Exit status: 0 success, 1 daemon error or unknown name, 2 usage or malformed record.\n");
}

int main(int argc, char **argv) {
        static const struct option options[] = {
                { "bus", required_argument, NULL, 'b' },
                { "json", no_argument, NULL, 'j' },
                { "records", required_argument, NULL, 'r' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                { 0 }
        };
        Ctl ctl = { .bus = "system", .records = RECORDS_CONNECTION };
        int c;

        /* '+': stop at the first non-option, so "encode flags=1" is not taken for options. */
        while ((c = getopt_long(argc, argv, "+h", options, NULL)) >= 0)
                switch (c) {
                case 'b':
                        if (!*optarg)
                                return ctl_usage_error(NULL, "--bus needs a value");
                        ctl.bus = optarg;
                        break;
                case 'j':
                        ctl.json = true;
                        break;
                case 'r':
                        if (strcmp(optarg, "connection") == 0)
                                ctl.records = RECORDS_CONNECTION;
                        else if (strcmp(optarg, "task") == 0)
                                ctl.records = RECORDS_TASK;
                        else if (strcmp(optarg, "all") == 0)
                                ctl.records = RECORDS_CONNECTION | RECORDS_TASK;
                        else
                                return ctl_usage_error(NULL, "--records: expected connection, task or all");
                        break;
                case 'h':
                        help();
                        return 0;
                case 'V':
                        printf("muxcapctl %s\n", MUXCAP_VERSION);
                        return 0;
                default:
                        fprintf(stderr, "Try 'muxcapctl --help'.\n");
                        return EXIT_USAGE;
                }
        if (optind >= argc)
                return ctl_usage_error(NULL, "missing command");
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
                if (strcmp(verbs[i].name, argv[optind]) == 0)
                        return verbs[i].handler(&ctl, argc - optind, argv + optind);
        fprintf(stderr, "muxcapctl: unknown command '%s'\nTry 'muxcapctl --help'.\n", argv[optind]);
        return EXIT_USAGE;
}
