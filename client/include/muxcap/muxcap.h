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

#ifdef __cplusplus
}
#endif

#endif
