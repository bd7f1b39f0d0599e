/* SPDX-License-Identifier: MIT */
/* Unit tests of daemon/kernel-record.c: the rule tables, and the records they give for the
 * feature sets of a veth and of an empty bridge on this kernel (NOTES.md), byte for byte, with
 * the bytes placed by hand from the layout (proto/OFFLOAD.md) */
#undef NDEBUG
#include <assert.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>

#include "field.h"
#include "kernel-record.h"
#include "macro.h"
#include "schema-task.h"
#include "schemas.h"

#define TASK (&schema_task_offload)
#define TCP (&schema_tcp_connection_offload)
#define F(x) FEATURE_BIT(FEATURE_##x)

/* ethtool -k of a veth: changeable offloads on, VLAN offloads on; esp, gro-hw, lro, tunnel port
 * offload off [fixed]. */
static const uint32_t veth = F(TX_CHECKSUM_IP_GENERIC) | F(TX_TCP_SEGMENTATION) |
        F(TX_TCP6_SEGMENTATION) | F(RX_CHECKSUM) | F(TX_VLAN_HW_INSERT) | F(RX_VLAN_HW_PARSE) |
        F(TX_UDP_SEGMENTATION) | F(TX_GRE_SEGMENTATION) | F(TX_GRE_CSUM_SEGMENTATION) |
        F(TX_UDP_TNL_SEGMENTATION) | F(TX_UDP_TNL_CSUM_SEGMENTATION);

/* ethtool -k of an empty bridge: rx-checksum and rx-vlan-offload off [fixed], ESP GSO on. */
static const uint32_t bridge = F(TX_CHECKSUM_IP_GENERIC) | F(TX_TCP_SEGMENTATION) |
        F(TX_TCP6_SEGMENTATION) | F(TX_VLAN_HW_INSERT) | F(TX_UDP_SEGMENTATION) |
        F(TX_GRE_SEGMENTATION) | F(TX_GRE_CSUM_SEGMENTATION) | F(TX_UDP_TNL_SEGMENTATION) |
        F(TX_UDP_TNL_CSUM_SEGMENTATION) | F(TX_ESP_SEGMENTATION);

static void expect_bytes(const RecordValue *v, const char *want_hex) {
        uint8_t buf[SCHEMA_SIZE_MAX], want[SCHEMA_SIZE_MAX];
        char got[2 * SCHEMA_SIZE_MAX + 1];
        size_t n = 0;

        assert(hex_decode(want_hex, want, sizeof(want), &n, NULL) == 0);
        assert(n == v->schema->size);
        assert(schema_encode(v, buf, sizeof(buf), NULL) == 0);
        for (size_t i = 0; i < n; i++)
                sprintf(got + 2 * i, "%02x", buf[i]);
        if (memcmp(buf, want, n) != 0)
                fprintf(stderr, "got  %s\nwant %s\n", got, want_hex);
        assert(memcmp(buf, want, n) == 0);
}

/* A veth: 802.3 + 802.1Q framing (0x06); hardware sizes from tso_max_size 524280 (0x7fff8). */
#define VETH(size)                                                                      \
        "a706d800"                                                                      \
        "06000000" "55000000" "06000000" "55000000"     /* IPv4 tx, rx: all but IpChecksum */ \
        "06000000" "55000000" "06000000" "55000000"     /* IPv6 tx, rx: ext headers too */ \
        "06000000" size "02000000" "05000000"           /* LsoV1 */                       \
        "0000000000000000000000000000000000000000" "00000000" "00000000" /* IPsecV1 */   \
        "06000000" size "02000000"                      /* LsoV2.IPv4 */                  \
        "06000000" size "02000000" "05000000"           /* LsoV2.IPv6 */                  \
        "00000000"                                      /* Flags */                       \
        "0000000000000000000000000000000000000000000000000000000000000000" /* IPsecV2 */ \
        "00000000"                                      /* Rsc */                         \
        "0f0f0000" "00000000"                           /* GRE: tx csum 0xf, LSO 0xf */   \
        "0f0f0000" "00000000" "b512" "0000" "0000000000000000" /* VXLAN, port 4789 */    \
        "03000000"                                      /* GRE_MAC | VXLAN */             \
        "00000000" "00000000"                           /* 464XLAT */                     \
        "06000000" size "42000000"                      /* USO IPv4: 2 | SubMss */        \
        "06000000" size "42000000" "01000000"           /* USO IPv6, ext headers */

static void test_veth(void) {
        NicFeatures f = { .available = veth, .active = veth };
        RecordValue hw, cur;

        kernel_derive_records(TASK, &f, ARPHRD_ETHER, 524280, 65536, &hw, &cur);
        expect_bytes(&hw, VETH("f8ff0700"));
        expect_bytes(&cur, VETH("00000100"));

        /* ethtool -K tx-udp-segmentation off: the current config loses USO, the hardware
         * record (what can be turned on) keeps it. */
        f.active &= ~F(TX_UDP_SEGMENTATION);
        kernel_derive_records(TASK, &f, ARPHRD_ETHER, 524280, 65536, &hw, &cur);
        expect_bytes(&hw, VETH("f8ff0700"));
        assert(cur.v[TASK_UDP_SEGMENTATION_IPV4_MAX_OFFLOAD_SIZE] == 0);
        assert(cur.v[TASK_UDP_SEGMENTATION_IPV4_ENCAPSULATION] == 0);
        assert(cur.v[TASK_UDP_SEGMENTATION_IPV6_IP_EXTENSION_HEADERS_SUPPORTED] == 0);
        assert(cur.v[TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE] == 65536);

        /* tso off: LSO IPv4 and the tunnels' inner IPv4 bit go. */
        f.active = veth & ~F(TX_TCP_SEGMENTATION);
        kernel_derive_records(TASK, &f, ARPHRD_ETHER, 524280, 65536, &hw, &cur);
        assert(cur.v[TASK_LSO_V1_IPV4_ENCAPSULATION] == 0 && cur.v[TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE] == 0);
        assert(cur.v[TASK_LSO_V2_IPV6_MAX_OFFLOAD_SIZE] == 65536);
        assert(cur.v[TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_LSO_V2_SUPPORTED] ==
               (TUNNEL_OUTER_IPV4 | TUNNEL_OUTER_IPV6 | TUNNEL_INNER_IPV6));

        /* Without VLAN offloads the framing is plain 802.3; on a non-Ethernet link none. */
        f.active = veth & ~F(RX_VLAN_HW_PARSE);
        kernel_derive_records(TASK, &f, ARPHRD_ETHER, 524280, 65536, &hw, &cur);
        assert(cur.v[TASK_LSO_V2_IPV4_ENCAPSULATION] == ENCAP_IEEE_802_3);
        assert(hw.v[TASK_LSO_V2_IPV4_ENCAPSULATION] == (ENCAP_IEEE_802_3 | ENCAP_IEEE_802_3_P_AND_Q));
        kernel_derive_records(TASK, &f, ARPHRD_NONE, 524280, 65536, &hw, &cur);
        assert(hw.v[TASK_LSO_V2_IPV4_ENCAPSULATION] == 0 && hw.v[TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE] == 524280);

        /* Offloads a veth lacks, when a device has them. */
        f.available = f.active = veth | F(RX_UDP_TUNNEL_PORT_OFFLOAD) | F(ESP_HW_OFFLOAD) |
                                 F(TX_ESP_SEGMENTATION) | F(RX_GRO_HW);
        kernel_derive_records(TASK, &f, ARPHRD_ETHER, 524280, 65536, &hw, &cur);
        assert(hw.v[TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_RECEIVE_CHECKSUM_OFFLOAD_SUPPORTED] == 0xf);
        assert(hw.v[TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_RSS_SUPPORTED] == 0xf);
        assert(hw.v[TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_VXLAN_UDP_PORT_NUMBER_CONFIGURABLE] == 1);
        assert(hw.v[TASK_IPSEC_V2_ESP] == 1 && hw.v[TASK_IPSEC_V2_LSO_SUPPORTED] == 1);
        assert(hw.v[TASK_IPSEC_V2_ENCAPSULATION] == 0x6);
        assert(hw.v[TASK_RSC_IPV4_ENABLED] == 1 && hw.v[TASK_RSC_IPV6_ENABLED] == 1);
        f.available = f.active = F(RX_LRO) | F(TX_CHECKSUM_IPV4) | F(TX_CHECKSUM_IPV6);
        kernel_derive_records(TASK, &f, ARPHRD_ETHER, 0, 0, &hw, &cur);
        assert(hw.v[TASK_RSC_IPV6_ENABLED] == 1);
        assert(hw.v[TASK_CHECKSUM_IPV6_TRANSMIT_TCP_CHECKSUM] == 1);
        /* NETIF_F_IPV6_CSUM cannot take extension headers; only the generic checksum can. */
        assert(hw.v[TASK_CHECKSUM_IPV6_TRANSMIT_IP_EXTENSION_HEADERS_SUPPORTED] == 0);
        assert(hw.v[TASK_CHECKSUM_IPV4_TRANSMIT_IP_CHECKSUM] == 0);
        assert(hw.v[TASK_ENCAPSULATION_TYPES] == 0);
}

/* An empty bridge: 802.3 only (no rx-vlan-hw-parse), no receive checksum; tso_max_size 65536;
 * ESP GSO without ESP offload gives no IPsec LSO. */
static void test_bridge(void) {
        NicFeatures f = { .available = bridge, .active = bridge };
        RecordValue hw, cur;

        kernel_derive_records(TASK, &f, ARPHRD_ETHER, 65536, 65536, &hw, &cur);
        expect_bytes(&hw,
                "a706d800"
                "02000000" "55000000" "00000000" "00000000"
                "02000000" "55000000" "00000000" "00000000"
                "02000000" "00000100" "02000000" "05000000"
                "0000000000000000000000000000000000000000" "00000000" "00000000"
                "02000000" "00000100" "02000000"
                "02000000" "00000100" "02000000" "05000000"
                "00000000"
                "0000000000000000000000000000000000000000000000000000000000000000"
                "00000000"
                "0f0f0000" "00000000"
                "0f0f0000" "00000000" "b512" "0000" "0000000000000000"
                "03000000"
                "00000000" "00000000"
                "02000000" "00000100" "42000000"
                "02000000" "00000100" "42000000" "01000000");
        assert(value_equal(&hw, &cur));
}

static void test_size_limits(void) {
        NicFeatures f = { .available = veth, .active = veth };
        RecordValue hw, cur;

        kernel_derive_records(TASK, &f, ARPHRD_ETHER, 0, 32768, &hw, &cur);
        assert(hw.v[TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE] == 32768);   /* before 5.19: gso_max_size */
        assert(cur.v[TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE] == 32768);
        kernel_derive_records(TASK, &f, ARPHRD_ETHER, 0, 0, &hw, &cur);
        assert(hw.v[TASK_UDP_SEGMENTATION_IPV6_MAX_OFFLOAD_SIZE] == KERNEL_LEGACY_MAX_SIZE);
        assert(cur.v[TASK_LSO_V1_IPV4_MAX_OFFLOAD_SIZE] == KERNEL_LEGACY_MAX_SIZE);
        kernel_derive_records(TASK, &f, ARPHRD_ETHER, 524280, 0, &hw, &cur);
        assert(cur.v[TASK_LSO_V1_IPV4_MAX_OFFLOAD_SIZE] == 524280);
}

/* Every rule names a field of its schema, and only fields the mapping says Linux reports. */
static void test_tables(void) {
        const RecordSchema *schemas[] = { TCP, TASK };
        size_t n;

        for (size_t s = 0; s < ELEMENTSOF(schemas); s++) {
                const KernelRule *rules = kernel_rules(schemas[s], &n);

                assert(rules && n > 0);
                for (size_t i = 0; i < n; i++) {
                        assert(rules[i].field < schemas[s]->n_fields);
                        assert(rules[i].kind < _KERNEL_VALUE_MAX);
                        assert(rules[i].kind != KERNEL_CONST ||
                               rules[i].value <= schema_field_wire_max(schemas[s], rules[i].field));
                        assert((rules[i].all | rules[i].any) >> _FEATURE_MAX == 0);
                }
        }
        kernel_rules(TASK, &n);
        assert(n == 65);
        assert(kernel_rules(NULL, &n) == NULL && n == 0);
}

/* The connection record from the rules is SPEC 3's, for every combination of the features it
 * reads, on Ethernet and off it. */
static void test_connection_record_is_spec_3(void) {
        static const Feature used[] = {
                FEATURE_TX_TCP_SEGMENTATION, FEATURE_TX_TCP6_SEGMENTATION, FEATURE_RX_CHECKSUM,
                FEATURE_TX_CHECKSUM_IPV4, FEATURE_TX_CHECKSUM_IPV6, FEATURE_TX_CHECKSUM_IP_GENERIC,
                FEATURE_TX_VLAN_HW_INSERT, FEATURE_RX_VLAN_HW_PARSE,
        };

        for (unsigned combo = 0; combo < 1u << ELEMENTSOF(used); combo++)
                for (int ether = 0; ether <= 1; ether++) {
                        uint32_t on = 0;
                        RecordValue v;

                        for (size_t i = 0; i < ELEMENTSOF(used); i++)
                                if (combo & (1u << i))
                                        on |= FEATURE_BIT(used[i]);
#define HAS(x) ((on & F(x)) != 0)
                        kernel_derive(TCP, &(KernelInput) { .features = on,
                                                            .type = ether ? ARPHRD_ETHER : ARPHRD_NONE },
                                      &v);
                        assert(v.v[FIELD_ENCAPSULATION] ==
                               (!ether ? 0
                                : HAS(TX_VLAN_HW_INSERT) && HAS(RX_VLAN_HW_PARSE) ? 0x6 : 0x2));
                        /* Linux has no TCP chimney: TSO and checksums do not make SupportIPv4
                         * (they are the task-offload record's); every field but the framing
                         * is 0 from the kernel, whatever the features. */
                        for (Field f = FIELD_SUPPORT_IPV4; f < _FIELD_MAX; f++)
                                assert(v.v[f] == 0);
#undef HAS
                }
}

int main(void) {
        test_tables();
        test_veth();
        test_bridge();
        test_size_limits();
        test_connection_record_is_spec_3();
        return 0;
}
