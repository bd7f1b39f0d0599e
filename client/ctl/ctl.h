/* SPDX-License-Identifier: MIT */
/* muxcapctl's shared context, its one record shape, and its printing helpers */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "muxcap/muxcap.h"

#define EXIT_DAEMON 1   /* the daemon answered an error, or the name is unknown */
#define EXIT_USAGE 2    /* bad command line or malformed record */


/* The two record types. */
typedef enum RecordType {
        RECORD_CONNECTION,      /* NDIS_TCP_CONNECTION_OFFLOAD */
        RECORD_TASK,            /* NDIS_OFFLOAD */
        _RECORD_TYPE_MAX,
} RecordType;

/* --records=: which record types the commands cover (default both), a bit per type. */
enum {
        RECORDS_CONNECTION = 1 << RECORD_CONNECTION,
        RECORDS_TASK = 1 << RECORD_TASK,
};

static inline bool records_has(unsigned records, RecordType type) {
        return records & (1u << type);
}

typedef struct Ctl {
        const char *bus;        /* borrowed: argv */
        const char *type;       /* encode --type=; borrowed: argv */
        bool json;
        bool all;
        bool color;             /* stdout is a terminal that takes ANSI escapes */
        unsigned records;       /* RECORDS_* */
} Ctl;

int ctl_usage_error(const char *verb, const char *message);


/* The connection record's fields, by index into CtlRecord.value (the task record's are
 * libmuxcap's muxcap_task_field_*() indexes). */
enum {
        CONNECTION_ENCAPSULATION,
        CONNECTION_SUPPORT_IPV4,
        CONNECTION_SUPPORT_IPV6,
        CONNECTION_SUPPORT_IPV6_EXTENSION_HEADERS,
        CONNECTION_SUPPORT_SACK,
        CONNECTION_CONGESTION_ALGORITHM,
        CONNECTION_CAPACITY,
        CONNECTION_FLAGS,
        _CONNECTION_FIELDS_MAX,
};

/* The four records a MUX has. */
typedef struct RecordCode {
        uint32_t code;          /* MUXCAP_STATUS_* */
        RecordType type;
        const char *key;        /* JSON key: connection_hardware, ..., task_current */
        const char *title;      /* for people */
} RecordCode;

extern const RecordCode ctl_codes[4];   /* in indication order (SPEC 12) */

/* One record of either type, in the shape every command prints (SPEC 8). */
typedef struct CtlRecord {
        RecordType type;
        uint32_t status_code;           /* 0 when it has none (decode, encode) */
        uint64_t generation;            /* 0 when it has none */
        uint8_t revision;
        uint32_t value[MUXCAP_TASK_FIELDS_MAX];
        char hex[2 * MUXCAP_TASK_RECORD_SIZE + 1];
} CtlRecord;

void ctl_record_from_connection(CtlRecord *ret, const struct muxcap_record *r, uint32_t code,
                                uint64_t generation);
void ctl_record_from_task(CtlRecord *ret, const struct muxcap_task_record *r, uint32_t code,
                          uint64_t generation);
int ctl_record_from_buffer(CtlRecord *ret, const uint8_t *buf, size_t size, uint32_t code,
                           uint64_t generation, const char **reterr_reason);
const RecordCode *ctl_code_find(uint32_t code);

size_t ctl_field_count(RecordType type);
const char *ctl_field_name(RecordType type, size_t i);  /* NDIS name: SupportIPv4, LsoV2.IPv4... */
const char *ctl_field_json(RecordType type, size_t i);  /* snake_case key */
int ctl_field_lookup(RecordType type, const char *key); /* by either name; -ENOENT */
uint32_t ctl_record_get(const CtlRecord *r, const char *key);
void ctl_record_format_value(const CtlRecord *r, size_t i, char *buf, size_t size);
bool ctl_record_chimney_capable(const CtlRecord *r);
void ctl_record_summary(const CtlRecord *r, char *buf, size_t size);
void ctl_offload_summary(const CtlRecord *task, const CtlRecord *conn, char *buf, size_t size);
void ctl_summary(unsigned records, const CtlRecord rec[4], char *buf, size_t size);

/* JSON */
void ctl_print_json_string(FILE *f, const char *s);
void ctl_print_json_string_or_null(FILE *f, const char *s);
void ctl_print_record_json(FILE *f, const CtlRecord *r);
void ctl_print_records_json(FILE *f, const CtlRecord records[4]);
void ctl_print_mux_json(FILE *f, const struct muxcap_mux_info *info, const CtlRecord *records,
                        const char *summary);
void ctl_print_event(FILE *f, const struct muxcap_event *ev, bool json);
const char *ctl_status_code_label(uint32_t status_code);

/* Text for people: columns aligned by display width, bold headers on a terminal only. */
size_t ctl_display_width(const char *s);
typedef struct Table Table;
Table *ctl_table_new(size_t n_columns, ...);
void ctl_table_add(Table *t, ...);
void ctl_table_print(Table *t, FILE *f, bool color, const char *indent);
Table *ctl_table_free(Table *t);
void ctl_print_title(FILE *f, bool color, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ctl-codec.c: the offline verbs */
int verb_decode(Ctl *ctl, int argc, char **argv);
int verb_encode(Ctl *ctl, int argc, char **argv);

/* ctl-show.c */
int verb_show(Ctl *ctl, int argc, char **argv);
int verb_explain(Ctl *ctl, int argc, char **argv);
int verb_advertised(Ctl *ctl, int argc, char **argv);
int ctl_connect(const Ctl *ctl, const char *verb, struct muxcap_client **ret);
int ctl_daemon_error(const Ctl *ctl, const struct muxcap_client *c, const char *verb,
                     const char *what, const char *name, int r);
int ctl_get_mux_records(struct muxcap_client *c, const struct muxcap_mux_info *info,
                        unsigned records, CtlRecord ret[4]);
