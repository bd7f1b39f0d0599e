/* SPDX-License-Identifier: MIT */
/* libmuxcap: synchronous getters (they block until muxcapd answers) */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus-path.h"
#include "client-internal.h"
#include "macro.h"
#include "schemas.h"

static void message_unrefp(DBusMessage **m) {
        if (*m)
                dbus_message_unref(*m);
}
#define _cleanup_message_ _cleanup_(message_unrefp)

/* Calls @member(@name) on the Manager: GetMux or GetNic. *ret is a new string. */
static int get_object_path(struct muxcap_client *c, const char *member, const char *name,
                           char **ret) {
        _cleanup_message_ DBusMessage *reply = NULL;
        const char *path;
        char *copy;
        int r;

        r = bus_call_method(c, BUS_ROOT_PATH, BUS_IFACE_MANAGER, member, DBUS_TYPE_STRING, &name,
                            &reply);
        if (r < 0)
                return r;
        if (!dbus_message_get_args(reply, NULL, DBUS_TYPE_OBJECT_PATH, &path, DBUS_TYPE_INVALID))
                return -EBADMSG;
        copy = strdup(path);
        if (!copy)
                return -ENOMEM;
        *ret = copy;
        return 0;
}

/* Properties.GetAll(@iface) on @path; *ret_reply holds the a{sv}. */
static int get_all(struct muxcap_client *c, const char *path, const char *iface,
                   DBusMessage **ret_reply) {
        DBusMessage *reply = NULL;
        int r;

        r = bus_call_method(c, path, DBUS_INTERFACE_PROPERTIES, "GetAll", DBUS_TYPE_STRING, &iface,
                            &reply);
        if (r < 0)
                return r;
        if (!dbus_message_has_signature(reply, "a{sv}")) {
                dbus_message_unref(reply);
                return -EBADMSG;
        }
        *ret_reply = reply;
        return 0;
}

static int decode(const uint8_t *buf, int size, struct muxcap_record *ret) {
        return muxcap_record_decode(buf, (size_t) size, ret, NULL) < 0 ? -EBADMSG : 0;
}

static int get_mux_props(struct muxcap_client *c, const char *name, DBusMessage **ret_reply,
                         MuxProps *ret) {
        _cleanup_message_ DBusMessage *reply = NULL;
        _cleanup_free_ char *path = NULL;
        DBusMessageIter it;
        int r;

        r = get_object_path(c, "GetMux", name, &path);
        if (r < 0)
                return r;
        r = get_all(c, path, BUS_IFACE_MUX, &reply);
        if (r < 0)
                return r;
        (void) dbus_message_iter_init(reply, &it);
        r = bus_read_mux_props(&it, ret);
        if (r < 0)
                return r;
        *ret_reply = steal_ptr(reply);
        return 0;
}

int muxcap_client_get_mux(struct muxcap_client *c, const char *name,
                          struct muxcap_record *ret_hw, struct muxcap_record *ret_current,
                          uint64_t *ret_generation) {
        _cleanup_message_ DBusMessage *reply = NULL;
        _cleanup_free_ char *path = NULL;
        struct muxcap_record hw, current;
        DBusMessageIter it, a;
        const uint8_t *buf = NULL;
        uint64_t gen;
        int r, n = 0;

        if (!c || !name)
                return -EINVAL;
        if (ret_current) {
                /* Both records and the generation: GetAll answers them together. */
                MuxProps p;

                r = get_mux_props(c, name, &reply, &p);
                if (r < 0)
                        return r;
                if (decode(p.hw, p.hw_size, &hw) < 0 || decode(p.current, p.current_size, &current) < 0)
                        return -EBADMSG;
                gen = p.generation;
        } else {
                r = get_object_path(c, "GetMux", name, &path);
                if (r < 0)
                        return r;
                r = bus_call_method(c, path, BUS_IFACE_MUX, "GetHardwareCapabilities",
                                    DBUS_TYPE_INVALID, NULL, &reply);
                if (r < 0)
                        return r;
                if (!dbus_message_has_signature(reply, "tay"))
                        return -EBADMSG;
                (void) dbus_message_iter_init(reply, &it);
                dbus_message_iter_get_basic(&it, &gen);
                dbus_message_iter_next(&it);
                dbus_message_iter_recurse(&it, &a);
                dbus_message_iter_get_fixed_array(&a, &buf, &n);
                if (decode(buf, n, &hw) < 0)
                        return -EBADMSG;
        }
        if (ret_hw)
                *ret_hw = hw;
        if (ret_current)
                *ret_current = current;
        if (ret_generation)
                *ret_generation = gen;
        return 0;
}

/* The byte-array properties of a NIC's GetAll answer: its records of both types (NULL when
 * absent). */
static void read_nic_records(DBusMessage *reply, MuxProps *p) {
        DBusMessageIter it, entries;

        *p = (MuxProps) { .ifindex = 0 };
        (void) dbus_message_iter_init(reply, &it);
        dbus_message_iter_recurse(&it, &entries);
        for (; dbus_message_iter_get_arg_type(&entries) == DBUS_TYPE_DICT_ENTRY;
             dbus_message_iter_next(&entries)) {
                DBusMessageIter entry, v, bytes;
                const char *key;
                const uint8_t *buf = NULL;
                int n = 0;

                dbus_message_iter_recurse(&entries, &entry);
                dbus_message_iter_get_basic(&entry, &key);
                dbus_message_iter_next(&entry);
                dbus_message_iter_recurse(&entry, &v);
                if (dbus_message_iter_get_arg_type(&v) != DBUS_TYPE_ARRAY ||
                    dbus_message_iter_get_element_type(&v) != DBUS_TYPE_BYTE)
                        continue;
                dbus_message_iter_recurse(&v, &bytes);
                dbus_message_iter_get_fixed_array(&bytes, &buf, &n);
                if (streq(key, "HardwareCapabilities"))
                        p->hw = buf, p->hw_size = n;
                else if (streq(key, "CurrentConfig"))
                        p->current = buf, p->current_size = n;
                else if (streq(key, "TaskOffloadHardwareCapabilities"))
                        p->task_hw = buf, p->task_hw_size = n;
                else if (streq(key, "TaskOffloadCurrentConfig"))
                        p->task_current = buf, p->task_current_size = n;
        }
}

/* NIC @name's GetAll answer into *ret_reply, and its records (pointing into it) into *ret. */
static int get_nic_records(struct muxcap_client *c, const char *name, DBusMessage **ret_reply,
                           MuxProps *ret) {
        _cleanup_message_ DBusMessage *reply = NULL;
        _cleanup_free_ char *path = NULL;
        int r;

        r = get_object_path(c, "GetNic", name, &path);
        if (r < 0)
                return r;
        r = get_all(c, path, BUS_IFACE_NIC, &reply);
        if (r < 0)
                return r;
        /* A NIC has no Generation: bus_read_mux_props() would refuse it. */
        read_nic_records(reply, ret);
        *ret_reply = steal_ptr(reply);
        return 0;
}

int muxcap_client_get_nic(struct muxcap_client *c, const char *name,
                          struct muxcap_record *ret_hw, struct muxcap_record *ret_current) {
        _cleanup_message_ DBusMessage *reply = NULL;
        struct muxcap_record hw, current;
        MuxProps p;
        int r;

        if (!c || !name)
                return -EINVAL;
        r = get_nic_records(c, name, &reply, &p);
        if (r < 0)
                return r;
        if (!p.hw || !p.current || decode(p.hw, p.hw_size, &hw) < 0 ||
            decode(p.current, p.current_size, &current) < 0)
                return -EBADMSG;
        if (ret_hw)
                *ret_hw = hw;
        if (ret_current)
                *ret_current = current;
        return 0;
}

struct muxcap_mux_info *muxcap_mux_info_free(struct muxcap_mux_info *info) {
        if (!info)
                return NULL;
        free(info->name);
        free(info->kind);
        free(info->capacity_policy);
        if (info->members)
                for (char **m = info->members; *m; m++)
                        free(*m);
        free(info->members);
        free(info);
        return NULL;
}

struct muxcap_mux_info **muxcap_mux_info_list_free(struct muxcap_mux_info **list) {
        if (!list)
                return NULL;
        for (struct muxcap_mux_info **i = list; *i; i++)
                (void) muxcap_mux_info_free(*i);
        free(list);
        return NULL;
}

static char *strdup_or_empty(const char *s) {
        return strdup(s ? s : "");
}

/* Copies @p (borrowed from a message) into a new struct muxcap_mux_info. */
static int mux_info_from_props(const MuxProps *p, struct muxcap_mux_info **ret) {
        struct muxcap_mux_info *info;
        DBusMessageIter members;
        size_t n = 0;

        info = calloc(1, sizeof(*info));
        if (!info)
                return -ENOMEM;
        info->ifindex = p->ifindex;
        info->generation = p->generation;
        info->name = strdup_or_empty(p->name);
        info->kind = strdup_or_empty(p->kind);
        info->capacity_policy = strdup_or_empty(p->capacity_policy);
        info->members = calloc(1, sizeof(char *));
        if (!info->name || !info->kind || !info->capacity_policy || !info->members) {
                (void) muxcap_mux_info_free(info);
                return -ENOMEM;
        }
        if (decode(p->hw, p->hw_size, &info->hardware) < 0 ||
            decode(p->current, p->current_size, &info->current) < 0) {
                (void) muxcap_mux_info_free(info);
                return -EBADMSG;
        }
        if (p->has_members) {
                members = p->members;
                for (; dbus_message_iter_get_arg_type(&members) == DBUS_TYPE_STRING;
                     dbus_message_iter_next(&members)) {
                        const char *s;
                        char **a;

                        dbus_message_iter_get_basic(&members, &s);
                        a = realloc(info->members, (n + 2) * sizeof(char *));
                        if (!a) {
                                (void) muxcap_mux_info_free(info);
                                return -ENOMEM;
                        }
                        info->members = a;
                        a[n + 1] = NULL;
                        a[n] = strdup(s);
                        if (!a[n]) {
                                (void) muxcap_mux_info_free(info);
                                return -ENOMEM;
                        }
                        n++;
                }
        }
        *ret = info;
        return 0;
}

int muxcap_client_get_mux_info(struct muxcap_client *c, const char *name,
                               struct muxcap_mux_info **ret) {
        _cleanup_message_ DBusMessage *reply = NULL;
        MuxProps p;
        int r;

        if (!c || !name || !ret)
                return -EINVAL;
        r = get_mux_props(c, name, &reply, &p);
        if (r < 0)
                return r;
        return mux_info_from_props(&p, ret);
}

static int mux_info_compare(const void *a, const void *b) {
        return strcmp((*(struct muxcap_mux_info *const *) a)->name,
                      (*(struct muxcap_mux_info *const *) b)->name);
}

int muxcap_client_list_muxes(struct muxcap_client *c, struct muxcap_mux_info ***ret) {
        _cleanup_message_ DBusMessage *reply = NULL;
        struct muxcap_mux_info **list;
        DBusMessageIter it, objects;
        size_t n = 0;
        int r;

        if (!c || !ret)
                return -EINVAL;
        r = bus_call_method(c, BUS_ROOT_PATH, BUS_IFACE_OBJECT_MANAGER, "GetManagedObjects",
                            DBUS_TYPE_INVALID, NULL, &reply);
        if (r < 0)
                return r;
        if (!dbus_message_has_signature(reply, "a{oa{sa{sv}}}"))
                return -EBADMSG;
        list = calloc(1, sizeof(*list));
        if (!list)
                return -ENOMEM;
        (void) dbus_message_iter_init(reply, &it);
        dbus_message_iter_recurse(&it, &objects);
        for (; dbus_message_iter_get_arg_type(&objects) == DBUS_TYPE_DICT_ENTRY;
             dbus_message_iter_next(&objects)) {
                DBusMessageIter entry, props;
                struct muxcap_mux_info **a;
                MuxProps p;

                dbus_message_iter_recurse(&objects, &entry);
                dbus_message_iter_next(&entry);
                if (bus_iter_has_interface(&entry, BUS_IFACE_MUX, &props) <= 0)
                        continue;
                r = bus_read_mux_props(&props, &p);
                if (r >= 0) {
                        a = realloc(list, (n + 2) * sizeof(*list));
                        if (!a)
                                r = -ENOMEM;
                        else {
                                list = a;
                                list[n + 1] = NULL;
                                r = mux_info_from_props(&p, &list[n]);
                                if (r >= 0)
                                        n++;
                                else
                                        list[n] = NULL;
                        }
                }
                if (r < 0) {
                        (void) muxcap_mux_info_list_free(list);
                        return r;
                }
        }
        if (n > 0)
                qsort(list, n, sizeof(*list), mux_info_compare);
        *ret = list;
        return 0;
}

struct muxcap_explanation *muxcap_explanations_free(struct muxcap_explanation *e, size_t n) {
        if (!e)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                free(e[i].field);
                free(e[i].value);
                free(e[i].member);
                free(e[i].source);
        }
        free(e);
        return NULL;
}

/* Appends a copy of (@field, @value, the first @member_len bytes of @member, @source) to
 * *@list of *@n entries; on failure frees the list. */
static int explanations_append(struct muxcap_explanation **list, size_t *n, const char *field,
                               const char *value, const char *member, size_t member_len,
                               const char *source) {
        struct muxcap_explanation *l, *e;

        l = realloc(*list, (*n + 1) * sizeof(*l));
        if (!l) {
                *list = muxcap_explanations_free(*list, *n);
                return -ENOMEM;
        }
        *list = l;
        e = &l[(*n)++];
        *e = (struct muxcap_explanation) {
                .field = strdup(field),
                .value = strdup(value),
                .member = strndup(member, member_len),
                .source = strdup(source),
        };
        if (!e->field || !e->value || !e->member || !e->source) {
                *list = muxcap_explanations_free(*list, *n);
                return -ENOMEM;
        }
        return 0;
}

/* @method (Explain, ExplainRecord with *@code, ExplainAdvertised): each answers a(ssss). */
static int explain(struct muxcap_client *c, const char *name, const char *method,
                   const uint32_t *code, struct muxcap_explanation **ret, size_t *ret_n) {
        _cleanup_message_ DBusMessage *reply = NULL;
        _cleanup_free_ char *path = NULL;
        struct muxcap_explanation *list = NULL;
        DBusMessageIter it, a;
        size_t n = 0;
        bool four;
        int r;

        if (!c || !name || !ret || !ret_n)
                return -EINVAL;
        r = get_object_path(c, "GetMux", name, &path);
        if (r < 0)
                return r;
        r = bus_call_method(c, path, BUS_IFACE_MUX, method,
                            code ? DBUS_TYPE_UINT32 : DBUS_TYPE_INVALID, code, &reply);
        if (r < 0)
                return r;
        four = dbus_message_has_signature(reply, "a(ssss)");
        if (!four && !dbus_message_has_signature(reply, "a(sss)"))
                return -EBADMSG;
        (void) dbus_message_iter_init(reply, &it);
        dbus_message_iter_recurse(&it, &a);
        for (; dbus_message_iter_get_arg_type(&a) == DBUS_TYPE_STRUCT; dbus_message_iter_next(&a)) {
                DBusMessageIter st;
                const char *s[4] = { "", "", "", "" };
                size_t member_len;

                dbus_message_iter_recurse(&a, &st);
                for (size_t i = 0; i < (four ? 4u : 3u); i++) {
                        dbus_message_iter_get_basic(&st, &s[i]);
                        dbus_message_iter_next(&st);
                }
                member_len = strlen(s[2]);
                if (!four) {
                        /* "member source": the source is the last word. */
                        const char *space = strrchr(s[2], ' ');

                        s[3] = space ? space + 1 : s[2];
                        member_len = space ? (size_t) (space - s[2]) : 0;
                }
                r = explanations_append(&list, &n, s[0], s[1], s[2], member_len, s[3]);
                if (r < 0)
                        return r;
        }
        *ret = list;
        *ret_n = n;
        return 0;
}

int muxcap_client_explain(struct muxcap_client *c, const char *name,
                          struct muxcap_explanation **ret, size_t *ret_n) {
        return explain(c, name, "Explain", NULL, ret, ret_n);
}

int muxcap_client_explain_record(struct muxcap_client *c, const char *name, uint32_t status_code,
                                 struct muxcap_explanation **ret, size_t *ret_n) {
        return explain(c, name, "ExplainRecord", &status_code, ret, ret_n);
}

struct muxcap_advertised *muxcap_advertised_free(struct muxcap_advertised *a, size_t n) {
        for (size_t i = 0; a && i < n; i++) {
                free(a[i].field);
                free(a[i].advertised);
                free(a[i].aggregate);
                free(a[i].member);
        }
        free(a);
        return NULL;
}

/* ExplainAdvertised's rows come as (field, advertised, aggregate, member): parsed as
 * explanations, then moved over. */
int muxcap_client_explain_advertised(struct muxcap_client *c, const char *name,
                                     struct muxcap_advertised **ret, size_t *ret_n) {
        struct muxcap_explanation *e = NULL;
        struct muxcap_advertised *a;
        size_t n = 0;
        int r;

        if (!ret || !ret_n)
                return -EINVAL;
        r = explain(c, name, "ExplainAdvertised", NULL, &e, &n);
        if (r < 0)
                return r;
        a = calloc(n + 1, sizeof(*a));
        if (!a) {
                (void) muxcap_explanations_free(e, n);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++)
                a[i] = (struct muxcap_advertised) { e[i].field, e[i].value, e[i].member, e[i].source };
        free(e);
        *ret = a;
        *ret_n = n;
        return 0;
}

int muxcap_client_get_record(struct muxcap_client *c, const char *name, uint32_t status_code,
                             uint64_t *ret_generation, uint8_t *buf, size_t size, size_t *ret_size) {
        _cleanup_message_ DBusMessage *reply = NULL;
        _cleanup_free_ char *path = NULL;
        DBusMessageIter it, a;
        const uint8_t *bytes = NULL;
        dbus_uint32_t code = status_code;
        uint64_t gen;
        int r, n = 0;

        if (!c || !name || !buf || !ret_size)
                return -EINVAL;
        r = get_object_path(c, "GetMux", name, &path);
        if (r < 0)
                return r;
        r = bus_call_method(c, path, BUS_IFACE_MUX, "GetRecord", DBUS_TYPE_UINT32, &code, &reply);
        if (r < 0)
                return r;
        if (!dbus_message_has_signature(reply, "tay"))
                return -EBADMSG;
        (void) dbus_message_iter_init(reply, &it);
        dbus_message_iter_get_basic(&it, &gen);
        dbus_message_iter_next(&it);
        dbus_message_iter_recurse(&it, &a);
        dbus_message_iter_get_fixed_array(&a, &bytes, &n);
        if ((size_t) n > size)
                return -ENOBUFS;
        memcpy(buf, bytes, (size_t) n);
        *ret_size = (size_t) n;
        if (ret_generation)
                *ret_generation = gen;
        return 0;
}

int muxcap_client_get_nic_task(struct muxcap_client *c, const char *name,
                               struct muxcap_task_record *ret_hw,
                               struct muxcap_task_record *ret_current) {
        _cleanup_message_ DBusMessage *reply = NULL;
        struct muxcap_task_record hw, current;
        MuxProps p;
        int r;

        if (!c || !name)
                return -EINVAL;
        r = get_nic_records(c, name, &reply, &p);
        if (r < 0)
                return r;
        if (!p.task_hw || !p.task_current ||
            muxcap_task_record_decode(p.task_hw, (size_t) p.task_hw_size, &hw, NULL) < 0 ||
            muxcap_task_record_decode(p.task_current, (size_t) p.task_current_size, &current,
                                      NULL) < 0)
                return -EBADMSG;
        if (ret_hw)
                *ret_hw = hw;
        if (ret_current)
                *ret_current = current;
        return 0;
}

/* Whether the value at @it has D-Bus signature @want. */
static bool iter_has_signature(DBusMessageIter *it, const char *want) {
        char *sig = dbus_message_iter_get_signature(it);
        bool r = sig && streq(sig, want);

        dbus_free(sig);
        return r;
}

/* The two strings of the {ss} entry at @a. */
static void read_string_pair(DBusMessageIter *a, const char **ret_key, const char **ret_value) {
        DBusMessageIter kv;

        dbus_message_iter_recurse(a, &kv);
        dbus_message_iter_get_basic(&kv, ret_key);
        dbus_message_iter_next(&kv);
        dbus_message_iter_get_basic(&kv, ret_value);
}

/* Sources names only the fields whose source is not the kernel (docs/dbus-api.md): every
 * field of both schemas comes back, "kernel" where it is absent, and a name neither schema
 * knows (a newer daemon's) after them, as given. */
int muxcap_client_get_nic_sources(struct muxcap_client *c, const char *name,
                                  struct muxcap_explanation **ret, size_t *ret_n) {
        const RecordSchema *const schemas[] = { &schema_tcp_connection_offload, &schema_task_offload };
        const char *source[ELEMENTSOF(schemas)][SCHEMA_FIELDS_MAX];
        _cleanup_message_ DBusMessage *reply = NULL;
        _cleanup_free_ char *path = NULL;
        struct muxcap_explanation *list = NULL;
        DBusMessageIter it, entries, v, a;
        bool found = false;
        size_t n = 0;
        int r;

        if (!c || !name || !ret || !ret_n)
                return -EINVAL;
        r = get_object_path(c, "GetNic", name, &path);
        if (r < 0)
                return r;
        r = get_all(c, path, BUS_IFACE_NIC, &reply);
        if (r < 0)
                return r;
        for (size_t k = 0; k < ELEMENTSOF(schemas); k++)
                for (size_t f = 0; f < schemas[k]->n_fields; f++)
                        source[k][f] = "kernel";
        (void) dbus_message_iter_init(reply, &it);
        for (dbus_message_iter_recurse(&it, &entries);
             !found && dbus_message_iter_get_arg_type(&entries) == DBUS_TYPE_DICT_ENTRY;
             dbus_message_iter_next(&entries)) {
                DBusMessageIter entry;
                const char *key;

                dbus_message_iter_recurse(&entries, &entry);
                dbus_message_iter_get_basic(&entry, &key);
                dbus_message_iter_next(&entry);
                dbus_message_iter_recurse(&entry, &v);
                found = streq(key, "Sources");
        }
        if (!found || !iter_has_signature(&v, "a{ss}"))
                return -EBADMSG;
        for (dbus_message_iter_recurse(&v, &a); dbus_message_iter_get_arg_type(&a) == DBUS_TYPE_DICT_ENTRY;
             dbus_message_iter_next(&a)) {
                const char *field, *src;
                bool known = false;

                read_string_pair(&a, &field, &src);
                for (size_t k = 0; k < ELEMENTSOF(schemas) && !known; k++) {
                        int f = schema_field_from_name(schemas[k], field);
                        if (f >= 0) {
                                source[k][f] = src;
                                known = true;
                        }
                }
        }
        for (size_t k = 0; k < ELEMENTSOF(schemas); k++)
                for (size_t f = 0; f < schemas[k]->n_fields; f++) {
                        r = explanations_append(&list, &n, schemas[k]->fields[f].name, "", name,
                                                strlen(name), source[k][f]);
                        if (r < 0)
                                return r;
                }
        for (dbus_message_iter_recurse(&v, &a); dbus_message_iter_get_arg_type(&a) == DBUS_TYPE_DICT_ENTRY;
             dbus_message_iter_next(&a)) {
                const char *field, *src;

                read_string_pair(&a, &field, &src);
                if (schema_field_from_name(schemas[0], field) >= 0 ||
                    schema_field_from_name(schemas[1], field) >= 0)
                        continue;
                r = explanations_append(&list, &n, field, "", name, strlen(name), src);
                if (r < 0)
                        return r;
        }
        *ret = list;
        *ret_n = n;
        return 0;
}

/* Resync() or Reload() on the Manager: both take and return nothing. */
static int call_manager(struct muxcap_client *c, const char *member) {
        _cleanup_message_ DBusMessage *reply = NULL;

        if (!c)
                return -EINVAL;
        return bus_call_method(c, BUS_ROOT_PATH, BUS_IFACE_MANAGER, member, DBUS_TYPE_INVALID,
                               NULL, &reply);
}

int muxcap_client_resync(struct muxcap_client *c) {
        return call_manager(c, "Resync");
}

int muxcap_client_reload(struct muxcap_client *c) {
        return call_manager(c, "Reload");
}
