/* SPDX-License-Identifier: MIT */
/* Tests of daemon/ethtool.c against the real kernel, in a private network namespace */
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ethtool.h"
#include "util-netns.h"

/* The ethtool CLI prints a few features under legacy names. */
static const char *cli_name(Feature f) {
        switch (f) {
        case FEATURE_RX_CHECKSUM:
                return "rx-checksumming";
        case FEATURE_TX_VLAN_HW_INSERT:
                return "tx-vlan-offload";
        case FEATURE_RX_VLAN_HW_PARSE:
                return "rx-vlan-offload";
        case FEATURE_RX_LRO:
                return "large-receive-offload";
        default:
                return feature_to_string(f);
        }
}

/* What `ethtool -k` says: on/off, and "[fixed]" meaning not changeable (not available). */
static NicFeatures cli_features(const char *ifname) {
        NicFeatures nf = { 0 };
        uint32_t seen = 0;
        char cmd[128], line[256];
        FILE *p;

        snprintf(cmd, sizeof(cmd), "ethtool -k %s", ifname);
        p = popen(cmd, "r");
        assert(p);
        while (fgets(line, sizeof(line), p)) {
                const char *s = line + strspn(line, " \t");

                for (Feature f = 0; f < _FEATURE_MAX; f++) {
                        size_t len = strlen(cli_name(f));

                        if (strncmp(s, cli_name(f), len) != 0 || strncmp(s + len, ": ", 2) != 0)
                                continue;
                        seen |= FEATURE_BIT(f);
                        if (strncmp(s + len + 2, "on", 2) == 0)
                                nf.active |= FEATURE_BIT(f);
                        if (!strstr(s, "[fixed]"))
                                nf.available |= FEATURE_BIT(f);
                }
        }
        assert(pclose(p) == 0);
        assert(seen == FEATURE_BIT(_FEATURE_MAX) - 1);
        return nf;
}

static void test_feature_names_round_trip(void) {
        for (Feature f = 0; f < _FEATURE_MAX; f++)
                assert(feature_from_string(feature_to_string(f)) == f);
        assert(strcmp(feature_to_string(FEATURE_TX_VLAN_HW_INSERT), "tx-vlan-hw-insert") == 0);
        assert(feature_to_string(_FEATURE_MAX) == NULL);
        assert(feature_from_string("tx-vlan-offload") == _FEATURE_INVALID);
        assert(feature_from_string(NULL) == _FEATURE_INVALID);
}

static void test_read_refuses_bad_names_and_missing_devices(Ethtool *e) {
        NicFeatures nf = { .available = 0xdead, .active = 0xbeef };
        char driver[16] = "untouched";

        assert(ethtool_read(e, "", &nf, driver, sizeof(driver)) == -EINVAL);
        assert(ethtool_read(e, "abcdefghijklmnop", &nf, driver, sizeof(driver)) == -EINVAL);
        assert(ethtool_read(e, "nosuch0", &nf, driver, sizeof(driver)) == -ENODEV);
        assert(nf.available == 0xdead && nf.active == 0xbeef);
        assert(strcmp(driver, "untouched") == 0);
}

static void test_read_veth_matches_ethtool_cli(Ethtool *e) {
        NicFeatures nf, cli;
        char driver[32];

        SHELL_OK("ip link add vA type veth peer name vB");
        assert(ethtool_read(e, "vA", &nf, driver, sizeof(driver)) == 0);
        assert(strcmp(driver, "veth") == 0);
        cli = cli_features("vA");
        assert(nf.available == cli.available);
        assert(nf.active == cli.active);

        /* NOTES.md: what a veth has on and changeable; the rest is off [fixed]. */
        const uint32_t fixed_off = FEATURE_BIT(FEATURE_TX_CHECKSUM_IPV4) |
                FEATURE_BIT(FEATURE_TX_CHECKSUM_IPV6) |
                FEATURE_BIT(FEATURE_RX_UDP_TUNNEL_PORT_OFFLOAD) |
                FEATURE_BIT(FEATURE_ESP_HW_OFFLOAD) | FEATURE_BIT(FEATURE_TX_ESP_SEGMENTATION) |
                FEATURE_BIT(FEATURE_RX_GRO_HW) | FEATURE_BIT(FEATURE_RX_LRO);
        for (Feature f = 0; f < _FEATURE_MAX; f++) {
                bool expected = !(fixed_off & FEATURE_BIT(f));

                assert(!!(nf.available & FEATURE_BIT(f)) == expected);
                assert(!!(nf.active & FEATURE_BIT(f)) == expected);
        }

        /* Driver may be left out, and is truncated to what the caller has room for. */
        assert(ethtool_read(e, "vA", &nf, NULL, 0) == 0);
        assert(ethtool_read(e, "vA", &nf, driver, 3) == 0);
        assert(strcmp(driver, "ve") == 0);
}

static void test_tso_off_clears_active_keeps_available(Ethtool *e) {
        NicFeatures nf;

        SHELL_OK("ethtool -K vA tso off");
        assert(ethtool_read(e, "vA", &nf, NULL, 0) == 0);
        assert(!(nf.active & FEATURE_BIT(FEATURE_TX_TCP_SEGMENTATION)));
        assert(!(nf.active & FEATURE_BIT(FEATURE_TX_TCP6_SEGMENTATION)));
        assert(nf.available & FEATURE_BIT(FEATURE_TX_TCP_SEGMENTATION));
        assert(nf.available & FEATURE_BIT(FEATURE_TX_TCP6_SEGMENTATION));
        assert(nf.active & FEATURE_BIT(FEATURE_RX_CHECKSUM));
        assert(nf.active == cli_features("vA").active);

        SHELL_OK("ethtool -K vA tso on");
        assert(ethtool_read(e, "vA", &nf, NULL, 0) == 0);
        assert(nf.active & FEATURE_BIT(FEATURE_TX_TCP_SEGMENTATION));
}

static void test_bridge_has_fixed_off_rx_features(Ethtool *e) {
        NicFeatures nf, cli;
        char driver[32];

        SHELL_OK("ip link add br0 type bridge");
        assert(ethtool_read(e, "br0", &nf, driver, sizeof(driver)) == 0);
        assert(strcmp(driver, "bridge") == 0);
        cli = cli_features("br0");
        assert(nf.available == cli.available && nf.active == cli.active);
        assert(!(nf.available & FEATURE_BIT(FEATURE_RX_CHECKSUM)));
        assert(!(nf.active & FEATURE_BIT(FEATURE_RX_CHECKSUM)));
        assert(!(nf.available & FEATURE_BIT(FEATURE_RX_VLAN_HW_PARSE)));
        SHELL_OK("ip link del br0");
}

static void test_driver_empty_when_unsupported(Ethtool *e) {
        NicFeatures nf;
        char driver[32] = "x";

        /* lo has no driver to report: GDRVINFO fails with EOPNOTSUPP. */
        assert(ethtool_read(e, "lo", &nf, driver, sizeof(driver)) == 0);
        assert(strcmp(driver, "") == 0);
}

static void test_vanished_device_is_enodev(Ethtool *e) {
        NicFeatures nf;

        SHELL_OK("ip link del vA");
        assert(ethtool_read(e, "vA", &nf, NULL, 0) == -ENODEV);
        assert(ethtool_read(e, "vB", &nf, NULL, 0) == -ENODEV);
}

int main(void) {
        _cleanup_(ethtool_freep) Ethtool *e = NULL;

        test_feature_names_round_trip();

        netns_enter_private();
        assert(ethtool_new(&e) == 0);
        test_read_refuses_bad_names_and_missing_devices(e);
        test_read_veth_matches_ethtool_cli(e);
        test_tso_off_clears_active_keeps_available(e);
        test_bridge_has_fixed_off_rx_features(e);
        test_driver_empty_when_unsupported(e);
        test_vanished_device_is_enodev(e);
        return 0;
}
