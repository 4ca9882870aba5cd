#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# What a user of `isola run` sees of networking: the default NAT bridge,
# user networks with names, published ports, static addresses, DNS files.
# This file runs in a network namespace of its own (tests/net/run.sh): the
# "host" below is that namespace; nothing reaches the real host.

load ../manager/helpers

setup() {
	mgr_setup
}

teardown() {
	mgr_teardown
}

ip_of() {
	"$ISOLA" inspect --format "{{.NetworkSettings.Networks.${2:-isola}.IPAddress}}" "$1"
}

@test "default network: eth0 with an address of isola0's subnet, a default route, reachable from the host" {
	isola_ok run -d --name a bb sleep 1000
	local ip
	ip=$(ip_of a)
	[[ $ip == 10.87.* ]]
	run "$ISOLA" exec a ip -o -4 addr show eth0
	[[ $output == *"inet $ip/16"* ]]
	run "$ISOLA" exec a ip route
	[[ $output == *"default via 10.87.0.1 dev eth0"* ]]
	ip -o link show isola0
	busybox ping -c1 -W2 "$ip"
	# the host end is on the bridge
	run ip -o link show master isola0
	[[ $output == *vi* ]]
}

@test "default network: two containers reach each other; the address stays across a restart" {
	isola_ok run -d --name a bb sleep 1000
	isola_ok run -d --name b bb sleep 1000
	local ip
	ip=$(ip_of a)
	isola_ok exec b ping -c1 -W2 "$ip"
	isola_ok restart -t 0 a
	[ "$(ip_of a)" = "$ip" ]
	isola_ok exec b ping -c1 -W2 "$ip"
}

@test "the veth dies with the container; rm gives the address back" {
	isola_ok run -d --name a --ip 10.87.5.5 bb sleep 1000
	[ "$(ip_of a)" = 10.87.5.5 ]
	[ -n "$(ip -o link show master isola0)" ]
	isola_ok stop -t 0 a
	[ -z "$(ip -o link show master isola0)" ]
	run "$ISOLA" run -d --name b --ip 10.87.5.5 bb sleep 1000
	[ "$status" -eq 125 ]
	[[ $output == *10.87.5.5* ]]
	[ "$(echo "$output" | wc -l)" -eq 1 ]
	run "$ISOLA" ps -aq --filter name=b
	[ -z "$output" ]
	isola_ok rm a
	isola_ok run -d --name b --ip 10.87.5.5 bb sleep 1000
}

@test "--ip outside the subnet, an unknown network, a bad MAC: one line, exit 125, nothing left" {
	run "$ISOLA" run -d --ip 192.168.77.7 bb true
	[ "$status" -eq 125 ]
	[ "$(echo "$output" | wc -l)" -eq 1 ]
	run "$ISOLA" run -d --network nosuch bb true
	[ "$status" -eq 125 ]
	[[ $output == *nosuch* ]]
	run "$ISOLA" run -d --mac-address 01:00:5e:00:00:01 bb true
	[ "$status" -eq 125 ]
	[ -z "$(ls "$ISOLA_ROOT/containers")" ]
}

@test "--network none, host and container:NAME" {
	run "$ISOLA" run --rm --network none bb ip -o link
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | wc -l)" -eq 1 ]
	ip link add isolavh0 type veth peer name isolavh1
	run "$ISOLA" run --rm --network host bb ip -o link
	ip link del isolavh0
	[[ $output == *isolavh0* ]]
	isola_ok run -d --name a bb sleep 1000
	run "$ISOLA" run --rm --network container:a bb ip -o -4 addr show eth0
	[[ $output == *"$(ip_of a)/"* ]]
}

@test "user network: containers find each other by name and alias; names follow start and stop" {
	isola_ok network create net1
	isola_ok run -d --name a --network net1 --network-alias web bb sleep 1000
	isola_ok run -d --name b --network net1 bb sleep 1000
	isola_ok exec b ping -c1 -W2 a
	isola_ok exec b ping -c1 -W2 web
	isola_ok exec a ping -c1 -W2 b
	isola_ok stop -t 0 a
	run "$ISOLA" exec b cat /etc/hosts
	[[ $output != *" a"* ]]
	isola_ok start a
	wait_for "$ISOLA" exec b ping -c1 -W2 a
	# the default network gives no names
	isola_ok run -d --name c bb sleep 1000
	run "$ISOLA" exec c ping -c1 -W1 a
	[ "$status" -ne 0 ]
}

@test "-p: a published port answers on 127.0.0.1, on the host's address and from another container" {
	isola_ok run -d --name web -p 8080:80 bb sh -c 'mkdir -p /www && echo hello >/www/index.html && httpd -f -p 80 -h /www'
	wait_for bash -c "exec 3<>/dev/tcp/127.0.0.1/8080"
	run curl -s http://127.0.0.1:8080/
	[ "$output" = hello ]
	run curl -s http://10.87.0.1:8080/
	[ "$output" = hello ]
	isola_ok run -d --name cli bb sleep 1000
	run "$ISOLA" exec cli wget -qO- http://10.87.0.1:8080/
	[ "$output" = hello ]
	# hairpin: the container reaches its own published port
	run "$ISOLA" exec web wget -qO- http://10.87.0.1:8080/
	[ "$output" = hello ]
	run "$ISOLA" port web
	[ "$output" = "80/tcp -> 0.0.0.0:8080" ]
	run "$ISOLA" port web 80
	[ "$output" = "0.0.0.0:8080" ]
	# stopped: the port no longer answers, and is free again
	isola_ok stop -t 0 web
	run curl -s -m 2 http://127.0.0.1:8080/
	[ "$status" -ne 0 ]
	python3 -c 'import socket; s=socket.socket(); s.bind(("0.0.0.0", 8080))'
}

@test "-p: a host port in use fails the start with one line and leaves nothing" {
	isola_ok run -d --name a -p 8081:80 bb sleep 1000
	run "$ISOLA" run -d --name b -p 8081:80 bb sleep 1000
	[ "$status" -eq 125 ]
	[[ $output == *8081* ]]
	run "$ISOLA" run -d -p 70000:80 bb true
	[ "$status" -eq 125 ]
	run "$ISOLA" run -d -p 80/sctp bb true
	[ "$status" -eq 125 ]
}

@test "-p with a random host port, udp, and a range; isola port lists them" {
	isola_ok run -d --name a -p 80 -p 5353:53/udp -p 9000-9001:9000-9001 bb sleep 1000
	run "$ISOLA" port a
	[[ $output == *"53/udp -> 0.0.0.0:5353"* ]]
	[[ $output == *"9000/tcp -> 0.0.0.0:9000"* ]]
	[[ $output == *"9001/tcp -> 0.0.0.0:9001"* ]]
	local p
	p=$("$ISOLA" port a 80)
	[[ $p == 0.0.0.0:* ]]
	[ "${p#0.0.0.0:}" -gt 1024 ]
	# busybox has no UDP server: the lib's suite (nft.bats) sends UDP through; here the rule
	run nft list map inet isola ports4any
	[[ $output == *"udp . 5353 : $(ip_of a) . 53"* ]]
}

@test "a killed monitor, then rm -f: no NAT rule, lease or link left" {
	isola_ok run -d --name a -p 8082:80 bb sleep 1000
	local mon
	mon=$(jq -r .State.MonitorPid "$ISOLA_ROOT"/containers/*/container.json)
	kill -9 "$mon"
	isola_ok rm -f a
	run nft list table inet isola
	[[ $output != *8082* ]]
	[ -z "$(ip -o link show master isola0)" ]
	[ -z "$(ls "$ISOLA_ROOT/networks/isola.leases" 2>/dev/null | grep -v "^last")" ]
}

@test "--dns, --dns-search, --add-host and --hostname reach /etc files" {
	run "$ISOLA" run --rm --dns 10.9.9.9 --dns-search example.test --add-host db:10.1.2.3 \
		--hostname box bb sh -c 'cat /etc/resolv.conf /etc/hosts'
	[ "$status" -eq 0 ]
	[[ $output == *"nameserver 10.9.9.9"* ]]
	[[ $output == *"search example.test"* ]]
	[[ $output == *"10.1.2.3	db"* ]]
	[[ $output == *"	box"* ]]
	run "$ISOLA" run --rm bb cat /etc/resolv.conf
	[[ $output != *"nameserver 127."* ]]
}

@test "--internal: no way out; IPv6: dual stack" {
	isola_ok network create --internal inner
	run "$ISOLA" run --rm --network inner bb ip route
	[[ $output != *default* ]]
	isola_ok network create --ipv6 --subnet 10.99.0.0/24 --subnet fd00:99::/64 dual
	isola_ok run -d --name a --network dual bb sleep 1000
	run "$ISOLA" exec a ip -o -6 addr show eth0 scope global
	[[ $output == *fd00:99::* ]]
	isola_ok exec a ping6 -c1 -W2 fd00:99::1
	isola_ok exec a ping -c1 -W2 10.99.0.1
}

# The parent is a veth end: this kernel may lack dummy links (CONFIG_DUMMY).
@test "macvlan network on a host interface: containers reach each other" {
	ip link add isolamv0 type veth peer name isolamv1
	ip link set isolamv0 up
	ip link set isolamv1 up # a veth has carrier only with both ends up
	isola_ok network create -d macvlan -o parent=isolamv0 --subnet 10.98.0.0/24 mv
	isola_ok run -d --name a --network mv bb sleep 1000
	isola_ok run -d --name b --network mv bb sleep 1000
	isola_ok exec b ping -c1 -W2 "$(ip_of a mv)"
	"$ISOLA" rm -f a b >/dev/null
	ip link del isolamv0
}

@test "ipvlan network on a host interface: containers reach each other" {
	ip link add isolaiv0 type veth peer name isolaiv1
	ip link set isolaiv0 up
	ip link set isolaiv1 up
	if ! ip link add isolaiv2 link isolaiv0 type ipvlan mode l2 2>/dev/null; then
		ip link del isolaiv0
		skip "this kernel has no ipvlan (CONFIG_IPVLAN)"
	fi
	ip link del isolaiv2
	isola_ok network create -d ipvlan -o parent=isolaiv0 --subnet 10.97.0.0/24 iv
	isola_ok run -d --name c --network iv bb sleep 1000
	isola_ok run -d --name d --network iv bb sleep 1000
	isola_ok exec d ping -c1 -W2 "$(ip_of c iv)"
	"$ISOLA" rm -f c d >/dev/null
	ip link del isolaiv0
}

@test "network connect and disconnect a running container: the link and the names follow at once" {
	isola_ok network create net2
	isola_ok run -d --name a bb sleep 1000
	isola_ok run -d --name b --network net2 bb sleep 1000
	run "$ISOLA" exec b ping -c1 -W1 a
	[ "$status" -ne 0 ]
	isola_ok network connect --alias db net2 a
	run "$ISOLA" exec a ip -o -4 addr show eth1
	[[ $output == *"$(ip_of a net2)/24"* ]]
	isola_ok exec b ping -c1 -W2 a
	isola_ok exec b ping -c1 -W2 db
	run "$ISOLA" network connect net2 a
	[ "$status" -eq 125 ]
	isola_ok network disconnect net2 a
	run "$ISOLA" exec a ip -o link show eth1
	[ "$status" -ne 0 ]
	run "$ISOLA" exec b ping -c1 -W1 a
	[ "$status" -ne 0 ]
	run "$ISOLA" network rm net2
	[ "$status" -ne 0 ]
	[[ $output == *"in use"* ]]
}

@test "a NAT rule left by a container that died with its monitor goes at the next start of the port" {
	isola_ok run -d --name a -p 8083:80 bb sleep 1000
	local mon init
	mon=$(jq -r .State.MonitorPid "$ISOLA_ROOT"/containers/*/container.json)
	init=$(jq -r .State.Pid "$ISOLA_ROOT"/containers/*/container.json)
	kill -9 "$mon" "$init"
	run nft list map inet isola ports4any
	[[ $output == *"tcp . 8083"* ]]
	isola_ok run -d --name b -p 8083:80 bb sleep 1000
	run nft list map inet isola ports4any
	[[ $output == *"tcp . 8083 : $(ip_of b) . 80"* ]]
}
