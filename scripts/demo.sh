#!/bin/bash
# SPDX-License-Identifier: MIT
# The newcomer's first command: installs what is missing, builds, and shows muxcapd following
# a demo bridge over veth NICs in a private network namespace, with `muxcapctl monitor`
# printing the indications as NICs come, go and change offloads. Needs root (namespaces).
#
# It always serves on a private bus started for the demo (inside the namespace), even when a
# system bus runs: owning org.muxcap.MuxCap1 on the host's system bus needs the installed
# policy, and a demo should not change the host. Everything it starts or creates dies with
# the namespace.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

scripts/install-deps.sh demo
mkdir -p _build
if [ ! -f _build/demo/build.ninja ]; then
        # the demo runs muxcapd and muxcapctl only: no tests, no man pages (no scdoc needed)
        meson setup _build/demo -Dtests=false -Dman=false >_build/demo-setup.log ||
                { cat _build/demo-setup.log; exit 1; }
fi
ninja -C _build/demo >/dev/null
exec tests/integration/ns-run.sh --rules scripts/demo.rules -- \
        "$top/scripts/demo-inner.sh" "$top/_build/demo"
