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
