#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Drive an interactive command on a pty: ptydrive.py SEND EXPECT [SEND EXPECT]... -- CMD...
# Each SEND (Python escapes: \n, \x10) is typed once the previous EXPECT was seen in the
# output; prints the whole output and exits with the command's status (124 on timeout).
import os, pty, select, sys, time

args = sys.argv[1:]
cut = args.index("--")
steps, cmd = args[:cut], args[cut + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
out = b""
deadline = time.time() + 20
pairs = [(steps[i].encode().decode("unicode_escape").encode("latin1"), steps[i + 1].encode())
         for i in range(0, len(steps), 2)]
seen = 0
for send, expect in pairs:
    os.write(fd, send)
    while expect not in out[seen:] and time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                out += os.read(fd, 4096)
            except OSError:
                break
    seen = len(out)
done, status = 0, 0
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b""
        out += data
        if data:
            continue
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        break
if not done:
    os.kill(pid, 9)
    sys.stdout.write(out.decode(errors="replace"))
    sys.exit(124)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
