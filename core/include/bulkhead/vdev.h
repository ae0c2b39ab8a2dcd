/* SPDX-License-Identifier: Apache-2.0 */
/* Emulated devices of a cell: IPA windows that trap to their handlers. */
#pragma once

#include <bulkhead/mmio.h>
#include <bulkhead/types.h>

#define CELL_MAX_VDEVS 4

struct vdev {
	ipa_t base;
	uint64_t size;
	mmio_handler_t handler;
	void *dev;
};

const struct vdev *vdev_find(struct cell *c, ipa_t addr, unsigned int size);
int vdev_add(struct cell *c, ipa_t base, uint64_t size, mmio_handler_t handler, void *dev);

/* Emulated PL011 (core/vuart.c). */
int vuart_mmio(struct vcpu *v, void *dev, uint64_t offset, struct mmio_access *a);
/* Console output of a cell, a line at a time (caller holds the cell lock). */
void vuart_putc(struct cell *c, char ch);
/* Flush a partial console line of a cell (when it stops). */
void vuart_flush(struct cell *c);
