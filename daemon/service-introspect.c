/* SPDX-License-Identifier: MIT */
/* org.freedesktop.DBus.Introspectable: each object's XML, its properties from the tables */

#include <dbus/dbus.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "model.h"
#include "mux.h"
#include "nic.h"
#include "service-internal.h"

static const char *const emits_table[_EMITS_MAX] = {
        [EMITS_VALUE] = "true",
        [EMITS_INVALIDATES] = "invalidates",
        [EMITS_CONST] = "const",
};

/* The value of a property's EmitsChangedSignal annotation; NULL for no ServiceEmits. */
const char *service_emits_to_string(ServiceEmits e) {
        return e >= 0 && e < _EMITS_MAX ? emits_table[e] : NULL;
}

/* Writes @iface's <interface> element: its properties from the table, its methods and signals
 * from the installed XML. */
int service_write_interface(FILE *f, const ServiceInterface *iface, const RecordSchema *schema) {
        fprintf(f, " <interface name=\"%s\">\n", iface->name);
        for (const ServiceProperty *p = iface->properties; p->name || p->record_fields; p++) {
                size_t n = p->record_fields ? schema->n_fields : 1;

                for (size_t i = 0; i < n; i++) {
                        const char *name = p->record_fields ? schema->fields[i].name : p->name;
                        const char *type = p->record_fields ? schema->fields[i].dbus_type : p->signature;

                        if (p->emits != EMITS_VALUE)
                                fprintf(f, "  <property name=\"%s\" type=\"%s\" access=\"read\">\n"
                                           "  <annotation name=\"org.freedesktop.DBus.Property."
                                           "EmitsChangedSignal\" value=\"%s\"/>\n"
                                           "  </property>\n", name, type,
                                        service_emits_to_string(p->emits));
                        else
                                fprintf(f, "  <property name=\"%s\" type=\"%s\" access=\"read\"/>\n",
                                        name, type);
                }
        }
        fputs(iface->introspection, f);
        return fputs(" </interface>\n", f) < 0 ? -EIO : 0;
}

/* Introspect: the standard interfaces, then the object's own, then its children. */
DBusHandlerResult service_handle_introspect(Service *s, const Object *o, DBusMessage *m) {
        char *xml = NULL;
        size_t size = 0;
        FILE *f;
        DBusMessage *r;
        const Model *mgr = s->model;
        const ServiceInterface *own = o->interface;

        f = open_memstream(&xml, &size);
        if (!f)
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        fputs(DBUS_INTROSPECT_1_0_XML_DOCTYPE_DECL_NODE "<node>\n"
              " <interface name=\"org.freedesktop.DBus.Introspectable\">\n"
              "  <method name=\"Introspect\"><arg name=\"xml\" type=\"s\" direction=\"out\"/></method>\n"
              " </interface>\n"
              " <interface name=\"org.freedesktop.DBus.Peer\">\n"
              "  <method name=\"Ping\"/>\n"
              "  <method name=\"GetMachineId\"><arg name=\"id\" type=\"s\" direction=\"out\"/></method>\n"
              " </interface>\n", f);
        if (o->type == OBJECT_ROOT || o->type == OBJECT_MUX || o->type == OBJECT_NIC)
                fputs(" <interface name=\"org.freedesktop.DBus.Properties\">\n"
                      "  <method name=\"Get\"><arg name=\"interface\" type=\"s\" direction=\"in\"/><arg name=\"name\" type=\"s\" direction=\"in\"/><arg name=\"value\" type=\"v\" direction=\"out\"/></method>\n"
                      "  <method name=\"GetAll\"><arg name=\"interface\" type=\"s\" direction=\"in\"/><arg name=\"properties\" type=\"a{sv}\" direction=\"out\"/></method>\n"
                      "  <method name=\"Set\"><arg name=\"interface\" type=\"s\" direction=\"in\"/><arg name=\"name\" type=\"s\" direction=\"in\"/><arg name=\"value\" type=\"v\" direction=\"in\"/></method>\n"
                      "  <signal name=\"PropertiesChanged\"><arg name=\"interface\" type=\"s\"/><arg name=\"changed\" type=\"a{sv}\"/><arg name=\"invalidated\" type=\"as\"/></signal>\n"
                      " </interface>\n", f);
        switch (o->type) {
        case OBJECT_ROOT:
                fputs(" <interface name=\"org.freedesktop.DBus.ObjectManager\">\n"
                      "  <method name=\"GetManagedObjects\"><arg name=\"objects\" type=\"a{oa{sa{sv}}}\" direction=\"out\"/></method>\n"
                      "  <signal name=\"InterfacesAdded\"><arg name=\"object\" type=\"o\"/><arg name=\"interfaces\" type=\"a{sa{sv}}\"/></signal>\n"
                      "  <signal name=\"InterfacesRemoved\"><arg name=\"object\" type=\"o\"/><arg name=\"interfaces\" type=\"as\"/></signal>\n"
                      " </interface>\n", f);
                (void) service_write_interface(f, own, NULL);
                fputs(" <node name=\"mux\"/>\n <node name=\"nic\"/>\n", f);
                break;
        case OBJECT_MUX:
        case OBJECT_NIC: {
                RecordValue buf;

                (void) service_write_interface(f, own, own->hardware(o, &buf)->schema);
                break;
        }
        case OBJECT_MUX_DIR:
                for (size_t i = 0; i < mgr->n_muxes; i++)
                        if (mgr->muxes[i]->published) {
                                _cleanup_free_ char *p = NULL;
                                if (bus_path_escape("", mgr->muxes[i]->name, &p) >= 0)
                                        fprintf(f, " <node name=\"%s\"/>\n", p + 1);
                        }
                break;
        case OBJECT_NIC_DIR:
                for (size_t i = 0; i < mgr->n_nics; i++)
                        if (mgr->nics[i]->published) {
                                _cleanup_free_ char *p = NULL;
                                if (bus_path_escape("", mgr->nics[i]->pub_name, &p) >= 0)
                                        fprintf(f, " <node name=\"%s\"/>\n", p + 1);
                        }
                break;
        }
        fputs("</node>\n", f);
        if (fclose(f) != 0) {
                free(xml);
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        }
        r = dbus_message_new_method_return(m);
        if (!r || !dbus_message_append_args(r, DBUS_TYPE_STRING, &xml, DBUS_TYPE_INVALID)) {
                free(xml);
                if (r)
                        dbus_message_unref(r);
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        }
        free(xml);
        return service_reply(s, r);
}
