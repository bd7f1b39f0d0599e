/* SPDX-License-Identifier: MIT */
/* D-Bus service (SPEC 5): the connection, dispatch, ObjectManager and emission, over the
 * object files' tables (service-manager.c, service-mux.c, service-nic.c); Properties is
 * service-properties.c, Introspectable service-introspect.c. It reads the model's published
 * state and never the kernel. */

#include <dbus/dbus.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbus-loop.h"
#include "log.h"
#include "model.h"
#include "mux.h"
#include "nic.h"
#include "service-internal.h"

#define ROOT_OBJECT ((Object) { .type = OBJECT_ROOT, .interface = &service_manager_interface })
#define MUX_OBJECT(x) ((Object) { .type = OBJECT_MUX, .interface = &service_mux_interface, .mux = (x) })
#define NIC_OBJECT(n) ((Object) { .type = OBJECT_NIC, .interface = &service_nic_interface, .nic = (n) })

/* Resolves @path to an object; false when nothing lives there. */
static bool object_find(const Service *s, const char *path, Object *ret) {
        _cleanup_free_ char *name = NULL;

        if (streq(path, BUS_ROOT_PATH)) {
                *ret = ROOT_OBJECT;
                return true;
        }
        if (streq(path, BUS_MUX_PREFIX)) {
                *ret = (Object) { .type = OBJECT_MUX_DIR };
                return true;
        }
        if (streq(path, BUS_NIC_PREFIX)) {
                *ret = (Object) { .type = OBJECT_NIC_DIR };
                return true;
        }
        if (bus_path_unescape(BUS_MUX_PREFIX, path, &name) >= 0) {
                const Mux *x = model_find_mux(s->model, name);
                if (!x || !x->published)
                        return false;
                *ret = MUX_OBJECT(x);
                return true;
        }
        if (bus_path_unescape(BUS_NIC_PREFIX, path, &name) >= 0) {
                const Nic *n = model_find_published_nic(s->model, name);
                if (!n)
                        return false;
                *ret = NIC_OBJECT(n);
                return true;
        }
        return false;
}


/* An ObjectManager signal @member on the root, its first argument @o's path, and its second
 * filled by @added (InterfacesAdded) or the interface list (InterfacesRemoved). */
static void emit_object_manager_signal(Service *s, const Object *o, bool added) {
        const char *member = added ? "InterfacesAdded" : "InterfacesRemoved";
        const char *const ifaces[] = { o->interface->name, NULL };
        _cleanup_free_ char *path = NULL;
        BusWire *w;

        if (service_object_path(o, &path) < 0) {
                log_error("bus: %s not sent: out of memory", member);
                return;
        }
        w = service_signal_begin(s, BUS_ROOT_PATH, BUS_IFACE_OBJECT_MANAGER, member,
                                 added ? "oa{sa{sv}}" : "oas");
        service_signal_send(s, bus_wire_basic(w, DBUS_TYPE_OBJECT_PATH, &path) &&
                                       (added ? service_append_interfaces(s, o, w)
                                              : service_append_strv(w, (char *const *) ifaces)),
                            member);
}

static void emit_properties_changed(Service *s, const Object *o, const char *path, unsigned changed) {
        const char *iface = o->interface->name;
        BusWire *w = service_signal_begin(s, path, BUS_IFACE_PROPERTIES, "PropertiesChanged", "sa{sv}as");

        service_signal_send(s, bus_wire_basic(w, DBUS_TYPE_STRING, &iface) &&
                                       service_append_properties(s, o, changed, w) &&
                                       service_append_invalidated(o, changed, w),
                            "PropertiesChanged");
}

static void object_changed(Service *s, const Object *o, unsigned changed) {
        _cleanup_free_ char *path = NULL;

        if (service_object_path(o, &path) < 0) {
                log_error("bus: out of memory");
                return;
        }
        emit_properties_changed(s, o, path, changed);
}

void service_nic_added(Service *s, const Nic *n) {
        if (s->named)
                emit_object_manager_signal(s, &NIC_OBJECT(n), true);
}

void service_nic_removed(Service *s, const Nic *n) {
        if (s->named)
                emit_object_manager_signal(s, &NIC_OBJECT(n), false);
}

void service_nic_changed(Service *s, const Nic *n, unsigned changed) {
        if (s->named)
                object_changed(s, &NIC_OBJECT(n), changed);
}

/* One emission of MUX @x: its records encoded once, then InterfacesAdded (@added) or one
 * PropertiesChanged, then an indication per changed record, hardware first, all with the
 * same bytes. */
static void mux_emit(Service *s, const Mux *x, bool added, unsigned changed) {
        EncodedRecord encoded[SERVICE_MUX_RECORDS];
        _cleanup_free_ char *path = NULL;
        Object o = MUX_OBJECT(x);

        if (service_object_path(&o, &path) < 0) {
                log_error("bus: out of memory");
                return;
        }
        service_mux_encode(x, changed, encoded);
        o.encoded = encoded;
        if (added)
                emit_object_manager_signal(s, &o, true);
        else
                emit_properties_changed(s, &o, path, changed);
        service_mux_emit_status(s, x, path, changed, encoded);
}

/* A new MUX: InterfacesAdded, then the four indications with generation 1. */
void service_mux_added(Service *s, const Mux *x) {
        if (s->named)
                mux_emit(s, x, true, CHANGED_HW | CHANGED_CUR | CHANGED_TASK_HW | CHANGED_TASK_CUR);
}

/* Properties first (one PropertiesChanged), then an indication per changed record,
 * hardware first. */
void service_mux_changed(Service *s, const Mux *x, unsigned changed) {
        if (s->named)
                mux_emit(s, x, false, changed);
}

void service_mux_removed(Service *s, const Mux *x) {
        if (s->named)
                emit_object_manager_signal(s, &MUX_OBJECT(x), false);
}

void service_set_coalesce_ms(Service *s, uint32_t coalesce_ms) {
        Object o = ROOT_OBJECT;

        if (s->coalesce_ms == coalesce_ms)
                return;
        s->coalesce_ms = coalesce_ms;
        if (s->named)
                emit_properties_changed(s, &o, BUS_ROOT_PATH, CHANGED_POLICY);
}

static DBusHandlerResult handle_get_managed_objects(Service *s, const Object *root, DBusMessage *m) {
        const Model *model = s->model;
        BusWireContainer a, e;
        BusWire *w;
        bool ok;

        if (!service_get_args(s, m, DBUS_TYPE_INVALID))
                return DBUS_HANDLER_RESULT_HANDLED;
        w = service_reply_begin(s, m, "a{oa{sa{sv}}}");
        ok = bus_wire_open(w, DBUS_TYPE_ARRAY, "{oa{sa{sv}}}", &a);
        for (size_t k = 0; ok && k < model->n_muxes + model->n_nics; k++) {
                _cleanup_free_ char *path = NULL;
                Object o;

                if (k < model->n_muxes)
                        o = MUX_OBJECT(model->muxes[k]);
                else
                        o = NIC_OBJECT(model->nics[k - model->n_muxes]);
                if (!(o.mux ? o.mux->published : o.nic->published))
                        continue;
                ok = service_object_path(&o, &path) >= 0 &&
                     bus_wire_open(w, DBUS_TYPE_DICT_ENTRY, NULL, &e) &&
                     bus_wire_basic(w, DBUS_TYPE_OBJECT_PATH, &path) &&
                     service_append_interfaces(s, &o, w) && bus_wire_close(w, &e);
        }
        return service_reply_send(s, m, ok && bus_wire_close(w, &a));
}

/* A privileged method, its caller found to be root: its object is looked up again, as it
 * may have gone while the bus answered. */
static void run_checked(Service *s, DBusMessage *m, ServiceMethodHandler handle) {
        const char *path = dbus_message_get_path(m);
        Object o;

        if (!object_find(s, path, &o))
                (void) service_reply_error(s, m, DBUS_ERROR_UNKNOWN_OBJECT, "no object at '%s'", path);
        else if (handle(s, &o, m) == DBUS_HANDLER_RESULT_NEED_MEMORY)
                (void) service_reply_error(s, m, DBUS_ERROR_NO_MEMORY, "out of memory");
}

static DBusHandlerResult message_cb(DBusConnection *conn, DBusMessage *m, void *userdata) {
        Service *s = userdata;
        const char *path = dbus_message_get_path(m), *iface = dbus_message_get_interface(m);
        const char *member = dbus_message_get_member(m);
        const ServiceInterface *own;
        Object o;

        if (dbus_message_get_type(m) != DBUS_MESSAGE_TYPE_METHOD_CALL || !path || !member)
                return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
        if (!object_find(s, path, &o))
                return service_reply_error(s, m, DBUS_ERROR_UNKNOWN_OBJECT, "no object at '%s'", path);
        log_debug("bus: %s.%s on %s from %s", iface ? iface : "?", member, path,
                  dbus_message_get_sender(m) ? dbus_message_get_sender(m) : "?");

        own = o.interface;
        if ((!iface || streq(iface, BUS_IFACE_INTROSPECTABLE)) && streq(member, "Introspect"))
                return service_check_signature(s, m, "") ? service_handle_introspect(s, &o, m)
                                                 : DBUS_HANDLER_RESULT_HANDLED;
        if (iface && streq(iface, BUS_IFACE_PROPERTIES) && own)
                return service_handle_properties(s, &o, m);
        if (o.type == OBJECT_ROOT && (!iface || streq(iface, BUS_IFACE_OBJECT_MANAGER)) &&
            streq(member, "GetManagedObjects"))
                return handle_get_managed_objects(s, &o, m);
        if (own && (!iface || streq(iface, own->name)))
                for (const ServiceMethod *mt = own->methods; mt->name; mt++)
                        if (streq(mt->name, member))
                                return service_method_privileged(own->name, member)
                                               ? service_call_as_root(s, m, mt->handle, run_checked)
                                               : mt->handle(s, &o, m);
        return service_reply_error(s, m, DBUS_ERROR_UNKNOWN_METHOD,
                                   "no method '%s' in interface '%s' at '%s'",
                                   member, iface ? iface : "(none)", path);
}

static DBusHandlerResult filter_cb(DBusConnection *conn, DBusMessage *m, void *userdata) {
        Service *s = userdata;

        if (dbus_message_is_signal(m, DBUS_INTERFACE_LOCAL, "Disconnected")) {
                /* systemd restarts us (Restart=on-failure); a restart re-registers cleanly. */
                log_error("bus: connection lost, exiting so the service manager restarts muxcapd");
                s->actions->exit(s->userdata, EXIT_FAILURE);
                return DBUS_HANDLER_RESULT_HANDLED;
        }
        if (dbus_message_is_signal(m, DBUS_INTERFACE_DBUS, "NameLost")) {
                const char *name = NULL;
                if (dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID) &&
                    streq(name, BUS_NAME)) {
                        log_error("bus: lost the name %s, exiting", BUS_NAME);
                        s->actions->exit(s->userdata, EXIT_FAILURE);
                }
        }
        return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

/* Connects to the bus and registers the object tree; service_own_name() takes the name once
 * the first publication is done. Blocks on the bus at start only. Logs its own errors. */
int service_new(Service **ret, struct event_base *base, const ServiceOptions *options,
                const Model *model, const ServiceActions *actions, void *userdata) {
        static const DBusObjectPathVTable vtable = { .message_function = message_cb };
        _cleanup_(service_freep) Service *s = calloc(1, sizeof(Service));
        _cleanup_free_ char *message = NULL;
        int r;

        if (!s)
                return log_error_errno(-ENOMEM, "bus: out of memory");
        s->model = model;
        s->actions = actions;
        s->userdata = userdata;
        s->coalesce_ms = options->coalesce_ms;
        snprintf(s->instance_id, sizeof(s->instance_id), "%s", options->instance_id);
        s->bus = strdup(options->bus);
        if (!s->bus)
                return log_error_errno(-ENOMEM, "bus: out of memory");
        r = dbus_loop_open_bus(options->bus, &s->conn, &message);
        if (r < 0)
                return log_error_errno(r, "bus: connecting to '%s' failed: %s", options->bus,
                                       message ? message : "unknown error");
        if (!dbus_connection_add_filter(s->conn, filter_cb, s, NULL) ||
            !dbus_connection_register_fallback(s->conn, BUS_ROOT_PATH, &vtable, s))
                return log_error_errno(-ENOMEM, "bus: registering objects failed");
        r = dbus_loop_attach(&s->loop, s->conn, base);
        if (r < 0)
                return log_error_errno(r, "bus: attaching to the event loop failed: %m");
        log_info("bus: connected to '%s'", options->bus);
        *ret = steal_ptr(s);
        return 0;
}

int service_check_name_free(Service *s) {
        DBusError error;
        dbus_bool_t taken;

        dbus_error_init(&error);
        taken = dbus_bus_name_has_owner(s->conn, BUS_NAME, &error);
        if (dbus_error_is_set(&error)) {
                log_error("bus: cannot ask whether %s is taken: %s", BUS_NAME, error.message);
                dbus_error_free(&error);
                return -EIO;
        }
        if (taken) {
                log_error("bus: %s is taken on '%s': another muxcapd runs there; exiting",
                          BUS_NAME, s->bus);
                return -EEXIST;
        }
        return 0;
}

int service_own_name(Service *s) {
        DBusError error;
        int r;

        if (s->named)
                return 0;
        dbus_error_init(&error);
        r = dbus_bus_request_name(s->conn, BUS_NAME, DBUS_NAME_FLAG_DO_NOT_QUEUE, &error);
        if (r != DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER) {
                log_error("bus: cannot own %s: %s", BUS_NAME,
                          dbus_error_is_set(&error) ? error.message : "the name is taken");
                dbus_error_free(&error);
                s->actions->exit(s->userdata, EXIT_FAILURE);
                return -EEXIST;
        }
        s->named = true;
        log_info("bus: owning %s", BUS_NAME);
        return 0;
}

/* Releases the name (without blocking on a frozen bus) and closes the connection. */
Service *service_free(Service *s) {
        if (!s)
                return NULL;
        if (s->conn) {
                if (dbus_connection_get_is_connected(s->conn)) {
                        /* No blocking call: a frozen bus must not hold up the exit. The name
                         * goes with the connection anyway; ReleaseName just says so first,
                         * after what is still queued, for at most a second. */
                        const char *name = BUS_NAME;
                        _cleanup_message_ DBusMessage *m = dbus_message_new_method_call(
                                DBUS_SERVICE_DBUS, DBUS_PATH_DBUS, DBUS_INTERFACE_DBUS, "ReleaseName");
                        if (m && dbus_message_append_args(m, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID)) {
                                dbus_message_set_no_reply(m, TRUE);
                                (void) dbus_connection_send(s->conn, m, NULL);
                        }
                        for (int i = 0; i < 10 && dbus_connection_has_messages_to_send(s->conn); i++)
                                if (!dbus_connection_read_write(s->conn, 100))
                                        break;
                }
                dbus_connection_unregister_object_path(s->conn, BUS_ROOT_PATH);
                dbus_connection_remove_filter(s->conn, filter_cb, s);
        }
        s->loop = dbus_loop_detach(s->loop);
        if (s->conn) {
                dbus_connection_close(s->conn);
                dbus_connection_unref(s->conn);
        }
        bus_wire_done(&s->wire);
        free(s->bus);
        free(s);
        return NULL;
}
