#!/bin/sh
# install.sh: installs the real servers the integration tests use
# (scripts/deps/peers.txt) without letting any of them start or stay
# enabled at boot (scripts/install-deps.sh sees to that): the tests start
# their own instances on loopback. Idempotent; needs root.
#
# Exim cannot be installed beside Postfix (the packages conflict), so the
# Exim part of 30-check-mail-queue.sh unpacks Debian's exim4 into a
# directory of its own. Its packages are downloaded here, into
# $EXIM_DEBS (default /var/cache/mailstatus-tests/exim), and the libraries it
# links are installed as packages, so that the tests need no mirror.
# (Not under /var/cache/mailstatus: that is the mailstatus-publish
# package's, and its purge removes it.)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
exim_debs=${EXIM_DEBS:-/var/cache/mailstatus-tests/exim}

if [ "$(id -u)" -ne 0 ]; then
	echo "peers/install.sh: the integration tests need root (mounts, servers)" >&2
	exit 1
fi
# Roundcube on SQLite, with no web server reconfiguration (without this its
# database defaults to PostgreSQL and the install "succeeds" with none).
debconf-set-selections "$here/preseed.txt"
"$top/scripts/install-deps.sh" peers

# exim4-daemon-light, exim4-base, exim4-config: downloaded, never installed
if ! ls "$exim_debs"/exim4-daemon-light_*.deb >/dev/null 2>&1; then
	mkdir -p "$exim_debs.new"
	(cd "$exim_debs.new" && apt-get download -q -o APT::Sandbox::User=root exim4-daemon-light exim4-base exim4-config >/dev/null) || {
		echo "peers/install.sh: cannot download Exim's packages from the Debian archive" >&2
		rm -rf "$exim_debs.new"
		exit 1
	}
	rm -rf "$exim_debs"
	mv "$exim_debs.new" "$exim_debs"
fi
# ...and every library exim4-daemon-light depends on, as packages
libs=$(dpkg-deb -f "$exim_debs"/exim4-daemon-light_*.deb Depends | tr ',' '\n' |
	sed -n 's/^ *\(lib[a-z0-9.+-]*\).*/\1/p' | sort -u)
missing=""
for lib in $libs; do
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$lib" 2>/dev/null)" = installed ] ||
		missing="$missing $lib"
done
if [ -n "$missing" ]; then
	echo "peers/install.sh: installing the libraries Exim links:$missing"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		-o DPkg::Lock::Timeout=300 $missing >/dev/null
fi
