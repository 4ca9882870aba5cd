#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# The local image store: import, list, inspect, tag, rmi, load, prune, rootfs
# backends, and hostile input (malicious tars, corrupt blobs, kill -9).

load helpers

setup() {
	image_setup
}

teardown() {
	image_teardown
}

@test "import a directory, list it, inspect it" {
	run isola import "$TMP/rootfs" busybox:local
	[ "$status" -eq 0 ]
	[[ "$output" == *sha256:* ]]
	run isola images
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "REPOSITORY"*"TAG"*"IMAGE ID"*"CREATED"*"SIZE" ]]
	[[ "${lines[1]}" == "docker.io/library/busybox"*"local"* ]]
	run isola image inspect busybox:local
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.[0].RepoTags[0]')" = docker.io/library/busybox:local ]
	[ "$(echo "$output" | jq -r '.[0].RootFS.diff_ids | length')" = 1 ]
	[ "$(isola images -q)" = "$(echo "$output" | jq -r '.[0].Id' | cut -c8-19)" ]
	[ "$(isola images --format json | jq -r '.[0].names[0]')" = docker.io/library/busybox:local ]
}

@test "import gzip, zstd and plain tarballs: same content, one shared layer" {
	tar -C "$TMP/rootfs" -cf "$TMP/r.tar" .
	gzip -c "$TMP/r.tar" >"$TMP/r.tar.gz"
	isola import -q "$TMP/r.tar" plain
	isola import -q "$TMP/r.tar.gz" gz
	if command -v zstd >/dev/null; then
		zstd -q -c "$TMP/r.tar" >"$TMP/r.tar.zst"
		isola import -q "$TMP/r.tar.zst" zst
	fi
	isola import -q - stdin <"$TMP/r.tar"
	# four images, one unpacked layer: unpacked once per chain id
	[ "$(ls "$ISOLA_ROOT/layers" | wc -l)" -eq 1 ]
	[ "$(isola images -q | wc -l)" -ge 1 ]
	[ "$(cat "$ISOLA_ROOT"/layers/*/diff/etc/motd)" = hello ]
}

@test "tag, rmi by name and by id, rmi unknown and bad references fail cleanly" {
	isola import -q "$TMP/rootfs" one:1
	isola tag one:1 two:2
	[ "$(isola images one:1 -q)" = "$(isola images two:2 -q)" ]
	run isola rmi one:1
	[ "$status" -eq 0 ]
	[ "$output" = "Untagged: docker.io/library/one:1" ]
	run isola rmi nosuch:image
	[ "$status" -eq 1 ]
	[ "$output" = 'isola: image "nosuch:image" not found' ]
	run isola tag two:2 'Bad Name'
	[ "$status" -ne 0 ]
	[[ "$output" == *"invalid reference"* ]]
	id=$(isola images -q two:2)
	run isola rmi "$id"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Deleted: sha256:$id"* ]]
	[ -z "$(isola images -q)" ]
	# rmi reclaimed the layer and blobs (no other isola process was running)
	[ -z "$(ls "$ISOLA_ROOT/layers")" ]
	[ -z "$(ls "$ISOLA_ROOT/blobs/sha256")" ]
}

@test "load a multi-layer OCI layout: whiteouts and opaque dirs in overlay form" {
	"$IMAGE_TESTS/mkimage.py" "$TMP/oci"
	run isola load -q -i "$TMP/oci" multi:1
	[ "$status" -eq 0 ]
	[ "$output" = "Loaded image: multi:1" ]
	dirs=$(isola image inspect multi:1 | jq -r '.[0].LayerDirs[]')
	top=$(echo "$dirs" | tail -1)
	[ "$(stat -c '%F %t:%T' "$top/etc/motd")" = "character special file 0:0" ]
	[ "$(stat -c '%F %t:%T' "$top/gone")" = "character special file 0:0" ]
	[ "$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque").decode())' "$top/opq")" = y ]
}

check_rootfs() {
	local r=$1
	[ -x "$r/bin/busybox" ]
	[ "$(cat "$r/etc/keep")" = keep ]
	[ "$(cat "$r/etc/added")" = added ]
	[ ! -e "$r/etc/motd" ]
	[ ! -e "$r/gone" ]
	[ "$(ls "$r/opq")" = new ]
}

@test "overlay rootfs: layers shared read-only, writes go to the container's upper dir" {
	"$IMAGE_TESTS/mkimage.py" "$TMP/oci"
	isola load -q -i "$TMP/oci" multi:1
	isola rootfs create multi:1 isolatest-c1
	isola rootfs mount isolatest-c1 "$TMP/mnt"
	check_rootfs "$TMP/mnt"
	[ "$(findmnt -n -o FSTYPE "$TMP/mnt")" = overlay ]
	"$TMP/mnt/bin/busybox" true
	echo new >"$TMP/mnt/etc/written"
	rm "$TMP/mnt/etc/keep"
	isola rootfs umount "$TMP/mnt"
	[ "$(cat "$ISOLA_ROOT/containers/isolatest-c1/upper/etc/written")" = new ]
	[ "$(stat -c '%F' "$ISOLA_ROOT/containers/isolatest-c1/upper/etc/keep")" = "character special file" ]
	# the shared layer is untouched
	[ "$(cat "$(isola image inspect multi:1 | jq -r '.[0].LayerDirs[0]')/etc/keep")" = keep ]
	# a clone (snapshot) carries the upper layer
	isola rootfs clone isolatest-c1 isolatest-c2
	isola rootfs mount isolatest-c2 "$TMP/mnt"
	[ "$(cat "$TMP/mnt/etc/written")" = new ]
	[ ! -e "$TMP/mnt/etc/keep" ]
	isola rootfs umount "$TMP/mnt"
	# an image in use is not removed, nor its layers pruned
	run isola rmi multi:1
	[ "$status" -eq 1 ]
	[[ "$output" == *"in use by a container"* ]]
	isola rootfs rm isolatest-c1 isolatest-c2
	isola rmi multi:1
}

@test "dir rootfs: a plain copy with whiteouts applied" {
	"$IMAGE_TESTS/mkimage.py" "$TMP/oci"
	isola load -q -i "$TMP/oci" multi:1
	isola rootfs --driver dir create multi:1 isolatest-d1
	check_rootfs "$ISOLA_ROOT/containers/isolatest-d1/rootfs"
	isola rootfs mount isolatest-d1 "$TMP/mnt"
	check_rootfs "$TMP/mnt"
	isola rootfs umount "$TMP/mnt"
	isola rootfs rm isolatest-d1
	[ ! -e "$ISOLA_ROOT/containers/isolatest-d1" ]
}

@test "malicious tars never write outside the layer" {
	mkdir "$TMP/host"
	echo secret >"$TMP/host/secret"
	for kind in dotdot absolute symlink symlink-dotdot symlink-chain hardlink \
		hardlink-dotdot; do
		"$IMAGE_TESTS/evil.py" "$kind" "$TMP/$kind.tar" "$TMP/host"
		run isola import -q "$TMP/$kind.tar" "evil:$kind"
		echo "# $kind: $status $output"
		[ "$(ls "$TMP/host")" = secret ]
		[ "$(stat -c %h "$TMP/host/secret")" -eq 1 ]
		[ -z "$(ls "$ISOLA_ROOT/tmp")" ]
	done
	# ".." is refused outright
	run isola import -q "$TMP/dotdot.tar" evil:x
	[ "$status" -eq 1 ]
	[[ "$output" == *'unsafe path'* ]]
	# an absolute path lands inside the layer
	run isola image inspect evil:absolute
	[ "$status" -eq 0 ]
	layer=$(echo "$output" | jq -r '.[0].LayerDirs[0]')
	[ -f "$layer$TMP/host/pwned" ]
}

@test "trusted.overlay xattrs from a layer are dropped" {
	"$IMAGE_TESTS/evil.py" overlay-xattr "$TMP/x.tar" "$TMP"
	isola import -q "$TMP/x.tar" xattr:1
	layer=$(isola image inspect xattr:1 | jq -r '.[0].LayerDirs[0]')
	run python3 -c 'import os,sys; print(os.listxattr(sys.argv[1]))' "$layer/d"
	[[ "$output" != *overlay* ]]
}

@test "truncated tar and corrupt blobs: clear error, store unharmed" {
	isola import -q "$TMP/rootfs" keep:1
	before=$(store_state)
	"$IMAGE_TESTS/evil.py" truncated "$TMP/t.tar" "$TMP"
	run isola import "$TMP/t.tar" trunc:1
	[ "$status" -eq 1 ]
	[[ "$output" == *"runcated"* ]]
	[ "$(store_state | grep -v '^./blobs/sha256/')" = "$(echo "$before" | grep -v '^./blobs/sha256/')" ]
	[ -z "$(ls "$ISOLA_ROOT/tmp")" ]
	# a layout whose layer does not match its digest
	"$IMAGE_TESTS/mkimage.py" "$TMP/oci" --layers 1
	blob=$(ls -S "$TMP/oci/blobs/sha256" | head -1)
	printf 'x' >>"$TMP/oci/blobs/sha256/$blob"
	run isola load -q -i "$TMP/oci" bad:1
	[ "$status" -eq 1 ]
	[[ "$output" == *"digest mismatch"* ]]
	[ -z "$(ls "$ISOLA_ROOT/tmp")" ]
	run isola images -q bad:1
	[ -z "$output" ]
	[ "$(isola images -q | wc -l)" -eq 1 ]
}

@test "kill -9 mid-import leaves a usable store; prune reclaims the partial data" {
	isola import -q "$TMP/rootfs" keep:1
	mkfifo "$TMP/fifo"
	"$ISOLA" import -q "$TMP/fifo" partial:1 &
	pid=$!
	exec 5>"$TMP/fifo"
	head -c 3000000 /dev/urandom >&5
	sleep 0.2
	kill -9 "$pid"
	exec 5>&-
	wait "$pid" || true
	[ -n "$(ls "$ISOLA_ROOT/tmp")" ]
	run isola images
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	# a rootfs create that died before writing its record
	mkdir -p "$ISOLA_ROOT/containers/isolatest-orphan/upper"
	run isola image prune
	[ "$status" -eq 0 ]
	[[ "$output" == *"partial files: 2"* ]]
	[ -z "$(ls "$ISOLA_ROOT/tmp")" ]
	[ ! -e "$ISOLA_ROOT/containers/isolatest-orphan" ]
	[ -n "$(isola images -q keep:1)" ]
	# prune -a removes images no container uses, and all their data
	isola image prune -a
	[ -z "$(isola images -q)" ]
	[ -z "$(ls "$ISOLA_ROOT/layers")" ]
}

@test "concurrent imports all land in the index" {
	for i in 1 2 3 4 5 6; do
		isola import -q "$TMP/rootfs" "par:$i" >/dev/null &
	done
	wait
	[ "$(isola images --format json | jq -r '.[].names[]' | grep -c par:)" -eq 6 ]
	[ "$(ls "$ISOLA_ROOT/layers" | wc -l)" -eq 1 ]
	[ -z "$(ls "$ISOLA_ROOT/tmp")" ]
}

@test "--root overrides ISOLA_ROOT; save-less errors are one line" {
	isola --root "$TMP/other" import -q "$TMP/rootfs" elsewhere:1
	[ -n "$(isola --root "$TMP/other" images -q)" ]
	[ -z "$(isola images -q)" ]
	run isola image inspect nothing
	[ "$status" -eq 1 ]
	run isola frobnicate
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "save and load round-trip through oci-archive and docker-archive" {
	"$IMAGE_TESTS/mkimage.py" "$TMP/oci"
	isola load -q -i "$TMP/oci" multi:1
	id=$(isola images -q --no-trunc multi:1)
	isola save -o "$TMP/oci.tar" multi:1
	isola save --format docker-archive multi:1 >"$TMP/docker.tar"
	tar -tf "$TMP/oci.tar" | grep -qx index.json
	tar -tf "$TMP/docker.tar" | grep -qx manifest.json
	for f in oci docker; do
		isola rmi multi:1
		run isola load -q -i "$TMP/$f.tar"
		[ "$status" -eq 0 ]
		[ "$output" = "Loaded image: docker.io/library/multi:1" ]
		[ "$(isola images -q --no-trunc multi:1)" = "$id" ]
	done
	run isola save -o "$TMP/x.tar" nosuch:1
	[ "$status" -eq 1 ]
	[ ! -e "$TMP/x.tar" ]
}
