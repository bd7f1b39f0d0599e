/* SPDX-License-Identifier: MIT */
/* The configuration file (INI): [Daemon], [Mux NAME], [Nic GLOB] */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aggregate.h"
#include "macro.h"
#include "field.h"
#include "schema-task.h"

#define CONFIG_DEFAULT_COALESCE_MS 10u
#define CONFIG_MAX_COALESCE_MS 60000u
/* The longest name a NIC or a kernel MUX has: the kernel's bound on an interface name
 * (IFNAMSIZ - 1). A [Nic] glob that needs longer names, or a [Mux] without Members= (the policy
 * of a kernel MUX) named longer, is refused: it would match nothing, silently. */
#define CONFIG_NAME_MAX (IFNAMSIZ - 1)
/* The longest name of a declared MUX: not a device, so not bound by IFNAMSIZ (fleet names such
 * as 'lbfo.east_rack:42-uplinks' are longer), but bounded, as every input is. Members= globs
 * may name declared MUXes, so they are held to this bound. */
#define CONFIG_MUX_NAME_MAX 255

/* [Nic GLOB]: field overrides for NICs whose name matches. */
typedef struct NicRule {
        char *glob;                     /* owned */
        bool set[_FIELD_MAX];
        uint32_t value[_FIELD_MAX];
        bool task_set[_TASK_FIELD_MAX];         /* the task-offload record's keys (dotted) */
        uint32_t task_value[_TASK_FIELD_MAX];
} NicRule;

/* [Mux NAME]: a declared MUX (Members= given), or the policy of a kernel MUX (no Members=). */
typedef struct MuxRule {
        char *name;                     /* owned */
        char **members;                 /* owned, NULL-terminated globs; NULL: not declared */
        CapacityPolicy policy;
        unsigned line;
} MuxRule;

/* Which declared MUXes each declared MUX's globs match (each once, in file order): the edges
 * of muxes[i] are edges[start[i]] .. edges[start[i + 1] - 1], indices into muxes. Computed
 * once when the file is checked; no cycle (the file is refused otherwise). */
typedef struct MuxGraph {
        size_t *start, *edges, n_edges;
} MuxGraph;

/* The globs of one kind of rule, sorted by their literal prefix (the bytes before the first
 * wildcard or '\\'): a name meets only the globs whose prefix it starts with, found by a
 * binary search per prefix length (a name has at most CONFIG_NAME_MAX bytes). */
typedef struct GlobKey {
        const char *glob;               /* borrowed: from a rule of the same Config */
        size_t prefix;                  /* bytes before the first wildcard or '\\' */
        size_t rule;                    /* index of its rule: into nics, or into muxes */
} GlobKey;

typedef struct GlobIndex {
        GlobKey *keys;                  /* owned, sorted by prefix */
        size_t n;
} GlobIndex;

typedef struct Config {
        uint32_t coalesce_ms;
        char **kernel_mux_kinds;        /* owned, NULL-terminated */
        NicRule *nics;                  /* owned, in file order: later rules win */
        size_t n_nics;
        MuxRule *muxes;                 /* owned, in file order */
        size_t n_muxes;
        size_t *mux_by_name;            /* owned: indices of muxes, sorted by name */
        MuxGraph nesting;               /* owned: declared MUXes in declared MUXes */
        GlobIndex nic_globs;            /* owned: the [Nic GLOB] sections' globs */
        GlobIndex member_globs;         /* owned: the declared MUXes' Members= globs */
} Config;

int config_new_default(Config **ret);
int config_load(const char *path, bool missing_ok, Config **ret, char **reterr_message);
int config_parse_string(const char *text, const char *path, Config **ret, char **reterr_message);
Config *config_free(Config *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(Config *, config_free)

bool config_is_kernel_mux_kind(const Config *c, const char *kind);
const MuxRule *config_find_mux(const Config *c, const char *name);
bool config_mux_matches(const MuxRule *m, const char *name);
int config_match_members(const Config *c, const char *name, size_t **ret);
void config_apply_nic_rules(const Config *c, const char *name, RecordValue *hw, RecordValue *cur,
                            Source src[static _FIELD_MAX]);
void config_apply_nic_task_rules(const Config *c, const char *name, RecordValue *hw,
                                 RecordValue *cur, Source src[static _TASK_FIELD_MAX]);
bool glob_is_valid(const char *glob, int max);
