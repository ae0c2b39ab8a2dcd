// SPDX-License-Identifier: Apache-2.0
/*
 * hello: the smallest useful guest. Banner, a counted loop with progress
 * lines, and a 1 MiB canary written first and checked last, so a
 * hypervisor that lost or moved guest memory shows up here.
 */
#include <bm/bm.h>

BM_PAYLOAD("hello");

#define COUNT_TO       2000000U
#define PROGRESS_LINES 4
#define COUNT_MIN_US   300000 /* the count lasts at least this long */
#define CANARY_SIZE    (1U << 20)
#define CANARY_SEED    0x5eedc0deULL

static uint64_t canary[CANARY_SIZE / sizeof(uint64_t)];

static uint64_t canary_word(size_t i)
{
	/* Distinct per word and not a simple ramp: catches shifted copies too. */
	return (i * 0x9e3779b97f4a7c15ULL) ^ CANARY_SEED ^ ((uint64_t)i << 40);
}

void bm_main(void)
{
	bh_printf("hello: Bulkhead bare-metal payload '%s' on vcpu %u at EL%u\n", bm_payload_name,
		  bm_vcpu_id(), bm_current_el());
	for (size_t i = 0; i < ARRAY_SIZE(canary); i++)
		canary[i] = canary_word(i);
}

TEST(identity)
{
	EXPECT_EQ(bm_current_el(), 1);
	EXPECT_EQ(bm_vcpu_id(), 0);
	EXPECT_EQ(MPIDR_AFF0(bm_read_sysreg(mpidr_el1)), bm_vcpu_id());
}

TEST(mmu_and_caches_on)
{
	uint64_t sctlr = bm_read_sysreg(sctlr_el1);

	EXPECT_TRUE(sctlr & SCTLR_EL1_M);
	EXPECT_TRUE(sctlr & SCTLR_EL1_C);
	EXPECT_TRUE(sctlr & SCTLR_EL1_I);
}

TEST(device_tree)
{
	extern char _image_start[], _image_end[];

	ASSERT_NE(bm_plat.dtb, 0);
	EXPECT_EQ(bm_plat.ram_base, BM_RAM_BASE);
	EXPECT_TRUE(bm_plat.ram_size >= 16ULL << 20);
	/* Our image must lie inside the RAM the DTB describes. */
	EXPECT_TRUE((uintptr_t)_image_start >= bm_plat.ram_base);
	EXPECT_TRUE((uintptr_t)_image_end <= bm_plat.ram_base + bm_plat.ram_size);
	EXPECT_TRUE(bm_plat.ncpus >= 1);
}

TEST(count)
{
	uint32_t n = 0, step = COUNT_TO / PROGRESS_LINES;
	uint64_t t0 = bm_cntvct();

	for (uint32_t i = 0; i < COUNT_TO; i++) {
		/* Opaque to the compiler: the loop really runs. */
		__asm__ volatile("" : "+r"(n));
		n++;
		if (n % step == 0)
			bh_printf("hello: vcpu %u counted %u/%u\n", bm_vcpu_id(), n, COUNT_TO);
	}
	EXPECT_EQ(n, COUNT_TO);
	/* Keep running for a while whatever the speed of the host: cells that
	 * boot a few milliseconds apart must have intervals that overlap by
	 * far more than their start skew. */
	while (bm_cntvct() - t0 < bm_us_to_ticks(COUNT_MIN_US))
		__asm__ volatile("" : "+r"(n));
	/* The counter is system-wide (Bulkhead keeps CNTVOFF at 0): cells'
	 * intervals can be compared to show they ran at the same time. */
	bh_printf("BM-INTERVAL: start=%lu end=%lu\n", (unsigned long)t0,
		  (unsigned long)bm_cntvct());
}

TEST(console_input)
{
	/* Needs someone typing: only with "hello.echo" on the command line. */
	char line[32];
	size_t n = 0;
	uint64_t start, limit = bm_us_to_ticks(5000000);

	if (!bm_bootarg("hello.echo")) {
		bm_test_skip("no hello.echo on the command line");
		return;
	}
	bh_printf("hello: type a line\n");
	start = bm_cntvct();
	while (bm_cntvct() - start < limit) {
		int c = bm_getc();

		if (c < 0)
			continue;
		if (c == '\r' || c == '\n')
			break;
		if (n < sizeof(line) - 1)
			line[n++] = (char)c;
	}
	line[n] = '\0';
	bh_printf("hello: got \"%s\"\n", line);
	EXPECT_TRUE(n > 0);
}

TEST(canary_intact)
{
	size_t bad = 0, first_bad = 0;

	for (size_t i = 0; i < ARRAY_SIZE(canary); i++) {
		if (READ_ONCE(canary[i]) != canary_word(i)) {
			if (!bad)
				first_bad = i;
			bad++;
		}
	}
	if (bad)
		bh_printf("hello: %zu canary words changed, first at %p\n", bad,
			  (void *)&canary[first_bad]);
	EXPECT_EQ(bad, 0);
}
