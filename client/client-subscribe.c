/* SPDX-License-Identifier: MIT */
/* libmuxcap: subscriptions: match rules first, then the state, then newer signals in order */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-path.h"
#include "client-internal.h"
#include "macro.h"

/* Signals held back while the state query runs. Past this many the rest are dropped, and the
 * state is asked for again once the query ends: only a newer answer covers them. */
#define HELD_MAX 4096

static void emit(Subscription *s, const struct muxcap_event *ev) {
        if (!s->dead)
                s->callback(s->client, ev, s->userdata);
}

static void emit_simple(Subscription *s, enum muxcap_event_kind kind, const char *mux) {
        emit(s, &(struct muxcap_event) { .kind = kind, .mux = mux });
}

static bool is_task_code(uint32_t status_code) {
        return status_code == MUXCAP_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES ||
               status_code == MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG;
}

/* A task-offload record is no struct muxcap_record: .record stays NULL and the subscriber
 * decodes .buffer with muxcap_task_record_decode(). */
static void emit_record(Subscription *s, enum muxcap_event_kind kind, const char *mux,
                        uint32_t status_code, uint64_t generation, const uint8_t *buf, int size) {
        struct muxcap_record rec;
        bool ok = !is_task_code(status_code) &&
                  muxcap_record_decode(buf, (size_t) size, &rec, NULL) >= 0;

        emit(s, &(struct muxcap_event) {
                .kind = kind,
                .mux = mux,
                .status_code = status_code,
                .generation = generation,
                .record = ok ? &rec : NULL,
                .buffer = buf,
                .buffer_size = (size_t) size,
        });
}

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
static void subscription_cancel_fetch(Subscription *s) {
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

static void remove_match(DBusConnection *conn, char *rule) {
        if (rule && dbus_connection_get_is_connected(conn))
                dbus_bus_remove_match(conn, rule, NULL);
}

/* Frees @s and removes its match rules; the caller has unlinked it. Returns NULL. */
Subscription *subscription_free(Subscription *s) {
        if (!s)
                return NULL;
        subscription_cancel_fetch(s);
        if (s->client) {
                remove_match(s->client->conn, s->match_status);
                remove_match(s->client->conn, s->match_objects);
                remove_match(s->client->conn, s->match_owner);
        }
        free(s->match_status);
        free(s->match_objects);
        free(s->match_owner);
        free(s->mux);
        free(s->mux_path);
        free(s->owner);
        free(s->instance_id);
        gen_filter_done(&s->filter);
        free(s);
        return NULL;
}

/* Frees the subscriptions unsubscribed during a dispatch, once nothing walks the list. */
void client_reap_subscriptions(struct muxcap_client *c) {
        Subscription **p = &c->subscriptions;

        if (c->dispatching > 0)
                return;
        while (*p) {
                Subscription *s = *p;

                if (s->dead) {
                        *p = s->next;
                        (void) subscription_free(s);
                } else
                        p = &s->next;
        }
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
                emit_simple(s, MUXCAP_EVENT_DAEMON_GONE, NULL);
        }
}

/* Is this MUX path one the subscription wants? Returns its name (new string) or NULL. */
static char *subscription_mux_name(Subscription *s, const char *path) {
        char *name = NULL;

        if (!path || (s->mux_path && !streq(path, s->mux_path)))
                return NULL;
        if (bus_path_unescape(BUS_MUX_PREFIX, path, &name) < 0)
                return NULL;
        return name;
}

static void handle_status_indication(Subscription *s, DBusMessage *m) {
        _cleanup_free_ char *name = subscription_mux_name(s, dbus_message_get_path(m));
        DBusMessageIter it, a;
        const uint8_t *buf = NULL;
        uint32_t code;
        uint64_t gen;
        int n = 0;

        if (!name || !dbus_message_has_signature(m, "utay"))
                return;
        (void) dbus_message_iter_init(m, &it);
        dbus_message_iter_get_basic(&it, &code);
        dbus_message_iter_next(&it);
        dbus_message_iter_get_basic(&it, &gen);
        dbus_message_iter_next(&it);
        dbus_message_iter_recurse(&it, &a);
        dbus_message_iter_get_fixed_array(&a, &buf, &n);
        /* Subscribers of libmuxcap 1.0 know two status codes, and get only those. */
        if (is_task_code(code) && !(s->flags & MUXCAP_SUBSCRIBE_TASK_OFFLOAD))
                return;
        if (gen_filter_admit(&s->filter, name, code, gen) <= 0)
                return;
        emit_record(s, MUXCAP_EVENT_INDICATION, name, code, gen, buf, n);
}

static void handle_interfaces(Subscription *s, DBusMessage *m, bool added) {
        DBusMessageIter it;
        const char *path;
        _cleanup_free_ char *name = NULL;
        bool has_mux = false;

        if (!dbus_message_has_signature(m, added ? "oa{sa{sv}}" : "oas"))
                return;
        (void) dbus_message_iter_init(m, &it);
        dbus_message_iter_get_basic(&it, &path);
        name = subscription_mux_name(s, path);
        if (!name)
                return;
        dbus_message_iter_next(&it);
        if (added)
                has_mux = bus_iter_has_interface(&it, BUS_IFACE_MUX, NULL) > 0;
        else {
                DBusMessageIter a;

                dbus_message_iter_recurse(&it, &a);
                while (dbus_message_iter_get_arg_type(&a) == DBUS_TYPE_STRING) {
                        const char *iface;

                        dbus_message_iter_get_basic(&a, &iface);
                        has_mux = has_mux || streq(iface, BUS_IFACE_MUX);
                        dbus_message_iter_next(&a);
                }
        }
        if (!has_mux)
                return;
        /* A MUX that (re)appears starts again at generation 1. */
        gen_filter_forget_mux(&s->filter, name);
        emit_simple(s, added ? MUXCAP_EVENT_MUX_ADDED : MUXCAP_EVENT_MUX_REMOVED, name);
}

/* A signal from muxcapd, in order, once the state has been delivered. */
static void subscription_handle_signal(Subscription *s, DBusMessage *m) {
        const char *sender = dbus_message_get_sender(m);

        /* Only the instance whose state we delivered counts; the bus name can move. */
        if (!s->owner || !sender || !streq(sender, s->owner))
                return;
        if (dbus_message_is_signal(m, BUS_IFACE_MUX, "StatusIndication"))
                handle_status_indication(s, m);
        else if (dbus_message_is_signal(m, BUS_IFACE_OBJECT_MANAGER, "InterfacesAdded"))
                handle_interfaces(s, m, true);
        else if (dbus_message_is_signal(m, BUS_IFACE_OBJECT_MANAGER, "InterfacesRemoved"))
                handle_interfaces(s, m, false);
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

static int subscription_start_fetch(Subscription *s);

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
                emit_simple(s, MUXCAP_EVENT_DAEMON_APPEARED, NULL);
        }
        for (size_t i = 0; i < n; i++) {
                const MuxProps *p = &entries[i].props;

                if (gen_filter_admit(&s->filter, entries[i].name, MUXCAP_STATUS_HARDWARE_CAPABILITIES,
                                     p->generation) > 0)
                        emit_record(s, MUXCAP_EVENT_STATE, entries[i].name,
                                    MUXCAP_STATUS_HARDWARE_CAPABILITIES, p->generation, p->hw,
                                    p->hw_size);
                if (gen_filter_admit(&s->filter, entries[i].name, MUXCAP_STATUS_OFFLOAD_RESUME,
                                     p->generation) > 0)
                        emit_record(s, MUXCAP_EVENT_STATE, entries[i].name,
                                    MUXCAP_STATUS_OFFLOAD_RESUME, p->generation, p->current,
                                    p->current_size);
                if (!(s->flags & MUXCAP_SUBSCRIBE_TASK_OFFLOAD) || !p->task_hw || !p->task_current)
                        continue;
                if (gen_filter_admit(&s->filter, entries[i].name,
                                     MUXCAP_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES, p->generation) > 0)
                        emit_record(s, MUXCAP_EVENT_STATE, entries[i].name,
                                    MUXCAP_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES, p->generation,
                                    p->task_hw, p->task_hw_size);
                if (gen_filter_admit(&s->filter, entries[i].name,
                                     MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG, p->generation) > 0)
                        emit_record(s, MUXCAP_EVENT_STATE, entries[i].name,
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
static int subscription_start_fetch(Subscription *s) {
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

static void subscription_owner_changed(Subscription *s, const char *new_owner) {
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

static void subscription_handle(Subscription *s, DBusMessage *m) {
        if (dbus_message_is_signal(m, DBUS_INTERFACE_DBUS, "NameOwnerChanged")) {
                const char *name, *old_owner, *new_owner;

                if (!dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_STRING,
                                           &old_owner, DBUS_TYPE_STRING, &new_owner,
                                           DBUS_TYPE_INVALID) ||
                    !streq(name, BUS_NAME) ||
                    !dbus_message_has_sender(m, DBUS_SERVICE_DBUS))
                        return;
                subscription_owner_changed(s, new_owner);
                return;
        }
        if (!s->fetching) {
                subscription_handle_signal(s, m);
                return;
        }
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

/* The connection's only filter: hands every signal to every live subscription. */
DBusHandlerResult subscription_filter_cb(DBusConnection *conn, DBusMessage *m, void *userdata) {
        struct muxcap_client *c = userdata;

        if (dbus_message_get_type(m) != DBUS_MESSAGE_TYPE_SIGNAL)
                return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
        c->dispatching++;
        if (dbus_message_is_signal(m, DBUS_INTERFACE_LOCAL, "Disconnected")) {
                c->disconnected = true;
                for (Subscription *s = c->subscriptions; s; s = s->next) {
                        subscription_cancel_fetch(s);
                        emit_simple(s, MUXCAP_EVENT_DISCONNECTED, NULL);
                }
        } else
                for (Subscription *s = c->subscriptions; s; s = s->next)
                        if (!s->dead)
                                subscription_handle(s, m);
        c->dispatching--;
        client_reap_subscriptions(c);
        return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

/* Adds @rule (takes ownership) and keeps it in *@slot to remove it again. */
static int add_match(Subscription *s, char **slot, int n, char *rule) {
        if (n < 0)
                return -ENOMEM;
        *slot = rule;
        /* Without a DBusError this does not block; the bus handles it before the state query,
         * which is sent after it on the same connection. */
        dbus_bus_add_match(s->client->conn, rule, NULL);
        return 0;
}

int muxcap_client_subscribe(struct muxcap_client *c, const char *mux, muxcap_event_cb callback,
                            void *userdata) {
        return muxcap_client_subscribe_records(c, mux, 0, callback, userdata);
}

int muxcap_client_subscribe_records(struct muxcap_client *c, const char *mux, unsigned flags,
                                    muxcap_event_cb callback, void *userdata) {
        Subscription *s;
        int r;

        if (!c || !callback || (flags & ~MUXCAP_SUBSCRIBE_TASK_OFFLOAD))
                return -EINVAL;
        if (c->disconnected)
                return -ECONNRESET;
        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        *s = (Subscription) {
                .client = c,
                .callback = callback,
                .userdata = userdata,
                .flags = flags,
                .filter = GEN_FILTER_INIT,
        };
        if (mux) {
                s->mux = strdup(mux);
                if (!s->mux || bus_path_escape(BUS_MUX_PREFIX, mux, &s->mux_path) < 0) {
                        (void) subscription_free(s);
                        return -ENOMEM;
                }
        }
        char *rule;
        int n;

        n = asprintf(&rule, "type='signal',sender='" BUS_NAME "',interface='" BUS_IFACE_MUX "',"
                     "member='StatusIndication'%s%s%s", s->mux_path ? ",path='" : "",
                     s->mux_path ? s->mux_path : "", s->mux_path ? "'" : "");
        r = add_match(s, &s->match_status, n, rule);
        if (r >= 0) {
                n = asprintf(&rule, "type='signal',sender='" BUS_NAME "',path='" BUS_ROOT_PATH "',"
                             "interface='" BUS_IFACE_OBJECT_MANAGER "'");
                r = add_match(s, &s->match_objects, n, rule);
        }
        if (r >= 0) {
                n = asprintf(&rule, "type='signal',sender='" DBUS_SERVICE_DBUS "',"
                             "interface='" DBUS_INTERFACE_DBUS "',member='NameOwnerChanged',"
                             "arg0='" BUS_NAME "'");
                r = add_match(s, &s->match_owner, n, rule);
        }
        if (r >= 0)
                r = subscription_start_fetch(s);
        if (r < 0) {
                (void) subscription_free(s);
                return r;
        }
        s->next = c->subscriptions;
        c->subscriptions = s;
        return 0;
}

int muxcap_client_unsubscribe(struct muxcap_client *c, const char *mux, muxcap_event_cb callback,
                              void *userdata) {
        if (!c || !callback)
                return -EINVAL;
        for (Subscription *s = c->subscriptions; s; s = s->next) {
                if (s->dead || s->callback != callback || s->userdata != userdata ||
                    (!s->mux) != (!mux) || (mux && !streq(mux, s->mux)))
                        continue;
                s->dead = true;
                subscription_cancel_fetch(s);
                client_reap_subscriptions(c);
                return 0;
        }
        return -ENOENT;
}

const char *muxcap_event_kind_to_string(enum muxcap_event_kind kind) {
        switch (kind) {
        case MUXCAP_EVENT_STATE:
                return "state";
        case MUXCAP_EVENT_INDICATION:
                return "indication";
        case MUXCAP_EVENT_MUX_ADDED:
                return "mux-added";
        case MUXCAP_EVENT_MUX_REMOVED:
                return "mux-removed";
        case MUXCAP_EVENT_DAEMON_APPEARED:
                return "daemon-appeared";
        case MUXCAP_EVENT_DAEMON_GONE:
                return "daemon-gone";
        case MUXCAP_EVENT_DISCONNECTED:
                return "disconnected";
        }
        return NULL;
}
