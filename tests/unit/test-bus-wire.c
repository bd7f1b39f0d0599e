/* SPDX-License-Identifier: MIT */
/* Unit tests of daemon/bus-wire.c: each message is written twice, by libdbus's iterators and
 * by a BusWire, from one script of appends, and the two must marshal to the same bytes */
#undef NDEBUG
#include <assert.h>
#include <dbus/dbus.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-wire.h"
#include "macro.h"

/* One step of a script: a basic value, a whole ay, or a container opened or closed. */
typedef enum StepKind { BASIC, BYTES, OPEN, CLOSE, END } StepKind;

typedef struct Step {
        StepKind kind;
        int type;
        const char *contained;          /* OPEN: the contained signature (arrays, variants) */
        const void *value;              /* BASIC: as dbus_message_iter_append_basic() takes it */
        size_t n;                       /* BYTES: how many, from @value */
} Step;

#define DEPTH 16

static void write_libdbus(DBusMessage *m, const Step *script) {
        DBusMessageIter stack[DEPTH];
        size_t depth = 0;

        dbus_message_iter_init_append(m, &stack[0]);
        for (const Step *s = script; s->kind != END; s++)
                switch (s->kind) {
                case BASIC:
                        assert(dbus_message_iter_append_basic(&stack[depth], s->type, s->value));
                        break;
                case BYTES: {
                        DBusMessageIter a;
                        const uint8_t *p = s->value;
                        assert(dbus_message_iter_open_container(&stack[depth], DBUS_TYPE_ARRAY, "y", &a));
                        assert(dbus_message_iter_append_fixed_array(&a, DBUS_TYPE_BYTE, &p, (int) s->n));
                        assert(dbus_message_iter_close_container(&stack[depth], &a));
                        break;
                }
                case OPEN:
                        assert(depth + 1 < DEPTH);
                        assert(dbus_message_iter_open_container(&stack[depth], s->type, s->contained,
                                                                &stack[depth + 1]));
                        depth++;
                        break;
                case CLOSE:
                        assert(depth > 0);
                        assert(dbus_message_iter_close_container(&stack[depth - 1], &stack[depth]));
                        depth--;
                        break;
                case END:
                        break;
                }
        assert(depth == 0);
}

static void write_wire(BusWire *w, const Step *script) {
        BusWireContainer stack[DEPTH];
        size_t depth = 0;

        for (const Step *s = script; s->kind != END; s++)
                switch (s->kind) {
                case BASIC:
                        assert(bus_wire_basic(w, s->type, s->value));
                        break;
                case BYTES:
                        assert(bus_wire_bytes(w, s->value, s->n));
                        break;
                case OPEN:
                        assert(bus_wire_open(w, s->type, s->contained, &stack[depth++]));
                        break;
                case CLOSE:
                        assert(bus_wire_close(w, &stack[--depth]));
                        break;
                case END:
                        break;
                }
        assert(depth == 0);
}

/* Both messages numbered alike, marshalled, compared byte for byte. */
static void assert_same_bytes(DBusMessage *a, DBusMessage *b) {
        char *wa = NULL, *wb = NULL;
        int na = 0, nb = 0;

        dbus_message_set_serial(a, 7);
        dbus_message_set_serial(b, 7);
        assert(dbus_message_marshal(a, &wa, &na));
        assert(dbus_message_marshal(b, &wb, &nb));
        if (na != nb || memcmp(wa, wb, (size_t) na) != 0) {
                fprintf(stderr, "libdbus %d bytes, BusWire %d bytes:\n", na, nb);
                for (int i = 0; i < na || i < nb; i++)
                        fprintf(stderr, "%4d  %02x  %02x%s\n", i, i < na ? (uint8_t) wa[i] : 0,
                                i < nb ? (uint8_t) wb[i] : 0,
                                i < na && i < nb && wa[i] == wb[i] ? "" : "  <--");
                abort();
        }
        dbus_free(wa);
        dbus_free(wb);
}

static DBusMessage *finish(BusWire *w) {
        DBusError error;
        DBusMessage *m;

        dbus_error_init(&error);
        m = bus_wire_finish(w, &error);
        if (!m) {
                fprintf(stderr, "bus_wire_finish: %s: %s\n", error.name, error.message);
                abort();
        }
        assert(dbus_message_get_serial(m) == 0);        /* the connection numbers it */
        return m;
}

static void check_signal(BusWire *w, const char *path, const char *iface, const char *member,
                         const char *signature, const Step *script) {
        DBusMessage *want = dbus_message_new_signal(path, iface, member), *got;

        assert(want);
        write_libdbus(want, script);
        assert(streq(dbus_message_get_signature(want), signature));
        assert(bus_wire_signal(w, path, iface, member, signature));
        write_wire(w, script);
        got = finish(w);
        assert(dbus_message_get_type(got) == DBUS_MESSAGE_TYPE_SIGNAL);
        assert(dbus_message_get_no_reply(got));
        assert(streq(dbus_message_get_path(got), path));
        assert(streq(dbus_message_get_member(got), member));
        assert_same_bytes(want, got);
        dbus_message_unref(want);
        dbus_message_unref(got);
}

static const uint8_t record20[20] = { 0x80, 2, 20, 0, 2, 0, 0, 0, 0x05, 0, 0, 0, 0xff, 0xff, 0xff, 0xff };
static uint8_t record216[216];

static void test_status_indication(BusWire *w) {
        const dbus_uint32_t code = 0x4002000B, code2 = 0x40020007;
        const dbus_uint64_t generation = UINT64_C(0x0123456789abcdef);
        const Step small[] = {
                { BASIC, DBUS_TYPE_UINT32, .value = &code },
                { BASIC, DBUS_TYPE_UINT64, .value = &generation },
                { BYTES, .value = record20, .n = sizeof(record20) },
                { END },
        }, big[] = {
                { BASIC, DBUS_TYPE_UINT32, .value = &code2 },
                { BASIC, DBUS_TYPE_UINT64, .value = &generation },
                { BYTES, .value = record216, .n = sizeof(record216) },
                { END },
        };

        for (size_t i = 0; i < sizeof(record216); i++)
                record216[i] = (uint8_t) (i * 37 + 1);
        check_signal(w, "/org/muxcap/MuxCap1/mux/br0", "org.muxcap.MuxCap1.Mux", "StatusIndication",
                     "utay", small);
        /* A path of every length modulo 8 moves everything after it. */
        for (size_t n = 1; n <= 9; n++) {
                char path[64] = "/org/muxcap/MuxCap1/mux/";
                memset(path + strlen(path), 'x', n);
                check_signal(w, path, "org.muxcap.MuxCap1.Mux", "StatusIndication", "utay", big);
        }
}

/* PropertiesChanged with a value of every type the tables use, and invalidated names. */
static void test_properties_changed(BusWire *w) {
        const char *iface = "org.muxcap.MuxCap1.Nic", *k1 = "Driver", *k2 = "Generation",
                   *k3 = "SupportIPv4", *k4 = "Port", *k5 = "ChimneyCapable", *k6 = "IfIndex",
                   *k7 = "Muxes", *k8 = "Sources", *k9 = "HardwareCapabilities", *k10 = "Empty",
                   *v1 = "e1000e", *m1 = "br0", *m2 = "bond-a", *s1 = "SupportSack",
                   *s2 = "config", *inv = "Members";
        const dbus_uint64_t gen = 3;
        const uint8_t y = 1;
        const dbus_uint16_t q = 4791;
        const dbus_bool_t b = TRUE;
        const dbus_int32_t i = -5;
        const Step script[] = {
                { BASIC, DBUS_TYPE_STRING, .value = &iface },
                { OPEN, DBUS_TYPE_ARRAY, "{sv}" },
                  { OPEN, DBUS_TYPE_DICT_ENTRY }, { BASIC, DBUS_TYPE_STRING, .value = &k1 },
                    { OPEN, DBUS_TYPE_VARIANT, "s" }, { BASIC, DBUS_TYPE_STRING, .value = &v1 }, { CLOSE },
                  { CLOSE },
                  { OPEN, DBUS_TYPE_DICT_ENTRY }, { BASIC, DBUS_TYPE_STRING, .value = &k2 },
                    { OPEN, DBUS_TYPE_VARIANT, "t" }, { BASIC, DBUS_TYPE_UINT64, .value = &gen }, { CLOSE },
                  { CLOSE },
                  { OPEN, DBUS_TYPE_DICT_ENTRY }, { BASIC, DBUS_TYPE_STRING, .value = &k3 },
                    { OPEN, DBUS_TYPE_VARIANT, "y" }, { BASIC, DBUS_TYPE_BYTE, .value = &y }, { CLOSE },
                  { CLOSE },
                  { OPEN, DBUS_TYPE_DICT_ENTRY }, { BASIC, DBUS_TYPE_STRING, .value = &k4 },
                    { OPEN, DBUS_TYPE_VARIANT, "q" }, { BASIC, DBUS_TYPE_UINT16, .value = &q }, { CLOSE },
                  { CLOSE },
                  { OPEN, DBUS_TYPE_DICT_ENTRY }, { BASIC, DBUS_TYPE_STRING, .value = &k5 },
                    { OPEN, DBUS_TYPE_VARIANT, "b" }, { BASIC, DBUS_TYPE_BOOLEAN, .value = &b }, { CLOSE },
                  { CLOSE },
                  { OPEN, DBUS_TYPE_DICT_ENTRY }, { BASIC, DBUS_TYPE_STRING, .value = &k6 },
                    { OPEN, DBUS_TYPE_VARIANT, "i" }, { BASIC, DBUS_TYPE_INT32, .value = &i }, { CLOSE },
                  { CLOSE },
                  { OPEN, DBUS_TYPE_DICT_ENTRY }, { BASIC, DBUS_TYPE_STRING, .value = &k7 },
                    { OPEN, DBUS_TYPE_VARIANT, "as" }, { OPEN, DBUS_TYPE_ARRAY, "s" },
                      { BASIC, DBUS_TYPE_STRING, .value = &m1 }, { BASIC, DBUS_TYPE_STRING, .value = &m2 },
                    { CLOSE }, { CLOSE },
                  { CLOSE },
                  { OPEN, DBUS_TYPE_DICT_ENTRY }, { BASIC, DBUS_TYPE_STRING, .value = &k8 },
                    { OPEN, DBUS_TYPE_VARIANT, "a{ss}" }, { OPEN, DBUS_TYPE_ARRAY, "{ss}" },
                      { OPEN, DBUS_TYPE_DICT_ENTRY }, { BASIC, DBUS_TYPE_STRING, .value = &s1 },
                        { BASIC, DBUS_TYPE_STRING, .value = &s2 }, { CLOSE },
                    { CLOSE }, { CLOSE },
                  { CLOSE },
                  { OPEN, DBUS_TYPE_DICT_ENTRY }, { BASIC, DBUS_TYPE_STRING, .value = &k9 },
                    { OPEN, DBUS_TYPE_VARIANT, "ay" }, { BYTES, .value = record20, .n = 20 }, { CLOSE },
                  { CLOSE },
                  { OPEN, DBUS_TYPE_DICT_ENTRY }, { BASIC, DBUS_TYPE_STRING, .value = &k10 },
                    { OPEN, DBUS_TYPE_VARIANT, "a{ss}" }, { OPEN, DBUS_TYPE_ARRAY, "{ss}" }, { CLOSE },
                    { CLOSE },
                  { CLOSE },
                { CLOSE },
                { OPEN, DBUS_TYPE_ARRAY, "s" }, { BASIC, DBUS_TYPE_STRING, .value = &inv }, { CLOSE },
                { END },
        }, empty[] = {
                { BASIC, DBUS_TYPE_STRING, .value = &iface },
                { OPEN, DBUS_TYPE_ARRAY, "{sv}" }, { CLOSE },
                { OPEN, DBUS_TYPE_ARRAY, "s" }, { CLOSE },
                { END },
        };

        check_signal(w, "/org/muxcap/MuxCap1/nic/eth0", "org.freedesktop.DBus.Properties",
                     "PropertiesChanged", "sa{sv}as", script);
        check_signal(w, "/org/muxcap/MuxCap1/nic/eth0", "org.freedesktop.DBus.Properties",
                     "PropertiesChanged", "sa{sv}as", empty);
}

static void test_interfaces_added(BusWire *w) {
        const char *path = "/org/muxcap/MuxCap1/mux/br_2dlan", *iface = "org.muxcap.MuxCap1.Mux",
                   *k = "Generation";
        const dbus_uint64_t gen = 1;
        const Step script[] = {
                { BASIC, DBUS_TYPE_OBJECT_PATH, .value = &path },
                { OPEN, DBUS_TYPE_ARRAY, "{sa{sv}}" },
                  { OPEN, DBUS_TYPE_DICT_ENTRY }, { BASIC, DBUS_TYPE_STRING, .value = &iface },
                    { OPEN, DBUS_TYPE_ARRAY, "{sv}" },
                      { OPEN, DBUS_TYPE_DICT_ENTRY }, { BASIC, DBUS_TYPE_STRING, .value = &k },
                        { OPEN, DBUS_TYPE_VARIANT, "t" }, { BASIC, DBUS_TYPE_UINT64, .value = &gen }, { CLOSE },
                      { CLOSE },
                    { CLOSE },
                  { CLOSE },
                { CLOSE },
                { END },
        };

        check_signal(w, "/org/muxcap/MuxCap1", "org.freedesktop.DBus.ObjectManager",
                     "InterfacesAdded", "oa{sa{sv}}", script);
}

/* A reply reads the same as dbus_message_new_method_return()'s, with or without a sender. */
static void test_method_return(BusWire *w) {
        const dbus_uint64_t gen = 9;
        const Step script[] = {
                { OPEN, DBUS_TYPE_VARIANT, "t" }, { BASIC, DBUS_TYPE_UINT64, .value = &gen }, { CLOSE },
                { END },
        };

        for (int with_sender = 0; with_sender <= 1; with_sender++) {
                DBusMessage *call = dbus_message_new_method_call("org.muxcap.MuxCap1", "/org/muxcap/MuxCap1",
                                                                 "org.freedesktop.DBus.Properties", "Get");
                DBusMessage *want, *got;

                assert(call);
                dbus_message_set_serial(call, 4242);
                if (with_sender)
                        assert(dbus_message_set_sender(call, ":1.17"));
                want = dbus_message_new_method_return(call);
                assert(want);
                write_libdbus(want, script);
                assert(bus_wire_method_return(w, 4242, with_sender ? ":1.17" : NULL, "v"));
                write_wire(w, script);
                got = finish(w);
                assert(dbus_message_get_reply_serial(got) == 4242);
                assert_same_bytes(want, got);
                dbus_message_unref(call);
                dbus_message_unref(want);
                dbus_message_unref(got);
        }
}

/* A body that does not match its signature never becomes a message. */
static void test_libdbus_refuses_a_wrong_body(BusWire *w) {
        const char *text = "not a number";
        DBusError error;

        assert(bus_wire_signal(w, "/a", "a.b", "C", "u"));
        assert(bus_wire_basic(w, DBUS_TYPE_STRING, &text));
        dbus_error_init(&error);
        assert(!bus_wire_finish(w, &error));
        assert(dbus_error_is_set(&error));
        dbus_error_free(&error);

        /* A type the writer does not know fails and stays failed. */
        assert(bus_wire_signal(w, "/a", "a.b", "C", "u"));
        assert(!bus_wire_basic(w, 'Z', &text));
        assert(!bus_wire_open(w, DBUS_TYPE_ARRAY, "u", &(BusWireContainer) { 0 }));
        dbus_error_init(&error);
        assert(!bus_wire_finish(w, &error));
        assert(dbus_error_has_name(&error, DBUS_ERROR_NO_MEMORY));
        dbus_error_free(&error);

        /* And the next message starts clean. */
        test_interfaces_added(w);
}

int main(void) {
        BusWire w = { 0 };

        test_status_indication(&w);
        test_properties_changed(&w);
        test_interfaces_added(&w);
        test_method_return(&w);
        test_libdbus_refuses_a_wrong_body(&w);
        bus_wire_done(&w);
        return 0;
}
