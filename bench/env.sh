# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/env.sh - the benchmark environment, sourced by run.sh inside
# `unshare -m` under the reaper. Sets LABELS/PATHS, ROOTFS, bundles in $B,
# state dirs in $ST, the cleanup trap; everything lives in $WORK.

WORK=$ISOLABENCH_WORK OUT=$ISOLABENCH_OUT BIN=$ISOLABENCH_WORK/bin
LIMIT=$BIN/limit CYCLE=$BIN/cycle
ROOTFS=$WORK/rootfs B=$WORK/bundles ST=$WORK/state
CGP=/isolatest-bench.$$
RESULTS=$OUT/results.tsv FAILS=$OUT/failures.txt
REAPER_PID=$PPID
: >"$RESULTS"
: >"$FAILS"

LABELS=() PATHS=() BROKEN=()

# env_labels RUNTIME... : LABEL=PATH or PATH; a missing runtime stays in the
# table (its cells say fail) so a run always has the same columns.
env_labels() {
	local rt l p
	declare -A seen=()
	for rt in "$@"; do
		if [[ $rt == *=* ]]; then l=${rt%%=*} p=${rt#*=}; else l=$(basename "$rt") p=$rt; fi
		l=$(echo "$l" | tr -c 'A-Za-z0-9_.\n-' '_')
		while [[ -n ${seen[$l]:-} ]]; do l=${l}_; done
		seen[$l]=1
		LABELS+=("$l")
		[[ -e $p ]] && p=$(readlink -f "$p")
		PATHS+=("$p")
		if [[ ! -x $p ]]; then
			BROKEN+=(1)
			echo "$l: all: not executable: $p" >>"$FAILS"
			log "$l: $p is not executable: its cells will say fail"
		else
			BROKEN+=(0)
		fi
	done
}

# On a hybrid host (tmpfs /sys/fs/cgroup + cgroup2 on unified) crun 1.8 refuses
# to run even with --cgroup-manager=disabled. Rebuild /sys/fs/cgroup, in this
# private mount namespace only, as a tmpfs holding bind mounts of the v1
# hierarchies: every runtime sees pure v1 and does the same cgroup work.
# Unmounting 'unified' alone is not enough: crun then O_CREATs cgroup.procs
# files inside the host-owned tmpfs underneath it.
env_cgroups() {
	CGMODE=v1
	if [[ $(stat -f -c %T /sys/fs/cgroup) == cgroup2fs ]]; then
		CGMODE=v2
		return
	fi
	[[ $(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null) == cgroup2fs ]] || return
	CGMODE="hybrid (v1 controllers + cgroup2 at /sys/fs/cgroup/unified)"
	[[ $KEEP_UNIFIED == 1 ]] && return
	local stage=$WORK/cgv1 d n
	mkdir -p "$stage"
	mount -t tmpfs -o mode=755 isolatest-cgv1 "$stage" || die "cannot mount tmpfs"
	for d in /sys/fs/cgroup/*; do
		n=$(basename "$d")
		if [[ -L $d ]]; then
			cp -P "$d" "$stage/$n"
		elif [[ -d $d && $(stat -f -c %T "$d") == cgroupfs ]]; then
			mkdir "$stage/$n" && mount --bind "$d" "$stage/$n" || die "bind $d"
		fi
	done
	mount --move "$stage" /sys/fs/cgroup || die "cannot move the v1-only tmpfs"
	CGMODE="$CGMODE; benchmarked through a v1-only view (private mount ns)"
}

# mkb NAME ARGS-JSON-FRAGMENT: a bundle from config.template.json (runc spec
# default, terminal false) with its own cgroupsPath, so runc (which nests
# under the caller's cgroup) and crun (/<id>) do the same cgroup work.
mkb() {
	mkdir -p "$B/$1"
	local cfg=${TEMPLATE//\"@ARGS@\"/$2}
	printf '%s\n' "${cfg//@CGPATH@/$CGP/$1}" >"$B/$1/config.json"
}

env_bundles() {
	local i a
	mkdir -p "$ROOTFS"/{bin,proc,dev,sys,tmp,etc,root} "$B"
	cp "$ISOLABENCH_BB" "$ROOTFS/bin/busybox"
	for a in true sleep sh cat ls; do ln -sf busybox "$ROOTFS/bin/$a"; done
	echo "root:x:0:0:root:/root:/bin/sh" >"$ROOTFS/etc/passwd"
	TEMPLATE=$(sed "s|@ROOTFS@|$ROOTFS|" "$HERE/config.template.json")
	ARGS_TRUE='"/bin/true"' ARGS_SLEEP='"/bin/sleep", "100000"'
	mkb true "$ARGS_TRUE"
	for i in "${!LABELS[@]}"; do mkb "sleep$i" "$ARGS_SLEEP"; done
	if want tput; then for ((i = 1; i <= TP_N; i++)); do mkb "tp$i" "$ARGS_TRUE"; done; fi
	if want idle; then for ((i = 1; i <= IDLE; i++)); do mkb "idle$i" "$ARGS_SLEEP"; done; fi
	# valgrind refuses setrlimit(NOFILE) hard-limit changes: no rlimits there
	mkdir -p "$B/vg"
	jq 'del(.process.rlimits)' "$B/true/config.json" >"$B/vg/config.json" ||
		die "bad generated config"
	seq 1 "$TP_N" >"$WORK/tp.ids"
}

rtroot() { echo "$ST/${LABELS[$1]}"; }

# sweep I: delete -f every container runtime I still knows about
sweep() {
	local rt=${PATHS[$1]} root id
	root=$(rtroot "$1")
	[[ -d $root && -x $rt ]] || return 0
	for id in "$root"/*; do
		[[ -d $id ]] || continue
		timeout 20 "$rt" --root "$root" delete -f "${id##*/}" </dev/null >/dev/null 2>&1
	done
}

env_cleanup() {
	local i d p
	declare -F img_stop >/dev/null && img_stop
	declare -F mgr_cleanup >/dev/null && mgr_cleanup
	declare -F net_cleanup >/dev/null && net_cleanup
	for i in "${!LABELS[@]}"; do sweep "$i"; done
	# anything still in our cgroups was started by us
	for d in /sys/fs/cgroup/*$CGP/* /sys/fs/cgroup$CGP/*; do
		[[ -f $d/cgroup.procs ]] || continue
		while read -r p; do kill -9 "$p" 2>/dev/null; done <"$d/cgroup.procs"
	done
	sleep 0.2
	for d in /sys/fs/cgroup/*$CGP /sys/fs/cgroup$CGP /sys/fs/cgroup/*/isolatest-bench-floor; do
		[[ -d $d ]] || continue
		find "$d" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
		rmdir "$d" 2>/dev/null
	done
	umount "$ST" 2>/dev/null
}

env_setup() {
	ip link set lo up || die "cannot set lo up in the bench's network namespace"
	env_labels "$@"
	env_cgroups
	mkdir -p "$ST"
	mount -t tmpfs -o mode=700,size=256m isolatest-bench-state "$ST" ||
		die "cannot mount state tmpfs"
	local i
	for i in "${!LABELS[@]}"; do mkdir -p "$(rtroot "$i")"; done
	env_bundles
	trap env_cleanup EXIT
	trap 'exit 130' INT TERM
}
