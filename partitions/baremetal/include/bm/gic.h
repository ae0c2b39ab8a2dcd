/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Minimal GIC driver. GICv3: group-1 interrupts only, affinity routing,
 * system register CPU interface. GICv2 (a "arm,cortex-a15-gic" or
 * "arm,gic-400" node in the device tree): GICD and GICC MMIO, SPIs
 * targeted at the enabling CPU. Interrupt IDs: SGI 0-15, PPI 16-31,
 * SPI 32-1019.
 */
#pragma once

#include <bulkhead/types.h>

#define BM_GIC_MAX_INTID 1020
#define BM_GIC_SPURIOUS	 1023
#define BM_GIC_PRIO_DEF	 0xa0

typedef void (*bm_irq_handler_t)(uint32_t intid, void *arg);

/* Distributor: ARE + group 1 on. Once, from any vCPU; idempotent. */
void bm_gic_init(void);
/* This vCPU: wake its redistributor, enable ICC_* system registers. */
void bm_gic_cpu_init(void);
/* Configure and enable @intid for the calling vCPU (SPIs are routed to it). */
void bm_gic_enable_irq(uint32_t intid, uint8_t prio);
void bm_gic_disable_irq(uint32_t intid);
/* Make @intid pending by software (ISPENDR): lets tests raise an SPI. */
void bm_gic_set_pending(uint32_t intid);
/* Acknowledge (ICC_IAR1_EL1 / GICC_IAR) / end (ICC_EOIR1_EL1 / GICC_EOIR)
 * one interrupt. bm_gic_eoi takes the acknowledge value unchanged. */
uint32_t bm_gic_ack(void);
void bm_gic_eoi(uint32_t iar);
/* The interrupt ID in an acknowledge value (BM_GIC_SPURIOUS if none). */
uint32_t bm_gic_intid(uint32_t iar);
/* SGI @intid (0-15) to vCPU @vcpu, or to every other vCPU if @vcpu < 0. */
void bm_gic_send_sgi(uint32_t intid, int vcpu);
/* Redistributor of @vcpu (0 if none found, or GICv2), for tests that poke it. */
uintptr_t bm_gic_redist(unsigned int vcpu);

/* IRQ vector dispatch: acks, calls the handler, EOIs, until none pending. */
void bm_irq_register(uint32_t intid, bm_irq_handler_t fn, void *arg);
/* The same, but the interrupt is ended (EOI) before the handler runs, as
 * many drivers do: a level source is still asserted at its EOI. */
void bm_irq_register_eoi_first(uint32_t intid, bm_irq_handler_t fn, void *arg);
void bm_irq_dispatch(void);

static inline void bm_irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" : : : "memory");
}
static inline void bm_irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" : : : "memory");
}
