/* SPDX-License-Identifier: MIT */
/* muxcapctl's shared context and printing helpers */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "muxcap/muxcap.h"

#define EXIT_DAEMON 1   /* the daemon answered an error, or the name is unknown */
#define EXIT_USAGE 2    /* bad command line or malformed record */

/* --records=: which record types show, explain and monitor cover. */
enum {
        RECORDS_CONNECTION = 1 << 0,    /* NDIS_TCP_CONNECTION_OFFLOAD: the default */
        RECORDS_TASK = 1 << 1,          /* NDIS_OFFLOAD */
};

typedef struct Ctl {
        const char *bus;        /* borrowed: argv */
        bool json;
        unsigned records;       /* RECORDS_* */
} Ctl;

int ctl_usage_error(const char *verb, const char *message);

/* ctl-codec.c: the offline verbs */
int verb_decode(Ctl *ctl, int argc, char **argv);
int verb_encode(Ctl *ctl, int argc, char **argv);

/* ctl-task.c: the task-offload parts of show and explain */
int ctl_show_task(const Ctl *ctl, struct muxcap_client *c, const char *mux,
                  char *const *members, size_t n_members);
int ctl_explain_task(const Ctl *ctl, struct muxcap_client *c, const char *mux, bool first);
int ctl_explain_advertised(const Ctl *ctl, struct muxcap_client *c, const char *mux);

/* ctl-format.c */
bool ctl_is_task_code(uint32_t status_code);
void ctl_format_task_summary(const struct muxcap_task_record *r, char *buf, size_t size);
void ctl_print_task_record(FILE *f, const struct muxcap_task_record *r, bool json);
void ctl_print_record(FILE *f, const struct muxcap_record *r, bool json);
void ctl_print_json_string(FILE *f, const char *s);
void ctl_format_summary(const struct muxcap_record *r, char *buf, size_t size);
const char *ctl_status_code_label(uint32_t status_code);
void ctl_print_event(FILE *f, const struct muxcap_event *ev, bool json);
void ctl_print_mux_json(FILE *f, const struct muxcap_mux_info *info);
void ctl_print_explanations(FILE *f, const struct muxcap_explanation *e, size_t n, bool json,
                            bool first);
