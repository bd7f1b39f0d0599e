/* SPDX-License-Identifier: MIT */
/* muxcapctl decode and encode: either record type, offline (SPEC 8, 12) */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "muxcap/muxcap.h"

static const char *const type_names[_RECORD_TYPE_MAX] = {
        [RECORD_CONNECTION] = "connection",
        [RECORD_TASK] = "task",
};

static void print_record(const Ctl *ctl, const CtlRecord *r) {
        Table *t;

        if (ctl->json) {
                ctl_print_record_json(stdout, r);
                fputc('\n', stdout);
                return;
        }
        /* NAME VALUE lines that encode takes back as NAME=VALUE (revision first, no header). */
        t = ctl_table_new(2, NULL, NULL);
        {
                char rev[8];

                snprintf(rev, sizeof(rev), "%u", r->revision);
                ctl_table_add(t, "revision", rev);
        }
        for (size_t i = 0; i < ctl_field_count(r->type); i++) {
                char v[128];

                ctl_record_format_value(r, i, v, sizeof(v));
                ctl_table_add(t, ctl_field_name(r->type, i), v);
        }
        ctl_table_print(t, stdout, false, NULL);
        t = ctl_table_free(t);
        printf("# type %s%s, hex %s\n", type_names[r->type],
               ctl_record_chimney_capable(r) ? ", chimney capable" : "", r->hex);
}

/* Where in @hex the first character hex cannot hold stands (1-based), or 0. */
static size_t bad_hex_position(const char *hex) {
        const char *p = hex;

        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
                p += 2;
        for (; *p; p++)
                if (!isxdigit((unsigned char) *p) && *p != ' ' && *p != ':' && *p != '\n')
                        return (size_t) (p - hex) + 1;
        return 0;
}

/* The whole of stdin, trailing whitespace cut; NULL on a read error. */
static char *read_stdin(void) {
        size_t size = 0, n = 0;
        char *buf = NULL;

        for (;;) {
                char *b;
                size_t got;

                if (n + 1024 > size) {
                        size = size ? 2 * size : 4096;
                        b = realloc(buf, size);
                        if (!b) {
                                free(buf);
                                return NULL;
                        }
                        buf = b;
                }
                got = fread(buf + n, 1, size - n - 1, stdin);
                n += got;
                if (got == 0)
                        break;
        }
        if (ferror(stdin)) {
                free(buf);
                return NULL;
        }
        while (n > 0 && isspace((unsigned char) buf[n - 1]))
                n--;
        buf[n] = '\0';
        return buf;
}

/* decode HEX|-: either record type, told by Header.Type. */
int verb_decode(Ctl *ctl, int argc, char **argv) {
        const char *reason = "malformed record";
        char *input = NULL;
        const char *hex = argv[1];
        uint8_t buf[4096];
        CtlRecord rec;
        size_t n = 0;
        int r;

        (void) argc;
        if (strcmp(hex, "-") == 0) {
                input = read_stdin();
                if (!input) {
                        fprintf(stderr, "muxcapctl: decode: reading stdin: %s\n", strerror(errno));
                        return EXIT_USAGE;
                }
                hex = input;
        }
        r = muxcap_hex_decode(hex, buf, sizeof(buf), &n, &reason);
        if (r < 0) {
                size_t at = bad_hex_position(hex);

                if (at)
                        fprintf(stderr, "muxcapctl: decode: %s (character %zu: '%c')\n", reason,
                                at, hex[at - 1]);
                else
                        fprintf(stderr, "muxcapctl: decode: %s\n", reason);
                free(input);
                return EXIT_USAGE;
        }
        free(input);
        if (ctl_record_from_buffer(&rec, buf, n, 0, 0, &reason) < 0) {
                fprintf(stderr, "muxcapctl: decode: %s\n", reason);
                return EXIT_USAGE;
        }
        print_record(ctl, &rec);
        return 0;
}

/* The type a key belongs to: "revision" to both (-1), unknown keys to none (-2). */
static int key_type(const char *key) {
        if (strcmp(key, "revision") == 0)
                return -1;
        for (RecordType t = 0; t < _RECORD_TYPE_MAX; t++)
                if (ctl_field_lookup(t, key) >= 0)
                        return (int) t;
        return -2;
}

/* Chooses the record type from --type=, else from the first key that belongs to one type
 * (connection when there is none), and refuses keys of the other. */
static int encode_type(const Ctl *ctl, int argc, char **argv, RecordType *ret) {
        const char *first = NULL;
        int type = -1;

        if (ctl->type) {
                for (RecordType t = 0; t < _RECORD_TYPE_MAX; t++)
                        if (strcmp(ctl->type, type_names[t]) == 0)
                                type = (int) t;
                if (type < 0)
                        return ctl_usage_error("encode", "--type: expected connection or task");
                *ret = (RecordType) type;
                return 0;
        }
        for (int i = 1; i < argc; i++) {
                size_t len = strcspn(argv[i], "=");
                char key[256];
                int k;

                snprintf(key, sizeof(key), "%.*s", (int) len, argv[i]);
                k = key_type(key);
                if (k < 0)
                        continue;       /* revision, or reported when the pairs are applied */
                if (type < 0) {
                        type = k;
                        first = argv[i];
                } else if (k != type) {
                        fprintf(stderr, "muxcapctl: encode: '%s': a %s key, but '%.*s' is a %s "
                                "key (use --type=connection|task)\n", key, type_names[k],
                                (int) strcspn(first, "="), first, type_names[type]);
                        return EXIT_USAGE;
                }
        }
        *ret = type < 0 ? RECORD_CONNECTION : (RecordType) type;
        return 0;
}

/* encode KEY=VALUE...: the hex (or the JSON) of the record the keys or --type choose. */
int verb_encode(Ctl *ctl, int argc, char **argv) {
        struct muxcap_record conn;
        struct muxcap_task_record task;
        uint8_t buf[MUXCAP_TASK_RECORD_SIZE];
        const char *reason = NULL;
        const char *seen[MUXCAP_TASK_FIELDS_MAX + 1] = { NULL };   /* by field; [max]: revision */
        RecordType type = RECORD_CONNECTION;
        CtlRecord rec;
        int r;

        r = encode_type(ctl, argc, argv, &type);
        if (r != 0)
                return r;
        muxcap_record_init(&conn);
        muxcap_task_record_init(&task);
        for (int i = 1; i < argc; i++) {
                char *key = argv[i], *eq = strchr(key, '='), *value;
                int f;

                if (!eq || eq == key) {
                        fprintf(stderr, "muxcapctl: encode: '%s': expected KEY=VALUE\n", key);
                        return EXIT_USAGE;
                }
                *eq = '\0';
                value = eq + 1;
                /* A list as muxcapctl prints it (802.3,802.3-pq) is the list the setter reads. */
                for (char *p = value; *p; p++)
                        if (*p == ',')
                                *p = ' ';
                f = strcmp(key, "revision") == 0 ? MUXCAP_TASK_FIELDS_MAX : ctl_field_lookup(type, key);
                if (f >= 0 && seen[f]) {
                        fprintf(stderr, "muxcapctl: encode: %s: given twice (first as %s)\n", key,
                                seen[f]);
                        return EXIT_USAGE;
                }
                if (f >= 0)
                        seen[f] = key;
                /* The setters know the JSON keys; a NDIS name of the connection record is
                 * passed as its JSON key. */
                if (type == RECORD_CONNECTION && f >= 0 && f < MUXCAP_TASK_FIELDS_MAX)
                        r = muxcap_record_set_field(&conn, ctl_field_json(type, (size_t) f), value, &reason);
                else if (type == RECORD_CONNECTION)
                        r = muxcap_record_set_field(&conn, key, value, &reason);
                else
                        r = muxcap_task_record_set_field(&task, key, value, &reason);
                if (r < 0) {
                        fprintf(stderr, "muxcapctl: encode: %s: '%s': %s\n", key, value,
                                reason ? reason : strerror(-r));
                        return EXIT_USAGE;
                }
        }
        r = type == RECORD_TASK ? muxcap_task_record_encode(&task, buf, &reason)
                                : muxcap_record_encode(&conn, buf, &reason);
        if (r < 0) {
                fprintf(stderr, "muxcapctl: encode: %s\n", reason);
                return EXIT_USAGE;
        }
        if (type == RECORD_TASK)
                ctl_record_from_task(&rec, &task, 0, 0);
        else
                ctl_record_from_connection(&rec, &conn, 0, 0);
        if (ctl->json) {
                ctl_print_record_json(stdout, &rec);
                fputc('\n', stdout);
        } else
                printf("%s\n", rec.hex);
        return 0;
}
