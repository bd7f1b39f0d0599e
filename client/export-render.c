/* SPDX-License-Identifier: MIT */
/* muxcap-export: the exported state and its rendering as NFD labels and Prometheus text */

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "export-render.h"
#include "muxcap/muxcap.h"

/*
 * Record types: how to decode one, and its numeric fields. Each field is one Prometheus
 * gauge family, muxcap_mux_<metric>{mux,record,type}. A field is read from the decoded
 * struct at (offset, size), or computed by @derive.
 */

struct ExportField {
        const char *metric;     /* after "muxcap_mux_"; base units as a suffix */
        const char *help;
        size_t offset;
        size_t size;
        uint64_t (*derive)(const void *record);
};

struct ExportRecordType {
        const char *name;       /* the type="" label */
        size_t record_size;     /* of the decoded struct */
        int (*decode)(const uint8_t *buf, size_t size, void *ret);
        const ExportField *fields;
        size_t n_fields;
};

#define FIELD(st, member, help_) \
        { #member, help_, offsetof(st, member), sizeof(((st *) NULL)->member), NULL }

static int decode_connection(const uint8_t *buf, size_t size, void *ret) {
        return muxcap_record_decode(buf, size, ret, NULL);
}

static uint64_t derive_chimney(const void *record) {
        return (uint64_t) muxcap_record_chimney_capable(record);
}

/* The rows of NDIS_TCP_CONNECTION_OFFLOAD (SPEC 2); their order is fixed by the enum. */
enum {
        CONN_ENCAPSULATION,
        CONN_SUPPORT_IPV4,
        CONN_SUPPORT_IPV6,
        CONN_SUPPORT_IPV6_EXTENSION_HEADERS,
        CONN_SUPPORT_SACK,
        CONN_CONGESTION_ALGORITHM,
        CONN_CAPACITY,
        CONN_FLAGS,
        CONN_CHIMNEY_CAPABLE,
        _CONN_MAX,
};

static const ExportField connection_fields[_CONN_MAX] = {
        [CONN_ENCAPSULATION] = FIELD(struct muxcap_record, encapsulation,
                "Encapsulation flags of TCP connection offload (NULL 0x1, 802.3 0x2, 802.3 P+Q 0x4, "
                "P+Q in OOB 0x8, LLC/SNAP routed 0x10; 0 not supported)."),
        [CONN_SUPPORT_IPV4] = FIELD(struct muxcap_record, support_ipv4,
                "TCP connection offload over IPv4 (1 supported, 0 not)."),
        [CONN_SUPPORT_IPV6] = FIELD(struct muxcap_record, support_ipv6,
                "TCP connection offload over IPv6 (1 supported, 0 not)."),
        [CONN_SUPPORT_IPV6_EXTENSION_HEADERS] = FIELD(struct muxcap_record,
                support_ipv6_extension_headers,
                "TCP connection offload of IPv6 with extension headers (1 supported, 0 not)."),
        [CONN_SUPPORT_SACK] = FIELD(struct muxcap_record, support_sack,
                "TCP connection offload with selective acknowledgement (1 supported, 0 not)."),
        [CONN_CONGESTION_ALGORITHM] = FIELD(struct muxcap_record, congestion_algorithm,
                "Congestion algorithm of offloaded TCP connections (0-15)."),
        [CONN_CAPACITY] = FIELD(struct muxcap_record, tcp_connection_offload_capacity,
                "TCP connections that can be offloaded at once, IPv4 and IPv6 together."),
        [CONN_FLAGS] = FIELD(struct muxcap_record, flags,
                "Flags word of the TCP connection offload record (reserved)."),
        [CONN_CHIMNEY_CAPABLE] = { "chimney_capable",
                "Whether the record describes a usable TCP chimney (802.3 or LLC/SNAP framing, "
                "IPv4 or IPv6, capacity > 0).", 0, 0, derive_chimney },
};

_Static_assert(_CONN_MAX <= EXPORT_FIELDS_MAX, "EXPORT_FIELDS_MAX too small");

static const ExportRecordType type_connection = {
        .name = "connection",
        .record_size = sizeof(struct muxcap_record),
        .decode = decode_connection,
        .fields = connection_fields,
        .n_fields = _CONN_MAX,
};

/* The task-offload record (SPEC 12, NDIS_OFFLOAD) joins as a second record type with its
 * own field rows, and two rows here (0x40020007 hardware, 0x40020006 current), once
 * libmuxcap decodes it. Its metric names must differ from the connection record's (one
 * family, one HELP: "task_flags", not "flags"); test-export-render checks the text format. */
const ExportStatus export_statuses[] = {
        { MUXCAP_STATUS_HARDWARE_CAPABILITIES, "hardware", &type_connection },
        { MUXCAP_STATUS_OFFLOAD_RESUME, "current", &type_connection },
};
const size_t export_n_statuses = sizeof(export_statuses) / sizeof(export_statuses[0]);

enum { STATUS_CONN_HW, STATUS_CONN_CUR };

int export_status_index(uint32_t code) {
        for (size_t i = 0; i < export_n_statuses; i++)
                if (export_statuses[i].code == code)
                        return (int) i;
        return -ENOENT;
}

/*
 * NFD labels: one row per fact a scheduler selects on, each named
 * [NAMESPACE/]STEM.<mux>.<label>. They follow the current configuration: what the
 * aggregate offloads now, which is what a workload gets.
 */

typedef enum LabelSource {
        LABEL_MEMBERS,
        LABEL_KIND,
        LABEL_BOOL,             /* a field, as true/false */
        LABEL_NUMBER,           /* a field, in decimal */
} LabelSource;

typedef struct ExportLabel {
        const char *name;       /* at most EXPORT_LABEL_FACT_MAX characters */
        LabelSource source;
        unsigned status;        /* index into export_statuses, for fields */
        unsigned field;         /* index into that record type's fields */
} ExportLabel;

#define EXPORT_LABEL_FACT_MAX 24

static const ExportLabel labels[] = {
        { "members", LABEL_MEMBERS, 0, 0 },
        { "kind", LABEL_KIND, 0, 0 },
        { "chimney-capable", LABEL_BOOL, STATUS_CONN_CUR, CONN_CHIMNEY_CAPABLE },
        { "tcp-connection-capacity", LABEL_NUMBER, STATUS_CONN_CUR, CONN_CAPACITY },
        { "tcp-offload-ipv4", LABEL_BOOL, STATUS_CONN_CUR, CONN_SUPPORT_IPV4 },
        { "tcp-offload-ipv6", LABEL_BOOL, STATUS_CONN_CUR, CONN_SUPPORT_IPV6 },
        /* Task record rows, once it exists: lso-v2-ipv4, lso-v2-ipv4-max-size, lso-v2-ipv6,
         * lso-v2-ipv6-max-size, uso-ipv4, uso-ipv6, checksum-tx, checksum-rx, gre-lso,
         * vxlan-lso, ipsec-esp. */
};

/* --- state ------------------------------------------------------------------------------ */

ExportMux *export_mux_new(const char *name) {
        ExportMux *x = calloc(1, sizeof(*x));

        if (!x)
                return NULL;
        x->name = strdup(name);
        x->records = calloc(export_n_statuses, sizeof(*x->records));
        x->indications = calloc(export_n_statuses, sizeof(*x->indications));
        if (!x->name || !x->records || !x->indications)
                return export_mux_free(x);
        return x;
}

ExportMux *export_mux_free(ExportMux *x) {
        if (!x)
                return NULL;
        free(x->name);
        free(x->kind);
        free(x->capacity_policy);
        free(x->records);
        free(x->indications);
        free(x);
        return NULL;
}

static uint64_t field_read(const ExportField *f, const void *record) {
        const uint8_t *p = (const uint8_t *) record + f->offset;

        if (f->derive)
                return f->derive(record);
        switch (f->size) {
        case 1:
                return *p;
        case 2: {
                uint16_t v;
                memcpy(&v, p, sizeof(v));
                return v;
        }
        case 4: {
                uint32_t v;
                memcpy(&v, p, sizeof(v));
                return v;
        }
        case 8: {
                uint64_t v;
                memcpy(&v, p, sizeof(v));
                return v;
        }
        }
        return 0;
}

int export_mux_set_record(ExportMux *x, uint32_t code, uint64_t generation, const uint8_t *buf,
                          size_t size) {
        int i = export_status_index(code);
        const ExportRecordType *t;
        ExportRecord rec = { .present = true };
        void *decoded;
        bool changed;

        if (i < 0)
                return i;
        t = export_statuses[i].type;
        decoded = calloc(1, t->record_size);
        if (!decoded)
                return -ENOMEM;
        if (!buf || t->decode(buf, size, decoded) < 0) {
                free(decoded);
                return -EBADMSG;
        }
        for (size_t k = 0; k < t->n_fields; k++)
                rec.values[k] = field_read(&t->fields[k], decoded);
        free(decoded);
        changed = x->generation != generation ||
                  memcmp(&x->records[i], &rec, sizeof(rec)) != 0;
        x->records[i] = rec;
        x->generation = generation;
        return changed;
}

static bool streq_null(const char *a, const char *b) {
        return a && b ? strcmp(a, b) == 0 : a == b;
}

int export_mux_set_info(ExportMux *x, const char *kind, const char *capacity_policy,
                        unsigned n_members) {
        char *k, *p;

        if (streq_null(x->kind, kind) && streq_null(x->capacity_policy, capacity_policy) &&
            x->n_members == n_members)
                return 0;
        k = kind ? strdup(kind) : NULL;
        p = capacity_policy ? strdup(capacity_policy) : NULL;
        if ((kind && !k) || (capacity_policy && !p)) {
                free(k);
                free(p);
                return -ENOMEM;
        }
        free(x->kind);
        free(x->capacity_policy);
        x->kind = k;
        x->capacity_policy = p;
        x->n_members = n_members;
        return 1;
}

void export_state_clear(ExportState *s) {
        for (size_t i = 0; i < s->n_muxes; i++)
                export_mux_free(s->muxes[i]);
        free(s->muxes);
        s->muxes = NULL;
        s->n_muxes = 0;
}

void export_state_done(ExportState *s) {
        export_state_clear(s);
}

/* Binary search: the index of @name, or where it would go (as ~index). */
static ptrdiff_t state_search(const ExportState *s, const char *name) {
        size_t lo = 0, hi = s->n_muxes;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(s->muxes[mid]->name, name);

                if (c == 0)
                        return (ptrdiff_t) mid;
                if (c < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return ~(ptrdiff_t) lo;
}

ExportMux *export_state_find(const ExportState *s, const char *name) {
        ptrdiff_t i = state_search(s, name);

        return i >= 0 ? s->muxes[i] : NULL;
}

ExportMux *export_state_ensure(ExportState *s, const char *name) {
        ptrdiff_t i = state_search(s, name);
        ExportMux **m, *x;
        size_t at;

        if (i >= 0)
                return s->muxes[i];
        at = (size_t) ~i;
        x = export_mux_new(name);
        if (!x)
                return NULL;
        m = realloc(s->muxes, (s->n_muxes + 1) * sizeof(*m));
        if (!m) {
                export_mux_free(x);
                return NULL;
        }
        s->muxes = m;
        memmove(&m[at + 1], &m[at], (s->n_muxes - at) * sizeof(*m));
        m[at] = x;
        s->n_muxes++;
        return x;
}

int export_state_remove(ExportState *s, const char *name) {
        ptrdiff_t i = state_search(s, name);

        if (i < 0)
                return 0;
        export_mux_free(s->muxes[i]);
        memmove(&s->muxes[i], &s->muxes[i + 1], (s->n_muxes - (size_t) i - 1) * sizeof(*s->muxes));
        s->n_muxes--;
        return 1;
}

/* --- NFD labels ------------------------------------------------------------------------- */

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

static bool label_has_value(const ExportMux *x, const ExportLabel *l) {
        switch (l->source) {
        case LABEL_MEMBERS:
        case LABEL_KIND:
                return x->kind != NULL;
        case LABEL_BOOL:
        case LABEL_NUMBER:
                return x->records[l->status].present;
        }
        return false;
}

static void label_value(const ExportMux *x, const ExportLabel *l,
                        char buf[static EXPORT_LABEL_SEGMENT_MAX + 1]) {
        uint64_t v = l->source >= LABEL_BOOL ? x->records[l->status].values[l->field] : 0;

        switch (l->source) {
        case LABEL_MEMBERS:
                (void) snprintf(buf, EXPORT_LABEL_SEGMENT_MAX + 1, "%u", x->n_members);
                break;
        case LABEL_KIND:
                label_value_text(x->kind, buf);
                break;
        case LABEL_BOOL:
                (void) snprintf(buf, EXPORT_LABEL_SEGMENT_MAX + 1, "%s", v ? "true" : "false");
                break;
        case LABEL_NUMBER:
                (void) snprintf(buf, EXPORT_LABEL_SEGMENT_MAX + 1, "%" PRIu64, v);
                break;
        }
}

int export_render_nfd(FILE *f, const ExportState *s, const char *prefix, time_t expiry) {
        const char *slash = strchr(prefix, '/'), *stem = slash ? slash + 1 : prefix;
        size_t n_labels = 0;
        char when[32];
        struct tm tm;

        if (!gmtime_r(&expiry, &tm) || strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
                return -EINVAL;
        fputs("# muxcap offload labels, written by muxcap-export(8): do not edit.\n"
              "# The labels expire unless muxcap-export renews them.\n", f);
        fprintf(f, "# +expiry-time=%s\n", when);
        for (size_t i = 0; i < s->n_muxes; i++) {
                const ExportMux *x = s->muxes[i];

                for (size_t k = 0; k < sizeof(labels) / sizeof(labels[0]); k++) {
                        const ExportLabel *l = &labels[k];
                        char mux[EXPORT_LABEL_SEGMENT_MAX + 1], value[EXPORT_LABEL_SEGMENT_MAX + 1];

                        if (!label_has_value(x, l))
                                continue;
                        export_label_mux_part(x->name,
                                              EXPORT_LABEL_SEGMENT_MAX - strlen(stem) - strlen(l->name) - 2,
                                              mux);
                        label_value(x, l, value);
                        fprintf(f, "%s.%s.%s=%s\n", prefix, mux, l->name, value);
                        n_labels++;
                }
        }
        fprintf(f, "# %zu labels\n", n_labels);
        return fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
}

/* --- Prometheus ------------------------------------------------------------------------- */

/* A label value in the text format: backslash, double quote and newline escaped. */
static void prom_string(FILE *f, const char *s) {
        fputc('"', f);
        for (; *s; s++) {
                if (*s == '\\')
                        fputs("\\\\", f);
                else if (*s == '"')
                        fputs("\\\"", f);
                else if (*s == '\n')
                        fputs("\\n", f);
                else
                        fputc(*s, f);
        }
        fputc('"', f);
}

static void prom_family(FILE *f, const char *name, const char *type, const char *help) {
        /* HELP text escapes only backslash and newline; our help strings have neither. */
        fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void prom_mux_label(FILE *f, const char *name, const ExportMux *x) {
        fprintf(f, "%s{mux=", name);
        prom_string(f, x->name);
}

int export_render_prometheus(FILE *f, const ExportState *s) {
        bool any_info = false;

        for (size_t i = 0; i < s->n_muxes; i++)
                any_info = any_info || s->muxes[i]->kind;
        if (s->n_muxes > 0 && any_info) {
                prom_family(f, "muxcap_mux_info", "gauge",
                            "A MUX muxcapd publishes: its link kind and capacity policy (always 1).");
                for (size_t i = 0; i < s->n_muxes; i++) {
                        const ExportMux *x = s->muxes[i];

                        if (!x->kind)
                                continue;
                        prom_mux_label(f, "muxcap_mux_info", x);
                        fputs(",kind=", f);
                        prom_string(f, x->kind);
                        fputs(",capacity_policy=", f);
                        prom_string(f, x->capacity_policy ? x->capacity_policy : "");
                        fputs("} 1\n", f);
                }
        }
        if (s->n_muxes > 0) {
                prom_family(f, "muxcap_mux_generation", "gauge",
                            "Generation of the MUX's records: 1 when it appears, +1 per emission.");
                for (size_t i = 0; i < s->n_muxes; i++) {
                        prom_mux_label(f, "muxcap_mux_generation", s->muxes[i]);
                        fprintf(f, "} %" PRIu64 "\n", s->muxes[i]->generation);
                }
        }
        if (s->n_muxes > 0 && any_info) {
                prom_family(f, "muxcap_mux_members", "gauge", "Member NICs and MUXes of the MUX.");
                for (size_t i = 0; i < s->n_muxes; i++) {
                        if (!s->muxes[i]->kind)
                                continue;
                        prom_mux_label(f, "muxcap_mux_members", s->muxes[i]);
                        fprintf(f, "} %u\n", s->muxes[i]->n_members);
                }
        }

        /* One family per field of each record type, its samples over MUXes and statuses. */
        for (size_t t = 0; t < export_n_statuses; t++) {
                const ExportRecordType *type = export_statuses[t].type;
                bool first_of_type = true;

                for (size_t e = 0; e < t; e++)
                        first_of_type = first_of_type && export_statuses[e].type != type;
                if (!first_of_type)
                        continue;
                for (size_t k = 0; k < type->n_fields; k++) {
                        char name[128];
                        bool any = false;

                        (void) snprintf(name, sizeof(name), "muxcap_mux_%s", type->fields[k].metric);
                        for (size_t i = 0; i < s->n_muxes; i++)
                                for (size_t st = 0; st < export_n_statuses; st++) {
                                        const ExportMux *x = s->muxes[i];

                                        if (export_statuses[st].type != type ||
                                            !x->records[st].present)
                                                continue;
                                        if (!any)
                                                prom_family(f, name, "gauge", type->fields[k].help);
                                        any = true;
                                        prom_mux_label(f, name, x);
                                        fprintf(f, ",record=\"%s\",type=\"%s\"} %" PRIu64 "\n",
                                                export_statuses[st].record, type->name,
                                                x->records[st].values[k]);
                                }
                }
        }

        if (s->n_muxes > 0) {
                prom_family(f, "muxcap_indications_total", "counter",
                            "StatusIndication signals received for the MUX, by status code.");
                for (size_t i = 0; i < s->n_muxes; i++)
                        for (size_t st = 0; st < export_n_statuses; st++) {
                                prom_mux_label(f, "muxcap_indications_total", s->muxes[i]);
                                fprintf(f, ",status=\"0x%08" PRIx32 "\"} %" PRIu64 "\n",
                                        export_statuses[st].code, s->muxes[i]->indications[st]);
                        }
        }
        prom_family(f, "muxcap_daemon_up", "gauge",
                    "Whether muxcapd runs and its state was read (1), or not (0).");
        fprintf(f, "muxcap_daemon_up %d\n", s->daemon_up ? 1 : 0);
        return fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
}
