/* SPDX-License-Identifier: MIT */
/* muxcap-export: the exported state, one entry per MUX with its records as field values */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "export-tables.h"

/*
 * Pure: events in, state out. No bus, no files, no clock: muxcap-export.c feeds it and
 * export-nfd.c and export-prometheus.c render it, so that tests/client/test-export-render.c
 * can check every byte.
 */

/* What the exporter knows of one record of a MUX. */
typedef struct ExportRecord {
        bool present;
        uint64_t values[EXPORT_FIELDS_MAX];     /* by the record type's field index */
} ExportRecord;

/* One MUX. Strings are owned. */
typedef struct ExportMux {
        char *name;
        char *kind;                             /* NULL until the MUX's properties are read */
        char *capacity_policy;
        unsigned n_members;
        uint64_t generation;
        ExportRecord *records;                  /* owned: export_n_statuses of them */
        uint64_t *indications;                  /* owned: per status, indications seen */
        bool info_stale;                        /* kind, policy, members to be read again */
} ExportMux;

ExportMux *export_mux_new(const char *name);
ExportMux *export_mux_free(ExportMux *x);

/* Decodes @size bytes at @buf as the record of status code @code and stores it in @x with
 * @generation. Returns 1 if anything exported changed, 0 if not, -ENOENT for a status code
 * the exporter does not know, -EBADMSG for a malformed record (then @x is unchanged). */
int export_mux_set_record(ExportMux *x, uint32_t code, uint64_t generation, const uint8_t *buf,
                          size_t size);

/* Sets what the MUX's properties say (strings copied). Returns 1 if it changed, 0 if not,
 * -ENOMEM. */
int export_mux_set_info(ExportMux *x, const char *kind, const char *capacity_policy,
                        unsigned n_members);

/* The whole exported state: MUXes sorted by name. */
typedef struct ExportState {
        bool daemon_up;
        ExportMux **muxes;                      /* owned */
        size_t n_muxes;
} ExportState;

void export_state_done(ExportState *s);
ExportMux *export_state_find(const ExportState *s, const char *name);
/* Finds or adds the MUX called @name; NULL only for out-of-memory. */
ExportMux *export_state_ensure(ExportState *s, const char *name);
/* Removes the MUX called @name; returns 1 if there was one, else 0. */
int export_state_remove(ExportState *s, const char *name);
void export_state_clear(ExportState *s);
