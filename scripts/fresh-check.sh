#!/bin/bash
# fresh-check.sh [--fast] [--keep]: the README's two commands on a
# genuinely fresh Debian 12, as a new user runs them.
#
# Makes a Debian 12 root with debootstrap (minbase: no curl, no git, no
# compiler), clones this checkout's HEAD into /root/mailstatus inside it
# (/root is mode 0700, as on any Debian), and runs there, as root:
#   ./run-sample.sh            (every section must run: exit 0)
#   ./run-tests.sh             (not with --fast: 0 failed, nothing skipped
#                               for a missing package)
# then checks that the machine is left as it should be: no policy-rc.d of
# ours, no test server enabled at boot.
#
# The root runs in namespaces of its own: a mount namespace whose root it
# is (pivot_root, as on a booted machine; its /proc,
# /sys, /dev, /tmp), a PID namespace (everything it starts ends with it) and
# a network namespace with its own loopback, so its servers never meet this
# machine's; slirp4netns gives that namespace a way out to the Debian
# mirror (as a user's machine has). Needs root, debootstrap and slirp4netns
# (scripts/deps/fresh.txt).
#
#   --fast   debootstrap, the package installs, the build and run-sample.sh
#            only (what CI runs on every change)
#   --keep   leave the root in place (FRESH_ROOT) for a look afterwards
#
# Environment: FRESH_ROOT (default /var/tmp/mailstatus-fresh), FRESH_MIRROR
# (default http://deb.debian.org/debian), FRESH_CACHE (debootstrap's own
# package cache, default /var/cache/mailstatus-fresh: only the base system's
# packages are kept between runs; the README's commands download theirs).
# Logs: FRESH_ROOT/var/log/fresh/ while it runs, FRESH_ROOT.logs/ after.
# Exits 0 when everything held.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
fast=0 keep=0
for arg in "$@"; do
	case $arg in
	--fast) fast=1 ;;
	--keep) keep=1 ;;
	*) echo "usage: $0 [--fast] [--keep]" >&2; exit 2 ;;
	esac
done
root=${FRESH_ROOT:-/var/tmp/mailstatus-fresh}
mirror=${FRESH_MIRROR:-http://deb.debian.org/debian}
cache=${FRESH_CACHE:-/var/cache/mailstatus-fresh}
logs=$root.logs

say() { printf 'fresh-check: %s\n' "$*"; }
die() { say "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, namespaces)"
"$top/scripts/install-deps.sh" fresh || die "cannot install debootstrap and slirp4netns"
git -C "$top" rev-parse HEAD >/dev/null 2>&1 || die "$top is not a git checkout"
[ -z "$(git -C "$top" status --porcelain 2>/dev/null)" ] ||
	say "note: uncommitted changes are not part of the check (it clones HEAD)"

# --- the root -----------------------------------------------------------------
started=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started ))s"; }

umount_below() {	# unmounts whatever is still mounted below $root
	awk -v r="$root/" 'index($5, r) == 1 { print length($5), $5 }' /proc/self/mountinfo |
		sort -rn | while read -r _ mp; do umount -l "$mp" 2>/dev/null; done
}
umount_below
rm -rf "$root" "$logs"
mkdir -p "$root" "$logs" "$cache"
say "debootstrap bookworm (minbase) into $root"
if ! debootstrap --variant=minbase --cache-dir="$cache" bookworm "$root" "$mirror" \
	>"$logs/debootstrap.log" 2>&1; then
	tail -n 20 "$logs/debootstrap.log" >&2
	die "debootstrap failed (log: $logs/debootstrap.log)"
fi
say "$(chroot "$root" dpkg-query -W | wc -l) packages in the new root ($(elapsed))"
# apt's sources as Debian's installer writes them, and no cache of packages
cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
rm -f "$root"/var/cache/apt/archives/*.deb
echo fresh >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tfresh\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
printf 'nameserver 10.0.2.3\n' >"$root/etc/resolv.conf"	# slirp4netns' DNS

# The checkout, as a user clones it: into /root, which only root may enter.
git clone -q --no-local "$top" "$root/root/mailstatus" || die "cannot clone $top"
chmod 700 "$root/root"

# --- inside: what runs in the namespaces ----------------------------------------
cat >"$root/fresh-inside.sh" <<'INSIDE'
#!/bin/bash
# PID 1 of the fresh root's namespaces, started with this machine's bash:
# it mounts what a booted machine has, makes the root the namespace's own
# (pivot_root: to every program in there, nsenter -m included, it is /,
# as on a real machine; a chroot would not be) and runs the README's
# commands there.
set -u
root=$1 fast=$2
while ! ip link show tap0 >/dev/null 2>&1; do sleep 0.1; done
ip link set lo up
mount --make-rprivate /
# the root a mount point of its own, as / is on any machine
mount --bind "$root" "$root"
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --rbind /dev "$root/dev"
mount -t tmpfs -o mode=1777 tmp "$root/tmp"
mount -t tmpfs -o mode=755 run "$root/run"
cd "$root" && mkdir -p .oldroot && pivot_root . .oldroot || exit 1
cd /
umount -l /.oldroot && rmdir /.oldroot
exec /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	${CI:+CI=$CI} /bin/bash /fresh-run.sh "$fast"
INSIDE
cat >"$root/fresh-run.sh" <<'RUN'
#!/bin/bash
# the README's commands, as root in the fresh root; logs in /var/log/fresh
set -u
fast=$1
logs=/var/log/fresh
mkdir -p "$logs"
cd /root/mailstatus || exit 1
rc=0
echo "== run-sample.sh"
t0=$(date +%s)
./run-sample.sh >"$logs/run-sample.log" 2>&1
s=$?
echo "run-sample.sh: exit $s in $(( $(date +%s) - t0 ))s"
[ "$s" -eq 0 ] || rc=1
if [ "$fast" = 0 ]; then
	echo "== run-tests.sh"
	t0=$(date +%s)
	./run-tests.sh >"$logs/run-tests.log" 2>&1
	s=$?
	echo "run-tests.sh: exit $s in $(( $(date +%s) - t0 ))s; $(tail -n 1 "$logs/run-tests.log")"
	[ "$s" -eq 0 ] || rc=1
fi
exit "$rc"
RUN
chmod 755 "$root/fresh-inside.sh" "$root/fresh-run.sh"

# --- run it: namespaces, then the way out for apt ------------------------------------
say "running the README's commands in the root (logs: $logs/ when done)"
unshare --net --mount --pid --fork --kill-child "$root/fresh-inside.sh" "$root" "$fast" &
inner=$!
mine=$(readlink /proc/self/ns/net)
i=0
while [ "$(readlink "/proc/$inner/ns/net" 2>/dev/null)" = "$mine" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
slirp4netns --configure --mtu=65520 --disable-host-loopback "$inner" tap0 \
	>"$logs/slirp4netns.log" 2>&1 &
slirp=$!
wait "$inner"
rc=$?
kill "$slirp" 2>/dev/null
wait "$slirp" 2>/dev/null
umount_below
cp "$root"/var/log/fresh/*.log "$logs/" 2>/dev/null

# --- what the commands left behind ----------------------------------------------------
left=$(
	[ ! -e "$root/usr/sbin/policy-rc.d" ] || echo "/usr/sbin/policy-rc.d is still there"
	for svc in postfix dovecot lighttpd icinga2 postgrey autofs nagios4 sqlgrey; do
		for link in "$root"/etc/systemd/system/*.wants/"$svc".service "$root"/etc/rc[2-5].d/S[0-9][0-9]"$svc"; do
			[ -e "$link" ] || [ -L "$link" ] || continue
			echo "$svc starts at boot (${link#"$root"})"
		done
	done
)
if [ -n "$left" ]; then
	printf '%s\n' "$left" | sed 's/^/fresh-check: the machine is changed: /' >&2
	rc=1
fi
for log in run-sample run-tests; do
	[ -f "$logs/$log.log" ] || continue
	if grep -n -E '^(skip|skipped)[:(]|: skipped \(' "$logs/$log.log" >"$logs/$log.skips"; then
		say "$log.sh skipped something:"
		sed 's/^/  /' "$logs/$log.skips"
	fi
done
if [ "$rc" -eq 0 ]; then
	say "passed in $(elapsed)"
else
	say "FAILED in $(elapsed); logs in $logs/"
fi
if [ "$keep" = 0 ]; then
	rm -rf "$root"
fi
exit "$rc"
