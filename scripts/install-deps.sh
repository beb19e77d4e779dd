#!/bin/sh
# install-deps.sh GROUP...: installs the Debian packages of each group
# (scripts/deps/GROUP.txt) that are not installed yet. Non-interactive;
# needs root when anything is missing. Packages are only ever added.
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
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing or old on a fresh machine.
apt-get update -qq -o DPkg::Lock::Timeout=300 >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 $missing >/dev/null
