#!/bin/bash
# bench/deliver/run.sh [BUILDDIR] [WORKDIR] [SUBSCRIBERS]: one post to
# 10,000 webhook subscribers (SUBSCRIBERS, default 10000) on loopback.
#
# publish.conf has that many [subscriber sN] sections, each a webhook
# http://127.0.0.1:PORT/hook/sN with one signing key; one receiver process
# (tests/peers/webhook_receiver.py, Python's threading HTTP server) serves
# them all, checks every signature and logs every request. `post` queues
# the post's deliveries in its transaction (deliver_budget = 0: nothing is
# sent yet); then `deliver` sends them, PUB_DELIVER_PARALLEL (64)
# transfers at once on one libcurl multi handle. Printed: the time and max
# RSS (GNU time) of each, the same for a tenth of the subscribers (memory
# must not grow with them: the queue is read 512 at a time), and what the
# receiver got: every subscriber once, every signature right.
#
# The bound held (README): 10,000 subscribers get the post within 60 s on
# 2 shared cores, deliver's max RSS under 64 MB. It runs in a network
# namespace of its own (unshare -n), so its port meets no one else's.
set -eu
if [ -z "${BENCH_NETNS:-}" ]; then
	exec unshare -n env BENCH_NETNS=1 bash -c 'ip link set lo up && exec bash "$0" "$@"' "$0" "$@"
fi
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$top/build/default}" && pwd)
work=${2:-$top/build/bench-deliver}
n_subs=${3:-10000}
publish="$build/mailstatus-publish"
port=18490
[ -x "$publish" ] || { echo "no $publish: build first" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work/secrets"
work=$(cd "$work" && pwd)
echo "bench-key-$RANDOM$RANDOM" >"$work/secrets/default"
chmod 600 "$work/secrets/default"

python3 "$top/tests/peers/webhook_receiver.py" --port "$port" --log "$work/requests.log" \
	--secrets "$work/secrets" >/dev/null 2>&1 &
receiver=$!
trap 'kill $receiver 2>/dev/null' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done

# conf N FILE: the sample's clusters and N subscribers
conf() {
	sed -e "s|^output_dir = .*|output_dir = $work/www-$1|" -e "s|^store = .*|store = $work/publish-$1.db|" \
		-e "s|^source = .*|source = statusdat:$top/samples/publisher/status.dat|" \
		-e "s|^stale_after = 0|stale_after = 0\ndeliver_budget = 0|" \
		"$top/samples/publisher/publish.conf" >"$2"
	python3 - "$1" "$port" "$work/secrets/default" >>"$2" <<'PY'
import sys
n, port, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
for i in range(n):
    print("\n[subscriber s%d]\nwebhook = http://127.0.0.1:%s/hook/s%d\nsecret_file = %s" % (i, port, i, key))
PY
}
echo "The post is out: delivered to every subscriber." >"$work/msg.txt"

# measure N: post, then deliver; prints the figures
measure() {
	n=$1
	conf "$n" "$work/$n.conf"
	: >"$work/requests.log"
	/usr/bin/time -f '%e %M' -o "$work/post.time" "$publish" -c "$work/$n.conf" post \
		--cluster email-cluster-a --title "Bench post" --message-file "$work/msg.txt" >/dev/null
	/usr/bin/time -f '%e %M' -o "$work/deliver.time" "$publish" -c "$work/$n.conf" -v deliver \
		2>"$work/deliver.out"
	read -r post_s post_kb <"$work/post.time"
	read -r del_s del_kb <"$work/deliver.time"
	got=$(python3 -c '
import json, sys
names, bad = set(), 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    names.add(e["name"])
    bad += not (e["sig_ok"] and e["shape_ok"])
print(len(names), bad)' "$work/requests.log")
	read -r distinct bad <<<"$got"
	printf '%6d subscribers: post (queues them) %5.2f s, %4d MB; deliver %6.2f s (%5.0f/s), max RSS %4d MB; receiver got %d distinct, %d bad signatures; %s\n' \
		"$n" "$post_s" $((post_kb / 1024)) "$del_s" "$(echo "$n / ($del_s + 0.001)" | bc -l)" \
		$((del_kb / 1024)) "$distinct" "$bad" "$(tail -n 1 "$work/deliver.out")"
	[ "$distinct" -eq "$n" ] && [ "$bad" -eq 0 ] && [ $((del_kb / 1024)) -lt 64 ] &&
		[ "$(echo "$del_s < 60" | bc)" -eq 1 ] || { echo "FAIL: the bound is not held" >&2; return 1; }
}
echo "mailstatus-publish deliver: one post to N webhook subscribers on loopback, $(nproc) cores"
measure $((n_subs / 10))
measure "$n_subs"
