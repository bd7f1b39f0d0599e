/* SPDX-License-Identifier: MIT */
/* libmuxcap: D-Bus calls and reading muxcapd's replies */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-path.h"
#include "client-internal.h"
#include "macro.h"

/* Maps a D-Bus error to the errno documented in muxcap.h. */
int bus_error_to_errno(const DBusError *error) {
        static const struct {
                const char *name;
                int error;
        } map[] = {
                { BUS_ERROR_NO_SUCH_MUX, ENOENT },
                { BUS_ERROR_NO_SUCH_NIC, ENOENT },
                { DBUS_ERROR_UNKNOWN_OBJECT, ENOENT },
                { DBUS_ERROR_SERVICE_UNKNOWN, EHOSTDOWN },
                { DBUS_ERROR_NAME_HAS_NO_OWNER, EHOSTDOWN },
                { DBUS_ERROR_NO_REPLY, ETIMEDOUT },
                { DBUS_ERROR_TIMEOUT, ETIMEDOUT },
                { DBUS_ERROR_ACCESS_DENIED, EACCES },
                { DBUS_ERROR_DISCONNECTED, ECONNRESET },
                { DBUS_ERROR_NO_MEMORY, ENOMEM },
                { DBUS_ERROR_INVALID_ARGS, EINVAL },
        };

        if (!error->name)
                return -EIO;
        for (size_t i = 0; i < ELEMENTSOF(map); i++)
                if (streq(error->name, map[i].name))
                        return -map[i].error;
        return -EIO;
}

/* A new method call to muxcapd at @path. */
int bus_new_call(const char *path, const char *iface, const char *member, DBusMessage **ret) {
        DBusMessage *m = dbus_message_new_method_call(BUS_NAME, path, iface, member);

        if (!m)
                return -ENOMEM;
        *ret = m;
        return 0;
}

/* Keeps the refusal of @member, in words, for muxcap_client_get_error_message(). The bus
 * itself (org.freedesktop.DBus) sends the error when its policy refuses a call. */
static void set_error_message(struct muxcap_client *c, const char *member, const char *sender,
                              const DBusError *error) {
        const char *message = error->message ? error->message : "";
        char *text = NULL;
        int r;

        if (streq(error->name, DBUS_ERROR_ACCESS_DENIED) && sender && streq(sender, DBUS_SERVICE_DBUS))
                r = asprintf(&text, "access denied by the bus policy: %s", member);
        else if (streq(error->name, DBUS_ERROR_ACCESS_DENIED))
                r = asprintf(&text, "access denied by muxcapd: %s: %s", member, message);
        else
                r = asprintf(&text, "%s: %s", member, *message ? message : error->name);
        free(c->error_message);
        c->error_message = r < 0 ? NULL : text;
}

/* Sends @m (takes ownership) and blocks for the reply; *ret_reply is a new reference to a
 * method return, errors are mapped to errno and kept in words. */
int bus_call(struct muxcap_client *c, DBusMessage *m, DBusMessage **ret_reply) {
        _cleanup_free_ char *member = NULL;
        DBusPendingCall *call = NULL;
        DBusError error;
        DBusMessage *reply;
        int r;

        free(c->error_message);
        c->error_message = NULL;
        if (c->disconnected || !dbus_connection_get_is_connected(c->conn)) {
                dbus_message_unref(m);
                return -ECONNRESET;
        }
        member = strdup(dbus_message_get_member(m) ? dbus_message_get_member(m) : "?");
        if (!member || !dbus_connection_send_with_reply(c->conn, m, &call, DBUS_TIMEOUT_USE_DEFAULT)) {
                dbus_message_unref(m);
                return -ENOMEM;
        }
        dbus_message_unref(m);
        if (!call)
                return -ECONNRESET;
        dbus_pending_call_block(call);
        reply = dbus_pending_call_steal_reply(call);
        dbus_pending_call_unref(call);
        if (!reply)
                return -ECONNRESET;
        dbus_error_init(&error);
        if (dbus_set_error_from_message(&error, reply)) {
                r = bus_error_to_errno(&error);
                set_error_message(c, member, dbus_message_get_sender(reply), &error);
                dbus_error_free(&error);
                dbus_message_unref(reply);
                return r;
        }
        *ret_reply = reply;
        return 0;
}

const char *muxcap_client_get_error_message(const struct muxcap_client *c) {
        return c && c->error_message ? c->error_message : "";
}

/* Calls @member on @path's @iface with no argument (@arg_type DBUS_TYPE_INVALID) or one of
 * @arg_type at @arg, and blocks for the reply, as bus_call(). */
int bus_call_method(struct muxcap_client *c, const char *path, const char *iface,
                    const char *member, int arg_type, const void *arg, DBusMessage **ret_reply) {
        DBusMessage *m = NULL;
        int r;

        r = bus_new_call(path, iface, member, &m);
        if (r < 0)
                return r;
        if (arg_type != DBUS_TYPE_INVALID &&
            !dbus_message_append_args(m, arg_type, arg, DBUS_TYPE_INVALID)) {
                dbus_message_unref(m);
                return -ENOMEM;
        }
        return bus_call(c, m, ret_reply);
}

static int read_bytes(DBusMessageIter *v, const uint8_t **ret, int *ret_size) {
        DBusMessageIter a;
        const uint8_t *p = NULL;
        int n = 0;

        if (dbus_message_iter_get_arg_type(v) != DBUS_TYPE_ARRAY ||
            dbus_message_iter_get_element_type(v) != DBUS_TYPE_BYTE)
                return -EBADMSG;
        dbus_message_iter_recurse(v, &a);
        dbus_message_iter_get_fixed_array(&a, &p, &n);
        *ret = p;
        *ret_size = n;
        return 0;
}

static int read_basic(DBusMessageIter *v, int type, void *ret) {
        if (dbus_message_iter_get_arg_type(v) != type)
                return -EBADMSG;
        dbus_message_iter_get_basic(v, ret);
        return 0;
}

/* Reads the a{sv} of a MUX object's properties at @dict. Unknown properties are skipped;
 * Name, Generation and both records must be there. */
int bus_read_mux_props(DBusMessageIter *dict, MuxProps *ret) {
        MuxProps p = { .ifindex = 0 };
        DBusMessageIter entries;
        int r;

        if (dbus_message_iter_get_arg_type(dict) != DBUS_TYPE_ARRAY)
                return -EBADMSG;
        dbus_message_iter_recurse(dict, &entries);
        while (dbus_message_iter_get_arg_type(&entries) == DBUS_TYPE_DICT_ENTRY) {
                DBusMessageIter entry, v;
                const char *key;

                dbus_message_iter_recurse(&entries, &entry);
                if (dbus_message_iter_get_arg_type(&entry) != DBUS_TYPE_STRING)
                        return -EBADMSG;
                dbus_message_iter_get_basic(&entry, &key);
                if (!dbus_message_iter_next(&entry) ||
                    dbus_message_iter_get_arg_type(&entry) != DBUS_TYPE_VARIANT)
                        return -EBADMSG;
                dbus_message_iter_recurse(&entry, &v);

                r = 0;
                if (streq(key, "Name"))
                        r = read_basic(&v, DBUS_TYPE_STRING, &p.name);
                else if (streq(key, "Kind"))
                        r = read_basic(&v, DBUS_TYPE_STRING, &p.kind);
                else if (streq(key, "CapacityPolicy"))
                        r = read_basic(&v, DBUS_TYPE_STRING, &p.capacity_policy);
                else if (streq(key, "IfIndex"))
                        r = read_basic(&v, DBUS_TYPE_INT32, &p.ifindex);
                else if (streq(key, "Generation")) {
                        r = read_basic(&v, DBUS_TYPE_UINT64, &p.generation);
                        p.has_generation = r >= 0;
                } else if (streq(key, "HardwareCapabilities"))
                        r = read_bytes(&v, &p.hw, &p.hw_size);
                else if (streq(key, "CurrentConfig"))
                        r = read_bytes(&v, &p.current, &p.current_size);
                else if (streq(key, "TaskOffloadHardwareCapabilities"))
                        r = read_bytes(&v, &p.task_hw, &p.task_hw_size);
                else if (streq(key, "TaskOffloadCurrentConfig"))
                        r = read_bytes(&v, &p.task_current, &p.task_current_size);
                else if (streq(key, "Members")) {
                        if (dbus_message_iter_get_arg_type(&v) != DBUS_TYPE_ARRAY ||
                            dbus_message_iter_get_element_type(&v) != DBUS_TYPE_STRING)
                                return -EBADMSG;
                        dbus_message_iter_recurse(&v, &p.members);
                        p.has_members = true;
                }
                if (r < 0)
                        return r;
                dbus_message_iter_next(&entries);
        }
        if (!p.name || !p.has_generation || !p.hw || !p.current)
                return -EBADMSG;
        *ret = p;
        return 0;
}

/* Looks for @iface in the a{sa{sv}} at @ifaces (as in GetManagedObjects and InterfacesAdded);
 * returns 1 and its properties' iterator if found, 0 if not, -EBADMSG. */
int bus_iter_has_interface(DBusMessageIter *ifaces, const char *iface, DBusMessageIter *ret_props) {
        DBusMessageIter entries;

        if (dbus_message_iter_get_arg_type(ifaces) != DBUS_TYPE_ARRAY)
                return -EBADMSG;
        dbus_message_iter_recurse(ifaces, &entries);
        while (dbus_message_iter_get_arg_type(&entries) == DBUS_TYPE_DICT_ENTRY) {
                DBusMessageIter entry;
                const char *name;

                dbus_message_iter_recurse(&entries, &entry);
                if (dbus_message_iter_get_arg_type(&entry) != DBUS_TYPE_STRING)
                        return -EBADMSG;
                dbus_message_iter_get_basic(&entry, &name);
                if (streq(name, iface)) {
                        if (!dbus_message_iter_next(&entry))
                                return -EBADMSG;
                        if (ret_props)
                                *ret_props = entry;
                        return 1;
                }
                dbus_message_iter_next(&entries);
        }
        return 0;
}

static int state_entry_compare(const void *a, const void *b) {
        return strcmp(((const MuxState *) a)->name, ((const MuxState *) b)->name);
}

/* Reads the MUXes of a GetManagedObjects reply, sorted by name: all of them, or only the one
 * at @only_path. Names are owned by the entries, properties borrowed from @reply. */
int bus_read_mux_state(DBusMessage *reply, const char *only_path, MuxState **ret, size_t *ret_n) {
        DBusMessageIter it, objects;
        MuxState *entries = NULL;
        size_t n = 0;
        int r = 0;

        if (!dbus_message_has_signature(reply, "a{oa{sa{sv}}}"))
                return -EBADMSG;
        (void) dbus_message_iter_init(reply, &it);
        dbus_message_iter_recurse(&it, &objects);
        for (; dbus_message_iter_get_arg_type(&objects) == DBUS_TYPE_DICT_ENTRY;
             dbus_message_iter_next(&objects)) {
                DBusMessageIter entry, props;
                const char *path;
                MuxProps p;
                MuxState *e;
                char *name = NULL;

                dbus_message_iter_recurse(&objects, &entry);
                dbus_message_iter_get_basic(&entry, &path);
                dbus_message_iter_next(&entry);
                if ((only_path && !streq(path, only_path)) ||
                    bus_path_unescape(BUS_MUX_PREFIX, path, &name) < 0)
                        continue;
                if (bus_iter_has_interface(&entry, BUS_IFACE_MUX, &props) <= 0 ||
                    bus_read_mux_props(&props, &p) < 0) {
                        free(name);     /* not a MUX, or one we cannot read: skip it */
                        continue;
                }
                e = realloc(entries, (n + 1) * sizeof(*e));
                if (!e) {
                        free(name);
                        r = -ENOMEM;
                        break;
                }
                entries = e;
                entries[n++] = (MuxState) { .name = name, .props = p };
        }
        if (r < 0) {
                for (size_t i = 0; i < n; i++)
                        free(entries[i].name);
                free(entries);
                return r;
        }
        if (n > 0)
                qsort(entries, n, sizeof(*entries), state_entry_compare);
        *ret = entries;
        *ret_n = n;
        return 0;
}

/* Reads the string in the variant a Properties.Get reply carries. */
int bus_read_variant_string(DBusMessage *reply, const char **ret) {
        DBusMessageIter it, v;

        if (!dbus_message_has_signature(reply, "v"))
                return -EBADMSG;
        (void) dbus_message_iter_init(reply, &it);
        dbus_message_iter_recurse(&it, &v);
        if (dbus_message_iter_get_arg_type(&v) != DBUS_TYPE_STRING)
                return -EBADMSG;
        dbus_message_iter_get_basic(&v, ret);
        return 0;
}

/* The entry of @name in @entries (sorted by name), NULL if none. */
const MuxState *bus_mux_state_find(const MuxState *entries, size_t n, const char *name) {
        if (n == 0)
                return NULL;
        return bsearch(&(MuxState) { .name = (char *) name }, entries, n, sizeof(*entries),
                       state_entry_compare);
}
