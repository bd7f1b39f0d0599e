#!/bin/sh
# SPDX-License-Identifier: MIT
# The Prometheus rules shipped in contrib/prometheus: valid (promtool check rules), and each
# alert fires for its case and stays quiet for its neighbours (promtool test rules, series in,
# alerts out). promtool is in Debian's prometheus package.
#
# Usage: test-export-rules.sh RULES TESTS
set -eu
rules=${1:?usage: test-export-rules.sh RULES TESTS}
tests=${2:?usage: test-export-rules.sh RULES TESTS}
command -v promtool >/dev/null || { echo "SKIP: promtool not found (Debian's prometheus)"; exit 77; }
promtool check rules "$rules"
promtool test rules "$tests"
