#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# /dev: the default devices and symlinks the runtime-spec requires, linux.devices, /dev/pts.

load helpers

# check_dev PATH MAJOR MINOR: a character device with mode 0666 (what the spec's defaults
# are for), as /probe stat prints it in $output.
check_dev() {
	run_ct_sep /probe stat "$1"
	assert_success
	assert_value type char
	assert_value major "$2"
	assert_value minor "$3"
	assert_value mode 0666
	CID=$(new_id)
}

@test "dev: /dev/null" {
	check_dev /dev/null 1 3
}

@test "dev: /dev/zero" {
	check_dev /dev/zero 1 5
}

@test "dev: /dev/full" {
	check_dev /dev/full 1 7
}

@test "dev: /dev/random" {
	check_dev /dev/random 1 8
}

@test "dev: /dev/urandom" {
	check_dev /dev/urandom 1 9
}

@test "dev: /dev/tty" {
	check_dev /dev/tty 5 0
}

@test "dev: the default devices work" {
	run_ct_sep /bin/sh -c 'echo x > /dev/null && head -c 4 /dev/zero | wc -c &&
		head -c 4 /dev/urandom | wc -c; echo x > /dev/full || echo full-refused'
	assert_success
	assert_line --index 0 4
	assert_line --index 1 4
	assert_line full-refused
}

check_link() {
	run_ct_sep /probe stat "$1"
	assert_success
	assert_value type symlink
	assert_value target "$2"
	CID=$(new_id)
}

@test "dev: /dev/fd -> /proc/self/fd" {
	check_link /dev/fd /proc/self/fd
}

@test "dev: /dev/stdin, stdout, stderr" {
	check_link /dev/stdin /proc/self/fd/0
	check_link /dev/stdout /proc/self/fd/1
	check_link /dev/stderr /proc/self/fd/2
}

@test "dev: /dev/ptmx points into /dev/pts" {
	run_ct_sep /probe stat /dev/ptmx
	assert_success
	t=$(value type)
	if [ "$t" = symlink ]; then
		assert_value target pts/ptmx
	else
		# a bind mount of /dev/pts/ptmx is allowed too
		assert_value major 5
		assert_value minor 2
	fi
}

@test "dev: /dev/pts lets the container open a new pty" {
	run_ct_sep /bin/sh -c 'exec 3<>/dev/ptmx && ls /dev/pts'
	assert_success
	assert_line 0
	assert_line ptmx
}

@test "dev: host devices are not visible" {
	run_ct_sep /bin/ls /dev
	assert_success
	refute_line vda
	refute_line sda
	refute_line mem
	refute_line kmsg
}

@test "dev: /dev/shm is a tmpfs" {
	run_ct_sep /bin/sh -c 'grep " /dev/shm " /proc/self/mountinfo'
	assert_success
	assert_output --partial " - tmpfs "
}

@test "dev: no /dev/console without a terminal" {
	run_ct_sep /bin/sh -c 'test -e /dev/console && echo present || echo absent'
	assert_success
	assert_output absent
}

@test "dev: linux.devices with mode, uid and gid" {
	config_set '.linux.devices = [{"path": "/dev/isolatest0", "type": "c", "major": 1,
		"minor": 3, "fileMode": 384, "uid": 1000, "gid": 1001}]'
	run_ct_sep /probe stat /dev/isolatest0
	assert_success
	assert_value type char
	assert_value major 1
	assert_value minor 3
	assert_value mode 0600
	assert_value uid 1000
	assert_value gid 1001
}

@test "dev: linux.devices block device" {
	config_set '.linux.devices = [{"path": "/dev/isolatestblk", "type": "b", "major": 7,
		"minor": 200, "fileMode": 432, "uid": 0, "gid": 0}]'
	run_ct_sep /probe stat /dev/isolatestblk
	assert_success
	assert_value type block
	assert_value major 7
	assert_value minor 200
	assert_value mode 0660
}

@test "dev: linux.devices fifo" {
	config_set '.linux.devices = [{"path": "/dev/isolatestfifo", "type": "p", "fileMode": 420}]'
	run_ct_sep /probe stat /dev/isolatestfifo
	assert_success
	assert_value type fifo
}

@test "dev: a linux.devices device is usable" {
	config_set '.linux.devices = [{"path": "/dev/isolatestnull", "type": "c", "major": 1,
		"minor": 3, "fileMode": 438}]'
	# a runtime that skipped the mknod would leave a plain file that keeps what we write
	run_ct_sep /bin/sh -c 'echo x > /dev/isolatestnull && cat /dev/isolatestnull && echo written'
	assert_success
	assert_output written
}

@test "dev: linux.devices in a subdirectory of /dev" {
	config_set '.linux.devices = [{"path": "/dev/isolatest/sub/null", "type": "c",
		"major": 1, "minor": 3, "fileMode": 438}]'
	run_ct_sep /probe stat /dev/isolatest/sub/null
	assert_success
	assert_value type char
}

@test "dev: linux.devices fileMode with the file-type bits (podman --device)" {
	# podman sends the host node's st_mode: 020600 (char), 060660 (block)
	config_set '.linux.devices = [{"path": "/dev/isolatest0", "type": "c", "major": 1,
		"minor": 3, "fileMode": 8576},
		{"path": "/dev/isolatestblk", "type": "b", "major": 7, "minor": 200,
		"fileMode": 25008}]'
	run_ct_sep /bin/sh -c '/probe stat /dev/isolatest0 && /probe stat /dev/isolatestblk'
	assert_success
	assert_equal "$(sed -n 's/^type: //p' <<<"$output" | tr '\n' ' ')" "char block "
	assert_equal "$(sed -n 's/^mode: //p' <<<"$output" | tr '\n' ' ')" "0600 0660 "
}

# linux.devices makes the node; only linux.resources.devices (plus the runtime's default
# list) lets the container use it, as runc: /dev/kmsg (1:11) is on neither list.
@test "dev: a linux.devices node the device cgroup does not allow gives EPERM" {
	config_set '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1,
		"minor": 11, "fileMode": 438}]'
	run_ct_sep /bin/sh -c '/probe stat /dev/kmsg; /probe write /dev/kmsg; /probe write /dev/null'
	assert_success
	assert_value type char
	assert_line "write: Operation not permitted"
	assert_line "write: ok"
}

@test "dev: without linux.resources.devices the default device list still applies" {
	config_set 'del(.linux.resources) | .linux.devices = [{"path": "/dev/kmsg", "type": "c",
		"major": 1, "minor": 11, "fileMode": 438}]'
	run_ct_sep /bin/sh -c '/probe write /dev/kmsg; /probe write /dev/null'
	assert_success
	assert_line --index 0 "write: Operation not permitted"
	assert_line --index 1 "write: ok"
}

@test "dev: a read-only /dev tmpfs still gets its devices and submounts" {
	config_set '(.mounts[] | select(.destination == "/dev") | .options) += ["ro"]'
	run_ct_sep /bin/sh -c 'grep " /dev " /proc/self/mountinfo | cut -d" " -f6;
		grep -c " /dev/pts " /proc/self/mountinfo; echo x > /dev/null && echo null-ok;
		touch /dev/isolatest 2>&1 || true'
	assert_success
	assert_line --index 0 --regexp '^ro(,|$)'
	assert_line --index 1 1
	assert_line --index 2 null-ok
	assert_line --index 3 --partial "Read-only file system"
}

@test "dev: a read-only /dev tmpfs with a terminal has /dev/console" {
	config_set '(.mounts[] | select(.destination == "/dev") | .options) += ["ro"] | .process.terminal = true'
	config_args /bin/sh -c 'test -c /dev/console && echo console-ok'
	"$RECVTTY" "$TEST_DIR/tty.sock" "$TEST_DIR/tty.out" "$TEST_DIR/recvtty.pid" ||
		fail "recvtty failed"
	ct_create "$CID" --console-socket "$TEST_DIR/tty.sock" ||
		fail "create: $(cat "$TEST_DIR/$CID.out")"
	run rt start "$CID"
	assert_success
	wait_for pid_gone "$(cat "$TEST_DIR/recvtty.pid")" || fail "pty never closed"
	run grep -c console-ok "$TEST_DIR/tty.out"
	assert_output 1
}
