/* SPDX-License-Identifier: MIT */
/* ethtool feature reads: a NIC's offload features by kernel name, and its driver */
#pragma once

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

typedef struct Ethtool Ethtool;

/* The offloads muxcap derives records from. Each is looked up by its kernel name
 * (ETH_SS_FEATURES), never by a compiled-in NETIF_F_* bit: those positions are not ABI. */
typedef enum Feature {
        FEATURE_TX_TCP_SEGMENTATION,      /* "tx-tcp-segmentation" */
        FEATURE_TX_TCP6_SEGMENTATION,     /* "tx-tcp6-segmentation" */
        FEATURE_RX_CHECKSUM,              /* "rx-checksum" */
        FEATURE_TX_CHECKSUM_IPV4,         /* "tx-checksum-ipv4" */
        FEATURE_TX_CHECKSUM_IPV6,         /* "tx-checksum-ipv6" */
        FEATURE_TX_CHECKSUM_IP_GENERIC,   /* "tx-checksum-ip-generic" */
        FEATURE_TX_VLAN_HW_INSERT,        /* "tx-vlan-hw-insert" (ethtool CLI: tx-vlan-offload) */
        FEATURE_RX_VLAN_HW_PARSE,         /* "rx-vlan-hw-parse" (ethtool CLI: rx-vlan-offload) */
        FEATURE_TX_UDP_SEGMENTATION,      /* "tx-udp-segmentation" */
        FEATURE_TX_GRE_SEGMENTATION,      /* "tx-gre-segmentation" */
        FEATURE_TX_GRE_CSUM_SEGMENTATION, /* "tx-gre-csum-segmentation" */
        FEATURE_TX_UDP_TNL_SEGMENTATION,  /* "tx-udp_tnl-segmentation" */
        FEATURE_TX_UDP_TNL_CSUM_SEGMENTATION, /* "tx-udp_tnl-csum-segmentation" */
        FEATURE_RX_UDP_TUNNEL_PORT_OFFLOAD, /* "rx-udp_tunnel-port-offload" */
        FEATURE_ESP_HW_OFFLOAD,           /* "esp-hw-offload" */
        FEATURE_TX_ESP_SEGMENTATION,      /* "tx-esp-segmentation" */
        FEATURE_RX_GRO_HW,                /* "rx-gro-hw" */
        FEATURE_RX_LRO,                   /* "rx-lro" (ethtool CLI: large-receive-offload) */
        _FEATURE_MAX,
        _FEATURE_INVALID = -EINVAL,
} Feature;

#define FEATURE_BIT(f) (UINT32_C(1) << (f))

typedef struct NicFeatures {
        uint32_t available;   /* FEATURE_BIT(f) set: the device can turn f on (hw_features) */
        uint32_t active;      /* FEATURE_BIT(f) set: f is currently on */
} NicFeatures;

/* Ethtool: one AF_UNIX datagram socket for SIOCETHTOOL and the feature name map */
int ethtool_new(Ethtool **ret);
Ethtool *ethtool_free(Ethtool *e);
DEFINE_TRIVIAL_CLEANUP_FUNC(Ethtool *, ethtool_free)

/* Reads @ifname's features and (when @ret_driver is not NULL) its driver name, truncated to
 * @driver_size; "" when the driver does not report one. -ENODEV when the device is gone,
 * -EINVAL for a name that cannot be an interface. Out-parameters written only on success. */
int ethtool_read(Ethtool *e, const char *ifname, NicFeatures *ret_features,
                 char *ret_driver, size_t driver_size);

/* Feature names */
const char *feature_to_string(Feature f);     /* kernel name, NULL when out of range */
Feature feature_from_string(const char *s);   /* _FEATURE_INVALID when unknown */
