// SPDX-License-Identifier: Apache-2.0
/*
 * PCI host bridge from the device tree, first-bus enumeration and BAR
 * placement (see include/bm/pci.h). Only what payloads need: no bridges,
 * no I/O space, no interrupts (INTx numbers come from the device tree's
 * interrupt-map if a payload wants them).
 */
#include <bm/bm.h>
#include <bm/pci.h>

#include <bulkhead/string.h>

#define SPACE_MASK  0x03000000U /* ranges: the space code of phys.hi */
#define SPACE_MEM32 0x02000000U
#define SPACE_MEM64 0x03000000U
#define RANGE_CELLS 7 /* phys.hi, phys.mid, phys.lo, CPU address (2), size (2) */

struct bm_pci_host bm_pci;

bool bm_pci_init(void)
{
	long node = bm_fdt_find_compatible("pci-host-ecam-generic");
	const uint8_t *reg, *bus, *ranges;
	uint32_t len, ac = bm_plat.addr_cells;

	memset(&bm_pci, 0, sizeof(bm_pci));
	if (node < 0) {
		bh_printf("pci: no \"pci-host-ecam-generic\" node in the device tree\n");
		return false;
	}
	reg = bm_fdt_getprop(node, "reg", &len);
	if (!reg || len < 4 * ac) {
		bh_printf("pci: host bridge without a usable reg\n");
		return false;
	}
	bm_pci.ecam = bm_fdt_cells(reg, ac);
	bus = bm_fdt_getprop(node, "bus-range", &len);
	bm_pci.bus_last = 0xff;
	if (bus && len == 8) {
		bm_pci.bus_first = bm_fdt_be32(bus) & 0xff;
		bm_pci.bus_last = bm_fdt_be32(bus + 4) & 0xff;
	}
	/* Ranges: child (3 cells), parent (the root's 2), size (2). */
	ranges = bm_fdt_getprop(node, "ranges", &len);
	for (uint32_t off = 0; ranges && ac == 2 && off + 4 * RANGE_CELLS <= len;
	     off += 4 * RANGE_CELLS) {
		const uint8_t *r = ranges + off;
		uint32_t space = bm_fdt_be32(r) & SPACE_MASK;
		struct bm_pci_window *w = space == SPACE_MEM32	 ? &bm_pci.mem32
					  : space == SPACE_MEM64 ? &bm_pci.mem64
								 : NULL;

		if (!w || w->size)
			continue;
		w->bus = bm_fdt_cells(r + 4, 2);
		w->cpu = bm_fdt_cells(r + 12, 2);
		w->size = bm_fdt_cells(r + 20, 2);
		w->next = w->cpu;
	}
	bh_printf("pci: ECAM 0x%lx, buses %u-%u, 32-bit window 0x%lx+0x%lx, 64-bit window "
		  "0x%lx+0x%lx\n",
		  (unsigned long)bm_pci.ecam, bm_pci.bus_first, bm_pci.bus_last,
		  (unsigned long)bm_pci.mem32.cpu, (unsigned long)bm_pci.mem32.size,
		  (unsigned long)bm_pci.mem64.cpu, (unsigned long)bm_pci.mem64.size);
	return true;
}

static uintptr_t cfg(unsigned int bdf, unsigned int off)
{
	uint64_t bus = ((bdf >> 8) - bm_pci.bus_first) & 0xff;

	return (uintptr_t)(bm_pci.ecam + (bus << 20) + ((uint64_t)(bdf & 0xff) << 12) +
			   (off & 0xfff));
}

uint32_t bm_pci_read8(unsigned int bdf, unsigned int off)
{
	uint32_t v;

	__asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(cfg(bdf, off)) : "memory");
	return v;
}

uint32_t bm_pci_read16(unsigned int bdf, unsigned int off)
{
	uint32_t v;

	__asm__ volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(cfg(bdf, off)) : "memory");
	return v;
}

uint32_t bm_pci_read32(unsigned int bdf, unsigned int off)
{
	return bm_read32(cfg(bdf, off));
}

void bm_pci_write16(unsigned int bdf, unsigned int off, uint32_t v)
{
	__asm__ volatile("strh %w0, [%1]" : : "rZ"(v), "r"(cfg(bdf, off)) : "memory");
}

void bm_pci_write32(unsigned int bdf, unsigned int off, uint32_t v)
{
	bm_write32(cfg(bdf, off), v);
}

/* Size of each BAR by the all-ones probe, decoding off meanwhile. */
static void size_bars(struct bm_pci_dev *d)
{
	uint32_t cmd = bm_pci_read16(d->bdf, PCI_COMMAND);

	bm_pci_write16(d->bdf, PCI_COMMAND, cmd & ~(uint32_t)(PCI_CMD_MEM | PCI_CMD_IO));
	for (unsigned int i = 0; i < BM_PCI_NBARS; i++) {
		unsigned int off = PCI_BAR0 + 4 * i;
		uint32_t orig = bm_pci_read32(d->bdf, off), lo;
		uint64_t mask;

		if (orig & PCI_BAR_IO)
			continue; /* no I/O space */
		bm_pci_write32(d->bdf, off, 0xffffffff);
		lo = bm_pci_read32(d->bdf, off);
		bm_pci_write32(d->bdf, off, orig);
		mask = lo & PCI_BAR_MEMADDR;
		if ((orig & PCI_BAR_TYPE) == PCI_BAR_64 && i + 1 < BM_PCI_NBARS) {
			uint32_t orig_hi = bm_pci_read32(d->bdf, off + 4);

			bm_pci_write32(d->bdf, off + 4, 0xffffffff);
			mask |= (uint64_t)bm_pci_read32(d->bdf, off + 4) << 32;
			bm_pci_write32(d->bdf, off + 4, orig_hi);
			d->bar_64[i] = true;
		} else {
			mask |= 0xffffffff00000000ULL;
		}
		if (mask & PCI_BAR_MEMADDR)
			d->bar_size[i] = ~mask + 1;
		if (d->bar_64[i])
			i++;
	}
	bm_pci_write16(d->bdf, PCI_COMMAND, cmd);
}

unsigned int bm_pci_scan(struct bm_pci_dev *devs, unsigned int max)
{
	unsigned int n = 0;

	if (!bm_pci.ecam)
		return 0;
	for (unsigned int devfn = 0; devfn < 256 && n < max; devfn++) {
		unsigned int bdf = BM_PCI_BDF(bm_pci.bus_first, devfn >> 3, devfn & 7);
		uint32_t id = bm_pci_read32(bdf, PCI_VENDOR);
		struct bm_pci_dev *d = &devs[n];

		if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
			continue;
		memset(d, 0, sizeof(*d));
		d->bdf = bdf;
		d->vendor = (uint16_t)id;
		d->device = (uint16_t)(id >> 16);
		if ((bm_pci_read8(bdf, PCI_HEADER) & 0x7f) == 0)
			size_bars(d);
		n++;
	}
	return n;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

bool bm_pci_enable(struct bm_pci_dev *d, bool master)
{
	uint32_t cmd = bm_pci_read16(d->bdf, PCI_COMMAND) & ~(uint32_t)(PCI_CMD_MEM | PCI_CMD_IO);

	bm_pci_write16(d->bdf, PCI_COMMAND, cmd);
	for (unsigned int i = 0; i < BM_PCI_NBARS; i++) {
		/* 64-bit BARs in the 64-bit window if we map it (QEMU virt's
		 * starts at 512 GiB, just beyond), else in the 32-bit one. */
		bool high = d->bar_64[i] && bm_pci.mem64.size &&
			    bm_pci.mem64.cpu + bm_pci.mem64.size <= BM_VA_LIMIT;
		struct bm_pci_window *w = high ? &bm_pci.mem64 : &bm_pci.mem32;
		unsigned int off = PCI_BAR0 + 4 * i;
		uint64_t size = d->bar_size[i], cpu, bus;

		if (!size)
			continue;
		cpu = align_up(w->next, size);
		bus = cpu - w->cpu + w->bus;
		if (!w->size || cpu + size > w->cpu + w->size || (!d->bar_64[i] && bus >> 32)) {
			bh_printf("pci: %02x:%02x.%x BAR%u (0x%lx bytes) does not fit its window\n",
				  d->bdf >> 8, (d->bdf >> 3) & 0x1f, d->bdf & 7, i,
				  (unsigned long)size);
			return false;
		}
		bm_pci_write32(d->bdf, off, (uint32_t)bus);
		if (d->bar_64[i])
			bm_pci_write32(d->bdf, off + 4, (uint32_t)(bus >> 32));
		if ((bm_pci_read32(d->bdf, off) & PCI_BAR_MEMADDR) != (uint32_t)bus) {
			bh_printf("pci: %02x:%02x.%x BAR%u refused address 0x%lx\n", d->bdf >> 8,
				  (d->bdf >> 3) & 0x1f, d->bdf & 7, i, (unsigned long)bus);
			return false;
		}
		d->bar[i] = cpu;
		w->next = cpu + size;
		if (d->bar_64[i])
			i++;
	}
	cmd |= PCI_CMD_MEM | (master ? PCI_CMD_MASTER : 0);
	bm_pci_write16(d->bdf, PCI_COMMAND, cmd);
	return (bm_pci_read16(d->bdf, PCI_COMMAND) & PCI_CMD_MEM) != 0;
}

void bm_pci_set_master(const struct bm_pci_dev *d, bool on)
{
	uint32_t cmd = bm_pci_read16(d->bdf, PCI_COMMAND) & ~(uint32_t)PCI_CMD_MASTER;

	bm_pci_write16(d->bdf, PCI_COMMAND, cmd | (on ? PCI_CMD_MASTER : 0));
}
