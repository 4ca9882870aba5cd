# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the manager suite: a private store and run root per test, an image
# made from busybox-static, and a teardown that leaves nothing behind even when
# the test failed half-way (monitors, containers, cgroups, mounts).

ISOLA=${ISOLA:-${ISOLA_BUILD:-build}/src/isola/isola}

mgr_setup() {
	TMP=$(mktemp -d /tmp/isolatest-mgr.XXXXXX)
	export ISOLA_ROOT=$TMP/store ISOLA_RUNROOT=$TMP/run
	local src=$TMP/src app
	mkdir -p "$src/bin" "$src/etc" "$src/root" "$src/home/user"
	cp "$(command -v busybox)" "$src/bin/busybox"
	for app in sh echo cat ls sleep id hostname ps true false env pwd printenv kill \
		head wc seq yes touch mkdir rm stat grep tty test unshare ulimit \
		ip ping ping6 wget httpd nc route; do
		ln -s busybox "$src/bin/$app"
	done
	chmod 700 "$src/root"
	printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n' >"$src/etc/passwd"
	printf 'root:x:0:\nuser:x:1000:\nstaff:x:50:\n' >"$src/etc/group"
	"$ISOLA" import -q "$src" bb >/dev/null
}

# The monitors and containers of this test's store, whatever state they are in.
mgr_teardown() {
	local f pid
	for f in "$ISOLA_ROOT"/containers/*/container.json; do
		[ -f "$f" ] || continue
		pid=$(jq -r '.State.MonitorPid // 0' "$f" 2>/dev/null)
		[ "${pid:-0}" -gt 0 ] && kill -9 "$pid" 2>/dev/null
	done
	for f in "$ISOLA_ROOT"/containers/*/container.json; do
		[ -f "$f" ] || continue
		"$ISOLA" rm -f "$(jq -r .Id "$f")" >/dev/null 2>&1
	done
	# user networks: their bridges would outlive the store in this file's netns
	[ -d "$ISOLA_ROOT/networks" ] && "$ISOLA" network prune -f >/dev/null 2>&1
	# a runtime state the manager lost track of, and its cgroups
	for f in "$ISOLA_RUNROOT"/runtime/*; do
		[ -d "$f" ] || continue
		"${RUNTIME:-${ISOLA_BUILD:-build}/src/runtime/isola-runtime}" --root "$ISOLA_RUNROOT/runtime" \
			delete -f "$(basename "$f")" >/dev/null 2>&1
	done
	for m in $(awk -v t="$TMP" 'index($5, t) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null
	done
	rm -rf "$TMP"
}

# isola_ok ARGS: run isola, fail the test with its output when it fails.
isola_ok() {
	run "$ISOLA" "$@"
	if [ "$status" -ne 0 ]; then
		echo "isola $* exited $status: $output" >&2
		return 1
	fi
}

# wait_for CMD...: poll every 20 ms for up to 10 s.
wait_for() {
	local i
	for i in $(seq 500); do
		"$@" && return 0
		sleep 0.02
	done
	return 1
}

state_of() {
	"$ISOLA" inspect --format '{{.State.Status}}' "$1"
}

is_state() {
	[ "$(state_of "$1")" = "$2" ]
}

# nothing of container $1 (a full id) left: no record, runtime state, cgroup or process.
assert_gone() {
	local id=$1
	[ ! -e "$ISOLA_ROOT/containers/$id" ] || { echo "store dir left"; return 1; }
	[ ! -e "$ISOLA_RUNROOT/runtime/$id" ] || { echo "runtime state left"; return 1; }
	local cg
	cg=$(find /sys/fs/cgroup -maxdepth 4 -type d -name "*$id*" 2>/dev/null || true)
	[ -z "$cg" ] || { echo "cgroup left: $cg"; return 1; }
}
