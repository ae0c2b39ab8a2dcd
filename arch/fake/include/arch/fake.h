/* SPDX-License-Identifier: Apache-2.0 */
/* Test hooks of the host "architecture". */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cell;

/* Everything the console UART sent since the last reset. */
const char *fake_console_output(void);
void fake_console_reset(void);
/* A UART whose TX FIFO accepts only @room more characters (-1: unlimited). */
void fake_console_room(int room);
void fake_console_input(const char *s);
void fake_set_cpu_id(unsigned int cpu);
void fake_set_counter(uint64_t ticks);
/* Each read of the counter advances it by @step (0: it stands still), so
 * code waiting with a timeout can time out. */
void fake_counter_step(uint64_t step);

/* Cells the core sees (cell_by_index/cell_count). */
void fake_cells(struct cell **cells, unsigned int n);

/* The physical GIC as the vGIC left it. */
struct fake_gic {
	uint32_t enabled[32]; /* SPIs */
	uint32_t pending[32];
	uint32_t edge[32];
	uint8_t route[1020];	  /* CPU per SPI */
	uint32_t ppi_enabled[4];  /* per CPU, INTID < 32 */
	uint32_t ppi_line[4];	  /* per CPU: level of each PPI's input line */
	uint32_t spi_line[32];	  /* level of each SPI's input line */
	uint32_t deactivated[32]; /* INTIDs deactivated by the vGIC (SPIs and PPIs) */
	uint8_t targets[1020];	  /* route_cpus: CPU mask per SPI */
	bool irqs_masked;	  /* the guest's PSTATE.I at its exit */
	bool wfi_trapped;
	uint64_t hyp_timer_us; /* armed hypervisor timer; 0: stopped */
	unsigned int kicks[4];
	unsigned int nr_lrs;
	bool underflow;
};
extern struct fake_gic fake_gic;
void fake_gic_reset(unsigned int nr_lrs);
/* The SMMUv3 model (fake_smmu.c): commands it consumed, and what to do. */
#define FAKE_SMMU_LOG 64
struct fake_smmu {
	uint64_t cmds[FAKE_SMMU_LOG][2];
	unsigned int ncmds;
	bool stalled;		/* consume no command */
	bool cr0_stuck;		/* never acknowledge CR0 */
	unsigned int refuse_op; /* refuse the first command with this opcode */
	bool refused;
};
extern struct fake_smmu fake_smmu;
void fake_smmu_reset(uint32_t idr0, uint32_t idr1, uint32_t idr5);
void fake_smmu_unstall(void);
void fake_smmu_event(unsigned int type, uint32_t sid, uint64_t addr, bool write);
uint64_t fake_smmu_reg64(uint64_t off);

/* The guest acknowledged / ended the interrupt in list register @i. */
void fake_lr_set_state(unsigned int i, unsigned int state);
struct vlr;
void fake_lr_get(unsigned int i, struct vlr *lr);

/* The physical ECAM: the root bus (0) with up to 256 functions, each a
 * 4 KiB configuration space whose bits are writable where @wmask says, as
 * hardware's are. Writes that reach a function are counted. */
struct fake_pci_fn {
	bool present;
	uint8_t cfg[4096];
	uint8_t wmask[4096];
	unsigned int writes;
	unsigned int flrs;    /* function-level resets done */
	unsigned int flr_ctl; /* PCIe Device Control offset, if it can FLR */
	bool saw_all_ones[7]; /* a BAR (or the ROM) once held its size probe */
};
extern struct fake_pci_fn fake_pci[256];
void fake_pci_reset(void);
/* A function at @devfn (device << 3 | function) with a type 0 header
 * (type 1: a bridge), INTx pin @pin (0: none). */
struct fake_pci_fn *fake_pci_add(unsigned int devfn, uint16_t vendor, uint16_t device,
				 uint8_t header_type, uint8_t pin);
/* BAR @i (6: expansion ROM) decoding @size bytes; @flags are its low bits
 * (bit 0 I/O; bits 2:1 = 2 for 64-bit, taking BAR i + 1 as the high half). */
void fake_pci_bar(unsigned int devfn, unsigned int i, uint64_t size, uint32_t flags);
/* Appends a capability of @len bytes (@id; @ext: extended, from 0x100) and
 * returns its offset. */
unsigned int fake_pci_cap(unsigned int devfn, unsigned int id, unsigned int len, bool ext);
/* A PCIe capability able to FLR: setting Device Control's FLR bit resets
 * command and BARs. Returns its offset. */
unsigned int fake_pci_flr_cap(unsigned int devfn);
uint32_t fake_pci_get(unsigned int devfn, unsigned int off, unsigned int size);
void fake_pci_set(unsigned int devfn, unsigned int off, unsigned int size, uint32_t v);
