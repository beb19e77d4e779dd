#!/bin/bash
# bench/greylist/run.sh BUILDDIR [CHECKS] [ROUNDS]
#
# check_greylist side by side with what operators run today, in the same
# run on the same machine: CHECKS (default 1000) policy checks against a
# local postgrey, and CHECKS runs of monitoring-plugins' check_smtp against
# a local Postfix, each round in turn, ROUNDS times (default 5); the
# figures are the medians of the rounds. Also measured: the cost of the
# shell loop itself (/bin/true), the start of check_greylist alone
# (--version: mostly the dynamic loader mapping OpenSSL, which check_smtp
# pays too) and postgrey's own reply time without any process start
# (peer-time.pl), so that what check_greylist adds beyond its peer shows:
# its work beyond starting and the peer's reply must stay under 1 ms.
#
# Needs root (postgrey's database), postgrey, Postfix, monitoring-plugins.
# Servers on 127.0.0.1:10033 (postgrey) and 10035 (Postfix).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: run.sh BUILDDIR [CHECKS] [ROUNDS]}" && pwd)
checks=${2:-1000}
rounds=${3:-5}
plugin="$build/plugins/check_greylist"
check_smtp=/usr/lib/nagios/plugins/check_smtp
PG_PORT=10033 MX_PORT=10035

. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/postgrey.sh"
. "$top_srcdir/tests/peers/postfix.sh"

for need in "$plugin" "$check_smtp"; do
	[ -x "$need" ] || { echo "run.sh: $need is missing" >&2; exit 1; }
done

peers_workdir greylist-bench
trap peers_cleanup EXIT
postgrey_start "$PEERS_DIR/postgrey" $PG_PORT 300 || exit 1
postfix_setup "$PEERS_DIR/postfix" $MX_PORT >/dev/null 2>&1 &&
	postfix_start "$PEERS_DIR/postfix" || { echo "run.sh: Postfix did not start" >&2; exit 1; }

now_ns() { date +%s%N; }

# per_check NAME COMMAND...: runs COMMAND $checks times, output to $PEERS_DIR/NAME.out;
# prints the milliseconds per run
per_check() {
	_name=$1
	shift
	: >"$PEERS_DIR/$_name.out"
	_start=$(now_ns)
	for ((_i = 0; _i < checks; _i++)); do
		"$@" >>"$PEERS_DIR/$_name.out" 2>&1
	done
	_end=$(now_ns)
	echo "scale=4; ($_end - $_start) / $checks / 1000000" | bc
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# sanity: both checks must work before they are timed
"$plugin" -H 127.0.0.1 -p $PG_PORT >/dev/null || { echo "run.sh: check_greylist fails" >&2; exit 1; }
"$check_smtp" -H 127.0.0.1 -p $MX_PORT >/dev/null || { echo "run.sh: check_smtp fails" >&2; exit 1; }

: >"$PEERS_DIR/rounds"
echo "ms per check: loop = /bin/true; start, smtp-start = check_greylist, check_smtp --version"
echo "(process start alone); postgrey = one policy exchange from a running process"
echo "round      loop     start  smtp-start  check_greylist  check_smtp  postgrey"
for ((round = 1; round <= rounds; round++)); do
	t_true=$(per_check true /bin/true)
	t_start=$(per_check start "$plugin" --version)
	t_smtp_start=$(per_check smtp-start "$check_smtp" --version)
	t_grey=$(per_check greylist "$plugin" -H 127.0.0.1 -p $PG_PORT)
	t_smtp=$(per_check smtp "$check_smtp" -H 127.0.0.1 -p $MX_PORT)
	t_peer=$(perl "$here/peer-time.pl" 127.0.0.1 $PG_PORT "$checks" | awk '{ print $2 }')
	# every run must have been a real check, not a quick failure
	ok_grey=$(grep -c '^GREYLIST OK - new triplet deferred' "$PEERS_DIR/greylist.out")
	ok_smtp=$(grep -c '^SMTP OK' "$PEERS_DIR/smtp.out")
	if [ "$ok_grey" -ne "$checks" ] || [ "$ok_smtp" -ne "$checks" ]; then
		echo "run.sh: round $round: only $ok_grey check_greylist and $ok_smtp check_smtp runs were OK" >&2
		exit 1
	fi
	# the peer's reply time as the plugin measured it (perfdata time), median of the round
	t_inside=$(sed -n 's/.*| time=\([0-9.]*\)s.*/\1/p' "$PEERS_DIR/greylist.out" |
		awk '{ print $1 * 1000 }' | median)
	printf '%5d  %8.4f  %8.4f  %10.4f  %14.4f  %10.4f  %8.4f\n' "$round" "$t_true" \
		"$t_start" "$t_smtp_start" "$t_grey" "$t_smtp" "$t_peer"
	echo "$t_true $t_start $t_grey $t_smtp $t_peer $t_inside $t_smtp_start" >>"$PEERS_DIR/rounds"
done

col() { awk -v c="$1" '{ print $c }' "$PEERS_DIR/rounds" | median; }
m_true=$(col 1) m_start=$(col 2) m_grey=$(col 3) m_smtp=$(col 4) m_peer=$(col 5) m_inside=$(col 6)
m_smtp_start=$(col 7)
calc() { echo "scale=4; $*" | bc | sed 's/^\./0./; s/^-\./-0./'; }
added=$(calc "$m_grey - $m_start - $m_peer")
echo
echo "medians of $rounds rounds of $checks checks each (ms):"
echo "  check_greylist, policy check against postgrey:  $m_grey per check"
echo "  check_smtp against Postfix:                     $m_smtp per check"
echo "  ratio check_greylist / check_smtp:              $(calc "$m_grey / $m_smtp")"
echo "  postgrey's own reply time (peer-time.pl):       $m_peer"
echo "  postgrey's reply time as the plugin timed it:   $m_inside"
echo "  starting check_greylist (--version, less loop): $(calc "$m_start - $m_true")"
echo "  starting check_smtp (--version, less loop):     $(calc "$m_smtp_start - $m_true")"
echo "  check_greylist beyond its peer, with its start: $(calc "$m_grey - $m_true - $m_peer")"
printf '  check_greylist beyond its peer and its start:  %s' "$added"
if [ "$(echo "$added < 1" | bc)" -eq 1 ]; then
	echo " (under 1 ms: ok)"
else
	echo " (NOT under 1 ms)"
	exit 1
fi
