#!/bin/bash
# The response-time strip from a real Nagios 4's performance data:
#   - the webmail component names one label of one member
#     (metric = web1.example.net!webmail_send:total); its service takes
#     passive results whose performance data and check times the test
#     chooses (Nagios keeps each in status.dat's performance_data and
#     last_check), and a run follows each result, at a clock that only
#     goes forward;
#   - the schedule has what must not add a sample: the same check seen by
#     a second run, a check older than the newest, 'total'=U, a result
#     without the label; and what must: a later check in the same minute
#     (it replaces the earlier one), a value in ms (kept in seconds),
#     checks two days before the last run (in the 7 days, not the 24 h);
#   - status.json's metric (min, median, max and samples of the last 24 h
#     and 7 days) equals what the test computes itself from the schedule,
#     by the rules of mailstatus-publish(1), RESPONSE TIME;
#   - index.html carries the same figures in its sentences, and an inline
#     SVG chart per window (role="img", labelled with the figures, at most
#     300 points in its lines and dots), and no script; xmllint --html finds nothing
#     but the SVG's elements, which HTML 4 does not know.
set -u
. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/nagios.sh"

publish="$top_builddir/mailstatus-publish"
py=/usr/bin/python3

command -v nagios4 >/dev/null || { echo "skip: nagios4 is not installed"; exit 77; }
command -v xmllint >/dev/null || { echo "skip: xmllint is not installed"; exit 77; }
[ -x "$publish" ] || { echo "FAIL: $publish is not built"; exit 1; }

peers_workdir publisher-metric
trap peers_cleanup EXIT
W=$PEERS_DIR
N=$W/nagios
OUT=$W/www

# --- Nagios: two webmail servers, passive results only ---------------------------
nagios_setup "$N"
for h in web1.example.net web2.example.net; do
	printf 'define host {\n  use flip-host\n  host_name %s\n  address 127.0.0.1\n  check_command check_flip!%s\n  active_checks_enabled 0\n}\n' "$h" "$h"
	printf 'define service {\n  use flip-service\n  host_name %s\n  service_description webmail_send\n  check_command check_flip!%s\n  active_checks_enabled 0\n  passive_checks_enabled 1\n}\n' "$h" "$h"
done | nagios_objects "$N"
nagios_start "$N" || { echo "FAIL: Nagios did not start"; exit 1; }
for h in web1.example.net web2.example.net; do
	nagios_cmd "$N" "PROCESS_HOST_CHECK_RESULT;$h;0;PING OK"
	nagios_cmd "$N" "PROCESS_SERVICE_CHECK_RESULT;$h;webmail_send;0;WEBMAIL OK"
done

cat >"$W/publish.conf" <<CONF
[publisher]
title = Example Hosting System Status
base_url = https://status.example.com/
output_dir = $OUT
store = $W/state/publish.db
source = statusdat:$N/status.dat
hold_down = 0
stale_after = 0

[cluster email-cluster-a]
name = Email Cluster A
service = Email Service

[component email-cluster-a webmail]
name = Webmail
metric = web1.example.net!webmail_send:total
member = web1.example.net!webmail_send = Web Service 1
member = web2.example.net!webmail_send = Web Service 2
CONF

# --- the schedule: seconds after B (three days ago, on a minute), the perfdata ----
B=$(( $(date +%s) / 60 * 60 - 3 * 86400 ))
D=$((2 * 86400))	# two days later: within the last run's 24 hours
cat >"$W/schedule" <<SCHED
10 'total'=0.52s;10;30;0; login=0.11s
again
70 'total'=612ms;10000;30000;0 login=0.1s
100 'total'=0.80s;10;30;0;
40 'total'=1.9s;10;30;0;
$((D + 600)) 'total'=U;10;30;0;
$((D + 700)) 'total'=0.41s;10;30;0;
$((D + 3600)) login=0.12s 'total'=2.10s;10;30;0;
$((D + 7200)) login=0.13s
$((D + 7300)) 'total'=550ms
$((D + 10000)) 'total'=0.47s;10;30;0;
SCHED

clock=0
run_at() {	# T: a run at T, or just after the last one
	[ "$1" -gt "$clock" ] && clock=$1 || clock=$((clock + 1))
	"$publish" -c "$W/publish.conf" run --now "@$clock" >"$W/run.out" 2>&1 ||
		check_fail "run at $clock: $(cat "$W/run.out")"
}
steps=0
while read -r off perf; do
	if [ "$off" = again ]; then
		run_at $((clock + 30))	# the same check, seen again
		continue
	fi
	t=$((B + off))
	printf '[%s] PROCESS_SERVICE_CHECK_RESULT;web1.example.net;webmail_send;0;WEBMAIL OK - sent|%s\n' \
		"$t" "$perf" >>"$N/rw/nagios.cmd"
	nagios_wait_field "$N" web1.example.net webmail_send last_check "$t" 20 ||
		check_fail "Nagios did not take the result at B+$off"
	got=$(nagios_field "$N" web1.example.net webmail_send performance_data)
	[ "$got" = "$perf" ] || check_fail "status.dat's performance_data is '$got', not '$perf'"
	run_at $((t + 5))
	steps=$((steps + 1))
done <"$W/schedule"
FINAL=$(date +%s)
[ "$FINAL" -gt "$clock" ] || FINAL=$((clock + 1))
run_at "$FINAL"
check_ok "Nagios took $steps results at the schedule's times; $((steps + 3)) runs"

# --- the figures, computed here from the schedule ---------------------------------
$py - "$W/schedule" "$B" "$FINAL" "$OUT/status.json" >"$W/figures" <<'PY'
import json, re, sys
sched, B, final, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
kept = {}	# minute -> (at, value in s)
newest = -1
for line in open(sched):
    if line.startswith("again"):
        continue	# the same check: nothing
    off, perf = line.split(" ", 1)
    at = B + int(off)
    m = re.search(r"(?:^|\s)'total'=([-0-9.]+)(s|ms|us)?[;\s]", perf + " ")
    if at <= newest or not m:
        continue	# older than the newest sample, no label, or U
    value = float(m.group(1)) / {"s": 1, "ms": 1e3, "us": 1e6, None: 1}[m.group(2)]
    kept[at // 60] = (at, value)	# a later check of the minute replaces it
    newest = at
def figures(minutes):
    v = sorted(x for mi, (at, x) in kept.items() if mi > final // 60 - minutes and at <= final)
    if not v:
        return {"min": None, "median": None, "max": None, "samples": 0}
    n = len(v)
    med = v[n // 2] if n % 2 else v[n // 2 - 1] + (v[n // 2] - v[n // 2 - 1]) / 2
    return {"min": v[0], "median": med, "max": v[-1], "samples": n}
want = {"object": "Web Service 1", "label": "total", "unit": "s",
        "24h": figures(1440), "7d": figures(10080)}
j = json.load(open(path))
got = [co for co in j["clusters"][0]["components"] if co["slug"] == "webmail"][0].get("metric")
def same(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(a - b) < 1e-9
    return a == b
print("same" if same(got, want) else "differ")
print(json.dumps(want))
print(json.dumps(got))
def words(f):
    if f["samples"] == 0:
        return None
    say = lambda v: "%.2f s" % v
    return "min %s, median %s, max %s (%d samples)" % (say(f["min"]), say(f["median"]),
                                                        say(f["max"]), f["samples"])
print("Response time, last 24 h: " + words(want["24h"]))
print("Response time, last 7 days: " + words(want["7d"]))
PY
if [ "$(sed -n 1p "$W/figures")" = same ]; then
	check_ok "status.json's metric equals the schedule's: $(sed -n 2p "$W/figures")"
else
	check_fail "status.json's metric $(sed -n 3p "$W/figures"), want $(sed -n 2p "$W/figures")"
fi
# what the schedule makes of it, said so that a wrong rule shows here too
expect_json() {	# NAME EXPR WANT
	_got=$($py -c 'import json, sys
j = json.load(open(sys.argv[1]))
m = [co for co in j["clusters"][0]["components"] if co["slug"] == "webmail"][0]["metric"]
print(eval(sys.argv[2]))' "$OUT/status.json" "$1" 2>&1)
	[ "$_got" = "$2" ] && check_ok "$3" || check_fail "$3: $1 is '$_got', want '$2'"
}
expect_json '(m["7d"]["samples"], m["24h"]["samples"])' "(6, 4)" \
	"6 samples in 7 days, 4 in 24 h: the check seen again, the older one, U and the result without the label added none; 612 ms was replaced in its minute by 0.80 s"
expect_json '(m["24h"]["min"], m["24h"]["median"], m["24h"]["max"])' "(0.41, 0.51, 2.1)" \
	"24 h: min 0.41, median (0.47 + 0.55) / 2 = 0.51 (550 ms in seconds), max 2.1"

# --- index.html: the sentences and the charts ---------------------------------------
$py - "$OUT/index.html" "$W/figures" <<'PY' >"$W/page"
import re, sys
from html.parser import HTMLParser
want = open(sys.argv[2]).read().splitlines()[3:5]
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.figures, self.charts, self.in_p, self.scripts = [], [], False, 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "p" and a.get("class") == "metric-figures":
            self.in_p = True
            self.figures.append("")
        elif tag == "svg":
            self.charts.append([a.get("role"), a.get("aria-label") or "", 0])
        elif tag == "polyline" and self.charts:
            self.charts[-1][2] += len(a.get("points", "").split())
        elif tag == "circle" and self.charts:
            self.charts[-1][2] += 1	# a lone point
        elif tag == "script":
            self.scripts += 1
    def handle_endtag(self, tag):
        if tag == "p":
            self.in_p = False
    def handle_data(self, data):
        if self.in_p:
            self.figures[-1] += data
p = P()
p.feed(open(sys.argv[1]).read())
print("figures " + ("ok" if p.figures == want else "got %r want %r" % (p.figures, want)))
labels_ok = len(p.charts) == 2 and all(c[0] == "img" and w.split(": ", 1)[1] in c[1]
                                       for c, w in zip(p.charts, want))
print("charts " + ("ok" if labels_ok else "got %r" % p.charts))
print("points %s" % " ".join(str(c[2]) for c in p.charts))
print("scripts %d" % p.scripts)
PY
grep -q '^figures ok$' "$W/page" &&
	check_ok "index.html says: $(sed -n 4p "$W/figures"); $(sed -n 5p "$W/figures")" ||
	check_fail "index.html's sentences: $(grep '^figures' "$W/page")"
grep -q '^charts ok$' "$W/page" &&
	check_ok "index.html has an SVG chart per window, role=img, labelled with its figures" ||
	check_fail "index.html's charts: $(grep '^charts' "$W/page")"
read -r _ p24 p7 <<<"$(grep '^points' "$W/page")"
# 24 h: the 4 samples, each in a bucket of its own (288 s); 7 days: the 6
# in buckets of 2016 s, the first two (90 s apart) mostly in one
if [ "${p24:-0}" -eq 4 ] && [ "${p7:-0}" -ge 5 ] && [ "${p7:-0}" -le 6 ]; then
	check_ok "the charts' lines and dots have $p24 and $p7 points (a point per bucket with samples, at most 300)"
else
	check_fail "the charts' lines have ${p24:-?} and ${p7:-?} points"
fi
grep -q '^scripts 0$' "$W/page" && check_ok "index.html has no script" ||
	check_fail "index.html has a script"
bad=$(xmllint --html --noout "$OUT/index.html" 2>&1 |
	grep 'error' | grep -Ev 'Tag (svg|line|polyline|polygon|circle|text) invalid')
[ -s "$OUT/index.html" ] && [ -z "$bad" ] &&
	check_ok "xmllint --html: nothing but the SVG's elements unknown to HTML 4" ||
	check_fail "xmllint --html: $bad"
[ "$failures" -eq 0 ]
