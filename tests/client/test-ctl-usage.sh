#!/bin/bash
# SPDX-License-Identifier: MIT
# muxcapctl's daemon verbs: usage errors exit 2 before any bus is touched; no bus exits 1.
set -u
ctl=$1
fails=0
err=$(mktemp)
trap 'rm -f "$err"' EXIT

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# expect STATUS STDERR-SUBSTRING -- ARGS...
expect() {
        local want_rc=$1 want_err=$2 rc
        shift 3
        "$ctl" "$@" >/dev/null 2>"$err"; rc=$?
        [ "$rc" = "$want_rc" ] || fail "muxcapctl $*: exit $rc, want $want_rc ($(cat "$err"))"
        [ -z "$want_err" ] || grep -qF -- "$want_err" "$err" || fail "muxcapctl $*: stderr '$(cat "$err")' lacks '$want_err'"
}

# An address nobody listens on: usage errors must win over the missing bus.
nobus=--bus=unix:path=/nonexistent/muxcap-test-bus
expect 2 "unknown command 'lst'" -- $nobus lst
expect 2 "show: expected exactly one NAME argument" -- $nobus show
expect 2 "show: expected exactly one NAME argument" -- $nobus show a b
expect 2 "explain: expected exactly one NAME argument" -- $nobus explain
expect 2 "list: takes no arguments" -- $nobus list extra
expect 2 "monitor: expected at most one NAME argument" -- $nobus monitor a b
expect 2 "--bus needs a value" -- --bus= list
expect 2 "" -- --bogus list
expect 1 "list: cannot connect to the bus at 'unix:path=/nonexistent/muxcap-test-bus': Connection refused" -- $nobus list
expect 1 "cannot connect" -- $nobus show lbfo0
expect 1 "cannot connect" -- $nobus monitor

out=$("$ctl" --help)
for verb in list show explain monitor decode encode; do
        [[ "$out" == *"  $verb "* ]] || fail "--help lacks $verb"
done

echo "muxcapctl usage: $fails failure(s)"
[ "$fails" = 0 ]
