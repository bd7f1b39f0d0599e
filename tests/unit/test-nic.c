/* SPDX-License-Identifier: MIT */
/* Unit tests of daemon/nic.c's udev values: a NIC holds the MUXCAP_* values it has, of either
 * record type; replacing, dropping and adding them says whether anything changed, and the
 * records follow */
#undef NDEBUG
#include <assert.h>
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
        assert(value_get(&r[0], (size_t) sack) == 1 && n->hw_src[sack] == SOURCE_UDEV);
        assert(n->hw_src[v4] == SOURCE_KERNEL);
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
        assert(value_get(&r[0], (size_t) v4) == 0 && n->hw_src[v4] == SOURCE_UDEV);
        assert(n->hw_src[sack] == SOURCE_KERNEL);
        assert(!nic_udev_bad_value(n, &schema_tcp_connection_offload, (size_t) v4));
        assert(n->task_hw_src[0] == SOURCE_UDEV);

        memset(task, 0, sizeof(task));
        assert(nic_set_task_udev_props(n, task) == 1 && n->n_udev == 1);
        nic_free(n);
}

int main(void) {
        test_udev_values_are_replaced_dropped_and_added();
        return 0;
}
