#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# isola against a real registry: Debian's docker-registry on 127.0.0.1, loaded
# with busybox images built here (skopeo copies the OCI layouts in).

load helpers
load registry

setup_file() {
	command -v docker-registry >/dev/null || skip "docker-registry not installed"
	command -v skopeo >/dev/null || skip "skopeo not installed"
	export REGDIR=$(mktemp -d /tmp/isolatest-registry.XXXXXX)
	start_registry "$REGDIR/plain"
	export REG REG_PID FILE_REG_PID=$REG_PID
	"$IMAGE_TESTS/mkimage.py" "$REGDIR/multi"
	"$IMAGE_TESTS/mkimage.py" "$REGDIR/index" --index --tag idx
	skopeo copy -q --dest-tls-verify=false "oci:$REGDIR/multi:latest" \
		"docker://$REG/busybox:multi"
	skopeo copy -q --all --dest-tls-verify=false "oci:$REGDIR/index:idx" \
		"docker://$REG/busybox:index"
}

teardown_file() {
	stop_registry
	[ -n "${REGDIR:-}" ] && rm -rf "$REGDIR"
}

setup() {
	image_setup
}

teardown() {
	# a registry a test started itself (auth, TLS) goes even when the test failed
	if [ "${REG_PID:-}" != "$FILE_REG_PID" ]; then
		stop_registry
	fi
	image_teardown
}

@test "pull a multi-layer image and build an overlay rootfs from it" {
	run isola pull --tls-verify=false "$REG/busybox:multi"
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" == sha256:* ]]
	[ "$(isola images -q "$REG/busybox:multi" | wc -l)" -eq 1 ]
	isola rootfs create "$REG/busybox:multi" isolatest-r1
	isola rootfs mount isolatest-r1 "$TMP/mnt"
	[ "$(cat "$TMP/mnt/etc/added")" = added ]
	[ ! -e "$TMP/mnt/etc/motd" ]
	[ "$(ls "$TMP/mnt/opq")" = new ]
	isola rootfs umount "$TMP/mnt"
	isola rootfs rm isolatest-r1
	# a second pull finds everything in place
	run isola pull --tls-verify=false "$REG/busybox:multi"
	[ "$status" -eq 0 ]
	[[ "$output" == *"already exists"* ]]
}

@test "isola run pulls a missing image first, as docker run" {
	export ISOLA_RUNROOT=$TMP/run
	run isola run --rm --network none --tls-verify=false "$REG/busybox:multi" sh -c 'read l </etc/added; echo $l'
	[ "$status" -eq 0 ]
	[[ "$output" == *"Unable to find image"* ]]
	[ "${lines[-1]}" = added ]
	[ "$(isola images -q "$REG/busybox:multi" | wc -l)" -eq 1 ]
	run isola run --rm --network none --pull never --tls-verify=false "$REG/busybox:nosuch" true
	[ "$status" -eq 125 ]
	run isola ps -aq
	[ -z "$output" ]
}

@test "pull through an image index picks the platform; unknown platform fails" {
	run isola pull -q --tls-verify=false "$REG/busybox:index"
	[ "$status" -eq 0 ]
	run isola pull -q --tls-verify=false --platform linux/s390x "$REG/busybox:index"
	[ "$status" -eq 1 ]
	[[ "$output" == *"no image for platform linux/s390x"* ]]
}

@test "pull by digest; a wrong digest is refused" {
	digest=$(skopeo inspect --tls-verify=false "docker://$REG/busybox:multi" | jq -r .Digest)
	run isola pull -q --tls-verify=false "$REG/busybox@$digest"
	[ "$status" -eq 0 ]
	run isola pull -q --tls-verify=false "$REG/busybox@sha256:$(printf '0%.0s' $(seq 64))"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not found"* ]]
}

@test "unknown image, bad reference, unreachable registry: one line, store unharmed" {
	isola import -q "$TMP/rootfs" keep:1
	before=$(store_state)
	run isola pull -q --tls-verify=false "$REG/busybox:nope"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"manifest busybox:nope: not found"* ]]
	run isola pull -q "UPPER CASE"
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid reference"* ]]
	run isola pull -q --tls-verify=false "127.0.0.1:1/busybox:x"
	[ "$status" -eq 1 ]
	[ "$(store_state)" = "$before" ]
}

@test "push a local image and pull it back into an empty store" {
	isola import -q "$TMP/rootfs" "$REG/pushed:v1"
	run isola push --tls-verify=false "$REG/pushed:v1"
	[ "$status" -eq 0 ]
	id=$(isola images -q --no-trunc "$REG/pushed:v1")
	rm -rf "$ISOLA_ROOT"
	run isola pull -q --tls-verify=false "$REG/pushed:v1"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "$id" ]
	[ "$(skopeo inspect --tls-verify=false "docker://$REG/pushed:v1" | jq -r '.Layers | length')" -eq 1 ]
}

@test "a corrupted blob in the registry: digest mismatch, nothing stored" {
	"$IMAGE_TESTS/mkimage.py" "$TMP/oci" --layers 1 --tag c
	skopeo copy -q --dest-tls-verify=false "oci:$TMP/oci:c" "docker://$REG/corrupt:c"
	layer=$(skopeo inspect --tls-verify=false "docker://$REG/corrupt:c" | jq -r '.Layers[0]')
	data="$REGDIR/plain/data/docker/registry/v2/blobs/sha256/${layer:7:2}/${layer:7}/data"
	[ -f "$data" ]
	printf 'garbage' >>"$data"
	run isola pull -q --tls-verify=false "$REG/corrupt:c"
	[ "$status" -eq 1 ]
	[[ "$output" == *"size"* || "$output" == *"digest mismatch"* ]]
	[ ! -e "$ISOLA_ROOT/blobs/sha256/${layer:7}" ]
	[ -z "$(ls "$ISOLA_ROOT/tmp")" ]
	[ -z "$(isola images -q)" ]
}

@test "registry 5xx and 429: retried, then one clear error" {
	port=$(free_port)
	python3 - "$port" <<'PY' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        code = 429 if "toomany" in self.path else 503
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
	srv=$!
	# Wait until it listens (a loaded machine may take longer than any fixed sleep).
	for _ in $(seq 200); do
		(: </dev/tcp/127.0.0.1/"$port") 2>/dev/null && break
		sleep 0.05
	done
	run isola pull -q --tls-verify=false "127.0.0.1:$port/x/broken:1"
	run2_status=$status
	run2_output=$output
	run isola pull -q --tls-verify=false "127.0.0.1:$port/x/toomany:1"
	kill "$srv"
	wait "$srv" || true
	[ "$run2_status" -eq 1 ]
	[[ "$run2_output" == *"HTTP 503"* ]]
	[ "$status" -eq 1 ]
	[[ "$output" == *"too many requests"* ]]
}

@test "basic auth: 401 without credentials, login stores them 0600, logout" {
	command -v htpasswd >/dev/null || skip "htpasswd (apache2-utils) not installed"
	start_registry "$TMP/authreg" basic
	isola import -q "$TMP/rootfs" "$REG/private:1"
	run isola push -q --tls-verify=false "$REG/private:1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"unauthorized"* ]]
	run isola login --tls-verify=false -u isolatest -p wrong "$REG"
	[ "$status" -eq 1 ]
	[ ! -e "$ISOLA_AUTH_FILE" ]
	echo secret | isola login --tls-verify=false -u isolatest --password-stdin "$REG"
	[ "$(stat -c %a "$ISOLA_AUTH_FILE")" = 600 ]
	isola push -q --tls-verify=false "$REG/private:1"
	isola rmi "$REG/private:1"
	isola pull -q --tls-verify=false "$REG/private:1"
	isola logout "$REG"
	run isola pull -q --tls-verify=false "$REG/private:1"
	[ "$status" -eq 1 ]
	run isola pull -q --tls-verify=false --creds isolatest:secret "$REG/private:1"
	[ "$status" -eq 0 ]
}

@test "TLS with a self-signed CA: refused by default, trusted with --cert-dir" {
	command -v openssl >/dev/null || skip "openssl not installed"
	start_registry "$TMP/tlsreg" "" tls
	isola import -q "$TMP/rootfs" "$REG/tls:1"
	run isola push -q "$REG/tls:1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"certificate"* ]]
	isola push -q --cert-dir "$TMP/tlsreg" "$REG/tls:1"
	isola rmi "$REG/tls:1"
	isola pull -q --cert-dir "$TMP/tlsreg" "$REG/tls:1"
	isola rmi "$REG/tls:1"
	isola pull -q --tls-verify=false "$REG/tls:1"
}
