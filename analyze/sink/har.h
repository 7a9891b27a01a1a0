/* SPDX-License-Identifier: MIT */
/*
 * analyze/sink/har.h - `tinytap-show --format har`: HAR 1.2 (the HTTP Archive format the
 * browsers' DevTools import and export) of every HTTP transaction, written as it goes (an entry
 * per transaction, never the whole log in memory).
 *
 * Per entry: startedDateTime (ISO 8601, ms, UTC "Z"), time (= send + wait + receive), request
 * (method, full URL from scheme + Host + target, httpVersion, headers, queryString (decoded),
 * cookies, headersSize, bodySize, postData {mimeType, text}), response (status, statusText,
 * httpVersion, headers, cookies, content {size, compression, mimeType, text; base64 `encoding`
 * for binary; decoded when gzip/deflate}, redirectURL, headersSize, bodySize), cache {},
 * timings {blocked, dns, connect, ssl: -1; send, wait, receive from the message timestamps},
 * serverIPAddress, connection (the client's port), and `_tinytap` {pid, tid, comm, side,
 * sock_id, peer_sock_id, proto, outcome, incomplete}. Every number is a number: a size that is
 * not known is -1. An exchange without a response has status 0 and an empty response.
 *
 * Ownership: the sink borrows its FILE; `--redact` has masked the bytes before it sees them.
 */
#ifndef TINYTAP_SINK_HAR_H
#define TINYTAP_SINK_HAR_H

#include <stdio.h>

#include "analyze/sink.h"

/* NULL + errno on failure. */
struct tt_sink *tt_sink_har_new(FILE *f);

#endif
