// SPDX-License-Identifier: Apache-2.0
/* The arch contract for the GIC, dispatched to the board's GIC version. */
#include <bulkhead/arch.h>
#include <bulkhead/config_types.h>

#include <arch/gic.h>

static const struct gic_ops *ops(void)
{
	return bh_board.gic.version == 2 ? &gicv2_ops : &gicv3_ops;
}

void arch_gic_init_primary(void)
{
	ops()->init_primary();
}
void arch_gic_init_cpu(void)
{
	ops()->init_cpu(arch_cpu_id());
}
void arch_send_ipi(unsigned int cpu)
{
	ops()->send_sgi(cpu, HYP_IPI_KICK);
}
unsigned int arch_gic_ack(void)
{
	return ops()->ack();
}
void arch_gic_eoi(unsigned int intid)
{
	ops()->eoi(intid);
}
void arch_gic_dir(unsigned int intid)
{
	ops()->deactivate(intid);
}
void arch_gic_set_pmr(uint8_t prio)
{
	ops()->set_pmr(prio);
}
void arch_vgic_enable(void)
{
	ops()->vcpu_enable();
}

void arch_gic_irq_enable(unsigned int intid, unsigned int cpu, bool on)
{
	ops()->irq_enable(intid, cpu, on);
}

void arch_gic_irq_set_pending(unsigned int intid, unsigned int cpu, bool pending)
{
	ops()->irq_set_pending(intid, cpu, pending);
}

bool arch_gic_irq_is_pending(unsigned int intid, unsigned int cpu)
{
	return ops()->irq_is_pending(intid, cpu);
}

bool arch_gic_irq_is_active(unsigned int intid, unsigned int cpu)
{
	return ops()->irq_is_active(intid, cpu);
}

void arch_gic_irq_deactivate(unsigned int intid, unsigned int cpu)
{
	ops()->irq_deactivate(intid, cpu);
}

void arch_gic_spi_set_edge(unsigned int intid, bool edge)
{
	ops()->spi_set_edge(intid, edge);
}
void arch_gic_spi_route(unsigned int intid, unsigned int cpu)
{
	ops()->spi_route(intid, cpu);
}
void arch_gic_spi_route_cpus(unsigned int intid, uint32_t cpus)
{
	ops()->spi_route_cpus(intid, cpus);
}
unsigned int arch_vgic_nr_lrs(void)
{
	return ops()->nr_lrs();
}
void arch_vgic_read_lr(unsigned int i, struct vlr *lr)
{
	ops()->read_lr(i, lr);
}
void arch_vgic_write_lr(unsigned int i, const struct vlr *lr)
{
	ops()->write_lr(i, lr);
}
void arch_vgic_set_underflow(bool on)
{
	ops()->set_underflow(on);
}
void arch_vgic_cpu_reset(void)
{
	ops()->vcpu_reset();
}
