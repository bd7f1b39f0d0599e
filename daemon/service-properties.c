/* SPDX-License-Identifier: MIT */
/* org.freedesktop.DBus.Properties and ObjectManager, written once over the objects' property
 * tables: Get, GetAll, PropertiesChanged, InterfacesAdded and GetManagedObjects read the same
 * rows, with a record's typed fields expanded from its schema */

#include <dbus/dbus.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "mux.h"
#include "nic.h"
#include "service-internal.h"

static bool append_variant_basic(BusWire *w, int type, const void *value) {
        char sig[2] = { (char) type, 0 };
        BusWireContainer v;

        return bus_wire_open(w, DBUS_TYPE_VARIANT, sig, &v) && bus_wire_basic(w, type, value) &&
               bus_wire_close(w, &v);
}

/* Appends field @f of @r as a variant of the field's D-Bus type. */
static bool append_field(BusWire *w, const RecordValue *r, size_t f) {
        const char *type = r->schema->fields[f].dbus_type;
        uint32_t v = value_get(r, f);

        switch (type[0]) {
        case DBUS_TYPE_BYTE: {
                uint8_t y = (uint8_t) v;
                return append_variant_basic(w, DBUS_TYPE_BYTE, &y);
        }
        case DBUS_TYPE_UINT16: {
                dbus_uint16_t q = (dbus_uint16_t) v;
                return append_variant_basic(w, DBUS_TYPE_UINT16, &q);
        }
        case DBUS_TYPE_BOOLEAN: {
                dbus_bool_t b = v != 0;
                return append_variant_basic(w, DBUS_TYPE_BOOLEAN, &b);
        }
        default: {
                dbus_uint32_t u = v;
                return append_variant_basic(w, DBUS_TYPE_UINT32, &u);
        }
        }
}

/* Walks @iface's properties, record fields expanded, calling @cb with each one's name, its row
 * and its field (or -1); stops when @cb returns false and returns false then. */
typedef bool (*PropertyCallback)(void *userdata, const char *name, const ServiceProperty *p, int field);

static bool foreach_property(const ServiceInterface *iface, const Object *o, PropertyCallback cb,
                             void *userdata) {
        for (const ServiceProperty *p = iface->properties; p->name || p->record_fields; p++) {
                if (!p->record_fields) {
                        if (!cb(userdata, p->name, p, -1))
                                return false;
                        continue;
                }
                RecordValue buf;
                const RecordSchema *schema = iface->hardware(o, &buf)->schema;
                for (size_t f = 0; f < schema->n_fields; f++)
                        if (!cb(userdata, schema->fields[f].name, p, (int) f))
                                return false;
        }
        return true;
}

typedef struct Lookup {
        const char *name;
        const ServiceProperty *found;
        int field;
} Lookup;

static bool lookup_cb(void *userdata, const char *name, const ServiceProperty *p, int field) {
        Lookup *l = userdata;

        if (!streq(name, l->name))
                return true;
        l->found = p;
        l->field = field;
        return false;
}

/* Appends the variant of one property row (field @field of a record_fields row). */
static bool append_value(const Service *s, const Object *o, const ServiceProperty *p, int field,
                         BusWire *w) {
        BusWireContainer v;
        RecordValue buf;

        if (field >= 0)
                return append_field(w, o->interface->hardware(o, &buf), (size_t) field);
        return bus_wire_open(w, DBUS_TYPE_VARIANT, p->signature, &v) && p->append(s, o, w) &&
               bus_wire_close(w, &v);
}

/* Property @name of @o: its row and field in @ret; false when it has none. */
static bool find_property(const Object *o, const char *name, Lookup *ret) {
        *ret = (Lookup) { .name = name, .field = -1 };
        if (o->interface)
                (void) foreach_property(o->interface, o, lookup_cb, ret);
        return ret->found;
}

typedef struct DictContext {
        const Service *service;
        const Object *object;
        BusWire *wire;
        unsigned changed;               /* 0: every property; else those with one of the bits */
        unsigned done;                  /* bits whose group went out already: not twice */
} DictContext;

static bool dict_cb(void *userdata, const char *name, const ServiceProperty *p, int field) {
        DictContext *c = userdata;
        BusWireContainer e;

        if (c->changed && (!(p->changed & c->changed) || (p->changed & c->done) ||
                           p->emits != EMITS_VALUE))
                return true;
        return bus_wire_open(c->wire, DBUS_TYPE_DICT_ENTRY, NULL, &e) &&
               bus_wire_basic(c->wire, DBUS_TYPE_STRING, &name) &&
               append_value(c->service, c->object, p, field, c->wire) &&
               bus_wire_close(c->wire, &e);
}

/* Appends a{sv} of @o's properties: all of them when @changed is 0, else the EMITS_VALUE ones
 * that @changed touches (service_append_invalidated() names the others), grouped by bit in a fixed order (members, policy, driver, generation,
 * hardware record, current record) and in table order within a bit. */
bool service_append_properties(const Service *s, const Object *o, unsigned changed, BusWire *w) {
        static const unsigned order[] = { CHANGED_MEMBERS, CHANGED_POLICY, CHANGED_DRIVER,
                                          CHANGED_GENERATION, CHANGED_HW, CHANGED_CUR,
                                          CHANGED_TASK_HW, CHANGED_TASK_CUR, CHANGED_SOURCES };
        const ServiceInterface *iface = o->interface;
        BusWireContainer a;
        DictContext c = { .service = s, .object = o, .wire = w };

        if (!bus_wire_open(w, DBUS_TYPE_ARRAY, "{sv}", &a))
                return false;
        if (!changed) {
                if (!foreach_property(iface, o, dict_cb, &c))
                        return false;
        } else
                for (size_t i = 0; i < ELEMENTSOF(order); i++) {
                        if (!(changed & order[i]))
                                continue;
                        c.changed = order[i];
                        if (!foreach_property(iface, o, dict_cb, &c))
                                return false;
                        c.done |= order[i];
                }
        return bus_wire_close(w, &a);
}

typedef struct NamesContext {
        BusWire *wire;
        unsigned changed;
} NamesContext;

static bool names_cb(void *userdata, const char *name, const ServiceProperty *p, int field) {
        NamesContext *c = userdata;

        return p->emits != EMITS_INVALIDATES || !(p->changed & c->changed) ||
               bus_wire_basic(c->wire, DBUS_TYPE_STRING, &name);
}

/* Appends the as of PropertiesChanged: the names of @o's EMITS_INVALIDATES properties that
 * @changed touches, record fields expanded, in table order. No value is built, so the cost
 * does not grow with it. */
bool service_append_invalidated(const Object *o, unsigned changed, BusWire *w) {
        BusWireContainer a;
        NamesContext c = { .wire = w, .changed = changed };

        return bus_wire_open(w, DBUS_TYPE_ARRAY, "s", &a) &&
               foreach_property(o->interface, o, names_cb, &c) && bus_wire_close(w, &a);
}

/* Appends {s: a{sv}} for @o's own interface: the value of InterfacesAdded and of one
 * GetManagedObjects entry. */
bool service_append_interfaces(const Service *s, const Object *o, BusWire *w) {
        const char *iface = o->interface->name;
        BusWireContainer a, e;

        return bus_wire_open(w, DBUS_TYPE_ARRAY, "{sa{sv}}", &a) &&
               bus_wire_open(w, DBUS_TYPE_DICT_ENTRY, NULL, &e) &&
               bus_wire_basic(w, DBUS_TYPE_STRING, &iface) && service_append_properties(s, o, 0, w) &&
               bus_wire_close(w, &e) && bus_wire_close(w, &a);
}

/* Reads Set's (ssv) without the value, which no property takes. */
static bool get_set_args(DBusMessage *m, const char **iface, const char **name) {
        DBusMessageIter it;

        if (!streq(dbus_message_get_signature(m), "ssv") || !dbus_message_iter_init(m, &it))
                return false;
        dbus_message_iter_get_basic(&it, iface);
        dbus_message_iter_next(&it);
        dbus_message_iter_get_basic(&it, name);
        return true;
}

static DBusHandlerResult handle_get_all(Service *s, const Object *o, DBusMessage *m) {
        const ServiceInterface *own = o->interface;
        const char *iface = NULL;
        BusWireContainer a;
        BusWire *w;
        bool ok;

        if (!service_get_args(s, m, DBUS_TYPE_STRING, &iface, DBUS_TYPE_INVALID))
                return DBUS_HANDLER_RESULT_HANDLED;
        w = service_reply_begin(s, m, "a{sv}");
        if (own && (!*iface || streq(iface, own->name)))
                ok = service_append_properties(s, o, 0, w);
        else
                ok = bus_wire_open(w, DBUS_TYPE_ARRAY, "{sv}", &a) && bus_wire_close(w, &a);
        return service_reply_send(s, m, ok);
}

DBusHandlerResult service_handle_properties(Service *s, const Object *o, DBusMessage *m) {
        const char *member = dbus_message_get_member(m), *iface = NULL, *name = NULL;
        const ServiceInterface *own = o->interface;
        bool set = streq(member, "Set");
        BusWire *w;
        Lookup l;

        if (streq(member, "GetAll"))
                return handle_get_all(s, o, m);
        if (!set && !streq(member, "Get"))
                return service_reply_error(s, m, DBUS_ERROR_UNKNOWN_METHOD, "no method '%s' in %s",
                                           member, BUS_IFACE_PROPERTIES);
        if (set ? !get_set_args(m, &iface, &name)
                : !service_get_args(s, m, DBUS_TYPE_STRING, &iface, DBUS_TYPE_STRING, &name,
                                    DBUS_TYPE_INVALID)) {
                if (set)
                        return service_reply_error(s, m, DBUS_ERROR_INVALID_ARGS, "expected (ssv)");
                return DBUS_HANDLER_RESULT_HANDLED;
        }
        if (!own || (*iface && !streq(iface, own->name)))
                return service_reply_error(s, m, DBUS_ERROR_UNKNOWN_INTERFACE,
                                           "no interface '%s' on this object", iface);
        if (!find_property(o, name, &l))
                return service_reply_error(s, m, DBUS_ERROR_UNKNOWN_PROPERTY, "no property '%s'", name);
        if (set)
                return service_reply_error(s, m, DBUS_ERROR_PROPERTY_READ_ONLY,
                                           "property '%s' is read-only", name);
        w = service_reply_begin(s, m, "v");
        return service_reply_send(s, m, append_value(s, o, l.found, l.field, w));
}
