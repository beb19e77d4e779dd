# nagios.sh: a real Nagios 4 of a test's own (Debian's nagios4-core), no
# systemd, no TCP. Source common.sh first. Functions:
#
#   nagios_setup DIR
#       an instance in DIR: nagios.cfg with status_file, command_file,
#       query_socket, lock_file, check_result_path all inside DIR,
#       interval_length=1 (intervals in seconds), a 24x7 timeperiod, a
#       check_flip command and a host template "flip-host" and service
#       template "flip-service" (one attempt: every result is HARD).
#       Add objects with nagios_objects DIR <<EOF ... EOF.
#   nagios_objects DIR          appends stdin to DIR/objects.cfg
#   nagios_flip DIR NAME CODE TEXT
#       what check_flip!NAME reports from now on (0 OK ... 3 UNKNOWN)
#   nagios_start DIR / nagios_stop DIR
#   nagios_cmd DIR 'COMMAND;ARGS'   an external command ([now] prefixed)
#   nagios_recheck DIR HOST [SERVICE]   a forced check now
#   nagios_wait DIR HOST SERVICE|- STATE [SECONDS]
#       until status.dat shows that HARD state (- for the host itself)
#   nagios_wait_field DIR HOST SERVICE|- FIELD VALUE [SECONDS]

nagios_setup() {
	_ng=$1
	mkdir -p "$_ng/rw" "$_ng/tmp" "$_ng/checkresults" "$_ng/flip"
	cat >"$_ng/check_flip" <<'SCRIPT'
#!/bin/sh
# check_flip DIR NAME: prints line 2.. of DIR/flip/NAME, exits with line 1
f="$1/flip/$2"
[ -r "$f" ] || { echo "UNKNOWN - no state file $f"; exit 3; }
code=$(head -n 1 "$f")
tail -n +2 "$f"
exit "$code"
SCRIPT
	chmod 755 "$_ng/check_flip"
	cat >"$_ng/nagios.cfg" <<CFG
log_file=$_ng/nagios.log
cfg_file=$_ng/objects.cfg
object_cache_file=$_ng/objects.cache
precached_object_file=$_ng/objects.precache
resource_file=$_ng/resource.cfg
status_file=$_ng/status.dat
status_update_interval=1
nagios_user=nagios
nagios_group=nagios
check_external_commands=1
command_check_interval=-1
command_file=$_ng/rw/nagios.cmd
query_socket=$_ng/rw/nagios.qh
lock_file=$_ng/nagios.lock
temp_file=$_ng/nagios.tmp
temp_path=$_ng/tmp
state_retention_file=$_ng/retention.dat
retain_state_information=0
check_result_path=$_ng/checkresults
check_result_reaper_frequency=1
interval_length=1
service_inter_check_delay_method=n
host_inter_check_delay_method=n
max_service_check_spread=1
max_host_check_spread=1
use_syslog=0
log_rotation_method=n
enable_notifications=0
enable_flap_detection=0
CFG
	echo '$USER1$=/usr/lib/nagios/plugins' >"$_ng/resource.cfg"
	cat >"$_ng/objects.cfg" <<OBJ
define timeperiod {
  timeperiod_name 24x7
  alias 24x7
  sunday 00:00-24:00
  monday 00:00-24:00
  tuesday 00:00-24:00
  wednesday 00:00-24:00
  thursday 00:00-24:00
  friday 00:00-24:00
  saturday 00:00-24:00
}
define command {
  command_name check_flip
  command_line $_ng/check_flip $_ng \$ARG1\$
}
define command {
  command_name notify_none
  command_line /bin/true
}
define contact {
  contact_name nobody
  host_notifications_enabled 0
  service_notifications_enabled 0
  host_notification_period 24x7
  service_notification_period 24x7
  host_notification_options n
  service_notification_options n
  host_notification_commands notify_none
  service_notification_commands notify_none
}
define host {
  name flip-host
  register 0
  max_check_attempts 1
  check_interval 1
  retry_interval 1
  check_period 24x7
  notification_period 24x7
  contacts nobody
}
define service {
  name flip-service
  register 0
  max_check_attempts 1
  check_interval 1
  retry_interval 1
  check_period 24x7
  notification_period 24x7
  contacts nobody
}
OBJ
}

nagios_objects() {
	cat >>"$1/objects.cfg"
}

nagios_flip() {
	printf '%s\n%s\n' "$3" "$4" >"$1/flip/$2.new"
	mv "$1/flip/$2.new" "$1/flip/$2"
}

nagios_start() {
	_ng=$1
	chown -R nagios:nagios "$_ng"
	if ! nagios4 -v "$_ng/nagios.cfg" >"$_ng/verify.out" 2>&1; then
		echo "nagios_start: the configuration does not validate:" >&2
		grep -E 'Error|Warning' "$_ng/verify.out" >&2
		return 1
	fi
	nagios4 "$_ng/nagios.cfg" >"$_ng/nagios.out" 2>&1 &
	echo $! >"$_ng/nagios.pid"
	peers_on_cleanup "nagios_stop '$_ng'"
	_i=0
	while [ ! -s "$_ng/status.dat" ] && [ "$_i" -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -s "$_ng/status.dat" ] || { echo "nagios_start: no status.dat after 10 s" >&2; return 1; }
}

nagios_stop() {
	stop_pid "$(cat "$1/nagios.pid" 2>/dev/null)" 10
}

nagios_cmd() {
	printf '[%s] %s\n' "$(date +%s)" "$2" >>"$1/rw/nagios.cmd"
}

nagios_recheck() {
	if [ -n "${3:-}" ]; then
		nagios_cmd "$1" "SCHEDULE_FORCED_SVC_CHECK;$2;$3;$(date +%s)"
	else
		nagios_cmd "$1" "SCHEDULE_FORCED_HOST_CHECK;$2;$(date +%s)"
	fi
}

# Prints FIELD of the host's (SERVICE = -) or service's status block.
nagios_field() {
	awk -v host="$2" -v svc="$3" -v field="$4" '
		/^(hoststatus|servicestatus) \{/ { kind = $1; h = ""; s = ""; v = ""; next }
		/^\t\}/ {
			if (h == host && ((svc == "-" && kind == "hoststatus") ||
			    (kind == "servicestatus" && s == svc))) { print v; exit }
			kind = ""; next
		}
		kind != "" {
			line = $0; sub(/^\t/, "", line)
			k = line; sub(/=.*/, "", k)
			val = line; sub(/^[^=]*=/, "", val)
			if (k == "host_name") h = val
			else if (k == "service_description") s = val
			if (k == field) v = val
		}' "$1/status.dat"
}

nagios_wait_field() {
	_ng=$1 _h=$2 _s=$3 _f=$4 _want=$5 _secs=${6:-20}
	_i=0
	while [ "$_i" -lt $((_secs * 10)) ]; do
		[ "$(nagios_field "$_ng" "$_h" "$_s" "$_f")" = "$_want" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "nagios_wait_field: $_h!$_s $_f is '$(nagios_field "$_ng" "$_h" "$_s" "$_f")', not '$_want' after ${_secs}s" >&2
	return 1
}

nagios_wait() {
	nagios_wait_field "$1" "$2" "$3" current_state "$4" "${5:-20}" &&
		nagios_wait_field "$1" "$2" "$3" state_type 1 "${5:-20}"
}
