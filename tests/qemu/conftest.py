# SPDX-License-Identifier: Apache-2.0
"""Scenarios that depend on the board run once per board in BULKHEAD_BOARDS
(default: both GIC versions of QEMU virt)."""
import os

import pytest

BOARDS = os.environ.get("BULKHEAD_BOARDS", "qemu-virt qemu-virt-gicv2").split()


@pytest.fixture(params=BOARDS)
def board(request):
    return request.param
