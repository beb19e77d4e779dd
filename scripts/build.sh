#!/bin/sh
# build.sh BUILDDIR [CONFIGURE-ARGS...]: configures (out of tree) and builds.
# Runs autoreconf first when the tree has no configure script yet.
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
if [ ! -f Makefile ] || [ "$top/configure" -nt config.status ]; then
	"$top/configure" -q "$@"
fi
make -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
