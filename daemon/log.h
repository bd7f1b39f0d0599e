/* SPDX-License-Identifier: MIT */
/* Logging to stderr, with <N> priority prefixes when stderr is journald's stream */
#pragma once

#include <stdlib.h>
#include <syslog.h>

#include "macro.h"

void log_setup(void);
void log_set_max_level(int level);
int log_get_max_level(void);
int log_level_from_string(const char *s);

int log_internal(int level, int error, const char *fmt, ...) _printf_(3, 4);

/* Each returns -abs(@error) (or 0 when @error is 0), so the one place that logs can
 * "return log_error_errno(r, ...)". %m prints strerror(@error). */
#define log_full_errno(level, error, ...)                                       \
        __extension__ ({                                                        \
                int _l = (level), _e = (error);                                 \
                _l <= log_get_max_level() ? log_internal(_l, _e, __VA_ARGS__)   \
                                          : -abs(_e);                           \
        })
#define log_full(level, ...) ((void) log_full_errno(level, 0, __VA_ARGS__))

#define log_debug(...) log_full(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_full(LOG_INFO, __VA_ARGS__)
#define log_notice(...) log_full(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_full(LOG_WARNING, __VA_ARGS__)
#define log_error(...) log_full(LOG_ERR, __VA_ARGS__)

#define log_debug_errno(e, ...) log_full_errno(LOG_DEBUG, e, __VA_ARGS__)
#define log_info_errno(e, ...) log_full_errno(LOG_INFO, e, __VA_ARGS__)
#define log_notice_errno(e, ...) log_full_errno(LOG_NOTICE, e, __VA_ARGS__)
#define log_warning_errno(e, ...) log_full_errno(LOG_WARNING, e, __VA_ARGS__)
#define log_error_errno(e, ...) log_full_errno(LOG_ERR, e, __VA_ARGS__)
