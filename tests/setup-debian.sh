#!/bin/sh
# setup-debian.sh: install the Debian 12 packages memattach builds and tests with.
# Installs only what is missing, so it is quick when everything is there.
set -eu
PACKAGES="gcc make autoconf automake libtool pkg-config
	libunwind-dev libelf-dev libdw-dev liblz4-dev libncurses-dev lz4
	python3 python3.11-dbg python3-numpy
	chromium clang libclang-rt-14-dev procps util-linux
	time"
missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "setup-debian: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
	--no-install-recommends $missing >/dev/null
