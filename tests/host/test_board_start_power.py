# SPDX-License-Identifier: Apache-2.0
"""bhcfg's board keys for how CPUs start and how the machine powers off:
each cpu node's enable-method ("psci", or "spin-table" with its
cpu-release-addr), PSCI or the system-power-controller, and devices behind
bus 'ranges'. The base is the real Raspberry Pi 4 board (no PSCI, spin
table, BCM2711 PM watchdog, peripherals on a translated bus); each test
changes what it needs with a dts overlay."""
import re
import subprocess

from bhcfg_support import REPO, decode, dtc

RPI4 = REPO / "boards" / "rpi4"
BARE = '/dts-v1/;\n/ {\n\tcompatible = "bulkhead,system";\n\tboard = "rpi4";\n%s\n};\n'
CELL = """
	cells {
		a {
			cpus = <1>;
			%s
			memory { ram { reg = <0x0 0x50000000 0x0 0x1000000>; ipa = <0x0 0x40000000>; }; };
			kernel { file = "k.bin"; load = <0x0 0x40200000>; };
			console { type = "emulated"; ipa = <0x0 0x09000000>; interrupt = <33>; };
		};
	};"""


def compile_rpi4(bhcfg, tmp_path, board_extra="", cells=""):
    """bhcfg on boards/rpi4 (plus @board_extra) and a system for it."""
    (tmp_path / "k.bin").write_bytes(b"\0" * 4096)
    src = tmp_path / "board.dts"
    src.write_text(f'/include/ "{RPI4 / "board.dts"}"\n{board_extra}\n')
    board = dtc(src, tmp_path / "board.dtb", include=RPI4)
    sys_src = tmp_path / "sys.dts"
    sys_src.write_text(BARE % cells)
    cfg = dtc(sys_src, tmp_path / "sys.dtb")
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    proc = subprocess.run([str(bhcfg), "--board", str(board), "--board-src", "board.dts",
                           "--config", str(cfg), "--config-src", "sys.dts",
                           "--root", str(tmp_path), "--out", str(out)],
                          capture_output=True, text=True, cwd=tmp_path)
    generated = (out / "config.c").read_text() if (out / "config.c").exists() else ""
    return proc, generated, out


def assert_refused(proc, line):
    assert proc.returncode == 1, proc.stderr
    assert line in proc.stderr.splitlines(), proc.stderr


def test_rpi4_board_as_compiled(bhcfg, tmp_path):
    proc, c, _ = compile_rpi4(bhcfg, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert ".cpu_start = {BH_CPU_START_SPIN_TABLE, BH_CPU_START_SPIN_TABLE, " \
           "BH_CPU_START_SPIN_TABLE, BH_CPU_START_SPIN_TABLE}," in c
    assert ".cpu_release_addr = {0xd8, 0xe0, 0xe8, 0xf0}," in c
    assert ".power_kind = BH_POWER_BCM2835_PM," in c
    # Bus addresses (0x7e100000, 0x7e201000, 0x40041000) seen from the CPUs.
    assert ".power = {0xfe100000, 0x114}," in c
    assert ".console = {0xfe201000, 0x200}," in c
    assert ".console_irq = 153," in c
    assert re.search(r"\.dist = \{0xff841000, 0x1000\},\s+\.redist = \{0x0, 0x0\},\s+"
                     r"\.cpu = \{0xff842000, 0x2000\},\s+\.hyp = \{0xff844000, 0x2000\},\s+"
                     r"\.vcpu = \{0xff846000, 0x2000\},", c), c
    # Its PMU interrupts are one SPI per CPU: none for cells.
    assert ".pmu_ppi = 0," in c
    assert ".ram = {\n\t\t{0x0, 0x3b400000},\n\t\t{0x40000000, 0x40000000},\n\t}," in c


def test_cells_get_psci_and_no_pmu_on_a_spin_table_board(bhcfg, tmp_path):
    proc, _, out = compile_rpi4(bhcfg, tmp_path, cells=CELL % "")
    assert proc.returncode == 0, proc.stderr
    tree = decode(out / "cell-a.dtb")
    assert tree["nodes"]["cpus"]["nodes"]["cpu@0"]["props"]["enable-method"] == ["psci"]
    assert tree["nodes"]["psci"]["props"]["method"] == ["hvc"]
    assert not [n for n in tree["nodes"] if n.startswith("pmu")], sorted(tree["nodes"])


def test_qemu_virt_starts_cpus_and_powers_off_by_psci(bhcfg, tmp_path):
    board = dtc(REPO / "boards" / "qemu-virt" / "board.dts", tmp_path / "b.dtb",
                include=REPO / "boards" / "qemu-virt")
    sys_src = tmp_path / "sys.dts"
    sys_src.write_text(BARE.replace("rpi4", "qemu-virt") % "")
    cfg = dtc(sys_src, tmp_path / "sys.dtb")
    (tmp_path / "out").mkdir()
    proc = subprocess.run([str(bhcfg), "--board", str(board), "--config", str(cfg),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    c = (tmp_path / "out" / "config.c").read_text()
    assert ".cpu_start = {BH_CPU_START_PSCI, BH_CPU_START_PSCI, BH_CPU_START_PSCI, " \
           "BH_CPU_START_PSCI}," in c
    assert ".power_kind = BH_POWER_PSCI," in c and ".power = {0x0, 0x0}," in c


def test_spin_table_cpu_needs_its_release_address(bhcfg, tmp_path):
    proc, _, _ = compile_rpi4(bhcfg, tmp_path,
                              "&{/cpus/cpu@1} { /delete-property/ cpu-release-addr; };")
    assert_refused(proc, "board.dts: /cpus/cpu@1: a spin-table CPU needs its "
                         "'cpu-release-addr'")


def test_release_address_must_be_below_the_image_in_hypervisor_memory(bhcfg, tmp_path):
    proc, _, _ = compile_rpi4(bhcfg, tmp_path,
                              "&{/cpus/cpu@2} { cpu-release-addr = <0x0 0x200000>; };\n"
                              "&{/cpus/cpu@3} { cpu-release-addr = <0x0 0xdc>; };")
    for cpu, addr in (("cpu@2", "0x200000"), ("cpu@3", "0xdc")):
        assert_refused(proc, f"board.dts: /cpus/{cpu}: cpu-release-addr {addr} must be 8-byte "
                             "aligned and in the first 2 MiB of hypervisor-memory "
                             "(0..0x1fffff), below Bulkhead's image: no cell may write where "
                             "a waiting CPU jumps to")


def test_unknown_enable_method(bhcfg, tmp_path):
    proc, _, _ = compile_rpi4(bhcfg, tmp_path,
                              '&{/cpus/cpu@3} { enable-method = "brcm,bcm2836-smp"; };')
    assert_refused(proc, "board.dts: /cpus/cpu@3: 'enable-method' must be \"psci\" or "
                         "\"spin-table\" (how Bulkhead starts the CPU)")


def test_psci_cpus_need_a_psci_node(bhcfg, tmp_path):
    proc, _, _ = compile_rpi4(bhcfg, tmp_path, '&{/cpus/cpu@1} { enable-method = "psci"; };')
    assert_refused(proc, "board.dts: /: no PSCI node (compatible \"arm,psci-0.2\"), but CPUs "
                         "have enable-method \"psci\": they cannot be started")


def test_psci_firmware_powers_off_and_spin_table_cpus_still_spin(bhcfg, tmp_path):
    # Mixed: CPU 1 by PSCI, the others from the spin table; PSCI powers off.
    proc, c, _ = compile_rpi4(bhcfg, tmp_path,
                              '/ { psci { compatible = "arm,psci-1.0", "arm,psci-0.2"; '
                              'method = "smc"; }; };\n'
                              '&{/cpus/cpu@1} { enable-method = "psci"; };')
    assert proc.returncode == 0, proc.stderr
    assert ".cpu_start = {BH_CPU_START_SPIN_TABLE, BH_CPU_START_PSCI, " \
           "BH_CPU_START_SPIN_TABLE, BH_CPU_START_SPIN_TABLE}," in c
    assert ".power_kind = BH_POWER_PSCI," in c


def test_no_way_to_power_off(bhcfg, tmp_path):
    proc, _, _ = compile_rpi4(bhcfg, tmp_path,
                              "&{/soc/watchdog@7e100000} "
                              "{ /delete-property/ system-power-controller; };")
    assert_refused(proc, "board.dts: /: no PSCI node and no 'system-power-controller': "
                         "Bulkhead cannot power the machine off")


def test_power_controller_without_a_driver(bhcfg, tmp_path):
    proc, _, _ = compile_rpi4(bhcfg, tmp_path,
                              "&{/soc/watchdog@7e100000} "
                              "{ /delete-property/ system-power-controller; };\n"
                              "&{/soc/gpio@7e200000} { system-power-controller; };")
    assert_refused(proc, "board.dts: /soc/gpio@7e200000: the system-power-controller is not "
                         "one Bulkhead drives (brcm,bcm2835-pm-wdt), and there is no PSCI")


def test_power_controller_is_the_hypervisors(bhcfg, tmp_path):
    proc, _, _ = compile_rpi4(bhcfg, tmp_path,
                              cells=CELL % 'devices = "/soc/watchdog@7e100000";')
    assert_refused(proc, "sys.dts: /cells/a: device '/soc/watchdog@7e100000' "
                         "(/soc/watchdog@7e100000) is owned by the hypervisor (its power "
                         "controller)")


def test_passthrough_device_behind_a_bus_gets_its_cpu_address(bhcfg, tmp_path):
    proc, _, out = compile_rpi4(bhcfg, tmp_path, cells=CELL % 'devices = "gpio";')
    assert proc.returncode == 0, proc.stderr
    c = (out / "config.c").read_text()
    assert "{.pa = 0xfe200000, .ipa = 0xfe200000, .size = 0x1000}," in c, c
