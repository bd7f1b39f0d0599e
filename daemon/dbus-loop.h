/* SPDX-License-Identifier: MIT */
/* libdbus on libevent: an event_base drives a DBusConnection's watches, timeouts, dispatch */
#pragma once

#include <dbus/dbus.h>

#include "macro.h"

struct event_base;
typedef struct DBusLoop DBusLoop;

/* Messages dispatched per loop turn at most, so other event sources are not starved. */
#define DBUS_LOOP_DISPATCH_BATCH 64u

/* loop */
int dbus_loop_attach(DBusLoop **ret, DBusConnection *conn, struct event_base *base);
DBusLoop *dbus_loop_detach(DBusLoop *l);
DEFINE_TRIVIAL_CLEANUP_FUNC(DBusLoop *, dbus_loop_detach)

/* connection */
int dbus_loop_open_bus(const char *bus, DBusConnection **ret, char **reterr_message);
