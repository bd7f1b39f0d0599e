/* SPDX-License-Identifier: MIT */
/* muxcapd: parses the command line, loads the config, and runs the Manager */

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "build-config.h"
#include "field.h"
#include "log.h"
#include "manager.h"

#define EXIT_USAGE 2

static void help(void) {
        printf("Usage: muxcapd [OPTION...]\n\n"
               "Keeps the TCP connection offload capabilities of every MUX (bond, team, bridge,\n"
               "or declared in the config) and broadcasts them on D-Bus as org.muxcap.MuxCap1.\n\n"
               "  --bus=system|session|ADDRESS   bus to serve on (default: system)\n"
               "  --config=FILE                  config file (default: %s/muxcap/muxcapd.conf)\n"
               "  --udev-source=auto|udev|kernel device events from udevd or the raw kernel\n"
               "  --coalesce-ms=N                coalescing window, overrides the config\n"
               "  --log-level=err|warning|notice|info|debug\n"
               "  --version                      show the version\n"
               "  -h --help                      show this help\n",
               MUXCAP_SYSCONFDIR);
}

static int usage_error(const char *fmt, ...) _printf_(1, 2);
static int usage_error(const char *fmt, ...) {
        va_list ap;

        fprintf(stderr, "muxcapd: ");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, "\nTry 'muxcapd --help'.\n");
        return EXIT_USAGE;
}

int main(int argc, char **argv) {
        enum { OPT_BUS = 0x100, OPT_CONFIG, OPT_UDEV, OPT_COALESCE, OPT_LOG, OPT_VERSION,
               OPT_UDEV_RCVBUF, OPT_RTNL_RCVBUF };
        static const struct option options[] = {
                { "bus", required_argument, NULL, OPT_BUS },
                { "config", required_argument, NULL, OPT_CONFIG },
                { "udev-source", required_argument, NULL, OPT_UDEV },
                { "coalesce-ms", required_argument, NULL, OPT_COALESCE },
                { "log-level", required_argument, NULL, OPT_LOG },
                { "version", no_argument, NULL, OPT_VERSION },
                { "help", no_argument, NULL, 'h' },
                /* For tests that force receive-buffer overruns; not documented. */
                { "test-udev-rcvbuf", required_argument, NULL, OPT_UDEV_RCVBUF },
                { "test-rtnl-rcvbuf", required_argument, NULL, OPT_RTNL_RCVBUF },
                { 0 }
        };
        ManagerOptions o = {
                .bus = "system",
                .config_path = MUXCAP_SYSCONFDIR "/muxcap/muxcapd.conf",
                .config_missing_ok = true,
                .udev_mode = UDEV_SOURCE_AUTO,
                .coalesce_ms = -1,
        };
        _cleanup_(manager_freep) Manager *m = NULL;
        _cleanup_(config_freep) Config *config = NULL;
        _cleanup_free_ char *message = NULL;
        uint32_t v;
        int c, r;

        log_setup();
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case OPT_BUS:
                        if (!*optarg)
                                return usage_error("--bus: empty value");
                        o.bus = optarg;
                        break;
                case OPT_CONFIG:
                        o.config_path = optarg;
                        o.config_missing_ok = false;
                        break;
                case OPT_UDEV:
                        o.udev_mode = udev_source_mode_from_string(optarg);
                        if (o.udev_mode < 0)
                                return usage_error("--udev-source: '%s': expected auto, udev or kernel", optarg);
                        break;
                case OPT_COALESCE:
                        if (parse_u32(optarg, CONFIG_MAX_COALESCE_MS, &v) < 0)
                                return usage_error("--coalesce-ms: '%s': expected 0-60000", optarg);
                        o.coalesce_ms = v;
                        break;
                case OPT_LOG:
                        r = log_level_from_string(optarg);
                        if (r < 0)
                                return usage_error("--log-level: '%s': expected err, warning, notice, info or debug", optarg);
                        log_set_max_level(r);
                        break;
                case OPT_UDEV_RCVBUF:
                case OPT_RTNL_RCVBUF:
                        if (parse_u32(optarg, INT32_MAX, &v) < 0)
                                return usage_error("bad buffer size '%s'", optarg);
                        *(c == OPT_UDEV_RCVBUF ? &o.udev_rcvbuf : &o.rtnl_rcvbuf) = (int) v;
                        break;
                case OPT_VERSION:
                        printf("muxcapd %s\n", MUXCAP_VERSION);
                        return EXIT_SUCCESS;
                case 'h':
                        help();
                        return EXIT_SUCCESS;
                default:
                        fprintf(stderr, "Try 'muxcapd --help'.\n");
                        return EXIT_USAGE;
                }
        if (optind < argc)
                return usage_error("unexpected argument '%s'", argv[optind]);

        r = config_load(o.config_path, o.config_missing_ok, &config, &message);
        if (r < 0) {
                if (message)
                        fprintf(stderr, "%s\n", message);
                else
                        fprintf(stderr, "%s: %s\n", o.config_path, strerror(-r));
                return EXIT_USAGE;
        }

        r = manager_new(&m, &o, config);
        if (r < 0) {
                log_error_errno(r, "starting failed: %m");
                return EXIT_FAILURE;
        }
        config = NULL;  /* owned by the manager now */
        r = manager_start(m);
        if (r < 0)
                return EXIT_FAILURE;
        r = manager_run(m);
        return r < 0 ? EXIT_FAILURE : r;
}
