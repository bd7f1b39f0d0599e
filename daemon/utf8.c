/* SPDX-License-Identifier: MIT */
/* UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF,
 * no NUL inside), matching what libdbus accepts in a string */

#include <stdint.h>
#include <string.h>

#include "utf8.h"

/* Length of the longest prefix of @s made of whole, valid characters. */
size_t utf8_valid_prefix(const char *s) {
        const unsigned char *p = (const unsigned char *) s, *start = p;

        while (*p) {
                uint32_t c;
                size_t len, i;

                if (p[0] < 0x80) {
                        p++;
                        continue;
                }
                if ((p[0] & 0xE0) == 0xC0) {
                        len = 2;
                        c = p[0] & 0x1F;
                } else if ((p[0] & 0xF0) == 0xE0) {
                        len = 3;
                        c = p[0] & 0x0F;
                } else if ((p[0] & 0xF8) == 0xF0) {
                        len = 4;
                        c = p[0] & 0x07;
                } else
                        break;
                for (i = 1; i < len; i++) {
                        if ((p[i] & 0xC0) != 0x80)
                                break;
                        c = c << 6 | (p[i] & 0x3F);
                }
                if (i < len)
                        break;
                if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
                    (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
                        break;
                p += len;
        }
        return (size_t) (p - start);
}

bool utf8_is_valid(const char *s) {
        return s[utf8_valid_prefix(s)] == '\0';
}

/* Cuts @s at its first invalid byte: after a truncation, a split last character. */
void utf8_truncate(char *s) {
        s[utf8_valid_prefix(s)] = '\0';
}
