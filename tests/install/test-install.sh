#!/bin/bash
# SPDX-License-Identifier: MIT
# Installed-tree test: stages `meson install --destdir` of a build directory in a temporary
# directory and checks what a package would ship: every file in its place and under the
# prefix, the generated paths, the D-Bus policy and activation file, the systemd unit
# and muxcap-export.service (`systemd-analyze verify` silent, `security --offline` at most 1.0
# and 1.5), the sysusers entries, the exporter's tmpfiles file,
# the example hwdb (compiles, answers lookups) and udev rules (parse; as root only).
#
# Usage: test-install.sh BUILD_DIR MESON; the expected directories come in MUXCAP_* variables
# (tests/install/meson.build). Exit 0 pass, 1 fail, 77 when a needed tool is absent.
set -uo pipefail

build=${1:?usage: test-install.sh BUILD_DIR MESON}
meson=${2:-}
py=/usr/bin/python3     # the Debian interpreter, whatever python3 is first on PATH

skip() { echo "SKIP: $*"; exit 77; }
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

if [ -z "$meson" ] || [ ! -x "$meson" ]; then skip "meson not found"; fi
for tool in systemd-analyze systemd-hwdb systemd-sysusers; do
        command -v "$tool" >/dev/null || skip "$tool not found"
done
[ -x "$py" ] || skip "$py not found"
for v in PREFIX SYSCONFDIR BINDIR SBINDIR LIBDIR INCLUDEDIR MANDIR MAN UNIT_DIR SYSUSERS_DIR \
         DBUS_SERVICES_DIR DBUS_POLICY_DIR DBUS_INTERFACES_DIR EXAMPLES_DIR \
         BASH_COMPLETION_DIR RULES_DIR; do
        n=MUXCAP_$v
        [ -n "${!n:-}" ] || { echo "FAIL: $n is not set"; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/muxcap-install.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest

# --- Stage the install -------------------------------------------------------------------
if ! "$meson" install -C "$build" --no-rebuild --quiet --destdir "$dest" >"$tmp/install.log" 2>&1; then
        cat "$tmp/install.log"
        echo "FAIL: meson install --destdir failed"
        exit 1
fi
ok "meson install --destdir $dest"

# Every file meson says it installs, as an absolute path (one per line).
"$meson" introspect --installed "$build" >"$tmp/installed.json" 2>"$tmp/introspect.err" || {
        cat "$tmp/introspect.err"; echo "FAIL: meson introspect --installed"; exit 1; }
"$py" -c 'import json, sys; print("\n".join(sorted(set(json.load(open(sys.argv[1])).values()))))' \
        "$tmp/installed.json" >"$tmp/installed.txt" || { echo "FAIL: reading introspection"; exit 1; }

# --- Files in their places ---------------------------------------------------------------
expect_file() {         # PATH [executable]
        local f=$dest$1
        if [ ! -e "$f" ]; then
                fail "missing $1"
        elif [ ! -s "$f" ]; then
                fail "empty $1"
        elif [ "${2:-}" = executable ] && [ ! -x "$f" ]; then
                fail "not executable: $1"
        else
                ok "installed $1"
        fi
}

expect_file "$MUXCAP_UNIT_DIR/muxcapd.service"
expect_file "$MUXCAP_DBUS_POLICY_DIR/org.muxcap.MuxCap1.conf"
expect_file "$MUXCAP_DBUS_SERVICES_DIR/org.muxcap.MuxCap1.service"
expect_file "$MUXCAP_SYSUSERS_DIR/muxcap.conf"
expect_file "$MUXCAP_DBUS_INTERFACES_DIR/org.muxcap.MuxCap1.xml"
expect_file "$MUXCAP_EXAMPLES_DIR/70-muxcap-example.rules"
expect_file "$MUXCAP_EXAMPLES_DIR/70-muxcap-example.hwdb"
expect_file "$MUXCAP_BASH_COMPLETION_DIR/muxcapctl"
expect_file "$MUXCAP_RULES_DIR/muxcap.rules.yml"
expect_file "$MUXCAP_EXAMPLES_DIR/muxcapd.conf"
expect_file "$MUXCAP_INCLUDEDIR/muxcap/muxcap.h"
expect_file "$MUXCAP_LIBDIR/pkgconfig/libmuxcap.pc"
expect_file "$MUXCAP_LIBDIR/libmuxcap.so.1"
expect_file "$MUXCAP_LIBDIR/libmuxcap.so"
expect_file "$MUXCAP_BINDIR/muxcapctl" executable
expect_file "$MUXCAP_BINDIR/muxcap-export" executable
expect_file "$MUXCAP_UNIT_DIR/muxcap-export.service"
expect_file "$MUXCAP_SYSUSERS_DIR/muxcap-export.conf"
expect_file "$MUXCAP_PREFIX/share/muxcap/muxcap-export.tmpfiles"
expect_file "$MUXCAP_EXAMPLES_DIR/muxcap-export.conf"
if [ "$MUXCAP_MAN" = 1 ]; then
        expect_file "$MUXCAP_MANDIR/man8/muxcapd.8"
        expect_file "$MUXCAP_MANDIR/man1/muxcapctl.1"
        expect_file "$MUXCAP_MANDIR/man5/muxcapd.conf.5"
        expect_file "$MUXCAP_MANDIR/man8/muxcap-export.8"
else
        echo "note: man pages not built (-Dman=false), not checked"
fi

# The daemon is checked when this build installs one (it may not exist yet).
daemon=$MUXCAP_SBINDIR/muxcapd
daemon_built=0
if grep -q '/muxcapd$' "$tmp/installed.txt"; then
        daemon_built=1
        grep -qx -- "$daemon" "$tmp/installed.txt" || fail "muxcapd is installed elsewhere than $daemon"
        expect_file "$daemon" executable
else
        echo "note: this build has no muxcapd target; the daemon binary is not checked"
fi

# The library's soname link and the .pc file point where they should.
soname=$(readlink "$dest$MUXCAP_LIBDIR/libmuxcap.so" 2>/dev/null)
[ "$soname" = libmuxcap.so.1 ] || fail "libmuxcap.so links to '$soname', not libmuxcap.so.1"
if command -v pkg-config >/dev/null; then
        pc_libdir=$(PKG_CONFIG_PATH=$dest$MUXCAP_LIBDIR/pkgconfig \
                pkg-config --variable=libdir libmuxcap 2>&1)
        [ "$pc_libdir" = "$MUXCAP_LIBDIR" ] ||
                fail "libmuxcap.pc: libdir is '$pc_libdir', expected $MUXCAP_LIBDIR"
fi

# Everything meson installs exists, and lies under the prefix, or sysconfdir, or a directory
# given explicitly with -Dsystemd_system_unit_dir= or -Ddbus_interfaces_dir=.
under_allowed() {
        case $1 in
        "$MUXCAP_PREFIX"/*|"$MUXCAP_SYSCONFDIR"/*|"$MUXCAP_UNIT_DIR"/*|"$MUXCAP_DBUS_INTERFACES_DIR"/*)
                return 0 ;;
        esac
        return 1
}
while read -r f; do
        [ -n "$f" ] || continue
        [ -e "$dest$f" ] || [ -L "$dest$f" ] || fail "meson lists $f as installed, but it is missing"
        under_allowed "$f" || fail "$f is installed outside the prefix $MUXCAP_PREFIX"
done <"$tmp/installed.txt"
outside=$(cd "$dest" && find . -mindepth 1 \( -type f -o -type l \) | sed 's|^\.||' |
        while read -r f; do under_allowed "$f" || echo "$f"; done)
[ -z "$outside" ] || fail "files staged outside the prefix: $outside"

# --- Generated files carry the real paths -------------------------------------------------
unit=$dest$MUXCAP_UNIT_DIR/muxcapd.service
activation=$dest$MUXCAP_DBUS_SERVICES_DIR/org.muxcap.MuxCap1.service
for f in "$unit" "$activation"; do
        [ -f "$f" ] || continue
        if grep -n '@[A-Za-z_]*@' "$f"; then
                fail "$(basename "$f"): unsubstituted @variable@"
        fi
done
if [ -f "$unit" ]; then
        execstart=$(sed -n 's/^ExecStart=//p' "$unit")
        [ "$execstart" = "$daemon" ] || fail "muxcapd.service: ExecStart=$execstart, expected $daemon"
fi

# --- D-Bus files --------------------------------------------------------------------------
if "$py" - "$dest$MUXCAP_DBUS_POLICY_DIR/org.muxcap.MuxCap1.conf" \
           "$dest$MUXCAP_DBUS_INTERFACES_DIR/org.muxcap.MuxCap1.xml" \
           "$activation" "$daemon" <<'EOF'
import configparser, sys
import xml.dom.minidom

policy_file, introspection_file, activation_file, daemon = sys.argv[1:5]
errors = []
NAME = "org.muxcap.MuxCap1"

# The introspection data parses, and names what the policy lets through; its annotation
# org.muxcap.MuxCap1.Privileged says which methods are root's.
intro = xml.dom.minidom.parse(introspection_file)
methods = {(i.getAttribute("name"), m.getAttribute("name"))
           for i in intro.getElementsByTagName("interface")
           for m in i.getElementsByTagName("method")}
privileged = {(i.getAttribute("name"), m.getAttribute("name"))
              for i in intro.getElementsByTagName("interface")
              for m in i.getElementsByTagName("method")
              for a in m.getElementsByTagName("annotation")
              if a.getAttribute("name") == "org.muxcap.MuxCap1.Privileged" and
              a.getAttribute("value") == "true"}
if privileged != {("org.muxcap.MuxCap1.Manager", "Resync"), ("org.muxcap.MuxCap1.Manager", "Reload")}:
    errors.append(f"introspection: privileged methods {sorted(privileged)}, expected Resync and Reload")

doc = xml.dom.minidom.parse(policy_file)
if doc.documentElement.tagName != "busconfig":
    errors.append("policy: root element is not <busconfig>")
policies = doc.getElementsByTagName("policy")

def rules(pol):
    return [(n.tagName, {k: v for k, v in n.attributes.items()})
            for n in pol.childNodes if n.nodeType == n.ELEMENT_NODE]

owners = set()
for pol in policies:
    who = pol.getAttribute("user") or pol.getAttribute("group") or pol.getAttribute("context")
    for kind, attrs in rules(pol):
        if kind not in ("allow", "deny"):
            errors.append(f"policy: unknown element <{kind}>")
        if kind == "allow" and attrs.get("own") is not None:
            owners.add((pol.getAttribute("user"), pol.getAttribute("context"), attrs["own"]))
        if "send_interface" in attrs and "send_destination" not in attrs:
            errors.append(f"policy ({who}): send_interface without send_destination")
        if kind == "allow" and attrs.get("send_destination") == NAME:
            iface, member = attrs.get("send_interface"), attrs.get("send_member")
            if iface and iface.startswith("org.muxcap.") and member and \
                    (iface, member) not in methods:
                errors.append(f"policy: {iface}.{member} is not in the introspection data")
if owners != {("root", "", NAME), ("muxcap", "", NAME)}:
    errors.append(f"policy: the name must be ownable by root and muxcap only, got {sorted(owners)}")

def default_allows(iface, member):
    """Evaluates the default context for one method call, last matching rule wins."""
    verdict = None
    for pol in policies:
        if pol.getAttribute("context") != "default":
            continue
        for kind, attrs in rules(pol):
            if attrs.get("send_destination") != NAME:
                continue
            if "send_interface" in attrs and attrs["send_interface"] != iface:
                continue
            if "send_member" in attrs and attrs["send_member"] != member:
                continue
            if set(attrs) - {"send_destination", "send_interface", "send_member"}:
                continue
            verdict = kind == "allow"
    return verdict

# Every method of the installed XML but the privileged ones, and the standard reading calls.
public = sorted(methods - privileged) + [
    ("org.freedesktop.DBus.Properties", "Get"),
    ("org.freedesktop.DBus.Properties", "GetAll"),
    ("org.freedesktop.DBus.Introspectable", "Introspect"),
    ("org.freedesktop.DBus.Peer", "Ping"),
    ("org.freedesktop.DBus.ObjectManager", "GetManagedObjects")]
for iface, member in public:
    if default_allows(iface, member) is not True:
        errors.append(f"policy: {iface}.{member} is not allowed to everyone")
for iface, member in sorted(privileged) + [("org.freedesktop.DBus.Properties", "Set")]:
    if default_allows(iface, member) is not False:
        errors.append(f"policy: {iface}.{member} is not denied to everyone")
root_allows = any(pol.getAttribute("user") == "root" and kind == "allow" and
                  attrs.get("send_destination") == NAME and
                  attrs.get("send_member") in (None, "Resync")
                  for pol in policies for kind, attrs in rules(pol))
if not root_allows:
    errors.append("policy: root may not call Resync")

act = configparser.ConfigParser(interpolation=None)
act.optionxform = str
act.read_string(open(activation_file).read())
want = {"Name": NAME, "Exec": daemon, "User": "muxcap", "SystemdService": "muxcapd.service"}
got = dict(act["D-BUS Service"]) if act.has_section("D-BUS Service") else {}
if got != want:
    errors.append(f"activation file: {got}, expected {want}")

for e in errors:
    print("FAIL:", e)
sys.exit(1 if errors else 0)
EOF
then
        ok "D-Bus policy, introspection data and activation file parse and say what they should"
else
        fail "D-Bus files"
fi

# --- The unit, verified in a staged root --------------------------------------------------
# `systemd-analyze verify` exits 0 on unknown keys: any output is a failure. With --root it
# resolves ExecStart=, Documentation= (through MANPATH) and the dependencies inside the
# staged tree, so the root gets the host's units and, for commands that are not ours, a
# placeholder when the host has them.
# check_unit FILE MAX_EXPOSURE: verify clean in the staged root, security at most MAX.
check_unit() {
        local unit=$1 max=$2 name rc level cmd placeholder real vroot=$tmp/vroot
        name=$(basename "$unit")
        if [ ! -d "$vroot" ]; then
                mkdir -p "$vroot"
                cp -a "$dest/." "$vroot/"
                for d in /usr/lib/systemd/system /lib/systemd/system; do
                        [ -d "$d" ] || continue
                        mkdir -p "$vroot$(realpath "$d")"
                        cp -an "$d/." "$vroot$(realpath "$d")/"
                done
                # A merged /usr keeps its shape, with relative links: nothing below may reach
                # the host.
                for l in /bin /sbin /lib; do
                        if [ -L "$l" ] && [ ! -e "$vroot$l" ] && [ ! -L "$vroot$l" ]; then
                                real=$(realpath "$l")
                                mkdir -p "$vroot$real"
                                ln -s "${real#/}" "$vroot$l"
                        fi
                done
        fi
        for cmd in $(sed -n 's/^Exec[A-Za-z]*=[-@:+!]*\([^ ]*\).*/\1/p' "$unit"); do
                if [ "$cmd" = "$daemon" ] && [ "$daemon_built" = 0 ]; then
                        : # not built yet: placeholder below
                elif [ "${cmd#"$MUXCAP_PREFIX"/}" != "$cmd" ]; then
                        continue # ours: must come from the install (checked above)
                elif [ ! -x "$cmd" ]; then
                        fail "$name runs $cmd, which this system does not have"
                        continue
                fi
                [ -e "$vroot$cmd" ] && continue
                placeholder=$vroot$(realpath -m "$(dirname "$cmd")")/$(basename "$cmd")
                mkdir -p "$(dirname "$placeholder")"
                printf '#!/bin/sh\nexit 0\n' >"$placeholder"
                chmod 755 "$placeholder"
        done
        man_opt=--man=yes
        [ "$MUXCAP_MAN" = 1 ] || man_opt=--man=no
        MANPATH=$vroot$MUXCAP_MANDIR systemd-analyze verify --root="$vroot" "$man_opt" \
                "$vroot$MUXCAP_UNIT_DIR/$name" >"$tmp/verify.out" 2>&1
        rc=$?
        if [ "$rc" != 0 ] || [ -s "$tmp/verify.out" ]; then
                cat "$tmp/verify.out"
                fail "systemd-analyze verify $name (exit $rc, output above)"
        else
                ok "systemd-analyze verify $name: clean"
        fi

        systemd-analyze security --offline=yes --no-pager "$unit" >"$tmp/security.out" 2>&1
        level=$(sed -n "s/^.*Overall exposure level for $name: \([0-9.]*\).*\$/\1/p" \
                "$tmp/security.out")
        if [ -z "$level" ]; then
                cat "$tmp/security.out"
                fail "systemd-analyze security printed no exposure level for $name"
        elif awk -v l="$level" -v m="$max" 'BEGIN { exit !(l <= m) }'; then
                ok "systemd-analyze security --offline=yes $name: exposure $level"
        else
                grep '✗' "$tmp/security.out"
                fail "systemd-analyze security rates $name $level, more than $max"
        fi
}
[ -f "$unit" ] && check_unit "$unit" 1.0
export_unit=$dest$MUXCAP_UNIT_DIR/muxcap-export.service
if [ -f "$export_unit" ]; then
        check_unit "$export_unit" 1.5
        execstart=$(sed -n 's/^ExecStart=//p' "$export_unit")
        [ "$execstart" = "$MUXCAP_BINDIR/muxcap-export" ] ||
                fail "muxcap-export.service: ExecStart=$execstart, expected $MUXCAP_BINDIR/muxcap-export"
        ! grep -n '@[A-Za-z_]*@' "$export_unit" || fail "muxcap-export.service: unsubstituted @variable@"
        # installed, never enabled: no [Install] symlink anywhere in the staged tree
        ! find "$dest" -name '*.wants' -type d | grep -q . || fail "meson install enables a unit"
fi

# --- sysusers creates the user the unit and the policy name -------------------------------
sysroot=$tmp/sysroot
mkdir -p "$sysroot/etc"
for u in muxcap muxcap-export; do
        if systemd-sysusers --root="$sysroot" "$dest$MUXCAP_SYSUSERS_DIR/$u.conf" \
                        >"$tmp/sysusers.out" 2>&1 &&
           grep -q "^$u:[^:]*:[0-9]*:[0-9]*:[^:]*:[^:]*:.*nologin\$" "$sysroot/etc/passwd" &&
           grep -q "^$u:" "$sysroot/etc/group"; then
                ok "systemd-sysusers creates user and group $u"
        else
                cat "$tmp/sysusers.out"
                fail "systemd-sysusers did not create user and group $u"
        fi
done
# The exporter's tmpfiles file, applied in that root, makes both folders and their ACLs.
# systemd-tmpfiles resolves ACL user names on the host even with --root, where the user may
# not exist: the copy applied here names it by a uid instead.
tmpfiles_conf=$dest$MUXCAP_PREFIX/share/muxcap/muxcap-export.tmpfiles
if [ -f "$tmpfiles_conf" ]; then
        grep -q 'u:muxcap-export:rwx' "$tmpfiles_conf" || fail "muxcap-export.tmpfiles grants no ACL"
        sed 's/u:muxcap-export:/u:4242:/' "$tmpfiles_conf" >"$tmp/export.tmpfiles"
        if systemd-tmpfiles --root="$sysroot" --create "$tmp/export.tmpfiles" >"$tmp/tmpfiles.out" 2>&1 &&
           [ ! -s "$tmp/tmpfiles.out" ] &&
           [ -d "$sysroot/etc/kubernetes/node-feature-discovery/features.d" ] &&
           [ -d "$sysroot/var/lib/prometheus/node-exporter" ]; then
                ok "muxcap-export.tmpfiles creates both folders"
        else
                cat "$tmp/tmpfiles.out"
                fail "systemd-tmpfiles on muxcap-export.tmpfiles"
        fi
        if command -v getfacl >/dev/null; then
                for d in etc/kubernetes/node-feature-discovery/features.d var/lib/prometheus/node-exporter; do
                        getfacl -np "$sysroot/$d" 2>/dev/null | grep -q '^user:4242:rwx$' ||
                                fail "no ACL for the exporter's user on /$d"
                done
        fi
fi

# --- The hwdb example compiles and answers both kinds of lookup ---------------------------
hwroot=$tmp/hwroot
mkdir -p "$hwroot/etc/udev/hwdb.d"
cp "$dest$MUXCAP_EXAMPLES_DIR/70-muxcap-example.hwdb" "$hwroot/etc/udev/hwdb.d/"
# --strict does not make parse errors fatal in systemd 252: read the output too.
if systemd-hwdb --root="$hwroot" --strict update >"$tmp/hwdb.out" 2>&1 && [ ! -s "$tmp/hwdb.out" ] &&
   [ -s "$hwroot/etc/udev/hwdb.bin" ]; then
        ok "example hwdb compiles"
else
        cat "$tmp/hwdb.out"
        fail "example hwdb does not compile cleanly"
fi
hwdb_query() {          # KEY EXPECTED-LINE
        if systemd-hwdb --root="$hwroot" query "$1" 2>&1 | grep -qx -- "$2"; then
                ok "hwdb '$1' gives $2"
        else
                fail "hwdb '$1' does not give $2"
        fi
}
hwdb_query muxcap:drv:e1000e MUXCAP_CAPACITY=1024
hwdb_query muxcap:pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc00i00 MUXCAP_CAPACITY=512

# Property names and values in both examples follow SPEC section 3.
if "$py" - "$dest$MUXCAP_EXAMPLES_DIR/70-muxcap-example.hwdb" \
           "$dest$MUXCAP_EXAMPLES_DIR/70-muxcap-example.rules" <<'EOF'
import re, sys
BOOL = {"yes", "no", "1", "0", "true", "false"}
ENCAP = {"null", "802.3", "802.3-pq", "802.3-pq-oob", "llc-snap-routed"}

def number(v, top):
    m = re.fullmatch(r"0[xX][0-9a-fA-F]+|[0-9]+", v)
    return bool(m) and int(v, 0) <= top

CHECK = {
    "MUXCAP_ENCAPSULATION": lambda v: number(v, 0xFFFFFFFF) or
        (v.split() and set(v.split()) <= ENCAP),
    "MUXCAP_IPV4": lambda v: v in BOOL,
    "MUXCAP_IPV6": lambda v: v in BOOL,
    "MUXCAP_IPV6_EXTENSION_HEADERS": lambda v: v in BOOL,
    "MUXCAP_SACK": lambda v: v in BOOL,
    "MUXCAP_CONGESTION_ALGORITHM": lambda v: number(v, 15),
    "MUXCAP_CAPACITY": lambda v: number(v, 0xFFFFFFFF),
    "MUXCAP_FLAGS": lambda v: number(v, 0xFFFFFFFF),
}
errors, seen = [], set()
hwdb, rules = sys.argv[1:3]
for n, line in enumerate(open(hwdb), 1):
    if line.startswith(" "):
        key, _, value = line.strip().partition("=")
        seen.add(key)
        if key not in CHECK or not CHECK[key](value):
            errors.append(f"{hwdb}:{n}: bad property {line.strip()!r}")
for n, line in enumerate(open(rules), 1):
    if line.lstrip().startswith("#"):
        continue
    for key, value in re.findall(r'ENV\{(MUXCAP_[A-Z0-9_]*)\}="([^"]*)"', line):
        seen.add(key)
        if key not in CHECK or not CHECK[key](value):
            errors.append(f"{rules}:{n}: bad property {key}={value!r}")
if seen != set(CHECK):
    errors.append(f"examples do not show every property: missing {sorted(set(CHECK) - seen)}")
for e in errors:
    print("FAIL:", e)
sys.exit(1 if errors else 0)
EOF
then
        ok "example hwdb and rules use the SPEC's property names and values"
else
        fail "example property names or values"
fi

# --- The rules example parses (root: udevadm test in a private mount namespace) -----------
# udevadm test reads the host's rule directories and writes the udev database: in a private
# mount namespace, tmpfs hides the rule directories and /run, leaving only the example and
# its hwdb; it runs on a NIC with a driver (so the DRIVERS== rules and builtins run), or on
# lo. A complaint about the file ("FILE:LINE message", without a device prefix) fails.
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v udevadm >/dev/null &&
   [ -e /sys/class/net/lo ]; then
        netdev=/sys/class/net/lo
        for d in /sys/class/net/*; do
                [ -e "$d/device/driver" ] && { netdev=$d; break; }
        done
        unshare --mount --propagation private /bin/bash -c '
                set -e
                for d in /etc/udev /usr/lib/udev/rules.d /lib/udev/rules.d /run; do
                        if [ -d "$d" ]; then mount -t tmpfs tmpfs "$d"; fi
                done
                mkdir -p /etc/udev/rules.d /etc/udev/hwdb.d
                cp "$1" /etc/udev/rules.d/
                cp "$2" /etc/udev/hwdb.d/
                systemd-hwdb update
                udevadm test "$3" 2>&1
        ' sh "$dest$MUXCAP_EXAMPLES_DIR/70-muxcap-example.rules" \
             "$dest$MUXCAP_EXAMPLES_DIR/70-muxcap-example.hwdb" "$netdev" >"$tmp/udevadm.out" 2>&1
        rc=$?
        if [ "$rc" != 0 ] || ! grep -q 'Reading rules file: .*70-muxcap-example.rules' "$tmp/udevadm.out" ||
           grep -E '^/[^ ]*70-muxcap-example.rules:[0-9]+ ' "$tmp/udevadm.out"; then
                cat "$tmp/udevadm.out"
                fail "udevadm test $netdev with the example rules"
        else
                ok "example rules parse (udevadm test $netdev)"
        fi
else
        echo "note: not root (or no unshare/udevadm): example rules not parsed"
fi

if [ "$failures" != 0 ]; then
        echo "$failures check(s) failed"
        exit 1
fi
echo "all checks passed"
