#!/bin/bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets with clang (ASan+UBSan, coverage on proto/ and daemon/ too) in
# their own build directory and runs each for SECONDS (default 30), starting from the seed
# corpus in tests/fuzz/corpus/<target>/. Fails if any target finds a crash, leak, hang or
# sanitizer error; the input is left in the build directory's artifacts/<target>/.
#
#   tests/fuzz/run-fuzzers.sh [SECONDS [TARGET...]]
#
# FUZZ_BUILD_DIR overrides the build directory (default _build/fuzz). New inputs a run finds
# go to FUZZ_BUILD_DIR/corpus/<target>/, never into the tree: copy the ones worth keeping.
set -uo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(record task hex config udev-value)
dir=${FUZZ_BUILD_DIR:-$top/_build/fuzz}

case $seconds in
''|*[!0-9]*) echo "usage: $0 [SECONDS [TARGET...]]" >&2; exit 2 ;;
esac

mkdir -p "$(dirname "$dir")"
if [ ! -f "$dir/build.ninja" ]; then
        # Coverage instrumentation for every object (the parsers live in the static libraries),
        # the libFuzzer runtime only where the targets link.
        if ! CC=clang meson setup "$dir" -Dfuzzing=true -Dman=false \
                        -Db_sanitize=address,undefined -Db_lundef=false \
                        -Dc_args='-fsanitize=fuzzer-no-link -fno-sanitize-recover=all' \
                        -Dc_link_args='-fno-sanitize-recover=all' >"$dir.setup.log" 2>&1; then
                cat "$dir.setup.log"
                echo "fuzz: configure failed"
                exit 1
        fi
fi
build=()
for t in "${targets[@]}"; do
        build+=("tests/fuzz/fuzz-$t")
done
if ! ninja -C "$dir" "${build[@]}" >"$dir/build.log" 2>&1; then
        cat "$dir/build.log"
        echo "fuzz: build failed"
        exit 1
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
for t in "${targets[@]}"; do
        corpus=$dir/corpus/$t
        artifacts=$dir/artifacts/$t
        log=$dir/fuzz-$t.log
        mkdir -p "$corpus" "$artifacts"
        # -timeout: one input taking longer than 5 s is a hang; the new-input corpus comes
        # first so libFuzzer writes there, the seeds in the tree are only read.
        "$dir/tests/fuzz/fuzz-$t" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
                -max_len=4096 -print_final_stats=1 -artifact_prefix="$artifacts/" \
                "$corpus" "$top/tests/fuzz/corpus/$t" >"$log" 2>&1
        rc=$?
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        if [ "$rc" = 0 ]; then
                echo "fuzz-$t: ok, ${execs:-?} runs in ${seconds} s"
        else
                tail -n 40 "$log"
                echo "fuzz-$t: FAILED (exit $rc), input in $artifacts/, log $log"
                failed=$((failed + 1))
        fi
done
[ "$failed" = 0 ]
