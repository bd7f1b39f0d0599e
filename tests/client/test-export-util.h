/* SPDX-License-Identifier: MIT */
/* muxcap-export's client tests: records as the daemon sends them, and rendering to a string */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef struct ExportMux ExportMux;
typedef struct ExportState ExportState;

/* 2026-01-02T03:04:05Z, the NFD files' expiry */
#define TEST_EXPIRY ((time_t) 1767323045)

/* Encodes a record of the type status @code carries, its fields set from @fields
 * ("key=value key=value", muxcapctl's keys), and stores it in @x with @gen; asserts. */
void test_set_record(ExportMux *x, uint32_t code, uint64_t gen, const char *fields);

/* The NFD file with @prefix, or the Prometheus text with --metrics=@metrics, as a new
 * string; asserts. */
char *test_render_nfd(const ExportState *s, const char *prefix);
char *test_render_prometheus(const ExportState *s, const char *metrics);
