#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs a command on a brand-new minimal Debian, as a newcomer would: proves that the project's
# scripts install everything they need, on each release a user may have.
#
# Usage: scripts/fresh-debian.sh SUITE [CMD [ARG]...]  (as root; default CMD: scripts/test.sh)
#   SUITE  trixie (Debian 13, stable) or bookworm (Debian 12, oldstable): any Debian codename
#
# - A new root from scripts/debian-root.sh (minbase SUITE, the host's mirror), with the
#   project's committed files only (`git archive HEAD`) at /src, the working directory.
# - The cache folder (${MUXCAP_CACHE:-/var/cache/muxcap}) is bind-mounted at the same path,
#   so nested users (a packaging test wanting its own fresh root, a VM test's kernel) reuse it.
# - CMD runs as root in the root (pivot_root, not chroot: see below), inside `unshare --mount --pid --fork --kill-child`, in the
#   host's network namespace (apt must reach the mirror), with a clean environment. /proc,
#   /sys (rbind: cgroups visible), /dev (bind), /dev/pts (new instance), /dev/shm, /run and
#   /tmp are mounted in the private mount namespace only, so that CMD can create network,
#   mount and pid namespaces, run udevd, dbus-daemon, QEMU and systemd-nspawn.
# - Output is streamed. The root is removed afterwards, also on failure or interrupt.
# - MUXCAP_FRESH_TIMEOUT: time limit in seconds, or with an m or h suffix (default 40m).
#
# Exit status: CMD's; 124 when the time limit killed it; 3 when debootstrap or the mirror is
# unavailable; 125 when this script could not set up.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${MUXCAP_CACHE:-/var/cache/muxcap}
std_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

say() {
        echo "fresh-debian.sh: $*" >&2
}
die() {
        say "$*"
        exit 125
}

[ $# -gt 0 ] || die "usage: fresh-debian.sh SUITE [CMD [ARG]...] (SUITE: trixie, bookworm)"
suite=$1
shift
[[ $suite =~ ^[a-z]+$ ]] || die "bad suite '$suite' (a Debian codename: trixie, bookworm)"
[ $# -gt 0 ] || set -- scripts/test.sh
[ "$(id -u)" = 0 ] || die "must run as root"
limit=${MUXCAP_FRESH_TIMEOUT:-40m}
case $limit in
*h) seconds=$((${limit%h} * 3600)) ;;
*m) seconds=$((${limit%m} * 60)) ;;
*) seconds=$limit ;;
esac
[[ $seconds =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || die "bad MUXCAP_FRESH_TIMEOUT '$limit'"
git -C "$top" rev-parse -q --verify HEAD >/dev/null ||
        die "$top is not a git checkout with a commit (only committed files are tested)"
dirty=$(git -C "$top" status --porcelain | wc -l)
[ "$dirty" = 0 ] || say "note: $dirty uncommitted path(s) in $top are not part of the run"

root=''
runner=''
sleeper=''
# Processes whose root directory is inside the fresh root: none should outlive the pid
# namespace, but a leftover would keep files busy.
rooted_in() {
        local p r
        for p in /proc/[0-9]*; do
                r=$(readlink "$p/root" 2>/dev/null) || continue
                case $r in "$1" | "$1"/*) echo "${p#/proc/}" ;; esac
        done
}
cleanup() {
        local rc=$? i pids m
        set +e
        trap - EXIT INT TERM HUP
        # killing unshare kills its child (--kill-child), the pid namespace's init, and with
        # it everything inside
        [ -z "$runner" ] || { kill -KILL "$runner"; wait "$runner"; } 2>/dev/null
        [ -z "$sleeper" ] || { kill "$sleeper"; wait "$sleeper"; } 2>/dev/null
        if [ -n "$root" ] && [ -d "$root" ]; then
                for i in $(seq 50); do
                        pids=$(rooted_in "$root")
                        [ -n "$pids" ] || break
                        # shellcheck disable=SC2086
                        kill -KILL $pids 2>/dev/null
                        sleep 0.2
                done
                awk -v d="$root" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts |
                        sort -r | while read -r m; do umount -l "$m"; done
                i=$SECONDS
                rm -rf --one-file-system "$root" || say "could not remove $root"
                say "removed the root in $((SECONDS - i)) s"
        fi
        exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

t0=$SECONDS
root=$(mktemp -d /var/tmp/muxcap-fresh.XXXXXX)
rc=0
"$top/scripts/debian-root.sh" --suite "$suite" "$root" || rc=$?
case $rc in
0) ;;
3) exit 3 ;;
*) die "scripts/debian-root.sh failed (exit $rc)" ;;
esac
mkdir "$root/src"
git -C "$top" archive --format=tar HEAD | tar -C "$root/src" -xf - || die "git archive HEAD failed"
mkdir -p "$cache" "$root$cache"
say "fresh $suite root ready in $((SECONDS - t0)) s ($root)"

# Runs as pid 1 of the new pid namespace, in the new mount namespace: mounts, then the command
# as its child (pid 1 ignores default-action signals, the command must not be it).
inner='
root=$1 cache=$2
shift 2
set -e
mount --bind "$root" "$root"    # pivot_root wants the new root to be a mount point
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --bind /dev "$root/dev"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec devpts "$root/dev/pts"
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$root/dev/shm"
mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs "$root/run"
mkdir -m 1777 "$root/run/lock"
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$root/tmp"
mount --bind "$cache" "$root$cache"
# pivot_root, not chroot: the kernel refuses new user namespaces to a chrooted process, so in
# a chroot no unit with PrivateUsers= starts in a container booted by the command
# (tests/package); after pivot_root the fresh root is the mount namespace'"'"'s own root.
mkdir "$root/run/fresh-old"
cd "$root"
pivot_root . run/fresh-old
umount -l /run/fresh-old
rmdir /run/fresh-old
cd /
set +e
/usr/bin/env -i HOME=/root USER=root LOGNAME=root SHELL=/bin/bash \
        PATH="$PATH" TERM="${TERM:-dumb}" DEBIAN_FRONTEND=noninteractive MUXCAP_CACHE="$cache" \
        /bin/sh -c "cd /src && exec \"\$@\"" fresh "$@"
rc=$?           # not exec: keeps bash, not the command, as pid 1
exit "$rc"
'
say "running in the fresh root: $*"
t1=$SECONDS
# In the background, and `wait`: the traps above run at once on an interrupt.
PATH=$std_path unshare --mount --pid --fork --kill-child --propagation private \
        /bin/bash -c "$inner" inner "$root" "$cache" "$@" </dev/null &
runner=$!
sleep "$seconds" &
sleeper=$!
rc=0
wait -n -p first "$runner" "$sleeper" || rc=$?
if [ "$first" = "$sleeper" ]; then
        sleeper=''
        kill -KILL "$runner"
        wait "$runner" 2>/dev/null || true
        runner=''
        say "TIME LIMIT: killed after $seconds s (MUXCAP_FRESH_TIMEOUT=$limit)"
        rc=124
else
        runner=''
fi
say "command exited $rc after $((SECONDS - t1)) s"
exit "$rc"
