# SPDX-License-Identifier: Apache-2.0
"""PCI functions passed through to cells (docs/config.md, PCI).

test-pci.dts: two bare-metal cells, each owning one of QEMU's "edu" devices
on the host bridge's root bus, run the pci payload: each sees its own
function and nothing else, sizes its BAR, cannot place it in the other's
window or outside its own, turns decoding on only once it is inside, reaches
the device there and takes its INTx as its own SPI. A third cell owns an
NVMe controller, which Bulkhead resets (FLR) when the cell stops.

test-pci-linux.dts: Debian's Linux with a virtio-blk-pci disk, its RAM at
IPA 0x40000000 = PA 0x48000000, so the disk's DMA lands only through the
SMMU translating with the cell's stage 2. Linux enumerates the function
through the virtual ECAM, reads the whole disk (the checksum matches the
host's), writes a marker block, restarts (the function is stopped and its
streams detached in between), reads the disk again and powers off; the host
finds the marker in the image. Beside it a bare-metal cell owns an edu
device that Linux must not see.

QEMU's virtio devices bypass the IOMMU unless they offer
VIRTIO_F_ACCESS_PLATFORM (iommu_platform=on, which needs a modern-only
device: disable-legacy=on); without it the disk would DMA to the IPAs as
physical addresses, into the hypervisor's memory.
"""
import hashlib
import os
import re

import pytest

from qemuharness import bulkhead_args, image_path, run_qemu

TIMEOUT = 60
LINUX_TIMEOUT = 240
PROMPT = r"\[linux\] / # "
DISK_SIZE = 8 << 20
MARK_BLOCK = 4096  # 512-byte block the guest writes its marker to
MARK = b"BULKHEAD-PCI-MARK\n"
EDU = ["-device", "edu,bus=pcie.0,addr=3"]


def result(r, cell):
    found = re.findall(rf"^\[{cell}\] BM-RESULT: (\d+) passed, (\d+) failed$", r.output, re.M)
    assert len(found) == 1, f"{cell}: {len(found)} BM-RESULT lines:\n{r.output}"
    return int(found[0][0]), int(found[0][1])


def edu_cell_checks(r, cell, fn, intid):
    """The pci payload's checks passed, and it saw only its own function."""
    assert result(r, cell) == (8, 0), r.output
    assert re.findall(rf"^\[{cell}\] pci: sees (.*)$", r.output, re.M) == \
        [f"00:{fn} [1234:11e8]"], r.output
    r.expect(rf"^cell {cell}: PCI 00:{fn} \[1234:11e8\], INTA = INTID {intid}; hidden: MSI$")
    r.expect(rf"^\[{cell}\] pci: INTx taken as INTID {intid}: 1 interrupt\(s\)$")
    # Its BAR outside its window (twice) and decoding before it was in.
    r.expect(rf"^cell {cell}: PCI: 1 function\(s\) stopped \(decoding and bus mastering "
             rf"off\), 0 reset \(FLR\); 3 BAR or decoding write\(s\) refused$")


@pytest.mark.smoke
def test_bare_metal_cells_see_only_their_own_functions(board, tmp_path):
    nvme = tmp_path / "nvme.img"
    nvme.write_bytes(bytes(1 << 20))
    extra = EDU + ["-device", "edu,bus=pcie.0,addr=4",
                   "-drive", f"file={nvme},format=raw,if=none,id=n0",
                   "-device", "nvme,drive=n0,serial=bulkhead,bus=pcie.0,addr=5"]
    r = run_qemu(bulkhead_args(image_path("test-pci", board), board, extra=extra),
                 timeout=TIMEOUT)
    assert not r.timed_out, f"timed out after {TIMEOUT}s:\n{r.output}"
    assert r.rc == 0, r.output
    r.expect(r"^bulkhead: all cells stopped; system off$")
    edu_cell_checks(r, "pci-a", "03.0", 38)
    edu_cell_checks(r, "pci-b", "04.0", 35)
    # The NVMe controller can reset itself: its cell's stop does it.
    assert result(r, "nvme")[1] == 0, r.output
    r.expect(r"^cell nvme: PCI 00:05\.0 \[1b36:0010\], INTA = INTID 36, FLR at stop; "
             r"hidden: MSI-X$")
    r.expect(r"^cell nvme: PCI: 1 function\(s\) stopped \(decoding and bus mastering "
             r"off\), 1 reset \(FLR\); 0 BAR or decoding write\(s\) refused$")
    assert "blocked" not in r.output, r.output


def test_linux_reads_and_writes_a_disk_through_the_smmu(board, tmp_path):
    disk = tmp_path / "disk.img"
    data = bytearray(os.urandom(DISK_SIZE))
    disk.write_bytes(data)
    before = hashlib.sha256(data).hexdigest()
    data[MARK_BLOCK * 512:(MARK_BLOCK + 1) * 512] = MARK.ljust(512, b"\0")
    after = hashlib.sha256(data).hexdigest()
    look = ("ls /sys/bus/pci/devices; grep -c virtio0 /proc/interrupts; "
            "grep virtio0 /proc/interrupts; sha256sum /dev/vda")
    script = [
        (PROMPT, f"{look}; echo BULKHEAD-PCI-MARK | dd of=/dev/vda bs=512 seek={MARK_BLOCK} "
                 "conv=sync,fsync; sync; echo MARK-1\r"),
        (r"\[linux\] MARK-1\r?\n", "reboot -f\r"),
        (r"BULKHEAD-LINUX-READY[\s\S]*BULKHEAD-LINUX-READY[\s\S]*" + PROMPT,
         f"{look}; echo MARK-2\r"),
        (r"\[linux\] MARK-2\r?\n", "poweroff -f\r"),
    ]
    extra = EDU + ["-drive", f"file={disk},format=raw,if=none,id=d0",
                   "-device", "virtio-blk-pci,drive=d0,bus=pcie.0,addr=2,"
                              "disable-legacy=on,iommu_platform=on"]
    r = run_qemu(bulkhead_args(image_path("test-pci-linux", board), board, extra=extra),
                 timeout=LINUX_TIMEOUT, input_script=script)
    assert not r.timed_out, f"timed out after {LINUX_TIMEOUT}s:\n{r.output[-6000:]}"
    assert r.rc == 0, r.output[-6000:]
    r.expect(r"^bulkhead: all cells stopped; system off$")
    out = r.output
    # Linux saw its function only (not the edu cell's, nor the host bridge),
    # with INTx (MSI-X hidden: one "virtio0" line, not per-queue vectors).
    r.expect(r"^cell linux: PCI 00:02\.0 \[1af4:1042\], INTA = INTID 37; hidden: MSI-X$")
    assert re.findall(r"^\[linux\] (0000:\S+)$", out, re.M) == ["0000:00:02.0"] * 2, out
    assert re.findall(r"^\[linux\] (\d+)$", out, re.M) == ["1", "1"], out
    irqs = re.findall(r"^\[linux\] +\d+: +(\d+) +(\d+) .*\b37 Level +virtio0$", out, re.M)
    assert len(irqs) == 2 and all(int(a) + int(b) > 0 for a, b in irqs), out
    # What the disk held, then what it holds after the marker was written,
    # read back through DMA after a restart of the cell.
    sums = re.findall(r"^\[linux\] ([0-9a-f]{64})  /dev/vda$", out, re.M)
    assert sums == [before, after], (sums, before, after)
    r.expect(r"^cell linux: SYSTEM_RESET$")
    r.expect(r"^cell linux: start #2")
    assert out.count("cell linux: PCI: 1 function(s) stopped (decoding and bus mastering "
                     "off), 0 reset (FLR); 0 BAR or decoding write(s) refused") == 2, out
    assert "blocked" not in out, out
    written = disk.read_bytes()[MARK_BLOCK * 512:(MARK_BLOCK + 1) * 512]
    assert written == MARK.ljust(512, b"\0"), written[:32]
    edu_cell_checks(r, "edu", "03.0", 38)
