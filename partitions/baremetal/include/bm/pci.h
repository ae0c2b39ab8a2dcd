/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PCI for payloads: the host bridge of the device tree
 * ("pci-host-ecam-generic": QEMU virt's own, or the one Bulkhead gives a
 * cell, whose ECAM shows only the cell's functions and whose windows are
 * the cell's share), its first bus enumerated, memory BARs placed in the
 * bridge's memory windows as firmware would, and the QEMU "edu" device's
 * DMA engine (include/bm/edu.h).
 *
 * Configuration accesses are single loads and stores of the access's
 * width, which a hypervisor trapping the ECAM decodes from the syndrome.
 */
#pragma once

#include <bulkhead/types.h>

#define BM_PCI_MAX_DEVS 32
#define BM_PCI_NBARS	6

/* Configuration header */
#define PCI_VENDOR	0x00
#define PCI_DEVICE	0x02
#define PCI_COMMAND	0x04
#define PCI_HEADER	0x0e
#define PCI_BAR0	0x10
#define PCI_CMD_IO	BIT(0)
#define PCI_CMD_MEM	BIT(1)
#define PCI_CMD_MASTER	BIT(2)
#define PCI_BAR_IO	BIT(0)
#define PCI_BAR_64	(2U << 1)
#define PCI_BAR_TYPE	(3U << 1)
#define PCI_BAR_PREF	BIT(3)
#define PCI_BAR_MEMADDR 0xfffffff0U

/* bus << 8 | device << 3 | function: the requester ID, which is the SMMU
 * stream ID on QEMU virt (its iommu-map is the identity). */
#define BM_PCI_BDF(b, d, f) ((unsigned int)(b) << 8 | (unsigned int)(d) << 3 | (unsigned int)(f))

struct bm_pci_window {
	uint64_t cpu; /* where the CPU reaches it */
	uint64_t bus; /* the address a BAR holds for it */
	uint64_t size;
	uint64_t next; /* first free CPU address (placement is first-fit upwards) */
};

struct bm_pci_host {
	uint64_t ecam; /* configuration space of bus bus_first */
	unsigned int bus_first, bus_last;
	struct bm_pci_window mem32, mem64; /* size 0: none */
};

struct bm_pci_dev {
	unsigned int bdf;
	uint16_t vendor, device;
	uint64_t bar[BM_PCI_NBARS]; /* CPU address, once placed; 0 if not */
	uint64_t
		bar_size[BM_PCI_NBARS]; /* 0: not implemented (or the upper half of a 64-bit one) */
	bool bar_64[BM_PCI_NBARS];
};

extern struct bm_pci_host bm_pci;

/* Find the host bridge in the device tree; false (and says why) if none. */
bool bm_pci_init(void);
/* Configuration space of @bdf on the first bus (bm_pci_init first). */
uint32_t bm_pci_read8(unsigned int bdf, unsigned int off);
uint32_t bm_pci_read16(unsigned int bdf, unsigned int off);
uint32_t bm_pci_read32(unsigned int bdf, unsigned int off);
void bm_pci_write16(unsigned int bdf, unsigned int off, uint32_t v);
void bm_pci_write32(unsigned int bdf, unsigned int off, uint32_t v);
/* Every function on the first bus (vendor not 0xffff), BARs sized (with
 * decoding off while probing); returns how many, at most @max. */
unsigned int bm_pci_scan(struct bm_pci_dev *devs, unsigned int max);
/* Place @d's memory BARs in the windows (64-bit ones in the 64-bit window
 * if there is one, else the 32-bit window) and turn on memory decoding and,
 * with @master, bus mastering. False if one does not fit or the device
 * refused to take its address (then decoding stays off). */
bool bm_pci_enable(struct bm_pci_dev *d, bool master);
/* Bus mastering of @d on or off (memory decoding stays as it is). */
void bm_pci_set_master(const struct bm_pci_dev *d, bool on);
