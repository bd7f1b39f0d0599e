/* SPDX-License-Identifier: MIT */
/* Unit tests of daemon/coalesce.c: leading edge, merging inside the window, quiet close */
#undef NDEBUG
#include <assert.h>

#include "coalesce.h"

static void test_first_change_after_quiet_is_emitted_at_once(void) {
        Coalescer c = { 0 };

        assert(coalesce_on_change(&c, false) == COALESCE_NOTHING);
        assert(!c.window_open);
        assert(coalesce_on_change(&c, true) == COALESCE_EMIT);
        assert(c.window_open && !c.pending);
}

static void test_changes_inside_window_are_merged_into_one_emission(void) {
        Coalescer c = { 0 };

        assert(coalesce_on_change(&c, true) == COALESCE_EMIT);
        for (int i = 0; i < 100; i++)
                assert(coalesce_on_change(&c, i % 2 == 0) == COALESCE_DEFER);
        assert(coalesce_on_window_end(&c, true) == COALESCE_EMIT);
        assert(c.window_open && !c.pending);
        assert(coalesce_on_window_end(&c, false) == COALESCE_CLOSE);
        assert(!c.window_open);
}

static void test_flip_and_flop_inside_window_emits_nothing(void) {
        Coalescer c = { 0 };

        assert(coalesce_on_change(&c, true) == COALESCE_EMIT);
        assert(coalesce_on_change(&c, true) == COALESCE_DEFER);   /* flip */
        assert(coalesce_on_change(&c, false) == COALESCE_DEFER);  /* flop, still pending */
        assert(coalesce_on_window_end(&c, false) == COALESCE_CLOSE);
        assert(!c.window_open);
}

static void test_unchanged_recompute_inside_window_is_not_pending(void) {
        Coalescer c = { 0 };

        assert(coalesce_on_change(&c, true) == COALESCE_EMIT);
        assert(coalesce_on_change(&c, false) == COALESCE_NOTHING);
        assert(!c.pending);
        assert(coalesce_on_window_end(&c, false) == COALESCE_CLOSE);
        /* quiet again: the next change goes out at once */
        assert(coalesce_on_change(&c, true) == COALESCE_EMIT);
}

static void test_window_end_emits_what_differs_even_unseen(void) {
        Coalescer c = { 0 };

        assert(coalesce_on_change(&c, true) == COALESCE_EMIT);
        /* no recomputation ran inside the window (the loop was busy), yet the state moved */
        assert(coalesce_on_window_end(&c, true) == COALESCE_EMIT);
        assert(c.window_open);
}

int main(void) {
        test_first_change_after_quiet_is_emitted_at_once();
        test_changes_inside_window_are_merged_into_one_emission();
        test_flip_and_flop_inside_window_emits_nothing();
        test_unchanged_recompute_inside_window_is_not_pending();
        test_window_end_emits_what_differs_even_unseen();
        return 0;
}
