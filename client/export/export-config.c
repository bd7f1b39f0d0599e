/* SPDX-License-Identifier: MIT */
/* muxcap-export: settings from the config file and the command line */

#include <errno.h>
#include <fnmatch.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export-config.h"
#include "export-nfd.h"

static void strv_free(char **v) {
        for (size_t i = 0; v && v[i]; i++)
                free(v[i]);
        free(v);
}

static int set_string(char **slot, const char *value, bool empty_is_null) {
        char *s = NULL;

        if (!(empty_is_null && !*value)) {
                s = strdup(value);
                if (!s)
                        return -ENOMEM;
        }
        free(*slot);
        *slot = s;
        return 0;
}

int export_config_init(ExportConfig *c) {
        *c = (ExportConfig) { .nfd_expiry_sec = EXPORT_DEFAULT_NFD_EXPIRY_SEC };
        c->nfd_file = strdup(EXPORT_DEFAULT_NFD_FILE);
        c->prom_file = strdup(EXPORT_DEFAULT_PROM_FILE);
        c->label_prefix = strdup(EXPORT_DEFAULT_LABEL_PREFIX);
        if (!c->nfd_file || !c->prom_file || !c->label_prefix ||
            export_metrics_parse(EXPORT_DEFAULT_METRICS, &c->metrics,
                                 &(const char *) { NULL }) < 0) {
                export_config_done(c);
                return -ENOMEM;
        }
        return 0;
}

void export_config_done(ExportConfig *c) {
        free(c->bus);
        free(c->nfd_file);
        free(c->prom_file);
        free(c->label_prefix);
        strv_free(c->muxes);
        *c = (ExportConfig) { 0 };
}

static int set_muxes(ExportConfig *c, const char *value, const char **reterr_reason) {
        char **v = calloc(1, sizeof(char *));
        size_t n = 0;

        if (!v)
                return -ENOMEM;
        for (const char *s = value; *(s += strspn(s, " \t")); ) {
                size_t len = strcspn(s, " \t");
                char **nv = realloc(v, (n + 2) * sizeof(char *));

                if (!nv || !(nv[n] = strndup(s, len))) {
                        strv_free(nv ? nv : v);
                        return -ENOMEM;
                }
                v = nv;
                v[++n] = NULL;
                s += len;
        }
        if (n == 0) {
                strv_free(v);
                *reterr_reason = "expected one or more MUX names or globs";
                return -EINVAL;
        }
        strv_free(c->muxes);
        c->muxes = v;
        return 0;
}

int export_config_set(ExportConfig *c, const char *key, const char *value,
                      const char **reterr_reason) {
        const char *reason = NULL;

        if (strcmp(key, "Bus") == 0)
                return set_string(&c->bus, value, true);
        if (strcmp(key, "NfdFile") == 0 || strcmp(key, "PrometheusFile") == 0) {
                if (*value && value[strlen(value) - 1] == '/') {
                        *reterr_reason = "expected a file path, not a folder";
                        return -EINVAL;
                }
                return set_string(key[0] == 'N' ? &c->nfd_file : &c->prom_file, value, true);
        }
        if (strcmp(key, "LabelPrefix") == 0) {
                if (export_label_prefix_check(value, &reason) < 0) {
                        *reterr_reason = reason;
                        return -EINVAL;
                }
                return set_string(&c->label_prefix, value, false);
        }
        if (strcmp(key, "Muxes") == 0)
                return set_muxes(c, value, reterr_reason);
        if (strcmp(key, "Metrics") == 0)
                return export_metrics_parse(value, &c->metrics, reterr_reason);
        if (strcmp(key, "NfdExpirySec") == 0) {
                char *end;
                unsigned long v;

                errno = 0;
                v = strtoul(value, &end, 10);
                if (errno || end == value || *end || value[0] == '-' || v < 10 || v > 7u * 86400) {
                        *reterr_reason = "expected seconds, from 10 to 604800";
                        return -EINVAL;
                }
                c->nfd_expiry_sec = (unsigned) v;
                return 0;
        }
        return -ENOENT;
}

typedef struct Loader {
        ExportConfig *config;
        char *message;          /* owned: the first error, without FILE:LINE */
} Loader;

static int handler(void *userdata, const char *section, const char *key, const char *value) {
        Loader *l = userdata;
        const char *reason = "invalid value";
        int r;

        if (l->message)
                return 0;
        if (strcmp(section, "Export") != 0) {
                if (asprintf(&l->message, "unknown section '[%s]' (expected [Export])", section) < 0)
                        l->message = NULL;
                return 0;
        }
        r = export_config_set(l->config, key, value, &reason);
        if (r == -ENOENT) {
                if (asprintf(&l->message, "unknown key '%s'", key) < 0)
                        l->message = NULL;
                return 0;
        }
        if (r < 0) {
                if (asprintf(&l->message, "%s='%s': %s", key, value,
                             r == -ENOMEM ? "out of memory" : reason) < 0)
                        l->message = NULL;
                return 0;
        }
        return 1;
}

int export_config_load(ExportConfig *c, const char *path, bool must_exist, char **reterr_message) {
        Loader l = { .config = c };
        FILE *f = fopen(path, "re");
        int line;

        if (!f) {
                int r = -errno;

                if (r == -ENOENT && !must_exist)
                        return 0;
                if (asprintf(reterr_message, "%s: %s", path, strerror(-r)) < 0)
                        *reterr_message = NULL;
                return r;
        }
        line = ini_parse_file(f, handler, &l);
        fclose(f);
        if (line == 0)
                return 0;
        if (asprintf(reterr_message, "%s:%d: %s", path, line,
                     l.message ? l.message : "syntax error (expected [Section] or Key=Value)") < 0)
                *reterr_message = NULL;
        free(l.message);
        return -EINVAL;
}

bool export_config_wants_mux(const ExportConfig *c, const char *name) {
        if (!c->muxes || !c->muxes[0])
                return true;
        for (size_t i = 0; c->muxes[i]; i++)
                if (fnmatch(c->muxes[i], name, 0) == 0)
                        return true;
        return false;
}
