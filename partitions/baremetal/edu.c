// SPDX-License-Identifier: Apache-2.0
/* The QEMU edu device's DMA engine (include/bm/edu.h). */
#include <bm/bm.h>
#include <bm/edu.h>

bool bm_edu_open(struct bm_edu *e, unsigned int index)
{
	struct bm_pci_dev devs[BM_PCI_MAX_DEVS];
	unsigned int n = bm_pci_scan(devs, BM_PCI_MAX_DEVS), seen = 0;

	for (unsigned int i = 0; i < n; i++) {
		const struct bm_pci_dev *d = &devs[i];

		if (d->vendor != BM_EDU_VENDOR || d->device != BM_EDU_DEVICE || seen++ != index)
			continue;
		e->pci = *d;
		if (!bm_pci_enable(&e->pci, true) || !e->pci.bar[0]) {
			bh_printf("edu: %02x:%02x.%x cannot be enabled\n", d->bdf >> 8,
				  (d->bdf >> 3) & 0x1f, d->bdf & 7);
			return false;
		}
		e->regs = (uintptr_t)e->pci.bar[0];
		if (bm_read32(e->regs + BM_EDU_ID) != BM_EDU_ID_VALUE) {
			bh_printf("edu: %02x:%02x.%x: ID register 0x%x at 0x%lx\n", d->bdf >> 8,
				  (d->bdf >> 3) & 0x1f, d->bdf & 7, bm_read32(e->regs + BM_EDU_ID),
				  (unsigned long)e->regs);
			return false;
		}
		return true;
	}
	bh_printf("edu: no edu function #%u on the bus (%u function(s) seen)\n", index, n);
	return false;
}

void bm_edu_dma_start(const struct bm_edu *e, uint64_t addr, uint32_t buf_off, uint32_t count,
		      bool to_ram)
{
	uint64_t buf = BM_EDU_BUF + buf_off;

	bm_write64(e->regs + BM_EDU_DMA_SRC, to_ram ? buf : addr);
	bm_write64(e->regs + BM_EDU_DMA_DST, to_ram ? addr : buf);
	bm_write64(e->regs + BM_EDU_DMA_CNT, count);
	/* Memory the device reads must be in memory, not only in our caches;
	 * the device's writes are read with the lines invalidated after. */
	bm_dsb_sy();
	bm_write64(e->regs + BM_EDU_DMA_CMD, BM_EDU_CMD_RUN | (to_ram ? BM_EDU_CMD_TO_RAM : 0));
}

bool bm_edu_dma_busy(const struct bm_edu *e)
{
	return (bm_read64(e->regs + BM_EDU_DMA_CMD) & BM_EDU_CMD_RUN) != 0;
}

bool bm_edu_dma_wait(const struct bm_edu *e, uint64_t timeout_us)
{
	uint64_t start = bm_cntvct(), limit = bm_us_to_ticks(timeout_us);

	while (bm_edu_dma_busy(e)) {
		if (bm_cntvct() - start > limit)
			return !bm_edu_dma_busy(e);
		bm_udelay(1000);
	}
	return true;
}
