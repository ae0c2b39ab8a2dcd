#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what building, running and testing Bulkhead needs on Debian 12.
# Called by `make run` / `make test` when a tool is missing; safe to run again.
#   tools/setup.sh          install what is missing (root), or print the commands
#   tools/setup.sh --check  only report everything `make run` / `make test` would
#                           still do to this machine, in order; exit 1 if a tool is
#                           missing or too old, or something needs root first
#   tools/setup.sh --fuzz   also what `make fuzz` needs (clang's libFuzzer runtime)
#   tools/setup.sh --bench  also what `make bench` needs (gnuplot, cloc)
# The Linux guest (partitions/linux/build.sh) comes from Debian's arm64 packages:
# until they are cached, the first build that needs them adds the arm64 foreign
# architecture (this script, called with BULKHEAD_NEED_ARM64=1), runs apt-get
# update (as root) and downloads them. --check reports that too.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LINUX_CACHE=build/partitions/linux/cache

mode=
want_fuzz=0
want_bench=0
for arg in "$@"; do
	case $arg in
	--fuzz) want_fuzz=1 ;;
	--bench) want_bench=1 ;;
	*) mode=$arg ;;
	esac
done

QEMU_MIN=10.0
DTC_MIN=1.6
BACKPORTS_FILE=/etc/apt/sources.list.d/bulkhead-backports.sources

need_pkgs=()     # from bookworm proper
need_bpo=()      # from bookworm-backports
need_arm64=0     # dpkg foreign architecture for the Linux guest packages, now
linux_fetch=0    # the Linux guest's packages are not cached: a build will fetch them
linux_arm64=0    # ... and will first need the arm64 foreign architecture

ver_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

qemu_version() {
	qemu-system-aarch64 --version 2>/dev/null | sed -n 's/.*version \([0-9][0-9.]*\).*/\1/p' | head -n1
}
dtc_version() {
	dtc --version 2>/dev/null | sed -n 's/.*Version: DTC \([0-9][0-9.]*\).*/\1/p' | head -n1
}

clang_major() {
	clang --version 2>/dev/null | sed -n 's/.*clang version \([0-9][0-9]*\).*/\1/p' | head -n1 | grep . || echo 14
}
# libFuzzer ships apart from clang on Debian: try linking a trivial fuzzer.
fuzzer_works() {
	command -v clang >/dev/null || return 1
	local t; t=$(mktemp -d)
	echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' > "$t/f.c"
	clang -fsanitize=fuzzer "$t/f.c" -o "$t/f" >/dev/null 2>&1
	local rc=$?
	rm -rf "$t"
	return $rc
}

probe() {
	need_pkgs=(); need_bpo=(); need_arm64=0
	command -v aarch64-linux-gnu-gcc >/dev/null || need_pkgs+=(gcc-aarch64-linux-gnu)
	command -v aarch64-linux-gnu-objcopy >/dev/null || need_pkgs+=(binutils-aarch64-linux-gnu)
	command -v dtc >/dev/null || need_pkgs+=(device-tree-compiler)
	[ -f /usr/include/libfdt.h ] || need_pkgs+=(libfdt-dev)
	/usr/bin/python3 -c 'import pytest' 2>/dev/null || need_pkgs+=(python3-pytest)
	command -v cpio >/dev/null || need_pkgs+=(cpio)
	command -v make >/dev/null || need_pkgs+=(make)
	command -v cc >/dev/null || need_pkgs+=(gcc libc6-dev)
	command -v git >/dev/null || need_pkgs+=(git)
	# make check: lint, static analysis and the clang build
	command -v clang >/dev/null || need_pkgs+=(clang)
	command -v clang-format >/dev/null || need_pkgs+=(clang-format)
	command -v cppcheck >/dev/null || need_pkgs+=(cppcheck)
	# make fit, and the U-Boot boot scenarios: mkimage, and U-Boot for QEMU virt
	command -v mkimage >/dev/null || need_pkgs+=(u-boot-tools)
	[ -f /usr/lib/u-boot/qemu_arm64/u-boot.bin ] || need_pkgs+=(u-boot-qemu)
	local qv; qv=$(qemu_version || true)
	if [ -z "$qv" ] || ! ver_ge "$qv" "$QEMU_MIN"; then
		need_bpo+=(qemu-system-arm)
		[ -n "$qv" ] && echo "setup: QEMU $qv is too old (need >= $QEMU_MIN for SMMUv3 stage-2 and the second UART on virt)" >&2
	fi
	local dv; dv=$(dtc_version || true)
	if [ -n "$dv" ] && ! ver_ge "$dv" "$DTC_MIN"; then
		echo "setup: dtc $dv is too old (need >= $DTC_MIN)" >&2
		need_pkgs+=(device-tree-compiler)
	fi
	if [ "$want_bench" = 1 ]; then # make bench: its chart and the line count
		command -v gnuplot >/dev/null || need_pkgs+=(gnuplot-nox)
		command -v cloc >/dev/null || need_pkgs+=(cloc)
	fi
	if [ "$want_fuzz" = 1 ] && ! fuzzer_works; then
		command -v clang >/dev/null || need_pkgs+=(clang)
		need_pkgs+=("libclang-rt-$(clang_major)-dev")
	fi
	linux_fetch=0 linux_arm64=0
	if [ "${BULKHEAD_NEED_ARM64:-0}" = 1 ] || [ ! -s "$ROOT/$LINUX_CACHE/SHA256SUMS" ]; then
		linux_fetch=1
		dpkg --print-foreign-architectures 2>/dev/null | grep -qx arm64 || linux_arm64=1
	fi
	if [ "${BULKHEAD_NEED_ARM64:-0}" = 1 ] && [ "$linux_arm64" = 1 ]; then
		need_arm64=1
	fi
}

# apt already lists an arm64 kernel (arm64 was added and its indexes fetched).
arm64_indexes() {
	apt-cache policy linux-image-arm64:arm64 2>/dev/null | grep -q '^ *Candidate: [^(]'
}

# --check: what `make run` / `make test` would do, in order, as commands (indented).
report() {
	local root=0 status=0
	[ "$(id -u)" = 0 ] && root=1
	if [ ${#need_pkgs[@]} -eq 0 ] && [ ${#need_bpo[@]} -eq 0 ]; then
		echo "setup: all tools present (QEMU $(qemu_version), dtc $(dtc_version))"
	else
		echo "setup: missing: ${need_pkgs[*]} ${need_bpo[*]}"
		echo "setup: make run / make test would first run, as root:"
		commands tools | sed 's/^/    /'
		status=1
	fi
	[ "$linux_fetch" = 1 ] || return $status
	echo "setup: the Linux guest's packages are not in $LINUX_CACHE/ yet; the first build"
	echo "setup: that needs them (make run, make test, make linux) would run$([ "$root" = 1 ] || echo ', as root'):"
	if [ "$linux_arm64" = 1 ]; then
		echo "    dpkg --add-architecture arm64"
		echo "    apt-get update"
		status=1
	elif [ "$root" = 1 ]; then
		echo "    apt-get update"
	elif ! arm64_indexes; then
		echo "    apt-get update"
		status=1
	fi
	echo "setup: then download Debian's arm64 kernel and busybox-static (about 60 MB) with"
	echo "setup: apt-get download, unprivileged (partitions/linux/build.sh)."
	return $status
}

# The commands to run as root; "tools": only those for the missing packages.
commands() {
	if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/ && [ ${#need_bpo[@]} -gt 0 ]; then
		printf "cat > %s <<'X'\nTypes: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\nX\n" "$BACKPORTS_FILE"
	fi
	[ "${1:-}" != tools ] && [ "$need_arm64" = 1 ] && echo "dpkg --add-architecture arm64"
	echo "apt-get update"
	[ ${#need_pkgs[@]} -gt 0 ] && echo "apt-get install -y --no-install-recommends ${need_pkgs[*]}"
	[ ${#need_bpo[@]} -gt 0 ] && echo "apt-get install -y --no-install-recommends -t bookworm-backports ${need_bpo[*]}"
	return 0
}

probe
if [ "$mode" = --check ]; then
	report
	exit $?
fi
if [ ${#need_pkgs[@]} -eq 0 ] && [ ${#need_bpo[@]} -eq 0 ] && [ "$need_arm64" = 0 ]; then
	[ "$mode" = --quiet ] || echo "setup: all tools present (QEMU $(qemu_version), dtc $(dtc_version))"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "setup: missing packages and not root. Run these as root, then try again:" >&2
	commands | sed 's/^/    /' >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if [ "$need_arm64" = 1 ]; then
	# For the Linux guest's packages; the build fetches their indexes next
	# (partitions/linux/build.sh runs apt-get update), so none here for them.
	echo "setup: adding the arm64 architecture for the Linux guest's packages"
	dpkg --add-architecture arm64
fi
if [ ${#need_pkgs[@]} -gt 0 ] || [ ${#need_bpo[@]} -gt 0 ]; then
	echo "setup: installing: ${need_pkgs[*]} ${need_bpo[*]}"
	if [ ${#need_bpo[@]} -gt 0 ] && ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		cat > "$BACKPORTS_FILE" <<'X'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
X
	fi
	apt-get update -q
	[ ${#need_pkgs[@]} -gt 0 ] && apt-get install -y -q --no-install-recommends "${need_pkgs[@]}"
	[ ${#need_bpo[@]} -gt 0 ] && apt-get install -y -q --no-install-recommends -t bookworm-backports "${need_bpo[@]}"
fi

probe
if [ ${#need_pkgs[@]} -gt 0 ] || [ ${#need_bpo[@]} -gt 0 ] || [ "$need_arm64" = 1 ]; then
	echo "setup: still missing or too old after install: ${need_pkgs[*]} ${need_bpo[*]}$([ "$need_arm64" = 1 ] && echo ' (arm64 architecture)')" >&2
	exit 1
fi
echo "setup: done (QEMU $(qemu_version), dtc $(dtc_version))"
