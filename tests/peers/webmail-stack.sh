# webmail-stack.sh: the mail path a webmail user depends on, on loopback:
# Postfix (smtpd and submission with SASL through Dovecot, local domain
# delivered over LMTP), Dovecot (IMAP, IMAPS, LMTP) and Roundcube. Source
# common.sh, postfix.sh, dovecot.sh and roundcube.sh first. Function:
#
#   webmail_stack_start DIR DOMAIN USER PASSWORD SERVER [MAIN.CF-LINE...]
#       DIR/postfix, DIR/dovecot, DIR/roundcube on the ports in the
#       variables SMTP, SUBMISSION, IMAP, IMAPS, LMTP and HTTP; USER (at
#       DOMAIN) may log in with PASSWORD; SERVER is how Roundcube is served
#       (php or lighttpd, as roundcube_start takes it); the extra lines go
#       to Postfix's main.cf. Says which part failed; stopped by peers_cleanup.

webmail_stack_start() {
	_ws=$1 _domain=$2 _user=$3 _pass=$4 _server=$5
	shift 5
	postfix_setup "$_ws/postfix" "$SMTP" \
		"virtual_mailbox_domains = $_domain" \
		'virtual_mailbox_maps = static:OK' \
		"virtual_transport = lmtp:inet:127.0.0.1:$LMTP" \
		'smtpd_sasl_type = dovecot' \
		'smtpd_sasl_path = private/auth' "$@" || { echo "FAIL: Postfix set-up"; return 1; }
	postfix_add_submission "$_ws/postfix" "$SUBMISSION"
	dovecot_setup "$_ws/dovecot" "$IMAP" "$IMAPS" "$LMTP" "$_ws/postfix/spool/private/auth" ||
		{ echo "FAIL: Dovecot set-up"; return 1; }
	dovecot_add_user "$_ws/dovecot" "$_user" "$_pass"
	roundcube_setup "$_ws/roundcube" "$HTTP" "127.0.0.1:$IMAP" "127.0.0.1:$SUBMISSION" >/dev/null ||
		{ echo "FAIL: Roundcube set-up"; return 1; }
	# Dovecot first: Postfix's submission asks its auth socket
	dovecot_start "$_ws/dovecot" || { echo "FAIL: Dovecot did not start"; return 1; }
	postfix_start "$_ws/postfix" || { echo "FAIL: Postfix did not start"; return 1; }
	roundcube_start "$_ws/roundcube" "$_server" || { echo "FAIL: Roundcube did not start"; return 1; }
}
