# SPDX-License-Identifier: Apache-2.0
"""The rtos payload (partitions/rtos) natively on QEMU virt, GICv3 and GICv2.

One 6-second run per GIC version, reporting every 2 s in full (rtos.verbose),
is checked line by line: the per-window statistics, the whole-run summary, the
heartbeat and the payload's functional verdicts. Other boots check the default
one-line reports, the console commands and the bootargs.

Natively the guest's counter is host time: when the host keeps QEMU off the
CPU, timer interrupts arrive late and releases are missed, whatever the guest
does. So what these tests assert holds whatever the timing (the arithmetic of
the reports, every task running, no stall, no corrupted context); whether
every deadline was met (the payload's "deadlines" test) is printed here and
judged by tests/bench/mixed_criticality.py.
"""
import math
import re
import subprocess
from pathlib import Path

import pytest

from qemuharness import run_qemu

REPO = Path(__file__).resolve().parents[2]
SECONDS = 6
REPORT = 2
TIMEOUT = 60  # hard limit per boot; a run needs SECONDS plus about a second
BASE_US = 50000  # the payload's default base period (rtos.period_us)
# name -> (priority, period in base periods, first release in base periods)
TASKS = {"fast": (3, 1, 0), "mid": (2, 5, 0.5), "slow": (1, 20, 0.25)}
FUNCTIONAL = ("task_fast", "task_mid", "task_slow", "monitor")

NUM = r"(\d+)"
STATS_RE = re.compile(
    rf"^RTOS-STATS: t={NUM} task=(\w+) prio={NUM} period_us={NUM} releases={NUM} "
    rf"missed={NUM} jitter_ns min={NUM} avg={NUM} max={NUM}$", re.M)
SUMMARY_RE = re.compile(
    rf"^RTOS-SUMMARY: t={NUM} task=(\w+) prio={NUM} period_us={NUM} releases={NUM} "
    rf"missed={NUM} jobs={NUM} preempted={NUM} jitter_ns min={NUM} avg={NUM} max={NUM} "
    rf"response_max_ns={NUM} stack_used={NUM}$", re.M)
HEARTBEAT_RE = re.compile(r"^RTOS-HEARTBEAT: (\d+) (.*)$", re.M)
BRIEF_RE = re.compile(
    rf"^rtos: t={NUM} (ok|STALLED): {NUM} releases, {NUM} missed; worst jitter fast {NUM} us, "
    rf"mid {NUM} us, slow {NUM} us; cpu busy {NUM}%$", re.M)
TEST_RE = re.compile(r"^\[ +(OK|FAIL|SKIP) +\] (\w+)", re.M)
RESULT_RE = re.compile(r"^BM-RESULT: (\d+) passed, (\d+) failed$", re.M)


def machine(gic):
    return ["-machine", f"virt,gic-version={gic}", "-cpu", "cortex-a72", "-smp", "4",
            "-m", "1G", "-display", "none", "-nic", "none", "-monitor", "none",
            "-serial", "stdio"]


@pytest.fixture(scope="module")
def part_dir():
    res = subprocess.run(["make", "--no-print-directory", "partitions"], cwd=REPO,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert res.returncode == 0, f"make partitions failed:\n{res.stdout}"
    return REPO / "build" / "partitions"


def boot(part_dir, gic, append, payload="rtos", **harness_args):
    args = machine(gic) + ["-kernel", str(part_dir / f"{payload}.elf"), "-append", append]
    return run_qemu(args, TIMEOUT, **harness_args)


@pytest.fixture(scope="module", params=[3, 2], ids=["gicv3", "gicv2"])
def run(request, part_dir):
    r = boot(part_dir, request.param,
             f"bm.native rtos.seconds={SECONDS} rtos.report={REPORT} rtos.verbose")
    r.gic = request.param
    # The timing, for the record: reported, not judged (see the docstring).
    print(f"\nGICv{r.gic}: {r.elapsed:.1f} s")
    for line in r.output.splitlines():
        if line.startswith(("RTOS-SUMMARY", "rtos: timer", "[ FAIL ] deadlines")):
            print(f"GICv{r.gic}: {line}")
    return r


def stats(r):
    """{(t, task): dict} from the RTOS-STATS lines."""
    out = {}
    for m in STATS_RE.finditer(r.output):
        t, name = int(m.group(1)), m.group(2)
        assert (t, name) not in out, f"two windows t={t} for {name}:\n{r.output}"
        out[(t, name)] = dict(zip(("prio", "period_us", "releases", "missed", "min", "avg",
                                   "max"), map(int, m.groups()[2:])))
    return out


def summaries(r):
    out = {}
    for m in SUMMARY_RE.finditer(r.output):
        assert m.group(2) not in out, r.output
        out[m.group(2)] = dict(zip(("t", "prio", "period_us", "releases", "missed", "jobs",
                                    "preempted", "min", "avg", "max", "response_max",
                                    "stack_used"),
                                   map(int, (m.group(1),) + m.groups()[2:])))
    return out


def verdicts(r):
    """{test name: "OK" | "FAIL"} from the payload's test lines."""
    return {name: v for v, name in TEST_RE.findall(r.output) if v != "SKIP"}


def min_releases(name, seconds):
    """Release instants from the first release up to a report instant: a
    window never closes before its report instant, so at least these."""
    _, mult, offset = TASKS[name]
    return math.floor((seconds - offset * BASE_US / 1e6) / (mult * BASE_US / 1e6)) + 1


def test_boots_and_reports(run):
    assert run.rc is not None, f"timed out after {TIMEOUT}s:\n{run.output}"
    assert run.rc == 0, f"QEMU exit status {run.rc}:\n{run.output}"
    lines = run.output.splitlines()
    assert "BM-BOOT: rtos vcpu=0 el=1" in lines, run.output
    assert any(l.startswith(f"rtos: GICv{run.gic} ") for l in lines), run.output
    found = RESULT_RE.findall(run.output)
    assert len(found) == 1, run.output
    assert int(found[0][0]) + int(found[0][1]) == 5, run.output
    # Every functional test passed; "deadlines" is the timing verdict.
    v = verdicts(run)
    assert sorted(v) == sorted(FUNCTIONAL + ("deadlines",)), run.output
    assert all(v[t] == "OK" for t in FUNCTIONAL), run.output
    assert all(h == "ok" for _, h in HEARTBEAT_RE.findall(run.output)), run.output
    # The counter follows host time natively: the run cannot be shorter.
    assert run.elapsed >= SECONDS, run.elapsed
    windows = stats(run)
    want_t = list(range(REPORT, SECONDS + 1, REPORT))
    assert sorted(windows) == sorted((t, n) for t in want_t for n in TASKS), run.output
    assert sorted(summaries(run)) == sorted(TASKS), run.output
    assert [n for n, _ in HEARTBEAT_RE.findall(run.output)] == \
        [str(n) for n in range(1, len(want_t) + 1)], run.output


def test_report_arithmetic(run):
    """What holds whatever the host did."""
    windows, sums = stats(run), summaries(run)
    for name, (prio, mult, _) in TASKS.items():
        period = BASE_US * mult
        s = sums[name]
        assert (s["t"], s["prio"], s["period_us"]) == (SECONDS, prio, period), s
        own = [w for (_, n), w in windows.items() if n == name]
        for w in own:
            assert (w["prio"], w["period_us"]) == (prio, period), w
            assert 0 < w["min"] <= w["avg"] <= w["max"], (name, w)
        # The windows split the run exactly, and the totals are their sums.
        assert sum(w["releases"] for w in own) == s["releases"], (name, own, s)
        assert sum(w["missed"] for w in own) == s["missed"], (name, own, s)
        assert min(w["min"] for w in own) == s["min"], (name, own, s)
        assert max(w["max"] for w in own) == s["max"], (name, own, s)
        # The monitor runs only when no job is pending: every released job
        # (a release that was not missed) has finished.
        assert s["jobs"] + s["missed"] == s["releases"] > 0, (name, s)
        assert s["min"] <= s["avg"] <= s["max"] <= s["response_max"], (name, s)
        assert 0 < s["stack_used"] < 0x4000, (name, s)
        # Releases follow the grid: never fewer than its instants up to the
        # end, and far from twice as many (double counting, wrong units)
        # whatever the host's delays.
        assert min_releases(name, SECONDS) <= s["releases"] <= \
            1.5 * min_releases(name, SECONDS), (name, s)
    assert sums["fast"]["preempted"] == 0, sums["fast"]
    # slow's job outlasts fast's period: every job is preempted at least once.
    assert sums["slow"]["preempted"] >= sums["slow"]["jobs"] > 0, sums["slow"]


def test_deadline_verdict_matches_the_misses(run):
    """Whatever the timing was, the verdict says it: "deadlines" fails
    exactly when some release was missed."""
    missed = sum(s["missed"] for s in summaries(run).values())
    assert verdicts(run)["deadlines"] == ("FAIL" if missed else "OK"), run.output
    found = RESULT_RE.findall(run.output)
    assert found == [("4", "1") if missed else ("5", "0")], run.output


def test_runs_until_powered_off_without_a_length(part_dir):
    """No rtos.seconds: it keeps reporting and never gives a result."""
    r = boot(part_dir, 3, "bm.native rtos.report=1 rtos.verbose",
             stop_on=r"^RTOS-HEARTBEAT: 3 \w+\r?\n")
    assert not r.timed_out, r.output
    assert "rtos: report every 1 s (verbose), running until powered off" in r.output, r.output
    assert HEARTBEAT_RE.findall(r.output) == [("1", "ok"), ("2", "ok"), ("3", "ok")], r.output
    assert [t for t, n in stats(r) if n == "fast"] == [1, 2, 3], r.output
    assert not RESULT_RE.search(r.output), r.output
    assert "RTOS-SUMMARY" not in r.output, r.output


def test_missed_releases_fail_the_run(part_dir):
    """A 100 us base period is below what QEMU's timer interrupts can keep
    up with: releases are missed, and the payload must say so and fail."""
    r = boot(part_dir, 3, "bm.native rtos.seconds=2 rtos.report=1 rtos.period_us=100")
    assert r.rc == 0, r.output
    sums = summaries(r)
    assert sums["fast"]["missed"] > 0, r.output
    assert sums["fast"]["jobs"] + sums["fast"]["missed"] == sums["fast"]["releases"], sums
    assert verdicts(r)["deadlines"] == "FAIL", r.output
    found = RESULT_RE.findall(r.output)
    assert len(found) == 1 and int(found[0][1]) >= 1, r.output


def test_bad_bootargs_fall_back(part_dir):
    r = boot(part_dir, 3, "bm.native rtos.seconds=2 rtos.report=0 rtos.period_us=12x rtos.verbose")
    assert r.rc == 0, r.output
    assert "rtos: ignoring bad rtos.report, using 10 s" in r.output, r.output
    assert "rtos: ignoring bad rtos.period_us, using 50000 us" in r.output, r.output
    # The run ends at the first report at or after 2 s: the default 10 s one.
    assert [(t, n) for t, n in stats(r) if n == "fast"] == [(10, "fast")], r.output
    assert len(RESULT_RE.findall(r.output)) == 1, r.output


def test_one_line_per_report_by_default(part_dir):
    """Without rtos.verbose: one line per report, the same facts in brief."""
    r = boot(part_dir, 3, "bm.native rtos.report=1", stop_on=r"^rtos: t=3 .*\r?\n")
    assert not r.timed_out, r.output
    assert "rtos: report every 1 s (one line), running until powered off" in r.output, r.output
    brief = BRIEF_RE.findall(r.output)
    assert [int(b[0]) for b in brief] == [1, 2, 3], r.output
    for t, state, releases, missed, *jitter, busy in brief:
        assert state == "ok", r.output
        # fast, mid and slow over one second: 20 + 4 + 1, give or take the edges
        assert 20 <= int(releases) <= 40 and int(missed) <= int(releases), r.output
        assert all(int(j) > 0 for j in jitter) and 0 < int(busy) <= 100, r.output
    assert "RTOS-STATS" not in r.output and "RTOS-HEARTBEAT" not in r.output, r.output
    # Lines after the boot banner: one per report (and the last one's end).
    after = r.output[r.output.index("running until powered off"):].splitlines()[1:]
    assert len(after) == 3, after


@pytest.mark.parametrize("gic", [3, 2])
def test_console_commands(part_dir, gic):
    """Typed on its UART (receive interrupt, from the device tree): help,
    status, stats, verbose on|off; line editing; anything else gets a hint."""
    script = [
        (r"^rtos: commands on this console \(UART interrupt 33\): type help", "help\r"),
        (r"^rtos: commands: ", "  status \r"),
        (r"^rtos: up ", "stax\x7fts\r"),
        (r"^RTOS-TOTAL: .* task=slow jitter_ns", "verbose on\r"),
        (r"^rtos: verbose on: [\s\S]*^RTOS-STATS: .* task=slow ", "xyzzy 1\x1b[A\r"),
        (r"^rtos: unknown command", "verbose\r"),
        (r"^rtos: verbose on: [\s\S]*^rtos: verbose on: ", "whatever\x15verbose off\r"),
    ]
    r = boot(part_dir, gic, "bm.native rtos.seconds=8 rtos.report=1", input_script=script)
    assert r.rc == 0 and not r.timed_out, r.output
    out = r.output
    assert re.search(r"^rtos: commands: status \(one line\), stats \(full statistics since "
                     r"boot\), verbose on\|off \(full statistics at every report; now off\), "
                     r"help$", out, re.M), out
    up = re.search(r"^rtos: up (\d+) s; tasks fast/mid/slow every 50/250/1000 ms; (\d+) "
                   r"releases, (\d+) missed; (\d+) reports \(every 1 s, one line\), last ok; "
                   r"cpu busy (\d+)%$", out, re.M)
    assert up and int(up.group(2)) > 0, out
    # Backspace took the x back: the command ran.
    totals = re.findall(r"^RTOS-TOTAL: t=\d+ task=(\w+) prio=\d+ period_us=\d+ releases=(\d+) "
                        r"missed=(\d+) jobs=(\d+) preempted=\d+$", out, re.M)
    assert [t[0] for t in totals] == ["fast", "mid", "slow"], out
    assert all(int(rel) > 0 and int(jobs) + int(miss) >= int(rel) - 1
               for _, rel, miss, jobs in totals), out
    assert len(re.findall(r"^RTOS-TOTAL: t=\d+ task=\w+ jitter_ns min=\d+ avg=\d+ max=\d+ "
                          r"response_max_ns=\d+ stack_used=\d+$", out, re.M)) == 3, out
    assert re.search(r"^rtos: t=\d+ \d+ reports, stalled windows 0/0/0, checksum errors 0, "
                     r"unexpected interrupts 0, \d+ characters typed", out, re.M), out
    # The arrow key's sequence is not part of the command.
    assert "rtos: unknown command 'xyzzy 1'; commands: help, status, stats, verbose on|off" \
        in out.splitlines(), out
    # verbose on: full statistics at the next reports; off (after Ctrl-U wiped
    # a line): one line again.
    on = out.index("rtos: verbose on: full statistics every 1 s")
    off = out.index("rtos: verbose off: one line every 1 s")
    assert STATS_RE.search(out, on) and STATS_RE.search(out, on).start() < off, out
    assert not STATS_RE.search(out, off) and BRIEF_RE.search(out, off), out
    assert "unknown command 'whatever" not in out, out
    # Typing never disturbed the tasks' functions (nor raised a stray interrupt).
    assert all(verdicts(r)[t] == "OK" for t in FUNCTIONAL), out


def test_irq_payload_on_gicv2(part_dir):
    """The runtime's GICv2 path (found in the DTB) under the irq payload."""
    r = boot(part_dir, 2, "bm.native", payload="irq")
    assert r.rc == 0, r.output
    found = RESULT_RE.findall(r.output)
    assert len(found) == 1 and int(found[0][0]) >= 5 and found[0][1] == "0", r.output
    assert "[  OK  ] sgi_to_vcpu1" in r.output, r.output
