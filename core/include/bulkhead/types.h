/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bulkhead/bits.h>

/* Physical, intermediate-physical (guest) and hypervisor-virtual addresses. */
typedef uint64_t paddr_t;
typedef uint64_t ipa_t;
typedef uintptr_t vaddr_t;

#define ARRAY_SIZE(a)	 (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	 (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define MIN(a, b)	 ((a) < (b) ? (a) : (b))
#define MAX(a, b)	 ((a) > (b) ? (a) : (b))

/* Field helpers: FOO_SHIFT / FOO_WIDTH pairs name every register field. */
#define FIELD_MASK(f)	 (((1ULL << f##_WIDTH) - 1) << f##_SHIFT)
#define FIELD_GET(f, v)	 (((uint64_t)(v) >> f##_SHIFT) & ((1ULL << f##_WIDTH) - 1))
#define FIELD_PREP(f, v) (((uint64_t)(v) << f##_SHIFT) & FIELD_MASK(f))

#define __noreturn     __attribute__((noreturn))
#define __aligned(n)   __attribute__((aligned(n)))
#define __section(s)   __attribute__((section(s)))
#define __unused       __attribute__((unused))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define likely(x)      __builtin_expect(!!(x), 1)
#define unlikely(x)    __builtin_expect(!!(x), 0)

#define READ_ONCE(x)	 (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
