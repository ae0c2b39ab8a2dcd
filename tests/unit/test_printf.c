// SPDX-License-Identifier: Apache-2.0
/* core/printf.c against the host C library, conversion by conversion. */
#include <stdarg.h>

#include <bulkhead/printf.h>

#include <arch/fake.h>

#include "ut.h"

/* Format with both implementations and compare text and length. */
static void check(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void check(const char *fmt, ...)
{
	char ours[256], libc[256];
	va_list ap, ap2;
	int n_ours, n_libc;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n_ours = bh_vsnprintf(ours, sizeof(ours), fmt, ap);
	n_libc = vsnprintf(libc, sizeof(libc), fmt, ap2);
	va_end(ap2);
	va_end(ap);
	if (strcmp(ours, libc) != 0 || n_ours != n_libc)
		ut_fail(__FILE__, __LINE__, "format \"%s\": got \"%s\" (%d), libc \"%s\" (%d)", fmt,
			ours, n_ours, libc, n_libc);
}

TEST(printf_integers)
{
	check("%d %d %d %d", 0, 1, -1, 2147483647);
	check("%d", -2147483647 - 1);
	check("%u %u", 0u, 4294967295u);
	check("%x %X %o", 0xdeadbeefu, 0xabcdefu, 0755u);
	check("%ld %lu %lx", -5L, 123456789UL, 0xffffffffffUL);
	check("%lld %llu %llx", -9223372036854775807LL - 1, 18446744073709551615ULL,
	      0x123456789abcdefULL);
	check("%zu %zx", (size_t)42, (size_t)0x1000);
	check("%hhu %hd %hx", 300, 70000, 0x12345);
	check("%hhd", 200);
}

TEST(printf_width_and_flags)
{
	check("[%5d] [%-5d] [%05d]", 42, 42, 42);
	check("[%5d] [%05d] [%-6d]", -42, -42, -42);
	check("[%016llx] [%08x]", 0xbad0000000ULL, 0x1u);
	check("[%#x] [%#llx] [%#o] [%#x]", 255u, 0x40000000ULL, 8u, 0u);
	check("[%#010x]", 0xabu);
	check("[%*d] [%-*d]", 6, 7, 6, 7);
	check("[%s] [%10s] [%-10s]", "abc", "abc", "abc");
	check("[%c%c] [%3c]", 'o', 'k', 'x');
	check("100%% done");
}

TEST(printf_pointer_and_null)
{
	char buf[64];

	bh_snprintf(buf, sizeof(buf), "%p", (void *)0x1234);
	EXPECT_STREQ(buf, "0x1234");
	{
		const char *volatile null_str = NULL; /* hide NULL from -Wformat */

		bh_snprintf(buf, sizeof(buf), "%s", null_str);
		EXPECT_STREQ(buf, "(null)");
	}
}

TEST(printf_truncation)
{
	char buf[8];
	int n = bh_snprintf(buf, sizeof(buf), "%s-%d", "abcdef", 12345);

	EXPECT_EQ(n, 12);
	EXPECT_STREQ(buf, "abcdef-");
	n = bh_snprintf(buf, 1, "xyz");
	EXPECT_EQ(n, 3);
	EXPECT_STREQ(buf, "");
}

TEST(console_translates_newlines)
{
	fake_console_reset();
	bh_printf("a\nb %d\n", 7);
	EXPECT_STREQ(fake_console_output(), "a\r\nb 7\r\n");
}
