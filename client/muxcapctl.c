/* SPDX-License-Identifier: MIT */
/* muxcapctl: command-line client of muxcapd, and an offline record encoder/decoder */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ctl.h"
#include "muxcap/muxcap.h"

/* Writes the record's fields, one per line, or as one JSON object (no newline). */
void ctl_print_record(FILE *f, const struct muxcap_record *r, bool json) {
        uint8_t buf[MUXCAP_RECORD_SIZE];
        char hex[2 * MUXCAP_RECORD_SIZE + 1];
        char encap[64];
        const char *reason = NULL;

        if (muxcap_record_encode(r, buf, &reason) < 0)
                hex[0] = '\0';
        else
                for (size_t i = 0; i < sizeof(buf); i++)
                        sprintf(hex + 2 * i, "%02x", buf[i]);
        if (json) {
                fprintf(f,
                        "\"revision\":%u,\"encapsulation\":%" PRIu32 ",\"support_ipv4\":%u,"
                        "\"support_ipv6\":%u,\"support_ipv6_extension_headers\":%u,"
                        "\"support_sack\":%u,\"congestion_algorithm\":%u,"
                        "\"tcp_connection_offload_capacity\":%" PRIu32 ",\"flags\":%" PRIu32 ","
                        "\"chimney_capable\":%s,\"hex\":\"%s\"",
                        r->revision, r->encapsulation, r->support_ipv4, r->support_ipv6,
                        r->support_ipv6_extension_headers, r->support_sack,
                        r->congestion_algorithm, r->tcp_connection_offload_capacity, r->flags,
                        muxcap_record_chimney_capable(r) ? "true" : "false", hex);
                return;
        }
        (void) muxcap_encapsulation_format(r->encapsulation, encap, sizeof(encap));
        fprintf(f, "  %-32s %u\n", "revision", r->revision);
        fprintf(f, "  %-32s 0x%02" PRIx32 " (%s)\n", "encapsulation", r->encapsulation, encap);
        fprintf(f, "  %-32s %u\n", "support_ipv4", r->support_ipv4);
        fprintf(f, "  %-32s %u\n", "support_ipv6", r->support_ipv6);
        fprintf(f, "  %-32s %u\n", "support_ipv6_extension_headers",
                r->support_ipv6_extension_headers);
        fprintf(f, "  %-32s %u\n", "support_sack", r->support_sack);
        fprintf(f, "  %-32s %u\n", "congestion_algorithm", r->congestion_algorithm);
        fprintf(f, "  %-32s %" PRIu32 "\n", "tcp_connection_offload_capacity",
                r->tcp_connection_offload_capacity);
        fprintf(f, "  %-32s 0x%08" PRIx32 "\n", "flags", r->flags);
        fprintf(f, "  %-32s %s\n", "chimney_capable", muxcap_record_chimney_capable(r) ? "yes" : "no");
        fprintf(f, "  %-32s %s\n", "hex", hex);
}

static int verb_decode(Ctl *ctl, int argc, char **argv) {
        struct muxcap_record rec;
        const char *reason = "malformed record";
        int r;

        if (argc != 2)
                return ctl_usage_error("decode", "expected exactly one HEX argument");
        r = muxcap_record_decode_hex(argv[1], &rec, &reason);
        if (r < 0) {
                fprintf(stderr, "muxcapctl: decode: %s\n", reason);
                return EXIT_USAGE;
        }
        if (ctl->json) {
                fputc('{', stdout);
                ctl_print_record(stdout, &rec, true);
                fputs("}\n", stdout);
        } else
                ctl_print_record(stdout, &rec, false);
        return 0;
}

static int verb_encode(Ctl *ctl, int argc, char **argv) {
        struct muxcap_record rec;
        uint8_t buf[MUXCAP_RECORD_SIZE];
        const char *reason = NULL;
        int r;

        muxcap_record_init(&rec);
        for (int i = 1; i < argc; i++) {
                char *eq = strchr(argv[i], '=');

                if (!eq || eq == argv[i]) {
                        fprintf(stderr, "muxcapctl: encode: '%s': expected KEY=VALUE\n", argv[i]);
                        return EXIT_USAGE;
                }
                *eq = '\0';
                r = muxcap_record_set_field(&rec, argv[i], eq + 1, &reason);
                if (r < 0) {
                        fprintf(stderr, "muxcapctl: encode: %s: '%s': %s\n", argv[i], eq + 1,
                                reason ? reason : strerror(-r));
                        return EXIT_USAGE;
                }
        }
        r = muxcap_record_encode(&rec, buf, &reason);
        if (r < 0) {
                fprintf(stderr, "muxcapctl: encode: %s\n", reason);
                return EXIT_USAGE;
        }
        if (ctl->json) {
                fputc('{', stdout);
                ctl_print_record(stdout, &rec, true);
                fputs("}\n", stdout);
        } else {
                for (size_t i = 0; i < sizeof(buf); i++)
                        printf("%02x", buf[i]);
                putchar('\n');
        }
        return 0;
}

static const struct {
        const char *name;
        int (*handler)(Ctl *ctl, int argc, char **argv);
        const char *args;
        const char *description;
} verbs[] = {
        { "decode", verb_decode, "HEX", "Decode a record given as hex" },
        { "encode", verb_encode, "KEY=VALUE...", "Print the hex of a record (revision defaults to 2)" },
};

int ctl_usage_error(const char *verb, const char *message) {
        fprintf(stderr, "muxcapctl: %s%s%s\nTry 'muxcapctl --help'.\n", verb ? verb : "",
                verb ? ": " : "", message);
        return EXIT_USAGE;
}

static void help(void) {
        printf("Usage: muxcapctl [--bus=system|session|ADDRESS] [--json] COMMAND [ARG...]\n\n"
               "Query muxcapd, watch its offload capability indications, and encode or\n"
               "decode NDIS_TCP_CONNECTION_OFFLOAD records.\n\nCommands:\n");
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
                printf("  %-8s %-16s %s\n", verbs[i].name, verbs[i].args, verbs[i].description);
        printf("\nOptions:\n"
               "  --bus=BUS    system (default), session, or a D-Bus address\n"
               "  --json       JSON output (JSON Lines for monitor)\n"
               "  -h --help    show this help\n"
               "  --version    show the version\n\n"
               "Exit status: 0 success, 1 daemon error or unknown name, 2 usage or malformed record.\n");
}

int main(int argc, char **argv) {
        static const struct option options[] = {
                { "bus", required_argument, NULL, 'b' },
                { "json", no_argument, NULL, 'j' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                { 0 }
        };
        Ctl ctl = { .bus = "system" };
        int c;

        /* '+': stop at the first non-option, so "encode flags=1" is not taken for options. */
        while ((c = getopt_long(argc, argv, "+h", options, NULL)) >= 0)
                switch (c) {
                case 'b':
                        if (!*optarg)
                                return ctl_usage_error(NULL, "--bus needs a value");
                        ctl.bus = optarg;
                        break;
                case 'j':
                        ctl.json = true;
                        break;
                case 'h':
                        help();
                        return 0;
                case 'V':
                        printf("muxcapctl %s\n", MUXCAP_VERSION);
                        return 0;
                default:
                        fprintf(stderr, "Try 'muxcapctl --help'.\n");
                        return EXIT_USAGE;
                }
        if (optind >= argc)
                return ctl_usage_error(NULL, "missing command");
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
                if (strcmp(verbs[i].name, argv[optind]) == 0)
                        return verbs[i].handler(&ctl, argc - optind, argv + optind);
        fprintf(stderr, "muxcapctl: unknown command '%s'\nTry 'muxcapctl --help'.\n", argv[optind]);
        return EXIT_USAGE;
}
