// SPDX-License-Identifier: MIT
/* HTTP/1.x parser and pairer (analyze/http1.c) on hand-built byte streams. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/http1.h"

#define MAXT 256

struct sink {
	struct tt_txn *t[MAXT];
	int n;
};

static void emit(void *ctx, struct tt_txn *t)
{
	struct sink *s = ctx;
	cr_assert(s->n < MAXT, "too many transactions");
	s->t[s->n++] = t;
}

struct h {
	struct sink sink;
	struct tt_proto_env env;
	struct tt_conn_info ci;
	void *sess;
	uint64_t ts;
};

static void h_open(struct h *h, int role)
{
	memset(h, 0, sizeof(*h));
	h->env.ctx = &h->sink;
	h->env.emit = emit;
	h->env.body_cap = 1 << 20;
	h->ci = (struct tt_conn_info){.sock_id = 7, .role = (uint8_t)role};
	h->sess = tt_http1_proto.open(&h->env, &h->ci);
	cr_assert_not_null(h->sess);
}

static void h_feed(struct h *h, int dir, const char *s, size_t n)
{
	struct tt_chunk c = {.ts = ++h->ts * 1000,
			     .pid = 10,
			     .tid = 11,
			     .dir = dir,
			     .data = (const uint8_t *)s,
			     .len = n};
	tt_http1_proto.feed(h->sess, &c);
}

static void h_str(struct h *h, int dir, const char *s)
{
	h_feed(h, dir, s, strlen(s));
}

static void h_hole(struct h *h, int dir, uint64_t len, int gap)
{
	struct tt_chunk c = {.ts = ++h->ts * 1000, .dir = dir, .len = len, .gap = gap};
	tt_http1_proto.feed(h->sess, &c);
}

static void h_close(struct h *h)
{
	tt_http1_proto.close(h->sess, ++h->ts * 1000, 0);
	h->sess = NULL;
}

static void h_free(struct h *h)
{
	if (h->sess)
		h_close(h);
	for (int i = 0; i < h->sink.n; i++)
		tt_txn_free(h->sink.t[i]);
}

#define REQ  TT_DIR_EGRESS /* client socket: requests go out */
#define RESP TT_DIR_INGRESS

static void check(const struct tt_txn *t, const char *method, const char *path, int status,
		  uint64_t body, int complete)
{
	if (method)
		cr_assert_str_eq(t->op, method);
	else
		cr_assert_null(t->op);
	if (path)
		cr_assert_str_eq(t->target, path);
	cr_assert_eq(t->status, status, "status %d != %d", t->status, status);
	cr_assert_eq(t->resp.body_bytes, body, "body %lu != %lu", (unsigned long)t->resp.body_bytes,
		     (unsigned long)body);
	cr_assert_eq(tt_txn_complete(t), complete, "complete %d (flags %#x) for %s",
		     tt_txn_complete(t), t->flags, path ? path : "?");
}

static const char get1[] = "GET /index.html HTTP/1.1\r\nHost: example\r\nUser-Agent: t\r\n\r\n";
static const char resp1[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";

Test(http1, simple_get)
{
	struct h h;
	h_open(&h, TT_ROLE_CLIENT);
	h_str(&h, REQ, get1);
	h_str(&h, RESP, resp1);
	cr_assert_eq(h.sink.n, 1);
	check(h.sink.t[0], "GET", "/index.html", 200, 5, 1);
	cr_assert_str_eq(h.sink.t[0]->authority, "example");
	cr_assert_eq(h.sink.t[0]->side, TT_SIDE_CLIENT);
	cr_assert_eq(h.sink.t[0]->req.n_headers, 2);
	cr_assert_eq(memcmp(h.sink.t[0]->resp.body, "hello", 5), 0);
	h_free(&h);
}

Test(http1, split_at_every_byte)
{
	/* two keep-alive transactions, each direction cut in two at every position */
	char req[512], resp[512];
	snprintf(req, sizeof(req), "%s%s", get1,
		 "POST /api HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
	snprintf(resp, sizeof(resp), "%s%s", resp1,
		 "HTTP/1.1 201 Created\r\nTransfer-Encoding: "
		 "chunked\r\n\r\n3\r\nxyz\r\n2\r\n!!\r\n0\r\n\r\n");
	size_t rl = strlen(req), sl = strlen(resp);
	for (size_t cut = 0; cut <= (rl > sl ? rl : sl); cut++) {
		struct h h;
		h_open(&h, TT_ROLE_UNKNOWN); /* role learnt from the bytes */
		size_t a = cut < rl ? cut : rl, b = cut < sl ? cut : sl;
		h_feed(&h, REQ, req, a);
		h_feed(&h, REQ, req + a, rl - a);
		h_feed(&h, RESP, resp, b);
		h_feed(&h, RESP, resp + b, sl - b);
		cr_assert_eq(h.sink.n, 2, "cut %zu: %d txns", cut, h.sink.n);
		check(h.sink.t[0], "GET", "/index.html", 200, 5, 1);
		check(h.sink.t[1], "POST", "/api", 201, 5, 1);
		cr_assert_eq(h.sink.t[1]->req.body_bytes, 3);
		cr_assert_eq(memcmp(h.sink.t[1]->resp.body, "xyz!!", 5), 0);
		cr_assert_eq(h.sink.t[0]->side, TT_SIDE_CLIENT);
		h_free(&h);
	}
}

Test(http1, byte_by_byte)
{
	struct h h;
	h_open(&h, TT_ROLE_SERVER);
	for (const char *p = get1; *p; p++)
		h_feed(&h, TT_DIR_INGRESS, p, 1);
	for (const char *p = resp1; *p; p++)
		h_feed(&h, TT_DIR_EGRESS, p, 1);
	cr_assert_eq(h.sink.n, 1);
	check(h.sink.t[0], "GET", "/index.html", 200, 5, 1);
	cr_assert_eq(h.sink.t[0]->side, TT_SIDE_SERVER);
	h_free(&h);
}

Test(http1, pipelined)
{
	struct h h;
	h_open(&h, TT_ROLE_CLIENT);
	h_str(&h, REQ,
	      "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n"
	      "GET /c HTTP/1.1\r\nHost: x\r\n\r\n");
	h_str(&h, RESP,
	      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA"
	      "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nBB"
	      "HTTP/1.1 500 Oops\r\nContent-Length: 3\r\n\r\nCCC");
	cr_assert_eq(h.sink.n, 3);
	check(h.sink.t[0], "GET", "/a", 200, 1, 1);
	check(h.sink.t[1], "GET", "/b", 404, 2, 1);
	check(h.sink.t[2], "GET", "/c", 500, 3, 1);
	h_free(&h);
}

Test(http1, head_has_no_body)
{
	struct h h;
	h_open(&h, TT_ROLE_CLIENT);
	h_str(&h, REQ, "HEAD / HTTP/1.1\r\n\r\n");
	h_str(&h, RESP, "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n");
	h_str(&h, REQ, get1);
	h_str(&h, RESP, resp1);
	cr_assert_eq(h.sink.n, 2);
	check(h.sink.t[0], "HEAD", "/", 200, 0, 1);
	check(h.sink.t[1], "GET", "/index.html", 200, 5, 1);
	h_free(&h);
}

Test(http1, no_body_204_304_and_100_continue)
{
	struct h h;
	h_open(&h, TT_ROLE_CLIENT);
	h_str(&h, REQ, "DELETE /x HTTP/1.1\r\n\r\nGET /y HTTP/1.1\r\n\r\n");
	h_str(&h, RESP,
	      "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: "
	      "99\r\n\r\n");
	h_str(&h, REQ, "PUT /z HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
	h_str(&h, RESP, "HTTP/1.1 100 Continue\r\n\r\n");
	h_str(&h, REQ, "ok");
	h_str(&h, RESP, resp1);
	cr_assert_eq(h.sink.n, 3);
	check(h.sink.t[0], "DELETE", "/x", 204, 0, 1);
	check(h.sink.t[1], "GET", "/y", 304, 0, 1);
	check(h.sink.t[2], "PUT", "/z", 200, 5, 1);
	cr_assert_eq(h.sink.t[2]->interim_status, 100);
	h_free(&h);
}

Test(http1, upgrade_stops_parsing)
{
	struct h h;
	h_open(&h, TT_ROLE_CLIENT);
	h_str(&h, REQ, "GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
	h_str(&h, RESP,
	      "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: "
	      "websocket\r\n\r\n\x81\x05hello");
	h_str(&h, REQ, "\x81\x85xxxxGET / HTTP/1.1\r\n\r\n");
	h_str(&h, RESP, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	h_close(&h);
	cr_assert_eq(h.sink.n, 1);
	check(h.sink.t[0], "GET", "/ws", 101, 0, 1);
	cr_assert(h.sink.t[0]->flags & TT_TXN_UPGRADED);
	h_free(&h);
}

Test(http1, upgrade_alone_in_its_chunk)
{
	struct h h;
	h_open(&h, TT_ROLE_CLIENT);
	h_str(&h, REQ, "GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
	h_str(&h, RESP,
	      "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: "
	      "websocket\r\n\r\n");
	h_str(&h, REQ, "GET /not-http HTTP/1.1\r\n\r\n");
	h_str(&h, RESP, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	h_close(&h);
	cr_assert_eq(h.sink.n, 1);
	check(h.sink.t[0], "GET", "/ws", 101, 0, 1);
	h_free(&h);
}

Test(http1, wire_bytes)
{
	struct h h;
	h_open(&h, TT_ROLE_CLIENT);
	const char *r2 =
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
	char both[512];
	snprintf(both, sizeof(both), "%s%s", resp1, r2);
	h_str(&h, REQ, get1);
	h_str(&h, REQ, get1);
	h_str(&h, RESP, both); /* two responses in one read: each gets its own size */
	cr_assert_eq(h.sink.n, 2);
	cr_assert_eq(h.sink.t[0]->req.wire_bytes, strlen(get1));
	cr_assert_eq(h.sink.t[0]->resp.wire_bytes, strlen(resp1));
	cr_assert_eq(h.sink.t[1]->resp.wire_bytes, strlen(r2));
	cr_assert_eq(h.sink.t[1]->resp.body_bytes, 3);
	h_free(&h);
}

Test(http1, connect_tunnel)
{
	struct h h;
	h_open(&h, TT_ROLE_CLIENT);
	h_str(&h, REQ, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
	h_str(&h, RESP, "HTTP/1.1 200 Connection established\r\n\r\n");
	h_str(&h, REQ, "\x16\x03\x01 client hello GET / HTTP/1.1\r\n\r\n");
	h_str(&h, RESP, "\x16\x03\x03 server hello\r\nHTTP/1.1 200 OK\r\n\r\n");
	h_close(&h);
	cr_assert_eq(h.sink.n, 1);
	check(h.sink.t[0], "CONNECT", "example.com:443", 200, 0, 1);
	cr_assert(h.sink.t[0]->flags & TT_TXN_UPGRADED);
	h_free(&h);
}

Test(http1, upgrade_refused_keeps_http)
{
	struct h h;
	h_open(&h, TT_ROLE_CLIENT);
	h_str(&h, REQ, "GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
	h_str(&h, RESP, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
	h_str(&h, REQ, get1);
	h_str(&h, RESP, resp1);
	cr_assert_eq(h.sink.n, 2);
	check(h.sink.t[0], "GET", "/ws", 400, 0, 1);
	check(h.sink.t[1], "GET", "/index.html", 200, 5, 1);
	h_free(&h);
}

Test(http1, mid_connection_start)
{
	struct h h;
	h_open(&h, TT_ROLE_UNKNOWN);
	/* the recording starts in the middle of a response body, then a full exchange */
	h_str(&h, RESP,
	      "ody of an earlier response\r\nmore\nHTTP/1.1 302 Found\r\nLocation: "
	      "/x\r\nContent-Length: 0\r\n\r\n");
	h_str(&h, REQ, "ers: y\r\n\r\nGET /next HTTP/1.1\r\n\r\n");
	h_str(&h, RESP, resp1);
	h_close(&h);
	cr_assert_eq(h.sink.n, 2);
	/* the 302 answers a request the recording does not have */
	check(h.sink.t[0], NULL, NULL, 302, 0, 0);
	cr_assert(h.sink.t[0]->flags & TT_TXN_NO_REQUEST);
	check(h.sink.t[1], "GET", "/next", 200, 5, 1);
	cr_assert_eq(h.sink.t[1]->side, TT_SIDE_CLIENT);
	h_free(&h);
}

Test(http1, gap_in_body_keeps_sync)
{
	struct h h;
	h_open(&h, TT_ROLE_CLIENT);
	h_str(&h, REQ, get1);
	h_str(&h, RESP, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
	h_hole(&h, RESP, 80, 1);
	h_str(&h, RESP, "0123456789");
	h_str(&h, REQ, get1);
	h_str(&h, RESP, resp1);
	cr_assert_eq(h.sink.n, 2);
	check(h.sink.t[0], "GET", "/index.html", 200, 100, 0);
	cr_assert(h.sink.t[0]->flags & TT_TXN_GAP);
	cr_assert(h.sink.t[0]->resp.body_holes);
	check(h.sink.t[1], "GET", "/index.html", 200, 5, 1);
	h_free(&h);
}

Test(http1, gap_in_chunk_keeps_sync)
{
	struct h h;
	h_open(&h, TT_ROLE_CLIENT);
	h_str(&h, REQ, get1);
	h_str(&h, RESP, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n01234");
	h_hole(&h, RESP, 6, 1);
	h_str(&h, RESP, "abcde\r\n0\r\n\r\n");
	h_str(&h, REQ, get1);
	h_str(&h, RESP, resp1);
	cr_assert_eq(h.sink.n, 2);
	check(h.sink.t[0], "GET", "/index.html", 200, 16, 0);
	check(h.sink.t[1], "GET", "/index.html", 200, 5, 1);
	h_free(&h);
}

Test(http1, gap_in_headers_never_mispairs)
{
	struct h h;
	h_open(&h, TT_ROLE_CLIENT);
	h_str(&h, REQ, get1);
	h_str(&h, RESP, "HTTP/1.1 200 OK\r\nContent-Le");
	h_hole(&h, RESP, 30, 1); /* the rest of the headers and the body length are lost */
	h_str(&h, RESP, "junk junk\r\n");
	h_str(&h, REQ, "GET /two HTTP/1.1\r\n\r\n");
	h_str(&h, RESP, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
	cr_assert_eq(h.sink.n, 2);
	check(h.sink.t[0], "GET", "/index.html", 200, 0, 0);
	check(h.sink.t[1], "GET", "/two", 404, 0, 1);
	h_free(&h);
}

Test(http1, lost_request_does_not_shift_pairs)
{
	struct h h;
	h_open(&h, TT_ROLE_CLIENT);
	h_str(&h, REQ, "GET /one HTTP/1.1\r\n\r\n");
	h_str(&h, RESP, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	h_hole(&h, REQ, 40, 1); /* a whole request lost */
	h_str(&h, RESP, "HTTP/1.1 500 Lost\r\nContent-Length: 0\r\n\r\n");
	h_str(&h, REQ, "GET /three HTTP/1.1\r\n\r\n");
	h_str(&h, RESP, "HTTP/1.1 201 Three\r\nContent-Length: 0\r\n\r\n");
	cr_assert_eq(h.sink.n, 3);
	check(h.sink.t[0], "GET", "/one", 200, 0, 1);
	check(h.sink.t[1], NULL, NULL, 500, 0, 0); /* not paired with /three */
	check(h.sink.t[2], "GET", "/three", 201, 0, 1);
	h_free(&h);
}

Test(http1, body_until_close)
{
	struct h h;
	h_open(&h, TT_ROLE_CLIENT);
	h_str(&h, REQ, "GET /old HTTP/1.0\r\n\r\n");
	h_str(&h, RESP, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nsome ");
	h_str(&h, RESP, "bytes");
	cr_assert_eq(h.sink.n, 0);
	h_close(&h);
	cr_assert_eq(h.sink.n, 1);
	check(h.sink.t[0], "GET", "/old", 200, 10, 1);
	h_free(&h);
}

Test(http1, no_response_at_close)
{
	struct h h;
	h_open(&h, TT_ROLE_SERVER);
	h_str(&h, TT_DIR_INGRESS, "POST /slow HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd");
	h_close(&h);
	cr_assert_eq(h.sink.n, 1);
	check(h.sink.t[0], "POST", "/slow", 0, 0, 0);
	cr_assert(h.sink.t[0]->flags & TT_TXN_NO_RESPONSE);
	cr_assert_eq(h.sink.t[0]->req.body_bytes, 4);
	h_free(&h);
}

Test(http1, sendfile_body_counts)
{
	struct h h;
	h_open(&h, TT_ROLE_SERVER);
	h_str(&h, TT_DIR_INGRESS, get1);
	h_str(&h, TT_DIR_EGRESS, "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n");
	h_hole(&h, TT_DIR_EGRESS, 5000, 0); /* sendfile: bytes, no payload */
	h_str(&h, TT_DIR_INGRESS, get1);
	h_str(&h, TT_DIR_EGRESS, resp1);
	cr_assert_eq(h.sink.n, 2);
	check(h.sink.t[0], "GET", "/index.html", 200, 5000, 1);
	cr_assert(h.sink.t[0]->resp.body_holes);
	check(h.sink.t[1], "GET", "/index.html", 200, 5, 1);
	h_free(&h);
}

Test(http1, garbage_is_not_http)
{
	struct h h;
	h_open(&h, TT_ROLE_CLIENT);
	h_str(&h, REQ, "\x16\x03\x01\x02\x00 not http at all\r\n\r\n");
	h_str(&h, RESP, "\x16\x03\x03 nope");
	h_close(&h);
	cr_assert_eq(h.sink.n, 0);
	h_free(&h);
}

Test(http1, detect)
{
	cr_assert_eq(tt_http1_proto.detect((const uint8_t *)"GET / HTTP/1.1\r\n", 16), 1);
	cr_assert_eq(tt_http1_proto.detect((const uint8_t *)"HTTP/1.1 200 OK\r\n", 17), 1);
	cr_assert_eq(tt_http1_proto.detect((const uint8_t *)"GE", 2), -1);
	cr_assert_eq(tt_http1_proto.detect((const uint8_t *)"\x16\x03\x01", 3), 0);
	cr_assert_eq(tt_http1_proto.detect((const uint8_t *)"xyz\r\nPOST /a HTTP/1.1\r\n", 23), 1);
	cr_assert_eq(tt_http1_proto.detect((const uint8_t *)"GETX / HTTP/1.1", 15), 0);
}

Test(http1, unknown_gap_both_directions)
{
	struct h h;
	h_open(&h, TT_ROLE_CLIENT);
	h_str(&h, REQ, "GET /lost HTTP/1.1\r\n\r\n");
	h_str(&h, RESP, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234");
	h_hole(&h, REQ, TT_LEN_UNKNOWN, 1);
	h_hole(&h, RESP, TT_LEN_UNKNOWN, 1);
	h_str(&h, RESP, "56789");
	h_str(&h, REQ, "GET /after HTTP/1.1\r\n\r\n");
	h_str(&h, RESP, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	cr_assert_eq(h.sink.n, 2);
	check(h.sink.t[0], "GET", "/lost", 200, 5, 0);
	check(h.sink.t[1], "GET", "/after", 200, 2, 1);
	h_free(&h);
}

static uint32_t rnd(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) & 0x7fff;
}

/* Mutated streams at random cut points, random gaps: never crash, never leak (ASan build), and
 * every emitted transaction is well formed. */
Test(http1, random_mutations)
{
	static const char *const corpus[] = {
	    get1,
	    resp1,
	    "POST /api HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
	    "HTTP/1.1 101 Switching\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n",
	    "HEAD / HTTP/1.1\r\n\r\n",
	    "HTTP/1.1 304 NM\r\nContent-Length: 9\r\n\r\n",
	    "HTTP/1.0 200 OK\r\n\r\nbody until close",
	};
	uint32_t seed = 12345;
#define RND() rnd(&seed)
	for (int iter = 0; iter < 20000; iter++) {
		struct h h;
		h_open(&h, (int)(RND() % 3));
		for (int step = 0; step < 12; step++) {
			char buf[256];
			const char *src = corpus[RND() % (sizeof(corpus) / sizeof(corpus[0]))];
			size_t n = strlen(src);
			memcpy(buf, src, n);
			for (int k = RND() % 4; k > 0; k--) {
				size_t at = RND() % n;
				buf[at] = (char)(RND() & 0xff);
			}
			size_t cut = RND() % (n + 1);
			int dir = (int)(RND() & 1);
			if (RND() % 10 == 0) {
				uint64_t len = RND() % 3 ? RND() % 64 : TT_LEN_UNKNOWN;
				int gap = (int)(RND() & 1);
				h_hole(&h, dir, len, gap);
			}
			h_feed(&h, dir, buf, cut);
			h_feed(&h, dir, buf + cut, n - cut);
		}
		h_close(&h);
		for (int i = 0; i < h.sink.n; i++) {
			const struct tt_txn *t = h.sink.t[i];
			cr_assert(t->req.done && t->resp.done);
			cr_assert(t->op || (t->flags & TT_TXN_NO_REQUEST) || !t->req.seen ||
				  !tt_txn_complete(t));
		}
		h_free(&h);
	}
#undef RND
}
