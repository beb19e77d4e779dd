#!/bin/sh
# replay.sh [PROGRAM [CONFIG]]: the sample's past, then its present.
#
# Imports the months before from the engine's logs (log/: Nagios 4's
# monthly archives and nagios.log, written by log/derive.py), so the
# 90-day strips are full from the first run; then runs
# mailstatus-publish on the status.dat files of history/ (derived
# from the real Nagios file by history/derive.py: twelve days of
# everything online, then a storage incident on 20 Nov that was resolved
# after two updates), announces Cluster B's maintenance the day before,
# and finally runs on status.dat itself (a greylisting gateway of
# Cluster A down, acknowledged and commented; Cluster B's storage in
# downtime). Each run acts at the time its file was written (--now), so
# the site shows the same words whenever the sample is run.
#
# Start from a fresh store (the config's store and output_dir must be
# absolute paths, as publish.conf's are):
#   rm -rf /tmp/mailstatus-sample
#   samples/publisher/replay.sh build/default/mailstatus-publish
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prog=${1:-mailstatus-publish}
conf=${2:-$here/publish.conf}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

created() { sed -n 's/^[[:space:]]*created=//p' "$1" | head -n 1; }

echo "--- the engine's logs of the months before"
"$prog" -c "$conf" -v import-history --now "@$(created "$here/history/01-all-online.dat")" \
	"$here"/log/archives/* "$here/log/nagios.log"
for dat in "$here"/history/0*.dat; do
	sed "s|^source = .*|source = statusdat:$dat|" "$conf" >"$work/publish.conf"
	echo "--- $(basename "$dat")"
	"$prog" -c "$work/publish.conf" -v run --now "@$(created "$dat")"
done

now=$(created "$here/status.dat")
echo "--- Cluster B's maintenance, announced the day before"
"$prog" -c "$conf" -v maintenance schedule --cluster email-cluster-b \
	--start "@$((now - 1))" --end "@$((now + 10799))" \
	--title "Email Cluster B: storage firmware update today" \
	--message-file "$here/maintenance-b.txt" --now "@$((now - 86400))"
echo "--- status.dat (written by Nagios 4)"
"$prog" -c "$conf" -v run --now "@$((now + 60))"
