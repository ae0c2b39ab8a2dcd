// SPDX-License-Identifier: Apache-2.0
/*
 * spin: a fixed compute loop with interrupts masked and the timer off, timed
 * with CNTVCT. Nothing in it should leave the guest, so under Bulkhead the
 * difference to a native run is the cost of exits we did not ask for.
 * Prints "BM-SPIN: iterations=<n> ticks=<t>". A second loop runs for one
 * second of counter time and, under Bulkhead, asks how many times this vCPU
 * left the guest meanwhile: "BM-EXITS: loop_us=<us> exits=<n>". The goal,
 * and the expectation, is zero.
 */
#include <bm/bm.h>

#include <bulkhead/smccc.h>

BM_PAYLOAD("spin");

#define ITERATIONS 100000000ULL

/* sum of i*i for i < n, mod 2^64, without 128-bit division. */
static uint64_t sum_squares(uint64_t n)
{
	uint64_t a = n, b = n - 1, c = 2 * n - 1;

	/* n(n-1)(2n-1) is divisible by 6: take the 2 and the 3 out first. */
	if (a % 2 == 0)
		a /= 2;
	else
		b /= 2;
	if (a % 3 == 0)
		a /= 3;
	else if (b % 3 == 0)
		b /= 3;
	else
		c /= 3;
	return a * b * c;
}

TEST(spin)
{
	uint64_t acc = 0, t0, t1;

	bm_irq_disable();
	bm_vtimer_stop();
	t0 = bm_cntvct();
	for (uint64_t i = 0; i < ITERATIONS; i++) {
		acc += i * i;
		/* Keep the loop a loop: no closed form, no vectorising. */
		__asm__ volatile("" : "+r"(acc));
	}
	t1 = bm_cntvct();
	bh_printf("BM-SPIN: iterations=%lu ticks=%lu\n", (unsigned long)ITERATIONS,
		  (unsigned long)(t1 - t0));
	bh_printf("spin: %lu us at %lu Hz\n", (unsigned long)bm_ticks_to_us(t1 - t0),
		  (unsigned long)bm_cntfrq());
	EXPECT_EQ(acc, sum_squares(ITERATIONS));
	EXPECT_TRUE(t1 > t0);
}

/* Guest exits of this vCPU so far (Bulkhead hypercall; counts itself). */
static uint64_t exits_so_far(void)
{
	return bm_hvc(BH_HC_VCPU_EXITS, 0, 0, 0).a1;
}

TEST(one_second_without_exits)
{
	uint64_t acc = 1, t0, t1 = 0, e0 = 0, e1 = 0, deadline;

	bm_irq_disable();
	bm_vtimer_stop();
	if (!bm_native())
		e0 = exits_so_far();
	t0 = bm_cntvct();
	/* "spin.long": three seconds, to outlast a neighbour cell in a test. */
	deadline = t0 + bm_cntfrq() * (bm_bootarg("spin.long") ? 3 : 1);
	do {
		for (int i = 0; i < 4096; i++) {
			acc = acc * 6364136223846793005ULL + 1442695040888963407ULL;
			__asm__ volatile("" : "+r"(acc));
		}
		t1 = bm_cntvct();
	} while (t1 < deadline);
	if (!bm_native())
		e1 = exits_so_far();
	/* e1 counts the second hypercall itself. */
	bh_printf("BM-EXITS: loop_us=%lu exits=%lu\n", (unsigned long)bm_ticks_to_us(t1 - t0),
		  (unsigned long)(bm_native() ? 0 : e1 - e0 - 1));
	if (!bm_native())
		EXPECT_EQ(e1 - e0 - 1, 0);
	EXPECT_TRUE(acc != 0);
}
