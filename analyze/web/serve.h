/* SPDX-License-Identifier: MIT */
/*
 * analyze/web/serve.h - `tinytap-show --serve [ADDR:]PORT`: the Network tab in a browser. A sink
 * of the pipeline (analyze/pipeline.h) that keeps the transactions it is given, and an HTTP
 * server (libmicrohttpd) serving the page (analyze/web/index.html, app.js, style.css, compiled
 * in) and a JSON API over what is kept (docs/web.md):
 *
 *   GET /api/info                 input, counts, loss, caps
 *   GET /api/txns?filter=&sort=&dir=&offset=&limit=&after=
 *                                 a page of transactions matching the filter words (the
 *                                 command line's flags: `status:5xx comm:nginx --side server`)
 *   GET /api/txn?id=N             one transaction with its bodies (the JSON sink's -vv object)
 *   GET /api/trace?id=N           the spans of N's trace that are kept
 *   GET /api/stats?filter=&by=    --stats --json's groups over the matching transactions
 *   GET /api/events?filter=&after= Server-Sent Events: new matching transactions as they come
 *
 * Every transaction is written by the JSON sink's encoder (tt_json_write()), wrapped in
 * {"id":N,"start_us":..,"end_us":..,"txn":{...}}.
 *
 * Security: a random token (in the printed URL, then a SameSite=Strict cookie) is required on
 * every request (403 without); on a loopback address the Host header must name a loopback host
 * (DNS rebinding: 403); every response carries a Content-Security-Policy without inline script
 * or remote origins; the page inserts recorded bytes as text only.
 *
 * Memory: at most keep transactions and keep_bytes of them are kept; the oldest go first (the
 * page says how many were dropped).
 *
 * Threads: the pipeline calls the sink from the reading thread; the server answers from its
 * own threads (one per connection, at most 64); one mutex guards what is kept.
 *
 * Ownership: the sink owns the transactions it keeps, its server and its listening socket; it
 * borrows the pipeline given to tt_serve_set_pipeline() (for its loss counts) until
 * tt_serve_stop(). Stop the server (tt_serve_stop()) before freeing the pipeline: kept
 * transactions borrow names from it.
 */
#ifndef TINYTAP_WEB_SERVE_H
#define TINYTAP_WEB_SERVE_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/pipeline.h"
#include "analyze/sink.h"

#define TT_SERVE_DEFAULT_LISTEN "127.0.0.1:8088"
#define TT_SERVE_DEFAULT_KEEP	100000
#define TT_SERVE_KEEP_BYTES	(512ull << 20)
#define TT_SERVE_BODY_CAP	65536 /* body bytes kept per message (pipeline body_cap) */

struct tt_serve_opts {
	const char *listen;	/* "[ADDR:]PORT" ("[::1]:8088", "0.0.0.0:80"); NULL: the default */
	const char *input_name; /* shown on the page */
	const char *hostname;	/* the recording's host (for host-name filters) */
	int live;		/* the input is a pipe: transactions keep coming */
	int redact;		/* --redact: decoded bodies are masked too */
	size_t keep;		/* transactions kept; 0: TT_SERVE_DEFAULT_KEEP */
	uint64_t keep_bytes;	/* their memory; 0: TT_SERVE_KEEP_BYTES */
};

/* Parses "[ADDR:]PORT"; 0, or -EINVAL with a reason in err. */
int tt_serve_parse_listen(const char *s, char *addr, size_t addrlen, uint16_t *port, char *err,
			  size_t errlen);

/* Binds the address and starts serving (nothing is kept yet). NULL with a one-line reason in
 * err on failure. */
struct tt_sink *tt_serve_new(const struct tt_serve_opts *o, char *err, size_t errlen);
/* "http://127.0.0.1:8088/?token=..." (valid while the sink lives). */
const char *tt_serve_url(const struct tt_sink *s);
/* 1 when bound to a loopback address only. */
int tt_serve_loopback(const struct tt_sink *s);
/* Where the loss counts come from (borrowed until tt_serve_stop()). */
void tt_serve_set_pipeline(struct tt_sink *s, struct tt_pipeline *p);
/* Stops the server (waits for its threads); kept transactions stay until the sink is freed. */
void tt_serve_stop(struct tt_sink *s);

/* The page (analyze/web/, compiled in by the Makefile into build/analyze/web/assets.c). */
struct tt_serve_asset {
	const char *path; /* "/", "/app.js" */
	const char *type; /* Content-Type */
	const unsigned char *data;
	size_t len;
};
extern const struct tt_serve_asset tt_serve_assets[];
extern const size_t tt_serve_nassets;

#endif
