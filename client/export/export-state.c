/* SPDX-License-Identifier: MIT */
/* muxcap-export: the exported state, one entry per MUX with its records as field values */

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "export-state.h"

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
        for (size_t k = 0, n = export_type_n_fields(t); k < n; k++)
                rec.values[k] = export_field_value(t, k, decoded);
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
