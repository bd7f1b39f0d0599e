/* SPDX-License-Identifier: MIT */
/* Generation filter: lets through only what is newer than the last delivered, per MUX and
 * status code (SPEC 4, 7) */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef struct GenEntry {
        char *mux;                      /* owned */
        uint32_t status_code;
        uint64_t generation;            /* last delivered */
} GenEntry;

typedef struct GenFilter {
        GenEntry *entries;              /* owned */
        size_t n_entries;
        size_t n_allocated;
} GenFilter;

#define GEN_FILTER_INIT ((GenFilter) { 0 })

void gen_filter_done(GenFilter *f);
void gen_filter_clear(GenFilter *f);
void gen_filter_forget_mux(GenFilter *f, const char *mux);
int gen_filter_admit(GenFilter *f, const char *mux, uint32_t status_code, uint64_t generation);
