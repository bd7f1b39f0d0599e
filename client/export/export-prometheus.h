/* SPDX-License-Identifier: MIT */
/* muxcap-export: the state in Prometheus text format, for node_exporter's textfile collector */
#pragma once

#include <stdio.h>

typedef struct ExportMetrics ExportMetrics;
typedef struct ExportState ExportState;

/* Renders the state into @f (owned by the caller, e.g. an open_memstream()) in the text
 * exposition format (version 0.0.4), the record fields @m shows: HELP and TYPE per family
 * (a family without a sample is left out), no timestamps;
 * muxcap_daemon_up comes last, so a reader can tell a whole file. Returns 0, or -EIO if
 * writing to @f failed. */
int export_render_prometheus(FILE *f, const ExportState *s, const ExportMetrics *m);
