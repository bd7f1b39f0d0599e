#!/bin/bash
# SPDX-License-Identifier: MIT
# Profiles muxcapd's start-up to READY=1 (issue 14): N veths in M bridges (peers in another
# netns, so the daemon sees one NIC per veth), in a private namespace (ns-run.sh, with
# bench.rules); prints the time to READY=1 of RUNS native starts and the CPU the daemon had
# used by then (user and system: most of a start is the kernel's sysfs, udev database and
# netlink work, which callgrind does not see), then runs one start under callgrind, dumped
# when sd_notify() returns (READY=1 is the daemon's only sd_notify() call), and prints its
# total and the daemon's own functions by inclusive Ir. Builds nothing: give it a daemon.
#
# Usage: bench/startup-profile.sh MUXCAPD [N [M [RUNS]]]     (defaults 1000 100 5)
# Needs root, valgrind for the profile. The callgrind file lands in $MUXCAP_PROFILE_OUT
# (default /tmp/muxcap-startup-profile).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
py=/usr/bin/python3

if [[ "${1-}" != "--inner" ]]; then
        (($# >= 1)) || { sed -n '2,13p' "$0"; exit 2; }
        daemon=$(realpath "$1")
        out=${MUXCAP_PROFILE_OUT:-/tmp/muxcap-startup-profile}
        mkdir -p "$out"
        exec "$repo/tests/integration/ns-run.sh" --rules "$repo/bench/bench.rules" -- \
                "$(realpath "$0")" --inner "$daemon" "${2:-1000}" "${3:-100}" "${4:-5}" "$(realpath "$out")"
fi

daemon=$2 n=$3 m=$4 runs=$5 out=$6
conf=$MUXCAP_TEST_DIR/startup.conf
printf '[Mux big]\nMembers=sv*\n' >"$conf"      # as bench-scale's: a declared MUX to match
args=(--bus="$MUXCAP_TEST_BUS" --config="$conf" --udev-source=udev --log-level=warning)

ip netns add peers
batch=$MUXCAP_TEST_DIR/links.batch
{
        for ((k = 0; k < m; k++)); do
                echo "link add mb$k type bridge"
                echo "link set mb$k up"
        done
        for ((i = 0; i < n; i++)); do
                echo "link add nv$i type veth peer name p$i netns peers"
                echo "link set nv$i master mb$((i % m)) up"
        done
} >"$batch"
ip -batch "$batch"
udevadm settle --timeout=600
echo "links: $(ls /sys/class/net | wc -l) ($n veths in $m bridges)"

# Spawns the command with NOTIFY_SOCKET, prints the ms to READY=1 and the command's user and
# system CPU ms by then, runs $READY_HOOK (PID replaced) if any, then SIGTERMs it and waits.
ready() {
        "$py" - "$@" <<'PY'
import os, socket, subprocess, sys, time
path = os.path.join(os.environ["MUXCAP_TEST_DIR"], "profile-notify")
if os.path.exists(path):
    os.unlink(path)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(600)
t0 = time.monotonic()
p = subprocess.Popen(sys.argv[1:], env=dict(os.environ, NOTIFY_SOCKET=path))
while b"READY=1" not in s.recv(4096):
    pass
ms = (time.monotonic() - t0) * 1000
with open("/proc/%d/stat" % p.pid) as f:
    stat = f.read().rsplit(")", 1)[1].split()
tick = 1000 / os.sysconf("SC_CLK_TCK")
hook = os.environ.get("READY_HOOK")
if hook:
    subprocess.run(hook.replace("PID", str(p.pid)), shell=True, check=False)
p.terminate()
p.wait()
print("%.1f %.0f %.0f" % (ms, int(stat[11]) * tick, int(stat[12]) * tick))
PY
}

median() {
        sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
}
times=() users=() systems=()
for ((r = 0; r < runs; r++)); do
        read -r t u k < <(ready "$daemon" "${args[@]}")
        times+=("$t") users+=("$u") systems+=("$k")
done
echo "READY=1 (ms): ${times[*]}; median $(printf '%s\n' "${times[@]}" | median)"
# Clock ticks: 10 ms steps, so read the medians, not one run.
echo "CPU by READY=1 (ms, user/system): $(paste -d/ <(printf '%s\n' "${users[@]}") \
        <(printf '%s\n' "${systems[@]}") | tr '\n' ' '); median user $(printf '%s\n' \
        "${users[@]}" | median), system $(printf '%s\n' "${systems[@]}" | median)"

command -v valgrind >/dev/null || { echo "valgrind not installed: no profile"; exit 0; }
rm -f "$out"/callgrind.startup.*
# Dumped inside the daemon as READY=1 goes out: a dump asked for from outside once READY=1
# arrives lands later, with what the daemon did meanwhile (coalescing windows closing).
ready valgrind --tool=callgrind --dump-after=sd_notify \
        --callgrind-out-file="$out/callgrind.startup.%p" "$daemon" "${args[@]}" >/dev/null 2>&1
f=$(ls "$out"/callgrind.startup.*.1)
echo "callgrind, start to READY=1: $f"
callgrind_annotate --inclusive=yes "$f" 2>/dev/null |
        awk '/PROGRAM TOTALS/ { print "  " $0; next }
             /daemon\/[a-z-]+\.c:/ && !/=>/ {
                     sub(/ \[[^]]*\]$/, "")
                     sub(/[^ ]*\/daemon\//, "daemon/")
                     if (!seen[$NF]++) print "  " $0
             }' | head -20
