/* SPDX-License-Identifier: MIT */
/* NULL-terminated string vectors (header-only) */
#pragma once

#include <stdlib.h>

/* Frees every string of @v, then @v; NULL is fine. */
static inline void strv_free(char **v) {
        for (size_t i = 0; v && v[i]; i++)
                free(v[i]);
        free(v);
}
