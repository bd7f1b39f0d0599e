#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs every muxcapd benchmark in a private namespace (tests/integration/ns-run.sh) and prints
# each figure next to its baseline, measured in the same run, and the ratio.
#
# Usage: bench/run.sh [--quick]
#   --quick   smoke run for CI: small sizes, no targets checked (about a minute)
# Needs root. Builds muxcapd and the benchmark in its own build directory
# ($MUXCAP_BENCH_BUILD, default _build/h-bench) from the current tree. Results, the table and
# the callgrind files go to $MUXCAP_BENCH_BUILD/bench-results/. Exit status: 0, or 1 when a
# full run misses a target (or anything fails).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${MUXCAP_BENCH_BUILD:-$repo/_build/h-bench}
args=()
for a in "$@"; do
        case "$a" in
        --quick) args+=(--quick) ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option '$a'" >&2; exit 2 ;;
        esac
done

if [[ ! -f $build/build.ninja ]]; then
        meson setup "$build" "$repo" --buildtype=debugoptimized -Dwerror=true -Dtests=false \
                -Dman=false >/dev/null
fi
ninja -C "$build" daemon/muxcapd bench/bench-muxcap >/dev/null

out=$build/bench-results
rm -rf "$out"
mkdir -p "$out"
MUXCAPD=$build/daemon/muxcapd "$repo/tests/integration/ns-run.sh" --rules "$repo/bench/bench.rules" \
        -- "$build/bench/bench-muxcap" --out "$out" "${args[@]}" 2>&1 | tee "$out/output.txt"
rc=${PIPESTATUS[0]}
((rc == 0)) || exit 1
if grep -q ' NO$' "$out/results.txt"; then
        exit 1
fi
