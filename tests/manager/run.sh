#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The manager's suite. Containers made by `isola` join the default network (a
# bridge with NAT), so each file runs in a network namespace of its own, as
# the networking suite does: the bridge and its rules never reach the host.
here=$(cd "$(dirname "$0")" && pwd)
files=("$@")
[ ${#files[@]} -eq 0 ] && files=("$here"/*.bats)
exec "$here/../net/run.sh" "${files[@]}"
