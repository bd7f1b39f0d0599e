/* SPDX-License-Identifier: MIT */
/* UTF-8 validation as D-Bus does it: names from the kernel and config are arbitrary bytes */
#pragma once

#include <stdbool.h>
#include <stddef.h>

size_t utf8_valid_prefix(const char *s);
bool utf8_is_valid(const char *s);
void utf8_truncate(char *s);
