/* SPDX-License-Identifier: MIT */
/*
 * analyze/sink/line.h - the terminal view: one line per transaction
 *   [12:34:56.790] srv pid=12345 nginx      GET /index.html → 200 156 bytes (1.2ms)
 *   [12:34:56.791] cli pid=4711 python3    redis  GET user:42 → "v…" 5 bytes (0.2ms)
 * then with -v the start lines and headers of both messages, with -vv their bodies (decoded
 * when gzip/deflate; binary as hex). The words come from the protocol (describe(), line()).
 * Every byte that came from the wire is escaped before it reaches a terminal.
 *
 * Ownership: the sink borrows its FILE and copies the options.
 */
#ifndef TINYTAP_SINK_LINE_H
#define TINYTAP_SINK_LINE_H

#include "analyze/output.h"
#include "analyze/sink.h"
#include "analyze/wbuf.h"

/* NULL + errno on failure. */
struct tt_sink *tt_sink_line_new(FILE *f, const struct tt_output_opts *o);
/* One transaction into w (no flush). */
void tt_line_write(struct tt_wb *w, const struct tt_output_opts *o, const struct tt_txn *t,
		   int64_t wall_ns);

#endif
