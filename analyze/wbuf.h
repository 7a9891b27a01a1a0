/* SPDX-License-Identifier: MIT */
/*
 * analyze/wbuf.h - the output buffer every sink (and a protocol's describe/JSON hooks) writes
 * through: text is assembled in a 16 KiB buffer and written with one fwrite per transaction (or
 * per 16 KiB), never with stdio calls per field or per character.
 *
 * Every byte that came from the wire goes through tt_wb_safe() (terminal: printable ASCII and
 * UTF-8 as they are, anything else as \xNN) or tt_wb_json_*() (JSON string: escapes, valid UTF-8
 * passed through, stray bytes as U+FFFD).
 *
 * Ownership: a struct tt_wb borrows its FILE; it owns nothing else. f NULL: a memory-only buffer
 * (what does not fit is dropped and `over` is set), for text that is matched rather than printed.
 */
#ifndef TINYTAP_WBUF_H
#define TINYTAP_WBUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define TT_WB_SIZE 16384

struct tt_wb {
	FILE *f; /* borrowed; NULL: memory only */
	size_t n;
	int over; /* memory only: some text was dropped */
	char b[TT_WB_SIZE];
};

static inline void tt_wb_init(struct tt_wb *w, FILE *f)
{
	w->f = f;
	w->n = 0;
	w->over = 0;
}

void tt_wb_flush(struct tt_wb *w);
void tt_wb_put_slow(struct tt_wb *w, const void *s, size_t n);

static inline void tt_wb_put(struct tt_wb *w, const void *s, size_t n)
{
	if (n > sizeof(w->b) - w->n) {
		tt_wb_put_slow(w, s, n);
		return;
	}
	memcpy(w->b + w->n, s, n);
	w->n += n;
}

static inline void tt_wb_c(struct tt_wb *w, char c)
{
	if (w->n == sizeof(w->b)) {
		tt_wb_put_slow(w, &c, 1);
		return;
	}
	w->b[w->n++] = c;
}

static inline void tt_wb_s(struct tt_wb *w, const char *s)
{
	tt_wb_put(w, s, strlen(s));
}

#define tt_wb_lit(w, s) tt_wb_put(w, s, sizeof(s) - 1)

static inline void tt_wb_u64(struct tt_wb *w, uint64_t v)
{
	char t[20];
	size_t i = sizeof(t);
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	tt_wb_put(w, t + i, sizeof(t) - i);
}

static inline void tt_wb_int(struct tt_wb *w, int64_t v)
{
	if (v < 0) {
		tt_wb_c(w, '-');
		tt_wb_u64(w, -(uint64_t)v);
	} else {
		tt_wb_u64(w, (uint64_t)v);
	}
}

void tt_wb_printf(struct tt_wb *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Wire bytes for a terminal (see above). s NULL: nothing. */
void tt_wb_safe(struct tt_wb *w, const char *s, size_t n);
void tt_wb_safe_s(struct tt_wb *w, const char *s);

/* The inside of a JSON string. */
void tt_wb_json_esc(struct tt_wb *w, const char *s, size_t n);
/* A quoted JSON string. */
static inline void tt_wb_json_str(struct tt_wb *w, const char *s, size_t n)
{
	tt_wb_c(w, '"');
	tt_wb_json_esc(w, s, n);
	tt_wb_c(w, '"');
}

/* A quoted JSON string, or null when s is NULL. */
static inline void tt_wb_json_cstr(struct tt_wb *w, const char *s)
{
	if (!s)
		tt_wb_put(w, "null", 4);
	else
		tt_wb_json_str(w, s, strlen(s));
}
/* Base64 (standard alphabet, padded), quoted. */
void tt_wb_json_b64(struct tt_wb *w, const uint8_t *p, size_t n);

/* A memory buffer's text, NUL-terminated (the buffer keeps room for it). */
const char *tt_wb_cstr(struct tt_wb *w);

#endif
