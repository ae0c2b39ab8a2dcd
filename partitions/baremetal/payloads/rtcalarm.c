// SPDX-License-Identifier: Apache-2.0
/*
 * rtcalarm: a passthrough device interrupt that must keep arriving. The
 * PL031 RTC (its cell owns the "rtc" device, SPI 34) raises its alarm once
 * a second: the handler clears it and sets the match register to the next
 * second. Runs rtcalarm.seconds=<s> (default 5) of counter time, asleep
 * in WFI between interrupts (the virtual timer ends the run), then prints
 * one "RTC-ALARM: n=<i> rtc=<s> t=<cntvct>" line per alarm and the result.
 *
 * It also listens for what must never come: every SGI is enabled (nothing
 * in this cell sends any), so an SGI that leaked in from another cell would
 * be taken and counted as a stray.
 */
#include <bm/bm.h>

BM_PAYLOAD("rtcalarm");

#define RTC_BASE	0x09010000ULL
#define RTC_SPI		34
#define RTCDR		0x00 /* count, seconds */
#define RTCMR		0x04 /* match */
#define RTCCR		0x0c /* control: 1 = counting */
#define RTCIMSC		0x10 /* interrupt mask set/clear: 1 = enabled */
#define RTCMIS		0x18 /* masked interrupt status */
#define RTCICR		0x1c /* interrupt clear */
#define NR_SGIS		16
#define DEFAULT_SECONDS 5
#define MAX_SECONDS	60
#define MAX_ALARMS	(MAX_SECONDS + 2)

struct alarm {
	uint32_t rtc; /* RTCDR in the handler */
	uint64_t t;   /* CNTVCT in the handler */
};

static struct alarm alarms[MAX_ALARMS];
static volatile uint32_t nalarms, spurious, strays;
static unsigned int seconds = DEFAULT_SECONDS;

static uint32_t rtc_read(uint32_t reg)
{
	return bm_read32(RTC_BASE + reg);
}

static void rtc_write(uint32_t reg, uint32_t v)
{
	bm_write32(RTC_BASE + reg, v);
}

static void rtc_irq(uint32_t intid, void *arg)
{
	uint32_t now;

	(void)intid;
	(void)arg;
	if (!(rtc_read(RTCMIS) & 1)) {
		spurious++;
		return;
	}
	/* A level: quiet it before the EOI, then the next second's alarm. */
	rtc_write(RTCICR, 1);
	now = rtc_read(RTCDR);
	rtc_write(RTCMR, now + 1);
	if (nalarms < MAX_ALARMS)
		alarms[nalarms] = (struct alarm){.rtc = now, .t = bm_cntvct()};
	nalarms = nalarms + 1;
}

static void stray_irq(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	strays = strays + 1;
}

/* The end of the run: wakes the WFI loop (a level: stop it before the EOI). */
static void timer_irq(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	bm_vtimer_stop();
}

static void parse_seconds(void)
{
	static const char key[] = "rtcalarm.seconds=";
	const char *p = bm_plat.bootargs;

	for (; *p; p++) {
		unsigned int v = 0;
		size_t i = 0;

		if (p != bm_plat.bootargs && p[-1] != ' ')
			continue;
		while (key[i] && p[i] == key[i])
			i++;
		if (key[i])
			continue;
		for (p += i; *p >= '0' && *p <= '9' && v <= MAX_SECONDS; p++)
			v = v * 10 + (unsigned int)(*p - '0');
		if (v >= 1 && v <= MAX_SECONDS && (*p == '\0' || *p == ' '))
			seconds = v;
		else
			bh_printf("rtcalarm: ignoring bad rtcalarm.seconds, using %u\n", seconds);
		return;
	}
}

void bm_main(void)
{
	parse_seconds();
	bm_gic_init();
	bm_gic_cpu_init();
	bm_irq_register(RTC_SPI, rtc_irq, NULL);
	bm_irq_register(BM_VTIMER_PPI, timer_irq, NULL);
	for (uint32_t id = 0; id < NR_SGIS; id++) {
		bm_irq_register(id, stray_irq, NULL);
		bm_gic_enable_irq(id, BM_GIC_PRIO_DEF);
	}
	bh_printf("rtcalarm: alarms for %u s, SGIs 0-%u enabled as tripwires\n", seconds,
		  NR_SGIS - 1);
}

TEST(alarm_every_second)
{
	uint64_t start, deadline;
	uint32_t n;

	rtc_write(RTCIMSC, 0);
	rtc_write(RTCICR, 1);
	rtc_write(RTCCR, 1);
	bm_gic_enable_irq(RTC_SPI, BM_GIC_PRIO_DEF);
	rtc_write(RTCMR, rtc_read(RTCDR) + 1);
	rtc_write(RTCIMSC, 1);
	start = bm_cntvct();
	bh_printf("RTC-START: t=%lu\n", (unsigned long)start);
	deadline = start + seconds * bm_cntfrq();
	/* Sleep between interrupts: a spinning vCPU would take host CPU time
	 * from the neighbours whose timing is under test. */
	bm_gic_enable_irq(BM_VTIMER_PPI, BM_GIC_PRIO_DEF);
	bm_vtimer_arm(deadline);
	/* Masked while deciding to sleep: WFI still wakes on a pending
	 * interrupt, which is then taken in the unmasked window. */
	while (bm_cntvct() < deadline) {
		bm_wfi();
		bm_irq_enable();
		bm_isb();
		bm_irq_disable();
	}
	rtc_write(RTCIMSC, 0);
	bm_gic_disable_irq(RTC_SPI);

	n = MIN(nalarms, (uint32_t)MAX_ALARMS);
	for (uint32_t i = 0; i < n; i++)
		bh_printf("RTC-ALARM: n=%u rtc=%u t=%lu\n", i + 1, alarms[i].rtc,
			  (unsigned long)alarms[i].t);
	bh_printf("rtcalarm: %u alarms in %u s, %u spurious, %u stray SGIs\n", nalarms, seconds,
		  spurious, strays);
	/* Each alarm is set a second after the previous one was handled:
	 * delivery latency adds up, and the last may miss the deadline. */
	EXPECT_TRUE(nalarms + 1 >= seconds);
	EXPECT_TRUE(nalarms <= seconds + 1);
	for (uint32_t i = 1; i < n; i++)
		EXPECT_TRUE(alarms[i].rtc > alarms[i - 1].rtc);
	EXPECT_EQ(spurious, 0);
}

TEST(no_stray_interrupts)
{
	EXPECT_EQ(strays, 0);
}
