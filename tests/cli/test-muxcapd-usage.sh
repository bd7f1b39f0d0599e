#!/bin/bash
# SPDX-License-Identifier: MIT
# muxcapd's command line and config errors: exit 2 and a precise message, before it touches
# any bus or the kernel.
set -u
d=$1
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# expect STATUS STDERR-SUBSTRING ARGS...
expect() {
        local want_rc=$1 want_err=$2
        shift 2
        local err rc
        err=$("$d" "$@" 2>&1 >/dev/null); rc=$?
        [ "$rc" = "$want_rc" ] || fail "muxcapd $*: exit $rc, want $want_rc ($err)"
        [[ "$err" == *"$want_err"* ]] || fail "muxcapd $*: stderr '$err' lacks '$want_err'"
}

printf '[Daemon]\nCoalesceMs=10\n\n[Nic eth*]\nSupportSack=perhaps\n' > "$tmp/bad.conf"
expect 2 "$tmp/bad.conf:5: SupportSack: 'perhaps': expected yes, no, 1, 0, true or false" --config="$tmp/bad.conf"
printf '[Mux a]\nMembers=b\n[Mux b]\nMembers=a\n' > "$tmp/cycle.conf"
expect 2 "$tmp/cycle.conf:1: [Mux a]: its Members would contain itself" --config="$tmp/cycle.conf"
printf '[Bogus]\nX=1\n' > "$tmp/section.conf"
expect 2 "$tmp/section.conf:2: unknown section [Bogus]" --config="$tmp/section.conf"
expect 2 "$tmp/missing.conf: No such file or directory" --config="$tmp/missing.conf"
# Only a regular file of bounded size, read whole: refused at once, never read forever
expect 2 "$tmp: not a regular file but a directory" --config="$tmp"
mkfifo "$tmp/fifo"
expect 2 "$tmp/fifo: not a regular file but a FIFO" --config="$tmp/fifo"
expect 2 "/dev/zero: not a regular file but a character device" --config=/dev/zero
truncate -s 5M "$tmp/huge.conf"
expect 2 "$tmp/huge.conf: 5242880 bytes, larger than a configuration may be (4194304 bytes)" --config="$tmp/huge.conf"
printf '[Daemon]\nCoalesceMs=1\n\n[Daemon]\nCoalesceMs=2\n' > "$tmp/daemon2.conf"
expect 2 "$tmp/daemon2.conf:4: a second [Daemon] section (the first is at line 1)" --config="$tmp/daemon2.conf"
printf '[Mux \001\377]\nMembers=x\n' > "$tmp/junk.conf"
expect 2 "$tmp/junk.conf:1: control character 0x01 (a configuration is text)" --config="$tmp/junk.conf"
expect 2 "--udev-source: 'sometimes': expected auto, udev or kernel" --udev-source=sometimes
expect 2 "--coalesce-ms: '60001': expected 0-60000" --coalesce-ms=60001
expect 2 "--log-level: 'loud'" --log-level=loud
expect 2 "unexpected argument 'extra'" extra
expect 2 "--bus: empty value" --bus=
expect 2 "Try 'muxcapd --help'" --no-such-option
out=$("$d" --version) || fail "--version failed"
[[ "$out" == "muxcapd "* ]] || fail "--version printed '$out'"
"$d" --help | grep -q -- "--udev-source=auto|udev|kernel" || fail "--help lacks --udev-source"

echo "muxcapd usage: $fails failure(s)"
[ "$fails" = 0 ]
