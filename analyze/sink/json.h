/* SPDX-License-Identifier: MIT */
/*
 * analyze/sink/json.h - JSON Lines: one object per transaction. Every line has the core fields
 *   ts proto op target outcome side pid tid comm cgroup_id local remote sock_id peer_sock_id
 *   <the protocol's head fields> req_body_bytes resp_body_bytes req_wire_bytes resp_wire_bytes
 *   [req_body_captured resp_body_captured: false when body bytes went by without their content]
 *   duration_us req_headers resp_headers complete incomplete [error]
 *   <the protocol's tail fields> [-vv: req_body/resp_body or *_body_b64, *_body_truncated]
 * where the protocol's fields are those it declares (struct tt_field), in its order: for HTTP
 * method path host version status status_text ... interim_status upgraded.
 *
 * Ownership: the sink borrows its FILE and copies the options.
 */
#ifndef TINYTAP_SINK_JSON_H
#define TINYTAP_SINK_JSON_H

#include "analyze/output.h"
#include "analyze/sink.h"
#include "analyze/wbuf.h"

/* NULL + errno on failure. */
struct tt_sink *tt_sink_json_new(FILE *f, const struct tt_output_opts *o);
/* One transaction into w (no flush). */
void tt_json_write(struct tt_wb *w, const struct tt_output_opts *o, const struct tt_txn *t,
		   int64_t wall_ns);

#endif
