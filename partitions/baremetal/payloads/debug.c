// SPDX-License-Identifier: Apache-2.0
/*
 * debug: the cell's self-hosted debug, kvm-unit-tests style. Hardware
 * breakpoints and watchpoints fire exactly once per hit with the syndrome,
 * ELR and FAR the architecture gives; single step walks over instructions
 * the hypervisor emulates (an HVC, MMIO loads from the emulated UART and
 * GIC distributor, a trapped system register) with one step exception per
 * instruction; the OS lock blocks them as on hardware; and a restart of the
 * cell (PSCI SYSTEM_RESET) leaves nothing armed.
 *
 * The first boot arms a breakpoint, a watchpoint and MDSCR_EL1 and resets
 * the cell; the tests run on the second boot.
 */
#include <bm/bm.h>

#include <bulkhead/smccc.h>

BM_PAYLOAD("debug");

/* MDSCR_EL1 */
#define MDSCR_SS	    BIT(0)
#define MDSCR_TDCC	    BIT(12)
#define MDSCR_KDE	    BIT(13)
#define MDSCR_MDE	    BIT(15)
/* DBGBCR<n>_EL1 / DBGWCR<n>_EL1 */
#define DBGxCR_E	    BIT(0)
#define DBGxCR_PMC_EL1	    (1U << 1) /* PMC/PAC: match at EL1 only */
#define DBGxCR_PMC_ALL	    (3U << 1) /* EL1 and EL0 */
#define DBGxCR_HMC	    BIT(13)
#define DBGxCR_SSC_NS	    (1U << 14)
#define DBGBCR_BAS_A64	    (0xfU << 5) /* an A64 instruction */
#define DBGWCR_LSC_LOAD	    (1U << 3)
#define DBGWCR_LSC_STOR	    (2U << 3)
#define DBGWCR_BAS_8	    (0xffU << 5) /* eight bytes from the doubleword address */
/* OSLSR_EL1 */
#define OSLSR_OSLM_IMPL	    0x8 /* OSLM = 0b10: the OS lock is implemented */
#define OSLSR_OSLK	    BIT(1)
/* SPSR_EL1 */
#define SPSR_D		    BIT(9)
#define SPSR_SS		    BIT(21)
/* ESR_EL1 ISS of debug exceptions */
#define ESR_IL		    BIT(25)
#define ESR_DBG_FSC	    0x22 /* IFSC/DFSC: debug exception */
#define ID_AA64DFR0_BRPS(v) ((unsigned int)(((v) >> 12) & 0xf) + 1)
#define ID_AA64DFR0_WRPS(v) ((unsigned int)(((v) >> 20) & 0xf) + 1)

#define PSCI_VERSION_FID 0x84000000U
#define UART_FR		 (BM_UART_BASE + 0x18)

#define MAX_HITS 16

struct hits {
	volatile unsigned int n;
	uint64_t elr[MAX_HITS], esr[MAX_HITS], far[MAX_HITS];
};

static struct hits bp, wp, ss;
/* An instruction that must be UNDEFINED: the hook skips it and counts. */
static volatile uint64_t undef_at;
static volatile unsigned int undefs;

static uint64_t boot;
/* Debug state as the second boot found it, before any test touched it. */
static struct {
	uint64_t mdscr, oslsr, bcr0, bvr0, wcr0, wvr0;
} at_boot;

/* Targets, in assembly so the addresses of single instructions are known. */
extern uint64_t bp_target(uint64_t x);
extern char bp_insn[];
extern void wp_store(volatile uint64_t *p, uint64_t v);
extern char wp_store_insn[];
extern uint64_t wp_load(volatile uint64_t *p);
extern char wp_load_insn[];
/* Runs the stepped sequence with debug exceptions unmasked; out[0..3] =
 * x0 after the HVC, the UART and GICD loads, OSLSR_EL1. */
extern void ss_sequence(uint64_t out[4], uint64_t uart_fr, uint64_t gicd);
extern char ss_1[], ss_2[], ss_3[], ss_4[], ss_5[], ss_6[], ss_7[];
extern void undef_bcr15(void);
extern char undef_bcr15_insn[];

__asm__(".pushsection .text.debug_targets, \"ax\"\n"
	".balign 8\n"
	".globl bp_target\n"
	"bp_target:\n"
	"	nop\n"
	".globl bp_insn\n"
	"bp_insn:\n"
	"	add x0, x0, #1\n"
	"	ret\n"
	".globl wp_store\n"
	"wp_store:\n"
	".globl wp_store_insn\n"
	"wp_store_insn:\n"
	"	str x1, [x0]\n"
	"	ret\n"
	".globl wp_load\n"
	"wp_load:\n"
	".globl wp_load_insn\n"
	"wp_load_insn:\n"
	"	ldr x0, [x0]\n"
	"	ret\n"
	".globl ss_sequence\n"
	"ss_sequence:\n"
	"	mov x9, x0\n"
	"	mov w0, #0x84000000\n" /* PSCI_VERSION */
	"	msr daifclr, #8\n"
	".globl ss_1\n"
	"ss_1:	hvc #0\n"
	".globl ss_2\n"
	"ss_2:	ldr w4, [x1]\n"
	".globl ss_3\n"
	"ss_3:	ldr w5, [x2]\n"
	".globl ss_4\n"
	"ss_4:	mrs x6, oslsr_el1\n"
	".globl ss_5\n"
	"ss_5:	nop\n"
	".globl ss_6\n"
	"ss_6:	msr daifset, #8\n"
	".globl ss_7\n"
	"ss_7:\n"
	"	stp x0, x4, [x9]\n"
	"	stp x5, x6, [x9, #16]\n"
	"	ret\n"
	".globl undef_bcr15\n"
	"undef_bcr15:\n"
	".globl undef_bcr15_insn\n"
	"undef_bcr15_insn:\n"
	"	mrs x0, dbgbcr15_el1\n"
	"	ret\n"
	".popsection\n");

static void record(struct hits *h, const struct bm_regs *r)
{
	unsigned int i = h->n;

	if (i < MAX_HITS) {
		h->elr[i] = r->elr;
		h->esr[i] = r->esr;
		h->far[i] = r->far;
	}
	h->n = i + 1;
}

static bool debug_hook(struct bm_regs *r)
{
	switch (bm_esr_ec(r->esr)) {
	case ESR_EC_BKPT_CUR:
		record(&bp, r);
		r->spsr |= SPSR_D; /* return with debug masked: step over the hit */
		return true;
	case ESR_EC_WPT_CUR:
		record(&wp, r);
		r->spsr |= SPSR_D; /* the access re-executes and completes */
		return true;
	case ESR_EC_SSTEP_CUR:
		record(&ss, r);
		r->spsr |= SPSR_SS; /* step the next instruction */
		return true;
	case ESR_EC_UNKNOWN:
		if (r->elr != undef_at)
			return false;
		undefs++;
		r->elr += 4;
		return true;
	default:
		return false;
	}
}

static void clear_hits(void)
{
	bp.n = wp.n = ss.n = 0;
}

static void debug_mask(void)
{
	__asm__ volatile("msr daifset, #8" : : : "memory");
}

static void debug_unmask(void)
{
	__asm__ volatile("msr daifclr, #8" : : : "memory");
}

#define DBG_CASE(kind, n)                                  \
	case n:                                            \
		if (write)                                 \
			bm_write_sysreg(kind##n##_el1, v); \
		else                                       \
			v = bm_read_sysreg(kind##n##_el1); \
		break;
#define DBG_SWITCH(kind, n)        \
	switch (n) {               \
		DBG_CASE(kind, 0)  \
		DBG_CASE(kind, 1)  \
		DBG_CASE(kind, 2)  \
		DBG_CASE(kind, 3)  \
		DBG_CASE(kind, 4)  \
		DBG_CASE(kind, 5)  \
		DBG_CASE(kind, 6)  \
		DBG_CASE(kind, 7)  \
		DBG_CASE(kind, 8)  \
		DBG_CASE(kind, 9)  \
		DBG_CASE(kind, 10) \
		DBG_CASE(kind, 11) \
		DBG_CASE(kind, 12) \
		DBG_CASE(kind, 13) \
		DBG_CASE(kind, 14) \
		DBG_CASE(kind, 15) \
	default:                   \
		break;             \
	}

enum dbg_reg { BVR, BCR, WVR, WCR };

static uint64_t dbg_access(enum dbg_reg r, unsigned int n, bool write, uint64_t v)
{
	switch (r) {
	case BVR:
		DBG_SWITCH(dbgbvr, n)
		break;
	case BCR:
		DBG_SWITCH(dbgbcr, n)
		break;
	case WVR:
		DBG_SWITCH(dbgwvr, n)
		break;
	case WCR:
		DBG_SWITCH(dbgwcr, n)
		break;
	}
	return v;
}

static void dbg_write(enum dbg_reg r, unsigned int n, uint64_t v)
{
	dbg_access(r, n, true, v);
}

static uint64_t dbg_read(enum dbg_reg r, unsigned int n)
{
	return dbg_access(r, n, false, 0);
}

static unsigned int nbrps(void)
{
	return ID_AA64DFR0_BRPS(bm_read_sysreg(id_aa64dfr0_el1));
}

static unsigned int nwrps(void)
{
	return ID_AA64DFR0_WRPS(bm_read_sysreg(id_aa64dfr0_el1));
}

/* As kvm-unit-tests: debug masked, OS double lock and OS lock released,
 * MDSCR_EL1 and every breakpoint and watchpoint cleared. */
static void debug_reset(void)
{
	debug_mask();
	bm_write_sysreg(osdlr_el1, 0);
	bm_write_sysreg(oslar_el1, 0);
	bm_isb();
	bm_write_sysreg(mdscr_el1, 0);
	for (unsigned int i = 0; i < nbrps(); i++) {
		dbg_write(BVR, i, 0);
		dbg_write(BCR, i, 0);
	}
	for (unsigned int i = 0; i < nwrps(); i++) {
		dbg_write(WVR, i, 0);
		dbg_write(WCR, i, 0);
	}
	bm_isb();
	clear_hits();
}

static void arm_bp0(void)
{
	dbg_write(BVR, 0, (uintptr_t)bp_insn);
	dbg_write(BCR, 0, DBGBCR_BAS_A64 | DBGxCR_PMC_EL1 | DBGxCR_E);
	bm_isb();
}

static void arm_wp0(volatile uint64_t *p, uint64_t lsc)
{
	dbg_write(WVR, 0, (uintptr_t)p);
	dbg_write(WCR, 0, DBGWCR_BAS_8 | lsc | DBGxCR_PMC_EL1 | DBGxCR_E);
	bm_isb();
}

static void set_mdscr(uint64_t v)
{
	bm_write_sysreg(mdscr_el1, v);
	bm_isb();
}

static volatile uint64_t watched[2] __attribute__((aligned(16)));

void bm_main(void)
{
	bm_set_sync_hook(debug_hook);
	bh_printf("debug: ID_AA64DFR0_EL1 0x%lx: %u breakpoints, %u watchpoints\n",
		  (unsigned long)bm_read_sysreg(id_aa64dfr0_el1), nbrps(), nwrps());
	boot = bm_boot_count_next();
	if (boot == 1) {
		/* Leave everything armed, then reset the cell. */
		debug_reset();
		arm_bp0();
		arm_wp0(&watched[0], DBGWCR_LSC_STOR | DBGWCR_LSC_LOAD);
		set_mdscr(MDSCR_KDE | MDSCR_MDE | MDSCR_TDCC);
		bm_psci_system_reset();
		bm_boot_count_clear();
		bm_fatal("PSCI SYSTEM_RESET returned");
	}
	bm_boot_count_clear();
	at_boot.mdscr = bm_read_sysreg(mdscr_el1);
	at_boot.oslsr = bm_read_sysreg(oslsr_el1);
	at_boot.bcr0 = dbg_read(BCR, 0);
	at_boot.bvr0 = dbg_read(BVR, 0);
	at_boot.wcr0 = dbg_read(WCR, 0);
	at_boot.wvr0 = dbg_read(WVR, 0);
	bh_printf("debug: after reset MDSCR 0x%lx OSLSR 0x%lx BCR0 0x%lx BVR0 0x%lx WCR0 0x%lx "
		  "WVR0 0x%lx\n",
		  (unsigned long)at_boot.mdscr, (unsigned long)at_boot.oslsr,
		  (unsigned long)at_boot.bcr0, (unsigned long)at_boot.bvr0,
		  (unsigned long)at_boot.wcr0, (unsigned long)at_boot.wvr0);
}

/* Runs first: what the first boot armed did not survive the reset. */
TEST(nothing_armed_after_reset)
{
	uint64_t r;

	EXPECT_EQ(boot, 2);
	EXPECT_EQ(at_boot.mdscr, 0);
	EXPECT_EQ(at_boot.bcr0 & DBGxCR_E, 0);
	EXPECT_EQ(at_boot.wcr0 & DBGxCR_E, 0);
	/* The OS lock is locked after a reset, as on a cold-booted CPU. */
	EXPECT_EQ(at_boot.oslsr & (OSLSR_OSLK | OSLSR_OSLM_IMPL), OSLSR_OSLK | OSLSR_OSLM_IMPL);
	/* Unlock and enable debug without programming anything: no hit. */
	debug_mask();
	bm_write_sysreg(osdlr_el1, 0);
	bm_write_sysreg(oslar_el1, 0);
	bm_isb();
	clear_hits();
	set_mdscr(MDSCR_KDE | MDSCR_MDE);
	debug_unmask();
	r = bp_target(1);
	wp_store(&watched[0], 7);
	r += wp_load(&watched[0]);
	debug_mask();
	EXPECT_EQ(r, 9);
	EXPECT_EQ(bp.n, 0);
	EXPECT_EQ(wp.n, 0);
}

TEST(registers_read_back)
{
	debug_reset();
	for (unsigned int i = 0; i < nbrps(); i++) {
		uint64_t bcr = DBGBCR_BAS_A64 | DBGxCR_PMC_ALL | DBGxCR_SSC_NS;

		dbg_write(BVR, i, 0x40201000 + 4 * i);
		dbg_write(BCR, i, bcr); /* E clear: nothing fires */
		EXPECT_EQ(dbg_read(BVR, i), 0x40201000 + 4 * i);
		EXPECT_EQ(dbg_read(BCR, i), bcr);
	}
	for (unsigned int i = 0; i < nwrps(); i++) {
		uint64_t wcr = DBGWCR_BAS_8 | DBGWCR_LSC_LOAD | DBGWCR_LSC_STOR | DBGxCR_PMC_ALL;

		dbg_write(WVR, i, 0x40302000 + 8 * i);
		dbg_write(WCR, i, wcr);
		EXPECT_EQ(dbg_read(WVR, i), 0x40302000 + 8 * i);
		EXPECT_EQ(dbg_read(WCR, i), wcr);
	}
	set_mdscr(MDSCR_KDE | MDSCR_MDE | MDSCR_TDCC);
	EXPECT_EQ(bm_read_sysreg(mdscr_el1), MDSCR_KDE | MDSCR_MDE | MDSCR_TDCC);
	set_mdscr(0);
	EXPECT_EQ(bm_read_sysreg(mdscr_el1), 0);
	debug_reset();
}

TEST(breakpoint_fires_once)
{
	uint64_t r;

	debug_reset();
	arm_bp0();
	set_mdscr(MDSCR_KDE | MDSCR_MDE);
	debug_unmask();
	r = bp_target(41);
	debug_mask();
	EXPECT_EQ(r, 42);
	ASSERT_EQ(bp.n, 1);
	EXPECT_EQ(bp.elr[0], (uintptr_t)bp_insn);
	EXPECT_EQ(bm_esr_ec(bp.esr[0]), ESR_EC_BKPT_CUR);
	EXPECT_EQ(bp.esr[0] & ESR_IL, ESR_IL);
	EXPECT_EQ(bp.esr[0] & 0x3f, ESR_DBG_FSC);
	/* Again: one more hit per execution. */
	debug_unmask();
	r = bp_target(r);
	debug_mask();
	EXPECT_EQ(r, 43);
	EXPECT_EQ(bp.n, 2);
	/* Disabled: no hit. */
	dbg_write(BCR, 0, DBGBCR_BAS_A64 | DBGxCR_PMC_EL1);
	bm_isb();
	debug_unmask();
	r = bp_target(r);
	debug_mask();
	EXPECT_EQ(r, 44);
	EXPECT_EQ(bp.n, 2);
	/* Every implemented breakpoint, on the same instruction, one at a time. */
	for (unsigned int i = 0; i < nbrps(); i++) {
		debug_reset();
		set_mdscr(MDSCR_KDE | MDSCR_MDE);
		dbg_write(BVR, i, (uintptr_t)bp_insn);
		dbg_write(BCR, i, DBGBCR_BAS_A64 | DBGxCR_PMC_EL1 | DBGxCR_E);
		bm_isb();
		debug_unmask();
		r = bp_target(i);
		debug_mask();
		EXPECT_EQ(r, i + 1);
		EXPECT_EQ(bp.n, 1);
		EXPECT_EQ(bp.elr[0], (uintptr_t)bp_insn);
	}
	debug_reset();
}

TEST(watchpoint_write_and_read)
{
	uint64_t v;

	debug_reset();
	watched[0] = 0;
	arm_wp0(&watched[0], DBGWCR_LSC_STOR);
	set_mdscr(MDSCR_KDE | MDSCR_MDE);
	debug_unmask();
	wp_store(&watched[0], 0x1234);
	v = wp_load(&watched[0]); /* a store watchpoint ignores loads */
	debug_mask();
	EXPECT_EQ(v, 0x1234);
	ASSERT_EQ(wp.n, 1);
	EXPECT_EQ(wp.elr[0], (uintptr_t)wp_store_insn);
	EXPECT_EQ(wp.far[0], (uintptr_t)&watched[0]);
	EXPECT_EQ(bm_esr_ec(wp.esr[0]), ESR_EC_WPT_CUR);
	EXPECT_EQ(wp.esr[0] & ESR_ISS_WNR, ESR_ISS_WNR);
	EXPECT_EQ(wp.esr[0] & ESR_ISS_DFSC_MASK, ESR_DBG_FSC);

	arm_wp0(&watched[0], DBGWCR_LSC_LOAD);
	debug_unmask();
	wp_store(&watched[0], 0x5678); /* a load watchpoint ignores stores */
	v = wp_load(&watched[0]);
	debug_mask();
	EXPECT_EQ(v, 0x5678);
	ASSERT_EQ(wp.n, 2);
	EXPECT_EQ(wp.elr[1], (uintptr_t)wp_load_insn);
	EXPECT_EQ(wp.far[1], (uintptr_t)&watched[0]);
	EXPECT_EQ(bm_esr_ec(wp.esr[1]), ESR_EC_WPT_CUR);
	EXPECT_EQ(wp.esr[1] & ESR_ISS_WNR, 0);

	/* The neighbouring doubleword is not watched. */
	debug_unmask();
	wp_store(&watched[1], 1);
	(void)wp_load(&watched[1]);
	debug_mask();
	EXPECT_EQ(wp.n, 2);
	debug_reset();
}

TEST(single_step_over_emulated_instructions)
{
	static const char *const names[] = {"hvc",	 "ldr uart", "ldr gicd",
					    "mrs oslsr", "nop",	     "msr daifset"};
	const uintptr_t want[] = {(uintptr_t)ss_1, (uintptr_t)ss_2, (uintptr_t)ss_3,
				  (uintptr_t)ss_4, (uintptr_t)ss_5, (uintptr_t)ss_6};
	uint64_t out[4] = {0};
	uint64_t exits = 0;

	debug_reset();
	set_mdscr(MDSCR_KDE | MDSCR_SS);
	if (!bm_native())
		exits = bm_hvc(BH_HC_VCPU_EXITS, 0, 0, 0).a1;
	ss_sequence(out, UART_FR, bm_plat.gicd_base);
	if (!bm_native())
		exits = bm_hvc(BH_HC_VCPU_EXITS, 0, 0, 0).a1 - exits;
	set_mdscr(0);
	for (unsigned int i = 0; i < ss.n && i < MAX_HITS; i++)
		bh_printf("debug: step %u at 0x%lx ESR 0x%lx\n", i, (unsigned long)ss.elr[i],
			  (unsigned long)ss.esr[i]);
	if (!bm_native())
		bh_printf("debug: the stepped sequence took %lu exits\n", (unsigned long)exits);
	/* One step exception before each instruction, none skipped. QEMU
	 * also takes one after the MSR that masks debug exceptions (at
	 * ss_7), bare or in a cell: that one may be there or not. */
	if (ss.n == ARRAY_SIZE(want) + 1 && ss.elr[ARRAY_SIZE(want)] == (uintptr_t)ss_7)
		ss.n = ARRAY_SIZE(want);
	EXPECT_EQ(ss.n, ARRAY_SIZE(want));
	for (unsigned int i = 0; i < ARRAY_SIZE(want) && i < ss.n; i++) {
		if (ss.elr[i] != want[i])
			bh_printf("debug: step %u: at 0x%lx, want 0x%lx (%s)\n", i,
				  (unsigned long)ss.elr[i], (unsigned long)want[i], names[i]);
		EXPECT_EQ(ss.elr[i], want[i]);
		EXPECT_EQ(bm_esr_ec(ss.esr[i]), ESR_EC_SSTEP_CUR);
		/* ISV (EX valid) is 0 when stepping resumed in the active-
		 * pending state (after the HVC, for one): only the IFSC is fixed. */
		EXPECT_EQ(ss.esr[i] & 0x3f, ESR_DBG_FSC);
	}
	/* The stepped instructions did their work. */
	EXPECT_EQ(out[0] >> 16, 1); /* PSCI 1.x */
	EXPECT_EQ(out[3] & OSLSR_OSLK, 0);
	/* HVC, UART, GICD and OSLSR_EL1 each left the guest once (plus the
	 * one exit of the second BH_HC_VCPU_EXITS). */
	if (!bm_native())
		EXPECT_TRUE(exits >= 5);
	debug_reset();
}

TEST(os_lock_blocks_debug_exceptions)
{
	uint64_t r;

	debug_reset();
	EXPECT_EQ(bm_read_sysreg(oslsr_el1) & (OSLSR_OSLK | OSLSR_OSLM_IMPL), OSLSR_OSLM_IMPL);
	arm_bp0();
	set_mdscr(MDSCR_KDE | MDSCR_MDE);
	bm_write_sysreg(oslar_el1, 1);
	bm_isb();
	EXPECT_EQ(bm_read_sysreg(oslsr_el1) & (OSLSR_OSLK | OSLSR_OSLM_IMPL),
		  OSLSR_OSLK | OSLSR_OSLM_IMPL);
	/* MDSCR_EL1 reads back what was written, locked or not. */
	EXPECT_EQ(bm_read_sysreg(mdscr_el1), MDSCR_KDE | MDSCR_MDE);
	debug_unmask();
	r = bp_target(1);
	debug_mask();
	EXPECT_EQ(r, 2);
	if (bm_native() && bp.n == 1)
		bh_printf("debug: this CPU model takes breakpoints with the OS lock locked\n");
	else
		EXPECT_EQ(bp.n, 0);
	bm_write_sysreg(oslar_el1, 0);
	bm_isb();
	clear_hits();
	debug_unmask();
	r = bp_target(r);
	debug_mask();
	EXPECT_EQ(r, 3);
	EXPECT_EQ(bp.n, 1);
	/* The OS double lock blocks them too. */
	bm_write_sysreg(osdlr_el1, 1);
	bm_isb();
	EXPECT_EQ(bm_read_sysreg(osdlr_el1) & 1, 1);
	debug_unmask();
	r = bp_target(r);
	debug_mask();
	EXPECT_EQ(r, 4);
	EXPECT_EQ(bp.n, 1);
	debug_reset();
	EXPECT_EQ(bm_read_sysreg(osdlr_el1) & 1, 0);
}

TEST(unimplemented_breakpoint_is_undefined)
{
	if (nbrps() == 16) {
		bm_test_skip("all 16 breakpoints implemented");
		return;
	}
	undefs = 0;
	undef_at = (uintptr_t)undef_bcr15_insn;
	undef_bcr15();
	undef_at = 0;
	EXPECT_EQ(undefs, 1);
}

/* What reaches the external debug interface stays with the hypervisor:
 * a guest can neither use the DCC nor find the debug ROM. */
TEST(external_debug_interface_hidden)
{
	if (bm_native()) {
		bm_test_skip("the hardware's own external debug view");
		return;
	}
	bm_write_sysreg(dbgdtrtx_el0, 0x55);
	EXPECT_EQ(bm_read_sysreg(mdccsr_el0), 0);
	EXPECT_EQ(bm_read_sysreg(mdrar_el1), 0);
	bm_write_sysreg(dbgclaimset_el1, 0xff);
	EXPECT_EQ(bm_read_sysreg(dbgclaimclr_el1), 0);
	/* A breakpoint that asks to match at EL2 matches only where the cell
	 * runs: the EL2 match bit does not reach the hardware. */
	dbg_write(BCR, 0, DBGBCR_BAS_A64 | DBGxCR_HMC | DBGxCR_SSC_NS | DBGxCR_PMC_ALL);
	EXPECT_EQ(dbg_read(BCR, 0), DBGBCR_BAS_A64 | DBGxCR_SSC_NS | DBGxCR_PMC_ALL);
	debug_reset();
}
