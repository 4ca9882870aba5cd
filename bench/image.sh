# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/image.sh - issue 7's image benchmark, sourced by measure.sh:
# `isola pull` of a 3-layer image from a docker-registry on 127.0.0.1 against
# skopeo copy + umoci unpack, and unpack of one large layer (`isola load` of an
# OCI layout against `umoci unpack`), with `tar -xzf` of the same layers as the
# floor. Rows go to $RESULTS as img-pull, img-unpack, img-rss.

ISOLA_CLI=${ISOLA_CLI:-$TOP/build/src/isola/isola}
IMG_RUNS=$((QUICK == 1 ? 2 : 3)) IMG_MB=24
REG_PID=""

img_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

img_registry() {
	local dir=$WORK/registry port i
	port=$(img_free_port) || return 1
	mkdir -p "$dir/data"
	cat >"$dir/config.yml" <<EOF
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $dir/data}}
http: {addr: 127.0.0.1:$port}
EOF
	docker-registry serve "$dir/config.yml" >"$OUT/registry.log" 2>&1 &
	REG_PID=$!
	REG=127.0.0.1:$port
	for ((i = 0; i < 100; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

img_stop() {
	[[ -n $REG_PID ]] || return 0
	kill "$REG_PID" 2>/dev/null
	wait "$REG_PID" 2>/dev/null
	REG_PID=""
}

# img_script NAME BODY: a script file, so hyperfine -N needs no shell quoting
img_script() {
	printf '#!/bin/sh\nset -e\n%s\n' "$2" >"$WORK/img/$1.sh"
	echo "sh $WORK/img/$1.sh"
}

# img_hf SCN [NAME CMD PREP]... : smoke each tool once (2 min limit), time the rest
img_hf() {
	local scn=$1 rc
	shift
	local -a n=() c=() p=()
	while [[ $# -gt 0 ]]; do
		$3 >/dev/null 2>&1
		timeout 120 $2 </dev/null >/dev/null 2>"$OUT/smoke.err"
		rc=$?
		if [[ $rc == 0 ]]; then
			n+=("$1") c+=("$2") p+=("$3")
		else
			echo "$1: $scn: exit $rc: $(grep -v '^$' "$OUT/smoke.err" | tail -n 1 | cut -c1-160)" >>"$FAILS"
			log "$1 failed $scn"
			fail_row "$scn" "$1"
		fi
		shift 3
	done
	[[ ${#n[@]} -gt 0 ]] && hf_rounds "$scn" n c p
}

img_rss() { # NAME CMD PREP
	local k
	: >"$WORK/rss"
	for ((k = 0; k < 2; k++)); do
		$3 >/dev/null 2>&1
		timeout 120 /usr/bin/time -f '%M' -o "$WORK/rss.1" $2 </dev/null >/dev/null 2>&1 ||
			{ fail_row img-rss "$1"; return; }
		cat "$WORK/rss.1" >>"$WORK/rss"
	done
	value_row img-rss "$1" "" <"$WORK/rss"
}

scen_image() {
	local t S=$WORK/imgstore have_sk=1 pi ps pf ui us uf l
	log "image: pull + unpack from a local registry, unpack of one ${IMG_MB} MB layer"
	for t in docker-registry skopeo umoci python3; do
		command -v "$t" >/dev/null || { [[ $t == docker-registry || $t == python3 ]] &&
			{ log "image: $t missing, skipped"; return; }; have_sk=0; }
	done
	mkdir -p "$WORK/img" "$S"
	python3 "$HERE/mkimage.py" --mb "$IMG_MB" "$WORK/img/multi" "$WORK/img/big" ||
		{ log "image: mkimage.py failed"; return; }
	if ! img_registry; then
		log "image: registry did not start (see $OUT/registry.log)"
		img_stop
		return
	fi
	skopeo copy -q --dest-tls-verify=false "oci:$WORK/img/multi:bench" \
		"docker://$REG/bench:latest" >"$OUT/push.log" 2>&1 ||
		{ log "image: push to the registry failed (see $OUT/push.log)"; img_stop; return; }

	pi=$(img_script pull-isola "exec $ISOLA_CLI --root $S/isola pull -q --tls-verify=false $REG/bench:latest")
	ps=$(img_script pull-sk "skopeo copy -q --src-tls-verify=false docker://$REG/bench:latest oci:$S/sk:bench
umoci unpack --image $S/sk:bench $S/skb >/dev/null")
	pf="mkdir $S/fl"
	for l in $(jq -r '.layers[].digest' "$WORK/img/multi/blobs/sha256/$(jq -r '.manifests[0].digest' \
		"$WORK/img/multi/index.json" | cut -d: -f2)" | cut -d: -f2); do
		pf="$pf
tar -xzf $WORK/img/multi/blobs/sha256/$l -C $S/fl"
	done
	pf=$(img_script pull-floor "$pf")
	l=$(jq -r '.layers[0].digest' "$WORK/img/big/blobs/sha256/$(jq -r '.manifests[0].digest' \
		"$WORK/img/big/index.json" | cut -d: -f2)" | cut -d: -f2)
	ui=$(img_script unpack-isola "exec $ISOLA_CLI --root $S/isola load -q -i $WORK/img/big big:latest")
	us=$(img_script unpack-sk "umoci unpack --image $WORK/img/big:big $S/skb >/dev/null")
	uf=$(img_script unpack-floor "mkdir $S/fl
tar -xzf $WORK/img/big/blobs/sha256/$l -C $S/fl")
	rm -f "$WORK/img/clean.sh"
	local clean
	clean=$(img_script clean "rm -rf $S/isola $S/sk $S/skb $S/fl")

	# the smoke run is the warmup
	HF_RUNS=$IMG_RUNS HF_WARM=0
	local -a a=(isola "$pi" "$clean")
	[[ $have_sk == 1 ]] && a+=(skopeo+umoci "$ps" "$clean")
	img_hf img-pull "${a[@]}" floor "$pf" "$clean"
	a=(isola "$ui" "$clean")
	[[ $have_sk == 1 ]] && a+=(skopeo+umoci "$us" "$clean")
	img_hf img-unpack "${a[@]}" floor "$uf" "$clean"
	img_rss isola "$pi" "$clean"
	[[ $have_sk == 1 ]] && img_rss skopeo+umoci "$ps" "$clean"
	img_rss floor "$pf" "$clean"
	$clean
	img_stop
}
