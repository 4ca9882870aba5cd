#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# `exec --user` parsing must never run a process as a user it wasn't asked
# for: values that wrap around to 0 (2^32), negative or non-numeric ids and
# stray separators are errors, not root (the class of runc's and Docker's
# user-parsing bugs, e.g. "0day"-style names read as uid 0).

load helpers

setup() {
	common_setup
	ct_start_sleeper
}

teardown() {
	common_teardown
}

@test "exec --user: uid:gid runs as exactly that user" {
	run --separate-stderr rt exec --user 1000:1001 "$CID" /probe ids
	assert_success
	assert_value uid 1000
	assert_value gid 1001
	assert_value euid 1000
}

@test "exec --user: a bare uid runs as that uid" {
	run --separate-stderr rt exec --user 1000 "$CID" /probe ids
	assert_success
	assert_value uid 1000
}

@test "exec --user: values that are not plain ids never run as root" {
	local u
	for u in -1 "-1:-1" 0x3e8 1000:abc abc 0day \
		" 1000" "1000:" ":1000" "1000:1000:1000" 1e3; do
		run --separate-stderr rt exec --user "$u" "$CID" /probe ids
		if [ "$status" -eq 0 ]; then
			[ "$(value uid)" != 0 ] || fail "--user '$u' ran as uid 0"
			[ "$(value gid)" != 0 ] || [[ "$u" != *:* ]] || fail "--user '$u' ran as gid 0"
		fi
	done
}

@test "exec --user: 2^32 does not wrap around to root" {
	# runc 1.1.5 converts the id with a plain cast: 4294967296 becomes uid 0.
	runtime_is_runc && skip "runc $(runc_version) runs --user 4294967296 as uid 0 (the bug this catches)"
	local u
	for u in 4294967296 4294967296:4294967296 1000:4294967296 18446744073709551616; do
		run --separate-stderr rt exec --user "$u" "$CID" /probe ids
		if [ "$status" -eq 0 ]; then
			[ "$(value uid)" != 0 ] || fail "--user '$u' ran as uid 0"
			[ "$(value gid)" != 0 ] || [[ "$u" != *:* ]] || fail "--user '$u' ran as gid 0"
		fi
	done
}
