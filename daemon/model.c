/* SPDX-License-Identifier: MIT */
/* The model: the NIC and MUX tables, and the sources' events that update them (topology.c derives
 * the MUXes and their members) */

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "model-internal.h"
#include "model.h"
#include "mux.h"
#include "nic.h"
#include "strv.h"

static void model_changed(Model *m) {
        if (m->ops && m->ops->changed)
                m->ops->changed(m->userdata);
}

static void model_lost(Model *m) {
        if (m->ops && m->ops->lost)
                m->ops->lost(m->userdata);
}

int model_new(Model **ret, const Config *config, bool udev_props, const ModelOps *ops, void *userdata) {
        Model *m = calloc(1, sizeof(Model));

        if (!m)
                return -ENOMEM;
        /* Nothing is built yet: the first rebuild is a full one. */
        *m = (Model) { .config = config, .udev_props = udev_props, .ops = ops, .userdata = userdata,
                       .topology_dirty = true };
        *ret = m;
        return 0;
}

Model *model_free(Model *m) {
        if (!m)
                return NULL;
        model_reap(m);
        for (size_t i = 0; i < m->n_muxes; i++)
                mux_free(m->muxes[i]);
        free(m->muxes);
        for (size_t i = 0; i < m->n_nics; i++)
                nic_free(m->nics[i]);
        free(m->nics);
        free(m->gone_nics);
        free(m->gone_muxes);
        free(m->touched);
        free(m->dirty);
        free(m);
        return NULL;
}

/* Frees what went out of the tables; the publisher has withdrawn it by now. */
void model_reap(Model *m) {
        for (size_t i = 0; i < m->n_gone_muxes; i++)
                mux_free(m->gone_muxes[i]);
        m->n_gone_muxes = 0;
        for (size_t i = 0; i < m->n_gone_nics; i++)
                nic_free(m->gone_nics[i]);
        m->n_gone_nics = 0;
}

/* Appends @p to a graveyard; frees it at once (nothing can withdraw it) when out of memory. */
bool model_bury(void ***table, size_t *n, void *p) {
        void **t = realloc(*table, (*n + 1) * sizeof(void *));

        if (!t)
                return false;
        t[(*n)++] = p;
        *table = t;
        return true;
}

/* Binary search in the ifindex-sorted table; returns the slot where @ifindex is or goes. */
size_t model_nic_slot(const Model *m, int ifindex) {
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

Nic *model_find_nic(const Model *m, int ifindex) {
        size_t i = model_nic_slot(m, ifindex);

        return i < m->n_nics && m->nics[i]->ifindex == ifindex ? m->nics[i] : NULL;
}

/* The NIC whose object carries @name: the service's lookup, by published name. */
Nic *model_find_published_nic(const Model *m, const char *name) {
        for (size_t i = 0; i < m->n_nics; i++)
                if (m->nics[i]->published && streq(m->nics[i]->pub_name, name))
                        return m->nics[i];
        return NULL;
}

/* Binary search in the name-sorted MUX table; returns the slot where @name is or goes. */
size_t model_mux_slot(const Model *m, const char *name) {
        size_t lo = 0, hi = m->n_muxes;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (strcmp(m->muxes[mid]->name, name) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

Mux *model_find_mux(const Model *m, const char *name) {
        size_t i = model_mux_slot(m, name);

        return i < m->n_muxes && streq(m->muxes[i]->name, name) ? m->muxes[i] : NULL;
}

Nic *model_dirty_nic(const Model *m, size_t i) {
        return m->sweep ? m->nics[i] : model_find_nic(m, m->dirty[i]);
}

size_t model_n_dirty(const Model *m) {
        return m->sweep ? m->n_nics : m->n_dirty;
}

/* Settles one NIC: the records its MUXes hold move to its current ones. */
static void nic_settle(Model *m, Nic *n) {
        RecordValue settled[MUX_RECORDS], current[MUX_RECORDS];
        unsigned changed = 0;

        if (!model_nic_is_visible(m, n))
                return;         /* in no member list: it settles when it is visible again */
        nic_compute_records(n, m->config, current);
        for (size_t k = 0; k < MUX_RECORDS; k++)
                if (!nic_settled_equal(n, k, &current[k]))
                        changed |= 1u << k;
        if (!changed && n->folded)
                return;
        /* What its MUXes hold of it, to leave; never settled, it is in none of them yet. */
        for (size_t k = 0; n->folded && k < MUX_RECORDS; k++)
                nic_settled_get(n, k, &settled[k]);
        for (size_t i = 0; n->folded && n->pub_muxes && n->pub_muxes[i]; i++) {
                Mux *x = model_find_mux(m, n->pub_muxes[i]);
                if (x)
                        mux_update_nic(x, n, settled, current);
        }
        for (size_t k = 0; k < MUX_RECORDS; k++)
                if (changed & 1u << k) {
                        _unused_ int r = nic_settled_set(n, k, &current[k]);

                        /* Each source range-checks what it sets (value_set(), the kernel
                         * rules' table), so every value fits its field. */
                        assert(r > 0);
                }
        n->records_changed |= changed;
        if (!n->folded) {
                /* Its settled records are @current now. */
                n->folded = true;
                for (size_t i = 0; n->pub_muxes && n->pub_muxes[i]; i++) {
                        Mux *x = model_find_mux(m, n->pub_muxes[i]);
                        if (x)
                                mux_join_nic_records(x, n, current);
                }
        }
}

void model_settle(Model *m) {
        bool any = false;

        /* After an allocation failed, a NIC's Muxes may name a list it is not in: every MUX
         * is computed from its members instead. */
        for (size_t i = 0; m->lists_unsure && i < m->n_muxes; i++)
                m->muxes[i]->full = m->muxes[i]->dirty = true;
        for (size_t i = 0, k = model_n_dirty(m); i < k; i++) {
                Nic *n = model_dirty_nic(m, i);
                if (n)
                        nic_settle(m, n);
        }
        /* A MUX with MUX members follows any change below it, by a full pass. */
        for (size_t i = 0; i < m->n_muxes && !any; i++)
                any = m->muxes[i]->dirty;
        for (size_t i = 0; any && i < m->n_muxes; i++)
                if (m->muxes[i]->has_nested)
                        m->muxes[i]->full = m->muxes[i]->dirty = true;
}

void model_sync_done(Model *m) {
        for (size_t i = 0, k = model_n_dirty(m); i < k; i++) {
                Nic *n = model_dirty_nic(m, i);
                if (n)
                        n->dirty = false;
        }
        m->n_dirty = 0;
        m->sweep = false;
        for (size_t i = 0; i < m->n_muxes; i++)
                m->muxes[i]->dirty = false;
}

/* A NIC takes part once the kernel reports it and, with udev's events, once udev has set
 * it up (renamed it, applied rules): so a half-made device is never published. */
bool model_nic_is_visible(const Model *m, const Nic *n) {
        return n->in_rtnl && n->name && n->name_utf8 && (!m->udev_props || n->in_udev);
}

/* Past this many touched NICs before a sync, one full rebuild is cheaper (a burst). */
#define TOUCHED_MAX 64

/* @n's own memberships may have changed (its master, name or visibility): the next rebuild
 * updates its places only. A NIC that is, or may become, a kernel MUX changes the MUX set,
 * and that takes a full rebuild. */
static void model_touch(Model *m, const Nic *n) {
        int *t;

        if (m->topology_dirty)
                return;
        if (n->mux || config_is_kernel_mux_kind(m->config, n->kind) || m->n_touched >= TOUCHED_MAX) {
                m->topology_dirty = true;
                return;
        }
        for (size_t i = 0; i < m->n_touched; i++)
                if (m->touched[i] == n->ifindex)
                        return;
        t = realloc(m->touched, (m->n_touched + 1) * sizeof(int));
        if (!t) {
                m->topology_dirty = true;
                return;
        }
        t[m->n_touched++] = n->ifindex;
        m->touched = t;
}

/* The table @t of @n entries of @size bytes, with room for one more: tables that grow one entry
 * at a time double, their room being the next power of two of the most they held, so only a
 * count of 0 or a power of two reallocates. Growing by one entry copied the whole table at each
 * NIC of a start-up (quadratic). NULL when out of memory (@t is unchanged then). */
static void *table_grow(void *t, size_t n, size_t size) {
        if (n != 0 && (n & (n - 1)) != 0)
                return t;
        return realloc(t, (n != 0 ? 2 * n : 1) * size);
}

/* @n's records, name or visibility may have changed: the next sync settles and publishes it.
 * Out of memory, the next sync looks at everything. */
static void model_mark_dirty(Model *m, Nic *n) {
        int *t;

        if (n->dirty || m->sweep)
                return;
        t = table_grow(m->dirty, m->n_dirty, sizeof(int));
        if (!t) {
                m->sweep = true;
                return;
        }
        t[m->n_dirty++] = n->ifindex;
        m->dirty = t;
        n->dirty = true;
}

static Nic *model_get_nic(Model *m, int ifindex) {
        Nic *n = model_find_nic(m, ifindex), **table;
        size_t i;

        if (n)
                return n;
        if (nic_new(&n, ifindex) < 0)
                return NULL;
        table = table_grow(m->nics, m->n_nics, sizeof(Nic *));
        if (!table) {
                nic_free(n);
                return NULL;
        }
        m->nics = table;
        i = model_nic_slot(m, ifindex);
        memmove(m->nics + i + 1, m->nics + i, (m->n_nics - i) * sizeof(Nic *));
        m->nics[i] = n;
        m->n_nics++;
        return n;
}

/* Takes @n out of the table and drops every weak pointer to it; the publisher withdraws
 * its object before model_reap() frees it. */
static void model_drop_nic(Model *m, Nic *n) {
        size_t i = model_nic_slot(m, n->ifindex);
        bool was_mux = n->mux || config_is_kernel_mux_kind(m->config, n->kind);

        /* Out of the member lists at once: D-Bus calls (Explain) may run before the next sync.
         * Its Muxes say which lists hold it, unless an allocation failed on the way. */
        if (m->lists_unsure)
                for (size_t k = 0; k < m->n_muxes; k++)
                        mux_forget_nic(m->muxes[k], n);
        else
                for (size_t k = 0; n->pub_muxes && n->pub_muxes[k]; k++) {
                        Mux *x = model_find_mux(m, n->pub_muxes[k]);
                        if (x)
                                mux_forget_nic(x, n);
                }
        if (n->mux)
                n->mux->nic = NULL;
        n->mux = NULL;
        memmove(m->nics + i, m->nics + i + 1, (m->n_nics - i - 1) * sizeof(Nic *));
        m->n_nics--;
        if (!model_bury((void ***) &m->gone_nics, &m->n_gone_nics, n)) {
                log_error("nic '%s': out of memory, its object may stay until restart",
                          n->name ? n->name : "?");
                nic_free(n);
        }
        /* Its memberships went with mux_forget_nic(); only a MUX device changes the MUX set. */
        if (was_mux)
                m->topology_dirty = true;
}

/* Reads @n's features, and its driver when @driver (a device keeps its driver for life: it is
 * read when the NIC is new, renamed or re-enumerated, not at every feature change). */
static void nic_read_features(Model *m, Nic *n, bool with_driver) {
        char driver[sizeof(n->driver)] = "";
        NicFeatures features;
        int r;

        if (!n->name || !m->ops || !m->ops->read_features)
                return;
        r = m->ops->read_features(m->userdata, n->name, &features, with_driver ? driver : NULL,
                                  with_driver ? sizeof(driver) : 0);
        if (r < 0) {
                /* Gone between the event and the read: its removal event follows. */
                log_debug_errno(r, "nic '%s': reading features failed, keeping last record: %m",
                                n->name);
                return;
        }
        n->features = features;
        n->features_valid = true;
        if (with_driver)
                memcpy(n->driver, driver, sizeof(n->driver));
}

/* rtnetlink: a link appeared or changed. Idempotent: dumps and events take this path. */
void model_link_new(Model *m, const RtnlLink *link) {
        Nic *n = model_get_nic(m, link->ifindex);
        bool fresh, touch;
        int r;

        if (!n) {
                log_error("nic %d: out of memory, re-enumerating", link->ifindex);
                model_lost(m);
                return;
        }
        fresh = !n->in_rtnl;
        touch = fresh;
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
        /* A rename redoes the member names of every MUX: a full rebuild. */
        if (r > 0 && !fresh)
                m->topology_dirty = true;
        else if (r != 0)
                touch = true;
        if (nic_set_kind(n, link->kind) != 0)
                touch = true;
        if (n->master != link->master) {
                log_debug("nic '%s': master %d -> %d", n->name, n->master, link->master);
                n->master = link->master;
                touch = true;
        }
        if (touch)
                model_touch(m, n);
        n->type = link->type;
        /* gso_max_size alone changes without an RTM_NEWLINK on this kernel: it is taken from
         * whatever message about the link comes next (OFFLOAD.md). */
        n->tso_max_size = link->tso_max_size;
        n->gso_max_size = link->gso_max_size;
        if (fresh || link->features_changed || m->resyncing || r > 0) {
                log_debug("nic '%s': %s, reading features", n->name,
                          fresh ? "new" : link->features_changed ? "features changed" : "re-read");
                nic_read_features(m, n, fresh || m->resyncing || r > 0);
        }
        model_mark_dirty(m, n);
        model_changed(m);
}

void model_link_del(Model *m, int ifindex) {
        Nic *n = model_find_nic(m, ifindex);

        if (!n)
                return;
        log_debug("nic '%s': removed", n->name ? n->name : "?");
        model_drop_nic(m, n);
        model_changed(m);
}

/* A dump (re)starts: links it does not report by its end are gone. */
void model_dump_start(Model *m) {
        for (size_t i = 0; i < m->n_nics; i++)
                m->nics[i]->rtnl_mark = false;
}

void model_dump_done(Model *m) {
        if (!m->resyncing)
                return;
        for (size_t i = m->n_nics; i > 0; i--) {
                Nic *n = m->nics[i - 1];
                if (!n->rtnl_mark) {
                        log_debug("nic '%s': gone after re-enumeration", n->name ? n->name : "?");
                        model_drop_nic(m, n);
                }
        }
        m->resyncing = false;
        log_info("re-enumeration done: %zu NICs", m->n_nics);
}

void model_udev_device(Model *m, const UdevEvent *ev) {
        bool touch;
        Nic *n;
        int r;

        if (ev->ifindex <= 0)
                return;
        if (ev->action == UDEV_ACTION_REMOVE) {
                n = model_find_nic(m, ev->ifindex);
                if (!n)
                        return;
                log_debug("nic '%s': udev remove", n->name ? n->name : "?");
                if (!n->in_rtnl) {
                        model_drop_nic(m, n);
                        return;
                }
                n->in_udev = false;
                (void) nic_set_udev_props(n, (const char *[_FIELD_MAX]) { 0 });
                (void) nic_set_task_udev_props(n, (const char *[_TASK_FIELD_MAX]) { 0 });
                model_touch(m, n);
                model_mark_dirty(m, n);
                model_changed(m);
                return;
        }
        n = model_get_nic(m, ev->ifindex);
        if (!n) {
                log_error("nic %d: out of memory, re-enumerating", ev->ifindex);
                model_lost(m);
                return;
        }
        log_debug("nic %d '%s': udev %s", ev->ifindex, ev->name ? ev->name : "?",
                  ev->action == UDEV_ACTION_ADD ? "add" : ev->action == UDEV_ACTION_MOVE ? "move" : "change");
        touch = !n->in_udev;
        n->in_udev = true;
        n->udev_mark = true;
        if (!n->name && ev->name)
                (void) nic_set_name(n, ev->name);
        if (touch)
                model_touch(m, n);
        nic_note_unknown_udev(n, ev->unknown, ev->n_unknown);
        r = nic_set_udev_props(n, ev->props);
        if (r >= 0)
                r = nic_set_task_udev_props(n, ev->task_props);
        if (r < 0)
                log_error("nic '%s': out of memory storing udev properties", n->name ? n->name : "?");
        model_mark_dirty(m, n);
        model_changed(m);
}

/* A re-enumeration starts: the udev enumeration marks what it sees, the rtnetlink dump's
 * end sweeps away what it did not report. */
void model_resync_begin(Model *m) {
        m->resyncing = true;
        for (size_t i = 0; i < m->n_nics; i++)
                m->nics[i]->udev_mark = false;
}

/* The udev enumeration is done: NICs it did not report are no longer set up by udev. */
void model_udev_enumerated(Model *m) {
        if (!m->udev_props)
                return;
        for (size_t i = 0; i < m->n_nics; i++)
                if (!m->nics[i]->udev_mark && m->nics[i]->in_udev) {
                        m->nics[i]->in_udev = false;
                        m->topology_dirty = true;
                }
}

/* A new config: every NIC's records and the declared MUXes follow it. */
void model_set_config(Model *m, const Config *config) {
        m->config = config;
        m->topology_dirty = true;
        m->sweep = true;
        model_changed(m);
}
