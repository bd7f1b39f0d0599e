/* SPDX-License-Identifier: MIT */
/* Unit tests of the object path escaping in daemon/service.c */
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "service.h"

static void check(const char *name, const char *want) {
        char *path = NULL, *back = NULL;

        assert(object_path_escape("/p", name, &path) == 0);
        assert(strcmp(path, want) == 0);
        assert(object_path_unescape(path + 3, &back) == 0);
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

        assert(object_path_unescape("_2", &out) == -EINVAL);
        assert(object_path_unescape("_zz", &out) == -EINVAL);
        assert(object_path_unescape("_41", &out) == -EINVAL);  /* 'A' is never escaped */
        assert(object_path_unescape("_00", &out) == -EINVAL);
        assert(object_path_unescape("_2D", &out) == -EINVAL);  /* uppercase hex */
        assert(object_path_unescape("", &out) == -EINVAL);
        assert(out == NULL);
}

int main(void) {
        test_escaping_follows_spec();
        test_unescape_refuses_what_escaping_cannot_make();
        return 0;
}
