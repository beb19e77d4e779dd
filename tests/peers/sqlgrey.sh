# sqlgrey.sh: a private sqlgrey on loopback, on SQLite, no systemd. Source
# common.sh first. Functions:
#
#   sqlgrey_start DIR PORT DELAY-MINUTES
#       sqlgrey on 127.0.0.1:PORT with its configuration and SQLite
#       database in DIR (owned by the sqlgrey user), greylisting for
#       DELAY-MINUTES (decimals: 0.03 is 1.8 s). It runs in the foreground
#       (daemonized it insists on a syslog socket), its log in
#       DIR/sqlgrey.log. Stopped by peers_cleanup.
#   sqlgrey_stop DIR

sqlgrey_start() {
	_sq=$1 _port=$2 _delay=$3
	mkdir -p "$_sq"
	# the regexp and whitelist files it reads from its conf_dir
	cp /etc/sqlgrey/*.regexp /etc/sqlgrey/clients_*_whitelist "$_sq/" 2>/dev/null
	cat >"$_sq/sqlgrey.conf" <<SQLGREYCONF
loglevel = 2
user = sqlgrey
group = sqlgrey
inet = 127.0.0.1:$_port
pidfile = $_sq/sqlgrey.pid
conf_dir = $_sq
db_type = SQLite
db_name = $_sq/sqlgrey.db
reconnect_delay = $_delay
SQLGREYCONF
	chown -R sqlgrey "$_sq"
	sqlgrey -f "$_sq/sqlgrey.conf" >"$_sq/sqlgrey.log" 2>&1 &
	echo $! >"$_sq/foreground.pid"
	peers_on_cleanup "sqlgrey_stop '$_sq'"
	wait_port 127.0.0.1 "$_port" || { tail -n 5 "$_sq/sqlgrey.log" >&2; return 1; }
}

sqlgrey_stop() {
	stop_pid "$(cat "$1/foreground.pid" 2>/dev/null)" 5
}
