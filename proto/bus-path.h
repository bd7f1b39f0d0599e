/* SPDX-License-Identifier: MIT */
/* The bus names of SPEC 5, and the escaping of MUX and NIC names into object paths: the one
 * copy daemon, libmuxcap, tests and bench use */
#pragma once

#define BUS_NAME "org.muxcap.MuxCap1"
#define BUS_ROOT_PATH "/org/muxcap/MuxCap1"
#define BUS_MUX_PREFIX BUS_ROOT_PATH "/mux"
#define BUS_NIC_PREFIX BUS_ROOT_PATH "/nic"
#define BUS_IFACE_MANAGER BUS_NAME ".Manager"
#define BUS_IFACE_MUX BUS_NAME ".Mux"
#define BUS_IFACE_NIC BUS_NAME ".Nic"
#define BUS_ERROR_NO_SUCH_MUX BUS_NAME ".Error.NoSuchMux"
#define BUS_ERROR_NO_SUCH_NIC BUS_NAME ".Error.NoSuchNic"
#define BUS_ERROR_BAD_CONFIG BUS_NAME ".Error.BadConfig"
#define BUS_IFACE_OBJECT_MANAGER "org.freedesktop.DBus.ObjectManager"
#define BUS_IFACE_PROPERTIES "org.freedesktop.DBus.Properties"
#define BUS_IFACE_INTROSPECTABLE "org.freedesktop.DBus.Introspectable"

int bus_path_escape(const char *prefix, const char *name, char **ret);
int bus_path_unescape(const char *prefix, const char *path, char **ret);
int bus_path_unescape_element(const char *element, char **ret);
