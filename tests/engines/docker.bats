#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# dockerd (with its own managed containerd) and `docker run --runtime isola`,
# on a private data-root, exec-root, socket and cgroup parent. No iptables:
# the one networking test uses our own bridge and docker-proxy on 127.0.0.1.

load lib
bats_require_minimum_version 1.5.0

IMG=isolatest/busybox
BRIDGE=isolatestd0
SUBNET=10.233.78

setup_file() {
	export ENG_DIR
	ENG_DIR=$(mktemp -d /tmp/isolatest-docker.XXXXXX)
	ensure_image "$ENG_DIR"
	paths_snapshot "$ENG_DIR/paths-before" /run/containerd /run/docker /etc/docker/key.json
	ip link add "$BRIDGE" type bridge
	ip addr add "$SUBNET.1/24" dev "$BRIDGE"
	ip link set "$BRIDGE" up
	start_dockerd "$ENG_DIR" || return 1
	dk import "$ENG_IMAGE_DIR/rootfs.tar" "$IMG" >/dev/null
}

teardown_file() {
	local ids
	ids=$(dk ps -aq 2>/dev/null)
	[ -n "$ids" ] && dk rm -f $ids >/dev/null 2>&1
	stop_pid "$(cat "$ENG_DIR/dockerd.bgpid" 2>/dev/null)" 15
	kill_strays "$ENG_DIR"
	umount_tree "$ENG_DIR"
	remove_cgroup_tree isolatest-docker
	ip link del "$BRIDGE" 2>/dev/null
	paths_cleanup "$ENG_DIR/paths-before"
	rm -rf "$ENG_DIR"
}

setup() {
	not_hung
}

teardown() {
	engine_hung && return 0
	local ids
	ids=$(dk ps -aq 2>/dev/null)
	[ -n "$ids" ] && dk rm -f $ids >/dev/null 2>&1
	return 0
}

start_dockerd() {
	local d=$1
	printf '{"runtimes": {"isola-conf": {"path": "%s"}}}\n' "$RUNTIME" >"$d/daemon.json"
	dockerd --config-file "$d/daemon.json" --data-root "$d/data" --exec-root "$d/exec" \
		-H "unix://$d/docker.sock" --pidfile "$d/dockerd.pid" \
		--bridge "$BRIDGE" --iptables=false --ip-forward=false --ip-masq=false \
		--cgroup-parent /isolatest-docker --exec-opt native.cgroupdriver=cgroupfs \
		--storage-driver overlay2 --add-runtime "isola=$RUNTIME" \
		>"$d/dockerd.log" 2>&1 &
	echo $! >"$d/dockerd.bgpid"
	if ! ENG_WAIT=60 wait_for_daemon "$!" dk version; then
		tail -20 "$d/dockerd.log" >&3
		return 1
	fi
}

# Debian's own client, not whatever else is first on PATH.
dk() {
	DOCKER_CONFIG="$ENG_DIR/cli" eng_timeout /usr/bin/docker \
		-H "unix://$ENG_DIR/docker.sock" "$@"
}

dkrun() {
	dk run --runtime isola "$@"
}

@test "docker: info lists the isola runtime" {
	run_ok dk info --format '{{json .Runtimes}}'
	out_has '"isola"'
	out_has "$RUNTIME"
}

@test "docker: a runtime named in daemon.json" {
	run_ok dk run --runtime isola-conf --rm --network none "$IMG" echo via daemon.json
	out_is "via daemon.json"
}

@test "docker: run --rm prints the process output" {
	run_ok dkrun --rm --network none "$IMG" echo hello from docker
	out_is "hello from docker"
	run_ok dk ps -aq
	out_is ""
}

@test "docker: exit code of the container process is returned" {
	run dkrun --rm --network none "$IMG" sh -c 'exit 42'
	[ "$status" -eq 42 ] || fail "exit $status, expected 42"
}

@test "docker: a missing executable exits 127 (runc's error wording)" {
	run -127 dkrun --rm --network none "$IMG" /isolatest-missing
}

@test "docker: a non-executable file exits 126 (runc's error wording)" {
	run -126 dkrun --rm --network none "$IMG" /etc/passwd
}

@test "docker: run -d then exec" {
	run_ok dkrun -d --name isolatest-dk-exec --network none "$IMG" sleep 1000
	run_ok dk exec isolatest-dk-exec cat /proc/1/cmdline
	out_has sleep
	run_ok dk exec -e ISOLA_X=42 -w /tmp isolatest-dk-exec sh -c 'echo $ISOLA_X $(pwd)'
	out_is "42 /tmp"
	run dk exec isolatest-dk-exec sh -c 'exit 3'
	[ "$status" -eq 3 ] || fail "exec exit $status, expected 3"
	run_ok dk exec -u 1000:1000 isolatest-dk-exec id -u
	out_is 1000
}

@test "docker: logs show stdout and stderr" {
	run_ok dkrun -d --name isolatest-dk-logs --network none "$IMG" \
		sh -c 'echo to-stdout; echo to-stderr >&2; sleep 1000'
	log_has() { dk logs isolatest-dk-logs 2>&1 | grep -q "$1"; }
	wait_for log_has to-stdout || fail "no stdout in logs"
	wait_for log_has to-stderr || fail "no stderr in logs"
}

@test "docker: stop sends SIGTERM, then SIGKILL after the timeout" {
	run_ok dkrun -d --name isolatest-dk-term --network none "$IMG" \
		sh -c 'trap "exit 7" TERM; touch /tmp/ready; while :; do sleep 0.1; done'
	ENG_WAIT=10 wait_for dk exec isolatest-dk-term test -f /tmp/ready ||
		fail "trap never set"
	run_ok dk stop -t 10 isolatest-dk-term
	run_ok dk inspect --format '{{.State.ExitCode}}' isolatest-dk-term
	out_is 7
	run_ok dkrun -d --name isolatest-dk-stop --network none "$IMG" sleep 1000
	local t0=$SECONDS
	run_ok dk stop -t 1 isolatest-dk-stop
	[ $((SECONDS - t0)) -lt 8 ] || fail "stop took $((SECONDS - t0)) s"
	run_ok dk inspect --format '{{.State.ExitCode}}' isolatest-dk-stop
	out_is 137
}

@test "docker: kill with a signal" {
	run_ok dkrun -d --name isolatest-dk-kill --network none "$IMG" \
		sh -c 'trap "echo got-usr1" USR1; touch /tmp/ready; while :; do sleep 0.1; done'
	ENG_WAIT=10 wait_for dk exec isolatest-dk-kill test -f /tmp/ready ||
		fail "trap never set"
	run_ok dk kill -s USR1 isolatest-dk-kill
	log_has() { dk logs isolatest-dk-kill 2>&1 | grep -q got-usr1; }
	wait_for log_has || fail "USR1 not delivered"
	run_ok dk kill isolatest-dk-kill
	run_ok dk wait isolatest-dk-kill
	out_is 137
}

@test "docker: ps, top, pause and unpause" {
	run_ok dkrun -d --name isolatest-dk-pause --network none "$IMG" sleep 1000
	run_ok dk ps --format '{{.Names}} {{.Status}}'
	out_has "isolatest-dk-pause Up"
	run_ok dk top isolatest-dk-pause
	out_has "sleep 1000"
	run_ok dk pause isolatest-dk-pause
	run_ok dk inspect --format '{{.State.Status}}' isolatest-dk-pause
	out_is paused
	run_ok dk unpause isolatest-dk-pause
	run_ok dk inspect --format '{{.State.Status}}' isolatest-dk-pause
	out_is running
}

@test "docker: rm -f removes a running container" {
	run_ok dkrun -d --name isolatest-dk-rm --network none "$IMG" sleep 1000
	run_ok dk rm -f isolatest-dk-rm
	run_ok dk ps -aq
	out_is ""
}

@test "docker: run -it gives a tty of the right window size" {
	run_ok "$ENG_LIB_DIR/ptyrun" 33 101 env DOCKER_CONFIG="$ENG_DIR/cli" \
		timeout -k 5 "$ENG_TIMEOUT" /usr/bin/docker -H "unix://$ENG_DIR/docker.sock" \
		run -it --rm --runtime isola --network none "$IMG" \
		sh -c 'i=0; until [ -n "$(stty size 2>/dev/null)" ] || [ $i -gt 50 ]; do
			sleep 0.1; i=$((i+1)); done; stty size; tty; [ -t 0 ]'
	out_has "33 101"
	out_has "/dev/pts/0"
}

@test "docker: --memory, --pids-limit and --cpus are visible inside" {
	run_ok dkrun --rm --network none --memory 64m --pids-limit 50 --cpus 0.5 \
		"$IMG" sh -c "$CG_PROBE"
	check_limits
}

@test "docker: --read-only, --cap-drop ALL and --user 1000:1000" {
	run dkrun --rm --network none --read-only "$IMG" touch /isolatest
	[ "$status" -ne 0 ] || fail "wrote to a read-only root"
	out_has "Read-only file system"
	run_ok dkrun --rm --network none --cap-drop ALL "$IMG" grep -E '^Cap(Eff|Prm|Bnd)' \
		/proc/self/status
	[ "$(echo "$output" | grep -c ':[[:space:]]*0000000000000000')" -eq 3 ] ||
		fail "capabilities left"
	run_ok dkrun --rm --network none --user 1000:1000 "$IMG" id
	out_is "uid=1000(user) gid=1000(user) groups=1000(user)"
}

@test "docker: update changes the memory limit (update --resources)" {
	run_ok dkrun -d --name isolatest-dk-update --network none --memory 64m "$IMG" sleep 1000
	run_ok dk update --memory 128m --memory-swap 256m isolatest-dk-update
	run_ok dk exec isolatest-dk-update sh -c "$CG_PROBE"
	out_has "memory 134217728"
}

@test "docker: restart runs the container again" {
	run_ok dkrun -d --name isolatest-dk-restart --network none "$IMG" sleep 1000
	run_ok dk restart -t 0 isolatest-dk-restart
	run_ok dk inspect --format '{{.State.Status}} {{.RestartCount}}' isolatest-dk-restart
	out_has running
	run_ok dk exec isolatest-dk-restart cat /proc/1/cmdline
	out_has sleep
}

@test "docker: exec -it gives a tty of the right window size" {
	run_ok dkrun -d --name isolatest-dk-ttyexec --network none "$IMG" sleep 1000
	run_ok "$ENG_LIB_DIR/ptyrun" 20 70 env DOCKER_CONFIG="$ENG_DIR/cli" \
		timeout -k 5 "$ENG_TIMEOUT" /usr/bin/docker -H "unix://$ENG_DIR/docker.sock" \
		exec -it isolatest-dk-ttyexec \
		sh -c 'i=0; until [ -n "$(stty size 2>/dev/null)" ] || [ $i -gt 50 ]; do
			sleep 0.1; i=$((i+1)); done; stty size; [ -t 0 ]'
	out_has "20 70"
}

@test "docker: a bind mount, a tmpfs, env, workdir and hostname" {
	mkdir -p "$ENG_DIR/vol"
	run_ok dkrun --rm --network none -e ISOLA_A=1 -w /tmp --hostname isolatest-h \
		-v "$ENG_DIR/vol:/data" --tmpfs /scratch "$IMG" \
		sh -c 'echo $ISOLA_A $(pwd) $(hostname); echo in > /data/f
			grep -c " /scratch tmpfs" /proc/mounts'
	out_is "1 /tmp isolatest-h
1"
	[ "$(cat "$ENG_DIR/vol/f")" = in ] || fail "bind mount write not seen on the host"
}

@test "docker: stop a container in the host pid namespace" {
	run_ok dkrun -d --name isolatest-dk-pidhost --network none --pid host "$IMG" \
		sh -c 'sleep 1000 & sleep 1000'
	run_ok dk stop -t 1 isolatest-dk-pidhost
	run_ok dk inspect --format '{{.State.Status}}' isolatest-dk-pidhost
	out_is exited
}

@test "docker: bridge network and -p 127.0.0.1:PORT:80 from the host" {
	local port
	port=$(free_port)
	run_ok dkrun -d --name isolatest-dk-web -p "127.0.0.1:$port:80" "$IMG" \
		httpd -f -p 80 -h /www
	run_ok dk exec isolatest-dk-web ip -4 -o addr show eth0
	out_has "$SUBNET."
	wait_for http_get "$port" || fail "no answer on 127.0.0.1:$port"
	run_ok http_get "$port"
	out_is "isolatest engine page"
}
