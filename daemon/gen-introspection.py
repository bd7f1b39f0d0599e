#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Turns each <interface> of proto/org.muxcap.MuxCap1.xml into a C string, so the daemon's
# Introspect answers from the same file that is installed: one source of truth.
import re
import sys

src, out_c, out_h = sys.argv[1:4]
xml = open(src, encoding='utf-8').read()
xml = re.sub(r'<!--.*?-->', '', xml, flags=re.S)
names = {'org.muxcap.MuxCap1.Manager': 'manager', 'org.muxcap.MuxCap1.Mux': 'mux',
         'org.muxcap.MuxCap1.Nic': 'nic'}
found = {}
for m in re.finditer(r'(<interface name="([^"]+)">.*?</interface>)', xml, flags=re.S):
    lines = [l.rstrip() for l in m.group(1).splitlines() if l.strip()]
    found[names[m.group(2)]] = '\n'.join(' ' + l.strip() if i in (0, len(lines) - 1) else '  ' + l.strip()
                                         for i, l in enumerate(lines)) + '\n'
with open(out_c, 'w') as f:
    f.write('/* Generated from org.muxcap.MuxCap1.xml by gen-introspection.py */\n')
    f.write('#include "introspection.h"\n')
    for key in ('manager', 'mux', 'nic'):
        text = found[key].replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n"\n        "')
        f.write('const char introspection_xml_%s[] =\n        "%s";\n' % (key, text))
with open(out_h, 'w') as f:
    f.write('/* Generated from org.muxcap.MuxCap1.xml by gen-introspection.py */\n#pragma once\n')
    for key in ('manager', 'mux', 'nic'):
        f.write('extern const char introspection_xml_%s[];\n' % key)
