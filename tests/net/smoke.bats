#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# The suite runs in a network namespace of its own (tests/net/run.sh).

@test "net suite: runs in a network namespace of its own" {
	[ "$(readlink /proc/self/ns/net)" != "$(readlink /proc/1/ns/net)" ]
	run ip -o link show
	[ "$(echo "$output" | wc -l)" -eq 1 ]
}
