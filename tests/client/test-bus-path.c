/* SPDX-License-Identifier: MIT */
/* Object path escaping of MUX and NIC names (SPEC 5) */

#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-path.h"

static void check(const char *name, const char *want) {
        char *path = NULL, *back = NULL;

        assert(bus_path_escape(BUS_MUX_PREFIX, name, &path) == 0);
        if (strcmp(path, want) != 0) {
                fprintf(stderr, "'%s' -> '%s', want '%s'\n", name, path, want);
                abort();
        }
        assert(bus_path_unescape(BUS_MUX_PREFIX, path, &back) == 0);
        assert(strcmp(back, name) == 0);
        free(path);
        free(back);
}

static void test_escape_follows_spec_examples(void) {
        check("br-lan", "/org/muxcap/MuxCap1/mux/br_2dlan");
        check("", "/org/muxcap/MuxCap1/mux/_");
        check("lbfo0", "/org/muxcap/MuxCap1/mux/lbfo0");
        check("eth0.100", "/org/muxcap/MuxCap1/mux/eth0_2e100");
        check("_", "/org/muxcap/MuxCap1/mux/_5f");
        check("a b/\xff", "/org/muxcap/MuxCap1/mux/a_20b_2f_ff");
        check("ENP1s0F1", "/org/muxcap/MuxCap1/mux/ENP1s0F1");
}

static void test_unescape_refuses_what_escape_never_writes(void) {
        static const char *bad[] = {
                "/org/muxcap/MuxCap1/mux",              /* no element */
                "/org/muxcap/MuxCap1/mux/",
                "/org/muxcap/MuxCap1/nic/eth0",         /* other prefix */
                "/org/muxcap/MuxCap1/muxx/eth0",
                "/org/muxcap/MuxCap1/mux/a_2",          /* short escape */
                "/org/muxcap/MuxCap1/mux/a_2D",         /* uppercase hex */
                "/org/muxcap/MuxCap1/mux/_61",          /* escaped plain byte */
                "/org/muxcap/MuxCap1/mux/_00",          /* NUL */
                "/org/muxcap/MuxCap1/mux/a__",
        };
        char *name = NULL;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                if (bus_path_unescape(BUS_MUX_PREFIX, bad[i], &name) != -EINVAL) {
                        fprintf(stderr, "accepted '%s'\n", bad[i]);
                        abort();
                }
        assert(name == NULL);
        assert(bus_path_escape(NULL, "x", &name) == -EINVAL);
        assert(bus_path_escape(BUS_MUX_PREFIX, NULL, &name) == -EINVAL);
}

int main(void) {
        test_escape_follows_spec_examples();
        test_unescape_refuses_what_escape_never_writes();
        return 0;
}
