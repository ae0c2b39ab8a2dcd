# SPDX-License-Identifier: Apache-2.0
"""tools/setup.sh --check reports everything a first `make run` would still do
to the machine, and the real run does exactly that.

Each case copies setup.sh and the Linux recipe (partitions/linux/build.sh) into
a scratch tree and runs them with stubs first in PATH: dpkg, apt-get and
apt-cache record what would change the system, `id` says whether we are root,
the build tools and QEMU are present. No case touches the real package system.
"""
import os
import re
import shutil
import stat
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

STUBS = {
    # Only what changes the system is logged.
    "dpkg": """case "$1" in
--print-foreign-architectures) cat "$STUB_STATE/foreign" 2>/dev/null ;;
--add-architecture) echo "dpkg $*" >>"$STUB_LOG"; echo "$2" >>"$STUB_STATE/foreign" ;;
esac""",
    "apt-get": 'echo "apt-get $*" >>"$STUB_LOG"',
    "apt-cache": """[ "$1" = policy ] || exit 0
if [ -e "$STUB_STATE/arm64-lists" ]; then echo "  Candidate: 6.1.0"; else echo "  Candidate: (none)"; fi""",
    "id": """case "$1" in -u) echo "$STUB_UID" ;; -un) [ "$STUB_UID" = 0 ] && echo root || echo user ;; esac""",
    "qemu-system-aarch64": 'echo "QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-1~bpo12+1)"',
    "dtc": 'echo "Version: DTC 1.6.1"',
}
PRESENT = ["aarch64-linux-gnu-gcc", "aarch64-linux-gnu-objcopy", "cpio", "make", "cc", "git",
           "clang", "clang-format", "cppcheck"]


@pytest.fixture
def machine(tmp_path):
    if not os.path.exists("/usr/include/libfdt.h"):
        pytest.skip("libfdt-dev is not installed here (setup.sh looks for its header)")
    repo = tmp_path / "repo"
    for f in ("tools/setup.sh", "partitions/linux/build.sh"):
        (repo / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(os.path.join(ROOT, f), repo / f)
    stubs = tmp_path / "bin"
    stubs.mkdir()
    for name in PRESENT:
        STUBS.setdefault(name, "exit 0")
    for name, body in STUBS.items():
        (stubs / name).write_text("#!/bin/sh\n" + body + "\n")
        (stubs / name).chmod(0o755)
    state = tmp_path / "state"
    state.mkdir()

    class Machine:
        log = tmp_path / "log"

        def __init__(self):
            self.env = {"PATH": f"{stubs}:/usr/bin:/bin", "STUB_LOG": str(self.log),
                        "STUB_STATE": str(state), "STUB_UID": "0", "HOME": str(tmp_path),
                        "LC_ALL": "C"}

        def arm64(self, foreign=True, lists=True):
            if foreign:
                (state / "foreign").write_text("arm64\n")
            if lists:
                (state / "arm64-lists").write_text("")

        def cache_linux(self):
            cache = repo / "build/partitions/linux/cache"
            cache.mkdir(parents=True)
            (cache / "SHA256SUMS").write_text("0" * 64 + "  busybox-static_1_arm64.deb\n")

        def run(self, *cmd):
            self.log.write_text("")
            r = subprocess.run(["bash", *cmd], cwd=repo, env=self.env, capture_output=True,
                               text=True)
            r.changes = [normalize(l) for l in self.log.read_text().splitlines()]
            return r

        def check(self):
            r = self.run("tools/setup.sh", "--check")
            assert r.changes == [], "--check changed the system"
            r.plan = [normalize(l) for l in re.findall(r"^    (\S.*)$", r.stdout, re.M)]
            return r

        def make_run(self):
            """What `make run` does with the system, in order: setup.sh, then the
            Linux recipe (the default configuration needs the guest)."""
            first = self.run("tools/setup.sh", "--quiet")
            assert first.returncode == 0, first.stdout + first.stderr
            second = self.run("partitions/linux/build.sh", "build/partitions/linux")
            second.changes = first.changes + second.changes
            return second

    return Machine()


def normalize(cmd):
    """apt-get's quiet flag changes nothing."""
    return re.sub(r" -q\b", "", cmd.strip())


def test_first_run_as_root_reports_and_does_arm64_and_update(machine):
    check = machine.check()
    assert "setup: all tools present" in check.stdout, check.stdout
    assert check.plan == ["dpkg --add-architecture arm64", "apt-get update"], check.stdout
    assert "download" in check.stdout and "about 60 MB" in check.stdout, check.stdout
    assert check.returncode == 1, "arm64 must still be added: not ready"
    # The real run does exactly that, nothing more (here the archive then
    # offers no kernel, so the recipe stops after its apt-get update).
    real = machine.make_run()
    assert real.changes == check.plan, (real.changes, real.stdout, real.stderr)
    assert "no candidate for linux-image-arm64:arm64" in real.stderr, real.stderr


def test_arm64_present_package_not_cached_root(machine):
    machine.arm64()
    check = machine.check()
    assert check.plan == ["apt-get update"], check.stdout
    assert check.returncode == 0, check.stdout
    real = machine.make_run()
    assert real.changes == check.plan, (real.changes, real.stderr)


def test_everything_in_place_reports_nothing_to_do(machine):
    machine.arm64()
    machine.cache_linux()
    check = machine.check()
    assert check.stdout.splitlines() == \
        ["setup: all tools present (QEMU 10.0.2, dtc 1.6.1)"], check.stdout
    assert check.plan == [] and check.returncode == 0
    real = machine.run("tools/setup.sh", "--quiet")
    assert real.returncode == 0 and real.changes == [], (real.changes, real.stderr)


def test_first_run_not_root_lists_the_same_commands_and_stops(machine):
    machine.env["STUB_UID"] = "1000"
    check = machine.check()
    assert check.plan == ["dpkg --add-architecture arm64", "apt-get update"], check.stdout
    assert "as root" in check.stdout and check.returncode == 1, check.stdout
    real = machine.make_run()
    assert real.returncode != 0 and real.changes == [], (real.changes, real.stderr)
    told = [normalize(l) for l in re.findall(r"^    (\S.*)$", real.stderr, re.M)]
    assert told == check.plan, real.stderr


def test_not_root_without_arm64_indexes_needs_an_update_first(machine):
    machine.env["STUB_UID"] = "1000"
    machine.arm64(lists=False)
    check = machine.check()
    assert check.plan == ["apt-get update"] and check.returncode == 1, check.stdout
    # Without it the recipe cannot resolve the kernel, and says so.
    real = machine.make_run()
    assert real.returncode != 0 and real.changes == [], real.stderr
    assert "run 'apt-get update' as root" in real.stderr, real.stderr
