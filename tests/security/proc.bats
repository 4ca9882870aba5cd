#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Writes the runtime makes through the container's /proc, redirected by what
# the container's mounts put there: a fake /proc (CVE-2019-16884, where the
# AppArmor label went to a tmpfs file and the process ran unconfined) and
# files bind-mounted over the /proc entries the runtime writes
# (CVE-2025-52881, where such writes landed in host files).

load helpers

setup() {
	common_setup
	host_target
}

teardown() {
	common_teardown
}

@test "CVE-2019-16884: a tmpfs mounted as /proc is refused or never used as procfs" {
	config_set '.mounts |= map(select(.destination != "/proc"))'
	config_add_mount '{"destination": "/proc", "type": "tmpfs", "source": "tmpfs"}'
	config_set '.process.apparmorProfile = "isolatest-profile" | .process.oomScoreAdj = 123'
	mkdir -p "$ROOTFS/fakeproc"
	run_ct_sep /bin/sh -c 'cat /proc/self/oom_score_adj 2>/dev/null; ls /proc/self/attr 2>&1'
	if [ "$status" -eq 0 ]; then
		# It ran: the runtime's writes must not have gone to files on the tmpfs.
		[[ "$output" != 123* ]] || fail "oom_score_adj was written into a fake /proc"
	fi
}

@test "CVE-2025-52881: process.oomScoreAdj is not written through a file bound over /proc" {
	config_add_mount "$(jq -n --arg s "$HOST/file" \
		'{destination: "/proc/self/oom_score_adj", type: "bind", source: $s, options: ["bind"]}')"
	config_set '.process.oomScoreAdj = 321'
	run_ct_sep /probe exit 0
	assert_host_untouched
}

@test "CVE-2025-52881: linux.sysctl is not written through a file bound over /proc/sys" {
	config_add_mount "$(jq -n --arg s "$HOST/file" \
		'{destination: "/proc/sys/kernel/domainname", type: "bind", source: $s,
		  options: ["bind"]}')"
	config_set '.linux.sysctl = {"kernel.domainname": "isolatest"}'
	run_ct_sep /probe exit 0
	assert_host_untouched
}

@test "CVE-2025-52881: the container's own /proc writes can't reach host files" {
	# The same redirection done by the container process itself, after start,
	# needs mount rights it must not have.
	run_ct_sep /bin/sh -c "mount --bind /proc/sys/kernel/hostname /proc/self/oom_score_adj \
		&& echo mounted; echo 5 > /proc/sys/kernel/core_pattern && echo wrote; echo end"
	assert_success
	refute_line mounted
	refute_line wrote
	assert_line end
}

@test "a container can't widen the bounding set of later execs with a fake cap_last_cap" {
	# CAP_SYS_ADMIN inside, /proc/sys writable: the container mounts a tmpfs that
	# says the kernel's last capability is CAP_KILL (5). An exec that reads it
	# through the container's /proc would leave caps 6..40 in its bounding set.
	local all='["CAP_SYS_ADMIN","CAP_KILL","CAP_SETPCAP"]'
	config_set ".process.capabilities = {\"bounding\": $all, \"effective\": $all,
		\"permitted\": $all, \"inheritable\": [], \"ambient\": []} |
		.linux.readonlyPaths = [] | .linux.maskedPaths = []"
	config_args /bin/sh -c 'mount -t tmpfs none /proc/sys/kernel &&
		echo 5 > /proc/sys/kernel/cap_last_cap && touch /tmp/faked; exec /probe sleep 600'
	mkdir -p "$ROOTFS/tmp"
	ct_run_d || fail "run -d: $(cat "$TEST_DIR/$CID.out")"
	wait_for test -e "$ROOTFS/tmp/faked" || fail "the container did not fake cap_last_cap"
	jq '.process | .args = ["/probe", "caps"] |
		.capabilities = {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"],
		"permitted": ["CAP_KILL"], "inheritable": [], "ambient": []}' \
		"$BUNDLE/config.json" >"$TEST_DIR/process.json"
	run --separate-stderr rt exec -p "$TEST_DIR/process.json" "$CID"
	assert_success
	assert_value CapBnd "$(caps_mask CAP_KILL)"
}
