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

# host_cgroup PATH: make PATH in every hierarchy (teardown thaws and sweeps it by its name).
host_cgroup() {
	echo "${1#/}" >>"$TEST_DIR/ids"
	echo "${1#/}" >>"$TEST_DIR/host-cgroups"
	local d
	for d in /sys/fs/cgroup/*/; do
		[ -e "$d/cgroup.procs" ] && mkdir -p "$d${1#/}"
	done
	config_set '.linux.cgroupsPath = $p' --arg p "$1"
}

# A frozen cgroup keeps even SIGKILLed tasks: thaw the test's own before the sweep.
teardown() {
	local c
	for c in $(cat "$TEST_DIR/host-cgroups" 2>/dev/null); do
		{ echo THAWED >"/sys/fs/cgroup/freezer/$c/freezer.state"; } 2>/dev/null
		{ echo 0 >"/sys/fs/cgroup/unified/$c/cgroup.freeze"; } 2>/dev/null
		{ echo 0 >"/sys/fs/cgroup/$c/cgroup.freeze"; } 2>/dev/null
	done
	common_teardown
}

# create_bounded: create with a short timeout, output in a file so that a container
# process stuck in a frozen cgroup can't hold bats' pipe; $status and $output as with run.
create_bounded() {
	status=0
	RT_TIMEOUT=15 rt create -b "$BUNDLE" "$CID" </dev/null >"$TEST_DIR/create.out" 2>&1 3>&- ||
		status=$?
	output=$(cat "$TEST_DIR/create.out")
	[ "$status" -ne 124 ] && [ "$status" -ne 137 ] || fail "create hung (killed by timeout)"
}

@test "cgroup: create into an existing frozen cgroup (v1 freezer) is refused, nothing hangs" {
	[ -f /sys/fs/cgroup/freezer/freezer.state ] || [ -d /sys/fs/cgroup/freezer ] ||
		skip "no v1 freezer"
	local cgp="/isolatest-frz-$RANDOM"
	host_cgroup "$cgp"
	echo FROZEN >"/sys/fs/cgroup/freezer$cgp/freezer.state"
	config_args /probe exit 0
	create_bounded
	assert_failure
	assert_output --partial "frozen"
	run rt state "$CID"
	assert_failure
	# not the container's to remove: it existed before and is left as it was
	assert_equal "$(cat "/sys/fs/cgroup/freezer$cgp/freezer.state")" FROZEN
}

@test "cgroup: create into an existing frozen cgroup (v2 cgroup.freeze) is refused, nothing hangs" {
	isola_only "runc 1.1 checks only the v1 freezer on a hybrid host and hangs on a frozen v2 cgroup"
	local v2=/sys/fs/cgroup/unified
	[ -f /sys/fs/cgroup/cgroup.controllers ] && v2=/sys/fs/cgroup
	[ -f "$v2/cgroup.controllers" ] || skip "no cgroup v2 hierarchy"
	local cgp="/isolatest-frz-$RANDOM"
	host_cgroup "$cgp"
	[ -f "$v2$cgp/cgroup.freeze" ] || skip "kernel without cgroup.freeze"
	echo 1 >"$v2$cgp/cgroup.freeze"
	config_args /probe exit 0
	create_bounded
	assert_failure
	assert_output --partial "frozen"
	assert_equal "$(cat "$v2$cgp/cgroup.freeze")" 1
}

@test "cgroup: create into a cgroup that has processes warns and goes on" {
	local cgp="/isolatest-busy-$RANDOM" c
	host_cgroup "$cgp"
	sleep 600 </dev/null >/dev/null 2>&1 3>&- &
	local sp=$!
	echo "$sp" >"$TEST_DIR/busy.pid"
	for c in pids devices memory freezer unified; do
		[ -d "/sys/fs/cgroup/$c$cgp" ] && echo "$sp" >"/sys/fs/cgroup/$c$cgp/cgroup.procs"
	done
	config_args /probe exit 0
	create_bounded
	assert_success
	assert_output --partial "container's cgroup is not empty"
	assert_equal "$(ct_status)" created
}
