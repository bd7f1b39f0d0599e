/* SPDX-License-Identifier: MIT */
/* muxcapctl show, explain and advertised: a MUX's or a NIC's records for people and scripts */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "muxcap/muxcap.h"

/* "the system bus", "the session bus" or "the bus at 'ADDRESS'", for messages. */
static void print_bus(const Ctl *ctl) {
        if (!ctl->bus || strcmp(ctl->bus, "system") == 0 || strcmp(ctl->bus, "session") == 0)
                fprintf(stderr, "the %s bus", ctl->bus ? ctl->bus : "system");
        else
                fprintf(stderr, "the bus at '%s'", ctl->bus);
}

/* Says why a call to muxcapd failed, once, and returns the exit status; @c (or NULL) knows
 * what refused a call, and which method. */
int ctl_daemon_error(const Ctl *ctl, const struct muxcap_client *c, const char *verb,
                     const char *what, const char *name, int r) {
        if (r == -EACCES && *muxcap_client_get_error_message(c))
                fprintf(stderr, "muxcapctl: %s: %s\n", verb, muxcap_client_get_error_message(c));
        else if (r == -ENOENT && name)
                fprintf(stderr, "muxcapctl: %s: '%s': no such %s\n", verb, name, what);
        else if (r == -EHOSTDOWN) {
                fprintf(stderr, "muxcapctl: %s: muxcapd is not running on ", verb);
                print_bus(ctl);
                fputc('\n', stderr);
        } else if (r == -ECONNRESET) {
                fprintf(stderr, "muxcapctl: %s: lost the connection to ", verb);
                print_bus(ctl);
                fputc('\n', stderr);
        } else if (*muxcap_client_get_error_message(c))
                fprintf(stderr, "muxcapctl: %s: %s\n", verb, muxcap_client_get_error_message(c));
        else if (name)
                fprintf(stderr, "muxcapctl: %s: '%s': %s\n", verb, name, strerror(-r));
        else
                fprintf(stderr, "muxcapctl: %s: %s\n", verb, strerror(-r));
        return EXIT_DAEMON;
}

/* Connects to the bus @ctl names; says why not and returns the exit status on failure. */
int ctl_connect(const Ctl *ctl, const char *verb, struct muxcap_client **ret) {
        int r = muxcap_client_new(ret, ctl->bus);

        if (r < 0) {
                fprintf(stderr, "muxcapctl: %s: cannot connect to ", verb);
                print_bus(ctl);
                fprintf(stderr, ": %s\n", strerror(-r));
                return EXIT_DAEMON;
        }
        return 0;
}

/* MUX @info's records of the types in @records: the connection records from @info (one
 * answer, with its generation), the task-offload records by GetRecord (each with its
 * generation); the others get status_code 0. */
int ctl_get_mux_records(struct muxcap_client *c, const struct muxcap_mux_info *info,
                        unsigned records, CtlRecord ret[4]) {
        for (size_t k = 0; k < 4; k++) {
                uint8_t buf[512];
                size_t size = 0;
                uint64_t gen = 0;
                int r;

                ret[k] = (CtlRecord) { .type = ctl_codes[k].type };
                if (!records_has(records, ctl_codes[k].type))
                        continue;
                if (ctl_codes[k].type == RECORD_CONNECTION) {
                        ctl_record_from_connection(&ret[k], k == 0 ? &info->hardware : &info->current,
                                                   ctl_codes[k].code, info->generation);
                        continue;
                }
                r = muxcap_client_get_record(c, info->name, ctl_codes[k].code, &gen, buf,
                                             sizeof(buf), &size);
                if (r < 0)
                        return r;
                if (ctl_record_from_buffer(&ret[k], buf, size, ctl_codes[k].code, gen, NULL) < 0)
                        return -EBADMSG;
        }
        return 0;
}

/* A fact of the task-offload record that matters to people, shown as one row of show's
 * summary: the words of its fields that are not zero ("" shows the value itself, a word
 * ending in '=' the word and the value). The first field's limiting member is the row's. */
typedef struct Fact {
        const char *label;
        const char *keys[6];
        const char *words[6];
} Fact;

static const Fact task_facts[] = {
        { "checksum ipv4 tx",
          { "checksum_ipv4_transmit_tcp_checksum", "checksum_ipv4_transmit_udp_checksum",
            "checksum_ipv4_transmit_ip_checksum" }, { "tcp", "udp", "ip" } },
        { "checksum ipv4 rx",
          { "checksum_ipv4_receive_tcp_checksum", "checksum_ipv4_receive_udp_checksum",
            "checksum_ipv4_receive_ip_checksum" }, { "tcp", "udp", "ip" } },
        { "checksum ipv6 tx",
          { "checksum_ipv6_transmit_tcp_checksum", "checksum_ipv6_transmit_udp_checksum",
            "checksum_ipv6_transmit_ip_extension_headers_supported" },
          { "tcp", "udp", "ext-headers" } },
        { "checksum ipv6 rx",
          { "checksum_ipv6_receive_tcp_checksum", "checksum_ipv6_receive_udp_checksum",
            "checksum_ipv6_receive_ip_extension_headers_supported" },
          { "tcp", "udp", "ext-headers" } },
        { "lso ipv4 (tso)", { "lso_v2_ipv4_max_offload_size" }, { "" } },
        { "lso ipv6 (tso6)", { "lso_v2_ipv6_max_offload_size" }, { "" } },
        { "uso ipv4", { "udp_segmentation_ipv4_max_offload_size" }, { "" } },
        { "uso ipv6", { "udp_segmentation_ipv6_max_offload_size" }, { "" } },
        { "gre",
          { "encapsulated_packet_task_offload_gre_lso_v2_supported",
            "encapsulated_packet_task_offload_gre_transmit_checksum_offload_supported",
            "encapsulated_packet_task_offload_gre_receive_checksum_offload_supported",
            "encapsulated_packet_task_offload_gre_uso_supported" },
          { "lso", "tx-csum", "rx-csum", "uso" } },
        { "vxlan",
          { "encapsulated_packet_task_offload_vxlan_lso_v2_supported",
            "encapsulated_packet_task_offload_vxlan_transmit_checksum_offload_supported",
            "encapsulated_packet_task_offload_vxlan_receive_checksum_offload_supported",
            "encapsulated_packet_task_offload_vxlan_uso_supported",
            "encapsulated_packet_task_offload_vxlan_vxlan_udp_port_number" },
          { "lso", "tx-csum", "rx-csum", "uso", "port=" } },
        { "ipsec esp", { "ipsec_v2_esp", "ipsec_v2_lso_supported" }, { "esp", "lso" } },
        { "rsc (gro-hw, lro)", { "rsc_ipv4_enabled", "rsc_ipv6_enabled" }, { "ipv4", "ipv6" } },
};

static void fact_format(const Fact *fact, const CtlRecord *r, char *buf, size_t size) {
        size_t n = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < 6 && fact->keys[i]; i++) {
                uint32_t v = ctl_record_get(r, fact->keys[i]);
                const char *w = fact->words[i];
                size_t len = strlen(w);

                if (!v)
                        continue;
                if (len == 0 || w[len - 1] == '=')
                        n += (size_t) snprintf(buf + n, size > n ? size - n : 0, "%s%s%" PRIu32,
                                               n ? "," : "", w, v);
                else
                        n += (size_t) snprintf(buf + n, size > n ? size - n : 0, "%s%s",
                                               n ? "," : "", w);
        }
        if (n == 0)
                snprintf(buf, size, "no");
}

static bool fact_covers(const char *json) {
        for (size_t f = 0; f < sizeof(task_facts) / sizeof(task_facts[0]); f++)
                for (size_t i = 0; i < 6 && task_facts[f].keys[i]; i++)
                        if (strcmp(task_facts[f].keys[i], json) == 0)
                                return true;
        return false;
}

/* Fields that only qualify a fact (its framing, option support, segment counts, the LSO v1
 * copy of LSO v2's IPv4 size): shown with --all, not in the summary. */
static bool field_is_detail(const char *json) {
        static const char *const parts[] = {
                "encapsulation", "_options", "min_segment_count", "lso_v1_", "_extension_headers",
                "sub_mss_final_segment", "_reserved", "encapsulation_types", "vxlan_udp_port",
        };

        for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
                if (strstr(json, parts[i]))
                        return true;
        return false;
}

/* "member (source)" from explanation @e, or "" when no member limits it. */
static void limit_format(const struct muxcap_explanation *e, size_t n, size_t i, char *buf,
                         size_t size) {
        buf[0] = '\0';
        if (i < n && e[i].member[0])
                snprintf(buf, size, "%s (%s)", e[i].member, e[i].source[0] ? e[i].source : "?");
        else if (i < n && (strcmp(e[i].source, "udev") == 0 || strcmp(e[i].source, "config") == 0))
                snprintf(buf, size, "(%s)", e[i].source);       /* declared on the MUX */
}

/* What the last column of a summary says of field @i: for a MUX the member that limits it
 * (the hardware record's, or the current config's where the two differ), for a NIC the
 * source of its value. */
typedef struct Column {
        const char *title;
        const struct muxcap_explanation *e[2];  /* borrowed; MUX: hardware, current */
        size_t n_e[2];
        const char *const *source;              /* borrowed; NIC: by field index */
} Column;

static void column_format(const Column *col, bool differs, size_t i, char *buf, size_t size) {
        if (col->source)
                snprintf(buf, size, "%s", col->source[i] ? col->source[i] : "");
        else
                limit_format(col->e[differs], col->n_e[differs], i, buf, size);
}

/* Both records of one type as a summary: the facts (task) and every field not zero in
 * either record; or, with --all, every field. */
static void print_type_summary(const Ctl *ctl, RecordType type, const CtlRecord *hw,
                               const CtlRecord *cur, const Column *col) {
        Table *t = ctl_table_new(4, type == RECORD_TASK ? "TASK OFFLOAD" : "CONNECTION OFFLOAD",
                                 "HARDWARE", "CURRENT", col->title);

        if (type == RECORD_TASK && !ctl->all)
                for (size_t f = 0; f < sizeof(task_facts) / sizeof(task_facts[0]); f++) {
                        char h[128], c[128], third[160];
                        int i = ctl_field_lookup(RECORD_TASK, task_facts[f].keys[0]);

                        fact_format(&task_facts[f], hw, h, sizeof(h));
                        fact_format(&task_facts[f], cur, c, sizeof(c));
                        column_format(col, strcmp(h, c) != 0, (size_t) i, third, sizeof(third));
                        ctl_table_add(t, task_facts[f].label, h, c, third);
                }
        for (size_t i = 0; i < ctl_field_count(type); i++) {
                const char *json = ctl_field_json(type, i);
                char h[128], c[128], third[160];

                if (!ctl->all && ((type == RECORD_TASK && (fact_covers(json) || field_is_detail(json))) ||
                                  (!hw->value[i] && !cur->value[i])))
                        continue;
                ctl_record_format_value(hw, i, h, sizeof(h));
                ctl_record_format_value(cur, i, c, sizeof(c));
                column_format(col, hw->value[i] != cur->value[i], i, third, sizeof(third));
                ctl_table_add(t, ctl_field_name(type, i), h, c, third);
        }
        if (type == RECORD_CONNECTION) {
                bool h = ctl_record_chimney_capable(hw), c = ctl_record_chimney_capable(cur);
                char third[160];

                column_format(col, h != c, CONNECTION_CAPACITY, third, sizeof(third));
                ctl_table_add(t, "tcp chimney", h ? "yes" : "no", c ? "yes" : "no", third);
        }
        ctl_table_print(t, stdout, ctl->color, NULL);
        t = ctl_table_free(t);
}

typedef struct Explained {
        struct muxcap_explanation *e[4];
        size_t n[4];
} Explained;

static void explained_done(Explained *x) {
        for (size_t k = 0; k < 4; k++)
                x->e[k] = muxcap_explanations_free(x->e[k], x->n[k]);
}

static int explain_all(struct muxcap_client *c, const char *mux, unsigned records, Explained *ret) {
        *ret = (Explained) { 0 };
        for (size_t k = 0; k < 4; k++) {
                int r;

                if (!records_has(records, ctl_codes[k].type))
                        continue;
                r = muxcap_client_explain_record(c, mux, ctl_codes[k].code, &ret->e[k], &ret->n[k]);
                if (r < 0) {
                        explained_done(ret);
                        return r;
                }
        }
        return 0;
}

/* NIC @name's four records; those of types not in @records get status_code 0. */
static int get_nic_records(struct muxcap_client *c, const char *name, unsigned records,
                           CtlRecord rec[4]) {
        struct muxcap_record hw, cur;
        struct muxcap_task_record thw, tcur;
        int r = muxcap_client_get_nic(c, name, &hw, &cur);

        if (r >= 0)
                r = muxcap_client_get_nic_task(c, name, &thw, &tcur);
        if (r < 0)
                return r;
        ctl_record_from_connection(&rec[0], &hw, ctl_codes[0].code, 0);
        ctl_record_from_connection(&rec[1], &cur, ctl_codes[1].code, 0);
        ctl_record_from_task(&rec[2], &thw, ctl_codes[2].code, 0);
        ctl_record_from_task(&rec[3], &tcur, ctl_codes[3].code, 0);
        for (size_t k = 0; k < 4; k++)
                if (!records_has(records, ctl_codes[k].type))
                        rec[k].status_code = 0;
        return 0;
}

/* A member's records, as a NIC or else as a nested MUX; type NULL when muxcapd knows
 * neither (gone since). */
static int get_member(struct muxcap_client *c, const char *name, unsigned records,
                      const char **ret_type, CtlRecord rec[4]) {
        struct muxcap_mux_info *info = NULL;
        int r = get_nic_records(c, name, records, rec);

        *ret_type = NULL;
        if (r >= 0) {
                *ret_type = "nic";
                return 0;
        }
        if (r != -ENOENT)
                return r;
        r = muxcap_client_get_mux_info(c, name, &info);
        if (r >= 0)
                r = ctl_get_mux_records(c, info, records, rec);
        if (r >= 0)
                *ret_type = "mux";
        info = muxcap_mux_info_free(info);
        return r == -ENOENT ? 0 : r;
}

static int show_mux(const Ctl *ctl, struct muxcap_client *c, const char *name) {
        struct muxcap_mux_info *info = NULL;
        CtlRecord rec[4], member[4];
        Explained x = { 0 };
        char summary[512] = "";
        int r;

        r = muxcap_client_get_mux_info(c, name, &info);
        if (r >= 0)
                r = ctl_get_mux_records(c, info, ctl->records, rec);
        if (r >= 0 && !ctl->json)
                r = explain_all(c, name, ctl->records, &x);
        if (r < 0) {
                info = muxcap_mux_info_free(info);
                return r;
        }
        ctl_summary(ctl->records, rec, summary, sizeof(summary));
        if (ctl->json) {
                fputs("{\"mux\":", stdout);
                ctl_print_mux_json(stdout, info, rec, summary);
                fputs(",\"member_records\":[", stdout);
        } else {
                ctl_print_title(stdout, ctl->color, "%s: %s, ifindex %" PRId32 ", generation %"
                                PRIu64 ", capacity policy %s", info->name, info->kind,
                                info->ifindex, info->generation, info->capacity_policy);
                printf("offloads now: %s\n", summary);
        }
        for (size_t i = 0; info->members[i]; i++) {
                const char *type = NULL;

                r = get_member(c, info->members[i], ctl->records, &type, member);
                if (r < 0)
                        break;
                if (ctl->json) {
                        fputs(i ? ",{\"name\":" : "{\"name\":", stdout);
                        ctl_print_json_string(stdout, info->members[i]);
                        fputs(",\"type\":", stdout);
                        ctl_print_json_string_or_null(stdout, type);
                        fputs(",\"records\":", stdout);
                        if (type)
                                ctl_print_records_json(stdout, member);
                        else
                                fputs("{}", stdout);
                        fputc('}', stdout);
                        continue;
                }
                if (i == 0)
                        printf("members:\n");
                if (type)
                        ctl_summary(ctl->records, member, summary, sizeof(summary));
                else
                        snprintf(summary, sizeof(summary), "unknown to muxcapd");
                printf("  %s (%s)%s%s\n", info->members[i], type ? type : "?",
                       summary[0] ? ": " : "", summary);
        }
        if (r >= 0 && ctl->json)
                fputs("]}\n", stdout);
        else if (r >= 0) {
                if (!info->members[0])
                        printf("members: none\n");
                for (size_t t = _RECORD_TYPE_MAX; t-- > 0;) {
                        const Column col = {
                                .title = "LIMITED BY",
                                .e = { x.e[2 * t], x.e[2 * t + 1] },
                                .n_e = { x.n[2 * t], x.n[2 * t + 1] },
                        };

                        if (!records_has(ctl->records, t))
                                continue;
                        putchar('\n');
                        print_type_summary(ctl, (RecordType) t, &rec[2 * t], &rec[2 * t + 1], &col);
                }
                if (!ctl->all)
                        printf("\n(fields not shown are 0; 'muxcapctl show --all %s' shows all)\n",
                               info->name);
        }
        explained_done(&x);
        info = muxcap_mux_info_free(info);
        return r;
}

/* The JSON key of a Sources field: the connection record's D-Bus names and the task
 * record's dotted names both become snake_case. */
static const char *source_json_key(const char *field, RecordType *ret_type) {
        for (RecordType t = 0; t < _RECORD_TYPE_MAX; t++) {
                int i = ctl_field_lookup(t, field);

                if (i >= 0) {
                        *ret_type = t;
                        return ctl_field_json(t, (size_t) i);
                }
        }
        return NULL;
}

static int show_nic(const Ctl *ctl, struct muxcap_client *c, const char *name) {
        struct muxcap_explanation *src = NULL;
        CtlRecord rec[4];
        size_t n_src = 0;
        int r;

        r = get_nic_records(c, name, ctl->records, rec);
        if (r >= 0)
                r = muxcap_client_get_nic_sources(c, name, &src, &n_src);
        if (r < 0)
                return r;
        if (ctl->json) {
                fputs("{\"nic\":{\"name\":", stdout);
                ctl_print_json_string(stdout, name);
                fputs(",\"records\":", stdout);
                ctl_print_records_json(stdout, rec);
                fputs(",\"sources\":{", stdout);
                for (RecordType t = 0, firstt = 1; t < _RECORD_TYPE_MAX; t++) {
                        bool firstf = true;

                        if (!records_has(ctl->records, t))
                                continue;
                        printf("%s\"%s\":{", firstt ? "" : ",", t == RECORD_TASK ? "task" : "connection");
                        firstt = 0;
                        for (size_t i = 0; i < n_src; i++) {
                                RecordType ft;
                                const char *key = source_json_key(src[i].field, &ft);

                                if (!key || ft != t)
                                        continue;
                                printf("%s\"%s\":", firstf ? "" : ",", key);
                                ctl_print_json_string(stdout, src[i].source);
                                firstf = false;
                        }
                        fputc('}', stdout);
                }
                fputs("}}}\n", stdout);
        } else {
                ctl_print_title(stdout, ctl->color, "%s: NIC", name);
                for (size_t t = _RECORD_TYPE_MAX; t-- > 0;) {
                        const char *source[MUXCAP_TASK_FIELDS_MAX] = { NULL };
                        const Column col = { .title = "SOURCE", .source = source };

                        if (!records_has(ctl->records, t))
                                continue;
                        for (size_t s = 0; s < n_src; s++) {
                                int i = ctl_field_lookup((RecordType) t, src[s].field);

                                if (i >= 0)
                                        source[i] = src[s].source;
                        }
                        putchar('\n');
                        print_type_summary(ctl, (RecordType) t, &rec[2 * t], &rec[2 * t + 1], &col);
                }
                if (!ctl->all)
                        printf("\n(fields not shown are 0; 'muxcapctl show --all nic %s' shows all)\n",
                               name);
        }
        src = muxcap_explanations_free(src, n_src);
        return 0;
}

/* show MUX, show nic NIC. */
int verb_show(Ctl *ctl, int argc, char **argv) {
        struct muxcap_client *c = NULL;
        bool nic = argc == 3;
        const char *name = argv[argc - 1];
        int r;

        if (nic && strcmp(argv[1], "nic") != 0)
                return ctl_usage_error("show", "expected MUX or 'nic NIC'");
        r = ctl_connect(ctl, "show", &c);
        if (r != 0)
                return r;
        r = nic ? show_nic(ctl, c, name) : show_mux(ctl, c, name);
        r = r < 0 ? ctl_daemon_error(ctl, c, "show", nic ? "NIC" : "MUX", name, r) : 0;
        c = muxcap_client_unref(c);
        return r;
}

/* Says why a call about MUX @mux failed, drops the client, and returns the exit status. */
static int mux_failed(const Ctl *ctl, struct muxcap_client **c, const char *verb, const char *mux,
                      int r) {
        r = ctl_daemon_error(ctl, *c, verb, "MUX", mux, r);
        *c = muxcap_client_unref(*c);
        return r;
}

/* explain MUX [FIELD...]: every chosen record, hardware and current config, row by row. */
int verb_explain(Ctl *ctl, int argc, char **argv) {
        struct muxcap_client *c = NULL;
        Explained x = { 0 };
        const char *mux = argv[1];
        bool first = true;
        int r;

        /* Every FIELD must name a field of a chosen record: a typo is no empty table. */
        for (int a = 2; a < argc; a++) {
                bool found = false;

                for (RecordType t = 0; t < _RECORD_TYPE_MAX; t++)
                        found |= records_has(ctl->records, t) && ctl_field_lookup(t, argv[a]) >= 0;
                if (!found) {
                        fprintf(stderr, "muxcapctl: explain: '%s': no such field in the records "
                                "chosen\n", argv[a]);
                        return EXIT_USAGE;
                }
        }
        r = ctl_connect(ctl, "explain", &c);
        if (r != 0)
                return r;
        r = explain_all(c, mux, ctl->records, &x);
        if (r < 0)
                return mux_failed(ctl, &c, "explain", mux, r);
        if (ctl->json) {
                fputs("{\"name\":", stdout);
                ctl_print_json_string(stdout, mux);
                fputs(",\"records\":{", stdout);
        }
        for (size_t k = 0; k < 4; k++) {
                RecordType t = ctl_codes[k].type;
                Table *tab;

                if (!records_has(ctl->records, t))
                        continue;
                if (ctl->json)
                        printf("%s\"%s\":[", first ? "" : ",", ctl_codes[k].key);
                else
                        ctl_print_title(stdout, ctl->color, "%s%s (%s):", first ? "" : "\n",
                                        ctl_codes[k].title, ctl_status_code_label(ctl_codes[k].code));
                tab = ctl_table_new(4, "FIELD", "VALUE", "MEMBER", "SOURCE");
                for (size_t i = 0, firstrow = 1; i < x.n[k]; i++) {
                        const struct muxcap_explanation *e = &x.e[k][i];
                        int f = ctl_field_lookup(t, e->field);
                        bool wanted = argc == 2;

                        for (int a = 2; a < argc; a++)
                                wanted |= f >= 0 && ctl_field_lookup(t, argv[a]) == f;
                        if (!wanted)
                                continue;
                        if (!ctl->json) {
                                ctl_table_add(tab, e->field, e->value, e->member, e->source);
                                continue;
                        }
                        fputs(firstrow ? "{\"field\":" : ",{\"field\":", stdout);
                        ctl_print_json_string(stdout, f >= 0 ? ctl_field_json(t, (size_t) f) : e->field);
                        fputs(",\"name\":", stdout);
                        ctl_print_json_string(stdout, e->field);
                        printf(",\"value\":%lu,\"member\":", strtoul(e->value, NULL, 0));
                        ctl_print_json_string_or_null(stdout, e->member);
                        fputs(",\"source\":", stdout);
                        ctl_print_json_string_or_null(stdout, e->source);
                        fputc('}', stdout);
                        firstrow = 0;
                }
                if (ctl->json)
                        fputc(']', stdout);
                else
                        ctl_table_print(tab, stdout, ctl->color, NULL);
                tab = ctl_table_free(tab);
                first = false;
        }
        if (ctl->json)
                fputs("}}\n", stdout);
        explained_done(&x);
        c = muxcap_client_unref(c);
        return 0;
}

/* advertised MUX: ExplainAdvertised. */
int verb_advertised(Ctl *ctl, int argc, char **argv) {
        struct muxcap_client *c = NULL;
        struct muxcap_advertised *a = NULL;
        const char *mux = argv[1];
        size_t n = 0;
        int r;

        (void) argc;
        r = ctl_connect(ctl, "advertised", &c);
        if (r != 0)
                return r;
        r = muxcap_client_explain_advertised(c, mux, &a, &n);
        if (r < 0)
                return mux_failed(ctl, &c, "advertised", mux, r);
        if (ctl->json) {
                fputs("{\"name\":", stdout);
                ctl_print_json_string(stdout, mux);
                fputs(",\"fields\":[", stdout);
                for (size_t i = 0; i < n; i++) {
                        int f = ctl_field_lookup(RECORD_TASK, a[i].field);

                        fputs(i ? ",{\"field\":" : "{\"field\":", stdout);
                        ctl_print_json_string(stdout, f >= 0 ? ctl_field_json(RECORD_TASK, (size_t) f)
                                                             : a[i].field);
                        fputs(",\"name\":", stdout);
                        ctl_print_json_string(stdout, a[i].field);
                        printf(",\"advertised\":%lu,\"aggregate\":%lu,\"member\":",
                               strtoul(a[i].advertised, NULL, 0), strtoul(a[i].aggregate, NULL, 0));
                        ctl_print_json_string_or_null(stdout, a[i].member);
                        fputc('}', stdout);
                }
                fputs("]}\n", stdout);
        } else if (n == 0)
                printf("%s advertises nothing beyond what its members have\n", mux);
        else {
                Table *t = ctl_table_new(4, "FIELD", "ADVERTISED", "AGGREGATE", "LACKING MEMBER");

                printf("%s advertises more than its members have:\n", mux);
                for (size_t i = 0; i < n; i++)
                        ctl_table_add(t, a[i].field, a[i].advertised, a[i].aggregate,
                                      a[i].member[0] ? a[i].member : "- (no members)");
                ctl_table_print(t, stdout, ctl->color, NULL);
                t = ctl_table_free(t);
        }
        a = muxcap_advertised_free(a, n);
        c = muxcap_client_unref(c);
        return 0;
}
