// SPDX-License-Identifier: MIT
/*
 * gen_hostile_mysql - write deterministic .tinytap recordings of hostile MySQL traffic (both
 * ends of every connection recorded, server on port 3306): the MySQL parser's golden case
 * testdata/mysql-hostile.tinytap (testdata/manifest) and tests/golden/hostile_mysql.sh.
 *
 *   gen_hostile_mysql small|flood FILE|-
 *
 * One connection each, every one after the handshake, most ending with a good exchange that must
 * still parse. small (committed as testdata/mysql-hostile.tinytap: a few KiB): 1-4, 9 (300
 * parameters), 11 (the bomb), 12, 13; flood (tests/golden/hostile_mysql.sh: checked with a bound
 * on memory): 5-8, 9 (65535 parameters), 10, 11 (4 MiB).
 *    1  a column count of 2^64 - 1 (an 8-byte length-encoded integer)
 *    2  an answer packet out of sequence
 *    3  an OK whose affected rows and insert id are 8-byte integers
 *    4  an ERR whose message is 5000 bytes (kept: 512)
 *    5  a row of 16 MiB + 10 bytes: two packets (0xffffff, then the rest), in 256 KiB calls
 *    6  100000 rows in one result set (counted, never kept)
 *    7  20000 results of one COM_QUERY (SERVER_MORE_RESULTS_EXISTS on each)
 *    8  1100 statements prepared (the map keeps 1024): an EXECUTE of the 1050th is unknown
 *       ("not kept"), of the 5th known
 *    9  a statement announcing 65535 parameters, executed with a 20-byte packet; an EXECUTE
 *       binding a type the protocol does not define
 *   10  200 PINGs in one write (64 wait at most), then their 200 OKs
 *   11  the compressed protocol: a packet announcing 100 bytes that inflates to 1 MiB (a zlib
 *       bomb: stopped at 100), then one announcing and inflating to 4 MiB of a result set
 *   12  a greeting whose version never ends, then binary garbage both ways
 *   13  1 KiB of random bytes each way on port 3306, no handshake
 * Exit status: 0 ok, 1 write error, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "format/writer.h"

static struct tt_writer *w;
static uint64_t now = 1000000000000ull; /* boot ns */
static int failed;

static void add(uint32_t type, const void *body, uint32_t len, const void *pl, uint32_t pl_len)
{
	int rc = tt_writer_add(w, type, body, len, pl, pl_len);
	if (rc < 0 && !failed) {
		fprintf(stderr, "gen_hostile_mysql: %s\n", strerror(-rc));
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

/* Client pid 100 (app) on port 42000+id, server pid 200 (mariadbd) on 3306. */
static struct pair open_pair(uint64_t id)
{
	struct pair p = {.csock = 60000 + id * 2, .ssock = 60001 + id * 2};
	uint16_t cport = (uint16_t)(42000 + id);
	conn(p.csock, 100, TT_ROLE_CLIENT, cport, 3306);
	conn(p.ssock, 200, TT_ROLE_SERVER, 3306, cport);
	return p;
}

static void data(uint64_t sock, uint32_t pid, int dir, const void *pl, uint32_t n)
{
	struct tt_rec_data d = {.ts_ns = now,
				.ts_enter_ns = now - 2000,
				.sock_id = sock,
				.pid = pid,
				.tid = pid,
				.fd = 5,
				.dir = (uint8_t)dir,
				.syscall =
				    (uint8_t)(dir == TT_DIR_EGRESS ? TT_SYS_WRITE : TT_SYS_READ),
				.call_bytes = n,
				.cap_len = n};
	add(TT_REC_DATA, &d, sizeof(d), pl, n);
}

/* One end writes n bytes and the other reads them, in calls of at most 256 KiB. */
static void send_bytes(const struct pair *p, int from_client, const void *b, size_t n)
{
	for (size_t off = 0; off < n;) {
		uint32_t k = n - off < 262144 ? (uint32_t)(n - off) : 262144;
		data(from_client ? p->csock : p->ssock, from_client ? 100 : 200, TT_DIR_EGRESS,
		     (const uint8_t *)b + off, k);
		tick(20);
		data(from_client ? p->ssock : p->csock, from_client ? 200 : 100, TT_DIR_INGRESS,
		     (const uint8_t *)b + off, k);
		tick(30);
		off += k;
	}
}

static void close_pair(const struct pair *p)
{
	struct tt_rec_close c = {
	    .ts_ns = now, .sock_id = p->csock, .pid = 100, .tid = 100, .fd = 5};
	add(TT_REC_CLOSE, &c, sizeof(c), NULL, 0);
	tick(10);
	c.ts_ns = now;
	c.sock_id = p->ssock;
	c.pid = c.tid = 200;
	add(TT_REC_CLOSE, &c, sizeof(c), NULL, 0);
	tick(1000);
}

/* --- packets ---------------------------------------------------------------------------------- */

struct buf {
	uint8_t *p;
	size_t n, cap;
};

static void put(struct buf *b, const void *s, size_t n)
{
	if (b->n + n > b->cap) {
		size_t c = b->cap ? b->cap : 4096;
		while (c < b->n + n)
			c *= 2;
		uint8_t *q = realloc(b->p, c);
		if (!q) {
			fprintf(stderr, "gen_hostile_mysql: out of memory\n");
			exit(1);
		}
		b->p = q;
		b->cap = c;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void put_int(struct buf *b, uint64_t v, int k)
{
	for (int i = 0; i < k; i++) {
		uint8_t c = (uint8_t)(v >> (8 * i));
		put(b, &c, 1);
	}
}

static void put_lenenc(struct buf *b, uint64_t v)
{
	if (v < 251) {
		put_int(b, v, 1);
	} else if (v < 1u << 16) {
		put_int(b, 0xfc, 1);
		put_int(b, v, 2);
	} else if (v < 1u << 24) {
		put_int(b, 0xfd, 1);
		put_int(b, v, 3);
	} else {
		put_int(b, 0xfe, 1);
		put_int(b, v, 8);
	}
}

static void put_lstr(struct buf *b, const char *s)
{
	put_lenenc(b, strlen(s));
	put(b, s, strlen(s));
}

/* A packet: header then payload. */
static void pkt(struct buf *b, uint8_t seq, const void *payload, size_t n)
{
	put_int(b, n, 3);
	put_int(b, seq, 1);
	put(b, payload, n);
}

static void pkt_b(struct buf *b, uint8_t seq, const struct buf *payload)
{
	pkt(b, seq, payload->p, payload->n);
}

static void reset(struct buf *b)
{
	b->n = 0;
}

#define CAPS                                                                                       \
	0x000ba20cu /* LONG_FLAG CONNECT_WITH_DB PROTOCOL_41 TRANSACTIONS SECURE MULTI_*           \
		       PLUGIN_AUTH */

static void handshake(const struct pair *p, uint32_t caps)
{
	struct buf b = {0}, pl = {0};
	put(&pl,
	    "\x0a"
	    "5.5.5-10.11.6-MariaDB\0",
	    23);
	put_int(&pl, 7, 4);
	put(&pl, "abcdefgh\0", 9);
	put_int(&pl, (caps | 0x20) & 0xffff, 2); /* the server offers compression too */
	put_int(&pl, 45, 1);
	put_int(&pl, 2, 2);
	put_int(&pl, caps >> 16, 2);
	put_int(&pl, 21, 1);
	put(&pl, "\0\0\0\0\0\0\0\0\0\0", 10);
	put(&pl, "ijklmnopqrst\0mysql_native_password\0", 35);
	pkt_b(&b, 0, &pl);
	send_bytes(p, 0, b.p, b.n);
	reset(&b);
	reset(&pl);
	put_int(&pl, caps, 4);
	put_int(&pl, 1u << 24, 4);
	put_int(&pl, 45, 1);
	for (int i = 0; i < 23; i++)
		put_int(&pl, 0, 1);
	put(&pl, "app\0", 4);
	put_int(&pl, 20, 1);
	put(&pl, "xxxxxxxxxxxxxxxxxxxx", 20);
	put(&pl, "shop\0mysql_native_password\0", 27);
	pkt_b(&b, 1, &pl);
	send_bytes(p, 1, b.p, b.n);
	reset(&b);
	pkt(&b, 2, "\x00\x00\x00\x02\x00\x00\x00", 7);
	send_bytes(p, 0, b.p, b.n);
	free(b.p);
	free(pl.p);
}

static void query(const struct pair *p, const char *sql)
{
	struct buf b = {0}, pl = {0};
	put(&pl, "\x03", 1);
	put(&pl, sql, strlen(sql));
	pkt_b(&b, 0, &pl);
	send_bytes(p, 1, b.p, b.n);
	free(b.p);
	free(pl.p);
}

static void coldef(struct buf *pl, const char *name, uint8_t type)
{
	put_lstr(pl, "def");
	put_lstr(pl, "shop");
	put_lstr(pl, "t");
	put_lstr(pl, "t");
	put_lstr(pl, name);
	put_lstr(pl, name);
	put(pl, "\x0c\x2d\x00\xff\x00\x00\x00", 7);
	put_int(pl, type, 1);
	put(pl, "\0\0\0\0\0", 5);
}

/* A one-column text result set: count, definition, EOF, rows of text, EOF; from sequence 1. */
static void result_1col(struct buf *b, uint64_t nrows, const char *val)
{
	struct buf pl = {0};
	uint8_t seq = 1;
	pkt(b, seq++, "\x01", 1);
	coldef(&pl, "v", 253);
	pkt_b(b, seq++, &pl);
	pkt(b, seq++, "\xfe\x00\x00\x02\x00", 5);
	for (uint64_t i = 0; i < nrows; i++) {
		reset(&pl);
		put_lstr(&pl, val);
		pkt_b(b, seq++, &pl);
	}
	pkt(b, seq, "\xfe\x00\x00\x02\x00", 5);
	free(pl.p);
}

static void good(const struct pair *p)
{
	struct buf b = {0};
	query(p, "SELECT 'still parsing'");
	result_1col(&b, 1, "still parsing");
	send_bytes(p, 0, b.p, b.n);
	free(b.p);
}

/* The same with CLIENT_DEPRECATE_EOF: no EOF after the definition, an OK (0xfe) at the end. */
static void good_deprecate_eof(const struct pair *p)
{
	struct buf b = {0}, pl = {0};
	query(p, "SELECT 'still parsing'");
	pkt(&b, 1, "\x01", 1);
	coldef(&pl, "v", 253);
	pkt_b(&b, 2, &pl);
	reset(&pl);
	put_lstr(&pl, "still parsing");
	pkt_b(&b, 3, &pl);
	pkt(&b, 4, "\xfe\x00\x00\x02\x00\x00\x00", 7);
	send_bytes(p, 0, b.p, b.n);
	free(b.p);
	free(pl.p);
}

/* --- scenarios ---------------------------------------------------------------------------------
 */

static void s_column_count(void)
{
	struct pair p = open_pair(1);
	handshake(&p, CAPS);
	query(&p, "SELECT 1");
	send_bytes(&p, 0, "\x09\x00\x00\x01\xfe\xff\xff\xff\xff\xff\xff\xff\xff", 13);
	good(&p);
	close_pair(&p);
}

static void s_sequence(void)
{
	struct pair p = open_pair(2);
	handshake(&p, CAPS);
	query(&p, "SELECT 2");
	struct buf b = {0}, pl = {0};
	pkt(&b, 1, "\x01", 1);
	coldef(&pl, "v", 253);
	pkt_b(&b, 7, &pl);
	send_bytes(&p, 0, b.p, b.n);
	good(&p);
	close_pair(&p);
	free(b.p);
	free(pl.p);
}

static void s_big_ok(void)
{
	struct pair p = open_pair(3);
	handshake(&p, CAPS);
	query(&p, "UPDATE big SET a = a + 1");
	send_bytes(
	    &p, 0,
	    "\x17\x00\x00\x01\x00\xfe\xff\xff\xff\xff\xff\xff\xff\xff\xfe\x00\x00\x00\x00\x01"
	    "\x00\x00\x00\x02\x00\x00\x00",
	    27);
	good(&p);
	close_pair(&p);
}

static void s_long_err(void)
{
	struct pair p = open_pair(4);
	handshake(&p, CAPS);
	query(&p, "SELECT long_error()");
	struct buf b = {0}, pl = {0};
	put(&pl, "\xff\x28\x04#HY000", 9);
	for (int i = 0; i < 5000; i++)
		put(&pl, i % 50 == 49 ? "\n" : "e", 1);
	pkt_b(&b, 1, &pl);
	send_bytes(&p, 0, b.p, b.n);
	good(&p);
	close_pair(&p);
	free(b.p);
	free(pl.p);
}

static void s_big_row(void)
{
	struct pair p = open_pair(5);
	handshake(&p, CAPS);
	query(&p, "SELECT huge FROM blobs");
	struct buf b = {0}, pl = {0};
	pkt(&b, 1, "\x01", 1);
	coldef(&pl, "huge", 251);
	pkt_b(&b, 2, &pl);
	pkt(&b, 3, "\xfe\x00\x00\x02\x00", 5);
	/* one row: a string of 16 MiB + 6 bytes, so the payload is 0xffffff + 10 bytes */
	size_t vlen = 0xffffff + 10 - 9, total = 0xffffff + 10;
	reset(&pl);
	put_lenenc(&pl, vlen);
	while (pl.n < total) {
		static const uint8_t x[4096] = {0};
		size_t k = total - pl.n < sizeof(x) ? total - pl.n : sizeof(x);
		put(&pl, x, k);
	}
	memset(pl.p + 9, 'x', vlen);
	put_int(&b, 0xffffff, 3);
	put_int(&b, 4, 1);
	put(&b, pl.p, 0xffffff);
	put_int(&b, 10, 3);
	put_int(&b, 5, 1);
	put(&b, pl.p + 0xffffff, 10);
	pkt(&b, 6, "\xfe\x00\x00\x02\x00", 5);
	send_bytes(&p, 0, b.p, b.n);
	good(&p);
	close_pair(&p);
	free(b.p);
	free(pl.p);
}

static void s_many_rows(void)
{
	struct pair p = open_pair(6);
	handshake(&p, CAPS);
	query(&p, "SELECT v FROM many");
	struct buf b = {0};
	result_1col(&b, 100000, "row");
	send_bytes(&p, 0, b.p, b.n);
	good(&p);
	close_pair(&p);
	free(b.p);
}

static void s_many_results(void)
{
	struct pair p = open_pair(7);
	handshake(&p, CAPS);
	query(&p, "CALL flood()");
	struct buf b = {0};
	for (unsigned i = 0; i < 20000; i++) /* OK, 1 row affected, more results */
		pkt(&b, (uint8_t)(1 + i), "\x00\x01\x00\x0a\x00\x00\x00", 7);
	pkt(&b, (uint8_t)(1 + 20000), "\x00\x00\x00\x02\x00\x00\x00", 7);
	send_bytes(&p, 0, b.p, b.n);
	good(&p);
	close_pair(&p);
	free(b.p);
}

static void prepare(const struct pair *p, const char *sql, uint32_t id, uint16_t nparams)
{
	struct buf b = {0}, pl = {0};
	put(&pl, "\x16", 1);
	put(&pl, sql, strlen(sql));
	pkt_b(&b, 0, &pl);
	send_bytes(p, 1, b.p, b.n);
	reset(&b);
	reset(&pl);
	put(&pl, "\x00", 1);
	put_int(&pl, id, 4);
	put_int(&pl, 0, 2);
	put_int(&pl, nparams, 2);
	put(&pl, "\0\0\0", 3);
	pkt_b(&b, 1, &pl);
	/* with DEPRECATE_EOF: the parameter definitions, no EOF */
	uint8_t seq = 2;
	for (unsigned i = 0; i < nparams; i++) {
		reset(&pl);
		coldef(&pl, "?", 253);
		pkt_b(&b, seq++, &pl);
	}
	send_bytes(p, 0, b.p, b.n);
	free(b.p);
	free(pl.p);
}

static void execute(const struct pair *p, uint32_t id, const void *rest, size_t n)
{
	struct buf b = {0}, pl = {0};
	put(&pl, "\x17", 1);
	put_int(&pl, id, 4);
	put(&pl, "\x00\x01\x00\x00\x00", 5);
	put(&pl, rest, n);
	pkt_b(&b, 0, &pl);
	send_bytes(p, 1, b.p, b.n);
	reset(&b);
	pkt(&b, 1, "\x00\x01\x00\x02\x00\x00\x00", 7);
	send_bytes(p, 0, b.p, b.n);
	free(b.p);
	free(pl.p);
}

static void s_stmt_flood(void)
{
	struct pair p = open_pair(8);
	handshake(&p, CAPS | (1u << 24));
	char sql[64];
	for (uint32_t i = 1; i <= 1100; i++) {
		snprintf(sql, sizeof(sql), "SELECT %u + ?", i);
		prepare(&p, sql, i, 1);
	}
	execute(&p, 1050, "\x00\x01\x03\x00\x2a\x00\x00\x00", 8);
	execute(&p, 5, "\x00\x01\x03\x00\x2a\x00\x00\x00", 8);
	good_deprecate_eof(&p);
	close_pair(&p);
}

static uint16_t wide_params = 300;

static void s_params(void)
{
	struct pair p = open_pair(9);
	handshake(&p, CAPS | (1u << 24));
	prepare(&p, "INSERT INTO wide VALUES (?, ...)", 1, wide_params);
	execute(&p, 1, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 10);
	prepare(&p, "SELECT ?", 2, 1);
	execute(&p, 2, "\x00\x01\x42\x00\x01\x02\x03", 7);
	good_deprecate_eof(&p);
	close_pair(&p);
}

static void s_pings(void)
{
	struct pair p = open_pair(10);
	handshake(&p, CAPS);
	struct buf b = {0};
	for (int i = 0; i < 200; i++)
		pkt(&b, 0, "\x0e", 1);
	send_bytes(&p, 1, b.p, b.n);
	reset(&b);
	for (int i = 0; i < 200; i++)
		pkt(&b, 1, "\x00\x00\x00\x02\x00\x00\x00", 7);
	send_bytes(&p, 0, b.p, b.n);
	good(&p);
	close_pair(&p);
	free(b.p);
}

/* A compressed packet of raw (ulen: what the header announces). */
static void zpkt(struct buf *b, uint8_t seq, const uint8_t *raw, size_t n, size_t ulen)
{
	uLongf zl = compressBound(n);
	uint8_t *z = malloc(zl);
	if (!z || compress(z, &zl, raw, n) != Z_OK) {
		fprintf(stderr, "gen_hostile_mysql: zlib\n");
		exit(1);
	}
	put_int(b, zl, 3);
	put_int(b, seq, 1);
	put_int(b, ulen, 3);
	put(b, z, zl);
	free(z);
}

static int big_compressed;

static void s_compressed(void)
{
	struct pair p = open_pair(11);
	handshake(&p, CAPS | 0x20);
	struct buf b = {0}, in = {0};
	/* a zlib bomb: 1 MiB of zeros, announced as 100 bytes */
	pkt(&in, 0, "\x03SELECT 1", 9);
	put_int(&b, in.n, 3);
	put_int(&b, 0, 1);
	put_int(&b, 0, 3);
	put(&b, in.p, in.n);
	send_bytes(&p, 1, b.p, b.n);
	reset(&b);
	uint8_t *zero = calloc(1, 1u << 20);
	if (!zero)
		exit(1);
	zpkt(&b, 1, zero, 1u << 20, 100);
	send_bytes(&p, 0, b.p, b.n);
	reset(&b);
	if (!big_compressed) {
		close_pair(&p);
		free(zero);
		free(b.p);
		free(in.p);
		return;
	}
	/* then a result set of 4 MiB, inflated in full (and in bounded memory) */
	reset(&in);
	pkt(&in, 0, "\x03SELECT zeros", 13);
	put_int(&b, in.n, 3);
	put_int(&b, 0, 1);
	put_int(&b, 0, 3);
	put(&b, in.p, in.n);
	send_bytes(&p, 1, b.p, b.n);
	reset(&b);
	reset(&in);
	result_1col(&in, 16384,
		    "0000000000000000000000000000000000000000000000000000000000000000"
		    "0000000000000000000000000000000000000000000000000000000000000000"
		    "0000000000000000000000000000000000000000000000000000000000000000"
		    "000000000000000000000000000000000000000000000000000000000000");
	zpkt(&b, 1, in.p, in.n, in.n);
	send_bytes(&p, 0, b.p, b.n);
	close_pair(&p);
	free(zero);
	free(b.p);
	free(in.p);
}

static uint32_t rnd = 2463534242u;
static uint8_t xorshift(void)
{
	rnd ^= rnd << 13;
	rnd ^= rnd >> 17;
	rnd ^= rnd << 5;
	return (uint8_t)rnd;
}

static void s_bad_greeting(void)
{
	struct pair p = open_pair(12);
	uint8_t g[200] = {0xc4, 0x00, 0x00, 0x00, 0x0a};
	for (size_t i = 5; i < sizeof(g); i++)
		g[i] = 'v'; /* a version without its NUL */
	send_bytes(&p, 0, g, sizeof(g));
	uint8_t junk[300];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = xorshift();
	send_bytes(&p, 1, junk, sizeof(junk));
	send_bytes(&p, 0, junk, 100);
	close_pair(&p);
}

static void s_garbage(void)
{
	struct pair p = open_pair(13);
	uint8_t junk[1024];
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = xorshift();
		send_bytes(&p, k == 0, junk, sizeof(junk));
	}
	close_pair(&p);
}

int main(int argc, char **argv)
{
	struct tt_file_info fi = {0};
	if (argc != 3 || (strcmp(argv[1], "small") && strcmp(argv[1], "flood"))) {
		fprintf(stderr, "usage: gen_hostile_mysql small|flood FILE|-\n");
		return 2;
	}
	int small = !strcmp(argv[1], "small");
	int fd = strcmp(argv[2], "-")
		     ? open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)
		     : 1;
	if (fd < 0) {
		fprintf(stderr, "gen_hostile_mysql: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	snprintf(fi.hostname, sizeof(fi.hostname), "testhost");
	snprintf(fi.kernel, sizeof(fi.kernel), "6.1.0-test");
	snprintf(fi.recorder, sizeof(fi.recorder), "gen_hostile_mysql");
	snprintf(fi.options, sizeof(fi.options), "%s", argv[1]);
	fi.snaplen = 262144;
	fi.start_boot_ns = now;
	fi.start_wall_ns = 1795564800000000000ll + 36000000000000ll; /* 2026-11-25T10:00:00Z */
	w = tt_writer_open(fd, &fi, NULL);
	if (!w) {
		fprintf(stderr, "gen_hostile_mysql: %s\n", strerror(errno));
		return 1;
	}
	proc(100, "app", "/usr/bin/app");
	proc(200, "mariadbd", "/usr/sbin/mariadbd");
	tick(1000);
	if (small) {
		s_column_count();
		s_sequence();
		s_big_ok();
		s_long_err();
		s_params();
		s_compressed();
		s_bad_greeting();
		s_garbage();
	} else {
		s_big_row();
		s_many_rows();
		s_many_results();
		s_stmt_flood();
		wide_params = 65535;
		s_params();
		s_pings();
		big_compressed = 1;
		s_compressed();
	}
	tick(100000);
	struct tt_rec_stats end = {.ts_ns = now};
	add(TT_REC_END, &end, sizeof(end), NULL, 0);
	int rc = tt_writer_close(w);
	if (rc < 0 && !failed)
		fprintf(stderr, "gen_hostile_mysql: %s\n", strerror(-rc));
	if (fd != 1)
		close(fd);
	return (rc < 0 || failed) ? 1 : 0;
}
