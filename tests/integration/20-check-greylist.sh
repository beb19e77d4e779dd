#!/bin/bash
# check_greylist against a real postgrey (policy mode), a real Postfix that
# asks that postgrey with check_policy_service (smtp mode, with and without
# STARTTLS), and tests/fakepeer for the faults a real server cannot show.
# Everything listens on 127.0.0.1 ports 10023-10026 and 10500-10515.
# sqlgrey is tested too when it is installed.
set -u
. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/postgrey.sh"
. "$top_srcdir/tests/peers/sqlgrey.sh"
. "$top_srcdir/tests/peers/postfix.sh"

plugin="$top_builddir/plugins/check_greylist"
fakepeer="$top_builddir/tests/fakepeer"
failures=0

[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root (postgrey's database belongs to its user)"; exit 77; }
for prog in postgrey postfix openssl; do
	command -v "$prog" >/dev/null 2>&1 || { echo "skipped: $prog is not installed"; exit 77; }
done

PG_PORT=10023 SQ_PORT=10024 MX_PORT=10025 TRUSTING_PORT=10026 DELAY=2
peers_workdir greylist
trap peers_cleanup EXIT

# ------------------------------------------------------------------ policy mode
postgrey_start "$PEERS_DIR/postgrey" $PG_PORT $DELAY partner.example.org 198.51.100.77 ||
	{ echo "FAIL: postgrey did not start"; exit 1; }
pg() { "$plugin" -H 127.0.0.1 -p $PG_PORT "$@"; }

expect_plugin "policy: new triplet deferred" 0 \
	'^GREYLIST OK - new triplet deferred \(action=DEFER_IF_PERMIT 4\.2\.0 Greylisted, see https?://postgrey\.schweikert\.ch/help/example\.net\.html\) \| time=[0-9.]+s;;;0$' \
	pg
# past the delay the same triplet would pass: a new run must still be deferred
sleep $((DELAY + 1))
expect_plugin "policy: every run is a new triplet (deferred again after the delay)" 0 \
	'^GREYLIST OK - new triplet deferred' pg
expect_plugin "policy: the long output names the triplet" 0 \
	'^triplet: client (192\.0\.2|198\.51\.100|203\.0\.113)\.[0-9]+, sender <mailstatus-probe-[g-z]{16}@probe-[g-z]{8}\.example\.com>, recipient <probe@example\.net>$' \
	pg
expect_plugin "policy: --sender=@DOMAIN keeps the sender unique" 0 \
	'sender <mailstatus-probe-[g-z]{16}@partner\.example>' pg --sender=@partner.example
expect_plugin "policy: --retry-after just past the delay passes" 0 \
	'^GREYLIST OK - new triplet deferred \(action=DEFER_IF_PERMIT .*\), passed after 3s \(action=PREPEND X-Greylist: delayed [34] seconds by postgrey' \
	pg --retry-after=3
expect_plugin "policy: -v shows each try" 0 \
	'^second try: action=PREPEND X-Greylist: delayed [34] seconds .* in [0-9.]+s$' pg --retry-after=3 -v
expect_plugin "policy: --retry-after shorter than the delay is still deferred" 2 \
	'^GREYLIST CRITICAL - triplet still deferred after 1s \(action=DEFER_IF_PERMIT ' \
	pg --retry-after=1
expect_plugin "policy: --test-time-offset learns in one run" 0 \
	'passed at policy_test_time \+1m00s \(action=PREPEND X-Greylist: delayed 60 seconds' pg --test-time-offset=1m
expect_plugin "policy: --test-time-offset inside the delay is still deferred" 2 \
	'^GREYLIST CRITICAL - triplet still deferred at policy_test_time \+1s ' pg --test-time-offset=1
expect_plugin "policy: whitelisted client name with --expect=pass" 0 \
	'^GREYLIST OK - passed as expected \(action=DUNNO\)' pg --client-name=partner.example.org --expect=pass
expect_plugin "policy: whitelisted client address with --expect=pass" 0 \
	'^GREYLIST OK - passed as expected \(action=DUNNO\)' pg --client-address=198.51.100.77 --expect=pass
expect_plugin "policy: whitelisted recipient with --expect=pass" 0 \
	'^GREYLIST OK - passed as expected \(action=DUNNO\)' pg --recipient=whitelisted-recipient@example.net --expect=pass
expect_plugin "policy: a whitelisted client without --expect=pass means no greylisting" 2 \
	'^GREYLIST CRITICAL - greylisting is not active: a new triplet passed on its first try \(action=DUNNO\)' \
	pg --client-address=198.51.100.77
expect_plugin "policy: --expect=pass for a client that is greylisted" 2 \
	'^GREYLIST CRITICAL - expected to pass, but deferred \(action=DEFER_IF_PERMIT ' pg --expect=pass
expect_plugin "policy: -w on the reply time" 1 \
	'^GREYLIST WARNING - policy reply took [0-9.]+s \| time=[0-9.]+s;@0:100;;0$' pg -w @0:100
expect_plugin "policy: -c on the reply time" 2 \
	'^GREYLIST CRITICAL - policy reply took .*\| time=[0-9.]+s;10;@0:100;0$' pg -w 10 -c @0:100
expect_plugin "policy: JSON output" 0 '^\{"name":"GREYLIST","state":"OK","exit_code":0,' \
	pg --output-format=json

# the same through a unix socket
postgrey_start "$PEERS_DIR/postgrey-unix" "$PEERS_DIR/postgrey-unix/db/policy.sock" $DELAY ||
	check_fail "postgrey on a unix socket did not start"
expect_plugin "policy: --socket" 0 '^GREYLIST OK - new triplet deferred \(action=DEFER_IF_PERMIT ' \
	"$plugin" --socket="$PEERS_DIR/postgrey-unix/db/policy.sock"
expect_plugin "policy: --socket that does not exist" 2 \
	"^GREYLIST CRITICAL - connecting to the greylister: cannot connect to unix:$PEERS_DIR/nosuch.sock: No such file" \
	"$plugin" --socket="$PEERS_DIR/nosuch.sock"

# ------------------------------------------------------ policy mode, sqlgrey
if command -v sqlgrey >/dev/null 2>&1 && sqlgrey_start "$PEERS_DIR/sqlgrey" $SQ_PORT 0.03; then
	sq() { "$plugin" -H 127.0.0.1 -p $SQ_PORT "$@"; }
	expect_plugin "sqlgrey: new triplet deferred" 0 \
		'^GREYLIST OK - new triplet deferred \(action=defer_if_permit Greylisted for 0\.03 minutes\)' sq
	expect_plugin "sqlgrey: --retry-after just past the delay passes" 0 \
		'passed after 3s \(action=PREPEND X-Greylist: delayed [0-9]+ by SQLgrey' sq --retry-after=3
	# sqlgrey whitelists a sender domain for a client after two of its
	# addresses passed: the default sender's domain is new every run, so
	# the probe's own passes never add up to that ...
	sq --client-address=192.0.2.60 --retry-after=3 >/dev/null
	sq --client-address=192.0.2.60 --retry-after=3 >/dev/null
	expect_plugin "sqlgrey: learning checks do not earn the probe sqlgrey's domain whitelist" 0 \
		'^GREYLIST OK - new triplet deferred' sq --client-address=192.0.2.60
	# ... which a fixed sender domain does, as the man page warns
	sq --client-address=192.0.2.61 --sender=@fixed.example --retry-after=3 >/dev/null
	sq --client-address=192.0.2.61 --sender=@fixed.example --retry-after=3 >/dev/null
	expect_plugin "sqlgrey: a fixed sender domain earns it (and the check says so)" 2 \
		'^GREYLIST CRITICAL - greylisting is not active: .*\(action=PREPEND X-Greylist: domain auto-whitelisted by SQLgrey' \
		sq --client-address=192.0.2.61 --sender=@fixed.example
	sqlgrey_stop "$PEERS_DIR/sqlgrey"
else
	echo "note: sqlgrey is not installed or did not start; its checks are left out"
fi

# ---------------------------------------------------------------- usage errors
expect_plugin "usage: no host" 3 '^GREYLIST UNKNOWN - no greylister to ask: give -H HOST or --socket=PATH$' "$plugin"
expect_plugin "usage: smtp mode needs a recipient" 3 \
	'^GREYLIST UNKNOWN - --mode=smtp needs --recipient=ADDRESS' "$plugin" --mode=smtp -H 127.0.0.1
expect_plugin "usage: bad mode" 3 "^GREYLIST UNKNOWN - invalid mode 'ldap' for --mode: use policy or smtp$" \
	"$plugin" --mode=ldap -H 127.0.0.1
expect_plugin "usage: a line break in the sender" 3 '^GREYLIST UNKNOWN - invalid value for --sender: ' \
	"$plugin" -H 127.0.0.1 --sender="$(printf 'a@b\nrecipient=x')"
expect_plugin "usage: a client address that is none" 3 \
	"^GREYLIST UNKNOWN - invalid address '192.0.2.300' for --client-address: give an IPv4 or IPv6 address$" \
	pg --client-address=192.0.2.300
expect_plugin "usage: -t too short for --retry-after, said before waiting" 3 \
	'^GREYLIST UNKNOWN - the timeout \(5s\) is too short to wait --retry-after=10s and ask again: set -t to at least 15$' \
	pg --retry-after=10 -t 5
expect_plugin "usage: --expect=pass with --retry-after" 3 '^GREYLIST UNKNOWN - --expect=pass checks a first try' \
	pg --expect=pass --retry-after=3
expect_plugin "usage: --cert-days without --starttls" 3 '^GREYLIST UNKNOWN - --starttls and --cert-days are for --mode=smtp' \
	pg --cert-days=30

# ----------------------------------------------------------------- smtp mode
# The probe connects from 127.0.0.1, so that address must not be trusted:
# mynetworks names another one and the restrictions have no permit_mynetworks.
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=mx.mailstatus.test" \
	-addext "subjectAltName=DNS:mx.mailstatus.test,IP:127.0.0.1" \
	-keyout "$PEERS_DIR/mx.key" -out "$PEERS_DIR/mx.pem" >/dev/null 2>&1 ||
	check_fail "openssl could not make a certificate"
chmod 644 "$PEERS_DIR/mx.pem"
if postfix_setup "$PEERS_DIR/postfix" $MX_PORT \
	"local_recipient_maps =" \
	"smtpd_recipient_restrictions = reject_unauth_destination, check_policy_service inet:127.0.0.1:$PG_PORT" \
	"smtpd_policy_service_retry_delay = 1s" \
	"trusting_restrictions = permit_mynetworks, reject_unauth_destination, check_policy_service inet:127.0.0.1:$PG_PORT" \
	"smtpd_tls_security_level = may" \
	"smtpd_tls_cert_file = $PEERS_DIR/mx.pem" \
	"smtpd_tls_key_file = $PEERS_DIR/mx.key" 2>"$PEERS_DIR/postfix-setup.log" &&
	postconf -c "$PEERS_DIR/postfix/etc" -e "mynetworks = 127.0.0.2/32" &&
	postconf -c "$PEERS_DIR/postfix/etc" -M "$TRUSTING_PORT/inet=$TRUSTING_PORT inet n - n - - smtpd" &&
	postconf -c "$PEERS_DIR/postfix/etc" -P "$TRUSTING_PORT/inet/mynetworks=127.0.0.0/8" \
		"$TRUSTING_PORT/inet/smtpd_recipient_restrictions=\$trusting_restrictions" &&
	postfix_start "$PEERS_DIR/postfix"; then
	RCPT=greylist-probe@mx.mailstatus.test
	mx() { "$plugin" --mode=smtp -H 127.0.0.1 -p $MX_PORT --recipient=$RCPT "$@"; }

	expect_plugin "smtp: new triplet deferred through Postfix" 0 \
		"^GREYLIST OK - new triplet deferred \(450 4\.2\.0 <$RCPT>: Recipient address rejected: Greylisted, see https?://postgrey\.schweikert\.ch/help/mx\.mailstatus\.test\.html\) \| time=[0-9.]+s;;;0 connect=[0-9.]+s;;;0 greeting=[0-9.]+s;;;0 rcpt=[0-9.]+s;;;0$" \
		mx
	expect_plugin "smtp: --retry-after just past the delay passes" 0 \
		'^GREYLIST OK - new triplet deferred \(450 4\.2\.0 .*\), passed after 3s \(250 2\.1\.5 Ok\)' \
		mx --retry-after=3
	# a second smtpd that trusts the probe's address skips the greylister
	expect_plugin "smtp: probing from an address the MTA trusts (permit_mynetworks)" 2 \
		'^GREYLIST CRITICAL - greylisting is not active: a new triplet passed on its first try \(250 2\.1\.5 Ok\)' \
		"$plugin" --mode=smtp -H 127.0.0.1 -p $TRUSTING_PORT --recipient=$RCPT
	expect_plugin "smtp: -w on the RCPT reply time" 1 \
		'^GREYLIST WARNING - RCPT TO reply took .* rcpt=[0-9.]+s;@0:100;;0$' mx -w @0:100
	expect_plugin "smtp: a deferral that is not greylisting (relaying denied)" 2 \
		'^GREYLIST CRITICAL - deferred, but not by greylisting \(454 4\.7\.1 <someone@example\.org>: Relay access denied\)' \
		"$plugin" --mode=smtp -H 127.0.0.1 -p $MX_PORT --recipient=someone@example.org
	expect_plugin "smtp: STARTTLS with a self-signed certificate fails verification" 2 \
		'^GREYLIST CRITICAL - STARTTLS: .*(self[- ]signed|verif).*\(give --ca-file, or --insecure to accept it anyway\)$' \
		mx -S
	expect_plugin "smtp: STARTTLS verified with --ca-file" 0 \
		'^GREYLIST OK - new triplet deferred \(450 4\.2\.0 ' mx -S --ca-file="$PEERS_DIR/mx.pem"
	expect_plugin "smtp: STARTTLS details in the long output" 0 \
		'^TLS TLSv1\.[23] .*certificate .*mx\.mailstatus\.test.* expires 20[0-9-]+ ' \
		mx -S --ca-file="$PEERS_DIR/mx.pem"
	expect_plugin "smtp: STARTTLS with --insecure" 0 \
		'certificate not verified \(--insecure\): ' mx -S --insecure
	expect_plugin "smtp: --cert-days warns before the certificate expires" 1 \
		'^GREYLIST WARNING - the TLS certificate expires in (29|30) days ' \
		mx -S --ca-file="$PEERS_DIR/mx.pem" --cert-days=60,10
	expect_plugin "smtp: --cert-days critical" 2 \
		'^GREYLIST CRITICAL - the TLS certificate expires in (29|30) days ' \
		mx -S --ca-file="$PEERS_DIR/mx.pem" --cert-days=90,45
	expect_plugin "smtp: --cert-days with time to spare" 0 '^GREYLIST OK - new triplet deferred' \
		mx -S --ca-file="$PEERS_DIR/mx.pem" --cert-days=20,10

	# postgrey gone: Postfix answers 451 4.3.5, which is no greylisting at all
	postgrey_stop "$PEERS_DIR/postgrey"
	expect_plugin "smtp: Postfix without its policy service" 2 \
		'^GREYLIST CRITICAL - greylisting service unavailable behind the MTA \(451 4\.3\.5 <[^>]+>: Recipient address rejected: Server configuration problem\)' \
		mx -t 20
else
	check_fail "the test Postfix did not start: $(tail -n 5 "$PEERS_DIR/postfix/maillog" 2>/dev/null)"
	postgrey_stop "$PEERS_DIR/postgrey"
fi
expect_plugin "policy: stopped postgrey" 2 \
	"^GREYLIST CRITICAL - connecting to the greylister: connection refused by 127\.0\.0\.1:$PG_PORT$" pg

# ----------------------------------------------------------- faults: fake peers
fake() { fake_peer "$@"; }	# tests/peers/common.sh

fake 10500 hang
# a hung greylister makes Postfix defer all mail: CRITICAL, not UNKNOWN
expect_plugin "fault: a greylister that accepts and never answers" 2 \
	'^GREYLIST CRITICAL - timed out after 1s while waiting for the policy reply from 127\.0\.0\.1:10500$' \
	"$plugin" -H 127.0.0.1 -p 10500 -t 1
expect_plugin "fault: ... with -t 1:UNKNOWN" 3 \
	'^GREYLIST UNKNOWN - timed out after 1s while waiting for the policy reply from 127\.0\.0\.1:10500$' \
	"$plugin" -H 127.0.0.1 -p 10500 -t 1:UNKNOWN
expect_plugin "fault: an MTA that never greets" 2 \
	'^GREYLIST CRITICAL - timed out after 1s while waiting for the greeting from 127\.0\.0\.1:10500$' \
	"$plugin" --mode=smtp -H 127.0.0.1 -p 10500 --recipient=a@example.net -t 1

fake 10501 request 'send:220 mx.example.net ESMTP Postfix\r\n'
expect_plugin "fault: garbage instead of a policy reply" 2 \
	"^GREYLIST CRITICAL - asking the greylister: malformed reply from 127\.0\.0\.1:10501: the policy reply is not name=value: '220 mx\.example\.net ESMTP Postfix'$" \
	"$plugin" -H 127.0.0.1 -p 10501

fake 10502 request 'send:action=DEFER_IF' close
expect_plugin "fault: the greylister closes in the middle of its reply" 2 \
	'^GREYLIST CRITICAL - asking the greylister: 127\.0\.0\.1:10502 closed the connection in the middle of a line$' \
	"$plugin" -H 127.0.0.1 -p 10502

fake 10503 request 'send:action=DUNNO\n' close
expect_plugin "fault: the greylister closes before the empty line" 2 \
	'^GREYLIST CRITICAL - asking the greylister: 127\.0\.0\.1:10503 closed the connection$' \
	"$plugin" -H 127.0.0.1 -p 10503

fake 10504 request 'trickle:10:action=DEFER_IF_PERMIT slowly greylisted\n\n' hang
expect_plugin "fault: a policy reply trickled byte by byte" 0 \
	'^GREYLIST OK - new triplet deferred \(action=DEFER_IF_PERMIT slowly greylisted\)' \
	"$plugin" -H 127.0.0.1 -p 10504

fake 10505 request 'send:action=HOLD\n\n' hang
expect_plugin "fault: an action that is no greylisting decision" 2 \
	'^GREYLIST CRITICAL - unexpected reply, not a greylisting decision \(action=HOLD\) \|' \
	"$plugin" -H 127.0.0.1 -p 10505

fake 10512 request "send:action=DEFER_IF_PERMIT $(printf 'x%.0s' $(seq 5000))\n\n" hang
expect_plugin "fault: an overlong policy reply" 2 \
	"^GREYLIST CRITICAL - asking the greylister: 127\.0\.0\.1:10512 sent a line longer than 4096 bytes$" \
	"$plugin" -H 127.0.0.1 -p 10512
fake 10513 request "send:action=DEFER_IF_PERMIT \xff\x1b[1m|$(printf 'y%.0s' $(seq 1000))\n\n" hang
expect_plugin "fault: a long reply with control bytes and invalid UTF-8 is cut and cleaned" 0 \
	"^GREYLIST OK - new triplet deferred \(action=DEFER_IF_PERMIT $(printf '\xef\xbf\xbd') \[1m/y{270,290}\.\.\.\) \| time=" \
	"$plugin" -H 127.0.0.1 -p 10513

fake 10506 'send:220-fake.example' sleep:50 'send:.net ESMTP\r\n220 ' sleep:50 'send:ready\r\n' \
	line 'send:250-fake.example.net\r\n250-PIPE' sleep:50 'send:LINING\r\n250 8BITMIME\r\n' \
	line 'send:250 2.1.0 Ok\r\n' \
	line 'send:450-4.7.1 <a@example.net>: Recipient address rejected:\r\n' sleep:50 \
	'send:450 4.7.1 Greylisted for 5 minutes\r\n' \
	line 'send:250 2.0.0 Ok\r\n' line 'send:221 2.0.0 Bye\r\n'
expect_plugin "fault: multi-line SMTP replies split across packets" 0 \
	'^GREYLIST OK - new triplet deferred \(450 4\.7\.1 <a@example\.net>: Recipient address rejected: Greylisted for 5 minutes\)' \
	"$plugin" --mode=smtp -H 127.0.0.1 -p 10506 --recipient=a@example.net

fake 10507 'send:SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n' hang
expect_plugin "fault: something else answers on the SMTP port" 2 \
	"^GREYLIST CRITICAL - waiting for the greeting: malformed reply from 127\.0\.0\.1:10507: not an SMTP reply: 'SSH-2\.0-OpenSSH_9\.2p1 Debian-2'$" \
	"$plugin" --mode=smtp -H 127.0.0.1 -p 10507 --recipient=a@example.net

fake 10508 'send:220 fake ESMTP\r\n' line 'send:250 fake\r\n' line 'send:250 2.1.0 Ok\r\n' \
	line 'send:450-4.2.0 <a@example.net>: Recipient ' close
expect_plugin "fault: the MTA closes in the middle of the RCPT reply" 2 \
	'^GREYLIST CRITICAL - RCPT TO: 127\.0\.0\.1:10508 closed the connection in the middle of a line$' \
	"$plugin" --mode=smtp -H 127.0.0.1 -p 10508 --recipient=a@example.net

fake 10509 'send:220 fake ESMTP\r\n' line 'send:250-fake\r\n250 STARTTLS\r\n' \
	line 'send:220 2.0.0 Ready to start TLS\r\n250 injected before the handshake\r\n' hang
expect_plugin "fault: data sent before the TLS handshake is refused" 2 \
	'^GREYLIST CRITICAL - STARTTLS: ' \
	"$plugin" --mode=smtp -H 127.0.0.1 -p 10509 --recipient=a@example.net -S --insecure

fake 10510 'send:220 fake ESMTP\r\n' line 'send:250 fake\r\n' hang
expect_plugin "fault: STARTTLS not offered" 2 \
	'^GREYLIST CRITICAL - STARTTLS: 127\.0\.0\.1:10510 does not offer it after EHLO$' \
	"$plugin" --mode=smtp -H 127.0.0.1 -p 10510 --recipient=a@example.net -S

fake 10511 'send:554 5.3.2 fake.example.net: service not available\r\n' hang
expect_plugin "fault: the MTA refuses the session" 2 \
	'^GREYLIST CRITICAL - greeting: 554 5\.3\.2 fake\.example\.net: service not available$' \
	"$plugin" --mode=smtp -H 127.0.0.1 -p 10511 --recipient=a@example.net

fake 10514 'send:220 fake ESMTP\r\n' line 'send:250-fake\r\n250 STARTTLS\r\n' \
	line 'send:454 4.7.0 TLS not available due to local problem\r\n' hang
expect_plugin "fault: the MTA offers STARTTLS and refuses it" 2 \
	'^GREYLIST CRITICAL - STARTTLS: 127\.0\.0\.1:10514 refused STARTTLS: 454 4\.7\.0 TLS not available due to local problem$' \
	"$plugin" --mode=smtp -H 127.0.0.1 -p 10514 --recipient=a@example.net -S

fake 10515 'send:220 fake ESMTP\r\n' line 'send:250 fake\r\n' \
	line 'send:553 5.7.1 <x@example.com>: Sender address rejected: not logged in\r\n' hang
expect_plugin "fault: the MTA refuses the sender" 2 \
	'^GREYLIST CRITICAL - MAIL FROM refused: 553 5\.7\.1 <x@example\.com>: Sender address rejected: not logged in$' \
	"$plugin" --mode=smtp -H 127.0.0.1 -p 10515 --recipient=a@example.net

# reject_unknown_sender_domain before the policy check: the default sender's
# domain does not resolve, and the hint says what to give instead.
fake 10516 'send:220 fake ESMTP\r\n' line 'send:250 fake\r\n' line 'send:250 2.1.0 Ok\r\n' \
	line 'send:450 4.1.8 <p@probe-x.example.com>: Sender address rejected: Domain not found\r\n' hang
expect_plugin "fault: the MX defers the probe's sender domain (4.1.8): the hint" 2 \
	"^GREYLIST CRITICAL - deferred, but not by greylisting \\(450 4\\.1\\.8 <p@probe-x\\.example\\.com>: Sender address rejected: Domain not found\\) \\(the MX rejects the probe's sender domain: give --sender=@A-DOMAIN-THAT-RESOLVES\\)" \
	"$plugin" --mode=smtp -H 127.0.0.1 -p 10516 --recipient=a@example.net
fake 10517 'send:220 fake ESMTP\r\n' line 'send:250 fake\r\n' line 'send:250 2.1.0 Ok\r\n' \
	line 'send:454 4.7.1 <a@example.net>: Relay access denied\r\n' hang
expect_plugin "fault: another deferral (4.7.1) has no sender hint" 2 \
	'^GREYLIST CRITICAL - deferred, but not by greylisting \(454 4\.7\.1 <a@example\.net>: Relay access denied\)( \||$)' \
	"$plugin" --mode=smtp -H 127.0.0.1 -p 10517 --recipient=a@example.net
fake 10518 'send:220 fake ESMTP\r\n' line 'send:250 fake\r\n' \
	line 'send:450 4.1.8 <p@probe-x.example.com>: Sender address rejected: Domain not found\r\n' hang
expect_plugin "fault: MAIL FROM deferred for the sender domain (4.1.8): the hint" 2 \
	"^GREYLIST CRITICAL - MAIL FROM refused: 450 4\\.1\\.8 .*Domain not found \\(the MX rejects the probe's sender domain: give --sender=@A-DOMAIN-THAT-RESOLVES\\)\$" \
	"$plugin" --mode=smtp -H 127.0.0.1 -p 10518 --recipient=a@example.net

# ------------------------------------------------ contrib/ definitions validate
if command -v nagios4 >/dev/null 2>&1; then
	n=$PEERS_DIR/nagios
	mkdir -p "$n/results" && chown nagios "$n/results"
	# the commented sample services, uncommented, on hosts of their own
	sed -n '/^# define service/,$p' "$top_srcdir/plugins/greylist/check_greylist.cfg" |
		sed 's/^# \{0,1\}//' >"$n/samples.cfg"
	{
		printf 'define timeperiod {\n timeperiod_name 24x7\n alias always\n'
		for day in sunday monday tuesday wednesday thursday friday saturday; do
			printf ' %s 00:00-24:00\n' $day
		done
		printf '}\ndefine command {\n command_name notify\n command_line /bin/true\n}\n'
		printf 'define contact {\n contact_name admin\n host_notification_period 24x7\n'
		printf ' service_notification_period 24x7\n host_notification_options n\n'
		printf ' service_notification_options n\n host_notification_commands notify\n'
		printf ' service_notification_commands notify\n}\n'
		printf 'define service {\n name generic-service\n register 0\n max_check_attempts 1\n'
		printf ' check_interval 5\n retry_interval 1\n check_period 24x7\n'
		printf ' notification_period 24x7\n contacts admin\n}\n'
		for host in greylist-gw1 mx1; do
			printf 'define host {\n host_name %s\n address 127.0.0.1\n max_check_attempts 1\n' $host
			printf ' check_period 24x7\n contacts admin\n notification_period 24x7\n}\n'
		done
	} >"$n/objects.cfg"
	cat >"$n/nagios.cfg" <<NAGIOSCFG
cfg_file=$n/objects.cfg
cfg_file=$top_srcdir/plugins/greylist/check_greylist.cfg
cfg_file=$n/samples.cfg
resource_file=$n/resource.cfg
nagios_user=nagios
nagios_group=nagios
illegal_macro_output_chars=\`~\$&|'"<>
status_file=$n/status.dat
command_file=$n/nagios.cmd
check_result_path=$n/results
query_socket=$n/query.sock
log_file=$n/nagios.log
lock_file=$n/nagios.lock
temp_file=$n/nagios.tmp
NAGIOSCFG
	echo "\$USER1\$=$top_builddir/plugins" >"$n/resource.cfg"
	out=$(nagios4 -v "$n/nagios.cfg" 2>&1)
	if printf '%s\n' "$out" | grep -q '^Total Errors: *0$' &&
		printf '%s\n' "$out" | grep -q 'Checked 4 services'; then
		check_ok "plugins/greylist/check_greylist.cfg and its samples pass nagios4 -v"
	else
		check_fail "nagios4 -v: $(printf '%s\n' "$out" | grep -iE 'error|warning' | head -n 5)"
	fi
fi
if command -v icinga2 >/dev/null 2>&1; then
	i=$PEERS_DIR/icinga2
	mkdir -p "$i/data" "$i/log" "$i/cache" "$i/spool" "$i/run" "$i/conf"
	chown -R nagios "$i"
	cat >"$i/icinga2.conf" <<ICINGACONF
const PluginDir = "$top_builddir/plugins"
include <itl>
include <plugins>
include "$top_srcdir/plugins/greylist/check_greylist.conf"
object Host "greylist-gw1" {
	address = "127.0.0.1"
	check_command = "dummy"
	vars.greylisting = "postgrey"
}
ICINGACONF
	out=$(icinga2 daemon -C -c "$i/icinga2.conf" -DConfiguration.DataDir="$i/data" \
		-DConfiguration.LogDir="$i/log" -DConfiguration.CacheDir="$i/cache" \
		-DConfiguration.SpoolDir="$i/spool" -DConfiguration.InitRunDir="$i/run" \
		-DConfiguration.ConfigDir="$i/conf" 2>&1)
	if [ $? -eq 0 ] && printf '%s\n' "$out" | grep -q 'Instantiated 2 Services'; then
		check_ok "plugins/greylist/check_greylist.conf and its apply rules pass icinga2 daemon -C"
	else
		check_fail "icinga2 daemon -C: $(printf '%s\n' "$out" | grep -E 'critical|warning' | head -n 5)"
	fi
fi

[ "$failures" -eq 0 ]
