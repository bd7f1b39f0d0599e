/* SPDX-License-Identifier: MIT */
/* ethtool feature reads over SIOCETHTOOL, features mapped by their ETH_SS_FEATURES names */
#include <assert.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ethtool.h"
#include "log.h"
#include "macro.h"

/* More feature strings than any kernel has (about 70 today); guards the allocation. */
#define FEATURE_STRINGS_MAX 4096U

struct Ethtool {
        int fd;                         /* owned: AF_UNIX datagram socket, only for ioctls */
        bool names_loaded;              /* bits[] below is valid */
        uint32_t n_kernel_features;     /* size of the kernel's ETH_SS_FEATURES set */
        int bits[_FEATURE_MAX];         /* kernel bit position of each Feature, -1 if absent */
};

static const char *const feature_table[_FEATURE_MAX] = {
        [FEATURE_TX_TCP_SEGMENTATION] = "tx-tcp-segmentation",
        [FEATURE_TX_TCP6_SEGMENTATION] = "tx-tcp6-segmentation",
        [FEATURE_RX_CHECKSUM] = "rx-checksum",
        [FEATURE_TX_CHECKSUM_IPV4] = "tx-checksum-ipv4",
        [FEATURE_TX_CHECKSUM_IPV6] = "tx-checksum-ipv6",
        [FEATURE_TX_CHECKSUM_IP_GENERIC] = "tx-checksum-ip-generic",
        [FEATURE_TX_VLAN_HW_INSERT] = "tx-vlan-hw-insert",
        [FEATURE_RX_VLAN_HW_PARSE] = "rx-vlan-hw-parse",
        [FEATURE_TX_UDP_SEGMENTATION] = "tx-udp-segmentation",
        [FEATURE_TX_GRE_SEGMENTATION] = "tx-gre-segmentation",
        [FEATURE_TX_GRE_CSUM_SEGMENTATION] = "tx-gre-csum-segmentation",
        [FEATURE_TX_UDP_TNL_SEGMENTATION] = "tx-udp_tnl-segmentation",
        [FEATURE_TX_UDP_TNL_CSUM_SEGMENTATION] = "tx-udp_tnl-csum-segmentation",
        [FEATURE_RX_UDP_TUNNEL_PORT_OFFLOAD] = "rx-udp_tunnel-port-offload",
        [FEATURE_ESP_HW_OFFLOAD] = "esp-hw-offload",
        [FEATURE_TX_ESP_SEGMENTATION] = "tx-esp-segmentation",
        [FEATURE_RX_GRO_HW] = "rx-gro-hw",
        [FEATURE_RX_LRO] = "rx-lro",
};

/* feature_{to,from}_string(): the kernel's names; _FEATURE_INVALID for others. */
DEFINE_STRING_TABLE_LOOKUP(feature, Feature)

static int ethtool_ioctl(Ethtool *e, const char *ifname, void *cmd) {
        struct ifreq ifr = { 0 };

        assert(strlen(ifname) < sizeof(ifr.ifr_name));
        memcpy(ifr.ifr_name, ifname, strlen(ifname) + 1);
        ifr.ifr_data = cmd;
        if (ioctl(e->fd, SIOCETHTOOL, &ifr) < 0)
                return -errno;
        return 0;
}

/* Maps Feature to kernel bit positions. The strings are global to the kernel, but the ioctl
 * wants a device: any one will do. */
static int ethtool_load_names(Ethtool *e, const char *ifname) {
        _cleanup_free_ struct ethtool_sset_info *sset = NULL;
        _cleanup_free_ struct ethtool_gstrings *strings = NULL;
        uint32_t n;
        int r;

        sset = calloc(1, sizeof(*sset) + sizeof(uint32_t));
        if (!sset)
                return -ENOMEM;
        sset->cmd = ETHTOOL_GSSET_INFO;
        sset->sset_mask = UINT64_C(1) << ETH_SS_FEATURES;
        r = ethtool_ioctl(e, ifname, sset);
        if (r < 0)
                return r;
        if (!(sset->sset_mask & (UINT64_C(1) << ETH_SS_FEATURES)))
                return -EOPNOTSUPP;
        n = sset->data[0];
        if (n == 0 || n > FEATURE_STRINGS_MAX)
                return -EBADMSG;

        strings = calloc(1, sizeof(*strings) + (size_t) n * ETH_GSTRING_LEN);
        if (!strings)
                return -ENOMEM;
        strings->cmd = ETHTOOL_GSTRINGS;
        strings->string_set = ETH_SS_FEATURES;
        strings->len = n;
        r = ethtool_ioctl(e, ifname, strings);
        if (r < 0)
                return r;
        if (strings->len < n)
                n = strings->len;

        for (Feature f = 0; f < _FEATURE_MAX; f++) {
                size_t len = strlen(feature_table[f]);

                e->bits[f] = -1;
                for (uint32_t i = 0; i < n; i++) {
                        const char *s = (const char *) strings->data + (size_t) i * ETH_GSTRING_LEN;

                        /* Kernel strings fill ETH_GSTRING_LEN and need not end in NUL. */
                        if (strnlen(s, ETH_GSTRING_LEN) == len && memcmp(s, feature_table[f], len) == 0) {
                                e->bits[f] = (int) i;
                                break;
                        }
                }
                if (e->bits[f] < 0)
                        log_debug("ethtool: kernel has no feature '%s', treating it as unavailable",
                                  feature_table[f]);
        }

        e->n_kernel_features = n;
        e->names_loaded = true;
        return 0;
}

/* Opens the ioctl socket and looks up the feature names once, through "lo". Returns the new
 * object in @ret (owned by the caller, free with ethtool_free()). */
int ethtool_new(Ethtool **ret) {
        _cleanup_(ethtool_freep) Ethtool *e = NULL;
        int r;

        assert(ret);

        e = calloc(1, sizeof(*e));
        if (!e)
                return -ENOMEM;
        e->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (e->fd < 0)
                return -errno;

        /* "lo" exists in every network namespace; if it is missing anyway, the names are
         * loaded through the first device read instead. */
        r = ethtool_load_names(e, "lo");
        if (r < 0 && r != -ENODEV)
                return r;

        *ret = steal_ptr(e);
        return 0;
}

/* Frees @e (NULL allowed). Returns NULL. */
Ethtool *ethtool_free(Ethtool *e) {
        if (!e)
                return NULL;
        closep(&e->fd);
        free(e);
        return NULL;
}

static int ethtool_read_driver(Ethtool *e, const char *ifname, char *ret_driver, size_t size) {
        struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
        size_t len;
        int r;

        r = ethtool_ioctl(e, ifname, &info);
        if (r == -EOPNOTSUPP)
                info.driver[0] = '\0';  /* no driver to report: not an error */
        else if (r < 0)
                return r;

        len = strnlen(info.driver, sizeof(info.driver));
        if (len >= size)
                len = size - 1;
        memcpy(ret_driver, info.driver, len);
        ret_driver[len] = '\0';
        return 0;
}

/* Reads the offload features of @ifname, and its driver name when @ret_driver is not NULL.
 * Returns 0, -ENODEV when the device vanished, -EINVAL for a bad name, or another
 * negative errno. Out-parameters are written only on success. */
int ethtool_read(Ethtool *e, const char *ifname, NicFeatures *ret_features,
                 char *ret_driver, size_t driver_size) {
        _cleanup_free_ struct ethtool_gfeatures *gf = NULL;
        _cleanup_free_ char *driver = NULL;
        NicFeatures features = { 0 };
        uint32_t blocks;
        int r;

        assert(e);
        assert(ifname);
        assert(ret_features);

        if (ifname[0] == '\0' || strnlen(ifname, IFNAMSIZ) >= IFNAMSIZ)
                return -EINVAL;
        if (ret_driver && driver_size == 0)
                return -EINVAL;

        if (!e->names_loaded) {
                r = ethtool_load_names(e, ifname);
                if (r < 0)
                        return r;
        }

        blocks = (e->n_kernel_features + 31) / 32;
        gf = calloc(1, sizeof(*gf) + blocks * sizeof(gf->features[0]));
        if (!gf)
                return -ENOMEM;
        gf->cmd = ETHTOOL_GFEATURES;
        gf->size = blocks;
        r = ethtool_ioctl(e, ifname, gf);
        if (r < 0)
                return r;

        for (Feature f = 0; f < _FEATURE_MAX; f++) {
                int bit = e->bits[f];

                /* The kernel reports how many words it has; bits beyond what it filled are
                 * not ours to read. */
                if (bit < 0 || (uint32_t) bit / 32 >= blocks || (uint32_t) bit / 32 >= gf->size)
                        continue;
                if (gf->features[bit / 32].available & (UINT32_C(1) << (bit % 32)))
                        features.available |= FEATURE_BIT(f);
                if (gf->features[bit / 32].active & (UINT32_C(1) << (bit % 32)))
                        features.active |= FEATURE_BIT(f);
        }

        if (ret_driver) {
                driver = malloc(driver_size);
                if (!driver)
                        return -ENOMEM;
                r = ethtool_read_driver(e, ifname, driver, driver_size);
                if (r < 0)
                        return r;
                memcpy(ret_driver, driver, strlen(driver) + 1);
        }

        *ret_features = features;
        return 0;
}
