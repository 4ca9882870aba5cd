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

# The huge page sizes this host offers, in the hugetlb controller's spelling
# (hugepages-2048kB -> 2MB, hugepages-1048576kB -> 1GB, hugepages-64kB -> 64KB),
# smallest first. Machines differ: one has 2 MB and 1 GB pages, another only 2 MB,
# an arm64 host 64 KB as well.
hugepage_sizes() {
	local d kb
	for d in /sys/kernel/mm/hugepages/hugepages-*kB; do
		[ -d "$d" ] || continue
		kb=${d##*/hugepages-}
		kb=${kb%kB}
		echo "$kb"
	done | sort -n | while read -r kb; do
		if [ "$kb" -ge 1048576 ]; then echo "$((kb / 1048576))GB"
		elif [ "$kb" -ge 1024 ]; then echo "$((kb / 1024))MB"
		else echo "${kb}KB"; fi
	done
}

# The smallest huge page size, or skip the test saying why.
need_hugepage_size() {
	HP=$(hugepage_sizes | head -1)
	[ -n "$HP" ] || skip "no huge page sizes on this host (/sys/kernel/mm/hugepages is empty)"
}
