# SPDX-License-Identifier: Apache-2.0
"""Guests see a faithful machine: debugging inside a cell, and a PMU that
never counts the hypervisor.

configs/qemu-virt/test-debug.dts and test-pmu.dts each run one cell with the
payload of the same name (partitions/baremetal/payloads/debug.c, pmu.c). Both
payloads also run bare on QEMU (no hypervisor): the baseline the cell's
results are held against.

Boards: the scenario matrix (tests/qemu/conftest.py), smoke boards included
(qemu-virt-a53: Cortex-A53, PMUv3 without HPMD/HCCD like Cortex-A72), and the
PMU once more on "-cpu max" (PMUv3p5: EL2 kept out by MDCR_EL2.HPMD/HCCD,
nothing trapped). Each test builds the image it boots.

The PMU runs take "-icount shift=0": QEMU counts instructions retired only
with a precise instruction count, and then one instruction is one
nanosecond, and one cycle of its 1 GHz PMU clock: the counts are exact.
"""
import re
import subprocess
from pathlib import Path

import pytest

from qemuharness import bulkhead_args, image_path, run_qemu

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 60
ICOUNT = ["-icount", "shift=0"]
NATIVE = ["-machine", "virt,gic-version=3", "-cpu", "cortex-a72", "-smp", "4", "-m", "1G",
          "-display", "none", "-nic", "none", "-monitor", "none", "-serial", "stdio"]

# pmu.c's bound on what one measured window may count (see GUEST_BOUND there):
# the few guest instructions in it, never the hypervisor's hundreds.
GUEST_BOUND = 8

DEBUG_TESTS = ["nothing_armed_after_reset", "registers_read_back", "breakpoint_fires_once",
               "watchpoint_write_and_read", "single_step_over_emulated_instructions",
               "os_lock_blocks_debug_exceptions", "unimplemented_breakpoint_is_undefined",
               "external_debug_interface_hidden"]
PMU_TESTS = ["pmu_reset_after_restart", "filters_read_back", "counts_exclude_hypervisor_hvc",
             "counts_exclude_hypervisor_mmio", "software_increment_and_overflow_interrupt",
             "pmu_trapped_only_without_hccd"]


def build(board, config):
    res = subprocess.run(["make", "--no-print-directory", f"BOARD={board}", f"CONFIG={config}",
                          "all"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True)
    assert res.returncode == 0, res.stdout
    return image_path(config, board)


def boot(config, board, extra=(), cpu=None):
    args = bulkhead_args(build(board, config), board)
    if cpu:
        args[args.index("-cpu") + 1] = cpu
    r = run_qemu(args + list(extra), timeout=TIMEOUT)
    assert not r.timed_out, f"timed out after {TIMEOUT}s:\n{r.output}"
    assert r.rc == 0, f"QEMU exit {r.rc}:\n{r.output}"
    r.expect(r"^bulkhead: all cells stopped; system off$")
    assert "FATAL" not in r.output and "PANIC" not in r.output, r.output
    return r


def assert_all_ok(out, tests, prefix=""):
    for t in tests:
        assert re.search(rf"^{re.escape(prefix)}\[  OK  \] {t}$", out, re.M), \
            f"{t} not OK:\n{out}"
    m = re.findall(rf"^{re.escape(prefix)}BM-RESULT: (\d+) passed, (\d+) failed$", out, re.M)
    assert m == [(str(len(tests)), "0")], out


def measured(out, what, prefix=""):
    """(instructions min, max, cycles min, max) pmu.c printed for @what."""
    m = re.search(rf"^{re.escape(prefix)}pmu: {re.escape(what)}: instructions (\d+)\.\.(\d+), "
                  r"cycles (\d+)\.\.(\d+)", out, re.M)
    assert m, f"no measurement of {what}:\n{out}"
    return tuple(int(x) for x in m.groups())


@pytest.mark.smoke
def test_debug_breakpoints_watchpoints_step_in_cell(board):
    r = boot("test-debug", board)
    assert_all_ok(r.output, DEBUG_TESTS, "[debug] ")
    # The tests ran on the second boot, after SYSTEM_RESET left things armed.
    r.expect(r"^cell debug: SYSTEM_RESET$")
    r.expect(r"^cell debug: start #2, vCPU 0 on CPU 1")
    r.expect(r"^\[debug\] debug: after reset MDSCR 0x0 OSLSR 0xa BCR0 0x0 BVR0 0x0 WCR0 0x0 "
             r"WVR0 0x0$")
    # Stepped over the HVC, two emulated loads and a trapped register, each
    # of which left the guest.
    r.expect(r"^\[debug\] debug: the stepped sequence took [5-9] exits$")


@pytest.mark.smoke
def test_pmu_never_counts_the_hypervisor(board):
    r = boot("test-pmu", board, ICOUNT)
    assert_all_ok(r.output, PMU_TESTS, "[pmu] ")
    r.expect(r"^\[pmu\] pmu: ID_AA64DFR0_EL1 0x[0-9a-f]+: PMUVer 1, \d+ event counters$")
    # Below PMUv3p5 the PMU is trapped and emulated.
    r.expect(r"^\[pmu\] pmu: PMUVer 1: 10 counter reads took 10 exits$")
    for what in ("hvc PSCI_VERSION", "ldr emulated UART"):
        insns, _, cycles, _ = measured(r.output, what, "[pmu] ")
        print(f"{board}: {what}: {insns} instructions, {cycles} cycles")
        assert insns <= GUEST_BOUND and cycles <= GUEST_BOUND, r.output
    # Nothing of the first boot's running, interrupting PMU survived.
    r.expect(r"^\[pmu\] pmu: after reset PMCR 0x[0-9a-f]*[02468ace] CNTEN 0x0 INTEN 0x0 OVS 0x0 "
             r"USERENR 0x0 EVTYPER0 0x0 CCFILTR 0x0 SELR 0x0 CCNTR 0x0 EVCNTR0 0x0$")


def test_pmu_untrapped_where_hpmd_and_hccd_exist():
    r = boot("test-pmu", "qemu-virt", ICOUNT, cpu="max")
    assert_all_ok(r.output, PMU_TESTS, "[pmu] ")
    ver = int(r.expect(r"^\[pmu\] pmu: ID_AA64DFR0_EL1 0x[0-9a-f]+: PMUVer (\d+),").group(1))
    assert ver >= 6, f"-cpu max without PMUv3p5:\n{r.output}"
    r.expect(rf"^\[pmu\] pmu: PMUVer {ver}: 10 counter reads took 0 exits$")
    for what in ("hvc PSCI_VERSION", "ldr emulated UART"):
        insns, _, cycles, _ = measured(r.output, what, "[pmu] ")
        assert insns <= GUEST_BOUND and cycles <= GUEST_BOUND, r.output


def test_cell_device_tree_has_the_pmu():
    build("qemu-virt", "test-pmu")
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts",
                          str(REPO / "build/qemu-virt/test-pmu/gen/cell-pmu.dtb")],
                         check=True, capture_output=True, text=True).stdout
    m = re.search(r"^\tpmu \{\n(.*?)^\t\};", dts, re.M | re.S)
    assert m, dts
    assert 'compatible = "arm,armv8-pmuv3";' in m.group(1)
    assert "interrupts = <0x01 0x07 0x04>;" in m.group(1)  # the board's PPI 23


@pytest.fixture(scope="module")
def payloads():
    res = subprocess.run(["make", "--no-print-directory", "partitions"], cwd=REPO,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert res.returncode == 0, res.stdout
    return REPO / "build" / "partitions"


@pytest.mark.parametrize("cpu", ["cortex-a72", "cortex-a53"])
def test_debug_and_pmu_payloads_bare(payloads, cpu):
    """The baseline: the same checks on QEMU alone pass, and count as much."""
    machine = list(NATIVE)
    machine[machine.index("-cpu") + 1] = cpu
    r = run_qemu(machine + ["-kernel", str(payloads / "debug.elf"), "-append", "bm.native"],
                 timeout=TIMEOUT)
    assert r.rc == 0 and not r.timed_out, r.output
    assert_all_ok(r.output, [t for t in DEBUG_TESTS if t != "external_debug_interface_hidden"])
    r = run_qemu(machine + ICOUNT + ["-kernel", str(payloads / "pmu.elf"), "-append",
                                     "bm.native"], timeout=TIMEOUT)
    assert r.rc == 0 and not r.timed_out, r.output
    assert_all_ok(r.output, [t for t in PMU_TESTS if t != "pmu_trapped_only_without_hccd"])
    for what in ("hvc PSCI_VERSION", "ldr emulated UART"):
        insns, _, cycles, _ = measured(r.output, what)
        print(f"bare {cpu}: {what}: {insns} instructions, {cycles} cycles")
        assert insns <= GUEST_BOUND and cycles <= GUEST_BOUND, r.output
