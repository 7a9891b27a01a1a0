/* SPDX-License-Identifier: MIT */
/*
 * analyze/buf.h - a growable byte buffer with a cap set at creation, for what a parser keeps
 * between chunks (a partial line, a frame header, a message split across reads). Appending past
 * the cap fails (-ENOSPC) and keeps nothing of the excess: a parser that gets it knows the
 * message is too large and says so, instead of growing without bound.
 *
 * Ownership: the buffer owns its bytes; tt_buf_free() releases them (the struct itself is the
 * caller's, usually inside a session). Pointers into it are borrowed until the next append,
 * consume or reset.
 */
#ifndef TINYTAP_BUF_H
#define TINYTAP_BUF_H

#include <stddef.h>
#include <stdint.h>

struct tt_buf {
	uint8_t *p;	/* owned: len bytes of cap allocated */
	size_t len, cap;
	size_t max;	/* never more than this many bytes */
	size_t off;	/* consumed bytes at the front, dropped lazily */
};

void tt_buf_init(struct tt_buf *b, size_t max);
/* Appends n bytes: 0, -ENOSPC (past max: nothing appended), -ENOMEM. */
int tt_buf_append(struct tt_buf *b, const void *s, size_t n);
/* The bytes not consumed yet. */
static inline const uint8_t *tt_buf_data(const struct tt_buf *b)
{
	return b->p ? b->p + b->off : NULL;
}
static inline size_t tt_buf_len(const struct tt_buf *b)
{
	return b->len - b->off;
}
/* Drops the first n bytes (n <= tt_buf_len()). */
void tt_buf_consume(struct tt_buf *b, size_t n);
/* Empties it, keeping the allocation. */
void tt_buf_reset(struct tt_buf *b);
void tt_buf_free(struct tt_buf *b);

#endif
