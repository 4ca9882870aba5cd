#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# hooks: each kind at the moment the runtime-spec gives it, with the state on stdin.

load helpers

setup() {
	common_setup
	# a host-side hook: saves its stdin as NAME.json, appends NAME to order, and the
	# mount namespace it ran in as NAME.mntns
	cat >"$TEST_DIR/hook.sh" <<-EOF
	#!/bin/sh
	cat > "$TEST_DIR/\$1.json"
	readlink /proc/self/ns/mnt > "$TEST_DIR/\$1.mntns"
	echo "\$1" >> "$TEST_DIR/order"
	EOF
	chmod 755 "$TEST_DIR/hook.sh"
}

# hook_json NAME: a hook entry running hook.sh NAME
hook_json() {
	jq -n --arg p "$TEST_DIR/hook.sh" --arg n "$1" '{path: $p, args: ["hook.sh", $n]}'
}

add_hook() {
	config_set '.hooks[$k] += [$h]' --arg k "$1" --argjson h "${2:-$(hook_json "$1")}"
}

# startContainer runs in the container after pivot_root: its path and files are the
# container's.
add_start_container_hook() {
	add_hook startContainer '{"path": "/bin/sh", "args": ["sh", "-c",
		"cat > /tmp/startContainer.json; echo startContainer >> /tmp/order"]}'
}

@test "hooks: createRuntime, createContainer, prestart run during create, in order" {
	add_hook prestart
	add_hook createRuntime
	add_hook createContainer
	config_args /probe sleep 600
	ct_create || fail "create: $(cat "$TEST_DIR/$CID.out")"
	assert_equal "$(cat "$TEST_DIR/order")" "prestart
createRuntime
createContainer"
}

@test "hooks: startContainer and poststart run during start, poststop during delete" {
	runc_differs "runc 1.1 runs poststart hooks during create"
	add_hook createRuntime
	add_start_container_hook
	add_hook poststart
	add_hook poststop
	config_args /probe sleep 600
	ct_create || fail "create: $(cat "$TEST_DIR/$CID.out")"
	[ ! -e "$ROOTFS/tmp/order" ] || fail "startContainer ran during create"
	[ ! -e "$TEST_DIR/poststart.json" ] || fail "poststart ran during create"
	run rt start "$CID"
	assert_success
	# poststart must have run before start returned
	[ -e "$TEST_DIR/poststart.json" ] || fail "poststart did not run by the end of start"
	assert_equal "$(cat "$ROOTFS/tmp/order")" startContainer
	[ ! -e "$TEST_DIR/poststop.json" ] || fail "poststop ran too early"
	run rt kill "$CID" KILL
	wait_status "$CID" stopped
	[ ! -e "$TEST_DIR/poststop.json" ] || fail "poststop ran before delete"
	run rt delete "$CID"
	assert_success
	[ -e "$TEST_DIR/poststop.json" ] || fail "poststop did not run by the end of delete"
	assert_equal "$(cat "$TEST_DIR/order")" "createRuntime
poststart
poststop"
}

@test "hooks: the state on stdin names the container, its pid and bundle" {
	add_hook createRuntime
	add_hook poststart
	config_args /probe sleep 600
	ct_create || fail "create: $(cat "$TEST_DIR/$CID.out")"
	rt start "$CID"
	pid=$(ct_pid)
	for h in createRuntime poststart; do
		s=$(cat "$TEST_DIR/$h.json")
		assert_equal "$(jq -r .id <<<"$s")" "$CID"
		assert_equal "$(jq -r .pid <<<"$s")" "$pid"
		assert_equal "$(jq -r .bundle <<<"$s")" "$BUNDLE"
		[[ "$(jq -r .ociVersion <<<"$s")" == 1.* ]] || fail "$h: ociVersion: $s"
	done
	assert_equal "$(jq -r .status "$TEST_DIR/createRuntime.json")" creating
}

@test "hooks: poststart sees the container running" {
	runc_differs "runc 1.1 runs poststart hooks during create"
	add_hook poststart
	config_args /probe sleep 600
	ct_create || fail "create: $(cat "$TEST_DIR/$CID.out")"
	rt start "$CID"
	assert_equal "$(jq -r .status "$TEST_DIR/poststart.json")" running
}

@test "hooks: startContainer runs during start, poststop during delete" {
	add_start_container_hook
	add_hook poststop
	config_args /probe sleep 600
	ct_create || fail "create: $(cat "$TEST_DIR/$CID.out")"
	[ ! -e "$ROOTFS/tmp/order" ] || fail "startContainer ran during create"
	run rt start "$CID"
	assert_success
	wait_for test -e "$ROOTFS/tmp/order" || fail "startContainer did not run"
	run rt kill "$CID" KILL
	wait_status "$CID" stopped
	[ ! -e "$TEST_DIR/poststop.json" ] || fail "poststop ran before delete"
	run rt delete "$CID"
	assert_success
	[ -e "$TEST_DIR/poststop.json" ] || fail "poststop did not run by the end of delete"
}

@test "hooks: poststop gets the state of the stopped container" {
	add_hook poststop
	config_args /probe exit 0
	run_ct
	assert_success
	run rt delete "$CID"
	s=$(cat "$TEST_DIR/poststop.json")
	assert_equal "$(jq -r .id <<<"$s")" "$CID"
	assert_equal "$(jq -r .status <<<"$s")" stopped
}

@test "hooks: run (create+start+wait) runs poststop when the container exits" {
	add_hook poststop
	run_ct /probe exit 0
	assert_success
	[ -e "$TEST_DIR/poststop.json" ] || fail "poststop did not run"
}

@test "hooks: startContainer gets the state on stdin, inside the container" {
	add_start_container_hook
	config_args /probe exit 0
	run_ct
	assert_success
	s=$(cat "$ROOTFS/tmp/startContainer.json")
	assert_equal "$(jq -r .id <<<"$s")" "$CID"
}

@test "hooks: createRuntime runs in the runtime's namespace, createContainer in the container's" {
	add_hook createRuntime
	add_hook createContainer
	config_args /probe sleep 600
	ct_create || fail "create: $(cat "$TEST_DIR/$CID.out")"
	pid=$(ct_pid)
	assert_equal "$(cat "$TEST_DIR/createRuntime.mntns")" "$(readlink /proc/self/ns/mnt)"
	assert_equal "$(cat "$TEST_DIR/createContainer.mntns")" "$(readlink "/proc/$pid/ns/mnt")"
}

@test "hooks: args and env are passed" {
	add_hook createRuntime "$(jq -n --arg f "$TEST_DIR/env.out" '{path: "/bin/sh",
		args: ["sh", "-c", "echo \"$0 $1 $ISOLATEST_HOOK\" > \($f)", "arg0", "arg1"],
		env: ["ISOLATEST_HOOK=yes"]}')"
	run_ct /probe exit 0
	assert_success
	assert_equal "$(cat "$TEST_DIR/env.out")" "arg0 arg1 yes"
}

@test "hooks: a failing prestart hook fails create and leaves nothing" {
	add_hook prestart '{"path": "/bin/false"}'
	config_args /probe sleep 600
	run ct_create
	assert_failure
	assert_clean "$CID"
}

@test "hooks: a failing createRuntime hook fails create and leaves nothing" {
	add_hook createRuntime '{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}'
	config_args /probe sleep 600
	run ct_create
	assert_failure
	assert_clean "$CID"
}

@test "hooks: a failing createContainer hook fails create and leaves nothing" {
	add_hook createContainer '{"path": "/bin/false"}'
	config_args /probe sleep 600
	run ct_create
	assert_failure
	assert_clean "$CID"
}

@test "hooks: a hook that does not exist fails create" {
	add_hook createRuntime '{"path": "/no/such/isolatest-hook"}'
	config_args /probe sleep 600
	run ct_create
	assert_failure
	assert_clean "$CID"
}

@test "hooks: a failing poststop hook does not stop delete" {
	add_hook poststop '{"path": "/bin/false"}'
	config_args /probe exit 0
	run_ct
	rt delete "$CID" >/dev/null 2>&1 || true
	assert_clean "$CID"
}

@test "hooks: timeout kills a hanging hook and fails create" {
	add_hook createRuntime "$(jq -n --arg f "$TEST_DIR/hang.pid" '{path: "/bin/sh",
		args: ["sh", "-c", "echo $$ > \($f); exec sleep 60"], timeout: 1}')"
	config_args /probe sleep 600
	start=$SECONDS
	run ct_create
	assert_failure
	[ $((SECONDS - start)) -lt 10 ] || fail "create took $((SECONDS - start))s"
	assert_clean "$CID"
	wait_for pid_gone "$(cat "$TEST_DIR/hang.pid")" || fail "hook process still running"
}
