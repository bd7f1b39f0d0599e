/* SPDX-License-Identifier: MIT */
/* Fuzz target: the NDIS_OFFLOAD decoder (schema_task_offload) on any bytes, the encoder on any
 * values, and the round trip
 *
 * The input is read twice: as wire bytes (decode must accept exactly what SPEC 12 accepts, read
 * each field from its bits when it ends within Size and as zero otherwise, and re-encoding
 * gives back a record that decodes to the same values), and as the values of a RecordValue
 * (encode refuses exactly the values wider than their bits, and what it writes decodes back). */

#include <errno.h>

#include "fuzz.h"
#include "schema-task.h"
#include "schemas.h"

#define TASK (&schema_task_offload)

static uint32_t load(const uint8_t *p, unsigned width) {
        uint32_t v = 0;

        for (unsigned i = 0; i < width; i++)
                v |= (uint32_t) p[i] << (8 * i);
        return v;
}

static void fuzz_decode(const uint8_t *data, size_t size) {
        static const uint16_t min[] = { 112, 144, 156, 177, 188, 216, 216 };
        const char *reason = NULL;
        RecordValue v, again, sentinel;
        uint8_t out[TASK_RECORD_SIZE];
        size_t header_size = size >= 4 ? (size_t) (data[2] | data[3] << 8) : 0;
        bool accept;
        int r;

        value_init(&sentinel, TASK);
        sentinel.revision = 0;
        sentinel.v[1] = 0xdeadbeef;
        v = sentinel;
        /* SPEC 12, literally. */
        accept = size >= 4 && data[0] == 0xA7 && data[1] != 0 &&
                 header_size >= min[data[1] <= 7 ? data[1] - 1 : 6] && header_size <= size;

        r = schema_decode(TASK, data, size, &v, &reason);
        if (r < 0) {
                fuzz_check(r == -EBADMSG);
                fuzz_check(!accept);
                fuzz_check(reason && *reason);
                fuzz_check(value_equal(&v, &sentinel));
                return;
        }
        fuzz_check(r == 0 && accept && reason == NULL);
        fuzz_check(v.revision == data[1] && v.schema == TASK);
        for (size_t i = 0; i < TASK->n_fields; i++) {
                const FieldDesc *d = &TASK->fields[i];
                uint32_t want = 0;

                if ((size_t) d->offset + d->width <= header_size)
                        want = load(data + d->offset, d->width) >> d->shift &
                               schema_field_wire_max(TASK, i);
                fuzz_check(v.v[i] == want);
        }

        /* Whatever decodes fits its bits, so it encodes; and decodes back the same. */
        r = schema_encode(&v, out, sizeof(out), &reason);
        fuzz_check(r == 0);
        fuzz_check(out[0] == 0xA7 && out[1] == data[1] && out[2] == 216 && out[3] == 0);
        r = schema_decode(TASK, out, sizeof(out), &again, NULL);
        fuzz_check(r == 0 && value_equal(&v, &again));
        /* Over what both Sizes cover, the bytes agree wherever a field owns the bits. */
        for (size_t i = 0; i < TASK->n_fields; i++) {
                const FieldDesc *d = &TASK->fields[i];
                uint32_t mask = schema_field_wire_max(TASK, i) << d->shift;

                if ((size_t) d->offset + d->width <= header_size)
                        fuzz_check((load(out + d->offset, d->width) & mask) ==
                                   (load(data + d->offset, d->width) & mask));
        }
}

static void fuzz_encode(const uint8_t *data, size_t size) {
        uint8_t out[TASK_RECORD_SIZE];
        const char *reason = NULL;
        RecordValue v, back;
        bool fits;
        int r;

        value_init(&v, TASK);
        v.revision = size > 0 ? data[0] : 0;
        fits = v.revision != 0;
        /* Field i takes 4 input bytes from 1 + 4 i, wrapping around; a short input gives 0s. */
        for (size_t i = 0; i < TASK->n_fields && size > 1; i++) {
                uint8_t w[4];

                for (size_t k = 0; k < 4; k++)
                        w[k] = data[1 + (4 * i + k) % (size - 1)];
                v.v[i] = load(w, 4);
                /* Mostly values that fit, so the round trip is exercised too. */
                if (!(w[0] & 0x80))
                        v.v[i] &= schema_field_wire_max(TASK, i);
                if (v.v[i] > schema_field_wire_max(TASK, i))
                        fits = false;
        }
        memset(out, 0xa5, sizeof(out));
        r = schema_encode(&v, out, sizeof(out), &reason);
        if (r < 0) {
                fuzz_check(r == -ERANGE && !fits && reason && *reason);
                for (size_t i = 0; i < sizeof(out); i++)
                        fuzz_check(out[i] == 0xa5);
                return;
        }
        fuzz_check(r == 0 && fits);
        r = schema_decode(TASK, out, sizeof(out), &back, &reason);
        fuzz_check(r == 0 && value_equal(&v, &back));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        fuzz_decode(data, size);
        fuzz_encode(data, size);
        return 0;
}
