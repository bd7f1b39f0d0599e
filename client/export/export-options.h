/* SPDX-License-Identifier: MIT */
/* muxcap-export: the command line, read over the config file */
#pragma once

typedef struct ExportConfig ExportConfig;

#define EXPORT_EXIT_RUNTIME 1
#define EXPORT_EXIT_USAGE 2

/* Parses the command line over the config file: the file first (--config or the default),
 * then every option in order, into @config (set up by export_config_init()). --log-level
 * replaces *@log_level (a syslog level). Prints --help, --version and every usage or config
 * error itself. Returns 0, -1 for "exit 0 now" (--help, --version), or an exit status. */
int export_options_parse(int argc, char **argv, ExportConfig *config, int *log_level);
