#!/bin/bash
# SPDX-License-Identifier: MIT
# muxcap-export's command line and config file: usage and config errors exit 2 with the
# reason (FILE:LINE for the file) before any bus is touched; a folder it cannot write and a
# bus it cannot reach exit 1; --help and --version exit 0.
set -u
exporter=$1
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
err=$tmp/err

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# expect STATUS STDERR-SUBSTRING -- ARGS...
expect() {
        local want_rc=$1 want_err=$2 rc
        shift 3
        timeout 10 "$exporter" "$@" >/dev/null 2>"$err"; rc=$?
        [ "$rc" = "$want_rc" ] || fail "muxcap-export $*: exit $rc, want $want_rc ($(cat "$err"))"
        [ -z "$want_err" ] || grep -qF -- "$want_err" "$err" ||
                fail "muxcap-export $*: stderr '$(cat "$err")' lacks '$want_err'"
}

nobus=--bus=unix:path=/nonexistent/muxcap-test-bus
files=("--nfd-file=$tmp/muxcap" "--prometheus-file=$tmp/muxcap.prom")
printf '[Export]\n' >"$tmp/empty.conf"
cfg=--config=$tmp/empty.conf
expect 2 "unknown option" -- $nobus --bogus
expect 2 "unexpected argument 'extra'" -- $nobus extra
expect 2 "nothing to do" -- $nobus $cfg --no-nfd --no-prometheus
expect 2 "--label-prefix='-x': the label stem" -- $nobus $cfg "${files[@]}" --label-prefix=-x
expect 2 "--label-prefix='Ex.com/x': the namespace" -- $nobus $cfg "${files[@]}" --label-prefix=Ex.com/x
expect 2 "--nfd-expiry='5': expected seconds" -- $nobus $cfg "${files[@]}" --nfd-expiry=5
expect 2 "--nfd-file: expected a path" -- $nobus $cfg --nfd-file=
expect 2 "--metrics='default,muxcap_mux_nope': unknown family" -- $nobus $cfg "${files[@]}" --metrics=default,muxcap_mux_nope
expect 2 "--metrics='': expected default, all" -- $nobus $cfg "${files[@]}" --metrics=
printf '[Export]\nMetrics=all nope\n' >"$tmp/bad.conf"
expect 2 "$tmp/bad.conf:2: Metrics='all nope': unknown family" -- $nobus --config="$tmp/bad.conf"
expect 2 "--log-level='loud'" -- $nobus $cfg "${files[@]}" --log-level=loud
expect 2 "$tmp/nope.conf: No such file or directory" -- $nobus --config="$tmp/nope.conf"

printf '[Export]\nMuxes=br*\nNfdExpirySec=abc\n' >"$tmp/bad.conf"
expect 2 "$tmp/bad.conf:3: NfdExpirySec='abc': expected seconds" -- $nobus --config="$tmp/bad.conf"
printf '[Export]\nColour=blue\n' >"$tmp/bad.conf"
expect 2 "$tmp/bad.conf:2: unknown key 'Colour'" -- $nobus --config="$tmp/bad.conf"
printf '[Daemon]\nCoalesceMs=1\n' >"$tmp/bad.conf"
expect 2 "$tmp/bad.conf:2: unknown section '[Daemon]'" -- $nobus --config="$tmp/bad.conf"
printf '[Export]\nno equals sign\n' >"$tmp/bad.conf"
expect 2 "$tmp/bad.conf:2: syntax error" -- $nobus --config="$tmp/bad.conf"
# the command line overrides the file: the file's NfdFile= in a missing folder does not count
printf '[Export]\nNfdFile=/nonexistent/x\nPrometheusFile=\n' >"$tmp/off.conf"
expect 2 "nothing to do" -- $nobus --config="$tmp/off.conf" --no-nfd

expect 1 "cannot write '/nonexistent/dir/muxcap.prom': its folder: No such file or directory" -- \
        $nobus $cfg --no-nfd --prometheus-file=/nonexistent/dir/muxcap.prom
expect 1 "connecting to the unix:path=/nonexistent/muxcap-test-bus bus failed" -- $nobus $cfg "${files[@]}"

out=$("$exporter" --help) || fail "--help exits $?"
for opt in --bus= --config= --nfd-file= --no-nfd --prometheus-file= --no-prometheus \
           --label-prefix= --mux= --nfd-expiry= --metrics= --log-level= --version --help; do
        [[ "$out" == *"  $opt"* ]] || fail "--help lacks $opt"
done
[[ "$("$exporter" --version)" == "muxcap-export "[0-9]* ]] || fail "--version"
# --help wins over a bad option value, like muxcapd
"$exporter" --help --label-prefix=- >/dev/null || fail "--help with a bad value exits $?"

echo "muxcap-export usage: $fails failure(s)"
[ "$fails" = 0 ]
