/* SPDX-License-Identifier: MIT */
/* Members through the real muxcapd: a membership change is announced by name in
 * PropertiesChanged's invalidated list and never as a value (nor are the records), Get answers
 * the exact sorted list,
 * and libmuxcap's MUX_CHANGED event followed by a re-read gives the right list after joins,
 * renames and removals. */
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "muxcap/muxcap.h"
#include "util.h"

#define WAIT_MS 10000           /* generous: the ASan build starts slowly */
#define COALESCE_MS 50
#define BR0 BUS_ROOT_PATH "/mux/br0"

#define FAIL(...)                                                       \
        do {                                                            \
                fprintf(stderr, "FAIL: %s:%d: ", __FILE__, __LINE__);   \
                fprintf(stderr, __VA_ARGS__);                           \
                fputc('\n', stderr);                                    \
                exit(EXIT_FAILURE);                                     \
        } while (0)

/* A MUX's record properties: named in invalidated when they change, never sent as values. */
static const char *const records[] = {
        "HardwareCapabilities", "CurrentConfig", "TaskOffloadHardwareCapabilities",
        "TaskOffloadCurrentConfig", "Encapsulation", "ChimneyCapable",
};

/* One PropertiesChanged of br0's Mux interface, as seen on the raw connection. */
typedef struct Change {
        char changed[512];              /* the names in changed, space-separated */
        char invalidated[512];          /* the names in invalidated, space-separated */
} Change;

static void append_word(char *buf, size_t size, const char *word) {
        size_t n = strlen(buf);

        snprintf(buf + n, size - n, "%s%s", n ? " " : "", word);
}

static bool has_word(const char *list, const char *word) {
        size_t n = strlen(word);

        for (const char *p = list; (p = strstr(p, word)); p += n)
                if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
                        return true;
        return false;
}

/* Reads @m if it is a PropertiesChanged of br0's Mux interface. Any such signal that carries
 * Members as a value fails the test: the list is never shipped whole on a change. */
static bool parse_change(DBusMessage *m, Change *ret) {
        DBusMessageIter it, a, e;
        const char *iface, *path = dbus_message_get_path(m);

        if (!dbus_message_is_signal(m, DBUS_INTERFACE_PROPERTIES, "PropertiesChanged") ||
            !path || !streq(path, BR0))
                return false;
        if (!dbus_message_has_signature(m, "sa{sv}as"))
                FAIL("PropertiesChanged with signature '%s', want sa{sv}as", dbus_message_get_signature(m));
        assert(dbus_message_iter_init(m, &it));
        dbus_message_iter_get_basic(&it, &iface);
        if (!streq(iface, BUS_IFACE_MUX))
                return false;
        *ret = (Change) { .changed = "" };
        dbus_message_iter_next(&it);
        for (dbus_message_iter_recurse(&it, &a); dbus_message_iter_get_arg_type(&a) == DBUS_TYPE_DICT_ENTRY;
             dbus_message_iter_next(&a)) {
                const char *name;

                dbus_message_iter_recurse(&a, &e);
                dbus_message_iter_get_basic(&e, &name);
                append_word(ret->changed, sizeof(ret->changed), name);
        }
        dbus_message_iter_next(&it);
        for (dbus_message_iter_recurse(&it, &a); dbus_message_iter_get_arg_type(&a) == DBUS_TYPE_STRING;
             dbus_message_iter_next(&a)) {
                const char *name;

                dbus_message_iter_get_basic(&a, &name);
                append_word(ret->invalidated, sizeof(ret->invalidated), name);
        }
        if (has_word(ret->changed, "Members"))
                FAIL("PropertiesChanged carries Members as a value (changed: %s)", ret->changed);
        /* The records go with the StatusIndications, not here too (issue 24). */
        for (size_t i = 0; i < ELEMENTSOF(records); i++)
                if (has_word(ret->changed, records[i]))
                        FAIL("PropertiesChanged carries %s as a value (changed: %s)", records[i],
                             ret->changed);
        return true;
}

/* Waits for br0's next PropertiesChanged; false on timeout. */
static bool wait_change(DBusConnection *c, int timeout_ms, Change *ret) {
        uint64_t deadline = util_now_ms() + (uint64_t) timeout_ms;

        for (;;) {
                DBusMessage *m;

                while ((m = dbus_connection_pop_message(c))) {
                        bool hit = parse_change(m, ret);

                        dbus_message_unref(m);
                        if (hit)
                                return true;
                }
                uint64_t now = util_now_ms();
                if (now >= deadline)
                        return false;
                if (!dbus_connection_read_write(c, (int) (deadline - now)))
                        FAIL("the bus connection went away");
        }
}

/* Waits for a PropertiesChanged of br0 that invalidates Members, then lets the window close
 * and checks every later one too (each must name Members only in invalidated). Returns the
 * first such change. */
static Change expect_members_invalidated(DBusConnection *c, const char *what) {
        Change ch, later;

        do
                if (!wait_change(c, WAIT_MS, &ch))
                        FAIL("%s: no PropertiesChanged invalidating Members on br0", what);
        while (!has_word(ch.invalidated, "Members"));
        if (strncmp(ch.invalidated, "Members", strlen("Members")) != 0)
                FAIL("%s: invalidated '%s', want Members first", what, ch.invalidated);
        while (wait_change(c, 4 * COALESCE_MS, &later))
                ;
        printf("ok: %s: PropertiesChanged changed '%s' invalidated '%s'\n", what, ch.changed,
               ch.invalidated);
        return ch;
}

/* After a join: br0's PropertiesChanged reaches @c before the member's own (its Muxes), so
 * that a member's join is not queued behind the member's change in the bus (issue 24). */
static void expect_mux_before_member(DBusConnection *c, const char *nic_path, const char *what) {
        uint64_t deadline = util_now_ms() + WAIT_MS;
        const char *first = NULL;
        bool mux = false, nic = false;
        Change later;

        while (!mux || !nic) {
                DBusMessage *m;

                while ((m = dbus_connection_pop_message(c))) {
                        const char *path = dbus_message_get_path(m);

                        if (dbus_message_is_signal(m, DBUS_INTERFACE_PROPERTIES, "PropertiesChanged") && path) {
                                if (streq(path, BR0))
                                        mux = true;
                                else if (streq(path, nic_path))
                                        nic = true;
                                if ((mux || nic) && !first)
                                        first = mux ? "br0" : "the member";
                        }
                        dbus_message_unref(m);
                }
                uint64_t now = util_now_ms();
                if (now >= deadline)
                        FAIL("%s: br0's PropertiesChanged %s, the member's %s", what,
                             mux ? "came" : "never came", nic ? "came" : "never came");
                if (!mux || !nic)
                        assert(dbus_connection_read_write(c, (int) (deadline - now)));
        }
        if (!streq(first, "br0"))
                FAIL("%s: the member's PropertiesChanged came before br0's", what);
        while (wait_change(c, 4 * COALESCE_MS, &later))
                ;
        printf("ok: %s: br0's PropertiesChanged came before the member's\n", what);
}

static char *members_get(DBusConnection *c) {
        char *words = NULL;

        assert(util_get_property_words(c, BUS_NAME, BR0, BUS_IFACE_MUX, "Members", &words) == 0);
        return words;
}

static void expect_members_get(DBusConnection *c, const char *what, const char *want) {
        _cleanup_free_ char *got = members_get(c);

        if (!streq(got, want))
                FAIL("%s: Get Members = '%s', want '%s'", what, got, want);
}

static uint64_t generation(DBusConnection *c) {
        uint64_t g = 0;

        assert(util_get_property(c, BUS_NAME, BR0, BUS_IFACE_MUX, "Generation", DBUS_TYPE_UINT64, &g) == 0);
        return g;
}

/* A libmuxcap subscriber that does what muxcap.h tells it: on each MUX_CHANGED it reads the
 * MUX again, and keeps the member list it read last. */
typedef struct Subscriber {
        struct muxcap_client *client;
        unsigned n_changed;
        char members[512];
        int error;
} Subscriber;

static void subscriber_cb(struct muxcap_client *c, const struct muxcap_event *e, void *userdata) {
        Subscriber *s = userdata;
        struct muxcap_mux_info *info = NULL;
        int r;

        if (e->kind != MUXCAP_EVENT_MUX_CHANGED || !streq(e->mux, "br0"))
                return;
        s->n_changed++;
        r = muxcap_client_get_mux_info(c, "br0", &info);
        if (r < 0) {
                s->error = r;
                return;
        }
        s->members[0] = '\0';
        for (char **m = info->members; *m; m++)
                append_word(s->members, sizeof(s->members), *m);
        muxcap_mux_info_free(info);
}

/* Dispatches the client until its last read list is @want; fails after WAIT_MS. */
static void expect_subscriber(Subscriber *s, const char *what, const char *want) {
        uint64_t deadline = util_now_ms() + WAIT_MS;
        unsigned before = s->n_changed;

        while (!streq(s->members, want) || s->n_changed == before) {
                struct pollfd p = { .fd = muxcap_client_get_fd(s->client) };
                int timeout = -1, events = muxcap_client_get_events(s->client);
                uint64_t now = util_now_ms();

                if (s->error < 0)
                        FAIL("%s: the subscriber's re-read failed: %s", what, strerror(-s->error));
                if (now >= deadline)
                        FAIL("%s: the subscriber holds '%s' after %u MUX_CHANGED events, want '%s'",
                             what, s->members, s->n_changed - before, want);
                assert(events >= 0 && muxcap_client_get_timeout(s->client, &timeout) == 0);
                p.events = (short) events;
                if (timeout < 0 || (uint64_t) timeout > deadline - now)
                        timeout = (int) (deadline - now);
                (void) poll(&p, 1, timeout);
                assert(muxcap_client_dispatch(s->client) == 0);
        }
        printf("ok: %s: the subscriber re-read '%s'\n", what, s->members);
}

/* Waits until br0's object is there, then for its first window to close. */
static void wait_br0(DBusConnection *c) {
        uint64_t start = util_now_ms();
        Change ch;

        for (;;) {
                DBusMessage *m = util_call(c, BUS_NAME, BUS_ROOT_PATH, BUS_IFACE_MANAGER, "GetMux",
                                           DBUS_TYPE_STRING, &(const char *) { "br0" },
                                           DBUS_TYPE_INVALID);
                bool there = dbus_message_get_type(m) == DBUS_MESSAGE_TYPE_METHOD_RETURN;

                dbus_message_unref(m);
                if (there)
                        break;
                if (util_now_ms() - start > WAIT_MS)
                        FAIL("br0 never appeared");
                util_run("sleep 0.05");
        }
        while (wait_change(c, 4 * COALESCE_MS, &ch))
                ;
}

static void test_introspection_says_invalidates(DBusConnection *c) {
        DBusMessage *m = util_call(c, BUS_NAME, BR0, "org.freedesktop.DBus.Introspectable",
                                   "Introspect", DBUS_TYPE_INVALID);
        const char *xml = NULL;

        assert(m && dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &xml, DBUS_TYPE_INVALID));
        if (!strstr(xml, "<property name=\"Members\" type=\"as\" access=\"read\">\n"
                         "  <annotation name=\"org.freedesktop.DBus.Property.EmitsChangedSignal\" "
                         "value=\"invalidates\"/>\n"))
                FAIL("Introspect of br0 does not mark Members EmitsChangedSignal=invalidates:\n%s", xml);
        dbus_message_unref(m);
        printf("ok: Introspect marks Members invalidates\n");
}

int main(void) {
        _cleanup_(util_process_freep) UtilProcess *d = NULL;
        _cleanup_(util_bus_closep) DBusConnection *c = NULL;
        const char *muxcapd = getenv("MUXCAPD");
        char conf[512], bus_arg[600], conf_arg[600];
        DBusError error = DBUS_ERROR_INIT;
        Subscriber sub = { .members = "" };
        Change ch;
        uint64_t g;
        int status;

        util_require_ns_run();
        setvbuf(stdout, NULL, _IOLBF, 0);
        assert(muxcapd);
        snprintf(conf, sizeof(conf), "%s/muxcapd.conf", getenv("MUXCAP_TEST_DIR"));
        {
                FILE *f = fopen(conf, "we");
                assert(f);
                fprintf(f, "[Daemon]\nCoalesceMs=%d\n", COALESCE_MS);
                assert(fclose(f) == 0);
        }
        snprintf(bus_arg, sizeof(bus_arg), "--bus=%s", getenv("MUXCAP_TEST_BUS"));
        snprintf(conf_arg, sizeof(conf_arg), "--config=%s", conf);

        c = util_bus_connect();
        dbus_bus_add_match(c, "type='signal',interface='org.freedesktop.DBus.Properties',"
                              "member='PropertiesChanged',path='" BR0 "'", &error);
        assert(!dbus_error_is_set(&error));
        d = util_spawn("muxcapd", (char *const[]) { (char *) muxcapd, bus_arg, conf_arg,
                                                    "--udev-source=udev", NULL });
        assert(util_process_wait_ready(d, WAIT_MS) == 0);
        assert(util_wait_name(c, BUS_NAME, WAIT_MS) == 0);

        util_run("ip link add br0 type bridge");
        util_run("for n in C A B D; do ip link add m$n type veth peer name p$n; done; udevadm settle");
        wait_br0(c);
        test_introspection_says_invalidates(c);
        expect_members_get(c, "the new bridge", "");

        assert(muxcap_client_new(&sub.client, getenv("MUXCAP_TEST_BUS")) == 0);
        assert(muxcap_client_subscribe_flags(sub.client, "br0", MUXCAP_SUBSCRIBE_MUX_CHANGES,
                                             subscriber_cb, &sub) == 0);

        /* The first member changes the record too: the new generation goes out as a value,
         * the member list and the records by name (the indications carry the records). */
        util_run("ip link set mC master br0");
        ch = expect_members_invalidated(c, "mC joins");
        if (!has_word(ch.changed, "Generation") || !has_word(ch.invalidated, "HardwareCapabilities"))
                FAIL("mC joins: changed '%s' invalidated '%s' lack the new record", ch.changed,
                     ch.invalidated);
        expect_members_get(c, "mC joins", "mC");
        expect_subscriber(&sub, "mC joins", "mC");

        /* Members that change nothing else: only the invalidation, no value, no generation.
         * Get answers the list sorted, whatever the order they joined in. */
        g = generation(c);
        util_run("ip link set mA master br0");
        ch = expect_members_invalidated(c, "mA joins");
        if (*ch.changed)
                FAIL("mA joins with the same record: changed '%s', want nothing", ch.changed);
        expect_members_get(c, "mA joins", "mA mC");
        expect_subscriber(&sub, "mA joins", "mA mC");
        util_run("ip link set mB master br0 && ip link set mD master br0");
        (void) expect_members_invalidated(c, "mB and mD join");
        expect_members_get(c, "mB and mD join", "mA mB mC mD");
        expect_subscriber(&sub, "mB and mD join", "mA mB mC mD");
        assert(generation(c) == g);

        /* A rename moves a member in the sorted order. */
        util_run("ip link set mA name mZ");
        (void) expect_members_invalidated(c, "mA renamed mZ");
        expect_members_get(c, "mA renamed mZ", "mB mC mD mZ");
        expect_subscriber(&sub, "mA renamed mZ", "mB mC mD mZ");

        /* Members leave: one deleted, one released. */
        util_run("ip link del mC");
        (void) expect_members_invalidated(c, "mC deleted");
        expect_members_get(c, "mC deleted", "mB mD mZ");
        expect_subscriber(&sub, "mC deleted", "mB mD mZ");
        util_run("ip link set mB nomaster");
        (void) expect_members_invalidated(c, "mB released");
        expect_members_get(c, "mB released", "mD mZ");
        expect_subscriber(&sub, "mB released", "mD mZ");
        assert(generation(c) == g);

        /* The MUX hears of a join before the member's own change goes out. */
        dbus_bus_add_match(c, "type='signal',interface='org.freedesktop.DBus.Properties',"
                              "member='PropertiesChanged',path='" BUS_ROOT_PATH "/nic/mB'", &error);
        assert(!dbus_error_is_set(&error));
        util_run("ip link set mB master br0");
        expect_mux_before_member(c, BUS_ROOT_PATH "/nic/mB", "mB joins again");
        expect_members_get(c, "mB joins again", "mB mD mZ");
        expect_subscriber(&sub, "mB joins again", "mB mD mZ");

        /* GetAll and GetManagedObjects carry the list whole (they are rare). */
        {
                struct muxcap_mux_info **list = NULL;
                bool found = false;

                assert(muxcap_client_list_muxes(sub.client, &list) == 0);
                for (struct muxcap_mux_info **i = list; *i; i++)
                        if (streq((*i)->name, "br0")) {
                                found = true;
                                assert((*i)->members[0] && streq((*i)->members[0], "mB"));
                                assert((*i)->members[1] && streq((*i)->members[1], "mD"));
                                assert((*i)->members[2] && streq((*i)->members[2], "mZ"));
                                assert(!(*i)->members[3]);
                        }
                assert(found);
                muxcap_mux_info_list_free(list);
        }

        sub.client = muxcap_client_unref(sub.client);
        assert(util_process_signal(d, SIGTERM) == 0);
        assert(util_process_wait(d, WAIT_MS, &status) == 0);
        assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        printf("all Members scenarios passed\n");
        return 0;
}
