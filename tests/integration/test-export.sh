#!/bin/bash
# SPDX-License-Identifier: MIT
# muxcap-export through the real muxcapd, kernel, udevd and bus (run by ns-run.sh with
# export.rules): NFD labels and Prometheus metrics follow member add/remove and feature
# toggles; files are replaced whole (a reader looping on them never sees a part) and only
# when something changed; a SIGKILLed muxcapd shows as muxcap_daemon_up 0 with the NFD file
# left to expire, and its restart brings everything back; names that need escaping; the NFD
# file against NFD's grammar; the real node_exporter (textfile collector only, on loopback)
# serves every muxcap metric with its value and node_textfile_scrape_error 0; SIGTERM. The
# task-offload record too (type="task"): toggling tx-udp-segmentation on a member changes
# the uso labels and the USO metrics within a coalescing window plus a write. The default
# Prometheus file carries the curated families (at most 30 series per MUX: four MUXes scraped
# through node_exporter give at most 120 muxcap series), a second exporter with
# --metrics=all every field; all labels of a long-named MUX share one hashed name part.
#
# Usage (inside ns-run.sh): test-export.sh MUXCAPCTL MUXCAP_EXPORT; $MUXCAPD is the daemon.
set -euo pipefail

ctl=${1:?usage: test-export.sh MUXCAPCTL MUXCAP_EXPORT}
exporter=${2:?usage: test-export.sh MUXCAPCTL MUXCAP_EXPORT}
py=/usr/bin/python3
node_exporter=/usr/bin/prometheus-node-exporter
[ "$(id -u)" = 0 ] && [ -n "${MUXCAP_TEST_DIR-}" ] || { echo "SKIP: run by ns-run.sh"; exit 77; }
[ -n "${MUXCAPD-}" ] || { echo "FAIL: \$MUXCAPD is not set"; exit 1; }
for t in "$py" "$node_exporter" "$(command -v curl || echo curl)"; do
        [ -x "$t" ] || { echo "SKIP: $t not found"; exit 77; }
done

dir=$MUXCAP_TEST_DIR
bus=$MUXCAP_TEST_BUS
nfd=$dir/nfd/muxcap
prom=$dir/prom/muxcap.prom
prom_all=$dir/prom-all/muxcap.prom
expiry_sec=120
mkdir -p "$dir/nfd" "$dir/prom" "$dir/prom-all"
# A declared MUX whose name needs escaping and, for its longer labels, a hash.
long_mux='lbfo.east_rack:42-with-a-rather-long-name'
cat >"$dir/muxcapd.conf" <<EOF
[Daemon]
CoalesceMs=10

[Mux $long_mux]
Members=gx*
EOF
printf '[Export]\n' >"$dir/export.conf"

daemon_pid= export_pid= export_all_pid= ne_pid= ne_all_pid=
fail() {
        echo "FAIL: $*" >&2
        for f in "$nfd" "$prom" "$prom_all"; do
                echo "---- $f ----" >&2
                cat "$f" >&2 2>/dev/null || echo "(none)" >&2
        done
        exit 1
}
ok() { echo "ok: $*"; }

# wait_for SECONDS DESCRIPTION CMD...: CMD until it succeeds, or fail.
wait_for() {
        local secs=$1 what=$2 i
        shift 2
        for ((i = 0; i < secs * 50; i++)); do
                "$@" >/dev/null 2>&1 && return 0
                sleep 0.02
        done
        fail "after ${secs} s: $what"
}

has_line() { grep -qxF -- "$2" "$1"; }
lacks_line() { ! grep -qxF -- "$2" "$1"; }
# One exact sample, or one NFD label line.
want_prom() { wait_for 10 "$prom has '$1'" has_line "$prom" "$1"; }
want_prom_all() { wait_for 10 "$prom_all has '$1'" has_line "$prom_all" "$1"; }
# A sample whose value matches an extended regex.
has_sample_re() { grep -qE -- "^$(printf '%s' "$2" | sed 's/[][\\.^$*+?(){}|]/\\&/g') $3\$" "$1"; }
want_prom_re() { wait_for 10 "$prom has '$1 $2'" has_sample_re "$prom" "$1" "$2"; }
want_prom_all_re() { wait_for 10 "$prom_all has '$1 $2'" has_sample_re "$prom_all" "$1" "$2"; }
want_label() { wait_for 10 "$nfd has '$1'" has_line "$nfd" "$1"; }

start_daemon() {
        "$MUXCAPD" --bus="$bus" --config="$dir/muxcapd.conf" --log-level=debug \
                >>"$dir/muxcapd.log" 2>&1 &
        daemon_pid=$!
        wait_for 10 "muxcapd answers" "$ctl" --bus="$bus" list
}

# The NFD local source's grammar (NFD docs, source/local/local.go): "name[=value]" lines,
# "#" comments, "# +" directives of which we write only expiry-time (RFC 3339), before
# every label; name: an optional DNS-subdomain namespace and "/", then a segment of at most
# 63 of [A-Za-z0-9._-] beginning and ending alphanumeric; value: empty or the same; at most
# 64 KiB.
check_nfd_grammar() {
        "$py" - "$nfd" "$expiry_sec" <<'EOF'
import datetime, re, sys
path, expiry_sec = sys.argv[1], int(sys.argv[2])
data = open(path, "rb").read()
assert len(data) <= 65536, "larger than NFD's 64 KiB"
text = data.decode("utf-8")
assert text.endswith("\n"), "no final newline"
seg = r"[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?"
ns = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
name_re = re.compile(rf"({ns}/)?{seg}")
expiry, labels = None, {}
for n, line in enumerate(text.split("\n")[:-1], 1):
    where = f"{path}:{n}: {line!r}"
    assert line == line.strip() and line, f"{where}: blank or padded line"
    if line.startswith("# +"):
        key, _, value = line[3:].partition("=")
        assert key == "expiry-time" and value, f"{where}: unknown directive"
        assert expiry is None and not labels, f"{where}: expiry-time after labels or twice"
        expiry = datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=datetime.timezone.utc)
        continue
    if line.startswith("#"):
        continue
    name, _, value = line.partition("=")
    assert name_re.fullmatch(name), f"{where}: invalid label name"
    assert len(name.rpartition("/")[2]) <= 63, f"{where}: name segment over 63"
    assert value == "" or (re.fullmatch(seg, value) and len(value) <= 63), \
        f"{where}: invalid label value"
    assert name not in labels, f"{where}: label twice"
    labels[name] = value
assert expiry is not None, "no # +expiry-time="
now = datetime.datetime.now(datetime.timezone.utc)
assert now < expiry <= now + datetime.timedelta(seconds=expiry_sec + 5), \
    f"expiry {expiry} not within {expiry_sec} s of {now}"
m = re.search(r"^# (\d+) labels\n\Z", text, re.M)
assert m and int(m.group(1)) == len(labels), "closing label count wrong"
EOF
}

cleanup() {
        for p in $ne_pid $ne_all_pid $export_pid $export_all_pid $daemon_pid; do
                kill -9 "$p" 2>/dev/null || true
        done
}
trap cleanup EXIT

# --- start: muxcapd, then the exporter --------------------------------------------------
start_daemon
"$exporter" --bus="$bus" --config="$dir/export.conf" --nfd-file="$nfd" --prometheus-file="$prom" \
        --nfd-expiry=$expiry_sec --log-level=debug >>"$dir/export.log" 2>&1 &
export_pid=$!
"$exporter" --bus="$bus" --config="$dir/export.conf" --no-nfd --prometheus-file="$prom_all" \
        --metrics=all >>"$dir/export-all.log" 2>&1 &
export_all_pid=$!
want_prom "muxcap_daemon_up 1"
want_prom_all "muxcap_daemon_up 1"
long_part_full=lbfo_2eeast_5frack_3a42-with-a-rather-long-name
fnv=$("$py" -c 'import sys
h = 2166136261
for b in sys.argv[1].encode():
    h = ((h ^ b) * 16777619) & 0xffffffff
print(f"{h:08x}")' "$long_mux")
# 6 + 1 + 48 + 1 + 23 > 63 for the longest fact (tcp-connection-capacity): every label of
# the MUX gets the same hashed part, even those that would fit with the name in full.
long_part_hashed=${long_part_full:0:23}-$fnv
want_label "muxcap.$long_part_hashed.members=0"
want_label "muxcap.$long_part_hashed.kind=declared"
want_label "muxcap.$long_part_hashed.tcp-connection-capacity=0"
parts=$(sed -n 's/^muxcap\.\(lbfo[^.]*\)\..*/\1/p' "$nfd" | sort -u)
[ "$parts" = "$long_part_hashed" ] || fail "the labels of '$long_mux' have the name parts: $parts"
[ "$(grep -c "^muxcap\.$long_part_hashed\." "$nfd")" -ge 6 ] || fail "too few labels of '$long_mux'"
want_prom "muxcap_mux_info{mux=\"$long_mux\",kind=\"declared\",capacity_policy=\"min\"} 1"
# No connection offload engine declared for it: no connection family in the default file.
! grep -q "^muxcap_mux_[a-z0-9_]*{mux=\"$long_mux\",.*type=\"connection\"" "$prom" ||
        fail "connection families shown for a MUX that declares no engine"
want_prom_all "muxcap_mux_chimney_capable{mux=\"$long_mux\",record=\"current\",type=\"connection\"} 0"
check_nfd_grammar || fail "NFD grammar at start"
ok "start: the declared MUX, escaped and hashed once for all its labels, daemon up"

# --- a bridge and its members -----------------------------------------------------------
ip link add br0 type bridge
want_label "muxcap.br0.members=0"
want_label "muxcap.br0.kind=bridge"
want_label "muxcap.br0.chimney-capable=false"
want_prom 'muxcap_mux_generation{mux="br0"} 1'

ip link add va type veth peer name vb
ip link set va master br0
want_label "muxcap.br0.members=1"
want_label "muxcap.br0.tcp-connection-capacity=4096"
# A veth's TSO and checksums are no TCP connection offload (SPEC 3): the connection record
# says no, and so do its labels; the task-offload labels below say what it does offload.
want_label "muxcap.br0.chimney-capable=false"
want_label "muxcap.br0.tcp-offload-ipv4=false"
want_label "muxcap.br0.tcp-offload-ipv6=false"
want_prom 'muxcap_mux_members{mux="br0"} 1'
want_prom_all 'muxcap_mux_tcp_connection_offload_capacity{mux="br0",record="hardware",type="connection"} 4096'
want_prom 'muxcap_mux_tcp_connection_offload_capacity{mux="br0",record="current",type="connection"} 4096'
want_prom_all 'muxcap_mux_encapsulation{mux="br0",record="hardware",type="connection"} 6'
# declared capacity: the connection facts of the default set are shown
want_prom 'muxcap_mux_chimney_capable{mux="br0",record="current",type="connection"} 0'
want_prom_all 'muxcap_mux_support_ipv4{mux="br0",record="hardware",type="connection"} 0'
! grep -q '^muxcap_mux_support_ipv4\|^muxcap_mux_offload_flags\|^muxcap_mux_ipsec_v1' "$prom" ||
        fail "the default file has families outside the curated set"
want_prom 'muxcap_mux_generation{mux="br0"} 2'
# generation 1 (the bridge appeared) and 2 (it got a member), both records each time
want_prom 'muxcap_indications_total{mux="br0",status="0x4002000b"} 2'
want_prom 'muxcap_indications_total{mux="br0",status="0x40020003"} 2'
# The task-offload record of a bridge over a veth: LSO, USO and checksums on.
want_label "muxcap.br0.lso-v2-ipv4=true"
want_label "muxcap.br0.lso-v2-ipv6=true"
want_label "muxcap.br0.lso-v2-ipv4-max-size=65536"
want_label "muxcap.br0.uso-ipv4=true"
want_label "muxcap.br0.uso-ipv6=true"
want_label "muxcap.br0.checksum-tx-ipv4=true"
want_label "muxcap.br0.checksum-rx-ipv6=true"
want_label "muxcap.br0.ipsec-esp=false"
want_prom 'muxcap_mux_lso_v2_ipv4_max_offload_size_bytes{mux="br0",record="current",type="task"} 65536'
want_prom_re 'muxcap_mux_lso_v2_ipv4_max_offload_size_bytes{mux="br0",record="hardware",type="task"}' '[1-9][0-9]*'
want_prom_re 'muxcap_mux_udp_segmentation_ipv4_encapsulation{mux="br0",record="current",type="task"}' '[1-9][0-9]*'
want_prom_all_re 'muxcap_mux_offload_flags{mux="br0",record="current",type="task"}' '[0-9]+'
want_prom 'muxcap_mux_udp_segmentation_ipv4_max_offload_size_bytes{mux="br0",record="current",type="task"} 65536'
want_prom 'muxcap_indications_total{mux="br0",status="0x40020007"} 2'
want_prom 'muxcap_indications_total{mux="br0",status="0x40020006"} 2'
ok "first member: labels and metrics"

# A second identical member changes no record, so no indication: the members count still
# follows (MUXCAP_EVENT_MUX_CHANGED), the generation does not move.
ip link add vc type veth peer name vd
ip link set vc master br0
want_label "muxcap.br0.members=2"
want_prom 'muxcap_mux_members{mux="br0"} 2'
has_line "$prom" 'muxcap_mux_generation{mux="br0"} 2' || fail "a member-only change moved the generation"
ok "second member without a record change: members follow"

# --- a feature toggle: the current record and its labels, within a window plus a write -
t0=$(date +%s%N)
ethtool -K va tx-tcp-segmentation off
want_label "muxcap.br0.lso-v2-ipv4=false"
t1=$(date +%s%N)
want_label "muxcap.br0.lso-v2-ipv6=true"
want_prom 'muxcap_mux_lso_v2_ipv4_encapsulation{mux="br0",record="current",type="task"} 0'
want_prom_all_re 'muxcap_mux_lso_v2_ipv4_encapsulation{mux="br0",record="hardware",type="task"}' '[1-9][0-9]*'
want_prom 'muxcap_indications_total{mux="br0",status="0x40020006"} 3'
# the connection record does not move: segmentation is no connection offload
want_prom 'muxcap_indications_total{mux="br0",status="0x40020003"} 2'
want_prom 'muxcap_indications_total{mux="br0",status="0x4002000b"} 2'
want_prom 'muxcap_mux_generation{mux="br0"} 3'
ms=$(((t1 - t0) / 1000000))
[ "$ms" -lt 2000 ] || fail "the label took $ms ms to change"
check_nfd_grammar || fail "NFD grammar after a toggle"
ok "tx-tcp-segmentation off on a member: label and metric changed in $ms ms"

# The acceptance scenario of issue 16: tx-udp-segmentation off on one member takes USO off
# the bridge's current config (its hardware record keeps it), label and metric together.
t0=$(date +%s%N)
ethtool -K va tx-udp-segmentation off
want_label "muxcap.br0.uso-ipv4=false"
t1=$(date +%s%N)
want_label "muxcap.br0.uso-ipv6=false"
want_prom 'muxcap_mux_udp_segmentation_ipv4_encapsulation{mux="br0",record="current",type="task"} 0'
want_prom 'muxcap_mux_udp_segmentation_ipv4_max_offload_size_bytes{mux="br0",record="current",type="task"} 0'
want_prom_all_re 'muxcap_mux_udp_segmentation_ipv4_encapsulation{mux="br0",record="hardware",type="task"}' '[1-9][0-9]*'
want_prom 'muxcap_mux_generation{mux="br0"} 4'
want_prom 'muxcap_indications_total{mux="br0",status="0x40020006"} 4'
has_line "$nfd" "muxcap.br0.lso-v2-ipv4=false" || fail "tx-tcp-segmentation off did not reach lso-v2-ipv4"
ms=$(((t1 - t0) / 1000000))
[ "$ms" -lt 2000 ] || fail "the uso label took $ms ms to change"
ethtool -K va tx-udp-segmentation on
want_label "muxcap.br0.uso-ipv4=true"
want_prom 'muxcap_mux_udp_segmentation_ipv4_max_offload_size_bytes{mux="br0",record="current",type="task"} 65536'
check_nfd_grammar || fail "NFD grammar after a USO toggle"
ok "tx-udp-segmentation off on a member: uso label and USO metrics changed in $ms ms, and back"

ip link set vc nomaster
want_label "muxcap.br0.members=1"
want_prom 'muxcap_mux_members{mux="br0"} 1'
ok "member removed"

# --- names that need escaping -----------------------------------------------------------
ip link add 'br_x.1' type bridge
want_label "muxcap.br_5fx_2e1.members=0"
want_prom 'muxcap_mux_info{mux="br_x.1",kind="bridge",capacity_policy="min"} 1'
check_nfd_grammar || fail "NFD grammar with escaped names"
ok "a bridge named br_x.1: label muxcap.br_5fx_2e1.*, metric mux=\"br_x.1\""

# --- a second exporter: only some MUXes, labels in a namespace, no Prometheus file ------
mkdir -p "$dir/nfd2"
"$exporter" --bus="$bus" --config="$dir/export.conf" --nfd-file="$dir/nfd2/muxcap" --no-prometheus \
        --mux='br_*' --mux=nothing --label-prefix=example.com/mx --nfd-expiry=$expiry_sec \
        >>"$dir/export2.log" 2>&1 &
export2_pid=$!
wait_for 10 "the second exporter's labels" has_line "$dir/nfd2/muxcap" "example.com/mx.br_5fx_2e1.members=0"
grep -q 'br0\|lbfo' "$dir/nfd2/muxcap" && fail "--mux='br_*' exported other MUXes: $(cat "$dir/nfd2/muxcap")"
# 6 labels of the connection record and the members, 13 of the task-offload record
has_line "$dir/nfd2/muxcap" "# 19 labels" || fail "second exporter: $(cat "$dir/nfd2/muxcap")"
nfd=$dir/nfd2/muxcap check_nfd_grammar || fail "NFD grammar with a namespaced prefix"
kill -TERM "$export2_pid"
wait "$export2_pid" || fail "the second exporter exited $? on SIGTERM"
[ -z "$(ls "$dir/prom")" ] || [ "$(ls "$dir/prom")" = muxcap.prom ] || fail "--no-prometheus wrote a file"
ok "--mux globs, --label-prefix with a namespace, --no-prometheus"

# --- atomic replacement: a reader looping on both files never sees a part --------------
"$py" - "$nfd" "$prom" "$dir/reader.out" "$dir/reader.stop" <<'EOF' &
import os, re, sys
nfd, prom, out, stop = sys.argv[1:5]
reads = bad = 0
last = ""
while not os.path.exists(stop):
    for path in (nfd, prom):
        try:
            text = open(path).read()
        except FileNotFoundError:
            bad += 1; last = f"{path} missing"; continue
        reads += 1
        if path == nfd:
            m = re.search(r"^# (\d+) labels\n\Z", text, re.M)
            n = sum(1 for l in text.splitlines() if l and not l.startswith("#"))
            good = m is not None and int(m.group(1)) == n
        else:
            good = re.search(r"\nmuxcap_daemon_up [01]\n\Z", text) is not None
        if not good:
            bad += 1; last = f"{path}: {text[-200:]!r}"
open(out, "w").write(f"{reads} {bad} {last}\n")
EOF
reader_pid=$!
for i in $(seq 1 20); do
        ethtool -K va tx-tcp-segmentation on
        sleep 0.03
        ethtool -K va tx-tcp-segmentation off
        sleep 0.03
done
want_label "muxcap.br0.lso-v2-ipv4=false"
touch "$dir/reader.stop"
wait "$reader_pid"
read -r reads bad last <"$dir/reader.out"
[ "$bad" = 0 ] || fail "the reader saw $bad partial or missing files of $reads: $last"
[ "$reads" -gt 100 ] || fail "the reader managed only $reads reads"
leftovers=$(find "$dir/nfd" "$dir/prom" -name '.*' -type f)
[ -z "$leftovers" ] || fail "temporary files left behind: $leftovers"
ok "40 toggles: $reads reads, every one a whole file; no temporary file left"

# --- nothing changed, nothing written; SIGHUP writes again ------------------------------
sleep 0.3
inode_prom=$(stat -c %i "$prom") inode_nfd=$(stat -c %i "$nfd")
ethtool -K va rx-gro off 2>/dev/null || ethtool -K va gro off
ip link set va up
sleep 1
[ "$(stat -c %i "$prom")" = "$inode_prom" ] || fail "Prometheus file rewritten without a change"
[ "$(stat -c %i "$nfd")" = "$inode_nfd" ] || fail "NFD file rewritten without a change"
kill -HUP "$export_pid"
wait_for 5 "SIGHUP rewrites the Prometheus file" \
        bash -c 'test "$(stat -c %i "$1")" != "$2"' - "$prom" "$inode_prom"
ok "no change, no write; SIGHUP rewrites"

# --- a fourth MUX: the default scrape of four MUXes stays within 120 series --------------
ip link add br1 type bridge
ip link add ve type veth peer name vf
ip link set ve master br1
want_prom 'muxcap_mux_members{mux="br1"} 1'
want_prom_re 'muxcap_mux_lso_v2_ipv4_max_offload_size_bytes{mux="br1",record="current",type="task"}' '[1-9][0-9]*'
want_prom 'muxcap_mux_tcp_connection_offload_capacity{mux="br1",record="current",type="connection"} 4096'
want_prom_all 'muxcap_mux_members{mux="br1"} 1'
muxes=(br0 br1 'br_x.1' "$long_mux")

# --- the real node_exporter serves every muxcap metric ----------------------------------
# One node_exporter for the default file, one for the --metrics=all file (one folder each:
# the two files hold the same series).
port=9177 port_all=9178
"$node_exporter" --web.listen-address=127.0.0.1:$port --collector.disable-defaults \
        --collector.textfile --collector.textfile.directory="$dir/prom" \
        >>"$dir/node-exporter.log" 2>&1 &
ne_pid=$!
"$node_exporter" --web.listen-address=127.0.0.1:$port_all --collector.disable-defaults \
        --collector.textfile --collector.textfile.directory="$dir/prom-all" \
        >>"$dir/node-exporter-all.log" 2>&1 &
ne_all_pid=$!
wait_for 10 "node_exporter answers" curl -sf "http://127.0.0.1:$port/metrics"
wait_for 10 "the second node_exporter answers" curl -sf "http://127.0.0.1:$port_all/metrics"
# compare_scrape [PROM PORT OUT]: node_exporter on PORT serves PROM (default: the default
# file) into OUT: every sample with its value, no other muxcap sample, no scrape error.
compare_scrape() {
        local file=${1:-$prom} p=${2:-$port} out=${3:-$dir/scrape.txt}
        curl -sf "http://127.0.0.1:$p/metrics" >"$out" || return 1
        "$py" - "$file" "$out" <<'EOF'
import re, sys
sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
label = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
def samples(path):
    out = {}
    for line in open(path):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        m = sample.match(line)
        assert m, f"{path}: unparsable sample {line!r}"
        labels = tuple(sorted(label.findall(m.group(3) or "")))
        out[(m.group(1), labels)] = float(m.group(4))
    return out
ours, scraped = samples(sys.argv[1]), samples(sys.argv[2])
errors = [f"{k}: ours {v}, scraped {scraped.get(k)}" for k, v in ours.items() if scraped.get(k) != v]
extra = [k for k in scraped if k[0].startswith("muxcap_") and k not in ours]
if scraped.get(("node_textfile_scrape_error", ())) != 0.0:
    errors.append(f"node_textfile_scrape_error {scraped.get(('node_textfile_scrape_error', ()))}")
errors += [f"scraped but not ours: {k}" for k in extra]
for e in errors:
    print(e, file=sys.stderr)
sys.exit(1 if errors or not ours else 0)
EOF
}
wait_for 10 "node_exporter serves the file: every sample, its value, no scrape error" compare_scrape
scrape_all=$dir/scrape-all.txt
wait_for 10 "node_exporter serves the --metrics=all file likewise" \
        compare_scrape "$prom_all" $port_all "$scrape_all"
# Four MUXes by default: at most 30 series each, at most 120 muxcap series in all
# (muxcap_daemon_up included).
n=$(grep -c '^muxcap_' "$dir/scrape.txt")
n_all=$(grep -c '^muxcap_' "$scrape_all")
per_mux= per_mux_all=
for m in "${muxes[@]}"; do
        # node_exporter sorts the labels: mux= may come first or after kind=
        c=$(grep -cF -e "{mux=\"$m\"" -e ",mux=\"$m\"" "$dir/scrape.txt")
        c_all=$(grep -cF -e "{mux=\"$m\"" -e ",mux=\"$m\"" "$scrape_all")
        [ "$c" -le 30 ] || fail "the default scrape has $c series of '$m'"
        [ "$c_all" -gt 200 ] || fail "the --metrics=all scrape has only $c_all series of '$m'"
        per_mux+=" $m=$c" per_mux_all+=" $m=$c_all"
done
[ "$(grep -c '^muxcap_.*[{,]mux="' "$dir/scrape.txt")" = $((n - 1)) ] ||
        fail "muxcap series of no MUX but muxcap_daemon_up: $(grep '^muxcap_' "$dir/scrape.txt" | grep -v '[{,]mux="')"
[ "$n" -le 120 ] || fail "the default scrape of four MUXes has $n muxcap series, over 120"
[ "$n_all" -gt 800 ] || fail "the --metrics=all scrape has only $n_all muxcap series"
grep -qx 'muxcap_mux_udp_segmentation_ipv4_max_offload_size_bytes{mux="br0",record="current",type="task"} 65536' \
        "$dir/scrape.txt" || fail "node_exporter lacks the current USO max size of br0"
grep -qE '^muxcap_mux_lso_v2_ipv4_max_offload_size_bytes\{mux="br0",record="hardware",type="task"\} [1-9]' \
        "$dir/scrape.txt" || fail "node_exporter lacks the hardware LSO max size of br0 (the alert's)"
grep -qE '^muxcap_indications_total\{mux="br0",status="0x40020006"\} [1-9][0-9]*$' "$dir/scrape.txt" ||
        fail "node_exporter lacks the task-offload current config indications of br0"
# what the stale alert of contrib/prometheus reads
grep -qE '^node_textfile_mtime_seconds\{file="([^"]*/)?muxcap\.prom"\} [0-9.e+]+$' "$dir/scrape.txt" ||
        fail "node_exporter lacks node_textfile_mtime_seconds of muxcap.prom"
grep -qx 'muxcap_mux_support_ipv4{mux="br0",record="current",type="connection"} 0' "$scrape_all" ||
        fail "node_exporter lacks the current support_ipv4 of br0 (--metrics=all)"
n_task=$(grep -c '^# TYPE muxcap_mux_.* gauge$' "$scrape_all")
[ "$n_task" -gt 100 ] || fail "node_exporter serves only $n_task muxcap_mux_ families (--metrics=all)"
n_task=$(grep -c '^muxcap_mux_[a-z0-9_]*{mux="br0",record="current",type="task"} ' "$scrape_all")
[ "$n_task" -gt 90 ] || fail "node_exporter serves only $n_task task samples of br0 (--metrics=all)"
ok "node_exporter 1.5, four MUXes: default $n muxcap series (per MUX:$per_mux), --metrics=all $n_all (per MUX:$per_mux_all), every sample with its value, node_textfile_scrape_error 0"

# --- muxcapd SIGKILLed: up 0, NFD left to expire; restarted: everything back ------------
inode_nfd=$(stat -c %i "$nfd")
kill -9 "$daemon_pid"
wait "$daemon_pid" 2>/dev/null || true
want_prom "muxcap_daemon_up 0"
! grep -q '^muxcap_mux_\|^muxcap_indications' "$prom" || fail "metrics of a gone muxcapd still shown"
[ "$(stat -c %i "$nfd")" = "$inode_nfd" ] || fail "NFD file rewritten while muxcapd is gone"
wait_for 10 "the --metrics=all file says muxcap_daemon_up 0" has_line "$prom_all" "muxcap_daemon_up 0"
has_line "$nfd" "muxcap.br0.members=1" || fail "NFD labels removed instead of left to expire"
wait_for 10 "node_exporter serves muxcap_daemon_up 0" compare_scrape
ok "muxcapd SIGKILLed: muxcap_daemon_up 0, no stale metric, NFD file untouched"

ip link set vc master br0       # the restarted daemon sees a changed topology
start_daemon
want_prom "muxcap_daemon_up 1"
want_prom 'muxcap_mux_generation{mux="br0"} 1'
want_prom 'muxcap_mux_members{mux="br0"} 2'
want_label "muxcap.br0.members=2"
want_label "muxcap.br0.lso-v2-ipv4=false"
# Counted afresh: 0, or 1 when the state query raced the new daemon's first publication.
grep -qxE 'muxcap_indications_total\{mux="br0",status="0x4002000b"\} [01]' "$prom" ||
        fail "indications of the old muxcapd still counted"
check_nfd_grammar || fail "NFD grammar after the restart"
wait_for 10 "node_exporter serves the restarted state" compare_scrape
ok "muxcapd restarted: generation 1, the new topology, labels renewed"

# --- a MUX removed ----------------------------------------------------------------------
ip link del 'br_x.1'
wait_for 10 "br_x.1 gone from the NFD file" lacks_line "$nfd" "muxcap.br_5fx_2e1.members=0"
wait_for 10 "br_x.1 gone from the metrics" bash -c "! grep -q 'mux=\"br_x.1\"' '$prom'"
ok "a MUX deleted: its labels and metrics go"

# --- SIGTERM: exit 0, Prometheus file removed, NFD file left to expire ------------------
kill -TERM "$export_pid"
rc=0
wait "$export_pid" || rc=$?
export_pid=
[ "$rc" = 0 ] || fail "muxcap-export exited $rc on SIGTERM"
[ ! -e "$prom" ] || fail "the Prometheus file outlived the exporter"
[ -s "$nfd" ] || fail "the NFD file was removed"
ok "SIGTERM: exit 0, Prometheus file removed, NFD file left to expire"
echo "muxcap-export integration: all passed"
