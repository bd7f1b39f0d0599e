#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs a test inside private PID + network + mount namespaces with its own systemd-udevd
# (reading only the test's rules) and its own dbus-daemon. Everything the test starts dies
# with the PID namespace; links die with the network namespace; mounts live only in the
# mount namespace; files live in tmpfs. Nothing is left on the host, even on failure.
#
# Usage: ns-run.sh [--rules FILE]... [--hwdb FILE]... -- COMMAND [ARG]...
#
# The command sees:
#   MUXCAP_TEST_BUS   address of the private bus (also DBUS_SYSTEM_BUS_ADDRESS and
#                     DBUS_SESSION_BUS_ADDRESS, so nothing reaches the host's buses)
#   MUXCAP_TEST_DIR   a tmpfs for sockets and logs (/run/muxcap-test); its *.log files are
#                     printed when the command fails
#   /sys, /run, /dev  private: sysfs of the new netns, an empty tmpfs /run, a minimal /dev
# Exit status: the command's; 77 (skip) when not root or a needed tool is missing.
# MUXCAP_TEST_KEEP_DIR=DIR copies MUXCAP_TEST_DIR to DIR on the host when the command fails.
set -euo pipefail

die() {
        echo "ns-run: $*" >&2
        exit 1
}

skip() {
        echo "ns-run: $*, skipping" >&2
        exit 77
}

UDEVD=/lib/systemd/systemd-udevd
TEST_DIR=/run/muxcap-test
BUS_SOCKET=$TEST_DIR/bus

# ---- stage 1, on the host: check, then re-run ourselves in the namespaces -------------------
if [[ "${1-}" != "--inner" ]]; then
        args=()
        while (($#)); do
                case "$1" in
                --rules|--hwdb)
                        (($# >= 2)) || die "$1 needs a FILE"
                        [[ -r "$2" ]] || die "$1 '$2': cannot read"
                [[ $1 != --rules || $2 == *.rules ]] || die "--rules '$2': udevd reads only *.rules"
                [[ $1 != --hwdb || $2 == *.hwdb ]] || die "--hwdb '$2': hwdb reads only *.hwdb"
                        args+=("$1" "$(realpath "$2")")
                        shift 2 ;;
                --) shift; break ;;
                *) die "unknown option '$1'" \
                        "(usage: ns-run.sh [--rules FILE]... [--hwdb FILE]... -- CMD...)" ;;
                esac
        done
        (($#)) || die "no command given"

        [[ $(id -u) == 0 ]] || skip "needs root"
        for tool in unshare ip udevadm dbus-daemon systemd-hwdb; do
                command -v "$tool" >/dev/null || skip "'$tool' not found"
        done
        [[ -x $UDEVD ]] || skip "'$UDEVD' not found"

        # --kill-child: if unshare dies (test runner timeout), our PID 1 gets SIGKILL and the
        # kernel kills everything else in the PID namespace.
        exec unshare --pid --fork --kill-child --mount-proc --net --mount --propagation private \
                -- "$(realpath "$0")" --inner "${args[@]}" -- "$@"
fi

# ---- stage 2, PID 1 of the new namespaces ---------------------------------------------------
shift
rules=()
hwdb=()
while [[ "$1" != "--" ]]; do
        case "$1" in
        --rules) rules+=("$2") ;;
        --hwdb) hwdb+=("$2") ;;
        esac
        shift 2
done
shift

# sysfs of this netns: otherwise /sys/class/net shows the host's links and udev finds no
# device for our events.
mount -t sysfs sysfs /sys

# A private /run: the host's /run/udev (and /run/dbus, /run/systemd) stay untouched and
# unreachable. Created here, so nothing is ever written into the host's /run.
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mkdir -p /run/udev "$TEST_DIR" /run/muxcap-ns
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$TEST_DIR"

# Copy the inputs before their directories may get hidden below.
mkdir -p /run/muxcap-ns/rules /run/muxcap-ns/hwdb
for f in "${rules[@]}"; do cp "$f" /run/muxcap-ns/rules/; done
for f in "${hwdb[@]}"; do cp "$f" /run/muxcap-ns/hwdb/; done

# A minimal private /dev. Kernel uevents of other subsystems (block, tty, ...) still reach
# this namespace; our udevd, lacking their rules, would reset the host's device nodes to
# default modes. With a private /dev it can only touch these few bind mounts' neighbours.
dev=/run/muxcap-ns/dev
mkdir -p $dev
mount -t tmpfs -o mode=0755,nosuid tmpfs $dev
for n in null zero full random urandom tty; do
        if [[ -e /dev/$n ]]; then
                touch $dev/$n
                mount --bind /dev/$n $dev/$n
        fi
done
if [[ -e /dev/net/tun ]]; then
        mkdir $dev/net
        touch $dev/net/tun
        mount --bind /dev/net/tun $dev/net/tun
fi
mkdir $dev/shm $dev/pts
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs $dev/shm
ln -s /proc/self/fd $dev/fd
ln -s /proc/self/fd/0 $dev/stdin
ln -s /proc/self/fd/1 $dev/stdout
ln -s /proc/self/fd/2 $dev/stderr
mount --move $dev /dev

# Only the test's udev rules and hwdb: empty tmpfs over every directory udevd (v252) reads
# them from. /etc/udev also holds udev.conf and hwdb.bin; /usr/lib/udev holds rules.d,
# hwdb.d and the host's hwdb.bin (and helpers no net rule needs). The test's hwdb files, if
# any, are compiled alone into /etc/udev/hwdb.bin. The host's .link files are hidden too, so
# a rule importing net_setup_link (for ID_NET_DRIVER) does not rename or re-MAC test links.
for d in /etc/udev /usr/lib/udev /usr/local/lib/udev /etc/systemd/hwdb \
         /etc/systemd/network /usr/lib/systemd/network /usr/local/lib/systemd/network; do
        if [[ -d $d ]]; then
                mount -t tmpfs -o mode=0755 tmpfs "$d"
        fi
done
mkdir -p /etc/udev/rules.d /etc/udev/hwdb.d
cp -r /run/muxcap-ns/rules/. /etc/udev/rules.d/
cp -r /run/muxcap-ns/hwdb/. /etc/udev/hwdb.d/
if ((${#hwdb[@]})); then
        systemd-hwdb update --strict
fi

ip link set lo up

on_failure() {
        local f

        for f in "$TEST_DIR"/*.log; do
                [[ -s $f ]] || continue
                echo "---- ns-run: $f (last 100 lines) ----" >&2
                tail -n 100 "$f" >&2
        done
        if [[ -n "${MUXCAP_TEST_KEEP_DIR-}" ]]; then
                mkdir -p "$MUXCAP_TEST_KEEP_DIR"
                cp -r "$TEST_DIR"/. "$MUXCAP_TEST_KEEP_DIR"/
                echo "ns-run: logs kept in $MUXCAP_TEST_KEEP_DIR" >&2
        fi
}

# The bus: listens in our tmpfs, lets everyone own/send/receive everything.
cat >"$TEST_DIR/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <listen>unix:path=$BUS_SOCKET</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
EOF
dbus-daemon --nofork --nosyslog --config-file="$TEST_DIR/bus.conf" \
        >"$TEST_DIR/dbus-daemon.log" 2>&1 &
bus_pid=$!

SYSTEMD_LOG_TARGET=console SYSTEMD_LOG_LEVEL="${MUXCAP_TEST_UDEVD_LOG_LEVEL:-info}" \
        $UDEVD >"$TEST_DIR/udevd.log" 2>&1 &
udevd_pid=$!

# Bounded waits: 10 s each.
for ((i = 0; ; i++)); do
        [[ -S $BUS_SOCKET ]] && break
        kill -0 $bus_pid 2>/dev/null || { on_failure; die "dbus-daemon exited"; }
        ((i < 200)) || { on_failure; die "dbus-daemon did not start listening"; }
        sleep 0.05
done
for ((i = 0; ; i++)); do
        udevadm control --ping --timeout=1 2>/dev/null && break
        kill -0 $udevd_pid 2>/dev/null || { on_failure; die "systemd-udevd exited"; }
        ((i < 100)) || { on_failure; die "systemd-udevd does not answer pings"; }
        sleep 0.1
done

export MUXCAP_TEST_BUS="unix:path=$BUS_SOCKET"
export DBUS_SYSTEM_BUS_ADDRESS=$MUXCAP_TEST_BUS
export DBUS_SESSION_BUS_ADDRESS=$MUXCAP_TEST_BUS
export MUXCAP_TEST_DIR=$TEST_DIR
unset NOTIFY_SOCKET WATCHDOG_PID WATCHDOG_USEC LISTEN_FDS LISTEN_PID JOURNAL_STREAM

# As PID 1 we must not exec the test: PID 1 ignores default-fatal signals and inherits
# orphans. Run it as a child; our exit kills everything left in the namespace.
rc=0
"$@" || rc=$?
if ((rc != 0 && rc != 77)); then
        echo "ns-run: '$*' failed with status $rc" >&2
        on_failure
fi
exit $rc
