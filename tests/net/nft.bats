#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# NAT, port publishing and isolation in table "inet isola" (src/lib/net/nft*.c),
# driven by tests/net/nfttest, on a real setup inside this file's netns
# (tests/net/run.sh): bridge nftbr0 (10.88.0.1/24, fd00:88::1/64) with
# "containers" c1 (.2, listening on tcp 80/81, udp 53) and c2 (.3), and an
# "outside" host (192.0.2.2, listening on tcp 9000) behind veth nftout
# (192.0.2.1). Containers and the outside host are `unshare -n sleep`.

bats_require_minimum_version 1.5.0
load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

: "${ISOLA_BUILD:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/build}"
NFT="$ISOLA_BUILD/tests/helpers/nfttest"
ECHO="$BATS_TEST_DIRNAME/peer-echo.py"

# A new netns held by a sleeping process; its pid in $NS.
netns_new() {
	unshare -n sleep 1000 >/dev/null 2>&1 &
	NS=$!
	echo "$NS" >>"$BATS_TEST_TMPDIR/pids"
	nsenter -t "$NS" -n ip link set lo up
}

# ctr NAME IP4 IP6: a container on nftbr0; its pid in the variable NAME.
ctr() {
	netns_new
	printf -v "$1" %s "$NS"
	ip link add "nftv$1" type veth peer name eth0 netns "$NS"
	ip link set "nftv$1" master nftbr0 up
	nsenter -t "$NS" -n sh -ec "ip link set eth0 up
		ip addr add $2/24 dev eth0
		ip -6 addr add $3/64 dev eth0 nodad
		ip route add default via 10.88.0.1
		ip -6 route add default via fd00:88::1"
}

# serve PID tcp|udp PORT NAME [BIND]: a peer-echo server in that netns.
serve() {
	local log="$BATS_TEST_TMPDIR/serve.$1.$2.$3"
	nsenter -t "$1" -n python3 "$ECHO" serve "$2" "$3" "$4" "${5:-0.0.0.0}" >"$log" 2>&1 &
	echo $! >>"$BATS_TEST_TMPDIR/pids"
	for _ in $(seq 100); do
		grep -q ready "$log" && return 0
		sleep 0.1
	done
	cat "$log"
	return 1
}

# ask [PID] tcp|udp HOST PORT: from that netns (default: this one).
ask() {
	if [[ "$1" =~ ^[0-9]+$ ]]; then
		local pid=$1
		shift
		nsenter -t "$pid" -n python3 "$ECHO" ask "$@"
	else
		python3 "$ECHO" ask "$@"
	fi
}

setup() {
	: >"$BATS_TEST_TMPDIR/pids"
	sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	ip link add nftbr0 type bridge
	ip addr add 10.88.0.1/24 dev nftbr0
	ip -6 addr add fd00:88::1/64 dev nftbr0 nodad
	ip link set nftbr0 up
	# isola-net sets this one: 127.0.0.1 may then be routed out the bridge.
	sysctl -qw net.ipv4.conf.nftbr0.route_localnet=1
	ctr c1 10.88.0.2 fd00:88::2
	ctr c2 10.88.0.3 fd00:88::3
	netns_new
	OUT=$NS
	ip link add nftout type veth peer name eth0 netns "$OUT"
	ip addr add 192.0.2.1/24 dev nftout
	ip link set nftout up
	nsenter -t "$OUT" -n sh -ec "ip link set eth0 up; ip addr add 192.0.2.2/24 dev eth0"
	serve "$c1" tcp 80 c1
	serve "$c1" udp 53 c1
	serve "$c1" tcp 81 c1 ::
	serve "$OUT" tcp 9000 out
}

teardown() {
	"$NFT" flush || true
	while read -r pid; do
		kill "$pid" 2>/dev/null || true
	done <"$BATS_TEST_TMPDIR/pids"
	while read -r pid; do
		wait "$pid" 2>/dev/null || true
	done <"$BATS_TEST_TMPDIR/pids"
	ip link del nftbr0 2>/dev/null || true
	ip link del nftout 2>/dev/null || true
	nft delete table ip nfttest-other 2>/dev/null || true
}

net_add() {
	"$NFT" net-add nftbr0 10.88.0.0/24 fd00:88::/64 "$@"
}

@test "nft: one table inet isola beside the others, gone with the last network" {
	nft add table ip nfttest-other
	nft add chain ip nfttest-other c '{ type nat hook postrouting priority srcnat; }'
	nft add rule ip nfttest-other c ip saddr 10.99.0.0/16 masquerade
	before=$(nft list table ip nfttest-other)
	net_add
	"$NFT" net-add nftbr1 10.89.0.0/24
	run nft list tables
	assert_output $'table ip nfttest-other\ntable inet isola'
	[ "$(nft list table ip nfttest-other)" = "$before" ]
	"$NFT" net-del nftbr1
	run nft list tables
	assert_output $'table ip nfttest-other\ntable inet isola'
	"$NFT" net-del nftbr0
	run nft list tables
	assert_output 'table ip nfttest-other'
	[ "$(nft list table ip nfttest-other)" = "$before" ]
}

@test "nft: a published tcp port answers on 127.0.0.1 and on the gateway address" {
	net_add
	run ask tcp 127.0.0.1 8080
	assert_failure
	"$NFT" port-add tcp 8080 10.88.0.2 80
	run ask tcp 127.0.0.1 8080
	assert_success
	# The container sees the bridge's address: it could not answer 127.0.0.1.
	assert_output 'c1 10.88.0.1'
	run ask tcp 10.88.0.1 8080
	assert_success
	assert_output 'c1 10.88.0.1'
}

@test "nft: a published port answers from outside, with the caller's own address" {
	net_add
	"$NFT" port-add tcp 8080 10.88.0.2 80
	run ask "$OUT" tcp 192.0.2.1 8080
	assert_success
	assert_output 'c1 192.0.2.2'
}

@test "nft: hairpin: another container reaches the published port via the gateway" {
	net_add
	"$NFT" port-add tcp 8080 10.88.0.2 80
	run ask "$c2" tcp 10.88.0.1 8080
	assert_success
	# Masqueraded: without it c1 would answer c2 directly and c2 drop it.
	assert_output 'c1 10.88.0.1'
}

@test "nft: udp ports too, from the host and from another container" {
	net_add
	"$NFT" port-add udp 5353 10.88.0.2 53
	run ask udp 127.0.0.1 5353
	assert_success
	assert_output 'c1 10.88.0.1'
	run ask "$c2" udp 10.88.0.1 5353
	assert_success
	assert_output 'c1 10.88.0.1'
}

@test "nft: ipv6: a published port answers on the gateway's ipv6 address" {
	net_add
	"$NFT" port-add tcp 8081 fd00:88::2 81
	run ask tcp fd00:88::1 8081
	assert_success
	assert_output --regexp '^c1 '
	run ask "$c2" tcp fd00:88::1 8081
	assert_success
	assert_output 'c1 fd00:88::1'
}

@test "nft: a port published on one host address answers there only" {
	net_add
	"$NFT" port-add tcp 10.88.0.1 8080 10.88.0.2 80
	run ask tcp 10.88.0.1 8080
	assert_success
	run ask tcp 127.0.0.1 8080
	assert_failure
	run "$NFT" ports
	assert_output 'tcp 10.88.0.1 8080 10.88.0.2 80'
}

@test "nft: port-del stops exactly those ports" {
	net_add
	"$NFT" port-add tcp 8080 10.88.0.2 80 + udp 5353 10.88.0.2 53 + tcp 8081 10.88.0.2 80
	run sh -c '"$1" ports | sort' _ "$NFT"
	assert_output $'tcp 8080 10.88.0.2 80\ntcp 8081 10.88.0.2 80\nudp 5353 10.88.0.2 53'
	"$NFT" port-del tcp 8080 10.88.0.2 80 + udp 5353 10.88.0.2 53
	run ask tcp 127.0.0.1 8080
	assert_failure
	run ask udp 127.0.0.1 5353
	assert_failure
	run ask tcp 127.0.0.1 8081
	assert_success
	run "$NFT" ports
	assert_output 'tcp 8081 10.88.0.2 80'
	# Missing ones, or the same host port now going elsewhere, stay untouched.
	"$NFT" port-del tcp 8080 10.88.0.2 80 + tcp 8081 10.88.0.3 80
	run "$NFT" ports
	assert_output 'tcp 8081 10.88.0.2 80'
}

@test "nft: masquerade: the outside sees the host's address" {
	net_add
	run ask "$c1" tcp 192.0.2.2 9000
	assert_success
	assert_output 'out 192.0.2.1'
}

@test "nft: containers can't reach the host's 127.0.0.1 through route_localnet" {
	serve "$$" udp 7000 host 127.0.0.1
	# c1 routes 127.0.0.1 to the gateway, as a hostile container can.
	nsenter -t "$c1" -n sh -ec 'sysctl -qw net.ipv4.conf.all.route_localnet=1
		ip route del local 127.0.0.0/8 dev lo table local 2>/dev/null || true
		ip route del local 127.0.0.1 dev lo table local 2>/dev/null || true
		ip route add 127.0.0.1/32 via 10.88.0.1 dev eth0'
	net_add
	run ask "$c1" udp 127.0.0.1 7000
	assert_failure
	run cat "$BATS_TEST_TMPDIR/serve.$$.udp.7000"
	assert_output 'ready'
}

@test "nft: --internal: no way out, no way in, the bridge still works" {
	net_add --internal
	nsenter -t "$OUT" -n ip route add 10.88.0.0/24 via 192.0.2.1
	run ask "$c1" tcp 192.0.2.2 9000
	assert_failure
	run ask "$OUT" tcp 10.88.0.2 80
	assert_failure
	run ask "$c2" tcp 10.88.0.2 80
	assert_success
	assert_output 'c1 10.88.0.3'
	# Made not internal again (net-add replaces the network's rules).
	net_add
	run ask "$OUT" tcp 10.88.0.2 80
	assert_success
}

@test "nft: publishing twice is idempotent; a port taken by another container is an error" {
	net_add
	net_add
	"$NFT" port-add tcp 8080 10.88.0.2 80
	"$NFT" port-add tcp 8080 10.88.0.2 80
	run "$NFT" ports
	assert_output 'tcp 8080 10.88.0.2 80'
	[ "$(nft list chain inet isola postrouting | grep -c masquerade)" -eq 4 ]
	run "$NFT" port-add tcp 9999 10.88.0.3 80 + tcp 8080 10.88.0.3 80
	assert_failure
	assert_output 'nfttest: tcp port 8080 is already published to 10.88.0.2 port 80'
	# All or none: 9999 was not added either.
	run "$NFT" ports
	assert_output 'tcp 8080 10.88.0.2 80'
	run ask tcp 127.0.0.1 8080
	assert_output 'c1 10.88.0.1'
}

@test "nft: bad input is a clear error and changes nothing" {
	run "$NFT" port-add tcp 0 10.88.0.2 80
	assert_failure
	assert_output 'nfttest: published tcp port 0: port 0'
	run "$NFT" port-add tcp 8080 10.88.0.2 0
	assert_failure
	assert_output 'nfttest: published tcp port 8080: port 0'
	run "$NFT" port-add 1 8080 10.88.0.2 80
	assert_failure
	assert_output 'nfttest: published port: protocol 1 is neither tcp nor udp'
	run "$NFT" port-add tcp 127.0.0.1 8080 fd00:88::2 80
	assert_failure
	assert_output --partial 'different families'
	run "$NFT" port-add tcp 8080 10.88.0.2 80 + tcp 8080 10.88.0.3 80
	assert_failure
	assert_output 'nfttest: published tcp port 8080: given twice, to different targets'
	run "$NFT" net-add 'nft"br' 10.88.0.0/24
	assert_failure
	assert_output 'nfttest: bridge "nft"br": bad interface name'
	run "$NFT" net-add nftbr0
	assert_failure
	assert_output 'nfttest: bridge "nftbr0": no subnet'
	run nft list tables
	assert_output ''
}

@test "nft: net-del and flush really remove the rules" {
	net_add
	"$NFT" net-add nftbr1 10.89.0.0/24 --internal
	"$NFT" port-add tcp 8080 10.88.0.2 80
	"$NFT" net-del nftbr0
	run nft list ruleset
	refute_output --partial nftbr0
	assert_output --partial nftbr1
	# No masquerade any more: the outside sees the container's own address.
	nsenter -t "$OUT" -n ip route add 10.88.0.0/24 via 192.0.2.1
	run ask "$c1" tcp 192.0.2.2 9000
	assert_output 'out 10.88.0.2'
	"$NFT" net-del nftbr0
	"$NFT" flush
	run nft list ruleset
	assert_output ''
	"$NFT" flush
	"$NFT" net-del nftbr1
	run "$NFT" ports
	assert_success
	assert_output ''
}
