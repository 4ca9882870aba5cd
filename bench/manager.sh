# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/manager.sh - issue 12's manager benchmark, sourced by measure.sh:
# `isola run --rm`, run -d + stop, exec and ps against podman (with crun and
# with isola-runtime) and docker (when a daemon answers), on one busybox image
# made from the bench's rootfs, plus the monitor's memory. Rows go to $RESULTS
# as mgr-*, columns isola, podman-crun, podman-isola, docker and "floor" (the
# runtime alone: `isola-runtime run` of the bench bundle).

ISOLA_CLI=${ISOLA_CLI:-$TOP/build/src/isola/isola}
MGR_RT=${ISOLA_RUNTIME:-$TOP/build/src/runtime/isola-runtime}
MGR_N=100 MGR_IMG=isolabench MGR_PMIMG=localhost/isolabench/busybox
MGR_DIR="" MGR_PM="" MGR_DK="" MGR_NOTES=() MGR_PMVER="" MGR_CACHE_MNT=""

# paths podman may create outside its --root/--runroot (our containers.conf
# keeps it out of them): we remove only the ones that did not exist before,
# and only when no other podman runs (it may be someone else's)
MGR_PM_PATHS=(/run/libpod /run/containers /var/lib/cni /var/lib/containers
	/var/lib/containers/cache /dev/shm/libpod_lock)

mgr_isola() { echo "$ISOLA_CLI --root $MGR_DIR/store --runroot $MGR_DIR/run"; }

mgr_pm() { # RUNTIME: a podman command line on the private store
	echo "podman --root $MGR_DIR/pm/root --runroot $MGR_DIR/pm/runroot --storage-driver overlay" \
		"--cgroup-manager cgroupfs --runtime $1"
}

# mgr_script NAME BODY: a script file, so hyperfine -N needs no shell quoting
mgr_script() {
	printf '#!/bin/sh\n%s\n' "$2" >"$MGR_DIR/$1.sh"
	echo "sh $MGR_DIR/$1.sh"
}

# Pinned ulimits: podman's root defaults exceed this VM's hard limits. File
# locks and a private tmp dir keep podman out of /dev/shm and /run/libpod.
mgr_podman_setup() {
	local d=$MGR_DIR/pm p
	command -v podman >/dev/null || { MGR_NOTES+=("podman: skipped (not installed)"); return 1; }
	mkdir -p "$d"
	for p in "${MGR_PM_PATHS[@]}"; do [[ -e $p ]] || echo "$p"; done >"$d/paths-new"
	cat >"$d/containers.conf" <<-EOF
		[containers]
		default_ulimits = ["nofile=1024:4096", "nproc=4096:4096"]
		log_driver = "k8s-file"
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		events_logfile_path = "$d/events.log"
		lock_type = "file"
		tmp_dir = "$d/tmp"
		static_dir = "$d/root/libpod"
		volume_path = "$d/root/volumes"
	EOF
	# `podman import` writes the host's blob info cache whatever --root says:
	# hide it behind a private dir (we are in a private mount namespace)
	mkdir -p "$d/cache"
	[[ -d /var/lib/containers/cache ]] && mount --bind "$d/cache" /var/lib/containers/cache &&
		MGR_CACHE_MNT=1
	export CONTAINERS_CONF=$d/containers.conf
	MGR_PM=1
	MGR_PMVER=$(podman --version 2>/dev/null | awk '{ print $NF }')
	timeout 120 $(mgr_pm /usr/bin/crun) import -q "$MGR_DIR/rootfs.tar" "$MGR_PMIMG" \
		>/dev/null 2>"$OUT/mgr-podman.err" && return 0
	MGR_NOTES+=("podman: import failed: $(tail -n 1 "$OUT/mgr-podman.err" | cut -c1-160)")
	return 1
}

# docker only when a daemon already answers: the image goes into its store
# under a bench name and is removed afterwards
mgr_docker_setup() {
	command -v docker >/dev/null && timeout 10 docker info >/dev/null 2>&1 ||
		{ MGR_NOTES+=("docker: skipped (no daemon)"); log "manager: docker: skipped (no daemon)"; return 1; }
	timeout 120 docker import "$MGR_DIR/rootfs.tar" isolabench/busybox:latest >/dev/null 2>&1 ||
		{ MGR_NOTES+=("docker: skipped (import failed)"); return 1; }
	MGR_DK=1
}

mgr_setup() {
	MGR_DIR=$WORK/mgr
	mkdir -p "$MGR_DIR"
	tar -C "$ROOTFS" -cf "$MGR_DIR/rootfs.tar" . || return 1
	$(mgr_isola) import -q "$ROOTFS" "$MGR_IMG" >/dev/null 2>"$OUT/mgr-import.err" || {
		echo "isola: manager: import failed: $(tail -n 1 "$OUT/mgr-import.err")" >>"$FAILS"
		return 1
	}
}

# mgr_hf SCN [NAME CMD PREP]... : smoke each command once (it must work), time the rest
mgr_hf() {
	local scn=$1 rc
	shift
	local -a n=() c=() p=()
	while [[ $# -gt 0 ]]; do
		[[ -n $3 ]] && $3 >/dev/null 2>&1
		timeout 60 $2 </dev/null >/dev/null 2>"$OUT/smoke.err"
		rc=$?
		if [[ $rc == 0 ]]; then
			n+=("$1") c+=("$2") p+=("$3")
		else
			echo "$1: $scn: exit $rc: $(grep -v '^$' "$OUT/smoke.err" | tail -n 1 | cut -c1-160)" >>"$FAILS"
			log "$1 failed $scn"
			fail_row "$scn" "$1"
		fi
		shift 3
	done
	[[ ${#n[@]} -gt 0 ]] && hf_rounds "$scn" n c p
}

# the `run` scenario's number for isola-runtime, when it ran in this invocation
mgr_reuse_run() {
	local i
	want run || return 1
	for i in "${!LABELS[@]}"; do
		[[ ${PATHS[$i]} == "$(readlink -f "$MGR_RT")" ]] || continue
		awk -F'\t' -v n="${LABELS[$i]}" '$1 == "run" && $2 == n && $3 ~ /^[0-9]/ {
			OFS = "\t"; $1 = "mgr-run"; $2 = "floor"; $9 = "from the run row"; print; f = 1 }
			END { exit !f }' "$RESULTS" >>"$RESULTS.mgr" || continue
		cat "$RESULTS.mgr" >>"$RESULTS"
		rm -f "$RESULTS.mgr"
		return 0
	done
	return 1
}

mgr_run_rm() {
	local a=(isola "$(mgr_isola) run --rm --network none $MGR_IMG true" "")
	local pmr="--rm --network none --cgroup-parent $CGP $MGR_PMIMG true"
	[[ -n $MGR_PM ]] && a+=(podman-crun "$(mgr_pm /usr/bin/crun) run $pmr" ""
		podman-isola "$(mgr_pm "$MGR_RT") run $pmr" "")
	[[ -n $MGR_DK ]] && a+=(docker "docker run --rm --network none isolabench/busybox true" "")
	mkdir -p "$ST/mgr-rt"
	mgr_reuse_run ||
		a+=(floor "$MGR_RT --root $ST/mgr-rt run --bundle $B/true isolatest-mgr-rt" "")
	mgr_hf mgr-run "${a[@]}"
}

# run -d of `sleep 1000`, then `stop -t 0` (TERM, KILL at once: sleep as PID 1
# ignores TERM); the previous cycle's container is removed untimed (--prepare)
mgr_cycle() {
	local I P a
	I=$(mgr_isola)
	a=(isola "$(mgr_script cyc-isola "$I run -d --name mgr-cyc --network none $MGR_IMG sleep 1000 >/dev/null &&
exec $I stop -t 0 mgr-cyc")" "$(mgr_script cyc-isola-rm "$I rm -f mgr-cyc >/dev/null 2>&1; true")")
	if [[ -n $MGR_PM ]]; then
		P=$(mgr_pm /usr/bin/crun)
		a+=(podman-crun "$(mgr_script cyc-pm "$P run -d --name mgr-cyc --network none \
--cgroup-parent $CGP $MGR_PMIMG sleep 1000 >/dev/null && exec $P stop -t 0 mgr-cyc")"
			"$(mgr_script cyc-pm-rm "$P rm -f -t 0 mgr-cyc >/dev/null 2>&1; true")")
	fi
	mgr_hf mgr-cycle "${a[@]}"
	$(mgr_isola) rm -f mgr-cyc >/dev/null 2>&1
	[[ -n $MGR_PM ]] && $(mgr_pm /usr/bin/crun) rm -f -t 0 mgr-cyc >/dev/null 2>&1
}

# mgr_mem SCN-SUFFIX NAME PID : VmRSS and Pss (KB) of one process
mgr_mem() {
	local rss pss
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$3/status" 2>/dev/null)
	pss=$(awk '/^Pss:/ { print $2 }' "/proc/$3/smaps_rollup" 2>/dev/null)
	[[ -n $rss && -n $pss ]] || { fail_row "mgr-rss$1" "$2"; fail_row "mgr-pss$1" "$2"; return; }
	echo "$rss" | value_row "mgr-rss$1" "$2" ""
	echo "$pss" | value_row "mgr-pss$1" "$2" ""
}

mgr_monitor_pid() {
	local id
	id=$($(mgr_isola) inspect --format '{{.Id}}' "$1" 2>/dev/null) || return 1
	jq -r '.State.MonitorPid // empty' "$MGR_DIR/store/containers/$id/container.json"
}

# exec into a running `sleep`; its monitor (isola) and conmon (podman) are
# measured while they are the only ones
mgr_exec() {
	local a=() pid
	if $(mgr_isola) run -d --name mgr-exec --network none "$MGR_IMG" sleep 1000 >/dev/null 2>"$OUT/mgr.err"; then
		pid=$(mgr_monitor_pid mgr-exec)
		mgr_mem "" isola "${pid:-0}"
		a+=(isola "$(mgr_isola) exec mgr-exec true" "")
	else
		echo "isola: manager: run -d failed: $(tail -n 1 "$OUT/mgr.err")" >>"$FAILS"
		fail_row mgr-exec isola
	fi
	if [[ -n $MGR_PM ]] && $(mgr_pm /usr/bin/crun) run -d --name mgr-exec --network none \
		--cgroup-parent "$CGP" "$MGR_PMIMG" sleep 1000 >/dev/null 2>"$OUT/mgr.err"; then
		pid=$($(mgr_pm /usr/bin/crun) inspect --format '{{.State.ConmonPid}}' mgr-exec)
		mgr_mem "" podman-crun "${pid:-0}"
		a+=(podman-crun "$(mgr_pm /usr/bin/crun) exec mgr-exec true" "")
	fi
	[[ ${#a[@]} -gt 0 ]] && mgr_hf mgr-exec "${a[@]}"
	[[ -n $MGR_PM ]] && $(mgr_pm /usr/bin/crun) rm -f -t 0 mgr-exec >/dev/null 2>&1
}

# the fixed cost of every isola command: ps -a of an empty store, against the
# static runtime's start-up
mgr_startup() {
	mkdir -p "$MGR_DIR/empty"
	mgr_hf mgr-startup isola "$ISOLA_CLI --root $MGR_DIR/empty/store --runroot $MGR_DIR/empty/run ps -a" "" \
		floor "$MGR_RT --version" ""
}

# ps -a with MGR_N running detached containers (mgr-exec and MGR_N - 1 more)
mgr_ps() {
	local I k t0 t1 up=1 pids
	I=$(mgr_isola)
	t0=$(date +%s%N)
	for ((k = 2; k <= MGR_N; k++)); do
		$I run -d --name "mgr-ps$k" --network none "$MGR_IMG" sleep 1000 >/dev/null 2>>"$OUT/mgr-ps.err" &&
			up=$((up + 1))
	done
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" -v n="$((MGR_N - 1))" 'BEGIN { printf "%.2f\n", (b - a) / 1e6 / n }' |
		value_row mgr-rund isola ""
	echo "$up" | value_row mgr-up isola "of $MGR_N"
	[[ $up == "$MGR_N" ]] || echo "isola: manager: only $up of $MGR_N containers came up" >>"$FAILS"
	# every monitor's share once MGR_N of them run
	pids=$(for f in "$MGR_DIR"/store/containers/*/container.json; do jq -r '.State.MonitorPid' "$f"; done)
	for k in $pids; do awk '/^Pss:/ { print $2 }' "/proc/$k/smaps_rollup" 2>/dev/null; done |
		value_row mgr-pss-n isola ""
	mgr_hf mgr-ps isola "$I ps -a" ""
	# one `rm -f` of all of them: what a clean-up costs per container
	t0=$(date +%s%N)
	timeout 300 $I rm -f mgr-exec $(seq -f 'mgr-ps%g' 2 "$MGR_N") >/dev/null 2>"$OUT/mgr-rm.err" ||
		echo "isola: manager: rm -f of $MGR_N failed: $(tail -n 1 "$OUT/mgr-rm.err")" >>"$FAILS"
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" -v n="$MGR_N" 'BEGIN { printf "%.2f\n", (b - a) / 1e6 / n }' |
		value_row mgr-rmall isola ""
}

scen_manager() {
	log "manager: isola run --rm / run -d + stop / exec / ps -a ($MGR_N running) against podman and docker"
	HF_RUNS=$RUNS HF_WARM=$WARMUP
	if [[ ! -x $ISOLA_CLI ]] || ! mgr_setup; then
		echo "isola: manager: $ISOLA_CLI missing or setup failed" >>"$FAILS"
		fail_row mgr-run isola
		mgr_cleanup
		return
	fi
	mgr_podman_setup || { MGR_PM=""; log "manager: podman skipped"; }
	mgr_docker_setup
	mgr_run_rm
	mgr_cycle
	mgr_startup
	mgr_exec
	mgr_ps
	mgr_cleanup
}

# ---------------------------------------------------------------- cleanup
mgr_cleanup_isola() {
	local f pid id m
	for f in "$MGR_DIR"/store/containers/*/container.json; do
		[[ -f $f ]] || continue
		pid=$(jq -r '.State.MonitorPid // 0' "$f" 2>/dev/null)
		[[ ${pid:-0} -gt 0 ]] && kill -9 "$pid" 2>/dev/null
	done
	for f in "$MGR_DIR"/store/containers/*/container.json; do
		[[ -f $f ]] || continue
		id=$(jq -r .Id "$f")
		timeout 20 $(mgr_isola) rm -f "$id" >/dev/null 2>&1
	done
	for f in "$MGR_DIR"/run/runtime/*; do
		[[ -d $f ]] || continue
		timeout 20 "$MGR_RT" --root "$MGR_DIR/run/runtime" delete -f "${f##*/}" >/dev/null 2>&1
		id=${f##*/}
		for m in /sys/fs/cgroup/*/"isola-$id"; do
			[[ -d $m ]] || continue
			while read -r pid; do kill -9 "$pid" 2>/dev/null; done <"$m/cgroup.procs"
			rmdir "$m" 2>/dev/null
		done
	done
}

mgr_cleanup() {
	[[ -n $MGR_DIR && -d $MGR_DIR ]] || return 0
	local m p
	mgr_cleanup_isola
	if [[ -n $MGR_PM ]]; then
		timeout 60 $(mgr_pm /usr/bin/crun) rm -a -f -t 0 >/dev/null 2>&1
		timeout 60 $(mgr_pm /usr/bin/crun) rmi -a -f >/dev/null 2>&1
	fi
	if [[ -n $MGR_DK ]]; then
		timeout 60 docker rmi isolabench/busybox:latest >/dev/null 2>&1
	fi
	[[ -n $MGR_CACHE_MNT ]] && umount /var/lib/containers/cache && MGR_CACHE_MNT=""
	for m in $(awk -v t="$MGR_DIR" 'index($5, t "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null
	done
	if [[ -f $MGR_DIR/pm/paths-new ]] && ! pgrep -x podman >/dev/null; then
		while read -r p; do
			[[ -n $p && -e $p ]] || continue
			log "manager: podman left $p: removed"
			rm -rf "$p"
		done <"$MGR_DIR/pm/paths-new"
	fi
	rm -rf "$MGR_DIR"
	unset CONTAINERS_CONF
	MGR_DIR="" MGR_PM="" MGR_DK=""
}
