// SPDX-License-Identifier: MIT
#include "analyze/wbuf.h"

#include <stdarg.h>
#include <stdlib.h>

static const char hexd[] = "0123456789abcdef";

void tt_wb_flush(struct tt_wb *w)
{
	if (w->f && w->n)
		fwrite(w->b, 1, w->n, w->f);
	if (w->f)
		w->n = 0;
}

void tt_wb_put_slow(struct tt_wb *w, const void *s, size_t n)
{
	if (!w->f) { /* memory only: keep what fits */
		size_t room = sizeof(w->b) - w->n;
		if (n > room) {
			n = room;
			w->over = 1;
		}
		memcpy(w->b + w->n, s, n);
		w->n += n;
		return;
	}
	tt_wb_flush(w);
	if (n > sizeof(w->b)) {
		fwrite(s, 1, n, w->f);
		return;
	}
	memcpy(w->b, s, n);
	w->n = n;
}

const char *tt_wb_cstr(struct tt_wb *w)
{
	if (w->n == sizeof(w->b)) {
		w->n--;
		w->over = 1;
	}
	w->b[w->n] = 0;
	return w->b;
}

void tt_wb_printf(struct tt_wb *w, const char *fmt, ...)
{
	char t[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t, sizeof(t), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(t)) {
		tt_wb_put(w, t, (size_t)n);
		return;
	}
	char *p = malloc((size_t)n + 1);
	if (!p)
		return;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	tt_wb_put(w, p, (size_t)n);
	free(p);
}

/* Eight bytes at a time: does x hold a byte below 0x20, 0x7f, or (json) 0x80 and up, '"' or
 * '\\'? (The usual SWAR tests: exact for "any byte", which is all that is asked.) */
#define B8(c) (0x0101010101010101ull * (c))
static inline uint64_t has_zero8(uint64_t v)
{
	return (v - B8(1)) & ~v & B8(0x80);
}

static inline int plain8(uint64_t x, int json)
{
	uint64_t bad = ((x - B8(0x20)) & ~x & B8(0x80)) | has_zero8(x ^ B8(0x7f));
	if (json)
		bad |= (x & B8(0x80)) | has_zero8(x ^ B8('"')) | has_zero8(x ^ B8('\\'));
	return !bad;
}

/* JSON string bytes copied as they are (printable ASCII but '"' and '\\'). */
static const uint8_t json_plain[256] = {
    [0x20] = 1,
    [0x21] = 1,
    [0x23 ... 0x5b] = 1,
    [0x5d ... 0x7e] = 1,
};

void tt_wb_safe(struct tt_wb *w, const char *s, size_t n)
{
	size_t i = 0;
	if (!s)
		return;
	while (i < n) {
		size_t j = i;
		for (uint64_t x; j + 8 <= n && (memcpy(&x, s + j, 8), plain8(x, 0));)
			j += 8;
		while (j < n &&
		       ((unsigned char)s[j] >= 0x20 ? (unsigned char)s[j] != 0x7f : s[j] == '\t'))
			j++;
		tt_wb_put(w, s + i, j - i);
		if (j == n)
			break;
		unsigned char c = (unsigned char)s[j];
		char e[4] = {'\\', 'x', hexd[c >> 4], hexd[c & 15]};
		tt_wb_put(w, e, 4);
		i = j + 1;
	}
}

void tt_wb_safe_s(struct tt_wb *w, const char *s)
{
	if (s)
		tt_wb_safe(w, s, strlen(s));
}

void tt_wb_json_esc(struct tt_wb *w, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		for (uint64_t x; j + 8 <= n && (memcpy(&x, s + j, 8), plain8(x, 1));)
			j += 8;
		while (j < n && json_plain[(unsigned char)s[j]])
			j++;
		tt_wb_put(w, s + i, j - i);
		if (j == n)
			break;
		i = j;
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"':
			tt_wb_lit(w, "\\\"");
			break;
		case '\\':
			tt_wb_lit(w, "\\\\");
			break;
		case '\n':
			tt_wb_lit(w, "\\n");
			break;
		case '\r':
			tt_wb_lit(w, "\\r");
			break;
		case '\t':
			tt_wb_lit(w, "\\t");
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				char e[6] = {'\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15]};
				tt_wb_put(w, e, 6);
			} else {
				size_t len = c >= 0xf0 && c < 0xf5   ? 4
					     : c >= 0xe0	     ? 3
					     : c >= 0xc2 && c < 0xe0 ? 2
								     : 0;
				int ok = len && i + len <= n;
				for (size_t k = 1; ok && k < len; k++)
					ok = ((unsigned char)s[i + k] & 0xc0) == 0x80;
				if (ok) {
					tt_wb_put(w, s + i, len);
					i += len - 1;
				} else {
					tt_wb_lit(w, "\\ufffd");
				}
			}
		}
		i++;
	}
}

void tt_wb_json_b64(struct tt_wb *w, const uint8_t *p, size_t n)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	tt_wb_c(w, '"');
	for (size_t k = 0; k < n; k += 3) {
		uint32_t v = (uint32_t)p[k] << 16;
		if (k + 1 < n)
			v |= (uint32_t)p[k + 1] << 8;
		if (k + 2 < n)
			v |= p[k + 2];
		char q[4] = {b64[(v >> 18) & 63], b64[(v >> 12) & 63],
			     k + 1 < n ? b64[(v >> 6) & 63] : '=', k + 2 < n ? b64[v & 63] : '='};
		tt_wb_put(w, q, 4);
	}
	tt_wb_c(w, '"');
}
