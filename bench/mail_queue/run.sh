#!/bin/bash
# bench/mail_queue/run.sh BUILDDIR [SIZES] [ROUNDS]
# FILL=smtp bench/mail_queue/run.sh BUILDDIR [SIZES] [ROUNDS]
#
# check_mail_queue (its default: every arrival record read, exact) side
# by side, in one run on the same machine and the same queue, with
# monitoring-plugins' check_mailq -M postfix, postqueue -j, and the plain
# way to read every queue file: a C loop (plainread.c, built here) that
# opens each file, reads its first block and closes it, one after the
# other. Against a Postfix queue of each size in SIZES (default "10000
# 100000 300000") deferred messages, ROUNDS times each in turn (default
# 5), warm cache (one untimed pass first) and cold (echo 3 >
# /proc/sys/vm/drop_caches before every cold run of every program); the
# figures are medians, with the largest max RSS (/usr/bin/time -v) of the
# rounds, and the ratios are those of the medians of this one run.
#
# The queue is made of real queue files: a Postfix of the benchmark's own
# defers three messages, make-queue.py clones them over the hash
# directories with their own arrival times and long queue IDs, and the
# instance is started again without qmgr (so nothing moves the files
# while they are measured; showq still answers mailq and postqueue).
# With FILL=smtp the queue is instead made by Postfix itself, SIZE
# messages over one SMTP session (smtp-fill.py; ~1000 a second), with the
# default short queue IDs.
# Every answer is checked: the counts must equal SIZE and the oldest
# arrival must be the one postqueue -j reports (and, for clones, the one
# make-queue.py wrote).
#
# Needs root, Postfix, monitoring-plugins-standard (check_mailq), python3,
# a C compiler. Postfix on 127.0.0.1:11145; the queue lives under /tmp
# (about 4 KiB of disk per message). Dropping the page cache slows
# everything else on the machine for a moment.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: run.sh BUILDDIR [SIZES] [ROUNDS]}" && pwd)
sizes=${2:-"10000 100000 300000"}
rounds=${3:-5}
plugin="$build/plugins/check_mail_queue"
check_mailq=/usr/lib/nagios/plugins/check_mailq
PORT=11145

. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/postfix.sh"

for need in "$plugin" "$check_mailq" /usr/bin/time; do
	[ -x "$need" ] || { echo "run.sh: $need is missing" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "run.sh: needs root (a Postfix instance, drop_caches)" >&2; exit 1; }

peers_workdir mailq-bench
trap peers_cleanup EXIT
plainread=$PEERS_DIR/plainread
${CC:-cc} -O2 -o "$plainread" "$here/plainread.c" ||
	{ echo "run.sh: cannot build plainread.c" >&2; exit 1; }
pf=$PEERS_DIR/pf
export MAIL_CONFIG=$pf/etc	# for mailq, which check_mailq runs

fill=${FILL:-clone}
long_ids=yes
[ "$fill" = smtp ] && long_ids=no
postfix_setup "$pf" $PORT "queue_run_delay = 1h" "minimal_backoff_time = 1h" \
	"maximal_backoff_time = 2h" "enable_long_queue_ids = $long_ids" \
	"smtpd_client_connection_rate_limit = 0" "smtpd_client_message_rate_limit = 0" \
	"qmgr_message_active_limit = 200000" >/dev/null ||
	{ echo "run.sh: postfix_setup failed" >&2; exit 1; }

# measure NAME COMMAND...: one timed run; appends "ms rss_kb" to $PEERS_DIR/NAME.times
# and leaves the output in $PEERS_DIR/NAME.out
measure() {
	_name=$1
	shift
	_start=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$PEERS_DIR/$_name.rss" "$@" >"$PEERS_DIR/$_name.out" 2>&1
	_end=$(date +%s%N)
	echo "$(( (_end - _start) / 1000 )) $(tail -n 1 "$PEERS_DIR/$_name.rss")" >>"$PEERS_DIR/$_name.times"
	echo $((_end / 1000000000)) >"$PEERS_DIR/$_name.when"	# the age printed was this old then
}

# measure_cold NAME COMMAND...: the same after the page cache is dropped
measure_cold() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	measure "$@"
}

# median_ms NAME / max_rss NAME
median_ms() {
	awk '{ print $1 }' "$PEERS_DIR/$1.times" | sort -n |
		awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f", m / 1e6 }'
}
max_rss() {
	awk '$2 > m { m = $2 } END { printf "%.1f", m / 1024 }' "$PEERS_DIR/$1.times"
}

fail=0
check() {	# WHAT OK-CONDITION-EXIT-STATUS
	if [ "$2" -eq 0 ]; then echo "  ok: $1"; else echo "  FAIL: $1"; fail=1; fi
}

# three real messages, deferred, as templates
postfix_start "$pf" >/dev/null || { echo "run.sh: Postfix did not start" >&2; exit 1; }
for rcpts in "a@remote.example" "b@remote.example c@other.example" "d@third.example"; do
	printf 'Subject: bench\n\nmail that cannot leave\n' |
		sendmail -C "$pf/etc" -f bench@mailstatus.test $rcpts
done
for _i in $(seq 100); do
	[ "$(find "$pf/spool/deferred" -type f | wc -l)" -ge 3 ] && break
	sleep 0.1
done
postfix -c "$pf/etc" stop >/dev/null 2>&1
stop_pid "$(cat "$pf/start-fg.pid")" 10
mkdir "$PEERS_DIR/templates"
find "$pf/spool/deferred" -type f -exec mv {} "$PEERS_DIR/templates/" \;
[ "$(ls "$PEERS_DIR/templates" | wc -l)" -eq 3 ] || { echo "run.sh: no template queue files" >&2; exit 1; }
# no qmgr from now on: nothing moves the files while they are measured
# (showq still answers mailq and postqueue)
postconf -c "$pf/etc" -MX qmgr/unix qmgr/fifo 2>/dev/null

# fill_smtp SIZE: Postfix queues SIZE messages itself; qmgr defers them
fill_smtp() {
	postconf -c "$pf/etc" -M qmgr/unix="qmgr unix n - n 300 1 qmgr"
	postfix_start "$pf" >/dev/null || { echo "run.sh: Postfix did not start" >&2; exit 1; }
	python3 "$here/smtp-fill.py" $PORT "$1" || { echo "run.sh: smtp-fill.py failed" >&2; exit 1; }
	for _i in $(seq 600); do
		[ "$(find "$pf/spool/deferred" -type f | wc -l)" -ge "$1" ] && break
		sleep 1
	done
	postfix -c "$pf/etc" stop >/dev/null 2>&1
	stop_pid "$(cat "$pf/start-fg.pid")" 10
	postconf -c "$pf/etc" -MX qmgr/unix qmgr/fifo 2>/dev/null
}

for size in $sizes; do
	find "$pf/spool/deferred" -mindepth 1 -delete
	echo "== $size deferred messages ($fill)"
	if [ "$fill" = smtp ]; then
		fill_smtp "$size"
		earliest=
	else
		earliest=$(python3 "$here/make-queue.py" "$PEERS_DIR/templates" "$pf/spool" "$size") ||
			{ echo "run.sh: make-queue.py failed" >&2; exit 1; }
	fi
	postfix -c "$pf/etc" start-fg >"$pf/postfix.out" 2>&1 &
	echo $! >"$pf/start-fg.pid"
	wait_port 127.0.0.1 $PORT || { echo "run.sh: Postfix did not start" >&2; exit 1; }
	rm -f "$PEERS_DIR"/*.times
	programs="mq plain check_mailq postqueue_j"
	run_program() {	# MEASURE NAME
		case $2 in
		mq) $1 "$2$3" "$plugin" --config-dir="$pf/etc" -t 120 ;;
		plain) $1 "$2$3" "$plainread" "$pf/spool" ;;
		check_mailq) $1 "$2$3" "$check_mailq" -M postfix -w 1000000 -c 2000000 -t 120 ;;
		postqueue_j) $1 "$2$3" postqueue -c "$pf/etc" -j ;;
		esac
	}
	for name in $programs; do run_program measure "$name" _untimed; done	# warm cache
	for ((r = 0; r < rounds; r++)); do
		for name in $programs; do run_program measure "$name" _warm; done
	done
	for ((r = 0; r < rounds; r++)); do
		for name in $programs; do run_program measure_cold "$name" _cold; done
	done

	# every answer is exact
	pq_oldest=$(python3 -c '
import json, sys
print(min(json.loads(l)["arrival_time"] for l in open(sys.argv[1])))' "$PEERS_DIR/postqueue_j_cold.out")
	pq_count=$(wc -l <"$PEERS_DIR/postqueue_j_cold.out")
	check "postqueue -j: $pq_count messages, oldest $pq_oldest (written: ${earliest:-by Postfix})" \
		$([ "$pq_count" = "$size" ] && [ "$pq_oldest" = "${earliest:-$pq_oldest}" ]; echo $?)
	earliest=$pq_oldest
	check "plain read loop: $(cat "$PEERS_DIR/plain_cold.out") files read" \
		$([ "$(cat "$PEERS_DIR/plain_cold.out")" = "$size" ]; echo $?)
	# the timed runs print the age; -v (not timed: it adds postqueue -j
	# for the deferral reasons) prints the arrival second and the reader
	for mode in warm cold; do
		now=$(cat "$PEERS_DIR/mq_$mode.when")
		age=$(sed -n 's/.* oldest_age=\([0-9]*\)s;.*/\1/p' "$PEERS_DIR/mq_$mode.out" | head -n 1)
		total=$(sed -n 's/.*| total=\([0-9]*\);.*/\1/p' "$PEERS_DIR/mq_$mode.out")
		check "check_mail_queue ($mode): total $total, oldest age $age s" \
			$([ "$total" = "$size" ] && [ $((now - earliest - age)) -ge 0 ] &&
			  [ $((now - earliest - age)) -le 120 ]; echo $?)
	done
	out=$("$plugin" --config-dir="$pf/etc" -v -t 120)
	oldest=$(printf '%s\n' "$out" | sed -n 's/^deferred: .*(arrived \([0-9]*\)).*/\1/p')
	check "check_mail_queue -v: oldest arrival $oldest" $([ "$oldest" = "$earliest" ]; echo $?)
	printf '%s\n' "$out" | grep -m1 '^read from' | sed 's/^/    /'
	cm=$(head -n 1 "$PEERS_DIR/check_mailq_cold.out")
	check "check_mailq: $cm" $(printf '%s\n' "$cm" | grep -q "mailq is $size\b\|$size messages\|unsent=$size" ; echo $?)

	printf '  %-42s %12s %12s %11s\n' "program ($rounds rounds, medians)" "warm s" "cold s" "max RSS MB"
	for name in $programs; do
		case $name in
		mq) label="check_mail_queue (exact, default)" ;;
		plain) label="plain read loop (plainread.c)" ;;
		check_mailq) label="check_mailq -M postfix" ;;
		postqueue_j) label="postqueue -j" ;;
		esac
		cat "$PEERS_DIR/${name}_warm.times" "$PEERS_DIR/${name}_cold.times" >"$PEERS_DIR/$name.times"
		printf '  %-42s %12s %12s %11s\n' "$label" "$(median_ms "${name}_warm")" \
			"$(median_ms "${name}_cold")" "$(max_rss "$name")"
	done
	ratio() { awk -v a="$(median_ms "$1")" -v b="$(median_ms "$2")" 'BEGIN { printf "%.2f", a / b }'; }
	echo "  check_mail_queue / plain loop: warm $(ratio mq_warm plain_warm)x, cold $(ratio mq_cold plain_cold)x"
	echo "  check_mail_queue / check_mailq: warm $(ratio mq_warm check_mailq_warm)x, cold $(ratio mq_cold check_mailq_cold)x"
	postfix -c "$pf/etc" stop >/dev/null 2>&1
	stop_pid "$(cat "$pf/start-fg.pid")" 10
done
exit $fail
