/* SPDX-License-Identifier: MIT */
/* Self-test of the integration harness: private udevd with our rules, private bus, util.c */
#undef NDEBUG
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include <systemd/sd-daemon.h>

#include "util.h"
#include "bus-path.h"

#define FAKE_PATH BUS_MUX_PREFIX "/test"
#define FAKE_GENERATION 7u
#define STATUS_HW 0x4002000Bu

static const uint8_t fake_record[20] = { 0x80, 0x02, 0x14, 0x00, 0x02 };

/* The fake daemon: owns the name, serves a few properties, emits on request */

static DBusHandlerResult fake_get(DBusConnection *c, DBusMessage *m) {
        const char *iface, *prop;
        DBusMessageIter it, v, a;
        DBusMessage *reply;

        if (!dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &iface, DBUS_TYPE_STRING, &prop,
                                   DBUS_TYPE_INVALID))
                return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;

        reply = dbus_message_new_method_return(m);
        assert(reply);
        dbus_message_iter_init_append(reply, &it);
        if (streq(iface, BUS_IFACE_MUX) && streq(prop, "Generation")) {
                uint64_t g = FAKE_GENERATION;

                assert(dbus_message_iter_open_container(&it, DBUS_TYPE_VARIANT, "t", &v));
                assert(dbus_message_iter_append_basic(&v, DBUS_TYPE_UINT64, &g));
                assert(dbus_message_iter_close_container(&it, &v));
        } else if (streq(iface, BUS_IFACE_MUX) && streq(prop, "Name")) {
                const char *name = "test";

                assert(dbus_message_iter_open_container(&it, DBUS_TYPE_VARIANT, "s", &v));
                assert(dbus_message_iter_append_basic(&v, DBUS_TYPE_STRING, &name));
                assert(dbus_message_iter_close_container(&it, &v));
        } else if (streq(iface, BUS_IFACE_MUX) && streq(prop, "HardwareCapabilities")) {
                const uint8_t *p = fake_record;

                assert(dbus_message_iter_open_container(&it, DBUS_TYPE_VARIANT, "ay", &v));
                assert(dbus_message_iter_open_container(&v, DBUS_TYPE_ARRAY, "y", &a));
                assert(dbus_message_iter_append_fixed_array(&a, DBUS_TYPE_BYTE, &p,
                                                            sizeof(fake_record)));
                assert(dbus_message_iter_close_container(&v, &a));
                assert(dbus_message_iter_close_container(&it, &v));
        } else {
                dbus_message_unref(reply);
                reply = dbus_message_new_error(m, DBUS_ERROR_UNKNOWN_PROPERTY, prop);
                assert(reply);
        }
        assert(dbus_connection_send(c, reply, NULL));
        dbus_message_unref(reply);
        return DBUS_HANDLER_RESULT_HANDLED;
}

static DBusHandlerResult fake_handler(DBusConnection *c, DBusMessage *m, void *userdata) {
        if (dbus_message_is_method_call(m, DBUS_INTERFACE_PROPERTIES, "Get"))
                return fake_get(c, m);

        if (dbus_message_is_method_call(m, "org.muxcap.Test", "Emit")) {
                uint32_t code = STATUS_HW;
                uint64_t g = FAKE_GENERATION;
                const uint8_t *p = fake_record;
                DBusMessage *s, *reply;

                s = dbus_message_new_signal(FAKE_PATH, BUS_IFACE_MUX, "StatusIndication");
                assert(s);
                assert(dbus_message_append_args(s, DBUS_TYPE_UINT32, &code, DBUS_TYPE_UINT64, &g,
                                                DBUS_TYPE_ARRAY, DBUS_TYPE_BYTE, &p,
                                                (int) sizeof(fake_record), DBUS_TYPE_INVALID));
                assert(dbus_connection_send(c, s, NULL));
                dbus_message_unref(s);
                reply = dbus_message_new_method_return(m);
                assert(reply);
                assert(dbus_connection_send(c, reply, NULL));
                dbus_message_unref(reply);
                return DBUS_HANDLER_RESULT_HANDLED;
        }
        return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

static int fake_daemon(void) {
        static const DBusObjectPathVTable vtable = { .message_function = fake_handler };
        DBusError error = DBUS_ERROR_INIT;
        DBusConnection *c = util_bus_connect();

        assert(dbus_bus_request_name(c, BUS_NAME, DBUS_NAME_FLAG_DO_NOT_QUEUE, &error) ==
               DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER);
        assert(dbus_connection_register_object_path(c, FAKE_PATH, &vtable, NULL));
        (void) sd_notify(0, "READY=1");
        fprintf(stderr, "fake daemon ready\n");

        while (dbus_connection_read_write_dispatch(c, -1))
                ;
        return 0;
}

/* The tests */

static void test_udevd_applies_only_our_rules(void) {
        _cleanup_free_ char *veth = NULL, *bridge = NULL;

        util_run("ip link add mxh0 type veth peer name mxh1");
        util_run("ip link add mxhbr0 type bridge");
        util_run("udevadm wait --timeout=10 /sys/class/net/mxh0 /sys/class/net/mxh1 "
                 "/sys/class/net/mxhbr0");

        veth = util_run_output("udevadm info --query=property /sys/class/net/mxh0");
        assert(strstr(veth, "\nMUXCAP_IPV4=1\n"));
        assert(strstr(veth, "\nID_NET_DRIVER=veth\n"));
        /* Neither the host's rules nor its .link files were applied. */
        assert(!strstr(veth, "ID_NET_LINK_FILE="));
        assert(!strstr(veth, "ID_NET_NAME_"));

        bridge = util_run_output("udevadm info --query=property /sys/class/net/mxhbr0");
        assert(strstr(bridge, "\nID_NET_DRIVER=bridge\n"));
        assert(!strstr(bridge, "MUXCAP_IPV4"));
}

static void test_sysfs_shows_only_our_links(void) {
        DIR *d = opendir("/sys/class/net");
        struct dirent *de;
        unsigned n = 0;

        assert(d);
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.')
                        continue;
                assert(streq(de->d_name, "lo") || strncmp(de->d_name, "mxh", 3) == 0);
                n++;
        }
        closedir(d);
        assert(n == 4);
}

static void test_private_bus_answers(DBusConnection *c) {
        DBusMessage *reply;
        char **names = NULL;
        bool self = false, bus = false;
        int n = 0;

        reply = util_call(c, DBUS_SERVICE_DBUS, DBUS_PATH_DBUS, DBUS_INTERFACE_DBUS, "ListNames",
                          DBUS_TYPE_INVALID);
        assert(dbus_message_get_args(reply, NULL, DBUS_TYPE_ARRAY, DBUS_TYPE_STRING, &names, &n,
                                     DBUS_TYPE_INVALID));
        for (int i = 0; i < n; i++) {
                self = self || streq(names[i], dbus_bus_get_unique_name(c));
                bus = bus || streq(names[i], DBUS_SERVICE_DBUS);
        }
        assert(self && bus);
        dbus_free_string_array(names);
        dbus_message_unref(reply);
}

static bool is_hw(const UtilStatus *s, void *userdata) {
        return s->status_code == STATUS_HW;
}

static void test_helpers_against_fake_daemon(DBusConnection *c) {
        _cleanup_(util_process_freep) UtilProcess *p = NULL;
        char *const argv[] = { (char *) "/proc/self/exe", (char *) "--fake-daemon", NULL };
        _cleanup_free_ char *name = NULL;
        uint8_t buf[64];
        uint64_t g = 0;
        size_t n = 0;
        UtilStatus s;
        int status;
        DBusMessage *m, *reply;

        util_add_status_match(c);
        p = util_spawn("fake-muxcapd", argv);
        if (util_process_wait_ready(p, 10000) < 0) {
                util_process_dump_log(p);
                abort();
        }
        assert(util_wait_name(c, BUS_NAME, 5000) == 0);

        assert(util_get_property(c, BUS_NAME, FAKE_PATH, BUS_IFACE_MUX, "Generation",
                                 DBUS_TYPE_UINT64, &g) == 0);
        assert(g == FAKE_GENERATION);
        assert(util_get_property(c, BUS_NAME, FAKE_PATH, BUS_IFACE_MUX, "Name",
                                 DBUS_TYPE_STRING, &name) == 0);
        assert(streq(name, "test"));
        assert(util_get_property(c, BUS_NAME, FAKE_PATH, BUS_IFACE_MUX, "Generation",
                                 DBUS_TYPE_UINT32, &g) == -EBADMSG);
        assert(util_get_property(c, BUS_NAME, FAKE_PATH, BUS_IFACE_MUX, "Nope",
                                 DBUS_TYPE_UINT32, &g) == -ENOENT);
        assert(util_get_property_bytes(c, BUS_NAME, FAKE_PATH, BUS_IFACE_MUX,
                                       "HardwareCapabilities", buf, sizeof(buf), &n) == 0);
        assert(n == sizeof(fake_record) && memcmp(buf, fake_record, n) == 0);
        assert(util_get_property_bytes(c, BUS_NAME, FAKE_PATH, BUS_IFACE_MUX,
                                       "HardwareCapabilities", buf, 4, &n) == -ENOBUFS);

        util_assert_no_status(c, 100);
        reply = util_call(c, BUS_NAME, FAKE_PATH, "org.muxcap.Test", "Emit", DBUS_TYPE_INVALID);
        assert(dbus_message_get_type(reply) == DBUS_MESSAGE_TYPE_METHOD_RETURN);
        dbus_message_unref(reply);
        assert(util_wait_status(c, is_hw, NULL, 5000, &s) == 0);
        assert(streq(s.path, FAKE_PATH));
        assert(s.generation == FAKE_GENERATION);
        assert(s.size == sizeof(fake_record) && memcmp(s.buffer, fake_record, s.size) == 0);
        util_assert_no_status(c, 100);

        /* A stopped daemon does not emit; once continued, it does. */
        assert(util_process_stop(p) == 0);
        m = dbus_message_new_method_call(BUS_NAME, FAKE_PATH, "org.muxcap.Test", "Emit");
        assert(m);
        dbus_message_set_no_reply(m, TRUE);
        assert(dbus_connection_send(c, m, NULL));
        dbus_message_unref(m);
        dbus_connection_flush(c);
        util_assert_no_status(c, 200);
        assert(util_process_cont(p) == 0);
        assert(util_wait_status(c, NULL, NULL, 5000, NULL) == 0);

        assert(util_process_wait(p, 50, &status) == -ETIMEDOUT);
        assert(util_process_signal(p, SIGTERM) == 0);
        assert(util_process_wait(p, 5000, &status) == 0);
        assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
        assert(util_process_signal(p, SIGTERM) == -ESRCH);
}

int main(int argc, char *argv[]) {
        _cleanup_(util_bus_closep) DBusConnection *c = NULL;

        if (argc == 2 && streq(argv[1], "--fake-daemon"))
                return fake_daemon();

        util_require_ns_run();

        test_udevd_applies_only_our_rules();
        test_sysfs_shows_only_our_links();

        c = util_bus_connect();
        test_private_bus_answers(c);
        test_helpers_against_fake_daemon(c);
        c = util_bus_close(c);

        dbus_shutdown();
        return 0;
}
