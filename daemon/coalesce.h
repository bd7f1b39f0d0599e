/* SPDX-License-Identifier: MIT */
/* Per-MUX coalescing decisions: leading edge at once, then one emission per window */
#pragma once

#include <stdbool.h>

typedef enum CoalesceAction {
        COALESCE_NOTHING,               /* nothing to send */
        COALESCE_EMIT,                  /* send now, then (re)open the window */
        COALESCE_DEFER,                 /* inside the window: remember, send when it closes */
        COALESCE_CLOSE,                 /* the window ends quietly */
} CoalesceAction;

typedef struct Coalescer {
        bool window_open;
        bool pending;
} Coalescer;

CoalesceAction coalesce_on_change(Coalescer *c, bool differs);
CoalesceAction coalesce_on_window_end(Coalescer *c, bool differs);
