# SPDX-License-Identifier: Apache-2.0
"""Boards other than QEMU virt, as bhcfg reads them: every board's own
configurations pass against it, and what is particular to a board's tree is
read as the hardware means it (ZCU102: GIC-400 CPU interfaces decoded 16
times over 64 KiB, PMU interrupts on SPIs, an MMU-500 Bulkhead cannot drive)."""
import re
import subprocess

import pytest

from bhcfg_support import REPO, decode, dtc

BOARDS = sorted(p.parent.name for p in (REPO / "boards").glob("*/board.dts"))


def board_of(name):
    """The board whose configurations @name's are (board.mk: CONFIG_BOARD)."""
    mk = (REPO / "boards" / name / "board.mk").read_text()
    m = re.search(r"^CONFIG_BOARD\s*:?=\s*(\S+)", mk, re.M)
    return m.group(1) if m else name


@pytest.fixture(scope="session")
def board_dtbs(tmp_path_factory):
    d = tmp_path_factory.mktemp("boards")
    return {b: dtc(REPO / "boards" / b / "board.dts", d / f"{b}.dtb",
                   include=REPO / "boards" / b) for b in BOARDS}


@pytest.mark.parametrize("board", [b for b in BOARDS if board_of(b) == b])
def test_every_configuration_of_a_board_passes(bhcfg, board_dtbs, tmp_path, board):
    """configs/<board>/*.dts pass against boards/<board>, with stand-ins for
    the images they boot (other parts of the build make those)."""
    configs = sorted((REPO / "configs" / board).glob("*.dts"))
    assert configs, f"no configurations for board {board}"
    # The files they name, also through the sources they include.
    sources = list(configs) + [p for c in configs for p in
                               (c.parent / inc for inc in re.findall(r'/include/ "([^"]+)"',
                                                                       c.read_text()))
                               if p.exists()]
    for src in sources:
        for name in re.findall(r'file = "([^"]+)"', src.read_text()):
            payload = tmp_path / name
            payload.parent.mkdir(parents=True, exist_ok=True)
            payload.write_bytes(b"\x1f\x20\x03\xd5" * 4096)
    for src in configs:
        out = tmp_path / src.stem
        out.mkdir()
        cfg = dtc(src, tmp_path / f"{src.stem}.dtb", include=REPO / "boards" / board)
        r = subprocess.run([str(bhcfg), "--board", str(board_dtbs[board]), "--config", str(cfg),
                            "--config-src", str(src), "--root", str(tmp_path), "--out",
                            str(out)], capture_output=True, text=True)
        assert r.returncode == 0, f"{src.name}: {r.stderr}"


# ---------------------------------------------------------------- ZCU102

def zcu102(*cells):
    return ("/dts-v1/;\n/ {\n\tcompatible = \"bulkhead,system\";\n\tboard = \"zcu102\";\n"
            f"\tcells {{\n{''.join(cells)}\t}};\n}};\n")


def cell(name="a", cpus="1", pa="0x0 0x10000000", props=""):
    return f"""
		{name} {{
			cpus = <{cpus}>;
			{props}
			memory {{ ram {{ reg = <{pa} 0x0 0x01000000>; ipa = <0x0 0x40000000>; }}; }};
			kernel {{ file = "k.bin"; load = <0x0 0x40200000>; }};
			console {{ type = "emulated"; ipa = <0x0 0x09000000>; interrupt = <33>; }};
		}};
"""


@pytest.fixture
def zrun(run, board_dtbs):
    def _run(dts, *args):
        return run(dts, *args, board=board_dtbs["zcu102"])
    return _run


SMMU = "/axi/iommu@fd800000"
NO_DRIVER = (f"the board's SMMU ({SMMU}) is an SMMUv2 (arm,mmu-500), which Bulkhead has no "
             "driver for")


def test_zcu102_board_as_bhcfg_reads_it(zrun):
    r = zrun(zcu102(cell()))
    assert r.rc == 0, r.stderr
    c = (r.out / "config.c").read_text()
    for field in (".name = \"zcu102\"", ".ncpus = 4,", ".pa_bits = 40,",
                  ".psci_conduit = BH_PSCI_SMC,", ".console_kind = BH_UART_CADENCE,",
                  ".console = {0xff000000, 0x1000},", ".console_irq = 53,",
                  ".hyp_mem = {0x0, 0x8000000},", ".pmu_ppi = 0,",
                  # The GIC-400's 8 KiB CPU interfaces, each page repeated over
                  # 64 KiB: the second page (GICC_DIR) is at +64 KiB, so they
                  # start 4 KiB below it.
                  ".dist = {0xf9010000, 0x10000},", ".cpu = {0xf902f000, 0x2000},",
                  ".hyp = {0xf9040000, 0x20000},", ".vcpu = {0xf906f000, 0x2000},",
                  # No SMMUv3: nothing to drive.
                  ".smmu = {0x0, 0x0},"):
        assert field in c, f"{field} not in config.c:\n{c}"
    assert re.search(r"\.ram = \{\s*\{0x0, 0x80000000\},\s*\{0x800000000, 0x80000000\},", c), c


def test_zcu102_cell_tree(zrun):
    r = zrun(zcu102(cell()))
    assert r.rc == 0, r.stderr
    t = decode(r.out / "cell-a.dtb")
    gic = t["nodes"]["interrupt-controller@f9010000"]["props"]
    assert gic["compatible"] == ["arm,gic-400"]
    # vGICD 4 KiB, and the virtual CPU interface where the board's GICC is.
    assert gic["reg"] == [0, 0xf9010000, 0, 0x1000, 0, 0xf902f000, 0, 0x2000]
    # ZynqMP wires the PMUs' overflow interrupts to SPIs, not PPIs a cell
    # could own with its CPU: no PMU node (its counters are still the cell's).
    assert "pmu" not in t["nodes"]
    assert t["nodes"]["timer"]["props"]["interrupts"][:3] == [1, 0xd, 0xf08]


def test_zcu102_dma_device_refused_naming_the_smmuv2(zrun):
    dev = "/axi/dma-controller@fd500000"
    r = zrun(zcu102(cell(props=f'devices = "{dev}";')))
    assert r.rc == 1
    assert (f"sys.dts: /cells/a: device '{dev}' ({dev}) can do DMA (a DMA controller) and "
            f"{NO_DRIVER}, so it can read and write all memory, other cells' and the "
            "hypervisor's included; mark the cell 'dma-unprotected;' to accept that") in r.errors


def test_zcu102_dma_device_accepted_with_dma_unprotected_and_a_warning(zrun):
    dev = "/axi/dma-controller@fd500000"
    r = zrun(zcu102(cell(props=f'devices = "{dev}"; dma-unprotected;')))
    # Refused anyway for its firmware clock and power domain (README), but
    # its DMA is said once, as a warning.
    assert (f"sys.dts: /cells/a: warning: device '{dev}' ({dev}) can do DMA (a DMA controller) "
            f"and {NO_DRIVER}: the cell can read and write all memory through it, other "
            "cells' and the hypervisor's included (dma-unprotected)") in r.warnings
    assert not any("can do DMA" in e for e in r.errors), r.errors


def test_zcu102_master_behind_the_smmuv2_is_not_confined(zrun):
    # The GEM names the MMU-500 in 'iommus': that confines nothing here.
    dev = "/axi/ethernet@ff0e0000"
    r = zrun(zcu102(cell(props=f'devices = "{dev}";')))
    assert r.rc == 1
    assert (f"sys.dts: /cells/a: device '{dev}' ({dev}) can do DMA (iommus) and {NO_DRIVER}, "
            "so it can read and write all memory, other cells' and the hypervisor's included; "
            "mark the cell 'dma-unprotected;' to accept that") in r.errors


def test_zcu102_smmu_streams_refused_unless_dma_unprotected(zrun):
    r = zrun(zcu102(cell(props="smmu-streams = <0x874>;"),
                    cell("b", "2", "0x0 0x11000000", "smmu-streams = <0x875>; dma-unprotected;")))
    assert r.rc == 1
    assert r.errors == [
        f"sys.dts: /cells/a: 'smmu-streams' given, but {NO_DRIVER}: these masters can read "
        "and write all memory, other cells' and the hypervisor's included; mark the cell "
        "'dma-unprotected;' to accept that"]
    assert r.warnings == [
        f"sys.dts: /cells/b: warning: 'smmu-streams' given, but {NO_DRIVER}: these masters "
        "can read and write all memory, other cells' and the hypervisor's included "
        "(dma-unprotected)"]


def test_zcu102_smmu_streams_with_dma_unprotected_build_and_program_nothing(zrun):
    r = zrun(zcu102(cell(props="smmu-streams = <0x874>; dma-unprotected;")))
    assert r.rc == 0, r.stderr
    assert r.errors == [] and len(r.warnings) == 1, r.stderr
    # No SMMU to program: the cell has no streams for the hypervisor.
    assert ".nstreams" not in (r.out / "config.c").read_text()


def test_zcu102_smmuv2_cannot_be_given_to_a_cell(zrun):
    r = zrun(zcu102(cell(props='devices = "smmu";')))
    assert r.rc == 1
    assert (f"sys.dts: /cells/a: device 'smmu' ({SMMU}) is the board's SMMU, an SMMUv2 "
            "(arm,mmu-500): Bulkhead has no driver for it, and a cell that programs it decides "
            "where every master's DMA goes, other cells' included") in r.errors


def test_zcu102_rtc_passes_through(zrun):
    # The RTC needs nothing from the firmware (no clocks, power domain or
    # pins in its node): a cell can have it, interrupts and all.
    r = zrun(zcu102(cell(props='devices = "rtc";')))
    assert r.rc == 0, r.stderr
    t = decode(r.out / "cell-a.dtb")
    rtc = t["nodes"]["rtc@ffa60000"]["props"]
    assert rtc["reg"] == [0, 0xffa60000, 0, 0x100]
    assert rtc["interrupts"] == [0, 0x1a, 4, 0, 0x1b, 4]


def test_zcu102_uart1_needs_what_firmware_manages(zrun):
    # UART1's clocks, power domain and pins are the platform firmware's
    # (PMU firmware through TF-A): refused, naming each, until Bulkhead
    # mediates those calls (boards/zcu102/README.md).
    r = zrun(zcu102(cell(props='devices = "uart1";')))
    assert r.rc == 1
    for prop, target in (("power-domains", "/firmware/zynqmp-firmware"),
                         ("clocks", "/firmware/zynqmp-firmware/clock-controller")):
        assert (f"sys.dts: /cells/a: device 'uart1' (/axi/serial@ff010000): '{prop}' in "
                f"/axi/serial@ff010000 refers to {target}, which is not given to the cell"
                ) in r.errors, r.errors
