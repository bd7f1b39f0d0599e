#!/bin/bash
# SPDX-License-Identifier: MIT
# The newcomer's first command: install, build, and watch muxcapd follow a demo bridge.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
meson setup _build/demo >/dev/null 2>&1 || true
ninja -C _build/demo
echo "demo: the daemon is not part of this build yet; muxcapctl encode/decode work:"
_build/demo/client/muxcapctl encode encapsulation=802.3 support_ipv4=1 tcp_connection_offload_capacity=4096
