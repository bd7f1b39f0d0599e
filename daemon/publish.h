/* SPDX-License-Identifier: MIT */
/* Publishing: the deferred sync that takes the model to D-Bus, coalescing windows and
 * generations; the only caller of the service */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

typedef struct Model Model;
typedef struct Publisher Publisher;
typedef struct Service Service;
struct event_base;

int publisher_new(Publisher **ret, struct event_base *base, Model *model, uint32_t coalesce_ms);
Publisher *publisher_free(Publisher *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(Publisher *, publisher_free)

/* Attaches the service (borrowed, outlives the publisher's use of it): from now on each sync
 * publishes. Before, syncs only reap. */
void publisher_start(Publisher *p, Service *service);
/* Asks for a sync: it runs once, after every event of this loop iteration. */
void publisher_schedule(Publisher *p);
void publisher_set_coalesce_ms(Publisher *p, uint32_t coalesce_ms);
