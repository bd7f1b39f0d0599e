/* SPDX-License-Identifier: MIT */
/* rtnetlink link monitor: RTM_NEWLINK/RTM_DELLINK notifications and dumps on one socket */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "macro.h"

struct event_base;

typedef struct RtnlSource RtnlSource;

/* One link as rtnetlink describes it (family AF_UNSPEC only). */
typedef struct RtnlLink {
        int ifindex;
        const char *name;          /* IFLA_IFNAME, borrowed for the callback's duration */
        const char *kind;          /* IFLA_LINKINFO/IFLA_INFO_KIND ("veth", "bridge", "bond",
                                    * "team", ...), NULL if none (physical NICs); borrowed */
        int master;                /* IFLA_MASTER, 0 if none */
        unsigned short type;       /* ifi_type, ARPHRD_* */
        bool features_changed;     /* IFLA_EVENT present and == IFLA_EVENT_FEATURES */
        uint32_t tso_max_size;     /* IFLA_TSO_MAX_SIZE: the largest TSO/GSO packet the device
                                    * takes; 0 when the kernel does not say (before 5.19) */
        uint32_t gso_max_size;     /* IFLA_GSO_MAX_SIZE: the largest the stack builds now; 0 when
                                    * not sent */
        bool dumped;               /* a reply to the running dump, not a notification */
        bool has_parent;           /* IFLA_PARENT_DEV_NAME: the device hangs off another (a PCI
                                    * function, ...); false for a virtual device, and for every
                                    * device before 5.15, which does not say */
} RtnlLink;

/* Callbacks get @userdata as given to rtnl_source_new(). They may call rtnl_source_dump(),
 * but must not free the source. Any of them may be NULL. */
typedef struct RtnlSourceOps {
        void (*link_new)(void *userdata, const RtnlLink *link);   /* RTM_NEWLINK, live or dumped */
        void (*link_del)(void *userdata, int ifindex);            /* RTM_DELLINK */
        /* A dump (re)starts: links not reported between this and dump_done are gone. Comes
         * again when a dump is redone (NLM_F_DUMP_INTR, or a dump asked for while one ran). */
        void (*dump_start)(void *userdata);
        void (*dump_done)(void *userdata);        /* a full dump finished consistently */
        void (*overrun)(void *userdata);          /* ENOBUFS: events were lost; call rtnl_source_dump() */
} RtnlSourceOps;

/* RtnlSource */
/* Opens a nonblocking NETLINK_ROUTE socket subscribed to RTNLGRP_LINK and reads it from a
 * persistent EV_READ event on @base. @ops is borrowed (must outlive the source). */
int rtnl_source_new(RtnlSource **ret, struct event_base *base, const RtnlSourceOps *ops, void *userdata);
RtnlSource *rtnl_source_free(RtnlSource *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(RtnlSource *, rtnl_source_free)

/* Plain SO_RCVBUF (capped by net.core.rmem_max), so tests can force overruns. */
int rtnl_source_set_rcvbuf(RtnlSource *s, int bytes);

/* Requests an RTM_GETLINK dump on the same socket, so replies and notifications keep kernel
 * order. Replies arrive via link_new, then dump_done. While a dump runs, another request
 * re-runs it once the current one ends (dump_done comes once, after the last run). An
 * interrupted dump (NLM_F_DUMP_INTR) is redone. Returns 0 or a negative errno. */
int rtnl_source_dump(RtnlSource *s);
