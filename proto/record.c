/* SPDX-License-Identifier: MIT */
/* The connection record's typed view (Record, struct muxcap_record's twin) over the generic
 * codec: the layout itself is the table in schema-tcp.c */

#include <errno.h>
#include <string.h>

#include "field.h"
#include "record.h"
#include "schema-task.h"
#include "schemas.h"

/* Writes @r as 20 bytes into @ret_buf. Refuses (-ERANGE) a revision of 0 and any field
 * wider than its bits, naming the field in @reterr_reason; @ret_buf is untouched then. */
int record_encode(const Record *r, uint8_t ret_buf[static RECORD_SIZE], const char **reterr_reason) {
        RecordValue v;

        record_to_value(r, &v);
        return schema_encode(&v, ret_buf, RECORD_SIZE, reterr_reason);
}

/* Reads a record from @buf. Returns -EBADMSG, with the failed check in @reterr_reason, unless
 * the buffer holds at least 20 bytes, Type is 0x80, Revision is not 0 and Size is within
 * [20, @size]. Bytes past 20 and bits 12-31 of the bit word are ignored. */
int record_decode(const uint8_t *buf, size_t size, Record *ret, const char **reterr_reason) {
        RecordValue v;
        int r;

        r = schema_decode(&schema_tcp_connection_offload, buf, size, &v, reterr_reason);
        if (r < 0)
                return r;
        record_from_value(&v, ret);
        return 0;
}

/* Field-wise equality (a struct may have padding, so no memcmp). */
bool record_equal(const Record *a, const Record *b) {
        if (a->revision != b->revision)
                return false;
        for (Field f = 0; f < _FIELD_MAX; f++)
                if (record_get(a, f) != record_get(b, f))
                        return false;
        return true;
}

/* SPEC 3: 802.3 or LLC/SNAP routed framing, IPv4 or IPv6, and room for one connection. */
bool value_chimney_capable(const RecordValue *v) {
        if (v->schema != &schema_tcp_connection_offload)
                return false;
        return (v->v[FIELD_ENCAPSULATION] & (ENCAP_IEEE_802_3 | ENCAP_IEEE_LLC_SNAP_ROUTED)) != 0 &&
               (v->v[FIELD_SUPPORT_IPV4] == 1 || v->v[FIELD_SUPPORT_IPV6] == 1) &&
               v->v[FIELD_TCP_CONNECTION_OFFLOAD_CAPACITY] > 0;
}

bool record_chimney_capable(const Record *r) {
        RecordValue v;

        record_to_value(r, &v);
        return value_chimney_capable(&v);
}

/* The NDIS name of a status code muxcap sends, NULL for any other. */
const char *status_code_to_string(uint32_t code) {
        switch (code) {
        case STATUS_HARDWARE_CAPABILITIES:
                return "NDIS_STATUS_TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES";
        case STATUS_OFFLOAD_RESUME:
                return "NDIS_STATUS_OFFLOAD_RESUME";
        case STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES:
                return "NDIS_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES";
        case STATUS_TASK_OFFLOAD_CURRENT_CONFIG:
                return "NDIS_STATUS_TASK_OFFLOAD_CURRENT_CONFIG";
        default:
                return NULL;
        }
}
