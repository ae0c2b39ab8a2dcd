// SPDX-License-Identifier: Apache-2.0
/*
 * EL1 exceptions. IRQs go to the GIC dispatcher. A synchronous exception at
 * an instruction listed in __bm_extable (the probes) is recorded and
 * skipped; anything else is a payload failure: dump, failing result marker,
 * SYSTEM_OFF.
 */
#include <stdarg.h>

#include "internal.h"

_Static_assert(__builtin_offsetof(struct bm_regs, sp) == BM_REGS_SP, "bm_regs.sp");
_Static_assert(__builtin_offsetof(struct bm_regs, elr) == BM_REGS_ELR, "bm_regs.elr");
_Static_assert(__builtin_offsetof(struct bm_regs, spsr) == BM_REGS_SPSR, "bm_regs.spsr");
_Static_assert(__builtin_offsetof(struct bm_regs, esr) == BM_REGS_ESR, "bm_regs.esr");
_Static_assert(__builtin_offsetof(struct bm_regs, far) == BM_REGS_FAR, "bm_regs.far");
_Static_assert(sizeof(struct bm_regs) == BM_REGS_SIZE, "bm_regs size");
_Static_assert(BM_REGS_SIZE % 16 == 0, "SP stays 16-byte aligned");

struct extable_entry {
	uint64_t insn;
	uint64_t fixup;
};
extern const struct extable_entry __bm_extable_start[], __bm_extable_end[];

static struct bm_fault faults[BM_MAX_VCPUS];
static bm_sync_hook_t sync_hook;
/* Set by the first vCPU to crash: one dump and one result, whatever else
 * goes wrong meanwhile. */
static uint32_t crashing;

static const char *const kind_names[16] = {
	"sync (SP_EL0)", "IRQ (SP_EL0)", "FIQ (SP_EL0)", "SError (SP_EL0)",
	"sync",		 "IRQ",		 "FIQ",		 "SError",
	"sync (EL0 64)", "IRQ (EL0 64)", "FIQ (EL0 64)", "SError (EL0 64)",
	"sync (EL0 32)", "IRQ (EL0 32)", "FIQ (EL0 32)", "SError (EL0 32)",
};

const char *bm_esr_ec_name(unsigned int ec)
{
	switch (ec) {
	case ESR_EC_UNKNOWN:
		return "unknown/undefined instruction";
	case ESR_EC_SVC64:
		return "SVC";
	case ESR_EC_HVC64:
		return "HVC";
	case ESR_EC_SMC64:
		return "SMC";
	case ESR_EC_SYSREG:
		return "system register access";
	case ESR_EC_IABT_LOW:
	case ESR_EC_IABT_CUR:
		return "instruction abort";
	case ESR_EC_PC_ALIGN:
		return "PC alignment";
	case ESR_EC_DABT_LOW:
	case ESR_EC_DABT_CUR:
		return "data abort";
	case ESR_EC_SP_ALIGN:
		return "SP alignment";
	case ESR_EC_SERROR:
		return "SError";
	case ESR_EC_BKPT_CUR:
		return "breakpoint";
	case ESR_EC_SSTEP_CUR:
		return "software step";
	case ESR_EC_WPT_CUR:
		return "watchpoint";
	case ESR_EC_BRK64:
		return "BRK";
	default:
		return "other";
	}
}

void bm_set_sync_hook(bm_sync_hook_t fn)
{
	__atomic_store_n(&sync_hook, fn, __ATOMIC_RELEASE);
}

const struct bm_fault *bm_last_fault(void)
{
	return &faults[bm_vcpu_id() % BM_MAX_VCPUS];
}

static const struct extable_entry *extable_find(uint64_t pc)
{
	/* Linker symbols bound the table: count by address, not by pointer
	 * comparison between distinct objects. */
	size_t n = ((uintptr_t)__bm_extable_end - (uintptr_t)__bm_extable_start) /
		   sizeof(struct extable_entry);

	for (size_t i = 0; i < n; i++)
		if (__bm_extable_start[i].insn == pc)
			return &__bm_extable_start[i];
	return NULL;
}

/* Print the result marker as failed and power off; only the first caller
 * does, later ones (other vCPUs, nested faults) just stop. */
static __noreturn void crash_off(void)
{
	if (__atomic_exchange_n(&crashing, 1, __ATOMIC_ACQ_REL)) {
		for (;;) {
			__asm__ volatile("msr daifset, #0xf" : : : "memory");
			bm_wfi();
		}
	}
	bm_test_note_crash();
	bm_fail_and_off();
}

static __noreturn void unexpected(unsigned int kind, const struct bm_regs *r)
{
	unsigned int ec = bm_esr_ec(r->esr);

	bh_printf("bm: UNEXPECTED EXCEPTION on vcpu %u: %s\n", bm_vcpu_id(), kind_names[kind & 15]);
	bh_printf("  ESR 0x%08lx (EC 0x%02x %s, ISS 0x%07lx)\n", (unsigned long)r->esr, ec,
		  bm_esr_ec_name(ec), (unsigned long)(r->esr & 0x1ffffff));
	bh_printf("  FAR 0x%016lx  ELR 0x%016lx  SPSR 0x%08lx  SP 0x%016lx\n",
		  (unsigned long)r->far, (unsigned long)r->elr, (unsigned long)r->spsr,
		  (unsigned long)r->sp);
	for (int i = 0; i < 31; i += 4) {
		char line[128];
		int n = 0;

		/* One bh_printf per line keeps other vCPUs' lines out of it. */
		for (int j = i; j < i + 4 && j < 31; j++)
			n += bh_snprintf(line + n, sizeof(line) - (size_t)n, "  x%-2d 0x%016lx", j,
					 (unsigned long)r->x[j]);
		bh_printf("%s\n", line);
	}
	crash_off();
}

void bm_exception(unsigned int kind, struct bm_regs *regs)
{
	if (kind == 5) { /* IRQ, current EL with SP_EL1 */
		bm_irq_dispatch();
		return;
	}
	if (kind == 4) {
		bm_sync_hook_t hook = __atomic_load_n(&sync_hook, __ATOMIC_ACQUIRE);
		const struct extable_entry *e;

		if (hook && hook(regs))
			return;
		e = extable_find(regs->elr);

		if (e) {
			struct bm_fault *f = &faults[bm_vcpu_id() % BM_MAX_VCPUS];

			f->esr = regs->esr;
			f->far = regs->far;
			f->elr = regs->elr;
			f->count++;
			regs->elr = e->fixup;
			return;
		}
	}
	unexpected(kind, regs);
}

void bm_fatal(const char *fmt, ...)
{
	va_list ap;

	bh_printf("bm: FATAL on vcpu %u: ", bm_vcpu_id());
	va_start(ap, fmt);
	bh_vprintf(fmt, ap);
	va_end(ap);
	bh_printf("\n");
	crash_off();
}

void bm_early_fatal(unsigned int why, uint64_t value)
{
	static const char *const what[] = {"?", "not entered at EL1", "not loaded where linked",
					   "MPIDR Aff0 beyond the vCPU limit"};

	bh_printf_unlocked("BM-BOOT: %s vcpu=%u el=%u\n", bm_payload_name,
			   (unsigned int)MPIDR_AFF0(bm_read_sysreg(mpidr_el1)), bm_current_el());
	bh_printf_unlocked("bm: cannot start: %s (0x%lx)\n", what[why < 4 ? why : 0],
			   (unsigned long)value);
	bh_printf_unlocked("BM-RESULT: 0 passed, 1 failed\n");
	/* PSCI over HVC is only safe from EL1: at EL2 it would enter our own
	 * (unset) vectors. Elsewhere just stop. */
	if (bm_current_el() == 1)
		bm_psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		bm_wfi();
}
