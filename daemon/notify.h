/* SPDX-License-Identifier: MIT */
/* Service manager notifications that never block the event loop */
#pragma once

int notify_nonblocking(const char *state);
