/* SPDX-License-Identifier: Apache-2.0 */
/* Formatting helpers shared by the text and SVG partition maps. */
#pragma once

#include "bhcfg.h"

/* "16 MiB", "4 KiB", or "1234 bytes" when not a whole unit. */
const char *fmt_size(uint64_t n, char *buf, size_t len);
/* BH_MEM_R/W/X as "rwx" (buf holds 4). */
const char *fmt_access(uint32_t flags, char *buf);
/* Board RAM neither the hypervisor's nor any cell's, into @out (up to @max). */
uint32_t free_ram(const struct model *m, struct bh_range *out, uint32_t max);
