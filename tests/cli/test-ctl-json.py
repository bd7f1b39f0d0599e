#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Every muxcapctl command's --json output against docs/muxcapctl.schema.json, through the real
# muxcapd (inside tests/integration/ns-run.sh: a private bus, udevd and network namespace):
# list, show, show nic, explain, advertised and monitor (its record and membership lines) with
# each --records, decode and encode of both record types; -j after the command prints what
# --json before it does; the schema refuses what it must (so the check is not vacuous). Then
# the text for people: a unicode MUX name aligns by display width, and ANSI escapes come only
# on a terminal.
#
# Usage: test-ctl-json.py MUXCAPCTL SCHEMA   ($MUXCAPD, $MUXCAP_TEST_BUS from meson and ns-run)

import copy
import json
import os
import pty
import signal
import subprocess
import sys
import time
import unicodedata

import jsonschema

fails = 0


def check(ok, what):
    global fails
    print(('ok: ' if ok else 'FAIL: ') + what)
    if not ok:
        fails += 1


def main():
    ctl, schema_file = sys.argv[1:3]
    bus = os.environ['MUXCAP_TEST_BUS']
    with open(schema_file) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)

    def validator(definition):
        s = dict(schema)
        s.pop('oneOf')
        s['$ref'] = '#/$defs/' + definition
        return jsonschema.Draft202012Validator(s)

    def muxcapctl(*args, **kw):
        return subprocess.run([ctl, f'--bus={bus}', *args], capture_output=True, text=True, **kw)

    def validate(definition, args):
        """Runs muxcapctl ARGS with -j after the command, validates, and compares with --json
        before it. Returns the parsed output."""
        r = muxcapctl(*args, '-j')
        check(r.returncode == 0 and not r.stderr,
              f'muxcapctl {" ".join(args)} -j: exit {r.returncode} {r.stderr.strip()}')
        try:
            doc = json.loads(r.stdout)
        except json.JSONDecodeError as e:
            check(False, f'muxcapctl {" ".join(args)} -j prints JSON: {e}: {r.stdout[:300]}')
            return None
        errors = sorted(validator(definition).iter_errors(doc), key=lambda e: list(e.path))
        check(not errors, f'muxcapctl {" ".join(args)} -j against #/$defs/{definition}' +
              ''.join(f'\n  {list(e.path)}: {e.message[:200]}' for e in errors[:5]))
        before = muxcapctl('--json', *args)
        check(before.stdout == r.stdout, f'muxcapctl --json {" ".join(args)} prints what -j after it does')
        return doc

    # Offline: both record types, from decode and encode.
    conn = '8002140006000000050000006400000000000000'
    task = muxcapctl('encode', 'lso_v2_ipv4_encapsulation=802.3,802.3-pq',
                     'lso_v2_ipv4_max_offload_size=65536').stdout.strip()
    for args in (('decode', conn), ('decode', task), ('encode', 'support_ipv4=1'),
                 ('encode', '--type=task'), ('encode', 'LsoV2.IPv6.MaxOffLoadSize=32768')):
        validate('record', args)

    # The schema is no rubber stamp: a status code as a string, a field missing, a key in
    # camel case and a value out of range are each refused.
    good = json.loads(muxcapctl('decode', conn, '-j').stdout)
    for what, mutate in (
            ('status_code as a string', lambda d: d.update(status_code='0x4002000B')),
            ('a connection field missing', lambda d: d['fields'].pop('support_sack')),
            ('a key in camel case', lambda d: d['fields'].update(SupportIPv4=1)),
            ('a value past u32', lambda d: d['fields'].update(flags=2 ** 32)),
            ('an unknown record type', lambda d: d.update(type='chimney'))):
        bad = copy.deepcopy(good)
        mutate(bad)
        check(not validator('record').is_valid(bad), f'the schema refuses {what}')

    # The daemon, a veth bridge, a second bridge with a unicode name, a declared value.
    conf = os.path.join(os.environ['MUXCAP_TEST_DIR'], 'muxcapd.conf')
    with open(conf, 'w') as f:
        f.write('[Nic tA]\nTcpConnectionOffloadCapacity=64\n')
    log = open(os.path.join(os.environ['MUXCAP_TEST_DIR'], 'muxcapd.log'), 'w')
    daemon = subprocess.Popen([os.environ['MUXCAPD'], f'--bus={bus}', f'--config={conf}',
                               '--udev-source=udev'], stdout=log, stderr=log)
    monitor = None
    try:
        for cmd in ('link add br0 type bridge', 'link add brü type bridge',
                    'link add tA type veth peer name tP', 'link add uA type veth peer name uP'):
            subprocess.run(['ip'] + cmd.split(), check=True)
        subprocess.run(['udevadm', 'settle'], check=True)
        for cmd in ('link set tA master br0', 'link set uA master br0', 'link set tP master brü'):
            subprocess.run(['ip'] + cmd.split(), check=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            r = muxcapctl('show', 'br0', '-j', '--records=connection')
            if r.returncode == 0 and json.loads(r.stdout)['mux']['members'] == ['tA', 'uA']:
                break
            time.sleep(0.1)
        monitor = subprocess.Popen([ctl, f'--bus={bus}', 'monitor', '-j'], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)

        for records in ([], ['--records=connection'], ['--records=task']):
            validate('list', ['list', *records])
            validate('show', ['show', 'br0', *records])
            validate('show', ['show', '--all', 'br0', *records])
            validate('show_nic', ['show', 'nic', 'tA', *records])
            validate('explain', ['explain', 'br0', *records])
        validate('explain', ['explain', 'br0', 'SupportIPv4', 'lso_v2_ipv4_max_offload_size'])
        validate('advertised', ['advertised', 'br0'])
        doc = validate('show_nic', ['show', 'nic', 'tA'])
        check(doc and doc['nic']['sources']['connection']['tcp_connection_offload_capacity'] == 'config',
              'show nic tA -j: the declared capacity comes from the config')
        doc = validate('show', ['show', 'br0'])
        check(doc and set(doc['mux']['records']) ==
              {'connection_hardware', 'connection_current', 'task_hardware', 'task_current'},
              'show br0 -j holds the four records by default')

        text_checks(ctl, bus)

        # A member joins and leaves: the monitor says so.
        subprocess.run(['ip', 'link', 'add', 'wA', 'type', 'veth', 'peer', 'name', 'wP'], check=True)
        subprocess.run(['ip', 'link', 'set', 'wA', 'master', 'br0'], check=True)
        time.sleep(0.5)
        subprocess.run(['ip', 'link', 'del', 'wA'], check=True)
        time.sleep(0.5)
    finally:
        if monitor:
            monitor.send_signal(signal.SIGINT)
            out, err = monitor.communicate(10)
        daemon.terminate()
        daemon.wait(10)
    check(monitor.returncode == 0 and not err, f'monitor -j ends with SIGINT: exit {monitor.returncode} {err}')
    lines = out.splitlines()
    events = []
    line_validator = validator('monitor_line')
    for line in lines:
        doc = json.loads(line)
        events.append(doc)
        errors = list(line_validator.iter_errors(doc))
        check(not errors, f'monitor line {line[:80]}... against #/$defs/monitor_line' +
              ''.join(f'\n  {e.message[:200]}' for e in errors[:3]))
    kinds = {e['event'] for e in events}
    check({'daemon-appeared', 'state', 'member-joined', 'member-left'} <= kinds,
          f'monitor -j printed state and membership lines ({sorted(kinds)})')
    check({e['record']['type'] for e in events if 'record' in e} == {'connection', 'task'},
          'monitor -j printed both record types')
    return 0


def openpty():
    """A pseudo-terminal. ns-run's /dev is minimal: this mount namespace gets its own devpts
    instance (it dies with the namespace)."""
    try:
        return pty.openpty()
    except OSError:
        os.makedirs('/dev/pts', exist_ok=True)
        subprocess.run(['mount', '-t', 'devpts', '-o', 'newinstance,ptmxmode=0666', 'devpts',
                        '/dev/pts'], check=True)
        if os.path.lexists('/dev/ptmx'):
            os.unlink('/dev/ptmx')
        os.symlink('pts/ptmx', '/dev/ptmx')
        return pty.openpty()


def tty_output(args, env):
    """What muxcapctl ARGS prints on a terminal (a pseudo-terminal)."""
    master, slave = openpty()
    p = subprocess.Popen(args, stdout=slave, stderr=subprocess.DEVNULL, env=env)
    os.close(slave)
    out = b''
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:         # EIO: the other end is closed
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    p.wait(10)
    return out.decode()


def text_checks(ctl, bus):
    """The text for people: columns by display width (brü is 3 columns in 4 bytes), escapes
    only on a terminal that takes them."""
    env = dict(os.environ, LANG='C.UTF-8', LC_ALL='C.UTF-8', TERM='xterm')
    r = subprocess.run([ctl, f'--bus={bus}', 'list'], capture_output=True, text=True, env=env)
    lines = r.stdout.splitlines()
    check(r.returncode == 0 and len(lines) == 3 and '\x1b' not in r.stdout,
          f'list into a pipe: 3 lines, no escapes: {r.stdout!r}')
    kind = lines[0].index('KIND')
    check(all(unicodedata.east_asian_width(c) not in 'WF' for c in r.stdout),
          'list: no wide characters (so one code point is one column)')
    check(all(line.index('bridge') == kind for line in lines[1:]),
          f'list: KIND starts at column {kind} on every line, brü\'s too:\n{r.stdout}')
    out = tty_output([ctl, f'--bus={bus}', 'list'], env)
    check('\x1b[1mNAME\x1b[0m' in out, f'list on a terminal: a bold header: {out!r}')
    out = tty_output([ctl, f'--bus={bus}', 'list'], dict(env, NO_COLOR='1'))
    check('NAME' in out and '\x1b' not in out, f'list on a terminal with NO_COLOR: no escapes: {out!r}')
    out = tty_output([ctl, f'--bus={bus}', 'list'], dict(env, TERM='dumb'))
    check('NAME' in out and '\x1b' not in out, f'list on a dumb terminal: no escapes: {out!r}')


if __name__ == '__main__':
    main()
    sys.exit(1 if fails else 0)
