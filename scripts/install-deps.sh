#!/bin/bash
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages muxcap needs to build, test and demo, if any is missing.
# Runs `apt-get update` once, and only when something has to be installed.
set -euo pipefail

packages=(
        # build
        gcc meson ninja-build pkg-config
        libevent-dev libdbus-1-dev libudev-dev libsystemd-dev libinih-dev libmnl-dev
        scdoc
        # tests, demo and fuzzing: the real bus, udevd, kernel tools
        dbus-daemon udev systemd iproute2 ethtool util-linux procps
        clang valgrind
        # the NDIS layout check: Microsoft's header compiled with MSVC's bitfield layout
        mingw-w64-common gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 xxd
)

missing=()
for p in "${packages[@]}"; do
        status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
        [[ "$status" == ii* ]] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" != 0 ]; then
                echo "install-deps: missing packages: ${missing[*]} (run as root to install)" >&2
                exit 1
        fi
        echo "install-deps: installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
