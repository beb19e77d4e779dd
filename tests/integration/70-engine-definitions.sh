#!/bin/bash
# The definitions users copy, validated by the engines themselves: the
# whole contrib/nagios/ folder in a cfg_dir (nagios4 -v, with every
# commented sample service and contact uncommented) and the whole
# contrib/icinga2/ folder in conf.d (icinga2 daemon -C, with sample hosts
# that the apply rules pick up); then each program's own files instead
# (plugins/*/check_*.cfg and .conf, publisher/mailstatus-publish.*), the
# other way users may take. A command defined twice is refused, which the
# test shows too. Also: every CheckCommand's custom variables carry its
# name as their prefix. That the files are what the option tables make is
# `make check`'s (tests/generated.test); this test needs the engines, and
# under run-tests.sh (strict) their absence is a failure, not a skip.
set -u
. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/nagios.sh"
. "$top_srcdir/tests/peers/icinga2.sh"

py=/usr/bin/python3
icinga_all="$top_srcdir/contrib/icinga2/mailstatus.conf"

for need in nagios4 icinga2; do
	command -v "$need" >/dev/null || { echo "skip: $need is not installed"; exit 77; }
done

peers_workdir engine-definitions
trap peers_cleanup EXIT
W=$PEERS_DIR

# --- ITL style: a CheckCommand's custom variables start with its name
if out=$($py - "$icinga_all" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
bad = []
for name, body in re.findall(r'object CheckCommand "([^"]+)" \{(.*?)\n\}', text, re.S):
    used = set(re.findall(r'\$([a-z0-9_.]+)\$', body))
    for v in sorted(used):
        if v in ("check_address",) or "." in v:
            continue
        if not v.startswith(name + "_"):
            bad.append("%s uses $%s$" % (name, v))
    for arg in re.findall(r'"(-[^"]+)" = \{(.*?)\n\t\t\}', body, re.S):
        if "description" not in arg[1]:
            bad.append("%s: argument %s has no description" % (name, arg[0]))
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
); then
	check_ok "every CheckCommand's custom variables are prefixed with its name; every argument has a description"
else
	check_fail "not in the ITL's style: $out"
fi

# --- Nagios 4: the folder whole, and every sample uncommented ---------------
# uncomment FILE...: the commented "define service/contact { ... }" blocks
uncomment() {
	awk '
		/^#[ \t]*define (service|contact) *\{/ { on = 1 }
		on { line = $0; sub(/^#[ \t]?/, "", line); print line }
		on && /^#[ \t]*\}/ { on = 0 }' "$@"
}

# nagios_with DIR FILE-OR-FOLDER...: a Nagios whose cfg_dir holds copies of
# them, with the hosts and templates their samples name, and the samples
nagios_with() {
	_n=$1
	shift
	nagios_setup "$_n"
	mkdir -p "$_n/conf.d"
	cp -R "$@" "$_n/conf.d/"
	echo "cfg_dir=$_n/conf.d" >>"$_n/nagios.cfg"
	{
		cat <<'OBJ'
define service {
  name generic-service
  use flip-service
  notification_interval 60
  register 0
}
define command {
  command_name check_nrpe
  command_line $USER1$/check_nrpe -H $HOSTADDRESS$ -c $ARG1$
}
OBJ
		for h in greylist-gw1 mx1 webmail1 localhost mailstore1; do
			printf 'define host {\n  use flip-host\n  host_name %s\n  address 127.0.0.1\n  check_command check_flip!%s\n}\n' "$h" "$h"
		done
		# shellcheck disable=SC2046
		uncomment $(find "$_n/conf.d" -name '*.cfg' | sort)
	} | nagios_objects "$_n"
	chown -R nagios:nagios "$_n"
}

# the harness's own nagios.cfg draws two warnings of its own; and
# "Greylisting learns" checks every 70 (minutes, in a real set-up) where the
# test's generic-service, like Debian's, re-notifies every 60: a true remark
# about that sample, left to its owner.
nagios_warnings() {
	grep '^Warning' "$1" |
		grep -v -e 'command_check_interval is deprecated' -e 'illegal_macro_output_chars' \
			-e "Service 'Greylisting learns'.*notification interval less than its check interval"
}

N=$W/nagios
nagios_with "$N" "$top_srcdir/contrib/nagios/."
want_services=$(uncomment "$top_srcdir/contrib/nagios/mailstatus.cfg" | grep -c 'define service')
files=$(cd "$top_srcdir/contrib/nagios" && echo *)
if nagios4 -v "$N/nagios.cfg" >"$W/nagios-verify.out" 2>&1; then
	check_ok "nagios4 -v accepts the whole contrib/nagios folder ($files) in a cfg_dir, with its $want_services sample services"
else
	check_fail "nagios4 -v: $(grep -E 'Error|Warning' "$W/nagios-verify.out")"
fi
got=$(sed -n 's/^[[:space:]]*Checked \([0-9]*\) services\./\1/p' "$W/nagios-verify.out")
[ "$got" = "$want_services" ] && [ "$want_services" -ge 8 ] &&
	check_ok "Nagios checked all $got sample services" ||
	check_fail "Nagios checked '$got' services, the file has $want_services samples"
warnings=$(nagios_warnings "$W/nagios-verify.out")
[ -n "$warnings" ] && check_fail "nagios4 -v warns: $warnings" ||
	check_ok "no warnings from nagios4 -v about the definitions"
# the test can tell: a sample naming a command nobody defined is refused
printf 'define service {\n  use generic-service\n  host_name mx1\n  service_description x\n  check_command check_greylist_nonexistent!1\n}\n' |
	nagios_objects "$N"
if nagios4 -v "$N/nagios.cfg" >/dev/null 2>&1; then
	check_fail "nagios4 -v accepted an undefined command: the validation proves nothing"
else
	check_ok "nagios4 -v refuses an undefined command (the validation is real)"
fi

# each program's own file instead: the same commands and samples
nagios_with "$W/nagios-own" "$top_srcdir"/plugins/*/check_*.cfg "$top_srcdir/publisher/mailstatus-publish.cfg"
if nagios4 -v "$W/nagios-own/nagios.cfg" >"$W/nagios-own.out" 2>&1 &&
	grep -q "^[[:space:]]*Checked $want_services services\." "$W/nagios-own.out" &&
	[ -z "$(nagios_warnings "$W/nagios-own.out")" ]; then
	check_ok "nagios4 -v accepts the plugins' and the publisher's own .cfg files instead, with the same $want_services services"
else
	check_fail "each program's own .cfg: $(grep -E 'Error|Warning|Checked .* services' "$W/nagios-own.out")"
fi

# the test can tell: a plugin's own file beside the combined one is a double
nagios_with "$W/nagios-dup" "$top_srcdir/contrib/nagios/." "$top_srcdir/plugins/greylist/check_greylist.cfg"
nagios4 -v "$W/nagios-dup/nagios.cfg" >"$W/nagios-dup.out" 2>&1
if grep -q "Duplicate definition found for command 'check_greylist'" "$W/nagios-dup.out"; then
	check_ok "nagios4 -v finds check_greylist defined twice when a plugin's .cfg is copied beside mailstatus.cfg"
else
	check_fail "nagios4 -v does not see the double check_greylist: $(grep -E 'Error|Warning' "$W/nagios-dup.out" | head -n 3)"
fi

# --- Icinga 2: the folder whole in conf.d, the apply rules, the publisher's --
# icinga2_with DIR PORT FILE-OR-FOLDER...: an Icinga 2 whose conf.d holds
# copies of them (include_recursive, as a stock icinga2.conf has it), with
# sample hosts that the apply rules pick up
icinga2_with() {
	_i=$1 _port=$2
	shift 2
	icinga2_setup "$_i" defs.test "$_port" || { echo "FAIL: icinga2 setup"; exit 1; }
	mkdir -p "$_i/conf.d"
	cp -R "$@" "$_i/conf.d/"
	sed -i 's|^include "objects.conf"|include_recursive "conf.d"\ninclude "objects.conf"|' "$_i/icinga2.conf"
	icinga2_objects "$_i" <<'OBJ'
object Host "greylist-gw1" {
  check_command = "dummy"
  address = "192.0.2.10"
  vars.greylisting = "postgrey"
}
object Host "webmail1" {
  check_command = "dummy"
  address = "192.0.2.30"
  vars.mta = "postfix"
  vars.agent_endpoint = NodeName
  zone = ZoneName	// in a real set-up: the file is in zones.d/master
  vars.webmail_url = "https://webmail.example.com/"
  vars.webmail_imap_url = "imaps://imap.example.com/INBOX"
}
object Host "mailstore1" {
  check_command = "dummy"
  address = "192.0.2.40"
  vars.mail_storage = { path = "/srv/mail", source = "filer2:/export/mail" }
}
OBJ
}

# services DIR: the Service objects the apply rules made, as Icinga lists them
services() {
	# shellcheck disable=SC2046
	icinga2 object list $(icinga2_defs "$1") 2>/dev/null |
		sed -n "s/^Object '\([^']*\)' of type 'Service':/\1/p" | sort | tr '\n' ' '
}

I=$W/icinga2
icinga2_with "$I" 15670 "$top_srcdir/contrib/icinga2/."
files=$(cd "$top_srcdir/contrib/icinga2" && echo *)
if icinga2_validate "$I"; then
	check_ok "icinga2 daemon -C accepts the whole contrib/icinga2 folder ($files) in conf.d"
else
	check_fail "icinga2 daemon -C: $(grep -E 'critical|warning' "$I/validate.out")"
fi
grep -q 'warning/' "$I/validate.out" &&
	check_fail "icinga2 warns: $(grep 'warning/' "$I/validate.out")" ||
	check_ok "no warnings from icinga2 daemon -C"
# what the apply rules made, as Icinga's own object list says
# shellcheck disable=SC2046
objects=$(icinga2 object list $(icinga2_defs "$I") 2>/dev/null)
services=$(services "$I")
want="greylist-gw1!greylisting greylist-gw1!greylisting-learns mailstore1!mail-storage webmail1!mail-queue webmail1!webmail-send "
[ "$services" = "$want" ] && check_ok "the apply rules make: $services" ||
	check_fail "the apply rules made '$services', want '$want'"
notes=$(printf '%s\n' "$objects" | grep -c "of type 'Notification'")
# five services and three hosts with mail roles
[ "$notes" -eq 8 ] && check_ok "mailstatus-publish is notified of all 5 services and 3 hosts" ||
	check_fail "$notes Notification objects, want 8"
for cmd in "NotificationCommand':mailstatus-publish-service" "NotificationCommand':mailstatus-publish-host" \
	   "EventCommand':mailstatus-publish-service" "EventCommand':mailstatus-publish-host"; do
	type=${cmd%%\':*} name=${cmd#*:}
	printf '%s\n' "$objects" | grep -q "^Object '$name' of type '$type" &&
		check_ok "$type $name is defined" || check_fail "no $type $name"
done
# a CheckCommand's custom variable really reaches the command line
if printf '%s\n' "$objects" | grep -q "vars.mail_queue_age_warning.*30m\|mail_queue_age_warning.*= \"30m\""; then
	check_ok "mail-queue carries mail_queue_age_warning = 30m"
else
	check_fail "mail_queue_age_warning not found on the mail-queue service"
fi
# the test can tell: the problem users had, a plugin's own file beside the
# combined one in conf.d, is refused
cp "$top_srcdir/plugins/greylist/check_greylist.conf" "$I/conf.d/"
if ! icinga2_validate "$I" &&
	grep -q "Object 'greylist' of type 'CheckCommand' re-defined" "$I/validate.out"; then
	check_ok "icinga2 daemon -C refuses a plugin's .conf beside mailstatus.conf (CheckCommand 'greylist' re-defined)"
else
	check_fail "icinga2 daemon -C did not refuse greylist twice: $(grep -E 'critical' "$I/validate.out" | head -n 3)"
fi
rm -f "$I/conf.d/check_greylist.conf"
# the test can tell: a wrong CheckCommand name is refused
echo 'object Service "x" { host_name = "mailstore1"; check_command = "storage_mount_typo" }' |
	icinga2_objects "$I"
if icinga2_validate "$I"; then
	check_fail "icinga2 daemon -C accepted an undefined CheckCommand"
else
	check_ok "icinga2 daemon -C refuses an undefined CheckCommand (the validation is real)"
fi

# each program's own file instead: the same services
I2=$W/icinga2-own
icinga2_with "$I2" 15671 "$top_srcdir"/plugins/*/check_*.conf "$top_srcdir/publisher/mailstatus-publish.conf"
if icinga2_validate "$I2" && ! grep -q 'warning/' "$I2/validate.out" &&
	[ "$(services "$I2")" = "$want" ]; then
	check_ok "icinga2 daemon -C accepts the plugins' and the publisher's own .conf files instead, with the same services"
else
	check_fail "each program's own .conf: $(grep -E 'critical|warning' "$I2/validate.out" | head -n 3); services: $(services "$I2")"
fi

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
