#!/bin/bash
# A replay of the seed feed's story (OpenSRS "Email Service", Sep 2009 to
# Jan 2010): the sample config of contrib/ goes through the same sequence
# of monitoring states and operator actions, at the seed's own times
# (run --now), and the service feed must tell the same story: the same
# titles, categories (incident numbers are ours, so compared by which
# posts share one), order and pubDates as the seed's ten items.
set -u
. "$top_srcdir/tests/peers/common.sh"

publish="$top_builddir/mailstatus-publish"
schema="$top_srcdir/contrib/rss-profile.rng"
sample="$top_srcdir/contrib/publish.conf.sample"
py=/usr/bin/python3

command -v xmllint >/dev/null || { echo "skip: xmllint is not installed"; exit 77; }
$py -c 'import feedparser' 2>/dev/null || { echo "skip: python3-feedparser is not installed"; exit 77; }
[ -x "$publish" ] || { echo "FAIL: $publish is not built"; exit 1; }

peers_workdir publisher-seed
trap peers_cleanup EXIT
W=$PEERS_DIR
sed -e "s|^output_dir = .*|output_dir = $W/www|" -e "s|^store = .*|store = $W/publish.db|" \
	-e "s|^source = .*|source = statusdat:$W/status.dat|" -e "s|^items = .*|items = 10|" \
	-e "/^sample = yes$/d" "$sample" >"$W/publish.conf"

# status AT [OBJECT=STATE[/downtime]]...: a status.dat written at AT in
# which every member of the config is up, except the objects named.
status() {
	$py - "$W/publish.conf" "$@" >"$W/status.dat.new" <<'PY'
import re, sys, calendar, time
conf, at, overrides = sys.argv[1], sys.argv[2], sys.argv[3:]
created = calendar.timegm(time.strptime(at, "%Y-%m-%d %H:%M:%S"))
state = {}
for o in overrides:
    obj, v = o.split("=")
    code, _, dt = v.partition("/")
    state[obj] = (int(code), 1 if dt else 0)
objects = []
for line in open(conf):
    m = re.match(r"member = ([^=]+?)\s*(=|$)", line)
    if m:
        obj = m.group(1)
        host = obj.split("!")[0]
        for o in (host, obj):
            if o not in objects:
                objects.append(o)
print("info {\n\tcreated=%d\n\tversion=4.4.6\n\t}\n" % created)
for o in objects:
    code, dt = state.get(o, (0, 0))
    host, _, svc = o.partition("!")
    kind = "servicestatus" if svc else "hoststatus"
    print("%s {\n\thost_name=%s" % (kind, host))
    if svc:
        print("\tservice_description=%s" % svc)
    print("\tcurrent_state=%d\n\tlast_hard_state=%d\n\tstate_type=1\n"
          "\tplugin_output=state %d\n\tscheduled_downtime_depth=%d\n\t}\n" % (code, code, code, dt))
PY
	# the operators' comments Nagios holds at the time, if any
	[ ! -f "$W/comments.dat" ] || cat "$W/comments.dat" >>"$W/status.dat.new"
	mv "$W/status.dat.new" "$W/status.dat"
}

# comment AT HOST!SERVICE ID TEXT: heather writes TEXT in Nagios at AT (UTC)
comment() {
	_host=${2%%!*} _svc=${2#*!}
	printf 'servicecomment {\n\thost_name=%s\n\tservice_description=%s\n\tentry_type=1\n\tcomment_id=%s\n\tentry_time=%s\n\tauthor=heather\n\tcomment_data=%s\n\t}\n' \
		"$_host" "$_svc" "$3" "$(date -u -d "$1" +%s)" "$4" >>"$W/comments.dat"
}

pub() {	# AT COMMAND ARGS...: the publisher at the seed's time AT (UTC)
	_at=$1
	shift
	"$publish" -c "$W/publish.conf" "$@" --now "$_at" >"$W/last.out" 2>&1 ||
		check_fail "$* at $_at: exit $?: $(cat "$W/last.out")"
}

run_at() {	# AT [OBJECT=STATE...]: monitoring shows this at AT, cron runs
	status "$@"
	pub "$1" run
}

msg() { printf '%s\n' "$2" >"$W/$1.txt"; }

# replay_story posts|notes: the seed's story; its two updates of Cluster B's
# incident are an operator's posts, or (notes) public comments in Nagios
replay_story() {
# 27 Sep 2009: an all-clear note about Cluster A
run_at "2009-09-27 05:00:00"
msg allclear "OpenSRS Email Services on Cluster A are fully available."
pub "2009-09-27 05:24:14" post --cluster email-cluster-a --title "Email Cluster A is Online" \
	--message-file "$W/allclear.txt"

# 29 Sep: provisioning on Cluster B breaks (not critical: Degraded), two
# updates, then it is back: the hold-down of 120 s delays each transition
run_at "2009-09-29 06:56:17" prov1.b.example.net!provisioning=2
run_at "2009-09-29 06:58:17" prov1.b.example.net!provisioning=2
u1="Update: the provisioning queue is being processed. Customer mailboxes remain accessible via IMAP, POP and Webmail."
u2="Update: we isolated the cause, a misconfigured provisioning script."
if [ "$1" = notes ]; then
	comment "2009-09-29 08:24:08" prov1.b.example.net!provisioning 1 "public: $u1"
	run_at "2009-09-29 08:24:30" prov1.b.example.net!provisioning=2
	comment "2009-09-29 09:02:23" prov1.b.example.net!provisioning 2 "public: $u2"
	run_at "2009-09-29 09:02:30" prov1.b.example.net!provisioning=2
	rm "$W/comments.dat"
else
	msg u1 "$u1"
	pub "2009-09-29 08:24:08" post --cluster email-cluster-b --incident 1 \
		--title "Email Cluster B is Degraded" --message-file "$W/u1.txt"
	msg u2 "$u2"
	pub "2009-09-29 09:02:23" post --cluster email-cluster-b --incident 1 \
		--title "Email Cluster B is Degraded" --message-file "$W/u2.txt"
fi
run_at "2009-09-29 09:17:30"
run_at "2009-09-29 09:19:30"

# 4 Nov: an incident an operator opens while everything is up (webmail
# rendering in some browsers), amended at 16:10 and closed with that post
msg web "All OpenSRS Email services on Cluster A are fully available.

Some customers may experience Webmail rendering issues in some browsers."
pub "2009-11-04 15:51:54" incident open --cluster email-cluster-a \
	--title "Email Cluster A is Online" --message-file "$W/web.txt"
guid_before=$("$publish" -c "$W/publish.conf" show 6 | sed -n 's/^Guid: *//p')
[ -n "$guid_before" ] || check_fail "post 6 is not the 4 Nov incident's ($1)"
msg web2 "All OpenSRS Email services on Cluster A are fully available.

Update Thursday, November 4, 2009 16:10 UTC:
Our Development and Operations team identified a bug and rolled back the Webmail code."
pub "2009-11-04 16:10:00" edit 6 --message-file "$W/web2.txt"
pub "2009-11-04 16:10:00" incident resolve 2 --no-post

# 29 Nov: the storage of Cluster A in scheduled downtime, then back
run_at "2009-11-29 03:43:54" store1.a.example.net=0/dt store2.a.example.net=0/dt
run_at "2009-11-29 03:45:54" store1.a.example.net=0/dt store2.a.example.net=0/dt
run_at "2009-11-29 06:58:33"
run_at "2009-11-29 07:00:33"

# 13 Jan 2010: two notes about the control panel's statistics
msg mac "OpenSRS Email Service is fully available however statistics provided in the MAC control panel are not accurate."
pub "2010-01-13 19:06:34" post --cluster email-cluster-a --title "Email Cluster A is Online" \
	--message-file "$W/mac.txt"
pub "2010-01-13 19:07:34" post --cluster email-cluster-b --title "Email Cluster B is Online" \
	--message-file "$W/mac.txt"
run_at "2010-01-13 19:10:00"
}
replay_story posts

# The story as a reader's feed parser sees it: pubDate | title | categories,
# incident numbers replaced by the order they first appear in (I1, I2).
story() {
	$py - "$1" <<'PY'
import sys, feedparser
d = feedparser.parse(sys.argv[1])
if d.bozo:
    print("BOZO %s" % d.bozo_exception)
names = {}
for e in d.entries:
    cats = []
    for t in e.get("tags", []):
        if t.term.startswith("Incident "):
            names.setdefault(t.term, "I%d" % (len(names) + 1))
            cats.append(names[t.term])
        else:
            cats.append(t.term)
    print("%s | %s | %s" % (e.published, e.title, ",".join(cats)))
PY
}

seed_story=$(cat <<'SEED'
Wed, 13 Jan 2010 19:07:34 +0000 | Email Cluster B is Online | Email Cluster B
Wed, 13 Jan 2010 19:06:34 +0000 | Email Cluster A is Online | Email Cluster A
Sun, 29 Nov 2009 07:00:33 +0000 | Email Cluster A is Online | Email Cluster A
Sun, 29 Nov 2009 03:45:54 +0000 | Email Cluster A is In Maintenance | Email Cluster A
Wed, 04 Nov 2009 15:51:54 +0000 | Email Cluster A is Online | Email Cluster A,I1
Tue, 29 Sep 2009 09:19:30 +0000 | Email Cluster B is Online | Email Cluster B,I2
Tue, 29 Sep 2009 09:02:23 +0000 | Email Cluster B is Degraded | Email Cluster B,I2
Tue, 29 Sep 2009 08:24:08 +0000 | Email Cluster B is Degraded | Email Cluster B,I2
Tue, 29 Sep 2009 06:58:17 +0000 | Email Cluster B is Degraded | Email Cluster B,I2
Sun, 27 Sep 2009 05:24:14 +0000 | Email Cluster A is Online | Email Cluster A
SEED
)
# the seed itself, read the same way, is that story
if [ -r "${SEED_FEED:-/nonexistent}" ]; then
	[ "$(story "$SEED_FEED")" = "$seed_story" ] && check_ok "the seed feed reads as the expected story" ||
		check_fail "the seed reads differently: $(story "$SEED_FEED")"
fi

got=$(story "$W/www/feeds/service/email-service.rss")
if [ "$got" = "$seed_story" ]; then
	check_ok "the Email Service feed tells the seed's story (10 items: titles, categories, order, dates)"
else
	check_fail "the feed tells another story:
$got
--- the seed:
$seed_story"
fi

# each cluster's own feed holds its part of the story
[ "$(story "$W/www/feeds/email-cluster-b.rss" | cut -d'|' -f2 | tr -d ' ' | tr '\n' ' ')" = \
  "EmailClusterBisOnline EmailClusterBisOnline EmailClusterBisDegraded EmailClusterBisDegraded EmailClusterBisDegraded " ] &&
	check_ok "Cluster B's feed has its five posts" || check_fail "Cluster B's feed: $(story "$W/www/feeds/email-cluster-b.rss")"

body() {	# FEED N: the HTML of the Nth item
	$py -c 'import sys,feedparser; print(feedparser.parse(sys.argv[1]).entries[int(sys.argv[2])].content[0].value)' "$@"
}
case $(body "$W/www/feeds/service/email-service.rss" 8) in
*"Provisioning is unavailable."*"Changes made in the Mail Administration Center"*"Incoming Mail, Client Access, Mail Storage and Webmail are working normally."*)
	check_ok "the automatic Degraded post says what is affected and what still works" ;;
*) check_fail "Degraded body: $(body "$W/www/feeds/service/email-service.rss" 8)" ;;
esac
body "$W/www/feeds/service/email-service.rss" 2 2>/dev/null | grep -q "The maintenance of Email Cluster A is complete." &&
	check_ok "the Online post after the downtime says the maintenance is complete" ||
	check_fail "no 'maintenance is complete': $(body "$W/www/feeds/service/email-service.rss" 2)"
body "$W/www/feeds/service/email-service.rss" 4 2>/dev/null | grep -q "Update Thursday, November 4, 2009 16:10 UTC:<br" &&
	check_ok "the edited post carries the 16:10 update" || check_fail "edit lost"
[ "$("$publish" -c "$W/publish.conf" show 6 | sed -n 's/^Guid: *//p')" = "$guid_before" ] &&
	check_ok "the edit kept the post's guid" || check_fail "the edit changed the guid"
"$publish" -c "$W/publish.conf" show incident 1 | grep -q '^Title: *Email Cluster B is Degraded \[Resolved\]' &&
	check_ok "Cluster B's incident is [Resolved]" || check_fail "incident 1: $("$publish" -c "$W/publish.conf" show incident 1 | head -3)"

if v=$(xmllint --noout --relaxng "$schema" "$W"/www/feeds/*.rss "$W"/www/feeds/service/*.rss 2>&1); then
	check_ok "the replayed feeds validate against rss-profile.rng"
else
	check_fail "validation: $v"
fi

# replaying the last state once more publishes nothing
before=$(md5sum "$W"/www/feeds/*.rss "$W"/www/feeds/service/*.rss)
run_at "2010-01-13 19:12:00"
[ "$before" = "$(md5sum "$W"/www/feeds/*.rss "$W"/www/feeds/service/*.rss)" ] &&
	check_ok "the same state again changes no feed" || check_fail "a repeated run changed the feeds"

# Operator commands check their input and say exactly what is wrong;
# a refused command changes nothing.
cli() {	# NAME WANT-EXIT MESSAGE-PART COMMAND...
	_name=$1 _want=$2 _msg=$3
	shift 3
	_out=$("$publish" -c "$W/publish.conf" "$@" 2>&1)
	_rc=$?
	case $_out in
	*"$_msg"*) [ "$_rc" -eq "$_want" ] && check_ok "$_name: exit $_rc, $_out" && return ;;
	esac
	check_fail "$_name: exit $_rc (want $_want), '$_out' (want '$_msg')"
}
cli "an incident opened by hand" 0 "incident 3 opened" \
	incident open --cluster email-cluster-b --title "Provisioning is slow" --message-file "$W/mac.txt" --now "2010-01-14 10:00"
unchanged=$(md5sum "$W"/www/feeds/*.rss "$W"/www/feeds/service/*.rss "$W/publish.db")
printf 'fine\n\xff\xfe broken\n' >"$W/bad-utf8.txt"
printf '\n \n' >"$W/empty.txt"
cli "post without a title" 2 "post needs --title and --message-file" \
	post --cluster email-cluster-a --message-file "$W/mac.txt"
cli "post to an unknown cluster" 2 "there is no cluster 'nope' in $W/publish.conf" \
	post --cluster nope --title T --message-file "$W/mac.txt"
cli "message with invalid UTF-8" 2 "line 2 is not valid UTF-8" \
	post --cluster email-cluster-a --title T --message-file "$W/bad-utf8.txt"
cli "empty message" 2 "$W/empty.txt is empty" \
	post --cluster email-cluster-a --title T --message-file "$W/empty.txt"
cli "missing message file" 2 "--message-file $W/none.txt: No such file or directory" \
	post --cluster email-cluster-a --title T --message-file "$W/none.txt"
cli "title with a control character" 2 "--title contains a control character" \
	post --cluster email-cluster-a --title "$(printf 'a\tb')" --message-file "$W/mac.txt"
cli "update of another cluster's incident" 2 "there is no incident 1 of cluster email-cluster-a" \
	post --cluster email-cluster-a --incident 1 --title T --message-file "$W/mac.txt"
cli "edit of a post that does not exist" 2 "there is no post 999" edit 999 --message-file "$W/mac.txt"
cli "resolving a resolved incident" 2 "incident 1 is already resolved" incident resolve 1
cli "... is refused" 2 "cluster email-cluster-b already has incident 3 open" \
	incident open --cluster email-cluster-b --title "Again" --message-file "$W/mac.txt"
cli "maintenance ending before it starts" 2 "--end must be after --start" \
	maintenance schedule --cluster email-cluster-a --start "2030-01-01 07:00" --end "2030-01-01 04:00" --message-file "$W/mac.txt"
cli "maintenance at no time" 2 "--start 'tomorrow' is not a time" \
	maintenance schedule --cluster email-cluster-a --start tomorrow --end "2030-01-01 04:00" --message-file "$W/mac.txt"
cli "maintenance in the past" 2 "--end is in the past" \
	maintenance schedule --cluster email-cluster-a --start "2001-01-01 04:00" --end "2001-01-01 07:00" --message-file "$W/mac.txt"
[ "$unchanged" = "$(md5sum "$W"/www/feeds/*.rss "$W"/www/feeds/service/*.rss "$W/publish.db")" ] &&
	check_ok "refused commands changed neither store nor feeds" || check_fail "a refused command changed something"
cli "an unknown command" 2 "unknown command 'publish'" publish
cli "run with an operand" 2 "run takes no arguments ('now')" run now
# a command waits for the lock another holds, and gives up after lock_timeout
sed 's/^items = 10$/items = 10\nlock_timeout = 1/' "$W/publish.conf" >"$W/lock.conf"
flock "$W/publish.db.lock" sleep 4 &
holder=$!
sleep 0.5
out=$("$publish" -c "$W/lock.conf" run --now "2010-01-13 19:13:00" 2>&1); rc=$?
case $out in
*"another mailstatus-publish has held $W/publish.db.lock for 1s (lock_timeout)"*) [ "$rc" -eq 1 ] ;;
*) false ;;
esac && check_ok "a held lock: exit 1 after lock_timeout, $out" || check_fail "held lock: exit $rc, $out"
wait "$holder"

printf '[publisher]\ntitle = T\nitems = many\n' >"$W/broken.conf"
out=$("$publish" -c "$W/broken.conf" run 2>&1); rc=$?
[ "$rc" -eq 2 ] && [ "$out" = "mailstatus-publish: $W/broken.conf:3: items must be a whole number from 1 to 1000, not 'many'" ] &&
	check_ok "a config error names file and line: $out" || check_fail "config error: exit $rc, $out"

# A source that cannot be read changes nothing, until its last good data is
# older than stale_after: then the feeds say the status is unknown (exit 3)
# instead of showing the last state as current.
S=$W/stale
mkdir -p "$S"
cp "$top_srcdir/samples/publisher/status.dat" "$S/status.dat"
sed -e "s|^output_dir = .*|output_dir = $S/www|" -e "s|^store = .*|store = $S/publish.db|" \
	-e "s|^source = .*|source = statusdat:$S/status.dat|" -e "s|^stale_after = .*|stale_after = 600|" \
	"$top_srcdir/samples/publisher/publish.conf" >"$S/publish.conf"
created=$(sed -n 's/^[[:space:]]*created=//p' "$S/status.dat" | head -n 1)
"$publish" -c "$S/publish.conf" run --now "@$((created + 10))" >/dev/null 2>&1
rm "$S/status.dat"
before=$(md5sum "$S"/www/feeds/*.rss)
out=$("$publish" -c "$S/publish.conf" run --now "@$((created + 300))" 2>&1); rc=$?
[ "$rc" -eq 1 ] && [ "$before" = "$(md5sum "$S"/www/feeds/*.rss)" ] &&
	check_ok "an unreadable source within stale_after: exit 1, nothing changed" ||
	check_fail "unreadable source, early: exit $rc, $out"
out=$("$publish" -c "$S/publish.conf" run --now "@$((created + 900))" 2>&1); rc=$?
if [ "$rc" -eq 3 ] && grep -q "<title>Status of Email Cluster A unknown: monitoring data is stale</title>" "$S/www/feeds/email-cluster-a.rss" &&
	/usr/bin/python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["stale"] else 1)' "$S/www/status.json"; then
	check_ok "an unreadable source past stale_after: exit 3, feeds and status.json say unknown"
else
	check_fail "unreadable source, late: exit $rc, $out"
fi

# The seed's wording from the engine: the two updates are public comments
# an operator wrote in Nagios, titled by update_title = {cluster} is {state}
# and signed with the operator's public name ([authors]): the same story,
# and every item by Heather, as in the seed.
W0=$W
W=$W0/notes
mkdir -p "$W"
sed -e "s|^output_dir = .*|output_dir = $W/www|" -e "s|^store = .*|store = $W/publish.db|" \
	-e "s|^source = .*|source = statusdat:$W/status.dat|" -e "s|^items = .*|items = 10|" -e "/^sample = yes$/d" \
	-e "s|^author = .*|author = Heather\nupdate_title = {cluster} is {state}|" \
	"$sample" >"$W/publish.conf"
printf '\n[authors]\nheather = Heather\n' >>"$W/publish.conf"
replay_story notes
got=$(story "$W/www/feeds/service/email-service.rss")
if [ "$got" = "$seed_story" ]; then
	check_ok "update_title = {cluster} is {state}: the updates from Nagios comments tell the seed's story exactly"
else
	check_fail "the notes' feed tells another story:
$got
--- the seed:
$seed_story"
fi
creators=$($py -c 'import sys,feedparser; print(" ".join(sorted(set(e.author for e in feedparser.parse(sys.argv[1]).entries))))' \
	"$W/www/feeds/service/email-service.rss")
[ "$creators" = Heather ] && check_ok "every item's dc:creator is Heather, as in the seed" ||
	check_fail "dc:creator: $creators"
case $(body "$W/www/feeds/service/email-service.rss" 6) in
*"Update: we isolated the cause, a misconfigured provisioning script."*) check_ok "the second update carries the comment's words, without 'public:'" ;;
*) check_fail "second update: $(body "$W/www/feeds/service/email-service.rss" 6)" ;;
esac
W=$W0

[ "$failures" -eq 0 ]
