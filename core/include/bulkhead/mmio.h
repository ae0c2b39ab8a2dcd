/* SPDX-License-Identifier: Apache-2.0 */
/* Emulated MMIO: decoded accesses and the per-cell device dispatch. */
#pragma once

#include <bulkhead/types.h>

struct vcpu;
struct cell;

struct mmio_access {
	ipa_t addr;	   /* faulting IPA */
	uint64_t value;	   /* store: value written; load: filled by the device */
	unsigned int size; /* bytes: 1, 2, 4 or 8 */
	unsigned int reg;  /* Xt; 31 = XZR */
	bool write;
	bool sign_extend; /* load: sign-extend to the register width */
	bool reg64;	  /* Xt is 64-bit (else Wt: upper 32 bits cleared) */
};

/* A device's handler: offset is relative to its base. 0 if handled;
 * -BH_EINVAL for an access size the device does not support. Either error
 * makes the access a guest fault (fault policy applies). */
typedef int (*mmio_handler_t)(struct vcpu *v, void *dev, uint64_t offset, struct mmio_access *a);

struct vdev;
/* Find and run the emulated device covering a->addr in the vCPU's cell;
 * -BH_ERANGE if there is none. *@dev: the device, for reports (or NULL). */
int mmio_dispatch(struct vcpu *v, struct mmio_access *a, const struct vdev **dev);

/* Value a load leaves in its register: sized, sign- or zero-extended. */
uint64_t mmio_load_result(const struct mmio_access *a);
/* The bytes a store writes, from general registers @x (x0..x30). */
uint64_t mmio_store_value(const uint64_t *x, const struct mmio_access *a);
/* Write a completed load back to general registers @x. */
void mmio_complete_load(uint64_t *x, const struct mmio_access *a);
