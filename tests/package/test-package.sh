#!/bin/bash
# SPDX-License-Identifier: MIT
# Packaging test (SPEC 14): the Debian packages build, pass lintian, install and start on a
# fresh root of the Debian release they were built on (12 or 13) under a real systemd, and
# purge without a trace.
#
#  1. copies SOURCE_DIR (the files git tracks or would track; all but build trees without
#     git) to a temporary directory and runs `dpkg-buildpackage -us -uc -b` there;
#  2. `lintian --fail-on error,warning` on the .changes: every package debian/control lists;
#  3. a fresh minimal root of this host's release from scripts/debian-root.sh; in a chroot,
#     apt-get installs systemd, dbus and iproute2 and downloads what the packages depend on;
#  4. boots that root with systemd-nspawn (tests/package/nspawn.sh: private network, no
#     registration, a cgroup and mount namespace of its own); inside, with no network,
#     `apt-get install ./*.deb` from the package cache; checks that the postinst started
#     muxcapd.service at the first attempt (active, enabled, no restart, as the sysusers
#     user, not root), that it answers Peer.Ping, lists a bridge made in the container (as
#     root and as nobody), shows and explains both of its records to nobody, takes Resync()
#     from root and refuses it to nobody with AccessDenied from the bus policy; that every
#     other unit (muxcap-export's) is installed but not enabled, and every user of the
#     packages' sysusers.d files exists;
#  5. `apt-get purge` of every package, then: nothing of the recorded `dpkg -L` lists is
#     left (unless another package owns it), none of those users or groups, no unit file,
#     enable link or deb-systemd-helper state, no activatable bus name, no dpkg record.
#
# Usage: test-package.sh SOURCE_DIR (as root). Exit 0 pass, 1 fail, 77 skipped with the
# reason printed: not root, a tool missing (scripts/install-deps.sh installs them all), no
# cgroup file system, no user namespaces (a chroot), or the Debian mirror unreachable.
# Env: MUXCAP_CACHE (default /var/cache/muxcap, shared with scripts/debian-root.sh): apt's
# downloads and lists are kept in $MUXCAP_CACHE/package-apt so that a run downloads only what
# changed. MUXCAP_PACKAGE_KEEP=1 keeps the temporary directory.
set -uo pipefail

src=$(readlink -f "${1:?usage: test-package.sh SOURCE_DIR}")
here=$(dirname "$(readlink -f "$0")")
# shellcheck source=tests/package/nspawn.sh
. "$here/nspawn.sh"

t0=$SECONDS
failures=0
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }
fatal() { echo "FAIL: $*"; exit 1; }
step() { echo "--- $* ($((SECONDS - t0)) s)"; }
# check CMD... -- WHAT: ok or fail WHAT by CMD's status.
check() {
        local args=()
        while [ "$1" != -- ]; do args+=("$1"); shift; done
        shift
        if "${args[@]}"; then ok "$1"; else fail "$1"; fi
}
words() { printf ' %s' $1; }  # a list on one line

[ "$(id -u)" = 0 ] || skip "needs root (a chroot and systemd-nspawn)"
for tool in dpkg-buildpackage dh lintian systemd-nspawn nsenter unshare chroot flock; do
        command -v "$tool" >/dev/null || skip "$tool not found (scripts/install-deps.sh installs it)"
done
[ -f "$src/debian/control" ] || fatal "$src has no debian/control"
[ -x "$src/scripts/debian-root.sh" ] || fatal "$src has no scripts/debian-root.sh"
[ -d /sys/fs/cgroup ] || skip "no /sys/fs/cgroup: systemd-nspawn cannot boot a container here"
# muxcapd.service has PrivateUsers=yes: its container must be allowed user namespaces, which
# the kernel refuses to a chrooted process (use pivot_root, as scripts/fresh-debian.sh does).
unshare --user true 2>/dev/null ||
        skip "cannot create a user namespace here (in a chroot?): PrivateUsers= units cannot start"

cache=${MUXCAP_CACHE:-/var/cache/muxcap}
apt_cache=$cache/package-apt
tmp=$(mktemp -d /var/tmp/muxcap-package.XXXXXX) || exit 1
root=$tmp/root
cleanup() {
        local rc=$?
        nspawn_halt
        if [ "${MUXCAP_PACKAGE_KEEP:-0}" = 1 ]; then
                echo "kept $tmp"
        else
                rm -rf --one-file-system "$tmp"
        fi
        exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------------ 1. build
step "dpkg-buildpackage -us -uc -b"
build=$tmp/build/muxcap
mkdir -p "$build"
if git -C "$src" rev-parse --show-toplevel >/dev/null 2>&1; then
        (cd "$src" && git ls-files -z --cached --others --exclude-standard |
                xargs -0 cp -P --parents -t "$build" 2>/dev/null)
else
        tar -C "$src" --exclude=./.git --exclude='./_build*' --exclude='./build*' \
                --exclude='./obj-*' -cf - . | tar -C "$build" -xf -
fi || fatal "cannot copy $src"
if ! (cd "$build" && env DEB_BUILD_OPTIONS=parallel=2 dpkg-buildpackage -us -uc -b) \
        >"$tmp/build.log" 2>&1; then
        tail -n 40 "$tmp/build.log"
        fatal "dpkg-buildpackage -us -uc -b failed"
fi
ok "dpkg-buildpackage -us -uc -b"

mapfile -t packages < <(sed -n 's/^Package:[[:space:]]*//p' "$build/debian/control")
[ ${#packages[@]} -gt 0 ] || fatal "debian/control lists no package"
debs=()
for p in "${packages[@]}"; do
        f=$(ls "$tmp/build/${p}_"*.deb 2>/dev/null | head -n 1)
        [ -n "$f" ] || fatal "no .deb for $p"
        debs+=("$f")
done
ok "built ${packages[*]}"

# ------------------------------------------------------------------------ 2. lintian
step "lintian"
if lintian --fail-on error,warning "$tmp"/build/*.changes >"$tmp/lintian.log" 2>&1; then
        ok "lintian: no error, no warning"
else
        cat "$tmp/lintian.log"
        fail "lintian reports errors or warnings"
fi

# ------------------------------------------------------------------------ 3. fresh root
release=$(. /etc/os-release && echo "$VERSION_CODENAME")
step "fresh $release root"
"$src/scripts/debian-root.sh" --suite "$release" "$root"
rc=$?
[ "$rc" = 3 ] && skip "scripts/debian-root.sh cannot reach the Debian mirror"
[ "$rc" = 0 ] || fatal "scripts/debian-root.sh failed ($rc)"
mkdir -p "$root/var/tmp/muxcap-debs" "$apt_cache/archives/partial" "$apt_cache/lists/partial"
cp "${debs[@]}" "$root/var/tmp/muxcap-debs/"
chmod 755 "$root/var/tmp/muxcap-debs"
chmod 644 "$root"/var/tmp/muxcap-debs/*.deb
in_debs=()
for f in "${debs[@]}"; do in_debs+=("/var/tmp/muxcap-debs/$(basename "$f")"); done

# One run at a time uses the shared apt cache (apt would refuse a locked one at once).
exec 8>"$apt_cache/.lock"
flock 8
# A private mount and pid namespace: the mounts and anything a maintainer script starts die
# with it; policy-rc.d keeps daemons from starting in the chroot.
# shellcheck disable=SC2016 # expanded by the inner shell
if ! unshare --mount --pid --fork --kill-child --propagation private /bin/bash -ec '
        r=$1 c=$2
        shift 2
        mount --bind "$c/archives" "$r/var/cache/apt/archives"
        mount --bind "$c/lists" "$r/var/lib/apt/lists"
        mount -t proc proc "$r/proc"
        mount --bind /dev "$r/dev"
        mount -t tmpfs -o mode=0755 tmpfs "$r/run"
        mount -t tmpfs -o mode=1777 tmpfs "$r/tmp"
        printf "#!/bin/sh\nexit 101\n" >"$r/usr/sbin/policy-rc.d"
        chmod 755 "$r/usr/sbin/policy-rc.d"
        chroot "$r" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
                DEBIAN_FRONTEND=noninteractive /bin/sh -ec "
                apt-get -q update
                apt-get -q install -y --no-install-recommends systemd systemd-sysv dbus iproute2
                apt-get -q install -y --no-install-recommends --download-only $*"
        rm -f "$r/usr/sbin/policy-rc.d"' prepare "$root" "$apt_cache" "${in_debs[@]}" \
        >"$tmp/prepare.log" 2>&1 </dev/null; then
        tail -n 30 "$tmp/prepare.log"
        fatal "installing systemd and dbus in the root failed"
fi
flock -u 8
ok "root with systemd, dbus and iproute2; the packages' dependencies downloaded"

# ------------------------------------------------------------------------ 4. boot, install
step "boot under systemd-nspawn"
nspawn_boot "$root" "$tmp/nspawn.log" \
        --bind="$apt_cache/archives:/var/cache/apt/archives" \
        --bind="$apt_cache/lists:/var/lib/apt/lists" || fatal "the container did not boot"
ok "booted: systemd is PID 1, $(nspawn_run systemctl is-system-running)"
ct() { nspawn_run "$@" 8>&-; }
as_nobody() { ct setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
obj=(org.muxcap.MuxCap1 /org/muxcap/MuxCap1)

step "apt-get install ./*.deb in the container"
ct systemctl is-active --quiet muxcapd.service && fail "muxcapd.service active before install"
flock 8
ct env DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends \
        -o Acquire::Retries=0 "${in_debs[@]}" >"$tmp/install.log" 2>&1 </dev/null
rc=$?
flock -u 8
if [ "$rc" != 0 ]; then
        cat "$tmp/install.log"
        fatal "apt-get install ./*.deb failed in the container"
fi
ok "apt-get install ./*.deb (no network: dependencies from the cache)"
for p in "${packages[@]}"; do
        ct dpkg -L "$p" >"$tmp/files.$p" || fail "dpkg -L $p"
done

state=$(ct systemctl is-active muxcapd.service)
check [ "$state" = active ] -- "muxcapd.service active after install (is '$state')"
if [ "$state" != active ]; then
        ct systemctl status --no-pager muxcapd.service
        ct journalctl --no-pager -b -u muxcapd.service -u dbus.service
fi
# A start that failed and was retried (Restart=on-failure) would still end up active.
n=$(ct systemctl show -P NRestarts muxcapd.service)
check [ "$n" = 0 ] -- "muxcapd.service started at the first attempt (restarts: $n)"
state=$(ct systemctl is-enabled muxcapd.service)
check [ "$state" = enabled ] -- "muxcapd.service enabled (is '$state')"
uid=$(ct id -u muxcap) || fail "no user muxcap after install"
pid=$(ct systemctl show -P MainPID muxcapd.service)
puid=$(ct awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
if [ -n "$uid" ] && [ "$uid" != 0 ] && [ "$puid" = "$uid" ]; then
        ok "muxcapd (pid $pid) runs as muxcap (uid $uid)"
else
        fail "muxcapd (pid $pid) runs as uid '$puid', user muxcap is uid '$uid'"
fi

check ct busctl call "${obj[@]}" org.freedesktop.DBus.Peer Ping -- "busctl call ... Peer Ping"

ct ip link add br0 type bridge || fail "ip link add br0 type bridge"
listed=''
for _ in $(seq 50); do
        listed=$(ct muxcapctl list 2>&1)
        grep -qw br0 <<<"$listed" && break
        sleep 0.2
done
grep -qw br0 <<<"$listed" || echo "$listed"
check grep -qw br0 <<<"$listed" -- "muxcapctl list shows br0"
listed=$(as_nobody muxcapctl list 2>&1)
check grep -qw br0 <<<"$listed" -- "muxcapctl list as nobody shows br0"
# The README's reading commands, both records, as a user who is not root: the installed
# policy serves every reading method (GetRecord, ExplainRecord, ExplainAdvertised too).
for verb in show explain; do
        out=$(as_nobody muxcapctl --records=all "$verb" br0 2>&1)
        rc=$?
        [ "$rc" = 0 ] || echo "$out" | tail -n 5
        check [ "$rc" = 0 ] -- "muxcapctl --records=all $verb br0 as nobody (exit $rc)"
done

check ct busctl call "${obj[@]}" org.muxcap.MuxCap1.Manager Resync -- "Resync() as root"
out=$(as_nobody dbus-send --system --print-reply --dest=org.muxcap.MuxCap1 /org/muxcap/MuxCap1 \
        org.muxcap.MuxCap1.Manager.Resync 2>&1)
if grep -q 'org.freedesktop.DBus.Error.AccessDenied' <<<"$out"; then
        ok "Resync() as nobody: AccessDenied"
else
        echo "$out"
        fail "Resync() as nobody was not refused with AccessDenied"
fi

# Every other unit of the packages is installed, not enabled (muxcap-export's, SPEC 13).
units=$(cat "$tmp"/files.* | sed -n 's|^\(/usr\)\{0,1\}/lib/systemd/system/\([^/]*\)$|\2|p' | sort -u)
for u in $units; do
        [ "$u" = muxcapd.service ] && continue
        state=$(ct systemctl is-enabled "$u")
        check [ "$state" = disabled ] -- "$u installed, not enabled (is '$state')"
done
# Every user the packages' sysusers.d files declare.
users=$(cat "$tmp"/files.* | grep '^/usr/lib/sysusers.d/.*\.conf$' | sort -u |
        ct xargs -r awk '$1 == "u" { print $2 }')
for u in $users; do
        ct getent passwd "$u" >/dev/null
        check [ $? = 0 ] -- "user $u created"
done

# ------------------------------------------------------------------------ 5. purge
step "apt-get purge"
if ! ct env DEBIAN_FRONTEND=noninteractive apt-get -q purge -y "${packages[@]}" \
        >"$tmp/purge.log" 2>&1 </dev/null; then
        cat "$tmp/purge.log"
        fatal "apt-get purge failed"
fi
ok "apt-get purge ${packages[*]}"
for p in "${packages[@]}"; do
        st=$(ct dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)
        [ -z "$st" ] || [ "${st:0:2}" = un ] || fail "dpkg still knows $p: '$st'"
done

# Every path the packages held, gone unless another package owns it (/usr, /usr/share/doc).
left=$(cat "$tmp"/files.* | sort -u | grep -vx '/\.' | ct /bin/sh -c '
        while read -r f; do
                [ -e "$f" ] || [ -L "$f" ] || continue
                dpkg -S "$f" >/dev/null 2>&1 || echo "$f"
        done')
check [ -z "$left" ] -- "no file of the packages is left${left:+:$(words "$left")}"
left=$(ct /bin/sh -c 'ls -d /var/lib/dpkg/info/muxcap* /var/lib/dpkg/info/libmuxcap* 2>/dev/null')
check [ -z "$left" ] -- "no dpkg record is left${left:+:$(words "$left")}"

for u in $users; do
        ct getent passwd "$u" >/dev/null && fail "user $u left after purge"
        ct getent group "$u" >/dev/null && fail "group $u left after purge"
done
[ -n "$uid" ] && ct /bin/sh -c "grep -lqs '^Uid:[[:space:]]*${uid}[[:space:]]' /proc/[0-9]*/status" &&
        fail "processes of uid $uid left after purge"
ok "no user or group of the packages ($(words "$users") ) and no process of muxcap is left"

state=not-found
for u in $units; do
        s=$(ct systemctl show -P LoadState "$u")
        [ "$s" = not-found ] || { fail "$u is '$s' after purge, not not-found"; state=$s; }
done
left=$(ct find /etc/systemd /lib/systemd /usr/lib/systemd /var/lib/systemd -name 'muxcap*')
[ -z "$left" ] || fail "left after purge:$(words "$left")"
if ct busctl list --activatable --no-legend | grep -q org.muxcap.MuxCap1; then
        fail "org.muxcap.MuxCap1 still activatable after purge"
fi
[ "$state" = not-found ] && [ -z "$left" ] && ok "no unit, enable link or helper state is left"

step "done"
nspawn_halt
[ "$failures" = 0 ] || { echo "$failures check(s) failed"; exit 1; }
echo "all checks passed in $((SECONDS - t0)) s"
