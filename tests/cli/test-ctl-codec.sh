#!/bin/bash
# SPDX-License-Identifier: MIT
# muxcapctl encode/decode: exact output, exit codes and reasons, without a daemon.
set -u
ctl=$1
fails=0

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# expect STATUS STDOUT STDERR-SUBSTRING -- ARGS...
expect() {
        local want_rc=$1 want_out=$2 want_err=$3
        shift 4
        local out err rc
        out=$("$ctl" "$@" 2>/tmp/ctl-err.$$); rc=$?
        err=$(cat /tmp/ctl-err.$$)
        [ "$rc" = "$want_rc" ] || fail "muxcapctl $*: exit $rc, want $want_rc (stderr: $err)"
        [ -z "$want_out" ] || [ "$out" = "$want_out" ] || fail "muxcapctl $*: stdout '$out', want '$want_out'"
        [ -z "$want_err" ] || [[ "$err" == *"$want_err"* ]] || fail "muxcapctl $*: stderr '$err' lacks '$want_err'"
}
trap 'rm -f /tmp/ctl-err.$$' EXIT

basic=80021400020000000100000000100000000000000
basic=${basic:0:40}
expect 0 "$basic" "" -- encode encapsulation=0x2 support_ipv4=1 tcp_connection_offload_capacity=4096
expect 0 "$basic" "" -- encode encapsulation=802.3 support_ipv4=yes tcp_connection_offload_capacity=0x1000
expect 0 "80021400000000000000000000000000""00000000" "" -- encode
expect 0 "80031400000000000000000000000000""00000000" "" -- encode revision=3
expect 0 "800214001f000000550f0000ffffffffffffffff" "" -- encode encapsulation="null 802.3 802.3-pq 802.3-pq-oob llc-snap-routed" \
        support_ipv4=true support_ipv6=1 support_ipv6_extension_headers=yes support_sack=1 \
        congestion_algorithm=15 tcp_connection_offload_capacity=4294967295 flags=0xffffffff

expect 2 "" "congestion_algorithm: '16': number out of range 0-15" -- encode congestion_algorithm=16
expect 2 "" "support_sack: '2': expected yes, no" -- encode support_sack=2
expect 2 "" "tcp_connection_offload_capacity: '4294967296': number does not fit in 32 bits" -- encode tcp_connection_offload_capacity=4294967296
expect 2 "" "bogus: '1': unknown field" -- encode bogus=1
expect 2 "" "'support_ipv4': expected KEY=VALUE" -- encode support_ipv4
expect 2 "" "revision must not be 0" -- encode revision=0
expect 2 "" "unknown encapsulation" -- encode encapsulation=ethernet
expect 2 "" "flags: 'x1': not a decimal" -- encode flags=x1

json=$("$ctl" --json encode encapsulation=0x2 support_ipv4=1 tcp_connection_offload_capacity=4096)
want='{"type":"connection","status_code":null,"status":null,"generation":null,"revision":2,"fields":{"encapsulation":2,"support_ipv4":1,"support_ipv6":0,"support_ipv6_extension_headers":0,"support_sack":0,"congestion_algorithm":0,"tcp_connection_offload_capacity":4096,"flags":0,"chimney_capable":true},"hex":"'$basic'"}'
[ "$json" = "$want" ] || fail "encode --json: '$json'"

json=$("$ctl" --json decode 80031800060000000 2>&1)
[ $? = 2 ] || fail "decode of odd hex should exit 2"
json=$("$ctl" --json decode 8003180006000000""05f0ffff""e8030000""78563412""deadbeef)
want='{"type":"connection","status_code":null,"status":null,"generation":null,"revision":3,"fields":{"encapsulation":6,"support_ipv4":1,"support_ipv6":1,"support_ipv6_extension_headers":0,"support_sack":0,"congestion_algorithm":0,"tcp_connection_offload_capacity":1000,"flags":305419896,"chimney_capable":true},"hex":"80031400060000000500000'"0e8030000""78563412"'"}'
[ "$json" = "$want" ] || fail "decode --json later revision: '$json'"

out=$("$ctl" decode "$basic")
[[ "$out" == *"Encapsulation  "*" 802.3"$'\n'* ]] || fail "decode text lacks encapsulation name: $out"
[[ "$out" == *"chimney capable"* ]] || fail "decode text lacks chimney capable: $out"

# What decode prints, encode takes back: NAME VALUE lines as NAME=VALUE, lists as printed.
full=800214001f000000550f0000ffffffffffffffff
out=$("$ctl" decode "$full" | grep -v '^#' | awk '{ print $1 "=" $2 }')
expect 0 "$full" "" -- encode $out
expect 0 "80021400060000000000000000000000""00000000" "" -- encode encapsulation=802.3,802.3-pq
expect 0 "$basic" "" -- encode Encapsulation=802.3 SupportIPv4=yes TcpConnectionOffloadCapacity=4096

# stdin, with the position of a bad digit; a key given twice, by either name, is refused as the
# config file refuses it.
[ "$(echo "$basic" | "$ctl" decode - | grep -c yes)" = 1 ] || fail "decode - does not read stdin"
[ "$(printf '%s\n' "$basic" | "$ctl" -j decode - | grep -c '"support_ipv4":1')" = 1 ] || fail "decode -j - does not read stdin"
expect 2 "" "not a hex digit (character 3: 'z')" -- decode 80zz
expect 2 "" "support_ipv4: given twice (first as support_ipv4)" -- encode support_ipv4=1 support_ipv4=0
expect 2 "" "SupportIPv4: given twice (first as support_ipv4)" -- encode support_ipv4=1 SupportIPv4=1
expect 2 "" "revision: given twice" -- encode revision=2 revision=3

# Options after the command, short and long.
[ "$("$ctl" decode "$basic" -j)" = "$("$ctl" --json decode "$basic")" ] || fail "-j after the command"
expect 0 "" "" -- encode --json support_ipv4=1

expect 2 "" "record is shorter than 20 bytes" -- decode 8002
expect 2 "" "Header.Type is not NDIS_OBJECT_TYPE_DEFAULT" -- decode 81021400020000000100000000100000000000000"0"
expect 2 "" "Header.Revision is 0" -- decode 8000140002000000010000000010000000000000
expect 2 "" "Header.Size is smaller than 20" -- decode 8002130002000000010000000010000000000000
expect 2 "" "Header.Size is larger than the buffer" -- decode 8002150002000000010000000010000000000000
expect 2 "" "not a hex digit" -- decode 80zz
expect 2 "" "odd number of hex digits" -- decode 800
expect 2 "" "decode: expected HEX|-" -- decode
expect 2 "" "unknown command 'frobnicate'" -- frobnicate
expect 2 "" "missing command" --
expect 0 "" "" -- --help
expect 2 "" "" -- --no-such-option decode 00

echo "muxcapctl codec: $fails failure(s)"
[ "$fails" = 0 ]
