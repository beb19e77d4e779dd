#!/bin/sh
# run.sh BUILDDIR SECONDS JOBS TARGET...: fuzzes each target (built with
# --enable-fuzzing) for SECONDS, JOBS at a time, starting from its seed
# corpus and regressions (read only; new inputs go to a work directory).
# Fails when any target reports a crash, a leak, a timeout, an
# out-of-memory or a sanitizer error; the input is kept in
# BUILDDIR/fuzz-work/NAME-crash-* to be added to tests/fuzz/regressions/NAME/.
# Prints, per target, the inputs tried and the coverage reached.
set -u
here=$(cd "$(dirname "$0")" && pwd)
builddir=$1 seconds=$2 jobs=$3
shift 3
work=$builddir/fuzz-work
rm -rf "$work"
mkdir -p "$work"

one() {
	target=$1
	name=${target##*/fuzz_}
	mkdir -p "$work/$name"
	set -- "$work/$name" "$here/corpus/$name"
	[ -d "$here/regressions/$name" ] && set -- "$@" "$here/regressions/$name"
	# -rss_limit_mb: a parser that needs more than 1 GB for any input is a
	# bug; -timeout: so is one that takes 10 s; leaks count as crashes.
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$builddir/$target" -max_total_time="$seconds" -timeout=10 \
		-rss_limit_mb=1024 -max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$work/$name-" "$@" >"$work/$name.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$work/$name.log" | tail -n 1 | cut -d' ' -f2)
	if [ "$rc" -eq 0 ]; then
		echo "ok: fuzz_$name: ${runs:-0} inputs in ${seconds}s, ${cov:-0} edges covered, no crash, leak or sanitizer report"
	else
		echo "FAIL: fuzz_$name exited $rc after ${runs:-?} inputs (log: $work/$name.log)"
		grep -E 'ERROR|SUMMARY|==[0-9]+==|runtime error|Test unit written' "$work/$name.log" | head -n 20
	fi
	return $rc
}

failed=0
# JOBS at a time: each libFuzzer process uses one core.
running=0
pids=
for target in "$@"; do
	one "$target" &
	pids="$pids $!"
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		for pid in $pids; do wait "$pid" || failed=$((failed + 1)); done
		pids= running=0
	fi
done
for pid in $pids; do wait "$pid" || failed=$((failed + 1)); done
echo "fuzz: $# targets, $failed failed"
[ "$failed" -eq 0 ]
