#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# containerd + containerd-shim-runc-v2 driving $RUNTIME (the Options.BinaryName
# that `ctr run --runc-binary` and a CRI runtime handler's config both set),
# with a private root, state, socket and runc root.

load lib

IMG=docker.io/isolatest/busybox:latest

setup_file() {
	export ENG_DIR
	ENG_DIR=$(mktemp -d /tmp/isolatest-containerd.XXXXXX)
	# The shim's socket dir and ctr's fifo dir are fixed under /run/containerd.
	paths_snapshot "$ENG_DIR/paths-before" /run/containerd
	ensure_image "$ENG_DIR"
	write_containerd_conf "$ENG_DIR"
	containerd --config "$ENG_DIR/config.toml" >"$ENG_DIR/containerd.log" 2>&1 &
	echo $! >"$ENG_DIR/containerd.pid"
	if ! ENG_WAIT=30 wait_for_daemon "$!" ctr_ version; then
		cat "$ENG_DIR/containerd.log" >&3
		return 1
	fi
	ctr_ image import "$ENG_IMAGE_DIR/image.tar" >/dev/null
}

# remove_tasks: kill and delete every task and container ctr_ sees.
remove_tasks() {
	local id
	for id in $(ctr_ task ls -q 2>/dev/null); do
		ctr_ task kill -a -s SIGKILL "$id" >/dev/null 2>&1
		ctr_ task delete -f "$id" >/dev/null 2>&1
	done
	for id in $(ctr_ container ls -q 2>/dev/null); do
		ctr_ container delete "$id" >/dev/null 2>&1
	done
}

teardown_file() {
	local id
	for id in $(ctr_k8s task ls -q 2>/dev/null); do
		ctr_k8s task delete -f "$id" >/dev/null 2>&1
	done
	for id in $(ctr_k8s container ls -q 2>/dev/null); do
		ctr_k8s container delete "$id" >/dev/null 2>&1
	done
	remove_tasks
	stop_pid "$(cat "$ENG_DIR/containerd.pid" 2>/dev/null)" 10
	kill_strays "$ENG_DIR"
	umount_tree "$ENG_DIR"
	remove_cgroup_tree isolatest
	remove_cgroup_tree isolatest-cri
	paths_cleanup "$ENG_DIR/paths-before"
	rm -rf "$ENG_DIR"
}

setup() {
	not_hung
}

teardown() {
	engine_hung && return 0
	remove_tasks
	return 0
}

# The CRI section is what Kubernetes uses (RuntimeClass handler "isola"): the
# last test drives it like kubelet does, through our small CRI client.
write_containerd_conf() {
	local d=$1
	mkdir -p "$d/cni"
	cat >"$d/config.toml" <<-EOF
		version = 2
		root = "$d/root"
		state = "$d/state"
		disabled_plugins = ["io.containerd.snapshotter.v1.btrfs",
		  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
		  "io.containerd.snapshotter.v1.aufs"]
		[grpc]
		  address = "$d/containerd.sock"
		[ttrpc]
		  address = "$d/containerd.sock.ttrpc"
		[debug]
		  address = ""
		[metrics]
		  address = ""
		[plugins."io.containerd.internal.v1.opt"]
		  path = "$d/opt"
		[plugins."io.containerd.grpc.v1.cri"]
		  stream_server_address = "127.0.0.1"
		  sandbox_image = "docker.io/isolatest/pause:latest"
		  # Pod sandboxes get oom_score_adj -998, and lowering it needs the
		  # CAP_SYS_RESOURCE this VM lacks: clamp to containerd's own.
		  restrict_oom_score_adj = true
		  [plugins."io.containerd.grpc.v1.cri".cni]
		    bin_dir = "/usr/lib/cni"
		    conf_dir = "$d/cni"
		  [plugins."io.containerd.grpc.v1.cri".containerd]
		    default_runtime_name = "isola"
		  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.isola]
		    runtime_type = "io.containerd.runc.v2"
		    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.isola.options]
		      BinaryName = "$RUNTIME"
		      Root = "$d/runc"
	EOF
}

ctr_() {
	eng_timeout ctr --address "$ENG_DIR/containerd.sock" \
		--namespace "${CTR_NS:-isolatest}" "$@"
}

ctr_k8s() {
	CTR_NS=k8s.io ctr_ "$@"
}

cri() {
	eng_timeout "$ENG_LIB_DIR/cri" "$ENG_DIR/containerd.sock" "$@"
}

# ctr run through the runc v2 shim with our runtime binary and a private
# runtime root.
crun_() {
	ctr_ run --runtime io.containerd.runc.v2 --runc-binary "$RUNTIME" \
		--runc-root "$ENG_DIR/runc" "$@"
}

task_status() {
	ctr_ task ls | awk -v id="$1" '$1 == id { print $3 }'
}

task_stopped() {
	[ "$(task_status "$1")" = STOPPED ]
}

# ctr sets a tty's size only after the task started: wait for it (busybox
# stty fails while the size is 0x0).
# shellcheck disable=SC2016
WAIT_TTY='i=0; until [ -n "$(stty size 2>/dev/null)" ] || [ $i -gt 50 ]; do
	sleep 0.1; i=$((i+1)); done'

@test "containerd: the CRI plugin loads with an isola runtime handler" {
	run_ok ctr_ plugins ls
	echo "$output" | grep -E 'io\.containerd\.grpc\.v1 +cri .* ok' >/dev/null ||
		fail "cri plugin not ok"
	grep -qF "isola:{Type:io.containerd.runc.v2" "$ENG_DIR/containerd.log" ||
		fail "cri did not take the isola runtime handler"
	grep -qF "BinaryName:$RUNTIME " "$ENG_DIR/containerd.log" ||
		fail "cri did not take BinaryName"
}

@test "containerd: ctr image import of a local docker-archive" {
	run_ok ctr_ image ls -q
	out_has "$IMG"
}

@test "containerd: run --rm prints output and returns the exit code" {
	run_ok crun_ --rm "$IMG" isolatest-ct-rm echo hello from containerd
	out_is "hello from containerd"
	run crun_ --rm "$IMG" isolatest-ct-rm2 sh -c 'exit 42'
	[ "$status" -eq 42 ] || fail "exit $status, expected 42"
	run_ok ctr_ container ls -q
	out_is ""
}

@test "containerd: run -d then exec" {
	run_ok crun_ -d "$IMG" isolatest-ct-exec sleep 1000
	run_ok ctr_ task exec --exec-id e1 isolatest-ct-exec cat /proc/1/cmdline
	out_has sleep
	run ctr_ task exec --exec-id e2 isolatest-ct-exec sh -c 'exit 3'
	[ "$status" -eq 3 ] || fail "exec exit $status, expected 3"
	run_ok ctr_ task exec --exec-id e3 --user 1000 isolatest-ct-exec id -u
	out_is 1000
}

@test "containerd: tasks ps lists the container's processes" {
	run_ok crun_ -d "$IMG" isolatest-ct-ps sh -c 'sleep 1000 & wait'
	ENG_WAIT=10 wait_for ctr_ task exec --exec-id w isolatest-ct-ps pidof sleep ||
		fail "sleep never started"
	run_ok ctr_ task ps isolatest-ct-ps
	local pids n=0 p
	pids=$(echo "$output" | awk 'NR > 1 { print $1 }')
	for p in $pids; do
		tr '\0' ' ' <"/proc/$p/cmdline" | grep -qE '^(sh|sleep) ' && n=$((n + 1))
	done
	[ "$n" -eq 2 ] || fail "expected sh and sleep in tasks ps, found $n of: $pids"
}

@test "containerd: kill by signal, then delete" {
	run_ok crun_ -d "$IMG" isolatest-ct-kill \
		sh -c 'trap "exit 9" USR1; touch /tmp/ready; while :; do sleep 0.1; done'
	ENG_WAIT=10 wait_for ctr_ task exec --exec-id r1 isolatest-ct-kill test -f /tmp/ready ||
		fail "trap never set"
	run_ok ctr_ task kill -s SIGUSR1 isolatest-ct-kill
	ENG_WAIT=10 wait_for task_stopped isolatest-ct-kill ||
		fail "task still $(task_status isolatest-ct-kill) after USR1"
	run_ok ctr_ task delete isolatest-ct-kill
	out_has "exit code 9"
	run_ok ctr_ container delete isolatest-ct-kill
}

@test "containerd: kill -a SIGKILL stops every process" {
	run_ok crun_ -d "$IMG" isolatest-ct-killall sh -c 'sleep 1000 & sleep 1000'
	run_ok ctr_ task kill -a -s SIGKILL isolatest-ct-killall
	ENG_WAIT=10 wait_for task_stopped isolatest-ct-killall || fail "task not stopped"
	run_ok ctr_ task delete isolatest-ct-killall
	out_has "exit code 137"
}

@test "containerd: delete --force of a running task" {
	run_ok crun_ -d "$IMG" isolatest-ct-force sleep 1000
	run_ok ctr_ task delete --force isolatest-ct-force
	run_ok ctr_ task ls -q
	out_is ""
}

@test "containerd: pause and resume" {
	run_ok crun_ -d "$IMG" isolatest-ct-pause sleep 1000
	run_ok ctr_ task pause isolatest-ct-pause
	run_ok task_status isolatest-ct-pause
	out_is PAUSED
	run_ok ctr_ task resume isolatest-ct-pause
	run_ok task_status isolatest-ct-pause
	out_is RUNNING
	run_ok ctr_ task exec --exec-id e1 isolatest-ct-pause true
}

@test "containerd: a tty task has the right window size" {
	run_ok "$ENG_LIB_DIR/ptyrun" 33 101 timeout -k 5 "$ENG_TIMEOUT" ctr \
		--address "$ENG_DIR/containerd.sock" --namespace isolatest run -t --rm \
		--runtime io.containerd.runc.v2 --runc-binary "$RUNTIME" \
		--runc-root "$ENG_DIR/runc" "$IMG" isolatest-ct-tty \
		sh -c "$WAIT_TTY; stty size; tty; [ -t 0 ]"
	out_has "33 101"
	out_has "/dev/pts/0"
}

@test "containerd: a tty exec" {
	run_ok crun_ -d "$IMG" isolatest-ct-ttyexec sleep 1000
	run_ok "$ENG_LIB_DIR/ptyrun" 20 70 timeout -k 5 "$ENG_TIMEOUT" ctr \
		--address "$ENG_DIR/containerd.sock" --namespace isolatest task exec -t \
		--exec-id t1 isolatest-ct-ttyexec sh -c "$WAIT_TTY; stty size; [ -t 0 ]"
	out_has "20 70"
}

@test "containerd: the container's cgroup holds the memory limit" {
	run_ok crun_ -d --memory-limit 67108864 "$IMG" isolatest-ct-mem sleep 1000
	local f
	for f in /sys/fs/cgroup/memory/isolatest/isolatest-ct-mem/memory.limit_in_bytes \
		/sys/fs/cgroup/isolatest/isolatest-ct-mem/memory.max; do
		[ -f "$f" ] && break
	done
	run_ok cat "$f"
	out_is 67108864
}

@test "containerd: a CRI pod with the isola handler (the kubelet path)" {
	/usr/bin/python3 -c 'import grpc' 2>/dev/null || skip "python3-grpcio not installed"
	local logs=$ENG_DIR/logs pod cid
	run_ok ctr_k8s image import "$ENG_IMAGE_DIR/image.tar"
	run_ok ctr_k8s image import "$ENG_IMAGE_DIR/pause.tar"
	run_ok cri run-pod isolatest-pod isola "$logs" /isolatest-cri
	pod=$output
	run_ok cri create "$pod" c1 docker.io/isolatest/busybox:latest "$logs" /isolatest-cri \
		sh -c 'echo cri-hello; exec sleep 1000'
	cid=$output
	run_ok cri start "$cid"
	run_ok cri status "$cid"
	out_is "RUNNING 0"
	run_ok cri exec "$cid" cat /proc/1/cmdline
	out_has sleep
	# The handler's BinaryName and Root: our runtime holds the container.
	run_ok "$RUNTIME" --root "$ENG_DIR/runc/k8s.io" state "$cid"
	out_has '"running"'
	grep -q cri-hello "$logs/c1.log" || fail "no container output in $logs/c1.log"
	run_ok cri stop "$cid" 0
	run_ok cri status "$cid"
	out_is "EXITED 137"
	run_ok cri remove "$cid"
	run_ok cri stop-pod "$pod"
	run_ok cri remove-pod "$pod"
}
