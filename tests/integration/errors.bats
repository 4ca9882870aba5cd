#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Bad input: each case fails non-zero with one clear error line and leaves nothing
# behind: no state in --root, no cgroup, no process.

load helpers

# run_bad: create the container from the (broken) bundle; stderr in $stderr. The
# container's stdout goes to a file: should create wrongly succeed, its waiting init
# must not hold the pipe bats reads.
run_bad() {
	run --separate-stderr create_quiet
}

create_quiet() {
	rt create -b "$BUNDLE" "$CID" </dev/null >"$TEST_DIR/create.stdout" 3>&-
}

# assert_one_error: failed, one error line on stderr, and nothing left behind.
assert_one_error() {
	assert_failure
	[ -n "$stderr" ] || fail "no error message"
	[ "$(grep -c . <<<"$stderr")" -eq 1 ] || fail "error is not one line: $stderr"
	assert_clean "$CID"
	[ -z "$(ls -A "$TEST_ROOT")" ] || fail "left in --root: $(ls -A "$TEST_ROOT")"
}

@test "errors: broken JSON" {
	echo '{"ociVersion": "1.0.2", "process": {' >"$BUNDLE/config.json"
	run_bad
	assert_one_error
}

@test "errors: missing config.json" {
	rm "$BUNDLE/config.json"
	run_bad
	assert_one_error
	[[ "$stderr" == *config.json* ]] || fail "error does not name config.json: $stderr"
}

@test "errors: wrong type names the JSON path" {
	config_set '.process.args = "not-an-array"'
	run_bad
	assert_one_error
	[[ "$stderr" == *process.args* ]] || fail "error does not name process.args: $stderr"
}

@test "errors: unknown capability" {
	isola_only "runc only warns about unknown capabilities, as runtime-spec 1.1 allows"
	config_set '.process.capabilities.bounding += ["CAP_ISOLATEST"]'
	run_bad
	assert_one_error
	[[ "$stderr" == *process.capabilities.bounding* ]] ||
		fail "error does not name the JSON path: $stderr"
	[[ "$stderr" == *CAP_ISOLATEST* ]] || fail "error does not name the capability: $stderr"
}

@test "errors: relative mount destination" {
	isola_only "runc 1.1 warns and accepts relative mount destinations"
	config_add_mount '{"destination": "rel/dir", "type": "tmpfs", "source": "tmpfs"}'
	run_bad
	assert_one_error
	[[ "$stderr" == *mounts* ]] || fail "error does not name the mount: $stderr"
}

@test "errors: unknown namespace type" {
	config_add_ns isolatestns
	run_bad
	assert_one_error
	[[ "$stderr" == *isolatestns* ]] || fail "error does not name the namespace: $stderr"
}

@test "errors: duplicated namespace" {
	config_set '.linux.namespaces += [{"type": "network"}]'
	run_bad
	assert_one_error
}

@test "errors: missing rootfs" {
	config_set '.root.path = "no-such-rootfs"'
	run_bad
	assert_one_error
	[[ "$stderr" == *no-such-rootfs* ]] || fail "error does not name the rootfs: $stderr"
}

@test "errors: user namespace without mappings" {
	config_add_ns user
	config_set 'del(.linux.uidMappings) | del(.linux.gidMappings)'
	run_bad
	assert_one_error
}

@test "errors: a zero-size id mapping" {
	config_add_ns user
	config_set '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 0}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 0}]'
	run_bad
	assert_one_error
}

@test "errors: relative cwd" {
	config_set '.process.cwd = "relative"'
	run_bad
	assert_one_error
}

@test "errors: empty args" {
	config_set '.process.args = []'
	run_bad
	assert_one_error
}

@test "errors: no process" {
	config_set 'del(.process)'
	run_bad
	assert_one_error
}

@test "errors: unknown rlimit" {
	config_set '.process.rlimits += [{"type": "RLIMIT_ISOLATEST", "soft": 1, "hard": 1}]'
	run_bad
	assert_one_error
}

@test "errors: unsupported ociVersion" {
	isola_only "runc does not check ociVersion"
	config_set '.ociVersion = "2.0.0"'
	run_bad
	assert_one_error
	[[ "$stderr" == *ociVersion* || "$stderr" == *2.0.0* ]] || fail "unclear: $stderr"
}

@test "errors: an invalid container id" {
	CID="isolatest/../x"
	run --separate-stderr create_quiet
	assert_failure
	[ -z "$(ls -A "$TEST_ROOT")" ] || fail "left in --root: $(ls -A "$TEST_ROOT")"
}

@test "errors: a missing executable fails run non-zero and cleanly" {
	config_args /no/such/isolatest-binary
	run --separate-stderr rt run -b "$BUNDLE" "$CID" </dev/null 3>&-
	assert_failure
	rt delete -f "$CID" >/dev/null 2>&1 || true
	assert_clean "$CID"
}

@test "errors: killing the runtime mid-create, then delete -f, leaves nothing" {
	runc_differs "runc 1.1 leaves the container's cgroup behind"
	# a createRuntime hook holds create at a known point
	config_set '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c",
		"echo $$ > \($f); exec sleep 60"]}]' --arg f "$TEST_DIR/hook.pid"
	config_args /probe sleep 600
	("$RUNTIME" --root "$TEST_ROOT" create -b "$BUNDLE" "$CID" </dev/null \
		>"$TEST_DIR/create.out" 2>&1 3>&-) &
	wait_for test -s "$TEST_DIR/hook.pid" || fail "create never reached the hook"
	rpid=$(pgrep -f -- "--root $TEST_ROOT create" | head -1)
	[ -n "$rpid" ] || fail "runtime process not found"
	kill -9 "$rpid"
	kill -9 "$(cat "$TEST_DIR/hook.pid")"
	wait
	rt delete -f "$CID" >/dev/null 2>&1 || true
	wait_for pgrep_gone "$CID" || true
	assert_clean "$CID"
	[ -z "$(ls -A "$TEST_ROOT")" ] || fail "left in --root: $(ls -A "$TEST_ROOT")"
}

pgrep_gone() {
	! pgrep -f "$1" >/dev/null
}

@test "errors: hostname without a uts namespace" {
	config_del_ns uts
	config_set '.hostname = "isolatest-nouts"'
	before=$(hostname)
	run_bad
	assert_one_error
	assert_equal "$(hostname)" "$before"
}
