# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared setup for the integration tests: one temp dir, one --root and one bundle
# (busybox-static rootfs + /probe) per test, and a teardown that removes every
# container, process, netns and mount the test made, even when the test failed.
#
# Environment (set by tests/run.sh):
#   RUNTIME       runtime under test (default: build/src/runtime/isola-runtime)
#   ISOLA_BUILD   build dir holding tests/helpers/probe and recvtty

bats_require_minimum_version 1.5.0
load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

: "${ISOLA_BUILD:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/build}"
: "${RUNTIME:=$ISOLA_BUILD/src/runtime/isola-runtime}"
PROBE="$ISOLA_BUILD/tests/helpers/probe"
RECVTTY="$ISOLA_BUILD/tests/helpers/recvtty"
BUSYBOX="${BUSYBOX:-/bin/busybox}"

# The base rootfs and config are made once per bats run and copied per test.
_template() {
	local t="$BATS_RUN_TMPDIR/template"
	[ -f "$t/config.json" ] && { echo "$t"; return 0; }
	mkdir -p "$t/rootfs"/{bin,sbin,tmp,etc,proc,sys,dev,root,mnt,home}
	cp "$BUSYBOX" "$t/rootfs/bin/busybox"
	chroot "$t/rootfs" /bin/busybox --install -s /bin >/dev/null 2>&1 || return 1
	cp "$PROBE" "$t/rootfs/probe"
	chmod 1777 "$t/rootfs/tmp"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n' \
		>"$t/rootfs/etc/passwd"
	printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' >"$t/rootfs/etc/group"
	# The runtime's own `spec` gives the base config: each test edits only what it checks.
	(cd "$t" && "$RUNTIME" spec) || return 1
	jq '.process.terminal = false | .root.path = "rootfs" | .root.readonly = false
	    | .process.args = ["/probe", "ids"]' "$t/config.json" >"$t/config.tmp" &&
		mv "$t/config.tmp" "$t/config.json" || return 1
	echo "$t"
}

common_setup() {
	[ -x "$PROBE" ] || fail "probe not built: $PROBE"
	[ -x "$RUNTIME" ] || fail "runtime not found: $RUNTIME"
	TEST_DIR=$(mktemp -d /tmp/isolatest.XXXXXX)
	TEST_ROOT="$TEST_DIR/root"
	mkdir -p "$TEST_ROOT"
	NETNS_CREATED=()
	MOUNTS_CREATED=()
	bundle_new
	CID=$(new_id)
}

setup() {
	common_setup
}

teardown() {
	common_teardown
}

common_teardown() {
	[ -n "${TEST_DIR:-}" ] || return 0
	local id pid pids=()
	for id in $(rt list -q 2>/dev/null) $(ls "$TEST_ROOT" 2>/dev/null); do
		pid=$(rt state "$id" 2>/dev/null | jq -r '.pid // empty' 2>/dev/null)
		[ -n "$pid" ] && [ "$pid" != 0 ] && pids+=("$pid")
		rt delete -f "$id" >/dev/null 2>&1
	done
	for pid in "${pids[@]}" $(cat "$TEST_DIR"/*.pid 2>/dev/null); do
		kill -9 "$pid" 2>/dev/null
	done
	sweep_cgroups
	local ns
	for ns in "${NETNS_CREATED[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	local m
	for ((m = ${#MOUNTS_CREATED[@]} - 1; m >= 0; m--)); do
		umount -l "${MOUNTS_CREATED[m]}" 2>/dev/null
	done
	# anything still mounted under the test dir (a runtime that leaked one) must go too
	grep -o " $TEST_DIR[^ ]*" /proc/self/mountinfo 2>/dev/null | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -rf "$TEST_DIR"
}

# new_id: a fresh container id, remembered so teardown can sweep its cgroups.
new_id() {
	local id="isolatest-$RANDOM$RANDOM"
	echo "$id" >>"$TEST_DIR/ids"
	echo "$id"
}

# A runtime that failed half-way may leave its cgroups: kill what is in them, remove them.
sweep_cgroups() {
	local id d p
	for id in $(cat "$TEST_DIR/ids" 2>/dev/null); do
		find /sys/fs/cgroup -maxdepth 6 -depth -type d -path "*/$id*" 2>/dev/null |
			while read -r d; do
				for p in $(cat "$d/cgroup.procs" 2>/dev/null); do
					kill -9 "$p" 2>/dev/null
				done
				rmdir "$d" 2>/dev/null || { sleep 0.1; rmdir "$d" 2>/dev/null; }
			done
	done
}

# bundle_new [DIR]: a fresh bundle (default $TEST_DIR/bundle), sets BUNDLE and ROOTFS.
bundle_new() {
	local t
	t=$(_template) || fail "cannot build the template bundle (busybox, probe, $RUNTIME spec)"
	BUNDLE="${1:-$TEST_DIR/bundle}"
	mkdir -p "$BUNDLE"
	cp -a "$t/rootfs" "$t/config.json" "$BUNDLE/"
	ROOTFS="$BUNDLE/rootfs"
}

# config_set JQ-EXPR [jq args...]: edit $BUNDLE/config.json in place.
config_set() {
	local expr="$1"
	shift
	jq "$expr" "$BUNDLE/config.json" "$@" >"$BUNDLE/config.tmp" ||
		fail "jq failed: $expr"
	mv "$BUNDLE/config.tmp" "$BUNDLE/config.json"
}

# config_args ARG...: set process.args.
config_args() {
	config_set '.process.args = $a' --argjson a "$(json_array "$@")"
}

# json_array ARG...: a JSON array of strings (jq --args would take "-c" as its own option).
json_array() {
	local a
	for a in "$@"; do
		jq -n --arg s "$a" '$s'
	done | jq -s .
}

# config_del_ns TYPE: drop one namespace from linux.namespaces.
config_del_ns() {
	config_set '.linux.namespaces |= map(select(.type != $t))' --arg t "$1"
}

# config_add_ns TYPE [PATH]
config_add_ns() {
	if [ -n "${2:-}" ]; then
		config_set '.linux.namespaces |= (map(select(.type != $t)) + [{type: $t, path: $p}])' \
			--arg t "$1" --arg p "$2"
	else
		config_set '.linux.namespaces |= (map(select(.type != $t)) + [{type: $t}])' \
			--arg t "$1"
	fi
}

# config_add_mount JSON-OBJECT
config_add_mount() {
	config_set '.mounts += [$m]' --argjson m "$1"
}

# rt ARGS...: the runtime under test with this test's --root. A runtime that hangs is
# killed after RT_TIMEOUT seconds so one bug fails one test instead of stalling the run.
rt() {
	timeout -k 5 "${RT_TIMEOUT:-60}" "$RUNTIME" --root "$TEST_ROOT" "$@"
}

# run_ct [ARGS...]: set args (if any) and run the container in the foreground to completion;
# output and status land in $output/$status (bats run).
run_ct() {
	[ $# -gt 0 ] && config_args "$@"
	run rt run -b "$BUNDLE" "$CID" </dev/null
}

# Like run_ct, but stderr is kept apart ($stderr), for exact assertions on stdout.
run_ct_sep() {
	[ $# -gt 0 ] && config_args "$@"
	run --separate-stderr rt run -b "$BUNDLE" "$CID" </dev/null
}

# ct_create [ID [RUNTIME-OPTIONS...]]: create without holding the test's stdio (the
# container's stdout/stderr go to $TEST_DIR/ID.out, which a background container would
# otherwise keep open and hang bats).
ct_create() {
	local id="${1:-$CID}"
	shift || true
	rt create -b "$BUNDLE" "$@" "$id" </dev/null >"$TEST_DIR/$id.out" 2>&1 3>&-
}

# ct_run_d [ID [RUNTIME-OPTIONS...]]: run -d with the same stdio handling.
ct_run_d() {
	local id="${1:-$CID}"
	shift || true
	rt run -d -b "$BUNDLE" "$@" "$id" </dev/null >"$TEST_DIR/$id.out" 2>&1 3>&-
}

# Start a long-running container (args: /probe sleep 600) and wait until it runs.
ct_start_sleeper() {
	local id="${1:-$CID}"
	config_args /probe sleep 600
	ct_run_d "$id" || fail "run -d failed: $(cat "$TEST_DIR/$id.out")"
	wait_status "$id" running
}

ct_status() {
	rt state "${1:-$CID}" 2>/dev/null | jq -r .status
}

ct_pid() {
	rt state "${1:-$CID}" 2>/dev/null | jq -r .pid
}

# wait_status ID STATUS [TIMEOUT-SECONDS]: poll every 20ms.
wait_status() {
	local id="$1" want="$2" tries=$((${3:-10} * 50)) cur
	while [ "$tries" -gt 0 ]; do
		cur=$(ct_status "$id")
		[ "$cur" = "$want" ] && return 0
		sleep 0.02
		tries=$((tries - 1))
	done
	fail "container $id: status '$cur', expected '$want'"
}

# wait_for CMD...: poll until CMD succeeds (5s).
wait_for() {
	local tries=250
	while [ "$tries" -gt 0 ]; do
		"$@" && return 0
		sleep 0.02
		tries=$((tries - 1))
	done
	return 1
}

pid_gone() {
	! kill -0 "$1" 2>/dev/null || [ "$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)" = Z ]
}

# value KEY: the value of the "KEY: value" line in $output.
value() {
	printf '%s\n' "$output" | sed -n "s/^$1:[[:space:]]//p" | head -1
}

# assert_value KEY EXPECTED
assert_value() {
	local got
	got=$(value "$1")
	[ "$got" = "$2" ] || fail "$1: expected '$2', got '$got' in output: $output"
}

# The runtime under test is runc (or crun): skip checks of isola's own stricter behaviour.
runtime_is_runc() {
	case "$(basename "$RUNTIME")" in runc* | crun*) return 0 ;; esac
	return 1
}

isola_only() {
	runtime_is_runc && skip "isola-only: ${1:-stricter than the spec requires}"
	return 0
}

# A spec feature the runc version installed here predates (see docs/testing.md).
runc_lacks() {
	runtime_is_runc && skip "runc $(runc_version) lacks: $1"
	return 0
}

# runc does something else than the spec's text here (see docs/testing.md).
runc_differs() {
	runtime_is_runc && skip "runc differs from the spec: $1"
	return 0
}

runc_version() {
	"$RUNTIME" --version 2>/dev/null | sed -n 's/^runc version //p'
}

# assert_clean ID: nothing left of container ID: no state, no cgroup, no process.
assert_clean() {
	local id="$1"
	run rt state "$id"
	assert_failure
	[ ! -e "$TEST_ROOT/$id" ] || fail "state dir left: $TEST_ROOT/$id"
	local cg
	# find fails when another cgroup vanishes mid-walk: only its output counts
	cg=$(find /sys/fs/cgroup -maxdepth 4 -type d -name "*$id*" 2>/dev/null || true)
	[ -z "$cg" ] || fail "cgroup left: $cg"
	if pgrep -f "$id" >/dev/null; then
		fail "process left: $(pgrep -af "$id")"
	fi
	local m
	m=$(grep -F " $BUNDLE" /proc/self/mountinfo || true)
	[ -z "$m" ] || fail "mount left: $m"
}

# host_netns NAME: make a named netns removed in teardown.
host_netns() {
	ip netns add "$1" || fail "ip netns add $1"
	NETNS_CREATED+=("$1")
}

host_mount() {
	mount "$@" || fail "mount $*"
	MOUNTS_CREATED+=("${!#}")
}

# caps_mask CAP...: the hex mask /proc/self/status prints for these capabilities.
caps_mask() {
	local mask=0 c n
	for c in "$@"; do
		n=$(cap_number "$c") || fail "unknown cap $c"
		mask=$((mask | (1 << n)))
	done
	printf '%016x\n' "$mask"
}

cap_number() {
	case "$1" in
	CAP_CHOWN) echo 0 ;; CAP_DAC_OVERRIDE) echo 1 ;; CAP_DAC_READ_SEARCH) echo 2 ;;
	CAP_FOWNER) echo 3 ;; CAP_FSETID) echo 4 ;; CAP_KILL) echo 5 ;; CAP_SETGID) echo 6 ;;
	CAP_SETUID) echo 7 ;; CAP_SETPCAP) echo 8 ;; CAP_NET_BIND_SERVICE) echo 10 ;;
	CAP_NET_RAW) echo 13 ;; CAP_SYS_CHROOT) echo 18 ;; CAP_SYS_ADMIN) echo 21 ;;
	CAP_MKNOD) echo 27 ;; CAP_AUDIT_WRITE) echo 29 ;; CAP_SETFCAP) echo 31 ;;
	*) return 1 ;;
	esac
}
