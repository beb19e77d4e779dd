#!/bin/bash
# curl-flow.sh URL USER IMAP-URL CA-FILE: the same job as check_webmail_send done
# the way operators script it today, with one curl process per request and
# sed on the pages (login, mailbox, message list, compose, send, logout,
# then IMAP search until found and delete). Only for the benchmark's side
# by side: it does no classification and no cleanup beyond the happy path.
# The password comes from MAILSTATUS_PASSWORD; IMAP goes over STARTTLS,
# verified against CA-FILE, as the plugin's does. Exit 0 when the message
# was found and deleted.
set -eu
base=$1 user=$2 imap=$3 ca=$4
pass=$MAILSTATUS_PASSWORD
jar=$(mktemp)
trap 'rm -f "$jar"' EXIT
token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
c() { curl -sS -c "$jar" -b "$jar" -H 'Accept-Language: en-US' "$@"; }

page=$(c "$base")
tok=$(printf '%s' "$page" | sed -n 's/.*name="_token" value="\([^"]*\)".*/\1/p' | head -n 1)
loc=$(c -o /dev/null -w '%{redirect_url}' --data-urlencode "_token=$tok" \
	-d '_task=login&_action=login&_timezone=UTC&_url=' \
	--data-urlencode "_user=$user" --data-urlencode "_pass=$pass" "$base?_task=login")
case $loc in *_task=mail*) ;; *) echo "login failed"; exit 2 ;; esac
tok=$(c "$loc" | sed -n 's/.*"request_token":"\([^"]*\)".*/\1/p' | head -n 1)
c -H "X-Roundcube-Request: $tok" "$base?_task=mail&_action=list&_mbox=INBOX&_page=1&_remote=1" >/dev/null
loc=$(c -o /dev/null -w '%{redirect_url}' "$base?_task=mail&_action=compose")
compose=$(c "$loc")
cid=${loc##*_id=}
from=$(printf '%s' "$compose" | sed -n 's/.*<option value="\([0-9]*\)" selected>.*/\1/p' | head -n 1)
answer=$(c --data-urlencode "_token=$tok" \
	-d "_task=mail&_action=send&_id=$cid&_from=$from&_is_html=0&_framed=1&_store_target=Sent" \
	--data-urlencode "_to=$user" --data-urlencode "_subject=mailstatus probe $token" \
	--data-urlencode "_message=token $token" "$base?_task=mail")
case $answer in *sent_successfully*) ;; *) echo "send failed"; exit 2 ;; esac
c -o /dev/null "$base?_task=logout&_token=$tok"

i=0
while :; do
	uids=$(curl -sS --ssl-reqd --cacert "$ca" --user "$user:$pass" "$imap" \
		-X "UID SEARCH HEADER Subject \"$token\"" |
		tr -d '\r' | sed -n 's/^\* SEARCH *//p')
	[ -n "$uids" ] && break
	i=$((i + 1))
	[ "$i" -lt 100 ] || { echo "not delivered"; exit 2; }
	sleep 0.25
done
curl -sS --ssl-reqd --cacert "$ca" --user "$user:$pass" "$imap" \
	-X "UID STORE ${uids// /,} +FLAGS.SILENT (\\Deleted)" >/dev/null
curl -sS --ssl-reqd --cacert "$ca" --user "$user:$pass" "$imap" -X EXPUNGE >/dev/null
