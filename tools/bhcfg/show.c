// SPDX-License-Identifier: Apache-2.0
/* bhcfg --show: the partition map as text, for people reviewing a system. */
#include <libfdt.h>
#include <string.h>

#include "bhcfg.h"
#include "show.h"

#define ULL(x) ((unsigned long long)(x))

const char *fmt_size(uint64_t n, char *buf, size_t len)
{
	static const char *const units[] = {"GiB", "MiB", "KiB"};
	static const unsigned int shifts[] = {30, 20, 10};

	for (size_t i = 0; i < 3; i++)
		if (n >= (1ULL << shifts[i]) && !(n & ((1ULL << shifts[i]) - 1))) {
			snprintf(buf, len, "%llu %s", ULL(n >> shifts[i]), units[i]);
			return buf;
		}
	snprintf(buf, len, "%llu bytes", ULL(n));
	return buf;
}

const char *fmt_access(uint32_t flags, char *buf)
{
	int n = 0;

	if (flags & BH_MEM_R)
		buf[n++] = 'r';
	if (flags & BH_MEM_W)
		buf[n++] = 'w';
	if (flags & BH_MEM_X)
		buf[n++] = 'x';
	buf[n] = '\0';
	return buf;
}

/* Board RAM not given to the hypervisor or any cell. */
uint32_t free_ram(const struct model *m, struct bh_range *out, uint32_t max)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < m->board.nram; i++) {
		uint64_t pos = m->board.ram[i].base, end = pos + m->board.ram[i].size;

		while (pos < end) {
			uint64_t next = end; /* end of the free stretch starting at pos */
			uint64_t skip = 0;   /* where a used range starting at pos ends */
			const struct bh_range *h = &m->board.hyp_mem;

			if (h->size && pos >= h->base && pos < h->base + h->size)
				skip = h->base + h->size;
			else if (h->size && h->base > pos && h->base < next)
				next = h->base;
			for (uint32_t c = 0; c < m->ncells; c++)
				for (uint32_t k = 0; k < m->cell[c].nmem; k++) {
					const struct cfg_mem *r = &m->cell[c].mem[k];

					if (pos >= r->pa && pos < r->pa + r->size) {
						if (r->pa + r->size > skip)
							skip = r->pa + r->size;
					} else if (r->pa > pos && r->pa < next) {
						next = r->pa;
					}
				}
			if (skip) {
				pos = skip;
				continue;
			}
			if (n < max)
				out[n++] = (struct bh_range){pos, next - pos};
			pos = next;
		}
	}
	return n;
}

static void show_dev(const struct model *m, const struct cfg_dev *dev, FILE *f)
{
	char sz[32];

	if (dev->spec[0] == '/')
		fprintf(f, "  device      %s%s\n", dev->spec, dev->shared ? " (shared)" : "");
	else
		fprintf(f, "  device      %s = %s%s\n", dev->spec,
			node_path(&m->board_dtb, dev->bnode), dev->shared ? " (shared)" : "");
	for (uint32_t i = 0; i < dev->nwin; i++) {
		const struct cfg_win *w = &dev->win[i];

		fprintf(f, "                MMIO IPA %#llx..%#llx -> PA %#llx..%#llx  %s\n",
			ULL(w->ipa), ULL(last(w->ipa, w->size)), ULL(w->pa),
			ULL(last(w->pa, w->size)), fmt_size(w->size, sz, sizeof(sz)));
	}
	if (dev->nirq) {
		fprintf(f, "                %s",
			dev->shared ? "interrupts (not routed, shared):" : "INTID");
		for (uint32_t i = 0; i < dev->nirq; i++)
			fprintf(f, "%s %u", i ? "," : "", dev->irq[i]);
		fputc('\n', f);
	}
}

static void show_cell(const struct model *m, const struct cfg_cell *c, uint32_t idx, FILE *f)
{
	static const char *const faults[] = {"inject", "stop", "restart"};
	const struct bh_board_gic *g = &m->board.gic;
	char sz[32], acc[4];

	fprintf(f, "\nCell %s (VMID %u)\n", c->name, idx + 1);
	fprintf(f, "  CPUs       ");
	for (uint32_t i = 0; i < c->ncpus; i++)
		fprintf(f, "%s vCPU %u = CPU %u (MPIDR %#llx)", i ? "," : "", i, c->cpus[i],
			ULL(m->board.cpu_mpidr[c->cpus[i]]));
	fputc('\n', f);
	for (uint32_t i = 0; i < c->nmem; i++) {
		const struct cfg_mem *r = &c->mem[i];

		fprintf(f, "  memory      IPA %#llx..%#llx -> PA %#llx..%#llx  %s  %s%s  (%s)\n",
			ULL(r->ipa), ULL(last(r->ipa, r->size)), ULL(r->pa),
			ULL(last(r->pa, r->size)), fmt_size(r->size, sz, sizeof(sz)),
			fmt_access(r->flags, acc), r->flags & BH_MEM_SHARED ? " shared" : "",
			fdt_get_name(m->config_dtb.fdt, r->node, NULL));
	}
	fprintf(f, "  kernel      %s, %s at IPA %#llx, entry %#llx\n", c->kernel.file,
		fmt_size(c->kernel.size, sz, sizeof(sz)), ULL(c->kernel.load),
		ULL(c->has_entry ? c->entry : c->kernel.load));
	if (c->initrd.node >= 0)
		fprintf(f, "  initrd      %s, %s at IPA %#llx\n", c->initrd.file,
			fmt_size(c->initrd.size, sz, sizeof(sz)), ULL(c->initrd.load));
	fprintf(f, "  dtb         cell-%s.dtb, %s at IPA %#llx\n", c->name,
		fmt_size(c->dtb_size, sz, sizeof(sz)), ULL(c->dtb_ipa));
	if (c->bootargs)
		fprintf(f, "  bootargs    \"%s\"\n", c->bootargs);
	if (c->console == BH_CONSOLE_VUART)
		fprintf(f, "  console     emulated PL011 at IPA %#llx (4 KiB), INTID %u\n",
			ULL(c->console_ipa), c->console_irq);
	else if (c->console == BH_CONSOLE_PASSTHROUGH)
		fprintf(f, "  console     passthrough %s\n", c->dev[c->console_dev].spec);
	else
		fprintf(f, "  console     none\n");
	if (g->version == 3)
		fprintf(f, "  emulated    vGICD IPA %#llx (64 KiB), vGICR IPA %#llx (%s)\n",
			ULL(c->gicd_ipa), ULL(c->gicr_ipa),
			fmt_size(c->ncpus * VGICR_FRAME, sz, sizeof(sz)));
	else
		fprintf(f, "  emulated    vGICD IPA %#llx (4 KiB), vGICC IPA %#llx (8 KiB)\n",
			ULL(c->gicd_ipa), ULL(c->gicc_ipa));
	for (uint32_t i = 0; i < c->ndev; i++)
		show_dev(m, &c->dev[i], f);
	if (c->npci)
		fprintf(f,
			"  PCI         configuration space (vECAM, root bus %02x) at IPA %#llx (1 "
			"MiB)\n",
			m->board.pci_root_bus, ULL(c->pci_ecam_ipa));
	for (uint32_t i = 0; i < c->npci; i++)
		fprintf(f, "                %s, INT%c = INTID %u%s\n", bdf_str(c->pci[i].bdf),
			'A' + c->pci[i].pin - 1, c->pci[i].intid,
			c->pci[i].has_sid ? "" : ", no stream ID");
	for (uint32_t i = 0; i < c->npci_windows; i++) {
		const struct bh_pci_window *w = &c->pci_windows[i];

		fprintf(f, "                window IPA = PA %#llx..%#llx (bus %#llx)  %s\n",
			ULL(w->base), ULL(last(w->base, w->size)), ULL(w->bus),
			fmt_size(w->size, sz, sizeof(sz)));
	}
	if (c->nstreams) {
		fprintf(f, "  streams    ");
		for (uint32_t i = 0; i < c->nstreams; i++)
			fprintf(f, "%s %#x", i ? "," : "", c->streams[i]);
		fputc('\n', f);
	}
	fprintf(f, "  faults      %s\n", faults[c->fault_policy]);
}

void show_text(const struct model *m, FILE *f)
{
	const struct bh_board *b = &m->board;
	struct bh_range fr[64];
	uint32_t nfree = free_ram(m, fr, 64);
	char sz[32], sz2[32];

	fprintf(f, "System %s on board %s: %u CPUs, GICv%u, %u cell%s\n", m->system_name, b->name,
		b->ncpus, b->gic.version, m->ncells, m->ncells == 1 ? "" : "s");
	fprintf(f, "\nHypervisor (Bulkhead, EL2 on every CPU)\n");
	fprintf(f, "  memory      PA %#llx..%#llx  %s (image, bundled cell images, heap)\n",
		ULL(b->hyp_mem.base), ULL(last(b->hyp_mem.base, b->hyp_mem.size)),
		fmt_size(b->hyp_mem.size, sz, sizeof(sz)));
	fprintf(f, "  console     %s at PA %#llx, INTID %u\n",
		node_path(&m->board_dtb, m->board_console_node), ULL(b->console.base),
		b->console_irq);
	if (b->gic.version == 3)
		fprintf(f, "  GIC         GICD PA %#llx (%s), GICR PA %#llx (%s)\n",
			ULL(b->gic.dist.base), fmt_size(b->gic.dist.size, sz, sizeof(sz)),
			ULL(b->gic.redist.base), fmt_size(b->gic.redist.size, sz2, sizeof(sz2)));
	else
		fprintf(f,
			"  GIC         GICD PA %#llx, GICC PA %#llx, GICH PA %#llx, GICV PA "
			"%#llx\n",
			ULL(b->gic.dist.base), ULL(b->gic.cpu.base), ULL(b->gic.hyp.base),
			ULL(b->gic.vcpu.base));
	if (b->smmu.size)
		fprintf(f, "  SMMU        PA %#llx (%s)\n", ULL(b->smmu.base),
			fmt_size(b->smmu.size, sz, sizeof(sz)));
	if (b->pci_ecam.size)
		fprintf(f, "  PCI         %s: ECAM of root bus %02x at PA %#llx (1 MiB)\n",
			node_path(&m->board_dtb, m->pci.node), b->pci_root_bus,
			ULL(b->pci_ecam.base));
	for (uint32_t i = 0; i < m->ncells; i++)
		show_cell(m, &m->cell[i], i, f);
	fprintf(f, "\nFree RAM\n");
	if (!nfree)
		fprintf(f, "  none\n");
	for (uint32_t i = 0; i < nfree; i++)
		fprintf(f, "  PA %#llx..%#llx  %s\n", ULL(fr[i].base),
			ULL(last(fr[i].base, fr[i].size)), fmt_size(fr[i].size, sz, sizeof(sz)));
}
