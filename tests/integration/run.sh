#!/bin/sh
# run.sh BUILDDIR: runs every tests/integration/NN-*.sh against the programs
# built in BUILDDIR. Each script prints "ok: ..." or "FAIL: ..." per
# assertion (bash scripts), and exits 0 (passed), 77 (skipped, with the
# reason) or anything else (failed). Stops nothing on a failure: all run.
#
# Two lanes, so the suite takes the time of its longer half on two cores:
# the fault tests 80-89 (publisher crash safety and full disks, hostile
# peers, privileges: no port or server shared with the others; they mostly
# wait out timeouts or keep one core busy) run beside the others, in order
# within each lane. Their output is shown after the first lane's.
# LANES=1 runs everything one after the other.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "$here/../.." && pwd)
top_builddir=$(cd "$1" && pwd)
export top_srcdir top_builddir

# run_lane SCRIPT...: runs the scripts in order; exits with how many failed.
run_lane() {
	failed=0
	for script in "$@"; do
		[ -e "$script" ] || continue
		name=$(basename "$script")
		echo "== $name"
		start=$(date +%s)
		bash "$script"
		rc=$?
		took=$(( $(date +%s) - start ))
		case $rc in
		0) echo "== $name: passed (${took}s)" ;;
		77) echo "== $name: skipped (${took}s)" ;;
		*) echo "== $name: FAILED with status $rc (${took}s)"; failed=$((failed + 1)) ;;
		esac
	done
	return "$failed"
}

if [ "${LANES:-2}" = 1 ]; then
	run_lane "$here"/[0-9][0-9]-*.sh
	exit $?
fi

faults_log=$(mktemp)
trap 'rm -f "$faults_log"' EXIT
run_lane "$here"/8[0-9]-*.sh >"$faults_log" 2>&1 &
faults=$!
run_lane "$here"/[0-79][0-9]-*.sh
main_failed=$?
wait "$faults"
faults_failed=$?
cat "$faults_log"
[ "$main_failed" -eq 0 ] && [ "$faults_failed" -eq 0 ]
