/* SPDX-License-Identifier: MIT */
/* struct muxcap_client and what the library's modules share about it (library-internal) */
#pragma once

#include <dbus/dbus.h>
#include <stdbool.h>

#include "gen-filter.h"
#include "muxcap/muxcap.h"

typedef struct Subscription Subscription;

/* One muxcap_client_subscribe(): its own match rules, state query and generation filter. */
struct Subscription {
        struct muxcap_client *client;   /* weak: the client frees its subscriptions */
        Subscription *next;             /* owned by the client's list */
        char *mux;                      /* owned; NULL = every MUX */
        char *mux_path;                 /* owned; NULL = every MUX */
        muxcap_event_cb callback;
        void *userdata;
        char *match_status;             /* owned: the match rules, to remove them again */
        char *match_objects;
        char *match_owner;
        char *match_props;              /* NULL unless MUXCAP_SUBSCRIBE_MUX_CHANGES */
        uint32_t flags;                 /* MUXCAP_SUBSCRIBE_* */
        DBusPendingCall *call_instance; /* owned while the state query runs */
        DBusPendingCall *call_objects;
        DBusMessage *reply_instance;    /* owned until both replies are in */
        DBusMessage *reply_objects;
        DBusMessage **held;             /* owned: signals that raced the state query */
        size_t n_held;
        size_t n_held_covered;          /* the first n_held_covered arrived before the
                                         * GetManagedObjects answer, which covers them */
        bool fetching;
        bool held_overflow;
        char *owner;                    /* owned: unique name whose signals count */
        char *instance_id;              /* owned: InstanceId of the state delivered last */
        bool gone_reported;
        bool dead;                      /* unsubscribed; freed after the dispatch */
        GenFilter filter;
};

struct muxcap_client {
        DBusConnection *conn;           /* owned, private */
        DBusWatch **watches;            /* borrowed from libdbus, between add and remove */
        size_t n_watches;
        DBusTimeout **timeouts;         /* idem; the deadline hangs off each as its data */
        size_t n_timeouts;
        Subscription *subscriptions;    /* owned list */
        unsigned dispatching;           /* nesting depth of dispatch */
        bool stop;
        bool disconnected;
        char *error_message;            /* the last failed call's, in words; owned */
};

/* client-bus.c */
int bus_error_to_errno(const DBusError *error);
int bus_call(struct muxcap_client *c, DBusMessage *m, DBusMessage **ret_reply);
int bus_new_call(const char *path, const char *iface, const char *member, DBusMessage **ret);
int bus_call_method(struct muxcap_client *c, const char *path, const char *iface,
                    const char *member, int arg_type, const void *arg, DBusMessage **ret_reply);

/* Properties of a MUX object, borrowed from the message they were read from. */
typedef struct MuxProps {
        const char *name;
        const char *kind;
        const char *capacity_policy;
        int32_t ifindex;
        uint64_t generation;
        const uint8_t *hw;
        int hw_size;
        const uint8_t *current;
        int current_size;
        const uint8_t *task_hw;         /* NULL when muxcapd does not publish them */
        int task_hw_size;
        const uint8_t *task_current;
        int task_current_size;
        DBusMessageIter members;        /* as, valid if has_members */
        bool has_members;
        bool has_generation;
} MuxProps;

int bus_read_mux_props(DBusMessageIter *dict, MuxProps *ret);

typedef struct MuxState {
        char *name;             /* owned */
        MuxProps props;         /* borrowed from the reply */
} MuxState;

int bus_read_mux_state(DBusMessage *reply, const char *only_path, MuxState **ret, size_t *ret_n);
const MuxState *bus_mux_state_find(const MuxState *entries, size_t n, const char *name);
int bus_read_variant_string(DBusMessage *reply, const char **ret);
int bus_iter_has_interface(DBusMessageIter *ifaces, const char *iface, DBusMessageIter *ret_props);

/* client-event.c */
char *subscription_mux_name(Subscription *s, const char *path);
void subscription_emit_simple(Subscription *s, enum muxcap_event_kind kind, const char *mux);
void subscription_emit_record(Subscription *s, enum muxcap_event_kind kind, const char *mux,
                              uint32_t status_code, uint64_t generation, const uint8_t *buf,
                              int size);
void subscription_handle_signal(Subscription *s, DBusMessage *m);

/* client-fetch.c */
int subscription_start_fetch(Subscription *s);
void subscription_cancel_fetch(Subscription *s);
void subscription_hold_signal(Subscription *s, DBusMessage *m);
void subscription_owner_changed(Subscription *s, const char *new_owner);

/* client-subscribe.c */
DBusHandlerResult subscription_filter_cb(DBusConnection *conn, DBusMessage *m, void *userdata);
Subscription *subscription_free(Subscription *s);
void client_reap_subscriptions(struct muxcap_client *c);
