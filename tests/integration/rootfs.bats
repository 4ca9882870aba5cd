#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# root.path and --no-pivot (MS_MOVE + chroot instead of pivot_root).

load helpers

@test "rootfs: relative root.path is relative to the bundle" {
	run_ct_sep /bin/cat /etc/passwd
	assert_success
	assert_line --index 0 --regexp '^root:'
}

@test "rootfs: absolute root.path" {
	mv "$ROOTFS" "$TEST_DIR/elsewhere"
	config_set '.root.path = $p' --arg p "$TEST_DIR/elsewhere"
	run_ct_sep /probe write /isolatest-here
	assert_success
	assert_output "write: ok"
	[ -e "$TEST_DIR/elsewhere/isolatest-here" ] || fail "not written to the absolute rootfs"
}

@test "rootfs: --no-pivot runs the container" {
	config_args /bin/sh -c 'echo "pid: $$"; cat /etc/passwd'
	ct_create "$CID" --no-pivot || fail "create --no-pivot: $(cat "$TEST_DIR/$CID.out")"
	run rt start "$CID"
	assert_success
	wait_status "$CID" stopped
	run cat "$TEST_DIR/$CID.out"
	assert_line "pid: 1"
	assert_line --regexp '^root:'
}

@test "rootfs: --no-pivot hides the host's mounts" {
	config_args /probe mounts
	ct_create "$CID" --no-pivot || fail "create --no-pivot: $(cat "$TEST_DIR/$CID.out")"
	rt start "$CID"
	wait_status "$CID" stopped
	run awk '{print $5}' "$TEST_DIR/$CID.out"
	assert_line /
	assert_line /proc
	refute_line --partial "$TEST_DIR"
	refute_line --regexp '^/(tmp|run|home|work)(/|$)'
}

@test "rootfs: --no-pivot with a read-only root" {
	config_set '.root.readonly = true'
	config_args /probe write /isolatest-file
	ct_create "$CID" --no-pivot || fail "create --no-pivot: $(cat "$TEST_DIR/$CID.out")"
	rt start "$CID"
	wait_status "$CID" stopped
	run cat "$TEST_DIR/$CID.out"
	assert_output "write: Read-only file system"
}

@test "rootfs: run --no-pivot" {
	run --separate-stderr rt run --no-pivot -b "$BUNDLE" "$CID" </dev/null
	assert_success
	assert_line "uid: 0"
}

@test "rootfs: the container can't reach the host's root through .." {
	run_ct_sep /bin/sh -c 'cd /../../..; ls /bin/busybox; ls "$0" 2>&1 | head -1' "$TEST_DIR"
	assert_success
	assert_line --index 0 /bin/busybox
	assert_line --index 1 --partial "No such file"
}

@test "rootfs: the rootfs stays usable after the container is deleted" {
	run_ct /probe exit 0
	assert_success
	run rt delete "$CID"
	[ -x "$ROOTFS/probe" ] || fail "rootfs damaged"
	run grep -c " $ROOTFS" /proc/self/mountinfo
	assert_output 0
}

# A /proc or /sys that is a symlink in the image: runc refuses it; mounting
# through it would put procfs or sysfs wherever the image points.
proc_sys_symlink() {
	local dir="$1"
	rm -rf "${ROOTFS:?}/$dir"
	mkdir -p "$ROOTFS/elsewhere"
	ln -s /elsewhere "$ROOTFS/$dir"
	run_ct_sep /bin/sh -c 'ls /elsewhere | head -3; echo ran'
	assert_failure
	[ -n "$stderr" ] || fail "no error message"
	[ -z "$(ls -A "$ROOTFS/elsewhere")" ] || fail "mounted through the link"
	assert_clean "$CID"
}

@test "rootfs: a /proc that is a symlink is refused" {
	proc_sys_symlink proc
}

@test "rootfs: a /sys that is a symlink is refused" {
	proc_sys_symlink sys
}

@test "rootfs: --no-pivot with rshared rootfsPropagation leaves the host's mounts alone" {
	# The container's copy of a shared mount is a peer of the host's: detaching
	# it there would unmount what is mounted on the host's one too.
	mkdir -p "$TEST_DIR/shared"
	host_mount -t tmpfs isolatest-shared "$TEST_DIR/shared"
	mount --make-shared "$TEST_DIR/shared"
	mkdir -p "$TEST_DIR/shared/child"
	host_mount -t tmpfs isolatest-child "$TEST_DIR/shared/child"
	config_set '.linux.rootfsPropagation = "rshared"'
	run --separate-stderr rt run --no-pivot -b "$BUNDLE" "$CID" </dev/null
	assert_success
	grep -q " $TEST_DIR/shared/child .* isolatest-child" /proc/self/mountinfo ||
		fail "the container's detach reached the host's mount"
}
