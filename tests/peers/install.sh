#!/bin/sh
# install.sh: installs the real servers the integration tests use
# (scripts/deps/peers.txt) without letting any of them start: the tests
# start their own instances on loopback. Idempotent; needs root.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

if [ "$(id -u)" -ne 0 ]; then
	echo "peers/install.sh: the integration tests need root (mounts, servers)" >&2
	exit 1
fi
# No daemon may start from its maintainer script: there is no init here,
# and the tests want their own instances.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod +x "$policy"
fi
# Roundcube on SQLite, with no web server reconfiguration (without this its
# database defaults to PostgreSQL and the install "succeeds" with none).
debconf-set-selections "$here/preseed.txt"
"$top/scripts/install-deps.sh" peers
