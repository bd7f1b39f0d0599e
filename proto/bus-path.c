/* SPDX-License-Identifier: MIT */
/* D-Bus object paths of MUX and NIC objects: escaping of names (SPEC 5), the one copy the
 * daemon, libmuxcap, tests and bench use */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus-path.h"

static int is_plain(unsigned char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int hex_value(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        return -1;      /* the escaping writes lowercase only */
}

/* Writes "@prefix/<escaped @name>" into a new string at *ret: every byte outside [A-Za-z0-9]
 * becomes '_' and two lowercase hex digits, and the empty name becomes "_". */
int bus_path_escape(const char *prefix, const char *name, char **ret) {
        static const char digits[] = "0123456789abcdef";
        size_t lp, ln;
        char *s, *p;

        if (!prefix || !name || !ret)
                return -EINVAL;
        lp = strlen(prefix);
        ln = strlen(name);
        s = malloc(lp + 1 + 3 * ln + 2);
        if (!s)
                return -ENOMEM;
        memcpy(s, prefix, lp);
        p = s + lp;
        *p++ = '/';
        if (ln == 0)
                *p++ = '_';
        for (const unsigned char *q = (const unsigned char *) name; *q; q++) {
                if (is_plain(*q))
                        *p++ = (char) *q;
                else {
                        *p++ = '_';
                        *p++ = digits[*q >> 4];
                        *p++ = digits[*q & 0xf];
                }
        }
        *p = '\0';
        *ret = s;
        return 0;
}

/* The reverse of bus_path_escape(): the name at *ret (new string). -EINVAL if @path is not
 * "@prefix/<element>" or the element is not a valid escaping (so each name has one path). */
int bus_path_unescape(const char *prefix, const char *path, char **ret) {
        size_t lp;

        if (!prefix || !path || !ret)
                return -EINVAL;
        lp = strlen(prefix);
        if (strncmp(path, prefix, lp) != 0 || path[lp] != '/')
                return -EINVAL;
        return bus_path_unescape_element(path + lp + 1, ret);
}

/* The name one path element stands for (new string at *ret); -EINVAL for an element the
 * escaping cannot have written, the empty one included. */
int bus_path_unescape_element(const char *e, char **ret) {
        char *s, *p;

        if (!e || !ret || *e == '\0')
                return -EINVAL;
        s = malloc(strlen(e) + 1);
        if (!s)
                return -ENOMEM;
        p = s;
        if (strcmp(e, "_") != 0)
                while (*e) {
                        int hi, lo;

                        if (is_plain((unsigned char) *e)) {
                                *p++ = *e++;
                                continue;
                        }
                        if (*e != '_' || (hi = hex_value(e[1])) < 0 || (lo = hex_value(e[2])) < 0 ||
                            (hi == 0 && lo == 0) || is_plain((unsigned char) (hi << 4 | lo))) {
                                free(s);
                                return -EINVAL;
                        }
                        *p++ = (char) (hi << 4 | lo);
                        e += 3;
                }
        *p = '\0';
        *ret = s;
        return 0;
}
