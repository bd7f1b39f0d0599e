/* SPDX-License-Identifier: MIT */
/* What model.c and topology.c share of the model's tables, and nothing else calls */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* Appends @p to a graveyard; false when out of memory (the caller frees @p then). */
bool model_bury(void ***table, size_t *n, void *p);
/* The slot of the ifindex-sorted NIC table where @ifindex is or goes. */
size_t model_nic_slot(const Model *m, int ifindex);
/* The slot of the name-sorted MUX table where @name is or goes. */
size_t model_mux_slot(const Model *m, const char *name);
