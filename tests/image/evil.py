#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Write malicious layer tars for the unpack tests: evil.py KIND OUT HOSTDIR.

HOSTDIR is a host directory that no entry may ever write into.
"""
import io, sys, tarfile

kind, out, host = sys.argv[1], sys.argv[2], sys.argv[3].rstrip("/")


def entry(t, name, data=b"", typ=tarfile.REGTYPE, link=""):
    info = tarfile.TarInfo(name)
    info.type = typ
    info.linkname = link
    info.mode = 0o644
    info.size = len(data) if typ == tarfile.REGTYPE else 0
    t.addfile(info, io.BytesIO(data) if typ == tarfile.REGTYPE else None)


buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
    if kind == "dotdot":
        entry(t, "ok", b"ok\n")
        entry(t, "../" * 12 + host.lstrip("/") + "/pwned", b"x")
    elif kind == "absolute":
        entry(t, host + "/pwned", b"x")
    elif kind == "symlink":
        entry(t, "evil", typ=tarfile.SYMTYPE, link=host)
        entry(t, "evil/pwned", b"x")
    elif kind == "symlink-dotdot":
        entry(t, "up", typ=tarfile.SYMTYPE, link="../" * 12 + host.lstrip("/"))
        entry(t, "up/pwned", b"x")
    elif kind == "symlink-chain":
        entry(t, "a", typ=tarfile.SYMTYPE, link="b/../..")
        entry(t, "b", typ=tarfile.DIRTYPE)
        entry(t, "a/" + "../" * 8 + host.lstrip("/") + "/pwned", b"x")
    elif kind == "hardlink":
        entry(t, "victim", typ=tarfile.LNKTYPE, link=host + "/secret")
    elif kind == "hardlink-dotdot":
        entry(t, "victim", typ=tarfile.LNKTYPE, link="../" * 12 + host.lstrip("/") + "/secret")
    elif kind == "overlay-xattr":
        info = tarfile.TarInfo("d")
        info.type = tarfile.DIRTYPE
        info.pax_headers = {"SCHILY.xattr.trusted.overlay.redirect": "/etc"}
        t.addfile(info)
    elif kind == "truncated":
        entry(t, "big", b"A" * 100000)
data = buf.getvalue()
if kind == "truncated":
    data = data[:60000]
open(out, "wb").write(data)
