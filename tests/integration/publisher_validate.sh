# publisher_validate.sh: what every output tree of mailstatus-publish must
# pass, for the tests of the status site (62-) and of views (69-). Source
# it after tests/peers/common.sh; it defines:
#
#   validate_tree DIR
#       every page of DIR is HTML xmllint reads without a complaint, every
#       .rss and .atom passes its RELAX NG profile (contrib/rss-profile.rng,
#       atom-profile.rng) and python3-feedparser without a bozo flag,
#       every .json parses, every .ics is CRLF lines of at most 75 octets
#       that python3-icalendar reads; one check_ok for the tree, a
#       check_fail per file that does not
: "${py:=/usr/bin/python3}"
: "${rss_schema:=$top_srcdir/contrib/rss-profile.rng}"
: "${atom_schema:=$top_srcdir/contrib/atom-profile.rng}"

validate_feedparser() {	# FILE: says the bozo exception, if any
	$py -c 'import feedparser,sys
d = feedparser.parse(sys.argv[1])
print("bozo: %s" % d.bozo_exception if d.bozo else "", end="")' "$1"
}

# xmllint --html knows HTML 4's elements only: a response-time strip's
# inline SVG elements are reported, each with its two lines of context
drop_svg_tags() {
	awk '/ parser error : Tag (svg|line|polyline|polygon|circle|text) invalid$/ { skip = 2; next }
		skip > 0 { skip--; next } { print }'
}

validate_tree() {	# DIR
	_bad=0
	while IFS= read -r _f; do
		case $_f in
		*.html) _err=$(xmllint --html --noout "$_f" 2>&1 | drop_svg_tags) ;;
		*.rss) _err=$( { xmllint --noout --relaxng "$rss_schema" "$_f" 2>&1 | grep -v ' validates$'
			validate_feedparser "$_f"; } ) ;;
		*.atom) _err=$( { xmllint --noout --relaxng "$atom_schema" "$_f" 2>&1 | grep -v ' validates$'
			validate_feedparser "$_f"; } ) ;;
		*.ics) _err=$($py -c 'import icalendar, sys
data = open(sys.argv[1], "rb").read()
lines = data.split(b"\r\n")
assert lines[-1] == b"", "does not end in CRLF"
for l in lines:
    assert b"\n" not in l and b"\r" not in l, "a bare CR or LF"
    assert len(l) <= 75, "a line of %d octets" % len(l)
    l.decode("utf-8")
icalendar.Calendar.from_ical(data)' "$_f" 2>&1) ;;
		*.json) _err=$($py -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' \
			"$_f" 2>&1) ;;
		*) continue ;;
		esac
		if [ -n "$_err" ]; then
			check_fail "${_f#"$1"/}: $_err"
			_bad=$((_bad + 1))
		fi
	done < <(find "$1" -type f | sort)
	[ "$_bad" -eq 0 ] && check_ok "every page, feed, calendar and status.json under ${1#"$W"/} validates"
}
