#!/bin/bash
# check_storage_mount against real mounts, in a private mount and PID
# namespace (the host's mounts never change; everything vanishes with the
# namespace): tmpfs and bind mounts for mounted / not mounted / wrong type
# / wrong source / read-only (superblock and per-mount) / full / sentinel /
# write test / fstab; a loop-mounted ext4 with a recorded error; direct
# and indirect automounts (automount, in a namespace of its own); and the
# FUSE filesystem tests/hangfs as a storage server that hangs or fails:
# CRITICAL within -t while the call is still blocked, the stuck probe
# remembered instead of piled up, and gone (no zombie) once it can exit.
set -u

plugin="$top_builddir/plugins/check_storage_mount"
hangfs="$top_builddir/tests/hangfs"

if [ -z "${STORAGE_MOUNT_IN_NS:-}" ]; then
	[ -x "$plugin" ] || { echo "skip: $plugin is not built"; exit 77; }
	[ "$(id -u)" -eq 0 ] || { echo "skip: mounting needs root"; exit 77; }
	unshare -m -p --fork --mount-proc --propagation private true 2>/dev/null ||
		{ echo "skip (kernel): no private mount and PID namespace here (unshare -m -p)"; exit 77; }
	# bash is PID 1 in there: it reaps what the plugin leaves behind, as init would
	STORAGE_MOUNT_IN_NS=main unshare -m -p --fork --mount-proc --propagation private bash "$0"
	main=$?
	# automount refuses to run in a PID namespace: its part has a mount namespace only
	STORAGE_MOUNT_IN_NS=autofs unshare -m --propagation private bash "$0"
	autofs=$?
	[ "$main" -eq 0 ] && { [ "$autofs" -eq 0 ] || [ "$autofs" -eq 77 ]; }
	exit
fi

. "$top_srcdir/tests/peers/common.sh"
failures=0
peers_workdir storage-mount
W=$PEERS_DIR
M=$W/mnt
mkdir -p "$M" "$W/state"
chmod 700 "$W/state"
trap 'peers_cleanup' EXIT

# Unmounts everything below the work directory, deepest first, so that its
# removal (shared /tmp) removes the mount points too. Registered first: runs last.
peers_on_cleanup peers_umount_below

now_ms() { date +%s%3N; }

# sm NAME WANT-EXIT REGEX ARGS...: the plugin with a private state directory.
sm() {
	_n=$1 _w=$2 _r=$3
	shift 3
	expect_plugin "$_n" "$_w" "$_r" "$plugin" --state-dir="$W/state" "$@"
}

# --- autofs: a direct and an indirect automount of a bind mount ---------------
if [ "$STORAGE_MOUNT_IN_NS" = autofs ]; then
	command -v automount >/dev/null || { echo "skip: no automount (Debian: apt-get install autofs)"; exit 77; }
	mkdir -p "$W/src" "$M/auto" "$M/ind"
	echo array-a >"$W/src/.mailstore"
	printf '/- %s/auto.direct\n%s %s/auto.indirect\n' "$W" "$M/ind" "$W" >"$W/auto.master"
	printf '%s -fstype=bind :%s\n' "$M/auto" "$W/src" >"$W/auto.direct"
	printf 'host -fstype=bind :%s\n' "$W/src" >"$W/auto.indirect"
	# a process group of its own: autofs never mounts for the daemon's own group
	setsid automount -f -t 60 -p "$W/automount.pid" "$W/auto.master" >"$W/automount.log" 2>&1 &
	peers_on_cleanup "stop_pid $!"
	for _ in $(seq 50); do
		grep -q " $M/ind .* - autofs " /proc/self/mountinfo && break
		sleep 0.1
	done
	# Some kernels (small VMs' among them) are built without autofs: then
	# automount cannot start, and there is nothing for the plugin to see.
	if ! grep -q " $M/ind .* - autofs " /proc/self/mountinfo && ! grep -qw autofs /proc/filesystems; then
		echo "skip (kernel): this kernel has no autofs; automount said: $(head -c 300 "$W/automount.log")"
		exit 77
	fi
	sm "idle automount accepted" 0 "^STORAGE_MOUNT OK - $M/auto: idle automount, not triggered$" -p "$M/auto" --autofs-idle-ok
	grep -q " $M/auto .* - autofs " /proc/self/mountinfo && ! grep -q " $M/auto .* - ext4\| $M/auto .* - tmpfs" /proc/self/mountinfo &&
		check_ok "--autofs-idle-ok did not trigger the mount" || check_fail "the automount was triggered: $(grep " $M/auto " /proc/self/mountinfo)"
	sm "direct automount triggered by the probe" 0 "^STORAGE_MOUNT OK - $M/auto: [a-z0-9]+ from " -p "$M/auto" --sentinel=.mailstore --sentinel-content=array-a --rw
	sm "indirect automount triggered by the probe" 0 "^STORAGE_MOUNT OK - $M/ind/host: [a-z0-9]+ from " -p "$M/ind/host" --sentinel=.mailstore
	sm "indirect automount with no map entry" 2 "CRITICAL - $M/ind/nohost automount failed: No such file or directory" -p "$M/ind/nohost"
	[ "$failures" -eq 0 ]
	exit
fi

mount_tmpfs() { # DIR SOURCE [OPTIONS]
	mkdir -p "$1"
	mount -t tmpfs -o "size=${3:-8m}" "$2" "$1"
}

# --- usage and unreadable input: UNKNOWN with what to fix -------------------
sm "no mount point" 3 'UNKNOWN - nothing to check: name mount points with -p or use --fstab'
sm "relative path" 3 "UNKNOWN - -p needs an absolute path without '..', not 'srv/mail'" -p srv/mail
sm "sentinel outside the mount" 3 "UNKNOWN - --sentinel needs a path relative" -p / --sentinel=../etc/passwd
sm "probe timeout too long" 3 'UNKNOWN - --probe-timeout \(5s\) must be shorter than -t \(3s\)' -p / -t 3 --probe-timeout=5
sm "bad limit" 3 "UNKNOWN - invalid limit '10x' for --free-warning: unknown unit 'x'" -p / --free-warning=10x
sm "missing fstab" 3 "UNKNOWN - cannot read $W/nofstab: No such file or directory \(give a readable --fstab-file\)" --fstab --fstab-file="$W/nofstab"
sm "--type without --fstab" 3 'UNKNOWN - --type filters --fstab entries' -p / --type=nfs

# --- mounted, and the right thing ---------------------------------------------
mount_tmpfs "$M/mail" smtest-mail
mkdir -p "$M/empty"
echo "array-a" >"$M/empty/.mailstore" # the directory underneath has a sentinel too
sm "tmpfs mounted" 0 "^STORAGE_MOUNT OK - $M/mail: tmpfs from smtest-mail, rw, answered in .* \| '?$M/mail_used=[0-9]+B;;;0;[0-9]+ .*_latency=[0-9.]+s;;8;0" -p "$M/mail"
sm "not mounted" 2 "^STORAGE_MOUNT CRITICAL - $M/empty not mounted \(the directory underneath is what users would see\); 1 of 2 mounts OK" \
	-p "$M/mail" -p "$M/empty"
sm "not mounted, though the directory underneath has the sentinel" 2 "CRITICAL - $M/empty not mounted .*; 0 of 1 mount OK" \
	-p "$M/empty" --sentinel=.mailstore
sm "a path that does not exist" 2 "^STORAGE_MOUNT CRITICAL - $M/nothing does not exist \(not mounted, and no directory there\); 1 of 2 mounts OK" \
	-p "$M/mail" -p "$M/nothing"
sm "a path below a file does not exist either" 2 "CRITICAL - $M/empty/.mailstore/x does not exist" \
	-p "$M/empty/.mailstore/x"
# -p naming a file or a symlink is the command line's trouble: UNKNOWN,
# and no word of "the directory underneath"
sm "-p on a regular file" 3 "^STORAGE_MOUNT UNKNOWN - $M/empty/.mailstore is a regular file, not a mount point: give -p the directory the storage is mounted on, as /proc/self/mountinfo lists it; 0 of 1 mount OK$" \
	-p "$M/empty/.mailstore"
case $_out in *underneath*) check_fail "-p on a file spoke of the directory underneath" ;; *) check_ok "-p on a file: no directory underneath" ;; esac
ln -s "$M/mail" "$W/via-link"
sm "-p through a symlink to the mount" 3 "^STORAGE_MOUNT UNKNOWN - $W/via-link is a symlink, not a mount point: give -p the directory" \
	-p "$W/via-link"
sm "trailing slash and dots" 0 "OK - $M/mail: tmpfs" -p "$M/./mail/"
sm "right type and source" 0 "OK - $M/mail: tmpfs from smtest-mail" -p "$M/mail" --fstype=nfs,tmpfs --source=smtest-mail
sm "wrong type" 2 "CRITICAL - $M/mail is tmpfs, expected nfs4" -p "$M/mail" --fstype=nfs4
sm "wrong source" 2 "CRITICAL - $M/mail mounted from smtest-mail, expected filer2:/export/mail" -p "$M/mail" --source=filer2:/export/mail

# a mount stacked on top is what users see
mount_tmpfs "$M/mail" smtest-over
sm "stacked mounts: the top one" 2 "mounted from smtest-over, expected smtest-mail" -p "$M/mail" --source=smtest-mail
umount "$M/mail"

# --- read-only -----------------------------------------------------------------
mount_tmpfs "$M/ro" smtest-ro
mount -o remount,ro "$M/ro"
sm "read-only superblock" 2 "CRITICAL - $M/ro read-only: the filesystem itself is read-only" -p "$M/ro" --rw
sm "read-only accepted without --rw" 0 "OK - $M/ro: tmpfs from smtest-ro, ro," -p "$M/ro"
mkdir -p "$M/bindro"
mount --bind "$M/mail" "$M/bindro"
mount -o remount,bind,ro "$M/bindro"
sm "read-only bind mount" 2 "CRITICAL - $M/bindro read-only: mounted read-only" -p "$M/bindro" --rw
sm "write test on read-only" 2 "write test failed at create: Read-only file system" -p "$M/ro" --write-test

# --- space and inodes, as df counts them -----------------------------------------
mount_tmpfs "$M/full" smtest-full 1m
dd if=/dev/zero of="$M/full/fill" bs=64k 2>/dev/null
df_pct=$(df --output=pcent "$M/full" | tail -n 1 | tr -dc 0-9)
sm "full filesystem" 2 "CRITICAL - $M/full 0 B free of 1.0 MiB \(${df_pct}% used\), below 102.4 KiB" -p "$M/full" --free-critical=10%
rm -f "$M/full/fill"
dd if=/dev/zero of="$M/full/fill" bs=1k count=950 2>/dev/null
# what df says, in the plugin's words
df_free=$(df -B1 --output=avail "$M/full" | tail -n 1 | awk '{ printf "%.1f KiB", $1 / 1024 }')
df_pct=$(df --output=pcent "$M/full" | tail -n 1 | tr -dc 0-9)
sm "free space warning by size, as df counts" 1 "WARNING - $M/full $df_free free of 1.0 MiB \(${df_pct}% used\), below 100.0 KiB" -p "$M/full" --free-warning=100K --free-critical=10K
sm "free space perfdata thresholds" 1 "_used=[0-9]+B;946176;1038336;0;1048576 " -p "$M/full" --free-warning=100K --free-critical=10K
mount -t tmpfs -o size=1m,nr_inodes=20 smtest-inodes "$(mkdir -p "$M/inodes" && echo "$M/inodes")"
touch "$M"/inodes/f{1..15}
sm "few inodes left" 1 "WARNING - $M/inodes 4 inodes free of 20, below 5" -p "$M/inodes" --inode-warning=25% --inode-critical=1
sm "inode perfdata" 1 "_inodes_free=4;5:;1:;0;20" -p "$M/inodes" --inode-warning=25% --inode-critical=1

# --- not silently empty: the sentinel ----------------------------------------------
sm "missing sentinel" 2 "CRITICAL - $M/mail sentinel .mailstore is missing \(No such file or directory\)" -p "$M/mail" --sentinel=.mailstore
printf 'array-a\n' >"$M/mail/.mailstore"
sm "sentinel there" 0 "OK - $M/mail:" -p "$M/mail" --sentinel=.mailstore --sentinel-content=array-a
sm "sentinel says another array" 2 "sentinel .mailstore says 'array-a', expected 'array-b'" -p "$M/mail" --sentinel=.mailstore --sentinel-content=array-b
mkdir -p "$M/mail/sub"
mount_tmpfs "$M/mail/sub" smtest-sub
echo x >"$M/mail/sub/.mailstore"
sm "sentinel on another filesystem" 2 "sentinel sub/.mailstore is on another filesystem" -p "$M/mail" --sentinel=sub/.mailstore
umount "$M/mail/sub"

# --- takes writes ----------------------------------------------------------------
sm "write test" 0 "OK - $M/mail: .*write test [0-9.]+ ms.*_write=[0-9.]+s;;;0" -p "$M/mail" --write-test
left=$(find "$M/mail" -name '.mailstatus-write-test*' | wc -l)
[ "$left" -eq 0 ] && check_ok "write test leaves no file" || check_fail "write test left $left files"
mkdir -p "$M/mail/spool" "$W/elsewhere"
sm "write test in a subdirectory" 0 "OK - $M/mail:" -p "$M/mail" --write-test=spool
ln -s "$W/elsewhere" "$M/mail/link"
sm "symlinked write-test directory refused" 2 "write test failed at opening the directory in link: Too many levels of symbolic links \(symlinks are not followed\)" -p "$M/mail" --write-test=link
[ -z "$(ls -A "$W/elsewhere")" ] && check_ok "nothing written through the symlink" || check_fail "a file appeared in $W/elsewhere"

# --- fstab -------------------------------------------------------------------------
mount_tmpfs "$M/a" smtest-a
mount_tmpfs "$M/b" smtest-b
cat >"$W/fstab" <<EOF
# a generated fstab for the test
smtest-mail  $M/mail  tmpfs  defaults  0 0
smtest-a     $M/a     tmpfs  rw        0 0
smtest-b     $M/b     nfs    rw        0 0
smtest-c     $M/c     tmpfs  noauto    0 0
/dev/vdz9    none     swap   sw        0 0
EOF
sm "fstab: wrong type reported, noauto and swap skipped" 2 \
	"CRITICAL - $M/b is tmpfs, fstab line 4 says nfs; 2 of 3 mounts OK" --fstab --fstab-file="$W/fstab"
sm "fstab: --type filter" 0 "OK - 2 mounts OK" --fstab --fstab-file="$W/fstab" --type=tmpfs
sm "fstab: noauto checked when named" 2 "$M/c does not exist" --fstab --fstab-file="$W/fstab" --type=tmpfs -p "$M/c"
sm "fstab: -p compared with fstab" 2 "CRITICAL - $M/b is tmpfs, fstab line 4 says nfs" -p "$M/b" --fstab-file="$W/fstab"
printf 'smtest-other %s/a tmpfs rw 0 0\n' "$M" >"$W/fstab2"
sm "fstab: wrong source" 2 "CRITICAL - $M/a mounted from smtest-a, fstab line 1 says smtest-other" -p "$M/a" --fstab-file="$W/fstab2"
printf 'smtest-ro %s/ro tmpfs rw 0 0\n' "$M" >"$W/fstab3"
sm "fstab: rw entry mounted read-only" 2 "CRITICAL - $M/ro read-only: the filesystem itself is read-only" -p "$M/ro" --fstab-file="$W/fstab3"
printf 'smtest-a %s/a tmpfs rw\n/dev/x\n' "$M" >"$W/badfstab"
sm "fstab: a broken line" 3 "UNKNOWN - $W/badfstab: line 2 of the fstab has no device, mount point and type" --fstab --fstab-file="$W/badfstab"
sm "fstab: a broken line with -p and --fstab-file" 3 "UNKNOWN - $W/badfstab: line 2 of the fstab has no device, mount point and type" -p "$M/a" --fstab-file="$W/badfstab"
# The system's fstab with a line mount(8) skips: -p alone skips it too
# (and says so with -v), still comparing with the lines it can read.
# A bind mount over /etc/fstab, in this private mount namespace only.
printf 'smtest-a %s/a tmpfs rw 0 0\n/dev/x\nsmtest-b %s/b nfs rw 0 0\n' "$M" "$M" >"$W/sysfstab"
if [ -f /etc/fstab ] && mount --bind "$W/sysfstab" /etc/fstab; then
	sm "system fstab with a broken line: -p still checks" 0 "^STORAGE_MOUNT OK - $M/a: tmpfs from smtest-a" -p "$M/a"
	sm "system fstab with a broken line: -v names the skipped line" 0 \
		"^/etc/fstab: line 2 skipped \(no device, mount point and type\), as mount\(8\) does$" -p "$M/a" -v
	sm "system fstab with a broken line: the other lines still compared" 2 \
		"CRITICAL - $M/b is tmpfs, fstab line 3 says nfs" -p "$M/b"
	sm "system fstab with a broken line: --fstab stays strict" 3 \
		"UNKNOWN - /etc/fstab: line 2 of the fstab has no device, mount point and type" --fstab
	umount /etc/fstab
else
	check_fail "cannot bind-mount a fixture over /etc/fstab in the private namespace"
fi
sm "fstab: nothing of that type" 3 "UNKNOWN - $W/fstab lists no mount point to check of type nfs4" --fstab --fstab-file="$W/fstab" --type=nfs4

# --- the state directory -------------------------------------------------------------
ln -s "$W/state" "$W/statelink"
# A state directory the plugin cannot use: said in the long output; the
# mounts' verdict stays (it only remembers stuck probes for later runs).
expect_plugin "state dir as a symlink refused, mounts still checked" 0 \
	"^cannot open the state directory $W/statelink: Not a directory \(it must be a directory, not a symlink\); stuck probes are not remembered across runs$" \
	"$plugin" --state-dir="$W/statelink" -p "$M/mail"
printf '%s\n' "$_out" | head -n 1 | grep -Eq "^STORAGE_MOUNT OK - $M/mail: tmpfs from smtest-mail, [^;]*\|" &&
	check_ok "the status line is the mount's" || check_fail "status line: $(printf '%s\n' "$_out" | head -n 1)"
mkdir -m 700 "$W/otherstate" && chown 65534 "$W/otherstate"
expect_plugin "state dir of another user: long output only, the verdict stays" 0 \
	"^refusing the state directory $W/otherstate: it belongs to another user .*; stuck probes are not remembered" \
	"$plugin" --state-dir="$W/otherstate" -p "$M/mail"
expect_plugin "state dir of another user: a failing mount stays CRITICAL" 2 \
	"^STORAGE_MOUNT CRITICAL - $M/empty not mounted" \
	"$plugin" --state-dir="$W/otherstate" -p "$M/empty"
# The default state directory is per user: one that root (or anyone else)
# created at the old shared path does not lock this user out. /var/tmp is
# a directory of the test's here (a bind mount in this namespace only).
mkdir -p "$W/vartmp" && mount --bind "$W/vartmp" /var/tmp &&
	mkdir -m 700 /var/tmp/mailstatus && chown 65534 /var/tmp/mailstatus
expect_plugin "default state dir: per user, not the shared /var/tmp/mailstatus" 0 \
	"^STORAGE_MOUNT OK - $M/mail: tmpfs from smtest-mail" "$plugin" -p "$M/mail"
case $_out in *"state directory"*) check_fail "state directory problem: $_out" ;; esac
[ -d "/var/tmp/mailstatus-$(id -u)" ] && [ "$(stat -c %u:%a "/var/tmp/mailstatus-$(id -u)")" = "$(id -u):700" ] &&
	check_ok "the default state directory is /var/tmp/mailstatus-$(id -u), mode 700" ||
	check_fail "no /var/tmp/mailstatus-$(id -u): $(ls -la /var/tmp)"
umount /var/tmp

# --- ext4 with a recorded error (errors=remount-ro) -------------------------------------
if command -v mkfs.ext4 >/dev/null && [ -e /dev/loop-control ] &&
	truncate -s 16M "$W/ext4.img" && mkfs.ext4 -q -F "$W/ext4.img" 2>/dev/null &&
	mkdir -p "$M/ext4" && mount -o loop,errors=remount-ro "$W/ext4.img" "$M/ext4" 2>/dev/null; then
	dev=$(awk -v m="$M/ext4" '$5 == m { print $(NF - 1) }' /proc/self/mountinfo)
	sm "ext4 mounted clean" 0 "OK - $M/ext4: ext4 from $dev, rw" -p "$M/ext4" --rw
	echo "mailstatus test" >"/sys/fs/ext4/${dev#/dev/}/trigger_fs_error"
	sm "ext4 error: read-only superblock and the error count" 2 \
		"CRITICAL - $M/ext4 read-only: the filesystem (went read-only after errors \(emergency_ro\)|itself is read-only \(remounted read-only after errors\?\)); ext4 recorded 1 error, the last at 20[0-9-]+ [0-9:]+ UTC \(run fsck\)" \
		-p "$M/ext4" --rw
	umount "$M/ext4"
elif ! command -v mkfs.ext4 >/dev/null; then
	echo "skip: mkfs.ext4 is not installed (e2fsprogs): the ext4 error counter is not tested here"
else
	echo "skip (kernel): no loop devices: the ext4 error counter is not tested here"
fi

# --- a storage server that hangs or fails (FUSE) ---------------------------------------------
if [ ! -x "$hangfs" ] || [ ! -e /dev/fuse ]; then
	echo "skip: tests/hangfs is not built (no libfuse3) or no /dev/fuse"
	[ "$failures" -eq 0 ]
	exit
fi
mkdir -p "$M/hung"
echo ok >"$W/control"
"$hangfs" "$W/control" "$M/hung" 2>"$W/hangfs.log" &
fuse_pid=$!
peers_on_cleanup "echo ok >'$W/control'; umount -l '$M/hung'; stop_pid $fuse_pid"
for _ in $(seq 50); do
	grep -q " $M/hung " /proc/self/mountinfo && break
	sleep 0.1
done
sm "FUSE storage answering" 0 "OK - $M/hung: fuse.hangfs from hangfs, rw" -p "$M/hung" --sentinel=.mailstore --sentinel-content=hangfs

echo hang >"$W/control"
start=$(now_ms)
out=$("$plugin" --state-dir="$W/state" -t 3 --probe-timeout=1.5 -p "$M/mail" -p "$M/hung")
rc=$? took=$(( $(now_ms) - start ))
first=$(printf '%s\n' "$out" | head -n 1)
if [ "$rc" -eq 2 ] && [ "$took" -lt 3000 ] &&
	printf '%s\n' "$first" | grep -Eq "^STORAGE_MOUNT CRITICAL - $M/hung not responding after 1.5s \(statfs did not return; probe PID [0-9]+ left behind, state D, wchan [a-z_]+\); 1 of 2 mounts OK \|" &&
	printf '%s\n' "$out" | sed -n 2p | grep -q "^\[CRITICAL\] $M/hung not responding" &&
	printf '%s\n' "$out" | sed -n 3p | grep -q "^\[OK\] $M/mail: tmpfs"; then
	check_ok "hung mount: CRITICAL after $took ms within -t 3, listed first, the other mount reported: $first"
else
	check_fail "hung mount: exit $rc after $took ms: $out"
fi
stuck=$(printf '%s\n' "$first" | sed -n 's/.*probe PID \([0-9]*\) left behind.*/\1/p')
state=$(ps -o stat= -p "${stuck:-0}" 2>/dev/null)
case $state in
D*) check_ok "the probe (PID $stuck) is still blocked in the kernel (state $state)" ;;
*) check_fail "the stuck probe PID '${stuck}' is in state '$state', not D" ;;
esac

sm "second run: the lingering probe reported" 2 "CRITICAL - $M/hung still not responding: a probe started [0-9]+s ago is stuck in statfs \(probe PID $stuck left behind, state D" -t 2 -p "$M/hung"
probes=$(pgrep -c -f "^$plugin " || true)
[ "$probes" -eq 1 ] && check_ok "second run reported the lingering probe, no second stuck process" ||
	check_fail "$probes plugin processes are left, want 1 stuck probe"

echo ok >"$W/control"
gone=no
for _ in $(seq 50); do
	[ -d "/proc/$stuck" ] || { gone=yes; break; }
	sleep 0.1
done
[ "$gone" = yes ] && check_ok "the stuck probe ended and was reaped once the call returned (no zombie)" ||
	check_fail "PID $stuck still exists: $(ps -o stat= -p "$stuck")"
sm "answering again: probed afresh" 0 "OK - $M/hung: fuse.hangfs from hangfs" -p "$M/hung"
[ -z "$(ls -A "$W/state")" ] && check_ok "the record of the stuck probe is gone" || check_fail "state left: $(ls "$W/state")"

# half dead: statfs and stat answer, reading the sentinel hangs (FUSE reads
# are killable: the probe is stopped, not left behind)
echo hang-read >"$W/control"
sm "hung in a later step: named, with what the probe found before" 2 \
	"CRITICAL - $M/hung not responding after 1.5s \(reading the sentinel did not return; probe PID [0-9]+ (stopped|left behind, state D, wchan [a-z_]+)\).*_used=1638400B;" \
	-t 3 --probe-timeout=1.5 -p "$M/hung" --sentinel=.mailstore --sentinel-content=hangfs
stuck=$(pgrep -f "^$plugin " | head -n 1)
echo ok >"$W/control"
for _ in $(seq 50); do
	[ -n "$stuck" ] && [ -d "/proc/$stuck" ] || break
	sleep 0.1
done

echo eio >"$W/control"
sm "erroring storage" 2 "CRITICAL - $M/hung statfs failed: Input/output error; 1 of 2 mounts OK" -p "$M/hung" -p "$M/mail"

# the default --probe-timeout is 80% of -t; the verdict comes within -t 1
echo hang >"$W/control"
start=$(now_ms)
sm "default probe timeout" 2 "CRITICAL - $M/hung not responding after 0.8s \(statfs did not return; probe PID [0-9]+ left behind, state D" -t 1 -p "$M/hung"
took=$(( $(now_ms) - start ))
# -t counts from the plugin's start: loading it (and ASan's start) and
# reading the clock come on top, 120-150 ms at load 8 on two cores and
# more at times; a probe that is not given up on would hang here for good
[ "$took" -lt 1500 ] && check_ok "default probe timeout: returned after $took ms (-t 1)" ||
	check_fail "default probe timeout: took $took ms, -t 1"
stuck=$(pgrep -f "^$plugin " | head -n 1)
echo ok >"$W/control"
for _ in $(seq 50); do
	[ -n "$stuck" ] && [ -d "/proc/$stuck" ] || break
	sleep 0.1
done

[ "$failures" -eq 0 ]
