/* SPDX-License-Identifier: MIT */
/* The kernel source of every field, as rules over ethtool features (SPEC 3, 12; the reasons
 * for each are in proto/OFFLOAD.md), and the one function that applies them
 *
 * The rules live here, not in proto/'s schema rows, because they are about Linux: proto/ knows
 * records and nothing of ethtool's features. A field may have several rules; the values of
 * those that hold are OR-ed (a mask built bit by bit: GRE's OUTER bits from GSO_GRE, its INNER
 * IPv4 bit only with TSO as well). A field no rule names is 0 from the kernel: udev or the
 * config may declare it. */

#include <net/if_arp.h>

#include "field.h"
#include "kernel-record.h"
#include "macro.h"
#include "record.h"
#include "schema-task.h"
#include "schemas.h"

#define F(x) FEATURE_BIT(FEATURE_##x)

#define TSO F(TX_TCP_SEGMENTATION)
#define TSO6 F(TX_TCP6_SEGMENTATION)
#define RXCSUM F(RX_CHECKSUM)
#define CSUM4 (F(TX_CHECKSUM_IPV4) | F(TX_CHECKSUM_IP_GENERIC))
#define CSUM6 (F(TX_CHECKSUM_IPV6) | F(TX_CHECKSUM_IP_GENERIC))
#define HWCSUM F(TX_CHECKSUM_IP_GENERIC)
#define VLAN (F(TX_VLAN_HW_INSERT) | F(RX_VLAN_HW_PARSE))
#define USO F(TX_UDP_SEGMENTATION)
#define GRE F(TX_GRE_SEGMENTATION)
#define GRE_CSUM F(TX_GRE_CSUM_SEGMENTATION)
#define UDP_TNL F(TX_UDP_TNL_SEGMENTATION)
#define UDP_TNL_CSUM F(TX_UDP_TNL_CSUM_SEGMENTATION)
#define TNL_PORTS F(RX_UDP_TUNNEL_PORT_OFFLOAD)
#define ESP F(ESP_HW_OFFLOAD)
#define ESP_GSO F(TX_ESP_SEGMENTATION)
#define RSC (F(RX_GRO_HW) | F(RX_LRO))

/* Rows: field, all-of, any-of, what it takes. */
#define ONE(f, all_, any_) { .field = f, .all = all_, .any = any_, .kind = KERNEL_CONST, .value = 1 }
#define VAL(f, all_, any_, v) { .field = f, .all = all_, .any = any_, .kind = KERNEL_CONST, .value = v }
#define ENC(f, all_, any_) { .field = f, .all = all_, .any = any_, .kind = KERNEL_ENCAPSULATION }
#define MAX(f, all_) { .field = f, .all = all_, .kind = KERNEL_MAX_SIZE }

/* NDIS_TCP_CONNECTION_OFFLOAD (SPEC 3): its Support fields mean TCP chimney offload, whole
 * connections run by the NIC, and Linux has no such engine: the kernel gives the framing
 * only. TSO and checksums are the task-offload record's facts (below). A NIC that does
 * offload connections (a TOE, a DPU) declares it through udev/hwdb or [Nic GLOB]. */
static const KernelRule tcp_rules[] = {
        { .field = FIELD_ENCAPSULATION, .ether = true, .kind = KERNEL_CONST,
          .value = ENCAP_IEEE_802_3 },
        { .field = FIELD_ENCAPSULATION, .ether = true, .all = VLAN, .kind = KERNEL_CONST,
          .value = ENCAP_IEEE_802_3_P_AND_Q },
};

/* The inner/outer masks of a tunnel offload @feature: GRE or UDP tunnels over either family
 * outside, and inside the segmentation TSO or TSO6 gives. */
#define TUNNEL(f, feature)                                                      \
        VAL(f, feature, 0, TUNNEL_OUTER_IPV4 | TUNNEL_OUTER_IPV6),              \
        VAL(f, (feature) | TSO, 0, TUNNEL_INNER_IPV4),                          \
        VAL(f, (feature) | TSO6, 0, TUNNEL_INNER_IPV6)

static const KernelRule task_rules[] = {
        /* Checksum: csum_start/csum_offset already skip IP and TCP options. */
        ENC(TASK_CHECKSUM_IPV4_TRANSMIT_ENCAPSULATION, 0, CSUM4),
        ONE(TASK_CHECKSUM_IPV4_TRANSMIT_IP_OPTIONS_SUPPORTED, 0, CSUM4),
        ONE(TASK_CHECKSUM_IPV4_TRANSMIT_TCP_OPTIONS_SUPPORTED, 0, CSUM4),
        ONE(TASK_CHECKSUM_IPV4_TRANSMIT_TCP_CHECKSUM, 0, CSUM4),
        ONE(TASK_CHECKSUM_IPV4_TRANSMIT_UDP_CHECKSUM, 0, CSUM4),
        ENC(TASK_CHECKSUM_IPV4_RECEIVE_ENCAPSULATION, RXCSUM, 0),
        ONE(TASK_CHECKSUM_IPV4_RECEIVE_IP_OPTIONS_SUPPORTED, RXCSUM, 0),
        ONE(TASK_CHECKSUM_IPV4_RECEIVE_TCP_OPTIONS_SUPPORTED, RXCSUM, 0),
        ONE(TASK_CHECKSUM_IPV4_RECEIVE_TCP_CHECKSUM, RXCSUM, 0),
        ONE(TASK_CHECKSUM_IPV4_RECEIVE_UDP_CHECKSUM, RXCSUM, 0),
        ENC(TASK_CHECKSUM_IPV6_TRANSMIT_ENCAPSULATION, 0, CSUM6),
        ONE(TASK_CHECKSUM_IPV6_TRANSMIT_IP_EXTENSION_HEADERS_SUPPORTED, HWCSUM, 0),
        ONE(TASK_CHECKSUM_IPV6_TRANSMIT_TCP_OPTIONS_SUPPORTED, 0, CSUM6),
        ONE(TASK_CHECKSUM_IPV6_TRANSMIT_TCP_CHECKSUM, 0, CSUM6),
        ONE(TASK_CHECKSUM_IPV6_TRANSMIT_UDP_CHECKSUM, 0, CSUM6),
        ENC(TASK_CHECKSUM_IPV6_RECEIVE_ENCAPSULATION, RXCSUM, 0),
        ONE(TASK_CHECKSUM_IPV6_RECEIVE_IP_EXTENSION_HEADERS_SUPPORTED, RXCSUM, 0),
        ONE(TASK_CHECKSUM_IPV6_RECEIVE_TCP_OPTIONS_SUPPORTED, RXCSUM, 0),
        ONE(TASK_CHECKSUM_IPV6_RECEIVE_TCP_CHECKSUM, RXCSUM, 0),
        ONE(TASK_CHECKSUM_IPV6_RECEIVE_UDP_CHECKSUM, RXCSUM, 0),
        /* Large send: TSO replicates IP and TCP options in every segment. */
        ENC(TASK_LSO_V1_IPV4_ENCAPSULATION, TSO, 0),
        MAX(TASK_LSO_V1_IPV4_MAX_OFFLOAD_SIZE, TSO),
        VAL(TASK_LSO_V1_IPV4_MIN_SEGMENT_COUNT, TSO, 0, 2),
        ONE(TASK_LSO_V1_IPV4_TCP_OPTIONS, TSO, 0),
        ONE(TASK_LSO_V1_IPV4_IP_OPTIONS, TSO, 0),
        ENC(TASK_LSO_V2_IPV4_ENCAPSULATION, TSO, 0),
        MAX(TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE, TSO),
        VAL(TASK_LSO_V2_IPV4_MIN_SEGMENT_COUNT, TSO, 0, 2),
        ENC(TASK_LSO_V2_IPV6_ENCAPSULATION, TSO6, 0),
        MAX(TASK_LSO_V2_IPV6_MAX_OFFLOAD_SIZE, TSO6),
        VAL(TASK_LSO_V2_IPV6_MIN_SEGMENT_COUNT, TSO6, 0, 2),
        ONE(TASK_LSO_V2_IPV6_IP_EXTENSION_HEADERS_SUPPORTED, TSO6 | HWCSUM, 0),
        ONE(TASK_LSO_V2_IPV6_TCP_OPTIONS_SUPPORTED, TSO6, 0),
        /* IPsec: the xfrm device offload; ESP GSO only segments what the device encrypts. */
        ENC(TASK_IPSEC_V2_ENCAPSULATION, ESP, 0),
        ONE(TASK_IPSEC_V2_ESP, ESP, 0),
        ONE(TASK_IPSEC_V2_LSO_SUPPORTED, ESP | ESP_GSO, 0),
        /* Receive segment coalescing in hardware; Linux reports no family split. */
        ONE(TASK_RSC_IPV4_ENABLED, 0, RSC),
        ONE(TASK_RSC_IPV6_ENABLED, 0, RSC),
        TUNNEL(TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_LSO_V2_SUPPORTED, GRE),
        TUNNEL(TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_GRE_TRANSMIT_CHECKSUM_OFFLOAD_SUPPORTED, GRE_CSUM),
        TUNNEL(TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_LSO_V2_SUPPORTED, UDP_TNL),
        TUNNEL(TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_TRANSMIT_CHECKSUM_OFFLOAD_SUPPORTED,
               UDP_TNL_CSUM),
        /* The device parses VXLAN on the ports the stack programs into it. */
        VAL(TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_RECEIVE_CHECKSUM_OFFLOAD_SUPPORTED,
            TNL_PORTS, 0, 0xf),
        VAL(TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_RSS_SUPPORTED, TNL_PORTS, 0, 0xf),
        VAL(TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_VXLAN_UDP_PORT_NUMBER, 0,
            UDP_TNL | UDP_TNL_CSUM | TNL_PORTS, VXLAN_UDP_PORT_IANA),
        ONE(TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_VXLAN_UDP_PORT_NUMBER_CONFIGURABLE,
            TNL_PORTS, 0),
        VAL(TASK_ENCAPSULATION_TYPES, 0, GRE | GRE_CSUM, ENCAPSULATION_TYPE_GRE_MAC),
        VAL(TASK_ENCAPSULATION_TYPES, 0, UDP_TNL | UDP_TNL_CSUM | TNL_PORTS,
            ENCAPSULATION_TYPE_VXLAN),
        /* UDP segmentation: NETIF_F_GSO_UDP_L4 covers both families. */
        ENC(TASK_UDP_SEGMENTATION_IPV4_ENCAPSULATION, USO, 0),
        MAX(TASK_UDP_SEGMENTATION_IPV4_MAX_OFFLOAD_SIZE, USO),
        VAL(TASK_UDP_SEGMENTATION_IPV4_MIN_SEGMENT_COUNT, USO, 0, 2),
        ONE(TASK_UDP_SEGMENTATION_IPV4_SUB_MSS_FINAL_SEGMENT_SUPPORTED, USO, 0),
        ENC(TASK_UDP_SEGMENTATION_IPV6_ENCAPSULATION, USO, 0),
        MAX(TASK_UDP_SEGMENTATION_IPV6_MAX_OFFLOAD_SIZE, USO),
        VAL(TASK_UDP_SEGMENTATION_IPV6_MIN_SEGMENT_COUNT, USO, 0, 2),
        ONE(TASK_UDP_SEGMENTATION_IPV6_SUB_MSS_FINAL_SEGMENT_SUPPORTED, USO, 0),
        ONE(TASK_UDP_SEGMENTATION_IPV6_IP_EXTENSION_HEADERS_SUPPORTED, USO | HWCSUM, 0),
};

static const struct {
        const RecordSchema *schema;
        const KernelRule *rules;
        size_t n;
} tables[] = {
        { &schema_tcp_connection_offload, tcp_rules, ELEMENTSOF(tcp_rules) },
        { &schema_task_offload, task_rules, ELEMENTSOF(task_rules) },
};

const KernelRule *kernel_rules(const RecordSchema *s, size_t *ret_n) {
        for (size_t i = 0; i < ELEMENTSOF(tables); i++)
                if (tables[i].schema == s) {
                        *ret_n = tables[i].n;
                        return tables[i].rules;
                }
        *ret_n = 0;
        return NULL;
}

static bool holds(const KernelRule *r, const KernelInput *in) {
        if (r->ether && in->type != ARPHRD_ETHER)
                return false;
        if ((in->features & r->all) != r->all)
                return false;
        return r->any == 0 || (in->features & r->any) != 0;
}

/* The connection record's Encapsulation, which every task offload carries when supported. */
static uint32_t encapsulation(const KernelInput *in) {
        uint32_t v = 0;

        for (size_t i = 0; i < ELEMENTSOF(tcp_rules); i++)
                if (tcp_rules[i].field == FIELD_ENCAPSULATION && holds(&tcp_rules[i], in))
                        v |= tcp_rules[i].value;
        return v;
}

void kernel_derive(const RecordSchema *s, const KernelInput *in, RecordValue *ret) {
        const KernelRule *rules;
        RecordValue v;
        size_t n;

        value_init(&v, s);
        rules = kernel_rules(s, &n);
        for (size_t i = 0; i < n; i++) {
                const KernelRule *r = &rules[i];
                uint32_t x;

                if (!holds(r, in))
                        continue;
                x = r->kind == KERNEL_ENCAPSULATION ? encapsulation(in)
                    : r->kind == KERNEL_MAX_SIZE    ? in->max_size
                                                    : r->value;
                v.v[r->field] |= x;
        }
        *ret = v;
}

bool kernel_feeds(const RecordSchema *s, size_t field, uint32_t features) {
        uint32_t framing = 0;
        const KernelRule *rules;
        size_t n;

        for (size_t i = 0; i < ELEMENTSOF(tcp_rules); i++)
                if (tcp_rules[i].field == FIELD_ENCAPSULATION)
                        framing |= tcp_rules[i].all | tcp_rules[i].any;
        rules = kernel_rules(s, &n);
        for (size_t i = 0; i < n; i++)
                if (rules[i].field == field &&
                    ((rules[i].all | rules[i].any) & features ||
                     (rules[i].kind == KERNEL_ENCAPSULATION && framing & features)))
                        return true;
        return false;
}

void kernel_derive_records(const RecordSchema *s, const NicFeatures *features, unsigned short type,
                           uint32_t tso_max_size, uint32_t gso_max_size, RecordValue *ret_hw,
                           RecordValue *ret_cur) {
        uint32_t fallback = KERNEL_LEGACY_MAX_SIZE;
        KernelInput hw = {
                .features = features->available | features->active,
                .type = type,
                .max_size = tso_max_size ? tso_max_size : gso_max_size ? gso_max_size : fallback,
        };
        KernelInput cur = {
                .features = features->active,
                .type = type,
                .max_size = gso_max_size ? gso_max_size : tso_max_size ? tso_max_size : fallback,
        };

        kernel_derive(s, &hw, ret_hw);
        kernel_derive(s, &cur, ret_cur);
}
