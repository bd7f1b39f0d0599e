/* SPDX-License-Identifier: MIT */
/* Unit test of the service's property tables against the installed interface XML: the
 * properties Introspect renders from the tables are those of org.muxcap.MuxCap1.xml, in its
 * order, with its types and EmitsChangedSignal annotations, byte for byte; and what the
 * tables put into PropertiesChanged: Members by name only, and its value, sorted, on a read */
#undef NDEBUG
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "introspection.h"
#include "mux.h"
#include "nic.h"
#include "schemas.h"
#include "service-internal.h"

static void check(const ServiceInterface *iface, const RecordSchema *schema, const char *want) {
        char *xml = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&xml, &size);

        assert(f);
        assert(service_write_interface(f, iface, schema) == 0);
        assert(fclose(f) == 0);
        if (strcmp(xml, want) != 0) {
                fprintf(stderr, "rendered:\n%s\nwanted:\n%s\n", xml, want);
                abort();
        }
        free(xml);
}

/* The names of an a{sv} (@values) or an as, space-separated, into @out. With @values, a
 * property "Members" has its strings appended after '='. */
static void names(DBusMessageIter *it, bool values, char *out, size_t size) {
        DBusMessageIter a, e, v, m;

        out[0] = '\0';
        for (dbus_message_iter_recurse(it, &a); dbus_message_iter_get_arg_type(&a) != DBUS_TYPE_INVALID;
             dbus_message_iter_next(&a)) {
                const char *name;

                if (values) {
                        dbus_message_iter_recurse(&a, &e);
                        dbus_message_iter_get_basic(&e, &name);
                } else
                        dbus_message_iter_get_basic(&a, &name);
                snprintf(out + strlen(out), size - strlen(out), "%s%s", *out ? " " : "", name);
                if (!values || strcmp(name, "Members") != 0)
                        continue;
                dbus_message_iter_next(&e);
                dbus_message_iter_recurse(&e, &v);
                assert(dbus_message_iter_get_arg_type(&v) == DBUS_TYPE_ARRAY);
                for (dbus_message_iter_recurse(&v, &m); dbus_message_iter_get_arg_type(&m) == DBUS_TYPE_STRING;
                     dbus_message_iter_next(&m)) {
                        const char *member;

                        dbus_message_iter_get_basic(&m, &member);
                        snprintf(out + strlen(out), size - strlen(out), "=%s", member);
                }
        }
}

/* The changed and invalidated lists of the PropertiesChanged the tables make for @changed
 * (0: the a{sv} of GetAll, and no invalidated list). */
static void properties_changed(const Object *o, unsigned changed, char *ret_changed,
                               char *ret_invalidated, size_t size) {
        static const Service service;
        BusWire w = { 0 };
        DBusMessage *m;
        DBusMessageIter it;
        DBusError error;

        assert(bus_wire_signal(&w, "/t", "t.T", "PropertiesChanged", changed ? "a{sv}as" : "a{sv}"));
        assert(service_append_properties(&service, o, changed, &w));
        if (changed)
                assert(service_append_invalidated(o, changed, &w));
        dbus_error_init(&error);
        m = bus_wire_finish(&w, &error);
        assert(m);
        bus_wire_done(&w);
        assert(dbus_message_iter_init(m, &it));
        names(&it, true, ret_changed, size);
        ret_invalidated[0] = '\0';
        if (changed) {
                assert(dbus_message_iter_next(&it));
                names(&it, false, ret_invalidated, size);
        }
        dbus_message_unref(m);
}

static void test_members_change_is_invalidated_and_read_sorted(void) {
        const char *const member_names[] = { "veth9", "eth1", "br-lan", "eth0" };
        Nic *nics[ELEMENTSOF(member_names)] = { NULL };
        Mux *x = NULL;
        Object o;
        char changed[4096], invalidated[4096];

        assert(mux_new(&x, "br0", "bridge", false) == 0);
        for (size_t i = 0; i < ELEMENTSOF(member_names); i++) {
                assert(nic_new(&nics[i], (int) i + 10) == 0);
                assert(nic_set_name(nics[i], member_names[i]) >= 0);
                mux_add_member(x, nics[i], NULL);
        }
        assert(x->n_members == ELEMENTSOF(member_names));
        o = (Object) { .type = OBJECT_MUX, .interface = &service_mux_interface, .mux = x };

        /* A change of members alone: no value at all, the name in invalidated. */
        properties_changed(&o, CHANGED_MEMBERS, changed, invalidated, sizeof(changed));
        assert(streq(changed, ""));
        assert(streq(invalidated, "Members"));

        /* With a new record: the generation as a value; the record's properties by name, as
         * Members (the StatusIndication that follows carries the record, issue 24). */
        properties_changed(&o, CHANGED_MEMBERS | CHANGED_HW | CHANGED_GENERATION, changed,
                           invalidated, sizeof(invalidated));
        assert(streq(changed, "Generation"));
        assert(streq(invalidated, "Members HardwareCapabilities Encapsulation SupportIPv4 "
                                  "SupportIPv6 SupportIPv6ExtensionHeaders SupportSack "
                                  "CongestionAlgorithm TcpConnectionOffloadCapacity Flags "
                                  "ChimneyCapable"));

        /* A change that does not touch Members invalidates nothing. */
        properties_changed(&o, CHANGED_POLICY, changed, invalidated, sizeof(changed));
        assert(streq(changed, "CapacityPolicy"));
        assert(streq(invalidated, ""));

        /* A read (GetAll, InterfacesAdded) has the whole list, sorted. */
        properties_changed(&o, 0, changed, invalidated, sizeof(changed));
        assert(strstr(changed, " Members=br-lan=eth0=eth1=veth9 CapacityPolicy "));

        x = mux_free(x);
        for (size_t i = 0; i < ELEMENTSOF(nics); i++)
                nics[i] = nic_free(nics[i]);
}

static void test_emits_strings(void) {
        assert(streq(service_emits_to_string(EMITS_VALUE), "true"));
        assert(streq(service_emits_to_string(EMITS_INVALIDATES), "invalidates"));
        assert(streq(service_emits_to_string(EMITS_CONST), "const"));
        assert(!service_emits_to_string(_EMITS_MAX));
        assert(!service_emits_to_string(_EMITS_INVALID));
}

int main(void) {
        check(&service_manager_interface, NULL, introspection_xml_manager);
        check(&service_mux_interface, &schema_tcp_connection_offload, introspection_xml_mux);
        check(&service_nic_interface, &schema_tcp_connection_offload, introspection_xml_nic);
        test_members_change_is_invalidated_and_read_sorted();
        test_emits_strings();
        return 0;
}
