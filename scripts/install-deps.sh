#!/bin/sh
# install-deps.sh GROUP...: installs the Debian packages of each group
# (scripts/deps/GROUP.txt) that are not installed yet. Non-interactive;
# needs root when anything is missing. Packages are only ever added.
#
# What it leaves changed on the machine, besides the packages: nothing.
# No daemon may start from a maintainer script while it installs (the tests
# start their own instances on loopback), so it puts a policy-rc.d in place
# for the install, unless the machine already has one, and removes it
# again, that one only. The servers the new packages bring are left
# disabled at boot (systemd units and SysV links alike): a machine that
# ran the tests starts none of them at its next boot. A service that was
# installed before is not touched.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

missing=""
for group in "$@"; do
	list="$here/deps/$group.txt"
	[ -f "$list" ] || { echo "install-deps: no package list $list" >&2; exit 2; }
	for pkg in $(grep -v '^#' "$list"); do
		status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
		[ "$status" = installed ] || missing="$missing $pkg"
	done
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "install-deps: installing$missing"

work=$(mktemp -d)
policy=/usr/sbin/policy-rc.d
ours="# mailstatus scripts/install-deps.sh: no daemon starts while it installs"
cleanup() {
	if [ -f "$policy" ] && grep -qxF "$ours" "$policy"; then
		rm -f "$policy"
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\n%s\nexit 101\n' "$ours" >"$policy"
	chmod 755 "$policy"
fi

dpkg-query -W -f='${Package}\n' | sort >"$work/before"
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing or old on a fresh machine.
apt-get update -qq -o DPkg::Lock::Timeout=300 >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 $missing >/dev/null
dpkg-query -W -f='${Package}\n' | sort >"$work/after"

# Every service the new packages (and what they pulled in) ship: not at boot.
for pkg in $(comm -13 "$work/before" "$work/after"); do
	dpkg-query -L "$pkg" 2>/dev/null | while read -r path; do
		case $path in
		/lib/systemd/system/*.service | /lib/systemd/system/*.socket |\
		/usr/lib/systemd/system/*.service | /usr/lib/systemd/system/*.socket)
			unit=${path##*/}
			case $unit in *@*) continue ;; esac	# templates are started by others
			# deb-systemd-helper acts only for a maintainer script:
			# it says for which package it does
			if DPKG_MAINTSCRIPT_PACKAGE=$pkg deb-systemd-helper --quiet is-enabled "$unit" 2>/dev/null; then
				DPKG_MAINTSCRIPT_PACKAGE=$pkg deb-systemd-helper disable "$unit" >/dev/null 2>&1 || true
				echo "install-deps: $unit (from $pkg) will not start at boot"
			fi ;;
		/etc/init.d/*)
			name=${path##*/}
			if ls /etc/rc[2-5].d/S[0-9][0-9]"$name" >/dev/null 2>&1; then
				update-rc.d "$name" disable >/dev/null 2>&1 || true
				echo "install-deps: /etc/init.d/$name (from $pkg) will not start at boot"
			fi ;;
		esac
	done
done
