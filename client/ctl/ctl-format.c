/* SPDX-License-Identifier: MIT */
/* muxcapctl output: records, events and MUXes as aligned text or JSON (SPEC 8) */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "muxcap/muxcap.h"

/* Writes the record's fields, one per line, or as the members of one JSON object (no braces,
 * no newline). */
void ctl_print_record(FILE *f, const struct muxcap_record *r, bool json) {
        uint8_t buf[MUXCAP_RECORD_SIZE];
        char hex[2 * MUXCAP_RECORD_SIZE + 1];
        char encap[64];
        const char *reason = NULL;

        if (muxcap_record_encode(r, buf, &reason) < 0)
                hex[0] = '\0';
        else
                for (size_t i = 0; i < sizeof(buf); i++)
                        sprintf(hex + 2 * i, "%02x", buf[i]);
        if (json) {
                fprintf(f,
                        "\"revision\":%u,\"encapsulation\":%" PRIu32 ",\"support_ipv4\":%u,"
                        "\"support_ipv6\":%u,\"support_ipv6_extension_headers\":%u,"
                        "\"support_sack\":%u,\"congestion_algorithm\":%u,"
                        "\"tcp_connection_offload_capacity\":%" PRIu32 ",\"flags\":%" PRIu32 ","
                        "\"chimney_capable\":%s,\"hex\":\"%s\"",
                        r->revision, r->encapsulation, r->support_ipv4, r->support_ipv6,
                        r->support_ipv6_extension_headers, r->support_sack,
                        r->congestion_algorithm, r->tcp_connection_offload_capacity, r->flags,
                        muxcap_record_chimney_capable(r) ? "true" : "false", hex);
                return;
        }
        (void) muxcap_encapsulation_format(r->encapsulation, encap, sizeof(encap));
        fprintf(f, "  %-32s %u\n", "revision", r->revision);
        fprintf(f, "  %-32s 0x%02" PRIx32 " (%s)\n", "encapsulation", r->encapsulation, encap);
        fprintf(f, "  %-32s %u\n", "support_ipv4", r->support_ipv4);
        fprintf(f, "  %-32s %u\n", "support_ipv6", r->support_ipv6);
        fprintf(f, "  %-32s %u\n", "support_ipv6_extension_headers",
                r->support_ipv6_extension_headers);
        fprintf(f, "  %-32s %u\n", "support_sack", r->support_sack);
        fprintf(f, "  %-32s %u\n", "congestion_algorithm", r->congestion_algorithm);
        fprintf(f, "  %-32s %" PRIu32 "\n", "tcp_connection_offload_capacity",
                r->tcp_connection_offload_capacity);
        fprintf(f, "  %-32s 0x%08" PRIx32 "\n", "flags", r->flags);
        fprintf(f, "  %-32s %s\n", "chimney_capable", muxcap_record_chimney_capable(r) ? "yes" : "no");
        fprintf(f, "  %-32s %s\n", "hex", hex);
}

/* Writes the task record's fields, one per line by dotted name (support values as yes/no,
 * masks in hex with their names), or as the members of one JSON object by JSON key (no braces,
 * no newline). */
void ctl_print_task_record(FILE *f, const struct muxcap_task_record *r, bool json) {
        uint8_t buf[MUXCAP_TASK_RECORD_SIZE];
        char hex[2 * MUXCAP_TASK_RECORD_SIZE + 1] = "";
        size_t n = muxcap_task_field_count(), width = sizeof("revision") - 1;
        const char *reason = NULL;

        if (muxcap_task_record_encode(r, buf, &reason) >= 0)
                for (size_t i = 0; i < sizeof(buf); i++)
                        sprintf(hex + 2 * i, "%02x", buf[i]);
        if (json) {
                fprintf(f, "\"revision\":%u", r->revision);
                for (size_t i = 0; i < n; i++)
                        fprintf(f, ",\"%s\":%" PRIu32, muxcap_task_field_json(i), r->value[i]);
                fprintf(f, ",\"hex\":\"%s\"", hex);
                return;
        }
        for (size_t i = 0; i < n; i++)
                if (strlen(muxcap_task_field_name(i)) > width)
                        width = strlen(muxcap_task_field_name(i));
        fprintf(f, "  %-*s %u\n", (int) width, "revision", r->revision);
        for (size_t i = 0; i < n; i++) {
                char text[128], number[16];

                if (muxcap_task_record_format_field(r, i, text, sizeof(text)) < 0)
                        text[0] = '\0';
                snprintf(number, sizeof(number), "%" PRIu32, r->value[i]);
                if (strcmp(text, number) == 0 || strcmp(text, "yes") == 0 || strcmp(text, "no") == 0)
                        fprintf(f, "  %-*s %s\n", (int) width, muxcap_task_field_name(i), text);
                else
                        fprintf(f, "  %-*s 0x%" PRIx32 " (%s)\n", (int) width,
                                muxcap_task_field_name(i), r->value[i], text);
        }
        fprintf(f, "  %-*s %s\n", (int) width, "hex", hex);
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

/* One line for tables: "encap=802.3,802.3-pq ipv4=yes ... chimney=yes". Truncated to @size. */
void ctl_format_summary(const struct muxcap_record *r, char *buf, size_t size) {
        char encap[64];

        (void) muxcap_encapsulation_format(r->encapsulation, encap, sizeof(encap));
        for (char *p = encap; *p; p++)
                if (*p == ' ')
                        *p = ',';
        snprintf(buf, size,
                 "encap=%s ipv4=%s ipv6=%s ipv6ext=%s sack=%s cc=%u capacity=%" PRIu32
                 " flags=0x%" PRIx32 " chimney=%s",
                 encap, r->support_ipv4 == 1 ? "yes" : "no", r->support_ipv6 == 1 ? "yes" : "no",
                 r->support_ipv6_extension_headers == 1 ? "yes" : "no",
                 r->support_sack == 1 ? "yes" : "no", r->congestion_algorithm,
                 r->tcp_connection_offload_capacity, r->flags,
                 muxcap_record_chimney_capable(r) ? "yes" : "no");
}

/* The status code's NDIS name without the NDIS_STATUS_ prefix, or "UNKNOWN". */
const char *ctl_status_code_label(uint32_t status_code) {
        const char *s = muxcap_status_code_to_string(status_code);

        if (!s)
                return "UNKNOWN";
        return strncmp(s, "NDIS_STATUS_", 12) == 0 ? s + 12 : s;
}

bool ctl_is_task_code(uint32_t status_code) {
        return status_code == MUXCAP_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES ||
               status_code == MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG;
}

static const char *yes_no(const struct muxcap_task_record *r, const char *key) {
        uint32_t v = 0;

        (void) muxcap_task_record_get(r, key, &v);
        return v == 1 ? "yes" : "no";
}

static uint32_t task_value(const struct muxcap_task_record *r, const char *key) {
        uint32_t v = 0;

        (void) muxcap_task_record_get(r, key, &v);
        return v;
}

/* One line for a task-offload record: checksums, LSO/USO sizes, tunnel masks, IPsec, RSC. */
void ctl_format_task_summary(const struct muxcap_task_record *r, char *buf, size_t size) {
        snprintf(buf, size,
                 "csum4=%s/%s csum6=%s/%s lso4=%" PRIu32 " lso6=%" PRIu32 " uso=%" PRIu32
                 " gre=0x%" PRIx32 " vxlan=0x%" PRIx32 " esp=%s rsc=%s",
                 yes_no(r, "checksum_ipv4_transmit_tcp_checksum"),
                 yes_no(r, "checksum_ipv4_receive_tcp_checksum"),
                 yes_no(r, "checksum_ipv6_transmit_tcp_checksum"),
                 yes_no(r, "checksum_ipv6_receive_tcp_checksum"),
                 task_value(r, "lso_v2_ipv4_max_offload_size"),
                 task_value(r, "lso_v2_ipv6_max_offload_size"),
                 task_value(r, "udp_segmentation_ipv4_max_offload_size"),
                 task_value(r, "encapsulated_packet_task_offload_gre_lso_v2_supported"),
                 task_value(r, "encapsulated_packet_task_offload_vxlan_lso_v2_supported"),
                 yes_no(r, "ipsec_v2_esp"), yes_no(r, "rsc_ipv4_enabled"));
}

/* An event carrying a task-offload record, as ctl_print_event() prints the others. */
static void print_task_event(FILE *f, const struct muxcap_event *ev, const char *kind, bool json) {
        struct muxcap_task_record rec;
        bool ok = muxcap_task_record_decode(ev->buffer, ev->buffer_size, &rec, NULL) >= 0;
        char summary[256];

        if (json) {
                fputs("{\"event\":", f);
                ctl_print_json_string(f, kind);
                fputs(",\"name\":", f);
                ctl_print_json_string(f, ev->mux);
                fprintf(f, ",\"generation\":%" PRIu64 ",\"status_code\":%" PRIu32 ",",
                        ev->generation, ev->status_code);
                if (ok)
                        ctl_print_task_record(f, &rec, true);
                else
                        fputs("\"error\":\"malformed record\"", f);
                fputs("}\n", f);
                return;
        }
        if (ok)
                ctl_format_task_summary(&rec, summary, sizeof(summary));
        fprintf(f, "%-16s %-15s gen %-6" PRIu64 " %-47s %s\n", kind, ev->mux, ev->generation,
                ctl_status_code_label(ev->status_code), ok ? summary : "malformed record");
}

/* One line (newline included) per event: aligned text, or one JSON object. */
void ctl_print_event(FILE *f, const struct muxcap_event *ev, bool json) {
        const char *kind = muxcap_event_kind_to_string(ev->kind);
        char hex[2 * 64 + 1] = "";
        bool has_record = ev->kind == MUXCAP_EVENT_STATE || ev->kind == MUXCAP_EVENT_INDICATION;

        if (has_record && ctl_is_task_code(ev->status_code)) {
                print_task_event(f, ev, kind ? kind : "unknown", json);
                return;
        }

        for (size_t i = 0; has_record && !ev->record && i < ev->buffer_size && i < 64; i++)
                sprintf(hex + 2 * i, "%02x", ev->buffer[i]);
        if (json) {
                fputs("{\"event\":", f);
                ctl_print_json_string(f, kind ? kind : "unknown");
                if (ev->mux) {
                        fputs(",\"name\":", f);
                        ctl_print_json_string(f, ev->mux);
                }
                if (has_record) {
                        fprintf(f, ",\"generation\":%" PRIu64 ",\"status_code\":%" PRIu32,
                                ev->generation, ev->status_code);
                        if (ev->record) {
                                fputc(',', f);
                                ctl_print_record(f, ev->record, true);
                        } else
                                fprintf(f, ",\"error\":\"malformed record\",\"hex\":\"%s\"", hex);
                }
                fputs("}\n", f);
                return;
        }
        if (!has_record) {
                fprintf(f, "%-16s %s\n", kind ? kind : "unknown", ev->mux ? ev->mux : "");
                return;
        }
        if (ev->record) {
                char summary[256];

                ctl_format_summary(ev->record, summary, sizeof(summary));
                fprintf(f, "%-16s %-15s gen %-6" PRIu64 " %-47s %s\n", kind, ev->mux,
                        ev->generation, ctl_status_code_label(ev->status_code), summary);
        } else
                fprintf(f, "%-16s %-15s gen %-6" PRIu64 " %-47s malformed record %s\n", kind,
                        ev->mux, ev->generation, ctl_status_code_label(ev->status_code), hex);
}

/* The members of one JSON object for a MUX (no braces): its properties, the hardware record's
 * fields at the top level, and the current config as "current_config". */
void ctl_print_mux_json(FILE *f, const struct muxcap_mux_info *info) {
        fputs("\"name\":", f);
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
        fprintf(f, "],\"generation\":%" PRIu64 ",\"status_code\":%" PRIu32 ",",
                info->generation, MUXCAP_STATUS_HARDWARE_CAPABILITIES);
        ctl_print_record(f, &info->hardware, true);
        fputs(",\"current_config\":{", f);
        fprintf(f, "\"status_code\":%" PRIu32 ",", MUXCAP_STATUS_OFFLOAD_RESUME);
        ctl_print_record(f, &info->current, true);
        fputc('}', f);
}

/* Explain's rows: the members of a JSON array ("fields"; a leading comma unless @first), or a
 * table with a header line. */
void ctl_print_explanations(FILE *f, const struct muxcap_explanation *e, size_t n, bool json,
                            bool first) {
        size_t wfield = 5, wvalue = 5, wmember = 6;

        if (json) {
                for (size_t i = 0; i < n; i++) {
                        fputs(first && i == 0 ? "{\"field\":" : ",{\"field\":", f);
                        ctl_print_json_string(f, e[i].field);
                        fputs(",\"value\":", f);
                        ctl_print_json_string(f, e[i].value);
                        fputs(",\"member\":", f);
                        ctl_print_json_string(f, e[i].member);
                        fputs(",\"source\":", f);
                        ctl_print_json_string(f, e[i].source);
                        fputc('}', f);
                }
                return;
        }
        for (size_t i = 0; i < n; i++) {
                wfield = strlen(e[i].field) > wfield ? strlen(e[i].field) : wfield;
                wvalue = strlen(e[i].value) > wvalue ? strlen(e[i].value) : wvalue;
                wmember = strlen(e[i].member) > wmember ? strlen(e[i].member) : wmember;
        }
        fprintf(f, "%-*s  %-*s  %-*s  %s\n", (int) wfield, "FIELD", (int) wvalue, "VALUE",
                (int) wmember, "MEMBER", "SOURCE");
        for (size_t i = 0; i < n; i++)
                fprintf(f, "%-*s  %-*s  %-*s  %s\n", (int) wfield, e[i].field, (int) wvalue,
                        e[i].value, (int) wmember, e[i].member[0] ? e[i].member : "-",
                        e[i].source[0] ? e[i].source : "-");
}
