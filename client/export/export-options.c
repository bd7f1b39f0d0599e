/* SPDX-License-Identifier: MIT */
/* muxcap-export: the command line, read over the config file */

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "build-config.h"
#include "export-config.h"
#include "export-options.h"

static void help(void) {
        printf("Usage: muxcap-export [OPTION]...\n"
               "Writes muxcapd's MUXes as Kubernetes Node Feature Discovery labels and as\n"
               "Prometheus textfile metrics, and rewrites them whenever a MUX changes.\n"
               "\n"
               "  --bus=system|session|ADDRESS  the bus muxcapd is on (default: system)\n"
               "  --config=FILE                 settings file (default: %s)\n"
               "  --nfd-file=PATH               the NFD feature file (default: %s)\n"
               "  --no-nfd                      write no NFD feature file\n"
               "  --prometheus-file=PATH        the Prometheus text file (default: %s)\n"
               "  --no-prometheus               write no Prometheus text file\n"
               "  --label-prefix=[NS/]STEM      NFD label prefix (default: %s)\n"
               "  --mux=GLOB                    export only matching MUXes (repeatable)\n"
               "  --nfd-expiry=SECONDS          NFD labels expire after this (default: %u)\n"
               "  --metrics=default|all|LIST    Prometheus field families (default: %s)\n"
               "  --log-level=LEVEL             err, warning, info (default) or debug\n"
               "  --version                     print the version and exit\n"
               "  --help                        print this help and exit\n"
               "\n"
               "Exit status: 0 after SIGTERM or SIGINT, 1 on a runtime failure, 2 on a usage\n"
               "or configuration error. See muxcap-export(8).\n",
               EXPORT_DEFAULT_CONFIG, EXPORT_DEFAULT_NFD_FILE, EXPORT_DEFAULT_PROM_FILE,
               EXPORT_DEFAULT_LABEL_PREFIX, EXPORT_DEFAULT_NFD_EXPIRY_SEC, EXPORT_DEFAULT_METRICS);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...) {
        va_list ap;

        fputs("muxcap-export: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputs(" (see --help)\n", stderr);
        return EXPORT_EXIT_USAGE;
}

enum {
        OPT_BUS = 0x100,
        OPT_CONFIG,
        OPT_NFD_FILE,
        OPT_NO_NFD,
        OPT_PROM_FILE,
        OPT_NO_PROM,
        OPT_LABEL_PREFIX,
        OPT_MUX,
        OPT_NFD_EXPIRY,
        OPT_METRICS,
        OPT_LOG_LEVEL,
        OPT_VERSION,
        OPT_HELP,
};

static const struct option options[] = {
        { "bus", required_argument, NULL, OPT_BUS },
        { "config", required_argument, NULL, OPT_CONFIG },
        { "nfd-file", required_argument, NULL, OPT_NFD_FILE },
        { "no-nfd", no_argument, NULL, OPT_NO_NFD },
        { "prometheus-file", required_argument, NULL, OPT_PROM_FILE },
        { "no-prometheus", no_argument, NULL, OPT_NO_PROM },
        { "label-prefix", required_argument, NULL, OPT_LABEL_PREFIX },
        { "mux", required_argument, NULL, OPT_MUX },
        { "nfd-expiry", required_argument, NULL, OPT_NFD_EXPIRY },
        { "metrics", required_argument, NULL, OPT_METRICS },
        { "log-level", required_argument, NULL, OPT_LOG_LEVEL },
        { "version", no_argument, NULL, OPT_VERSION },
        { "help", no_argument, NULL, OPT_HELP },
        { 0 }
};

/* Option -> config key, for the options that are settings. */
static const char *option_key(int opt) {
        switch (opt) {
        case OPT_BUS: return "Bus";
        case OPT_NFD_FILE: case OPT_NO_NFD: return "NfdFile";
        case OPT_PROM_FILE: case OPT_NO_PROM: return "PrometheusFile";
        case OPT_LABEL_PREFIX: return "LabelPrefix";
        case OPT_MUX: return "Muxes";
        case OPT_NFD_EXPIRY: return "NfdExpirySec";
        case OPT_METRICS: return "Metrics";
        }
        return NULL;
}

static int parse_log_level(const char *s) {
        static const struct { const char *name; int level; } levels[] = {
                { "err", LOG_ERR }, { "warning", LOG_WARNING }, { "info", LOG_INFO },
                { "debug", LOG_DEBUG },
        };
        for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
                if (strcmp(s, levels[i].name) == 0)
                        return levels[i].level;
        return -EINVAL;
}

/* Two passes over the same option table: the first finds --help, --version, --config and
 * usage errors, so that the config file is read before any setting the second applies. */
int export_options_parse(int argc, char **argv, ExportConfig *config, int *log_level) {
        const char *config_path = EXPORT_DEFAULT_CONFIG;
        bool config_given = false;
        char *muxes = NULL, *message = NULL;
        int opt, r;

        /* Pass 1: --help, --version, --config and usage errors. */
        opterr = 0;
        while ((opt = getopt_long(argc, argv, "", options, NULL)) >= 0) {
                if (opt == OPT_HELP) {
                        help();
                        return -1;
                }
                if (opt == OPT_VERSION) {
                        printf("muxcap-export %s\n", MUXCAP_VERSION);
                        return -1;
                }
                if (opt == OPT_CONFIG) {
                        config_path = optarg;
                        config_given = true;
                }
                if (opt == '?')
                        return usage_error("unknown option or missing argument: '%s'",
                                           argv[optind - 1]);
        }
        if (optind < argc)
                return usage_error("unexpected argument '%s'", argv[optind]);

        r = export_config_load(config, config_path, config_given, &message);
        if (r < 0) {
                fprintf(stderr, "muxcap-export: %s\n", message ? message : strerror(-r));
                free(message);
                return r == -EINVAL || r == -ENOENT ? EXPORT_EXIT_USAGE : EXPORT_EXIT_RUNTIME;
        }

        /* Pass 2: the settings, over the file's. */
        optind = 0;
        while ((opt = getopt_long(argc, argv, "", options, NULL)) >= 0) {
                const char *key = option_key(opt), *value = optarg, *reason = "invalid value";

                if (opt == OPT_LOG_LEVEL) {
                        int level = parse_log_level(optarg);
                        if (level < 0)
                                return usage_error("--log-level='%s': expected err, warning, "
                                                   "info or debug", optarg);
                        *log_level = level;
                        continue;
                }
                if (!key)
                        continue;
                if (opt == OPT_NO_NFD || opt == OPT_NO_PROM)
                        value = "";
                else if ((opt == OPT_NFD_FILE || opt == OPT_PROM_FILE) && !*optarg)
                        return usage_error("--%s: expected a path", options[opt - OPT_BUS].name);
                if (opt == OPT_MUX) {
                        /* --mux accumulates; the config's Muxes= is replaced by the first. */
                        char *m;
                        if (asprintf(&m, "%s %s", muxes ? muxes : "", optarg) < 0)
                                return EXPORT_EXIT_RUNTIME;
                        free(muxes);
                        muxes = m;
                        value = muxes;
                }
                r = export_config_set(config, key, value, &reason);
                if (r < 0) {
                        free(muxes);
                        if (r == -ENOMEM)
                                return EXPORT_EXIT_RUNTIME;
                        return usage_error("--%s='%s': %s", options[opt - OPT_BUS].name, optarg,
                                           reason);
                }
        }
        free(muxes);
        if (!config->nfd_file && !config->prom_file)
                return usage_error("nothing to do: both the NFD and the Prometheus file are off");
        return 0;
}
