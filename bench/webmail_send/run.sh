#!/bin/bash
# bench/webmail_send/run.sh BUILDDIR [RUNS] [php|lighttpd]
#
# The plugin's own overhead per run against the real stack on loopback
# (Postfix, Dovecot, Roundcube; served by lighttpd + php-cgi by default,
# which keeps connections alive as production web servers do):
#
#   - HTTP requests and connections per run, and IMAP commands and
#     connections (from the plugin's -v line). A browser doing the same job
#     makes the same 8 page and XHR requests (login page, login, mailbox,
#     message list, compose, its redirect, send, logout; one more with an
#     attachment) plus its static files; with keep-alive: one connection.
#   - CPU time of the plugin process (user + system) against the wall time
#     of the run, which is nearly all waiting for the servers.
#
# Target: no more requests than the browser, one HTTP and one IMAP
# connection, under 20 ms CPU per run. Prints medians and maxima over RUNS
# (default 20) runs and whether the targets hold. Side by side: the same
# job as operators script it today, curl and sed in a shell
# (curl-flow.sh), with the CPU of all its processes. Both log in to IMAP
# after STARTTLS, verified against the test Dovecot's certificate.
#
# Needs root (Postfix, Dovecot). Ports 12125, 12188, 12144, 12994, 12425,
# 12081 on 127.0.0.1.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: run.sh BUILDDIR [RUNS] [php|lighttpd]}" && pwd)
runs=${2:-20}
server=${3:-lighttpd}
plugin="$build/plugins/check_webmail_send"
SMTP=12125 SUBMISSION=12188 IMAP=12144 IMAPS=12994 LMTP=12425 HTTP=12081
PROBE=probe@mailstatus.test

. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/postfix.sh"
. "$top_srcdir/tests/peers/dovecot.sh"
. "$top_srcdir/tests/peers/roundcube.sh"
. "$top_srcdir/tests/peers/webmail-stack.sh"

[ -x "$plugin" ] || { echo "run.sh: $plugin is missing (build first)" >&2; exit 1; }

peers_workdir webmail-bench
trap peers_cleanup EXIT
W=$PEERS_DIR
webmail_stack_start "$W" mailstatus.test "$PROBE" probepw "$server" >"$W/stack.out" ||
	{ echo "run.sh: the stack did not start: $(cat "$W/stack.out")" >&2; exit 1; }

# cputime OUT CMD...: runs CMD; writes "wall user sys" in seconds to OUT, the CPU
# times from wait4's rusage (microseconds, unlike /usr/bin/time's 10 ms)
cputime() {
	python3 -c '
import os, sys, time
start = time.monotonic()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, ru = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write("%.6f %.6f %.6f\n" % (time.monotonic() - start, ru.ru_utime, ru.ru_stime))
sys.exit(os.waitstatus_to_exitcode(status))
' "$@"
}

run_once() {
	MAILSTATUS_PASSWORD=probepw cputime "$W/time" \
		"$plugin" --url="http://127.0.0.1:$HTTP/" -u "$PROBE" \
		--imap-url="imap://127.0.0.1:$IMAP/INBOX" --ca-file="$W/dovecot/cert.pem" -v "$@" >"$W/out"
}

# one run to warm PHP's opcode cache and Roundcube's first-login set-up
run_once || { echo "run.sh: the warm-up run failed:"; cat "$W/out"; exit 1; }

# the process start alone (mostly the loader mapping libcurl, OpenSSL and libxml2)
: >"$W/start"
for i in $(seq 1 "$runs"); do
	cputime "$W/time" "$plugin" --version >/dev/null
	cat "$W/time" >>"$W/start"
done
start_ms=$(awk '{ print ($2 + $3) * 1000 }' "$W/start" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')

: >"$W/rows"
for i in $(seq 1 "$runs"); do
	run_once || { echo "run.sh: run $i failed:"; cat "$W/out"; exit 1; }
	# wall user sys http-requests http-connections imap-commands imap-connections
	read -r wall user sys <"$W/time"
	sed -n 's/^HTTP: \([0-9]*\) requests over \([0-9]*\) connections; IMAP: \([0-9]*\) commands over \([0-9]*\) connections$/\1 \2 \3 \4/p' \
		"$W/out" | { read -r hr hc ir ic; echo "$wall $user $sys $hr $hc $ir $ic"; } >>"$W/rows"
done

# the shell and curl version of the same job
: >"$W/script"
for i in $(seq 1 "$runs"); do
	MAILSTATUS_PASSWORD=probepw cputime "$W/time" bash "$here/curl-flow.sh" \
		"http://127.0.0.1:$HTTP/" "$PROBE" "imap://127.0.0.1:$IMAP/INBOX" "$W/dovecot/cert.pem" \
		>/dev/null ||
		{ echo "run.sh: curl-flow.sh failed"; exit 1; }
	cat "$W/time" >>"$W/script"
done
script=$(awk '{ print $1 * 1000, ($2 + $3) * 1000 }' "$W/script" | sort -n -k2 |
	awk '{ w[NR] = $1; c[NR] = $2 } END { m = int((NR + 1) / 2); printf "%.0f %.1f", w[m], c[m] }')

awk -v runs="$runs" -v server="$server" -v start_ms="$start_ms" -v script="$script" '
function median(a, n,    i, j, t) {
	for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
	return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
{
	n++; wall[n] = $1 * 1000; cpu[n] = ($2 + $3) * 1000
	if (cpu[n] > maxcpu) maxcpu = cpu[n]
	if ($4 > hr) hr = $4; if ($5 > hc) hc = $5; if ($6 > ir) ir = $6; if ($7 > ic) ic = $7
}
END {
	mw = median(wall, n); mc = median(cpu, n)
	printf "check_webmail_send, %d runs against Roundcube on %s (loopback)\n", n, server
	printf "  wall time per run      median %.0f ms (nearly all of it the servers)\n", mw
	printf "  plugin CPU per run     median %.1f ms, max %.1f ms (%.1f%% of the wall time)\n", mc, maxcpu, 100 * mc / mw
	printf "  of which process start median %.1f ms (--version: loading the libraries)\n", start_ms
	printf "  HTTP per run           %d requests over %d connections (a browser: 8 + static files)\n", hr, hc
	printf "  IMAP per run           %d commands over %d connections\n", ir, ic
	split(script, sc, " ")
	printf "curl-flow.sh (the same job with curl and sed), %d runs\n", n
	printf "  wall time per run      median %.0f ms\n", sc[1]
	printf "  CPU per run            median %.1f ms (shell, sed and one curl per request)\n", sc[2]
	ok = maxcpu < 20 && hr <= 8 && ic == 1 && (server == "php" || hc == 1)
	printf "target (CPU < 20 ms, <= 8 requests, one connection each): %s\n", ok ? "met" : "NOT met"
	exit !ok
}' "$W/rows"
