# SPDX-License-Identifier: Apache-2.0
"""bhcfg, the system configuration compiler: every validation rule rejects what
it should with its exact message and produces no files; good systems produce
tables, a bundle and cell device trees Linux can boot with."""
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest

from bhcfg_support import REPO, decode, dtc

EMU = 'console { type = "emulated"; ipa = <0x0 0x09000000>; interrupt = <33>; };'


def u64(v):
    return f"0x{v >> 32:x} 0x{v & 0xffffffff:x}"


def system(*cells, root_props="", root_nodes=""):
    return ("/dts-v1/;\n/ {\n\tcompatible = \"bulkhead,system\";\n\tboard = \"qemu-virt\";\n"
            f"\t{root_props}\n\tcells {{\n{''.join(cells)}\t}};\n{root_nodes}\n}};\n")


def cell(name="a", cpus="1", pa=0x50000000, size=0x1000000, ipa=0x40000000, props="",
         ram_extra="", regions="", kernel=None, console=EMU, nodes=""):
    """A sound cell unless told otherwise: 16 MiB at IPA 0x40000000, k.bin at +2 MiB."""
    if kernel is None:
        kernel = f'kernel {{ file = "k.bin"; load = <{u64(ipa + 0x200000)}>; }};'
    cpus_line = "" if cpus is None else f"cpus = <{cpus}>;"
    return f"""
		{name} {{
			{cpus_line}
			{props}
			memory {{
				ram {{ reg = <{u64(pa)} {u64(size)}>; ipa = <{u64(ipa)}>; {ram_extra} }};
				{regions}
			}};
			{kernel}
			{console}
			{nodes}
		}};
"""


def two(a_kw=None, b_kw=None):
    """Cells a (CPU 1, PA 0x50000000) and b (CPU 2, PA 0x51000000)."""
    b = {"cpus": "2", "pa": 0x51000000, **(b_kw or {})}
    return system(cell("a", **(a_kw or {})), cell("b", **b))


def E(path, msg):
    return f"sys.dts: {path}: {msg}"


def assert_error(r, line):
    """Exit 1, the exact message among the errors, and nothing generated."""
    assert r.rc == 1, r.stderr
    assert line in r.errors, "\n".join(r.errors)
    assert r.files() == [], r.files()
    assert re.search(r"^bhcfg: \d+ errors?; no image generated$", r.stderr, re.M)


def W(path, msg):
    return f"sys.dts: {path}: warning: {msg}"


def assert_ok(r, warnings=()):
    """Exit 0, no error, and exactly these warnings."""
    assert r.rc == 0, r.stderr
    assert r.errors == [], r.stderr
    assert r.warnings == list(warnings), r.stderr



def dma_warning(spec, path, why):
    return (f"device '{spec}' ({path}) can do DMA ({why}) and no SMMU stands in front of it: "
            "the cell can read and write all memory through it, other cells' and the "
            "hypervisor's included (dma-unprotected)")


def dma_error(spec, path, why):
    return (f"device '{spec}' ({path}) can do DMA ({why}) and no SMMU stands in front of it, "
            "so it can read and write all memory, other cells' and the hypervisor's "
            "included; mark the cell 'dma-unprotected;' to accept that")


# ---------------------------------------------------------------- passing systems

def test_zero_cells_is_valid(run):
    r = run(system())
    assert_ok(r)
    assert "#define BH_NR_CELLS 0" in (r.out / "config.h").read_text()
    assert ".ncells = 0," in (r.out / "config.c").read_text()
    assert ".incbin" not in (r.out / "bundle.S").read_text()


def test_repo_configs_are_valid(bhcfg, board_dtb, tmp_path):
    """configs/qemu-virt/*.dts pass, with stand-ins for the payloads they boot
    (which other parts of the build produce)."""
    configs = sorted((REPO / "configs" / "qemu-virt").glob("*.dts"))
    assert {c.name for c in configs} >= {"bare.dts", "two-cells.dts"}
    for src in configs:
        for name in re.findall(r'file = "([^"]+)"', src.read_text()):
            payload = tmp_path / name
            payload.parent.mkdir(parents=True, exist_ok=True)
            payload.write_bytes(b"\x1f\x20\x03\xd5" * 4096)
    for src in configs:
        out = tmp_path / src.stem
        out.mkdir()
        cfg = dtc(src, tmp_path / f"{src.stem}.dtb")
        r = subprocess.run([str(bhcfg), "--board", str(board_dtb), "--config", str(cfg),
                            "--config-src", str(src), "--root", str(tmp_path), "--out",
                            str(out)], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr


def test_two_cells_tables(run):
    r = run(two())
    assert_ok(r)
    assert r.files() == ["bundle.S", "cell-a.dtb", "cell-b.dtb", "config.c", "config.d",
                         "config.h"]
    h = (r.out / "config.h").read_text()
    assert "#define BH_NR_CELLS 2" in h
    assert "#define BH_NR_CPUS 4" in h
    c = (r.out / "config.c").read_text()
    assert "{.pa = 0x50000000, .ipa = 0x40000000, .size = 0x1000000, " \
           ".flags = BH_MEM_R | BH_MEM_W | BH_MEM_X}," in c
    assert "{.pa = 0x51000000, .ipa = 0x40000000, .size = 0x1000000, " in c
    for field in (".vmid = 1,", ".vmid = 2,", ".cpus = {1},", ".cpus = {2},",
                  ".entry_ipa = 0x40200000,", ".dtb_ipa = 0x40000000,",
                  ".console = BH_CONSOLE_VUART,", ".console_irq = 33,",
                  ".console_ipa = 0x9000000,", ".gicd_ipa = 0x8000000,",
                  ".gicr_ipa = 0x80a0000,", ".fault_policy = BH_FAULT_INJECT,",
                  ".ncells = 2,", ".dtb = bh_bundle_a_dtb,"):
        assert field in c, field
    assert "{.data = bh_bundle_a_kernel, .size = 0x10000, .ipa = 0x40200000}," in c
    dtb_size = (r.out / "cell-a.dtb").stat().st_size
    assert dtb_size % 4096 == 0
    assert f".dtb_size = {dtb_size:#x}," in c


def test_bundle_and_depfile(run, tmp_path):
    r = run(two())
    assert_ok(r)
    s = (r.out / "bundle.S").read_text()
    assert '.section .rodata.bundle, "a"' in s
    assert s.count(".balign 4096") == 3  # one kernel (shared by both cells), two trees
    assert f'.incbin "{tmp_path}/k.bin"' in s
    assert f'.incbin "{r.out}/cell-a.dtb"' in s
    assert "bh_bundle_a_kernel:" in s and "bh_bundle_b_dtb:" in s
    assert ".set bh_bundle_b_kernel, bh_bundle_a_kernel" in s
    d = (r.out / "config.d").read_text().splitlines()
    assert f"{r.out}/config.c {r.out}/config.h {r.out}/bundle.S: {tmp_path}/k.bin" in d
    assert f"{tmp_path}/k.bin:" in d


def test_entry_and_initrd(run):
    kernel = ('kernel { file = "k.bin"; load = <0x0 0x40200000>; entry = <0x0 0x40200800>; };'
              'initrd { file = "initrd.img"; load = <0x0 0x40800000>; };')
    r = run(system(cell(kernel=kernel, props='bootargs = "console=ttyAMA0";')))
    assert_ok(r)
    c = (r.out / "config.c").read_text()
    assert ".entry_ipa = 0x40200800," in c
    assert ".nimages = 2," in c
    assert "{.data = bh_bundle_a_initrd, .size = 0x9c40, .ipa = 0x40800000}," in c
    chosen = decode(r.out / "cell-a.dtb")["nodes"]["chosen"]["props"]
    assert chosen["bootargs"] == ["console=ttyAMA0"]
    assert chosen["linux,initrd-start"] == [0, 0x40800000]
    assert chosen["linux,initrd-end"] == [0, 0x40800000 + 40000]


def test_fault_policies(run):
    for policy, name in (("inject", "INJECT"), ("stop", "STOP"), ("restart", "RESTART")):
        r = run(system(cell(props=f'fault-policy = "{policy}";')))
        assert_ok(r)
        assert f".fault_policy = BH_FAULT_{name}," in (r.out / "config.c").read_text()


def test_shared_memory_between_cells(run):
    shm = 'shm { reg = <0x0 0x52000000 0x0 0x100000>; ipa = <0x0 0x50000000>; shared; };'
    r = run(two({"regions": shm}, {"regions": shm.replace("shared;", 'access = "r"; shared;')}))
    assert_ok(r)
    c = (r.out / "config.c").read_text()
    assert ".flags = BH_MEM_R | BH_MEM_W | BH_MEM_X | BH_MEM_SHARED}" in c
    assert ".flags = BH_MEM_R | BH_MEM_SHARED}" in c
    t = decode(r.out / "cell-a.dtb")
    res = t["nodes"]["reserved-memory"]["nodes"]["shared@50000000"]["props"]
    assert res["reg"] == [0, 0x50000000, 0, 0x100000] and res["no-map"] is True
    assert "memory@50000000" in t["nodes"]


def test_cpu_order_and_gic_redistributors(run):
    r = run(system(cell(cpus="3 1")))
    assert_ok(r)
    assert ".cpus = {3, 1}," in (r.out / "config.c").read_text()
    t = decode(r.out / "cell-a.dtb")
    cpus = t["nodes"]["cpus"]["nodes"]
    assert sorted(cpus) == ["cpu@0", "cpu@1"]
    for i in range(2):
        p = cpus[f"cpu@{i}"]["props"]
        assert p["reg"] == [i]
        assert p["enable-method"] == ["psci"]
        assert p["compatible"] == ["arm,cortex-a72"]
        assert p["device_type"] == ["cpu"]
    gic = t["nodes"]["interrupt-controller@8000000"]["props"]
    assert gic["compatible"] == ["arm,gic-v3"]
    assert gic["reg"] == [0, 0x8000000, 0, 0x10000, 0, 0x80a0000, 0, 2 * 0x20000]
    assert gic["#interrupt-cells"] == [3] and gic["interrupt-controller"] is True
    assert gic["interrupts"] == [1, 9, 4]  # the board's maintenance PPI


def test_cell_device_tree(run):
    r = run(system(cell(props='devices = "rtc";')))
    assert_ok(r)
    t = decode(r.out / "cell-a.dtb")
    root, nodes = t["props"], t["nodes"]
    assert root["#address-cells"] == [2] and root["#size-cells"] == [2]
    gic_ph = nodes["interrupt-controller@8000000"]["props"]["phandle"]
    assert root["interrupt-parent"] == gic_ph
    assert nodes["memory@40000000"]["props"] == {"reg": [0, 0x40000000, 0, 0x1000000],
                                                 "device_type": ["memory"]}
    psci = nodes["psci"]["props"]
    assert psci["compatible"] == ["arm,psci-1.0", "arm,psci-0.2"] and psci["method"] == ["hvc"]
    timer = nodes["timer"]["props"]
    assert timer["compatible"] == ["arm,armv8-timer", "arm,armv7-timer"]
    assert timer["interrupts"] == [1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4]
    uart = nodes["serial@9000000"]["props"]
    assert uart["compatible"] == ["arm,pl011", "arm,primecell"]
    assert uart["reg"] == [0, 0x9000000, 0, 0x1000]
    assert uart["interrupts"] == [0, 1, 4]
    assert uart["clock-names"] == ["uartclk", "apb_pclk"]
    clk_ph = uart["clocks"][0]
    clocks = [n for n in nodes.values() if n["props"].get("phandle") == [clk_ph]]
    assert len(clocks) == 1 and clocks[0]["props"]["compatible"] == ["fixed-clock"]
    assert clocks[0]["props"]["clock-frequency"] == [24000000]
    assert nodes["chosen"]["props"]["stdout-path"] == ["/serial@9000000"]
    assert nodes["aliases"]["props"]["serial0"] == ["/serial@9000000"]
    rtc = nodes["pl031@9010000"]["props"]
    assert rtc["reg"] == [0, 0x9010000, 0, 0x1000]
    assert rtc["interrupts"] == [0, 2, 4]
    assert rtc["clocks"] == [clk_ph]  # the board's apb-pclk, rewired to the cell's copy
    c = (r.out / "config.c").read_text()
    assert "{.pa = 0x9010000, .ipa = 0x9010000, .size = 0x1000}," in c
    assert "static const uint16_t cell_a_irqs[] = {34};" in c


def test_passthrough_device_moved_and_console(run):
    nodes = 'device-gpio { device = "/pl061@9030000"; ipa = <0x0 0x0a100000>; };'
    console = 'console { type = "passthrough"; device = "uart1"; };'
    r = run(system(cell(console=console, nodes=nodes)))
    assert_ok(r)
    t = decode(r.out / "cell-a.dtb")["nodes"]
    gpio = t["pl061@a100000"]["props"]
    assert gpio["reg"] == [0, 0xa100000, 0, 0x1000]
    assert gpio["interrupts"] == [0, 7, 4]
    assert gpio["gpio-controller"] is True
    uart = t["pl011@9040000"]["props"]
    assert uart["reg"] == [0, 0x9040000, 0, 0x1000] and uart["interrupts"] == [0, 8, 4]
    assert t["chosen"]["props"]["stdout-path"] == ["/pl011@9040000"]
    assert "serial@9000000" not in t
    c = (r.out / "config.c").read_text()
    assert ".console = BH_CONSOLE_PASSTHROUGH," in c
    assert "{.pa = 0x9030000, .ipa = 0xa100000, .size = 0x1000}," in c
    assert "static const uint16_t cell_a_irqs[] = {39, 40};" in c


def test_devices_sharing_a_page_in_one_cell(run):
    r = run(system(cell(props='devices = "/virtio_mmio@a000000", "/virtio_mmio@a000200"; '
                              'dma-unprotected;')))
    assert_ok(r, [W("/cells/a", dma_warning(f"/virtio_mmio@a000{n}", f"/virtio_mmio@a000{n}",
                                            "dma-coherent"))
                  for n in ("000", "200")])
    c = (r.out / "config.c").read_text()
    assert c.count("{.pa = 0xa000000, .ipa = 0xa000000, .size = 0x1000},") == 1
    assert "cell_a_irqs[] = {48, 49};" in c


def test_shared_device_is_mmio_only(run):
    dev = 'device-rtc { device = "rtc"; shared; };'
    r = run(two({"nodes": dev}, {"nodes": dev}))
    assert_ok(r)
    assert "_irqs" not in (r.out / "config.c").read_text()
    rtc = decode(r.out / "cell-b.dtb")["nodes"]["pl031@9010000"]["props"]
    assert "interrupts" not in rtc and rtc["reg"] == [0, 0x9010000, 0, 0x1000]


def test_smmu_streams(run):
    # Enforced: the SMMU translates them through the cell's stage 2 (no warning).
    r = run(two({"props": "smmu-streams = <0x10 0x11>;"}, {"props": "smmu-streams = <0x12>;"}))
    assert_ok(r)
    c = (r.out / "config.c").read_text()
    assert "static const uint32_t cell_a_streams[] = {0x10, 0x11};" in c
    assert ".nstreams = 1," in c


def test_dtb_default_placement_and_dtb_load(run):
    # Kernel at the region base: the tree goes to the top 2 MiB.
    kernel = 'kernel { file = "k.bin"; load = <0x0 0x40000000>; };'
    r = run(system(cell(kernel=kernel)))
    assert_ok(r)
    assert ".dtb_ipa = 0x40e00000," in (r.out / "config.c").read_text()
    r = run(system(cell(props="dtb-load = <0x0 0x40100000>;")))
    assert_ok(r)
    assert ".dtb_ipa = 0x40100000," in (r.out / "config.c").read_text()


def test_show_and_svg(run, tmp_path):
    svg = tmp_path / "map.svg"
    r = run(two({"props": 'devices = "rtc";'}), "--show", "--svg", str(svg))
    assert_ok(r)
    out = r.stdout
    assert "Cell a (VMID 1)" in out and "Cell b (VMID 2)" in out
    assert "vCPU 0 = CPU 2" in out
    assert "IPA 0x40000000..0x40ffffff -> PA 0x51000000..0x51ffffff  16 MiB  rwx" in out
    assert "rtc = /pl031@9010000" in out and "INTID 34" in out
    assert "emulated PL011 at IPA 0x9000000 (4 KiB), INTID 33" in out
    assert "PA 0x40000000..0x47ffffff  128 MiB" in out
    assert "faults      inject" in out
    tree = ET.parse(svg)
    text = " ".join("".join(e.itertext()) for e in tree.iter() if e.tag.endswith("text"))
    for label in ("cell a: CPU 1", "cell b: CPU 2", "Bulkhead hypervisor memory",
                  "a: device rtc (/pl031@9010000)", "GICD (hypervisor)", "free RAM"):
        assert label in text, label


# ---------------------------------------------------------------- memory

def test_memory_overlap_between_cells(run):
    r = run(two(b_kw={"pa": 0x50800000}))
    assert_error(r, E("/cells/b/memory/ram",
                      "memory 0x50800000..0x517fffff overlaps /cells/a/memory/ram "
                      "(0x50000000..0x50ffffff) of cell a; only regions marked 'shared' in "
                      "both may overlap"))


def test_memory_shared_on_one_side_only(run):
    r = run(two({"ram_extra": "shared;"}, {"pa": 0x50000000}))
    assert_error(r, E("/cells/b/memory/ram",
                      "memory 0x50000000..0x50ffffff overlaps /cells/a/memory/ram "
                      "(0x50000000..0x50ffffff) of cell a; only regions marked 'shared' in "
                      "both may overlap"))


def test_memory_overlaps_hypervisor(run):
    r = run(system(cell(pa=0x47800000)))
    assert_error(r, E("/cells/a/memory/ram",
                      "memory 0x47800000..0x487fffff overlaps the hypervisor's memory "
                      "(0x40000000..0x47ffffff)"))


def test_memory_outside_ram(run):
    r = run(system(cell(pa=0xbf800000)))
    assert_error(r, E("/cells/a/memory/ram",
                      "memory 0xbf800000..0xc07fffff is not inside the board's RAM "
                      "(0x40000000..0xbfffffff)"))


@pytest.mark.parametrize("kw, msg", [
    ({"pa": 0x50000800}, "physical base 0x50000800 is not 4 KiB aligned"),
    ({"size": 0x1000800}, "size 0x1000800 is not 4 KiB aligned"),
    ({"ipa": 0x40000800}, "ipa 0x40000800 is not 4 KiB aligned"),
    ({"size": 0}, "size must not be 0"),
])
def test_memory_alignment(run, kw, msg):
    assert_error(run(system(cell(**kw))), E("/cells/a/memory/ram", msg))


def test_ipa_overlap_inside_cell(run):
    extra = 'more { reg = <0x0 0x52000000 0x0 0x1000000>; ipa = <0x0 0x40800000>; };'
    r = run(system(cell(regions=extra)))
    assert_error(r, E("/cells/a/memory/more",
                      "IPA 0x40800000..0x417fffff overlaps /cells/a/memory/ram "
                      "(IPA 0x40000000..0x40ffffff)"))


def test_ipa_beyond_cpu_pa_bits(run):
    """The board's CPUs have 44-bit PAs (cpu-pa-bits): stage 2 maps IPAs below 2^44.
    Ending exactly at 2^44 is fine; one page more is not (main took up to 2^48,
    and the cell then failed at boot)."""
    extra = 'hi { reg = <0x0 0x52000000 0x0 0x1000>; ipa = <0xfff 0xfffff000>; };'
    assert_ok(run(system(cell(regions=extra))))
    extra = 'hi { reg = <0x0 0x52000000 0x0 0x2000>; ipa = <0xfff 0xfffff000>; };'
    r = run(system(cell(regions=extra)))
    assert_error(r, E("/cells/a/memory/hi", "IPA range 0xffffffff000 + 0x2000 is beyond the "
                      "board's 44-bit IPA space (cpu-pa-bits)"))
    extra = 'hi { reg = <0x0 0x52000000 0x0 0x1000>; ipa = <0x8000 0x0>; };'
    assert_error(run(system(cell(regions=extra))),
                 E("/cells/a/memory/hi", "IPA range 0x800000000000 + 0x1000 is beyond the "
                   "board's 44-bit IPA space (cpu-pa-bits)"))


@pytest.mark.parametrize("ipa, msg", [
    (0x08000000, "IPA 0x8000000..0x800ffff collides with the emulated GIC distributor "
                 "(vGICD, IPA 0x8000000..0x800ffff)"),
    (0x080a0000, "IPA 0x80a0000..0x80affff collides with the emulated GIC redistributors "
                 "(vGICR, IPA 0x80a0000..0x80bffff)"),
    (0x09000000, "IPA 0x9000000..0x900ffff collides with the emulated console UART "
                 "(vUART, IPA 0x9000000..0x9000fff)"),
])
def test_memory_collides_with_emulated_devices(run, ipa, msg):
    extra = f'low {{ reg = <0x0 0x52000000 0x0 0x10000>; ipa = <{u64(ipa)}>; }};'
    assert_error(run(system(cell(regions=extra))), E("/cells/a/memory/low", msg))


def test_device_collides_with_vuart(run):
    dev = 'device-rtc { device = "rtc"; ipa = <0x0 0x09000000>; };'
    r = run(system(cell(nodes=dev)))
    assert_error(r, E("/cells/a/device-rtc",
                      "device 'rtc': IPA 0x9000000..0x9000fff collides with the emulated "
                      "console UART (vUART, IPA 0x9000000..0x9000fff)"))


def test_device_overlaps_memory_ipa(run):
    dev = 'device-rtc { device = "rtc"; ipa = <0x0 0x40100000>; };'
    r = run(system(cell(nodes=dev)))
    assert_error(r, E("/cells/a/device-rtc",
                      "device 'rtc': IPA 0x40100000..0x40100fff overlaps /cells/a/memory/ram "
                      "(IPA 0x40000000..0x40ffffff)"))


def test_vuart_collides_with_gic(run):
    console = 'console { type = "emulated"; ipa = <0x0 0x08000000>; interrupt = <33>; };'
    r = run(system(cell(console=console)))
    assert_error(r, E("/cells/a/console",
                      "IPA 0x8000000..0x8000fff collides with the emulated GIC distributor "
                      "(vGICD, IPA 0x8000000..0x800ffff)"))


# ---------------------------------------------------------------- CPUs

def test_cpu_in_two_cells(run):
    r = run(two(b_kw={"cpus": "2 1"}))
    assert_error(r, E("/cells/b", "CPU 1 is already given to cell a"))


def test_cpu_not_on_board(run):
    assert_error(run(system(cell(cpus="4"))),
                 E("/cells/a", "CPU 4 is not on the board (its CPUs are 0..3)"))


@pytest.mark.parametrize("cpus", [None, ""])
def test_cell_without_cpu(run, cpus):
    assert_error(run(system(cell(cpus=cpus))),
                 E("/cells/a", "no CPU: 'cpus' must list at least one board CPU index"))


def test_cpu_listed_twice(run):
    assert_error(run(system(cell(cpus="1 1"))), E("/cells/a", "CPU 1 is listed twice"))


# ---------------------------------------------------------------- devices

def test_device_in_two_cells(run):
    r = run(two({"props": 'devices = "rtc";'}, {"props": 'devices = "/pl031@9010000";'}))
    assert_error(r, E("/cells/b",
                      "device '/pl031@9010000' (/pl031@9010000) is already given to cell a; "
                      "both cells must mark it 'shared' to share it"))


def test_device_shared_on_one_side_only(run):
    r = run(two({"nodes": 'device-rtc { device = "rtc"; shared; };'},
                {"props": 'devices = "rtc";'}))
    assert_error(r, E("/cells/b",
                      "device 'rtc' (/pl031@9010000) is already given to cell a; both cells "
                      "must mark it 'shared' to share it"))


@pytest.mark.parametrize("spec, msg", [
    ("rtcx", "device 'rtcx': no such alias on board qemu-virt"),
    ("/pl031@9999000", "device '/pl031@9999000': no such node on board qemu-virt"),
])
def test_device_not_on_board(run, spec, msg):
    assert_error(run(system(cell(props=f'devices = "{spec}";'))), E("/cells/a", msg))


@pytest.mark.parametrize("spec, msg", [
    ("uart0", "device 'uart0' (/pl011@9000000) is owned by the hypervisor (its console UART)"),
    ("smmu", "device 'smmu' (/smmuv3@9050000) is owned by the hypervisor (its SMMU)"),
    ("/intc@8000000/its@8080000", "device '/intc@8000000/its@8080000' "
     "(/intc@8000000/its@8080000) is owned by the hypervisor (its interrupt controller)"),
    ("/pcie@10000000", "device '/pcie@10000000' (/pcie@10000000) is a bus ('ranges'): give "
     "the devices on it instead"),
    ("/gpio-keys", "device '/gpio-keys' (/gpio-keys) has no registers ('reg') to map"),
    ("/memory@40000000", "device '/memory@40000000' (/memory@40000000): registers "
     "0x40000000..0xbfffffff are in the board's RAM"),
])
def test_device_not_assignable(run, spec, msg):
    assert_error(run(system(cell(props=f'devices = "{spec}";'))), E("/cells/a", msg))


def test_device_twice_in_one_cell(run):
    r = run(system(cell(props='devices = "rtc", "/pl031@9010000";')))
    assert_error(r, E("/cells/a",
                      "device '/pl031@9010000' (/pl031@9010000) is given to this cell twice"))


def test_devices_sharing_a_page_across_cells(run):
    r = run(two({"props": 'devices = "/virtio_mmio@a000000";'},
                {"props": 'devices = "/virtio_mmio@a000200";'}))
    assert_error(r, E("/cells/b",
                      "device '/virtio_mmio@a000200' (/virtio_mmio@a000200) shares a 4 KiB "
                      "page with /virtio_mmio@a000000, given to cell a"))


def test_device_ipa_page_offset(run):
    dev = 'device-v { device = "/virtio_mmio@a000200"; ipa = <0x0 0x0b000000>; };'
    r = run(system(cell(nodes=dev)))
    assert_error(r, E("/cells/a/device-v",
                      "device '/virtio_mmio@a000200': ipa 0xb000000 must have the same offset "
                      "in a 4 KiB page as its registers (0xa000200)"))


# ---------------------------------------------------------------- interrupts

def test_interrupt_claimed_twice(run, test_board):
    board = test_board('extra@9100000 { compatible = "test,dev"; reg = <0x0 0x9100000 0x0 '
                       '0x1000>; interrupts = <0x0 0x2 0x4>; };')
    r = run(two({"props": 'devices = "rtc";'}, {"props": 'devices = "/extra@9100000";'}),
            board=board)
    assert_error(r, E("/cells/b",
                      "interrupt 34 of device '/extra@9100000' (/extra@9100000) is already "
                      "claimed by cell a"))


def test_interrupt_of_hypervisor_console(run, test_board):
    board = test_board('extra@9100000 { compatible = "test,dev"; reg = <0x0 0x9100000 0x0 '
                       '0x1000>; interrupts = <0x0 0x1 0x4>; };')
    r = run(system(cell(props='devices = "/extra@9100000";')), board=board)
    assert_error(r, E("/cells/a",
                      "interrupt 33 of device '/extra@9100000' (/extra@9100000) is the "
                      "hypervisor console's"))


def test_passthrough_spi_out_of_range(run, test_board):
    board = test_board('extra@9100000 { compatible = "test,dev"; reg = <0x0 0x9100000 0x0 '
                       '0x1000>; interrupts = <0x0 988 0x4>; };')
    r = run(system(cell(props='devices = "/extra@9100000";')), board=board)
    assert_error(r, E("/cells/a",
                      "interrupt 1020 of device '/extra@9100000' (/extra@9100000) is outside "
                      "the SPI range 32..1019"))


def test_passthrough_ppi_rejected(run, test_board):
    board = test_board('extra@9100000 { compatible = "test,dev"; reg = <0x0 0x9100000 0x0 '
                       '0x1000>; interrupts = <0x1 0x7 0x4>; };')
    r = run(system(cell(props='devices = "/extra@9100000";')), board=board)
    assert_error(r, E("/cells/a",
                      "device '/extra@9100000' (/extra@9100000) has a per-CPU interrupt "
                      "(PPI 23), which cannot be passed through"))


def test_device_reference_not_in_cell(run, test_board):
    board = test_board('extra@9100000 { compatible = "test,dev"; reg = <0x0 0x9100000 0x0 '
                       '0x1000>; gpios = <&{/pl061@9030000} 3 0>; };')
    r = run(system(cell(props='devices = "/extra@9100000";')), board=board)
    assert_error(r, E("/cells/a",
                      "device '/extra@9100000' (/extra@9100000): 'gpios' in /extra@9100000 "
                      "refers to /pl061@9030000, which is not given to the cell"))
    # Given the GPIO controller too, the reference is rewired.
    r = run(system(cell(props='devices = "/extra@9100000", "gpio";')), board=board)
    assert_ok(r)
    t = decode(r.out / "cell-a.dtb")["nodes"]
    gpio_ph = t["pl061@9030000"]["props"]["phandle"][0]
    assert t["extra@9100000"]["props"]["gpios"] == [gpio_ph, 3, 0]


@pytest.mark.parametrize("irq", [31, 1020])
def test_console_interrupt_out_of_range(run, irq):
    console = f'console {{ type = "emulated"; ipa = <0x0 0x09000000>; interrupt = <{irq}>; }};'
    assert_error(run(system(cell(console=console))),
                 E("/cells/a/console",
                   f"console interrupt {irq} is outside the SPI range 32..1019"))


def test_console_interrupt_is_passthrough_spi(run):
    console = 'console { type = "emulated"; ipa = <0x0 0x09000000>; interrupt = <34>; };'
    r = run(system(cell(console=console, props='devices = "rtc";')))
    assert_error(r, E("/cells/a/console",
                      "console interrupt 34 is also the interrupt of passthrough device 'rtc' "
                      "(/pl031@9010000)"))


def test_same_virtual_console_interrupt_in_two_cells_is_fine(run):
    assert_ok(run(two()))  # both use INTID 33, which is virtual per cell


# ---------------------------------------------------------------- images

def test_image_larger_than_cell_memory(run, tmp_path):
    (tmp_path / "big.bin").write_bytes(b"\0" * (0x1000000 + 1))
    kernel = 'kernel { file = "big.bin"; load = <0x0 0x40000000>; };'
    assert_error(run(system(cell(kernel=kernel))),
                 E("/cells/a/kernel", "kernel image (16777217 bytes) is larger than the "
                   "cell's memory (16777216 bytes)"))


def arm64_image(path, image_size, text_offset=0, length=4096):
    """A file with an arm64 Image header (as Linux and our payloads have)."""
    head = bytearray(64)
    head[8:16] = text_offset.to_bytes(8, "little")
    head[16:24] = image_size.to_bytes(8, "little")
    head[56:60] = b"ARM\x64"
    path.write_bytes(bytes(head) + b"\0" * (length - 64))


def test_arm64_image_bss_counts(run, tmp_path):
    arm64_image(tmp_path / "img.bin", image_size=0x100000)
    kernel = ('kernel { file = "img.bin"; load = <0x0 0x40200000>; };'
              'initrd { file = "initrd.img"; load = <0x0 0x40280000>; };')
    assert_error(run(system(cell(kernel=kernel))),
                 E("/cells/a/initrd", "initrd image at IPA 0x40280000..0x40289c3f overlaps "
                   "the kernel image (IPA 0x40200000..0x402fffff)"))
    r = run(system(cell(kernel=kernel.replace("0x40280000", "0x40300000"))))
    assert_ok(r)
    # What is copied is still the file itself.
    assert "{.data = bh_bundle_a_kernel, .size = 0x1000, .ipa = 0x40200000}," in \
        (r.out / "config.c").read_text()


def test_arm64_image_bss_larger_than_memory(run, tmp_path):
    arm64_image(tmp_path / "img.bin", image_size=0x2000000)
    kernel = 'kernel { file = "img.bin"; load = <0x0 0x40000000>; };'
    assert_error(run(system(cell(kernel=kernel))),
                 E("/cells/a/kernel", "kernel image (33554432 bytes with its BSS) is larger "
                   "than the cell's memory (16777216 bytes)"))


def test_arm64_image_load_alignment(run, tmp_path):
    arm64_image(tmp_path / "img.bin", image_size=0x10000, text_offset=0x80000)
    kernel = 'kernel { file = "img.bin"; load = <0x0 0x40200000>; };'
    assert_error(run(system(cell(kernel=kernel))),
                 E("/cells/a/kernel", "kernel is an arm64 Image: load 0x40200000 must be "
                   "text_offset (0x80000) above a 2 MiB boundary"))
    assert_ok(run(system(cell(kernel=kernel.replace("0x40200000", "0x40280000")))))


def test_image_not_inside_a_region(run):
    kernel = 'kernel { file = "k.bin"; load = <0x0 0x40ff8000>; };'
    assert_error(run(system(cell(kernel=kernel))),
                 E("/cells/a/kernel", "kernel image at IPA 0x40ff8000..0x41007fff is not "
                   "inside one of the cell's memory regions"))


def test_initrd_not_inside_a_region(run):
    kernel = ('kernel { file = "k.bin"; load = <0x0 0x40200000>; };'
              'initrd { file = "initrd.img"; load = <0x0 0x50000000>; };')
    assert_error(run(system(cell(kernel=kernel))),
                 E("/cells/a/initrd", "initrd image at IPA 0x50000000..0x50009c3f is not "
                   "inside one of the cell's memory regions"))


def test_missing_image_file(run):
    kernel = 'kernel { file = "nope.bin"; load = <0x0 0x40200000>; };'
    assert_error(run(system(cell(kernel=kernel))),
                 E("/cells/a/kernel", "cannot read 'nope.bin': No such file or directory"))


def test_empty_image_file(run, tmp_path):
    (tmp_path / "empty.bin").write_bytes(b"")
    kernel = 'kernel { file = "empty.bin"; load = <0x0 0x40200000>; };'
    assert_error(run(system(cell(kernel=kernel))),
                 E("/cells/a/kernel", "'empty.bin' is empty"))


def test_image_name_unusable(run):
    kernel = 'kernel { file = "a b.bin"; load = <0x0 0x40200000>; };'
    assert_error(run(system(cell(kernel=kernel))),
                 E("/cells/a/kernel", "file name 'a b.bin' is empty or has a character make "
                   "or the assembler cannot take (whitespace, control, \", \\, $, #, :)"))


@pytest.mark.parametrize("entry", [0x40210000, 0x401ffffc])
def test_entry_outside_kernel(run, entry):
    kernel = f'kernel {{ file = "k.bin"; load = <0x0 0x40200000>; entry = <{u64(entry)}>; }};'
    assert_error(run(system(cell(kernel=kernel))),
                 E("/cells/a/kernel", f"entry {entry:#x} is outside the kernel image "
                   "(IPA 0x40200000..0x4020ffff)"))


def test_kernel_in_non_executable_region(run):
    assert_error(run(system(cell(ram_extra='access = "rw";'))),
                 E("/cells/a/kernel", "kernel image at IPA 0x40200000..0x4020ffff is in "
                   "/cells/a/memory/ram, which is not executable (no 'x' in 'access')"))


def test_initrd_overlaps_kernel(run):
    kernel = ('kernel { file = "k.bin"; load = <0x0 0x40200000>; };'
              'initrd { file = "initrd.img"; load = <0x0 0x40208000>; };')
    assert_error(run(system(cell(kernel=kernel))),
                 E("/cells/a/initrd", "initrd image at IPA 0x40208000..0x40211c3f overlaps "
                   "the kernel image (IPA 0x40200000..0x4020ffff)"))


def test_dtb_load_overlaps_kernel(run):
    r = run(system(cell(props="dtb-load = <0x0 0x40200000>;")))
    assert_error(r, E("/cells/a", "device tree at IPA 0x40200000..0x40200fff overlaps the "
                      "kernel image (IPA 0x40200000..0x4020ffff)"))


def test_dtb_load_unaligned(run):
    assert_error(run(system(cell(props="dtb-load = <0x0 0x40000004>;"))),
                 E("/cells/a", "dtb-load 0x40000004 is not 8-byte aligned"))


def test_dtb_load_outside_memory(run):
    assert_error(run(system(cell(props="dtb-load = <0x0 0x41000000>;"))),
                 E("/cells/a", "device tree (4096 bytes) at IPA 0x41000000..0x41000fff is not "
                   "inside one of the cell's memory regions"))


def test_dtb_no_default_place(run):
    kernel = 'kernel { file = "k.bin"; load = <0x0 0x40000000>; };'
    r = run(system(cell(size=0x100000, kernel=kernel)))
    assert_error(r, E("/cells/a", "no place for the device tree: the first memory region is "
                      "smaller than 2 MiB; set 'dtb-load'"))


# ---------------------------------------------------------------- names and syntax

def test_duplicate_cell_names(run):
    # dtc merges same-named nodes; only a forced (or foreign) blob has two.
    r = run(system(cell("a"), cell("a", cpus="2", pa=0x51000000)), force=True)
    assert_error(r, E("/cells/a", "duplicate cell name 'a'"))


@pytest.mark.parametrize("name", ["Alpha", "a_b", "x" * 32])
def test_invalid_cell_name(run, name):
    assert_error(run(system(cell(name))),
                 E(f"/cells/{name}", f"invalid cell name '{name}': use 1 to 31 characters "
                   "from a-z, 0-9 and '-'"))


@pytest.mark.parametrize("dts, path, msg", [
    (system(root_props="cellz = <1>;"), "/", "unknown property 'cellz'"),
    (system(root_nodes="cpus { };"), "/cpus", "unknown node"),
    (system(cell(props="cpu = <1>;")), "/cells/a", "unknown property 'cpu'"),
    (system(cell(nodes="kernal { };")), "/cells/a/kernal", "unknown node"),
    (system(cell(ram_extra="acess = \"rw\";")), "/cells/a/memory/ram",
     "unknown property 'acess'"),
    (system(cell(kernel='kernel { file = "k.bin"; load = <0x0 0x40200000>; '
                        'entry-point = <0x0 0x40200000>; };')),
     "/cells/a/kernel", "unknown property 'entry-point'"),
    (system(cell(console='console { type = "emulated"; irq = <33>; };')), "/cells/a/console",
     "unknown property 'irq'"),
    (system(cell(console='console { type = "passthrough"; device = "uart1"; ipa = <0 0>; };')),
     "/cells/a/console", "unknown property 'ipa'"),
    (system(cell(nodes='device-rtc { device = "rtc"; shared; irq = <34>; };')),
     "/cells/a/device-rtc", "unknown property 'irq'"),
    (system(cell(nodes='device-rtc { device = "rtc"; opts { }; };')),
     "/cells/a/device-rtc/opts", "unknown node"),
    (system(cell(ram_extra="sub { };")), "/cells/a/memory/ram/sub", "unknown node"),
    (system(cell(console='console { type = "emulated"; x { }; };')), "/cells/a/console/x",
     "unknown node"),
    (system(cell(kernel='kernel { file = "k.bin"; load = <0x0 0x40200000>; y { }; };')),
     "/cells/a/kernel/y", "unknown node"),
    (system().replace("cells {", "cells {\n\t\tx = <1>;"), "/cells", "unknown property 'x'"),
    (system(cell(kernel='kernel { file = "k.bin"; load = <0x0 0x40200000>; };'
                        'initrd { file = "initrd.img"; load = <0x0 0x40800000>; '
                        'entry = <0x0 0x40800000>; };')),
     "/cells/a/initrd", "unknown property 'entry'"),
])
def test_unknown_keys(run, dts, path, msg):
    assert_error(run(dts), E(path, msg))


@pytest.mark.parametrize("kw, path, msg", [
    ({"props": 'fault-policy = "panic";'}, "/cells/a",
     "fault-policy \"panic\" is not \"inject\", \"stop\" or \"restart\""),
    ({"props": "fault-policy = <1>;"}, "/cells/a", "'fault-policy' must be a string"),
    ({"props": "bootargs = <1>;"}, "/cells/a", "'bootargs' must be a string"),
    ({"props": "dtb-load = <0x40000000>;"}, "/cells/a",
     "'dtb-load' must be <hi lo>: a 64-bit value in 2 cells"),
    ({"props": 'devices = "rtc", "";'}, "/cells/a", "'devices' has an empty entry"),
    ({"props": "devices = <1>;"}, "/cells/a",
     "'devices' must be a list of strings (board aliases or absolute paths)"),
    ({"props": "smmu-streams = [01 02];"}, "/cells/a",
     "'smmu-streams' must be a list of 32-bit stream IDs"),
    ({"props": "smmu-streams = <5 5>;"}, "/cells/a", "stream ID 5 is listed twice"),
    ({"cpus": None, "props": "cpus = <1>, [00];"}, "/cells/a",
     "'cpus' must be a list of 32-bit board CPU indices"),
    ({"ram_extra": 'access = "rwz";'}, "/cells/a/memory/ram",
     "access \"rwz\" must be made of r, w and x, each at most once (e.g. \"rw\")"),
    ({"ram_extra": 'access = "rr";'}, "/cells/a/memory/ram",
     "access \"rr\" must be made of r, w and x, each at most once (e.g. \"rw\")"),
    ({"ram_extra": "shared = <1>;"}, "/cells/a/memory/ram",
     "'shared' is a flag: write 'shared;' without a value"),
    ({"regions": "bad { reg = <0x0 0x52000000 0x1000>; };"}, "/cells/a/memory/bad",
     "'reg' must be <base-hi base-lo size-hi size-lo>: one 64-bit base and size"),
    ({"regions": "bad { ipa = <0x0 0x52000000>; };"}, "/cells/a/memory/bad",
     "missing 'reg' (<base-hi base-lo size-hi size-lo>)"),
    ({"regions": "bad { reg = <0x0 0x52000000 0x0 0x1000>; ipa = <0x52000000>; };"},
     "/cells/a/memory/bad", "'ipa' must be <hi lo>: a 64-bit value in 2 cells"),
    ({"kernel": 'kernel { load = <0x0 0x40200000>; };'}, "/cells/a/kernel",
     "missing 'file' (the image, relative to the repository)"),
    ({"kernel": 'kernel { file = "k.bin"; };'}, "/cells/a/kernel",
     "missing 'load' (<hi lo>: the IPA the image is copied to)"),
    ({"kernel": ""}, "/cells/a", "missing 'kernel' node: the image the cell boots"),
    ({"console": 'console { type = "virtual"; };'}, "/cells/a/console",
     "console type \"virtual\" is not \"emulated\" or \"passthrough\""),
    ({"console": 'console { ipa = <0x0 0x09000000>; };'}, "/cells/a/console",
     "missing 'type' (\"emulated\" or \"passthrough\")"),
    ({"console": 'console { type = "emulated"; interrupt = <0 33>; };'}, "/cells/a/console",
     "'interrupt' must be one 32-bit cell, e.g. <33>"),
    ({"console": 'console { type = "emulated"; ipa = <0x0 0x09000800>; };'}, "/cells/a/console",
     "ipa 0x9000800 is not 4 KiB aligned"),
    ({"console": 'console { type = "passthrough"; };'}, "/cells/a/console",
     "missing 'device' (the board UART's alias or path)"),
    ({"nodes": 'device-x { ipa = <0x0 0x09010000>; };'}, "/cells/a/device-x",
     "missing 'device' (a board alias or absolute node path)"),
])
def test_bad_values(run, kw, path, msg):
    assert_error(run(system(cell(**kw))), E(path, msg))


def test_missing_memory_node(run):
    dts = system(cell()).replace("memory {", "notmem {")
    r = run(dts)
    assert_error(r, E("/cells/a", "missing 'memory' node: a cell needs at least one memory "
                      "region"))
    assert E("/cells/a/notmem", "unknown node") in r.errors


def test_empty_memory_node(run):
    dts = re.sub(r"memory \{.*?\n\t\t\t\};", "memory { };", system(cell()), flags=re.S)
    assert_error(run(dts), E("/cells/a/memory", "no memory regions: add a subnode with 'reg'"))


@pytest.mark.parametrize("old, new, path, msg", [
    ('compatible = "bulkhead,system";', 'compatible = "bulkhead,board";', "/",
     "root 'compatible' must be \"bulkhead,system\""),
    ('board = "qemu-virt";', 'board = "rpi4";', "/",
     "board = \"rpi4\", but building for board \"qemu-virt\""),
    ('board = "qemu-virt";', "", "/", "missing 'board' (the board this system is for)"),
    ('board = "qemu-virt";', 'board = "qemu-virt"; #address-cells = <1>;', "/",
     "'#address-cells' must be <2>: addresses and sizes in a configuration are 64-bit "
     "(2 cells)"),
])
def test_root_values(run, old, new, path, msg):
    assert_error(run(system().replace(old, new)), E(path, msg))


def test_smmu_stream_in_two_cells(run):
    r = run(two({"props": "smmu-streams = <7>;"}, {"props": "smmu-streams = <8 7>;"}))
    assert_error(r, E("/cells/b", "stream ID 7 is already given to cell a"))


def test_smmu_streams_need_an_smmu(run, tmp_path):
    src = tmp_path / "nosmmu.dts"
    src.write_text((REPO / "boards/qemu-virt/board.dts").read_text()
                   + '/ { /delete-node/ smmuv3@9050000; pcie@10000000 { '
                     '/delete-property/ iommu-map; }; aliases { /delete-property/ smmu; }; };\n')
    board = dtc(src, tmp_path / "nosmmu.dtb", include=REPO / "boards/qemu-virt")
    r = run(system(cell(props="smmu-streams = <7>;")), board=board)
    assert_error(r, E("/cells/a", "'smmu-streams' given, but board qemu-virt has no SMMU"))


# ---------------------------------------------------------------- reporting

def test_all_errors_reported(run):
    kernel = 'kernel { file = "nope.bin"; load = <0x0 0x40200000>; };'
    r = run(two({"cpus": "5", "props": 'fault-policy = "x";'},
                {"pa": 0x50000000, "kernel": kernel}))
    assert r.rc == 1
    assert r.errors == [
        E("/cells/a", "CPU 5 is not on the board (its CPUs are 0..3)"),
        E("/cells/a", "fault-policy \"x\" is not \"inject\", \"stop\" or \"restart\""),
        E("/cells/b/kernel", "cannot read 'nope.bin': No such file or directory"),
        E("/cells/b/memory/ram", "memory 0x50000000..0x50ffffff overlaps /cells/a/memory/ram "
          "(0x50000000..0x50ffffff) of cell a; only regions marked 'shared' in both may "
          "overlap"),
    ]
    assert r.stderr.splitlines()[-1] == "bhcfg: 4 errors; no image generated"
    assert r.files() == []


def test_failure_removes_earlier_outputs(run, tmp_path):
    svg = tmp_path / "map.svg"
    good = run(two(), "--svg", str(svg))
    assert_ok(good)
    assert "cell-a.dtb" in good.files() and svg.exists()
    bad = run(two(b_kw={"cpus": "1"}), "--svg", str(svg))
    assert_error(bad, E("/cells/b", "CPU 1 is already given to cell a"))
    assert not svg.exists()


def test_not_a_device_tree(bhcfg, board_dtb, tmp_path):
    junk = tmp_path / "junk.dtb"
    junk.write_bytes(b"JUNK" * 32)
    out = tmp_path / "out"
    out.mkdir()
    r = subprocess.run([str(bhcfg), "--board", str(board_dtb), "--config", str(junk),
                        "--config-src", "junk.dts", "--out", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert r.stderr == "junk.dts: invalid device tree blob: FDT_ERR_BADMAGIC\n"
    assert list(out.iterdir()) == []


def test_old_device_tree_version_rejected(bhcfg, board_dtb, tmp_path):
    """Pre-v17 blobs are refused before libfdt's full check, which crashed on
    one the fuzzer found (regression)."""
    src = tmp_path / "s.dts"
    src.write_text(system())
    blob = bytearray(dtc(src, tmp_path / "s.dtb").read_bytes())
    blob[20:24] = (2).to_bytes(4, "big")  # version
    blob[24:28] = (1).to_bytes(4, "big")  # last compatible version
    old = tmp_path / "old.dtb"
    old.write_bytes(bytes(blob))
    r = subprocess.run([str(bhcfg), "--board", str(board_dtb), "--config", str(old),
                        "--config-src", "old.dts", "--out", str(tmp_path)],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert r.stderr == "old.dts: unsupported device tree version 2 (dtc writes 17)\n"


GICV2 = """
/delete-node/ intc@8000000;
intc@8000000 {
	phandle = <0x8005>;
	compatible = "arm,cortex-a15-gic";
	interrupt-controller;
	#interrupt-cells = <3>;
	reg = <0x0 0x08000000 0x0 0x10000>, <0x0 0x08010000 0x0 0x10000>,
	      <0x0 0x08030000 0x0 0x10000>, <0x0 0x08040000 0x0 0x10000>;
	interrupts = <1 9 4>;
};
"""


def test_gicv2_board(run, test_board):
    r = run(system(cell(cpus="1 2")), board=test_board(GICV2))
    assert_ok(r)
    c = (r.out / "config.c").read_text()
    assert ".gicd_ipa = 0x8000000," in c and ".gicc_ipa = 0x8010000," in c
    gic = decode(r.out / "cell-a.dtb")["nodes"]["interrupt-controller@8000000"]["props"]
    assert gic["compatible"] == ["arm,cortex-a15-gic"]
    assert gic["reg"] == [0, 0x8000000, 0, 0x1000, 0, 0x8010000, 0, 0x2000]
    assert gic["interrupts"] == [1, 9, 4]


def test_gicv2_memory_collides_with_vgicc(run, test_board):
    extra = 'low { reg = <0x0 0x52000000 0x0 0x1000>; ipa = <0x0 0x08011000>; };'
    r = run(system(cell(regions=extra)), board=test_board(GICV2))
    assert_error(r, E("/cells/a/memory/low",
                      "IPA 0x8011000..0x8011fff collides with the emulated GIC CPU interface "
                      "(vGICC, IPA 0x8010000..0x8011fff)"))


# ---------------------------------------------------------------- nothing accepted fails at boot
# Each of these was accepted by bhcfg on main (3020ca2/99dd09f) and then failed at boot,
# or misbehaved in a way the configuration alone decides.

def board_variant(tmp_path, name, extra):
    """A board as boards/<name>/board.dts says, plus @extra (DTS) at its end."""
    src = tmp_path / f"{name}-variant.dts"
    src.write_text(f'/include/ "{REPO / "boards" / name / "board.dts"}"\n{extra}\n')
    return dtc(src, tmp_path / f"{name}-variant.dtb", include=REPO / "boards" / name)


def test_ipa_beyond_cpu_pa_bits_cortex_a53(run, tmp_path):
    """The Cortex-A53 board says 40 bits: a region at 2^40 cannot be mapped there."""
    a53 = board_variant(tmp_path, "qemu-virt-a53", "")
    extra = 'hi { reg = <0x0 0x52000000 0x0 0x1000>; ipa = <0xff 0xfffff000>; };'
    assert_ok(run(system(cell(regions=extra)), board=a53))
    extra = 'hi { reg = <0x0 0x52000000 0x0 0x1000>; ipa = <0x100 0x0>; };'
    assert_error(run(system(cell(regions=extra)), board=a53),
                 E("/cells/a/memory/hi", "IPA range 0x10000000000 + 0x1000 is beyond the "
                   "board's 40-bit IPA space (cpu-pa-bits)"))


def test_device_ipa_beyond_cpu_pa_bits(run):
    dev = 'device-rtc { device = "rtc"; ipa = <0x1000 0x0>; };'
    assert_error(run(system(cell(nodes=dev))),
                 E("/cells/a/device-rtc", "device 'rtc': IPA 0x100000000000 is beyond the "
                   "board's 44-bit IPA space (cpu-pa-bits)"))


def test_console_ipa_beyond_cpu_pa_bits(run):
    console = 'console { type = "emulated"; ipa = <0x1000 0x0>; interrupt = <33>; };'
    assert_error(run(system(cell(console=console))),
                 E("/cells/a/console", "ipa 0x100000000000 is beyond the board's 44-bit IPA "
                   "space (cpu-pa-bits)"))


def test_device_pa_beyond_cpu_pa_bits(run, test_board):
    board = test_board('high@100000000000 { compatible = "test,dev"; '
                       'reg = <0x1000 0x0 0x0 0x1000>; };')
    assert_error(run(system(cell(props='devices = "/high@100000000000";')), board=board),
                 E("/cells/a", "device '/high@100000000000' (/high@100000000000): register "
                   "window 0 is beyond the board's 44-bit physical address space "
                   "(cpu-pa-bits)"))


def test_board_ram_beyond_cpu_pa_bits(run, test_board):
    board = test_board('memory@100000000000 { device_type = "memory"; '
                       'reg = <0x1000 0x0 0x0 0x1000000>; };')
    r = run(system(), board=board)
    assert r.rc == 1
    assert ("boards/qemu-virt/board.dts: /: RAM 0x100000000000..0x100000ffffff is beyond the "
            "CPUs' 44-bit physical address space (cpu-pa-bits)") in r.stderr


def test_board_gic_beyond_cpu_pa_bits(run, tmp_path):
    """The GIC windows a cell gets are the board's addresses: below 2^cpu-pa-bits too."""
    board = board_variant(tmp_path, "qemu-virt", """/ {
	bulkhead { cpu-pa-bits = <36>; };
	intc@8000000 { reg = <0x0 0x8000000 0x0 0x10000 0x10 0x0 0x0 0xf60000>; };
};""")
    r = run(system(cell()), board=board)
    assert r.rc == 1
    assert (f"{REPO}/boards/qemu-virt/board.dts: /intc@8000000: GIC redistributors "
            "0x1000000000 + 0xf60000 is beyond the CPUs' 36-bit physical address space "
            "(cpu-pa-bits)") in r.stderr.splitlines()


def test_stage2_tables_must_fit_in_hypervisor_memory(run, tmp_path, test_board):
    """The cells' stage-2 tables come from the hypervisor's memory, after the image and
    its bundle: bhcfg counts them (at most), and the build names the bound."""
    board = test_board("bulkhead { hypervisor-memory = <0x0 0x40000000 0x0 0x200000>; };")
    (tmp_path / "big.bin").write_bytes(b"\0" * 0x1f0000)
    kernel = 'kernel { file = "big.bin"; load = <0x0 0x40200000>; };'
    r = run(system(cell(kernel=kernel)), board=board)
    assert_error(r, E("/", "the bundled images and device trees (2035712 bytes) and the "
                      "cells' stage-2 and SMMU translation tables (up to 90112 bytes) do not "
                      "fit in the hypervisor's memory (2097152 bytes)"))
    r = run(system(cell()))
    assert_ok(r)
    # A root of at most 16 pages, a level-1 and a level-2 table; the 16 MiB region is
    # mapped in 2 MiB blocks and the emulated devices are not mapped: 18 pages. The
    # SMMU's two queues and its (one-entry) stream table, with room for alignment: 4.
    assert "#define BH_STAGE2_TABLES_SIZE 0x16000" in (r.out / "config.h").read_text()


SECOND_COPY = '/ { cells { a { bootargs = "again"; }; }; };\n'


@pytest.mark.parametrize("extra, path, msg", [
    (SECOND_COPY, "/cells/a",
     "cell 'a' is written more than once in the source (sys.dts:{first}, sys.dts:{second}); "
     "dtc merges the copies silently, later properties replacing earlier ones: write each "
     "cell once"),
    ('&{/cells/a} { cpus = <3>; };\n', "/cells/a",
     "cell 'a' is written more than once in the source (sys.dts:{first}, sys.dts:{second}); "
     "dtc merges the copies silently, later properties replacing earlier ones: write each "
     "cell once"),
    ('&{/cells/a/memory/ram} { access = "rwx"; };\n', "/cells/a/memory/ram",
     "this node of cell 'a' is written more than once in the source (sys.dts:{ram}, "
     "sys.dts:{second}); dtc merges the copies silently, later properties replacing earlier "
     "ones: write each cell once"),
], ids=["second-block", "path-reference", "subnode"])
def test_cell_written_twice(run, extra, path, msg):
    """dtc merges a node written twice into one without a word; bhcfg asks dtc where
    each node came from (its -T annotation) and refuses a cell written twice."""
    dts = system(cell("a"), cell("b", cpus="2", pa=0x51000000))
    lines = dts.splitlines()
    first = next(i for i, l in enumerate(lines, 1) if l.strip() == "a {")
    ram = next(i for i, l in enumerate(lines, 1) if "ram {" in l)
    second = len(lines) + 1
    r = run(dts + extra)
    assert_error(r, E(path, msg.format(first=first, second=second, ram=ram)))
    assert len(r.errors) == 1


def test_cell_written_once_in_several_blocks_is_fine(run):
    """Cells may be spread over several blocks of /cells, each written once."""
    dts = system(cell("a")) + "/ { cells {" + cell("b", cpus="2", pa=0x51000000) + "}; };\n"
    assert_ok(run(dts))


def test_shared_regions_starting_together_differ_in_size(run):
    shm = 'shm { reg = <0x0 0x52000000 0x0 %s>; ipa = <0x0 0x50000000>; shared; };'
    r = run(two({"regions": shm % "0x100000"}, {"regions": shm % "0x200000"}))
    assert_error(r, E("/cells/b/memory/shm",
                      "shared memory 0x52000000..0x521fffff starts with /cells/a/memory/shm "
                      "(0x52000000..0x520fffff) of cell a but differs in size; regions shared "
                      "at one address must be the same size"))


@pytest.mark.parametrize("what, kernel, path, msg", [
    ("kernel", 'kernel { file = "k.bin"; load = <0x0 0x50000000>; };', "/cells/a/kernel",
     "kernel image at IPA 0x50000000..0x5000ffff is in /cells/a/memory/shm, which is shared: "
     "each start of the cell would overwrite what the other cells keep there"),
    ("initrd", 'kernel { file = "k.bin"; load = <0x0 0x40200000>; };'
               'initrd { file = "initrd.img"; load = <0x0 0x50000000>; };', "/cells/a/initrd",
     "initrd image at IPA 0x50000000..0x50009c3f is in /cells/a/memory/shm, which is shared: "
     "each start of the cell would overwrite what the other cells keep there"),
], ids=["kernel", "initrd"])
def test_image_in_shared_region(run, what, kernel, path, msg):
    shm = 'shm { reg = <0x0 0x52000000 0x0 0x100000>; ipa = <0x0 0x50000000>; shared; };'
    assert_error(run(two({"regions": shm, "kernel": kernel}, {"regions": shm})), E(path, msg))


def test_device_tree_in_shared_region(run):
    shm = 'shm { reg = <0x0 0x52000000 0x0 0x100000>; ipa = <0x0 0x50000000>; shared; };'
    r = run(two({"regions": shm, "props": "dtb-load = <0x0 0x50000000>;"}, {"regions": shm}))
    assert_error(r, E("/cells/a", "device tree at IPA 0x50000000..0x50000fff is in "
                      "/cells/a/memory/shm, which is shared: each start of the cell would "
                      "overwrite what the other cells keep there"))
    # By default the tree goes to the first region: a shared one is refused too.
    first = ('memory { shm { reg = <0x0 0x52000000 0x0 0x400000>; ipa = <0x0 0x50000000>; '
             'shared; };')
    dts = two().replace("memory {", first, 1)
    assert_error(run(dts), E("/cells/a", "device tree at IPA 0x50200000..0x50200fff is in "
                             "/cells/a/memory/shm, which is shared: each start of the cell "
                             "would overwrite what the other cells keep there; set "
                             "'dtb-load'"))


def test_kernel_entry_not_4_byte_aligned(run):
    kernel = 'kernel { file = "k.bin"; load = <0x0 0x40200000>; entry = <0x0 0x40200802>; };'
    assert_error(run(system(cell(kernel=kernel))),
                 E("/cells/a/kernel", "entry 0x40200802 is not 4-byte aligned"))
    kernel = 'kernel { file = "k.bin"; load = <0x0 0x40200001>; };'
    assert_error(run(system(cell(kernel=kernel))),
                 E("/cells/a/kernel", "load 0x40200001 is also the entry point (no 'entry' "
                   "given) and is not 4-byte aligned"))


@pytest.mark.parametrize("dev, path, compat", [
    ("rtc", "/pl031@9010000", 'compatible "arm,pl031"'),
    ("gpio", "/pl061@9030000", 'compatible "arm,pl061"'),
])
def test_passthrough_console_not_a_uart(run, dev, path, compat):
    console = f'console {{ type = "passthrough"; device = "{dev}"; }};'
    assert_error(run(system(cell(console=console))),
                 E("/cells/a/console", f"console device '{dev}' ({path}) is not a UART "
                   f"({compat})"))


def test_stream_id_wider_than_smmu(run):
    r = run(system(cell(props="smmu-streams = <0xffff 0x10000>;")))
    assert_error(r, E("/cells/a", "stream ID 65536 (0x10000) is wider than the SMMU's 16-bit "
                      "stream IDs (/smmuv3@9050000, smmu-stream-id-bits)"))
    assert len(r.errors) == 1


def test_board_with_smmu_states_stream_id_size(run, tmp_path):
    board = board_variant(tmp_path, "qemu-virt",
                          "/ { bulkhead { /delete-property/ smmu-stream-id-bits; }; };")
    r = run(system(), board=board)
    assert r.rc == 1
    assert (f"{REPO}/boards/qemu-virt/board.dts: /bulkhead: the board has an SMMUv3 "
            "(/smmuv3@9050000): give its stream ID size (SMMU_IDR1.SIDSIZE) as "
            "'smmu-stream-id-bits'") in r.stderr.splitlines()


@pytest.mark.parametrize("file", ["../k.bin", "sub/../../k.bin", "./../k.bin"])
def test_image_path_climbs_out_of_repository(run, file):
    kernel = f'kernel {{ file = "{file}"; load = <0x0 0x40200000>; }};'
    assert_error(run(system(cell(kernel=kernel))),
                 E("/cells/a/kernel", f"file '{file}' climbs out of the repository ('..'): "
                   "name it from the repository root, or give it as an absolute path"))


def test_image_path_inside_repository_or_absolute(run, tmp_path):
    (tmp_path / "sub").mkdir()
    for file in ("sub/../k.bin", str(tmp_path / "sub" / ".." / "k.bin")):
        kernel = f'kernel {{ file = "{file}"; load = <0x0 0x40200000>; }};'
        assert_ok(run(system(cell(kernel=kernel))))


FW_CFG = ("/fw-cfg@9020000", "/fw-cfg@9020000", "dma-coherent")


def test_dma_device_without_smmu_is_refused(run):
    """QEMU virt's fw-cfg can DMA (dma-coherent) and the SMMU fronts only PCIe."""
    r = run(system(cell(props='devices = "/fw-cfg@9020000";')))
    assert_error(r, E("/cells/a", dma_error(*FW_CFG)))
    dev = 'device-v { device = "/virtio_mmio@a000000"; };'
    assert_error(run(system(cell(nodes=dev))),
                 E("/cells/a/device-v", dma_error("/virtio_mmio@a000000",
                                                  "/virtio_mmio@a000000", "dma-coherent")))


def test_dma_unprotected_accepts_with_a_warning(run):
    r = run(system(cell(props='devices = "/fw-cfg@9020000"; dma-unprotected;')))
    assert_ok(r, [W("/cells/a", dma_warning(*FW_CFG))])
    assert "cell-a.dtb" in r.files()


def test_dma_unprotected_without_such_device_warns(run):
    r = run(system(cell(props='devices = "rtc"; dma-unprotected;')))
    assert_ok(r, [W("/cells/a", "'dma-unprotected' is given, but none of the cell's devices "
                    "can DMA without an SMMU in front of it")])


def test_dma_device_behind_smmu_brings_its_streams(run, test_board):
    # Its 'iommus' stream IDs join the cell's: the SMMU confines its DMA.
    board = test_board('dmadev@9100000 { compatible = "test,dev"; dma-coherent; '
                       'reg = <0x0 0x9100000 0x0 0x1000>; iommus = <&{/smmuv3@9050000} 7>; };')
    r = run(system(cell(props='devices = "/dmadev@9100000"; smmu-streams = <0x10>;')),
            board=board)
    assert_ok(r)
    assert "static const uint32_t cell_a_streams[] = {0x10, 0x7};" in (r.out / "config.c").read_text()
    # Another cell cannot own the same stream.
    r = run(two({"props": 'devices = "/dmadev@9100000";'}, {"props": "smmu-streams = <7>;"}),
            board=board)
    assert_error(r, E("/cells/b", "stream ID 7 is already given to cell a"))


@pytest.mark.parametrize("cpus, msg", [
    ("1 " * 10000, "CPU 1 is listed 10000 times"),
    ("1 1", "CPU 1 is listed twice"),
    (" ".join(str(4 + i) for i in range(10000)),
     "CPUs 4, 5, 6, 7, 8, 9, 10, 11, ... are not on the board (its CPUs are 0..3)"),
    ("9 9 9 9", "CPU 9 is not on the board (its CPUs are 0..3)"),
], ids=["same-cpu-10000-times", "same-cpu-twice", "10000-cpus-not-on-board",
        "same-cpu-not-on-board"])
def test_repeated_problem_gives_one_message(run, cpus, msg):
    r = run(system(cell(cpus=cpus)))
    assert_error(r, E("/cells/a", msg))
    assert r.errors == [E("/cells/a", msg)]


def test_repeated_stream_id_gives_one_message(run):
    r = run(system(cell(props="smmu-streams = <" + "5 " * 10000 + ">;")))
    assert r.rc == 1
    assert r.errors == [E("/cells/a", "stream ID 5 is listed 10000 times")]


def test_repeated_devices_give_one_message_each(run):
    r = run(system(cell(props="devices = " + ", ".join(['"rtc"'] * 10000) + ";")))
    assert r.rc == 1
    assert r.errors == [
        E("/cells/a", "more than 32 devices in one cell"),
        E("/cells/a", "device 'rtc' (/pl031@9010000) is given to this cell twice"),
    ]


def test_long_node_name_is_shortened_not_dropped(run):
    name = "x" * 3000
    r = run(system(cell(name)))
    short = "x" * 64 + "\u2026(3000 characters)"
    assert_error(r, E(f"/cells/{short}", f"invalid cell name '{short}': use 1 to 31 "
                      "characters from a-z, 0-9 and '-'"))
    prop = "p" * 5000
    r = run(system(cell(props=f"{prop};")))
    assert_error(r, E("/cells/a", f"unknown property '{'p' * 128}\u2026(5000 characters)'"))


def test_control_characters_in_names_are_escaped(run):
    kernel = 'kernel { file = "k\\nb.bin"; load = <0x0 0x40200000>; };'
    r = run(system(cell(kernel=kernel)))
    assert_error(r, E("/cells/a/kernel", "file name 'k\\x0ab.bin' is empty or has a character "
                      "make or the assembler cannot take (whitespace, control, \", \\, $, #, "
                      ":)"))
