/* SPDX-License-Identifier: MIT */
/* libmuxcap: a subscription's state query, the signals held while it runs, owner changes */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus-path.h"
#include "client-internal.h"
#include "macro.h"

/* Signals held back while the state query runs. Past this many the rest are dropped, and the
 * state is asked for again once the query ends: only a newer answer covers them. */
#define HELD_MAX 4096

static void subscription_drop_held(Subscription *s) {
        for (size_t i = 0; i < s->n_held; i++)
                dbus_message_unref(s->held[i]);
        free(s->held);
        s->held = NULL;
        s->n_held = 0;
        s->n_held_covered = 0;
        s->held_overflow = false;
}

/* Stops a running state query and forgets what it collected. */
void subscription_cancel_fetch(Subscription *s) {
        DBusPendingCall **calls[] = { &s->call_instance, &s->call_objects };
        DBusMessage **replies[] = { &s->reply_instance, &s->reply_objects };

        for (size_t i = 0; i < ELEMENTSOF(calls); i++) {
                if (*calls[i]) {
                        dbus_pending_call_cancel(*calls[i]);
                        dbus_pending_call_unref(*calls[i]);
                        *calls[i] = NULL;
                }
                if (*replies[i]) {
                        dbus_message_unref(*replies[i]);
                        *replies[i] = NULL;
                }
        }
        subscription_drop_held(s);
        s->fetching = false;
}

static void daemon_gone(Subscription *s) {
        subscription_cancel_fetch(s);
        gen_filter_clear(&s->filter);
        free(s->owner);
        s->owner = NULL;
        free(s->instance_id);
        s->instance_id = NULL;
        if (!s->gone_reported) {
                s->gone_reported = true;
                subscription_emit_simple(s, MUXCAP_EVENT_DAEMON_GONE, NULL);
        }
}

/* Whether a signal held before the state answer still counts: a StatusIndication for a
 * MUX in the state (@entries, sorted by name). */
static bool state_covers_signal(Subscription *s, const MuxState *entries, size_t n,
                                DBusMessage *m) {
        _cleanup_free_ char *name = NULL;

        if (!dbus_message_is_signal(m, BUS_IFACE_MUX, "StatusIndication"))
                return false;
        name = subscription_mux_name(s, dbus_message_get_path(m));
        return name && bus_mux_state_find(entries, n, name);
}

/* Both answers are in: deliver the state, then the signals held back meanwhile. When some
 * could not be held, the state is asked for again instead: only a newer state covers them. */
static void subscription_deliver_state(Subscription *s) {
        bool overflow = s->held_overflow;
        DBusMessage *instance = s->reply_instance, *objects = s->reply_objects;
        DBusMessage **held = s->held;
        size_t n_held = s->n_held, n_covered = s->n_held_covered, n = 0;
        MuxState *entries = NULL;
        const char *id = NULL, *sender;
        char *owner;

        s->reply_instance = s->reply_objects = NULL;
        s->held = NULL;
        s->n_held = 0;
        s->n_held_covered = 0;
        s->held_overflow = false;
        s->fetching = false;

        sender = dbus_message_get_sender(objects);
        if (dbus_message_get_type(instance) == DBUS_MESSAGE_TYPE_ERROR ||
            dbus_message_get_type(objects) == DBUS_MESSAGE_TYPE_ERROR || !sender ||
            bus_read_variant_string(instance, &id) < 0 ||
            bus_read_mux_state(objects, s->mux_path, &entries, &n) < 0) {
                /* Not running, or not answering as muxcapd does: report it as gone. A new
                 * owner of the name will bring a new query. */
                daemon_gone(s);
                goto finish;
        }
        owner = strdup(sender);
        if (!owner) {
                daemon_gone(s);
                goto finish;
        }
        free(s->owner);
        s->owner = owner;
        s->gone_reported = false;
        if (!s->instance_id || !streq(s->instance_id, id)) {
                /* A new instance: its generations start again at 1. */
                char *copy = strdup(id);
                if (!copy) {
                        daemon_gone(s);
                        goto finish;
                }
                free(s->instance_id);
                s->instance_id = copy;
                gen_filter_clear(&s->filter);
                subscription_emit_simple(s, MUXCAP_EVENT_DAEMON_APPEARED, NULL);
        }
        for (size_t i = 0; i < n; i++) {
                const MuxProps *p = &entries[i].props;

                if (gen_filter_admit(&s->filter, entries[i].name, MUXCAP_STATUS_HARDWARE_CAPABILITIES,
                                     p->generation) > 0)
                        subscription_emit_record(s, MUXCAP_EVENT_STATE, entries[i].name,
                                    MUXCAP_STATUS_HARDWARE_CAPABILITIES, p->generation, p->hw,
                                    p->hw_size);
                if (gen_filter_admit(&s->filter, entries[i].name, MUXCAP_STATUS_OFFLOAD_RESUME,
                                     p->generation) > 0)
                        subscription_emit_record(s, MUXCAP_EVENT_STATE, entries[i].name,
                                    MUXCAP_STATUS_OFFLOAD_RESUME, p->generation, p->current,
                                    p->current_size);
                if (!(s->flags & MUXCAP_SUBSCRIBE_TASK_OFFLOAD) || !p->task_hw || !p->task_current)
                        continue;
                if (gen_filter_admit(&s->filter, entries[i].name,
                                     MUXCAP_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES, p->generation) > 0)
                        subscription_emit_record(s, MUXCAP_EVENT_STATE, entries[i].name,
                                    MUXCAP_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES, p->generation,
                                    p->task_hw, p->task_hw_size);
                if (gen_filter_admit(&s->filter, entries[i].name,
                                     MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG, p->generation) > 0)
                        subscription_emit_record(s, MUXCAP_EVENT_STATE, entries[i].name,
                                    MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG, p->generation,
                                    p->task_current, p->task_current_size);
        }
        /* The signals held until the GetManagedObjects answer were sent before it, so the
         * state delivered above covers the objects they add or remove: replaying an
         * InterfacesAdded would announce a MUX already in the state as MUX_ADDED and reset its
         * generations, so that its generation-1 indications came a second time. Only their
         * indications for MUXes in the state go on, through the generation filter. Signals
         * held after that answer (InstanceId still pending) are newer: handled as usual. */
        if (overflow && !s->dead && !s->fetching) {
                if (subscription_start_fetch(s) < 0)
                        daemon_gone(s);
                goto finish;
        }
        for (size_t i = 0; i < n_held && !s->dead && !s->fetching; i++)
                if (i >= n_covered || state_covers_signal(s, entries, n, held[i]))
                        subscription_handle_signal(s, held[i]);
finish:
        for (size_t i = 0; i < n; i++)
                free(entries[i].name);
        free(entries);
        for (size_t i = 0; i < n_held; i++)
                dbus_message_unref(held[i]);
        free(held);
        dbus_message_unref(instance);
        dbus_message_unref(objects);
}

static void fetch_reply_cb(DBusPendingCall *pending, void *userdata) {
        Subscription *s = userdata;
        DBusMessage *reply = dbus_pending_call_steal_reply(pending);

        if (!reply)
                return;
        if (pending == s->call_instance) {
                s->reply_instance = reply;
                s->call_instance = NULL;
        } else if (pending == s->call_objects) {
                s->reply_objects = reply;
                s->call_objects = NULL;
                s->n_held_covered = s->n_held;
        } else {
                dbus_message_unref(reply);
                return;
        }
        dbus_pending_call_unref(pending);
        if (s->reply_instance && s->reply_objects && !s->dead)
                subscription_deliver_state(s);
}

static int send_fetch_call(Subscription *s, DBusMessage *m, DBusPendingCall **ret) {
        DBusPendingCall *pending = NULL;

        if (!dbus_connection_send_with_reply(s->client->conn, m, &pending,
                                             DBUS_TIMEOUT_USE_DEFAULT))
                return -ENOMEM;
        if (!pending)
                return -ECONNRESET;     /* the Disconnected message will tell the callbacks */
        if (!dbus_pending_call_set_notify(pending, fetch_reply_cb, s, NULL)) {
                dbus_pending_call_cancel(pending);
                dbus_pending_call_unref(pending);
                return -ENOMEM;
        }
        *ret = pending;
        return 0;
}

/* Asks for InstanceId and every object, pipelined; signals are held until both answers. */
int subscription_start_fetch(Subscription *s) {
        static const char *iface = BUS_IFACE_MANAGER, *prop = "InstanceId";
        DBusMessage *m = NULL;
        int r;

        subscription_cancel_fetch(s);
        s->fetching = true;
        r = bus_new_call(BUS_ROOT_PATH, DBUS_INTERFACE_PROPERTIES, "Get", &m);
        if (r < 0)
                return r;
        if (!dbus_message_append_args(m, DBUS_TYPE_STRING, &iface, DBUS_TYPE_STRING, &prop,
                                      DBUS_TYPE_INVALID)) {
                dbus_message_unref(m);
                return -ENOMEM;
        }
        r = send_fetch_call(s, m, &s->call_instance);
        dbus_message_unref(m);
        if (r < 0)
                return r;
        r = bus_new_call(BUS_ROOT_PATH, BUS_IFACE_OBJECT_MANAGER, "GetManagedObjects", &m);
        if (r < 0)
                return r;
        r = send_fetch_call(s, m, &s->call_objects);
        dbus_message_unref(m);
        return r;
}

/* NameOwnerChanged for muxcapd's bus name: @new_owner, "" when it left the bus. */
void subscription_owner_changed(Subscription *s, const char *new_owner) {
        if (!*new_owner) {
                daemon_gone(s);
                return;
        }
        /* A new owner: a restart, or another instance took over. Generations are forgotten and
         * the state is delivered again once the new owner answers. */
        gen_filter_clear(&s->filter);
        free(s->owner);
        s->owner = NULL;
        if (subscription_start_fetch(s) < 0)
                daemon_gone(s);
}

/* Keeps a signal that raced the state query, to handle it once the state is delivered. */
void subscription_hold_signal(Subscription *s, DBusMessage *m) {
        if (s->n_held >= HELD_MAX) {
                s->held_overflow = true;
                return;
        }
        DBusMessage **held = realloc(s->held, (s->n_held + 1) * sizeof(*held));
        if (!held)
                return;         /* the state answer supersedes it anyway */
        s->held = held;
        s->held[s->n_held++] = dbus_message_ref(m);
}
