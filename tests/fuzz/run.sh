#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Build every tests/fuzz/fuzz-*.c as a libFuzzer binary (clang, ASan+UBSan)
# and run each for a while on its seed corpus tests/fuzz/corpus/<name>/
# (fuzz-config.c -> corpus/config/). Prints TAP.
#
# Environment:
#   FUZZ_BUILD   clang build directory (default: <top>/build-fuzz)
#   FUZZ_TIME    seconds per fuzzer (default: 20)
#   FUZZ_ONLY    run only this fuzzer (e.g. fuzz-config)
#
# New inputs found go to a temporary directory, not into the checked-in
# corpus; crashes are kept as $FUZZ_BUILD/artifacts/<name>-crash-*.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build="${FUZZ_BUILD:-$top/build-fuzz}"
secs="${FUZZ_TIME:-20}"
work=$(mktemp -d /tmp/isola-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT

shopt -s nullglob
srcs=("$top"/tests/fuzz/fuzz-*.c)
shopt -u nullglob
if [ -n "${FUZZ_ONLY:-}" ]; then
	srcs=("$top/tests/fuzz/${FUZZ_ONLY%.c}.c")
fi
echo "1..${#srcs[@]}"
[ ${#srcs[@]} -eq 0 ] && exit 0

skip_all() {
	local i=0 s
	for s in "${srcs[@]}"; do
		i=$((i + 1))
		echo "ok $i - $(basename "$s" .c) # SKIP $1"
	done
	exit 0
}

if ! command -v clang >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q clang >"$work/apt.log" 2>&1
	fi
	command -v clang >/dev/null || skip_all "clang not installed"
fi

# fuzzer-no-link: coverage instrumentation for the library code too, else
# libFuzzer only sees the harness and fuzzes blind. clang's -Wformat=2 also
# flags vprintf-style helpers that gcc accepts: not what this build is for.
setup_args=(-Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
	-Dbuildtype=debugoptimized -Db_ndebug=false
	"-Dc_args=-fsanitize=fuzzer-no-link -Wno-format-nonliteral")
if [ -f "$build/build.ninja" ]; then
	# Reconfigure so fuzz-*.c files added since last time get a target.
	meson configure "$build" "${setup_args[@]}" >"$work/setup.log" 2>&1 &&
		meson setup --reconfigure "$build" >>"$work/setup.log" 2>&1
else
	CC=clang meson setup "$build" "${setup_args[@]}" >"$work/setup.log" 2>&1
fi
if [ $? -ne 0 ]; then
	sed 's/^/# /' "$work/setup.log" | tail -20
	i=0
	for s in "${srcs[@]}"; do
		i=$((i + 1))
		echo "not ok $i - $(basename "$s" .c) (meson setup failed)"
	done
	exit 1
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$top/tests/lsan.supp:print_suppressions=0}"
mkdir -p "$build/artifacts"

rc=0
i=0
for src in "${srcs[@]}"; do
	i=$((i + 1))
	name=$(basename "$src" .c)
	seeds="$top/tests/fuzz/corpus/${name#fuzz-}"
	log="$work/$name.log"
	if ! ninja -C "$build" "tests/fuzz/$name" >"$log" 2>&1; then
		grep -E 'error|FAILED' "$log" | head -20 | sed 's/^/# /'
		echo "not ok $i - $name builds"
		rc=1
		continue
	fi
	mkdir -p "$work/$name" "$seeds"
	dict=()
	[ -f "$top/tests/fuzz/$name.dict" ] && dict=("-dict=$top/tests/fuzz/$name.dict")
	"$build/tests/fuzz/$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$build/artifacts/$name-" "${dict[@]}" \
		"$work/$name" "$seeds" >"$log" 2>&1
	status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	if [ $status -eq 0 ]; then
		echo "ok $i - $name ${secs}s no crash (${execs:-?} runs)"
	else
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written|^    #[0-9]' "$log" |
			head -30 | sed 's/^/# /'
		echo "not ok $i - $name ${secs}s no crash"
		rc=1
	fi
done
exit $rc
