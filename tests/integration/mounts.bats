#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# config.json mounts, root.readonly and rootfsPropagation, checked in the container's
# /proc/self/mountinfo and by what it can do.

load helpers

setup() {
	common_setup
	SRC="$TEST_DIR/src"
	mkdir -p "$SRC"
	echo host-data >"$SRC/file"
}

# minfo DEST: the mountinfo line (from $output) of the last mount at DEST.
minfo() {
	awk -v d="$1" '$5 == d' <<<"$output" | tail -1
}

# mopts DEST: per-mount options; msuper DEST: filesystem type and super options.
mopts() {
	minfo "$1" | awk '{print $6}'
}

msuper() {
	minfo "$1" | sed 's/.* - //'
}

# has_opt LIST OPT: OPT is one of the comma-separated LIST.
has_opt() {
	[[ ",$1," == *",$2,"* ]] || fail "option $2 not in '$1'"
}

lacks_opt() {
	[[ ",$1," != *",$2,"* ]] || fail "option $2 unexpectedly in '$1'"
}

bind_mount() {
	local dest="$1" src="$2"
	shift 2
	config_add_mount "$(jq -n --arg d "$dest" --arg s "$src" --argjson o "$(json_array "$@")" \
		'{destination: $d, type: "bind", source: $s, options: $o}')"
}

@test "mounts: bind ro is read-only and shows ro" {
	bind_mount /mnt/ro "$SRC" bind ro
	run_ct_sep /bin/sh -c '/probe mounts; /probe write /mnt/ro/new; cat /mnt/ro/file'
	assert_success
	has_opt "$(mopts /mnt/ro)" ro
	assert_line "write: Read-only file system"
	assert_line host-data
	[ ! -e "$SRC/new" ] || fail "write went through"
}

@test "mounts: bind rw writes through to the host" {
	bind_mount /mnt/rw "$SRC" bind rw
	run_ct_sep /probe write /mnt/rw/new
	assert_success
	assert_output "write: ok"
	[ -e "$SRC/new" ] || fail "write did not reach the host"
}

@test "mounts: nosuid, nodev, noexec show in mountinfo and noexec holds" {
	cp "$ROOTFS/probe" "$SRC/probe"
	bind_mount /mnt/x "$SRC" bind nosuid nodev noexec
	run_ct_sep /probe mounts
	assert_success
	o=$(mopts /mnt/x)
	has_opt "$o" nosuid
	has_opt "$o" nodev
	has_opt "$o" noexec
	CID=$(new_id)
	run_ct /mnt/x/probe pid
	assert_failure
}

@test "mounts: a bind without noexec can exec" {
	cp "$ROOTFS/probe" "$SRC/probe"
	bind_mount /mnt/x "$SRC" bind
	run_ct_sep /mnt/x/probe exit 0
	assert_success
}

@test "mounts: tmpfs with size and mode" {
	config_add_mount '{"destination": "/mnt/tmp", "type": "tmpfs", "source": "tmpfs",
		"options": ["nosuid", "noatime", "size=1m", "mode=700"]}'
	run_ct_sep /bin/sh -c '/probe mounts; /probe stat /mnt/tmp'
	assert_success
	s=$(msuper /mnt/tmp)
	[[ "$s" == tmpfs* ]] || fail "not tmpfs: $s"
	has_opt "${s##* }" size=1024k
	has_opt "${s##* }" mode=700
	has_opt "$(mopts /mnt/tmp)" noatime
	has_opt "$(mopts /mnt/tmp)" nosuid
	assert_value mode 0700
}

@test "mounts: proc at /proc" {
	run_ct_sep /probe mounts
	assert_success
	[[ "$(msuper /proc)" == "proc "* ]] || fail "/proc: $(minfo /proc)"
}

@test "mounts: the container's /proc shows its own pid namespace" {
	run_ct_sep /bin/ls /proc
	assert_success
	run grep -E '^[0-9]+$' <<<"$output"
	assert_output 1
}

@test "mounts: sysfs read-only" {
	run_ct_sep /bin/sh -c '/probe mounts; /probe write /sys/kernel/uevent_helper'
	assert_success
	[[ "$(msuper /sys)" == "sysfs "* ]] || fail "/sys: $(minfo /sys)"
	has_opt "$(mopts /sys)" ro
	assert_line "write: Read-only file system"
}

@test "mounts: mqueue at /dev/mqueue" {
	run_ct_sep /probe mounts
	assert_success
	[[ "$(msuper /dev/mqueue)" == "mqueue "* ]] || fail "$(minfo /dev/mqueue)"
}

@test "mounts: devpts at /dev/pts is a new instance with ptmxmode=666" {
	run_ct_sep /probe mounts
	assert_success
	s=$(msuper /dev/pts)
	[[ "$s" == "devpts "* ]] || fail "$s"
	has_opt "${s##* }" ptmxmode=666
	has_opt "${s##* }" gid=5
}

@test "mounts: cgroup at /sys/fs/cgroup is read-only" {
	run_ct_sep /bin/sh -c '/probe mounts; /probe write /sys/fs/cgroup/isolatest'
	assert_success
	[ -n "$(minfo /sys/fs/cgroup)" ] || fail "no /sys/fs/cgroup mount"
	assert_line --regexp "^write: (Read-only file system|Permission denied)"
}

@test "mounts: rbind brings submounts, bind does not" {
	mkdir -p "$SRC/sub"
	host_mount -t tmpfs isolatest-sub "$SRC/sub"
	touch "$SRC/sub/in-submount"
	bind_mount /mnt/r "$SRC" rbind
	bind_mount /mnt/nr "$SRC" bind
	run_ct_sep /bin/sh -c 'ls /mnt/r/sub; echo --; ls /mnt/nr/sub'
	assert_success
	assert_output "in-submount
--"
}

@test "mounts: rro makes submounts read-only too" {
	mkdir -p "$SRC/sub"
	host_mount -t tmpfs isolatest-sub "$SRC/sub"
	bind_mount /mnt/r "$SRC" rbind rro
	run_ct_sep /probe write /mnt/r/sub/x
	assert_success
	assert_output "write: Read-only file system"
}

@test "mounts: rnoexec, rnosuid, rnodev reach submounts" {
	mkdir -p "$SRC/sub"
	host_mount -t tmpfs isolatest-sub "$SRC/sub"
	bind_mount /mnt/r "$SRC" rbind rnoexec rnosuid rnodev
	run_ct_sep /probe mounts
	assert_success
	o=$(mopts /mnt/r/sub)
	has_opt "$o" noexec
	has_opt "$o" nosuid
	has_opt "$o" nodev
}

@test "mounts: a plain noexec does not reach submounts" {
	mkdir -p "$SRC/sub"
	host_mount -t tmpfs isolatest-sub "$SRC/sub"
	bind_mount /mnt/r "$SRC" rbind noexec
	run_ct_sep /probe mounts
	assert_success
	has_opt "$(mopts /mnt/r)" noexec
	lacks_opt "$(mopts /mnt/r/sub)" noexec
}

@test "mounts: rshared bind sends container mounts back to the host" {
	host_mount --bind "$SRC" "$SRC"
	mount --make-shared "$SRC"
	mkdir -p "$SRC/fromct"
	bind_mount /mnt/p "$SRC" rbind rshared
	# without a shared rootfs the container's copy of the host tree is a slave, and a
	# slave made shared only starts a new peer group inside the container
	config_set '.linux.rootfsPropagation = "shared"'
	config_set '.process.capabilities.bounding += ["CAP_SYS_ADMIN"]
		| .process.capabilities.effective += ["CAP_SYS_ADMIN"]
		| .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
	ct_start_sleeper
	run --separate-stderr rt exec "$CID" /bin/mount -t tmpfs isolatest-fromct /mnt/p/fromct
	assert_success
	MOUNTS_CREATED+=("$SRC/fromct")
	grep -q " $SRC/fromct " /proc/self/mountinfo || fail "container mount did not propagate"
}

@test "mounts: rslave bind receives later host mounts" {
	host_mount --bind "$SRC" "$SRC"
	mount --make-shared "$SRC"
	bind_mount /mnt/p "$SRC" rbind rslave
	ct_start_sleeper
	mkdir -p "$SRC/later"
	host_mount -t tmpfs isolatest-later "$SRC/later"
	touch "$SRC/later/propagated"
	run --separate-stderr rt exec "$CID" /bin/ls /mnt/p/later
	assert_success
	assert_output propagated
}

@test "mounts: rprivate bind does not receive later host mounts" {
	host_mount --bind "$SRC" "$SRC"
	mount --make-shared "$SRC"
	bind_mount /mnt/p "$SRC" rbind rprivate
	ct_start_sleeper
	mkdir -p "$SRC/later"
	host_mount -t tmpfs isolatest-later "$SRC/later"
	touch "$SRC/later/propagated"
	run --separate-stderr rt exec "$CID" /bin/ls /mnt/p/later
	assert_success
	assert_output ""
}

@test "mounts: a missing destination is created inside the rootfs" {
	config_add_mount '{"destination": "/isolatest/a/b", "type": "tmpfs", "source": "tmpfs"}'
	run_ct_sep /bin/sh -c '/probe mounts; /probe stat /isolatest/a/b'
	assert_success
	[ -n "$(minfo /isolatest/a/b)" ] || fail "not mounted"
	assert_value type dir
	[ -d "$ROOTFS/isolatest/a/b" ] || fail "not created in the rootfs"
}

@test "mounts: a bind of a file onto a missing file destination" {
	bind_mount /etc/isolatest-file "$SRC/file" bind ro
	run_ct_sep /bin/cat /etc/isolatest-file
	assert_success
	assert_output host-data
}

@test "mounts: a destination through a symlink stays inside the rootfs" {
	outside="$TEST_DIR/outside"
	mkdir -p "$outside"
	ln -s "$outside" "$ROOTFS/escape"
	ln -s ../../../../../../../.. "$ROOTFS/up"
	config_add_mount '{"destination": "/escape/x", "type": "tmpfs", "source": "tmpfs"}'
	config_add_mount "$(jq -n --arg d "/up$outside/y" '{destination: $d, type: "tmpfs",
		source: "tmpfs"}')"
	run_ct /bin/true
	[ ! -e "$outside/x" ] || fail "mount destination escaped the rootfs: $outside/x"
	[ ! -e "$outside/y" ] || fail "mount destination escaped the rootfs: $outside/y"
}

@test "mounts: readonly root" {
	config_set '.root.readonly = true'
	config_add_mount '{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}'
	run_ct_sep /bin/sh -c '/probe mounts; /probe write /isolatest-file; /probe write /tmp/ok'
	assert_success
	has_opt "$(mopts /)" ro
	assert_line "write: Read-only file system"
	assert_line "write: ok"
	[ ! -e "$ROOTFS/isolatest-file" ]
}

@test "mounts: writable root by default" {
	run_ct_sep /probe write /isolatest-file
	assert_success
	assert_output "write: ok"
	[ -e "$ROOTFS/isolatest-file" ]
}

@test "mounts: the host's mounts are not visible after pivot_root" {
	run_ct_sep /probe mounts
	assert_success
	run awk '{print $5}' <<<"$output"
	refute_line --partial "$TEST_DIR"
	refute_line --regexp '^/(tmp|run|home|work)(/|$)'
}

# rootfsPropagation: with slave (or shared) the container's / receives mounts made on
# the host under the rootfs after start; with private it doesn't.
rootfs_propagation_case() {
	host_mount --bind "$ROOTFS" "$ROOTFS"
	mount --make-shared "$ROOTFS"
	config_set '.linux.rootfsPropagation = $p' --arg p "$1"
	ct_start_sleeper
	host_mount -t tmpfs isolatest-later "$ROOTFS/mnt"
	touch "$ROOTFS/mnt/propagated"
	run --separate-stderr rt exec "$CID" /bin/ls /mnt
	assert_success
}

@test "mounts: rootfsPropagation slave receives host mounts" {
	# runc applies the value to the host's / in the new namespace, then makes the
	# rootfs's parent mount private for pivot_root, so the rootfs ends up private.
	runc_differs "rootfsPropagation slave leaves the rootfs private"
	rootfs_propagation_case slave
	assert_output propagated
}

@test "mounts: rootfsPropagation private does not receive host mounts" {
	rootfs_propagation_case private
	assert_output ""
}

@test "mounts: a mount of an unknown filesystem type fails cleanly" {
	config_add_mount '{"destination": "/mnt/x", "type": "isolatestfs", "source": "none"}'
	run_ct /bin/true
	assert_failure
	assert_clean "$CID"
}

@test "mounts: a bind of a missing source fails cleanly" {
	bind_mount /mnt/x "$TEST_DIR/no-such-dir" bind
	run_ct /bin/true
	assert_failure
	assert_clean "$CID"
}

@test "mounts: idmapped bind mount" {
	runc_lacks "idmapped mounts (runc 1.2)"
	config_add_ns user
	config_set '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .mounts |= map(select(.destination != "/sys/fs/cgroup"))'
	chmod 755 "$TEST_DIR" "$BUNDLE" "$ROOTFS"
	# Owned by host root: without the idmapped mount the container would see
	# it as nobody (65534); through it, host 0 is the container's 0.
	chown 0:0 "$SRC/file"
	# The container's root (host 100000) can't create it in a rootfs owned by host root.
	mkdir -p "$ROOTFS/mnt/idm"
	config_add_mount "$(jq -n --arg s "$SRC" '{destination: "/mnt/idm", type: "bind",
		source: $s, options: ["bind"],
		uidMappings: [{containerID: 0, hostID: 100000, size: 65536}],
		gidMappings: [{containerID: 0, hostID: 100000, size: 65536}]}')"
	run_ct_sep /probe stat /mnt/idm/file
	assert_success
	assert_value uid 0
}
