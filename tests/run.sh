#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run isola's test suites and print "N passed, N failed, N skipped".
#
#   tests/run.sh                  every suite
#   tests/run.sh integration      one suite (unit, integration, security, cgroup, image, manager, net, engines, fuzz)
#   tests/run.sh tests/integration/run.bats   one bats file
#
# Environment:
#   ISOLA_BUILD   build directory (default: build)
#   RUNTIME       runtime under test for integration tests (default: our isola-runtime);
#                 RUNTIME=/usr/sbin/runc checks that the tests test the spec.
#
# Everything runs in a private mount namespace (a broken test can't leak
# mounts to the host) under a child subreaper (this machine's PID 1 does not
# reap orphaned container inits).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
export ISOLA_TOP="$top"
export ISOLA_BUILD="${ISOLA_BUILD:-build}"
case "$ISOLA_BUILD" in /*) ;; *) ISOLA_BUILD="$top/$ISOLA_BUILD" ;; esac

if [ -z "${ISOLA_TEST_INNER:-}" ]; then
	export ISOLA_TEST_INNER=1
	exec unshare -m --propagation private "$ISOLA_BUILD/tests/helpers/reaper" "$0" "$@"
fi

export RUNTIME="${RUNTIME:-$ISOLA_BUILD/src/runtime/isola-runtime}"
export ISOLA="${ISOLA:-$ISOLA_BUILD/src/isola/isola}"
export PATH="$ISOLA_BUILD/tests/helpers:$PATH"

suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(unit integration security cgroup image manager net engines fuzz)

log=$(mktemp /tmp/isola-test.XXXXXX)
trap 'rm -f "$log"' EXIT

# A sanitizer build (make asan) logs every ASan/LSan report to a file: a report
# in a process whose exit status no test looks at still fails the run. gcc's
# UBSan next to ASan ignores log_path and prints on stderr: it halts instead,
# and a "runtime error:" anywhere in the output fails the run.
san_dir=""
user_asan="${ASAN_OPTIONS:-}" user_ubsan="${UBSAN_OPTIONS:-}"
if grep -q -- '-fsanitize=' "$ISOLA_BUILD/build.ninja" 2>/dev/null; then
	san_dir=$(mktemp -d /tmp/isola-san.XXXXXX)
	export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:log_path=$san_dir/asan"
	export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0"
	export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$san_dir/ubsan"
fi

run_unit() {
	local t
	for t in "$ISOLA_BUILD"/tests/unit/test-*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		echo "# unit: $(basename "$t")"
		"$t"
	done
	# checks of the source tree itself (no build needed)
	for t in "$top"/tests/unit/*.sh; do
		[ -x "$t" ] || continue
		echo "# unit: $(basename "$t")"
		"$t"
	done
}

run_bats() {
	local files=("$@")
	[ ${#files[@]} -eq 0 ] && return 0
	bats --tap "${files[@]}"
}

for s in "${suites[@]}"; do
	case "$s" in
	unit) run_unit ;;
	# The fuzzers are their own clang build with their own sanitizer settings.
	fuzz) ASAN_OPTIONS="$user_asan" UBSAN_OPTIONS="$user_ubsan" "$top/tests/fuzz/run.sh" ;;
	*net/*.bats | *manager/*.bats) # never outside a netns of their own
		"$top/tests/net/run.sh" "$(realpath "$s")" ;;
	*.bats) run_bats "$s" ;;
	*)
		if [ -x "$top/tests/$s/run.sh" ]; then
			"$top/tests/$s/run.sh"
		else
			shopt -s nullglob
			run_bats "$top"/tests/"$s"/*.bats
			shopt -u nullglob
		fi
		;;
	esac
done 2>&1 | tee "$log"

passed=$(grep -cE '^ok [0-9]+' "$log" | head -1)
skipped=$(grep -cE '^ok [0-9]+ .*# (skip|SKIP)' "$log" | head -1)
failed=$(grep -cE '^not ok [0-9]+' "$log" | head -1)
passed=$((passed - skipped))

# What a clean run leaves behind: nothing. Anything here is a failure.
leaks=$("$top/tests/leak-check.sh" 2>&1)
if [ -n "$leaks" ]; then
	echo "not ok - host left clean after the tests"
	echo "$leaks" | sed 's/^/# /'
	failed=$((failed + 1))
fi

if [ -n "$san_dir" ]; then
	if [ -n "$(ls -A "$san_dir")" ]; then
		echo "not ok - sanitizer reports (kept in $san_dir)"
		cat "$san_dir"/* | sed 's/^/# /'
		failed=$((failed + 1))
	else
		rmdir "$san_dir"
	fi
	if grep -q ': runtime error: ' "$log"; then
		echo "not ok - undefined behaviour reported (runtime error lines above)"
		failed=$((failed + 1))
	fi
fi

if [ "$failed" -gt 0 ]; then
	echo "# failed tests:"
	grep -E '^not ok' "$log" | sed 's/^/#   /'
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
