# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/counters.sh - work counters that stay stable on a noisy machine
# (syscalls, user-space instructions), binary size, idle cost. Sourced by
# measure.sh.

is_go() { readelf -S "$1" 2>/dev/null | grep -q 'go\.buildinfo'; }

# strace_of NAME IDX CMD... : syscalls of one `run` and its children
strace_of() {
	local name=$1 i=$2 rc n
	shift 2
	timeout 60 strace -f -c -o "$OUT/strace-$name.txt" "$@" </dev/null >/dev/null 2>"$OUT/strace.err"
	rc=$?
	[[ $i != - ]] && sweep "$i"
	if [[ $rc != 0 ]]; then
		[[ $i != - ]] && note_fail "$i" syscalls "exit $rc under strace" "$OUT/strace.err"
		fail_row syscalls "$name"
		return
	fi
	n=$(awk '$NF == "total" { print $4 }' "$OUT/strace-$name.txt")
	echo "$n" | value_row syscalls "$name" ""
}

# vg_of NAME BIN ARGS... : callgrind Ir (user-space instructions), summed over
# the processes valgrind followed
vg_of() {
	local name=$1
	shift
	rm -f "$OUT/cg-$name".* "$OUT/vg-$name".*
	timeout 120 valgrind --tool=callgrind --trace-children=no --log-file="$OUT/vg-$name.%p" \
		--callgrind-out-file="$OUT/cg-$name.%p" "$@" </dev/null >/dev/null 2>&1 || return 1
	cat "$OUT/vg-$name".* | awk '/Collected :/ { s += $NF } END { print s }'
}

# Callgrind cannot follow a memfd self re-exec (crun, runc: CVE-2019-5736):
# if the plain run fails, retry with a read-only bind-mounted copy of the
# binary and _LIBCONTAINER_CLONED_BINARY=1, which makes them skip the copy.
instr_of() {
	local i=$1 L=${LABELS[$1]} rt=${PATHS[$1]} root ir ro
	root=$(rtroot "$i")
	if is_go "$rt"; then
		na_row instr "$L" "Go binary: valgrind cannot run it"
		return
	fi
	if ir=$(vg_of "$L" "$rt" --root "$root" run --bundle "$B/vg" "isolatest-$i-vg"); then
		sweep "$i"
		echo "$ir" | value_row instr "$L" ""
		return
	fi
	sweep "$i"
	ro=$WORK/robin/$L
	mkdir -p "$ro" && cp "$rt" "$ro/" && mount --bind "$ro" "$ro" &&
		mount -o remount,bind,ro "$ro"
	if ir=$(_LIBCONTAINER_CLONED_BINARY=1 vg_of "$L" "$ro/$(basename "$rt")" --root "$root" \
		run --bundle "$B/vg" "isolatest-$i-vg"); then
		echo "$ir" | value_row instr "$L" "without self-copy"
	else
		note_fail "$i" instr "valgrind run failed (see $OUT/vg-$L.*)"
		fail_row instr "$L"
	fi
	sweep "$i"
	umount "$ro" 2>/dev/null
}

# ptrace_of NAME IDX CMD... : user-space instructions of every process of one
# run, counted by single-stepping (bench/icount.c): covers what valgrind cannot
# run (clone3, openat2) and a runtime's self re-exec; about 30 us a step here
ptrace_of() {
	local name=$1 i=$2 rc n
	shift 2
	timeout 600 "$BIN/icount" -m 6 "$@" </dev/null >/dev/null 2>"$OUT/icount-$name.err"
	rc=$?
	[[ $i != - ]] && sweep "$i"
	n=$(awk '$1 == "icount:" && $2 ~ /^[0-9]+$/ { print $2, $4 }' "$OUT/icount-$name.err")
	if [[ $rc != 0 || -z $n ]]; then
		[[ $i != - ]] && note_fail "$i" instr-pt "exit $rc under icount" "$OUT/icount-$name.err"
		fail_row instr-pt "$name"
		return
	fi
	echo "${n% *}" | value_row instr-pt "$name" "$([[ ${n#* } == capped ]] && echo 'stopped at 6 M')"
}

scen_icount() {
	log "icount: syscalls (strace -f -c) and user-space instructions (callgrind) per run"
	local i have_st=0 have_vg=0
	command -v strace >/dev/null && have_st=1
	command -v valgrind >/dev/null && have_vg=1
	for i in "${!LABELS[@]}"; do
		if [[ ${BROKEN[$i]} == 1 ]]; then
			fail_row syscalls "${LABELS[$i]}"
			fail_row instr "${LABELS[$i]}"
			continue
		fi
		[[ $have_st == 1 ]] && strace_of "${LABELS[$i]}" "$i" ${PATHS[$i]} \
			--root "$(rtroot "$i")" run --bundle "$B/true" "isolatest-$i-st"
		[[ $have_vg == 1 ]] && instr_of "$i"
		if [[ $QUICK == 0 ]]; then
			if is_go "${PATHS[$i]}"; then
				na_row instr-pt "${LABELS[$i]}" "Go: too many steps"
			else
				log "icount: single-stepping ${LABELS[$i]} (slow)"
				ptrace_of "${LABELS[$i]}" "$i" "${PATHS[$i]}" --root "$(rtroot "$i")" \
					run --bundle "$B/true" "isolatest-$i-pt"
			fi
		fi
	done
	[[ $QUICK == 0 ]] && ptrace_of floor - "$LIMIT" -a -f "$ROOTFS"
	[[ $have_st == 1 ]] && strace_of floor - "$LIMIT" -a -f "$ROOTFS"
	local ir
	[[ $have_vg == 1 ]] && ir=$(vg_of floor "$LIMIT" -a -f "$ROOTFS") &&
		echo "$ir" | value_row instr floor ""
}

# size of the binary (stripped, as a distribution installs it) and of the
# shared libraries the dynamic loader maps for it (ldd)
scen_size() {
	log "size: stripped binary and ldd dependencies"
	local i rt L kb libs n lkb
	for i in "${!LABELS[@]}"; do
		rt=${PATHS[$i]} L=${LABELS[$i]}
		if [[ ! -f $rt ]]; then
			fail_row size "$L"
			fail_row libs "$L"
			fail_row disk "$L"
			continue
		fi
		cp "$rt" "$WORK/strip.bin" && strip --strip-all "$WORK/strip.bin" 2>/dev/null
		kb=$(($(stat -c %s "$WORK/strip.bin") / 1024))
		echo "$kb" | value_row size "$L" "$(($(stat -c %s "$rt") / 1024)) KB unstripped"
		libs=$(ldd "$rt" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
			$1 ~ /^\// { print $1 }' | sort -u)
		n=0 lkb=0
		for l in $libs; do
			n=$((n + 1))
			lkb=$((lkb + $(stat -L -c %s "$l") / 1024))
		done
		echo "$lkb" | value_row libs "$L" "$n libs"
		echo "$((kb + lkb))" | value_row disk "$L" ""
		echo "$L:" $libs >>"$OUT/libs.txt"
	done
	rm -f "$WORK/strip.bin"
}

# host memory in use without page cache and reclaimable slab
memused_kb() {
	awk '{ m[$1] = $2 } END { u = m["MemTotal:"] - m["MemFree:"] - m["Active(file):"]
		print u - m["Inactive(file):"] - m["SReclaimable:"] }' /proc/meminfo
}

descendants() {
	ps -eo pid=,ppid= | awk -v r="$1" '{ p[$1] = $2 } END { for (x in p) { y = x
		while (y in p && y != r && y > 1) y = p[y]; if (y == r && x != r) print x } }'
}

# leftover_kb : PSS of processes outside containers and outside this script
# (monitors a runtime leaves behind), printed as "count pss_kb"
leftover_kb() {
	local mine p n=0 pss=0
	mine=" $(descendants $$ | tr '\n' ' ') $$ "
	for p in $(descendants "$REAPER_PID"); do
		[[ $mine == *" $p "* ]] && continue
		grep -q ":$CGP/" "/proc/$p/cgroup" 2>/dev/null && continue
		[[ -r /proc/$p/smaps_rollup ]] || continue
		n=$((n + 1))
		pss=$((pss + $(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup")))
	done
	echo "$n $pss"
}

# IDLE detached sleep containers per runtime: what a running container costs
scen_idle() {
	log "idle: $IDLE detached sleep containers per runtime"
	local i k rt L root fails t0 t1 n left before after
	for i in "${!LABELS[@]}"; do
		rt=${PATHS[$i]} L=${LABELS[$i]} root=$(rtroot "$i")
		[[ ${BROKEN[$i]} == 1 ]] && { fail_row idle-up "$L"; continue; }
		sync
		before=$(memused_kb)
		fails=0
		t0=$(date +%s%N)
		for ((k = 1; k <= IDLE; k++)); do
			timeout "$SMOKE_TIMEOUT" "$rt" --root "$root" run -d --bundle "$B/idle$k" \
				"isolatest-$i-idle$k" </dev/null >/dev/null 2>>"$OUT/idle-$L.err" ||
				fails=$((fails + 1))
		done
		t1=$(date +%s%N)
		sleep 1
		after=$(memused_kb)
		n=$((IDLE - fails))
		echo "$n" | value_row idle-up "$L" "of $IDLE"
		if [[ $n == 0 ]]; then
			note_fail "$i" idle "no container came up" "$OUT/idle-$L.err"
			sweep "$i"
			continue
		fi
		read -r left pss <<<"$(leftover_kb)"
		echo "$left" | value_row idle-procs "$L" ""
		echo "$((pss / n))" | value_row idle-pss "$L" ""
		echo "$(((after - before) / n))" | value_row idle-host "$L" "noisy"
		echo "$(($(du -sk "$root" | awk '{ print $1 }') / n))" | value_row idle-state "$L" ""
		awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { printf "%.2f\n", (b - a) / 1e6 / n }' |
			value_row idle-rund "$L" ""
		sweep "$i"
	done
}
