#!/bin/sh
# SPDX-License-Identifier: MIT
# scdoc, its page told to go through tbl: the pages have tables, and man(1) runs tbl only
# when the first line says so ('\" t). Without it groff 1.23 (Debian 13) warns "tbl
# preprocessor failed" on every page, and lintian reports it; scdoc writes no such line.
printf "'\\\\\" t\n"
exec "$1"
