/* SPDX-License-Identifier: MIT */
/* Unit tests of daemon/nic.c: a NIC holds the MUXCAP_* values it has, of either record type;
 * replacing, dropping and adding them says whether anything changed, and the records follow.
 * Its settled records, held encoded, come back exactly as they were set */
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "nic.h"
#include "schemas.h"

static void test_udev_values_are_replaced_dropped_and_added(void) {
        const char *props[_FIELD_MAX] = { 0 }, *task[_TASK_FIELD_MAX] = { 0 };
        int sack = schema_field_from_name(&schema_tcp_connection_offload, "SupportSack");
        int v4 = schema_field_from_name(&schema_tcp_connection_offload, "SupportIPv4");
        RecordValue r[NIC_RECORDS];
        Nic *n;

        assert(sack >= 0 && v4 >= 0);
        assert(nic_new(&n, 7) == 0 && nic_set_name(n, "eth0") == 1);
        assert(nic_set_udev_props(n, props) == 0 && n->n_udev == 0);

        props[sack] = "yes";
        props[v4] = "bogus";
        assert(nic_set_udev_props(n, props) == 1 && n->n_udev == 2);
        assert(nic_set_udev_props(n, props) == 0);
        nic_compute_records(n, NULL, r);
        assert(value_get(&r[0], (size_t) sack) == 1 && nic_sources(n, 0)[sack] == SOURCE_UDEV);
        assert(nic_sources(n, 0)[v4] == SOURCE_KERNEL);
        assert(streq(nic_udev_bad_value(n, &schema_tcp_connection_offload, (size_t) v4), "bogus"));

        /* The task record's values live beside them, and do not disturb them. */
        task[0] = "1";
        assert(nic_set_task_udev_props(n, task) == 1 && n->n_udev == 3);
        assert(nic_set_udev_props(n, props) == 0);

        /* A fixed value clears its "bad" note; a dropped one goes. */
        props[v4] = "no";
        props[sack] = NULL;
        assert(nic_set_udev_props(n, props) == 1 && n->n_udev == 2);
        nic_compute_records(n, NULL, r);
        assert(value_get(&r[0], (size_t) v4) == 0 && nic_sources(n, 0)[v4] == SOURCE_UDEV);
        assert(nic_sources(n, 0)[sack] == SOURCE_KERNEL);
        assert(!nic_udev_bad_value(n, &schema_tcp_connection_offload, (size_t) v4));
        assert(nic_sources(n, 2)[0] == SOURCE_UDEV);

        memset(task, 0, sizeof(task));
        assert(nic_set_task_udev_props(n, task) == 1 && n->n_udev == 1);
        nic_free(n);
}

/* A NIC holds its settled records encoded: each comes back exactly as it was set, with every
 * field at its largest (what its bits hold, and what text may give), at 0, and at a pattern
 * that tells neighbouring fields apart; setting the same record again changes nothing, and a
 * value wider than its field is refused with the record kept. */
static void test_settled_records_round_trip_every_field(void) {
        Nic *n;

        assert(nic_new(&n, 7) == 0);
        for (size_t k = 0; k < NIC_RECORDS; k++) {
                const RecordSchema *s = nic_record_schema(k);
                RecordValue v, back, all, empty;

                /* A new NIC holds empty records, as their wire form too. */
                nic_settled_get(n, k, &empty);
                value_init(&v, s);
                assert(empty.schema == s && value_equal(&empty, &v));
                assert(nic_settled_set(n, k, &v) == 0);
                {
                        uint8_t held[SCHEMA_SIZE_MAX], wire[SCHEMA_SIZE_MAX];

                        assert(nic_settled_encoded(n, k, held) == s->size);
                        assert(schema_encode(&v, wire, sizeof(wire), NULL) == 0);
                        assert(memcmp(held, wire, s->size) == 0);
                }

                value_init(&all, s);
                for (size_t f = 0; f < s->n_fields; f++) {
                        uint32_t wire = schema_field_wire_max(s, f);

                        assert(value_set(&all, f, wire) == 0);
                        for (int pass = 0; pass < 2; pass++) {
                                RecordValue held;

                                nic_settled_get(n, k, &held);
                                value_init(&v, s);
                                assert(value_set(&v, f, pass ? s->fields[f].max : wire) == 0);
                                assert(nic_settled_set(n, k, &v) == !value_equal(&held, &v));
                                assert(nic_settled_set(n, k, &v) == 0);
                                nic_settled_get(n, k, &back);
                                assert(value_equal(&v, &back) && value_get(&back, f) == v.v[f]);
                        }
                        if (wire < UINT32_MAX) {
                                v.v[f] = wire + 1;
                                assert(nic_settled_set(n, k, &v) == -ERANGE);
                                nic_settled_get(n, k, &back);
                                assert(value_get(&back, f) == s->fields[f].max);
                        }
                }
                assert(nic_settled_set(n, k, &all) == 1);
                nic_settled_get(n, k, &back);
                assert(value_equal(&all, &back));
                /* Its bytes are the record's wire form. */
                {
                        uint8_t held[SCHEMA_SIZE_MAX], wire[SCHEMA_SIZE_MAX];

                        assert(nic_settled_encoded(n, k, held) == s->size);
                        assert(schema_encode(&all, wire, sizeof(wire), NULL) == 0);
                        assert(memcmp(held, wire, s->size) == 0);
                }

                /* Each field a different value: none bleeds into another. */
                value_init(&v, s);
                for (size_t f = 0; f < s->n_fields; f++)
                        v.v[f] = (uint32_t) (0x9e3779b9u * (f + 1) + k) & schema_field_wire_max(s, f);
                assert(nic_settled_set(n, k, &v) == 1);
                nic_settled_get(n, k, &back);
                assert(value_equal(&v, &back));

                /* The other records are untouched by this one's. */
                for (size_t j = 0; j < k; j++) {
                        nic_settled_get(n, j, &back);
                        assert(back.schema == nic_record_schema(j));
                        assert(value_get(&back, 0) == ((uint32_t) (0x9e3779b9u + j) &
                                                       schema_field_wire_max(back.schema, 0)));
                }

                assert(nic_settled_set(n, k, &empty) == 1);
                assert(nic_settled_set(n, k, &v) == 1);
        }
        nic_free(n);
}

int main(void) {
        test_udev_values_are_replaced_dropped_and_added();
        test_settled_records_round_trip_every_field();
        return 0;
}
