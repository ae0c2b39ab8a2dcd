/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Virtual PCI configuration space: each cell that owns PCI functions sees
 * the host bridge's root bus through an emulated ECAM window in which only
 * its own functions exist (core/vpci.c; docs/config.md, PCI).
 */
#pragma once

#include <bulkhead/mmio.h>
#include <bulkhead/types.h>

struct cell;
struct vcpu;

#define VPCI_ECAM_SIZE 0x100000ULL /* the root bus: 32 devices x 8 functions x 4 KiB */
#define VPCI_MAX_FUNCS 32	   /* per cell (bhcfg's limit too) */

/* Boot: quiesce the cell's functions (decoding and bus mastering off), learn
 * their BAR sizes and capabilities, and register the virtual ECAM at the
 * cell's pci_ecam_ipa. Nothing to do (0) for a cell without functions. */
int vpci_cell_init(struct cell *c);
/* The cell stopped (its CPUs have left the guest): its functions stop
 * decoding and mastering and are reset (FLR) if they can be, so nothing
 * they were doing goes on; a restart finds them in that state. */
void vpci_cell_stop(struct cell *c);
/* The ECAM window's handler (@dev is the cell's vPCI state). */
int vpci_mmio(struct vcpu *v, void *dev, uint64_t offset, struct mmio_access *a);
