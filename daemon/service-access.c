/* SPDX-License-Identifier: MIT */
/* Root-only methods: those the interface XML annotates org.muxcap.MuxCap1.Privileged
 * (introspection_privileged[]). The system bus policy, generated from the same annotation,
 * lets only root call them; the daemon checks again by asking the bus for the caller's uid,
 * without blocking the loop, so a bus without that policy (a session bus, a test's) is no
 * way around it. */

#include <dbus/dbus.h>
#include <stdlib.h>
#include <string.h>

#include "introspection.h"
#include "service-internal.h"

bool service_method_privileged(const char *iface, const char *member) {
        for (const IntrospectionMethod *p = introspection_privileged; p->interface; p++)
                if (streq(p->interface, iface) && streq(p->member, member))
                        return true;
        return false;
}

typedef struct AccessCheck {
        Service *service;
        DBusMessage *message;           /* owned reference */
        ServiceMethodHandler handle;
        ServiceRunChecked run;
} AccessCheck;

static void access_check_free(void *p) {
        AccessCheck *c = p;

        dbus_message_unref(c->message);
        free(c);
}

static void access_check_cb(DBusPendingCall *call, void *userdata) {
        AccessCheck *c = userdata;
        DBusMessage *r = dbus_pending_call_steal_reply(call);
        dbus_uint32_t uid = UINT32_MAX;

        if (r && dbus_message_get_type(r) == DBUS_MESSAGE_TYPE_METHOD_RETURN)
                (void) dbus_message_get_args(r, NULL, DBUS_TYPE_UINT32, &uid, DBUS_TYPE_INVALID);
        if (r)
                dbus_message_unref(r);
        if (uid != 0)
                (void) service_reply_error(c->service, c->message, DBUS_ERROR_ACCESS_DENIED,
                                           "%s() is for root only", dbus_message_get_member(c->message));
        else
                c->run(c->service, c->message, c->handle);
}

static void pending_call_unrefp(DBusPendingCall **c) {
        if (*c)
                dbus_pending_call_unref(*c);
}

DBusHandlerResult service_call_as_root(Service *s, DBusMessage *m, ServiceMethodHandler handle,
                                       ServiceRunChecked run) {
        const char *sender = dbus_message_get_sender(m);
        _cleanup_(pending_call_unrefp) DBusPendingCall *call = NULL;
        _cleanup_message_ DBusMessage *q = NULL;
        _cleanup_free_ AccessCheck *c = NULL;

        if (!sender)
                return service_reply_error(s, m, DBUS_ERROR_ACCESS_DENIED, "caller unknown");
        q = dbus_message_new_method_call(DBUS_SERVICE_DBUS, DBUS_PATH_DBUS, DBUS_INTERFACE_DBUS,
                                         "GetConnectionUnixUser");
        c = calloc(1, sizeof(AccessCheck));
        if (!q || !c || !dbus_message_append_args(q, DBUS_TYPE_STRING, &sender, DBUS_TYPE_INVALID) ||
            !dbus_connection_send_with_reply(s->conn, q, &call, 5000) || !call)
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        c->service = s;
        c->message = dbus_message_ref(m);
        c->handle = handle;
        c->run = run;
        /* On success the pending call owns @c and frees it with access_check_free(). */
        if (!dbus_pending_call_set_notify(call, access_check_cb, c, access_check_free)) {
                dbus_message_unref(c->message);
                dbus_pending_call_cancel(call);
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        }
        c = NULL;
        return DBUS_HANDLER_RESULT_HANDLED;
}
