#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# --userns, --uidmap, --gidmap: containers in user namespaces, their roots
# idmapped (no chown'd copy), ranges from subuid/subgid files of the test's own
# (ISOLA_SUBUID, ISOLA_SUBGID: the host's /etc files are never touched).

load helpers

setup() {
	mgr_setup
	chmod 711 "$TMP" # the container's root must get through to its bundle
	printf 'someone:100000:65536\nisola:200000:200000\n' >"$TMP/subuid"
	printf 'isola:300000:200000\n' >"$TMP/subgid"
	export ISOLA_SUBUID=$TMP/subuid ISOLA_SUBGID=$TMP/subgid
}

teardown() {
	mgr_teardown
}

# the init's host ids: "UID GID" from /proc/PID/status
host_ids() {
	local pid
	pid=$("$ISOLA" inspect --format '{{.State.Pid}}' "$1")
	echo "$(awk '/^Uid:/ {print $2}' /proc/"$pid"/status) $(awk '/^Gid:/ {print $2}' /proc/"$pid"/status)"
}

@test "userns auto: root inside, the range's start outside; exec joins" {
	isola_ok run -d --name u1 --userns=auto bb sleep 60
	wait_for is_state u1 running
	[ "$(host_ids u1)" = "200000 300000" ]
	run "$ISOLA" exec u1 id
	[ "$output" = "uid=0(root) gid=0(root)" ]
	run "$ISOLA" exec -u user u1 id -u
	[ "$output" = 1000 ]
	run "$ISOLA" exec u1 sh -c 'cat /proc/self/uid_map /proc/self/gid_map'
	[ "$(echo $output)" = "0 200000 65536 0 300000 65536" ]
	run "$ISOLA" inspect --format '{{.HostConfig.UsernsMode}}' u1
	[ "$output" = auto ]
	run "$ISOLA" inspect u1
	echo "$output" | jq -e '.[0].HostConfig.IDMappings == {"UidMap": ["0:200000:65536"], "GidMap": ["0:300000:65536"]}'
}

@test "userns auto: the image's files and new files are root's inside, stored as 0" {
	isola_ok run -d --name u1 --userns=auto bb sleep 60
	wait_for is_state u1 running
	run "$ISOLA" exec u1 stat -c '%u:%g' /bin/busybox /etc/passwd /root
	[ "$(echo $output)" = "0:0 0:0 0:0" ]
	run "$ISOLA" exec u1 sh -c 'echo x >/root/new; mkdir /newdir; echo y >>/etc/passwd; stat -c "%u:%g" /root/new /newdir /etc/passwd'
	[ "$(echo $output)" = "0:0 0:0 0:0" ]
	isola_ok exec u1 sh -c 'mkdir -m 777 /w'
	run "$ISOLA" exec -u 1000 u1 sh -c 'echo z >/w/byuser; stat -c "%u:%g" /w/byuser'
	[ "$output" = "1000:1000" ]
	# from the host: the range's ids
	local id pid
	id=$("$ISOLA" inspect --format '{{.Id}}' u1)
	pid=$("$ISOLA" inspect --format '{{.State.Pid}}' u1)
	[ "$(stat -c '%u:%g' /proc/"$pid"/root/root/new)" = "200000:300000" ]
	# on disk, the upper dir holds the container's ids
	[ "$(stat -c '%u:%g' "$ISOLA_ROOT/containers/$id/upper/root/new")" = "0:0" ]
	[ "$(stat -c '%u:%g' "$ISOLA_ROOT/containers/$id/upper/w/byuser")" = "1000:1000" ]
	run "$ISOLA" diff u1
	[[ "$output" == *"A /root/new"* ]]
	[[ "$output" == *"C /etc/passwd"* ]]
	# cp in and out of the running container: as its root, with its ids
	echo from-host >"$TMP/h.txt"
	isola_ok cp "$TMP/h.txt" u1:/root/
	run "$ISOLA" exec u1 stat -c '%u:%g' /root/h.txt
	[ "$output" = "0:0" ]
	[ "$("$ISOLA" cp u1:/root/new - | tar -tv --numeric-owner | awk '{print $2}')" = 0/0 ]
}

@test "userns auto: two containers get disjoint ranges; a removed one's range is free again" {
	isola_ok create --name a --userns=auto bb true
	isola_ok create --name b --userns=auto bb true
	isola_ok create --name c --userns=auto:size=1000 bb true
	run "$ISOLA" inspect --format '{{json .HostConfig.IDMappings}}' a b c
	[ "${lines[0]}" = '{"UidMap":["0:200000:65536"],"GidMap":["0:300000:65536"]}' ]
	[ "${lines[1]}" = '{"UidMap":["0:265536:65536"],"GidMap":["0:365536:65536"]}' ]
	[ "${lines[2]}" = '{"UidMap":["0:331072:1000"],"GidMap":["0:431072:1000"]}' ]
	isola_ok rm a
	isola_ok create --name d --userns=auto:size=1000 bb true
	run "$ISOLA" inspect --format '{{json .HostConfig.IDMappings.UidMap}}' d
	[ "$output" = '["0:200000:1000"]' ]
	# the rest of the subuid range is too small
	run "$ISOLA" create --name e --userns=auto:size=100000 bb true
	[ "$status" -eq 125 ]
	[[ "$output" == *"no free range of 100000 ids in \"$TMP/subuid\""* ]]
}

@test "userns auto: racing creates never share a range" {
	local i
	for i in 1 2 3 4 5 6; do
		"$ISOLA" create --name r$i --userns=auto:size=1000 bb true >/dev/null &
	done
	wait
	run "$ISOLA" inspect --format '{{json .HostConfig.IDMappings.UidMap}}' r1 r2 r3 r4 r5 r6
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" = 6 ]
}

@test "userns: no subuid entry: one line naming the file and the user, 125, nothing left" {
	printf 'someone:100000:65536\n' >"$TMP/subuid"
	run "$ISOLA" run --name nope --userns=auto bb true
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = "isola: --userns=auto: no entry for user \"isola\" (or \"containers\") in \"$TMP/subuid\"" ]
	run "$ISOLA" ps -a -q
	[ -z "$output" ]
	[ -z "$(ls "$ISOLA_ROOT/containers" 2>/dev/null)" ]
	[ -z "$(ls "$ISOLA_ROOT/names" 2>/dev/null)" ]
	[ -z "$(awk -v t="$TMP" 'index($5, t) == 1' /proc/self/mountinfo)" ]
	# a missing file, the same
	rm "$TMP/subuid"
	run "$ISOLA" create --userns=auto bb true
	[ "$status" -eq 125 ]
	[[ "$output" == *"in \"$TMP/subuid\""* ]]
	run "$ISOLA" create --userns=bogus bb true
	[ "$status" -eq 125 ]
	run "$ISOLA" create --uidmap 0:1:x bb true
	[ "$status" -eq 125 ]
	[ -z "$(ls "$ISOLA_ROOT/containers" 2>/dev/null)" ]
}

@test "userns: commit of a file made inside stores it as 0 in the layer" {
	isola_ok run --name c1 --userns=auto bb sh -c 'echo committed >/root/f; echo u >/home/user/g; chown 1000:1000 /home/user/g'
	isola_ok commit c1 snap:1
	local diff
	diff=$("$ISOLA" image inspect snap:1 | jq -r '.[0].RootFS.diff_ids[-1]')
	local blob=$ISOLA_ROOT/blobs/sha256/${diff#sha256:}
	[ -f "$blob" ]
	tar -tvf "$blob" --numeric-owner | grep -E '^-.* 0/0 .* root/f$'
	tar -tvf "$blob" --numeric-owner | grep -E '^-.* 1000/1000 .* home/user/g$'
	run "$ISOLA" run --rm snap:1 stat -c '%u %n' /root/f
	[ "$output" = "0 /root/f" ]
}

@test "userns: binds and volumes are idmapped; /etc/hosts is root's inside" {
	mkdir "$TMP/data"
	echo host >"$TMP/data/h"
	isola_ok run --rm --userns=auto -v "$TMP/data:/data" -v vol:/vol -v homes:/home bb sh -c \
		'stat -c "%u:%g" /data/h /etc/hosts /etc/hostname; echo c >/data/c; echo v >/vol/v; stat -c "%u:%g" /vol/v /home/user'
	[ "$(echo $output)" = "0:0 0:0 0:0 0:0 0:0" ]
	# the new volume's copy of the image's /home: the container's ids, as the image's
	[ "$(stat -c '%u:%g' "$ISOLA_ROOT/volumes/homes/_data/user")" = "0:0" ]
	[ "$(stat -c '%u:%g' "$TMP/data/c")" = "0:0" ]
	[ "$(stat -c '%u:%g' "$ISOLA_ROOT/volumes/vol/_data/v")" = "0:0" ]
}

@test "userns: --uidmap/--gidmap as podman; --userns=host is the host's ids" {
	isola_ok run -d --name m1 --uidmap 0:400000:5000 bb sleep 60
	wait_for is_state m1 running
	[ "$(host_ids m1)" = "400000 400000" ]
	run "$ISOLA" exec m1 stat -c '%u' /bin/busybox
	[ "$output" = 0 ]
	run "$ISOLA" inspect --format '{{.HostConfig.UsernsMode}} {{json .HostConfig.IDMappings}}' m1
	[ "$output" = 'private {"UidMap":["0:400000:5000"],"GidMap":["0:400000:5000"]}' ]
	isola_ok run -d --name h1 --userns=host bb sleep 60
	wait_for is_state h1 running
	[ "$(host_ids h1)" = "0 0" ]
	run "$ISOLA" create --userns=auto --uidmap 0:1:1 bb true
	[ "$status" -eq 125 ]
	[[ "$output" == *"conflicting options"* ]]
}

@test "userns auto on the dir backend: the root dir as an idmapped bind" {
	export ISOLA_STORAGE_DRIVER=dir
	isola_ok run -d --name d1 --userns=auto bb sh -c 'echo x >/root/x; sleep 60'
	wait_for "$ISOLA" exec d1 test -e /root/x
	run "$ISOLA" exec d1 stat -c '%u:%g' /bin/busybox /root/x
	[ "$(echo $output)" = "0:0 0:0" ]
	local id pid
	id=$("$ISOLA" inspect --format '{{.Id}}' d1)
	pid=$("$ISOLA" inspect --format '{{.State.Pid}}' d1)
	[ -d "$ISOLA_ROOT/containers/$id/rootfs" ]
	[ "$(stat -c '%u:%g' /proc/"$pid"/root/root/x)" = "200000:300000" ]
	[ "$(stat -c '%u:%g' "$ISOLA_ROOT/containers/$id/rootfs/root/x")" = "0:0" ]
	# and without a user namespace (the monitor's own mount namespace)
	isola_ok run --rm bb id -u
	[ "$output" = 0 ]
}
