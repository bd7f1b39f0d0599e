/* SPDX-License-Identifier: MIT */
/* What the service's files share: the Service, objects, and the tables each object declares */
#pragma once

#include <dbus/dbus.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

#include "bus-path.h"
#include "bus-wire.h"
#include "macro.h"
#include "schema.h"
#include "service.h"

typedef struct DBusLoop DBusLoop;

struct Service {
        const Model *model;             /* borrowed: the published state is read from it */
        const ServiceActions *actions;  /* borrowed */
        void *userdata;
        DBusConnection *conn;           /* owned */
        DBusLoop *loop;                 /* owned */
        char instance_id[33];
        char *bus;                      /* owned: the bus as given, for messages */
        uint32_t coalesce_ms;
        /* Where every signal and table-built reply is written (bus-wire.h): one message at a
         * time, each sent before the next begins, in a buffer kept between them. */
        BusWire wire;
        /* The name is owned. Until then nothing is emitted: no client can address the daemon
         * or match its signals by name yet, and each fetches the whole state once it can. */
        bool named;
};

typedef enum ObjectType { OBJECT_ROOT, OBJECT_MUX_DIR, OBJECT_NIC_DIR, OBJECT_MUX, OBJECT_NIC } ObjectType;

typedef struct ServiceInterface ServiceInterface;

/* A record's wire bytes, encoded once per emission: the PropertiesChanged (or
 * InterfacesAdded) and the StatusIndication of one emission carry the same bytes. Size 0:
 * not encoded. */
typedef struct EncodedRecord {
        uint8_t bytes[SCHEMA_SIZE_MAX];
        int size;
} EncodedRecord;

#define SERVICE_MUX_RECORDS 4           /* a MUX's published records, in indication order */

typedef struct Object {
        ObjectType type;
        const ServiceInterface *interface;      /* its own interface; NULL for the directories */
        const Mux *mux;                 /* borrowed */
        const Nic *nic;                 /* borrowed */
        const EncodedRecord *encoded;   /* borrowed: during a MUX's emission, its
                                         * SERVICE_MUX_RECORDS records; else NULL */
} Object;

/* How a property's change reaches PropertiesChanged: its EmitsChangedSignal annotation. */
typedef enum ServiceEmits {
        EMITS_VALUE,                    /* "true" (the default): the new value, in changed */
        EMITS_INVALIDATES,              /* "invalidates": the name only, in invalidated; for
                                         * values that grow with the model (a MUX's Members) */
        EMITS_CONST,                    /* "const": never changes */
        _EMITS_MAX,
        _EMITS_INVALID = -EINVAL,
} ServiceEmits;

const char *service_emits_to_string(ServiceEmits e);

/* One property of an interface: a row read by Get, GetAll, PropertiesChanged,
 * InterfacesAdded, GetManagedObjects and Introspect alike. A row with record_fields set stands
 * for one typed property per field of the object's hardware record (the schema's rows, with
 * their D-Bus names and types). */
typedef struct ServiceProperty {
        const char *name;
        const char *signature;
        unsigned changed;               /* CHANGED_* bits that put it in PropertiesChanged */
        ServiceEmits emits;
        bool record_fields;
        /* Writes the value into the open variant; false on out-of-memory. */
        bool (*append)(const Service *s, const Object *o, BusWire *w);
} ServiceProperty;

typedef DBusHandlerResult (*ServiceMethodHandler)(Service *s, const Object *o, DBusMessage *m);

typedef struct ServiceMethod {
        const char *name;
        ServiceMethodHandler handle;
} ServiceMethod;

struct ServiceInterface {
        const char *name;
        const ServiceProperty *properties;      /* ends with a row whose name is NULL and
                                                 * record_fields false */
        const ServiceMethod *methods;           /* ends with a NULL name */
        const char *introspection;              /* the methods and signals, as XML */
        /* For record_fields rows: the object's hardware record, a NIC's decoded into @buf. */
        const RecordValue *(*hardware)(const Object *o, RecordValue *buf);
};

extern const ServiceInterface service_manager_interface;
extern const ServiceInterface service_mux_interface;
extern const ServiceInterface service_nic_interface;

static inline void dbus_message_unrefp(DBusMessage **m) {
        if (*m)
                dbus_message_unref(*m);
}
#define _cleanup_message_ _cleanup_(dbus_message_unrefp)

/* service-bus.c: writing, sending and reply helpers, for every file of the service. */
bool service_check_signature(Service *s, DBusMessage *m, const char *signature);
bool service_append_strv(BusWire *w, char *const *strv);
bool service_append_record(BusWire *w, const RecordValue *r);
void service_encode_record(const RecordValue *r, EncodedRecord *ret);
bool service_append_encoded(BusWire *w, const EncodedRecord *e);
bool service_get_args(Service *s, DBusMessage *m, int first_type, ...);
DBusHandlerResult service_reply(Service *s, DBusMessage *reply_msg);
DBusHandlerResult service_reply_error(Service *s, DBusMessage *m, const char *name,
                                      const char *fmt, ...) _printf_(4, 5);
void service_send(Service *s, DBusMessage *msg, const char *what);
/* A signal or a reply written on s->wire: begin, write what @signature says, then send;
 * @ok false (a write or a value failed) sends nothing. */
BusWire *service_signal_begin(Service *s, const char *path, const char *iface, const char *member,
                              const char *signature);
void service_signal_send(Service *s, bool ok, const char *what);
BusWire *service_reply_begin(Service *s, DBusMessage *m, const char *signature);
DBusHandlerResult service_reply_send(Service *s, DBusMessage *m, bool ok);
int service_object_path(const Object *o, char **ret);

/* service-properties.c: Properties and ObjectManager over the tables. */
bool service_append_properties(const Service *s, const Object *o, unsigned changed, BusWire *w);
bool service_append_invalidated(const Object *o, unsigned changed, BusWire *w);
bool service_append_interfaces(const Service *s, const Object *o, BusWire *w);
DBusHandlerResult service_handle_properties(Service *s, const Object *o, DBusMessage *m);

/* service-access.c: the methods the interface XML says are root's only, and the call of one:
 * once the bus says the caller is root, @run (the dispatcher's: the object may have gone
 * meanwhile) runs @handle on @m's object; any other caller gets AccessDenied. */
typedef void (*ServiceRunChecked)(Service *s, DBusMessage *m, ServiceMethodHandler handle);
bool service_method_privileged(const char *iface, const char *member);
DBusHandlerResult service_call_as_root(Service *s, DBusMessage *m, ServiceMethodHandler handle,
                                       ServiceRunChecked run);

/* service-introspect.c */
DBusHandlerResult service_handle_introspect(Service *s, const Object *o, DBusMessage *m);
int service_write_interface(FILE *f, const ServiceInterface *iface, const RecordSchema *schema);

/* service-mux.c: the records @changed touches, encoded in indication order (the others get
 * size 0); then one StatusIndication per record @changed touches, in SPEC 12's order, with
 * the bytes from @encoded. */
void service_mux_encode(const Mux *x, unsigned changed, EncodedRecord ret[static SERVICE_MUX_RECORDS]);
void service_mux_emit_status(Service *s, const Mux *x, const char *path, unsigned changed,
                             const EncodedRecord encoded[static SERVICE_MUX_RECORDS]);
