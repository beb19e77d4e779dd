# common.sh: helpers for integration tests that start real servers.
# Source it; it defines functions only.
#
#   peers_workdir NAME     a fresh directory for one test's servers, removed
#                          with everything started there by peers_cleanup
#   wait_port HOST PORT [SECONDS]   until something accepts connections
#   stop_pid PID [SECONDS]          TERM, then KILL; zombies count as gone
#   check_ok / check_fail MESSAGE   the ok:/FAIL: lines run.sh counts

: "${failures:=0}"

check_ok() {
	echo "ok: $*"
}

check_fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# expect_plugin NAME WANT-EXIT REGEX COMMAND...: runs a plugin and checks
# its exit status and that its output matches the extended REGEX.
expect_plugin() {
	_name=$1 _want=$2 _regex=$3
	shift 3
	_out=$("$@" 2>&1)
	_rc=$?
	if [ "$_rc" -eq "$_want" ] && printf '%s\n' "$_out" | grep -Eq -- "$_regex"; then
		check_ok "$_name (exit $_rc): $(printf '%s\n' "$_out" | head -n 1)"
	else
		check_fail "$_name: exit $_rc (want $_want), output: $_out"
	fi
}

alive() {
	_s=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	case $_s in Z*) return 1 ;; esac
	return 0
}

stop_pid() {
	_pid=$1 _secs=${2:-5}
	[ -n "$_pid" ] || return 0
	kill "$_pid" 2>/dev/null || return 0
	_i=0
	while alive "$_pid" && [ "$_i" -lt $((_secs * 10)) ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	alive "$_pid" && kill -9 "$_pid" 2>/dev/null
	return 0
}

wait_port() {
	_host=$1 _port=$2 _secs=${3:-15}
	_i=0
	while [ "$_i" -lt $((_secs * 10)) ]; do
		if (exec 3<>"/dev/tcp/$_host/$_port") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "wait_port: nothing listens on $_host:$_port after ${_secs}s" >&2
	return 1
}

# Cleanup actions run in reverse order by peers_cleanup (trap it on EXIT).
_peers_cleanups=""
peers_on_cleanup() {
	_peers_cleanups="$*
$_peers_cleanups"
}

peers_cleanup() {
	# a cleanup that fails must not stop the others (nor trip set -e)
	printf '%s\n' "$_peers_cleanups" | while IFS= read -r _cmd; do
		if [ -n "$_cmd" ]; then
			eval "$_cmd" >/dev/null 2>&1 || true
		fi
	done
	_peers_cleanups=""
	[ -n "${PEERS_DIR:-}" ] && [ -z "${KEEP_PEERS:-}" ] && rm -rf "$PEERS_DIR"
	return 0
}

# peers_umount_below: unmounts (lazily, deepest first) what a test mounted
# below $PEERS_DIR in its own mount namespace; for peers_on_cleanup.
peers_umount_below() {
	awk -v w="$PEERS_DIR/" 'index($5, w) == 1 { print length($5), $5 }' /proc/self/mountinfo |
		sort -rn | while read -r _ mp; do umount -l "$mp"; done
}

# fake_peer PORT STEP...: tests/fakepeer scripted on 127.0.0.1:PORT (see
# tests/fakepeer.c for the steps), stopped by peers_cleanup; returns once
# it listens.
fake_peer() {
	_port=$1
	shift
	"$top_builddir/tests/fakepeer" -f "$PEERS_DIR/fake-$_port.pid" "$_port" "$@" &
	peers_on_cleanup "stop_pid $!"
	_i=0
	while [ ! -s "$PEERS_DIR/fake-$_port.pid" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
}

peers_workdir() {
	PEERS_DIR=$(mktemp -d "/tmp/mailstatus-$1.XXXXXX")
	chmod 755 "$PEERS_DIR"
	export PEERS_DIR
}
