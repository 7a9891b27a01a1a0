// SPDX-License-Identifier: MIT
/*
 * gen_pg - write deterministic .tinytap recordings of hostile PostgreSQL traffic (both ends of
 * every connection recorded), for the golden cases of testdata/manifest.
 *
 *   gen_pg SCENARIO FILE|-
 *
 * Scenarios:
 *   hostile  one connection each: an unsupported protocol version, a Query declaring 2 GiB, a
 *            Query declaring almost 1 GiB cut by the close, 200000 DataRows in one answer, a
 *            1 MiB query, a length below 4 and an unknown type from the server, garbage
 *            answering an SSLRequest, garbage before the first message of a connection recorded
 *            mid-way, a Bind of 5000 parameters; every one followed by a good exchange where the
 *            connection goes on (small: committed as testdata/hostile-postgresql.tinytap)
 *   floods   1100 statements prepared in one batch (the statement table keeps 1024: an Execute
 *            of the last is unknown, of the first known), and 6000 Parse/Bind/Execute pipelined
 *            before their answers (16384 answers are awaited at most: past that what is awaited
 *            is given up on, and the answers that follow are shown without a request until a
 *            ReadyForQuery; committed as testdata/hostile-postgresql-floods.tinytap, shown
 *            through filters)
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
		fprintf(stderr, "gen_pg: %s\n", strerror(-rc));
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
				.origin =
				    role == TT_ROLE_CLIENT ? TT_ORIGIN_CONNECT : TT_ORIGIN_ACCEPT,
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

/* Client pid 300 (app) on port 42000+id, server pid 400+id (postgres) on port 55432. */
static struct pair open_pair(uint64_t id)
{
	struct pair p = {.csock = 60000 + id * 2,
			 .ssock = 60001 + id * 2,
			 .cpid = 300,
			 .spid = 400 + (uint32_t)id};
	uint16_t cport = (uint16_t)(42000 + id);
	proc(p.spid, "postgres", "/usr/lib/postgresql/15/bin/postgres");
	conn(p.csock, p.cpid, TT_ROLE_CLIENT, cport, 55432);
	conn(p.ssock, p.spid, TT_ROLE_SERVER, 55432, cport);
	return p;
}

static void data(uint64_t sock, uint32_t pid, int dir, uint64_t call_bytes, const void *pl,
		 uint32_t cap)
{
	struct tt_rec_data d = {.ts_ns = now,
				.ts_enter_ns = now - 2000,
				.sock_id = sock,
				.pid = pid,
				.tid = pid,
				.fd = 5,
				.dir = (uint8_t)dir,
				.syscall = dir == TT_DIR_EGRESS ? TT_SYS_WRITE : TT_SYS_READ,
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
		data(ws, wp, TT_DIR_EGRESS, k, (const uint8_t *)b + off, k);
		tick(30);
		data(rs, rp, TT_DIR_INGRESS, k, (const uint8_t *)b + off, k);
		tick(40);
		off += k;
	}
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

/* --- messages -------------------------------------------------------------------------- */

struct buf {
	uint8_t *p;
	size_t n, cap;
};

static void put(struct buf *b, const void *s, size_t n)
{
	if (b->n + n > b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 4096;
		while (nc < b->n + n)
			nc *= 2;
		uint8_t *q = realloc(b->p, nc);
		if (!q) {
			fprintf(stderr, "gen_pg: out of memory\n");
			exit(1);
		}
		b->p = q;
		b->cap = nc;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void u8(struct buf *b, uint8_t v)
{
	put(b, &v, 1);
}

static void be16(struct buf *b, uint16_t v)
{
	uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	put(b, x, 2);
}

static void be32(struct buf *b, uint32_t v)
{
	uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
	put(b, x, 4);
}

static void cstr(struct buf *b, const char *s)
{
	put(b, s, strlen(s) + 1);
}

/* A typed message whose body is body (n bytes). */
static void msg(struct buf *b, char type, const void *body, size_t n)
{
	u8(b, (uint8_t)type);
	be32(b, (uint32_t)n + 4);
	put(b, body, n);
}

static void msg_s(struct buf *b, char type, const char *s)
{
	msg(b, type, s, strlen(s) + 1);
}

static void msg_empty(struct buf *b, char type)
{
	msg(b, type, NULL, 0);
}

static void startup(struct buf *b, const char *user)
{
	struct buf x = {0};
	be32(&x, 196608);
	cstr(&x, "user");
	cstr(&x, user);
	cstr(&x, "database");
	cstr(&x, "shop");
	cstr(&x, "application_name");
	cstr(&x, "hostile");
	u8(&x, 0);
	be32(b, (uint32_t)x.n + 4);
	put(b, x.p, x.n);
	free(x.p);
}

static void ready(struct buf *b)
{
	msg(b, 'Z', "I", 1);
}

static void server_hello(struct buf *b, uint32_t pid)
{
	struct buf x = {0};
	be32(&x, 0);
	msg(b, 'R', x.p, x.n);
	x.n = 0;
	cstr(&x, "server_version");
	cstr(&x, "15.8");
	msg(b, 'S', x.p, x.n);
	x.n = 0;
	be32(&x, pid);
	be32(&x, 12345);
	msg(b, 'K', x.p, x.n);
	free(x.p);
	ready(b);
}

static void rowdesc(struct buf *b, const char *col)
{
	struct buf x = {0};
	be16(&x, 1);
	cstr(&x, col);
	be32(&x, 0);
	be16(&x, 0);
	be32(&x, 23);
	be16(&x, 4);
	be32(&x, 0xffffffff);
	be16(&x, 0);
	msg(b, 'T', x.p, x.n);
	free(x.p);
}

static void datarow(struct buf *b, const char *v)
{
	struct buf x = {0};
	be16(&x, 1);
	be32(&x, (uint32_t)strlen(v));
	put(&x, v, strlen(v));
	msg(b, 'D', x.p, x.n);
	free(x.p);
}

static void error(struct buf *b, const char *sev, const char *code, const char *text)
{
	struct buf x = {0};
	u8(&x, 'S');
	cstr(&x, sev);
	u8(&x, 'V');
	cstr(&x, sev);
	u8(&x, 'C');
	cstr(&x, code);
	u8(&x, 'M');
	cstr(&x, text);
	u8(&x, 0);
	msg(b, 'E', x.p, x.n);
	free(x.p);
}

/* A started connection: startup, trust, ready. */
static struct pair started(uint64_t id)
{
	struct pair p = open_pair(id);
	struct buf b = {0};
	startup(&b, "app");
	send_bytes(&p, 1, b.p, b.n);
	b.n = 0;
	server_hello(&b, p.spid);
	send_bytes(&p, 0, b.p, b.n);
	free(b.p);
	tick(100);
	return p;
}

/* SELECT n answered with one row: the exchange that shows the connection goes on. */
static void good(const struct pair *p, int n)
{
	char q[64], v[16];
	struct buf b = {0};
	snprintf(q, sizeof(q), "SELECT %d", n);
	snprintf(v, sizeof(v), "%d", n);
	msg_s(&b, 'Q', q);
	send_bytes(p, 1, b.p, b.n);
	b.n = 0;
	rowdesc(&b, "n");
	datarow(&b, v);
	msg_s(&b, 'C', "SELECT 1");
	ready(&b);
	send_bytes(p, 0, b.p, b.n);
	free(b.p);
	tick(200);
}

static void hostile(void)
{
	struct buf b = {0};
	/* 1. a protocol version the server does not speak: it says so and closes */
	struct pair p = open_pair(1);
	be32(&b, 16);
	be32(&b, 0x00040000); /* 4.0 */
	put(&b, "user\0app\0", 9);
	u8(&b, 0);
	b.n = 16;
	send_bytes(&p, 1, b.p, b.n);
	b.n = 0;
	error(&b, "FATAL", "0A000",
	      "unsupported frontend protocol 4.0: server supports 3.0 to 3.0");
	send_bytes(&p, 0, b.p, b.n);
	close_pair(&p);

	/* 2. a Query declaring 2 GiB: not PostgreSQL's; the next Query is found again */
	p = started(2);
	b.n = 0;
	u8(&b, 'Q');
	be32(&b, 0x80000000u);
	put(&b, "SELECT 'never ends", 18);
	send_bytes(&p, 1, b.p, b.n);
	tick(100);
	good(&p, 2);
	close_pair(&p);

	/* 3. a Query declaring almost 1 GiB, cut by the close after 100 bytes */
	p = started(3);
	b.n = 0;
	u8(&b, 'Q');
	be32(&b, (1u << 30) - 1);
	for (int i = 0; i < 10; i++)
		put(&b, "SELECT 1, ", 10);
	send_bytes(&p, 1, b.p, b.n);
	close_pair(&p);

	/* 4. 200000 DataRows in one answer: counted, not kept */
	p = started(4);
	b.n = 0;
	msg_s(&b, 'Q', "SELECT g FROM generate_series(1, 200000) g");
	send_bytes(&p, 1, b.p, b.n);
	b.n = 0;
	rowdesc(&b, "g");
	for (int i = 1; i <= 200000; i++) {
		char v[16];
		snprintf(v, sizeof(v), "%d", i);
		datarow(&b, v);
	}
	msg_s(&b, 'C', "SELECT 200000");
	ready(&b);
	send_bytes(&p, 0, b.p, b.n);
	good(&p, 4);
	close_pair(&p);

	/* 5. a 1 MiB query: the SQL kept and shown is cut */
	p = started(5);
	b.n = 0;
	u8(&b, 'Q');
	be32(&b, 4 + 12 + (1u << 20) + 2);
	put(&b, "SELECT 'huge", 12);
	for (int i = 0; i < (1 << 20) / 16; i++)
		put(&b, "0123456789abcdef", 16);
	put(&b, "'\0", 2);
	send_bytes(&p, 1, b.p, b.n);
	b.n = 0;
	rowdesc(&b, "?column?");
	datarow(&b, "huge...");
	msg_s(&b, 'C', "SELECT 1");
	ready(&b);
	send_bytes(&p, 0, b.p, b.n);
	good(&p, 5);
	close_pair(&p);

	/* 6. from the server: a length below 4, then an unknown message type */
	p = started(6);
	b.n = 0;
	msg_s(&b, 'Q', "SELECT 6");
	send_bytes(&p, 1, b.p, b.n);
	b.n = 0;
	rowdesc(&b, "n");
	put(&b, "D\0\0\0\2", 5);
	send_bytes(&p, 0, b.p, b.n);
	tick(100);
	b.n = 0;
	datarow(&b, "6");
	msg_s(&b, 'C', "SELECT 1");
	ready(&b);
	send_bytes(&p, 0, b.p, b.n);
	b.n = 0;
	msg_s(&b, 'Q', "SELECT 7");
	send_bytes(&p, 1, b.p, b.n);
	b.n = 0;
	msg_s(&b, '?', "what");
	send_bytes(&p, 0, b.p, b.n);
	b.n = 0;
	ready(&b);
	send_bytes(&p, 0, b.p, b.n);
	good(&p, 8);
	close_pair(&p);

	/* 7. an SSLRequest answered with garbage */
	p = open_pair(7);
	b.n = 0;
	be32(&b, 8);
	be32(&b, 80877103);
	send_bytes(&p, 1, b.p, b.n);
	send_bytes(&p, 0, "X!", 2);
	close_pair(&p);

	/* 8. recorded mid-way (no CONN records): garbage first, then whole messages */
	struct pair m = {.csock = 60100, .ssock = 60101, .cpid = 300, .spid = 408};
	proc(m.spid, "postgres", "/usr/lib/postgresql/15/bin/postgres");
	send_bytes(&m, 1, "\x13\x37garbage\xff\xfe with no framing", 26);
	send_bytes(&m, 0, "\x01\x02\x03 more garbage", 17);
	good(&m, 9);
	good(&m, 10);
	close_pair(&m);

	/* 9. a Bind of 5000 parameters: the first 64 shown */
	p = started(9);
	b.n = 0;
	msg_s(&b, 'Q', "PREPARE many AS SELECT 1");
	send_bytes(&p, 1, b.p, b.n);
	b.n = 0;
	msg_s(&b, 'C', "PREPARE");
	ready(&b);
	send_bytes(&p, 0, b.p, b.n);
	b.n = 0;
	struct buf x = {0};
	cstr(&x, "");
	cstr(&x, "many");
	be16(&x, 0);
	be16(&x, 5000);
	for (int i = 0; i < 5000; i++) {
		char v[16];
		int k = snprintf(v, sizeof(v), "v%d", i);
		be32(&x, (uint32_t)k);
		put(&x, v, (size_t)k);
	}
	be16(&x, 0);
	msg(&b, 'B', x.p, x.n);
	free(x.p);
	put(&b, "E\0\0\0\x09\0\0\0\0\0S\0\0\0\4", 15);
	send_bytes(&p, 1, b.p, b.n);
	b.n = 0;
	error(&b, "ERROR", "08P01",
	      "bind message supplies 5000 parameters, but prepared statement "
	      "\"many\" requires 0");
	ready(&b);
	send_bytes(&p, 0, b.p, b.n);
	good(&p, 11);
	close_pair(&p);
	free(b.p);
}

static void floods(void)
{
	struct buf b = {0}, x = {0};
	/* 1100 named statements in one batch: the table keeps 1024 */
	struct pair p = started(20);
	for (int i = 0; i < 1100; i++) {
		char name[16], q[48];
		snprintf(name, sizeof(name), "s%d", i);
		snprintf(q, sizeof(q), "SELECT %d AS statement_%d", i, i);
		x.n = 0;
		cstr(&x, name);
		cstr(&x, q);
		be16(&x, 0);
		msg(&b, 'P', x.p, x.n);
	}
	msg_empty(&b, 'S');
	send_bytes(&p, 1, b.p, b.n);
	b.n = 0;
	for (int i = 0; i < 1100; i++)
		msg_empty(&b, '1');
	ready(&b);
	send_bytes(&p, 0, b.p, b.n);
	for (int k = 0; k < 2; k++) {
		const char *name = k ? "s1099" : "s0";
		b.n = 0;
		x.n = 0;
		cstr(&x, "");
		cstr(&x, name);
		be16(&x, 0);
		be16(&x, 0);
		be16(&x, 0);
		msg(&b, 'B', x.p, x.n);
		put(&b, "E\0\0\0\x09\0\0\0\0\0S\0\0\0\4", 15);
		send_bytes(&p, 1, b.p, b.n);
		b.n = 0;
		msg_empty(&b, '2');
		datarow(&b, k ? "1099" : "0");
		msg_s(&b, 'C', "SELECT 1");
		ready(&b);
		send_bytes(&p, 0, b.p, b.n);
	}
	close_pair(&p);

	/* 4500 Executes pipelined before any answer */
	p = started(21);
	b.n = 0;
	for (int i = 0; i < 6000; i++) {
		char q[48];
		snprintf(q, sizeof(q), "SELECT %d AS pipelined", i);
		x.n = 0;
		cstr(&x, "");
		cstr(&x, q);
		be16(&x, 0);
		msg(&b, 'P', x.p, x.n);
		put(&b, "B\0\0\0\x0c\0\0\0\0\0\0\0\0", 13);
		put(&b, "E\0\0\0\x09\0\0\0\0\0", 10);
	}
	msg_empty(&b, 'S');
	send_bytes(&p, 1, b.p, b.n);
	b.n = 0;
	for (int i = 0; i < 6000; i++) {
		char v[16];
		snprintf(v, sizeof(v), "%d", i);
		msg_empty(&b, '1');
		msg_empty(&b, '2');
		datarow(&b, v);
		msg_s(&b, 'C', "SELECT 1");
	}
	ready(&b);
	send_bytes(&p, 0, b.p, b.n);
	good(&p, 21);
	close_pair(&p);
	free(b.p);
	free(x.p);
}

static const struct {
	const char *name;
	void (*fn)(void);
} scenarios[] = {{"hostile", hostile}, {"floods", floods}};

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
	int fd = strcmp(argv[2], "-")
		     ? open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)
		     : 1;
	if (fd < 0) {
		fprintf(stderr, "gen_pg: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	snprintf(fi.hostname, sizeof(fi.hostname), "testhost");
	snprintf(fi.kernel, sizeof(fi.kernel), "6.1.0-test");
	snprintf(fi.recorder, sizeof(fi.recorder), "gen_pg");
	snprintf(fi.options, sizeof(fi.options), "%s", argv[1]);
	fi.snaplen = 262144;
	fi.start_boot_ns = now;
	fi.start_wall_ns = 1795564800000000000ll + 36000000000000ll; /* 2026-11-25T10:00:00Z */
	w = tt_writer_open(fd, &fi, NULL);
	if (!w) {
		fprintf(stderr, "gen_pg: %s\n", strerror(errno));
		return 1;
	}
	proc(300, "app", "/usr/bin/app");
	tick(1000);
	fn();
	tick(100000);
	struct tt_rec_stats end = {.ts_ns = now};
	add(TT_REC_END, &end, sizeof(end), NULL, 0);
	int rc = tt_writer_close(w);
	if (rc < 0 && !failed)
		fprintf(stderr, "gen_pg: %s\n", strerror(-rc));
	if (fd != 1)
		close(fd);
	return (rc < 0 || failed) ? 1 : 0;
usage:
	fprintf(stderr, "usage: gen_pg hostile|floods FILE|-\n");
	return 2;
}
