#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Limits seen from inside the container and the runc verbs built on cgroups:
# pause/resume, update, events, ps, kill --all. Run on whatever layout the host
# has (this machine: hybrid); the v2-only paths are tests/cgroup's.

load helpers

# The hierarchy dir of the container for a v1 controller (or the v2 dir).
cg_dir() {
	local ctrl="$1" line path
	line=$(grep -E "^[0-9]+:([^:]*,)?$ctrl(,[^:]*)?:" "/proc/$(ct_pid)/cgroup") ||
		line=$(grep -E '^0::' "/proc/$(ct_pid)/cgroup")
	path=${line#*:*:}
	if [ -d "/sys/fs/cgroup/$ctrl$path" ]; then
		echo "/sys/fs/cgroup/$ctrl$path"
	else
		echo "/sys/fs/cgroup$path"
	fi
}

setup() {
	common_setup
	config_set '.linux.cgroupsPath = $p' --arg p "/$CID"
}

@test "resources: memory limit is applied and read back" {
	config_set '.linux.resources.memory = {"limit": 67108864}'
	ct_start_sleeper
	d=$(cg_dir memory)
	v=$(cat "$d/memory.limit_in_bytes" 2>/dev/null || cat "$d/memory.max")
	[ "$v" = 67108864 ] || fail "memory limit $v in $d"
}

@test "resources: pids limit stops a fork bomb" {
	config_set '.linux.resources.pids = {"limit": 10}'
	config_args /bin/sh -c 'i=0; while [ $i -lt 30 ]; do sleep 5 & i=$((i+1)); done; echo started'
	run_ct
	# The shell survives (fork fails with EAGAIN), but not 30 sleeps got started.
	assert_output --partial "can't fork"
}

@test "resources: a process past the memory limit is OOM-killed" {
	config_set '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
	# dd fills a 64 MiB buffer: four times the limit.
	config_args /bin/sh -c 'dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; echo "dd: $?"'
	run_ct
	assert_output --partial "dd: 137"
}

@test "pause and resume: state shows paused, then running" {
	ct_start_sleeper
	run rt pause "$CID"
	assert_success
	[ "$(ct_status)" = paused ] || fail "status $(ct_status) after pause"
	grep -q '^State:.*T\|^State:.*D\|^State:.*S' "/proc/$(ct_pid)/status"
	run rt resume "$CID"
	assert_success
	[ "$(ct_status)" = running ] || fail "status $(ct_status) after resume"
}

@test "pause: a paused container's processes don't run" {
	config_args /bin/sh -c 'while :; do echo x >>/tmp/ticks; sleep 0.05; done'
	ct_run_d || fail "run -d: $(cat "$TEST_DIR/$CID.out")"
	wait_status "$CID" running
	run rt pause "$CID"
	assert_success
	sleep 0.2
	a=$(wc -l <"$ROOTFS/tmp/ticks")
	sleep 0.3
	b=$(wc -l <"$ROOTFS/tmp/ticks")
	[ "$a" = "$b" ] || fail "ticks went on while paused: $a -> $b"
	run rt resume "$CID"
	assert_success
	wait_for test "$(wc -l <"$ROOTFS/tmp/ticks")" -gt "$b" || fail "no ticks after resume"
}

@test "pause: pausing a stopped container fails" {
	config_args /bin/true
	ct_create || fail "create: $(cat "$TEST_DIR/$CID.out")"
	run rt start "$CID"
	wait_status "$CID" stopped
	run rt pause "$CID"
	assert_failure
}

@test "update: --memory changes the limit of a running container" {
	config_set '.linux.resources.memory = {"limit": 67108864}'
	ct_start_sleeper
	run rt update --memory 33554432 "$CID"
	assert_success
	d=$(cg_dir memory)
	v=$(cat "$d/memory.limit_in_bytes" 2>/dev/null || cat "$d/memory.max")
	[ "$v" = 33554432 ] || fail "memory limit $v after update"
}

@test "update: --resources - reads linux.resources JSON from stdin" {
	ct_start_sleeper
	run rt update --resources - "$CID" <<<'{"pids": {"limit": 42}}'
	assert_success
	[ "$(cat "$(cg_dir pids)/pids.max")" = 42 ] || fail "pids.max $(cat "$(cg_dir pids)/pids.max")"
}

@test "update: a bad value is refused" {
	ct_start_sleeper
	run rt update --memory lots "$CID"
	assert_failure
}

@test "events --stats: one JSON stats event with cpu, memory and pids" {
	ct_start_sleeper
	run --separate-stderr rt events --stats "$CID"
	assert_success
	[ "$(echo "$output" | jq -r .type)" = stats ] || fail "$output"
	[ "$(echo "$output" | jq -r .id)" = "$CID" ] || fail "$output"
	echo "$output" | jq -e '.data.pids.current >= 1' >/dev/null || fail "pids: $output"
	echo "$output" | jq -e '.data.memory.usage.usage > 0' >/dev/null || fail "memory: $output"
	echo "$output" | jq -e '.data.cpu.usage.total > 0' >/dev/null || fail "cpu: $output"
}

@test "ps: lists the container's processes" {
	config_args /bin/sh -c '/probe sleep 600 & exec /probe sleep 601'
	ct_run_d || fail "run -d: $(cat "$TEST_DIR/$CID.out")"
	wait_status "$CID" running
	wait_for test "$(rt ps --format json "$CID" | jq length)" -eq 2 ||
		fail "ps json: $(rt ps --format json "$CID")"
	run rt ps "$CID"
	assert_success
	assert_line --partial "PID"
	[ "$(echo "$output" | grep -c 'probe sleep')" -eq 2 ] || fail "$output"
}

@test "kill --all: every process of the container gets the signal" {
	config_args /bin/sh -c '/probe sleep 600 & exec /probe sleep 601'
	ct_run_d || fail "run -d: $(cat "$TEST_DIR/$CID.out")"
	wait_status "$CID" running
	wait_for test "$(rt ps --format json "$CID" | jq length)" -eq 2
	d=$(cg_dir pids)
	run rt kill --all "$CID" KILL
	assert_success
	wait_status "$CID" stopped
	wait_for test -z "$(cat "$d/cgroup.procs")" || fail "processes left: $(cat "$d/cgroup.procs")"
}

@test "events: an OOM kill inside the container is reported" {
	config_set '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
	config_args /bin/sh -c 'sleep 1.5; (dd if=/dev/zero of=/dev/null bs=64M count=1); exec /probe sleep 600'
	ct_run_d || fail "run -d: $(cat "$TEST_DIR/$CID.out")"
	wait_status "$CID" running
	run --separate-stderr timeout 5 "$RUNTIME" --root "$TEST_ROOT" events --interval 200ms "$CID"
	[ "$(echo "$output" | jq -r .type | grep -c '^oom$')" -ge 1 ] ||
		fail "no oom event in: $(echo "$output" | cut -c1-40 | sort | uniq -c)"
}
