#!/bin/bash
# SPDX-License-Identifier: MIT
# Installs the Debian packages one job needs, if any is missing (Debian 13 and 12 alike:
# where a name differs between the two, the versionless one both have is used).
#
# Usage: scripts/install-deps.sh [build|demo|test]     (default: test, i.e. everything)
#   build  compile muxcapd, libmuxcap and muxcapctl
#   demo   build + what scripts/demo.sh runs (the real bus, udevd and kernel tools)
#   test   demo + what scripts/test.sh runs (unit verification, man pages, fuzzing, memcheck,
#          the Debian packages)
#
# Runs `apt-get update` once, and only when something has to be installed, then installs only
# the missing packages, without recommends: a fresh minimal Debian must end up with exactly
# what the job needs, so every package the job uses is named here.
set -euo pipefail

build=(
        gcc libc6-dev meson ninja-build pkg-config     # libc6-dev: a recommends of gcc
        libevent-dev libdbus-1-dev libudev-dev libsystemd-dev libinih-dev libmnl-dev
)
demo=(
        "${build[@]}"
        dbus-daemon             # the private bus
        udev                    # systemd-udevd, udevadm, systemd-hwdb
        iproute2 ethtool        # links, namespaces, offload toggles
)
test=(
        "${demo[@]}"
        scdoc                   # man pages (-Dman=true)
        systemd                 # systemd-analyze verify/security, systemd-sysusers
        dbus-system-bus-common  # dbus.socket, which the unit's After= names (verify)
        man-db                  # man(1): verify checks each Documentation=man: page
        clang libclang-rt-dev   # libFuzzer and the sanitizer runtimes (a recommends of clang; versionless: 14 in Debian 12, 19 in 13)
        valgrind                # memcheck and callgrind
        prometheus-node-exporter curl # muxcap-export's tests: the real node_exporter, scraped
        prometheus              # promtool: contrib/prometheus's rules checked and unit-tested
        acl                     # muxcap-export's unit grants its folders by ACL
        python3-jsonschema      # muxcapctl's --json against docs/muxcapctl.schema.json
        # tests/vm: Debian's kernel (bond, team, 8021q) booted under QEMU, its initramfs built
        # from busybox and the kernel's modules; teamnl sets a team's mode
        qemu-system-x86 linux-image-amd64 busybox-static cpio kmod xz-utils libteam-utils
        # tests/package: build the .debs, lint them, boot a fresh root with them under systemd
        build-essential         # dpkg-checkbuilddeps requires it of every package build
        dpkg-dev debhelper      # dpkg-buildpackage, dh (compat 13, dh-sequence-installsysusers)
        lintian                 # no error, no warning
        debootstrap             # scripts/debian-root.sh (once, for its cached tarball)
        systemd-container       # systemd-nspawn
        # the NDIS layout check: Microsoft's header compiled with MSVC's bitfield layout
        mingw-w64-common gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 xxd
)

# The one name a release has and the other lacks: systemd.pc, which debian/rules reads the
# unit directory from, is in systemd-dev from Debian 13 on and in systemd itself in Debian 12.
release=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ "$release" = bookworm ] || test+=(systemd-dev)

job=${1:-test}
case $job in
build) packages=("${build[@]}") ;;
demo) packages=("${demo[@]}") ;;
test) packages=("${test[@]}") ;;
*) echo "usage: install-deps.sh [build|demo|test]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
        status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
        [[ "$status" == ii* ]] || missing+=("$p")
done
[ ${#missing[@]} -gt 0 ] || exit 0
if [ "$(id -u)" != 0 ]; then
        echo "install-deps: missing packages: ${missing[*]} (run as root to install)" >&2
        exit 1
fi
start=$SECONDS
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# The VM suite boots the kernel with an initramfs of its own: skip initramfs-tools' image,
# which would cost a minute on every fresh machine.
export INITRD=No
# Another apt on this machine may hold the lock for a while: wait for it rather than fail.
apt=(apt-get -q -o DPkg::Lock::Timeout=600)
# Installing test tools must start no service on this machine: Debian's
# prometheus-node-exporter and prometheus enable and start servers on :9100 and :9090. While
# apt runs, a policy-rc.d refuses every start (invoke-rc.d and deb-systemd-invoke ask it),
# unless the machine has a policy of its own; afterwards their units are disabled if this run
# installed them (deb-systemd-helper keeps them disabled across upgrades).
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
        trap 'rm -f "$policy"' EXIT
        printf '#!/bin/sh\n# scripts/install-deps.sh: no service starts while it installs\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        own_policy=1
fi
"${apt[@]}" update
"${apt[@]}" install -y --no-install-recommends "${missing[@]}"
for server in prometheus-node-exporter prometheus; do
        [[ " ${missing[*]} " == *" $server "* ]] && command -v deb-systemd-helper >/dev/null || continue
        for unit in $(dpkg -L "$server" | sed -n 's|^/.*/systemd/system/\([^/]*\.\(service\|timer\|socket\)\)$|\1|p'); do
                # deb-systemd-helper does nothing (exit 1) unless called as from a maintainer script
                DPKG_MAINTSCRIPT_PACKAGE=$server deb-systemd-helper disable "$unit" >/dev/null 2>&1 || true
        done
done
[ "$own_policy" = 0 ] || { rm -f "$policy"; trap - EXIT; }
echo "install-deps: $job packages installed in $((SECONDS - start)) s"
