#!/bin/sh
# build.sh: configure and build memattach in the source tree.
set -eu
cd "$(dirname "$0")/.."
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure -q --enable-Werror
make -j2 -s
