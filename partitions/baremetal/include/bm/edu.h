/* SPDX-License-Identifier: Apache-2.0 */
/*
 * QEMU's "edu" PCI device (hw/misc/edu.c, 1234:11e8): BAR0 holds an ID
 * register and a DMA engine that copies between memory and a 4 KiB buffer
 * inside the device (device addresses 0x40000..0x40fff). A transfer
 * starts ~100 ms (QEMU virtual time) after the command is written; while
 * it is pending the engine ignores new addresses. Run QEMU with
 * "-device edu,dma_mask=0xffffffffffffffff" to let it reach every address
 * (by default it clamps them to 28 bits).
 */
#pragma once

#include <bm/pci.h>

#define BM_EDU_VENDOR	  0x1234
#define BM_EDU_DEVICE	  0x11e8
#define BM_EDU_ID	  0x00
#define BM_EDU_ID_VALUE	  0x010000edU
#define BM_EDU_DMA_SRC	  0x80
#define BM_EDU_DMA_DST	  0x88
#define BM_EDU_DMA_CNT	  0x90
#define BM_EDU_DMA_CMD	  0x98
#define BM_EDU_CMD_RUN	  BIT(0)
#define BM_EDU_CMD_TO_RAM BIT(1)  /* device buffer -> memory; clear: memory -> buffer */
#define BM_EDU_BUF	  0x40000 /* the device's buffer, in its own addresses */
#define BM_EDU_BUF_SIZE	  4096

struct bm_edu {
	struct bm_pci_dev pci;
	uintptr_t regs; /* BAR0, where the CPU reaches it */
};

/* The @index-th edu function on the first bus (0: the lowest device
 * number), enabled with bus mastering; false (and says why) if absent or
 * its BAR cannot be placed. bm_pci_init() first. */
bool bm_edu_open(struct bm_edu *e, unsigned int index);
/* Start a transfer of @count bytes: from memory at @addr into the buffer
 * at @buf_off (!@to_ram), or from the buffer to memory at @addr (@to_ram).
 * @addr is a DMA address: an IPA in a cell, a PA natively. */
void bm_edu_dma_start(const struct bm_edu *e, uint64_t addr, uint32_t buf_off, uint32_t count,
		      bool to_ram);
/* A transfer is pending (the device clears RUN when it has done it,
 * whether or not the memory side of it went anywhere). */
bool bm_edu_dma_busy(const struct bm_edu *e);
/* Wait until no transfer is pending; false after @timeout_us. */
bool bm_edu_dma_wait(const struct bm_edu *e, uint64_t timeout_us);
