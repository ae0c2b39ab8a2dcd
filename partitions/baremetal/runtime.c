// SPDX-License-Identifier: Apache-2.0
/* Boot flow after start.S, vCPU bring-up and the spinlock. */
#include "internal.h"

uint64_t bm_entry_ticks;

bool bm_mmu_on;

/* What a secondary runs; written by the vCPU that starts it. */
static struct {
	void (*fn)(void *);
	void *arg;
} boot[BM_MAX_VCPUS];

__attribute__((weak)) void bm_main(void) {}

/*
 * Test-and-test-and-set rather than a ticket lock: with more vCPUs than
 * host CPUs (plain QEMU, or a loaded host) a ticket lock hands the lock to
 * a waiter that is not running and everyone stalls behind it.
 */
void bm_spin_lock(bm_spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			bm_wfe();
}

void bm_spin_unlock(bm_spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	/* Wake waiters in WFE; the DSB orders the store before the event. */
	__asm__ volatile("dsb ishst\n\tsev" : : : "memory");
}

uint64_t bm_vcpu_mpidr(unsigned int vcpu)
{
	unsigned int n = MIN(bm_plat.ncpus, (unsigned int)BM_MAX_VCPUS);

	for (unsigned int i = 0; i < n; i++)
		if (MPIDR_AFF0(bm_plat.cpu_mpidr[i]) == vcpu)
			return bm_plat.cpu_mpidr[i];
	return (bm_read_sysreg(mpidr_el1) & MPIDR_AFF_MASK & ~0xffULL) | vcpu;
}

int64_t bm_cpu_on(unsigned int vcpu, void (*fn)(void *), void *arg)
{
	if (vcpu >= BM_MAX_VCPUS)
		return PSCI_RET_INVALID_PARAMETERS;
	boot[vcpu].arg = arg;
	WRITE_ONCE(boot[vcpu].fn, fn);
	/* The target reads boot[] with its MMU on, coherently; PSCI itself is
	 * not a memory barrier, so order our stores before the call. */
	bm_dsb_ish();
	return bm_psci_cpu_on(bm_vcpu_mpidr(vcpu), (uint64_t)(uintptr_t)bm_secondary_entry, vcpu);
}

void bm_cpu_off(void)
{
	int64_t ret;

	__asm__ volatile("msr daifset, #0xf" : : : "memory");
	ret = bm_psci_cpu_off();
	bm_fatal("PSCI CPU_OFF returned %ld", (long)ret);
}

bool bm_vcpu_wait_state(unsigned int vcpu, int64_t state, uint64_t timeout_us)
{
	uint64_t start = bm_cntvct(), limit = bm_us_to_ticks(timeout_us);

	for (;;) {
		if (bm_psci_affinity_info(bm_vcpu_mpidr(vcpu), 0) == state)
			return true;
		if (bm_cntvct() - start > limit)
			return false;
		bm_udelay(100);
	}
}

void bm_primary_main(uint64_t dtb)
{
	bm_mmu_on = true;
	bh_printf("BM-BOOT: %s vcpu=%u el=%u\n", bm_payload_name, bm_vcpu_id(), bm_current_el());
	bm_fdt_scan(dtb);
	if (bm_plat.dtb)
		bh_printf("bm: dtb 0x%lx (%s), ram 0x%lx+0x%lx, %u vcpus, bootargs \"%s\"\n",
			  (unsigned long)bm_plat.dtb,
			  bm_plat.dtb_from_x0 ? "x0" : "found at RAM base",
			  (unsigned long)bm_plat.ram_base, (unsigned long)bm_plat.ram_size,
			  bm_plat.ncpus, bm_plat.bootargs);
	else
		bh_printf("bm: no device tree (x0 = 0x%lx); assuming 1 vcpu\n", (unsigned long)dtb);
	if (bm_plat.ncpus > BM_MAX_VCPUS)
		bh_printf("bm: %u vcpus described, only %u usable\n", bm_plat.ncpus, BM_MAX_VCPUS);
	if (MPIDR_AFF0(bm_vcpu_mpidr(bm_vcpu_id())) != bm_vcpu_id())
		bm_fatal("boot vcpu is not in /cpus");
	bm_main();
	bm_run_tests();
}

void bm_secondary_main(unsigned int vcpu)
{
	void (*fn)(void *) = READ_ONCE(boot[vcpu].fn);
	uint64_t mpidr = bm_read_sysreg(mpidr_el1);

	/* The runtime's contract: vCPU index (= context id) is MPIDR Aff0. */
	if (MPIDR_AFF0(mpidr) != vcpu)
		bm_fatal("started as vcpu %u but MPIDR is 0x%lx", vcpu, (unsigned long)mpidr);
	if (!fn)
		bm_fatal("vcpu %u started with nothing to run", vcpu);
	fn(boot[vcpu].arg);
	bm_cpu_off();
}
