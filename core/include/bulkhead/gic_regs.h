/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GIC distributor and redistributor registers (GICv2 and GICv3 share the
 * distributor layout), as the architecture defines them: used by the
 * physical drivers in arch/ and by the virtual GIC in core/.
 */
#pragma once

#include <bulkhead/bits.h>

#define GICD_CTLR		   0x0000
#define GICD_TYPER		   0x0004
#define GICD_IIDR		   0x0008
#define GICD_IGROUPR		   0x0080
#define GICD_ISENABLER		   0x0100
#define GICD_ICENABLER		   0x0180
#define GICD_ISPENDR		   0x0200
#define GICD_ICPENDR		   0x0280
#define GICD_ISACTIVER		   0x0300
#define GICD_ICACTIVER		   0x0380
#define GICD_IPRIORITYR		   0x0400
#define GICD_ITARGETSR		   0x0800
#define GICD_ICFGR		   0x0c00
#define GICD_SGIR		   0x0f00
#define GICD_CPENDSGIR		   0x0f10
#define GICD_SPENDSGIR		   0x0f20
#define GICD_IROUTER		   0x6000
#define GICD_IROUTER_END	   0x7fe0
#define GICD_CTLR_EN_GRP0	   BIT(0)
#define GICD_CTLR_EN_GRP1	   BIT(1)
#define GICD_CTLR_ARE		   BIT(4)
#define GICD_CTLR_DS		   BIT(6)
#define GICD_TYPER_CPUS_SHIFT	   5
#define GICD_TYPER_CPUS_WIDTH	   3
#define GICD_TYPER_IDBITS_SHIFT	   19
#define GICD_TYPER_IDBITS_WIDTH	   5
#define GICD_IROUTER_IRM	   BIT(31)
#define GICD_IROUTER_NOT_AFF0	   0xff7fffff00ULL
#define GICD_SGIR_TARGETS_SHIFT	   16
#define GICD_SGIR_TARGETS_WIDTH	   8
#define GICD_SGIR_FILTER_SHIFT	   24
#define GICD_SGIR_FILTER_WIDTH	   2
#define GICD_SGIR_INTID_SHIFT	   0
#define GICD_SGIR_INTID_WIDTH	   4
#define GICR_CTLR		   0x0000
#define GICR_IIDR		   0x0004
#define GICR_TYPER		   0x0008
#define GICR_WAKER		   0x0014
#define GICR_WAKER_PROCESSOR_SLEEP BIT(1)
#define GICR_WAKER_CHILDREN_ASLEEP BIT(2)
#define GICR_TYPER_LAST		   BIT(4)
#define GICR_TYPER_PROC_SHIFT	   8
#define GICR_TYPER_AFF_SHIFT	   32
#define GICR_SGI_BASE		   0x10000
#define GICD_CTLR_RWP		   BIT(31)
#define GICD_CTLR_ARE_NS	   BIT(4)
#define GICD_CTLR_ENABLE_G1NS	   BIT(1)
#define GICD_TYPER_LINES_SHIFT	   0
#define GICD_TYPER_LINES_WIDTH	   5
#define GICR_FRAME_SIZE		   0x20000
#define GICR_TYPER_AFF_WIDTH	   32
#define GICD_CTLR_ENABLE	   0x3
