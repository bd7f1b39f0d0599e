/* SPDX-License-Identifier: MIT */
/* MUX objects' org.muxcap.MuxCap1.Mux: the property table, Explain, GetHardwareCapabilities
 * and the StatusIndication signal */

#include <dbus/dbus.h>
#include <inttypes.h>
#include <stdio.h>

#include "aggregate.h"
#include "introspection.h"
#include "mux.h"
#include "service-internal.h"

static bool append_name(const Service *s, const Object *o, DBusMessageIter *v) {
        return service_append_basic(v, DBUS_TYPE_STRING, &o->mux->name);
}

static bool append_kind(const Service *s, const Object *o, DBusMessageIter *v) {
        return service_append_basic(v, DBUS_TYPE_STRING, &o->mux->kind);
}

static bool append_ifindex(const Service *s, const Object *o, DBusMessageIter *v) {
        dbus_int32_t i = o->mux->ifindex;
        return service_append_basic(v, DBUS_TYPE_INT32, &i);
}

static bool append_members(const Service *s, const Object *o, DBusMessageIter *v) {
        return service_append_strv(v, o->mux->pub_members);
}

static bool append_policy(const Service *s, const Object *o, DBusMessageIter *v) {
        const char *p = capacity_policy_to_string(o->mux->pub_policy);
        return service_append_basic(v, DBUS_TYPE_STRING, &p);
}

static bool append_generation(const Service *s, const Object *o, DBusMessageIter *v) {
        dbus_uint64_t g = o->mux->generation;
        return service_append_basic(v, DBUS_TYPE_UINT64, &g);
}

static bool append_hw(const Service *s, const Object *o, DBusMessageIter *v) {
        return service_append_record(v, &o->mux->pub_hw);
}

static bool append_cur(const Service *s, const Object *o, DBusMessageIter *v) {
        return service_append_record(v, &o->mux->pub_cur);
}

static bool append_chimney(const Service *s, const Object *o, DBusMessageIter *v) {
        dbus_bool_t b = value_chimney_capable(&o->mux->pub_hw);
        return service_append_basic(v, DBUS_TYPE_BOOLEAN, &b);
}

static const ServiceProperty properties[] = {
        { "Name", "s", 0, false, false, append_name },
        { "Kind", "s", 0, false, false, append_kind },
        { "IfIndex", "i", 0, false, false, append_ifindex },
        { "Members", "as", CHANGED_MEMBERS, false, false, append_members },
        { "CapacityPolicy", "s", CHANGED_POLICY, false, false, append_policy },
        { "Generation", "t", CHANGED_GENERATION, false, false, append_generation },
        { "HardwareCapabilities", "ay", CHANGED_HW, false, false, append_hw },
        { "CurrentConfig", "ay", CHANGED_CUR, false, false, append_cur },
        { NULL, NULL, CHANGED_HW, false, true, NULL },  /* the hardware record's fields */
        { "ChimneyCapable", "b", CHANGED_HW, false, false, append_chimney },
        { 0 },
};

static void emit_status_indication(Service *s, const char *path, uint32_t code, uint64_t generation,
                                   const RecordValue *r) {
        _cleanup_message_ DBusMessage *msg = dbus_message_new_signal(path, BUS_IFACE_MUX,
                                                                     "StatusIndication");
        dbus_uint32_t c = code;
        dbus_uint64_t g = generation;
        DBusMessageIter it;

        if (msg) {
                dbus_message_iter_init_append(msg, &it);
                if (dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT32, &c) &&
                    dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT64, &g) &&
                    service_append_record(&it, r)) {
                        service_send(s, steal_ptr(msg), "StatusIndication");
                        return;
                }
        }
        service_send(s, NULL, "StatusIndication");
}

/* One StatusIndication per record that @changed touches: hardware, then current config,
 * each with its schema's status code and the MUX's one generation. */
void service_mux_emit_status(Service *s, const Mux *x, const char *path, unsigned changed) {
        if (changed & CHANGED_HW)
                emit_status_indication(s, path, x->pub_hw.schema->status_hardware, x->generation,
                                       &x->pub_hw);
        if (changed & CHANGED_CUR)
                emit_status_indication(s, path, x->pub_cur.schema->status_current, x->generation,
                                       &x->pub_cur);
}

/* Per field of the hardware record: its name, the aggregate, the limiting member, the source. */
static DBusHandlerResult handle_explain(Service *s, const Object *o, DBusMessage *m) {
        const Mux *x = o->mux;
        const RecordSchema *schema = x->hw.schema;
        _cleanup_message_ DBusMessage *r = NULL;
        DBusHandlerResult result;
        DBusMessageIter it, a, e;
        bool ok;

        r = service_begin_reply(s, m, &it, &result);
        if (!r)
                return result;
        ok = dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(ssss)", &a);
        for (size_t f = 0; ok && f < schema->n_fields; f++) {
                char value[32];
                const char *name = schema->fields[f].name, *member = "", *source;
                const AggregateLimit *l = &x->hw_limits[f];
                const char *vp = value;

                snprintf(value, sizeof(value), "%" PRIu32, value_get(&x->hw, f));
                if (l->member >= 0 && (size_t) l->member < x->n_members)
                        member = mux_member_name(&x->members[l->member]);
                source = source_to_string(l->source);
                ok = dbus_message_iter_open_container(&a, DBUS_TYPE_STRUCT, NULL, &e) &&
                     dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &name) &&
                     dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &vp) &&
                     dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &member) &&
                     dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &source) &&
                     dbus_message_iter_close_container(&a, &e);
        }
        if (!ok || !dbus_message_iter_close_container(&it, &a))
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        return service_reply(s, steal_ptr(r));
}

static DBusHandlerResult handle_get_hw(Service *s, const Object *o, DBusMessage *m) {
        _cleanup_message_ DBusMessage *r = NULL;
        DBusHandlerResult result;
        dbus_uint64_t g = o->mux->generation;
        DBusMessageIter it;

        r = service_begin_reply(s, m, &it, &result);
        if (!r)
                return result;
        if (!dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT64, &g) ||
            !service_append_record(&it, &o->mux->pub_hw))
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        return service_reply(s, steal_ptr(r));
}

static const ServiceMethod methods[] = {
        { "GetHardwareCapabilities", handle_get_hw },
        { "Explain", handle_explain },
        { 0 },
};

static const RecordValue *hardware(const Object *o) {
        return &o->mux->pub_hw;
}

const ServiceInterface service_mux_interface = {
        .name = BUS_IFACE_MUX,
        .properties = properties,
        .methods = methods,
        .introspection = introspection_xml_mux_members,
        .hardware = hardware,
};
