/* SPDX-License-Identifier: MIT */
/* NIC objects' org.muxcap.MuxCap1.Nic: the property table */

#include <dbus/dbus.h>

#include "aggregate.h"
#include "introspection.h"
#include "nic.h"
#include "service-internal.h"

static bool append_name(const Service *s, const Object *o, BusWire *w) {
        return bus_wire_basic(w, DBUS_TYPE_STRING, &o->nic->pub_name);
}

static bool append_ifindex(const Service *s, const Object *o, BusWire *w) {
        dbus_int32_t i = o->nic->ifindex;
        return bus_wire_basic(w, DBUS_TYPE_INT32, &i);
}

static bool append_driver(const Service *s, const Object *o, BusWire *w) {
        const char *str = o->nic->pub_driver;
        return bus_wire_basic(w, DBUS_TYPE_STRING, &str);
}

static bool append_muxes(const Service *s, const Object *o, BusWire *w) {
        return service_append_strv(w, o->nic->pub_muxes);
}

/* A NIC holds its records as their wire bytes: they go out as they are. */
static bool append_settled(const Object *o, size_t k, BusWire *w) {
        EncodedRecord e;

        e.size = (int) nic_settled_encoded(o->nic, k, e.bytes);
        return service_append_encoded(w, &e);
}

static bool append_hw(const Service *s, const Object *o, BusWire *w) {
        return append_settled(o, 0, w);
}

static bool append_cur(const Service *s, const Object *o, BusWire *w) {
        return append_settled(o, 1, w);
}

static bool append_chimney(const Service *s, const Object *o, BusWire *w) {
        RecordValue hw;
        dbus_bool_t b;

        nic_settled_get(o->nic, 0, &hw);
        b = value_chimney_capable(&hw);
        return bus_wire_basic(w, DBUS_TYPE_BOOLEAN, &b);
}

static bool append_task_hw(const Service *s, const Object *o, BusWire *w) {
        return append_settled(o, 2, w);
}

static bool append_task_cur(const Service *s, const Object *o, BusWire *w) {
        return append_settled(o, 3, w);
}

/* The fields of both records whose source is not the kernel (SPEC 5: a field absent comes
 * from the kernel): the connection record's names, then the task record's dotted ones (they
 * never clash). Most NICs declare nothing: the dict is empty, where listing every field made it
 * 5.6 kB of a 6.9 kB InterfacesAdded (issue 24). */
static bool append_sources(const Service *s, const Object *o, BusWire *w) {
        const struct {
                const RecordSchema *schema;
                const Source *src;
        } records[] = {
                { nic_record_schema(0), nic_sources(o->nic, 0) },
                { nic_record_schema(2), nic_sources(o->nic, 2) },
        };
        BusWireContainer a, e;

        if (!bus_wire_open(w, DBUS_TYPE_ARRAY, "{ss}", &a))
                return false;
        for (size_t r = 0; r < ELEMENTSOF(records); r++)
                for (size_t f = 0; f < records[r].schema->n_fields; f++) {
                        const char *key = records[r].schema->fields[f].name;
                        const char *val = source_to_string(records[r].src[f]);

                        if (records[r].src[f] == SOURCE_KERNEL)
                                continue;
                        if (!bus_wire_open(w, DBUS_TYPE_DICT_ENTRY, NULL, &e) ||
                            !bus_wire_basic(w, DBUS_TYPE_STRING, &key) ||
                            !bus_wire_basic(w, DBUS_TYPE_STRING, &val) || !bus_wire_close(w, &e))
                                return false;
                }
        return bus_wire_close(w, &a);
}

static const ServiceProperty properties[] = {
        { "Name", "s", 0, EMITS_VALUE, false, append_name },
        { "IfIndex", "i", 0, EMITS_VALUE, false, append_ifindex },
        { "Driver", "s", CHANGED_DRIVER, EMITS_VALUE, false, append_driver },
        { "Muxes", "as", CHANGED_MEMBERS, EMITS_VALUE, false, append_muxes },
        { "HardwareCapabilities", "ay", CHANGED_HW, EMITS_VALUE, false, append_hw },
        { "CurrentConfig", "ay", CHANGED_CUR, EMITS_VALUE, false, append_cur },
        { NULL, NULL, CHANGED_HW, EMITS_VALUE, true, NULL },  /* the hardware record's fields */
        { "ChimneyCapable", "b", CHANGED_HW, EMITS_VALUE, false, append_chimney },
        { "Sources", "a{ss}", CHANGED_HW | CHANGED_SOURCES, EMITS_VALUE, false, append_sources },
        { "TaskOffloadHardwareCapabilities", "ay", CHANGED_TASK_HW, EMITS_VALUE, false, append_task_hw },
        { "TaskOffloadCurrentConfig", "ay", CHANGED_TASK_CUR, EMITS_VALUE, false, append_task_cur },
        { 0 },
};

static const ServiceMethod methods[] = {
        { 0 },
};

static const RecordValue *hardware(const Object *o, RecordValue *buf) {
        nic_settled_get(o->nic, 0, buf);
        return buf;
}

const ServiceInterface service_nic_interface = {
        .name = BUS_IFACE_NIC,
        .properties = properties,
        .methods = methods,
        .introspection = introspection_xml_nic_members,
        .hardware = hardware,
};
