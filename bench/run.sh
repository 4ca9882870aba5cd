#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/run.sh - isola-runtime, crun and runc side by side, against floors.
#
# usage: bench/run.sh [options] [LABEL=PATH ...]
#   Without runtimes it benchmarks
#     isola=$ISOLA_RUNTIME (default build/src/runtime/isola-runtime),
#     crun=$(command -v crun), runc=$(command -v runc).
#   A runtime that fails (or is missing) gets "fail" cells; the others go on.
# options:
#   -q      quick mode (~30 s; manager, network ~2 min more each): -r 10 -w 1 -n 30 -t 1, 5 memory runs, no image
#   -s LIST scenarios, comma separated (default run,cold,phases,lifecycle,
#           exec,tput,mem,icount,size,manager,network,image; also available: idle)
#           manager: `isola run --rm`, run -d + stop, exec, ps -a of 100
#           (ISOLA_CLI) against podman with crun and with isola-runtime,
#           docker when a daemon answers; the monitor's memory
#           network: `isola run --rm` with a bridge and -p against --network
#           none, iperf3 container to container and host to a published port,
#           against podman (netavark)
#           image: `isola pull` (ISOLA_CLI, default build/src/isola/isola) from
#           a local docker-registry vs skopeo copy + umoci unpack
#   -r N    timed runs per command (default 30)   -w N  warmup runs (default 3)
#   -n N    containers per throughput batch (100)  -t N  runs per batch (3)
#   -R N    rounds with rotated command order (default 3)
#   -i N    idle containers for the idle scenario (50)
#   -o DIR  keep raw results (hyperfine JSON, strace/callgrind output) in DIR
#   -D      write the table to docs/performance.md even for -q/-s runs
#   -N      never write docs/performance.md (a full default run does)
#   -U      keep the hybrid cgroup2 hierarchy visible (crun then fails)
#   -k      keep the work dir
#   -X CMD  run CMD inside the benchmark environment instead (see profile.sh)
#
# The environment (built by bench/env.sh): private mount and network
# namespaces (loopback only: no bridge, nft rule or port reaches the host)
# under a child subreaper, a v1-only view of /sys/fs/cgroup on hybrid hosts (crun
# refuses hybrid mode), state dirs on a private tmpfs, a busybox-static rootfs
# and `runc spec` default bundles with one unique cgroupsPath per container.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
TOP=$(cd "$HERE/.." && pwd)

RUNS=30 WARMUP=3 TP_N=100 TP_RUNS=3 IDLE=50 RSS_RUNS=10 ROUNDS=3
DEFSCEN=run,cold,phases,lifecycle,exec,tput,mem,icount,size,manager,network,image
SCEN=$DEFSCEN OUT="" KEEP_UNIFIED=0 KEEP_WORK=0 XMODE=0 QUICK=0 DOCS=auto

die() { echo "bench: $*" >&2; exit 1; }
log() { echo "[bench $(date +%T)] $*" >&2; }
usage() { sed -n '3,/^set -uo/p' "$SELF" | sed '$d; s/^# \{0,1\}//'; exit 2; }

ORIG_ARGS=("$@")
while getopts "r:w:n:t:i:s:o:R:qDNUkXh" o; do
	case $o in
	r) RUNS=$OPTARG ;; w) WARMUP=$OPTARG ;; n) TP_N=$OPTARG ;; t) TP_RUNS=$OPTARG ;;
	i) IDLE=$OPTARG ;; s) SCEN=$OPTARG ;; o) OUT=$OPTARG ;; R) ROUNDS=$OPTARG ;;
	q) QUICK=1 RUNS=10 WARMUP=1 TP_N=30 TP_RUNS=1 IDLE=20 RSS_RUNS=5 ;;
	D) DOCS=yes ;; N) DOCS=no ;;
	U) KEEP_UNIFIED=1 ;; k) KEEP_WORK=1 ;; X) XMODE=1 ;; *) usage ;;
	esac
done
shift $((OPTIND - 1))
[[ $XMODE == 1 ]] && SCEN=none
[[ $QUICK == 1 && $SCEN == "$DEFSCEN" ]] && SCEN=${DEFSCEN%,image}
want() { [[ ,$SCEN, == *,$1,* ]]; }
if [[ $DOCS == auto ]]; then
	DOCS=no
	[[ $QUICK == 0 && $SCEN == "$DEFSCEN" && $XMODE == 0 ]] && DOCS=yes
fi

# ---------------------------------------------------------------- outer part
if [[ -z ${ISOLABENCH_INNER:-} ]]; then
	[[ $EUID -eq 0 ]] || die "must run as root"
	for t in hyperfine jq gcc unshare ip xargs timeout /usr/bin/time; do
		command -v "$t" >/dev/null || die "missing tool: $t (scripts/install-deps --bench)"
	done
	BB=$(command -v busybox) || die "need busybox-static (scripts/install-deps)"
	WORK=$(mktemp -d /tmp/isolabench.XXXXXX)
	mkdir -p "$WORK/bin"
	for c in limit cycle reaper icount; do
		gcc -O2 -static -o "$WORK/bin/$c" "$HERE/$c.c" 2>/dev/null ||
			gcc -O2 -o "$WORK/bin/$c" "$HERE/$c.c" || die "cannot build $c.c"
	done
	[[ -n $OUT ]] || OUT=$WORK/results
	mkdir -p "$OUT"
	OUT=$(cd "$OUT" && pwd)
	export ISOLABENCH_INNER=1 ISOLABENCH_WORK=$WORK ISOLABENCH_OUT=$OUT ISOLABENCH_BB=$BB
	ISOLABENCH_HOSTNET=$(readlink /proc/self/ns/net) && export ISOLABENCH_HOSTNET
	ISOLABENCH_CMD="bench/run.sh${ORIG_ARGS[*]:+ ${ORIG_ARGS[*]}}"
	[[ -n ${ISOLA_CLI:-} ]] && ISOLABENCH_CMD="ISOLA_CLI=$ISOLA_CLI $ISOLABENCH_CMD"
	[[ -n ${ISOLA_RUNTIME:-} ]] && ISOLABENCH_CMD="ISOLA_RUNTIME=$ISOLA_RUNTIME $ISOLABENCH_CMD"
	export ISOLABENCH_CMD
	unshare -m -n --propagation private "$WORK/bin/reaper" bash "$SELF" "${ORIG_ARGS[@]}"
	rc=$?
	if [[ $rc == 0 && $DOCS == yes && -s $OUT/report.md ]]; then
		"$HERE/docs.sh" "$OUT/report.md" "$TOP/docs/performance.md" &&
			log "table written to docs/performance.md"
	fi
	if [[ $KEEP_WORK == 1 || $OUT != "$WORK"/* ]]; then
		[[ $KEEP_WORK == 1 ]] && log "work dir kept: $WORK"
		[[ $KEEP_WORK == 1 ]] || rm -rf "$WORK"
	else
		rm -rf "$WORK"
	fi
	exit $rc
fi

# ---------------------------------------------------------------- inner part
# shellcheck source=bench/env.sh
. "$HERE/env.sh"
# shellcheck source=bench/measure.sh
. "$HERE/measure.sh"

XCMD=()
if [[ $XMODE == 1 ]]; then
	XCMD=("$@")
	set --
fi
if [[ $# -eq 0 ]]; then
	set -- "isola=${ISOLA_RUNTIME:-$TOP/build/src/runtime/isola-runtime}" \
		"crun=$(command -v crun || echo /usr/bin/crun)" \
		"runc=$(command -v runc || echo /usr/sbin/runc)"
fi
env_setup "$@"

if [[ $XMODE == 1 ]]; then
	export ISOLABENCH_ROOTFS=$ROOTFS ISOLABENCH_BUNDLES=$B ISOLABENCH_STATE=$ST LIMIT CYCLE
	"${XCMD[@]}"
	exit $?
fi

T0=$(date +%s)
want run && scen_run
want cold && scen_cold
want phases && scen_phases
want lifecycle && scen_lifecycle
want exec && scen_exec
want tput && scen_tput
want mem && scen_mem
want icount && scen_icount
want size && scen_size
want idle && scen_idle
want manager && scen_manager
want network && scen_network
want image && scen_image
T1=$(date +%s)

. "$HERE/report.sh"
report_all "$((T1 - T0))"
