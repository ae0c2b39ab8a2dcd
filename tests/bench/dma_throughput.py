#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""DMA through the SMMU: virtio-blk-pci read throughput in a Linux cell whose
disk DMA the SMMU translates with the cell's stage 2, against the same kernel
and initramfs on bare QEMU (no hypervisor, no SMMU); and the SMMU commands a
cell's start and stop take.

  tests/bench/dma_throughput.py [boots] [reads per boot] [disk MiB] [board]
  (defaults: 3 boots of each, 3 reads, 256 MiB, qemu-virt)

Each boot: Linux reads the whole disk (random data) with dd, dropping the page
cache before each read, timed with /proc/uptime (10 ms). Boots alternate
between bare QEMU and Bulkhead so that a change in the host's load hits both.
Prints each read, the median throughput of each, their ratio, the same ratio
timed on the host (from typing the command to its last line: all reads and
cache drops, whatever the guest's clock says), and the IOMMU line Bulkhead
prints when the cell stops.

NOISY: wall-clock figures under QEMU's TCG depend on the host (here 2 cores
shared with other jobs); compare the ratio over several runs, not single
numbers. (make bench counts instructions instead; this one cannot: a disk's
throughput is time.) Builds the Linux guest and configs/qemu-virt/
test-dma-bench.dts first.
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "qemu"))
from qemuharness import ROOT, bulkhead_args, image_path, run_qemu  # noqa: E402

BOOTS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
READS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
DISK_MIB = int(sys.argv[3]) if len(sys.argv) > 3 else 256
BOARD = sys.argv[4] if len(sys.argv) > 4 else "qemu-virt"
TIMEOUT = 300
LINUX_O = os.path.join(ROOT, "build", "partitions", "linux")
READ_RE = re.compile(r"^(?:\[linux\] )?BENCH-READ sectors=(\d+) start=([\d.]+) end=([\d.]+)\r?$",
                     re.M)
CMD = (f"for i in $(seq {READS}); do echo 3 > /proc/sys/vm/drop_caches; "
       "s=$(cut -d' ' -f1 /proc/uptime); dd if=/dev/vda of=/dev/null bs=1M 2>/dev/null; "
       "e=$(cut -d' ' -f1 /proc/uptime); "
       "echo BENCH-READ sectors=$(cat /sys/block/vda/size) start=$s end=$e; done; "
       "echo BENCH-''DONE\r")  # not the marker itself when the shell echoes the line


def disk_args(disk):
    # Modern-only with VIRTIO_F_ACCESS_PLATFORM: QEMU's virtio devices DMA
    # through the IOMMU only then (otherwise they would write IPAs as PAs).
    return ["-drive", f"file={disk},format=raw,if=none,id=d0",
            "-device", "virtio-blk-pci,drive=d0,bus=pcie.0,addr=2,"
                       "disable-legacy=on,iommu_platform=on"]


def native_args(disk):
    return ["-machine", "virt,gic-version=3", "-cpu", "cortex-a72", "-smp", "2", "-m", "512M",
            "-display", "none", "-nic", "none", "-monitor", "none", "-serial", "stdio",
            "-kernel", os.path.join(LINUX_O, "Image"),
            "-initrd", os.path.join(LINUX_O, "initramfs.cpio.gz"),
            "-append", "console=ttyAMA0 quiet"] + disk_args(disk)


def run(args, prompt):
    done = r"BENCH-DONE\r?\n"
    r = run_qemu(args, TIMEOUT, input_script=[(prompt, CMD), (done, "poweroff -f\r")],
                 watch=[prompt, done])
    assert not r.timed_out, f"timed out after {TIMEOUT}s:\n{r.output[-4000:]}"
    reads = [(int(n) * 512, float(e) - float(s)) for n, s, e in READ_RE.findall(r.output)]
    assert len(reads) == READS, r.output[-4000:]
    assert all(b == DISK_MIB << 20 and t > 0 for b, t in reads), reads
    host = READS * (DISK_MIB << 20) / (r.marks[done] - r.marks[prompt]) / 1e6
    return r, [b / t / 1e6 for b, t in reads], host


def make(*args):
    r = subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT,
                       capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"make {' '.join(args)} failed:\n{r.stdout}{r.stderr}")


def main():
    make("linux")
    make(f"BOARD={BOARD}", "CONFIG=test-dma-bench")
    image = image_path("test-dma-bench", BOARD)
    native, cell, iommu, host_native, host_cell = [], [], set(), [], []
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "disk.img")
        with open(disk, "wb") as f:
            f.write(os.urandom(DISK_MIB << 20))
        for boot in range(BOOTS):
            _, mbs, host = run(native_args(disk), r"(?m)^/ # ")
            native += mbs
            host_native.append(host)
            print(f"boot {boot + 1}: bare QEMU: " + ", ".join(f"{x:.1f}" for x in mbs) + " MB/s",
                  flush=True)
            r, mbs, host = run(bulkhead_args(image, BOARD, extra=disk_args(disk)),
                               r"\[linux\] / # ")
            cell += mbs
            host_cell.append(host)
            assert "blocked" not in r.output, r.output[-4000:]
            iommu |= set(re.findall(r"^cell linux: IOMMU: .*$", r.output, re.M))
            print(f"boot {boot + 1}: Bulkhead, SMMU translating: "
                  + ", ".join(f"{x:.1f}" for x in mbs) + " MB/s", flush=True)
    n, c = statistics.median(native), statistics.median(cell)
    print(f"{DISK_MIB} MiB read {BOOTS}x{READS} times each (NOISY: TCG on a shared host)")
    print(f"  bare QEMU:              median {n:.1f} MB/s (min {min(native):.1f}, "
          f"max {max(native):.1f})")
    print(f"  Bulkhead, SMMU on:      median {c:.1f} MB/s (min {min(cell):.1f}, "
          f"max {max(cell):.1f})")
    print(f"  ratio Bulkhead / bare:  {c / n:.2f}")
    hn, hc = statistics.median(host_native), statistics.median(host_cell)
    print(f"  host-timed (all reads and cache drops per boot): bare {hn:.1f} MB/s, "
          f"Bulkhead {hc:.1f} MB/s, ratio {hc / hn:.2f}")
    for line in sorted(iommu):
        print(f"  {line}")


if __name__ == "__main__":
    main()
