#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# The cgroup manager on the host's own layout (hybrid here: v1 controllers
# plus hugetlb on /sys/fs/cgroup/unified).

load helpers

setup() {
	cg_setup
	[ "$(stat -f -c %T /sys/fs/cgroup)" = tmpfs ] || skip "host is not v1/hybrid"
}

teardown() {
	cg_teardown
	[ -z "${RLDIR:-}" ] || rm -rf "$RLDIR"
}

v1() { cat "/sys/fs/cgroup/$1$CGPATH/$2"; }

@test "hybrid: layout detected and every hierarchy joined" {
	cg create "$CGNAME" "$CGPATH"
	run cg layout
	[ "$output" = hybrid ]
	for c in memory pids cpu cpuacct cpuset devices freezer blkio unified; do
		[ -d "/sys/fs/cgroup/$c$CGPATH" ] || { echo "no $c"; false; }
	done
	# named hierarchies too, as runc does
	[ -d "/sys/fs/cgroup/systemd$CGPATH" ]
	start_sleeper
	grep -qx "$SLEEPER" "/sys/fs/cgroup/memory$CGPATH/cgroup.procs"
	grep -qx "$SLEEPER" "/sys/fs/cgroup/unified$CGPATH/cgroup.procs"
}

@test "hybrid: memory, pids, cpu, cpuset, blkio and hugetlb limits are written" {
	local blk BMAJ BMIN
	need_hugepage_size
	blk=$(ls /sys/block | grep -v -E '^(loop|ram)' | head -1)
	[ -n "$blk" ] || skip "no block device"
	IFS=: read -r BMAJ BMIN < "/sys/block/$blk/dev"
	cg create "$CGNAME" "$CGPATH" '{"memory":{"limit":67108864,"swap":134217728,
		"reservation":33554432,"swappiness":10,"disableOOMKiller":false},
		"pids":{"limit":42},"cpu":{"shares":512,"quota":20000,"period":100000,
		"cpus":"0","mems":"0"},"hugepageLimits":[{"pageSize":"'"$HP"'","limit":4194304}],
		"blockIO":{"throttleReadBpsDevice":[{"major":'"$BMAJ"',"minor":'"$BMIN"',"rate":1048576}]}}'
	[ "$(v1 memory memory.limit_in_bytes)" = 67108864 ]
	[ "$(v1 memory memory.memsw.limit_in_bytes)" = 134217728 ]
	[ "$(v1 memory memory.soft_limit_in_bytes)" = 33554432 ]
	[ "$(v1 memory memory.swappiness)" = 10 ]
	[ "$(v1 pids pids.max)" = 42 ]
	[ "$(v1 cpu cpu.shares)" = 512 ]
	[ "$(v1 cpu cpu.cfs_quota_us)" = 20000 ]
	[ "$(v1 cpuset cpuset.cpus)" = 0 ]
	[ "$(v1 unified "hugetlb.$HP.max")" = 4194304 ]
	grep -q "^$BMAJ:$BMIN 1048576" "/sys/fs/cgroup/blkio$CGPATH/blkio.throttle.read_bps_device"
}

@test "hybrid: empty cpuset copied from the parent at every created level" {
	cg create "$CGNAME" "$CGPATH"
	[ -n "$(cat /sys/fs/cgroup/cpuset/$CGNAME/cpuset.cpus)" ]
	[ "$(v1 cpuset cpuset.mems)" = "$(cat /sys/fs/cgroup/cpuset/cpuset.mems)" ]
	start_sleeper
}

@test "hybrid: raising memory+swap together works in either order" {
	cg create "$CGNAME" "$CGPATH" '{"memory":{"limit":33554432,"swap":33554432}}'
	cg update '{"memory":{"limit":134217728,"swap":268435456}}'
	[ "$(v1 memory memory.limit_in_bytes)" = 134217728 ]
	[ "$(v1 memory memory.memsw.limit_in_bytes)" = 268435456 ]
	cg update '{"memory":{"limit":16777216,"swap":16777216}}'
	[ "$(v1 memory memory.memsw.limit_in_bytes)" = 16777216 ]
}

@test "hybrid: memory limit OOM-kills an allocation and the event is reported" {
	cg create "$CGNAME" "$CGPATH" '{"memory":{"limit":33554432,"swap":33554432}}'
	[ "$(cg oomcount)" = 0 ]
	cg oomwait 5000 > "$BATS_TEST_TMPDIR/oom" &
	local waiter=$!
	sleep 0.2
	run sh -c 'echo $$ > '"/sys/fs/cgroup/memory$CGPATH/cgroup.procs"'; exec dd if=/dev/zero of=/dev/null bs=128M count=1'
	[ "$status" -eq 137 ]
	wait "$waiter"
	[ "$(cat "$BATS_TEST_TMPDIR/oom")" = event ]
	[ "$(cg oomcount)" -ge 1 ]
}

@test "hybrid: pids limit stops a fork loop" {
	cg create "$CGNAME" "$CGPATH" '{"pids":{"limit":5}}'
	run sh -c 'echo $$ > '"/sys/fs/cgroup/pids$CGPATH/cgroup.procs"'
		ok=0; for i in 1 2 3 4 5 6 7 8 9 10; do sleep 5 & [ $? -eq 0 ] && ok=$((ok+1)); done
		echo started=$ok; kill $(jobs -p) 2>/dev/null; wait'
	echo "$output"
	[[ "$output" == *"fork"*"Resource temporarily unavailable"* ]] || [[ "$output" != *started=10* ]]
	[[ "$output" != *started=10* ]]
	[ "$(v1 pids pids.max)" = 5 ]
}

@test "hybrid: cpu quota shows up as throttling in stats" {
	cg create "$CGNAME" "$CGPATH" '{"cpu":{"quota":10000,"period":100000}}'
	run sh -c 'echo $$ > '"/sys/fs/cgroup/cpu$CGPATH/cgroup.procs"'; timeout 0.6 sh -c "while :; do :; done"; true'
	run cg stats
	echo "$output"
	local throttled
	throttled=$(echo "$output" | sed -n 's/.*"throttled_periods":\([0-9]*\).*/\1/p')
	[ "$throttled" -gt 0 ]
	[[ "$output" == *'"pids":{"current":0'* ]]
}

@test "hybrid: freeze and thaw a real sleeping process" {
	cg create "$CGNAME" "$CGPATH"
	start_sleeper
	[ "$(cg frozen)" = 0 ]
	cg freeze
	[ "$(cg frozen)" = 1 ]
	[ "$(cat /sys/fs/cgroup/freezer$CGPATH/freezer.state)" = FROZEN ]
	cg thaw
	[ "$(cg frozen)" = 0 ]
	kill -0 "$SLEEPER"
}

@test "hybrid: pids lists nested cgroups, kill signals everything" {
	cg create "$CGNAME" "$CGPATH"
	start_sleeper
	mkdir "/sys/fs/cgroup/pids$CGPATH/nested"
	sleep 100 &
	PIDS+=($!)
	echo $! > "/sys/fs/cgroup/pids$CGPATH/nested/cgroup.procs"
	run cg pids
	[ "${#lines[@]}" -eq 2 ]
	cg kill 15
	wait "$SLEEPER" || [ $? -eq 143 ]
	! kill -0 "$SLEEPER" 2>/dev/null
}

@test "hybrid: SIGKILL reaches a paused container" {
	cg create "$CGNAME" "$CGPATH"
	start_sleeper
	cg freeze
	cg kill 9
	wait "$SLEEPER" || [ $? -eq 137 ]
	[ -z "$(cg pids)" ]
}

@test "hybrid: destroy kills what is left and leaves no group" {
	cg create "$CGNAME" "$CGPATH"
	start_sleeper
	cg freeze
	cg destroy
	rm -f "$STATE"
	assert_gone
	! kill -0 "$SLEEPER" 2>/dev/null || { wait "$SLEEPER"; true; }
}

@test "hybrid: destroy keeps a parent it did not create" {
	mkdir "/sys/fs/cgroup/memory/$CGNAME"
	cg create "$CGNAME" "$CGPATH"
	cg destroy
	rm -f "$STATE"
	[ -d "/sys/fs/cgroup/memory/$CGNAME" ]
	[ ! -d "/sys/fs/cgroup/pids/$CGNAME" ]
	rmdir "/sys/fs/cgroup/memory/$CGNAME"
}

@test "hybrid: relative and absent cgroupsPath go below the caller's cgroup" {
	local own
	own=$(sed -n 's/^[0-9]*:memory:\(.*\)/\1/p' /proc/self/cgroup)
	cg create "$CGNAME" "$CGNAME/rel"
	[ "$(cg dir memory)" = "/sys/fs/cgroup/memory${own%/}/$CGNAME/rel" ]
	cg destroy
	cg_teardown
	rm -f "$STATE"
	cg create "$CGNAME"
	[ "$(cg dir memory)" = "/sys/fs/cgroup/memory${own%/}/$CGNAME" ]
}

@test "hybrid: bad paths and unsupported fields are clear errors" {
	run cg create "$CGNAME" "/$CGNAME/../../etc"
	[ "$status" -ne 0 ]
	[[ "$output" == *'".." not allowed'* ]]
	run cg create "$CGNAME" "$CGPATH" '{"unified":{"memory.max":"1"}}'
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.resources.unified.memory.max: not supported on this host'* ]]
	run cg create "$CGNAME" "$CGPATH" '{"hugepageLimits":[{"pageSize":"3MB","limit":0}]}'
	[ "$status" -ne 0 ]
	[[ "$output" == *'hugepageLimits[0]: not supported on this host: no "hugetlb.3MB.max"'* ]]
	run cg create "$CGNAME" "$CGPATH" '{"memory":{"limit":1048576000,"swap":1}}'
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.resources.memory'* ]]
	assert_gone
}

@test "hybrid: advisory fields warn instead of failing silently" {
	run cg create "$CGNAME" "$CGPATH" '{"memory":{"kernel":1048576,"useHierarchy":false}}'
	[ "$status" -eq 0 ]
	[[ "$output" == *"warning: linux.resources.memory.kernel: kernel memory limits are not enforced"* ]]
	[[ "$output" == *"warning: linux.resources.memory.useHierarchy"* ]]
}

@test "hybrid: devices allow list on v1" {
	cg create "$CGNAME" "$CGPATH" '{"devices":[{"allow":false,"access":"rwm"},
		{"allow":true,"type":"c","major":1,"minor":3,"access":"rw"}]}'
	[ "$(v1 devices devices.list)" = "c 1:3 rw" ]
	run sh -c 'echo $$ > '"/sys/fs/cgroup/devices$CGPATH/cgroup.procs"'; echo x > /dev/null && echo null-ok; head -c1 /dev/zero'
	[[ "$output" == *null-ok* ]]
	[[ "$output" == *"Operation not permitted"* ]]
}

@test "hybrid: update changes limits of a live cgroup" {
	cg create "$CGNAME" "$CGPATH" '{"pids":{"limit":10}}'
	start_sleeper
	cg update '{"pids":{"limit":20},"cpu":{"shares":256}}'
	[ "$(v1 pids pids.max)" = 20 ]
	[ "$(v1 cpu cpu.shares)" = 256 ]
	cg update '{"pids":{"limit":-1}}'
	[ "$(v1 pids pids.max)" = max ]
}

@test "hybrid: the container's /sys/fs/cgroup view (tmpfs + per-controller binds, ro)" {
	cg create "$CGNAME" "$CGPATH" '{"pids":{"limit":7}}'
	mkdir "$BATS_TEST_TMPDIR/view"
	run unshare -m --propagation private sh -c '
		'"$CGTEST"' '"$STATE"' mount '"$BATS_TEST_TMPDIR/view"' ro || exit 1
		cd '"$BATS_TEST_TMPDIR/view"'
		ls; cat pids/pids.max; stat -f -c %T . unified
		touch x 2>&1; echo y > pids/pids.max 2>&1 || echo write-refused'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *memory*pids*systemd*unified* ]]
	[[ "${lines[*]}" == *" 7 "* ]]
	[[ "$output" == *tmpfs*cgroup2* ]]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *write-refused* ]]
}

@test "hybrid: in a cgroup namespace the view is a fresh mount rooted at the container" {
	cg create "$CGNAME" "$CGPATH" '{"pids":{"limit":9}}'
	mkdir "$BATS_TEST_TMPDIR/view"
	cat > "$BATS_TEST_TMPDIR/inner.sh" <<-EOS
		"$CGTEST" "$STATE" mount "$BATS_TEST_TMPDIR/view" || exit 1
		cat "$BATS_TEST_TMPDIR/view/pids/pids.max"
		grep "$BATS_TEST_TMPDIR/view/pids " /proc/self/mountinfo
	EOS
	run sh -c "\"$CGTEST\" \"$STATE\" enter \$\$ || exit 1
		exec unshare -C -m --propagation private sh $BATS_TEST_TMPDIR/inner.sh"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 9 ]
	# a fresh cgroup v1 mount (root "/" in the namespace), not a bind of the host path
	[[ "${lines[1]}" == *" / $BATS_TEST_TMPDIR/view/pids "*" - cgroup "* ]]
}

@test "hybrid: systemd cgroup manager is refused clearly without systemd" {
	[ ! -d /run/systemd/system ] || skip "systemd runs here"
	CGTEST_SYSTEMD=1 run cg create "$CGNAME" "system.slice:isola:$CGNAME"
	[ "$status" -ne 0 ]
	[[ "$output" == *"systemd cgroup manager requested but systemd is not running"* ]]
}

@test "hybrid: rootless without permission runs without cgroups unless limits are asked" {
	command -v setpriv >/dev/null || skip "no setpriv"
	local as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups) d
	# BATS_TEST_TMPDIR is private to root: nobody needs a directory of its own
	RLDIR=$(mktemp -d /tmp/isolatest-rl.XXXXXX) && chmod 777 "$RLDIR" && d=$RLDIR
	CGTEST_ROOTLESS=1 "${as_nobody[@]}" "$CGTEST" "$d/s" create "$CGNAME" "$CGPATH"
	[ "$("${as_nobody[@]}" "$CGTEST" "$d/s" layout)" = none ]
	CGTEST_ROOTLESS=1 run "${as_nobody[@]}" "$CGTEST" "$d/s2" create "$CGNAME" "$CGPATH" \
		'{"pids":{"limit":3}}'
	[ "$status" -ne 0 ]
	[[ "$output" == *"rootless: linux.resources needs cgroups"*"Permission denied"* ]]
	run "${as_nobody[@]}" "$CGTEST" "$d/s3" create "$CGNAME" "$CGPATH"
	[ "$status" -ne 0 ]
	assert_gone
}

@test "hybrid: checkBeforeUpdate refuses a limit below the current usage" {
	cg create "$CGNAME" "$CGPATH" '{"memory":{"limit":67108864}}'
	# v1 charges stay where they were made: allocate from inside the cgroup
	sh -c 'echo $$ > '"/sys/fs/cgroup/memory$CGPATH/cgroup.procs"'
		x=$(head -c 4000000 /dev/zero | tr "\0" a); sleep 100; echo ${#x}' &
	PIDS+=($!)
	sleep 0.5
	[ "$(v1 memory memory.usage_in_bytes)" -gt 4096 ]
	run cg update '{"memory":{"limit":4096,"checkBeforeUpdate":true}}'
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.resources.memory.limit: 4096 is below the current usage"* ]]
	[ "$(v1 memory memory.limit_in_bytes)" = 67108864 ]
	# the allocator sits in the memory hierarchy only: destroy must still find it
	cg destroy
	rm -f "$STATE"
	assert_gone
}

@test "hybrid: a leftover leaf is reused and removed by destroy" {
	mkdir -p "/sys/fs/cgroup/pids$CGPATH"
	cg create "$CGNAME" "$CGPATH"
	start_sleeper
	cg destroy
	rm -f "$STATE"
	[ ! -d "/sys/fs/cgroup/pids$CGPATH" ]
	[ ! -d "/sys/fs/cgroup/memory/$CGNAME" ]
	# the parent existed before create: not ours to remove
	rmdir "/sys/fs/cgroup/pids/$CGNAME"
	assert_gone
}

# view_detect VIEW SETUP: run the shell lines SETUP in a private mount
# namespace, then create, report and destroy a cgroup with
# ISOLA_CGROUP_ROOT=VIEW. Exactly the pids hierarchy below VIEW must be found.
view_detect() {
	local v="$1"
	cat > "$BATS_TEST_TMPDIR/inner.sh" <<-EOS
		set -e
		$2
		export ISOLA_CGROUP_ROOT="$v"
		"$CGTEST" "$STATE" create "$CGNAME" "$CGPATH"
		"$CGTEST" "$STATE" layout
		"$CGTEST" "$STATE" dir pids
		"$CGTEST" "$STATE" dir memory
		"$CGTEST" "$STATE" destroy
	EOS
	run unshare -m --propagation private sh "$BATS_TEST_TMPDIR/inner.sh"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = v1 ]
	[ "${lines[1]}" = "$v/pids$CGPATH" ]
	[ "${#lines[@]}" -eq 3 ] && [ -z "${lines[2]}" ] || [ "${#lines[@]}" -eq 2 ]
	rm -f "$STATE"
	assert_gone
}

@test "v1-only view: only the cgroup mounts on top of the root count" {
	local v="$BATS_TEST_TMPDIR/v1view"
	mkdir "$v"
	view_detect "$v" "
		mount -t tmpfs none '$v'; mkdir '$v/memory' '$v/pids' '$v/unified'
		mount --bind /sys/fs/cgroup/memory '$v/memory'
		mount --bind /sys/fs/cgroup/pids '$v/pids'
		mount --bind /sys/fs/cgroup/unified '$v/unified'
		# a second view over the first one hides memory and unified
		mount -t tmpfs none '$v'; mkdir '$v/pids'
		mount --bind /sys/fs/cgroup/pids '$v/pids'"
}

@test "v1-only view: found past 16 KiB of mount table, on lines over 1 KiB" {
	# the root's path makes its lines long; 300 filler mounts make the table long
	local v="$BATS_TEST_TMPDIR" i
	for i in $(seq 1 9); do v="$v/$(printf 'd%.0s' $(seq 1 120))"; done
	mkdir -p "$v" "$BATS_TEST_TMPDIR/fill"
	view_detect "$v" "
		for i in \$(seq 1 300); do mount -t tmpfs fill '$BATS_TEST_TMPDIR/fill'; done
		mount -t tmpfs none '$v'; mkdir '$v/pids'
		mount --bind /sys/fs/cgroup/pids '$v/pids'
		test \$(wc -c < /proc/self/mountinfo) -gt 16384"
}

@test "hybrid: clone3 into the v2 leaf + the child joining v1 itself reaches every hierarchy" {
	cg create "$CGNAME" "$CGPATH"
	local pid
	pid=$(cg spawn)
	PIDS+=("$pid")
	[ "$(grep -c . "/proc/$pid/cgroup")" -ge 9 ]
	run grep -v ":$CGPATH\$" "/proc/$pid/cgroup"
	[ "$status" -eq 1 ] || { echo "not joined: $output"; false; }
	[ "$(cg jointime | grep -c '^self ')" = 1 ]
}

@test "v1-only view: v1 resources with unified are an invalid configuration, nothing made" {
	local v="$BATS_TEST_TMPDIR/v1view"
	mkdir "$v"
	cat > "$BATS_TEST_TMPDIR/inner.sh" <<-EOS
		mount -t tmpfs none '$v'; mkdir '$v/memory' '$v/pids'
		mount --bind /sys/fs/cgroup/memory '$v/memory'
		mount --bind /sys/fs/cgroup/pids '$v/pids'
		export ISOLA_CGROUP_ROOT="$v"
		"$CGTEST" "$STATE" create "$CGNAME" "$CGPATH" \
			'{"pids":{"limit":10},"unified":{"pids.max":"10"}}'
		echo "status \$?"
		"$CGTEST" "$STATE" create "$CGNAME" "$CGPATH" '{"unified":{"pids.max":"10"}}'
		echo "status \$?"
	EOS
	run unshare -m --propagation private sh "$BATS_TEST_TMPDIR/inner.sh"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^status [1-9]' <<<"$output")" -eq 2 ]
	[ "$(grep -c 'invalid configuration: .*unified.* cgroup v1' <<<"$output")" -eq 2 ]
	rm -f "$STATE"
	assert_gone
}

@test "hybrid: a new leaf under a frozen v1 parent is refused, nothing made" {
	local f="/sys/fs/cgroup/freezer/$CGNAME"
	[ -d /sys/fs/cgroup/freezer ] || skip "no v1 freezer"
	mkdir "$f"
	echo FROZEN >"$f/freezer.state"
	run cg create "$CGNAME" "$CGPATH"
	echo "$output"
	echo THAWED >"$f/freezer.state"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container's cgroup \"$f\" is frozen"* ]]
	[ ! -d "$f/ctr" ] && [ ! -d "/sys/fs/cgroup/pids$CGPATH" ]
	rmdir "$f"
	assert_gone
}
