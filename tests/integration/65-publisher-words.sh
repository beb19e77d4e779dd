#!/bin/bash
# What mailstatus-publish tells readers, and what never, against a real
# Nagios 4 (and a real Icinga 2 when installed), whose checks the test
# flips and whose operators' comments, acknowledgements and downtimes it
# writes through the external command file (the Icinga 2 API):
#   - internal notes never reach any output file, with or without
#     show_details; a note marked "public:" does, without the mark, under
#     the operator's public name ([authors]) or the configured author;
#   - the same for downtime comments; retract withdraws a post for good;
#   - a change of impact inside an open incident is told as an update;
#   - a flap shorter than hold_down stays silent, one that goes on longer
#     is announced as Degraded, intermittent, and so is a member Nagios'
#     (Icinga's) own flap detection says flaps;
#   - one time zone, named wherever a time is shown, and an incident says
#     when the problem began (the engine's last hard state change);
#   - update_title = {cluster} is {state} titles updates as the seed does.
set -u
. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/nagios.sh"
. "$top_srcdir/tests/peers/icinga2.sh"

publish="$top_builddir/mailstatus-publish"
py=/usr/bin/python3
export LC_ALL=C

command -v nagios4 >/dev/null || { echo "skip: nagios4 is not installed"; exit 77; }
$py -c 'import feedparser' 2>/dev/null || { echo "skip: python3-feedparser is not installed"; exit 77; }
[ -x "$publish" ] || { echo "FAIL: $publish is not built"; exit 1; }

peers_workdir publisher-words
trap peers_cleanup EXIT
W=$PEERS_DIR
N=$W/nagios
TZNAME=Europe/Berlin
ZONE=$(TZ=$TZNAME date +%Z)
SECRET="DB creds rotated, new pw in vault entry 4711"

# --- Nagios: Cluster A (incoming: two gateways; storage: two servers), the
# webmail cluster W (one server, with Nagios' flap detection) -----------------
nagios_setup "$N"
sed -i 's/^enable_flap_detection=0$/enable_flap_detection=1/' "$N/nagios.cfg"
{
	for h in gw1 gw2 store1 store2 web1; do
		printf 'define host {\n  use flip-host\n  host_name %s.example.net\n  address 127.0.0.1\n  check_command check_flip!%s\n  flap_detection_enabled 0\n}\n' "$h" "$h"
	done
	for s in gw1:greylist gw2:greylist store1:storage store2:storage; do
		printf 'define service {\n  use flip-service\n  host_name %s.example.net\n  service_description %s\n  check_command check_flip!%s-%s\n  flap_detection_enabled 0\n}\n' \
			"${s%%:*}" "${s#*:}" "${s%%:*}" "${s#*:}"
	done
	printf 'define service {\n  use flip-service\n  host_name web1.example.net\n  service_description webmail\n  check_command check_flip!web1-webmail\n  flap_detection_enabled 1\n  low_flap_threshold 5\n  high_flap_threshold 20\n}\n'
} | nagios_objects "$N"
for h in gw1 gw2 store1 store2 web1; do nagios_flip "$N" "$h" 0 "PING OK"; done
for s in gw1-greylist gw2-greylist store1-storage store2-storage web1-webmail; do
	nagios_flip "$N" "$s" 0 "OK - fine"
done
nagios_start "$N" || { echo "FAIL: Nagios did not start"; exit 1; }
nagios_wait "$N" web1.example.net webmail 0 || { echo "FAIL: no first check results"; exit 1; }

clusters() {
	cat <<CONF
[authors]
heather = Heather

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

[cluster webmail-w]
name = Webmail Cluster W
service = Webmail

[component webmail-w web]
name = Webmail
critical = no
member = web1.example.net!webmail = Web Service 1
CONF
}

# conf NAME SOURCE [PUBLISHER-LINES...]: $W/NAME.conf, output in $W/NAME/www
conf() {
	_name=$1 _source=$2
	shift 2
	{
		printf '[publisher]\ntitle = Example Hosting System Status\n'
		printf 'base_url = https://status.example.com/\noutput_dir = %s\nstore = %s\n' \
			"$W/$_name/www" "$W/$_name/publish.db"
		printf 'source = %s\nauthor = Operations\ntimezone = %s\nhold_down = 0\n' "$_source" "$TZNAME"
		for _l in "$@"; do printf '%s\n' "$_l"; done
		echo
		clusters
	} >"$W/$_name.conf"
}
conf main "statusdat:$N/status.dat"
conf details "statusdat:$N/status.dat" "show_details = yes"
conf seed "statusdat:$N/status.dat" "update_title = {cluster} is {state}"
conf flap60 "statusdat:$N/status.dat"
sed -i 's/^hold_down = 0$/hold_down = 60\nstale_after = 0/' "$W/flap60.conf"
conf flap300 "statusdat:$N/status.dat"
sed -i 's/^hold_down = 0$/hold_down = 300\nstale_after = 0/' "$W/flap300.conf"

pub() {	# NAME COMMAND ARGS...: the publisher on $W/NAME.conf; output in $out, status in $rc
	_n=$1
	shift
	out=$("$publish" -c "$W/$_n.conf" "$@" 2>&1)
	rc=$?
}
run() {	# NAME... [--now TIME]: a run of each, which must succeed
	_names=() _now=()
	while [ $# -gt 0 ]; do
		case $1 in
		--now) _now=(--now "$2"); shift 2 ;;
		*) _names+=("$1"); shift ;;
		esac
	done
	for _n in "${_names[@]}"; do
		pub "$_n" run "${_now[@]}"
		[ "$rc" -eq 0 ] || check_fail "run of $_n: exit $rc: $out"
	done
}

# items NAME [FEED]: one line per item, newest first:
# title | author | atom author | link | content on one line
items() {
	$py - "$W/$1/www/feeds/${2:-email-cluster-a}.rss" "$W/$1/www/feeds/${2:-email-cluster-a}.atom" <<'PY'
import signal, sys, feedparser
signal.signal(signal.SIGPIPE, signal.SIG_DFL)	# read by head: its end is not an error
rss, atom = feedparser.parse(sys.argv[1]), feedparser.parse(sys.argv[2])
if rss.bozo or atom.bozo:
    print("BOZO %s" % (rss.bozo_exception if rss.bozo else atom.bozo_exception))
for e, a in zip(rss.entries, atom.entries):
    body = " ".join(e.content[0].value.split())
    print("%s | %s | %s | %s | %s" % (e.title, e.get("author", "-"), a.get("author", "-"), e.link, body))
PY
}
field() { cut -d'|' -f"$1" | sed 's/^ //; s/ $//'; }
newest() { items "$@" | head -n 1; }

# nowhere NAME WORDS...: no file of NAME's output (pages, feeds, JSON) holds any of the words
nowhere() {
	_n=$1
	shift
	for _w in "$@"; do
		_f=$(grep -rliF -- "$_w" "$W/$_n/www")
		[ -z "$_f" ] || { echo "'$_w' in $_f"; return 1; }
	done
}

flip() {	# NAME HOST SERVICE CODE TEXT
	nagios_flip "$N" "$1" "$4" "$5"
	nagios_recheck "$N" "$2" "$3"
	nagios_wait "$N" "$2" "$3" "$4" || check_fail "Nagios did not take $2!$3 to $4"
}

# in_status TEXT: until status.dat holds TEXT (comments are written with it)
in_status() {
	_i=0
	while ! grep -qF -- "$1" "$N/status.dat" && [ "$_i" -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
	grep -qF -- "$1" "$N/status.dat" || check_fail "Nagios never wrote '$1' to status.dat"
}

# in_zone EPOCH [FORMAT]: the time as the site shows it
in_zone() { TZ=$TZNAME date -d "@$1" "+${2:-%d %b %Y %H:%M %Z}"; }

# --- 1. an incident: it says when the problem began, in the site's zone ------
run main details seed
flip gw1-greylist gw1.example.net greylist 2 "GREYLIST CRITICAL - no answer"
run main details seed
began=$(nagios_field "$N" gw1.example.net greylist last_hard_state_change)
want="The problem began on $(in_zone "$began")."
case $(newest main) in
"Email Cluster A is Degraded |"*"$want"*) check_ok "the incident's post says: $want" ;;
*) check_fail "began: want '$want' in: $(newest main)" ;;
esac
grep -qF "$want" "$W/main/www/incidents/1.html" && check_ok "so does the incident's page" ||
	check_fail "incidents/1.html lacks '$want'"
$py -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j["open_incidents"][0]["began_at"] else 1)' \
	"$W/main/www/status.json" && check_ok "status.json has began_at" || check_fail "status.json: no began_at"

# --- 2. operators' notes for each other stay internal -----------------------
nagios_cmd "$N" "ADD_HOST_COMMENT;store1.example.net;1;heather;internal: $SECRET"
nagios_cmd "$N" "ADD_SVC_COMMENT;store2.example.net;storage;1;heather;$SECRET"
nagios_cmd "$N" "ACKNOWLEDGE_SVC_PROBLEM;gw1.example.net;greylist;1;0;1;heather;restarting it, $SECRET"
in_status "restarting it, $SECRET"
in_status "internal: $SECRET"
before=$(items main | wc -l)
run main details seed
[ "$(items main | wc -l)" -eq "$before" ] && check_ok "internal comments and acknowledgement: no post" ||
	check_fail "a post from internal notes: $(newest main)"
for n in main details seed; do
	why=$(nowhere "$n" vault 4711) && check_ok "$n: 'vault' and '4711' are in no output file" ||
		check_fail "$n: an internal note leaked: $why"
done
nowhere details "restarting it" >/dev/null && grep -rqF "GREYLIST CRITICAL" "$W/details/www" &&
	check_ok "show_details shows plugin output, still no internal note" ||
	check_fail "show_details: $(nowhere details "restarting it")"

# --- 3. a note marked public is published, without its mark, under its author --
nagios_cmd "$N" "ADD_SVC_COMMENT;gw1.example.net;greylist;1;heather;public: We replaced the gateway's disk"
nagios_cmd "$N" "ADD_SVC_COMMENT;gw1.example.net;greylist;1;nagiosadmin;PUBLIC:Mail is queued, none is lost"
in_status "PUBLIC:Mail is queued"
run main details seed
got=$(items main | head -n 2 | sort)
case $got in
*"Email Cluster A: Update at "[0-9][0-9]":"[0-9][0-9]" $ZONE | Heather | Heather |"*"<strong>["[0-9][0-9]:[0-9][0-9]" $ZONE]</strong> We replaced the gateway's disk"*) check_ok "heather's public note: titled and stamped '$ZONE', author Heather (RSS and Atom)" ;;
*) check_fail "heather's note: $got" ;;
esac
case $got in
*"Update at "*" | Operations | Operations |"*"Mail is queued, none is lost"*) check_ok "an operator [authors] does not name: the configured author" ;;
*) check_fail "nagiosadmin's note: $got" ;;
esac
why=$(nowhere main nagiosadmin "ublic:" vault) && check_ok "no login, no 'public:' mark, no secret in any file" ||
	check_fail "leak: $why"
# the seed's wording: every post of the incident titled with the cluster's state
[ "$(items seed | field 1 | sort -u)" = "Email Cluster A is Degraded" ] && [ "$(items seed | wc -l)" -eq 3 ] &&
	check_ok "update_title = {cluster} is {state}: all 3 posts 'Email Cluster A is Degraded'" ||
	check_fail "seed titles: $(items seed | field 1)"

# --- 4. retract: a published post withdrawn for good ------------------------
link=$(items main | grep -F "replaced the gateway" | field 4)
rid=${link##*/posts/}
rid=${rid%.html}
pub main retract "$rid"
[ "$rc" -eq 0 ] && check_ok "retract $rid: $out" || check_fail "retract $rid: exit $rc: $out"
why=$(nowhere main "replaced the gateway") && [ -n "$rid" ] && [ ! -e "$W/main/www/posts/$rid.html" ] &&
	check_ok "the retracted post is in no feed, page or status.json, its page gone" ||
	check_fail "retracted post still published: $why"
run main
why=$(nowhere main "replaced the gateway") && check_ok "a later run (the comment still in Nagios) does not publish it again" ||
	check_fail "republished: $why"
pub main show "$rid"
case $out in *"Retracted: "*" by "*) check_ok "show $rid says who retracted it and when" ;; *) check_fail "show $rid: $out" ;; esac
pub main retract "$rid"
[ "$rc" -eq 2 ] && case $out in *"already retracted"*) true ;; *) false ;; esac &&
	check_ok "retract twice: exit 2, $out" || check_fail "retract twice: exit $rc, $out"

# --- 5. a change of impact inside the open incident is told ------------------
flip store1-storage store1.example.net storage 2 "STORAGE CRITICAL - not mounted"
run main
case $(newest main) in
"Email Cluster A: Update at "*" $ZONE |"*"Mail Storage is running with reduced redundancy (Mail Storage 1 is unavailable)."*)
	case $(newest main) in
	*"Mail Storage is working normally"*) check_fail "the update still says the storage works: $(newest main)" ;;
	*) check_ok "the storage failing too is told as an update with the impact now" ;;
	esac ;;
*) check_fail "no update for the storage: $(newest main)" ;;
esac
flip store1-storage store1.example.net storage 0 "OK"
run main
newest main | grep -q "^Email Cluster A: Update at .*Mail Storage is working normally" &&
	check_ok "its recovery is told too" || check_fail "storage recovery: $(newest main)"
flip gw2-greylist gw2.example.net greylist 2 "CRITICAL"
run main
flip gw2-greylist gw2.example.net greylist 0 "OK"
run main
[ "$(items main | head -n 2 | field 1 | tr '\n' '/')" = "Email Cluster A is Degraded/Email Cluster A is Offline/" ] &&
	check_ok "Degraded becomes Offline and back: a post each" || check_fail "offline and back: $(items main | head -n 3 | field 1)"
n=$(items main | wc -l)
run main
[ "$(items main | wc -l)" -eq "$n" ] && check_ok "the same impact again: nothing new" || check_fail "told twice"
flip gw1-greylist gw1.example.net greylist 0 "OK"
run main details seed
newest main | grep -q "^Email Cluster A is Online" && check_ok "recovered: Online" || check_fail "recovery: $(newest main)"

# --- 6. downtime comments: only the public one, in the maintenance post ------
now=$(date +%s)
nagios_cmd "$N" "SCHEDULE_SVC_DOWNTIME;store1.example.net;storage;$now;$((now + 3600));1;0;3600;heather;public: Storage firmware update tonight"
nagios_cmd "$N" "SCHEDULE_SVC_DOWNTIME;store2.example.net;storage;$now;$((now + 3600));1;0;3600;ops;internal: change 4711, $SECRET"
nagios_wait_field "$N" store1.example.net storage scheduled_downtime_depth 1 || check_fail "no downtime"
nagios_wait_field "$N" store2.example.net storage scheduled_downtime_depth 1 || check_fail "no downtime"
in_status "internal: change 4711"
run main
case $(newest main) in
"Email Cluster A is In Maintenance | Heather | Heather |"*"Storage firmware update tonight"*) check_ok "In Maintenance with the public downtime comment, by Heather" ;;
*) check_fail "maintenance post: $(newest main)" ;;
esac
why=$(nowhere main 4711 vault "public: Storage") && check_ok "the internal downtime comment is in no file" ||
	check_fail "downtime comment leaked: $why"
nagios_cmd "$N" "DEL_DOWNTIME_BY_HOST_NAME;store1.example.net"
nagios_cmd "$N" "DEL_DOWNTIME_BY_HOST_NAME;store2.example.net"
nagios_wait_field "$N" store1.example.net storage scheduled_downtime_depth 0 || check_fail "downtime not deleted"
nagios_wait_field "$N" store2.example.net storage scheduled_downtime_depth 0 || check_fail "downtime not deleted"
run main

# --- 7. a maintenance announcement speaks the site's zone, not +0000 ----------
printf 'Firmware of the storage switches.\n' >"$W/fw.txt"
start=$(( ($(date +%s) / 3600 + 24) * 3600 ))
pub main maintenance schedule --cluster email-cluster-a --start "@$start" --end "@$((start + 10800))" --message-file "$W/fw.txt"
want="Scheduled maintenance of Email Cluster A from $(in_zone "$start") to $(in_zone $((start + 10800)))."
case $(newest main | field 5) in
*"+0000"*) check_fail "the announcement says +0000: $(newest main | field 5)" ;;
*"$want"*) check_ok "the announcement: '$want'" ;;
*) check_fail "announcement: want '$want' in $(newest main | field 5)" ;;
esac

# --- 8. flapping: a flap shorter than hold_down stays silent, a longer one is told
# gw2 flips between CRITICAL and OK every 10 s (run --now) for 110 s: under a
# hold-down of 300 s that is a short flap, under 60 s a lasting one.
t0=$(date +%s)
for k in $(seq 0 11); do
	if [ $((k % 2)) -eq 0 ]; then
		flip gw2-greylist gw2.example.net greylist 2 "CRITICAL - refused"
	else
		flip gw2-greylist gw2.example.net greylist 0 "OK"
	fi
	run flap60 flap300 --now "@$((t0 + 10 * k))"
done
for k in $(seq 12 50); do
	run flap60 flap300 --now "@$((t0 + 10 * k))"
done
got=$(items flap60 | field 1 | tr '\n' '/')
[ "$got" = "Email Cluster A is Online/Email Cluster A is Degraded/" ] &&
	items flap60 | sed -n 2p | grep -q "some of its services fail intermittently.*Incoming Mail fails intermittently (AV/GreyListing 2 is affected)" &&
	check_ok "hold_down 60: the 110 s flap is announced Degraded, intermittent, then Online once it stopped" ||
	check_fail "hold_down 60: $(items flap60)"
[ -z "$(items flap300)" ] && check_ok "hold_down 300: the same flap stays silent" ||
	check_fail "hold_down 300: $(items flap300)"

# --- 9. Nagios' own flap detection: web1 flips with every check -------------
(
	while :; do
		nagios_flip "$N" web1-webmail 2 "CRITICAL"
		sleep 0.7
		nagios_flip "$N" web1-webmail 0 "OK"
		sleep 0.7
	done
) &
flipper=$!
peers_on_cleanup "kill $flipper"
nagios_wait_field "$N" web1.example.net webmail is_flapping 1 90 || check_fail "Nagios never said web1 flaps"
kill "$flipper"
wait "$flipper" 2>/dev/null
run main
case $(newest main webmail-w) in
"Webmail Cluster W is Degraded |"*"Web Service 1 fails intermittently"*) check_ok "is_flapping=1: Degraded, 'Web Service 1 fails intermittently'" ;;
*) check_fail "is_flapping: $(newest main webmail-w)" ;;
esac

# --- 10. Icinga 2: the same rules through its API ---------------------------
if ! command -v icinga2 >/dev/null; then
	echo "note: icinga2 is not installed: its part is skipped"
	[ "$failures" -eq 0 ]
	exit
fi
nagios_stop "$N"
I=$W/icinga2
PORT=15667
icinga2_setup "$I" master.words.test "$PORT" || { check_fail "icinga2 setup"; exit 1; }
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
	for h in gw1 gw2 store1 store2 web1; do
		printf 'object Host "%s.example.net" { import "flip-host"; vars.flip_name = "%s" }\n' "$h" "$h"
	done
	for s in gw1:greylist gw2:greylist store1:storage store2:storage; do
		printf 'object Service "%s" { import "flip-service"; host_name = "%s.example.net"; vars.flip_name = "%s-%s" }\n' \
			"${s#*:}" "${s%%:*}" "${s%%:*}" "${s#*:}"
	done
	# passive: its results come from the API; flap detection on
	printf 'object Service "webmail" { import "flip-service"; host_name = "web1.example.net"; vars.flip_name = "web1-webmail"; enable_active_checks = false; enable_flapping = true; flapping_threshold_high = 20; flapping_threshold_low = 5 }\n'
} | icinga2_objects "$I"
for h in gw1 gw2 store1 store2 web1; do icinga2_flip "$I" "$h" 0 "PING OK"; done
for s in gw1-greylist gw2-greylist store1-storage store2-storage web1-webmail; do icinga2_flip "$I" "$s" 0 "OK"; done
icinga2_start "$I" || { check_fail "Icinga 2 did not start: $(tail -5 "$I/daemon.out")"; exit 1; }
result() {	# EXIT-STATUS: a passive result for web1!webmail
	icinga2_api "$I" POST /v1/actions/process-check-result \
		"{\"type\":\"Service\",\"filter\":\"host.name==\\\"web1.example.net\\\" && service.name==\\\"webmail\\\"\",\"exit_status\":$1,\"plugin_output\":\"passive $1\"}" >/dev/null
}
result 0
for o in gw1:- gw2:- store1:- store2:- web1:- gw1:greylist gw2:greylist store1:storage store2:storage web1:webmail; do
	icinga2_wait "$I" "${o%%:*}.example.net" "${o#*:}" 0 || check_fail "no first check result for $o"
done
cp "$I/api.pw" "$W/api.pw"
chmod 600 "$W/api.pw"
conf icinga "icinga2:https://127.0.0.1:$PORT" "api_user = mailstatus" "api_password_file = $W/api.pw" \
	"api_ca_file = $I/ca.crt" "api_server_name = master.words.test"
run icinga
icinga2_flip "$I" gw1-greylist 2 "CRITICAL"
icinga2_recheck "$I" gw1.example.net greylist
icinga2_wait "$I" gw1.example.net greylist 2 || check_fail "Icinga did not take gw1 to CRITICAL"
run icinga
began=$(icinga2_attr "$I" gw1.example.net greylist last_hard_state_change)
newest icinga | grep -qF "The problem began on $(in_zone "${began%.*}")." &&
	check_ok "Icinga: the incident says when the problem began" || check_fail "Icinga began ($began): $(newest icinga)"
icinga2_api "$I" POST /v1/actions/add-comment \
	"{\"type\":\"Host\",\"filter\":\"host.name==\\\"store1.example.net\\\"\",\"author\":\"heather\",\"comment\":\"internal: $SECRET\"}" >/dev/null ||
	check_fail "the API did not add the comment"
icinga2_api "$I" POST /v1/actions/acknowledge-problem \
	"{\"type\":\"Service\",\"filter\":\"host.name==\\\"gw1.example.net\\\" && service.name==\\\"greylist\\\"\",\"author\":\"heather\",\"comment\":\"public: Postgrey restarted\"}" >/dev/null ||
	check_fail "the API did not acknowledge"
run icinga
case $(newest icinga) in
"Email Cluster A: Issue identified at "*" $ZONE | Heather | Heather |"*"Postgrey restarted"*) check_ok "Icinga: the public acknowledgement, by Heather" ;;
*) check_fail "Icinga acknowledgement: $(newest icinga)" ;;
esac
why=$(nowhere icinga vault 4711 "ublic:") && check_ok "Icinga: the internal comment is in no file" ||
	check_fail "Icinga leak: $why"
# Icinga's own flap detection: passive results flipping until it says so
_i=0
while [ "$(icinga2_attr "$I" web1.example.net webmail flapping)" != True ] && [ "$_i" -lt 60 ]; do
	result 2
	result 0
	_i=$((_i + 1))
done
[ "$(icinga2_attr "$I" web1.example.net webmail flapping)" = True ] || check_fail "Icinga never said web1 flaps"
run icinga
case $(newest icinga webmail-w) in
"Webmail Cluster W is Degraded |"*"Web Service 1 fails intermittently"*) check_ok "Icinga flapping=true: Degraded, 'Web Service 1 fails intermittently'" ;;
*) check_fail "Icinga flapping: $(newest icinga webmail-w)" ;;
esac

[ "$failures" -eq 0 ]
