/* SPDX-License-Identifier: MIT */
/* Unit test of the service's property tables against the installed interface XML: the
 * properties Introspect renders from the tables are those of org.muxcap.MuxCap1.xml, in its
 * order and with its types, byte for byte */
#undef NDEBUG
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "introspection.h"
#include "schemas.h"
#include "service-internal.h"

static void check(const ServiceInterface *iface, const RecordSchema *schema, const char *want) {
        char *xml = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&xml, &size);

        assert(f);
        assert(service_write_interface(f, iface, schema) == 0);
        assert(fclose(f) == 0);
        if (strcmp(xml, want) != 0) {
                fprintf(stderr, "rendered:\n%s\nwanted:\n%s\n", xml, want);
                abort();
        }
        free(xml);
}

int main(void) {
        check(&service_manager_interface, NULL, introspection_xml_manager);
        check(&service_mux_interface, &schema_tcp_connection_offload, introspection_xml_mux);
        check(&service_nic_interface, &schema_tcp_connection_offload, introspection_xml_nic);
        return 0;
}
