/* SPDX-License-Identifier: MIT */
/* Publishing: recompute what changed, compare with what D-Bus shows, emit through the service
 * (SPEC 4, 5), and keep systemd's STATUS= in step */

#include <errno.h>
#include <event2/event.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "log.h"
#include "model.h"
#include "mux.h"
#include "nic.h"
#include "notify.h"
#include "publish.h"
#include "service.h"
#include "strv.h"

struct Publisher {
        struct event_base *base;        /* borrowed */
        Model *model;                   /* borrowed */
        Service *service;               /* borrowed; NULL until started */
        uint32_t coalesce_ms;
        struct event *sync_event;       /* owned: the deferred sync */
        struct event *status_timer;     /* owned: rate limit of STATUS= updates */
        bool ready;                     /* READY=1 sent */
        size_t notified_muxes, notified_nics;   /* what the last STATUS= said */
        size_t n_published;                     /* NIC objects on the bus */
};

static void sync_cb(evutil_socket_t fd, short what, void *userdata);
static void status_timer_cb(evutil_socket_t fd, short what, void *userdata);

int publisher_new(Publisher **ret, struct event_base *base, Model *model, uint32_t coalesce_ms) {
        _cleanup_(publisher_freep) Publisher *p = calloc(1, sizeof(Publisher));

        if (!p)
                return -ENOMEM;
        p->base = base;
        p->model = model;
        p->coalesce_ms = coalesce_ms;
        /* The deferred sync takes the lowest of the loop's three priorities, so one loop
         * iteration's events all land before the recomputation. */
        p->sync_event = event_new(base, -1, 0, sync_cb, p);
        if (!p->sync_event || event_priority_set(p->sync_event, 2) < 0)
                return -ENOMEM;
        p->status_timer = evtimer_new(base, status_timer_cb, p);
        if (!p->status_timer)
                return -ENOMEM;
        *ret = steal_ptr(p);
        return 0;
}

Publisher *publisher_free(Publisher *p) {
        if (!p)
                return NULL;
        if (p->sync_event)
                event_free(p->sync_event);
        if (p->status_timer)
                event_free(p->status_timer);
        free(p);
        return NULL;
}

void publisher_schedule(Publisher *p) {
        if (p && p->sync_event)
                event_active(p->sync_event, EV_TIMEOUT, 0);
}

void publisher_start(Publisher *p, Service *service) {
        p->service = service;
        p->model->topology_dirty = true;
        publisher_schedule(p);
}

/* A new window length: windows opened from now on take it, and CoalesceMs says so. */
void publisher_set_coalesce_ms(Publisher *p, uint32_t coalesce_ms) {
        p->coalesce_ms = coalesce_ms;
        if (p->service)
                service_set_coalesce_ms(p->service, coalesce_ms);
}

/* The window ended: the sync decides, after any pending topology rebuild, so all computation
 * happens in one place and on a consistent model. */
static void mux_window_cb(evutil_socket_t fd, short what, void *userdata) {
        Mux *x = userdata;

        x->window_due = true;
        publisher_schedule(x->publisher);
}

static void mux_open_window(Publisher *p, Mux *x) {
        struct timeval tv = {
                .tv_sec = p->coalesce_ms / 1000,
                .tv_usec = (p->coalesce_ms % 1000) * 1000,
        };

        if (!x->window) {
                x->publisher = p;
                x->window = evtimer_new(p->base, mux_window_cb, x);
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
               !value_equal(&x->task_hw, &x->pub_task_hw) ||
               !value_equal(&x->task_cur, &x->pub_task_cur) ||
               x->pub_policy != x->policy || mux_members_differ(x);
}

/* Publishes @x's computed state: properties first, one PropertiesChanged, then one
 * StatusIndication per changed record, all before returning to the loop. Members and policy
 * go through the coalescing window like the records (a burst of joins is one signal), but
 * only a record change makes a new generation. */
static void mux_emit(Publisher *p, Mux *x) {
        unsigned changed = 0;

        if (mux_members_differ(x)) {
                /* Members is invalidated, not sent: nothing here grows with the member count. */
                x->members_dirty = false;
                changed |= CHANGED_MEMBERS;
        }
        if (x->pub_policy != x->policy) {
                x->pub_policy = x->policy;
                changed |= CHANGED_POLICY;
        }
        if (!value_equal(&x->hw, &x->pub_hw))
                changed |= CHANGED_HW;
        if (!value_equal(&x->cur, &x->pub_cur))
                changed |= CHANGED_CUR;
        if (!value_equal(&x->task_hw, &x->pub_task_hw))
                changed |= CHANGED_TASK_HW;
        if (!value_equal(&x->task_cur, &x->pub_task_cur))
                changed |= CHANGED_TASK_CUR;
        /* One generation covers all four records (SPEC 12). */
        if (changed & (CHANGED_HW | CHANGED_CUR | CHANGED_TASK_HW | CHANGED_TASK_CUR)) {
                x->pub_hw = x->hw;
                x->pub_cur = x->cur;
                x->pub_task_hw = x->task_hw;
                x->pub_task_cur = x->task_cur;
                x->generation++;
                changed |= CHANGED_GENERATION;
                log_debug("mux '%s': emitting generation %" PRIu64 " (%s%s%s%s)", x->name,
                          x->generation, changed & CHANGED_HW ? "hardware " : "",
                          changed & CHANGED_CUR ? "current " : "",
                          changed & CHANGED_TASK_HW ? "task-hardware " : "",
                          changed & CHANGED_TASK_CUR ? "task-current" : "");
        }
        if (changed)
                service_mux_changed(p->service, x, changed);
}

/* A new MUX: everything it has is published at once, with generation 1, and its first
 * window opens (SPEC 4: the first change after a quiet period goes out at once). */
static void mux_publish_new(Publisher *p, Mux *x) {
        x->members_dirty = false;
        x->pub_hw = x->hw;
        x->pub_cur = x->cur;
        x->pub_task_hw = x->task_hw;
        x->pub_task_cur = x->task_cur;
        x->pub_policy = x->policy;
        x->generation = 1;
        x->published = true;
        x->coalescer = (Coalescer) { .window_open = true };
        log_debug("mux '%s': publishing generation 1", x->name);
        service_mux_added(p->service, x);
        mux_open_window(p, x);
}

static void mux_sync(Publisher *p, Mux *x) {
        CoalesceAction action;
        bool differs;

        if (x->published && x->coalescer.window_open && !x->window_due) {
                /* Inside the window nothing goes out before it closes, so nothing is computed
                 * before either: the window's end computes once, however many events came (a
                 * burst costs one aggregation per window). */
                (void) coalesce_on_change(&x->coalescer, true);
                return;
        }
        mux_compute(x);
        if (!x->published) {
                mux_publish_new(p, x);
                return;
        }
        differs = mux_differs(x);
        action = x->window_due ? coalesce_on_window_end(&x->coalescer, differs)
                               : coalesce_on_change(&x->coalescer, differs);
        x->window_due = false;
        switch (action) {
        case COALESCE_EMIT:
                mux_emit(p, x);
                mux_open_window(p, x);
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

static const unsigned record_changed[MUX_RECORDS] = {
        CHANGED_HW, CHANGED_CUR, CHANGED_TASK_HW, CHANGED_TASK_CUR,
};

static void nic_publish(Publisher *p, Nic *n) {
        n->published = true;
        p->n_published++;
        service_nic_added(p->service, n);
}

static void nic_withdraw(Publisher *p, Nic *n) {
        service_nic_removed(p->service, n);
        n->published = false;
        p->n_published--;
}

/* What moved of @n since its last emission, as CHANGED_* bits; takes the marks. */
static unsigned nic_take_changes(Nic *n) {
        unsigned changed = 0;

        /* The model settled the records and says which moved, in MUX_RECORDS order. */
        for (size_t k = 0; k < MUX_RECORDS; k++)
                if (n->records_changed & 1u << k)
                        changed |= record_changed[k];
        n->records_changed = 0;
        if (changed & CHANGED_TASK_HW)
                changed |= CHANGED_SOURCES;     /* Sources covers both records' fields */
        if (!streq(n->driver, n->pub_driver))
                changed |= CHANGED_DRIVER;
        if (n->muxes_changed)
                changed |= CHANGED_MEMBERS;
        n->muxes_changed = false;
        memcpy(n->pub_driver, n->driver, sizeof(n->driver));
        return changed;
}

/* @n's object: a new one is added (its InterfacesAdded carries all it has), a renamed one
 * moves (the old path withdrawn, the new added). */
static void nic_sync_object(Publisher *p, Nic *n) {
        if (n->published && !streq(n->pub_name, n->name))
                nic_withdraw(p, n);
        if (n->published)
                return;
        (void) nic_take_changes(n);
        free(n->pub_name);
        n->pub_name = strdup(n->name);
        if (!n->pub_name)
                return;
        nic_publish(p, n);
}

/* @n's own changes, on an object it had before this sync. */
static void nic_sync_changes(Publisher *p, Nic *n) {
        unsigned changed = nic_take_changes(n);

        if (changed)
                service_nic_changed(p->service, n, changed);
}

/* Withdraws the objects of NICs and MUXes the model let go, in the order they went, then
 * lets the model free them. */
static void withdraw_gone(Publisher *p) {
        Model *m = p->model;

        for (size_t i = 0; p->service && i < m->n_gone_nics; i++)
                if (m->gone_nics[i]->published)
                        nic_withdraw(p, m->gone_nics[i]);
        for (size_t i = 0; p->service && i < m->n_gone_muxes; i++)
                if (m->gone_muxes[i]->published)
                        service_mux_removed(p->service, m->gone_muxes[i]);
        model_reap(m);
}

static void send_status(Publisher *p) {
        size_t muxes = p->model->n_muxes, nics = p->n_published;
        char status[128];

        if (p->ready && p->notified_muxes == muxes && p->notified_nics == nics)
                return;
        /* The first publication is done: now the name, then READY=1 (SPEC 10). */
        if (!p->ready && service_own_name(p->service) < 0)
                return;
        p->notified_muxes = muxes;
        p->notified_nics = nics;
        snprintf(status, sizeof(status), "%sSTATUS=%zu MUXes, %zu NICs",
                 p->ready ? "" : "READY=1\n", muxes, nics);
        if (p->ready)
                (void) notify_nonblocking(status);
        else
                (void) sd_notify(0, status);    /* once, and it must not be lost */
        if (!p->ready)
                log_info("ready: %zu MUXes, %zu NICs", muxes, nics);
        p->ready = true;
}

static void status_timer_cb(evutil_socket_t fd, short what, void *userdata) {
        send_status(userdata);
}

/* READY=1 goes out with the first published state (the name is owned by then). Later STATUS=
 * updates go out at most once a second, without blocking (notify.c): a storm would otherwise
 * send one per sync. */
static void notify_status(Publisher *p) {
        static const struct timeval interval = { .tv_sec = 1 };

        if (!p->ready) {
                send_status(p);
                return;
        }
        if (p->notified_muxes == p->model->n_muxes &&
            p->notified_nics == p->n_published)
                return;
        if (!evtimer_pending(p->status_timer, NULL))
                evtimer_add(p->status_timer, &interval);
}

/* The deferred sync: rebuild, recompute, compare, publish. Runs once per loop iteration
 * however many events came in, so a burst costs one recomputation. */
static void publisher_sync(Publisher *p) {
        Model *m = p->model;

        if (!p->service) {
                model_reap(m);
                model_sync_done(m);
                return;
        }
        model_rebuild_topology(m);
        model_settle(m);
        withdraw_gone(p);

        /* New NIC objects first, so that a MUX's Members can be looked up when its signal
         * arrives. A NIC's own changes (its Muxes, its records) go after the MUXes': a member
         * joining or leaving reaches the MUX's subscribers without waiting behind the NIC's
         * PropertiesChanged in the bus (issue 24). Only what the events touched is looked at,
         * unless the model asks for everything. */
        for (size_t i = 0, k = model_n_dirty(m); i < k; i++) {
                Nic *n = model_dirty_nic(m, i);

                if (!n)
                        continue;
                if (model_nic_is_visible(m, n))
                        nic_sync_object(p, n);
                else if (n->published)
                        nic_withdraw(p, n);
        }
        model_reset_computation(m);
        for (size_t i = 0; i < m->n_muxes; i++) {
                Mux *x = m->muxes[i];
                if (x->dirty || x->window_due || !x->published || m->sweep)
                        mux_sync(p, x);
        }
        for (size_t i = 0, k = model_n_dirty(m); i < k; i++) {
                Nic *n = model_dirty_nic(m, i);

                if (n && n->published && model_nic_is_visible(m, n))
                        nic_sync_changes(p, n);
        }
        model_sync_done(m);
        notify_status(p);
}

static void sync_cb(evutil_socket_t fd, short what, void *userdata) {
        publisher_sync(userdata);
}
