// SPDX-License-Identifier: Apache-2.0
/*
 * psci: the firmware interface a cell sees. PSCI and SMCCC versions,
 * PSCI_FEATURES, unknown function IDs over HVC and SMC (NOT_SUPPORTED, and
 * we keep running), and CPU_ON / AFFINITY_INFO with bad arguments.
 * With "bm.native" (bare QEMU, PSCI by QEMU itself) the checks that only a
 * hypervisor can satisfy are relaxed as noted at each.
 */
#include <bm/bm.h>

#include <bulkhead/smccc.h>

BM_PAYLOAD("psci");

/* Function IDs no implementation of PSCI 1.1 / SMCCC 1.1 assigns. */
static const uint32_t unknown_fids[] = {
	0x8400001fU, /* PSCI range, unallocated (SMC32) */
	0xc400001fU, /* PSCI range, unallocated (SMC64) */
	0x86000042U, /* vendor-specific hypervisor service, unused */
	0x8200ff00U, /* SiP service */
	0xbf00ff00U, /* trusted OS range */
};

/* MPIDR values no vCPU has: Aff0 far past any cell, or higher levels set. */
static const uint64_t bogus_mpidrs[] = {0xfe, 0x0000ff00, 0x00ff0000, 0xff00000000ULL};

TEST(psci_version)
{
	int64_t v = bm_psci_version();

	bh_printf("psci: PSCI version %ld.%ld\n", (long)(v >> 16), (long)(v & 0xffff));
	EXPECT_TRUE(v >= 0x10000); /* at least 1.0: PSCI_FEATURES exists */
	EXPECT_EQ(v >> 16, 1);
}

TEST(psci_features_known)
{
	static const uint32_t fids[] = {PSCI_VERSION,	       PSCI_CPU_ON_64,	PSCI_CPU_OFF,
					PSCI_AFFINITY_INFO_64, PSCI_SYSTEM_OFF, PSCI_SYSTEM_RESET,
					PSCI_FEATURES};

	for (size_t i = 0; i < ARRAY_SIZE(fids); i++) {
		int64_t f = bm_psci_features(fids[i]);

		if (f < 0)
			bh_printf("psci: FEATURES(0x%x) = %ld\n", fids[i], (long)f);
		EXPECT_TRUE(f >= 0);
	}
}

TEST(psci_features_unknown)
{
	for (size_t i = 0; i < ARRAY_SIZE(unknown_fids); i++)
		EXPECT_EQ(bm_psci_features(unknown_fids[i]), PSCI_RET_NOT_SUPPORTED);
}

TEST(smccc_version)
{
	int64_t f = bm_psci_features(SMCCC_VERSION), v = bm_smccc_version();

	bh_printf("psci: FEATURES(SMCCC_VERSION) = %ld, SMCCC_VERSION = 0x%lx\n", (long)f,
		  (unsigned long)v);
	if (bm_native() && f == PSCI_RET_NOT_SUPPORTED) {
		/* QEMU's built-in PSCI is SMCCC 1.0, which has no SMCCC_VERSION:
		 * then the call itself must say NOT_SUPPORTED. */
		EXPECT_EQ(v, PSCI_RET_NOT_SUPPORTED);
		return;
	}
	EXPECT_EQ(f, PSCI_RET_SUCCESS);
	EXPECT_TRUE(v >= 0x10001);
	EXPECT_EQ(v >> 16, 1);
}

TEST(unknown_hvc)
{
	for (size_t i = 0; i < ARRAY_SIZE(unknown_fids); i++) {
		struct bm_smccc_res r = bm_hvc(unknown_fids[i], 1, 2, 3);

		/* SMCCC: NOT_SUPPORTED is -1 in w0 (x0 for SMC64 calls). */
		if (unknown_fids[i] & SMCCC_FID_64)
			EXPECT_EQ(r.a0, (uint64_t)-1);
		else
			EXPECT_EQ((uint32_t)r.a0, 0xffffffffU);
	}
	/* We are still running, and so is the firmware. */
	EXPECT_TRUE(bm_psci_version() >= 0x10000);
}

TEST(unknown_smc)
{
	for (size_t i = 0; i < ARRAY_SIZE(unknown_fids); i++) {
		struct bm_smccc_res r;
		uint32_t count = bm_last_fault()->count;

		if (bm_smc_probe(unknown_fids[i], 1, 2, 3, &r)) {
			EXPECT_EQ((uint32_t)r.a0, 0xffffffffU);
			continue;
		}
		/* Natively there is no EL3 and the conduit is HVC, so SMC is an
		 * undefined instruction; under Bulkhead SMC must be handled. */
		EXPECT_TRUE(bm_native());
		EXPECT_EQ(bm_last_fault()->count, count + 1);
		EXPECT_EQ(bm_esr_ec(bm_last_fault()->esr), ESR_EC_UNKNOWN);
	}
	EXPECT_TRUE(bm_psci_version() >= 0x10000);
}

TEST(cpu_on_bad_mpidr)
{
	for (size_t i = 0; i < ARRAY_SIZE(bogus_mpidrs); i++) {
		int64_t r = bm_psci_cpu_on(bogus_mpidrs[i], BM_LOAD_ADDR, 0);

		if (r != PSCI_RET_INVALID_PARAMETERS && r != PSCI_RET_DENIED)
			bh_printf("psci: CPU_ON(0x%lx) = %ld\n", (unsigned long)bogus_mpidrs[i],
				  (long)r);
		EXPECT_TRUE(r == PSCI_RET_INVALID_PARAMETERS || r == PSCI_RET_DENIED);
	}
}

TEST(cpu_on_self_already_on)
{
	EXPECT_EQ(bm_psci_cpu_on(bm_read_sysreg(mpidr_el1) & MPIDR_AFF_MASK, BM_LOAD_ADDR, 0),
		  PSCI_RET_ALREADY_ON);
}

TEST(cpu_on_bad_entry)
{
	/* Entry points outside the cell's RAM, or misaligned. QEMU's PSCI
	 * only checks alignment (the vCPU would start anywhere else). */
	static const struct {
		uint64_t entry;
		bool native_too;
	} entries[] = {
		{0x40200002, true},
		{0x0, false},
		{0x09000000, false},
		{0xffffffff00000000ULL, false},
	};

	if (bm_plat.ncpus < 2) {
		bm_test_skip("needs a second vcpu");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(entries); i++) {
		int64_t r;

		if (bm_native() && !entries[i].native_too)
			continue;
		r = bm_psci_cpu_on(bm_vcpu_mpidr(1), entries[i].entry, 1);
		/* Accepted: vCPU 1 now runs wild, so stop everything. */
		if (r >= 0)
			bm_fatal("CPU_ON(vcpu 1, entry 0x%lx) accepted (%ld)",
				 (unsigned long)entries[i].entry, (long)r);
		EXPECT_TRUE(r == PSCI_RET_INVALID_ADDRESS || r == PSCI_RET_INVALID_PARAMETERS);
	}
	EXPECT_EQ(bm_psci_affinity_info(bm_vcpu_mpidr(1), 0), PSCI_AFF_OFF);
}

TEST(affinity_info)
{
	EXPECT_EQ(bm_psci_affinity_info(bm_read_sysreg(mpidr_el1) & MPIDR_AFF_MASK, 0),
		  PSCI_AFF_ON);
	if (bm_plat.ncpus >= 2)
		EXPECT_EQ(bm_psci_affinity_info(bm_vcpu_mpidr(1), 0), PSCI_AFF_OFF);
	for (size_t i = 0; i < ARRAY_SIZE(bogus_mpidrs); i++)
		EXPECT_EQ(bm_psci_affinity_info(bogus_mpidrs[i], 0), PSCI_RET_INVALID_PARAMETERS);
}

/* Bulkhead's own hypercalls, with good and with garbage arguments. */
TEST(bulkhead_hypercalls)
{
	static const char msg[] = "psci: hello through BH_HC_CONSOLE_WRITE\n";
	struct bm_smccc_res r, r2;

	if (bm_native()) {
		bm_test_skip("no Bulkhead underneath");
		return;
	}
	r = bm_hvc(BH_HC_CELL_INFO, 0, 0, 0);
	EXPECT_EQ(r.a0, 0);
	EXPECT_EQ(r.a2, bm_vcpu_id());
	EXPECT_EQ(r.a3, bm_plat.ncpus);
	r = bm_hvc(BH_HC_CONSOLE_WRITE, (uint64_t)(uintptr_t)msg, sizeof(msg) - 1, 0);
	EXPECT_EQ(r.a0, sizeof(msg) - 1);
	/* Too long, outside the cell, straddling the end of its RAM, NULL. */
	r = bm_hvc(BH_HC_CONSOLE_WRITE, (uint64_t)(uintptr_t)msg, 100000, 0);
	EXPECT_EQ(r.a0, (uint64_t)(int64_t)SMCCC_RET_INVALID_PARAMETER);
	r = bm_hvc(BH_HC_CONSOLE_WRITE, 0x48000000, 16, 0);
	EXPECT_EQ(r.a0, (uint64_t)(int64_t)SMCCC_RET_INVALID_PARAMETER);
	r = bm_hvc(BH_HC_CONSOLE_WRITE, bm_plat.ram_base + bm_plat.ram_size - 8, 16, 0);
	EXPECT_EQ(r.a0, (uint64_t)(int64_t)SMCCC_RET_INVALID_PARAMETER);
	r = bm_hvc(BH_HC_CONSOLE_WRITE, 0, 16, 0);
	EXPECT_EQ(r.a0, (uint64_t)(int64_t)SMCCC_RET_INVALID_PARAMETER);
	r = bm_hvc(BH_HC_CONSOLE_WRITE, ~0ULL, ~0ULL, ~0ULL);
	EXPECT_EQ(r.a0, (uint64_t)(int64_t)SMCCC_RET_INVALID_PARAMETER);
	/* The exit counter counts this very call and only grows. */
	r = bm_hvc(BH_HC_VCPU_EXITS, 0, 0, 0);
	r2 = bm_hvc(BH_HC_VCPU_EXITS, 0, 0, 0);
	EXPECT_EQ(r.a0, 0);
	EXPECT_TRUE(r.a1 > 0);
	EXPECT_EQ(r2.a1, r.a1 + 1);
	/* Unused vendor hypercall numbers, also as SMC. */
	r = bm_hvc(BH_HC_BASE + 0xff, 1, 2, 3);
	EXPECT_EQ(r.a0, (uint64_t)(int64_t)SMCCC_RET_NOT_SUPPORTED);
	r = bm_smc(BH_HC_BASE + 0x1234, 1, 2, 3);
	EXPECT_EQ(r.a0, (uint64_t)(int64_t)SMCCC_RET_NOT_SUPPORTED);
}
