# postfix.sh: a real Postfix instance of a test's own, on loopback, no
# systemd. Source common.sh first. Functions:
#
#   postfix_setup DIR PORT [MAIN.CF-LINE...]
#       an instance in DIR (DIR/etc, DIR/spool, DIR/data, DIR/maillog)
#       whose smtpd listens on 127.0.0.1:PORT; chroot off; the extra
#       "name = value" lines are set in main.cf (replacing a default
#       there, as postconf -e does). Mail to remote
#       domains is relayed to 127.0.0.1:1 where nothing listens, so it
#       stays deferred, unless a line sets relayhost.
#   postfix_add_submission DIR PORT
#       a submission listener (SASL through Dovecot at DIR/spool/private/auth,
#       the directory made here). Start Dovecot first: an smtpd that finds
#       no auth socket exits, and master then starts no smtpd for 60 s
#       (service_throttle_time), which stalls the sends after a reload.
#   postfix_start DIR / postfix_stop DIR
#   postfix_master_pid DIR
#
# Non-root postqueue/mailq need the instance's config directory listed in
# alternate_config_directories of the default /etc/postfix/main.cf; setup
# adds it there (under a lock: tests may set up instances at once) and
# stop removes it again.

postfix_setup() {
	_pf=$1 _port=$2
	shift 2
	mkdir -p "$_pf/etc" "$_pf/spool" "$_pf/data"
	chown postfix "$_pf/data"
	cp /etc/postfix/master.cf "$_pf/etc/master.cf"
	cat >"$_pf/etc/main.cf" <<MAINCF
compatibility_level = 3.6
queue_directory = $_pf/spool
data_directory = $_pf/data
maillog_file_prefixes = /tmp, /var, /dev/stdout
maillog_file = $_pf/maillog
myhostname = mx.mailstatus.test
mydomain = mailstatus.test
myorigin = \$myhostname
mydestination = \$myhostname, localhost
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
relayhost = [127.0.0.1]:1
smtp_connect_timeout = 2s
smtpd_banner = \$myhostname ESMTP
MAINCF
	for _line in "$@"; do
		postconf -c "$_pf/etc" -e "$_line" || return 1
	done
	postconf -c "$_pf/etc" -F '*/*/chroot = n'
	# smtpd on our port instead of 25
	postconf -c "$_pf/etc" -MX smtp/inet
	postconf -c "$_pf/etc" -M "$_port/inet=$_port inet n - n - - smtpd"
	_postfix_allow_config "$_pf/etc"
	postfix -c "$_pf/etc" check
}

postfix_add_submission() {
	_pf=$1 _port=$2
	postconf -c "$_pf/etc" -M "$_port/inet=$_port inet n - n - - smtpd"
	postconf -c "$_pf/etc" -P "$_port/inet/smtpd_sasl_auth_enable=yes" \
		"$_port/inet/smtpd_client_restrictions=permit_sasl_authenticated,reject" \
		"$_port/inet/smtpd_recipient_restrictions=permit_sasl_authenticated,reject"
	mkdir -p "$_pf/spool/private"
	chown postfix "$_pf/spool/private"
	chmod 700 "$_pf/spool/private"
}

postfix_start() {
	_pf=$1
	postfix -c "$_pf/etc" start-fg >"$_pf/postfix.out" 2>&1 &
	echo $! >"$_pf/start-fg.pid"
	peers_on_cleanup "postfix_stop '$_pf'"
	for _p in $(postconf -c "$_pf/etc" -M | awk '$2 == "inet" { print $1 }'); do
		case $_p in *:*) _p=${_p##*:} ;; esac
		case $_p in [0-9]*) wait_port 127.0.0.1 "$_p" || return 1 ;; esac
	done
}

postfix_master_pid() {
	tr -d ' ' <"$1/spool/pid/master.pid" 2>/dev/null
}

postfix_stop() {
	_pf=$1
	postfix -c "$_pf/etc" stop >/dev/null 2>&1
	stop_pid "$(cat "$_pf/start-fg.pid" 2>/dev/null)" 10
	stop_pid "$(postfix_master_pid "$_pf")" 5
	_postfix_disallow_config "$_pf/etc"
}

# alternate_config_directories in /etc/postfix/main.cf, edited under a lock
_postfix_allow_config() {
	(
		flock 9
		_cur=$(postconf -h alternate_config_directories 2>/dev/null)
		case ",$_cur," in *",$1,"*) exit 0 ;; esac
		postconf -e "alternate_config_directories = ${_cur:+$_cur, }$1"
	) 9>/run/mailstatus-postfix-main.cf.lock
}

_postfix_disallow_config() {
	(
		flock 9
		_cur=$(postconf -h alternate_config_directories 2>/dev/null)
		_new=$(printf '%s\n' "$_cur" | tr ',' '\n' | sed 's/^ *//; s/ *$//' |
			grep -vxF "$1" | grep -v '^$' | paste -sd, - | sed 's/,/, /g')
		postconf -e "alternate_config_directories = $_new"
	) 9>/run/mailstatus-postfix-main.cf.lock
}
