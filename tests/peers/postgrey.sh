# postgrey.sh: a private postgrey on loopback, no systemd. Source common.sh
# first. Functions:
#
#   postgrey_start DIR PORT DELAY [WHITELISTED-CLIENT...]
#       postgrey on 127.0.0.1:PORT (or on the unix socket PORT when it is
#       a path starting with /) with its own database in DIR/db (owned
#       by the postgrey user, as it insists), greylisting for DELAY
#       seconds; the clients (names, addresses or /regex/) go into its
#       --whitelist-clients file. Stopped by peers_cleanup.
#   postgrey_stop DIR
#   postgrey_pid DIR

postgrey_start() {
	_pg=$1 _port=$2 _delay=$3
	shift 3
	mkdir -p "$_pg/db"
	chown postgrey "$_pg/db"
	: >"$_pg/whitelist_clients"
	for _client in "$@"; do
		printf '%s\n' "$_client" >>"$_pg/whitelist_clients"
	done
	# our own recipient whitelist, so Debian's (postmaster@, abuse@) does not apply
	printf 'whitelisted-recipient@example.net\n' >"$_pg/whitelist_recipients"
	chmod 644 "$_pg/whitelist_clients" "$_pg/whitelist_recipients"
	case $_port in
	/*) _listen="--unix=$_port" ;;
	*) _listen="--inet=127.0.0.1:$_port" ;;
	esac
	peers_on_cleanup "postgrey_stop '$_pg'"
	postgrey "$_listen" --dbdir="$_pg/db" --delay="$_delay" \
		--pidfile="$_pg/postgrey.pid" --daemonize \
		--whitelist-clients="$_pg/whitelist_clients" \
		--whitelist-recipients="$_pg/whitelist_recipients" \
		>"$_pg/postgrey.out" 2>&1 || { cat "$_pg/postgrey.out" >&2; return 1; }
	case $_port in
	/*) _postgrey_wait_socket "$_port" ;;
	*) wait_port 127.0.0.1 "$_port" ;;
	esac
}

_postgrey_wait_socket() {
	_i=0
	while [ ! -S "$1" ] && [ "$_i" -lt 150 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -S "$1" ] || { echo "postgrey: no socket $1 after 15s" >&2; return 1; }
}

postgrey_pid() {
	tr -d ' ' <"$1/postgrey.pid" 2>/dev/null
}

postgrey_stop() {
	stop_pid "$(postgrey_pid "$1")" 5
}
