#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# create / start / state / kill / delete / run / list, as runc's command line has them.

load helpers

@test "lifecycle: create -> created with a pid -> start -> running -> kill -> stopped -> delete" {
	config_args /probe sleep 600
	ct_create || fail "create: $(cat "$TEST_DIR/$CID.out")"

	run rt state "$CID"
	assert_success
	assert_equal "$(jq -r .status <<<"$output")" created
	assert_equal "$(jq -r .id <<<"$output")" "$CID"
	pid=$(jq -r .pid <<<"$output")
	[ "$pid" -gt 1 ] || fail "created container has no pid: $output"
	kill -0 "$pid" || fail "init $pid not alive"

	run rt start "$CID"
	assert_success
	wait_status "$CID" running
	assert_equal "$(ct_pid)" "$pid"

	run rt kill "$CID" KILL
	assert_success
	wait_status "$CID" stopped

	run rt delete "$CID"
	assert_success
	assert_clean "$CID"
}

@test "lifecycle: state JSON carries ociVersion, id, status, pid, bundle, annotations" {
	config_set '.annotations = {"org.isola.test": "yes"}'
	ct_start_sleeper
	run --separate-stderr rt state "$CID"
	assert_success
	jq -e . <<<"$output" >/dev/null || fail "state is not JSON: $output"
	[[ "$(jq -r .ociVersion <<<"$output")" == 1.* ]] || fail "ociVersion: $output"
	assert_equal "$(jq -r .bundle <<<"$output")" "$BUNDLE"
	assert_equal "$(jq -r '.annotations["org.isola.test"]' <<<"$output")" yes
	assert_equal "$(jq -r .status <<<"$output")" running
}

@test "lifecycle: the process does not run before start" {
	config_args /bin/sh -c 'echo started > /tmp/marker'
	ct_create || fail "create: $(cat "$TEST_DIR/$CID.out")"
	[ ! -e "$ROOTFS/tmp/marker" ] || fail "process ran before start"
	run rt start "$CID"
	assert_success
	wait_for test -e "$ROOTFS/tmp/marker" || fail "process did not run after start"
	wait_status "$CID" stopped
}

@test "lifecycle: run in the foreground passes stdout through" {
	run_ct_sep /bin/echo hello isola
	assert_success
	assert_output "hello isola"
}

@test "lifecycle: run in the foreground exits with the container's exit status" {
	run_ct /probe exit 42
	assert_equal "$status" 42
}

@test "lifecycle: run of a process killed by a signal exits 128+signal" {
	config_del_ns pid
	run_ct /bin/sh -c 'kill -9 $$'
	assert_equal "$status" 137
}

@test "lifecycle: run -d returns at once with the container running" {
	ct_start_sleeper
	pid=$(ct_pid)
	kill -0 "$pid"
	run rt delete -f "$CID"
	assert_success
	wait_for pid_gone "$pid" || fail "init survived delete -f"
	assert_clean "$CID"
}

@test "lifecycle: an existing id is refused" {
	ct_start_sleeper
	run ct_run_d "$CID"
	assert_failure
	run cat "$TEST_DIR/$CID.out"
	assert_output --regexp "exist"
	assert_equal "$(ct_status)" running
}

@test "lifecycle: delete of a running container is refused without -f" {
	ct_start_sleeper
	run rt delete "$CID"
	assert_failure
	assert_equal "$(ct_status)" running
}

@test "lifecycle: delete -f of a running container kills and removes it" {
	ct_start_sleeper
	pid=$(ct_pid)
	run rt delete -f "$CID"
	assert_success
	wait_for pid_gone "$pid" || fail "init survived"
	assert_clean "$CID"
}

@test "lifecycle: delete -f of a created container" {
	config_args /probe sleep 600
	ct_create || fail "create: $(cat "$TEST_DIR/$CID.out")"
	pid=$(ct_pid)
	run rt delete -f "$CID"
	assert_success
	wait_for pid_gone "$pid" || fail "init survived"
	assert_clean "$CID"
}

@test "lifecycle: delete of a stopped container" {
	config_args /probe exit 0
	ct_run_d || fail "run -d: $(cat "$TEST_DIR/$CID.out")"
	wait_status "$CID" stopped
	run rt delete "$CID"
	assert_success
	assert_clean "$CID"
}

@test "lifecycle: state of an unknown id fails with 'does not exist'" {
	run rt state isolatest-no-such-container
	assert_failure
	assert_output --partial "does not exist"
}

@test "lifecycle: kill, start, delete of an unknown id fail with 'does not exist'" {
	for verb in start kill delete; do
		run rt "$verb" isolatest-no-such-container
		assert_failure
		assert_output --partial "does not exist"
	done
}

@test "lifecycle: kill of a stopped container fails with 'container not running'" {
	config_args /probe exit 0
	ct_run_d || fail "run -d: $(cat "$TEST_DIR/$CID.out")"
	wait_status "$CID" stopped
	run rt kill "$CID" KILL
	assert_failure
	assert_output --partial "not running"
}

@test "lifecycle: start of a running container fails" {
	ct_start_sleeper
	run rt start "$CID"
	assert_failure
}

@test "lifecycle: list -q prints the ids" {
	ct_start_sleeper
	id2=$(new_id)
	ct_start_sleeper "$id2"
	run --separate-stderr rt list -q
	assert_success
	assert_equal "$(sort <<<"$output")" "$(printf '%s\n' "$CID" "$id2" | sort)"
}

@test "lifecycle: list --format json" {
	ct_start_sleeper
	run --separate-stderr rt list --format json
	assert_success
	assert_equal "$(jq -r 'length' <<<"$output")" 1
	assert_equal "$(jq -r '.[0].id' <<<"$output")" "$CID"
	assert_equal "$(jq -r '.[0].status' <<<"$output")" running
	assert_equal "$(jq -r '.[0].pid' <<<"$output")" "$(ct_pid)"
	assert_equal "$(jq -r '.[0].bundle' <<<"$output")" "$BUNDLE"
}

@test "lifecycle: list of an empty root" {
	run --separate-stderr rt list -q
	assert_success
	assert_output ""
}

@test "lifecycle: list shows a table with a header" {
	ct_start_sleeper
	run --separate-stderr rt list
	assert_success
	assert_line --index 0 --regexp '^ID +PID +STATUS +BUNDLE'
	assert_line --index 1 --regexp "^$CID +[0-9]+ +running +$BUNDLE"
}

@test "lifecycle: create --pid-file holds the init pid" {
	config_args /probe sleep 600
	ct_create "$CID" --pid-file "$TEST_DIR/init.pid" || fail "$(cat "$TEST_DIR/$CID.out")"
	assert_equal "$(cat "$TEST_DIR/init.pid")" "$(ct_pid)"
}

@test "lifecycle: run -d --pid-file holds the init pid" {
	config_args /probe sleep 600
	ct_run_d "$CID" --pid-file "$TEST_DIR/init.pid" || fail "$(cat "$TEST_DIR/$CID.out")"
	assert_equal "$(cat "$TEST_DIR/init.pid")" "$(ct_pid)"
}

@test "lifecycle: a relative --pid-file is relative to the caller's cwd" {
	config_args /probe sleep 600
	(cd "$TEST_DIR" && ct_create "$CID" --pid-file rel.pid) || fail "$(cat "$TEST_DIR/$CID.out")"
	assert_equal "$(cat "$TEST_DIR/rel.pid")" "$(ct_pid)"
}

@test "lifecycle: --bundle defaults to the current directory" {
	cd "$BUNDLE"
	run rt run "$CID" </dev/null
	assert_success
	assert_line "uid: 0"
}

@test "lifecycle: spec writes a config.json that runs" {
	d="$TEST_DIR/spec"
	mkdir -p "$d"
	run rt spec -b "$d"
	assert_success
	jq -e '.ociVersion and .process and .root and .linux.namespaces' "$d/config.json" >/dev/null
	cp -a "$ROOTFS" "$d/rootfs"
	jq '.process.terminal = false | .process.args = ["/probe", "hostname"]' \
		"$d/config.json" >"$BUNDLE/config.json"
	rm -rf "$ROOTFS" && mv "$d/rootfs" "$ROOTFS"
	run_ct
	assert_success
	assert_line --regexp '^hostname: '
}

@test "lifecycle: spec has a cgroup namespace only on a pure cgroup v2 host" {
	# as runc's template: tools built on it add their own on v1 and hybrid hosts
	for flag in "" --rootless; do
		d="$TEST_DIR/spec$flag"
		mkdir -p "$d"
		rt spec $flag -b "$d" || fail "spec $flag failed"
		n=$(jq '[.linux.namespaces[] | select(.type == "cgroup")] | length' "$d/config.json")
		want=0
		[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] && want=1
		assert_equal "spec $flag: $n" "spec $flag: $want"
	done
}

@test "lifecycle: spec refuses to overwrite an existing config.json" {
	run rt spec -b "$BUNDLE"
	assert_failure
}

@test "lifecycle: --version prints version, commit and spec lines" {
	run --separate-stderr "$RUNTIME" --version
	assert_success
	assert_line --index 0 --regexp ' version '
	assert_line --regexp '^spec: 1\.'
}

@test "lifecycle: the container is started with no leaked fds" {
	run_ct_sep /probe fds
	assert_success
	assert_output ""
}

@test "lifecycle: --log-format json writes error lines as JSON" {
	run "$RUNTIME" --root "$TEST_ROOT" --log "$TEST_DIR/log.json" --log-format json \
		state isolatest-no-such-container
	assert_failure
	last=$(grep '"level":"error"' "$TEST_DIR/log.json" | tail -1)
	[ -n "$last" ] || fail "no error line in log: $(cat "$TEST_DIR/log.json")"
	jq -e '.msg | test("does not exist")' <<<"$last" >/dev/null || fail "log: $last"
}

@test "lifecycle: a foreground run removes its state and cgroup when the process exits" {
	run_ct /probe exit 3
	assert_equal "$status" 3
	assert_clean "$CID"
}

@test "lifecycle: a foreground run whose container is deleted meanwhile exits quietly" {
	isola_only "runc 1.1's run then removes a new container that took the same id"
	config_args /probe sleep 600
	# the runtime itself in the background (not through rt's timeout): $! is its pid
	"$RUNTIME" --root "$TEST_ROOT" run -b "$BUNDLE" "$CID" </dev/null >"$TEST_DIR/run.out" \
		2>"$TEST_DIR/run.err" 3>&- &
	local runner=$!
	wait_status "$CID" running
	# held still, so the delete and the new container below both come before its clean-up
	kill -STOP "$runner"
	run rt delete -f "$CID"
	assert_success
	# the same id again: the first run's clean-up must not touch it
	ct_start_sleeper
	kill -CONT "$runner"
	local st=0
	wait "$runner" || st=$?
	assert_equal "$st" 137
	run cat "$TEST_DIR/run.err"
	assert_output ""
	assert_equal "$(ct_status)" running
	run rt delete -f "$CID"
	assert_success
	assert_clean "$CID"
}

@test "lifecycle: a create that fails after its id was deleted and taken again leaves the new container alone" {
	isola_only "runc 1.1's failed create then removes what now belongs to the new container"
	# the second container, under the same id, from its own bundle
	bundle_new "$TEST_DIR/b2"
	config_args /probe sleep 600
	local b2="$BUNDLE"
	bundle_new
	# a createRuntime hook deletes the container being created, runs the new one
	# under its id, then fails: the failed create must not clean up the new one's paths
	cat >"$TEST_DIR/hook.sh" <<-EOF
	#!/bin/sh
	"$RUNTIME" --root "$TEST_ROOT" delete -f "$CID" >"$TEST_DIR/hook.log" 2>&1
	"$RUNTIME" --root "$TEST_ROOT" run -d -b "$b2" "$CID" </dev/null >>"$TEST_DIR/hook.log" 2>&1
	exit 1
	EOF
	chmod 755 "$TEST_DIR/hook.sh"
	config_set '.hooks.createRuntime = [{"path": $p}]' --arg p "$TEST_DIR/hook.sh"
	run ct_create
	assert_failure
	assert_equal "$(ct_status)" running
	run rt delete -f "$CID"
	assert_success
	assert_clean "$CID"
}

@test "lifecycle: run --keep leaves the stopped container until delete" {
	config_args /probe exit 5
	run rt run --keep -b "$BUNDLE" "$CID" </dev/null
	assert_equal "$status" 5
	assert_equal "$(ct_status)" stopped
	[ -d "$TEST_ROOT/$CID" ] || fail "state dir gone"
	run rt delete "$CID"
	assert_success
	assert_clean "$CID"
}

@test "lifecycle: a foreground run is the subreaper of the container's orphans" {
	config_del_ns pid
	# the orphan is made while the init still runs: it comes to the nearest subreaper
	config_args /bin/sh -c '(sleep 100 & echo $! > /tmp/bg); sleep 1'
	mkdir -p "$ROOTFS/tmp"
	"$RUNTIME" --root "$TEST_ROOT" run -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 3>&- &
	local rtpid=$! bg ppid
	wait_for test -s "$ROOTFS/tmp/bg" || fail "no orphan made"
	bg=$(cat "$ROOTFS/tmp/bg")
	echo "$bg" >"$TEST_DIR/bg.pid" # teardown kills it if the test fails
	wait_for test "$(awk '/^PPid:/ {print $2}' "/proc/$bg/status" 2>/dev/null)" = "$rtpid" ||
		fail "orphan's parent: $(awk '/^PPid:/ {print $2}' "/proc/$bg/status"), runtime: $rtpid"
	wait "$rtpid"
	# killed with the cgroup, and reaped by the runtime before it returned
	[ ! -e "/proc/$bg" ] || fail "orphan left: $(grep -E '^(State|PPid)' "/proc/$bg/status")"
	assert_clean "$CID"
}

@test "lifecycle: run --no-subreaper leaves the orphans to the caller's reaper" {
	config_del_ns pid
	config_args /bin/sh -c '(sleep 100 & echo $! > /tmp/bg); sleep 1'
	mkdir -p "$ROOTFS/tmp"
	"$RUNTIME" --root "$TEST_ROOT" run --no-subreaper -b "$BUNDLE" "$CID" </dev/null \
		>/dev/null 2>&1 3>&- &
	local rtpid=$! bg
	wait_for test -s "$ROOTFS/tmp/bg" || fail "no orphan made"
	bg=$(cat "$ROOTFS/tmp/bg")
	echo "$bg" >"$TEST_DIR/bg.pid"
	sleep 0.2
	[ "$(awk '/^PPid:/ {print $2}' "/proc/$bg/status")" != "$rtpid" ] || fail "runtime was the subreaper"
	wait "$rtpid"
	assert_clean "$CID"
}
