#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Detached containers and their monitors: ps, logs, exec, stop, kill, rm, pause,
# wait, rename, restart policies, a killed monitor, a simulated reboot.

load helpers

setup() {
	mgr_setup
}

teardown() {
	mgr_teardown
}

monitor_of() {
	jq -r .State.MonitorPid "$ISOLA_ROOT/containers/$1/container.json"
}

@test "run -d: ps, inspect, logs, stop, rm" {
	isola_ok run -d --name web bb sh -c 'echo ready; trap "echo bye; exit 0" TERM; while :; do sleep 0.1; done'
	local id=$output
	[[ "$id" =~ ^[0-9a-f]{64}$ ]]
	run "$ISOLA" ps
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == "CONTAINER ID"*NAMES ]]
	[[ "${lines[1]}" == "${id:0:12}"*"Up "*web ]]
	run "$ISOLA" ps --format json
	[ "$(echo "$output" | jq -r .Names)" = web ]
	[ "$(echo "$output" | jq -r .State)" = running ]
	wait_for grep -q ready "$ISOLA_ROOT/containers/$id/container.log"
	run "$ISOLA" logs web
	[ "$output" = ready ]
	local pid
	pid=$("$ISOLA" inspect --format '{{.State.Pid}}' web)
	[ "$pid" -gt 1 ]
	[ -d "/proc/$pid" ]
	isola_ok stop web
	[ "$output" = web ]
	[ "$(state_of web)" = exited ]
	[ "$("$ISOLA" inspect --format '{{.State.ExitCode}}' web)" = 0 ]
	run "$ISOLA" logs web
	[ "${lines[1]}" = bye ]
	run "$ISOLA" ps -q
	[ -z "$output" ]
	isola_ok rm web
	assert_gone "$id"
}

@test "inspect: docker's shape" {
	isola_ok create --name shape -e X=1 --label a=b bb sleep 5
	run "$ISOLA" inspect shape
	echo "$output" | jq -e '.[0] | .Id and .Name == "/shape" and .Created and .State.Status == "created"
		and (.Config.Env | index("X=1")) and .Config.Labels.a == "b" and .HostConfig.RestartPolicy.Name == "no"
		and .Path == "sleep" and .Args == ["5"]'
	run "$ISOLA" inspect --format '{{.Config.Cmd}} {{json .Config.Labels}}' shape
	[ "$output" = '["sleep","5"] {"a":"b"}' ]
	run "$ISOLA" inspect nosuch
	[ "$status" -ne 0 ]
	[[ "$output" == *"no such object: nosuch"* ]]
}

@test "logs: --tail, -t, -f follows until the container stops" {
	isola_ok run --name counter bb sh -c 'for i in 1 2 3 4 5; do echo line$i; done'
	run "$ISOLA" logs --tail 2 counter
	[ "$output" = "$(printf 'line4\nline5')" ]
	run "$ISOLA" logs -t counter
	[[ "${lines[0]}" =~ ^20[0-9-]+T[0-9:.]+Z\ line1$ ]]
	isola_ok run -d --name slow bb sh -c 'echo a; sleep 0.5; echo b'
	run timeout 10 "$ISOLA" logs -f slow
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'a\nb')" ]
}

@test "logs: --log-opt max-size and max-file rotate the json-file" {
	isola_ok run --name chatty --log-opt max-size=2k --log-opt max-file=3 bb sh -c \
		'i=0; while [ $i -lt 400 ]; do echo "line $i"; i=$((i+1)); done'
	local id
	id=$("$ISOLA" inspect --format '{{.Id}}' chatty)
	[ -f "$ISOLA_ROOT/containers/$id/container.log.1" ]
	[ -f "$ISOLA_ROOT/containers/$id/container.log.2" ]
	[ ! -e "$ISOLA_ROOT/containers/$id/container.log.3" ]
	local f
	for f in "$ISOLA_ROOT/containers/$id"/container.log*; do
		[ "$(stat -c %s "$f")" -le 2048 ]
	done
	run "$ISOLA" logs --tail 1 chatty
	[ "$output" = "line 399" ]
	head -1 "$ISOLA_ROOT/containers/$id/container.log" | jq -e '.stream == "stdout" and (.log | endswith("\n"))'
}

@test "exec: output, exit codes, user, env, stopped container" {
	isola_ok run -d --name box -e BASE=1 bb sleep 60
	run "$ISOLA" exec box sh -c 'echo $BASE $EXTRA; exit 7'
	[ "$status" -eq 7 ]
	[ "$output" = 1 ]
	run "$ISOLA" exec -e EXTRA=2 -u user -w /home/user box sh -c 'echo $EXTRA; id -u; pwd'
	[ "$output" = "$(printf '2\n1000\n/home/user')" ]
	run "$ISOLA" exec box /nosuch
	[ "$status" -eq 127 ]
	run "$ISOLA" exec box nosuch
	[ "$status" -eq 127 ]
	run "$ISOLA" exec box /etc/passwd
	[ "$status" -eq 126 ]
	run "$ISOLA" exec nosuch true
	[ "$status" -eq 125 ]
	isola_ok exec -d box sh -c 'sleep 0.2; touch /done'
	wait_for "$ISOLA" exec box test -e /done
	isola_ok stop -t 1 box
	run "$ISOLA" exec box true
	[ "$status" -eq 125 ]
	[[ "$output" == *"is not running"* ]]
}

@test "stop: the stop signal, then SIGKILL after -t" {
	isola_ok run -d --name stubborn bb sh -c 'trap "" TERM; while :; do sleep 0.1; done'
	local t0=$SECONDS
	isola_ok stop -t 1 stubborn
	[ $((SECONDS - t0)) -lt 5 ]
	[ "$("$ISOLA" inspect --format '{{.State.ExitCode}}' stubborn)" = 137 ]
	isola_ok run -d --name usr1 --stop-signal USR1 bb sh -c 'trap "exit 9" USR1; while :; do sleep 0.1; done'
	isola_ok stop usr1
	[ "$("$ISOLA" inspect --format '{{.State.ExitCode}}' usr1)" = 9 ]
	isola_ok stop usr1 # stopping a stopped container is fine
}

@test "kill, pause/unpause, wait, rename, restart" {
	isola_ok run -d --name k bb sleep 60
	isola_ok pause k
	isola_ok wait --state FROZEN -t 5 k
	[ "$(state_of k)" = paused ]
	run "$ISOLA" ps --format '{{.Status}}'
	[[ "$output" == *"(Paused)" ]]
	isola_ok unpause k
	[ "$(state_of k)" = running ]
	isola_ok rename k k2
	run "$ISOLA" inspect k
	[ "$status" -ne 0 ]
	[ "$(state_of k2)" = running ]
	isola_ok restart -t 0 k2
	[ "$(state_of k2)" = running ]
	[ "$("$ISOLA" inspect --format '{{.RestartCount}}' k2)" = 0 ]
	"$ISOLA" kill -s TERM k2 # pid 1 ignores TERM without a handler
	isola_ok kill k2
	run "$ISOLA" wait k2
	[ "$output" = 137 ]
	run "$ISOLA" wait --state RUNNING -t 1 k2
	[ "$status" -ne 0 ]
	[[ "$output" == *"timed out waiting for RUNNING"* ]]
	isola_ok wait --state STOPPED k2
	run "$ISOLA" kill k2
	[ "$status" -ne 0 ]
	[[ "$output" == *"is not running"* ]]
}

@test "rm: refuses a running container unless -f; -f leaves nothing" {
	isola_ok run -d --name busy bb sleep 60
	local id
	id=$("$ISOLA" inspect --format '{{.Id}}' busy)
	local mon
	mon=$(monitor_of "$id")
	run "$ISOLA" rm busy
	[ "$status" -ne 0 ]
	[[ "$output" == *"container is running"* ]]
	isola_ok rm -f busy
	assert_gone "$id"
	wait_for bash -c "! kill -0 $mon 2>/dev/null || grep -q '^State:.*Z' /proc/$mon/status"
	run "$ISOLA" rm busy
	[ "$status" -ne 0 ]
	[[ "$output" == *"no such container: busy"* ]]
}

@test "the monitor outlives the isola command; killed with SIGKILL, the container runs on" {
	isola_ok run -d --name survivor bb sleep 60
	local id mon pid
	id=$("$ISOLA" inspect --format '{{.Id}}' survivor)
	mon=$(monitor_of "$id")
	[ "$(cat /proc/$mon/comm)" = isola-monitor ]
	# not a child of anything of ours: its own session
	[ "$(ps -o sid= -p "$mon" | tr -d ' ')" = "$mon" ]
	kill -9 "$mon"
	wait_for bash -c "! kill -0 $mon 2>/dev/null || grep -q '^State:.*Z' /proc/$mon/status"
	[ "$(state_of survivor)" = running ]
	run "$ISOLA" exec survivor echo still
	[ "$output" = still ]
	isola_ok stop -t 1 survivor
	[ "$(state_of survivor)" = exited ]
	isola_ok rm survivor
	assert_gone "$id"
}

@test "a host restart (everything killed, the run root emptied) shows containers as exited" {
	isola_ok run -d --name booted bb sleep 60
	local id mon pid
	id=$("$ISOLA" inspect --format '{{.Id}}' booted)
	mon=$(monitor_of "$id")
	pid=$("$ISOLA" inspect --format '{{.State.Pid}}' booted)
	kill -9 "$mon" "$pid"
	wait_for bash -c "! kill -0 $pid 2>/dev/null"
	"${RUNTIME:-$ISOLA_BUILD/src/runtime/isola-runtime}" --root "$ISOLA_RUNROOT/runtime" delete -f "$id"
	rm -rf "$ISOLA_RUNROOT"
	[ "$(state_of booted)" = exited ]
	run "$ISOLA" ps -q
	[ -z "$output" ]
	isola_ok start booted
	[ "$(state_of booted)" = running ]
	isola_ok rm -f booted
	assert_gone "$id"
}

@test "kill -9 of a foreground isola run leaves the container; rm -f then leaves nothing" {
	"$ISOLA" run --name fg bb sleep 60 >/dev/null 2>&1 &
	local cli=$!
	wait_for is_state fg running
	kill -9 "$cli"
	wait "$cli" || true
	[ "$(state_of fg)" = running ]
	local id
	id=$("$ISOLA" inspect --format '{{.Id}}' fg)
	isola_ok rm -f fg
	assert_gone "$id"
}

@test "restart policies: on-failure:N with backoff, always until stop, no" {
	isola_ok run -d --name flaky --restart on-failure:2 bb sh -c 'exit 3'
	wait_for bash -c '[ "$("$ISOLA" inspect --format "{{.State.Status}}" flaky)" = exited ] &&
		[ "$("$ISOLA" inspect --format "{{.RestartCount}}" flaky)" = 2 ]'
	[ "$("$ISOLA" inspect --format '{{.State.ExitCode}}' flaky)" = 3 ]
	isola_ok run -d --name ok --restart on-failure bb true
	wait_for is_state ok exited
	sleep 0.3
	[ "$("$ISOLA" inspect --format '{{.RestartCount}}' ok)" = 0 ]
	isola_ok run -d --name loop --restart always bb sh -c 'sleep 0.1'
	wait_for bash -c '[ "$("$ISOLA" inspect --format "{{.RestartCount}}" loop)" -ge 2 ]'
	isola_ok stop -t 1 loop
	[ "$(state_of loop)" = exited ]
	local n
	n=$("$ISOLA" inspect --format '{{.RestartCount}}' loop)
	sleep 1
	[ "$("$ISOLA" inspect --format '{{.RestartCount}}' loop)" = "$n" ]
}

@test "prune of images leaves layers of containers alone" {
	isola_ok create --name keep bb true
	isola_ok rmi -f bb
	isola_ok image prune -a -f
	isola_ok start -a keep
}
