# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/network.sh - issue 13's networking benchmark, sourced by measure.sh:
# isola against podman (netavark, its default bridge, crun) on one image, the
# bench's busybox rootfs plus the host's iperf3. Rows go to $RESULTS as net-*,
# columns isola and podman:
#   net-none, net-port  `run --rm IMAGE true` with --network none, and on the
#                       default bridge with one published port
#   net-added           the difference of the two medians: what the network costs
#   net-c2c, net-h2p    TCP throughput (iperf3) container to container on the
#                       default bridge, and host to a published port on 127.0.0.1
# run.sh runs the whole bench in a network namespace of its own (unshare -n):
# both managers make their bridges, nft tables and ports there, never on the host.

NET_IMG=isolabench-net NET_PMIMG=localhost/isolabench/net
NET_PORT=18080 NET_DIR="" NET_PM="" NET_NOTES=() NET_PMVER="" NET_CACHE_MNT=""
# iperf3 runs per manager and direction, seconds each (the first one omitted:
# slow start); the published port of each manager's server
NET_TRUNS=5 NET_SECS=4
[[ ${QUICK:-0} == 1 ]] && NET_TRUNS=3 NET_SECS=2
declare -A NET_SRVPORT=([isola]=18081 [podman]=18082) NET_SRVIP=()

net_isola() { echo "$ISOLA_CLI --root $NET_DIR/store --runroot $NET_DIR/run"; }

net_pm() {
	echo "podman --root $NET_DIR/pm/root --runroot $NET_DIR/pm/runroot --storage-driver overlay" \
		"--cgroup-manager cgroupfs --runtime /usr/bin/crun"
}

# the bench rootfs with iperf3 and the libraries ldd lists (Debian has no
# static iperf3); the loader goes where PT_INTERP says
net_image() {
	local r=$NET_DIR/rootfs ip l
	ip=$(command -v iperf3) || return 1
	cp -a "$ROOTFS" "$r" && cp "$ip" "$r/bin/iperf3" || return 1
	for l in $(ldd "$ip" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		mkdir -p "$r${l%/*}" && cp -L "$l" "$r$l" || return 1
	done
	tar -C "$r" -cf "$NET_DIR/rootfs.tar" .
}

net_setup() {
	NET_DIR=$WORK/net
	mkdir -p "$NET_DIR"
	net_image || { echo "network: cannot build the iperf3 image" >>"$FAILS"; return 1; }
	$(net_isola) import -q "$NET_DIR/rootfs" "$NET_IMG" >/dev/null 2>"$OUT/net-import.err" && return 0
	echo "isola: network: import failed: $(tail -n 1 "$OUT/net-import.err")" >>"$FAILS"
	return 1
}

# As the manager's podman, plus netavark's config dir in the store (its lock
# file would go to /etc/containers/networks). podman's netns files in
# /run/netns that were not there before are removed at the end.
net_podman_setup() {
	local d=$NET_DIR/pm p
	command -v podman >/dev/null || { NET_NOTES+=("podman: skipped (not installed)"); return 1; }
	mkdir -p "$d"
	for p in "${MGR_PM_PATHS[@]}"; do [[ -e $p ]] || echo "$p"; done >"$d/paths-new"
	ls /run/netns 2>/dev/null | sort >"$d/netns-before"
	cat >"$d/containers.conf" <<-EOF
		[containers]
		default_ulimits = ["nofile=1024:4096", "nproc=4096:4096"]
		log_driver = "k8s-file"
		[network]
		network_backend = "netavark"
		network_config_dir = "$d/networks"
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		events_logfile_path = "$d/events.log"
		lock_type = "file"
		tmp_dir = "$d/tmp"
		static_dir = "$d/root/libpod"
		volume_path = "$d/root/volumes"
	EOF
	mkdir -p "$d/cache"
	[[ -d /var/lib/containers/cache ]] && mount --bind "$d/cache" /var/lib/containers/cache &&
		NET_CACHE_MNT=1
	export CONTAINERS_CONF=$d/containers.conf
	NET_PM=1
	NET_PMVER="$(podman --version 2>/dev/null | awk '{ print $NF }'), netavark $(/usr/lib/podman/netavark --version 2>/dev/null | awk '{ print $NF }')"
	timeout 120 $(net_pm) import -q "$NET_DIR/rootfs.tar" "$NET_PMIMG" \
		>/dev/null 2>"$OUT/net-podman.err" && return 0
	NET_NOTES+=("podman: import failed: $(tail -n 1 "$OUT/net-podman.err" | cut -c1-160)")
	return 1
}

# net_hf SCN [NAME CMD]... : smoke each command once (it must work), time the rest
net_hf() {
	local scn=$1 rc
	shift
	local -a n=() c=() p=()
	while [[ $# -gt 0 ]]; do
		timeout 60 $2 </dev/null >/dev/null 2>"$OUT/smoke.err"
		rc=$?
		if [[ $rc == 0 ]]; then
			n+=("$1") c+=("$2") p+=("")
		else
			echo "${1%-*}: $scn ${1#*-}: exit $rc: $(grep -v '^$' "$OUT/smoke.err" | tail -n 1 | cut -c1-160)" >>"$FAILS"
			log "$1 failed $scn"
			fail_row "$scn" "$1"
		fi
		shift 2
	done
	[[ ${#n[@]} -gt 0 ]] && hf_rounds "$scn" n c p
}

net_med() { # SCN NAME: the median of a row, or nothing
	awk -F'\t' -v s="$1" -v n="$2" '$1 == s && $2 == n && $3 ~ /^[0-9]/ { print $3 }' "$RESULTS"
}

# rows "net-start MANAGER-KIND" become "net-KIND MANAGER"
net_split_rows() {
	awk -F'\t' -v OFS='\t' '$1 == "net-start" { $1 = "net-" substr($2, index($2, "-") + 1)
		$2 = substr($2, 1, index($2, "-") - 1) } 1' "$RESULTS" >"$RESULTS.net" &&
		mv "$RESULTS.net" "$RESULTS"
}

# All four commands in the same rotated rounds. podman's bridge run also makes
# and removes podman0 and its rules each time (netavark tears the bridge down
# with its last container); isola keeps isola0: each tool as it ships.
net_start() {
	local I P a m
	I=$(net_isola)
	a=(isola-none "$I run --rm --network none $NET_IMG true"
		isola-port "$I run --rm -p $NET_PORT:80 $NET_IMG true")
	if [[ -n $NET_PM ]]; then
		P="$(net_pm) run --rm --cgroup-parent $CGP"
		a+=(podman-none "$P --network none $NET_PMIMG true"
			podman-port "$P -p $NET_PORT:80 $NET_PMIMG true")
	fi
	net_hf net-start "${a[@]}"
	net_split_rows
	for m in isola podman; do
		local none port
		none=$(net_med net-none "$m") port=$(net_med net-port "$m")
		[[ -n $none && -n $port ]] || continue
		awk -v a="$port" -v b="$none" 'BEGIN { printf "%.2f\n", a - b }' |
			value_row net-added "$m" ""
	done
}

# a manager's `run` command line and its image
net_run() {
	if [[ $1 == isola ]]; then echo "$(net_isola) run"; else echo "$(net_pm) run --cgroup-parent $CGP"; fi
}
net_img() { if [[ $1 == isola ]]; then echo "$NET_IMG"; else echo "$NET_PMIMG"; fi; }

# net_server MANAGER: iperf3 -s detached, its port published; its address
net_server() {
	local m=$1 ip cli
	cli=$(net_isola)
	[[ $m == podman ]] && cli=$(net_pm)
	if ! $(net_run "$m") -d --name nb-srv -p "${NET_SRVPORT[$m]}:5201" "$(net_img "$m")" \
		iperf3 -s >/dev/null 2>"$OUT/net-srv.err"; then
		echo "$m: network: iperf3 server: $(tail -n 1 "$OUT/net-srv.err" | cut -c1-160)" >>"$FAILS"
		return 1
	fi
	ip=$($cli inspect nb-srv 2>/dev/null |
		jq -r '[.[0].NetworkSettings.Networks[] | .IPAddress | select(. != "")][0] // empty')
	[[ -n $ip ]] || { echo "$m: network: iperf3 server has no address" >>"$FAILS"; return 1; }
	NET_SRVIP[$m]=$ip
}

# net_client MANAGER c2c|h2p SECONDS: one iperf3 client; Gbit/s received, or nothing
net_client() {
	local m=$1 cmd="iperf3 -c 127.0.0.1 -p ${NET_SRVPORT[$1]}"
	[[ $2 == c2c ]] && cmd="$(net_run "$m") --rm $(net_img "$m") iperf3 -c ${NET_SRVIP[$m]}"
	timeout $(($3 + 60)) $cmd -t "$3" -O 1 -J </dev/null 2>"$OUT/net-client.err" |
		jq -r '.end.sum_received.bits_per_second // empty | . / 1e9' 2>/dev/null
}

# the first client waits for the server to listen (and warms the path up)
net_ready() {
	local k g
	for ((k = 0; k < 10; k++)); do
		g=$(net_client "$1" "$2" 1)
		[[ -n $g ]] && return 0
		sleep 1
	done
	echo "$1: network: $2 iperf3 failed: $(tail -n 1 "$OUT/net-client.err" | cut -c1-160)" >>"$FAILS"
	return 1
}

# what is where: both managers' bridges and tables are in the bench's netns
net_evidence() {
	{
		echo "# bench netns $(readlink /proc/self/ns/net), run.sh started in $ISOLABENCH_HOSTNET"
		ip -d link
		ip -br addr
		nft list ruleset
	} >"$OUT/net-netns.txt" 2>&1
	NET_NOTES+=("bench netns: links $(ip -o link | awk -F': ' '{ sub(/@.*/, "", $2); printf "%s ", $2 }')- nft tables: $(nft list tables 2>/dev/null | sed 's/^table //' | paste -sd, -) (full ruleset: results/net-netns.txt)")
}

net_tput() {
	local -a todo=() order
	local m k r g
	net_server isola && todo+=(isola)
	[[ -n $NET_PM ]] && net_server podman && todo+=(podman)
	local -a jobs=()
	for m in isola podman; do
		for k in c2c h2p; do
			if [[ " ${todo[*]} " == *" $m "* ]] && net_ready "$m" "$k"; then
				jobs+=("$m $k")
			else
				fail_row "net-$k" "$m"
			fi
		done
	done
	net_evidence
	log "network: iperf3, $NET_TRUNS rounds of ${#jobs[@]} clients, ${NET_SECS} s each"
	for ((r = 0; r < NET_TRUNS; r++)); do
		order=()
		for ((k = 0; k < ${#jobs[@]}; k++)); do order+=("${jobs[$(((k + r) % ${#jobs[@]}))]}"); done
		for k in "${order[@]}"; do
			set -- $k
			g=$(net_client "$1" "$2" "$NET_SECS")
			[[ -n $g ]] && echo "$g" >>"$NET_DIR/tp.$1.$2"
		done
	done
	for k in "${jobs[@]}"; do
		set -- $k
		if [[ -s $NET_DIR/tp.$1.$2 ]]; then
			value_row "net-$2" "$1" "" <"$NET_DIR/tp.$1.$2"
		else
			echo "$1: network: $2 iperf3 failed: $(tail -n 1 "$OUT/net-client.err" | cut -c1-160)" >>"$FAILS"
			fail_row "net-$2" "$1"
		fi
	done
}

scen_network() {
	log "network: run --rm with a bridge and -p against --network none; iperf3 container to container and host to port; isola against podman"
	HF_RUNS=$RUNS HF_WARM=$WARMUP
	if [[ -z ${ISOLABENCH_HOSTNET:-} || $(readlink /proc/self/ns/net) == "$ISOLABENCH_HOSTNET" ]]; then
		echo "network: skipped: the bench is in the host's network namespace" >>"$FAILS"
		return
	fi
	if [[ ! -x $ISOLA_CLI ]] || ! net_setup; then
		echo "isola: network: $ISOLA_CLI missing or setup failed" >>"$FAILS"
		fail_row net-port isola
		net_cleanup
		return
	fi
	net_podman_setup || { NET_PM=""; log "network: podman skipped"; }
	net_start
	net_tput
	net_cleanup
}

# ---------------------------------------------------------------- cleanup
net_cleanup() {
	[[ -n $NET_DIR && -d $NET_DIR ]] || return 0
	local m p n
	# the manager's clean-up of a store works on ours: the same layout
	MGR_DIR=$NET_DIR mgr_cleanup_isola
	if [[ -n $NET_PM ]]; then
		timeout 60 $(net_pm) rm -a -f -t 0 >/dev/null 2>&1
		n=$(timeout 60 $(net_pm) ps -a -q 2>/dev/null | wc -l)
		[[ $n == 0 ]] || echo "podman: network: $n containers left in the bench's store" >>"$FAILS"
		timeout 60 $(net_pm) rmi -a -f >/dev/null 2>&1
	fi
	[[ -n $NET_CACHE_MNT ]] && umount /var/lib/containers/cache && NET_CACHE_MNT=""
	for m in $(awk -v t="$NET_DIR" 'index($5, t "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null
	done
	if [[ -f $NET_DIR/pm/paths-new ]] && ! pgrep -x podman >/dev/null; then
		while read -r p; do
			[[ -n $p && -e $p ]] || continue
			log "network: podman left $p: removed"
			rm -rf "$p"
		done <"$NET_DIR/pm/paths-new"
		for p in $(ls /run/netns 2>/dev/null | sort | comm -13 "$NET_DIR/pm/netns-before" -); do
			log "network: podman left /run/netns/$p: removed"
			umount -l "/run/netns/$p" 2>/dev/null
			rm -f "/run/netns/$p"
		done
	fi
	rm -rf "$NET_DIR"
	unset CONTAINERS_CONF
	NET_DIR="" NET_PM=""
}
