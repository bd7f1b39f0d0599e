/* SPDX-License-Identifier: MIT */
/* libmuxcap: muxcapd's signals as a subscription's events, and the events' names */

#include <stdlib.h>

#include "bus-path.h"
#include "client-internal.h"
#include "macro.h"

static void emit(Subscription *s, const struct muxcap_event *ev) {
        if (!s->dead)
                s->callback(s->client, ev, s->userdata);
}

/* Calls the subscription's callback with @kind for @mux (NULL: none), unless unsubscribed. */
void subscription_emit_simple(Subscription *s, enum muxcap_event_kind kind, const char *mux) {
        emit(s, &(struct muxcap_event) { .kind = kind, .mux = mux });
}

static bool is_task_code(uint32_t status_code) {
        return status_code == MUXCAP_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES ||
               status_code == MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG;
}

/* The same for an event that carries the record of @status_code: @buf as sent, and decoded
 * when it decodes (the event's record is NULL otherwise). A task-offload record is no struct
 * muxcap_record: .record stays NULL and the subscriber decodes .buffer with
 * muxcap_task_record_decode(). */
void subscription_emit_record(Subscription *s, enum muxcap_event_kind kind, const char *mux,
                              uint32_t status_code, uint64_t generation, const uint8_t *buf,
                              int size) {
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

/* Is this MUX path one the subscription wants? Returns its name (new string) or NULL. */
char *subscription_mux_name(Subscription *s, const char *path) {
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
        subscription_emit_record(s, MUXCAP_EVENT_INDICATION, name, code, gen, buf, n);
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
        subscription_emit_simple(s, added ? MUXCAP_EVENT_MUX_ADDED : MUXCAP_EVENT_MUX_REMOVED, name);
}

/* Members or CapacityPolicy of a MUX changed (a PropertiesChanged that carries no new
 * record also carries no StatusIndication): tell subscriptions that asked for it. muxcapd
 * names Members in invalidated, without the list; the subscriber reads it again
 * (muxcap_client_get_mux_info()), which muxcap.h says is race-free. */
static void handle_properties_changed(Subscription *s, DBusMessage *m) {
        static const char *const wanted[] = { "Members", "CapacityPolicy" };
        _cleanup_free_ char *name = NULL;
        DBusMessageIter it, a;
        const char *iface;
        bool hit = false;

        if (!(s->flags & MUXCAP_SUBSCRIBE_MUX_CHANGES) || !dbus_message_has_signature(m, "sa{sv}as"))
                return;
        (void) dbus_message_iter_init(m, &it);
        dbus_message_iter_get_basic(&it, &iface);
        if (!streq(iface, BUS_IFACE_MUX))
                return;
        name = subscription_mux_name(s, dbus_message_get_path(m));
        if (!name)
                return;
        /* changed (a{sv}), then invalidated (as): either may name the property */
        for (int pass = 0; pass < 2 && !hit; pass++) {
                dbus_message_iter_next(&it);
                dbus_message_iter_recurse(&it, &a);
                for (; !hit && dbus_message_iter_get_arg_type(&a) != DBUS_TYPE_INVALID;
                     dbus_message_iter_next(&a)) {
                        DBusMessageIter e;
                        const char *prop;

                        if (pass == 0) {
                                dbus_message_iter_recurse(&a, &e);
                                dbus_message_iter_get_basic(&e, &prop);
                        } else
                                dbus_message_iter_get_basic(&a, &prop);
                        for (size_t i = 0; i < ELEMENTSOF(wanted); i++)
                                hit = hit || streq(prop, wanted[i]);
                }
        }
        if (hit)
                subscription_emit_simple(s, MUXCAP_EVENT_MUX_CHANGED, name);
}

/* A signal from muxcapd, in order, once the state has been delivered: the events it means. */
void subscription_handle_signal(Subscription *s, DBusMessage *m) {
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
        else if (dbus_message_is_signal(m, DBUS_INTERFACE_PROPERTIES, "PropertiesChanged"))
                handle_properties_changed(s, m);
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
        case MUXCAP_EVENT_MUX_CHANGED:
                return "mux-changed";
        }
        return NULL;
}
