# SPDX-License-Identifier: Apache-2.0
# Xilinx ZCU102 (ZynqMP) on QEMU's model of it: 4 Cortex-A53 (the APU; -smp 4
# keeps the Cortex-R5Fs out), GIC-400 with virtualization extensions, the two
# Cadence UARTs, 4 GiB DDR (2 GiB at 0, 2 GiB at 0x800000000) as on the board.
# secure=off: no EL3, so QEMU starts the image at EL2 and answers PSCI calls
# (SMC) itself, as TF-A's BL31 does on the board. hw.dts is Linux's tree for
# the real board, not QEMU's (the model has no tree of its own): README.md
# lists what the model lacks.
# (regenerate hw.dts with: tools/dump-board-dts.sh zcu102 > boards/zcu102/hw.dts)
HW_DTB       := xilinx/zynqmp-zcu102-rev1.0.dtb
# audiodev: the model's DisplayPort wants an audio backend; give it none.
QEMU_MACHINE := xlnx-zcu102,virtualization=on,secure=off,audiodev=snd0
QEMU_CPU     := cortex-a53
QEMU_SMP     := 4
QEMU_MEM     := 4G
QEMU_SERIALS := 2
QEMU_OPTS    := -audiodev none,id=snd0
# Hand QEMU the board's tree (build/<board>/<config>/board.dtb) as -dtb, as
# U-Boot would: without one QEMU takes the Image for a 32-bit ATAGS kernel and
# refuses 4 GiB. Bulkhead reads none.
QEMU_DTB     := board
