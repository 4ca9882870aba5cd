#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/selftest.sh - check the harness itself (about 40 s, root): a runtime that
# fails and one that hangs get "fail" cells, a working one (crun, else runc)
# gets numbers, the run exits 0 and leaves no cgroup, mount or work dir behind.
# Prints TAP.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T=$(mktemp -d /tmp/isolatest-benchself.XXXXXX)
trap 'rm -rf "$T"' EXIT
good=$(command -v crun || command -v runc) || { echo "1..0 # skip no crun or runc"; exit 0; }
printf '#!/bin/sh\necho "bad: refused" >&2\nexit 3\n' >"$T/bad"
printf '#!/bin/sh\ncase "$*" in *--version*) exit 0;; esac\nsleep 100\n' >"$T/hang"
chmod +x "$T/bad" "$T/hang"

echo "1..6"
n=0
check() {
	n=$((n + 1))
	if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}
# other people may run the harness at the same time: compare with what was there
leftovers() { ls -d /tmp/isolabench.* /sys/fs/cgroup/*/isolatest-bench* 2>/dev/null | sort; }
before=$(leftovers)
"$HERE/run.sh" -q -N -s run,mem,size -o "$T/out" bad="$T/bad" hang="$T/hang" good="$good" \
	>"$T/table" 2>"$T/log"
rc=$?
row=$(grep '^| run /bin/true' "$T/table")
check "exit status 0 with failing runtimes" '[[ $rc == 0 ]]'
check "failing and hanging runtimes get fail cells" \
	'[[ $(awk -F"|" "{print \$4 \$5}" <<<"$row") == " fail  fail " ]]'
check "the working runtime gets a number and ratios" \
	'[[ $(awk -F"|" "{print \$6}" <<<"$row") =~ ^\ [0-9.]+\ ±[0-9.]+\ \(1.00x,\ [0-9.]+x\ fl\)\ $ ]]'
check "failures are explained" \
	'grep -q "bad: run: exit 3: bad: refused" "$T/table" && grep -q "hang: run: exit 124" "$T/table"'
after=$(leftovers)
check "no cgroup or work dir left behind" \
	'[[ -z $(comm -13 <(echo "$before") <(echo "$after")) ]]'
check "no mount left behind" '! grep -q isolabench /proc/self/mountinfo'
