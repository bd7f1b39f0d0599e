#!/bin/bash
# SPDX-License-Identifier: MIT
# Creates a brand-new minimal Debian 12 root filesystem, ready for apt, at DEST.
#
# Usage: scripts/debian-root.sh DEST        (as root; DEST must not exist or be empty)
#
# - The root is `debootstrap --variant=minbase bookworm` from the mirror this host's apt uses
#   (first enabled `deb` source for bookworm in /etc/apt/sources.list or sources.list.d/).
#   It is built once, in a mount+pid namespace of its own, and cached as
#   ${MUXCAP_CACHE:-/var/cache/muxcap}/bookworm-minbase.tar (built under flock, so parallel
#   callers wait for one build); every call unpacks a new copy. Remove the tarball to rebuild.
# - Into DEST go the host's apt sources (and the signed-by keyrings DEST lacks), the host's
#   Acquire:: settings this mirror needs (Check-Valid-Until, Check-Date, validity times,
#   proxies), /etc/resolv.conf and /etc/hosts, so `apt-get update` works in DEST at once.
# - Env: MUXCAP_CACHE (cache folder), MUXCAP_MIRROR (mirror URI instead of the host's).
# - Nothing is mounted in DEST and nothing runs in it: what to mount and run is the caller's.
#
# Exit status: 0 done; 1 other failure; 2 usage; 3 debootstrap cannot be installed or the
# mirror is unreachable, checked on every call, cached or not (one line on stderr says which).
set -euo pipefail

cache=${MUXCAP_CACHE:-/var/cache/muxcap}
tarball=$cache/bookworm-minbase.tar
tar_opts=(--numeric-owner --xattrs --xattrs-include='*')

die() {
        echo "debian-root.sh: $2" >&2
        exit "$1"
}

[ $# -eq 1 ] && [ -n "$1" ] || die 2 "usage: debian-root.sh DEST"
[ "$(id -u)" = 0 ] || die 1 "must run as root"
dest=$1
if [ -e "$dest" ]; then
        [ -d "$dest" ] && [ -z "$(ls -A "$dest")" ] || die 2 "$dest exists and is not an empty directory"
fi

# The URI of the first enabled "deb" source for the suite bookworm, from one-line .list files
# and deb822 .sources files alike.
find_mirror() {
        local f
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
                [ -f "$f" ] || continue
                case $f in
                *.sources)
                        awk '
                        function flush() {
                                if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ / bookworm / && enabled != "no")
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
                        END { flush() }' "$f"
                        ;;
                *)
                        awk '$1 == "deb" {
                                i = 2
                                if ($i ~ /^\[/) { while ($i !~ /\]$/ && i < NF) i++; i++ }
                                if ($(i + 1) == "bookworm") print $i
                        }' "$f"
                        ;;
                esac
        done | head -n 1
}

mirror=${MUXCAP_MIRROR:-$(find_mirror)}
[ -n "$mirror" ] || die 3 "no enabled bookworm 'deb' source in /etc/apt/sources.list*: no mirror"

# One small request tells "mirror unreachable" apart from every later failure; apt-helper is
# in every Debian and uses apt's own proxy settings.
probe=$(mktemp)
if ! /usr/lib/apt/apt-helper download-file "${mirror%/}/dists/bookworm/InRelease" "$probe" \
        >/dev/null 2>&1; then
        rm -f "$probe"
        die 3 "mirror $mirror unreachable (cannot fetch dists/bookworm/InRelease)"
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
exec 9>"$cache/bookworm-minbase.lock"
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
        log=$cache/debootstrap.log
        echo "debian-root.sh: debootstrap --variant=minbase bookworm $mirror (once; log: $log)" >&2
        # Its own mount and pid namespaces: the /proc and /sys debootstrap mounts, and anything
        # a maintainer script starts, end with it.
        if ! unshare --mount --pid --fork --kill-child --propagation private \
                debootstrap --variant=minbase bookworm "$build/root" "$mirror" \
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

# apt sources as this host uses them, with the keyrings they name that the new root lacks.
rm -f "$dest/etc/apt/sources.list" "$dest"/etc/apt/sources.list.d/*
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        cp "$f" "$dest$f"
        for k in $(grep -ohiE 'signed-by[:=][[:space:]]*/[^] ,]+' "$f" | sed -E 's|^[^/]*||'); do
                if [ -f "$k" ] && [ ! -e "$dest$k" ]; then
                        mkdir -p "$dest$(dirname "$k")"
                        cp "$k" "$dest$k"
                fi
        done
done

# The Acquire:: settings that decide whether this mirror is usable: a dated snapshot needs
# Check-Valid-Until/Check-Date off; a proxy must be kept.
apt-config dump | grep -E \
        '^Acquire::(Check-Valid-Until|Check-Date|Max-ValidTime|Min-ValidTime|(http|https|ftp)::Proxy)( |::)' \
        >"$dest/etc/apt/apt.conf.d/00host-mirror" || true

# Name resolution as on this host (the mirror's name may be pinned in /etc/hosts).
rm -f "$dest/etc/resolv.conf" "$dest/etc/hosts"
cat /etc/resolv.conf >"$dest/etc/resolv.conf"
cat /etc/hosts >"$dest/etc/hosts"
