#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Turn an `icount -p` profile into steps per process and per function.

  symbolize.py PROFILE BINARY [N]

Addresses are matched against `nm -n` of BINARY (a static, non-PIE binary:
addresses are absolute); everything else is counted as "[outside BINARY]".
"""
import bisect, subprocess, sys


def main():
    prof, binary = sys.argv[1], sys.argv[2]
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    syms = []
    out = subprocess.run(["nm", "-n", "--defined-only", binary], capture_output=True, text=True)
    for line in out.stdout.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "tTwWi":
            syms.append((int(f[0], 16), f[2]))
    addrs = [a for a, _ in syms]
    per_fn, procs, total = {}, [], 0
    with open(prof) as fh:
        for line in fh:
            f = line.split()
            if f[0] == "pid":
                procs.append((f[1], int(f[2])))
                continue
            a, n = int(f[0], 16), int(f[1])
            total += n
            i = bisect.bisect_right(addrs, a) - 1
            name = syms[i][1] if i >= 0 and syms else "[outside %s]" % binary
            per_fn[name] = per_fn.get(name, 0) + n
    print("  steps per process (first is the runtime, then its children):")
    for pid, n in procs:
        print("  %10d  pid %s" % (n, pid))
    print("  steps per function (self), %d in total:" % total)
    for name, n in sorted(per_fn.items(), key=lambda x: -x[1])[:top]:
        print("  %10d %5.1f%%  %s" % (n, 100.0 * n / max(total, 1), name))


if __name__ == "__main__":
    main()
