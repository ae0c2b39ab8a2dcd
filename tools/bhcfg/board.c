// SPDX-License-Identifier: Apache-2.0
/*
 * Board description: the hardware as its own DTS says (for QEMU, QEMU's
 * generated tree) plus the /bulkhead node with Bulkhead's reservation.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "bhcfg.h"

#define GIC_SPI 0
#define GIC_PPI 1

/* A GICv2 CPU interface (and its virtual twin) is 8 KiB: two 4 KiB pages. */
#define GICV2_CPU_IF_SIZE    0x2000ULL
/* ... given as 128 KiB when each page is decoded 16 times over 64 KiB. */
#define GICV2_CPU_IF_ALIASED 0x20000ULL
#define GIC_ALIAS_STRIDE     0x10000ULL

static bool range_inside(uint64_t base, uint64_t size, const struct bh_range *r)
{
	return base >= r->base && size <= r->size && base - r->base <= r->size - size;
}

/* How CPU @i (cpu node @node) is started: its 'enable-method' (the /cpus
 * node's applies to a cpu node without one). "spin-table": it waits at
 * firmware's spin code until its entry point is written to 'cpu-release-addr'. */
static void parse_enable_method(struct model *m, int cpus, int node, unsigned int i)
{
	const struct dtb *d = &m->board_dtb;
	const char *method = fdt_getprop(d->fdt, node, "enable-method", NULL);
	const uint32_t *rel;
	int len;

	if (!method)
		method = fdt_getprop(d->fdt, cpus, "enable-method", NULL);
	if (method && !strcmp(method, "psci")) {
		m->board.cpu_start[i] = BH_CPU_START_PSCI;
		m->board_uses_psci = true;
		return;
	}
	if (!method || strcmp(method, "spin-table") != 0) {
		cfg_error(d, node,
			  "'enable-method' must be \"psci\" or \"spin-table\" (how Bulkhead "
			  "starts the CPU)");
		return;
	}
	rel = fdt_getprop(d->fdt, node, "cpu-release-addr", &len);
	if (!rel || (len != 4 && len != 8)) {
		cfg_error(d, node, "a spin-table CPU needs its 'cpu-release-addr'");
		return;
	}
	m->board.cpu_start[i] = BH_CPU_START_SPIN_TABLE;
	m->board.cpu_release_addr[i] = dt_cells(rel, len / 4);
}

static void parse_cpus(struct model *m)
{
	const struct dtb *d = &m->board_dtb;
	int cpus = fdt_path_offset(d->fdt, "/cpus");
	int node;

	if (cpus < 0) {
		cfg_error(d, 0, "no /cpus node");
		return;
	}
	fdt_for_each_subnode (node, d->fdt, cpus) {
		const char *type = fdt_getprop(d->fdt, node, "device_type", NULL);
		uint64_t mpidr;
		int ac = fdt_address_cells(d->fdt, cpus);
		int len;
		const uint32_t *reg = fdt_getprop(d->fdt, node, "reg", &len);

		if (!type || strcmp(type, "cpu") != 0)
			continue;
		if (!reg || ac < 1 || ac > 2 || len != 4 * ac) {
			cfg_error(d, node, "cpu node without a valid 'reg' (MPIDR)");
			continue;
		}
		mpidr = dt_cells(reg, ac);
		if (m->board.ncpus >= BH_MAX_CPUS) {
			cfg_error(d, node, "more than %d CPUs; raise BH_MAX_CPUS", BH_MAX_CPUS);
			return;
		}
		for (unsigned int i = 0; i < m->board.ncpus; i++)
			if (m->board.cpu_mpidr[i] == mpidr)
				cfg_error(d, node, "MPIDR %#llx listed twice",
					  (unsigned long long)mpidr);
		m->board_cpu_node[m->board.ncpus] = node;
		parse_enable_method(m, cpus, node, m->board.ncpus);
		m->board.cpu_mpidr[m->board.ncpus++] = mpidr;
	}
	if (!m->board.ncpus)
		cfg_error(d, cpus, "no CPU nodes");
}

static void parse_memory(struct model *m)
{
	const struct dtb *d = &m->board_dtb;
	int node;

	fdt_for_each_subnode (node, d->fdt, 0) {
		const char *type = fdt_getprop(d->fdt, node, "device_type", NULL);

		if (!type || strcmp(type, "memory") != 0)
			continue;
		for (int i = 0; i < dt_reg_count(d, node); i++) {
			struct bh_range r;

			if (m->board.nram >= BH_MAX_RAM_RANGES) {
				cfg_error(d, node, "more than %d RAM ranges", BH_MAX_RAM_RANGES);
				return;
			}
			dt_reg(d, node, i, &r.base, &r.size);
			if (r.size)
				m->board.ram[m->board.nram++] = r;
		}
	}
	if (!m->board.nram)
		cfg_error(d, 0, "no memory node with device_type = \"memory\"");
}

static void parse_psci(struct model *m)
{
	const struct dtb *d = &m->board_dtb;
	int node = fdt_node_offset_by_compatible(d->fdt, -1, "arm,psci-0.2");
	const char *method;

	if (node < 0)
		node = fdt_node_offset_by_compatible(d->fdt, -1, "arm,psci");
	m->board_psci_node = node;
	if (node < 0) {
		/* Firmware without PSCI: fine if nothing needs it (spin-table
		 * CPUs, a power controller Bulkhead drives). */
		if (m->board_uses_psci)
			cfg_error(d, 0,
				  "no PSCI node (compatible \"arm,psci-0.2\"), but CPUs have "
				  "enable-method \"psci\": they cannot be started");
		return;
	}
	method = fdt_getprop(d->fdt, node, "method", NULL);
	if (method && !strcmp(method, "smc"))
		m->board.psci_conduit = BH_PSCI_SMC;
	else if (method && !strcmp(method, "hvc"))
		m->board.psci_conduit = BH_PSCI_HVC;
	else
		cfg_error(d, node, "PSCI 'method' must be \"smc\" or \"hvc\"");
}

/* How the machine is powered off: by PSCI if the firmware has it, else by
 * the device the tree marks 'system-power-controller', if Bulkhead has a
 * driver for it (arch/aarch64/power_*.c). */
static void parse_power(struct model *m)
{
	const struct dtb *d = &m->board_dtb;
	int node;

	m->board_power_node = -1;
	if (m->board_psci_node >= 0) {
		m->board.power_kind = BH_POWER_PSCI;
		return;
	}
	node = fdt_node_offset_by_prop_value(d->fdt, -1, "system-power-controller", NULL, 0);
	if (node < 0) {
		cfg_error(d, 0,
			  "no PSCI node and no 'system-power-controller': Bulkhead cannot power "
			  "the machine off");
		return;
	}
	if (!dt_compatible(d, node, "brcm,bcm2835-pm-wdt") &&
	    !dt_compatible(d, node, "brcm,bcm2835-pm")) {
		cfg_error(d, node,
			  "the system-power-controller is not one Bulkhead drives "
			  "(brcm,bcm2835-pm-wdt), and there is no PSCI");
		return;
	}
	m->board_power_node = node;
	m->board.power_kind = BH_POWER_BCM2835_PM;
	if (dt_reg_translated(d, node, 0, &m->board.power.base, &m->board.power.size))
		cfg_error(d, node, "power controller without a memory-mapped 'reg'");
}

/* INTID of interrupt specifier @idx (3-cell GIC binding) of @node. */
static int irq_intid(const struct dtb *d, int node, int idx, uint32_t *intid)
{
	int len;
	const uint32_t *p = fdt_getprop(d->fdt, node, "interrupts", &len);

	if (!p || idx < 0 || len < (idx + 1) * 12)
		return -1;
	p += idx * 3;
	if (fdt32_to_cpu(p[0]) == GIC_SPI)
		*intid = fdt32_to_cpu(p[1]) + 32;
	else if (fdt32_to_cpu(p[0]) == GIC_PPI)
		*intid = fdt32_to_cpu(p[1]) + 16;
	else
		return -1;
	return 0;
}

/* INTID of the interrupt named @name in 'interrupt-names'. */
static int irq_by_name(const struct dtb *d, int node, const char *name, uint32_t *intid)
{
	int idx = fdt_stringlist_search(d->fdt, node, "interrupt-names", name);

	return idx < 0 ? -1 : irq_intid(d, node, idx, intid);
}

/* A GIC-400 on a bus of 64 KiB slots (ZynqMP, among others) repeats each
 * 4 KiB page of a CPU interface over 64 KiB, so its tree gives the interface
 * as 128 KiB, and the second page (GICC_DIR at +0x1000) really sits at
 * +64 KiB. The 8 KiB from the last copy of the first page on are then the
 * interface as the architecture lays it out, as Linux takes it too
 * (irq-gic.c, gic_check_eoimode()). */
static void gicv2_unalias(struct bh_range *r)
{
	if (r->size == GICV2_CPU_IF_ALIASED) {
		r->base += GIC_ALIAS_STRIDE - SZ_4K;
		r->size = GICV2_CPU_IF_SIZE;
	}
}

static void parse_gic(struct model *m)
{
	const struct dtb *d = &m->board_dtb;
	struct bh_board_gic *g = &m->board.gic;
	int node = fdt_node_offset_by_compatible(d->fdt, -1, "arm,gic-v3");
	uint32_t maint;

	if (node >= 0) {
		m->board_gic_node = node;
		g->version = 3;
		if (dt_reg_translated(d, node, 0, &g->dist.base, &g->dist.size) ||
		    dt_reg_translated(d, node, 1, &g->redist.base, &g->redist.size))
			cfg_error(d, node, "GICv3 needs 'reg' with GICD and GICR ranges");
	} else {
		static const char *const v2[] = {"arm,gic-400", "arm,cortex-a15-gic",
						 "arm,cortex-a7-gic"};

		for (size_t i = 0; i < sizeof(v2) / sizeof(v2[0]) && node < 0; i++)
			node = fdt_node_offset_by_compatible(d->fdt, -1, v2[i]);
		if (node < 0) {
			cfg_error(d, 0, "no supported interrupt controller (GICv2 or GICv3)");
			return;
		}
		m->board_gic_node = node;
		g->version = 2;
		if (dt_reg_translated(d, node, 0, &g->dist.base, &g->dist.size) ||
		    dt_reg_translated(d, node, 1, &g->cpu.base, &g->cpu.size) ||
		    dt_reg_translated(d, node, 2, &g->hyp.base, &g->hyp.size) ||
		    dt_reg_translated(d, node, 3, &g->vcpu.base, &g->vcpu.size))
			cfg_error(d, node,
				  "GICv2 needs 'reg' with GICD, GICC, GICH and GICV ranges "
				  "(virtualization extensions)");
		gicv2_unalias(&g->cpu);
		gicv2_unalias(&g->vcpu);
	}
	if (irq_intid(d, node, 0, &maint) || maint < 16 || maint > 31)
		cfg_error(d, node, "no maintenance interrupt (a PPI) in 'interrupts'");
	else
		g->maint_ppi = maint;
}

static void parse_timer(struct model *m)
{
	const struct dtb *d = &m->board_dtb;
	int node = fdt_node_offset_by_compatible(d->fdt, -1, "arm,armv8-timer");

	m->board_timer_node = node;
	/* Binding order: secure phys, non-secure phys, virtual, hypervisor phys. */
	if (node < 0 || irq_intid(d, node, 1, &m->board.timer_ppi_phys) ||
	    irq_intid(d, node, 2, &m->board.timer_ppi_virt) ||
	    irq_intid(d, node, 3, &m->board.timer_ppi_hyp))
		cfg_error(d, node < 0 ? 0 : node, "no arm,armv8-timer node with its four PPIs");
}

/* The PMU's overflow interrupt, a PPI: each cell gets its CPUs' PMUs. */
static void parse_pmu(struct model *m)
{
	const struct dtb *d = &m->board_dtb;
	int node = fdt_node_offset_by_compatible(d->fdt, -1, "arm,armv8-pmuv3");
	int len;
	const uint32_t *irq = node < 0 ? NULL : fdt_getprop(d->fdt, node, "interrupts", &len);

	m->board_pmu_node = node;
	if (node < 0)
		return;
	/* Some SoCs (BCM2711) wire each CPU's PMU to an SPI of its own: no
	 * per-CPU interrupt a cell could own with its CPU. Its counters are
	 * still the cell's; overflow interrupts are not given to cells. */
	if (irq && len >= 12 && fdt32_to_cpu(irq[0]) == GIC_SPI) {
		m->board_pmu_node = -1;
		return;
	}
	if (irq_intid(d, node, 0, &m->board.pmu_ppi) || m->board.pmu_ppi < 16 ||
	    m->board.pmu_ppi > 31)
		cfg_error(d, node, "PMU node without a PPI in 'interrupts'");
}

/* The SMMUv3 Bulkhead drives (arch/aarch64/smmuv3.c); or an SMMUv1/v2
 * (MMU-400/401/500), which it has no driver for: what stands behind one
 * is not confined, and bhcfg says so (validate.c, check_dma()). */
static void parse_smmu(struct model *m)
{
	static const char *const v2[] = {"arm,mmu-500", "arm,smmu-v2", "arm,mmu-401", "arm,mmu-400",
					 "arm,smmu-v1"};
	const struct dtb *d = &m->board_dtb;
	int node = fdt_node_offset_by_compatible(d->fdt, -1, "arm,smmu-v3");

	m->board_smmuv2_node = -1;
	for (size_t i = 0; i < sizeof(v2) / sizeof(v2[0]) && m->board_smmuv2_node < 0; i++)
		m->board_smmuv2_node = fdt_node_offset_by_compatible(d->fdt, -1, v2[i]);
	m->board_smmu_node = node;
	if (node < 0)
		return;
	if (dt_reg(d, node, 0, &m->board.smmu.base, &m->board.smmu.size))
		cfg_error(d, node, "SMMUv3 node without 'reg'");
	/* Bulkhead takes the event queue and global error interrupts (wired
	 * SPIs, named as the arm,smmu-v3 binding says). */
	if (irq_by_name(d, node, "eventq", &m->board.smmu_irq_event) ||
	    irq_by_name(d, node, "gerror", &m->board.smmu_irq_gerror) ||
	    m->board.smmu_irq_event < 32 || m->board.smmu_irq_gerror < 32)
		cfg_error(d, node,
			  "SMMUv3 needs wired SPIs named \"eventq\" and \"gerror\" in "
			  "'interrupts'/'interrupt-names'");
}

static void parse_bulkhead(struct model *m)
{
	const struct dtb *d = &m->board_dtb;
	int node = fdt_path_offset(d->fdt, "/bulkhead");
	const char *name;
	const uint32_t *p;
	int len, ac, sc, uart;
	uint32_t ph;

	if (node < 0) {
		cfg_error(d, 0, "no /bulkhead node (hypervisor-memory, console)");
		return;
	}
	name = fdt_getprop(d->fdt, node, "board-name", &len);
	if (!name || len < 2 || len > (int)sizeof(m->board_name)) {
		cfg_error(d, node, "missing or invalid 'board-name'");
	} else {
		memcpy(m->board_name, name, (size_t)len);
		m->board.name = m->board_name;
	}
	/* The CPUs' physical address size (ID_AA64MMFR0_EL1.PARange): the
	 * largest IPA a cell's stage 2 can translate, and the largest PA. */
	if (!dt_u32(d, node, "cpu-pa-bits", &m->board.pa_bits) ||
	    (m->board.pa_bits != 32 && m->board.pa_bits != 36 && m->board.pa_bits != 40 &&
	     m->board.pa_bits != 42 && m->board.pa_bits != 44 && m->board.pa_bits != 48))
		cfg_error(d, node,
			  "'cpu-pa-bits' must give the CPUs' physical address size: 32, 36, 40, "
			  "42, 44 or 48");
	/* SMMU_IDR1.SIDSIZE: the SMMUv3 binding does not say it, the board does. */
	if (fdt_getprop(d->fdt, node, "smmu-stream-id-bits", NULL) &&
	    (!dt_u32(d, node, "smmu-stream-id-bits", &m->smmu_sid_bits) || m->smmu_sid_bits > 32)) {
		cfg_error(d, node,
			  "'smmu-stream-id-bits' must be the SMMU's stream ID size "
			  "(SMMU_IDR1.SIDSIZE), 0..32");
		m->smmu_sid_bits = 0;
	} else if (m->board_smmu_node >= 0 &&
		   !fdt_getprop(d->fdt, node, "smmu-stream-id-bits", NULL)) {
		cfg_error(d, node,
			  "the board has an SMMUv3 (%s): give its stream ID size "
			  "(SMMU_IDR1.SIDSIZE) as 'smmu-stream-id-bits'",
			  node_path(d, m->board_smmu_node));
	}
	ac = fdt_address_cells(d->fdt, 0);
	sc = fdt_size_cells(d->fdt, 0);
	p = fdt_getprop(d->fdt, node, "hypervisor-memory", &len);
	if (!p || ac < 1 || sc < 1 || len != 4 * (ac + sc)) {
		cfg_error(d, node, "'hypervisor-memory' must be one <base size> pair");
	} else {
		m->board.hyp_mem.base = dt_cells(p, ac);
		m->board.hyp_mem.size = dt_cells(p + ac, sc);
	}
	if (!dt_u32(d, node, "console", &ph)) {
		cfg_error(d, node, "'console' must reference the UART Bulkhead prints to");
		return;
	}
	uart = fdt_node_offset_by_phandle(d->fdt, ph);
	/* A UART Bulkhead has a driver for (arch/aarch64/uart_*.c). */
	if (uart >= 0 && dt_compatible(d, uart, "arm,pl011")) {
		m->board.console_kind = BH_UART_PL011;
	} else if (uart >= 0 && (dt_compatible(d, uart, "cdns,uart-r1p12") ||
				 dt_compatible(d, uart, "xlnx,xuartps"))) {
		m->board.console_kind = BH_UART_CADENCE;
	} else {
		cfg_error(d, node,
			  "'console' must reference a UART Bulkhead drives: arm,pl011 or "
			  "cdns,uart-r1p12 (xlnx,xuartps)");
		return;
	}
	m->board_console_node = uart;
	if (dt_reg_translated(d, uart, 0, &m->board.console.base, &m->board.console.size))
		cfg_error(d, uart, "console UART without 'reg'");
	if (irq_intid(d, uart, 0, &m->board.console_irq) || m->board.console_irq < 32)
		cfg_error(d, uart, "console UART without an SPI in 'interrupts'");
}

static void check_hyp_mem(struct model *m)
{
	const struct dtb *d = &m->board_dtb;
	const struct bh_range *h = &m->board.hyp_mem;
	int node = fdt_path_offset(d->fdt, "/bulkhead");
	bool inside = false;

	if (!h->size)
		return;
	/* The image is linked at the base and loaded like an arm64 Image. */
	if (h->base % SZ_2M || h->size % SZ_2M)
		cfg_error(d, node, "hypervisor-memory %#llx+%#llx must be 2 MiB aligned",
			  (unsigned long long)h->base, (unsigned long long)h->size);
	for (unsigned int i = 0; i < m->board.nram; i++)
		inside |= range_inside(h->base, h->size, &m->board.ram[i]);
	if (!inside)
		cfg_error(d, node, "hypervisor-memory %#llx+%#llx is not inside the board's RAM",
			  (unsigned long long)h->base, (unsigned long long)h->size);
}

/* A CPU waiting on a spin table jumps wherever its release address points:
 * nothing but Bulkhead may write there, so it must be in the part of
 * hypervisor-memory below the image (the image is loaded over anything
 * above; the firmware's spin code and table live below). */
static void check_release_addrs(struct model *m)
{
	const struct dtb *d = &m->board_dtb;
	const struct bh_range *h = &m->board.hyp_mem;

	for (unsigned int i = 0; i < m->board.ncpus; i++) {
		uint64_t a = m->board.cpu_release_addr[i];

		if (m->board.cpu_start[i] != BH_CPU_START_SPIN_TABLE || !h->size)
			continue;
		if (a % 8 || a < h->base || a - h->base > SZ_2M - 8) /* HYP_IMAGE_OFFSET */
			cfg_error(d, m->board_cpu_node[i],
				  "cpu-release-addr %#llx must be 8-byte aligned and in the first "
				  "2 MiB of hypervisor-memory (%#llx..%#llx), below Bulkhead's "
				  "image: "
				  "no cell may write where a waiting CPU jumps to",
				  (unsigned long long)a, (unsigned long long)h->base,
				  (unsigned long long)(h->base + SZ_2M - 1));
	}
}

/* Everything the hypervisor maps must lie below 2^cpu-pa-bits, and what a
 * cell's stage 2 maps or traps must be whole 4 KiB pages. */
static void check_ranges(struct model *m)
{
	const struct dtb *d = &m->board_dtb;
	const struct bh_board *b = &m->board;
	const struct bh_board_gic *g = &b->gic;
	const struct {
		const char *name;
		const struct bh_range *r;
		int node;
		bool page; /* must be 4 KiB aligned */
	} ranges[] = {
		{"hypervisor-memory", &b->hyp_mem, fdt_path_offset(d->fdt, "/bulkhead"), false},
		{"GIC distributor", &g->dist, m->board_gic_node, true},
		{"GIC redistributors", &g->redist, m->board_gic_node, true},
		{"GIC CPU interface", &g->cpu, m->board_gic_node, true},
		{"GIC virtual interface control", &g->hyp, m->board_gic_node, true},
		{"GIC virtual CPU interface", &g->vcpu, m->board_gic_node, true},
		{"SMMU", &b->smmu, m->board_smmu_node, false},
		{"console UART", &b->console, m->board_console_node, false},
		{"PCI configuration space (ECAM)", &b->pci_ecam, m->pci.node, true},
		{"power controller", &b->power, m->board_power_node, false},
	};
	uint64_t limit;

	if (b->pa_bits < 32 || b->pa_bits > 48)
		return; /* reported already */
	limit = 1ULL << b->pa_bits;
	for (unsigned int i = 0; i < b->nram; i++)
		if (!range_within(b->ram[i].base, b->ram[i].size, 0, limit))
			cfg_error(d, 0,
				  "RAM %#llx..%#llx is beyond the CPUs' %u-bit physical address "
				  "space (cpu-pa-bits)",
				  (unsigned long long)b->ram[i].base,
				  (unsigned long long)(b->ram[i].base + (b->ram[i].size - 1)),
				  b->pa_bits);
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		const struct bh_range *r = ranges[i].r;
		int node = ranges[i].node < 0 ? 0 : ranges[i].node;

		if (!r->size)
			continue;
		if (!range_within(r->base, r->size, 0, limit))
			cfg_error(d, node,
				  "%s %#llx + %#llx is beyond the CPUs' %u-bit physical address "
				  "space (cpu-pa-bits)",
				  ranges[i].name, (unsigned long long)r->base,
				  (unsigned long long)r->size, b->pa_bits);
		else if (ranges[i].page && (r->base % SZ_4K || r->size % SZ_4K))
			cfg_error(
				d, node,
				"%s %#llx + %#llx is not made of whole 4 KiB pages, which stage 2 "
				"needs to map or trap it",
				ranges[i].name, (unsigned long long)r->base,
				(unsigned long long)r->size);
	}
}

int board_parse(struct model *m)
{
	unsigned int before = cfg_errors;

	m->board_console_node = -1;
	m->board_gic_node = -1;
	m->board_timer_node = -1;
	m->board_smmu_node = -1;
	m->board_smmuv2_node = -1;
	m->board_pmu_node = -1;
	m->board_psci_node = -1;
	m->board_power_node = -1;
	m->board_uses_psci = false;
	parse_cpus(m);
	parse_memory(m);
	parse_psci(m);
	parse_power(m);
	parse_gic(m);
	parse_timer(m);
	parse_smmu(m);
	parse_pmu(m);
	parse_bulkhead(m);
	pci_board_parse(m);
	check_hyp_mem(m);
	check_release_addrs(m);
	check_ranges(m);
	m->board_ok = cfg_errors == before;
	return m->board_ok ? 0 : -1;
}
