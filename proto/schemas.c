/* SPDX-License-Identifier: MIT */
/* The list of record schemas, and lookups across them */

#include "macro.h"
#include "schemas.h"

const RecordSchema *const record_schemas[] = {
        &schema_tcp_connection_offload,
        &schema_task_offload,
};
const size_t n_record_schemas = ELEMENTSOF(record_schemas);

const RecordSchema *schema_from_type(uint8_t type) {
        for (size_t i = 0; i < n_record_schemas; i++)
                if (record_schemas[i]->type == type)
                        return record_schemas[i];
        return NULL;
}

const RecordSchema *schema_from_status(uint32_t status_code, int *ret_which) {
        for (size_t i = 0; i < n_record_schemas; i++) {
                const RecordSchema *s = record_schemas[i];

                if (status_code != s->status_hardware && status_code != s->status_current)
                        continue;
                if (ret_which)
                        *ret_which = status_code == s->status_hardware ? 0 : 1;
                return s;
        }
        return NULL;
}
