# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared setup for the image tests: a private store per test, a busybox rootfs.

ISOLA=${ISOLA:-${ISOLA_BUILD:-build}/src/isola/isola}
IMAGE_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

image_setup() {
	TMP=$(mktemp -d /tmp/isolatest-image.XXXXXX)
	export ISOLA_ROOT=$TMP/store
	export ISOLA_AUTH_FILE=$TMP/auth.json
	mkdir -p "$TMP/rootfs/bin" "$TMP/rootfs/etc" "$TMP/mnt"
	cp "$(command -v busybox)" "$TMP/rootfs/bin/busybox"
	ln -s busybox "$TMP/rootfs/bin/sh"
	echo hello >"$TMP/rootfs/etc/motd"
}

image_teardown() {
	local m
	# anything a failed test left mounted under TMP, deepest first
	for m in $(awk -v t="$TMP" 'index($5, t) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null
	done
	rm -rf "$TMP"
}

# Run isola; sets status and output (bats `run` without needing bats-support).
isola() {
	"$ISOLA" "$@"
}

# The store's listing of files, to prove a failed command left it unharmed.
store_state() {
	(cd "$ISOLA_ROOT" && find . -path ./tmp -prune -o -print | sort && cat images.json 2>/dev/null)
}
