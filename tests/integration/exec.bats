#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# exec into a running container.

load helpers

ex() {
	run --separate-stderr rt exec "$@" </dev/null
}

@test "exec: runs the given args inside the container" {
	ct_start_sleeper
	ex "$CID" /bin/echo from exec
	assert_success
	assert_output "from exec"
}

@test "exec: joins the container's namespaces" {
	ct_start_sleeper
	pid=$(ct_pid)
	ex "$CID" /probe ns
	assert_success
	for ns in ipc mnt net pid uts; do
		assert_value "$ns" "$(readlink "/proc/$pid/ns/$ns")"
	done
}

@test "exec: pid 1 seen by the process is the container's init" {
	ct_start_sleeper
	ex "$CID" /bin/sh -c "tr '\\0' ' ' </proc/1/cmdline"
	assert_success
	assert_output "/probe sleep 600 "
}

@test "exec: exit status propagates" {
	ct_start_sleeper
	ex "$CID" /probe exit 7
	assert_equal "$status" 7
}

@test "exec: -e adds to the config's environment" {
	config_set '.process.env = ["PATH=/bin:/sbin", "FROMCONFIG=1"]'
	ct_start_sleeper
	ex -e FOO=bar -e BAZ=qux "$CID" /probe env
	assert_success
	assert_line "FOO=bar"
	assert_line "BAZ=qux"
	assert_line "PATH=/bin:/sbin"
}

@test "exec: --cwd" {
	ct_start_sleeper
	ex --cwd /tmp "$CID" /probe cwd
	assert_success
	assert_output "cwd: /tmp"
}

@test "exec: -u uid:gid" {
	ct_start_sleeper
	ex -u 1000:1001 "$CID" /probe ids
	assert_success
	assert_value uid 1000
	assert_value gid 1001
	assert_value euid 1000
}

@test "exec: -u uid alone keeps gid 0" {
	ct_start_sleeper
	ex -u 1234 "$CID" /probe ids
	assert_success
	assert_value uid 1234
	assert_value gid 0
}

@test "exec: -u 1000:1000 --cwd into a directory only root can enter" {
	chmod 700 "$ROOTFS/root"
	ct_start_sleeper
	ex -u 1000:1000 --cwd /root "$CID" /probe cwd
	assert_success
	assert_output "cwd: /root"
}

@test "exec: without HOME in env, HOME comes from the container's /etc/passwd" {
	echo 'user:x:1000:1000::/home/user:/bin/sh' >>"$ROOTFS/etc/passwd"
	config_set '.process.env = ["PATH=/bin"]'
	ct_start_sleeper
	ex -u 1000:1000 "$CID" /probe env
	assert_success
	assert_line HOME=/home/user
	ex -u 4242 "$CID" /probe env
	assert_success
	assert_line HOME=/
	ex -e HOME=/srv "$CID" /probe env
	assert_success
	assert_line HOME=/srv
}

@test "exec: --process FILE" {
	ct_start_sleeper
	cat >"$TEST_DIR/process.json" <<-EOF
	{
		"terminal": false,
		"user": {"uid": 42, "gid": 43},
		"args": ["/probe", "ids"],
		"env": ["PATH=/bin"],
		"cwd": "/tmp"
	}
	EOF
	ex --process "$TEST_DIR/process.json" "$CID"
	assert_success
	assert_value uid 42
	assert_value gid 43
}

@test "exec: --process FILE cwd and env" {
	ct_start_sleeper
	cat >"$TEST_DIR/process.json" <<-EOF
	{"terminal": false, "user": {"uid": 0, "gid": 0}, "args": ["/bin/sh", "-c", "pwd; echo \$X"],
	 "env": ["PATH=/bin", "X=from-process-json"], "cwd": "/tmp"}
	EOF
	ex --process "$TEST_DIR/process.json" "$CID"
	assert_success
	assert_line --index 0 /tmp
	assert_line --index 1 from-process-json
}

@test "exec: -d with --pid-file" {
	ct_start_sleeper
	rt exec -d --pid-file "$TEST_DIR/exec.pid" "$CID" /probe sleep 600 \
		</dev/null >"$TEST_DIR/exec.out" 2>&1 3>&- || fail "exec -d: $(cat "$TEST_DIR/exec.out")"
	pid=$(cat "$TEST_DIR/exec.pid")
	[ "$pid" -gt 1 ] || fail "bad pid file: $pid"
	kill -0 "$pid"
	assert_equal "$(readlink "/proc/$pid/ns/pid")" "$(readlink "/proc/$(ct_pid)/ns/pid")"
	assert_equal "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "/probe sleep 600 "
}

@test "exec: --cap adds a capability" {
	ct_start_sleeper
	ex "$CID" /probe caps
	assert_success
	eff=$(value CapEff)
	chown_bit=$((0x$eff & 1))
	assert_equal "$chown_bit" 0
	ex --cap CAP_CHOWN "$CID" /probe caps
	assert_success
	eff=$(value CapEff)
	assert_equal "$((0x$eff & 1))" 1
}

@test "exec: gets the config's capabilities by default" {
	config_set '.process.capabilities = {"bounding": ["CAP_KILL", "CAP_CHOWN"],
		"effective": ["CAP_KILL"], "permitted": ["CAP_KILL"], "inheritable": [], "ambient": []}'
	ct_start_sleeper
	ex "$CID" /probe caps
	assert_success
	assert_value CapEff "$(caps_mask CAP_KILL)"
	assert_value CapBnd "$(caps_mask CAP_KILL CAP_CHOWN)"
}

@test "exec: --no-new-privs" {
	config_set '.process.noNewPrivileges = false'
	ct_start_sleeper
	ex "$CID" /probe nnp
	assert_output --regexp $'NoNewPrivs:\t0'
	ex --no-new-privs "$CID" /probe nnp
	assert_success
	assert_output --regexp $'NoNewPrivs:\t1'
}

@test "exec: no fds leak into the exec'd process" {
	ct_start_sleeper
	ex "$CID" /probe fds
	assert_success
	assert_output ""
}

@test "exec: joins the container's cgroup" {
	ct_start_sleeper
	# Compared as the init sees it: with a cgroup namespace the paths are relative to it.
	ex "$CID" /bin/cat /proc/1/cgroup
	assert_success
	init_view=$output
	ex "$CID" /probe cgroup
	assert_success
	assert_equal "$output" "$init_view"
}

@test "exec: into a stopped container fails" {
	config_args /probe exit 0
	ct_run_d || fail "run -d: $(cat "$TEST_DIR/$CID.out")"
	wait_status "$CID" stopped
	ex "$CID" /bin/true
	assert_failure
}

@test "exec: into an unknown container fails with 'does not exist'" {
	run rt exec isolatest-no-such-container /bin/true
	assert_failure
	assert_output --partial "does not exist"
}

@test "exec: a missing binary fails non-zero" {
	ct_start_sleeper
	ex "$CID" /no/such/binary
	assert_failure
}

@test "exec: --cwd /proc/self/fd/N never lands outside the rootfs" {
	ct_start_sleeper
	for fd in 3 4 5 6 7 8 9; do
		ex --cwd "/proc/self/fd/$fd" "$CID" /bin/sh -c 'echo started; /probe cwd'
		if [[ "$output" == *started* ]]; then
			assert_line --regexp '^cwd: /'
		fi
	done
}

# ex_d ARGS...: exec -d with its output in a file, not bats' pipe (the detached
# process would hold that open); $status and $output as with run.
ex_d() {
	status=0
	rt exec -d "$@" </dev/null >"$TEST_DIR/exd.out" 2>&1 3>&- || status=$?
	output=$(cat "$TEST_DIR/exd.out")
}

@test "exec: a paused container is refused, and with --ignore-paused the process starts frozen" {
	ct_start_sleeper
	run rt pause "$CID"
	assert_success
	ex_d "$CID" /probe sleep 600
	assert_failure
	assert_output --partial "paused"
	# blocks while frozen: in the background, then resume
	rt exec --ignore-paused -d --pid-file "$TEST_DIR/ex.pid" "$CID" /probe sleep 600 \
		</dev/null >"$TEST_DIR/ex.out" 2>&1 3>&- &
	local exer=$!
	sleep 0.3
	run rt resume "$CID"
	assert_success
	wait "$exer" || fail "exec --ignore-paused: $(cat "$TEST_DIR/ex.out")"
	kill -0 "$(cat "$TEST_DIR/ex.pid")"
}

# cgroup_dir PID CTRL: the host directory of PID's v1 cgroup for CTRL
cgroup_dir() {
	local p
	p=$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' \
		"/proc/$1/cgroup")
	echo "/sys/fs/cgroup/$2$p"
}

@test "exec --cgroup: runs in an existing sub-cgroup, for one controller or all" {
	[ -d /sys/fs/cgroup/pids ] && [ -d /sys/fs/cgroup/memory ] || skip "needs v1 pids and memory"
	ct_start_sleeper
	local pids mem
	pids=$(cgroup_dir "$(ct_pid)" pids)
	mem=$(cgroup_dir "$(ct_pid)" memory)
	mkdir "$pids/sub" "$mem/sub"
	ex_d --pid-file "$TEST_DIR/a.pid" --cgroup pids:sub "$CID" /probe sleep 600
	assert_success
	local a
	a=$(cat "$TEST_DIR/a.pid")
	[ "$(cgroup_dir "$a" pids)" = "$pids/sub" ] || fail "pids: $(cgroup_dir "$a" pids)"
	[ "$(cgroup_dir "$a" memory)" = "$mem" ] || fail "memory: $(cgroup_dir "$a" memory)"
	# a plain PATH means every hierarchy: refused where one lacks it, nothing started
	ex_d --cgroup sub "$CID" /probe sleep 600
	assert_failure
	runtime_is_runc || assert_output --partial 'no sub-cgroup' # runc words it otherwise
	local bad
	for bad in ../x sub/../../x /abs sub//x; do
		ex_d --cgroup "$bad" "$CID" /probe sleep 600
		[ "$status" -ne 0 ] || fail "--cgroup '$bad' was accepted"
		runtime_is_runc || assert_output --partial 'without . or ..' # runc words it otherwise
	done
	ex_d --cgroup nosuchctrl:sub "$CID" /probe sleep 600
	assert_failure
	runtime_is_runc || assert_output --partial 'no hierarchy holds controller' # runc words it otherwise
	ex_d --pid-file "$TEST_DIR/b.pid" --cgroup pids,memory:sub "$CID" /probe sleep 600
	assert_success
	local b
	b=$(cat "$TEST_DIR/b.pid")
	[ "$(cgroup_dir "$b" memory)" = "$mem/sub" ] || fail "memory: $(cgroup_dir "$b" memory)"
	# delete takes the sub-cgroups and what runs in them along
	run rt delete -f "$CID"
	assert_success
	wait_for pid_gone "$a" && wait_for pid_gone "$b" || fail "exec'd processes survived"
	assert_clean "$CID"
}

@test "exec: joins every hierarchy of the container's cgroup, named ones too (host view)" {
	local cgp="/isolatest-cg-$RANDOM" line
	echo "${cgp#/}" >>"$TEST_DIR/ids"
	config_set '.linux.cgroupsPath = $p' --arg p "$cgp"
	ct_start_sleeper
	ex_d --pid-file "$TEST_DIR/e.pid" "$CID" /probe sleep 600
	assert_success
	# the host's view: inside, a cgroup namespace would show a hierarchy left at / as /
	while IFS= read -r line; do
		[[ "$line" == *":$cgp" ]] || fail "exec'd process not in $cgp: $line"
	done < <(grep -v -E '^[0-9]+:(rdma|misc|net_cls|net_prio|net_cls,net_prio|perf_event|hugetlb):' \
		"/proc/$(cat "$TEST_DIR/e.pid")/cgroup")
	assert_equal "$(cat "/proc/$(cat "$TEST_DIR/e.pid")/cgroup")" "$(cat "/proc/$(ct_pid)/cgroup")"
}

@test "exec --cgroup /: the container's own cgroup, for every hierarchy or one controller" {
	ct_start_sleeper
	local want spec n=0
	want=$(cat "/proc/$(ct_pid)/cgroup")
	for spec in / pids:/ pids,memory:/; do
		n=$((n + 1))
		ex_d --pid-file "$TEST_DIR/c$n.pid" --cgroup "$spec" "$CID" /probe sleep 600
		assert_success
		assert_equal "$(cat "/proc/$(cat "$TEST_DIR/c$n.pid")/cgroup")" "$want"
	done
}
