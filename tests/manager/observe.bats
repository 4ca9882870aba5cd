#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# top, stats, info, events, config, tty.

load helpers

setup() {
	mgr_setup
}

teardown() {
	mgr_teardown
}

@test "top lists the container's processes; stats and info its numbers" {
	isola_ok run -d --name obs --memory 64m bb sh -c 'sleep 61 & sleep 62'
	wait_for bash -c '"$ISOLA" top obs | grep -q "sleep 61"'
	run "$ISOLA" top obs
	[[ "${lines[0]}" == UID*PID*CMD ]]
	[[ "$output" == *"sleep 62"* ]]
	run "$ISOLA" stats --no-stream --format json obs
	echo "$output" | jq -e '.Name == "obs" and .PIDs == "2" and (.MemUsage | endswith("/ 67.1MB"))'
	run "$ISOLA" info obs
	[[ "$output" == *"State:          RUNNING"* ]]
	[[ "$output" == *"Pids:           2"* ]]
	isola_ok stop -t 0 obs
	run "$ISOLA" info obs
	[[ "$output" == *"State:          STOPPED"* ]]
	run "$ISOLA" top obs
	[ "$status" -ne 0 ]
	[[ "$output" == *"is not running"* ]]
}

@test "events: create, start, die, destroy, as JSON" {
	isola_ok run --rm --name ev bb true
	run "$ISOLA" events --since 2000 --until 3000 --format json
	[ "$(echo "$output" | jq -r 'select(.Actor.name == "ev") | .Action' | tr '\n' ' ')" = "create start die destroy " ]
	"$ISOLA" events --format json --filter container=ev2 >"$TMP/ev" &
	local ev=$!
	sleep 0.3
	isola_ok run --rm --name ev2 bb true
	wait_for grep -q destroy "$TMP/ev"
	kill "$ev"
	wait "$ev" || true
	[ "$(jq -r .Action "$TMP/ev" | tr '\n' ' ')" = "create start die destroy " ]
}

@test "config: shows every key, edits a stopped container, refuses a running one" {
	isola_ok create --name cfg bb sh -c 'echo $GREETING'
	run "$ISOLA" config cfg
	[[ "$output" == *"Config.Cmd = [\"sh\",\"-c\",\"echo \$GREETING\"]"* ]]
	[[ "$output" == *"HostConfig.Memory = 0"* ]]
	isola_ok config cfg 'Config.Env=["GREETING=hello"]'
	run "$ISOLA" config cfg Config.Env
	[ "$output" = '["GREETING=hello"]' ]
	run "$ISOLA" start -a cfg
	[ "$output" = hello ]
	run "$ISOLA" config cfg HostConfig.Memory=lots
	[ "$status" -ne 0 ]
	[[ "$output" == *"expected a value of type int"* ]]
	run "$ISOLA" config cfg Nosuch.Key=1
	[ "$status" -ne 0 ]
	isola_ok config cfg 'Config.Cmd=["sleep","30"]'
	isola_ok start cfg
	run "$ISOLA" config cfg 'Config.Cmd=["true"]'
	[ "$status" -ne 0 ]
	[[ "$output" == *"stop it to change"* ]]
}

@test "run -t: a pty of the terminal's size; exec -t too" {
	run timeout 20 "$ISOLA_TOP/tests/engines/ptyrun" 33 111 "$ISOLA" run --rm -t bb sh -c 'tty; stty size'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == /dev/pts/* ]]
	[[ "${lines[1]}" == "33 111"* ]]
	isola_ok run -d -t --name tt bb sh -c 'echo in-log; sleep 60'
	wait_for grep -q in-log "$ISOLA_ROOT/containers/$("$ISOLA" inspect --format '{{.Id}}' tt)/container.log"
	run timeout 20 "$ISOLA_TOP/tests/engines/ptyrun" 20 70 "$ISOLA" exec -t tt tty
	[[ "$output" == /dev/pts/* ]]
}

@test "run -it: typed input reaches the shell; ctrl-p ctrl-q detaches, attach comes back" {
	run timeout 30 "$ISOLA_TOP/tests/manager/ptydrive.py" 'echo typed-$((6*7))\n' typed-42 \
		'\x10\x11' '' -- "$ISOLA" run -it --name inter bb sh
	[ "$status" -eq 0 ]
	[[ "$output" == *typed-42* ]]
	[ "$(state_of inter)" = running ]
	run timeout 30 "$ISOLA_TOP/tests/manager/ptydrive.py" 'echo back-$((1+1))\n' back-2 'exit 5\n' '' \
		-- "$ISOLA" attach inter
	[ "$status" -eq 5 ]
	[[ "$output" == *back-2* ]]
	wait_for is_state inter exited
}

@test "run -i: stdin without a tty, and its end" {
	run bash -c 'printf "one\ntwo\n" | "$ISOLA" run --rm -i bb sh -c "cat; echo done"'
	[ "$output" = "$(printf 'one\ntwo\ndone')" ]
}
