#!/bin/bash
# check_mail_queue against a real Postfix on loopback whose mail cannot
# leave (its relayhost is a closed port): counts and arrival times are
# compared with what postqueue -j says, thresholds and exit codes, the
# unprivileged fallback to postqueue -j, maildrop, corrupt and unfinished
# files, and a stopped Postfix (never OK).
set -u
. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/postfix.sh"

plugin="$top_builddir/plugins/check_mail_queue"
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root to run a Postfix instance"; exit 77; }
command -v postfix >/dev/null || { echo "skip: Postfix is not installed"; exit 77; }
[ -x "$plugin" ] || { echo "FAIL: $plugin is not built"; exit 1; }

trap peers_cleanup EXIT
peers_workdir mailq
pf=$PEERS_DIR/pf
port=11125

# The plugin as 'nobody' sees it: a copy outside the build tree.
cp "$plugin" "$PEERS_DIR/check_mail_queue"
chmod 755 "$PEERS_DIR/check_mail_queue"
as_nobody() {
	runuser -u nobody -- "$PEERS_DIR/check_mail_queue" "$@"
}

postfix_setup "$pf" $port "queue_run_delay = 1h" "minimal_backoff_time = 1h" \
	"maximal_backoff_time = 2h" || { echo "FAIL: postfix_setup"; exit 1; }
postfix_start "$pf" || { echo "FAIL: postfix_start"; exit 1; }
mq() { "$plugin" --config-dir="$pf/etc" "$@"; }

# pq_field QUEUE FIELD: count or min arrival_time of a queue in postqueue -j
pq() {
	MAIL_CONFIG=$pf/etc postqueue -j | python3 -c '
import json, sys
queues = sys.argv[1].split(",")
ms = [json.loads(l) for l in sys.stdin if l.strip()]
ms = [m for m in ms if m["queue_name"] in queues]
if sys.argv[2] == "count":
    print(len(ms))
else:
    print(min(m["arrival_time"] for m in ms) if ms else "none")' "$1" "$2"
}

# perf OUTPUT LABEL: the value of one perfdata label
perf() {
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^'\{0,1\}$2'\{0,1\}=\([0-9.]*\).*/\1/p" | head -n 1
}

send() {
	printf 'Subject: %s\n\nqueued by the mailstatus test\n' "$1" |
		sendmail -C "$pf/etc" -f sender@mailstatus.test "${@:2}"
}

wait_queue() {	# QUEUES COUNT
	for _i in $(seq 100); do
		[ "$(pq "$1" count)" = "$2" ] && return 0
		sleep 0.1
	done
	echo "queue $1 never reached $2 messages: $(MAIL_CONFIG=$pf/etc postqueue -j)" >&2
	return 1
}

# ---- an empty queue ----
expect_plugin "empty queue" 0 '^MAIL_QUEUE OK - no messages queued \| total=0;;;0 ' mq

# ---- five messages that cannot leave, one of them put on hold ----
send first bob@remote.example
sleep 1.2
for i in 2 3 4; do send "m$i" "carol$i@other.example" dave@remote.example; done
send fifth eve@third.example
wait_queue deferred 5 || check_fail "messages did not reach the deferred queue"
held=$(MAIL_CONFIG=$pf/etc postqueue -j | python3 -c '
import json, sys
for m in map(json.loads, sys.stdin):
    if m["recipients"][0]["address"] == "eve@third.example": print(m["queue_id"])')
postsuper -c "$pf/etc" -h "$held" 2>/dev/null
wait_queue hold 1 || check_fail "postsuper -h did not hold $held"

out=$(mq -v)
rc=$?
want_oldest=$(pq deferred min)
got_oldest=$(printf '%s\n' "$out" | sed -n 's/^deferred: .*(arrived \([0-9]*\)).*/\1/p')
if [ $rc -eq 0 ] && [ "$(perf "$out" total)" = 4 ] && [ "$(perf "$out" deferred)" = 4 ] &&
	[ "$(perf "$out" hold)" = 1 ] && [ "$(perf "$out" corrupt)" = 0 ] &&
	[ "$got_oldest" = "$want_oldest" ]; then
	check_ok "spool: 4 deferred + 1 on hold, oldest arrival $got_oldest as postqueue -j says"
else
	check_fail "spool: exit $rc, want 4 deferred, 1 hold, oldest $want_oldest: $out"
fi
printf '%s\n' "$out" | grep -q '^MAIL_QUEUE OK - 4 messages queued (deferred 4), oldest [0-9]*s, 1 on hold |' &&
	check_ok "status line names the queues and the held message" ||
	check_fail "status line: $(printf '%s\n' "$out" | head -n 1)"
printf '%s\n' "$out" | grep -q '^read from the spool .*; every arrival record read (exact), with io_uring$' &&
	check_ok "-v: every arrival record read, with io_uring" ||
	check_fail "-v does not say every arrival record was read: $out"
printf '%s\n' "$out" | grep -q '^  [0-9]*  connect to 127.0.0.1\[127.0.0.1\]:1: Connection refused' &&
	check_ok "-v lists the deferral reason" || check_fail "-v without deferral reason: $out"
printf '%s\n' "$out" | grep -A3 'top recipient domains' | grep -q '^  4  remote.example$' &&
	check_ok "-v lists the top recipient domain (remote.example 4)" ||
	check_fail "-v top domains: $out"

# the same answer from every method, and from reading every record
for args in "--method=command" "--read-all" "--queues=deferred,hold"; do
	out=$(mq -v $args)
	got=$(printf '%s\n' "$out" | sed -n 's/^deferred: .*(arrived \([0-9]*\)).*/\1/p')
	want_total=4
	[ "$args" = "--queues=deferred,hold" ] && want_total=5
	if [ "$(perf "$out" total)" = $want_total ] && [ "$got" = "$want_oldest" ]; then
		check_ok "$args: total $want_total, oldest arrival $got"
	else
		check_fail "$args: want total $want_total, oldest $want_oldest: $out"
	fi
done

expect_plugin "--method=command cannot see corrupt files: U" 0 "corrupt=U;;;0 " mq --method=command

# ---- thresholds ----
expect_plugin "-w 3: WARNING" 1 '^MAIL_QUEUE WARNING - 4 messages queued .*\| total=4;3;;0 ' mq -w 3
expect_plugin "-c 3: CRITICAL" 2 '^MAIL_QUEUE CRITICAL - 4 messages queued .*total=4;5;3;0' mq -w 5 -c 3
expect_plugin "-w 10 -c 20: OK" 0 '^MAIL_QUEUE OK - 4 messages' mq -w 10 -c 20
sleep 1
expect_plugin "--age-warning=1s" 1 '^MAIL_QUEUE WARNING - 4 messages .*oldest [0-9]+s.* oldest_age=[0-9]+s;1;;0' mq --age-warning=1s
expect_plugin "--age-critical=1s" 2 '^MAIL_QUEUE CRITICAL - ' mq --age-warning=1s --age-critical=1s
expect_plugin "--age-warning=1h" 0 '^MAIL_QUEUE OK - ' mq --age-warning=1h --age-critical=4h
expect_plugin "--hold-warning=0" 1 '^MAIL_QUEUE WARNING - .*; 1 message on hold \|' mq --hold-warning=0
# the held message is named once in the first line, not ", 1 on hold; 1 message on hold"
first=$(mq --hold-warning=0 | head -n 1)
[ "$(printf '%s\n' "${first%%|*}" | grep -o 'on hold' | wc -l)" -eq 1 ] &&
	check_ok "--hold-warning=0: 'on hold' once in the first line" ||
	check_fail "--hold-warning=0: the held messages named more than once: $first"
expect_plugin "--hold-critical=0" 2 '^MAIL_QUEUE CRITICAL - .*1 message on hold' mq --hold-critical=0
expect_plugin "--domain-warning=3: remote.example has 4" 1 \
	'^MAIL_QUEUE WARNING - 4 messages .*; 4 deferred recipients at remote.example \|' mq --domain-warning=3
expect_plugin "--domain-critical=2: both domains" 2 \
	'^MAIL_QUEUE CRITICAL - .*; 4 deferred recipients at remote.example; 3 deferred recipients at other.example \|' \
	mq --domain-critical=2
expect_plugin "unknown queue name" 3 "^MAIL_QUEUE UNKNOWN - unknown queue 'bounce' in --queues" mq --queues=deferred,bounce
expect_plugin "bad range" 3 "^MAIL_QUEUE UNKNOWN - invalid range 'x' for -w" mq -w x
expect_plugin "json output" 0 '"state": *"OK"|"state":"OK"' mq --output-format=json

# ---- the Nagios user cannot read the spool: postqueue -j ----
out=$(as_nobody --config-dir="$pf/etc" -v)
rc=$?
got=$(printf '%s\n' "$out" | sed -n 's/^deferred: .*(arrived \([0-9]*\)).*/\1/p')
if [ $rc -eq 0 ] && [ "$(perf "$out" total)" = 4 ] && [ "$got" = "$want_oldest" ] &&
	printf '%s\n' "$out" | grep -q 'read from postqueue -j (the spool is not readable)'; then
	check_ok "as nobody: falls back to postqueue -j, same counts and oldest arrival"
else
	check_fail "as nobody: exit $rc: $out"
fi
expect_plugin "as nobody, --method=spool: says what to do" 3 \
	'^MAIL_QUEUE UNKNOWN - cannot read .*/spool/maildrop.*Permission denied.*cap_dac_read_search' \
	as_nobody --config-dir="$pf/etc" --method=spool

# ---- the least privilege the man page documents: cap_dac_read_search ----
if command -v setcap >/dev/null; then
	cp "$plugin" "$PEERS_DIR/check_mail_queue_cap"
	chmod 755 "$PEERS_DIR/check_mail_queue_cap"
	if setcap cap_dac_read_search+ep "$PEERS_DIR/check_mail_queue_cap" 2>/dev/null; then
		out=$(runuser -u nobody -- "$PEERS_DIR/check_mail_queue_cap" --config-dir="$pf/etc" -v)
		rc=$?
		got=$(printf '%s\n' "$out" | sed -n 's/^deferred: .*(arrived \([0-9]*\)).*/\1/p')
		if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q '^read from the spool ' &&
			[ "$(perf "$out" total)" = 4 ] && [ "$got" = "$want_oldest" ]; then
			check_ok "nobody with cap_dac_read_search reads the spool itself"
		else
			check_fail "nobody with cap_dac_read_search: exit $rc: $out"
		fi
	else
		echo "skip (kernel): setcap: this filesystem keeps no file capabilities"
	fi
fi

# ---- a file being written, a corrupt file ----
touch "$pf/spool/incoming/4kAAAA0000z1"	# no owner-execute bit: unfinished
chmod 600 "$pf/spool/incoming/4kAAAA0000z1"
expect_plugin "a file being written is not counted or corrupt" 0 \
	'^MAIL_QUEUE OK - 4 messages.*incoming=0;;;0 .*corrupt=0;;;0' mq
rm -f "$pf/spool/incoming/4kAAAA0000z1"
printf 'garbage' >"$pf/spool/corrupt/ABCDEF123"
expect_plugin "a corrupt file: WARNING" 1 '^MAIL_QUEUE WARNING - .*; 1 corrupt queue file \|.*corrupt=1;;;0' mq
rm -f "$pf/spool/corrupt/ABCDEF123"

# ---- a routine requeue of old mail (postsuper -r) while pickup is
# healthy: pickup wakes up once a minute, so the mail waits in maildrop
# until then. Its time there counts from the requeue, not from the
# message's arrival 21 minutes ago ----
# age_record FILE SECONDS: moves the arrival record of a queue file
# SECONDS back (same length; the inode, owner and mode stay); prints it
age_record() {
	python3 - "$1" "$2" <<'PY'
import sys
path, back = sys.argv[1], int(sys.argv[2])
data = bytearray(open(path, "rb").read())
pos = 0
while pos < len(data):
    rtype = data[pos]
    pos += 1
    n = shift = 0
    while True:
        c = data[pos]
        pos += 1
        n |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            break
    if rtype == ord("T"):
        sec, _, usec = data[pos:pos + n].decode().partition(" ")
        new = "%d%s" % (int(sec) - back, " " + usec if usec else "")
        assert len(new) == n
        data[pos:pos + n] = new.encode()
        with open(path, "r+b") as f:
            f.write(data)
        print(int(sec) - back)
        sys.exit(0)
    pos += n
sys.exit("no arrival record in " + path)
PY
}
old_id=$(MAIL_CONFIG=$pf/etc postqueue -j | python3 -c '
import json, sys
ms = [m for m in map(json.loads, sys.stdin) if m["queue_name"] == "deferred"]
print(min(ms, key=lambda m: m["arrival_time"])["queue_id"])')
old_arrival=$(age_record "$(find "$pf/spool/deferred" -type f -name "$old_id")" 1260)
# pickup may take the requeued mail before the plugin looks: then again
for try in 1 2 3; do
	postsuper -c "$pf/etc" -r ALL deferred 2>/dev/null
	out=$(mq -v)
	rc=$?
	out_cmd=$(mq -v --method=command)
	rc_cmd=$?
	[ "$(perf "$out" maildrop)" = 4 ] && [ "$(perf "$out_cmd" maildrop)" = 4 ] && break
	postkick -c "$pf/etc" public pickup W
	wait_queue deferred 4
done
if [ $rc -eq 0 ] && [ "$(perf "$out" maildrop)" = 4 ] &&
	printf '%s\n' "$out" | grep -q '^MAIL_QUEUE OK - 4 messages queued (maildrop 4), oldest 2[0-9]m' &&
	printf '%s\n' "$out" | grep -q "^maildrop: 4 messages, .*(arrived $old_arrival), waiting for pickup since [0-9]\{1,2\}s$"; then
	check_ok "requeued mail of 21 minutes ago: OK, waiting in maildrop for seconds (try $try): $(printf '%s\n' "$out" | head -n 1)"
else
	check_fail "requeued mail of 21 minutes ago (try $try): exit $rc: $out"
fi
if [ $rc_cmd -eq 0 ] && [ "$(perf "$out_cmd" maildrop)" = 4 ] &&
	printf '%s\n' "$out_cmd" | grep -q '^maildrop: 4 messages, .*, waiting for pickup since [0-9]\{1,2\}s$'; then
	check_ok "the same with --method=command (as root the maildrop directory is read)"
else
	check_fail "requeued mail, --method=command: exit $rc_cmd: $out_cmd"
fi
# pickup works: woken up, it takes them, and they are deferred again
# with their arrival kept
postkick -c "$pf/etc" public pickup W
wait_queue maildrop 0 && wait_queue deferred 4 &&
	check_ok "pickup took the requeued mail" || check_fail "pickup did not take the requeued mail"
out=$(mq -v)
got=$(printf '%s\n' "$out" | sed -n 's/^deferred: .*(arrived \([0-9]*\)).*/\1/p')
[ "$got" = "$old_arrival" ] && [ "$(pq deferred min)" = "$old_arrival" ] &&
	check_ok "the requeued message keeps its arrival $old_arrival (postqueue -j agrees)" ||
	check_fail "oldest arrival $got, want $old_arrival: $out"

# ---- pickup stalled: mail waits in maildrop ----
postconf -c "$pf/etc" -M# pickup/unix
postfix -c "$pf/etc" reload >/dev/null 2>&1
sleep 2
send stalled frank@remote.example
wait_queue maildrop 1 || check_fail "no maildrop file"
sleep 2
out=$(mq -v --maildrop-age-warning=1s)
rc=$?
got=$(printf '%s\n' "$out" | sed -n 's/^maildrop: .*(arrived \([0-9]*\)).*/\1/p')
if [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q '^MAIL_QUEUE WARNING - 5 messages queued (maildrop 1, deferred 4).*a message waits in maildrop for pickup since [0-9]*s' &&
	[ "$got" = "$(pq maildrop min)" ]; then
	check_ok "stalled pickup: maildrop age WARNING, arrival $got as postqueue -j says"
else
	check_fail "stalled pickup: exit $rc: $out"
fi
expect_plugin "maildrop age under the default 5m: OK" 0 '^MAIL_QUEUE OK - 5 messages' mq

# ---- a postqueue that hangs or talks nonsense: the timeout, never an OK ----
mkdir -p "$PEERS_DIR/fakebin"
printf '#!/bin/sh\nexec sleep 31.25\n' >"$PEERS_DIR/fakebin/postqueue"
chmod 755 "$PEERS_DIR/fakebin/postqueue"
start=$(date +%s%N)
expect_plugin "postqueue hangs: -t 1 names the step" 2 \
	'^MAIL_QUEUE CRITICAL - timed out after 1s while running postqueue -j$' \
	env PATH="$PEERS_DIR/fakebin:$PATH" "$plugin" --config-dir="$pf/etc" --method=command -t 1
took=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$took" -lt 1500 ] && check_ok "timed out in ${took} ms" || check_fail "timeout took ${took} ms"
sleep 0.2
pgrep -f '^sleep 31.25$' >/dev/null && check_fail "the hung postqueue survived the plugin" ||
	check_ok "no postqueue left behind"
printf '#!/bin/sh\necho "{\\"queue_name\\": \\"deferred\\""\necho garbage\n' >"$PEERS_DIR/fakebin/postqueue"
expect_plugin "postqueue prints garbage: UNKNOWN" 3 \
	'^MAIL_QUEUE UNKNOWN - postqueue -j exited with status 0: 2 lines it printed are not understood' \
	env PATH="$PEERS_DIR/fakebin:$PATH" "$plugin" --config-dir="$pf/etc" --method=command
cat >"$PEERS_DIR/fakebin/postqueue" <<'EOF'
#!/bin/sh
echo 'postqueue: warning: /etc/postfix/main.cf, line 9: overriding earlier entry: relayhost=' >&2
echo '{"queue_name": "deferred", "queue_id": "4jZJw06cBkz1bYNM", "arrival_time": 1795609920, "message_size": 266, "recipients": []}'
EOF
expect_plugin "a main.cf warning from postqueue does not spoil its answer" 0 \
	'^MAIL_QUEUE OK - 1 message queued \(deferred 1\)' \
	env PATH="$PEERS_DIR/fakebin:$PATH" "$plugin" --config-dir="$pf/etc" --method=command
rm -rf "$PEERS_DIR/fakebin"

# ---- a spool whose filesystem hangs (FUSE tests/hangfs standing in for a
# dead NFS server): the timeout still holds ----
hangfs="$top_builddir/tests/hangfs"
if [ -x "$hangfs" ] && [ -e /dev/fuse ]; then
	mkdir -p "$PEERS_DIR/hung"
	echo ok >"$PEERS_DIR/hangfs.control"
	"$hangfs" "$PEERS_DIR/hangfs.control" "$PEERS_DIR/hung" 2>"$PEERS_DIR/hangfs.log" &
	fuse_pid=$!
	peers_on_cleanup "echo ok >'$PEERS_DIR/hangfs.control'; umount -l '$PEERS_DIR/hung'; stop_pid $fuse_pid"
	for _ in $(seq 50); do
		grep -q " $PEERS_DIR/hung " /proc/self/mountinfo && break
		sleep 0.1
	done
	echo hang >"$PEERS_DIR/hangfs.control"
	start=$(date +%s%N)
	expect_plugin "hung spool: -t 1 names the step" 2 \
		"^MAIL_QUEUE CRITICAL - timed out after 1s while reading the Postfix queue in $PEERS_DIR/hung$" \
		"$plugin" --queue-dir="$PEERS_DIR/hung" --method=spool -t 1
	took=$(( ($(date +%s%N) - start) / 1000000 ))
	[ "$took" -lt 1500 ] && check_ok "hung spool: returned after ${took} ms" ||
		check_fail "hung spool: took ${took} ms"
	echo ok >"$PEERS_DIR/hangfs.control"
else
	echo "skip: tests/hangfs is not built (no libfuse3) or no /dev/fuse: no hung-spool test"
fi

# ---- instances as postmulti knows them (here only the default, '-') ----
out=$("$plugin" --instance=- -v 2>&1)
rc=$?
if [ $rc -le 2 ] && printf '%s\n' "$out" | grep -q '/var/spool/postfix'; then
	check_ok "--instance=-: postmulti -l leads to /etc/postfix and /var/spool/postfix (exit $rc)"
else
	check_fail "--instance=-: exit $rc: $out"
fi
expect_plugin "--instance unknown to postmulti" 3 \
	"^MAIL_QUEUE UNKNOWN - postmulti -l knows no Postfix instance 'nosuch'$" "$plugin" --instance=nosuch
expect_plugin "--instance with --config-dir" 3 '^MAIL_QUEUE UNKNOWN - --instance and --config-dir both' \
	"$plugin" --instance=- --config-dir="$pf/etc"

# ---- a spool that does not exist: UNKNOWN, not "mail system is down" ----
expect_plugin "--queue-dir=/nonexistent: no Postfix spool" 3 \
	'^MAIL_QUEUE UNKNOWN - no Postfix spool at /nonexistent/mailstatus \(check --queue-dir or queue_directory\)$' \
	"$plugin" --queue-dir=/nonexistent/mailstatus
expect_plugin "--queue-dir=a file: no Postfix spool" 3 \
	"^MAIL_QUEUE UNKNOWN - no Postfix spool at $pf/etc/main.cf " "$plugin" --queue-dir="$pf/etc/main.cf"

# ---- an existing directory that is no Postfix spool: UNKNOWN, not "down" ----
for method in spool command; do
	expect_plugin "--queue-dir=/var/spool --method=$method: not a Postfix spool" 3 \
		'^MAIL_QUEUE UNKNOWN - /var/spool is not a Postfix spool \(it has no maildrop directory\); give --queue-dir the queue_directory' \
		"$plugin" --mta=postfix --queue-dir=/var/spool --method=$method
done

# ---- the running master holds the lock on master.pid: that decides, as
# for postfix status, whatever the file says ----
cp -p "$pf/spool/pid/master.pid" "$PEERS_DIR/master.pid.saved"
printf 'not a pid' >"$pf/spool/pid/master.pid"
expect_plugin "master.pid garbage, the master holding its lock: running" 0 '^MAIL_QUEUE OK - ' mq
cp -p "$PEERS_DIR/master.pid.saved" "$pf/spool/pid/master.pid"
expect_plugin "master.pid restored: OK" 0 '^MAIL_QUEUE OK - ' mq

# ---- Postfix stopped: never OK ----
# (stopped by hand: postfix_stop would also withdraw the instance from
# alternate_config_directories, and 'nobody' could not ask postqueue)
postfix -c "$pf/etc" stop >/dev/null 2>&1
stop_pid "$(cat "$pf/start-fg.pid")" 10
expect_plugin "Postfix stopped: CRITICAL" 2 '^MAIL_QUEUE CRITICAL - the Postfix mail system is down' mq
expect_plugin "Postfix stopped, --down-state=unknown" 3 '^MAIL_QUEUE UNKNOWN - the Postfix mail system is down' mq --down-state=unknown
expect_plugin "Postfix stopped, as nobody: CRITICAL" 2 \
	'^MAIL_QUEUE CRITICAL - the Postfix mail system is down \(postqueue cannot reach showq\); postqueue -j .*fatal: Queue report unavailable - mail system is down' \
	as_nobody --config-dir="$pf/etc"
# as root postqueue then reads the queue itself ("accessing queue directly"):
# the counts it listed are reported with the outage
out=$(mq --method=command -v)
rc=$?
if [ $rc -eq 2 ] && printf '%s\n' "$out" | grep -q '^MAIL_QUEUE CRITICAL - the Postfix mail system is down (.*); 5 messages queued (maildrop 1, deferred 4), oldest [0-9]' &&
	[ "$(perf "$out" total)" = 5 ] && [ "$(perf "$out" hold)" = 1 ] &&
	printf '%s\n' "$out" | grep -q '^read from postqueue -j (read the queue directly: the mail system is down)$'; then
	check_ok "Postfix stopped, --method=command as root: down, and the 5 + 1 held postqueue read directly"
else
	check_fail "Postfix stopped, --method=command as root: exit $rc: $out"
fi

# ---- an empty or garbage master.pid that no master locks: says so ----
cp -p "$pf/spool/pid/master.pid" "$PEERS_DIR/master.pid.saved"
for garbage in "" "not a pid" "  12ab"; do
	printf '%s' "$garbage" >"$pf/spool/pid/master.pid"
	expect_plugin "master.pid '$garbage': unreadable PID" 2 \
		"^MAIL_QUEUE CRITICAL - the Postfix mail system is down \(unreadable PID in $pf/spool/pid/master.pid\)" mq
done
# ---- a reused PID: master.pid names a live process that is not Postfix's
# master (after a crash or a reboot); no one holds the lock, so: down ----
sleep 300 &
other=$!
peers_on_cleanup "stop_pid $other"
printf '%*lu\n' 32 "$other" >"$pf/spool/pid/master.pid"
expect_plugin "master.pid names a live unrelated PID: down" 2 \
	"^MAIL_QUEUE CRITICAL - the Postfix mail system is down \(no master process holds the lock on $pf/spool/pid/master.pid, which names PID $other\)" mq
expect_plugin "the same as nobody (master.pid is mode 0600; postqueue -j): down" 2 \
	'^MAIL_QUEUE CRITICAL - the Postfix mail system is down' as_nobody --config-dir="$pf/etc"
stop_pid $other
cp -p "$PEERS_DIR/master.pid.saved" "$pf/spool/pid/master.pid"

# ---- a large queue (20,501 files more, cloned from a real one with long
# queue IDs and arrivals in the last 3 minutes) and the requeued message
# of 21 minutes ago among them, with a short ID and a new birth time:
# the oldest age is exact at this size too (Postfix is stopped: nothing
# moves the files) ----
mkdir -p "$PEERS_DIR/templates"
find "$pf/spool/deferred" -type f | head -n 3 | xargs cp -p -t "$PEERS_DIR/templates"
if python3 "$top_srcdir/bench/mail_queue/make-queue.py" "$PEERS_DIR/templates" "$pf/spool" \
	20501 0.05 >/dev/null; then
	out=$(mq -v -t 30)
	got=$(printf '%s\n' "$out" | sed -n 's/^deferred: .*(arrived \([0-9]*\)).*/\1/p')
	if [ "$(perf "$out" deferred)" = 20505 ] && [ "$got" = "$old_arrival" ] &&
		[ "$(pq deferred min)" = "$old_arrival" ] &&
		printf '%s\n' "$out" | grep -q '; 20506 messages queued (maildrop 1, deferred 20505), oldest 2[0-9]m' &&
		printf '%s\n' "$out" | grep -q '^read from the spool .*; every arrival record read (exact), with io_uring$' &&
		printf '%s\n' "$out" | grep -q '^arrival records read: 20507$'; then
		check_ok "20,505 deferred: oldest arrival $got exact, every record read: $(printf '%s\n' "$out" | head -n 1 | cut -c1-150)"
	else
		check_fail "20,505 deferred: oldest arrival $got, want $old_arrival: $(printf '%s\n' "$out" | head -n 12)"
	fi
else
	check_fail "make-queue.py could not clone the queue files"
fi

# ---- Exim: Debian's exim4, unpacked and never installed (installing it
# would remove Postfix), builds a spool of its own. tests/peers/install.sh
# downloaded its packages and installed the libraries it links ----
exim_dir=$PEERS_DIR/exim
exim_debs=${EXIM_DEBS:-/var/cache/mailstatus-tests/exim}
mkdir -p "$exim_dir/spool" "$exim_dir/log" "$exim_dir/bin"
if ! ls "$exim_debs"/exim4-daemon-light_*.deb >/dev/null 2>&1; then
	check_fail "the Exim part: no exim4-daemon-light package in $exim_debs (run tests/peers/install.sh)"
	exit 1
fi
for deb in "$exim_debs"/*.deb; do dpkg-deb -x "$deb" "$exim_dir/root"; done
# not setuid, so that 'nobody' hears Exim's own refusal
chmod u-s "$exim_dir/root/usr/sbin/exim4"
# Exim looks its user up by name: a private passwd, seen only in a mount namespace
cp /etc/passwd "$exim_dir/passwd"
cp /etc/group "$exim_dir/group"
echo "Debian-exim:x:1999:1999:Exim:$exim_dir/spool:/usr/sbin/nologin" >>"$exim_dir/passwd"
echo "Debian-exim:x:1999:" >>"$exim_dir/group"
chown 1999:1999 "$exim_dir/spool" "$exim_dir/log"
chmod 755 "$exim_dir"
printf '%s\n' "exim_user = Debian-exim" "exim_group = Debian-exim" \
	"spool_directory = $exim_dir/spool" "log_file_path = $exim_dir/log/%slog" \
	"primary_hostname = mx.exim.test" "domainlist local_domains =" \
	"begin routers" "send_out:" "  driver = manualroute" "  route_list = * 127.0.0.1::1" \
	"  transport = remote_smtp" "  self = send" \
	"begin transports" "remote_smtp:" "  driver = smtp" "  port = 1" \
	"begin retry" "* * F,1h,15m" >"$exim_dir/exim.conf"
printf '%s\n' '#!/bin/sh' \
	"exec $exim_dir/root/usr/sbin/exim4 -C $exim_dir/exim.conf \"\$@\"" \
	>"$exim_dir/bin/exim4"
chmod 755 "$exim_dir/bin/exim4"
cp "$plugin" "$exim_dir/check_mail_queue"
chmod 755 "$exim_dir/check_mail_queue"
exim_out=$(top_srcdir=$top_srcdir exim_dir=$exim_dir plugin=$exim_dir/check_mail_queue \
	unshare -m bash "$top_srcdir/tests/integration/mail_queue_exim.sh" 2>&1)
printf '%s\n' "$exim_out"
failures=$((failures + $(printf '%s\n' "$exim_out" | grep -c '^FAIL: ')))

[ "$failures" -eq 0 ]
