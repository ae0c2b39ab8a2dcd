#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Lays out what goes on a Raspberry Pi 4's SD card boot partition (FAT) for
# a Bulkhead image, besides the Pi's own firmware files (boards/rpi4/README.md).
# NOT TESTED ON HARDWARE: written from the firmware's documented config.txt
# keys and checked in QEMU's model only.
#   boards/rpi4/sd-image.sh <bulkhead.bin> <output directory>
set -euo pipefail
bin=$1 out=$2
mkdir -p "$out"
cp "$bin" "$out/bulkhead.bin"
cat > "$out/config.txt" <<'TXT'
# Bulkhead on the Raspberry Pi 4 (boards/rpi4/README.md). Not tested on hardware.
[pi4]
# Start the Cortex-A72s in AArch64; the firmware's stub drops them to EL2
# and parks the secondaries on the spin table at 0xd8..0xf0.
arm_64bit=1
# The image is linked to run at 0x200000 (hypervisor-memory 0x0 + 2 MiB).
kernel=bulkhead.bin
kernel_address=0x200000
# Bulkhead's console is the PL011 (uart0) on GPIO 14/15 (header pins 8/10),
# 115200 8N1 as the firmware sets it up; by default the PL011 drives Bluetooth.
enable_uart=1
dtoverlay=disable-bt
# boards/rpi4/board.dts takes the RAM below 1 GiB to end at 0x3b400000,
# as with the VideoCore's default share.
gpu_mem=76
TXT
