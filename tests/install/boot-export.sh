#!/bin/bash
# SPDX-License-Identifier: MIT
# muxcap-export.service as shipped, under a real systemd and system bus: builds with
# --prefix=/usr, stages `meson install`, boots it with ../shared/tools/boot-debian12.sh
# (systemd-nspawn, Debian 12) and checks that the unit starts as its own user behind its
# sandbox, that its ExecStartPre= opens the two folders to it, that the files follow a MUX
# (members 1 then 2), a SIGKILLed muxcapd (muxcap_daemon_up 0, then 1), and that stopping it
# removes the Prometheus file and leaves the NFD file. Not part of `meson test`: the first run
# builds a root file system (minutes; later runs take seconds). As root:
#   tests/install/boot-export.sh [PATH/TO/boot-debian12.sh]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
boot=${1:-}
for d in "$top/../shared" "$top/../../shared"; do        # beside a checkout or a worktree
        [ -n "$boot" ] || [ ! -x "$d/tools/boot-debian12.sh" ] || boot=$d/tools/boot-debian12.sh
done
[ -n "$boot" ] && [ -x "$boot" ] || { echo "SKIP: boot-debian12.sh not found"; exit 77; }
tmp=$(mktemp -d /var/tmp/muxcap-boot-export.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
meson setup "$tmp/build" "$top" --prefix=/usr -Dtests=false >"$tmp/setup.log"
ninja -C "$tmp/build" >"$tmp/build.log"
DESTDIR=$tmp/stage meson install -C "$tmp/build" --quiet --no-rebuild
export BOOT_PACKAGES=${BOOT_PACKAGES:-libevent-core-2.1-7 libinih1 libmnl0}
"$boot" "$tmp/stage" "$(cat <<'CMD'
set -eux
systemctl start muxcapd
ip link add br0 type bridge
ip link add va type veth peer name vb
ip link set va master br0
systemctl start muxcap-export
systemctl show -p User,ActiveState,SubState muxcap-export
P=/var/lib/prometheus/node-exporter/muxcap.prom
N=/etc/kubernetes/node-feature-discovery/features.d/muxcap
for i in $(seq 50); do grep -qx 'muxcap_mux_members{mux="br0"} 1' $P 2>/dev/null && break; sleep 0.1; done
grep -x 'muxcap_daemon_up 1' $P
grep -x 'muxcap_mux_members{mux="br0"} 1' $P
grep -x 'muxcap.br0.members=1' $N
stat -c '%U %a %n' $P $N
ip link set vb master br0
for i in $(seq 50); do grep -qx 'muxcap.br0.members=2' $N && break; sleep 0.1; done
grep -x 'muxcap.br0.members=2' $N
systemctl kill -s KILL muxcapd
for i in $(seq 50); do grep -qx 'muxcap_daemon_up 0' $P && break; sleep 0.1; done
grep -x 'muxcap_daemon_up 0' $P
systemctl start muxcapd
for i in $(seq 50); do grep -qx 'muxcap_daemon_up 1' $P && break; sleep 0.1; done
grep -x 'muxcap_daemon_up 1' $P
systemctl is-active muxcap-export
systemctl stop muxcap-export
test ! -e $P
test -s $N
journalctl -u muxcap-export --no-pager | tail -8
echo BOOT-OK
CMD
)"
