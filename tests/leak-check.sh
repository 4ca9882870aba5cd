#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Print what isola's tests may have left on the host: test cgroups, veths and
# bridges, netns, nft tables, isola processes. Silent when clean.
set -u
find /sys/fs/cgroup -mindepth 1 -maxdepth 4 -type d 2>/dev/null |
	grep -E '/(isola|isolatest)[^/]*$' | sed 's/^/cgroup: /' | sort -u
ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' |
	grep -E '^(isl|isola|vtest)' | sed 's/^/link: /'
ip netns list 2>/dev/null | grep -E '^(isola|itest)' | sed 's/^/netns: /'
nft list tables 2>/dev/null | grep -E 'isola' | sed 's/^/nft: /'
{ pgrep -a -f 'isola-runtime|isola-test-'; pgrep -a -x isola-monitor; } 2>/dev/null | grep -v -E "pgrep|leak-check" | sed 's/^/process: /'
exit 0
