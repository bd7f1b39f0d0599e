/* SPDX-License-Identifier: MIT */
/* Benchmark netlink helpers on libmnl: requests are built and sent here, one ACK each */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "nl.h"

struct BenchNl {
        struct mnl_socket *sock;        /* owned */
        unsigned portid;
        uint32_t seq;
        uint8_t buf[65536];             /* dump datagrams are at most 32 KiB */
};

BenchNl *bench_nl_new(void) {
        BenchNl *nl = calloc(1, sizeof(BenchNl));

        if (!nl)
                abort();
        nl->sock = mnl_socket_open(NETLINK_ROUTE);
        if (!nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
                perror("bench: netlink socket");
                abort();
        }
        nl->portid = mnl_socket_get_portid(nl->sock);
        nl->seq = (uint32_t) time(NULL);
        return nl;
}

BenchNl *bench_nl_free(BenchNl *nl) {
        if (nl) {
                mnl_socket_close(nl->sock);
                free(nl);
        }
        return NULL;
}

static struct nlmsghdr *request(BenchNl *nl, uint16_t type, uint16_t flags, int ifindex) {
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
        struct ifinfomsg *ifm;

        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
        nlh->nlmsg_seq = ++nl->seq;
        ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
        ifm->ifi_family = AF_UNSPEC;
        ifm->ifi_index = ifindex;
        return nlh;
}

/* Sends @nlh and waits for its ACK. */
static int transact(BenchNl *nl, struct nlmsghdr *nlh) {
        uint32_t seq = nlh->nlmsg_seq;
        ssize_t n;
        int r;

        if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
                return -errno;
        for (;;) {
                n = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
                if (n < 0)
                        return -errno;
                r = mnl_cb_run(nl->buf, (size_t) n, seq, nl->portid, NULL, NULL);
                if (r <= MNL_CB_STOP)
                        return r < 0 ? -errno : 0;
        }
}

int bench_nl_add_bridge(BenchNl *nl, const char *name) {
        struct nlmsghdr *nlh = request(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
        struct nlattr *info;

        mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
        mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
        mnl_attr_nest_end(nlh, info);
        return transact(nl, nlh);
}

int bench_nl_add_veth(BenchNl *nl, const char *name, const char *peer, int peer_netns_fd,
                      int master_ifindex) {
        struct nlmsghdr *nlh = request(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
        struct nlattr *info, *data, *peer_attr;
        struct ifinfomsg *peer_ifm;

        mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        if (master_ifindex > 0)
                mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t) master_ifindex);
        info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
        mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
        data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
        peer_attr = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
        peer_ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*peer_ifm));
        peer_ifm->ifi_family = AF_UNSPEC;
        mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
        if (peer_netns_fd >= 0)
                mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t) peer_netns_fd);
        mnl_attr_nest_end(nlh, peer_attr);
        mnl_attr_nest_end(nlh, data);
        mnl_attr_nest_end(nlh, info);
        return transact(nl, nlh);
}

int bench_nl_set_master(BenchNl *nl, int ifindex, int master_ifindex) {
        struct nlmsghdr *nlh = request(nl, RTM_NEWLINK, 0, ifindex);

        mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t) master_ifindex);
        return transact(nl, nlh);
}

int bench_nl_del(BenchNl *nl, const char *name) {
        struct nlmsghdr *nlh = request(nl, RTM_DELLINK, 0, 0);

        mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        return transact(nl, nlh);
}

int bench_nl_dump_links(BenchNl *nl, unsigned *ret_links, uint64_t *ret_bytes) {
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
        struct ifinfomsg *ifm;
        unsigned links = 0;
        uint64_t bytes = 0;
        uint32_t seq;

        nlh->nlmsg_type = RTM_GETLINK;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        nlh->nlmsg_seq = seq = ++nl->seq;
        ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
        ifm->ifi_family = AF_UNSPEC;
        if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
                return -errno;
        for (;;) {
                ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
                const struct nlmsghdr *h;
                int len;

                if (n < 0)
                        return -errno;
                len = (int) n;
                for (h = (const struct nlmsghdr *) nl->buf; mnl_nlmsg_ok(h, len);
                     h = mnl_nlmsg_next(h, &len)) {
                        if (h->nlmsg_seq != seq)
                                continue;
                        if (h->nlmsg_type == NLMSG_DONE) {
                                *ret_links = links;
                                *ret_bytes = bytes;
                                return 0;
                        }
                        if (h->nlmsg_type == NLMSG_ERROR)
                                return -EIO;
                        if (h->nlmsg_type == RTM_NEWLINK) {
                                links++;
                                bytes += h->nlmsg_len;
                        }
                }
        }
}
