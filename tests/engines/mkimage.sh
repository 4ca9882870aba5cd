#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Build the engine tests' image from busybox-static, with no registry:
#   OUT/rootfs.tar   a plain rootfs tar (podman import, docker import)
#   OUT/image.tar    a docker-archive of it, tagged isolatest/busybox:latest
#                    (ctr image import)
# Usage: mkimage.sh OUT
set -euo pipefail

out=$1
# busybox-static's binary: it runs in a rootfs with no libc.
bb=/bin/busybox
mkdir -p "$out"
root=$(mktemp -d "$out/rootfs.XXXXXX")
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,var/log,root,www,home/user}
chmod 1777 "$root/tmp"
cp "$bb" "$root/bin/busybox"
"$root/bin/busybox" --list-full | while read -r applet; do
	[ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/:/bin/false
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
user:x:1000:
nogroup:x:65534:
EOF
chown 1000:1000 "$root/home/user"
echo "isolatest engine page" >"$root/www/index.html"

tar --numeric-owner -C "$root" -cf "$out/rootfs.tar" .

# docker-archive: manifest.json + config + one uncompressed layer.
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
d=$(mktemp -d "$out/archive.XXXXXX")
cp "$out/rootfs.tar" "$d/layer.tar"
diff_id=$(sha256sum "$d/layer.tar" | cut -d' ' -f1)
cat >"$d/config.json" <<EOF
{"architecture":"$arch","os":"linux",
 "config":{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/bin/sh"],"WorkingDir":"/"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created_by":"isola tests/engines/mkimage.sh"}]}
EOF
cfg=$(sha256sum "$d/config.json" | cut -d' ' -f1)
mv "$d/config.json" "$d/$cfg.json"
cat >"$d/manifest.json" <<EOF
[{"Config":"$cfg.json","RepoTags":["isolatest/busybox:latest"],"Layers":["layer.tar"]}]
EOF
tar -C "$d" -cf "$out/image.tar" manifest.json "$cfg.json" layer.tar
rm -rf "$d"
