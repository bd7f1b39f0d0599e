/* SPDX-License-Identifier: MIT */
/* muxcapctl's shared context and printing helpers */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "muxcap/muxcap.h"

#define EXIT_DAEMON 1   /* the daemon answered an error, or the name is unknown */
#define EXIT_USAGE 2    /* bad command line or malformed record */

typedef struct Ctl {
        const char *bus;        /* borrowed: argv */
        bool json;
} Ctl;

int ctl_usage_error(const char *verb, const char *message);
void ctl_print_record(FILE *f, const struct muxcap_record *r, bool json);
