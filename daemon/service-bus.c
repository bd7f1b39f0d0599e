/* SPDX-License-Identifier: MIT */
/* The service's D-Bus helpers: writing values, sending messages written on the service's
 * BusWire, replies and argument checks, shared by every object file; they call nothing else of
 * the service */

#include <assert.h>
#include <dbus/dbus.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "mux.h"
#include "nic.h"
#include "service-internal.h"
#include "utf8.h"

int service_object_path(const Object *o, char **ret) {
        if (o->type == OBJECT_MUX)
                return bus_path_escape(BUS_MUX_PREFIX, o->mux->name, ret);
        return bus_path_escape(BUS_NIC_PREFIX, o->nic->pub_name, ret);
}

/* Writing helpers: each returns false on out-of-memory. */

bool service_append_strv(BusWire *w, char *const *strv) {
        BusWireContainer a;

        if (!bus_wire_open(w, DBUS_TYPE_ARRAY, "s", &a))
                return false;
        for (size_t i = 0; strv && strv[i]; i++)
                if (!bus_wire_basic(w, DBUS_TYPE_STRING, &strv[i]))
                        return false;
        return bus_wire_close(w, &a);
}

/* Encodes @r's wire bytes into @ret (all zero if it cannot be encoded). */
void service_encode_record(const RecordValue *r, EncodedRecord *ret) {
        ret->size = r->schema->size;
        if (schema_encode(r, ret->bytes, (size_t) ret->size, NULL) < 0)
                memset(ret->bytes, 0, (size_t) ret->size);
}

/* Writes bytes encoded before as ay. */
bool service_append_encoded(BusWire *w, const EncodedRecord *e) {
        return bus_wire_bytes(w, e->bytes, (size_t) e->size);
}

/* Writes @r's wire bytes as ay (all zero if it cannot be encoded). */
bool service_append_record(BusWire *w, const RecordValue *r) {
        EncodedRecord e;

        service_encode_record(r, &e);
        return service_append_encoded(w, &e);
}

void service_send(Service *s, DBusMessage *msg, const char *what) {
        if (!msg || !dbus_connection_send(s->conn, msg, NULL))
                log_error("bus: sending %s failed: out of memory", what);
        if (msg)
                dbus_message_unref(msg);
}

/* The message written on s->wire, or NULL with @error set. */
static DBusMessage *wire_finish(Service *s, bool ok, DBusError *error) {
        if (!ok)
                s->wire.failed = true;
        return bus_wire_finish(&s->wire, error);
}

BusWire *service_signal_begin(Service *s, const char *path, const char *iface, const char *member,
                              const char *signature) {
        (void) bus_wire_signal(&s->wire, path, iface, member, signature);
        return &s->wire;
}

void service_signal_send(Service *s, bool ok, const char *what) {
        DBusMessage *msg;
        DBusError error;

        dbus_error_init(&error);
        msg = wire_finish(s, ok, &error);
        if (!msg) {
                log_error("bus: %s not sent: %s", what, error.message);
                dbus_error_free(&error);
                return;
        }
        service_send(s, msg, what);
}

/* Method handling. */

BusWire *service_reply_begin(Service *s, DBusMessage *m, const char *signature) {
        (void) bus_wire_method_return(&s->wire, dbus_message_get_serial(m), dbus_message_get_sender(m),
                                      signature);
        return &s->wire;
}

/* Out of memory: libdbus dispatches the call again later. A reply libdbus refuses is a bug
 * of ours: the caller gets an error rather than a retry that would fail alike. */
DBusHandlerResult service_reply_send(Service *s, DBusMessage *m, bool ok) {
        DBusHandlerResult result;
        DBusMessage *r;
        DBusError error;

        dbus_error_init(&error);
        r = wire_finish(s, ok, &error);
        if (r)
                return service_reply(s, r);
        if (dbus_error_has_name(&error, DBUS_ERROR_NO_MEMORY))
                result = DBUS_HANDLER_RESULT_NEED_MEMORY;
        else {
                log_error("bus: reply to %s not built: %s", dbus_message_get_member(m), error.message);
                result = service_reply_error(s, m, DBUS_ERROR_FAILED, "reply not built: %s", error.message);
        }
        dbus_error_free(&error);
        return result;
}

/* Method handling. */

DBusHandlerResult service_reply(Service *s, DBusMessage *reply_msg) {
        service_send(s, reply_msg, "a reply");
        return DBUS_HANDLER_RESULT_HANDLED;
}

DBusHandlerResult service_reply_error(Service *s, DBusMessage *m, const char *name, const char *fmt, ...) {
        char text[512];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(text, sizeof(text), fmt, ap);
        va_end(ap);
        /* The text quotes the caller's strings: cut where it was cut, at a character
         * boundary, or libdbus refuses the string (and aborts). */
        utf8_truncate(text);
        if (dbus_message_get_no_reply(m))
                return DBUS_HANDLER_RESULT_HANDLED;
        return service_reply(s, dbus_message_new_error(m, name, text));
}

/* Whether @m's arguments are exactly @signature; replies InvalidArgs otherwise. libdbus's
 * get_args() ignores trailing arguments, and a call with extra ones is not the call we
 * document. */
bool service_check_signature(Service *s, DBusMessage *m, const char *signature) {
        if (streq(dbus_message_get_signature(m), signature))
                return true;
        (void) service_reply_error(s, m, DBUS_ERROR_INVALID_ARGS, "expected arguments (%s), got (%s)",
                                   signature, dbus_message_get_signature(m));
        return false;
}

/* Reads the arguments of @m, basic types only, which must be exactly those given; or replies
 * InvalidArgs and returns false. */
bool service_get_args(Service *s, DBusMessage *m, int first_type, ...) {
        char signature[8] = "";
        DBusError error;
        va_list ap;
        size_t n = 0;
        bool ok;

        va_start(ap, first_type);
        for (int type = first_type; type != DBUS_TYPE_INVALID; type = va_arg(ap, int)) {
                assert(n + 1 < sizeof(signature));
                signature[n++] = (char) type;
                (void) va_arg(ap, void *);
        }
        va_end(ap);
        if (!service_check_signature(s, m, signature))
                return false;

        dbus_error_init(&error);
        va_start(ap, first_type);
        ok = dbus_message_get_args_valist(m, &error, first_type, ap);
        va_end(ap);
        if (!ok) {
                (void) service_reply_error(s, m, DBUS_ERROR_INVALID_ARGS, "%s", error.message);
                dbus_error_free(&error);
        }
        return ok;
}
