# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers shared by the engine suites (podman, containerd, docker).
#
# Every engine runs on private paths under one temp dir, talks only to
# loopback, and is torn down in teardown_file even when a test failed.

# Engine CLI calls are bounded so a hung runtime fails a test instead of
# hanging the whole suite; after one such time-out the engine is taken as
# hung and the file's remaining tests fail at once (see not_hung), which keeps
# a broken runtime's run to about a minute per engine.
: "${ENG_TIMEOUT:=30}"
ENG_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Fail the current test with a message and the last command's output.
fail() {
	echo "# $*" >&2
	[ -n "${output:-}" ] && echo "$output" | sed 's/^/#   /' >&2
	return 1
}

# Run "$@" (via bats' run) and fail unless it exits 0. Engine wrappers
# (pm, ctr_, dk, cri) carry their own timeout.
run_ok() {
	local t0=$SECONDS
	run "$@"
	((SECONDS - t0 < ENG_TIMEOUT)) || mark_hung "$*"
	[ "$status" -eq 0 ] || fail "exit $status: $*"
}

# timeout(1) for engine commands: TERM, then KILL 5 s later (a CLI stuck on
# a lock may ignore TERM), and a note when the limit was hit.
eng_timeout() {
	local t0=$SECONDS rc
	timeout -k 5 "$ENG_TIMEOUT" "$@"
	rc=$?
	((SECONDS - t0 < ENG_TIMEOUT)) || mark_hung "$*"
	return $rc
}

mark_hung() {
	[ -n "${ENG_DIR:-}" ] && [ -d "$ENG_DIR" ] && echo "$1" >"$ENG_DIR/hung"
	return 0
}

engine_hung() {
	[ -n "${ENG_DIR:-}" ] && [ -f "$ENG_DIR/hung" ]
}

# For each file's setup(): fail fast once the engine has hung.
not_hung() {
	engine_hung || return 0
	echo "# not run: the engine hung earlier in: $(cat "$ENG_DIR/hung")" >&2
	return 1
}

# Fail unless $output contains $1.
out_has() {
	case "$output" in *"$1"*) return 0 ;; esac
	fail "output lacks '$1'"
}

# Fail unless $output (trailing whitespace and CRs dropped) equals $1.
out_is() {
	local got
	got=$(printf '%s' "$output" | tr -d '\r')
	[ "$got" = "$1" ] || fail "expected '$1', got '$got'"
}

# Poll "$@" until it succeeds, at most $ENG_WAIT seconds (default 20).
wait_for() {
	local i n=$((${ENG_WAIT:-20} * 10))
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# Poll "$2..." like wait_for, giving up early when daemon pid $1 died.
wait_for_daemon() {
	local pid=$1 i n=$((${ENG_WAIT:-20} * 10))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# Stop a process we started, by pid: TERM, then KILL after $2 seconds.
stop_pid() {
	local pid=$1 grace=${2:-10} i
	[ -n "$pid" ] || return 0
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < grace * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait_for_exit "$pid"
}

wait_for_exit() {
	local i
	for ((i = 0; i < 50; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
}

# Kill what is left in a cgroup subtree (every v1 hierarchy and the unified
# one), then remove the directories, deepest first.
remove_cgroup_tree() {
	local name=$1 d p
	for d in /sys/fs/cgroup/*/"$name" /sys/fs/cgroup/"$name"; do
		[ -d "$d" ] || continue
		while read -r p; do
			kill -KILL "$p" 2>/dev/null
		done < <(find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null)
	done
	for d in /sys/fs/cgroup/*/"$name" /sys/fs/cgroup/"$name"; do
		[ -d "$d" ] || continue
		# Thawing first: a frozen task can't die and its cgroup can't go.
		find "$d" -name freezer.state -exec sh -c 'echo THAWED > "$1"' _ {} \; 2>/dev/null
		find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
	done
}

# Unmount everything at or below $1 (deepest first).
umount_tree() {
	local m
	[ -n "$1" ] || return 0
	while read -r m; do
		umount -l "$m" 2>/dev/null
	done < <(awk -v p="$1" '$5 == p || index($5, p "/") == 1 { print $5 }' \
		/proc/self/mountinfo | sort -r)
}

# Firewall chains the engines (CNI portmap, docker) create and never remove.
# We note which exist before an engine starts and delete the new ones after.
fw_snapshot() {
	command -v iptables-save >/dev/null || return 0
	iptables-save 2>/dev/null | sed -n 's/^:\([^ ]*\) - .*/\1/p' | sort -u >"$1"
}

fw_restore() {
	local before=$1 table chain
	command -v iptables-save >/dev/null || return 0
	[ -f "$before" ] || return 0
	for table in nat filter mangle; do
		iptables-save -t "$table" 2>/dev/null | sed -n 's/^:\([^ ]*\) - .*/\1/p' |
			while read -r chain; do
				grep -qx "$chain" "$before" && continue
				fw_drop_chain "$table" "$chain"
			done
	done
}

# Remove every rule that jumps to $2, then flush and delete it.
fw_drop_chain() {
	local table=$1 chain=$2 rule
	iptables-save -t "$table" 2>/dev/null | grep -E -- "-j $chain( |\$)" |
		sed -n 's/^-A \(.*\)$/\1/p' | while read -r rule; do
			eval "iptables -t $table -D $rule" 2>/dev/null
		done
	iptables -t "$table" -F "$chain" 2>/dev/null
	iptables -t "$table" -X "$chain" 2>/dev/null
}

# A free TCP port on 127.0.0.1.
free_port() {
	local p
	for p in $(shuf -i 20000-40000 -n 20); do
		ss -Hltn "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
	done
	return 1
}

# GET http://127.0.0.1:$1/ (busybox wget: no curl needed on the host).
http_get() {
	local url="http://127.0.0.1:$1/${2:-}"
	if command -v curl >/dev/null; then
		curl -fsS --max-time 3 "$url"
	else
		busybox wget -q -T 3 -O - "$url"
	fi
}

# Pids of processes whose command line names our private dir $1.
strays() {
	local f pid
	for f in /proc/[0-9]*/cmdline; do
		pid=${f#/proc/}
		pid=${pid%/cmdline}
		[ "$pid" = "$$" ] && continue
		{ tr '\0' ' ' <"$f"; } 2>/dev/null | grep -qF -- "$1" && echo "$pid"
	done
	return 0
}

# Kill what still runs from our private dir $1 (shims, conmon, the cleanup
# commands conmon starts, engine daemons a failed test left), by pid, after
# giving it a few seconds to finish by itself: a `podman container cleanup`
# that outlives our config dir falls back to the host's default paths.
kill_strays() {
	local dir=$1 i pid
	[ -n "$dir" ] || return 0
	for ((i = 0; i < 50; i++)); do
		[ -z "$(strays "$dir")" ] && return 0
		sleep 0.1
	done
	for pid in $(strays "$dir"); do
		kill -KILL "$pid" 2>/dev/null
	done
	return 0
}

# The image directory (rootfs.tar, image.tar): made once by run.sh, or here
# when a .bats file runs alone.
ensure_image() {
	if [ -z "${ENG_IMAGE_DIR:-}" ] || [ ! -f "$ENG_IMAGE_DIR/image.tar" ]; then
		ENG_IMAGE_DIR="$1/img"
		"$ENG_LIB_DIR/mkimage.sh" "$ENG_IMAGE_DIR"
	fi
	export ENG_IMAGE_DIR
}

# Print the limits a container sees, one "name value" a line, from whichever
# cgroup layout is mounted inside: v2 (memory.max) or v1 (per controller).
# shellcheck disable=SC2016
CG_PROBE='
if [ -f /sys/fs/cgroup/memory.max ]; then
	echo "memory $(cat /sys/fs/cgroup/memory.max)"
	echo "pids $(cat /sys/fs/cgroup/pids.max)"
	echo "cpu $(cat /sys/fs/cgroup/cpu.max)"
else
	echo "memory $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"
	echo "pids $(cat /sys/fs/cgroup/pids/pids.max)"
	echo "cpu $(cat /sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us 2>/dev/null ||
		cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)"
fi'

# Check CG_PROBE output ($output) for 64 MiB, 50 pids, half a cpu.
check_limits() {
	out_has "memory 67108864" || return 1
	out_has "pids 50" || return 1
	case "$output" in
	*"cpu 50000 100000"*) ;;
	*) fail "cpu quota is not 50000/100000" ;;
	esac
}

# Engines write a few things at fixed host paths whatever their config says
# (CNI's cache, containers/image's blob cache, shim socket dirs). Note which
# of $2... are missing now, and remove exactly those in paths_cleanup.
paths_snapshot() {
	local f=$1 p
	shift
	: >"$f"
	for p in "$@"; do
		[ -e "$p" ] || echo "$p" >>"$f"
	done
}

paths_cleanup() {
	local p
	[ -f "$1" ] || return 0
	while read -r p; do
		[ -n "$p" ] && rm -rf "$p"
	done <"$1"
}
