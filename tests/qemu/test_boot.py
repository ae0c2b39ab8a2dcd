# SPDX-License-Identifier: Apache-2.0
"""Foundation scenarios: boot to the banner, power off, and fail loudly."""
import os
import re
import subprocess

import pytest

from qemuharness import ROOT, board_facts, bulkhead_args, image_path, run_qemu

READY = r"^Bulkhead ready: cpus=(\d+)/(\d+) ram=(\d+)MiB"


@pytest.mark.smoke
def test_boots_all_cpus_and_powers_off(board):
    image = image_path("bare", board)
    facts = board_facts(image)
    r = run_qemu(bulkhead_args(image, board), timeout=20)
    assert not r.timed_out, r.output
    m = r.expect(READY)
    assert m.group(1) == m.group(2) == str(facts["ncpus"]), r.output
    assert int(m.group(3)) == facts["ram_mib"]
    r.expect(rf"gicv{facts['gic']}")
    r.expect(rf"^Bulkhead \S+ \(\S+\) on board {facts['name']}, boot CPU 0$")
    r.expect(r"all CPUs idle \(0 stopped by faults\); system off")
    assert "FATAL" not in r.output and "PANIC" not in r.output
    assert r.rc == 0, f"QEMU exit {r.rc}:\n{r.output}"


def test_missing_cpus_are_reported_not_fatal(board):
    # The board lists 4 CPUs; QEMU has only 2: CPU_ON fails for the others.
    r = run_qemu(bulkhead_args(image_path("bare", board), board, smp=2), timeout=20)
    assert r.rc == 0, r.output
    r.expect(r"CPU 2 \(MPIDR 0x2\) failed to start")
    m = r.expect(READY)
    assert (m.group(1), m.group(2)) == ("2", "4")


def _symbol_range(elf, name):
    out = subprocess.run(["aarch64-linux-gnu-nm", "-S", elf], capture_output=True,
                         text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] == name:
            start, size = int(parts[0], 16), int(parts[1], 16)
            return start, start + size
    raise AssertionError(f"{name} not in {elf}")


def test_el2_fault_dumps_registers_and_stops_only_that_cpu():
    image = image_path("bare", "qemu-virt", selftest="el2-fault")
    r = run_qemu(bulkhead_args(image), timeout=20)
    assert r.rc == 0, r.output
    r.expect(r"^FATAL: hypervisor exception on CPU 1: synchronous, EL2$")
    m = r.expect(r"ESR_EL2\s+([0-9a-f]{16})\s+EC 0x25 \(Data abort, same EL\)")
    assert (int(m.group(1), 16) >> 26) == 0x25
    r.expect(r"FAR_EL2\s+000000bad0000000")
    elr = int(r.expect(r"ELR_EL2\s+([0-9a-f]{16})").group(1), 16)
    lo, hi = _symbol_range(image.replace(".bin", ".elf"), "selftest_el2_fault")
    assert lo <= elr < hi, f"ELR {elr:#x} outside selftest_el2_fault [{lo:#x},{hi:#x})"
    # x19 held the faulting address in the generated code; all 31 registers appear.
    for i in range(31):
        assert re.search(rf"\bx{i}\s+[0-9a-f]{{16}}", r.output), f"x{i} missing"
    r.expect(r"^bulkhead: CPU 1 stopped$")
    r.expect(r"all CPUs idle \(1 stopped by faults\); system off")
    # Exactly one CPU faulted; the others went on to idle.
    assert r.output.count("FATAL") == 1


def test_entry_at_el1_is_refused_with_a_clear_message():
    # Without virtualization=on QEMU enters the image at EL1.
    args = bulkhead_args(image_path("bare", "qemu-virt"))
    i = args.index("-machine") + 1
    args[i] = args[i].replace("virtualization=on", "virtualization=off")
    r = run_qemu(args, timeout=10, stop_on=r"Stopping\.")
    r.expect(r"FATAL: entered at EL1, but a hypervisor must be entered at EL2")
    assert "Bulkhead ready" not in r.output


def test_board_claiming_more_pa_bits_than_the_cpu_has_is_refused():
    # qemu-virt states 44-bit PAs (Cortex-A72); a Cortex-A53 has 40. Stage 2
    # is built for what the board states (bhcfg checked the cells against
    # it), so a mismatch is named rather than run into.
    args = bulkhead_args(image_path("two-cells", "qemu-virt"))
    args[args.index("-cpu") + 1] = "cortex-a53"
    r = run_qemu(args, timeout=20)
    assert r.rc == 0, r.output
    r.expect(r"^bulkhead: board qemu-virt states 44-bit physical addresses, but this CPU has 40: "
             r"wrong board description for this machine; no cell started$")
    assert "cell alpha: start" not in r.output
    r.expect(r"all CPUs idle \(0 stopped by faults\); system off")
