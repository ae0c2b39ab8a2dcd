/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bare-metal runtime for Bulkhead guest payloads. A payload is one C file:
 *
 *	#include <bm/bm.h>
 *	BM_PAYLOAD("name");
 *	void bm_main(void) { ... }	// optional, runs first on vCPU 0
 *	TEST(something) { EXPECT_EQ(1 + 1, 2); }
 *
 * The runtime boots (stack, MMU, vectors, DTB), prints
 * "BM-BOOT: <name> vcpu=<n> el=<EL>", calls bm_main() and then
 * bm_run_tests(), which prints "BM-RESULT: ..." and powers off.
 */
#pragma once

#include <bulkhead/printf.h>
#include <bulkhead/types.h>

#include <bm/gic.h>
#include <bm/layout.h>
#include <bm/psci.h>
#include <bm/sysreg.h>
#include <bm/test.h>
#include <bm/timer.h>

/* ---- Payload hooks ----------------------------------------------------- */
#define BM_PAYLOAD(n) const char bm_payload_name[] = n
extern const char bm_payload_name[];
/* Runs on vCPU 0 before the tests; the runtime's default does nothing. */
void bm_main(void);

/* ---- Console (PL011 at BM_UART_BASE) ------------------------------------ */
/* Output goes through bh_printf() from core/printf.c: whole lines, never
 * interleaved between vCPUs. */
void bm_putc(char c);
/* Next received character, or -1 if none is waiting. */
int bm_getc(void);

/* ---- Platform, from the device tree ------------------------------------ */
struct bm_platform {
	uint64_t dtb;	   /* 0 if none was found */
	bool dtb_from_x0;  /* x0 at entry pointed at it (else: found at RAM base) */
	uint64_t ram_base; /* first /memory range */
	uint64_t ram_size;
	unsigned int ncpus; /* /cpus/cpu@* nodes (1 if no DTB) */
	uint64_t cpu_mpidr[BM_MAX_VCPUS];
	char bootargs[256]; /* /chosen/bootargs */
	/* Interrupt controller: a top-level node compatible with a GICv3 or
	 * GICv2; without one, GICv3 at BM_GICD_BASE / BM_GICR_BASE. */
	unsigned int gic_version; /* 2 or 3 */
	uint64_t gicd_base;
	uint64_t gicr_base; /* GICv3: first redistributor region */
	uint64_t gicc_base; /* GICv2: CPU interface */
};
extern struct bm_platform bm_plat;
/* True if the whitespace-separated word @word is in /chosen/bootargs. */
bool bm_bootarg(const char *word);
/* "bm.native" on the command line: running on bare QEMU, no hypervisor.
 * Tests of hypervisor-only behaviour skip themselves then. */
bool bm_native(void);

/* ---- vCPUs ---------------------------------------------------------------
 * vCPU index = MPIDR Aff0 (stack slot, TPIDR_EL1, PSCI context id). */
static inline unsigned int bm_vcpu_id(void)
{
	return (unsigned int)bm_read_sysreg(tpidr_el1);
}
/* MPIDR of vCPU @vcpu: its /cpus entry, else the boot vCPU's with Aff0=@vcpu. */
uint64_t bm_vcpu_mpidr(unsigned int vcpu);
/* Start @vcpu in fn(arg) through PSCI CPU_ON; when fn returns the vCPU turns
 * itself off with CPU_OFF. Returns the PSCI status. */
int64_t bm_cpu_on(unsigned int vcpu, void (*fn)(void *), void *arg);
/* PSCI CPU_OFF for the caller; never returns. */
__noreturn void bm_cpu_off(void);
/* Poll AFFINITY_INFO until @vcpu reports @state or @timeout_us passes. */
bool bm_vcpu_wait_state(unsigned int vcpu, int64_t state, uint64_t timeout_us);

/* ---- Spinlock (exclusives: needs the MMU on, which boot guarantees) ----- */
typedef struct {
	uint32_t locked;
} bm_spinlock_t;
#define BM_SPINLOCK_INIT \
	{                \
		0        \
	}
void bm_spin_lock(bm_spinlock_t *l);
void bm_spin_unlock(bm_spinlock_t *l);

/* ---- Exceptions ------------------------------------------------------------ */
struct bm_regs {
	uint64_t x[31];
	uint64_t sp; /* at the exception */
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
};

/* Last synchronous exception the calling vCPU recovered from in a probe. */
struct bm_fault {
	uint64_t esr;
	uint64_t far;
	uint64_t elr;
	uint32_t count; /* recovered exceptions so far on this vCPU */
};
const struct bm_fault *bm_last_fault(void);
static inline unsigned int bm_esr_ec(uint64_t esr)
{
	return (unsigned int)((esr >> ESR_EC_SHIFT) & ((1U << ESR_EC_WIDTH) - 1));
}
const char *bm_esr_ec_name(unsigned int ec);

/*
 * A payload's own handler for synchronous exceptions taken from EL1 (for
 * example debug exceptions). It runs first and returns true if it handled
 * the exception; it may change regs->elr and regs->spsr, which the return
 * from the exception uses. NULL removes it.
 */
typedef bool (*bm_sync_hook_t)(struct bm_regs *regs);
void bm_set_sync_hook(bm_sync_hook_t fn);

/*
 * Guarded accesses: true and the value if the access completed, false if it
 * took a synchronous exception (any data abort), which is recorded in
 * bm_last_fault() and skipped. Addresses are used as they are (identity map).
 */
bool bm_probe_read(uint64_t addr, uint64_t *val);
bool bm_probe_write(uint64_t addr, uint64_t val);
bool bm_probe_read32(uint64_t addr, uint32_t *val);
bool bm_probe_write32(uint64_t addr, uint32_t val);

/* Print @msg, the failing result marker and power off. */
__noreturn void bm_fatal(const char *fmt, ...) __printf(1, 2);

/* ---- Caches ------------------------------------------------------------------ */
/* Clean [addr, addr+size) to the point of coherency, e.g. before a reset. */
void bm_dcache_clean(const void *addr, size_t size);

/* The virtual counter at the payload's first instruction (boot vCPU). */
extern uint64_t bm_entry_ticks;

/* Boot counter kept at BM_PERSIST_ADDR across restarts of the cell:
 * increments, prints "BM-BOOTCOUNT: <n>" and returns n (1 on a cold start). */
uint64_t bm_boot_count_next(void);
/* Start the count afresh on the next boot. */
void bm_boot_count_clear(void);

/* ---- MMIO ---------------------------------------------------------------------
 * One plain load or store each, written in assembly as Linux's readl/writel
 * are: a compiler may otherwise pick a pair or a writeback form, which a
 * hypervisor emulating the device cannot decode (no instruction syndrome). */
static inline uint32_t bm_read32(uintptr_t addr)
{
	uint32_t v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}
static inline void bm_write32(uintptr_t addr, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}
static inline uint64_t bm_read64(uintptr_t addr)
{
	uint64_t v;

	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}
static inline void bm_write64(uintptr_t addr, uint64_t v)
{
	__asm__ volatile("str %x0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}
