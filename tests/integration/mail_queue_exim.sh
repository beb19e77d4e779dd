#!/bin/bash
# The Exim half of 30-check-mail-queue.sh, run by it in a mount namespace
# of its own (unshare -m) where a private passwd names Exim's user. Not an
# integration test by itself (run.sh runs NN-*.sh only). Environment:
# top_srcdir, exim_dir (unpacked exim4, exim.conf, bin/exim4 wrapper,
# spool), plugin (a copy 'nobody' can run).
set -u
. "$top_srcdir/tests/peers/common.sh"

mount --bind "$exim_dir/passwd" /etc/passwd && mount --bind "$exim_dir/group" /etc/group ||
	{ check_fail "Exim: no private passwd (mount namespace)"; exit 1; }
export PATH="$exim_dir/bin:$PATH"

send() { printf 'Subject: exim\n\nqueued\n' | exim4 -odq -f sender@exim.test "$@"; }
send bob@remote.example
sleep 1.1
send carol@other.example
send dave@remote.example
frozen=$(exim4 -bp | awk 'NF >= 3 { id = $3 } END { print id }')
exim4 -Mf "$frozen" >/dev/null
# the truth, from the -H files: line 4 starts with the arrival second
oldest=$(for h in "$exim_dir"/spool/input/*-H; do sed -n 4p "$h" | cut -d' ' -f1; done |
	sort -n | head -n 1)

mq() { "$plugin" --mta=exim "$@"; }
perf() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=\([0-9]*\).*/\1/p" | head -n 1; }

for method in spool command; do
	out=$(mq -v --method=$method)
	rc=$?
	got=$(printf '%s\n' "$out" | sed -n 's/^queued: .*(arrived \([0-9]*\)).*/\1/p')
	if [ $rc -eq 0 ] && [ "$(perf "$out" total)" = 3 ] && [ "$(perf "$out" queued)" = 2 ] &&
		[ "$(perf "$out" frozen)" = 1 ] && [ "$got" = "$oldest" ]; then
		check_ok "Exim $method: 2 queued + 1 frozen, oldest arrival $got as the -H file says"
	else
		check_fail "Exim $method: exit $rc, want 2 queued, 1 frozen, oldest $oldest: $out"
	fi
done
expect_plugin "Exim -c 2: CRITICAL" 2 \
	'^MAIL_QUEUE CRITICAL - 3 messages queued \(queued 2, frozen 1\)' mq -c 2
expect_plugin "Exim --queues=queued" 0 \
	'^MAIL_QUEUE OK - 2 messages queued \(queued 2\), oldest [0-9]+s, 1 frozen \|' mq --queues=queued
expect_plugin "Exim: a member of Exim's group reads the spool" 0 \
	'^read from the spool ' \
	runuser -u nobody -g Debian-exim -- "$plugin" --mta=exim --method=spool -v \
	--queue-dir="$exim_dir/spool"
expect_plugin "Exim as nobody: UNKNOWN, never an empty queue" 3 \
	'^MAIL_QUEUE UNKNOWN - exim4 -bp exited with status 1: .*exim: permission denied' \
	runuser -u nobody -- "$plugin" --mta=exim --queue-dir="$exim_dir/spool"
[ "$failures" -eq 0 ]
