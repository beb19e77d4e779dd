# roundcube.sh: Debian's Roundcube (roundcube-core on SQLite) of a test's
# own, on loopback, no systemd. Source common.sh first. Functions:
#
#   roundcube_setup DIR HTTP-PORT IMAP-HOST:PORT SMTP-HOST:PORT
#       a configuration in DIR/config (ROUNDCUBE_CONFIG_DIR), its SQLite
#       database, temp and log directories
#   roundcube_start DIR [php|lighttpd|https CERT KEY]
#       serves /var/lib/roundcube/public_html on 127.0.0.1:HTTP-PORT with
#       PHP's built-in server (default) or lighttpd + php-cgi over FastCGI
#       (keep-alive, as production servers answer); https: lighttpd with
#       TLS and the PEM certificate CERT and key KEY (needs the Debian
#       package lighttpd-mod-openssl)
#   roundcube_stop DIR

RC_DOCROOT=/var/lib/roundcube/public_html

roundcube_setup() {
	_rc=$1 _port=$2 _imap=$3 _smtp=$4
	mkdir -p "$_rc/config" "$_rc/temp" "$_rc/logs"
	cp /etc/roundcube/defaults.inc.php /etc/roundcube/mimetypes.php "$_rc/config/"
	cat >"$_rc/config/config.inc.php" <<CONFIG
<?php
\$config = [];
\$config['db_dsnw'] = 'sqlite:///$_rc/roundcube.db?mode=0640';
\$config['imap_host'] = '$_imap';
\$config['smtp_host'] = '$_smtp';
\$config['smtp_user'] = '%u';
\$config['smtp_pass'] = '%p';
\$config['des_key'] = 'mailstatus-test-24-chars';
\$config['plugins'] = [];
\$config['skin'] = 'elastic';
\$config['temp_dir'] = '$_rc/temp/';
\$config['log_dir'] = '$_rc/logs/';
\$config['enable_installer'] = false;
\$config['create_default_folders'] = true;
\$config['log_logins'] = true;
CONFIG
	php -r '$db = new PDO("sqlite:" . $argv[1]);
		$db->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
		$db->exec(file_get_contents("/usr/share/roundcube/SQL/sqlite.initial.sql"));' \
		"$_rc/roundcube.db" || return 1
	echo "$_port" >"$_rc/port"
}

roundcube_start() {
	_rc=$1 _how=${2:-php}
	_port=$(cat "$_rc/port")
	case $_how in
	php)
		ROUNDCUBE_CONFIG_DIR=$_rc/config php -S "127.0.0.1:$_port" -t "$RC_DOCROOT" \
			>"$_rc/server.out" 2>&1 &
		echo $! >"$_rc/server.pid"
		;;
	lighttpd | https)
		_roundcube_lighttpd_conf "$_rc" "$_port"
		if [ "$_how" = https ]; then
			printf '%s\n' 'server.modules += ( "mod_openssl" )' 'ssl.engine = "enable"' \
				"ssl.pemfile = \"$3\"" "ssl.privkey = \"$4\"" >>"$_rc/lighttpd.conf"
		fi
		lighttpd -D -f "$_rc/lighttpd.conf" >"$_rc/server.out" 2>&1 &
		echo $! >"$_rc/server.pid"
		;;
	*)
		echo "roundcube_start: unknown server '$_how' (php, lighttpd or https)" >&2
		return 1
		;;
	esac
	peers_on_cleanup "roundcube_stop '$_rc'"
	wait_port 127.0.0.1 "$_port"
}

roundcube_stop() {
	stop_pid "$(cat "$1/server.pid" 2>/dev/null)" 10
}

_roundcube_lighttpd_conf() {
	cat >"$1/lighttpd.conf" <<LIGHTTPD
server.modules = ( "mod_access", "mod_fastcgi" )
server.document-root = "$RC_DOCROOT"
server.bind = "127.0.0.1"
server.port = $2
server.errorlog = "$1/lighttpd-error.log"
server.pid-file = "$1/lighttpd.pid"
server.follow-symlink = "enable"
index-file.names = ( "index.php" )
mimetype.assign = ( ".css" => "text/css", ".js" => "text/javascript",
                    ".png" => "image/png", ".svg" => "image/svg+xml",
                    ".woff2" => "font/woff2", ".ico" => "image/x-icon" )
fastcgi.server = ( ".php" => ((
	"bin-path" => "/usr/bin/php-cgi",
	"socket" => "$1/php.sock",
	"max-procs" => 1,
	"bin-environment" => ( "ROUNDCUBE_CONFIG_DIR" => "$1/config",
	                       "PHP_FCGI_CHILDREN" => "2" ),
	"bin-copy-environment" => ( "PATH" )
)) )
LIGHTTPD
}
