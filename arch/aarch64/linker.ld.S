/* SPDX-License-Identifier: Apache-2.0 */
/* Bulkhead is linked where the board's hypervisor-memory starts. */
#include <arch/layout.h>
#include <config.h>

OUTPUT_ARCH(aarch64)
ENTRY(_head)

PHDRS
{
	text PT_LOAD FLAGS(5);   /* R X */
	rodata PT_LOAD FLAGS(4); /* R */
	data PT_LOAD FLAGS(6);   /* R W */
}

SECTIONS
{
	. = BH_HYP_BASE + HYP_IMAGE_OFFSET;
	.text : {
		*(.text.head)
		*(.text.vectors)
		*(.text .text.*)
	} :text
	. = ALIGN(4096);
	_text_end = .;
	.rodata : {
		*(.rodata .rodata.*)
		*(.srodata .srodata.*)
	} :rodata
	. = ALIGN(4096);
	_rodata_end = .;
	.data : {
		*(.data .data.*)
	} :data
	.bss (NOLOAD) : ALIGN(16) {
		_bss_start = .;
		*(.bss .bss.*)
		*(COMMON)
		. = ALIGN(16);
		_bss_end = .;
	}
	. = ALIGN(4096);
	.stacks (NOLOAD) : {
		_stacks_start = .;
		. += BH_NR_CPUS * CPU_STACK_STRIDE;
		_stacks_end = .;
	}
	. = ALIGN(4096);
	_image_end = .;
	/DISCARD/ : {
		*(.comment) *(.note*) *(.eh_frame*) *(.interp) *(.dynamic)
	}
}

ASSERT(_head == BH_HYP_BASE + HYP_IMAGE_OFFSET, "image header must come first")
ASSERT(_image_end - BH_HYP_BASE <= BH_HYP_SIZE,
	"Bulkhead image is larger than the board's hypervisor-memory")
/* The heap after the image holds the cells' stage-2 tables (bhcfg's upper
 * bound, BH_STAGE2_TABLES_SIZE): a system must not build if they cannot fit. */
ASSERT(BH_HYP_BASE + BH_HYP_SIZE - _image_end >= BH_STAGE2_TABLES_SIZE,
	"the cells' stage-2 tables do not fit in the board's hypervisor-memory after the image")
