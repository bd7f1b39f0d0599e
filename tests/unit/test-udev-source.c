/* SPDX-License-Identifier: MIT */
/* Tests of daemon/udev-source.c: names, mode resolution, property slots, and kernel-mode
 * lookups and events in a netns */
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "schemas.h"
#include "udev-source.h"
#include "util-netns.h"

#define TIMEOUT_MS 5000
#define LOG_MAX 1024

typedef struct Seen {
        UdevAction action;
        int ifindex;
        char name[IFNAMSIZ];
        bool any_prop;
} Seen;

typedef struct Recorder {
        Seen events[LOG_MAX];
        size_t n;
        unsigned overrun;
} Recorder;

static Recorder rec;
static struct event_base *base;

static void on_device(void *userdata, const UdevEvent *ev) {
        Recorder *r = userdata;
        Seen *s;

        assert(ev->action >= 0 && ev->action < _UDEV_ACTION_MAX);
        assert(ev->ifindex > 0);
        assert(ev->name && ev->name[0]);
        if (r->n >= LOG_MAX)
                return;
        s = &r->events[r->n++];
        *s = (Seen) { .action = ev->action, .ifindex = ev->ifindex };
        snprintf(s->name, sizeof(s->name), "%s", ev->name);
        for (Field f = 0; f < _FIELD_MAX; f++)
                s->any_prop = s->any_prop || ev->props[f];
}

static void on_overrun(void *userdata) {
        ((Recorder *) userdata)->overrun++;
}

static const UdevSourceOps ops = {
        .device = on_device,
        .overrun = on_overrun,
};

static const Seen *find_event(UdevAction action, const char *name) {
        for (size_t i = 0; i < rec.n; i++)
                if (rec.events[i].action == action && streq(rec.events[i].name, name))
                        return &rec.events[i];
        return NULL;
}

static UdevAction want_action;
static const char *want_name;

static bool event_seen(void *userdata) {
        return find_event(want_action, want_name);
}

static const Seen *wait_event(UdevAction action, const char *name) {
        want_action = action;
        want_name = name;
        (void) loop_until(base, event_seen, NULL, TIMEOUT_MS);
        return find_event(action, name);
}

static bool overrun_seen(void *userdata) {
        return rec.overrun > 0;
}

static void test_mode_names_round_trip(void) {
        for (UdevSourceMode m = 0; m < _UDEV_SOURCE_MODE_MAX; m++)
                assert(udev_source_mode_from_string(udev_source_mode_to_string(m)) == m);
        assert(streq(udev_source_mode_to_string(UDEV_SOURCE_AUTO), "auto"));
        assert(streq(udev_source_mode_to_string(UDEV_SOURCE_UDEV), "udev"));
        assert(streq(udev_source_mode_to_string(UDEV_SOURCE_KERNEL), "kernel"));
        assert(udev_source_mode_to_string(_UDEV_SOURCE_MODE_MAX) == NULL);
        assert(udev_source_mode_to_string(_UDEV_SOURCE_MODE_INVALID) == NULL);
        assert(udev_source_mode_from_string("Kernel") == _UDEV_SOURCE_MODE_INVALID);
        assert(udev_source_mode_from_string("") == _UDEV_SOURCE_MODE_INVALID);
        assert(udev_source_mode_from_string(NULL) == _UDEV_SOURCE_MODE_INVALID);
}

static void test_action_parsing_drops_unknown_actions(void) {
        assert(udev_action_from_string("add") == UDEV_ACTION_ADD);
        assert(udev_action_from_string("remove") == UDEV_ACTION_REMOVE);
        assert(udev_action_from_string("move") == UDEV_ACTION_MOVE);
        assert(udev_action_from_string("change") == UDEV_ACTION_CHANGE);
        assert(udev_action_from_string("bind") == _UDEV_ACTION_INVALID);
        assert(udev_action_from_string("unbind") == _UDEV_ACTION_INVALID);
        assert(udev_action_from_string("online") == _UDEV_ACTION_INVALID);
        assert(udev_action_from_string("ADD") == _UDEV_ACTION_INVALID);
        assert(udev_action_from_string(NULL) == _UDEV_ACTION_INVALID);
        for (UdevAction a = 0; a < _UDEV_ACTION_MAX; a++)
                assert(udev_action_from_string(udev_action_to_string(a)) == a);
        assert(udev_action_to_string(_UDEV_ACTION_MAX) == NULL);
}

static void test_auto_mode_follows_control_socket(void) {
        char path[] = "/tmp/test-udev-source-XXXXXX";
        int fd = mkstemp(path);

        assert(fd >= 0);
        assert(udev_source_mode_resolve(UDEV_SOURCE_AUTO, path) == UDEV_SOURCE_UDEV);
        assert(udev_source_mode_resolve(UDEV_SOURCE_KERNEL, path) == UDEV_SOURCE_KERNEL);
        assert(unlink(path) == 0);
        (void) close(fd);
        assert(udev_source_mode_resolve(UDEV_SOURCE_AUTO, path) == UDEV_SOURCE_KERNEL);
        assert(udev_source_mode_resolve(UDEV_SOURCE_UDEV, path) == UDEV_SOURCE_UDEV);
}

static void test_new_refuses_invalid_mode(void) {
        UdevSource *s = (UdevSource *) &rec;    /* must stay untouched */

        assert(udev_source_new(&s, base, _UDEV_SOURCE_MODE_INVALID, &ops, &rec) == -EINVAL);
        assert(udev_source_new(&s, base, _UDEV_SOURCE_MODE_MAX, &ops, &rec) == -EINVAL);
        assert(s == (UdevSource *) &rec);
}

/* The enumeration's step: the named link's ADD event, nothing for a link that is not there,
 * and names no link can have refused before sysfs is touched; the same whether the link is
 * said to be virtual (looked for under /sys/devices/virtual/net first) or not (the class link). */
static void test_lookup_reports_the_named_link(UdevSource *s) {
        SHELL_OK("ip link add vA type veth peer name vB");
        for (int virtual = 0; virtual < 2; virtual++) {
                const Seen *lo;

                rec.n = 0;
                assert(udev_source_lookup(s, "lo", virtual) == 1);
                lo = find_event(UDEV_ACTION_ADD, "lo");
                assert(lo && lo->ifindex == 1 && !lo->any_prop);
                assert(udev_source_lookup(s, "vA", virtual) == 1);
                assert(find_event(UDEV_ACTION_ADD, "vA")->ifindex == (int) if_nametoindex("vA"));
                assert(rec.n == 2);
                assert(udev_source_lookup(s, "vNoSuch", virtual) == 0);
                assert(udev_source_lookup(s, "", virtual) == -EINVAL);
                assert(udev_source_lookup(s, "..", virtual) == -EINVAL);
                assert(udev_source_lookup(s, "lo/..", virtual) == -EINVAL);
                assert(udev_source_lookup(s, "a-name-too-long-for-ifnamsiz", virtual) == -EINVAL);
                assert(rec.n == 2);
        }
        SHELL_OK("ip link del vA");
        assert(wait_event(UDEV_ACTION_REMOVE, "vA"));
}

static void test_kernel_events_add_move_remove(void) {
        const Seen *add, *move;
        int idx;

        rec.n = 0;
        SHELL_OK("ip link add vC type veth peer name vD");
        idx = (int) if_nametoindex("vC");
        add = wait_event(UDEV_ACTION_ADD, "vC");
        assert(add && add->ifindex == idx && !add->any_prop);
        assert(wait_event(UDEV_ACTION_ADD, "vD"));

        SHELL_OK("ip link set vC name vE");
        move = wait_event(UDEV_ACTION_MOVE, "vE");
        assert(move && move->ifindex == idx);

        SHELL_OK("ip link del vE");
        assert(wait_event(UDEV_ACTION_REMOVE, "vE")->ifindex == idx);
        assert(wait_event(UDEV_ACTION_REMOVE, "vD"));
}

static void test_overrun_is_reported(UdevSource *s) {
        const unsigned n_pairs = 24;

        rec.overrun = 0;
        assert(udev_source_set_rcvbuf(s, 1) == 0);     /* the kernel's minimum */
        SHELL_OK("for i in $(seq 1 %u); do ip link add ov$i type veth peer name ow$i || exit 1; done",
                 n_pairs);
        assert(loop_until(base, overrun_seen, NULL, TIMEOUT_MS));
        assert(udev_source_set_rcvbuf(s, 1 << 20) == 0);
        SHELL_OK("for i in $(seq 1 %u); do ip link del ov$i; done", n_pairs);
}

typedef struct Property {
        const char *name, *value;
} Property;

/* What the former per-field udev_device_get_property_value() gave: for each field, the value
 * of the property with exactly its udev name, else NULL. */
static void reference_event(const Property *p, size_t n, UdevEvent *ret) {
        *ret = (UdevEvent) { 0 };
        for (size_t i = 0; i < n; i++) {
                for (Field f = 0; f < _FIELD_MAX; f++)
                        if (streq(field_to_udev(f), p[i].name))
                                ret->props[f] = p[i].value;
                for (size_t f = 0; f < _TASK_FIELD_MAX; f++)
                        if (streq(schema_task_offload.fields[f].udev, p[i].name))
                                ret->task_props[f] = p[i].value;
        }
}

static void walked_event(UdevSource *s, const Property *p, size_t n, UdevEvent *ret) {
        *ret = (UdevEvent) { 0 };
        for (size_t i = 0; i < n; i++)
                udev_source_set_property(s, ret, p[i].name, p[i].value);
}

static void assert_same_slots(const UdevEvent *a, const UdevEvent *b) {
        for (Field f = 0; f < _FIELD_MAX; f++)
                assert(a->props[f] == b->props[f]);
        for (size_t f = 0; f < _TASK_FIELD_MAX; f++)
                assert(a->task_props[f] == b->task_props[f]);
}

/* A device with a few known MUXCAP_ properties among unknown MUXCAP_ ones and ordinary ones:
 * the one walk over its properties fills the same slots with the same strings as one lookup
 * per known field did. */
static void test_property_walk_matches_per_field_lookups(UdevSource *s) {
        const char *task_first = schema_task_offload.fields[0].udev;
        const char *task_last = schema_task_offload.fields[_TASK_FIELD_MAX - 1].udev;
        const Property props[] = {
                { "ACTION", "add" },
                { "IFINDEX", "7" },
                { "INTERFACE", "bv0" },
                { "ID_NET_DRIVER", "veth" },
                { "MUXCAP_SACK", "yes" },
                { "MUXCAP_CAPACITY", "4096" },
                { "MUXCAP_ENCAPSULATION", "802.3 802.3-pq" },
                { task_first, "1" },
                { task_last, "0x10" },
                { "MUXCAP_NO_SUCH_FIELD", "yes" },
                { "MUXCAP_", "1" },
                { "MUXCAP", "1" },
                { "muxcap_sack", "no" },        /* names are case-sensitive */
                { "MUXCAP_SACKX", "no" },
                { "XMUXCAP_SACK", "no" },
                { "USEC_INITIALIZED", "12345" },
        };
        const size_t n = sizeof(props) / sizeof(props[0]);
        UdevEvent want, got;

        reference_event(props, n, &want);
        walked_event(s, props, n, &got);
        assert_same_slots(&want, &got);
        assert(got.props[FIELD_SUPPORT_SACK] == props[4].value);
        assert(got.task_props[0] == props[7].value);
        assert(got.task_props[_TASK_FIELD_MAX - 1] == props[8].value);
        /* The MUXCAP_* names no schema knows are noted, in order, for a warning; the others
         * (another prefix, another case) are not ours to judge. */
        assert(got.n_unknown == 3 && streq(got.unknown[0], "MUXCAP_NO_SUCH_FIELD") &&
               streq(got.unknown[1], "MUXCAP_") && streq(got.unknown[2], "MUXCAP_SACKX"));

        /* Nothing at all, and nothing of ours: every slot stays NULL. */
        walked_event(s, props, 4, &got);
        reference_event(NULL, 0, &want);
        assert_same_slots(&want, &got);
        udev_source_set_property(s, &got, NULL, "x");
        assert_same_slots(&want, &got);
}

/* Every name either schema knows lands in its own slot, and only there. */
static void test_every_known_property_has_its_slot(UdevSource *s) {
        for (Field f = 0; f < _FIELD_MAX; f++) {
                const Property p = { field_to_udev(f), "v" };
                UdevEvent want, got;

                reference_event(&p, 1, &want);
                walked_event(s, &p, 1, &got);
                assert(got.props[f] == p.value);
                assert_same_slots(&want, &got);
        }
        for (size_t f = 0; f < _TASK_FIELD_MAX; f++) {
                const Property p = { schema_task_offload.fields[f].udev, "v" };
                UdevEvent want, got;

                reference_event(&p, 1, &want);
                walked_event(s, &p, 1, &got);
                assert(got.task_props[f] == p.value);
                assert_same_slots(&want, &got);
        }
}

int main(void) {
        _cleanup_(udev_source_freep) UdevSource *s = NULL;

        test_mode_names_round_trip();
        test_action_parsing_drops_unknown_actions();
        test_auto_mode_follows_control_socket();

        base = event_base_new();
        assert(base);
        test_new_refuses_invalid_mode();

        /* The rest needs the kernel: net uevents reach only the device's namespace. */
        netns_enter_private();
        assert(udev_source_new(&s, base, UDEV_SOURCE_KERNEL, &ops, &rec) == 0);
        assert(udev_source_get_mode(s) == UDEV_SOURCE_KERNEL);
        test_property_walk_matches_per_field_lookups(s);
        test_every_known_property_has_its_slot(s);
        test_lookup_reports_the_named_link(s);
        test_kernel_events_add_move_remove();
        test_overrun_is_reported(s);

        s = udev_source_free(s);
        event_base_free(base);
        return 0;
}
