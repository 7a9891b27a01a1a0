/* SPDX-License-Identifier: MIT */
/*
 * analyze/http1.h - HTTP/1.x over one connection: two llhttp parsers (one per direction), request
 * and response pairing, gaps, resynchronisation. A row of the protocol table (proto.h).
 *
 * Ownership: see proto.h; the session owns queued transactions until it emits them.
 */
#ifndef TINYTAP_HTTP1_H
#define TINYTAP_HTTP1_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/proto.h"

extern const struct tt_proto tt_http1_proto;

/* Does p start an HTTP/1 message? kind: 1 request, 2 response, 0 either. Returns 1 (and the kind
 * in *found when non-NULL), 0 no, -1 need more bytes. */
int tt_http1_match_start(const uint8_t *p, size_t n, int kind, int *found);

/* Requests pipelined on one connection that are kept waiting for their responses. */
#define TT_HTTP1_MAX_QUEUE 64

#endif
