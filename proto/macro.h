/* SPDX-License-Identifier: MIT */
/* Cleanup attributes and small helpers shared by every part of muxcap (header-only) */
#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _fallthrough_ __attribute__((fallthrough))
#define _printf_(a, b) __attribute__((format(printf, a, b)))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

static inline void freep(void *p) {
        free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void closep(int *fd) {
        if (*fd >= 0) {
                int saved = errno;
                (void) close(*fd);
                errno = saved;
        }
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f) {
        if (*f)
                (void) fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Hands ownership out of a cleanup variable: returns the pointer and leaves NULL behind. */
#define steal_ptr(p)                            \
        __extension__ ({                        \
                __typeof__(p) _stolen = (p);    \
                (p) = NULL;                     \
                _stolen;                        \
        })

/* Declares a cleanup helper NAME##p for a destructor that accepts NULL. */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)                 \
        static inline void func##p(type *p) {                   \
                if (*p)                                         \
                        *p = func(*p);                          \
        }

#define streq(a, b) (strcmp((a), (b)) == 0)

/* Defines name##_to_string() and name##_from_string() over one `static const char *const
 * name##_table[]` indexed by the enum (systemd's DEFINE_STRING_TABLE_LOOKUP): the enum's
 * strings are written once, and both directions read them. */
#define DEFINE_STRING_TABLE_LOOKUP(name, type)                                          \
        const char *name##_to_string(type i) {                                          \
                if ((int) i < 0 || (size_t) i >= ELEMENTSOF(name##_table))              \
                        return NULL;                                                    \
                return name##_table[i];                                                 \
        }                                                                               \
        type name##_from_string(const char *s) {                                        \
                for (size_t i = 0; s && i < ELEMENTSOF(name##_table); i++)              \
                        if (name##_table[i] && strcmp(name##_table[i], s) == 0)         \
                                return (type) i;                                        \
                return (type) -EINVAL;                                                  \
        }
