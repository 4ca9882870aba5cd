#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# make demo: make an image from Debian's busybox-static, store it with
# `isola import`, give a container an overlayfs root from it, and run the
# container with isola-runtime. It prints its hostname, its pid inside its own
# pid namespace, and `id`. Everything lives in a temp dir and is removed after.
set -eu

BIN=${BIN:-/usr/local/bin}
RT=${RUNTIME:-$BIN/isola-runtime}
ISOLA=${ISOLA:-$BIN/isola}
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || { echo "demo: $BUSYBOX missing (apt-get install busybox-static)" >&2; exit 1; }

work=$(mktemp -d /tmp/isola-demo.XXXXXX)
store=$work/store
cleanup() {
	"$RT" --root "$work/state" delete -f isola-demo >/dev/null 2>&1 || true
	"$ISOLA" --root "$store" rootfs umount "$work/bundle/rootfs" >/dev/null 2>&1 || true
	umount -l "$work/bundle/rootfs" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

# 1. A root filesystem from busybox-static, made into an image.
src=$work/src
mkdir -p "$src/bin" "$src/proc" "$src/sys" "$src/dev" "$src/etc" "$src/tmp"
cp "$BUSYBOX" "$src/bin/busybox"
for app in sh hostname id echo cat ls ps; do
	ln -s busybox "$src/bin/$app"
done
echo "root:x:0:0:root:/root:/bin/sh" >"$src/etc/passwd"
echo "root:x:0:" >"$src/etc/group"
echo "+ isola import $src busybox:demo"
"$ISOLA" --root "$store" import "$src" busybox:demo
"$ISOLA" --root "$store" images

# 2. The container's copy-on-write root: overlayfs over the image's layer.
mkdir -p "$work/bundle/rootfs"
"$ISOLA" --root "$store" rootfs create busybox:demo isola-demo >/dev/null
"$ISOLA" --root "$store" rootfs mount isola-demo "$work/bundle/rootfs"

# 3. The OCI bundle and the run.
cd "$work/bundle"
"$RT" spec
# Non-interactive: no terminal; the demo command replaces the default shell.
sed -i -e 's/"terminal": true/"terminal": false/' \
	-e 's|"sh"$|"sh", "-c", "echo hostname: $(hostname); echo pid: $$; id"|' config.json
grep -q 'echo hostname' config.json || { echo "demo: could not edit config.json" >&2; exit 1; }
echo "+ isola-runtime run isola-demo"
"$RT" --root "$work/state" run isola-demo
