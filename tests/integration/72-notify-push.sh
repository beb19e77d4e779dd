#!/bin/bash
# Push: a real Nagios 4 runs "mailstatus-publish notify" from the
# definitions users paste in (contrib/nagios/mailstatus.cfg: the global
# event handlers and the mailstatus contact), and the feed changes within
# about a second of Nagios' alert, while status.dat (written every 60 s
# here) still shows the old state. Downtimes reach the page through the
# contact's DOWNTIMESTART/DOWNTIMEEND notifications. Then, from the
# command line: notify keeps run's hold-down, ignores SOFT states and
# objects no cluster names, and refuses a notice it cannot read.
set -u
. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/nagios.sh"

publish="$top_builddir/mailstatus-publish"
py=/usr/bin/python3

command -v nagios4 >/dev/null || { echo "skip: nagios4 is not installed"; exit 77; }
$py -c 'import feedparser' 2>/dev/null || { echo "skip: python3-feedparser is not installed"; exit 77; }
[ -x "$publish" ] || { echo "FAIL: $publish is not built"; exit 1; }

peers_workdir notify-push
trap peers_cleanup EXIT
W=$PEERS_DIR
N=$W/nagios
OUT=$W/www

cat >"$W/publish.conf" <<CONF
[publisher]
title = Example Hosting System Status
base_url = https://status.example.com/
output_dir = $OUT
store = $W/state/publish.db
source = statusdat:$N/status.dat
hold_down = 0

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
member = store2.example.net!storage = Mail Storage 2
CONF
mkdir -p "$W/state" "$OUT"

# --- Nagios with the contrib definitions, paths set to this build ------------
nagios_setup "$N"
sed -e "s|/usr/bin/mailstatus-publish|$publish|" -e "s|/etc/mailstatus/publish.conf|$W/publish.conf|" \
	"$top_srcdir/contrib/nagios/mailstatus.cfg" >"$N/mailstatus.cfg"
# the contact, uncommented from the file
awk '/^# define contact \{/ { on = 1 } on { l = $0; sub(/^#[ \t]?/, "", l); print l } on && /^# \}/ { on = 0 }' \
	"$top_srcdir/contrib/nagios/mailstatus.cfg" >>"$N/mailstatus.cfg"
cat >>"$N/nagios.cfg" <<CFG
cfg_file=$N/mailstatus.cfg
status_update_interval=60
enable_notifications=1
enable_event_handlers=1
enable_environment_macros=1
global_host_event_handler=mailstatus_notify_host
global_service_event_handler=mailstatus_notify_service
CFG
# the contrib's sed above must have found the paths it replaces
grep -q "$publish -c $W/publish.conf notify" "$N/mailstatus.cfg" &&
	check_ok "contrib's notify commands, pointed at this build" ||
	{ echo "FAIL: the contrib file no longer names /usr/bin/mailstatus-publish"; exit 1; }
{
	for h in gw1 gw2 store1 store2; do
		printf 'define host {\n  use flip-host\n  host_name %s.example.net\n  address 127.0.0.1\n  check_command check_flip!%s\n  contacts mailstatus\n}\n' "$h" "$h"
	done
	for s in gw1:greylist gw2:greylist store1:storage store2:storage; do
		printf 'define service {\n  use flip-service\n  host_name %s.example.net\n  service_description %s\n  check_command check_flip!%s-%s\n  contacts mailstatus\n}\n' \
			"${s%%:*}" "${s#*:}" "${s%%:*}" "${s#*:}"
	done
} | nagios_objects "$N"
for h in gw1 gw2 store1 store2; do nagios_flip "$N" "$h" 0 "PING OK"; done
for s in gw1-greylist gw2-greylist store1-storage store2-storage; do nagios_flip "$N" "$s" 0 "OK - fine"; done
chown -R nagios:nagios "$W/state" "$OUT"
chmod 644 "$W/publish.conf"
nagios_start "$N" || { echo "FAIL: Nagios did not start"; exit 1; }
# status.dat is written every 60 s here: the one written at the start shows
# every service pending (has_been_checked=0), which is unknown, not up, to
# the publisher; wait for the one that shows them checked
for s in gw1:greylist gw2:greylist store1:storage store2:storage; do
	nagios_wait_field "$N" "${s%%:*}.example.net" "${s#*:}" has_been_checked 1 75 ||
		{ echo "FAIL: no first check results in status.dat"; exit 1; }
done
nagios_wait "$N" store2.example.net storage 0 || { echo "FAIL: no first check results"; exit 1; }

# the publisher runs as Nagios' user, as it would from Nagios
as_nagios() { runuser -u nagios -- "$publish" -c "$W/publish.conf" "$@"; }

titles() {
	[ -s "$OUT/feeds/$1" ] || return 0
	$py - "$OUT/feeds/$1" <<'PY'
import sys, feedparser, signal
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
for e in feedparser.parse(sys.argv[1]).entries:
    print("%s|%s" % (e.title, ",".join(t.term for t in e.get("tags", []))))
PY
}

# wait_title FEED TITLE: until the newest item is TITLE (10 s at most)
wait_title() {
	_n=0
	while [ $_n -lt 100 ]; do
		[ "$(titles "$1" | head -n 1 | cut -d'|' -f1)" = "$2" ] && return 0
		sleep 0.1
		_n=$((_n + 1))
	done
	return 1
}

# alert_time PATTERN: the epoch of the last nagios.log line matching it
alert_time() {
	sed -n "s/^\[\([0-9]*\)\] .*$1.*/\1/p" "$N/nagios.log" | tail -n 1
}

out=$(as_nagios run 2>&1) && check_ok "first run as user nagios" || check_fail "first run: $out"

# 1. a gateway fails: the event handler publishes at once
nagios_flip "$N" gw1-greylist 2 "GREYLIST CRITICAL - no answer"
nagios_recheck "$N" gw1.example.net greylist
if wait_title email-cluster-a.rss "Email Cluster A is Degraded"; then
	seen=$(date +%s)
	alerted=$(alert_time "SERVICE ALERT: gw1.example.net;greylist;CRITICAL;HARD")
	sd_state=$(nagios_field "$N" gw1.example.net greylist current_state)
	check_ok "pushed: Email Cluster A is Degraded ($((seen - alerted)) s after Nagios' alert)"
	[ -n "$alerted" ] && [ $((seen - alerted)) -le 1 ] &&
		check_ok "within a second of the alert (log times are whole seconds)" ||
		check_fail "the feed changed $((seen - ${alerted:-0})) s after the alert"
	[ "$sd_state" = "0" ] &&
		check_ok "status.dat still said OK: the change came by push, not by the file" ||
		check_fail "status.dat already showed state $sd_state: the test proves nothing about push"
else
	check_fail "no Degraded post 10 s after the failure: $(titles email-cluster-a.rss); $(tail -n 5 "$N/nagios.log")"
fi
grep -q "SERVICE EVENT HANDLER: gw1.example.net;greylist;CRITICAL;HARD;1;mailstatus_notify_service" "$N/nagios.log" &&
	check_ok "Nagios ran the contrib's event handler" || check_fail "no event handler line in nagios.log"

# a run from cron before Nagios rewrites status.dat must not undo the push
out=$(as_nagios run 2>&1) || check_fail "run after the push: $out"
[ "$(titles email-cluster-a.rss | head -n 1 | cut -d'|' -f1)" = "Email Cluster A is Degraded" ] &&
	[ "$(nagios_field "$N" gw1.example.net greylist current_state)" = "0" ] &&
	check_ok "a run while status.dat still says OK keeps the pushed state" ||
	check_fail "a run undid the push: $(titles email-cluster-a.rss | head -n 2)"

# 2. it recovers: Online, pushed the same way
nagios_flip "$N" gw1-greylist 0 "GREYLIST OK"
nagios_recheck "$N" gw1.example.net greylist
wait_title email-cluster-a.rss "Email Cluster A is Online" &&
	check_ok "pushed: Email Cluster A is Online" || check_fail "recovery not pushed: $(titles email-cluster-a.rss | head -n 1)"
[ "$(titles email-cluster-a.rss | wc -l)" -eq 2 ] &&
	check_ok "event handler and notification for one change made one post each change" ||
	check_fail "posts: $(titles email-cluster-a.rss)"

# 3. a downtime: DOWNTIMESTART notifications to the contact, then the end
now=$(date +%s)
for h in store1 store2; do
	nagios_cmd "$N" "SCHEDULE_HOST_DOWNTIME;$h.example.net;$now;$((now + 3600));1;0;3600;ops;Firmware update"
done
wait_title email-cluster-a.rss "Email Cluster A is In Maintenance" &&
	check_ok "downtime pushed: Email Cluster A is In Maintenance" ||
	check_fail "no In Maintenance: $(titles email-cluster-a.rss | head -n 1); $(grep -i downtime "$N/nagios.log" | tail -n 3)"
for h in store1 store2; do nagios_cmd "$N" "DEL_DOWNTIME_BY_HOST_NAME;$h.example.net"; done
wait_title email-cluster-a.rss "Email Cluster A is Online" &&
	check_ok "downtime end pushed: Online again" ||
	check_fail "after the downtime: $(titles email-cluster-a.rss | head -n 1)"

# 4. from the command line: what notify ignores, what it refuses
before=$(titles email-cluster-a.rss)
out=$(as_nagios notify --host=gw2.example.net --service=greylist --state=CRITICAL --state-type=SOFT 2>&1)
rc=$?
[ "$rc" -eq 0 ] && [ "$(titles email-cluster-a.rss)" = "$before" ] &&
	check_ok "a SOFT state publishes nothing" || check_fail "SOFT: exit $rc: $out"
out=$(as_nagios notify --host=unrelated.example.net --state=1 2>&1)
rc=$?
[ "$rc" -eq 0 ] && [ "$(titles email-cluster-a.rss)" = "$before" ] &&
	check_ok "an object no cluster names publishes nothing" || check_fail "unrelated: exit $rc: $out"
out=$(env -i NAGIOS_HOSTNAME=gw2.example.net NAGIOS_SERVICEDESC=greylist \
	"$publish" -c "$W/publish.conf" notify 2>&1)
rc=$?
[ "$rc" -eq 2 ] && case $out in *"no state for gw2.example.net!greylist"*) true ;; *) false ;; esac &&
	check_ok "a notice without a state is refused: $out" || check_fail "no state: exit $rc: $out"

# 5. notify keeps run's hold-down: a flap inside it publishes nothing
sed -i 's/^hold_down = 0/hold_down = 300/' "$W/publish.conf"
t0=$(date +%s)
out=$(as_nagios notify --now "@$t0" --host=gw2.example.net --service=greylist --state=2 --changed=$t0 2>&1) ||
	check_fail "notify CRITICAL: $out"
[ "$(titles email-cluster-a.rss)" = "$before" ] &&
	check_ok "inside the hold-down: the CRITICAL waits" || check_fail "published at once despite hold_down"
out=$(as_nagios notify --now "@$((t0 + 60))" --host=gw2.example.net --service=greylist --state=0 --changed=$((t0 + 60)) 2>&1) ||
	check_fail "notify OK: $out"
out=$(as_nagios run --now "@$((t0 + 400))" 2>&1) || check_fail "run: $out"
[ "$(titles email-cluster-a.rss)" = "$before" ] &&
	check_ok "a flap shorter than hold_down never reaches readers" ||
	check_fail "the flap was published: $(titles email-cluster-a.rss | head -n 2)"

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
