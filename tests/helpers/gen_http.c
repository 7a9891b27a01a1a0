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
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/writer.h"

static struct tt_writer *w;
static uint64_t now = 1000000000000ull; /* boot ns */
static int failed;
static uint64_t sock_base; /* distinct socket ids per repetition (-r) */

static void add(uint32_t type, const void *body, uint32_t len, const void *pl, uint32_t pl_len)
{
	int rc = tt_writer_add(w, type, body, len, pl, pl_len);
	if (rc < 0 && !failed) {
		fprintf(stderr, "gen_http: %s\n", strerror(-rc));
		failed = 1;
	}
}

static void tick(uint64_t us)
{
	now += us * 1000;
}

static void proc(uint32_t pid, uint32_t ppid, const char *comm, const char *exe)
{
	struct tt_rec_process p = {.ts_ns = now, .pid = pid, .ppid = ppid, .origin = TT_PROC_SCAN};
	snprintf(p.comm, sizeof(p.comm), "%s", comm);
	snprintf(p.exe, sizeof(p.exe), "%s", exe);
	add(TT_REC_PROCESS, &p, sizeof(p), NULL, 0);
}

struct pair {
	uint64_t csock, ssock; /* client and server socket inodes (0: that end not recorded) */
	uint32_t cpid, spid;
	uint16_t cport, sport;
};

static void conn(uint64_t sock, uint32_t pid, int role, int origin, uint16_t lport, uint16_t rport,
		 const char *unix_path)
{
	struct tt_rec_conn c = {.ts_ns = now,
				.sock_id = sock,
				.pid = pid,
				.tid = pid,
				.fd = 5,
				.sock_type = 1,
				.role = (uint8_t)role,
				.origin = (uint8_t)origin,
				.protocol = unix_path ? 0 : 6};
	if (unix_path) {
		c.local.family = c.remote.family = TT_AF_UNIX;
		snprintf(c.unix_path, sizeof(c.unix_path), "%s", unix_path);
	} else {
		c.local.family = c.remote.family = TT_AF_INET;
		c.local.port = lport;
		c.remote.port = rport;
		uint8_t lo[4] = {127, 0, 0, 1};
		memcpy(c.local.addr, lo, 4);
		memcpy(c.remote.addr, lo, 4);
	}
	add(TT_REC_CONN, &c, sizeof(c), NULL, 0);
	tick(5);
}

static struct pair open_pair(uint64_t id, uint32_t cpid, uint32_t spid, uint16_t cport)
{
	struct pair p = {.csock = sock_base + 20000 + id * 2,
			 .ssock = sock_base + 20001 + id * 2,
			 .cpid = cpid,
			 .spid = spid,
			 .cport = cport,
			 .sport = 8080};
	conn(p.csock, cpid, TT_ROLE_CLIENT, TT_ORIGIN_CONNECT, cport, 8080, NULL);
	conn(p.ssock, spid, TT_ROLE_SERVER, TT_ORIGIN_ACCEPT, 8080, cport, NULL);
	return p;
}

static void data(uint64_t sock, uint32_t pid, int dir, int sys, uint16_t flags, uint64_t call_bytes,
		 uint64_t seg_off, const void *pl, uint32_t cap)
{
	struct tt_rec_data d = {.ts_ns = now,
				.ts_enter_ns = now - 2000,
				.sock_id = sock,
				.pid = pid,
				.tid = pid,
				.fd = 5,
				.dir = (uint8_t)dir,
				.syscall = (uint8_t)sys,
				.flags = flags,
				.call_bytes = call_bytes,
				.seg_off = seg_off,
				.cap_len = cap};
	add(TT_REC_DATA, &d, sizeof(d), pl, cap);
}

/* One write by one end and the matching read by the other (when recorded). */
static void send_bytes(const struct pair *p, int from_client, const void *b, size_t n)
{
	uint64_t ws = from_client ? p->csock : p->ssock, rs = from_client ? p->ssock : p->csock;
	uint32_t wp = from_client ? p->cpid : p->spid, rp = from_client ? p->spid : p->cpid;
	if (ws)
		data(ws, wp, TT_DIR_EGRESS, TT_SYS_WRITE, 0, n, 0, b, (uint32_t)n);
	tick(30);
	if (rs)
		data(rs, rp, TT_DIR_INGRESS, TT_SYS_READ, 0, n, 0, b, (uint32_t)n);
	tick(40);
}

static void send_str(const struct pair *p, int from_client, const char *s)
{
	send_bytes(p, from_client, s, strlen(s));
}

static void close_pair(const struct pair *p)
{
	struct tt_rec_close c = {
	    .ts_ns = now, .sock_id = p->csock, .pid = p->cpid, .tid = p->cpid, .fd = 5};
	if (p->csock)
		add(TT_REC_CLOSE, &c, sizeof(c), NULL, 0);
	tick(10);
	c.ts_ns = now;
	c.sock_id = p->ssock;
	c.pid = c.tid = p->spid;
	if (p->ssock)
		add(TT_REC_CLOSE, &c, sizeof(c), NULL, 0);
	tick(10);
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
	struct tt_rec_clock_sync cs = {.boot_ns = now,
				       .realtime_ns = 1795564800000000000ll + 36000000000000ll,
				       .error_ns = 20};
	/* 2026-11-25T10:00:00Z at boot 1000 s */
	add(TT_REC_CLOCK_SYNC, &cs, sizeof(cs), NULL, 0);
	proc(100, 1, "curl", "/usr/bin/curl");
	proc(101, 1, "python3", "/usr/bin/python3.11");
	proc(200, 1, "nginx", "/usr/sbin/nginx");
	proc(300, 1, "backend", "/opt/app/backend");
}

static void generate(void)
{
	tick(1000);

	/* 1. keep-alive: 200, POST 201, 404, 500 */
	struct pair a = open_pair(1, 101, 200, 40001);
	send_str(&a, 1, "GET / HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: demo\r\n\r\n");
	tick(200);
	send_str(&a, 0,
		 "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
		 "21\r\n\r\n<p>hello, world</p>\r\n");
	tick(100);
	send_str(&a, 1,
		 "POST /api/items HTTP/1.1\r\nHost: localhost:8080\r\nContent-Type: "
		 "application/json\r\nX-Request-Id: abc-123\r\nContent-Length: "
		 "25\r\n\r\n{\"name\":\"widget\",\"qty\":3}");
	tick(1500);
	send_str(&a, 0,
		 "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: "
		 "12\r\n\r\n{\"id\":42}\r\n\r\n");
	tick(100);
	send_str(&a, 1, "GET /missing HTTP/1.1\r\nHost: localhost:8080\r\n\r\n");
	send_str(&a, 0, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found");
	send_str(&a, 1, "GET /api/error?code=500 HTTP/1.1\r\nHost: localhost:8080\r\n\r\n");
	tick(3000);
	send_str(&a, 0,
		 "HTTP/1.1 500 Internal Server Error\r\nContent-Type: "
		 "text/plain\r\nContent-Length: 5\r\n\r\noops\n");
	close_pair(&a);

	/* 2. pipelining: three requests in one write, three responses in one write */
	tick(1000);
	struct pair b = open_pair(2, 101, 200, 40002);
	send_str(&b, 1,
		 "GET /p/1 HTTP/1.1\r\nHost: localhost\r\n\r\nGET /p/2 HTTP/1.1\r\nHost: "
		 "localhost\r\n\r\nGET /p/3 HTTP/1.1\r\nHost: localhost\r\n\r\n");
	tick(500);
	send_str(&b, 0,
		 "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1HTTP/1.1 200 OK\r\nContent-Length: "
		 "2\r\n\r\n22HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n333");
	close_pair(&b);

	/* 3. chunked across writes, then gzip */
	tick(1000);
	struct pair c = open_pair(3, 100, 200, 40003);
	send_str(&c, 1, "GET /chunked HTTP/1.1\r\nHost: localhost\r\n\r\n");
	send_str(&c, 0,
		 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: "
		 "text/plain\r\n\r\n6\r\nchunk1\r\n");
	tick(2000);
	send_str(&c, 0, "7\r\n chunk2\r\n");
	send_str(&c, 0, "0\r\n\r\n");
	send_str(&c, 1, "GET /gzip HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\n\r\n");
	{
		char h[256];
		int n = snprintf(
		    h, sizeof(h),
		    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: "
		    "gzip\r\nContent-Length: %zu\r\n\r\n",
		    sizeof(gz));
		uint8_t buf[512];
		memcpy(buf, h, (size_t)n);
		memcpy(buf + n, gz, sizeof(gz));
		send_bytes(&c, 0, buf, (size_t)n + sizeof(gz));
	}
	/* binary body */
	send_str(&c, 1, "GET /logo.png HTTP/1.1\r\nHost: localhost\r\n\r\n");
	{
		static const char h[] =
		    "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 40\r\n\r\n";
		uint8_t buf[256];
		memcpy(buf, h, sizeof(h) - 1);
		for (int i = 0; i < 40; i++)
			buf[sizeof(h) - 1 + i] = (uint8_t)(i * 37 + 0x89);
		send_bytes(&c, 0, buf, sizeof(h) - 1 + 40);
	}
	close_pair(&c);

	/* 4. HEAD, 204, 304, 100-continue */
	tick(1000);
	struct pair d = open_pair(4, 100, 200, 40004);
	send_str(&d, 1, "HEAD /big.iso HTTP/1.1\r\nHost: localhost\r\n\r\n");
	send_str(&d, 0, "HTTP/1.1 200 OK\r\nContent-Length: 1234567\r\n\r\n");
	send_str(&d, 1, "DELETE /api/items/42 HTTP/1.1\r\nHost: localhost\r\n\r\n");
	send_str(&d, 0, "HTTP/1.1 204 No Content\r\n\r\n");
	send_str(&d, 1, "GET /cached HTTP/1.1\r\nHost: localhost\r\nIf-None-Match: \"v1\"\r\n\r\n");
	send_str(&d, 0, "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n");
	send_str(&d, 1,
		 "PUT /upload HTTP/1.1\r\nHost: localhost\r\nExpect: "
		 "100-continue\r\nContent-Length: 6\r\n\r\n");
	send_str(&d, 0, "HTTP/1.1 100 Continue\r\n\r\n");
	send_str(&d, 1, "abcdef");
	send_str(&d, 0, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	close_pair(&d);

	/* 5. websocket upgrade: frames after 101 are not HTTP */
	tick(1000);
	struct pair e = open_pair(5, 100, 200, 40005);
	send_str(&e, 1,
		 "GET /ws HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: "
		 "websocket\r\nSec-WebSocket-Version: 13\r\n\r\n");
	send_str(&e, 0,
		 "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: "
		 "websocket\r\n\r\n");
	send_str(&e, 1, "\x81\x85\x01\x02\x03\x04GET /");
	send_str(&e, 0, "\x81\x05HTTP/");
	close_pair(&e);

	/* 6. recording started mid-connection: server end only, starts inside a body */
	tick(1000);
	struct pair f = {.ssock = sock_base + 30001, .spid = 200};
	send_str(&f, 1, "ta\":\"tail of an earlier request body\"}");
	send_str(&f, 0, "ding response body\n");
	send_str(&f, 1, "GET /after-start HTTP/1.1\r\nHost: localhost\r\n\r\n");
	send_str(&f, 0, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes");
	close_pair(&f);

	/* 7. snaplen cut inside a body, then a dropped payload, then LOSS; the next exchanges parse
	 */
	tick(1000);
	struct pair g = open_pair(7, 100, 200, 40007);
	send_str(&g, 1, "GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n");
	{
		static const char h[] = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
		char buf[1100];
		memset(buf, 'x', sizeof(buf));
		memcpy(buf, h, sizeof(h) - 1);
		size_t total = sizeof(h) - 1 + 1000;
		data(g.ssock, 200, TT_DIR_EGRESS, TT_SYS_WRITE, TT_DATA_TRUNCATED, total, 0, buf,
		     100);
		tick(30);
		data(g.csock, 100, TT_DIR_INGRESS, TT_SYS_READ, TT_DATA_TRUNCATED, total, 0, buf,
		     100);
		tick(40);
	}
	send_str(&g, 1, "GET /after-cut HTTP/1.1\r\nHost: localhost\r\n\r\n");
	send_str(&g, 0, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	send_str(&g, 1, "GET /dropped HTTP/1.1\r\nHost: localhost\r\n\r\n");
	send_str(&g, 0, "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n");
	data(g.ssock, 200, TT_DIR_EGRESS, TT_SYS_WRITE, TT_DATA_DROPPED, 500, 0, NULL, 0);
	tick(30);
	data(g.csock, 100, TT_DIR_INGRESS, TT_SYS_READ, 0, 500, 0,
	     "................................................................................"
	     "................................................................................"
	     "................................................................................"
	     "................................................................................"
	     "................................................................................"
	     "................................................................................"
	     "....................",
	     500);
	tick(40);
	send_str(&g, 1, "GET /after-drop HTTP/1.1\r\nHost: localhost\r\n\r\n");
	send_str(&g, 0, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	send_str(&g, 1, "GET /lost HTTP/1.1\r\nHost: localhost\r\n\r\n");
	send_str(&g, 0, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234");
	{
		struct tt_rec_loss l = {
		    .ts_ns = now, .events = 3, .bytes = 4096, .cpu = 1, .reason = 1};
		add(TT_REC_LOSS, &l, sizeof(l), NULL, 0);
		tick(10);
	}
	send_str(&g, 0, "56789");
	send_str(&g, 1, "GET /after-loss HTTP/1.1\r\nHost: localhost\r\n\r\n");
	send_str(&g, 0, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	close_pair(&g);

	/* 8. sendfile body, MSG_PEEK, a call split in segments */
	tick(1000);
	struct pair h = open_pair(8, 100, 200, 40008);
	{
		static const char rq[] = "GET /download HTTP/1.1\r\nHost: localhost\r\n\r\n";
		data(h.csock, 100, TT_DIR_EGRESS, TT_SYS_SENDTO, 0, sizeof(rq) - 1, 0, rq,
		     sizeof(rq) - 1);
		tick(30);
		data(h.ssock, 200, TT_DIR_INGRESS, TT_SYS_RECVFROM, TT_DATA_PEEK, sizeof(rq) - 1, 0,
		     rq, sizeof(rq) - 1);
		tick(5);
		data(h.ssock, 200, TT_DIR_INGRESS, TT_SYS_RECVFROM, 0, sizeof(rq) - 1, 0, rq,
		     sizeof(rq) - 1);
		tick(40);
	}
	send_str(&h, 0,
		 "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
		 "100000\r\n\r\n");
	data(h.ssock, 200, TT_DIR_EGRESS, TT_SYS_SENDFILE, TT_DATA_NO_PAYLOAD, 100000, 0, NULL, 0);
	tick(300);
	{
		/* the client reads it with one big recv, recorded in 16 KiB segments */
		static char big[100000];
		memset(big, 'z', sizeof(big));
		for (uint64_t off = 0; off < sizeof(big); off += 16384) {
			uint32_t n =
			    sizeof(big) - off < 16384 ? (uint32_t)(sizeof(big) - off) : 16384;
			data(h.csock, 100, TT_DIR_INGRESS, TT_SYS_RECVFROM, 0, sizeof(big), off,
			     big + off, n);
		}
		tick(40);
	}
	close_pair(&h);

	/* 9. unix socket (nginx -> backend), slow, and a request that never gets an answer */
	tick(1000);
	struct pair u = {
	    .csock = sock_base + 40001, .ssock = sock_base + 40002, .cpid = 200, .spid = 300};
	conn(u.csock, 200, TT_ROLE_CLIENT, TT_ORIGIN_CONNECT, 0, 0, "/run/backend.sock");
	conn(u.ssock, 300, TT_ROLE_SERVER, TT_ORIGIN_ACCEPT, 0, 0, "/run/backend.sock");
	send_str(&u, 1, "GET /api/slow HTTP/1.1\r\nHost: backend\r\n\r\n");
	tick(1500000);
	send_str(&u, 0, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow");
	send_str(&u, 1, "POST /api/hang HTTP/1.1\r\nHost: backend\r\nContent-Length: 2\r\n\r\n{}");

	/* 10. HTTP/1.0 body until close */
	tick(1000);
	struct pair v = open_pair(10, 101, 200, 40010);
	send_str(&v, 1, "GET /legacy HTTP/1.0\r\n\r\n");
	send_str(&v, 0, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil ");
	send_str(&v, 0, "close\n");
	close_pair(&v);

	/* 11. not HTTP (TLS bytes): ignored */
	tick(1000);
	struct pair t = open_pair(11, 100, 200, 40443);
	send_bytes(&t, 1, "\x16\x03\x01\x00\x2a\x01\x00\x00\x26\x03\x03", 11);
	send_bytes(&t, 0, "\x16\x03\x03\x00\x31\x02\x00\x00\x2d\x03\x03", 11);
	close_pair(&t);
}

static void finish(void)
{
	tick(100000);
	struct tt_rec_stats end = {.ts_ns = now, .lost_events = 3, .lost_bytes = 4096};
	add(TT_REC_END, &end, sizeof(end), NULL, 0);
}

int main(int argc, char **argv)
{
	struct tt_writer_opts wo = {.block_bytes = 4096};
	struct tt_file_info fi = {0};
	int opt, fd;
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
	fd = strcmp(argv[optind], "-")
		 ? open(argv[optind], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)
		 : 1;
	if (fd < 0) {
		fprintf(stderr, "gen_http: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	snprintf(fi.hostname, sizeof(fi.hostname), "testhost");
	snprintf(fi.kernel, sizeof(fi.kernel), "6.1.0-test");
	snprintf(fi.recorder, sizeof(fi.recorder), "gen_http");
	snprintf(fi.options, sizeof(fi.options), "synthetic");
	fi.snaplen = 65536;
	fi.start_boot_ns = now;
	fi.start_wall_ns = 1795564800000000000ll + 36000000000000ll;
	w = tt_writer_open(fd, &fi, &wo);
	if (!w) {
		fprintf(stderr, "gen_http: %s\n", strerror(errno));
		return 1;
	}
	header();
	for (unsigned long i = 0; i < repeat && !failed; i++) {
		sock_base = i * 100000;
		generate();
	}
	finish();
	int rc = tt_writer_close(w);
	if (rc < 0 && !failed)
		fprintf(stderr, "gen_http: %s\n", strerror(-rc));
	if (fd != 1)
		close(fd);
	return (rc < 0 || failed) ? 1 : 0;
usage:
	fprintf(stderr, "usage: gen_http [-b BLOCK_BYTES] [-r REPEAT] FILE|-\n");
	return 2;
}
