#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Turns each <interface> of proto/org.muxcap.MuxCap1.xml into C strings, so the daemon's
# Introspect answers from the same file that is installed: one source of truth. The methods
# and signals come from here (introspection_xml_<iface>_members); the properties come from the
# service's property tables, and a unit test holds the two against the whole interface text
# (introspection_xml_<iface>). The methods annotated org.muxcap.MuxCap1.Privileged are listed
# in introspection_privileged[]: the daemon checks their callers from that list, and the bus
# policy (units/gen-policy.py) is written from the same annotation.
import re
import sys

src, out_c, out_h = sys.argv[1:4]
xml = open(src, encoding='utf-8').read()
xml = re.sub(r'<!--.*?-->', '', xml, flags=re.S)
names = {'org.muxcap.MuxCap1.Manager': 'manager', 'org.muxcap.MuxCap1.Mux': 'mux',
         'org.muxcap.MuxCap1.Nic': 'nic'}
found = {}
members = {}
privileged = []
for m in re.finditer(r'(<interface name="([^"]+)">.*?</interface>)', xml, flags=re.S):
    lines = [l.strip() for l in m.group(1).splitlines() if l.strip()]
    found[names[m.group(2)]] = '\n'.join(' ' + l if i in (0, len(lines) - 1) else '  ' + l
                                         for i, l in enumerate(lines)) + '\n'
    rest, in_property = [], False
    for l in lines[1:-1]:
        if l.startswith('<property'):
            in_property = not l.endswith('/>')
            continue
        if in_property:
            in_property = l != '</property>'
            continue
        rest.append('  ' + l + '\n')
    members[names[m.group(2)]] = ''.join(rest)
    for method in re.finditer(r'<method name="([^"]+)">(.*?)</method>', m.group(1), flags=re.S):
        if re.search(r'<annotation name="org\.muxcap\.MuxCap1\.Privileged" value="true"/>',
                     method.group(2)):
            privileged.append((m.group(2), method.group(1)))


def c_string(text):
    return text.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n"\n        "')


with open(out_c, 'w') as f:
    f.write('/* Generated from org.muxcap.MuxCap1.xml by gen-introspection.py */\n')
    f.write('#include "introspection.h"\n')
    for key in ('manager', 'mux', 'nic'):
        f.write('const char introspection_xml_%s[] =\n        "%s";\n' % (key, c_string(found[key])))
        f.write('const char introspection_xml_%s_members[] =\n        "%s";\n' % (key, c_string(members[key])))
    f.write('const IntrospectionMethod introspection_privileged[] = {\n')
    for iface, method in privileged:
        f.write('        { "%s", "%s" },\n' % (iface, method))
    f.write('        { 0 },\n};\n')
with open(out_h, 'w') as f:
    f.write('/* Generated from org.muxcap.MuxCap1.xml by gen-introspection.py */\n#pragma once\n')
    f.write('typedef struct IntrospectionMethod {\n        const char *interface;\n'
            '        const char *member;\n} IntrospectionMethod;\n')
    f.write('/* the methods annotated org.muxcap.MuxCap1.Privileged; ends with a NULL interface */\n'
            'extern const IntrospectionMethod introspection_privileged[];\n')
    for key in ('manager', 'mux', 'nic'):
        f.write('extern const char introspection_xml_%s[];\n' % key)
        f.write('extern const char introspection_xml_%s_members[];\n' % key)
