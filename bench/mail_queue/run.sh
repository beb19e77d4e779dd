#!/bin/bash
# bench/mail_queue/run.sh BUILDDIR [SIZES] [ROUNDS]
# FILL=smtp bench/mail_queue/run.sh BUILDDIR [SIZES] [ROUNDS]
#
# check_mail_queue side by side with what operators run today, in one run
# on the same machine and the same queue: monitoring-plugins'
# check_mailq -M postfix, and postqueue -j, against a Postfix queue of
# each size in SIZES (default "10000 100000") deferred messages, ROUNDS
# times each in turn (default 5); the figures are medians, with the
# largest max RSS (/usr/bin/time -v) of the rounds. Warm cache: one
# untimed pass first.
#
# The queue is made of real queue files: a Postfix of the benchmark's own
# defers three messages, make-queue.py clones them over the hash
# directories with their own arrival times and long queue IDs, and the
# instance is started again without qmgr (so nothing moves the files
# while they are measured; showq still answers mailq and postqueue).
# With FILL=smtp the queue is instead made by Postfix itself, SIZE
# messages over one SMTP session (smtp-fill.py; ~1000 a second), with the
# default short queue IDs: birth times are then the hints, as on most
# production servers (enable_long_queue_ids is off by default).
# Every answer is checked: the counts must equal SIZE and the oldest
# arrival must be the one postqueue -j reports (and, for clones, the one
# make-queue.py wrote).
#
# Needs root, Postfix, monitoring-plugins-standard (check_mailq), python3.
# Postfix on 127.0.0.1:11145; the queue lives under /tmp (about 4 KiB of
# disk per message).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: run.sh BUILDDIR [SIZES] [ROUNDS]}" && pwd)
sizes=${2:-"10000 100000"}
rounds=${3:-5}
plugin="$build/plugins/check_mail_queue"
check_mailq=/usr/lib/nagios/plugins/check_mailq
PORT=11145

. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/postfix.sh"

for need in "$plugin" "$check_mailq" /usr/bin/time; do
	[ -x "$need" ] || { echo "run.sh: $need is missing" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "run.sh: needs root (a Postfix instance)" >&2; exit 1; }

peers_workdir mailq-bench
trap peers_cleanup EXIT
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
	find "$pf/spool" -type f -exec cat {} + >/dev/null	# warm cache

	rm -f "$PEERS_DIR"/*.times
	for ((r = 0; r < rounds; r++)); do
		measure mq "$plugin" --config-dir="$pf/etc" -t 60
		measure mq_read_all "$plugin" --config-dir="$pf/etc" --read-all -t 60
		measure mq_command "$plugin" --config-dir="$pf/etc" --method=command -t 60
		measure check_mailq "$check_mailq" -M postfix -w 1000000 -c 2000000 -t 60
		measure postqueue_j postqueue -c "$pf/etc" -j
		measure find sh -c "find '$pf/spool/deferred' -type f | wc -l"
	done

	# every answer is exact
	pq_oldest=$(python3 -c '
import json, sys
print(min(json.loads(l)["arrival_time"] for l in open(sys.argv[1])))' "$PEERS_DIR/postqueue_j.out")
	pq_count=$(wc -l <"$PEERS_DIR/postqueue_j.out")
	check "postqueue -j: $pq_count messages, oldest $pq_oldest (written: ${earliest:-by Postfix})" \
		$([ "$pq_count" = "$size" ] && [ "$pq_oldest" = "${earliest:-$pq_oldest}" ]; echo $?)
	earliest=$pq_oldest
	# the timed runs print the age; -vv (not timed: -v adds postqueue -j
	# for the deferral reasons) prints the arrival second itself
	for args in "" "--read-all" "--method=command"; do
		name=mq${args:+_}$(printf '%s' "${args#--}" | tr -- '-=' '__' | sed 's/method_//')
		now=$(date +%s)
		age=$(sed -n 's/.* oldest_age=\([0-9]*\)s;.*/\1/p' "$PEERS_DIR/$name.out" | head -n 1)
		out=$("$plugin" --config-dir="$pf/etc" -v $args -t 60)
		total=$(printf '%s\n' "$out" | sed -n 's/.*| total=\([0-9]*\);.*/\1/p')
		oldest=$(printf '%s\n' "$out" | sed -n 's/^deferred: .*(arrived \([0-9]*\)).*/\1/p')
		check "check_mail_queue $args: total $total, oldest arrival $oldest; timed runs: age $age s" \
			$([ "$total" = "$size" ] && [ "$oldest" = "$earliest" ] &&
			  [ $((now - earliest - age)) -ge 0 ] && [ $((now - earliest - age)) -le 60 ]; echo $?)
		[ -z "$args" ] && printf '%s\n' "$out" | grep -m1 '^arrival records read' | sed 's/^/    /'
	done
	cm=$(head -n 1 "$PEERS_DIR/check_mailq.out")
	check "check_mailq: $cm" $(printf '%s\n' "$cm" | grep -q "mailq is $size\b\|$size messages\|unsent=$size" ; echo $?)

	printf '  %-44s %10s %12s\n' "program ($rounds rounds)" "median s" "max RSS MB"
	for name in mq mq_read_all mq_command check_mailq postqueue_j find; do
		case $name in
		mq) label="check_mail_queue (spool, verified hints)" ;;
		mq_read_all) label="check_mail_queue --read-all" ;;
		mq_command) label="check_mail_queue --method=command" ;;
		check_mailq) label="check_mailq -M postfix" ;;
		postqueue_j) label="postqueue -j" ;;
		find) label="find deferred -type f | wc -l" ;;
		esac
		printf '  %-44s %10s %12s\n' "$label" "$(median_ms $name)" "$(max_rss $name)"
	done
	ratio() { awk -v a="$(median_ms "$1")" -v b="$(median_ms "$2")" 'BEGIN { printf "%.1f", b / a }'; }
	echo "  check_mailq / check_mail_queue: $(ratio mq check_mailq)x; check_mailq / --read-all: $(ratio mq_read_all check_mailq)x"
	postfix -c "$pf/etc" stop >/dev/null 2>&1
	stop_pid "$(cat "$pf/start-fg.pid")" 10
done
exit $fail
