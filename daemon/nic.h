/* SPDX-License-Identifier: MIT */
/* NIC: one per net device, keyed by ifindex; its records from kernel, udev and config */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "aggregate.h"
#include "ethtool.h"
#include "field.h"
#include "macro.h"
#include "record.h"

typedef struct Config Config;
typedef struct Mux Mux;

typedef struct Nic {
        int ifindex;
        char *name;                     /* owned */
        bool name_utf8;                 /* D-Bus can carry the name: only then it is published */
        char *kind;                     /* owned: rtnetlink link kind, NULL if none */
        char driver[32];
        unsigned short type;            /* ARPHRD_* */
        int master;                     /* ifindex of the master device, 0 if none */

        bool in_rtnl;                   /* the kernel reported it */
        bool in_udev;                   /* udev reported it initialized */
        bool rtnl_mark, udev_mark;      /* seen in the running re-enumeration */

        bool features_valid;
        NicFeatures features;
        char *udev_props[_FIELD_MAX];   /* owned: raw MUXCAP_* values */
        char *bad_props[_FIELD_MAX];    /* owned: last bad value logged, to log it once */

        RecordValue hw, cur;            /* effective records */
        Source hw_src[_FIELD_MAX], cur_src[_FIELD_MAX];

        Mux *mux;                       /* weak: the kernel MUX this NIC is, cleared by mux_free() */

        /* What D-Bus shows: written by publish.c, read by the service. */
        bool published;
        char *pub_name;                 /* owned: the name its object path was made from */
        RecordValue pub_hw, pub_cur;
        char pub_driver[32];
        char **pub_muxes;               /* owned, NULL-terminated: the MUXes it is a member of */
        bool muxes_changed;             /* pub_muxes changed in the last topology rebuild */
} Nic;

int nic_new(Nic **ret, int ifindex);
Nic *nic_free(Nic *n);
DEFINE_TRIVIAL_CLEANUP_FUNC(Nic *, nic_free)

int nic_set_name(Nic *n, const char *name);
int nic_set_kind(Nic *n, const char *kind);
int nic_set_udev_props(Nic *n, const char *const props[static _FIELD_MAX]);
void nic_update_records(Nic *n, const Config *config);

void kernel_records(const NicFeatures *features, unsigned short type, RecordValue *ret_hw,
                    RecordValue *ret_cur);
