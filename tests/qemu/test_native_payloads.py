# SPDX-License-Identifier: Apache-2.0
"""Boot every bare-metal payload natively on QEMU virt (no hypervisor).

These runs prove the runtime itself (boot, MMU, vectors, PSCI, GIC, timer)
and are the baseline Bulkhead's cell runs are compared with. Payloads get
"bm.native" on their command line: tests that only a hypervisor can pass
then skip themselves or relax (see each payload's comments).
"""
import re
import subprocess
from pathlib import Path

import pytest

from qemuharness import run_qemu

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 20  # seconds, per boot; each payload needs well under 2
MACHINE = ["-machine", "virt,gic-version=3", "-cpu", "cortex-a72", "-smp", "4",
           "-m", "1G", "-display", "none", "-nic", "none", "-monitor", "none",
           "-serial", "stdio"]
RESULT_RE = re.compile(r"^BM-RESULT: (\d+) passed, (\d+) failed$", re.M)
TEST_PAYLOADS = ["hello", "isolation", "smp", "psci", "spin", "irq"]


def build(cc=None):
    cmd = ["make", "--no-print-directory", "partitions"]
    if cc:
        cmd.append(f"CC={cc}")
    res = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    assert res.returncode == 0, f"{' '.join(cmd)} failed:\n{res.stdout}"
    return REPO / "build" / "partitions" / (cc if cc else "")


@pytest.fixture(scope="module")
def part_dir():
    return build()


class Run:
    def __init__(self, image, append="bm.native", machine=None, **harness_args):
        args = (machine or MACHINE) + ["-kernel", str(image)]
        if append:
            args += ["-append", append]
        r = run_qemu(args, TIMEOUT, **harness_args)
        self.code, self.out, self.seconds = r.rc, r.output, r.elapsed
        self.lines = self.out.splitlines()

    def result(self):
        """(passed, failed) from the one BM-RESULT line."""
        found = RESULT_RE.findall(self.out)
        assert len(found) == 1, f"want exactly one BM-RESULT line:\n{self.out}"
        return int(found[0][0]), int(found[0][1])

    def assert_passed(self, name):
        assert self.code is not None, f"{name}: timed out after {TIMEOUT}s:\n{self.out}"
        assert f"BM-BOOT: {name} vcpu=0 el=1" in self.lines, self.out
        passed, failed = self.result()
        assert failed == 0, self.out
        assert passed > 0, self.out
        assert self.code == 0, f"QEMU exit status {self.code}:\n{self.out}"
        # Every test that ran ended in OK or SKIP, and none vanished.
        runs = self.out.count("[ RUN  ] ")
        skips = self.out.count("[ SKIP ] ")
        assert runs == passed + skips, self.out
        return passed


@pytest.mark.parametrize("name", TEST_PAYLOADS)
def test_payload_passes_natively(part_dir, name):
    run = Run(part_dir / f"{name}.elf")
    run.assert_passed(name)
    print(f"{name}: {run.result()[0]} passed in {run.seconds:.2f}s")


def test_hello_progress_and_canary(part_dir):
    run = Run(part_dir / "hello.elf")
    run.assert_passed("hello")
    progress = [l for l in run.lines if re.match(r"hello: vcpu 0 counted \d+/\d+$", l)]
    assert len(progress) >= 3, run.out
    assert "[  OK  ] canary_intact" in run.lines


def test_hello_reads_console_input(part_dir):
    run = Run(part_dir / "hello.elf", append="bm.native hello.echo",
              input_script=[(r"^hello: type a line", "ping\r")])
    run.assert_passed("hello")
    assert 'hello: got "ping"' in run.lines, run.out
    assert "[  OK  ] console_input" in run.lines


def test_entry_at_el2_is_refused(part_dir):
    """With virtualization=on QEMU enters an ELF at EL2; the runtime must say
    so with a failing result instead of running at the wrong level."""
    machine = list(MACHINE)
    machine[1] += ",virtualization=on"
    run = Run(part_dir / "hello.elf", machine=machine, stop_on=r"^BM-RESULT: \d+ passed, \d+ failed\r?\n")
    assert "BM-BOOT: hello vcpu=0 el=2" in run.lines, run.out
    assert "bm: cannot start: not entered at EL1 (0x2)" in run.lines, run.out
    assert run.result() == (0, 1)


def test_spin_reports_ticks(part_dir, record_property):
    run = Run(part_dir / "spin.elf")
    run.assert_passed("spin")
    m = re.search(r"^BM-SPIN: iterations=(\d+) ticks=(\d+)$", run.out, re.M)
    assert m, run.out
    iterations, ticks = int(m.group(1)), int(m.group(2))
    assert iterations > 0 and ticks > 0
    record_property("bm_spin_ticks", ticks)
    print(f"BM-SPIN natively: iterations={iterations} ticks={ticks}")


def test_isolation_probes_something_natively(part_dir):
    """Natively only addresses past RAM fault; they must have been probed."""
    run = Run(part_dir / "isolation.elf")
    run.assert_passed("isolation")
    for addr in ("0x80000000", "0xfffff000"):
        assert f"isolation:   read  {addr} -> data abort, DFSC 0x10" in run.lines, run.out
        assert f"isolation:   write {addr} -> data abort, DFSC 0x10" in run.lines, run.out


def test_isolation_detects_reachable_memory(part_dir):
    """Without bm.native the payload expects a hypervisor. On bare QEMU the
    RTC is there to be read, so the payload must report that as a failure."""
    run = Run(part_dir / "isolation.elf", append=None)
    assert run.code == 0, run.out
    passed, failed = run.result()
    assert failed > 0, run.out
    assert "isolation: READ of unassigned device: PL031 RTC at 0x9010000 succeeded" \
        in run.out, run.out
    assert "[ FAIL ] read_outside" in run.lines, run.out


def test_reset_counts_boots(part_dir):
    # QEMU's SYSTEM_RESET resets the machine but keeps RAM; it reloads the
    # ELF and the DTB (ROM blobs), so the counter at RAM + 8 MiB survives.
    run = Run(part_dir / "reset.elf")
    counts = [l for l in run.lines if l.startswith("BM-BOOTCOUNT:")]
    assert counts == ["BM-BOOTCOUNT: 1", "BM-BOOTCOUNT: 2"], run.out
    assert run.lines.count("BM-BOOT: reset vcpu=0 el=1") == 2, run.out
    assert run.out.index("BM-BOOTCOUNT: 2") < run.out.index("BM-RESULT:")
    run.assert_passed("reset")


def test_crash_is_reported(part_dir):
    """An unexpected exception: dump, the test failed, one result, power off."""
    run = Run(part_dir / "crash.elf")
    assert run.code == 0, run.out
    assert run.result() == (1, 1), run.out
    assert "bm: UNEXPECTED EXCEPTION on vcpu 0: sync" in run.out
    assert re.search(r"ESR 0x[0-9a-f]{8} \(EC 0x25 data abort", run.out), run.out
    assert "FAR 0x0000000004000ba0" in run.out
    assert "[ FAIL ] unexpected_data_abort" in run.lines
    assert "crash: still running after the abort" not in run.out
    assert "never_runs" not in run.out


def test_flat_image_boots_with_dtb_in_x0(part_dir):
    """The .bin carries an arm64 Image header: QEMU loads it as a Linux
    Image at RAM + 2 MiB and passes the DTB in x0, the cell boot protocol."""
    run = Run(part_dir / "smp.bin")
    run.assert_passed("smp")
    assert re.search(r"^bm: dtb 0x[0-9a-f]+ \(x0\), ram 0x40000000\+0x40000000, 4 vcpus",
                     run.out, re.M), run.out


def test_clang_build_boots():
    clang_dir = build("clang")
    for name in ("hello", "smp", "irq"):
        Run(clang_dir / f"{name}.elf").assert_passed(name)
