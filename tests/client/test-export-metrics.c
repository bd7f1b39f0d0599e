/* SPDX-License-Identifier: MIT */
/* muxcap-export's series per MUX: the curated default (at most 30), --metrics=all, a list;
 * the counts muxcap-export(8) gives; the shipped rules reading every default family; and one
 * NFD name part per MUX, even for a long name */
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export-nfd.h"
#include "export-prometheus.h"
#include "export-state.h"
#include "export-tables.h"
#include "muxcap/muxcap.h"
#include "test-export-util.h"

#define SERIES_MAX_PER_MUX 30   /* SPEC 13 */
#define TASK "lso_v2_ipv4_max_offload_size=65536"

/* Two MUXes with all four records: "chimney" declares a connection engine (capacity 4096),
 * "plain" is a bridge as the kernel alone describes it. */
static ExportState full_state(void) {
        ExportState s = { .daemon_up = true };
        const char *names[] = { "chimney", "plain" };

        for (size_t i = 0; i < 2; i++) {
                ExportMux *x = export_state_ensure(&s, names[i]);
                const char *conn = i == 0 ? "encapsulation=0x2 support_ipv4=1 "
                                            "tcp_connection_offload_capacity=4096"
                                          : "encapsulation=0x2";

                assert(x && export_mux_set_info(x, "bridge", "min", 2) == 1);
                test_set_record(x, MUXCAP_STATUS_HARDWARE_CAPABILITIES, 1, conn);
                test_set_record(x, MUXCAP_STATUS_OFFLOAD_RESUME, 1, conn);
                test_set_record(x, MUXCAP_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES, 1, TASK);
                test_set_record(x, MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG, 1, TASK);
        }
        return s;
}

/* Samples of MUX @mux in @text, and in all (muxcap_daemon_up included) into *ret_total. */
static size_t count_series(const char *text, const char *mux, size_t *ret_total) {
        char want[64];
        size_t n = 0, total = 0;

        (void) snprintf(want, sizeof(want), "{mux=\"%s\"", mux);
        for (const char *line = text; *line; line = strchr(line, '\n') + 1) {
                size_t len = strcspn(line, "\n");
                char *l = strndup(line, len);

                if (l[0] != '#') {
                        total++;
                        n += strstr(l, want) != NULL;
                }
                free(l);
        }
        if (ret_total)
                *ret_total = total;
        return n;
}

/* Fixed families per MUX: info, generation, members, one indication counter per status. */
static size_t fixed_per_mux(void) {
        return 3 + export_n_statuses;
}

static size_t all_per_mux(void) {
        size_t n = fixed_per_mux();

        for (size_t st = 0; st < export_n_statuses; st++)
                n += export_type_n_fields(export_statuses[st].type);
        return n;
}

static void test_default_at_most_30_per_mux(void) {
        ExportState s = full_state();
        char *text = test_render_prometheus(&s, "default");
        size_t total;
        size_t chimney = count_series(text, "chimney", &total), plain = count_series(text, "plain", NULL);

        printf("default: %zu series per MUX with a declared connection engine, %zu without\n",
               chimney, plain);
        assert(chimney <= SERIES_MAX_PER_MUX);
        /* every row of the curated table shows, and the declared-only ones only there */
        assert(chimney == fixed_per_mux() + export_n_default_metrics);
        assert(plain == chimney - 2);
        assert(total == chimney + plain + 1);
        assert(strstr(text, "muxcap_mux_chimney_capable{mux=\"chimney\",record=\"current\",type=\"connection\"} 1\n"));
        assert(!strstr(text, "muxcap_mux_chimney_capable{mux=\"plain\""));
        assert(strstr(text, "muxcap_mux_lso_v2_ipv4_max_offload_size_bytes{mux=\"plain\",record=\"hardware\",type=\"task\"} 65536\n"
                            "muxcap_mux_lso_v2_ipv4_max_offload_size_bytes{mux=\"plain\",record=\"current\",type=\"task\"} 65536\n"));
        assert(!strstr(text, "muxcap_mux_offload_flags"));
        assert(!strstr(text, "ipsec_v1"));
        /* four MUXes and muxcap_daemon_up within the 120 of issue 27 */
        assert(4 * chimney + 1 <= 120);
        free(text);
        export_state_done(&s);
}

static void test_all_is_every_field_of_every_record(void) {
        ExportState s = full_state();
        char *text = test_render_prometheus(&s, "all");

        printf("all: %zu series per MUX\n", count_series(text, "plain", NULL));
        assert(count_series(text, "plain", NULL) == all_per_mux());
        assert(count_series(text, "chimney", NULL) == all_per_mux());
        assert(all_per_mux() > 200);
        free(text);
        export_state_done(&s);
}

static void test_list_adds_families_for_both_records(void) {
        ExportState s = full_state();
        char *text = test_render_prometheus(&s, "default, muxcap_mux_offload_flags");

        assert(count_series(text, "chimney", NULL) == fixed_per_mux() + export_n_default_metrics + 2);
        assert(strstr(text, "muxcap_mux_offload_flags{mux=\"plain\",record=\"hardware\",type=\"task\"} 0\n"
                            "muxcap_mux_offload_flags{mux=\"plain\",record=\"current\",type=\"task\"} 0\n"));
        free(text);
        /* a list without "default": only what it names, for every MUX, declared or not */
        text = test_render_prometheus(&s, "muxcap_mux_support_ipv4,muxcap_mux_udp_segmentation_ipv6_max_offload_size_bytes");
        assert(count_series(text, "plain", NULL) == fixed_per_mux() + 4);
        assert(strstr(text, "muxcap_mux_support_ipv4{mux=\"plain\",record=\"hardware\",type=\"connection\"} 0\n"));
        assert(!strstr(text, "lso_v2"));
        free(text);
        export_state_done(&s);
}

static void test_parse_refuses_unknown_and_empty(void) {
        ExportMetrics m;
        const char *reason = NULL;

        assert(export_metrics_parse("", &m, &reason) == -EINVAL && reason);
        assert(export_metrics_parse(" , ", &m, &reason) == -EINVAL);
        assert(export_metrics_parse("default,muxcap_mux_nope", &m, &reason) == -EINVAL);
        /* the name of a family, not a field key, and no fixed family */
        assert(export_metrics_parse("lso_v2_ipv4_max_offload_size", &m, &reason) == -EINVAL);
        assert(export_metrics_parse("muxcap_mux_lso_v2_ipv4_max_offload_size", &m, &reason) == -EINVAL);
        assert(export_metrics_parse("muxcap_mux_members", &m, &reason) == -EINVAL);
        assert(export_metrics_parse("muxcap_mux_lso_v2_ipv4_max_offload_size_bytes", &m, &reason) == 0);
}

/* Every curated row names a field this libmuxcap has (a row that resolves to nothing would
 * silently shrink the default set). */
static void test_default_rows_resolve(void) {
        for (size_t i = 0; i < export_n_default_metrics; i++) {
                const ExportMetricRow *row = &export_default_metrics[i];
                const ExportRecordType *t = export_statuses[row->status].type;

                assert(export_field_lookup(t, row->field) >= 0);
                assert(!row->when || export_field_lookup(t, row->when) >= 0);
        }
}

/* The @nth (from 0) {__name__=~"..."} regex of the rules file @text, anchored as Prometheus
 * anchors it, compiled into @ret. */
static void rules_regex(const char *text, unsigned nth, regex_t *ret) {
        static const char open[] = "{__name__=~\"";
        const char *p = text, *end;
        char re[1024];

        for (unsigned i = 0; i <= nth; i++) {
                p = strstr(p, open);
                assert(p);
                p += strlen(open);
        }
        end = strchr(p, '"');
        assert(end && (size_t) (end - p) + 5 < sizeof(re));
        (void) snprintf(re, sizeof(re), "^(%.*s)$", (int) (end - p), p);
        assert(regcomp(ret, re, REG_EXTENDED | REG_NOSUB) == 0);
}

/* The shipped rules read every default family: each on/off offload is in the regex of
 * muxcap_mux:offload_on:bool, each size in that of muxcap_mux:max_offload_size:bytes. A
 * row added to the table and not to the rules would be silently never alerted on. */
static void test_rules_cover_default_rows(const char *rules) {
        FILE *f = fopen(rules, "re");
        char text[65536];
        regex_t on, size;
        size_t n;

        assert(f);
        n = fread(text, 1, sizeof(text) - 1, f);
        fclose(f);
        text[n] = '\0';
        rules_regex(text, 0, &on);
        rules_regex(text, 1, &size);
        for (size_t i = 0; i < export_n_default_metrics; i++) {
                const ExportMetricRow *row = &export_default_metrics[i];
                const ExportRecordType *t = export_statuses[row->status].type;
                int k = export_field_lookup(t, row->field);
                char metric[EXPORT_METRIC_MAX];
                const char *suffix;

                assert(k >= 0 && export_field_metric(t, (size_t) k, metric) >= 0);
                suffix = strrchr(metric, '_');
                if (strstr(metric, "capacity"))         /* a count, neither on/off nor a size */
                        continue;
                if (suffix && strcmp(suffix, "_bytes") == 0) {
                        if (regexec(&size, metric, 0, NULL, 0) != 0)
                                fprintf(stderr, "%s: no size rule reads %s\n", rules, metric);
                        assert(regexec(&size, metric, 0, NULL, 0) == 0);
                } else {
                        if (regexec(&on, metric, 0, NULL, 0) != 0)
                                fprintf(stderr, "%s: no offload rule reads %s\n", rules, metric);
                        assert(regexec(&on, metric, 0, NULL, 0) == 0);
                }
        }
        regfree(&on);
        regfree(&size);
}

/* muxcap-export(8) gives the counts the code has. */
static void test_man_page_counts(const char *man) {
        FILE *f = fopen(man, "re");
        char text[65536], want[128];
        size_t n;

        assert(f);
        n = fread(text, 1, sizeof(text) - 1, f);
        fclose(f);
        text[n] = '\0';
        (void) snprintf(want, sizeof(want), "|  *default*\n:  %zu (%zu where no connection",
                        fixed_per_mux() + export_n_default_metrics,
                        fixed_per_mux() + export_n_default_metrics - 2);
        if (!strstr(text, want))
                fprintf(stderr, "%s lacks '%s'\n", man, want);
        assert(strstr(text, want));
        (void) snprintf(want, sizeof(want), "|  *all*\n:  %zu\n", all_per_mux());
        if (!strstr(text, want))
                fprintf(stderr, "%s lacks '%s'\n", man, want);
        assert(strstr(text, want));
}

/* A long MUX name: every one of its labels has the same, hashed, name part. */
static void test_nfd_one_name_part_per_mux(void) {
        ExportState s = full_state();
        const char *name = "lbfo.east_rack:42-with-a-rather-long-name";
        ExportMux *x = export_state_ensure(&s, name);
        char *buf, part[EXPORT_LABEL_SEGMENT_MAX + 1] = "", *save = NULL;
        size_t n = 0;

        assert(x && export_mux_set_info(x, "declared", "min", 0) == 1);
        test_set_record(x, MUXCAP_STATUS_OFFLOAD_RESUME, 1, "tcp_connection_offload_capacity=1");
        test_set_record(x, MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG, 1, TASK);
        buf = test_render_nfd(&s, "muxcap");
        for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *mux = line + strlen("muxcap."), *dot;

                if (line[0] == '#' || strncmp(mux, "lbfo", 4) != 0)
                        continue;
                assert(strcspn(line, "=") <= EXPORT_LABEL_SEGMENT_MAX);
                dot = strchr(mux, '.');
                assert(dot);
                *dot = '\0';
                if (!*part)
                        (void) snprintf(part, sizeof(part), "%s", mux);
                assert(strcmp(part, mux) == 0);
                n++;
        }
        /* its members, kind, six connection and thirteen task labels, one part: the escaped
         * name's beginning and its hash, as muxcap-export(8) says */
        assert(n == export_n_labels);
        assert(strcmp(part, "lbfo_2eeast_5frack_3a42-cdc9fb70") == 0);
        free(buf);
        export_state_done(&s);
}

int main(int argc, char **argv) {
        assert(argc == 3);
        test_default_at_most_30_per_mux();
        test_all_is_every_field_of_every_record();
        test_list_adds_families_for_both_records();
        test_parse_refuses_unknown_and_empty();
        test_default_rows_resolve();
        test_man_page_counts(argv[1]);
        test_rules_cover_default_rows(argv[2]);
        test_nfd_one_name_part_per_mux();
        printf("export-metrics: all passed\n");
        return 0;
}
