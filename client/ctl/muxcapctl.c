/* SPDX-License-Identifier: MIT */
/* muxcapctl: command-line client of muxcapd, and an offline record encoder/decoder */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <locale.h>
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

static int verb_list(Ctl *ctl, int argc, char **argv) {
        struct muxcap_client *c = NULL;
        struct muxcap_mux_info **list = NULL;
        Table *t = NULL;
        bool first = true;
        int r;

        (void) argc, (void) argv;
        r = ctl_connect(ctl, "list", &c);
        if (r != 0)
                return r;
        r = muxcap_client_list_muxes(c, &list);
        if (r < 0)
                goto finish;
        if (ctl->json)
                fputc('[', stdout);
        else
                t = ctl_table_new(5, "NAME", "KIND", "GENERATION", "MEMBERS", "OFFLOADS NOW");
        for (struct muxcap_mux_info **i = list; *i; i++) {
                CtlRecord rec[4];
                char summary[512] = "", members[1024] = "", gen[32];
                size_t n = 0;

                r = ctl_get_mux_records(c, *i, ctl->records, rec);
                if (r == -ENOENT)
                        continue;       /* gone since */
                if (r < 0)
                        goto finish;
                ctl_summary(ctl->records, rec, summary, sizeof(summary));
                if (ctl->json) {
                        if (!first)
                                fputc(',', stdout);
                        ctl_print_mux_json(stdout, *i, rec, summary);
                        first = false;
                        continue;
                }
                for (char **s = (*i)->members; *s && n < sizeof(members); s++)
                        n += (size_t) snprintf(members + n, sizeof(members) - n, "%s%s",
                                               s == (*i)->members ? "" : ",", *s);
                snprintf(gen, sizeof(gen), "%" PRIu64, (*i)->generation);
                ctl_table_add(t, (*i)->name, (*i)->kind, gen, members, summary);
        }
        if (ctl->json)
                fputs("]\n", stdout);
        else
                ctl_table_print(t, stdout, ctl->color, NULL);
finish:
        r = r < 0 ? ctl_daemon_error(ctl, c, "list", "MUX", NULL, r) : 0;
        t = ctl_table_free(t);
        list = muxcap_mux_info_list_free(list);
        c = muxcap_client_unref(c);
        return r;
}

/* Resync and Reload: root-only methods without arguments or answer. */
static int call_root_method(const Ctl *ctl, const char *verb, int (*call)(struct muxcap_client *)) {
        struct muxcap_client *c = NULL;
        int r = ctl_connect(ctl, verb, &c);

        if (r != 0)
                return r;
        r = call(c);
        r = r < 0 ? ctl_daemon_error(ctl, c, verb, "", NULL, r) : 0;
        c = muxcap_client_unref(c);
        return r;
}

static int verb_resync(Ctl *ctl, int argc, char **argv) {
        (void) argc, (void) argv;
        return call_root_method(ctl, "resync", muxcap_client_resync);
}

static int verb_reload(Ctl *ctl, int argc, char **argv) {
        (void) argc, (void) argv;
        return call_root_method(ctl, "reload", muxcap_client_reload);
}

/* The members last seen of one MUX, to tell joins and leaves apart. */
typedef struct Known {
        char *name;             /* owned */
        char **members;         /* owned, NULL-terminated */
} Known;

typedef struct Monitor {
        const Ctl *ctl;         /* borrowed */
        Known *known;           /* owned */
        size_t n_known;
        bool failed;
} Monitor;

static char **strv_free(char **l) {
        for (char **s = l; s && *s; s++)
                free(*s);
        free(l);
        return NULL;
}

static bool strv_contains(char *const *l, const char *s) {
        for (; l && *l; l++)
                if (strcmp(*l, s) == 0)
                        return true;
        return false;
}

static void print_member_line(const Monitor *m, const char *event, const char *mux,
                              const char *member) {
        if (m->ctl->json) {
                fputs("{\"event\":", stdout);
                ctl_print_json_string(stdout, event);
                fputs(",\"name\":", stdout);
                ctl_print_json_string(stdout, mux);
                fputs(",\"member\":", stdout);
                ctl_print_json_string(stdout, member);
                fputs("}\n", stdout);
        } else
                printf("%s %s %s\n", event, mux, member);
}

/* Reads MUX @mux's members again; prints who joined and who left since the last read (none
 * on the first). */
static void monitor_members(Monitor *m, struct muxcap_client *c, const char *mux) {
        struct muxcap_mux_info *info = NULL;
        Known *k = NULL;

        for (size_t i = 0; i < m->n_known; i++)
                if (strcmp(m->known[i].name, mux) == 0)
                        k = &m->known[i];
        if (muxcap_client_get_mux_info(c, mux, &info) < 0)
                return;         /* gone: its removal is an event of its own */
        if (!k) {
                Known *l = realloc(m->known, (m->n_known + 1) * sizeof(*l));

                if (!l || !(l[m->n_known].name = strdup(mux))) {
                        m->known = l ? l : m->known;
                        info = muxcap_mux_info_free(info);
                        return;
                }
                m->known = l;
                k = &l[m->n_known++];
                k->members = NULL;
        } else {
                for (char **s = info->members; *s; s++)
                        if (!strv_contains(k->members, *s))
                                print_member_line(m, "member-joined", mux, *s);
                for (char **s = k->members; s && *s; s++)
                        if (!strv_contains(info->members, *s))
                                print_member_line(m, "member-left", mux, *s);
        }
        k->members = strv_free(k->members);
        k->members = info->members;     /* stolen */
        info->members = NULL;
        info = muxcap_mux_info_free(info);
}

/* Forgets MUX @mux's members (every MUX's with NULL): a MUX removed, or a daemon that went
 * or came, starts again from the state delivered next. */
static void monitor_forget(Monitor *m, const char *mux) {
        for (size_t i = m->n_known; i-- > 0;) {
                if (mux && strcmp(m->known[i].name, mux) != 0)
                        continue;
                free(m->known[i].name);
                m->known[i].members = strv_free(m->known[i].members);
                m->known[i] = m->known[--m->n_known];
        }
}

static void monitor_event_cb(struct muxcap_client *c, const struct muxcap_event *ev, void *userdata) {
        Monitor *m = userdata;
        const RecordCode *code = ctl_code_find(ev->status_code);
        bool first_state = ev->kind == MUXCAP_EVENT_STATE && ev->status_code == ctl_codes[0].code;

        if (ev->kind == MUXCAP_EVENT_MUX_REMOVED || ev->kind == MUXCAP_EVENT_DAEMON_GONE ||
            ev->kind == MUXCAP_EVENT_DAEMON_APPEARED)
                monitor_forget(m, ev->kind == MUXCAP_EVENT_MUX_REMOVED ? ev->mux : NULL);
        if (ev->kind == MUXCAP_EVENT_MUX_CHANGED) {
                monitor_members(m, c, ev->mux);
                fflush(stdout);
                return;
        }
        /* --records=task: the connection record's indications are left out, not its events. */
        if ((ev->kind != MUXCAP_EVENT_STATE && ev->kind != MUXCAP_EVENT_INDICATION) || !code ||
            records_has(m->ctl->records, code->type))
                ctl_print_event(stdout, ev, m->ctl->json);
        if (first_state || ev->kind == MUXCAP_EVENT_MUX_ADDED)
                monitor_members(m, c, ev->mux);        /* the members to compare with later */
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

        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 ||
            (sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
                fprintf(stderr, "muxcapctl: monitor: signalfd: %s\n", strerror(errno));
                return EXIT_DAEMON;
        }
        r = ctl_connect(ctl, "monitor", &c);
        if (r != 0) {
                close(sfd);
                return r;
        }
        /* The connection record's events always come: the first state of a MUX is one. */
        r = muxcap_client_subscribe_flags(c, argc == 2 ? argv[1] : NULL,
                                          MUXCAP_SUBSCRIBE_MUX_CHANGES |
                                          (ctl->records & RECORDS_TASK ? MUXCAP_SUBSCRIBE_TASK_OFFLOAD : 0),
                                          monitor_event_cb, &m);
        if (r < 0) {
                status = ctl_daemon_error(ctl, c, "monitor", "MUX", argc == 2 ? argv[1] : NULL, r);
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
                        status = ctl_daemon_error(ctl, c, "monitor", "", NULL, -ECONNRESET);
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
        monitor_forget(&m, NULL);
        free(m.known);
        close(sfd);
        return status;
}

static int verb_help(Ctl *ctl, int argc, char **argv);

/* The commands: dispatch, argument counts and --help all read this table. */
static const struct {
        const char *name;
        int (*handler)(Ctl *ctl, int argc, char **argv);
        int min_args, max_args;         /* after the command; -1: any number */
        const char *args;
        const char *description;
} verbs[] = {
        { "list", verb_list, 0, 0, "", "MUXes with kind, members, generation, what they offload" },
        { "show", verb_show, 1, 2, "MUX | nic NIC", "A MUX's records in short (--all: every field), or a NIC's with sources" },
        { "explain", verb_explain, 1, -1, "MUX [FIELD...]", "Which member and source limit each field" },
        { "advertised", verb_advertised, 1, 1, "MUX", "What the MUX device advertises beyond its members" },
        { "monitor", verb_monitor, 0, 1, "[MUX]", "Print indications and membership changes until SIGINT" },
        { "decode", verb_decode, 1, 1, "HEX|-", "Decode a record (either type); - reads stdin" },
        { "encode", verb_encode, 0, -1, "KEY=VALUE...", "Print a record's hex; --type=connection|task" },
        { "resync", verb_resync, 0, 0, "", "Make muxcapd read every device again (root)" },
        { "reload", verb_reload, 0, 0, "", "Make muxcapd read its config file again (root)" },
        { "help", verb_help, 0, 0, "", "Show this help" },
};

static int verb_help(Ctl *ctl, int argc, char **argv) {
        (void) ctl, (void) argc, (void) argv;
        printf("Usage: muxcapctl [OPTIONS...] COMMAND [ARGS...]\n\n"
               "Query muxcapd, watch its offload capability indications, and encode or\n"
               "decode NDIS_TCP_CONNECTION_OFFLOAD and NDIS_OFFLOAD records.\n\nCommands:\n");
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
                printf("  %-10s %-15s %s\n", verbs[i].name, verbs[i].args, verbs[i].description);
        printf("\nOptions (before or after the command):\n"
               "  -j --json        JSON output (JSON Lines for monitor)\n"
               "  -a --all         show every field, not only those that are not zero\n"
               "     --records=connection|task|all\n"
               "                   the record types to cover (default all)\n"
               "     --type=connection|task\n"
               "                   the record type encode writes (default: told by the keys)\n"
               "     --bus=BUS     system (default), session, or a D-Bus address\n"
               "  -h --help        show this help\n"
               "     --version     show the version\n\n"
               "Exit status: 0 success, 1 daemon error or unknown name, 2 usage or malformed record.\n");
        return 0;
}

int main(int argc, char **argv) {
        static const struct option options[] = {
                { "bus", required_argument, NULL, 'b' },
                { "json", no_argument, NULL, 'j' },
                { "all", no_argument, NULL, 'a' },
                { "records", required_argument, NULL, 'r' },
                { "type", required_argument, NULL, 't' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                { 0 }
        };
        static const struct {
                const char *name;
                unsigned records;
        } record_choices[] = {
                { "connection", RECORDS_CONNECTION },
                { "task", RECORDS_TASK },
                { "all", RECORDS_CONNECTION | RECORDS_TASK },
        };
        Ctl ctl = { .bus = "system", .records = RECORDS_CONNECTION | RECORDS_TASK };
        const char *term = getenv("TERM");
        int c, n_args;

        (void) setlocale(LC_CTYPE, "");
        ctl.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && term && strcmp(term, "dumb") != 0;
        /* Options anywhere, as ip and busctl take them; "--" ends them. */
        while ((c = getopt_long(argc, argv, "hja", options, NULL)) >= 0)
                switch (c) {
                case 'b':
                        if (!*optarg)
                                return ctl_usage_error(NULL, "--bus needs a value");
                        ctl.bus = optarg;
                        break;
                case 'j':
                        ctl.json = true;
                        break;
                case 'a':
                        ctl.all = true;
                        break;
                case 'r':
                        ctl.records = 0;
                        for (size_t i = 0; i < sizeof(record_choices) / sizeof(record_choices[0]); i++)
                                if (strcmp(optarg, record_choices[i].name) == 0)
                                        ctl.records = record_choices[i].records;
                        if (!ctl.records)
                                return ctl_usage_error(NULL, "--records: expected connection, task or all");
                        break;
                case 't':
                        ctl.type = optarg;
                        break;
                case 'h':
                        return verb_help(&ctl, 0, NULL);
                case 'V':
                        printf("muxcapctl %s\n", MUXCAP_VERSION);
                        return 0;
                default:
                        fprintf(stderr, "Try 'muxcapctl --help'.\n");
                        return EXIT_USAGE;
                }
        if (optind >= argc)
                return ctl_usage_error(NULL, "missing command");
        n_args = argc - optind - 1;
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
                char message[128];

                if (strcmp(verbs[i].name, argv[optind]) != 0)
                        continue;
                if (n_args >= verbs[i].min_args &&
                    (verbs[i].max_args < 0 || n_args <= verbs[i].max_args))
                        return verbs[i].handler(&ctl, n_args + 1, argv + optind);
                if (verbs[i].max_args == 0)
                        snprintf(message, sizeof(message), "takes no arguments");
                else
                        snprintf(message, sizeof(message), "expected %s", verbs[i].args);
                return ctl_usage_error(verbs[i].name, message);
        }
        fprintf(stderr, "muxcapctl: unknown command '%s'\nTry 'muxcapctl --help'.\n", argv[optind]);
        return EXIT_USAGE;
}
