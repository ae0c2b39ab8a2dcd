#include <bm/bm.h>
BM_PAYLOAD("zzhvc");
void bm_main(void)
{
	__asm__ volatile("hvc #0x77" ::: "memory"); /* marker: start */
	(void)bm_psci_version();
	__asm__ volatile("hvc #0x78" ::: "memory"); /* marker: end */
	(void)bm_read32(bm_plat.gicd_base + 4);
	__asm__ volatile("hvc #0x79" ::: "memory");
}
