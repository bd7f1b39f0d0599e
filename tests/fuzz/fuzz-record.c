/* SPDX-License-Identifier: MIT */
/* Fuzz target: record_decode() on any bytes, record_encode() on any struct, and the round trip
 *
 * The input is read twice: as wire bytes (decode must accept exactly what SPEC 2 accepts,
 * and re-encoding reproduces the first 20 bytes minus what the decoder ignores), and as the
 * fields of a Record (encode refuses exactly the fields wider than their bits, and anything
 * it writes decodes back to the same record). */

#include <errno.h>

#include "field.h"
#include "fuzz.h"
#include "record.h"

static uint32_t le32(const uint8_t *p) {
        return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 |
               (uint32_t) p[3] << 24;
}

/* A record no decode can produce (revision 0), to see that failures leave it alone. */
static const Record sentinel = { .revision = 0, .encapsulation = 0xdeadbeef, .flags = 0x5a5a5a5a };

static void fuzz_decode(const uint8_t *data, size_t size) {
        const char *reason = NULL;
        Record rec = sentinel, again = sentinel;
        uint8_t out[RECORD_SIZE];
        bool accept;
        int r;

        /* SPEC 2, literally. */
        accept = size >= RECORD_SIZE && data[0] == RECORD_TYPE && data[1] != 0 &&
                 (size_t) (data[2] | data[3] << 8) >= RECORD_SIZE &&
                 (size_t) (data[2] | data[3] << 8) <= size;

        r = record_decode(data, size, &rec, &reason);
        if (r < 0) {
                fuzz_check(r == -EBADMSG);
                fuzz_check(!accept);
                fuzz_check(reason && *reason);
                fuzz_check(record_equal(&rec, &sentinel));
                /* The reason is optional. */
                fuzz_check(record_decode(data, size, &rec, NULL) == -EBADMSG);
                return;
        }
        fuzz_check(r == 0);
        fuzz_check(accept);
        fuzz_check(reason == NULL);
        fuzz_check(rec.revision == data[1]);
        fuzz_check(rec.encapsulation == le32(data + 4));
        fuzz_check(rec.tcp_connection_offload_capacity == le32(data + 12));
        fuzz_check(rec.flags == le32(data + 16));

        /* Whatever decodes fits its bits, so it encodes. */
        r = record_encode(&rec, out, &reason);
        fuzz_check(r == 0);
        fuzz_check(out[0] == RECORD_TYPE && out[1] == data[1]);
        fuzz_check(out[2] == RECORD_SIZE && out[3] == 0);
        fuzz_check(memcmp(out + 4, data + 4, 4) == 0);
        /* Bit word: bits 0-11 kept, 12-31 written as zero. */
        fuzz_check(le32(out + 8) == (le32(data + 8) & UINT32_C(0xfff)));
        fuzz_check(memcmp(out + 12, data + 12, 8) == 0);

        r = record_decode(out, sizeof(out), &again, NULL);
        fuzz_check(r == 0);
        fuzz_check(record_equal(&rec, &again));
        fuzz_check(record_equal(&again, &rec));

        /* Field table and record agree. */
        for (Field f = 0; f < _FIELD_MAX; f++) {
                Record copy = RECORD_EMPTY;

                fuzz_check(record_set(&copy, f, record_get(&rec, f)) == 0);
                fuzz_check(record_get(&copy, f) == record_get(&rec, f));
        }
        (void) record_chimney_capable(&rec);
}

static void fuzz_encode(const uint8_t *data, size_t size) {
        const char *reason = NULL;
        uint8_t out[RECORD_SIZE], in[20] = { 0 };
        Record rec, back = sentinel;
        bool fits;
        int r;

        memcpy(in, data, size < sizeof(in) ? size : sizeof(in));
        rec = (Record) {
                .revision = in[0],
                .encapsulation = le32(in + 1),
                .support_ipv4 = in[5],
                .support_ipv6 = in[6],
                .support_ipv6_extension_headers = in[7],
                .support_sack = in[8],
                .congestion_algorithm = in[9],
                .tcp_connection_offload_capacity = le32(in + 10),
                .flags = le32(in + 14),
        };
        fits = rec.revision != 0 && rec.support_ipv4 <= SUPPORT_MAX &&
               rec.support_ipv6 <= SUPPORT_MAX &&
               rec.support_ipv6_extension_headers <= SUPPORT_MAX &&
               rec.support_sack <= SUPPORT_MAX &&
               rec.congestion_algorithm <= CONGESTION_ALGORITHM_MAX;

        memset(out, 0xa5, sizeof(out));
        r = record_encode(&rec, out, &reason);
        if (r < 0) {
                fuzz_check(r == -ERANGE);
                fuzz_check(!fits);
                fuzz_check(reason && *reason);
                for (size_t i = 0; i < sizeof(out); i++)
                        fuzz_check(out[i] == 0xa5);
                return;
        }
        fuzz_check(r == 0 && fits);
        r = record_decode(out, sizeof(out), &back, &reason);
        fuzz_check(r == 0);
        fuzz_check(record_equal(&rec, &back));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        fuzz_decode(data, size);
        fuzz_encode(data, size);
        (void) status_code_to_string(size >= 4 ? le32(data) : 0);
        return 0;
}
