/* SPDX-License-Identifier: Apache-2.0 */
/* ESR_ELx: exception syndrome fields and exception classes. */
#pragma once

#define ESR_EC_SHIFT  26
#define ESR_EC_WIDTH  6
#define ESR_IL_SHIFT  25
#define ESR_IL_WIDTH  1
#define ESR_ISS_SHIFT 0
#define ESR_ISS_WIDTH 25

/* Data/instruction abort ISS */
#define ESR_ISS_DFSC_SHIFT 0
#define ESR_ISS_DFSC_WIDTH 6
#define ESR_ISS_WNR_SHIFT  6
#define ESR_ISS_WNR_WIDTH  1

#define EC_UNKNOWN	 0x00
#define EC_WFX		 0x01
#define EC_CP15_MCR	 0x03
#define EC_CP15_MCRR	 0x04
#define EC_CP14_MCR	 0x05
#define EC_CP14_LDC	 0x06
#define EC_FP_ASIMD	 0x07
#define EC_CP10_ID	 0x08
#define EC_PAC		 0x09
#define EC_LS64		 0x0a
#define EC_CP14_MCRR	 0x0c
#define EC_BTI		 0x0d
#define EC_ILLEGAL_STATE 0x0e
#define EC_SVC32	 0x11
#define EC_HVC32	 0x12
#define EC_SMC32	 0x13
#define EC_SVC64	 0x15
#define EC_HVC64	 0x16
#define EC_SMC64	 0x17
#define EC_SYSREG	 0x18
#define EC_SVE		 0x19
#define EC_ERET		 0x1a
#define EC_PAC_FAIL	 0x1c
#define EC_IABT_LOWER	 0x20
#define EC_IABT_CUR	 0x21
#define EC_PC_ALIGN	 0x22
#define EC_DABT_LOWER	 0x24
#define EC_DABT_CUR	 0x25
#define EC_SP_ALIGN	 0x26
#define EC_FP32		 0x28
#define EC_FP64		 0x2c
#define EC_SERROR	 0x2f
#define EC_BREAKPT_LOWER 0x30
#define EC_BREAKPT_CUR	 0x31
#define EC_SOFTSTP_LOWER 0x32
#define EC_SOFTSTP_CUR	 0x33
#define EC_WATCHPT_LOWER 0x34
#define EC_WATCHPT_CUR	 0x35
#define EC_BKPT32	 0x38
#define EC_BRK64	 0x3c
#define EC_MAX		 0x3f

#ifndef __ASSEMBLY__
/* Human-readable name of an exception class, never NULL. */
const char *esr_class_name(unsigned int ec);
#endif

/* Data abort ISS (valid syndrome when ISV = 1) */
#define ESR_DABT_ISV_BIT       24 /* for assembly's tbz */
#define ESR_DABT_ISV	       BIT(ESR_DABT_ISV_BIT)
#define ESR_DABT_SAS_SHIFT     22
#define ESR_DABT_SAS_WIDTH     2
#define ESR_DABT_SSE	       BIT(21)
#define ESR_DABT_SRT_SHIFT     16
#define ESR_DABT_SRT_WIDTH     5
#define ESR_DABT_SF	       BIT(15)
#define ESR_DABT_FNV	       BIT(10)
#define ESR_DABT_CM	       BIT(8)
#define ESR_DABT_S1PTW	       BIT(7)
#define ESR_DABT_WNR	       BIT(6)
#define ESR_IL		       BIT(25)
/* Fault status codes */
#define ESR_FSC_SYNC_EXT_ABORT 0x10

/* Trapped MSR/MRS/system instruction ISS (EC 0x18) */
#define ESR_SYS_OP0_SHIFT 20
#define ESR_SYS_OP0_WIDTH 2
#define ESR_SYS_OP2_SHIFT 17
#define ESR_SYS_OP2_WIDTH 3
#define ESR_SYS_OP1_SHIFT 14
#define ESR_SYS_OP1_WIDTH 3
#define ESR_SYS_CRN_SHIFT 10
#define ESR_SYS_CRN_WIDTH 4
#define ESR_SYS_RT_SHIFT  5
#define ESR_SYS_RT_WIDTH  5
#define ESR_SYS_CRM_SHIFT 1
#define ESR_SYS_CRM_WIDTH 4
#define ESR_SYS_READ	  BIT(0)

/* HVC/SMC ISS: the immediate */
#define ESR_HVC_IMM_SHIFT 0
#define ESR_HVC_IMM_WIDTH 16

/* HPFAR_EL2.FIPA holds IPA[51:12] in bits [43:4] */
#define HPFAR_FIPA_MASK		GENMASK(43, 4)
#define HPFAR_FIPA_TO_IPA_SHIFT 8

#ifndef __ASSEMBLY__
struct mmio_access;
/* Decode a stage-2 data abort's syndrome into an MMIO access; -BH_EINVAL
 * when the syndrome is not usable (ISV = 0: LDP/STP, exclusives, ...). */
int arch_mmio_decode(uint64_t esr, uint64_t ipa, struct mmio_access *a);
#endif
