/* SPDX-License-Identifier: MIT */
/*
 * analyze/sink/curl.h - `tinytap-show --format curl`: one runnable curl command per HTTP request,
 * so a user can replay what a client sent (`tinytap-show s.tinytap --path /api/x --format curl
 * | sh`). Each command is preceded by a comment naming the exchange.
 *
 * The command: the method (-X, or --head), the URL (scheme + Host or the server's address +
 * target), every request header but the hop-by-hop ones and those curl sets itself (Host,
 * Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding, Upgrade,
 * Content-Length, Expect; and empty -H 'User-Agent:', 'Accept:', 'Content-Type:' where the request
 * had none, so curl adds nothing of its own), and the body piped in by printf (`printf '\101...' | curl ...
 * --data-binary @-`), so any byte, NUL included, goes through. A body that was not captured whole
 * (gap, sendfile, cap) is sent as far as it was captured, and the comment says so.
 *
 * Quoting: every argument is in single quotes, a quote inside written as '\'', and the printf
 * format has only [A-Za-z0-9 ,./:=_+-] and \NNN octal escapes: nothing in a recording can make
 * the shell run anything but printf and curl (the fuzz target fuzz_curl checks that every
 * generated command parses as exactly that).
 *
 * Ownership: the sink borrows its FILE.
 */
#ifndef TINYTAP_SINK_CURL_H
#define TINYTAP_SINK_CURL_H

#include <stdio.h>

#include "analyze/sink.h"
#include "analyze/wbuf.h"

/* NULL + errno on failure. */
struct tt_sink *tt_sink_curl_new(FILE *f);
/* The command (with its comment line) for t into w; 0, or 1 when t is not an HTTP request. */
int tt_curl_write(struct tt_wb *w, const struct tt_txn *t);

#endif
