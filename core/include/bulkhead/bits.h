/* SPDX-License-Identifier: Apache-2.0 */
/* Bit helpers usable from C, assembly and linker scripts. */
#pragma once

#ifdef __ASSEMBLY__
#define _ULL(x) x
#else
#define _ULL(x) x##ULL
#endif

#define BIT(n)		(_ULL(1) << (n))
#define GENMASK(hi, lo) (((~_ULL(0)) >> (63 - (hi))) & ~((_ULL(1) << (lo)) - 1))
