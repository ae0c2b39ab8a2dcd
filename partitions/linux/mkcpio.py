# SPDX-License-Identifier: Apache-2.0
"""Pack a directory into a gzip'd cpio "newc" archive for the kernel's initramfs.

Written here rather than with GNU cpio so that the build needs no root: every
entry is owned by 0:0 and device nodes (/dev/console, which the kernel opens
for /init before devtmpfs exists) are described, not mknod'ed. Entries are
sorted and timestamps zeroed, so the same inputs give the same bytes.

    mkcpio.py DIR OUT.cpio.gz [--node PATH:c|b:MAJOR:MINOR:MODE ...]
"""
import argparse
import gzip
import os
import stat
import sys


def newc_entry(ino, name, mode, nlink, data=b"", rdev=(0, 0)):
    name_b = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0]
    hdr = b"070701" + b"".join(b"%08X" % f for f in fields)
    out = hdr + name_b
    out += b"\0" * (-len(out) % 4)
    out += data + b"\0" * (-len(data) % 4)
    return out


def entries(root):
    """(archive name, lstat, data) for root's contents, parents before children."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel = os.path.relpath(dirpath, root)
        if rel != ".":
            yield rel, os.lstat(dirpath), b""
        for f in sorted(dirnames + filenames):
            p = os.path.join(dirpath, f)
            st = os.lstat(p)
            if stat.S_ISDIR(st.st_mode):
                continue  # emitted when os.walk reaches it
            name = f if rel == "." else os.path.join(rel, f)
            if stat.S_ISLNK(st.st_mode):
                yield name, st, os.readlink(p).encode()
            elif stat.S_ISREG(st.st_mode):
                with open(p, "rb") as fh:
                    yield name, st, fh.read()
            else:
                sys.exit(f"mkcpio: {p}: only files, directories and symlinks are packed")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("out")
    ap.add_argument("--node", action="append", default=[],
                    help="PATH:c|b:MAJOR:MINOR:MODE (octal), e.g. dev/console:c:5:1:600")
    a = ap.parse_args()

    blob = bytearray()
    ino = 1
    for name, st, data in entries(a.dir):
        # Keep only the type and permission bits: ownership is root's.
        mode = stat.S_IFMT(st.st_mode) | stat.S_IMODE(st.st_mode)
        nlink = 2 if stat.S_ISDIR(st.st_mode) else 1
        blob += newc_entry(ino, name, mode, nlink, data)
        ino += 1
    for spec in a.node:
        path, kind, major, minor, perm = spec.split(":")
        fmt = {"c": stat.S_IFCHR, "b": stat.S_IFBLK}[kind]
        blob += newc_entry(ino, path, fmt | int(perm, 8), 1, rdev=(int(major), int(minor)))
        ino += 1
    blob += newc_entry(0, "TRAILER!!!", 0, 1)
    blob += b"\0" * (-len(blob) % 512)

    with open(a.out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                 filename="", compresslevel=9) as gz:
        gz.write(blob)


if __name__ == "__main__":
    main()
