// SPDX-License-Identifier: MIT
/*
 * gen_hostile - write deterministic .tinytap recordings of hostile HTTP traffic (both ends of
 * every connection recorded), for tinytap-show's robustness tests (tests/golden/hostile.sh and
 * the golden cases of testdata/manifest).
 *
 *   gen_hostile SCENARIO FILE|-
 *
 * Scenarios:
 *   smuggling    request smuggling shapes and framing errors, one connection each, every one
 *                followed by a well-formed exchange: Content-Length + Transfer-Encoding, two
 *                Content-Lengths, Transfer-Encoding not ending in chunked, a space before the
 *                colon, a NUL in a header value, invalid and overflowing chunk sizes, CL + TE in
 *                a response (small: committed as testdata/hostile-smuggling.tinytap)
 *   huge-holes   a sendfile of 2^62 bytes into a body of Content-Length 2^62, and a dropped
 *                payload of 2^62 bytes into a body that runs to the close (fuzz_show found
 *                tinytap-show feeding such holes to llhttp 4 KiB at a time: a hang)
 *   gzip-empty   a gzip body that decodes to nothing (fuzz_http found -vv leaking its buffer)
 *   header-flood 10000 request headers and 10000 response headers
 *   header-line  a 1 MiB header line, a 1 MiB Set-Cookie and a 1 MiB request target
 *   pipeline     100000 pipelined requests in 64 KiB writes, then their 100000 responses
 *   garbage      4 MiB of random bytes each way on port 80, and after a valid request
 *   websocket    WebSocket after HTTP/1.1 upgrades: a deflate bomb (32 MiB of 'a' in 32 KiB),
 *                a 2^63 length, a reserved opcode, a control frame over 125 bytes, a fragmented
 *                control frame, RSV bits and masks where they may not be, bad deflate data, a
 *                message ended with BFINAL, odd extension parameters, an extension we do not
 *                decode, and a connection recorded from inside a frame, every bad frame followed
 *                by good ones (small: committed as testdata/hostile-websocket.tinytap)
 *   ws-flood     WebSocket floods: 200000 pings, a message in 200000 one-byte fragments, a
 *                frame that claims 2^62 bytes
 *   http2        HTTP/2 (h2c): a frame past SETTINGS_MAX_FRAME_SIZE, an HPACK bomb, bad padding,
 *                HEADERS and DATA on stream 0, a request on an even stream, a CONTINUATION flood,
 *                each followed by a good exchange (small: testdata/hostile-http2.tinytap)
 *   h2-streams   100000 HTTP/2 requests on one connection, only the last ten answered
 *   h2-flood     an 8 MiB header block in CONTINUATION frames, 10000 SETTINGS, 100000 PINGs
 * Exit status: 0 ok, 1 write error, 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "tests/lib/ttgen.h"

static struct tt_gen *gen;

/* Client pid 100 (curl) on port 41000+id, server pid 200 (nginx) on port 80. */
static struct tt_gen_pair open_pair(uint64_t id)
{
	struct tt_gen_pair p;
	tt_gen_pair_tcp(&p, 50000 + id * 2, 100, (uint16_t)(41000 + id), 50001 + id * 2, 200, 80);
	tt_gen_pair_connect(gen, &p);
	return p;
}

/* Both CLOSEs, the next connection 1 ms after the last. */
static void close_pair(const struct tt_gen_pair *p)
{
	tt_gen_pair_close(gen, p);
	tt_gen_tick(gen, 1000 - tt_gen_pace(gen)->close_us);
}

static const char ok_get[] = "GET /next HTTP/1.1\r\nHost: shop\r\n\r\n";
static const char ok_resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext";

/* A request and its response(s), then a well-formed exchange on the same connection. */
static void exchange(uint64_t id, const char *req, const char *resp)
{
	struct tt_gen_pair p = open_pair(id);
	tt_gen_to_server(gen, &p, req);
	tt_gen_tick(gen, 200);
	tt_gen_to_client(gen, &p, resp);
	tt_gen_tick(gen, 100);
	tt_gen_to_server(gen, &p, ok_get);
	tt_gen_to_client(gen, &p, ok_resp);
	close_pair(&p);
}

static void smuggling(void)
{
	/* CL.TE: a front end that trusts Content-Length forwards the whole body; a back end that
	 * trusts Transfer-Encoding sees the chunked body end at "0" and a second request. */
	exchange(1,
		 "POST /search HTTP/1.1\r\nHost: shop\r\nContent-Length: 44\r\nTransfer-Encoding: "
		 "chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nHost: shop\r\n\r\n",
		 "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 403 Forbidden\r\n"
		 "Content-Length: 0\r\n\r\n");
	/* two different Content-Lengths */
	exchange(2,
		 "POST /upload HTTP/1.1\r\nHost: shop\r\nContent-Length: 3\r\nContent-Length: "
		 "5\r\n\r\nabcde",
		 "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
	/* Transfer-Encoding that does not end in chunked (TE.TE obfuscation) */
	exchange(3,
		 "POST /cart HTTP/1.1\r\nHost: shop\r\nTransfer-Encoding: chunked, "
		 "identity\r\n\r\n0\r\n\r\n",
		 "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
	/* a space before the colon */
	exchange(4,
		 "POST /api HTTP/1.1\r\nHost: shop\r\nContent-Length : 5\r\n\r\nhello",
		 "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
	/* a NUL inside a header value */
	{
		static const char req[] = "GET /nul HTTP/1.1\r\nHost: shop\r\nX-A: a\0b\r\n\r\n";
		struct tt_gen_pair p = open_pair(5);
		tt_gen_send(gen, &p, TT_GEN_TO_SERVER, req, sizeof(req) - 1);
		tt_gen_to_client(gen, &p, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
		tt_gen_to_server(gen, &p, ok_get);
		tt_gen_to_client(gen, &p, ok_resp);
		close_pair(&p);
	}
	/* invalid chunk size, then a chunk size that overflows 64 bits */
	exchange(6, "GET /chunks HTTP/1.1\r\nHost: shop\r\n\r\n",
		 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
	exchange(7, "GET /chunks2 HTTP/1.1\r\nHost: shop\r\n\r\n",
		 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff1\r\nabc\r\n"
		 "0\r\n\r\n");
	/* a response with Content-Length and Transfer-Encoding */
	exchange(8, "GET /both HTTP/1.1\r\nHost: shop\r\n\r\n",
		 "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"
		 "0\r\n\r\n");
}

static void huge_holes(void)
{
	const uint64_t huge = 1ull << 62;
	struct tt_gen_pair p = open_pair(1);
	tt_gen_to_server(gen, &p, "GET /huge.iso HTTP/1.1\r\nHost: shop\r\n\r\n");
	tt_gen_to_client(gen, &p, "HTTP/1.1 200 OK\r\nContent-Length: 4611686018427387904\r\n\r\n");
	const struct tt_gen_call sendfile = {.syscall = TT_SYS_SENDFILE,
					     .flags = TT_DATA_NO_PAYLOAD,
					     .call_bytes = huge},
				 dropped = {.flags = TT_DATA_DROPPED, .call_bytes = huge};
	tt_gen_send_call(gen, &p, TT_GEN_TO_CLIENT, &sendfile, &dropped, NULL, 0);
	tt_gen_to_server(gen, &p, ok_get);
	tt_gen_to_client(gen, &p, ok_resp);
	close_pair(&p);

	struct tt_gen_pair q = open_pair(2);
	tt_gen_to_server(gen, &q, "GET /stream HTTP/1.0\r\nHost: shop\r\n\r\n");
	tt_gen_to_client(gen, &q, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nstart ");
	tt_gen_send_call(gen, &q, TT_GEN_TO_CLIENT, &dropped, &dropped, NULL, 0);
	tt_gen_to_client(gen, &q, " end\n");
	close_pair(&q);
}

static void gzip_empty(void)
{
	/* the body: a gzip header and an empty deflate block, no trailer (12 bytes) */
	static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
				   "Content-Encoding: gzip\r\nContent-Length: 12\r\n\r\n"
				   "\x1f\x8b\x08\0\0\0\0\0\0\x03\x03\0";
	struct tt_gen_pair p = open_pair(1);
	tt_gen_to_server(gen, &p,
			 "GET /empty.gz HTTP/1.1\r\nHost: shop\r\nAccept-Encoding: gzip\r\n\r\n");
	tt_gen_send(gen, &p, TT_GEN_TO_CLIENT, resp, sizeof(resp) - 1);
	close_pair(&p);
}

static void header_flood(void)
{
	struct tt_gen_buf rq = {0}, rs = {0};
	tt_gen_buf_printf(&rq, "GET /flood HTTP/1.1\r\nHost: shop\r\n");
	tt_gen_buf_printf(&rs, "HTTP/1.1 200 OK\r\n");
	for (unsigned long i = 0; i < 10000; i++) {
		tt_gen_buf_printf(&rq, "X-Flood-%lu: value %lu\r\n", i, i);
		tt_gen_buf_printf(&rs, "Set-Cookie: c%lu=%lu\r\n", i, i);
	}
	tt_gen_buf_printf(&rq, "\r\n");
	tt_gen_buf_printf(&rs, "Content-Length: 2\r\n\r\nok");
	struct tt_gen_pair p = open_pair(1);
	tt_gen_send_buf(gen, &p, TT_GEN_TO_SERVER, &rq);
	tt_gen_send_buf(gen, &p, TT_GEN_TO_CLIENT, &rs);
	tt_gen_to_server(gen, &p, ok_get);
	tt_gen_to_client(gen, &p, ok_resp);
	close_pair(&p);
	tt_gen_buf_free(&rq);
	tt_gen_buf_free(&rs);
}

static void header_line(void)
{
	struct tt_gen_buf rq = {0}, rs = {0}, big = {0};
	static char a[1 << 20];
	memset(a, 'a', sizeof(a));
	tt_gen_buf_printf(&rq, "GET /big-header HTTP/1.1\r\nHost: shop\r\nX-Big: ");
	tt_gen_buf_put(&rq, a, sizeof(a));
	tt_gen_buf_printf(&rq, "\r\n\r\n");
	tt_gen_buf_printf(&rs, "HTTP/1.1 200 OK\r\nSet-Cookie: ");
	tt_gen_buf_put(&rs, a, sizeof(a));
	tt_gen_buf_printf(&rs, "\r\nContent-Length: 2\r\n\r\nok");
	tt_gen_buf_printf(&big, "GET /");
	tt_gen_buf_put(&big, a, sizeof(a));
	tt_gen_buf_printf(&big, " HTTP/1.1\r\nHost: shop\r\n\r\n");
	struct tt_gen_pair p = open_pair(1);
	tt_gen_send_buf(gen, &p, TT_GEN_TO_SERVER, &rq);
	tt_gen_send_buf(gen, &p, TT_GEN_TO_CLIENT, &rs);
	tt_gen_send_buf(gen, &p, TT_GEN_TO_SERVER, &big);
	tt_gen_to_client(gen, &p, "HTTP/1.1 414 URI Too Long\r\nContent-Length: 0\r\n\r\n");
	tt_gen_to_server(gen, &p, ok_get);
	tt_gen_to_client(gen, &p, ok_resp);
	close_pair(&p);
	tt_gen_buf_free(&rq);
	tt_gen_buf_free(&rs);
	tt_gen_buf_free(&big);
}

static void pipeline(void)
{
	struct tt_gen_buf rq = {0}, rs = {0};
	for (unsigned long i = 0; i < 100000; i++) {
		tt_gen_buf_printf(&rq, "GET /r/%lu HTTP/1.1\r\nHost: shop\r\nX-N: %lu\r\n\r\n", i,
				  i);
		char body[32];
		int n = snprintf(body, sizeof(body), "%lu", i);
		tt_gen_buf_printf(&rs, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", n);
		tt_gen_buf_put(&rs, body, (size_t)n);
	}
	struct tt_gen_pair p = open_pair(1);
	tt_gen_send_buf(gen, &p, TT_GEN_TO_SERVER, &rq);
	tt_gen_tick(gen, 1000);
	tt_gen_send_buf(gen, &p, TT_GEN_TO_CLIENT, &rs);
	close_pair(&p);
	tt_gen_buf_free(&rq);
	tt_gen_buf_free(&rs);
}

static void garbage(void)
{
	const size_t n = 4u << 20;
	uint8_t *g = malloc(n);
	if (!g)
		exit(1);
	uint32_t seed = 12345;
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		g[i] = (uint8_t)(seed >> 16);
	}
	struct tt_gen_pair p = open_pair(1); /* nothing but garbage */
	tt_gen_send(gen, &p, TT_GEN_TO_SERVER, g, n / 2);
	tt_gen_send(gen, &p, TT_GEN_TO_CLIENT, g + n / 2, n / 2);
	close_pair(&p);
	struct tt_gen_pair q = open_pair(2); /* HTTP first, then garbage both ways */
	tt_gen_to_server(
	    gen, &q, "POST /upload HTTP/1.1\r\nHost: shop\r\nContent-Length: 10\r\n\r\n0123456789");
	tt_gen_to_client(gen, &q, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
	tt_gen_send(gen, &q, TT_GEN_TO_SERVER, g, n);
	tt_gen_send(gen, &q, TT_GEN_TO_CLIENT, g + 1, n - 1);
	close_pair(&q);
	struct tt_gen_pair r = open_pair(3); /* starts like HTTP, goes on as garbage */
	tt_gen_to_server(gen, &r, "GET / HTTP/1.1\r\n");
	tt_gen_send(gen, &r, TT_GEN_TO_SERVER, g, n / 4);
	tt_gen_to_client(gen, &r, "HTTP/1.1 200 OK\r\n");
	tt_gen_send(gen, &r, TT_GEN_TO_CLIENT, g + 7, n / 4);
	close_pair(&r);
	free(g);
}

/* --- WebSocket (RFC 6455, RFC 7692) --------------------------------------------------------- */

static const uint8_t ws_key[4] = {0x37, 0xfa, 0x21, 0x3d};

/* One frame into b: b0 (FIN, RSV, opcode), masked (client frames), payload p of n bytes; claim:
 * the length the header says (n when equal). */
static void ws_frame(struct tt_gen_buf *b, uint8_t b0, int masked, const void *p, size_t n, uint64_t claim)
{
	uint8_t h[14];
	size_t hl = 2;
	h[0] = b0;
	if (claim < 126) {
		h[1] = (uint8_t)claim;
	} else if (claim < 65536) {
		h[1] = 126;
		h[2] = (uint8_t)(claim >> 8);
		h[3] = (uint8_t)claim;
		hl = 4;
	} else {
		h[1] = 127;
		for (int i = 0; i < 8; i++)
			h[2 + i] = (uint8_t)(claim >> (56 - 8 * i));
		hl = 10;
	}
	if (masked) {
		h[1] |= 0x80;
		memcpy(h + hl, ws_key, 4);
		hl += 4;
	}
	tt_gen_buf_put(b, h, hl);
	for (size_t i = 0; i < n; i++) {
		uint8_t c = ((const uint8_t *)p)[i] ^ (masked ? ws_key[i & 3] : 0);
		tt_gen_buf_put(b, &c, 1);
	}
}

/* Sends b from one end and empties it. */
static void ws_send(const struct tt_gen_pair *p, int from_client, struct tt_gen_buf *b)
{
	tt_gen_send_buf(gen, p, from_client ? TT_GEN_TO_SERVER : TT_GEN_TO_CLIENT, b);
	b->len = 0;
}

static void ws_text(const struct tt_gen_pair *p, int from_client, const char *s)
{
	struct tt_gen_buf b = {0};
	ws_frame(&b, 0x81, from_client, s, strlen(s), strlen(s));
	ws_send(p, from_client, &b);
	tt_gen_buf_free(&b);
}

/* Raw deflate of n bytes (permessage-deflate: sync flush, the 00 00 ff ff tail cut; fin: BFINAL
 * instead) into a malloc'ed buffer. */
static uint8_t *ws_deflate(const void *in, size_t n, int fin, size_t *out_n)
{
	z_stream z = {0};
	size_t cap = deflateBound(&z, n) + 64;
	uint8_t *o = malloc(cap);
	if (!o || deflateInit2(&z, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		exit(1);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = o;
	z.avail_out = (uInt)cap;
	deflate(&z, fin ? Z_FINISH : Z_SYNC_FLUSH);
	*out_n = cap - z.avail_out;
	if (!fin && *out_n >= 4)
		*out_n -= 4;
	deflateEnd(&z);
	return o;
}

/* An upgrade to WebSocket with these response extensions (NULL: none). */
static struct tt_gen_pair ws_open(uint64_t id, const char *ext)
{
	char resp[512];
	struct tt_gen_pair p = open_pair(id);
	tt_gen_to_server(gen, &p,
		 "GET /socket HTTP/1.1\r\nHost: shop\r\nUpgrade: websocket\r\nConnection: "
		 "Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: "
		 "13\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n");
	snprintf(resp, sizeof(resp),
		 "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
		 "Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n%s%s%s\r\n",
		 ext ? "Sec-WebSocket-Extensions: " : "", ext ? ext : "", ext ? "\r\n" : "");
	tt_gen_to_client(gen, &p, resp);
	return p;
}

static void websocket(void)
{
	struct tt_gen_buf b = {0};
	size_t zn;
	uint8_t *z;

	/* 1. a deflate bomb: 32 MiB of 'a' in about 32 KiB; then the connection goes on */
	struct tt_gen_pair p = ws_open(1, "permessage-deflate");
	size_t big = 32u << 20;
	uint8_t *a = malloc(big);
	if (!a)
		exit(1);
	memset(a, 'a', big);
	z = ws_deflate(a, big, 0, &zn);
	free(a);
	ws_frame(&b, 0xc1, 1, z, zn, zn);
	free(z);
	ws_send(&p, 1, &b);
	ws_text(&p, 1, "after the bomb");
	z = ws_deflate("still compressed, still fine", 28, 0, &zn);
	ws_frame(&b, 0xc1, 0, z, zn, zn);
	free(z);
	ws_send(&p, 0, &b);
	close_pair(&p);

	/* 2. lengths and opcodes that cannot be followed, each followed by two good frames */
	p = ws_open(2, NULL);
	ws_frame(&b, 0x82, 1, "junk", 4, 1ull << 63);
	ws_send(&p, 1, &b);
	ws_text(&p, 1, "found after 2^63");
	ws_text(&p, 1, "and the next");
	ws_frame(&b, 0x89, 0, "", 0, 126);
	tt_gen_buf_put(&b, "0123456789", 10);
	ws_send(&p, 0, &b);
	ws_text(&p, 0, "found after a long ping");
	ws_text(&p, 0, "and the next");
	ws_frame(&b, 0x8b, 1, "x", 1, 1);
	ws_send(&p, 1, &b);
	ws_text(&p, 1, "found after opcode 11");
	ws_text(&p, 1, "and the next");
	close_pair(&p);

	/* 3. rules broken without losing the framing */
	p = ws_open(3, NULL);
	ws_frame(&b, 0x81, 0, "client frame not masked", 23, 23);
	ws_frame(&b, 0xa1, 1, "RSV2", 4, 4);
	ws_frame(&b, 0x09, 1, "ping without FIN", 16, 16);
	ws_frame(&b, 0x81, 1, "\xc0\xaf overlong", 11, 11);
	ws_frame(&b, 0x81, 1, "\xed\xa0\x80 surrogate", 13, 13);
	ws_frame(&b, 0x80, 1, "continuation of nothing", 23, 23);
	ws_send(&p, 1, &b);
	ws_text(&p, 1, "still parsed");
	ws_frame(&b, 0x88, 0, "\x03", 1, 1);
	ws_frame(&b, 0x88, 0, "\x03\xe8\xff", 3, 3);
	ws_frame(&b, 0x88, 0, "\x00\x00", 2, 2);
	ws_send(&p, 0, &b);
	close_pair(&p);

	/* 4. deflate: bad data, BFINAL then a message that refers back to it, a compressed
	 * continuation (RSV1 where it may not be), odd parameters */
	p = ws_open(4, "permessage-deflate; client_max_window_bits=\"10\"; x=;;, ; "
		       "server_no_context_takeover");
	ws_frame(&b, 0xc1, 1, "\xff\xff\xff\xff", 4, 4);
	ws_send(&p, 1, &b);
	ws_text(&p, 1, "plain after bad deflate");
	{
		/* one deflate stream: the first message ends with BFINAL, the second refers to it */
		static const char m[] = "a message that the next one repeats";
		z_stream zs = {0};
		uint8_t o[512];
		if (deflateInit2(&zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			exit(1);
		zs.next_in = (Bytef *)(uintptr_t)m;
		zs.avail_in = sizeof(m) - 1;
		zs.next_out = o;
		zs.avail_out = sizeof(o);
		deflate(&zs, Z_FINISH);
		ws_frame(&b, 0xc1, 1, o, sizeof(o) - zs.avail_out, sizeof(o) - zs.avail_out);
		ws_send(&p, 1, &b);
		deflateReset(&zs);
		deflateSetDictionary(&zs, (const Bytef *)m, sizeof(m) - 1);
		zs.next_in = (Bytef *)(uintptr_t)m;
		zs.avail_in = sizeof(m) - 1;
		zs.next_out = o;
		zs.avail_out = sizeof(o);
		deflate(&zs, Z_SYNC_FLUSH);
		ws_frame(&b, 0xc1, 1, o, sizeof(o) - zs.avail_out - 4,
			 sizeof(o) - zs.avail_out - 4);
		ws_send(&p, 1, &b);
		deflateEnd(&zs);
	}
	z = ws_deflate("first half, second half", 23, 0, &zn);
	ws_frame(&b, 0x41, 0, z, 5, 5);
	ws_frame(&b, 0xc0, 0, z + 5, zn - 5, zn - 5);
	free(z);
	ws_send(&p, 0, &b);
	ws_text(&p, 0, "server goes on");
	close_pair(&p);

	/* 5. an extension we do not decode: its RSV bits are no error */
	p = ws_open(5, "x-webkit-deflate-frame");
	ws_frame(&b, 0xf1, 1, "rsv bits of x-webkit", 20, 20);
	ws_send(&p, 1, &b);
	ws_text(&p, 0, "fine");
	close_pair(&p);

	/* 6. recorded from inside a frame: no CONN records, the first bytes are a frame's end */
	struct tt_gen_pair q; /* no CONN records are written for it */
	tt_gen_pair_tcp(&q, 59000, 100, 41059, 59001, 200, 80);
	ws_frame(&b, 0x82, 1, "the end of a frame that began earlier", 37, 37);
	tt_gen_buf_put(&b, "", 0);
	{
		struct tt_gen_buf c = {0};
		tt_gen_buf_put(&c, b.p + 20, b.len - 20); /* the tail only */
		ws_send(&q, 1, &c);
		tt_gen_buf_free(&c);
		b.len = 0;
	}
	ws_text(&q, 1, "first whole frame");
	ws_text(&q, 1, "second");
	ws_text(&q, 0, "the server's");
	ws_text(&q, 0, "frames");
	close_pair(&q);
	tt_gen_buf_free(&b);
}

static void ws_flood(void)
{
	struct tt_gen_buf b = {0};
	struct tt_gen_pair p = ws_open(1, NULL);
	for (int i = 0; i < 200000; i++)
		ws_frame(&b, 0x89, 1, "", 0, 0);
	ws_send(&p, 1, &b);
	ws_frame(&b, 0x01, 1, "a", 1, 1);
	for (int i = 0; i < 200000; i++)
		ws_frame(&b, 0x00, 1, "b", 1, 1);
	ws_frame(&b, 0x80, 1, "c", 1, 1);
	ws_send(&p, 1, &b);
	ws_text(&p, 0, "after the floods");
	ws_frame(&b, 0x82, 0, "", 0, 1ull << 62);
	tt_gen_buf_put(&b, "the start of 2^62 bytes", 23);
	ws_send(&p, 0, &b);
	close_pair(&p);
	tt_gen_buf_free(&b);
}

/* --- HTTP/2 (RFC 9113): frames, and an HPACK encoding of the tests' own (explicit literals and
 * indices, never Huffman) --------------------------------------------------------------------- */

/* One end sends n bytes (ttgen paces them into calls), the other reads them. */
static void h2_send(const struct tt_gen_pair *p, int from_client, const void *b, size_t n)
{
	tt_gen_send(gen, p, from_client ? TT_GEN_TO_SERVER : TT_GEN_TO_CLIENT, b, n);
}

static const char h2_preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

static void h2_frame(struct tt_gen_buf *b, uint8_t type, uint8_t flags, uint32_t sid, const void *pl,
		     size_t n)
{
	uint8_t h[9] = {(uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n, type, flags,
			(uint8_t)(sid >> 24), (uint8_t)(sid >> 16), (uint8_t)(sid >> 8), (uint8_t)sid};
	tt_gen_buf_put(b, h, 9);
	if (n)
		tt_gen_buf_put(b, pl, n);
}

/* An HPACK prefix integer (RFC 7541 5.1) with the first byte's high bits. */
static void hp_int(struct tt_gen_buf *b, int prefix, uint8_t bits, uint32_t v)
{
	uint32_t mask = (1u << prefix) - 1;
	uint8_t o[8];
	size_t k = 0;
	if (v < mask) {
		o[k++] = (uint8_t)(bits | v);
	} else {
		o[k++] = (uint8_t)(bits | mask);
		for (v -= mask; v >= 128; v >>= 7)
			o[k++] = (uint8_t)(0x80 | (v & 0x7f));
		o[k++] = (uint8_t)v;
	}
	tt_gen_buf_put(b, o, k);
}

static void hp_str(struct tt_gen_buf *b, const char *s, size_t n)
{
	hp_int(b, 7, 0, (uint32_t)n);
	tt_gen_buf_put(b, s, n);
}

/* A literal not added to the table, its name from the static table. */
static void hp_lit(struct tt_gen_buf *b, unsigned name, const char *v)
{
	hp_int(b, 4, 0x00, name);
	hp_str(b, v, strlen(v));
}

/* GET path: :method GET (2), :scheme http (6), :path, :authority. */
static void hp_get(struct tt_gen_buf *b, const char *path)
{
	hp_int(b, 7, 0x80, 2);
	hp_int(b, 7, 0x80, 6);
	hp_lit(b, 4, path);
	hp_lit(b, 1, "shop.test");
}

/* Both prefaces and SETTINGS, acknowledged. */
static void h2_open(struct tt_gen_pair *p)
{
	struct tt_gen_buf c = {0}, s = {0};
	tt_gen_buf_put(&c, h2_preface, sizeof(h2_preface) - 1);
	h2_frame(&c, 4, 0, 0, NULL, 0);
	h2_frame(&s, 4, 0, 0, NULL, 0);
	h2_frame(&s, 4, 1, 0, NULL, 0);
	h2_send(p, 1, c.p, c.len);
	h2_send(p, 0, s.p, s.len);
	c.len = 0;
	h2_frame(&c, 4, 1, 0, NULL, 0);
	h2_send(p, 1, c.p, c.len);
	free(c.p);
	free(s.p);
}

/* A GET on stream sid (END_STREAM), from the client. */
static void h2_get(struct tt_gen_pair *p, uint32_t sid, const char *path)
{
	struct tt_gen_buf blk = {0}, f = {0};
	hp_get(&blk, path);
	h2_frame(&f, 1, 0x05, sid, blk.p, blk.len);
	h2_send(p, 1, f.p, f.len);
	free(blk.p);
	free(f.p);
}

/* 200 with a body on stream sid, from the server. */
static void h2_ok(struct tt_gen_pair *p, uint32_t sid, const char *body)
{
	struct tt_gen_buf f = {0};
	uint8_t st = 0x88; /* :status 200 */
	h2_frame(&f, 1, 0x04, sid, &st, 1);
	h2_frame(&f, 0, 0x01, sid, body, strlen(body));
	h2_send(p, 0, f.p, f.len);
	free(f.p);
}

/* A good exchange on a connection of its own: the next connection is unaffected. */
static void h2_good(uint64_t id, const char *path)
{
	struct tt_gen_pair p = open_pair(id);
	h2_open(&p);
	h2_get(&p, 1, path);
	h2_ok(&p, 1, "fine");
	close_pair(&p);
}

static void http2(void)
{
	/* a DATA frame longer than SETTINGS_MAX_FRAME_SIZE (16384): 1 MiB */
	struct tt_gen_pair p = open_pair(1);
	h2_open(&p);
	h2_get(&p, 1, "/oversize");
	{
		struct tt_gen_buf f = {0};
		uint8_t st = 0x88;
		static char junk[2000];
		h2_frame(&f, 1, 0x04, 1, &st, 1);
		uint8_t h[9] = {0x10, 0x00, 0x00, 0, 0x01, 0, 0, 0, 1};
		tt_gen_buf_put(&f, h, 9);
		tt_gen_buf_put(&f, junk, sizeof(junk));
		h2_send(&p, 0, f.p, f.len);
		free(f.p);
	}
	close_pair(&p);
	h2_good(2, "/after-oversize");

	/* an HPACK bomb: a 4000-byte entry, then 16000 one-byte references to it (64 MB decoded);
	 * the next request on the connection still decodes */
	p = open_pair(3);
	h2_open(&p);
	{
		struct tt_gen_buf blk = {0}, f = {0};
		static char big[4000];
		memset(big, 'v', sizeof(big));
		hp_get(&blk, "/load");
		hp_int(&blk, 6, 0x40, 0);
		hp_str(&blk, "x-big", 5);
		hp_str(&blk, big, sizeof(big));
		h2_frame(&f, 1, 0x05, 1, blk.p, blk.len);
		h2_send(&p, 1, f.p, f.len);
		h2_ok(&p, 1, "loaded");
		blk.len = f.len = 0;
		hp_get(&blk, "/bomb");
		for (int i = 0; i < 16000; i++)
			hp_int(&blk, 7, 0x80, 62);
		h2_frame(&f, 1, 0x05, 3, blk.p, blk.len);
		h2_send(&p, 1, f.p, f.len);
		h2_ok(&p, 3, "boom");
		free(blk.p);
		free(f.p);
	}
	h2_get(&p, 5, "/after-bomb");
	h2_ok(&p, 5, "still decoded");
	close_pair(&p);

	/* bad padding: pad length 200 in a 6-byte DATA payload */
	p = open_pair(4);
	h2_open(&p);
	h2_get(&p, 1, "/padding");
	{
		struct tt_gen_buf f = {0};
		uint8_t st = 0x88, pl[6] = {200, 'a', 'b', 'c', 'd', 'e'};
		h2_frame(&f, 1, 0x04, 1, &st, 1);
		h2_frame(&f, 0, 0x09, 1, pl, sizeof(pl));
		h2_send(&p, 0, f.p, f.len);
		free(f.p);
	}
	close_pair(&p);

	/* invalid stream ids: HEADERS on stream 0 (client), a request on an even stream id, DATA
	 * on stream 0 (server) */
	p = open_pair(5);
	h2_open(&p);
	h2_get(&p, 0, "/zero");
	close_pair(&p);
	p = open_pair(6);
	h2_open(&p);
	h2_get(&p, 2, "/even");
	close_pair(&p);
	p = open_pair(7);
	h2_open(&p);
	h2_get(&p, 1, "/fine");
	h2_ok(&p, 1, "ok");
	{
		struct tt_gen_buf f = {0};
		h2_frame(&f, 0, 0x01, 0, "x", 1);
		h2_send(&p, 0, f.p, f.len);
		free(f.p);
	}
	close_pair(&p);

	/* a CONTINUATION flood: a header block of 100 KB (cap 64 KiB) that never ends */
	p = open_pair(8);
	h2_open(&p);
	{
		struct tt_gen_buf f = {0}, blk = {0};
		static char v[990];
		memset(v, 'c', sizeof(v));
		hp_get(&blk, "/flood");
		h2_frame(&f, 1, 0x01, 1, blk.p, blk.len);
		for (int i = 0; i < 100; i++) {
			blk.len = 0;
			hp_lit(&blk, 58, v); /* user-agent: ccc... */
			h2_frame(&f, 9, 0, 1, blk.p, blk.len);
		}
		h2_send(&p, 1, f.p, f.len);
		free(f.p);
		free(blk.p);
	}
	close_pair(&p);
	h2_good(9, "/after-all");
}

/* 100000 requests on one connection, answered only at the end (the last ten): the open streams
 * are capped, the oldest evicted. */
static void h2_streams(void)
{
	struct tt_gen_pair p = open_pair(1);
	h2_open(&p);
	struct tt_gen_buf f = {0}, blk = {0};
	for (uint32_t i = 0; i < 100000; i++) {
		char path[32];
		snprintf(path, sizeof(path), "/s/%u", i);
		blk.len = 0;
		hp_get(&blk, path);
		h2_frame(&f, 1, 0x05, 2 * i + 1, blk.p, blk.len);
	}
	h2_send(&p, 1, f.p, f.len);
	for (uint32_t i = 99990; i < 100000; i++)
		h2_ok(&p, 2 * i + 1, "late");
	close_pair(&p);
	free(f.p);
	free(blk.p);
	h2_good(2, "/next");
}

/* Floods: an 8 MiB header block in CONTINUATION frames, 10000 SETTINGS never acknowledged,
 * 100000 PINGs, then a good connection. */
static void h2_flood(void)
{
	struct tt_gen_pair p = open_pair(1);
	h2_open(&p);
	struct tt_gen_buf f = {0}, blk = {0};
	for (int i = 0; i < 10000; i++) {
		uint8_t s[6] = {0, 1, 0, 0, 0x10, 0}; /* HEADER_TABLE_SIZE 4096 */
		h2_frame(&f, 4, 0, 0, s, sizeof(s));
	}
	for (int i = 0; i < 100000; i++)
		h2_frame(&f, 6, 0, 0, "pingpong", 8);
	hp_get(&blk, "/flood");
	h2_frame(&f, 1, 0x01, 1, blk.p, blk.len);
	static char v[16001]; /* 16000 bytes of 'f', NUL-terminated for hp_lit()'s strlen */
	memset(v, 'f', sizeof(v) - 1);
	for (int i = 0; i < 524; i++) {
		blk.len = 0;
		hp_lit(&blk, 58, v);
		h2_frame(&f, 9, 0, 1, blk.p, blk.len);
	}
	h2_send(&p, 1, f.p, f.len);
	close_pair(&p);
	free(f.p);
	free(blk.p);
	h2_good(2, "/next");
}

static const struct {
	const char *name;
	void (*fn)(void);
} scenarios[] = {
    {"smuggling", smuggling},	    {"huge-holes", huge_holes},	  {"gzip-empty", gzip_empty},
    {"header-flood", header_flood}, {"header-line", header_line}, {"pipeline", pipeline},
    {"garbage", garbage},	    {"websocket", websocket},	  {"ws-flood", ws_flood},
    {"http2", http2},		    {"h2-streams", h2_streams},	  {"h2-flood", h2_flood},
};

int main(int argc, char **argv)
{
	struct tt_file_info fi;
	void (*fn)(void) = NULL;
	if (argc != 3)
		goto usage;
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (!strcmp(argv[1], scenarios[i].name))
			fn = scenarios[i].fn;
	if (!fn)
		goto usage;
	tt_gen_file_info(&fi, "gen_hostile", argv[1]);
	gen = tt_gen_open(argv[2], &fi, NULL);
	if (!gen) {
		fprintf(stderr, "gen_hostile: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	tt_gen_process(gen, 100, 1, "curl", "/usr/bin/curl");
	tt_gen_process(gen, 200, 1, "nginx", "/usr/sbin/nginx");
	tt_gen_tick(gen, 1000);
	fn();
	tt_gen_tick(gen, 100000);
	tt_gen_end(gen, NULL);
	int rc = tt_gen_close(gen);
	if (rc < 0)
		fprintf(stderr, "gen_hostile: %s: %s\n", argv[2], strerror(-rc));
	return rc < 0 ? 1 : 0;
usage:
	fprintf(stderr, "usage: gen_hostile smuggling|huge-holes|gzip-empty|header-flood|"
			"header-line|pipeline|garbage|websocket|ws-flood|http2|h2-streams|h2-flood FILE|-\n");
	return 2;
}
