/* SPDX-License-Identifier: MIT */
/* NULL-terminated string vectors (header-only) */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Frees every string of @v, then @v; NULL is fine. */
static inline void strv_free(char **v) {
        for (size_t i = 0; v && v[i]; i++)
                free(v[i]);
        free(v);
}

/* Whether @a and @b hold the same strings in the same order; NULL equals the empty vector. */
static inline bool strv_equal(char *const *a, char *const *b) {
        size_t i;

        for (i = 0; a && b && a[i] && b[i]; i++)
                if (strcmp(a[i], b[i]) != 0)
                        return false;
        return !(a && a[i]) && !(b && b[i]);
}

/* Appends a copy of @s to @v, which holds @n strings and stays NULL-terminated even when
 * this fails (-ENOMEM). */
static inline int strv_push_dup(char ***v, size_t *n, const char *s) {
        char **nv = realloc(*v, (*n + 2) * sizeof(char *));

        if (!nv)
                return -ENOMEM;
        *v = nv;
        nv[*n] = strdup(s);
        if (!nv[*n])
                return -ENOMEM;
        nv[++*n] = NULL;
        return 0;
}
