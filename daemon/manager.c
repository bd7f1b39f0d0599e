/* SPDX-License-Identifier: MIT */
/* Manager: sources feed the NIC table; a deferred sync recomputes MUXes and publishes */

#include <errno.h>
#include <event2/event.h>
#include <inttypes.h>
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
#include "mux.h"
#include "nic.h"
#include "notify.h"
#include "rtnl-source.h"
#include "service.h"
#include "udev-source.h"
#include "strv.h"

static void manager_schedule_sync(Manager *m);
static void manager_notify_status(Manager *m);

/* Binary search in the ifindex-sorted table; returns the slot where @ifindex is or goes. */
static size_t nic_slot(const Manager *m, int ifindex) {
        size_t lo = 0, hi = m->n_nics;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (m->nics[mid]->ifindex < ifindex)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

static Nic *manager_find_nic(const Manager *m, int ifindex) {
        size_t i = nic_slot(m, ifindex);

        return i < m->n_nics && m->nics[i]->ifindex == ifindex ? m->nics[i] : NULL;
}

Nic *manager_find_nic_by_name(Manager *m, const char *name) {
        for (size_t i = 0; i < m->n_nics; i++)
                if (m->nics[i]->published && streq(m->nics[i]->pub_name, name))
                        return m->nics[i];
        return NULL;
}

Mux *manager_find_mux(Manager *m, const char *name) {
        for (size_t i = 0; i < m->n_muxes; i++)
                if (streq(m->muxes[i]->name, name))
                        return m->muxes[i];
        return NULL;
}

/* A NIC takes part once the kernel reports it and, with udev's events, once udev has set
 * it up (renamed it, applied rules): so a half-made device is never published. */
bool nic_is_visible(const Manager *m, const Nic *n) {
        return n->in_rtnl && n->name && n->name_utf8 && (!m->udev_props || n->in_udev);
}

static Nic *manager_get_nic(Manager *m, int ifindex) {
        Nic *n = manager_find_nic(m, ifindex), **table;
        size_t i;

        if (n)
                return n;
        if (nic_new(&n, ifindex) < 0)
                return NULL;
        table = realloc(m->nics, (m->n_nics + 1) * sizeof(Nic *));
        if (!table) {
                nic_free(n);
                return NULL;
        }
        m->nics = table;
        i = nic_slot(m, ifindex);
        memmove(m->nics + i + 1, m->nics + i, (m->n_nics - i) * sizeof(Nic *));
        m->nics[i] = n;
        m->n_nics++;
        return n;
}

/* Drops @n from the table: withdraws its D-Bus object and every weak pointer to it. */
static void manager_drop_nic(Manager *m, Nic *n) {
        size_t i = nic_slot(m, n->ifindex);

        if (n->published && m->service)
                service_nic_removed(m->service, n);
        n->published = false;
        /* D-Bus calls (Explain) may run before the next sync rebuilds the member lists. */
        for (size_t k = 0; k < m->n_muxes; k++)
                mux_forget_nic(m->muxes[k], n);
        if (n->mux)
                n->mux->nic = NULL;
        n->mux = NULL;
        memmove(m->nics + i, m->nics + i + 1, (m->n_nics - i - 1) * sizeof(Nic *));
        m->n_nics--;
        nic_free(n);
        m->topology_dirty = true;
}

static void nic_read_features(Manager *m, Nic *n) {
        char driver[sizeof(n->driver)] = "";
        NicFeatures features;
        int r;

        if (!n->name)
                return;
        r = ethtool_read(m->ethtool, n->name, &features, driver, sizeof(driver));
        if (r < 0) {
                /* Gone between the event and the read: its removal event follows. */
                log_debug_errno(r, "nic '%s': reading features failed, keeping last record: %m",
                                n->name);
                return;
        }
        n->features = features;
        n->features_valid = true;
        memcpy(n->driver, driver, sizeof(n->driver));
}

/* rtnetlink: a link appeared or changed. Idempotent: dumps and events take this path. */
static void on_link_new(void *userdata, const RtnlLink *link) {
        Manager *m = userdata;
        Nic *n = manager_get_nic(m, link->ifindex);
        bool fresh;
        int r;

        if (!n) {
                log_error("nic %d: out of memory, resyncing later", link->ifindex);
                return;
        }
        fresh = !n->in_rtnl;
        n->in_rtnl = true;
        n->rtnl_mark = true;
        r = nic_set_name(n, link->name);
        if (r > 0 && !fresh) {
                log_debug("nic %d: renamed to '%s'", n->ifindex, link->name);
                m->names_changed = true;
        }
        if (r > 0 && !n->name_utf8)
                log_warning("nic %d: its name is not valid UTF-8, so D-Bus cannot carry it: "
                            "not published, and not a member of any MUX", n->ifindex);
        if (r != 0)
                m->topology_dirty = true;
        if (nic_set_kind(n, link->kind) != 0)
                m->topology_dirty = true;
        if (n->master != link->master) {
                log_debug("nic '%s': master %d -> %d", n->name, n->master, link->master);
                n->master = link->master;
                m->topology_dirty = true;
        }
        n->type = link->type;
        if (fresh || link->features_changed || m->resyncing || r > 0) {
                log_debug("nic '%s': %s, reading features", n->name,
                          fresh ? "new" : link->features_changed ? "features changed" : "re-read");
                nic_read_features(m, n);
        }
        nic_update_records(n, m->config);
        manager_schedule_sync(m);
}

static void on_link_del(void *userdata, int ifindex) {
        Manager *m = userdata;
        Nic *n = manager_find_nic(m, ifindex);

        if (!n)
                return;
        log_debug("nic '%s': removed", n->name ? n->name : "?");
        manager_drop_nic(m, n);
        manager_schedule_sync(m);
}

static void manager_sweep(Manager *m) {
        for (size_t i = m->n_nics; i > 0; i--) {
                Nic *n = m->nics[i - 1];
                if (!n->rtnl_mark) {
                        log_debug("nic '%s': gone after re-enumeration", n->name ? n->name : "?");
                        manager_drop_nic(m, n);
                }
        }
}

/* A dump (re)starts: links it does not report by its end are gone. */
static void on_dump_start(void *userdata) {
        Manager *m = userdata;

        for (size_t i = 0; i < m->n_nics; i++)
                m->nics[i]->rtnl_mark = false;
}

static void on_dump_done(void *userdata) {
        Manager *m = userdata;

        if (m->resyncing) {
                manager_sweep(m);
                m->resyncing = false;
                log_info("re-enumeration done: %zu NICs", m->n_nics);
        }
        if (!m->started) {
                if (service_new(&m->service, m, m->options.bus) < 0) {
                        manager_exit(m, EXIT_FAILURE);
                        return;
                }
                m->started = true;
                m->topology_dirty = true;
        }
        manager_schedule_sync(m);
}

static void on_overrun(void *userdata) {
        Manager *m = userdata;

        log_warning("event source overrun (ENOBUFS): events were lost, re-enumerating");
        (void) manager_resync(m);
}

static void on_udev_device(void *userdata, const UdevEvent *ev) {
        Manager *m = userdata;
        Nic *n;
        int r;

        if (ev->ifindex <= 0)
                return;
        if (ev->action == UDEV_ACTION_REMOVE) {
                n = manager_find_nic(m, ev->ifindex);
                if (!n)
                        return;
                log_debug("nic '%s': udev remove", n->name ? n->name : "?");
                if (!n->in_rtnl) {
                        manager_drop_nic(m, n);
                        return;
                }
                n->in_udev = false;
                (void) nic_set_udev_props(n, (const char *[_FIELD_MAX]) { 0 });
                nic_update_records(n, m->config);
                m->topology_dirty = true;
                manager_schedule_sync(m);
                return;
        }
        n = manager_get_nic(m, ev->ifindex);
        if (!n) {
                log_error("nic %d: out of memory", ev->ifindex);
                return;
        }
        log_debug("nic %d '%s': udev %s", ev->ifindex, ev->name ? ev->name : "?",
                  ev->action == UDEV_ACTION_ADD ? "add" : ev->action == UDEV_ACTION_MOVE ? "move" : "change");
        if (!n->in_udev)
                m->topology_dirty = true;
        n->in_udev = true;
        n->udev_mark = true;
        if (!n->name && ev->name)
                (void) nic_set_name(n, ev->name);
        r = nic_set_udev_props(n, ev->props);
        if (r < 0)
                log_error("nic '%s': out of memory storing udev properties", n->name ? n->name : "?");
        nic_update_records(n, m->config);
        manager_schedule_sync(m);
}

/* Re-enumerates every source: after an overrun, or on Resync(). The rtnetlink dump's end
 * sweeps away NICs it did not report. */
int manager_resync(Manager *m) {
        int r;

        m->resyncing = true;
        for (size_t i = 0; i < m->n_nics; i++)
                m->nics[i]->udev_mark = false;
        r = udev_source_enumerate(m->udev);
        if (r < 0)
                log_warning_errno(r, "udev: enumeration failed, keeping what is known: %m");
        else if (m->udev_props)
                for (size_t i = 0; i < m->n_nics; i++)
                        if (!m->nics[i]->udev_mark && m->nics[i]->in_udev) {
                                m->nics[i]->in_udev = false;
                                m->topology_dirty = true;
                        }
        r = rtnl_source_dump(m->rtnl);
        if (r < 0)
                return log_error_errno(r, "rtnetlink: requesting a dump failed: %m");
        return 0;
}

/* Re-reads the config file. On error keeps the running config and returns -EINVAL with the
 * message in @reterr_message. */
int manager_reload(Manager *m, char **reterr_message) {
        Config *c = NULL;
        char *msg = NULL;
        int r;

        r = config_load(m->options.config_path, m->options.config_missing_ok, &c, &msg);
        if (r < 0) {
                if (!msg && asprintf(&msg, "%s: %s", m->options.config_path, strerror(-r)) < 0)
                        msg = NULL;
                log_error("reload: %s; keeping the running configuration", msg ? msg : "failed");
                if (reterr_message)
                        *reterr_message = msg;
                else
                        free(msg);
                return r;
        }
        config_free(m->config);
        m->config = c;
        if (m->options.coalesce_ms < 0 && m->coalesce_ms != c->coalesce_ms) {
                m->coalesce_ms = c->coalesce_ms;
                if (m->service)
                        service_manager_changed(m->service);
        }
        for (size_t i = 0; i < m->n_nics; i++)
                nic_update_records(m->nics[i], m->config);
        m->topology_dirty = true;
        manager_schedule_sync(m);
        log_info("reload: configuration '%s' applied", m->options.config_path);
        return 0;
}

static Mux *ensure_mux(Manager *m, const char *name, const char *kind, bool declared) {
        Mux *x = manager_find_mux(m, name), **table;

        if (x && x->declared == declared && streq(x->kind, kind)) {
                x->mark = true;
                return x;
        }
        if (x)
                return NULL;    /* a declared and a kernel MUX share the name: first wins */
        if (mux_new(&x, m, name, kind, declared) < 0)
                return NULL;
        table = realloc(m->muxes, (m->n_muxes + 1) * sizeof(Mux *));
        if (!table) {
                mux_free(x);
                return NULL;
        }
        m->muxes = table;
        {
                /* Keep the table sorted by name: insert in place. */
                size_t lo = 0, hi = m->n_muxes;
                while (lo < hi) {
                        size_t mid = lo + (hi - lo) / 2;
                        if (strcmp(m->muxes[mid]->name, name) < 0)
                                lo = mid + 1;
                        else
                                hi = mid;
                }
                memmove(m->muxes + lo + 1, m->muxes + lo, (m->n_muxes - lo) * sizeof(Mux *));
                m->muxes[lo] = x;
                m->n_muxes++;
        }
        x->mark = true;
        log_debug("mux '%s': new (%s)", name, kind);
        return x;
}

/* Each NIC's MUXes (its Muxes property), from the member lists: done here, once per
 * topology change, and not per sync. Lists come out sorted, as the MUX table is. A first
 * pass compares in place, so only the NICs whose list changed allocate. */
static void manager_rebuild_nic_muxes(Manager *m) {
        _cleanup_free_ size_t *seen = calloc(m->n_nics + 1, sizeof(size_t));
        _cleanup_free_ bool *differs = calloc(m->n_nics + 1, sizeof(bool));
        _cleanup_free_ char ***lists = NULL;
        _cleanup_free_ size_t *count = NULL;
        bool any = false, oom = false;

        if (!seen || !differs) {
                log_error("out of memory, NIC Muxes properties not updated");
                return;
        }
        for (size_t k = 0; k < m->n_muxes; k++)
                for (size_t j = 0; j < m->muxes[k]->n_members; j++) {
                        const Nic *n = m->muxes[k]->members[j].nic;
                        size_t i;

                        if (!n)
                                continue;
                        i = nic_slot(m, n->ifindex);
                        if (!differs[i]) {
                                char **pub = m->nics[i]->pub_muxes;
                                differs[i] = !pub || !pub[seen[i]] || !streq(pub[seen[i]], m->muxes[k]->name);
                        }
                        seen[i]++;
                }
        for (size_t i = 0; i < m->n_nics; i++) {
                char **pub = m->nics[i]->pub_muxes;
                if (!differs[i])
                        differs[i] = pub && pub[seen[i]];
                any = any || differs[i];
        }
        if (!any)
                return;

        lists = calloc(m->n_nics + 1, sizeof(char **));
        count = calloc(m->n_nics + 1, sizeof(size_t));
        oom = !lists || !count;
        for (size_t k = 0; !oom && k < m->n_muxes; k++)
                for (size_t j = 0; !oom && j < m->muxes[k]->n_members; j++) {
                        const Nic *n = m->muxes[k]->members[j].nic;
                        size_t i;

                        if (!n)
                                continue;
                        i = nic_slot(m, n->ifindex);
                        if (differs[i])
                                oom = strv_push_dup(&lists[i], &count[i], m->muxes[k]->name) < 0;
                }
        for (size_t i = 0; lists && i < m->n_nics; i++) {
                Nic *n = m->nics[i];

                if (oom || !differs[i]) {
                        strv_free(lists[i]);
                        continue;
                }
                strv_free(n->pub_muxes);
                n->pub_muxes = lists[i];
                n->muxes_changed = true;
        }
        if (oom)
                log_error("out of memory, NIC Muxes properties not updated");
}

/* Rebuilds the MUX set and every member list from the NIC table and config. */
static void manager_rebuild_topology(Manager *m) {
        _cleanup_free_ Mux **declared = NULL;
        _cleanup_free_ const MuxRule **rules = NULL;
        size_t n_declared = 0;

        for (size_t i = 0; i < m->n_muxes; i++) {
                m->muxes[i]->mark = false;
                m->muxes[i]->n_members_before = m->muxes[i]->n_members;
                m->muxes[i]->n_members = 0;
        }
        for (size_t i = 0; i < m->n_nics; i++)
                m->nics[i]->mux = NULL;

        /* Declared MUXes first: the config names them, so they win a name clash. */
        for (size_t i = 0; i < m->config->n_muxes; i++) {
                const MuxRule *rule = &m->config->muxes[i];
                Mux *x;

                if (!rule->members)
                        continue;
                x = ensure_mux(m, rule->name, "declared", true);
                if (x)
                        x->policy = rule->policy;
        }
        for (size_t i = 0; i < m->n_nics; i++) {
                Nic *n = m->nics[i];
                const MuxRule *rule;
                Mux *x;

                if (!nic_is_visible(m, n) || !config_is_kernel_mux_kind(m->config, n->kind))
                        continue;
                x = ensure_mux(m, n->name, n->kind, false);
                if (!x) {
                        log_debug("mux '%s': name taken by a declared MUX, ignoring the device", n->name);
                        continue;
                }
                x->nic = n;
                x->ifindex = n->ifindex;
                n->mux = x;
                rule = config_find_mux(m->config, n->name);
                x->policy = rule && !rule->members ? rule->policy : CAPACITY_POLICY_MIN;
        }

        /* Drop MUXes no longer wanted (their objects go first). */
        for (size_t i = m->n_muxes; i > 0; i--) {
                Mux *x = m->muxes[i - 1];
                if (x->mark)
                        continue;
                log_debug("mux '%s': gone", x->name);
                if (x->published && m->service)
                        service_mux_removed(m->service, x);
                memmove(m->muxes + i - 1, m->muxes + i, (m->n_muxes - i) * sizeof(Mux *));
                m->n_muxes--;
                mux_free(x);
        }

        /* Declared MUXes with their rules, looked up once, not per NIC. */
        declared = calloc(m->config->n_muxes + 1, sizeof(Mux *));
        rules = calloc(m->config->n_muxes + 1, sizeof(MuxRule *));
        if (!declared || !rules)
                log_error("out of memory, declared MUXes get no members until the next change");
        for (size_t i = 0; declared && rules && i < m->config->n_muxes; i++) {
                Mux *x = manager_find_mux(m, m->config->muxes[i].name);
                if (x && x->declared && m->config->muxes[i].members) {
                        declared[n_declared] = x;
                        rules[n_declared++] = &m->config->muxes[i];
                }
        }

        /* Members: kernel MUXes by master, declared ones by glob over NICs and MUXes. */
        for (size_t i = 0; i < m->n_nics; i++) {
                Nic *n = m->nics[i], *master;

                if (!nic_is_visible(m, n))
                        continue;
                if (n->master > 0) {
                        master = manager_find_nic(m, n->master);
                        if (master && master->mux && !master->mux->declared)
                                mux_add_member(master->mux, n, n->mux);
                }
                for (size_t k = 0; k < n_declared; k++)
                        if (n->mux != declared[k] && config_mux_matches(rules[k], n->name))
                                mux_add_member(declared[k], n, n->mux);
        }
        for (size_t k = 0; k < n_declared; k++)
                for (size_t j = 0; j < n_declared; j++)
                        if (j != k && config_mux_matches(rules[k], declared[j]->name))
                                mux_add_member(declared[k], NULL, declared[j]);
        for (size_t k = 0; k < m->n_muxes; k++) {
                Mux *x = m->muxes[k];
                if (x->n_members != x->n_members_before || m->names_changed)
                        x->members_dirty = true;
        }
        m->names_changed = false;
        manager_rebuild_nic_muxes(m);
        m->topology_dirty = false;
}

static void mux_window_cb(evutil_socket_t fd, short what, void *userdata);

static void mux_open_window(Manager *m, Mux *x) {
        struct timeval tv = {
                .tv_sec = m->coalesce_ms / 1000,
                .tv_usec = (m->coalesce_ms % 1000) * 1000,
        };

        if (!x->window) {
                x->window = evtimer_new(m->base, mux_window_cb, x);
                if (!x->window) {
                        log_error("mux '%s': out of memory, emitting without coalescing", x->name);
                        x->coalescer.window_open = false;
                        return;
                }
        }
        evtimer_add(x->window, &tv);
}

/* Whether @x's computed state (records, members, policy) differs from what D-Bus shows. */
static bool mux_differs(const Mux *x) {
        return !value_equal(&x->hw, &x->pub_hw) || !value_equal(&x->cur, &x->pub_cur) ||
               x->pub_policy != x->policy || mux_members_differ(x);
}

/* Publishes @x's computed state: properties first, one PropertiesChanged, then one
 * StatusIndication per changed record, all before returning to the loop. Members and policy
 * go through the coalescing window like the records (a burst of joins is one signal), but
 * only a record change makes a new generation. */
static void mux_emit(Manager *m, Mux *x) {
        unsigned changed = 0;

        if (mux_members_differ(x)) {
                char **members = mux_members_strv(x);
                if (members) {
                        strv_free(x->pub_members);
                        x->pub_members = members;
                        x->members_dirty = false;
                        changed |= CHANGED_MEMBERS;
                } else
                        log_error("mux '%s': out of memory, Members not updated", x->name);
        }
        if (x->pub_policy != x->policy) {
                x->pub_policy = x->policy;
                changed |= CHANGED_POLICY;
        }
        if (!value_equal(&x->hw, &x->pub_hw))
                changed |= CHANGED_HW;
        if (!value_equal(&x->cur, &x->pub_cur))
                changed |= CHANGED_CUR;
        if (changed & (CHANGED_HW | CHANGED_CUR)) {
                x->pub_hw = x->hw;
                x->pub_cur = x->cur;
                x->generation++;
                changed |= CHANGED_GENERATION;
                log_debug("mux '%s': emitting generation %" PRIu64 " (%s%s)", x->name, x->generation,
                          changed & CHANGED_HW ? "hardware " : "", changed & CHANGED_CUR ? "current" : "");
        }
        if (changed)
                service_mux_changed(m->service, x, changed);
}

/* The window ended: the sync decides, after any pending topology rebuild, so all computation
 * happens in one place and on a consistent model. */
static void mux_window_cb(evutil_socket_t fd, short what, void *userdata) {
        Mux *x = userdata;

        x->window_due = true;
        manager_schedule_sync(x->manager);
}

static void manager_publish_nic(Manager *m, Nic *n) {
        unsigned changed = 0;

        if (n->published && !streq(n->pub_name, n->name)) {
                /* A rename moves the object: withdraw the old path, add the new. */
                service_nic_removed(m->service, n);
                n->published = false;
        }
        if (!value_equal(&n->hw, &n->pub_hw))
                changed |= CHANGED_HW;
        if (!value_equal(&n->cur, &n->pub_cur))
                changed |= CHANGED_CUR;
        if (!streq(n->driver, n->pub_driver))
                changed |= CHANGED_DRIVER;
        if (n->muxes_changed)
                changed |= CHANGED_MEMBERS;
        n->muxes_changed = false;
        n->pub_hw = n->hw;
        n->pub_cur = n->cur;
        memcpy(n->pub_driver, n->driver, sizeof(n->driver));
        if (!n->published) {
                free(n->pub_name);
                n->pub_name = strdup(n->name);
                if (!n->pub_name)
                        return;
                n->published = true;
                service_nic_added(m->service, n);
        } else if (changed)
                service_nic_changed(m->service, n, changed);
}

/* The deferred sync: recompute, compare, publish. Runs once per loop iteration however many
 * events came in, so a burst costs one recomputation. */
static void manager_sync(Manager *m) {
        if (!m->started)
                return;
        if (m->topology_dirty)
                manager_rebuild_topology(m);

        /* NIC objects first, so a MUX's Members can be looked up when its signal arrives. */
        for (size_t i = 0; i < m->n_nics; i++) {
                Nic *n = m->nics[i];
                if (nic_is_visible(m, n))
                        manager_publish_nic(m, n);
                else if (n->published) {
                        service_nic_removed(m->service, n);
                        n->published = false;
                }
        }

        for (size_t i = 0; i < m->n_muxes; i++)
                m->muxes[i]->state = 0;
        for (size_t i = 0; i < m->n_muxes; i++) {
                Mux *x = m->muxes[i];
                CoalesceAction action;
                bool differs;

                if (x->published && x->coalescer.window_open && !x->window_due) {
                        /* Inside the window nothing goes out before it closes, so nothing is
                         * computed before either: the window's end computes once, however
                         * many events came (a burst costs one aggregation per window). */
                        (void) coalesce_on_change(&x->coalescer, true);
                        continue;
                }
                mux_compute(x);
                if (!x->published) {
                        char **members = mux_members_strv(x);
                        if (!members) {
                                log_error("mux '%s': out of memory, publishing later", x->name);
                                continue;
                        }
                        x->pub_members = members;
                        x->members_dirty = false;
                        x->pub_hw = x->hw;
                        x->pub_cur = x->cur;
                        x->pub_policy = x->policy;
                        x->generation = 1;
                        x->published = true;
                        x->coalescer = (Coalescer) { .window_open = true };
                        log_debug("mux '%s': publishing generation 1", x->name);
                        service_mux_added(m->service, x);
                        mux_open_window(m, x);
                        continue;
                }
                differs = mux_differs(x);
                action = x->window_due ? coalesce_on_window_end(&x->coalescer, differs)
                                       : coalesce_on_change(&x->coalescer, differs);
                x->window_due = false;
                switch (action) {
                case COALESCE_EMIT:
                        mux_emit(m, x);
                        mux_open_window(m, x);
                        break;
                case COALESCE_CLOSE:
                        log_debug("mux '%s': coalescing window closed%s", x->name,
                                  differs ? "" : " with nothing new");
                        break;
                default:
                        if (!differs)
                                log_debug("mux '%s': recomputed, record unchanged, nothing emitted", x->name);
                        break;
                }
        }

        manager_notify_status(m);
}

static size_t manager_count_published(const Manager *m) {
        size_t published = 0;

        for (size_t i = 0; i < m->n_nics; i++)
                published += m->nics[i]->published;
        return published;
}

static void manager_send_status(Manager *m) {
        size_t published = manager_count_published(m);
        char status[128];

        if (m->ready && m->notified_muxes == m->n_muxes && m->notified_nics == published)
                return;
        m->notified_muxes = m->n_muxes;
        m->notified_nics = published;
        snprintf(status, sizeof(status), "%sSTATUS=%zu MUXes, %zu NICs",
                 m->ready ? "" : "READY=1\n", m->n_muxes, published);
        if (m->ready)
                (void) notify_nonblocking(status);
        else
                (void) sd_notify(0, status);    /* once, and it must not be lost */
        if (!m->ready)
                log_info("ready: %zu MUXes, %zu NICs", m->n_muxes, published);
        m->ready = true;
}

static void status_timer_cb(evutil_socket_t fd, short what, void *userdata) {
        manager_send_status(userdata);
}

/* READY=1 goes out with the first published state (the name is owned by then). Later STATUS=
 * updates go out at most once a second, without blocking (notify.c): a storm would otherwise
 * send one per sync. */
static void manager_notify_status(Manager *m) {
        static const struct timeval interval = { .tv_sec = 1 };

        if (!m->ready) {
                manager_send_status(m);
                return;
        }
        if (m->notified_muxes == m->n_muxes && m->notified_nics == manager_count_published(m))
                return;
        if (!evtimer_pending(m->status_timer, NULL))
                evtimer_add(m->status_timer, &interval);
}

static void sync_cb(evutil_socket_t fd, short what, void *userdata) {
        manager_sync(userdata);
}

static void manager_schedule_sync(Manager *m) {
        if (m->sync_event)
                event_active(m->sync_event, EV_TIMEOUT, 0);
}

void manager_exit(Manager *m, int code) {
        if (code > m->exit_code)
                m->exit_code = code;
        event_base_loopexit(m->base, NULL);
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

int manager_new(Manager **ret, const ManagerOptions *options, Config *config) {
        _cleanup_(manager_freep) Manager *m = calloc(1, sizeof(Manager));
        uint8_t id[16];

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
        m->sync_event = event_new(m->base, -1, 0, sync_cb, m);
        if (!m->sync_event || event_priority_set(m->sync_event, 2) < 0)
                return -ENOMEM;
        m->status_timer = evtimer_new(m->base, status_timer_cb, m);
        if (!m->status_timer)
                return -ENOMEM;
        if (getrandom(id, sizeof(id), 0) != sizeof(id))
                return -errno;
        for (size_t i = 0; i < sizeof(id); i++)
                sprintf(m->instance_id + 2 * i, "%02x", id[i]);
        m->config = config;
        m->coalesce_ms = options->coalesce_ms >= 0 ? (uint32_t) options->coalesce_ms : config->coalesce_ms;
        *ret = steal_ptr(m);
        return 0;
}

/* Subscribes to every source first, then asks for the first enumeration; the service comes
 * up when the rtnetlink dump is done (on_dump_done). */
int manager_start(Manager *m) {
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
        uint64_t watchdog_usec = 0;
        int r;

        m->sigterm = evsignal_new(m->base, SIGTERM, signal_cb, m);
        m->sigint = evsignal_new(m->base, SIGINT, signal_cb, m);
        m->sighup = evsignal_new(m->base, SIGHUP, signal_cb, m);
        if (!m->sigterm || !m->sigint || !m->sighup || evsignal_add(m->sigterm, NULL) < 0 ||
            evsignal_add(m->sigint, NULL) < 0 || evsignal_add(m->sighup, NULL) < 0)
                return log_error_errno(-ENOMEM, "setting up signal handling failed");
        (void) signal(SIGPIPE, SIG_IGN);

        r = ethtool_new(&m->ethtool);
        if (r < 0)
                return log_error_errno(r, "ethtool: opening failed: %m");
        r = udev_source_new(&m->udev, m->base, m->options.udev_mode, &udev_ops, m);
        if (r < 0)
                return log_error_errno(r, "udev: opening the monitor failed: %m");
        m->udev_props = udev_source_get_mode(m->udev) == UDEV_SOURCE_UDEV;
        if (!m->udev_props)
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

        r = udev_source_enumerate(m->udev);
        if (r < 0)
                return log_error_errno(r, "udev: enumerating devices failed: %m");
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

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;
        /* Reverse order of setup: the service first, so it releases the name. */
        m->service = service_free(m->service);
        for (size_t i = 0; i < m->n_muxes; i++)
                mux_free(m->muxes[i]);
        free(m->muxes);
        for (size_t i = 0; i < m->n_nics; i++)
                nic_free(m->nics[i]);
        free(m->nics);
        rtnl_source_free(m->rtnl);
        udev_source_free(m->udev);
        ethtool_free(m->ethtool);
        if (m->watchdog)
                event_free(m->watchdog);
        if (m->sigterm)
                event_free(m->sigterm);
        if (m->sigint)
                event_free(m->sigint);
        if (m->sighup)
                event_free(m->sighup);
        if (m->sync_event)
                event_free(m->sync_event);
        if (m->status_timer)
                event_free(m->status_timer);
        config_free(m->config);
        if (m->base)
                event_base_free(m->base);
        free(m);
        return NULL;
}
