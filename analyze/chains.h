/* SPDX-License-Identifier: MIT */
/*
 * analyze/chains.h - request chains: which transaction (span) caused which, so A -> B -> C and
 * the database calls B made show as one trace. A stage of the pipeline: every transaction gets a
 * span id, a trace id and, where a rule finds it, its parent and the rule that linked them.
 *
 * Rules (each link says which one made it, `link_rule`):
 *   connection   both ends of a local connection are recorded: the server's transaction of a
 *                request is the child of the client's transaction of the same request (the n-th
 *                request of the client's socket is the n-th of the server's; the server's view
 *                lies inside the client's in time). Exact.
 *   thread       an outbound (client) transaction made by a thread of a server while it served
 *                one request: it started after that thread read the request and ended before the
 *                thread wrote the response. Only when exactly one request of that thread is open
 *                then: an event loop (nginx, node, asyncio) serving many at once is not guessed.
 *   traceparent, b3, request-id
 *                propagated ids: an outbound transaction is the child of the request its process
 *                is serving that carries the same W3C trace id / B3 trace id / X-Request-Id or
 *                X-Correlation-Id (when exactly one open request of the process has it); a server
 *                transaction whose client end is not in the recording is the child of the client
 *                transaction that sent the very same traceparent (another recording, a host).
 * A transaction nothing links is a root.
 *
 * Ids: span_id is derived from the socket, the side and the first byte's time (the same
 * recording gives the same ids); trace_id is the W3C trace id (or the B3 one) a root carries,
 * else derived from its span id; a child takes its parent's trace id.
 *
 * Order: the pipeline hands transactions over in the order of their first byte (files), so a
 * parent has always been seen when its child comes: links are made as transactions pass, with
 * bounded indexes of the recent ones (65,536 client and 65,536 server transactions). A parent
 * that took longer than the engine's hold window (5 s) may come after its child: that child is a
 * root then. Live input comes in completion order: only `connection` and id links are found.
 *
 * Ownership: the chains object owns its indexes; transactions are borrowed for a call.
 */
#ifndef TINYTAP_CHAINS_H
#define TINYTAP_CHAINS_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/txn.h"

struct tt_chains;

/* NULL + errno. */
struct tt_chains *tt_chains_new(void);
/* Sets t's span_id, trace_id and, when a rule links it, parent_span_id and link_rule. */
void tt_chains_link(struct tt_chains *c, struct tt_txn *t);
void tt_chains_free(struct tt_chains *c);

/* "4bf92f3577b34da6a3ce929d0e0e4736" (33 bytes with the NUL) / "00f067aa0ba902b7" (17). */
void tt_chains_trace_hex(const uint8_t id[16], char out[33]);
void tt_chains_span_hex(uint64_t id, char out[17]);

#endif
