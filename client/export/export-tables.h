/* SPDX-License-Identifier: MIT */
/* muxcap-export: what is exported, as data: record types and their fields, statuses, labels */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * What is exported is described by tables (export-tables.c): one row per record field
 * (a Prometheus gauge family each), one row per status code (which record, which type),
 * one row per NFD label. The state, the NFD file and the Prometheus text are written once
 * over them. The connection record's fields are rows here; the task-offload record's (SPEC
 * 12, about a hundred) are libmuxcap's list, named by their JSON keys.
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

/* A record type: how to decode one, and its numeric fields: either a table of rows
 * (@fields), or, with @fields NULL, the library's own list of the record's fields (@list_*),
 * so that a field libmuxcap adds is exported without a new row here. */
typedef struct ExportRecordType {
        const char *name;       /* the type="" label */
        size_t record_size;     /* of the decoded struct */
        int (*decode)(const uint8_t *buf, size_t size, void *ret);
        const ExportField *fields;
        size_t n_fields;
        size_t (*list_count)(void);
        const char *(*list_json)(size_t i);     /* the metric, before any unit suffix */
        const char *(*list_name)(size_t i);     /* for the HELP text */
        uint64_t (*list_value)(const void *record, size_t i);
} ExportRecordType;

#define EXPORT_METRIC_MAX 128   /* a family name, "muxcap_mux_" included, and its NUL */
#define EXPORT_HELP_MAX 256

/* How many fields of @t are exported (at most EXPORT_FIELDS_MAX). */
size_t export_type_n_fields(const ExportRecordType *t);

/* Writes field @k's family name, muxcap_mux_<metric>, into @buf. -EINVAL when it would not be
 * a valid Prometheus name of [a-z0-9_] (the field is then not exported), -ENOBUFS if too long. */
int export_field_metric(const ExportRecordType *t, size_t k, char buf[static EXPORT_METRIC_MAX]);

/* Writes field @k's HELP text into @buf. */
void export_field_help(const ExportRecordType *t, size_t k, char buf[static EXPORT_HELP_MAX]);

/* Field @k's value in the decoded record @record. */
uint64_t export_field_value(const ExportRecordType *t, size_t k, const void *record);

/* The index of the field whose metric (without muxcap_mux_ and unit suffix) is @key, or
 * -ENOENT. */
int export_field_lookup(const ExportRecordType *t, const char *key);

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

#define EXPORT_STATUSES_MAX 4           /* rows of export_statuses */

/*
 * Which field families the Prometheus file carries (SPEC 13): by default a curated set, what
 * operators alert on, at most 30 series per MUX; every field with --metrics=all; or the
 * families a list names. A row of the curated set names one field of one record (status), and
 * optionally a field of the same record that must be non-zero for the row to be shown (the
 * connection facts appear only where a source declared a connection offload engine).
 */
typedef struct ExportMetricRow {
        unsigned status;        /* index into export_statuses */
        const char *field;      /* an export_field_lookup() key of that record type */
        const char *when;       /* NULL, or a key of the same record type */
} ExportMetricRow;

extern const ExportMetricRow export_default_metrics[];
extern const size_t export_n_default_metrics;

/* The resolved choice, by status and field index: never, always, or the index of the field
 * that must be non-zero. */
enum {
        EXPORT_SHOW_NEVER = -2,
        EXPORT_SHOW_ALWAYS = -1,
};

typedef struct ExportMetrics {
        int16_t show[EXPORT_STATUSES_MAX][EXPORT_FIELDS_MAX];
} ExportMetrics;

/* Parses a --metrics= / Metrics= value into @ret: "default", "all", or a list of names
 * separated by commas or blanks, each "default" (the curated set) or a family name
 * (muxcap_mux_FIELD, exported for both records). -EINVAL with a reason otherwise; @ret is
 * written only on success. */
int export_metrics_parse(const char *value, ExportMetrics *ret, const char **reterr_reason);

/* Whether field @k of status @st is shown for a record with the exported @values. */
bool export_metrics_shows(const ExportMetrics *m, size_t st, size_t k, const uint64_t *values);

/*
 * NFD labels: one row per fact a scheduler selects on, each named
 * [NAMESPACE/]STEM.<mux>.<label>. They follow the current configuration: what the
 * aggregate offloads now, which is what a workload gets.
 */

#define EXPORT_LABEL_FACT_MAX 24
#define EXPORT_LABEL_FIELDS_MAX 2

typedef enum ExportLabelSource {
        EXPORT_LABEL_MEMBERS,
        EXPORT_LABEL_KIND,
        EXPORT_LABEL_BOOL,      /* fields, as true (every one non-zero) or false */
        EXPORT_LABEL_NUMBER,    /* a field, in decimal */
} ExportLabelSource;

typedef struct ExportLabel {
        const char *name;       /* at most EXPORT_LABEL_FACT_MAX characters */
        ExportLabelSource source;
        unsigned status;        /* index into export_statuses, for fields */
        const char *fields[EXPORT_LABEL_FIELDS_MAX];    /* export_field_lookup() keys of that
                                                         * record type; unused ones NULL */
} ExportLabel;

extern const ExportLabel export_labels[];
extern const size_t export_n_labels;
