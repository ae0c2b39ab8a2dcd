/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Layout of the tables tools/bhcfg generates from the board and system
 * configuration. Shared by the hypervisor and the host tool, so it holds
 * only fixed-size plain data.
 */
#pragma once

#include <stdint.h>

#define BH_MAX_CPUS	  16
#define BH_MAX_RAM_RANGES 8

/* The UART Bulkhead prints to: which driver (arch/aarch64/uart_*.c). */
enum bh_uart_kind {
	BH_UART_PL011 = 0,   /* arm,pl011 */
	BH_UART_CADENCE = 1, /* cdns,uart-r1p12 / xlnx,xuartps (ZynqMP) */
};

enum bh_psci_conduit {
	BH_PSCI_SMC = 0,
	BH_PSCI_HVC = 1,
};

struct bh_range {
	uint64_t base;
	uint64_t size;
};

struct bh_board_gic {
	uint32_t version;	/* 2 or 3 */
	uint32_t maint_ppi;	/* maintenance interrupt (PPI number, 16..31) */
	struct bh_range dist;	/* GICD */
	struct bh_range redist; /* GICv3: GICR frames of all CPUs */
	struct bh_range cpu;	/* GICv2: GICC */
	struct bh_range hyp;	/* GICv2: GICH */
	struct bh_range vcpu;	/* GICv2: GICV */
};

struct bh_board {
	const char *name;
	uint32_t ncpus;
	uint32_t psci_conduit; /* enum bh_psci_conduit */
	uint64_t cpu_mpidr[BH_MAX_CPUS];
	uint32_t nram;
	struct bh_range ram[BH_MAX_RAM_RANGES];
	struct bh_range hyp_mem; /* Bulkhead's image, bundle and heap */
	struct bh_range console; /* the UART Bulkhead prints to */
	uint32_t console_kind;	 /* enum bh_uart_kind */
	uint32_t console_irq;	 /* SPI number (GIC INTID - 32) */
	struct bh_board_gic gic;
	struct bh_range smmu;	  /* SMMUv3 registers; size 0 if none */
	uint32_t smmu_sid_bits;	  /* its stream ID size (the board states it) */
	uint32_t smmu_irq_event;  /* its event queue interrupt (SPI INTID) */
	uint32_t smmu_irq_gerror; /* its global error interrupt (SPI INTID) */
	uint32_t timer_ppi_hyp;	  /* EL2 physical timer PPI (INTID) */
	uint32_t timer_ppi_virt;  /* EL1 virtual timer PPI (INTID) */
	uint32_t timer_ppi_phys;  /* EL1 physical timer PPI (INTID) */
	uint32_t pmu_ppi;	  /* PMU overflow PPI (INTID); 0 if the board has none */
	uint32_t pa_bits;	  /* physical address size of the board's CPUs */
	struct bh_range
		pci_ecam;      /* PCI host bridge: ECAM of its root bus (1 MiB); size 0 if none */
	uint32_t pci_root_bus; /* the root bus number (first of its bus-range) */
};

/* ---- Cells ------------------------------------------------------------- */

/* bh_cell_mem.flags */
#define BH_MEM_R      (1U << 0)
#define BH_MEM_W      (1U << 1)
#define BH_MEM_X      (1U << 2)
#define BH_MEM_SHARED (1U << 3) /* deliberately shared with another cell */

struct bh_cell_mem {
	uint64_t pa;
	uint64_t ipa;
	uint64_t size;
	uint32_t flags; /* BH_MEM_* */
	uint32_t pad;
};

/* A passthrough device's MMIO window. */
struct bh_cell_mmio {
	uint64_t pa;
	uint64_t ipa;
	uint64_t size;
};

/* An image copied into the cell's memory each time the cell starts. */
struct bh_cell_image {
	const uint8_t *data; /* in the bundle linked into bulkhead.bin */
	uint64_t size;
	uint64_t ipa;
};

enum bh_console_kind {
	BH_CONSOLE_NONE = 0,
	BH_CONSOLE_VUART = 1,	    /* emulated PL011 at ipa, virtual SPI irq */
	BH_CONSOLE_PASSTHROUGH = 2, /* a physical UART among the cell's mmio */
};

enum bh_fault_policy {
	BH_FAULT_INJECT = 0, /* synchronous external abort into the guest */
	BH_FAULT_STOP = 1,
	BH_FAULT_RESTART = 2,
};

/* A PCI function a cell owns (on the host bridge's root bus). */
struct bh_pci_func {
	uint16_t bdf; /* bus << 8 | device << 3 | function */
	uint8_t pin;  /* INTx pin the configuration gave it: 1..4 = INTA..INTD */
	uint8_t pad;
	uint32_t intid; /* its INTx line after swizzling: an SPI INTID among the cell's irqs */
};

/* A cell's slice of a host bridge memory window, for its BARs; mapped
 * 1:1 (IPA = PA) because BARs hold bus addresses. */
struct bh_pci_window {
	uint64_t base; /* CPU physical address = IPA */
	uint64_t bus;  /* PCI bus address of base */
	uint64_t size;
};

struct bh_cell {
	const char *name;
	uint32_t vmid; /* 1-based; 0 is never a cell */
	uint32_t ncpus;
	uint8_t cpus[BH_MAX_CPUS]; /* board logical CPU of vCPU i; vCPU 0 boots */
	uint32_t nmem;
	uint32_t nmmio;
	const struct bh_cell_mem *mem;
	const struct bh_cell_mmio *mmio;
	uint32_t nirqs;
	uint32_t nimages;
	const uint16_t *irqs; /* physical SPI INTIDs owned; virtual INTID == physical */
	const struct bh_cell_image *images;
	uint64_t entry_ipa; /* vCPU 0 starts here at EL1h, MMU off */
	const uint8_t *dtb; /* generated device tree, copied to dtb_ipa */
	uint64_t dtb_size;
	uint64_t dtb_ipa;      /* passed in x0 */
	uint32_t console;      /* enum bh_console_kind */
	uint32_t console_irq;  /* vUART: virtual SPI INTID */
	uint64_t console_ipa;  /* vUART: base IPA (4 KiB window) */
	uint64_t gicd_ipa;     /* virtual distributor */
	uint64_t gicr_ipa;     /* GICv3: redistributor frames of vCPU 0..n-1 */
	uint64_t gicc_ipa;     /* GICv2: CPU interface (GICV mapped here) */
	uint32_t fault_policy; /* enum bh_fault_policy */
	uint32_t nstreams;
	const uint32_t *stream_ids; /* SMMU stream IDs of the cell's DMA masters */
	uint32_t npci_funcs;
	uint32_t npci_windows;
	const struct bh_pci_func *pci_funcs;
	const struct bh_pci_window *pci_windows;
	uint64_t pci_ecam_ipa; /* its virtual ECAM (the root bus, 1 MiB), if npci_funcs */
};

struct bh_system {
	uint32_t ncells;
	const struct bh_cell *cells;
};

extern const struct bh_board bh_board;
extern const struct bh_system bh_system;
