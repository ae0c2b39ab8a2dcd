#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""make bench: what Bulkhead adds on each path, in instructions.

The bench payload (partitions/baremetal/payloads/bench.c) runs natively at
EL1 on QEMU and in a cell (configs/qemu-virt/bench.dts), both under
"-icount shift=0,sleep=off": a nanosecond of virtual time is then exactly one
instruction, so every figure is an instruction count and the same from run
to run. Each side runs twice; the bench fails if the two runs differ.

Also: the Linux cell from its entry to its ready marker (the kernel's own
uptime then, 10 ms resolution, so marked approximate), bulkhead.bin's size
and the SLOC of arch/ + core/.

Writes build/bench/bench.md, bench.json and bench.png (gnuplot).
Usage: tests/bench/bench.py [--quick]   (--quick: the payload only, for make test)
"""
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "qemu"))
from qemuharness import ROOT, bulkhead_args, image_path, run_qemu  # noqa: E402

OUT = os.path.join(ROOT, "build", "bench")
ICOUNT = ["-icount", "shift=0,sleep=off", "-rtc", "clock=vm"]
NATIVE = ["-machine", "virt,gic-version=3", "-cpu", "cortex-a72", "-smp", "2", "-m", "1G",
          "-display", "none", "-nic", "none", "-monitor", "none", "-serial", "stdio"]
BENCH_RE = re.compile(r"^(?:\[bench\] )?BENCH (\S+) (\d+\.\d)$", re.M)

# Instructions Bulkhead may add (issue 12: half of Bao 2.0's cost on the same QEMU).
TARGETS = {
    "hvc_psci_version": 95,
    "mmio_gicd_typer_read": 110,
    "vtimer_expiry_to_handler": 95,
    "sgi_self_to_handler": 400,
    "mmio_uart_fr_read": 110,
    "console_line_exits": 1,
}
WHAT = {
    "reset_to_entry": "reset to the payload's first instruction",
    "hvc_psci_version": "HVC round trip (PSCI_VERSION)",
    "sysreg_actlr_read": "trapped system register read (ACTLR_EL1)",
    "mmio_gicd_typer_read": "emulated GICD register read (GICD_TYPER)",
    "mmio_gicd_priority_write": "emulated GICD register write (IPRIORITYR)",
    "mmio_uart_fr_read": "emulated UART register read (UARTFR)",
    "mmio_uart_imsc_write": "emulated UART register write (UARTIMSC)",
    "vtimer_expiry_to_handler": "virtual timer, expiry to handler",
    "sgi_self_to_handler": "SGI to self, write to handler",
    "sgi_sibling_round_trip": "SGI to a sibling vCPU and back",
    "rtc_alarm_to_handler": "passthrough SPI (PL031 alarm), expiry to handler",
    "console_line": "console: instructions per printed line",
    "console_line_exits": "console: guest exits per printed line",
    "cell_restart_to_entry": "cell restart (SYSTEM_RESET) to its first instruction",
}
QUICK = "--quick" in sys.argv


def make(*targets):
    r = subprocess.run(["make", "--no-print-directory", *targets], cwd=ROOT,
                       capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"make {' '.join(targets)} failed:\n{r.stdout}{r.stderr}")


def figures(output):
    found = dict((k, float(v)) for k, v in BENCH_RE.findall(output))
    if "BENCH-DONE" not in output or not found:
        sys.exit(f"the bench payload did not finish:\n{output[-3000:]}")
    return found


def run_payload(native):
    if native:
        args = NATIVE + ["-kernel", os.path.join(ROOT, "build/partitions/bench.bin"),
                         "-append", "bm.native"] + ICOUNT
    else:
        args = bulkhead_args(image_path("bench"), extra=ICOUNT)
    r = run_qemu(args, timeout=300)
    if r.timed_out or r.rc != 0:
        sys.exit(f"bench run failed ({'native' if native else 'cell'}):\n{r.output[-3000:]}")
    return figures(r.output)


def twice(native):
    """Both runs; they must agree to the last digit."""
    a, b = run_payload(native), run_payload(native)
    if a != b:
        diff = {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)}
        sys.exit(f"not deterministic ({'native' if native else 'cell'}): {diff}")
    return a


def linux_ready():
    """Instructions from the Linux cell's entry to its ready marker, in a cell
    and natively: the kernel's uptime at the marker (10 ms resolution)."""
    script = [(r"BULKHEAD-LINUX-READY[^\n]*\n(.|\n)*/ # ", "cat /proc/uptime\r")]
    out = {}
    for native in (True, False):
        if native:
            args = ["-machine", "virt,gic-version=3", "-cpu", "cortex-a72", "-smp", "2", "-m",
                    "512M", "-display", "none", "-nic", "none", "-monitor", "none", "-serial",
                    "stdio", "-kernel", os.path.join(ROOT, "build/partitions/linux/Image"),
                    "-initrd", os.path.join(ROOT, "build/partitions/linux/initramfs.cpio.gz"),
                    "-append", "console=ttyAMA0 quiet"] + ICOUNT
        else:
            args = bulkhead_args(image_path("test-linux-rtos"), extra=ICOUNT)
        t0 = time.monotonic()
        r = run_qemu(args, timeout=600, input_script=script,
                     stop_on=r"^(\[linux\] )?\d+\.\d+ \d+\.\d+\s*$")
        m = re.search(r"^(?:\[linux\] )?(\d+)\.(\d+) \d+\.\d+\s*$", r.output, re.M)
        if not m:
            sys.exit(f"Linux did not report its uptime:\n{r.output[-3000:]}")
        out["native" if native else "cell"] = (int(m.group(1)) * 10**9 + int(m.group(2)) * 10**7,
                                               time.monotonic() - t0)
    return out


def sloc():
    r = subprocess.run(["cloc", "--quiet", "--csv", "--include-lang=C,C/C++ Header,Assembly",
                        "arch", "core"], cwd=ROOT, capture_output=True, text=True)
    total = [l for l in r.stdout.splitlines() if l.startswith("SUM") or ",SUM," in l]
    return int(total[-1].split(",")[-1]) if total else None


def chart(rows, path):
    data = os.path.join(OUT, "bench.dat")
    with open(data, "w") as f:
        for name, row in rows.items():
            if name in TARGETS and name != "console_line_exits":
                f.write(f'"{name}" {row["added"]} {TARGETS[name]}\n')
    script = (f'set terminal pngcairo size 900,420 noenhanced; set output "{path}";'
              'set style data histograms; set style histogram clustered gap 1;'
              'set style fill solid 0.8; set boxwidth 0.9; set xtics rotate by -20;'
              'set ylabel "instructions Bulkhead adds"; set key top left;'
              f'plot "{data}" using 2:xtic(1) title "Bulkhead", "" using 3 title "target"')
    subprocess.run(["gnuplot", "-e", script], check=True)


def main():
    os.makedirs(OUT, exist_ok=True)
    make("partitions")
    make("BOARD=qemu-virt", "CONFIG=bench", "all")
    native, cell = twice(True), twice(False)
    rows = {}
    for name in cell:
        bare = native.get(name)
        added = round(cell[name] - (bare or 0), 1)
        row = {"what": WHAT.get(name, name), "bare": bare, "bulkhead": cell[name],
               "added": added,
               "ratio": round(cell[name] / bare, 2) if bare else None}
        if name in TARGETS:
            row["target"] = TARGETS[name]
            row["met"] = (cell[name] if name == "console_line_exits" else added) <= TARGETS[name]
        rows[name] = row
    result = {"unit": "instructions (QEMU -icount shift=0,sleep=off)", "paths": rows,
              "deterministic": True}
    if QUICK:
        print(json.dumps(result, indent=1))
        return
    make("linux")
    make("BOARD=qemu-virt", "CONFIG=test-linux-rtos", "all")
    lin = linux_ready()
    size = os.path.getsize(image_path("bare"))
    lines = sloc()
    result["linux_entry_to_ready"] = {
        "bare": lin["native"][0], "bulkhead": lin["cell"][0],
        "ratio": round(lin["cell"][0] / lin["native"][0], 2),
        "wall_s_bare": round(lin["native"][1], 1), "wall_s_bulkhead": round(lin["cell"][1], 1),
        "note": "kernel uptime at the ready marker (10 ms resolution); wall seconds are noisy"}
    result["bulkhead_bin_bytes"] = {"value": size, "target": 64 * 1024, "met": size <= 64 * 1024}
    result["sloc_arch_core"] = {"value": lines, "target": 8000,
                                "met": lines is not None and lines <= 8000}
    with open(os.path.join(OUT, "bench.json"), "w") as f:
        json.dump(result, f, indent=1)
    chart(rows, os.path.join(OUT, "bench.png"))
    md = ["# Bulkhead benchmarks", "",
          "Instructions under QEMU `-icount shift=0,sleep=off` (identical run to run; each side "
          "ran twice), the bench payload natively at EL1 (bare) and in a cell.", "",
          "| path | bare | Bulkhead | added | ratio | target (added) | met |",
          "|---|---:|---:|---:|---:|---:|---|"]
    for name, row in rows.items():
        md.append(f"| {row['what']} | {row['bare'] if row['bare'] is not None else '–'} | "
                  f"{row['bulkhead']} | {row['added']} | {row['ratio'] or '–'} | "
                  f"{row.get('target', '–')} | {'yes' if row.get('met') else ('no' if 'met' in row else '–')} |")
    l = result["linux_entry_to_ready"]
    md += ["", f"Linux cell, entry to ready marker (approximate, kernel uptime): bare "
           f"{l['bare']:,}, Bulkhead {l['bulkhead']:,} instructions (ratio {l['ratio']}); "
           f"wall {l['wall_s_bare']} s / {l['wall_s_bulkhead']} s (noisy).",
           f"`bulkhead.bin` (bare system): {size:,} bytes (target ≤ 65,536: "
           f"{'met' if size <= 65536 else 'not met'}).",
           f"arch/ + core/: {lines} lines of C and assembly (cloc; target ≤ 8,000: "
           f"{'met' if lines and lines <= 8000 else 'not met'}).", "",
           "![added instructions per path](bench.png)"]
    with open(os.path.join(OUT, "bench.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
