#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The cgroup manager's suites: hybrid.bats on the host's layout, then v2.bats
# on a cgroup2 mounted in a private mount namespace (only there, so the host's
# mount table never changes). TAP on stdout, as tests/run.sh expects.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export ISOLA_TOP="${ISOLA_TOP:-$(cd "$here/../.." && pwd)}"
export ISOLA_BUILD="${ISOLA_BUILD:-$ISOLA_TOP/build}"

bats --tap "$here/hybrid.bats"
rc=$?

if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
	ISOLA_CGROUP_ROOT=/sys/fs/cgroup bats --tap "$here/v2.bats" || rc=1
	exit $rc
fi
mnt=$(mktemp -d /tmp/isolatest-cg2.XXXXXX)
unshare -m --propagation private bash -c '
	mount -t cgroup2 none "$1" || { echo "not ok 1 - mount cgroup2 for the v2 suite"; exit 1; }
	ISOLA_CGROUP_ROOT="$1" bats --tap "$2"; r=$?
	umount "$1"; exit $r' _ "$mnt" "$here/v2.bats" || rc=1
rmdir "$mnt"
exit $rc
