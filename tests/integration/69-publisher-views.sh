#!/bin/bash
# A reseller's view and the maintenance calendars. The bundled sample
# (samples/publisher: two clusters, a past derived from a real Nagios 4
# status.dat, then that status.dat) is published with a [view] of
# Cluster B alone, with its own stylesheet and logo. Every file of the
# view must be free of Cluster A's name and slug; every link of its pages
# must lead to a file of the view or to its base URL; its feeds pass the
# RELAX NG profiles and feedparser, its status.json counts Cluster B
# alone; a run with nothing new leaves every file of both sites as it
# was (inode and mtime). Then a maintenance window is scheduled, changed
# (maintenance change, then edit of its announcement) and cancelled
# (retract), and python3-icalendar reads each calendar after each step:
# the same UID, SEQUENCE growing, STATUS:CANCELLED at the end.
# A view whose list shrinks loses the files of what it no longer shows.
# Last, configs with a bad [view] are refused with file:line, and write
# nothing.
set -u
. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/integration/publisher_validate.sh"

publish="$top_builddir/mailstatus-publish"
sample="$top_srcdir/samples/publisher"
py=/usr/bin/python3

[ -x "$publish" ] || { echo "FAIL: $publish is not built"; exit 1; }
command -v xmllint >/dev/null || { echo "skip: xmllint is not installed"; exit 77; }
$py -c 'import feedparser' 2>/dev/null || { echo "skip: python3-feedparser is not installed"; exit 77; }
$py -c 'import icalendar' 2>/dev/null || { echo "skip: python3-icalendar is not installed"; exit 77; }

peers_workdir publisher-views
trap peers_cleanup EXIT
W=$PEERS_DIR
www=$W/www
view=$W/reseller-b
view_url=https://status.reseller-b.example/

# --- the sample, with a view of Cluster B -------------------------------
printf 'body { font-family: serif; } /* reseller B */\n' >"$W/reseller-b.css"
printf '\x89PNG\r\n\x1a\n-- a reseller logo --' >"$W/reseller-b.png"
sed -e "s|^output_dir = .*|output_dir = $www|" -e "s|^store = .*|store = $W/publish.db|" \
	-e "s|^source = statusdat:status.dat|source = statusdat:$sample/status.dat|" \
	"$sample/publish.conf" >"$W/publish.conf"
cat >>"$W/publish.conf" <<CONF

[view reseller-b]
title = Reseller B Mail Status
base_url = $view_url
output_dir = $view
clusters = email-cluster-b
css = $W/reseller-b.css
logo = $W/reseller-b.png
CONF
if "$sample/replay.sh" "$publish" "$W/publish.conf" >"$W/replay.out" 2>&1; then
	check_ok "samples/publisher/replay.sh publishes the sample and the view"
else
	check_fail "replay.sh: $(cat "$W/replay.out")"
	exit 1
fi
now=$(sed -n 's/^[[:space:]]*created=//p' "$sample/status.dat" | head -n 1)

for f in index.html history.html history/email-cluster-b.html status.json status.css \
	reseller-b.png maintenance.ics feeds/email-cluster-b.rss feeds/email-cluster-b.atom \
	feeds/email-cluster-b.ics feeds/service/email-service.rss \
	feeds/service/email-service.atom; do
	[ -s "$view/$f" ] && check_ok "the view has $f" || check_fail "the view lacks $f"
done
for f in maintenance.ics feeds/email-cluster-a.ics feeds/email-cluster-b.ics; do
	[ -s "$www/$f" ] && check_ok "the main site has $f" || check_fail "the main site lacks $f"
done
cmp -s "$W/reseller-b.css" "$view/status.css" && cmp -s "$W/reseller-b.png" "$view/reseller-b.png" &&
	check_ok "the view's css and logo are copies of the files named" ||
	check_fail "the view's status.css or logo differ from the files named"
grep -q '<p class="site-title"><a href="index.html"><img class="logo" src="reseller-b.png" alt="">' \
	"$view/index.html" && check_ok "the logo is in the banner, as a file of the view" ||
	check_fail "no logo in the banner: $(grep -o '<p class="site-title">.*</p>' "$view/index.html")"

# --- nothing of the other cluster, in any file --------------------------
leaks=$(grep -rlia -e 'email-cluster-a' -e 'Email Cluster A' "$view")
[ -z "$leaks" ] && check_ok "no file of the view names Cluster A or its slug ($(find "$view" -type f | wc -l) files)" ||
	check_fail "Cluster A is named in: $leaks"
grep -q 'Email Cluster A' "$www/index.html" && grep -q 'Email Cluster B' "$www/index.html" &&
	check_ok "the main site still shows both clusters" || check_fail "the main site lost a cluster"

# --- links: to files of the view, or its base URL -----------------------
$py - "$view" "$view_url" >"$W/links.out" 2>&1 <<'PY'
import os, sys
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

root, base = sys.argv[1], sys.argv[2]
bad, n = [], 0

class Links(HTMLParser):
    def __init__(self, page):
        super().__init__()
        self.page = page
    def handle_starttag(self, tag, attrs):
        global n
        for k, v in attrs:
            if k not in ("href", "src") or v is None:
                continue
            n += 1
            if v.startswith(("http://", "https://", "//")):
                if not v.startswith(base):
                    bad.append("%s: %s" % (self.page, v))
                continue
            rel = os.path.relpath(self.page, root)
            target = urlsplit(urljoin("http://x/" + rel, v)).path.lstrip("/")
            path = os.path.normpath(os.path.join(root, target))
            if not path.startswith(root + "/") or not os.path.isfile(path):
                bad.append("%s: %s" % (rel, v))

for d, _, files in os.walk(root):
    for f in files:
        if f.endswith(".html"):
            p = os.path.join(d, f)
            Links(p).feed(open(p, encoding="utf-8").read())
print("%d links, %d broken or outside: %s" % (n, len(bad), "; ".join(bad[:5])))
sys.exit(1 if bad or n == 0 else 0)
PY
[ $? -eq 0 ] && check_ok "every href and src of the view's pages: $(cat "$W/links.out")" ||
	check_fail "links of the view: $(cat "$W/links.out")"

# --- feeds and status.json of the view ----------------------------------
validate_tree "$view"
$py - "$view" "$view_url" >"$W/feeds.out" 2>&1 <<'PY'
import json, os, sys, feedparser
root, base = sys.argv[1], sys.argv[2]
for name in ("email-cluster-b", "service/email-service"):
    for ext in ("rss", "atom"):
        d = feedparser.parse(os.path.join(root, "feeds", "%s.%s" % (name, ext)))
        assert not d.bozo, (name, ext, d.bozo_exception)
        assert d.feed.title.startswith("Reseller B Mail Status \u00bb "), d.feed.title
        assert d.entries, (name, ext, "no entries")
        for e in d.entries:
            assert e.link.startswith(base), e.link
s = json.load(open(os.path.join(root, "status.json"), encoding="utf-8"))
assert s["title"] == "Reseller B Mail Status" and s["url"] == base, (s["title"], s["url"])
assert [c["slug"] for c in s["clusters"]] == ["email-cluster-b"], s["clusters"]
assert all(m["cluster"] == "email-cluster-b" for m in s["maintenance"]), s["maintenance"]
assert s["maintenance"], "Cluster B's maintenance is missing"
assert all(i["cluster"] == "email-cluster-b" for i in s["open_incidents"]), s["open_incidents"]
print("feeds titled for the view, linking to it; status.json: the view's title, URL, "
      "Cluster B alone, its maintenance")
PY
[ $? -eq 0 ] && check_ok "$(cat "$W/feeds.out")" || check_fail "view feeds/status.json: $(cat "$W/feeds.out")"

# --- a run with nothing new rewrites none of the files ------------------
snapshot() { find "$www" "$view" -type f -printf '%i %T@ %p\n' | sort -k3; }
snapshot >"$W/before.txt"
out=$("$publish" -c "$W/publish.conf" -v run --now "@$((now + 60))" 2>&1)
snapshot >"$W/after.txt"
case $out in *"0 output file(s) updated"*) cmp -s "$W/before.txt" "$W/after.txt" ;; *) false ;; esac &&
	check_ok "a run with nothing new leaves all $(wc -l <"$W/after.txt") files of the site and the view (inode, mtime)" ||
	check_fail "a run with nothing new: $out; $(diff "$W/before.txt" "$W/after.txt" | head -n 6)"

# --- a maintenance window: scheduled, changed, cancelled ----------------
# events FILE: one line per event, "UID|SEQUENCE|STATUS|DTSTART|DTEND|SUMMARY|DESCRIPTION|URL"
events() {
	$py - "$1" <<'PY'
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
for e in cal.walk("VEVENT"):
    print("|".join(str(x) for x in (
        e["UID"], e["SEQUENCE"], e["STATUS"], int(e["DTSTART"].dt.timestamp()),
        int(e["DTEND"].dt.timestamp()), e["SUMMARY"], e.get("DESCRIPTION", "-"),
        e.get("URL", "-"))).replace("\n", "\\n"))
PY
}
# window FILE START: the event of the window that starts then
window() { events "$1" | awk -F'|' -v s="$2" '$4 == s'; }

start=$((now + 86400)) end=$((now + 86400 + 7200))
printf 'Disk shelves of Cluster B get new controllers; mail keeps flowing, IMAP pauses.\n' >"$W/m1.txt"
printf 'Moved by an hour, at the vendor'"'"'s request; the same work, one shelf at a time.\n' >"$W/m2.txt"
out=$("$publish" -c "$W/publish.conf" maintenance schedule --cluster email-cluster-b \
	--start "@$start" --end "@$end" --title "Email Cluster B: controller swap" \
	--message-file "$W/m1.txt" --now "@$((now + 120))" 2>&1)
id=$(printf '%s\n' "$out" | sed -n 's/^maintenance \([0-9]*\) scheduled, announced in post \([0-9]*\)$/\1/p')
post=$(printf '%s\n' "$out" | sed -n 's/^maintenance [0-9]* scheduled, announced in post \([0-9]*\)$/\1/p')
[ -n "$id" ] && check_ok "scheduled: $out" || { check_fail "maintenance schedule: $out"; exit 1; }
v1=$(window "$view/maintenance.ics" "$start")
IFS='|' read -r uid seq status s e summary desc url <<<"$v1"
[ "$seq" = 0 ] && [ "$status" = CONFIRMED ] && [ "$e" = "$end" ] &&
	[ "$summary" = "Email Cluster B: controller swap" ] && [ "$desc" = "$(cat "$W/m1.txt")" ] &&
	[ "$url" = "${view_url}posts/$post.html" ] &&
	check_ok "the view's calendar: $uid, SEQUENCE 0, CONFIRMED, its times, words and the view's link" ||
	check_fail "the view's calendar after schedule: '$v1'"
for f in "$www/maintenance.ics" "$www/feeds/email-cluster-b.ics" "$view/feeds/email-cluster-b.ics"; do
	got=$(window "$f" "$start" | cut -d'|' -f1-5)
	[ "$got" = "$uid|0|CONFIRMED|$start|$end" ] && check_ok "${f#"$W"/}: the same window, the same UID" ||
		check_fail "${f#"$W"/}: '$got'"
done
[ -z "$(window "$www/feeds/email-cluster-a.ics" "$start")" ] &&
	check_ok "Cluster A's calendar does not have it" || check_fail "Cluster A's calendar has Cluster B's window"
grep -q '<link rel="alternate" type="text/calendar" title="Maintenance: All clusters (iCalendar)" href="maintenance.ics">' \
	"$view/index.html" &&
	grep -q 'type="text/calendar" title="Maintenance: Email Cluster B (iCalendar)" href="../feeds/email-cluster-b.ics"' \
	"$view/posts/$post.html" &&
	check_ok "pages announce the calendars (rel=alternate, text/calendar)" ||
	check_fail "no text/calendar alternate link"

out=$("$publish" -c "$W/publish.conf" maintenance change "$id" --start "@$((start + 3600))" \
	--end "@$((end + 3600))" --message-file "$W/m2.txt" --now "@$((now + 180))" 2>&1)
v2=$(window "$view/maintenance.ics" "$((start + 3600))")
IFS='|' read -r uid2 seq status s e summary desc url <<<"$v2"
[ "$uid2" = "$uid" ] && [ "$seq" = 1 ] && [ "$status" = CONFIRMED ] && [ "$e" = "$((end + 3600))" ] &&
	[ "$desc" = "$(cat "$W/m2.txt")" ] &&
	check_ok "changed ($out): the same UID, SEQUENCE 1, the new times and words" ||
	check_fail "after maintenance change ($out): '$v2'"
grep -q "Scheduled maintenance of Email Cluster B from" "$view/posts/$post.html" &&
	grep -q "the vendor" "$view/posts/$post.html" &&
	check_ok "the announcement is rewritten with the new times and words" ||
	check_fail "the announcement was not rewritten"

# edit of the announcement: new words, the same times and lead, a revision
printf 'Moved by an hour, at the vendor'"'"'s request; shelf 2 first.\n' >"$W/m3.txt"
out=$("$publish" -c "$W/publish.conf" edit "$post" --message-file "$W/m3.txt" \
	--now "@$((now + 210))" 2>&1)
v2=$(window "$view/maintenance.ics" "$((start + 3600))")
IFS='|' read -r uid2 seq status s e summary desc url <<<"$v2"
[ "$uid2" = "$uid" ] && [ "$seq" = 2 ] && [ "$e" = "$((end + 3600))" ] &&
	[ "$desc" = "$(cat "$W/m3.txt")" ] &&
	grep -q "Scheduled maintenance of Email Cluster B from" "$view/posts/$post.html" &&
	grep -q "shelf 2 first" "$view/posts/$post.html" &&
	check_ok "edit of the announcement ($out): SEQUENCE 2, its new words, the lead with its times kept" ||
	check_fail "after edit of the announcement ($out): '$v2'"

out=$("$publish" -c "$W/publish.conf" retract "$post" --now "@$((now + 240))" 2>&1)
for f in "$view/maintenance.ics" "$view/feeds/email-cluster-b.ics" "$www/maintenance.ics"; do
	v3=$(window "$f" "$((start + 3600))")
	IFS='|' read -r uid3 seq status s e summary desc url <<<"$v3"
	[ "$uid3" = "$uid" ] && [ "$seq" = 3 ] && [ "$status" = CANCELLED ] && [ "$desc" = - ] &&
		[ "$url" = - ] &&
		check_ok "${f#"$W"/} after retract: the same UID, SEQUENCE 3, CANCELLED, its words gone" ||
		check_fail "${f#"$W"/} after retract ($out): '$v3'"
done
! grep -rq "the vendor" "$view" "$www" && check_ok "the cancelled window's words are nowhere" ||
	check_fail "the cancelled window's words are still published: $(grep -rl "the vendor" "$view" "$www")"

# a window of Cluster A is in the main site's calendars, never in the view's
out=$("$publish" -c "$W/publish.conf" maintenance schedule --cluster email-cluster-a \
	--start "@$((start + 86400))" --end "@$((end + 86400))" --message-file "$W/m1.txt" \
	--now "@$((now + 300))" 2>&1)
[ -n "$(window "$www/maintenance.ics" "$((start + 86400))")" ] &&
	[ -n "$(window "$www/feeds/email-cluster-a.ics" "$((start + 86400))")" ] &&
	[ -z "$(window "$view/maintenance.ics" "$((start + 86400))")" ] &&
	check_ok "Cluster A's window: in the main site's calendars, not in the view's" ||
	check_fail "Cluster A's window ($out)"
leaks=$(grep -rlia -e 'email-cluster-a' -e 'Email Cluster A' "$view")
[ -z "$leaks" ] && check_ok "after every step, no file of the view names Cluster A" ||
	check_fail "Cluster A is named in: $leaks"
validate_tree "$view"
validate_tree "$www"

# --- a view's list changed: what it no longer shows goes ----------------
sed 's/^clusters = email-cluster-b$/clusters = email-cluster-b, email-cluster-a/' \
	"$W/publish.conf" >"$W/both.conf"
out=$("$publish" -c "$W/both.conf" -v render 2>&1)
[ -s "$view/history/email-cluster-a.html" ] && [ -s "$view/feeds/email-cluster-a.ics" ] &&
	[ -s "$view/incidents/2.html" ] && check_ok "the view of both clusters has Cluster A's pages" ||
	check_fail "the view of both clusters: $out; $(ls "$view" "$view/history")"
main_files=$(find "$www" -type f | sort)
out=$("$publish" -c "$W/publish.conf" -v render 2>&1)
leaks=$(grep -rlia -e 'email-cluster-a' -e 'Email Cluster A' "$view")
[ -z "$leaks" ] && [ "$(find "$www" -type f | sort)" = "$main_files" ] &&
	check_ok "back to Cluster B alone ($(printf '%s' "$out" | head -n 1)): no file of the view names Cluster A, the main site keeps all its files" ||
	check_fail "back to Cluster B alone: $out; Cluster A is named in: $leaks"

# --- a bad [view] is refused with file:line, and nothing is written -----
snapshot >"$W/before.txt"
bad_view() {	# WHAT EXPECTED-MESSAGE VIEW-LINES...
	_what=$1 _want=$2
	shift 2
	{ cat "$W/publish.conf"; printf '\n[view bad]\n'; printf '%s\n' "$@"; } >"$W/bad.conf"
	_line=$(($(wc -l <"$W/publish.conf") + 2))
	_out=$("$publish" -c "$W/bad.conf" render 2>&1)
	_rc=$?
	_want=${_want//@LINE@/$_line}
	_want=${_want//@NEXT@/$((_line + 4))}
	if [ "$_rc" -eq 2 ] && [[ $_out == *"$W/bad.conf:$_want"* ]]; then
		check_ok "$_what: $_out"
	else
		check_fail "$_what: exit $_rc: $_out (want $W/bad.conf:$_want)"
	fi
}
good="title = Bad
base_url = https://bad.example/"
bad_view "a cluster that is not defined" "@NEXT@: [view bad]: cluster 'email-cluster-c' is not defined" \
	"$good" "output_dir = $W/bad" "clusters = email-cluster-b email-cluster-c"
bad_view "output_dir inside the main site's" "@LINE@: [view bad]: output_dir $www/bad is the main site's" \
	"$good" "output_dir = $www/bad" "clusters = email-cluster-b"
bad_view "output_dir of another view" "@LINE@: [view bad]: output_dir $view is the one of [view reseller-b]" \
	"$good" "output_dir = $view" "clusters = email-cluster-b"
bad_view "a css that cannot be read" "@LINE@: [view bad]: css $W/missing.css cannot be read" \
	"$good" "output_dir = $W/bad" "clusters = email-cluster-b" "css = missing.css"
bad_view "a logo whose name is not safe in a URL" "@LINE@: [view bad]: logo $W/logo?.png: its file name" \
	"$good" "output_dir = $W/bad" "clusters = email-cluster-b" "logo = logo?.png"
snapshot >"$W/after.txt"
cmp -s "$W/before.txt" "$W/after.txt" && [ ! -e "$W/bad" ] && [ ! -e "$www/bad" ] &&
	check_ok "the refused configs wrote nothing" || check_fail "a refused config wrote files"

[ "$failures" -eq 0 ]
