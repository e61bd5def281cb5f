#!/bin/sh
# Regenerates test/fixtures/python/mccabe.tsv with Debian's python3-mccabe (apt-get install python3-mccabe).
set -eu
cd "$(dirname "$0")/.."
cd test/fixtures/python
/usr/bin/python3 ../../../scripts/mccabe-capture.py *.py > mccabe.tsv
echo "wrote test/fixtures/python/mccabe.tsv ($(wc -l < mccabe.tsv) lines)"
