#!/bin/bash
# mailstatus-publish against a real Nagios 4: the test starts Nagios on a
# config of its own whose checks are scripts it flips between OK, WARNING
# and CRITICAL, schedules a downtime through the external command file,
# adds a comment and an acknowledgement, runs the publisher on Nagios'
# status.dat after each step, and reads the feeds with a real feed parser
# (python3-feedparser) and xmllint against contrib/rss-profile.rng.
set -u
. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/nagios.sh"

publish="$top_builddir/mailstatus-publish"
schema="$top_srcdir/contrib/rss-profile.rng"
py=/usr/bin/python3

for need in nagios4 xmllint; do
	command -v "$need" >/dev/null || { echo "skip: $need is not installed"; exit 77; }
done
$py -c 'import feedparser' 2>/dev/null || { echo "skip: python3-feedparser is not installed"; exit 77; }
[ -x "$publish" ] || { echo "FAIL: $publish is not built"; exit 1; }

peers_workdir publisher-nagios
trap peers_cleanup EXIT
W=$PEERS_DIR
N=$W/nagios
OUT=$W/www

# --- Nagios: Cluster A (incoming: two greylisting gateways and a backup MX;
# storage: two servers), Cluster B (webmail, not critical) -------------------
nagios_setup "$N"
{
	for h in gw1 gw2 bmx1 store1 store2 web1; do
		printf 'define host {\n  use flip-host\n  host_name %s.example.net\n  address 127.0.0.1\n  check_command check_flip!%s\n}\n' "$h" "$h"
	done
	for s in gw1:greylist gw2:greylist store1:storage store2:storage web1:webmail; do
		printf 'define service {\n  use flip-service\n  host_name %s.example.net\n  service_description %s\n  check_command check_flip!%s-%s\n}\n' \
			"${s%%:*}" "${s#*:}" "${s%%:*}" "${s#*:}"
	done
} | nagios_objects "$N"
for h in gw1 gw2 bmx1 store1 store2 web1; do nagios_flip "$N" "$h" 0 "PING OK"; done
for s in gw1-greylist gw2-greylist store1-storage store2-storage web1-webmail; do
	nagios_flip "$N" "$s" 0 "OK - fine"
done
nagios_start "$N" || { echo "FAIL: Nagios did not start"; exit 1; }
nagios_wait "$N" web1.example.net webmail 0 || { echo "FAIL: no first check results"; exit 1; }

cat >"$W/publish.conf" <<CONF
# the integration test's publisher
[publisher]
title = Example Hosting System Status
base_url = https://status.example.com/
output_dir = $OUT
store = $W/state/publish.db
source = statusdat:$N/status.dat
author = Operations
hold_down = 0
items = 50

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
CONF

# run [ARGS...]: one publisher run; its exit status in $rc, output in $out
run() {
	out=$("$publish" -c "$W/publish.conf" "$@" 2>&1)
	rc=$?
}

# items FEED: one line per item, newest first: title|categories|guid
items() {
	$py - "$OUT/feeds/$1" <<'PY'
import sys, feedparser
d = feedparser.parse(sys.argv[1])
if d.bozo:
    print("BOZO %s" % d.bozo_exception)
for e in d.entries:
    print("%s|%s|%s" % (e.title, ",".join(t.term for t in e.get("tags", [])), e.id))
PY
}

titles() { items "$1" | cut -d'|' -f1,2; }

expect_titles() {	# NAME FEED EXPECTED-LINES
	_got=$(titles "$2")
	if [ "$_got" = "$3" ]; then
		check_ok "$1"
	else
		check_fail "$1: feed $2 has
$_got
want
$3"
	fi
}

validate() {
	if _v=$(xmllint --noout --relaxng "$schema" "$OUT"/feeds/*.rss "$OUT"/feeds/service/*.rss 2>&1); then
		check_ok "feeds validate against rss-profile.rng ($1)"
	else
		check_fail "feeds do not validate ($1): $_v"
	fi
}

flip() {	# NAME HOST SERVICE CODE TEXT
	nagios_flip "$N" "$1" "$4" "$5"
	nagios_recheck "$N" "$2" "$3"
	nagios_wait "$N" "$2" "$3" "$4" || check_fail "Nagios did not take $2!$3 to $4"
}

# 1. all up: feeds exist and are empty
run run
[ "$rc" -eq 0 ] && check_ok "first run exits 0" || check_fail "first run: exit $rc: $out"
expect_titles "all up: nothing to say" email-cluster-a.rss ""
validate "empty"

# 2. a greylisting gateway fails: Cluster A is Degraded, incident 1
flip gw1-greylist gw1.example.net greylist 2 "GREYLIST CRITICAL - <script>alert(1)</script> & no answer"
run run
expect_titles "gateway down: Degraded, incident 1" email-cluster-a.rss \
	"Email Cluster A is Degraded|Email Cluster A,Incident 1"
body=$($py -c 'import sys,feedparser; print(feedparser.parse(sys.argv[1]).entries[0].content[0].value)' "$OUT/feeds/email-cluster-a.rss")
case $body in
*"AV/GreyListing 1 is unavailable"*"Mail Storage is working normally."*) check_ok "the post names the public name and what still works" ;;
*) check_fail "unexpected body: $body" ;;
esac
case $body in
*gw1.example.net*|*script*) check_fail "internal names or plugin output leaked: $body" ;;
*) check_ok "no host names or plugin output in the post" ;;
esac
validate "degraded"

# 3. the same state again publishes nothing and rewrites nothing
before=$(items email-cluster-a.rss)
stamp=$(stat -c '%i %Y' "$OUT/feeds/email-cluster-a.rss")
sleep 1
run run
after=$(items email-cluster-a.rss)
[ "$before" = "$after" ] && [ "$stamp" = "$(stat -c '%i %Y' "$OUT/feeds/email-cluster-a.rss")" ] &&
	check_ok "a second run on the same state changes nothing (same items, same file)" ||
	check_fail "a second run changed the feed: $before / $after"

# 4. an operator's comment and acknowledgement in Nagios, marked public, become updates
nagios_cmd "$N" "ADD_SVC_COMMENT;gw1.example.net;greylist;1;heather;public: The faulty server was removed from the cluster"
nagios_cmd "$N" "ACKNOWLEDGE_SVC_PROBLEM;gw1.example.net;greylist;1;0;1;heather;public: Postgrey database locked"
nagios_wait_field "$N" gw1.example.net greylist problem_has_been_acknowledged 1 || check_fail "no acknowledgement"
sleep 1.2	# the comments are written with the next status.dat
run run
got=$(titles email-cluster-a.rss | head -n 2 | sed 's/at [0-9][0-9]:[0-9][0-9] UTC/at HH:MM UTC/')
want="Email Cluster A: Issue identified at HH:MM UTC|Email Cluster A,Incident 1
Email Cluster A: Update at HH:MM UTC|Email Cluster A,Incident 1"
[ "$got" = "$want" ] && check_ok "comment and acknowledgement became updates of incident 1" ||
	check_fail "updates: $got"
run run
[ "$(titles email-cluster-a.rss | wc -l)" -eq 3 ] && check_ok "notes are published once" ||
	check_fail "notes published again: $(titles email-cluster-a.rss)"

# 5. Cluster B's webmail (not critical) fails completely: Degraded, not Offline
flip web1-webmail web1.example.net webmail 2 "WEBMAIL CRITICAL - queued"
run run
expect_titles "non-critical outage degrades Cluster B" email-cluster-b.rss \
	"Email Cluster B is Degraded|Email Cluster B,Incident 2"

# 6. both recover: incidents resolved, Online
flip gw1-greylist gw1.example.net greylist 0 "OK"
flip web1-webmail web1.example.net webmail 0 "OK"
run run
[ "$(titles email-cluster-a.rss | head -n 1)" = "Email Cluster A is Online|Email Cluster A,Incident 1" ] &&
	[ "$(titles email-cluster-a.rss | wc -l)" -eq 4 ] &&
	check_ok "recovery: Online, the fourth post of incident 1" ||
	check_fail "recovery: $(titles email-cluster-a.rss)"
run list
case $out in
*"1      resolved"*"Email Cluster A is Degraded [Resolved]"*) check_ok "incident 1 is listed as [Resolved]" ;;
*) check_fail "list: $out" ;;
esac

# 7. maintenance announced ahead by an operator, then the downtime in Nagios:
# In Maintenance, no incident, with the operator's words
now=$(date +%s)
printf 'There is a 3-hour maintenance of the storage starting now.\nImpact: folders may look empty for a few minutes.\n' >"$W/maint.txt"
run maintenance schedule --cluster email-cluster-a --start "@$now" --end "@$((now + 10800))" \
	--message-file "$W/maint.txt"
[ "$rc" -eq 0 ] && [ "$(titles email-cluster-a.rss | head -n 1)" = "Email Cluster A: Scheduled Maintenance|Email Cluster A" ] &&
	check_ok "maintenance announced ahead: $out" || check_fail "maintenance schedule: exit $rc: $out"
for h in store1 store2; do
	nagios_cmd "$N" "SCHEDULE_HOST_DOWNTIME;$h.example.net;$now;$((now + 3600));1;0;3600;ops;Firmware update"
done
nagios_wait_field "$N" store2.example.net - scheduled_downtime_depth 1 || check_fail "no downtime"
nagios_wait_field "$N" store1.example.net - scheduled_downtime_depth 1 || check_fail "no downtime"
run run
[ "$(titles email-cluster-a.rss | head -n 1)" = "Email Cluster A is In Maintenance|Email Cluster A" ] &&
	check_ok "downtime: In Maintenance, no incident category" || check_fail "maintenance item: $(titles email-cluster-a.rss | head -n 1)"
$py -c 'import sys,feedparser; print(feedparser.parse(sys.argv[1]).entries[0].content[0].value)' \
	"$OUT/feeds/email-cluster-a.rss" 2>/dev/null | grep -q "There is a 3-hour maintenance of the storage starting now.<br" &&
	check_ok "the In Maintenance post carries the announced message" || check_fail "no announced message in the post"

# 8. downtime over: Online, "maintenance is complete"
for h in store1 store2; do nagios_cmd "$N" "DEL_DOWNTIME_BY_HOST_NAME;$h.example.net"; done
nagios_wait_field "$N" store1.example.net - scheduled_downtime_depth 0 || check_fail "downtime not deleted"
nagios_wait_field "$N" store2.example.net - scheduled_downtime_depth 0 || check_fail "downtime not deleted"
run run
[ "$(titles email-cluster-a.rss | head -n 1)" = "Email Cluster A is Online|Email Cluster A" ] &&
	check_ok "after the downtime: Online" || check_fail "after downtime: $(titles email-cluster-a.rss | head -n 1)"
$py -c 'import sys,feedparser; print(feedparser.parse(sys.argv[1]).entries[0].content[0].value)' \
	"$OUT/feeds/email-cluster-a.rss" 2>/dev/null | grep -q "maintenance of Email Cluster A is complete" &&
	check_ok "the Online post says the maintenance is complete" || check_fail "no 'maintenance is complete'"
validate "after the story"

# 9. the service feed holds both clusters, newest first, and the guids never changed
svc=$(items service/email-service.rss)
a_guids=$(items email-cluster-a.rss | cut -d'|' -f3 | sort)
first_guid=$(printf '%s\n' "$before" | cut -d'|' -f3)
printf '%s\n' "$a_guids" | grep -qxF "$first_guid" && check_ok "the first post kept its guid $first_guid" ||
	check_fail "guid $first_guid is gone"
[ "$(printf '%s\n' "$svc" | wc -l)" -eq 9 ] && check_ok "the service feed has all 9 posts of both clusters" ||
	check_fail "service feed: $svc"
printf '%s\n' "$svc" | grep -q '^Email Cluster B is Online|Email Cluster B,Incident 2|' &&
	check_ok "Cluster B's recovery is in the service feed" || check_fail "service feed: $svc"
order=$($py - "$OUT/feeds/service/email-service.rss" <<'PY'
import sys, time, feedparser
e = feedparser.parse(sys.argv[1]).entries
print(all(time.mktime(a.published_parsed) >= time.mktime(b.published_parsed) for a, b in zip(e, e[1:])))
PY
)
[ "$order" = True ] && check_ok "items are newest first" || check_fail "items out of order"

# 10. a truncated status.dat changes nothing: exit 1, store and feeds as they were
sums() { md5sum "$OUT"/feeds/*.rss "$OUT"/feeds/service/*.rss; "$publish" -c "$W/publish.conf" list; }
state_before=$(sums)
head -c 3000 "$N/status.dat" >"$W/truncated.dat"
sed "s|^source = .*|source = statusdat:$W/truncated.dat|" "$W/publish.conf" >"$W/truncated.conf"
flip gw2-greylist gw2.example.net greylist 2 "CRITICAL"	# news the truncated file would hide
out=$("$publish" -c "$W/truncated.conf" run 2>&1); rc=$?
[ "$rc" -eq 1 ] && case $out in *truncated*"nothing was changed"*) true ;; *) false ;; esac &&
	check_ok "truncated status.dat: exit 1, '$out'" || check_fail "truncated status.dat: exit $rc: $out"
[ "$state_before" = "$(sums)" ] && check_ok "store and feeds untouched by the failed run" ||
	check_fail "the failed run changed something"
echo 'garbage' >"$W/truncated.dat"
out=$("$publish" -c "$W/truncated.conf" run 2>&1); rc=$?
[ "$rc" -eq 1 ] && [ "$state_before" = "$(sums)" ] && check_ok "garbage status.dat: exit 1, nothing changed" ||
	check_fail "garbage status.dat: exit $rc: $out"

# 11. three runs and an operator's post at once: one new automatic post, no duplicate
printf 'We are looking into reports of delayed mail.\n' >"$W/msg.txt"
pids=
for i in 1 2 3; do
	"$publish" -c "$W/publish.conf" run >"$W/par$i.out" 2>&1 &
	pids="$pids $!"
done
"$publish" -c "$W/publish.conf" post --cluster email-cluster-a --title "Investigating delays" \
	--message-file "$W/msg.txt" >"$W/post.out" 2>&1 &
pids="$pids $!"
for p in $pids; do wait "$p" || check_fail "a concurrent command failed: $(cat "$W"/par*.out "$W/post.out")"; done
got=$(titles email-cluster-a.rss | head -n 2 | sort)
want=$(printf 'Email Cluster A is Degraded|Email Cluster A,Incident 3\nInvestigating delays|Email Cluster A\n' | sort)
[ "$got" = "$want" ] && check_ok "concurrent runs and a post: each post exactly once" ||
	check_fail "concurrent: $got"
[ "$(items email-cluster-a.rss | cut -d'|' -f3 | sort | uniq -d)" = "" ] && check_ok "no duplicate guid" ||
	check_fail "duplicate guids"

# 12. hold-down: a flap shorter than hold_down never reaches readers (it is
# over once the cluster has been Online for hold_down since last seen away)
sed 's/^hold_down = 0/hold_down = 120/; s|/state/publish.db|/state/holddown.db|; s|= '"$OUT"'$|= '"$W"'/www2|' \
	"$W/publish.conf" >"$W/holddown.conf"
hd() { "$publish" -c "$W/holddown.conf" run --now "@$1" >/dev/null 2>&1; }
t0=$(date +%s)
hd "$t0"	# Cluster A is Degraded (gw2) from here
hd $((t0 + 60))
flip gw2-greylist gw2.example.net greylist 0 "OK"
hd $((t0 + 90))	# back before the 120 s were up
hd $((t0 + 179))
hd $((t0 + 180))	# Online for 120 s since last seen away: the flap is over
flip gw2-greylist gw2.example.net greylist 2 "CRITICAL"
hd $((t0 + 200))
hd $((t0 + 319))
n1=$(OUT=$W/www2 titles email-cluster-a.rss | grep -c . || true)
hd $((t0 + 320))
n2=$(OUT=$W/www2 titles email-cluster-a.rss | grep -c . || true)
[ "$n1" -eq 0 ] && [ "$n2" -eq 1 ] && check_ok "hold-down: the flap was swallowed, the lasting state published after 120 s" ||
	check_fail "hold-down: $n1 items before, $n2 after"

# 13. stale monitoring: Nagios stops (and removes its status.dat), the last
# copy grows old, and the feeds say "unknown" instead of the last state
cp "$N/status.dat" "$W/last-status.dat"
nagios_stop "$N"
created=$(sed -n 's/^\tcreated=//p' "$W/last-status.dat")
sed "s|^source = .*|source = statusdat:$W/last-status.dat\nstale_after = 60|" "$W/publish.conf" >"$W/stale.conf"
out=$("$publish" -c "$W/stale.conf" run --now "@$((created + 61))" 2>&1); rc=$?
[ "$rc" -eq 3 ] && case $out in *stale*) true ;; *) false ;; esac &&
	check_ok "stale data: exit 3, '$out'" || check_fail "stale: exit $rc: $out"
titles email-cluster-a.rss | head -n 1 | grep -q '^Status of Email Cluster A unknown: monitoring data is stale' &&
	check_ok "the feed says the status is unknown" || check_fail "stale feed: $(titles email-cluster-a.rss | head -n 1)"
validate "stale"
out=$("$publish" -c "$W/stale.conf" run --now "@$((created + 30))" 2>&1); rc=$?
[ "$rc" -eq 0 ] && ! titles email-cluster-a.rss | grep -q '^Status of' &&
	check_ok "fresh data again: exit 0, the notice is gone" ||
	check_fail "fresh again: exit $rc, $out, $(titles email-cluster-a.rss | head -n 1)"

[ "$failures" -eq 0 ]
