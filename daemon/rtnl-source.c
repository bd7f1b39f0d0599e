/* SPDX-License-Identifier: MIT */
/* rtnetlink link monitor on libmnl + libevent: notifications and dumps share one socket */
#include <assert.h>
#include <errno.h>
#include <event2/event.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "macro.h"
#include "rtnl-source.h"

/* Datagrams read per wake-up, so the other sources of the loop are not starved. The event is
 * level-triggered: what is left is read on the next round. */
#define RTNL_READ_BUDGET 64U

/* Enough for a dump datagram (the kernel caps those at 32 KiB) and for any notification but
 * those of NICs with very many VFs; a truncated message grows the buffer and counts as an
 * overrun, since its content is lost. */
#define RTNL_BUFFER_SIZE (64U * 1024U)
#define RTNL_BUFFER_MAX (1024U * 1024U)

/* Receive buffer asked for: a burst of thousands of link messages fits. */
#define RTNL_RCVBUF (8 * 1024 * 1024)

/* Consecutive failed (NLMSG_ERROR) dumps redone before giving up until the next request. */
#define RTNL_DUMP_RETRIES 3U

struct RtnlSource {
        struct mnl_socket *nl;          /* owned */
        struct event *event;            /* owned: persistent EV_READ on the socket */
        const RtnlSourceOps *ops;       /* borrowed: outlives this */
        void *userdata;                 /* borrowed */

        uint8_t *buf;                   /* owned: receive buffer */
        size_t buf_size;

        uint32_t seq;                   /* last sequence number sent */
        uint32_t dump_seq;              /* sequence number of the running dump, 0 if none */
        bool dump_intr;                 /* running dump saw NLM_F_DUMP_INTR */
        bool dump_again;                /* a dump was requested while one ran */
        unsigned dump_failures;         /* consecutive dumps that ended in NLMSG_ERROR */
};

static int rtnl_source_send_dump(RtnlSource *s) {
        uint8_t buf[NLMSG_ALIGN(sizeof(struct nlmsghdr)) + NLMSG_ALIGN(sizeof(struct ifinfomsg)) +
                    MNL_ALIGN(sizeof(struct nlattr)) + MNL_ALIGN(sizeof(uint32_t))];
        struct nlmsghdr *nlh;
        struct ifinfomsg *ifm;

        memset(buf, 0, sizeof(buf));
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_GETLINK;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        if (++s->seq == 0)      /* 0 is what notifications carry */
                s->seq = 1;
        nlh->nlmsg_seq = s->seq;
        ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
        ifm->ifi_family = AF_UNSPEC;
        /* No statistics: a fifth of each link's message, which the kernel would gather for each
         * link of the dump and nothing here reads. Kernels that predate the flag ignore it. */
        mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);

        if (mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0)
                return -errno;

        s->dump_seq = s->seq;
        s->dump_intr = false;
        s->dump_again = false;
        log_debug("rtnl: link dump %" PRIu32 " requested", s->dump_seq);
        if (s->ops->dump_start)
                s->ops->dump_start(s->userdata);
        return 0;
}

/* Requests a link dump, or a re-run after the running one. Returns 0 or a negative errno. */
int rtnl_source_dump(RtnlSource *s) {
        assert(s);

        s->dump_failures = 0;
        if (s->dump_seq != 0) {
                s->dump_again = true;
                return 0;
        }
        return rtnl_source_send_dump(s);
}

/* The running dump ended with @error (0 or negative errno from NLMSG_DONE/NLMSG_ERROR). */
static void rtnl_source_dump_finished(RtnlSource *s, int error) {
        bool redo;
        int r;

        s->dump_seq = 0;
        if (error < 0) {
                if (++s->dump_failures > RTNL_DUMP_RETRIES) {
                        log_error_errno(error,
                                        "rtnl: link dump failed %u times, giving up until the next overrun: %m",
                                        s->dump_failures);
                        s->dump_failures = 0;
                        return;
                }
                log_debug_errno(error, "rtnl: link dump failed, redoing it: %m");
                redo = true;
        } else {
                s->dump_failures = 0;
                /* The kernel's link list changed under the dump: what we got may miss links or
                 * hold stale ones. */
                if (s->dump_intr)
                        log_debug("rtnl: link dump interrupted, redoing it");
                redo = s->dump_intr || s->dump_again;
        }

        if (!redo) {
                log_debug("rtnl: link dump done");
                if (s->ops->dump_done)
                        s->ops->dump_done(s->userdata);
                return;
        }

        r = rtnl_source_send_dump(s);
        if (r < 0)
                log_error_errno(r, "rtnl: requesting link dump failed, "
                                "links may be stale until the next overrun: %m");
}

static int rtnl_link_attr_cb(const struct nlattr *attr, void *data) {
        const struct nlattr **tb = data;
        uint16_t type = mnl_attr_get_type(attr);
        enum mnl_attr_data_type want;

        if (mnl_attr_type_valid(attr, IFLA_MAX) < 0)
                return MNL_CB_OK;       /* newer than our headers: skip */

        switch (type) {
        case IFLA_IFNAME:
        case IFLA_PARENT_DEV_NAME:
                want = MNL_TYPE_NUL_STRING;
                break;
        case IFLA_MASTER:
        case IFLA_EVENT:
        case IFLA_GSO_MAX_SIZE:
        case IFLA_TSO_MAX_SIZE:
                want = MNL_TYPE_U32;
                break;
        case IFLA_LINKINFO:
                want = MNL_TYPE_NESTED;
                break;
        default:
                return MNL_CB_OK;
        }

        if (mnl_attr_validate(attr, want) < 0) {
                log_debug("rtnl: skipping malformed link attribute %u", type);
                return MNL_CB_OK;
        }
        tb[type] = attr;
        return MNL_CB_OK;
}

static int rtnl_linkinfo_attr_cb(const struct nlattr *attr, void *data) {
        const struct nlattr **tb = data;

        if (mnl_attr_type_valid(attr, IFLA_INFO_MAX) < 0)
                return MNL_CB_OK;
        if (mnl_attr_get_type(attr) != IFLA_INFO_KIND)
                return MNL_CB_OK;
        if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0) {
                log_debug("rtnl: skipping malformed IFLA_INFO_KIND");
                return MNL_CB_OK;
        }
        tb[IFLA_INFO_KIND] = attr;
        return MNL_CB_OK;
}

static void rtnl_source_handle_link(RtnlSource *s, const struct nlmsghdr *nlh, bool is_dump) {
        const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
        const struct nlattr *info[IFLA_INFO_MAX + 1] = { 0 };
        const struct ifinfomsg *ifm;
        RtnlLink link = { 0 };

        if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifm))) {
                log_debug("rtnl: dropping short link message");
                return;
        }
        ifm = mnl_nlmsg_get_payload(nlh);

        /* Only AF_UNSPEC describes links. The bridge sends AF_BRIDGE RTM_NEWLINK/RTM_DELLINK
         * on the same group for its ports: a port leaving the bridge is no link deletion. */
        if (ifm->ifi_family != AF_UNSPEC)
                return;
        if (ifm->ifi_index <= 0) {
                log_debug("rtnl: dropping link message with ifindex %d", ifm->ifi_index);
                return;
        }

        if (nlh->nlmsg_type == RTM_DELLINK) {
                log_debug("rtnl: link %d deleted", ifm->ifi_index);
                if (s->ops->link_del)
                        s->ops->link_del(s->userdata, ifm->ifi_index);
                return;
        }

        (void) mnl_attr_parse(nlh, sizeof(*ifm), rtnl_link_attr_cb, tb);
        if (!tb[IFLA_IFNAME] || mnl_attr_get_str(tb[IFLA_IFNAME])[0] == '\0') {
                log_debug("rtnl: dropping RTM_NEWLINK for %d without a name", ifm->ifi_index);
                return;
        }
        if (tb[IFLA_LINKINFO])
                (void) mnl_attr_parse_nested(tb[IFLA_LINKINFO], rtnl_linkinfo_attr_cb, info);

        link.ifindex = ifm->ifi_index;
        link.name = mnl_attr_get_str(tb[IFLA_IFNAME]);
        link.kind = info[IFLA_INFO_KIND] ? mnl_attr_get_str(info[IFLA_INFO_KIND]) : NULL;
        if (tb[IFLA_MASTER]) {
                uint32_t master = mnl_attr_get_u32(tb[IFLA_MASTER]);

                link.master = master <= INT32_MAX ? (int) master : 0;
        }
        link.type = ifm->ifi_type;
        link.features_changed = tb[IFLA_EVENT] && mnl_attr_get_u32(tb[IFLA_EVENT]) == IFLA_EVENT_FEATURES;
        link.tso_max_size = tb[IFLA_TSO_MAX_SIZE] ? mnl_attr_get_u32(tb[IFLA_TSO_MAX_SIZE]) : 0;
        link.gso_max_size = tb[IFLA_GSO_MAX_SIZE] ? mnl_attr_get_u32(tb[IFLA_GSO_MAX_SIZE]) : 0;
        link.dumped = is_dump;
        link.has_parent = tb[IFLA_PARENT_DEV_NAME] != NULL;

        log_debug("rtnl: link %d '%s' kind=%s master=%d tso_max=%u gso_max=%u%s", link.ifindex,
                  link.name, link.kind ? link.kind : "-", link.master, link.tso_max_size,
                  link.gso_max_size,
                  link.features_changed ? " features changed" : "");
        if (s->ops->link_new)
                s->ops->link_new(s->userdata, &link);
}

static void rtnl_source_dispatch(RtnlSource *s, size_t len) {
        const struct nlmsghdr *nlh = (const struct nlmsghdr *) s->buf;
        int left = (int) len;

        for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
                /* Recomputed per message: callbacks may start a new dump. */
                bool is_dump = s->dump_seq != 0 && nlh->nlmsg_seq == s->dump_seq;

                if (is_dump && (nlh->nlmsg_flags & NLM_F_DUMP_INTR))
                        s->dump_intr = true;

                switch (nlh->nlmsg_type) {
                case NLMSG_DONE: {
                        int error = 0;

                        if (!is_dump)
                                break;
                        if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
                                memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(int));
                        rtnl_source_dump_finished(s, error < 0 ? error : 0);
                        break;
                }
                case NLMSG_ERROR: {
                        struct nlmsgerr err;

                        if (!is_dump)
                                break;
                        if (mnl_nlmsg_get_payload_len(nlh) < sizeof(err)) {
                                rtnl_source_dump_finished(s, -EBADMSG);
                                break;
                        }
                        memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
                        rtnl_source_dump_finished(s, err.error < 0 ? err.error : -EBADMSG);
                        break;
                }
                case RTM_NEWLINK:
                case RTM_DELLINK:
                        rtnl_source_handle_link(s, nlh, is_dump);
                        break;
                default:
                        break;
                }
        }
}

static void rtnl_source_overrun(RtnlSource *s) {
        log_debug("rtnl: receive buffer overrun, link events were lost");
        if (s->ops->overrun)
                s->ops->overrun(s->userdata);
}

static void rtnl_source_io_cb(evutil_socket_t fd, short what, void *userdata) {
        RtnlSource *s = userdata;

        for (unsigned i = 0; i < RTNL_READ_BUDGET; i++) {
                struct sockaddr_nl addr = { 0 };
                struct iovec iov = { .iov_base = s->buf, .iov_len = s->buf_size };
                struct msghdr msg = {
                        .msg_name = &addr,
                        .msg_namelen = sizeof(addr),
                        .msg_iov = &iov,
                        .msg_iovlen = 1,
                };
                ssize_t n;

                n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_TRUNC);
                if (n < 0) {
                        if (errno == EAGAIN || errno == EWOULDBLOCK)
                                return;
                        if (errno == EINTR)
                                continue;
                        if (errno == ENOBUFS) {
                                rtnl_source_overrun(s);
                                continue;
                        }
                        log_warning_errno(errno, "rtnl: receiving link events failed, "
                                          "retrying on the next wake-up: %m");
                        return;
                }

                if (msg.msg_flags & MSG_TRUNC) {
                        /* With MSG_TRUNC, @n is the datagram's real size. */
                        size_t want = (size_t) n;

                        if (want > s->buf_size && want <= RTNL_BUFFER_MAX) {
                                uint8_t *p = realloc(s->buf, want);

                                if (p) {
                                        s->buf = p;
                                        s->buf_size = want;
                                }
                        }
                        log_debug("rtnl: dropped a truncated %zu byte message", want);
                        rtnl_source_overrun(s);
                        continue;
                }

                /* Only the kernel speaks rtnetlink to us; anyone may unicast to our port. */
                if (msg.msg_namelen != sizeof(addr) || addr.nl_pid != 0) {
                        log_debug("rtnl: dropping message not sent by the kernel");
                        continue;
                }

                rtnl_source_dispatch(s, (size_t) n);
        }
}

/* Opens the link monitor. On success, @ret owns the new source (free with
 * rtnl_source_free()). Returns 0 or a negative errno. */
int rtnl_source_new(RtnlSource **ret, struct event_base *base, const RtnlSourceOps *ops, void *userdata) {
        _cleanup_(rtnl_source_freep) RtnlSource *s = NULL;

        assert(ret);
        assert(base);
        assert(ops);

        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        s->ops = ops;
        s->userdata = userdata;

        s->buf_size = RTNL_BUFFER_SIZE;
        s->buf = malloc(s->buf_size);
        if (!s->buf)
                return -ENOMEM;

        s->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (!s->nl)
                return -errno;
        if (mnl_socket_bind(s->nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0)
                return -errno;
        /* Room for bursts: an overrun costs a full re-enumeration. SO_RCVBUFFORCE needs
         * CAP_NET_ADMIN, which the service does not have; then SO_RCVBUF, capped by
         * net.core.rmem_max. Either failing leaves the default: not fatal. */
        {
                int size = RTNL_RCVBUF;
                int fd = mnl_socket_get_fd(s->nl);
                if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
                        (void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
        }

        s->event = event_new(base, mnl_socket_get_fd(s->nl), EV_READ | EV_PERSIST, rtnl_source_io_cb, s);
        if (!s->event)
                return -ENOMEM;
        if (event_add(s->event, NULL) < 0)
                return -EIO;

        *ret = steal_ptr(s);
        return 0;
}

/* Sets a plain SO_RCVBUF on the socket (tests use it to force overruns). */
int rtnl_source_set_rcvbuf(RtnlSource *s, int bytes) {
        assert(s);

        if (setsockopt(mnl_socket_get_fd(s->nl), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) < 0)
                return -errno;
        return 0;
}

/* Frees @s (NULL allowed, half-built allowed). Returns NULL. */
RtnlSource *rtnl_source_free(RtnlSource *s) {
        if (!s)
                return NULL;
        if (s->event)
                event_free(s->event);
        if (s->nl)
                (void) mnl_socket_close(s->nl);
        free(s->buf);
        free(s);
        return NULL;
}
