# SPDX-License-Identifier: Apache-2.0
"""make bench runs, and its figures are deterministic (tests/bench/bench.py
runs the bench payload twice natively and twice in a cell under -icount and
fails if a figure differs). The figures themselves are reported by `make
bench`, not judged here: benchmarks are not timed tests."""
import json
import subprocess

from qemuharness import ROOT


def test_bench_runs_and_is_deterministic():
    r = subprocess.run(["/usr/bin/python3", "tests/bench/bench.py", "--quick"], cwd=ROOT,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    result = json.loads(r.stdout)
    assert result["deterministic"] is True
    paths = result["paths"]
    for name in ("hvc_psci_version", "mmio_gicd_typer_read", "vtimer_expiry_to_handler",
                 "sgi_self_to_handler", "sgi_sibling_round_trip", "rtc_alarm_to_handler",
                 "console_line", "console_line_exits", "cell_restart_to_entry"):
        assert name in paths, (name, paths)
