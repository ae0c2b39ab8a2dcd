// SPDX-License-Identifier: Apache-2.0
/*
 * SMMUv3 driver: every stream a cell owns translates through stage 2 with
 * the cell's own table and VMID (stage 1 bypassed); every other stream is
 * blocked and reported. The registers are reached through arch/smmu_io.h,
 * so this file also runs in the host unit tests against a model.
 *
 * Only the boot CPU allocates (cells_init); afterwards the command queue,
 * the only shared state, is taken under one lock.
 */
#include <bulkhead/arch.h>
#include <bulkhead/config_types.h>
#include <bulkhead/errno.h>
#include <bulkhead/page_pool.h>
#include <bulkhead/printf.h>

#include <arch/smmu_io.h>
#include <arch/smmuv3.h>
#include <arch/spinlock.h>

#define CMDQ_SHIFT	  8 /* 256 commands: one page */
#define EVTQ_SHIFT	  7 /* 128 events: one page */
#define L2_SPLIT	  8 /* a level-2 table holds 256 STEs: 16 KiB */
#define LINEAR_MAX_BITS	  8 /* up to 256 STEs the table is linear */
#define SMMU_TIMEOUT_US	  100000
#define STE_BYTES	  (SMMU_STE_DWORDS * 8)
#define IRQ_EVENTS_PER_GO 64 /* a storm of events must not keep the CPU */

static struct smmu {
	bool on;
	bool coherent;
	bool two_level;
	unsigned int oas_bits;
	unsigned int sid_bits; /* what the stream table covers */
	uint64_t *strtab;      /* linear: STEs; two-level: L1 descriptors */
	struct page_pool *pool;
	uint64_t *cmdq;
	unsigned int cmdq_shift;
	uint32_t cmdq_prod;
	uint64_t ncmds; /* queued since boot */
	uint64_t *evtq;
	unsigned int evtq_shift;
	arch_spinlock_t lock;
} smmu = {.lock = ARCH_SPINLOCK_INIT};

static const unsigned int oas_to_bits[] = {32, 36, 40, 42, 44, 48, 52};

static uint64_t ticks_of_us(uint64_t us)
{
	return us * arch_counter_freq() / 1000000;
}

/* Wait until (register & mask) == want; false after SMMU_TIMEOUT_US. */
static bool wait32(uint64_t reg, uint32_t mask, uint32_t want)
{
	uint64_t end = arch_counter() + ticks_of_us(SMMU_TIMEOUT_US);

	while ((smmu_read32(reg) & mask) != want)
		if (arch_counter() > end)
			return (smmu_read32(reg) & mask) == want;
	return true;
}

static int write_cr0(uint32_t v)
{
	smmu_write32(SMMU_CR0, v);
	if (wait32(SMMU_CR0ACK, ~0U, v))
		return 0;
	bh_printf("bulkhead: smmu: CR0 %#x not acknowledged (CR0ACK %#x)\n", v,
		  smmu_read32(SMMU_CR0ACK));
	return -BH_ETIMEDOUT;
}

/* What the SMMU fetches: visible to it even if it does not snoop caches. */
static void publish(const void *p, size_t len)
{
	if (!smmu.coherent)
		arch_clean_dcache_range(p, len);
	smmu_publish();
}

/* ---------------------------------------------------------- commands */

static uint32_t q_index(uint32_t v, unsigned int shift)
{
	return v & ((1U << shift) - 1);
}
static uint32_t q_wrap(uint32_t v, unsigned int shift)
{
	return v & (1U << shift);
}

/* Handle a command the SMMU refused (CMDQ_ERR): say so, turn it into a
 * harmless SYNC, and let the queue go on. Caller holds the lock. */
static void cmdq_error(void)
{
	uint32_t gerror = smmu_read32(SMMU_GERROR), gerrorn = smmu_read32(SMMU_GERRORN);
	uint32_t cons = smmu_read32(SMMU_CMDQ_CONS);
	uint64_t *bad = &smmu.cmdq[SMMU_CMD_DWORDS * q_index(cons, smmu.cmdq_shift)];

	if (!((gerror ^ gerrorn) & SMMU_GERROR_CMDQ_ERR))
		return;
	bh_printf("bulkhead: smmu: command %#llx refused (error %u); skipped\n",
		  (unsigned long long)FIELD_GET(SMMU_CMD_OP, bad[0]),
		  (unsigned int)FIELD_GET(SMMU_CMDQ_CONS_ERR, cons));
	bad[0] = FIELD_PREP(SMMU_CMD_OP, SMMU_CMD_SYNC);
	/* cppcheck-suppress objectIndex ; queue memory from the page pool */
	bad[1] = 0;
	publish(bad, 16);
	smmu_write32(SMMU_GERRORN, gerrorn ^ SMMU_GERROR_CMDQ_ERR);
}

/* Room for one more command; the SMMU consumes in order. */
static bool cmdq_full(void)
{
	uint32_t cons = smmu_read32(SMMU_CMDQ_CONS);

	return q_index(cons, smmu.cmdq_shift) == q_index(smmu.cmdq_prod, smmu.cmdq_shift) &&
	       q_wrap(cons, smmu.cmdq_shift) != q_wrap(smmu.cmdq_prod, smmu.cmdq_shift);
}

/* Wait until the SMMU has consumed everything queued. */
static int cmdq_drain(void)
{
	uint64_t end = arch_counter() + ticks_of_us(SMMU_TIMEOUT_US);
	uint32_t mask = (2U << smmu.cmdq_shift) - 1; /* index and wrap */

	while ((smmu_read32(SMMU_CMDQ_CONS) & mask) != smmu.cmdq_prod) {
		cmdq_error();
		if (arch_counter() > end) {
			bh_printf("bulkhead: smmu: command queue stuck (PROD %#x CONS %#x GERROR "
				  "%#x)\n",
				  smmu.cmdq_prod, smmu_read32(SMMU_CMDQ_CONS),
				  smmu_read32(SMMU_GERROR));
			return -BH_ETIMEDOUT;
		}
	}
	return 0;
}

static int cmd(uint64_t d0, uint64_t d1)
{
	uint64_t *slot;

	if (cmdq_full()) {
		int ret = cmdq_drain();

		if (ret)
			return ret;
	}
	slot = &smmu.cmdq[SMMU_CMD_DWORDS * q_index(smmu.cmdq_prod, smmu.cmdq_shift)];
	slot[0] = d0;
	/* cppcheck-suppress objectIndex ; queue memory from the page pool */
	slot[1] = d1;
	publish(slot, 16);
	smmu.cmdq_prod = (smmu.cmdq_prod + 1) & ((2U << smmu.cmdq_shift) - 1);
	smmu_write32(SMMU_CMDQ_PROD, smmu.cmdq_prod);
	smmu.ncmds++;
	return 0;
}

/* CMD_SYNC, and wait for it: everything before it has taken effect. */
static int sync(void)
{
	int ret = cmd(FIELD_PREP(SMMU_CMD_OP, SMMU_CMD_SYNC), 0);

	return ret ? ret : cmdq_drain();
}

/* ------------------------------------------------------ stream table */

/* The STE of @sid, or NULL if no level-2 table covers it (@make: add one). */
static uint64_t *ste_of(uint32_t sid, bool make)
{
	uint64_t *l1, *l2;

	if (sid >> smmu.sid_bits)
		return NULL;
	if (!smmu.two_level)
		return &smmu.strtab[SMMU_STE_DWORDS * sid];
	l1 = &smmu.strtab[sid >> L2_SPLIT];
	if (!*l1) {
		if (!make)
			return NULL;
		/* Zeroed: 256 invalid STEs, aligned to their 16 KiB. */
		l2 = page_pool_alloc_aligned(smmu.pool, (STE_BYTES << L2_SPLIT) / PAGE_SIZE);
		if (!l2)
			return NULL;
		publish(l2, STE_BYTES << L2_SPLIT);
		*l1 = ((uint64_t)(uintptr_t)l2 & SMMU_ADDR_MASK) |
		      FIELD_PREP(SMMU_L1_SPAN, L2_SPLIT + 1);
		publish(l1, 8);
	}
	l2 = (uint64_t *)(uintptr_t)(*l1 & SMMU_ADDR_MASK);
	return &l2[SMMU_STE_DWORDS * (sid & ((1U << L2_SPLIT) - 1))];
}

static uint64_t pa_size_field(unsigned int bits)
{
	uint64_t f = 0;

	while (f + 1 < ARRAY_SIZE(oas_to_bits) && oas_to_bits[f] < bits)
		f++;
	return f;
}

/* Stage 1 bypassed, stage 2 with the cell's table: the same format and
 * geometry its CPUs use (VTCR_EL2), faults recorded as events. */
static void ste_write(uint64_t *ste, const struct iommu_domain *d)
{
	ste[0] = 0; /* invalid while the rest changes */
	publish(ste, 8);
	if (!d)
		return;
	for (unsigned int i = 1; i < SMMU_STE_DWORDS; i++)
		ste[i] = 0;
	ste[1] = FIELD_PREP(SMMU_STE1_SHCFG, SMMU_STE1_SHCFG_INCOMING);
	ste[2] = FIELD_PREP(SMMU_STE2_S2VMID, d->vmid) |
		 FIELD_PREP(SMMU_STE2_S2T0SZ, 64 - d->ia_bits) |
		 FIELD_PREP(SMMU_STE2_S2SL0, 2 - d->start_level) | SMMU_STE2_S2AA64 |
		 FIELD_PREP(SMMU_STE2_S2PS, pa_size_field(d->ia_bits)) | SMMU_STE2_S2AFFD |
		 SMMU_STE2_S2R;
	if (smmu.coherent)
		ste[2] |= FIELD_PREP(SMMU_STE2_S2IR0, SMMU_CR1_CACHE_WB) |
			  FIELD_PREP(SMMU_STE2_S2OR0, SMMU_CR1_CACHE_WB) |
			  FIELD_PREP(SMMU_STE2_S2SH0, SMMU_CR1_SH_INNER);
	ste[3] = d->root & SMMU_STE3_S2TTB_MASK;
	publish(ste, STE_BYTES);
	ste[0] = SMMU_STE_V | FIELD_PREP(SMMU_STE_CONFIG, SMMU_STE_CONFIG_S2);
	publish(ste, 8);
}

int arch_iommu_set(const uint32_t *sids, unsigned int n, uint32_t vmid,
		   const struct iommu_domain *d)
{
	int ret = 0;

	if (!smmu.on)
		return n ? -BH_ENODEV : 0;
	arch_spin_lock(&smmu.lock);
	for (unsigned int i = 0; i < n && !ret; i++) {
		uint64_t *ste = ste_of(sids[i], d != NULL);

		if (!ste) {
			/* Blocking one no table covers: it already is. */
			if (d)
				ret = -BH_ENOMEM;
			continue;
		}
		ste_write(ste, d);
		ret = cmd(FIELD_PREP(SMMU_CMD_OP, SMMU_CMD_CFGI_STE) |
				  FIELD_PREP(SMMU_CMD_SID, sids[i]),
			  SMMU_CMD_LEAF);
	}
	if (!ret)
		ret = cmd(FIELD_PREP(SMMU_CMD_OP, SMMU_CMD_TLBI_S12_VMALL) |
				  FIELD_PREP(SMMU_CMD_VMID, vmid),
			  0);
	if (!ret)
		ret = sync();
	arch_spin_unlock(&smmu.lock);
	return ret;
}

uint64_t arch_iommu_commands(void)
{
	return READ_ONCE(smmu.ncmds);
}

unsigned int arch_iommu_ia_bits(void)
{
	return smmu.on ? smmu.oas_bits : 0;
}

/* ------------------------------------------------------------ events */

static const char *event_reason(unsigned int type)
{
	switch (type) {
	case SMMU_EVT_C_BAD_STREAMID:
		return "a stream outside the stream table";
	case SMMU_EVT_C_BAD_STE:
	case SMMU_EVT_F_STREAM_DISABLED:
		return "the stream is blocked";
	case SMMU_EVT_F_TRANSLATION:
		return "no mapping at that address in the cell's stage 2";
	case SMMU_EVT_F_ADDR_SIZE:
		return "the address is beyond the cell's IPA space";
	case SMMU_EVT_F_ACCESS:
		return "access flag fault";
	case SMMU_EVT_F_PERMISSION:
		return "the cell's stage 2 does not permit it";
	case SMMU_EVT_F_TRANSL_FORBIDDEN:
		return "translation forbidden";
	case SMMU_EVT_F_WALK_EABT:
	case SMMU_EVT_F_STE_FETCH:
		return "the SMMU's own table fetch failed";
	default:
		return "other SMMU event";
	}
}

static bool has_address(unsigned int type)
{
	return type >= SMMU_EVT_F_TRANSLATION && type <= SMMU_EVT_F_PERMISSION;
}

static void drain_events(void)
{
	uint32_t mask = (2U << smmu.evtq_shift) - 1;

	for (unsigned int n = 0; n < IRQ_EVENTS_PER_GO; n++) {
		uint32_t prod = smmu_read32(SMMU_EVENTQ_PROD), cons = smmu_read32(SMMU_EVENTQ_CONS);
		const uint64_t *e;
		unsigned int type;
		struct iommu_fault f;

		if ((prod & SMMU_Q_OVF) != (cons & SMMU_Q_OVF)) {
			bh_printf("bulkhead: smmu: event queue overflowed: events were lost\n");
			cons = (cons & ~(uint32_t)SMMU_Q_OVF) | (prod & (uint32_t)SMMU_Q_OVF);
			smmu_write32(SMMU_EVENTQ_CONS, cons);
		}
		if ((prod & mask) == (cons & mask))
			return;
		e = &smmu.evtq[SMMU_EVT_DWORDS * q_index(cons, smmu.evtq_shift)];
		if (!smmu.coherent)
			arch_clean_inval_dcache_range(e, SMMU_EVT_DWORDS * 8);
		type = (unsigned int)FIELD_GET(SMMU_EVT_TYPE, e[0]);
		f = (struct iommu_fault){
			.sid = (uint32_t)FIELD_GET(SMMU_EVT_SID, e[0]),
			/* cppcheck-suppress objectIndex ; queue memory from the page pool */
			.addr = e[2],
			.addr_valid = has_address(type),
			/* cppcheck-suppress objectIndex ; queue memory from the page pool */
			.write = has_address(type) && !(e[1] & SMMU_EVT1_RNW),
			.reason = event_reason(type),
		};
		iommu_fault_report(&f);
		smmu_write32(SMMU_EVENTQ_CONS,
			     (cons & (uint32_t)SMMU_Q_OVF) | (((cons & mask) + 1) & mask));
	}
}

static void global_errors(void)
{
	uint32_t active = smmu_read32(SMMU_GERROR) ^ smmu_read32(SMMU_GERRORN);

	if (!active)
		return;
	if (active & SMMU_GERROR_CMDQ_ERR) {
		arch_spin_lock(&smmu.lock);
		cmdq_error();
		arch_spin_unlock(&smmu.lock);
		active &= ~(uint32_t)SMMU_GERROR_CMDQ_ERR;
	}
	if (!active)
		return;
	bh_printf("bulkhead: smmu: global error %#x%s%s\n", active,
		  (active & SMMU_GERROR_EVENTQ_ABT_ERR) ? " (event queue write aborted)" : "",
		  (active & SMMU_GERROR_SFM_ERR) ? " (service failure mode: the SMMU stopped "
						   "translating; every DMA now aborts)"
						 : "");
	smmu_write32(SMMU_GERRORN, smmu_read32(SMMU_GERRORN) ^ active);
}

bool arch_iommu_irq(unsigned int intid)
{
	if (!smmu.on || (intid != bh_board.smmu_irq_event && intid != bh_board.smmu_irq_gerror))
		return false;
	global_errors();
	drain_events();
	return true;
}

/* -------------------------------------------------------------- init */

static void *alloc_bytes(size_t bytes)
{
	size_t pages = 1;

	while (pages * PAGE_SIZE < bytes)
		pages *= 2;
	return page_pool_alloc_aligned(smmu.pool, pages);
}

static int probe(uint32_t max_sid)
{
	uint32_t idr0 = smmu_read32(SMMU_IDR0), idr1 = smmu_read32(SMMU_IDR1);
	uint32_t idr5 = smmu_read32(SMMU_IDR5);
	unsigned int oas = (unsigned int)FIELD_GET(SMMU_IDR5_OAS, idr5);
	unsigned int sidsize = (unsigned int)FIELD_GET(SMMU_IDR1_SIDSIZE, idr1);
	const char *why = NULL;

	if (!(idr0 & SMMU_IDR0_S2P))
		why = "no stage-2 translation";
	else if (FIELD_GET(SMMU_IDR0_TTF, idr0) < SMMU_IDR0_TTF_AARCH64)
		why = "no AArch64 translation tables";
	else if (!(idr5 & SMMU_IDR5_GRAN4K))
		why = "no 4 KiB granule";
	else if (idr1 & (SMMU_IDR1_TABLES_PRESET | SMMU_IDR1_QUEUES_PRESET))
		why = "fixed table or queue addresses";
	else if (sidsize < 32 && (max_sid >> sidsize))
		why = "stream IDs narrower than the cells' (board's smmu-stream-id-bits)";
	if (why) {
		bh_printf(
			"bulkhead: smmu: at %#llx: %s; every stream stays blocked and cells owning "
			"streams are not started\n",
			(unsigned long long)bh_board.smmu.base, why);
		return -BH_ENOTSUP;
	}
	smmu.coherent = (idr0 & SMMU_IDR0_COHACC) != 0;
	smmu.oas_bits = oas < ARRAY_SIZE(oas_to_bits) ? MIN(oas_to_bits[oas], 48U) : 48;
	smmu.cmdq_shift = MIN((unsigned int)FIELD_GET(SMMU_IDR1_CMDQS, idr1), CMDQ_SHIFT);
	smmu.evtq_shift = MIN((unsigned int)FIELD_GET(SMMU_IDR1_EVENTQS, idr1), EVTQ_SHIFT);
	/* Cover streams 0..max_sid; any other is outside the table (aborted,
	 * C_BAD_STREAMID). Two levels beyond 256 STEs, if the SMMU has them. */
	smmu.sid_bits = 0;
	while (smmu.sid_bits < 32 && (max_sid >> smmu.sid_bits))
		smmu.sid_bits++;
	smmu.two_level = smmu.sid_bits > LINEAR_MAX_BITS &&
			 FIELD_GET(SMMU_IDR0_ST_LEVEL, idr0) == SMMU_IDR0_ST_LEVEL_2;
	return 0;
}

int arch_iommu_init(struct page_pool *pool, uint32_t max_sid)
{
	size_t strtab_bytes;
	uint32_t cr1 = 0;
	int ret;

	smmu.on = false;
	if (!bh_board.smmu.size)
		return -BH_ENODEV;
	smmu.pool = pool;
	ret = probe(max_sid);
	/* Off, and with it every transaction aborted (GBPA), whatever comes. */
	if (!ret || ret == -BH_ENOTSUP) {
		if (write_cr0(0))
			return -BH_ETIMEDOUT;
		smmu_write32(SMMU_GBPA, SMMU_GBPA_ABORT | SMMU_GBPA_UPDATE);
		if (!wait32(SMMU_GBPA, SMMU_GBPA_UPDATE, 0)) {
			bh_printf("bulkhead: smmu: GBPA update not taken\n");
			return -BH_ETIMEDOUT;
		}
	}
	if (ret)
		return ret;
	strtab_bytes = smmu.two_level ? 8U << (smmu.sid_bits - L2_SPLIT)
				      : (size_t)STE_BYTES << smmu.sid_bits;
	smmu.strtab = alloc_bytes(strtab_bytes);
	smmu.cmdq = alloc_bytes(16U << smmu.cmdq_shift);
	smmu.evtq = alloc_bytes(32U << smmu.evtq_shift);
	if (!smmu.strtab || !smmu.cmdq || !smmu.evtq)
		return -BH_ENOMEM;
	publish(smmu.strtab, strtab_bytes); /* all invalid */
	if (smmu.coherent)
		cr1 = FIELD_PREP(SMMU_CR1_QUEUE_IC, SMMU_CR1_CACHE_WB) |
		      FIELD_PREP(SMMU_CR1_QUEUE_OC, SMMU_CR1_CACHE_WB) |
		      FIELD_PREP(SMMU_CR1_QUEUE_SH, SMMU_CR1_SH_INNER) |
		      FIELD_PREP(SMMU_CR1_TABLE_IC, SMMU_CR1_CACHE_WB) |
		      FIELD_PREP(SMMU_CR1_TABLE_OC, SMMU_CR1_CACHE_WB) |
		      FIELD_PREP(SMMU_CR1_TABLE_SH, SMMU_CR1_SH_INNER);
	smmu_write32(SMMU_CR1, cr1);
	smmu_write32(SMMU_CR2, SMMU_CR2_RECINVSID | SMMU_CR2_PTM);
	smmu_write64(SMMU_STRTAB_BASE, ((uint64_t)(uintptr_t)smmu.strtab & SMMU_ADDR_MASK) |
					       (smmu.coherent ? SMMU_STRTAB_BASE_RA : 0));
	smmu_write32(
		SMMU_STRTAB_BASE_CFG,
		(uint32_t)(FIELD_PREP(SMMU_STRTAB_LOG2SIZE, smmu.sid_bits) |
			   FIELD_PREP(SMMU_STRTAB_SPLIT, smmu.two_level ? L2_SPLIT : 0) |
			   FIELD_PREP(SMMU_STRTAB_FMT, smmu.two_level ? SMMU_STRTAB_FMT_2LEVEL
								      : SMMU_STRTAB_FMT_LINEAR)));
	smmu_write64(SMMU_CMDQ_BASE, ((uint64_t)(uintptr_t)smmu.cmdq & SMMU_ADDR_MASK) |
					     (smmu.coherent ? SMMU_Q_BASE_RWA : 0) |
					     FIELD_PREP(SMMU_Q_LOG2SIZE, smmu.cmdq_shift));
	smmu_write32(SMMU_CMDQ_PROD, 0);
	smmu_write32(SMMU_CMDQ_CONS, 0);
	smmu.cmdq_prod = 0;
	smmu_write64(SMMU_EVENTQ_BASE, ((uint64_t)(uintptr_t)smmu.evtq & SMMU_ADDR_MASK) |
					       (smmu.coherent ? SMMU_Q_BASE_RWA : 0) |
					       FIELD_PREP(SMMU_Q_LOG2SIZE, smmu.evtq_shift));
	smmu_write32(SMMU_EVENTQ_PROD, 0);
	smmu_write32(SMMU_EVENTQ_CONS, 0);
	/* Wired interrupts, not MSIs. */
	smmu_write64(SMMU_EVENTQ_IRQ_CFG0, 0);
	smmu_write64(SMMU_GERROR_IRQ_CFG0, 0);
	ret = write_cr0(SMMU_CR0_CMDQEN);
	if (!ret) {
		smmu.on = true; /* for cmd() */
		ret = cmd(FIELD_PREP(SMMU_CMD_OP, SMMU_CMD_CFGI_ALL), SMMU_CMD_RANGE_ALL);
		if (!ret)
			ret = cmd(FIELD_PREP(SMMU_CMD_OP, SMMU_CMD_TLBI_NSNH_ALL), 0);
		if (!ret)
			ret = sync();
	}
	if (!ret)
		ret = write_cr0(SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN);
	if (!ret) {
		smmu_write32(SMMU_IRQ_CTRL, SMMU_IRQ_CTRL_EVENTQ | SMMU_IRQ_CTRL_GERROR);
		if (!wait32(SMMU_IRQ_CTRLACK, ~0U, SMMU_IRQ_CTRL_EVENTQ | SMMU_IRQ_CTRL_GERROR))
			bh_printf("bulkhead: smmu: interrupts not acknowledged; events seen only "
				  "when polled\n");
		ret = write_cr0(SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN | SMMU_CR0_SMMUEN);
	}
	smmu.on = !ret;
	if (!ret)
		bh_printf("bulkhead: smmu: at %#llx: stage 2, %u-bit IPAs, streams 0..%u in a %s "
			  "table, %s\n",
			  (unsigned long long)bh_board.smmu.base, smmu.oas_bits,
			  (unsigned int)((1ULL << smmu.sid_bits) - 1),
			  smmu.two_level ? "two-level" : "linear",
			  smmu.coherent ? "coherent walks" : "cache maintenance for its tables");
	return ret;
}
