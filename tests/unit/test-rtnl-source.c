/* SPDX-License-Identifier: MIT */
/* Tests of daemon/rtnl-source.c against the real kernel, in a private network namespace */
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <net/if_arp.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "rtnl-source.h"
#include "util-netns.h"

#define TIMEOUT_MS 5000
#define LOG_MAX 4096

typedef struct Seen {
        int ifindex;
        char name[IFNAMSIZ];
        char kind[32];          /* "" when the link had none */
        int master;
        unsigned short type;
        bool features_changed;
        uint32_t tso_max_size, gso_max_size;
        bool dumped;
        bool has_parent;
} Seen;

/* Everything the source reported, in order. */
typedef struct Recorder {
        Seen news[LOG_MAX];
        size_t n_new;
        int dels[LOG_MAX];
        size_t n_del;
        unsigned dump_start, dump_done, overrun;
        size_t dump_mark;       /* n_new when the last dump (re)started */
        RtnlSource *source;     /* borrowed */
        bool dump_on_overrun;
} Recorder;

static Recorder rec;
static struct event_base *base;

static void on_link_new(void *userdata, const RtnlLink *link) {
        Recorder *r = userdata;
        Seen *s;

        assert(link->ifindex > 0);
        assert(link->name && link->name[0]);
        if (r->n_new >= LOG_MAX)
                return;
        s = &r->news[r->n_new++];
        *s = (Seen) {
                .ifindex = link->ifindex,
                .master = link->master,
                .type = link->type,
                .features_changed = link->features_changed,
                .tso_max_size = link->tso_max_size,
                .gso_max_size = link->gso_max_size,
                .dumped = link->dumped,
                .has_parent = link->has_parent,
        };
        snprintf(s->name, sizeof(s->name), "%s", link->name);
        snprintf(s->kind, sizeof(s->kind), "%s", link->kind ? link->kind : "");
}

static void on_link_del(void *userdata, int ifindex) {
        Recorder *r = userdata;

        if (r->n_del < LOG_MAX)
                r->dels[r->n_del++] = ifindex;
}

static void on_dump_start(void *userdata) {
        Recorder *r = userdata;

        r->dump_start++;
        r->dump_mark = r->n_new;
}

static void on_dump_done(void *userdata) {
        ((Recorder *) userdata)->dump_done++;
}

static void on_overrun(void *userdata) {
        Recorder *r = userdata;

        r->overrun++;
        if (r->dump_on_overrun)
                assert(rtnl_source_dump(r->source) == 0);
}

static const RtnlSourceOps ops = {
        .link_new = on_link_new,
        .link_del = on_link_del,
        .dump_start = on_dump_start,
        .dump_done = on_dump_done,
        .overrun = on_overrun,
};

static void recorder_reset(void) {
        rec.n_new = rec.n_del = rec.dump_mark = 0;
}

static bool dumped_since_mark(const char *name) {
        for (size_t i = rec.dump_mark; i < rec.n_new; i++)
                if (streq(rec.news[i].name, name))
                        return true;
        return false;
}

/* The last link_new for @name since the last reset matching @pred, or NULL. */
static const Seen *find_new(const char *name, bool (*pred)(const Seen *s, int arg), int arg) {
        for (size_t i = rec.n_new; i > 0; i--) {
                const Seen *s = &rec.news[i - 1];

                if (streq(s->name, name) && (!pred || pred(s, arg)))
                        return s;
        }
        return NULL;
}

static bool has_del(int ifindex) {
        for (size_t i = 0; i < rec.n_del; i++)
                if (rec.dels[i] == ifindex)
                        return true;
        return false;
}

/* Predicates for loop_until(): what the test waits for. */
static const char *want_name;
static bool (*want_pred)(const Seen *s, int arg);
static int want_arg;
static unsigned want_count;

static bool new_seen(void *userdata) {
        return find_new(want_name, want_pred, want_arg);
}

static bool wait_new(const char *name, bool (*pred)(const Seen *s, int arg), int arg) {
        want_name = name;
        want_pred = pred;
        want_arg = arg;
        return loop_until(base, new_seen, NULL, TIMEOUT_MS);
}

static bool dels_seen(void *userdata) {
        return rec.n_del >= want_count;
}

static bool del_seen(void *userdata) {
        return has_del(want_arg);
}

static bool dump_done_reached(void *userdata) {
        return rec.dump_done >= want_count;
}

static bool overrun_seen(void *userdata) {
        return rec.overrun > 0;
}

static bool with_master(const Seen *s, int master) {
        return s->master == master;
}

static bool with_features_changed(const Seen *s, int unused) {
        return s->features_changed;
}

static bool with_gso_max_size(const Seen *s, int size) {
        return s->gso_max_size == (uint32_t) size;
}

/* Asks for a dump and waits until it reports @name matching @pred. */
static bool wait_new_after_dump(const char *name, bool (*pred)(const Seen *, int), int arg) {
        assert(rtnl_source_dump(rec.source) == 0);
        return wait_new(name, pred, arg);
}

/* Creates a throwaway bridge and waits for it: every event the kernel queued before it has
 * been handled by then. */
static void sync_events(void) {
        static unsigned n;
        char name[IFNAMSIZ];

        snprintf(name, sizeof(name), "sync%u", n++);
        SHELL_OK("ip link add %s type bridge", name);
        assert(wait_new(name, NULL, 0));
        want_arg = find_new(name, NULL, 0)->ifindex;
        SHELL_OK("ip link del %s", name);
        assert(loop_until(base, del_seen, NULL, TIMEOUT_MS));
}

/* Counts AF_BRIDGE RTM_DELLINK messages queued on a witness socket: proof that the kernel
 * really sent what the source must ignore. */
static unsigned witness_count_bridge_dellinks(struct mnl_socket *nl) {
        static uint8_t buf[65536];
        unsigned count = 0;
        ssize_t n;

        while ((n = recv(mnl_socket_get_fd(nl), buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
                const struct nlmsghdr *nlh = (const struct nlmsghdr *) buf;
                int left = (int) n;

                for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
                        const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

                        if (nlh->nlmsg_type == RTM_DELLINK && ifm->ifi_family == AF_BRIDGE)
                                count++;
                }
        }
        assert(n < 0 && errno == EAGAIN);
        return count;
}

static void test_dump_reports_loopback(void) {
        const Seen *lo;

        assert(rtnl_source_dump(rec.source) == 0);
        assert(rec.dump_start == 1);
        want_count = 1;
        assert(loop_until(base, dump_done_reached, NULL, TIMEOUT_MS));
        lo = find_new("lo", NULL, 0);
        assert(lo);
        assert(lo->ifindex == 1);
        assert(lo->type == ARPHRD_LOOPBACK);
        assert(streq(lo->kind, ""));
        assert(lo->master == 0);
        assert(!lo->features_changed);
        assert(lo->dumped);     /* the manager looks dumped links up in udev */
        assert(!lo->has_parent);        /* a virtual device: no parent to name */
}

static void test_new_links_carry_kind(void) {
        const Seen *s;

        recorder_reset();
        SHELL_OK("ip link add vA type veth peer name vB");
        SHELL_OK("ip link add br0 type bridge");
        assert(wait_new("vA", NULL, 0));
        assert(wait_new("br0", NULL, 0));
        s = find_new("vA", NULL, 0);
        assert(s->ifindex == (int) if_nametoindex("vA"));
        assert(streq(s->kind, "veth"));
        assert(s->type == ARPHRD_ETHER);
        assert(s->master == 0);
        assert(streq(find_new("br0", NULL, 0)->kind, "bridge"));
        assert(!s->dumped);     /* a notification, not a dump's reply */
        assert(!s->has_parent);
}

static void test_enslave_reports_master(void) {
        int br = (int) if_nametoindex("br0");

        recorder_reset();
        SHELL_OK("ip link set vA master br0");
        assert(wait_new("vA", with_master, br));
}

static void test_feature_change_is_flagged(void) {
        recorder_reset();
        SHELL_OK("ethtool -K vA tso off");
        assert(wait_new("vA", with_features_changed, 0));
        /* The master recomputes its features from its ports. */
        assert(wait_new("br0", with_features_changed, 0));
        sync_events();
        assert(rec.n_del == 1);         /* only the sync bridge */
}

/* veth: gso_max_size 65536 and tso_max_size 524280 by default; gso_max_size is settable up to
 * tso_max_size. The kernel sends no RTM_NEWLINK for that change alone (do_setlink marks it
 * modified, not notify), so the new value shows in the next message about the link: here a
 * dump. */
static void test_size_limits_are_reported(void) {
        recorder_reset();
        assert(wait_new_after_dump("vA", with_gso_max_size, 65536));
        assert(find_new("vA", with_gso_max_size, 65536)->tso_max_size == 524280);
        SHELL_OK("ip link set vA gso_max_size 32768");
        recorder_reset();
        assert(wait_new_after_dump("vA", with_gso_max_size, 32768));
        assert(find_new("vA", with_gso_max_size, 32768)->tso_max_size == 524280);
        SHELL_OK("ip link set vA gso_max_size 65536");
}

static void test_release_is_no_deletion(struct mnl_socket *witness) {
        int va = (int) if_nametoindex("vA");

        (void) witness_count_bridge_dellinks(witness);
        recorder_reset();
        SHELL_OK("ip link set vA nomaster");
        assert(wait_new("vA", with_master, 0));
        sync_events();
        assert(witness_count_bridge_dellinks(witness) >= 1);
        assert(!has_del(va));
        assert(rec.n_del == 1);         /* only the sync bridge */
}

static void test_delete_reports_both_veth_ends(void) {
        int va = (int) if_nametoindex("vA"), vb = (int) if_nametoindex("vB");

        assert(va > 0 && vb > 0);
        recorder_reset();
        SHELL_OK("ip link del vA");
        want_count = 2;
        assert(loop_until(base, dels_seen, NULL, TIMEOUT_MS));
        assert(has_del(va) && has_del(vb));
        assert(rec.n_del == 2);
        SHELL_OK("ip link del br0");
}

static void test_dump_during_dump_reruns_once(void) {
        unsigned start = rec.dump_start, done = rec.dump_done;

        recorder_reset();
        assert(rtnl_source_dump(rec.source) == 0);
        assert(rtnl_source_dump(rec.source) == 0);
        assert(rtnl_source_dump(rec.source) == 0);
        want_count = done + 1;
        assert(loop_until(base, dump_done_reached, NULL, TIMEOUT_MS));
        assert(rec.dump_start == start + 2);
        sync_events();
        assert(rec.dump_done == done + 1);
        /* Both runs reported lo. */
        assert(rec.news[0].ifindex == 1);
}

static void test_overrun_then_dump_recovers(void) {
        unsigned done = rec.dump_done;
        const unsigned n_pairs = 24;

        recorder_reset();
        assert(rtnl_source_set_rcvbuf(rec.source, 1) == 0);    /* the kernel's minimum */
        rec.overrun = 0;
        rec.dump_on_overrun = true;
        /* Nobody reads while these queue up: the socket must overflow. */
        SHELL_OK("for i in $(seq 1 %u); do ip link add ov$i type veth peer name ow$i || exit 1; done",
                 n_pairs);
        assert(loop_until(base, overrun_seen, NULL, TIMEOUT_MS));
        assert(rtnl_source_set_rcvbuf(rec.source, 1 << 20) == 0);

        /* The dump that followed the (last) overrun saw all of them. */
        want_count = done + 1;
        assert(loop_until(base, dump_done_reached, NULL, TIMEOUT_MS));
        assert(rec.dump_done == done + 1);
        assert(dumped_since_mark("lo"));
        for (unsigned i = 1; i <= n_pairs; i++) {
                char name[IFNAMSIZ];

                snprintf(name, sizeof(name), "ov%u", i);
                assert(dumped_since_mark(name));
                snprintf(name, sizeof(name), "ow%u", i);
                assert(dumped_since_mark(name));
        }
        rec.dump_on_overrun = false;
        SHELL_OK("for i in $(seq 1 %u); do ip link del ov$i; done", n_pairs);
}

int main(void) {
        _cleanup_(rtnl_source_freep) RtnlSource *source = NULL;
        struct mnl_socket *witness;

        netns_enter_private();

        base = event_base_new();
        assert(base);
        witness = mnl_socket_open(NETLINK_ROUTE);
        assert(witness);
        assert(mnl_socket_bind(witness, RTMGRP_LINK, MNL_SOCKET_AUTOPID) == 0);

        assert(rtnl_source_new(&source, base, &ops, &rec) == 0);
        rec.source = source;

        test_dump_reports_loopback();
        test_new_links_carry_kind();
        test_enslave_reports_master();
        test_feature_change_is_flagged();
        test_size_limits_are_reported();
        test_release_is_no_deletion(witness);
        test_delete_reports_both_veth_ends();
        test_dump_during_dump_reruns_once();
        test_overrun_then_dump_recovers();

        source = rtnl_source_free(source);
        (void) mnl_socket_close(witness);
        event_base_free(base);
        return 0;
}
