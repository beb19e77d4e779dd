#!/bin/sh
# run-sample.sh: the main job on the bundled sample data, from a fresh
# Debian 12 machine (as root) or a developer's checkout. Installs what is
# missing, builds, runs every program that exists, and says where its
# output is.
set -eu
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"

scripts/install-deps.sh build
scripts/build.sh build/default
make -s -C build/default check_PROGRAMS=tests/check_selftest tests/check_selftest >/dev/null
out="$top/build/sample"
rm -rf "$out"
mkdir -p "$out"

# run TITLE PROGRAM ARGS...: one plugin run, as Nagios would see it
run() {
	title=$1
	shift
	echo "--- $title"
	echo "\$ $(basename "$1") $(shift; echo "$@")"
	set +e
	"$@"
	rc=$?
	set -e
	echo "(exit status $rc)"
}

echo "=== The plugin runtime (lib/), through its test plugin"
sel=build/default/tests/check_selftest
run "a verdict with thresholds and perfdata" $sel --value=15 -w 10 -c 20
run "the same as JSON" $sel --value=15 -w 10 -c 20 --output-format=json
run "a bad threshold is UNKNOWN with the reason" $sel --value=1 --warning=abc
run "the deadline names the step that did not finish" $sel -t 1 --sleep=5

echo
echo "Output of this run: $out"
