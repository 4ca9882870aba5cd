#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# linux.seccomp with profiles as engines ship them: the runtime's own work must
# not depend on what the profile allows (issue 11), and syscalls newer than the
# profile get ENOSYS so a libc falls back (the clone3 breakage of old profiles).

load helpers

UNISTD=/usr/include/x86_64-linux-gnu/asm/unistd_64.h

setup() {
	common_setup
	[ "$(uname -m)" = x86_64 ] && [ -r "$UNISTD" ] ||
		skip "needs x86_64 and $UNISTD (linux-libc-dev) for syscall names"
}

# syscall_names MAX [EXCLUDED...]: x86_64 syscall names numbered <= MAX, minus EXCLUDED.
syscall_names() {
	local max="$1"
	shift
	awk -v max="$max" -v ex=" $* " '$1 == "#define" && $2 ~ /^__NR_/ {
		n = substr($2, 6); if ($3 + 0 <= max && index(ex, " " n " ") == 0) print n }' "$UNISTD"
}

# set_profile MAX [EXCLUDED...]: an allow list of every syscall up to MAX (an old
# engine's profile: 434 is pidfd_open, the last one before clone3) minus EXCLUDED;
# anything else fails with ENXIO.
set_profile() {
	config_set '.linux.seccomp = {defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 6,
		architectures: ["SCMP_ARCH_X86_64"],
		syscalls: [{names: $n, action: "SCMP_ACT_ALLOW"}]}' \
		--argjson n "$(syscall_names "$@" | jq -R . | jq -s .)"
}

@test "seccomp: a profile older than close_range starts the container (noNewPrivileges true)" {
	set_profile 434
	config_set '.process.noNewPrivileges = true'
	run_ct_sep /probe seccomp
	assert_success
	assert_output "Seccomp:	2"
}

@test "seccomp: a profile older than close_range starts the container (noNewPrivileges false)" {
	set_profile 434
	config_set '.process.noNewPrivileges = false'
	run_ct_sep /probe seccomp
	assert_success
	assert_output "Seccomp:	2"
}

@test "seccomp: a syscall newer than the profile's newest gets ENOSYS, an older one the default errno" {
	set_profile 434 acct
	run_ct_sep /bin/sh -c '/probe syscall 435; /probe syscall 163'
	assert_success
	# clone3 (435): ENOSYS, so a libc falls back to clone; acct (163): ENXIO (defaultErrnoRet)
	assert_output $'errno: 38\nerrno: 6'
}

@test "seccomp: a syscall the profile names keeps its action, even a newer one" {
	set_profile 434
	config_set '.linux.seccomp.syscalls += [{names: ["pidfd_getfd"], action: "SCMP_ACT_ERRNO",
		errnoRet: 1}]'
	# pidfd_getfd (438) is named: 435-437 are older than it and unnamed, so they get the
	# default errno; 439 (faccessat2) is newer than every name: ENOSYS
	run_ct_sep /bin/sh -c '/probe syscall 438; /probe syscall 435; /probe syscall 439'
	assert_success
	assert_output $'errno: 1\nerrno: 6\nerrno: 38'
}

@test "seccomp: a profile that refuses getcwd starts the process in its cwd (noNewPrivileges false)" {
	isola_only "runc 1.1.5 (Debian's CVE-2024-21626 fix) calls getcwd after loading the filter"
	set_profile 450 getcwd
	config_set '.process.noNewPrivileges = false | .process.cwd = "/tmp"'
	# "." is /tmp (mode 1777) without asking getcwd, which the process can't
	run_ct_sep /probe stat .
	assert_success
	assert_value mode 1777
}

@test "seccomp: exec with a profile older than close_range" {
	set_profile 434
	config_set '.process.noNewPrivileges = false'
	ct_start_sleeper
	run rt exec "$CID" /probe seccomp
	assert_success
	assert_output "Seccomp:	2"
	run rt exec --no-new-privs "$CID" /probe syscall 435
	assert_success
	assert_output "errno: 38"
}

@test "seccomp: startContainer hooks run under the filter, as the process does" {
	set_profile 450
	config_set '.hooks.startContainer = [{path: "/bin/sh",
		args: ["sh", "-c", "/probe seccomp > /tmp/hook.seccomp"]}]'
	run_ct_sep /probe seccomp
	assert_success
	assert_output "Seccomp:	2"
	assert_equal "$(cat "$ROOTFS/tmp/hook.seccomp")" "Seccomp:	2"
}

# LeakSanitizer can't work under ptrace (make asan): no leak check when traced.
no_lsan() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$@"
}

@test "seccomp: after loading the filter the init only syncs, closes the sync socket and execs" {
	isola_only "which syscalls isola's own init makes"
	command -v strace >/dev/null || skip "no strace"
	set_profile 450
	config_set '.process.noNewPrivileges = true'
	config_args /probe exit 0
	run no_lsan strace -f -qq -o "$TEST_DIR/trace" "$RUNTIME" --root "$TEST_ROOT" run -b "$BUNDLE" "$CID" </dev/null
	assert_success
	# the init's calls from its seccomp(SECCOMP_SET_MODE_FILTER) up to its execve
	run awk '/seccomp\(SECCOMP_SET_MODE_FILTER, [^N]*\{len=/ && !p { p = $1; next }
		p && $1 == p && $2 !~ /^<\.\.\./ { split($2, c, "("); print c[1]; if (c[1] == "execve") exit }' \
		"$TEST_DIR/trace"
	assert_success
	assert_output $'sendmsg\nrecvmsg\nclose\nexecve'
}
