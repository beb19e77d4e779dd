#!/bin/bash
# Every plugin under a hostile peer: one that trickles a byte per second,
# sends a 10 MB line, answers with NUL bytes or closes in the middle of the
# TLS handshake. For each: the exit status is the man page's (CRITICAL for
# a peer that answers wrongly, UNKNOWN for -t running out; never OK, never
# a signal), the run ends within -t + 2 s, its peak RSS stays under a
# bound, the first output line names the step that failed, and none of the
# peer's bytes (NULs, control bytes, megabytes) come back in the output.
#
# Peers: tests/fakepeer (greylister, MTA, web server, IMAP server), fake
# postqueue/exim programs, sentinel files on a tmpfs, and the real webmail
# stack (Postfix, Dovecot, Roundcube) to get check_webmail_send as far as
# IMAP, whose faults come from fakepeer again. Ports 16000-16999.
#
# The memory bound is 64 MiB: a plugin may hold one 10 MB line (check_mail_queue
# keeps a postqueue -j line of up to 64 MiB and 16 MiB of its stderr, by
# design; check_webmail_send a page of up to 8 MiB), not several copies of
# it, nor everything a peer sends in -t. Under ASan (a build with
# --enable-sanitizers) RSS holds shadow memory and quarantine: the bound is
# multiplied by MEM_SCALE (default 4 there, 1 elsewhere).
set -u
if [ -z "${HOSTILE_IN_NS:-}" ]; then
	[ "$(id -u)" -eq 0 ] || { echo "skip: needs root (mounts, Postfix, Dovecot)"; exit 77; }
	[ -x /usr/bin/time ] || { echo "skip: /usr/bin/time is not installed (Debian: time)"; exit 77; }
	unshare -m --propagation private true 2>/dev/null ||
		{ echo "skip: no private mount namespace here (unshare -m)"; exit 77; }
	# a mount namespace of its own for the sentinel's tmpfs
	HOSTILE_IN_NS=1 exec unshare -m --propagation private bash "$0"
fi

. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/postfix.sh"
. "$top_srcdir/tests/peers/dovecot.sh"
. "$top_srcdir/tests/peers/roundcube.sh"
. "$top_srcdir/tests/peers/webmail-stack.sh"

P=$top_builddir/plugins
fakepeer=$top_builddir/tests/fakepeer
failures=0
[ -x "$fakepeer" ] || { echo "FAIL: $fakepeer is not built (make check builds it)"; exit 1; }
TEN_MB=10485760
T=5	# the plugins' -t

if grep -q -- '-fsanitize=address' "$top_builddir/Makefile" 2>/dev/null; then
	MEM_SCALE=${MEM_SCALE:-4}
else
	MEM_SCALE=${MEM_SCALE:-1}
fi
MEM_BOUND_KB=$((65536 * MEM_SCALE))
FIRST_LINE_MAX=1024	# bytes
OUTPUT_MAX=4096		# bytes, all of the output

peers_workdir hostile
trap peers_cleanup EXIT
W=$PEERS_DIR
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

fake() { fake_peer "$@"; }	# tests/peers/common.sh

# hostile NAME WANT-EXIT REGEX TIMEOUT COMMAND...: runs the plugin under
# /usr/bin/time and checks exit status, time (TIMEOUT + 2 s), peak RSS,
# that the first line matches REGEX, and the output's length and bytes.
hostile() {
	local name=$1 want=$2 regex=$3 limit=$4
	shift 4
	local out=$W/out rss=$W/rss start took rc kb first bad size
	start=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$rss" "$@" >"$out" 2>&1
	rc=$?
	took=$(( ($(date +%s%N) - start) / 1000000 ))
	kb=$(tail -n 1 "$rss")
	first=$(head -n 1 "$out" | LC_ALL=C tr -d '\000')
	size=$(wc -c <"$out")
	bad=$(LC_ALL=C tr -d '\n\t -~\200-\377' <"$out" | wc -c)	# NULs and other controls
	local why=""
	grep -q 'terminated by signal' "$rss" && why="$why killed by a signal: $(head -n 1 "$rss");"
	[ "$rc" -eq "$want" ] || why="$why exit $rc, want $want;"
	[ "$took" -le $(( (limit + 2) * 1000 )) ] || why="$why took ${took} ms, over ${limit}s + 2s;"
	case $kb in
	'' | *[!0-9]*) why="$why no RSS measured ($kb);" ;;
	*) [ "$kb" -le "$MEM_BOUND_KB" ] || why="$why peak RSS ${kb} KB over ${MEM_BOUND_KB} KB;" ;;
	esac
	[ "$(head -n 1 "$out" | wc -c)" -le "$FIRST_LINE_MAX" ] ||
		why="$why first line of $(head -n 1 "$out" | wc -c) bytes;"
	[ "$size" -le "$OUTPUT_MAX" ] || why="$why $size bytes of output;"
	[ "$bad" -eq 0 ] || why="$why $bad NUL or control bytes in the output;"
	printf '%s\n' "$first" | grep -Eq -- "$regex" || why="$why first line does not match /$regex/;"
	if [ -z "$why" ]; then
		check_ok "$name: exit $rc, $(awk "BEGIN { printf \"%.2f\", $took / 1000 }") s, ${kb} KB: $first"
	else
		check_fail "$name:$why output: $(head -c 600 "$out" | LC_ALL=C tr -c '\n -~' '?')"
	fi
}

# ---------------------------------------------------------------- check_greylist
H=127.0.0.1
gl=("$P/check_greylist" -H $H -t $T)
smtp=("$P/check_greylist" --mode=smtp -H $H -t $T --recipient=a@example.net)
EHLO_TLS='send:250-fake.example.net\r\n250 STARTTLS\r\n'

fake 16001 request 'trickle:1000:action=DEFER_IF_PERMIT slowly\n\n' hang
hostile "greylist policy: reply trickled at 1 byte/s" 2 \
	"^GREYLIST CRITICAL - timed out after ${T}s while waiting for the policy reply from 127\.0\.0\.1:16001$" \
	$T "${gl[@]}" -p 16001
fake 16002 request "flood:$TEN_MB:action=DEFER_IF_PERMIT " 'send:\n\n' hang
hostile "greylist policy: a 10 MB reply line" 2 \
	'^GREYLIST CRITICAL - asking the greylister: 127\.0\.0\.1:16002 sent a line longer than 4096 bytes$' \
	$T "${gl[@]}" -p 16002
fake 16005 request "flood:$TEN_MB:action=DUNNO\n" hang
hostile "greylist policy: 10 MB of short reply lines" 2 \
	"^GREYLIST CRITICAL - asking the greylister: malformed reply from 127\.0\.0\.1:16005: the policy reply has a second action" \
	$T "${gl[@]}" -p 16005
fake 16003 request 'send:action=DEFER_IF_PERMIT \x00\x00\x1b[2J greylisted\n\n' hang
hostile "greylist policy: NUL bytes in the reply" 2 \
	"^GREYLIST CRITICAL - asking the greylister: malformed reply from 127\.0\.0\.1:16003: the policy reply holds a NUL byte" \
	$T "${gl[@]}" -p 16003
fake 16004 request 'flood:4000:\x00' 'send:\n\n' hang
hostile "greylist policy: a reply of NUL bytes only" 2 \
	"^GREYLIST CRITICAL - asking the greylister: malformed reply from 127\.0\.0\.1:16004: the policy reply holds a NUL byte" \
	$T "${gl[@]}" -p 16004

fake 16010 'trickle:1000:220 slow.example.net ESMTP\r\n' hang
hostile "greylist smtp: greeting trickled at 1 byte/s" 2 \
	"^GREYLIST CRITICAL - timed out after ${T}s while waiting for the greeting from 127\.0\.0\.1:16010$" \
	$T "${smtp[@]}" -p 16010
fake 16011 'send:220 fake ESMTP\r\n' line 'trickle:1000:250 fake.example.net\r\n' hang
hostile "greylist smtp: EHLO reply trickled at 1 byte/s" 2 \
	"^GREYLIST CRITICAL - timed out after ${T}s while waiting for the EHLO reply from 127\.0\.0\.1:16011$" \
	$T "${smtp[@]}" -p 16011
fake 16012 "flood:$TEN_MB:220" hang
hostile "greylist smtp: a 10 MB greeting line" 2 \
	'^GREYLIST CRITICAL - waiting for the greeting: 127\.0\.0\.1:16012 sent a line longer than [0-9]+ bytes$' \
	$T "${smtp[@]}" -p 16012
fake 16013 'send:220 fake ESMTP\r\n' line 'send:250 fake\r\n' line 'send:250 2.1.0 Ok\r\n' \
	line 'send:450 4.2.0 ' "flood:$TEN_MB:greylisted " hang
hostile "greylist smtp: a 10 MB RCPT reply" 2 \
	'^GREYLIST CRITICAL - RCPT TO: 127\.0\.0\.1:16013 sent a line longer than [0-9]+ bytes$' \
	$T "${smtp[@]}" -p 16013
fake 16019 'send:220 fake ESMTP\r\n' line "flood:$TEN_MB:250-EXTENSION\r\n" hang
hostile "greylist smtp: 10 MB of EHLO continuation lines" 2 \
	'^GREYLIST CRITICAL - EHLO: malformed reply from 127\.0\.0\.1:16019: a reply of more than [0-9]+ lines$' \
	$T "${smtp[@]}" -p 16019
fake 16014 'send:220 fake\x00\x00\x07 ESMTP\r\n' hang
hostile "greylist smtp: NUL bytes in the greeting" 2 \
	"^GREYLIST CRITICAL - waiting for the greeting: malformed reply from 127\.0\.0\.1:16014: a NUL byte in the reply" \
	$T "${smtp[@]}" -p 16014
fake 16015 'send:220 fake ESMTP\r\n' line "$EHLO_TLS" line 'send:220 2.0.0 Ready to start TLS\r\n' \
	tls-hello close
hostile "greylist smtp: closed after the ClientHello (STARTTLS)" 2 \
	'^GREYLIST CRITICAL - STARTTLS: TLS handshake with 127\.0\.0\.1:16015 failed: ' \
	$T "${smtp[@]}" -p 16015 -S
fake 16016 'send:220 fake ESMTP\r\n' line "$EHLO_TLS" line 'send:220 2.0.0 Ready to start TLS\r\n' \
	tls-hello 'send:\x16\x03\x03\x00\x50\x02\x00\x00\x4c\x03\x03half' close
hostile "greylist smtp: half a ServerHello, then closed (STARTTLS)" 2 \
	'^GREYLIST CRITICAL - STARTTLS: TLS handshake with 127\.0\.0\.1:16016 failed: ' \
	$T "${smtp[@]}" -p 16016 -S
fake 16017 'send:220 fake ESMTP\r\n' line "$EHLO_TLS" line 'send:220 2.0.0 Ready to start TLS\r\n' \
	tls-hello 'send:\x16\x03\x03\x00\x50\x02\x00\x00\x4c\x03\x03half' hang
hostile "greylist smtp: half a ServerHello, then silence (STARTTLS)" 2 \
	"^GREYLIST CRITICAL - timed out after ${T}s while starting TLS with 127\.0\.0\.1:16017$" \
	$T "${smtp[@]}" -p 16017 -S
fake 16018 'send:220 fake ESMTP\r\n' line "$EHLO_TLS" line 'send:220 2.0.0 Ready to start TLS\r\n' \
	tls-hello "flood:$TEN_MB:\x00" hang
hostile "greylist smtp: 10 MB of NUL bytes for a ServerHello (STARTTLS)" 2 \
	'^GREYLIST CRITICAL - STARTTLS: TLS handshake with 127\.0\.0\.1:16018 failed: ' \
	$T "${smtp[@]}" -p 16018 -S

# ------------------------------------------------------------- check_mail_queue
# A Postfix config dir and spool with a live master (a process that holds
# the lock on master.pid, as Postfix's master does) and a postqueue of the
# test's own in PATH, as 30-check-mail-queue.sh does.
mq=$W/mq
mkdir -p "$mq/etc" "$mq/spool/pid" "$mq/bin" "$mq/exim"
for d in maildrop incoming active deferred hold corrupt; do mkdir -p "$mq/spool/$d"; done
printf 'queue_directory = %s\n' "$mq/spool" >"$mq/etc/main.cf"
(exec 9>>"$mq/spool/pid/master.pid" && flock -x 9 && exec sleep 600) &
peers_on_cleanup "kill $!"
printf '%10d\n' $! >"$mq/spool/pid/master.pid"
for _ in $(seq 50); do	# until it holds the lock
	flock -n -s "$mq/spool/pid/master.pid" true || break
	sleep 0.1
done
JSON='{"queue_name": "deferred", "queue_id": "4jZJw06cBkz1bYNM", "arrival_time": 1795609920, "message_size": 266, "recipients": []}'
# fake_cmd NAME SHELL-TEXT: the program NAME in $mq/bin
fake_cmd() {
	printf '#!/bin/bash\n%s\n' "$2" >"$mq/bin/$1"
	chmod 755 "$mq/bin/$1"
}
pq=(env PATH="$mq/bin:$PATH" "$P/check_mail_queue" --config-dir="$mq/etc" --method=command -t $T)
bp=(env PATH="$mq/bin:$PATH" "$P/check_mail_queue" --mta=exim --queue-dir="$mq/exim" --method=command -t $T)

fake_cmd postqueue "printf '%s\\n' '$JSON' | while IFS= read -r -n 1 c; do printf '%s' \"\$c\"; sleep 1; done"
hostile "mail queue: postqueue -j trickled at 1 byte/s" 2 \
	"^MAIL_QUEUE CRITICAL - timed out after ${T}s while running postqueue -j$" $T "${pq[@]}"
fake_cmd postqueue "head -c $TEN_MB /dev/zero | tr '\\000' x; echo"
hostile "mail queue: a 10 MB line from postqueue -j" 3 \
	"^MAIL_QUEUE UNKNOWN - postqueue -j exited with status 0: 1 lines it printed are not understood \(not JSON" \
	$T "${pq[@]}"
fake_cmd postqueue "head -c $TEN_MB /dev/zero"
hostile "mail queue: 10 MB of NUL bytes from postqueue -j" 3 \
	"^MAIL_QUEUE UNKNOWN - postqueue -j exited with status 0: 1 lines it printed are not understood \(not JSON" \
	$T "${pq[@]}"
fake_cmd postqueue "printf '{\"queue_name\": \"deferred\\000\\033[2J\", \"queue_id\": \"4jZJw06cBkz1bYNM\"}\\n'"
hostile "mail queue: NUL and escape bytes inside a postqueue -j line" 3 \
	"^MAIL_QUEUE UNKNOWN - postqueue -j exited with status 0: 1 lines it printed are not understood \(not JSON" \
	$T "${pq[@]}"
fake_cmd postqueue "head -c $TEN_MB /dev/zero | tr '\\000' '\\033' >&2; printf 'postqueue: fatal: \\000\\001 boom\\n' >&2; exit 1"
hostile "mail queue: postqueue fails with 10 MB of escape bytes on stderr" 3 \
	"^MAIL_QUEUE UNKNOWN - postqueue -j exited with status 1: postqueue: fatal: boom; " $T "${pq[@]}"

exim_line='25h  1.2K 1vabcd-000123-AB <sender@example.org>'
fake_cmd exim4 "printf '%s\\n' '$exim_line' | while IFS= read -r -n 1 c; do printf '%s' \"\$c\"; sleep 1; done"
hostile "mail queue: exim -bp trickled at 1 byte/s" 2 \
	"^MAIL_QUEUE CRITICAL - timed out after ${T}s while running exim4 -bp$" $T "${bp[@]}"
fake_cmd exim4 "head -c $TEN_MB /dev/zero | tr '\\000' x; echo"
hostile "mail queue: a 10 MB line from exim -bp" 3 \
	"^MAIL_QUEUE UNKNOWN - exim4 -bp exited with status 0: 1 lines it printed are not understood" $T "${bp[@]}"
fake_cmd exim4 "head -c $TEN_MB /dev/zero"
hostile "mail queue: 10 MB of NUL bytes from exim -bp" 3 \
	"^MAIL_QUEUE UNKNOWN - exim4 -bp exited with status 0: 1 lines it printed are not understood" $T "${bp[@]}"
fake_cmd exim4 "head -c $TEN_MB /dev/zero >&2; echo 'exim: fatal: spool unreadable' >&2; exit 1"
hostile "mail queue: exim -bp fails with 10 MB of NUL bytes on stderr" 3 \
	"^MAIL_QUEUE UNKNOWN - exim4 -bp exited with status 1: exim: fatal: spool unreadable; " $T "${bp[@]}"

# ---------------------------------------------------------- check_storage_mount
S=$W/store
mkdir -p "$S" "$W/state"
chmod 700 "$W/state"
if mount -t tmpfs -o size=64m hostile-store "$S"; then
	peers_on_cleanup "umount -l '$S'"
	head -c $TEN_MB /dev/zero | tr '\000' x >"$S/long"
	head -c $TEN_MB /dev/zero >"$S/nuls"
	printf 'array-a\000\033[2J\033]0;pwned\007|x=1' >"$S/controls"
	sm=("$P/check_storage_mount" --state-dir="$W/state" -t $T -p "$S" --sentinel-content=array-a)
	hostile "storage: a 10 MB sentinel without a newline" 2 \
		"^STORAGE_MOUNT CRITICAL - $S sentinel long says 'x{60}\.\.\.', expected 'array-a'" \
		$T "${sm[@]}" --sentinel=long
	hostile "storage: a sentinel of 10 MB of NUL bytes" 2 \
		"^STORAGE_MOUNT CRITICAL - $S sentinel nuls holds NUL bytes, expected 'array-a'" \
		$T "${sm[@]}" --sentinel=nuls
	hostile "storage: a sentinel with NUL and escape bytes" 2 \
		"^STORAGE_MOUNT CRITICAL - $S sentinel controls holds NUL bytes, expected 'array-a'" \
		$T "${sm[@]}" --sentinel=controls
else
	check_fail "cannot mount a tmpfs for the sentinel files"
fi

# ------------------------------------------------------------ check_webmail_send
wm=("$P/check_webmail_send" -u probe@mailstatus.test --password-file="$W/probe.pw")
printf 'probepw\n' >"$W/probe.pw"
chmod 600 "$W/probe.pw"
# -t leaves 5 s over --delivery-timeout, as the plugin insists
TW=7
web=("${wm[@]}" -t $TW --imap-url=imap://127.0.0.1:16999/INBOX --delivery-timeout=2s)

fake 16100 request 'trickle:1000:HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>' hang
hostile "webmail http: status line trickled at 1 byte/s" 2 \
	"^WEBMAIL_SEND CRITICAL - timed out after ${TW}s while loading the login page http://127\.0\.0\.1:16100/$" \
	$TW "${web[@]}" --url=http://127.0.0.1:16100/
fake 16101 request 'send:HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100\r\n\r\n' \
	'trickle:1000:<html><body>' hang
hostile "webmail http: page trickled at 1 byte/s" 2 \
	"^WEBMAIL_SEND CRITICAL - timed out after ${TW}s while loading the login page http://127\.0\.0\.1:16101/$" \
	$TW "${web[@]}" --url=http://127.0.0.1:16101/
fake 16102 request 'send:HTTP/1.1 200 OK\r\nX-Big: ' "flood:$TEN_MB:a" 'send:\r\n\r\n' close
hostile "webmail http: a 10 MB header line" 2 \
	"^WEBMAIL_SEND CRITICAL - webmail unreachable while loading the login page http://127\.0\.0\.1:16102/: .*header" \
	$TW "${web[@]}" --url=http://127.0.0.1:16102/
fake 16103 request 'send:HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body>' \
	"flood:$TEN_MB:<b>x" close
hostile "webmail http: a 10 MB page without a newline" 2 \
	"^WEBMAIL_SEND CRITICAL - webmail unreachable while loading the login page http://127\.0\.0\.1:16103/: the answer from http://127\.0\.0\.1:16103/ is larger than 8 MiB" \
	$TW "${web[@]}" --url=http://127.0.0.1:16103/
fake 16104 request 'send:HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<html><form>' \
	'flood:99988:\x00' hang
hostile "webmail http: NUL bytes in the page" 3 \
	"^WEBMAIL_SEND UNKNOWN - the roundcube flow broke while loading the login page http://127\.0\.0\.1:16104/: .*no Roundcube login form" \
	$TW "${web[@]}" --url=http://127.0.0.1:16104/
fake 16105 request 'send:HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n' "flood:$TEN_MB:\x00" close
hostile "webmail http: 10 MB of NUL bytes for a page" 2 \
	"^WEBMAIL_SEND CRITICAL - webmail unreachable while loading the login page http://127\.0\.0\.1:16105/: the answer .* is larger than 8 MiB" \
	$TW "${web[@]}" --url=http://127.0.0.1:16105/
# 256 MiB of zeros in 256 KB of gzip: libcurl inflates it (Accept-Encoding)
head -c 268435456 /dev/zero | gzip -9 >"$W/bomb.gz"
fake 16108 request "send:HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: $(wc -c <"$W/bomb.gz")\r\n\r\n" \
	"file:$W/bomb.gz" close
hostile "webmail http: a gzip bomb (256 KB inflating to 256 MiB)" 2 \
	"^WEBMAIL_SEND CRITICAL - webmail unreachable while loading the login page http://127\.0\.0\.1:16108/: the answer .* is larger than 8 MiB" \
	$TW "${web[@]}" --url=http://127.0.0.1:16108/
fake 16106 tls-hello close
hostile "webmail https: closed after the ClientHello" 2 \
	"^WEBMAIL_SEND CRITICAL - webmail unreachable while loading the login page https://127\.0\.0\.1:16106/: .*(SSL|TLS)" \
	$TW "${web[@]}" --url=https://127.0.0.1:16106/
fake 16107 tls-hello 'send:\x16\x03\x03\x00\x50\x02\x00\x00\x4c\x03\x03half' hang
hostile "webmail https: half a ServerHello, then silence" 2 \
	"^WEBMAIL_SEND CRITICAL - timed out after ${TW}s while loading the login page https://127\.0\.0\.1:16107/$" \
	$TW "${web[@]}" --url=https://127.0.0.1:16107/

# IMAP comes after login and send: the real webmail stack gets the plugin
# there, and --imap-url points at the hostile peer.
if command -v dovecot >/dev/null && command -v postfix >/dev/null && command -v php >/dev/null &&
	[ -d "$RC_DOCROOT" ]; then
	SMTP=16225 SUBMISSION=16587 IMAP=16143 IMAPS=16993 LMTP=16224 HTTP=16280
	# lighttpd and php-cgi: a plugin killed at -t in the middle of a request
	# does not hold up the next one, as it would with PHP's one-at-a-time server
	if webmail_stack_start "$W/stack" mailstatus.test probe@mailstatus.test probepw lighttpd &&
		# one real send first: the IMAP faults below mean nothing unless the stack works
		"${wm[@]}" --url=http://127.0.0.1:$HTTP/ --imap-url=imap://127.0.0.1:$IMAP/INBOX \
			--ca-file="$W/stack/dovecot/cert.pem" -t 60 >"$W/first-send.out" 2>&1; then
		TI=15	# login and send through Roundcube take a few seconds under load
		# the fakes offer no STARTTLS: their faults come after the login
		imap=("${wm[@]}" --url=http://127.0.0.1:$HTTP/ -t $TI --delivery-timeout=5s --imap-cleartext)
		greeting='send:* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] fake ready\r\n'
		fake 16300 'trickle:1000:* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] fake ready\r\n' hang
		hostile "webmail imap: greeting trickled at 1 byte/s" 2 \
			"^WEBMAIL_SEND CRITICAL - timed out after ${TI}s while (waiting for IMAP to show the message|searching)" \
			$TI "${imap[@]}" --imap-url=imap://127.0.0.1:16300/INBOX
		fake 16301 "flood:$TEN_MB:* OK " 'send:\r\n' hang
		hostile "webmail imap: a 10 MB greeting line" 2 \
			"^WEBMAIL_SEND CRITICAL - IMAP failed while searching for the message on imap://127\.0\.0\.1:16301" \
			$TI "${imap[@]}" --imap-url=imap://127.0.0.1:16301/INBOX
		fake 16302 'send:* OK fake\x00\x00\x1b[2J ready\r\n' line 'send:A001 OK\x00 done\r\n' close
		hostile "webmail imap: NUL bytes in the greeting and the reply, then closed" 2 \
			"^WEBMAIL_SEND CRITICAL - IMAP failed while searching for the message on imap://127\.0\.0\.1:16302" \
			$TI "${imap[@]}" --imap-url=imap://127.0.0.1:16302/INBOX
		fake 16303 tls-hello close
		hostile "webmail imaps: closed after the ClientHello" 2 \
			"^WEBMAIL_SEND CRITICAL - IMAP failed while searching for the message on imaps://127\.0\.0\.1:16303: .*(SSL|TLS)" \
			$TI "${imap[@]}" --imap-url=imaps://127.0.0.1:16303/INBOX
		fake 16305 'send:* OK fake\x00\x00\x1b[2J ready\r\n' hang
		hostile "webmail imap: NUL bytes in the greeting, then silence" 2 \
			"^WEBMAIL_SEND CRITICAL - timed out after ${TI}s while waiting for IMAP to show the message" \
			$TI "${imap[@]}" --imap-url=imap://127.0.0.1:16305/INBOX
		fake 16304 "$greeting" line "flood:$TEN_MB:* CAPABILITY IMAP4rev1 " 'send:\r\n' hang
		hostile "webmail imap: a 10 MB CAPABILITY line" 2 \
			"^WEBMAIL_SEND CRITICAL - IMAP failed while searching for the message on imap://127\.0\.0\.1:16304" \
			$TI "${imap[@]}" --imap-url=imap://127.0.0.1:16304/INBOX
		# logged in and the folder selected, 10 MB of short untagged lines
		fake 16306 "send:* OK fake ready\r\n" line 'send:* CAPABILITY IMAP4rev1\r\nA001 OK done\r\n' \
			line 'send:A002 OK logged in\r\n' line 'send:* 1 EXISTS\r\nA003 OK [READ-WRITE] selected\r\n' \
			line "flood:$TEN_MB:* SEARCH 1 2 3 4 5 6 7 8 9\r\n" 'send:A004 OK searched\r\n' hang
		hostile "webmail imap: 10 MB of SEARCH answers after login" 2 \
			"^WEBMAIL_SEND CRITICAL - IMAP failed while searching for the message on imap://127\.0\.0\.1:16306: Too large" \
			$TI "${imap[@]}" --imap-url=imap://127.0.0.1:16306/INBOX
	else
		check_fail "the webmail stack did not start or work: the IMAP faults are not tested: $(head -c 300 "$W/first-send.out" 2>/dev/null)"
	fi
else
	echo "note: no Postfix, Dovecot or Roundcube: check_webmail_send's IMAP faults are left out"
fi

[ "$failures" -eq 0 ]
