/* SPDX-License-Identifier: MIT */
/*
 * analyze/map64.h - a hash map from 64-bit keys (socket ids, pids, statement ids, stream ids) to
 * 64-bit values (a number, or a pointer as uintptr_t). Open addressing with linear probing and
 * backward-shift deletion: no tombstones, so lookups stay short however many deletes. Every key,
 * 0 included, is valid. An optional cap on entries bounds its memory (a hostile stream that
 * declares a million prepared statements gets -ENOSPC, not a million entries).
 *
 * Ownership: the map owns its arrays; values are the caller's (a map of pointers frees what they
 * point to itself, e.g. with tt_map64_next() before tt_map64_free()).
 */
#ifndef TINYTAP_MAP64_H
#define TINYTAP_MAP64_H

#include <stddef.h>
#include <stdint.h>

struct tt_map64 {
	uint64_t *keys, *vals; /* owned, cap slots */
	uint8_t *used;	       /* owned, a byte per slot */
	size_t cap, n;	       /* cap: power of two or 0 */
	size_t max;	       /* entries at most; 0: no cap */
};

void tt_map64_init(struct tt_map64 *m, size_t max);
/* Sets key to val (adds or replaces): 0, -ENOSPC (max entries), -ENOMEM. */
int tt_map64_put(struct tt_map64 *m, uint64_t key, uint64_t val);
/* 1 and *val (when non-NULL) if key is there, else 0. */
int tt_map64_get(const struct tt_map64 *m, uint64_t key, uint64_t *val);
/* Removes key: 1 if it was there, else 0. *val (when non-NULL) gets its value. */
int tt_map64_del(struct tt_map64 *m, uint64_t key, uint64_t *val);
static inline size_t tt_map64_len(const struct tt_map64 *m)
{
	return m->n;
}
/* Iteration: *pos starts at 0; 1 with the next entry, 0 at the end. The map must not change
 * during it. */
int tt_map64_next(const struct tt_map64 *m, size_t *pos, uint64_t *key, uint64_t *val);
void tt_map64_clear(struct tt_map64 *m);
void tt_map64_free(struct tt_map64 *m);

#endif
