#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# linux.cgroupsPath: the container joins its cgroup in every hierarchy (v1, v2 and
# this machine's hybrid layout) and delete removes it. Limits are tests/cgroup's work.

load helpers

# cg_lines PID: /proc/PID/cgroup without the hierarchies the runtime leaves alone
cg_lines() {
	grep -v -E '^[0-9]+:(rdma|misc|net_cls|net_prio|net_cls,net_prio|perf_event|hugetlb):' \
		"/proc/$1/cgroup"
}

# assert_in_cgroup PID PATH: PID is in PATH in every hierarchy cg_lines lists.
assert_in_cgroup() {
	local line
	while IFS= read -r line; do
		[[ "$line" == *"$2" ]] || fail "not in $2: $line"
	done < <(cg_lines "$1")
}

@test "cgroup: the container joins cgroupsPath in every hierarchy" {
	cgp="/isolatest-cg-$RANDOM"
	echo "${cgp#/}" >>"$TEST_DIR/ids"
	config_set '.linux.cgroupsPath = $p' --arg p "$cgp"
	ct_start_sleeper
	assert_in_cgroup "$(ct_pid)" "$cgp"
}

@test "cgroup: a nested cgroupsPath" {
	cgp="/isolatest-parent-$RANDOM/isolatest-child"
	echo "isolatest-parent" >>"$TEST_DIR/ids"
	config_set '.linux.cgroupsPath = $p' --arg p "$cgp"
	ct_start_sleeper
	assert_in_cgroup "$(ct_pid)" "$cgp"
	run rt delete -f "$CID"
	for d in /sys/fs/cgroup/*/"${cgp#/}"; do
		[ ! -d "$d" ] || fail "cgroup left after delete: $d"
	done
	for d in /sys/fs/cgroup/*/"$(dirname "${cgp#/}")"; do
		rmdir "$d" 2>/dev/null || true
	done
}

@test "cgroup: delete removes the container's cgroup" {
	cgp="/isolatest-cg-$RANDOM"
	echo "${cgp#/}" >>"$TEST_DIR/ids"
	config_set '.linux.cgroupsPath = $p' --arg p "$cgp"
	ct_start_sleeper
	pid=$(ct_pid)
	dirs=$(find /sys/fs/cgroup -maxdepth 5 -type d -path "*$cgp" 2>/dev/null || true)
	[ -n "$dirs" ] || fail "no cgroup directory for $cgp"
	run rt delete -f "$CID"
	assert_success
	wait_for pid_gone "$pid"
	for d in $dirs; do
		[ ! -d "$d" ] || fail "cgroup left: $d"
	done
}

@test "cgroup: the cgroup holds every process of the container" {
	cgp="/isolatest-cg-$RANDOM"
	echo "${cgp#/}" >>"$TEST_DIR/ids"
	config_set '.linux.cgroupsPath = $p' --arg p "$cgp"
	config_args /bin/sh -c '/probe sleep 600 & exec /probe sleep 601'
	ct_run_d || fail "run -d: $(cat "$TEST_DIR/$CID.out")"
	wait_status "$CID" running
	d=$(find /sys/fs/cgroup/pids -maxdepth 4 -type d -path "*$cgp" | head -1)
	[ -n "$d" ] || skip "no pids hierarchy here"
	wait_for test "$(wc -l <"$d/cgroup.procs")" -eq 2 ||
		fail "expected 2 processes in $d: $(cat "$d/cgroup.procs")"
}

@test "cgroup: the cgroup mount inside shows the container's own cgroup" {
	config_set '.linux.cgroupsPath = $p' --arg p "/isolatest-cg-$RANDOM"
	jq -r .linux.cgroupsPath "$BUNDLE/config.json" | sed 's|^/||' >>"$TEST_DIR/ids"
	run_ct_sep /bin/sh -c 'ls /sys/fs/cgroup/pids/'
	assert_success
	assert_line pids.max
	assert_line cgroup.procs
}
