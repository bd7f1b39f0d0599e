/* SPDX-License-Identifier: MIT */
/* muxcap-export: the state in Prometheus text format, for node_exporter's textfile collector */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>

#include "export-prometheus.h"
#include "export-state.h"

/* A label value in the text format: backslash, double quote and newline escaped. */
static void prom_string(FILE *f, const char *s) {
        fputc('"', f);
        for (; *s; s++) {
                if (*s == '\\')
                        fputs("\\\\", f);
                else if (*s == '"')
                        fputs("\\\"", f);
                else if (*s == '\n')
                        fputs("\\n", f);
                else
                        fputc(*s, f);
        }
        fputc('"', f);
}

static void prom_family(FILE *f, const char *name, const char *type, const char *help) {
        /* HELP text escapes only backslash and newline; our help strings have neither. */
        fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Whether status @t is the first of its record type: each type is walked once, from there. */
static bool first_of_type(size_t t) {
        for (size_t e = 0; e < t; e++)
                if (export_statuses[e].type == export_statuses[t].type)
                        return false;
        return true;
}

static void prom_mux_label(FILE *f, const char *name, const ExportMux *x) {
        fprintf(f, "%s{mux=", name);
        prom_string(f, x->name);
}

int export_render_prometheus(FILE *f, const ExportState *s, const ExportMetrics *m) {
        bool any_info = false;

        for (size_t i = 0; i < s->n_muxes; i++)
                any_info = any_info || s->muxes[i]->kind;
        if (s->n_muxes > 0 && any_info) {
                prom_family(f, "muxcap_mux_info", "gauge",
                            "A MUX muxcapd publishes: its link kind and capacity policy (always 1).");
                for (size_t i = 0; i < s->n_muxes; i++) {
                        const ExportMux *x = s->muxes[i];

                        if (!x->kind)
                                continue;
                        prom_mux_label(f, "muxcap_mux_info", x);
                        fputs(",kind=", f);
                        prom_string(f, x->kind);
                        fputs(",capacity_policy=", f);
                        prom_string(f, x->capacity_policy ? x->capacity_policy : "");
                        fputs("} 1\n", f);
                }
        }
        if (s->n_muxes > 0) {
                prom_family(f, "muxcap_mux_generation", "gauge",
                            "Generation of the MUX's records: 1 when it appears, +1 per emission.");
                for (size_t i = 0; i < s->n_muxes; i++) {
                        prom_mux_label(f, "muxcap_mux_generation", s->muxes[i]);
                        fprintf(f, "} %" PRIu64 "\n", s->muxes[i]->generation);
                }
        }
        if (s->n_muxes > 0 && any_info) {
                prom_family(f, "muxcap_mux_members", "gauge", "Member NICs and MUXes of the MUX.");
                for (size_t i = 0; i < s->n_muxes; i++) {
                        if (!s->muxes[i]->kind)
                                continue;
                        prom_mux_label(f, "muxcap_mux_members", s->muxes[i]);
                        fprintf(f, "} %u\n", s->muxes[i]->n_members);
                }
        }

        /* One family per field of each record type, its samples over MUXes and statuses, those
         * @m shows. */
        for (size_t t = 0; t < export_n_statuses; t++) {
                const ExportRecordType *type = export_statuses[t].type;

                if (!first_of_type(t))
                        continue;
                for (size_t k = 0, n = export_type_n_fields(type); k < n; k++) {
                        char name[EXPORT_METRIC_MAX], help[EXPORT_HELP_MAX];
                        bool any = false;

                        if (export_field_metric(type, k, name) < 0)
                                continue;
                        export_field_help(type, k, help);
                        for (size_t i = 0; i < s->n_muxes; i++)
                                for (size_t st = 0; st < export_n_statuses; st++) {
                                        const ExportMux *x = s->muxes[i];

                                        if (export_statuses[st].type != type ||
                                            !x->records[st].present ||
                                            !export_metrics_shows(m, st, k, x->records[st].values))
                                                continue;
                                        if (!any)
                                                prom_family(f, name, "gauge", help);
                                        any = true;
                                        prom_mux_label(f, name, x);
                                        fprintf(f, ",record=\"%s\",type=\"%s\"} %" PRIu64 "\n",
                                                export_statuses[st].record, type->name,
                                                x->records[st].values[k]);
                                }
                }
        }

        if (s->n_muxes > 0) {
                prom_family(f, "muxcap_indications_total", "counter",
                            "StatusIndication signals received for the MUX, by status code.");
                /* By record type, then by MUX: the connection record's codes first, as they
                 * were before the task-offload record came. */
                for (size_t t = 0; t < export_n_statuses; t++) {
                        if (!first_of_type(t))
                                continue;
                        for (size_t i = 0; i < s->n_muxes; i++)
                                for (size_t st = t; st < export_n_statuses; st++) {
                                        if (export_statuses[st].type != export_statuses[t].type)
                                                continue;
                                        prom_mux_label(f, "muxcap_indications_total", s->muxes[i]);
                                        fprintf(f, ",status=\"0x%08" PRIx32 "\"} %" PRIu64 "\n",
                                                export_statuses[st].code,
                                                s->muxes[i]->indications[st]);
                                }
                }
        }
        prom_family(f, "muxcap_daemon_up", "gauge",
                    "Whether muxcapd runs and its state was read (1), or not (0).");
        fprintf(f, "muxcap_daemon_up %d\n", s->daemon_up ? 1 : 0);
        return fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
}
