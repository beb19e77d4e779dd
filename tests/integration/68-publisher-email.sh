#!/bin/bash
# E-mail subscribers against a real Postfix and Dovecot on loopback.
# Postfix's submission port offers STARTTLS (Dovecot's self-signed
# certificate, given to the publisher as ca_file) and AUTH after it
# (Dovecot's SASL); a second port has no TLS. Mail for mailstatus.test is
# delivered over LMTP into Dovecot, whose mailboxes the test reads over
# IMAP (python3 imaplib). mailstatus-publish runs the sample's
# status.dat (four posts: three of Cluster A's incident, Cluster B's
# maintenance). Asserted:
#   - the first attempt, deferred by Postfix at the end of data (a real
#     smtpd_end_of_data_restrictions = defer), is tried again; an unknown
#     recipient (550) fails for good at once, with Postfix's reply said on
#     stderr and in list --deliveries;
#   - after the restriction is lifted, `deliver` sends the rest: alice
#     (every post) and bob (clusters = email-cluster-b) get exactly their
#     posts, once each, over STARTTLS with AUTH; each message's From, To,
#     Subject, Date, Message-ID, List-Id, List-Unsubscribe, Auto-Submitted
#     and X-Mailstatus-Delivery are right and both parts carry the post;
#   - the deferred attempt and the delivered one carried the same
#     Message-ID (Postfix's header_checks log every message it reads), the
#     delivery ID in the store;
#   - STARTTLS is required: a relay without TLS is tried again with the
#     reason, so is one whose certificate another CA signed; with
#     insecure = yes the messages go; smtps:// speaks TLS from the start;
#   - a refused login (535) is tried again, with Postfix's reply;
#   - the relay's password is in no output.
set -u
. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/postfix.sh"
. "$top_srcdir/tests/peers/dovecot.sh"

publish="$top_builddir/mailstatus-publish"
py=/usr/bin/python3
for need in postfix dovecot sqlite3 openssl; do
	command -v "$need" >/dev/null 2>&1 || { echo "skip: $need is not installed"; exit 77; }
done
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root to run Postfix and Dovecot"; exit 77; }
[ -x "$publish" ] || { echo "FAIL: $publish is not built"; exit 1; }

SMTP=18525 SUBMISSION=18587 NOTLS=18526 SMTPS=18465 IMAP=18143 IMAPS=18993 LMTP=18424
DOMAIN=mailstatus.test
peers_workdir email
trap peers_cleanup EXIT
W=$PEERS_DIR
PF=$W/postfix DC=$W/dovecot
sample="$top_srcdir/samples/publisher"
T0=$(sed -n 's/^[[:space:]]*created=//p' "$sample/status.dat" | head -n 1)
RELAY_PW="relay-pw-$RANDOM$RANDOM"

# --- Postfix and Dovecot -------------------------------------------------------------
for u in alice bob carol dave; do printf '%s@%s OK\n' "$u" "$DOMAIN"; done >"$W/vmailbox"
printf '/^Message-ID:/ WARN\n' >"$W/header_checks"
postfix_setup "$PF" "$SMTP" \
	"virtual_mailbox_domains = $DOMAIN" \
	"virtual_mailbox_maps = texthash:$W/vmailbox" \
	"virtual_transport = lmtp:inet:127.0.0.1:$LMTP" \
	'smtpd_sasl_type = dovecot' 'smtpd_sasl_path = private/auth' \
	'smtpd_tls_security_level = may' 'smtpd_tls_auth_only = yes' \
	"smtpd_tls_cert_file = $DC/cert.pem" "smtpd_tls_key_file = $DC/key.pem" \
	"header_checks = regexp:$W/header_checks" || { echo "FAIL: Postfix set-up"; exit 1; }
postfix_add_submission "$PF" "$SUBMISSION"
postconf -c "$PF/etc" -M "$NOTLS/inet=$NOTLS inet n - n - - smtpd"
postconf -c "$PF/etc" -P "$NOTLS/inet/smtpd_tls_security_level=none"
postconf -c "$PF/etc" -M "$SMTPS/inet=$SMTPS inet n - n - - smtpd"
postconf -c "$PF/etc" -P "$SMTPS/inet/smtpd_tls_wrappermode=yes"
# the first attempts are deferred once their message is read
postconf -c "$PF/etc" -P "$SUBMISSION/inet/smtpd_end_of_data_restrictions=defer"
dovecot_setup "$DC" "$IMAP" "$IMAPS" "$LMTP" "$PF/spool/private/auth" ||
	{ echo "FAIL: Dovecot set-up"; exit 1; }
for u in alice bob carol dave; do dovecot_add_user "$DC" "$u@$DOMAIN" "${u}pw"; done
dovecot_add_user "$DC" "status@$DOMAIN" "$RELAY_PW"
dovecot_start "$DC" || { echo "FAIL: Dovecot did not start"; exit 1; }
postfix_start "$PF" || { echo "FAIL: Postfix did not start"; exit 1; }
# a certificate of another CA, for a relay the publisher must not trust
openssl req -x509 -newkey rsa:2048 -nodes -days 3 -subj /CN=other -keyout "$W/other.key" \
	-out "$W/other.pem" 2>/dev/null

printf '%s\n' "$RELAY_PW" >"$W/smtp.pw"
chmod 600 "$W/smtp.pw"

# conf FILE STORE SMTP-LINES SUBSCRIBERS: the sample with [smtp] and e-mail subscribers
conf() {
	sed -e "s|^output_dir = .*|output_dir = $W/www|" -e "s|^store = .*|store = $2|" \
		-e "s|^source = .*|source = statusdat:$sample/status.dat|" \
		-e "s|^stale_after = 0|stale_after = 0\ndeliver_timeout = 10|" \
		"$sample/publish.conf" >"$1"
	printf '\n[smtp]\nfrom = status@%s\nlist_unsubscribe = mailto:unsubscribe@%s?subject=unsubscribe\n%s\n' \
		"$DOMAIN" "$DOMAIN" "$3" >>"$1"
	for s in $4; do
		printf '\n[subscriber %s]\nemail = %s@%s\n' "$s" "$s" "$DOMAIN" >>"$1"
		[ "$s" = bob ] && printf 'clusters = email-cluster-b\n' >>"$1"
	done
	return 0
}
AUTH="url = smtp://127.0.0.1:$SUBMISSION
user = status@$DOMAIN
password_file = $W/smtp.pw
ca_file = $DC/cert.pem"
conf "$W/publish.conf" "$W/state/publish.db" "$AUTH" "alice bob nobody"

all_out=$W/all-output	# every command's output, checked for the password at the end
run_logged() {	# OUT COMMAND...: the command's stdout and stderr in OUT (and in all_out)
	_out=$1
	shift
	"$@" >"$_out" 2>&1
	_rc=$?
	cat "$_out" >>"$all_out"
	return $_rc
}
P() { "$publish" -c "$W/publish.conf" "$@"; }
db() { sqlite3 "file:$1?mode=ro" "$2"; }

# --- 1. a run: Postfix defers at the end of data; nobody is unknown --------------------
if run_logged "$W/out" P -v run --now "@$T0"; then
	check_ok "run exits 0 while the relay defers: $(grep pending "$W/out")"
else
	check_fail "run failed: $(cat "$W/out")"
fi
grep -q '^0 delivered, 5 to be tried again, 4 failed for good, 0 not finished within deliver_budget; 5 deliveries pending$' "$W/out" &&
	check_ok "alice's 4 and bob's 1 deliveries deferred, nobody's 4 failed" ||
	check_fail "run -v: $(tail -n 3 "$W/out")"
grep -q "subscriber nobody, post [0-9]*: failed for good after 1 attempt(s): the relay refused the message for good: '550 5.1.1 <nobody@$DOMAIN>: Recipient address rejected: User unknown" "$W/out" &&
	check_ok "an unknown recipient is failed for good with Postfix's reply" ||
	check_fail "no 550 for nobody: $(cat "$W/out")"
run_logged "$W/list" P list --deliveries
grep -q "alice *pending *1 attempt(s), next" "$W/list" &&
	grep -q "last error: the relay deferred the message: '4[0-9][0-9] " "$W/list" &&
	check_ok "list --deliveries: alice pending, deferred with Postfix's 4xx reply" ||
	check_fail "list --deliveries: $(cat "$W/list")"

# --- 2. the restriction lifted: deliver sends the rest ----------------------------------
postconf -c "$PF/etc" -PX "$SUBMISSION/inet/smtpd_end_of_data_restrictions"
postfix -c "$PF/etc" reload >/dev/null 2>&1
sleep 1
run_logged "$W/out" P -v deliver --now "@$((T0 + 31))" &&
	grep -q '^5 delivered, 0 to be tried again, 0 failed for good, 0 not finished within deliver_budget; 0 deliveries pending$' "$W/out" &&
	check_ok "deliver after the backoff: $(grep pending "$W/out")" ||
	check_fail "deliver: $(cat "$W/out")"
run_logged "$W/out" P -v deliver --now "@$((T0 + 3600))" &&
	grep -q '^0 delivered, 0 to be tried again, 0 failed for good' "$W/out" &&
	check_ok "a second deliver sends nothing again" || check_fail "deliver: $(cat "$W/out")"
# Postfix delivers over LMTP in its own time
for _ in $(seq 1 100); do
	[ "$(ls "$DC/mail/$DOMAIN/alice/Maildir/new" 2>/dev/null | wc -l)" -ge 4 ] &&
		[ "$(ls "$DC/mail/$DOMAIN/bob/Maildir/new" 2>/dev/null | wc -l)" -ge 1 ] && break
	sleep 0.1
done
sleep 0.5

# --- 3. the mailboxes, over IMAP ---------------------------------------------------------
# check_mailbox USER CLUSTER: USER's INBOX against the store (CLUSTER: only its posts)
check_mailbox() {
	$py - "$1" "${1}pw" "$IMAP" "$W/state/publish.db" "$PF/maillog" "${2:-}" "$DOMAIN" <<'PY'
import datetime, email, email.header, email.policy, email.utils, imaplib, re, sqlite3, sys
user, pw, port, db, maillog, cluster, domain = sys.argv[1:8]
def ok(m): print("ok: %s: %s" % (user, m))
def fail(m): print("FAIL: %s: %s" % (user, m))
con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
rows = con.execute(
    "SELECT d.id, d.state, d.attempts, p.id, p.title, p.cluster, p.published_at, p.body_html "
    "FROM deliveries d JOIN posts p ON p.id = d.post WHERE d.subscriber = ?", (user,)).fetchall()
want_posts = con.execute("SELECT id FROM posts WHERE retracted_at IS NULL %s" %
                         ("AND cluster = ?" if cluster else ""),
                         (cluster,) if cluster else ()).fetchall()
imap = imaplib.IMAP4("127.0.0.1", int(port))
imap.login("%s@%s" % (user, domain), pw)
imap.select("INBOX", readonly=True)
_, data = imap.search(None, "ALL")
msgs = []
for num in data[0].split():
    _, fetched = imap.fetch(num, "(RFC822)")
    msgs.append(fetched[0][1])
imap.logout()
if len(msgs) == len(want_posts) == len(rows):
    ok("%d messages, one per post it should get, %d deliveries" % (len(msgs), len(rows)))
else:
    fail("%d messages, %d posts it should get, %d deliveries" % (len(msgs), len(want_posts), len(rows)))
seen = re.findall(r"header Message-ID: (<[^>]*>) from .* to=<%s@" % re.escape(user),
                  open(maillog, errors="replace").read())
by_id = {"<%s@status.example.com>" % r[0]: r for r in rows}
problems = []
for raw in msgs:
    for line in raw.split(b"\r\n"):
        if len(line) > 998 or any(b > 127 for b in line):
            problems.append("a line of the message is not 7-bit or longer than 998")
            break
    m = email.message_from_bytes(raw, policy=email.policy.default)
    h_raw = email.message_from_bytes(raw)	# the headers as they are written
    mid = h_raw["Message-ID"]
    r = by_id.get(mid)
    if r is None:
        problems.append("Message-ID %s is no delivery of %s" % (mid, user))
        continue
    did, state, attempts, post, title, pcluster, published, body_html = r
    if state != "delivered" or attempts != 2:
        problems.append("delivery %s: %s after %d attempts (want delivered after 2)" % (did, state, attempts))
    if seen.count(mid) != 2:
        problems.append("Message-ID %s was read by Postfix %d times (want 2: deferred, then delivered)" % (mid, seen.count(mid)))
    want = {
        "From": '"Example Hosting System Status" <status@%s>' % domain,
        "To": "%s@%s" % (user, domain),
        "Subject": title,
        "Date": email.utils.format_datetime(datetime.datetime.fromtimestamp(published, datetime.timezone.utc)),
        "List-Id": '"Example Hosting System Status" <example-hosting-system-status.status.example.com>',
        "List-Unsubscribe": "<mailto:unsubscribe@%s?subject=unsubscribe>" % domain,
        "Auto-Submitted": "auto-generated",
        "X-Mailstatus-Delivery": did,
        "MIME-Version": "1.0",
    }
    for h, v in want.items():
        got = h_raw[h]
        if got is not None:	# unfolded
            got = re.sub(r"\r?\n(?=[ \t])", "", got)
        if h == "Subject" and got is not None:
            got = str(email.header.make_header(email.header.decode_header(got)))
        if got != v:
            problems.append("%s: %s is '%s', want '%s'" % (mid, h, got, v))
    if m.get_content_type() != "multipart/alternative":
        problems.append("%s is %s" % (mid, m.get_content_type()))
    parts = {p.get_content_type(): p for p in m.iter_parts()}
    if set(parts) != {"text/plain", "text/html"}:
        problems.append("%s has parts %s" % (mid, sorted(parts)))
        continue
    text = parts["text/plain"].get_content().replace("\r\n", "\n")
    html = parts["text/html"].get_content()
    url = "https://status.example.com/posts/%d.html" % post
    body = re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", body_html)).strip()
    first = body.split(". ")[0][:40]
    flat = re.sub(r"\s+", " ", text)
    if not (text.startswith(title + "\n") and first in flat and url in text and "unsubscribe@%s" % domain in text):
        problems.append("%s: the plain part lacks the title, '%s', the URL or the unsubscribe address: %r" % (mid, first, text[:300]))
    if not ("<h1>%s</h1>" % title.replace("&", "&amp;") in html and 'href="%s"' % url in html and first in re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", html))):
        problems.append("%s: the HTML part lacks the title, the link or '%s': %r" % (mid, first, html[:300]))
    if cluster and pcluster != cluster:
        problems.append("%s: a post of %s" % (mid, pcluster))
    received = " ".join(str(v) for v in m.get_all("Received", []))
    if "ESMTPSA" not in received:
        problems.append("%s did not come over TLS with AUTH: %s" % (mid, received[:200]))
if problems:
    for p in problems:
        fail(p)
else:
    ok("From, To, Subject, Date, Message-ID <delivery-id@status.example.com>, List-Id, "
       "List-Unsubscribe, both parts right; each Message-ID read by Postfix twice "
       "(deferred, delivered); over STARTTLS with AUTH (ESMTPSA)")
PY
}
out=$(check_mailbox alice; check_mailbox bob email-cluster-b)
printf '%s\n' "$out"
failures=$((failures + $(printf '%s\n' "$out" | grep -c '^FAIL:')))

# --- 4. STARTTLS required: no TLS, an untrusted certificate, then insecure = yes ----------
S2=$W/state2/publish.db
conf "$W/notls.conf" "$S2" "url = smtp://127.0.0.1:$NOTLS" carol
run_logged "$W/out" "$publish" -c "$W/notls.conf" -v run --now "@$T0"
run_logged "$W/list" "$publish" -c "$W/notls.conf" list --deliveries
[ "$(db "$S2" "SELECT count(*) FROM deliveries WHERE state = 'pending' AND attempts = 1")" = 4 ] &&
	grep -q "last error: the relay offers no STARTTLS, and \[smtp\] requires it" "$W/list" &&
	check_ok "a relay without STARTTLS: tried again, with the reason" ||
	check_fail "no TLS: $(cat "$W/out" "$W/list")"
conf "$W/othertls.conf" "$S2" "url = smtp://127.0.0.1:$SMTP
ca_file = $W/other.pem" carol
run_logged "$W/out" "$publish" -c "$W/othertls.conf" -v deliver --now "@$((T0 + 31))"
run_logged "$W/list" "$publish" -c "$W/othertls.conf" list --deliveries
[ "$(db "$S2" "SELECT count(*) FROM deliveries WHERE state = 'pending' AND attempts = 2")" = 4 ] &&
	grep -q "last error: TLS with the relay failed: " "$W/list" &&
	check_ok "a certificate another CA signed: tried again, $(grep -m1 'last error' "$W/list" | sed 's/^ *//')" ||
	check_fail "untrusted certificate: $(cat "$W/out" "$W/list")"
n=$(ls "$DC/mail/$DOMAIN/carol/Maildir/new" 2>/dev/null | wc -l)
[ "$n" -eq 0 ] && check_ok "carol got nothing without verified TLS" || check_fail "carol got $n messages"
conf "$W/insecure.conf" "$S2" "url = smtp://127.0.0.1:$NOTLS
insecure = yes" carol
run_logged "$W/out" "$publish" -c "$W/insecure.conf" -v deliver --now "@$((T0 + 120))" &&
	grep -q '^4 delivered, 0 to be tried again' "$W/out" &&
	check_ok "insecure = yes sends without STARTTLS: $(grep pending "$W/out")" ||
	check_fail "insecure: $(cat "$W/out")"
for _ in $(seq 1 100); do
	[ "$(ls "$DC/mail/$DOMAIN/carol/Maildir/new" 2>/dev/null | wc -l)" -ge 4 ] && break
	sleep 0.1
done
n=$(ls "$DC/mail/$DOMAIN/carol/Maildir/new" 2>/dev/null | wc -l)
[ "$n" -eq 4 ] && check_ok "carol got the 4 posts" || check_fail "carol got $n messages"

# --- 5. smtps://: TLS from the first byte, verified -------------------------------------
conf "$W/smtps.conf" "$W/state3/publish.db" "url = smtps://127.0.0.1:$SMTPS
ca_file = $DC/cert.pem" dave
run_logged "$W/out" "$publish" -c "$W/smtps.conf" -v run --now "@$T0" &&
	grep -q '^4 delivered, 0 to be tried again' "$W/out" &&
	check_ok "smtps:// with ca_file: $(grep pending "$W/out")" || check_fail "smtps: $(cat "$W/out")"
for _ in $(seq 1 100); do
	[ "$(ls "$DC/mail/$DOMAIN/dave/Maildir/new" 2>/dev/null | wc -l)" -ge 4 ] && break
	sleep 0.1
done
n=$(grep -l ' with ESMTPS ' "$DC/mail/$DOMAIN/dave/Maildir/new"/* 2>/dev/null | wc -l)
[ "$n" -eq 4 ] && check_ok "dave got the 4 posts over TLS (ESMTPS)" || check_fail "dave got $n messages over TLS"

# --- 6. a wrong password: the login refused, tried again --------------------------------
printf 'not-the-%s\n' "$RELAY_PW" >"$W/wrong.pw"
chmod 600 "$W/wrong.pw"
conf "$W/wrongpw.conf" "$W/state4/publish.db" "url = smtp://127.0.0.1:$SUBMISSION
user = status@$DOMAIN
password_file = $W/wrong.pw
ca_file = $DC/cert.pem" dave
run_logged "$W/out" "$publish" -c "$W/wrongpw.conf" -v run --now "@$T0"
run_logged "$W/list" "$publish" -c "$W/wrongpw.conf" list --deliveries
grep -q '^0 delivered, 4 to be tried again' "$W/out" &&
	grep -q "last error: the relay refused the login of \[smtp\] user: '535 5.7.8 .*'; check user and password_file" "$W/list" &&
	check_ok "a refused login is tried again: $(grep -m1 'last error' "$W/list" | sed 's/^ *//')" ||
	check_fail "wrong password: $(cat "$W/out" "$W/list")"

# --- 7. the password in no output ----------------------------------------------------------
run_logged "$W/list" P -vv list --deliveries
run_logged "$W/out" P -vv deliver --now "@$((T0 + 7200))"
# the password as it is, and as AUTH PLAIN and AUTH LOGIN carry it (base64)
plain64=$(printf '\0%s\0%s' "status@$DOMAIN" "$RELAY_PW" | base64 -w0)
login64=$(printf '%s' "$RELAY_PW" | base64 -w0)
if grep -qF -e "$RELAY_PW" -e "$plain64" -e "$login64" "$all_out"; then
	check_fail "the relay's password is in the output"
else
	check_ok "the relay's password (as it is, or base64 as AUTH PLAIN or LOGIN send it) is in no command's output ($(wc -l <"$all_out") lines)"
fi

[ "$failures" -eq 0 ]
