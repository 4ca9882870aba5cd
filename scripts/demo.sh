#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# make demo: make an image from Debian's busybox-static with `isola import`,
# run it with `isola run --rm`, then a detached named container whose `ps` row
# and logs it prints, and remove it. Everything lives in a temp store.
set -eu

BIN=${BIN:-/usr/local/bin}
ISOLA=${ISOLA:-$BIN/isola}
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || { echo "demo: $BUSYBOX missing (apt-get install busybox-static)" >&2; exit 1; }

work=$(mktemp -d /tmp/isola-demo.XXXXXX)
export ISOLA_ROOT=$work/store ISOLA_RUNROOT=$work/run
cleanup() {
	"$ISOLA" rm -f demo-web >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

# 1. A root filesystem from busybox-static, made into an image.
src=$work/src
mkdir -p "$src/bin" "$src/etc" "$src/root"
cp "$BUSYBOX" "$src/bin/busybox"
for app in sh hostname id echo cat ls ps sleep date; do
	ln -s busybox "$src/bin/$app"
done
echo "root:x:0:0:root:/root:/bin/sh" >"$src/etc/passwd"
echo "root:x:0:" >"$src/etc/group"
echo "+ isola import $src busybox:demo"
"$ISOLA" import -q "$src" busybox:demo >/dev/null
"$ISOLA" images

# 2. A container that runs once and is removed.
echo "+ isola run --rm busybox:demo sh -c 'echo hostname: \$(hostname); echo pid: \$\$; id'"
"$ISOLA" run --rm --hostname isola busybox:demo sh -c 'echo hostname: $(hostname); echo pid: $$; id'

# 3. A detached, named container: its ps row and its logs, then stop and rm.
echo "+ isola run -d --name demo-web busybox:demo sh -c 'while :; do echo \"tick \$(date +%T)\"; sleep 1; done'"
"$ISOLA" run -d --name demo-web busybox:demo sh -c 'while :; do echo "tick $(date +%T)"; sleep 1; done' >/dev/null
sleep 1.5
echo "+ isola ps"
"$ISOLA" ps
echo "+ isola logs demo-web"
"$ISOLA" logs demo-web
echo "+ isola stop demo-web && isola rm demo-web"
"$ISOLA" stop -t 1 demo-web >/dev/null
"$ISOLA" rm demo-web
