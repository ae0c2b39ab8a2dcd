// SPDX-License-Identifier: Apache-2.0
/*
 * MMIO emulation path: data-abort syndrome decoding (arch/aarch64), load
 * results with every size and sign extension, store values, register 31
 * as XZR, and the device lookup by IPA.
 */
#include <bulkhead/cell.h>
#include <bulkhead/errno.h>
#include <bulkhead/mmio.h>

#include <arch/esr.h>

#include "ut.h"

/* ESR of a stage-2 data abort with a valid syndrome. */
static uint64_t dabt(unsigned int sas, bool sse, unsigned int srt, bool sf, bool wnr)
{
	return FIELD_PREP(ESR_EC, EC_DABT_LOWER) | ESR_IL | ESR_DABT_ISV |
	       FIELD_PREP(ESR_DABT_SAS, sas) | (sse ? ESR_DABT_SSE : 0) |
	       FIELD_PREP(ESR_DABT_SRT, srt) | (sf ? ESR_DABT_SF : 0) | (wnr ? ESR_DABT_WNR : 0);
}

TEST(mmio_decode_sizes_registers_direction)
{
	for (unsigned int sas = 0; sas < 4; sas++) {
		struct mmio_access a;

		EXPECT_EQ(arch_mmio_decode(dabt(sas, false, 7, true, sas & 1), 0x9000018, &a), 0);
		EXPECT_EQ(a.size, 1U << sas);
		EXPECT_EQ(a.reg, 7);
		EXPECT_EQ(a.write, (sas & 1) != 0);
		EXPECT_EQ(a.addr, 0x9000018);
		EXPECT_TRUE(a.reg64);
		EXPECT_TRUE(!a.sign_extend);
	}
}

TEST(mmio_decode_rejects_unusable_syndromes)
{
	struct mmio_access a;

	/* ISV = 0: LDP/STP, exclusives, writeback forms. */
	EXPECT_EQ(arch_mmio_decode(dabt(2, false, 1, true, false) & ~ESR_DABT_ISV, 0, &a),
		  (uint64_t)-BH_EINVAL);
	/* A stage-1 table walk that hit a hole is not an access to emulate. */
	EXPECT_EQ(arch_mmio_decode(dabt(3, false, 1, true, false) | ESR_DABT_S1PTW, 0, &a),
		  (uint64_t)-BH_EINVAL);
}

static uint64_t load(unsigned int sas, bool sse, bool sf, uint64_t device_value)
{
	struct mmio_access a;
	uint64_t x[31];

	for (int i = 0; i < 31; i++)
		x[i] = 0x5555555555555555ULL;
	arch_mmio_decode(dabt(sas, sse, 3, sf, false), 0, &a);
	a.value = device_value;
	mmio_complete_load(x, &a);
	return x[3];
}

TEST(mmio_load_zero_and_sign_extension)
{
	/* LDRB/LDRH/LDR W/LDR X: zero-extended, extra device bits dropped. */
	EXPECT_EQ(load(0, false, false, 0x1ff), 0xff);
	EXPECT_EQ(load(1, false, false, 0x18001), 0x8001);
	EXPECT_EQ(load(2, false, false, 0x1234567890ULL), 0x34567890);
	EXPECT_EQ(load(3, false, true, 0xfedcba9876543210ULL), 0xfedcba9876543210ULL);
	/* LDRSB Xt / LDRSH Xt / LDRSW Xt */
	EXPECT_EQ(load(0, true, true, 0x80), 0xffffffffffffff80ULL);
	EXPECT_EQ(load(1, true, true, 0x8000), 0xffffffffffff8000ULL);
	EXPECT_EQ(load(2, true, true, 0x80000000), 0xffffffff80000000ULL);
	/* LDRSB Wt / LDRSH Wt: sign-extended to 32 bits, upper half cleared. */
	EXPECT_EQ(load(0, true, false, 0x80), 0xffffff80ULL);
	EXPECT_EQ(load(1, true, false, 0x8000), 0xffff8000ULL);
	/* Positive values are not extended. */
	EXPECT_EQ(load(0, true, true, 0x7f), 0x7f);
}

TEST(mmio_register_31_is_xzr)
{
	struct mmio_access a;
	uint64_t x[31] = {0};

	x[30] = 0xabc;
	/* STR XZR stores zero; it never reads x30's slot or beyond. */
	arch_mmio_decode(dabt(3, false, 31, true, true), 0, &a);
	EXPECT_EQ(mmio_store_value(x, &a), 0);
	/* LDR XZR discards the value. */
	arch_mmio_decode(dabt(3, false, 31, true, false), 0, &a);
	a.value = 0x1234;
	mmio_complete_load(x, &a);
	EXPECT_EQ(x[30], 0xabc);
}

TEST(mmio_store_value_is_sized)
{
	struct mmio_access a;
	uint64_t x[31] = {0};

	x[5] = 0x1122334455667788ULL;
	arch_mmio_decode(dabt(0, false, 5, true, true), 0, &a);
	EXPECT_EQ(mmio_store_value(x, &a), 0x88);
	arch_mmio_decode(dabt(1, false, 5, true, true), 0, &a);
	EXPECT_EQ(mmio_store_value(x, &a), 0x7788);
	arch_mmio_decode(dabt(2, false, 5, false, true), 0, &a);
	EXPECT_EQ(mmio_store_value(x, &a), 0x55667788);
	arch_mmio_decode(dabt(3, false, 5, true, true), 0, &a);
	EXPECT_EQ(mmio_store_value(x, &a), 0x1122334455667788ULL);
}

static int dummy_handler(struct vcpu *v, void *dev, uint64_t off, struct mmio_access *a)
{
	(void)v;
	a->value = off + (uint64_t)(uintptr_t)dev;
	return 0;
}

TEST(mmio_device_lookup_bounds)
{
	struct bh_cell cfg = {.name = "t"};
	struct cell c = {.cfg = &cfg};
	struct vcpu v = {.cell = &c};
	struct mmio_access a = {.size = 4};
	const struct vdev *d;

	EXPECT_EQ(vdev_add(&c, 0x9000000, 0x1000, dummy_handler, (void *)0x100, "dummy"), 0);
	a.addr = 0x9000ffc;
	EXPECT_EQ(mmio_dispatch(&v, &a, &d), 0);
	EXPECT_EQ(a.value, 0xffc + 0x100);
	EXPECT_STREQ(d->name, "dummy");
	/* Straddling the end, or just past it: no device. */
	a.addr = 0x9000ffe;
	EXPECT_EQ(mmio_dispatch(&v, &a, &d), (uint64_t)-BH_ERANGE);
	a.addr = 0x9001000;
	EXPECT_EQ(mmio_dispatch(&v, &a, &d), (uint64_t)-BH_ERANGE);
	a.addr = 0x8fffffc;
	EXPECT_EQ(mmio_dispatch(&v, &a, &d), (uint64_t)-BH_ERANGE);
	for (int i = 1; i < CELL_MAX_VDEVS; i++)
		EXPECT_EQ(vdev_add(&c, 0x10000000 + (uint64_t)i * 0x1000, 0x1000, dummy_handler,
				   NULL, "dummy"),
			  0);
	EXPECT_EQ(vdev_add(&c, 0x20000000, 0x1000, dummy_handler, NULL, "dummy"),
		  (uint64_t)-BH_ENOMEM);
}
