#!/bin/bash
# mailstatus-publish on a full disk and on a read-only filesystem, in a
# private mount namespace (nothing leaks to the host's mounts): the
# sample's replay (publisher_replay.sh) runs its first six steps, then
# the output directory, or the store's directory, is a tmpfs filled to
# the last block, or a read-only bind mount, and the last step (four new
# posts) runs. It must exit non-zero with a message naming the file and
# the system's reason ("No space left on device", "Read-only file
# system"); every file of the site stays byte for byte what it was (no
# temporary file left); the store passes integrity_check and holds what
# it held (a store fault rolls the run's transaction back; an output
# fault comes after the commit: the message says the next run renders).
# Once the fault is gone, the step run again leaves store and site equal
# to a reference replay's. Then the space runs out at every point of the
# last step: 0, 4, 8... KiB left for it, until it fits.
set -u

publish="$top_builddir/mailstatus-publish"

if [ -z "${DISK_FULL_IN_NS:-}" ]; then
	[ -x "$publish" ] || { echo "FAIL: $publish is not built"; exit 1; }
	[ "$(id -u)" -eq 0 ] || { echo "skip: mounting needs root"; exit 77; }
	command -v sqlite3 >/dev/null || { echo "skip: the sqlite3 CLI is not installed (sqlite3)"; exit 77; }
	unshare -m --propagation private true 2>/dev/null ||
		{ echo "skip (kernel): no private mount namespace here (unshare -m)"; exit 77; }
	DISK_FULL_IN_NS=1 exec unshare -m --propagation private bash "$0"
fi

. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/integration/publisher_replay.sh"
failures=0
peers_workdir publisher-disk-full
W=$PEERS_DIR
trap peers_cleanup EXIT
peers_on_cleanup peers_umount_below
started=$(date +%s)
runs=0

dump() {	# STORE: its contents as SQL, read from a copy off the faulty filesystem
	rm -rf "$W/copy"
	mkdir "$W/copy"
	cp "$1"* "$W/copy/" 2>/dev/null
	sqlite3 "$W/copy/$(basename "$1")" .dump
}

sums() {	# DIR: every file's sha256, by path
	(cd "$1" && find . -type f ! -name filler -print0 | sort -z | xargs -0 sha256sum)
}

# --- the reference: the whole replay, no fault --------------------------------
replay_setup "$W/ref/conf" "$W/ref/www" "$W/ref/publish.db"
last=$replay_steps
for k in $(seq 1 "$last"); do
	replay_step "$W/ref/conf" "$k" "$W/out" || { check_fail "reference step $k: $(cat "$W/out")"; exit 1; }
	runs=$((runs + 1))
done
dump "$W/ref/publish.db" >"$W/ref.dump"
new_posts=$(sqlite3 "$W/copy/publish.db" "SELECT count(*) FROM posts WHERE published_at >= ${replay_at[$last]} - 86400")

# replay_before_last CASE NAME: the replay's steps but the last into the
# case directory CASE (site in CASE/www-fs/www, store in CASE/store-fs),
# then the site's sums and the store's dump in CASE/before.*. Sets _www
# and _store; fails (saying so under NAME) when a step does.
replay_before_last() {
	_www=$1/www-fs/www _store=$1/store-fs/publish.db
	replay_setup "$1/conf" "$_www" "$_store"
	for _k in $(seq 1 $((last - 1))); do
		replay_step "$1/conf" "$_k" "$W/out" || { check_fail "$2: step $_k: $(cat "$W/out")"; return 1; }
		runs=$((runs + 1))
	done
	sums "$_www" >"$1/before.sums"
	dump "$_store" >"$1/before.dump"
}

# fault_case NAME PLACE FAULT: PLACE (www or store) on a filesystem of its
# own, FAULT (full or ro) during the last step.
fault_case() {
	_name=$1 _place=$2 _fault=$3
	_c=$W/$_name
	_mnt=$_c/$_place-fs
	mkdir -p "$_c/www-fs" "$_c/store-fs"
	if [ "$_fault" = full ]; then
		mount -t tmpfs -o size=2m "mailstatus-$_name" "$_mnt" || { check_fail "$_name: cannot mount a tmpfs"; return; }
	else
		mount --bind "$_mnt" "$_mnt" || { check_fail "$_name: cannot bind-mount $_mnt"; return; }
	fi
	replay_before_last "$_c" "$_name" || return

	if [ "$_fault" = full ]; then
		cat /dev/zero >"$_mnt/filler" 2>/dev/null
		_avail=$(df --output=avail -B1 "$_mnt" | tail -n 1 | tr -d ' ')
		[ "$_avail" -eq 0 ] || check_fail "$_name: $_avail bytes still free after filling $_mnt"
		_why="No space left on device"
	else
		mount -o remount,bind,ro "$_mnt" || { check_fail "$_name: cannot make $_mnt read-only"; return; }
		_why="Read-only file system"
	fi
	replay_step "$_c/conf" "$last" "$W/out"
	_rc=$?
	runs=$((runs + 1))
	_msg=$(cat "$W/out")
	if [ "$_place" = www ]; then
		# the page or feed itself, not its temporary file
		_file="cannot write $_www/[^ .][^ ]*\.(html|rss|atom|json|css)( \([^)]*\))?: $_why.*the next run renders again"
	else
		_file="$_store[^ ]*: .*$_why"
	fi
	if [ "$_rc" -ne 0 ] && printf '%s\n' "$_msg" | grep -Eq -- "$_file"; then
		check_ok "$_name: exit $_rc, '$_msg'"
	else
		check_fail "$_name: exit $_rc (want non-zero), want /$_file/: $_msg"
	fi
	sums "$_www" >"$_c/after.sums"
	if cmp -s "$_c/before.sums" "$_c/after.sums"; then
		check_ok "$_name: the $(wc -l <"$_c/before.sums") files of the site are byte for byte as before, no temporary file left"
	else
		check_fail "$_name: the site changed: $(diff "$_c/before.sums" "$_c/after.sums" | head -n 6)"
	fi
	_ic=$(dump "$_store" >"$_c/after.dump"; sqlite3 "$W/copy/publish.db" 'PRAGMA integrity_check' 2>&1)
	if [ "$_place" = store ]; then
		_want=$_c/before.dump _what="as before (the run's transaction rolled back)"
	else
		_want=$W/ref.dump _what="the run's $new_posts posts committed, as in the reference"
	fi
	if [ "$_ic" = ok ] && cmp -s "$_want" "$_c/after.dump"; then
		check_ok "$_name: the store passes integrity_check and holds $_what"
	else
		check_fail "$_name: store: integrity_check '$_ic', $(diff "$_want" "$_c/after.dump" | head -n 6)"
	fi

	if [ "$_fault" = full ]; then
		rm -f "$_mnt/filler"
	else
		mount -o remount,bind,rw "$_mnt"
	fi
	replay_step "$_c/conf" "$last" "$W/out" || check_fail "$_name: the run after the fault failed: $(cat "$W/out")"
	runs=$((runs + 1))
	dump "$_store" >"$_c/final.dump"
	if cmp -s "$W/ref.dump" "$_c/final.dump" && diff -r "$W/ref/www" "$_www" >"$W/diff.out"; then
		check_ok "$_name: once the fault is gone the next run publishes what was due: store and site equal the reference's"
	else
		check_fail "$_name: after the fault: $(diff "$W/ref.dump" "$_c/final.dump" | head -n 4) $(head -n 4 "$W/diff.out")"
	fi
}

# nearly_full PLACE: PLACE (www or store) on a tmpfs with 0, 4, 8... KiB
# left for the last step, until it fits: whatever the point at which the
# space runs out, each site file is either as before or as in the
# reference, the store is either as before or as in the reference, and
# the run after freeing the space catches up.
nearly_full() {
	_place=$1
	_c=$W/nearly-$_place
	_mnt=$_c/$_place-fs
	mkdir -p "$_c/www-fs" "$_c/store-fs"
	mount -t tmpfs -o size=4m "mailstatus-nearly-$_place" "$_mnt" ||
		{ check_fail "nearly full $_place: cannot mount a tmpfs"; return; }
	replay_before_last "$_c" "nearly full $_place" || return
	cp -a "$_mnt" "$_c/saved"
	sums "$W/ref/www" >"$_c/ref.sums"
	_tries=0 _failed=0 _bad=0 _kib=0
	while [ "$_kib" -le 512 ]; do
		find "$_mnt" -mindepth 1 -delete
		cp -a "$_c/saved/." "$_mnt/"
		cat /dev/zero >"$_mnt/filler" 2>/dev/null
		truncate -s "-${_kib}K" "$_mnt/filler"
		replay_step "$_c/conf" "$last" "$W/out"
		_rc=$?
		runs=$((runs + 1)) _tries=$((_tries + 1))
		_problems=$(
			if [ "$_rc" -ne 0 ]; then
				grep -q "No space left on device" "$W/out" ||
					echo "exit $_rc without 'No space left on device': $(cat "$W/out")"
			fi
			# each file as before or as in the reference (same path, same sha256)
			sums "$_www" | while read -r _sum _path; do
				grep -qxF "$_sum  $_path" "$_c/before.sums" || grep -qxF "$_sum  $_path" "$_c/ref.sums" ||
					echo "$_path is neither the old nor the new file"
			done
			find "$_mnt" -name '.*' -type f -printf 'left behind: %P\n'
			_ic=$(dump "$_store" >"$_c/after.dump"; sqlite3 "$W/copy/publish.db" 'PRAGMA integrity_check' 2>&1)
			[ "$_ic" = ok ] || echo "integrity_check: $_ic"
			cmp -s "$_c/after.dump" "$_c/before.dump" || cmp -s "$_c/after.dump" "$W/ref.dump" ||
				echo "the store is neither as before nor as in the reference"
		)
		rm -f "$_mnt/filler"
		if [ "$_rc" -ne 0 ]; then
			replay_step "$_c/conf" "$last" "$W/out" || _problems="$_problems; the run after freeing space failed: $(cat "$W/out")"
			runs=$((runs + 1))
		fi
		dump "$_store" >"$_c/final.dump"
		cmp -s "$W/ref.dump" "$_c/final.dump" && diff -r "$W/ref/www" "$_www" >/dev/null ||
			_problems="$_problems; store or site differ from the reference at the end"
		if [ -n "$_problems" ]; then
			_bad=$((_bad + 1))
			check_fail "nearly full $_place, ${_kib} KiB free: $_problems"
		fi
		[ "$_rc" -eq 0 ] && break
		_failed=$((_failed + 1))
		_kib=$((_kib + 4))
	done
	if [ "$_bad" -eq 0 ] && [ "$_rc" -eq 0 ] && [ "$_failed" -gt 0 ]; then
		check_ok "nearly full $_place: $_failed runs short of space (0 to $((_kib - 4)) KiB free) failed cleanly, each file old or new, store old or new, and caught up; ${_kib} KiB was enough"
	elif [ "$_bad" -eq 0 ]; then
		check_fail "nearly full $_place: $_failed runs failed, the last exit $_rc (want some failures, then a success)"
	fi
}

fault_case www-full www full
fault_case store-full store full
fault_case www-readonly www ro
fault_case store-readonly store ro
nearly_full www
nearly_full store

echo "figures: 4 faults, 2 sweeps of free space, $runs runs of mailstatus-publish, $(( $(date +%s) - started ))s"
[ "$failures" -eq 0 ]
