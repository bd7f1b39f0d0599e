/* SPDX-License-Identifier: MIT */
/* Unit tests of the object path escaping in proto/bus-path.c, as the daemon uses it */
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus-path.h"

static void check(const char *name, const char *want) {
        char *path = NULL, *back = NULL;

        assert(bus_path_escape("/p", name, &path) == 0);
        assert(strcmp(path, want) == 0);
        assert(bus_path_unescape_element(path + 3, &back) == 0);
        assert(strcmp(back, name) == 0);
        free(path);
        free(back);
}

static void test_escaping_follows_spec(void) {
        check("br-lan", "/p/br_2dlan");
        check("", "/p/_");
        check("eth0", "/p/eth0");
        check("a_b", "/p/a_5fb");
        check("x.y:z", "/p/x_2ey_3az");
        check("\xff", "/p/_ff");
}

static void test_unescape_refuses_what_escaping_cannot_make(void) {
        char *out = NULL;

        assert(bus_path_unescape_element("_2", &out) == -EINVAL);
        assert(bus_path_unescape_element("_zz", &out) == -EINVAL);
        assert(bus_path_unescape_element("_41", &out) == -EINVAL);  /* 'A' is never escaped */
        assert(bus_path_unescape_element("_00", &out) == -EINVAL);
        assert(bus_path_unescape_element("_2D", &out) == -EINVAL);  /* uppercase hex */
        assert(bus_path_unescape_element("", &out) == -EINVAL);
        assert(out == NULL);
}

int main(void) {
        test_escaping_follows_spec();
        test_unescape_refuses_what_escaping_cannot_make();
        return 0;
}
