# SPDX-License-Identifier: Apache-2.0
"""The boot flow of people who build firmware images: U-Boot starts Bulkhead.

QEMU virt at EL2 with Debian's U-Boot for it (u-boot-qemu's qemu_arm64, as
-bios): the image is placed in RAM by QEMU's loader device, as a board's
U-Boot would load it from an SD card, and started at U-Boot's prompt with
`booti` (the raw arm64 Image) or `bootm` (the FIT image `make fit` builds:
the image and the board's tree, SHA-256 hashed). Both must reach every cell.
"""
import os
import re

import pytest

from qemuharness import ROOT, board_vars, run_qemu

BOARD = "qemu-virt"
UBOOT = "/usr/lib/u-boot/qemu_arm64/u-boot.bin"
LOAD_AT = "0x50000000"  # where U-Boot finds the file: free RAM, not the image's place
TIMEOUT = 60


def uboot_boot(image, command, stop_on=None):
    v = board_vars(BOARD)
    args = ["-machine", v["QEMU_MACHINE"], *v["QEMU_OPTS"].split(), "-cpu", v["QEMU_CPU"],
            "-smp", v["QEMU_SMP"], "-m", v["QEMU_MEM"], "-display", "none", "-nic", "none",
            "-monitor", "none", "-serial", "stdio", "-serial", "null", "-bios", UBOOT,
            "-device", f"loader,file={image},addr={LOAD_AT},force-raw=on"]
    return run_qemu(args, timeout=TIMEOUT, stop_on=stop_on,
                    input_script=[(r"Hit any key to stop autoboot", " "),
                                  (r"^=> ", command + "\r")])


def image(name):
    path = os.path.join(ROOT, "build", BOARD, "two-cells", name)
    assert os.path.exists(path), f"{path} missing: run 'make test-images' first"
    return path


def assert_every_cell_ran(r):
    assert not r.timed_out and r.rc == 0, r.output
    r.expect(r"^Bulkhead \S+ \(\S+\) on board qemu-virt, boot CPU 0$")
    for cell in ("alpha", "beta"):
        r.expect(rf"^\[{cell}\] BM-RESULT: 5 passed, 0 failed$")
    r.expect(r"^bulkhead: all cells stopped; system off$")


def test_booti_starts_the_raw_image():
    r = uboot_boot(image("bulkhead.bin"), f"booti {LOAD_AT} - ${{fdtcontroladdr}}")
    # U-Boot moves the Image to RAM base + text_offset: the image's link address.
    r.expect(r"Moving Image from 0x50000000 to 0x40200000")
    assert_every_cell_ran(r)


def test_bootm_starts_the_fit_image_after_checking_its_hashes():
    r = uboot_boot(image("bulkhead.itb"), f"bootm {LOAD_AT}")
    r.expect(r"Trying 'bulkhead' kernel subimage")
    r.expect(r"Load Address: 0x40200000")
    assert len(re.findall(r"Verifying Hash Integrity \.\.\. sha256\+ OK", r.output)) == 2
    assert_every_cell_ran(r)


def test_bootm_refuses_a_fit_image_whose_hypervisor_was_altered(tmp_path):
    data = bytearray(open(image("bulkhead.itb"), "rb").read())
    banner = data.find(b"Bulkhead ready")
    assert banner > 0
    data[banner] ^= 0x20  # one bit of the hypervisor's text
    bad = tmp_path / "altered.itb"
    bad.write_bytes(bytes(data))
    r = uboot_boot(str(bad), f"bootm {LOAD_AT}", stop_on=r"can't get kernel image")
    assert not r.timed_out, r.output
    r.expect(r"Bad hash value for 'hash-1' hash node in 'bulkhead' image node")
    assert "Starting kernel" not in r.output and "Bulkhead ready" not in r.output
