/* SPDX-License-Identifier: MIT */
/* Generation filter: lets through only what is newer than the last delivered, per MUX and
 * status code (SPEC 4, 7) */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gen-filter.h"

/* Frees the entries; @f is empty and reusable afterwards. */
void gen_filter_done(GenFilter *f) {
        gen_filter_clear(f);
        free(f->entries);
        *f = GEN_FILTER_INIT;
}

/* Forgets every generation: the next of each MUX and status code is let through. Used when
 * the daemon restarts, since its generations start again at 1. */
void gen_filter_clear(GenFilter *f) {
        for (size_t i = 0; i < f->n_entries; i++)
                free(f->entries[i].mux);
        f->n_entries = 0;
}

/* Forgets the generations of one MUX: it went away, and if it comes back it starts at 1. */
void gen_filter_forget_mux(GenFilter *f, const char *mux) {
        size_t j = 0;

        for (size_t i = 0; i < f->n_entries; i++) {
                if (strcmp(f->entries[i].mux, mux) == 0) {
                        free(f->entries[i].mux);
                        continue;
                }
                f->entries[j++] = f->entries[i];
        }
        f->n_entries = j;
}

/* Returns 1 and records @generation if it is newer than the last one let through for @mux and
 * @status_code (or there was none), 0 if it is not (a repeat or a step back: drop it),
 * -ENOMEM. Entries are few (two per MUX), so a linear search is enough. */
int gen_filter_admit(GenFilter *f, const char *mux, uint32_t status_code, uint64_t generation) {
        GenEntry *e;
        char *copy;

        for (size_t i = 0; i < f->n_entries; i++) {
                e = &f->entries[i];
                if (e->status_code != status_code || strcmp(e->mux, mux) != 0)
                        continue;
                if (generation <= e->generation)
                        return 0;
                e->generation = generation;
                return 1;
        }
        if (f->n_entries == f->n_allocated) {
                size_t n = f->n_allocated ? 2 * f->n_allocated : 8;

                e = realloc(f->entries, n * sizeof(*e));
                if (!e)
                        return -ENOMEM;
                f->entries = e;
                f->n_allocated = n;
        }
        copy = strdup(mux);
        if (!copy)
                return -ENOMEM;
        f->entries[f->n_entries++] = (GenEntry) {
                .mux = copy,
                .status_code = status_code,
                .generation = generation,
        };
        return 1;
}
