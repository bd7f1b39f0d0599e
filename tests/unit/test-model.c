/* SPDX-License-Identifier: MIT */
/* Unit tests of daemon/model.c: the NIC and MUX tables, membership and topology, fed with
 * made-up rtnetlink links and a made-up ethtool, without a kernel or a bus */
#undef NDEBUG
#include <assert.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "model.h"
#include "mux.h"
#include "nic.h"
#include "strv.h"

static unsigned changes, losses;
static const char *degraded;    /* a NIC that reads as "slow*" too */

/* Every device can do TSO, TSO6, checksums and VLAN offloads, but "slow*" can do nothing;
 * "lro*" can also coalesce by LRO (and has it on), "grohw*" by GRO_HW. */
static int fake_read_features(void *userdata, const char *name, NicFeatures *ret,
                              char *driver, size_t size) {
        uint32_t all = FEATURE_BIT(FEATURE_TX_TCP_SEGMENTATION) | FEATURE_BIT(FEATURE_TX_TCP6_SEGMENTATION) |
                       FEATURE_BIT(FEATURE_RX_CHECKSUM) | FEATURE_BIT(FEATURE_TX_CHECKSUM_IP_GENERIC) |
                       FEATURE_BIT(FEATURE_TX_VLAN_HW_INSERT) | FEATURE_BIT(FEATURE_RX_VLAN_HW_PARSE);

        bool slow = strncmp(name, "slow", 4) == 0 || (degraded && streq(name, degraded));

        if (strncmp(name, "lro", 3) == 0)
                all |= FEATURE_BIT(FEATURE_RX_LRO);
        if (strncmp(name, "grohw", 5) == 0)
                all |= FEATURE_BIT(FEATURE_RX_GRO_HW);
        *ret = (NicFeatures) { .available = slow ? 0 : all };
        ret->active = ret->available;
        if (driver)
                strncpy(driver, "fake", size);
        return 0;
}

/* Whether @x's hardware record has 802.1Q framing (Encapsulation 802.3-pq): every member
 * has VLAN offloads, none is "slow*". */
static bool tagged(const Mux *x) {
        return value_get(&x->hw, FIELD_ENCAPSULATION) & ENCAP_IEEE_802_3_P_AND_Q;
}

static void fake_changed(void *userdata) {
        changes++;
}

static void fake_lost(void *userdata) {
        losses++;
}

static const ModelOps ops = {
        .read_features = fake_read_features,
        .changed = fake_changed,
        .lost = fake_lost,
};

static Model *model(Config **ret_config, const char *conf) {
        char *msg = NULL;
        Model *m;

        assert(config_parse_string(conf, "test.conf", ret_config, &msg) == 0);
        assert(model_new(&m, *ret_config, false, &ops, NULL) == 0);
        return m;
}

static void add_link(Model *m, int ifindex, const char *name, const char *kind, int master) {
        RtnlLink l = { .ifindex = ifindex, .name = name, .kind = kind, .master = master,
                       .type = ARPHRD_ETHER };

        model_link_new(m, &l);
}

static const Mux *mux(Model *m, const char *name) {
        return model_find_mux(m, name);
}

/* The member names of @x, sorted, joined by spaces. */
static const char *members(const Mux *x) {
        static char buf[256];
        char **v = mux_members_strv(x);

        buf[0] = '\0';
        for (size_t i = 0; v && v[i]; i++) {
                strcat(buf, i ? " " : "");
                strcat(buf, v[i]);
        }
        strv_free(v);
        return buf;
}

/* The running aggregates equal a full pass over the members. */
static void assert_aggregates_agree_with_full_pass(Model *m) {
        for (size_t i = 0; i < m->n_muxes; i++) {
                Mux *x = m->muxes[i];
                RecordValue before[MUX_RECORDS];

                for (size_t k = 0; k < MUX_RECORDS; k++)
                        before[k] = *mux_computed_record(x, k);
                x->full = true;
                x->state = 0;
                mux_compute(x);
                for (size_t k = 0; k < MUX_RECORDS; k++)
                        assert(value_equal(&before[k], mux_computed_record(x, k)));
        }
}

/* What an update left is what a full rebuild makes: forced over the same model, the full
 * rebuild finds no member list and no NIC's Muxes to change, and the aggregates are those of
 * a full pass. */
static void assert_agrees_with_full_rebuild(Model *m) {
        assert_aggregates_agree_with_full_pass(m);
        for (size_t i = 0; i < m->n_muxes; i++)
                m->muxes[i]->members_dirty = false;
        for (size_t i = 0; i < m->n_nics; i++)
                m->nics[i]->muxes_changed = false;
        m->topology_dirty = true;
        model_rebuild_topology(m);
        for (size_t i = 0; i < m->n_muxes; i++)
                assert(!m->muxes[i]->members_dirty);
        for (size_t i = 0; i < m->n_nics; i++)
                assert(!m->nics[i]->muxes_changed);
}

/* @n's Muxes, joined by spaces. */
static const char *muxes_of(Model *m, int ifindex) {
        static char buf[256];
        char **v = model_find_nic(m, ifindex)->pub_muxes;

        buf[0] = '\0';
        for (size_t i = 0; v && v[i]; i++) {
                strcat(buf, i ? " " : "");
                strcat(buf, v[i]);
        }
        return buf;
}

static void test_plain_nic_added_and_removed_moves_only_itself(void) {
        Config *c;
        Model *m = model(&c, "");
        Mux *x;

        add_link(m, 2, "br0", "bridge", 0);
        add_link(m, 3, "eth0", "veth", 2);
        add_link(m, 5, "eth2", "veth", 2);
        model_sync_unpublished(m);
        x = model_find_mux(m, "br0");
        x->members_dirty = false;
        add_link(m, 4, "eth1", "veth", 2);
        assert(!m->topology_dirty && m->n_touched == 1);
        model_sync_unpublished(m);
        assert(streq(members(x), "eth0 eth1 eth2") && x->members_dirty);
        assert(x->members[1].nic == model_find_nic(m, 4));     /* in ifindex order */
        assert(streq(muxes_of(m, 4), "br0"));
        assert_agrees_with_full_rebuild(m);

        x->members_dirty = false;
        model_link_del(m, 4);
        assert(!m->topology_dirty);
        model_sync_unpublished(m);
        assert(streq(members(x), "eth0 eth2") && x->members_dirty);
        assert_agrees_with_full_rebuild(m);
        /* Released, and no master: in no MUX. */
        add_link(m, 3, "eth0", "veth", 0);
        model_sync_unpublished(m);
        assert(streq(members(x), "eth2") && streq(muxes_of(m, 3), ""));
        assert_agrees_with_full_rebuild(m);
        model_free(m);
        config_free(c);
}

static void test_declared_globs_follow_the_touched_nic(void) {
        Config *c;
        Model *m = model(&c, "[Mux lan]\nMembers=eth* wl*\n\n[Mux all]\nMembers=lan eth*\n");
        Mux *lan, *all;

        add_link(m, 1, "eth0", "veth", 0);
        model_sync_unpublished(m);
        lan = model_find_mux(m, "lan");
        all = model_find_mux(m, "all");
        assert(streq(members(lan), "eth0") && streq(members(all), "eth0 lan"));
        add_link(m, 2, "wl0", "veth", 0);
        add_link(m, 3, "eth1", "veth", 0);
        assert(!m->topology_dirty && m->n_touched == 2);
        model_sync_unpublished(m);
        assert(streq(members(lan), "eth0 eth1 wl0") && streq(members(all), "eth0 eth1 lan"));
        /* NICs before the nested MUX, as the full rebuild puts them. */
        assert(all->members[2].mux == lan && !all->members[2].nic);
        assert(streq(muxes_of(m, 3), "all lan") && streq(muxes_of(m, 2), "lan"));
        assert_agrees_with_full_rebuild(m);
        /* A rename is a full rebuild: every MUX's names are redone. */
        add_link(m, 2, "eth9", "veth", 0);
        assert(m->topology_dirty);
        model_sync_unpublished(m);
        assert(streq(members(all), "eth0 eth1 eth9 lan") && streq(muxes_of(m, 2), "all lan"));
        assert_agrees_with_full_rebuild(m);
        model_free(m);
        config_free(c);
}

static void test_member_moving_between_muxes_is_an_update(void) {
        Config *c;
        Model *m = model(&c, "[Mux d]\nMembers=eth*\n");

        add_link(m, 2, "br0", "bridge", 0);
        add_link(m, 3, "br1", "bridge", 0);
        add_link(m, 4, "eth0", "veth", 2);
        model_sync_unpublished(m);
        assert(streq(muxes_of(m, 4), "br0 d"));
        add_link(m, 4, "eth0", "veth", 3);
        assert(!m->topology_dirty);
        model_sync_unpublished(m);
        assert(streq(members(mux(m, "br0")), "") && streq(members(mux(m, "br1")), "eth0"));
        assert(streq(members(mux(m, "d")), "eth0") && streq(muxes_of(m, 4), "br1 d"));
        assert(model_find_nic(m, 4)->muxes_changed);
        assert_agrees_with_full_rebuild(m);
        model_free(m);
        config_free(c);
}

static void test_nested_and_shadowed_muxes_take_a_full_rebuild(void) {
        Config *c;
        Model *m = model(&c, "[Mux br0]\nMembers=eth*\n");

        /* The declared br0 shadows the kernel's: the bridge's ports are no kernel members. */
        add_link(m, 1, "br0", "bridge", 0);
        add_link(m, 2, "bond0", "bond", 3);
        add_link(m, 3, "br1", "bridge", 0);
        model_sync_unpublished(m);
        add_link(m, 4, "eth0", "veth", 1);
        add_link(m, 5, "slave0", "veth", 2);
        assert(!m->topology_dirty && m->n_touched == 2);
        model_sync_unpublished(m);
        assert(streq(members(mux(m, "br0")), "eth0") && streq(muxes_of(m, 4), "br0"));
        assert(streq(members(mux(m, "bond0")), "slave0") && streq(members(mux(m, "br1")), "bond0"));
        assert_agrees_with_full_rebuild(m);
        /* A MUX device that moves changes the MUX set's nesting: full. */
        add_link(m, 2, "bond0", "bond", 0);
        assert(m->topology_dirty);
        model_sync_unpublished(m);
        assert(streq(members(mux(m, "br1")), "") && streq(members(mux(m, "bond0")), "slave0"));
        assert_agrees_with_full_rebuild(m);
        model_link_del(m, 2);
        assert(m->topology_dirty);
        model_sync_unpublished(m);
        assert(!mux(m, "bond0") && streq(muxes_of(m, 5), ""));
        model_free(m);
        config_free(c);
}

static void test_many_touched_nics_fall_back_to_one_full_rebuild(void) {
        Config *c;
        Model *m = model(&c, "[Mux d]\nMembers=v*\n");
        char name[16];

        add_link(m, 1, "br0", "bridge", 0);
        model_sync_unpublished(m);
        for (int i = 0; i < 200; i++) {
                snprintf(name, sizeof(name), "v%d", i);
                add_link(m, 10 + i, name, "veth", i % 2 ? 1 : 0);
        }
        assert(m->topology_dirty);
        model_sync_unpublished(m);
        assert(mux(m, "d")->n_members == 200 && mux(m, "br0")->n_members == 100);
        assert_agrees_with_full_rebuild(m);
        model_free(m);
        config_free(c);
}

static void test_nesting_bond_under_bridge(void) {
        Config *c;
        Model *m = model(&c, "");
        const Mux *br, *bond;

        add_link(m, 1, "eth0", "veth", 3);
        add_link(m, 2, "eth1", "veth", 3);
        add_link(m, 3, "bond0", "bond", 4);
        add_link(m, 4, "br0", "bridge", 0);
        add_link(m, 5, "slow0", "veth", 4);
        assert(changes >= 5);
        model_sync_unpublished(m);
        assert(m->n_muxes == 2);
        bond = mux(m, "bond0");
        br = mux(m, "br0");
        assert(bond && br && !bond->declared && streq(bond->kind, "bond") && bond->ifindex == 3);
        assert(streq(members(bond), "eth0 eth1"));
        assert(streq(members(br), "bond0 slow0"));
        /* The bond's aggregate is its record as the bridge's member: 802.1Q framing from
         * eth0/eth1's VLAN offloads, but slow0 has none, so the bridge has plain 802.3 only,
         * and slow0 limits it. */
        assert(tagged(bond));
        assert(!tagged(br));
        {
                AggregateLimit limits[SCHEMA_FIELDS_MAX];
                RecordValue v;

                mux_explain(br, 0, &v, limits);
                assert(value_equal(&v, &br->hw));
                assert(streq(mux_member_name(&br->members[limits[FIELD_ENCAPSULATION].member]), "slow0"));
        }
        /* Each NIC knows its MUXes. */
        assert(model_find_nic(m, 1)->pub_muxes && streq(model_find_nic(m, 1)->pub_muxes[0], "bond0"));
        assert(streq(model_find_nic(m, 3)->pub_muxes[0], "br0"));
        model_free(m);
        config_free(c);
}

static void feature_change(Model *m, int ifindex, const char *name, int master) {
        RtnlLink l = { .ifindex = ifindex, .name = name, .kind = "veth", .master = master,
                       .type = ARPHRD_ETHER, .features_changed = true };

        model_link_new(m, &l);
}

/* Members join, leave and change their features, one per sync: each time the bridge's records
 * are what a full pass gives, and the bridge is the only MUX the sync had to look at. */
static void test_aggregates_follow_each_member_change(void) {
        Config *c;
        Model *m = model(&c, "[Mux all]\nMembers=eth* slow*\n");
        Mux *br, *all;

        add_link(m, 2, "br0", "bridge", 0);
        add_link(m, 3, "brx", "bridge", 0);
        model_sync_unpublished(m);
        for (int i = 0; i < 8; i++) {
                char name[16];

                snprintf(name, sizeof(name), i % 3 == 2 ? "slow%d" : "eth%d", i);
                add_link(m, 10 + i, name, "veth", 2);
                model_sync_unpublished(m);
                assert_aggregates_agree_with_full_pass(m);
        }
        br = model_find_mux(m, "br0");
        all = model_find_mux(m, "all");
        assert(br->n_members == 8 && all->n_members == 8);
        assert(!tagged(br));
        /* The slow members leave, one by one: the last one leaving lifts the minimum. */
        model_link_del(m, 12);
        assert(model_find_mux(m, "brx")->dirty == false && br->dirty);
        model_sync_unpublished(m);
        assert_aggregates_agree_with_full_pass(m);
        assert(!tagged(br));
        model_link_del(m, 15);
        model_sync_unpublished(m);
        assert_aggregates_agree_with_full_pass(m);
        assert(tagged(br));
        assert(tagged(all));
        /* A member's features change in place: out, and back. */
        degraded = "eth4";
        feature_change(m, 14, "eth4", 2);
        assert(!m->topology_dirty && m->n_touched == 0);
        model_sync_unpublished(m);
        assert_aggregates_agree_with_full_pass(m);
        assert(!tagged(br) && !tagged(all));
        degraded = NULL;
        feature_change(m, 14, "eth4", 2);
        model_sync_unpublished(m);
        assert_aggregates_agree_with_full_pass(m);
        assert(tagged(br));
        /* Moved to the other bridge: it leaves one aggregate and joins the other. */
        add_link(m, 14, "eth4", "veth", 3);
        model_sync_unpublished(m);
        assert_aggregates_agree_with_full_pass(m);
        assert(br->n_members == 5 && model_find_mux(m, "brx")->n_members == 1);
        assert(tagged(model_find_mux(m, "brx")));
        assert_agrees_with_full_rebuild(m);
        model_free(m);
        config_free(c);
}

/* Whether @x's task-offload hardware record promises receive coalescing, and Explain agrees. */
static bool coalesces(const Mux *x) {
        AggregateLimit limits[SCHEMA_FIELDS_MAX];
        RecordValue v;

        mux_explain(x, 2, &v, limits);
        assert(value_equal(&v, &x->task_hw));
        assert(value_get(&x->task_hw, TASK_RSC_IPV4_ENABLED) ==
               value_get(&x->task_hw, TASK_RSC_IPV6_ENABLED));
        return value_get(&x->task_hw, TASK_RSC_IPV4_ENABLED);
}

/* A bridge port cannot have LRO (the kernel turns it off and refuses it): a bridge's hardware
 * record has no receive coalescing from a port's LRO, but keeps a port's GRO_HW; a bond, a
 * team and a declared MUX over the same NIC keep its LRO, and so does the NIC's own record. */
static void test_bridge_promises_no_lro_of_its_ports(void) {
        Config *c;
        Model *m = model(&c, "[Mux coalescing]\nMembers=lro*\n");
        RecordValue task_hw;

        add_link(m, 1, "br0", "bridge", 0);
        add_link(m, 2, "bond0", "bond", 0);
        add_link(m, 3, "team0", "team", 0);
        add_link(m, 10, "lro0", "veth", 1);
        add_link(m, 11, "lro1", "veth", 2);
        add_link(m, 12, "lro2", "veth", 3);
        model_sync_unpublished(m);
        assert(!coalesces(mux(m, "br0")));
        nic_settled_get(model_find_nic(m, 10), 2, &task_hw);
        assert(value_get(&task_hw, TASK_RSC_IPV4_ENABLED) == 1);
        assert(coalesces(mux(m, "bond0")) && coalesces(mux(m, "team0")));
        assert(coalesces(mux(m, "coalescing")));
        assert(tagged(mux(m, "br0")));          /* nothing else of the port is lost */
        assert_aggregates_agree_with_full_pass(m);

        /* GRO_HW stays on a bridge port; the port with LRO only still limits the bridge. */
        add_link(m, 20, "grohw0", "veth", 1);
        model_sync_unpublished(m);
        assert(!coalesces(mux(m, "br0")));
        model_link_del(m, 10);
        model_sync_unpublished(m);
        assert(coalesces(mux(m, "br0")));
        /* An LRO NIC moved from the bond to the bridge takes its coalescing along: gone from
         * the bridge's record, and the bond has none left. */
        add_link(m, 11, "lro1", "veth", 1);
        model_sync_unpublished(m);
        assert(!coalesces(mux(m, "br0")) && !coalesces(mux(m, "bond0")));
        assert_aggregates_agree_with_full_pass(m);

        /* A port with nothing the bridge forbids changes the bridge's aggregate by itself; a
         * port with coalescing takes a full pass, and the result is the same either way. */
        add_link(m, 30, "eth30", "veth", 1);
        model_sync_unpublished(m);
        degraded = "eth30";
        feature_change(m, 30, "eth30", 1);
        model_rebuild_topology(m);
        model_settle(m);
        assert(!mux(m, "br0")->full);
        model_sync_unpublished(m);
        assert_aggregates_agree_with_full_pass(m);
        degraded = "lro1";
        feature_change(m, 11, "lro1", 1);
        model_rebuild_topology(m);
        model_settle(m);
        assert(mux(m, "br0")->full);
        model_sync_unpublished(m);
        assert_aggregates_agree_with_full_pass(m);
        degraded = NULL;
        model_free(m);
        config_free(c);
}

static void test_declared_mux_wins_over_kernel_mux_of_the_same_name(void) {
        Config *c;
        Model *m = model(&c, "[Mux br0]\nMembers=eth*\nCapacityPolicy=sum\n");
        const Mux *x;

        add_link(m, 1, "eth0", "veth", 2);
        add_link(m, 2, "br0", "bridge", 0);
        add_link(m, 3, "eth1", "veth", 0);
        model_sync_unpublished(m);
        assert(m->n_muxes == 1);
        x = mux(m, "br0");
        assert(x && x->declared && streq(x->kind, "declared") && x->ifindex == 0 && !x->nic);
        assert(x->policy == CAPACITY_POLICY_SUM);
        assert(streq(members(x), "eth0 eth1"));
        assert(model_find_nic(m, 2)->mux == NULL);
        model_free(m);
        config_free(c);
}

/* The same config and kernel state give the same MUXes however they were reached: a kernel
 * bridge br0 first, then a reload that declares br0, gives what a start with that config
 * gives (the declared MUX); a reload without it gives the bridge back. */
static void test_a_name_clash_resolves_the_same_after_a_reload(void) {
        Config *c, *declaring, *plain;
        Model *m = model(&c, "");
        char *msg = NULL;
        const Mux *x;

        add_link(m, 1, "eth0", "veth", 2);
        add_link(m, 2, "br0", "bridge", 0);
        add_link(m, 3, "eth1", "veth", 0);
        model_sync_unpublished(m);
        x = mux(m, "br0");
        assert(x && !x->declared && streq(members(x), "eth0"));

        assert(config_parse_string("[Mux br0]\nMembers=eth*\nCapacityPolicy=sum\n", "test.conf",
                                   &declaring, &msg) == 0);
        model_set_config(m, declaring);
        model_sync_unpublished(m);
        assert(m->n_muxes == 1);
        x = mux(m, "br0");
        assert(x && x->declared && streq(x->kind, "declared") && x->ifindex == 0 && !x->nic);
        assert(x->policy == CAPACITY_POLICY_SUM && streq(members(x), "eth0 eth1"));
        assert(model_find_nic(m, 2)->mux == NULL && model_find_nic(m, 2)->name_clash);
        /* A later rebuild keeps it so. */
        add_link(m, 4, "eth2", "veth", 2);
        model_sync_unpublished(m);
        x = mux(m, "br0");
        assert(x && x->declared && streq(members(x), "eth0 eth1 eth2"));

        assert(config_parse_string("", "test.conf", &plain, &msg) == 0);
        model_set_config(m, plain);
        model_sync_unpublished(m);
        x = mux(m, "br0");
        assert(x && !x->declared && streq(x->kind, "bridge") && x->ifindex == 2);
        assert(streq(members(x), "eth0 eth2") && !model_find_nic(m, 2)->name_clash);
        assert_agrees_with_full_rebuild(m);
        model_free(m);
        config_free(c);
        config_free(declaring);
        config_free(plain);
}

static void test_rename_redoes_member_names(void) {
        Config *c;
        Model *m = model(&c, "");
        Mux *x;

        add_link(m, 1, "eth0", "veth", 2);
        add_link(m, 2, "br0", "bridge", 0);
        model_sync_unpublished(m);
        x = model_find_mux(m, "br0");
        assert(streq(members(x), "eth0"));
        x->members_dirty = false;
        add_link(m, 1, "lan0", "veth", 2);
        assert(m->names_changed && m->topology_dirty);
        model_sync_unpublished(m);
        assert(streq(members(x), "lan0") && mux_members_differ(x));
        assert(!m->names_changed && !m->topology_dirty);
        model_free(m);
        config_free(c);
}

static void test_member_moves_between_muxes(void) {
        Config *c;
        Model *m = model(&c, "");

        add_link(m, 1, "eth0", "veth", 2);
        add_link(m, 2, "br0", "bridge", 0);
        add_link(m, 3, "br1", "bridge", 0);
        model_sync_unpublished(m);
        assert(streq(members(mux(m, "br0")), "eth0") && streq(members(mux(m, "br1")), ""));
        add_link(m, 1, "eth0", "veth", 3);
        model_sync_unpublished(m);
        assert(streq(members(mux(m, "br0")), "") && streq(members(mux(m, "br1")), "eth0"));
        assert(streq(model_find_nic(m, 1)->pub_muxes[0], "br1"));
        /* A MUX without members has an all-zero record. */
        assert(value_get(&mux(m, "br0")->hw, FIELD_ENCAPSULATION) == 0);
        model_free(m);
        config_free(c);
}

static void test_removal_goes_to_the_graveyard_first(void) {
        Config *c;
        Model *m = model(&c, "");
        Mux *x;

        add_link(m, 1, "eth0", "veth", 2);
        add_link(m, 2, "br0", "bridge", 0);
        model_sync_unpublished(m);
        x = model_find_mux(m, "br0");
        model_link_del(m, 1);
        assert(m->n_nics == 1 && m->n_gone_nics == 1 && x->n_members == 0);
        model_link_del(m, 2);
        model_sync_unpublished(m);
        assert(m->n_muxes == 0 && m->n_gone_muxes == 1 && m->gone_muxes[0] == x && !x->nic);
        model_reap(m);
        assert(m->n_gone_nics == 0 && m->n_gone_muxes == 0);
        model_free(m);
        config_free(c);
}

static void test_resync_sweeps_what_the_dump_missed(void) {
        Config *c;
        Model *m = model(&c, "");

        add_link(m, 1, "eth0", "veth", 0);
        add_link(m, 2, "eth1", "veth", 0);
        model_resync_begin(m);
        model_dump_start(m);
        add_link(m, 2, "eth1", "veth", 0);
        model_dump_done(m);
        assert(m->n_nics == 1 && model_find_nic(m, 2) && !m->resyncing);
        assert(losses == 0);
        model_free(m);
        config_free(c);
}

int main(void) {
        test_nesting_bond_under_bridge();
        test_aggregates_follow_each_member_change();
        test_bridge_promises_no_lro_of_its_ports();
        test_declared_mux_wins_over_kernel_mux_of_the_same_name();
        test_a_name_clash_resolves_the_same_after_a_reload();
        test_rename_redoes_member_names();
        test_member_moves_between_muxes();
        test_removal_goes_to_the_graveyard_first();
        test_resync_sweeps_what_the_dump_missed();
        test_plain_nic_added_and_removed_moves_only_itself();
        test_declared_globs_follow_the_touched_nic();
        test_member_moving_between_muxes_is_an_update();
        test_nested_and_shadowed_muxes_take_a_full_rebuild();
        test_many_touched_nics_fall_back_to_one_full_rebuild();
        return 0;
}
