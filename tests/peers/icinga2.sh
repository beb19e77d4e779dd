# icinga2.sh: a real Icinga 2 of a test's own (Debian's icinga2-bin), no
# systemd, its REST API on a loopback port. Source common.sh first.
#
#   icinga2_setup DIR NODE PORT [ZONE-LINES]
#       an instance in DIR whose endpoint and zone are NODE, with a CA and a
#       certificate of its own (DIR/ca.crt, the CA; clients verify the API
#       with it), an ApiListener on 127.0.0.1:PORT, an ApiUser "mailstatus"
#       whose password is in DIR/api.pw (mode 600), a FileLogger, the
#       checker and notification components and a "flip" CheckCommand
#       whose result a test sets with icinga2_flip. ZONE-LINES replace the
#       default single Endpoint/Zone (for a distributed setup).
#       Objects go in with icinga2_objects DIR <<EOF ... EOF.
#   icinga2_sign DIR CN          a certificate for another node (DIR/CN.crt, .key)
#   icinga2_objects DIR          appends stdin to DIR/objects.conf
#   icinga2_flip DIR NAME CODE TEXT   what "flip" with flip_name=NAME reports
#   icinga2_validate DIR         icinga2 daemon -C; the output in DIR/validate.out
#   icinga2_start DIR / icinga2_stop DIR
#   icinga2_api DIR METHOD URL-PATH [JSON]   a request to the API, body on stdout
#   icinga2_wait DIR HOST SERVICE|- STATE [SECONDS]
#       until the API shows that HARD state (- for the host itself)
#   icinga2_attr DIR HOST SERVICE|- ATTR   one attribute (jq-less: python)

_icinga2_py=/usr/bin/python3

icinga2_defs() {
	_ic=$1
	echo "-DConfiguration.DataDir=$_ic/lib -DConfiguration.LogDir=$_ic/log" \
	     "-DConfiguration.CacheDir=$_ic/cache -DConfiguration.SpoolDir=$_ic/spool" \
	     "-DConfiguration.InitRunDir=$_ic/run -DConfiguration.ConfigDir=$_ic"
}

icinga2_setup() {
	_ic=$1 _node=$2 _port=$3 _zones=${4:-}
	mkdir -p "$_ic/log" "$_ic/lib/certs" "$_ic/cache" "$_ic/spool" "$_ic/run" "$_ic/flip"
	echo "$_node" >"$_ic/node"
	echo "$_port" >"$_ic/port"
	head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$_ic/api.pw"
	chmod 600 "$_ic/api.pw"
	cat >"$_ic/check_flip" <<'SCRIPT'
#!/bin/sh
# check_flip DIR NAME: prints line 2.. of DIR/flip/NAME, exits with line 1
f="$1/flip/$2"
[ -r "$f" ] || { echo "UNKNOWN - no state file $f"; exit 3; }
code=$(head -n 1 "$f")
tail -n +2 "$f"
exit "$code"
SCRIPT
	chmod 755 "$_ic/check_flip"
	[ -n "$_zones" ] || _zones="object Endpoint NodeName { }
object Zone ZoneName { endpoints = [ NodeName ] }"
	cat >"$_ic/icinga2.conf" <<CONF
include <itl>
include <plugins>
const PluginDir = "/usr/lib/nagios/plugins"
const NodeName = "$_node"
const ZoneName = NodeName
$_zones
object CheckerComponent "checker" { }
object NotificationComponent "notification" { }
object FileLogger "main-log" { severity = "information"; path = "$_ic/log/icinga2.log" }
object ApiListener "api" {
  bind_host = "127.0.0.1"
  bind_port = $_port
  accept_config = true
  accept_commands = true
}
object ApiUser "mailstatus" {
  password = "$(cat "$_ic/api.pw")"
  permissions = [ "*" ]
}
object CheckCommand "flip" {
  command = [ "$_ic/check_flip", "$_ic", "\$flip_name\$" ]
}
include "objects.conf"
CONF
	: >"$_ic/objects.conf"
	chmod 640 "$_ic/icinga2.conf"
	chown -R nagios:nagios "$_ic"
	# shellcheck disable=SC2046
	icinga2 pki new-ca $(icinga2_defs "$_ic") >/dev/null 2>&1 || return 1
	icinga2_sign "$_ic" "$_node" || return 1
	cp "$_ic/lib/ca/ca.crt" "$_ic/lib/certs/ca.crt"
	cp "$_ic/lib/ca/ca.crt" "$_ic/ca.crt"
	chown -R nagios:nagios "$_ic"
}

icinga2_sign() {
	_ic=$1 _cn=$2
	# shellcheck disable=SC2046
	icinga2 pki new-cert --cn "$_cn" --key "$_ic/lib/certs/$_cn.key" \
		--csr "$_ic/lib/certs/$_cn.csr" $(icinga2_defs "$_ic") >/dev/null 2>&1 &&
	icinga2 pki sign-csr --csr "$_ic/lib/certs/$_cn.csr" \
		--cert "$_ic/lib/certs/$_cn.crt" $(icinga2_defs "$_ic") >/dev/null 2>&1
}

icinga2_objects() {
	cat >>"$1/objects.conf"
}

icinga2_flip() {
	printf '%s\n%s\n' "$3" "$4" >"$1/flip/$2.new"
	mv "$1/flip/$2.new" "$1/flip/$2"
	chown nagios:nagios "$1/flip/$2" 2>/dev/null
	return 0
}

icinga2_validate() {
	chown -R nagios:nagios "$1"
	# shellcheck disable=SC2046
	icinga2 daemon -C -c "$1/icinga2.conf" $(icinga2_defs "$1") >"$1/validate.out" 2>&1
}

icinga2_start() {
	_ic=$1
	if ! icinga2_validate "$_ic"; then
		echo "icinga2_start: the configuration does not validate:" >&2
		grep -E 'critical|warning' "$_ic/validate.out" >&2
		return 1
	fi
	# shellcheck disable=SC2046
	icinga2 daemon -c "$_ic/icinga2.conf" $(icinga2_defs "$_ic") >"$_ic/daemon.out" 2>&1 &
	echo $! >"$_ic/daemon.pid"
	peers_on_cleanup "icinga2_stop '$_ic'"
	wait_port 127.0.0.1 "$(cat "$_ic/port")" 30 || return 1
	# the API answers once the objects are activated
	_n=0
	until icinga2_api "$_ic" GET /v1/status/IcingaApplication >/dev/null 2>&1; do
		_n=$((_n + 1))
		[ "$_n" -lt 100 ] || { echo "icinga2_start: the API does not answer" >&2; return 1; }
		sleep 0.1
	done
}

icinga2_stop() {
	stop_pid "$(cat "$1/daemon.pid" 2>/dev/null)" 15
}

# The password goes to curl in a config file, never on its command line.
icinga2_api() {
	_ic=$1 _method=$2 _path=$3 _data=${4:-}
	printf 'user = "mailstatus:%s"\n' "$(cat "$_ic/api.pw")" >"$_ic/curl.cfg"
	chmod 600 "$_ic/curl.cfg"
	if [ -n "$_data" ]; then
		curl -sS --fail-with-body -K "$_ic/curl.cfg" --cacert "$_ic/ca.crt" \
			--resolve "$(cat "$_ic/node"):$(cat "$_ic/port"):127.0.0.1" \
			-H 'Accept: application/json' -X "$_method" --data-binary "$_data" \
			"https://$(cat "$_ic/node"):$(cat "$_ic/port")$_path"
	else
		curl -sS --fail-with-body -K "$_ic/curl.cfg" --cacert "$_ic/ca.crt" \
			--resolve "$(cat "$_ic/node"):$(cat "$_ic/port"):127.0.0.1" \
			-H 'Accept: application/json' -X "$_method" \
			"https://$(cat "$_ic/node"):$(cat "$_ic/port")$_path"
	fi
}

icinga2_attr() {
	_ic=$1 _h=$2 _s=$3 _a=$4
	if [ "$_s" = "-" ]; then
		_url="/v1/objects/hosts/$_h"
	else
		_url="/v1/objects/services/$_h!$(printf '%s' "$_s" | sed 's/ /%20/g')"
	fi
	icinga2_api "$_ic" GET "$_url" 2>/dev/null | $_icinga2_py -c '
import json, sys
a = json.load(sys.stdin)["results"][0]["attrs"]
for k in sys.argv[1].split("."):
    a = a[k] if a is not None else None
print("" if a is None else (int(a) if isinstance(a, float) and a == int(a) else a))
' "$_a" 2>/dev/null
}

icinga2_wait() {
	_ic=$1 _h=$2 _s=$3 _want=$4 _secs=${5:-30}
	_n=0
	while [ "$_n" -lt $((_secs * 5)) ]; do
		if [ "$(icinga2_attr "$_ic" "$_h" "$_s" state)" = "$_want" ] &&
		   [ "$(icinga2_attr "$_ic" "$_h" "$_s" state_type)" = "1" ]; then
			return 0
		fi
		sleep 0.2
		_n=$((_n + 1))
	done
	echo "icinga2_wait: $_h!$_s is $(icinga2_attr "$_ic" "$_h" "$_s" state)/$(icinga2_attr "$_ic" "$_h" "$_s" state_type), not $_want HARD after ${_secs}s" >&2
	return 1
}

# A check now, instead of waiting for the next interval.
icinga2_recheck() {
	_ic=$1 _h=$2 _s=$3
	if [ "$_s" = "-" ]; then
		icinga2_api "$_ic" POST "/v1/actions/reschedule-check" \
			"{\"type\":\"Host\",\"filter\":\"host.name==\\\"$_h\\\"\",\"force\":true}" >/dev/null
	else
		icinga2_api "$_ic" POST "/v1/actions/reschedule-check" \
			"{\"type\":\"Service\",\"filter\":\"host.name==\\\"$_h\\\" && service.name==\\\"$_s\\\"\",\"force\":true}" >/dev/null
	fi
}
