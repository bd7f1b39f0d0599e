#!/bin/bash
# SPDX-License-Identifier: MIT
# libmuxcap.so.1 stays ABI-compatible with 1.0: the example program, built against libmuxcap
# 1.0's header (tests/client/abi/muxcap/muxcap.h, from commit 4f4374a) and linked with the
# new library, needs only the MUXCAP_1 symbol version and runs against a daemon (fake-muxcapd
# on a private bus) as it did: state, then indications. The public structs and constants lay
# out the same under both headers, and every 1.0 symbol is still exported at MUXCAP_1.
#   test-abi-old-header.sh LIBDIR NEW_INCLUDE_DIR EXAMPLE_SOURCE FAKE_MUXCAPD
set -euo pipefail
libdir=$1 newinc=$2 example=$3 fake=$4
here=$(cd "$(dirname "$0")" && pwd)
oldinc=$here/abi
cc=${CC:-cc}
tmp=$(mktemp -d)
pids=()
cleanup() {
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
        wait 2>/dev/null || true
        rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

sanitize=
if readelf -d "$libdir/libmuxcap.so.1" | grep -q libasan; then
        sanitize=-fsanitize=address,undefined
fi

# 1. Struct layouts and constants: the same under both headers.
"$cc" -std=c99 -Wall -Werror -I"$oldinc" -o "$tmp/layout-old" "$here/abi/layout.c"
"$cc" -std=c99 -Wall -Werror -I"$newinc" -o "$tmp/layout-new" "$here/abi/layout.c"
"$tmp/layout-old" >"$tmp/old.txt"
"$tmp/layout-new" >"$tmp/new.txt"
diff -u "$tmp/old.txt" "$tmp/new.txt" || fail "public structs or constants changed"
echo "ok: $(wc -l <"$tmp/old.txt") sizes, offsets and constants unchanged"

# 2. Every function of 1.0's header is exported at version MUXCAP_1; 1.1 adds a node.
readelf --dyn-syms -W "$libdir/libmuxcap.so.1" >"$tmp/syms"
for f in $(grep -o 'muxcap_[a-z_]*(' "$oldinc/muxcap/muxcap.h" | tr -d '(' | sort -u); do
        grep -q " $f@@MUXCAP_1\$" "$tmp/syms" || fail "$f is not exported at MUXCAP_1"
done
grep -q '@@MUXCAP_1\.1$' "$tmp/syms" || fail "no MUXCAP_1.1 symbols"
echo "ok: every 1.0 function at MUXCAP_1"

# 3. The example, built against the old header, runs against the new library.
"$cc" -std=c99 -D_GNU_SOURCE -Wall -Wextra -Werror $sanitize -I"$oldinc" -o "$tmp/watch" \
        "$example" -L"$libdir" -lmuxcap
readelf -V "$tmp/watch" | grep -q 'Name: MUXCAP_1 ' || fail "the old build does not need MUXCAP_1"
if readelf -V "$tmp/watch" | grep -q 'Name: MUXCAP_1\.1'; then fail "the old build needs MUXCAP_1.1"; fi

cat >"$tmp/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path=$tmp/bus</listen>
<auth>EXTERNAL</auth><policy context="default"><allow send_destination="*"/><allow receive_sender="*"/>
<allow own="*"/></policy></busconfig>
CONF
command -v dbus-daemon >/dev/null || { echo "dbus-daemon not found: skipped"; exit 77; }
dbus-daemon --config-file="$tmp/bus.conf" --nofork --print-address=3 3>"$tmp/address" &
pids+=($!)
for _ in $(seq 100); do [ -s "$tmp/address" ] && break; sleep 0.05; done
address=$(head -n 1 "$tmp/address")
[ -n "$address" ] || fail "dbus-daemon did not start"

mkfifo "$tmp/fake-in"
"$fake" "$address" <"$tmp/fake-in" >"$tmp/fake-out" 2>&1 &
pids+=($!)
exec 4>"$tmp/fake-in"
cmd() {
        local before
        before=$(grep -c '^ok' "$tmp/fake-out" || true)
        echo "$*" >&4
        for _ in $(seq 200); do
                [ "$(grep -c '^ok' "$tmp/fake-out" || true)" -gt "$before" ] && return 0
                grep -q '^error' "$tmp/fake-out" && fail "fake-muxcapd: $(cat "$tmp/fake-out")"
                sleep 0.02
        done
        fail "fake-muxcapd did not answer '$*'"
}
rec_a=8002140002000000010000000010000000000000
rec_b=8002140000000000000000000000000000000000
cmd "nic eth0 $rec_a $rec_a"
cmd "mux lbfo0 5 $rec_a $rec_b eth0"
cmd "own inst-1"

LD_LIBRARY_PATH=$libdir "$tmp/watch" "$address" >"$tmp/watch-out" 2>&1 &
watch=$!
pids+=($watch)
for _ in $(seq 200); do grep -q 'lbfo0: generation 5' "$tmp/watch-out" && break; sleep 0.02; done
cmd "signal lbfo0 0x4002000B 6 $rec_b"
for _ in $(seq 200); do grep -q 'lbfo0: generation 6' "$tmp/watch-out" && break; sleep 0.02; done
kill -TERM "$watch"
wait "$watch" || fail "the example exited $?"
cat "$tmp/watch-out"
grep -q '^muxcapd is running$' "$tmp/watch-out" || fail "no daemon-appeared event"
[ "$(grep -c 'lbfo0: generation 5' "$tmp/watch-out")" = 2 ] || fail "no state of both records"
grep -q 'indication from lbfo0: generation 6, NDIS_STATUS_TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES' \
        "$tmp/watch-out" || fail "no indication"
if grep -q 'malformed' "$tmp/watch-out"; then fail "the old program was handed a record it cannot read"; fi
echo "ok: the 1.0 build of the example runs against libmuxcap $(readlink "$libdir/libmuxcap.so.1")"
