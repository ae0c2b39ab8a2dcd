# SPDX-License-Identifier: Apache-2.0
"""Every example in docs/config.md builds as written: each ```dts block goes through dtc
and bhcfg against the real board (boards/qemu-virt), with stand-ins for the images the
build would make (the examples name build/partitions/...). A system example is checked
as configs/qemu-virt/mine.dts; a ```console block right after it is exactly what bhcfg
prints (its warnings, or the error it is there to show); without one, bhcfg prints
nothing. An example that is not a system (no compatible = "bulkhead,system") is a
fragment of a board: it is added to the real board, which must still be sound."""
import re
import subprocess

import pytest

from bhcfg_support import BOARD_DIR, REPO, dtc

DOC = REPO / "docs" / "config.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.M | re.S)
SRC = "configs/qemu-virt/mine.dts"


def examples():
    """(number, dts, expected bhcfg output or None) for each ```dts block."""
    text = DOC.read_text()
    blocks = [(m.start(), m.end(), m.group(1), m.group(2)) for m in FENCE.finditer(text)]
    found = []
    for i, (_, end, lang, body) in enumerate(blocks):
        if lang != "dts":
            continue
        expect = None
        if i + 1 < len(blocks) and blocks[i + 1][2] == "console":
            between = text[end:blocks[i + 1][0]]
            # Only prose may come between an example and its output.
            assert "```" not in between
            expect = blocks[i + 1][3]
        found.append((len(found) + 1, body, expect))
    return found


def test_docs_have_examples():
    ex = examples()
    assert len(ex) >= 3
    assert sum('compatible = "bulkhead,system"' in body for _, body, _ in ex) >= 2


def buildable(name):
    """The file is in the repository, or the build has a rule that makes it."""
    if (REPO / name).is_file():
        return True
    r = subprocess.run(["make", "-n", "--no-print-directory", name], cwd=REPO,
                       capture_output=True, text=True)
    return r.returncode == 0


def stand_ins(root, dts):
    """Stand-ins for the images an example names, where the build would make them."""
    for name in re.findall(r'file = "([^"]+)"', dts):
        assert not name.startswith("/"), name
        assert buildable(name), f"{name}: no such file, and the build does not make it"
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\x1f\x20\x03\xd5" * 4096)  # nops


@pytest.mark.parametrize("num, dts, expect", examples(),
                         ids=[f"example{n}" for n, _, _ in examples()])
def test_docs_example_builds_as_written(bhcfg, board_dtb, tmp_path, num, dts, expect):
    out = tmp_path / "out"
    out.mkdir()
    if 'compatible = "bulkhead,system"' in dts:
        board, board_src = board_dtb, str(BOARD_DIR / "board.dts")
        src = tmp_path / SRC
        src.parent.mkdir(parents=True)
        src.write_text(dts)
        stand_ins(tmp_path, dts)
        config, config_src = dtc(src, tmp_path / "mine.dtb"), SRC
    else:
        variant = tmp_path / "board.dts"
        variant.write_text(f'/include/ "{BOARD_DIR / "board.dts"}"\n{dts}')
        board = dtc(variant, tmp_path / "board.dtb", include=BOARD_DIR)
        board_src = str(variant)
        bare = REPO / "configs" / "qemu-virt" / "bare.dts"
        config, config_src = dtc(bare, tmp_path / "bare.dtb"), str(bare)
    r = subprocess.run([str(bhcfg), "--board", str(board), "--board-src", board_src,
                        "--config", str(config), "--config-src", config_src,
                        "--root", str(tmp_path), "--out", str(out)],
                       capture_output=True, text=True, cwd=tmp_path)
    if expect is None:
        assert r.returncode == 0, f"example {num}:\n{r.stderr}"
        assert r.stderr == "", f"example {num}:\n{r.stderr}"
    else:
        assert r.stderr == expect, f"example {num}"
        failed = re.search(r"^bhcfg: \d+ errors?; no image generated$", expect, re.M)
        assert r.returncode == (1 if failed else 0), r.stderr
