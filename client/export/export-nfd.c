/* SPDX-License-Identifier: MIT */
/* muxcap-export: the state as a Kubernetes NFD feature file, and the label rules it obeys */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "export-nfd.h"
#include "export-state.h"

static bool is_alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_label_char(char c) {
        return is_alnum(c) || c == '-' || c == '_' || c == '.';
}

/* A name segment: 1 to @max of [A-Za-z0-9._-], alphanumeric at both ends. */
static bool segment_valid(const char *s, size_t max) {
        size_t n = strlen(s);

        if (n == 0 || n > max || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!is_label_char(s[i]))
                        return false;
        return true;
}

bool export_label_value_valid(const char *s) {
        return !*s || segment_valid(s, EXPORT_LABEL_SEGMENT_MAX);
}

int export_label_prefix_check(const char *prefix, const char **reterr_reason) {
        const char *slash = strchr(prefix, '/'), *stem = slash ? slash + 1 : prefix;

        if (slash) {
                size_t n = (size_t) (slash - prefix);
                bool ok = n > 0 && n <= 253 && prefix[0] != '-' && prefix[0] != '.' &&
                          prefix[n - 1] != '-' && prefix[n - 1] != '.';

                for (size_t i = 0; ok && i < n; i++) {
                        char c = prefix[i];
                        ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                             c == '.';
                }
                if (!ok) {
                        if (reterr_reason)
                                *reterr_reason = "the namespace before '/' must be a DNS "
                                                 "subdomain (lowercase letters, digits, '-', '.')";
                        return -EINVAL;
                }
        }
        if (!segment_valid(stem, EXPORT_LABEL_STEM_MAX)) {
                if (reterr_reason)
                        *reterr_reason = "the label stem must be 1 to 24 characters of "
                                         "[A-Za-z0-9._-], beginning and ending alphanumeric";
                return -EINVAL;
        }
        return 0;
}

static uint32_t fnv1a(const char *s) {
        uint32_t h = 2166136261u;

        for (; *s; s++) {
                h ^= (uint8_t) *s;
                h *= 16777619u;
        }
        return h;
}

void export_label_mux_part(const char *mux, size_t max, char *buf) {
        static const char hex[] = "0123456789abcdef";
        char out[4 * 256 + 4];
        size_t n = 0;

        if (!*mux)
                out[n++] = '_';
        for (const char *p = mux; *p && n + 3 < sizeof(out); p++) {
                if (is_alnum(*p) || *p == '-')
                        out[n++] = *p;
                else {
                        out[n++] = '_';
                        out[n++] = hex[(uint8_t) *p >> 4];
                        out[n++] = hex[(uint8_t) *p & 0xf];
                }
        }
        out[n] = '\0';
        if (max > EXPORT_LABEL_SEGMENT_MAX)
                max = EXPORT_LABEL_SEGMENT_MAX;
        if (n <= max && strlen(mux) * 3 < sizeof(out) - 4) {
                memcpy(buf, out, n + 1);
                return;
        }
        /* Too long: a prefix of the escaped name keeps it readable, the hash unique. */
        n = max - 9;
        memcpy(buf, out, n);
        (void) snprintf(buf + n, 10, "-%08" PRIx32, fnv1a(mux));
}

/* A value from the daemon (the MUX kind) as a valid label value. */
static void label_value_text(const char *s, char buf[static EXPORT_LABEL_SEGMENT_MAX + 1]) {
        if (export_label_value_valid(s) && strlen(s) <= EXPORT_LABEL_SEGMENT_MAX) {
                memcpy(buf, s, strlen(s) + 1);
                return;
        }
        /* Escaped like a MUX name; starts and ends alphanumeric with an "x" around it. */
        char part[EXPORT_LABEL_SEGMENT_MAX + 1];

        size_t n;

        export_label_mux_part(s, EXPORT_LABEL_SEGMENT_MAX - 2, part);
        n = strlen(part);
        buf[0] = 'x';
        memcpy(buf + 1, part, n);
        buf[n + 1] = 'x';
        buf[n + 2] = '\0';
}

/* The value of @l's field @j in @x, into *ret; false when the field is unknown (a row naming a
 * field the library does not have is not shown). */
static bool label_field(const ExportMux *x, const ExportLabel *l, size_t j, uint64_t *ret) {
        int k = export_field_lookup(export_statuses[l->status].type, l->fields[j]);

        if (k < 0)
                return false;
        *ret = x->records[l->status].values[k];
        return true;
}

/* Whether @x has a value for @l, and if so, that value as text into @buf. */
static bool label_value(const ExportMux *x, const ExportLabel *l,
                        char buf[static EXPORT_LABEL_SEGMENT_MAX + 1]) {
        bool all = true;
        uint64_t v = 0;

        switch (l->source) {
        case EXPORT_LABEL_MEMBERS:
                if (!x->kind)
                        return false;
                (void) snprintf(buf, EXPORT_LABEL_SEGMENT_MAX + 1, "%u", x->n_members);
                return true;
        case EXPORT_LABEL_KIND:
                if (!x->kind)
                        return false;
                label_value_text(x->kind, buf);
                return true;
        case EXPORT_LABEL_BOOL:
                if (!x->records[l->status].present)
                        return false;
                for (size_t j = 0; j < EXPORT_LABEL_FIELDS_MAX && l->fields[j]; j++) {
                        if (!label_field(x, l, j, &v))
                                return false;
                        all = all && v != 0;
                }
                (void) snprintf(buf, EXPORT_LABEL_SEGMENT_MAX + 1, "%s", all ? "true" : "false");
                return true;
        case EXPORT_LABEL_NUMBER:
                if (!x->records[l->status].present || !label_field(x, l, 0, &v))
                        return false;
                (void) snprintf(buf, EXPORT_LABEL_SEGMENT_MAX + 1, "%" PRIu64, v);
                return true;
        }
        return false;
}

int export_render_nfd(FILE *f, const ExportState *s, const char *prefix, time_t expiry) {
        const char *slash = strchr(prefix, '/'), *stem = slash ? slash + 1 : prefix;
        size_t n_labels = 0, longest = 0;
        char when[32];
        struct tm tm;

        if (!gmtime_r(&expiry, &tm) || strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
                return -EINVAL;
        fputs("# muxcap offload labels, written by muxcap-export(8): do not edit.\n"
              "# The labels expire unless muxcap-export renews them.\n", f);
        fprintf(f, "# +expiry-time=%s\n", when);
        /* One MUX part for all labels of a MUX, so that a selector can name them all: what fits
         * beside the longest fact. */
        for (size_t k = 0; k < export_n_labels; k++)
                if (strlen(export_labels[k].name) > longest)
                        longest = strlen(export_labels[k].name);
        for (size_t i = 0; i < s->n_muxes; i++) {
                const ExportMux *x = s->muxes[i];
                char mux[EXPORT_LABEL_SEGMENT_MAX + 1];

                export_label_mux_part(x->name,
                                      EXPORT_LABEL_SEGMENT_MAX - strlen(stem) - longest - 2, mux);
                for (size_t k = 0; k < export_n_labels; k++) {
                        const ExportLabel *l = &export_labels[k];
                        char value[EXPORT_LABEL_SEGMENT_MAX + 1];

                        if (!label_value(x, l, value))
                                continue;
                        fprintf(f, "%s.%s.%s=%s\n", prefix, mux, l->name, value);
                        n_labels++;
                }
        }
        fprintf(f, "# %zu labels\n", n_labels);
        return fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
}
