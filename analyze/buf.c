// SPDX-License-Identifier: MIT
#include "analyze/buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void tt_buf_init(struct tt_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

int tt_buf_append(struct tt_buf *b, const void *s, size_t n)
{
	if (n > b->max - tt_buf_len(b))
		return -ENOSPC;
	if (b->off && b->len + n > b->cap) { /* reuse the consumed front first */
		memmove(b->p, b->p + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
	}
	if (b->len + n > b->cap) {
		size_t nc = b->cap ? b->cap : 64;
		while (nc < b->len + n)
			nc *= 2;
		if (nc > b->max)
			nc = b->max;
		uint8_t *p = realloc(b->p, nc);
		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = nc;
	}
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	return 0;
}

void tt_buf_consume(struct tt_buf *b, size_t n)
{
	if (n > tt_buf_len(b))
		n = tt_buf_len(b);
	b->off += n;
	if (b->off == b->len)
		b->off = b->len = 0;
}

void tt_buf_reset(struct tt_buf *b)
{
	b->off = b->len = 0;
}

void tt_buf_free(struct tt_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = b->off = 0;
}
