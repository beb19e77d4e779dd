#!/bin/bash
# bench/publisher/run.sh [BUILDDIR] [WORKDIR]: how long a full
# `mailstatus-publish run` takes on a generated status.dat of 100,000
# services with 50 clusters, as a ratio to `wc -l` on the same file in the
# same run, and its max RSS; then the same config on a 10,000-service file,
# to show memory does not grow with services no cluster names.
#
# The generated data goes to WORKDIR (default build/bench-publisher).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$top/build/publisher}" && pwd)
work=${2:-$top/build/bench-publisher}
publish="$build/mailstatus-publish"
runs=5

[ -x "$publish" ] || { echo "no $publish: build first" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }

now_ns() { date +%s%N; }

# best of $runs wall-clock times of a command, in ms
best_ms() {
	best=
	for _ in $(seq "$runs"); do
		t0=$(now_ns)
		"$@" >/dev/null 2>&1
		t1=$(now_ns)
		ms=$(( (t1 - t0) / 1000000 ))
		if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
	done
	echo "$best"
}

max_rss_kb() {
	/usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1
}

bench() {	# SERVICES
	dir=$work/s$1
	mkdir -p "$dir"
	if [ ! -s "$dir/status.dat" ]; then
		python3 "$here/gen-status.py" "$dir" "$1" 50
	fi
	rm -rf "$dir/www" "$dir/publish.db"*
	size=$(du -m "$dir/status.dat" | cut -f1)
	cat "$dir/status.dat" >/dev/null	# both read from the page cache
	first=$(best_ms_once "$dir")
	wc_ms=$(best_ms wc -l "$dir/status.dat")
	run_ms=$(best_ms "$publish" -c "$dir/publish.conf" run)
	rss=$(max_rss_kb "$publish" -c "$dir/publish.conf" run)
	posts=$("$publish" -c "$dir/publish.conf" list | sed -n '/^Posts:/,$p' | grep -c '^  [0-9]' || true)
	printf '%7d services, %4d MB: wc -l %4d ms; first run %4d ms; run %4d ms = %5.1f x wc -l; max RSS %6d KB (%d posts)\n' \
		"$1" "$size" "$wc_ms" "$first" "$run_ms" "$(echo "$run_ms / ($wc_ms + 0.0001)" | bc -l)" "$rss" "$posts"
}

# the first run publishes (creates the store and the posts): timed once
best_ms_once() {
	t0=$(now_ns)
	"$publish" -c "$1/publish.conf" run >/dev/null 2>&1 || true
	echo $(( ($(now_ns) - t0) / 1000000 ))
}

bench 100000
bench 10000
