#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes the system bus policy of org.muxcap.MuxCap1 from the interface XML, so that which
# methods every user may call is said once, in proto/org.muxcap.MuxCap1.xml: a method with
# the annotation org.muxcap.MuxCap1.Privileged is root's only (muxcapd reads the same
# annotation, through gen-introspection.py, for its own check); every other method, and the
# standard interfaces' reading calls, are open to every user. A method added to the XML is
# then open to all or refused by both, never half.
#
# Usage: gen-policy.py INTERFACE_XML OUTPUT_CONF
import sys
import xml.etree.ElementTree as ET

NAME = 'org.muxcap.MuxCap1'
PRIVILEGED = 'org.muxcap.MuxCap1.Privileged'
# The standard interfaces' calls a reader needs; Properties.Set is left out (every property is
# read-only, and the default context denies what it does not allow).
STANDARD = [
    ('org.freedesktop.DBus.Introspectable', None),
    ('org.freedesktop.DBus.Peer', None),
    ('org.freedesktop.DBus.Properties', 'Get'),
    ('org.freedesktop.DBus.Properties', 'GetAll'),
    ('org.freedesktop.DBus.ObjectManager', 'GetManagedObjects'),
]

src, out = sys.argv[1:3]
rules = []
for iface in ET.parse(src).getroot().iter('interface'):
    for method in iface.iter('method'):
        privileged = any(a.get('name') == PRIVILEGED and a.get('value') == 'true'
                         for a in method.iter('annotation'))
        rules.append(('deny' if privileged else 'allow', iface.get('name'), method.get('name')))


def rule(kind, iface, member):
    pad = ' ' * (len(kind) + 6)
    attrs = f'send_destination="{NAME}"\n{pad}send_interface="{iface}"'
    if member:
        attrs += f' send_member="{member}"'
    return f'    <{kind} {attrs}/>\n'


with open(out, 'w', encoding='utf-8') as f:
    f.write(f'''<?xml version="1.0"?> <!--*-nxml-*-->
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<!-- SPDX-License-Identifier: MIT -->
<!-- muxcap: system bus policy for {NAME} (SPEC section 5), generated from
     {NAME}.xml by units/gen-policy.py.
     Only root and the service user may own the name; anyone may read properties, call
     every method not annotated {PRIVILEGED} and receive the signals;
     the privileged methods are for root only (muxcapd checks the caller again and answers
     org.freedesktop.DBus.Error.AccessDenied). -->
<busconfig>
  <policy user="root">
    <allow own="{NAME}"/>
    <allow send_destination="{NAME}"/>
  </policy>

  <policy user="muxcap">
    <allow own="{NAME}"/>
  </policy>

  <policy context="default">
    <deny own="{NAME}"/>
    <deny send_destination="{NAME}"/>

''')
    for iface, member in STANDARD:
        f.write(rule('allow', iface, member))
    f.write('\n')
    for kind, iface, member in rules:
        f.write(rule(kind, iface, member))
    f.write(f'''
    <allow receive_sender="{NAME}"/>
  </policy>
</busconfig>
''')
