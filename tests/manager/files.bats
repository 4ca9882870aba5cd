#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# cp, diff, export: files in and out of containers, never through their symlinks.

load helpers

setup() {
	mgr_setup
	mkdir -p "$TMP/host"
	echo from-host >"$TMP/host/h.txt"
}

teardown() {
	mgr_teardown
}

@test "cp both ways, into a directory or to a new name, running and stopped" {
	isola_ok run -d --name cpc bb sh -c 'echo inside >/root/in.txt; sleep 60'
	wait_for "$ISOLA" exec cpc test -e /root/in.txt
	isola_ok cp cpc:/root/in.txt "$TMP/host/"
	[ "$(cat "$TMP/host/in.txt")" = inside ]
	isola_ok cp cpc:/root/in.txt "$TMP/host/renamed"
	[ "$(cat "$TMP/host/renamed")" = inside ]
	isola_ok cp "$TMP/host/h.txt" cpc:/root/
	[ "$("$ISOLA" exec cpc cat /root/h.txt)" = from-host ]
	isola_ok cp "$TMP/host/h.txt" cpc:/root/other
	[ "$("$ISOLA" exec cpc cat /root/other)" = from-host ]
	[ "$("$ISOLA" cp cpc:/etc - | tar t | head -1)" = etc/ ]
	isola_ok stop -t 0 cpc
	isola_ok cp cpc:/root/other "$TMP/host/from-stopped"
	[ "$(cat "$TMP/host/from-stopped")" = from-host ]
	isola_ok cp "$TMP/host/h.txt" cpc:/root/while-stopped
	run "$ISOLA" start -a cpc
	isola_ok run -d --name again bb true
	run "$ISOLA" cp cpc:/nosuch "$TMP/host/"
	[ "$status" -ne 0 ]
	[[ "$output" == *"nosuch"* ]]
	run "$ISOLA" cp "$TMP/host/nosuch" cpc:/root/
	[ "$status" -ne 0 ]
	[ -z "$(awk -v t="$TMP" 'index($5, t) == 1' /proc/self/mountinfo)" ]
}

@test "cp never follows the container's symlinks out of it" {
	isola_ok run -d --name evil bb sh -c 'ln -s / /root/escape; ln -s /etc/shadow-host /root/file; sleep 60'
	wait_for "$ISOLA" exec evil test -L /root/escape
	echo secret >"$TMP/secret"
	isola_ok cp "$TMP/host/h.txt" evil:/root/escape/
	# landed inside the container's /, not the host's
	[ ! -e /h.txt ]
	[ "$("$ISOLA" exec evil cat /h.txt)" = from-host ]
	run "$ISOLA" cp "evil:/root/escape$TMP/secret" "$TMP/host/"
	[ "$status" -ne 0 ]
	[ ! -e "$TMP/host/secret" ]
}

@test "diff lists what the container added, changed and deleted; export is its whole tree" {
	isola_ok run --name d1 bb sh -c 'echo new >/root/new; echo x >>/etc/passwd; rm /etc/group'
	run "$ISOLA" diff d1
	[[ "$output" == *"A /root/new"* ]]
	[[ "$output" == *"C /etc/passwd"* ]]
	[[ "$output" == *"D /etc/group"* ]]
	[[ "$output" != *"/proc"* ]]
	isola_ok export -o "$TMP/d1.tar" d1
	tar tf "$TMP/d1.tar" | grep -qx './root/new'
	tar tf "$TMP/d1.tar" | grep -qx './bin/busybox'
	! tar tf "$TMP/d1.tar" | grep -qx './etc/group'
}

@test "commit: the changes and the Config as a new image, runnable" {
	isola_ok run --name c1 -e ADDED=1 bb sh -c 'echo committed >/root/f; rm /etc/group; mkdir -p /opq/x'
	isola_ok commit -m "my change" c1 snap:1
	local img=$output
	[[ "$img" == sha256:* ]]
	run "$ISOLA" run --rm snap:1 sh -c 'cat /root/f; test -e /etc/group || echo gone; echo $ADDED'
	[ "$output" = "$(printf 'committed\ngone\n1')" ]
	run "$ISOLA" image inspect snap:1
	echo "$output" | jq -e '.[0].History[-1].created_by == "isola commit" and .[0].History[-1].comment == "my change"'
	# a commit of a commit: layers stack
	isola_ok run --name c2 snap:1 sh -c 'echo second >/root/g'
	isola_ok commit c2 snap:2
	run "$ISOLA" run --rm snap:2 cat /root/f /root/g
	[ "$output" = "$(printf 'committed\nsecond')" ]
	run "$ISOLA" commit nosuch x
	[ "$status" -ne 0 ]
}
