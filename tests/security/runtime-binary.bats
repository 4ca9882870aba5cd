#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# CVE-2019-5736: a container process grabs /proc/PID/exe of the runtime while
# it joins the container for `exec`, and reopens it for writing once the
# runtime is done: a vulnerable runtime lets the container overwrite the
# host's runtime binary. The attacker (exe-attacker.c) never writes a byte;
# it reports whether the open for writing succeeded.

load helpers

setup_file() {
	cc -O2 -static -o "$BATS_FILE_TMPDIR/exe-attacker" "$BATS_TEST_DIRNAME/exe-attacker.c" ||
		skip "cannot build the static attacker"
}

setup() {
	common_setup
	cp "$BATS_FILE_TMPDIR/exe-attacker" "$ROOTFS/exe-attacker"
}

teardown() {
	common_teardown
}

@test "CVE-2019-5736: the runtime binary can't be reopened for writing from the container" {
	local before i
	before=$(sha256sum "$(readlink -f "$RUNTIME")" | cut -d' ' -f1)
	config_args /exe-attacker 4
	ct_run_d || fail "run -d failed: $(cat "$TEST_DIR/$CID.out")"
	for i in $(seq 1 40); do
		rt exec "$CID" /probe exit 0 >/dev/null 2>&1 || true
	done
	wait_status "$CID" stopped 15
	run cat "$TEST_DIR/$CID.out"
	[[ "$output" != *writable:* ]] || fail "container could reopen a runtime binary: $output"
	assert_line --regexp '^seen: [0-9]+$'
	echo "# attacker: $(echo $output)" >&3
	# The attempt only counts if the attacker met the runtime at least once
	# (grabbed its exe, or was refused it because the runtime was non-dumpable).
	[ "$(value seen)" -gt 0 ] || [ "$(value denied)" -gt 0 ] ||
		skip "the attacker never met a runtime process (raced past)"
	[ "$(sha256sum "$(readlink -f "$RUNTIME")" | cut -d' ' -f1)" = "$before" ] ||
		fail "the runtime binary changed"
}
