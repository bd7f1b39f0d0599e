/* SPDX-License-Identifier: MIT */
/* muxcap-export: what is exported, as data: record types and their fields, statuses, labels */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "export-tables.h"
#include "muxcap/muxcap.h"

/* A field row read from the decoded struct @st's @member. */
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

/*
 * The task-offload record (SPEC 12, NDIS_OFFLOAD): its fields are libmuxcap's list, not rows
 * here. A family is named by the field's JSON key (muxcap_mux_lso_v2_ipv4_max_offload_size
 * ..._bytes): the library keeps an index's meaning and names for good, the keys are
 * [a-z0-9_] snake case of the NDIS member path, documented (proto/OFFLOAD.md) and the same
 * as muxcapctl's --json, and each begins with its NDIS member ("checksum_", "lso_v2_",
 * "offload_flags"), so none clashes with a connection field. A table of a hundred rows would
 * only copy that list and miss what a later libmuxcap adds.
 */
static int decode_task(const uint8_t *buf, size_t size, void *ret) {
        return muxcap_task_record_decode(buf, size, ret, NULL);
}

static uint64_t task_value(const void *record, size_t i) {
        return ((const struct muxcap_task_record *) record)->value[i];
}

static const ExportRecordType type_task = {
        .name = "task",
        .record_size = sizeof(struct muxcap_task_record),
        .decode = decode_task,
        .list_count = muxcap_task_field_count,
        .list_json = muxcap_task_field_json,
        .list_name = muxcap_task_field_name,
        .list_value = task_value,
};

/* Sizes are in bytes (the NDIS maxima of LSO, USO and encapsulated headers), and named so. */
static const char *const size_suffixes[] = { "_max_offload_size", "_max_header_size_supported" };

static bool is_size(const char *key) {
        size_t n = strlen(key);

        for (size_t i = 0; i < sizeof(size_suffixes) / sizeof(size_suffixes[0]); i++) {
                size_t m = strlen(size_suffixes[i]);

                if (n >= m && strcmp(key + n - m, size_suffixes[i]) == 0)
                        return true;
        }
        return false;
}

size_t export_type_n_fields(const ExportRecordType *t) {
        size_t n;

        if (t->fields)
                return t->n_fields;
        n = t->list_count();
        return n < EXPORT_FIELDS_MAX ? n : EXPORT_FIELDS_MAX;
}

int export_field_metric(const ExportRecordType *t, size_t k, char buf[static EXPORT_METRIC_MAX]) {
        const char *key = t->fields ? t->fields[k].metric : t->list_json(k);
        int n;

        if (!key || !*key)
                return -EINVAL;
        for (const char *p = key; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
                        return -EINVAL;
        n = snprintf(buf, EXPORT_METRIC_MAX, "muxcap_mux_%s%s", key,
                     !t->fields && is_size(key) ? "_bytes" : "");
        return n > 0 && n < EXPORT_METRIC_MAX ? 0 : -ENOBUFS;
}

void export_field_help(const ExportRecordType *t, size_t k, char buf[static EXPORT_HELP_MAX]) {
        const char *name;

        if (t->fields) {
                (void) snprintf(buf, EXPORT_HELP_MAX, "%s", t->fields[k].help);
                return;
        }
        name = t->list_name(k);
        (void) snprintf(buf, EXPORT_HELP_MAX, "Task offload (NDIS_OFFLOAD) field %s%s.",
                        name ? name : "?", is_size(t->list_json(k)) ? ", in bytes" : "");
}

uint64_t export_field_value(const ExportRecordType *t, size_t k, const void *record) {
        const ExportField *f;
        const uint8_t *p;

        if (!t->fields)
                return t->list_value(record, k);
        f = &t->fields[k];
        if (f->derive)
                return f->derive(record);
        p = (const uint8_t *) record + f->offset;
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

int export_field_lookup(const ExportRecordType *t, const char *key) {
        size_t n = export_type_n_fields(t);

        for (size_t k = 0; k < n; k++) {
                const char *m = t->fields ? t->fields[k].metric : t->list_json(k);

                if (m && strcmp(m, key) == 0)
                        return (int) k;
        }
        return -ENOENT;
}

/* In indication order (SPEC 12). */
const ExportStatus export_statuses[] = {
        { MUXCAP_STATUS_HARDWARE_CAPABILITIES, "hardware", &type_connection },
        { MUXCAP_STATUS_OFFLOAD_RESUME, "current", &type_connection },
        { MUXCAP_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES, "hardware", &type_task },
        { MUXCAP_STATUS_TASK_OFFLOAD_CURRENT_CONFIG, "current", &type_task },
};
const size_t export_n_statuses = sizeof(export_statuses) / sizeof(export_statuses[0]);

enum { STATUS_CONN_HW, STATUS_CONN_CUR, STATUS_TASK_HW, STATUS_TASK_CUR };

/* A linear walk: there are a handful of rows. */
int export_status_index(uint32_t code) {
        for (size_t i = 0; i < export_n_statuses; i++)
                if (export_statuses[i].code == code)
                        return (int) i;
        return -ENOENT;
}

/* The NFD labels (export-tables.h); a row names its fields by export_field_lookup() keys.
 * An offload of the task record is on when its Encapsulation is (NDIS: 0 is "not
 * supported"); a checksum when both TCP and UDP are; a tunnel's LSO when any of its inner or
 * outer families is. */
#define CONN(name, source, field) { name, source, STATUS_CONN_CUR, { field, NULL } }
#define TASK(name, source, ...) { name, source, STATUS_TASK_CUR, { __VA_ARGS__ } }
const ExportLabel export_labels[] = {
        { "members", EXPORT_LABEL_MEMBERS, 0, { NULL, NULL } },
        { "kind", EXPORT_LABEL_KIND, 0, { NULL, NULL } },
        CONN("chimney-capable", EXPORT_LABEL_BOOL, "chimney_capable"),
        CONN("tcp-connection-capacity", EXPORT_LABEL_NUMBER, "tcp_connection_offload_capacity"),
        CONN("tcp-offload-ipv4", EXPORT_LABEL_BOOL, "support_ipv4"),
        CONN("tcp-offload-ipv6", EXPORT_LABEL_BOOL, "support_ipv6"),
        TASK("lso-v2-ipv4", EXPORT_LABEL_BOOL, "lso_v2_ipv4_encapsulation"),
        TASK("lso-v2-ipv4-max-size", EXPORT_LABEL_NUMBER, "lso_v2_ipv4_max_offload_size"),
        TASK("lso-v2-ipv6", EXPORT_LABEL_BOOL, "lso_v2_ipv6_encapsulation"),
        TASK("lso-v2-ipv6-max-size", EXPORT_LABEL_NUMBER, "lso_v2_ipv6_max_offload_size"),
        TASK("uso-ipv4", EXPORT_LABEL_BOOL, "udp_segmentation_ipv4_encapsulation"),
        TASK("uso-ipv6", EXPORT_LABEL_BOOL, "udp_segmentation_ipv6_encapsulation"),
        TASK("checksum-tx-ipv4", EXPORT_LABEL_BOOL, "checksum_ipv4_transmit_tcp_checksum",
             "checksum_ipv4_transmit_udp_checksum"),
        TASK("checksum-tx-ipv6", EXPORT_LABEL_BOOL, "checksum_ipv6_transmit_tcp_checksum",
             "checksum_ipv6_transmit_udp_checksum"),
        TASK("checksum-rx-ipv4", EXPORT_LABEL_BOOL, "checksum_ipv4_receive_tcp_checksum",
             "checksum_ipv4_receive_udp_checksum"),
        TASK("checksum-rx-ipv6", EXPORT_LABEL_BOOL, "checksum_ipv6_receive_tcp_checksum",
             "checksum_ipv6_receive_udp_checksum"),
        TASK("gre-lso", EXPORT_LABEL_BOOL, "encapsulated_packet_task_offload_gre_lso_v2_supported"),
        TASK("vxlan-lso", EXPORT_LABEL_BOOL,
             "encapsulated_packet_task_offload_vxlan_lso_v2_supported"),
        TASK("ipsec-esp", EXPORT_LABEL_BOOL, "ipsec_v2_esp"),
};
const size_t export_n_labels = sizeof(export_labels) / sizeof(export_labels[0]);

_Static_assert(sizeof(export_statuses) / sizeof(export_statuses[0]) <= EXPORT_STATUSES_MAX,
               "EXPORT_STATUSES_MAX too small");

/* The curated set (SPEC 13): what an operator alerts on, in at most 30 series per MUX with
 * muxcap_mux_info, _generation, _members and the four muxcap_indications_total. The maximum
 * sizes come from both records (a member change lowers the hardware one, an administrator
 * the current one); whether an offload is on, from the current configuration, which is what
 * workloads get. Support is an Encapsulation not 0, as for the NFD labels. The connection
 * record's facts only where a source declared an engine: on Linux they are 0 otherwise. */
#define BOTH(field) { STATUS_TASK_HW, field, NULL }, { STATUS_TASK_CUR, field, NULL }
#define CURRENT(field) { STATUS_TASK_CUR, field, NULL }
#define DECLARED(field) { STATUS_CONN_CUR, field, "tcp_connection_offload_capacity" }
const ExportMetricRow export_default_metrics[] = {
        BOTH("lso_v2_ipv4_max_offload_size"),
        BOTH("lso_v2_ipv6_max_offload_size"),
        BOTH("udp_segmentation_ipv4_max_offload_size"),
        BOTH("udp_segmentation_ipv6_max_offload_size"),
        CURRENT("lso_v2_ipv4_encapsulation"),
        CURRENT("lso_v2_ipv6_encapsulation"),
        CURRENT("udp_segmentation_ipv4_encapsulation"),
        CURRENT("udp_segmentation_ipv6_encapsulation"),
        CURRENT("checksum_ipv4_transmit_tcp_checksum"),
        CURRENT("checksum_ipv6_transmit_tcp_checksum"),
        CURRENT("checksum_ipv4_receive_tcp_checksum"),
        CURRENT("checksum_ipv6_receive_tcp_checksum"),
        CURRENT("encapsulated_packet_task_offload_gre_lso_v2_supported"),
        CURRENT("encapsulated_packet_task_offload_vxlan_lso_v2_supported"),
        CURRENT("ipsec_v2_esp"),
        CURRENT("rsc_ipv4_enabled"),    /* LRO and hardware GRO are not per family on Linux */
        DECLARED("chimney_capable"),
        DECLARED("tcp_connection_offload_capacity"),
};
const size_t export_n_default_metrics =
        sizeof(export_default_metrics) / sizeof(export_default_metrics[0]);

static void metrics_set_all(ExportMetrics *m, int16_t v) {
        for (size_t st = 0; st < EXPORT_STATUSES_MAX; st++)
                for (size_t k = 0; k < EXPORT_FIELDS_MAX; k++)
                        m->show[st][k] = v;
}

/* The curated rows; a row naming a field this libmuxcap lacks is left out. */
static void metrics_add_defaults(ExportMetrics *m) {
        for (size_t i = 0; i < export_n_default_metrics; i++) {
                const ExportMetricRow *row = &export_default_metrics[i];
                const ExportRecordType *t = export_statuses[row->status].type;
                int k = export_field_lookup(t, row->field);
                int w = row->when ? export_field_lookup(t, row->when) : EXPORT_SHOW_ALWAYS;

                if (k < 0 || (row->when && w < 0))
                        continue;
                /* a family a list names for both records keeps being shown everywhere */
                if (m->show[row->status][k] != EXPORT_SHOW_ALWAYS)
                        m->show[row->status][k] = (int16_t) w;
        }
}

/* Every record of the type that has the family @name; false if none has. */
static bool metrics_add_family(ExportMetrics *m, const char *name) {
        bool found = false;

        for (size_t st = 0; st < export_n_statuses; st++) {
                const ExportRecordType *t = export_statuses[st].type;

                for (size_t k = 0, n = export_type_n_fields(t); k < n; k++) {
                        char metric[EXPORT_METRIC_MAX];

                        if (export_field_metric(t, k, metric) < 0 || strcmp(metric, name) != 0)
                                continue;
                        m->show[st][k] = EXPORT_SHOW_ALWAYS;
                        found = true;
                }
        }
        return found;
}

/* Tokens in order, each adding to what the ones before chose; @ret only on success. */
int export_metrics_parse(const char *value, ExportMetrics *ret, const char **reterr_reason) {
        static const char separators[] = ", \t";
        static const char unknown[] = "unknown family (expected default, all, or muxcap_mux_FIELD "
                                      "names; see muxcap-export(8))";
        ExportMetrics m;
        size_t n = 0;

        metrics_set_all(&m, EXPORT_SHOW_NEVER);
        for (const char *s = value; *(s += strspn(s, separators)); n++) {
                size_t len = strcspn(s, separators);
                char name[EXPORT_METRIC_MAX];

                if (len >= sizeof(name)) {
                        *reterr_reason = unknown;
                        return -EINVAL;
                }
                memcpy(name, s, len);
                name[len] = '\0';
                s += len;
                if (strcmp(name, "all") == 0)
                        metrics_set_all(&m, EXPORT_SHOW_ALWAYS);
                else if (strcmp(name, "default") == 0)
                        metrics_add_defaults(&m);
                else if (!metrics_add_family(&m, name)) {
                        *reterr_reason = unknown;
                        return -EINVAL;
                }
        }
        if (n == 0) {
                *reterr_reason = "expected default, all, or a list of muxcap_mux_FIELD names";
                return -EINVAL;
        }
        *ret = m;
        return 0;
}

/* A lookup: the choice was resolved to field indexes when it was parsed. */
bool export_metrics_shows(const ExportMetrics *m, size_t st, size_t k, const uint64_t *values) {
        int16_t v = m->show[st][k];

        return v == EXPORT_SHOW_ALWAYS || (v >= 0 && values[v] != 0);
}
