#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Engine drop-in suite: podman, containerd and Docker each started by the test
# on private paths and driving $RUNTIME as their OCI runtime. Prints TAP; an
# engine whose packages can't be installed is reported as one skipped test.
#
#   tests/run.sh engines                       (the usual way: reaper + private mounts)
#   RUNTIME=/usr/sbin/runc tests/run.sh engines  (check the tests themselves)
#   ENGINES="podman docker" tests/engines/run.sh
#   ENG_TRACE=1 tests/run.sh engines   also list the runtime verbs and flags
#                                      each engine used (as TAP comments);
#                                      ENG_TRACE=DIR keeps the full logs there
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build="${ISOLA_BUILD:-$top/build}"
case "$build" in /*) ;; *) build="$top/$build" ;; esac

# Run alone: give ourselves what tests/run.sh gives every suite.
if [ -z "${ISOLA_TEST_INNER:-}" ] && [ -x "$build/tests/helpers/reaper" ]; then
	export ISOLA_TEST_INNER=1
	exec unshare -m --propagation private "$build/tests/helpers/reaper" "$0" "$@"
fi

export RUNTIME="${RUNTIME:-$build/src/runtime/isola-runtime}"
case "$RUNTIME" in
/*) ;;
*) RUNTIME="$(cd "$(dirname "$RUNTIME")" && pwd)/$(basename "$RUNTIME")" ;;
esac
engines=${ENGINES:-podman containerd docker}

common_pkgs="bats busybox-static python3 iproute2 procps util-linux"
declare -A pkgs=(
	[podman]="podman conmon containernetworking-plugins iptables"
	[containerd]="containerd"
	[docker]="docker.io containerd iptables"
)
declare -A cmds=(
	[podman]="podman conmon"
	[containerd]="containerd ctr containerd-shim-runc-v2"
	[docker]="dockerd docker-proxy containerd /usr/bin/docker"
)

missing_pkgs() {
	local p out=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			out="$out $p"
	done
	echo "$out"
}

# apt-get, waiting for another apt (a concurrent install) to let go of the lock.
apt_install() {
	local i
	[ "$(id -u)" = 0 ] || return 1
	export DEBIAN_FRONTEND=noninteractive
	for ((i = 0; i < 60; i++)); do
		apt-get install -y -qq --no-install-recommends "$@" >/tmp/isolatest-engines-apt.log 2>&1 &&
			return 0
		grep -q 'Could not get lock' /tmp/isolatest-engines-apt.log || break
		sleep 5
	done
	# Stale package lists on a fresh machine: update once and retry.
	apt-get update -qq >/dev/null 2>&1
	apt-get install -y -qq --no-install-recommends "$@" >/tmp/isolatest-engines-apt.log 2>&1
}

# Why engine $1 can't run, or nothing.
unavailable() {
	local e=$1 miss c
	miss=$(missing_pkgs ${pkgs[$e]})
	if [ -n "$miss" ] && ! apt_install $miss; then
		echo "could not install$miss"
		return
	fi
	for c in ${cmds[$e]}; do
		command -v "$c" >/dev/null || PATH="$PATH:/usr/sbin:/sbin" command -v "$c" >/dev/null ||
			{ echo "$c not found"; return; }
	done
}

miss=$(missing_pkgs $common_pkgs)
[ -n "$miss" ] && apt_install $miss
# Optional: the containerd CRI test skips itself without it.
miss=$(missing_pkgs python3-grpcio)
[ -n "$miss" ] && apt_install $miss
export PATH="$PATH:/usr/sbin:/sbin"

if [ ! -x "$RUNTIME" ]; then
	echo "1..1"
	echo "not ok 1 engines: runtime under test '$RUNTIME' is not an executable"
	exit 1
fi
echo "# engines: runtime under test: $RUNTIME"

ENG_IMAGE_DIR=$(mktemp -d /tmp/isolatest-engimg.XXXXXX)
export ENG_IMAGE_DIR
trap 'rm -rf "$ENG_IMAGE_DIR"' EXIT
if ! "$here/mkimage.sh" "$ENG_IMAGE_DIR" >/dev/null; then
	echo "1..1"
	echo "not ok 1 engines: build the busybox test image"
	exit 1
fi

# A recording wrapper with the runtime's own file name (podman decides
# things by the runtime's name), so the engines behave as without it.
trace_setup() {
	local d
	d=$(mktemp -d /tmp/isolatest-engtrace.XXXXXX)
	cat >"$d/$(basename "$RUNTIME")" <<-EOF
		#!/bin/sh
		printf '%s\n' "\$*" >>"\$(cat $d/current)"
		exec "$RUNTIME" "\$@"
	EOF
	chmod +x "$d/$(basename "$RUNTIME")"
	echo "$d"
}

# "verb: --flag --flag" for each distinct call shape in log $1.
trace_summary() {
	awk '{
		verb = ""; flags = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^-/) { f = $i; sub(/=.*/, "", f); flags = flags " " f }
			else if (verb == "" && $i ~ /^[a-z]+$/ && prev !~ /^--(root|log|log-format)$/)
				verb = $i
			prev = $i
		}
		print "# trace: " verb ":" flags
	}' "$1" | sort | uniq -c | sed 's/^ *\([0-9]*\) \(.*\)/\2 (x\1)/'
}

real_runtime=$RUNTIME
if [ -n "${ENG_TRACE:-}" ]; then
	trace_dir=$(trace_setup)
	export RUNTIME="$trace_dir/$(basename "$real_runtime")"
	trap 'rm -rf "$ENG_IMAGE_DIR" "$trace_dir"' EXIT
fi

rc=0
for e in $engines; do
	why=$(unavailable "$e")
	if [ -n "$why" ]; then
		echo "1..1"
		echo "ok 1 $e: engine suite # skip $why"
		continue
	fi
	echo "# engines: $e"
	t0=$SECONDS
	[ -n "${ENG_TRACE:-}" ] && echo "$trace_dir/$e.log" >"$trace_dir/current"
	bats --tap "$here/$e.bats" || rc=1
	echo "# engines: $e took $((SECONDS - t0)) s"
	if [ -n "${ENG_TRACE:-}" ] && [ -f "$trace_dir/$e.log" ]; then
		trace_summary "$trace_dir/$e.log"
		[ -d "$ENG_TRACE" ] && cp "$trace_dir/$e.log" "$ENG_TRACE/"
	fi
done
exit $rc
