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

/* Members is live: the sorted list of the members the daemon has now, built for each Get,
 * GetAll, InterfacesAdded and GetManagedObjects (rare; a change only invalidates it). Inside a
 * coalescing window it may run ahead of the last invalidation; the change it already shows
 * is then invalidated again when the window closes, so a client that re-reads after each
 * invalidation converges on the daemon's list. */
static bool append_members(const Service *s, const Object *o, DBusMessageIter *v) {
        char **members = mux_members_strv(o->mux);
        bool ok;

        if (!members)
                return false;
        ok = service_append_strv(v, members);
        strv_free(members);
        return ok;
}

static bool append_policy(const Service *s, const Object *o, DBusMessageIter *v) {
        const char *p = capacity_policy_to_string(o->mux->pub_policy);
        return service_append_basic(v, DBUS_TYPE_STRING, &p);
}

static bool append_generation(const Service *s, const Object *o, DBusMessageIter *v) {
        dbus_uint64_t g = o->mux->generation;
        return service_append_basic(v, DBUS_TYPE_UINT64, &g);
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
static bool append_published(const Object *o, size_t i, DBusMessageIter *v) {
        PublishedRecord records[SERVICE_MUX_RECORDS];

        if (o->encoded && o->encoded[i].size > 0)
                return service_append_encoded(v, &o->encoded[i]);
        published_records(o->mux, records);
        return service_append_record(v, records[i].record);
}

static bool append_hw(const Service *s, const Object *o, DBusMessageIter *v) {
        return append_published(o, 0, v);
}

static bool append_cur(const Service *s, const Object *o, DBusMessageIter *v) {
        return append_published(o, 1, v);
}

static bool append_task_hw(const Service *s, const Object *o, DBusMessageIter *v) {
        return append_published(o, 2, v);
}

static bool append_task_cur(const Service *s, const Object *o, DBusMessageIter *v) {
        return append_published(o, 3, v);
}

static bool append_chimney(const Service *s, const Object *o, DBusMessageIter *v) {
        dbus_bool_t b = value_chimney_capable(&o->mux->pub_hw);
        return service_append_basic(v, DBUS_TYPE_BOOLEAN, &b);
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
        _cleanup_message_ DBusMessage *msg = service_signal_new();
        dbus_uint32_t c = code;
        dbus_uint64_t g = generation;
        DBusMessageIter it;

        if (msg) {
                dbus_message_iter_init_append(msg, &it);
                if (dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT32, &c) &&
                    dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT64, &g) &&
                    service_append_encoded(&it, r)) {
                        service_send_signal(s, steal_ptr(msg), path, BUS_IFACE_MUX,
                                            "StatusIndication");
                        return;
                }
        }
        service_send(s, NULL, "StatusIndication");
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

/* Appends one (field, aggregate, limiting member, source) per field of @v. */
static bool append_explanations(const Mux *x, const RecordValue *v, const AggregateLimit *limits,
                                DBusMessageIter *a) {
        const RecordSchema *schema = v->schema;
        DBusMessageIter e;
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
                ok = dbus_message_iter_open_container(a, DBUS_TYPE_STRUCT, NULL, &e) &&
                     dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &name) &&
                     dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &vp) &&
                     dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &member) &&
                     dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &source) &&
                     dbus_message_iter_close_container(a, &e);
        }
        return ok;
}

/* The reply to a call whose arguments were read already (service_begin_reply() checks that
 * there are none). */
static DBusMessage *begin_reply_after_args(DBusMessage *m, DBusMessageIter *it,
                                           DBusHandlerResult *ret_result) {
        DBusMessage *r = dbus_message_new_method_return(m);

        if (!r) {
                *ret_result = DBUS_HANDLER_RESULT_NEED_MEMORY;
                return NULL;
        }
        dbus_message_iter_init_append(r, it);
        return r;
}

static DBusHandlerResult reply_explanations(Service *s, const Mux *x, DBusMessage *m,
                                            uint32_t code, bool had_args) {
        _cleanup_message_ DBusMessage *r = NULL;
        AggregateLimit limits[SCHEMA_FIELDS_MAX];
        int k = mux_record_by_status(x, code);
        DBusHandlerResult result;
        DBusMessageIter it, a;
        RecordValue v;

        if (k < 0)
                return service_reply_error(s, m, DBUS_ERROR_INVALID_ARGS,
                                           "no record for status code 0x%08" PRIX32 " (expected "
                                           "0x4002000B, 0x40020003, 0x40020007 or 0x40020006)",
                                           code);
        r = had_args ? begin_reply_after_args(m, &it, &result) : service_begin_reply(s, m, &it, &result);
        if (!r)
                return result;
        /* Computed now, with the limiting members: no event pays for the explanation. */
        mux_explain(x, (size_t) k, &v, limits);
        if (!dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(ssss)", &a) ||
            !append_explanations(x, &v, limits, &a) || !dbus_message_iter_close_container(&it, &a))
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        return service_reply(s, steal_ptr(r));
}

/* Per field of the connection hardware record: its name, the aggregate, the limiting member,
 * the source (SPEC 5; ExplainRecord does any record). */
static DBusHandlerResult handle_explain(Service *s, const Object *o, DBusMessage *m) {
        return reply_explanations(s, o->mux, m, o->mux->hw.schema->status_hardware, false);
}

/* ExplainRecord(u status_code) -> a(ssss): the same for any of the four records. */
static DBusHandlerResult handle_explain_record(Service *s, const Object *o, DBusMessage *m) {
        dbus_uint32_t code = 0;

        if (!service_get_args(s, m, DBUS_TYPE_UINT32, &code, DBUS_TYPE_INVALID))
                return DBUS_HANDLER_RESULT_HANDLED;
        return reply_explanations(s, o->mux, m, code, true);
}

/* ExplainAdvertised() -> a(ssss): per task-offload hardware field where a kernel MUX's own
 * device advertises more than its members' aggregate has: (field, what the device advertises,
 * the aggregate, the member that lacks it or "" when there is none). A declared MUX has no
 * device: nothing. */
static DBusHandlerResult handle_explain_advertised(Service *s, const Object *o, DBusMessage *m) {
        const Mux *x = o->mux;
        const RecordSchema *schema = x->task_hw.schema;
        _cleanup_message_ DBusMessage *r = NULL;
        _cleanup_free_ AggregateMember *am = calloc(x->n_members + 1, sizeof(AggregateMember));
        DBusHandlerResult result;
        DBusMessageIter it, a, e;
        bool ok;

        if (!am)
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        for (size_t i = 0; i < x->n_members; i++) {
                const MuxMember *mm = &x->members[i];

                am[i].name = mux_member_name(mm);
                am[i].record = mm->mux ? &mm->mux->task_hw : &mm->nic->pub_task_hw;
        }
        r = service_begin_reply(s, m, &it, &result);
        if (!r)
                return result;
        ok = dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(ssss)", &a);
        for (size_t f = 0; ok && x->nic && f < schema->n_fields; f++) {
                uint32_t adv = value_get(&x->nic->pub_task_hw, f), agg = value_get(&x->task_hw, f);
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
                ok = dbus_message_iter_open_container(&a, DBUS_TYPE_STRUCT, NULL, &e) &&
                     dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &name) &&
                     dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &pa) &&
                     dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &pg) &&
                     dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &member) &&
                     dbus_message_iter_close_container(&a, &e);
        }
        if (!ok || !dbus_message_iter_close_container(&it, &a))
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        return service_reply(s, steal_ptr(r));
}

/* GetRecord(u status_code) -> (t generation, ay record): any of the four records with the
 * generation, from one reading of the published state. */
static DBusHandlerResult handle_get_record(Service *s, const Object *o, DBusMessage *m) {
        _cleanup_message_ DBusMessage *r = NULL;
        DBusHandlerResult result;
        dbus_uint64_t g = o->mux->generation;
        dbus_uint32_t code = 0;
        PublishedRecord records[SERVICE_MUX_RECORDS];
        const RecordValue *rec = NULL;
        DBusMessageIter it;

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
        r = begin_reply_after_args(m, &it, &result);
        if (!r)
                return result;
        if (!dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT64, &g) ||
            !service_append_record(&it, rec))
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
        { "GetRecord", handle_get_record },
        { "ExplainRecord", handle_explain_record },
        { "ExplainAdvertised", handle_explain_advertised },
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
