/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The contract between the portable core and an architecture. core/ reaches
 * hardware only through these functions (and the arch/ headers included
 * below); arch/fake implements them on the host for unit tests.
 */
#pragma once

#include <bulkhead/types.h>

#include <arch/spinlock.h> /* arch_spinlock_t, arch_spin_lock/unlock */

/* ---- CPU identity and control ------------------------------------------ */
/* Logical id of the calling CPU: its index in bh_board.cpu_mpidr[]. */
unsigned int arch_cpu_id(void);
/* Start logical CPU @cpu in bh_secondary_main(); 0 or -BH_E*. */
int arch_cpu_start(unsigned int cpu);
/* Stop the calling CPU for good, in the lowest-power wait available. */
__noreturn void arch_cpu_park(void);
/* Stop running code but keep serving the hypervisor's own interrupts. */
__noreturn void arch_cpu_serve_irqs(void);
/* Power the whole machine off (PSCI SYSTEM_OFF). */
__noreturn void arch_system_off(void);
/* Sleep (WFI) until this CPU is kicked with arch_kick_cpu(): an idle CPU
 * must not spin, under emulation it would burn a host thread. Guest
 * interrupts routed here wait at the GIC meanwhile. */
void arch_cpu_wait(void);

/* ---- Time ------------------------------------------------------------- */
uint64_t arch_counter(void);	  /* free-running system counter */
uint64_t arch_counter_freq(void); /* its frequency in Hz */

/* ---- Console hardware ------------------------------------------------- */
void arch_console_putc(char c);	    /* waits for room: own messages only */
bool arch_console_try_putc(char c); /* false if the TX FIFO is full */
int arch_console_getc(void);	    /* -1 if nothing was received */
/* The console UART's own interrupt sources: received data, TX FIFO room. */
void arch_console_irqs(bool rx, bool tx);

/* ---- Stage-1 (hypervisor) memory map ---------------------------------- */
/* Build the hypervisor's own translation tables (boot CPU, MMU off). */
int arch_mmu_init(void);

/* ---- Hypervisor memory ------------------------------------------------ */
/* The part of the reservation free for tables and data (after the image). */
void arch_hyp_heap(uintptr_t *base, size_t *size);
/* Make data the hypervisor wrote visible to a guest running with its MMU
 * off (clean to the point of coherency), and drop stale instructions. */
void arch_clean_dcache_range(const void *p, size_t len);
void arch_clean_inval_dcache_range(const void *p, size_t len);
void arch_icache_invalidate_all(void);

/* ---- Virtualization --------------------------------------------------- */
struct vcpu;
struct cell;
/* The largest IPA size this CPU's stage 2 translates (its PA size, at most
 * 48 bits with 4 KiB pages). */
unsigned int arch_ipa_bits(void);
/* Per physical CPU: traps, stage-2 control, interrupt controller. */
void arch_virt_init_cpu(void);
void arch_virt_init_primary(void);
/* Make @v the vCPU of the calling CPU (stage 2, VMID, identity registers). */
void arch_vcpu_load(struct vcpu *v);
/* Architectural reset state, about to start at @entry with x0 = @x0. */
void arch_vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t x0);
/* Enter or re-enter the guest; returns only through a new exit. */
__noreturn void arch_vcpu_resume(struct vcpu *v);
/* Inject into the guest as hardware would: external abort, undefined
 * instruction, SError. */
void arch_inject_abort(struct vcpu *v, bool instr);
void arch_inject_undef(struct vcpu *v);
void arch_inject_serror(struct vcpu *v);
/* Print the guest's registers and last exit syndrome. */
void arch_dump_vcpu(const struct vcpu *v);
/* Did the guest have IRQs masked (PSTATE.I) when it exited? */
bool arch_vcpu_irqs_masked(const struct vcpu *v);
/* Trap the guest's WFI on the calling CPU (normally it runs natively). */
void arch_vcpu_trap_wfi(bool on);
/* The calling CPU's hypervisor timer: an interrupt after @us, or none. */
void arch_hyp_timer_arm(uint64_t us);
void arch_hyp_timer_stop(void);
/* Pull CPU @cpu out of its guest or out of arch_cpu_wait(): it re-checks
 * its cell's state. */
void arch_kick_cpu(unsigned int cpu);
/* Name of an exit's exception class, for reports. */
const char *arch_exit_class_name(const struct vcpu *v);
const char *arch_exception_class_name(unsigned int ec);

/* ---- Physical GIC, as the virtual GIC drives it ----------------------- */
/* @cpu names the CPU whose private interrupt (INTID < 32) is meant;
 * ignored for SPIs. Priorities and groups are Bulkhead's, not the guest's. */
void arch_gic_irq_enable(unsigned int intid, unsigned int cpu, bool on);
void arch_gic_irq_set_pending(unsigned int intid, unsigned int cpu, bool pending);
bool arch_gic_irq_is_pending(unsigned int intid, unsigned int cpu);
bool arch_gic_irq_is_active(unsigned int intid, unsigned int cpu);
void arch_gic_irq_deactivate(unsigned int intid, unsigned int cpu);
void arch_gic_spi_set_edge(unsigned int intid, bool edge);
void arch_gic_spi_route(unsigned int intid, unsigned int cpu);
/* Route to one of the CPUs in @cpus (bit n: CPU n): 1-of-N delivery for a
 * GICv2 target mask. No CPU: the interrupt is delivered nowhere. */
void arch_gic_spi_route_cpus(unsigned int intid, uint32_t cpus);
/* The virtual CPU interface of the calling CPU. */
struct vlr;
unsigned int arch_vgic_nr_lrs(void);
void arch_vgic_read_lr(unsigned int i, struct vlr *lr);
void arch_vgic_write_lr(unsigned int i, const struct vlr *lr);
/* Maintenance interrupt when list registers run (nearly) empty. */
void arch_vgic_set_underflow(bool on);
/* Empty list registers, active priorities and interface state. */
void arch_vgic_cpu_reset(void);
/* Turn on the virtual CPU interface for the guest about to run here. */
void arch_vgic_enable(void);

/* ---- PCI configuration space ------------------------------------------ */
/* @size bytes (1, 2 or 4, naturally aligned) at @offset (< 4096) of function
 * @bdf (bus << 8 | device << 3 | function) through the board's ECAM, which
 * Bulkhead maps for the root bus only: another bus reads as all ones and
 * ignores writes, as an absent function does. */
uint32_t arch_pci_cfg_read(uint16_t bdf, unsigned int offset, unsigned int size);
void arch_pci_cfg_write(uint16_t bdf, unsigned int offset, unsigned int size, uint32_t value);

/* ---- IOMMU: the cells' DMA (arch/aarch64/smmuv3.c) -------------------- */
struct page_pool;
/* What a cell's DMA masters translate through: the very stage-2 table its
 * CPUs walk, so the two can never drift apart. */
struct iommu_domain {
	uint32_t vmid;
	paddr_t root;
	unsigned int ia_bits;
	unsigned int start_level;
};
/* A transaction the IOMMU blocked. */
struct iommu_fault {
	uint32_t sid;
	uint64_t addr; /* the address the device used, if addr_valid */
	bool addr_valid;
	bool write;
	const char *reason;
};
/* Take the board's IOMMU over, every stream blocked (also those no table
 * covers); tables for streams up to @max_sid come from @pool. 0, or
 * -BH_ENODEV (the board has none), -BH_ENOTSUP (it cannot translate for
 * cells: it said why), -BH_ENOMEM, -BH_ETIMEDOUT. */
int arch_iommu_init(struct page_pool *pool, uint32_t max_sid);
/* The largest IPA size the IOMMU's stage 2 takes (0 if there is none). */
unsigned int arch_iommu_ia_bits(void);
/* Streams @sids translate through @d, or are blocked (@d NULL); what the
 * IOMMU cached of them and of VMID @vmid is invalidated. Done when this
 * returns 0; -BH_ETIMEDOUT if the IOMMU did not confirm (it said so). */
int arch_iommu_set(const uint32_t *sids, unsigned int n, uint32_t vmid,
		   const struct iommu_domain *d);
/* An IOMMU interrupt: events go to iommu_fault_report(). False if @intid
 * is not the IOMMU's. */
bool arch_iommu_irq(unsigned int intid);
/* Core: the IOMMU blocked a transaction. */
void iommu_fault_report(const struct iommu_fault *f);

/* ---- Descriptor encoding used by core/pgtable.c ------------------------ */
#include <arch/pte.h>
