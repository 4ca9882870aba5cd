#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Named and anonymous volumes.

load helpers

setup() {
	mgr_setup
}

teardown() {
	mgr_teardown
}

@test "volume create, ls, inspect, rm" {
	isola_ok volume create --label team=a data
	[ "$output" = data ]
	run "$ISOLA" volume ls -q
	[ "$output" = data ]
	run "$ISOLA" volume inspect data
	echo "$output" | jq -e '.[0].Name == "data" and .[0].Driver == "local" and .[0].Labels.team == "a"'
	isola_ok volume rm data
	run "$ISOLA" volume inspect data
	[ "$status" -ne 0 ]
	[[ "$output" == *"no such volume: data"* ]]
	run "$ISOLA" volume create 'bad/name'
	[ "$status" -ne 0 ]
}

@test "a named volume outlives its containers and is shared" {
	isola_ok run --rm -v store:/data bb sh -c 'echo kept >/data/f'
	run "$ISOLA" run --rm -v store:/data:ro bb sh -c 'cat /data/f; touch /data/g'
	[ "${lines[0]}" = kept ]
	[ "$status" -ne 0 ]
	isola_ok create --name user -v store:/data bb true
	run "$ISOLA" volume rm store
	[ "$status" -ne 0 ]
	[[ "$output" == *'in use by container "user"'* ]]
	isola_ok rm user
	isola_ok volume rm store
}

@test "a new volume takes the image's content; anonymous volumes go with rm -v and --rm" {
	run "$ISOLA" run --rm -v fresh:/etc bb sh -c 'cat /etc/passwd; echo mine >/etc/motd'
	[[ "$output" == root:* ]]
	run "$ISOLA" run --rm -v fresh:/etc bb cat /etc/motd
	[ "$output" = mine ]
	isola_ok create --name anon -v /scratch bb true
	[ "$("$ISOLA" volume ls -q | wc -l)" -eq 2 ]
	isola_ok rm -v anon
	[ "$("$ISOLA" volume ls -q)" = fresh ]
	isola_ok run --rm -v /scratch2 bb true
	[ "$("$ISOLA" volume ls -q)" = fresh ]
	isola_ok create --name anon2 -v /scratch3 bb true
	isola_ok rm anon2
	isola_ok volume prune -f
	[ "$("$ISOLA" volume ls -q)" = fresh ]
	isola_ok volume prune -a -f
	[ -z "$("$ISOLA" volume ls -q)" ]
}
