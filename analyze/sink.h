/* SPDX-License-Identifier: MIT */
/*
 * analyze/sink.h - where a pipeline's transactions go (analyze/pipeline.h): one interface for
 * every output (the line view, JSON Lines, `-w` .tinytap extracts; later HAR, pcapng, stats, the
 * web page). A sink is a struct that starts with a struct tt_sink; its constructor lives in
 * analyze/sink/<name>.h.
 *
 * Calls, in order: begin() once with the input's file header, txn() for every transaction that
 * passed the filter (in the pipeline's order), end() once when the input is over; free() at any
 * time after creation. A call returning < 0 (-errno) stops the pipeline's read.
 *
 * Ownership: txn() borrows the transaction for the duration of the call (copy what is kept);
 * begin()'s file info is borrowed until end() returns; take() gives t to the sink. free(NULL) is
 * never called.
 */
#ifndef TINYTAP_SINK_H
#define TINYTAP_SINK_H

#include <stdint.h>

#include "analyze/txn.h"
#include "format/fileinfo.h"

struct tt_sink {
	int (*begin)(struct tt_sink *s, const struct tt_file_info *fi); /* fi may be NULL */
	/* wall_ns: the wall-clock time of t's first byte */
	int (*txn)(struct tt_sink *s, const struct tt_txn *t, int64_t wall_ns);
	int (*end)(struct tt_sink *s);
	void (*free)(struct tt_sink *s);
	/* Optional (NULL in most sinks): called instead of txn(), and the sink owns t from then on
	 * (frees it with tt_txn_free()). For a sink that keeps whole transactions (the web page:
	 * filters run on them later). t's borrowed pointers (cg, host) stay valid while the
	 * pipeline lives. */
	int (*take)(struct tt_sink *s, struct tt_txn *t, int64_t wall_ns);
};

static inline void tt_sink_free(struct tt_sink *s)
{
	if (s)
		s->free(s);
}

#endif
