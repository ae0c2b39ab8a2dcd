#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Figures for the default system's kind of setup (Linux beside the RTOS).

  tests/bench/mixed_criticality.py [board]

Five QEMU boots (about 3 minutes), each with the RTOS vCPU's host thread at
a real-time priority (as the tests do; needs root):
  idle:   Linux boots, idles 20 s at its prompt, powers off; the RTOS runs on
  quick:  Linux boots and powers off at once (baseline for the idle exits)
  stress: Linux runs `stress` (2 CPU + 1 memory worker) for 30 s
  alone:  the RTOS without Linux (configs/qemu-virt/test-rtos.dts), 20 s
  native: the RTOS on QEMU without Bulkhead, 20 s, while a thread here
          measures how long the host leaves a runnable thread waiting
Reports Linux's boot time to its ready marker, the RTOS's jitter (min/avg/max
per task) in each setting, its deadline verdict (missed releases, worst
jitter against the period), and guest exits per second per cell while idle.
These timing verdicts live here, reported, not in `make test`: under QEMU's
TCG they depend on the host's scheduling. The figures are indicative, not a
benchmark of real hardware. Needs `make test-images` first.
"""
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "qemu"))
from qemuharness import bulkhead_args, image_path, run_qemu  # noqa: E402

BOARD = sys.argv[1] if len(sys.argv) > 1 else "qemu-virt"
PROMPT = r"\[linux\] / # "
READY = r"BULKHEAD-LINUX-READY"
IDLE_S = 20
SUMMARY = re.compile(r"^(?:\[rtos\] )?RTOS-SUMMARY: t=(\d+) task=(\w+) prio=\d+ "
                     r"period_us=(\d+) releases=(\d+) missed=(\d+) .* jitter_ns min=(\d+) "
                     r"avg=(\d+) max=(\d+)", re.M)
VUART_LINE_MAX = 160  # an emulated console cuts longer lines (core/include/bulkhead/vdev.h)


class HostStalls(threading.Thread):
    """Longest oversleep of a 1 ms sleep while it runs. QEMU needs two of its
    threads scheduled to deliver a timer interrupt and uses far more CPU than
    this thread, so it is kept waiting at least as long."""

    def __init__(self):
        super().__init__(daemon=True)
        self.worst = 0.0
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            t = time.monotonic()
            time.sleep(0.001)
            self.worst = max(self.worst, time.monotonic() - t - 0.001)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.join()


def rejoin(output):
    """Undo the emulated console's cut of long RTOS lines."""
    out = []
    for line in output.splitlines():
        if out and out[-1].startswith("[rtos] ") and len(out[-1]) == 7 + VUART_LINE_MAX \
                and line.startswith("[rtos] "):
            out[-1] += line[7:]
        else:
            out.append(line)
    return "\n".join(out)


def boot(config, script=(), timeout=180):
    r = run_qemu(bulkhead_args(image_path(config, BOARD), BOARD), timeout=timeout,
                 input_script=script, watch=[READY], rt_cpus=[2])
    if r.rc != 0 or r.timed_out:
        sys.exit(f"{config}: QEMU failed (rc {r.rc}):\n{r.output[-3000:]}")
    if r.rt_boosted != [2]:
        print("warning: could not raise the RTOS vCPU thread's priority (not root?)")
    r.output = rejoin(r.output)
    return r


def boot_native(seconds=20):
    gic = "2" if BOARD.endswith("gicv2") else "3"
    elf = os.path.join(os.path.dirname(__file__), "..", "..", "build", "partitions", "rtos.elf")
    args = ["-machine", f"virt,gic-version={gic}", "-cpu", "cortex-a72", "-smp", "4", "-m", "1G",
            "-display", "none", "-nic", "none", "-monitor", "none", "-serial", "stdio",
            "-kernel", elf, "-append", f"bm.native rtos.seconds={seconds} rtos.report=5"]
    with HostStalls() as stalls:
        r = run_qemu(args, timeout=seconds + 60)
    if r.rc != 0 or r.timed_out:
        sys.exit(f"native: QEMU failed (rc {r.rc}):\n{r.output[-3000:]}")
    r.host_stall_ms = stalls.worst * 1e3
    return r


def exits(r, cell):
    return sum(int(n) for n in re.findall(rf"^cell {cell}: vCPU \d+: (\d+) exits", r.output, re.M))


def jitter(r):
    return {m.group(2): tuple(int(m.group(i)) / 1000 for i in (6, 7, 8))
            for m in SUMMARY.finditer(r.output)}


def deadlines(r):
    """The RTOS's own verdict, and per task: missed releases, worst jitter
    as a share of the period."""
    verdict = re.search(r"^(?:\[rtos\] )?\[ *(OK|FAIL) *\] deadlines$", r.output, re.M)
    tasks = {m.group(2): (int(m.group(5)), int(m.group(8)) / (int(m.group(3)) * 1000))
             for m in SUMMARY.finditer(r.output)}
    return (verdict.group(1) if verdict else "?"), tasks



runs = {}
# idle: wait IDLE_S at the prompt before powering off. The harness sends on a
# marker, so the delay comes from a sleep the guest runs itself.
runs["idle"] = boot("test-linux-rtos", [(PROMPT, f"sleep {IDLE_S}; poweroff -f\r")])
runs["quick"] = boot("test-linux-rtos", [(PROMPT, "poweroff -f\r")])
runs["stress"] = boot("test-linux-rtos",
                      [(PROMPT, "stress -c 2 -m 1 -s 32 30; poweroff -f\r")])
runs["alone"] = boot("test-rtos")
runs["native"] = boot_native()

print(f"board {BOARD}, QEMU TCG on {os.cpu_count()} host CPUs")
ready = [runs[k].marks[READY] for k in ("idle", "quick", "stress")]
print("Linux boot, QEMU start to ready marker (s): " + ", ".join(f"{t:.1f}" for t in ready))
print("RTOS jitter (us), min / avg / max per task:")
SETTINGS = (("native", "natively, no Bulkhead"), ("alone", "alone"),
            ("idle", "beside idle Linux"), ("stress", "beside Linux under stress"))
for name, title in SETTINGS:
    j = jitter(runs[name])
    print(f"  {title:28s} " + "   ".join(
        f"{t}: {v[0]:.0f}/{v[1]:.0f}/{v[2]:.0f}" for t, v in sorted(j.items())))
print("RTOS deadlines: verdict; per task missed releases, worst jitter / period:")
for name, title in SETTINGS:
    verdict, tasks = deadlines(runs[name])
    print(f"  {title:28s} {verdict:4s} " + "   ".join(
        f"{t}: {m} missed, {share:.0%}" for t, (m, share) in sorted(tasks.items())))
print(f"  (native run: the host left a sleeping thread waiting up to "
      f"{runs['native'].host_stall_ms:.0f} ms)")
idle_rate = (exits(runs["idle"], "linux") - exits(runs["quick"], "linux")) / IDLE_S
print(f"Linux exits/s while idle at its prompt (both vCPUs): {idle_rate:.0f}")
alone = runs["alone"]
rtos_s = int(SUMMARY.search(alone.output).group(1))
irqs = int(re.search(r"^cell rtos: vCPU 0: \d+ exits \((\d+) irq", alone.output, re.M).group(1))
print(f"RTOS exits/s (timer interrupts + its console output): "
      f"{exits(alone, 'rtos') / rtos_s:.0f}, of which interrupts {irqs / rtos_s:.0f}")
