/* SPDX-License-Identifier: MIT */
/* muxcap-export: what is exported, as data: record types and their fields, statuses, labels */
#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * What is exported is described by tables (export-tables.c): one row per record field
 * (a Prometheus gauge family each), one row per status code (which record, which type),
 * one row per NFD label. The state, the NFD file and the Prometheus text are written once
 * over them; the task-offload record (SPEC 12) becomes rows of those tables.
 */

#define EXPORT_FIELDS_MAX 128           /* numeric fields of the largest record type (NDIS_OFFLOAD
                                         * has about 100) */

/* One numeric field of a record type: one Prometheus gauge family,
 * muxcap_mux_<metric>{mux,record,type}. Read from the decoded struct at (offset, size), or
 * computed by @derive. */
typedef struct ExportField {
        const char *metric;     /* after "muxcap_mux_"; base units as a suffix */
        const char *help;
        size_t offset;
        size_t size;
        uint64_t (*derive)(const void *record);
} ExportField;

/* A record type: how to decode one, and its numeric fields. */
typedef struct ExportRecordType {
        const char *name;       /* the type="" label */
        size_t record_size;     /* of the decoded struct */
        int (*decode)(const uint8_t *buf, size_t size, void *ret);
        const ExportField *fields;
        size_t n_fields;
} ExportRecordType;

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

/*
 * NFD labels: one row per fact a scheduler selects on, each named
 * [NAMESPACE/]STEM.<mux>.<label>. They follow the current configuration: what the
 * aggregate offloads now, which is what a workload gets.
 */

#define EXPORT_LABEL_FACT_MAX 24

typedef enum ExportLabelSource {
        EXPORT_LABEL_MEMBERS,
        EXPORT_LABEL_KIND,
        EXPORT_LABEL_BOOL,      /* a field, as true/false */
        EXPORT_LABEL_NUMBER,    /* a field, in decimal */
} ExportLabelSource;

typedef struct ExportLabel {
        const char *name;       /* at most EXPORT_LABEL_FACT_MAX characters */
        ExportLabelSource source;
        unsigned status;        /* index into export_statuses, for fields */
        unsigned field;         /* index into that record type's fields */
} ExportLabel;

extern const ExportLabel export_labels[];
extern const size_t export_n_labels;
