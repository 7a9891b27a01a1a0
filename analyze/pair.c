// SPDX-License-Identifier: MIT
#include "analyze/pair.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void tt_pair_init(struct tt_pairq *pq, struct tt_proto_env *env, size_t depth)
{
	memset(pq, 0, sizeof(*pq));
	pq->env = env;
	pq->depth = depth ? depth : 1;
}

void tt_pair_fini(struct tt_pairq *pq)
{
	for (size_t i = 0; i < pq->n; i++)
		tt_txn_free(pq->q[i]);
	free(pq->q);
	pq->q = NULL;
	pq->n = pq->cap = 0;
}

void tt_pair_emit(struct tt_pairq *pq, struct tt_txn *t)
{
	if (pq->env && pq->env->emit)
		pq->env->emit(pq->env->ctx, t);
	else
		tt_txn_free(t);
}

void tt_pair_flush(struct tt_pairq *pq, const struct tt_txn *busy0, const struct tt_txn *busy1)
{
	size_t w = 0;
	for (size_t i = 0; i < pq->n; i++) {
		struct tt_txn *t = pq->q[i];
		if (t->req.done && t->resp.done && t != busy0 && t != busy1) {
			if (pq->barrier && pq->barrier_pos > w)
				pq->barrier_pos--;
			tt_pair_emit(pq, t);
		} else {
			pq->q[w++] = t;
		}
	}
	pq->n = w;
}

int tt_pair_request(struct tt_pairq *pq, struct tt_txn *t, int resp_busy, struct tt_txn **cur0,
		    struct tt_txn **cur1)
{
	if (pq->barrier && pq->barrier_pos == 0) {
		/* Every response to a request before the gap has arrived or been given up on, and
		 * a client waits for its response: requests lost in the gap are answered. */
		int waiting = 0;
		for (size_t i = 0; i < pq->n; i++)
			waiting |= !pq->q[i]->resp.done;
		if (!waiting && !resp_busy)
			pq->barrier = 0;
	}
	if (pq->n == pq->depth) {
		/* Too many requests without responses: give up on the oldest (memory stays
		 * bounded). Its response is still to come and must not be paired with a later
		 * request: the next response not started yet goes without one. */
		struct tt_txn *o = pq->q[0];
		o->flags |= TT_TXN_EVICTED | (o->resp.seen ? 0 : TT_TXN_NO_RESPONSE);
		if (!o->resp.seen)
			pq->skip_resp++;
		o->resp.done = 1;
		o->req.done = 1;
		if (cur0 && *cur0 == o)
			*cur0 = NULL;
		if (cur1 && *cur1 == o)
			*cur1 = NULL;
		tt_pair_flush(pq, cur0 ? *cur0 : NULL, cur1 ? *cur1 : NULL);
		if (pq->n == pq->depth) {
			memmove(pq->q, pq->q + 1, (pq->n - 1) * sizeof(pq->q[0]));
			pq->n--;
			tt_pair_emit(pq, o);
		}
	}
	if (pq->n == pq->cap) {
		size_t nc = pq->cap ? pq->cap * 2 : 8;
		if (nc > pq->depth)
			nc = pq->depth;
		struct tt_txn **q = realloc(pq->q, nc * sizeof(*q));
		if (!q)
			return -ENOMEM;
		pq->q = q;
		pq->cap = nc;
	}
	pq->q[pq->n++] = t;
	return 0;
}

struct tt_txn *tt_pair_response(struct tt_pairq *pq, int *skipped)
{
	struct tt_txn *t = NULL;
	size_t i = 0;
	*skipped = 0;
	if (pq->skip_resp) {
		pq->skip_resp--; /* answers a request given up on */
		*skipped = 1;
		return NULL;
	}
	for (i = 0; i < pq->n; i++)
		if (!pq->q[i]->resp.done) {
			t = pq->q[i];
			break;
		}
	if (t && pq->barrier && i >= pq->barrier_pos)
		t = NULL; /* may answer a request lost in the gap */
	return t;
}

void tt_pair_unskip(struct tt_pairq *pq)
{
	pq->skip_resp++;
}

void tt_pair_requests_lost(struct tt_pairq *pq)
{
	if (!pq->barrier) {
		pq->barrier = 1;
		pq->barrier_pos = pq->n;
	}
}

void tt_pair_responses_lost(struct tt_pairq *pq, uint64_t ts, int gap)
{
	pq->skip_resp = 0;
	for (size_t i = 0; i < pq->n; i++) {
		struct tt_txn *t = pq->q[i];
		if (!t->resp.done && t->req.seen && t->req.ts_first <= ts) {
			t->resp.done = 1;
			if (gap)
				t->resp.gap = 1;
			t->flags |= (gap ? TT_TXN_GAP : TT_TXN_BROKEN) |
				    (t->resp.seen ? 0 : TT_TXN_NO_RESPONSE);
		}
	}
}

void tt_pair_end(struct tt_pairq *pq, int evicted)
{
	for (size_t i = 0; i < pq->n; i++) {
		struct tt_txn *t = pq->q[i];
		if (!t->req.done) {
			t->req.done = 1;
			t->flags |= TT_TXN_BROKEN;
		}
		if (!t->resp.done) {
			t->resp.done = 1;
			t->flags |= t->resp.seen ? TT_TXN_BROKEN : TT_TXN_NO_RESPONSE;
		}
		if (evicted)
			t->flags |= TT_TXN_EVICTED;
	}
	tt_pair_flush(pq, NULL, NULL);
}
