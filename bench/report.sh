# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/report.sh - turn $RESULTS into one markdown table (scenario x runtime),
# sourced by run.sh. Writes $OUT/table.md, $OUT/detail.md and $OUT/report.md.

# key|label|unit|scale|ratios (1 = lower is better, compare; 2 = higher is
# better, compare; 0 = no ratios)
report_rows() {
	cat <<EOF
run|run /bin/true to exit|ms|1|1
cold|run, 50 ms apart (quiet host)|ms|1|1
create|create alone|ms|1|1
start|start alone|ms|1|1
delete|delete alone|ms|1|1
lifecycle|create+start+wait+delete|ms|1|1
exec|exec /bin/true|ms|1|1
state|state (CLI start-up)|ms|1|1
tput-P1|$TP_N containers, sequential|ms|1|1
tput-P2|$TP_N containers, 2 at a time|ms|1|1
tput-P4|$TP_N containers, 4 at a time|ms|1|1
rss|max RSS of run|MB|0.0009765625|1
faults|minor page faults of run|count|1|1
syscalls|syscalls per run (strace -f)|count|1|1
instr|user instructions per run (callgrind)|M|0.000001|1
instr-pt|user instructions per run, all processes (ptrace)|M|0.000001|1
size|binary size (stripped)|KB|1|1
libs|shared libraries (ldd)|KB|1|1
disk|binary + shared libraries|KB|1|1
idle-up|idle: containers up|count|1|0
idle-procs|idle: processes left outside containers|count|1|0
idle-pss|idle: PSS of those per container|KB|1|0
idle-host|idle: host memory per container (noisy)|KB|1|0
idle-state|idle: state dir per container|KB|1|0
idle-rund|idle: run -d per container|ms|1|0
EOF
}

report_image_rows() {
	cat <<EOF
img-pull|pull + unpack, 3 layers, local registry|ms|1|1
img-unpack|unpack one large layer (${IMG_MB:-32} MB) from an OCI layout|ms|1|1
img-rss|max RSS of pull|MB|0.0009765625|1
EOF
}

report_network_rows() {
	cat <<EOF
net-none|run --rm IMAGE true, --network none|ms|1|1
net-port|run --rm -p ${NET_PORT:-18080}:80 IMAGE true (default bridge)|ms|1|1
net-added|added cost of the bridge and the port (difference of the medians)|ms|1|1
net-c2c|TCP container to container, same bridge (iperf3)|Gbit/s|1|2
net-h2p|TCP host to published port on 127.0.0.1 (iperf3)|Gbit/s|1|2
EOF
}

report_manager_rows() {
	cat <<EOF
mgr-run|run --rm IMAGE true|ms|1|1
mgr-cycle|run -d IMAGE sleep 1000, then stop -t 0|ms|1|1
mgr-exec|exec NAME true (a running sleep)|ms|1|1
mgr-startup|ps -a of an empty store (CLI start-up; last column: isola-runtime --version)|ms|1|1
mgr-ps|ps -a, ${MGR_N:-100} running containers|ms|1|1
mgr-rss|monitor VmRSS, one container (podman: conmon)|KB|1|1
mgr-pss|monitor Pss, one container (podman: conmon)|KB|1|1
mgr-pss-n|monitor Pss, each of ${MGR_N:-100} running|KB|1|0
mgr-rund|run -d, each of $((${MGR_N:-100} - 1)) in a row|ms|1|0
mgr-rmall|rm -f of ${MGR_N:-100} running (one command), per container|ms|1|0
EOF
}

# the median of row SCN NAME, or nothing
report_med() {
	awk -F'\t' -v s="$1" -v n="$2" '$1 == s && $2 == n && $3 ~ /^[0-9]/ { print $3 }' "$RESULTS"
}

# report_target WHAT VALUE LIMIT UNIT [ge]: one "met" / "not met" line (a
# missing value is "not measured", never met); ge: the value must reach LIMIT
report_target() {
	if [[ -z $2 || -z $3 ]]; then
		echo "- $1: not measured"
		return
	fi
	awk -v w="$1" -v v="$2" -v l="$3" -v u="$4" -v ge="${5:-}" 'BEGIN { ok = ge ? v >= l : v <= l
		printf "- %s: %.4g%s, target %s %g%s: **%s**\n", w, v, u, ge ? ">=" : "<=", l, u,
			ok ? "met" : "not met" }'
}

report_manager_targets() {
	local run pm rt rss ps
	run=$(report_med mgr-run isola) pm=$(report_med mgr-run podman-crun)
	rt=$(report_med mgr-run floor) rss=$(report_med mgr-rss isola) ps=$(report_med mgr-ps isola)
	echo "Targets (issue 12):"
	echo
	report_target "isola run --rm / podman run --rm (crun)" \
		"$([[ -n $run && -n $pm ]] && awk -v a="$run" -v b="$pm" 'BEGIN { print a / b }')" 0.1 " x"
	report_target "isola run --rm / isola-runtime run" \
		"$([[ -n $run && -n $rt ]] && awk -v a="$run" -v b="$rt" 'BEGIN { print a / b }')" 3 " x"
	report_target "monitor VmRSS" "$rss" 1024 " KB"
	report_target "isola ps -a, ${MGR_N:-100} containers" "$ps" 20 " ms"
}

report_ratio() { # A B: A / B, or nothing
	[[ -n $1 && -n $2 ]] && awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) print a / b }'
}

report_network_targets() {
	echo "Targets (issue 13):"
	echo
	report_target "added cost of bridge + port, isola / podman" \
		"$(report_ratio "$(report_med net-added isola)" "$(report_med net-added podman)")" 0.2 " x"
	report_target "TCP container to container, isola / podman" \
		"$(report_ratio "$(report_med net-c2c isola)" "$(report_med net-c2c podman)")" 0.95 " x" ge
	report_target "TCP host to published port, isola / podman" \
		"$(report_ratio "$(report_med net-h2p isola)" "$(report_med net-h2p podman)")" 0.95 " x" ge
}

# report_table ROWS-FUNCTION COLUMNS...: the pivot, one row per scenario, one
# column per runtime (or tool), then the floor (headed $REPORT_FLOOR; none if
# that is set and empty)
report_table() {
	local rows=$1
	shift
	"$rows" | awk -F'|' -v res="$RESULTS" -v labels="$*" -v fh="${REPORT_FLOOR-floor}" '
	function f(x,  a) { a = x < 0 ? -x : x
		return a >= 100 ? sprintf("%.0f", x) : a >= 10 ? sprintf("%.1f", x) : sprintf("%.2f", x) }
	BEGIN { FS = "\t"
		while ((getline l < res) > 0) { split(l, c, "\t"); k = c[1] SUBSEP c[2]
			have[k] = 1; med[k] = c[3]; p25[k] = c[4]; p75[k] = c[5]; cnt[k] = c[7]; note[k] = c[9]
			scn[c[1]] = 1 }
		FS = "|"; nl = split(labels, L, " ")
		nc = nl + (fh != "")
		printf "| scenario | unit |"; for (j = 1; j <= nc; j++) printf " %s |", j <= nl ? L[j] : fh; print ""
		printf "|---|---|"; for (j = 1; j <= nc; j++) printf "---|"; print "" }
	!($1 in scn) { next }
	{ s = $1; sc = $4; best = ""; fl = ""
		if (((s, "floor") in have) && med[s, "floor"] ~ /^[0-9.e+-]+$/) fl = med[s, "floor"] * sc
		for (j = 1; j <= nl; j++) { k = s SUBSEP L[j]
			if ((k in have) && med[k] ~ /^[0-9.e+-]+$/ && (best == "" ||
				($5 == 2 ? med[k] * sc > best : med[k] * sc < best))) best = med[k] * sc }
		printf "| %s | %s |", $2, $3
		for (j = 1; j <= nc; j++) { name = j <= nl ? L[j] : "floor"; k = s SUBSEP name
			if (!(k in have)) { printf " – |"; continue }
			if (med[k] == "FAIL") { printf " fail |"; continue }
			if (med[k] == "NA") { printf " n/a%s |", note[k] == "" ? "" : " (" note[k] ")"; continue }
			v = med[k] * sc; cell = f(v)
			if (cnt[k] > 1 && p75[k] != "") cell = cell " ±" f((p75[k] - p25[k]) * sc / 2)
			r = ""
			if ($5 >= 1 && j <= nl && best > 0) r = f(v / best) "x"
			if ($5 == 1 && j <= nl && fl > 0) r = r (r == "" ? "" : ", ") f(v / fl) "x fl"
			if (note[k] != "") r = r (r == "" ? "" : ", ") note[k]
			if (r != "") cell = cell " (" r ")"
			printf " %s |", cell }
		print "" }'
}

# every row as measured, floors broken down (for profiling)
report_detail() {
	echo "| scenario | runtime/floor | median | p25 | p75 | min | n | cpu_ms | note |"
	echo "|---|---|---|---|---|---|---|---|---|"
	awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5,
		$6, $7, $8, $9 }' "$RESULTS" | sed 's/\(\.[0-9][0-9]\)[0-9]*/\1/g'
}

report_commit() {
	local c
	c=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null) || { echo '?'; return; }
	git -C "$TOP" status --porcelain --untracked-files=no 2>/dev/null | grep -q . &&
		c="$c (tree has uncommitted changes)"
	echo "$c"
}

report_machine() {
	local i
	echo "- machine: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo) RAM, kernel $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME")"
	echo "- cgroups: $CGMODE"
	for i in "${!LABELS[@]}"; do
		echo "- ${LABELS[$i]} = \`${PATHS[$i]}\` ($(timeout 5 "${PATHS[$i]}" --version 2>/dev/null | head -1 || echo '?'))"
	done
	echo "- floor = \`bench/limit.c\` doing the same kernel work with nothing else (\`limit -a -f\`; cold: \`limit -a -f -t\`; exec: \`limit -e PID\`; state: fork+exec /bin/true)"
	echo "- command: \`$ISOLABENCH_CMD\` (runs=$RUNS in $ROUNDS rotated rounds, warmup=$WARMUP, $TP_N containers x $TP_RUNS per batch, $RSS_RUNS memory runs), $(date -u +%F) commit $(report_commit)"
}

report_all() {
	local wall=$1
	report_table report_rows "${LABELS[@]}" >"$OUT/table.md"
	: >"$OUT/image.md"
	grep -q '^img-' "$RESULTS" && report_table report_image_rows isola skopeo+umoci >"$OUT/image.md"
	: >"$OUT/manager.md"
	grep -q '^mgr-' "$RESULTS" && REPORT_FLOOR=isola-runtime report_table report_manager_rows \
		isola podman-crun podman-isola docker >"$OUT/manager.md"
	: >"$OUT/network.md"
	grep -q '^net-' "$RESULTS" && REPORT_FLOOR= report_table report_network_rows \
		isola podman >"$OUT/network.md"
	report_detail >"$OUT/detail.md"
	{
		echo "## Latest results"
		echo
		report_machine
		echo "- wall time of the benchmark: $wall s"
		echo
		[[ $(wc -l <"$OUT/table.md") -gt 2 ]] && cat "$OUT/table.md"
		if [[ -s $OUT/image.md ]]; then
			echo
			echo "Images (issue 7): isola = \`$ISOLA_CLI\`; skopeo copy + umoci unpack; floor = tar -xzf of the same layers"
			echo
			cat "$OUT/image.md"
		fi
		if [[ -s $OUT/manager.md ]]; then
			echo
			echo "Manager (issue 12): isola = \`$ISOLA_CLI\`; podman ${MGR_PMVER:-?} with" \
				"\`--runtime /usr/bin/crun\` or isola-runtime; both managers with" \
				"\`--network none\`, private store; docker only when a daemon answers. The last" \
				"column is \`isola-runtime run\` of the bench bundle: the floor of \`run --rm\`" \
				"(\"x fl\"). Containers run busybox from the same rootfs; \`ps -a\` lists" \
				"${MGR_N:-100} running detached \`sleep\` containers; the monitor is measured" \
				"with one container up."
			echo
			cat "$OUT/manager.md"
			echo
			[[ ${#MGR_NOTES[@]} -gt 0 ]] && printf -- '- %s\n' "${MGR_NOTES[@]}" && echo
			report_manager_targets
		fi
		if [[ -s $OUT/network.md ]]; then
			echo
			echo "Networking (issue 13): isola = \`$ISOLA_CLI\` (isola0, nftables table inet" \
				"isola); podman ${NET_PMVER:-?} (netavark, its default network podman0," \
				"\`--runtime /usr/bin/crun\`), private stores, one image (the bench's busybox" \
				"and the host's iperf3), all in the bench's own network namespace." \
				"Throughput: ${NET_TRUNS:-?} iperf3 runs of ${NET_SECS:-?} s (first second" \
				"omitted) per cell, single TCP stream, the client in a second container or" \
				"on the host; higher is better there (x = of the best)."
			echo
			cat "$OUT/network.md"
			echo
			[[ ${#NET_NOTES[@]} -gt 0 ]] && printf -- '- %s\n' "${NET_NOTES[@]}" && echo
			report_network_targets
		fi
		echo
		echo "Cells: median ± half the interquartile range (x fastest runtime, x floor)."
		echo "Times are wall clock; each scenario runs every runtime in the same hyperfine"
		echo "invocations, in rotated order. Lower is better everywhere but in throughput"
		echo "rows (Gbit/s)."
		if [[ -s $FAILS ]]; then
			echo
			echo "Failures:"
			echo
			sed 's/^/- /' "$FAILS"
		fi
	} >"$OUT/report.md"
	cat "$OUT/report.md"
	{
		echo
		echo "### All rows (floors broken down, cpu_ms = user+sys of the measured command)"
		echo
		cat "$OUT/detail.md"
	} >>"$OUT/report.md"
	log "raw results: $OUT"
}
