# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/report.sh - turn $RESULTS into one markdown table (scenario x runtime),
# sourced by run.sh. Writes $OUT/table.md, $OUT/detail.md and $OUT/report.md.

# key|label|unit|scale|ratios (1 = lower is better, compare; 0 = no ratios)
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

# report_table ROWS-FUNCTION COLUMNS...: the pivot, one row per scenario, one
# column per runtime (or tool), then the floor
report_table() {
	local rows=$1
	shift
	"$rows" | awk -F'|' -v res="$RESULTS" -v labels="$*" '
	function f(x,  a) { a = x < 0 ? -x : x
		return a >= 100 ? sprintf("%.0f", x) : a >= 10 ? sprintf("%.1f", x) : sprintf("%.2f", x) }
	BEGIN { FS = "\t"
		while ((getline l < res) > 0) { split(l, c, "\t"); k = c[1] SUBSEP c[2]
			have[k] = 1; med[k] = c[3]; p25[k] = c[4]; p75[k] = c[5]; cnt[k] = c[7]; note[k] = c[9]
			scn[c[1]] = 1 }
		FS = "|"; nl = split(labels, L, " ")
		printf "| scenario | unit |"; for (j = 1; j <= nl; j++) printf " %s |", L[j]; print " floor |"
		printf "|---|---|"; for (j = 1; j <= nl; j++) printf "---|"; print "---|" }
	!($1 in scn) { next }
	{ s = $1; sc = $4; best = ""; fl = ""
		if (((s, "floor") in have) && med[s, "floor"] ~ /^[0-9.e+-]+$/) fl = med[s, "floor"] * sc
		for (j = 1; j <= nl; j++) { k = s SUBSEP L[j]
			if ((k in have) && med[k] ~ /^[0-9.e+-]+$/ && (best == "" || med[k] * sc < best)) best = med[k] * sc }
		printf "| %s | %s |", $2, $3
		for (j = 1; j <= nl + 1; j++) { name = j <= nl ? L[j] : "floor"; k = s SUBSEP name
			if (!(k in have)) { printf " – |"; continue }
			if (med[k] == "FAIL") { printf " fail |"; continue }
			if (med[k] == "NA") { printf " n/a%s |", note[k] == "" ? "" : " (" note[k] ")"; continue }
			v = med[k] * sc; cell = f(v)
			if (cnt[k] > 1 && p75[k] != "") cell = cell " ±" f((p75[k] - p25[k]) * sc / 2)
			r = ""
			if ($5 == 1 && j <= nl && best > 0) r = f(v / best) "x"
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
		echo
		echo "Cells: median ± half the interquartile range (x fastest runtime, x floor)."
		echo "Times are wall clock; each scenario runs every runtime in the same hyperfine"
		echo "invocations, in rotated order. Lower is better everywhere."
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
