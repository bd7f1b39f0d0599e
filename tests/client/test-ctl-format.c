/* SPDX-License-Identifier: MIT */
/* muxcapctl's output: JSON strings, JSON Lines for monitor, summaries */

#undef NDEBUG
#include <assert.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static char buf[4096];

static FILE *open_buf(void) {
        FILE *f = fmemopen(buf, sizeof(buf), "w");

        assert(f);
        return f;
}

static void expect_buf(FILE *f, const char *want) {
        fclose(f);
        if (strcmp(buf, want) != 0) {
                fprintf(stderr, "got  '%s'\nwant '%s'\n", buf, want);
                abort();
        }
}

static void test_json_string_escapes_quotes_backslashes_and_controls(void) {
        FILE *f = open_buf();

        ctl_print_json_string(f, "a\"b\\c\n\t\x01z");
        expect_buf(f, "\"a\\\"b\\\\c\\n\\t\\u0001z\"");
}

static void test_indication_is_one_json_line_with_one_record_shape(void) {
        struct muxcap_record r;
        uint8_t wire[MUXCAP_RECORD_SIZE];
        FILE *f = open_buf();

        muxcap_record_init(&r);
        r.encapsulation = MUXCAP_ENCAP_IEEE_802_3 | MUXCAP_ENCAP_IEEE_802_3_P_AND_Q;
        r.support_ipv6 = 1;
        r.support_sack = 1;
        r.congestion_algorithm = 3;
        r.tcp_connection_offload_capacity = 10;
        r.flags = 0x80000000u;
        assert(muxcap_record_encode(&r, wire, NULL) == 0);
        ctl_print_event(f, &(struct muxcap_event) {
                .kind = MUXCAP_EVENT_INDICATION,
                .mux = "br\"0",
                .status_code = MUXCAP_STATUS_OFFLOAD_RESUME,
                .generation = 18446744073709551615u,
                .record = &r,
                .buffer = wire,
                .buffer_size = sizeof(wire),
        }, true);
        expect_buf(f, "{\"event\":\"indication\",\"name\":\"br\\\"0\",\"generation\":18446744073709551615,"
                      "\"status_code\":1073872899,\"status\":\"NDIS_STATUS_OFFLOAD_RESUME\","
                      "\"record\":{\"type\":\"connection\",\"status_code\":1073872899,"
                      "\"status\":\"NDIS_STATUS_OFFLOAD_RESUME\",\"generation\":18446744073709551615,"
                      "\"revision\":2,\"fields\":{\"encapsulation\":6,"
                      "\"support_ipv4\":0,\"support_ipv6\":1,\"support_ipv6_extension_headers\":0,"
                      "\"support_sack\":1,\"congestion_algorithm\":3,"
                      "\"tcp_connection_offload_capacity\":10,\"flags\":2147483648,"
                      "\"chimney_capable\":true},\"hex\":\"800214000600000044030000"
                      "0a00000000000080\"}}\n");
}

static void test_malformed_and_recordless_events(void) {
        static const uint8_t junk[] = { 0x81, 0x02 };
        FILE *f = open_buf();

        ctl_print_event(f, &(struct muxcap_event) {
                .kind = MUXCAP_EVENT_STATE, .mux = "m", .status_code = MUXCAP_STATUS_HARDWARE_CAPABILITIES,
                .generation = 1, .buffer = junk, .buffer_size = sizeof(junk),
        }, true);
        ctl_print_event(f, &(struct muxcap_event) { .kind = MUXCAP_EVENT_DAEMON_GONE }, true);
        ctl_print_event(f, &(struct muxcap_event) { .kind = MUXCAP_EVENT_MUX_REMOVED, .mux = "m" }, true);
        expect_buf(f, "{\"event\":\"state\",\"name\":\"m\",\"generation\":1,\"status_code\":1073872907,"
                      "\"status\":\"NDIS_STATUS_TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES\","
                      "\"error\":\"record is shorter than 20 bytes\"}\n"
                      "{\"event\":\"daemon-gone\"}\n"
                      "{\"event\":\"mux-removed\",\"name\":\"m\"}\n");
}

/* The text of an indication is KEY=VALUE pairs that encode takes back. */
static void test_text_event_prints_pairs_encode_reads(void) {
        struct muxcap_record r;
        uint8_t wire[MUXCAP_RECORD_SIZE];
        FILE *f = open_buf();

        muxcap_record_init(&r);
        r.encapsulation = MUXCAP_ENCAP_IEEE_802_3 | MUXCAP_ENCAP_IEEE_LLC_SNAP_ROUTED;
        r.support_ipv4 = 1;
        r.tcp_connection_offload_capacity = 4096;
        assert(muxcap_record_encode(&r, wire, NULL) == 0);
        ctl_print_event(f, &(struct muxcap_event) {
                .kind = MUXCAP_EVENT_INDICATION, .mux = "lbfo0",
                .status_code = MUXCAP_STATUS_HARDWARE_CAPABILITIES, .generation = 7, .record = &r,
                .buffer = wire, .buffer_size = sizeof(wire),
        }, false);
        expect_buf(f, "indication lbfo0 gen 7 TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES "
                      "encapsulation=802.3,llc-snap-routed support_ipv4=yes "
                      "tcp_connection_offload_capacity=4096\n");
        assert(strcmp(ctl_status_code_label(MUXCAP_STATUS_OFFLOAD_RESUME), "OFFLOAD_RESUME") == 0);
        assert(strcmp(ctl_status_code_label(1), "UNKNOWN") == 0);
}

static void test_mux_json_holds_each_record_in_one_shape(void) {
        char *members[] = { (char *) "eth0", (char *) "eth1", NULL };
        struct muxcap_mux_info info = {
                .name = (char *) "lbfo0", .kind = (char *) "bond", .ifindex = 4,
                .members = members, .capacity_policy = (char *) "sum", .generation = 3,
        };
        struct muxcap_record cur;
        CtlRecord rec[4] = { { 0 } };
        FILE *f = open_buf();

        muxcap_record_init(&cur);
        cur.flags = 1;
        ctl_record_from_connection(&rec[1], &cur, MUXCAP_STATUS_OFFLOAD_RESUME, 3);
        ctl_print_mux_json(f, &info, rec, "none");
        expect_buf(f, "{\"name\":\"lbfo0\",\"kind\":\"bond\",\"ifindex\":4,\"capacity_policy\":\"sum\","
                      "\"members\":[\"eth0\",\"eth1\"],\"generation\":3,\"summary\":\"none\","
                      "\"records\":{\"connection_current\":{\"type\":\"connection\","
                      "\"status_code\":1073872899,\"status\":\"NDIS_STATUS_OFFLOAD_RESUME\","
                      "\"generation\":3,\"revision\":2,\"fields\":{"
                      "\"encapsulation\":0,\"support_ipv4\":0,\"support_ipv6\":0,"
                      "\"support_ipv6_extension_headers\":0,\"support_sack\":0,"
                      "\"congestion_algorithm\":0,\"tcp_connection_offload_capacity\":0,\"flags\":1,"
                      "\"chimney_capable\":false},\"hex\":\"8002140000000000000000000000000001000000\"}}}");
}

/* Columns line up by what a terminal shows, not by bytes: "brü" is 3 columns in 4 bytes,
 * "网桥" 4 columns in 6 bytes. Escapes only when asked for. */
static void test_table_aligns_by_display_width(void) {
        Table *t = ctl_table_new(3, "NAME", "KIND", "X");
        FILE *f = open_buf();

        assert(setlocale(LC_CTYPE, "C.UTF-8"));
        ctl_table_add(t, "brü", "bridge", "1");
        ctl_table_add(t, "网桥", "bond", "");
        ctl_table_print(t, f, false, NULL);
        t = ctl_table_free(t);
        expect_buf(f, "NAME  KIND    X\n"
                      "brü   bridge  1\n"
                      "网桥  bond    -\n");
        assert(ctl_display_width("网桥") == 4);

        f = open_buf();
        t = ctl_table_new(2, "A", "B");
        ctl_table_add(t, "x", "y");
        ctl_table_print(t, f, true, NULL);
        t = ctl_table_free(t);
        expect_buf(f, "\033[1mA\033[0m  \033[1mB\033[0m\nx  y\n");
}

static void test_offload_summary_names_what_matters(void) {
        struct muxcap_task_record t;
        CtlRecord r;
        char s[256];

        muxcap_task_record_init(&t);
        assert(muxcap_task_record_set_field(&t, "checksum_ipv4_transmit_tcp_checksum", "yes", NULL) == 0);
        assert(muxcap_task_record_set_field(&t, "checksum_ipv6_receive_tcp_checksum", "yes", NULL) == 0);
        assert(muxcap_task_record_set_field(&t, "lso_v2_ipv4_max_offload_size", "65536", NULL) == 0);
        assert(muxcap_task_record_set_field(&t, "lso_v2_ipv6_max_offload_size", "65536", NULL) == 0);
        assert(muxcap_task_record_set_field(&t, "udp_segmentation_ipv4_max_offload_size", "32768", NULL) == 0);
        assert(muxcap_task_record_set_field(&t, "encapsulated_packet_task_offload_vxlan_lso_v2_supported",
                                            "outer-ipv4", NULL) == 0);
        ctl_record_from_task(&r, &t, 0, 0);
        ctl_offload_summary(&r, NULL, s, sizeof(s));
        assert(strcmp(s, "csum=tx4,rx6 lso=65536 uso4=32768 vxlan") == 0);
        muxcap_task_record_init(&t);
        ctl_record_from_task(&r, &t, 0, 0);
        ctl_offload_summary(&r, NULL, s, sizeof(s));
        assert(strcmp(s, "none") == 0);
}

int main(void) {
        test_json_string_escapes_quotes_backslashes_and_controls();
        test_indication_is_one_json_line_with_one_record_shape();
        test_malformed_and_recordless_events();
        test_text_event_prints_pairs_encode_reads();
        test_mux_json_holds_each_record_in_one_shape();
        test_table_aligns_by_display_width();
        test_offload_summary_names_what_matters();
        return 0;
}
