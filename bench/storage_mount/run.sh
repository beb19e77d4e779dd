#!/bin/bash
# bench/storage_mount/run.sh [BUILDDIR]: check_storage_mount against
# Debian's monitoring-plugins check_disk on the same mounts, side by side.
#
#   1. N tmpfs mounts (default 200) in a private mount namespace:
#      check_storage_mount with -p for each, and with --fstab over a
#      generated fstab, against check_disk -p for each. Median wall time
#      of ROUNDS runs each (default 9), the ratio ours / check_disk, and
#      the max RSS of one run under /usr/bin/time -v.
#   2. The same with one of them a hung storage (tests/hangfs, a FUSE
#      filesystem whose statfs never answers): check_disk -t 5 under an
#      outer limit (default 35 s) against ours with -t 5.
#
# Needs root (mounts), unshare, /usr/bin/time, check_disk from the
# monitoring-plugins-basic package and a build with tests/hangfs (make
# check builds it). Everything happens in the namespace and goes with it.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
builddir=$(cd "${1:-$top/build/storage}" && pwd)
ours="$builddir/plugins/check_storage_mount"
hangfs="$builddir/tests/hangfs"
check_disk=${CHECK_DISK:-/usr/lib/nagios/plugins/check_disk}
mounts=${MOUNTS:-200}
rounds=${ROUNDS:-9}
outer=${OUTER_LIMIT:-35}

for f in "$ours" "$check_disk" /usr/bin/time; do
	[ -x "$f" ] || { echo "missing $f" >&2; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "needs root for the mounts" >&2; exit 2; }

if [ -z "${BENCH_IN_NS:-}" ]; then
	BENCH_IN_NS=1 exec unshare -m -p --fork --mount-proc --propagation private \
		bash "$0" "$builddir"
fi

W=$(mktemp -d /tmp/mailstatus-bench-storage.XXXXXX)
fuse_pid=
cleanup() {
	[ -n "$fuse_pid" ] && { echo ok >"$W/control"; kill "$fuse_pid" 2>/dev/null; }
	# unmount first, deepest first: /tmp is shared, the mount points must go too
	awk -v w="$W/" 'index($5, w) == 1 { print length($5), $5 }' /proc/self/mountinfo |
		sort -rn | while read -r _ mp; do umount -l "$mp" 2>/dev/null; done
	rm -rf "$W" 2>/dev/null
}
trap cleanup EXIT
mkdir -p "$W/m" "$W/state"

# The N mount points, as -p arguments and as an fstab.
paths=()
for i in $(seq -w 1 "$mounts"); do
	mkdir "$W/m/$i"
	mount -t tmpfs -o size=1m "bench$i" "$W/m/$i"
	paths+=("$W/m/$i")
	printf 'bench%s %s tmpfs rw 0 0\n' "$i" "$W/m/$i" >>"$W/fstab"
done
ours_p=() disk_p=()
for p in "${paths[@]}"; do
	ours_p+=(-p "$p")
	disk_p+=(-p "$p")
done

# median_ms ROUNDS COMMAND...: the median wall time of ROUNDS runs, in ms.
median_ms() {
	local n=$1 t0 t1
	shift
	local times=()
	for _ in $(seq "$n"); do
		t0=$EPOCHREALTIME
		"$@" >/dev/null 2>&1
		t1=$EPOCHREALTIME
		times+=("$(echo "($t1 - $t0) * 1000" | bc -l)")
	done
	printf '%s\n' "${times[@]}" | sort -g | awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] }'
}

# max_rss_kb COMMAND...: the maximum resident set size of one run.
max_rss_kb() {
	/usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { print $2 }'
}

run_ours_p() { "$ours" --state-dir="$W/state" --free-warning=10% --free-critical=5% "${ours_p[@]}"; }
run_ours_fstab() { "$ours" --state-dir="$W/state" --free-warning=10% --free-critical=5% --fstab --fstab-file="$W/fstab"; }
run_disk() { "$check_disk" -w 10% -c 5% "${disk_p[@]}"; }

echo "== $mounts tmpfs mounts, median of $rounds runs (after one warm-up run each)"
run_ours_p >/dev/null; run_ours_fstab >/dev/null; run_disk >/dev/null
echo "first line, ours -p:     $(run_ours_p | head -n 1 | cut -c1-100)..."
echo "first line, check_disk:  $(run_disk | head -n 1 | cut -c1-100)..."
t_disk=$(median_ms "$rounds" run_disk)
t_ours=$(median_ms "$rounds" run_ours_p)
t_fstab=$(median_ms "$rounds" run_ours_fstab)
rss_disk=$(max_rss_kb "$check_disk" -w 10% -c 5% "${disk_p[@]}")
rss_ours=$(max_rss_kb "$ours" --state-dir="$W/state" "${ours_p[@]}")
rss_fstab=$(max_rss_kb "$ours" --state-dir="$W/state" --fstab --fstab-file="$W/fstab")
printf '%-36s %10s %8s %12s\n' "program" "median ms" "ratio" "max RSS KiB"
printf '%-36s %10s %8s %12s\n' "check_disk -p x$mounts" "$t_disk" "1.00" "$rss_disk"
printf '%-36s %10s %8.2f %12s\n' "check_storage_mount -p x$mounts" "$t_ours" "$(echo "$t_ours / $t_disk" | bc -l)" "$rss_ours"
printf '%-36s %10s %8.2f %12s\n' "check_storage_mount --fstab" "$t_fstab" "$(echo "$t_fstab / $t_disk" | bc -l)" "$rss_fstab"

if [ ! -x "$hangfs" ] || [ ! -e /dev/fuse ]; then
	echo "== skipped the hung mount: no $hangfs (make check builds it) or no /dev/fuse"
	exit 0
fi

echo "== one hung FUSE mount among $mounts (the last tmpfs swapped for it)"
last=${paths[$((mounts - 1))]}
umount "$last"
echo ok >"$W/control"
"$hangfs" "$W/control" "$last" 2>/dev/null &
fuse_pid=$!
for _ in $(seq 50); do grep -q " $last " /proc/self/mountinfo && break; sleep 0.1; done
echo hang >"$W/control"

t0=$EPOCHREALTIME
"$check_disk" -t 5 -w 10% -c 5% "${disk_p[@]}" >"$W/disk.out" 2>&1 &
disk_pid=$!
returned=no
while [ "$(echo "$EPOCHREALTIME - $t0 < $outer" | bc -l)" -eq 1 ]; do
	case $(ps -o stat= -p "$disk_pid" 2>/dev/null) in
	'' | Z*) returned=yes; break ;;
	esac
	sleep 0.1
done
t_disk_hung=$(echo "($EPOCHREALTIME - $t0) * 1000" | bc -l)
disk_state=$(ps -o stat=,wchan= -p "$disk_pid" 2>/dev/null)

t0=$EPOCHREALTIME
ours_out=$("$ours" -t 5 --state-dir="$W/state" --free-warning=10% --free-critical=5% "${ours_p[@]}")
ours_rc=$?
t_ours_hung=$(echo "($EPOCHREALTIME - $t0) * 1000" | bc -l)

if [ "$returned" = yes ]; then
	printf 'check_disk -t 5:             returned after %.0f ms: %s\n' "$t_disk_hung" "$(head -c 200 "$W/disk.out")"
else
	printf 'check_disk -t 5:             had not returned after %.0f ms (outer limit %ss; state %s)\n' \
		"$t_disk_hung" "$outer" "$disk_state"
fi
printf 'check_storage_mount -t 5:    exit %s after %.0f ms: %s\n' "$ours_rc" "$t_ours_hung" \
	"$(printf '%s\n' "$ours_out" | head -n 1 | sed 's/ | .*//')"
printf '%s\n' "$ours_out" | grep -c '^\[OK\]' | sed 's/^/  mounts reported OK in the long output: /'

# let the stuck calls return so both processes can end
echo ok >"$W/control"
kill -9 "$disk_pid" 2>/dev/null
wait "$disk_pid" 2>/dev/null
exit 0
