# SPDX-License-Identifier: LGPL-2.1-or-later
# The CVE regression suite reuses the integration helpers (bundle, --root,
# teardown that removes every container, mount and process) and adds the
# host-side checks an escape would break.

load "$BATS_TEST_DIRNAME/../integration/helpers"

# A directory on the host, outside the bundle, that no container may touch.
host_target() {
	HOST="$TEST_DIR/host"
	mkdir -p "$HOST"
	echo host-data >"$HOST/file"
}

# assert_host_untouched: $HOST still holds just "file" with its content, no
# mount landed on it or inside it.
assert_host_untouched() {
	[ "$(ls -A "$HOST")" = file ] || fail "host dir changed: $(ls -lA "$HOST")"
	[ "$(cat "$HOST/file")" = host-data ] || fail "host file changed: $(cat "$HOST/file")"
	if grep -q " $HOST[/ ]" /proc/self/mountinfo; then
		fail "a mount landed on the host: $(grep " $HOST" /proc/self/mountinfo)"
	fi
}

# After run_ct_sep: running the container and refusing the config with an
# error are both safe outcomes; what the test checks is the host afterwards.
ran_or_refused() {
	[ "$status" -eq 0 ] || [ -n "$stderr" ] || fail "failed without an error message"
}
