#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# process.terminal with --console-socket: the pty master arrives over SCM_RIGHTS
# (recvtty receives it and copies the container's output to a file).

load helpers

setup() {
	common_setup
	[ -x "$RECVTTY" ] || fail "recvtty not built: $RECVTTY"
	SOCK="$TEST_DIR/tty.sock"
	TTY_OUT="$TEST_DIR/tty.out"
	config_set '.process.terminal = true'
}

# recv_start: listen on $SOCK; returns once the socket is ready.
recv_start() {
	rm -f "$SOCK"
	"$RECVTTY" "$SOCK" "$TTY_OUT" "$TEST_DIR/recvtty.pid" || fail "recvtty failed"
}

# recv_wait: wait for the receiver to see the pty close, then load its output
# (without the tty's \r) into $output.
recv_wait() {
	wait_for pid_gone "$(cat "$TEST_DIR/recvtty.pid")" || fail "pty never closed"
	output=$(tr -d '\r' <"$TTY_OUT")
	mapfile -t lines <<<"$output"
}

run_with_console() {
	config_args "$@"
	recv_start
	ct_create "$CID" --console-socket "$SOCK" || fail "create: $(cat "$TEST_DIR/$CID.out")"
	run rt start "$CID"
	assert_success
	wait_status "$CID" stopped
	recv_wait
}

@test "console: the process's stdio is a tty and its output arrives over the socket" {
	run_with_console /probe hello
	assert_line "isatty0: 1"
	assert_line "isatty1: 1"
	assert_line "isatty2: 1"
	assert_line "hello from probe"
}

@test "console: the tty is a /dev/pts device of the container" {
	run_with_console /probe tty
	assert_line --regexp '^ttyname: /dev/pts/[0-9]+$'
}

@test "console: /dev/console is there with a terminal" {
	run_with_console /bin/sh -c '/probe stat /dev/console'
	assert_line "type: char"
	assert_line "major: 136"
}

@test "console: the tty of a non-root process is its own, group tty" {
	config_set '.process.user = {"uid": 1000, "gid": 1000}'
	run_with_console /probe tty
	assert_line "tty_uid: 1000"
	assert_line "tty_gid: 5"
}

@test "console: exec -t of a non-root process owns its tty" {
	config_set '.process.terminal = false'
	ct_start_sleeper
	recv_start
	rt exec -d -t -u 1000:1000 --console-socket "$SOCK" "$CID" /probe tty </dev/null \
		>"$TEST_DIR/exec.out" 2>&1 3>&- || fail "exec: $(cat "$TEST_DIR/exec.out")"
	recv_wait
	assert_line "tty_uid: 1000"
	assert_line "tty_gid: 5"
}

@test "console: consoleSize sets the window size" {
	config_set '.process.consoleSize = {"height": 40, "width": 100}'
	run_with_console /probe tty
	assert_line "rows: 40"
	assert_line "cols: 100"
}

@test "console: stderr goes to the tty too" {
	run_with_console /bin/sh -c 'echo to-stderr >&2'
	assert_line to-stderr
}

@test "console: terminal without --console-socket is refused by create" {
	config_args /probe hello
	run ct_create
	assert_failure
	assert_clean "$CID"
}

@test "console: a console socket nobody listens on fails create cleanly" {
	config_args /probe hello
	run ct_create "$CID" --console-socket "$TEST_DIR/nobody.sock"
	assert_failure
	assert_clean "$CID"
}

@test "console: exec -t with --console-socket" {
	config_set '.process.terminal = false'
	ct_start_sleeper
	recv_start
	rt exec -d -t --console-socket "$SOCK" "$CID" /probe hello </dev/null \
		>"$TEST_DIR/exec.out" 2>&1 3>&- || fail "exec: $(cat "$TEST_DIR/exec.out")"
	recv_wait
	assert_line "isatty1: 1"
	assert_line "hello from probe"
}
