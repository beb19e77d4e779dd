#!/bin/bash
# The plugins' privileges.
#
#  (a) They need no root where the job does not: check_greylist,
#      check_storage_mount (write test included) and check_webmail_send
#      run as nobody. A permission nobody lacks (a vmail-owned mode 0700
#      store) is UNKNOWN naming the path, the user and the fix. check_mail_queue as nobody (and with
#      cap_dac_read_search) is 31-check-mail-queue-privileges.sh's.
#  (b) They write nothing but their own probe files: each runs as root
#      under strace, and tests/integration/strace_writes.py lists every
#      call that creates, opens for writing, renames, removes, links,
#      truncates or changes the mode, owner or times of a path. Allowed:
#        check_greylist, check_mail_queue, check_webmail_send: nothing
#        check_storage_mount: .mailstatus-write-test.* in the write-test
#          directory (created O_EXCL|O_NOFOLLOW), and the state directory
#          (--state-dir) with the files in it
#  (c) Symlinks planted where check_storage_mount writes, pointing at a
#      victim outside: the write-test directory itself, a directory on
#      the way to it, the state directory (given and default) and the
#      state file. The plugin refuses or replaces the link, never writes
#      through it: the victim's checksum, size and mtime stay.
# Ports 16500-16599.
set -u
if [ -z "${PRIV_IN_NS:-}" ]; then
	[ "$(id -u)" -eq 0 ] || { echo "skip: needs root (mounts, runuser, strace of root)"; exit 77; }
	for need in strace runuser python3 sha256sum; do
		command -v $need >/dev/null || { echo "skip: $need is not installed"; exit 77; }
	done
	unshare -m -p --fork --mount-proc --propagation private true 2>/dev/null ||
		{ echo "skip: no private mount and PID namespace here (unshare -m -p)"; exit 77; }
	# PID 1 in there reaps a probe the plugin leaves behind on a hung mount
	PRIV_IN_NS=1 exec unshare -m -p --fork --mount-proc --propagation private bash "$0"
fi

. "$top_srcdir/tests/peers/common.sh"
failures=0
fakepeer=$top_builddir/tests/fakepeer
hangfs=$top_builddir/tests/hangfs
audit=$top_srcdir/tests/integration/strace_writes.py
[ -x "$fakepeer" ] || { echo "FAIL: $fakepeer is not built (make check builds it)"; exit 1; }

peers_workdir privileges
W=$PEERS_DIR
trap peers_cleanup EXIT
peers_on_cleanup peers_umount_below
# LeakSanitizer cannot run under ptrace (strace): the traced runs go without it
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

# The plugins as nobody sees them: copies outside the build tree.
mkdir -p "$W/bin"
for p in check_greylist check_mail_queue check_storage_mount check_webmail_send; do
	install -m 755 "$top_builddir/plugins/$p" "$W/bin/$p"
done
B=$W/bin
as_nobody() { runuser -u nobody -- "$@"; }

fake() { fake_peer "$@"; }	# tests/peers/common.sh

# A tmpfs as the mail storage: the sentinel, a write-test directory of
# nobody's and one of root's; state directories of each.
S=$W/store
mkdir -p "$S" && mount -t tmpfs -o size=16m,mode=755 privtest-store "$S" ||
	{ echo "FAIL: cannot mount a tmpfs"; exit 1; }
printf 'array-a\n' >"$S/.mailstore"
mkdir -m 700 "$S/spool" "$S/rootonly" && chown nobody "$S/spool"
mkdir -m 700 "$W/state" "$W/state-nobody" && chown nobody "$W/state-nobody"

# The victim every planted symlink points at; fingerprint: checksum, size,
# mtime (ns) and the directory's entries.
V=$W/victim
mkdir -m 755 "$V"
printf 'precious: must never be written by a plugin\n' >"$V/precious"
touch -d '2020-01-01 00:00:00' "$V/precious"
victim_print() { (cd "$V" && ls -A && sha256sum precious && stat -c '%s %.9Y %i' precious); }
victim_before=$(victim_print)
victim_intact() {
	if [ "$(victim_print)" = "$victim_before" ]; then
		check_ok "$1: the victim is unchanged ($(sha256sum <"$V/precious" | cut -c1-16)..., $(ls -A "$V" | wc -l) entries)"
	else
		check_fail "$1: the victim changed: $(victim_print | tr '\n' ' ')"
	fi
}

# ------------------------------------------------- (a) as nobody, no root needed
fake 16500 request 'send:action=DEFER_IF_PERMIT Greylisted, see http://example.net/\n\n' hang
expect_plugin "as nobody: check_greylist, policy mode" 0 '^GREYLIST OK - new triplet deferred \(action=DEFER_IF_PERMIT ' \
	as_nobody "$B/check_greylist" -H 127.0.0.1 -p 16500
SMTP_SCRIPT=('send:220 fake.example.net ESMTP\r\n' line 'send:250 fake.example.net\r\n'
	line 'send:250 2.1.0 Ok\r\n' line 'send:450 4.2.0 <a@example.net>: Greylisted\r\n'
	line 'send:250 2.0.0 Ok\r\n' line 'send:221 2.0.0 Bye\r\n')
fake 16501 "${SMTP_SCRIPT[@]}"
expect_plugin "as nobody: check_greylist, smtp mode" 0 '^GREYLIST OK - new triplet deferred \(450 4\.2\.0 ' \
	as_nobody "$B/check_greylist" --mode=smtp -H 127.0.0.1 -p 16501 --recipient=a@example.net
SM=(--sentinel=.mailstore --sentinel-content=array-a --rw)
expect_plugin "as nobody: check_storage_mount with a write test in nobody's directory" 0 \
	"^STORAGE_MOUNT OK - $S: tmpfs from privtest-store, rw, .*write test" \
	as_nobody "$B/check_storage_mount" --state-dir="$W/state-nobody" -p "$S" "${SM[@]}" --write-test=spool
left=$(find "$S" -name '.mailstatus-write-test*' | wc -l)
[ "$left" -eq 0 ] && check_ok "no write-test file left behind" || check_fail "$left write-test files left"
# A permission the check lacks is its own trouble, not the storage's:
# UNKNOWN naming the path, the user and what to change, never CRITICAL.
expect_plugin "as nobody: a write-test directory nobody may not write to is UNKNOWN" 3 \
	"^STORAGE_MOUNT UNKNOWN - $S write test not allowed by user nobody: $S/rootonly is mode 0700, owner root, group root, which gives nobody no write and search \(wx\) permission: grant it \(setfacl -m u:nobody:wx $S/rootonly\) or run the check as a user who may; 0 of 1 mount OK" \
	as_nobody "$B/check_storage_mount" --state-dir="$W/state-nobody" -p "$S" --write-test=rootonly
# A vmail-owned store of mode 0700 (a real tmpfs mounted so): the sentinel
# is there, nobody may not look. It was CRITICAL "sentinel is missing".
V7=$W/vmail-store
mkdir -p "$V7" && mount -t tmpfs -o size=4m,mode=700,uid=5000,gid=5000 privtest-vmail "$V7" ||
	check_fail "cannot mount the vmail-owned tmpfs"
printf 'array-a\n' >"$V7/.mailstore" && chown 5000:5000 "$V7/.mailstore" && chmod 600 "$V7/.mailstore"
mkdir -m 700 "$V7/spool" && chown 5000:5000 "$V7/spool"
expect_plugin "as nobody: the sentinel in a mode 0700 store of another user is UNKNOWN" 3 \
	"^STORAGE_MOUNT UNKNOWN - $V7 sentinel \.mailstore not readable by user nobody: $V7 is mode 0700, owner [^,]+, group [^,]+, which gives nobody no search \(x\) permission: grant it \(setfacl -m u:nobody:x $V7\) or run the check as a user who may; 0 of 1 mount OK" \
	as_nobody "$B/check_storage_mount" --state-dir="$W/state-nobody" -p "$V7" --sentinel=.mailstore
case $_out in *missing*|*"may be empty"*) check_fail "a permission problem read as an empty mount: $_out" ;;
	*) check_ok "no word of a missing sentinel or an empty mount" ;; esac
expect_plugin "as nobody: the write test in that store is UNKNOWN too" 3 \
	"^STORAGE_MOUNT UNKNOWN - $V7 write test not allowed by user nobody: $V7 is mode 0700, .* which gives nobody no search \(x\) permission: grant it \(setfacl -m u:nobody:x $V7\)" \
	as_nobody "$B/check_storage_mount" --state-dir="$W/state-nobody" -p "$V7" --write-test=spool
chmod 711 "$V7"
expect_plugin "as nobody: searchable store, sentinel of mode 0600: the file is named" 3 \
	"^STORAGE_MOUNT UNKNOWN - $V7 sentinel \.mailstore not readable by user nobody: $V7/\.mailstore is mode 0600, owner [^,]+, group [^,]+, which gives nobody no read \(r\) permission: grant it \(setfacl -m u:nobody:r $V7/\.mailstore\)" \
	as_nobody "$B/check_storage_mount" --state-dir="$W/state-nobody" -p "$V7" --sentinel=.mailstore
if command -v setfacl >/dev/null 2>&1; then
	setfacl -m u:nobody:r "$V7/.mailstore" && setfacl -m u:nobody:wx "$V7/spool"
	expect_plugin "as nobody: after the change the message asks for, OK" 0 \
		"^STORAGE_MOUNT OK - $V7: tmpfs from privtest-vmail, rw, .*write test" \
		as_nobody "$B/check_storage_mount" --state-dir="$W/state-nobody" -p "$V7" \
		--sentinel=.mailstore --sentinel-content=array-a --write-test=spool
else
	chmod 644 "$V7/.mailstore" && chmod 733 "$V7/spool"
	expect_plugin "as nobody: after opening the modes, OK (no setfacl here)" 0 \
		"^STORAGE_MOUNT OK - $V7: tmpfs from privtest-vmail, rw, .*write test" \
		as_nobody "$B/check_storage_mount" --state-dir="$W/state-nobody" -p "$V7" \
		--sentinel=.mailstore --sentinel-content=array-a --write-test=spool
fi
rm -f "$V7/.mailstore"
expect_plugin "as nobody: a sentinel truly missing is still CRITICAL" 2 \
	"^STORAGE_MOUNT CRITICAL - $V7 sentinel \.mailstore is missing \(No such file or directory\)" \
	as_nobody "$B/check_storage_mount" --state-dir="$W/state-nobody" -p "$V7" --sentinel=.mailstore
expect_plugin "as nobody: check_webmail_send -V" 3 '^check_webmail_send \(mailstatus\) [0-9]' \
	as_nobody "$B/check_webmail_send" -V
expect_plugin "as nobody: check_webmail_send --help" 3 '^Usage: check_webmail_send ' \
	as_nobody "$B/check_webmail_send" --help
printf 'pw\n' >"$W/pw" && chown nobody "$W/pw" && chmod 600 "$W/pw"
fake 16502 request 'send:HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 27\r\n\r\n<html><p>no form</p></html>' close
WEB=(-u probe@example.net --password-file="$W/pw" --url=http://127.0.0.1:16502/
	--imap-url=imap://127.0.0.1:16599/INBOX -t 8 --delivery-timeout=3s)
expect_plugin "as nobody: check_webmail_send reaches the webmail" 3 \
	'^WEBMAIL_SEND UNKNOWN - the roundcube flow broke while loading the login page http://127\.0\.0\.1:16502/: .*no Roundcube login form' \
	as_nobody "$B/check_webmail_send" "${WEB[@]}"
echo "note: check_mail_queue as nobody, with and without cap_dac_read_search: 31-check-mail-queue-privileges.sh"

# --------------------------------------------- (b) what a plugin writes, as root
TRACE=%file,%process,write,writev,pwrite64,pwritev,pwritev2,ftruncate,fchmod,fchown,fallocate
# trace COMMAND...: runs COMMAND as root in $W under strace (following its
# children unless STRACE_FOLLOW is set empty), its output through a pipe (a
# write to a redirected file would count); its status
trace() {
	(cd "$W" && ASAN_OPTIONS=detect_leaks=0 strace ${STRACE_FOLLOW--f} -y -qq -e trace=$TRACE \
		-o "$W/strace.log" "$@" 2>&1 | cat >"$W/traced.out"; exit "${PIPESTATUS[0]}")
}
# traced NAME WANT-EXIT ALLOWED-REGEX... -- COMMAND...: checks the exit
# status of COMMAND under strace and that it writes only ALLOWED paths
traced() {
	local name=$1 want=$2 allowed=() rc audit_rc n
	shift 2
	while [ "$1" != -- ]; do allowed+=("$1"); shift; done
	shift
	trace "$@"
	rc=$?
	python3 "$audit" "$W/strace.log" "$W" "${allowed[@]}" >"$W/writes.txt"
	audit_rc=$?
	n=$(grep -c . "$W/writes.txt")
	if [ "$rc" -ne "$want" ]; then
		check_fail "$name: exit $rc, want $want: $(head -c 400 "$W/traced.out")"
	elif [ "$audit_rc" -ne 0 ]; then
		check_fail "$name: writes outside its own files: $(grep '^DENIED' "$W/writes.txt" | head -n 5 | tr '\n' ';')"
	else
		check_ok "$name (exit $rc): $n writing calls, all on its own files$(cut -d' ' -f2 "$W/writes.txt" | sort | uniq -c | awk '{ printf "%s %s %s", NR == 1 ? " (" : ",", $1, $2 } END { if (NR) print ")" }')"
	fi
}

# the audit must see a write where there is one, or every check below passes
trace touch "$W/outside"
if ! python3 "$audit" "$W/strace.log" "$W" >"$W/writes.txt" &&
	grep -Eq "^DENIED (openat|utimensat) $W/outside( |$)" "$W/writes.txt"; then
	check_ok "the audit catches touch writing outside: $(grep -m 1 '^DENIED' "$W/writes.txt")"
else
	check_fail "the audit missed touch's write: $(cat "$W/writes.txt")"
fi

traced "strace: check_greylist, policy mode" 0 -- "$B/check_greylist" -H 127.0.0.1 -p 16500
traced "strace: check_greylist, smtp mode" 0 -- \
	"$B/check_greylist" --mode=smtp -H 127.0.0.1 -p 16501 --recipient=a@example.net

mq=$W/mq
mkdir -p "$mq/etc" "$mq/bin"
for d in maildrop incoming active deferred hold corrupt pid; do mkdir -p "$mq/spool/$d"; done
printf 'queue_directory = %s\n' "$mq/spool" >"$mq/etc/main.cf"
# a live master: it holds the lock on master.pid, as Postfix's does
(exec 9>>"$mq/spool/pid/master.pid" && flock -x 9 && exec sleep 600) &
master=$!
peers_on_cleanup "kill $master"
printf '%10d\n' "$master" >"$mq/spool/pid/master.pid"
for _ in $(seq 50); do	# until it holds the lock
	flock -n -s "$mq/spool/pid/master.pid" true || break
	sleep 0.1
done
printf '#!/bin/sh\necho %s\n' \
	"'{\"queue_name\": \"deferred\", \"queue_id\": \"4jZJw06cBkz1bYNM\", \"arrival_time\": 1795609920, \"message_size\": 266, \"recipients\": []}'" \
	>"$mq/bin/postqueue"
chmod 755 "$mq/bin/postqueue"
traced "strace: check_mail_queue, the spool" 0 -- "$B/check_mail_queue" --config-dir="$mq/etc" --method=spool
traced "strace: check_mail_queue, postqueue -j" 0 -- \
	env PATH="$mq/bin:$PATH" "$B/check_mail_queue" --config-dir="$mq/etc" --method=command

traced "strace: check_webmail_send" 3 -- "$B/check_webmail_send" "${WEB[@]}"

probe_file="$S/spool/\\.mailstatus-write-test\\.[^/]+"
state_files="$W/state(/[^/]+)?"
traced "strace: check_storage_mount, write test and state directory" 0 "$probe_file" "$state_files" -- \
	"$B/check_storage_mount" --state-dir="$W/state" -p "$S" "${SM[@]}" --write-test=spool
if grep -Eq "^allowed openat $probe_file .*O_CREAT\|O_EXCL\|O_NOFOLLOW" "$W/writes.txt" &&
	grep -Eq "^allowed unlinkat $probe_file" "$W/writes.txt"; then
	check_ok "the probe file is created with O_CREAT|O_EXCL|O_NOFOLLOW and removed: $(grep -m 1 '^allowed openat' "$W/writes.txt")"
else
	check_fail "the probe file's open and removal: $(cat "$W/writes.txt")"
fi

# -------------------------------------------------- (c) planted symlinks, as root
ln -s "$V" "$S/link"
expect_plugin "symlink: the write-test directory is a symlink to a directory outside" 2 \
	"^STORAGE_MOUNT CRITICAL - $S write test failed at opening the directory in link: Too many levels of symbolic links \(symlinks are not followed\)" \
	"$B/check_storage_mount" --state-dir="$W/state" -p "$S" --write-test=link
victim_intact "write-test directory symlink"
mkdir -p "$S/real/spool"
ln -s "$S/real" "$S/hop"
expect_plugin "symlink: a directory on the way, on the same filesystem" 2 \
	"^STORAGE_MOUNT CRITICAL - $S write test failed at opening the directory in hop/spool: Too many levels of symbolic links" \
	"$B/check_storage_mount" --state-dir="$W/state" -p "$S" --write-test=hop/spool
ln -s "$S/real/spool" "$S/samefs"
expect_plugin "symlink: the write-test directory links to one on the same filesystem" 2 \
	"^STORAGE_MOUNT CRITICAL - $S write test failed at opening the directory in samefs: Too many levels of symbolic links" \
	"$B/check_storage_mount" --state-dir="$W/state" -p "$S" --write-test=samefs
[ -z "$(ls -A "$S/real/spool")" ] && check_ok "nothing was written through hop/ or samefs" ||
	check_fail "written through a symlink: $(ls -A "$S/real/spool")"

ln -s "$V" "$W/statelink"
expect_plugin "symlink: --state-dir is a symlink" 0 \
	"^cannot open the state directory $W/statelink: Not a directory \(it must be a directory, not a symlink\)" \
	"$B/check_storage_mount" --state-dir="$W/statelink" -p "$S"
victim_intact "--state-dir symlink"
# the default state directory, planted ahead of root's first run (/var/tmp
# is a directory of the test's here, in this mount namespace only)
mkdir -p "$W/vartmp" && chmod 1777 "$W/vartmp" && mount --bind "$W/vartmp" /var/tmp &&
	runuser -u nobody -- ln -s "$V" /var/tmp/mailstatus-0
expect_plugin "symlink: the default state directory /var/tmp/mailstatus-0 planted by nobody" 0 \
	'^cannot open the state directory /var/tmp/mailstatus-0: Not a directory \(it must be a directory, not a symlink\)' \
	"$B/check_storage_mount" -p "$S"
victim_intact "default state directory symlink"
umount /var/tmp

# The state file: written only for a probe stuck on a hung mount (FUSE
# tests/hangfs), as a temporary file renamed over the record's name.
if [ -x "$hangfs" ] && [ -e /dev/fuse ]; then
	H=$W/hung
	mkdir -p "$H"
	echo ok >"$W/control"
	"$hangfs" "$W/control" "$H" 2>"$W/hangfs.log" &
	fuse_pid=$!
	peers_on_cleanup "echo ok >'$W/control'; umount -l '$H'; stop_pid $fuse_pid"
	for _ in $(seq 50); do grep -q " $H " /proc/self/mountinfo && break; sleep 0.1; done
	record=$(python3 -c 'import sys
h = 0xcbf29ce484222325
for b in sys.argv[1].encode():
    h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
print("storage-mount-%016x.probe" % h)' "$H")
	ln -s "$V/precious" "$W/state/$record"
	echo hang >"$W/control"
	expect_plugin "symlink: the state file of a hung mount is a symlink to the victim" 2 \
		"^STORAGE_MOUNT CRITICAL - $H not responding after 1\.5s" \
		"$B/check_storage_mount" --state-dir="$W/state" -t 3 --probe-timeout=1.5 -p "$H"
	victim_intact "state file symlink"
	if [ -f "$W/state/$record" ] && [ ! -L "$W/state/$record" ] &&
		head -n 1 "$W/state/$record" | grep -q '^mailstatus-probe 1$'; then
		check_ok "the record replaced the symlink (a file of its own, not written through the link)"
	else
		check_fail "the state file: $(ls -la "$W/state")"
	fi
	expect_plugin "the next run reads its own record" 2 \
		"^STORAGE_MOUNT CRITICAL - $H still not responding: a probe started [0-9]+s ago is stuck" \
		"$B/check_storage_mount" --state-dir="$W/state" -t 3 -p "$H"
	# the stuck run again, under strace: its writes are the state directory's.
	# Not following the probe: strace would wait for it, stuck in the kernel.
	echo ok >"$W/control"
	sleep 0.5
	rm -f "$W/state/$record"
	echo hang >"$W/control"
	STRACE_FOLLOW= trace "$B/check_storage_mount" --state-dir="$W/state" -t 3 --probe-timeout=1.5 -p "$H"
	python3 "$audit" "$W/strace.log" "$W" "$state_files" >"$W/writes.txt" &&
		grep -q "^allowed renameat $W/state/$record" "$W/writes.txt" &&
		check_ok "strace: a stuck probe's record: $(grep -c . "$W/writes.txt") writing calls, all in the state directory, renamed into place" ||
		check_fail "strace of the stuck run: $(tr '\n' ';' <"$W/writes.txt") output: $(head -c 300 "$W/traced.out")"
	echo ok >"$W/control"
else
	echo "skip: tests/hangfs is not built or no /dev/fuse: the state file symlink is not tested"
fi

[ "$failures" -eq 0 ]
