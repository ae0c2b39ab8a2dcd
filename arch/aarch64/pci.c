// SPDX-License-Identifier: Apache-2.0
/*
 * The PCI host bridge's configuration space (ECAM), for core/vpci.c: the
 * root bus's 1 MiB, mapped at EL2 as Device-nGnRE (arch/aarch64/mmu.c).
 * One access of the size asked for: configuration registers may act on a
 * write of a part of them (RW1C status bits), so none is widened.
 */
#include <bulkhead/arch.h>
#include <bulkhead/config_types.h>

#define ECAM_FN_SHIFT 12 /* 4 KiB per function */

/* The register's address, or 0 if it is not on the root bus. */
static uintptr_t cfg_addr(uint16_t bdf, unsigned int offset, unsigned int size)
{
	const struct bh_range *e = &bh_board.pci_ecam;

	if (!e->size || (bdf >> 8) != bh_board.pci_root_bus || offset >= 4096 || offset % size)
		return 0;
	return (uintptr_t)(e->base + ((uint64_t)(bdf & 0xff) << ECAM_FN_SHIFT) + offset);
}

uint32_t arch_pci_cfg_read(uint16_t bdf, unsigned int offset, unsigned int size)
{
	uintptr_t a = cfg_addr(bdf, offset, size);

	if (!a)
		return size == 4 ? 0xffffffffU : (1U << (8 * size)) - 1;
	switch (size) {
	case 1:
		return *(volatile uint8_t *)a;
	case 2:
		return *(volatile uint16_t *)a;
	default:
		return *(volatile uint32_t *)a;
	}
}

void arch_pci_cfg_write(uint16_t bdf, unsigned int offset, unsigned int size, uint32_t value)
{
	uintptr_t a = cfg_addr(bdf, offset, size);

	if (!a)
		return;
	switch (size) {
	case 1:
		*(volatile uint8_t *)a = (uint8_t)value;
		break;
	case 2:
		*(volatile uint16_t *)a = (uint16_t)value;
		break;
	default:
		*(volatile uint32_t *)a = value;
		break;
	}
}
