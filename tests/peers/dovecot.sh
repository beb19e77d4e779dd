# dovecot.sh: a real Dovecot (IMAP, IMAPS, LMTP) of a test's own, on
# loopback, no systemd. Source common.sh first. Functions:
#
#   dovecot_setup DIR IMAP-PORT IMAPS-PORT LMTP-PORT [AUTH-SOCKET]
#       an instance in DIR: passwd-file users (DIR/users), Maildir under
#       DIR/mail owned by vmail (uid 5000, created when missing), a
#       self-signed certificate DIR/cert.pem for 127.0.0.1 (give it to a
#       client as its CA file to test verification), Sent and Junk
#       folders created on first login, and "user+Folder@domain" over
#       LMTP delivered into Folder. With AUTH-SOCKET it also serves SASL
#       there for Postfix (smtpd_sasl_type = dovecot).
#   dovecot_add_user DIR USER PASSWORD
#   dovecot_start DIR / dovecot_stop DIR

dovecot_setup() {
	_dc=$1 _imap=$2 _imaps=$3 _lmtp=$4 _auth=${5:-}
	mkdir -p "$_dc/run" "$_dc/state" "$_dc/mail"
	# under a lock: two tests setting up Dovecot at once (the integration
	# tests run in two lanes) must not both add the user
	id vmail >/dev/null 2>&1 ||
		flock /tmp/mailstatus-useradd.lock sh -c 'id vmail >/dev/null 2>&1 ||
			useradd -u 5000 -U -M -d /nonexistent -s /usr/sbin/nologin vmail'
	chown vmail:vmail "$_dc/mail"
	openssl req -x509 -newkey rsa:2048 -nodes -days 3 -subj /CN=localhost \
		-addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
		-keyout "$_dc/key.pem" -out "$_dc/cert.pem" 2>/dev/null || return 1
	: >"$_dc/users"
	chgrp dovecot "$_dc/users"
	chmod 640 "$_dc/users"
	cat >"$_dc/dovecot.conf" <<DOVECOT
base_dir = $_dc/run
state_dir = $_dc/state
log_path = $_dc/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = yes
ssl_cert = <$_dc/cert.pem
ssl_key = <$_dc/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$_dc/mail/%d/%n/Maildir
first_valid_uid = 5000
recipient_delimiter = +
lmtp_save_to_detail_mailbox = yes
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $_dc/users
}
userdb {
  driver = static
  args = uid=vmail gid=vmail home=$_dc/mail/%d/%n
}
namespace inbox {
  inbox = yes
  mailbox Sent {
    auto = create
    special_use = \\Sent
  }
  mailbox Junk {
    auto = create
    special_use = \\Junk
  }
}
service imap-login {
  inet_listener imap {
    port = $_imap
  }
  inet_listener imaps {
    port = $_imaps
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $_lmtp
  }
}
DOVECOT
	if [ -n "$_auth" ]; then
		cat >>"$_dc/dovecot.conf" <<DOVECOT
service auth {
  unix_listener $_auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
DOVECOT
	fi
	printf '%s\n' "$_imap $_imaps $_lmtp" >"$_dc/ports"
}

dovecot_add_user() {
	printf '%s:{PLAIN}%s\n' "$2" "$3" >>"$1/users"
}

dovecot_start() {
	_dc=$1
	dovecot -F -c "$_dc/dovecot.conf" >"$_dc/dovecot.out" 2>&1 &
	echo $! >"$_dc/dovecot.pid"
	peers_on_cleanup "dovecot_stop '$_dc'"
	for _p in $(cat "$_dc/ports"); do
		wait_port 127.0.0.1 "$_p" || return 1
	done
}

dovecot_stop() {
	stop_pid "$(cat "$1/dovecot.pid" 2>/dev/null)" 10
}
