#!/bin/bash
# The status site in a real browser: the bundled sample (samples/publisher:
# a past derived from a real Nagios 4 status.dat, then that status.dat)
# is published, the output directory is served on loopback, and headless
# Chromium loads the front page and incident pages. The rendered DOM must
# show the board as the sample's state is: one red server in Cluster A's
# incoming group, the rest green with their uptimes, Cluster B's storage
# in planned maintenance, the open incident with its updates, the
# resolved one in the history. Screenshots are kept as artifacts in
# $top_builddir/artifacts/status-site/. Then hostile names and plugin
# output (markup, quotes, &, invalid UTF-8, control characters) must end
# up as text in HTML, RSS, Atom and JSON, and every file must validate.
set -u
. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/integration/publisher_validate.sh"

publish="$top_builddir/mailstatus-publish"
sample="$top_srcdir/samples/publisher"
rss_schema="$top_srcdir/contrib/rss-profile.rng"
atom_schema="$top_srcdir/contrib/atom-profile.rng"
artifacts="$top_builddir/artifacts/status-site"
py=/usr/bin/python3
port=13062

[ -x "$publish" ] || { echo "FAIL: $publish is not built"; exit 1; }
command -v xmllint >/dev/null || { echo "skip: xmllint is not installed"; exit 77; }
$py -c 'import feedparser' 2>/dev/null || { echo "skip: python3-feedparser is not installed"; exit 77; }
if ! command -v chromium >/dev/null; then
	echo "installing Debian's chromium"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium \
		>/dev/null 2>&1 || { echo "skip: chromium is not installed and cannot be"; exit 77; }
fi

peers_workdir status-site
trap peers_cleanup EXIT
W=$PEERS_DIR
rm -rf "$artifacts"
mkdir -p "$artifacts"

# browser ARGS... URL: headless Chromium with a fresh profile and no
# background connections (this machine's network is closed)
browser() {
	_profile=$(mktemp -d "$W/chromium.XXXXXX")
	timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--hide-scrollbars --user-data-dir="$_profile" "$@" 2>>"$W/chromium.log"
}

# members DOM-FILE: one line per server on the board, "board|class|name|detail"
members() {
	$py - "$1" <<'PY'
import sys
from html.parser import HTMLParser

class Board(HTMLParser):
    def __init__(self):
        super().__init__()
        self.board = None
        self.stack = []      # (tag, class) of open elements
        self.li = None       # [class, name, detail] of the member being read
        self.field = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class") or ""
        if tag == "div" and (a.get("id") or "").startswith("board-"):
            self.board = a["id"][len("board-"):]
        if tag == "li" and cls.startswith("member "):
            self.li = [cls, "", ""]
        if self.li is not None and tag == "span" and cls in ("name", "detail"):
            self.field = 1 if cls == "name" else 2
        self.stack.append(tag)
    def handle_endtag(self, tag):
        if tag == "span":
            self.field = None
        if tag == "li" and self.li is not None:
            print("|".join([self.board or "", *self.li]))
            self.li = None
    def handle_data(self, data):
        if self.li is not None and self.field:
            self.li[self.field] += data

Board().feed(open(sys.argv[1], encoding="utf-8").read())
PY
}

expect_line() {	# WHAT FILE EXACT-LINE
	if grep -Fxq -- "$3" "$2"; then check_ok "$1: $3"; else
		check_fail "$1: no line '$3' in $2:"; cat "$2"; fi
}

expect_count() {	# WHAT WANT COMMAND...
	_what=$1 _want=$2
	shift 2
	_got=$("$@")
	[ "$_got" = "$_want" ] && check_ok "$_what: $_got" || check_fail "$_what: $_got, want $_want"
}

# --- the bundled sample -------------------------------------------------
sed -e "s|^output_dir = .*|output_dir = $W/www|" -e "s|^store = .*|store = $W/publish.db|" \
	-e "s|^source = statusdat:status.dat|source = statusdat:$sample/status.dat|" \
	"$sample/publish.conf" >"$W/publish.conf"
if "$sample/replay.sh" "$publish" "$W/publish.conf" >"$W/replay.out" 2>&1; then
	check_ok "samples/publisher/replay.sh publishes the sample's past and present"
else
	check_fail "replay.sh: $(cat "$W/replay.out")"
	exit 1
fi
www=$W/www
for f in index.html history.html incidents/1.html incidents/2.html status.json status.css \
	feeds/email-cluster-a.atom feeds/service/email-service.atom; do
	[ -s "$www/$f" ] && check_ok "written: $f" || check_fail "not written: $f"
done

# nothing new: the same run again rewrites nothing (mtimes stay for caches);
# 30 s later only status.json, whose uptime seconds grew (a gateway is down)
now=$(sed -n 's/^[[:space:]]*created=//p' "$sample/status.dat" | head -n 1)
touch -d "2001-01-01 00:00" "$W/marker"
find "$www" -type f -exec touch -d "2001-01-01 00:00" {} +
out=$("$publish" -c "$W/publish.conf" -v run --now "@$((now + 60))" 2>&1)
newer=$(find "$www" -type f -newer "$W/marker" | wc -l)
case $out in *"0 output file(s) updated"*) [ "$newer" -eq 0 ] ;; *) false ;; esac &&
	check_ok "a run with nothing new at the same time rewrites nothing" ||
	check_fail "a run with nothing new: $out; $newer file(s) touched"
cp "$www/status.json" "$W/status-before.json"
out=$("$publish" -c "$W/publish.conf" -v run --now "@$((now + 90))" 2>&1)
newer=$(cd "$www" && find . -type f -newer "$W/marker" -printf '%P ')
outage=$($py -c 'import json, sys
a, b = (json.load(open(f))["clusters"][0]["uptime"]["24h"]["degraded_s"] for f in sys.argv[1:])
print(b - a)' "$W/status-before.json" "$www/status.json" 2>&1)
case $out in *"1 output file(s) updated"*) [ "$newer" = "status.json " ] && [ "$outage" = 30 ] ;; *) false ;; esac &&
	check_ok "30 s later only status.json is rewritten: Cluster A's degraded time grew by 30 s" ||
	check_fail "a run 30 s later: $out; touched: $newer; degraded time grew by: $outage"

# serve it on loopback
cd "$www" || exit 1
$py -m http.server --bind 127.0.0.1 "$port" >"$W/http.log" 2>&1 &
peers_on_cleanup "stop_pid $!"
cd - >/dev/null || exit 1
wait_port 127.0.0.1 "$port" || { check_fail "the static server did not start"; exit 1; }
url=http://127.0.0.1:$port

# the front page, as the browser renders it
browser --dump-dom "$url/index.html" >"$W/index.dom"
grep -q 'class="board"' "$W/index.dom" && check_ok "Chromium rendered index.html" ||
	{ check_fail "Chromium did not render index.html: $(tail -n 5 "$W/chromium.log")"; exit 1; }
# the sample's webmail of Cluster A has a response-time strip (metric =)
charts=$(grep -o '<svg class="metric-chart"[^>]*role="img"' "$W/index.dom" | wc -l)
if [ "$charts" -eq 2 ] && grep -q 'Response time, last 7 days: min [0-9.]* s, median' "$W/index.dom"; then
	check_ok "Chromium: Cluster A's Webmail has its response-time strip, two inline SVG charts and their figures"
else
	check_fail "Chromium: $charts response-time charts in index.html (want 2, and the 7 days' figures)"
fi
members "$W/index.dom" >"$W/members.txt"
expect_count "servers on the board (8 in A, 5 in B)" 13 grep -c . "$W/members.txt"
expect_line "the red server in a working group" "$W/members.txt" \
	"email-cluster-a|member member-down|AV/GreyListing 1|offline since 12:55 UTC"
expect_line "its partner stays green" "$W/members.txt" \
	"email-cluster-a|member member-up|AV/GreyListing 2|online for 12 days"
expect_line "the server repaired on 20 Nov" "$W/members.txt" \
	"email-cluster-a|member member-up|Mail Storage 1|online for 4 days"
expect_line "planned downtime is shown as intended" "$W/members.txt" \
	"email-cluster-b|member member-maintenance|Mail Storage 2|in planned maintenance since 12:55 UTC"
expect_count "red servers" 1 grep -c "member-down" "$W/members.txt"
expect_count "servers in maintenance" 2 grep -c "member-maintenance" "$W/members.txt"
expect_count "green servers" 10 grep -c "member-up" "$W/members.txt"
# shapes as well as colours: a square for the red one, circles for the green
grep -A2 'member member-down' "$W/index.dom" | grep -q '■' &&
	grep -A2 'member member-up' "$W/index.dom" | grep -q '●' &&
	check_ok "a square for offline, a circle for online" || check_fail "state shapes missing"
for want in 'Open incident' 'Maintenance in progress' '>Degraded<' '>In Maintenance<' \
	'Identified:' 'Latest posts' 'How to read the board'; do
	grep -q -- "$want" "$W/index.dom" && check_ok "the front page says $want" ||
		check_fail "the front page lacks $want"
done
grep -c '<script' "$W/index.dom" | grep -qx 0 && check_ok "no script on the front page" ||
	check_fail "a script element on the front page"
grep -Eq '(src|href)="(https?:)?//' "$W/index.dom" &&
	check_fail "the front page loads something from elsewhere" ||
	check_ok "no external resources"
grep -q 'rel="alternate" type="application/atom+xml"' "$W/index.dom" &&
	check_ok "the Atom feeds are announced" || check_fail "no Atom alternate link"

# the open incident: its updates in time order
browser --dump-dom "$url/incidents/2.html" >"$W/incident2.dom"
$py - "$W/incident2.dom" >"$W/updates.txt" <<'PY'
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
for li in re.findall(r'<li class="update" id="post-\d+">(.*?)</li>', dom, re.S):
    text = re.sub(r"<[^>]+>", "", li)
    print(" ".join(text.split())[:80])
PY
expect_count "updates of incident 2" 3 grep -c . "$W/updates.txt"
sed -n 1p "$W/updates.txt" | grep -q 'Email Cluster A is Degraded' &&
	sed -n 2p "$W/updates.txt" | grep -q 'Update at 12:54 UTC' &&
	sed -n 3p "$W/updates.txt" | grep -q 'Issue identified at 12:54 UTC' &&
	check_ok "incident 2: opened, then the comment, then the acknowledgement" ||
	check_fail "incident 2 updates: $(cat "$W/updates.txt")"
browser --dump-dom "$url/incidents/1.html" >"$W/incident1.dom"
grep -q 'Email Cluster A is Degraded \[Resolved\]' "$W/incident1.dom" &&
	grep -q 'Resolved after 2 hours 12 minutes' "$W/incident1.dom" &&
	check_ok "incident 1 is [Resolved] after 2 hours 12 minutes" ||
	check_fail "incident 1 page: $(grep -o '<h1.*</h1>' "$W/incident1.dom")"
grep -q '\[17:40 UTC\]' "$W/incident1.dom" && grep -q '\[18:30 UTC\]' "$W/incident1.dom" &&
	check_ok "incident 1 keeps its two operator updates" || check_fail "incident 1 lost its updates"
browser --dump-dom "$url/history.html" >"$W/history.dom"
grep -q '<h2>November 2026</h2>' "$W/history.dom" && grep -q 'incidents/1.html' "$W/history.dom" &&
	! grep -q 'incidents/2.html' "$W/history.dom" &&
	check_ok "history: the resolved incident under its month, not the open one" ||
	check_fail "history.html: $(grep -o '<div class="main".*' "$W/history.dom" | head -c 400)"

# the feeds' items link to the post pages, which exist
link=$($py -c 'import feedparser,sys; print(feedparser.parse(sys.argv[1]).entries[0].link)' \
	"$www/feeds/email-cluster-a.atom")
case $link in
https://status.example.com/posts/*.html) [ -s "$www/${link#https://status.example.com/}" ] ;;
*) false ;;
esac && check_ok "an Atom item links to its page: $link" || check_fail "Atom item link $link"

# screenshots (artifacts): desktop and phone widths, an incident, the history
browser --screenshot="$artifacts/index-desktop.png" --window-size=1280,2300 "$url/index.html" >/dev/null
browser --screenshot="$artifacts/index-phone.png" --window-size=390,2900 "$url/index.html" >/dev/null
browser --screenshot="$artifacts/incident-1.png" --window-size=1000,1100 "$url/incidents/1.html" >/dev/null
browser --screenshot="$artifacts/incident-2-phone.png" --window-size=390,1400 "$url/incidents/2.html" >/dev/null
browser --screenshot="$artifacts/history.png" --window-size=1000,600 "$url/history.html" >/dev/null
for png in index-desktop index-phone incident-1 incident-2-phone history; do
	head -c 8 "$artifacts/$png.png" 2>/dev/null | od -An -c | grep -q 'P   N   G' &&
		check_ok "screenshot $artifacts/$png.png" || check_fail "no screenshot $png.png"
done

# every file validates: HTML, RSS, Atom, JSON (publisher_validate.sh)
validate_tree "$www"

$py - "$www/status.json" >"$W/json.out" 2>&1 <<'PY'
import json, sys
s = json.load(open(sys.argv[1], encoding="utf-8"))
a, b = s["clusters"]
assert s["version"] == 1 and s["stale"] is False, s
assert (a["state"], a["open_incident"]) == ("degraded", 2), a
assert b["state"] == "maintenance" and b["open_incident"] is None, b
gw1 = a["components"][0]["members"][0]
assert (gw1["name"], gw1["state"]) == ("AV/GreyListing 1", "down"), gw1
assert [i["number"] for i in s["open_incidents"]] == [2], s["open_incidents"]
assert s["maintenance"][0]["cluster"] == "email-cluster-b", s["maintenance"]
assert "host" not in json.dumps(s), "a host name in status.json"
print("status.json: A degraded (incident 2), B in maintenance, gw1 down")
PY
[ $? -eq 0 ] && check_ok "$(cat "$W/json.out")" || check_fail "status.json: $(cat "$W/json.out")"

# --- hostile names and plugin output -------------------------------------
E=$W/evil
mkdir -p "$E"
cat >"$E/publish.conf" <<CONF
[publisher]
title = Hostile <script>alert("title")</script> & 'Co'
base_url = https://status.example.com/
output_dir = $E/www
store = $E/publish.db
source = statusdat:$E/status.dat
hold_down = 0
stale_after = 0
show_details = yes

[cluster evil]
name = Cluster <script>alert(1)</script> & "Q"
service = Mail & <b>Web</b>

[component evil web]
name = Web <img src=x onerror=alert(1)>
area = Area & "quotes" <i>
member = web1!http = Server <script>x</script> 'one'
member = web2!http = Server & two
CONF
evil_output=$(printf 'CRITICAL <script>alert("out")</script> & "q" \xff\xfe bad \x01\x07\x1b[31m ctl')
printf 'info {\n\tcreated=1795611275\n\t}\n\n' >"$E/status.dat"
for h in web1 web2; do
	printf 'hoststatus {\n\thost_name=%s\n\tcurrent_state=0\n\tlast_hard_state=0\n\tstate_type=1\n\t}\n\n' \
		"$h" >>"$E/status.dat"
done
printf 'servicestatus {\n\thost_name=web1\n\tservice_description=http\n\tcurrent_state=2\n\tlast_hard_state=2\n\tstate_type=1\n\tplugin_output=%s\n\t}\n\n' \
	"$evil_output" >>"$E/status.dat"
printf 'servicestatus {\n\thost_name=web2\n\tservice_description=http\n\tcurrent_state=0\n\tlast_hard_state=0\n\tstate_type=1\n\tplugin_output=OK\n\t}\n\n' \
	>>"$E/status.dat"
if out=$("$publish" -c "$E/publish.conf" run --now @1795611300 2>&1); then
	check_ok "a run on hostile names and plugin output"
else
	check_fail "hostile run: $out"
fi
validate_tree "$E/www"
raw=$(cat "$E"/www/*.html "$E"/www/incidents/*.html "$E"/www/posts/*.html)
case $raw in
*'<script'* | *'<img'* | *'<b>Web'* | *'<i>'*) check_fail "markup from names or output reached a page" ;;
*) check_ok "no markup from names or output in the pages" ;;
esac
if LC_ALL=C grep -qP '[\x01\x07\x1b\xff]' "$E"/www/*.html "$E"/www/feeds/*.rss "$E"/www/feeds/*.atom \
	"$E"/www/status.json "$E"/www/posts/*.html; then
	check_fail "control characters or invalid UTF-8 reached the output"
else
	check_ok "control characters removed, invalid UTF-8 replaced"
fi
grep -q 'CRITICAL &lt;script&gt;alert("out")&lt;/script&gt; &amp; "q" ' "$E/www/posts/1.html" &&
	check_ok "plugin output shown as text (show_details = yes)" ||
	check_fail "plugin output not in the post page: $(grep -o 'CRITICAL.*' "$E/www/posts/1.html")"
(cd "$E/www" && exec $py -m http.server --bind 127.0.0.1 $((port + 1))) >"$W/http-evil.log" 2>&1 &
peers_on_cleanup "stop_pid $!"
wait_port 127.0.0.1 $((port + 1)) || check_fail "the second static server did not start"
browser --dump-dom "http://127.0.0.1:$((port + 1))/index.html" >"$W/evil.dom"
members "$W/evil.dom" >"$W/evil-members.txt"
expect_line "a hostile name is text in the browser" "$W/evil-members.txt" \
	"evil|member member-down|Server <script>x</script> 'one'|offline since 12:55 UTC"
expect_count "script elements in the browser's DOM" 0 grep -c '<script' "$W/evil.dom"
$py - "$E/www/status.json" "$E/www/feeds/evil.atom" >"$W/evil-json.out" 2>&1 <<'PY'
import json, sys, feedparser
s = json.load(open(sys.argv[1], encoding="utf-8"))
assert s["clusters"][0]["name"] == 'Cluster <script>alert(1)</script> & "Q"', s["clusters"][0]["name"]
assert s["clusters"][0]["components"][0]["members"][0]["name"] == "Server <script>x</script> 'one'"
f = feedparser.parse(sys.argv[2])
assert not f.bozo, f.bozo_exception
assert "\ufffd" in f.entries[0].content[0].value, "invalid UTF-8 not replaced"
assert '&lt;script&gt;alert("out")' in f.entries[0].content[0].value, f.entries[0].content[0].value
print("hostile text round-trips through status.json and Atom as text")
PY
[ $? -eq 0 ] && check_ok "$(cat "$W/evil-json.out")" || check_fail "$(cat "$W/evil-json.out")"

echo "screenshots: $artifacts"
[ "$failures" -eq 0 ]
