#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# CVE-2024-21626: a host fd or a host working directory reaching the
# container. runc 1.1.11 leaked an fd of the host's /sys/fs/cgroup into the
# init; process.cwd or `exec --cwd` = /proc/self/fd/N then put the process in
# a host directory, and ../../.. walked to the host's root.

load helpers

setup() {
	common_setup
	host_target
}

teardown() {
	common_teardown
}

@test "CVE-2024-21626: fds open in the caller do not reach the container" {
	exec 7<"$HOST/file" 8<"$HOST"
	run_ct_sep /probe fds
	exec 7<&- 8<&-
	assert_success
	assert_output ""
}

@test "CVE-2024-21626: fds open in the caller do not reach an exec'd process" {
	ct_start_sleeper
	exec 7<"$HOST/file" 8<"$HOST"
	run --separate-stderr rt exec "$CID" /probe fds
	exec 7<&- 8<&-
	assert_success
	assert_output ""
}

# Climb from a cwd that may be a leaked host directory to the host's $HOST/file.
climb() {
	printf '../%.0s' $(seq 1 24)
	printf '%s' "${HOST#/}/file"
}

@test "CVE-2024-21626: process.cwd /proc/self/fd/N never lands outside the rootfs" {
	local fd
	exec 7<"$HOST"
	for fd in 3 4 5 6 7 8 9 10 11 12; do
		config_set '.process.cwd = $c' --arg c "/proc/self/fd/$fd"
		run_ct_sep /bin/cat "$(climb)"
		rt delete -f "$CID" >/dev/null 2>&1 || true
		[[ "$output" != *host-data* ]] || fail "fd $fd: the container read a host file"
	done
	exec 7<&-
}

@test "CVE-2024-21626: exec --cwd /proc/self/fd/N never lands outside the rootfs" {
	local fd
	ct_start_sleeper
	exec 7<"$HOST"
	for fd in 3 4 5 6 7 8 9 10 11 12; do
		run --separate-stderr rt exec --cwd "/proc/self/fd/$fd" "$CID" /bin/cat "$(climb)"
		[[ "$output" != *host-data* ]] || fail "fd $fd: the exec'd process read a host file"
	done
	exec 7<&-
	# The same climb from a normal cwd stays in the rootfs: the attempt is real.
	run --separate-stderr rt exec --cwd / "$CID" /bin/cat "$(climb)"
	assert_failure
}
