/* SPDX-License-Identifier: MIT */
/* Conversion between proto/'s Record and the public struct muxcap_record (library-internal) */
#pragma once

#include "muxcap/muxcap.h"
#include "record.h"

void record_to_public(const Record *in, struct muxcap_record *out);
void record_from_public(const struct muxcap_record *in, Record *out);
