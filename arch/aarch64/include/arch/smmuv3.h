/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SMMUv3 registers, stream table entries, commands and events, as the
 * architecture (IHI 0070) defines the parts Bulkhead uses: stage-2-only
 * translation of each cell's streams through the cell's own stage-2 table.
 */
#pragma once

#include <bulkhead/bits.h>

/* Page 0 registers */
#define SMMU_IDR0		   0x000
#define SMMU_IDR0_S2P		   BIT(0)
#define SMMU_IDR0_TTF_SHIFT	   2
#define SMMU_IDR0_TTF_WIDTH	   2
#define SMMU_IDR0_TTF_AARCH64	   2 /* 3: AArch32 and AArch64 */
#define SMMU_IDR0_COHACC	   BIT(4)
#define SMMU_IDR0_VMID16	   BIT(18)
#define SMMU_IDR0_ST_LEVEL_SHIFT   27
#define SMMU_IDR0_ST_LEVEL_WIDTH   2
#define SMMU_IDR0_ST_LEVEL_2	   1
#define SMMU_IDR1		   0x004
#define SMMU_IDR1_SIDSIZE_SHIFT	   0
#define SMMU_IDR1_SIDSIZE_WIDTH	   6
#define SMMU_IDR1_EVENTQS_SHIFT	   16
#define SMMU_IDR1_EVENTQS_WIDTH	   5
#define SMMU_IDR1_CMDQS_SHIFT	   21
#define SMMU_IDR1_CMDQS_WIDTH	   5
#define SMMU_IDR1_QUEUES_PRESET	   BIT(29)
#define SMMU_IDR1_TABLES_PRESET	   BIT(30)
#define SMMU_IDR5		   0x014
#define SMMU_IDR5_OAS_SHIFT	   0
#define SMMU_IDR5_OAS_WIDTH	   3
#define SMMU_IDR5_GRAN4K	   BIT(4)
#define SMMU_CR0		   0x020
#define SMMU_CR0_SMMUEN		   BIT(0)
#define SMMU_CR0_EVENTQEN	   BIT(2)
#define SMMU_CR0_CMDQEN		   BIT(3)
#define SMMU_CR0ACK		   0x024
#define SMMU_CR1		   0x028
#define SMMU_CR1_QUEUE_IC_SHIFT	   0
#define SMMU_CR1_QUEUE_IC_WIDTH	   2
#define SMMU_CR1_QUEUE_OC_SHIFT	   2
#define SMMU_CR1_QUEUE_OC_WIDTH	   2
#define SMMU_CR1_QUEUE_SH_SHIFT	   4
#define SMMU_CR1_QUEUE_SH_WIDTH	   2
#define SMMU_CR1_TABLE_IC_SHIFT	   6
#define SMMU_CR1_TABLE_IC_WIDTH	   2
#define SMMU_CR1_TABLE_OC_SHIFT	   8
#define SMMU_CR1_TABLE_OC_WIDTH	   2
#define SMMU_CR1_TABLE_SH_SHIFT	   10
#define SMMU_CR1_TABLE_SH_WIDTH	   2
#define SMMU_CR1_CACHE_WB	   1
#define SMMU_CR1_SH_INNER	   3
#define SMMU_CR2		   0x02c
#define SMMU_CR2_RECINVSID	   BIT(1) /* record C_BAD_STREAMID */
#define SMMU_CR2_PTM		   BIT(2) /* no broadcast TLB maintenance */
#define SMMU_GBPA		   0x044
#define SMMU_GBPA_ABORT		   BIT(20)
#define SMMU_GBPA_UPDATE	   BIT(31)
#define SMMU_IRQ_CTRL		   0x050
#define SMMU_IRQ_CTRL_GERROR	   BIT(0)
#define SMMU_IRQ_CTRL_EVENTQ	   BIT(2)
#define SMMU_IRQ_CTRLACK	   0x054
#define SMMU_GERROR		   0x060
#define SMMU_GERROR_CMDQ_ERR	   BIT(0)
#define SMMU_GERROR_EVENTQ_ABT_ERR BIT(2)
#define SMMU_GERROR_SFM_ERR	   BIT(8)
#define SMMU_GERRORN		   0x064
#define SMMU_GERROR_IRQ_CFG0	   0x068
#define SMMU_STRTAB_BASE	   0x080
#define SMMU_STRTAB_BASE_RA	   BIT(62)
#define SMMU_STRTAB_BASE_CFG	   0x088
#define SMMU_STRTAB_LOG2SIZE_SHIFT 0
#define SMMU_STRTAB_LOG2SIZE_WIDTH 6
#define SMMU_STRTAB_SPLIT_SHIFT	   6
#define SMMU_STRTAB_SPLIT_WIDTH	   5
#define SMMU_STRTAB_FMT_SHIFT	   16
#define SMMU_STRTAB_FMT_WIDTH	   2
#define SMMU_STRTAB_FMT_LINEAR	   0
#define SMMU_STRTAB_FMT_2LEVEL	   1
#define SMMU_CMDQ_BASE		   0x090
#define SMMU_CMDQ_PROD		   0x098
#define SMMU_CMDQ_CONS		   0x09c
#define SMMU_CMDQ_CONS_ERR_SHIFT   24
#define SMMU_CMDQ_CONS_ERR_WIDTH   7
#define SMMU_EVENTQ_BASE	   0x0a0
#define SMMU_EVENTQ_IRQ_CFG0	   0x0b0
#define SMMU_Q_BASE_RWA		   BIT(62) /* read/write-allocate: cacheable queue */
#define SMMU_Q_LOG2SIZE_SHIFT	   0
#define SMMU_Q_LOG2SIZE_WIDTH	   5
#define SMMU_Q_OVF		   BIT(31) /* PROD.OVFLG / CONS.OVACKFLG */
/* Page 1 */
#define SMMU_EVENTQ_PROD	   0x100a8
#define SMMU_EVENTQ_CONS	   0x100ac

#define SMMU_ADDR_MASK GENMASK(51, 6) /* table, queue and STE addresses */

/* Level-1 stream table descriptor: a level-2 table of 2^(SPAN-1) STEs. */
#define SMMU_L1_SPAN_SHIFT 0
#define SMMU_L1_SPAN_WIDTH 5

/* Stream table entry: 8 doublewords. */
#define SMMU_STE_DWORDS		 8
#define SMMU_STE_V		 BIT(0)
#define SMMU_STE_CONFIG_SHIFT	 1
#define SMMU_STE_CONFIG_WIDTH	 3
#define SMMU_STE_CONFIG_S2	 6 /* stage 1 bypass, stage 2 translate */
#define SMMU_STE1_SHCFG_SHIFT	 44
#define SMMU_STE1_SHCFG_WIDTH	 2
#define SMMU_STE1_SHCFG_INCOMING 1
#define SMMU_STE2_S2VMID_SHIFT	 0
#define SMMU_STE2_S2VMID_WIDTH	 16
#define SMMU_STE2_S2T0SZ_SHIFT	 32
#define SMMU_STE2_S2T0SZ_WIDTH	 6
#define SMMU_STE2_S2SL0_SHIFT	 38
#define SMMU_STE2_S2SL0_WIDTH	 2
#define SMMU_STE2_S2IR0_SHIFT	 40
#define SMMU_STE2_S2IR0_WIDTH	 2
#define SMMU_STE2_S2OR0_SHIFT	 42
#define SMMU_STE2_S2OR0_WIDTH	 2
#define SMMU_STE2_S2SH0_SHIFT	 44
#define SMMU_STE2_S2SH0_WIDTH	 2
#define SMMU_STE2_S2TG_SHIFT	 46
#define SMMU_STE2_S2TG_WIDTH	 2
#define SMMU_STE2_S2PS_SHIFT	 48
#define SMMU_STE2_S2PS_WIDTH	 3
#define SMMU_STE2_S2AA64	 BIT(51)
#define SMMU_STE2_S2AFFD	 BIT(53) /* no access-flag faults (our leaves set AF) */
#define SMMU_STE2_S2R		 BIT(58) /* record stage-2 faults as events */
#define SMMU_STE3_S2TTB_MASK	 GENMASK(51, 4)

/* Commands: 2 doublewords. */
#define SMMU_CMD_DWORDS		2
#define SMMU_CMD_OP_SHIFT	0
#define SMMU_CMD_OP_WIDTH	8
#define SMMU_CMD_CFGI_STE	0x03
#define SMMU_CMD_CFGI_ALL	0x04
#define SMMU_CMD_TLBI_EL2_ALL	0x20
#define SMMU_CMD_TLBI_S12_VMALL 0x28
#define SMMU_CMD_TLBI_NSNH_ALL	0x30
#define SMMU_CMD_SYNC		0x46
#define SMMU_CMD_SID_SHIFT	32 /* CFGI_STE */
#define SMMU_CMD_SID_WIDTH	32
#define SMMU_CMD_LEAF		BIT(0) /* CFGI_STE, second doubleword */
#define SMMU_CMD_RANGE_ALL	31     /* CFGI_ALL, second doubleword */
#define SMMU_CMD_VMID_SHIFT	32     /* TLBI_S12_VMALL */
#define SMMU_CMD_VMID_WIDTH	16

/* Events: 4 doublewords. */
#define SMMU_EVT_DWORDS		    4
#define SMMU_EVT_TYPE_SHIFT	    0
#define SMMU_EVT_TYPE_WIDTH	    8
#define SMMU_EVT_SID_SHIFT	    32
#define SMMU_EVT_SID_WIDTH	    32
#define SMMU_EVT1_RNW		    BIT(35)
#define SMMU_EVT1_S2		    BIT(39)
#define SMMU_EVT_C_BAD_STREAMID	    0x02
#define SMMU_EVT_F_STE_FETCH	    0x03
#define SMMU_EVT_C_BAD_STE	    0x04
#define SMMU_EVT_F_STREAM_DISABLED  0x06
#define SMMU_EVT_F_TRANSL_FORBIDDEN 0x07
#define SMMU_EVT_F_WALK_EABT	    0x0b
#define SMMU_EVT_F_TRANSLATION	    0x10
#define SMMU_EVT_F_ADDR_SIZE	    0x11
#define SMMU_EVT_F_ACCESS	    0x12
#define SMMU_EVT_F_PERMISSION	    0x13
