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
expect 2 "show: expected MUX | nic NIC" -- $nobus show
expect 2 "show: expected MUX or 'nic NIC'" -- $nobus show a b
expect 2 "show: expected MUX | nic NIC" -- $nobus show nic a b
expect 2 "explain: expected MUX [FIELD...]" -- $nobus explain
expect 2 "explain: 'bogus': no such field in the records chosen" -- $nobus explain br0 bogus
expect 2 "explain: 'support_ipv4': no such field in the records chosen" -- $nobus --records=task explain br0 support_ipv4
expect 2 "advertised: expected MUX" -- $nobus advertised
expect 2 "list: takes no arguments" -- $nobus list extra
expect 2 "resync: takes no arguments" -- $nobus resync now
expect 2 "reload: takes no arguments" -- $nobus reload now
expect 2 "monitor: expected [MUX]" -- $nobus monitor a b
expect 2 "--records: expected connection, task or all" -- $nobus list --records=nic
expect 2 "--bus needs a value" -- --bus= list
expect 2 "" -- --bogus list
expect 1 "list: cannot connect to the bus at 'unix:path=/nonexistent/muxcap-test-bus': Connection refused" -- $nobus list
expect 1 "cannot connect" -- $nobus show lbfo0
expect 1 "cannot connect" -- $nobus monitor
# Options after the command, and the short ones, as ip and busctl take them.
expect 1 "list: cannot connect to the bus at" -- list $nobus --json
expect 1 "cannot connect" -- show br0 -j -a $nobus
expect 1 "cannot connect" -- show nic eth0 $nobus
expect 1 "explain: cannot connect" -- explain br0 lso_v2_ipv4_max_offload_size SupportIPv4 $nobus
expect 1 "advertised: cannot connect" -- advertised br0 $nobus
expect 1 "resync: cannot connect" -- resync $nobus
expect 1 "reload: cannot connect" -- reload $nobus
# "--" ends the options: a name may start with a dash.
expect 1 "show: cannot connect" -- $nobus show -- -odd

out=$("$ctl" --help)
[ "$("$ctl" help)" = "$out" ] || fail "help differs from --help"
[ "$("$ctl" list -h)" = "$out" ] || fail "-h after the command is not --help"
for verb in list show explain advertised monitor decode encode resync reload help; do
        [[ "$out" == *"  $verb "* ]] || fail "--help lacks $verb"
done
for option in -j --json -a --all --records= --type= --bus= -h --help --version; do
        [[ "$out" == *" $option"* ]] || fail "--help lacks $option"
done

echo "muxcapctl usage: $fails failure(s)"
[ "$fails" = 0 ]
