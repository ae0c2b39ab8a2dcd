# SPDX-License-Identifier: Apache-2.0
"""Cells: concurrency, isolation under each fault policy, guest PSCI, restart.

Each test boots one configuration (configs/qemu-virt/test-*.dts or
two-cells.dts) whose cells run payloads from partitions/baremetal; the
payloads print BM-* markers, Bulkhead prefixes each line with the cell name.
"""
import os
import re

from qemuharness import bulkhead_args, image_path, run_qemu

TIMEOUT = 60


def boot(config, board):
    r = run_qemu(bulkhead_args(image_path(config, board), board), timeout=TIMEOUT)
    assert not r.timed_out, f"timed out after {TIMEOUT}s:\n{r.output}"
    assert r.rc == 0, f"QEMU exit {r.rc}:\n{r.output}"
    r.expect(r"^bulkhead: all cells stopped; system off$")
    assert "FATAL" not in r.output and "PANIC" not in r.output, r.output
    return r


def result(r, cell):
    """(passed, failed) from the cell's BM-RESULT line; exactly one expected."""
    found = re.findall(rf"^\[{cell}\] BM-RESULT: (\d+) passed, (\d+) failed$", r.output, re.M)
    assert len(found) == 1, f"{cell}: {len(found)} BM-RESULT lines:\n{r.output}"
    return int(found[0][0]), int(found[0][1])


def assert_passed(r, cell, at_least=1):
    passed, failed = result(r, cell)
    assert failed == 0 and passed >= at_least, f"{cell}: {passed} passed, {failed} failed:\n{r.output}"


def test_two_cells_run_concurrently_and_both_finish(board):
    r = boot("two-cells", board)
    assert_passed(r, "alpha", 5)
    assert_passed(r, "beta", 5)
    # Concurrent, not one after the other: on the shared system counter
    # their counting intervals overlap.
    a = [int(x) for x in r.expect(r"^\[alpha\] BM-INTERVAL: start=(\d+) end=(\d+)$").groups()]
    b = [int(x) for x in r.expect(r"^\[beta\] BM-INTERVAL: start=(\d+) end=(\d+)$").groups()]
    assert a[0] < b[1] and b[0] < a[1], f"intervals do not overlap: alpha {a}, beta {b}"
    for cell in ("alpha", "beta"):
        r.expect(rf"^cell {cell}: start #1, vCPU 0 on CPU \d at 0x40200000")
        r.expect(rf"^cell {cell}: stopped$")


def test_isolation_inject_aborts_in_own_vector_and_neighbour_intact(board):
    r = boot("test-isolation-inject", board)
    # Every probe of memory/devices it does not own came back as an abort.
    assert_passed(r, "attacker", 5)
    assert re.search(r"^\[attacker\] isolation:\s+write 0x50000000 -> data abort, DFSC 0x10",
                     r.output, re.M), r.output
    # The neighbour's canary survived; it never noticed.
    assert_passed(r, "victim", 5)
    r.expect(r"^\[victim\] \[  OK  \] canary_intact$")
    # Reported, but rate-limited: at most 5 lines a second for the cell.
    reports = re.findall(r"^cell attacker: vCPU 0: data access outside the cell's memory and "
                         r"devices \(Data abort, lower EL, FAR 0x[0-9a-f]+, PC 0x[0-9a-f]+\): "
                         r"injected external abort", r.output, re.M)
    probes = re.findall(r"^\[attacker\] isolation:\s+(read|write)\s+0x[0-9a-f]+ -> data abort, "
                        r"DFSC 0x10", r.output, re.M)
    assert 1 <= len(reports) < len(probes), (len(reports), len(probes))
    assert "stopping the cell" not in r.output


def test_isolation_stop_stops_only_the_offender_with_a_dump(board):
    r = boot("test-isolation-stop", board)
    m = r.expect(r"^cell attacker: vCPU 0 \(CPU 1\): Data abort, lower EL: data access outside "
                 r"the cell's memory and devices; stopping the cell$")
    dump = r.output[m.end():]
    assert re.search(r"ESR_EL2\s+[0-9a-f]{16}\s+EC 0x24 \(Data abort, lower EL\)", dump)
    assert re.search(r"FAR_EL2\s+0000000041000000\s+HPFAR_EL2 [0-9a-f]{16} \(IPA 0x41000000\)",
                     dump), dump
    assert re.search(r"ELR\s+00000000402[0-9a-f]{5}", dump)
    for i in range(31):
        assert re.search(rf"\bx{i}\s+[0-9a-f]{{16}}", dump), f"x{i} missing from dump"
    r.expect(r"^cell attacker: stopped$")
    # Stopped at its first fault: no result from it, nothing after the dump.
    assert "[attacker] BM-RESULT" not in r.output
    after = r.output[r.output.index("cell attacker: stopped"):]
    assert "[attacker]" not in after
    assert_passed(r, "victim", 5)
    r.expect(r"^\[victim\] \[  OK  \] canary_intact$")


def test_smp_cell_cpu_on_own_vcpu_and_refusal_of_others(board):
    r = boot("test-smp", board)
    assert_passed(r, "smp", 5)
    r.expect(r"^\[smp\] \[  OK  \] cpu_on_nonexistent$")
    r.expect(r"^\[smp\] \[  OK  \] cpu_on_other_cells_cpus$")
    # vCPU 1 really ran on its own physical CPU and left through PSCI.
    r.expect(r"^cell smp: vCPU 1: \d+ exits \(0 irq, \d+ HVC\)$")
    assert_passed(r, "neighbour", 5)


def test_system_reset_restarts_only_its_cell_and_system_off_stops_only_it(board):
    r = boot("test-reset", board)
    out = r.output
    i1 = out.index("[resetter] BM-BOOTCOUNT: 1")
    ireset = out.index("cell resetter: SYSTEM_RESET")
    i2 = out.index("[resetter] BM-BOOTCOUNT: 2")
    assert i1 < ireset < i2
    r.expect(r"^cell resetter: start #2, vCPU 0 on CPU 1")
    assert_passed(r, "resetter", 3)  # image reloaded, vCPU 1 off after reset
    # The neighbour booted once and computed straight through the reset.
    assert out.count("[neighbour] BM-BOOT:") == 1
    assert_passed(r, "neighbour", 1)
    ioff = out.index("cell resetter: SYSTEM_OFF")
    assert "[neighbour]" in out[ioff:], "the neighbour should outlive the resetter"


def test_restart_policy_pulls_spinning_vcpu_out_and_restarts_cell(board):
    r = boot("test-restart", board)
    r.expect(r"^cell faulty: vCPU 0 \(CPU 1\): Data abort, lower EL: data access outside the "
             r"cell's memory and devices; restarting the cell$")
    # vCPU 1 spun with interrupts masked: only Bulkhead's kick got it out.
    r.expect(r"^cell faulty: vCPU 1: 1 exits \(1 irq\)$")
    r.expect(r"^cell faulty: start #2")
    assert_passed(r, "faulty", 2)
    assert_passed(r, "neighbour", 1)


def test_stop_policy_on_smp_cell_powers_off_when_the_rest_is_done(board):
    r = boot("test-stop-smp", board)
    r.expect(r"stopping the cell$")
    r.expect(r"^cell faulty: stopped$")
    assert "cell faulty: start #2" not in r.output
    assert_passed(r, "neighbour", 5)


def test_unknown_calls_and_garbage_arguments_return_errors(board):
    r = boot("test-psci", board)
    assert_passed(r, "psci", 10)
    for t in ("unknown_hvc", "unknown_smc", "cpu_on_bad_mpidr", "cpu_on_bad_entry",
              "bulkhead_hypercalls", "affinity_info"):
        r.expect(rf"^\[psci\] \[  OK  \] {t}$")
    r.expect(r"^\[psci\] psci: PSCI version 1\.1$")


def test_compute_loop_takes_no_guest_exits(board):
    r = boot("test-reset", board)
    m = r.expect(r"^\[neighbour\] BM-EXITS: loop_us=(\d+) exits=(\d+)$")
    assert int(m.group(1)) >= 3000000  # spin.long: three seconds
    assert int(m.group(2)) == 0


def test_interrupts_timer_sgis_owned_and_foreign_spis(board):
    r = boot("test-irq", board)
    assert_passed(r, "irq", 6)
    for t in ("virtual_timer", "sgi_to_self", "sgi_to_vcpu1", "spi_software_pending",
              "spi_not_owned_is_invisible"):
        r.expect(rf"^\[irq\] \[  OK  \] {t}$")


LINE_OK = re.compile(r"^(\[(flood|typist|bulkhead)\] |cell \w+: |Bulkhead |bulkhead: |$)")


def test_console_tagged_whole_lines_input_focus_and_no_starvation(board):
    r = run_qemu(bulkhead_args(image_path("test-console", board), board), timeout=TIMEOUT,
                 input_script=[(r"^\[typist\] uartirq: ready", "\x1dl\x1d1hello bulkhead\r")])
    assert r.rc == 0 and not r.timed_out, r.output
    # Escape key: Ctrl-] l lists the cells, Ctrl-] 1 gives the typist the input.
    r.expect(r"^\[bulkhead\]   0 flood\s+running, input")
    r.expect(r"^\[bulkhead\] console: input goes to cell 1 \(typist\)$")
    r.expect(r'^\[typist\] uartirq: got "hello bulkhead" in \d+ interrupts$')
    assert_passed(r, "typist", 1)
    assert_passed(r, "flood", 1)
    lines = r.output.splitlines()
    # Every line whole and tagged: nothing cut in two or glued together.
    bad = [l for l in lines if not LINE_OK.match(l)]
    assert not bad, f"malformed lines: {bad[:5]}"
    floods = [int(m.group(1)) for m in
              (re.match(r"^\[flood\] FLOOD (\d+) abcdefghijklmnopqrstuvwxyz0123456789$", l)
               for l in lines) if m]
    assert floods == list(range(3000)), "flood lines lost, cut or reordered"
    ticks = [i for i, l in enumerate(lines) if re.match(r"^\[typist\] TICK \d+ t=\d+$", l)]
    assert len(ticks) == 50
    # The quiet cell was not held back behind the flood: its ticks appear
    # while the flood is still printing.
    first_flood = next(i for i, l in enumerate(lines) if "FLOOD 0 " in l)
    last_flood = next(i for i, l in enumerate(lines) if "FLOOD 2999 " in l)
    during = [t for t in ticks if first_flood < t < last_flood]
    assert len(during) >= 25, f"only {len(during)} of 50 ticks while the flood ran"
    r.expect(r"^cell flood: console: 3006 lines, 0 dropped")
