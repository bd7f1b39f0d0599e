#!/bin/bash
# SPDX-License-Identifier: MIT
# muxcapctl's bash completion, driven as readline drives it (COMP_WORDS split at blanks and at
# = and :, COMP_CWORD, then the function `complete -p` names), against the real muxcapd inside
# tests/integration/ns-run.sh: commands, options and their values, live MUX and NIC names (an
# escaped one too), fields for explain and encode.
#
# Usage: test-ctl-completion.sh MUXCAPCTL COMPLETION-FILE   ($MUXCAPD, $MUXCAP_TEST_BUS)
set -u
ctl=$1
bus=$MUXCAP_TEST_BUS
fails=0

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# shellcheck source=/dev/null
source "$2"
spec=$(complete -p muxcapctl)
[ "$spec" = "complete -F _muxcapctl muxcapctl" ] || fail "complete -p muxcapctl: '$spec'"
func=${spec#complete -F }
func=${func%% *}

# complete LINE: COMPREPLY for the end of LINE, the words split as readline splits them.
complete_line() {
        local line=$1 w= c k
        COMP_WORDS=()
        for ((k = 0; k < ${#line}; k++)); do
                c=${line:k:1}
                case $c in
                ' ') [ -n "$w" ] && COMP_WORDS+=("$w"); w= ;;
                [=:]) [ -n "$w" ] && COMP_WORDS+=("$w"); COMP_WORDS+=("$c"); w= ;;
                *) w+=$c ;;
                esac
        done
        COMP_WORDS+=("$w")
        COMP_WORDS[0]=$ctl
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMP_LINE=$line
        COMP_POINT=${#line}
        COMPREPLY=()
        "$func"
}

# expect LINE WORD...: exactly these replies, in any order.
expect() {
        local line=$1 got want
        shift
        complete_line "$line"
        got=$(printf '%s\n' "${COMPREPLY[@]}" | sort)
        want=$(printf '%s\n' "$@" | sort)
        [ "$got" = "$want" ] || fail "'$line': got [$(echo $got)], want [$(echo $want)]"
}

"$MUXCAPD" --bus="$bus" --config=/dev/null --udev-source=udev 2>"$MUXCAP_TEST_DIR/muxcapd.log" &
daemon=$!
trap 'kill $daemon 2>/dev/null; wait $daemon 2>/dev/null' EXIT
ip link add br0 type bridge && ip link add br-lan type bridge && ip link add brü type bridge
ip link add tA type veth peer name tP
udevadm settle
ip link set tA master br0
for _ in $(seq 100); do
        "$ctl" --bus="$bus" show nic tA >/dev/null 2>&1 && "$ctl" --bus="$bus" show brü >/dev/null 2>&1 && break
        sleep 0.1
done

b="muxcapctl --bus=$bus"
expect "muxcapctl " list show explain advertised monitor decode encode resync reload help
expect "muxcapctl sh" show
expect "muxcapctl re" resync reload
expect "muxcapctl list --js" --json
expect "muxcapctl --rec" --records=
expect "muxcapctl --records=" connection task all
expect "muxcapctl --records=t" task
expect "muxcapctl encode --type=c" connection
expect "muxcapctl --bus=s" system session
# Live names from the daemon, on the bus --bus names, wherever it stands: escaped in the object
# path (br_2dlan, br_c3_bc), as they are.
expect "$b show " br0 br-lan brü nic
expect "$b show br-" br-lan
expect "muxcapctl show brü --bus=$bus" ""
expect "$b show nic t" tA tP
expect "$b show nic br" br0 br-lan brü
expect "$b show nic tA " ""
expect "$b -j monitor b" br0 br-lan brü
expect "$b advertised --records=task br0" br0
expect "$b explain br0 lso_v2_ipv4_max" lso_v2_ipv4_max_offload_size
expect "$b explain br0 SupportIPv4 support_ipv6_" support_ipv6_extension_headers
expect "muxcapctl encode support_ipv" support_ipv4= support_ipv6= support_ipv6_extension_headers=
expect "muxcapctl encode revision=" ""
expect "muxcapctl decode " -
# No daemon on that bus: no names, and no error on the terminal.
expect "muxcapctl --bus=unix:path=/nonexistent show " nic

echo "muxcapctl completion: $fails failure(s)"
[ "$fails" = 0 ]
