/* SPDX-License-Identifier: MIT */
/* Cleanup attributes and small helpers shared by every part of muxcap (header-only) */
#pragma once

#include <errno.h>
#include <stdlib.h>
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
