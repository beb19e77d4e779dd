#!/bin/sh
# run-tests.sh: the whole mailstatus test suite, from a fresh Debian 12
# machine (as root) or a developer's checkout.
#
#   1. installs the missing Debian packages (build and test dependencies,
#      and the real servers the integration tests start: tests/peers/),
#   2. builds in build/default with -Werror, runs `make check` (the check
#      unit tests and the plugin contract test), builds the Debian packages
#      from a clean copy, installs, checks and purges them
#      (tests/packages/run.sh), and runs the integration tests
#      (tests/integration/NN-*.sh, against real servers they start),
#   3. runs the unit tests again under valgrind memcheck (make check-valgrind),
#   4. builds again in build/sanitize with ASan+UBSan and runs the same,
#   5. builds the libFuzzer targets with clang in build/fuzz and fuzzes
#      every parser for FUZZ_SECONDS (6) each (make fuzz-run),
#   6. runs `make distcheck`.
#
# Exits non-zero when anything fails; the last line counts the checks.
set -u
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"
mkdir -p build/logs

stages_failed=0
failed_stages=
started=$(date +%s)
passed=0
failed=0
skipped=0
# run.sh: a skip for want of a package or a permission is a failure here,
# since this script installs everything the tests need
MAILSTATUS_TESTS_STRICT=1
export MAILSTATUS_TESTS_STRICT

# stage NAME COMMAND...: runs one stage, its output shown as it comes and
# kept in build/logs/NAME.log.
stage() {
	name=$1
	shift
	log="build/logs/$name.log"
	echo "=== $name"
	t0=$(date +%s)
	{ "$@" 2>&1; echo "$?" >"$log.rc"; } | tee "$log"
	rc=$(cat "$log.rc")
	rm -f "$log.rc"
	count "$log"
	if [ "$rc" -eq 0 ]; then
		echo "=== $name: passed ($(($(date +%s) - t0))s)"
	else
		echo "=== $name: FAILED (exit $rc, $(($(date +%s) - t0))s; log in $log)"
		stages_failed=$((stages_failed + 1))
		failed_stages="$failed_stages $name"
	fi
	return "$rc"
}

# Adds the checks a stage's log reports to the totals (the fault lane's
# lines of the integration tests come marked "[80-89] ").
count() {
	eval "$(awk '
		{ sub(/^\[80-89\] /, "") }
		/^[0-9]+%: Checks: / { gsub(/,/, ""); c += $3; f += $5 + $7 }
		/^# FAIL: / || /^# ERROR: / { f += $3 }
		/^ok: / { c++ }
		/^FAIL: / && !/^FAIL: tests\// { f++ }
		/^skip \(kernel\): / { s++ }
		END { printf "passed=$((passed + %d)); failed=$((failed + %d)); skipped=$((skipped + %d))\n", c - f, f, s }
	' "$1")"
}

# make check, then the tests' own logs (check's summary, each ok/FAIL line)
make_check() {
	make -C "$1" check VERBOSE=1
	rc=$?
	cat "$1"/tests/unit/unit_tests.log "$1"/tests/*.log "$1"/tests/fuzz/*.log 2>/dev/null | grep -a -E '^[0-9]+%: Checks:|^ok: |^FAIL: '
	return $rc
}
check_default() {
	make_check build/default
}
check_sanitize() {
	make_check build/sanitize
}

stage install-deps scripts/install-deps.sh build test fuzz package || exit 1
stage install-peers tests/peers/install.sh || exit 1
# A locale with a decimal comma and German day names, so the tests that
# numbers and dates never follow the locale can fail.
german_locale() {
	locale -a | grep -qix 'de_DE.utf8' || localedef -i de_DE -f UTF-8 de_DE.UTF-8
}
stage locale german_locale || exit 1
stage build scripts/build.sh build/default --enable-werror || exit 1
stage unit check_default
stage packages tests/packages/run.sh
stage integration tests/integration/run.sh build/default
stage valgrind make -C build/default check-valgrind
stage build-sanitize scripts/build.sh build/sanitize --enable-sanitizers --enable-werror &&
	{ stage unit-sanitize check_sanitize
	  stage integration-sanitize tests/integration/run.sh build/sanitize; }
stage build-fuzz scripts/build.sh build/fuzz CC=clang --enable-fuzzing --enable-werror &&
	stage fuzz make -C build/fuzz fuzz-run FUZZ_SECONDS="${FUZZ_SECONDS:-6}"
stage distcheck make -C build/default distcheck

if [ "$stages_failed" -gt 0 ] && [ "$failed" -eq 0 ]; then
	failed=$stages_failed
fi
# What failed, again at the end: CI shows a log's tail, and one FAIL line
# in 30 minutes of output is otherwise lost.
for name in $failed_stages; do
	echo "run-tests: stage $name failed; its failures:"
	grep -a -E '^(\[80-89\] )?(FAIL: |== .*: FAILED|# FAIL: |# ERROR: )|^[^:]+:[0-9]+:[EF]:' "build/logs/$name.log" | head -n 40
done
echo "run-tests: $passed passed, $failed failed, $skipped skipped (what this kernel cannot do) in $(($(date +%s) - started))s"
[ "$stages_failed" -eq 0 ]
