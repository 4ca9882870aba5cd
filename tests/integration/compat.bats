#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# The classic mount(2) fallbacks for the new mount API (ENOSYS under valgrind,
# seccomp profiles, old kernels), forced with ISOLA_MOUNT_COMPAT=1: the
# container must see the same mounts, flags and masks as with the new API.

load helpers

setup() {
	common_setup
	export ISOLA_MOUNT_COMPAT=1
	SRC="$TEST_DIR/src"
	mkdir -p "$SRC"
	echo host-data >"$SRC/file"
}

teardown() {
	unset ISOLA_MOUNT_COMPAT
	common_teardown
}

# minfo DEST: the mountinfo line (from $output) of the last mount at DEST.
minfo() {
	awk -v d="$1" '$5 == d' <<<"$output" | tail -1
}

mopts() {
	minfo "$1" | awk '{print $6}'
}

has_opt() {
	[[ ",$1," == *",$2,"* ]] || fail "option $2 not in '$1' (${3:-})"
}

# LeakSanitizer can't work under ptrace (make asan): no leak check when traced.
no_lsan() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$@"
}

new_api_calls() {
	grep -cE '^[0-9]+ +(open_tree|move_mount|fsopen|fsconfig|fsmount|mount_setattr)\(' "$1"
}

@test "compat: the default config makes no new-mount-API call" {
	command -v strace >/dev/null || skip "no strace"
	config_args /probe exit 0
	run no_lsan strace -f -qq -o "$TEST_DIR/trace" -e trace=%file,mount,open_tree,move_mount,fsopen,fsconfig,fsmount,mount_setattr \
		"$RUNTIME" --root "$TEST_ROOT" run -b "$BUNDLE" "$CID" </dev/null
	assert_success
	grep -qE '^[0-9]+ +mount\(' "$TEST_DIR/trace" || fail "no mount(2) call traced"
	run new_api_calls "$TEST_DIR/trace"
	assert_output 0
}

@test "compat: without the variable the new mount API is used (the test above can fail)" {
	isola_only "which mount syscalls isola itself uses"
	command -v strace >/dev/null || skip "no strace"
	unset ISOLA_MOUNT_COMPAT
	config_args /probe exit 0
	run no_lsan strace -f -qq -o "$TEST_DIR/trace" -e trace=open_tree,move_mount,fsopen,fsconfig,fsmount,mount_setattr \
		"$RUNTIME" --root "$TEST_ROOT" run -b "$BUNDLE" "$CID" </dev/null
	assert_success
	[ "$(new_api_calls "$TEST_DIR/trace")" -gt 0 ] || fail "no new-API call without compat"
}

@test "compat: default masked and read-only paths hold" {
	run_ct_sep /bin/sh -c 'cat /proc/keys /proc/timer_list; ls -A /proc/acpi; /probe write /proc/sys/kernel/hostname; echo end'
	assert_success
	assert_output $'write: Read-only file system\nend'
}

@test "compat: masked file and read-only /proc/sys show as such in mountinfo" {
	isola_only "isola mounts masked files read-only; the spec asks only that they mask"
	run_ct_sep /probe mounts
	assert_success
	has_opt "$(mopts /proc/keys)" ro "$(minfo /proc/keys)"
	has_opt "$(mopts /proc/sys)" ro "$(minfo /proc/sys)"
	has_opt "$(mopts /proc/sys)" nosuid
	has_opt "$(mopts /proc/sys)" noexec
	[[ "$(minfo /proc/acpi)" == *" - tmpfs "* ]] || fail "/proc/acpi: $(minfo /proc/acpi)"
}

@test "compat: /sys/fs/cgroup is a read-only tmpfs with each hierarchy read-only" {
	isola_only "isola makes the /sys/fs/cgroup tmpfs itself read-only; runc only its binds"
	run_ct_sep /bin/sh -c '/probe mounts; /probe write /sys/fs/cgroup/isolatest; ls /sys/fs/cgroup'
	assert_success
	[ -n "$(minfo /sys/fs/cgroup)" ] || fail "no /sys/fs/cgroup mount"
	has_opt "$(mopts /sys/fs/cgroup)" ro "$(minfo /sys/fs/cgroup)"
	assert_line --regexp "^write: (Read-only file system|Permission denied)"
	local n=0 l
	while read -r l; do
		n=$((n + 1))
		has_opt "$(awk '{print $6}' <<<"$l")" ro "$l"
		has_opt "$(awk '{print $6}' <<<"$l")" nosuid "$l"
	done < <(awk '$5 ~ "^/sys/fs/cgroup/" && / - cgroup2? /' <<<"$output")
	[ "$n" -gt 0 ] || fail "no cgroup hierarchy under /sys/fs/cgroup"
	assert_line memory
}

@test "compat: bind ro is read-only, keeps its data, and nosuid,nodev,noexec apply" {
	config_add_mount "$(jq -n --arg s "$SRC" \
		'{destination: "/mnt/ro", type: "bind", source: $s, options: ["rbind", "ro", "nosuid", "nodev", "noexec"]}')"
	run_ct_sep /bin/sh -c '/probe mounts; /probe write /mnt/ro/new; cat /mnt/ro/file'
	assert_success
	local o
	o=$(mopts /mnt/ro)
	has_opt "$o" ro
	has_opt "$o" nosuid
	has_opt "$o" nodev
	has_opt "$o" noexec
	assert_line "write: Read-only file system"
	assert_line host-data
	[ ! -e "$SRC/new" ] || fail "write went through"
}

@test "compat: bind rw writes through" {
	config_add_mount "$(jq -n --arg s "$SRC" \
		'{destination: "/mnt/rw", type: "bind", source: $s, options: ["bind", "rw"]}')"
	run_ct_sep /probe write /mnt/rw/new
	assert_success
	assert_output "write: ok"
	[ -e "$SRC/new" ] || fail "write did not reach the host"
}

@test "compat: tmpfs with options" {
	config_add_mount '{"destination": "/mnt/tmp", "type": "tmpfs", "source": "tmpfs",
		"options": ["nosuid", "noatime", "size=1m", "mode=700"]}'
	run_ct_sep /bin/sh -c '/probe mounts; /probe stat /mnt/tmp'
	assert_success
	[[ "$(minfo /mnt/tmp)" == *" - tmpfs "*size=1024k*mode=700* ]] || fail "$(minfo /mnt/tmp)"
	has_opt "$(mopts /mnt/tmp)" noatime
	has_opt "$(mopts /mnt/tmp)" nosuid
	assert_value mode 0700
}

@test "compat: read-only root keeps the rootfs writable on the host side only" {
	config_set '.root.readonly = true'
	run_ct_sep /bin/sh -c '/probe mounts; /probe write /new; /probe write /tmp/new'
	assert_success
	has_opt "$(mopts /)" ro "$(minfo /)"
	[ "$(grep -c '^write: Read-only file system' <<<"$output")" -eq 2 ] || fail "$output"
	[ ! -e "$ROOTFS/new" ] || fail "write went through"
}

@test "compat: recursive mount attributes are refused, not half-applied" {
	runc_lacks "recursive mount attributes (rro, ...)"
	config_add_mount "$(jq -n --arg s "$SRC" \
		'{destination: "/mnt/r", type: "bind", source: $s, options: ["rbind", "rro"]}')"
	run_ct_sep /probe exit 0
	assert_failure
	[[ "$stderr" == *"recursive mount attributes"* ]] || fail "$stderr"
}

@test "compat: user namespace: ro bind and masks keep the locked flags" {
	isola_only "isola mounts masked files read-only; the spec asks only that they mask"
	config_add_ns user
	config_set '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
		| .mounts |= map(select(.destination != "/sys/fs/cgroup"))'
	mkdir -p "$ROOTFS/mnt/ro"
	chmod 755 "$TEST_DIR" "$BUNDLE" "$ROOTFS" "$SRC"
	config_add_mount "$(jq -n --arg s "$SRC" \
		'{destination: "/mnt/ro", type: "bind", source: $s, options: ["bind", "ro"]}')"
	run_ct_sep /bin/sh -c '/probe mounts; /probe write /mnt/ro/new; cat /proc/keys; echo end'
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	assert_line "write: Read-only file system"
	assert_line --index -1 end
	has_opt "$(mopts /mnt/ro)" ro "$(minfo /mnt/ro)"
	has_opt "$(mopts /proc/keys)" ro "$(minfo /proc/keys)"
	has_opt "$(mopts /proc/sys)" ro "$(minfo /proc/sys)"
}

# Shared binds take the mount(2) path even with the new API (a clone from
# open_tree joins no peer group); their recursive attributes must still apply.
@test "compat: an rshared bind with rro keeps its submounts read-only (no compat variable)" {
	unset ISOLA_MOUNT_COMPAT
	mkdir -p "$SRC/sub"
	host_mount --bind "$SRC" "$SRC"
	mount --make-shared "$SRC"
	host_mount -t tmpfs isolatest-sub "$SRC/sub"
	config_add_mount "$(jq -n --arg s "$SRC" \
		'{destination: "/mnt/r", type: "bind", source: $s, options: ["rbind", "rshared", "rro"]}')"
	run_ct_sep /bin/sh -c '/probe write /mnt/r/sub/x; /probe write /mnt/r/y'
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	assert_output $'write: Read-only file system\nwrite: Read-only file system'
}
