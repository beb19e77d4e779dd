#!/bin/bash
# check_mail_queue with the cap_dac_read_search that make install gives it,
# run by a local user (nobody): the capability reads the spool and nothing
# else. Not a root-only file through --extra-opts, not a directory of the
# user's choosing through --queue-dir/--config-dir; the real spool of a
# Postfix that /etc/postfix/main.cf allows (alternate_config_directories)
# still through the spool method.
set -u
. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/postfix.sh"

plugin="$top_builddir/plugins/check_mail_queue"
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root to set a file capability"; exit 77; }
command -v postfix >/dev/null || { echo "skip: Postfix is not installed"; exit 77; }
command -v setcap >/dev/null || { echo "skip: setcap is not installed"; exit 77; }
[ -x "$plugin" ] || { echo "FAIL: $plugin is not built"; exit 1; }

trap peers_cleanup EXIT
peers_workdir mailqpriv
pf=$PEERS_DIR/pf
port=11126

chmod 755 "$PEERS_DIR"
capped=$PEERS_DIR/check_mail_queue
cp "$plugin" "$capped"
chmod 755 "$capped"
if ! setcap cap_dac_read_search+ep "$capped" 2>/dev/null ||
	! getcap "$capped" | grep -q cap_dac_read_search; then
	echo "skip (kernel): setcap: this filesystem keeps no file capabilities"
	exit 77
fi
as_nobody() {
	runuser -u nobody -- "$capped" "$@"
}

# a root-only file and a root-only directory
secret=$PEERS_DIR/secret
mkdir -m 700 "$secret"
printf '[x]\nuser = topsecret-debian-sys-maint\n' >"$secret/my.cnf"
chmod 600 "$secret/my.cnf"
mkdir -p "$secret/spool/deferred" "$secret/spool/pid"

# ---- (a) --extra-opts cannot read a root-only file ----
out=$(as_nobody --extra-opts="x@$secret/my.cnf" 2>&1)
rc=$?
if printf '%s\n' "$out" | grep -q topsecret; then
	check_fail "--extra-opts printed a line of a root-only file: $out"
elif [ $rc -eq 3 ] && printf '%s\n' "$out" | grep -q "cannot read extra-opts file $secret/my.cnf: Permission denied"; then
	check_ok "--extra-opts=x@root-only-file: cannot read it (exit $rc): $out"
else
	check_fail "--extra-opts=x@root-only-file: exit $rc: $out"
fi
# root itself still can
out=$("$capped" --extra-opts="x@$secret/my.cnf" 2>&1)
printf '%s\n' "$out" | grep -q 'topsecret' &&
	check_ok "as root the same file is read (exit $?)" ||
	check_fail "as root: $out"

# ---- (b) directories of the user's choosing are refused ----
for dir in /root "$secret/spool"; do
	expect_plugin "--queue-dir=$dir refused" 3 \
		"^MAIL_QUEUE UNKNOWN - --queue-dir $dir is not a queue directory of a Postfix configuration this host allows \(alternate_config_directories\); run as root or list it there$" \
		as_nobody --queue-dir="$dir" --method=spool
done
expect_plugin "--config-dir=a directory not allowed: refused" 3 \
	"^MAIL_QUEUE UNKNOWN - --config-dir $secret is not /etc/postfix or listed in alternate_config_directories" \
	as_nobody --config-dir="$secret"
expect_plugin "--mta=exim --queue-dir=/root refused" 3 \
	"^MAIL_QUEUE UNKNOWN - --queue-dir /root is not the spool directory of this host's Exim configuration" \
	as_nobody --mta=exim --queue-dir=/root --method=spool
# root may name any directory
expect_plugin "as root, --queue-dir is not restricted" 3 \
	"^MAIL_QUEUE UNKNOWN - no Postfix spool at $secret/nospool " \
	"$capped" --queue-dir="$secret/nospool"

# ---- (c) the spool of an allowed Postfix is read through the spool method ----
postfix_setup "$pf" $port || { echo "FAIL: postfix_setup"; exit 1; }
postfix_start "$pf" || { echo "FAIL: postfix_start"; exit 1; }
printf 'Subject: x\n\nqueued by the mailstatus test\n' |
	sendmail -C "$pf/etc" -f sender@mailstatus.test bob@remote.example
for _i in $(seq 100); do
	[ -n "$(find "$pf/spool/deferred" -type f 2>/dev/null)" ] && break
	sleep 0.1
done
for args in "--config-dir=$pf/etc" "--config-dir=$pf/etc/ --queue-dir=$pf/spool"; do
	out=$(as_nobody $args -v --method=spool 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q "^read from the spool $pf/spool" &&
		printf '%s\n' "$out" | grep -q '^MAIL_QUEUE OK - 1 message queued (deferred 1)'; then
		check_ok "nobody, $args: the spool read with the capability"
	else
		check_fail "nobody, $args: exit $rc: $out"
	fi
done
# the allowed spool of another config is no way round: the queue
# directory must be that of the config given... any allowed one will do,
# but not one no configuration names
expect_plugin "allowed --config-dir with a foreign --queue-dir: refused" 3 \
	"^MAIL_QUEUE UNKNOWN - --queue-dir $secret/spool is not a queue directory" \
	as_nobody --config-dir="$pf/etc" --queue-dir="$secret/spool"
# without the capability the same user falls back to postqueue -j
cp "$plugin" "$PEERS_DIR/plain"
chmod 755 "$PEERS_DIR/plain"
out=$(runuser -u nobody -- "$PEERS_DIR/plain" --config-dir="$pf/etc" -v 2>&1)
printf '%s\n' "$out" | grep -q 'read from postqueue -j (the spool is not readable)' &&
	check_ok "without the capability: postqueue -j" || check_fail "without the capability: $out"

postfix_stop "$pf"
[ "$failures" -eq 0 ]
