#!/bin/bash
# SPDX-License-Identifier: MIT
# The demo's body, run by scripts/demo.sh inside tests/integration/ns-run.sh: a private
# network namespace with its own udevd and dbus-daemon ($MUXCAP_TEST_BUS).
set -euo pipefail
build=$1
bus=$MUXCAP_TEST_BUS
ctl=("$build/client/ctl/muxcapctl" --bus="$bus")

# Bold titles on a terminal only: a log or a pipe gets plain text.
if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; sleep 0.4; }

"$build/daemon/muxcapd" --bus="$bus" --config=/dev/null --log-level=notice &
daemon=$!
for _ in $(seq 50); do
        "${ctl[@]}" list >/dev/null 2>&1 && break
        sleep 0.1
done

step "muxcapctl monitor: one line per StatusIndication (0x4002000B and 0x40020003: TCP connection offload; 0x40020007 and 0x40020006: task offloads, NDIS_OFFLOAD), and one per member that joins or leaves"
"${ctl[@]}" monitor &
monitor=$!
sleep 0.3

step "ip link add br-demo type bridge   (a new MUX: generation 1, no members, all zero)"
ip link add br-demo type bridge
sleep 0.3

step "three veth NICs join br-demo; udev rules declare them TCP offload engines (IPv4, IPv6) with capacities 4096, 1024, 2048"
for i in 1 2 3; do
        ip link add nic$i type veth peer name peer$i
done
udevadm settle
for i in 1 2 3; do
        ip link set nic$i master br-demo
        sleep 0.3
done

step "ethtool -K nic2 tso off   (the task-offload current config loses LSO; hardware capabilities keep it; the connection record does not move: segmentation is no connection offload)"
ethtool -K nic2 tso off
sleep 0.3

step "ethtool -K nic2 txvlan off   (the connection current config loses its 802.1Q framing: encap=802.3)"
ethtool -K nic2 txvlan off
sleep 0.3

step "ethtool -K nic1 tx-udp-segmentation off   (the task-offload current config loses USO: uso=0)"
ethtool -K nic1 tx-udp-segmentation off
sleep 0.3

step "ip link del nic2   (capacity min() rises to 2048)"
ip link del nic2
sleep 0.3

step "a vxlan device joins (tso_max_size 65536, a veth's is 524280): the hardware MaxOffLoadSize drops, lso4=65536; it offloads no TCP connections, so the bridge's chimney goes"
ip link add vx0 type vxlan id 42 dstport 4789 local 127.0.0.1
ip link set vx0 master br-demo
sleep 0.3

step "muxcapctl list   (each MUX and what it offloads now)"
"${ctl[@]}" list

step "muxcapctl show br-demo   (one screen: what it offloads, hardware and current config, and the member that limits each)"
"${ctl[@]}" show br-demo

step "muxcapctl show nic nic1   (one NIC's fields and the source of each: kernel, udev rule or config)"
"${ctl[@]}" show nic nic1

step "muxcapctl explain br-demo lso_v2_ipv4_max_offload_size SupportIPv4   (chosen fields, every record)"
"${ctl[@]}" explain br-demo lso_v2_ipv4_max_offload_size SupportIPv4

step "muxcapctl advertised br-demo   (what br-demo advertises that its members lack)"
"${ctl[@]}" advertised br-demo

step "stopping: SIGINT to monitor, SIGTERM to muxcapd"
kill -INT $monitor
wait $monitor || true
kill -TERM $daemon
wait $daemon
echo "muxcapd exited with status $?"
