#!/bin/bash
# Webhook subscribers: a receiver on loopback (tests/peers/webhook_receiver.py,
# the customer's code: it logs every request and checks its signature and
# body) answers as each step sets it: ok, 500, hanging, 410, or down (not
# running). mailstatus-publish runs the sample's status.dat (four posts,
# three of Cluster A's incident), an operator's post withdrawn before it
# was sent, and `deliver --now` steps past each backoff. Asserted:
#   - each subscriber gets exactly the posts it should (clusters, events),
#     after deduplication by X-Mailstatus-Delivery, each post under one id
#     however often it was retried, every signature and body right;
#   - 500, a hang (deliver_timeout) and no connection are tried again,
#     with the backoff; 410 is failed for good, said on stderr and in
#     `list --deliveries`; 500 forever is given up after deliver_give_up;
#   - a run with a receiver down publishes the site and exits 0 (at -v it
#     says how many deliveries are pending); deliver_budget bounds how long
#     a run waits for a hanging receiver;
#   - a withdrawn post is never sent; no secret in any output;
#   - https is verified: against ca_file, or the system's CAs (a receiver
#     they do not vouch for gets nothing and is tried again);
#   - the ten-line receiver of mailstatus-publish(1) accepts the posts and
#     refuses a forged signature.
set -u
. "$top_srcdir/tests/peers/common.sh"

publish="$top_builddir/mailstatus-publish"
py=/usr/bin/python3
receiver="$top_srcdir/tests/peers/webhook_receiver.py"
[ -x "$publish" ] || { echo "FAIL: $publish is not built"; exit 1; }

peers_workdir webhooks
trap peers_cleanup EXIT
W=$PEERS_DIR
PORT=18461 EXAMPLE_PORT=18462
sample="$top_srcdir/samples/publisher"
T0=$(sed -n 's/^[[:space:]]*created=//p' "$sample/status.dat" | head -n 1)
mkdir -p "$W/secrets" "$W/modes" "$W/state"
for s in all-ok flaky gone inc-a never example; do
	printf 'secret-of-%s-%s\n' "$s" "$RANDOM$RANDOM" >"$W/secrets/$s"
done
chmod 600 "$W/secrets"/*

conf() {	# FILE [EXTRA-PUBLISHER-LINES]: the sample with these subscribers
	sed -e "s|^output_dir = .*|output_dir = $W/www|" -e "s|^store = .*|store = $W/state/publish.db|" \
		-e "s|^source = .*|source = statusdat:$sample/status.dat|" \
		-e "s|^stale_after = 0|stale_after = 0\ndeliver_timeout = 2\n${2:-}|" \
		"$sample/publish.conf" >"$1"
	for s in all-ok flaky gone never; do
		printf '\n[subscriber %s]\nwebhook = http://127.0.0.1:%s/hook/%s\nsecret_file = %s\n' \
			"$s" "$PORT" "$s" "$W/secrets/$s" >>"$1"
	done
	printf '\n[subscriber inc-a]\nwebhook = http://127.0.0.1:%s/hook/inc-a\nsecret_file = %s\nclusters = email-cluster-a\nevents = incidents\n' \
		"$PORT" "$W/secrets/inc-a" >>"$1"
	printf '\n[subscriber example]\nwebhook = http://127.0.0.1:%s/\nsecret_file = %s\n' \
		"$EXAMPLE_PORT" "$W/secrets/example" >>"$1"
}
conf "$W/publish.conf"
conf "$W/budget.conf" "deliver_budget = 2"
sed -i 's/^deliver_timeout = 2/deliver_timeout = 60/' "$W/budget.conf"

receiver_pid=
start_receiver() {
	$py "$receiver" --port "$PORT" --log "$W/requests.log" --secrets "$W/secrets" \
		--modes "$W/modes" >/dev/null 2>&1 &
	receiver_pid=$!
	disown
	peers_on_cleanup "kill -9 $receiver_pid"
	wait_port 127.0.0.1 "$PORT" || check_fail "the receiver does not start"
}
stop_receiver() { stop_pid "$receiver_pid"; }
mode() { echo "$2" >"$W/modes/$1"; }

# the manual's receiver, its key file where the test keeps it
sed -n '/^\.\\" receiver-example/,/^\.\\" end of receiver-example/p' "$top_srcdir/man/mailstatus-publish.1" |
	grep -v '^\.' | sed -e 's/\\e/\\/g' -e "s|/etc/acme/mailstatus.key|$W/secrets/example|" \
	-e "s|(\"\", 8080)|(\"127.0.0.1\", $EXAMPLE_PORT)|" >"$W/example.py"
[ "$(wc -l <"$W/example.py")" -eq 10 ] && check_ok "the manual's receiver example has 10 lines" ||
	check_fail "the manual's receiver example has $(wc -l <"$W/example.py") lines"
$py -u "$W/example.py" >/dev/null 2>"$W/example.err" &
peers_on_cleanup "kill -9 $!"
disown
wait_port 127.0.0.1 "$EXAMPLE_PORT" || check_fail "the manual's receiver does not start: $(cat "$W/example.err")"

P() { "$publish" -c "$W/publish.conf" "$@"; }
all_out=$W/all-output	# every command's output, checked for secrets at the end
run_logged() {	# OUT COMMAND...: the command's stdout and stderr in OUT (and in all_out)
	_out=$1
	shift
	"$@" >"$_out" 2>&1
	_rc=$?
	cat "$_out" >>"$all_out"
	return $_rc
}

# --- 1. a run: all-ok, inc-a, example answer; flaky 500; gone 410; never 500 -----
start_receiver
mode all-ok ok; mode inc-a ok; mode flaky 500; mode gone 410; mode never 500
if run_logged "$W/out" P -v run --now "@$T0"; then
	check_ok "run exits 0 while receivers answer 500 and 410: $(grep -c . "$W/out") lines"
else
	check_fail "run failed: $(cat "$W/out")"
fi
# 4 posts: all-ok 4, inc-a 3 (Cluster A's incident), example 4 delivered;
# flaky and never 4 each to be tried again; gone 4 failed
grep -q '^11 delivered, 8 to be tried again, 4 failed for good, 0 not finished within deliver_budget; 8 deliveries pending$' "$W/out" &&
	check_ok "run -v says what it delivered and what is pending" ||
	check_fail "run -v: $(tail -n 3 "$W/out")"
grep -q 'subscriber gone, post [0-9]*: failed for good after 1 attempt(s): the receiver answered HTTP 410: refused for good' "$W/out" &&
	check_ok "a 410 is failed for good and said on stderr" ||
	check_fail "no 410 message: $(cat "$W/out")"
[ -s "$W/www/index.html" ] || check_fail "the site was not written"

# --- 2. an operator's post, withdrawn before it was sent -------------------------
printf 'This post is withdrawn before anyone gets it.\n' >"$W/msg.txt"
run_logged "$W/out" P post --cluster email-cluster-a --title "Withdrawn at once" \
	--message-file "$W/msg.txt" --now "@$((T0 + 10))" || check_fail "post: $(cat "$W/out")"
wid=$(sqlite3 "file:$W/state/publish.db?mode=ro" "SELECT max(id) FROM posts")
queued=$(sqlite3 "file:$W/state/publish.db?mode=ro" "SELECT count(*) FROM deliveries WHERE post = $wid AND state = 'pending'")
[ "$queued" = 5 ] && check_ok "the operator's post was queued for the 5 subscribers of every post with it" ||
	check_fail "post $wid queued for $queued subscribers (want 5)"
run_logged "$W/out" P retract "$wid" --now "@$((T0 + 11))" || check_fail "retract: $(cat "$W/out")"

# --- 3. flaky hangs: deliver past the first backoff ---------------------------------
mode flaky hang
t=$(date +%s)
run_logged "$W/out" P -v deliver --now "@$((T0 + 31))" && check_ok "deliver exits 0 while flaky hangs (deliver_timeout 2): $(tail -n 1 "$W/out")" ||
	check_fail "deliver failed: $(cat "$W/out")"
[ $(( $(date +%s) - t )) -lt 30 ] || check_fail "deliver took $(( $(date +%s) - t ))s with a hanging receiver"
att=$(sqlite3 "file:$W/state/publish.db?mode=ro" "SELECT group_concat(DISTINCT attempts) FROM deliveries WHERE subscriber = 'flaky' AND state = 'pending'")
[ "$att" = 2 ] && check_ok "flaky's deliveries tried twice (500, then hang), still pending" ||
	check_fail "flaky's attempts: '$att' (want 2)"

# --- 4. the receiver down: a run still publishes; deliver records no connection ----
stop_receiver
run_logged "$W/out" P -v run --now "@$((T0 + 95))" &&
	grep -q '^0 delivered, 8 to be tried again, 0 failed for good, 0 not finished within deliver_budget; 8 deliveries pending$' "$W/out" &&
	check_ok "run with the receiver down exits 0 and says: $(grep pending "$W/out")" ||
	check_fail "run with the receiver down: $(cat "$W/out")"
run_logged "$W/list" P list --deliveries
grep -q "^  [0-9]* *flaky *pending  3 attempt(s), next " "$W/list" &&
	grep -q "last error: .*\(Couldn't connect\|Connection refused\|Failed to connect\)" "$W/list" &&
	grep -q "gone *failed *1 attempt(s)" "$W/list" && grep -q "last error: the receiver answered HTTP 410" "$W/list" &&
	check_ok "list --deliveries shows flaky pending (no connection) and gone failed (410)" ||
	check_fail "list --deliveries: $(cat "$W/list")"

# --- 5. deliver_budget: a run does not wait for a hanging receiver ------------------
start_receiver
mode flaky hang
t=$(date +%s)
run_logged "$W/out" "$publish" -c "$W/budget.conf" -v run --now "@$((T0 + 400))"
took=$(( $(date +%s) - t ))
[ "$took" -lt 20 ] && grep -q ' 4 not finished within deliver_budget; 8 deliveries pending$' "$W/out" &&
	check_ok "with deliver_budget 2 and deliver_timeout 60 a run with a hanging receiver ends in ${took}s: $(grep pending "$W/out")" ||
	check_fail "budget: the run took ${took}s: $(cat "$W/out")"

# --- 6. everyone back: flaky gets all; never is given up after a day ---------------
mode flaky ok
run_logged "$W/out" P -v deliver --now "@$((T0 + 3 * 3600))" || check_fail "deliver: $(cat "$W/out")"
run_logged "$W/out" P -v deliver --now "@$((T0 + 86400 + 60))" || check_fail "deliver: $(cat "$W/out")"
grep -q 'subscriber never, post [0-9]*: failed for good after [0-9]* attempt(s): given up: the receiver answered HTTP 500' "$W/out" &&
	check_ok "a receiver answering 500 for a day is given up: $(grep -m1 'subscriber never' "$W/out")" ||
	check_fail "never is not given up: $(cat "$W/out")"
pending=$(sqlite3 "file:$W/state/publish.db?mode=ro" "SELECT count(*) FROM deliveries WHERE state = 'pending'")
[ "$pending" = 0 ] && check_ok "nothing is left pending" || check_fail "$pending deliveries pending"
run_logged "$W/out" P deliver --now "@$((T0 + 2 * 86400))" && [ ! -s "$W/out" ] &&
	check_ok "deliver with nothing due says nothing and exits 0" || check_fail "deliver: $(cat "$W/out")"

# --- 7. what each subscriber got ------------------------------------------------------
want=$(sqlite3 "file:$W/state/publish.db?mode=ro" "SELECT id || ' ' || cluster || ' ' || coalesce(incident, 0) FROM posts WHERE retracted_at IS NULL ORDER BY id")
result=$($py - "$W/requests.log" "$wid" "$W/state/publish.db" <<'PY'
import collections, json, sqlite3, sys
log, withdrawn, db = sys.argv[1], int(sys.argv[2]), sys.argv[3]
posts = {r[0]: (r[1], r[2]) for r in sqlite3.connect("file:%s?mode=ro" % db, uri=True).execute(
    "SELECT id, cluster, incident FROM posts WHERE retracted_at IS NULL")}
wants = {
    "all-ok": set(posts), "flaky": set(posts), "never": set(), "gone": set(),
    "inc-a": {p for p, (c, i) in posts.items() if c == "email-cluster-a" and i},
}
got = collections.defaultdict(set)
ids = collections.defaultdict(set)	# (name, post) -> delivery ids
requests = collections.Counter()
problems = []
for line in open(log):
    e = json.loads(line)
    if not e["sig_ok"]:
        problems.append("a bad signature for %s" % e["name"])
    if not e["shape_ok"] or e["event"] != "post" or e["content_type"] != "application/json":
        problems.append("a bad request for %s: %s" % (e["name"], line[:200]))
    post = e["body"]["post"]
    if post == withdrawn:
        problems.append("the withdrawn post %d was sent to %s" % (post, e["name"]))
    ids[(e["name"], post)].add(e["delivery"])
    requests[e["name"]] += 1
    if e["answer"] == "ok":
        got[e["name"]].add(post)
for name, want in wants.items():
    if got[name] != want:
        problems.append("%s got posts %s, want %s" % (name, sorted(got[name]), sorted(want)))
for key, v in ids.items():
    if len(v) != 1:
        problems.append("%s post %d came under %d ids" % (key[0], key[1], len(v)))
ok_once = all(requests_for == 1 for (n, p), requests_for in
              collections.Counter((json.loads(l)["name"], json.loads(l)["body"]["post"])
                                  for l in open(log)).items() if n == "all-ok")
if not ok_once:
    problems.append("all-ok got a post twice")
print("; ".join(problems[:6]) if problems else
      "counts %s, requests %s" % ({n: len(got[n]) for n in sorted(wants)}, dict(sorted(requests.items()))))
PY
)
case $result in
counts*) check_ok "after dedup by delivery id each subscriber got exactly its posts, each under one id, every signature right: $result" ;;
*) check_fail "deliveries: $result" ;;
esac
ex=$(sqlite3 "file:$W/state/publish.db?mode=ro" "SELECT count(*) FROM deliveries WHERE subscriber = 'example' AND state = 'delivered'")
nposts=$(printf '%s\n' "$want" | grep -c .)
[ "$ex" = "$nposts" ] && check_ok "the manual's ten-line receiver accepted all $ex posts" ||
	check_fail "the manual's receiver accepted $ex of $nposts posts: $(cat "$W/example.err" | tail -n 3)"
forged=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Mailstatus-Signature: t=1,v1=00' \
	-H 'Content-Type: application/json' --data '{"post":1}' "http://127.0.0.1:$EXAMPLE_PORT/")
[ "$forged" = 401 ] && check_ok "the manual's receiver refuses a forged signature (401)" ||
	check_fail "the manual's receiver answered $forged to a forged signature"

# --- 8. https: verified against ca_file; without it, refused and tried again ---------
TLS_PORT=18463
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1" \
	-days 2 -keyout "$W/tls.key" -out "$W/tls.pem" >/dev/null 2>&1 || check_fail "openssl cannot make a certificate"
for s in tls-ca tls-noca; do
	printf 'secret-of-%s-%s\n' "$s" "$RANDOM$RANDOM" >"$W/secrets/$s"
	chmod 600 "$W/secrets/$s"
done
$py "$receiver" --port "$TLS_PORT" --log "$W/tls.log" --secrets "$W/secrets" --cert "$W/tls.pem" \
	--key "$W/tls.key" >/dev/null 2>&1 &
peers_on_cleanup "kill -9 $!"
disown
wait_port 127.0.0.1 "$TLS_PORT" || check_fail "the https receiver does not start"
sed -e "s|^output_dir = .*|output_dir = $W/tls-www|" -e "s|^store = .*|store = $W/state/tls.db|" \
	-e "s|^source = .*|source = statusdat:$sample/status.dat|" \
	-e "s|^stale_after = 0|stale_after = 0\ndeliver_timeout = 5|" "$sample/publish.conf" >"$W/tls.conf"
printf '\n[subscriber tls-ca]\nwebhook = https://127.0.0.1:%s/hook/tls-ca\nsecret_file = %s\nca_file = %s\n' \
	"$TLS_PORT" "$W/secrets/tls-ca" "$W/tls.pem" >>"$W/tls.conf"
printf '\n[subscriber tls-noca]\nwebhook = https://127.0.0.1:%s/hook/tls-noca\nsecret_file = %s\n' \
	"$TLS_PORT" "$W/secrets/tls-noca" >>"$W/tls.conf"
run_logged "$W/out" "$publish" -c "$W/tls.conf" -v run --now "@$T0" || check_fail "run over https: $(cat "$W/out")"
got=$($py -c 'import json, sys; print(sorted(set((e["name"], e["sig_ok"]) for e in map(json.loads, open(sys.argv[1])))))' "$W/tls.log")
tls=$(sqlite3 "file:$W/state/tls.db?mode=ro" "SELECT subscriber || ' ' || state || ' ' || count(*) FROM deliveries GROUP BY subscriber, state ORDER BY subscriber")
err=$(sqlite3 "file:$W/state/tls.db?mode=ro" "SELECT DISTINCT last_error FROM deliveries WHERE subscriber = 'tls-noca'")
if [ "$got" = "[('tls-ca', True)]" ] && [ "$tls" = "tls-ca delivered 4
tls-noca pending 4" ] && printf '%s' "$err" | grep -qi 'certificate'; then
	check_ok "https: the receiver whose CA is ca_file got the 4 posts; the one the system's CAs do not vouch for got none (tried again: $err)"
else
	check_fail "https: receiver saw $got; store: $tls; tls-noca's error: $err"
fi

# --- 9. no secret anywhere ---------------------------------------------------------------
run_logged "$W/list" P -vv list --deliveries
leaks=
for s in "$W"/secrets/*; do
	grep -qF "$(head -n 1 "$s")" "$all_out" && leaks="$leaks $(basename "$s")"
done
[ -z "$leaks" ] && check_ok "no secret in any command's output ($(wc -l <"$all_out") lines)" ||
	check_fail "secrets in the output:$leaks"

[ "$failures" -eq 0 ]
