// SPDX-License-Identifier: Apache-2.0
/* Routes a decoded guest MMIO access to the emulated device that owns it. */
#include <bulkhead/cell.h>
#include <bulkhead/errno.h>
#include <bulkhead/mmio.h>
#include <bulkhead/vdev.h>

uint64_t mmio_load_result(const struct mmio_access *a)
{
	unsigned int bits = a->size * 8;
	uint64_t v = bits == 64 ? a->value : a->value & ((1ULL << bits) - 1);

	if (a->sign_extend && bits < 64 && (v & (1ULL << (bits - 1))))
		v |= ~0ULL << bits;
	if (!a->reg64)
		v &= 0xffffffffULL;
	return v;
}

uint64_t mmio_store_value(const uint64_t *x, const struct mmio_access *a)
{
	uint64_t v = a->reg == 31 ? 0 : x[a->reg]; /* register 31 is XZR here */
	unsigned int bits = a->size * 8;

	return bits == 64 ? v : v & ((1ULL << bits) - 1);
}

void mmio_complete_load(uint64_t *x, const struct mmio_access *a)
{
	if (a->reg != 31) /* a load into XZR is discarded */
		x[a->reg] = mmio_load_result(a);
}

int mmio_dispatch(struct vcpu *v, struct mmio_access *a, const struct vdev **dev)
{
	const struct vdev *d = vdev_find(v->cell, a->addr, a->size);

	*dev = d;
	if (!d)
		return -BH_ERANGE;
	return d->handler(v, d->dev, a->addr - d->base, a);
}

const struct vdev *vdev_find(struct cell *c, ipa_t addr, unsigned int size)
{
	for (unsigned int i = 0; i < c->nvdevs; i++) {
		const struct vdev *d = &c->vdevs[i];

		if (addr >= d->base && addr - d->base < d->size &&
		    size <= d->size - (addr - d->base))
			return d;
	}
	return NULL;
}

int vdev_add(struct cell *c, ipa_t base, uint64_t size, mmio_handler_t handler, void *dev,
	     const char *name)
{
	if (c->nvdevs == CELL_MAX_VDEVS)
		return -BH_ENOMEM;
	c->vdevs[c->nvdevs++] = (struct vdev){base, size, handler, dev, name};
	return 0;
}
