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

static bool append_variant_basic(DBusMessageIter *it, int type, const void *value) {
        char sig[2] = { (char) type, 0 };
        DBusMessageIter v;

        return dbus_message_iter_open_container(it, DBUS_TYPE_VARIANT, sig, &v) &&
               dbus_message_iter_append_basic(&v, type, value) &&
               dbus_message_iter_close_container(it, &v);
}

/* Appends field @f of @r as a variant of the field's D-Bus type. */
static bool append_field(DBusMessageIter *it, const RecordValue *r, size_t f) {
        const char *type = r->schema->fields[f].dbus_type;
        uint32_t v = value_get(r, f);

        switch (type[0]) {
        case DBUS_TYPE_BYTE: {
                uint8_t y = (uint8_t) v;
                return append_variant_basic(it, DBUS_TYPE_BYTE, &y);
        }
        case DBUS_TYPE_UINT16: {
                dbus_uint16_t q = (dbus_uint16_t) v;
                return append_variant_basic(it, DBUS_TYPE_UINT16, &q);
        }
        case DBUS_TYPE_BOOLEAN: {
                dbus_bool_t b = v != 0;
                return append_variant_basic(it, DBUS_TYPE_BOOLEAN, &b);
        }
        default: {
                dbus_uint32_t u = v;
                return append_variant_basic(it, DBUS_TYPE_UINT32, &u);
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
                const RecordSchema *schema = iface->hardware(o)->schema;
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
                         DBusMessageIter *it) {
        DBusMessageIter v;

        if (field >= 0)
                return append_field(it, o->interface->hardware(o), (size_t) field);
        return dbus_message_iter_open_container(it, DBUS_TYPE_VARIANT, p->signature, &v) &&
               p->append(s, o, &v) &&
               dbus_message_iter_close_container(it, &v);
}

/* Appends the value of property @name of @o as a variant. Returns 0, -ENOENT for an unknown
 * property, -ENOMEM. */
static int append_property(const Service *s, const Object *o, const char *name, DBusMessageIter *it) {
        const ServiceInterface *iface = o->interface;
        Lookup l = { .name = name, .field = -1 };

        if (!iface)
                return -ENOENT;
        (void) foreach_property(iface, o, lookup_cb, &l);
        if (!l.found)
                return -ENOENT;
        return append_value(s, o, l.found, l.field, it) ? 0 : -ENOMEM;
}

typedef struct DictContext {
        const Service *service;
        const Object *object;
        DBusMessageIter *array;
        unsigned changed;               /* 0: every property; else those with one of the bits */
        unsigned done;                  /* bits whose group went out already: not twice */
} DictContext;

static bool dict_cb(void *userdata, const char *name, const ServiceProperty *p, int field) {
        DictContext *c = userdata;
        DBusMessageIter e;

        if (c->changed && (!(p->changed & c->changed) || (p->changed & c->done) ||
                           p->emits != EMITS_VALUE))
                return true;
        return dbus_message_iter_open_container(c->array, DBUS_TYPE_DICT_ENTRY, NULL, &e) &&
               dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &name) &&
               append_value(c->service, c->object, p, field, &e) &&
               dbus_message_iter_close_container(c->array, &e);
}

/* Appends a{sv} of @o's properties: all of them when @changed is 0, else the EMITS_VALUE ones
 * that @changed touches (service_append_invalidated() names the others), grouped by bit in a fixed order (members, policy, driver, generation,
 * hardware record, current record) and in table order within a bit. */
bool service_append_properties(const Service *s, const Object *o, unsigned changed, DBusMessageIter *it) {
        static const unsigned order[] = { CHANGED_MEMBERS, CHANGED_POLICY, CHANGED_DRIVER,
                                          CHANGED_GENERATION, CHANGED_HW, CHANGED_CUR,
                                          CHANGED_TASK_HW, CHANGED_TASK_CUR, CHANGED_SOURCES };
        const ServiceInterface *iface = o->interface;
        DBusMessageIter a;
        DictContext c = { .service = s, .object = o, .array = &a };

        if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "{sv}", &a))
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
        return dbus_message_iter_close_container(it, &a);
}

typedef struct NamesContext {
        DBusMessageIter *array;
        unsigned changed;
} NamesContext;

static bool names_cb(void *userdata, const char *name, const ServiceProperty *p, int field) {
        NamesContext *c = userdata;

        return p->emits != EMITS_INVALIDATES || !(p->changed & c->changed) ||
               dbus_message_iter_append_basic(c->array, DBUS_TYPE_STRING, &name);
}

/* Appends the as of PropertiesChanged: the names of @o's EMITS_INVALIDATES properties that
 * @changed touches, record fields expanded, in table order. No value is built, so the cost
 * does not grow with it. */
bool service_append_invalidated(const Object *o, unsigned changed, DBusMessageIter *it) {
        DBusMessageIter a;
        NamesContext c = { .array = &a, .changed = changed };

        return dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "s", &a) &&
               foreach_property(o->interface, o, names_cb, &c) &&
               dbus_message_iter_close_container(it, &a);
}

/* Appends {s: a{sv}} for @o's own interface: the value of InterfacesAdded and of one
 * GetManagedObjects entry. */
bool service_append_interfaces(const Service *s, const Object *o, DBusMessageIter *it) {
        const char *iface = o->interface->name;
        DBusMessageIter a, e;

        return dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "{sa{sv}}", &a) &&
               dbus_message_iter_open_container(&a, DBUS_TYPE_DICT_ENTRY, NULL, &e) &&
               dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &iface) &&
               service_append_properties(s, o, 0, &e) &&
               dbus_message_iter_close_container(&a, &e) &&
               dbus_message_iter_close_container(it, &a);
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
        _cleanup_message_ DBusMessage *r = NULL;
        const char *iface = NULL;
        DBusMessageIter it, a;
        bool ok;

        if (!service_get_args(s, m, DBUS_TYPE_STRING, &iface, DBUS_TYPE_INVALID))
                return DBUS_HANDLER_RESULT_HANDLED;
        r = dbus_message_new_method_return(m);
        if (!r)
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        dbus_message_iter_init_append(r, &it);
        if (own && (!*iface || streq(iface, own->name)))
                ok = service_append_properties(s, o, 0, &it);
        else
                ok = dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sv}", &a) &&
                     dbus_message_iter_close_container(&it, &a);
        if (!ok)
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        return service_reply(s, steal_ptr(r));
}

DBusHandlerResult service_handle_properties(Service *s, const Object *o, DBusMessage *m) {
        const char *member = dbus_message_get_member(m), *iface = NULL, *name = NULL;
        const ServiceInterface *own = o->interface;
        _cleanup_message_ DBusMessage *r = NULL;
        bool set = streq(member, "Set");
        DBusMessageIter it;

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
        r = dbus_message_new_method_return(m);
        if (!r)
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        dbus_message_iter_init_append(r, &it);
        switch (append_property(s, o, name, &it)) {
        case 0:
                if (set)
                        return service_reply_error(s, m, DBUS_ERROR_PROPERTY_READ_ONLY,
                                                   "property '%s' is read-only", name);
                return service_reply(s, steal_ptr(r));
        case -ENOENT:
                return service_reply_error(s, m, DBUS_ERROR_UNKNOWN_PROPERTY, "no property '%s'", name);
        default:
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        }
}
