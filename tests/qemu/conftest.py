# SPDX-License-Identifier: Apache-2.0
"""The scenario matrix. A scenario that takes a `board` runs once per board
in BULKHEAD_BOARDS (default: QEMU virt with each GIC version, Cortex-A72);
one marked @pytest.mark.smoke also runs on BULKHEAD_SMOKE_BOARDS (default:
QEMU virt with Cortex-A53 CPUs, whose 40-bit physical addresses change
stage 2). A board that lists its own scenarios in its board.mk
(BOARD_TESTS: test names; BULKHEAD_LISTED_BOARDS, default: every such
board) runs exactly those. The Makefile builds the images for the same
lists."""
import glob
import os
import re
import subprocess

import pytest

from qemuharness import ROOT

BOARDS = os.environ.get("BULKHEAD_BOARDS", "qemu-virt qemu-virt-gicv2").split()
SMOKE_BOARDS = os.environ.get("BULKHEAD_SMOKE_BOARDS", "qemu-virt-a53").split()


def _listing_boards():
    found = []
    for mk in sorted(glob.glob(os.path.join(ROOT, "boards", "*", "board.mk"))):
        with open(mk) as f:
            if re.search(r"^BOARD_TESTS\b", f.read(), re.M):
                found.append(os.path.basename(os.path.dirname(mk)))
    return found


LISTED_BOARDS = os.environ.get("BULKHEAD_LISTED_BOARDS", " ".join(_listing_boards())).split()


def _board_tests(board):
    out = subprocess.run(["make", "-s", "--no-print-directory", f"BOARD={board}",
                          "print-board-tests"], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout
    return set(out.split())


BOARD_TESTS = {b: _board_tests(b) for b in LISTED_BOARDS}


def pytest_configure(config):
    config.addinivalue_line("markers", "smoke: also run on the smoke boards (other CPUs)")


def pytest_generate_tests(metafunc):
    if "board" in metafunc.fixturenames:
        boards = list(BOARDS)
        if metafunc.definition.get_closest_marker("smoke"):
            boards += [b for b in SMOKE_BOARDS if b not in boards]
        boards += [b for b in LISTED_BOARDS
                   if metafunc.function.__name__ in BOARD_TESTS[b] and b not in boards]
        metafunc.parametrize("board", boards)


def pytest_collection_modifyitems(session, config, items):
    """A name in a board's BOARD_TESTS that is no scenario is a typo: fail
    rather than silently run less (checked when every file here is collected
    unfiltered, as make test does)."""
    here = os.path.dirname(os.path.abspath(__file__))
    files = {os.path.abspath(str(item.fspath)) for item in items}
    if (config.getoption("keyword") or config.getoption("markexpr")
            or not set(glob.glob(os.path.join(here, "test_*.py"))) <= files):
        return
    names = {item.originalname for item in items}
    for board, tests in BOARD_TESTS.items():
        unknown = sorted(tests - names)
        if unknown:
            raise pytest.UsageError(f"boards/{board}/board.mk: BOARD_TESTS names no "
                                    f"scenario in tests/qemu: {' '.join(unknown)}")
