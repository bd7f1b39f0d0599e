/* SPDX-License-Identifier: MIT */
/* muxcap-export: the exported state and its rendering as NFD labels and Prometheus text */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/*
 * Everything here is pure: state in, text out (into a FILE * the caller owns, e.g. an
 * open_memstream()). No bus, no files, no clock: muxcap-export.c does the I/O, so that
 * tests/client/test-export-render.c can check every byte.
 *
 * What is exported is described by tables (export-render.c): one row per record field
 * (a Prometheus gauge family each), one row per status code (which record, which type),
 * one row per NFD label. The task-offload record (SPEC 12) becomes rows of those tables.
 */

#define EXPORT_FIELDS_MAX 128           /* numeric fields of the largest record type (NDIS_OFFLOAD
                                         * has about 100) */
#define EXPORT_LABEL_SEGMENT_MAX 63     /* Kubernetes: name segment and value */
#define EXPORT_LABEL_STEM_MAX 24        /* the label prefix's stem, so every name fits */

typedef struct ExportField ExportField;
typedef struct ExportRecordType ExportRecordType;

/* One status code muxcapd indicates: which record it carries. */
typedef struct ExportStatus {
        uint32_t code;
        const char *record;                     /* "hardware" or "current" */
        const ExportRecordType *type;
} ExportStatus;

extern const ExportStatus export_statuses[];
extern const size_t export_n_statuses;

/* The index of @code in export_statuses, or -ENOENT. */
int export_status_index(uint32_t code);

/* What the exporter knows of one record of a MUX. */
typedef struct ExportRecord {
        bool present;
        uint64_t values[EXPORT_FIELDS_MAX];     /* by the record type's field rows */
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

/*
 * NFD labels.
 */

/* Checks a label prefix: "[NAMESPACE/]STEM", NAMESPACE a DNS subdomain (lowercase
 * alphanumerics, '-' and '.', at most 253), STEM 1 to EXPORT_LABEL_STEM_MAX of
 * [A-Za-z0-9._-] beginning and ending alphanumeric. -EINVAL with a reason otherwise. */
int export_label_prefix_check(const char *prefix, const char **reterr_reason);

/* Writes the label name segment's MUX part for @mux into @buf (at least
 * EXPORT_LABEL_SEGMENT_MAX + 1 bytes), at most @max characters: every byte outside
 * [A-Za-z0-9-] as '_' and two lowercase hex digits (the empty name is "_"); a longer result
 * keeps its first @max - 9 characters and appends '-' and the name's 32-bit FNV-1a hash in
 * hex. @max is at least 10. */
void export_label_mux_part(const char *mux, size_t max, char *buf);

/* Whether @s is a valid Kubernetes label value (empty, or at most 63 of [A-Za-z0-9._-]
 * beginning and ending alphanumeric). Also the rule for a name segment, minus "empty". */
bool export_label_value_valid(const char *s);

/* Renders the NFD feature file: a comment header, "# +expiry-time=" with @expiry (UTC,
 * RFC 3339), one "name=value" line per label and MUX, and a closing "# N labels" comment.
 * Returns 0, or -EIO if writing to @f failed. */
int export_render_nfd(FILE *f, const ExportState *s, const char *prefix, time_t expiry);

/*
 * Prometheus text exposition format (version 0.0.4): HELP and TYPE per family, no
 * timestamps; muxcap_daemon_up comes last, so a reader can tell a whole file.
 */
int export_render_prometheus(FILE *f, const ExportState *s);
