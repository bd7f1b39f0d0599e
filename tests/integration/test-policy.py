#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The installed bus policy on a real system bus: inside ns-run.sh (private /run, mounts and
# network), Debian's own system bus configuration (dbus-daemon --system: deny by default,
# policies from system.d) runs with only muxcap's generated policy in /etc/dbus-1/system.d,
# muxcapd (as root) on it, and a user that is not root (nobody) calls every method and reads
# every property of the installed interface XML: each answers, but the methods annotated
# org.muxcap.MuxCap1.Privileged, which the bus refuses (AccessDenied), as it refuses
# Properties.Set; root may call them. Then nobody runs muxcapctl --records=all show, explain
# and monitor, and the monitor receives the StatusIndications a member change makes.
#
# Usage (by meson, in ns-run.sh): test-policy.py MUXCAPCTL INTERFACE_XML POLICY_CONF
# with $MUXCAPD the daemon. Exit 0 pass, 1 fail, 77 skipped (not root).
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET

NAME = 'org.muxcap.MuxCap1'
ROOT = '/org/muxcap/MuxCap1'
PRIVILEGED = 'org.muxcap.MuxCap1.Privileged'
SOCKET = '/run/dbus/system_bus_socket'
NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']
TASK_CURRENT = 0x40020006
# An in-argument of each type the interface takes, and the object each interface lives on.
ARGS = {'s': None, 'u': f'uint32:{0x40020007}'}
PATHS = {'org.muxcap.MuxCap1.Manager': ROOT, 'org.muxcap.MuxCap1.Mux': f'{ROOT}/mux/pbr0',
         'org.muxcap.MuxCap1.Nic': f'{ROOT}/nic/pv0'}

failures = []


def check(ok, what):
    print(('ok: ' if ok else 'FAIL: ') + what, flush=True)
    if not ok:
        failures.append(what)


def run(*cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30, **kw)


def call(user, path, iface, member, *args):
    """dbus-send on the system bus as @user (NOBODY or []): (ok, error name or ''). A refusal
    by the bus itself (its policy, not muxcapd) is told apart as "denied by the bus"."""
    r = run(*user, 'dbus-send', '--system', '--print-reply', f'--dest={NAME}', path,
            f'{iface}.{member}', *args)
    if r.returncode == 0:
        return True, ''
    err = r.stderr.strip()
    if err.startswith('Error org.freedesktop.DBus.Error.AccessDenied: Rejected send message'):
        return False, 'denied by the bus'
    return False, err.split()[1].rstrip(':') if err.startswith('Error ') else err


def wait(predicate, what, seconds=20):
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            sys.exit(f'FAIL: timed out waiting for {what}')
        time.sleep(0.1)


def main():
    if os.geteuid() != 0:
        print('needs root, skipping')
        return 77
    muxcapctl, xml_file, policy = sys.argv[1:4]
    test_dir = os.environ['MUXCAP_TEST_DIR']
    # ns-run.sh points both at its own open bus; the system bus here is the default socket.
    os.environ.pop('DBUS_SYSTEM_BUS_ADDRESS', None)
    os.environ.pop('DBUS_SESSION_BUS_ADDRESS', None)

    # The system bus as Debian configures it, with muxcap's policy only: ns-run.sh gave us a
    # private /run and mount namespace, so nothing of the host's bus is touched.
    for f in ('/usr/share/dbus-1/system.conf', '/etc/dbus-1'):
        if not os.path.exists(f):
            sys.exit(f'FAIL: {f} is missing (scripts/install-deps.sh installs dbus-daemon)')
    # The administrator's side of it (/etc/dbus-1) is ours alone: a tmpfs in this namespace.
    subprocess.run(['mount', '-t', 'tmpfs', 'tmpfs', '/etc/dbus-1'], check=True)
    os.mkdir('/etc/dbus-1/system.d')
    shutil.copy(policy, '/etc/dbus-1/system.d/')
    os.makedirs('/run/dbus', exist_ok=True)
    log = open(os.path.join(test_dir, 'system-bus.log'), 'w')
    bus = subprocess.Popen(['dbus-daemon', '--system', '--nofork', '--nopidfile', '--nosyslog'],
                           stdout=log, stderr=log)
    wait(lambda: os.path.exists(SOCKET), 'the system bus socket')

    for cmd in ('link add pbr0 type bridge', 'link add pv0 type veth peer name pv1',
                'link set pv0 master pbr0', 'link set pv0 up', 'link set pbr0 up'):
        subprocess.run(['ip'] + cmd.split(), check=True)
    dlog = open(os.path.join(test_dir, 'muxcapd.log'), 'w')
    daemon = subprocess.Popen([os.environ['MUXCAPD'], '--config=/dev/null', '--udev-source=udev'],
                              stdout=dlog, stderr=dlog)
    try:
        wait(lambda: call([], ROOT, 'org.muxcap.MuxCap1.Manager', 'GetMux', 'string:pbr0')[0] and
             call([], ROOT, 'org.muxcap.MuxCap1.Manager', 'GetNic', 'string:pv0')[0],
             'muxcapd on the system bus with pbr0 and pv0')
        check_methods(xml_file)
        check_muxcapctl(muxcapctl)
        check_refusal_message(muxcapctl)
    finally:
        daemon.terminate()
        daemon.wait(10)
        bus.terminate()
        bus.wait(10)
    if failures:
        for f in ('system-bus.log', 'muxcapd.log'):
            print(f'---- {f} ----\n' + open(os.path.join(test_dir, f)).read())
        print(f'{len(failures)} check(s) failed')
        return 1
    return 0


def check_methods(xml_file):
    """Every method and property of the installed XML, called as nobody."""
    n_methods = n_props = 0
    for iface in ET.parse(xml_file).getroot().iter('interface'):
        name, path = iface.get('name'), PATHS[iface.get('name')]
        for method in iface.iter('method'):
            member = method.get('name')
            privileged = any(a.get('name') == PRIVILEGED and a.get('value') == 'true'
                             for a in method.iter('annotation'))
            args = []
            for a in method.iter('arg'):
                if a.get('direction') == 'in':
                    value = ARGS[a.get('type')] or \
                        f'string:{"pv0" if member == "GetNic" else "pbr0"}'
                    args.append(value)
            ok, err = call(NOBODY, path, name, member, *args)
            n_methods += 1
            if privileged:
                check(err == 'denied by the bus',
                      f'{name}.{member} as nobody: denied by the bus (got {err or "an answer"})')
                ok, err = call([], path, name, member, *args)
                check(ok, f'{name}.{member} as root: answered ({err or "ok"})')
            else:
                check(ok, f'{name}.{member} as nobody: answered ({err or "ok"})')
        for prop in iface.iter('property'):
            ok, err = call(NOBODY, path, 'org.freedesktop.DBus.Properties', 'Get',
                           f'string:{name}', f'string:{prop.get("name")}')
            n_props += 1
            check(ok, f'{name}.{prop.get("name")} read as nobody ({err or "ok"})')
        ok, err = call(NOBODY, path, 'org.freedesktop.DBus.Properties', 'GetAll', f'string:{name}')
        check(ok, f'GetAll({name}) as nobody ({err or "ok"})')
    for iface, member, path in (('org.freedesktop.DBus.Introspectable', 'Introspect', ROOT),
                                ('org.freedesktop.DBus.Peer', 'Ping', ROOT),
                                ('org.freedesktop.DBus.ObjectManager', 'GetManagedObjects', ROOT)):
        ok, err = call(NOBODY, path, iface, member)
        check(ok, f'{iface}.{member} as nobody ({err or "ok"})')
    ok, err = call(NOBODY, ROOT, 'org.freedesktop.DBus.Properties', 'Set',
                   'string:org.muxcap.MuxCap1.Manager', 'string:CoalesceMs', 'variant:uint32:1')
    check(err == 'denied by the bus',
          f'Properties.Set as nobody: denied by the bus (got {err or "an answer"})')
    check(n_methods >= 9 and n_props >= 20,
          f'the XML has {n_methods} methods and {n_props} properties, all tried')


def check_muxcapctl(muxcapctl):
    """muxcapctl's reading commands as nobody; the monitor sees a member change."""
    for args in (('show', 'pbr0'), ('explain', 'pbr0'), ('show', 'nic', 'pv0'),
                 ('show', '--all', 'pbr0'), ('list',)):
        r = run(*NOBODY, muxcapctl, *args)
        check(r.returncode == 0 and r.stdout.count('\n') > 1 and not r.stderr,
              f'muxcapctl {" ".join(args)} as nobody: exit {r.returncode} {r.stderr.strip()}')
    r = run(*NOBODY, muxcapctl, 'advertised', 'pbr0')
    check(r.returncode == 0 and not r.stderr,
          f'muxcapctl advertised pbr0 as nobody: exit {r.returncode} {r.stderr.strip()}')
    # The root-only methods: refused, and the refusal names the method.
    for verb, method in (('resync', 'Resync'), ('reload', 'Reload')):
        r = run(*NOBODY, muxcapctl, verb)
        check(r.returncode == 1 and r.stderr.startswith(f'muxcapctl: {verb}: access denied by ') and
              method in r.stderr,
              f'muxcapctl {verb} as nobody is refused naming {method} (exit {r.returncode}, {r.stderr!r})')
        r = run(muxcapctl, verb)
        check(r.returncode == 0 and not r.stderr,
              f'muxcapctl {verb} as root: exit {r.returncode} {r.stderr.strip()}')
    mon = subprocess.Popen([*NOBODY, muxcapctl, '--json', '--records=all', 'monitor', 'pbr0'],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l) for l in mon.stdout] + [lines.put('')],
                     daemon=True).start()
    events = []

    def next_event(seconds):
        try:
            line = lines.get(timeout=seconds)
        except queue.Empty:
            return None
        if line:
            events.append(json.loads(line))
        return line or None

    try:
        # The state comes first, once it is subscribed: then the change.
        if next_event(20):
            subprocess.run(['ethtool', '-K', 'pv0', 'tso', 'off'], check=True)
            deadline = time.monotonic() + 20
            while next_event(max(0.1, deadline - time.monotonic())):
                if events[-1].get('event') == 'indication' and \
                        events[-1].get('status_code') == TASK_CURRENT:
                    break
    finally:
        mon.terminate()
        mon.wait(10)
    err = mon.stderr.read()
    check(any(e.get('event') == 'indication' and e.get('name') == 'pbr0' and
              e.get('status_code') == TASK_CURRENT for e in events),
          f'muxcapctl monitor as nobody: the task-offload indication of tso off '
          f'({len(events)} events{", " + err.strip() if err.strip() else ""})')


def check_refusal_message(muxcapctl):
    """A call the bus refuses is reported as such, with the method: a policy that denies
    GetRecord to everyone but root, loaded by the bus (ReloadConfig), then removed. It is
    system-local.conf, which system.conf includes last (system.d's files come in no set
    order, so one of them could not override another)."""
    deny = '/etc/dbus-1/system-local.conf'
    with open(deny, 'w') as f:
        f.write(f'''<busconfig><policy context="default">
  <deny send_destination="{NAME}" send_interface="org.muxcap.MuxCap1.Mux" send_member="GetRecord"/>
</policy></busconfig>
''')

    def reload():
        r = run('dbus-send', '--system', '--print-reply', '--dest=org.freedesktop.DBus',
                '/org/freedesktop/DBus', 'org.freedesktop.DBus.ReloadConfig')
        check(r.returncode == 0, f'the bus reloads its configuration {r.stderr.strip()}')

    reload()
    r = run(*NOBODY, muxcapctl, '--records=task', 'show', 'pbr0')
    want = 'muxcapctl: show: access denied by the bus policy: GetRecord\n'
    check(r.returncode != 0 and r.stderr == want,
          f'a refused GetRecord is reported as {want.strip()!r} (exit {r.returncode}, {r.stderr!r})')
    os.unlink(deny)
    reload()


if __name__ == '__main__':
    sys.exit(main())
