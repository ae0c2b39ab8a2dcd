// SPDX-License-Identifier: Apache-2.0
/* Small printf: enough for dumps and tables, no floating point. */
#include <bulkhead/printf.h>
#include <bulkhead/string.h>

struct spec {
	bool left;
	bool zero;
	bool upper;
	bool alt; /* '#': 0x prefix for hex, leading 0 for octal */
	unsigned int width;
	unsigned int base;
};

static size_t emit_num(bh_putc_fn put, void *ctx, uint64_t v, bool neg, const struct spec *s)
{
	const char *digits = s->upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	const char *prefix;
	size_t n = 0, len, pad;
	bool is_zero = v == 0; /* like C: "%#x" of 0 is "0" */

	do {
		buf[n++] = digits[v % s->base];
		v /= s->base;
	} while (v);
	if (s->alt && s->base == 8 && buf[n - 1] != '0')
		buf[n++] = '0';
	prefix = neg ? "-" : (s->alt && s->base == 16 && !is_zero) ? (s->upper ? "0X" : "0x") : "";
	len = n + strlen(prefix);
	pad = s->width > len ? s->width - len : 0;
	if (s->zero)
		for (const char *p = prefix; *p; p++)
			put(ctx, *p);
	for (size_t i = 0; !s->left && i < pad; i++)
		put(ctx, s->zero ? '0' : ' ');
	if (!s->zero)
		for (const char *p = prefix; *p; p++)
			put(ctx, *p);
	while (n)
		put(ctx, buf[--n]);
	for (size_t i = 0; s->left && i < pad; i++)
		put(ctx, ' ');
	return len + pad;
}

static size_t emit_str(bh_putc_fn put, void *ctx, const char *str, const struct spec *s)
{
	size_t len = strlen(str), out = 0;

	for (; !s->left && len + out < s->width; out++)
		put(ctx, ' ');
	for (const char *p = str; *p; p++)
		put(ctx, *p);
	out += len;
	for (; s->left && out < s->width; out++)
		put(ctx, ' ');
	return out;
}

size_t bh_vformat(bh_putc_fn put, void *ctx, const char *fmt, va_list ap)
{
	size_t out = 0;

	for (const char *p = fmt; *p; p++) {
		struct spec s = {.base = 10};
		int lng = 0; /* 0 int, 1 long, 2 long long, -1 short, -2 char, 3 size_t */
		uint64_t v;
		bool neg = false, is_signed = false;

		if (*p != '%') {
			put(ctx, *p);
			out++;
			continue;
		}
		p++;
		for (;; p++) {
			if (*p == '-')
				s.left = true;
			else if (*p == '0')
				s.zero = true;
			else if (*p == '#')
				s.alt = true;
			else
				break;
		}
		if (*p == '*') {
			int w = va_arg(ap, int);

			if (w < 0) {
				s.left = true;
				w = -w;
			}
			s.width = (unsigned int)w;
			p++;
		}
		while (*p >= '0' && *p <= '9')
			s.width = s.width * 10 + (unsigned int)(*p++ - '0');
		if (s.left)
			s.zero = false;
		for (;; p++) {
			if (*p == 'l')
				lng = lng >= 1 ? 2 : 1;
			else if (*p == 'h')
				lng = lng <= -1 ? -2 : -1;
			else if (*p == 'z' || *p == 't' || *p == 'j')
				lng = 3;
			else
				break;
		}
		switch (*p) {
		case '\0':
			return out;
		case '%':
			put(ctx, '%');
			out++;
			continue;
		case 'c': {
			char c = (char)va_arg(ap, int);
			char str[2] = {c, '\0'};

			out += emit_str(put, ctx, str, &s);
			continue;
		}
		case 's': {
			const char *str = va_arg(ap, const char *);

			out += emit_str(put, ctx, str ? str : "(null)", &s);
			continue;
		}
		case 'p':
			s.base = 16;
			s.alt = true;
			out += emit_num(put, ctx, (uintptr_t)va_arg(ap, void *), false, &s);
			continue;
		case 'd':
		case 'i':
			is_signed = true;
			break;
		case 'u':
			break;
		case 'x':
			s.base = 16;
			break;
		case 'X':
			s.base = 16;
			s.upper = true;
			break;
		case 'o':
			s.base = 8;
			break;
		default: /* unknown conversion: print it literally */
			put(ctx, '%');
			put(ctx, *p);
			out += 2;
			continue;
		}
		if (is_signed) {
			int64_t sv;

			if (lng == 2)
				sv = va_arg(ap, long long);
			else if (lng == 1)
				sv = va_arg(ap, long);
			else if (lng == 3)
				sv = (int64_t)va_arg(ap, ptrdiff_t);
			else
				sv = va_arg(ap, int);
			if (lng == -1)
				sv = (short)sv;
			else if (lng == -2)
				sv = (signed char)sv;
			neg = sv < 0;
			v = neg ? (uint64_t)0 - (uint64_t)sv : (uint64_t)sv;
		} else {
			if (lng == 2)
				v = va_arg(ap, unsigned long long);
			else if (lng == 1)
				v = va_arg(ap, unsigned long);
			else if (lng == 3)
				v = va_arg(ap, size_t);
			else
				v = va_arg(ap, unsigned int);
			if (lng == -1)
				v = (unsigned short)v;
			else if (lng == -2)
				v = (unsigned char)v;
		}
		out += emit_num(put, ctx, v, neg, &s);
	}
	return out;
}

struct sbuf {
	char *buf;
	size_t size;
	size_t len;
};

static void sbuf_put(void *ctx, char c)
{
	struct sbuf *sb = ctx;

	if (sb->len + 1 < sb->size)
		sb->buf[sb->len] = c;
	sb->len++;
}

int bh_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sbuf sb = {.buf = buf, .size = size};

	bh_vformat(sbuf_put, &sb, fmt, ap);
	if (size)
		buf[MIN(sb.len, size - 1)] = '\0';
	return (int)sb.len;
}

int bh_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = bh_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
