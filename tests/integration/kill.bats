#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# kill [-a|--all] ID [SIGNAL]: names, numbers, with or without SIG.

load helpers

kill_with() {
	ct_start_sleeper
	pid=$(ct_pid)
	run rt kill "$CID" "$@"
	assert_success
	wait_status "$CID" stopped
	wait_for pid_gone "$pid" || fail "init $pid still alive"
}

@test "kill: signal name KILL" {
	kill_with KILL
}

@test "kill: signal name SIGKILL" {
	kill_with SIGKILL
}

@test "kill: signal number 9" {
	kill_with 9
}

# A pid-namespace init ignores signals it has no handler for, so TERM needs a trap.
start_trapper() {
	config_args /bin/sh -c 'trap "exit 0" TERM; touch /tmp/ready; while :; do sleep 0.05; done'
	ct_run_d || fail "run -d: $(cat "$TEST_DIR/$CID.out")"
	wait_for test -e "$ROOTFS/tmp/ready" || fail "container did not get ready"
}

@test "kill: signal name TERM reaches the process" {
	start_trapper
	run rt kill "$CID" TERM
	assert_success
	wait_status "$CID" stopped
}

@test "kill: without a signal sends SIGTERM" {
	start_trapper
	run rt kill "$CID"
	assert_success
	wait_status "$CID" stopped
}

@test "kill: a signal the process ignores leaves it running" {
	ct_start_sleeper
	run rt kill "$CID" USR1
	assert_success
	sleep 0.2
	assert_equal "$(ct_status)" running
}

@test "kill: an unknown signal name is refused" {
	ct_start_sleeper
	run rt kill "$CID" SIGNOTASIGNAL
	assert_failure
	assert_equal "$(ct_status)" running
}

@test "kill: a created container can be killed" {
	config_args /probe sleep 600
	ct_create || fail "create: $(cat "$TEST_DIR/$CID.out")"
	pid=$(ct_pid)
	run rt kill "$CID" KILL
	assert_success
	wait_status "$CID" stopped
	wait_for pid_gone "$pid" || fail "init still alive"
}

@test "kill: --all signals every process of the container" {
	# no pid namespace: killing the init alone would leave the child running
	config_del_ns pid
	tag="7$RANDOM"
	config_args /bin/sh -c "/probe sleep $tag & exec /probe sleep 1$tag"
	ct_run_d || fail "run -d: $(cat "$TEST_DIR/$CID.out")"
	wait_status "$CID" running
	wait_for pgrep -f "^/probe sleep $tag\$" >/dev/null || fail "child not started"
	child=$(pgrep -f "^/probe sleep $tag\$")
	echo "$child" >"$TEST_DIR/child.pid"
	init=$(ct_pid)
	run rt kill --all "$CID" KILL
	assert_success
	wait_for pid_gone "$init" || fail "init still alive"
	wait_for pid_gone "$child" || fail "child $child survived kill --all"
	wait_status "$CID" stopped
}

@test "kill: -a is --all" {
	config_del_ns pid
	tag="8$RANDOM"
	config_args /bin/sh -c "/probe sleep $tag & exec /probe sleep 1$tag"
	ct_run_d || fail "run -d: $(cat "$TEST_DIR/$CID.out")"
	wait_for pgrep -f "^/probe sleep $tag\$" >/dev/null || fail "child not started"
	child=$(pgrep -f "^/probe sleep $tag\$")
	echo "$child" >"$TEST_DIR/child.pid"
	run rt kill -a "$CID" 9
	assert_success
	wait_for pid_gone "$child" || fail "child $child survived kill -a"
}
