# SPDX-License-Identifier: Apache-2.0
"""Run QEMU with a hard timeout and collect its UART output.

One QEMU per scenario. The guest (or Bulkhead) prints fixed markers and
powers the machine off; the harness enforces the timeout, can stop early on
a marker, and reports the exit status.
"""
import os
import re
import selectors
import shlex
import subprocess
import time
from dataclasses import dataclass, field

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
QEMU = os.environ.get("QEMU", "qemu-system-aarch64")


@dataclass
class QemuResult:
    rc: int | None          # None if QEMU was killed
    output: str
    timed_out: bool
    elapsed: float          # seconds from start to exit (or kill)
    marks: dict = field(default_factory=dict)  # regex -> seconds when first seen
    rt_boosted: list = field(default_factory=list)  # vCPUs given a real-time host priority

    def expect(self, pattern):
        """Return the first match of pattern, failing with the output if absent."""
        m = re.search(pattern, self.output, re.M)
        assert m, f"marker {pattern!r} not found in output:\n{self.output}"
        return m


def _boost_vcpu_threads(pid, cpus, deadline):
    """Give QEMU's threads for vCPUs @cpus SCHED_FIFO: under TCG every vCPU is
    a host thread, and on a small host a real-time cell's vCPU otherwise
    waits behind the others' threads, which a dedicated core never does.
    Needs QEMU's debug-threads=on (thread names "CPU <n>/TCG") and root."""
    done = []
    while len(done) < len(cpus) and time.monotonic() < deadline:
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except FileNotFoundError:
            break
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/comm") as f:
                    name = f.read().strip()
            except OSError:
                continue
            m = re.fullmatch(r"CPU (\d+)/TCG", name)
            if m and int(m.group(1)) in cpus and int(m.group(1)) not in done:
                try:
                    os.sched_setscheduler(int(tid), os.SCHED_FIFO, os.sched_param(1))
                    done.append(int(m.group(1)))
                except PermissionError:
                    return done
        time.sleep(0.02)
    return done


def run_qemu(args, timeout, stop_on=None, watch=(), input_script=(), rt_cpus=()):
    """Run qemu-system-aarch64 with args (list). Kill it after timeout seconds.

    stop_on: regex; once seen, QEMU is killed (for scenarios that never power off).
    watch: regexes whose first appearance time is recorded in result.marks.
    input_script: (regex, text) pairs; text is written to the first serial port
    once regex has been seen. text may instead be a function, called then
    (e.g. to feed another serial port).
    """
    cmd = [QEMU] + list(args)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, cwd=ROOT)
    boosted = _boost_vcpu_threads(proc.pid, list(rt_cpus), start + 5) if rt_cpus else []
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    out = bytearray()
    marks = {}
    pending_input = list(input_script)
    timed_out = stopped = False
    while True:
        left = timeout - (time.monotonic() - start)
        if left <= 0:
            timed_out = True
            break
        if not sel.select(min(left, 0.2)):
            if proc.poll() is not None:
                break
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break
        out += chunk
        text = out.decode("utf-8", "replace")
        now = time.monotonic() - start
        for w in watch:
            if w not in marks and re.search(w, text, re.M):
                marks[w] = now
        while pending_input and re.search(pending_input[0][0], text, re.M):
            what = pending_input.pop(0)[1]
            if callable(what):
                what()
            else:
                proc.stdin.write(what.encode())
                proc.stdin.flush()
        if stop_on and re.search(stop_on, text, re.M):
            stopped = True
            break
    if timed_out or stopped:
        proc.kill()
    try:
        rest, _ = proc.communicate(timeout=5)
        out += rest or b""
    except subprocess.TimeoutExpired:
        proc.kill()
    rc = None if (timed_out or stopped) else proc.returncode
    text = out.decode("utf-8", "replace").replace("\r\n", "\n")
    return QemuResult(rc, text, timed_out, time.monotonic() - start, marks, boosted)


def board_vars(board="qemu-virt"):
    """QEMU machine options from boards/<board>/board.mk (via make)."""
    line = subprocess.run(["make", "-s", "--no-print-directory", f"BOARD={board}",
                           "print-qemu-vars"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout
    return dict(tok.split("=", 1) for tok in shlex.split(line))


def bulkhead_args(image, board="qemu-virt", machine_extra="", smp=None, serials=None,
                  uart1=None, extra=()):
    """QEMU arguments to boot a Bulkhead image on the board's machine.

    uart1: QEMU -chardev backend options for the second serial port (e.g.
    "pipe,path=/tmp/x/u1"); by default it is connected to nothing.
    extra: further QEMU options of the scenario (e.g. PCI devices).
    """
    v = board_vars(board)
    machine = v["QEMU_MACHINE"] + (("," + machine_extra) if machine_extra else "")
    nser = int(serials if serials is not None else v["QEMU_SERIALS"])
    assert not uart1 or nser >= 2, f"{board} has no second serial port"
    args = ["-machine", machine] + shlex.split(v.get("QEMU_OPTS", "")) + [
            "-cpu", v["QEMU_CPU"], "-smp", str(smp or v["QEMU_SMP"]),
            "-m", v["QEMU_MEM"], "-display", "none", "-nic", "none", "-monitor", "none",
            "-name", "bulkhead,debug-threads=on",
            "-serial", "stdio"]
    for i in range(nser - 1):
        if i == 0 and uart1:
            args += ["-chardev", f"{uart1},id=uart1", "-serial", "chardev:uart1"]
        else:
            args += ["-serial", "null"]
    if v.get("QEMU_DTB") == "board":
        # The board's tree, as its firmware would hand it over (board.mk).
        args += ["-dtb", os.path.join(os.path.dirname(image), "board.dtb")]
    return args + list(extra) + ["-kernel", image]


def board_facts(image):
    """What the board states, as bhcfg compiled it into @image
    (gen/config.c): name, CPUs, GIC version, RAM in MiB."""
    with open(os.path.join(os.path.dirname(image), "gen", "config.c")) as f:
        board = f.read().split("const struct bh_system", 1)[0]
    ram = re.search(r"\.ram = \{(.*?)\n\t\}", board, re.S).group(1)
    return {
        "name": re.search(r'\.name = "([^"]*)"', board).group(1),
        "ncpus": int(re.search(r"\.ncpus = (\d+)", board).group(1)),
        "gic": int(re.search(r"\.version = (\d+)", board).group(1)),
        "ram_mib": sum(int(size, 16) for size in
                       re.findall(r"\{0x[0-9a-f]+, (0x[0-9a-f]+)\}", ram)) >> 20,
    }


def image_path(config, board="qemu-virt", selftest=None):
    variant = config + (f"+{selftest}" if selftest else "")
    path = os.path.join(ROOT, "build", board, variant, "bulkhead.bin")
    assert os.path.exists(path), f"{path} missing: run 'make test-images' first"
    return path
