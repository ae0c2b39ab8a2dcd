#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Figures for the default system's kind of setup (Linux beside the RTOS).

  tests/bench/mixed_criticality.py [board]

Four QEMU boots (about 3 minutes), each with the RTOS vCPU's host thread at
a real-time priority (as the tests do; needs root):
  idle:   Linux boots, idles 20 s at its prompt, powers off; the RTOS runs on
  quick:  Linux boots and powers off at once (baseline for the idle exits)
  stress: Linux runs `stress` (2 CPU + 1 memory worker) for 30 s
  alone:  the RTOS without Linux (configs/qemu-virt/test-rtos.dts), 20 s
Reports Linux's boot time to its ready marker, the RTOS's jitter (min/avg/max
per task) in each setting, and guest exits per second per cell while idle.
QEMU's TCG timing is noisy: the figures are indicative, not a benchmark of
real hardware. Needs `make test-images` first.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "qemu"))
from qemuharness import bulkhead_args, image_path, run_qemu  # noqa: E402

BOARD = sys.argv[1] if len(sys.argv) > 1 else "qemu-virt"
PROMPT = r"\[linux\] / # "
READY = r"BULKHEAD-LINUX-READY"
IDLE_S = 20
SUMMARY = re.compile(r"^\[rtos\] RTOS-SUMMARY: t=(\d+) task=(\w+) .* jitter_ns min=(\d+) "
                     r"avg=(\d+) max=(\d+)", re.M)


def boot(config, script=(), timeout=180):
    r = run_qemu(bulkhead_args(image_path(config, BOARD), BOARD), timeout=timeout,
                 input_script=script, watch=[READY], rt_cpus=[2])
    if r.rc != 0 or r.timed_out:
        sys.exit(f"{config}: QEMU failed (rc {r.rc}):\n{r.output[-3000:]}")
    if r.rt_boosted != [2]:
        print("warning: could not raise the RTOS vCPU thread's priority (not root?)")
    return r


def exits(r, cell):
    return sum(int(n) for n in re.findall(rf"^cell {cell}: vCPU \d+: (\d+) exits", r.output, re.M))


def jitter(r):
    return {m.group(2): tuple(int(m.group(i)) / 1000 for i in (3, 4, 5))
            for m in SUMMARY.finditer(r.output)}



runs = {}
# idle: wait IDLE_S at the prompt before powering off. The harness sends on a
# marker, so the delay comes from a sleep the guest runs itself.
runs["idle"] = boot("test-linux-rtos", [(PROMPT, f"sleep {IDLE_S}; poweroff -f\r")])
runs["quick"] = boot("test-linux-rtos", [(PROMPT, "poweroff -f\r")])
runs["stress"] = boot("test-linux-rtos",
                      [(PROMPT, "stress -c 2 -m 1 -s 32 30; poweroff -f\r")])
runs["alone"] = boot("test-rtos")

print(f"board {BOARD}, QEMU TCG on {os.cpu_count()} host CPUs")
ready = [runs[k].marks[READY] for k in ("idle", "quick", "stress")]
print("Linux boot, QEMU start to ready marker (s): " + ", ".join(f"{t:.1f}" for t in ready))
print("RTOS jitter (us), min / avg / max per task:")
for name, title in (("alone", "alone"), ("idle", "beside idle Linux"),
                    ("stress", "beside Linux under stress")):
    j = jitter(runs[name])
    print(f"  {title:28s} " + "   ".join(
        f"{t}: {v[0]:.0f}/{v[1]:.0f}/{v[2]:.0f}" for t, v in sorted(j.items())))
idle_rate = (exits(runs["idle"], "linux") - exits(runs["quick"], "linux")) / IDLE_S
print(f"Linux exits/s while idle at its prompt (both vCPUs): {idle_rate:.0f}")
alone = runs["alone"]
rtos_s = int(SUMMARY.search(alone.output).group(1))
irqs = int(re.search(r"^cell rtos: vCPU 0: \d+ exits \((\d+) irq", alone.output, re.M).group(1))
print(f"RTOS exits/s (timer interrupts + its console output): "
      f"{exits(alone, 'rtos') / rtos_s:.0f}, of which interrupts {irqs / rtos_s:.0f}")
