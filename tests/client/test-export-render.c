/* SPDX-License-Identifier: MIT */
/* muxcap-export's pure parts: label names and values valid for Kubernetes, escaping, the NFD
 * file and the Prometheus text format, byte for byte; config keys; atomic file replacement */
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export-config.h"
#include "export-file.h"
#include "export-nfd.h"
#include "export-prometheus.h"
#include "export-state.h"
#include "muxcap/muxcap.h"
#include "test-export-util.h"

static bool label_name_valid(const char *name) {
        const char *slash = strrchr(name, '/'), *seg = slash ? slash + 1 : name;

        return *seg && export_label_value_valid(seg);
}

static void test_label_mux_part_escapes_outside_alnum_and_dash(void) {
        char buf[EXPORT_LABEL_SEGMENT_MAX + 1];

        export_label_mux_part("br-lan", 40, buf);
        assert(strcmp(buf, "br-lan") == 0);
        export_label_mux_part("br_lan.1", 40, buf);
        assert(strcmp(buf, "br_5flan_2e1") == 0);
        export_label_mux_part("", 40, buf);
        assert(strcmp(buf, "_") == 0);
        export_label_mux_part("a:b/é", 40, buf);
        assert(strcmp(buf, "a_3ab_2f_c3_a9") == 0);
        /* injective: '_' itself is escaped, so "a_2e" and "a." differ */
        char other[EXPORT_LABEL_SEGMENT_MAX + 1];
        export_label_mux_part("a_2e", 40, buf);
        export_label_mux_part("a.", 40, other);
        assert(strcmp(buf, other) != 0);
}

static void test_label_mux_part_hashes_names_too_long(void) {
        char buf[EXPORT_LABEL_SEGMENT_MAX + 1], other[EXPORT_LABEL_SEGMENT_MAX + 1];
        char big[600];

        export_label_mux_part("abcdefghijklmnopqrstuvwxyz", 26, buf);
        assert(strcmp(buf, "abcdefghijklmnopqrstuvwxyz") == 0);
        export_label_mux_part("abcdefghijklmnopqrstuvwxyz", 20, buf);
        assert(strlen(buf) == 20);
        assert(strncmp(buf, "abcdefghijk-", 12) == 0);
        /* FNV-1a 32 of the name, as in muxcap-export(8) */
        assert(strcmp(buf + 12, "b0bc0c82") == 0);
        export_label_mux_part("abcdefghijklmnopqrstuvwxyZ", 20, other);
        assert(strcmp(buf, other) != 0);
        memset(big, '.', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        export_label_mux_part(big, 30, buf);
        assert(strlen(buf) == 30);
}

static void test_label_prefix_check(void) {
        const char *reason = NULL;

        assert(export_label_prefix_check("muxcap", NULL) == 0);
        assert(export_label_prefix_check("example.com/muxcap", NULL) == 0);
        assert(export_label_prefix_check("offload.feature.node.kubernetes.io/mx-1", NULL) == 0);
        assert(export_label_prefix_check("", &reason) == -EINVAL && reason);
        assert(export_label_prefix_check("-muxcap", NULL) == -EINVAL);
        assert(export_label_prefix_check("muxcap.", NULL) == -EINVAL);
        assert(export_label_prefix_check("mux cap", NULL) == -EINVAL);
        assert(export_label_prefix_check("Example.com/muxcap", NULL) == -EINVAL);
        assert(export_label_prefix_check("/muxcap", NULL) == -EINVAL);
        assert(export_label_prefix_check("a/b/c", NULL) == -EINVAL);
        assert(export_label_prefix_check("abcdefghijklmnopqrstuvwx", NULL) == 0);      /* 24 */
        assert(export_label_prefix_check("abcdefghijklmnopqrstuvwxy", NULL) == -EINVAL); /* 25 */
}

static void test_label_value_valid(void) {
        assert(export_label_value_valid(""));
        assert(export_label_value_valid("true"));
        assert(export_label_value_valid("4096"));
        assert(export_label_value_valid("a.b_c-d"));
        assert(!export_label_value_valid("-a"));
        assert(!export_label_value_valid("a_"));
        assert(!export_label_value_valid("a b"));
        assert(!export_label_value_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")); /* 64 */
}

static ExportState sample_state(void) {
        ExportState s = { .daemon_up = true };
        ExportMux *x = export_state_ensure(&s, "br0"), *y;

        assert(x);
        assert(export_mux_set_info(x, "bridge", "min", 2) == 1);
        assert(export_mux_set_info(x, "bridge", "min", 2) == 0);
        test_set_record(x, MUXCAP_STATUS_HARDWARE_CAPABILITIES, 3,
                   "encapsulation=0x6 support_ipv4=1 support_ipv6=1 tcp_connection_offload_capacity=4096");
        test_set_record(x, MUXCAP_STATUS_OFFLOAD_RESUME, 3,
                   "encapsulation=0x6 support_ipv6=1 tcp_connection_offload_capacity=4096");
        x->indications[0] = 3;
        x->indications[1] = 4;
        /* sorted in although added second */
        y = export_state_ensure(&s, "a\"b\\c");
        assert(y && s.muxes[0] == y);
        assert(export_mux_set_info(y, "declared", "sum", 0) == 1);
        test_set_record(y, MUXCAP_STATUS_HARDWARE_CAPABILITIES, 1, "revision=2");
        return s;
}

static void test_render_nfd_exact(void) {
        ExportState s = sample_state();
        char *text = test_render_nfd(&s, "muxcap");

        assert(strcmp(text,
                "# muxcap offload labels, written by muxcap-export(8): do not edit.\n"
                "# The labels expire unless muxcap-export renews them.\n"
                "# +expiry-time=2026-01-02T03:04:05Z\n"
                "muxcap.a_22b_5cc.members=0\n"
                "muxcap.a_22b_5cc.kind=declared\n"
                "muxcap.br0.members=2\n"
                "muxcap.br0.kind=bridge\n"
                "muxcap.br0.chimney-capable=true\n"
                "muxcap.br0.tcp-connection-capacity=4096\n"
                "muxcap.br0.tcp-offload-ipv4=false\n"
                "muxcap.br0.tcp-offload-ipv6=true\n"
                "# 8 labels\n") == 0);
        free(text);
        export_state_done(&s);
}

/* Every label of many odd names and prefixes: name segment and value valid, at most 63. */
static void test_render_nfd_labels_always_valid(void) {
        static const char *names[] = {
                "br0", "", "-", "_", ".", "a.b", "x_y", "bond0:1", "ünïcödé", "a very long name "
                "of a declared MUX that goes on and on and on and on and on", "0123456789abcde",
                "-lead", "trail-", "..", "a/b",
        };
        static const char *prefixes[] = {
                "muxcap", "abcdefghijklmnopqrstuvwx", "example.com/abcdefghijklmnopqrstuvwx", "m",
        };
        ExportState s = { .daemon_up = true };

        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                ExportMux *x = export_state_ensure(&s, names[i]);
                assert(x);
                assert(export_mux_set_info(x, i % 2 ? "weird kind!" : "bond", "min", (unsigned) i) == 1);
                test_set_record(x, MUXCAP_STATUS_OFFLOAD_RESUME, 1, "tcp_connection_offload_capacity=4294967295");
        }
        for (size_t p = 0; p < sizeof(prefixes) / sizeof(prefixes[0]); p++) {
                char *text = test_render_nfd(&s, prefixes[p]), *save = NULL;
                size_t n = 0;

                for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                        char *eq;

                        if (line[0] == '#')
                                continue;
                        eq = strchr(line, '=');
                        assert(eq);
                        *eq = '\0';
                        assert(label_name_valid(line));
                        assert(strncmp(line, prefixes[p], strlen(prefixes[p])) == 0);
                        assert(export_label_value_valid(eq + 1) && eq[1]);
                        n++;
                }
                assert(n == (sizeof(names) / sizeof(names[0])) * 6);
                free(text);
        }
        export_state_done(&s);
}

static void test_render_prometheus_exact(void) {
        ExportState s = sample_state();
        char *text = test_render_prometheus(&s, "all");
        const char *want_lines[] = {
                "# HELP muxcap_mux_info A MUX muxcapd publishes: its link kind and capacity policy (always 1).\n"
                "# TYPE muxcap_mux_info gauge\n"
                "muxcap_mux_info{mux=\"a\\\"b\\\\c\",kind=\"declared\",capacity_policy=\"sum\"} 1\n"
                "muxcap_mux_info{mux=\"br0\",kind=\"bridge\",capacity_policy=\"min\"} 1\n",
                "# TYPE muxcap_mux_generation gauge\n"
                "muxcap_mux_generation{mux=\"a\\\"b\\\\c\"} 1\n"
                "muxcap_mux_generation{mux=\"br0\"} 3\n",
                "# TYPE muxcap_mux_members gauge\n"
                "muxcap_mux_members{mux=\"a\\\"b\\\\c\"} 0\n"
                "muxcap_mux_members{mux=\"br0\"} 2\n",
                "# TYPE muxcap_mux_support_ipv4 gauge\n"
                "muxcap_mux_support_ipv4{mux=\"a\\\"b\\\\c\",record=\"hardware\",type=\"connection\"} 0\n"
                "muxcap_mux_support_ipv4{mux=\"br0\",record=\"hardware\",type=\"connection\"} 1\n"
                "muxcap_mux_support_ipv4{mux=\"br0\",record=\"current\",type=\"connection\"} 0\n",
                "muxcap_mux_tcp_connection_offload_capacity{mux=\"br0\",record=\"current\",type=\"connection\"} 4096\n",
                "muxcap_mux_encapsulation{mux=\"br0\",record=\"hardware\",type=\"connection\"} 6\n",
                "muxcap_mux_chimney_capable{mux=\"br0\",record=\"current\",type=\"connection\"} 1\n",
                "# TYPE muxcap_indications_total counter\n"
                "muxcap_indications_total{mux=\"a\\\"b\\\\c\",status=\"0x4002000b\"} 0\n"
                "muxcap_indications_total{mux=\"a\\\"b\\\\c\",status=\"0x40020003\"} 0\n"
                "muxcap_indications_total{mux=\"br0\",status=\"0x4002000b\"} 3\n"
                "muxcap_indications_total{mux=\"br0\",status=\"0x40020003\"} 4\n",
        };
        const char *tail = "# HELP muxcap_daemon_up Whether muxcapd runs and its state was read (1), or not (0).\n"
                           "# TYPE muxcap_daemon_up gauge\n"
                           "muxcap_daemon_up 1\n";

        for (size_t i = 0; i < sizeof(want_lines) / sizeof(want_lines[0]); i++) {
                if (!strstr(text, want_lines[i]))
                        fprintf(stderr, "missing:\n%s\nin:\n%s\n", want_lines[i], text);
                assert(strstr(text, want_lines[i]));
        }
        assert(strlen(text) > strlen(tail) && strcmp(text + strlen(text) - strlen(tail), tail) == 0);
        free(text);
        export_state_done(&s);
}

/* Text format 0.0.4: every line a HELP, TYPE or sample; a family's HELP and TYPE once, before
 * its samples, which are contiguous; names from muxcap_; no timestamps. */
static void check_prometheus_grammar(const ExportState *s) {
        char *text = test_render_prometheus(s, "all"), *save = NULL, family[128] = "", seen[32768] = " ";
        regex_t sample, help, type;

        assert(regcomp(&sample, "^(muxcap_[a-z0-9_]+)(\\{[a-z_]+=\"([^\"\\\\]|\\\\.)*\""
                                "(,[a-z_]+=\"([^\"\\\\]|\\\\.)*\")*\\})? [0-9]+$", REG_EXTENDED) == 0);
        assert(regcomp(&help, "^# HELP (muxcap_[a-z0-9_]+) [^\n]+$", REG_EXTENDED) == 0);
        assert(regcomp(&type, "^# TYPE (muxcap_[a-z0-9_]+) (gauge|counter)$", REG_EXTENDED) == 0);
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                regmatch_t m[2];
                char name[128], key[140];

                if (regexec(&help, line, 2, m, 0) == 0) {
                        (void) snprintf(name, sizeof(name), "%.*s", (int) (m[1].rm_eo - m[1].rm_so), line + m[1].rm_so);
                        (void) snprintf(key, sizeof(key), " %s ", name);
                        assert(!strstr(seen, key));     /* one family, one place */
                        strcat(seen, key + 1);
                        strcpy(family, name);
                        continue;
                }
                if (regexec(&type, line, 2, m, 0) == 0) {
                        assert(strncmp(line + m[1].rm_so, family, strlen(family)) == 0);
                        continue;
                }
                assert(regexec(&sample, line, 2, m, 0) == 0);
                assert((size_t) (m[1].rm_eo - m[1].rm_so) == strlen(family) &&
                       strncmp(line, family, strlen(family)) == 0);
        }
        regfree(&sample);
        regfree(&help);
        regfree(&type);
        free(text);
}

static void test_render_prometheus_grammar(void) {
        ExportState s = sample_state();

        check_prometheus_grammar(&s);
        export_state_done(&s);
}

/* The same with both records of both types: about a hundred task families more. */
static void test_render_prometheus_grammar_with_task_records(void) {
        ExportState s = sample_state();

        test_set_record(s.muxes[1], MUXCAP_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES, 3,
                        "lso_v2_ipv4_encapsulation=802.3 lso_v2_ipv4_max_offload_size=524280");
        test_set_record(s.muxes[1], MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG, 3,
                        "udp_segmentation_ipv4_encapsulation=802.3 offload_flags=1");
        test_set_record(s.muxes[0], MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG, 1, "revision=1");
        check_prometheus_grammar(&s);
        export_state_done(&s);
}

static void test_render_daemon_down_shows_only_up_0(void) {
        ExportState s = { .daemon_up = false };
        char *text = test_render_prometheus(&s, "all");

        assert(strcmp(text, "# HELP muxcap_daemon_up Whether muxcapd runs and its state was read (1), or not (0).\n"
                            "# TYPE muxcap_daemon_up gauge\n"
                            "muxcap_daemon_up 0\n") == 0);
        free(text);
}

static void test_set_record_reports_change_and_refuses_malformed(void) {
        ExportMux *x = export_mux_new("m");
        uint8_t bad[MUXCAP_RECORD_SIZE] = { 0x81 };
        uint8_t good[MUXCAP_RECORD_SIZE];
        struct muxcap_record r;

        muxcap_record_init(&r);
        assert(muxcap_record_encode(&r, good, NULL) == 0);
        assert(export_mux_set_record(x, MUXCAP_STATUS_HARDWARE_CAPABILITIES, 1, good, sizeof(good)) == 1);
        assert(export_mux_set_record(x, MUXCAP_STATUS_HARDWARE_CAPABILITIES, 1, good, sizeof(good)) == 0);
        assert(export_mux_set_record(x, MUXCAP_STATUS_HARDWARE_CAPABILITIES, 2, good, sizeof(good)) == 1);
        assert(export_mux_set_record(x, MUXCAP_STATUS_HARDWARE_CAPABILITIES, 3, bad, sizeof(bad)) == -EBADMSG);
        assert(x->generation == 2);
        /* a code the exporter does not know; 0x40020007 it knows, and wants a task record */
        assert(export_mux_set_record(x, 0x40020099, 3, good, sizeof(good)) == -ENOENT);
        assert(export_mux_set_record(x, 0x40020007, 3, good, sizeof(good)) == -EBADMSG);
        export_mux_free(x);
}

static void test_state_keeps_sorted_and_removes(void) {
        ExportState s = { 0 };
        const char *order[] = { "c", "a", "b", "d" };

        for (size_t i = 0; i < 4; i++)
                assert(export_state_ensure(&s, order[i]));
        assert(export_state_ensure(&s, "b") == export_state_find(&s, "b"));
        assert(s.n_muxes == 4);
        for (size_t i = 0; i + 1 < s.n_muxes; i++)
                assert(strcmp(s.muxes[i]->name, s.muxes[i + 1]->name) < 0);
        assert(export_state_remove(&s, "b") == 1);
        assert(export_state_remove(&s, "b") == 0);
        assert(!export_state_find(&s, "b") && export_state_find(&s, "d"));
        export_state_done(&s);
}

static void test_config_keys(void) {
        ExportConfig c;
        const char *reason = NULL;

        assert(export_config_init(&c) == 0);
        assert(strcmp(c.nfd_file, EXPORT_DEFAULT_NFD_FILE) == 0);
        assert(export_config_set(&c, "NfdFile", "", &reason) == 0 && !c.nfd_file);
        assert(export_config_set(&c, "PrometheusFile", "/x/", &reason) == -EINVAL);
        assert(export_config_set(&c, "LabelPrefix", "bad prefix", &reason) == -EINVAL && reason);
        assert(export_config_set(&c, "NfdExpirySec", "9", &reason) == -EINVAL);
        assert(export_config_set(&c, "NfdExpirySec", "60", &reason) == 0 && c.nfd_expiry_sec == 60);
        assert(export_config_set(&c, "Muxes", "  ", &reason) == -EINVAL);
        assert(export_config_set(&c, "Muxes", "br* bond0", &reason) == 0);
        assert(export_config_wants_mux(&c, "br-lan") && export_config_wants_mux(&c, "bond0"));
        assert(!export_config_wants_mux(&c, "bond1"));
        assert(export_config_set(&c, "Nope", "1", &reason) == -ENOENT);
        export_config_done(&c);
}

static void test_config_file_errors_name_file_and_line(void) {
        char path[] = "/tmp/test-export-config.XXXXXX";
        int fd = mkstemp(path);
        ExportConfig c;
        char *msg = NULL;
        char want[128];

        assert(fd >= 0);
        assert(write(fd, "[Export]\nMuxes=br*\nLabelPrefix=no good\n", 39) == 39);
        close(fd);
        assert(export_config_init(&c) == 0);
        assert(export_config_load(&c, path, true, &msg) == -EINVAL);
        (void) snprintf(want, sizeof(want), "%s:3: LabelPrefix='no good': ", path);
        assert(msg && strncmp(msg, want, strlen(want)) == 0);
        free(msg);
        msg = NULL;
        assert(export_config_load(&c, "/nonexistent/x.conf", false, &msg) == 0);
        assert(export_config_load(&c, "/nonexistent/x.conf", true, &msg) == -ENOENT && msg);
        free(msg);
        export_config_done(&c);
        unlink(path);
}

static void test_file_replace_is_whole_and_leaves_nothing(void) {
        char dir[] = "/tmp/test-export-file.XXXXXX", path[128], buf[64];
        struct stat st;
        FILE *f;

        assert(mkdtemp(dir));
        (void) snprintf(path, sizeof(path), "%s/m.prom", dir);
        assert(export_file_check_dir(path) == 0);
        assert(export_file_replace(path, "one\n", 4) == 0);
        assert(export_file_replace(path, "two two\n", 8) == 0);
        assert(stat(path, &st) == 0 && (st.st_mode & 07777) == 0644 && st.st_size == 8);
        f = fopen(path, "r");
        assert(f && fgets(buf, sizeof(buf), f) && strcmp(buf, "two two\n") == 0);
        fclose(f);
        /* only the file itself is left in the folder */
        char cmd[256];
        (void) snprintf(cmd, sizeof(cmd), "test \"$(ls -A '%s')\" = m.prom", dir);
        assert(system(cmd) == 0);
        assert(export_file_check_dir("/nonexistent/dir/x") == -ENOENT);
        assert(export_file_replace("/nonexistent/dir/x", "x", 1) == -ENOENT);
        unlink(path);
        rmdir(dir);
}

int main(void) {
        test_label_mux_part_escapes_outside_alnum_and_dash();
        test_label_mux_part_hashes_names_too_long();
        test_label_prefix_check();
        test_label_value_valid();
        test_render_nfd_exact();
        test_render_nfd_labels_always_valid();
        test_render_prometheus_exact();
        test_render_prometheus_grammar();
        test_render_prometheus_grammar_with_task_records();
        test_render_daemon_down_shows_only_up_0();
        test_set_record_reports_change_and_refuses_malformed();
        test_state_keeps_sorted_and_removes();
        test_config_keys();
        test_config_file_errors_name_file_and_line();
        test_file_replace_is_whole_and_leaves_nothing();
        printf("export-render: all passed\n");
        return 0;
}
