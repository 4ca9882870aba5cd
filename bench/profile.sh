#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/profile.sh - where a runtime's `run` spends its time, in the benchmark
# environment (private mount ns, v1-only cgroup view, busybox bundle).
#
# usage: bench/profile.sh [-n N] [-o DIR] [RUNTIME]
#   RUNTIME  default $ISOLA_RUNTIME or build/src/runtime/isola-runtime
#   -n N     runs of `run` under perf (default 200)
#   -o DIR   output directory (default /tmp/isolaprof.<label>)
# Prints: syscalls by count (strace -f -c), files opened twice, the slowest
# single syscalls (strace -f -T), perf cpu-clock samples by DSO and symbol (no
# PMU on this VM: cpu-clock only), instructions per process and function by
# ptrace single-step (bench/icount.c; slow, about 30 us a step here, but it
# covers the container init, which valgrind cannot run), callgrind by object
# file and function.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
N=200 OUTD=""
while getopts "n:o:h" o; do
	case $o in
	n) N=$OPTARG ;; o) OUTD=$OPTARG ;; *) sed -n '3,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
RT=$(readlink -f "${1:-${ISOLA_RUNTIME:-$TOP/build/src/runtime/isola-runtime}}")
L=$(basename "$RT")
OUTD=${OUTD:-/tmp/isolaprof.$L}

if [[ -z ${ISOLABENCH_BUNDLES:-} ]]; then
	exec "$HERE/run.sh" -X "$HERE/profile.sh" -n "$N" -o "$OUTD" "$RT"
fi

mkdir -p "$OUTD"
ROOT=$ISOLABENCH_STATE/prof
mkdir -p "$ROOT"
B=$ISOLABENCH_BUNDLES
run1() { "$RT" --root "$ROOT" run --bundle "$B/${2:-true}" "isolatest-prof$1" </dev/null >/dev/null; }
clean() { "$RT" --root "$ROOT" delete -f "isolatest-prof$1" >/dev/null 2>&1; }
section() { printf '\n== %s\n' "$*"; }

# cg_by_object FILE: self Ir per ELF object from a raw callgrind file (the cost
# line after calls= is the inclusive cost of that call: not counted)
cg_by_object() {
	awk 'function obj(s) { if (match(s, /^\([0-9]+\)/)) { id = substr(s, 1, RLENGTH)
			if (length(s) > RLENGTH + 1) name[id] = substr(s, RLENGTH + 2); return name[id] }
			return s }
		/^ob=/ { cur = obj(substr($0, 4)); next }
		/^cob=/ { obj(substr($0, 5)); next }
		/^calls=/ { skip = 1; next }
		/^[0-9+*-]/ { if (skip) { skip = 0; next } ir[cur] += $2; tot += $2 }
		END { for (o in ir) printf "  %10d %5.1f%%  %s\n", ir[o], 100 * ir[o] / tot, o }' "$1" |
		sort -rn
}

echo "# profile of $RT ($("$RT" --version 2>/dev/null | head -1)), output in $OUTD"
if ! run1 0; then
	echo "profile: $RT cannot run the benchmark bundle" >&2
	clean 0
	exit 1
fi

section "syscalls of one run by count (strace -f -c)"
strace -f -c -S calls -o "$OUTD/strace-c.txt" "$RT" --root "$ROOT" run --bundle "$B/true" \
	isolatest-prof1 </dev/null >/dev/null 2>&1
clean 1
head -n 22 "$OUTD/strace-c.txt"
tail -n 1 "$OUTD/strace-c.txt"

section "files opened more than once in one run"
strace -f -e trace=open,openat,openat2 -o "$OUTD/strace-open.txt" "$RT" --root "$ROOT" run \
	--bundle "$B/true" isolatest-prof5 </dev/null >/dev/null 2>&1
clean 5
grep -o '"[^"]*"' "$OUTD/strace-open.txt" | sort | uniq -c | sort -rn | awk '$1 > 1' | head -n 10

section "slowest syscalls of one run (strace -f -T; wall time inside the call)"
strace -f -T -tt -o "$OUTD/strace-T.txt" "$RT" --root "$ROOT" run --bundle "$B/true" \
	isolatest-prof2 </dev/null >/dev/null 2>&1
clean 2
sed -n 's/^\([0-9]*\) *\([0-9:.]*\) \(.*\) <\([0-9.]*\)>$/\4 \1 \3/p' "$OUTD/strace-T.txt" |
	sort -rn | head -n 15 | cut -c1-150
awk '{ n++ } END { print n " strace lines; first to last: see " FILENAME }' "$OUTD/strace-T.txt"

if command -v perf >/dev/null; then
	section "perf record -e cpu-clock over $N runs: samples by DSO, then by symbol"
	perf record -q -e cpu-clock -F 20000 -g -o "$OUTD/perf.data" -- bash -c "
		for i in \$(seq $N); do
			'$RT' --root '$ROOT' run --bundle '$B/true' isolatest-prof3 </dev/null >/dev/null
		done" 2>/dev/null
	clean 3
	perf report -i "$OUTD/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null |
		grep -v '^#' | grep -v '^$' | grep '%' | head -n 12
	echo
	perf report -i "$OUTD/perf.data" --no-children --sort dso,sym --stdio -g none 2>/dev/null |
		grep -v '^#' | grep '%' | head -n 30 | cut -c1-120
fi

section "ptrace single-step: instructions of every process until it execs the container's program"
if gcc -O2 -o "$OUTD/icount" "$HERE/icount.c" 2>/dev/null; then
	"$OUTD/icount" -p "$OUTD/icount.prof" "$RT" --root "$ROOT" run --bundle "$B/true" \
		isolatest-prof6 </dev/null >/dev/null 2>"$OUTD/icount.err"
	clean 6
	grep '^icount:' "$OUTD/icount.err"
	python3 "$HERE/symbolize.py" "$OUTD/icount.prof" "$RT" 30
fi

if command -v valgrind >/dev/null; then
	section "callgrind: user-space instructions of one run by object file, then by function"
	rm -f "$OUTD"/cg.out.*
	valgrind --tool=callgrind --trace-children=no --callgrind-out-file="$OUTD/cg.out.%p" \
		"$RT" --root "$ROOT" run --bundle "$B/vg" isolatest-prof4 </dev/null >/dev/null \
		2>"$OUTD/vg.log"
	clean 4
	for f in "$OUTD"/cg.out.*; do
		[[ -f $f ]] || continue
		echo "-- $f"
		callgrind_annotate --inclusive=no "$f" 2>/dev/null | sed -n '/^Ir/,$p' |
			head -n 22 | cut -c1-130
		echo "  by object file (self cost):"
		cg_by_object "$f" | head -n 8
		echo "  functions of $L itself, inclusive cost:"
		callgrind_annotate --inclusive=yes "$f" 2>/dev/null | grep -F "[$RT]" |
			head -n 20 | cut -c1-110
	done
fi
