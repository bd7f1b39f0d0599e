/* SPDX-License-Identifier: MIT */
/* muxcap-export and the task-offload record: its gauge families named from libmuxcap's field
 * list (valid, unique, sizes in bytes), its NFD labels, its samples and indications */
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

static const ExportRecordType *type_of(uint32_t code) {
        int i = export_status_index(code);

        assert(i >= 0);
        return export_statuses[i].type;
}

/* Every family of every record type: a valid name, once; the task record's are its JSON keys,
 * sizes with _bytes, one per field of the library. */
static void test_families_valid_unique_and_from_the_library(void) {
        const ExportRecordType *conn = type_of(MUXCAP_STATUS_HARDWARE_CAPABILITIES);
        const ExportRecordType *task = type_of(MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG);
        const ExportRecordType *types[] = { conn, task };
        char names[2 * EXPORT_FIELDS_MAX][EXPORT_METRIC_MAX];
        size_t n = 0, n_bytes = 0;
        regex_t re;

        assert(type_of(MUXCAP_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES) == task);
        assert(strcmp(task->name, "task") == 0 && strcmp(conn->name, "connection") == 0);
        assert(export_type_n_fields(task) == muxcap_task_field_count());
        assert(export_type_n_fields(task) > 90);
        assert(regcomp(&re, "^muxcap_mux_[a-z][a-z0-9_]*$", REG_EXTENDED | REG_NOSUB) == 0);
        for (size_t t = 0; t < 2; t++)
                for (size_t k = 0; k < export_type_n_fields(types[t]); k++) {
                        char help[EXPORT_HELP_MAX];

                        assert(export_field_metric(types[t], k, names[n]) == 0);
                        assert(regexec(&re, names[n], 0, NULL, 0) == 0);
                        for (size_t j = 0; j < n; j++)
                                assert(strcmp(names[j], names[n]) != 0);
                        export_field_help(types[t], k, help);
                        assert(*help && !strchr(help, '\n') && !strchr(help, '\\'));
                        n_bytes += strstr(names[n], "_bytes") != NULL;
                        n++;
                }
        regfree(&re);
        /* LSO v1, v2 IPv4/IPv6, USO IPv4/IPv6 maximum sizes; GRE and VXLAN header sizes */
        assert(n_bytes == 7);
        for (size_t k = 0; k < export_type_n_fields(task); k++) {
                char name[EXPORT_METRIC_MAX];

                assert(export_field_metric(task, k, name) == 0);
                assert(strncmp(name + strlen("muxcap_mux_"), muxcap_task_field_json(k),
                               strlen(muxcap_task_field_json(k))) == 0);
        }
        /* the README's alert, and the task record's Flags apart from the connection's */
        assert(export_field_lookup(task, "lso_v2_ipv4_max_offload_size") >= 0);
        char name[EXPORT_METRIC_MAX];
        assert(export_field_metric(task, (size_t) export_field_lookup(task,
                                   "lso_v2_ipv4_max_offload_size"), name) == 0);
        assert(strcmp(name, "muxcap_mux_lso_v2_ipv4_max_offload_size_bytes") == 0);
        assert(export_field_metric(task, (size_t) export_field_lookup(task, "offload_flags"),
                                   name) == 0);
        assert(strcmp(name, "muxcap_mux_offload_flags") == 0);
        assert(export_field_lookup(task, "flags") == -ENOENT);
        assert(export_field_lookup(conn, "nope") == -ENOENT);
}

/* Every label row names fields its record type has, and fits EXPORT_LABEL_FACT_MAX. */
static void test_label_rows_resolve(void) {
        for (size_t i = 0; i < export_n_labels; i++) {
                const ExportLabel *l = &export_labels[i];

                assert(strlen(l->name) <= EXPORT_LABEL_FACT_MAX);
                if (l->source < EXPORT_LABEL_BOOL)
                        continue;
                assert(l->status < export_n_statuses && l->fields[0]);
                for (size_t j = 0; j < EXPORT_LABEL_FIELDS_MAX && l->fields[j]; j++)
                        assert(export_field_lookup(export_statuses[l->status].type, l->fields[j]) >= 0);
        }
}

/* A bridge over two veths (802.3), as muxcapd derives it, with USO off in the current config. */
static ExportState task_state(void) {
        ExportState s = { .daemon_up = true };
        ExportMux *x = export_state_ensure(&s, "br0");
        const char *common =
                "checksum_ipv4_transmit_encapsulation=802.3 checksum_ipv4_transmit_tcp_checksum=1 "
                "checksum_ipv4_transmit_udp_checksum=1 checksum_ipv6_transmit_tcp_checksum=1 "
                "checksum_ipv4_receive_tcp_checksum=1 checksum_ipv4_receive_udp_checksum=1 "
                "checksum_ipv6_receive_tcp_checksum=1 checksum_ipv6_receive_udp_checksum=1 "
                "lso_v2_ipv4_encapsulation=802.3 lso_v2_ipv6_encapsulation=802.3 "
                "lso_v2_ipv4_min_segment_count=2 lso_v2_ipv6_min_segment_count=2 "
                "encapsulated_packet_task_offload_gre_lso_v2_supported=outer-ipv4 "
                "offload_flags=0x5 ";
        char hw[2048], cur[2048];

        assert(x && export_mux_set_info(x, "bridge", "min", 2) == 1);
        (void) snprintf(hw, sizeof(hw), "%slso_v2_ipv4_max_offload_size=524280 "
                        "lso_v2_ipv6_max_offload_size=524280 udp_segmentation_ipv4_encapsulation=802.3 "
                        "udp_segmentation_ipv4_max_offload_size=524280", common);
        (void) snprintf(cur, sizeof(cur), "%slso_v2_ipv4_max_offload_size=65536 "
                        "lso_v2_ipv6_max_offload_size=65536", common);
        test_set_record(x, MUXCAP_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES, 4, hw);
        test_set_record(x, MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG, 4, cur);
        x->indications[export_status_index(MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG)] = 2;
        x->indications[export_status_index(MUXCAP_STATUS_OFFLOAD_RESUME)] = 1;
        return s;
}

static void test_render_nfd_task_labels(void) {
        ExportState s = task_state();
        char *text = test_render_nfd(&s, "muxcap");

        assert(strstr(text,
                "muxcap.br0.members=2\n"
                "muxcap.br0.kind=bridge\n"
                "muxcap.br0.lso-v2-ipv4=true\n"
                "muxcap.br0.lso-v2-ipv4-max-size=65536\n"
                "muxcap.br0.lso-v2-ipv6=true\n"
                "muxcap.br0.lso-v2-ipv6-max-size=65536\n"
                "muxcap.br0.uso-ipv4=false\n"
                "muxcap.br0.uso-ipv6=false\n"
                "muxcap.br0.checksum-tx-ipv4=true\n"
                "muxcap.br0.checksum-tx-ipv6=false\n"     /* TCP without UDP */
                "muxcap.br0.checksum-rx-ipv4=true\n"
                "muxcap.br0.checksum-rx-ipv6=true\n"
                "muxcap.br0.gre-lso=true\n"
                "muxcap.br0.vxlan-lso=false\n"
                "muxcap.br0.ipsec-esp=false\n"
                "# 15 labels\n"));
        /* no connection record: no connection label */
        assert(!strstr(text, "chimney"));
        free(text);
        export_state_done(&s);
}

static void test_render_prometheus_task_samples(void) {
        ExportState s = task_state();
        char *text = test_render_prometheus(&s, "all");
        const char *want[] = {
                "# HELP muxcap_mux_lso_v2_ipv4_max_offload_size_bytes Task offload (NDIS_OFFLOAD) "
                "field LsoV2.IPv4.MaxOffLoadSize, in bytes.\n"
                "# TYPE muxcap_mux_lso_v2_ipv4_max_offload_size_bytes gauge\n"
                "muxcap_mux_lso_v2_ipv4_max_offload_size_bytes{mux=\"br0\",record=\"hardware\",type=\"task\"} 524280\n"
                "muxcap_mux_lso_v2_ipv4_max_offload_size_bytes{mux=\"br0\",record=\"current\",type=\"task\"} 65536\n",
                "muxcap_mux_udp_segmentation_ipv4_encapsulation{mux=\"br0\",record=\"hardware\",type=\"task\"} 2\n"
                "muxcap_mux_udp_segmentation_ipv4_encapsulation{mux=\"br0\",record=\"current\",type=\"task\"} 0\n",
                "muxcap_mux_offload_flags{mux=\"br0\",record=\"current\",type=\"task\"} 5\n",
                "muxcap_mux_encapsulated_packet_task_offload_gre_lso_v2_supported{mux=\"br0\",record=\"current\",type=\"task\"} 2\n",
                "# TYPE muxcap_mux_encapsulated_packet_task_offload_vxlan_max_header_size_supported_bytes gauge\n",
                "muxcap_indications_total{mux=\"br0\",status=\"0x4002000b\"} 0\n"
                "muxcap_indications_total{mux=\"br0\",status=\"0x40020003\"} 1\n"
                "muxcap_indications_total{mux=\"br0\",status=\"0x40020007\"} 0\n"
                "muxcap_indications_total{mux=\"br0\",status=\"0x40020006\"} 2\n",
        };

        for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
                if (!strstr(text, want[i]))
                        fprintf(stderr, "missing:\n%s\n", want[i]);
                assert(strstr(text, want[i]));
        }
        /* no connection record: none of its families */
        assert(!strstr(text, "type=\"connection\""));
        free(text);
        export_state_done(&s);
}

/* Indications: by record type, then by MUX, in one family. */
static void test_indications_grouped_by_type(void) {
        ExportState s = task_state();
        ExportMux *a = export_state_ensure(&s, "a");
        char *text;

        assert(a);
        a->indications[export_status_index(MUXCAP_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES)] = 7;
        text = test_render_prometheus(&s, "all");
        assert(strstr(text,
                "muxcap_indications_total{mux=\"a\",status=\"0x4002000b\"} 0\n"
                "muxcap_indications_total{mux=\"a\",status=\"0x40020003\"} 0\n"
                "muxcap_indications_total{mux=\"br0\",status=\"0x4002000b\"} 0\n"
                "muxcap_indications_total{mux=\"br0\",status=\"0x40020003\"} 1\n"
                "muxcap_indications_total{mux=\"a\",status=\"0x40020007\"} 7\n"
                "muxcap_indications_total{mux=\"a\",status=\"0x40020006\"} 0\n"
                "muxcap_indications_total{mux=\"br0\",status=\"0x40020007\"} 0\n"
                "muxcap_indications_total{mux=\"br0\",status=\"0x40020006\"} 2\n"
                "# HELP muxcap_daemon_up "));
        free(text);
        export_state_done(&s);
}

/* A task record changes what is exported; a connection record is refused for a task code. */
static void test_set_task_record_change_and_refusal(void) {
        ExportMux *x = export_mux_new("m");
        struct muxcap_task_record r;
        uint8_t buf[MUXCAP_TASK_RECORD_SIZE];
        int cur = export_status_index(MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG);

        muxcap_task_record_init(&r);
        assert(muxcap_task_record_encode(&r, buf, NULL) == 0);
        assert(export_mux_set_record(x, MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG, 1, buf, sizeof(buf)) == 1);
        assert(export_mux_set_record(x, MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG, 1, buf, sizeof(buf)) == 0);
        assert(muxcap_task_record_set_field(&r, "udp_segmentation_ipv4_encapsulation", "802.3", NULL) == 0);
        assert(muxcap_task_record_encode(&r, buf, NULL) == 0);
        assert(export_mux_set_record(x, MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG, 1, buf, sizeof(buf)) == 1);
        assert(x->records[cur].values[muxcap_task_field_lookup("udp_segmentation_ipv4_encapsulation")] == 2);
        buf[0] = 0x80;
        assert(export_mux_set_record(x, MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG, 2, buf, sizeof(buf)) == -EBADMSG);
        assert(export_mux_set_record(x, MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG, 2, buf, 3) == -EBADMSG);
        assert(x->generation == 1);
        export_mux_free(x);
}

/* Task labels of odd MUX names: valid names and values, at most 63. */
static void test_task_labels_valid_for_long_names(void) {
        ExportState s = task_state();
        ExportMux *x = export_state_ensure(&s, "a very long name of a declared MUX: on and on.");
        char *text, *save = NULL;
        size_t n = 0;

        assert(x && export_mux_set_info(x, "declared", "sum", 0) == 1);
        test_set_record(x, MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG, 1,
                        "lso_v2_ipv4_max_offload_size=4294967295");
        text = test_render_nfd(&s, "muxcap");
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *eq;

                if (line[0] == '#')
                        continue;
                eq = strchr(line, '=');
                assert(eq);
                *eq = '\0';
                assert(strlen(line) <= EXPORT_LABEL_SEGMENT_MAX);
                assert(export_label_value_valid(line) && export_label_value_valid(eq + 1) && eq[1]);
                n++;
        }
        assert(n == 2 * 15);
        free(text);
        export_state_done(&s);
}

int main(void) {
        test_families_valid_unique_and_from_the_library();
        test_label_rows_resolve();
        test_render_nfd_task_labels();
        test_render_prometheus_task_samples();
        test_indications_grouped_by_type();
        test_set_task_record_change_and_refusal();
        test_task_labels_valid_for_long_names();
        printf("export-task: all passed\n");
        return 0;
}
