/* SPDX-License-Identifier: Apache-2.0 */
/* A cell with @ncpus vCPUs (on CPUs 0..n-1) for tests of core logic. */
#pragma once

#include <stdlib.h>

#include <bulkhead/cell.h>
#include <bulkhead/vgic.h>

#include <arch/fake.h>

struct cellfix {
	struct bh_cell cfg;
	struct cell c;
	struct vcpu v[4];
	uint16_t irqs[4];
};

static inline struct cellfix *cellfix_new(const char *name, unsigned int index, unsigned int ncpus,
					  const uint16_t *irqs, unsigned int nirqs)
{
	struct cellfix *f = calloc(1, sizeof(*f));

	f->cfg.name = name;
	f->cfg.ncpus = ncpus;
	f->cfg.console = BH_CONSOLE_VUART;
	f->cfg.console_irq = 33;
	for (unsigned int i = 0; i < nirqs; i++)
		f->irqs[i] = irqs[i];
	f->cfg.irqs = f->irqs;
	f->cfg.nirqs = nirqs;
	f->c.cfg = &f->cfg;
	f->c.index = index;
	f->c.state = CELL_RUNNING;
	for (unsigned int i = 0; i < ncpus; i++) {
		f->v[i].cell = &f->c;
		f->v[i].index = i;
		f->v[i].pcpu = i;
		f->v[i].state = VCPU_RUNNING;
		f->c.vcpus[i] = &f->v[i];
	}
	vgic_cell_init(&f->c);
	return f;
}
