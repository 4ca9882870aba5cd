#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Symlinks planted in the image (absolute and relative, pointing at the host)
# where the runtime mounts, masks or creates things: every lookup must stay
# inside the rootfs. A runtime that resolves these paths on the host mounts
# onto, creates in, or masks host files.

load helpers

setup() {
	common_setup
	host_target
}

teardown() {
	common_teardown
}

@test "CVE-2021-30465: mount destination through an absolute symlink stays in the rootfs" {
	ln -s "$HOST" "$ROOTFS/escape"
	config_add_mount '{"destination": "/escape/sub", "type": "tmpfs", "source": "tmpfs"}'
	run_ct_sep /bin/sh -c 'touch /escape/sub/planted && echo done'
	ran_or_refused
	[ "$status" -ne 0 ] || assert_output done
	assert_host_untouched
	[ ! -e "$HOST/sub" ] || fail "mkdir followed the symlink onto the host"
}

@test "CVE-2021-30465: mount destination through a relative ../ symlink stays in the rootfs" {
	# Enough ../ to climb out of any rootfs path, then down to the host dir.
	ln -s "../../../../../../../../../../../..$HOST" "$ROOTFS/escape"
	config_add_mount '{"destination": "/escape", "type": "tmpfs", "source": "tmpfs"}'
	run_ct_sep /bin/sh -c 'echo planted > /escape/file2; echo done'
	ran_or_refused
	assert_host_untouched
}

@test "CVE-2024-45310: a bind mount's missing destination is never created on the host" {
	mkdir -p "$TEST_DIR/src"
	ln -s "$HOST" "$ROOTFS/escape"
	config_add_mount "$(jq -n --arg s "$TEST_DIR/src" \
		'{destination: "/escape/a/b/c", type: "bind", source: $s, options: ["bind"]}')"
	run_ct_sep /probe exit 0
	ran_or_refused
	assert_host_untouched
	[ ! -e "$HOST/a" ] || fail "mkdir -p created directories on the host"
}

@test "CVE-2025-31133: a masked path that is a symlink to the host masks nothing there" {
	ln -s "$HOST/file" "$ROOTFS/masked"
	config_set '.linux.maskedPaths = ["/masked"]'
	run_ct_sep /probe exit 0
	assert_success
	assert_host_untouched
}

@test "CVE-2025-31133: a readonly path that is a symlink to the host stays writable there" {
	ln -s "$HOST" "$ROOTFS/ro"
	config_set '.linux.readonlyPaths = ["/ro"]'
	run_ct_sep /probe exit 0
	assert_success
	assert_host_untouched
	touch "$HOST/still-writable" || fail "host dir was remounted read-only"
	rm -f "$HOST/still-writable"
}

@test "CVE-2025-52565: /dev/console through an image symlink is not bound on the host" {
	# The runtime's own /dev is a tmpfs in the default config; without it, the
	# image's /dev is what the runtime populates.
	config_set '.mounts |= map(select(.destination != "/dev" and .destination != "/dev/pts"))'
	mkdir -p "$ROOTFS/dev"
	ln -s "$HOST/file" "$ROOTFS/dev/console"
	ln -s "$HOST/file" "$ROOTFS/dev/null"
	ln -s "$HOST/file" "$ROOTFS/dev/ptmx"
	run_ct_sep /probe exit 0
	assert_success
	assert_host_untouched
	[ ! -c "$HOST/file" ] || fail "a device node replaced the host file"
}

@test "crun /dev symlink class: linux.devices entries do not follow image symlinks" {
	config_set '.mounts |= map(select(.destination != "/dev" and .destination != "/dev/pts"))'
	mkdir -p "$ROOTFS/dev"
	ln -s "$HOST/isolatest-dev" "$ROOTFS/dev/isolatest-dev"
	ln -s "$HOST" "$ROOTFS/dev/isolatest-dir"
	config_set '.linux.devices = [
		{path: "/dev/isolatest-dev", type: "c", major: 1, minor: 3, fileMode: 438},
		{path: "/dev/isolatest-dir/null", type: "c", major: 1, minor: 3, fileMode: 438}]'
	run_ct_sep /probe exit 0
	ran_or_refused
	assert_host_untouched
	[ ! -e "$HOST/isolatest-dev" ] || fail "a device node was created on the host"
}
