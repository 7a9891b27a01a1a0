// SPDX-License-Identifier: MIT
/* HTTP/1.x parser and pairer (analyze/http1.c) on hand-built byte streams. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/pipeline.h"
#include "analyze/proto/http.h"
#include "analyze/proto/http1.h"
#include "analyze/sink/line.h"
#include "analyze/sink/stats.h"

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
	h->sess = tt_http1_proto.open(&h->env, &h->ci, NULL);
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
	cr_assert_eq(tt_http_c(t)->status, status, "status %d != %d", tt_http_c(t)->status, status);
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
	cr_assert_str_eq(tt_http(h.sink.t[0])->authority, "example");
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
	cr_assert_eq(tt_http(h.sink.t[2])->interim_status, 100);
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

/* detect() on one direction's first bytes (dir egress), the other empty. */
static int det(const char *s, size_t n)
{
	struct tt_conn_info ci = {0};
	struct tt_detect d = {.first_dir = TT_DIR_EGRESS, .ci = &ci};
	d.buf[TT_DIR_EGRESS] = (const uint8_t *)s;
	d.len[TT_DIR_EGRESS] = n;
	return tt_http1_proto.detect(&d);
}

Test(http1, detect)
{
	cr_assert_eq(det("GET / HTTP/1.1\r\n", 16), 80);
	cr_assert_eq(det("HTTP/1.1 200 OK\r\n", 17), 80);
	cr_assert_eq(det("GE", 2), TT_DETECT_MORE);
	cr_assert_eq(det("\x16\x03\x01", 3), TT_DETECT_NO);
	cr_assert_eq(det("xyz\r\nPOST /a HTTP/1.1\r\n", 23), 40); /* mid-connection */
	cr_assert_eq(det("GETX / HTTP/1.1", 15), TT_DETECT_NO);
	/* the other direction decides when this one cannot: a response seen first */
	struct tt_conn_info ci = {0};
	struct tt_detect d = {.first_dir = TT_DIR_INGRESS, .ci = &ci};
	d.buf[TT_DIR_EGRESS] = (const uint8_t *)"\x16\x03";
	d.len[TT_DIR_EGRESS] = 2;
	d.buf[TT_DIR_INGRESS] = (const uint8_t *)"HTTP/1.0 404 Not Found\r\n";
	d.len[TT_DIR_INGRESS] = 24;
	cr_assert_eq(tt_http1_proto.detect(&d), 80);
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

/* A response cut after its headers (nginx closed its upstream mid-body; the client saw 499): the
 * bytes that were on the wire count, they are not 0. */
Test(http1, wire_bytes_of_a_cut_response)
{
	struct h h;
	h_open(&h, TT_ROLE_CLIENT);
	const char *head = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n";
	const char *req = "GET /big HTTP/1.1\r\nHost: up\r\n\r\n";
	h_str(&h, REQ, req);
	h_str(&h, RESP, head);
	h_str(&h, RESP, "0123456789");
	h_str(&h, RESP, "abcdef");
	h_close(&h);
	cr_assert_eq(h.sink.n, 1);
	struct tt_txn *t = h.sink.t[0];
	cr_assert_eq(t->resp.wire_bytes, strlen(head) + 16);
	cr_assert_eq(t->resp.body_bytes, 16);
	cr_assert_eq(t->req.wire_bytes, strlen(req));
	cr_assert(t->flags & TT_TXN_BROKEN);
	cr_assert_not(t->resp.complete);
	h_free(&h);
}

/* --- few_headers: only the headers the analysis reads, the caps as if all were kept ---------- */

static void h_open_few(struct h *h, int role)
{
	h_open(h, role);
	h->env.few_headers = 1;
}

Test(http1, few_headers_keeps_what_the_analysis_reads)
{
	struct h h;
	h_open_few(&h, TT_ROLE_CLIENT);
	h_str(&h, REQ, "GET /chat HTTP/1.1\r\nUser-Agent: t\r\nHost: example\r\nX-A: 1\r\n"
		       "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: k\r\n\r\n");
	h_str(&h, RESP, "HTTP/1.1 101 Switching Protocols\r\nServer: s\r\nUpgrade: websocket\r\n"
			"Connection: Upgrade\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n");
	cr_assert_eq(h.sink.n, 1);
	struct tt_txn *t = h.sink.t[0];
	cr_assert_str_eq(tt_http(t)->authority, "example");
	cr_assert_eq(t->req.n_headers, 4, "%u", t->req.n_headers);
	cr_assert_null(tt_msg_header(&t->req, "User-Agent"));
	cr_assert_null(tt_msg_header(&t->req, "X-A"));
	cr_assert_str_eq(tt_msg_header(&t->req, "Sec-WebSocket-Key"), "k");
	cr_assert_eq(t->resp.n_headers, 3);
	cr_assert_str_eq(tt_msg_header(&t->resp, "Sec-WebSocket-Extensions"), "permessage-deflate");
	cr_assert(t->flags & TT_TXN_UPGRADED);
	h_free(&h);
}

/* A Host header past the caps (128 headers, 32 KiB of them) is not kept by either mode. */
Test(http1, few_headers_caps_count_every_header)
{
	for (int kind = 0; kind < 3; kind++) {
		char *req = malloc(80000);
		size_t n = (size_t)sprintf(req, "GET / HTTP/1.1\r\n");
		int count = kind == 0 ? 127 : kind == 1 ? 128 : 40;
		for (int i = 0; i < count; i++)
			n += (size_t)sprintf(req + n, "X-%d: %s\r\n", i,
					     kind == 2 ? "0123456789012345678901234567890123456789"
							 "0123456789012345678901234567890123456789"
							 "0123456789012345678901234567890123456789"
							 "0123456789012345678901234567890123456789"
							 "0123456789012345678901234567890123456789"
							 "0123456789012345678901234567890123456789"
							 "0123456789012345678901234567890123456789"
						       : "v");
		if (kind == 2) /* past 32 KiB of header bytes */
			for (int i = 0; i < 27; i++)
				n += (size_t)sprintf(req + n, "Y-%d: %0800d\r\n", i, 0);
		n += (size_t)sprintf(req + n, "Host: late\r\n\r\n");
		struct h full, few;
		h_open(&full, TT_ROLE_CLIENT);
		h_open_few(&few, TT_ROLE_CLIENT);
		h_feed(&full, REQ, req, n);
		h_feed(&few, REQ, req, n);
		h_str(&full, RESP, resp1);
		h_str(&few, RESP, resp1);
		cr_assert_eq(full.sink.n, 1);
		cr_assert_eq(few.sink.n, 1);
		const char *a = tt_http(full.sink.t[0])->authority,
			   *b = tt_http(few.sink.t[0])->authority;
		cr_assert_eq(!a, !b, "kind %d: Host kept by one mode only (%s / %s)", kind,
			     a ? a : "-", b ? b : "-");
		if (a)
			cr_assert_str_eq(a, b);
		cr_assert_eq(full.sink.t[0]->req.headers_truncated,
			     few.sink.t[0]->req.headers_truncated, "kind %d", kind);
		if (kind < 2)
			cr_assert_eq(!!a, kind == 0, "kind %d: %s", kind, a ? a : "no Host");
		else
			cr_assert(few.sink.t[0]->req.headers_truncated);
		h_free(&full);
		h_free(&few);
		free(req);
	}
}

/* Every recording in testdata/, through the whole pipeline into the views that do not show
 * headers (the line, --stats): the same text with all headers kept and with few_headers. */
static char *view(const char *path, int few, int stats, int one_side)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	cr_assert_not_null(f);
	struct tt_output_opts oo = {.utc = 1};
	struct tt_sink *sink = stats ? tt_sink_stats_new(f, TT_STATS_HOST, 0)
				     : tt_sink_line_new(f, &oo);
	cr_assert_not_null(sink);
	struct tt_pipeline_opts po = {.few_headers = few, .one_side = one_side};
	struct tt_pipeline *p = tt_pipeline_new(&po, sink);
	cr_assert_not_null(p);
	int fd = open(path, O_RDONLY);
	cr_assert(fd >= 0, "%s", path);
	struct tt_reader *rd = tt_reader_open_fd(fd, path);
	cr_assert_not_null(rd, "%s", tt_reader_open_error());
	tt_pipeline_begin(p, tt_reader_info(rd));
	volatile sig_atomic_t stop = 0;
	tt_pipeline_read(p, rd, fd, &stop, NULL, NULL);
	tt_pipeline_finish(p);
	struct tt_pipeline_stats st;
	tt_pipeline_get_stats(p, &st);
	fprintf(f, "shown %llu of %llu\n", (unsigned long long)st.shown,
		(unsigned long long)st.eng.txns);
	tt_pipeline_free(p);
	tt_sink_free(sink);
	tt_reader_free(rd);
	close(fd);
	fclose(f);
	return out;
}

Test(http1, few_headers_same_views_on_every_recording)
{
	glob_t g;
	cr_assert_eq(glob("testdata/*.tinytap", 0, NULL, &g), 0, "run from the repository root");
	cr_assert(g.gl_pathc >= 10);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		for (int stats = 0; stats < 2; stats++) {
			char *a = view(g.gl_pathv[i], 0, stats, stats);
			char *b = view(g.gl_pathv[i], 1, stats, stats);
			cr_assert_str_eq(a, b, "%s (%s): few_headers changes the output",
					 g.gl_pathv[i], stats ? "--stats --by host" : "line");
			free(a);
			free(b);
		}
	}
	globfree(&g);
}
