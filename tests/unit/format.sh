#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every C file of the tree as .clang-format says (`make format` fixes them).
# TAP on stdout, as the unit suite's other scripts.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
echo "1..1"
if ! command -v clang-format >/dev/null; then
	echo "ok 1 - sources formatted # skip clang-format is not installed"
	exit 0
fi
bad=()
while IFS= read -r f; do
	clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done < <(git ls-files '*.c' '*.h' 2>/dev/null || find src include tests -name '*.[ch]')
if [ ${#bad[@]} -eq 0 ]; then
	echo "ok 1 - sources formatted (clang-format, .clang-format)"
else
	echo "not ok 1 - sources formatted: ${#bad[@]} files differ (run make format)"
	printf '# %s\n' "${bad[@]}"
fi
