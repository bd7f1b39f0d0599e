/* SPDX-License-Identifier: MIT */
/* muxcap-export: replacing a file atomically (dot-file in the same folder, fsync, rename) */
#pragma once

#include <stddef.h>

/* Replaces @path with the @size bytes at @data, so that a reader sees the old file or the new
 * one, never a part: writes them to ".<name>.XXXXXX" in the same folder (NFD and
 * node_exporter both skip dot-files), mode 0644, fsync()s it, renames it over @path and
 * fsync()s the folder. Leaves no temporary file behind on failure. Returns 0 or a negative
 * errno. */
int export_file_replace(const char *path, const void *data, size_t size);

/* Checks that the folder of @path exists and is writable by us. Returns 0 or a negative
 * errno. */
int export_file_check_dir(const char *path);
