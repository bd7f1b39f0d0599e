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

static bool append_version(const Service *s, const Object *o, BusWire *w) {
        const char *str = MUXCAP_VERSION;
        return bus_wire_basic(w, DBUS_TYPE_STRING, &str);
}

static bool append_instance_id(const Service *s, const Object *o, BusWire *w) {
        const char *str = s->instance_id;
        return bus_wire_basic(w, DBUS_TYPE_STRING, &str);
}

static bool append_coalesce_ms(const Service *s, const Object *o, BusWire *w) {
        dbus_uint32_t u = s->coalesce_ms;
        return bus_wire_basic(w, DBUS_TYPE_UINT32, &u);
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

/* Resync and Reload are root's only (the XML's org.muxcap.MuxCap1.Privileged): the dispatch
 * checks the caller before either runs (service-access.c). */
static DBusHandlerResult handle_resync(Service *s, const Object *o, DBusMessage *m) {
        int r;

        if (!service_get_args(s, m, DBUS_TYPE_INVALID))
                return DBUS_HANDLER_RESULT_HANDLED;
        log_info("Resync() requested by %s", dbus_message_get_sender(m));
        r = s->actions->resync(s->userdata);
        if (r < 0)
                return service_reply_error(s, m, DBUS_ERROR_FAILED, "resync failed: %s", strerror(-r));
        if (dbus_message_get_no_reply(m))
                return DBUS_HANDLER_RESULT_HANDLED;
        return service_reply(s, dbus_message_new_method_return(m));
}

static DBusHandlerResult handle_reload(Service *s, const Object *o, DBusMessage *m) {
        _cleanup_free_ char *msg = NULL;
        int r;

        if (!service_get_args(s, m, DBUS_TYPE_INVALID))
                return DBUS_HANDLER_RESULT_HANDLED;
        log_info("Reload() requested by %s", dbus_message_get_sender(m));
        r = s->actions->reload(s->userdata, &msg);
        if (r < 0)
                return service_reply_error(s, m, BUS_ERROR_BAD_CONFIG, "%s", msg ? msg : strerror(-r));
        if (dbus_message_get_no_reply(m))
                return DBUS_HANDLER_RESULT_HANDLED;
        return service_reply(s, dbus_message_new_method_return(m));
}

static const ServiceMethod methods[] = {
        { "GetMux", handle_get_mux },
        { "GetNic", handle_get_nic },
        { "Resync", handle_resync },
        { "Reload", handle_reload },
        { 0 },
};

const ServiceInterface service_manager_interface = {
        .name = BUS_IFACE_MANAGER,
        .properties = properties,
        .methods = methods,
        .introspection = introspection_xml_manager_members,
};
