#!/bin/bash
# The definitions users paste in (contrib/nagios/mailstatus.cfg,
# contrib/icinga2/mailstatus.conf), validated by the engines themselves:
# nagios4 -v with every commented sample service and contact uncommented,
# icinga2 daemon -C with sample hosts that the apply rules pick up. Also:
# the combined files carry each plugin's own definitions unchanged, and
# every CheckCommand's custom variables carry its name as their prefix.
set -u
. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/nagios.sh"
. "$top_srcdir/tests/peers/icinga2.sh"

py=/usr/bin/python3
nagios_all="$top_srcdir/contrib/nagios/mailstatus.cfg"
icinga_all="$top_srcdir/contrib/icinga2/mailstatus.conf"

for need in nagios4 icinga2; do
	command -v "$need" >/dev/null || { echo "skip: $need is not installed"; exit 77; }
done

peers_workdir engine-definitions
trap peers_cleanup EXIT
W=$PEERS_DIR

# REGENERATE=1: rewrite the combined files from the plugins' own files
# (plugins/*/check_*.cfg and .conf, after one changed), keeping their head
# and publisher part.
if [ -n "${REGENERATE:-}" ]; then
	$py - "$top_srcdir" <<'PY'
import glob, os, sys
top = sys.argv[1]
for engine, ext, sep, push in (
        ("nagios", "cfg", "# " + "=" * 70 + "\n", "# mailstatus-publish: push."),
        ("icinga2", "conf", "/* " + "=" * 68 + " */\n", "/*\n * mailstatus-publish: push.")):
    path = os.path.join(top, "contrib", engine, "mailstatus." + ext)
    s = open(path).read()
    parts = [sep + open(f).read() + "\n"
             for f in sorted(glob.glob(os.path.join(top, "plugins", "*", "check_*." + ext)),
                             key=os.path.basename)]
    open(path, "w").write(s[:s.index(sep)] + "".join(parts) + s[s.index(sep + push):])
    print("rewrote", path)
PY
	exit
fi

# --- the combined files hold each plugin's file, whole and unchanged
# (commands, samples and comments: the combined file is what users read)
if out=$($py - "$top_srcdir" <<'PY'
import glob, os, sys
top = sys.argv[1]
bad = []
for engine, ext in (("nagios", "cfg"), ("icinga2", "conf")):
    combined = open(os.path.join(top, "contrib", engine, "mailstatus." + ext)).read()
    for f in sorted(glob.glob(os.path.join(top, "plugins", "*", "check_*." + ext))):
        if open(f).read() not in combined:
            bad.append("%s is not in mailstatus.%s as it is" % (os.path.relpath(f, top), ext))
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
); then
	check_ok "mailstatus.cfg and mailstatus.conf carry every check_* file unchanged"
else
	check_fail "the combined files differ from the plugins' own (REGENERATE=1 $0 rewrites them): $out"
fi

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

# --- Nagios 4: the commands and every sample, uncommented -------------------
# uncomment FILE: the commented "define service/contact { ... }" blocks
uncomment() {
	awk '
		/^#[ \t]*define (service|contact) *\{/ { on = 1 }
		on { line = $0; sub(/^#[ \t]?/, "", line); print line }
		on && /^#[ \t]*\}/ { on = 0 }' "$1"
}

N=$W/nagios
nagios_setup "$N"
cp "$nagios_all" "$N/mailstatus.cfg"
echo "cfg_file=$N/mailstatus.cfg" >>"$N/nagios.cfg"
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
	uncomment "$nagios_all"
} | nagios_objects "$N"
want_services=$(uncomment "$nagios_all" | grep -c 'define service')
chown -R nagios:nagios "$N"
if nagios4 -v "$N/nagios.cfg" >"$W/nagios-verify.out" 2>&1; then
	check_ok "nagios4 -v accepts mailstatus.cfg with its $want_services sample services"
else
	check_fail "nagios4 -v: $(grep -E 'Error|Warning' "$W/nagios-verify.out")"
fi
got=$(sed -n 's/^[[:space:]]*Checked \([0-9]*\) services\./\1/p' "$W/nagios-verify.out")
[ "$got" = "$want_services" ] && [ "$want_services" -ge 8 ] &&
	check_ok "Nagios checked all $got sample services" ||
	check_fail "Nagios checked '$got' services, the file has $want_services samples"
# the harness's own nagios.cfg draws two warnings of its own; and
# "Greylisting learns" checks every 70 (minutes, in a real set-up) where the
# test's generic-service, like Debian's, re-notifies every 60: a true remark
# about that sample, left to its owner.
warnings=$(grep '^Warning' "$W/nagios-verify.out" |
	grep -v -e 'command_check_interval is deprecated' -e 'illegal_macro_output_chars' \
		-e "Service 'Greylisting learns'.*notification interval less than its check interval")
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

# --- Icinga 2: the CheckCommands, the publisher's commands, the apply rules
I=$W/icinga2
icinga2_setup "$I" defs.test 15670 || { echo "FAIL: icinga2 setup"; exit 1; }
cp "$icinga_all" "$I/mailstatus.conf"
sed -i "s|^include \"objects.conf\"|include \"mailstatus.conf\"\ninclude \"objects.conf\"|" "$I/icinga2.conf"
icinga2_objects "$I" <<'OBJ'
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
if icinga2_validate "$I"; then
	check_ok "icinga2 daemon -C accepts mailstatus.conf"
else
	check_fail "icinga2 daemon -C: $(grep -E 'critical|warning' "$I/validate.out")"
fi
grep -q 'warning/' "$I/validate.out" &&
	check_fail "icinga2 warns: $(grep 'warning/' "$I/validate.out")" ||
	check_ok "no warnings from icinga2 daemon -C"
# what the apply rules made, as Icinga's own object list says
# shellcheck disable=SC2046
objects=$(icinga2 object list $(icinga2_defs "$I") 2>/dev/null)
services=$(printf '%s\n' "$objects" | sed -n "s/^Object '\([^']*\)' of type 'Service':/\1/p" | sort | tr '\n' ' ')
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
# the test can tell: a wrong CheckCommand name is refused
echo 'object Service "x" { host_name = "mailstore1"; check_command = "storage_mount_typo" }' |
	icinga2_objects "$I"
if icinga2_validate "$I"; then
	check_fail "icinga2 daemon -C accepted an undefined CheckCommand"
else
	check_ok "icinga2 daemon -C refuses an undefined CheckCommand (the validation is real)"
fi

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
