#!/bin/bash
# bench/publisher/run.sh [BUILDDIR] [WORKDIR]: the publisher's bounds, each
# a median of $runs runs with its ratio to a reference measured in the
# same run, and max RSS (GNU time's, as /usr/bin/time -v says it).
#
#  run:     a full `mailstatus-publish run` on a generated status.dat of
#           100,000 services with 50 clusters, against `wc -l` on the same
#           file; then the same config on a 10,000-service file, to show
#           memory does not grow with services no cluster names.
#  history: the same run with 90 days of recorded history (imported from 90
#           days of logs in which every member fails once a day), against
#           the same run with none. BEFORE=path/to/mailstatus-publish adds
#           the run of another build (one without the history) on the same
#           files, for a ratio to it.
#  metric:  the same run with a response-time strip on each of the 150
#           components, each with a full week of samples (one a minute),
#           against the run without the strips.
#  import:  `import-history --no-render` of 7 daily logs of the 100,000
#           services into a new store, against `grep -c ALERT` on the same
#           files; the same files again; the import with the first render
#           of the whole site it ends with.
#  year:    `import-history` of 365 daily logs, time and max RSS, against
#           the 7 days' max RSS (bounded memory: they should be alike).
#
# The generated data goes to WORKDIR (default build/bench-publisher): about
# 5 GB of logs, made once (gen-log.py, a few minutes).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$top/build/publisher}" && pwd)
work=${2:-$top/build/bench-publisher}
mkdir -p "$work"
work=$(cd "$work" && pwd)	# the stores' directories link to its files
publish="$build/mailstatus-publish"
runs=5

[ -x "$publish" ] || { echo "no $publish: build first" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }

now_ns() { date +%s%N; }

# the wall-clock time of one run of a command, in ms
once_ms() {
	t0=$(now_ns)
	"$@" >/dev/null 2>&1 || true
	echo $(( ($(now_ns) - t0) / 1000000 ))
}

# the median of the numbers on stdin
median() {
	sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# median of $runs wall-clock times of a command, in ms
median_ms() {
	for _ in $(seq "$runs"); do once_ms "$@"; done | median
}

max_rss_kb() {
	/usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1
}

ratio() {	# A B: A / B to one decimal
	echo "$1 / ($2 + 0.0001)" | bc -l | xargs printf '%.1f'
}

# a copy of the generated config in DIR, its store and site its own; its
# response-time strips only when asked (a build from before them refuses
# the key, and the other sections compare with such a build)
setup_dir() {	# DIR SERVICES [with-metric]
	mkdir -p "$1"
	rm -rf "$1/www" "$1/publish.db"*
	if [ "${3:-}" = with-metric ]; then
		cp "$work/s$2/publish.conf" "$1/publish.conf"
	else
		grep -v '^metric = ' "$work/s$2/publish.conf" >"$1/publish.conf"
	fi
	ln -sf "$work/s$2/status.dat" "$1/status.dat"
}

generate_status() {	# SERVICES
	mkdir -p "$work/s$1"
	# (again when made before the config had response-time strips)
	if [ ! -s "$work/s$1/status.dat" ] || ! grep -q '^metric = ' "$work/s$1/publish.conf"; then
		python3 "$here/gen-status.py" "$work/s$1" "$1" 50
	fi
}

generate_logs() {	# DAYS [CONF]: into $work/logDAYS
	if [ ! -s "$work/log$1/nagios.log" ]; then
		python3 "$here/gen-log.py" "$work/log$1" 100000 "$@"
	fi
}

logs_of() {	# DAYS: the files, oldest first (nagios-MM-DD-YYYY-00.log)
	ls "$work/log$1/archives/" | sort -t- -k4,4n -k2,2n -k3,3n | sed "s|^|$work/log$1/archives/|"
	echo "$work/log$1/nagios.log"
}

# --- run: the whole site from a status.dat ---------------------------------
bench_run() {	# SERVICES
	generate_status "$1"
	dir=$work/s$1
	rm -rf "$dir/www" "$dir/publish.db"*
	size=$(du -m "$dir/status.dat" | cut -f1)
	cat "$dir/status.dat" >/dev/null	# both read from the page cache
	first=$(once_ms "$publish" -c "$dir/publish.conf" run)
	wc_ms=$(median_ms wc -l "$dir/status.dat")
	run_ms=$(median_ms "$publish" -c "$dir/publish.conf" run)
	rss=$(max_rss_kb "$publish" -c "$dir/publish.conf" run)
	posts=$("$publish" -c "$dir/publish.conf" list | sed -n '/^Posts:/,$p' | grep -c '^  [0-9]' || true)
	printf 'run: %7d services, %4d MB: wc -l %4d ms; first run %4d ms; run %4d ms = %5.1f x wc -l; max RSS %6d KB (%d posts)\n' \
		"$1" "$size" "$wc_ms" "$first" "$run_ms" "$(ratio "$run_ms" "$wc_ms")" "$rss" "$posts"
}

# --- history: a run with 90 days recorded ------------------------------------
created=1795610145	# gen-status.py's status.dat

bench_history() {
	generate_status 100000
	generate_logs 90 "$work/s100000/publish.conf"
	setup_dir "$work/h90" 100000
	setup_dir "$work/h0" 100000
	mapfile -t files < <(logs_of 90)
	import_ms=$(once_ms "$publish" -c "$work/h90/publish.conf" import-history \
		--now "@$created" "${files[@]}")
	rows=$(sqlite3 "$work/h90/publish.db" 'SELECT count(*) FROM history' 2>/dev/null || echo '?')
	progs=("$publish" "$publish")
	dirs=("$work/h90" "$work/h0")
	if [ -n "${BEFORE:-}" ]; then
		setup_dir "$work/hb" 100000
		progs+=("$BEFORE")
		dirs+=("$work/hb")
	fi
	rm -f "$work"/times.*
	# the first run of each publishes; the timed ones follow it, a minute
	# apart, taking turns (the machine may be shared)
	for i in $(seq 0 "$runs"); do
		for k in "${!dirs[@]}"; do
			ms=$(once_ms "${progs[$k]}" -c "${dirs[$k]}/publish.conf" run \
				--now "@$((created + 60 * (i + 1)))")
			[ "$i" -eq 0 ] || echo "$ms" >>"$work/times.$k"
		done
	done
	for k in "${!dirs[@]}"; do
		med[$k]=$(median <"$work/times.$k")
		rm -f "$work/times.$k"
		rss_of[$k]=$(max_rss_kb "${progs[$k]}" -c "${dirs[$k]}/publish.conf" run \
			--now "@$((created + 3600))")
	done
	printf 'history: 90 days imported (%s intervals) in %d ms; run with them %4d ms, RSS %6d KB; without %4d ms, RSS %6d KB; = %.1f x\n' \
		"$rows" "$import_ms" "${med[0]}" "${rss_of[0]}" "${med[1]}" "${rss_of[1]}" \
		"$(ratio "${med[0]}" "${med[1]}")"
	if [ -n "${BEFORE:-}" ]; then
		printf 'history: %s (no history) %4d ms, RSS %6d KB: the run with 90 days = %.1f x it\n' \
			"$BEFORE" "${med[2]}" "${rss_of[2]}" "$(ratio "${med[0]}" "${med[2]}")"
	fi
}

# --- metric: the response-time strips at their largest --------------------------
# Every component of the generated config has a metric (gen-status.py);
# here each of the 150 holds a full week of samples, one a minute
# (1,512,000 in all, what the store keeps at most), against the same run
# with the metric lines taken out of the config. Runs a minute apart,
# taking turns, as for history.
bench_metric() {
	generate_status 100000
	setup_dir "$work/m150" 100000 with-metric
	setup_dir "$work/m0" 100000
	for d in m150 m0; do
		"$publish" -c "$work/$d/publish.conf" run --now "@$created" >/dev/null 2>&1
	done
	sqlite3 "$work/m150/publish.db" "WITH RECURSIVE m(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM m WHERE i < 10079)
		INSERT OR REPLACE INTO metric_samples (metric, minute, value)
		SELECT id, $created / 60 - i, 0.00004 + (i % 37) * 0.000001 FROM metrics, m;"
	samples=$(sqlite3 "$work/m150/publish.db" 'SELECT count(*) FROM metric_samples')
	size=$(du -m "$work/m150/publish.db" | cut -f1)
	rm -f "$work"/times.*
	for i in $(seq 0 "$runs"); do
		for d in m150 m0; do
			ms=$(once_ms "$publish" -c "$work/$d/publish.conf" run --now "@$((created + 60 * (i + 1)))")
			[ "$i" -eq 0 ] || echo "$ms" >>"$work/times.$d"
		done
	done
	with=$(median <"$work/times.m150") without=$(median <"$work/times.m0")
	rm -f "$work"/times.*
	rss_with=$(max_rss_kb "$publish" -c "$work/m150/publish.conf" run --now "@$((created + 3600))")
	rss_without=$(max_rss_kb "$publish" -c "$work/m0/publish.conf" run --now "@$((created + 3600))")
	printf 'metric: 150 strips, %s samples (store %d MB): run %4d ms, RSS %6d KB; without the strips %4d ms, RSS %6d KB; = %.1f x\n' \
		"$samples" "$size" "$with" "$rss_with" "$without" "$rss_without" "$(ratio "$with" "$without")"
}

# --- import: reading the engine's logs ---------------------------------------
import_fresh_ms() {	# DIR ARGS...: into a new store, timed without the removal
	rm -rf "$1/www" "$1/publish.db"*
	once_ms "$publish" -c "$1/publish.conf" import-history --now "@$created" "${@:2}"
}

# files[]: the logs of DAYS days, of size MB and lines; DIR a store for them
prepare_logs() {	# DAYS DIR
	generate_status 100000
	generate_logs "$1"
	setup_dir "$2" 100000
	mapfile -t files < <(logs_of "$1")
	size=$(du -cm "${files[@]}" | tail -n 1 | cut -f1)
	lines=$(cat "${files[@]}" | wc -l)	# and into the page cache
}

# The reading is timed with --no-render (the store alone); the import as
# an operator first runs it, ending with the whole site written into an
# empty output directory, is timed too.
bench_import() {
	prepare_logs 7 "$work/i7"
	grep_ms=$(median_ms grep -c ALERT "${files[@]}")
	first=$(for _ in $(seq "$runs"); do import_fresh_ms "$work/i7" --no-render "${files[@]}"; done | median)
	again=$(median_ms "$publish" -c "$work/i7/publish.conf" import-history --no-render \
		--now "@$created" "${files[@]}")
	whole=$(for _ in $(seq "$runs"); do import_fresh_ms "$work/i7" "${files[@]}"; done | median)
	rm -rf "$work/i7/www" "$work/i7/publish.db"*
	rss=$(max_rss_kb "$publish" -c "$work/i7/publish.conf" import-history --now "@$created" "${files[@]}")
	printf 'import: 7 days, %d MB, %d lines: grep -c ALERT %d ms; import-history --no-render %d ms = %.1f x grep; again %d ms = %.1f x; with the first render of the site %d ms; max RSS %d KB\n' \
		"$size" "$lines" "$grep_ms" "$first" "$(ratio "$first" "$grep_ms")" "$again" \
		"$(ratio "$again" "$grep_ms")" "$whole" "$rss"
}

bench_year() {
	prepare_logs 365 "$work/i365"
	grep_ms=$(once_ms grep -c ALERT "${files[@]}")
	rm -rf "$work/i365/www" "$work/i365/publish.db"*
	out=$(/usr/bin/time -f '%e %M' "$publish" -c "$work/i365/publish.conf" import-history \
		--no-render --now "@$created" "${files[@]}" 2>&1 >/dev/null | tail -n 1)
	again=$(once_ms "$publish" -c "$work/i365/publish.conf" import-history --no-render \
		--now "@$created" "${files[@]}")
	printf 'year: 365 days, %d MB, %d lines: grep -c ALERT %d ms; import-history --no-render %s s, max RSS %s KB; again %d ms = %.1f x grep\n' \
		"$size" "$lines" "$grep_ms" "${out% *}" "${out#* }" "$again" "$(ratio "$again" "$grep_ms")"
}

sections=${SECTIONS:-run history metric import year}
for s in $sections; do
	case $s in
	run) bench_run 100000; bench_run 10000 ;;
	history) bench_history ;;
	metric) bench_metric ;;
	import) bench_import ;;
	year) bench_year ;;
	esac
done
