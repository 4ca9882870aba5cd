#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# linux.namespaces: new ones, joined ones, user-namespace id mappings; hostname, domainname.

load helpers

# host_ns TYPE: the host's (this test's) namespace link for /proc/self/ns/TYPE.
host_ns() {
	readlink "/proc/self/ns/$1"
}

@test "namespaces: the process is pid 1 in a new pid namespace" {
	run_ct_sep /probe pid
	assert_success
	assert_value pid 1
	assert_value ppid 0
}

@test "namespaces: without a pid namespace the process sees host pids" {
	config_del_ns pid
	run_ct_sep /probe pid
	assert_success
	[ "$(value pid)" -gt 1 ] || fail "pid: $output"
}

@test "namespaces: hostname" {
	config_set '.hostname = "isolatest-host"'
	run_ct_sep /probe hostname
	assert_success
	assert_output "hostname: isolatest-host"
}

@test "namespaces: domainname" {
	runc_lacks "domainname (ignored before runc 1.2)"
	config_set '.domainname = "isolatest.example"'
	run_ct_sep /probe domainname
	assert_success
	assert_output "domainname: isolatest.example"
}

@test "namespaces: hostname does not leak to the host" {
	before=$(hostname)
	config_set '.hostname = "isolatest-leak"'
	run_ct_sep /probe hostname
	assert_success
	assert_equal "$(hostname)" "$before"
}

@test "namespaces: ipc, uts, net, mnt, pid differ from the host's" {
	run_ct_sep /probe ns
	assert_success
	for ns in ipc uts net mnt pid; do
		[ "$(value "$ns")" != "$(host_ns "$ns")" ] || fail "$ns namespace is the host's"
		[ -n "$(value "$ns")" ] || fail "no $ns in $output"
	done
}

@test "namespaces: a namespace left out of the config is the host's" {
	config_del_ns ipc
	config_del_ns uts
	config_set 'del(.hostname)'
	run_ct_sep /probe ns
	assert_success
	assert_value ipc "$(host_ns ipc)"
	assert_value uts "$(host_ns uts)"
}

@test "namespaces: cgroup namespace" {
	config_add_ns cgroup
	run_ct_sep /probe ns
	assert_success
	[ "$(value cgroup)" != "$(host_ns cgroup)" ] || fail "cgroup namespace is the host's"
}

@test "namespaces: cgroup namespace root is the container's cgroup" {
	config_add_ns cgroup
	run_ct_sep /probe cgroup
	assert_success
	# every hierarchy looks like the root from inside
	run grep -v -E ':/$' <<<"$output"
	assert_output ""
}

@test "namespaces: time namespace" {
	runc_lacks "time namespace (runtime-spec 1.2, runc 1.2)"
	config_add_ns time
	run_ct_sep /probe ns
	assert_success
	[ "$(value time)" != "$(host_ns time)" ] || fail "time namespace is the host's"
}

@test "namespaces: time namespace offsets" {
	runc_lacks "time namespace (runtime-spec 1.2, runc 1.2)"
	config_add_ns time
	# /proc/uptime follows CLOCK_BOOTTIME, so it shows the boottime offset.
	config_set '.linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 0},
		"boottime": {"secs": 86400, "nanosecs": 0}}'
	run_ct_sep /bin/cat /proc/uptime
	assert_success
	up=${output%%.*}
	host_up=$(cut -d. -f1 /proc/uptime)
	[ "$up" -ge $((host_up + 86000)) ] || fail "uptime $up not offset (host $host_up)"
}

@test "namespaces: a new net namespace has only lo, and it is up" {
	run_ct_sep /bin/sh -c 'cat /proc/net/dev; cat /sys/class/net/lo/flags'
	assert_success
	assert_line 0x9
	run grep -c ':' <<<"$output"
	assert_output 1
}

@test "namespaces: a container joined to another's new net namespace reaches its 127.0.0.1" {
	config_args /bin/sh -c 'echo pong | nc -l -p 7777 127.0.0.1'
	ct_run_d || fail "run -d: $(cat "$TEST_DIR/$CID.out")"
	wait_status "$CID" running
	pid=$(ct_pid)
	bundle_new "$TEST_DIR/bundle2"
	CID=$(new_id)
	config_add_ns network "/proc/$pid/ns/net"
	run_ct_sep /bin/sh -c 'for i in $(seq 100); do nc 127.0.0.1 7777 </dev/null && exit 0; usleep 20000; done; exit 1'
	assert_success
	assert_output pong
}

@test "namespaces: join a network namespace by path" {
	ns="isolatest-$RANDOM"
	host_netns "$ns"
	ip netns exec "$ns" ip link add isolatest0 type veth peer name isolatest1
	config_add_ns network "/run/netns/$ns"
	run_ct_sep /bin/cat /proc/net/dev
	assert_success
	assert_output --partial "isolatest0"
	want=$(ip netns exec "$ns" readlink /proc/self/ns/net)
	CID=$(new_id)
	run_ct_sep /probe ns
	assert_value net "$want"
}

@test "namespaces: join another container's ipc and uts namespaces by /proc path" {
	config_set '.hostname = "isolatest-first"'
	ct_start_sleeper
	pid=$(ct_pid)
	first=$CID
	bundle_new "$TEST_DIR/bundle2"
	CID=$(new_id)
	config_add_ns ipc "/proc/$pid/ns/ipc"
	config_add_ns uts "/proc/$pid/ns/uts"
	config_set 'del(.hostname)'
	run_ct_sep /probe ns
	assert_success
	assert_value ipc "$(readlink "/proc/$pid/ns/ipc")"
	assert_value uts "$(readlink "/proc/$pid/ns/uts")"
	CID=$(new_id)
	run_ct_sep /probe hostname
	assert_output "hostname: isolatest-first"
}

@test "namespaces: joining a path that is not a namespace fails" {
	config_add_ns network "$TEST_DIR"
	run_ct /probe ns
	assert_failure
	assert_clean "$CID"
}

@test "namespaces: joining a namespace of the wrong type fails" {
	config_add_ns network "/proc/self/ns/ipc"
	run_ct /probe ns
	assert_failure
	assert_clean "$CID"
}

userns_config() {
	config_add_ns user
	config_set '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
	# sysfs can't be mounted from a user namespace that doesn't own the net namespace
	# when there is no new net namespace; we keep the default one, so only drop the
	# cgroup mount, whose hierarchy the mapped root doesn't own.
	config_set '.mounts |= map(select(.destination != "/sys/fs/cgroup"))'
	chmod 755 "$TEST_DIR" "$BUNDLE" "$ROOTFS"
}

@test "namespaces: user namespace: root inside, mapped ids in uid_map/gid_map" {
	userns_config
	run_ct_sep /bin/sh -c '/probe ids; cat /proc/self/uid_map /proc/self/gid_map'
	assert_success
	assert_value uid 0
	assert_value gid 0
	assert_line --regexp '^ +0 +100000 +65536$'
	assert_line --regexp '^ +0 +200000 +65536$'
}

@test "namespaces: user namespace: the process runs as the mapped host uid" {
	userns_config
	config_args /probe sleep 600
	ct_run_d || fail "run -d: $(cat "$TEST_DIR/$CID.out")"
	wait_status "$CID" running
	pid=$(ct_pid)
	assert_equal "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" 100000
	assert_equal "$(awk '/^Gid:/ {print $2}' "/proc/$pid/status")" 200000
	[ "$(readlink "/proc/$pid/ns/user")" != "$(host_ns user)" ] || fail "user ns is the host's"
}

@test "namespaces: user namespace: uid 1000 inside maps to host 101000" {
	userns_config
	config_set '.process.user = {"uid": 1000, "gid": 1000}'
	config_args /probe sleep 600
	ct_run_d || fail "run -d: $(cat "$TEST_DIR/$CID.out")"
	wait_status "$CID" running
	pid=$(ct_pid)
	assert_equal "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" 101000
	assert_equal "$(awk '/^Gid:/ {print $2}' "/proc/$pid/status")" 201000
}

@test "namespaces: user namespace: files owned by unmapped host root show as nobody" {
	userns_config
	run_ct_sep /probe stat /probe
	assert_success
	assert_value uid 65534
	assert_value gid 65534
}

@test "namespaces: user namespace: a cwd root is refused but the user may enter" {
	userns_config
	# owner unmapped (host uid 5): the namespace's root has no DAC override on it and
	# only the others' bits (none); its group is the user's (host 201000 = 1000 inside)
	mkdir "$ROOTFS/data"
	chown 5:201000 "$ROOTFS/data"
	chmod 0710 "$ROOTFS/data"
	config_set '.process.user = {"uid": 1000, "gid": 1000} | .process.cwd = "/data"'
	run_ct_sep /probe cwd
	assert_success
	assert_output "cwd: /data"
}

@test "namespaces: user namespace with several mapping ranges" {
	userns_config
	config_set '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 1000},
		{"containerID": 1000, "hostID": 300000, "size": 1000}]'
	run_ct_sep /bin/cat /proc/self/uid_map
	assert_success
	assert_line --regexp '^ +0 +100000 +1000$'
	assert_line --regexp '^ +1000 +300000 +1000$'
}

# A bind source under a directory only the host's root may enter: the runtime
# opens it with its own privileges before the user namespace exists (as runc).
userns_private_source() {
	userns_config
	mkdir -m 0700 "$TEST_DIR/private"
	mkdir -p "$TEST_DIR/private/dir" "$ROOTFS/mnt/data"
	echo host-data >"$TEST_DIR/private/dir/file"
	config_add_mount "$(jq -n --arg s "$TEST_DIR/private/dir" --argjson o "$1" \
		'{destination: "/mnt/data", type: "bind", source: $s, options: $o}')"
}

@test "namespaces: user namespace: a bind source the mapped root can't reach is mounted" {
	userns_private_source '["rbind"]'
	run_ct_sep /bin/cat /mnt/data/file
	assert_success
	assert_output host-data
}

@test "namespaces: user namespace: a read-only bind of a source the mapped root can't reach" {
	userns_private_source '["bind", "ro", "nosuid"]'
	run_ct_sep /bin/sh -c 'cat /mnt/data/file; grep " /mnt/data " /proc/self/mountinfo | cut -d" " -f6'
	assert_success
	assert_line --index 0 host-data
	assert_line --index 1 --regexp '^ro,nosuid'
}

@test "namespaces: user namespace: a bind keeps the host mount's flags locked" {
	# The source is opened in the container's own mount namespace, whose copy of
	# the host's read-only nosuid mount the kernel locked: even with
	# CAP_SYS_ADMIN in its user namespace the container can't clear them.
	userns_config
	mkdir -p "$TEST_DIR/src" "$ROOTFS/mnt/data"
	host_mount -t tmpfs -o nosuid,ro isolatest-src "$TEST_DIR/src"
	config_add_mount "$(jq -n --arg s "$TEST_DIR/src" \
		'{destination: "/mnt/data", type: "bind", source: $s, options: ["rbind"]}')"
	config_set '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
	run_ct_sep /bin/sh -c 'mount -o remount,bind,rw,suid /mnt/data 2>/dev/null && echo REMOUNTED;
		grep " /mnt/data " /proc/self/mountinfo | cut -d" " -f6'
	assert_success
	refute_line REMOUNTED
	assert_line --regexp '^ro,nosuid'
}

@test "namespaces: user namespace: a missing bind source fails cleanly" {
	userns_config
	config_add_mount "$(jq -n --arg s "$TEST_DIR/missing" \
		'{destination: "/mnt/data", type: "bind", source: $s, options: ["rbind"]}')"
	run_ct_sep /bin/true
	assert_failure
	[[ "$stderr" == *"$TEST_DIR/missing"* ]] || fail "error does not name the source: $stderr"
	assert_clean "$CID"
}

# No new mount namespace: the host's (run.sh's private one) or one joined by path.
no_mntns_config() {
	config_del_ns mount
	# runc too refuses maskedPaths and readonlyPaths without a mount namespace of their own
	config_set '.linux.maskedPaths = [] | .linux.readonlyPaths = []'
	echo isolatest-marker >"$ROOTFS/marker"
}

@test "namespaces: without a mount namespace the process runs chrooted in the rootfs" {
	no_mntns_config
	run_ct_sep /bin/sh -c 'cat /marker; ls -d /probe'
	assert_success
	assert_line --index 0 isolatest-marker
	assert_line --index 1 /probe
}

@test "namespaces: without a mount namespace nothing is mounted on the host" {
	isola_only "runc 1.1 makes the config's mounts in the host's mount namespace and leaves them"
	no_mntns_config
	before=$(wc -l </proc/self/mountinfo)
	run_ct_sep /bin/cat /marker
	assert_success
	assert_output isolatest-marker
	run grep -c " $ROOTFS" /proc/self/mountinfo
	assert_output 0
	assert_equal "$(wc -l </proc/self/mountinfo)" "$before"
}

@test "namespaces: without a mount namespace exec runs chrooted in the rootfs too" {
	runc_differs "runc 1.1 runs the exec'd process in the host's root, outside root.path"
	no_mntns_config
	ct_start_sleeper
	run rt exec "$CID" /bin/cat /marker
	assert_success
	assert_output isolatest-marker
}

@test "namespaces: maskedPaths without a mount namespace of the container's own are refused" {
	config_del_ns mount
	config_set '.linux.maskedPaths = ["/proc/kcore"] | .linux.readonlyPaths = []'
	run_ct_sep /bin/true
	assert_failure
	[ -n "$stderr" ] || fail "no error message"
	assert_clean "$CID"
}

# mntns_holder: a process holding a mount namespace with a tmpfs on $ROOTFS/mnt/joined
# that the host's does not have; sets HOLDER.
mntns_holder() {
	mkdir -p "$ROOTFS/mnt/joined"
	unshare -m --propagation private sh -c "mount -t tmpfs isolatest-joined '$ROOTFS/mnt/joined' &&
		echo in-joined-ns >'$ROOTFS/mnt/joined/file' && exec sleep 600" \
		</dev/null >/dev/null 2>&1 3>&- &
	HOLDER=$!
	echo "$HOLDER" >"$TEST_DIR/holder.pid"
	wait_for nsenter -t "$HOLDER" -m test -e "$ROOTFS/mnt/joined/file" ||
		fail "cannot make the mount namespace"
}

@test "namespaces: join a mount namespace by path" {
	config_set '.linux.maskedPaths = [] | .linux.readonlyPaths = []'
	mntns_holder
	config_add_ns mount "/proc/$HOLDER/ns/mnt"
	run_ct_sep /bin/cat /mnt/joined/file
	assert_success
	assert_output in-joined-ns
	[ ! -e "$ROOTFS/mnt/joined/file" ] || fail "the tmpfs is in the host's namespace"
}

@test "namespaces: a joined mount namespace listed first does not change where other paths resolve" {
	config_set '.linux.maskedPaths = [] | .linux.readonlyPaths = []'
	mntns_holder
	# Made after the holder's namespace: /run/netns/NAME is not there, only in ours.
	ns="isolatest-$RANDOM"
	host_netns "$ns"
	config_set '.linux.namespaces = [{type: "mount", path: $m}, {type: "network", path: $n}]
		+ (.linux.namespaces | map(select(.type != "mount" and .type != "network")))' \
		--arg m "/proc/$HOLDER/ns/mnt" --arg n "/run/netns/$ns"
	ip netns exec "$ns" ip link add isolatest0 type veth peer name isolatest1
	# ip: netlink, no /proc needed (isola mounts nothing in a joined mount namespace)
	run_ct_sep /bin/ip -o link show
	assert_success
	assert_output --partial isolatest0
}
