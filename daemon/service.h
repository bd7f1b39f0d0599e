/* SPDX-License-Identifier: MIT */
/* The D-Bus service: objects, properties, signals and access checks; never reads the kernel */
#pragma once

#include <stdbool.h>

typedef struct Manager Manager;
typedef struct Mux Mux;
typedef struct Nic Nic;
typedef struct Service Service;

/* What changed on a published object, for PropertiesChanged. */
enum {
        CHANGED_HW = 1 << 0,
        CHANGED_CUR = 1 << 1,
        CHANGED_MEMBERS = 1 << 2,       /* Members of a MUX, Muxes of a NIC */
        CHANGED_POLICY = 1 << 3,
        CHANGED_DRIVER = 1 << 4,
        CHANGED_GENERATION = 1 << 5,
};

int service_new(Service **ret, Manager *m, const char *bus);
Service *service_free(Service *s);

void service_nic_added(Service *s, const Nic *n);
void service_nic_changed(Service *s, const Nic *n, unsigned changed);
void service_nic_removed(Service *s, const Nic *n);
void service_mux_added(Service *s, const Mux *x);
void service_mux_changed(Service *s, const Mux *x, unsigned changed);
void service_mux_removed(Service *s, const Mux *x);
void service_manager_changed(Service *s);

int object_path_escape(const char *prefix, const char *name, char **ret);
int object_path_unescape(const char *escaped, char **ret);
