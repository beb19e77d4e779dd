#!/bin/bash
# run.sh BUILDDIR [NAME...]: runs the integration tests against the
# programs built in BUILDDIR: every tests/integration/NN-*.sh, or only the
# ones NAME gives ("20", "20-check-greylist" or "20-check-greylist.sh"),
# one after the other. Each script prints "ok: ..." or "FAIL: ..." per
# assertion (bash scripts), and exits 0 (passed), 77 (skipped, with the
# reason) or anything else (failed). Stops nothing on a failure: all run.
#
# Skips: a script or a part of one that cannot run prints "skip: REASON".
# Only what the machine's kernel cannot do may skip for good, and says so
# ("skip (kernel): REASON"); in strict mode (MAILSTATUS_TESTS_STRICT=1, set
# by run-tests.sh, or CI set) any other skip is a failure: run-tests.sh
# installs every package the tests need, so a skip there means a missing
# install step.
#
# What the engines run (plugins, mailstatus-publish, contrib definitions)
# must be readable by their user (nagios): a checkout under a private home
# (/root is mode 0700) is not. So the tests run on a copy of the source and
# build trees in a directory everyone may read (kept with KEEP_TREE=1),
# the scripts themselves too: an edit during a run changes nothing in it.
#
# Two lanes, so the suite takes the time of its longer half on two cores:
# the fault tests 80-89 (publisher crash safety and full disks, hostile
# peers, privileges: they mostly wait out timeouts or keep one core busy)
# and, to even the halves, 50-check-webmail-send (the longest of the
# others, mostly waiting on Roundcube and delivery) run beside the others,
# in order within each lane; every test has ports and servers of its own.
# The second lane's lines are shown as they come, marked "[80-89]".
# LANES=1 (or naming tests) runs one at a time.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 BUILDDIR [NAME...]" >&2; exit 2; }
build=$(cd "$1" && pwd) || exit 2
shift
strict=${MAILSTATUS_TESTS_STRICT:-}
[ -n "${CI:-}" ] && strict=1

# --- which scripts --------------------------------------------------------------
scripts=()
for name in "$@"; do
	name=${name%.sh}
	found=$(ls "$here/$name".sh "$here/$name"-*.sh 2>/dev/null | head -n 1)
	[ -n "$found" ] || { echo "run.sh: no integration test $name in $here" >&2; exit 2; }
	scripts+=("$(basename "$found")")
done

# --- a tree the engines' user can read --------------------------------------------
tree=$(mktemp -d /tmp/mailstatus-tree.XXXXXX)
[ -n "${KEEP_TREE:-}" ] || trap 'rm -rf "$tree"' EXIT
chmod 755 "$tree"
# the source without its build trees and history; the build tree whole
# (the tests use its programs, killpoint.so and its Makefile's flags)
tar -C "$src" --exclude=./build --exclude=./.git -cf - . | tar -C "$tree" -xf - &&
	mkdir -p "$tree/build" &&
	tar -C "$build" -cf - . | tar -C "$tree/build" -xf - ||
	{ echo "run.sh: cannot copy the trees to $tree" >&2; exit 1; }
chmod -R a+rX "$tree"
top_srcdir=$tree
top_builddir=$tree/build
export top_srcdir top_builddir

# run_one SCRIPT: runs it, its lines as they come; returns 0 passed, 77
# skipped for good (the kernel), 1 failed
run_one() {
	name=$1
	out=$tree/.out-$name
	echo "== $name"
	start=$(date +%s)
	bash "$tree/tests/integration/$name" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	took=$(( $(date +%s) - start ))
	if [ -n "$strict" ]; then
		# a skip that is not the kernel's: a package or a permission missing
		while IFS= read -r line; do
			echo "FAIL: $name: '$line': run-tests.sh installs what every test needs (scripts/deps/, tests/peers/install.sh), so nothing may skip for want of it"
			[ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] || rc=1
		done < <(grep -E '^skip(ped)?:' "$out")
	fi
	case $rc in
	0) echo "== $name: passed (${took}s)" ;;
	77) echo "== $name: skipped (${took}s)"; return 77 ;;
	*) echo "== $name: FAILED with status $rc (${took}s)"; return 1 ;;
	esac
	return 0
}

# run_lane SCRIPT...: runs the scripts in order; exits with how many failed.
run_lane() {
	failed=0
	for script in "$@"; do
		run_one "$script"
		[ $? -eq 1 ] && failed=$((failed + 1))
	done
	return "$failed"
}

if [ ${#scripts[@]} -gt 0 ]; then
	run_lane "${scripts[@]}"
	exit $?
fi
main=() faults=()
for path in "$here"/[0-9][0-9]-*.sh; do
	case $(basename "$path") in
	8[0-9]-* | 50-check-webmail-send.sh) faults+=("$(basename "$path")") ;;
	*) main+=("$(basename "$path")") ;;
	esac
done
if [ "${LANES:-2}" = 1 ]; then
	run_lane "${main[@]}" "${faults[@]}"
	exit $?
fi
{ run_lane "${faults[@]}"; echo $? >"$tree/.faults-failed"; } 2>&1 | sed -u 's/^/[80-89] /' &
faults_pid=$!
run_lane "${main[@]}"
main_failed=$?
wait "$faults_pid"
[ "$main_failed" -eq 0 ] && [ "$(cat "$tree/.faults-failed" 2>/dev/null)" = 0 ]
