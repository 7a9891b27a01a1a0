// SPDX-License-Identifier: MIT
/*
 * Hostile traffic straight into the HTTP/1 session (analyze/http1.c): header floods, a 1 MiB
 * header line and target, 100000 pipelined requests, invalid and overflowing chunk sizes,
 * request smuggling shapes, binary garbage. What must hold: no crash, memory bounded by the
 * caps (headers, targets, the pipelining queue), every message either parsed or clearly marked
 * (TT_TXN_BROKEN with the parser's reason in txn->error, TT_TXN_EVICTED, TT_TXN_NO_REQUEST),
 * never a response paired with the wrong request, and the next well-formed exchange on the same
 * connection parsed again.
 *
 * Transactions are summarised and freed as they come (100000 of them would not fit otherwise).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/engine.h"
#include "analyze/proto/http.h"
#include "analyze/proto/http1.h"

struct sum {
	char op[16];
	char target[64];
	size_t target_len;
	int status;
	uint32_t flags;
	const char *error;
	int complete;
	uint64_t resp_body_bytes;
	char body[24];
	uint32_t req_headers, resp_headers;
	int req_htrunc, resp_htrunc;
	size_t max_value_len;
	uint32_t req_header_bytes;
};

struct sink {
	struct sum *s;
	size_t n, cap;
};

static void emit(void *ctx, struct tt_txn *t)
{
	struct sink *k = ctx;
	cr_assert(t->req.done && t->resp.done, "a txn is handed out before both messages are over");
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 1024;
		k->s = realloc(k->s, k->cap * sizeof(*k->s));
		cr_assert_not_null(k->s);
	}
	struct sum *s = &k->s[k->n++];
	memset(s, 0, sizeof(*s));
	if (t->op)
		snprintf(s->op, sizeof(s->op), "%s", t->op);
	if (t->target) {
		snprintf(s->target, sizeof(s->target), "%s", t->target);
		s->target_len = strlen(t->target);
	}
	s->status = tt_http(t)->status;
	s->flags = t->flags;
	s->error = t->error;
	s->complete = tt_txn_complete(t);
	s->resp_body_bytes = t->resp.body_bytes;
	size_t bn = t->resp.body_len < sizeof(s->body) - 1 ? t->resp.body_len : sizeof(s->body) - 1;
	if (t->resp.body)
		memcpy(s->body, t->resp.body, bn);
	s->req_headers = t->req.n_headers;
	s->resp_headers = t->resp.n_headers;
	s->req_htrunc = t->req.headers_truncated;
	s->resp_htrunc = t->resp.headers_truncated;
	s->req_header_bytes = t->req.header_bytes;
	for (uint32_t i = 0; i < t->req.n_headers; i++) {
		size_t l = strlen(t->req.headers[i].value);
		if (l > s->max_value_len)
			s->max_value_len = l;
	}
	tt_txn_free(t);
}

struct h {
	struct sink sink;
	struct tt_proto_env env;
	struct tt_conn_info ci;
	void *sess;
	uint64_t ts;
};

#define REQ  TT_DIR_EGRESS /* a client socket: requests go out */
#define RESP TT_DIR_INGRESS

static void h_open(struct h *h)
{
	memset(h, 0, sizeof(*h));
	h->env.ctx = &h->sink;
	h->env.emit = emit;
	h->env.body_cap = 1 << 16;
	h->ci = (struct tt_conn_info){.sock_id = 7, .role = TT_ROLE_CLIENT};
	h->sess = tt_http1_proto.open(&h->env, &h->ci, NULL);
	cr_assert_not_null(h->sess);
}

/* In reads of at most 64 KiB, as a recording has them. */
static void h_feed(struct h *h, int dir, const void *b, size_t n)
{
	for (size_t off = 0; off < n;) {
		size_t k = n - off < 65536 ? n - off : 65536;
		struct tt_chunk c = {.ts = ++h->ts * 1000,
				     .pid = 10,
				     .tid = 10,
				     .dir = dir,
				     .data = (const uint8_t *)b + off,
				     .len = k};
		tt_http1_proto.feed(h->sess, &c);
		off += k;
	}
}

static void h_str(struct h *h, int dir, const char *s)
{
	h_feed(h, dir, s, strlen(s));
}

static void h_close(struct h *h)
{
	if (h->sess)
		tt_http1_proto.close(h->sess, ++h->ts * 1000, 0);
	h->sess = NULL;
}

static void h_free(struct h *h)
{
	h_close(h);
	free(h->sink.s);
}

/* A growable text buffer. */
struct buf {
	char *p;
	size_t n, cap;
};

static void bput(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		cr_assert_not_null(b->p);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static void bfmt(struct buf *b, const char *fmt, unsigned long v)
{
	char t[256];
	int n = snprintf(t, sizeof(t), fmt, v, v);
	bput(b, t, (size_t)n);
}

static const char next_req[] = "GET /next HTTP/1.1\r\nHost: x\r\n\r\n";
static const char next_resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext";

/* The last transaction is the well-formed exchange that follows the hostile one. */
static void next_ok(struct h *h)
{
	h_str(h, REQ, next_req);
	h_str(h, RESP, next_resp);
	h_close(h);
	cr_assert(h->sink.n >= 1);
	const struct sum *s = &h->sink.s[h->sink.n - 1];
	cr_assert_str_eq(s->target, "/next", "the next exchange was not parsed again (last: '%s')",
			 s->target);
	cr_assert_eq(s->status, 200);
	cr_assert(s->complete);
}

static const struct sum *find(const struct h *h, const char *target)
{
	for (size_t i = 0; i < h->sink.n; i++)
		if (!strcmp(h->sink.s[i].target, target))
			return &h->sink.s[i];
	cr_assert_fail("no transaction for %s", target);
	return NULL;
}

/* A rejected message: shown, flagged broken, with the parser's reason. */
static void invalid(const struct sum *s, const char *why)
{
	cr_assert(s->flags & TT_TXN_BROKEN, "%s %s: flags %#x, not broken", s->op, s->target,
		  s->flags);
	cr_assert(!s->complete);
	cr_assert_not_null(s->error, "%s %s: no reason", s->op, s->target);
	cr_assert(strstr(s->error, why), "%s %s: reason '%s', expected '%s'", s->op, s->target,
		  s->error, why);
}

Test(hostile, header_flood_10k)
{
	struct buf rq = {0}, rs = {0};
	bfmt(&rq, "GET /flood HTTP/1.1\r\nHost: x\r\n", 0);
	bfmt(&rs, "HTTP/1.1 200 OK\r\n", 0);
	for (unsigned long i = 0; i < 10000; i++) {
		bfmt(&rq, "X-Flood-%lu: value %lu\r\n", i);
		bfmt(&rs, "Set-Cookie: c%lu=%lu\r\n", i);
	}
	bfmt(&rq, "\r\n", 0);
	bfmt(&rs, "Content-Length: 2\r\n\r\nok", 0);
	struct h h;
	h_open(&h);
	h_feed(&h, REQ, rq.p, rq.n);
	h_feed(&h, RESP, rs.p, rs.n);
	next_ok(&h);
	cr_assert_eq(h.sink.n, 2);
	const struct sum *s = find(&h, "/flood");
	/* valid HTTP: complete, with the headers kept up to the caps and the cut marked */
	cr_assert(s->complete);
	cr_assert_eq(s->status, 200);
	cr_assert_eq(s->resp_body_bytes, 2);
	cr_assert(s->req_headers <= TT_TXN_MAX_HEADERS && s->resp_headers <= TT_TXN_MAX_HEADERS);
	cr_assert(s->req_header_bytes <= TT_TXN_MAX_HEADER_BYTES);
	cr_assert(s->req_htrunc && s->resp_htrunc);
	h_free(&h);
	free(rq.p);
	free(rs.p);
}

Test(hostile, header_line_1mb)
{
	static char a[1 << 20];
	memset(a, 'a', sizeof(a));
	struct buf rq = {0}, url = {0};
	bfmt(&rq, "GET /big-header HTTP/1.1\r\nHost: x\r\nX-Big: ", 0);
	bput(&rq, a, sizeof(a));
	bfmt(&rq, "\r\n\r\n", 0);
	bfmt(&url, "GET /", 0);
	bput(&url, a, sizeof(a));
	bfmt(&url, " HTTP/1.1\r\n\r\n", 0);
	struct h h;
	h_open(&h);
	h_feed(&h, REQ, rq.p, rq.n);
	h_str(&h, RESP, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	h_feed(&h, REQ, url.p, url.n);
	h_str(&h, RESP, "HTTP/1.1 414 URI Too Long\r\nContent-Length: 0\r\n\r\n");
	next_ok(&h);
	cr_assert_eq(h.sink.n, 3);
	const struct sum *s = find(&h, "/big-header");
	cr_assert(s->complete);
	cr_assert(s->max_value_len > 0 && s->max_value_len <= 8192, "value of %zu bytes kept",
		  s->max_value_len);
	cr_assert(s->req_htrunc, "a cut header value is not marked");
	s = &h.sink.s[1];
	cr_assert_eq(s->status, 414);
	cr_assert(s->target_len > 0 && s->target_len <= TT_TXN_MAX_TARGET, "target of %zu bytes",
		  s->target_len);
	h_free(&h);
	free(rq.p);
	free(url.p);
}

/* Pipelined requests (depth per batch), then their responses: each response's body is its
 * request's number, so a mispair shows. Requests beyond the queue are given up (evicted), and
 * so are their responses (no request): never paired with another request. */
static void pipelined(unsigned long total, unsigned long depth)
{
	struct h h;
	h_open(&h);
	for (unsigned long b = 0; b < total; b += depth) {
		struct buf rq = {0}, rs = {0};
		for (unsigned long i = b; i < b + depth && i < total; i++) {
			bfmt(&rq, "GET /r/%lu HTTP/1.1\r\nX-N: %lu\r\n\r\n", i);
			char body[32];
			int n = snprintf(body, sizeof(body), "%lu", i);
			bfmt(&rs, "HTTP/1.1 200 OK\r\nContent-Length: %lu\r\n\r\n", (unsigned long)n);
			bput(&rs, body, (size_t)n);
		}
		h_feed(&h, REQ, rq.p, rq.n);
		h_feed(&h, RESP, rs.p, rs.n);
		free(rq.p);
		free(rs.p);
	}
	next_ok(&h);
	unsigned long paired = 0, evicted = 0, orphans = 0;
	uint8_t *seen = calloc(total, 1);
	for (size_t i = 0; i + 1 < h.sink.n; i++) {
		const struct sum *s = &h.sink.s[i];
		if (s->op[0]) {
			unsigned long n = strtoul(s->target + 3, NULL, 10);
			cr_assert(n < total && !seen[n], "request %lu shown twice", n);
			seen[n] = 1;
			if (s->status) {
				cr_assert_eq(strtoul(s->body, NULL, 10), n,
					     "request /r/%lu paired with the response to %s", n,
					     s->body);
				cr_assert(s->complete);
				paired++;
			} else {
				cr_assert(s->flags & TT_TXN_EVICTED, "/r/%lu: flags %#x", n,
					  s->flags);
				evicted++;
			}
		} else {
			cr_assert(s->flags & TT_TXN_NO_REQUEST);
			cr_assert_eq(s->status, 200);
			orphans++;
		}
	}
	free(seen);
	cr_assert_eq(paired + evicted, total, "%lu paired + %lu evicted of %lu requests", paired,
		     evicted, total);
	cr_assert_eq(evicted, orphans, "%lu evicted requests, %lu responses without one", evicted,
		     orphans);
	unsigned long want = depth > TT_HTTP1_MAX_QUEUE ? (total / depth) * TT_HTTP1_MAX_QUEUE : total;
	cr_assert_eq(paired, want, "%lu paired, expected %lu", paired, want);
	h_free(&h);
}

Test(hostile, pipelined_100k_at_once)
{
	pipelined(100000, 100000);
}

Test(hostile, pipelined_depth_100)
{
	pipelined(100000, 100);
}

Test(hostile, pipelined_depth_64_all_paired)
{
	pipelined(6400, 64);
}

Test(hostile, invalid_chunk_size)
{
	struct h h;
	h_open(&h);
	h_str(&h, REQ, "GET /chunks HTTP/1.1\r\n\r\n");
	h_str(&h, RESP, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
	next_ok(&h);
	cr_assert_eq(h.sink.n, 2);
	const struct sum *s = find(&h, "/chunks");
	cr_assert_eq(s->status, 200);
	invalid(s, "chunk size");
	h_free(&h);
}

Test(hostile, chunk_size_overflow)
{
	struct h h;
	h_open(&h);
	h_str(&h, REQ, "GET /chunks HTTP/1.1\r\n\r\n");
	h_str(&h, RESP,
	      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff1\r\nabc\r\n"
	      "0\r\n\r\n");
	next_ok(&h);
	cr_assert_eq(h.sink.n, 2);
	invalid(find(&h, "/chunks"), "overflow");
	h_free(&h);
}

/* CL.TE: shown as what it is, an invalid POST, and the request smuggled in its body as its own
 * transaction, paired with the second response. */
Test(hostile, smuggling_content_length_and_transfer_encoding)
{
	struct h h;
	h_open(&h);
	h_str(&h, REQ,
	      "POST /search HTTP/1.1\r\nHost: shop\r\nContent-Length: 44\r\nTransfer-Encoding: "
	      "chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nHost: shop\r\n\r\n");
	h_str(&h, RESP,
	      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 403 Forbidden\r\nContent-Length: "
	      "0\r\n\r\n");
	next_ok(&h);
	cr_assert_eq(h.sink.n, 3);
	const struct sum *s = find(&h, "/search");
	cr_assert_str_eq(s->op, "POST");
	cr_assert_eq(s->status, 200);
	invalid(s, "Transfer-Encoding");
	s = find(&h, "/admin");
	cr_assert_str_eq(s->op, "GET");
	cr_assert_eq(s->status, 403);
	cr_assert(s->complete);
	h_free(&h);
}

Test(hostile, smuggling_two_content_lengths)
{
	struct h h;
	h_open(&h);
	h_str(&h, REQ,
	      "POST /upload HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde");
	h_str(&h, RESP, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
	next_ok(&h);
	cr_assert_eq(h.sink.n, 2);
	const struct sum *s = find(&h, "/upload");
	cr_assert_str_eq(s->op, "POST");
	cr_assert_eq(s->status, 400);
	invalid(s, "Content-Length");
	h_free(&h);
}

Test(hostile, smuggling_transfer_encoding_not_chunked_last)
{
	struct h h;
	h_open(&h);
	h_str(&h, REQ,
	      "POST /cart HTTP/1.1\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n");
	h_str(&h, RESP, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
	next_ok(&h);
	invalid(find(&h, "/cart"), "Transfer-Encoding");
	h_free(&h);
}

Test(hostile, smuggling_space_before_colon)
{
	struct h h;
	h_open(&h);
	h_str(&h, REQ, "POST /api HTTP/1.1\r\nContent-Length : 5\r\n\r\nhello");
	h_str(&h, RESP, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
	next_ok(&h);
	invalid(find(&h, "/api"), "header");
	h_free(&h);
}

Test(hostile, nul_in_header_value)
{
	static const char req[] = "GET /nul HTTP/1.1\r\nX-A: a\0b\r\n\r\n";
	struct h h;
	h_open(&h);
	h_feed(&h, REQ, req, sizeof(req) - 1);
	h_str(&h, RESP, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
	next_ok(&h);
	invalid(find(&h, "/nul"), "header value");
	h_free(&h);
}

Test(hostile, response_content_length_and_transfer_encoding)
{
	struct h h;
	h_open(&h);
	h_str(&h, REQ, "GET /both HTTP/1.1\r\n\r\n");
	h_str(&h, RESP,
	      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"
	      "0\r\n\r\n");
	next_ok(&h);
	const struct sum *s = find(&h, "/both");
	cr_assert_eq(s->status, 200);
	invalid(s, "Transfer-Encoding");
	h_free(&h);
}

static void fill_random(uint8_t *g, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		g[i] = (uint8_t)(seed >> 16);
	}
}

/* Binary garbage after a real exchange: whatever it turns into is marked, never a status that
 * was not on the wire; the next exchange after a line break is found again. */
Test(hostile, binary_garbage)
{
	const size_t n = 1u << 20;
	uint8_t *g = malloc(n);
	cr_assert_not_null(g);
	fill_random(g, n, 42);
	struct h h;
	h_open(&h);
	h_str(&h, REQ, "POST /upload HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
	h_str(&h, RESP, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
	h_feed(&h, REQ, g, n);
	h_feed(&h, RESP, g + 1, n - 1);
	h_str(&h, REQ, "\r\n");
	h_str(&h, RESP, "\r\n");
	next_ok(&h);
	cr_assert(h.sink.n >= 2 && h.sink.n < 1000, "%zu transactions", h.sink.n);
	const struct sum *s = find(&h, "/upload");
	cr_assert_eq(s->status, 201);
	cr_assert(s->complete);
	for (size_t i = 0; i < h.sink.n; i++) {
		s = &h.sink.s[i];
		if (s != find(&h, "/upload") && i + 1 < h.sink.n) {
			cr_assert(!s->complete, "garbage parsed as a complete exchange");
			cr_assert_neq(s->status, 201, "a status taken from an earlier message");
		}
	}
	h_free(&h);
	free(g);
}

/* Garbage from the first byte on a socket known to be HTTP (port 80). */
Test(hostile, binary_garbage_only)
{
	const size_t n = 4u << 20;
	uint8_t *g = malloc(n);
	cr_assert_not_null(g);
	fill_random(g, n, 7);
	struct h h;
	h_open(&h);
	h_feed(&h, REQ, g, n / 2);
	h_feed(&h, RESP, g + n / 2, n / 2);
	h_close(&h);
	for (size_t i = 0; i < h.sink.n; i++)
		cr_assert(!h.sink.s[i].complete);
	cr_assert(h.sink.n < 1000, "%zu transactions from garbage", h.sink.n);
	h_free(&h);
	free(g);
}

static void drop_txn(void *ctx, struct tt_txn *t)
{
	(void)ctx;
	tt_txn_free(t);
}

/* Clocks from a hostile recording (fuzz_show found signed overflows here, undefined behaviour
 * that UBSan stops on under SAN=1): wall <-> boot conversions wrap or clamp, never overflow. */
Test(hostile, absurd_clocks)
{
	struct tt_engine_opts o = {0};
	struct tt_engine *e = tt_engine_new(&o, drop_txn, NULL);
	cr_assert_not_null(e);
	struct tt_file_info fi = {.start_wall_ns = INT64_MAX - 5, .start_boot_ns = 1};
	tt_engine_set_info(e, &fi);
	(void)tt_engine_wall_ns(e, UINT64_MAX - 3);
	cr_assert_eq(tt_engine_boot_ns(e, INT64_MIN + 2), 0);
	struct tt_record r = {.type = TT_REC_CLOCK_SYNC};
	r.u.clock_sync.boot_ns = UINT64_MAX - 7;
	r.u.clock_sync.realtime_ns = INT64_MAX;
	cr_assert_eq(tt_engine_add(e, &r), 0);
	tt_engine_finish(e);
	(void)tt_engine_wall_ns(e, UINT64_MAX);
	cr_assert_eq(tt_engine_boot_ns(e, INT64_MAX), UINT64_MAX);
	tt_engine_free(e);
}
