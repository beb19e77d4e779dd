#!/bin/sh
# run.sh BUILDDIR: runs every tests/integration/NN-*.sh in order against
# the programs built in BUILDDIR. Each script prints "ok: ..." or
# "FAIL: ..." per assertion (bash scripts), and exits 0 (passed), 77 (skipped, with the
# reason) or anything else (failed). Stops nothing on a failure: all run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "$here/../.." && pwd)
top_builddir=$(cd "$1" && pwd)
export top_srcdir top_builddir

failed=0
for script in "$here"/[0-9][0-9]-*.sh; do
	[ -e "$script" ] || continue
	name=$(basename "$script")
	echo "== $name"
	start=$(date +%s)
	bash "$script"
	rc=$?
	took=$(( $(date +%s) - start ))
	case $rc in
	0) echo "== $name: passed (${took}s)" ;;
	77) echo "== $name: skipped (${took}s)" ;;
	*) echo "== $name: FAILED with status $rc (${took}s)"; failed=$((failed + 1)) ;;
	esac
done
[ "$failed" -eq 0 ]
