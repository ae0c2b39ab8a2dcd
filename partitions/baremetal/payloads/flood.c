// SPDX-License-Identifier: Apache-2.0
/*
 * flood: prints numbered lines as fast as it can, the chatty neighbour a
 * console must not let starve anybody else. "FLOOD <n> t=<counter> ..."
 * lines, then the result. The harness checks every line arrived whole and
 * in order, and that no other cell's line was overtaken by flood lines
 * written after it.
 */
#include <bm/bm.h>

BM_PAYLOAD("flood");

#define MIN_LINES 3000
#define MIN_US	  1500000 /* and for at least this long, however fast the console */

TEST(flood)
{
	uint64_t t0 = bm_cntvct(), limit = bm_us_to_ticks(MIN_US);
	unsigned int n = 0;

	while (n < MIN_LINES || bm_cntvct() - t0 < limit)
		bh_printf("FLOOD %u t=%lu abcdefghijklmnopqrstuvwxyz0123456789\n", n++,
			  (unsigned long)bm_cntvct());
	bh_printf("flood: %u lines in %lu us\n", n, (unsigned long)bm_ticks_to_us(bm_cntvct() - t0));
	EXPECT_TRUE(bm_cntvct() > t0);
}
