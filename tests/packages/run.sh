#!/bin/bash
# tests/packages/run.sh: the Debian packages, built from a clean copy of
# this tree, installed on this machine the way operators install them
# (apt-get install ./x.deb), checked in place, and purged again:
#
#   - the version is configure.ac's (debian/rules refuses a changelog that
#     says another one); the four packages (two and their -dbgsym) build,
#     and lintian says nothing (no error, no warning);
#   - nothing is setuid; every program has its man page; the
#     configuration files are conffiles;
#   - the plugins run from /usr/lib/nagios/plugins, check_mail_queue with
#     cap_dac_read_search and the others with no capability; the postinst
#     says so when setcap fails;
#   - a real Icinga 2 with `include <plugins-contrib>` validates a service
#     per CheckCommand (and refuses them without that include); a real
#     Nagios 4 with Debian's cfg_dir=/etc/nagios-plugins/config validates a
#     service per command of mailstatus.cfg (and refuses an undefined one);
#   - mailstatus-publish refuses the sample publish.conf, saying so; with a
#     publish.conf set up, the unit's command run as the unit's user
#     (mailstatus) writes the site; the service and timer are installed,
#     not enabled;
#   - apt-get purge leaves no file of theirs, no store, no site, no
#     configuration, nothing owned by mailstatus; the user stays, locked,
#     as Debian does with system users (the test then removes it).
#
# Run as root from the top of a checkout (run-tests.sh's "packages"
# stage). It never skips: what it needs is in scripts/deps/package.txt and
# peers.txt. It leaves the machine as it found it: a trap purges the
# packages and removes the user it made, also on failure.
set -u
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
export top_srcdir
. "$top_srcdir/tests/peers/common.sh"
. "$top_srcdir/tests/peers/nagios.sh"
. "$top_srcdir/tests/peers/icinga2.sh"

py=/usr/bin/python3
plugindir=/usr/lib/nagios/plugins
plugins="check_greylist check_mail_queue check_storage_mount check_webmail_send"
packages="mailstatus-plugins mailstatus-publish"
export DEBIAN_FRONTEND=noninteractive

fatal() {
	check_fail "$*"
	echo "$failures failure(s)"
	exit 1
}

[ "$(id -u)" -eq 0 ] || fatal "the package test installs packages: run it as root"
for need in dpkg-buildpackage lintian apt-get nagios4 icinga2 setcap getcap runuser adduser $py; do
	command -v "$need" >/dev/null ||
		fatal "$need is not installed (scripts/install-deps.sh package, tests/peers/install.sh)"
done
for pkg in $packages; do
	if dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null | grep -qv '^not-installed$'; then
		fatal "$pkg is installed on this machine already; the test installs and purges its own: remove it first (apt-get purge $pkg)"
	fi
done
# the packages' conffiles would meet (and purge remove) a file of the operator's
for f in /etc/mailstatus/publish.conf /etc/nagios-plugins/config/mailstatus.cfg; do
	[ ! -e "$f" ] || fatal "$f exists on this machine; the packages would take it over and purge would remove it: move it away first"
done
user_before=no
getent passwd mailstatus >/dev/null && user_before=yes
# what the packages make and purge should remove: removed by the test too
# when purge leaves it (the check below says so), unless it was here before
made_dirs=""
for d in /etc/mailstatus /var/lib/mailstatus /var/cache/mailstatus; do
	[ -e "$d" ] || made_dirs="$made_dirs $d"
done

peers_workdir packages
W=$PEERS_DIR
dpkg-query -W -f='${Package}\n' | sort >"$W/before"

# Whatever happens: the packages (and anything they pulled in) purged, the
# user removed if the test made it, the work directory gone.
restore() {
	dpkg-query -W -f='${Package} ${db:Status-Status}\n' | awk '$2 != "not-installed" { print $1 }' |
		sort >"$W/after-all"
	extra=$(comm -13 "$W/before" "$W/after-all" | tr '\n' ' ')
	# shellcheck disable=SC2086
	[ -z "$extra" ] || apt-get purge -y -qq -o DPkg::Lock::Timeout=300 $extra >/dev/null 2>&1
	# shellcheck disable=SC2086
	rm -rf $made_dirs
	if [ "$user_before" = no ] && getent passwd mailstatus >/dev/null; then
		deluser --system --quiet mailstatus >/dev/null 2>&1
		getent group mailstatus >/dev/null && delgroup --system --quiet mailstatus >/dev/null 2>&1
	fi
	peers_cleanup
}
trap restore EXIT

# ---------------------------------------------------------------- the build
# A clean copy: the files git knows (tracked, and new ones not ignored), or
# without git the tree less its build directories.
src=$W/src
mkdir -p "$src"
if command -v git >/dev/null && git -C "$top_srcdir" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top_srcdir" && git ls-files -z --cached --others --exclude-standard) |
		(cd "$top_srcdir" && tar --null -T - -cf -) | tar -xf - -C "$src"
	how="the files git knows"
else
	(cd "$top_srcdir" && tar --exclude=./build --exclude=./.git -cf - .) | tar -xf - -C "$src"
	how="the tree without build/"
fi
[ -f "$src/debian/rules" ] || fatal "no debian/rules in the copy of $top_srcdir"

version=$(sed -n '/^AC_INIT/{s/[^]]*\], *\[//;s/\].*//;p;}' "$top_srcdir/configure.ac")
# the test can tell: a configure.ac at another version than the changelog is refused
mkdir -p "$W/bumped"
cp -R "$src/debian" "$W/bumped/"
sed "s/^AC_INIT(\[mailstatus\], \[$version\]/AC_INIT([mailstatus], [$version.1]/" \
	"$src/configure.ac" >"$W/bumped/configure.ac"
if out=$(cd "$W/bumped" && make -s -f debian/rules check-version 2>&1); then
	check_fail "debian/rules accepts configure.ac at $version.1 with the changelog at $version"
elif printf '%s\n' "$out" | grep -q "add a changelog entry for $version.1"; then
	check_ok "debian/rules refuses configure.ac at $version.1 against the changelog: $(printf '%s\n' "$out" | head -n 1)"
else
	check_fail "debian/rules check-version: $out"
fi

t0=$(date +%s)
if (cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b) >"$W/build.log" 2>&1; then
	check_ok "dpkg-buildpackage -us -uc -b builds from a clean copy ($how) in $(($(date +%s) - t0)) s"
else
	tail -n 30 "$W/build.log"
	fatal "dpkg-buildpackage failed (the end of its log above)"
fi
for pkg in mailstatus-plugins mailstatus-publish mailstatus-plugins-dbgsym mailstatus-publish-dbgsym; do
	deb=$(ls "$W/${pkg}_${version}"-*.deb 2>/dev/null | head -n 1)
	if [ -n "$deb" ]; then
		check_ok "$(basename "$deb"): $(stat -c %s "$deb") bytes, version $(dpkg-deb -f "$deb" Version)"
	else
		check_fail "no $pkg package at version $version-*: $(cd "$W" && echo *.deb)"
	fi
done
plugins_deb=$(ls "$W"/mailstatus-plugins_*.deb | head -n 1)
publish_deb=$(ls "$W"/mailstatus-publish_*.deb | head -n 1)

# lintian as an ordinary user (it says so when run as root)
chmod -R a+rX "$W"
lintian_out=$(cd "$W" && runuser -u nobody -- env HOME="$W" lintian ./*.changes 2>&1)
if printf '%s\n' "$lintian_out" | grep -q '^[EW]: '; then
	check_fail "lintian: $lintian_out"
else
	check_ok "lintian reports no error and no warning${lintian_out:+: $lintian_out}"
fi

# ------------------------------------------------------- what the .debs hold
setid=$(for d in "$plugins_deb" "$publish_deb"; do dpkg-deb -c "$d"; done | awk '$1 ~ /[sS]/')
[ -z "$setid" ] && check_ok "nothing in the packages is setuid or setgid" ||
	check_fail "setuid/setgid files: $setid"
for d in "$plugins_deb" "$publish_deb"; do
	list=$(dpkg-deb -c "$d" | awk '{ print $6 }')
	for prog in $(printf '%s\n' "$list" | grep -E '^\./usr/(bin|lib/nagios/plugins)/[^/]+$'); do
		name=${prog##*/}
		if printf '%s\n' "$list" | grep -qE "^\./usr/share/man/man[18]/$name\.[18]\.gz$"; then
			check_ok "$name has its man page in $(dpkg-deb -f "$d" Package)"
		else
			check_fail "$name has no man page in $(dpkg-deb -f "$d" Package)"
		fi
	done
done
conffiles=$( (dpkg-deb --ctrl-tarfile "$plugins_deb" | tar -xOf - ./conffiles
	dpkg-deb --ctrl-tarfile "$publish_deb" | tar -xOf - ./conffiles) 2>/dev/null | sort | tr '\n' ' ')
[ "$conffiles" = "/etc/mailstatus/publish.conf /etc/nagios-plugins/config/mailstatus.cfg " ] &&
	check_ok "conffiles: $conffiles" || check_fail "conffiles are '$conffiles'"

# ------------------------------------------------------------- the install
if apt-get install -y -q -o DPkg::Lock::Timeout=300 "$plugins_deb" "$publish_deb" >"$W/install.log" 2>&1; then
	check_ok "apt-get install ./$(basename "$plugins_deb") ./$(basename "$publish_deb")"
else
	cat "$W/install.log"
	fatal "apt-get install failed"
fi
dpkg-query -W -f='${Package}\n' | sort >"$W/installed"
new=$(comm -13 "$W/before" "$W/installed" | tr '\n' ' ')
[ "$new" = "mailstatus-plugins mailstatus-publish " ] &&
	check_ok "the install added exactly: $new" || check_fail "the install added: $new"
dpkg -L $packages | sort >"$W/files"

# ------------------------------------------------------------- the plugins
for p in $plugins; do
	f=$plugindir/$p
	out=$(runuser -u nagios -- "$f" --version 2>&1)
	if [ "$(stat -c '%U %a' "$f" 2>/dev/null)" = "root 755" ] &&
		printf '%s\n' "$out" | grep -q "^$p (mailstatus) $version$"; then
		check_ok "$f (root, 0755) runs as nagios: $out"
	else
		check_fail "$f: $(stat -c '%U %a' "$f" 2>&1), as nagios: $out"
	fi
	caps=$(getcap "$f" | sed 's/^[^ ]* //')
	if [ "$p" = check_mail_queue ]; then
		[ "$caps" = "cap_dac_read_search=ep" ] && check_ok "$p has $caps (postinst)" ||
			check_fail "$p has capabilities '$caps', want cap_dac_read_search=ep"
	else
		[ -z "$caps" ] && check_ok "$p has no capability" || check_fail "$p has '$caps'"
	fi
done
expect_plugin "check_storage_mount from $plugindir checks / as nagios" 0 \
	"^STORAGE_MOUNT OK" runuser -u nagios -- "$plugindir/check_storage_mount" -p /
# a filesystem without file capabilities cannot be made here: a setcap
# that fails as it would there, in front of the real postinst
mkdir -p "$W/fakebin"
printf '#!/bin/sh\necho "Failed to set capabilities on file: Operation not supported" >&2\nexit 1\n' >"$W/fakebin/setcap"
chmod 755 "$W/fakebin/setcap"
out=$(PATH="$W/fakebin:$PATH" /var/lib/dpkg/info/mailstatus-plugins.postinst configure 2>&1)
rc=$?
if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q "could not give $plugindir/check_mail_queue the capability cap_dac_read_search: the filesystem under /usr/lib may not hold file capabilities"; then
	check_ok "a failing setcap: the postinst goes on (exit 0) and says why: $(printf '%s' "$out" | tr '\n' ' ' | cut -c 1-160)..."
else
	check_fail "a failing setcap: postinst exit $rc: $out"
fi

# ------------------------------------------------ Icinga 2: plugins-contrib
I=$W/icinga2
icinga2_setup "$I" packages.test 15690 || fatal "icinga2_setup"
# as Debian's constants.conf has it: plugins-contrib's commands use PluginContribDir
sed -i 's|^include <plugins>$|include <plugins>\ninclude <plugins-contrib>\nconst PluginContribDir = "/usr/lib/nagios/plugins"|' \
	"$I/icinga2.conf"
commands=$(sed -n 's/^object CheckCommand "\([^"]*\)" {$/\1/p' \
	/usr/share/icinga2/include/plugins-contrib.d/mailstatus.conf | tr '\n' ' ')
[ "$commands" = "greylist mail_queue storage_mount webmail_send " ] &&
	check_ok "plugins-contrib.d/mailstatus.conf defines the CheckCommands $commands" ||
	check_fail "plugins-contrib.d/mailstatus.conf defines '$commands'"
grep -q '^apply ' /usr/share/icinga2/include/plugins-contrib.d/mailstatus.conf &&
	check_fail "plugins-contrib.d/mailstatus.conf holds apply rules: they would act on every host" ||
	check_ok "plugins-contrib.d/mailstatus.conf holds no apply rule"
{
	echo 'object Host "mail1" { check_command = "dummy"; address = "192.0.2.10" }'
	for c in $commands; do
		printf 'object Service "%s" {\n  host_name = "mail1"\n  check_command = "%s"\n}\n' "$c" "$c"
	done
	cat <<'VARS'
object Service "storage with vars" {
  host_name = "mail1"
  check_command = "storage_mount"
  vars.storage_mount_path = [ "/srv/mail" ]
  vars.storage_mount_sentinel = ".mailstore"
}
VARS
} | icinga2_objects "$I"
if icinga2_validate "$I" && ! grep -q 'warning/' "$I/validate.out"; then
	# shellcheck disable=SC2046
	n=$(icinga2 object list --type Service $(icinga2_defs "$I") 2>/dev/null | grep -c "^Object '")
	check_ok "icinga2 daemon -C with include <plugins-contrib> validates a service per CheckCommand ($n services)"
else
	check_fail "icinga2 daemon -C: $(grep -E 'critical|warning' "$I/validate.out" | head -n 5)"
fi
sed -i '/^include <plugins-contrib>$/d' "$I/icinga2.conf"
if ! icinga2_validate "$I" && grep -q "Validation failed for object 'mail1!greylist'" "$I/validate.out"; then
	check_ok "without include <plugins-contrib> Icinga 2 refuses the same services (the CheckCommands come from the package)"
else
	check_fail "without include <plugins-contrib>: $(grep -E 'critical' "$I/validate.out" | head -n 3)"
fi

# ------------------------------------ Nagios 4: /etc/nagios-plugins/config
N=$W/nagios
nagios_setup "$N"
echo "cfg_dir=/etc/nagios-plugins/config" >>"$N/nagios.cfg"	# as Debian's nagios.cfg has it
cfg=/etc/nagios-plugins/config/mailstatus.cfg
ncommands=0
{
	printf 'define host {\n  use flip-host\n  host_name mail1\n  address 127.0.0.1\n  check_command check_flip!mail1\n}\n'
	# a service per command, with as many arguments as its command line takes
	awk '/command_name/ { name = $2 } /command_line/ {
		n = 0; line = $0
		while (match(line, /\$ARG[0-9]+\$/)) { a = substr(line, RSTART + 4, RLENGTH - 5) + 0; if (a > n) n = a; line = substr(line, RSTART + RLENGTH) }
		args = ""; for (i = 1; i <= n; i++) args = args "!x" i
		printf "define service {\n  use flip-service\n  host_name mail1\n  service_description %s\n  check_command %s%s\n}\n", name, name, args
	}' "$cfg"
} | nagios_objects "$N"
ncommands=$(grep -c 'command_name' "$cfg")
chown -R nagios:nagios "$N"
if nagios4 -v "$N/nagios.cfg" >"$N/verify.out" 2>&1 &&
	grep -q "Checked $((ncommands)) services\." "$N/verify.out"; then
	check_ok "nagios4 -v with cfg_dir=/etc/nagios-plugins/config validates a service per command of mailstatus.cfg ($ncommands)"
else
	check_fail "nagios4 -v: $(grep -E 'Error|Checked .* services' "$N/verify.out" | head -n 5)"
fi
warnings=$(grep '^Warning' "$N/verify.out" | grep -v -e 'command_check_interval is deprecated' -e 'illegal_macro_output_chars')
[ -z "$warnings" ] && check_ok "no warnings from nagios4 -v" || check_fail "nagios4 -v warns: $warnings"
printf 'define service {\n  use flip-service\n  host_name mail1\n  service_description typo\n  check_command check_mail_queue_typo!1\n}\n' |
	nagios_objects "$N"
nagios4 -v "$N/nagios.cfg" >/dev/null 2>&1 &&
	check_fail "nagios4 -v accepted an undefined command: the validation proves nothing" ||
	check_ok "nagios4 -v refuses an undefined command (the validation is real)"

# ------------------------------------------------------------ the publisher
conf=/etc/mailstatus/publish.conf
out=$(cd / && runuser -u mailstatus -- mailstatus-publish -c "$conf" run 2>&1)
rc=$?
if [ $rc -eq 2 ] && printf '%s\n' "$out" | grep -q "^mailstatus-publish: $conf:[0-9]*: this is the sample publish.conf, not yet set up for this platform"; then
	check_ok "the sample publish.conf is refused (exit 2): $out"
else
	check_fail "the sample publish.conf: exit $rc: $out"
fi
[ "$(getent passwd mailstatus | cut -d: -f7)" = /usr/sbin/nologin ] &&
	[ "$(id -u mailstatus)" -lt 1000 ] &&
	check_ok "mailstatus is a system user (uid $(id -u mailstatus), no login shell)" ||
	check_fail "mailstatus: $(getent passwd mailstatus)"
for d in "/var/lib/mailstatus mailstatus:mailstatus 750" "/var/cache/mailstatus/www mailstatus:mailstatus 755"; do
	set -- $d
	got=$(stat -c '%U:%G %a' "$1" 2>&1)
	[ "$got" = "$2 $3" ] && check_ok "$1 is $got" || check_fail "$1 is '$got', want '$2 $3'"
done
units=/lib/systemd/system
# not enabled: no link in /etc/systemd/system (and systemctl says so, where
# it is installed: it reads the links, no running systemd needed)
enabled=$(find /etc/systemd/system -name 'mailstatus-publish*' 2>/dev/null)
if command -v systemctl >/dev/null; then
	said=$(systemctl is-enabled mailstatus-publish.timer 2>&1)
else
	said=disabled
fi
if [ -f $units/mailstatus-publish.service ] && [ -f $units/mailstatus-publish.timer ] &&
	[ -z "$enabled" ] && [ "$said" = disabled ]; then
	check_ok "mailstatus-publish.service and .timer are installed, not enabled (systemctl is-enabled: $said)"
else
	check_fail "units: $(ls $units/mailstatus-publish.* 2>&1); enabled: $enabled; systemctl is-enabled: $said"
fi

# set up: the sample platform of samples/publisher, its status.dat where
# mailstatus may read it, the package's store and output directory
mkdir -p "$W/state"
cp "$src/samples/publisher/status.dat" "$W/state/status.dat"
sed -e 's|^store = .*|store = /var/lib/mailstatus/publish.db|' \
	-e 's|^output_dir = .*|output_dir = /var/cache/mailstatus/www|' \
	-e "s|^source = .*|source = statusdat:$W/state/status.dat|" \
	"$src/samples/publisher/publish.conf" >"$conf"
chmod -R a+rX "$W/state"
created=$(sed -n 's/^[[:space:]]*created=//p' "$W/state/status.dat" | head -n 1)
user=$(sed -n 's/^User=//p' $units/mailstatus-publish.service)
exec_start=$(sed -n 's/^ExecStart=//p' $units/mailstatus-publish.service)
# shellcheck disable=SC2086
out=$(cd / && runuser -u "$user" -- $exec_start --now "@$((created + 60))" 2>&1)
rc=$?
site=/var/cache/mailstatus/www
if [ $rc -eq 0 ] && [ -s $site/index.html ] && [ -s $site/status.json ] &&
	ls $site/feeds/*.rss >/dev/null 2>&1 &&
	[ -z "$(find $site /var/lib/mailstatus ! -user mailstatus)" ]; then
	check_ok "the unit's command as $user ($exec_start) writes the site: $(cd $site && find . -type f | wc -l) files, all owned by mailstatus"
else
	check_fail "the unit's command as $user: exit $rc: $out; $(ls -lR $site 2>&1 | head -n 20)"
fi
$py -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if d else 1)' $site/status.json 2>/dev/null &&
	check_ok "status.json is JSON" || check_fail "status.json: $(head -c 300 $site/status.json)"
[ -s /var/lib/mailstatus/publish.db ] && [ "$(stat -c %a /var/lib/mailstatus)" = 750 ] &&
	check_ok "the store is /var/lib/mailstatus/publish.db, in a directory only mailstatus enters" ||
	check_fail "the store: $(ls -la /var/lib/mailstatus 2>&1)"

# ----------------------------------------------------------------- purge
mailstatus_uid=$(id -u mailstatus)
if apt-get purge -y -q -o DPkg::Lock::Timeout=300 $packages >"$W/purge.log" 2>&1; then
	check_ok "apt-get purge $packages"
else
	cat "$W/purge.log"
	check_fail "apt-get purge failed"
fi
left=""
while read -r path; do
	[ "$path" != "/." ] || continue
	[ -e "$path" ] || [ -L "$path" ] || continue
	# a directory stays when another package has it too (/etc, /usr/lib/nagios/plugins)
	if [ -d "$path" ] && dpkg-query -S "$path" >/dev/null 2>&1; then
		continue
	fi
	left="$left $path"
done <"$W/files"
for path in /etc/mailstatus /var/lib/mailstatus /var/cache/mailstatus \
	/var/lib/systemd/deb-systemd-helper-enabled/mailstatus-publish.timer.dsh-also; do
	[ -e "$path" ] && left="$left $path"
done
owned=$(find /etc /var /usr /srv /opt /run -xdev -uid "$mailstatus_uid" 2>/dev/null | head -n 5)
if [ -z "$left" ] && [ -z "$owned" ] && ! ls /var/lib/dpkg/info/mailstatus-* >/dev/null 2>&1; then
	check_ok "purge removed every file of the packages ($(wc -l <"$W/files") paths), the configuration, the store and the site; nothing owned by mailstatus is left"
else
	check_fail "after purge: left:$left; owned by mailstatus: $owned"
fi
expire=$(getent shadow mailstatus | cut -d: -f8)
if getent passwd mailstatus >/dev/null && [ "$expire" = 1 ]; then
	check_ok "the system user mailstatus stays after purge, locked (expired), as Debian does with system users"
else
	check_fail "after purge the user mailstatus: '$(getent passwd mailstatus)', expiry '$expire'"
fi

restore
trap - EXIT
getent passwd mailstatus >/dev/null && [ "$user_before" = no ] &&
	check_fail "the user mailstatus is still there after the test removed it" ||
	check_ok "the machine is as before: no package, user or file of the test left"

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
