// SPDX-License-Identifier: MIT
/* Stream reassembly (analyze/streams.c) and record ordering (analyze/engine.c) on hand-built
 * DATA records. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/engine.h"
#include "analyze/streams.h"
#include "analyze/proto/http.h"

#define MAXT 32

struct sink {
	struct tt_txn *t[MAXT];
	int n;
};

static void emit(void *ctx, struct tt_txn *t)
{
	struct sink *s = ctx;
	cr_assert(s->n < MAXT);
	s->t[s->n++] = t;
}

static void sink_free(struct sink *s)
{
	for (int i = 0; i < s->n; i++)
		tt_txn_free(s->t[i]);
	s->n = 0;
}

struct fx {
	struct sink sink;
	struct tt_proto_env env;
	struct tt_streams *s;
	uint64_t ts;
};

static void fx_init(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	f->env.ctx = &f->sink;
	f->env.emit = emit;
	f->env.body_cap = 65536;
	f->s = tt_streams_new(&f->env, 0);
	cr_assert_not_null(f->s);
}

static void fx_fini(struct fx *f)
{
	tt_streams_finish(f->s, ++f->ts);
	tt_streams_free(f->s);
	sink_free(&f->sink);
}

static void conn(struct fx *f, uint64_t sock, int role)
{
	struct tt_rec_conn c = {.ts_ns = ++f->ts,
				.sock_id = sock,
				.pid = 1,
				.role = (uint8_t)role,
				.origin =
				    role == TT_ROLE_CLIENT ? TT_ORIGIN_CONNECT : TT_ORIGIN_ACCEPT};
	c.local.family = c.remote.family = TT_AF_INET;
	c.local.port = 40000;
	c.remote.port = 80;
	tt_streams_conn(f->s, &c);
}

/* One DATA record: bytes [off, off+cap) of a call of call_bytes. */
static void seg(struct fx *f, uint64_t sock, int dir, uint64_t ts, uint64_t call_bytes,
		uint64_t off, const char *p, uint32_t cap, uint16_t flags)
{
	struct tt_rec_data d = {.ts_ns = ts,
				.sock_id = sock,
				.pid = 1,
				.tid = 1,
				.dir = (uint8_t)dir,
				.flags = flags,
				.call_bytes = call_bytes,
				.seg_off = off,
				.cap_len = cap};
	tt_streams_data(f->s, &d, (const uint8_t *)p);
}

static void call(struct fx *f, uint64_t sock, int dir, const char *p)
{
	uint32_t n = (uint32_t)strlen(p);
	seg(f, sock, dir, ++f->ts, n, 0, p, n, 0);
}

static const char req[] = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789";

Test(streams, plain_exchange)
{
	struct fx f;
	fx_init(&f);
	conn(&f, 5, TT_ROLE_CLIENT);
	call(&f, 5, TT_DIR_EGRESS, req);
	call(&f, 5, TT_DIR_INGRESS, resp);
	cr_assert_eq(f.sink.n, 1);
	cr_assert(tt_txn_complete(f.sink.t[0]));
	cr_assert_eq(f.sink.t[0]->remote.port, 80);
	fx_fini(&f);
}

Test(streams, segments_of_one_call)
{
	struct fx f;
	fx_init(&f);
	conn(&f, 5, TT_ROLE_CLIENT);
	call(&f, 5, TT_DIR_EGRESS, req);
	uint32_t n = (uint32_t)strlen(resp);
	uint64_t ts = ++f.ts;
	/* one recv of n bytes delivered as three records */
	seg(&f, 5, TT_DIR_INGRESS, ts, n, 0, resp, 10, 0);
	seg(&f, 5, TT_DIR_INGRESS, ts, n, 10, resp + 10, 20, 0);
	seg(&f, 5, TT_DIR_INGRESS, ts, n, 30, resp + 30, n - 30, 0);
	cr_assert_eq(f.sink.n, 1);
	cr_assert(tt_txn_complete(f.sink.t[0]));
	cr_assert_eq(memcmp(f.sink.t[0]->resp.body, "0123456789", 10), 0);
	fx_fini(&f);
}

Test(streams, truncated_call_is_a_gap_that_keeps_sync)
{
	struct fx f;
	fx_init(&f);
	conn(&f, 5, TT_ROLE_CLIENT);
	call(&f, 5, TT_DIR_EGRESS, req);
	uint32_t n = (uint32_t)strlen(resp);
	/* snaplen cut the call 4 bytes into the body: 6 body bytes missing */
	seg(&f, 5, TT_DIR_INGRESS, ++f.ts, n, 0, resp, n - 6, TT_DATA_TRUNCATED);
	call(&f, 5, TT_DIR_EGRESS, req);
	call(&f, 5, TT_DIR_INGRESS, resp);
	cr_assert_eq(f.sink.n, 2);
	cr_assert_not(tt_txn_complete(f.sink.t[0]));
	cr_assert_eq(f.sink.t[0]->resp.body_bytes, 10);
	cr_assert(tt_txn_complete(f.sink.t[1]));
	struct tt_streams_stats st;
	tt_streams_get_stats(f.s, &st);
	cr_assert_eq(st.gap_bytes, 6);
	fx_fini(&f);
}

Test(streams, missing_segment_is_a_gap)
{
	struct fx f;
	fx_init(&f);
	conn(&f, 5, TT_ROLE_CLIENT);
	call(&f, 5, TT_DIR_EGRESS, req);
	uint32_t n = (uint32_t)strlen(resp);
	uint64_t ts = ++f.ts;
	seg(&f, 5, TT_DIR_INGRESS, ts, n, 0, resp, n - 8, 0);
	/* the segment [n-8, n-4) never arrives */
	seg(&f, 5, TT_DIR_INGRESS, ts, n, n - 4, resp + n - 4, 4, 0);
	call(&f, 5, TT_DIR_EGRESS, req);
	call(&f, 5, TT_DIR_INGRESS, resp);
	cr_assert_eq(f.sink.n, 2);
	cr_assert(f.sink.t[0]->flags & TT_TXN_GAP);
	cr_assert(tt_txn_complete(f.sink.t[1]));
	fx_fini(&f);
}

Test(streams, dropped_payload_is_a_gap)
{
	struct fx f;
	fx_init(&f);
	conn(&f, 5, TT_ROLE_SERVER);
	call(&f, 5, TT_DIR_INGRESS, req);
	call(&f, 5, TT_DIR_EGRESS, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
	seg(&f, 5, TT_DIR_EGRESS, ++f.ts, 100, 0, NULL, 0, TT_DATA_DROPPED);
	call(&f, 5, TT_DIR_INGRESS, req);
	call(&f, 5, TT_DIR_EGRESS, resp);
	cr_assert_eq(f.sink.n, 2);
	cr_assert(f.sink.t[0]->flags & TT_TXN_GAP);
	cr_assert_eq(f.sink.t[0]->resp.body_bytes, 100);
	cr_assert(tt_txn_complete(f.sink.t[1]));
	cr_assert_eq(f.sink.t[1]->side, TT_SIDE_SERVER);
	fx_fini(&f);
}

Test(streams, dropped_call_keeps_its_captured_start)
{
	struct fx f;
	fx_init(&f);
	conn(&f, 5, TT_ROLE_CLIENT);
	call(&f, 5, TT_DIR_EGRESS, req);
	uint32_t n = (uint32_t)strlen(resp);
	/* the recorder merged the first pieces, a later one was lost: headers survive */
	seg(&f, 5, TT_DIR_INGRESS, ++f.ts, n, 0, resp, n - 5, TT_DATA_DROPPED);
	call(&f, 5, TT_DIR_EGRESS, req);
	call(&f, 5, TT_DIR_INGRESS, resp);
	cr_assert_eq(f.sink.n, 2);
	cr_assert_eq(tt_http(f.sink.t[0])->status, 200);
	cr_assert(f.sink.t[0]->flags & TT_TXN_GAP);
	cr_assert_eq(f.sink.t[0]->resp.body_bytes, 10);
	cr_assert(tt_txn_complete(f.sink.t[1]));
	fx_fini(&f);
}

Test(streams, peek_is_not_counted_twice)
{
	struct fx f;
	fx_init(&f);
	conn(&f, 5, TT_ROLE_SERVER);
	uint32_t n = (uint32_t)strlen(req);
	seg(&f, 5, TT_DIR_INGRESS, ++f.ts, n, 0, req, n, TT_DATA_PEEK);
	call(&f, 5, TT_DIR_INGRESS, req);
	call(&f, 5, TT_DIR_EGRESS, resp);
	cr_assert_eq(f.sink.n, 1);
	cr_assert(tt_txn_complete(f.sink.t[0]));
	fx_fini(&f);
}

Test(streams, sendfile_bytes_are_body)
{
	struct fx f;
	fx_init(&f);
	conn(&f, 5, TT_ROLE_SERVER);
	call(&f, 5, TT_DIR_INGRESS, req);
	call(&f, 5, TT_DIR_EGRESS, "HTTP/1.1 200 OK\r\nContent-Length: 70000\r\n\r\n");
	seg(&f, 5, TT_DIR_EGRESS, ++f.ts, 70000, 0, NULL, 0, TT_DATA_NO_PAYLOAD);
	cr_assert_eq(f.sink.n, 1);
	cr_assert(tt_txn_complete(f.sink.t[0]));
	cr_assert_eq(f.sink.t[0]->resp.body_bytes, 70000);
	fx_fini(&f);
}

Test(streams, loss_never_mispairs)
{
	struct fx f;
	fx_init(&f);
	conn(&f, 5, TT_ROLE_CLIENT);
	call(&f, 5, TT_DIR_EGRESS, req);
	call(&f, 5, TT_DIR_INGRESS, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234");
	tt_streams_loss(f.s, ++f.ts);
	call(&f, 5, TT_DIR_INGRESS, "56789");
	call(&f, 5, TT_DIR_EGRESS, req);
	call(&f, 5, TT_DIR_INGRESS, resp);
	cr_assert_eq(f.sink.n, 2);
	cr_assert_not(tt_txn_complete(f.sink.t[0]));
	cr_assert(tt_txn_complete(f.sink.t[1]));
	fx_fini(&f);
}

Test(streams, close_finishes_after_grace)
{
	struct fx f;
	fx_init(&f);
	conn(&f, 5, TT_ROLE_CLIENT);
	call(&f, 5, TT_DIR_EGRESS, "GET /old HTTP/1.0\r\n\r\n");
	call(&f, 5, TT_DIR_INGRESS, "HTTP/1.0 200 OK\r\n\r\nuntil close");
	struct tt_rec_close c = {.ts_ns = ++f.ts, .sock_id = 5};
	tt_streams_close(f.s, &c);
	cr_assert_eq(f.sink.n, 0);
	tt_streams_tick(f.s, c.ts_ns + TT_STREAMS_CLOSE_GRACE_NS);
	cr_assert_eq(f.sink.n, 1);
	cr_assert(tt_txn_complete(f.sink.t[0]));
	cr_assert_eq(f.sink.t[0]->resp.body_bytes, 11);
	fx_fini(&f);
}

Test(streams, not_http_is_ignored)
{
	struct fx f;
	fx_init(&f);
	for (int i = 0; i < 20; i++)
		call(&f, 9, TT_DIR_EGRESS, "\x16\x03\x01 tls hello, not http");
	call(&f, 9, TT_DIR_EGRESS, req);
	fx_fini(&f);
	struct tt_streams_stats st;
	(void)st;
}

/* --- engine: ordering ------------------------------------------------------------------------ */

static void eng_out(void *ctx, struct tt_txn *t)
{
	emit(ctx, t);
}

static struct tt_record data_rec(uint64_t ts, uint64_t sock, int dir, const char *p)
{
	struct tt_record r = {.type = TT_REC_DATA};
	r.u.data = (struct tt_rec_data){.ts_ns = ts,
					.sock_id = sock,
					.pid = 42,
					.tid = 42,
					.dir = (uint8_t)dir,
					.call_bytes = strlen(p),
					.cap_len = (uint32_t)strlen(p)};
	r.payload = (const uint8_t *)p;
	return r;
}

Test(engine, reorders_records_and_orders_output_by_first_byte)
{
	struct sink s = {0};
	struct tt_engine_opts o = {0};
	struct tt_engine *e = tt_engine_new(&o, eng_out, &s);
	cr_assert_not_null(e);
	struct tt_record p = {.type = TT_REC_PROCESS};
	p.u.process.ts_ns = 1;
	p.u.process.pid = 42;
	strcpy(p.u.process.comm, "curl");
	tt_engine_add(e, &p);
	/* conn 1 starts first but finishes last; records of conn 2 arrive out of time order */
	struct tt_record r[] = {
	    data_rec(1000, 1, TT_DIR_EGRESS, "GET /first HTTP/1.1\r\n\r\n"),
	    data_rec(3000, 2, TT_DIR_INGRESS, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
	    data_rec(2000, 2, TT_DIR_EGRESS, "GET /second HTTP/1.1\r\n\r\n"),
	    data_rec(9000, 1, TT_DIR_INGRESS, "HTTP/1.1 404 No\r\nContent-Length: 0\r\n\r\n"),
	};
	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		cr_assert_eq(tt_engine_add(e, &r[i]), 0);
	tt_engine_finish(e);
	cr_assert_eq(s.n, 2);
	cr_assert_str_eq(s.t[0]->target, "/first");
	cr_assert_str_eq(s.t[1]->target, "/second");
	cr_assert(tt_txn_complete(s.t[1]), "second: flags %#x", s.t[1]->flags);
	cr_assert_str_eq(s.t[0]->comm, "curl");
	cr_assert_eq(tt_txn_duration_ns(s.t[0]), 8000);
	tt_engine_free(e);
	sink_free(&s);
}

/* Random records (types, sockets, flags, offsets, lengths, times going back and forth) through
 * the whole engine: never crashes, never leaks (ASan build), every transaction comes out. */
static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

static void count_out(void *ctx, struct tt_txn *t)
{
	(*(uint64_t *)ctx)++;
	tt_txn_free(t);
}

Test(engine, random_records)
{
	static const char *const pieces[] = {
	    "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
	    "POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
	    "\x16\x03\x01garbage",
	    "HTTP/1.1 101 S\r\nUpgrade: ws\r\nConnection: upgrade\r\n\r\n",
	    "HEAD / HTTP/1.1\r\n\r\n",
	};
	uint32_t seed = 777;
	uint64_t total = 0;
	for (int round = 0; round < 20; round++) {
		uint64_t n_out = 0;
		struct tt_engine_opts o = {.body_cap = 64, .max_conns = 8, .live = round & 1};
		struct tt_engine *e = tt_engine_new(&o, count_out, &n_out);
		cr_assert_not_null(e);
		uint64_t ts = 1000000;
		for (int i = 0; i < 3000; i++) {
			struct tt_record r = {.type = 1 + rnd(&seed) % 10};
			ts += rnd(&seed) % 3 == 0 ? 0 : rnd(&seed) * 1000;
			uint64_t t = ts - (rnd(&seed) % 4 == 0 ? rnd(&seed) * 100 : 0);
			uint64_t sock = rnd(&seed) % 12;
			switch (r.type) {
			case TT_REC_DATA: {
				const char *p =
				    pieces[rnd(&seed) % (sizeof(pieces) / sizeof(pieces[0]))];
				uint32_t len = (uint32_t)strlen(p);
				uint32_t cap = rnd(&seed) % (len + 1);
				r.u.data = (struct tt_rec_data){
				    .ts_ns = t,
				    .sock_id = sock,
				    .pid = 5,
				    .dir = (uint8_t)(rnd(&seed) % 3),
				    .flags = (uint16_t)(rnd(&seed) % 3 ? 0 : rnd(&seed) & 0x3f),
				    .call_bytes = rnd(&seed) % 4 ? len : rnd(&seed),
				    .seg_off = rnd(&seed) % 4 ? 0 : rnd(&seed) % 64,
				    .cap_len = cap};
				r.payload = (const uint8_t *)p;
				break;
			}
			case TT_REC_CONN:
				r.u.conn =
				    (struct tt_rec_conn){.ts_ns = t,
							 .sock_id = sock,
							 .role = (uint8_t)(rnd(&seed) % 4),
							 .origin = (uint8_t)(rnd(&seed) % 4)};
				r.u.conn.local.family = (uint16_t)(rnd(&seed) % 12);
				break;
			case TT_REC_CLOSE:
				r.u.close = (struct tt_rec_close){.ts_ns = t, .sock_id = sock};
				break;
			case TT_REC_PROCESS:
				r.u.process.ts_ns = t;
				r.u.process.pid = 5;
				memset(r.u.process.comm, 'A' + rnd(&seed) % 26,
				       sizeof(r.u.process.comm));
				r.u.process.comm[3] = '\n';
				break;
			case TT_REC_LOSS:
				r.u.loss =
				    (struct tt_rec_loss){.ts_ns = t, .events = rnd(&seed) % 2};
				break;
			case TT_REC_CLOCK_SYNC:
				r.u.clock_sync = (struct tt_rec_clock_sync){
				    .boot_ns = t, .realtime_ns = (int64_t)rnd(&seed) << 20};
				break;
			default:
				r.u.stats.ts_ns = t;
				break;
			}
			cr_assert_eq(tt_engine_add(e, &r), 0);
			if (rnd(&seed) % 500 == 0)
				tt_engine_input_gap(e);
		}
		tt_engine_finish(e);
		struct tt_engine_stats st;
		tt_engine_get_stats(e, &st);
		cr_assert_eq(st.txns, n_out);
		total += n_out;
		tt_engine_free(e);
	}
	cr_log_info("random_records: %lu transactions", (unsigned long)total);
	cr_assert_gt(total, 100);
}

Test(engine, loss_applies_in_file_order)
{
	struct sink s = {0};
	struct tt_engine_opts o = {0};
	struct tt_engine *e = tt_engine_new(&o, eng_out, &s);
	struct tt_record r[] = {
		data_rec(1000, 1, TT_DIR_EGRESS, "GET /a HTTP/1.1\r\n\r\n"),
		data_rec(2000, 1, TT_DIR_INGRESS, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234"),
		{.type = TT_REC_LOSS}, /* user space learnt of it later: its own ts is far ahead */
		data_rec(3000, 1, TT_DIR_INGRESS, "56789"),
		data_rec(4000, 1, TT_DIR_EGRESS, "GET /b HTTP/1.1\r\n\r\n"),
		data_rec(5000, 1, TT_DIR_INGRESS, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
	};
	r[2].u.loss = (struct tt_rec_loss){.ts_ns = 900000000, .events = 1};
	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		cr_assert_eq(tt_engine_add(e, &r[i]), 0);
	tt_engine_finish(e);
	cr_assert_eq(s.n, 2);
	cr_assert_str_eq(s.t[0]->target, "/a");
	cr_assert(s.t[0]->flags & TT_TXN_GAP);
	cr_assert_str_eq(s.t[1]->target, "/b");
	cr_assert(tt_txn_complete(s.t[1]));
	tt_engine_free(e);
	sink_free(&s);
}

static void conn_at(struct fx *f, uint64_t sock, int family, uint16_t lport, uint16_t rport,
		    const char *lip, const char *rip, uint64_t unix_peer)
{
	struct tt_rec_conn c = {.ts_ns = ++f->ts, .sock_id = sock, .pid = 1, .unix_peer_id = unix_peer};
	c.local.family = c.remote.family = (uint16_t)family;
	c.local.port = lport;
	c.remote.port = rport;
	memcpy(c.local.addr, lip, 4);
	memcpy(c.remote.addr, rip, 4);
	tt_streams_conn(f->s, &c);
}

/* Both ends of a local connection: the sockets whose addresses mirror each other find each other
 * (whichever CONN record comes first); a look-alike with another address does not. */
Test(streams, peers_of_a_local_connection)
{
	struct fx f;
	fx_init(&f);
	const char *lo = "\x7f\0\0\x01", *other = "\x0a\0\0\x02";
	conn_at(&f, 11, TT_AF_INET, 40000, 80, lo, lo, 0);
	cr_assert_eq(tt_streams_peer(f.s, 11), 0);
	conn_at(&f, 12, TT_AF_INET, 80, 40000, lo, lo, 0);
	cr_assert_eq(tt_streams_peer(f.s, 11), 12);
	cr_assert_eq(tt_streams_peer(f.s, 12), 11);
	conn_at(&f, 13, TT_AF_INET, 80, 40001, lo, other, 0); /* no mirror recorded */
	cr_assert_eq(tt_streams_peer(f.s, 13), 0);
	conn_at(&f, 14, TT_AF_INET, 40001, 80, lo, lo, 0); /* same ports, other address */
	cr_assert_eq(tt_streams_peer(f.s, 14), 0);
	cr_assert_eq(tt_streams_peer(f.s, 13), 0);
	/* AF_UNIX: the CONN record names the peer inode */
	conn_at(&f, 21, TT_AF_UNIX, 0, 0, "\0\0\0\0", "\0\0\0\0", 22);
	conn_at(&f, 22, TT_AF_UNIX, 0, 0, "\0\0\0\0", "\0\0\0\0", 21);
	cr_assert_eq(tt_streams_peer(f.s, 21), 22);
	cr_assert_eq(tt_streams_peer(f.s, 22), 21);
	/* the txns carry it (the engine stamps it; here the streams alone: through the lookup) */
	call(&f, 11, TT_DIR_EGRESS, req);
	call(&f, 12, TT_DIR_INGRESS, req);
	call(&f, 12, TT_DIR_EGRESS, resp);
	call(&f, 11, TT_DIR_INGRESS, resp);
	cr_assert_eq(f.sink.n, 2);
	fx_fini(&f);
}

/* TLS: the handshake's ciphertext goes to detection (nothing recognises it), the first plaintext
 * record switches the socket to its plaintext layer (HTTP parsed there), and the ciphertext after
 * it is counted, not parsed, even when it looks like HTTP. */
Test(streams, tls_plaintext_layer)
{
	static const char hello[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03";
	struct fx f;
	fx_init(&f);
	conn(&f, 5, TT_ROLE_CLIENT);
	seg(&f, 5, TT_DIR_EGRESS, ++f.ts, 11, 0, hello, 11, 0);
	seg(&f, 5, TT_DIR_INGRESS, ++f.ts, 11, 0, hello, 11, 0);
	uint32_t n = (uint32_t)strlen(req);
	seg(&f, 5, TT_DIR_EGRESS, ++f.ts, 40, 0, "\x17\x03\x03", 3, 0); /* cut short: a gap */
	seg(&f, 5, TT_DIR_EGRESS, ++f.ts, n, 0, req, n, TT_DATA_TLS);
	/* a wire record that looks like HTTP: ignored, its bytes counted */
	seg(&f, 5, TT_DIR_INGRESS, ++f.ts, n, 0, req, n, 0);
	uint32_t m = (uint32_t)strlen(resp);
	seg(&f, 5, TT_DIR_INGRESS, ++f.ts, m, 0, resp, m, TT_DATA_TLS);
	cr_assert_eq(f.sink.n, 1);
	cr_assert(tt_txn_complete(f.sink.t[0]));
	cr_assert_str_eq(f.sink.t[0]->target, "/a");
	cr_assert(tt_streams_tls(f.s, 5));
	cr_assert_not(tt_streams_tls(f.s, 6));
	struct tt_streams_stats st;
	tt_streams_get_stats(f.s, &st);
	cr_assert_eq(st.conns_tls, 1);
	cr_assert_eq(st.tls_wire_bytes, n);
	fx_fini(&f);
}
