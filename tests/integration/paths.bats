#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# linux.maskedPaths and linux.readonlyPaths.

load helpers

setup() {
	common_setup
	mkdir -p "$ROOTFS/secretdir" "$ROOTFS/rodir"
	echo top-secret >"$ROOTFS/secret"
	echo top-secret >"$ROOTFS/secretdir/inner"
	echo data >"$ROOTFS/rodir/file"
	echo data >"$ROOTFS/rofile"
}

@test "paths: a masked file reads empty" {
	config_set '.linux.maskedPaths = ["/secret"]'
	run_ct_sep /bin/cat /secret
	assert_success
	assert_output ""
}

@test "paths: a masked file can't be written" {
	config_set '.linux.maskedPaths = ["/secret"]'
	run_ct_sep /bin/sh -c 'echo x > /secret; cat /secret'
	assert_output ""
	assert_equal "$(cat "$ROOTFS/secret")" top-secret
}

@test "paths: a masked directory is empty and read-only" {
	config_set '.linux.maskedPaths = ["/secretdir"]'
	run_ct_sep /bin/sh -c 'ls -A /secretdir; /probe write /secretdir/new'
	assert_success
	assert_output "write: Read-only file system"
}

@test "paths: a masked path that does not exist is ignored" {
	config_set '.linux.maskedPaths = ["/no/such/path"]'
	run_ct_sep /probe exit 0
	assert_success
}

@test "paths: the default masked /proc paths are masked" {
	run_ct_sep /bin/sh -c 'cat /proc/kcore; ls -A /sys/firmware; echo end'
	assert_success
	assert_output end
}

@test "paths: a readonly path is readable but not writable" {
	config_set '.linux.readonlyPaths = ["/rodir", "/rofile"]'
	run_ct_sep /bin/sh -c 'cat /rodir/file; /probe write /rodir/file; /probe write /rofile'
	assert_success
	assert_line --index 0 data
	assert_line --index 1 "write: Read-only file system"
	assert_line --index 2 "write: Read-only file system"
	assert_equal "$(cat "$ROOTFS/rodir/file")" data
}

@test "paths: the rest of the rootfs stays writable" {
	config_set '.linux.readonlyPaths = ["/rodir"]'
	run_ct_sep /probe write /tmp/x
	assert_success
	assert_output "write: ok"
}

@test "paths: /proc/sys is read-only by default" {
	run_ct_sep /probe write /proc/sys/kernel/hostname
	assert_success
	assert_output "write: Read-only file system"
}

@test "paths: a readonly path that does not exist is ignored" {
	config_set '.linux.readonlyPaths = ["/no/such/path"]'
	run_ct_sep /probe exit 0
	assert_success
}

@test "paths: a readonly path can't be made writable again by remount" {
	# the default capabilities leave out CAP_SYS_ADMIN, so the remount must fail
	config_set '.linux.readonlyPaths = ["/rodir"]'
	run_ct_sep /bin/sh -c 'mount -o remount,rw /rodir 2>/dev/null; /probe write /rodir/file'
	assert_success
	assert_output "write: Read-only file system"
}
