# SPDX-License-Identifier: Apache-2.0
"""DMA isolation: attacks through QEMU's "edu" PCI device, the SMMU's reports,
devices no cell owns, and a cell stopped in the middle of a DMA.

QEMU virt runs with its SMMUv3 (board.mk) and edu functions on the PCIe root
bus, whose stream ID is their requester ID (bus << 8 | device << 3 | fn):

  00:01.0  stream 8    no cell's (inside the stream table Bulkhead builds)
  00:02.0  stream 16   the attacker's (test-dma) / the restarter's (test-dma-stop)
  00:03.0  stream 24   the victim's
  00:04.0  stream 32   no cell's (beyond the stream table)

The cells run partitions/baremetal/payloads/dma.c. No cell can program a
function it does not own (Bulkhead's virtual ECAM hides it), nor its own
once it is stopped (Bulkhead turns its bus mastering off), so the test
plays the part of whatever else could (firmware that left a device running,
a debugger, a rogue agent): through QEMU's gdbstub in physical-memory mode
it places the functions' BARs, turns their bus mastering on and starts
their DMA, then says so in the memory the cells share (the mailbox, at the
same address as IPA and PA).
"""
import os
import re
import socket
import struct
import tempfile

from qemuharness import ROOT, bulkhead_args, image_path, run_qemu

TIMEOUT = 120
EDU = "edu,dma_mask=0xffffffffffffffff"
ECAM = 0x4010000000          # QEMU virt's ECAM (highmem), bus 0
UNOWNED_BAR = 0x3e000000     # in the host bridge's 32-bit window, no cell's share
VICTIM_CANARY_PA = 0x51c02000
# dma.c's struct mailbox (IPA = PA): victim_ready, attacks_done, unowned_poked,
# armed, stopped_poked (64 bits each), then the stop scenario's target page.
MAILBOX = 0x5f000000
UNOWNED_POKED = MAILBOX + 16
STOPPED_POKED = MAILBOX + 32
STOP_TARGET = MAILBOX + 0x1000
MAGIC = 0xd3a15afe0000cafe
UNOWNED = {8: 1, 32: 4}      # stream -> device number on bus 0
RESTARTER_BAR = 0x10000000   # where the restarter placed its edu's BAR (its window)


def edus(*slots):
    out = []
    for s in slots:
        out += ["-device", f"{EDU},addr={s}"]
    return out


class GdbStub:
    """Just enough of the GDB remote protocol to write physical memory (MMIO
    included) through QEMU's gdbstub. Connecting stops the machine; detach
    lets it run on."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(10)
        self.s.connect(path)
        self.buf = b""

    def _read(self):
        while True:
            i = self.buf.find(b"$")
            j = self.buf.find(b"#", i + 1) if i >= 0 else -1
            if i >= 0 and j >= 0 and len(self.buf) >= j + 3:
                data = self.buf[i + 1:j]
                self.buf = self.buf[j + 3:]
                self.s.sendall(b"+")
                return data.decode()
            chunk = self.s.recv(4096)
            assert chunk, "gdbstub closed the connection"
            self.buf += chunk

    def cmd(self, data):
        self.s.sendall(b"$%s#%02x" % (data.encode(), sum(data.encode()) % 256))
        return self._read()

    def write(self, addr, data):
        assert self.cmd(f"M{addr:x},{len(data):x}:{data.hex()}") == "OK", hex(addr)

    def write32(self, addr, v):
        self.write(addr, struct.pack("<I", v))

    def write64(self, addr, v):
        self.write(addr, struct.pack("<Q", v))

    def edu_dma(self, dev, bar, dst, count):
        """Bus mastering on for edu 00:<dev>.0 (BAR0 at @bar) and a DMA of
        @count bytes from its buffer to @dst. A transfer still pending keeps
        its own addresses (the device ignores new ones meanwhile) and now
        runs with bus mastering on."""
        cfg = ECAM + (dev << 15)
        self.write32(cfg + 0x10, bar)             # BAR0
        self.write32(cfg + 0x04, 0x6)             # memory decoding, bus mastering
        self.write64(bar + 0x80, 0x40000)         # from the device's buffer ...
        self.write64(bar + 0x88, dst)             # ... to memory
        self.write64(bar + 0x90, count)
        self.write64(bar + 0x98, 0x3)             # run, device -> memory

    def close(self):
        self.cmd("D")
        self.s.close()


def poke(sock, dmas, flag):
    """Start each (device, BAR, destination, count) DMA, then set @flag in
    the mailbox."""
    g = GdbStub(sock)
    try:
        assert g.cmd("Qqemu.PhyMemMode:1") == "OK"
        for dma in dmas:
            g.edu_dma(*dma)
        g.write64(flag, MAGIC)
    finally:
        g.close()


def poke_unowned(sock):
    """The unowned edu functions DMA 4 bytes each into the victim's canary."""
    poke(sock, [(dev, UNOWNED_BAR + n * 0x100000, VICTIM_CANARY_PA + 8 * n, 4)
                for n, dev in enumerate(UNOWNED[s] for s in sorted(UNOWNED))], UNOWNED_POKED)


def poke_stopped(sock):
    """The stopped restarter's edu DMAs 4 KiB into the memory the observer
    watches (its IPA and PA both: translated or not, it would land there)."""
    poke(sock, [(2, RESTARTER_BAR, STOP_TARGET, 4096)], STOPPED_POKED)


def gdb_args(sock):
    return ["-chardev", f"socket,id=gdb0,path={sock},server=on,wait=off", "-gdb", "chardev:gdb0"]


def boot(config, board, extra, **kw):
    r = run_qemu(bulkhead_args(image_path(config, board), board, extra=extra),
                 timeout=TIMEOUT, **kw)
    assert not r.timed_out, f"timed out after {TIMEOUT}s:\n{r.output}"
    assert r.rc == 0, f"QEMU exit {r.rc}:\n{r.output}"
    r.expect(r"^bulkhead: all cells stopped; system off$")
    assert "FATAL" not in r.output and "PANIC" not in r.output, r.output
    return r


def result(r, cell):
    found = re.findall(rf"^\[{cell}\] BM-RESULT: (\d+) passed, (\d+) failed$", r.output, re.M)
    assert len(found) == 1, f"{cell}: {len(found)} BM-RESULT lines:\n{r.output}"
    return int(found[0][0]), int(found[0][1])


def assert_passed(r, cell, at_least):
    passed, failed = result(r, cell)
    assert failed == 0 and passed >= at_least, f"{cell}: {passed} passed, {failed} failed:\n{r.output}"


BLOCKED = r"^cell attacker: stream 16: DMA {dir} at IPA {addr} blocked: {why}(?: \(\d+ more not shown\))?$"
NO_MAPPING = r"no mapping at that address in the cell's stage 2"


def test_dma_attacks_from_a_cell_are_blocked_and_reported(board):
    with tempfile.TemporaryDirectory() as tmp:
        sock = os.path.join(tmp, "gdb")
        r = boot("test-dma", board, gdb_args(sock) + edus(1, 2, 3, 4),
                 input_script=[(r"^\[victim\] dma: canaries set", lambda: poke_unowned(sock))])
    out = r.output
    assert_passed(r, "attacker", 4)
    assert_passed(r, "victim", 3)
    # Its own DMA works, in both directions, before and after the attacks.
    r.expect(r"^\[attacker\] dma: own RAM: both directions, 4096 bytes each, data intact$")
    r.expect(r"^\[attacker\] \[  OK  \] attacker_own_dma_still_works$")
    # Every attempt outside its memory: made, and reported blocked, naming
    # the cell, the stream, the direction and the IPA.
    writes = re.findall(r"^\[attacker\] dma: attack: DMA write of 4096 bytes to (.+) at (0x[0-9a-f]+)$",
                        out, re.M)
    reads = re.findall(r"^\[attacker\] dma: attack: DMA read of 4096 bytes from (.+) at (0x[0-9a-f]+)$",
                       out, re.M)
    want = {"the neighbour's RAM, at its PA", "the neighbour's vault, at its IPA",
            "the neighbour's vault, at its PA", "Bulkhead's memory", "an unmapped IPA",
            "the GIC distributor", "the SMMU's registers"}
    if board != "qemu-virt-gicv2":
        want.add("the GIC redistributors")
    assert {w for w, _ in writes} == want, writes
    assert len(reads) == 2, reads
    for direction, attempts in (("write", writes), ("read", reads)):
        for what, addr in attempts:
            assert re.search(BLOCKED.format(dir=direction, addr=addr, why=NO_MAPPING), out, re.M), \
                f"no report of the blocked DMA {direction} to {what} at {addr}:\n{out}"
    # Reading the neighbour's memory brought none of its data.
    for m in re.finditer(r"^\[attacker\] dma: read of .+: (\d+) of 4096 bytes match", out, re.M):
        assert int(m.group(1)) < 64, m.group(0)
    # The neighbour: canaries intact, its own DMA never blocked meanwhile.
    r.expect(r"^\[victim\] \[  OK  \] victim_canaries_intact$")
    m = r.expect(r"^\[victim\] dma: own DMA: (\d+) round trips, data intact$")
    assert int(m.group(1)) >= 2, m.group(0)
    assert "cell victim: stream" not in out, out
    # Devices no cell owns: their DMA never reached memory, and was reported.
    r.expect(r"^bulkhead: stream 8, owned by no cell: DMA blocked: the stream is blocked$")
    r.expect(r"^bulkhead: stream 32, owned by no cell: DMA blocked: "
             r"a stream outside the stream table$")
    # SMMU commands per start: one CFGI_STE per stream, a TLBI, a SYNC.
    for cell in ("attacker", "victim"):
        r.expect(rf"^cell {cell}: IOMMU: 1 stream\(s\), 3 commands at its start, 3 at this stop$")


def test_stopped_cell_dma_lands_nowhere_and_restart_reenables_it(board):
    with tempfile.TemporaryDirectory() as tmp:
        sock = os.path.join(tmp, "gdb")
        r = boot("test-dma-stop", board, gdb_args(sock) + edus(2),
                 input_script=[(r"^cell restarter: stopped\r?$", lambda: poke_stopped(sock))])
    out = r.output
    assert_passed(r, "restarter", 3)
    assert_passed(r, "observer", 1)
    i_reset = out.index("cell restarter: SYSTEM_RESET")
    assert out.index("[restarter] dma: DMA started to 0x40810000, then SYSTEM_RESET at once") < i_reset
    r.expect(r"^cell restarter: start #2")
    # After the restart: nothing of the DMA started before it; DMA works again.
    r.expect(r"^\[restarter\] \[  OK  \] restarter_nothing_landed_after_the_restart$")
    r.expect(r"^\[restarter\] \[  OK  \] restarter_dma_works_again_after_the_restart$")
    # Stopped right after starting one, then its device made to DMA with bus
    # mastering on again: blocked by the SMMU, and the observer finds nothing.
    r.expect(r"^cell restarter: SYSTEM_OFF$")
    r.expect(r"^cell restarter \(stopped\): stream 16: DMA blocked: the stream is blocked"
             r"(?: \(\d+ more not shown\))?$")
    r.expect(r"^\[observer\] \[  OK  \] observer_nothing_lands_after_the_stop$")
    r.expect(r"^\[observer\] dma: after the restarter stopped and its device was made to DMA: "
             r"nothing landed at 0x5f001000$")
    assert out.count("cell restarter: IOMMU: 1 stream(s), 3 commands at its start") == 2, out


NATIVE = ["-machine", "virt,gic-version=3,iommu=smmuv3", "-global", "arm-smmuv3.stage=nested",
          "-cpu", "cortex-a72", "-smp", "4", "-m", "2G", "-display", "none", "-nic", "none",
          "-monitor", "none", "-serial", "stdio"]


def native(role, extra):
    elf = os.path.join(ROOT, "build", "partitions", "dma.elf")
    assert os.path.exists(elf), f"{elf} missing: run 'make partitions' first"
    r = run_qemu(NATIVE + extra + ["-kernel", elf, "-append", f"bm.native {role}"], TIMEOUT)
    assert not r.timed_out and r.rc == 0, r.output
    m = r.expect(r"^BM-RESULT: (\d+) passed, (\d+) failed$")
    assert int(m.group(2)) == 0, r.output
    return r


def test_dma_attacks_land_without_a_hypervisor():
    """The baseline: on bare QEMU the same transfers reach the other memory
    (the payload checks every byte), so the attacks above are real."""
    r = native("dma.attacker", edus(2))
    for what in ("the neighbour's RAM, at its PA", "the neighbour's vault, at its IPA",
                 "Bulkhead's memory", "an unmapped IPA"):
        r.expect(rf"^dma: attack: DMA write of 4096 bytes to {re.escape(what)} at 0x[0-9a-f]+$")
    assert len(re.findall(r"^dma: read of .+: 4096 of 4096 bytes match the neighbour's secret$",
                          r.output, re.M)) == 2, r.output
    r.expect(r"^\[  OK  \] attacker_dma_outside_its_memory$")


def test_dma_started_before_a_reset_lands_without_a_hypervisor():
    """The baseline of the restart scenario: on bare QEMU nothing stops the
    device at a reset, and its transfer lands after it."""
    r = native("dma.restarter", edus(2))
    r.expect(r"^dma: after the reset: 4096 of 4096 bytes landed at 0x40810000$")
    r.expect(r"^\[  OK  \] restarter_dma_works_again_after_the_restart$")
