/* SPDX-License-Identifier: MIT */
/* muxcapctl decode and encode: either record type, offline (SPEC 8, 12) */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "muxcap/muxcap.h"

typedef enum RecordKind {
        KIND_UNKNOWN,
        KIND_CONNECTION,
        KIND_TASK,
} RecordKind;

static const char *const kind_names[] = {
        [KIND_CONNECTION] = "connection",
        [KIND_TASK] = "task",
};

static void print_hex(const uint8_t *buf, size_t n) {
        for (size_t i = 0; i < n; i++)
                printf("%02x", buf[i]);
        putchar('\n');
}

static void print_connection(const Ctl *ctl, const struct muxcap_record *rec) {
        if (ctl->json) {
                fputc('{', stdout);
                ctl_print_record(stdout, rec, true);
                fputs("}\n", stdout);
        } else
                ctl_print_record(stdout, rec, false);
}

static void print_task(const Ctl *ctl, const struct muxcap_task_record *rec) {
        if (ctl->json) {
                fputc('{', stdout);
                ctl_print_task_record(stdout, rec, true);
                fputs("}\n", stdout);
        } else
                ctl_print_task_record(stdout, rec, false);
}

/* The record type is told by Header.Type; anything but NDIS_OFFLOAD goes to the connection
 * decoder, whose refusals (SPEC 2) stay what they were. */
int verb_decode(Ctl *ctl, int argc, char **argv) {
        const char *reason = "malformed record";
        uint8_t buf[4096];
        size_t n = 0;
        int r;

        if (argc != 2)
                return ctl_usage_error("decode", "expected exactly one HEX argument");
        r = muxcap_hex_decode(argv[1], buf, sizeof(buf), &n, &reason);
        if (r >= 0 && muxcap_record_type(buf, n) == (int) MUXCAP_RECORD_TYPE_TASK) {
                struct muxcap_task_record task;

                r = muxcap_task_record_decode(buf, n, &task, &reason);
                if (r >= 0)
                        print_task(ctl, &task);
        } else {
                struct muxcap_record rec;

                r = muxcap_record_decode_hex(argv[1], &rec, &reason);
                if (r >= 0)
                        print_connection(ctl, &rec);
        }
        if (r < 0) {
                fprintf(stderr, "muxcapctl: decode: %s\n", reason);
                return EXIT_USAGE;
        }
        return 0;
}

static RecordKind key_kind(const char *key) {
        if (strcmp(key, "revision") == 0)
                return KIND_UNKNOWN;
        /* Unknown keys count as connection keys: its setter names them. */
        return muxcap_task_field_lookup(key) >= 0 ? KIND_TASK : KIND_CONNECTION;
}

/* Splits KEY=VALUE in place; prints the error and returns false if it is not one. */
static bool split_pair(char *arg, char **ret_value) {
        char *eq = strchr(arg, '=');

        if (!eq || eq == arg) {
                fprintf(stderr, "muxcapctl: encode: '%s': expected KEY=VALUE\n", arg);
                return false;
        }
        *eq = '\0';
        *ret_value = eq + 1;
        return true;
}

/* Chooses the record type from --type=, else from the first key that is not "revision"
 * (connection when there is none, as before there were two types), and refuses keys of both. */
static int encode_kind(int argc, char **argv, RecordKind *ret) {
        RecordKind kind = KIND_UNKNOWN, explicit = KIND_UNKNOWN;
        const char *first = NULL;

        for (int i = 1; i < argc; i++) {
                const char *t;
                RecordKind k;

                if (strncmp(argv[i], "--type=", 7) == 0) {
                        t = argv[i] + 7;
                        explicit = strcmp(t, "connection") == 0 ? KIND_CONNECTION
                                   : strcmp(t, "task") == 0     ? KIND_TASK
                                                                : KIND_UNKNOWN;
                        if (explicit == KIND_UNKNOWN)
                                return ctl_usage_error("encode", "--type: expected connection or task");
                        continue;
                }
                if (!strchr(argv[i], '=') || argv[i][0] == '=')
                        continue;       /* reported when the pairs are applied */
                {
                        char key[256];
                        size_t n = (size_t) (strchr(argv[i], '=') - argv[i]);

                        snprintf(key, sizeof(key), "%.*s", (int) n, argv[i]);
                        k = key_kind(key);
                        if (k == KIND_UNKNOWN)
                                continue;
                        if (kind == KIND_UNKNOWN) {
                                kind = k;
                                first = argv[i];
                        } else if (k != kind && explicit == KIND_UNKNOWN) {
                                fprintf(stderr, "muxcapctl: encode: '%s': a %s key, but '%.*s' "
                                        "is a %s key (use --type=connection|task)\n", key,
                                        kind_names[k], (int) (strchr(first, '=') - first), first,
                                        kind_names[kind]);
                                return EXIT_USAGE;
                        }
                }
        }
        *ret = explicit != KIND_UNKNOWN ? explicit : kind != KIND_UNKNOWN ? kind : KIND_CONNECTION;
        return 0;
}

int verb_encode(Ctl *ctl, int argc, char **argv) {
        struct muxcap_record rec;
        struct muxcap_task_record task;
        uint8_t buf[MUXCAP_TASK_RECORD_SIZE];
        const char *reason = NULL;
        RecordKind kind = KIND_CONNECTION;
        int r;

        r = encode_kind(argc, argv, &kind);
        if (r != 0)
                return r;
        muxcap_record_init(&rec);
        muxcap_task_record_init(&task);
        for (int i = 1; i < argc; i++) {
                char *value;

                if (strncmp(argv[i], "--type=", 7) == 0)
                        continue;
                if (!split_pair(argv[i], &value))
                        return EXIT_USAGE;
                reason = NULL;
                r = kind == KIND_TASK ? muxcap_task_record_set_field(&task, argv[i], value, &reason)
                                      : muxcap_record_set_field(&rec, argv[i], value, &reason);
                if (r < 0) {
                        fprintf(stderr, "muxcapctl: encode: %s: '%s': %s\n", argv[i], value,
                                reason ? reason : strerror(-r));
                        return EXIT_USAGE;
                }
        }
        r = kind == KIND_TASK ? muxcap_task_record_encode(&task, buf, &reason)
                              : muxcap_record_encode(&rec, buf, &reason);
        if (r < 0) {
                fprintf(stderr, "muxcapctl: encode: %s\n", reason);
                return EXIT_USAGE;
        }
        if (kind == KIND_TASK) {
                if (ctl->json)
                        print_task(ctl, &task);
                else
                        print_hex(buf, MUXCAP_TASK_RECORD_SIZE);
        } else if (ctl->json)
                print_connection(ctl, &rec);
        else
                print_hex(buf, MUXCAP_RECORD_SIZE);
        return 0;
}
