#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# podman (with conmon) driving $RUNTIME, on a private root, runroot, tmp dir,
# CNI config and cgroup parent.

load lib
bats_require_minimum_version 1.5.0

IMG=localhost/isolatest/busybox

setup_file() {
	export ENG_DIR
	ENG_DIR=$(mktemp -d /tmp/isolatest-podman.XXXXXX)
	ensure_image "$ENG_DIR"
	paths_snapshot "$ENG_DIR/paths-before" /run/libpod /var/lib/cni /var/lib/containers \
		/run/containers
	fw_snapshot "$ENG_DIR/fw-before"
	write_podman_conf "$ENG_DIR"
	export CONTAINERS_CONF="$ENG_DIR/containers.conf"
	pm import "$ENG_IMAGE_DIR/rootfs.tar" isolatest/busybox >/dev/null
}

teardown_file() {
	pm rm -a -f -t 0 >/dev/null 2>&1
	kill_strays "$ENG_DIR"
	umount_tree "$ENG_DIR"
	remove_cgroup_tree isolatest-podman
	fw_restore "$ENG_DIR/fw-before"
	ip link del isolatest0 2>/dev/null
	paths_cleanup "$ENG_DIR/paths-before"
	rm -rf "$ENG_DIR"
}

setup() {
	not_hung
}

teardown() {
	engine_hung && return 0
	pm rm -a -f -t 0 >/dev/null 2>&1 || true
}

# Pinned ulimits: podman's root defaults (1048576) exceed this VM's hard
# limits and it has no CAP_SYS_RESOURCE to raise them; podman also clamps its
# own RLIMIT_NPROC (to pid_max here), so stay well below every such bound.
write_podman_conf() {
	local d=$1
	mkdir -p "$d/cni"
	cat >"$d/containers.conf" <<-EOF
		[containers]
		default_ulimits = ["nofile=1024:4096", "nproc=4096:4096"]
		log_driver = "k8s-file"
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		events_logfile_path = "$d/events.log"
		tmp_dir = "$d/tmp"
		lock_type = "file"
		static_dir = "$d/root/libpod"
		volume_path = "$d/root/volumes"
		runtime_supports_json = ["crun", "runc", "isola", "isola-runtime"]
		[engine.runtimes]
		isola = ["$RUNTIME"]
		[network]
		network_backend = "cni"
		cni_plugin_dirs = ["/usr/lib/cni", "/usr/libexec/cni", "/opt/cni/bin"]
		network_config_dir = "$d/cni"
		default_network = "isolatest"
	EOF
	# No ipMasq and no firewall plugin: only portmap touches iptables, and
	# teardown_file removes the chains it leaves.
	cat >"$d/cni/isolatest.conflist" <<-EOF
		{"cniVersion": "0.4.0", "name": "isolatest", "plugins": [
		  {"type": "bridge", "bridge": "isolatest0", "isGateway": true,
		   "ipMasq": false, "hairpinMode": true,
		   "ipam": {"type": "host-local", "dataDir": "$d/ipam",
		            "routes": [{"dst": "0.0.0.0/0"}],
		            "ranges": [[{"subnet": "10.233.77.0/24", "gateway": "10.233.77.1"}]]}},
		  {"type": "portmap", "capabilities": {"portMappings": true}}]}
	EOF
}

pm() {
	eng_timeout podman --root "$ENG_DIR/root" --runroot "$ENG_DIR/runroot" \
		--runtime "$RUNTIME" --storage-driver overlay --cgroup-manager cgroupfs "$@"
}

# podman run, in our own cgroup parent so teardown can find what is left.
pmrun() {
	pm run --cgroup-parent /isolatest-podman "$@"
}

pm_status() {
	pm inspect --format '{{.State.Status}}' "$1"
}

@test "podman: run --rm prints the process output and removes the container" {
	run_ok pmrun --rm --network none "$IMG" echo hello from podman
	out_is "hello from podman"
	run_ok pm ps -a -q
	out_is ""
}

@test "podman: a runtime named in containers.conf [engine.runtimes]" {
	run_ok eng_timeout podman --root "$ENG_DIR/root" --runroot "$ENG_DIR/runroot" \
		--runtime isola --storage-driver overlay run --rm --network none \
		--cgroup-parent /isolatest-podman "$IMG" echo via conf
	out_is "via conf"
}

@test "podman: exit code of the container process is returned" {
	run pmrun --rm --network none "$IMG" sh -c 'exit 42'
	[ "$status" -eq 42 ] || fail "exit $status, expected 42"
}

@test "podman: a missing executable exits 127 with the runtime's error" {
	run -127 pmrun --rm --network none "$IMG" /isolatest-missing
	out_has "/isolatest-missing"
	run -127 pmrun --rm --network none "$IMG" isolatest-missing
	out_has "isolatest-missing"
}

@test "podman: a non-executable file exits 126" {
	run -126 pmrun --rm --network none "$IMG" /etc/passwd
	out_has "ermission denied"
}

@test "podman: run -d then exec" {
	run_ok pmrun -d --name isolatest-pm-exec --network none "$IMG" sleep 1000
	run_ok pm exec isolatest-pm-exec cat /proc/1/cmdline
	out_has sleep
	run_ok pm exec -e ISOLA_X=42 -w /tmp isolatest-pm-exec sh -c 'echo $ISOLA_X $(pwd)'
	out_is "42 /tmp"
	run pm exec isolatest-pm-exec sh -c 'exit 3'
	[ "$status" -eq 3 ] || fail "exec exit $status, expected 3"
	run_ok pm exec --user 1000:1000 isolatest-pm-exec id -u
	out_is 1000
}

@test "podman: exec -d runs in the background" {
	run_ok pmrun -d --name isolatest-pm-execd --network none "$IMG" sleep 1000
	run_ok pm exec -d isolatest-pm-execd sh -c 'echo bg > /tmp/bg'
	ENG_WAIT=10 wait_for pm exec isolatest-pm-execd test -s /tmp/bg || fail "exec -d never ran"
}

@test "podman: logs show stdout and stderr" {
	run_ok pmrun -d --name isolatest-pm-logs --network none "$IMG" \
		sh -c 'echo to-stdout; echo to-stderr >&2; sleep 1000'
	log_has() { pm logs isolatest-pm-logs 2>&1 | grep -q "$1"; }
	wait_for log_has to-stdout || fail "no stdout in logs"
	wait_for log_has to-stderr || fail "no stderr in logs"
}

@test "podman: stop sends SIGTERM to a process that handles it" {
	run_ok pmrun -d --name isolatest-pm-term --network none "$IMG" \
		sh -c 'trap "exit 7" TERM; touch /tmp/ready; while :; do sleep 0.1; done'
	ENG_WAIT=10 wait_for pm exec isolatest-pm-term test -f /tmp/ready ||
		fail "trap never set"
	run_ok pm stop -t 10 isolatest-pm-term
	run_ok pm inspect --format '{{.State.ExitCode}}' isolatest-pm-term
	out_is 7
}

@test "podman: stop kills after the timeout when SIGTERM is ignored" {
	run_ok pmrun -d --name isolatest-pm-stop --network none "$IMG" sleep 1000
	local t0=$SECONDS
	run_ok pm stop -t 1 isolatest-pm-stop
	[ $((SECONDS - t0)) -lt 8 ] || fail "stop took $((SECONDS - t0)) s"
	run_ok pm inspect --format '{{.State.Status}} {{.State.ExitCode}}' isolatest-pm-stop
	out_is "exited 137"
}

@test "podman: kill with a signal name and number" {
	run_ok pmrun -d --name isolatest-pm-kill --network none "$IMG" \
		sh -c 'trap "echo got-usr1" USR1; touch /tmp/ready; while :; do sleep 0.1; done'
	ENG_WAIT=10 wait_for pm exec isolatest-pm-kill test -f /tmp/ready ||
		fail "trap never set"
	run_ok pm kill --signal USR1 isolatest-pm-kill
	log_has() { pm logs isolatest-pm-kill 2>&1 | grep -q got-usr1; }
	wait_for log_has || fail "USR1 not delivered"
	run_ok pm kill --signal 9 isolatest-pm-kill
	run_ok pm wait isolatest-pm-kill
	out_is 137
}

@test "podman: ps and top list the container and its processes" {
	run_ok pmrun -d --name isolatest-pm-ps --network none "$IMG" sleep 1000
	run_ok pm ps --format '{{.Names}} {{.Status}}'
	out_has "isolatest-pm-ps Up"
	run_ok pm top isolatest-pm-ps pid args
	out_has "sleep 1000"
}

@test "podman: pause and unpause" {
	run_ok pmrun -d --name isolatest-pm-pause --network none "$IMG" \
		sh -c 'while :; do date +%s%N > /tmp/tick; sleep 0.05; done'
	run_ok pm pause isolatest-pm-pause
	run_ok pm_status isolatest-pm-pause
	out_is paused
	run_ok pm unpause isolatest-pm-pause
	run_ok pm_status isolatest-pm-pause
	out_is running
	run_ok pm exec isolatest-pm-pause cat /tmp/tick
}

@test "podman: rm -f removes a running container and its cgroup" {
	run_ok pmrun -d --name isolatest-pm-rm --network none "$IMG" sleep 1000
	local id=$output
	run_ok pm rm -f -t 0 isolatest-pm-rm
	run_ok pm ps -a -q
	out_is ""
	local left
	left=$(find /sys/fs/cgroup -maxdepth 3 -type d -name "*$id*" 2>/dev/null || true)
	[ -z "$left" ] || fail "cgroups left: $left"
}

@test "podman: run -it gives a tty of the right window size" {
	run_ok "$ENG_LIB_DIR/ptyrun" 33 101 timeout -k 5 "$ENG_TIMEOUT" podman \
		--root "$ENG_DIR/root" --runroot "$ENG_DIR/runroot" --runtime "$RUNTIME" \
		--storage-driver overlay --cgroup-manager cgroupfs run -it --rm --network none \
		--cgroup-parent /isolatest-podman "$IMG" sh -c 'stty size; tty; [ -t 0 ]'
	out_has "33 101"
	out_has "/dev/pts/0"
}

@test "podman: --memory, --pids-limit and --cpus are visible inside" {
	run_ok pmrun --rm --network none --memory 64m --pids-limit 50 --cpus 0.5 \
		"$IMG" sh -c "$CG_PROBE"
	check_limits
}

@test "podman: --read-only root with writable /tmp" {
	run pmrun --rm --network none --read-only "$IMG" touch /isolatest
	[ "$status" -ne 0 ] || fail "wrote to a read-only root"
	out_has "Read-only file system"
	run_ok pmrun --rm --network none --read-only "$IMG" touch /tmp/ok
}

@test "podman: --cap-drop ALL leaves no capability" {
	run_ok pmrun --rm --network none --cap-drop ALL "$IMG" grep -E '^Cap(Eff|Prm|Bnd)' \
		/proc/self/status
	[ "$(echo "$output" | grep -c ':[[:space:]]*0000000000000000')" -eq 3 ] ||
		fail "capabilities left"
}

@test "podman: --user 1000:1000" {
	run_ok pmrun --rm --network none --user 1000:1000 "$IMG" id
	out_is "uid=1000(user) gid=1000(user) groups=1000(user)"
}

@test "podman: env, workdir, hostname, a bind mount, a tmpfs and a sysctl" {
	mkdir -p "$ENG_DIR/vol"
	run_ok pmrun --rm --network none -e ISOLA_A=1 -w /tmp --hostname isolatest-h \
		-v "$ENG_DIR/vol:/data" --tmpfs /scratch --sysctl kernel.shm_rmid_forced=1 "$IMG" \
		sh -c 'echo $ISOLA_A $(pwd) $(hostname); echo in > /data/f; grep -c " /scratch tmpfs" \
			/proc/mounts; cat /proc/sys/kernel/shm_rmid_forced'
	out_is "1 /tmp isolatest-h
1
1"
	[ "$(cat "$ENG_DIR/vol/f")" = in ] || fail "bind mount write not seen on the host"
}

@test "podman: --preserve-fds passes an open file to the container" {
	run_ok pmrun --rm --network none --preserve-fds 1 "$IMG" sh -c 'head -1 <&3' \
		3<"$ENG_DIR/containers.conf"
	out_is "[containers]"
}

@test "podman: no-new-privileges and oom-score-adj" {
	run_ok pmrun --rm --network none --security-opt no-new-privileges --oom-score-adj 500 \
		"$IMG" sh -c 'grep NoNewPrivs /proc/self/status; cat /proc/self/oom_score_adj'
	out_has "NoNewPrivs:	1"
	out_has 500
}

@test "podman: restart runs the container again" {
	run_ok pmrun -d --name isolatest-pm-restart --network none "$IMG" sleep 1000
	run_ok pm exec isolatest-pm-restart touch /tmp/before
	run_ok pm restart -t 0 isolatest-pm-restart
	run_ok pm_status isolatest-pm-restart
	out_is running
	run_ok pm exec isolatest-pm-restart cat /proc/1/cmdline
	out_has sleep
}

@test "podman: stop a container in the host pid namespace (kill --all)" {
	run_ok pmrun -d --name isolatest-pm-pidhost --network none --pid host "$IMG" \
		sh -c 'sleep 1000 & sleep 1000'
	run_ok pm stop -t 1 isolatest-pm-pidhost
	run_ok pm_status isolatest-pm-pidhost
	out_is exited
}

@test "podman: no_pivot_root in containers.conf (create --no-pivot)" {
	sed 's/^\[engine\]$/[engine]\nno_pivot_root = true/' "$ENG_DIR/containers.conf" \
		>"$ENG_DIR/nopivot.conf"
	run_ok env CONTAINERS_CONF="$ENG_DIR/nopivot.conf" timeout -k 5 "$ENG_TIMEOUT" podman \
		--root "$ENG_DIR/root" --runroot "$ENG_DIR/runroot" --runtime "$RUNTIME" \
		run --rm --network none --cgroup-parent /isolatest-podman "$IMG" echo no pivot
	out_is "no pivot"
}

@test "podman: --network none has only loopback" {
	run_ok pmrun --rm --network none "$IMG" ls /sys/class/net
	out_is "lo"
}

@test "podman: default bridge network reaches the gateway" {
	run_ok pmrun --rm "$IMG" sh -c 'ip -4 -o addr show eth0; ping -c1 -W2 10.233.77.1'
	out_has "10.233.77."
	out_has "1 packets received"
}

@test "podman: -p 127.0.0.1:PORT:80 is reachable from the host" {
	local port
	port=$(free_port)
	run_ok pmrun -d --name isolatest-pm-web -p "127.0.0.1:$port:80" "$IMG" \
		httpd -f -p 80 -h /www
	wait_for http_get "$port" || fail "no answer on 127.0.0.1:$port"
	run_ok http_get "$port"
	out_is "isolatest engine page"
}
