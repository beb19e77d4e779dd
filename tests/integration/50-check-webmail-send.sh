#!/bin/bash
# check_webmail_send against the real stack on loopback: Postfix (submission
# for Roundcube, delivery over LMTP), Dovecot (IMAP, IMAPS, LMTP, SASL for
# Postfix), Roundcube (Debian's, on SQLite, served by PHP). Then the faults
# a customer would notice: wrong password, mail that queues, the storage
# gone, the webmail gone, a web server that accepts and never answers.
set -u
. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/postfix.sh"
. "$top_srcdir/tests/peers/dovecot.sh"
. "$top_srcdir/tests/peers/roundcube.sh"
. "$top_srcdir/tests/peers/webmail-stack.sh"

plugin="$top_builddir/plugins/check_webmail_send"
for need in postfix dovecot php python3 curl; do
	command -v "$need" >/dev/null 2>&1 || { echo "skip: $need is not installed"; exit 77; }
done
[ -d "$RC_DOCROOT" ] || { echo "skip: roundcube-core is not installed"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root to run Postfix and Dovecot"; exit 77; }

SMTP=12025 SUBMISSION=12587 IMAP=12143 IMAPS=12993 LMTP=12424 HTTP=12080 HTTPS=12443
SILENT=12500 OTHER_WEB=12501 NOWHERE_LMTP=12426
DOMAIN=mailstatus.test
PROBE=probe@$DOMAIN LOCKED=locked@$DOMAIN EMPTY=empty@$DOMAIN LEAK=leak@$DOMAIN

peers_workdir webmail
trap peers_cleanup EXIT
W=$PEERS_DIR
PF=$W/postfix DC=$W/dovecot RC=$W/roundcube

webmail_stack_start "$W" "$DOMAIN" "$PROBE" probepw php 'recipient_delimiter = +' || exit 1
# Dovecot reads its passwd-file again when it changes
dovecot_add_user "$DC" "$LOCKED" lockedpw
dovecot_add_user "$DC" "$EMPTY" emptypw
dovecot_add_user "$DC" "$LEAK" leakpw

printf 'probepw\n' >"$W/probe.pw"
printf 'not-the-password\n' >"$W/wrong.pw"
chmod 600 "$W"/*.pw

# imap:// upgrades with STARTTLS, verified: Dovecot's certificate is the test's own
webmail() {
	"$plugin" --url="http://127.0.0.1:$HTTP/" --imap-url="imap://127.0.0.1:$IMAP/INBOX" \
		--ca-file="$DC/cert.pem" "$@"
}

# imap_count USER PASS FOLDER WHAT: messages in FOLDER whose Subject has WHAT
imap_count() {
	curl -s --max-time 5 --user "$1:$2" "imap://127.0.0.1:$IMAP/$3" \
		-X "UID SEARCH HEADER Subject \"$4\"" | tr -d '\r' | awk '{ print NF - 2 }'
}

# imap_append USER PASS FOLDER SUBJECT DATE: puts a message into FOLDER
imap_append() {
	printf 'From: %s\r\nTo: %s\r\nDate: %s\r\nSubject: %s\r\nMessage-ID: <%s@mailstatus.test>\r\n\r\nplanted by the test\r\n' \
		"$1" "$1" "$5" "$4" "$(date +%s%N)" >"$W/append.eml"
	curl -s --max-time 5 --user "$1:$2" -T "$W/append.eml" "imap://127.0.0.1:$IMAP/$3"
}

# ---- the happy path ----
expect_plugin "logs in, sends, finds and deletes the message" 0 \
	'^WEBMAIL_SEND OK - sent through roundcube and delivered to INBOX in [0-9.]+s \(login [0-9.]+s, send [0-9.]+s\) \| login=[0-9.]+s;;;0 send=[0-9.]+s;;;0 delivery=[0-9.]+s;;;0 total=[0-9.]+s;;;0$' \
	env MAILSTATUS_PASSWORD=probepw "$plugin" --url="http://127.0.0.1:$HTTP/" \
	-u "$PROBE" --imap-url="imap://127.0.0.1:$IMAP/INBOX" --ca-file="$DC/cert.pem" -v
# the clean-up of old probes in Junk and the missing Spam logs in no second
# time (PHP's built-in server closes every HTTP connection: not counted here)
printf '%s\n' "$_out" | grep -Eq '^HTTP: 8 requests over [0-9]+ connections; IMAP: [0-9]+ commands over 1 connections$' &&
	check_ok "one IMAP connection, clean-up included" ||
	check_fail "more IMAP connections than one: $(printf '%s\n' "$_out" | grep '^HTTP:')"
for folder in INBOX Sent; do
	n=$(imap_count "$PROBE" probepw "$folder" "mailstatus probe")
	if [ "$n" = 0 ]; then
		check_ok "no probe message left in $folder"
	else
		check_fail "$n probe messages left in $folder"
	fi
done

expect_plugin "IMAPS verified with --ca-file, an attachment, the password from a file" 0 \
	'^WEBMAIL_SEND OK - .*delivered to INBOX' \
	"$plugin" --url="http://127.0.0.1:$HTTP/" -u "$PROBE" --password-file="$W/probe.pw" \
	--imap-url="imaps://127.0.0.1:$IMAPS/INBOX" --ca-file="$DC/cert.pem" --attach-size=300000

# HTTPS to the webmail: lighttpd with TLS, the same certificate as Dovecot's.
if [ -e /usr/lib/lighttpd/mod_openssl.so ]; then
	roundcube_setup "$W/roundcube-tls" "$HTTPS" "127.0.0.1:$IMAP" "127.0.0.1:$SUBMISSION" &&
		roundcube_start "$W/roundcube-tls" https "$DC/cert.pem" "$DC/key.pem" ||
		check_fail "Roundcube over HTTPS did not start"
	expect_plugin "HTTPS verified with --ca-file" 0 '^WEBMAIL_SEND OK - .*delivered to INBOX' \
		"$plugin" --url="https://127.0.0.1:$HTTPS/" -u "$PROBE" --password-file="$W/probe.pw" \
		--imap-url="imaps://127.0.0.1:$IMAPS/INBOX" --ca-file="$DC/cert.pem"
	# its trace (HTTP/2 where lighttpd offers it) joins the secrets check below
	"$plugin" --url="https://127.0.0.1:$HTTPS/" -u "$PROBE" --password-file="$W/probe.pw" \
		--imap-url="imaps://127.0.0.1:$IMAPS/INBOX" --ca-file="$DC/cert.pem" -vvv \
		>"$W/https-trace" 2>&1
	expect_plugin "HTTPS with a self-signed certificate is refused by default" 2 \
		"^WEBMAIL_SEND CRITICAL - webmail unreachable while loading the login page https://127.0.0.1:$HTTPS/: SSL certificate problem: self-signed certificate" \
		"$plugin" --url="https://127.0.0.1:$HTTPS/" -u "$PROBE" --password-file="$W/probe.pw" \
		--imap-url="imaps://127.0.0.1:$IMAPS/INBOX"
	expect_plugin "--insecure is explicit" 0 '^WEBMAIL_SEND OK - ' \
		"$plugin" --url="https://127.0.0.1:$HTTPS/" -u "$PROBE" --password-file="$W/probe.pw" \
		--imap-url="imaps://127.0.0.1:$IMAPS/INBOX" --insecure
	roundcube_stop "$W/roundcube-tls"
else
	echo "skip: HTTPS to the webmail (install lighttpd-mod-openssl)"
fi

expect_plugin "IMAPS with a self-signed certificate is refused by default" 2 \
	'^WEBMAIL_SEND CRITICAL - IMAP failed while searching for the message on imaps://127.0.0.1:12993: .*certificate' \
	"$plugin" --url="http://127.0.0.1:$HTTP/" -u "$PROBE" --password-file="$W/probe.pw" \
	--imap-url="imaps://127.0.0.1:$IMAPS/INBOX"

expect_plugin "--keep leaves the message; -v counts requests" 0 \
	'HTTP: 8 requests over [0-9]+ connections; IMAP: [0-9]+ commands over 1 connections' \
	webmail -u "$PROBE" --password-file="$W/probe.pw" --keep -v
token=$(printf '%s\n' "$_out" | sed -n 's/^token \([0-9a-f]\{32\}\),.*/\1/p')
n=$(imap_count "$PROBE" probepw INBOX "${token:-no token}")
[ "$n" = 1 ] && check_ok "--keep kept the message" || check_fail "--keep: message $token found $n times"

expect_plugin "arrival in Junk is WARNING" 1 \
	'^WEBMAIL_SEND WARNING - delivered to Junk: the message arrived in Junk, not ' \
	webmail -u "$PROBE" --password-file="$W/probe.pw" --to="probe+Junk@$DOMAIN"
n=$(imap_count "$PROBE" probepw Junk "mailstatus probe")
[ "$n" = 0 ] && check_ok "the message in Junk was deleted" || check_fail "$n probe messages left in Junk"

# What failed runs left behind: probe messages older than a day, in INBOX,
# Junk and Sent, go with the next run; a young one (another run's) stays.
old_date=$(LC_ALL=C date -R -d '3 days ago')
for folder in INBOX Junk Sent; do
	imap_append "$PROBE" probepw "$folder" "mailstatus probe 01dfa11ed$folder" "$old_date" ||
		check_fail "could not plant an old probe message in $folder"
done
imap_append "$PROBE" probepw INBOX "mailstatus probe a1ive0therrun" "$(LC_ALL=C date -R)"
expect_plugin "a normal run removes old probe messages" 0 \
	'^removed 1 probe messages older than a day from Sent$' \
	webmail -u "$PROBE" --password-file="$W/probe.pw"
for folder in INBOX Junk Sent; do
	n=$(imap_count "$PROBE" probepw "$folder" "01dfa11ed$folder")
	[ "$n" = 0 ] && check_ok "the old probe message in $folder was removed" ||
		check_fail "$n old probe messages left in $folder"
done
n=$(imap_count "$PROBE" probepw INBOX "a1ive0therrun")
[ "$n" = 1 ] && check_ok "another run's young probe message stayed" ||
	check_fail "another run's young probe message: found $n times"

expect_plugin "thresholds on delivery and login time" 2 \
	'^WEBMAIL_SEND CRITICAL - login took [0-9.]+s \| login=[0-9.]+s;;0;0 send=[0-9.]+s;;;0 delivery=[0-9.]+s;0;;0 ' \
	webmail -u "$PROBE" --password-file="$W/probe.pw" -w 0 --login-critical=0

# An attachment larger than PHP's upload_max_filesize (2M by default).
expect_plugin "an attachment the webmail refuses" 2 \
	'^WEBMAIL_SEND CRITICAL - send failed while uploading a 3000000 byte attachment: Roundcube said "The uploaded file exceeds the maximum size of [0-9.]+ MB." \(filesizeerror\)' \
	webmail -u "$PROBE" --password-file="$W/probe.pw" --attach-size=3000000

# Two checks share the probe mailbox: the webmail listed an empty INBOX,
# then another run's probe message arrived (and the kept one is there):
# probe messages are not the customer's mail that the webmail fails to show.
imap_append "$PROBE" probepw INBOX "mailstatus probe an0therrun" "$(LC_ALL=C date -R)"
expect_plugin "another run's probe message in the shared INBOX is not 'mailbox appears empty'" 0 \
	'^WEBMAIL_SEND OK - sent through roundcube and delivered to INBOX' \
	env MAILSTATUS_PASSWORD=emptypw "$plugin" --url="http://127.0.0.1:$HTTP/" -u "$EMPTY" \
	--to="$PROBE" --imap-url="imap://127.0.0.1:$IMAP/INBOX" --imap-user="$PROBE" \
	--imap-password-file="$W/probe.pw" --ca-file="$DC/cert.pem"

# The webmail shows another (empty) mailbox than IMAP: the seed's "folders empty".
imap_append "$PROBE" probepw INBOX "a customer's message" "$(LC_ALL=C date -R)"
expect_plugin "an empty inbox in the webmail while IMAP has mail" 2 \
	'^WEBMAIL_SEND CRITICAL - mailbox appears empty: the webmail lists no messages in INBOX while IMAP has [0-9]+ \|' \
	env MAILSTATUS_PASSWORD=emptypw "$plugin" --url="http://127.0.0.1:$HTTP/" -u "$EMPTY" \
	--to="$PROBE" --imap-url="imap://127.0.0.1:$IMAP/INBOX" --imap-user="$PROBE" \
	--imap-password-file="$W/probe.pw" --ca-file="$DC/cert.pem"

# ---- usage: what the operator must fix ----
expect_plugin "no password" 3 '^WEBMAIL_SEND UNKNOWN - no password: give --password-file=FILE or set MAILSTATUS_PASSWORD' \
	env -u MAILSTATUS_PASSWORD "$plugin" --url="http://127.0.0.1:$HTTP/" -u "$PROBE" \
	--imap-url="imap://127.0.0.1:$IMAP/"
expect_plugin "no password option, not even shortened" 3 \
	'^WEBMAIL_SEND UNKNOWN - the password is never given on the command line: use --password-file=FILE' \
	webmail -u "$PROBE" --password=probepw
case $_out in *probepw*) check_fail "the password was echoed: $_out" ;; *) check_ok "the password was not echoed" ;; esac
expect_plugin "unreadable password file" 3 \
	"^WEBMAIL_SEND UNKNOWN - cannot read the password file $W/none given to --password-file: No such file" \
	webmail -u "$PROBE" --password-file="$W/none"
expect_plugin "a URL that is not the web's" 3 "^WEBMAIL_SEND UNKNOWN - invalid value 'ftp://127.0.0.1/' for --url: use http://HOST/ or https://HOST/" \
	"$plugin" --url=ftp://127.0.0.1/ -u "$PROBE" --password-file="$W/probe.pw" --imap-url="imap://127.0.0.1:$IMAP/"
expect_plugin "an IMAP URL that is not IMAP" 3 "^WEBMAIL_SEND UNKNOWN - invalid value for --imap-url: 'http://127.0.0.1/' is not an imap:// or imaps:// URL" \
	"$plugin" --url="http://127.0.0.1:$HTTP/" -u "$PROBE" --password-file="$W/probe.pw" --imap-url=http://127.0.0.1/
expect_plugin "--delivery-timeout=0 is refused" 3 \
	'^WEBMAIL_SEND UNKNOWN - --delivery-timeout \(0s\) must be above 0' \
	webmail -u "$PROBE" --password-file="$W/probe.pw" --delivery-timeout=0
# only both given and contradicting is refused
expect_plugin "a delivery timeout the timeout would cut short is refused" 3 \
	'^WEBMAIL_SEND UNKNOWN - --delivery-timeout \(30s\) must be at least 5s shorter than -t/--timeout \(34s\): raise -t, lower --delivery-timeout or leave it out \(it then follows -t\)' \
	webmail -u "$PROBE" --password-file="$W/probe.pw" --delivery-timeout=30 -t 34
expect_plugin "unknown webmail" 3 "^WEBMAIL_SEND UNKNOWN - unknown webmail 'sogo' for --webmail: use roundcube" \
	webmail -u "$PROBE" --password-file="$W/probe.pw" --webmail=sogo
expect_plugin "a password in --url is not echoed" 3 \
	"^WEBMAIL_SEND UNKNOWN - invalid value 'ftp://probe:\\[redacted\\]@127.0.0.1/' for --url" \
	"$plugin" --url=ftp://probe:urlsecret@127.0.0.1/ -u "$PROBE" --password-file="$W/probe.pw" \
	--imap-url="imap://127.0.0.1:$IMAP/"
case $_out in *urlsecret*) check_fail "the password in --url was echoed" ;; *) check_ok "the password in --url was not echoed" ;; esac

# ---- -t and the delivery timeout (the wait follows -t unless given) ----
expect_plugin "-t 30 without --delivery-timeout" 0 \
	'^WEBMAIL_SEND OK - sent through roundcube and delivered to INBOX' \
	webmail -u "$PROBE" --password-file="$W/probe.pw" -t 30
expect_plugin "--delivery-timeout alone raises -t to fit" 0 \
	'^delivery timeout 3m20s$' \
	webmail -u "$PROBE" --password-file="$W/probe.pw" --delivery-timeout=200s -v
# The README's example: without -t, -c 120 must be reachable before the wait ends.
expect_plugin "the README's -w 30 -c 120 waits long enough to go CRITICAL" 0 \
	'^delivery timeout 2m55s \(what -t leaves for it\)$' \
	webmail -u "$PROBE" --password-file="$W/probe.pw" -w 30 -c 120 -v

# ---- imap:// logs in only after STARTTLS; the trace shows no secret ----
# (Roundcube's own IMAP logins on loopback are in cleartext: Dovecot logs
# them "secured"; the plugin's are "TLS".)
before=$(grep -c 'imap-login: Info: Login: user=<'"$PROBE"'>.*, TLS, ' "$DC/dovecot.log")
expect_plugin "imap:// with STARTTLS, verified" 0 '^WEBMAIL_SEND OK - ' \
	webmail -u "$PROBE" --password-file="$W/probe.pw" -vvv
sleep 0.5
after=$(grep -c 'imap-login: Info: Login: user=<'"$PROBE"'>.*, TLS, ' "$DC/dovecot.log")
order=$(printf '%s\n' "$_out" | awk '
	/^> [A-Z0-9]+ STARTTLS$/ && !s { s = NR }
	/^\* SSL connection using / && s && !t { t = NR }
	/^> [A-Z0-9]+ (AUTHENTICATE|LOGIN) / && !a { a = NR }
	END { print (s && t && a && s < t && t < a) ? "starttls-first" : "s=" s " t=" t " a=" a }')
[ "$after" -gt "$before" ] && [ "$order" = starttls-first ] &&
	check_ok "STARTTLS, the TLS handshake, then the login; Dovecot logged $((after - before)) new TLS login(s)" ||
	check_fail "imap:// login without STARTTLS first ($order; $((after - before)) new TLS logins): $(printf '%s\n' "$_out" | grep '^> A0' | head -n 4 | tr '\n' ';')"
expect_plugin "imap:// STARTTLS with a self-signed certificate is refused by default" 2 \
	"^WEBMAIL_SEND CRITICAL - IMAP failed while searching for the message on imap://127.0.0.1:$IMAP: .*certificate" \
	"$plugin" --url="http://127.0.0.1:$HTTP/" -u "$PROBE" --password-file="$W/probe.pw" \
	--imap-url="imap://127.0.0.1:$IMAP/INBOX"
NOTLS=12502
fake_peer $NOTLS 'send:* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] no TLS here\r\n' line \
	'send:* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN\r\nA001 OK done\r\n' line 'send:A002 NO nothing to see\r\n' close
expect_plugin "an IMAP server without STARTTLS gets no cleartext login" 2 \
	"^WEBMAIL_SEND CRITICAL - IMAP failed while searching for the message on imap://127.0.0.1:$NOTLS: .*no TLS for the login: the password would go in cleartext; use imaps://, or --imap-cleartext to allow that" \
	"$plugin" --url="http://127.0.0.1:$HTTP/" -u "$PROBE" --password-file="$W/probe.pw" \
	--imap-url="imap://127.0.0.1:$NOTLS/INBOX" -t 30
expect_plugin "... and with --imap-cleartext it logs in there" 2 \
	"^WEBMAIL_SEND CRITICAL - IMAP (login failed for $PROBE|failed while searching for the message) at imap://127.0.0.1:$NOTLS|^WEBMAIL_SEND CRITICAL - IMAP .*127.0.0.1:$NOTLS" \
	"$plugin" --url="http://127.0.0.1:$HTTP/" -u "$PROBE" --password-file="$W/probe.pw" \
	--imap-url="imap://127.0.0.1:$NOTLS/INBOX" -t 30 --imap-cleartext -vvv
printf '%s\n' "$_out" | grep -q '^> A002 AUTHENTICATE PLAIN \[redacted\]$' &&
	check_ok "the cleartext login was tried, its AUTHENTICATE line redacted" ||
	check_fail "no redacted AUTHENTICATE line in the trace: $(printf '%s\n' "$_out" | grep '^>' | head -n 5)"


# ---- faults ----
# Mail queues: the LMTP hop points nowhere.
postconf -c "$PF/etc" -e "virtual_transport = lmtp:inet:127.0.0.1:$NOWHERE_LMTP"
postfix -c "$PF/etc" reload >/dev/null 2>&1
sleep 1
expect_plugin "mail that queues is not delivered" 2 \
	'^WEBMAIL_SEND CRITICAL - not delivered after 3s \(sent [0-9]{2}:[0-9]{2}:[0-9]{2}, token [0-9a-f]{32}, [0-9]+ IMAP searches of INBOX empty\) \| login=[0-9.]+s;;;0 send=[0-9.]+s;;;0 delivery=U;;;0 total=U;;;0$' \
	webmail -u "$PROBE" --password-file="$W/probe.pw" --delivery-timeout=3
token=$(printf '%s\n' "$_out" | sed -n 's/.*token \([0-9a-f]\{32\}\),.*/\1/p' | head -n 1)
n=$(imap_count "$PROBE" probepw Sent "${token:-no token}")
[ -n "$token" ] && [ "$n" = 0 ] && check_ok "the undelivered message's copy in Sent was deleted" ||
	check_fail "undelivered message $token: $n copies left in Sent"
if [ -x "$top_builddir/plugins/check_mail_queue" ]; then
	expect_plugin "check_mail_queue sees the queued probe" 2 '^MAIL_QUEUE CRITICAL' \
		"$top_builddir/plugins/check_mail_queue" --mta=postfix --config-dir="$PF/etc" -w 0 -c 0
else
	queued=$(postqueue -c "$PF/etc" -j | grep -c '"recipient": *"probe@')
	[ "$queued" -ge 1 ] && check_ok "postqueue shows the probe queued" ||
		check_fail "the probe is not in Postfix's queue"
fi
# without --delivery-timeout the wait ends where -t leaves the clean-up its
# time: CRITICAL "not delivered", not a timeout, and within -t
start=$(date +%s%3N)
expect_plugin "-t 12 alone: not delivered, CRITICAL within -t" 2 \
	'^WEBMAIL_SEND CRITICAL - not delivered after [0-9.]+s, all the time -t 12s left for it \(sent ' \
	webmail -u "$PROBE" --password-file="$W/probe.pw" -t 12
took=$(( $(date +%s%3N) - start ))
[ "$took" -lt 12500 ] && check_ok "ended after ${took} ms with -t 12" || check_fail "ran ${took} ms with -t 12"
# a delivery slower than -c, with the delivery timeout from -t: the message
# waits in the queue 4 s, then LMTP is back
webmail -u "$PROBE" --password-file="$W/probe.pw" -c 2 -t 40 >"$W/slow.out" 2>&1 &
slow=$!
sleep 4
postconf -c "$PF/etc" -e "virtual_transport = lmtp:inet:127.0.0.1:$LMTP"
postfix -c "$PF/etc" reload >/dev/null 2>&1
postqueue -c "$PF/etc" -f
wait $slow
rc=$?
if [ "$rc" -eq 2 ] && grep -Eq '^WEBMAIL_SEND CRITICAL - delivery took [0-9.]+s ' "$W/slow.out"; then
	check_ok "a delivery slower than -c is CRITICAL (exit 2): $(head -n 1 "$W/slow.out")"
else
	check_fail "a slow delivery with -c 2 -t 40: exit $rc: $(cat "$W/slow.out")"
fi
postconf -c "$PF/etc" -e "virtual_transport = lmtp:inet:127.0.0.1:$LMTP"
postfix -c "$PF/etc" reload >/dev/null 2>&1
postqueue -c "$PF/etc" -f

# Up to here no smtpd may have failed at start (Dovecot's auth socket
# missing): master would start none for 60 s and the sends after the
# reload above would wait that long.
if grep -q 'bad command startup' "$PF/maillog"; then
	check_fail "Postfix throttled smtpd: $(grep -m 1 'fatal:' "$PF/maillog")"
else
	check_ok "no smtpd of Postfix failed at start"
fi

# The storage is gone: Roundcube cannot reach Dovecot.
dovecot_stop "$DC"
expect_plugin "Dovecot stopped" 2 \
	'^WEBMAIL_SEND CRITICAL - webmail cannot reach its IMAP server while logging in to .*: Roundcube said "Connection to storage server failed." \(storageerror\)' \
	webmail -u "$PROBE" --password-file="$W/probe.pw"
dovecot_start "$DC" || check_fail "Dovecot did not start again"

# Postfix is down: Roundcube cannot hand the message over. After the
# Dovecot test: an smtpd starting while Dovecot's auth is away finds "no
# SASL authentication mechanisms" and master throttles smtpd for 60s.
postfix_stop "$PF"
expect_plugin "Postfix stopped" 2 \
	'^WEBMAIL_SEND CRITICAL - send failed while sending the message through http://127.0.0.1:12080/: Roundcube said "SMTP Error \([-0-9]*\): Connection to server failed." \(smtperror\) \| login=[0-9.]+s;;;0 send=U;;;0 delivery=U;;;0 total=U;;;0$' \
	webmail -u "$PROBE" --password-file="$W/probe.pw"
postfix_start "$PF" || check_fail "Postfix did not start again"

# A server that accepts connections and never answers (HTTP and IMAP alike).
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
held = []
while True:
    c, _ = s.accept(); held.append(c)
' "$SILENT" &
silent_pid=$!
peers_on_cleanup "stop_pid $silent_pid"
wait_port 127.0.0.1 "$SILENT"

# An IMAP server that accepts and never answers: the wait is named.
start=$(date +%s%3N)
expect_plugin "an IMAP server that never answers" 2 \
	"^WEBMAIL_SEND CRITICAL - timed out after 7s while waiting for IMAP to show the message in INBOX on imap://127.0.0.1:$SILENT\$" \
	"$plugin" --url="http://127.0.0.1:$HTTP/" -u "$PROBE" --password-file="$W/probe.pw" \
	--imap-url="imap://127.0.0.1:$SILENT/INBOX" --delivery-timeout=2 -t 7
took=$(( $(date +%s%3N) - start ))
[ "$took" -lt 8000 ] && check_ok "ended after ${took} ms with -t 7" ||
	check_fail "ran ${took} ms with -t 7"

# A wrong IMAP password: one IMAP login, no retries while polling.
expect_plugin "wrong IMAP password" 2 \
	"^WEBMAIL_SEND CRITICAL - IMAP login failed for $PROBE at imap://127.0.0.1:$IMAP: " \
	webmail -u "$PROBE" --password-file="$W/probe.pw" --imap-password-file="$W/wrong.pw"
sleep 1	# Dovecot logs the failure when it has delayed its answer
attempts=$(grep -c "auth failed.*user=<$PROBE>" "$DC/dovecot.log")
[ "$attempts" = 1 ] && check_ok "the failed IMAP login was not retried" ||
	check_fail "Dovecot logged $attempts failed IMAP logins for one run"

# A wrong password: one login attempt only (Roundcube locks after a few).
# Late on purpose: Dovecot delays every login from 127.0.0.1 after a failure.
expect_plugin "wrong password" 2 \
	"^WEBMAIL_SEND CRITICAL - login failed: Roundcube said \"Login failed.\" \(loginfailed\) \(user $LOCKED\)" \
	webmail -u "$LOCKED" --password-file="$W/wrong.pw"
attempts=$(grep -c "Failed login for $LOCKED" "$RC/logs/userlogins.log" 2>/dev/null)
[ "$attempts" = 1 ] && check_ok "the failed login was not retried" ||
	check_fail "Roundcube logged $attempts failed logins for one run"

# Every secret of a run, at every verbosity and in the errors: the
# passwords, their base64 logins, Roundcube's session cookies (the
# session ids Roundcube stored) and its request tokens.
: >"$W/all-output"
[ -f "$W/https-trace" ] && cat "$W/https-trace" >>"$W/all-output"
# (Last of the logins: Dovecot delays every login from 127.0.0.1 after a
# failure, and Roundcube locks the account after a few.)
for v in "" -v -vv -vvv; do
	webmail -u "$PROBE" --password-file="$W/probe.pw" $v >>"$W/all-output" 2>&1
	webmail -u "$LEAK" --password-file="$W/wrong.pw" $v >>"$W/all-output" 2>&1
done
for v in -v -vvv; do
	webmail -u "$PROBE" --password-file="$W/probe.pw" --imap-password-file="$W/wrong.pw" $v \
		>>"$W/all-output" 2>&1
done
b64() { printf "$1" | base64 -w 0; }
secrets="probepw not-the-password $(b64 "\\0$PROBE\\0probepw") $(b64 "$PROBE\\0$PROBE\\0probepw") \
	$(b64 "\\0$PROBE\\0not-the-password") $(b64 probepw) $(b64 not-the-password) \
	$(b64 "\\0$LEAK\\0not-the-password")"
sessions=$(for db in "$RC/roundcube.db" "$W/roundcube-tls/roundcube.db"; do
	[ -f "$db" ] && sqlite3 "$db" 'SELECT sess_id FROM session' 2>/dev/null; done)
leaks=0 checked=0
for secret in $secrets $sessions; do
	checked=$((checked + 1))
	if grep -qF -- "$secret" "$W/all-output"; then
		check_fail "a secret in the output: ${secret:0:6}... at: $(grep -F -m 1 -- "$secret" "$W/all-output" | head -c 200)"
		leaks=$((leaks + 1))
	fi
done
# by place, whatever the value: nothing after these but [redacted]
for pattern in 'roundcube_sess[a-z]*="?[^["]' '_token=[^[]' 'X-Roundcube-Request: [^[]' \
	'AUTHENTICATE PLAIN [^[]' 'Cookie: [^=]*=[^[]' 'cookie [a-z_]*="[^[]' '^> [A-Z0-9]+ LOGIN [^[]'; do
	checked=$((checked + 1))
	if grep -qE -- "$pattern" "$W/all-output"; then
		check_fail "unredacted /$pattern/ in the output: $(grep -E -m 1 -- "$pattern" "$W/all-output" | head -c 200)"
		leaks=$((leaks + 1))
	fi
done
# the trace is there, and shows where the secrets were
for shown in '^> Cookie: roundcube_sessid=\[redacted\]' '^< Set-Cookie: roundcube_sessid=\[redacted\]; ' \
	'^> A00[0-9] AUTHENTICATE PLAIN \[redacted\]$' '^> X-Roundcube-Request: \[redacted\]$' \
	'_token=\[redacted\]' '^WEBMAIL_SEND CRITICAL - IMAP login failed' '^WEBMAIL_SEND CRITICAL - login failed'; do
	grep -qE -- "$shown" "$W/all-output" || { check_fail "the output lacks /$shown/"; leaks=$((leaks + 1)); }
done
# over HTTP/2 libcurl names the request headers in its notes
if grep -q '^\* h2h3 \[' "$W/all-output"; then
	grep -qE '^\* h2h3 \[cookie: roundcube_sessid=\[redacted\]' "$W/all-output" &&
		check_ok "the HTTP/2 trace shows its cookies redacted" ||
		{ check_fail "the HTTP/2 trace lacks a redacted cookie: $(grep -m 2 'h2h3 \[cookie' "$W/all-output")"; leaks=$((leaks + 1)); }
else
	echo "note: no HTTP/2 in the trace (the HTTPS webmail did not offer it, or was not tested)"
fi
[ "$leaks" -eq 0 ] && [ -n "$sessions" ] &&
	check_ok "no secret in $(wc -l <"$W/all-output") lines of output at every verbosity ($checked secrets and patterns, $(printf '%s\n' $sessions | wc -l) session ids)" ||
	check_fail "secrets in the output, or no session ids to look for (${sessions:-none})"

# The web server that never answers.
start=$(date +%s%3N)
expect_plugin "a web server that never answers" 2 \
	"^WEBMAIL_SEND CRITICAL - timed out after 6s while loading the login page http://127.0.0.1:$SILENT/\$" \
	"$plugin" --url="http://127.0.0.1:$SILENT/" -u "$PROBE" --password-file="$W/probe.pw" \
	--imap-url="imap://127.0.0.1:$IMAP/" --delivery-timeout=1 -t 6
took=$(( $(date +%s%3N) - start ))
[ "$took" -lt 7000 ] && check_ok "ended after ${took} ms with -t 6" ||
	check_fail "ran ${took} ms with -t 6"

# A web server that is not Roundcube: the flow cannot start, UNKNOWN.
mkdir -p "$W/www" && echo '<html><body><h1>It works</h1></body></html>' >"$W/www/index.html"
(cd "$W/www" && exec python3 -m http.server --bind 127.0.0.1 "$OTHER_WEB" >/dev/null 2>&1) &
other_pid=$!
peers_on_cleanup "stop_pid $other_pid"
wait_port 127.0.0.1 "$OTHER_WEB"
expect_plugin "a web server that is not Roundcube" 3 \
	"^WEBMAIL_SEND UNKNOWN - the roundcube flow broke while loading the login page http://127.0.0.1:$OTHER_WEB/: http://127.0.0.1:$OTHER_WEB/ has no Roundcube login form \(is --url right\?\)" \
	"$plugin" --url="http://127.0.0.1:$OTHER_WEB/" -u "$PROBE" --password-file="$W/probe.pw" \
	--imap-url="imap://127.0.0.1:$IMAP/"

# The webmail server is gone.
roundcube_stop "$RC"
expect_plugin "webmail server stopped" 2 \
	"^WEBMAIL_SEND CRITICAL - webmail unreachable while loading the login page http://127.0.0.1:$HTTP/: .*(onnect|refused)" \
	webmail -u "$PROBE" --password-file="$W/probe.pw"

[ "$failures" -eq 0 ]
