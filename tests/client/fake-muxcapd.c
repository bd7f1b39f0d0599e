/* SPDX-License-Identifier: MIT */
/* fake-muxcapd: a scripted stand-in for muxcapd's D-Bus API (SPEC 5), for libmuxcap's tests.
 *
 * Usage: fake-muxcapd ADDRESS. Reads commands on stdin, answers "ok" (or "error ...") on
 * stdout once the command's messages are on the bus:
 *   nic NAME HWHEX CURHEX                 create or update a NIC object
 *   mux NAME GEN HWHEX CURHEX [MEMBER...] create or update a MUX object (no signal)
 *   own INSTANCE_ID                       take org.muxcap.MuxCap1
 *   added NAME / removed NAME             InterfacesAdded / remove and InterfacesRemoved
 *   signal NAME CODE GEN HEX              StatusIndication on NAME's path, as given
 *   prereply NAME CODE GEN HEX            the same, sent just before the next
 *                                         GetManagedObjects reply (a signal racing the query)
 *   quit                                  exit; the bus name goes with the connection
 */

#include <dbus/dbus.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-path.h"

#define MAX_OBJECTS 32
#define MAX_MEMBERS 8

typedef struct Object {
        bool used, is_mux;
        char name[64];
        char path[256];
        uint64_t generation;
        uint8_t hw[64], cur[64];
        int hw_size, cur_size;
        char *members[MAX_MEMBERS];
        int n_members;
} Object;

typedef struct Signal {
        char path[256];
        uint32_t code;
        uint64_t generation;
        uint8_t buf[64];
        int size;
} Signal;

static Object objects[MAX_OBJECTS];
static Signal prereply[16];
static int n_prereply;
static char instance_id[64] = "none";
static DBusConnection *conn;

static void escape(const char *prefix, const char *name, char *out) {
        out += sprintf(out, "%s/", prefix);
        if (!*name)
                strcpy(out, "_");
        for (const unsigned char *p = (const unsigned char *) name; *p; p++) {
                if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
                        *out++ = (char) *p;
                else
                        out += sprintf(out, "_%02x", *p);
                *out = '\0';
        }
}

static int hex(const char *s, uint8_t *buf) {
        int n = 0;
        unsigned v;

        while (s[0] && s[1] && n < 64 && sscanf(s, "%2x", &v) == 1) {
                buf[n++] = (uint8_t) v;
                s += 2;
        }
        return n;
}

static Object *find(const char *name, bool is_mux) {
        for (int i = 0; i < MAX_OBJECTS; i++)
                if (objects[i].used && objects[i].is_mux == is_mux && strcmp(objects[i].name, name) == 0)
                        return &objects[i];
        return NULL;
}

static Object *find_path(const char *path) {
        for (int i = 0; i < MAX_OBJECTS; i++)
                if (objects[i].used && strcmp(objects[i].path, path) == 0)
                        return &objects[i];
        return NULL;
}

static Object *upsert(const char *name, bool is_mux) {
        Object *o = find(name, is_mux);

        for (int i = 0; !o && i < MAX_OBJECTS; i++)
                if (!objects[i].used)
                        o = &objects[i];
        if (!o)
                exit(3);
        if (!o->used) {
                *o = (Object) { .used = true, .is_mux = is_mux };
                snprintf(o->name, sizeof(o->name), "%s", name);
                escape(is_mux ? BUS_ROOT_PATH "/mux" : BUS_ROOT_PATH "/nic", name, o->path);
        }
        return o;
}

static void append_variant(DBusMessageIter *dict, const char *key, int type, const char *sig,
                           const void *value) {
        DBusMessageIter e, v;

        dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, NULL, &e);
        dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &key);
        dbus_message_iter_open_container(&e, DBUS_TYPE_VARIANT, sig, &v);
        dbus_message_iter_append_basic(&v, type, value);
        dbus_message_iter_close_container(&e, &v);
        dbus_message_iter_close_container(dict, &e);
}

static void append_bytes(DBusMessageIter *it, const uint8_t *buf, int size) {
        DBusMessageIter a;

        dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "y", &a);
        dbus_message_iter_append_fixed_array(&a, DBUS_TYPE_BYTE, &buf, size);
        dbus_message_iter_close_container(it, &a);
}

static void append_bytes_variant(DBusMessageIter *dict, const char *key, const uint8_t *buf, int size) {
        DBusMessageIter e, v;

        dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, NULL, &e);
        dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &key);
        dbus_message_iter_open_container(&e, DBUS_TYPE_VARIANT, "ay", &v);
        append_bytes(&v, buf, size);
        dbus_message_iter_close_container(&e, &v);
        dbus_message_iter_close_container(dict, &e);
}

static void append_props(DBusMessageIter *it, const Object *o) {
        static const char *kind = "bond", *policy = "min", *key = "Members";
        const char *name = o->name;
        int32_t ifindex = 7;
        dbus_bool_t chimney = FALSE;
        DBusMessageIter dict, e, v, a;

        dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "{sv}", &dict);
        append_variant(&dict, "Name", DBUS_TYPE_STRING, "s", &name);
        append_variant(&dict, "IfIndex", DBUS_TYPE_INT32, "i", &ifindex);
        append_bytes_variant(&dict, "HardwareCapabilities", o->hw, o->hw_size);
        append_bytes_variant(&dict, "CurrentConfig", o->cur, o->cur_size);
        append_variant(&dict, "ChimneyCapable", DBUS_TYPE_BOOLEAN, "b", &chimney);
        if (o->is_mux) {
                append_variant(&dict, "Kind", DBUS_TYPE_STRING, "s", &kind);
                append_variant(&dict, "CapacityPolicy", DBUS_TYPE_STRING, "s", &policy);
                append_variant(&dict, "Generation", DBUS_TYPE_UINT64, "t", &o->generation);
                dbus_message_iter_open_container(&dict, DBUS_TYPE_DICT_ENTRY, NULL, &e);
                dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &key);
                dbus_message_iter_open_container(&e, DBUS_TYPE_VARIANT, "as", &v);
                dbus_message_iter_open_container(&v, DBUS_TYPE_ARRAY, "s", &a);
                for (int i = 0; i < o->n_members; i++)
                        dbus_message_iter_append_basic(&a, DBUS_TYPE_STRING, &o->members[i]);
                dbus_message_iter_close_container(&v, &a);
                dbus_message_iter_close_container(&e, &v);
                dbus_message_iter_close_container(&dict, &e);
        }
        dbus_message_iter_close_container(it, &dict);
}

static void append_interfaces(DBusMessageIter *it, const Object *o) {
        const char *iface = o->is_mux ? BUS_NAME ".Mux" : BUS_NAME ".Nic";
        DBusMessageIter ifaces, e;

        dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "{sa{sv}}", &ifaces);
        dbus_message_iter_open_container(&ifaces, DBUS_TYPE_DICT_ENTRY, NULL, &e);
        dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &iface);
        append_props(&e, o);
        dbus_message_iter_close_container(&ifaces, &e);
        dbus_message_iter_close_container(it, &ifaces);
}

static void send_signal(const Signal *s) {
        DBusMessage *m = dbus_message_new_signal(s->path, BUS_NAME ".Mux", "StatusIndication");
        DBusMessageIter it;

        dbus_message_iter_init_append(m, &it);
        dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT32, &s->code);
        dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT64, &s->generation);
        append_bytes(&it, s->buf, s->size);
        dbus_connection_send(conn, m, NULL);
        dbus_message_unref(m);
}

static DBusHandlerResult handle(DBusConnection *c, DBusMessage *m, void *userdata) {
        const char *path = dbus_message_get_path(m), *iface = dbus_message_get_interface(m);
        const char *member = dbus_message_get_member(m);
        DBusMessage *reply = NULL;
        DBusMessageIter it;
        Object *o;

        if (dbus_message_get_type(m) != DBUS_MESSAGE_TYPE_METHOD_CALL || !iface || !member)
                return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
        if (strcmp(path, BUS_ROOT_PATH) == 0 && strcmp(member, "GetManagedObjects") == 0) {
                DBusMessageIter objs, e;

                for (int i = 0; i < n_prereply; i++)
                        send_signal(&prereply[i]);
                n_prereply = 0;
                reply = dbus_message_new_method_return(m);
                dbus_message_iter_init_append(reply, &it);
                dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{oa{sa{sv}}}", &objs);
                for (int i = 0; i < MAX_OBJECTS; i++) {
                        const char *p = objects[i].path;

                        if (!objects[i].used)
                                continue;
                        dbus_message_iter_open_container(&objs, DBUS_TYPE_DICT_ENTRY, NULL, &e);
                        dbus_message_iter_append_basic(&e, DBUS_TYPE_OBJECT_PATH, &p);
                        append_interfaces(&e, &objects[i]);
                        dbus_message_iter_close_container(&objs, &e);
                }
                dbus_message_iter_close_container(&it, &objs);
        } else if (strcmp(path, BUS_ROOT_PATH) == 0 && strcmp(member, "Get") == 0) {
                const char *i, *p, *id = instance_id;
                DBusMessageIter v;

                if (!dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &i, DBUS_TYPE_STRING, &p,
                                           DBUS_TYPE_INVALID) || strcmp(p, "InstanceId") != 0)
                        reply = dbus_message_new_error(m, DBUS_ERROR_UNKNOWN_PROPERTY, "no");
                else {
                        reply = dbus_message_new_method_return(m);
                        dbus_message_iter_init_append(reply, &it);
                        dbus_message_iter_open_container(&it, DBUS_TYPE_VARIANT, "s", &v);
                        dbus_message_iter_append_basic(&v, DBUS_TYPE_STRING, &id);
                        dbus_message_iter_close_container(&it, &v);
                }
        } else if (strcmp(path, BUS_ROOT_PATH) == 0 &&
                   (strcmp(member, "GetMux") == 0 || strcmp(member, "GetNic") == 0)) {
                bool mux = strcmp(member, "GetMux") == 0;
                const char *name;

                if (!dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID))
                        reply = dbus_message_new_error(m, DBUS_ERROR_INVALID_ARGS, "name");
                else if (!(o = find(name, mux)))
                        reply = dbus_message_new_error(m, mux ? BUS_NAME ".Error.NoSuchMux" :
                                                       BUS_NAME ".Error.NoSuchNic", name);
                else {
                        const char *p = o->path;

                        reply = dbus_message_new_method_return(m);
                        dbus_message_append_args(reply, DBUS_TYPE_OBJECT_PATH, &p, DBUS_TYPE_INVALID);
                }
        } else if ((o = find_path(path))) {
                if (strcmp(member, "GetAll") == 0) {
                        reply = dbus_message_new_method_return(m);
                        dbus_message_iter_init_append(reply, &it);
                        append_props(&it, o);
                } else if (strcmp(member, "GetHardwareCapabilities") == 0 && o->is_mux) {
                        reply = dbus_message_new_method_return(m);
                        dbus_message_iter_init_append(reply, &it);
                        dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT64, &o->generation);
                        append_bytes(&it, o->hw, o->hw_size);
                } else if (strcmp(member, "Explain") == 0 && o->is_mux) {
                        /* SPEC's a(sss), or a(ssss) (member and source apart) for br-lan. */
                        static const char *rows3[][4] = {
                                { "SupportIPv4", "1", "" },
                                { "TcpConnectionOffloadCapacity", "4096", "eth1 udev" },
                        }, *rows4[][4] = {
                                { "SupportIPv4", "0", "lbfo0", "kernel" },
                                { "TcpConnectionOffloadCapacity", "0", "", "" },
                        };
                        bool four = strcmp(o->name, "br-lan") == 0;
                        const char *(*rows)[4] = four ? rows4 : rows3;
                        DBusMessageIter a, st;

                        reply = dbus_message_new_method_return(m);
                        dbus_message_iter_init_append(reply, &it);
                        dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, four ? "(ssss)" : "(sss)", &a);
                        for (size_t i = 0; i < 2; i++) {
                                dbus_message_iter_open_container(&a, DBUS_TYPE_STRUCT, NULL, &st);
                                for (size_t j = 0; j < (four ? 4u : 3u); j++)
                                        dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &rows[i][j]);
                                dbus_message_iter_close_container(&a, &st);
                        }
                        dbus_message_iter_close_container(&it, &a);
                }
        }
        if (!reply)
                reply = dbus_message_new_error(m, DBUS_ERROR_UNKNOWN_METHOD, member);
        dbus_connection_send(c, reply, NULL);
        dbus_message_unref(reply);
        return DBUS_HANDLER_RESULT_HANDLED;
}

static void parse_signal(char **tok, Signal *s) {
        Object *o = find(tok[1], true);

        if (o)
                strcpy(s->path, o->path);
        else
                escape(BUS_ROOT_PATH "/mux", tok[1], s->path);
        s->code = (uint32_t) strtoul(tok[2], NULL, 0);
        s->generation = strtoull(tok[3], NULL, 0);
        s->size = hex(tok[4], s->buf);
}

static void command(char *line) {
        char *tok[16] = { 0 };
        int n = 0;

        for (char *t = strtok(line, " \n"); t && n < 16; t = strtok(NULL, " \n"))
                tok[n++] = t;
        if (n == 0)
                return;
        if (strcmp(tok[0], "quit") == 0)
                exit(0);
        if (strcmp(tok[0], "nic") == 0 && n == 4) {
                Object *o = upsert(tok[1], false);

                o->hw_size = hex(tok[2], o->hw);
                o->cur_size = hex(tok[3], o->cur);
        } else if (strcmp(tok[0], "mux") == 0 && n >= 5) {
                Object *o = upsert(tok[1], true);

                o->generation = strtoull(tok[2], NULL, 0);
                o->hw_size = hex(tok[3], o->hw);
                o->cur_size = hex(tok[4], o->cur);
                for (int i = 0; i < o->n_members; i++)
                        free(o->members[i]);
                o->n_members = 0;
                for (int i = 5; i < n && o->n_members < MAX_MEMBERS; i++)
                        o->members[o->n_members++] = strdup(tok[i]);
        } else if (strcmp(tok[0], "own") == 0 && n == 2) {
                snprintf(instance_id, sizeof(instance_id), "%s", tok[1]);
                if (dbus_bus_request_name(conn, BUS_NAME, DBUS_NAME_FLAG_DO_NOT_QUEUE, NULL) !=
                    DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER) {
                        printf("error: name not acquired\n");
                        return;
                }
        } else if ((strcmp(tok[0], "added") == 0 || strcmp(tok[0], "removed") == 0) && n == 2) {
                bool added = tok[0][0] == 'a';
                Object *o = find(tok[1], true);
                DBusMessage *m;
                DBusMessageIter it, a;
                const char *iface = BUS_NAME ".Mux", *p;

                if (!o) {
                        printf("error: no such mux\n");
                        return;
                }
                p = o->path;
                m = dbus_message_new_signal(BUS_ROOT_PATH, "org.freedesktop.DBus.ObjectManager",
                                            added ? "InterfacesAdded" : "InterfacesRemoved");
                dbus_message_iter_init_append(m, &it);
                dbus_message_iter_append_basic(&it, DBUS_TYPE_OBJECT_PATH, &p);
                if (added)
                        append_interfaces(&it, o);
                else {
                        dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "s", &a);
                        dbus_message_iter_append_basic(&a, DBUS_TYPE_STRING, &iface);
                        dbus_message_iter_close_container(&it, &a);
                        o->used = false;
                }
                dbus_connection_send(conn, m, NULL);
                dbus_message_unref(m);
        } else if (strcmp(tok[0], "signal") == 0 && n == 5) {
                Signal s;

                parse_signal(tok, &s);
                send_signal(&s);
        } else if (strcmp(tok[0], "prereply") == 0 && n == 5 && n_prereply < 16)
                parse_signal(tok, &prereply[n_prereply++]);
        else {
                printf("error: bad command\n");
                return;
        }
        dbus_connection_flush(conn);
        printf("ok\n");
}

int main(int argc, char **argv) {
        DBusError error;
        char line[1024];
        int fd = -1;

        setvbuf(stdout, NULL, _IOLBF, 0);
        if (argc != 2)
                return 2;
        dbus_error_init(&error);
        conn = dbus_connection_open_private(argv[1], &error);
        if (!conn || !dbus_bus_register(conn, &error)) {
                fprintf(stderr, "fake-muxcapd: %s\n", error.message);
                return 1;
        }
        dbus_connection_set_exit_on_disconnect(conn, TRUE);
        dbus_connection_add_filter(conn, handle, NULL, NULL);
        dbus_connection_get_unix_fd(conn, &fd);
        for (;;) {
                struct pollfd p[2] = { { .fd = 0, .events = POLLIN }, { .fd = fd, .events = POLLIN } };

                while (dbus_connection_dispatch(conn) == DBUS_DISPATCH_DATA_REMAINS)
                        ;
                dbus_connection_flush(conn);
                if (poll(p, 2, -1) < 0 && errno != EINTR)
                        return 1;
                if (p[1].revents)
                        dbus_connection_read_write(conn, 0);
                if (p[0].revents) {
                        if (!fgets(line, sizeof(line), stdin))
                                return 0;
                        command(line);
                }
        }
}
