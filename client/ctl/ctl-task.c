/* SPDX-License-Identifier: MIT */
/* muxcapctl show and explain: the task-offload records (--records=task|all), through the
 * public API only */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "muxcap/muxcap.h"

static const struct {
        uint32_t code;
        const char *title;
        const char *json;
} task_records[] = {
        { MUXCAP_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES, "task-offload hardware capabilities",
          "task_offload_hardware_capabilities" },
        { MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG, "task-offload current config",
          "task_offload_current_config" },
};

static int get_task_record(struct muxcap_client *c, const char *mux, uint32_t code,
                           struct muxcap_task_record *ret) {
        uint8_t buf[512];
        size_t n = 0;
        int r = muxcap_client_get_record(c, mux, code, NULL, buf, sizeof(buf), &n);

        if (r < 0)
                return r;
        return muxcap_task_record_decode(buf, n, ret, NULL) < 0 ? -EBADMSG : 0;
}

/* A member's two task records: a NIC's, else a nested MUX's. */
static int get_member_task(struct muxcap_client *c, const char *name, struct muxcap_task_record *hw,
                           struct muxcap_task_record *cur) {
        int r = muxcap_client_get_nic_task(c, name, hw, cur);

        if (r != -ENOENT)
                return r;
        r = get_task_record(c, name, task_records[0].code, hw);
        return r < 0 ? r : get_task_record(c, name, task_records[1].code, cur);
}

/* The value as show prints it: yes/no, masks in hex with names, numbers in decimal. */
static void format_value(const struct muxcap_task_record *r, size_t i, char *buf, size_t size) {
        char text[128], number[16];

        if (muxcap_task_record_format_field(r, i, text, sizeof(text)) < 0)
                text[0] = '\0';
        snprintf(number, sizeof(number), "%" PRIu32, r->value[i]);
        if (strcmp(text, number) == 0 || strcmp(text, "yes") == 0 || strcmp(text, "no") == 0)
                snprintf(buf, size, "%s", text);
        else
                snprintf(buf, size, "0x%" PRIx32 " (%s)", r->value[i], text);
}

/* One record with the member and source of each field (ExplainRecord), as text or as the
 * members of a JSON object. */
static void print_record(const Ctl *ctl, const struct muxcap_task_record *r,
                         const struct muxcap_explanation *e, size_t n_e) {
        size_t n = muxcap_task_field_count(), wname = 5, wvalue = 5, wmember = 6;

        if (ctl->json) {
                ctl_print_task_record(stdout, r, true);
                fputs(",\"sources\":{", stdout);
                for (size_t i = 0; i < n_e; i++) {
                        fputs(i ? "," : "", stdout);
                        ctl_print_json_string(stdout, e[i].field);
                        fputs(":{\"member\":", stdout);
                        ctl_print_json_string(stdout, e[i].member);
                        fputs(",\"source\":", stdout);
                        ctl_print_json_string(stdout, e[i].source);
                        fputc('}', stdout);
                }
                fputc('}', stdout);
                return;
        }
        for (size_t i = 0; i < n; i++) {
                char v[160];

                format_value(r, i, v, sizeof(v));
                if (strlen(muxcap_task_field_name(i)) > wname)
                        wname = strlen(muxcap_task_field_name(i));
                if (strlen(v) > wvalue)
                        wvalue = strlen(v);
                if (i < n_e && strlen(e[i].member) > wmember)
                        wmember = strlen(e[i].member);
        }
        printf("  %-*s  %-*s  %-*s  %s\n", (int) wname, "FIELD", (int) wvalue, "VALUE",
               (int) wmember, "MEMBER", "SOURCE");
        for (size_t i = 0; i < n; i++) {
                const char *member = i < n_e && e[i].member[0] ? e[i].member : "-";
                const char *source = i < n_e && e[i].source[0] ? e[i].source : "-";
                char v[160];

                format_value(r, i, v, sizeof(v));
                printf("  %-*s  %-*s  %-*s  %s\n", (int) wname, muxcap_task_field_name(i),
                       (int) wvalue, v, (int) wmember, member, source);
        }
}

/* After show's connection part: MUX @mux's two task records with their sources, then each
 * member's as one summary line (text), or `,"task_offload":{...}` (JSON). */
int ctl_show_task(const Ctl *ctl, struct muxcap_client *c, const char *mux,
                  char *const *members, size_t n_members) {
        if (ctl->json)
                fputs(",\"task_offload\":{", stdout);
        for (size_t k = 0; k < 2; k++) {
                struct muxcap_task_record rec;
                struct muxcap_explanation *e = NULL;
                size_t n_e = 0;
                int r = get_task_record(c, mux, task_records[k].code, &rec);

                if (r >= 0)
                        r = muxcap_client_explain_record(c, mux, task_records[k].code, &e, &n_e);
                if (r < 0)
                        return r;
                if (ctl->json) {
                        printf("%s\"%s\":{\"status_code\":%" PRIu32 ",", k ? "," : "",
                               task_records[k].json, task_records[k].code);
                        print_record(ctl, &rec, e, n_e);
                        fputc('}', stdout);
                } else {
                        printf("\n%s (%s):\n", task_records[k].title,
                               ctl_status_code_label(task_records[k].code));
                        print_record(ctl, &rec, e, n_e);
                }
                e = muxcap_explanations_free(e, n_e);
        }
        if (ctl->json)
                fputs(",\"members\":[", stdout);
        for (size_t i = 0; i < n_members; i++) {
                struct muxcap_task_record hw, cur;
                char s1[256], s2[256];
                int r = get_member_task(c, members[i], &hw, &cur);

                if (r == -ENOENT)
                        continue;       /* gone since */
                if (r < 0)
                        return r;
                if (ctl->json) {
                        fputs(i ? ",{\"name\":" : "{\"name\":", stdout);
                        ctl_print_json_string(stdout, members[i]);
                        fputs(",\"hardware\":{", stdout);
                        ctl_print_task_record(stdout, &hw, true);
                        fputs("},\"current_config\":{", stdout);
                        ctl_print_task_record(stdout, &cur, true);
                        fputs("}}", stdout);
                        continue;
                }
                ctl_format_task_summary(&hw, s1, sizeof(s1));
                ctl_format_task_summary(&cur, s2, sizeof(s2));
                printf("\nmember %s (task-offload):\n  %-9s %s\n  %-9s %s\n", members[i],
                       "hardware", s1, "current", s2);
        }
        if (ctl->json)
                fputs("]}", stdout);
        return 0;
}

/* explain with --records=task|all: the task hardware record's fields, after the connection
 * record's when @first is false (text: one table; JSON: more entries of "fields"). */
int ctl_explain_task(const Ctl *ctl, struct muxcap_client *c, const char *mux, bool first) {
        struct muxcap_explanation *e = NULL;
        size_t n = 0;
        int r = muxcap_client_explain_record(c, mux, task_records[0].code, &e, &n);

        if (r < 0)
                return r;
        if (!ctl->json && !first)
                putchar('\n');
        ctl_print_explanations(stdout, e, n, ctl->json, first);
        e = muxcap_explanations_free(e, n);
        return 0;
}

/* explain with --records=task|all, last: the fields where the MUX device advertises more than
 * its members have, and the member that lacks each (text: a table after a title; JSON: the
 * "advertised" array, after "fields"). */
int ctl_explain_advertised(const Ctl *ctl, struct muxcap_client *c, const char *mux) {
        struct muxcap_advertised *a = NULL;
        size_t n = 0, wfield = 5, wadv = 10, wagg = 9;
        int r = muxcap_client_explain_advertised(c, mux, &a, &n);

        if (r < 0)
                return r;
        if (ctl->json) {
                fputs("],\"advertised\":[", stdout);
                for (size_t i = 0; i < n; i++) {
                        fputs(i ? ",{\"field\":" : "{\"field\":", stdout);
                        ctl_print_json_string(stdout, a[i].field);
                        fputs(",\"advertised\":", stdout);
                        ctl_print_json_string(stdout, a[i].advertised);
                        fputs(",\"aggregate\":", stdout);
                        ctl_print_json_string(stdout, a[i].aggregate);
                        fputs(",\"member\":", stdout);
                        ctl_print_json_string(stdout, a[i].member);
                        fputc('}', stdout);
                }
        } else if (n > 0) {
                for (size_t i = 0; i < n; i++) {
                        wfield = strlen(a[i].field) > wfield ? strlen(a[i].field) : wfield;
                        wadv = strlen(a[i].advertised) > wadv ? strlen(a[i].advertised) : wadv;
                        wagg = strlen(a[i].aggregate) > wagg ? strlen(a[i].aggregate) : wagg;
                }
                printf("\n%s advertises more than its members have:\n", mux);
                printf("%-*s  %-*s  %-*s  %s\n", (int) wfield, "FIELD", (int) wadv, "ADVERTISED",
                       (int) wagg, "AGGREGATE", "LACKING MEMBER");
                for (size_t i = 0; i < n; i++)
                        printf("%-*s  %-*s  %-*s  %s\n", (int) wfield, a[i].field, (int) wadv,
                               a[i].advertised, (int) wagg, a[i].aggregate,
                               a[i].member[0] ? a[i].member : "- (no members)");
        }
        a = muxcap_advertised_free(a, n);
        return 0;
}
