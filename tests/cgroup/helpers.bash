# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the cgroup suites: cgtest drives libisola's cgroup manager.
CGTEST="${CGTEST:-${ISOLA_BUILD:-$ISOLA_TOP/build}/tests/unit/cgtest}"

cg_setup() {
	[ -x "$CGTEST" ] || skip "cgtest not built ($CGTEST)"
	STATE="$BATS_TEST_TMPDIR/cg.state"
	CGNAME="isolatest-cg$$-$BATS_TEST_NUMBER"
	CGPATH="/$CGNAME/ctr"
	PIDS=()
}

# Kill what the test started, destroy the cgroup even after a failure, and
# remove anything still named after the test (a bug must not leak groups).
cg_teardown() {
	local p d
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	[ -f "$STATE" ] && "$CGTEST" "$STATE" destroy 2>/dev/null
	for d in $(find "${ISOLA_CGROUP_ROOT:-/sys/fs/cgroup}" -maxdepth 4 -depth -type d \
		-name "$CGNAME*" 2>/dev/null); do
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	return 0
}

cg() {
	"$CGTEST" "$STATE" "$@"
}

# Start a sleeper and put it in the container's cgroups.
start_sleeper() {
	sleep 100 &
	SLEEPER=$!
	PIDS+=("$SLEEPER")
	cg enter "$SLEEPER"
}

# Every test must leave no group named after it.
assert_gone() {
	local left
	left=$(find "${ISOLA_CGROUP_ROOT:-/sys/fs/cgroup}" -maxdepth 4 -type d -name "$CGNAME*" 2>/dev/null)
	[ -z "$left" ] || { echo "left behind: $left"; return 1; }
}
