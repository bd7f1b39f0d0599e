/* SPDX-License-Identifier: MIT */
/* muxcap-export: settings from the config file and the command line */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "export-tables.h"

#define EXPORT_DEFAULT_CONFIG "/etc/muxcap/muxcap-export.conf"
#define EXPORT_DEFAULT_NFD_FILE "/etc/kubernetes/node-feature-discovery/features.d/muxcap"
#define EXPORT_DEFAULT_PROM_FILE "/var/lib/prometheus/node-exporter/muxcap.prom"
#define EXPORT_DEFAULT_LABEL_PREFIX "muxcap"
#define EXPORT_DEFAULT_NFD_EXPIRY_SEC 3600u
#define EXPORT_DEFAULT_METRICS "default"

/* Every string is owned; NULL paths are "off". */
typedef struct ExportConfig {
        char *bus;                      /* NULL: the system bus */
        char *nfd_file;
        char *prom_file;
        char *label_prefix;
        char **muxes;                   /* NULL-terminated globs; NULL or empty: every MUX */
        unsigned nfd_expiry_sec;
        ExportMetrics metrics;          /* the Prometheus file's field families */
} ExportConfig;

/* Sets the defaults. -ENOMEM. */
int export_config_init(ExportConfig *c);
void export_config_done(ExportConfig *c);

/* Sets one key (the config file's names: Bus, NfdFile, PrometheusFile, LabelPrefix, Muxes,
 * NfdExpirySec, Metrics). An empty path turns that file off. -ENOENT for an unknown key, -EINVAL with
 * a reason for a bad value, -ENOMEM. */
int export_config_set(ExportConfig *c, const char *key, const char *value,
                      const char **reterr_reason);

/* Reads @path ([Export] section only). A missing file is fine when @must_exist is false. On
 * error, returns a negative errno and, for a bad file, sets *@reterr_message to a new
 * "FILE:LINE: message" string. */
int export_config_load(ExportConfig *c, const char *path, bool must_exist, char **reterr_message);

/* Whether MUX @name is exported. */
bool export_config_wants_mux(const ExportConfig *c, const char *name);
