#!/bin/sh
# build.sh BUILDDIR [CONFIGURE-ARGS...]: configures (out of tree) and builds.
# Runs autoreconf first when the tree has no configure script yet, and
# configures again whenever the arguments differ from the last configure's
# (so that --enable-werror after a plain build is not silently dropped).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$1
shift

if [ ! -x "$top/configure" ] || [ "$top/configure.ac" -nt "$top/configure" ] ||
   [ "$top/Makefile.am" -nt "$top/Makefile.in" ]; then
	(cd "$top" && autoreconf -fi >/dev/null 2>&1) || (cd "$top" && autoreconf -fi)
fi
mkdir -p "$builddir"
cd "$builddir"
# the arguments, one per line, as config.status was made with them
wanted=$(printf '%s\n' "$@")
if [ ! -f Makefile ] || [ "$top/configure" -nt config.status ] ||
   [ ! -f .configure-args ] || [ "$wanted" != "$(cat .configure-args)" ]; then
	configured_before=0
	[ -f Makefile ] && configured_before=1
	rm -f .configure-args
	"$top/configure" -q "$@"
	# objects do not depend on the flags: build them again with the new ones
	[ "$configured_before" -eq 0 ] || make clean >/dev/null
	printf '%s\n' "$wanted" >.configure-args
fi
make -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
