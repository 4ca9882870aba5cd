# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/measure.sh - timing machinery and the scenarios, sourced by run.sh.
# Every scenario appends rows to $RESULTS:
#   scenario  name  median  p25  p75  min  n  cpu_ms  note
# with median "FAIL" (the runtime failed) or "NA" (cannot be measured).
# The floor row of a scenario is named "floor"; extra floors "floor:what".

HF_RUNS=$RUNS HF_WARM=$WARMUP
SMOKE_TIMEOUT=30 HF_TIMEOUT=900

fail_row() { printf '%s\t%s\tFAIL\n' "$1" "$2" >>"$RESULTS"; }
na_row() { printf '%s\t%s\tNA\t\t\t\t\t\t%s\n' "$1" "$2" "$3" >>"$RESULTS"; }

# value_row SCN NAME NOTE < values : median/p25/p75/min of a list of numbers
value_row() {
	sort -g | awk -v s="$1" -v n="$2" -v note="$3" '
		{ v[NR] = $1 }
		END { if (NR == 0) { printf "%s\t%s\tFAIL\n", s, n; exit }
			printf "%s\t%s\t%s\t%s\t%s\t%s\t%d\t\t%s\n", s, n, v[int((NR + 1) / 2)],
				v[int((NR + 3) / 4)], v[int((3 * NR + 3) / 4)], v[1], NR, note }' >>"$RESULTS"
}

# note_fail IDX SCN WHAT ERRFILE : remember why a runtime failed a scenario
note_fail() {
	local msg=""
	[[ -s ${4:-} ]] && msg=": $(grep -v '^$' "$4" | tail -n 1 | cut -c1-160)"
	echo "${LABELS[$1]}: $2: $3$msg" >>"$FAILS"
	log "${LABELS[$1]} failed $2 ($3$msg)"
}

# smoke IDX SCN CMD PREP : one untimed try with a timeout, so a broken or hanging
# runtime is dropped from the scenario instead of stalling or failing hyperfine
smoke() {
	local i=$1 scn=$2 cmd=$3 prep=$4 rc err=$OUT/smoke.err
	[[ ${BROKEN[$i]} == 1 ]] && return 1
	: >"$err"
	if [[ -n $prep ]]; then
		# shellcheck disable=SC2086
		timeout "$SMOKE_TIMEOUT" $prep </dev/null >/dev/null 2>"$err"
		rc=$?
		if [[ $rc != 0 ]]; then
			note_fail "$i" "$scn" "prepare exit $rc" "$err"
			sweep "$i"
			return 1
		fi
	fi
	# shellcheck disable=SC2086
	timeout "$SMOKE_TIMEOUT" $cmd </dev/null >/dev/null 2>"$err"
	rc=$?
	[[ $rc == 0 ]] || note_fail "$i" "$scn" "exit $rc$([[ $rc == 124 ]] && echo ' (timeout)')" "$err"
	sweep "$i"
	# a runtime that hangs once would cost SMOKE_TIMEOUT in every scenario
	if [[ $rc == 124 ]]; then
		BROKEN[$i]=1
		echo "${LABELS[$i]}: skipped from here on: it hung for ${SMOKE_TIMEOUT} s" >>"$FAILS"
	fi
	return $((rc != 0))
}

hf_collect() { # scenario name jsonfiles...
	local scn=$1 name=$2
	shift 2
	jq -s -r --arg s "$scn" --arg n "$name" '
		def q($t; $p): $t[(($t | length) - 1) * $p | floor];
		[.[].results[] | select(.command == $n)] as $r
		| ([$r[].times[]] | sort) as $t | ($t | length) as $k
		| if $k == 0 then [$s, $n, "FAIL"] | @tsv else
		  (if $k % 2 == 1 then $t[($k - 1) / 2] else ($t[$k / 2 - 1] + $t[$k / 2]) / 2 end) as $med
		  | ([$r[] | (.user + .system) * (.times | length)] | add / $k) as $cpu
		  | [$s, $n, $med * 1000, q($t; 0.25) * 1000, q($t; 0.75) * 1000, $t[0] * 1000, $k,
		     $cpu * 1000, ""] | @tsv
		  end' "$@" >>"$RESULTS"
}

hf_run() { # scenario json args...
	local scn=$1 json=$2
	shift 2
	timeout "$HF_TIMEOUT" hyperfine -N --style basic --export-json "$json" "$@" \
		>>"$OUT/$scn.log" 2>&1
}

# hf_rounds SCN NAMES CMDS PREPS (array names): all commands in ROUNDS hyperfine
# runs, order rotated every round, so slow drifts of a shared machine hit all alike
hf_rounds() {
	local scn=$1
	local -n _n=$2 _c=$3 _p=$4
	local m=${#_n[@]} k j r any_prep=0 rounds=$ROUNDS per
	for k in "${!_n[@]}"; do [[ -n ${_p[$k]} ]] && any_prep=1; done
	[[ $HF_RUNS -lt $rounds ]] && rounds=$HF_RUNS
	per=$(((HF_RUNS + rounds - 1) / rounds))
	log "$scn: ${_n[*]} ($rounds rounds x $per runs)"
	local -a files=()
	for ((r = 0; r < rounds; r++)); do
		local -a args=(--runs "$per" --warmup $((r == 0 ? HF_WARM : (HF_WARM > 0 ? 1 : 0))))
		local -a order=()
		for ((j = 0; j < m; j++)); do order+=($(((j + r) % m))); done
		for k in "${order[@]}"; do
			args+=(-n "${_n[$k]}")
			[[ $any_prep == 1 ]] && args+=(--prepare "${_p[$k]:-true}")
		done
		for k in "${order[@]}"; do args+=("${_c[$k]}"); done
		hf_run "$scn" "$OUT/$scn.r$r.json" "${args[@]}" || break
		files+=("$OUT/$scn.r$r.json")
	done
	if [[ ${#files[@]} == "$rounds" ]]; then
		for k in "${!_n[@]}"; do hf_collect "$scn" "${_n[$k]}" "${files[@]}"; done
		return
	fi
	log "$scn: hyperfine failed, measuring one by one (see $OUT/$scn.log)"
	for k in "${!_n[@]}"; do
		local -a one=(--runs "$HF_RUNS" --warmup "$HF_WARM" -n "${_n[$k]}")
		[[ -n ${_p[$k]} ]] && one+=(--prepare "${_p[$k]}")
		if hf_run "$scn" "$OUT/$scn.c$k.json" "${one[@]}" "${_c[$k]}"; then
			hf_collect "$scn" "${_n[$k]}" "$OUT/$scn.c$k.json"
		else
			fail_row "$scn" "${_n[$k]}"
		fi
	done
}

# hf SCN [IDX NAME CMD PREP]... : IDX is the runtime index, "-" for a floor.
# Runtimes that fail the smoke test get a FAIL row and are left out.
hf() {
	local scn=$1
	shift
	local -a names=() cmds=() preps=()
	while [[ $# -gt 0 ]]; do
		if [[ $1 != - ]] && ! smoke "$1" "$scn" "$3" "$4"; then
			fail_row "$scn" "$2"
		else
			names+=("$2") cmds+=("$3") preps+=("${4:-}")
		fi
		shift 4
	done
	[[ ${#names[@]} -gt 0 ]] && hf_rounds "$scn" names cmds preps
	local i
	for i in "${!LABELS[@]}"; do sweep "$i"; done
}

rtcmd() { echo "${PATHS[$1]} --root $(rtroot "$1")"; }

scen_run() {
	HF_RUNS=$RUNS HF_WARM=$WARMUP
	local a=() i
	for i in "${!LABELS[@]}"; do
		a+=("$i" "${LABELS[$i]}" "$(rtcmd "$i") run --bundle $B/true isolatest-$i-run" "")
	done
	a+=(- floor "$LIMIT -a -f $ROOTFS" "")
	a+=(- "floor:fork+exec" "/bin/true" "")
	a+=(- "floor:ns+pivot+proc" "$LIMIT $ROOTFS" "")
	a+=(- "floor:+cgroups" "$LIMIT -a $ROOTFS" "")
	a+=(- "floor:self-join" "$LIMIT -a -f -t $ROOTFS" "")
	hf run "${a[@]}"
}

# The same, 50 ms apart: how a lone container starts on a quiet host. The first
# write of a pid to a v1 cgroup.procs after a pause waits for an RCU grace
# period (cgroup_threadgroup_rwsem); back-to-back runs hide that.
scen_cold() {
	HF_RUNS=$RUNS HF_WARM=$WARMUP
	local a=() i
	for i in "${!LABELS[@]}"; do
		a+=("$i" "${LABELS[$i]}" "$(rtcmd "$i") run --bundle $B/true isolatest-$i-cold" "sleep 0.05")
	done
	# here the floor is the init joining its cgroups itself, the cheapest way
	a+=(- floor "$LIMIT -a -f -t $ROOTFS" "sleep 0.05")
	a+=(- "floor:parent-join" "$LIMIT -a -f $ROOTFS" "sleep 0.05")
	hf cold "${a[@]}"
}

scen_phases() {
	HF_RUNS=$RUNS HF_WARM=$WARMUP
	local ph a i id cmd
	for ph in create start delete; do
		a=()
		for i in "${!LABELS[@]}"; do
			id=isolatest-$i-$ph
			case $ph in
			create) cmd="$(rtcmd "$i") create --bundle $B/true $id" ;;
			start) cmd="$(rtcmd "$i") start $id" ;;
			delete) cmd="$(rtcmd "$i") delete $id" ;;
			esac
			a+=("$i" "${LABELS[$i]}" "$cmd"
				"$CYCLE -p $ph ${PATHS[$i]} $(rtroot "$i") $B/true $id")
		done
		hf "$ph" "${a[@]}"
	done
}

scen_lifecycle() {
	HF_RUNS=$RUNS HF_WARM=$WARMUP
	local a=() i
	for i in "${!LABELS[@]}"; do
		a+=("$i" "${LABELS[$i]}"
			"$CYCLE ${PATHS[$i]} $(rtroot "$i") $B/true isolatest-$i-cyc" "")
	done
	a+=(- floor "$LIMIT -a -f $ROOTFS" "")
	a+=(- "floor:self-join" "$LIMIT -a -f -t $ROOTFS" "")
	hf lifecycle "${a[@]}"
}

# exec and state need a running container per runtime
scen_exec() {
	HF_RUNS=$RUNS HF_WARM=$WARMUP
	local i pid0="" ax=() as=() id up=()
	for i in "${!LABELS[@]}"; do
		up[$i]=0
		[[ ${BROKEN[$i]} == 1 ]] && continue
		id=isolatest-$i-sleep
		if timeout "$SMOKE_TIMEOUT" "${PATHS[$i]}" --root "$(rtroot "$i")" run -d \
			--pid-file "$WORK/sleep$i.pid" --bundle "$B/sleep$i" "$id" \
			</dev/null >/dev/null 2>"$OUT/exec-setup.err" && [[ -s $WORK/sleep$i.pid ]]; then
			up[$i]=1
			[[ -z $pid0 ]] && pid0=$(cat "$WORK/sleep$i.pid")
		else
			note_fail "$i" exec "run -d of the target container failed" "$OUT/exec-setup.err"
		fi
	done
	for i in "${!LABELS[@]}"; do
		id=isolatest-$i-sleep
		if [[ ${up[$i]} == 0 ]]; then
			fail_row exec "${LABELS[$i]}"
			fail_row state "${LABELS[$i]}"
			continue
		fi
		exec_one "$i" ax "$(rtcmd "$i") exec $id /bin/true" exec
		exec_one "$i" as "$(rtcmd "$i") state $id" state
	done
	[[ -n $pid0 ]] && ax+=(floor "$LIMIT -e $pid0 /bin/true" ""
		"floor:self-join" "$LIMIT -t -e $pid0 /bin/true" "")
	as+=(floor /bin/true "")
	exec_hf exec ax
	exec_hf state as
	for i in "${!LABELS[@]}"; do sweep "$i"; done
}

# exec_one IDX ARRAY CMD SCN : smoke without sweeping (the target must stay up)
exec_one() {
	local -n _a=$2
	if timeout "$SMOKE_TIMEOUT" $3 </dev/null >/dev/null 2>"$OUT/smoke.err"; then
		_a+=("${LABELS[$1]}" "$3" "")
	else
		note_fail "$1" "$4" "exit $?" "$OUT/smoke.err"
		fail_row "$4" "${LABELS[$1]}"
	fi
}

exec_hf() {
	local -n _e=$2
	local -a n=() c=() p=()
	local k
	for ((k = 0; k < ${#_e[@]}; k += 3)); do
		n+=("${_e[$k]}") c+=("${_e[$((k + 1))]}") p+=("")
	done
	hf_rounds "$1" n c p
}

scen_tput() {
	HF_RUNS=$TP_RUNS HF_WARM=0
	local P a i
	for P in 1 2 4; do
		a=()
		for i in "${!LABELS[@]}"; do
			a+=("$i" "${LABELS[$i]}" "xargs -a $WORK/tp.ids -P $P -I{} $(rtcmd "$i") run --bundle $B/tp{} isolatest-$i-tp{}" "")
		done
		a+=(- floor "xargs -a $WORK/tp.ids -P $P -I{} $LIMIT -a -f $ROOTFS" "")
		hf "tput-P$P" "${a[@]}"
	done
}

# rss_of NAME IDX CMD... : max RSS (KB) and minor faults of the whole `run`
# (the runtime and the children it waited for), RSS_RUNS times
rss_of() {
	local name=$1 i=$2 k rc
	shift 2
	: >"$WORK/rss"
	: >"$WORK/flt"
	for ((k = 0; k < RSS_RUNS; k++)); do
		timeout "$SMOKE_TIMEOUT" /usr/bin/time -f '%M %R' -o "$WORK/rss.1" "$@" \
			</dev/null >/dev/null 2>"$OUT/mem.err"
		rc=$?
		[[ $i != - ]] && sweep "$i"
		if [[ $rc != 0 ]]; then
			[[ $i != - ]] && note_fail "$i" mem "exit $rc" "$OUT/mem.err"
			fail_row rss "$name"
			fail_row faults "$name"
			return
		fi
		awk '{ print $1 >> "'"$WORK/rss"'"; print $2 >> "'"$WORK/flt"'" }' "$WORK/rss.1"
	done
	value_row rss "$name" "" <"$WORK/rss"
	value_row faults "$name" "" <"$WORK/flt"
}

scen_mem() {
	log "mem: max RSS and minor faults of run (/usr/bin/time), $RSS_RUNS runs"
	local i
	for i in "${!LABELS[@]}"; do
		if [[ ${BROKEN[$i]} == 1 ]]; then
			fail_row rss "${LABELS[$i]}"
			fail_row faults "${LABELS[$i]}"
			continue
		fi
		rss_of "${LABELS[$i]}" "$i" "${PATHS[$i]}" --root "$(rtroot "$i")" run \
			--bundle "$B/true" "isolatest-$i-rss"
	done
	rss_of floor - "$LIMIT" -a -f "$ROOTFS"
}

. "$HERE/counters.sh"
. "$HERE/image.sh"
. "$HERE/manager.sh"
. "$HERE/network.sh"
