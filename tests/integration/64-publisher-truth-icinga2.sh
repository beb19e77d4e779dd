#!/bin/bash
# mailstatus-publish tells only what is true, against a real Icinga 2's
# REST API, as it does on Nagios (63-publisher-truth.sh):
#   - an object Icinga has never checked is reported and unknown (pending),
#     not a missing member that stops the run; after a restart without
#     Icinga's state, a CRITICAL member that is not checked again resolves
#     no incident;
#   - a service whose active checks are disabled is unknown once its last
#     check is more than stale_after overdue; one checked every 30 s is not
#     stale before it is due;
#   - service checks disabled for the whole of Icinga (the IcingaApplication)
#     is stale monitoring: exit 3, unknown everywhere in status.json;
#   - source = icinga2:http:// works only with api_allow_http = yes (here
#     through a plain-HTTP forwarder to the API); a member Icinga does not
#     have is a config error (exit 2, file and line).
set -u
. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/icinga2.sh"

publish="$top_builddir/mailstatus-publish"
py=/usr/bin/python3
PORT=15664
PLAIN=15663
NODE=master.e2e.test
STALE_AFTER=8

command -v icinga2 >/dev/null || { echo "skip: icinga2 is not installed"; exit 77; }
$py -c 'import feedparser' 2>/dev/null || { echo "skip: python3-feedparser is not installed"; exit 77; }
[ -x "$publish" ] || { echo "FAIL: $publish is not built"; exit 1; }

peers_workdir publisher-truth-icinga2
trap peers_cleanup EXIT
W=$PEERS_DIR
I=$W/icinga2
OUT=$W/www

icinga2_setup "$I" "$NODE" "$PORT" || { echo "FAIL: icinga2 setup"; exit 1; }
# objects FRESH-GREYLIST: gw1's greylist checked (yes) or never (no)
objects() {
	cat >"$I/objects.conf" <<OBJ
template Host "flip-host" {
  check_command = "flip"
  check_interval = 1s
  retry_interval = 1s
  max_check_attempts = 1
}
template Service "flip-service" {
  check_command = "flip"
  check_interval = 1s
  retry_interval = 1s
  max_check_attempts = 1
}
object Host "gw1.example.net" { import "flip-host"; vars.flip_name = "gw1" }
object Host "gw2.example.net" { import "flip-host"; vars.flip_name = "gw2" }
object Host "store1.example.net" { import "flip-host"; vars.flip_name = "store1" }
object Service "greylist" {
  import "flip-service"; host_name = "gw1.example.net"; vars.flip_name = "gw1-greylist"
  enable_active_checks = $([ "$1" = yes ] && echo true || echo false)
}
object Service "greylist" { import "flip-service"; host_name = "gw2.example.net"; vars.flip_name = "gw2-greylist" }
object Service "storage" { import "flip-service"; host_name = "store1.example.net"; vars.flip_name = "store1-storage" }
object Service "slow" {
  import "flip-service"; host_name = "store1.example.net"; vars.flip_name = "store1-storage"
  check_interval = 30s
}
object Service "fresh" {
  import "flip-service"; host_name = "store1.example.net"; vars.flip_name = "store1-storage"
  enable_active_checks = false
}
OBJ
	chown nagios:nagios "$I/objects.conf"
}
objects yes
for f in gw1 gw2 store1; do icinga2_flip "$I" "$f" 0 "PING OK"; done
for f in gw2-greylist store1-storage; do icinga2_flip "$I" "$f" 0 "OK - fine"; done
icinga2_flip "$I" gw1-greylist 2 "GREYLIST CRITICAL - no answer"
icinga2_start "$I" || { echo "FAIL: Icinga 2 did not start"; tail -5 "$I/daemon.out"; exit 1; }
icinga2_recheck "$I" store1.example.net slow
for o in gw1:greylist:2 gw2:greylist:0 store1:storage:0 store1:slow:0; do
	IFS=: read -r h s st <<EOF
$o
EOF
	icinga2_wait "$I" "$h.example.net" "$s" "$st" || { echo "FAIL: no first check of $o"; exit 1; }
done
cp "$I/api.pw" "$W/api.pw"
chmod 600 "$W/api.pw"

write_conf() {	# FILE SOURCE [MORE-PUBLISHER-LINES]
	cat >"$1" <<CONF
[publisher]
title = Example Hosting System Status
base_url = https://status.example.com/
output_dir = $OUT
store = $W/state/publish.db
source = $2
api_user = mailstatus
api_password_file = $W/api.pw
api_ca_file = $I/ca.crt
api_server_name = $NODE
hold_down = 0
stale_after = $STALE_AFTER
${3:-}

[cluster email-cluster-a]
name = Email Cluster A
service = Email Service

[component email-cluster-a incoming]
name = Incoming Mail
member = gw1.example.net!greylist = AV/GreyListing 1
member = gw2.example.net!greylist = AV/GreyListing 2

[cluster email-cluster-b]
name = Email Cluster B
service = Email Service

[component email-cluster-b storage]
name = Mail Storage
member = store1.example.net!storage = Mail Storage 1

[component email-cluster-b archive]
name = Archive
member = store1.example.net!slow = Archive 1

[cluster email-cluster-c]
name = Email Cluster C
service = Email Service

[component email-cluster-c new]
name = New Storage
member = store1.example.net!fresh = New Storage 1
member = store1.example.net!storage = Mail Storage 1
CONF
}
write_conf "$W/publish.conf" "icinga2:https://127.0.0.1:$PORT"

run() {
	out=$("$publish" -c "$W/publish.conf" "$@" 2>&1)
	rc=$?
}

titles() {
	$py - "$OUT/feeds/$1" <<'PY'
import sys, feedparser
for e in feedparser.parse(sys.argv[1]).entries:
    print(e.title)
PY
}

js() {
	$py -c 'import json, sys
j = json.load(open(sys.argv[1]))
def cl(s): return [c for c in j["clusters"] if c["slug"] == s][0]
def member(s, name): return [m for c in cl(s)["components"] for m in c["members"] if m["name"] == name][0]
print(eval(sys.argv[2]))' "$OUT/status.json" "$1" 2>&1
}

expect_js() {	# NAME EXPR WANT
	_got=$(js "$2")
	[ "$_got" = "$3" ] && check_ok "$1" || check_fail "$1: $2 is '$_got', want '$3'"
}

# --- 1. an object Icinga never checked is reported, and unknown ---------------
run run
[ "$rc" -eq 0 ] && check_ok "a never-checked object does not stop the run (exit 0)" ||
	check_fail "first run: exit $rc: $out"
[ "$(titles email-cluster-a.rss)" = "Email Cluster A is Degraded" ] &&
	check_ok "gw1 CRITICAL: Email Cluster A is Degraded" || check_fail "Cluster A: $(titles email-cluster-a.rss)"
expect_js "the never-checked service is unknown" 'member("email-cluster-c", "New Storage 1")["state"]' unknown
expect_js "... and its cluster is unknown, not online" 'cl("email-cluster-c")["state"]' unknown

# --- 2. one service's active checks are disabled: unknown once overdue; the
# 30 s check is not stale yet
icinga2_api "$I" POST '/v1/objects/services/gw2.example.net!greylist' \
	'{"attrs":{"enable_active_checks":false}}' >/dev/null || check_fail "could not disable the check"
sleep $((STALE_AFTER + 4))
run run
[ "$rc" -eq 0 ] && check_ok "one stale member: exit 0" || check_fail "exit $rc: $out"
expect_js "the service whose checks were disabled is unknown" \
	'member("email-cluster-a", "AV/GreyListing 2")["state"]' unknown
expect_js "the 30 s check is not stale after $((STALE_AFTER + 4)) s" \
	'member("email-cluster-b", "Archive 1")["state"]' up
icinga2_api "$I" POST '/v1/objects/services/gw2.example.net!greylist' \
	'{"attrs":{"enable_active_checks":true}}' >/dev/null || check_fail "could not enable the check"

# --- 3. service checks disabled for all of Icinga: stale
icinga2_api "$I" POST /v1/objects/icingaapplications/app \
	'{"attrs":{"enable_service_checks":false}}' >/dev/null || check_fail "could not disable checks"
run run
[ "$rc" -eq 3 ] && case $out in *"no active service checks"*) true ;; *) false ;; esac &&
	check_ok "service checks disabled in Icinga: exit 3, '$out'" || check_fail "checks disabled: exit $rc: $out"
expect_js "status.json: stale, every state unknown" \
	'(j["stale"], sorted(set([c["state"] for c in j["clusters"]] + [m["state"] for c in j["clusters"] for k in c["components"] for m in k["members"]])))' \
	"(True, ['unknown'])"
expect_js "... the last known beside it" 'cl("email-cluster-a")["last_known_state"]' degraded
icinga2_api "$I" POST /v1/objects/icingaapplications/app \
	'{"attrs":{"enable_service_checks":true}}' >/dev/null || check_fail "could not enable checks"
icinga2_recheck "$I" gw2.example.net greylist
icinga2_wait "$I" gw2.example.net greylist 0 || check_fail "gw2 not checked again"
run run
[ "$rc" -eq 0 ] && check_ok "checks enabled again: exit 0" || check_fail "checks again: exit $rc: $out"

# --- 4. Icinga restarts without its state, and gw1's greylist (CRITICAL,
# incident 1) is not checked any more: pending, not up; incident 1 stays open
icinga2_stop "$I"
rm -f "$I/lib/icinga2.state"
objects no
icinga2_start "$I" || check_fail "Icinga did not restart"
icinga2_wait "$I" gw2.example.net greylist 0 || check_fail "gw2 not checked after the restart"
[ "$(icinga2_attr "$I" gw1.example.net greylist last_check_result)" = "" ] &&
	check_ok "Icinga has no check result for gw1!greylist" || check_fail "gw1!greylist was checked"
run run
[ "$rc" -eq 0 ] && check_ok "the restarted Icinga: exit 0" || check_fail "after the restart: exit $rc: $out"
[ "$(titles email-cluster-a.rss)" = "Email Cluster A is Degraded" ] &&
	check_ok "no 'Online' post: the unchecked member is not up" ||
	check_fail "after the restart: $(titles email-cluster-a.rss | tr '\n' '|')"
run list
case $out in
*"1      open"*) check_ok "incident 1 is still open" ;;
*) check_fail "incident 1: $out" ;;
esac
expect_js "gw1 is unknown, last known down" \
	'member("email-cluster-a", "AV/GreyListing 1")["state"] + "/" + member("email-cluster-a", "AV/GreyListing 1")["last_known_state"]' \
	unknown/down

# --- 5. icinga2:http:// only when allowed: through a plain-HTTP forwarder to
# the API, as behind a proxy on the same machine
$py - "$PLAIN" "$PORT" "$I/ca.crt" "$NODE" >"$W/forwarder.log" 2>&1 <<'PY' &
# A reverse proxy that reads each request whole and sends it on over TLS
# (one request at a time per connection, as an HTTP proxy does), so that
# keep-alive and request bodies pass through unchanged.
import http.client, http.server, ssl, sys
plain, port, ca, name = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=ca)
ctx.check_hostname = False  # the API's certificate names NODE; we dial 127.0.0.1

class Forward(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def forward(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("connection", "keep-alive", "expect")}
        up = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=30)
        up.request(self.command, self.path, body=body, headers=headers)
        r = up.getresponse()
        data = r.read()
        self.send_response(r.status, r.reason)
        for k, v in r.getheaders():
            if k.lower() not in ("connection", "keep-alive", "transfer-encoding", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        up.close()

    do_GET = do_POST = do_PUT = do_DELETE = forward

    def log_message(self, fmt, *args):
        sys.stderr.write("forwarder: " + (fmt % args) + "\n")

http.server.ThreadingHTTPServer.allow_reuse_address = True
http.server.ThreadingHTTPServer(("127.0.0.1", plain), Forward).serve_forever()
PY
echo $! >"$W/forwarder.pid"
peers_on_cleanup "stop_pid $(cat "$W/forwarder.pid")"
wait_port 127.0.0.1 "$PLAIN" 10 || check_fail "the forwarder does not listen"
write_conf "$W/http.conf" "icinga2:http://127.0.0.1:$PLAIN"
line=$(grep -n '^source' "$W/http.conf" | cut -d: -f1)
out=$("$publish" -c "$W/http.conf" run 2>&1); rc=$?
[ "$rc" -eq 2 ] && case $out in *"$W/http.conf:$line: source: "*"password in clear"*) true ;; *) false ;; esac &&
	check_ok "icinga2:http:// is refused: $out" || check_fail "http refused: exit $rc: $out"
write_conf "$W/http.conf" "icinga2:http://127.0.0.1:$PLAIN" "api_allow_http = yes"
out=$("$publish" -c "$W/http.conf" run 2>&1); rc=$?
[ "$rc" -eq 0 ] && check_ok "icinga2:http:// with api_allow_http = yes reads the API" ||
	check_fail "http allowed: exit $rc: $out"

# --- 6. a member Icinga does not have: exit 2, the file and the line
write_conf "$W/missing.conf" "icinga2:https://127.0.0.1:$PORT"
sed -i 's/^member = gw2.example.net!greylist/member = gw9.example.net!greylist/' "$W/missing.conf"
line=$(grep -n '^member = gw9' "$W/missing.conf" | cut -d: -f1)
out=$("$publish" -c "$W/missing.conf" run 2>&1); rc=$?
[ "$rc" -eq 2 ] && case $out in *"$W/missing.conf:$line: "*"does not report gw9.example.net!greylist"*) true ;; *) false ;; esac &&
	check_ok "a member Icinga does not have: $out" || check_fail "missing member: exit $rc: $out"

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
