/* SPDX-License-Identifier: Apache-2.0 */
/* Emulated devices of a cell: IPA windows that trap to their handlers. */
#pragma once

#include <bulkhead/mmio.h>
#include <bulkhead/types.h>

#define CELL_MAX_VDEVS 6

struct vdev {
	ipa_t base;
	uint64_t size;
	mmio_handler_t handler;
	void *dev;
	const char *name; /* for reports: "emulated PL011 UART" */
};

const struct vdev *vdev_find(struct cell *c, ipa_t addr, unsigned int size);
int vdev_add(struct cell *c, ipa_t base, uint64_t size, mmio_handler_t handler, void *dev,
	     const char *name);

/* Emulated PL011 (core/vuart.c). */
#define VUART_RX_FIFO  64 /* a PL011 has 32; input arrives in bursts */
#define VUART_LINE_MAX 160

struct vuart {
	uint32_t ctl[10]; /* IBRD..DMACR as written, read back */
	uint32_t imsc;
	char rx[VUART_RX_FIFO];
	uint32_t rx_head, rx_tail;
	uint64_t rx_dropped;
	bool line_level; /* interrupt line as last told to the vGIC */
	char line[VUART_LINE_MAX];
	uint32_t line_len;
	uint64_t line_time; /* counter when the unfinished line began */
};

int vuart_mmio(struct vcpu *v, void *dev, uint64_t offset, struct mmio_access *a);
/* Console output of a cell, a line at a time (caller holds the cell lock). */
void vuart_putc(struct cell *c, char ch);
/* Free places in the cell's input FIFO. */
unsigned int vuart_rx_room(const struct cell *c);
/* A received character for the cell (caller holds the cell lock). */
void vuart_rx(struct cell *c, char ch);
/* Back to reset state (cell restart): input, masks, partial line. */
void vuart_reset(struct cell *c);
/* Show the unfinished line as it is; it goes on untagged. */
void vuart_flush_partial(struct cell *c);
/* Flush a partial console line of a cell (when it stops). */
void vuart_flush(struct cell *c);
