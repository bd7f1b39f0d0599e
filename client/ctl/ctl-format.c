/* SPDX-License-Identifier: MIT */
/* muxcapctl output: one record shape for both types, JSON, aligned text, and usage errors
 * (SPEC 8) */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ctl.h"
#include "muxcap/muxcap.h"

int ctl_usage_error(const char *verb, const char *message) {
        fprintf(stderr, "muxcapctl: %s%s%s\nTry 'muxcapctl --help'.\n", verb ? verb : "",
                verb ? ": " : "", message);
        return EXIT_USAGE;
}

const RecordCode ctl_codes[4] = {
        { MUXCAP_STATUS_HARDWARE_CAPABILITIES, RECORD_CONNECTION, "connection_hardware",
          "connection offload, hardware" },
        { MUXCAP_STATUS_OFFLOAD_RESUME, RECORD_CONNECTION, "connection_current",
          "connection offload, current config" },
        { MUXCAP_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES, RECORD_TASK, "task_hardware",
          "task offload, hardware" },
        { MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG, RECORD_TASK, "task_current",
          "task offload, current config" },
};

static const char *const record_type_names[_RECORD_TYPE_MAX] = {
        [RECORD_CONNECTION] = "connection",
        [RECORD_TASK] = "task",
};

/* How a connection field's value reads as text (the task record's fields know their own). */
typedef enum ValueText {
        TEXT_ENCAPSULATION,     /* 802.3,802.3-pq */
        TEXT_SUPPORT,           /* yes, no */
        TEXT_DECIMAL,
        TEXT_HEX,
} ValueText;

/* The connection record's fields, in struct muxcap_record's order: NDIS (D-Bus) name, the
 * JSON key of 1.0, and how its value reads. */
static const struct {
        const char *name;
        const char *json;
        ValueText text;
} connection_fields[] = {
        [CONNECTION_ENCAPSULATION] = { "Encapsulation", "encapsulation", TEXT_ENCAPSULATION },
        [CONNECTION_SUPPORT_IPV4] = { "SupportIPv4", "support_ipv4", TEXT_SUPPORT },
        [CONNECTION_SUPPORT_IPV6] = { "SupportIPv6", "support_ipv6", TEXT_SUPPORT },
        [CONNECTION_SUPPORT_IPV6_EXTENSION_HEADERS] = { "SupportIPv6ExtensionHeaders",
                                                       "support_ipv6_extension_headers", TEXT_SUPPORT },
        [CONNECTION_SUPPORT_SACK] = { "SupportSack", "support_sack", TEXT_SUPPORT },
        [CONNECTION_CONGESTION_ALGORITHM] = { "CongestionAlgorithm", "congestion_algorithm", TEXT_DECIMAL },
        [CONNECTION_CAPACITY] = { "TcpConnectionOffloadCapacity", "tcp_connection_offload_capacity",
                                  TEXT_DECIMAL },
        [CONNECTION_FLAGS] = { "Flags", "flags", TEXT_HEX },
};
#define N_CONNECTION_FIELDS (sizeof(connection_fields) / sizeof(connection_fields[0]))
_Static_assert(N_CONNECTION_FIELDS == _CONNECTION_FIELDS_MAX, "a connection field without a row");

/* The record of status code @code, or NULL for another code. */
const RecordCode *ctl_code_find(uint32_t code) {
        for (size_t i = 0; i < 4; i++)
                if (ctl_codes[i].code == code)
                        return &ctl_codes[i];
        return NULL;
}

/* How many fields a record of @type has, and field @i's NDIS name and JSON key (NULL past
 * the count). */
size_t ctl_field_count(RecordType type) {
        return type == RECORD_TASK ? muxcap_task_field_count() : N_CONNECTION_FIELDS;
}

const char *ctl_field_name(RecordType type, size_t i) {
        if (type == RECORD_TASK)
                return muxcap_task_field_name(i);
        return i < N_CONNECTION_FIELDS ? connection_fields[i].name : NULL;
}

const char *ctl_field_json(RecordType type, size_t i) {
        if (type == RECORD_TASK)
                return muxcap_task_field_json(i);
        return i < N_CONNECTION_FIELDS ? connection_fields[i].json : NULL;
}

/* The index of @type's field named @key (JSON key, dotted or D-Bus name); -ENOENT if none. */
int ctl_field_lookup(RecordType type, const char *key) {
        if (type == RECORD_TASK)
                return muxcap_task_field_lookup(key);
        for (size_t i = 0; i < N_CONNECTION_FIELDS; i++)
                if (strcmp(key, connection_fields[i].name) == 0 ||
                    strcmp(key, connection_fields[i].json) == 0)
                        return (int) i;
        return -ENOENT;
}

/* The value of @r's field @key; 0 if it has none. */
uint32_t ctl_record_get(const CtlRecord *r, const char *key) {
        int i = ctl_field_lookup(r->type, key);

        return i < 0 ? 0 : r->value[i];
}

static void hex_format(char *hex, const uint8_t *buf, size_t n) {
        for (size_t i = 0; i < n; i++)
                sprintf(hex + 2 * i, "%02x", buf[i]);
}

/* @r as a CtlRecord of status @code (0: none) and @generation (0: none), hex included. */
void ctl_record_from_connection(CtlRecord *ret, const struct muxcap_record *r, uint32_t code,
                                uint64_t generation) {
        uint8_t buf[MUXCAP_RECORD_SIZE];
        *ret = (CtlRecord) { .type = RECORD_CONNECTION, .status_code = code,
                             .generation = generation, .revision = r->revision };
        ret->value[CONNECTION_ENCAPSULATION] = r->encapsulation;
        ret->value[CONNECTION_SUPPORT_IPV4] = r->support_ipv4;
        ret->value[CONNECTION_SUPPORT_IPV6] = r->support_ipv6;
        ret->value[CONNECTION_SUPPORT_IPV6_EXTENSION_HEADERS] = r->support_ipv6_extension_headers;
        ret->value[CONNECTION_SUPPORT_SACK] = r->support_sack;
        ret->value[CONNECTION_CONGESTION_ALGORITHM] = r->congestion_algorithm;
        ret->value[CONNECTION_CAPACITY] = r->tcp_connection_offload_capacity;
        ret->value[CONNECTION_FLAGS] = r->flags;
        if (muxcap_record_encode(r, buf, NULL) >= 0)
                hex_format(ret->hex, buf, sizeof(buf));
}

/* The same for a task-offload record. */
void ctl_record_from_task(CtlRecord *ret, const struct muxcap_task_record *r, uint32_t code,
                          uint64_t generation) {
        uint8_t buf[MUXCAP_TASK_RECORD_SIZE];

        *ret = (CtlRecord) { .type = RECORD_TASK, .status_code = code,
                             .generation = generation, .revision = r->revision };
        memcpy(ret->value, r->value, sizeof(r->value));
        if (muxcap_task_record_encode(r, buf, NULL) >= 0)
                hex_format(ret->hex, buf, sizeof(buf));
}

/* Decodes either type, told by Header.Type. */
int ctl_record_from_buffer(CtlRecord *ret, const uint8_t *buf, size_t size, uint32_t code,
                           uint64_t generation, const char **reterr_reason) {
        int r;

        if (muxcap_record_type(buf, size) == (int) MUXCAP_RECORD_TYPE_TASK) {
                struct muxcap_task_record t;

                r = muxcap_task_record_decode(buf, size, &t, reterr_reason);
                if (r >= 0)
                        ctl_record_from_task(ret, &t, code, generation);
        } else {
                struct muxcap_record c;

                r = muxcap_record_decode(buf, size, &c, reterr_reason);
                if (r >= 0)
                        ctl_record_from_connection(ret, &c, code, generation);
        }
        return r;
}

/* Whether connection record @r describes a usable chimney (SPEC 3); false for a task record. */
bool ctl_record_chimney_capable(const CtlRecord *r) {
        struct muxcap_record c = {
                .revision = r->revision,
                .encapsulation = r->value[CONNECTION_ENCAPSULATION],
                .support_ipv4 = (uint8_t) r->value[CONNECTION_SUPPORT_IPV4],
                .support_ipv6 = (uint8_t) r->value[CONNECTION_SUPPORT_IPV6],
                .tcp_connection_offload_capacity = r->value[CONNECTION_CAPACITY],
        };

        return r->type == RECORD_CONNECTION && muxcap_record_chimney_capable(&c);
}

/* Field @i as text that encode takes back: lists joined by commas, supports as yes/no. */
void ctl_record_format_value(const CtlRecord *r, size_t i, char *buf, size_t size) {
        if (r->type == RECORD_TASK) {
                struct muxcap_task_record t = { .revision = r->revision };

                memcpy(t.value, r->value, sizeof(t.value));
                if (muxcap_task_record_format_field(&t, i, buf, size) < 0)
                        snprintf(buf, size, "%" PRIu32, r->value[i]);
        } else
                switch (connection_fields[i].text) {
                case TEXT_ENCAPSULATION:
                        (void) muxcap_encapsulation_format(r->value[i], buf, size);
                        break;
                case TEXT_SUPPORT:      /* 2 and 3 are no NDIS value: shown as numbers */
                        if (r->value[i] <= 1)
                                snprintf(buf, size, "%s", r->value[i] ? "yes" : "no");
                        else
                                snprintf(buf, size, "%" PRIu32, r->value[i]);
                        break;
                case TEXT_HEX:
                        snprintf(buf, size, "0x%" PRIx32, r->value[i]);
                        break;
                case TEXT_DECIMAL:
                        snprintf(buf, size, "%" PRIu32, r->value[i]);
                        break;
                }
        for (char *p = buf; *p; p++)
                if (*p == ' ')
                        *p = ',';
}

/* The record's fields that are not zero, as KEY=VALUE pairs encode takes back. */
void ctl_record_summary(const CtlRecord *r, char *buf, size_t size) {
        size_t n = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < ctl_field_count(r->type) && n < size; i++) {
                char v[128];

                if (!r->value[i])
                        continue;
                ctl_record_format_value(r, i, v, sizeof(v));
                n += (size_t) snprintf(buf + n, size - n, "%s%s=%s", n ? " " : "",
                                       ctl_field_json(r->type, i), v);
        }
        if (n == 0)
                snprintf(buf, size, "all zero");
}

/* What an aggregate offloads, in one line, from its task-offload record @task: checksums,
 * LSO and USO sizes, tunnels, ESP, RSC; and chimney from the connection record @conn (NULL
 * to leave it out) only when declared. */
void ctl_offload_summary(const CtlRecord *task, const CtlRecord *conn, char *buf, size_t size) {
        static const struct {
                const char *key, *word;
        } csum[] = {
                { "checksum_ipv4_transmit_tcp_checksum", "tx4" },
                { "checksum_ipv4_receive_tcp_checksum", "rx4" },
                { "checksum_ipv6_transmit_tcp_checksum", "tx6" },
                { "checksum_ipv6_receive_tcp_checksum", "rx6" },
        };
        static const struct {
                const char *word, *v4, *v6;
        } sizes[] = {
                { "lso", "lso_v2_ipv4_max_offload_size", "lso_v2_ipv6_max_offload_size" },
                { "uso", "udp_segmentation_ipv4_max_offload_size",
                  "udp_segmentation_ipv6_max_offload_size" },
        };
        size_t n = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < sizeof(csum) / sizeof(csum[0]); i++)
                if (ctl_record_get(task, csum[i].key) == 1)
                        n += (size_t) snprintf(buf + n, size > n ? size - n : 0, "%s%s",
                                               n ? "," : "csum=", csum[i].word);
        for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
                uint32_t v4 = ctl_record_get(task, sizes[i].v4), v6 = ctl_record_get(task, sizes[i].v6);

                if (v4 == v6 && v4)
                        n += (size_t) snprintf(buf + n, size > n ? size - n : 0, "%s%s=%" PRIu32,
                                               n ? " " : "", sizes[i].word, v4);
                else {
                        if (v4)
                                n += (size_t) snprintf(buf + n, size > n ? size - n : 0,
                                                       "%s%s4=%" PRIu32, n ? " " : "",
                                                       sizes[i].word, v4);
                        if (v6)
                                n += (size_t) snprintf(buf + n, size > n ? size - n : 0,
                                                       "%s%s6=%" PRIu32, n ? " " : "",
                                                       sizes[i].word, v6);
                }
        }
        if (ctl_record_get(task, "encapsulated_packet_task_offload_gre_lso_v2_supported"))
                n += (size_t) snprintf(buf + n, size > n ? size - n : 0, "%sgre", n ? " " : "");
        if (ctl_record_get(task, "encapsulated_packet_task_offload_vxlan_lso_v2_supported"))
                n += (size_t) snprintf(buf + n, size > n ? size - n : 0, "%svxlan", n ? " " : "");
        if (ctl_record_get(task, "ipsec_v2_esp") == 1)
                n += (size_t) snprintf(buf + n, size > n ? size - n : 0, "%sesp", n ? " " : "");
        if (ctl_record_get(task, "rsc_ipv4_enabled") || ctl_record_get(task, "rsc_ipv6_enabled"))
                n += (size_t) snprintf(buf + n, size > n ? size - n : 0, "%srsc", n ? " " : "");
        if (conn && ctl_record_chimney_capable(conn))
                n += (size_t) snprintf(buf + n, size > n ? size - n : 0, "%schimney=%" PRIu32,
                                       n ? " " : "", conn->value[CONNECTION_CAPACITY]);
        if (n == 0)
                snprintf(buf, size, "none");
}

/* What a MUX or NIC offloads now, in one line, from the records @records chose: the
 * task-offload summary above, or the connection current config's fields that are not zero. */
void ctl_summary(unsigned records, const CtlRecord rec[4], char *buf, size_t size) {
        if (records_has(records, RECORD_TASK))
                ctl_offload_summary(&rec[3], records_has(records, RECORD_CONNECTION) ? &rec[1] : NULL,
                                    buf, size);
        else
                ctl_record_summary(&rec[1], buf, size);
}

/* Writes @s as a JSON string, quotes included. */
void ctl_print_json_string(FILE *f, const char *s) {
        fputc('"', f);
        for (const unsigned char *p = (const unsigned char *) (s ? s : ""); *p; p++)
                switch (*p) {
                case '"':
                        fputs("\\\"", f);
                        break;
                case '\\':
                        fputs("\\\\", f);
                        break;
                case '\n':
                        fputs("\\n", f);
                        break;
                case '\t':
                        fputs("\\t", f);
                        break;
                default:
                        if (*p < 0x20 || *p == 0x7f)
                                fprintf(f, "\\u%04x", *p);
                        else
                                fputc(*p, f);
                }
        fputc('"', f);
}

/* null for NULL or "" (no member, no source). */
void ctl_print_json_string_or_null(FILE *f, const char *s) {
        if (s && *s)
                ctl_print_json_string(f, s);
        else
                fputs("null", f);
}

/* The status code's NDIS name without the NDIS_STATUS_ prefix, or "UNKNOWN". */
const char *ctl_status_code_label(uint32_t status_code) {
        const char *s = muxcap_status_code_to_string(status_code);

        if (!s)
                return "UNKNOWN";
        return strncmp(s, "NDIS_STATUS_", 12) == 0 ? s + 12 : s;
}

/* A record as one JSON object (docs/muxcapctl.schema.json#/$defs/record). */
void ctl_print_record_json(FILE *f, const CtlRecord *r) {
        size_t n = ctl_field_count(r->type);

        fputs("{\"type\":", f);
        ctl_print_json_string(f, record_type_names[r->type]);
        if (r->status_code) {
                fprintf(f, ",\"status_code\":%" PRIu32 ",\"status\":", r->status_code);
                ctl_print_json_string(f, muxcap_status_code_to_string(r->status_code));
        } else
                fputs(",\"status_code\":null,\"status\":null", f);
        if (r->generation)
                fprintf(f, ",\"generation\":%" PRIu64, r->generation);
        else
                fputs(",\"generation\":null", f);
        fprintf(f, ",\"revision\":%u,\"fields\":{", r->revision);
        for (size_t i = 0; i < n; i++)
                fprintf(f, "%s\"%s\":%" PRIu32, i ? "," : "", ctl_field_json(r->type, i), r->value[i]);
        if (r->type == RECORD_CONNECTION)
                fprintf(f, ",\"chimney_capable\":%s", ctl_record_chimney_capable(r) ? "true" : "false");
        fputs("},\"hex\":", f);
        ctl_print_json_string(f, r->hex);
        fputc('}', f);
}

/* A MUX's or a NIC's records as one JSON object keyed connection_hardware, ...,
 * task_current; those with status_code 0 left out. */
void ctl_print_records_json(FILE *f, const CtlRecord records[4]) {
        bool first = true;

        fputc('{', f);
        for (size_t k = 0; k < 4; k++) {
                if (!records[k].status_code)
                        continue;
                fprintf(f, "%s\"%s\":", first ? "" : ",", ctl_codes[k].key);
                ctl_print_record_json(f, &records[k]);
                first = false;
        }
        fputc('}', f);
}

/* A MUX as one JSON object, with the records that @records holds (status_code 0: left out). */
void ctl_print_mux_json(FILE *f, const struct muxcap_mux_info *info, const CtlRecord *records,
                        const char *summary) {
        fputs("{\"name\":", f);
        ctl_print_json_string(f, info->name);
        fputs(",\"kind\":", f);
        ctl_print_json_string(f, info->kind);
        fprintf(f, ",\"ifindex\":%" PRId32 ",\"capacity_policy\":", info->ifindex);
        ctl_print_json_string(f, info->capacity_policy);
        fputs(",\"members\":[", f);
        for (char **m = info->members; m && *m; m++) {
                if (m != info->members)
                        fputc(',', f);
                ctl_print_json_string(f, *m);
        }
        fprintf(f, "],\"generation\":%" PRIu64 ",\"summary\":", info->generation);
        ctl_print_json_string_or_null(f, summary);
        fputs(",\"records\":", f);
        ctl_print_records_json(f, records);
        fputc('}', f);
}

/* One line (newline included) per event: aligned text, or one JSON object. */
void ctl_print_event(FILE *f, const struct muxcap_event *ev, bool json) {
        const char *kind = muxcap_event_kind_to_string(ev->kind);
        bool has_record = ev->kind == MUXCAP_EVENT_STATE || ev->kind == MUXCAP_EVENT_INDICATION;
        const char *reason = "malformed record";
        CtlRecord rec;
        bool ok = has_record && ctl_record_from_buffer(&rec, ev->buffer, ev->buffer_size,
                                                       ev->status_code, ev->generation,
                                                       &reason) >= 0;

        kind = kind ? kind : "unknown";
        if (json) {
                fputs("{\"event\":", f);
                ctl_print_json_string(f, kind);
                if (ev->mux) {
                        fputs(",\"name\":", f);
                        ctl_print_json_string(f, ev->mux);
                }
                if (has_record) {
                        fprintf(f, ",\"generation\":%" PRIu64 ",\"status_code\":%" PRIu32
                                ",\"status\":", ev->generation, ev->status_code);
                        ctl_print_json_string_or_null(f, muxcap_status_code_to_string(ev->status_code));
                        if (ok) {
                                fputs(",\"record\":", f);
                                ctl_print_record_json(f, &rec);
                        } else {
                                fputs(",\"error\":", f);
                                ctl_print_json_string(f, reason);
                        }
                }
                fputs("}\n", f);
                return;
        }
        if (!has_record) {
                fprintf(f, "%s %s\n", kind, ev->mux ? ev->mux : "");
                return;
        }
        {
                char summary[1024];

                if (!ok)
                        snprintf(summary, sizeof(summary), "malformed record: %s", reason);
                else if (rec.type == RECORD_TASK)
                        ctl_offload_summary(&rec, NULL, summary, sizeof(summary));
                else
                        ctl_record_summary(&rec, summary, sizeof(summary));
                fprintf(f, "%s %s gen %" PRIu64 " %s %s\n", kind, ev->mux, ev->generation,
                        ctl_status_code_label(ev->status_code), summary);
        }
}

/* Columns as a terminal shows them: wide characters take two, combining ones none. Falls back
 * to bytes for what the locale cannot decode. */
size_t ctl_display_width(const char *s) {
        size_t n = mbstowcs(NULL, s, 0);
        wchar_t *w;
        int width;

        if (n == (size_t) -1)
                return strlen(s);
        w = calloc(n + 1, sizeof(*w));
        if (!w)
                return strlen(s);
        (void) mbstowcs(w, s, n + 1);
        width = wcswidth(w, n);
        free(w);
        return width < 0 ? strlen(s) : (size_t) width;
}

struct Table {
        size_t n_columns;
        bool header;            /* the first row is a header */
        size_t n_cells;
        char **cells;           /* owned: row after row */
};

/* Out of memory in a table of a few hundred short strings: muxcapctl gives up, as it cannot
 * print what it was asked for. */
static void table_push(Table *t, const char *s) {
        char **c = realloc(t->cells, (t->n_cells + 1) * sizeof(*c));

        if (!c)
                abort();
        t->cells = c;
        t->cells[t->n_cells++] = strdup(s ? s : "");
        if (!t->cells[t->n_cells - 1])
                abort();
}

/* A table whose first row, its header, is the @n_columns strings that follow; none when the
 * first is NULL. */
Table *ctl_table_new(size_t n_columns, ...) {
        Table *t = calloc(1, sizeof(*t));
        va_list ap;

        if (!t)
                abort();
        t->n_columns = n_columns;
        va_start(ap, n_columns);
        for (size_t i = 0; i < n_columns; i++) {
                const char *s = va_arg(ap, const char *);

                if (i == 0 && !s)
                        break;
                table_push(t, s);
                t->header = true;
        }
        va_end(ap);
        return t;
}

/* Adds a row of n_columns strings (copied; NULL or "" print as "-"). */
void ctl_table_add(Table *t, ...) {
        va_list ap;

        va_start(ap, t);
        for (size_t i = 0; i < t->n_columns; i++) {
                const char *s = va_arg(ap, const char *);

                table_push(t, s && *s ? s : "-");
        }
        va_end(ap);
}

/* Prints the table, columns padded to their widest cell, the header bold when @color. */
void ctl_table_print(Table *t, FILE *f, bool color, const char *indent) {
        size_t width[16] = { 0 };

        for (size_t i = 0; i < t->n_cells; i++) {
                size_t w = ctl_display_width(t->cells[i]);

                if (w > width[i % t->n_columns])
                        width[i % t->n_columns] = w;
        }
        for (size_t i = 0; i < t->n_cells; i++) {
                size_t col = i % t->n_columns;
                bool last = col == t->n_columns - 1;

                if (col == 0)
                        fputs(indent ? indent : "", f);
                if (color && t->header && i < t->n_columns)
                        fputs("\033[1m", f);
                fputs(t->cells[i], f);
                if (color && t->header && i < t->n_columns)
                        fputs("\033[0m", f);
                if (last)
                        fputc('\n', f);
                else
                        fprintf(f, "%*s", (int) (width[col] - ctl_display_width(t->cells[i]) + 2), "");
        }
}

/* Frees @t. Accepts NULL; returns NULL. */
Table *ctl_table_free(Table *t) {
        if (!t)
                return NULL;
        for (size_t i = 0; i < t->n_cells; i++)
                free(t->cells[i]);
        free(t->cells);
        free(t);
        return NULL;
}

/* A line of text, bold when @color. */
void ctl_print_title(FILE *f, bool color, const char *fmt, ...) {
        va_list ap;

        if (color)
                fputs("\033[1m", f);
        va_start(ap, fmt);
        vfprintf(f, fmt, ap);
        va_end(ap);
        if (color)
                fputs("\033[0m", f);
        fputc('\n', f);
}
