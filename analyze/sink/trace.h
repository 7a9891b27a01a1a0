/* SPDX-License-Identifier: MIT */
/*
 * analyze/sink/trace.h - `tinytap-show --trace [ID]`: request chains as trees, like a tracing
 * UI's waterfall in the terminal. Per trace: a header (trace id, start, spans, services, total
 * duration, the rules that linked it), then one line per span, indented under its parent:
 * service (comm), side, protocol, operation and target, outcome, duration, and a bar placed on
 * the trace's time axis.
 *
 *   trace 4bf92f3577b34da6a3ce929d0e0e4736  10:00:00.001  6 spans, 4 services, 1.30ms
 *     curl   cli GET /orders → 200 2 bytes (1.30ms)           |██████████████████████████|
 *     └ api  srv GET /orders → 200 2 bytes (1.20ms)            | ████████████████████████ |
 *
 * With filters, whole traces that hold a matching span are shown (--trace --status 5xx: which
 * chain ended in this 500?), the matching spans marked with *. ID: a trace id or its first
 * hex digits. Spans are kept until the end of the input: at most 200,000 (the rest are counted).
 *
 * Ownership: the sink copies what it keeps of each transaction; it borrows the filter and FILE.
 */
#ifndef TINYTAP_SINK_TRACE_H
#define TINYTAP_SINK_TRACE_H

#include <stdio.h>

#include "analyze/filter.h"
#include "analyze/output.h"
#include "analyze/sink.h"

struct tt_sink_trace_opts {
	FILE *f;
	const struct tt_filter *filter; /* NULL: every trace */
	const char *id;			/* a trace id prefix, or NULL */
	const struct tt_output_opts *out; /* utc, color */
};

/* NULL + errno on failure. */
struct tt_sink *tt_sink_trace_new(const struct tt_sink_trace_opts *o);

#endif
