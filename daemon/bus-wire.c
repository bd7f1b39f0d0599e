/* SPDX-License-Identifier: MIT */
/* D-Bus messages written as bytes (see bus-wire.h); the format is the D-Bus specification's
 * "Message Protocol": native byte order, every value aligned to its size from the start of
 * the message, the header padded to 8 so the body is aligned alike */

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "bus-wire.h"
#include "macro.h"

#define HEADER_FIXED 16u                /* byte order, type, flags, version, body length,
                                         * serial, header fields' array length */
#define BODY_LENGTH_AT 4u
#define FIELDS_LENGTH_AT 12u

static bool fail(BusWire *w) {
        w->failed = true;
        return false;
}

/* Room for @n more bytes: the buffer grows by doubling, and is kept for the next message. */
static bool grow(BusWire *w, size_t n) {
        size_t want;
        uint8_t *p;

        if (w->failed)
                return false;
        if (n > DBUS_MAXIMUM_MESSAGE_LENGTH - w->size)
                return fail(w);
        want = w->allocated > 256 ? w->allocated * 2 : 512;
        if (want < w->size + n)
                want = w->size + n;
        p = realloc(w->data, want);
        if (!p)
                return fail(w);
        w->data = p;
        w->allocated = want;
        return true;
}

static inline bool reserve(BusWire *w, size_t n) {
        if (!w->failed && n <= w->allocated - w->size)
                return true;
        return grow(w, n);
}

static inline bool put(BusWire *w, const void *p, size_t n) {
        if (!reserve(w, n))
                return false;
        memcpy(w->data + w->size, p, n);
        w->size += n;
        return true;
}

static inline bool pad(BusWire *w, size_t align) {
        size_t n = (align - w->size % align) % align;

        if (!reserve(w, n))
                return false;
        memset(w->data + w->size, 0, n);
        w->size += n;
        return true;
}

/* The alignment of a value of the type that @signature starts with. */
static size_t alignment(char type) {
        switch (type) {
        case DBUS_TYPE_BYTE:
        case DBUS_TYPE_SIGNATURE:
        case DBUS_TYPE_VARIANT:
                return 1;
        case DBUS_TYPE_INT16:
        case DBUS_TYPE_UINT16:
                return 2;
        case DBUS_TYPE_INT64:
        case DBUS_TYPE_UINT64:
        case DBUS_TYPE_DOUBLE:
        case DBUS_STRUCT_BEGIN_CHAR:
        case DBUS_DICT_ENTRY_BEGIN_CHAR:
                return 8;
        default:                        /* boolean, int32, uint32, string, path, array, fd */
                return 4;
        }
}

/* A string, object path (u32 length) or signature (u8 length), with its terminating 0. */
static bool put_string(BusWire *w, int type, const char *s) {
        size_t n = strlen(s);

        if (type == DBUS_TYPE_SIGNATURE) {
                uint8_t len = (uint8_t) n;

                if (n > DBUS_MAXIMUM_SIGNATURE_LENGTH)
                        return fail(w);
                return put(w, &len, 1) && put(w, s, n + 1);
        }
        uint32_t len = (uint32_t) n;
        if (n > DBUS_MAXIMUM_MESSAGE_LENGTH)
                return fail(w);
        return pad(w, 4) && put(w, &len, 4) && put(w, s, n + 1);
}

bool bus_wire_basic(BusWire *w, int type, const void *value) {
        switch (type) {
        case DBUS_TYPE_STRING:
        case DBUS_TYPE_OBJECT_PATH:
        case DBUS_TYPE_SIGNATURE:
                return put_string(w, type, *(const char *const *) value);
        case DBUS_TYPE_BOOLEAN: {
                uint32_t b = *(const dbus_bool_t *) value != 0;
                return pad(w, 4) && put(w, &b, 4);
        }
        case DBUS_TYPE_BYTE:
                return put(w, value, 1);
        case DBUS_TYPE_INT16:
        case DBUS_TYPE_UINT16:
                return pad(w, 2) && put(w, value, 2);
        case DBUS_TYPE_INT32:
        case DBUS_TYPE_UINT32:
                return pad(w, 4) && put(w, value, 4);
        case DBUS_TYPE_INT64:
        case DBUS_TYPE_UINT64:
        case DBUS_TYPE_DOUBLE:
                return pad(w, 8) && put(w, value, 8);
        default:
                return fail(w);
        }
}

bool bus_wire_open(BusWire *w, int type, const char *contained, BusWireContainer *ret) {
        static const uint32_t length = 0;

        *ret = (BusWireContainer) { .type = type };
        assert(contained || type == DBUS_TYPE_STRUCT || type == DBUS_TYPE_DICT_ENTRY);
        switch (type) {
        case DBUS_TYPE_ARRAY:
                if (!pad(w, 4))
                        return false;
                ret->length_at = w->size;
                if (!put(w, &length, 4) || !pad(w, alignment(contained[0])))
                        return false;
                ret->start = w->size;
                return true;
        case DBUS_TYPE_STRUCT:
        case DBUS_TYPE_DICT_ENTRY:
                return pad(w, 8);
        case DBUS_TYPE_VARIANT:
                return put_string(w, DBUS_TYPE_SIGNATURE, contained);
        default:
                return fail(w);
        }
}

bool bus_wire_close(BusWire *w, const BusWireContainer *c) {
        uint32_t length;

        if (w->failed)
                return false;
        if (c->type != DBUS_TYPE_ARRAY)
                return true;
        if (w->size - c->start > DBUS_MAXIMUM_ARRAY_LENGTH)
                return fail(w);
        length = (uint32_t) (w->size - c->start);
        memcpy(w->data + c->length_at, &length, 4);
        return true;
}

bool bus_wire_bytes(BusWire *w, const uint8_t *bytes, size_t n) {
        BusWireContainer a;

        return bus_wire_open(w, DBUS_TYPE_ARRAY, "y", &a) && put(w, bytes, n) &&
               bus_wire_close(w, &a);
}

/* Header fields: each a (y, v) struct, so 8-aligned. */
static bool field_string(BusWire *w, uint8_t code, int type, const char *value) {
        const char signature[3] = { (char) type, 0 };

        return pad(w, 8) && put(w, &code, 1) && put_string(w, DBUS_TYPE_SIGNATURE, signature) &&
               put_string(w, type, value);
}

static bool field_u32(BusWire *w, uint8_t code, uint32_t value) {
        static const char signature[] = { 1, DBUS_TYPE_UINT32, 0 };

        return pad(w, 8) && put(w, &code, 1) && put(w, signature, sizeof(signature)) &&
               pad(w, 4) && put(w, &value, 4);
}

/* The fixed part of a header; serial 1, as a message must have one to be read back. */
static bool begin(BusWire *w, uint8_t type, uint8_t flags) {
        const uint8_t fixed[HEADER_FIXED] = {
                __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? DBUS_LITTLE_ENDIAN : DBUS_BIG_ENDIAN,
                type, flags, DBUS_MAJOR_PROTOCOL_VERSION,
        };
        const uint32_t serial = 1;

        w->size = w->body = 0;
        w->failed = false;
        if (!put(w, fixed, sizeof(fixed)))
                return false;
        memcpy(w->data + 8, &serial, 4);
        return true;
}

/* Ends the header fields' array (its length excludes the padding that follows). */
static bool end_header(BusWire *w, const char *signature) {
        uint32_t length;

        if (*signature && !field_string(w, DBUS_HEADER_FIELD_SIGNATURE, DBUS_TYPE_SIGNATURE, signature))
                return false;
        length = (uint32_t) (w->size - HEADER_FIXED);
        memcpy(w->data + FIELDS_LENGTH_AT, &length, 4);
        if (!pad(w, 8))
                return false;
        w->body = w->size;
        return true;
}

/* Fields in the order libdbus writes them, so that a message reads the same either way. */
bool bus_wire_signal(BusWire *w, const char *path, const char *interface, const char *member,
                     const char *signature) {
        return begin(w, DBUS_MESSAGE_TYPE_SIGNAL, DBUS_HEADER_FLAG_NO_REPLY_EXPECTED) &&
               field_string(w, DBUS_HEADER_FIELD_PATH, DBUS_TYPE_OBJECT_PATH, path) &&
               field_string(w, DBUS_HEADER_FIELD_INTERFACE, DBUS_TYPE_STRING, interface) &&
               field_string(w, DBUS_HEADER_FIELD_MEMBER, DBUS_TYPE_STRING, member) &&
               end_header(w, signature);
}

bool bus_wire_method_return(BusWire *w, uint32_t reply_serial, const char *destination,
                            const char *signature) {
        return begin(w, DBUS_MESSAGE_TYPE_METHOD_RETURN, DBUS_HEADER_FLAG_NO_REPLY_EXPECTED) &&
               (!destination || field_string(w, DBUS_HEADER_FIELD_DESTINATION, DBUS_TYPE_STRING, destination)) &&
               field_u32(w, DBUS_HEADER_FIELD_REPLY_SERIAL, reply_serial) &&
               end_header(w, signature);
}

DBusMessage *bus_wire_finish(BusWire *w, DBusError *error) {
        DBusMessage *m;
        uint32_t body;

        if (w->failed || w->body == 0) {
                dbus_set_error_const(error, DBUS_ERROR_NO_MEMORY, "out of memory, or too large");
                return NULL;
        }
        body = (uint32_t) (w->size - w->body);
        memcpy(w->data + BODY_LENGTH_AT, &body, 4);
        m = dbus_message_demarshal((const char *) w->data, (int) w->size, error);
        if (m)
                dbus_message_set_serial(m, 0);
        return m;
}

void bus_wire_done(BusWire *w) {
        free(w->data);
        *w = (BusWire) { 0 };
}
