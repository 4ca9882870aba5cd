#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# hooks: each kind at the moment the runtime-spec gives it, with the state on stdin.

load helpers

setup() {
	common_setup
	# a host-side hook: saves its stdin as NAME.json, appends NAME to order, and the
	# mount namespace, working directory and environment it ran in as NAME.mntns,
	# NAME.cwd and NAME.env
	cat >"$TEST_DIR/hook.sh" <<-EOF
	#!/bin/sh
	cat > "$TEST_DIR/\$1.json"
	readlink /proc/self/ns/mnt > "$TEST_DIR/\$1.mntns"
	pwd -P > "$TEST_DIR/\$1.cwd"
	env > "$TEST_DIR/\$1.env"
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
}

@test "hooks: prestart and createRuntime see the status created, createContainer creating" {
	isola_only "runc 1.1 gives prestart and createRuntime hooks the status creating; isola gives created, as crun"
	add_hook prestart
	add_hook createRuntime
	add_hook createContainer
	config_args /probe sleep 600
	ct_create || fail "create: $(cat "$TEST_DIR/$CID.out")"
	assert_equal "$(jq -r .status "$TEST_DIR/prestart.json")" created
	assert_equal "$(jq -r .status "$TEST_DIR/createRuntime.json")" created
	assert_equal "$(jq -r .status "$TEST_DIR/createContainer.json")" creating
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


# fail_hook: a hook entry that exits 1 (a /bin/false whose name the warning shows)
fail_hook() {
	jq -n '{path: "/bin/sh", args: ["sh", "-c", "exit 1"]}'
}

@test "hooks: a failing poststart hook (ociVersion 1.2) warns, the next ones run, start succeeds" {
	runc_differs "runc 1.1 runs poststart hooks during create and fails it"
	config_set '.ociVersion = "1.2.0"'
	add_hook poststart "$(fail_hook)"
	add_hook poststart
	config_args /probe sleep 600
	ct_create || fail "create: $(cat "$TEST_DIR/$CID.out")"
	run rt start "$CID"
	assert_success
	assert_output --partial 'warning: hooks.poststart[0]: hook "/bin/sh" exited with status 1'
	[ -e "$TEST_DIR/poststart.json" ] || fail "the poststart hook after the failing one did not run"
	assert_equal "$(ct_status)" running
}

@test "hooks: a failing poststart hook (ociVersion 1.2) does not stop run" {
	runc_differs "runc 1.1 runs poststart hooks during create and fails it"
	config_set '.ociVersion = "1.2.0"'
	add_hook poststart "$(fail_hook)"
	add_hook poststart
	run_ct /probe exit 7
	assert_equal "$status" 7
	assert_output --partial 'warning: hooks.poststart[0]'
	[ -e "$TEST_DIR/poststart.json" ] || fail "the poststart hook after the failing one did not run"
}

@test "hooks: a failing poststart hook (ociVersion 1.3.0) fails start, destroys the container, runs poststop" {
	runc_differs "runc 1.1 runs poststart hooks during create and fails it"
	config_set '.ociVersion = "1.3.0"'
	add_hook poststart "$(fail_hook)"
	add_hook poststart
	add_hook poststop
	config_args /probe sleep 600
	ct_create || fail "create: $(cat "$TEST_DIR/$CID.out")"
	pid=$(ct_pid)
	run rt start "$CID"
	assert_failure
	assert_output --partial 'hooks.poststart[0]: hook "/bin/sh" exited with status 1'
	[ ! -e "$TEST_DIR/poststart.json" ] || fail "a poststart hook ran after the failing one"
	[ -e "$TEST_DIR/poststop.json" ] || fail "poststop hooks did not run"
	assert_equal "$(jq -r .status "$TEST_DIR/poststop.json")" stopped
	wait_for pid_gone "$pid" || fail "the container process still runs"
	assert_clean "$CID"
}

@test "hooks: a failing poststart hook (ociVersion 1.3.0) fails run and leaves nothing" {
	config_set '.ociVersion = "1.3.0"'
	add_hook poststart "$(fail_hook)"
	add_hook poststop
	run_ct /probe sleep 600
	assert_failure
	[ -e "$TEST_DIR/poststop.json" ] || fail "poststop hooks did not run"
	assert_clean "$CID"
}

@test "hooks: a failing poststop hook warns and the next ones run (run)" {
	runc_differs "runc 1.1 stops at the first failing poststop hook"
	add_hook poststop "$(fail_hook)"
	add_hook poststop
	run_ct /probe exit 0
	assert_success
	[ -e "$TEST_DIR/poststop.json" ] || fail "the poststop hook after the failing one did not run"
	assert_clean "$CID"
}

@test "hooks: a failing poststop hook warns and the next ones run (delete)" {
	runc_differs "runc 1.1 stops at the first failing poststop hook"
	add_hook poststop "$(fail_hook)"
	add_hook poststop
	config_args /probe sleep 600
	ct_create || fail "create: $(cat "$TEST_DIR/$CID.out")"
	run rt delete -f "$CID"
	assert_success
	[ -e "$TEST_DIR/poststop.json" ] || fail "the poststop hook after the failing one did not run"
	assert_clean "$CID"
}

@test "hooks: prestart, createRuntime, poststart and poststop (run) run in the bundle" {
	add_hook prestart
	add_hook createRuntime
	add_hook poststart
	add_hook poststop
	mkdir "$TEST_DIR/elsewhere"
	cd "$TEST_DIR/elsewhere"
	run_ct /probe exit 0
	assert_success
	for h in prestart createRuntime poststart poststop; do
		assert_equal "$h: $(cat "$TEST_DIR/$h.cwd")" "$h: $BUNDLE"
	done
}

@test "hooks: poststop hooks of delete run in the bundle" {
	isola_only "runc 1.1 runs the poststop hooks of delete in delete's working directory"
	add_hook poststop
	config_args /probe sleep 600
	ct_create || fail "create: $(cat "$TEST_DIR/$CID.out")"
	mkdir "$TEST_DIR/elsewhere"
	cd "$TEST_DIR/elsewhere"
	rt delete -f "$CID"
	assert_equal "$(cat "$TEST_DIR/poststop.cwd")" "$BUNDLE"
}

@test "hooks: createContainer runs in the container's root filesystem" {
	# a hook script of the kind that reads ./lib/...: relative to the rootfs
	add_hook createContainer "$(jq -n --arg f "$TEST_DIR/rel.out" '{path: "/bin/sh",
		args: ["sh", "-c", "cat ./etc/group > \($f)"]}')"
	mkdir "$TEST_DIR/elsewhere"
	cd "$TEST_DIR/elsewhere"
	run_ct /probe exit 0
	assert_success
	assert_equal "$(cat "$TEST_DIR/rel.out")" "$(cat "$ROOTFS/etc/group")"
}

@test "hooks: a hook without env gets the runtime's environment on the host" {
	add_hook createRuntime
	add_hook poststop
	export ISOLATEST_RUNTIME_ENV=marker
	run_ct /probe exit 0
	assert_success
	grep -qx ISOLATEST_RUNTIME_ENV=marker "$TEST_DIR/createRuntime.env" || fail "createRuntime: $(cat "$TEST_DIR/createRuntime.env")"
	grep -qx ISOLATEST_RUNTIME_ENV=marker "$TEST_DIR/poststop.env" || fail "poststop: $(cat "$TEST_DIR/poststop.env")"
}

@test "hooks: createContainer and startContainer without env get the process's environment" {
	add_hook createContainer
	add_hook startContainer '{"path": "/bin/sh", "args": ["sh", "-c", "env > /tmp/startContainer.env"]}'
	config_set '.process.env += ["ISOLATEST_PROCESS_ENV=yes"]'
	export ISOLATEST_RUNTIME_ENV=marker
	run_ct /probe exit 0
	assert_success
	for f in "$TEST_DIR/createContainer.env" "$ROOTFS/tmp/startContainer.env"; do
		grep -qx ISOLATEST_PROCESS_ENV=yes "$f" || fail "$f: $(cat "$f")"
		! grep -q ISOLATEST_RUNTIME_ENV "$f" || fail "$f has the runtime's environment"
	done
}

@test "hooks: a startContainer hook without env gets the HOME the process gets" {
	echo 'user:x:1000:1000::/home/user:/bin/sh' >>"$ROOTFS/etc/passwd"
	add_hook startContainer '{"path": "/bin/sh", "args": ["sh", "-c", "env > /tmp/startContainer.env"]}'
	config_set '.process.env = ["PATH=/bin"] | .process.user = {"uid": 1000, "gid": 1000}'
	run_ct /probe exit 0
	assert_success
	grep -qx HOME=/home/user "$ROOTFS/tmp/startContainer.env" ||
		fail "startContainer: $(cat "$ROOTFS/tmp/startContainer.env")"
}
