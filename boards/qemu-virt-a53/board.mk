# SPDX-License-Identifier: Apache-2.0
# QEMU 'virt' with EL2, GICv3, SMMUv3 and 4 Cortex-A53: a 40-bit physical
# address size, like ZCU102, i.MX 8M and most A53/A55 SoCs.
# hw.dts is QEMU's own device tree for exactly these options
# (regenerate with: tools/dump-board-dts.sh qemu-virt-a53 > boards/qemu-virt-a53/hw.dts).
QEMU_MACHINE := virt,virtualization=on,gic-version=3,iommu=smmuv3
QEMU_CPU     := cortex-a53
QEMU_SMP     := 4
QEMU_MEM     := 2G
QEMU_SERIALS := 2
# Other options of the machine: its SMMUv3 with stage 2 (QEMU's default is
# stage 1 only; a real SMMU-500/600/700 has both).
QEMU_OPTS    := -global arm-smmuv3.stage=nested
# Same machine, other CPUs: it runs the qemu-virt configurations.
CONFIG_BOARD := qemu-virt
