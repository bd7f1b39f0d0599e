/* SPDX-License-Identifier: MIT */
/* libmuxcap: subscriptions: their match rules and lifetime, and the filter that hands them
 * signals (the state first, then newer signals in order) */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-path.h"
#include "client-internal.h"
#include "macro.h"

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
                remove_match(s->client->conn, s->match_props);
        }
        free(s->match_status);
        free(s->match_objects);
        free(s->match_owner);
        free(s->match_props);
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

/* One signal for @s: a change of muxcapd's owner restarts the state query; any other is held
 * while that query runs, else handled. */
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
        subscription_hold_signal(s, m);
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
                        subscription_emit_simple(s, MUXCAP_EVENT_DISCONNECTED, NULL);
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

int muxcap_client_subscribe_flags(struct muxcap_client *c, const char *mux, uint32_t flags,
                                  muxcap_event_cb callback, void *userdata) {
        Subscription *s;
        int r;

        if (!c || !callback ||
            (flags & ~(uint32_t) (MUXCAP_SUBSCRIBE_MUX_CHANGES | MUXCAP_SUBSCRIBE_TASK_OFFLOAD)))
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
        if (r >= 0 && (flags & MUXCAP_SUBSCRIBE_MUX_CHANGES)) {
                n = asprintf(&rule, "type='signal',sender='" BUS_NAME "',"
                             "interface='" DBUS_INTERFACE_PROPERTIES "',member='PropertiesChanged',"
                             "arg0='" BUS_IFACE_MUX "'%s%s%s", s->mux_path ? ",path='" : "",
                             s->mux_path ? s->mux_path : "", s->mux_path ? "'" : "");
                r = add_match(s, &s->match_props, n, rule);
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

int muxcap_client_subscribe(struct muxcap_client *c, const char *mux, muxcap_event_cb callback,
                            void *userdata) {
        return muxcap_client_subscribe_flags(c, mux, 0, callback, userdata);
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
