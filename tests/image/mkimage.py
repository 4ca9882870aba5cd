#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Build small OCI image layouts from the host's busybox for the image tests.

  mkimage.py OUT [--tag T] [--layers 1|2] [--compress gzip|zstd|none]

Layer 1 is a busybox rootfs (bin/busybox, bin/sh, etc/motd, etc/keep,
opq/old, gone). Layer 2 deletes etc/motd and gone (whiteouts), makes opq/
opaque with opq/new, and adds etc/added.
"""
import argparse, gzip, hashlib, io, json, os, shutil, subprocess, tarfile, time

BUSYBOX = shutil.which("busybox") or "/bin/busybox"


def add(t, name, data=None, kind="file", target=None, mode=0o644):
    info = tarfile.TarInfo(name)
    info.mtime = 1700000000
    info.mode = mode
    if kind == "dir":
        info.type = tarfile.DIRTYPE
        info.mode = 0o755
        t.addfile(info)
    elif kind == "symlink":
        info.type = tarfile.SYMTYPE
        info.linkname = target
        t.addfile(info)
    else:
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))


def layer1():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for d in ("bin", "etc", "opq", "tmp"):
            add(t, d, kind="dir")
        with open(BUSYBOX, "rb") as f:
            add(t, "bin/busybox", f.read(), mode=0o755)
        add(t, "bin/sh", kind="symlink", target="busybox")
        add(t, "etc/motd", b"hello\n")
        add(t, "etc/keep", b"keep\n")
        add(t, "opq/old", b"old\n")
        add(t, "gone", b"gone\n")
    return buf.getvalue()


def layer2():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        add(t, "etc", kind="dir")
        add(t, "etc/.wh.motd", b"")
        add(t, ".wh.gone", b"")
        add(t, "opq", kind="dir")
        add(t, "opq/.wh..wh..opq", b"")
        add(t, "opq/new", b"new\n")
        add(t, "etc/added", b"added\n")
    return buf.getvalue()


def compress(data, how):
    if how == "gzip":
        return gzip.compress(data, mtime=0), "application/vnd.oci.image.layer.v1.tar+gzip"
    if how == "zstd":
        out = subprocess.run(["zstd", "-q", "-c"], input=data, stdout=subprocess.PIPE,
                             check=True).stdout
        return out, "application/vnd.oci.image.layer.v1.tar+zstd"
    return data, "application/vnd.oci.image.layer.v1.tar"


def put(out, data):
    d = hashlib.sha256(data).hexdigest()
    with open(os.path.join(out, "blobs", "sha256", d), "wb") as f:
        f.write(data)
    return "sha256:" + d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--tag", default="latest")
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--compress", default="gzip")
    ap.add_argument("--index", action="store_true",
                    help="wrap the manifest in an image index (linux/amd64 and linux/arm64)")
    a = ap.parse_args()
    os.makedirs(os.path.join(a.out, "blobs", "sha256"), exist_ok=True)
    tars = [layer1(), layer2()][: a.layers]
    descs, diffs = [], []
    for raw in tars:
        data, mt = compress(raw, a.compress)
        diffs.append("sha256:" + hashlib.sha256(raw).hexdigest())
        descs.append({"mediaType": mt, "digest": put(a.out, data), "size": len(data)})
    config = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "architecture": "amd64", "os": "linux",
        "config": {"Env": ["PATH=/bin"], "Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": diffs},
        "history": [{"created_by": "mkimage.py"} for _ in tars],
    }
    cdata = json.dumps(config).encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": put(a.out, cdata), "size": len(cdata)},
        "layers": descs,
    }
    mdata = json.dumps(manifest).encode()
    top = {"mediaType": "application/vnd.oci.image.manifest.v1+json",
           "digest": put(a.out, mdata), "size": len(mdata)}
    if a.index:
        plats = [dict(top, platform={"os": "linux", "architecture": arch})
                 for arch in ("arm64", "amd64")]
        idata = json.dumps({"schemaVersion": 2,
                            "mediaType": "application/vnd.oci.image.index.v1+json",
                            "manifests": plats}).encode()
        top = {"mediaType": "application/vnd.oci.image.index.v1+json",
               "digest": put(a.out, idata), "size": len(idata)}
    top["annotations"] = {"org.opencontainers.image.ref.name": a.tag}
    index = {"schemaVersion": 2, "manifests": [top]}
    with open(os.path.join(a.out, "index.json"), "w") as f:
        json.dump(index, f)
    with open(os.path.join(a.out, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)


main()
