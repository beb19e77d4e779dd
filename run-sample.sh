#!/bin/bash
# run-sample.sh: the main job on bundled sample data, from a fresh Debian 12
# machine (as root) or a developer's checkout.
#
# It installs what is missing, builds, starts a small mail platform of its
# own on loopback (postgrey, Postfix, Dovecot, Roundcube and a "mail
# storage" mounted in a private mount namespace), runs every plugin
# against it the way Nagios would, then runs mailstatus-publish on the
# bundled Nagios status.dat (samples/publisher/) and says where the feeds
# and pages are. Everything it starts is stopped again at the end.
set -eu
# a step outside the counted sections that fails stops the script, saying where
trap 'echo "run-sample: FAILED at line $LINENO: $BASH_COMMAND" >&2' ERR
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"

scripts/install-deps.sh build
tests/peers/install.sh
scripts/build.sh build/default
bin=$top/build/default
out=$top/build/sample
rm -rf "$out"
mkdir -p "$out"

# shellcheck source=tests/peers/common.sh
. tests/peers/common.sh
. tests/peers/postfix.sh
. tests/peers/postgrey.sh
. tests/peers/dovecot.sh
. tests/peers/roundcube.sh
. tests/peers/webmail-stack.sh

# The sample platform's ports, all on 127.0.0.1.
GREY=14023 SMTP=14025 SUBMISSION=14587 IMAP=14143 IMAPS=14993 LMTP=14424 HTTP=14080
DOMAIN=sample.test PROBE=probe@sample.test

peers_workdir sample
trap peers_cleanup EXIT
W=$PEERS_DIR

# Every section is counted: one that does not give the answer the sample
# platform is built to give (or cannot run at all) makes the script fail,
# naming it at the end.
failed_sections=""
section_failed() {
	failed_sections="$failed_sections
  - $1"
	echo "*** this section FAILED: $2"
}

# run TITLE WANT COMMAND...: one plugin run, shown as Nagios sees it; WANT
# is the exit status the sample platform must give (0 OK ... 3 UNKNOWN)
run() {
	title=$1 want=$2
	shift 2
	echo
	echo "--- $title"
	echo "\$ $*" | sed "s|$bin/plugins/||; s|$W|\$SAMPLE|g"
	set +e
	"$@" 2>&1 | sed "s|$W|\$SAMPLE|g"
	rc=${PIPESTATUS[0]}
	set -e
	echo "(exit status $rc)"
	[ "$rc" -eq "$want" ] || section_failed "$title" "exit status $rc, the sample gives $want"
}

echo "=== Starting the sample platform on 127.0.0.1 (work directory $W)"
postgrey_start "$W/postgrey" "$GREY" 2
# The MX greylists through postgrey; the probe's address 127.0.0.1 is not
# trusted (mynetworks), as an operator's monitoring host must not be.
webmail_stack_start "$W" "$DOMAIN" "$PROBE" probepw php \
	'mynetworks = 127.0.0.2/32' \
	"smtpd_recipient_restrictions = reject_unauth_destination, check_policy_service inet:127.0.0.1:$GREY" \
	'queue_run_delay = 1h' 'minimal_backoff_time = 1h' 'maximal_backoff_time = 2h' >/dev/null
printf 'probepw\n' >"$W/probe.pw"
chmod 600 "$W/probe.pw"

# Mail that cannot leave (the relay host is a closed port): a small queue,
# one message of it on hold.
for i in 1 2 3 4 5; do
	printf 'Subject: sample %s\n\nqueued for a remote domain\n' "$i" |
		sendmail -C "$W/postfix/etc" -f "sender@$DOMAIN" "customer$i@example.net"
done
sleep 2
held=$(MAIL_CONFIG="$W/postfix/etc" postqueue -j | head -n 1 | sed -n 's/.*"queue_id": "\([^"]*\)".*/\1/p')
[ -n "$held" ] && postsuper -c "$W/postfix/etc" -h "$held" >/dev/null 2>&1

echo
echo "=== The plugins"
run "greylisting: a new sender is deferred by postgrey (policy protocol)" 0 \
	"$bin/plugins/check_greylist" -H 127.0.0.1 -p "$GREY"
run "greylisting: ...and let through on its second try (postgrey's test time)" 0 \
	"$bin/plugins/check_greylist" -H 127.0.0.1 -p "$GREY" --test-time-offset=5
run "greylisting through the MX itself (SMTP, never DATA)" 0 \
	"$bin/plugins/check_greylist" --mode=smtp -H 127.0.0.1 -p "$SMTP" --recipient="$PROBE"
run "the mail queue: count and age per queue, reasons with -v" 1 \
	"$bin/plugins/check_mail_queue" --config-dir="$W/postfix/etc" -w 3 -c 10 -v
run "webmail: log into Roundcube, send, find the message over IMAP, delete it" 0 \
	env MAILSTATUS_PASSWORD=probepw "$bin/plugins/check_webmail_send" \
	--url="http://127.0.0.1:$HTTP/" -u "$PROBE" --imap-url="imap://127.0.0.1:$IMAP/INBOX" \
	--ca-file="$W/dovecot/cert.pem"

# The mail storage: a tmpfs with a marker file, in a private mount
# namespace so the machine's own mounts are not touched; and a directory
# where the storage should be mounted but is not.
S=$W/storage
mkdir -p "$S/mail" "$S/mail2" "$W/state"
cat >"$W/storage.sh" <<STORAGE
set -u
# a section's own exit statuses: the first check must be OK (0), the second
# CRITICAL (2); anything else, or a mount that fails, fails the section
mount -t tmpfs -o size=64m mailstore "$S/mail" || exit 10
printf 'cluster-a\n' >"$S/mail/.mailstore"
"$bin/plugins/check_storage_mount" -p "$S/mail" --fstype=tmpfs --sentinel=.mailstore \\
	--sentinel-content=cluster-a --write-test --free-warning=20% --state-dir="$W/state"
first=\$?
echo "(exit status \$first)"
echo
echo "--- the same check where the storage is not mounted (users would see an empty directory)"
"$bin/plugins/check_storage_mount" -p "$S/mail2" --sentinel=.mailstore --state-dir="$W/state"
second=\$?
echo "(exit status \$second)"
[ "\$first" -eq 0 ] || exit 11
[ "\$second" -eq 2 ] || exit 12
STORAGE
storage_title="mail storage: mounted, the right filesystem, not silently empty, takes writes"
echo
echo "--- $storage_title"
set +e
unshare -m --propagation private bash "$W/storage.sh" 2>&1 | sed "s|$W|\$SAMPLE|g"
rc=${PIPESTATUS[0]}
set -e
case $rc in
0) ;;
10) section_failed "$storage_title" "cannot mount a tmpfs in a private mount namespace" ;;
11) section_failed "$storage_title" "the mounted storage is not OK" ;;
12) section_failed "$storage_title" "the storage that is not mounted is not CRITICAL" ;;
*) section_failed "$storage_title" "unshare -m could not run the section (exit status $rc)" ;;
esac

echo
echo "=== The publisher, on the bundled Nagios status.dat (samples/publisher/)"
site=$out/site
sed -e "s|^output_dir = .*|output_dir = $site|" -e "s|^store = .*|store = $out/publish.db|" \
	-e "s|^source = statusdat:status.dat|source = statusdat:$top/samples/publisher/status.dat|" \
	samples/publisher/publish.conf >"$out/publish.conf"
echo
echo "--- the sample's past and present: twelve days online, a storage incident on"
echo "    20 Nov resolved after two updates, a maintenance announced the day before,"
echo "    then the state in status.dat (a greylisting gateway down, commented and"
echo "    acknowledged in Nagios; Cluster B's storage in scheduled downtime)"
set +e
samples/publisher/replay.sh "$bin/mailstatus-publish" "$out/publish.conf" 2>&1 | sed "s|$top/||g"
rc=${PIPESTATUS[0]}
set -e
[ "$rc" -eq 0 ] || section_failed "the publisher's replay of the sample" "replay.sh exited with status $rc"
created=$(sed -n 's/^[[:space:]]*created=//p' samples/publisher/status.dat | head -n 1)
run "the same state again publishes nothing new and rewrites no file" 0 \
	"$bin/mailstatus-publish" -c "$out/publish.conf" -v run --now "@$((created + 60))"
run "what the store holds now" 0 "$bin/mailstatus-publish" -c "$out/publish.conf" list

echo
echo "=== Where the output is"
echo "Status site: $site/index.html (open it in a browser, or serve the directory)"
echo "Feeds: $site/feeds/ (RSS and Atom per cluster, per service in feeds/service/)"
(cd "$site" && find . -type f | sort | sed 's|^\./|  |')
echo "Publisher config and store: $out/publish.conf, $out/publish.db"
for f in index.html status.json history.html; do
	[ -s "$site/$f" ] || section_failed "the status site" "$site/$f was not written"
done

if [ -n "$failed_sections" ]; then
	echo
	echo "run-sample: these sections FAILED:$failed_sections"
	exit 1
fi
echo
echo "run-sample: every section ran and gave the sample's answers"
