#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Build the OCI image layouts the image benchmark pulls and unpacks.

  mkimage.py OUT_MULTI OUT_BIG [--mb N]

OUT_MULTI (tag "bench"): three gzip layers: a busybox rootfs; an application
layer of about N MB (default 32, half random data, half text, many small files);
a small layer with config files and a whiteout of a file of layer 1.
OUT_BIG (tag "big"): the N MB application layer alone.
Deterministic: every run builds the same bytes.
"""
import argparse, gzip, hashlib, io, json, os, random, shutil, tarfile

BUSYBOX = shutil.which("busybox") or "/bin/busybox"
MTIME = 1700000000


def entry(t, name, data=None, kind="file", target=None, mode=0o644):
    info = tarfile.TarInfo(name)
    info.mtime = MTIME
    info.mode = mode
    if kind == "dir":
        info.type, info.mode = tarfile.DIRTYPE, 0o755
        t.addfile(info)
    elif kind == "symlink":
        info.type, info.linkname = tarfile.SYMTYPE, target
        t.addfile(info)
    else:
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))


def tar_bytes(fill):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        fill(t)
    return buf.getvalue()


def base(t):
    for d in ("bin", "etc", "tmp", "usr", "usr/share"):
        entry(t, d, kind="dir")
    with open(BUSYBOX, "rb") as f:
        entry(t, "bin/busybox", f.read(), mode=0o755)
    for a in ("sh", "true", "ls", "cat", "sleep"):
        entry(t, "bin/" + a, kind="symlink", target="busybox")
    entry(t, "etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")
    entry(t, "etc/motd", b"replaced by the top layer\n")


def app(mb):
    rnd = random.Random(7)
    words = [("w%d" % i).encode() for i in range(5000)]

    def fill(t):
        entry(t, "app", kind="dir")
        half = mb * 1024 * 1024 // 2
        ndirs = 0
        for i in range(half // (64 * 1024)):  # incompressible: 64 KB blobs
            if i % 50 == 0:
                ndirs += 1
                entry(t, "app/bin%d" % ndirs, kind="dir")
            entry(t, "app/bin%d/blob%d" % (ndirs, i), rnd.randbytes(64 * 1024))
        done = 0
        i = 0
        while done < half:  # compressible: 4 KB text files
            if i % 200 == 0:
                entry(t, "app/doc%d" % (i // 200), kind="dir")
            data = b" ".join(rnd.choice(words) for _ in range(800))[:4096]
            entry(t, "app/doc%d/f%d.txt" % (i // 200, i), data)
            done += len(data)
            i += 1

    return fill


def top(t):
    entry(t, "etc", kind="dir")
    entry(t, "etc/.wh.motd", b"")
    entry(t, "etc/hostname", b"bench\n")
    entry(t, "etc/app.conf", b"workers = 4\n")


def blob(layout, data):
    d = hashlib.sha256(data).hexdigest()
    with open(os.path.join(layout, "blobs", "sha256", d), "wb") as f:
        f.write(data)
    return "sha256:" + d, len(data)


def write_layout(out, tag, layers):
    os.makedirs(os.path.join(out, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(out, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    descs, diffs = [], []
    for raw in layers:
        diffs.append("sha256:" + hashlib.sha256(raw).hexdigest())
        d, n = blob(out, gzip.compress(raw, compresslevel=6, mtime=0))
        descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                      "digest": d, "size": n})
    config = {"architecture": "amd64", "os": "linux",
              "config": {"Cmd": ["/bin/sh"], "Env": ["PATH=/bin"]},
              "rootfs": {"type": "layers", "diff_ids": diffs}}
    cd, cn = blob(out, json.dumps(config).encode())
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                           "digest": cd, "size": cn},
                "layers": descs}
    md, mn = blob(out, json.dumps(manifest).encode())
    index = {"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": mn,
         "annotations": {"org.opencontainers.image.ref.name": tag}}]}
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("multi")
    ap.add_argument("big")
    ap.add_argument("--mb", type=int, default=32)
    a = ap.parse_args()
    big = tar_bytes(app(a.mb))
    write_layout(a.multi, "bench", [tar_bytes(base), big, tar_bytes(top)])
    write_layout(a.big, "big", [big])


if __name__ == "__main__":
    main()
