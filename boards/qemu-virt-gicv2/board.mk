# SPDX-License-Identifier: Apache-2.0
# QEMU 'virt' with EL2, GICv2 (virtualization extensions), SMMUv3, 4 Cortex-A72 and both non-secure UARTs.
# hw.dts is QEMU's own device tree for exactly these options
# (regenerate with: tools/dump-board-dts.sh qemu-virt-gicv2 > boards/qemu-virt-gicv2/hw.dts).
QEMU_MACHINE := virt,virtualization=on,gic-version=2,iommu=smmuv3
QEMU_CPU     := cortex-a72
QEMU_SMP     := 4
QEMU_MEM     := 2G
QEMU_SERIALS := 2
# Other options of the machine: its SMMUv3 with stage 2 (QEMU's default is
# stage 1 only; a real SMMU-500/600/700 has both).
QEMU_OPTS    := -global arm-smmuv3.stage=nested
# Same machine, other interrupt controller: it runs the qemu-virt configurations.
CONFIG_BOARD := qemu-virt
