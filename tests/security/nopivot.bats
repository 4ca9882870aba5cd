#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# --no-pivot (MS_MOVE + chroot): the host's mounts must not stay reachable in
# the container's mount namespace. The kernel lets a user namespace mount a
# new procfs or sysfs only if one is already fully visible in the mount
# namespace (mnt_already_visible); the host's /proc and /sys left under the
# chroot would be, and the new mount would show everything maskedPaths hide
# (runc's CVE-2025-52881 follow-up hardening of --no-pivot).

load helpers

setup() {
	common_setup
	# Docker's default set: unshare -r maps root to root, which needs CAP_SETFCAP
	# (the kernel's verify_root_map) and CAP_SETUID/SETGID for the maps.
	config_set '.process.capabilities |= with_entries(.value += ["CAP_SETUID", "CAP_SETGID", "CAP_SETFCAP"])'
}

# The container tries to mount a fresh FSTYPE from a new user namespace
# (unshare -r, allowed without capabilities). "unshared" proves it got that far.
try_fresh_mount() {
	local fstype="$1" flags="$2"
	config_args /bin/sh -c "unshare $flags sh -c 'echo unshared; mkdir -p /tmp/fresh;
		mount -t $fstype $fstype /tmp/fresh 2>/dev/null && echo MOUNTED; ls /tmp/fresh | head -3'"
	ct_create "$CID" --no-pivot || fail "create --no-pivot: $(cat "$TEST_DIR/$CID.out")"
	rt start "$CID"
	wait_status "$CID" stopped
	run cat "$TEST_DIR/$CID.out"
	assert_line unshared
	refute_line MOUNTED
}

@test "no-pivot: the container can't mount an unmasked procfs from a user namespace" {
	try_fresh_mount proc -mrpf
}

@test "no-pivot: the container can't mount an unmasked sysfs from a user namespace" {
	try_fresh_mount sysfs -mrpfn
}

@test "no-pivot: the control: without --no-pivot the same mount is refused too" {
	config_args /bin/sh -c "unshare -mrpf sh -c 'echo unshared; mkdir -p /tmp/fresh;
		mount -t proc proc /tmp/fresh 2>/dev/null && echo MOUNTED; true'"
	run_ct_sep
	assert_success
	assert_line unshared
	refute_line MOUNTED
}
