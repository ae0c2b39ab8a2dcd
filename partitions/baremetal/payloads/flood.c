// SPDX-License-Identifier: Apache-2.0
/*
 * flood: prints numbered lines as fast as it can, the chatty neighbour a
 * console must not let starve anybody else. "FLOOD <n> ..." lines, then the
 * result. The harness checks every line arrived whole and in order.
 */
#include <bm/bm.h>

BM_PAYLOAD("flood");

#define LINES 3000

TEST(flood)
{
	uint64_t t0 = bm_cntvct();

	for (unsigned int i = 0; i < LINES; i++)
		bh_printf("FLOOD %u abcdefghijklmnopqrstuvwxyz0123456789\n", i);
	bh_printf("flood: %u lines in %lu us\n", LINES,
		  (unsigned long)bm_ticks_to_us(bm_cntvct() - t0));
	EXPECT_TRUE(bm_cntvct() > t0);
}
