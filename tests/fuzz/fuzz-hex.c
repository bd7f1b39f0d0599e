/* SPDX-License-Identifier: MIT */
/* Fuzz target: hex_decode() against a reference reading of its grammar, the hex_encode()
 * round trip, and muxcap_record_decode_hex() (libmuxcap's "muxcapctl decode HEX" path)
 *
 * Input: the first byte picks the output buffer's size (0-40 bytes), the rest is the text.
 *
 * muxcap_record_decode_hex() is checked only where FUZZ_LIBMUXCAP is set (the corpus replay
 * under gcc): under clang's sanitizers libmuxcap.so cannot link with its -Wl,--no-undefined,
 * so the libFuzzer binary checks the same composition, hex_decode() then record_decode(). */

#include <errno.h>
#include <stdbool.h>
#include <sys/types.h>

#if FUZZ_LIBMUXCAP
#include <muxcap/muxcap.h>
#endif

#include "field.h"
#include "fuzz.h"
#include "record.h"

#define REF_MAX 4096

static bool is_sep(char c) {
        return c == ' ' || c == ':' || c == '\t' || c == '\n';
}

static int ref_digit(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* The documented grammar, with no size limit: [0x] (SEP* HEX HEX)* SEP*. Returns the number
 * of bytes, or -1 when @s does not match. */
static ssize_t ref_decode(const char *s, uint8_t out[static REF_MAX]) {
        size_t n = 0;

        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
                s += 2;
        for (; *s; s++) {
                if (is_sep(*s))
                        continue;
                if (ref_digit(s[0]) < 0 || !s[1] || ref_digit(s[1]) < 0)
                        return -1;
                if (n == REF_MAX)
                        return -1;
                out[n++] = (uint8_t) (ref_digit(s[0]) << 4 | ref_digit(s[1]));
                s++;
        }
        return (ssize_t) n;
}

static void check_record_decode_hex(const char *s, const uint8_t *bytes, ssize_t n) {
        const char *reason = NULL;
        Record rec;
        int want;

        if (n < 0)
                want = -EBADMSG;
        else {
                want = record_decode(bytes, (size_t) n, &rec, &reason);
                fuzz_check(want == 0 ? !reason : reason && *reason);
        }
#if FUZZ_LIBMUXCAP
        struct muxcap_record pub = { .revision = 0, .flags = 0x5a5a5a5a };
        int r;

        reason = NULL;
        r = muxcap_record_decode_hex(s, &pub, &reason);
        fuzz_check(r == want);
        if (r < 0) {
                fuzz_check(reason && *reason);
                fuzz_check(pub.revision == 0 && pub.flags == 0x5a5a5a5a);
                return;
        }
        fuzz_check(pub.revision == rec.revision);
        fuzz_check(pub.encapsulation == rec.encapsulation);
        fuzz_check(pub.support_ipv4 == rec.support_ipv4);
        fuzz_check(pub.support_ipv6 == rec.support_ipv6);
        fuzz_check(pub.support_ipv6_extension_headers == rec.support_ipv6_extension_headers);
        fuzz_check(pub.support_sack == rec.support_sack);
        fuzz_check(pub.congestion_algorithm == rec.congestion_algorithm);
        fuzz_check(pub.tcp_connection_offload_capacity == rec.tcp_connection_offload_capacity);
        fuzz_check(pub.flags == rec.flags);
#endif
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static uint8_t ref[REF_MAX];
        _cleanup_free_ char *s = NULL, *text = NULL;
        _cleanup_free_ uint8_t *buf = NULL, *back = NULL;
        const char *reason = NULL;
        size_t bufsize, n = SIZE_MAX, m = SIZE_MAX;
        ssize_t want;
        int r;

        if (size < 1)
                return 0;
        bufsize = data[0] % 41;
        s = fuzz_strndup(data + 1, size - 1);
        /* Exactly @bufsize bytes, so ASan sees a write past the end. */
        buf = malloc(bufsize);
        if (!buf && bufsize > 0)
                abort();

        want = ref_decode(s, ref);
        r = hex_decode(s, buf, bufsize, &n, &reason);
        if (want >= 0 && (size_t) want <= bufsize) {
                fuzz_check(r == 0);
                fuzz_check(n == (size_t) want);
                fuzz_check(n == 0 || memcmp(buf, ref, n) == 0);
        } else {
                fuzz_check(r == -EINVAL || r == -EMSGSIZE);
                fuzz_check(reason && *reason);
                fuzz_check(n == SIZE_MAX);
                if (want > 0)
                        fuzz_check(r == -EMSGSIZE);
        }
        check_record_decode_hex(s, ref, want);
        if (r < 0)
                return 0;

        /* Encode what was decoded; it reads back byte for byte. */
        text = malloc(2 * n + 1);
        back = malloc(n > 0 ? n : 1);
        if (!text || !back)
                abort();
        hex_encode(buf, n, text);
        fuzz_check(strlen(text) == 2 * n);
        fuzz_check(strspn(text, "0123456789abcdef") == 2 * n);
        fuzz_check(hex_decode(text, back, n, &m, NULL) == 0);
        fuzz_check(m == n && (n == 0 || memcmp(back, buf, n) == 0));
        return 0;
}
