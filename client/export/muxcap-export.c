/* SPDX-License-Identifier: MIT */
/* muxcap-export: muxcapd's MUXes as Kubernetes NFD labels and Prometheus textfile metrics */

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
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "export-config.h"
#include "export-file.h"
#include "export-nfd.h"
#include "export-options.h"
#include "export-prometheus.h"
#include "export-state.h"
#include "muxcap/muxcap.h"

#define RETRY_MS 5000   /* after a failed write */
/* The Prometheus file's modification time is set this often, its text left alone, so that
 * node_textfile_mtime_seconds tells a live exporter from a file a killed one left behind
 * (the stale alert in contrib/prometheus waits three times this). */
#define TOUCH_MS (5 * 60 * 1000)

/* --- logging: stderr, with <N> prefixes when it is journald's stream ---------------------- */

typedef struct Log {
        bool prefix;
        int max_level;
} Log;

static Log log_state = { .max_level = LOG_INFO };

static void log_setup(void) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        if (e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) == 0)
                log_state.prefix = (unsigned long long) st.st_dev == dev &&
                                   (unsigned long long) st.st_ino == ino;
}

__attribute__((format(printf, 2, 3)))
static void log_msg(int level, const char *fmt, ...) {
        va_list ap;

        if (level > log_state.max_level)
                return;
        if (log_state.prefix)
                fprintf(stderr, "<%d>", level);
        else
                fputs("muxcap-export: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
}

/* --- the exporter ------------------------------------------------------------------------ */

typedef struct Exporter {
        ExportConfig config;
        struct muxcap_client *client;   /* owned */
        ExportState state;
        bool dirty;                     /* the state may differ from the files */
        char *prom_written;             /* owned: the Prometheus file as last written */
        char *nfd_written;              /* owned: the NFD file as last written, expiry 0 */
        time_t nfd_expiry;              /* of the NFD file we wrote; 0: none */
        uint64_t retry_at_ms;           /* a write failed: try again then; 0: none */
        uint64_t touch_at_ms;           /* when to set the Prometheus file's mtime; 0: none */
        bool stop;
        int exit_status;
} Exporter;

static uint64_t now_ms(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

static void exporter_event_cb(struct muxcap_client *c, const struct muxcap_event *ev,
                              void *userdata) {
        Exporter *e = userdata;
        ExportMux *x;
        int r, i;

        switch (ev->kind) {
        case MUXCAP_EVENT_DAEMON_APPEARED:
                /* A new instance: its state follows in this dispatch, replacing ours. */
                log_msg(LOG_INFO, "muxcapd is running, reading its MUXes");
                export_state_clear(&e->state);
                e->state.daemon_up = true;
                e->dirty = true;
                break;
        case MUXCAP_EVENT_STATE:
        case MUXCAP_EVENT_INDICATION:
                if (!export_config_wants_mux(&e->config, ev->mux))
                        break;
                x = export_state_ensure(&e->state, ev->mux);
                if (!x) {
                        log_msg(LOG_ERR, "mux '%s': out of memory, not exported", ev->mux);
                        break;
                }
                if (!x->kind)
                        x->info_stale = true;
                r = export_mux_set_record(x, ev->status_code, ev->generation, ev->buffer,
                                          ev->buffer_size);
                if (r == -EBADMSG)
                        log_msg(LOG_WARNING, "mux '%s': malformed record for status 0x%08" PRIx32
                                ", keeping the last one", ev->mux, ev->status_code);
                i = export_status_index(ev->status_code);
                if (ev->kind == MUXCAP_EVENT_INDICATION && i >= 0)
                        x->indications[i]++;
                e->dirty = true;
                break;
        case MUXCAP_EVENT_MUX_CHANGED:
                x = export_state_find(&e->state, ev->mux);
                if (x)
                        x->info_stale = true;
                break;
        case MUXCAP_EVENT_MUX_ADDED:
                if (!export_config_wants_mux(&e->config, ev->mux))
                        break;
                x = export_state_ensure(&e->state, ev->mux);
                if (x)
                        x->info_stale = true;
                e->dirty = true;
                break;
        case MUXCAP_EVENT_MUX_REMOVED:
                if (export_state_remove(&e->state, ev->mux) > 0)
                        e->dirty = true;
                break;
        case MUXCAP_EVENT_DAEMON_GONE:
                log_msg(LOG_WARNING, "muxcapd is not running; muxcap_daemon_up is 0, the NFD "
                        "labels expire unless it comes back");
                export_state_clear(&e->state);
                e->state.daemon_up = false;
                e->dirty = true;
                break;
        case MUXCAP_EVENT_DISCONNECTED:
                log_msg(LOG_ERR, "lost the bus connection, exiting");
                export_state_clear(&e->state);
                e->state.daemon_up = false;
                e->dirty = true;
                e->stop = true;
                e->exit_status = EXPORT_EXIT_RUNTIME;
                break;
        }
}

static unsigned strv_length(char **v) {
        unsigned n = 0;

        while (v && v[n])
                n++;
        return n;
}

static void exporter_apply_info(Exporter *e, ExportMux *x, const struct muxcap_mux_info *info) {
        if (export_mux_set_info(x, info->kind, info->capacity_policy,
                                strv_length(info->members)) > 0)
                e->dirty = true;
        x->info_stale = false;
}

/* Reads kind, capacity policy and members of the MUXes whose events said so: one getter
 * for one MUX, one listing for several (after a (re)start). */
static void exporter_refresh_info(Exporter *e) {
        size_t n_stale = 0;
        int r;

        for (size_t i = 0; i < e->state.n_muxes; i++)
                n_stale += e->state.muxes[i]->info_stale;
        if (n_stale == 0)
                return;
        if (n_stale == 1) {
                for (size_t i = 0; i < e->state.n_muxes; i++) {
                        ExportMux *x = e->state.muxes[i];
                        struct muxcap_mux_info *info = NULL;

                        if (!x->info_stale)
                                continue;
                        x->info_stale = false;
                        r = muxcap_client_get_mux_info(e->client, x->name, &info);
                        if (r < 0) {
                                /* Gone or going: its removal or the daemon's is on its way. */
                                log_msg(LOG_DEBUG, "mux '%s': reading its properties failed: %s",
                                        x->name, strerror(-r));
                                return;
                        }
                        exporter_apply_info(e, x, info);
                        muxcap_mux_info_free(info);
                        return;
                }
        }

        struct muxcap_mux_info **list = NULL;

        r = muxcap_client_list_muxes(e->client, &list);
        for (size_t i = 0; i < e->state.n_muxes; i++)
                e->state.muxes[i]->info_stale = false;
        if (r < 0) {
                log_msg(LOG_DEBUG, "listing MUXes failed: %s", strerror(-r));
                return;
        }
        for (size_t i = 0; list[i]; i++) {
                ExportMux *x = export_state_find(&e->state, list[i]->name);

                if (x)
                        exporter_apply_info(e, x, list[i]);
        }
        muxcap_mux_info_list_free(list);
}

/* Renders into a new string. */
static int render(Exporter *e, bool nfd, time_t expiry, char **ret) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        int r;

        if (!f)
                return -ENOMEM;
        r = nfd ? export_render_nfd(f, &e->state, e->config.label_prefix, expiry)
                : export_render_prometheus(f, &e->state, &e->config.metrics);
        if (fclose(f) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0) {
                free(buf);
                return r;
        }
        *ret = buf;
        return 0;
}

/* Replaces @path with @text, logging a failure once here. Returns 0 or a negative errno. */
static int exporter_replace(const char *path, const char *text) {
        int r = export_file_replace(path, text, strlen(text));

        if (r < 0)
                log_msg(LOG_WARNING, "writing '%s' failed: %s; trying again in %d s", path,
                        strerror(-r), RETRY_MS / 1000);
        return r;
}

/* Writes the Prometheus file if its text changed. Returns 0, or a negative errno. */
static int exporter_write_prometheus(Exporter *e) {
        char *text = NULL;
        int r;

        r = render(e, false, 0, &text);
        if (r < 0)
                return r;
        if (e->prom_written && strcmp(text, e->prom_written) == 0) {
                free(text);
                return 0;
        }
        r = exporter_replace(e->config.prom_file, text);
        if (r < 0) {
                free(text);
                return r;
        }
        free(e->prom_written);
        e->prom_written = text;
        e->touch_at_ms = now_ms() + TOUCH_MS;
        return 0;
}

/* Sets the Prometheus file's modification time when it is due; a file gone or not ours to
 * touch is written again. */
static void exporter_touch_prometheus(Exporter *e) {
        if (!e->touch_at_ms || now_ms() < e->touch_at_ms)
                return;
        e->touch_at_ms = now_ms() + TOUCH_MS;
        if (utimensat(AT_FDCWD, e->config.prom_file, NULL, 0) == 0)
                return;
        log_msg(LOG_DEBUG, "touching '%s' failed: %s; writing it again", e->config.prom_file,
                strerror(errno));
        free(e->prom_written);
        e->prom_written = NULL;
        e->dirty = true;
}

/* Writes the NFD file if its labels changed or its expiry time needs renewing. With muxcapd
 * down it writes nothing: the labels of the last file expire. */
static int exporter_write_nfd(Exporter *e, time_t now) {
        char *cmp = NULL, *text = NULL;
        time_t expiry = now + (time_t) e->config.nfd_expiry_sec;
        bool renew = e->nfd_expiry && now >= e->nfd_expiry - (time_t) e->config.nfd_expiry_sec / 2;
        int r;

        if (!e->state.daemon_up)
                return 0;
        r = render(e, true, 0, &cmp);
        if (r < 0)
                return r;
        if (!renew && e->nfd_written && strcmp(cmp, e->nfd_written) == 0) {
                free(cmp);
                return 0;
        }
        r = render(e, true, expiry, &text);
        if (r >= 0)
                r = exporter_replace(e->config.nfd_file, text);
        free(text);
        if (r < 0) {
                free(cmp);
                return r;
        }
        free(e->nfd_written);
        e->nfd_written = cmp;
        e->nfd_expiry = expiry;
        return 0;
}

static void exporter_write(Exporter *e) {
        bool retry = e->retry_at_ms && now_ms() >= e->retry_at_ms;
        bool failed = false;
        time_t now = time(NULL);

        if (e->config.prom_file)
                exporter_touch_prometheus(e);
        if (!e->dirty && !retry && !(e->nfd_expiry && e->state.daemon_up &&
                                     now >= e->nfd_expiry - (time_t) e->config.nfd_expiry_sec / 2))
                return;
        if (e->config.prom_file)
                failed |= exporter_write_prometheus(e) < 0;
        if (e->config.nfd_file)
                failed |= exporter_write_nfd(e, now) < 0;
        e->dirty = false;
        e->retry_at_ms = failed ? now_ms() + RETRY_MS : 0;
}

/* @timeout, or the milliseconds until @at_ms if sooner. */
static int timeout_until(int timeout, uint64_t at_ms) {
        uint64_t now = now_ms();
        int t = at_ms > now ? (int) (at_ms - now) : 0;

        return timeout < 0 || t < timeout ? t : timeout;
}

/* The poll timeout: the client's, the next retry, the next touch, the NFD renewal, whichever
 * comes first. */
static int exporter_timeout(Exporter *e) {
        int timeout = -1, t;

        if (muxcap_client_get_timeout(e->client, &t) >= 0)
                timeout = t;
        if (e->retry_at_ms)
                timeout = timeout_until(timeout, e->retry_at_ms);
        if (e->touch_at_ms)
                timeout = timeout_until(timeout, e->touch_at_ms);
        if (e->config.nfd_file && e->nfd_expiry && e->state.daemon_up) {
                time_t renew = e->nfd_expiry - (time_t) e->config.nfd_expiry_sec / 2;
                time_t now = time(NULL);
                long long ms = renew > now ? (long long) (renew - now) * 1000 : 0;

                t = ms > 24 * 3600 * 1000 ? 24 * 3600 * 1000 : (int) ms;
                timeout = timeout < 0 || t < timeout ? t : timeout;
        }
        return timeout;
}

static int exporter_run(Exporter *e, int sfd) {
        while (!e->stop) {
                struct pollfd p[2];
                int events, r;

                exporter_refresh_info(e);
                exporter_write(e);
                events = muxcap_client_get_events(e->client);
                if (events < 0)
                        return EXPORT_EXIT_RUNTIME;
                p[0] = (struct pollfd) { .fd = muxcap_client_get_fd(e->client), .events = (short) events };
                p[1] = (struct pollfd) { .fd = sfd, .events = POLLIN };
                r = poll(p, 2, exporter_timeout(e));
                if (r < 0 && errno != EINTR) {
                        log_msg(LOG_ERR, "poll failed: %s", strerror(errno));
                        return EXPORT_EXIT_RUNTIME;
                }
                if (r > 0 && (p[1].revents & POLLIN)) {
                        struct signalfd_siginfo si;

                        if (read(sfd, &si, sizeof(si)) == (ssize_t) sizeof(si)) {
                                if (si.ssi_signo == SIGHUP) {
                                        /* Write both files again, whatever we think they hold. */
                                        free(e->prom_written);
                                        e->prom_written = NULL;
                                        free(e->nfd_written);
                                        e->nfd_written = NULL;
                                        e->dirty = true;
                                } else
                                        e->stop = true;
                        }
                }
                (void) muxcap_client_dispatch(e->client);
        }
        /* Anything a last event changed (muxcapd gone, the bus lost) reaches the files. */
        exporter_write(e);
        return e->exit_status;
}

int main(int argc, char **argv) {
        Exporter e = { 0 };
        sigset_t mask;
        int r, sfd;

        log_setup();
        if (export_config_init(&e.config) < 0) {
                fputs("muxcap-export: out of memory\n", stderr);
                return EXPORT_EXIT_RUNTIME;
        }
        r = export_options_parse(argc, argv, &e.config, &log_state.max_level);
        if (r != 0) {
                export_config_done(&e.config);
                return r < 0 ? 0 : r;
        }
        const char *paths[] = { e.config.nfd_file, e.config.prom_file };
        for (size_t i = 0; i < 2; i++) {
                if (!paths[i])
                        continue;
                r = export_file_check_dir(paths[i]);
                if (r < 0) {
                        log_msg(LOG_ERR, "cannot write '%s': its folder: %s", paths[i], strerror(-r));
                        export_config_done(&e.config);
                        return EXPORT_EXIT_RUNTIME;
                }
        }

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        (void) sigprocmask(SIG_BLOCK, &mask, NULL);
        sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        if (sfd < 0) {
                log_msg(LOG_ERR, "signalfd failed: %s", strerror(errno));
                export_config_done(&e.config);
                return EXPORT_EXIT_RUNTIME;
        }
        (void) signal(SIGPIPE, SIG_IGN);

        r = muxcap_client_new(&e.client, e.config.bus);
        if (r < 0) {
                log_msg(LOG_ERR, "connecting to the %s bus failed: %s",
                        e.config.bus ? e.config.bus : "system", strerror(-r));
                close(sfd);
                export_config_done(&e.config);
                return EXPORT_EXIT_RUNTIME;
        }
        r = muxcap_client_subscribe_flags(e.client, NULL,
                                          MUXCAP_SUBSCRIBE_MUX_CHANGES | MUXCAP_SUBSCRIBE_TASK_OFFLOAD,
                                          exporter_event_cb, &e);
        if (r < 0) {
                log_msg(LOG_ERR, "subscribing to muxcapd failed: %s", strerror(-r));
                r = EXPORT_EXIT_RUNTIME;
        } else
                r = exporter_run(&e, sfd);

        /* A stopped exporter leaves no Prometheus file that looks current; the NFD labels
         * expire on their own (and survive a quick restart). */
        if (r == 0 && e.config.prom_file && unlink(e.config.prom_file) < 0 && errno != ENOENT)
                log_msg(LOG_WARNING, "removing '%s' failed: %s", e.config.prom_file,
                        strerror(errno));
        e.client = muxcap_client_unref(e.client);
        export_state_done(&e.state);
        free(e.prom_written);
        free(e.nfd_written);
        close(sfd);
        export_config_done(&e.config);
        return r;
}
