/* SPDX-License-Identifier: MIT */
/*
 * analyze/pair.h - in-order request/response pairing, shared by every protocol whose responses
 * come in the order of their requests (HTTP/1.1, Redis, PostgreSQL, MySQL): pipelining, a depth
 * cap, and the rules that keep pairs right across lost bytes.
 *
 * A protocol parses each direction into messages; when a request starts it makes a txn and
 * queues it here (tt_pair_request), when a response starts it asks which txn it answers
 * (tt_pair_response), and when messages end it lets finished txns go (tt_pair_flush), which
 * hands them to env->emit() in request order.
 *
 * Lost bytes: a gap in the request direction may hide requests, so responses after it may
 * answer requests nobody saw: tt_pair_requests_lost() sets a barrier, and a response to a
 * request behind it becomes an orphan instead of being paired with the wrong request (until
 * every response before the barrier is in and a client waits for its answer). A gap (or bytes
 * that do not parse) in the response direction may hide responses: tt_pair_responses_lost()
 * gives up on the requests sent before it, so the next response found is never paired with an
 * earlier request (which would shift every later pair by one).
 *
 * Depth: at most `depth` requests wait for responses; past that the oldest is given up on
 * (flagged EVICTED), and its response, still to come, goes without a request.
 *
 * Ownership: the queue owns the txns in it until it emits them; the env is borrowed.
 */
#ifndef TINYTAP_PAIR_H
#define TINYTAP_PAIR_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/proto.h"

struct tt_pairq {
	struct tt_proto_env *env; /* borrowed */
	struct tt_txn **q;	  /* owned: requests in order, not yet emitted (n of cap) */
	size_t n, cap, depth;
	size_t skip_resp; /* responses still to come for requests given up on (depth) */
	int barrier;	  /* requests may have been lost before q[barrier_pos] */
	size_t barrier_pos;
};

void tt_pair_init(struct tt_pairq *pq, struct tt_proto_env *env, size_t depth);
/* Frees the queue itself (call tt_pair_end() first: it emits what is queued). */
void tt_pair_fini(struct tt_pairq *pq);

/* Hands t to env->emit() (or frees it without an env). */
void tt_pair_emit(struct tt_pairq *pq, struct tt_txn *t);

/* A request starts: t (new, request seen) joins the queue. resp_busy: a response is being
 * parsed now. Past the depth the oldest txn is given up on; *cur0 / *cur1 (the txns the caller
 * is parsing, or NULL pointers) are cleared if they were it. 0, or -ENOMEM (t not queued). */
int tt_pair_request(struct tt_pairq *pq, struct tt_txn *t, int resp_busy, struct tt_txn **cur0,
		    struct tt_txn **cur1);
/* A response starts: the txn it answers, or NULL when it answers none that is queued (the
 * caller makes an orphan txn, flagged TT_TXN_NO_REQUEST). *skipped is set when it answers a
 * request given up on (then NULL is returned). */
struct tt_txn *tt_pair_response(struct tt_pairq *pq, int *skipped);
/* The response just matched with *skipped turned out to be interim (HTTP 1xx): the final one is
 * still to come. */
void tt_pair_unskip(struct tt_pairq *pq);
/* Emits queued txns whose two messages are done, but busy0/busy1 (being parsed). */
void tt_pair_flush(struct tt_pairq *pq, const struct tt_txn *busy0, const struct tt_txn *busy1);
/* Bytes of the request direction were lost here (see above). */
void tt_pair_requests_lost(struct tt_pairq *pq);
/* The response direction lost its place at ts: requests sent up to ts get no response (gap: it
 * was lost, else it did not parse). */
void tt_pair_responses_lost(struct tt_pairq *pq, uint64_t ts, int gap);
/* The connection ended: every queued txn is finished (request or response cut: BROKEN; never
 * answered: NO_RESPONSE; evicted: EVICTED too) and emitted. */
void tt_pair_end(struct tt_pairq *pq, int evicted);
/* Queued txns (waiting for their responses, or being parsed). */
static inline size_t tt_pair_len(const struct tt_pairq *pq)
{
	return pq->n;
}

#endif
