#!/bin/sh
# The deadline, seen from outside: a plugin built on lib/ that sleeps,
# waits for a child, or waits for a probe stuck forever, past -t 1, exits 2
# (CRITICAL: what it watches did not answer in time; -t N:STATE chooses
# another state) with "timed out after 1s while <step>" in under 1.5 s, and
# leaves no child program running.
set -u
plugin="$top_builddir/tests/check_selftest"
failures=0

now_ms() { date +%s%3N; }

# deadline NAME EXPECT-CODE REGEX ARGS...
deadline() {
	name=$1 code=$2 regex=$3
	shift 3
	start=$(now_ms)
	out=$("$plugin" "$@")
	rc=$?
	took=$(( $(now_ms) - start ))
	if [ "$rc" -ne "$code" ] || ! printf '%s\n' "$out" | grep -Eq -- "$regex" || [ "$took" -ge 1500 ]; then
		echo "FAIL: $name: exit $rc (want $code) after ${took} ms: $out"
		failures=$((failures + 1))
	else
		echo "ok: $name: exit $rc after ${took} ms: $out"
	fi
}

deadline "sleep in the plugin" 2 '^SELFTEST CRITICAL - timed out after 1s while sleeping for 5s$' -t 1 --sleep=5
deadline "child program" 2 "^SELFTEST CRITICAL - timed out after 1s while waiting for the child 'sleep 30'$" -t 1 --child-sleep=30
deadline "stuck probe" 2 '^SELFTEST CRITICAL - timed out after 1s while waiting for a probe that never answers$' -t 1 --probe-hang
deadline "timeout state unknown" 3 '^SELFTEST UNKNOWN - timed out after 1s while sleeping' -t 1:UNKNOWN --sleep=5
deadline "timeout state warning" 1 '^SELFTEST WARNING - timed out after 1s while sleeping' -t 1:warning --sleep=5
deadline "fractional timeout" 2 'timed out after 0.5s while sleeping' -t 0.5 --sleep=5

# the killed child program must not survive its plugin
sleep 0.2
if pgrep -f '^sleep 30$' >/dev/null 2>&1; then
	echo "FAIL: 'sleep 30' survived the plugin's deadline"
	failures=$((failures + 1))
	pkill -f '^sleep 30$'
else
	echo "ok: no child program left behind"
fi

[ "$failures" -eq 0 ]
