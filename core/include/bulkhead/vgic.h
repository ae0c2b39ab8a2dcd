/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Virtual GIC. Each cell sees a distributor where only its own interrupts
 * exist, and (GICv3) one redistributor per vCPU. Physical interrupts a
 * cell owns are routed to the CPU of the vCPU it chose and injected through
 * list registers with the hardware bit, so the guest's EOI deactivates them
 * without another exit. The guest's CPU interface is the hardware's virtual
 * one (ICC_* system registers or GICV).
 */
#pragma once

#include <bulkhead/arch.h>
#include <bulkhead/mmio.h>
#include <bulkhead/types.h>

struct cell;
struct vcpu;

#define VGIC_NR_IRQS	  1020
#define VGIC_NR_PRIVATE	  32 /* SGIs 0-15, PPIs 16-31 */
#define VGIC_QUEUE_LEN	  64
#define VGIC_MAX_HELD	  8 /* level interrupts held for a resample, per vCPU */
#define VGIC_MAX_LRS	  16
#define VGIC_IDLE_PRIO	  0xff
#define VGIC_V3_RD_FRAME  0x20000
#define VGIC_DIST_SIZE	  0x10000 /* GICv3 */
#define VGIC_V2_DIST_SIZE 0x1000
#define VGIC_V2_CPU_SIZE  0x2000

/* A list register, independent of its GICv2/v3 encoding. */
enum vlr_state {
	VLR_INVALID = 0,
	VLR_PENDING = 1,
	VLR_ACTIVE = 2,
	VLR_PENDING_ACTIVE = 3,
};

struct vlr {
	uint32_t intid;
	uint32_t pintid; /* hw: physical INTID deactivated by the guest's EOI */
	uint8_t prio;
	uint8_t state;	/* enum vlr_state */
	uint8_t source; /* GICv2 SGIs: requesting vCPU */
	bool hw;
	bool group1;
	bool eoi_maint; /* !hw: maintenance interrupt when the guest EOIs it */
};

struct vgic_pending {
	uint16_t intid;
	uint16_t pintid;
	uint8_t source;
	bool hw;
};

/* Per vCPU: banked SGI/PPI state and what waits for a list register. */
struct vgic_vcpu {
	uint8_t prio[VGIC_NR_PRIVATE];
	uint32_t enabled; /* virtual enable of SGIs and software PPIs */
	uint32_t group;
	uint32_t ppi_cfg;	      /* ICFGR1: PPIs 16-31, 2 bits each -> 1 bit edge */
	uint32_t sgi_pending_src[16]; /* GICv2: source vCPUs per SGI */
	bool sleeping;		      /* GICR_WAKER.ProcessorSleep */
	struct vgic_pending queue[VGIC_QUEUE_LEN];
	unsigned int queued;
	struct vlr shadow[VGIC_MAX_LRS]; /* what we last wrote to each LR */
	uint32_t lr_used;		 /* bit i: shadow[i] is not invalid */
	bool underflow;			 /* the underflow maintenance interrupt is on */
	uint64_t injected;		 /* interrupts put into list registers */
	uint64_t lr_overflows;		 /* had to wait for a free list register */
	/* Hardware level interrupts that came back right after the guest ended
	 * them, while it still had interrupts masked: physically active, not
	 * shown to the guest until a resample finds the line still high. */
	uint16_t held[VGIC_MAX_HELD];
	unsigned int nheld;
	uint64_t resampled_away; /* presentations a resample found stale */
	arch_spinlock_t lock;
};

/* Per cell: the distributor's state for the interrupts the cell owns. */
struct vgic_dist {
	uint32_t ctlr;
	uint32_t owned[VGIC_NR_IRQS / 32 + 1];	 /* SPIs this cell owns */
	uint32_t hwirq[VGIC_NR_IRQS / 32 + 1];	 /* ... backed by a physical SPI */
	uint32_t enabled[VGIC_NR_IRQS / 32 + 1]; /* virtual enable (shadow) */
	uint32_t group[VGIC_NR_IRQS / 32 + 1];
	uint32_t edge[VGIC_NR_IRQS / 32 + 1];
	uint32_t sw_level[VGIC_NR_IRQS / 32 + 1]; /* software SPIs: line level */
	uint8_t prio[VGIC_NR_IRQS];
	uint8_t target[VGIC_NR_IRQS];	     /* GICv3: vCPU index the SPI is routed to */
	uint8_t targets[VGIC_NR_IRQS];	     /* GICv2: ITARGETSR, a mask of vCPUs */
	uint32_t irm[VGIC_NR_IRQS / 32 + 1]; /* GICv3 IROUTER.IRM per SPI */
	uint32_t nr_lines;		     /* GICD_TYPER.ITLinesNumber + 1, in units of 32 */
	unsigned int version;
};

void vgic_cell_init(struct cell *c);
/* The cell stops: nothing of it may stay enabled, pending or active. */
void vgic_cell_reset(struct cell *c);
/* On the vCPU's own CPU when it stops. */
void vgic_vcpu_reset(struct vcpu *v);

int vgic_dist_mmio(struct vcpu *v, void *dev, uint64_t offset, struct mmio_access *a);
int vgic_redist_mmio(struct vcpu *v, void *dev, uint64_t offset, struct mmio_access *a);

/* GICv3 ICC_SGI1R_EL1/ICC_ASGI1R_EL1/ICC_SGI0R_EL1 written by the guest. */
void vgic_sgi_v3(struct vcpu *v, uint64_t value, bool group1);
/* A physical interrupt the CPU took while running @v: route it. Returns
 * false if it is not the cell's (the caller ends it). */
bool vgic_hw_irq(struct vcpu *v, unsigned int intid);
/* The guest waits (trapped WFI): what it holds back is presented now. */
void vgic_wfi(struct vcpu *v);
/* A software interrupt line (emulated device) of the cell changed level. */
void vgic_set_sw_level(struct cell *c, unsigned int intid, bool level);
/* Around every guest entry: collect finished list registers (withdrawing
 * hardware level interrupts whose line fell before the guest took them),
 * resample held ones, fill free list registers in priority order, ask for a
 * maintenance interrupt if more wait. */
void vgic_sync(struct vcpu *v);
void vgic_flush(struct vcpu *v);
void vgic_sync_flush(struct vcpu *v);
/* Anything for vgic_sync_flush() to do? Most guest entries have nothing. */
static inline bool vgic_entry_work(const struct vgic_vcpu *g)
{
	return g->lr_used | g->nheld | READ_ONCE(g->queued) | g->underflow;
}

/* Host-visible helpers (unit tests). */
bool vgic_queue(struct vcpu *v, const struct vgic_pending *p);
