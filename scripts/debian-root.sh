#!/bin/bash
# SPDX-License-Identifier: MIT
# Creates a brand-new minimal Debian root filesystem, ready for apt, at DEST.
#
# Usage: scripts/debian-root.sh [--suite SUITE] DEST   (as root; DEST must not exist or be empty)
#
# - SUITE is a Debian codename: bookworm (Debian 12), trixie (Debian 13); by default the
#   host's own (VERSION_CODENAME of /etc/os-release), so that a test builds and boots the
#   release it runs on.
# - The root is `debootstrap --variant=minbase SUITE` from the Debian mirror this host's apt
#   uses (the first enabled `deb` source for the host's own codename in /etc/apt/sources.list
#   or sources.list.d/). It is built once, in a mount+pid namespace of its own, and cached as
#   ${MUXCAP_CACHE:-/var/cache/muxcap}/SUITE-minbase.tar (built under flock, so parallel
#   callers wait for one build); every call unpacks a new copy. Remove the tarball to rebuild.
# - Into DEST go one apt source of SUITE's own (SUITE and SUITE-updates from that mirror,
#   SUITE-security from the host's security mirror if it has one; Debian's keyring), the
#   host's Acquire:: settings this mirror needs (Check-Valid-Until, Check-Date, validity
#   times, proxies), /etc/resolv.conf and /etc/hosts, so `apt-get update` works in DEST at
#   once. The host's other sources (third-party repositories) stay out.
# - Env: MUXCAP_CACHE (cache folder), MUXCAP_MIRROR (mirror URI instead of the host's).
# - Nothing is mounted in DEST and nothing runs in it: what to mount and run is the caller's.
#
# Exit status: 0 done; 1 other failure; 2 usage; 3 debootstrap cannot be installed or the
# mirror is unreachable, checked on every call, cached or not (one line on stderr says which).
set -euo pipefail

tar_opts=(--numeric-owner --xattrs --xattrs-include='*')

die() {
        echo "debian-root.sh: $2" >&2
        exit "$1"
}

host=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
suite=$host
if [ "${1:-}" = --suite ]; then
        [ $# -ge 2 ] || die 2 "usage: debian-root.sh [--suite SUITE] DEST"
        suite=$2
        shift 2
fi
[ $# -eq 1 ] && [ -n "$1" ] || die 2 "usage: debian-root.sh [--suite SUITE] DEST"
[[ $suite =~ ^[a-z]+$ ]] || die 2 "bad suite '$suite' (a Debian codename: bookworm, trixie)"
[[ $host =~ ^[a-z]+$ ]] || die 1 "/etc/os-release names no VERSION_CODENAME: not a Debian host?"
[ "$(id -u)" = 0 ] || die 1 "must run as root"
dest=$1
cache=${MUXCAP_CACHE:-/var/cache/muxcap}
tarball=$cache/$suite-minbase.tar
if [ -e "$dest" ]; then
        [ -d "$dest" ] && [ -z "$(ls -A "$dest")" ] || die 2 "$dest exists and is not an empty directory"
fi

# The URI of the first enabled "deb" source for the suite $1, from one-line .list files and
# deb822 .sources files alike.
find_mirror() {
        local f s=$1
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
                [ -f "$f" ] || continue
                case $f in
                *.sources)
                        awk '
                        function flush() {
                                if (types ~ /(^| )deb( |$)/ && index(" " suites " ", " " s " ") && enabled != "no")
                                        print uris
                                types = suites = uris = enabled = ""
                        }
                        /^[ \t]*#/ { next }
                        /^[ \t]*$/ { flush(); next }
                        /^[A-Za-z-]+:/ {
                                k = tolower(substr($0, 1, index($0, ":") - 1))
                                v = substr($0, index($0, ":") + 1)
                                gsub(/[ \t]+/, " ", v); gsub(/^ | $/, "", v)
                                if (k == "types") types = v
                                else if (k == "uris") { split(v, u, " "); uris = u[1] }
                                else if (k == "suites") suites = v
                                else if (k == "enabled") enabled = tolower(v)
                        }
                        END { flush() }' s="$s" "$f"
                        ;;
                *)
                        awk '$1 == "deb" {
                                i = 2
                                if ($i ~ /^\[/) { while ($i !~ /\]$/ && i < NF) i++; i++ }
                                if ($(i + 1) == s) print $i
                        }' s="$s" "$f"
                        ;;
                esac
        done | head -n 1
}

mirror=${MUXCAP_MIRROR:-$(find_mirror "$host")}
[ -n "$mirror" ] || die 3 "no enabled $host 'deb' source in /etc/apt/sources.list*: no mirror"
security=$(find_mirror "$host-security")

# One small request tells "mirror unreachable" apart from every later failure; apt-helper is
# in every Debian and uses apt's own proxy settings.
probe=$(mktemp)
if ! /usr/lib/apt/apt-helper download-file "${mirror%/}/dists/$suite/InRelease" "$probe" \
        >/dev/null 2>&1; then
        rm -f "$probe"
        die 3 "mirror $mirror unreachable (cannot fetch dists/$suite/InRelease)"
fi
rm -f "$probe"

build=''
made_dest=0
cleanup() {
        local rc=$?
        [ -z "$build" ] || rm -rf --one-file-system "$build"
        [ "$rc" = 0 ] || [ "$made_dest" = 0 ] || rm -rf --one-file-system "$dest"
        exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$cache"
exec 9>"$cache/$suite-minbase.lock"
flock 9
if [ ! -s "$tarball" ]; then
        if ! command -v debootstrap >/dev/null; then
                echo "debian-root.sh: installing debootstrap" >&2
                export DEBIAN_FRONTEND=noninteractive
                # other users of this host may hold apt's lock for a while: wait for it
                apt=(apt-get -q -o DPkg::Lock::Timeout=600)
                "${apt[@]}" install -y --no-install-recommends debootstrap >/dev/null 2>&1 ||
                        { "${apt[@]}" update >/dev/null 2>&1 &&
                          "${apt[@]}" install -y --no-install-recommends debootstrap >/dev/null 2>&1; } ||
                        die 3 "debootstrap is not installed and apt-get cannot install it"
        fi
        build=$(mktemp -d "$cache/build.XXXXXX")
        log=$cache/debootstrap-$suite.log
        echo "debian-root.sh: debootstrap --variant=minbase $suite $mirror (once; log: $log)" >&2
        # Its own mount and pid namespaces: the /proc and /sys debootstrap mounts, and anything
        # a maintainer script starts, end with it.
        if ! unshare --mount --pid --fork --kill-child --propagation private \
                debootstrap --variant=minbase "$suite" "$build/root" "$mirror" \
                >"$log" 2>&1 </dev/null; then
                tail -n 5 "$log" >&2
                if grep -qE 'Failed getting release file|Couldn.t download|Failure trying to run: wget' "$log"; then
                        die 3 "debootstrap cannot download from $mirror (see $log)"
                fi
                die 1 "debootstrap failed (see $log)"
        fi
        r=$build/root
        rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/* "$r/debootstrap"
        mkdir -p "$r/var/lib/apt/lists/partial"
        tar "${tar_opts[@]}" -C "$r" -cpf "$tarball.tmp" .
        mv -f "$tarball.tmp" "$tarball"
        rm -rf --one-file-system "$build"
        build=''
        echo "debian-root.sh: cached $tarball" >&2
fi
exec 9>&-

[ -d "$dest" ] || made_dest=1
mkdir -p "$dest"
chmod 755 "$dest"
tar "${tar_opts[@]}" -C "$dest" -xpf "$tarball"

# One apt source of the suite's own: the host's Debian mirror (its third-party sources, if
# any, are for the host's release and stay out). debootstrap put Debian's keyring in DEST.
rm -f "$dest/etc/apt/sources.list" "$dest"/etc/apt/sources.list.d/*
{
        printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\n' \
                "$mirror" "$suite" "$suite"
        printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
        if [ -n "$security" ]; then
                printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\n' \
                        "$security" "$suite"
                printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
        fi
} >"$dest/etc/apt/sources.list.d/debian.sources"

# The Acquire:: settings that decide whether this mirror is usable: a dated snapshot needs
# Check-Valid-Until/Check-Date off; a proxy must be kept.
apt-config dump | grep -E \
        '^Acquire::(Check-Valid-Until|Check-Date|Max-ValidTime|Min-ValidTime|(http|https|ftp)::Proxy)( |::)' \
        >"$dest/etc/apt/apt.conf.d/00host-mirror" || true

# Name resolution as on this host (the mirror's name may be pinned in /etc/hosts).
rm -f "$dest/etc/resolv.conf" "$dest/etc/hosts"
cat /etc/resolv.conf >"$dest/etc/resolv.conf"
cat /etc/hosts >"$dest/etc/hosts"
