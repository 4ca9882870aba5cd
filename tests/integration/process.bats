#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# The process object: args, env, cwd, user, umask, rlimits, capabilities,
# noNewPrivileges, oomScoreAdj, personality, ioPriority, scheduler.

load helpers

@test "process: args are passed exactly, spaces and all" {
	run_ct_sep /bin/sh -c 'for a in "$@"; do echo "[$a]"; done' sh "a b" "" 'c"d'
	assert_success
	assert_output '[a b]
[]
[c"d]'
}

@test "process: env is exactly the config's" {
	config_set '.process.env = ["PATH=/bin", "ISOLATEST=1", "SPACES=a b c", "EMPTY="]'
	run_ct_sep /probe env
	assert_success
	# HOME may be added by a runtime when the config doesn't set it (runc does)
	run grep -v '^HOME=' <<<"$output"
	assert_output "PATH=/bin
ISOLATEST=1
SPACES=a b c
EMPTY="
}

@test "process: args[0] is looked up in the config's PATH" {
	config_set '.process.env = ["PATH=/sbin:/bin"]'
	run_ct_sep echo found
	assert_success
	assert_output found
}

@test "process: cwd" {
	config_set '.process.cwd = "/tmp"'
	run_ct_sep /probe cwd
	assert_success
	assert_output "cwd: /tmp"
}

@test "process: a missing cwd is created" {
	config_set '.process.cwd = "/isolatest/work"'
	run_ct_sep /probe cwd
	assert_success
	assert_output "cwd: /isolatest/work"
}

@test "process: uid, gid and additionalGids" {
	config_set '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [5, 2000]}'
	run_ct_sep /probe ids
	assert_success
	assert_value uid 1000
	assert_value gid 1001
	assert_value euid 1000
	assert_value egid 1001
	assert_value groups "5 2000"
}

@test "process: root with no additionalGids has no supplementary groups" {
	run_ct_sep /probe ids
	assert_success
	assert_value uid 0
	assert_value gid 0
	run grep '^groups:' <<<"$output"
	assert_output --regexp '^groups:( 0)?$'
}

@test "process: a non-root user loses its capabilities" {
	config_set '.process.user = {"uid": 1000, "gid": 1000}'
	run_ct_sep /probe caps
	assert_success
	assert_value CapEff 0000000000000000
	assert_value CapPrm 0000000000000000
}

@test "process: a non-root user starts in a cwd only root can enter" {
	chmod 700 "$ROOTFS/root"
	config_set '.process.user = {"uid": 1000, "gid": 1000} | .process.cwd = "/root"'
	run_ct_sep /probe cwd
	assert_success
	assert_output "cwd: /root"
}

# add_user: uid 1000 with its home in the rootfs's /etc/passwd
add_user() {
	echo 'user:x:1000:1000:a user:/home/user:/bin/sh' >>"$ROOTFS/etc/passwd"
}

@test "process: without HOME in env, HOME is the user's home in /etc/passwd" {
	add_user
	config_set '.process.env = ["PATH=/bin"] | .process.user = {"uid": 1000, "gid": 1000}'
	run_ct_sep /probe env
	assert_success
	assert_line HOME=/home/user
	CID=$(new_id)
	config_set '.process.user = {"uid": 0, "gid": 0}'
	run_ct_sep /probe env
	assert_success
	assert_line HOME=/root
}

@test "process: without HOME in env or a passwd entry, HOME is /" {
	config_set '.process.env = ["PATH=/bin"] | .process.user = {"uid": 4242, "gid": 4242}'
	run_ct_sep /probe env
	assert_success
	assert_line HOME=/
}

@test "process: a HOME in env is kept" {
	add_user
	config_set '.process.env = ["PATH=/bin", "HOME=/srv"] | .process.user = {"uid": 1000, "gid": 1000}'
	run_ct_sep /probe env
	assert_success
	assert_output $'PATH=/bin\nHOME=/srv'
}

@test "process: /etc/passwd is read inside the rootfs: its symlinks resolve there" {
	mkdir -p "$ROOTFS/data"
	echo 'user:x:1000:1000::/home/inside:/bin/sh' >"$ROOTFS/data/passwd"
	ln -sf /data/passwd "$ROOTFS/etc/passwd"
	config_set '.process.env = ["PATH=/bin"] | .process.user = {"uid": 1000, "gid": 1000}'
	run_ct_sep /probe env
	assert_success
	assert_line HOME=/home/inside
}

@test "process: a FIFO as /etc/passwd does not hang the runtime" {
	isola_only "runc 1.1 opens /etc/passwd with a blocking open: a FIFO hangs it"
	rm "$ROOTFS/etc/passwd"
	mkfifo "$ROOTFS/etc/passwd"
	config_set '.process.env = ["PATH=/bin"]'
	RT_TIMEOUT=10 run_ct_sep /probe env
	assert_success
	assert_line HOME=/
}

@test "process: umask" {
	config_set '.process.user.umask = 63'
	run_ct_sep /probe umask
	assert_success
	assert_output "umask: 0077"
}

@test "process: default umask is 0022" {
	run_ct_sep /probe umask
	assert_success
	assert_output "umask: 0022"
}

@test "process: rlimits lower than the current ones" {
	config_set '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200},
		{"type": "RLIMIT_CORE", "soft": 0, "hard": 0},
		{"type": "RLIMIT_NPROC", "soft": 500, "hard": 600}]'
	run_ct_sep /probe rlimits
	assert_success
	assert_value RLIMIT_NOFILE "100 200"
	assert_value RLIMIT_CORE "0 0"
	assert_value RLIMIT_NPROC "500 600"
}

@test "process: raising an rlimit above the hard limit fails with a clear error" {
	# this VM's bounding set lacks CAP_SYS_RESOURCE: no runtime can raise a hard limit
	grep -q '^CapBnd:.*' /proc/self/status
	bnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
	(((0x$bnd >> 24) & 1)) && skip "host has CAP_SYS_RESOURCE: raising is allowed here"
	hard=$(ulimit -Hn)
	config_set '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": $h, "hard": $h}]' \
		--argjson h $((hard + 1000))
	run_ct /probe rlimits
	assert_failure
	assert_output --regexp '[Rr]limit|RLIMIT|NOFILE|nofile'
	assert_clean "$CID"
}

@test "process: capabilities: exact sets" {
	# For root, execve makes effective = permitted, and without no_new_privs it would
	# refill permitted from bounding: pick sets the kernel leaves as they are.
	config_set '.process.noNewPrivileges = true | .process.capabilities = {
		"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETUID"],
		"effective": ["CAP_CHOWN", "CAP_KILL", "CAP_SETUID"],
		"permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_SETUID"],
		"inheritable": ["CAP_KILL", "CAP_SETUID"],
		"ambient": ["CAP_KILL"]}'
	run_ct_sep /probe caps
	assert_success
	assert_value CapBnd "$(caps_mask CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE CAP_SETUID)"
	assert_value CapEff "$(caps_mask CAP_CHOWN CAP_KILL CAP_SETUID)"
	assert_value CapPrm "$(caps_mask CAP_CHOWN CAP_KILL CAP_SETUID)"
	assert_value CapInh "$(caps_mask CAP_KILL CAP_SETUID)"
	assert_value CapAmb "$(caps_mask CAP_KILL)"
}

@test "process: capabilities: ambient caps survive for a non-root user" {
	config_set '.process.user = {"uid": 1000, "gid": 1000}
		| .process.capabilities = {"bounding": ["CAP_NET_BIND_SERVICE"],
		"effective": ["CAP_NET_BIND_SERVICE"], "permitted": ["CAP_NET_BIND_SERVICE"],
		"inheritable": ["CAP_NET_BIND_SERVICE"], "ambient": ["CAP_NET_BIND_SERVICE"]}'
	run_ct_sep /probe caps
	assert_success
	assert_value CapEff "$(caps_mask CAP_NET_BIND_SERVICE)"
	assert_value CapAmb "$(caps_mask CAP_NET_BIND_SERVICE)"
}

@test "process: capabilities: empty sets" {
	config_set '.process.capabilities = {"bounding": [], "effective": [], "permitted": [],
		"inheritable": [], "ambient": []}'
	run_ct_sep /probe caps
	assert_success
	for s in CapBnd CapEff CapPrm CapInh CapAmb; do
		assert_value "$s" 0000000000000000
	done
}

@test "process: capabilities: a dropped capability really is gone" {
	config_set '.process.capabilities = {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"],
		"permitted": ["CAP_KILL"]}'
	run_ct_sep /bin/sh -c 'chown 1000 /tmp && echo chowned || echo refused'
	assert_success
	assert_output refused
}

@test "process: noNewPrivileges true" {
	config_set '.process.noNewPrivileges = true'
	run_ct_sep /probe nnp
	assert_success
	assert_output --regexp $'^NoNewPrivs:\t1$'
}

@test "process: noNewPrivileges false" {
	config_set '.process.noNewPrivileges = false'
	run_ct_sep /probe nnp
	assert_success
	assert_output --regexp $'^NoNewPrivs:\t0$'
}

@test "process: oomScoreAdj" {
	config_set '.process.oomScoreAdj = 512'
	run_ct_sep /probe oom
	assert_success
	assert_output "oom_score_adj: 512"
}

@test "process: without oomScoreAdj the runtime's value is inherited" {
	mine=$(cat /proc/self/oom_score_adj)
	run_ct_sep /probe oom
	assert_success
	assert_output "oom_score_adj: $mine"
}

@test "process: personality LINUX32" {
	runc_lacks "linux.personality (runc 1.2)"
	config_set '.linux.personality = {"domain": "LINUX32"}'
	run_ct_sep /bin/sh -c '/probe personality; uname -m'
	assert_success
	assert_value domain LINUX32
	assert_line i686
}

@test "process: ioPriority" {
	runc_lacks "process.ioPriority (runtime-spec 1.1, runc 1.2)"
	config_set '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
	run_ct_sep /probe ioprio
	assert_success
	assert_value ioprio_class 2
	assert_value ioprio_data 6
}

@test "process: scheduler SCHED_BATCH with nice" {
	runc_lacks "process.scheduler (runtime-spec 1.1, runc 1.2)"
	config_set '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 5}'
	run_ct_sep /probe sched
	assert_success
	assert_value policy SCHED_BATCH
	assert_value nice 5
}

@test "process: the container gets no file descriptors but stdio" {
	exec 7</dev/null
	run_ct_sep /probe fds
	exec 7<&-
	assert_success
	assert_output ""
}

@test "process: stdin passes through without a terminal" {
	config_args /bin/cat
	run --separate-stderr rt run -b "$BUNDLE" "$CID" <<<"through stdin"
	assert_success
	assert_output "through stdin"
}

@test "process: stderr passes through apart from stdout" {
	run_ct_sep /bin/sh -c 'echo out; echo err >&2'
	assert_success
	assert_output out
	assert_equal "$stderr" err
}

@test "process: no seccomp filter when the config has none" {
	config_set 'del(.linux.seccomp)'
	run_ct_sep /probe seccomp
	assert_success
	assert_output --regexp $'^Seccomp:\t0$'
}

# CVE-2024-21626: a runtime fd leaked into the container made cwd /proc/self/fd/N a
# host directory. Whatever N is, the process either doesn't start or its cwd is inside.
@test "process: cwd /proc/self/fd/N never lands outside the rootfs" {
	for fd in 3 4 5 6 7 8 9; do
		CID=$(new_id)
		config_set '.process.cwd = $c' --arg c "/proc/self/fd/$fd"
		run_ct_sep /bin/sh -c 'echo started; /probe cwd'
		if [[ "$output" == *started* ]]; then
			assert_line --regexp '^cwd: /'
		fi
		rt delete -f "$CID" >/dev/null 2>&1 || true
	done
}
