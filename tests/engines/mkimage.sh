#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Build the engine tests' image from busybox-static, with no registry:
#   OUT/rootfs.tar   a plain rootfs tar (podman import, docker import)
#   OUT/image.tar    a docker-archive of it, tagged isolatest/busybox:latest
#                    (ctr image import)
#   OUT/pause.tar    the same, tagged isolatest/pause:latest, running sleep
#                    (the CRI pod sandbox image)
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

# A docker-archive (manifest.json + config + one uncompressed layer) of the
# rootfs, tagged $1, running $2 (a JSON array) by default, written to $3.
archive() {
	local tag=$1 cmd=$2 dest=$3 d diff_id cfg arch
	arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
	d=$(mktemp -d "$out/archive.XXXXXX")
	cp "$out/rootfs.tar" "$d/layer.tar"
	diff_id=$(sha256sum "$d/layer.tar" | cut -d' ' -f1)
	cat >"$d/config.json" <<-EOF
		{"architecture":"$arch","os":"linux",
		 "config":{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":$cmd,"WorkingDir":"/"},
		 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
		 "history":[{"created_by":"isola tests/engines/mkimage.sh"}]}
	EOF
	cfg=$(sha256sum "$d/config.json" | cut -d' ' -f1)
	mv "$d/config.json" "$d/$cfg.json"
	echo "[{\"Config\":\"$cfg.json\",\"RepoTags\":[\"$tag\"],\"Layers\":[\"layer.tar\"]}]" \
		>"$d/manifest.json"
	tar -C "$d" -cf "$dest" manifest.json "$cfg.json" layer.tar
	rm -rf "$d"
}

archive isolatest/busybox:latest '["/bin/sh"]' "$out/image.tar"
# The CRI pod sandbox ("pause") image: something that just stays up.
archive isolatest/pause:latest '["/bin/sleep","2147483647"]' "$out/pause.tar"
