/* SPDX-License-Identifier: MIT */
/* muxcap-export: the state as a Kubernetes NFD feature file, and the label rules it obeys */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

typedef struct ExportState ExportState;

#define EXPORT_LABEL_SEGMENT_MAX 63     /* Kubernetes: name segment and value */
#define EXPORT_LABEL_STEM_MAX 24        /* the label prefix's stem, so every name fits */

/* Checks a label prefix: "[NAMESPACE/]STEM", NAMESPACE a DNS subdomain (lowercase
 * alphanumerics, '-' and '.', at most 253), STEM 1 to EXPORT_LABEL_STEM_MAX of
 * [A-Za-z0-9._-] beginning and ending alphanumeric. -EINVAL with a reason otherwise. */
int export_label_prefix_check(const char *prefix, const char **reterr_reason);

/* Writes the label name segment's MUX part for @mux into @buf (at least
 * EXPORT_LABEL_SEGMENT_MAX + 1 bytes), at most @max characters: every byte outside
 * [A-Za-z0-9-] as '_' and two lowercase hex digits (the empty name is "_"); a longer result
 * keeps its first @max - 9 characters and appends '-' and the name's 32-bit FNV-1a hash in
 * hex. @max is at least 10. */
void export_label_mux_part(const char *mux, size_t max, char *buf);

/* Whether @s is a valid Kubernetes label value (empty, or at most 63 of [A-Za-z0-9._-]
 * beginning and ending alphanumeric). Also the rule for a name segment, minus "empty". */
bool export_label_value_valid(const char *s);

/* Renders the NFD feature file into @f (owned by the caller, e.g. an open_memstream()): a
 * comment header, "# +expiry-time=" with @expiry (UTC, RFC 3339), one "name=value" line per
 * label and MUX, and a closing "# N labels" comment. Returns 0, or -EIO if writing to @f
 * failed. */
int export_render_nfd(FILE *f, const ExportState *s, const char *prefix, time_t expiry);
