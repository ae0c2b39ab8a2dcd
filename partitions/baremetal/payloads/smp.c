// SPDX-License-Identifier: Apache-2.0
/*
 * smp: vCPU bring-up through PSCI. vCPU 1 is started with CPU_ON, both
 * vCPUs increment a shared counter under a spinlock, AFFINITY_INFO follows
 * vCPU 1 through OFF -> ON -> OFF, and CPU_ON refuses bad or busy targets.
 * The tests run in order and share vCPU 1's state.
 */
#include <bm/bm.h>

BM_PAYLOAD("smp");

#define INCREMENTS   100000U
#define BOOT_TIMEOUT 1000000 /* us */
#define ALL_INCS     20000U

static bm_spinlock_t lock = BM_SPINLOCK_INIT;
static uint64_t counter;		/* protected by lock, updated non-atomically */
static uint32_t vcpu1_alive;		/* vCPU 1 is up, holds its vCPU id + 1 */
static uint32_t go;			/* vCPU 0 lets vCPU 1 start counting */
static uint32_t vcpu1_done;		/* vCPU 1 finished counting */
static uint32_t vcpu1_may_exit;		/* vCPU 1 may return (and CPU_OFF) */
static uint32_t finished[BM_MAX_VCPUS]; /* all_vcpus_again: vCPU n is done */

static void add_many(uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		bm_spin_lock(&lock);
		/* A plain read-modify-write: only the lock keeps it exact. */
		uint64_t v = READ_ONCE(counter);

		__asm__ volatile("" : "+r"(v));
		WRITE_ONCE(counter, v + 1);
		bm_spin_unlock(&lock);
	}
}

static bool wait_flag(uint32_t *flag, uint64_t timeout_us)
{
	uint64_t start = bm_cntvct(), limit = bm_us_to_ticks(timeout_us);

	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE))
		if (bm_cntvct() - start > limit)
			return false;
	return true;
}

static void vcpu1_main(void *arg)
{
	EXPECT_EQ((uintptr_t)arg, 0x1234);
	EXPECT_EQ(bm_vcpu_id(), 1);
	EXPECT_EQ(bm_current_el(), 1);
	EXPECT_TRUE(bm_read_sysreg(sctlr_el1) & SCTLR_EL1_M);
	__atomic_store_n(&vcpu1_alive, bm_vcpu_id() + 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		bm_cpu_relax();
	add_many(INCREMENTS);
	__atomic_store_n(&vcpu1_done, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&vcpu1_may_exit, __ATOMIC_ACQUIRE))
		bm_cpu_relax();
	/* Returning turns this vCPU off (PSCI CPU_OFF in the runtime). */
}

TEST(has_two_vcpus)
{
	ASSERT_TRUE(bm_plat.ncpus >= 2);
	EXPECT_EQ(MPIDR_AFF0(bm_vcpu_mpidr(1)), 1);
}

TEST(vcpu1_off_at_boot)
{
	EXPECT_EQ(bm_psci_affinity_info(bm_vcpu_mpidr(1), 0), PSCI_AFF_OFF);
}

TEST(cpu_on_vcpu1)
{
	ASSERT_EQ(bm_cpu_on(1, vcpu1_main, (void *)0x1234), PSCI_RET_SUCCESS);
	/* PSCI: once CPU_ON succeeded the target is ON or ON_PENDING. QEMU's
	 * own PSCI says OFF until the target has actually started. */
	if (!bm_native())
		EXPECT_NE(bm_psci_affinity_info(bm_vcpu_mpidr(1), 0), PSCI_AFF_OFF);
	ASSERT_TRUE(wait_flag(&vcpu1_alive, BOOT_TIMEOUT));
	EXPECT_EQ(READ_ONCE(vcpu1_alive), 2);
}

TEST(affinity_on)
{
	EXPECT_EQ(bm_psci_affinity_info(bm_vcpu_mpidr(1), 0), PSCI_AFF_ON);
}

TEST(cpu_on_already_on)
{
	int64_t r = bm_psci_cpu_on(bm_vcpu_mpidr(1), BM_LOAD_ADDR, 1);

	EXPECT_TRUE(r == PSCI_RET_ALREADY_ON || r == PSCI_RET_ON_PENDING);
}

TEST(shared_counter)
{
	ASSERT_EQ(READ_ONCE(vcpu1_alive), 2);
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	add_many(INCREMENTS);
	ASSERT_TRUE(wait_flag(&vcpu1_done, 10 * BOOT_TIMEOUT));
	bm_spin_lock(&lock);
	EXPECT_EQ(counter, 2ULL * INCREMENTS);
	bm_spin_unlock(&lock);
}

TEST(cpu_on_nonexistent)
{
	/* Aff0 254: no cell (and no QEMU virt) has that many vCPUs. */
	int64_t r = bm_psci_cpu_on((bm_vcpu_mpidr(0) & ~0xffULL) | 0xfe, BM_LOAD_ADDR, 0);

	EXPECT_TRUE(r == PSCI_RET_INVALID_PARAMETERS || r == PSCI_RET_DENIED);
}

TEST(cpu_on_other_cells_cpus)
{
	if (bm_native()) {
		bm_test_skip("natively every CPU of the machine is ours");
		return;
	}
	/* Beyond our vCPUs lie other cells' CPUs (physical MPIDRs 2, 3 on
	 * qemu-virt): neither startable nor even visible. */
	for (uint64_t aff0 = bm_plat.ncpus; aff0 < 4; aff0++) {
		int64_t r = bm_psci_cpu_on(aff0, BM_LOAD_ADDR, 0);

		EXPECT_TRUE(r == PSCI_RET_INVALID_PARAMETERS || r == PSCI_RET_DENIED);
		EXPECT_EQ(bm_psci_affinity_info(aff0, 0),
			  (uint64_t)(int64_t)PSCI_RET_INVALID_PARAMETERS);
	}
}

TEST(cpu_off_vcpu1)
{
	__atomic_store_n(&vcpu1_may_exit, 1, __ATOMIC_RELEASE);
	EXPECT_TRUE(bm_vcpu_wait_state(1, PSCI_AFF_OFF, BOOT_TIMEOUT));
	EXPECT_EQ(bm_psci_affinity_info(bm_vcpu_mpidr(1), 0), PSCI_AFF_OFF);
}

static void count_and_leave(void *arg)
{
	(void)arg;
	add_many(ALL_INCS);
	__atomic_store_n(&finished[bm_vcpu_id()], 1, __ATOMIC_RELEASE);
}

TEST(all_vcpus_again)
{
	/* Every other vCPU (vCPU 1 for the second time), each on its own stack. */
	unsigned int n = MIN(bm_plat.ncpus, (unsigned int)BM_MAX_VCPUS);

	bm_spin_lock(&lock);
	counter = 0;
	bm_spin_unlock(&lock);
	for (unsigned int v = 1; v < n; v++)
		EXPECT_EQ(bm_cpu_on(v, count_and_leave, NULL), PSCI_RET_SUCCESS);
	add_many(ALL_INCS);
	for (unsigned int v = 1; v < n; v++) {
		/* Finished first: right after CPU_ON the state may still read OFF. */
		EXPECT_TRUE(wait_flag(&finished[v], 10 * BOOT_TIMEOUT));
		EXPECT_TRUE(bm_vcpu_wait_state(v, PSCI_AFF_OFF, BOOT_TIMEOUT));
	}
	bm_spin_lock(&lock);
	EXPECT_EQ(counter, (uint64_t)n * ALL_INCS);
	bm_spin_unlock(&lock);
	bh_printf("smp: %u vcpus counted to %lu\n", n, (unsigned long)counter);
}
