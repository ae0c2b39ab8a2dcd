/* SPDX-License-Identifier: Apache-2.0 */
/* Stand-in for the generated config.h in host unit tests. */
#pragma once
#define BH_NR_CPUS  4
#define BH_HYP_BASE 0x40000000
#define BH_HYP_SIZE 0x8000000
