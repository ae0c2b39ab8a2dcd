# SPDX-License-Identifier: Apache-2.0
"""Fixtures for bhcfg's tests: the tool (built by make), the real board, and a
runner that compiles an inline configuration and runs bhcfg on it."""
import os
import pathlib
import re
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
BOARD_DIR = REPO / "boards" / "qemu-virt"
BHCFG = REPO / "build" / "tools" / "bhcfg"
SUMMARY = re.compile(r"^bhcfg: \d+ errors?; no image generated$")
WARNING = re.compile(r"^[^:]+: [^:]*: warning: ")


def dtc(src, out, *args, include=None):
    cmd = ["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(out)]
    if include:
        cmd += ["-i", str(include)]
    subprocess.run(cmd + list(args) + [str(src)], check=True, capture_output=True)
    return out


def decode(dtb):
    """A DTB as dtc prints it, parsed into {"props": {}, "nodes": {}}."""
    text = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", str(dtb)],
                          check=True, capture_output=True, text=True).stdout
    return parse_dts(text)


_TOKEN = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|<([^>]*)>|\[([^\]]*)\]|([,;{}=])|([^\s;{}=,]+))')


def _value(raw):
    """Property value: strings -> list of str, cells -> list of int."""
    vals = []
    for s, cells, byts, _, _ in _TOKEN.findall(raw):
        if cells:
            vals += [int(c, 0) for c in cells.split()]
        elif byts:
            vals += [int(b, 16) for b in byts.split()]
        elif s:
            vals += s.encode().decode("unicode_escape").split("\0")
    return vals


def parse_dts(text):
    root = {"props": {}, "nodes": {}}
    stack = [root]
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("/dts-v1/") or line.startswith("//"):
            continue
        if line.endswith("{"):
            name = line[:-1].strip()
            if name == "/":
                continue
            node = {"props": {}, "nodes": {}}
            stack[-1]["nodes"][name] = node
            stack.append(node)
        elif line == "};":
            stack.pop()
        elif "=" in line:
            name, raw = line.rstrip(";").split("=", 1)
            stack[-1]["props"][name.strip()] = _value(raw)
        else:
            stack[-1]["props"][line.rstrip(";")] = True
    return root


class Result:
    def __init__(self, proc, out):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.out = out
        lines = proc.stderr.splitlines()
        self.warnings = [l for l in lines if WARNING.match(l)]
        self.errors = [l for l in lines if not SUMMARY.match(l) and not WARNING.match(l)]

    def files(self):
        return sorted(p.name for p in self.out.iterdir()) if self.out.exists() else []


@pytest.fixture(scope="session")
def bhcfg():
    """The tool make builds, or $BHCFG (e.g. a sanitizer build) if set."""
    if os.environ.get("BHCFG"):
        return pathlib.Path(os.environ["BHCFG"])
    subprocess.run(["make", "--no-print-directory", "build/tools/bhcfg"], cwd=REPO, check=True,
                   capture_output=True)
    return BHCFG


@pytest.fixture(scope="session")
def board_dtb(tmp_path_factory):
    return dtc(BOARD_DIR / "board.dts", tmp_path_factory.mktemp("board") / "board.dtb",
               include=BOARD_DIR)


@pytest.fixture
def images(tmp_path):
    """Dummy images under the --root the runner passes (tmp_path)."""
    (tmp_path / "k.bin").write_bytes(bytes(range(256)) * 256)  # 64 KiB
    (tmp_path / "initrd.img").write_bytes(b"\x5a" * 40000)
    return tmp_path


@pytest.fixture
def run(bhcfg, board_dtb, tmp_path, images):
    """run(dts, *args, board=None, force=False): compile and check a system.
    It runs in tmp_path, where the source is, as sys.dts (bhcfg reads it)."""

    def _run(dts, *args, board=None, force=False):
        src = tmp_path / "sys.dts"
        src.write_text(dts)
        cfg = dtc(src, tmp_path / "sys.dtb", *(["-f"] if force else []))
        out = tmp_path / "out"
        out.mkdir(exist_ok=True)
        cmd = [str(bhcfg), "--board", str(board or board_dtb),
               "--board-src", str(BOARD_DIR / "board.dts"), "--config", str(cfg),
               "--config-src", "sys.dts", "--root", str(tmp_path), "--out", str(out),
               "--depfile", str(out / "config.d")] + list(args)
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
        return Result(proc, out)

    return _run


@pytest.fixture
def test_board(tmp_path):
    """The real board plus devices only tests need (e.g. an SPI shared by two
    devices, which QEMU's virt machine does not have)."""

    def _make(extra):
        src = tmp_path / "test-board.dts"
        src.write_text(f'/include/ "{BOARD_DIR / "board.dts"}"\n/ {{\n{extra}\n}};\n')
        return dtc(src, tmp_path / "test-board.dtb", include=BOARD_DIR)

    return _make
