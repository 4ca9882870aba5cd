#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# rtnetlink (src/lib/net/nl*.c) through tests/net/nltest, checked with `ip -j`.
# The file runs in a network namespace of its own (tests/net/run.sh); "other
# hosts" are `unshare -n sleep` processes, killed in teardown.

bats_require_minimum_version 1.5.0
load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

: "${ISOLA_BUILD:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/build}"
NLTEST="$ISOLA_BUILD/tests/net/nltest"

setup() {
	[ -x "$NLTEST" ] || fail "nltest not built: $NLTEST"
	[ "$(readlink /proc/self/ns/net)" != "$(readlink /proc/1/ns/net)" ] ||
		fail "not in a network namespace of its own: run through tests/run.sh"
	PIDS=()
}

teardown() {
	local p l
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	for l in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1); do
		[ "$l" = lo ] || ip link del "$l" 2>/dev/null || true
	done
	ip route flush table main 2>/dev/null || true
}

nl() {
	"$NLTEST" "$@"
}

# A second network namespace ("a container"): its pid in NSPID.
ns_new() {
	unshare -n sleep 1000 </dev/null >/dev/null 2>&1 &
	NSPID=$!
	PIDS+=("$NSPID")
	local i
	for i in $(seq 100); do
		[ "$(readlink /proc/$NSPID/ns/net 2>/dev/null)" != "$(readlink /proc/self/ns/net)" ] &&
			[ -n "$(readlink /proc/$NSPID/ns/net 2>/dev/null)" ] && return 0
		sleep 0.02
	done
	fail "namespace of $NSPID not made"
}

in_ns() {
	local pid=$1
	shift
	nsenter -t "$pid" -n "$@"
}

# Does this kernel have link type $1? (dummy and ipvlan are modules or
# missing on some kernels: this VM's has neither.)
kernel_has() {
	ip link add isolaprobe0 type "$1" 2>/dev/null || return 1
	ip link del isolaprobe0
}

# A link with carrier (a veth pair, both ends up) to put addresses and routes on.
link_pair() {
	nl veth "$1" "$1p" -
	nl up "$1p"
	nl up "$1"
}

jlink() { # NAME JQ [netns pid]
	if [ -n "${3:-}" ]; then
		in_ns "$3" ip -j -d link show "$1" | jq -r ".[0]$2"
	else
		ip -j -d link show "$1" | jq -r ".[0]$2"
	fi
}

@test "nl: bridge with an MTU" {
	run nl bridge tbr0 1400
	assert_success
	[ "$(jlink tbr0 .linkinfo.info_kind)" = bridge ]
	[ "$(jlink tbr0 .mtu)" = 1400 ]
	run nl bridge tbr1
	assert_success
	[ "$(jlink tbr1 .mtu)" = 1500 ]
}

@test "nl: up and down, index and mac" {
	nl bridge tbr3
	run nl up tbr3
	assert_success
	ip -j link show tbr3 | jq -e '.[0].flags | any(. == "UP")'
	run nl index tbr3
	assert_success
	assert_output "$(jlink tbr3 .ifindex)"
	run nl mac tbr3
	assert_success
	assert_output "$(jlink tbr3 .address)"
	run nl down tbr3
	assert_success
	ip -j link show tbr3 | jq -e '.[0].flags | any(. == "UP") | not'
	run nl index nosuchlink
	assert_success
	assert_output 0
}

@test "nl: dummy with an MTU" {
	kernel_has dummy || skip "this kernel has no dummy links (CONFIG_DUMMY)"
	run nl dummy tdum0 1400
	assert_success
	[ "$(jlink tdum0 .linkinfo.info_kind)" = dummy ]
	[ "$(jlink tdum0 .mtu)" = 1400 ]
}

@test "nl: veth with its peer created in another netns as eth0, with mtu and mac" {
	ns_new
	run nl veth tveth0 eth0 "$NSPID" 1450 02:00:00:00:00:42
	assert_success
	[ "$(jlink tveth0 .linkinfo.info_kind)" = veth ]
	[ "$(jlink tveth0 .mtu)" = 1450 ]
	[ "$(jlink eth0 .linkinfo.info_kind "$NSPID")" = veth ]
	[ "$(jlink eth0 .mtu "$NSPID")" = 1450 ]
	[ "$(jlink eth0 .address "$NSPID")" = 02:00:00:00:00:42 ]
	# Never here, not even for a moment under another name: only lo and tveth0.
	[ "$(ip -o link show | wc -l)" = 2 ]
	run ip link show eth0
	assert_failure
}

@test "nl: veth peer in the same netns; master and hairpin on a bridge port" {
	nl bridge tbr2
	nl veth tvh1 tvp1 -
	[ "$(jlink tvp1 .linkinfo.info_kind)" = veth ]
	run nl master tvh1 tbr2
	assert_success
	[ "$(jlink tvh1 .master)" = tbr2 ]
	[ "$(jlink tvh1 .linkinfo.info_slave_data.hairpin)" = false ]
	run nl hairpin tvh1 on
	assert_success
	[ "$(jlink tvh1 .linkinfo.info_slave_data.hairpin)" = true ]
	run nl hairpin tvh1 off
	assert_success
	[ "$(jlink tvh1 .linkinfo.info_slave_data.hairpin)" = false ]
	run nl master tvh1 -
	assert_success
	[ "$(jlink tvh1 .master)" = null ]
}

@test "nl: IPv4 and IPv6 addresses (v6 usable at once: no DAD), twice is fine" {
	link_pair tdum1
	run nl addr tdum1 10.42.0.2/24
	assert_success
	run nl addr tdum1 fd42::2/64
	assert_success
	run nl addr tdum1 10.42.0.2/24
	assert_success
	run nl addr tdum1 fd42::2/64
	assert_success
	ip -j addr show dev tdum1 | jq -e '.[0].addr_info[] | select(.family == "inet" and .local == "10.42.0.2" and .prefixlen == 24 and .broadcast == "10.42.0.255")'
	ip -j addr show dev tdum1 | jq -e '.[0].addr_info[] | select(.family == "inet6" and .local == "fd42::2" and .prefixlen == 64 and (.tentative | not))'
	busybox ping -c1 -W2 fd42::2
}

@test "nl: default and on-link routes, v4 and v6; routes lists the main table" {
	link_pair tdum2
	nl addr tdum2 10.43.0.2/24
	nl addr tdum2 fd43::2/64
	run nl route default 10.43.0.1 tdum2
	assert_success
	run nl route 10.44.0.0/16 - tdum2
	assert_success
	run nl route default fd43::1 tdum2
	assert_success
	run nl route 10.45.0.0/16 10.43.0.9 tdum2
	assert_success
	ip -j route show default | jq -e '.[] | select(.gateway == "10.43.0.1" and .dev == "tdum2")'
	ip -j route show 10.44.0.0/16 | jq -e '.[] | select(.dev == "tdum2" and .scope == "link" and (.gateway | not))'
	ip -j route show 10.45.0.0/16 | jq -e '.[] | select(.dev == "tdum2" and .gateway == "10.43.0.9")'
	ip -j -6 route show default | jq -e '.[] | select(.gateway == "fd43::1" and .dev == "tdum2")'
	run nl routes
	assert_success
	assert_line "0.0.0.0/0 tdum2"
	assert_line "10.43.0.0/24 tdum2"
	assert_line "10.44.0.0/16 tdum2"
	assert_line "10.45.0.0/16 tdum2"
	assert_line "fd43::/64 tdum2"
	assert_line "::/0 tdum2"
	# Only the main table: no local (10.43.0.2) or multicast routes.
	refute_line --partial "10.43.0.2/32"
	refute_line --partial "ff00::"
	# An existing route is an error of its own kind.
	run nl route 10.44.0.0/16 - tdum2
	assert_failure 1
	assert_output --partial "[exists]"
}

# Two "containers" on one parent link reach each other (a veth end: this
# kernel has no dummy links).
vlan_ping() { # KIND MODE
	link_pair tpar0
	ns_new
	a=$NSPID
	ns_new
	b=$NSPID
	run nl "$1" tv0 tpar0 "$2" "$a"
	assert_success
	run nl "$1" tv1 tpar0 "$2" "$b"
	assert_success
	[ "$(jlink tv0 .linkinfo.info_kind "$a")" = "$1" ]
	run ip link show tv0
	assert_failure
	nl -n /proc/$a/ns/net addr tv0 10.50.0.1/24
	nl -n /proc/$a/ns/net up tv0
	nl -n /proc/$b/ns/net addr tv1 10.50.0.2/24
	nl -n /proc/$b/ns/net up tv1
	in_ns "$a" busybox ping -c1 -W2 10.50.0.2
	in_ns "$b" busybox ping -c1 -W2 10.50.0.1
}

@test "nl: macvlan (bridge mode) on a parent link: two namespaces ping" {
	vlan_ping macvlan bridge
	[ "$(jlink tv0 .linkinfo.info_data.mode "$a")" = bridge ]
}

@test "nl: ipvlan (l2 and l3) on a parent link: two namespaces ping" {
	if ! kernel_has ipvlan; then
		# What a user gets instead: one clear line.
		link_pair tpar1
		run nl ipvlan tiv0 tpar1 l2
		assert_failure 1
		assert_output --partial 'add ipvlan "tiv0": Unknown device type'
		assert_output --partial '[unsupported]'
		skip "this kernel has no ipvlan (CONFIG_IPVLAN): only its error checked"
	fi
	vlan_ping ipvlan l2
	[ "$(jlink tv0 .linkinfo.info_data.mode "$a")" = l2 ]
	run nl ipvlan tv2 tpar0 l3
	assert_success
	[ "$(jlink tv2 .linkinfo.info_data.mode)" = l3 ]
}

@test "nl: errors: taken name, missing link, missing parent, bad mode, bad netns fd" {
	nl bridge tdup0
	run nl bridge tdup0
	assert_failure 1
	assert_output --partial '"tdup0"'
	assert_output --partial 'File exists [exists]'
	ns_new
	in_ns "$NSPID" ip link add eth0 type bridge
	run nl veth tvh2 eth0 "$NSPID"
	assert_failure 1
	assert_output --partial '[exists]'
	run ip link show tvh2
	assert_failure
	run nl up nosuchlink
	assert_failure 1
	assert_output --partial 'link "nosuchlink" does not exist [not found]'
	run nl master tdup0 nosuchbridge
	assert_failure 1
	assert_output --partial '"nosuchbridge" does not exist [not found]'
	nl veth tvh3 tvp3 -
	run nl hairpin tvh3 on
	assert_failure 1
	assert_output --partial 'link "tvh3" is not a bridge port [invalid]'
	# The kernel's extended ack message reaches the user, errno last.
	nl up tvh3
	run nl route 10.1.0.0/16 10.2.0.1 tvh3
	assert_failure 1
	assert_output --partial 'add route via "tvh3": Nexthop has invalid gateway: Network is unreachable'
	run nl mac nosuchlink
	assert_failure 1
	assert_output --partial '"nosuchlink" does not exist [not found]'
	run nl addr nosuchlink 10.0.0.1/24
	assert_failure 1
	assert_output --partial '"nosuchlink" does not exist [not found]'
	run nl macvlan tmv0 nosuchparent bridge
	assert_failure 1
	assert_output --partial '"nosuchparent" does not exist [not found]'
	run nl macvlan tmv0 tdup0 sideways
	assert_failure 1
	assert_output --partial '"sideways" [invalid]'
	run nl bridge averyveryverylongname
	assert_failure 1
	assert_output --partial '[invalid]'
	run nl -n /dev/null index lo
	assert_failure 1
	assert_output --partial 'network namespace'
	run nl -N 99 index lo
	assert_failure 1
	assert_output --partial 'Bad file descriptor'
}

@test "nl: deleting a link, and a missing link, succeeds" {
	nl bridge tdel0
	run nl del tdel0
	assert_success
	run ip link show tdel0
	assert_failure
	run nl del tdel0
	assert_success
}

@test "nl: a socket opened in another netns works there and leaves ours" {
	ns_new
	run nl -n /proc/$NSPID/ns/net bridge tns0
	assert_success
	[ "$(jlink tns0 .linkinfo.info_kind "$NSPID")" = bridge ]
	run ip link show tns0
	assert_failure
	[ "$(readlink /proc/self/ns/net)" != "$(readlink /proc/$NSPID/ns/net)" ]
}

@test "nl: sysctl writes /proc/sys/net in the caller's netns; bad keys refused" {
	nl bridge tsys0
	run nl sysctl ipv4/ip_forward 1
	assert_success
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
	run nl sysctl ipv4/conf/tsys0/route_localnet 1
	assert_success
	[ "$(cat /proc/sys/net/ipv4/conf/tsys0/route_localnet)" = 1 ]
	run nl sysctl ../kernel/hostname x
	assert_failure 1
	assert_output --partial '[invalid]'
	run nl sysctl ipv4/nosuchkey 1
	assert_failure 1
	assert_output --partial '"/proc/sys/net/ipv4/nosuchkey"'
}

@test "nl: valgrind-clean, no fd left open" {
	command -v valgrind >/dev/null || skip "valgrind not installed"
	ns_new
	local vg=(valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=9)
	run "${vg[@]}" "$NLTEST" veth tvg0 eth0 "$NSPID" 1400 02:00:00:00:00:43
	assert_success
	run "${vg[@]}" "$NLTEST" bridge tvgbr
	assert_success
	run "${vg[@]}" "$NLTEST" master tvg0 tvgbr
	assert_success
	run "${vg[@]}" "$NLTEST" hairpin tvg0 on
	assert_success
	run "${vg[@]}" "$NLTEST" addr tvgbr 10.60.0.1/24
	assert_success
	run "${vg[@]}" "$NLTEST" up tvgbr
	assert_success
	run "${vg[@]}" "$NLTEST" routes
	assert_success
	assert_line "10.60.0.0/24 tvgbr"
	run "${vg[@]}" "$NLTEST" -n /proc/$NSPID/ns/net mac eth0
	assert_success
	assert_output 02:00:00:00:00:43
	run "${vg[@]}" "$NLTEST" bridge tvgbr
	assert_failure 1
	run "${vg[@]}" "$NLTEST" -n /dev/null index lo
	assert_failure 1
}
