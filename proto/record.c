/* SPDX-License-Identifier: MIT */
/* Wire codec of the capability record (NDIS_TCP_CONNECTION_OFFLOAD, NDIS 6.1)
 *
 *   0       1        2                 4                                   8
 *   +-------+--------+-----------------+-----------------------------------+
 *   | Type  |Revision| Size (u16 LE)   | Encapsulation (u32 LE)            |
 *   | 0x80  | >= 1   | >= 20, <= len   | NULL 0x1, 802_3 0x2, P_AND_Q 0x4, |
 *   |       |        |                 | P_AND_Q_IN_OOB 0x8, LLC_SNAP 0x10 |
 *   +-------+--------+-----------------+-----------------------------------+
 *   8                                   12                                 16
 *   +-----------------------------------+----------------------------------+
 *   | bit word (u32 LE)                 | TcpConnectionOffloadCapacity     |
 *   |  bits  0-1  SupportIPv4           | (u32 LE)                         |
 *   |  bits  2-3  SupportIPv6           |                                  |
 *   |  bits  4-5  SupportIPv6ExtHeaders |                                  |
 *   |  bits  6-7  SupportSack           |                                  |
 *   |  bits  8-11 CongestionAlgorithm   |                                  |
 *   |  bits 12-31 zero on write, ignored on read                           |
 *   +-----------------------------------+----------------------------------+
 *   16                                  20
 *   +-----------------------------------+ . . . . . . . . . . . . . . . .
 *   | Flags (u32 LE, reserved, kept)    |  bytes a later revision appends:
 *   +-----------------------------------+  ignored on read
 *
 * Every multi-byte field is little-endian and assembled byte by byte: no casts of the
 * buffer, no bitfields, so the code is the same on every host.
 */

#include <errno.h>
#include <string.h>

#include "record.h"

#define SHIFT_IPV4 0
#define SHIFT_IPV6 2
#define SHIFT_IPV6_EXT 4
#define SHIFT_SACK 6
#define SHIFT_CONGESTION 8
#define MASK_SUPPORT UINT32_C(0x3)
#define MASK_CONGESTION UINT32_C(0xF)

static inline uint16_t load_le16(const uint8_t p[static 2]) {
        return (uint16_t) (p[0] | (uint16_t) p[1] << 8);
}

static inline uint32_t load_le32(const uint8_t p[static 4]) {
        return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 |
               (uint32_t) p[3] << 24;
}

static inline void store_le16(uint8_t p[static 2], uint16_t v) {
        p[0] = (uint8_t) v;
        p[1] = (uint8_t) (v >> 8);
}

static inline void store_le32(uint8_t p[static 4], uint32_t v) {
        p[0] = (uint8_t) v;
        p[1] = (uint8_t) (v >> 8);
        p[2] = (uint8_t) (v >> 16);
        p[3] = (uint8_t) (v >> 24);
}

/* Writes @r as 20 bytes into @ret_buf. Refuses (-ERANGE) a revision of 0 and any field
 * wider than its bits, naming the field in @reterr_reason; @ret_buf is untouched then. */
int record_encode(const Record *r, uint8_t ret_buf[static RECORD_SIZE], const char **reterr_reason) {
        const char *reason = NULL;

        if (r->revision == 0)
                reason = "revision must not be 0";
        else if (r->support_ipv4 > SUPPORT_MAX)
                reason = "support_ipv4 does not fit in 2 bits";
        else if (r->support_ipv6 > SUPPORT_MAX)
                reason = "support_ipv6 does not fit in 2 bits";
        else if (r->support_ipv6_extension_headers > SUPPORT_MAX)
                reason = "support_ipv6_extension_headers does not fit in 2 bits";
        else if (r->support_sack > SUPPORT_MAX)
                reason = "support_sack does not fit in 2 bits";
        else if (r->congestion_algorithm > CONGESTION_ALGORITHM_MAX)
                reason = "congestion_algorithm does not fit in 4 bits";
        if (reason) {
                if (reterr_reason)
                        *reterr_reason = reason;
                return -ERANGE;
        }

        uint32_t bits = (uint32_t) r->support_ipv4 << SHIFT_IPV4 |
                        (uint32_t) r->support_ipv6 << SHIFT_IPV6 |
                        (uint32_t) r->support_ipv6_extension_headers << SHIFT_IPV6_EXT |
                        (uint32_t) r->support_sack << SHIFT_SACK |
                        (uint32_t) r->congestion_algorithm << SHIFT_CONGESTION;

        ret_buf[0] = RECORD_TYPE;
        ret_buf[1] = r->revision;
        store_le16(ret_buf + 2, RECORD_SIZE);
        store_le32(ret_buf + 4, r->encapsulation);
        store_le32(ret_buf + 8, bits);
        store_le32(ret_buf + 12, r->tcp_connection_offload_capacity);
        store_le32(ret_buf + 16, r->flags);
        return 0;
}

/* Reads a record from @buf. Returns -EBADMSG, with the failed check in @reterr_reason, unless
 * the buffer holds at least 20 bytes, Type is 0x80, Revision is not 0 and Size is within
 * [20, @size]. Bytes past 20 and bits 12-31 of the bit word are ignored. */
int record_decode(const uint8_t *buf, size_t size, Record *ret, const char **reterr_reason) {
        const char *reason = NULL;
        uint16_t header_size = 0;

        if (!buf || size < RECORD_SIZE)
                reason = "record is shorter than 20 bytes";
        else if (buf[0] != RECORD_TYPE)
                reason = "Header.Type is not NDIS_OBJECT_TYPE_DEFAULT (0x80)";
        else if (buf[1] == 0)
                reason = "Header.Revision is 0";
        else if ((header_size = load_le16(buf + 2)) < RECORD_SIZE)
                reason = "Header.Size is smaller than 20";
        else if (header_size > size)
                reason = "Header.Size is larger than the buffer";
        if (reason) {
                if (reterr_reason)
                        *reterr_reason = reason;
                return -EBADMSG;
        }

        uint32_t bits = load_le32(buf + 8);
        *ret = (Record) {
                .revision = buf[1],
                .encapsulation = load_le32(buf + 4),
                .support_ipv4 = (uint8_t) (bits >> SHIFT_IPV4 & MASK_SUPPORT),
                .support_ipv6 = (uint8_t) (bits >> SHIFT_IPV6 & MASK_SUPPORT),
                .support_ipv6_extension_headers = (uint8_t) (bits >> SHIFT_IPV6_EXT & MASK_SUPPORT),
                .support_sack = (uint8_t) (bits >> SHIFT_SACK & MASK_SUPPORT),
                .congestion_algorithm = (uint8_t) (bits >> SHIFT_CONGESTION & MASK_CONGESTION),
                .tcp_connection_offload_capacity = load_le32(buf + 12),
                .flags = load_le32(buf + 16),
        };
        return 0;
}

/* Field-wise equality (a struct may have padding, so no memcmp). */
bool record_equal(const Record *a, const Record *b) {
        return a->revision == b->revision &&
               a->encapsulation == b->encapsulation &&
               a->support_ipv4 == b->support_ipv4 &&
               a->support_ipv6 == b->support_ipv6 &&
               a->support_ipv6_extension_headers == b->support_ipv6_extension_headers &&
               a->support_sack == b->support_sack &&
               a->congestion_algorithm == b->congestion_algorithm &&
               a->tcp_connection_offload_capacity == b->tcp_connection_offload_capacity &&
               a->flags == b->flags;
}

/* SPEC 3: 802.3 or LLC/SNAP routed framing, IPv4 or IPv6, and room for one connection. */
bool record_chimney_capable(const Record *r) {
        return (r->encapsulation & (ENCAP_IEEE_802_3 | ENCAP_IEEE_LLC_SNAP_ROUTED)) != 0 &&
               (r->support_ipv4 == 1 || r->support_ipv6 == 1) &&
               r->tcp_connection_offload_capacity > 0;
}

/* The NDIS name of a status code muxcap sends, NULL for any other. */
const char *status_code_to_string(uint32_t code) {
        switch (code) {
        case STATUS_HARDWARE_CAPABILITIES:
                return "NDIS_STATUS_TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES";
        case STATUS_OFFLOAD_RESUME:
                return "NDIS_STATUS_OFFLOAD_RESUME";
        default:
                return NULL;
        }
}
