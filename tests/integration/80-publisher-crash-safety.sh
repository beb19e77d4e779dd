#!/bin/bash
# mailstatus-publish killed at any point loses nothing: the sample's
# replay (samples/publisher/replay.sh: an import-history of the months
# before from Nagios logs, five history runs, a maintenance announcement,
# the current status.dat; every run records history intervals) is first
# run without faults (the
# reference, a snapshot of store and site after each step); then every
# step is started again from the reference's state before it and killed
#   - at each of its write-side system calls in turn (tests/killpoint.so,
#     LD_PRELOAD: write, pwrite, fsync, rename, unlink, ftruncate, close
#     of a written file; a write is torn in half), and
#   - from outside, SIGKILL after a random delay within the step's run time.
# After every kill: each feed passes xmllint and its RELAX NG profile,
# each page parses and ends with </html>, status.json parses, every link
# of the feeds, index.html and history.html leads to a file, the store
# passes PRAGMA integrity_check and `list` opens it, and holds what the
# reference's held before the step or after it, nothing between (one
# transaction per run). Then the step runs
# again without faults, and store (sqlite3 .dump) and site must equal the
# reference's byte for byte: no post lost, none twice, no temporary file
# left. A killed maintenance announcement is run again only when the
# store does not hold it (what an operator checks with `list`); when it
# does, the next step's run renders it.
#
# CRASH_POINTS_MAX (default 240, 120 in a sanitizer build) bounds the
# kill points; above it a random sample of about that many is tried, a
# new one each run (each kill and its checks take about a second, and the
# scenario has some 730 write-side calls: every one of them takes some
# 12 minutes, CRASH_POINTS_MAX=1000). CRASH_TIMED (default 60, 30) is the
# number of timed kills that must land during a run. CRASH_SEED fixes the
# random choices.
set -u
. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/integration/publisher_replay.sh"

publish="$top_builddir/mailstatus-publish"
killpoint="$top_builddir/tests/killpoint.so"
py=/usr/bin/python3
# a sanitizer build runs several times slower: a smaller sample
if grep -q '^SANITIZER_FLAGS = .*-fsanitize' "$top_builddir/Makefile" 2>/dev/null; then
	points_max=${CRASH_POINTS_MAX:-120} timed=${CRASH_TIMED:-30}
else
	points_max=${CRASH_POINTS_MAX:-240} timed=${CRASH_TIMED:-60}
fi
RANDOM=${CRASH_SEED:-$$}

command -v xmllint >/dev/null || { echo "skip: xmllint is not installed (libxml2-utils)"; exit 77; }
command -v sqlite3 >/dev/null || { echo "skip: the sqlite3 CLI is not installed (sqlite3)"; exit 77; }
[ -x "$publish" ] || { echo "FAIL: $publish is not built"; exit 1; }
[ -f "$killpoint" ] || make -C "$top_builddir" tests/killpoint.so >/dev/null 2>&1
[ -f "$killpoint" ] || { echo "FAIL: $killpoint is not built (make check builds it)"; exit 1; }
echo "seed: ${CRASH_SEED:-$$} (CRASH_SEED=... repeats this run's random choices)"

# a tmpfs when there is one: the thousands of runs' fsyncs cost nothing there
# (a kill tests what the process leaves, not what a power cut does)
PEERS_DIR=$(mktemp -d /dev/shm/mailstatus-publisher-crash.XXXXXX 2>/dev/null ||
	    mktemp -d /tmp/mailstatus-publisher-crash.XXXXXX)
export PEERS_DIR
trap peers_cleanup EXIT
W=$PEERS_DIR
L=$W/live		# the store and site every run uses
mkdir -p "$W/conf" "$W/ref"
started=$(date +%s)

# --- the scenario: eight steps -----------------------------------------------
replay_setup "$W/conf" "$L/www" "$L/publish.db"
steps=$replay_steps maint=$replay_maint

# step K [ENV=VALUE...]: runs step K (its output in $W/out), returns its status
step() {
	_k=$1
	shift
	replay_step "$W/conf" "$_k" "$W/out" "$@"
}

faulty() {	# K ENV...: step K with the kill point library preloaded
	_k=$1
	shift
	# (bash's "Killed" notice would go to stderr: one line per kill point)
	{ step "$_k" LD_PRELOAD="$killpoint" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" "$@"; } 2>/dev/null
}

restore() {	# K: the store and site as the reference left them after step K
	rm -rf "$L"
	cp -a "$W/ref/$1" "$L"
}

dump() {	# STORE: its contents as SQL, read from a copy (opening it may recover it)
	rm -rf "$W/copy"
	mkdir "$W/copy"
	cp "$1"* "$W/copy/" 2>/dev/null
	sqlite3 "$W/copy/$(basename "$1")" .dump
}

# The checks every file must pass whatever the moment of the kill; prints
# what is wrong, nothing when all is well.
cat >"$W/site_check.py" <<'PY'
import json, os, re, sys
www, base = sys.argv[1], sys.argv[2]
if not os.path.isdir(www):
    sys.exit(0)
for dirpath, _, files in os.walk(www):
    for f in files:
        path = os.path.join(dirpath, f)
        rel = os.path.relpath(path, www)
        if f.startswith("."):
            continue	# a temporary file; the runs after must remove it
        data = open(path, "rb").read()
        if f.endswith(".html"):
            if not data.rstrip().endswith(b"</html>"):
                print("%s is cut short" % rel)
            # the pages a reader starts from; a post's and an incident's
            # pages link to each other, and are both written before these
            if rel not in ("index.html", "history.html"):
                continue
            for href in re.findall(rb'href="([^":?#]+\.(?:html|rss|atom|css|json))"', data):
                if href in (b"index.html", b"history.html"):
                    continue	# each other's: one of them is written first
                target = os.path.normpath(os.path.join(dirpath, href.decode()))
                if not os.path.exists(target):
                    print("%s links to %s, which does not exist" % (rel, href.decode()))
        elif f.endswith((".rss", ".atom")):
            for link in re.findall(re.escape(base).encode() + rb'((?:posts|incidents)/\d+\.html)', data):
                if not os.path.exists(os.path.join(www, link.decode())):
                    print("%s links to %s, which does not exist" % (rel, link.decode()))
        elif f == "status.json":
            try:
                json.loads(data)
            except ValueError as e:
                print("status.json does not parse: %s" % e)
PY

# check_after_kill WHAT: the site and store as a kill left them; echoes
# the problems found (empty: none).
check_after_kill() {
	_www=$L/www
	if [ -d "$_www" ]; then
		_rss=$(find "$_www" -name '*.rss' ! -name '.*')
		_atom=$(find "$_www" -name '*.atom' ! -name '.*')
		_html=$(find "$_www" -name '*.html' ! -name '.*')
		[ -z "$_rss" ] || xmllint --noout --relaxng "$top_srcdir/contrib/rss-profile.rng" $_rss >"$W/xml.out" 2>&1 ||
			echo "an RSS feed is not valid: $(grep -v validates "$W/xml.out" | head -n 3)"
		[ -z "$_atom" ] || xmllint --noout --relaxng "$top_srcdir/contrib/atom-profile.rng" $_atom >"$W/xml.out" 2>&1 ||
			echo "an Atom feed is not valid: $(grep -v validates "$W/xml.out" | head -n 3)"
		[ -z "$_html" ] || xmllint --html --noout $_html >"$W/xml.out" 2>&1 ||
			echo "a page does not parse: $(head -n 3 "$W/xml.out")"
		$py "$W/site_check.py" "$_www" "https://status.example.com/"
	fi
	dump "$L/publish.db" >"$W/kill.dump"	# for tx_state
	if [ -e "$L/publish.db" ]; then
		_ic=$(sqlite3 "$W/copy/publish.db" 'PRAGMA integrity_check' 2>&1)
		[ "$_ic" = ok ] || echo "the store fails integrity_check: $_ic"
		# a first run killed before its schema was committed has published nothing
		"$publish" -c "$W/conf/1.conf" list >/dev/null 2>"$W/list.err" ||
			grep -q ': no store yet: nothing has been published' "$W/list.err" ||
			echo "list cannot open the store: $(cat "$W/list.err")"
	fi
}

# tx_state K: the store check_after_kill saw, as the reference's before
# step K (the run's transaction rolled back, or not begun), after it
# (committed), or neither. A first run commits the new store's schema
# first: that counts as before.
tx_state() {
	if cmp -s "$W/kill.dump" "$W/ref/$(($1 - 1)).dump" ||
	   { [ "$1" -eq 1 ] && cmp -s "$W/kill.dump" "$W/schema.dump"; }; then
		echo before
	elif cmp -s "$W/kill.dump" "$W/ref/$1.dump"; then
		echo after
	else
		echo neither
	fi
}

# matches_ref K: store and site equal the reference's after step K; echoes
# the differences.
matches_ref() {
	dump "$L/publish.db" >"$W/live.dump"
	cmp -s "$W/live.dump" "$W/ref/$1.dump" ||
		echo "the store differs from the reference: $(diff "$W/ref/$1.dump" "$W/live.dump" | head -n 6)"
	diff -r "$W/ref/$1/www" "$L/www" >"$W/diff.out" 2>&1 ||
		echo "the site differs from the reference: $(head -n 6 "$W/diff.out")"
}

# recover K: what follows a killed step K; then store and site must match
# the reference's after it (or, for an announcement the store already
# holds, after the next run, which renders it), and no temporary file may
# be left. Echoes what is wrong.
recover() {
	_k=$1
	if [ "$_k" -eq "$maint" ] && [ -e "$L/publish.db" ] &&
	   [ "$(sqlite3 "file:$L/publish.db?mode=ro" 'SELECT count(*) FROM maintenance' 2>/dev/null)" = 1 ]; then
		_k=$((_k + 1))
	fi
	step "$_k" || echo "the run after the kill failed: $(cat "$W/out")"
	matches_ref "$_k"
	find "$L" -name '.*' -type f -printf 'left behind: %P\n'
}

# --- a. the reference --------------------------------------------------------
mkdir -p "$W/ref/0" "$W/schema" "$L"	# L exists before every step (restore): so here too
dump "$W/ref/0/publish.db" >"$W/ref/0.dump"	# none: as empty as an empty store
sed "s|$L/|$W/schema/|" "$W/conf/1.conf" >"$W/schema.conf"
"$publish" -c "$W/schema.conf" render >"$W/out" 2>&1 || check_fail "render on a new store: $(cat "$W/out")"
dump "$W/schema/publish.db" >"$W/schema.dump"
runs=1
ok=1
for k in $(seq 1 $steps); do
	t0=$(date +%s%N)
	faulty "$k" KILLPOINT_COUNT="$W/count" || { check_fail "reference step $k: $(cat "$W/out")"; ok=0; }
	dur_ns[$k]=$(( $(date +%s%N) - t0 ))
	total[$k]=$(cat "$W/count")
	runs=$((runs + 1))
	cp -a "$L" "$W/ref/$k"
	dump "$L/publish.db" >"$W/ref/$k.dump"
	problems=$(check_after_kill)
	[ -z "$problems" ] || { check_fail "reference step $k is not valid: $problems"; ok=0; }
done
[ "$ok" -eq 1 ] || exit 1
posts=$(sqlite3 "$W/copy/publish.db" 'SELECT count(*) FROM posts')
check_ok "reference: $steps steps, $posts posts, $(find "$L/www" -type f | wc -l) site files, all valid; write-side calls per step: ${total[*]}"
[ "$posts" -ge 9 ] || check_fail "the reference published $posts posts (want at least 9)"
cmp -s "$W/ref/$maint.dump" "$W/ref/$((maint - 1)).dump" &&
	check_fail "the announcement changed nothing in the store"

# --- b. a kill at every write-side call ----------------------------------------
all=0
for k in $(seq 1 $steps); do all=$((all + total[k])); done
points=()
for k in $(seq 1 $steps); do
	for n in $(seq 1 "${total[$k]}"); do
		if [ "$all" -le "$points_max" ] || [ $((RANDOM % all)) -lt "$points_max" ]; then
			points+=("$k:$n")
		fi
	done
done
[ "$all" -le "$points_max" ] && how="every one of the $all" || how="a random ${#points[@]} of the $all"
tried=0 bad_after=0 bad_recovery=0 not_reached=0 temps_left=0 rolled_back=0 committed=0
for p in "${points[@]}"; do
	k=${p%:*} n=${p#*:}
	restore $((k - 1))
	faulty "$k" KILLPOINT_AT="$n"
	rc=$?
	runs=$((runs + 1))
	if [ "$rc" -ne 137 ]; then
		not_reached=$((not_reached + 1))
		check_fail "step $k, kill point $n: the run was not killed (exit $rc): $(head -c 300 "$W/out")"
		continue
	fi
	tried=$((tried + 1))
	[ -n "$(find "$L" -name '.*' -type f)" ] && temps_left=$((temps_left + 1))
	problems=$(check_after_kill)
	if [ -n "$problems" ]; then
		bad_after=$((bad_after + 1))
		check_fail "step $k, killed at write-side call $n: $problems"
	fi
	case $(tx_state "$k") in
	before) rolled_back=$((rolled_back + 1)) ;;
	after) committed=$((committed + 1)) ;;
	*) bad_after=$((bad_after + 1))
	   check_fail "step $k, killed at write-side call $n: the store is neither as before the step nor as after it: $(diff "$W/ref/$k.dump" "$W/kill.dump" | head -n 6)" ;;
	esac
	problems=$(recover "$k")
	runs=$((runs + 1))
	if [ -n "$problems" ]; then
		bad_recovery=$((bad_recovery + 1))
		check_fail "step $k, killed at write-side call $n, then run again: $problems"
	fi
done
[ "$bad_after" -eq 0 ] && check_ok "killed at $how write-side calls ($tried kills): every feed, page, status.json and the store valid after each; the store as before the step $rolled_back times (transaction rolled back or not begun), as after it $committed times (committed), never between"
[ "$bad_recovery" -eq 0 ] && check_ok "after each of the $tried kills the step's next run left store and site equal to the reference (no post lost or twice, no temporary file; $temps_left kills had left one)"

# --- c. kills from outside, at random moments -----------------------------------
# until $timed kills landed during a run (at most four times as many
# tries). A moment is drawn within the step's window, at first the
# reference run's duration; each run that ends before its kill shrinks the
# window by a quarter, so the kills keep landing when the machine's load
# changes (the reference ran with the kill point library, and perhaps
# beside a busier lane).
mkfifo "$W/never"
exec 9<>"$W/never"		# read -t on it: a sleep without a process
landed=0 finished=0 bad_after=0 bad_recovery=0
for k in $(seq 1 $steps); do window_us[$k]=$((dur_ns[k] / 1000)); done
while [ "$landed" -lt "$timed" ] && [ $((landed + finished)) -lt $((4 * timed)) ]; do
	k=$((RANDOM % steps + 1))
	restore $((k - 1))
	delay_us=$(( (RANDOM * 32768 + RANDOM) % (window_us[k] + 1) ))
	(replay_exec=exec step "$k") &
	pid=$!
	read -r -t "$(printf '%d.%06d' $((delay_us / 1000000)) $((delay_us % 1000000)))" -u 9
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	runs=$((runs + 1))
	if [ "$rc" -eq 137 ]; then
		landed=$((landed + 1))
	else
		finished=$((finished + 1))
		window_us[$k]=$((window_us[k] * 3 / 4 + 1))
		[ "$rc" -eq 0 ] || check_fail "step $k, timed: the run failed before the kill (exit $rc): $(cat "$W/out")"
	fi
	problems=$(check_after_kill)
	if [ -n "$problems" ]; then
		bad_after=$((bad_after + 1))
		check_fail "step $k, SIGKILL after ${delay_us}us: $problems"
	fi
	if [ "$(tx_state "$k")" = neither ]; then
		bad_after=$((bad_after + 1))
		check_fail "step $k, SIGKILL after ${delay_us}us: the store is neither as before the step nor as after it"
	fi
	problems=$(recover "$k")
	runs=$((runs + 1))
	if [ -n "$problems" ]; then
		bad_recovery=$((bad_recovery + 1))
		check_fail "step $k, SIGKILL after ${delay_us}us, then run again: $problems"
	fi
done
[ "$landed" -ge "$timed" ] || check_fail "only $landed of $((landed + finished)) timed kills landed during a run"
[ "$bad_after" -eq 0 ] && check_ok "$landed timed SIGKILLs during a run ($finished more came after it ended): everything valid after each"
[ "$bad_recovery" -eq 0 ] && check_ok "after each timed kill the next run caught up with the reference exactly"

# --- the faulted replay's end: the same posts as the reference ---------------------
q='SELECT guid, cluster, incident, kind, title, published_at FROM posts ORDER BY id'
restore $((steps - 1))
faulty "$steps" KILLPOINT_AT=$(( total[steps] / 2 ))
recover "$steps" >/dev/null
runs=$((runs + 2))
want=$(sqlite3 "file:$W/ref/$steps/publish.db?mode=ro" "$q")
got=$(sqlite3 "file:$L/publish.db?mode=ro" "$q")
if [ "$want" = "$got" ] && [ -n "$got" ]; then
	check_ok "the replay killed in its last step publishes the reference's $(printf '%s\n' "$got" | wc -l) posts, none lost, none twice"
else
	check_fail "published posts differ: $(diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | head -n 8)"
fi

# --- e. retract, killed at every write-side call ---------------------------------
# From the reference's end, an operator withdraws the acknowledgement's post.
# After a kill at any write-side call: every file valid, the store as before
# the retract or as after it; then the operator's retract again (the store
# does not hold it) or the next run (it does) leaves store and site equal to
# an unfaulted retract's: the post in no feed, page or status.json, its page
# gone, no temporary file left.
rid=$(sqlite3 "file:$W/ref/$steps/publish.db?mode=ro" \
	"SELECT id FROM posts WHERE kind = 'identified' ORDER BY id DESC LIMIT 1")
words=$(sqlite3 "file:$W/ref/$steps/publish.db?mode=ro" "SELECT summary FROM posts WHERE id = ${rid:-0}" |
	cut -c 24-52)
retract() {	# ENV...: retract post $rid at the last step's time
	{ env "$@" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		"$publish" -c "$W/conf/$steps.conf" retract "$rid" --now "@${replay_at[$steps]}" \
		>"$W/out" 2>&1; } 2>/dev/null
}
withdrawn() {	# "yes" when the live store holds post $rid withdrawn
	[ "$(sqlite3 "file:$L/publish.db?mode=ro" "SELECT retracted_at IS NOT NULL FROM posts WHERE id = $rid" 2>/dev/null)" = 1 ] &&
		echo yes
}
restore "$steps"
if [ -z "$rid" ] || [ -z "$words" ] || ! retract LD_PRELOAD="$killpoint" KILLPOINT_COUNT="$W/count"; then
	check_fail "the reference retract of post '$rid': $(cat "$W/out")"
else
	rtotal=$(cat "$W/count")
	cp -a "$L" "$W/ref/retract"
	dump "$L/publish.db" >"$W/ref/retract.dump"
	[ -z "$(grep -rlF -- "$words" "$L/www")" ] && [ ! -e "$L/www/posts/$rid.html" ] &&
		check_ok "reference retract of post $rid ($rtotal write-side calls): '$words' is in no file" ||
		check_fail "the retracted words are still in: $(grep -rlF -- "$words" "$L/www")"
	rbad=0 rtried=0
	for n in $(seq 1 "$rtotal"); do
		restore "$steps"
		retract LD_PRELOAD="$killpoint" KILLPOINT_AT="$n"
		rc=$?
		runs=$((runs + 1))
		[ "$rc" -eq 137 ] || { check_fail "retract, kill point $n: not killed (exit $rc)"; continue; }
		rtried=$((rtried + 1))
		problems=$(check_after_kill)
		if ! cmp -s "$W/kill.dump" "$W/ref/$steps.dump" && ! cmp -s "$W/kill.dump" "$W/ref/retract.dump"; then
			problems="$problems the store is neither as before the retract nor as after it"
		fi
		if [ "$(withdrawn)" = yes ]; then
			step "$steps" || problems="$problems; the next run failed: $(cat "$W/out")"
		else
			retract || problems="$problems; retract again failed: $(cat "$W/out")"
		fi
		runs=$((runs + 1))
		dump "$L/publish.db" >"$W/live.dump"
		cmp -s "$W/live.dump" "$W/ref/retract.dump" || problems="$problems; the store differs from the reference retract"
		diff -r "$W/ref/retract/www" "$L/www" >"$W/diff.out" 2>&1 ||
			problems="$problems; the site differs from the reference retract: $(head -n 4 "$W/diff.out")"
		left=$(find "$L" -name '.*' -type f -printf '%P ')
		[ -z "$left" ] || problems="$problems; left behind: $left"
		[ -z "$problems" ] || { rbad=$((rbad + 1)); check_fail "retract killed at write-side call $n: $problems"; }
	done
	[ "$rbad" -eq 0 ] && check_ok "retract killed at each of its $rtried write-side calls: all valid, the store before or after, and the next command completes it exactly"
fi

# --- f. subscribers: kills in the queue's writes and in deliver -------------------
# The replay again, with two webhook subscribers (every post, and
# incidents only; a receiver on loopback, tests/peers/webhook_receiver.py,
# that logs each request and checks its signature). A sample of kill
# points in a step's run (its posts' deliveries queued in its transaction,
# then sent within deliver_budget and recorded) and in `deliver` after a
# run that sends nothing (deliver_budget = 0; every one of the last step's
# deliver, so a kill lands after each write of its records, e.g. a record
# committed before its send), and timed SIGKILLs during a run or a deliver: after each, every file valid and the store intact; then the step
# (when its transaction did not commit) and `deliver` run again, and every
# post the step made has reached each subscriber that should get it at
# least once, every request of one post to one subscriber with the one
# delivery id the store holds, nothing pending, no post queued twice.
# CRASH_DELIVER_POINTS (default 40, 20 in a sanitizer build) and
# CRASH_DELIVER_TIMED (10, 5) bound them.
if grep -q '^SANITIZER_FLAGS = .*-fsanitize' "$top_builddir/Makefile" 2>/dev/null; then
	dpoints=${CRASH_DELIVER_POINTS:-20} dtimed=${CRASH_DELIVER_TIMED:-5}
else
	dpoints=${CRASH_DELIVER_POINTS:-40} dtimed=${CRASH_DELIVER_TIMED:-10}
fi
S=$W/subs
HOOK_PORT=18470
mkdir -p "$S/secrets" "$S/modes"
printf 'noc-secret-%s\n' "$RANDOM$RANDOM" >"$S/secrets/noc"
printf 'inc-secret-%s\n' "$RANDOM$RANDOM" >"$S/secrets/inc"
chmod 600 "$S/secrets"/*
echo slow >"$S/modes/noc"	# a transfer takes a while: timed kills land in it
$py "$top_srcdir/tests/peers/webhook_receiver.py" --port "$HOOK_PORT" --log "$S/requests.log" \
	--secrets "$S/secrets" --modes "$S/modes" >/dev/null 2>&1 &
peers_on_cleanup "kill -9 $!"
disown
wait_port 127.0.0.1 "$HOOK_PORT" || check_fail "the webhook receiver does not start"
for c in sconf dconf; do
	replay_setup "$S/$c" "$L/www" "$L/publish.db"
	for k in $(seq 1 "$replay_steps"); do
		[ "$c" = dconf ] && sed -i 's/^stale_after = 0/stale_after = 0\ndeliver_budget = 0/' "$S/$c/$k.conf"
		printf '\n[subscriber noc]\nwebhook = http://127.0.0.1:%s/hook/noc\nsecret_file = %s\n' \
			"$HOOK_PORT" "$S/secrets/noc" >>"$S/$c/$k.conf"
		printf '\n[subscriber inc]\nwebhook = http://127.0.0.1:%s/hook/inc\nsecret_file = %s\nevents = incidents\n' \
			"$HOOK_PORT" "$S/secrets/inc" >>"$S/$c/$k.conf"
	done
done
sstep() {	# CONFDIR K ENV...: step K of that config
	_c=$1 _k=$2
	shift 2
	{ replay_step "$S/$_c" "$_k" "$W/out" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" "$@"; } 2>/dev/null
}
sdeliver() {	# K ENV...: deliver at step K's time
	_k=$1
	shift
	{ env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" "$@" \
		"$publish" -c "$S/dconf/$_k.conf" deliver --now "@${replay_at[$_k]}" >"$W/out" 2>&1; } 2>/dev/null
}
# the reference with subscribers, and each step's write-side calls in a
# run that delivers and in a deliver after a run that does not
rm -rf "$L" && mkdir -p "$L"
mkdir -p "$S/ref/0"
for k in $(seq 1 "$replay_steps"); do
	rm -rf "$L" && cp -a "$S/ref/$((k - 1))" "$L"
	sstep dconf "$k" || check_fail "step $k without delivery: $(cat "$W/out")"
	t0=$(date +%s%N)
	sdeliver "$k" LD_PRELOAD="$killpoint" KILLPOINT_COUNT="$W/count" || check_fail "deliver after step $k: $(cat "$W/out")"
	ddur_us[$k]=$(( ($(date +%s%N) - t0) / 1000 ))
	dtotal[$k]=$(cat "$W/count")
	rm -rf "$L" && cp -a "$S/ref/$((k - 1))" "$L"
	t0=$(date +%s%N)
	sstep sconf "$k" LD_PRELOAD="$killpoint" KILLPOINT_COUNT="$W/count" || check_fail "step $k with subscribers: $(cat "$W/out")"
	sdur_us[$k]=$(( ($(date +%s%N) - t0) / 1000 ))
	stotal[$k]=$(cat "$W/count")
	cp -a "$L" "$S/ref/$k"
done
spend=$(sqlite3 "file:$L/publish.db?mode=ro" "SELECT count(*) FROM deliveries WHERE state <> 'delivered'")
sposts=$(sqlite3 "file:$L/publish.db?mode=ro" "SELECT count(*) FROM posts")
[ "$spend" = 0 ] && check_ok "reference with subscribers: $sposts posts, every delivery made; write-side calls per run ${stotal[*]}, per deliver ${dtotal[*]}" ||
	check_fail "reference with subscribers: $spend deliveries not delivered"

# every post made since post FROM reached its subscribers at least once, under the store's id
cat >"$S/check.py" <<'PY'
import collections, json, sqlite3, sys
log, db, first = sys.argv[1], sys.argv[2], int(sys.argv[3])
con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
posts = {r[0]: r[1] for r in con.execute("SELECT id, incident FROM posts WHERE id > ? AND retracted_at IS NULL", (first,))}
ids = {(r[0], r[1]): r[2] for r in con.execute("SELECT subscriber, post, id FROM deliveries")}
rows = con.execute("SELECT count(*), count(DISTINCT subscriber || ' ' || post) FROM deliveries").fetchone()
left = con.execute("SELECT count(*) FROM deliveries WHERE state <> 'delivered'").fetchone()[0]
got = collections.defaultdict(set)
problems = []
for line in open(log):
    e = json.loads(line)
    key = (e["name"], e["body"]["post"])
    if not e["sig_ok"] or not e["shape_ok"]:
        problems.append("a bad request: %s" % line[:120])
    if ids.get(key) != e["delivery"]:
        problems.append("%s post %d came with id %s, the store's is %s" % (key + (e["delivery"], ids.get(key))))
    got[e["name"]].add(key[1])
for p, inc in posts.items():
    for name in ["noc"] + (["inc"] if inc else []):
        if p not in got[name]:
            problems.append("%s never got post %d" % (name, p))
if rows[0] != rows[1]:
    problems.append("a post queued twice for one subscriber")
if left:
    problems.append("%d deliveries not delivered" % left)
print("; ".join(problems[:5]))
PY
# after_kill K FIRST: completes what a kill left and checks; echoes problems
after_kill() {
	_k=$1 _first=$2
	check_after_kill
	if [ "$_k" -eq "$maint" ] && [ "$(sqlite3 "file:$L/publish.db?mode=ro" 'SELECT count(*) FROM maintenance' 2>/dev/null)" = 1 ]; then
		:	# the announcement is in the store (what list shows the operator)
	elif ! sstep sconf "$_k"; then
		echo "the step after the kill failed: $(cat "$W/out")"
	fi
	sdeliver "$_k" || echo "deliver after the kill failed: $(cat "$W/out")"
	$py "$S/check.py" "$S/requests.log" "$L/publish.db" "$_first"
}
# every write-side call of the last step's deliver (the most posts), then
# a sample: half in runs, half in deliver (it has far fewer calls)
spoints=()
for n in $(seq 1 "${dtotal[$replay_steps]}"); do spoints+=("deliver:$replay_steps:$n"); done
rall=0 dall=0
for k in $(seq 1 "$replay_steps"); do rall=$((rall + stotal[k])) dall=$((dall + dtotal[k])); done
sall=$((rall + dall))
for k in $(seq 1 "$replay_steps"); do
	for n in $(seq 1 "${stotal[$k]}"); do
		[ $((RANDOM % rall)) -lt $((dpoints / 2)) ] && spoints+=("run:$k:$n")
	done
	for n in $(seq 1 "${dtotal[$k]}"); do
		[ $((RANDOM % dall)) -lt $((dpoints / 2)) ] && spoints+=("deliver:$k:$n")
	done
done
sbad=0 skilled=0 in_deliver=0
for p in "${spoints[@]}"; do
	IFS=: read -r what k n <<<"$p"
	rm -rf "$L" && cp -a "$S/ref/$((k - 1))" "$L"
	first=$(sqlite3 "file:$L/publish.db?mode=ro" 'SELECT coalesce(max(id), 0) FROM posts' 2>/dev/null || echo 0)
	: >"$S/requests.log"
	if [ "$what" = run ]; then
		sstep sconf "$k" LD_PRELOAD="$killpoint" KILLPOINT_AT="$n"
	else
		sstep dconf "$k" || check_fail "step $k: $(cat "$W/out")"
		sdeliver "$k" LD_PRELOAD="$killpoint" KILLPOINT_AT="$n"
	fi
	rc=$?
	[ "$rc" -eq 137 ] || { check_fail "$what of step $k, kill point $n: not killed (exit $rc)"; continue; }
	skilled=$((skilled + 1))
	[ "$what" = deliver ] && in_deliver=$((in_deliver + 1))
	problems=$(after_kill "$k" "$first")
	[ -z "$problems" ] || { sbad=$((sbad + 1)); check_fail "$what of step $k killed at write-side call $n: $problems"; }
done
[ "$sbad" -eq 0 ] && check_ok "with subscribers, killed at $skilled write-side calls ($in_deliver of them in deliver, the others in runs that queue and deliver, of $sall): all valid after each, and after the next run and deliver every post reached each subscriber at least once, under the one id the store holds, none queued twice"
# timed kills: every other one during a run (that queues and delivers),
# the others during a deliver (while the receiver takes its time:
# between a send and its record)
slanded=0 stries=0 sbad=0 sdelivering=0
while [ "$slanded" -lt "$dtimed" ] && [ "$stries" -lt $((4 * dtimed)) ]; do
	k=$((RANDOM % (replay_steps - 1) + 2))	# not the import: it has no posts
	rm -rf "$L" && cp -a "$S/ref/$((k - 1))" "$L"
	first=$(sqlite3 "file:$L/publish.db?mode=ro" 'SELECT coalesce(max(id), 0) FROM posts' 2>/dev/null || echo 0)
	: >"$S/requests.log"
	if [ $((stries % 2)) -eq 0 ]; then
		delay_us=$(( (RANDOM * 32768 + RANDOM) % (sdur_us[k] + 1) ))
		(replay_exec=exec replay_step "$S/sconf" "$k" "$W/out") &
	else
		sstep dconf "$k" || check_fail "step $k: $(cat "$W/out")"
		delay_us=$(( (RANDOM * 32768 + RANDOM) % (ddur_us[k] + 1) ))
		(exec "$publish" -c "$S/dconf/$k.conf" deliver --now "@${replay_at[$k]}" >"$W/out" 2>&1) &
	fi
	pid=$!
	read -r -t "$(printf '%d.%06d' $((delay_us / 1000000)) $((delay_us % 1000000)))" -u 9
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if [ $? -eq 137 ]; then
		slanded=$((slanded + 1))
		[ $((stries % 2)) -eq 1 ] && sdelivering=$((sdelivering + 1))
	fi
	stries=$((stries + 1))
	problems=$(after_kill "$k" "$first")
	[ -z "$problems" ] || { sbad=$((sbad + 1)); check_fail "step $k with subscribers, SIGKILL after ${delay_us}us: $problems"; }
done
[ "$slanded" -ge "$dtimed" ] || check_fail "only $slanded of $stries timed kills landed during a run with subscribers"
[ "$sbad" -eq 0 ] && check_ok "with subscribers, $slanded timed SIGKILLs ($sdelivering of them during a deliver, the others during a run; $stries tries): every post reached each subscriber at least once with one id"
runs=$((runs + 4 * replay_steps + 3 * skilled + 3 * stries))

# --- d. what a kill cannot show: the order of the fsyncs a power cut needs ----
# The whole replay under strace, into a new directory: every file renamed
# into place was fsynced (as its temporary file) before the rename, and
# its directory is fsynced after it; every directory made is fsynced in
# its parent. (SQLite's own syncs are SQLite's business.)
if command -v strace >/dev/null; then
	D=$W/durable
	replay_setup "$W/durable-conf" "$D/www" "$D/publish.db"
	for k in $(seq 1 $steps); do
		# (LeakSanitizer cannot work under ptrace)
		replay_step "$W/durable-conf" "$k" "$W/out" \
			ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -y -qq -o "$W/strace.$k" \
			-e trace=mkdir,mkdirat,fsync,fdatasync,rename,renameat,renameat2 ||
			check_fail "step $k under strace: $(cat "$W/out")"
		runs=$((runs + 1))
	done
	problems=$(cat "$W"/strace.? | $py -c '
import os, re, sys
www = sys.argv[1]
synced, renamed, made, bad = set(), 0, 0, []
pending_dirs = []	# directories that must be fsynced: (what, dir)
for line in sys.stdin:
    m = re.search(r"\b(fsync|fdatasync)\(\d+<([^>]*)>\) = 0", line)
    if m:
        synced.add(m.group(2))
        pending_dirs = [(w, d) for (w, d) in pending_dirs if d != m.group(2)]
        continue
    m = re.search(r"\brename(?:at2?)?\((?:[^,]*, )?\"([^\"]*)\", (?:[^,]*, )?\"([^\"]*)\"\S*\) = 0", line)
    if m and m.group(2).startswith(www):
        renamed += 1
        if m.group(1) not in synced:
            bad.append("%s renamed into place unsynced" % m.group(2))
        pending_dirs.append(("the rename to " + m.group(2), os.path.dirname(m.group(2))))
        continue
    m = re.search(r"\bmkdir(?:at)?\((?:[^,]*, )?\"([^\"]*)\", \S+\) = 0", line)
    if m:
        made += 1
        pending_dirs.append(("the new directory " + m.group(1), os.path.dirname(m.group(1))))
bad += ["%s: %s never fsynced after it" % (w, d) for (w, d) in pending_dirs]
print("%d %d" % (renamed, made))
for b in bad[:6]:
    print(b)
' "$D/www")
	read -r renamed made <<<"$(printf '%s\n' "$problems" | head -n 1)"
	problems=$(printf '%s\n' "$problems" | tail -n +2)
	if [ -z "$problems" ] && [ "${renamed:-0}" -gt 0 ] && [ "${made:-0}" -gt 0 ]; then
		check_ok "durable order: $renamed files fsynced before their rename and their directory after, $made new directories fsynced in their parent"
	else
		check_fail "durable order (${renamed:-0} renames, ${made:-0} mkdirs): $problems"
	fi
else
	echo "note: strace is not installed: the order of the fsyncs is not checked"
fi

echo "figures: $tried kill points tried (of $all write-side calls in $steps steps), $landed timed kills landed ($finished runs ended first), $runs runs of mailstatus-publish, $(( $(date +%s) - started ))s"
[ "$failures" -eq 0 ]
