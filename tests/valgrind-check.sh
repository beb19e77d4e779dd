#!/bin/sh
# valgrind-check.sh: `make check-valgrind`. Runs what `make check` runs
# under valgrind memcheck and fails on any memcheck error or definite leak.
#
# usage: valgrind-check.sh TEST...   (the TESTS of the Makefile)
#   tests/unit/NAME          a check runner, under valgrind; check forks each
#                            test, and a fork stays under valgrind (an exec
#                            does not: the programs a test runs are native)
#   tests/plugin-contract.test   the contract script, with check_selftest
#                            under valgrind (through a wrapper)
#   tests/fuzz/replay.test   each of $FUZZ_TARGETS on its corpus and
#                            regression inputs (the plain replay driver)
#   anything else            not run under valgrind (said so): it runs nothing of ours
#                            in-process
# env: top_builddir, top_srcdir (as under make check), FUZZ_TARGETS,
#      VALGRIND (the program), VALGRIND_SUPP (suppressions file),
#      VALGRIND_LOGS (where the logs go), CK_TIMEOUT_MULTIPLIER,
#      CK_EXCLUDE_TAGS (tests the valgrind run leaves out, see valgrind.am)
#
# Every process writes its own log, VALGRIND_LOGS/NAME/vg.PID.log; the
# verdict counts the errors and definitely lost bytes of all of them, so an
# error in a test's helper child whose exit status nobody reads still fails.
set -u
: "${top_builddir:?}" "${top_srcdir:?}"
VALGRIND=${VALGRIND:-valgrind}
VALGRIND_SUPP=${VALGRIND_SUPP:-$top_srcdir/tests/valgrind.supp}
VALGRIND_LOGS=${VALGRIND_LOGS:-$top_builddir/valgrind-logs}
# memcheck runs code 20-50 times slower: scale every check timeout
CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-10}
export top_builddir top_srcdir CK_TIMEOUT_MULTIPLIER
if [ -n "${CK_EXCLUDE_TAGS:-}" ]; then
	export CK_EXCLUDE_TAGS
	echo "leaving out the tests tagged: $CK_EXCLUDE_TAGS"
fi

if ! command -v "$VALGRIND" >/dev/null 2>&1; then
	echo "FAIL: $VALGRIND not found (Debian: apt-get install valgrind)"
	exit 1
fi

failed=0
total_tests=0
total_errors=0
total_lost=0

# vg LOGDIR PROGRAM ARGS...: PROGRAM under memcheck, one log per process.
vg() {
	logdir=$1
	shift
	"$VALGRIND" --tool=memcheck --error-exitcode=99 \
		--leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite --track-fds=no --trace-children=no \
		--num-callers=30 --suppressions="$VALGRIND_SUPP" \
		--log-file="$logdir/vg.%p.log" "$@"
}

# count_errors LOG...: the memcheck errors the logs report. An error is a
# headline followed by its stack; leak records and a process's
# "terminating with signal" note have stacks too and are not errors. (The
# ERROR SUMMARY line is no use: a child inherits its parent's count.)
count_errors() {
	awk '
		FNR == 1 { head = "" }
		/^==[0-9]+==    (at|by) 0x/ && head != "" {
			if (head !~ /are (definitely|indirectly|possibly) lost|Process terminating/)
				n++
		}
		{ head = ($0 ~ /^==[0-9]+== [^ ]/) ? $0 : "" }
		END { print n + 0 }' "$@" </dev/null
}

# count_lost LOG...: definitely lost bytes, summed over the processes.
count_lost() {
	awk '
		/definitely lost: / { sub(/.*definitely lost: /, ""); gsub(/,/, ""); n += $1 }
		END { print n + 0 }' "$@" </dev/null
}

# show_reports LOGDIR: the logs that hold an error, a leak record or a
# process killed by a signal (a crash, an abort).
show_reports() {
	for log in "$1"/vg.*.log; do
		if [ "$(count_errors "$log")" -ne 0 ] || [ "$(count_lost "$log")" -ne 0 ] ||
		   grep -q 'Process terminating with default action' "$log"; then
			echo "--- $log"
			grep -v -e 'Copyright' -e 'Using Valgrind' -e '^==[0-9]*== *$' "$log" |
				head -n 80
		fi
	done
}

# verdict NAME LOGDIR STATUS COUNT WHAT SECONDS: one line per runner.
verdict() {
	name=$1 logdir=$2 status=$3 tests=$4 what=$5 secs=$6
	set -- "$logdir"/vg.*.log
	procs=$#
	if [ ! -f "$1" ]; then	# valgrind never started
		set -- /dev/null
		procs=0 status=98
	fi
	errors=$(count_errors "$@")
	lost=$(count_lost "$@")
	line="$name: $tests $what, $errors errors, $lost bytes definitely lost ($procs processes, ${secs}s)"
	bad=0
	if [ "$status" -eq 0 ] && [ "$errors" -eq 0 ] && [ "$lost" -eq 0 ]; then
		echo "ok: $line"
	else
		echo "FAIL: $line, exit $status (logs: $logdir)"
		tail -n 40 "$logdir/output"
		show_reports "$logdir"
		bad=1
	fi
	# the totals are summed from these once every job has ended
	echo "$tests $errors $lost $bad" >"$logdir/verdict"
}

fresh_logdir() {
	rm -rf "${VALGRIND_LOGS:?}/${1:?}"
	mkdir -p "$VALGRIND_LOGS/$1" && echo "$VALGRIND_LOGS/$1"
}

run_check_runner() {
	name=${1##*/}
	logdir=$(fresh_logdir "$name") || exit 99
	start=$(date +%s)
	vg "$logdir" "$top_builddir/$1" >"$logdir/output" 2>&1
	status=$?
	# check's summary: "100%: Checks: 71, Failures: 0, Errors: 0"
	tests=$(sed -n 's/^[0-9]*%: Checks: \([0-9]*\),.*/\1/p' "$logdir/output" | tail -n 1)
	verdict "$name" "$logdir" "$status" "${tests:-0}" tests $(($(date +%s) - start))
}

# The contract script runs $top_builddir/tests/check_selftest: give it a
# build directory whose check_selftest is the real one under valgrind.
run_plugin_contract() {
	logdir=$(fresh_logdir plugin-contract) || exit 99
	mkdir -p "$logdir/build/tests"
	wrapper=$logdir/build/tests/check_selftest
	{
		echo '#!/bin/sh'
		printf 'exec "%s" --tool=memcheck --error-exitcode=99 ' "$VALGRIND"
		printf -- '--leak-check=full --errors-for-leak-kinds=definite '
		printf -- '--show-leak-kinds=definite --track-fds=no --trace-children=no '
		printf -- '--num-callers=30 --suppressions="%s" ' "$VALGRIND_SUPP"
		printf -- '--log-file="%s/vg.%%p.log" "%s/tests/check_selftest" "$@"\n' \
			"$logdir" "$top_builddir"
	} >"$wrapper"
	chmod +x "$wrapper"
	start=$(date +%s)
	top_builddir=$logdir/build "$SHELL_FOR_TESTS" "$top_srcdir/$1" \
		>"$logdir/output" 2>&1
	status=$?
	tests=$(grep -c '^ok: ' "$logdir/output")
	verdict check_selftest "$logdir" "$status" "$tests" checks $(($(date +%s) - start))
}

run_fuzz_target() {
	target=$1
	name=${target##*/}
	logdir=$(fresh_logdir "$name") || exit 99
	set -- "$top_srcdir/tests/fuzz/corpus/${name#fuzz_}"
	regressions=$top_srcdir/tests/fuzz/regressions/${name#fuzz_}
	[ -d "$regressions" ] && set -- "$@" "$regressions"
	inputs=$(find -L "$@" -type f | wc -l)
	start=$(date +%s)
	vg "$logdir" "$top_builddir/$target" -runs=0 "$@" >"$logdir/output" 2>&1
	verdict "$name" "$logdir" $? "$inputs" inputs $(($(date +%s) - start))
}

SHELL_FOR_TESTS=${SHELL_FOR_TESTS:-/bin/sh}
# VALGRIND_JOBS (default: the number of cores, at most 4) runners at a
# time: memcheck keeps one core busy per process, and the runners are
# independent. Each job's report is printed whole when it ends.
jobs=${VALGRIND_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
[ "$jobs" -le 4 ] || jobs=4
rm -rf "${VALGRIND_LOGS:?}"	# no verdict of an earlier run may count
mkdir -p "$VALGRIND_LOGS"
reports=$(mktemp -d "$VALGRIND_LOGS/.reports.XXXXXX") || exit 99
njob=0
running=0

# job COMMAND...: runs COMMAND in the background, its report kept until it
# ends; waits for the oldest jobs while $jobs are running.
job() {
	njob=$((njob + 1))
	{ "$@" >"$reports/$njob.out" 2>&1; cat "$reports/$njob.out"; } &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
}

begin=$(date +%s)
for t in "$@"; do
	case $t in
	tests/unit/*) job run_check_runner "$t" ;;
	tests/plugin-contract.test) job run_plugin_contract "$t" ;;
	tests/fuzz/replay.test)
		for target in ${FUZZ_TARGETS:-}; do job run_fuzz_target "$target"; done ;;
	*) echo "not under valgrind: $t (a script; make check runs it)" ;;
	esac
done
wait
rm -rf "$reports"
runs=0
for v in "$VALGRIND_LOGS"/*/verdict; do
	[ -f "$v" ] || continue
	read -r t e l b <"$v"
	total_tests=$((total_tests + t))
	total_errors=$((total_errors + e))
	total_lost=$((total_lost + l))
	failed=$((failed + b))
	runs=$((runs + 1))
done
# a job that died before its verdict is a failure too
[ "$runs" -eq "$njob" ] || failed=$((failed + njob - runs))
echo "check-valgrind: $total_tests tests and inputs, $total_errors errors," \
	"$total_lost bytes definitely lost, $failed failed, $(($(date +%s) - begin))s" \
	"($jobs at a time)"
[ "$failed" -eq 0 ]
