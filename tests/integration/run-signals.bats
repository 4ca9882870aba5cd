#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# A foreground `run` passes the signals it gets on to the container's process
# (as runc does) and exits with the process's status.

load helpers

@test "run: SIGTERM to the runtime reaches the container process" {
	config_args /bin/sh -c 'trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.05; done'
	"$RUNTIME" --root "$TEST_ROOT" run -b "$BUNDLE" "$CID" </dev/null >"$TEST_DIR/out" 2>&1 &
	rpid=$!
	wait_for grep -q ready "$TEST_DIR/out" || fail "container never started: $(cat "$TEST_DIR/out")"
	kill -TERM "$rpid"
	wait_runtime "$rpid"
	grep -q got-term "$TEST_DIR/out" || fail "signal not forwarded: $(cat "$TEST_DIR/out")"
	[ "$status" -eq 7 ] || fail "exit status $status, expected 7"
	assert_clean "$CID"
}

# wait_runtime PID: its exit status in $status, or a failure (not a hang) after 5 s.
wait_runtime() {
	wait_for pid_gone "$1" || { kill -9 "$1"; fail "the runtime did not exit: $(cat "$TEST_DIR/out")"; }
	status=0
	wait "$1" || status=$?
}

@test "run: SIGUSR1 and SIGHUP are forwarded too" {
	# A signal ignored by whoever started the tests (nohup) stays ignored in
	# the container, as with runc and any other child: the shell can't trap it.
	[ $((0x$(awk '/^SigIgn:/ {print $2}' /proc/$$/status) & 1)) -eq 0 ] ||
		skip "SIGHUP is ignored by the caller of the tests (nohup?)"
	config_args /bin/sh -c 'trap "echo usr1" USR1; trap "echo hup; exit 3" HUP; echo ready; while :; do sleep 0.05; done'
	"$RUNTIME" --root "$TEST_ROOT" run -b "$BUNDLE" "$CID" </dev/null >"$TEST_DIR/out" 2>&1 &
	rpid=$!
	wait_for grep -q ready "$TEST_DIR/out" || fail "container never started"
	kill -USR1 "$rpid"
	wait_for grep -q usr1 "$TEST_DIR/out" || fail "USR1 not forwarded: $(cat "$TEST_DIR/out")"
	kill -HUP "$rpid"
	wait_runtime "$rpid"
	[ "$status" -eq 3 ] || fail "exit status $status, expected 3: $(cat "$TEST_DIR/out")"
}
