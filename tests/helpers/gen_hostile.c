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

static void add(uint32_t type, const void *body, uint32_t len, const void *pl, uint32_t pl_len)
{
	int rc = tt_writer_add(w, type, body, len, pl, pl_len);
	if (rc < 0 && !failed) {
		fprintf(stderr, "gen_hostile: %s\n", strerror(-rc));
		failed = 1;
	}
}

static void tick(uint64_t us)
{
	now += us * 1000;
}

static void proc(uint32_t pid, const char *comm, const char *exe)
{
	struct tt_rec_process p = {.ts_ns = now, .pid = pid, .ppid = 1, .origin = TT_PROC_SCAN};
	snprintf(p.comm, sizeof(p.comm), "%s", comm);
	snprintf(p.exe, sizeof(p.exe), "%s", exe);
	add(TT_REC_PROCESS, &p, sizeof(p), NULL, 0);
}

struct pair {
	uint64_t csock, ssock;
	uint32_t cpid, spid;
};

static void conn(uint64_t sock, uint32_t pid, int role, uint16_t lport, uint16_t rport)
{
	struct tt_rec_conn c = {.ts_ns = now,
				.sock_id = sock,
				.pid = pid,
				.tid = pid,
				.fd = 5,
				.sock_type = 1,
				.role = (uint8_t)role,
				.origin = role == TT_ROLE_CLIENT ? TT_ORIGIN_CONNECT : TT_ORIGIN_ACCEPT,
				.protocol = 6};
	static const uint8_t lo[4] = {127, 0, 0, 1};
	c.local.family = c.remote.family = TT_AF_INET;
	c.local.port = lport;
	c.remote.port = rport;
	memcpy(c.local.addr, lo, 4);
	memcpy(c.remote.addr, lo, 4);
	add(TT_REC_CONN, &c, sizeof(c), NULL, 0);
	tick(5);
}

/* Client pid 100 (curl) on port 41000+id, server pid 200 (nginx) on port 80. */
static struct pair open_pair(uint64_t id)
{
	struct pair p = {.csock = 50000 + id * 2, .ssock = 50001 + id * 2, .cpid = 100, .spid = 200};
	uint16_t cport = (uint16_t)(41000 + id);
	conn(p.csock, p.cpid, TT_ROLE_CLIENT, cport, 80);
	conn(p.ssock, p.spid, TT_ROLE_SERVER, 80, cport);
	return p;
}

static void data(uint64_t sock, uint32_t pid, int dir, int sys, uint16_t flags, uint64_t call_bytes,
		 const void *pl, uint32_t cap)
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
				.cap_len = cap};
	add(TT_REC_DATA, &d, sizeof(d), pl, cap);
}

/* One write by one end and the matching read by the other, in calls of at most 64 KiB. */
static void send_bytes(const struct pair *p, int from_client, const void *b, size_t n)
{
	uint64_t ws = from_client ? p->csock : p->ssock, rs = from_client ? p->ssock : p->csock;
	uint32_t wp = from_client ? p->cpid : p->spid, rp = from_client ? p->spid : p->cpid;
	for (size_t off = 0; off < n;) {
		uint32_t k = n - off < 65536 ? (uint32_t)(n - off) : 65536;
		data(ws, wp, TT_DIR_EGRESS, TT_SYS_WRITE, 0, k, (const uint8_t *)b + off, k);
		tick(30);
		data(rs, rp, TT_DIR_INGRESS, TT_SYS_READ, 0, k, (const uint8_t *)b + off, k);
		tick(40);
		off += k;
	}
}

static void send_str(const struct pair *p, int from_client, const char *s)
{
	send_bytes(p, from_client, s, strlen(s));
}

static void close_pair(const struct pair *p)
{
	struct tt_rec_close c = {
	    .ts_ns = now, .sock_id = p->csock, .pid = p->cpid, .tid = p->cpid, .fd = 5};
	add(TT_REC_CLOSE, &c, sizeof(c), NULL, 0);
	tick(10);
	c.ts_ns = now;
	c.sock_id = p->ssock;
	c.pid = c.tid = p->spid;
	add(TT_REC_CLOSE, &c, sizeof(c), NULL, 0);
	tick(1000);
}

static const char ok_get[] = "GET /next HTTP/1.1\r\nHost: shop\r\n\r\n";
static const char ok_resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext";

/* A request and its response(s), then a well-formed exchange on the same connection. */
static void exchange(uint64_t id, const char *req, const char *resp)
{
	struct pair p = open_pair(id);
	send_str(&p, 1, req);
	tick(200);
	send_str(&p, 0, resp);
	tick(100);
	send_str(&p, 1, ok_get);
	send_str(&p, 0, ok_resp);
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
		struct pair p = open_pair(5);
		send_bytes(&p, 1, req, sizeof(req) - 1);
		send_str(&p, 0, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
		send_str(&p, 1, ok_get);
		send_str(&p, 0, ok_resp);
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
	struct pair p = open_pair(1);
	send_str(&p, 1, "GET /huge.iso HTTP/1.1\r\nHost: shop\r\n\r\n");
	send_str(&p, 0, "HTTP/1.1 200 OK\r\nContent-Length: 4611686018427387904\r\n\r\n");
	data(p.ssock, p.spid, TT_DIR_EGRESS, TT_SYS_SENDFILE, TT_DATA_NO_PAYLOAD, huge, NULL, 0);
	tick(30);
	data(p.csock, p.cpid, TT_DIR_INGRESS, TT_SYS_READ, TT_DATA_DROPPED, huge, NULL, 0);
	tick(40);
	send_str(&p, 1, ok_get);
	send_str(&p, 0, ok_resp);
	close_pair(&p);

	struct pair q = open_pair(2);
	send_str(&q, 1, "GET /stream HTTP/1.0\r\nHost: shop\r\n\r\n");
	send_str(&q, 0, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nstart ");
	data(q.ssock, q.spid, TT_DIR_EGRESS, TT_SYS_WRITE, TT_DATA_DROPPED, huge, NULL, 0);
	tick(30);
	data(q.csock, q.cpid, TT_DIR_INGRESS, TT_SYS_READ, TT_DATA_DROPPED, huge, NULL, 0);
	tick(40);
	send_str(&q, 0, " end\n");
	close_pair(&q);
}

static void gzip_empty(void)
{
	/* a gzip header and an empty deflate block, no trailer: decodes to zero bytes */
	static const uint8_t gz[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00,
				     0x00, 0x00, 0x03, 0x03, 0x00};
	char h[160];
	int n = snprintf(h, sizeof(h),
			 "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: "
			 "gzip\r\nContent-Length: %zu\r\n\r\n",
			 sizeof(gz));
	uint8_t buf[256];
	memcpy(buf, h, (size_t)n);
	memcpy(buf + n, gz, sizeof(gz));
	struct pair p = open_pair(1);
	send_str(&p, 1, "GET /empty.gz HTTP/1.1\r\nHost: shop\r\nAccept-Encoding: gzip\r\n\r\n");
	send_bytes(&p, 0, buf, (size_t)n + sizeof(gz));
	close_pair(&p);
}

/* A growable byte buffer for the big scenarios. */
struct buf {
	char *p;
	size_t n, cap;
};

static void bput(struct buf *b, const void *s, size_t n)
{
	if (b->n + n > b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 65536;
		while (nc < b->n + n)
			nc *= 2;
		char *q = realloc(b->p, nc);
		if (!q) {
			fprintf(stderr, "gen_hostile: out of memory\n");
			exit(1);
		}
		b->p = q;
		b->cap = nc;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void bprintf(struct buf *b, const char *fmt, unsigned long v)
{
	char t[128];
	int n = snprintf(t, sizeof(t), fmt, v, v);
	bput(b, t, (size_t)n);
}

static void header_flood(void)
{
	struct buf rq = {0}, rs = {0};
	bprintf(&rq, "GET /flood HTTP/1.1\r\nHost: shop\r\n", 0);
	bprintf(&rs, "HTTP/1.1 200 OK\r\n", 0);
	for (unsigned long i = 0; i < 10000; i++) {
		bprintf(&rq, "X-Flood-%lu: value %lu\r\n", i);
		bprintf(&rs, "Set-Cookie: c%lu=%lu\r\n", i);
	}
	bprintf(&rq, "\r\n", 0);
	bprintf(&rs, "Content-Length: 2\r\n\r\nok", 0);
	struct pair p = open_pair(1);
	send_bytes(&p, 1, rq.p, rq.n);
	send_bytes(&p, 0, rs.p, rs.n);
	send_str(&p, 1, ok_get);
	send_str(&p, 0, ok_resp);
	close_pair(&p);
	free(rq.p);
	free(rs.p);
}

static void header_line(void)
{
	struct buf rq = {0}, rs = {0}, big = {0};
	static char a[1 << 20];
	memset(a, 'a', sizeof(a));
	bprintf(&rq, "GET /big-header HTTP/1.1\r\nHost: shop\r\nX-Big: ", 0);
	bput(&rq, a, sizeof(a));
	bprintf(&rq, "\r\n\r\n", 0);
	bprintf(&rs, "HTTP/1.1 200 OK\r\nSet-Cookie: ", 0);
	bput(&rs, a, sizeof(a));
	bprintf(&rs, "\r\nContent-Length: 2\r\n\r\nok", 0);
	bprintf(&big, "GET /", 0);
	bput(&big, a, sizeof(a));
	bprintf(&big, " HTTP/1.1\r\nHost: shop\r\n\r\n", 0);
	struct pair p = open_pair(1);
	send_bytes(&p, 1, rq.p, rq.n);
	send_bytes(&p, 0, rs.p, rs.n);
	send_bytes(&p, 1, big.p, big.n);
	send_str(&p, 0, "HTTP/1.1 414 URI Too Long\r\nContent-Length: 0\r\n\r\n");
	send_str(&p, 1, ok_get);
	send_str(&p, 0, ok_resp);
	close_pair(&p);
	free(rq.p);
	free(rs.p);
	free(big.p);
}

static void pipeline(void)
{
	struct buf rq = {0}, rs = {0};
	for (unsigned long i = 0; i < 100000; i++) {
		bprintf(&rq, "GET /r/%lu HTTP/1.1\r\nHost: shop\r\nX-N: %lu\r\n\r\n", i);
		char body[32];
		int n = snprintf(body, sizeof(body), "%lu", i);
		bprintf(&rs, "HTTP/1.1 200 OK\r\nContent-Length: %lu\r\n\r\n", (unsigned long)n);
		bput(&rs, body, (size_t)n);
	}
	struct pair p = open_pair(1);
	send_bytes(&p, 1, rq.p, rq.n);
	tick(1000);
	send_bytes(&p, 0, rs.p, rs.n);
	close_pair(&p);
	free(rq.p);
	free(rs.p);
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
	struct pair p = open_pair(1); /* nothing but garbage */
	send_bytes(&p, 1, g, n / 2);
	send_bytes(&p, 0, g + n / 2, n / 2);
	close_pair(&p);
	struct pair q = open_pair(2); /* HTTP first, then garbage both ways */
	send_str(&q, 1, "POST /upload HTTP/1.1\r\nHost: shop\r\nContent-Length: 10\r\n\r\n0123456789");
	send_str(&q, 0, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
	send_bytes(&q, 1, g, n);
	send_bytes(&q, 0, g + 1, n - 1);
	close_pair(&q);
	struct pair r = open_pair(3); /* starts like HTTP, goes on as garbage */
	send_str(&r, 1, "GET / HTTP/1.1\r\n");
	send_bytes(&r, 1, g, n / 4);
	send_str(&r, 0, "HTTP/1.1 200 OK\r\n");
	send_bytes(&r, 0, g + 7, n / 4);
	close_pair(&r);
	free(g);
}

static const struct {
	const char *name;
	void (*fn)(void);
} scenarios[] = {
    {"smuggling", smuggling},	    {"huge-holes", huge_holes},	  {"gzip-empty", gzip_empty},
    {"header-flood", header_flood}, {"header-line", header_line}, {"pipeline", pipeline},
    {"garbage", garbage},
};

int main(int argc, char **argv)
{
	struct tt_file_info fi = {0};
	void (*fn)(void) = NULL;
	if (argc != 3)
		goto usage;
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (!strcmp(argv[1], scenarios[i].name))
			fn = scenarios[i].fn;
	if (!fn)
		goto usage;
	int fd = strcmp(argv[2], "-") ? open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)
				       : 1;
	if (fd < 0) {
		fprintf(stderr, "gen_hostile: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	snprintf(fi.hostname, sizeof(fi.hostname), "testhost");
	snprintf(fi.kernel, sizeof(fi.kernel), "6.1.0-test");
	snprintf(fi.recorder, sizeof(fi.recorder), "gen_hostile");
	snprintf(fi.options, sizeof(fi.options), "%s", argv[1]);
	fi.snaplen = 65536;
	fi.start_boot_ns = now;
	fi.start_wall_ns = 1795564800000000000ll + 36000000000000ll; /* 2026-11-25T10:00:00Z */
	w = tt_writer_open(fd, &fi, NULL);
	if (!w) {
		fprintf(stderr, "gen_hostile: %s\n", strerror(errno));
		return 1;
	}
	proc(100, "curl", "/usr/bin/curl");
	proc(200, "nginx", "/usr/sbin/nginx");
	tick(1000);
	fn();
	tick(100000);
	struct tt_rec_stats end = {.ts_ns = now};
	add(TT_REC_END, &end, sizeof(end), NULL, 0);
	int rc = tt_writer_close(w);
	if (rc < 0 && !failed)
		fprintf(stderr, "gen_hostile: %s\n", strerror(-rc));
	if (fd != 1)
		close(fd);
	return (rc < 0 || failed) ? 1 : 0;
usage:
	fprintf(stderr, "usage: gen_hostile smuggling|huge-holes|gzip-empty|header-flood|"
			"header-line|pipeline|garbage FILE|-\n");
	return 2;
}
