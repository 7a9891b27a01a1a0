/* SPDX-License-Identifier: MIT */
/*
 * analyze/sink/otlp.h - `tinytap-show --format otlp`: the transactions as OpenTelemetry spans,
 * OTLP/JSON (the protobuf JSON mapping of ExportTraceServiceRequest, one request per line, as the
 * OpenTelemetry Collector's file exporter writes and its otlpjsonfile receiver reads), so
 * traces load into Jaeger or Grafana Tempo through an existing collector.
 *
 * A line holds up to 1,000 spans, grouped by service (resourceSpans: service.name is the process
 * name). Each span: traceId, spanId, parentSpanId (analyze/chains.h), name ("GET /users/{id}":
 * the operation and the folded target), kind (client 3, server 2), start and end times (ns since
 * the epoch, as strings), attributes after the semantic conventions (http.request.method,
 * url.path, url.full, http.response.status_code, server.address, server.port, db.system.name,
 * db.query.text, db.operation.name) and tinytap.* (pid, tid, sock_id, proto, link_rule), and
 * status ERROR (2) when the outcome is an error.
 *
 * Ownership: the sink borrows its FILE; it owns the batch it is filling.
 */
#ifndef TINYTAP_SINK_OTLP_H
#define TINYTAP_SINK_OTLP_H

#include <stdio.h>

#include "analyze/sink.h"

/* NULL + errno on failure. */
struct tt_sink *tt_sink_otlp_new(FILE *f);

#endif
