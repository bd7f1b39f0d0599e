#!/bin/bash
# SPDX-License-Identifier: MIT
# Installs what is missing, builds muxcap twice (plain, and with ASan+UBSan) and runs the whole
# test suite in both, then prints one closing line: "N passed, N failed".
# Integration tests need root; when run as root a skipped test counts as failed, so a broken
# harness cannot pass quietly.
#
# Usage: scripts/test.sh [STAGE...]     (default: all four, in this order)
#   plain  the whole suite in a plain build, the VM and package tests included
#   asan   the suite again under ASan+UBSan (not the VM and package tests)
#   fuzz   every libFuzzer target for a bounded time
#   bench  a smoke run of the benchmarks
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD

stages=(plain asan fuzz bench)
if [ $# -gt 0 ]; then
        for s in "$@"; do
                case $s in
                plain | asan | fuzz | bench) ;;
                *) echo "usage: scripts/test.sh [plain|asan|fuzz|bench]..." >&2; exit 2 ;;
                esac
        done
        stages=("$@")
fi
wants() {
        local s
        for s in "${stages[@]}"; do [ "$s" = "$1" ] && return 0; done
        return 1
}

scripts/install-deps.sh test || { echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
skipped=0

run_suite() {
        local name=$1
        shift
        local dir=$top/_build/$name
        local start=$SECONDS
        echo "=== $name: configure and build"
        if ! { [ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >"$top/_build/$name-setup.log" 2>&1; }; then
                cat "$top/_build/$name-setup.log"
                echo "=== $name: configure failed"
                failed=$((failed + 1))
                return
        fi
        if ! ninja -C "$dir"; then
                echo "=== $name: build failed"
                failed=$((failed + 1))
                return
        fi
        echo "=== $name: test"
        rm -f "$dir/meson-logs/testlog.json"
        meson test -C "$dir" --print-errorlogs --num-processes 2 --timeout-multiplier 3 \
                ${no_suite:+--no-suite "$no_suite"} || true
        local log=$dir/meson-logs/testlog.json
        if [ ! -s "$log" ]; then
                echo "=== $name: no test ran"
                failed=$((failed + 1))
                return
        fi
        local ok fail skip
        ok=$(grep -c '"result": "OK"' "$log" || true)
        skip=$(grep -c '"result": "SKIP"' "$log" || true)
        fail=$(grep -vc -e '"result": "OK"' -e '"result": "SKIP"' "$log" || true)
        echo "=== $name: $ok passed, $fail failed, $skip skipped ($((SECONDS - start)) s)"
        passed=$((passed + ok))
        failed=$((failed + fail))
        skipped=$((skipped + skip))
}

# A stage that is one command: counts as one test.
run_one() {
        local name=$1 start=$SECONDS
        shift
        if "$@"; then
                echo "=== $name: 1 passed, 0 failed ($((SECONDS - start)) s)"
                passed=$((passed + 1))
        else
                echo "=== $name: 0 passed, 1 failed ($((SECONDS - start)) s)"
                failed=$((failed + 1))
        fi
}

mkdir -p _build
! wants plain || run_suite plain -Dwerror=true
# The VM suite (tests/vm) boots Debian's kernel under QEMU for every scenario, and the package
# test (registered in plain builds only) builds and boots a Debian root: minutes each, so
# they run once, in the plain build.
! wants asan || no_suite=vm run_suite asan -Dwerror=true \
        -Db_sanitize=address,undefined -Db_lundef=false \
        -Dc_args=-fno-sanitize-recover=all -Dc_link_args=-fno-sanitize-recover=all

# Every parser under libFuzzer (clang, ASan+UBSan, in _build/fuzz) for a bounded time, on top
# of the corpus replay both suites ran.
if wants fuzz; then
        echo "=== fuzz: libFuzzer, 20 s per target"
        run_one fuzz tests/fuzz/run-fuzzers.sh 20
fi

# Benchmarks are not tests: a quick smoke run, small sizes, no timing assertion; it fails only
# when a benchmark cannot run.
if wants bench; then
        echo "=== bench: smoke run (bench/run.sh --quick)"
        run_one bench bench/run.sh --quick
fi

if [ "$(id -u)" = 0 ] && [ "$skipped" -gt 0 ]; then
        echo "$skipped test(s) skipped while running as root: counted as failed"
        failed=$((failed + skipped))
        skipped=0
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
