#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Test peer for tests/net/*.bats: a server that answers every TCP connection
# or UDP datagram with "NAME PEER-ADDRESS", so a test sees both who answered
# and which source address the server saw (DNAT and masquerade at once).
#   peer-echo.py serve tcp|udp PORT NAME [BIND]
#   peer-echo.py ask tcp|udp HOST PORT       prints the answer; exit 1 on none
import socket
import sys


def serve(proto, port, name, bind):
    fam = socket.AF_INET6 if ":" in bind else socket.AF_INET
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(fam, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((bind, port))
    if proto == "tcp":
        s.listen(16)
    print("ready", flush=True)
    while True:
        if proto == "tcp":
            c, peer = s.accept()
            c.sendall(f"{name} {peer[0]}\n".encode())
            c.close()
        else:
            _, peer = s.recvfrom(512)
            s.sendto(f"{name} {peer[0]}\n".encode(), peer)


def ask(proto, host, port):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(fam, kind)
    s.settimeout(2)
    try:
        s.connect((host, port))
        if proto == "udp":
            s.send(b"?")
        print(s.recv(512).decode().strip())
    except OSError as e:
        print(f"no answer: {e}", file=sys.stderr)
        sys.exit(1)


if sys.argv[1] == "serve":
    serve(sys.argv[2], int(sys.argv[3]), sys.argv[4],
          sys.argv[5] if len(sys.argv) > 5 else "0.0.0.0")
else:
    ask(sys.argv[2], sys.argv[3], int(sys.argv[4]))
