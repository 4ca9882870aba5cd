#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# The rest of runc's command line: --help, features, --preserve-fds, state fields.

load helpers

@test "cli: --help works for every verb" {
	for verb in create start state kill delete run list spec exec features; do
		run --separate-stderr "$RUNTIME" "$verb" --help
		assert_success
		[ -n "$output$stderr" ] || fail "$verb --help printed nothing"
	done
}

@test "cli: an unknown verb fails" {
	run "$RUNTIME" --root "$TEST_ROOT" isolatest-no-such-verb
	assert_failure
}

@test "cli: an unknown flag fails" {
	run "$RUNTIME" --root "$TEST_ROOT" state --isolatest-no-such-flag x
	assert_failure
}

@test "cli: features prints the runtime-spec features JSON" {
	run --separate-stderr "$RUNTIME" features
	assert_success
	jq -e . <<<"$output" >/dev/null || fail "not JSON: $output"
	[[ "$(jq -r .ociVersionMin <<<"$output")" == 1.* ]] || fail "ociVersionMin: $output"
	[[ "$(jq -r .ociVersionMax <<<"$output")" == 1.* ]] || fail "ociVersionMax: $output"
	for h in prestart createRuntime createContainer startContainer poststart poststop; do
		jq -e --arg h "$h" '.hooks | index($h)' <<<"$output" >/dev/null ||
			fail "hook $h missing from features"
	done
	jq -e '.linux.namespaces | index("pid") and index("network") and index("mount")' \
		<<<"$output" >/dev/null || fail "namespaces missing: $(jq -c .linux.namespaces <<<"$output")"
	jq -e '.linux.capabilities | index("CAP_SYS_ADMIN")' <<<"$output" >/dev/null ||
		fail "capabilities missing"
	jq -e '.mountOptions | index("rbind") and index("ro") and index("nosuid")' \
		<<<"$output" >/dev/null || fail "mountOptions missing"
}

@test "cli: state has rootfs, created and owner" {
	ct_start_sleeper
	run --separate-stderr rt state "$CID"
	assert_success
	assert_equal "$(jq -r .rootfs <<<"$output")" "$ROOTFS"
	jq -e '.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")' <<<"$output" >/dev/null ||
		fail "created: $output"
	jq -e 'has("owner")' <<<"$output" >/dev/null || fail "no owner: $output"
}

@test "cli: run --preserve-fds passes fd 3 on" {
	echo preserved >"$TEST_DIR/fd3"
	config_args /bin/sh -c '/probe fds; cat <&3'
	run --separate-stderr rt run --preserve-fds 1 -b "$BUNDLE" "$CID" \
		</dev/null 3<"$TEST_DIR/fd3"
	assert_success
	assert_line --regexp '^fd 3: '
	assert_line preserved
	refute_line --regexp '^fd [4-9]'
}

@test "cli: without --preserve-fds, fd 3 of the caller does not reach the container" {
	config_args /probe fds
	run --separate-stderr rt run -b "$BUNDLE" "$CID" </dev/null 3<"$BUNDLE/config.json"
	assert_success
	assert_output ""
}

@test "cli: exec --preserve-fds" {
	ct_start_sleeper
	echo preserved >"$TEST_DIR/fd3"
	run --separate-stderr rt exec --preserve-fds 1 "$CID" /bin/sh -c 'cat <&3' \
		</dev/null 3<"$TEST_DIR/fd3"
	assert_success
	assert_output preserved
}

@test "cli: --debug is accepted" {
	run --separate-stderr rt --debug run -b "$BUNDLE" "$CID" </dev/null
	assert_success
	assert_line "uid: 0"
}

@test "cli: --log writes to the given file" {
	run rt --log "$TEST_DIR/runtime.log" state isolatest-no-such-container
	assert_failure
	[ -s "$TEST_DIR/runtime.log" ] || fail "nothing logged"
	grep -q "does not exist" "$TEST_DIR/runtime.log" || fail "log: $(cat "$TEST_DIR/runtime.log")"
}

@test "cli: create --no-new-keyring is accepted" {
	config_args /probe exit 0
	ct_create "$CID" --no-new-keyring || fail "create: $(cat "$TEST_DIR/$CID.out")"
	run rt start "$CID"
	assert_success
}

@test "cli: list no longer shows a deleted container" {
	ct_start_sleeper
	rt delete -f "$CID"
	run --separate-stderr rt list -q
	assert_success
	[[ "$output" != *"$CID"* ]] || fail "still listed: $output"
}

@test "cli: long option forms --bundle, --detach, --pid-file, --force, --all" {
	config_args /probe sleep 600
	rt run --detach --bundle "$BUNDLE" --pid-file "$TEST_DIR/p.pid" "$CID" \
		</dev/null >"$TEST_DIR/out" 2>&1 3>&- || fail "run: $(cat "$TEST_DIR/out")"
	wait_status "$CID" running
	assert_equal "$(cat "$TEST_DIR/p.pid")" "$(ct_pid)"
	run rt kill --all "$CID" KILL
	assert_success
	wait_status "$CID" stopped
	run rt delete --force "$CID"
	assert_success
	assert_clean "$CID"
}

@test "cli: exec long forms --env, --user, --cwd, --detach" {
	ct_start_sleeper
	run --separate-stderr rt exec --env ISOLATEST=1 --user 7:8 --cwd /tmp "$CID" \
		/bin/sh -c 'echo $ISOLATEST; id -u; id -g; pwd' </dev/null
	assert_success
	assert_output "1
7
8
/tmp"
}

@test "cli: --version is three lines: version, commit, spec" {
	isola_only "runc prints go and libseccomp versions too"
	run --separate-stderr "$RUNTIME" --version
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_line --index 0 --regexp '^isola-runtime version [0-9]'
	assert_line --index 1 --regexp '^commit: .+'
	assert_line --index 2 --regexp '^spec: 1\.[0-9]+\.[0-9]+'
}

@test "cli: spec --rootless writes a user-namespace config" {
	d="$TEST_DIR/rl-spec"
	mkdir -p "$d"
	run rt spec --rootless -b "$d"
	assert_success
	jq -e '.linux.namespaces | map(.type) | index("user")' "$d/config.json" >/dev/null ||
		fail "no user namespace: $(jq -c .linux.namespaces "$d/config.json")"
	jq -e '.linux.uidMappings | length > 0' "$d/config.json" >/dev/null || fail "no uid mappings"
	jq -e '.linux.gidMappings | length > 0' "$d/config.json" >/dev/null || fail "no gid mappings"
}

@test "cli: any 1.x ociVersion is accepted" {
	for v in 1.0.0 1.0.2 1.1.0 1.2.0 1.3.0; do
		CID=$(new_id)
		config_set '.ociVersion = $v' --arg v "$v"
		run_ct_sep /probe exit 0
		assert_success
	done
}

# ---- where engines and scripts read the command line (issue 11) ----

# ct_stopped: a container whose process has exited (status stopped).
ct_stopped() {
	config_args /probe exit 0
	ct_run_d || fail "run -d: $(cat "$TEST_DIR/$CID.out")"
	wait_status "$CID" stopped
}

@test "cli: kill --all of a stopped container succeeds" {
	ct_stopped
	# shims send kill -a to whatever is left after the init exited
	run rt kill -a "$CID" KILL
	assert_success
	run rt kill --all "$CID" TERM
	assert_success
	assert_equal "$(ct_status)" stopped
}

@test "cli: ps of a stopped container succeeds with no rows" {
	ct_stopped
	run --separate-stderr rt ps "$CID"
	assert_success
	assert_equal "${#lines[@]}" 1
	assert_line --index 0 --regexp '^ *(UID|PID) '
	run --separate-stderr rt ps --format json "$CID"
	assert_success
	# runc prints null, isola an empty array: both hold no pid
	assert_equal "$(jq -r length <<<"$output")" 0
}

@test "cli: exec exits 255 for the runtime's own failures, the process's status otherwise" {
	ct_start_sleeper
	run rt exec "$CID" /no/such/binary
	assert_equal "$status" 255
	run rt exec --pid-file "$TEST_DIR/no/such/dir/p.pid" "$CID" /bin/true
	assert_equal "$status" 255
	run rt exec isolatest-no-such-container /bin/true
	assert_equal "$status" 255
	run rt exec "$CID" /bin/sh -c 'exit 7'
	assert_equal "$status" 7
	run rt exec "$CID" /bin/sh -c 'exit 255'
	assert_equal "$status" 255
	run rt exec "$CID" /bin/sh -c 'kill -KILL $$'
	assert_equal "$status" 137
}

@test "cli: list is sorted by id" {
	config_args /probe exit 0
	local ids=() i
	for i in 1 2 3 4; do ids+=("$(new_id)"); done
	mapfile -t ids < <(printf '%s\n' "${ids[@]}" | sort)
	# created neither in order nor in reverse: directory order can't pass by chance
	for i in 2 0 3 1; do
		ct_create "${ids[i]}" || fail "create: $(cat "$TEST_DIR/${ids[i]}.out")"
	done
	run --separate-stderr rt list -q
	assert_success
	assert_equal "$output" "$(printf '%s\n' "${ids[@]}")"
	run --separate-stderr rt list --format json
	assert_success
	assert_equal "$(jq -r '.[].id' <<<"$output")" "$(printf '%s\n' "${ids[@]}")"
	run --separate-stderr rt list
	assert_success
	assert_equal "$(tail -n +2 <<<"$output" | awk '{print $1}')" "$(printf '%s\n' "${ids[@]}")"
}

# v1_dir PID CTRL: the host directory of PID's cgroup in v1 hierarchy CTRL
v1_dir() {
	local p
	p=$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' \
		"/proc/$1/cgroup")
	echo "/sys/fs/cgroup/$2$p"
}

@test "cli: options after the container id are accepted, as runc accepts them" {
	[ -d /sys/fs/cgroup/cpu ] && [ -d /sys/fs/cgroup/cpuset ] || skip "needs v1 cpu and cpuset"
	[ "$(nproc)" -ge 2 ] || skip "needs 2 cpus"
	ct_start_sleeper
	local pid
	pid=$(ct_pid)
	run rt update "$CID" --cpu-period 900000
	assert_success
	assert_equal "$(cat "$(v1_dir "$pid" cpu)/cpu.cfs_period_us")" 900000
	run rt update "$CID" --cpuset-cpus 1
	assert_success
	assert_equal "$(cat "$(v1_dir "$pid" cpuset)/cpuset.cpus")" 1
	run rt kill "$CID" KILL --all
	assert_success
	wait_status "$CID" stopped
	run rt delete "$CID" --force
	assert_success
	assert_clean "$CID"
	config_args /probe exit 0
	rt run "$CID" -b "$BUNDLE" --pid-file "$TEST_DIR/r.pid" </dev/null >"$TEST_DIR/r.out" 2>&1 ||
		fail "run ID -b ...: $(cat "$TEST_DIR/r.out")"
	[ -s "$TEST_DIR/r.pid" ] || fail "--pid-file after the id was ignored"
}

@test "cli: --debug writes debug lines to the log, text and json" {
	config_args /probe exit 0
	run rt --debug --log "$TEST_DIR/debug.log" run -b "$BUNDLE" "$CID" </dev/null
	assert_success
	grep -q 'level=debug' "$TEST_DIR/debug.log" || fail "log: $(cat "$TEST_DIR/debug.log")"
	# one record a line, quotes inside msg escaped (logrus's text format)
	! grep -v -E '^time="[^"]*" level=[a-z]+ msg="([^"\\]|\\.)*"( |$)' "$TEST_DIR/debug.log" ||
		fail "malformed text log lines"
	CID=$(new_id)
	run rt --debug --log "$TEST_DIR/debug.json" --log-format json run -b "$BUNDLE" "$CID" </dev/null
	assert_success
	grep -q '"level":"debug"' "$TEST_DIR/debug.json" || fail "log: $(cat "$TEST_DIR/debug.json")"
	while IFS= read -r l; do
		jq -e . <<<"$l" >/dev/null || fail "not JSON: $l"
	done <"$TEST_DIR/debug.json"
	# without --debug: no debug lines
	CID=$(new_id)
	run rt --log "$TEST_DIR/quiet.log" run -b "$BUNDLE" "$CID" </dev/null
	assert_success
	! grep -q 'level=debug' "$TEST_DIR/quiet.log" 2>/dev/null || fail "debug without --debug"
}
