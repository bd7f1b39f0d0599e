/* SPDX-License-Identifier: MIT */
/* muxcapctl's output: JSON strings, JSON Lines for monitor, summaries */

#undef NDEBUG
#include <assert.h>
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

static void test_indication_is_one_json_line_with_spec_keys(void) {
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
                      "\"status_code\":1073872899,\"revision\":2,\"encapsulation\":6,"
                      "\"support_ipv4\":0,\"support_ipv6\":1,\"support_ipv6_extension_headers\":0,"
                      "\"support_sack\":1,\"congestion_algorithm\":3,"
                      "\"tcp_connection_offload_capacity\":10,\"flags\":2147483648,"
                      "\"chimney_capable\":true,\"hex\":\"800214000600000044030000"
                      "0a00000000000080\"}\n");
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
                      "\"error\":\"malformed record\",\"hex\":\"8102\"}\n"
                      "{\"event\":\"daemon-gone\"}\n"
                      "{\"event\":\"mux-removed\",\"name\":\"m\"}\n");
}

static void test_text_uses_names_for_flags_and_status_codes(void) {
        struct muxcap_record r;
        FILE *f = open_buf();

        muxcap_record_init(&r);
        r.encapsulation = MUXCAP_ENCAP_IEEE_802_3 | MUXCAP_ENCAP_IEEE_LLC_SNAP_ROUTED;
        r.support_ipv4 = 1;
        r.tcp_connection_offload_capacity = 4096;
        ctl_print_event(f, &(struct muxcap_event) {
                .kind = MUXCAP_EVENT_INDICATION, .mux = "lbfo0",
                .status_code = MUXCAP_STATUS_HARDWARE_CAPABILITIES, .generation = 7, .record = &r,
        }, false);
        expect_buf(f, "indication       lbfo0           gen 7      "
                      "TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES    "
                      "encap=802.3,llc-snap-routed ipv4=yes ipv6=no ipv6ext=no sack=no cc=0 "
                      "capacity=4096 flags=0x0 chimney=yes\n");
        assert(strcmp(ctl_status_code_label(MUXCAP_STATUS_OFFLOAD_RESUME), "OFFLOAD_RESUME") == 0);
        assert(strcmp(ctl_status_code_label(1), "UNKNOWN") == 0);
}

static void test_mux_json_nests_current_config(void) {
        char *members[] = { (char *) "eth0", (char *) "eth1", NULL };
        struct muxcap_mux_info info = {
                .name = (char *) "lbfo0", .kind = (char *) "bond", .ifindex = 4,
                .members = members, .capacity_policy = (char *) "sum", .generation = 3,
        };
        FILE *f = open_buf();

        muxcap_record_init(&info.hardware);
        muxcap_record_init(&info.current);
        info.current.flags = 1;
        ctl_print_mux_json(f, &info);
        expect_buf(f, "\"name\":\"lbfo0\",\"kind\":\"bond\",\"ifindex\":4,\"capacity_policy\":\"sum\","
                      "\"members\":[\"eth0\",\"eth1\"],\"generation\":3,\"status_code\":1073872907,"
                      "\"revision\":2,\"encapsulation\":0,\"support_ipv4\":0,\"support_ipv6\":0,"
                      "\"support_ipv6_extension_headers\":0,\"support_sack\":0,"
                      "\"congestion_algorithm\":0,\"tcp_connection_offload_capacity\":0,\"flags\":0,"
                      "\"chimney_capable\":false,\"hex\":\"8002140000000000000000000000000000000000\","
                      "\"current_config\":{\"status_code\":1073872899,\"revision\":2,"
                      "\"encapsulation\":0,\"support_ipv4\":0,\"support_ipv6\":0,"
                      "\"support_ipv6_extension_headers\":0,\"support_sack\":0,"
                      "\"congestion_algorithm\":0,\"tcp_connection_offload_capacity\":0,\"flags\":1,"
                      "\"chimney_capable\":false,\"hex\":\"8002140000000000000000000000000001000000\"}");
}

int main(void) {
        test_json_string_escapes_quotes_backslashes_and_controls();
        test_indication_is_one_json_line_with_spec_keys();
        test_malformed_and_recordless_events();
        test_text_uses_names_for_flags_and_status_codes();
        test_mux_json_nests_current_config();
        return 0;
}
