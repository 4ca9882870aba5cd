#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# CVE-2023-25809 class: a container writing the host's cgroups. runc gave
# rootless containers without a cgroup namespace a writable /sys/fs/cgroup;
# here a root container without CAP_SYS_ADMIN tries every write it can.

load helpers

teardown() {
	common_teardown
}

@test "CVE-2023-25809: the container can't write any cgroup file it sees" {
	run_ct_sep /bin/sh -c '
		n=0
		for f in $(find /sys/fs/cgroup -maxdepth 3 -type f \( -name "cgroup.procs" \
				-o -name "tasks" -o -name "*.max" -o -name "*limit_in_bytes" \
				-o -name release_agent -o -name notify_on_release \) 2>/dev/null); do
			n=$((n + 1))
			r=$(/probe write "$f")
			[ "$r" = "write: ok" ] && echo "WROTE $f"
		done
		echo "tried: $n"'
	assert_success
	refute_output --partial WROTE
	# The attempt is real only if there were cgroup files to try.
	[ "$(value tried)" -gt 0 ] || fail "no cgroup file visible: $output"
}

@test "CVE-2023-25809: the container can't mount a cgroup hierarchy of its own" {
	run_ct_sep /bin/sh -c 'mkdir -p /tmp/cg && mount -t cgroup -o pids none /tmp/cg && echo v1;
		mount -t cgroup2 none /tmp/cg && echo v2; echo end'
	refute_line v1
	refute_line v2
	assert_line end
}
