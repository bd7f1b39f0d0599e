/* SPDX-License-Identifier: MIT */
/* D-Bus messages written as bytes: the service's signals and property replies
 *
 * libdbus builds a message through iterators, and re-marshals the header for every header
 * field it sets and after every top-level argument (the signature field): 37% of the daemon's
 * instructions per event went there (issue 24). A BusWire writes the same message straight
 * into one buffer, header first (its signature is known before the body), in the byte order
 * and field order libdbus uses; bus_wire_finish() hands the bytes to dbus_message_demarshal(),
 * which validates the whole message, so nothing malformed can reach the bus. The calls mirror
 * libdbus's: bus_wire_basic() is dbus_message_iter_append_basic(), bus_wire_open()/close()
 * open and close a container. The caller writes what the signature says, in order.
 */
#pragma once

#include <dbus/dbus.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct BusWire {
        uint8_t *data;                  /* owned; kept between messages */
        size_t size, allocated;
        size_t body;                    /* where the body starts, once the header is written */
        bool failed;                    /* out of memory or a value D-Bus cannot carry: every
                                         * later call is a no-op returning false */
} BusWire;

/* An open container. */
typedef struct BusWireContainer {
        int type;                       /* DBUS_TYPE_ARRAY, _STRUCT, _DICT_ENTRY or _VARIANT */
        size_t length_at;               /* an array: where its u32 length is */
        size_t start;                   /* an array: where its first element is */
} BusWireContainer;

/* Start a message (the buffer of the last one is reused): a signal, flagged
 * NO_REPLY_EXPECTED as dbus_message_new_signal() does, or the reply to a call of serial
 * @reply_serial from @destination (NULL: none, on a peer connection). @signature is the whole
 * body's. False on out-of-memory. */
bool bus_wire_signal(BusWire *w, const char *path, const char *interface, const char *member,
                     const char *signature);
bool bus_wire_method_return(BusWire *w, uint32_t reply_serial, const char *destination,
                            const char *signature);

/* One basic value, @value pointing to it as for dbus_message_iter_append_basic(). */
bool bus_wire_basic(BusWire *w, int type, const void *value);
/* An array of bytes, whole (ay). */
bool bus_wire_bytes(BusWire *w, const uint8_t *bytes, size_t n);
/* A container: an array of elements of signature @contained, a variant holding one value of
 * signature @contained, or a struct or dict entry (@contained NULL). */
bool bus_wire_open(BusWire *w, int type, const char *contained, BusWireContainer *ret);
bool bus_wire_close(BusWire *w, const BusWireContainer *c);

/* The message, validated by libdbus, with serial 0 so that the connection numbers it when
 * it sends it; NULL, with @error set, when memory ran out or libdbus refused it. */
DBusMessage *bus_wire_finish(BusWire *w, DBusError *error);

void bus_wire_done(BusWire *w);
