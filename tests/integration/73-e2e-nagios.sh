#!/bin/bash
# The whole product under a real Nagios 4: the contrib's commands
# (contrib/nagios/mailstatus.cfg) run all four plugins against real peers
# (postgrey, Postfix + Dovecot + Roundcube, a FUSE storage server and a
# tmpfs store); the test checks that what Nagios recorded in status.dat
# (state, plugin_output, performance_data) is what the plugin prints when
# run with the command line the definitions expand to, and the publisher
# reads status.dat. Then the seed's incidents as faults:
#   a storage server stops answering (hangfs) -> storage CRITICAL ->
#       "Email Cluster A is Degraded", then Online and [Resolved];
#   the webmail's outgoing mail path is cut -> check_mail_queue WARNING and
#       check_webmail_send CRITICAL -> Cluster B's Webmail degraded;
#   postgrey killed -> greylist CRITICAL -> Incoming Mail degraded while the
#       backup MX keeps the cluster up;
#   a downtime through the external command file -> In Maintenance ->
#       "maintenance is complete".
# Runs in a private mount namespace of its own (the FUSE mount).
#
# Two deviations from the contrib, both said here: the mail queue check is
# the contrib's check_mail_queue plus --config-dir (the test's Postfix is
# not the default instance, and the contrib has no such argument), and the
# webmail check is the contrib's check_webmail_send with
# --delivery-timeout=5s -t 25 instead of 150s/180 s, so a lost message is
# CRITICAL within the test's time budget.
set -u

if [ -z "${E2E_IN_NS:-}" ]; then
	[ "$(id -u)" -eq 0 ] || { echo "skip: needs root (servers, mounts)"; exit 77; }
	unshare -m --propagation private true 2>/dev/null ||
		{ echo "skip (kernel): no private mount namespace here (unshare -m)"; exit 77; }
	E2E_IN_NS=1 exec unshare -m --propagation private bash "$0"
fi

. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/postfix.sh"
. "$top_srcdir/tests/peers/dovecot.sh"
. "$top_srcdir/tests/peers/roundcube.sh"
. "$top_srcdir/tests/peers/webmail-stack.sh"
. "$top_srcdir/tests/peers/postgrey.sh"
. "$top_srcdir/tests/peers/nagios.sh"

publish="$top_builddir/mailstatus-publish"
plugins="$top_builddir/plugins"
hangfs="$top_builddir/tests/hangfs"
py=/usr/bin/python3

for need in nagios4 postfix dovecot postgrey lighttpd php-cgi; do
	command -v "$need" >/dev/null 2>&1 || { echo "skip: $need is not installed"; exit 77; }
done
[ -d "$RC_DOCROOT" ] || { echo "skip: roundcube-core is not installed"; exit 77; }
[ -x "$hangfs" ] && [ -e /dev/fuse ] || { echo "skip: tests/hangfs is not built or no /dev/fuse"; exit 77; }
$py -c 'import feedparser' 2>/dev/null || { echo "skip: python3-feedparser is not installed"; exit 77; }
for p in check_greylist check_mail_queue check_storage_mount check_webmail_send; do
	[ -x "$plugins/$p" ] || { echo "FAIL: $plugins/$p is not built"; exit 1; }
done

SMTP=15125 SUBMISSION=15687 IMAP=15243 IMAPS=15893 LMTP=15524 HTTP=15180
GREY=15123 NOWHERE_LMTP=15526
DOMAIN=e2e.test PROBE=probe@e2e.test

peers_workdir e2e-nagios
trap peers_cleanup EXIT
W=$PEERS_DIR
PF=$W/postfix DC=$W/dovecot RC=$W/roundcube PG=$W/postgrey N=$W/nagios OUT=$W/www

peers_on_cleanup peers_umount_below

# --- the peers ------------------------------------------------------------------
webmail_stack_start "$W" "$DOMAIN" "$PROBE" probepw lighttpd || exit 1
postgrey_start "$PG" "$GREY" 300 || { echo "FAIL: postgrey did not start"; exit 1; }

mkdir -p "$W/mnt/store1" "$W/mnt/store2" "$W/smstate"
echo ok >"$W/control"
"$hangfs" "$W/control" "$W/mnt/store1" -o allow_other 2>"$W/hangfs.log" &
echo $! >"$W/hangfs.pid"
peers_on_cleanup "echo ok >'$W/control'; stop_pid \$(cat '$W/hangfs.pid')"
mount -t tmpfs -o size=8m e2e-store2 "$W/mnt/store2"
_n=0
until grep -q " $W/mnt/store1 " /proc/self/mountinfo || [ $_n -ge 50 ]; do sleep 0.1; _n=$((_n + 1)); done
chown nagios "$W/smstate"
printf 'probepw\n' >"$W/probe.pw"
chown nagios "$W/probe.pw"
chmod 600 "$W/probe.pw"

# --- Nagios with the contrib's commands ------------------------------------------
nagios_setup "$N"
echo "\$USER1\$=$plugins" >"$N/resource.cfg"
cp "$top_srcdir/contrib/nagios/mailstatus.cfg" "$N/mailstatus.cfg"
echo "cfg_file=$N/mailstatus.cfg" >>"$N/nagios.cfg"
# an unshortened copy of the contrib's check_webmail_send, but for the timeouts
sed -n '/^define command {/,/^}/p' "$top_srcdir/plugins/webmail_send/check_webmail_send.cfg" |
	awk '/^define command/ { n++ } n == 1' |
	sed -e 's/command_name\tcheck_webmail_send$/command_name\tcheck_webmail_send_e2e/' \
	    -e "s|--delivery-timeout=150s -t 180|--delivery-timeout=5s -t 25 --ca-file=$DC/cert.pem|" >>"$N/mailstatus.cfg"
# and the contrib's check_mail_queue with the instance's config directory
sed -n '/^define command {/,/^}/p' "$top_srcdir/plugins/mail_queue/check_mail_queue.cfg" |
	awk '/^define command/ { n++ } n == 1' |
	sed -e 's/command_name\tcheck_mail_queue$/command_name\tcheck_mail_queue_e2e/' \
	    -e 's/\(command_line\t.*\)$/\1 --config-dir=$ARG5$/' >>"$N/mailstatus.cfg"
grep -q 'check_mail_queue_e2e' "$N/mailstatus.cfg" && grep -q -- '--config-dir=\$ARG5\$' "$N/mailstatus.cfg" &&
grep -q 'check_webmail_send_e2e' "$N/mailstatus.cfg" && grep -q 'delivery-timeout=5s' "$N/mailstatus.cfg" ||
	{ echo "FAIL: the contrib's check_webmail_send command changed shape"; exit 1; }
{
	for h in mx1 bmx1 store1 store2 web1; do
		printf 'define host {\n  use flip-host\n  host_name %s.e2e.test\n  address 127.0.0.1\n  check_command check_flip!up\n}\n' "$h"
	done
	cat <<OBJ
define service {
  use flip-service
  host_name mx1.e2e.test
  service_description greylist
  check_command check_greylist!$GREY!1!3
  check_interval 300
  retry_interval 300
}
define service {
  use flip-service
  host_name store1.e2e.test
  service_description storage
  check_command check_storage_mount!$W/mnt/store1!--state-dir=$W/smstate -t 4
  check_interval 300
  retry_interval 300
}
define service {
  use flip-service
  host_name store2.e2e.test
  service_description storage
  check_command check_storage_mount!$W/mnt/store2!--state-dir=$W/smstate --fstype=tmpfs
  check_interval 300
  retry_interval 300
}
define service {
  use flip-service
  host_name web1.e2e.test
  service_description webmail
  check_command check_webmail_send_e2e!http://127.0.0.1:$HTTP/!$PROBE!$W/probe.pw!imap://127.0.0.1:$IMAP/INBOX!4!4
  check_interval 300
  retry_interval 300
}
define service {
  use flip-service
  host_name web1.e2e.test
  service_description mail queue
  check_command check_mail_queue_e2e!0!50!1h!4h!$PF/etc
  check_interval 300
  retry_interval 300
}
OBJ
} | nagios_objects "$N"
nagios_flip "$N" up 0 "PING OK"
nagios_start "$N" || { echo "FAIL: Nagios did not start: $(grep -E 'Error' "$N/verify.out")"; exit 1; }

# checked_since HOST SERVICE T0 STATE SECONDS: until a check made at T0 or
# later put the service in that HARD state (Nagios starts every service as
# OK HARD, unchecked: the state alone proves nothing)
checked_since() {
	_n=0
	while [ $_n -lt $(($5 * 10)) ]; do
		_lc=$(nagios_field "$N" "$1" "$2" last_check)
		if [ "${_lc:-0}" -ge "$3" ] && [ "$(nagios_field "$N" "$1" "$2" current_state)" = "$4" ] &&
		   [ "$(nagios_field "$N" "$1" "$2" state_type)" = 1 ]; then
			return 0
		fi
		sleep 0.1
		_n=$((_n + 1))
	done
	return 1
}

# wait_state HOST SERVICE STATE [SECONDS]: forced checks until that HARD
# state. A first one sometimes brings no answer for half a minute, so it
# is asked again every 10 s: longer than any check here takes (a hung
# store's 3 s, an undelivered send's 6 s), since one asked for while a
# check runs comes after it, and its late answer could undo the state
wait_state() {
	_t0=$(date +%s)
	_end=$((_t0 + ${4:-40})) _step=$(( ${4:-40} < 10 ? ${4:-40} : 10 ))
	while :; do
		nagios_recheck "$N" "$1" "$2"
		checked_since "$1" "$2" "$_t0" "$3" "$_step" && return 0
		[ "$(date +%s)" -lt "$_end" ] || return 1
	done
}

# compare HOST SERVICE CHECK_COMMAND: expands the check command through the
# definitions Nagios read, runs it as Nagios' user with Nagios' environment,
# and compares exit status, status line and perfdata (labels, units,
# thresholds and values: tests/integration/perfdata_values.py) with status.dat.
compare() {
	_sd_state=$(nagios_field "$N" "$1" "$2" current_state)
	_sd_out=$(nagios_field "$N" "$1" "$2" plugin_output)
	_sd_perf=$(nagios_field "$N" "$1" "$2" performance_data)
	_sd_when=$(nagios_field "$N" "$1" "$2" last_check)
	$py - "$N/mailstatus.cfg" "$3" "$plugins" "$PF/etc" "$_sd_state" "$_sd_out" "$_sd_perf" \
		"$top_srcdir/tests/integration" "$_sd_when" <<'PY'
import re, subprocess, sys, time
cfg, check, plugdir, mailcfg, sd_state, sd_out, sd_perf, here, sd_when = sys.argv[1:10]
sys.path.insert(0, here)
from perfdata_values import differences
cmds = dict(re.findall(r"command_name\s+(\S+)\s*\n\s*command_line\s+(.*)", open(cfg).read()))
name, *args = check.split("!")
line = cmds[name].replace("$USER1$", plugdir).replace("$HOSTADDRESS$", "127.0.0.1")
for i, a in enumerate(args, 1):
    line = line.replace("$ARG%d$" % i, a)
p = subprocess.run(["runuser", "-u", "nagios", "--", "env",
                    "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "sh", "-c", line],
                   capture_output=True, text=True, timeout=60)
first = p.stdout.split("\n", 1)[0]
text, _, perf = first.partition("|")
elapsed = time.time() - int(sd_when or 0)
prefix = lambda s: " ".join(s.split()[:2])
problems = []
if str(p.returncode) != sd_state:
    problems.append("exit %d, status.dat has %s" % (p.returncode, sd_state))
if prefix(text) != prefix(sd_out):
    problems.append("prints '%s', status.dat has '%s'" % (text.strip(), sd_out))
problems += ["perfdata: " + d for d in differences(sd_perf, perf, elapsed)]
print("; ".join(problems) if problems else "%s | %s" % (sd_out.strip(), sd_perf.strip()))
sys.exit(1 if problems else 0)
PY
}

out=$($py "$top_srcdir/tests/integration/perfdata_values.py" 2>&1) && check_ok "$out" ||
	check_fail "the perfdata comparison cannot tell values apart: $out"
for spec in "mx1.e2e.test|greylist|check_greylist!$GREY!1!3" \
	    "store1.e2e.test|storage|check_storage_mount!$W/mnt/store1!--state-dir=$W/smstate -t 4" \
	    "store2.e2e.test|storage|check_storage_mount!$W/mnt/store2!--state-dir=$W/smstate --fstype=tmpfs" \
	    "web1.e2e.test|webmail|check_webmail_send_e2e!http://127.0.0.1:$HTTP/!$PROBE!$W/probe.pw!imap://127.0.0.1:$IMAP/INBOX!4!4" \
	    "web1.e2e.test|mail queue|check_mail_queue_e2e!0!50!1h!4h!$PF/etc"; do
	IFS='|' read -r h s cmd <<<"$spec"
	if wait_state "$h" "$s" 0; then
		out=$(compare "$h" "$s" "$cmd") && check_ok "Nagios runs $s on $h: recorded = printed: $out" ||
			check_fail "$h!$s: $out"
	else
		check_fail "$h!$s did not become OK: $(nagios_field "$N" "$h" "$s" plugin_output)"
	fi
done

# --- the publisher on status.dat --------------------------------------------------
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
member = mx1.e2e.test!greylist = AV/GreyListing 1
member = bmx1.e2e.test = Backup MX 1

[component email-cluster-a storage]
name = Mail Storage
member = store1.e2e.test!storage = Mail Storage 1
member = store2.e2e.test!storage = Mail Storage 2

[cluster email-cluster-b]
name = Email Cluster B
service = Email Service

[component email-cluster-b webmail]
name = Webmail
critical = no
member = web1.e2e.test!webmail = Web Service 1
member = web1.e2e.test!mail queue = Outgoing Mail 1
CONF

run() {
	out=$("$publish" -c "$W/publish.conf" run 2>&1)
	rc=$?
	[ "$rc" -eq 0 ] || check_fail "publisher run: exit $rc: $out"
}
newest() {
	$py - "$OUT/feeds/$1" <<'PY'
import sys, feedparser
d = feedparser.parse(sys.argv[1])
if d.entries:
    e = d.entries[0]
    print("%s|%s" % (e.title, ",".join(t.term for t in e.get("tags", []))))
    print(e.content[0].value)
PY
}
run
[ -z "$(newest email-cluster-a.rss)$(newest email-cluster-b.rss)" ] &&
	check_ok "all up: the feeds say nothing" || check_fail "all up, but: $(newest email-cluster-a.rss | head -n 1)"

# --- 2. a storage server stops answering ------------------------------------------
echo hang >"$W/control"
if wait_state store1.e2e.test storage 2; then
	check_ok "hung FUSE store: Nagios has storage CRITICAL: $(nagios_field "$N" store1.e2e.test storage plugin_output)"
else
	check_fail "the hung store is not CRITICAL"
fi
run
case $(newest email-cluster-a.rss) in
"Email Cluster A is Degraded|Email Cluster A,Incident "*"Mail Storage 1 is unavailable"*)
	check_ok "Email Cluster A is Degraded, an incident opened, Mail Storage 1 named" ;;
*) check_fail "after the hang: $(newest email-cluster-a.rss)" ;;
esac
inc=$(newest email-cluster-a.rss | head -n 1 | sed -n 's/.*Incident \([0-9]*\).*/\1/p')
echo ok >"$W/control"
wait_state store1.e2e.test storage 0 60 && check_ok "the store answers again: OK" ||
	check_fail "the store did not recover: $(nagios_field "$N" store1.e2e.test storage plugin_output)"
run
[ "$(newest email-cluster-a.rss | head -n 1)" = "Email Cluster A is Online|Email Cluster A,Incident ${inc:-?}" ] &&
	check_ok "Email Cluster A is Online again" || check_fail "after recovery: $(newest email-cluster-a.rss | head -n 1)"
"$publish" -c "$W/publish.conf" show incident "${inc:-0}" | grep -q '^Title: *Email Cluster A is Degraded \[Resolved\]' &&
	check_ok "incident $inc is [Resolved]" || check_fail "incident $inc: $("$publish" -c "$W/publish.conf" show incident "${inc:-0}" 2>&1 | head -n 2)"

# --- 3. the webmail's outgoing mail path is cut -----------------------------------
postconf -c "$PF/etc" -e "virtual_transport = lmtp:inet:127.0.0.1:$NOWHERE_LMTP"
postfix -c "$PF/etc" reload >/dev/null 2>&1
wait_state web1.e2e.test webmail 2 60 &&
	check_ok "webmail CRITICAL: $(nagios_field "$N" web1.e2e.test webmail plugin_output)" ||
	check_fail "webmail is not CRITICAL: $(nagios_field "$N" web1.e2e.test webmail plugin_output)"
wait_state web1.e2e.test "mail queue" 1 &&
	check_ok "mail queue WARNING: $(nagios_field "$N" web1.e2e.test "mail queue" plugin_output)" ||
	check_fail "mail queue is not WARNING: $(nagios_field "$N" web1.e2e.test "mail queue" plugin_output)"
out=$(compare web1.e2e.test "mail queue" "check_mail_queue_e2e!0!50!1h!4h!$PF/etc") && check_ok "the queue's WARNING as printed: $out" || check_fail "queue: $out"
run
# the webmail's failure opens the incident; the queue's WARNING, when a push
# told the webmail's first, follows as an update of it (a change of impact)
opened=$($py -c 'import sys, feedparser
for e in feedparser.parse(sys.argv[1]).entries:
    print("%s|%s" % (e.title, ",".join(t.term for t in e.get("tags", []))))' "$OUT/feeds/email-cluster-b.rss" |
	grep -m 1 '^Email Cluster B is Degraded|Email Cluster B,Incident ')
case "$opened|$(newest email-cluster-b.rss | head -n 1)" in
"Email Cluster B is Degraded|Email Cluster B,Incident "*"|Email Cluster B"*"Incident "*) check_ok "Email Cluster B is Degraded, an incident opened" ;;
*) check_fail "mail path cut: $(newest email-cluster-b.rss | head -n 1)" ;;
esac
inc=$(printf '%s\n' "$opened" | sed -n 's/.*Incident \([0-9]*\).*/\1/p')
"$publish" -c "$W/publish.conf" list 2>&1 | grep -q . || true
# webmail_state FILE: the Webmail component's state in status.json, or why there is none
webmail_state() {
	$py -c 'import json, sys
try:
    d = json.load(open(sys.argv[1]))
except (OSError, ValueError) as e:
    sys.exit("no status.json: %s" % e)
found = [co.get("state") for c in d.get("clusters", []) for co in c.get("components", [])
         if co.get("name") == "Webmail"]
print(found[0] if len(found) == 1 else "%d Webmail components" % len(found))' "$1" 2>&1
}
state=$(webmail_state "$OUT/status.json")
[ "$state" = degraded ] && check_ok "status.json: Webmail degraded" || check_fail "status.json: Webmail is ${state:-not there}"
# the check can fail: without the file, or without the component
printf '{"clusters": [{"components": [{"name": "Storage", "state": "degraded"}]}]}' >"$W/other.json"
[ "$(webmail_state "$W/no-such.json")" != degraded ] && [ "$(webmail_state "$W/other.json")" != degraded ] &&
	check_ok "the status.json check fails without the file or the component: $(webmail_state "$W/no-such.json" | head -c 80); $(webmail_state "$W/other.json")" ||
	check_fail "the status.json check passes without the file or the component"
postconf -c "$PF/etc" -e "virtual_transport = lmtp:inet:127.0.0.1:$LMTP"
postfix -c "$PF/etc" reload >/dev/null 2>&1
postqueue -c "$PF/etc" -f >/dev/null 2>&1
wait_state web1.e2e.test webmail 0 60 && check_ok "mail flows again: webmail OK" || check_fail "webmail did not recover"
_n=0
until wait_state web1.e2e.test "mail queue" 0 5 2>/dev/null || [ $_n -ge 6 ]; do postqueue -c "$PF/etc" -f >/dev/null 2>&1; _n=$((_n + 1)); done
[ "$(nagios_field "$N" web1.e2e.test "mail queue" current_state)" = 0 ] && check_ok "the queue drained: OK" ||
	check_fail "the queue did not drain: $(nagios_field "$N" web1.e2e.test "mail queue" plugin_output)"
run
[ "$(newest email-cluster-b.rss | head -n 1)" = "Email Cluster B is Online|Email Cluster B,Incident ${inc:-?}" ] &&
	check_ok "Email Cluster B is Online again" || check_fail "B after repair: $(newest email-cluster-b.rss | head -n 1)"

# --- 4. postgrey killed; the backup MX keeps the cluster up ------------------------
postgrey_stop "$PG"
wait_state mx1.e2e.test greylist 2 &&
	check_ok "postgrey gone: greylist CRITICAL: $(nagios_field "$N" mx1.e2e.test greylist plugin_output)" ||
	check_fail "greylist is not CRITICAL"
run
case $(newest email-cluster-a.rss) in
"Email Cluster A is Degraded|Email Cluster A,Incident "*"Incoming Mail is running with reduced redundancy (AV/GreyListing 1 is unavailable)"*)
	check_ok "Incoming Mail degraded, Email Cluster A Degraded (not Offline): the backup MX carries it" ;;
*) check_fail "postgrey killed: $(newest email-cluster-a.rss)" ;;
esac
postgrey_start "$PG-again" "$GREY" 300 || check_fail "postgrey did not restart"
wait_state mx1.e2e.test greylist 0 && run

# --- 5. a downtime scheduled through the engine ------------------------------------
now=$(date +%s)
for h in store1 store2; do
	nagios_cmd "$N" "SCHEDULE_HOST_DOWNTIME;$h.e2e.test;$now;$((now + 3600));1;0;3600;ops;Storage firmware"
done
nagios_wait_field "$N" store1.e2e.test - scheduled_downtime_depth 1 || check_fail "no downtime on store1"
nagios_wait_field "$N" store2.e2e.test - scheduled_downtime_depth 1 || check_fail "no downtime on store2"
run
[ "$(newest email-cluster-a.rss | head -n 1)" = "Email Cluster A is In Maintenance|Email Cluster A" ] &&
	check_ok "downtime in Nagios: Email Cluster A is In Maintenance" ||
	check_fail "downtime: $(newest email-cluster-a.rss | head -n 1)"
for h in store1 store2; do nagios_cmd "$N" "DEL_DOWNTIME_BY_HOST_NAME;$h.e2e.test"; done
nagios_wait_field "$N" store1.e2e.test - scheduled_downtime_depth 0 || check_fail "downtime not deleted"
nagios_wait_field "$N" store2.e2e.test - scheduled_downtime_depth 0 || check_fail "downtime not deleted"
run
case $(newest email-cluster-a.rss) in
"Email Cluster A is Online|Email Cluster A"*"maintenance of Email Cluster A is complete"*)
	check_ok "downtime over: Online, the maintenance is complete" ;;
*) check_fail "after the downtime: $(newest email-cluster-a.rss)" ;;
esac

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
