/* SPDX-License-Identifier: MIT */
/* Fuzz target: the value parsers behind udev properties, config keys and "muxcapctl encode"
 *
 * Input: the first byte picks the field (values past the last field test the refusal of an
 * invalid one), the rest is the value text. Checked:
 *  - field_parse_value() against the grammar of the field's kind; what it accepts fits the
 *    field (record_set() takes it), what it refuses leaves the output alone, with a reason;
 *  - the encapsulation round trip: format(parse(x)) parses back to the same flags, and so
 *    does format(v) for the input read as a number;
 *  - nic_compute_records() with the text as the field's MUXCAP_* property: the value is used
 *    (source udev) exactly when it parses, else the kernel's stays. */

#include <errno.h>
#include <stdbool.h>
#include <syslog.h>

#include "field.h"
#include "fuzz.h"
#include "log.h"
#include "nic.h"
#include "schemas.h"

/* Decimal or 0x-hex digits only, value up to @max: the documented number grammar. */
static int ref_number(const char *s, uint32_t max, uint32_t *ret) {
        bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
        const char *digits = hex ? s + 2 : s;
        size_t n = strlen(digits);
        uint64_t v = 0;

        if (n == 0 || strspn(digits, hex ? "0123456789abcdefABCDEF" : "0123456789") != n)
                return -EINVAL;
        for (const char *p = digits; *p; p++) {
                unsigned d = *p <= '9' ? (unsigned) (*p - '0') : (unsigned) ((*p | 0x20) - 'a' + 10);

                v = v * (hex ? 16 : 10) + d;
                if (v > max)
                        return -ERANGE;
        }
        *ret = (uint32_t) v;
        return 0;
}

static void check_encapsulation_round_trip(uint32_t flags) {
        _cleanup_free_ char *text = malloc(ENCAPSULATION_FORMAT_MAX);
        const char *reason = NULL;
        uint32_t back = ~flags;
        int r;

        if (!text)
                abort();
        encapsulation_format(flags, text);
        fuzz_check(strlen(text) < ENCAPSULATION_FORMAT_MAX);
        r = encapsulation_parse(text, &back, &reason);
        if (r < 0)
                fprintf(stderr, "format(0x%x) = '%s' does not parse back: %s\n", (unsigned) flags,
                        text, reason ? reason : "");
        fuzz_check(r == 0);
        fuzz_check(back == flags);
        fuzz_check(field_parse_value(FIELD_ENCAPSULATION, text, &back, NULL) == 0 && back == flags);
}

static void check_parse(Field f, const char *s) {
        const char *reason = NULL;
        uint32_t v = 0xa5a5a5a5, want = 0;
        int r, want_r;
        Record rec = RECORD_EMPTY;

        r = field_parse_value(f, s, &v, &reason);
        if (f < 0 || f >= _FIELD_MAX) {
                fuzz_check(r == -EINVAL && v == 0xa5a5a5a5);
                return;
        }
        if (r < 0) {
                fuzz_check(r == -EINVAL || r == -ERANGE);
                fuzz_check(reason && *reason);
                fuzz_check(v == 0xa5a5a5a5);
        } else {
                fuzz_check(r == 0);
                fuzz_check(v <= field_max(f));
                fuzz_check(record_set(&rec, f, v) == 0);
                fuzz_check(record_get(&rec, f) == v);
        }

        switch (field_kind(f)) {
        case FIELD_KIND_SUPPORT:
                want_r = streq(s, "yes") || streq(s, "1") || streq(s, "true") ? 1
                       : streq(s, "no") || streq(s, "0") || streq(s, "false") ? 0 : -EINVAL;
                fuzz_check(want_r < 0 ? r == -EINVAL : (r == 0 && v == (uint32_t) want_r));
                break;
        case FIELD_KIND_NUMBER:
                want_r = ref_number(s, field_max(f), &want);
                fuzz_check(r == want_r);
                fuzz_check(r < 0 || v == want);
                break;
        case FIELD_KIND_ENCAPSULATION:
                fuzz_check(encapsulation_parse(s, &want, NULL) == r);
                fuzz_check(r < 0 || want == v);
                /* A lone number means what it means for any number field. */
                if (ref_number(s, UINT32_MAX, &want) == 0)
                        fuzz_check(r == 0 && v == want);
                if (r == 0)
                        check_encapsulation_round_trip(v);
                break;
        default:                /* the connection record has no other kind */
                fuzz_check(false);
        }
}

static void check_nic(Field f, const char *s) {
        _cleanup_(nic_freep) Nic *n = NULL;
        const char *props[_FIELD_MAX] = { 0 };
        RecordValue r[NIC_RECORDS];
        uint32_t v = 0;
        bool ok;

        if (f < 0 || f >= _FIELD_MAX)
                return;
        if (nic_new(&n, 1) < 0 || nic_set_name(n, "fuzz0") < 0)
                abort();
        ok = field_parse_value(f, s, &v, NULL) == 0;
        props[f] = s;
        fuzz_check(nic_set_udev_props(n, props) == 1);
        /* Twice: the second run takes the "bad value already logged" path. */
        for (int i = 0; i < 2; i++) {
                nic_compute_records(n, NULL, r);
                fuzz_check(nic_sources(n, 0)[f] == (ok ? SOURCE_UDEV : SOURCE_KERNEL));
                fuzz_check(nic_sources(n, 1) == nic_sources(n, 0));
                fuzz_check(!ok || (value_get(&r[0], (size_t) f) == v && value_get(&r[1], (size_t) f) == v));
                fuzz_check(!nic_udev_bad_value(n, &schema_tcp_connection_offload, (size_t) f) == ok);
        }
        fuzz_check(nic_set_udev_props(n, props) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *s = NULL;
        Field f;

        if (size < 1)
                return 0;
        /* The warning for each bad value would flood the run. */
        log_set_max_level(LOG_ERR);
        f = data[0] < 0xf0 ? (Field) (data[0] % _FIELD_MAX) : _FIELD_INVALID;
        s = fuzz_strndup(data + 1, size - 1);

        check_parse(f, s);
        check_nic(f, s);
        if (size >= 5)
                check_encapsulation_round_trip((uint32_t) data[1] | (uint32_t) data[2] << 8 |
                                               (uint32_t) data[3] << 16 | (uint32_t) data[4] << 24);
        return 0;
}
