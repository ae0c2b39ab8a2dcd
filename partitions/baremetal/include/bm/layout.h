/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest-physical (IPA) layout every payload assumes, for C and
 * assembly. payload.ld repeats the load address, the stack sizes and the
 * 8 MiB limit.
 */
#pragma once

#include <bulkhead/bits.h>

#define BM_RAM_BASE	_ULL(0x40000000) /* cell RAM, >= 16 MiB; first 2 MiB hold the DTB */
#define BM_RAM_MAP_SIZE _ULL(0x40000000) /* mapped Normal from BM_RAM_BASE */
#define BM_LOAD_ADDR	_ULL(0x40200000) /* where the payload is linked and loaded */
#define BM_TEXT_OFFSET	_ULL(0x00200000) /* BM_LOAD_ADDR - BM_RAM_BASE (arm64 Image header) */
#define BM_PERSIST_ADDR _ULL(0x40800000) /* RAM + 8 MiB: scratch that survives SYSTEM_RESET */
#define BM_UART_BASE	_ULL(0x09000000) /* PL011 */
#define BM_GICD_BASE	_ULL(0x08000000)
#define BM_GICR_BASE	_ULL(0x080a0000)
#define BM_DEVICE_START _ULL(0x08000000)   /* mapped Device-nGnRE from here ... */
#define BM_DEVICE_END	_ULL(0x40000000)   /* ... up to RAM */
#define BM_VA_LIMIT	_ULL(0x8000000000) /* stage 1 maps [0, 512 GiB) (mmu.c) */
#define BM_MAX_VCPUS	8
#define BM_STACK_SIZE	0x4000 /* per vCPU; exceptions run on it too */
