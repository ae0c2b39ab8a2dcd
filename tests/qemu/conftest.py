# SPDX-License-Identifier: Apache-2.0
"""The scenario matrix. A scenario that takes a `board` runs once per board
in BULKHEAD_BOARDS (default: QEMU virt with each GIC version, Cortex-A72);
one marked @pytest.mark.smoke also runs on BULKHEAD_SMOKE_BOARDS (default:
QEMU virt with Cortex-A53 CPUs, whose 40-bit physical addresses change
stage 2). The Makefile builds the images for the same lists."""
import os

BOARDS = os.environ.get("BULKHEAD_BOARDS", "qemu-virt qemu-virt-gicv2").split()
SMOKE_BOARDS = os.environ.get("BULKHEAD_SMOKE_BOARDS", "qemu-virt-a53").split()


def pytest_configure(config):
    config.addinivalue_line("markers", "smoke: also run on the smoke boards (other CPUs)")


def pytest_generate_tests(metafunc):
    if "board" in metafunc.fixturenames:
        boards = list(BOARDS)
        if metafunc.definition.get_closest_marker("smoke"):
            boards += [b for b in SMOKE_BOARDS if b not in boards]
        metafunc.parametrize("board", boards)
