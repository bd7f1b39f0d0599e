/* SPDX-License-Identifier: MIT */
/* The D-Bus service: objects, properties, signals and access checks; reads the published
 * state of the model and never the kernel, reaches the daemon only through ServiceActions */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "macro.h"

typedef struct Model Model;
typedef struct Mux Mux;
typedef struct Nic Nic;
typedef struct Service Service;
struct event_base;

/* What changed on a published object, for PropertiesChanged. */
enum {
        CHANGED_HW = 1 << 0,
        CHANGED_CUR = 1 << 1,
        CHANGED_MEMBERS = 1 << 2,       /* Members of a MUX, Muxes of a NIC */
        CHANGED_POLICY = 1 << 3,
        CHANGED_DRIVER = 1 << 4,
        CHANGED_GENERATION = 1 << 5,
        CHANGED_TASK_HW = 1 << 6,       /* the task-offload records (NDIS_OFFLOAD) */
        CHANGED_TASK_CUR = 1 << 7,
        CHANGED_SOURCES = 1 << 8,       /* a NIC's Sources, when only the task record moved */
};

/* The daemon's actions the bus may ask for; each gets the userdata given to service_new(). */
typedef struct ServiceActions {
        int (*resync)(void *userdata);
        int (*reload)(void *userdata, char **reterr_message);   /* message: owned by the caller */
        void (*exit)(void *userdata, int code);                 /* the bus is gone */
} ServiceActions;

typedef struct ServiceOptions {
        const char *bus;                /* "system", "session" or an address */
        const char *instance_id;        /* InstanceId: 32 hex digits */
        uint32_t coalesce_ms;
} ServiceOptions;

int service_new(Service **ret, struct event_base *base, const ServiceOptions *options,
                const Model *model, const ServiceActions *actions, void *userdata);
/* Whether the bus name is free: a second muxcapd finds it taken and exits at start, before it
 * listens to anything. -EEXIST (logged) when taken. Blocks on the bus once. */
int service_check_name_free(Service *s);
/* Takes the bus name, after the first publication, so the first enumeration costs no
 * signals (SPEC 10: READY=1 once the name is owned and that publication is done). Blocks on
 * the bus once. On failure it logs, asks the daemon to exit, and returns < 0. */
int service_own_name(Service *s);
Service *service_free(Service *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(Service *, service_free)

/* Emission, called by the publisher only. */
void service_nic_added(Service *s, const Nic *n);
void service_nic_changed(Service *s, const Nic *n, unsigned changed);
void service_nic_removed(Service *s, const Nic *n);
void service_mux_added(Service *s, const Mux *x);
void service_mux_changed(Service *s, const Mux *x, unsigned changed);
void service_mux_removed(Service *s, const Mux *x);
void service_set_coalesce_ms(Service *s, uint32_t coalesce_ms);
