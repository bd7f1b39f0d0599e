/* SPDX-License-Identifier: MIT */
/* MUX objects' org.muxcap.MuxCap1.Mux: the property table, Explain, GetHardwareCapabilities
 * and the StatusIndication signal */

#include <dbus/dbus.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "aggregate.h"
#include "introspection.h"
#include "mux.h"
#include "nic.h"
#include "service-internal.h"
#include "strv.h"

static bool append_name(const Service *s, const Object *o, BusWire *w) {
        return bus_wire_basic(w, DBUS_TYPE_STRING, &o->mux->name);
}

static bool append_kind(const Service *s, const Object *o, BusWire *w) {
        return bus_wire_basic(w, DBUS_TYPE_STRING, &o->mux->kind);
}

static bool append_ifindex(const Service *s, const Object *o, BusWire *w) {
        dbus_int32_t i = o->mux->ifindex;
        return bus_wire_basic(w, DBUS_TYPE_INT32, &i);
}

/* Members is live: the sorted list of the members the daemon has now, built for each Get,
 * GetAll, InterfacesAdded and GetManagedObjects (rare; a change only invalidates it). Inside a
 * coalescing window it may run ahead of the last invalidation; the change it already shows
 * is then invalidated again when the window closes, so a client that re-reads after each
 * invalidation converges on the daemon's list. */
static bool append_members(const Service *s, const Object *o, BusWire *w) {
        char **members = mux_members_strv(o->mux);
        bool ok;

        if (!members)
                return false;
        ok = service_append_strv(w, members);
        strv_free(members);
        return ok;
}

static bool append_policy(const Service *s, const Object *o, BusWire *w) {
        const char *p = capacity_policy_to_string(o->mux->pub_policy);
        return bus_wire_basic(w, DBUS_TYPE_STRING, &p);
}

static bool append_generation(const Service *s, const Object *o, BusWire *w) {
        dbus_uint64_t g = o->mux->generation;
        return bus_wire_basic(w, DBUS_TYPE_UINT64, &g);
}

/* A MUX's published records in indication order (SPEC 12): 0x4002000B, 0x40020003,
 * 0x40020007, 0x40020006; each with the change bit that sends it and its status code. */
typedef struct PublishedRecord {
        unsigned changed;
        uint32_t status_code;
        const RecordValue *record;
} PublishedRecord;

static void published_records(const Mux *x, PublishedRecord ret[static SERVICE_MUX_RECORDS]) {
        ret[0] = (PublishedRecord) { CHANGED_HW, x->pub_hw.schema->status_hardware, &x->pub_hw };
        ret[1] = (PublishedRecord) { CHANGED_CUR, x->pub_cur.schema->status_current, &x->pub_cur };
        ret[2] = (PublishedRecord) { CHANGED_TASK_HW, x->pub_task_hw.schema->status_hardware,
                                     &x->pub_task_hw };
        ret[3] = (PublishedRecord) { CHANGED_TASK_CUR, x->pub_task_cur.schema->status_current,
                                     &x->pub_task_cur };
}

/* Appends published record @i (indication order): the bytes the emission encoded, or
 * encoded now outside one. */
static bool append_published(const Object *o, size_t i, BusWire *w) {
        PublishedRecord records[SERVICE_MUX_RECORDS];

        if (o->encoded && o->encoded[i].size > 0)
                return service_append_encoded(w, &o->encoded[i]);
        published_records(o->mux, records);
        return service_append_record(w, records[i].record);
}

static bool append_hw(const Service *s, const Object *o, BusWire *w) {
        return append_published(o, 0, w);
}

static bool append_cur(const Service *s, const Object *o, BusWire *w) {
        return append_published(o, 1, w);
}

static bool append_task_hw(const Service *s, const Object *o, BusWire *w) {
        return append_published(o, 2, w);
}

static bool append_task_cur(const Service *s, const Object *o, BusWire *w) {
        return append_published(o, 3, w);
}

static bool append_chimney(const Service *s, const Object *o, BusWire *w) {
        dbus_bool_t b = value_chimney_capable(&o->mux->pub_hw);
        return bus_wire_basic(w, DBUS_TYPE_BOOLEAN, &b);
}

static const ServiceProperty properties[] = {
        { "Name", "s", 0, EMITS_VALUE, false, append_name },
        { "Kind", "s", 0, EMITS_VALUE, false, append_kind },
        { "IfIndex", "i", 0, EMITS_VALUE, false, append_ifindex },
        { "Members", "as", CHANGED_MEMBERS, EMITS_INVALIDATES, false, append_members },
        { "CapacityPolicy", "s", CHANGED_POLICY, EMITS_VALUE, false, append_policy },
        { "Generation", "t", CHANGED_GENERATION, EMITS_VALUE, false, append_generation },
        { "HardwareCapabilities", "ay", CHANGED_HW, EMITS_INVALIDATES, false, append_hw },
        { "CurrentConfig", "ay", CHANGED_CUR, EMITS_INVALIDATES, false, append_cur },
        { NULL, NULL, CHANGED_HW, EMITS_INVALIDATES, true, NULL },  /* the hardware record's fields */
        { "ChimneyCapable", "b", CHANGED_HW, EMITS_INVALIDATES, false, append_chimney },
        { "TaskOffloadHardwareCapabilities", "ay", CHANGED_TASK_HW, EMITS_INVALIDATES, false, append_task_hw },
        { "TaskOffloadCurrentConfig", "ay", CHANGED_TASK_CUR, EMITS_INVALIDATES, false, append_task_cur },
        { 0 },
};

static void emit_status_indication(Service *s, const char *path, uint32_t code, uint64_t generation,
                                   const EncodedRecord *r) {
        BusWire *w = service_signal_begin(s, path, BUS_IFACE_MUX, "StatusIndication", "utay");
        dbus_uint32_t c = code;
        dbus_uint64_t g = generation;

        service_signal_send(s, bus_wire_basic(w, DBUS_TYPE_UINT32, &c) &&
                                       bus_wire_basic(w, DBUS_TYPE_UINT64, &g) &&
                                       service_append_encoded(w, r),
                            "StatusIndication");
}

void service_mux_encode(const Mux *x, unsigned changed, EncodedRecord ret[static SERVICE_MUX_RECORDS]) {
        PublishedRecord records[SERVICE_MUX_RECORDS];

        published_records(x, records);
        for (size_t i = 0; i < ELEMENTSOF(records); i++)
                if (changed & records[i].changed)
                        service_encode_record(records[i].record, &ret[i]);
                else
                        ret[i].size = 0;
}

/* One StatusIndication per record that @changed touches, in indication order, each with its
 * schema's status code and the MUX's one generation. */
void service_mux_emit_status(Service *s, const Mux *x, const char *path, unsigned changed,
                             const EncodedRecord encoded[static SERVICE_MUX_RECORDS]) {
        PublishedRecord records[SERVICE_MUX_RECORDS];

        published_records(x, records);
        for (size_t i = 0; i < ELEMENTSOF(records); i++)
                if (changed & records[i].changed)
                        emit_status_indication(s, path, records[i].status_code, x->generation,
                                               &encoded[i]);
}

/* Writes one (field, aggregate, limiting member, source) per field of @v. */
static bool append_explanations(const Mux *x, const RecordValue *v, const AggregateLimit *limits,
                                BusWire *w) {
        const RecordSchema *schema = v->schema;
        BusWireContainer e;
        bool ok = true;

        for (size_t f = 0; ok && f < schema->n_fields; f++) {
                char value[32];
                const char *name = schema->fields[f].name, *member = "", *source;
                const AggregateLimit *l = &limits[f];
                const char *vp = value;

                snprintf(value, sizeof(value), "%" PRIu32, value_get(v, f));
                if (l->member >= 0 && (size_t) l->member < x->n_members)
                        member = mux_member_name(&x->members[l->member]);
                source = source_to_string(l->source);
                ok = bus_wire_open(w, DBUS_TYPE_STRUCT, NULL, &e) &&
                     bus_wire_basic(w, DBUS_TYPE_STRING, &name) &&
                     bus_wire_basic(w, DBUS_TYPE_STRING, &vp) &&
                     bus_wire_basic(w, DBUS_TYPE_STRING, &member) &&
                     bus_wire_basic(w, DBUS_TYPE_STRING, &source) && bus_wire_close(w, &e);
        }
        return ok;
}

/* The reply to a call whose arguments were checked already. */
static DBusHandlerResult reply_explanations(Service *s, const Mux *x, DBusMessage *m, uint32_t code) {
        AggregateLimit limits[SCHEMA_FIELDS_MAX];
        int k = mux_record_by_status(x, code);
        BusWireContainer a;
        RecordValue v;
        BusWire *w;

        if (k < 0)
                return service_reply_error(s, m, DBUS_ERROR_INVALID_ARGS,
                                           "no record for status code 0x%08" PRIX32 " (expected "
                                           "0x4002000B, 0x40020003, 0x40020007 or 0x40020006)",
                                           code);
        /* Computed now, with the limiting members: no event pays for the explanation. */
        mux_explain(x, (size_t) k, &v, limits);
        w = service_reply_begin(s, m, "a(ssss)");
        return service_reply_send(s, m, bus_wire_open(w, DBUS_TYPE_ARRAY, "(ssss)", &a) &&
                                                append_explanations(x, &v, limits, w) &&
                                                bus_wire_close(w, &a));
}

/* Per field of the connection hardware record: its name, the aggregate, the limiting member,
 * the source (SPEC 5; ExplainRecord does any record). */
static DBusHandlerResult handle_explain(Service *s, const Object *o, DBusMessage *m) {
        if (!service_get_args(s, m, DBUS_TYPE_INVALID))
                return DBUS_HANDLER_RESULT_HANDLED;
        return reply_explanations(s, o->mux, m, o->mux->hw.schema->status_hardware);
}

/* ExplainRecord(u status_code) -> a(ssss): the same for any of the four records. */
static DBusHandlerResult handle_explain_record(Service *s, const Object *o, DBusMessage *m) {
        dbus_uint32_t code = 0;

        if (!service_get_args(s, m, DBUS_TYPE_UINT32, &code, DBUS_TYPE_INVALID))
                return DBUS_HANDLER_RESULT_HANDLED;
        return reply_explanations(s, o->mux, m, code);
}

/* ExplainAdvertised() -> a(ssss): per task-offload hardware field where a kernel MUX's own
 * device advertises more than its members' aggregate has: (field, what the device advertises,
 * the aggregate, the member that lacks it or "" when there is none). A declared MUX has no
 * device: nothing. */
static DBusHandlerResult handle_explain_advertised(Service *s, const Object *o, DBusMessage *m) {
        const Mux *x = o->mux;
        const RecordSchema *schema = x->task_hw.schema;
        _cleanup_free_ AggregateMember *am = calloc(x->n_members + 1, sizeof(AggregateMember));
        _cleanup_free_ RecordValue *nic_records = malloc((x->n_members + 1) * sizeof(RecordValue));
        RecordValue device;
        BusWireContainer a, e;
        BusWire *w;
        bool ok;

        if (!am || !nic_records)
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        for (size_t i = 0; i < x->n_members; i++) {
                const MuxMember *mm = &x->members[i];

                am[i].name = mux_member_name(mm);
                if (!mm->mux)
                        nic_settled_get(mm->nic, 2, &nic_records[i]);
                am[i].record = mm->mux ? &mm->mux->task_hw : &nic_records[i];
        }
        value_init(&device, schema);
        if (x->nic)
                nic_settled_get(x->nic, 2, &device);
        if (!service_get_args(s, m, DBUS_TYPE_INVALID))
                return DBUS_HANDLER_RESULT_HANDLED;
        w = service_reply_begin(s, m, "a(ssss)");
        ok = bus_wire_open(w, DBUS_TYPE_ARRAY, "(ssss)", &a);
        for (size_t f = 0; ok && x->nic && f < schema->n_fields; f++) {
                uint32_t adv = value_get(&device, f), agg = value_get(&x->task_hw, f);
                char advertised[16], aggregate[16];
                const char *name = schema->fields[f].name, *member = "";
                const char *pa = advertised, *pg = aggregate;
                int who = -1;

                if (!aggregate_gap(schema, f, adv, agg, am, x->n_members, &who))
                        continue;
                if (who >= 0)
                        member = am[who].name;
                snprintf(advertised, sizeof(advertised), "%" PRIu32, adv);
                snprintf(aggregate, sizeof(aggregate), "%" PRIu32, agg);
                ok = bus_wire_open(w, DBUS_TYPE_STRUCT, NULL, &e) &&
                     bus_wire_basic(w, DBUS_TYPE_STRING, &name) &&
                     bus_wire_basic(w, DBUS_TYPE_STRING, &pa) &&
                     bus_wire_basic(w, DBUS_TYPE_STRING, &pg) &&
                     bus_wire_basic(w, DBUS_TYPE_STRING, &member) && bus_wire_close(w, &e);
        }
        return service_reply_send(s, m, ok && bus_wire_close(w, &a));
}

/* GetRecord(u status_code) -> (t generation, ay record): any of the four records with the
 * generation, from one reading of the published state. */
static DBusHandlerResult handle_get_record(Service *s, const Object *o, DBusMessage *m) {
        dbus_uint64_t g = o->mux->generation;
        dbus_uint32_t code = 0;
        PublishedRecord records[SERVICE_MUX_RECORDS];
        const RecordValue *rec = NULL;
        BusWire *w;

        if (!service_get_args(s, m, DBUS_TYPE_UINT32, &code, DBUS_TYPE_INVALID))
                return DBUS_HANDLER_RESULT_HANDLED;
        published_records(o->mux, records);
        for (size_t i = 0; i < ELEMENTSOF(records); i++)
                if (records[i].status_code == code)
                        rec = records[i].record;
        if (!rec)
                return service_reply_error(s, m, DBUS_ERROR_INVALID_ARGS,
                                           "no record for status code 0x%08" PRIX32 " (expected "
                                           "0x4002000B, 0x40020003, 0x40020007 or 0x40020006)",
                                           (uint32_t) code);
        w = service_reply_begin(s, m, "tay");
        return service_reply_send(s, m, bus_wire_basic(w, DBUS_TYPE_UINT64, &g) &&
                                                service_append_record(w, rec));
}

static DBusHandlerResult handle_get_hw(Service *s, const Object *o, DBusMessage *m) {
        dbus_uint64_t g = o->mux->generation;
        BusWire *w;

        if (!service_get_args(s, m, DBUS_TYPE_INVALID))
                return DBUS_HANDLER_RESULT_HANDLED;
        w = service_reply_begin(s, m, "tay");
        return service_reply_send(s, m, bus_wire_basic(w, DBUS_TYPE_UINT64, &g) &&
                                                service_append_record(w, &o->mux->pub_hw));
}

static const ServiceMethod methods[] = {
        { "GetHardwareCapabilities", handle_get_hw },
        { "Explain", handle_explain },
        { "GetRecord", handle_get_record },
        { "ExplainRecord", handle_explain_record },
        { "ExplainAdvertised", handle_explain_advertised },
        { 0 },
};

static const RecordValue *hardware(const Object *o, RecordValue *buf) {
        return &o->mux->pub_hw;
}

const ServiceInterface service_mux_interface = {
        .name = BUS_IFACE_MUX,
        .properties = properties,
        .methods = methods,
        .introspection = introspection_xml_mux_members,
        .hardware = hardware,
};
