#!/bin/bash
# More than one machine: two Icinga 2 instances, a master and an agent in
# a child zone, with certificates from the master's CA, talking over
# their API ports on 127.0.0.1. The agent runs in a mount namespace of its
# own, where the mail store is mounted: the master cannot see that mount,
# so the plugin's OK can only come from the agent (command_endpoint), and
# the API's check_source names it. The publisher reads the master's API;
# unmounting the store on the agent makes the cluster Degraded, mounting
# it again Online.
set -u
. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/icinga2.sh"

publish="$top_builddir/mailstatus-publish"
plugins="$top_builddir/plugins"
py=/usr/bin/python3
MASTER_PORT=15668 AGENT_PORT=15669
MASTER=master.e2e.test AGENT=agent.e2e.test

command -v icinga2 >/dev/null || { echo "skip: icinga2 is not installed"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root (mounts)"; exit 77; }
unshare -m --propagation private true 2>/dev/null || { echo "skip (kernel): no mount namespaces (unshare -m)"; exit 77; }
$py -c 'import feedparser' 2>/dev/null || { echo "skip: python3-feedparser is not installed"; exit 77; }
[ -x "$plugins/check_storage_mount" ] || { echo "FAIL: check_storage_mount is not built"; exit 1; }

peers_workdir distributed
trap peers_cleanup EXIT
W=$PEERS_DIR
M=$W/master A=$W/agent OUT=$W/www
STORE=$W/mail-store	# mounted only in the agent's namespace

zones="object Endpoint \"$MASTER\" { }
object Zone \"$MASTER\" { endpoints = [ \"$MASTER\" ] }
object Endpoint \"$AGENT\" { host = \"127.0.0.1\"; port = $AGENT_PORT }
object Zone \"$AGENT\" { endpoints = [ \"$AGENT\" ]; parent = \"$MASTER\" }"
agent_zones="object Endpoint \"$MASTER\" { }
object Zone \"$MASTER\" { endpoints = [ \"$MASTER\" ] }
object Endpoint \"$AGENT\" { }
object Zone \"$AGENT\" { endpoints = [ \"$AGENT\" ]; parent = \"$MASTER\" }"

icinga2_setup "$M" "$MASTER" "$MASTER_PORT" "$zones" || { echo "FAIL: master setup"; exit 1; }
icinga2_setup "$A" "$AGENT" "$AGENT_PORT" "$agent_zones" || { echo "FAIL: agent setup"; exit 1; }
# the agent's certificate comes from the master's CA, as "icinga2 node
# setup" or a signed CSR would give it
icinga2_sign "$M" "$AGENT" || { echo "FAIL: signing the agent's certificate"; exit 1; }
cp "$M/lib/certs/$AGENT.crt" "$M/lib/certs/$AGENT.key" "$A/lib/certs/"
cp "$M/ca.crt" "$A/lib/certs/ca.crt"
chown -R nagios:nagios "$A"

# both know the CheckCommands (an agent runs what it has a definition of)
for i in "$M" "$A"; do
	cp "$top_srcdir/contrib/icinga2/mailstatus.conf" "$i/mailstatus.conf"
	sed -i -e "s|^const PluginDir = .*|const PluginDir = \"$plugins\"|" \
		-e 's|^include "objects.conf"|include "mailstatus.conf"\ninclude "objects.conf"|' "$i/icinga2.conf"
done
mkdir -p "$W/smstate" "$STORE"
chown nagios "$W/smstate"
icinga2_objects "$M" <<OBJ
object Host "$AGENT" {
  check_command = "cluster-zone"	// the agent's own health, seen from the master
  check_interval = 2s
  retry_interval = 2s
  max_check_attempts = 1
  zone = "$MASTER"
}
object Host "store-local.e2e.test" {
  check_command = "dummy"
  check_interval = 2s
}
object Service "mail storage" {
  host_name = "$AGENT"
  check_command = "storage_mount"
  command_endpoint = "$AGENT"
  zone = "$MASTER"	// in a real set-up: the file is in zones.d/master
  check_interval = 2s
  retry_interval = 2s
  max_check_attempts = 1
  vars.storage_mount_path = "$STORE"
  vars.storage_mount_fstype = "tmpfs"
  vars.storage_mount_state_dir = "$W/smstate"
  vars.storage_mount_write_test_dir = ".probe"
  vars.storage_mount_timeout = 4
}
object Service "mail storage" {
  host_name = "store-local.e2e.test"
  check_command = "storage_mount"
  check_interval = 2s
  retry_interval = 2s
  max_check_attempts = 1
  vars.storage_mount_path = "/"
  vars.storage_mount_state_dir = "$W/smstate"
  vars.storage_mount_write_test_dir = "tmp"
  vars.storage_mount_timeout = 4
}
OBJ

# the agent, in its own mount namespace with the store mounted
icinga2_validate "$A" || { echo "FAIL: the agent's config: $(grep critical "$A/validate.out")"; exit 1; }
# shellcheck disable=SC2046
unshare -m --propagation private sh -c '
	mount -t tmpfs -o size=4m,mode=0777 agent-store "$1" && mkdir -m 777 "$1/.probe" && shift &&
	exec "$@"' agent "$STORE" icinga2 daemon -c "$A/icinga2.conf" $(icinga2_defs "$A") >"$A/daemon.out" 2>&1 &
echo $! >"$A/daemon.pid"
peers_on_cleanup "icinga2_stop '$A'"
wait_port 127.0.0.1 "$AGENT_PORT" 30 || { echo "FAIL: the agent does not listen: $(tail -3 "$A/daemon.out")"; exit 1; }
icinga2_start "$M" || { echo "FAIL: the master did not start: $(grep -E critical "$M/validate.out" "$M/daemon.out" | head -3)"; exit 1; }

grep -q " $STORE " /proc/self/mountinfo &&
	check_fail "the store is mounted where the master runs: the test proves nothing" ||
	check_ok "the store is mounted only in the agent's namespace"

if icinga2_wait "$M" "$AGENT" - 0 40; then
	check_ok "master and agent connected: the cluster-zone check of $AGENT is UP"
else
	check_fail "the zones did not connect: $(icinga2_attr "$M" "$AGENT" - last_check_result.output); $(grep -i 'ApiListener\|JsonRpc' "$M/log/icinga2.log" | tail -n 3)"
fi
if icinga2_wait "$M" "$AGENT" "mail storage" 0 30; then
	src=$(icinga2_attr "$M" "$AGENT" "mail storage" last_check_result.check_source)
	[ "$src" = "$AGENT" ] && check_ok "the agent ran check_storage_mount (check_source $src): $(icinga2_attr "$M" "$AGENT" "mail storage" last_check_result.output)" ||
		check_fail "the check ran on '$src', not on the agent"
else
	check_fail "the agent's storage check is not OK: $(icinga2_attr "$M" "$AGENT" "mail storage" last_check_result.output)"
fi
# the same path checked on the master itself: not a mount there
out=$(runuser -u nagios -- "$plugins/check_storage_mount" -p "$STORE" --state-dir="$W/smstate" 2>&1)
[ $? -eq 2 ] && check_ok "on the master the path is no mount (CRITICAL): the OK above came from the agent" ||
	check_fail "on the master: $out"

# --- the publisher on the master's API ------------------------------------------
cp "$M/api.pw" "$W/api.pw"
chmod 600 "$W/api.pw"
cat >"$W/publish.conf" <<CONF
[publisher]
title = Example Hosting System Status
base_url = https://status.example.com/
output_dir = $OUT
store = $W/state/publish.db
source = icinga2:https://127.0.0.1:$MASTER_PORT
api_user = mailstatus
api_password_file = $W/api.pw
api_ca_file = $M/ca.crt
api_server_name = $MASTER
hold_down = 0

[cluster email-cluster-a]
name = Email Cluster A
service = Email Service

[component email-cluster-a storage]
name = Mail Storage
member = $AGENT!mail storage = Mail Storage 1
member = store-local.e2e.test!mail storage = Mail Storage 2
CONF
icinga2_wait "$M" store-local.e2e.test - 0 20 || check_fail "store-local is not UP"
icinga2_wait "$M" store-local.e2e.test "mail storage" 0 20 || check_fail "the master's own storage check is not OK"
newest() {
	$py - "$OUT/feeds/$1" <<'PY'
import sys, feedparser
d = feedparser.parse(sys.argv[1])
if d.entries:
    print("%s|%s" % (d.entries[0].title, ",".join(t.term for t in d.entries[0].get("tags", []))))
PY
}
out=$("$publish" -c "$W/publish.conf" run 2>&1) && [ -z "$(newest email-cluster-a.rss)" ] &&
	check_ok "the publisher reads the master's API: all up" || check_fail "first run: $out"

# --- the store goes away on the agent --------------------------------------------
agent_pid=$(cat "$A/daemon.pid")
nsenter -t "$agent_pid" -m umount "$STORE" || check_fail "cannot unmount in the agent's namespace"
icinga2_wait "$M" "$AGENT" "mail storage" 2 30 &&
	check_ok "the agent reports the store CRITICAL: $(icinga2_attr "$M" "$AGENT" "mail storage" last_check_result.output)" ||
	check_fail "no CRITICAL from the agent: $(icinga2_attr "$M" "$AGENT" "mail storage" last_check_result.output)"
out=$("$publish" -c "$W/publish.conf" run 2>&1) || check_fail "run: $out"
case $(newest email-cluster-a.rss) in
"Email Cluster A is Degraded|Email Cluster A,Incident 1") check_ok "through the master: Email Cluster A is Degraded, incident 1" ;;
*) check_fail "after the unmount: $(newest email-cluster-a.rss)" ;;
esac
nsenter -t "$agent_pid" -m mount -t tmpfs -o size=4m,mode=0777 agent-store "$STORE" &&
	nsenter -t "$agent_pid" -m mkdir -m 777 "$STORE/.probe" || check_fail "cannot mount again"
icinga2_wait "$M" "$AGENT" "mail storage" 0 30 && check_ok "mounted again: OK from the agent" ||
	check_fail "not OK again: $(icinga2_attr "$M" "$AGENT" "mail storage" last_check_result.output)"
out=$("$publish" -c "$W/publish.conf" run 2>&1) || check_fail "run: $out"
[ "$(newest email-cluster-a.rss)" = "Email Cluster A is Online|Email Cluster A,Incident 1" ] &&
	check_ok "Email Cluster A is Online again" || check_fail "after the mount: $(newest email-cluster-a.rss)"

# --- the agent stops: the master says so, the page does not lie -----------------
icinga2_stop "$A"
icinga2_wait "$M" "$AGENT" - 1 40 &&
	check_ok "agent gone: the master's cluster-zone check says DOWN" ||
	check_fail "the master did not notice: $(icinga2_attr "$M" "$AGENT" - last_check_result.output)"

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
