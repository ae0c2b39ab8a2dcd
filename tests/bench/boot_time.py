#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Wall time from launching QEMU to Bulkhead's banner and to QEMU's exit.

Usage: tests/bench/boot_time.py [runs] [board | image]
A board boots its 'bare' image; an image (build/<board>/<config>/bulkhead.bin)
boots on its board. Wall time includes QEMU's own start-up; it is
indicative, not a test.
"""
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "qemu"))
from qemuharness import bulkhead_args, image_path, run_qemu  # noqa: E402

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
what = sys.argv[2] if len(sys.argv) > 2 else "qemu-virt"
if os.path.isfile(what):
    image = what
    board = os.path.basename(os.path.dirname(os.path.dirname(os.path.abspath(image))))
else:
    board, image = what, image_path("bare", what)
ready, total = [], []
for _ in range(runs):
    r = run_qemu(bulkhead_args(image, board), timeout=30, watch=[r"Bulkhead ready"])
    assert r.rc == 0 and r"Bulkhead ready" in r.marks, r.output
    ready.append(r.marks[r"Bulkhead ready"])
    total.append(r.elapsed)


def fmt(xs):
    return (f"min {min(xs) * 1000:.0f} ms, median {statistics.median(xs) * 1000:.0f} ms, "
            f"max {max(xs) * 1000:.0f} ms")


print(f"{runs} runs of {os.path.relpath(image)} on {board}")
print(f"  QEMU launch -> 'Bulkhead ready': {fmt(ready)}")
print(f"  QEMU launch -> QEMU exit:        {fmt(total)}")
