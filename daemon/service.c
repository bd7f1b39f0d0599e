/* SPDX-License-Identifier: MIT */
/* D-Bus service (SPEC 5): root with Manager + ObjectManager, one object per MUX and per NIC.
 * It reads the model's published state and never the kernel. */

#include <assert.h>
#include <dbus/dbus.h>
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "build-config.h"
#include "dbus-loop.h"
#include "introspection.h"
#include "field.h"
#include "log.h"
#include "manager.h"
#include "mux.h"
#include "nic.h"
#include "schemas.h"
#include "service.h"
#include "utf8.h"

#define BUS_NAME "org.muxcap.MuxCap1"
#define ROOT_PATH "/org/muxcap/MuxCap1"
#define MUX_PREFIX ROOT_PATH "/mux"
#define NIC_PREFIX ROOT_PATH "/nic"
#define IFACE_MANAGER "org.muxcap.MuxCap1.Manager"
#define IFACE_MUX "org.muxcap.MuxCap1.Mux"
#define IFACE_NIC "org.muxcap.MuxCap1.Nic"
#define IFACE_PROPERTIES "org.freedesktop.DBus.Properties"
#define IFACE_OBJECT_MANAGER "org.freedesktop.DBus.ObjectManager"
#define IFACE_INTROSPECTABLE "org.freedesktop.DBus.Introspectable"
#define ERROR_NO_SUCH_MUX "org.muxcap.MuxCap1.Error.NoSuchMux"
#define ERROR_NO_SUCH_NIC "org.muxcap.MuxCap1.Error.NoSuchNic"
#define ERROR_BAD_CONFIG "org.muxcap.MuxCap1.Error.BadConfig"

struct Service {
        Manager *manager;               /* borrowed: owns this */
        DBusConnection *conn;           /* owned */
        DBusLoop *loop;                 /* owned */
};

typedef enum ObjectType { OBJECT_ROOT, OBJECT_MUX_DIR, OBJECT_NIC_DIR, OBJECT_MUX, OBJECT_NIC } ObjectType;

typedef struct Object {
        ObjectType type;
        Mux *mux;                       /* borrowed */
        Nic *nic;                       /* borrowed */
} Object;

/* Escapes @name into @prefix/<escaped>: each byte outside [A-Za-z0-9] becomes '_' and two
 * lowercase hex digits; the empty name is "_". */
int object_path_escape(const char *prefix, const char *name, char **ret) {
        size_t plen = strlen(prefix), n = strlen(name);
        char *p = malloc(plen + 1 + 3 * n + 2), *q;

        if (!p)
                return -ENOMEM;
        memcpy(p, prefix, plen);
        q = p + plen;
        *q++ = '/';
        if (n == 0)
                *q++ = '_';
        for (const unsigned char *s = (const unsigned char *) name; *s; s++) {
                if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9'))
                        *q++ = (char) *s;
                else
                        q += sprintf(q, "_%02x", *s);
        }
        *q = '\0';
        *ret = p;
        return 0;
}

static int unhex(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        return -1;
}

/* The inverse of the escaping: -EINVAL for anything escaping could not have produced. */
int object_path_unescape(const char *escaped, char **ret) {
        size_t n = strlen(escaped);
        char *out, *q;

        if (streq(escaped, "_")) {
                out = strdup("");
                if (!out)
                        return -ENOMEM;
                *ret = out;
                return 0;
        }
        out = malloc(n + 1);
        if (!out)
                return -ENOMEM;
        for (q = out; *escaped; escaped++) {
                if (*escaped == '_') {
                        int hi = unhex(escaped[1]), lo = hi >= 0 ? unhex(escaped[2]) : -1;
                        unsigned char c = lo >= 0 ? (unsigned char) (hi << 4 | lo) : 0;
                        if (c == 0 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9')) {
                                free(out);
                                return -EINVAL;
                        }
                        *q++ = (char) c;
                        escaped += 2;
                } else
                        *q++ = *escaped;
        }
        *q = '\0';
        if (q == out) {
                free(out);
                return -EINVAL;
        }
        *ret = out;
        return 0;
}

/* Resolves @path to an object; false when nothing lives there. */
static bool object_find(Service *s, const char *path, Object *ret) {
        _cleanup_free_ char *name = NULL;
        const char *rest;

        if (streq(path, ROOT_PATH)) {
                *ret = (Object) { .type = OBJECT_ROOT };
                return true;
        }
        if (streq(path, MUX_PREFIX)) {
                *ret = (Object) { .type = OBJECT_MUX_DIR };
                return true;
        }
        if (streq(path, NIC_PREFIX)) {
                *ret = (Object) { .type = OBJECT_NIC_DIR };
                return true;
        }
        if (strncmp(path, MUX_PREFIX "/", strlen(MUX_PREFIX "/")) == 0) {
                Mux *x;
                rest = path + strlen(MUX_PREFIX "/");
                if (object_path_unescape(rest, &name) < 0)
                        return false;
                x = manager_find_mux(s->manager, name);
                if (!x || !x->published)
                        return false;
                *ret = (Object) { .type = OBJECT_MUX, .mux = x };
                return true;
        }
        if (strncmp(path, NIC_PREFIX "/", strlen(NIC_PREFIX "/")) == 0) {
                Nic *n;
                rest = path + strlen(NIC_PREFIX "/");
                if (object_path_unescape(rest, &name) < 0)
                        return false;
                n = manager_find_nic_by_name(s->manager, name);
                if (!n)
                        return false;
                *ret = (Object) { .type = OBJECT_NIC, .nic = n };
                return true;
        }
        return false;
}

/* Marshalling helpers: each returns false on out-of-memory. */

static bool append_variant_basic(DBusMessageIter *it, int type, const void *value) {
        char sig[2] = { (char) type, 0 };
        DBusMessageIter v;

        return dbus_message_iter_open_container(it, DBUS_TYPE_VARIANT, sig, &v) &&
               dbus_message_iter_append_basic(&v, type, value) &&
               dbus_message_iter_close_container(it, &v);
}

static bool append_bytes(DBusMessageIter *it, const uint8_t *bytes, int n) {
        DBusMessageIter a;

        return dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "y", &a) &&
               dbus_message_iter_append_fixed_array(&a, DBUS_TYPE_BYTE, &bytes, n) &&
               dbus_message_iter_close_container(it, &a);
}

static bool append_record_bytes(DBusMessageIter *it, const RecordValue *r) {
        uint8_t buf[SCHEMA_SIZE_MAX];
        size_t n = r->schema->size;

        if (schema_encode(r, buf, n, NULL) < 0)
                memset(buf, 0, n);
        return append_bytes(it, buf, n);
}

static bool append_strv(DBusMessageIter *it, char *const *v) {
        DBusMessageIter a;

        if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "s", &a))
                return false;
        for (size_t i = 0; v && v[i]; i++)
                if (!dbus_message_iter_append_basic(&a, DBUS_TYPE_STRING, &v[i]))
                        return false;
        return dbus_message_iter_close_container(it, &a);
}

/* Appends the value of property @name of @o as a variant. Returns 0, -ENOENT for an unknown
 * property, -ENOMEM. */
static int append_property(Service *s, const Object *o, const char *name, DBusMessageIter *it) {
        const RecordValue *hw = NULL, *cur = NULL;
        DBusMessageIter v;
        Field f;

        if (o->type == OBJECT_ROOT) {
                const char *str;
                if (streq(name, "Version")) {
                        str = MUXCAP_VERSION;
                        return append_variant_basic(it, DBUS_TYPE_STRING, &str) ? 0 : -ENOMEM;
                }
                if (streq(name, "InstanceId")) {
                        str = s->manager->instance_id;
                        return append_variant_basic(it, DBUS_TYPE_STRING, &str) ? 0 : -ENOMEM;
                }
                if (streq(name, "CoalesceMs")) {
                        dbus_uint32_t u = s->manager->coalesce_ms;
                        return append_variant_basic(it, DBUS_TYPE_UINT32, &u) ? 0 : -ENOMEM;
                }
                return -ENOENT;
        }

        if (o->type == OBJECT_MUX) {
                const Mux *x = o->mux;
                hw = &x->pub_hw;
                cur = &x->pub_cur;
                if (streq(name, "Name"))
                        return append_variant_basic(it, DBUS_TYPE_STRING, &x->name) ? 0 : -ENOMEM;
                if (streq(name, "Kind"))
                        return append_variant_basic(it, DBUS_TYPE_STRING, &x->kind) ? 0 : -ENOMEM;
                if (streq(name, "IfIndex")) {
                        dbus_int32_t i = x->ifindex;
                        return append_variant_basic(it, DBUS_TYPE_INT32, &i) ? 0 : -ENOMEM;
                }
                if (streq(name, "Members"))
                        return dbus_message_iter_open_container(it, DBUS_TYPE_VARIANT, "as", &v) &&
                                       append_strv(&v, x->pub_members) &&
                                       dbus_message_iter_close_container(it, &v) ? 0 : -ENOMEM;
                if (streq(name, "CapacityPolicy")) {
                        const char *p = capacity_policy_to_string(x->pub_policy);
                        return append_variant_basic(it, DBUS_TYPE_STRING, &p) ? 0 : -ENOMEM;
                }
                if (streq(name, "Generation")) {
                        dbus_uint64_t g = x->generation;
                        return append_variant_basic(it, DBUS_TYPE_UINT64, &g) ? 0 : -ENOMEM;
                }
        } else if (o->type == OBJECT_NIC) {
                const Nic *n = o->nic;
                const char *str;
                hw = &n->pub_hw;
                cur = &n->pub_cur;
                if (streq(name, "Name"))
                        return append_variant_basic(it, DBUS_TYPE_STRING, &n->pub_name) ? 0 : -ENOMEM;
                if (streq(name, "IfIndex")) {
                        dbus_int32_t i = n->ifindex;
                        return append_variant_basic(it, DBUS_TYPE_INT32, &i) ? 0 : -ENOMEM;
                }
                if (streq(name, "Driver")) {
                        str = n->pub_driver;
                        return append_variant_basic(it, DBUS_TYPE_STRING, &str) ? 0 : -ENOMEM;
                }
                if (streq(name, "Muxes"))
                        return dbus_message_iter_open_container(it, DBUS_TYPE_VARIANT, "as", &v) &&
                                       append_strv(&v, n->pub_muxes) &&
                                       dbus_message_iter_close_container(it, &v) ? 0 : -ENOMEM;
                if (streq(name, "Sources")) {
                        DBusMessageIter a, e;
                        if (!dbus_message_iter_open_container(it, DBUS_TYPE_VARIANT, "a{ss}", &v) ||
                            !dbus_message_iter_open_container(&v, DBUS_TYPE_ARRAY, "{ss}", &a))
                                return -ENOMEM;
                        for (Field k = 0; k < _FIELD_MAX; k++) {
                                const char *key = field_to_name(k), *val = source_to_string(n->hw_src[k]);
                                if (!dbus_message_iter_open_container(&a, DBUS_TYPE_DICT_ENTRY, NULL, &e) ||
                                    !dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &key) ||
                                    !dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &val) ||
                                    !dbus_message_iter_close_container(&a, &e))
                                        return -ENOMEM;
                        }
                        return dbus_message_iter_close_container(&v, &a) &&
                                       dbus_message_iter_close_container(it, &v) ? 0 : -ENOMEM;
                }
        } else
                return -ENOENT;

        if (streq(name, "HardwareCapabilities") || streq(name, "CurrentConfig"))
                return dbus_message_iter_open_container(it, DBUS_TYPE_VARIANT, "ay", &v) &&
                               append_record_bytes(&v, streq(name, "CurrentConfig") ? cur : hw) &&
                               dbus_message_iter_close_container(it, &v) ? 0 : -ENOMEM;
        if (streq(name, "ChimneyCapable")) {
                dbus_bool_t b = value_chimney_capable(hw);
                return append_variant_basic(it, DBUS_TYPE_BOOLEAN, &b) ? 0 : -ENOMEM;
        }
        f = field_from_name(name);
        if (f < 0)
                return -ENOENT;
        if (streq(hw->schema->fields[f].dbus_type, "y")) {
                uint8_t y = (uint8_t) value_get(hw, (size_t) f);
                return append_variant_basic(it, DBUS_TYPE_BYTE, &y) ? 0 : -ENOMEM;
        } else {
                dbus_uint32_t u = value_get(hw, (size_t) f);
                return append_variant_basic(it, DBUS_TYPE_UINT32, &u) ? 0 : -ENOMEM;
        }
}

static const char *const manager_properties[] = { "Version", "InstanceId", "CoalesceMs", NULL };
static const char *const mux_properties[] = {
        "Name", "Kind", "IfIndex", "Members", "CapacityPolicy", "Generation",
        "HardwareCapabilities", "CurrentConfig", "Encapsulation", "SupportIPv4", "SupportIPv6",
        "SupportIPv6ExtensionHeaders", "SupportSack", "CongestionAlgorithm",
        "TcpConnectionOffloadCapacity", "Flags", "ChimneyCapable", NULL,
};
static const char *const nic_properties[] = {
        "Name", "IfIndex", "Driver", "Muxes", "HardwareCapabilities", "CurrentConfig",
        "Encapsulation", "SupportIPv4", "SupportIPv6", "SupportIPv6ExtensionHeaders",
        "SupportSack", "CongestionAlgorithm", "TcpConnectionOffloadCapacity", "Flags",
        "ChimneyCapable", "Sources", NULL,
};

static const char *object_interface(const Object *o) {
        switch (o->type) {
        case OBJECT_ROOT:
                return IFACE_MANAGER;
        case OBJECT_MUX:
                return IFACE_MUX;
        case OBJECT_NIC:
                return IFACE_NIC;
        default:
                return NULL;
        }
}

static const char *const *object_properties(const Object *o) {
        switch (o->type) {
        case OBJECT_ROOT:
                return manager_properties;
        case OBJECT_MUX:
                return mux_properties;
        case OBJECT_NIC:
                return nic_properties;
        default:
                return NULL;
        }
}

/* Appends a{sv} of the properties named in @names (NULL: all) of @o. */
static bool append_properties(Service *s, const Object *o, const char *const *names, DBusMessageIter *it) {
        const char *const *all = object_properties(o);
        DBusMessageIter a, e;

        if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "{sv}", &a))
                return false;
        for (size_t i = 0; all && (names ? names[i] : all[i]); i++) {
                const char *name = names ? names[i] : all[i];
                if (!dbus_message_iter_open_container(&a, DBUS_TYPE_DICT_ENTRY, NULL, &e) ||
                    !dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &name) ||
                    append_property(s, o, name, &e) < 0 ||
                    !dbus_message_iter_close_container(&a, &e))
                        return false;
        }
        return dbus_message_iter_close_container(it, &a);
}

/* Appends {s: a{sv}} for @o's own interface: the value of InterfacesAdded and of one
 * GetManagedObjects entry. */
static bool append_interfaces(Service *s, const Object *o, DBusMessageIter *it) {
        const char *iface = object_interface(o);
        DBusMessageIter a, e;

        return dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "{sa{sv}}", &a) &&
               dbus_message_iter_open_container(&a, DBUS_TYPE_DICT_ENTRY, NULL, &e) &&
               dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &iface) &&
               append_properties(s, o, NULL, &e) &&
               dbus_message_iter_close_container(&a, &e) &&
               dbus_message_iter_close_container(it, &a);
}

static void send_or_log(Service *s, DBusMessage *msg, const char *what) {
        if (!msg || !dbus_connection_send(s->conn, msg, NULL))
                log_error("bus: sending %s failed: out of memory", what);
        if (msg)
                dbus_message_unref(msg);
}

static int object_path(const Object *o, char **ret) {
        if (o->type == OBJECT_MUX)
                return object_path_escape(MUX_PREFIX, o->mux->name, ret);
        return object_path_escape(NIC_PREFIX, o->nic->pub_name, ret);
}

/* A new ObjectManager signal @member on the root, its first argument @o's path; NULL when out
 * of memory. */
static DBusMessage *object_manager_signal(const Object *o, const char *member, DBusMessageIter *it) {
        _cleanup_free_ char *path = NULL;
        DBusMessage *msg;

        if (object_path(o, &path) < 0)
                return NULL;
        msg = dbus_message_new_signal(ROOT_PATH, IFACE_OBJECT_MANAGER, member);
        if (!msg)
                return NULL;
        dbus_message_iter_init_append(msg, it);
        if (!dbus_message_iter_append_basic(it, DBUS_TYPE_OBJECT_PATH, &path)) {
                dbus_message_unref(msg);
                return NULL;
        }
        return msg;
}

static void emit_interfaces_added(Service *s, const Object *o) {
        DBusMessageIter it;
        DBusMessage *msg = object_manager_signal(o, "InterfacesAdded", &it);

        if (msg && !append_interfaces(s, o, &it)) {
                dbus_message_unref(msg);
                msg = NULL;
        }
        send_or_log(s, msg, "InterfacesAdded");
}

static void emit_interfaces_removed(Service *s, const Object *o) {
        const char *const ifaces[] = { object_interface(o), NULL };
        DBusMessageIter it;
        DBusMessage *msg = object_manager_signal(o, "InterfacesRemoved", &it);

        if (msg && !append_strv(&it, (char *const *) ifaces)) {
                dbus_message_unref(msg);
                msg = NULL;
        }
        send_or_log(s, msg, "InterfacesRemoved");
}

static void emit_properties_changed(Service *s, const Object *o, const char *path,
                                    const char *const *names) {
        const char *iface = object_interface(o);
        DBusMessageIter it, a;
        DBusMessage *msg;

        msg = dbus_message_new_signal(path, IFACE_PROPERTIES, "PropertiesChanged");
        if (msg) {
                dbus_message_iter_init_append(msg, &it);
                if (!dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &iface) ||
                    !append_properties(s, o, names, &it) ||
                    !dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "s", &a) ||
                    !dbus_message_iter_close_container(&it, &a)) {
                        dbus_message_unref(msg);
                        msg = NULL;
                }
        }
        send_or_log(s, msg, "PropertiesChanged");
}

static void emit_status_indication(Service *s, const char *path, uint32_t code, uint64_t generation,
                                   const RecordValue *r) {
        dbus_uint32_t c = code;
        dbus_uint64_t g = generation;
        DBusMessageIter it;
        DBusMessage *msg;

        msg = dbus_message_new_signal(path, IFACE_MUX, "StatusIndication");
        if (msg) {
                dbus_message_iter_init_append(msg, &it);
                if (!dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT32, &c) ||
                    !dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT64, &g) ||
                    !append_record_bytes(&it, r)) {
                        dbus_message_unref(msg);
                        msg = NULL;
                }
        }
        send_or_log(s, msg, "StatusIndication");
}

/* Collects the names of properties touched by @changed into @names (room for 32). */
static void changed_names(unsigned changed, bool mux, const char **names) {
        size_t n = 0;

        if (changed & CHANGED_MEMBERS)
                names[n++] = mux ? "Members" : "Muxes";
        if (changed & CHANGED_POLICY)
                names[n++] = "CapacityPolicy";
        if (changed & CHANGED_DRIVER)
                names[n++] = "Driver";
        if (changed & CHANGED_GENERATION)
                names[n++] = "Generation";
        if (changed & CHANGED_HW) {
                names[n++] = "HardwareCapabilities";
                for (Field f = 0; f < _FIELD_MAX; f++)
                        names[n++] = field_to_name(f);
                names[n++] = "ChimneyCapable";
                if (!mux)
                        names[n++] = "Sources";
        }
        if (changed & CHANGED_CUR)
                names[n++] = "CurrentConfig";
        names[n] = NULL;
}

void service_nic_added(Service *s, const Nic *n) {
        Object o = { .type = OBJECT_NIC, .nic = (Nic *) n };

        emit_interfaces_added(s, &o);
}

void service_nic_removed(Service *s, const Nic *n) {
        Object o = { .type = OBJECT_NIC, .nic = (Nic *) n };

        emit_interfaces_removed(s, &o);
}

void service_nic_changed(Service *s, const Nic *n, unsigned changed) {
        Object o = { .type = OBJECT_NIC, .nic = (Nic *) n };
        _cleanup_free_ char *path = NULL;
        const char *names[32];

        if (object_path(&o, &path) < 0) {
                log_error("bus: out of memory");
                return;
        }
        changed_names(changed, false, names);
        emit_properties_changed(s, &o, path, names);
}

/* A new MUX: InterfacesAdded, then both indications with generation 1. */
void service_mux_added(Service *s, const Mux *x) {
        Object o = { .type = OBJECT_MUX, .mux = (Mux *) x };
        _cleanup_free_ char *path = NULL;

        if (object_path(&o, &path) < 0) {
                log_error("bus: out of memory");
                return;
        }
        emit_interfaces_added(s, &o);
        emit_status_indication(s, path, STATUS_HARDWARE_CAPABILITIES, x->generation, &x->pub_hw);
        emit_status_indication(s, path, STATUS_OFFLOAD_RESUME, x->generation, &x->pub_cur);
}

/* Properties first (one PropertiesChanged), then an indication per changed record,
 * hardware first. */
void service_mux_changed(Service *s, const Mux *x, unsigned changed) {
        Object o = { .type = OBJECT_MUX, .mux = (Mux *) x };
        _cleanup_free_ char *path = NULL;
        const char *names[32];

        if (object_path(&o, &path) < 0) {
                log_error("bus: out of memory");
                return;
        }
        changed_names(changed, true, names);
        emit_properties_changed(s, &o, path, names);
        if (changed & CHANGED_HW)
                emit_status_indication(s, path, STATUS_HARDWARE_CAPABILITIES, x->generation, &x->pub_hw);
        if (changed & CHANGED_CUR)
                emit_status_indication(s, path, STATUS_OFFLOAD_RESUME, x->generation, &x->pub_cur);
}

void service_mux_removed(Service *s, const Mux *x) {
        Object o = { .type = OBJECT_MUX, .mux = (Mux *) x };

        emit_interfaces_removed(s, &o);
}

void service_manager_changed(Service *s) {
        static const char *const names[] = { "CoalesceMs", NULL };
        Object o = { .type = OBJECT_ROOT };

        emit_properties_changed(s, &o, ROOT_PATH, names);
}

/* Method handling. */

static DBusHandlerResult reply(Service *s, DBusMessage *reply_msg) {
        send_or_log(s, reply_msg, "a reply");
        return DBUS_HANDLER_RESULT_HANDLED;
}

static DBusHandlerResult reply_error(Service *s, DBusMessage *m, const char *name, const char *fmt, ...) _printf_(4, 5);
static DBusHandlerResult reply_error(Service *s, DBusMessage *m, const char *name, const char *fmt, ...) {
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
        return reply(s, dbus_message_new_error(m, name, text));
}

/* Whether @m's arguments are exactly @signature; replies InvalidArgs otherwise. libdbus's
 * get_args() ignores trailing arguments, and a call with extra ones is not the call we
 * document. */
static bool check_signature(Service *s, DBusMessage *m, const char *signature) {
        if (streq(dbus_message_get_signature(m), signature))
                return true;
        (void) reply_error(s, m, DBUS_ERROR_INVALID_ARGS, "expected arguments (%s), got (%s)",
                           signature, dbus_message_get_signature(m));
        return false;
}

/* Reads the arguments of @m, basic types only, which must be exactly those given; or replies
 * InvalidArgs and returns false. */
static bool get_args(Service *s, DBusMessage *m, int first_type, ...) {
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
        if (!check_signature(s, m, signature))
                return false;

        dbus_error_init(&error);
        va_start(ap, first_type);
        ok = dbus_message_get_args_valist(m, &error, first_type, ap);
        va_end(ap);
        if (!ok) {
                (void) reply_error(s, m, DBUS_ERROR_INVALID_ARGS, "%s", error.message);
                dbus_error_free(&error);
        }
        return ok;
}

static DBusHandlerResult handle_properties(Service *s, const Object *o, DBusMessage *m) {
        const char *member = dbus_message_get_member(m), *iface = NULL, *name = NULL;
        const char *own = object_interface(o);
        DBusMessageIter it;
        DBusMessage *r;

        if (streq(member, "GetAll")) {
                if (!get_args(s, m, DBUS_TYPE_STRING, &iface, DBUS_TYPE_INVALID))
                        return DBUS_HANDLER_RESULT_HANDLED;
                r = dbus_message_new_method_return(m);
                if (!r)
                        return DBUS_HANDLER_RESULT_NEED_MEMORY;
                dbus_message_iter_init_append(r, &it);
                if (own && (!*iface || streq(iface, own))) {
                        if (!append_properties(s, o, NULL, &it)) {
                                dbus_message_unref(r);
                                return DBUS_HANDLER_RESULT_NEED_MEMORY;
                        }
                } else {
                        DBusMessageIter a;
                        if (!dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sv}", &a) ||
                            !dbus_message_iter_close_container(&it, &a)) {
                                dbus_message_unref(r);
                                return DBUS_HANDLER_RESULT_NEED_MEMORY;
                        }
                }
                return reply(s, r);
        }
        if (streq(member, "Get") || streq(member, "Set")) {
                if (streq(member, "Get") ? !get_args(s, m, DBUS_TYPE_STRING, &iface, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID)
                                         : !(streq(dbus_message_get_signature(m), "ssv") &&
                                             dbus_message_iter_init(m, &it) &&
                                             dbus_message_iter_get_arg_type(&it) == DBUS_TYPE_STRING &&
                                             (dbus_message_iter_get_basic(&it, &iface), dbus_message_iter_next(&it)) &&
                                             dbus_message_iter_get_arg_type(&it) == DBUS_TYPE_STRING &&
                                             (dbus_message_iter_get_basic(&it, &name), dbus_message_iter_next(&it)) &&
                                             dbus_message_iter_get_arg_type(&it) == DBUS_TYPE_VARIANT)) {
                        if (streq(member, "Set"))
                                return reply_error(s, m, DBUS_ERROR_INVALID_ARGS, "expected (ssv)");
                        return DBUS_HANDLER_RESULT_HANDLED;
                }
                if (!own || (*iface && !streq(iface, own)))
                        return reply_error(s, m, DBUS_ERROR_UNKNOWN_INTERFACE,
                                           "no interface '%s' on this object", iface);
                if (streq(member, "Set")) {
                        const char *const *all = object_properties(o);
                        for (size_t i = 0; all[i]; i++)
                                if (streq(all[i], name))
                                        return reply_error(s, m, DBUS_ERROR_PROPERTY_READ_ONLY,
                                                           "property '%s' is read-only", name);
                        return reply_error(s, m, DBUS_ERROR_UNKNOWN_PROPERTY, "no property '%s'", name);
                }
                r = dbus_message_new_method_return(m);
                if (!r)
                        return DBUS_HANDLER_RESULT_NEED_MEMORY;
                dbus_message_iter_init_append(r, &it);
                switch (append_property(s, o, name, &it)) {
                case 0:
                        return reply(s, r);
                case -ENOENT:
                        dbus_message_unref(r);
                        return reply_error(s, m, DBUS_ERROR_UNKNOWN_PROPERTY, "no property '%s'", name);
                default:
                        dbus_message_unref(r);
                        return DBUS_HANDLER_RESULT_NEED_MEMORY;
                }
        }
        return reply_error(s, m, DBUS_ERROR_UNKNOWN_METHOD, "no method '%s' in %s", member, IFACE_PROPERTIES);
}

static DBusHandlerResult handle_get_managed_objects(Service *s, DBusMessage *m) {
        Manager *mgr = s->manager;
        DBusMessageIter it, a, e;
        DBusMessage *r = dbus_message_new_method_return(m);
        bool ok;

        if (!r)
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        dbus_message_iter_init_append(r, &it);
        ok = dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{oa{sa{sv}}}", &a);
        for (size_t k = 0; ok && k < mgr->n_muxes + mgr->n_nics; k++) {
                Object o;
                _cleanup_free_ char *path = NULL;

                if (k < mgr->n_muxes) {
                        if (!mgr->muxes[k]->published)
                                continue;
                        o = (Object) { .type = OBJECT_MUX, .mux = mgr->muxes[k] };
                } else {
                        if (!mgr->nics[k - mgr->n_muxes]->published)
                                continue;
                        o = (Object) { .type = OBJECT_NIC, .nic = mgr->nics[k - mgr->n_muxes] };
                }
                ok = object_path(&o, &path) >= 0 &&
                     dbus_message_iter_open_container(&a, DBUS_TYPE_DICT_ENTRY, NULL, &e) &&
                     dbus_message_iter_append_basic(&e, DBUS_TYPE_OBJECT_PATH, &path) &&
                     append_interfaces(s, &o, &e) &&
                     dbus_message_iter_close_container(&a, &e);
        }
        if (!ok || !dbus_message_iter_close_container(&it, &a)) {
                dbus_message_unref(r);
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        }
        return reply(s, r);
}

static DBusHandlerResult handle_get_object(Service *s, DBusMessage *m, bool mux) {
        _cleanup_free_ char *path = NULL;
        const char *name = NULL;
        DBusMessage *r;

        if (!get_args(s, m, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID))
                return DBUS_HANDLER_RESULT_HANDLED;
        if (mux) {
                Mux *x = manager_find_mux(s->manager, name);
                if (!x || !x->published)
                        return reply_error(s, m, ERROR_NO_SUCH_MUX, "no MUX '%s'", name);
        } else if (!manager_find_nic_by_name(s->manager, name))
                return reply_error(s, m, ERROR_NO_SUCH_NIC, "no NIC '%s'", name);
        if (object_path_escape(mux ? MUX_PREFIX : NIC_PREFIX, name, &path) < 0)
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        r = dbus_message_new_method_return(m);
        if (!r || !dbus_message_append_args(r, DBUS_TYPE_OBJECT_PATH, &path, DBUS_TYPE_INVALID)) {
                if (r)
                        dbus_message_unref(r);
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        }
        return reply(s, r);
}

/* Root-only methods: the bus policy allows only root, and the daemon checks again by asking
 * the bus for the caller's uid, without blocking the loop. */
typedef struct AccessCheck {
        Service *service;
        DBusMessage *message;           /* owned reference */
} AccessCheck;

static void access_check_free(void *p) {
        AccessCheck *c = p;

        dbus_message_unref(c->message);
        free(c);
}

static void privileged_call(Service *s, DBusMessage *m) {
        const char *member = dbus_message_get_member(m);
        char *msg = NULL;
        int r;

        if (streq(member, "Resync")) {
                log_info("Resync() requested by %s", dbus_message_get_sender(m));
                r = manager_resync(s->manager);
                if (r < 0) {
                        (void) reply_error(s, m, DBUS_ERROR_FAILED, "resync failed: %s", strerror(-r));
                        return;
                }
        } else {
                log_info("Reload() requested by %s", dbus_message_get_sender(m));
                r = manager_reload(s->manager, &msg);
                if (r < 0) {
                        (void) reply_error(s, m, ERROR_BAD_CONFIG, "%s", msg ? msg : strerror(-r));
                        free(msg);
                        return;
                }
        }
        if (!dbus_message_get_no_reply(m))
                (void) reply(s, dbus_message_new_method_return(m));
}

static void access_check_cb(DBusPendingCall *call, void *userdata) {
        AccessCheck *c = userdata;
        DBusMessage *r = dbus_pending_call_steal_reply(call);
        dbus_uint32_t uid = UINT32_MAX;

        if (r && dbus_message_get_type(r) == DBUS_MESSAGE_TYPE_METHOD_RETURN)
                (void) dbus_message_get_args(r, NULL, DBUS_TYPE_UINT32, &uid, DBUS_TYPE_INVALID);
        if (r)
                dbus_message_unref(r);
        if (uid != 0)
                (void) reply_error(c->service, c->message, DBUS_ERROR_ACCESS_DENIED,
                                   "%s() is for root only", dbus_message_get_member(c->message));
        else
                privileged_call(c->service, c->message);
}

static DBusHandlerResult handle_privileged(Service *s, DBusMessage *m) {
        const char *sender = dbus_message_get_sender(m);
        DBusPendingCall *call = NULL;
        DBusMessage *q;
        AccessCheck *c;

        if (!get_args(s, m, DBUS_TYPE_INVALID))
                return DBUS_HANDLER_RESULT_HANDLED;
        if (!sender)
                return reply_error(s, m, DBUS_ERROR_ACCESS_DENIED, "caller unknown");
        q = dbus_message_new_method_call(DBUS_SERVICE_DBUS, DBUS_PATH_DBUS, DBUS_INTERFACE_DBUS,
                                         "GetConnectionUnixUser");
        c = calloc(1, sizeof(AccessCheck));
        if (!q || !c || !dbus_message_append_args(q, DBUS_TYPE_STRING, &sender, DBUS_TYPE_INVALID) ||
            !dbus_connection_send_with_reply(s->conn, q, &call, 5000) || !call) {
                if (q)
                        dbus_message_unref(q);
                free(c);
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        }
        dbus_message_unref(q);
        c->service = s;
        c->message = dbus_message_ref(m);
        if (!dbus_pending_call_set_notify(call, access_check_cb, c, access_check_free)) {
                access_check_free(c);
                dbus_pending_call_cancel(call);
                dbus_pending_call_unref(call);
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        }
        dbus_pending_call_unref(call);
        return DBUS_HANDLER_RESULT_HANDLED;
}

static DBusHandlerResult handle_explain(Service *s, const Mux *x, DBusMessage *m) {
        DBusMessage *r;
        DBusMessageIter it, a, e;
        bool ok;

        if (!get_args(s, m, DBUS_TYPE_INVALID))
                return DBUS_HANDLER_RESULT_HANDLED;
        r = dbus_message_new_method_return(m);
        if (!r)
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        dbus_message_iter_init_append(r, &it);
        ok = dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(ssss)", &a);
        for (Field f = 0; ok && f < _FIELD_MAX; f++) {
                char value[32];
                const char *name = field_to_name(f), *member = "", *source;
                const AggregateLimit *l = &x->hw_limits[f];
                const char *vp = value;

                snprintf(value, sizeof(value), "%" PRIu32, value_get(&x->hw, (size_t) f));
                if (l->member >= 0 && (size_t) l->member < x->n_members)
                        member = mux_member_name(&x->members[l->member]);
                source = source_to_string(l->source);
                ok = dbus_message_iter_open_container(&a, DBUS_TYPE_STRUCT, NULL, &e) &&
                     dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &name) &&
                     dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &vp) &&
                     dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &member) &&
                     dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &source) &&
                     dbus_message_iter_close_container(&a, &e);
        }
        if (!ok || !dbus_message_iter_close_container(&it, &a)) {
                dbus_message_unref(r);
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        }
        return reply(s, r);
}

static DBusHandlerResult handle_get_hw(Service *s, const Mux *x, DBusMessage *m) {
        dbus_uint64_t g = x->generation;
        DBusMessageIter it;
        DBusMessage *r;

        if (!get_args(s, m, DBUS_TYPE_INVALID))
                return DBUS_HANDLER_RESULT_HANDLED;
        r = dbus_message_new_method_return(m);
        if (!r)
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        dbus_message_iter_init_append(r, &it);
        if (!dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT64, &g) ||
            !append_record_bytes(&it, &x->pub_hw)) {
                dbus_message_unref(r);
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        }
        return reply(s, r);
}

static DBusHandlerResult handle_introspect(Service *s, const Object *o, DBusMessage *m) {
        char *xml = NULL;
        size_t size = 0;
        FILE *f;
        DBusMessage *r;
        Manager *mgr = s->manager;

        f = open_memstream(&xml, &size);
        if (!f)
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        fputs(DBUS_INTROSPECT_1_0_XML_DOCTYPE_DECL_NODE "<node>\n"
              " <interface name=\"org.freedesktop.DBus.Introspectable\">\n"
              "  <method name=\"Introspect\"><arg name=\"xml\" type=\"s\" direction=\"out\"/></method>\n"
              " </interface>\n"
              " <interface name=\"org.freedesktop.DBus.Peer\">\n"
              "  <method name=\"Ping\"/>\n"
              "  <method name=\"GetMachineId\"><arg name=\"id\" type=\"s\" direction=\"out\"/></method>\n"
              " </interface>\n", f);
        if (o->type == OBJECT_ROOT || o->type == OBJECT_MUX || o->type == OBJECT_NIC)
                fputs(" <interface name=\"org.freedesktop.DBus.Properties\">\n"
                      "  <method name=\"Get\"><arg name=\"interface\" type=\"s\" direction=\"in\"/><arg name=\"name\" type=\"s\" direction=\"in\"/><arg name=\"value\" type=\"v\" direction=\"out\"/></method>\n"
                      "  <method name=\"GetAll\"><arg name=\"interface\" type=\"s\" direction=\"in\"/><arg name=\"properties\" type=\"a{sv}\" direction=\"out\"/></method>\n"
                      "  <method name=\"Set\"><arg name=\"interface\" type=\"s\" direction=\"in\"/><arg name=\"name\" type=\"s\" direction=\"in\"/><arg name=\"value\" type=\"v\" direction=\"in\"/></method>\n"
                      "  <signal name=\"PropertiesChanged\"><arg name=\"interface\" type=\"s\"/><arg name=\"changed\" type=\"a{sv}\"/><arg name=\"invalidated\" type=\"as\"/></signal>\n"
                      " </interface>\n", f);
        switch (o->type) {
        case OBJECT_ROOT:
                fputs(" <interface name=\"org.freedesktop.DBus.ObjectManager\">\n"
                      "  <method name=\"GetManagedObjects\"><arg name=\"objects\" type=\"a{oa{sa{sv}}}\" direction=\"out\"/></method>\n"
                      "  <signal name=\"InterfacesAdded\"><arg name=\"object\" type=\"o\"/><arg name=\"interfaces\" type=\"a{sa{sv}}\"/></signal>\n"
                      "  <signal name=\"InterfacesRemoved\"><arg name=\"object\" type=\"o\"/><arg name=\"interfaces\" type=\"as\"/></signal>\n"
                      " </interface>\n", f);
                fputs(introspection_xml_manager, f);
                fputs(" <node name=\"mux\"/>\n <node name=\"nic\"/>\n", f);
                break;
        case OBJECT_MUX:
                fputs(introspection_xml_mux, f);
                break;
        case OBJECT_NIC:
                fputs(introspection_xml_nic, f);
                break;
        case OBJECT_MUX_DIR:
                for (size_t i = 0; i < mgr->n_muxes; i++)
                        if (mgr->muxes[i]->published) {
                                _cleanup_free_ char *p = NULL;
                                if (object_path_escape("", mgr->muxes[i]->name, &p) >= 0)
                                        fprintf(f, " <node name=\"%s\"/>\n", p + 1);
                        }
                break;
        case OBJECT_NIC_DIR:
                for (size_t i = 0; i < mgr->n_nics; i++)
                        if (mgr->nics[i]->published) {
                                _cleanup_free_ char *p = NULL;
                                if (object_path_escape("", mgr->nics[i]->pub_name, &p) >= 0)
                                        fprintf(f, " <node name=\"%s\"/>\n", p + 1);
                        }
                break;
        }
        fputs("</node>\n", f);
        if (fclose(f) != 0) {
                free(xml);
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        }
        r = dbus_message_new_method_return(m);
        if (!r || !dbus_message_append_args(r, DBUS_TYPE_STRING, &xml, DBUS_TYPE_INVALID)) {
                free(xml);
                if (r)
                        dbus_message_unref(r);
                return DBUS_HANDLER_RESULT_NEED_MEMORY;
        }
        free(xml);
        return reply(s, r);
}

static DBusHandlerResult message_cb(DBusConnection *conn, DBusMessage *m, void *userdata) {
        Service *s = userdata;
        const char *path = dbus_message_get_path(m), *iface = dbus_message_get_interface(m);
        const char *member = dbus_message_get_member(m);
        Object o;

        if (dbus_message_get_type(m) != DBUS_MESSAGE_TYPE_METHOD_CALL || !path || !member)
                return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
        if (!object_find(s, path, &o))
                return reply_error(s, m, DBUS_ERROR_UNKNOWN_OBJECT, "no object at '%s'", path);
        log_debug("bus: %s.%s on %s from %s", iface ? iface : "?", member, path,
                  dbus_message_get_sender(m) ? dbus_message_get_sender(m) : "?");

        if ((!iface || streq(iface, IFACE_INTROSPECTABLE)) && streq(member, "Introspect"))
                return check_signature(s, m, "") ? handle_introspect(s, &o, m)
                                                 : DBUS_HANDLER_RESULT_HANDLED;
        if (iface && streq(iface, IFACE_PROPERTIES) && o.type != OBJECT_MUX_DIR && o.type != OBJECT_NIC_DIR)
                return handle_properties(s, &o, m);
        if (o.type == OBJECT_ROOT) {
                if ((!iface || streq(iface, IFACE_OBJECT_MANAGER)) && streq(member, "GetManagedObjects"))
                        return get_args(s, m, DBUS_TYPE_INVALID) ? handle_get_managed_objects(s, m)
                                                                 : DBUS_HANDLER_RESULT_HANDLED;
                if (!iface || streq(iface, IFACE_MANAGER)) {
                        if (streq(member, "GetMux"))
                                return handle_get_object(s, m, true);
                        if (streq(member, "GetNic"))
                                return handle_get_object(s, m, false);
                        if (streq(member, "Resync") || streq(member, "Reload"))
                                return handle_privileged(s, m);
                }
        } else if (o.type == OBJECT_MUX && (!iface || streq(iface, IFACE_MUX))) {
                if (streq(member, "GetHardwareCapabilities"))
                        return handle_get_hw(s, o.mux, m);
                if (streq(member, "Explain"))
                        return handle_explain(s, o.mux, m);
        }
        return reply_error(s, m, DBUS_ERROR_UNKNOWN_METHOD, "no method '%s' in interface '%s' at '%s'",
                           member, iface ? iface : "(none)", path);
}

static DBusHandlerResult filter_cb(DBusConnection *conn, DBusMessage *m, void *userdata) {
        Service *s = userdata;

        if (dbus_message_is_signal(m, DBUS_INTERFACE_LOCAL, "Disconnected")) {
                /* systemd restarts us (Restart=on-failure); a restart re-registers cleanly. */
                log_error("bus: connection lost, exiting so the service manager restarts muxcapd");
                manager_exit(s->manager, EXIT_FAILURE);
                return DBUS_HANDLER_RESULT_HANDLED;
        }
        if (dbus_message_is_signal(m, DBUS_INTERFACE_DBUS, "NameLost")) {
                const char *name = NULL;
                if (dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID) &&
                    streq(name, BUS_NAME)) {
                        log_error("bus: lost the name %s, exiting", BUS_NAME);
                        manager_exit(s->manager, EXIT_FAILURE);
                }
        }
        return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

/* Connects to @bus, registers the object tree and takes the name. Blocks on the bus at start
 * only (registration and RequestName), before the loop runs. Logs its own errors. */
int service_new(Service **ret, Manager *m, const char *bus) {
        static const DBusObjectPathVTable vtable = { .message_function = message_cb };
        Service *s = calloc(1, sizeof(Service));
        _cleanup_free_ char *message = NULL;
        DBusError error;
        int r;

        if (!s)
                return log_error_errno(-ENOMEM, "bus: out of memory");
        s->manager = m;
        r = dbus_loop_open_bus(bus, &s->conn, &message);
        if (r < 0) {
                service_free(s);
                return log_error_errno(r, "bus: connecting to '%s' failed: %s", bus, message ? message : "unknown error");
        }
        if (!dbus_connection_add_filter(s->conn, filter_cb, s, NULL) ||
            !dbus_connection_register_fallback(s->conn, ROOT_PATH, &vtable, s)) {
                service_free(s);
                return log_error_errno(-ENOMEM, "bus: registering objects failed");
        }
        dbus_error_init(&error);
        r = dbus_bus_request_name(s->conn, BUS_NAME, DBUS_NAME_FLAG_DO_NOT_QUEUE, &error);
        if (r != DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER) {
                log_error("bus: cannot own %s: %s", BUS_NAME,
                          dbus_error_is_set(&error) ? error.message : "the name is taken");
                dbus_error_free(&error);
                service_free(s);
                return -EEXIST;
        }
        r = dbus_loop_attach(&s->loop, s->conn, m->base);
        if (r < 0) {
                service_free(s);
                return log_error_errno(r, "bus: attaching to the event loop failed: %m");
        }
        log_info("bus: owning %s on '%s'", BUS_NAME, bus);
        *ret = s;
        return 0;
}

Service *service_free(Service *s) {
        if (!s)
                return NULL;
        if (s->conn) {
                if (dbus_connection_get_is_connected(s->conn)) {
                        /* No blocking call: a frozen bus must not hold up the exit. The name
                         * goes with the connection anyway; ReleaseName just says so first,
                         * after what is still queued, for at most a second. */
                        const char *name = BUS_NAME;
                        DBusMessage *m = dbus_message_new_method_call(DBUS_SERVICE_DBUS, DBUS_PATH_DBUS,
                                                                      DBUS_INTERFACE_DBUS, "ReleaseName");
                        if (m && dbus_message_append_args(m, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID)) {
                                dbus_message_set_no_reply(m, TRUE);
                                (void) dbus_connection_send(s->conn, m, NULL);
                        }
                        if (m)
                                dbus_message_unref(m);
                        for (int i = 0; i < 10 && dbus_connection_has_messages_to_send(s->conn); i++)
                                if (!dbus_connection_read_write(s->conn, 100))
                                        break;
                }
                dbus_connection_unregister_object_path(s->conn, ROOT_PATH);
                dbus_connection_remove_filter(s->conn, filter_cb, s);
        }
        s->loop = dbus_loop_detach(s->loop);
        if (s->conn) {
                dbus_connection_close(s->conn);
                dbus_connection_unref(s->conn);
        }
        free(s);
        return NULL;
}
