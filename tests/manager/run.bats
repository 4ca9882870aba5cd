#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# isola run/create/start: images to running containers, docker's options and exit codes.

load helpers

setup() {
	mgr_setup
}

teardown() {
	mgr_teardown
}

@test "run --rm: output, exit status, nothing left" {
	run "$ISOLA" run --rm --name once bb sh -c 'echo out; echo err >&2; exit 3'
	[ "$status" -eq 3 ]
	[[ "$output" == *out* ]]
	[[ "$output" == *err* ]]
	run "$ISOLA" ps -aq
	[ -z "$output" ]
	[ -z "$(ls "$ISOLA_ROOT/containers")" ]
	[ ! -e "$ISOLA_ROOT/names/once" ]
	# the files went into the store's tmp/, which the monitor empties after the exit code
	wait_for tmp_empty
}

tmp_empty() {
	[ -z "$(ls -A "$ISOLA_ROOT/tmp")" ]
}

@test "run --rm: a scratch root (volatile overlay, records not fsynced); a kept container's is durable" {
	# the container sees its root's mount options
	run "$ISOLA" run --rm bb sh -c 'grep " / / " /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$output" == *overlay*volatile* ]]
	run "$ISOLA" run --name kept bb sh -c 'grep " / / " /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$output" == *overlay* ]]
	[[ "$output" != *volatile* ]]
	# and it starts again (a volatile upper could not be mounted twice)
	isola_ok start -a kept
	# the storage record says so; the run makes no fsync or syncfs at all
	isola_ok create --rm --name twice bb true
	id=$("$ISOLA" inspect --format '{{.Id}}' twice)
	jq -e '.scratch == true' "$ISOLA_ROOT/containers/$id/rootfs.json"
	run strace -f -e trace=fsync,fdatasync,syncfs "$ISOLA" run --rm bb true
	[ "$status" -eq 0 ]
	[[ "$output" != *fsync* ]]
	[[ "$output" != *syncfs* ]]
}

@test "run: stdout and stderr stay apart" {
	run bash -c '"$ISOLA" run --rm bb sh -c "echo to-out; echo to-err >&2" 2>/dev/null'
	[ "$output" = to-out ]
	run bash -c '"$ISOLA" run --rm bb sh -c "echo to-out; echo to-err >&2" 2>&1 >/dev/null'
	[ "$output" = to-err ]
}

@test "run: the container is pid 1 in its own namespaces with docker's defaults" {
	run "$ISOLA" run --rm --hostname box bb sh -c 'echo $$; hostname; cat /etc/hostname; grep -c . /etc/hosts'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = box ]
	[ "${lines[2]}" = box ]
	run "$ISOLA" run --rm bb sh -c 'grep CapEff /proc/self/status'
	[[ "$output" == *00000000a80425fb* ]] # docker's 14 default capabilities
}

@test "run: -e, --env-file, -w, --entrypoint, -u" {
	printf 'A=from-file\n# comment\nB=b\n' >"$TMP/env"
	run "$ISOLA" run --rm -e A=1 --env-file "$TMP/env" -e C=3 -w /tmp bb sh -c 'echo $A $B $C; pwd'
	[ "${lines[0]}" = "from-file b 3" ]
	[ "${lines[1]}" = /tmp ]
	run "$ISOLA" run --rm --entrypoint /bin/echo bb hi there
	[ "$output" = "hi there" ]
	run "$ISOLA" run --rm -u user bb id
	[ "$output" = "uid=1000(user) gid=1000(user) groups=1000(user)" ] || [[ "$output" == "uid=1000(user) gid=1000(user)"* ]]
	run "$ISOLA" run --rm -u 1000:staff bb id -g
	[ "$output" = 50 ]
	run "$ISOLA" run --rm -u 4242 bb id -u
	[ "$output" = 4242 ]
}

@test "run: bad input is one line and exit 125, nothing left" {
	run "$ISOLA" run --rm bb-nosuch true
	[ "$status" -eq 125 ]
	run "$ISOLA" run --rm --memory 12x bb true
	[ "$status" -ne 0 ]
	[[ "$output" == *"invalid --memory \"12x\""* ]]
	run "$ISOLA" run --rm --env-file "$TMP/none" bb true
	[ "$status" -ne 0 ]
	[[ "$output" == *"env file"* ]]
	run "$ISOLA" run --rm -u nosuch bb true
	[ "$status" -eq 125 ]
	[[ "$output" == *"unable to find user nosuch"* ]]
	[ "${#lines[@]}" -eq 1 ]
	run "$ISOLA" run --rm --cap-add NOSUCH bb true
	[ "$status" -eq 125 ]
	[[ "$output" == *"unknown capability"* ]]
	run "$ISOLA" run --name 'bad/name' bb true
	[ "$status" -eq 125 ]
	run "$ISOLA" run --rm --restart sometimes bb true
	[ "$status" -eq 125 ]
	run "$ISOLA" ps -aq
	[ -z "$output" ]
	[ -z "$(ls "$ISOLA_ROOT/containers")" ]
	[ -z "$(ls "$ISOLA_RUNROOT/runtime")" ]
}

@test "run: a command that is not there exits 127" {
	run "$ISOLA" run --rm bb /nosuch
	[ "$status" -eq 127 ]
	[ -z "$(ls "$ISOLA_ROOT/containers")" ]
}

@test "run: a name is given once, even to racing commands" {
	isola_ok run -d --name taken bb sleep 60
	run "$ISOLA" run -d --name taken bb sleep 60
	[ "$status" -eq 125 ]
	[[ "$output" == *'the container name "/taken" is already in use'* ]]
	local i
	for i in 1 2 3 4 5 6; do
		"$ISOLA" create --name race bb true >"$TMP/race.$i" 2>&1 &
	done
	wait
	[ "$("$ISOLA" ps -aq --filter name=race | wc -l)" -eq 1 ]
	[ "$(grep -l 'already in use' "$TMP"/race.* | wc -l)" -eq 5 ]
}

@test "run: generated names are adjective_noun" {
	isola_ok create bb true
	run "$ISOLA" ps -a --format '{{.Names}}'
	[[ "$output" =~ ^[a-z]+_[a-z]+[0-9]*$ ]]
}

@test "create then start; start -a shows the output and exit status" {
	isola_ok create --name later bb sh -c 'echo started; exit 4'
	[ "$(state_of later)" = created ]
	run "$ISOLA" start -a later
	[ "$status" -eq 4 ]
	[ "$output" = started ]
	[ "$(state_of later)" = exited ]
	[ "$("$ISOLA" inspect --format '{{.State.ExitCode}}' later)" = 4 ]
}

@test "run -v binds, --read-only, --tmpfs" {
	mkdir "$TMP/data"
	echo from-host >"$TMP/data/f"
	run "$ISOLA" run --rm -v "$TMP/data:/data" bb sh -c 'cat /data/f; echo back >/data/g'
	[ "$output" = from-host ]
	[ "$(cat "$TMP/data/g")" = back ]
	run "$ISOLA" run --rm -v "$TMP/data:/data:ro" bb sh -c 'echo x >/data/h'
	[ "$status" -ne 0 ]
	run "$ISOLA" run --rm --read-only bb touch /x
	[ "$status" -ne 0 ]
	run "$ISOLA" run --rm --read-only --tmpfs /scratch bb sh -c 'touch /scratch/x && echo ok'
	[ "$output" = ok ]
	run "$ISOLA" run --rm -v ./relative:/data bb true
	[ "$status" -eq 125 ]
}

@test "run --memory and --pids-limit reach the container's cgroup" {
	local cg
	cg=$(awk -F: '$2 == "memory" || $2 == "" {print $1}' /proc/self/cgroup | head -1)
	run "$ISOLA" run --rm --memory 64m --pids-limit 42 bb sh -c \
		'cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max; cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 42 ]
	[ "${lines[1]}" = 67108864 ]
}

@test "run: the image's writable layer is the container's own" {
	isola_ok run --name w1 bb sh -c 'cat /root/f 2>/dev/null; echo mine >/root/f'
	[ -z "$output" ]
	run "$ISOLA" run --rm bb cat /root/f
	[ "$status" -ne 0 ]
	isola_ok start -a w1
	[ "$output" = mine ]
}

@test "run: docker's default seccomp profile; seccomp=unconfined and --privileged lift it" {
	run "$ISOLA" run --rm bb sh -c 'grep ^Seccomp: /proc/self/status; unshare -U true && echo userns'
	[[ "${lines[0]}" == *2 ]]
	[[ "$output" != *userns* ]]
	run "$ISOLA" run --rm --security-opt seccomp=unconfined bb sh -c 'grep ^Seccomp: /proc/self/status; unshare -U true && echo userns'
	[[ "${lines[0]}" == *0 ]]
	[[ "$output" == *userns* ]]
	run "$ISOLA" run --rm --security-opt apparmor=foo bb true
	[ "$status" -eq 125 ]
	[[ "$output" == *'--security-opt "apparmor=foo" is not supported'* ]]
}

@test "run --init: a real PID 1 that forwards signals and reaps" {
	run "$ISOLA" run --rm --init bb sh -c 'echo $$; cat /proc/1/cmdline | tr "\0" " "'
	[ "${lines[0]}" != 1 ]
	[[ "${lines[1]}" == "/dev/init sh -c"* ]]
	isola_ok run -d --init --name in1 bb sleep 60
	local t0=$SECONDS
	isola_ok stop -t 20 in1 # sleep under an init dies of SIGTERM: no 20 s wait
	[ $((SECONDS - t0)) -lt 10 ]
	[ "$("$ISOLA" inspect --format '{{.State.ExitCode}}' in1)" = 143 ]
}

@test "run --ulimit and --device" {
	run "$ISOLA" run --rm --ulimit nofile=512:1024 bb sh -c 'ulimit -n; ulimit -Hn'
	[ "$output" = "$(printf '512\n1024')" ]
	run "$ISOLA" run --rm --ulimit nosuch=1 bb true
	[ "$status" -eq 125 ]
	run "$ISOLA" run --rm bb sh -c 'test -e /dev/full && echo present'
	[ "$output" = present ] # runc's default device
	run "$ISOLA" run --rm --device /dev/loop-control bb sh -c 'ls -l /dev/loop-control'
	[ "$status" -eq 0 ]
	[[ "$output" == c* ]]
	run "$ISOLA" run --rm --device /etc/passwd bb true
	[ "$status" -eq 125 ]
}
