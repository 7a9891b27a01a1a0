// SPDX-License-Identifier: MIT
/*
 * gen_http - write a deterministic synthetic .tinytap recording of HTTP/1.x traffic for
 * tinytap-show's golden tests: every case the real recordings do not have (pipelining, chunked,
 * gzip, HEAD, 1xx/204/304, upgrade, mid-connection start, snaplen cuts, dropped payloads, LOSS,
 * sendfile, MSG_PEEK, unix sockets, no response, body until close, binary bodies, segmented
 * calls, non-HTTP traffic).
 *
 *   gen_http [-b BLOCK_BYTES] [-r REPEAT] FILE|-   (-r: the whole scenario REPEAT times, for
 *                                                    throughput and memory measurements) (default
 * block size 4096: many small blocks, so corrupt and truncated copies still have intact blocks)
 * Exit status: 0 ok, 1 write error, 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/lib/ttgen.h"

static struct tt_gen *gen;
static uint64_t sock_base; /* distinct socket ids per repetition (-r) */

/* Client and server on 127.0.0.1, server port 8080. */
static struct tt_gen_pair open_pair(uint64_t id, uint32_t cpid, uint32_t spid, uint16_t cport)
{
	struct tt_gen_pair p;
	tt_gen_pair_tcp(&p, sock_base + 20000 + id * 2, cpid, cport, sock_base + 20001 + id * 2,
			spid, 8080);
	tt_gen_pair_connect(gen, &p);
	return p;
}

static const uint8_t gz[] = {
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xab, 0x56, 0xca, 0x4d, 0x2d, 0x2e,
    0x4e, 0x4c, 0x4f, 0x55, 0xb2, 0x52, 0x50, 0x2a, 0xc9, 0xc8, 0x2c, 0x56, 0x48, 0xca, 0x4f, 0xa9,
    0x54, 0x28, 0x4f, 0x2c, 0x56, 0x48, 0xaf, 0xca, 0x2c, 0xd0, 0x4d, 0xce, 0xcf, 0x2d, 0x28, 0x02,
    0xaa, 0x48, 0x4d, 0x51, 0xc8, 0xcf, 0x53, 0x28, 0xc9, 0x48, 0x55, 0x28, 0xcf, 0x2c, 0x4a, 0x55,
    0xd2, 0x51, 0x50, 0xca, 0x2c, 0x49, 0xcd, 0x2d, 0x06, 0xea, 0x8a, 0x36, 0xd4, 0x51, 0x30, 0xd2,
    0x51, 0x30, 0x8e, 0xad, 0xe5, 0x02, 0x00, 0x88, 0xd2, 0x61, 0x98, 0x4d, 0x00, 0x00, 0x00,
};

static void header(void)
{
	tt_gen_clock_sync(gen, TT_GEN_WALL_NS, 20);
	tt_gen_process(gen, 100, 1, "curl", "/usr/bin/curl");
	tt_gen_process(gen, 101, 1, "python3", "/usr/bin/python3.11");
	tt_gen_process(gen, 200, 1, "nginx", "/usr/sbin/nginx");
	tt_gen_process(gen, 300, 1, "backend", "/opt/app/backend");
}

static void generate(void)
{
	tt_gen_tick(gen, 1000);

	/* 1. keep-alive: 200, POST 201, 404, 500 */
	struct tt_gen_pair a = open_pair(1, 101, 200, 40001);
	tt_gen_to_server(gen, &a,
			 "GET / HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: demo\r\n\r\n");
	tt_gen_tick(gen, 200);
	tt_gen_to_client(gen, &a,
			 "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
			 "21\r\n\r\n<p>hello, world</p>\r\n");
	tt_gen_tick(gen, 100);
	tt_gen_to_server(gen, &a,
			 "POST /api/items HTTP/1.1\r\nHost: localhost:8080\r\nContent-Type: "
			 "application/json\r\nX-Request-Id: abc-123\r\nContent-Length: "
			 "25\r\n\r\n{\"name\":\"widget\",\"qty\":3}");
	tt_gen_tick(gen, 1500);
	tt_gen_to_client(
	    gen, &a,
	    "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: "
	    "12\r\n\r\n{\"id\":42}\r\n\r\n");
	tt_gen_tick(gen, 100);
	tt_gen_to_server(gen, &a, "GET /missing HTTP/1.1\r\nHost: localhost:8080\r\n\r\n");
	tt_gen_to_client(gen, &a, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found");
	tt_gen_to_server(gen, &a,
			 "GET /api/error?code=500 HTTP/1.1\r\nHost: localhost:8080\r\n\r\n");
	tt_gen_tick(gen, 3000);
	tt_gen_to_client(gen, &a,
			 "HTTP/1.1 500 Internal Server Error\r\nContent-Type: "
			 "text/plain\r\nContent-Length: 5\r\n\r\noops\n");
	tt_gen_pair_close(gen, &a);

	/* 2. pipelining: three requests in one write, three responses in one write */
	tt_gen_tick(gen, 1000);
	struct tt_gen_pair b = open_pair(2, 101, 200, 40002);
	tt_gen_to_server(gen, &b,
			 "GET /p/1 HTTP/1.1\r\nHost: localhost\r\n\r\nGET /p/2 HTTP/1.1\r\nHost: "
			 "localhost\r\n\r\nGET /p/3 HTTP/1.1\r\nHost: localhost\r\n\r\n");
	tt_gen_tick(gen, 500);
	tt_gen_to_client(
	    gen, &b,
	    "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1HTTP/1.1 200 OK\r\nContent-Length: "
	    "2\r\n\r\n22HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n333");
	tt_gen_pair_close(gen, &b);

	/* 3. chunked across writes, then gzip */
	tt_gen_tick(gen, 1000);
	struct tt_gen_pair c = open_pair(3, 100, 200, 40003);
	tt_gen_to_server(gen, &c, "GET /chunked HTTP/1.1\r\nHost: localhost\r\n\r\n");
	tt_gen_to_client(gen, &c,
			 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: "
			 "text/plain\r\n\r\n6\r\nchunk1\r\n");
	tt_gen_tick(gen, 2000);
	tt_gen_to_client(gen, &c, "7\r\n chunk2\r\n");
	tt_gen_to_client(gen, &c, "0\r\n\r\n");
	tt_gen_to_server(gen, &c,
			 "GET /gzip HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\n\r\n");
	{
		struct tt_gen_buf rs = {0};
		tt_gen_buf_printf(&rs,
				  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
				  "Content-Encoding: gzip\r\nContent-Length: %zu\r\n\r\n",
				  sizeof(gz));
		tt_gen_buf_put(&rs, gz, sizeof(gz));
		tt_gen_send_buf(gen, &c, TT_GEN_TO_CLIENT, &rs);
		tt_gen_buf_free(&rs);
	}
	/* binary body */
	tt_gen_to_server(gen, &c, "GET /logo.png HTTP/1.1\r\nHost: localhost\r\n\r\n");
	{
		static const char h[] =
		    "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 40\r\n\r\n";
		uint8_t buf[256];
		memcpy(buf, h, sizeof(h) - 1);
		for (int i = 0; i < 40; i++)
			buf[sizeof(h) - 1 + i] = (uint8_t)(i * 37 + 0x89);
		tt_gen_send(gen, &c, TT_GEN_TO_CLIENT, buf, sizeof(h) - 1 + 40);
	}
	tt_gen_pair_close(gen, &c);

	/* 4. HEAD, 204, 304, 100-continue */
	tt_gen_tick(gen, 1000);
	struct tt_gen_pair d = open_pair(4, 100, 200, 40004);
	tt_gen_to_server(gen, &d, "HEAD /big.iso HTTP/1.1\r\nHost: localhost\r\n\r\n");
	tt_gen_to_client(gen, &d, "HTTP/1.1 200 OK\r\nContent-Length: 1234567\r\n\r\n");
	tt_gen_to_server(gen, &d, "DELETE /api/items/42 HTTP/1.1\r\nHost: localhost\r\n\r\n");
	tt_gen_to_client(gen, &d, "HTTP/1.1 204 No Content\r\n\r\n");
	tt_gen_to_server(
	    gen, &d, "GET /cached HTTP/1.1\r\nHost: localhost\r\nIf-None-Match: \"v1\"\r\n\r\n");
	tt_gen_to_client(gen, &d, "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n");
	tt_gen_to_server(gen, &d,
			 "PUT /upload HTTP/1.1\r\nHost: localhost\r\nExpect: "
			 "100-continue\r\nContent-Length: 6\r\n\r\n");
	tt_gen_to_client(gen, &d, "HTTP/1.1 100 Continue\r\n\r\n");
	tt_gen_to_server(gen, &d, "abcdef");
	tt_gen_to_client(gen, &d, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	tt_gen_pair_close(gen, &d);

	/* 5. websocket upgrade: frames after 101 are not HTTP */
	tt_gen_tick(gen, 1000);
	struct tt_gen_pair e = open_pair(5, 100, 200, 40005);
	tt_gen_to_server(gen, &e,
			 "GET /ws HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: "
			 "websocket\r\nSec-WebSocket-Version: 13\r\n\r\n");
	tt_gen_to_client(gen, &e,
			 "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: "
			 "websocket\r\n\r\n");
	tt_gen_to_server(gen, &e, "\x81\x85\x01\x02\x03\x04GET /");
	tt_gen_to_client(gen, &e, "\x81\x05HTTP/");
	tt_gen_pair_close(gen, &e);

	/* 6. recording started mid-connection: server end only, starts inside a body */
	tt_gen_tick(gen, 1000);
	struct tt_gen_pair f;
	tt_gen_pair_tcp(&f, 0, 0, 0, sock_base + 30001, 200, 8080);
	tt_gen_to_server(gen, &f, "ta\":\"tail of an earlier request body\"}");
	tt_gen_to_client(gen, &f, "ding response body\n");
	tt_gen_to_server(gen, &f, "GET /after-start HTTP/1.1\r\nHost: localhost\r\n\r\n");
	tt_gen_to_client(gen, &f, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes");
	tt_gen_pair_close(gen, &f);

	/* 7. snaplen cut inside a body, then a dropped payload, then LOSS; the next exchanges parse
	 */
	tt_gen_tick(gen, 1000);
	struct tt_gen_pair g = open_pair(7, 100, 200, 40007);
	tt_gen_to_server(gen, &g, "GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n");
	{
		static const char h[] = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
		char buf[1100];
		memset(buf, 'x', sizeof(buf));
		memcpy(buf, h, sizeof(h) - 1);
		struct tt_gen_call cut = {.flags = TT_DATA_TRUNCATED,
					  .call_bytes = sizeof(h) - 1 + 1000};
		tt_gen_send_call(gen, &g, TT_GEN_TO_CLIENT, &cut, &cut, buf, 100);
	}
	tt_gen_to_server(gen, &g, "GET /after-cut HTTP/1.1\r\nHost: localhost\r\n\r\n");
	tt_gen_to_client(gen, &g, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	tt_gen_to_server(gen, &g, "GET /dropped HTTP/1.1\r\nHost: localhost\r\n\r\n");
	tt_gen_to_client(gen, &g, "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n");
	{
		/* the server's write is lost (header only), the client's read of it is not */
		static char dots[500];
		memset(dots, '.', sizeof(dots));
		tt_gen_send_call(gen, &g, TT_GEN_TO_CLIENT,
				 &(struct tt_gen_call){.flags = TT_DATA_DROPPED}, NULL, dots,
				 sizeof(dots));
	}
	tt_gen_to_server(gen, &g, "GET /after-drop HTTP/1.1\r\nHost: localhost\r\n\r\n");
	tt_gen_to_client(gen, &g, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	tt_gen_to_server(gen, &g, "GET /lost HTTP/1.1\r\nHost: localhost\r\n\r\n");
	tt_gen_to_client(gen, &g, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234");
	tt_gen_loss(gen, 3, 4096, 1, 1);
	tt_gen_tick(gen, 10);
	tt_gen_to_client(gen, &g, "56789");
	tt_gen_to_server(gen, &g, "GET /after-loss HTTP/1.1\r\nHost: localhost\r\n\r\n");
	tt_gen_to_client(gen, &g, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	tt_gen_pair_close(gen, &g);

	/* 8. sendfile body, MSG_PEEK, a call split in segments */
	tt_gen_tick(gen, 1000);
	struct tt_gen_pair h = open_pair(8, 100, 200, 40008);
	{
		static const char rq[] = "GET /download HTTP/1.1\r\nHost: localhost\r\n\r\n";
		const struct tt_gen_call sendto = {.syscall = TT_SYS_SENDTO},
					 recv = {.syscall = TT_SYS_RECVFROM},
					 peek = {.syscall = TT_SYS_RECVFROM, .flags = TT_DATA_PEEK};
		tt_gen_data(gen, &h.client, TT_DIR_EGRESS, &sendto, rq, sizeof(rq) - 1);
		tt_gen_tick(gen, 30);
		tt_gen_data(gen, &h.server, TT_DIR_INGRESS, &peek, rq, sizeof(rq) - 1);
		tt_gen_tick(gen, 5);
		tt_gen_data(gen, &h.server, TT_DIR_INGRESS, &recv, rq, sizeof(rq) - 1);
		tt_gen_tick(gen, 40);
	}
	tt_gen_to_client(
	    gen, &h,
	    "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
	    "100000\r\n\r\n");
	{
		static char big[100000];
		memset(big, 'z', sizeof(big));
		tt_gen_data(gen, &h.server, TT_DIR_EGRESS,
			    &(struct tt_gen_call){.syscall = TT_SYS_SENDFILE,
						  .flags = TT_DATA_NO_PAYLOAD,
						  .call_bytes = sizeof(big)},
			    NULL, 0);
		tt_gen_tick(gen, 300);
		/* the client reads it with one big recv, recorded in 16 KiB segments */
		tt_gen_data(gen, &h.client, TT_DIR_INGRESS,
			    &(struct tt_gen_call){.syscall = TT_SYS_RECVFROM, .seg_max = 16384},
			    big, sizeof(big));
		tt_gen_tick(gen, 40);
	}
	tt_gen_pair_close(gen, &h);

	/* 9. unix socket (nginx -> backend), slow, and a request that never gets an answer */
	tt_gen_tick(gen, 1000);
	struct tt_gen_pair u;
	tt_gen_pair_unix(&u, sock_base + 40001, 200, sock_base + 40002, 300, "/run/backend.sock");
	/* unlike the recorder, this recording has always left these out: kept byte-identical */
	u.client.conn.unix_peer_id = u.server.conn.unix_peer_id = 0;
	u.client.data_flags = u.server.data_flags = 0;
	tt_gen_pair_connect(gen, &u);
	tt_gen_to_server(gen, &u, "GET /api/slow HTTP/1.1\r\nHost: backend\r\n\r\n");
	tt_gen_tick(gen, 1500000);
	tt_gen_to_client(gen, &u, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow");
	tt_gen_to_server(gen, &u,
			 "POST /api/hang HTTP/1.1\r\nHost: backend\r\nContent-Length: 2\r\n\r\n{}");

	/* 10. HTTP/1.0 body until close */
	tt_gen_tick(gen, 1000);
	struct tt_gen_pair v = open_pair(10, 101, 200, 40010);
	tt_gen_to_server(gen, &v, "GET /legacy HTTP/1.0\r\n\r\n");
	tt_gen_to_client(gen, &v, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil ");
	tt_gen_to_client(gen, &v, "close\n");
	tt_gen_pair_close(gen, &v);

	/* 11. not HTTP (TLS bytes): ignored */
	tt_gen_tick(gen, 1000);
	struct tt_gen_pair t = open_pair(11, 100, 200, 40443);
	tt_gen_send(gen, &t, TT_GEN_TO_SERVER, "\x16\x03\x01\x00\x2a\x01\x00\x00\x26\x03\x03", 11);
	tt_gen_send(gen, &t, TT_GEN_TO_CLIENT, "\x16\x03\x03\x00\x31\x02\x00\x00\x2d\x03\x03", 11);
	tt_gen_pair_close(gen, &t);
}

static void finish(void)
{
	tt_gen_tick(gen, 100000);
	tt_gen_end(gen, &(struct tt_rec_stats){.lost_events = 3, .lost_bytes = 4096});
}

int main(int argc, char **argv)
{
	struct tt_writer_opts wo = {.block_bytes = 4096};
	struct tt_file_info fi;
	int opt;
	unsigned long repeat = 1;
	while ((opt = getopt(argc, argv, "b:r:")) != -1) {
		if (opt == 'b')
			wo.block_bytes = (uint32_t)strtoul(optarg, NULL, 0);
		else if (opt == 'r')
			repeat = strtoul(optarg, NULL, 0);
		else
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;
	tt_gen_file_info(&fi, "gen_http", "synthetic");
	gen = tt_gen_open(argv[optind], &fi, &wo);
	if (!gen) {
		fprintf(stderr, "gen_http: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	header();
	for (unsigned long i = 0; i < repeat && !tt_gen_error(gen); i++) {
		sock_base = i * 100000;
		generate();
	}
	finish();
	int rc = tt_gen_close(gen);
	if (rc < 0)
		fprintf(stderr, "gen_http: %s: %s\n", argv[optind], strerror(-rc));
	return rc < 0 ? 1 : 0;
usage:
	fprintf(stderr, "usage: gen_http [-b BLOCK_BYTES] [-r REPEAT] FILE|-\n");
	return 2;
}
