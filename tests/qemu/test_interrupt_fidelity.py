# SPDX-License-Identifier: Apache-2.0
"""A guest's interrupts and timers behave as on bare metal.

partitions/baremetal/payloads/fidelity.c (kvm-unit-tests-style checks of our
own) runs in a cell (configs/qemu-virt/test-fidelity.dts) on every board and
natively on QEMU with either GIC: both EL1 timers interrupt; a level
interrupt whose handler ends it before quieting its device (the timers, the
PL031 RTC) runs its handler exactly once per assertion; the distributor
answers its ID registers; GICv2 target masks keep every vCPU named and
deliver 1-of-N.
"""
import re

import pytest

from qemuharness import ROOT, bulkhead_args, image_path, run_qemu

TIMEOUT = 60


def check(out):
    found = re.findall(r"^(?:\[fidelity\] )?BM-RESULT: (\d+) passed, (\d+) failed$", out, re.M)
    assert len(found) == 1, out
    passed, failed = map(int, found[0])
    assert failed == 0 and passed >= 6, out
    runs = re.findall(r"fidelity: (virtual|physical) timer: 64 expiries, (\d+) handler runs", out)
    assert sorted(runs) == [("physical", "64"), ("virtual", "64")], out
    assert re.search(r"fidelity: rtc: 1 handler run\(s\), 0 with the device quiet$", out, re.M), out


@pytest.mark.smoke
def test_in_a_cell(board):
    r = run_qemu(bulkhead_args(image_path("test-fidelity", board), board), timeout=TIMEOUT)
    assert not r.timed_out and r.rc == 0, r.output
    check(r.output)
    if board.endswith("gicv2"):
        assert re.search(r"^\[fidelity\] fidelity: rtc to vCPUs 0 and 1: 1 run\(s\), on vCPU [01]$",
                         r.output, re.M), r.output
    r.expect(r"^bulkhead: all cells stopped; system off$")


@pytest.mark.parametrize("gic", [3, 2])
def test_natively(gic):
    """The baseline: the same checks hold on QEMU with no hypervisor."""
    args = ["-machine", f"virt,gic-version={gic}", "-cpu", "cortex-a72", "-smp", "4", "-m", "1G",
            "-display", "none", "-nic", "none", "-monitor", "none", "-serial", "stdio",
            "-kernel", f"{ROOT}/build/partitions/fidelity.bin", "-append", "bm.native"]
    r = run_qemu(args, timeout=TIMEOUT)
    assert not r.timed_out and r.rc == 0, r.output
    check(r.output)
