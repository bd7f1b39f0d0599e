/* SPDX-License-Identifier: MIT */
/* muxcap-export's client tests: records as the daemon sends them, and rendering to a string */
#undef NDEBUG
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export-nfd.h"
#include "export-prometheus.h"
#include "export-state.h"
#include "muxcap/muxcap.h"
#include "test-export-util.h"

void test_set_record(ExportMux *x, uint32_t code, uint64_t gen, const char *fields) {
        int st = export_status_index(code);
        bool task = st >= 0 && strcmp(export_statuses[st].type->name, "task") == 0;
        struct muxcap_task_record t;
        struct muxcap_record r;
        uint8_t buf[MUXCAP_TASK_RECORD_SIZE > MUXCAP_RECORD_SIZE ? MUXCAP_TASK_RECORD_SIZE
                                                                : MUXCAP_RECORD_SIZE];
        char *copy = strdup(fields), *save = NULL;

        assert(st >= 0 && copy);
        muxcap_record_init(&r);
        muxcap_task_record_init(&t);
        for (char *kv = strtok_r(copy, " ", &save); kv; kv = strtok_r(NULL, " ", &save)) {
                char *eq = strchr(kv, '=');

                assert(eq);
                *eq = '\0';
                assert((task ? muxcap_task_record_set_field(&t, kv, eq + 1, NULL)
                             : muxcap_record_set_field(&r, kv, eq + 1, NULL)) == 0);
        }
        free(copy);
        assert((task ? muxcap_task_record_encode(&t, buf, NULL)
                     : muxcap_record_encode(&r, buf, NULL)) == 0);
        assert(export_mux_set_record(x, code, gen, buf,
                                     task ? MUXCAP_TASK_RECORD_SIZE : MUXCAP_RECORD_SIZE) >= 0);
}

static char *render(const ExportState *s, const char *prefix, const char *metrics) {
        ExportMetrics m;
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        assert(f);
        if (prefix)
                assert(export_render_nfd(f, s, prefix, TEST_EXPIRY) == 0);
        else {
                assert(export_metrics_parse(metrics, &m, &(const char *) { NULL }) == 0);
                assert(export_render_prometheus(f, s, &m) == 0);
        }
        assert(fclose(f) == 0);
        return buf;
}

char *test_render_nfd(const ExportState *s, const char *prefix) {
        return render(s, prefix, NULL);
}

char *test_render_prometheus(const ExportState *s, const char *metrics) {
        return render(s, NULL, metrics);
}
