/* SPDX-License-Identifier: MIT */
/* Manager: wires the sources into the model, the model into the publisher, the publisher into
 * the service, and the service's requests back to the daemon's actions; owns them all */

#include <errno.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <systemd/sd-daemon.h>

#include "config.h"
#include "ethtool.h"
#include "log.h"
#include "manager.h"
#include "model.h"
#include "notify.h"
#include "publish.h"
#include "rtnl-source.h"
#include "service.h"
#include "udev-source.h"

struct Manager {
        struct event_base *base;        /* owned */
        ManagerOptions options;         /* strings borrowed from argv */
        Config *config;                 /* owned */
        uint32_t coalesce_ms;
        char instance_id[33];

        RtnlSource *rtnl;               /* owned */
        UdevSource *udev;               /* owned */
        Ethtool *ethtool;               /* owned */
        Model *model;                   /* owned */
        Publisher *publisher;           /* owned */
        Service *service;               /* owned: connected first; named after the first
                                         * enumeration's publication */
        bool published;                 /* the first enumeration is done, publishing started */

        struct event *sigterm, *sigint, *sighup;        /* owned */
        struct event *watchdog;         /* owned: only when systemd asked for one */
        int exit_code;
        /* A udev lookup of the running dump failed (not "gone", a real error): what udev
         * reported is kept rather than swept at the dump's end. */
        bool udev_lookup_failed;
};

static void manager_exit(Manager *m, int code) {
        if (code > m->exit_code)
                m->exit_code = code;
        event_base_loopexit(m->base, NULL);
}

/* Re-enumerates every source: after an overrun, a lost event, or on Resync(). The rtnetlink
 * dump reports every link, each link's udev state is looked up as it comes (on_link_new), and
 * the dump's end sweeps away what it did not report (on_dump_done). */
static int manager_resync(Manager *m) {
        int r;

        model_resync_begin(m->model);
        r = rtnl_source_dump(m->rtnl);
        if (r < 0)
                return log_error_errno(r, "rtnetlink: requesting a dump failed: %m");
        return 0;
}

/* Re-reads the config file. On error keeps the running config and returns it with the
 * message in @reterr_message (owned by the caller). */
static int manager_reload(Manager *m, char **reterr_message) {
        _cleanup_free_ char *msg = NULL;
        Config *c = NULL;
        int r;

        r = config_load(m->options.config_path, m->options.config_missing_ok, &c, &msg);
        if (r < 0) {
                if (!msg && asprintf(&msg, "%s: %s", m->options.config_path, strerror(-r)) < 0)
                        msg = NULL;
                log_error("reload: %s; keeping the running configuration", msg ? msg : "failed");
                if (reterr_message)
                        *reterr_message = steal_ptr(msg);
                return r;
        }
        model_set_config(m->model, c);
        config_free(m->config);
        m->config = c;
        if (m->options.coalesce_ms < 0 && m->coalesce_ms != c->coalesce_ms) {
                m->coalesce_ms = c->coalesce_ms;
                publisher_set_coalesce_ms(m->publisher, m->coalesce_ms);
        }
        log_info("reload: configuration '%s' applied", m->options.config_path);
        return 0;
}

/* Source callbacks: each hands the event to the model. */

/* A dumped link is looked up in udev first, so the model learns udev's state of it before
 * the link itself, as when udev's add event precedes the link's use. Raw kernel events carry
 * nothing the model needs from an enumeration: no properties, no initialized state. */
static void on_link_new(void *userdata, const RtnlLink *link) {
        Manager *m = userdata;
        int r;

        if (link->dumped && udev_source_get_mode(m->udev) == UDEV_SOURCE_UDEV) {
                r = udev_source_lookup(m->udev, link->name, !link->has_parent);
                if (r < 0 && r != -EINVAL) {
                        log_debug_errno(r, "udev: looking up '%s' failed: %m", link->name);
                        m->udev_lookup_failed = true;
                }
        }
        model_link_new(m->model, link);
}

static void on_link_del(void *userdata, int ifindex) {
        model_link_del(((Manager *) userdata)->model, ifindex);
}

static void on_dump_start(void *userdata) {
        Manager *m = userdata;

        m->udev_lookup_failed = false;
        model_dump_start(m->model);
}

static int service_resync(void *userdata);
static int service_reload(void *userdata, char **reterr_message);
static void service_exit(void *userdata, int code);

/* The first dump's end: the model holds every link, so the service comes up and the first
 * sync publishes them all. */
static void on_dump_done(void *userdata) {
        Manager *m = userdata;

        /* Every link was looked up in udev: NICs it did not report have lost udev's set-up
         * (at the first dump, none had it before). */
        if (m->udev_lookup_failed)
                log_warning("udev: enumeration failed, keeping what is known");
        else
                model_udev_enumerated(m->model);
        model_dump_done(m->model);
        if (!m->published) {
                m->published = true;
                publisher_start(m->publisher, m->service);
        }
        publisher_schedule(m->publisher);
}

static void on_overrun(void *userdata) {
        log_warning("event source overrun (ENOBUFS): events were lost, re-enumerating");
        (void) manager_resync(userdata);
}

static void on_udev_device(void *userdata, const UdevEvent *ev) {
        model_udev_device(((Manager *) userdata)->model, ev);
}

/* Model callbacks. */

static int model_read_features(void *userdata, const char *name, NicFeatures *ret_features,
                               char *ret_driver, size_t driver_size) {
        return ethtool_read(((Manager *) userdata)->ethtool, name, ret_features, ret_driver, driver_size);
}

static void model_changed(void *userdata) {
        publisher_schedule(((Manager *) userdata)->publisher);
}

static void model_lost(void *userdata) {
        (void) manager_resync(userdata);
}

/* Service actions. */

static int service_resync(void *userdata) {
        return manager_resync(userdata);
}

static int service_reload(void *userdata, char **reterr_message) {
        return manager_reload(userdata, reterr_message);
}

static void service_exit(void *userdata, int code) {
        manager_exit(userdata, code);
}

static void signal_cb(evutil_socket_t sig, short what, void *userdata) {
        Manager *m = userdata;

        if (sig == SIGHUP) {
                log_info("SIGHUP: reloading '%s'", m->options.config_path);
                (void) manager_reload(m, NULL);
                return;
        }
        log_info("%s: exiting", sig == SIGTERM ? "SIGTERM" : "SIGINT");
        manager_exit(m, EXIT_SUCCESS);
}

static void watchdog_cb(evutil_socket_t fd, short what, void *userdata) {
        (void) notify_nonblocking("WATCHDOG=1");
}

/* Takes ownership of @config on success; on failure the caller still owns it. */
int manager_new(Manager **ret, const ManagerOptions *options, Config *config) {
        static const ModelOps model_ops = {
                .read_features = model_read_features,
                .changed = model_changed,
                .lost = model_lost,
        };
        _cleanup_(manager_freep) Manager *m = calloc(1, sizeof(Manager));
        uint8_t id[16];
        ssize_t n;
        int r;

        if (!m)
                return -ENOMEM;
        m->options = *options;
        m->base = event_base_new();
        if (!m->base)
                return -ENOMEM;
        /* Three priorities, new events taking the middle one: the deferred sync takes the
         * lowest, so one loop iteration's events all land before the recomputation. */
        if (event_base_priority_init(m->base, 3) < 0)
                return -ENOMEM;
        /* getrandom() may return fewer bytes than asked (a signal): read the rest. */
        for (size_t got = 0; got < sizeof(id); got += (size_t) n) {
                n = getrandom(id + got, sizeof(id) - got, 0);
                if (n < 0 && errno == EINTR)
                        n = 0;
                else if (n < 0)
                        return -errno;
        }
        for (size_t i = 0; i < sizeof(id); i++)
                sprintf(m->instance_id + 2 * i, "%02x", id[i]);
        m->coalesce_ms = options->coalesce_ms >= 0 ? (uint32_t) options->coalesce_ms : config->coalesce_ms;
        r = model_new(&m->model, config, false, &model_ops, m);
        if (r < 0)
                return r;
        r = publisher_new(&m->publisher, m->base, m->model, m->coalesce_ms);
        if (r < 0)
                return r;
        m->config = config;
        *ret = steal_ptr(m);
        return 0;
}

/* Subscribes to every source first, then asks for the first enumeration; the service comes
 * up when the rtnetlink dump is done (on_dump_done). */
int manager_start(Manager *m) {
        static const ServiceActions actions = {
                .resync = service_resync,
                .reload = service_reload,
                .exit = service_exit,
        };
        static const RtnlSourceOps rtnl_ops = {
                .link_new = on_link_new,
                .link_del = on_link_del,
                .dump_start = on_dump_start,
                .dump_done = on_dump_done,
                .overrun = on_overrun,
        };
        static const UdevSourceOps udev_ops = {
                .device = on_udev_device,
                .overrun = on_overrun,
        };
        const ServiceOptions service_options = {
                .bus = m->options.bus,
                .instance_id = m->instance_id,
                .coalesce_ms = m->coalesce_ms,
        };
        uint64_t watchdog_usec = 0;
        int r;

        m->sigterm = evsignal_new(m->base, SIGTERM, signal_cb, m);
        m->sigint = evsignal_new(m->base, SIGINT, signal_cb, m);
        m->sighup = evsignal_new(m->base, SIGHUP, signal_cb, m);
        if (!m->sigterm || !m->sigint || !m->sighup || evsignal_add(m->sigterm, NULL) < 0 ||
            evsignal_add(m->sigint, NULL) < 0 || evsignal_add(m->sighup, NULL) < 0)
                return log_error_errno(-ENOMEM, "setting up signal handling failed");
        (void) signal(SIGPIPE, SIG_IGN);

        /* The bus first: a second muxcapd learns that the name is taken before it listens to
         * udev and the kernel, and says nothing of their devices. The name itself is taken
         * after the first publication (service_own_name()). */
        r = service_new(&m->service, m->base, &service_options, m->model, &actions, m);
        if (r < 0)
                return r;
        r = service_check_name_free(m->service);
        if (r < 0)
                return r;

        r = ethtool_new(&m->ethtool);
        if (r < 0)
                return log_error_errno(r, "ethtool: opening failed: %m");
        r = udev_source_new(&m->udev, m->base, m->options.udev_mode, &udev_ops, m);
        if (r < 0)
                return log_error_errno(r, "udev: opening the monitor failed: %m");
        m->model->udev_props = udev_source_get_mode(m->udev) == UDEV_SOURCE_UDEV;
        if (!m->model->udev_props)
                log_notice("udev: using raw kernel events; udev properties (MUXCAP_*) are unavailable");
        r = rtnl_source_new(&m->rtnl, m->base, &rtnl_ops, m);
        if (r < 0)
                return log_error_errno(r, "rtnetlink: opening failed: %m");
        if (m->options.udev_rcvbuf > 0)
                (void) udev_source_set_rcvbuf(m->udev, m->options.udev_rcvbuf);
        if (m->options.rtnl_rcvbuf > 0)
                (void) rtnl_source_set_rcvbuf(m->rtnl, m->options.rtnl_rcvbuf);

        if (sd_watchdog_enabled(0, &watchdog_usec) > 0 && watchdog_usec > 0) {
                struct timeval tv = { .tv_sec = (time_t) (watchdog_usec / 2 / 1000000),
                                      .tv_usec = (suseconds_t) (watchdog_usec / 2 % 1000000) };
                m->watchdog = event_new(m->base, -1, EV_PERSIST, watchdog_cb, m);
                if (!m->watchdog || event_add(m->watchdog, &tv) < 0)
                        return log_error_errno(-ENOMEM, "setting up the watchdog failed");
        }

        /* The enumeration: one rtnetlink dump, each link looked up in udev as it comes. */
        r = rtnl_source_dump(m->rtnl);
        if (r < 0)
                return log_error_errno(r, "rtnetlink: requesting the link dump failed: %m");
        return 0;
}

int manager_run(Manager *m) {
        if (event_base_dispatch(m->base) < 0)
                return log_error_errno(-EIO, "event loop failed");
        (void) notify_nonblocking("STOPPING=1");
        return m->exit_code;
}

static void event_freep(struct event **e) {
        if (*e)
                event_free(*e);
        *e = NULL;
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;
        /* Reverse order of setup: the service first, so it releases the name. */
        m->service = service_free(m->service);
        m->publisher = publisher_free(m->publisher);
        m->model = model_free(m->model);
        rtnl_source_free(m->rtnl);
        udev_source_free(m->udev);
        ethtool_free(m->ethtool);
        event_freep(&m->watchdog);
        event_freep(&m->sigterm);
        event_freep(&m->sigint);
        event_freep(&m->sighup);
        config_free(m->config);
        if (m->base)
                event_base_free(m->base);
        free(m);
        return NULL;
}
