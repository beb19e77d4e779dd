#!/bin/bash
# mailstatus-publish tells only what is true, against a real Nagios 4:
#   - a member Nagios has never checked (a restart without retention, a
#     service just added) is unknown, never up, and resolves no incident;
#   - a member whose checks stopped is "not checked since HH:MM", a check
#     run every 30 s is not called stale before it is due;
#   - Nagios with service checks stopped (STOP_EXECUTING_SVC_CHECKS) is
#     stale monitoring: exit 3, and status.json says unknown everywhere,
#     the last known state beside it;
#   - Nagios' downtimes are under "maintenance" in status.json, with the
#     comment only when it is marked public;
#   - every page that shows states says when the data was written;
#   - the config corner cases: a host name with spaces (quoted), an
#     unclosed [section, a member twice, a member Nagios does not have,
#     icinga2:http://, a password file others may read.
set -u
. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/nagios.sh"

publish="$top_builddir/mailstatus-publish"
py=/usr/bin/python3

command -v nagios4 >/dev/null || { echo "skip: nagios4 is not installed"; exit 77; }
$py -c 'import feedparser' 2>/dev/null || { echo "skip: python3-feedparser is not installed"; exit 77; }
[ -x "$publish" ] || { echo "FAIL: $publish is not built"; exit 1; }

peers_workdir publisher-truth
trap peers_cleanup EXIT
W=$PEERS_DIR
N=$W/nagios
OUT=$W/www
STALE_AFTER=8

# --- Nagios: gw1/gw2 greylisting and store1's storage (Cluster A), an IMAP
# server whose host name has spaces and a check run every 30 s (Cluster
# B), a service that is never checked (Cluster C). gw1's greylist check
# runs in the timeperiod "gate", which the test swaps for one that never
# comes (period.cfg) -------------------------------------------------------
nagios_setup "$N"
echo "cfg_file=$N/period.cfg" >>"$N/nagios.cfg"
gate() {	# 24x7 | never
	{
		printf 'define timeperiod {\n  timeperiod_name never\n  alias never\n}\n'
		printf 'define timeperiod {\n  timeperiod_name gate\n  alias gate\n'
		[ "$1" = never ] || for d in sunday monday tuesday wednesday thursday friday saturday; do
			printf '  %s 00:00-24:00\n' "$d"
		done
		printf '}\n'
	} >"$N/period.cfg"
}
gate 24x7
host() { printf 'define host {\n  use flip-host\n  host_name %s\n  address 127.0.0.1\n  check_command check_flip!%s\n}\n' "$1" "$2"; }
service() {	# HOST SERVICE FLIP [EXTRA-LINE]
	printf 'define service {\n  use flip-service\n  host_name %s\n  service_description %s\n  check_command check_flip!%s\n%s\n}\n' \
		"$1" "$2" "$3" "${4:-}"
}
{
	host gw1.example.net gw1
	host gw2.example.net gw2
	host store1.example.net store1
	host store2.example.net store2
	host "mail host 1" mh1
	host imap1.example.net mh1
	service gw1.example.net greylist gw1-greylist "  check_period gate"
	service gw2.example.net greylist gw2-greylist
	service store1.example.net storage store1-storage
	service store2.example.net storage store2-storage
	service store2.example.net slow store2-slow "  check_interval 30"
	service store2.example.net fresh store2-fresh "  check_period never"
	service "mail host 1" "imap login" mh1-imap
	service imap1.example.net "imap login" mh1-imap
} | nagios_objects "$N"
for f in gw1 gw2 store1 store2 mh1; do nagios_flip "$N" "$f" 0 "PING OK"; done
for f in gw2-greylist store1-storage store2-storage store2-slow store2-fresh mh1-imap; do
	nagios_flip "$N" "$f" 0 "OK - fine"
done
nagios_flip "$N" gw1-greylist 2 "GREYLIST CRITICAL - no answer"
nagios_start "$N" || { echo "FAIL: Nagios did not start"; exit 1; }
nagios_wait "$N" gw1.example.net greylist 2 || { echo "FAIL: no first check results"; exit 1; }
nagios_wait_field "$N" "mail host 1" "imap login" has_been_checked 1 ||
	{ echo "FAIL: mail host 1 was not checked"; exit 1; }
nagios_wait_field "$N" imap1.example.net "imap login" has_been_checked 1 ||
	{ echo "FAIL: imap1 was not checked"; exit 1; }

write_conf() {	# FILE [MORE-PUBLISHER-LINES]
	cat >"$1" <<CONF
[publisher]
title = Example Hosting System Status
base_url = https://status.example.com/
output_dir = $OUT
store = $W/state/publish.db
source = statusdat:$N/status.dat
hold_down = 0
stale_after = $STALE_AFTER
timezone = Europe/Berlin
${2:-}

[cluster email-cluster-a]
name = Email Cluster A
service = Email Service

[component email-cluster-a incoming]
name = Incoming Mail
member = gw1.example.net!greylist = AV/GreyListing 1
member = gw2.example.net!greylist = AV/GreyListing 2

[component email-cluster-a storage]
name = Mail Storage
member = store1.example.net!storage = Mail Storage 1

[cluster email-cluster-b]
name = Email Cluster B
service = Email Service

[component email-cluster-b imap]
name = IMAP
member = imap1.example.net!imap login = IMAP 1

[component email-cluster-b slow]
name = Archive
member = store2.example.net!slow = Archive 1

[cluster email-cluster-c]
name = Email Cluster C
service = Email Service

[component email-cluster-c new]
name = New Storage
member = store2.example.net!fresh = New Storage 1
member = store2.example.net!storage = Mail Storage 2
CONF
}
write_conf "$W/publish.conf"

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

# js EXPR: a Python expression on status.json (j); prints its value
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

# index_member NAME: the detail the status page shows for a member
index_member() {
	$py - "$OUT/index.html" "$1" <<'PY'
import sys, re, html
page = open(sys.argv[1], encoding="utf-8").read()
for li in re.findall(r'<li class="member[^"]*">(.*?)</li>', page, re.S):
    name = re.search(r'<span class="name">(.*?)</span>', li, re.S)
    detail = re.search(r'<span class="detail">(.*?)</span>', li, re.S)
    if name and html.unescape(name.group(1)) == sys.argv[2]:
        print(html.unescape(detail.group(1)) if detail else "")
PY
}

# --- 1. the config's corner cases: exit 2, the file, the line ---------------
conf_case() {	# NAME EXPECTED-TEXT (the config in $W/case.conf)
	_out=$("$publish" -c "$W/case.conf" run 2>&1)
	_rc=$?
	case $_out in
	*"$W/case.conf:$2"*) [ "$_rc" -eq 2 ] && check_ok "$1: $_out" || check_fail "$1: exit $_rc: $_out" ;;
	*) check_fail "$1: exit $_rc: $_out" ;;
	esac
}
write_conf "$W/case.conf"
sed -i 's/^member = imap1.example.net!imap login/member = mail host 1!imap login/' "$W/case.conf"
line=$(grep -n '^member = mail host 1' "$W/case.conf" | cut -d: -f1)
conf_case "a host name with spaces must be quoted" \
	"$line: member 'mail host 1!imap login = IMAP 1': the host name contains a space: put a name with spaces in quotes"
# quoted, it is read from Nagios (a site of its own)
sed -e 's/^member = mail host 1!imap login/member = "mail host 1"!imap login/' \
	-e "s|^output_dir = .*|output_dir = $W/www-quoted|" -e "s|^store = .*|store = $W/state/quoted.db|" \
	"$W/case.conf" >"$W/quoted.conf"
out=$("$publish" -c "$W/quoted.conf" run 2>&1); rc=$?
[ "$rc" -eq 0 ] && check_ok "a quoted host name with spaces is taken" || check_fail "quoted host: exit $rc: $out"
OUT=$W/www-quoted expect_js "... and read from Nagios: IMAP 1 on \"mail host 1\" is up" \
	'member("email-cluster-b", "IMAP 1")["state"]' up
rm -rf "$W/www-quoted" "$W/state"

write_conf "$W/case.conf"
sed -i 's/^\[cluster email-cluster-c\]$/[cluster email-cluster-c/' "$W/case.conf"
line=$(grep -n '^\[cluster email-cluster-c$' "$W/case.conf" | cut -d: -f1)
conf_case "an unclosed [section is reported at its own line" \
	"$line: the section header '[cluster email-cluster-c' has no closing ']'"

write_conf "$W/case.conf"
sed -i 's/^member = store1.example.net!storage = Mail Storage 1$/&\nmember = gw2.example.net!greylist = Gateway again/' "$W/case.conf"
line=$(grep -n 'Gateway again' "$W/case.conf" | cut -d: -f1)
first=$(grep -n 'AV/GreyListing 2' "$W/case.conf" | cut -d: -f1)
conf_case "the same member twice in one cluster is refused" \
	"$line: member 'gw2.example.net!greylist = Gateway again' is already listed on line $first"

write_conf "$W/case.conf" "api_user = mailstatus"
sed -i "s|^source = .*|source = icinga2:http://127.0.0.1:5665|" "$W/case.conf"
line=$(grep -n '^source' "$W/case.conf" | cut -d: -f1)
conf_case "icinga2:http:// (the password in clear) is refused" \
	"$line: source: 'icinga2:http://127.0.0.1:5665' would send api_user's password in clear"
write_conf "$W/case.conf" "api_user = mailstatus
api_allow_http = yes"
sed -i "s|^source = .*|source = icinga2:http://127.0.0.1:5665|" "$W/case.conf"
"$publish" -c "$W/case.conf" list >/dev/null 2>&1; rc=$?
[ "$rc" -ne 2 ] && check_ok "icinga2:http:// is taken with api_allow_http = yes (exit $rc)" ||
	check_fail "api_allow_http = yes: still refused"

printf 'secret\n' >"$W/api.pw"
chmod 644 "$W/api.pw"
write_conf "$W/case.conf" "api_user = mailstatus
api_password_file = $W/api.pw"
line=$(grep -n '^api_password_file' "$W/case.conf" | cut -d: -f1)
conf_case "an api_password_file others may read is refused" \
	"$line: api_password_file $W/api.pw is open to everyone (mode 0644)"
chmod 600 "$W/api.pw"

write_conf "$W/case.conf"
sed -i 's/^member = gw2.example.net!greylist/member = gw9.example.net!greylist/' "$W/case.conf"
line=$(grep -n '^member = gw9' "$W/case.conf" | cut -d: -f1)
conf_case "a member Nagios does not report: exit 2 with its line" \
	"$line: $N/status.dat does not report gw9.example.net!greylist"
[ ! -e "$W/state/publish.db" ] && check_ok "refused configs created no store" ||
	check_fail "a refused config made a store"

# --- 2. first run: gw1 is CRITICAL; the quoted host is read; the service
# Nagios never checked is unknown, not up --------------------------------------
run run
[ "$rc" -eq 0 ] && check_ok "first run exits 0" || check_fail "first run: exit $rc: $out"
[ "$(titles email-cluster-a.rss)" = "Email Cluster A is Degraded" ] &&
	check_ok "gw1 CRITICAL: Email Cluster A is Degraded" || check_fail "Cluster A: $(titles email-cluster-a.rss)"
expect_js "IMAP 1 is up" 'member("email-cluster-b", "IMAP 1")["state"]' up
expect_js "a service never checked is unknown in status.json" \
	'member("email-cluster-c", "New Storage 1")["state"]' unknown
expect_js "... and so is its cluster, not online" 'cl("email-cluster-c")["state"]' unknown
[ -z "$(titles email-cluster-c.rss)" ] && check_ok "nothing is posted about Cluster C" ||
	check_fail "Cluster C: $(titles email-cluster-c.rss)"
[ "$(index_member "New Storage 1")" = "not checked yet" ] &&
	check_ok "the page says 'not checked yet'" || check_fail "page: '$(index_member "New Storage 1")'"

# every page that shows states says when the data was written (Berlin time)
created=$($py -c 'import json,sys,calendar,time; print(calendar.timegm(time.strptime(json.load(open(sys.argv[1]))["data_as_of"], "%Y-%m-%dT%H:%M:%SZ")))' "$OUT/status.json" 2>/dev/null)
asof=$(TZ=Europe/Berlin date -d "@${created:-0}" '+%H:%M %Z')
grep -q "Monitoring data as of $asof\." "$OUT/index.html" &&
	check_ok "index.html: 'Monitoring data as of $asof.'" || check_fail "index.html has no 'as of $asof'"
grep -q "Monitoring data as of $asof\." "$OUT/incidents/1.html" &&
	check_ok "the open incident's page says it too" || check_fail "incidents/1.html has no 'as of'"
now=$(date +%s)
[ -n "$created" ] && [ "$created" -le "$now" ] && [ "$created" -gt $((now - 30)) ] &&
	check_ok "status.json data_as_of is when Nagios wrote status.dat" ||
	check_fail "status.json data_as_of: '$created' (now $now)"

# --- 3. Nagios restarts without retention and cannot check gw1 any more:
# the CRITICAL member is pending. The incident stays open, nothing says Online
nagios_stop "$N"
gate never
nagios_start "$N" || check_fail "Nagios did not restart"
nagios_wait_field "$N" gw2.example.net greylist has_been_checked 1 || check_fail "gw2 not checked"
nagios_wait_field "$N" imap1.example.net "imap login" has_been_checked 1 || check_fail "imap1 not checked"
[ "$(nagios_field "$N" gw1.example.net greylist has_been_checked)" = 0 ] &&
	[ "$(nagios_field "$N" gw1.example.net greylist current_state)" = 0 ] &&
	check_ok "Nagios shows gw1!greylist pending (has_been_checked=0, current_state=0)" ||
	check_fail "gw1!greylist is not pending"
run run
[ "$rc" -eq 0 ] && check_ok "run on the restarted Nagios exits 0" || check_fail "exit $rc: $out"
[ "$(titles email-cluster-a.rss)" = "Email Cluster A is Degraded" ] &&
	check_ok "no 'Online' post: an unchecked member is not up" ||
	check_fail "after the restart: $(titles email-cluster-a.rss | tr '\n' '|')"
run list
case $out in
*"1      open"*) check_ok "incident 1 is still open" ;;
*) check_fail "incident 1: $out" ;;
esac
expect_js "gw1 is unknown in status.json" 'member("email-cluster-a", "AV/GreyListing 1")["state"]' unknown
expect_js "... with its last known state" \
	'member("email-cluster-a", "AV/GreyListing 1")["last_known_state"]' down
expect_js "Cluster A is unknown, last known degraded" \
	'cl("email-cluster-a")["state"] + "/" + cl("email-cluster-a")["last_known_state"]' unknown/degraded

# --- 4. one member's checks stop (DISABLE_SVC_CHECK): once its last check is
# more than stale_after overdue it is unknown; a check every 30 s is not
nagios_cmd "$N" "DISABLE_SVC_CHECK;imap1.example.net;imap login"
nagios_wait_field "$N" imap1.example.net "imap login" active_checks_enabled 0 || check_fail "not disabled"
last=$(nagios_field "$N" imap1.example.net "imap login" last_check)
sleep $((STALE_AFTER + 4))
run run
[ "$rc" -eq 0 ] && check_ok "one member stale: the run goes on (exit 0)" || check_fail "exit $rc: $out"
expect_js "the member whose checks stopped is unknown" 'member("email-cluster-b", "IMAP 1")["state"]' unknown
expect_js "the 30 s check is not stale after $((STALE_AFTER + 4)) s" \
	'member("email-cluster-b", "Archive 1")["state"]' up
want="not checked since $(TZ=Europe/Berlin date -d "@$last" '+%H:%M %Z')"
[ "$(index_member "IMAP 1")" = "$want" ] && check_ok "the page says '$want'" ||
	check_fail "page: '$(index_member "IMAP 1")', want '$want'"
expect_js "Cluster B is unknown, not online" 'cl("email-cluster-b")["state"]' unknown
nagios_cmd "$N" "ENABLE_SVC_CHECK;imap1.example.net;imap login"

# --- 5. Nagios' downtimes are maintenance in status.json; only a public
# comment is shown
t0=$(date +%s)
nagios_cmd "$N" "SCHEDULE_SVC_DOWNTIME;store1.example.net;storage;$t0;$((t0 + 3600));1;0;3600;ops;public: Disk swap, storage may be slow"
nagios_cmd "$N" "SCHEDULE_SVC_DOWNTIME;store2.example.net;slow;$((t0 + 7200));$((t0 + 9000));1;0;1800;ops;vault entry 4711 has the new pw"
nagios_wait_field "$N" store1.example.net storage scheduled_downtime_depth 1 || check_fail "no downtime"
sleep 1.2	# the future downtime is written with the next status.dat
run run
expect_js "the downtime in Nagios is under maintenance, its public comment shown" \
	'[(m["origin"], m["cluster"], m["message"]) for m in j["maintenance"] if m["cluster"] == "email-cluster-a"]' \
	"[('monitoring', 'email-cluster-a', 'Disk swap, storage may be slow')]"
expect_js "... with its start and end" \
	'[(m["starts_at"], m["ends_at"]) for m in j["maintenance"] if m["cluster"] == "email-cluster-a"][0]' \
	"('$(date -u -d "@$t0" +%Y-%m-%dT%H:%M:%SZ)', '$(date -u -d "@$((t0 + 3600))" +%Y-%m-%dT%H:%M:%SZ)')"
expect_js "an internal downtime comment is not shown" \
	'[m["message"] for m in j["maintenance"] if m["cluster"] == "email-cluster-b"]' "[None]"
grep -rq "4711" "$OUT" && check_fail "the internal comment reached the output" ||
	check_ok "nothing of the internal comment is in the output"

# --- 6. Nagios stops executing service checks: the source is stale
nagios_cmd "$N" "STOP_EXECUTING_SVC_CHECKS"
_n=0
until grep -q '^	active_service_checks_enabled=0' "$N/status.dat" || [ $_n -ge 50 ]; do sleep 0.2; _n=$((_n + 1)); done
run run
[ "$rc" -eq 3 ] && case $out in *"stale"*"no active service checks"*) true ;; *) false ;; esac &&
	check_ok "service checks stopped: exit 3, '$out'" || check_fail "checks stopped: exit $rc: $out"
expect_js "status.json: stale" 'j["stale"]' True
expect_js "every cluster, component and member says unknown" \
	'sorted(set([c["state"] for c in j["clusters"]] + [k["state"] for c in j["clusters"] for k in c["components"]] + [m["state"] for c in j["clusters"] for k in c["components"] for m in k["members"]]))' \
	"['unknown']"
expect_js "the last known states are beside them" \
	'(cl("email-cluster-a")["last_known_state"], member("email-cluster-a", "AV/GreyListing 2")["last_known_state"], member("email-cluster-b", "Archive 1")["last_known_state"])' \
	"('degraded', 'up', 'up')"
titles email-cluster-b.rss | head -n 1 | grep -q '^Status of Email Cluster B unknown' &&
	check_ok "the feed says the status is unknown" || check_fail "feed: $(titles email-cluster-b.rss | head -n 1)"
nagios_cmd "$N" "START_EXECUTING_SVC_CHECKS"
_n=0
until grep -q '^	active_service_checks_enabled=1' "$N/status.dat" || [ $_n -ge 50 ]; do sleep 0.2; _n=$((_n + 1)); done
sleep 2	# the checks catch up
run run
[ "$rc" -eq 0 ] && check_ok "checks running again: exit 0" || check_fail "checks again: exit $rc: $out"
expect_js "status.json is fresh again" 'j["stale"]' False

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
