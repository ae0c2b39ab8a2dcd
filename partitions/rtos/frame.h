/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The saved context of a task: the exception frame vectors.S pushes on the
 * task's own stack. A task that is not running is fully described by the
 * address of its frame, so a context switch is "return through another
 * task's frame".
 */
#pragma once

#define RTOS_FRAME_X30	240
#define RTOS_FRAME_ELR	248
#define RTOS_FRAME_SPSR 256
#define RTOS_FRAME_SIZE 272 /* 16-byte multiple: SP stays aligned */

#ifndef __ASSEMBLY__
#include <bulkhead/types.h>

struct rtos_frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad;
};

_Static_assert(__builtin_offsetof(struct rtos_frame, x[30]) == RTOS_FRAME_X30, "frame x30");
_Static_assert(__builtin_offsetof(struct rtos_frame, elr) == RTOS_FRAME_ELR, "frame elr");
_Static_assert(__builtin_offsetof(struct rtos_frame, spsr) == RTOS_FRAME_SPSR, "frame spsr");
_Static_assert(sizeof(struct rtos_frame) == RTOS_FRAME_SIZE, "frame size");

/* vectors.S -> kernel.c: @frame is the interrupted task's saved context;
 * the result is the frame to return through (the same, or another task's). */
uint64_t rtos_irq(uint64_t frame);
uint64_t rtos_svc(uint64_t frame);
extern char rtos_vectors[];
#endif
