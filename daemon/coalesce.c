/* SPDX-License-Identifier: MIT */
/* Coalescing state machine (SPEC 4): the first change after a quiet period goes out at once;
 * changes inside the window are merged and go out once when it closes, which opens the next
 * window; a window that closes with nothing new ends the busy period. */

#include "coalesce.h"

/* A recomputation finished; @differs: the computed records differ from the published ones. */
CoalesceAction coalesce_on_change(Coalescer *c, bool differs) {
        if (c->window_open) {
                /* Even a change that reverts to what was published stays pending: the
                 * window's end compares again, so a flip and flop inside a window sends
                 * nothing. */
                c->pending = c->pending || differs;
                return c->pending ? COALESCE_DEFER : COALESCE_NOTHING;
        }
        if (!differs)
                return COALESCE_NOTHING;
        c->window_open = true;
        c->pending = false;
        return COALESCE_EMIT;
}

/* The window ended; @differs compares what is computed now with what is published. Whatever
 * differs goes out, whether or not a recomputation inside the window saw it (a burst may keep
 * the loop busy until the window's end). */
CoalesceAction coalesce_on_window_end(Coalescer *c, bool differs) {
        c->pending = false;
        if (differs)
                return COALESCE_EMIT;   /* the window stays open for the next changes */
        c->window_open = false;
        return COALESCE_CLOSE;
}
