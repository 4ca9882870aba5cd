#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Rootless: the runtime run by an unprivileged user (nobody, through setpriv),
# with a config from `spec --rootless`: a user namespace mapping that user to
# root, state under XDG_RUNTIME_DIR, no cgroup.

load helpers

NOBODY=65534

setup() {
	common_setup
	command -v setpriv >/dev/null || skip "setpriv (util-linux) missing"
	chmod 755 "$TEST_DIR"
	RL="$TEST_DIR/rl"
	mkdir -p "$RL/bundle" "$RL/xdg"
	cp -a "$ROOTFS" "$RL/bundle/rootfs"
	chown -R "$NOBODY:$NOBODY" "$RL"
	chmod 700 "$RL/xdg"
}

teardown() {
	as_nobody "$RUNTIME" delete -f "$CID" >/dev/null 2>&1
	common_teardown
}

as_nobody() {
	setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups \
		env XDG_RUNTIME_DIR="$RL/xdg" HOME="$RL" "$@"
}

rootless_spec() {
	(cd "$RL/bundle" && as_nobody "$RUNTIME" spec --rootless) || fail "spec --rootless failed"
	as_nobody jq '.process.terminal = false | .process.args = $a' \
		--argjson a "$(json_array "$@")" "$RL/bundle/config.json" >"$RL/config.tmp"
	cp "$RL/config.tmp" "$RL/bundle/config.json"
}

@test "rootless: a normal user runs a container as root of its own user namespace" {
	rootless_spec /probe ids
	cd "$RL/bundle"
	run as_nobody "$RUNTIME" run "$CID"
	assert_success
	assert_value uid 0
	assert_value euid 0
}

@test "rootless: the user namespace maps exactly the calling user" {
	rootless_spec /bin/cat /proc/self/uid_map
	cd "$RL/bundle"
	run as_nobody "$RUNTIME" run "$CID"
	assert_success
	[ "$(echo $output)" = "0 $NOBODY 1" ] || fail "uid_map: $output"
}

@test "rootless: state lives under XDG_RUNTIME_DIR and no cgroup is made" {
	rootless_spec /bin/sleep 30
	cd "$RL/bundle"
	# Detached: the container must not hold bats' stdio (see ct_run_d).
	as_nobody "$RUNTIME" run -d "$CID" </dev/null >"$TEST_DIR/out" 2>&1 3>&- ||
		fail "run -d: $(cat "$TEST_DIR/out")"
	run as_nobody "$RUNTIME" state "$CID"
	assert_success
	[ "$(echo "$output" | jq -r .status)" = running ] || fail "$output"
	pid=$(echo "$output" | jq -r .pid)
	# Not moved into any cgroup of ours: same v1 memory cgroup as the caller's.
	[ "$(grep ':memory:' /proc/$pid/cgroup)" = "$(grep ':memory:' /proc/self/cgroup)" ] ||
		fail "rootless container was put in a cgroup: $(cat /proc/$pid/cgroup)"
	run as_nobody "$RUNTIME" delete -f "$CID"
	assert_success
}

@test "rootless: a range the user does not own fails cleanly" {
	rootless_spec /bin/true
	as_nobody jq '.linux.uidMappings += [{"containerID": 1, "hostID": 200000, "size": 10}]' \
		"$RL/bundle/config.json" >"$RL/config.tmp"
	cp "$RL/config.tmp" "$RL/bundle/config.json"
	cd "$RL/bundle"
	run as_nobody "$RUNTIME" run "$CID"
	assert_failure
	runtime_is_runc || assert_output --partial "newuidmap"
	run as_nobody "$RUNTIME" list -q
	assert_output ""
}
