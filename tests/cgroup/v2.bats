#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# The cgroup manager's v2 backend, on a cgroup2 hierarchy that run.sh mounts
# in a private mount namespace (ISOLA_CGROUP_ROOT). On this hybrid host the
# v1-bound controllers are not available on v2: only hugetlb is, plus the
# core files (freeze, kill, procs, cpu.stat) and eBPF device filtering.

load helpers

setup() {
	cg_setup
	[ -n "${ISOLA_CGROUP_ROOT:-}" ] || skip "run through tests/cgroup/run.sh"
	[ "$(stat -f -c %T "$ISOLA_CGROUP_ROOT")" = cgroup2fs ] || skip "no cgroup2 at root"
	V2="$ISOLA_CGROUP_ROOT$CGPATH"
}

teardown() {
	cg_teardown
}

@test "v2: layout, subtree_control and hugetlb limit" {
	need_hugepage_size
	cg create "$CGNAME" "$CGPATH" '{"hugepageLimits":[{"pageSize":"'"$HP"'","limit":4194304}]}'
	[ "$(cg layout)" = v2 ]
	grep -qw hugetlb "$ISOLA_CGROUP_ROOT/$CGNAME/cgroup.subtree_control"
	[ "$(cat "$V2/hugetlb.$HP.max")" = 4194304 ]
	cg update '{"hugepageLimits":[{"pageSize":"'"$HP"'","limit":2097152}]}'
	[ "$(cat "$V2/hugetlb.$HP.max")" = 2097152 ]
}

@test "v2: unified map writes files, refuses unknown ones" {
	local big
	big=$(hugepage_sizes | tail -1)
	[ -n "$big" ] || skip "no huge page sizes on this host (/sys/kernel/mm/hugepages is empty)"
	cg create "$CGNAME" "$CGPATH" '{"unified":{"hugetlb.'"$big"'.max":"0","cgroup.max.descendants":"3"}}'
	[ "$(cat "$V2/hugetlb.$big.max")" = 0 ]
	[ "$(cat "$V2/cgroup.max.descendants")" = 3 ]
	run cg update '{"unified":{"nosuch.file":"1"}}'
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.resources.unified.nosuch.file: not supported on this host'* ]]
}

@test "v2: controllers bound to v1 are a clear error, not a silent success" {
	run cg create "$CGNAME" "$CGPATH" '{"memory":{"limit":1048576}}'
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.resources.memory: not supported on this host: no memory controller'* ]]
	run cg create "$CGNAME" "$CGPATH" '{"pids":{"limit":5}}'
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.resources.pids: not supported'* ]]
	run cg create "$CGNAME" "$CGPATH" '{"network":{"classID":1}}'
	[ "$status" -ne 0 ]
	[[ "$output" == *'network.classID: not supported'* ]]
	assert_gone
}

@test "v2: freeze and thaw through cgroup.freeze" {
	cg create "$CGNAME" "$CGPATH"
	start_sleeper
	cg freeze
	[ "$(cg frozen)" = 1 ]
	grep -qx "frozen 1" "$V2/cgroup.events"
	cg thaw
	[ "$(cg frozen)" = 0 ]
	kill -0 "$SLEEPER"
}

@test "v2: clone3 CLONE_INTO_CGROUP places the child directly" {
	cg create "$CGNAME" "$CGPATH"
	local pid
	pid=$(cg spawn)
	PIDS+=("$pid")
	grep -qx "$pid" "$V2/cgroup.procs"
	grep -q "^0::$CGPATH\$" "/proc/$pid/cgroup"
}

@test "v2: kill uses cgroup.kill and destroy leaves nothing" {
	cg create "$CGNAME" "$CGPATH"
	start_sleeper
	mkdir "$V2/nested"
	sleep 100 &
	PIDS+=($!)
	echo $! > "$V2/nested/cgroup.procs"
	[ "$(cg pids | wc -l)" -eq 2 ]
	cg kill 9
	wait "$SLEEPER" || [ $? -eq 137 ]
	cg destroy
	rm -f "$STATE"
	assert_gone
}

@test "v2: destroy of a frozen cgroup" {
	cg create "$CGNAME" "$CGPATH"
	start_sleeper
	cg freeze
	cg destroy
	rm -f "$STATE"
	assert_gone
}

@test "v2: eBPF device filter allows only the listed devices, update replaces it" {
	cg create "$CGNAME" "$CGPATH" '{"devices":[{"allow":false,"access":"rwm"},
		{"allow":true,"type":"c","major":1,"minor":3,"access":"rw"}]}'
	run sh -c '"'"$CGTEST"'" "'"$STATE"'" enter $$ || exit 9
		echo x > /dev/null && echo null-ok; head -c1 /dev/zero >/dev/null && echo zero-ok'
	echo "$output"
	[[ "$output" == *null-ok* ]]
	[[ "$output" != *zero-ok* ]]
	[[ "$output" == *"Operation not permitted"* ]]
	cg update '{"devices":[{"allow":true,"type":"a","access":"rwm"},
		{"allow":false,"type":"c","major":1,"minor":3}]}'
	run sh -c '"'"$CGTEST"'" "'"$STATE"'" enter $$ || exit 9
		[ "$(head -c1 /dev/zero | wc -c)" = 1 ] && echo zero-ok; echo x > /dev/null && echo null-ok'
	echo "$output"
	[[ "$output" == *zero-ok* ]]
	[[ "$output" != *null-ok* ]]
}

@test "v2: stats report cpu usage from cpu.stat and hugetlb" {
	need_hugepage_size
	cg create "$CGNAME" "$CGPATH"
	run sh -c '"'"$CGTEST"'" "'"$STATE"'" enter $$; timeout 0.3 sh -c "while :; do :; done"; true'
	run cg stats
	echo "$output"
	local total
	total=$(echo "$output" | sed -n 's/.*"usage":{"total":\([0-9]*\).*/\1/p')
	[ "$total" -gt 10000000 ]
	[[ "$output" == *'"hugetlb":{'*'"'"$HP"'":{"usage":0'* ]]
}

@test "v2: the container's view is the container's cgroup" {
	cg create "$CGNAME" "$CGPATH"
	start_sleeper
	mkdir "$BATS_TEST_TMPDIR/view"
	run unshare -m --propagation private sh -c '
		"'"$CGTEST"'" "'"$STATE"'" mount "'"$BATS_TEST_TMPDIR/view"'" ro || exit 1
		stat -f -c %T "'"$BATS_TEST_TMPDIR/view"'"; cat "'"$BATS_TEST_TMPDIR/view"'/cgroup.procs"
		mkdir "'"$BATS_TEST_TMPDIR/view"'/x" 2>&1 || true'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = cgroup2fs ]
	[ "${lines[1]}" = "$SLEEPER" ]
	[[ "$output" == *"Read-only file system"* ]]
}

@test "v2: cgroups created under the caller's own cgroup when the path is relative" {
	cg create "$CGNAME" "$CGNAME/rel"
	local own
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	[ "$(cg dir)" = "$ISOLA_CGROUP_ROOT${own%/}/$CGNAME/rel" ]
}

@test "v2: a frozen leaf, or the frozen parent of a new one, is refused and left as it was" {
	mkdir -p "$V2"
	echo 1 >"$V2/cgroup.freeze"
	run cg create "$CGNAME" "$CGPATH"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container's cgroup \"$V2\" is frozen"* ]]
	[ "$(cat "$V2/cgroup.freeze")" = 1 ]
	rmdir "$V2"
	echo 1 >"$ISOLA_CGROUP_ROOT/$CGNAME/cgroup.freeze"
	run cg create "$CGNAME" "$CGPATH"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"\"$ISOLA_CGROUP_ROOT/$CGNAME\" is frozen"* ]]
	[ ! -d "$V2" ]
	echo 0 >"$ISOLA_CGROUP_ROOT/$CGNAME/cgroup.freeze"
	rmdir "$ISOLA_CGROUP_ROOT/$CGNAME"
}

@test "v2: a leaf that already has processes is used, with a warning" {
	mkdir -p "$V2"
	sleep 100 &
	PIDS+=($!)
	echo $! >"$V2/cgroup.procs"
	run cg create "$CGNAME" "$CGPATH"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"container's cgroup is not empty: 1 process(es) found"* ]]
}
