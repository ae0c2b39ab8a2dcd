#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Boots tools/el2probe/el2probe.S on a QEMU machine (docs/porting.md, "Is the
# QEMU model good enough?").
#   tools/el2probe/run.sh <uart: pl011|imx> <uart base> <qemu options...>
#   tools/el2probe/run.sh pl011 0x09000000 -machine virt,virtualization=on,gic-version=3 -cpu cortex-a53
#   tools/el2probe/run.sh imx 0x30860000 -machine imx8mp-evk -smp 4 -m 2G
set -euo pipefail
kind=$1 base=$2
shift 2
cc=${CROSS_COMPILE:-aarch64-linux-gnu-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
defs=(-DUART_BASE="$base")
[ "$kind" = imx ] && defs+=(-DUART_IMX)
"${cc}gcc" "${defs[@]}" -c "$(dirname "$0")/el2probe.S" -o "$tmp/p.o"
"${cc}ld" -e 0 -Ttext=0 "$tmp/p.o" -o "$tmp/p.elf"
"${cc}objcopy" -O binary "$tmp/p.elf" "$tmp/p.bin"
timeout 10 qemu-system-aarch64 -display none -monitor none -nic none -serial stdio "$@" \
	-kernel "$tmp/p.bin"
