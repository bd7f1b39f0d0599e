/* SPDX-License-Identifier: MIT */
/* Unit tests of daemon/utf8.c: what D-Bus accepts, and cutting at a character boundary */
#undef NDEBUG
#include <assert.h>
#include <string.h>

#include "utf8.h"

static void test_valid_and_invalid(void) {
        assert(utf8_is_valid(""));
        assert(utf8_is_valid("eth0"));
        assert(utf8_is_valid("\xc3\xa9t\xc3\xa9"));                  /* été */
        assert(utf8_is_valid("\xe2\x82\xac"));                       /* U+20AC */
        assert(utf8_is_valid("\xf0\x9f\x98\x80"));                   /* U+1F600 */
        assert(utf8_is_valid("\xf4\x8f\xbf\xbf"));                   /* U+10FFFF */
        assert(!utf8_is_valid("\xff\xfe"));
        assert(!utf8_is_valid("\xc3"));                              /* cut */
        assert(!utf8_is_valid("\xc0\xaf"));                          /* overlong '/' */
        assert(!utf8_is_valid("\xe0\x80\xaf"));                      /* overlong */
        assert(!utf8_is_valid("\xed\xa0\x80"));                      /* surrogate */
        assert(!utf8_is_valid("\xf4\x90\x80\x80"));                  /* above U+10FFFF */
        assert(!utf8_is_valid("a\x80"));                             /* stray continuation */
}

static void test_truncate_cuts_at_a_character_boundary(void) {
        char s[] = "ab\xc3\xa9\xe2\x82";

        utf8_truncate(s);
        assert(strcmp(s, "ab\xc3\xa9") == 0);
        assert(utf8_valid_prefix("x\xff" "y") == 1);
}

int main(void) {
        test_valid_and_invalid();
        test_truncate_cuts_at_a_character_boundary();
        return 0;
}
