#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The networking suite. Every file runs in a network namespace of its own
# (unshare -n, loopback up): bridges, veths, nftables tables, published ports
# and addresses exist only there, and vanish with it even when a test fails.
# TAP on stdout, as tests/run.sh expects.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export ISOLA_TOP="${ISOLA_TOP:-$(cd "$here/../.." && pwd)}"
export ISOLA_BUILD="${ISOLA_BUILD:-$ISOLA_TOP/build}"

files=("$@")
[ ${#files[@]} -eq 0 ] && files=("$here"/*.bats)
rc=0
for f in "${files[@]}"; do
	[ -f "$f" ] || continue
	unshare -n bash -c 'ip link set lo up && exec bats --tap "$1"' _ "$f" || rc=1
done
exit $rc
