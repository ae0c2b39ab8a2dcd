// SPDX-License-Identifier: Apache-2.0
/*
 * pci: a cell's view of PCI configuration space (Bulkhead's virtual ECAM)
 * with a QEMU "edu" device passed through. It must see its own function
 * and nothing else on the bus, read it with every width PCI allows, find
 * no MSI capability, size a BAR with the all-ones probe, place it only
 * inside its own window (another cell's window, or none, is refused),
 * turn memory decoding on only once the BAR is inside, reach the device's
 * registers there, and take its INTx as its own SPI.
 *
 * What it expects comes on the command line (configs/qemu-virt/test-pci.dts):
 *   pci.ecam=<IPA> pci.fn=<bb:dd.f> pci.intid=<n> pci.win=<base> pci.winsize=<bytes>
 *   pci.foreign=<an address in another cell's window>
 */
#include <bm/bm.h>

#include <bulkhead/string.h>

BM_PAYLOAD("pci");

#define CFG_COMMAND   0x04
#define CFG_STATUS    0x06
#define CFG_HEADER    0x0e
#define CFG_BAR0      0x10
#define CFG_CAP_PTR   0x34
#define CFG_INT_PIN   0x3d
#define CMD_MEM	      (1U << 1)
#define CMD_IO	      (1U << 0)
#define STATUS_CAPS   (1U << 4)
#define CAP_MSI	      0x05
#define CAP_MSIX      0x11
#define EDU_VENDOR    0x11e81234U /* device << 16 | vendor */
#define EDU_ID	      0x00
#define EDU_ID_VALUE  0x010000edU
#define EDU_LIVENESS  0x04
#define EDU_IRQ_STAT  0x24
#define EDU_IRQ_RAISE 0x60
#define EDU_IRQ_ACK   0x64
#define EDU_BAR_SIZE  0x100000U
#define WAIT_US	      1000000

static uint64_t ecam, win, winsize, foreign;
static unsigned int devfn, intid;
static bool args_ok;
static volatile unsigned int irqs;

/* "key=value" from the command line: a number (0x.. hex) or bb:dd.f. */
static bool arg(const char *key, uint64_t *val, bool bdf)
{
	const char *s = bm_plat.bootargs;
	size_t n = strlen(key);

	for (; *s; s++) {
		uint64_t v = 0;
		unsigned int base = 10;

		if ((s != bm_plat.bootargs && s[-1] != ' ') || memcmp(s, key, n) || s[n] != '=')
			continue;
		s += n + 1;
		if (bdf) { /* bb:dd.f */
			unsigned int d[3] = {0, 0, 0}, k = 0;

			for (; *s && *s != ' ' && k < 3; s++) {
				if (*s == ':' || *s == '.')
					k++;
				else
					d[k] = d[k] * 16 +
					       (unsigned int)(*s <= '9' ? *s - '0'
									: (*s | 0x20) - 'a' + 10);
			}
			*val = d[0] << 8 | d[1] << 3 | d[2];
			return k == 2;
		}
		if (s[0] == '0' && s[1] == 'x') {
			base = 16;
			s += 2;
		}
		for (; *s && *s != ' '; s++)
			v = v * base + (uint64_t)(*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
		*val = v;
		return true;
	}
	return false;
}

/* Configuration accesses: single loads and stores of each width, which
 * the hypervisor decodes from the syndrome. */
static uintptr_t cfg(unsigned int fn, unsigned int off)
{
	return (uintptr_t)(ecam + ((uint64_t)fn << 12) + off);
}
static uint32_t rd8(unsigned int fn, unsigned int off)
{
	uint32_t v;

	__asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(cfg(fn, off)) : "memory");
	return v;
}
static uint32_t rd16(unsigned int fn, unsigned int off)
{
	uint32_t v;

	__asm__ volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(cfg(fn, off)) : "memory");
	return v;
}
static void wr16(unsigned int fn, unsigned int off, uint32_t v)
{
	__asm__ volatile("strh %w0, [%1]" : : "rZ"(v), "r"(cfg(fn, off)) : "memory");
}
static uint32_t rd32(unsigned int fn, unsigned int off)
{
	return bm_read32(cfg(fn, off));
}
static void wr32(unsigned int fn, unsigned int off, uint32_t v)
{
	bm_write32(cfg(fn, off), v);
}

static void edu_irq(uint32_t id, void *a)
{
	uint32_t stat = bm_read32((uintptr_t)win + EDU_IRQ_STAT);

	(void)id;
	(void)a;
	/* Quiet the device (its line is a level) before the EOI. */
	bm_write32((uintptr_t)win + EDU_IRQ_ACK, stat);
	irqs++;
}

void bm_main(void)
{
	uint64_t fn = 0, id = 0;

	args_ok = arg("pci.ecam", &ecam, false) && arg("pci.fn", &fn, true) &&
		  arg("pci.intid", &id, false) && arg("pci.win", &win, false) &&
		  arg("pci.winsize", &winsize, false) && arg("pci.foreign", &foreign, false);
	devfn = (unsigned int)fn & 0xff;
	intid = (unsigned int)id;
	bh_printf("pci: ECAM at 0x%lx, own function %02x.%x, INTID %u, window 0x%lx+0x%lx\n",
		  (unsigned long)ecam, devfn >> 3, devfn & 7, intid, (unsigned long)win,
		  (unsigned long)winsize);
	if (!args_ok)
		bm_fatal("pci: missing pci.* arguments on the command line\n");
	bm_gic_init();
	bm_gic_cpu_init();
}

TEST(sees_only_its_own_function)
{
	unsigned int seen = 0;

	for (unsigned int fn = 0; fn < 256; fn++) {
		uint32_t id = rd32(fn, 0);

		if ((id & 0xffff) == 0xffff)
			continue;
		bh_printf("pci: sees 00:%02x.%x [%04x:%04x]\n", fn >> 3, fn & 7, id & 0xffff,
			  id >> 16);
		EXPECT_EQ(fn, devfn);
		seen++;
	}
	EXPECT_EQ(seen, 1);
	EXPECT_EQ(rd32(devfn, 0), EDU_VENDOR);
	/* The host bridge itself is there on the machine, not for us. */
	EXPECT_EQ(rd32(0, 0), 0xffffffff);
	EXPECT_EQ(rd16(0, 0), 0xffff);
	EXPECT_EQ(rd8(0, 0), 0xff);
}

TEST(every_width)
{
	uint32_t id = rd32(devfn, 0);
	uint64_t v;

	EXPECT_EQ(rd16(devfn, 0), id & 0xffff);
	EXPECT_EQ(rd16(devfn, 2), id >> 16);
	EXPECT_EQ(rd8(devfn, 1), (id >> 8) & 0xff);
	EXPECT_EQ(rd8(devfn, 3), id >> 24);
	EXPECT_EQ(rd8(devfn, CFG_HEADER) & 0x7f, 0);
	EXPECT_EQ(rd8(devfn, CFG_INT_PIN), 1); /* INTA */
	/* 8 bytes is no PCI configuration access: the cell's fault policy
	 * (inject) makes it an external abort. */
	EXPECT_FALSE(bm_probe_read(cfg(devfn, 0), &v));
}

TEST(no_msi_capability)
{
	unsigned int n = 0;

	ASSERT_TRUE(rd16(devfn, CFG_STATUS) & STATUS_CAPS);
	for (uint32_t p = rd8(devfn, CFG_CAP_PTR) & 0xfc; p && n < 48;
	     p = rd8(devfn, p + 1) & 0xfc) {
		uint32_t capid = rd8(devfn, p);

		bh_printf("pci: capability 0x%02x at 0x%02x\n", capid, p);
		EXPECT_NE(capid, CAP_MSI);
		EXPECT_NE(capid, CAP_MSIX);
		n++;
	}
}

TEST(bar_size_probe)
{
	uint32_t orig = rd32(devfn, CFG_BAR0);

	wr32(devfn, CFG_BAR0, 0xffffffff);
	EXPECT_EQ(rd32(devfn, CFG_BAR0), ~(EDU_BAR_SIZE - 1));
	wr32(devfn, CFG_BAR0, orig);
	EXPECT_EQ(rd32(devfn, CFG_BAR0), orig);
}

TEST(decoding_waits_for_the_bar)
{
	/* BAR0 is where reset left it (0), outside every window. */
	wr16(devfn, CFG_COMMAND, CMD_MEM | CMD_IO);
	EXPECT_EQ(rd16(devfn, CFG_COMMAND) & (CMD_MEM | CMD_IO), 0);
}

TEST(bar_placed_in_own_window_only)
{
	uint32_t before;

	wr32(devfn, CFG_BAR0, (uint32_t)win);
	EXPECT_EQ(rd32(devfn, CFG_BAR0), (uint32_t)win);
	before = rd32(devfn, CFG_BAR0);
	/* Another cell's window, then nobody's: both refused. */
	wr32(devfn, CFG_BAR0, (uint32_t)foreign);
	EXPECT_EQ(rd32(devfn, CFG_BAR0), before);
	wr32(devfn, CFG_BAR0, 0x30000000);
	EXPECT_EQ(rd32(devfn, CFG_BAR0), before);
	/* The last 1 MiB of the window would fit if it is larger. */
	if (winsize > EDU_BAR_SIZE) {
		wr32(devfn, CFG_BAR0, (uint32_t)(win + winsize - EDU_BAR_SIZE));
		EXPECT_EQ(rd32(devfn, CFG_BAR0), (uint32_t)(win + winsize - EDU_BAR_SIZE));
		wr32(devfn, CFG_BAR0, (uint32_t)win);
	}
}

TEST(device_registers_through_the_bar)
{
	wr16(devfn, CFG_COMMAND, CMD_MEM | CMD_IO);
	EXPECT_EQ(rd16(devfn, CFG_COMMAND) & (CMD_MEM | CMD_IO), CMD_MEM);
	EXPECT_EQ(bm_read32((uintptr_t)win + EDU_ID), EDU_ID_VALUE);
	bm_write32((uintptr_t)win + EDU_LIVENESS, 0x12345678);
	EXPECT_EQ(bm_read32((uintptr_t)win + EDU_LIVENESS), ~0x12345678U);
}

TEST(intx_is_the_cells_spi)
{
	uint64_t end = bm_cntvct() + bm_us_to_ticks(WAIT_US);

	bm_irq_register(intid, edu_irq, NULL);
	bm_gic_enable_irq(intid, BM_GIC_PRIO_DEF);
	bm_irq_enable();
	bm_write32((uintptr_t)win + EDU_IRQ_RAISE, 1);
	while (!irqs && bm_cntvct() < end)
		;
	bm_irq_disable();
	EXPECT_EQ(irqs, 1);
	EXPECT_EQ(bm_read32((uintptr_t)win + EDU_IRQ_STAT), 0);
	bh_printf("pci: INTx taken as INTID %u: %u interrupt(s)\n", intid, irqs);
}
