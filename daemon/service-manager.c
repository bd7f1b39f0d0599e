/* SPDX-License-Identifier: MIT */
/* The root object's org.muxcap.MuxCap1.Manager: its property table and methods */

#include <dbus/dbus.h>
#include <stdlib.h>
#include <string.h>

#include "build-config.h"
#include "introspection.h"
#include "log.h"
#include "model.h"
#include "mux.h"
#include "service-internal.h"

static bool append_version(const Service *s, const Object *o, DBusMessageIter *v) {
        const char *str = MUXCAP_VERSION;
        return service_append_basic(v, DBUS_TYPE_STRING, &str);
}

static bool append_instance_id(const Service *s, const Object *o, DBusMessageIter *v) {
        const char *str = s->instance_id;
        return service_append_basic(v, DBUS_TYPE_STRING, &str);
}

static bool append_coalesce_ms(const Service *s, const Object *o, DBusMessageIter *v) {
        dbus_uint32_t u = s->coalesce_ms;
        return service_append_basic(v, DBUS_TYPE_UINT32, &u);
}

/* CoalesceMs changes only with a reload, a setting like a MUX's policy: CHANGED_POLICY. */
static const ServiceProperty properties[] = {
        { "Version", "s", 0, EMITS_CONST, false, append_version },
        { "InstanceId", "s", 0, EMITS_CONST, false, append_instance_id },
        { "CoalesceMs", "u", CHANGED_POLICY, EMITS_VALUE, false, append_coalesce_ms },
        { 0 },
};

static DBusHandlerResult handle_get_object(Service *s, DBusMessage *m, bool mux) {
        _cleanup_message_ DBusMessage *r = NULL;
        _cleanup_free_ char *path = NULL;
        const char *name = NULL;

        if (!service_get_args(s, m, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID))
                return DBUS_HANDLER_RESULT_HANDLED;
        if (mux) {
                const Mux *x = model_find_mux(s->model, name);
                if (!x || !x->published)
                        return service_reply_error(s, m, BUS_ERROR_NO_SUCH_MUX, "no MUX '%s'", name);
        } else if (!model_find_published_nic(s->model, name))
                return service_reply_error(s, m, BUS_ERROR_NO_SUCH_NIC, "no NIC '%s'", name);
        if (bus_path_escape(mux ? BUS_MUX_PREFIX : BUS_NIC_PREFIX, name, &path) < 0)
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        r = dbus_message_new_method_return(m);
        if (!r || !dbus_message_append_args(r, DBUS_TYPE_OBJECT_PATH, &path, DBUS_TYPE_INVALID))
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        return service_reply(s, steal_ptr(r));
}

static DBusHandlerResult handle_get_mux(Service *s, const Object *o, DBusMessage *m) {
        return handle_get_object(s, m, true);
}

static DBusHandlerResult handle_get_nic(Service *s, const Object *o, DBusMessage *m) {
        return handle_get_object(s, m, false);
}

/* Root-only methods: the bus policy allows only root, and the daemon checks again by asking
 * the bus for the caller's uid, without blocking the loop. */
typedef struct AccessCheck {
        Service *service;
        DBusMessage *message;           /* owned reference */
} AccessCheck;

static void access_check_free(void *p) {
        AccessCheck *c = p;

        dbus_message_unref(c->message);
        free(c);
}

static void privileged_call(Service *s, DBusMessage *m) {
        const char *member = dbus_message_get_member(m);
        char *msg = NULL;
        int r;

        if (streq(member, "Resync")) {
                log_info("Resync() requested by %s", dbus_message_get_sender(m));
                r = s->actions->resync(s->userdata);
                if (r < 0) {
                        (void) service_reply_error(s, m, DBUS_ERROR_FAILED, "resync failed: %s", strerror(-r));
                        return;
                }
        } else {
                log_info("Reload() requested by %s", dbus_message_get_sender(m));
                r = s->actions->reload(s->userdata, &msg);
                if (r < 0) {
                        (void) service_reply_error(s, m, BUS_ERROR_BAD_CONFIG, "%s", msg ? msg : strerror(-r));
                        free(msg);
                        return;
                }
        }
        if (!dbus_message_get_no_reply(m))
                (void) service_reply(s, dbus_message_new_method_return(m));
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
                privileged_call(c->service, c->message);
}

static void pending_call_unrefp(DBusPendingCall **c) {
        if (*c)
                dbus_pending_call_unref(*c);
}

static DBusHandlerResult handle_privileged(Service *s, const Object *o, DBusMessage *m) {
        const char *sender = dbus_message_get_sender(m);
        _cleanup_(pending_call_unrefp) DBusPendingCall *call = NULL;
        _cleanup_message_ DBusMessage *q = NULL;
        _cleanup_free_ AccessCheck *c = NULL;

        if (!service_get_args(s, m, DBUS_TYPE_INVALID))
                return DBUS_HANDLER_RESULT_HANDLED;
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
        /* On success the pending call owns @c and frees it with access_check_free(). */
        if (!dbus_pending_call_set_notify(call, access_check_cb, c, access_check_free)) {
                dbus_message_unref(c->message);
                dbus_pending_call_cancel(call);
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        }
        c = NULL;
        return DBUS_HANDLER_RESULT_HANDLED;
}


static const ServiceMethod methods[] = {
        { "GetMux", handle_get_mux },
        { "GetNic", handle_get_nic },
        { "Resync", handle_privileged },
        { "Reload", handle_privileged },
        { 0 },
};

const ServiceInterface service_manager_interface = {
        .name = BUS_IFACE_MANAGER,
        .properties = properties,
        .methods = methods,
        .introspection = introspection_xml_manager_members,
};
