/* SPDX-License-Identifier: MIT */
/* libmuxcap: the client library of muxcap, the network offload capability indication service */
#ifndef MUXCAP_MUXCAP_H
#define MUXCAP_MUXCAP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every function that can fail returns 0 (or a documented positive value) on success and a
 * negative errno on failure. Out-parameters are written only on success. The library never
 * prints and keeps no global state. */

/*
 * The capability record: Windows' NDIS_TCP_CONNECTION_OFFLOAD, 20 bytes, little-endian.
 */

#define MUXCAP_RECORD_SIZE 20
#define MUXCAP_RECORD_REVISION 2

#define MUXCAP_STATUS_HARDWARE_CAPABILITIES 0x4002000Bu  /* NDIS_STATUS_TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES */
#define MUXCAP_STATUS_OFFLOAD_RESUME 0x40020003u         /* NDIS_STATUS_OFFLOAD_RESUME */

#define MUXCAP_ENCAP_NULL 0x1u
#define MUXCAP_ENCAP_IEEE_802_3 0x2u
#define MUXCAP_ENCAP_IEEE_802_3_P_AND_Q 0x4u
#define MUXCAP_ENCAP_IEEE_802_3_P_AND_Q_IN_OOB 0x8u
#define MUXCAP_ENCAP_IEEE_LLC_SNAP_ROUTED 0x10u

/* Support fields: 0 = NDIS_OFFLOAD_NOT_SUPPORTED, 1 = NDIS_OFFLOAD_SUPPORTED. */
struct muxcap_record {
        uint8_t revision;
        uint32_t encapsulation;
        uint8_t support_ipv4;
        uint8_t support_ipv6;
        uint8_t support_ipv6_extension_headers;
        uint8_t support_sack;
        uint8_t congestion_algorithm;           /* 0-15 */
        uint32_t tcp_connection_offload_capacity;
        uint32_t flags;
};

/* Sets @r to revision 2 with every field 0. */
void muxcap_record_init(struct muxcap_record *r);

/* Reads a record from @size bytes at @buf. Accepts it only if it holds at least 20 bytes, Type
 * is 0x80, Revision is not 0 and Size is between 20 and @size; bytes past 20 are ignored.
 * Returns -EBADMSG otherwise and, if @reterr_reason is not NULL, points it at a static string
 * naming the failed check. */
int muxcap_record_decode(const void *buf, size_t size, struct muxcap_record *ret,
                         const char **reterr_reason);

/* Writes @r as 20 bytes into @buf. Returns -ERANGE, with a reason, when the revision is 0 or
 * a field does not fit in its bits on the wire. */
int muxcap_record_encode(const struct muxcap_record *r, uint8_t buf[MUXCAP_RECORD_SIZE],
                         const char **reterr_reason);

/* Sets one field from text. @key is a JSON key ("revision", "encapsulation", "support_ipv4",
 * "support_ipv6", "support_ipv6_extension_headers", "support_sack", "congestion_algorithm",
 * "tcp_connection_offload_capacity", "flags"). Support fields take yes|no|1|0|true|false;
 * encapsulation takes flag names (null 802.3 802.3-pq 802.3-pq-oob llc-snap-routed) or a
 * number; numbers are decimal or 0x-hex. -ENOENT for an unknown key, -EINVAL or -ERANGE for a
 * bad value, with a reason. */
int muxcap_record_set_field(struct muxcap_record *r, const char *key, const char *value,
                            const char **reterr_reason);

/* 1 if the record describes a usable TCP chimney (802.3 or LLC/SNAP framing, IPv4 or IPv6,
 * capacity > 0), else 0. */
int muxcap_record_chimney_capable(const struct muxcap_record *r);

/* Formats encapsulation flags as names ("802.3 802.3-pq", "none", unknown bits in hex) into
 * @buf of @size bytes. Returns -ENOBUFS if it does not fit (64 bytes always do). */
int muxcap_encapsulation_format(uint32_t flags, char *buf, size_t size);

/* The NDIS name of a status code, or NULL if muxcap does not send it. */
const char *muxcap_status_code_to_string(uint32_t status_code);

/* Parses a record given as hex (optional 0x prefix; spaces or colons between bytes allowed)
 * and decodes it. -EBADMSG with a reason for bad hex or a malformed record. */
int muxcap_record_decode_hex(const char *hex, struct muxcap_record *ret,
                             const char **reterr_reason);

/*
 * The task-offload record (since libmuxcap 1.1, version node MUXCAP_1.1): Windows' NDIS_OFFLOAD,
 * little-endian, 216 bytes at revision 6. It has about a hundred fields (checksum, LSO v1/v2,
 * IPsec v1/v2, RSC, GRE and VXLAN encapsulated offloads, 464XLAT, UDP segmentation), so they
 * are held by index rather than by name: value[i] is field i, in the order of the NDIS layout,
 * which later revisions only extend (an index never changes meaning). Each field has a name,
 * the dotted NDIS member path ("LsoV2.IPv4.MaxOffLoadSize"), and a JSON key, its snake case
 * ("lso_v2_ipv4_max_offload_size"); muxcap_task_field_*() list them.
 */

#define MUXCAP_RECORD_TYPE_CONNECTION 0x80u     /* Header.Type of NDIS_TCP_CONNECTION_OFFLOAD */
#define MUXCAP_RECORD_TYPE_TASK 0xA7u           /* Header.Type of NDIS_OFFLOAD */

#define MUXCAP_TASK_RECORD_SIZE 216
#define MUXCAP_TASK_RECORD_REVISION 6
#define MUXCAP_TASK_FIELDS_MAX 128              /* room in value[]; muxcap_task_field_count() used */

#define MUXCAP_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES 0x40020007u /* NDIS_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES */
#define MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG 0x40020006u        /* NDIS_STATUS_TASK_OFFLOAD_CURRENT_CONFIG */

struct muxcap_task_record {
        uint8_t revision;
        uint32_t value[MUXCAP_TASK_FIELDS_MAX];  /* entries past muxcap_task_field_count() are 0 */
};

/* How many fields the record has, and field @i's names (NULL past the count). */
size_t muxcap_task_field_count(void);
const char *muxcap_task_field_name(size_t i);   /* "LsoV2.IPv4.MaxOffLoadSize" */
const char *muxcap_task_field_json(size_t i);   /* "lso_v2_ipv4_max_offload_size" */

/* The index of the field whose JSON key or dotted name is @key; -ENOENT if none. */
int muxcap_task_field_lookup(const char *key);

/* Sets @r to revision 6 with every field 0. */
void muxcap_task_record_init(struct muxcap_task_record *r);

/* Reads a record from @size bytes at @buf. Accepts it only if it holds at least the 4-byte
 * header, Type is 0xA7, Revision is not 0, and Size is at least its revision's size (R1 112,
 * R2 144, R3 156, R4 177, R5 188, R6 and later 216) and at most @size; fields past Size read
 * as 0, bytes past 216 are ignored. -EBADMSG otherwise, with a reason naming the check. */
int muxcap_task_record_decode(const void *buf, size_t size, struct muxcap_task_record *ret,
                              const char **reterr_reason);

/* Writes @r as 216 bytes (Size 216, @r's revision). -ERANGE, with a reason, when the revision
 * is 0 or a value does not fit in its field's bits. */
int muxcap_task_record_encode(const struct muxcap_task_record *r,
                              uint8_t buf[MUXCAP_TASK_RECORD_SIZE], const char **reterr_reason);

/* Sets one field from text. @key is "revision", a JSON key or a dotted name. Support values
 * and booleans take yes|no|1|0|true|false; encapsulations take the names of
 * muxcap_encapsulation_format(); tunnel masks inner-ipv4 outer-ipv4 inner-ipv6 outer-ipv6;
 * EncapsulationTypes gre-mac vxlan; any mask also a number; numbers are decimal or 0x-hex.
 * -ENOENT for an unknown key, -EINVAL or -ERANGE for a bad value, with a reason. */
int muxcap_task_record_set_field(struct muxcap_task_record *r, const char *key,
                                 const char *value, const char **reterr_reason);

/* The value of the field named @key (JSON key or dotted name). -ENOENT if none. */
int muxcap_task_record_get(const struct muxcap_task_record *r, const char *key, uint32_t *ret);

/* Formats field @i's value as text ("yes", "802.3 802.3-pq", "outer-ipv4 outer-ipv6",
 * "65536") into @buf. -EINVAL past the count, -ENOBUFS if it does not fit (128 bytes do). */
int muxcap_task_record_format_field(const struct muxcap_task_record *r, size_t i, char *buf,
                                    size_t size);

/* Parses a task record given as hex (as muxcap_record_decode_hex()) and decodes it. */
int muxcap_task_record_decode_hex(const char *hex, struct muxcap_task_record *ret,
                                  const char **reterr_reason);

/* Parses hex (optional 0x prefix; spaces or colons between bytes allowed) into at most @size
 * bytes at @buf, their count in *ret_len. -EBADMSG with a reason for bad hex, -EMSGSIZE when
 * it is longer than @size. */
int muxcap_hex_decode(const char *hex, uint8_t *buf, size_t size, size_t *ret_len,
                      const char **reterr_reason);

/* Which record @buf holds, by Header.Type: MUXCAP_RECORD_TYPE_CONNECTION or
 * MUXCAP_RECORD_TYPE_TASK (not yet validated: decode it). -EBADMSG for an empty buffer or
 * another type. */
int muxcap_record_type(const void *buf, size_t size);

/*
 * The client: a connection to muxcapd over D-Bus (bus name org.muxcap.MuxCap1).
 *
 * A client is event-loop agnostic. Put muxcap_client_get_fd() into your poll set with the
 * events muxcap_client_get_events() asks for and the timeout muxcap_client_get_timeout() gives,
 * and call muxcap_client_dispatch() whenever it fires (or the timeout passes). Programs without
 * a loop of their own call muxcap_client_run(). Callbacks run only from inside
 * muxcap_client_dispatch() or muxcap_client_run(), in the caller's thread.
 *
 * A client is not thread-safe: use it from one thread at a time. Two clients in one process
 * are independent.
 *
 * Errors common to the functions that talk to muxcapd:
 *   -ENOENT        the daemon has no MUX (or NIC) of that name
 *   -EHOSTDOWN     muxcapd is not running on that bus (nobody owns org.muxcap.MuxCap1)
 *   -ECONNRESET    the connection to the bus was lost; the client is unusable, unref it
 *   -ETIMEDOUT     muxcapd did not answer in time (25 s)
 *   -EACCES        the bus policy or the daemon refused the call
 *                  (muxcap_client_get_error_message() says which, and which method)
 *   -EBADMSG       muxcapd answered something malformed
 *   -EIO           any other error from the bus or the daemon
 *   -ENOMEM        out of memory
 */

struct muxcap_client;

enum muxcap_event_kind {
        /* The current state of a MUX, fetched after muxcap_client_subscribe() and again after
         * muxcapd restarts: one event per record (hardware, then current config). */
        MUXCAP_EVENT_STATE = 1,
        /* A StatusIndication signal, newer than everything delivered before for its MUX and
         * status code (older and repeated generations are dropped). */
        MUXCAP_EVENT_INDICATION = 2,
        /* A MUX appeared; its first indications (generation 1) follow. */
        MUXCAP_EVENT_MUX_ADDED = 3,
        /* A MUX went away; if it comes back its generations start again at 1. */
        MUXCAP_EVENT_MUX_REMOVED = 4,
        /* A muxcapd instance was found (at subscription, or after a restart): generations
         * start again, and the instance's current state follows as MUXCAP_EVENT_STATE. */
        MUXCAP_EVENT_DAEMON_APPEARED = 5,
        /* muxcapd is not running (any more). The subscription stays: when it comes back you
         * get MUXCAP_EVENT_DAEMON_APPEARED and its state. */
        MUXCAP_EVENT_DAEMON_GONE = 6,
        /* The bus connection was lost. Nothing more will be delivered; unref the client. */
        MUXCAP_EVENT_DISCONNECTED = 7,
        /* A MUX's Members or CapacityPolicy changed: read them again with
         * muxcap_client_get_mux_info(). Delivered only to subscriptions made with
         * MUXCAP_SUBSCRIBE_MUX_CHANGES (since MUXCAP_1.1), for every PropertiesChanged of the
         * MUX that changes or invalidates either (muxcapd invalidates Members rather than
         * sending the list). A subscriber that re-reads after every such event holds the
         * correct member list, without races: muxcapd's signals and replies reach the client
         * in the order they were sent, so any change after the daemon answered a re-read
         * brings another MUX_CHANGED. The list read may be newer than the event (muxcapd
         * answers with its live list, inside a coalescing window too); a change it already
         * shows may then bring one more event, whose re-read returns the same list. */
        MUXCAP_EVENT_MUX_CHANGED = 8,
};

/* What a subscription callback receives. Every pointer is borrowed: valid only during the
 * callback. Fields that do not apply to the kind are NULL or 0. */
struct muxcap_event {
        enum muxcap_event_kind kind;
        const char *mux;                        /* STATE, INDICATION, MUX_ADDED, MUX_REMOVED */
        uint32_t status_code;                   /* STATE, INDICATION: MUXCAP_STATUS_* */
        uint64_t generation;                    /* STATE, INDICATION */
        const struct muxcap_record *record;     /* STATE, INDICATION; NULL if malformed */
        const uint8_t *buffer;                  /* STATE, INDICATION: the record as sent */
        size_t buffer_size;
};

typedef void (*muxcap_event_cb)(struct muxcap_client *c, const struct muxcap_event *event,
                                void *userdata);

/* The name of an event kind ("state", "indication", "mux-added", "mux-removed",
 * "daemon-appeared", "daemon-gone", "disconnected", "mux-changed"), or NULL. */
const char *muxcap_event_kind_to_string(enum muxcap_event_kind kind);

/* Connects to @bus: NULL or "system" for the system bus, "session" for the session bus, or a
 * D-Bus address such as "unix:path=/run/x". Blocks until the bus has accepted the
 * connection. Does not need muxcapd to be running. -ECONNREFUSED if the bus cannot be
 * reached, -EINVAL for a malformed address. On success *ret is a new client; free it with
 * muxcap_client_unref(). */
int muxcap_client_new(struct muxcap_client **ret, const char *bus);

/* Closes the connection and frees the client. Accepts NULL; returns NULL. Must not be called
 * from one of the client's own callbacks. */
struct muxcap_client *muxcap_client_unref(struct muxcap_client *c);

/* The last failed call to muxcapd, in words for people: what refused it and which D-Bus
 * method, such as "access denied by the bus policy: GetRecord", "access denied by muxcapd:
 * Resync: Resync() is for root only" or "GetMux: no MUX named 'x'". "" after a call that
 * succeeded or failed before reaching the bus. Valid until the next call on @c. Since 1.2. */
const char *muxcap_client_get_error_message(const struct muxcap_client *c);

/* The file descriptor to poll. Stays the same for the client's lifetime. */
int muxcap_client_get_fd(struct muxcap_client *c);

/* The poll(2) events to wait for on the fd now (POLLIN, and POLLOUT while there is something
 * to send); ask again before every poll. -ENOTCONN once disconnected. */
int muxcap_client_get_events(struct muxcap_client *c);

/* The longest time, in milliseconds, to wait before calling muxcap_client_dispatch() even if
 * the fd is quiet: 0 when messages are already queued, -1 when there is no deadline. Ask again
 * before every poll. */
int muxcap_client_get_timeout(struct muxcap_client *c, int *ret_timeout_ms);

/* Does what can be done without blocking: reads what the fd has, writes what is queued,
 * handles expired timeouts, and calls the subscription callbacks for every message read.
 * Returns 0, or -ECONNRESET once the connection is lost (after MUXCAP_EVENT_DISCONNECTED). */
int muxcap_client_dispatch(struct muxcap_client *c);

/* Polls and dispatches until muxcap_client_stop() is called (returns 0) or the connection is
 * lost (returns -ECONNRESET). Signals interrupting poll are retried. */
int muxcap_client_run(struct muxcap_client *c);

/* Makes muxcap_client_run() return 0 after the current dispatch. Call it from a callback or
 * from the same thread between iterations; it is not async-signal-safe. */
int muxcap_client_stop(struct muxcap_client *c);

/* Subscribes @callback to one MUX (@mux) or to all (@mux NULL). Does not block: the library
 * first adds its match rules (StatusIndication, InterfacesAdded/Removed, NameOwnerChanged
 * of org.muxcap.MuxCap1), then asks muxcapd for its state. When the answer arrives it delivers
 * MUXCAP_EVENT_DAEMON_APPEARED and, per MUX (sorted by name), MUXCAP_EVENT_STATE for the
 * hardware record then for the current config, both with the MUX's generation; then the
 * indications in the order sent, minus any whose generation is not newer than the last one
 * delivered for the same MUX and status code (signals that raced the state query are held
 * back and checked against it). If muxcapd is not running, MUXCAP_EVENT_DAEMON_GONE is
 * delivered and the subscription waits for it. When muxcapd restarts (a new owner of the bus
 * name, or a new InstanceId) the generations are forgotten and the state is delivered again.
 * Each subscription has its own filter, so two subscriptions see the same events. */
int muxcap_client_subscribe(struct muxcap_client *c, const char *mux, muxcap_event_cb callback,
                            void *userdata);

/* Flags of muxcap_client_subscribe_flags(). */
#define MUXCAP_SUBSCRIBE_MUX_CHANGES 0x1u       /* also deliver MUXCAP_EVENT_MUX_CHANGED */
/* Deliver the task-offload records too (status codes MUXCAP_STATUS_TASK_OFFLOAD_*), in their
 * state events and indications. Their events have .record NULL: decode .buffer with
 * muxcap_task_record_decode(). The state of a MUX then comes as up to four
 * MUXCAP_EVENT_STATE events, in indication order (0x4002000B, 0x40020003, 0x40020007,
 * 0x40020006), all with its one generation. muxcap_client_subscribe() never delivers them, so
 * a program written for 1.0 sees the two codes it knows. */
#define MUXCAP_SUBSCRIBE_TASK_OFFLOAD 0x2u

/* muxcap_client_subscribe() with @flags (MUXCAP_SUBSCRIBE_*; unknown bits are -EINVAL).
 * Since MUXCAP_1.1. */
int muxcap_client_subscribe_flags(struct muxcap_client *c, const char *mux, uint32_t flags,
                                  muxcap_event_cb callback, void *userdata);

/* Removes the first subscription with the same @mux (NULL matching NULL), @callback and
 * @userdata; no further events reach it, even from the dispatch in progress. -ENOENT if there
 * is none. May be called from a callback. */
int muxcap_client_unsubscribe(struct muxcap_client *c, const char *mux, muxcap_event_cb callback,
                              void *userdata);

/*
 * Synchronous getters. They block until muxcapd answers (at most 25 s). Signals that arrive
 * meanwhile are queued and delivered by the next muxcap_client_dispatch() (the timeout is then
 * 0), in order. They may be called from a callback.
 */

/* One MUX's records and generation, from a single answer of the daemon, so they belong
 * together: with @ret_current NULL it calls GetHardwareCapabilities (generation and hardware
 * record), otherwise Properties.GetAll (generation and both records). Any of the ret_
 * pointers may be NULL. -ENOENT if muxcapd has no MUX called @name. */
int muxcap_client_get_mux(struct muxcap_client *c, const char *name,
                          struct muxcap_record *ret_hw, struct muxcap_record *ret_current,
                          uint64_t *ret_generation);

/* One NIC's records. -ENOENT if muxcapd has no NIC called @name. */
int muxcap_client_get_nic(struct muxcap_client *c, const char *name,
                          struct muxcap_record *ret_hw, struct muxcap_record *ret_current);

/* A MUX as muxcapd publishes it. */
struct muxcap_mux_info {
        char *name;
        char *kind;                     /* bond, team, bridge, other link kind, or declared */
        int32_t ifindex;                /* 0 for a declared MUX */
        char **members;                 /* NULL-terminated member names (NICs or MUXes),
                                         * sorted; see MUXCAP_EVENT_MUX_CHANGED */
        char *capacity_policy;          /* min or sum */
        uint64_t generation;
        struct muxcap_record hardware;
        struct muxcap_record current;
};

/* Frees @info and everything it points to. Accepts NULL; returns NULL. */
struct muxcap_mux_info *muxcap_mux_info_free(struct muxcap_mux_info *info);

/* Frees a NULL-terminated list from muxcap_client_list_muxes(). Accepts NULL; returns NULL. */
struct muxcap_mux_info **muxcap_mux_info_list_free(struct muxcap_mux_info **list);

/* One MUX's published properties, from a single answer. -ENOENT if there is no such MUX. On
 * success *ret is new; free it with muxcap_mux_info_free(). */
int muxcap_client_get_mux_info(struct muxcap_client *c, const char *name,
                               struct muxcap_mux_info **ret);

/* Every MUX, sorted by name, from one GetManagedObjects answer. On success *ret is a new
 * NULL-terminated array (possibly empty); free it with muxcap_mux_info_list_free(). */
int muxcap_client_list_muxes(struct muxcap_client *c, struct muxcap_mux_info ***ret);

/* One line of Explain(): the aggregated value of a field, the member that limits it and where
 * that member's value came from. */
struct muxcap_explanation {
        char *field;                    /* D-Bus property name, e.g. "SupportIPv4" */
        char *value;                    /* the aggregated value, as text */
        char *member;                   /* "" when no member limits it */
        char *source;                   /* kernel, udev, config, or "" */
};

/* Frees an array of @n explanations. Accepts NULL; returns NULL. */
struct muxcap_explanation *muxcap_explanations_free(struct muxcap_explanation *e, size_t n);

/* Asks muxcapd which member and which source limit each field of MUX @name. Accepts the reply
 * as a(sss) (field, value, "member source") and as a(ssss) (field, value, member, source). On
 * success *ret is a new array of *ret_n entries; free it with muxcap_explanations_free(). */
int muxcap_client_explain(struct muxcap_client *c, const char *name,
                          struct muxcap_explanation **ret, size_t *ret_n);

/*
 * Since libmuxcap 1.1 (MUXCAP_1.1): the task-offload records.
 */

/* One of MUX @name's four records with its generation, from one answer (GetRecord): the raw
 * bytes into @buf (256 bytes always do), their count in *ret_size. -EINVAL (the daemon's
 * InvalidArgs, as -EIO) for another status code, -ENOBUFS when @size is too small. */
int muxcap_client_get_record(struct muxcap_client *c, const char *name, uint32_t status_code,
                             uint64_t *ret_generation, uint8_t *buf, size_t size, size_t *ret_size);

/* NIC @name's two task-offload records. -ENOENT if there is no such NIC. */
int muxcap_client_get_nic_task(struct muxcap_client *c, const char *name,
                               struct muxcap_task_record *ret_hw,
                               struct muxcap_task_record *ret_current);

/* muxcap_client_explain() for the record of any status code: each field (the task-offload
 * record's by dotted name), its aggregate, the member that limits it and that member's
 * source. */
int muxcap_client_explain_record(struct muxcap_client *c, const char *name, uint32_t status_code,
                                 struct muxcap_explanation **ret, size_t *ret_n);

/* Where a kernel MUX's own device advertises more than its members have: the kernel ORs into
 * a bridge or bond the offloads software GSO can emulate (an empty bridge has
 * tx-udp-segmentation), so the device's features are not its members' hardware truth. */
struct muxcap_advertised {
        char *field;                    /* the task-offload field's dotted name */
        char *advertised;               /* the MUX device's own value, decimal */
        char *aggregate;                /* the members' aggregate, decimal */
        char *member;                   /* the first member that lacks it; "" with no members */
};

/* Frees an array of @n entries. Accepts NULL; returns NULL. */
struct muxcap_advertised *muxcap_advertised_free(struct muxcap_advertised *a, size_t n);

/* Every task-offload hardware field where MUX @name's device advertises more than the
 * aggregate of its members (none for a declared MUX). On success *ret is a new array of
 * *ret_n entries; free it with muxcap_advertised_free(). */
int muxcap_client_explain_advertised(struct muxcap_client *c, const char *name,
                                     struct muxcap_advertised **ret, size_t *ret_n);

/*
 * Since libmuxcap 1.3 (MUXCAP_1.3): what a NIC's fields come from, and the root-only methods.
 */

/* NIC @name's Sources: for each field of its hardware records (the connection record's by
 * D-Bus property name, then the task-offload record's by dotted name), the source of its
 * value (kernel, udev or config) in .source; .member is @name, .value "". On
 * success *ret is a new array of *ret_n entries; free it with muxcap_explanations_free().
 * -ENOENT if there is no such NIC. */
int muxcap_client_get_nic_sources(struct muxcap_client *c, const char *name,
                                  struct muxcap_explanation **ret, size_t *ret_n);

/* Resync(): muxcapd reads every device again. Reload(): it reads its config file again. Both
 * are for root: -EACCES otherwise (muxcap_client_get_error_message() says who refused). */
int muxcap_client_resync(struct muxcap_client *c);
int muxcap_client_reload(struct muxcap_client *c);

#ifdef __cplusplus
}
#endif

#endif
