#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# `isola network` (isola-net network ...): the network store and its verbs,
# against a store of the test's own (--root). Runs in a netns of its own
# (tests/net/run.sh); the only devices made are bridges in it.

setup() {
	NET="$ISOLA_BUILD/src/net/isola-net"
	ROOT=$(mktemp -d /tmp/isola-nettest.XXXXXX)
}

teardown() {
	rm -rf "$ROOT"
}

net() {
	"$NET" --root "$ROOT" network "$@"
}

# Run and expect exit status 125 with one "isola: " line saying $1.
net_fails() {
	local want=$1
	shift
	run net "$@"
	echo "status=$status output=$output"
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "isola: "*"$want"* ]]
}

# A lease as ipam.c writes it: ROOT/networks/NAME.leases/ADDRESS, the owner inside.
lease() {
	mkdir -p "$ROOT/networks/$1.leases"
	printf '%s' "$3" >"$ROOT/networks/$1.leases/$2"
}

@test "network create prints the id; ls lists it with the default network" {
	run net create web
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	id=$output
	run net ls
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "NETWORK ID     NAME      DRIVER    SCOPE" ]
	[ "${lines[1]}" = "$(printf '%-15s%-10s%-10s%s' "$(echo "$(net inspect -f '{{.Id}}' isola)" | cut -c1-12)" isola bridge local)" ]
	[ "${lines[2]}" = "${id:0:12}   web       bridge    local" ]
	run net ls -q
	[ "$output" = "$(printf '%s\n%s' "$(net inspect -f '{{.Id}}' isola | cut -c1-12)" "${id:0:12}")" ]
	run net ls -q --no-trunc --filter name=we
	[ "$output" = "$id" ]
}

@test "network create: defaults from the pool, docker's inspect shape" {
	net create a
	net create b
	run net inspect a b
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '
		length == 2 and
		.[0].Name == "a" and .[0].Scope == "local" and .[0].Driver == "bridge" and
		.[0].EnableIPv6 == false and .[0].Internal == false and
		.[0].IPAM.Driver == "default" and
		.[0].IPAM.Config == [{"Subnet": "10.86.0.0/24", "Gateway": "10.86.0.1"}] and
		.[1].IPAM.Config[0].Subnet == "10.86.1.0/24" and
		(.[0].Options."isola.bridge" | test("^isola-[0-9a-f]{9}$")) and
		.[0].Containers == {} and .[0].Labels == {} and
		(.[0].Id | test("^[0-9a-f]{64}$")) and
		(.[0].Created | test("^20[0-9-]{8}T[0-9:.]+Z$"))'
	run net inspect isola
	echo "$output" | jq -e '.[0].IPAM.Config == [{"Subnet": "10.87.0.0/16", "Gateway": "10.87.0.1"}]
		and .[0].Options."isola.bridge" == "isola0"'
}

@test "network create: every flag" {
	net create --subnet 192.168.7.0/24 --gateway 192.168.7.254 --ip-range 192.168.7.128/25 \
		--internal --ipv6 --subnet fd00:7::/64 --label team=a --label x \
		-o mtu=1400 -o isola.bridge=br-test all
	net create -d macvlan -o parent=eth9 -o mode=private mv
	net create -d ipvlan -o parent=eth9 -o mode=l3 iv
	run net inspect all mv iv
	echo "$output" | jq -e '
		.[0].Internal == true and .[0].EnableIPv6 == true and
		.[0].IPAM.Config == [
			{"Subnet": "192.168.7.0/24", "IPRange": "192.168.7.128/25", "Gateway": "192.168.7.254"},
			{"Subnet": "fd00:7::/64", "Gateway": "fd00:7::1"}] and
		.[0].Options == {"isola.bridge": "br-test", "mtu": "1400"} and
		.[0].Labels == {"team": "a", "x": ""} and
		.[1].Driver == "macvlan" and .[1].Options == {"parent": "eth9", "mode": "private"} and
		.[2].Driver == "ipvlan" and .[2].Options == {"parent": "eth9", "mode": "l3"}'
	# --ipv6 alone: a unique local /64
	net create --ipv6 six
	run net inspect -f '{{json .IPAM.Config}}' six
	echo "$output" | jq -e '.[1].Subnet | test("^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::/64$")'
}

@test "network create: bad input is one line, status 125, nothing written" {
	net create --subnet 10.9.0.0/16 taken
	net_fails 'subnet 10.9.3.0/24 overlaps with 10.9.0.0/16 of network "taken"' \
		create --subnet 10.9.3.0/24 x
	net_fails 'overlaps with 10.87.0.0/16 of network "isola"' create --subnet 10.0.0.0/8 x
	net_fails 'gateway 10.10.1.1 is not a host address of subnet 10.10.0.0/24' \
		create --subnet 10.10.0.0/24 --gateway 10.10.1.1 x
	net_fails 'ip-range 10.10.1.0/28 is not in subnet 10.10.0.0/24' \
		create --subnet 10.10.0.0/24 --ip-range 10.10.1.0/28 x
	net_fails 'has host bits set (the network is 10.10.0.0/24)' create --subnet 10.10.0.1/24 x
	net_fails 'bad prefix length' create --subnet 10.10.0.0/33 x
	net_fails 'invalid subnet "junk"' create --subnet junk x
	net_fails 'invalid subnet "fd00::1/64"' create --ipv6 --subnet fd00::1/64 x
	net_fails 'gateway 10.11.0.1 needs a --subnet of its address family' create --gateway 10.11.0.1 x
	net_fails 'network with name taken already exists' create taken
	net_fails 'invalid network name "-x"' create -- -x
	net_fails 'invalid network name "a/b"' create a/b
	net_fails 'network name "host" is reserved' create host
	net_fails 'unknown driver "overlay"' create -d overlay x
	net_fails 'invalid mode "l3" for driver macvlan' create -d macvlan -o mode=l3 x
	net_fails 'unknown option "foo=1"' create -o foo=1 x
	net_fails 'invalid mtu "9"' create -o mtu=9 x
	net_fails 'requires exactly 1 argument' create
	net_fails 'network create: unknown flag or missing value: --frob' create --frob x
	net_fails 'network create: unknown flag or missing value: --subnet' create --subnet
	net_fails 'at most one IPv4 and one IPv6 --subnet' create --subnet 10.12.0.0/16 --subnet 10.13.0.0/16 x
	net_fails 'option parent is for the macvlan and ipvlan drivers' create -o parent=eth0 x
	run net ls -q
	[ "${#lines[@]}" -eq 2 ] # isola and taken
	[ ! -e "$ROOT/networks/x.json" ]
}

@test "network ls: --format json, templates and filters" {
	net create --label team=a --ipv6 one
	net create --internal two
	run net ls --format json
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	echo "${lines[1]}" | jq -e '.Name == "one" and .Driver == "bridge" and .Scope == "local" and
		.IPv6 == "true" and .Internal == "false" and .Labels == "team=a" and
		(.ID | test("^[0-9a-f]{12}$")) and (.CreatedAt | test(" \\+0000 UTC$"))'
	run net ls --format '{{.Name}} {{.Driver}}'
	[ "$output" = "$(printf 'isola bridge\none bridge\ntwo bridge')" ]
	run net ls -q --format '{{.Name}}' --filter label=team=a
	[ "$output" = "$(net inspect -f '{{.Id}}' one | cut -c1-12)" ]
	run net ls --format '{{.Name}}' --filter label=team
	[ "$output" = one ]
	run net ls --format '{{.Name}}' --filter type=custom --filter name=o
	[ "$output" = "$(printf 'one\ntwo')" ]
	run net ls --format '{{.Name}}' --filter type=builtin
	[ "$output" = isola ]
	run net ls --format '{{.Name}}' --filter name=one --filter name=two
	[ "$output" = "$(printf 'one\ntwo')" ]
	run net ls --format '{{.Name}}' --filter driver=macvlan
	[ "$output" = "" ]
	net_fails 'invalid filter "colour=red"' ls --filter colour=red
}

@test "network inspect: by name, id and id prefix; unknown network" {
	id=$(net create web)
	for ref in web "$id" "${id:0:5}"; do
		run net inspect -f '{{.Name}}' "$ref"
		[ "$status" -eq 0 ]
		[ "$output" = web ]
	done
	run net inspect web nosuch
	[ "$status" -eq 125 ]
	[[ "$output" == *"isola: network nosuch not found"* ]]
	echo "$output" | grep -v '^isola:' | jq -e 'length == 1 and .[0].Name == "web"'
	net_fails 'network nosuch not found' rm nosuch
	run net rm -f nosuch
	[ "$status" -eq 0 ] && [ "$output" = "" ]
}

@test "network inspect: Containers from the leases" {
	net create --subnet 10.20.0.0/24 --ipv6 --subnet fd00:20::/64 web
	c1=$(printf 'a%.0s' {1..64})
	lease web 10.20.0.2 "$c1"
	lease web fd00:20::2 "$c1"
	lease web 10.20.0.3 other
	run net inspect web
	echo "$output" | jq -e --arg c "$c1" '.[0].Containers == {
		($c): {"IPv4Address": "10.20.0.2/24", "IPv6Address": "fd00:20::2/64"},
		"other": {"IPv4Address": "10.20.0.3/24", "IPv6Address": ""}}'
}

@test "network rm: removes; refused while a container holds a lease; default network stays" {
	net create a
	net create b
	lease b 10.86.1.2 0123456789abcdef
	run net rm a b
	[ "$status" -eq 125 ]
	[ "${lines[0]}" = a ] || [ "${lines[1]}" = a ]
	[[ "$output" == *"isola: network b is in use by container 0123456789ab"* ]]
	run net ls --format '{{.Name}}'
	[ "$output" = "$(printf 'b\nisola')" ]
	[ ! -e "$ROOT/networks/a.json" ] && [ ! -e "$ROOT/networks/a.leases" ]
	net_fails 'isola is a pre-defined network and cannot be removed' rm isola
	rm "$ROOT/networks/b.leases/10.86.1.2"
	run net rm b
	[ "$status" -eq 0 ]
	[ "$output" = b ]
}

@test "network rm deletes the network's bridge device" {
	grep -q 'isola_link_del(' "$ISOLA_TOP/src/lib/net/nl-link.c" ||
		skip "the rtnetlink part of issue 13 is not merged yet"
	net create --subnet 10.30.0.0/24 web
	br=$(net inspect web | jq -r '.[0].Options."isola.bridge"')
	ip link add "$br" type bridge
	net rm web
	! ip link show "$br"
}

@test "network prune removes the user networks no container uses" {
	net create used
	net create idle1
	net create idle2
	lease used 10.86.0.2 c1
	run net prune -f
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'Deleted Networks:\nidle1\nidle2')" ]
	run net ls --format '{{.Name}}'
	[ "$output" = "$(printf 'isola\nused')" ]
	# without -f it asks, and "n" keeps everything
	rm -r "$ROOT/networks/used.leases"
	run bash -c "echo n | '$NET' --root '$ROOT' network prune"
	[[ "$output" == "WARNING! This will remove all custom networks"* ]]
	run net ls -q
	[ "${#lines[@]}" -eq 2 ]
	run bash -c "echo y | '$NET' --root '$ROOT' network prune"
	[[ "$output" == *"Deleted Networks:"*"used" ]]
	run net prune -f
	[ "$output" = "" ]
}

@test "network: the store is --root, else \$ISOLA_ROOT; unknown verbs" {
	ISOLA_ROOT="$ROOT" "$NET" network create envnet
	[ -f "$ROOT/networks/envnet.json" ]
	run "$NET" --root "$ROOT" network ls -q
	[ "${#lines[@]}" -eq 2 ]
	run "$NET" --root "$ROOT" network frob
	[ "$status" -eq 125 ]
	[ "$output" = 'isola: network: unknown subcommand "frob"' ]
	run "$NET" --root "$ROOT" network connect envnet c1
	[ "$status" -eq 125 ]
}
