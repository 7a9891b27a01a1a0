// SPDX-License-Identifier: MIT
#include "analyze/extract.h"

#include <errno.h>
#include <stdlib.h>

/* Open-addressing set of u64 ids; a byte per slot marks it used (every id, 0 included, is valid).
 */
struct idset {
	uint64_t *keys;
	uint8_t *used;
	uint64_t cap, n; /* cap: power of two or 0 */
};

struct tt_extract {
	struct idset socks, pids;
};

static uint64_t hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return k;
}

static int set_has(const struct idset *s, uint64_t k)
{
	if (!s->cap)
		return 0;
	for (uint64_t i = hash(k) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (!s->used[i])
			return 0;
		if (s->keys[i] == k)
			return 1;
	}
}

static void set_put(struct idset *s, uint64_t k)
{
	uint64_t i = hash(k) & (s->cap - 1);
	while (s->used[i])
		i = (i + 1) & (s->cap - 1);
	s->used[i] = 1;
	s->keys[i] = k;
	s->n++;
}

static int set_add(struct idset *s, uint64_t k)
{
	if (set_has(s, k))
		return 0;
	if ((s->n + 1) * 2 > s->cap) {
		struct idset ns = {.cap = s->cap ? s->cap * 2 : 64};
		ns.keys = calloc(ns.cap, sizeof(*ns.keys));
		ns.used = calloc(ns.cap, 1);
		if (!ns.keys || !ns.used) {
			free(ns.keys);
			free(ns.used);
			return -ENOMEM;
		}
		for (uint64_t i = 0; i < s->cap; i++)
			if (s->used[i])
				set_put(&ns, s->keys[i]);
		free(s->keys);
		free(s->used);
		*s = ns;
	}
	set_put(s, k);
	return 0;
}

struct tt_extract *tt_extract_new(void)
{
	return calloc(1, sizeof(struct tt_extract));
}

void tt_extract_free(struct tt_extract *x)
{
	if (!x)
		return;
	free(x->socks.keys);
	free(x->socks.used);
	free(x->pids.keys);
	free(x->pids.used);
	free(x);
}

int tt_extract_select(struct tt_extract *x, uint64_t sock_id)
{
	return set_add(&x->socks, sock_id);
}

/* The socket and process of a per-socket record; 0 when the record is not one. */
static int sock_of(const struct tt_record *rec, uint64_t *sock, uint32_t *pid)
{
	switch (rec->type) {
	case TT_REC_DATA:
		*sock = rec->u.data.sock_id;
		*pid = rec->u.data.pid;
		return 1;
	case TT_REC_CONN:
		*sock = rec->u.conn.sock_id;
		*pid = rec->u.conn.pid;
		return 1;
	case TT_REC_CLOSE:
		*sock = rec->u.close.sock_id;
		*pid = rec->u.close.pid;
		return 1;
	default:
		return 0;
	}
}

int tt_extract_scan(struct tt_extract *x, const struct tt_record *rec)
{
	uint64_t sock;
	uint32_t pid;
	if (sock_of(rec, &sock, &pid) && set_has(&x->socks, sock))
		return set_add(&x->pids, pid);
	return 0;
}

int tt_extract_wanted(const struct tt_extract *x, const struct tt_record *rec)
{
	uint64_t sock;
	uint32_t pid;
	if (sock_of(rec, &sock, &pid))
		return set_has(&x->socks, sock);
	switch (rec->type) {
	case TT_REC_PROCESS:
		return set_has(&x->pids, rec->u.process.pid);
	case TT_REC_PROCESS_EXIT:
		return set_has(&x->pids, rec->u.process_exit.pid);
	default: /* LOSS, CLOCK_SYNC, STATS, END: about the whole capture */
		return 1;
	}
}

uint64_t tt_extract_sockets(const struct tt_extract *x)
{
	return x->socks.n;
}

uint64_t tt_extract_processes(const struct tt_extract *x)
{
	return x->pids.n;
}
