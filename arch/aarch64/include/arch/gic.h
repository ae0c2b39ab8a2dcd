/* SPDX-License-Identifier: Apache-2.0 */
/* The physical GIC as the hypervisor uses it. */
#pragma once

#include <bulkhead/types.h>

/* SGI the hypervisor sends itself: "leave the guest and look at your cell". */
#define HYP_IPI_KICK 0
#define GIC_SPURIOUS 1023

void arch_gic_init_primary(void);
void arch_gic_init_cpu(void);
void arch_send_ipi(unsigned int cpu);
/* Acknowledge and end one pending physical interrupt; GIC_SPURIOUS if none. */
unsigned int arch_gic_ack(void);
void arch_gic_eoi(unsigned int intid);

/* GICv3 distributor/redistributor registers */
#define GICD_CTLR 0x0000
#define GICD_CTLR_RWP BIT(31)
#define GICD_CTLR_ARE_NS BIT(4)
#define GICD_CTLR_ENABLE_G1NS BIT(1)
#define GICR_FRAME_SIZE 0x20000
#define GICR_SGI_OFFSET 0x10000
#define GICR_WAKER 0x0014
#define GICR_WAKER_PROCESSOR_SLEEP BIT(1)
#define GICR_WAKER_CHILDREN_ASLEEP BIT(2)
#define GICR_TYPER 0x0008
#define GICR_TYPER_LAST BIT(4)
#define GICR_TYPER_AFF_SHIFT 32
#define GICR_TYPER_AFF_WIDTH 32
#define GICR_IGROUPR0 0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_IPRIORITYR 0x0400

/* ICC_SGI1R_EL1 */
#define ICC_SGI1R_TARGETS_SHIFT 0
#define ICC_SGI1R_TARGETS_WIDTH 16
#define ICC_SGI1R_AFF1_SHIFT 16
#define ICC_SGI1R_AFF1_WIDTH 8
#define ICC_SGI1R_INTID_SHIFT 24
#define ICC_SGI1R_INTID_WIDTH 4
#define ICC_SGI1R_AFF2_SHIFT 32
#define ICC_SGI1R_AFF2_WIDTH 8
#define ICC_SGI1R_AFF3_SHIFT 48
#define ICC_SGI1R_AFF3_WIDTH 8
#define ICC_SRE_SRE BIT(0)
#define ICC_SRE_ENABLE BIT(3)
