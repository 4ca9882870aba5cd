#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# make demo: build a bundle from Debian's busybox-static and run it with the
# installed isola-runtime. The container prints its hostname, its pid inside
# its own pid namespace, and `id`.
set -eu

RT=${RUNTIME:-/usr/local/bin/isola-runtime}
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || { echo "demo: $BUSYBOX missing (apt-get install busybox-static)" >&2; exit 1; }

work=$(mktemp -d /tmp/isola-demo.XXXXXX)
root=$work/state
trap '"$RT" --root "$root" delete -f isola-demo >/dev/null 2>&1 || true; rm -rf "$work"' EXIT INT TERM

mkdir -p "$work/rootfs/bin" "$work/rootfs/proc" "$work/rootfs/sys" "$work/rootfs/dev" \
	"$work/rootfs/etc" "$work/rootfs/tmp"
cp "$BUSYBOX" "$work/rootfs/bin/busybox"
for app in sh hostname id echo cat ls ps; do
	ln -s busybox "$work/rootfs/bin/$app"
done
echo "root:x:0:0:root:/root:/bin/sh" >"$work/rootfs/etc/passwd"
echo "root:x:0:" >"$work/rootfs/etc/group"

cd "$work"
"$RT" spec
# Non-interactive: no terminal; the demo command replaces the default shell.
sed -i -e 's/"terminal": true/"terminal": false/' \
	-e 's|"sh"$|"sh", "-c", "echo hostname: $(hostname); echo pid: $$; id"|' config.json
grep -q 'echo hostname' config.json || { echo "demo: could not edit config.json" >&2; exit 1; }

echo "+ isola-runtime run isola-demo   (bundle $work)"
"$RT" --root "$root" run isola-demo
