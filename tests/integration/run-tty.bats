#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# `run` in the foreground of a terminal container without --console-socket:
# the runtime relays the pty to its own terminal, as `runc run` does. The
# caller's terminal is a real pty made by script(1).

load helpers

setup() {
	common_setup
	command -v script >/dev/null || skip "script (util-linux) missing"
	config_set '.process.terminal = true'
}

# in_pty CMD: run CMD with a pty as its terminal, feeding it $PTY_INPUT.
in_pty() {
	printf '%s' "${PTY_INPUT:-}" | script -qec "stty rows 31 cols 97; $*" /dev/null |
		tr -d '\r\000' | sed 's/\^@//g' # script(1) feeds a NUL at EOF; the tty may echo it as ^@
}

@test "run-tty: the process gets a pty of the caller's size" {
	config_args /bin/sh -c 'tty; stty size'
	run in_pty "$RUNTIME" --root "$TEST_ROOT" run -b "$BUNDLE" "$CID"
	assert_success
	assert_line --regexp '^/dev/pts/[0-9]+$'
	# runc 1.1's foreground console makes stty fail with ECHILD: size checked on isola only.
	runtime_is_runc || assert_line "31 97"
}

@test "run-tty: typed input reaches the process and its exit status comes back" {
	config_args /bin/sh
	PTY_INPUT=$'echo marker-$((6*7))\nexit 4\n'
	run in_pty "$RUNTIME" --root "$TEST_ROOT" run -b "$BUNDLE" "$CID" '; echo "status $?"'
	assert_line --partial "marker-42"
	assert_line --partial "status 4"
}

@test "run-tty: create without --console-socket is still refused" {
	config_args /bin/true
	run rt create -b "$BUNDLE" "$CID"
	assert_failure
	assert_output --partial "console socket"
}

@test "run-tty: exec -t in the foreground relays a pty too" {
	config_set '.process.terminal = false'
	ct_start_sleeper
	run in_pty "$RUNTIME" --root "$TEST_ROOT" exec -t "$CID" /bin/sh -c "'tty; exit 6'" \
		'; echo "status $?"'
	assert_line --regexp '^/dev/pts/[0-9]+$'
	assert_line --partial "status 6"
}
