#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs every muxcapd benchmark in a private namespace (tests/integration/ns-run.sh) and prints
# each figure next to its baseline, measured in the same run, and the ratio.
#
# Usage: bench/run.sh [--quick] [--only muxcap|scale|config]
#   --quick   smoke run for CI: small sizes, no targets checked (about a minute)
#   --only    run one of the programs: bench-muxcap (issue 8), bench-scale (issue 14) or
#             bench-config (issue 26: a configuration's check and SIGHUP cost by size)
# Needs root. Builds muxcapd and the benchmark in its own build directory
# ($MUXCAP_BENCH_BUILD, default _build/h-bench) from the current tree. Results, the table and
# the callgrind files go to $MUXCAP_BENCH_BUILD/bench-results/. Exit status: 0, or 1 when a
# full run misses a target (or anything fails).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${MUXCAP_BENCH_BUILD:-$repo/_build/h-bench}
args=()
only=
while (($#)); do
        case "$1" in
        --quick) args+=(--quick) ;;
        --only) only=${2-}; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
        esac
        shift
done
case "$only" in
""|muxcap|scale|config) ;;
*) echo "run.sh: --only: '$only' (expected muxcap, scale or config)" >&2; exit 2 ;;
esac

if [[ ! -f $build/build.ninja ]]; then
        # -Dtests=true: the benchmarks reuse the integration tests' helpers (ninja builds only
        # the targets named below).
        meson setup "$build" "$repo" --buildtype=debugoptimized -Dwerror=true -Dtests=true \
                -Dman=false >/dev/null
fi
ninja -C "$build" daemon/muxcapd bench/bench-muxcap bench/bench-scale bench/bench-config >/dev/null

out=$build/bench-results
rm -rf "$out"
mkdir -p "$out"
run() {
        MUXCAPD=$build/daemon/muxcapd "$repo/tests/integration/ns-run.sh" \
                --rules "$repo/bench/bench.rules" -- "$build/bench/$1" --out "$out" ${args[@]+"${args[@]}"}
}
rc=0
if [[ $only == "" || $only == muxcap ]]; then
        run bench-muxcap 2>&1 | tee "$out/output.txt" || rc=1
fi
if [[ $only == "" || $only == scale ]]; then
        run bench-scale 2>&1 | tee "$out/scale-output.txt" || rc=1
fi
if [[ $only == "" || $only == config ]]; then
        # No bus and no kernel: the configuration's own cost, in this process tree.
        "$build/bench/bench-config" ${args[@]+"${args[@]}"} 2>&1 | tee "$out/config.txt" || rc=1
fi
((rc == 0)) || exit 1
# A full run fails when it misses a target; the quick run's sizes judge nothing.
if [[ ${#args[@]} == 0 ]] && grep -qs -e ' NO$' -e ' missed$' "$out/results.txt" "$out/scale.txt"; then
        exit 1
fi
