# SPDX-License-Identifier: Apache-2.0
"""bhcfg and PCI functions: 'pci-functions' and the window keys, the tables
(functions, windows, stream IDs, INTx SPIs) and the cell's host bridge node;
every rule refuses what it should with its exact message.

QEMU virt's host bridge: ECAM 0x4010000000, 32-bit window 0x10000000..
0x3efeffff, 64-bit window 0x8000000000 (512 GiB), iommu-map RID -> SID
identity, INTA..INTD of slot s on SPIs 3..6 rotated by s % 4."""
import pytest

from bhcfg_support import decode
from test_bhcfg import E, W, assert_error, assert_ok, cell, system, two

BRIDGE = "/pcie@10000000"


def pci(fns, extra=""):
    return {"props": "pci-functions = " + ", ".join(f'"{f}"' for f in fns) + ";" + extra}


def test_function_tables_and_windows(run):
    r = run(system(cell(**pci(["00:02.0", "00:03.1 INTB"]))))
    assert_ok(r, [W("/cells/a", "PCI function 00:03.1: the cell does not own function 0 of "
                    "its device (00:03.0), without which Linux does not look for the others")])
    c = (r.out / "config.c").read_text()
    assert "\t.pci_ecam = {0x4010000000, 0x100000},\n\t.pci_root_bus = 0,\n" in c
    # Slot 2 INTA is SPI 5; slot 3 INTB is SPI 3.
    assert "\t{.bdf = 0x10, .pin = 1, .intid = 37}, /* 00:02.0 */\n" \
           "\t{.bdf = 0x19, .pin = 2, .intid = 35}, /* 00:03.1 */\n" in c
    # 16 MiB below 4 GiB and 1 GiB above, from the windows' starts; 1:1.
    assert "\t{.base = 0x10000000, .bus = 0x10000000, .size = 0x1000000},\n" \
           "\t{.base = 0x8000000000, .bus = 0x8000000000, .size = 0x40000000},\n" in c
    assert ".npci_funcs = 2," in c and ".npci_windows = 2," in c
    assert ".pci_ecam_ipa = 0x4010000000," in c
    # Their stream IDs (RID = SID) join the cell's; their SPIs its interrupts.
    assert "static const uint32_t cell_a_streams[] = {0x10, 0x19};" in c
    assert "static const uint16_t cell_a_irqs[] = {35, 37};" in c


def test_cell_device_tree_host_bridge(run):
    r = run(system(cell(**pci(["00:02.0"]))))
    assert_ok(r)
    nodes = decode(r.out / "cell-a.dtb")["nodes"]
    gic = nodes["interrupt-controller@8000000"]["props"]["phandle"][0]
    p = nodes["pcie@4010000000"]["props"]
    assert p["compatible"] == ["pci-host-ecam-generic"] and p["device_type"] == ["pci"]
    assert p["reg"] == [0x40, 0x10000000, 0, 0x100000]
    assert p["bus-range"] == [0, 0]
    assert p["#address-cells"] == [3] and p["#size-cells"] == [2]
    assert p["#interrupt-cells"] == [1]
    assert p["ranges"] == [0x02000000, 0, 0x10000000, 0, 0x10000000, 0, 0x1000000,
                           0x03000000, 0x80, 0, 0x80, 0, 0, 0x40000000]
    assert p["interrupt-map-mask"] == [0xffff00, 0, 0, 7]
    assert p["interrupt-map"] == [0x1000, 0, 0, 1, gic, 0, 5, 4]
    assert p["dma-coherent"] is True
    for absent in ("msi-map", "msi-parent", "iommu-map", "linux,pci-domain"):
        assert absent not in p, absent
    assert not any("smmu" in n for n in nodes)


def test_windows_shared_out_in_cell_order(run):
    r = run(two(pci(["00:02.0"], "pci-window-size = <0x0 0x800000>; "
                    "pci-window64-size = <0x0 0x0>;"),
                pci(["00:03.0"], "pci-window-size = <0x0 0x1000000>; "
                    "pci-ecam-ipa = <0x0 0x3f000000>;")))
    assert_ok(r)
    c = (r.out / "config.c").read_text()
    # a: 8 MiB, no 64-bit window; b: 16 MiB, aligned to 16 MiB, and 1 GiB.
    assert "cell_a_pci_windows[] = {\n\t{.base = 0x10000000, .bus = 0x10000000, " \
           ".size = 0x800000},\n};" in c
    assert "cell_b_pci_windows[] = {\n\t{.base = 0x11000000, .bus = 0x11000000, " \
           ".size = 0x1000000},\n\t{.base = 0x8000000000, " in c
    assert ".pci_ecam_ipa = 0x3f000000," in c
    assert "pcie@3f000000" in decode(r.out / "cell-b.dtb")["nodes"]


def test_function_stream_also_in_smmu_streams_counts_once(run):
    r = run(system(cell(props='pci-functions = "00:02.0"; smmu-streams = <0x10 0x40>;')))
    c = (r.out / "config.c").read_text()
    assert "static const uint32_t cell_a_streams[] = {0x10, 0x40};" in c
    assert r.rc == 0 and r.errors == [], r.stderr


@pytest.mark.parametrize("fn", ["00:2.0", "0:02.0", "00:20.0", "00:02.8", "00-02.0",
                                "00:02.0 INTE", "00:02.0 intb", "00:02.0 ", "g0:02.0"])
def test_function_syntax(run, fn):
    assert_error(run(system(cell(**pci([fn])))),
                 E("/cells/a", f"'pci-functions': \"{fn}\" is not a PCI function: write "
                   "bus:device.function in hex as lspci does, e.g. \"00:02.0\", optionally "
                   "followed by the INTx pin it raises (\"00:02.1 INTB\"; INTA if not given)"))


def test_function_listed_twice(run):
    assert_error(run(system(cell(**pci(["00:02.0", "00:02.0 INTB"])))),
                 E("/cells/a", "PCI function 00:02.0 is listed twice"))


def test_function_in_two_cells(run):
    assert_error(run(two(pci(["00:02.0"]), pci(["00:02.0"]))),
                 E("/cells/b", "PCI function 00:02.0 is already given to cell a"))


def test_function_behind_a_bridge(run):
    assert_error(run(system(cell(**pci(["01:00.0"])))),
                 E("/cells/a", "PCI function 01:00.0 is not on the host bridge's root bus "
                   "(00): functions behind bridges are not supported"))


def test_function_stream_owned_by_another_cells_smmu_streams(run):
    for a, b in ((pci(["00:02.0"]), {"props": "smmu-streams = <0x10>;"}),
                 ({"props": "smmu-streams = <0x10>;"}, pci(["00:02.0"]))):
        r = run(two(a, b))
        assert_error(r, E("/cells/a" if "pci" in a["props"] else "/cells/b",
                          "PCI function 00:02.0: its stream ID 16 is already given to cell "
                          + ("b" if "pci" in a["props"] else "a")))


def test_intx_line_shared_by_two_cells(run):
    # Slots 2 and 6 both raise INTA on SPI 5.
    assert_error(run(two(pci(["00:02.0"]), pci(["00:06.0"]))),
                 E("/cells/b", "PCI function 00:06.0: its INTA line (INTID 37) is already "
                   "claimed by cell a; INTx lines are not shared between cells"))
    # Slot 7 INTA is SPI 6: no conflict; two functions of one cell may share.
    assert_ok(run(two(pci(["00:02.0", "00:06.0"]), pci(["00:07.0"]))))


def test_intx_line_of_a_device_of_another_cell(run, test_board):
    board = test_board('extra@9100000 { compatible = "test,dev"; reg = <0x0 0x9100000 0x0 '
                       '0x1000>; interrupts = <0x0 0x5 0x4>; };')
    assert_error(run(two(pci(["00:02.0"]), {"props": 'devices = "/extra@9100000";'}),
                     board=board),
                 E("/cells/b", "interrupt 37 of device '/extra@9100000' (/extra@9100000) is "
                   "already claimed by cell a"))
    assert_error(run(two({"props": 'devices = "/extra@9100000";'}, pci(["00:02.0"])),
                     board=board),
                 E("/cells/b", "PCI function 00:02.0: its INTA line (INTID 37) is already "
                   "claimed by cell a; INTx lines are not shared between cells"))


def test_intx_line_of_the_console(run):
    console = 'console { type = "emulated"; ipa = <0x0 0x09000000>; interrupt = <37>; };'
    assert_error(run(system(cell(console=console, **pci(["00:02.0"])))),
                 E("/cells/a/console", "console interrupt 37 is also the INTA line of PCI "
                   "function 00:02.0"))


def test_intx_line_not_in_interrupt_map(run, test_board):
    board = test_board("pcie@10000000 { interrupt-map = <0x0 0x0 0x0 0x1 "
                       "&{/intc@8000000} 0x0 0x0 0x0 0x3 0x4>; };")
    assert_error(run(system(cell(**pci(["00:02.0"]))), board=board),
                 E("/cells/a", "PCI function 00:02.0: the host bridge's interrupt-map "
                   f"({BRIDGE}) has no line for its INTA"))


def test_requester_id_not_in_iommu_map(run, test_board):
    board = test_board("pcie@10000000 { iommu-map = <0x0 &{/smmuv3@9050000} 0x0 0x8>; };")
    assert_ok(run(system(cell(**pci(["00:00.0"]))), board=board))
    assert_error(run(system(cell(**pci(["00:01.0"]))), board=board),
                 E("/cells/a", "PCI function 00:01.0: no entry of the host bridge's iommu-map "
                   f"({BRIDGE}) covers its requester ID 0x8, so no SMMU stream confines its "
                   "DMA"))


def test_stream_id_beyond_sidsize(run, test_board):
    board = test_board("pcie@10000000 { iommu-map = <0x0 &{/smmuv3@9050000} 0xfff0 0x100>; };")
    assert_error(run(system(cell(**pci(["00:02.0"]))), board=board),
                 E("/cells/a", "PCI function 00:02.0: its stream ID 65536 (0x10000, from the "
                   f"iommu-map of {BRIDGE}) is wider than the SMMU's 16-bit stream IDs "
                   "(smmu-stream-id-bits)"))


def test_requester_id_mapped_to_another_iommu(run, test_board):
    board = test_board('other-iommu@9100000 { compatible = "test,iommu"; '
                       'reg = <0x0 0x9100000 0x0 0x1000>; #iommu-cells = <1>; }; '
                       "pcie@10000000 { iommu-map = <0x0 &{/other-iommu@9100000} 0x0 "
                       "0x10000>; };")
    assert_error(run(system(cell(**pci(["00:02.0"]))), board=board),
                 E("/cells/a", "PCI function 00:02.0: the host bridge's iommu-map "
                   f"({BRIDGE}) gives its requester ID 0x10 to /other-iommu@9100000, not to "
                   "the SMMU Bulkhead drives"))


def test_host_bridge_without_smmu(run, test_board):
    board = test_board("pcie@10000000 { /delete-property/ iommu-map; };")
    msg = (f"PCI function 00:02.0 can do DMA and no SMMU stands in front of the host bridge "
           f"({BRIDGE})")
    assert_error(run(system(cell(**pci(["00:02.0"]))), board=board),
                 E("/cells/a", msg + ", so it can read and write all memory, other cells' "
                   "and the hypervisor's included; mark the cell 'dma-unprotected;' to "
                   "accept that"))
    r = run(system(cell(**pci(["00:02.0"], " dma-unprotected;"))), board=board)
    assert_ok(r, [W("/cells/a", msg + ": the cell can read and write all memory through it, "
                    "other cells' and the hypervisor's included (dma-unprotected)")])
    assert "cell_a_streams" not in (r.out / "config.c").read_text()


def test_board_without_host_bridge(run, test_board):
    board = test_board("/delete-node/ pcie@10000000;")
    assert_error(run(system(cell(**pci(["00:02.0"]))), board=board),
                 E("/cells/a", "'pci-functions' given, but board qemu-virt has no PCI host "
                   "bridge (compatible \"pci-host-ecam-generic\")"))
    assert_ok(run(system(cell()), board=board))


def test_unusable_host_bridge(run, test_board):
    board = test_board("pcie@10000000 { bus-range = <0x0>; };")
    assert_error(run(system(cell(**pci(["00:02.0"]))), board=board),
                 E("/cells/a", f"'pci-functions' given, but the board's PCI host bridge "
                   f"{BRIDGE} cannot be used: 'bus-range' must be <first last>, 0 <= first "
                   "<= last <= 255"))
    assert_ok(run(system(cell()), board=board))


def test_window_does_not_fit(run):
    assert_error(run(two(pci(["00:02.0"], "pci-window-size = <0x0 0x20000000>;"),
                         pci(["00:03.0"], "pci-window-size = <0x0 0x10000000>;"))),
                 E("/cells/b", "'pci-window-size' 0x10000000 does not fit in what is left of "
                   "the host bridge's 32-bit memory window (0x10000000..0x3efeffff, "
                   "0x20000000 bytes given to cells before)"))


def test_window_not_in_pages(run):
    assert_error(run(system(cell(**pci(["00:02.0"], "pci-window64-size = <0x0 0x1800>;")))),
                 E("/cells/a", "'pci-window64-size' 0x1800 is not a multiple of 4 KiB"))


def test_no_window_at_all(run):
    assert_error(run(system(cell(**pci(["00:02.0"], "pci-window-size = <0x0 0x0>; "
                                       "pci-window64-size = <0x0 0x0>;")))),
                 E("/cells/a", "the cell's PCI functions get no memory window for their BARs: "
                   "give 'pci-window-size' or 'pci-window64-size'"))


def test_window_keys_without_functions(run):
    assert_error(run(system(cell(props="pci-window-size = <0x0 0x100000>;"))),
                 E("/cells/a", "'pci-window-size', 'pci-window64-size' and 'pci-ecam-ipa' are "
                   "for a cell with 'pci-functions'"))


def test_ecam_ipa_collides_with_memory(run):
    r = run(system(cell(**pci(["00:02.0"], "pci-ecam-ipa = <0x0 0x40800000>;"))))
    assert_error(r, E("/cells/a/memory/ram", "IPA 0x40000000..0x40ffffff collides with the "
                      "emulated PCI configuration space (vECAM, IPA 0x40800000..0x408fffff)"))


def test_window_collides_with_memory(run):
    r = run(system(cell(pa=0x50000000, ipa=0x10000000, **pci(["00:02.0"]))))
    assert_error(r, E("/cells/a/memory/ram", "IPA 0x10000000..0x10ffffff overlaps its 32-bit "
                      "PCI window (IPA 0x10000000..0x10ffffff)"))


def test_ecam_ipa_misaligned(run):
    assert_error(run(system(cell(**pci(["00:02.0"], "pci-ecam-ipa = <0x0 0x3f000800>;")))),
                 E("/cells/a", "pci-ecam-ipa 0x3f000800 is not 4 KiB aligned or its 1 MiB is "
                   "beyond the board's 44-bit IPA space (cpu-pa-bits)"))


def test_pci_functions_not_strings(run):
    assert_error(run(system(cell(props="pci-functions = <0x10>;"))),
                 E("/cells/a", "'pci-functions' must be a list of strings, e.g. \"00:02.0\""))


def test_function_stream_owned_by_another_cells_device(run, test_board):
    board = test_board('dmadev@9100000 { compatible = "test,dev"; dma-coherent; '
                       'reg = <0x0 0x9100000 0x0 0x1000>; '
                       'iommus = <&{/smmuv3@9050000} 0x10>; };')
    assert_error(run(two({"props": 'devices = "/dmadev@9100000";'}, pci(["00:02.0"])),
                     board=board),
                 E("/cells/b", "PCI function 00:02.0: its stream ID 16 is already given to "
                   "cell a"))
    assert_error(run(two(pci(["00:02.0"]), {"props": 'devices = "/dmadev@9100000";'}),
                     board=board),
                 E("/cells/a", "PCI function 00:02.0: its stream ID 16 is already given to "
                   "cell b"))


def test_functions_of_one_device_in_two_cells_warns(run):
    r = run(two(pci(["00:02.0"]), pci(["00:02.1 INTB"])))
    assert_ok(r, [W("/cells/b", "PCI function 00:02.1 and 00:02.0 of cell a are functions of "
                    "one device, which may pass requests between them without the SMMU (ACS "
                    "is not checked)"),
                  W("/cells/b", "PCI function 00:02.1: the cell does not own function 0 of "
                    "its device (00:02.0), without which Linux does not look for the others")])
