/* SPDX-License-Identifier: Apache-2.0 */
/* The physical GIC (v2 or v3) as the hypervisor drives it. */
#pragma once

#include <bulkhead/types.h>

/* SGI the hypervisor sends itself: "leave the guest and look at your cell". */
#define HYP_IPI_KICK	  0
#define GIC_SPURIOUS	  1023
#define GIC_INTID_MASK	  0x3ff /* no LPIs: INTIDs fit in 10 bits */
#define GIC_FIRST_SPECIAL 1020
/* Physical priorities: Bulkhead's kick above the interrupts it forwards. */
#define GIC_PRIO_KICK	  0x80
#define GIC_PRIO_GUEST	  0xa0
#define GIC_PRIO_IDLE	  0xff /* priority mask letting everything through */

struct vlr;

/* One implementation per GIC version; gic.c picks by bh_board.gic.version. */
struct gic_ops {
	void (*init_primary)(void);
	void (*init_cpu)(unsigned int cpu);
	void (*send_sgi)(unsigned int cpu, unsigned int sgi);
	unsigned int (*ack)(void);
	void (*eoi)(unsigned int intid);	/* priority drop */
	void (*deactivate)(unsigned int intid); /* end of the interrupt */
	void (*irq_enable)(unsigned int intid, unsigned int cpu, bool on);
	void (*irq_set_pending)(unsigned int intid, unsigned int cpu, bool pending);
	bool (*irq_is_pending)(unsigned int intid, unsigned int cpu);
	bool (*irq_is_active)(unsigned int intid, unsigned int cpu);
	void (*irq_deactivate)(unsigned int intid, unsigned int cpu);
	void (*spi_set_edge)(unsigned int intid, bool edge);
	void (*spi_route)(unsigned int intid, unsigned int cpu);
	void (*spi_route_cpus)(unsigned int intid, uint32_t cpus);
	unsigned int (*nr_lrs)(void);
	void (*read_lr)(unsigned int i, struct vlr *lr);
	void (*write_lr)(unsigned int i, const struct vlr *lr);
	void (*set_underflow)(bool on);
	void (*vcpu_reset)(void);
	void (*vcpu_enable)(void);
	void (*set_pmr)(uint8_t pmr);
};

extern const struct gic_ops gicv3_ops;
extern const struct gic_ops gicv2_ops;

void arch_gic_init_primary(void);
void arch_gic_init_cpu(void);
void arch_send_ipi(unsigned int cpu);
/* Acknowledge one pending physical interrupt; GIC_SPURIOUS if none. */
unsigned int arch_gic_ack(void);
void arch_gic_eoi(unsigned int intid);
void arch_gic_dir(unsigned int intid);
/* Only interrupts more urgent than @prio reach this CPU. */
void arch_gic_set_pmr(uint8_t prio);
