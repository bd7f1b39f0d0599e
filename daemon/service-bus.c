/* SPDX-License-Identifier: MIT */
/* The service's D-Bus helpers: marshalling, sending, replies and argument checks, shared by
 * every object file; they call nothing else of the service */

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

/* Marshalling helpers: each returns false on out-of-memory. */

bool service_append_basic(DBusMessageIter *v, int type, const void *value) {
        return dbus_message_iter_append_basic(v, type, value);
}

bool service_append_strv(DBusMessageIter *it, char *const *strv) {
        DBusMessageIter a;

        if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "s", &a))
                return false;
        for (size_t i = 0; strv && strv[i]; i++)
                if (!dbus_message_iter_append_basic(&a, DBUS_TYPE_STRING, &strv[i]))
                        return false;
        return dbus_message_iter_close_container(it, &a);
}

/* Encodes @r's wire bytes into @ret (all zero if it cannot be encoded). */
void service_encode_record(const RecordValue *r, EncodedRecord *ret) {
        ret->size = r->schema->size;
        if (schema_encode(r, ret->bytes, (size_t) ret->size, NULL) < 0)
                memset(ret->bytes, 0, (size_t) ret->size);
}

/* Appends bytes encoded before as ay, in one fixed-array append. */
bool service_append_encoded(DBusMessageIter *it, const EncodedRecord *e) {
        const uint8_t *bytes = e->bytes;
        DBusMessageIter a;

        return dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "y", &a) &&
               dbus_message_iter_append_fixed_array(&a, DBUS_TYPE_BYTE, &bytes, e->size) &&
               dbus_message_iter_close_container(it, &a);
}

/* Appends @r's wire bytes as ay (all zero if it cannot be encoded). */
bool service_append_record(DBusMessageIter *it, const RecordValue *r) {
        EncodedRecord e;

        service_encode_record(r, &e);
        return service_append_encoded(it, &e);
}

void service_send(Service *s, DBusMessage *msg, const char *what) {
        if (!msg || !dbus_connection_send(s->conn, msg, NULL))
                log_error("bus: sending %s failed: out of memory", what);
        if (msg)
                dbus_message_unref(msg);
}

/* Signals. libdbus rewrites the signature header field after each top-level argument, and
 * each rewrite re-marshals every header field from the first one on: on a message made by
 * dbus_message_new_signal() the path, interface and member come first and are walked again
 * each time. So a signal is made bare, its arguments appended while the signature is its only
 * header field, and the other fields added last (about a third less work for a
 * StatusIndication). The fields on the wire are the same, in another order, which D-Bus
 * leaves free. */

/* A new signal message with no header fields yet (NULL on out-of-memory); append its
 * arguments, then hand it to service_send_signal(). Flagged NO_REPLY_EXPECTED, as
 * dbus_message_new_signal() does. */
DBusMessage *service_signal_new(void) {
        DBusMessage *msg = dbus_message_new(DBUS_MESSAGE_TYPE_SIGNAL);

        if (msg)
                dbus_message_set_no_reply(msg, TRUE);
        return msg;
}

/* Sets @msg's path, interface and member, then sends it; takes ownership of @msg (NULL: out
 * of memory before, which is logged). */
void service_send_signal(Service *s, DBusMessage *msg, const char *path, const char *iface,
                         const char *member) {
        if (msg && !(dbus_message_set_path(msg, path) && dbus_message_set_interface(msg, iface) &&
                     dbus_message_set_member(msg, member))) {
                dbus_message_unref(msg);
                msg = NULL;
        }
        service_send(s, msg, member);
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


/* Starts the reply to @m, a call that takes no arguments. NULL, with what to return in
 * @ret_result, when it was answered already (wrong arguments) or memory ran out. */
DBusMessage *service_begin_reply(Service *s, DBusMessage *m, DBusMessageIter *it,
                                 DBusHandlerResult *ret_result) {
        DBusMessage *r;

        if (!service_get_args(s, m, DBUS_TYPE_INVALID)) {
                *ret_result = DBUS_HANDLER_RESULT_HANDLED;
                return NULL;
        }
        r = dbus_message_new_method_return(m);
        if (!r) {
                *ret_result = DBUS_HANDLER_RESULT_NEED_MEMORY;
                return NULL;
        }
        dbus_message_iter_init_append(r, it);
        return r;
}
