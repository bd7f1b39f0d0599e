#!/bin/bash
# SPDX-License-Identifier: MIT
# The example builds from what `meson install` puts in place (header + libmuxcap.pc), and the
# result loads libmuxcap.so.1 from there: proof that the installed files suffice.
# Usage: test-example-install.sh BUILD_DIR EXAMPLE_SOURCE PREFIX LIBDIR
set -eu
build=$1 source=$2 prefix=$3 libdir=$4
case $libdir in /*) ;; *) libdir=$prefix/$libdir ;; esac

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

meson install -C "$build" --no-rebuild --quiet --destdir "$dest" --tags runtime,devel >/dev/null

pcdir=$dest$libdir/pkgconfig
test -f "$pcdir/libmuxcap.pc" || { echo "FAIL: no libmuxcap.pc in $pcdir" >&2; exit 1; }
test -f "$dest$prefix/include/muxcap/muxcap.h" -o -n "$(find "$dest" -name muxcap.h)" ||
        { echo "FAIL: header not installed" >&2; exit 1; }

# The sysroot prefixes -I and -L with the destdir, wherever the prefix points.
flags=$(PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs libmuxcap)
case $flags in *"$dest"*) ;; *) echo "FAIL: pkg-config flags '$flags' do not point into $dest" >&2; exit 1 ;; esac

# A sanitizer build's library needs its runtime loaded first: build the example the same way.
sanitize=
if readelf -d "$dest$libdir/libmuxcap.so.1" | grep -q 'libasan'; then
        sanitize=-fsanitize=address,undefined
fi

# Only the installed header: the compiler sees no source-tree include path.
${CC:-cc} -std=c99 -D_GNU_SOURCE -Wall -Wextra -Werror $sanitize -o "$dest/muxcap-watch" "$source" $flags

LD_LIBRARY_PATH=$dest$libdir "$dest/muxcap-watch" --help | grep -q "Usage:" ||
        { echo "FAIL: muxcap-watch --help" >&2; exit 1; }
loaded=$(LD_LIBRARY_PATH=$dest$libdir ldd "$dest/muxcap-watch" | awk '/libmuxcap\.so\.1/ { print $3 }')
case $loaded in
"$dest"*) echo "muxcap-watch loads $loaded" ;;
*) echo "FAIL: libmuxcap.so.1 resolved to '$loaded', not under $dest" >&2; exit 1 ;;
esac
