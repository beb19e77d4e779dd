#!/bin/bash
# mailstatus-publish on a real Icinga 2's REST API (source = icinga2:...):
# the test starts Icinga 2 with an API listener on 127.0.0.1 and a CA of
# its own, flips checks between OK and CRITICAL, schedules and removes
# downtimes and adds an acknowledgement through the API, runs the
# publisher after each step and reads its feeds with feedparser. It also
# proves the TLS verification (an unknown CA, a name the certificate does
# not carry) and the credentials (a wrong password) are refused, with
# nothing changed.
set -u
. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/icinga2.sh"

publish="$top_builddir/mailstatus-publish"
py=/usr/bin/python3
PORT=15665

command -v icinga2 >/dev/null || { echo "skip: icinga2 is not installed"; exit 77; }
$py -c 'import feedparser' 2>/dev/null || { echo "skip: python3-feedparser is not installed"; exit 77; }
[ -x "$publish" ] || { echo "FAIL: $publish is not built"; exit 1; }

peers_workdir icinga2-api
trap peers_cleanup EXIT
W=$PEERS_DIR
I=$W/icinga2
OUT=$W/www
NODE=master.e2e.test

icinga2_setup "$I" "$NODE" "$PORT" || { echo "FAIL: icinga2 setup"; exit 1; }
{
	cat <<'OBJ'
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
OBJ
	for h in gw1 gw2 bmx1 store1 store2 web1; do
		printf 'object Host "%s.example.net" { import "flip-host"; vars.flip_name = "%s" }\n' "$h" "$h"
	done
	for s in gw1:greylist gw2:greylist store1:storage store2:storage web1:webmail; do
		printf 'object Service "%s" { import "flip-service"; host_name = "%s.example.net"; vars.flip_name = "%s-%s" }\n' \
			"${s#*:}" "${s%%:*}" "${s%%:*}" "${s#*:}"
	done
} | icinga2_objects "$I"
for h in gw1 gw2 bmx1 store1 store2 web1; do icinga2_flip "$I" "$h" 0 "PING OK"; done
for s in gw1-greylist gw2-greylist store1-storage store2-storage web1-webmail; do
	icinga2_flip "$I" "$s" 0 "OK - fine"
done
# the webmail check's performance data, for its component's response-time strip
icinga2_flip "$I" web1-webmail 0 "OK - sent|'total'=0.52s;10;30;0 login=0.1s"
icinga2_start "$I" || { echo "FAIL: Icinga 2 did not start"; tail -5 "$I/daemon.out"; exit 1; }
# Every object checked once: a pending one is unknown, and its cluster with
# it (Icinga 2 spreads the first checks over the interval).
for o in gw1:- gw2:- bmx1:- store1:- store2:- web1:- gw1:greylist gw2:greylist \
	 store1:storage store2:storage web1:webmail; do
	icinga2_wait "$I" "${o%%:*}.example.net" "${o#*:}" 0 ||
		{ echo "FAIL: no first check result for $o"; exit 1; }
done

# The publisher's own copy of the password, readable by it alone.
cp "$I/api.pw" "$W/api.pw"
chmod 600 "$W/api.pw"

# write_conf EXTRA-PUBLISHER-LINES
write_conf() {
	cat >"$W/publish.conf" <<CONF
[publisher]
title = Example Hosting System Status
base_url = https://status.example.com/
output_dir = $OUT
store = $W/state/publish.db
source = icinga2:https://127.0.0.1:$PORT
api_user = mailstatus
api_password_file = $W/api.pw
hold_down = 0
$1

[cluster email-cluster-a]
name = Email Cluster A
service = Email Service

[component email-cluster-a incoming]
name = Incoming Mail
member = gw1.example.net!greylist = AV/GreyListing 1
member = gw2.example.net!greylist = AV/GreyListing 2
member = bmx1.example.net = Backup MX 1

[component email-cluster-a storage]
name = Mail Storage
member = store1.example.net!storage = Mail Storage 1
member = store2.example.net!storage = Mail Storage 2

[cluster email-cluster-b]
name = Email Cluster B
service = Email Service

[component email-cluster-b webmail]
name = Webmail
critical = no
member = web1.example.net!webmail = Web Service 1
metric = web1.example.net!webmail:total
CONF
}
good_tls="api_ca_file = $I/ca.crt
api_server_name = $NODE"

run() {
	out=$("$publish" -c "$W/publish.conf" "$@" 2>&1)
	rc=$?
}

titles() {
	$py - "$OUT/feeds/$1" <<'PY'
import sys, feedparser
d = feedparser.parse(sys.argv[1])
for e in d.entries:
    print("%s|%s" % (e.title, ",".join(t.term for t in e.get("tags", []))))
PY
}

first_body() {
	$py -c 'import sys,feedparser; print(feedparser.parse(sys.argv[1]).entries[0].content[0].value)' \
		"$OUT/feeds/$1" 2>/dev/null
}

flip() {	# NAME HOST SERVICE CODE TEXT
	icinga2_flip "$I" "$1" "$4" "$5"
	icinga2_recheck "$I" "$2" "$3"
	icinga2_wait "$I" "$2" "$3" "$4" || check_fail "Icinga did not take $2!$3 to $4"
}

# 1. TLS first: the system's CAs do not know Icinga's own CA
write_conf "api_server_name = $NODE"
run run
[ "$rc" -eq 1 ] && case $out in *"cannot read the monitoring state"*certificate*) true ;; *) false ;; esac &&
	check_ok "an unknown CA is refused: $out" || check_fail "unknown CA: exit $rc: $out"
[ ! -e "$W/state/publish.db" ] && [ ! -e "$OUT" ] &&
	check_ok "a run that cannot read the API creates nothing" || check_fail "something was created"

# ... nor is 127.0.0.1 the name in the certificate
write_conf "api_ca_file = $I/ca.crt"
run run
[ "$rc" -eq 1 ] && case $out in *"127.0.0.1"*) true ;; *) false ;; esac &&
	check_ok "a certificate for another name is refused: $out" || check_fail "name mismatch: exit $rc: $out"

# a wrong password: the API's 401, said in words
write_conf "$good_tls"
echo "not-the-password" >"$W/api.pw"
run run
[ "$rc" -eq 1 ] && case $out in *"HTTP 401"*"check api_user and api_password_file"*) true ;; *) false ;; esac &&
	check_ok "a wrong password: $out" || check_fail "wrong password: exit $rc: $out"
cp "$I/api.pw" "$W/api.pw"
# the password never shows in the process list or the messages
case $out in *"$(cat "$I/api.pw")"*) check_fail "the password appears in a message" ;; esac

# 2. all up: the run succeeds, the feeds are empty
run run
[ "$rc" -eq 0 ] && check_ok "first run on the API exits 0" || check_fail "first run: exit $rc: $out"
[ -z "$(titles email-cluster-a.rss)" ] && check_ok "all up: nothing to say" ||
	check_fail "all up, but: $(titles email-cluster-a.rss)"

# the webmail's response-time strip, from the API's performance_data: the
# value of its last check; then 700ms (in seconds), which replaces it
# when it came in the same minute
metric() {
	$py -c 'import json, sys
j = json.load(open(sys.argv[1]))
m = [co for c in j["clusters"] for co in c["components"] if "metric" in co][0]["metric"]
d = m["24h"]
print(m["object"], m["unit"], d["min"], d["median"], d["max"], d["samples"])' "$OUT/status.json" 2>&1
}
[ "$(metric)" = "Web Service 1 s 0.52 0.52 0.52 1" ] &&
	check_ok "the API's performance_data: Webmail's response time 0.52 s, 1 sample" ||
	check_fail "Webmail's metric after the first run: $(metric)"
flip web1-webmail web1.example.net webmail 0 "OK - sent|'total'=700ms;10000;30000;0"
_n=0
until icinga2_api "$I" GET "/v1/objects/services/web1.example.net!webmail?attrs=last_check_result" 2>/dev/null |
	grep -q "total'=700ms" || [ $_n -ge 100 ]; do sleep 0.1; _n=$((_n + 1)); done
run run
case $(metric) in
"Web Service 1 s 0.7 0.7 0.7 1" | "Web Service 1 s 0.52 0.61 0.7 2")
	check_ok "a later check's 700ms: in seconds, the minute's sample or the next: $(metric)" ;;
*) check_fail "Webmail's metric after 700ms: $(metric) ($out)" ;;
esac
grep -q 'Response time, last 24 h: min 0\.[0-9]* s' "$OUT/index.html" &&
	check_ok "index.html shows Webmail's response time" || check_fail "index.html has no response time"

# 3. a gateway fails: Degraded, incident 1; the post names the public name
flip gw1-greylist gw1.example.net greylist 2 "GREYLIST CRITICAL - no answer"
run run
[ "$(titles email-cluster-a.rss)" = "Email Cluster A is Degraded|Email Cluster A,Incident 1" ] &&
	check_ok "gateway CRITICAL in Icinga: Email Cluster A is Degraded, incident 1" ||
	check_fail "after the gateway failed: $(titles email-cluster-a.rss) ($out)"
first_body email-cluster-a.rss | grep -q "AV/GreyListing 1 is unavailable" &&
	check_ok "the post names AV/GreyListing 1" || check_fail "post: $(first_body email-cluster-a.rss)"

# an acknowledgement with a comment marked public through the API becomes an update
icinga2_api "$I" POST /v1/actions/acknowledge-problem \
	'{"type":"Service","filter":"host.name==\"gw1.example.net\" && service.name==\"greylist\"","author":"heather","comment":"public: Postgrey database locked"}' >/dev/null
run run
$py -c 'import sys,feedparser
d=feedparser.parse(sys.argv[1])
print("\n".join(e.title + "|" + e.content[0].value for e in d.entries))' "$OUT/feeds/email-cluster-a.rss" |
	grep -qi "identified\|Postgrey database locked" &&
	check_ok "the acknowledgement reaches the incident" ||
	check_fail "no trace of the acknowledgement: $(titles email-cluster-a.rss)"

# a run on the same state publishes nothing new
n_before=$(titles email-cluster-a.rss | wc -l)
run run
[ "$(titles email-cluster-a.rss | wc -l)" -eq "$n_before" ] &&
	check_ok "the same API state twice publishes nothing new" || check_fail "a second run added posts"

# 4. the gateway is back: Online, [Resolved]
flip gw1-greylist gw1.example.net greylist 0 "GREYLIST OK"
run run
[ "$(titles email-cluster-a.rss | head -n 1)" = "Email Cluster A is Online|Email Cluster A,Incident 1" ] &&
	check_ok "recovered: Email Cluster A is Online, in incident 1" ||
	check_fail "after recovery: $(titles email-cluster-a.rss | head -n 1)"
"$publish" -c "$W/publish.conf" show incident 1 | grep -q '^Title: *Email Cluster A is Degraded \[Resolved\]' &&
	check_ok "incident 1 is [Resolved]" ||
	check_fail "incident 1: $("$publish" -c "$W/publish.conf" show incident 1 2>&1 | head -3)"

# 5. a downtime scheduled through the API: In Maintenance, then complete
now=$(date +%s)
icinga2_api "$I" POST /v1/actions/schedule-downtime \
	"{\"type\":\"Host\",\"filter\":\"host.name in [\\\"store1.example.net\\\",\\\"store2.example.net\\\"]\",\"all_services\":true,\"author\":\"ops\",\"comment\":\"Firmware update\",\"start_time\":$now,\"end_time\":$((now + 3600)),\"fixed\":true}" >/dev/null ||
	check_fail "the API did not schedule the downtime"
_n=0
until [ "$(icinga2_attr "$I" store2.example.net storage downtime_depth)" = "1" ] || [ $_n -ge 50 ]; do sleep 0.1; _n=$((_n + 1)); done
run run
[ "$(titles email-cluster-a.rss | head -n 1)" = "Email Cluster A is In Maintenance|Email Cluster A" ] &&
	check_ok "downtime through the API: Email Cluster A is In Maintenance" ||
	check_fail "downtime: $(titles email-cluster-a.rss | head -n 1) ($out)"
icinga2_api "$I" POST /v1/actions/remove-downtime \
	'{"type":"Downtime","filter":"downtime.author==\"ops\""}' >/dev/null || check_fail "the API did not remove the downtime"
_n=0
until [ "$(icinga2_attr "$I" store2.example.net storage downtime_depth)" = "0" ] || [ $_n -ge 50 ]; do sleep 0.1; _n=$((_n + 1)); done
run run
[ "$(titles email-cluster-a.rss | head -n 1)" = "Email Cluster A is Online|Email Cluster A" ] &&
	check_ok "downtime removed: Online" || check_fail "after the downtime: $(titles email-cluster-a.rss | head -n 1)"
first_body email-cluster-a.rss | grep -q "maintenance of Email Cluster A is complete" &&
	check_ok "the Online post says the maintenance is complete" ||
	check_fail "no 'maintenance is complete': $(first_body email-cluster-a.rss)"

# 6. a config naming an object Icinga does not have is a config error: exit 2,
# the file and the member's line, nothing changed
sed -i -e 's/^member = web1.example.net!webmail/member = web9.example.net!webmail/' \
	-e 's/^metric = web1.example.net!webmail/metric = web9.example.net!webmail/' "$W/publish.conf"
line=$(grep -n '^member = web9' "$W/publish.conf" | cut -d: -f1)
run run
[ "$rc" -eq 2 ] && case $out in *"$W/publish.conf:$line: "*"does not report web9.example.net!webmail"*) true ;; *) false ;; esac &&
	check_ok "an object the API does not have: $out" || check_fail "unknown object: exit $rc: $out"

# 7. Icinga stopped: the run fails and says so
icinga2_stop "$I"
write_conf "$good_tls"
run run
[ "$rc" -eq 1 ] && case $out in *"cannot read the monitoring state"*) true ;; *) false ;; esac &&
	check_ok "Icinga down: $out" || check_fail "Icinga down: exit $rc: $out"

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
