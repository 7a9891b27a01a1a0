// SPDX-License-Identifier: MIT
/*
 * tests/test_format.c - the .tinytap writer and reader: round trips, compatibility rules,
 * truncation, corruption, pipes, write errors, seeking and block closing.
 *
 * Criterion runs every test in its own process, in parallel: files come from mkstemp and there is
 * no shared state. Some tests hand-build files with the wire constants to play a newer or broken
 * writer.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zstd.h>

#include "format/reader.h"
#include "format/wire.h"
#include "format/writer.h"

/* --- helpers ----------------------------------------------------------------------------- */

struct dbuf {
	uint8_t *p;
	size_t n, cap;
};

static void db_put(struct dbuf *b, const void *src, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 1024;
		b->p = realloc(b->p, b->cap);
		cr_assert_not_null(b->p);
	}
	memcpy(b->p + b->n, src, n);
	b->n += n;
}

static void db_put32(struct dbuf *b, uint32_t v)
{
	uint8_t x[4];
	tt_put32(x, v);
	db_put(b, x, 4);
}

static int tmp_fd(void)
{
	char path[] = "/tmp/tt_test_XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0, "mkstemp: %s", strerror(errno));
	unlink(path);
	return fd;
}

static struct dbuf slurp(int fd)
{
	struct dbuf b = { 0 };
	uint8_t tmp[65536];
	ssize_t n;

	cr_assert(lseek(fd, 0, SEEK_SET) == 0);
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		db_put(&b, tmp, (size_t)n);
	cr_assert(n == 0);
	return b;
}

static struct tt_file_info test_info(void)
{
	struct tt_file_info fi;
	memset(&fi, 0, sizeof(fi));
	strcpy(fi.hostname, "host-\"quoted\"");
	strcpy(fi.kernel, "6.1.0-18-amd64");
	strcpy(fi.recorder, "tinytap-record 0.1.0");
	strcpy(fi.options, "-o x.tinytap --snaplen 4096");
	fi.snaplen = 4096;
	fi.start_wall_ns = 1732500000123456789LL;
	fi.start_boot_ns = 987654321;
	return fi;
}

/* A synthetic record i: type cycles through every known type, bodies are filled with
 * i-dependent bytes, DATA carries (i % 300) payload bytes. */
struct gen {
	uint32_t type;
	uint32_t body_len;
	uint8_t body[sizeof(struct tt_rec_process)];
	uint32_t plen;
	uint8_t payload[300];
};

static void gen_rec(uint64_t i, struct gen *g)
{
	static const uint32_t types[] = { TT_REC_DATA, TT_REC_CONN, TT_REC_DATA, TT_REC_CLOSE,
					  TT_REC_PROCESS, TT_REC_DATA, TT_REC_PROCESS_EXIT,
					  TT_REC_LOSS, TT_REC_CLOCK_SYNC, TT_REC_STATS, TT_REC_DATA };
	g->type = types[i % (sizeof(types) / sizeof(types[0]))];
	g->body_len = tt_record_fixed_size(g->type);
	for (uint32_t k = 0; k < g->body_len; k++)
		g->body[k] = (uint8_t)(i * 7 + k * 13);
	tt_put64(g->body, 1000 + i); /* timestamps increase with i */
	g->plen = 0;
	if (g->type == TT_REC_DATA) {
		g->plen = (uint32_t)(i % 300);
		tt_put32(g->body + TT_WIRE_DATA_CAPLEN_OFF, g->plen);
		for (uint32_t k = 0; k < g->plen; k++)
			g->payload[k] = (uint8_t)(i + k * 31);
	}
}

static void add_gen(struct tt_writer *w, uint64_t i)
{
	struct gen g;
	gen_rec(i, &g);
	int ret = tt_writer_add(w, g.type, g.body, g.body_len, g.payload, g.plen);
	cr_assert_eq(ret, 0, "add %llu: %d", (unsigned long long)i, ret);
}

/* Does rec equal generated record i, byte for byte? */
static int rec_is(const struct tt_record *rec, uint64_t i)
{
	struct gen g;
	gen_rec(i, &g);
	if (rec->type != g.type || rec->body_len != g.body_len + g.plen)
		return 0;
	if (memcmp(&rec->u, g.body, g.body_len))
		return 0;
	if (g.type == TT_REC_DATA) {
		if (rec->u.data.cap_len != g.plen)
			return 0;
		if (g.plen && (!rec->payload || memcmp(rec->payload, g.payload, g.plen)))
			return 0;
	}
	return 1;
}

/* Writes n generated records to a temp file; returns the file contents. */
static struct dbuf make_file(uint64_t n, const struct tt_writer_opts *o)
{
	struct tt_file_info fi = test_info();
	int fd = tmp_fd();
	struct tt_writer *w = tt_writer_open(fd, &fi, o);
	cr_assert_not_null(w);
	for (uint64_t i = 0; i < n; i++)
		add_gen(w, i);
	cr_assert_eq(tt_writer_close(w), 0);
	struct dbuf b = slurp(fd);
	close(fd);
	return b;
}

/* Reads everything; every record must be the next expected one or a later one (a lost block)
 * and never a wrong one. Returns records read; *errs counts errors. */
static uint64_t read_all_check(struct tt_reader *r, uint64_t n, int *errs, uint64_t *first)
{
	struct tt_record rec;
	uint64_t got = 0, j = 0;
	int ret, guard = 0;

	*errs = 0;
	while ((ret = tt_reader_next(r, &rec)) != 0) {
		cr_assert(++guard < 10000000, "reader does not terminate");
		if (ret < 0) {
			cr_assert_eq(ret, -EBADMSG, "ret %d: %s", ret, tt_reader_errmsg(r));
			(*errs)++;
			cr_assert(*errs < 10000, "too many errors");
			continue;
		}
		while (j < n && !rec_is(&rec, j))
			j++;
		cr_assert(j < n, "record %llu (type %u) matches no expected record",
			  (unsigned long long)got, rec.type);
		if (got == 0 && first)
			*first = j;
		j++;
		got++;
	}
	return got;
}

/* Block start offsets as the reader reports them (in order). */
static size_t block_offsets(const struct dbuf *b, uint64_t *offs, size_t max)
{
	struct tt_reader *r = tt_reader_open_mem(b->p, b->n, "f");
	struct tt_record rec;
	size_t nb = 0;

	cr_assert_not_null(r);
	while (tt_reader_next(r, &rec) == 1) {
		if (nb == 0 || offs[nb - 1] != rec.offset) {
			cr_assert(nb < max);
			offs[nb++] = rec.offset;
		}
	}
	tt_reader_free(r);
	return nb;
}

/* --- hand-built files (a newer or broken writer) -------------------------------------- */

static void hb_header(struct dbuf *b, uint16_t major, int extra_tlv)
{
	uint8_t c[256] = { 0 };
	size_t n = 40;

	memcpy(c, "TTAP", 4);
	tt_put16(c + 4, major);
	tt_put16(c + 6, 7);
	tt_put32(c + 8, TT_WIRE_BOM);
	tt_put32(c + 12, 40);
	tt_put32(c + 16, 123);
	tt_put64(c + 24, 5);
	tt_put64(c + 32, 6);
	if (extra_tlv) { /* a field from the future */
		tt_put16(c + n, 999);
		tt_put16(c + n + 2, 3);
		memcpy(c + n + 4, "abc", 3);
		n += 7;
	}
	tt_put16(c + n, 1);
	tt_put16(c + n + 2, 2);
	memcpy(c + n + 4, "hb", 2);
	n += 6;
	tt_put32(c + n, 0); /* end */
	n += 4;
	tt_put32(c + n, tt_wire_crc32(c, n));
	n += 4;
	db_put32(b, TT_WIRE_FILE_MAGIC);
	db_put32(b, (uint32_t)n);
	db_put(b, c, n);
}

static void hb_rec(struct dbuf *raw, uint32_t type, const void *body, uint32_t len)
{
	static const uint8_t zero[8];
	db_put32(raw, type);
	db_put32(raw, len);
	db_put(raw, body, len);
	db_put(raw, zero, tt_wire_pad8(len) - len);
}

/* Appends one block: header content of hdr_size bytes (>= 48) then the zstd frame of raw. */
static void hb_block(struct dbuf *b, uint64_t seq, const struct dbuf *raw, uint32_t nrec,
		     uint32_t hdr_size, uint32_t fake_raw_len)
{
	size_t bound = ZSTD_compressBound(raw->n);
	uint8_t *z = malloc(bound), h[128] = { 0 };
	ZSTD_CCtx *cc = ZSTD_createCCtx();

	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
	size_t zn = ZSTD_compress2(cc, z, bound, raw->p, raw->n);
	cr_assert(!ZSTD_isError(zn));
	memcpy(h, "TTBK", 4);
	tt_put32(h + 4, (uint32_t)zn);
	tt_put64(h + 8, seq);
	tt_put32(h + 16, fake_raw_len ? fake_raw_len : (uint32_t)raw->n);
	tt_put32(h + 20, nrec);
	tt_put32(h + hdr_size - 4, tt_wire_crc32(h, hdr_size - 4));
	db_put32(b, TT_WIRE_BLOCK_MAGIC);
	db_put32(b, hdr_size);
	db_put(b, h, hdr_size);
	db_put(b, z, zn);
	free(z);
	ZSTD_freeCCtx(cc);
}

/* --- tests ------------------------------------------------------------------------------- */

Test(format, names_and_sizes)
{
	cr_assert_eq(tt_record_fixed_size(TT_REC_DATA), 64);
	cr_assert_eq(tt_record_fixed_size(TT_REC_CONN), 208);
	cr_assert_eq(tt_record_fixed_size(TT_REC_END), 80);
	cr_assert_eq(tt_record_fixed_size(0), 0);
	cr_assert_eq(tt_record_fixed_size(TT_REC_TYPE_MAX + 1), 0);
	cr_assert_str_eq(tt_record_type_name(TT_REC_PROCESS_EXIT), "process_exit");
	cr_assert_str_eq(tt_record_type_name(12345), "unknown");
	cr_assert_str_eq(tt_syscall_name(TT_SYS_RECVMMSG), "recvmmsg");
	cr_assert_str_eq(tt_syscall_name(99), "unknown");
	/* the CRC is the usual CRC-32: check value of "123456789" */
	cr_assert_eq(tt_wire_crc32("123456789", 9), 0xCBF43926u);
}

Test(format, fill_host)
{
	struct tt_file_info fi;
	memset(&fi, 0, sizeof(fi));
	tt_file_info_fill_host(&fi);
	cr_assert(fi.hostname[0] != '\0');
	cr_assert(fi.kernel[0] != '\0');
	cr_assert(fi.start_wall_ns > 1600000000LL * 1000000000LL);
	cr_assert(fi.start_boot_ns > 0);
}

Test(format, roundtrip_every_type)
{
	struct tt_writer_opts o = { .block_bytes = 2000 };
	uint64_t n = 400;
	struct dbuf b = make_file(n, &o);
	struct tt_reader *r = tt_reader_open_mem(b.p, b.n, "mem");
	struct tt_record rec;
	struct tt_file_info fi = test_info();
	const struct tt_file_info *ri;
	struct tt_reader_stats st;

	cr_assert_not_null(r, "%s", tt_reader_open_error());
	ri = tt_reader_info(r);
	cr_assert_eq(ri->version_major, TT_FORMAT_MAJOR);
	cr_assert_eq(ri->version_minor, TT_FORMAT_MINOR);
	cr_assert_str_eq(ri->hostname, fi.hostname);
	cr_assert_str_eq(ri->kernel, fi.kernel);
	cr_assert_str_eq(ri->recorder, fi.recorder);
	cr_assert_str_eq(ri->options, fi.options);
	cr_assert_eq(ri->snaplen, fi.snaplen);
	cr_assert_eq(ri->start_wall_ns, fi.start_wall_ns);
	cr_assert_eq(ri->start_boot_ns, fi.start_boot_ns);
	int seen[TT_REC_TYPE_MAX + 1] = { 0 };
	for (uint64_t i = 0; i < n; i++) {
		cr_assert_eq(tt_reader_next(r, &rec), 1, "record %llu: %s", (unsigned long long)i,
			     tt_reader_errmsg(r));
		cr_assert(rec_is(&rec, i), "record %llu differs", (unsigned long long)i);
		seen[rec.type]++;
	}
	cr_assert_eq(tt_reader_next(r, &rec), 0);
	cr_assert_eq(tt_reader_next(r, &rec), 0, "end is sticky");
	for (int t = 1; t <= TT_REC_STATS; t++)
		cr_assert(seen[t] > 0, "type %d not covered", t);
	tt_reader_get_stats(r, &st);
	cr_assert_eq(st.records, n);
	cr_assert(st.blocks > 10);
	cr_assert_eq(st.bad_blocks, 0);
	cr_assert_eq(st.truncated, 0);
	cr_assert_eq(st.has_end, 0);
	cr_assert_eq(st.bytes_read, b.n);
	tt_reader_free(r);
	free(b.p);
}

Test(format, end_record_and_fd_reader)
{
	struct tt_file_info fi = test_info();
	int fd = tmp_fd();
	struct tt_writer *w = tt_writer_open(fd, &fi, NULL);
	struct tt_rec_stats e = { .ts_ns = 77, .events = 1, .records = 2, .exit_reason = 2 };
	struct tt_rec_data d = { .ts_ns = 5, .cap_len = 3, .call_bytes = 10,
				 .flags = TT_DATA_TRUNCATED };
	struct tt_record rec;
	struct tt_reader_stats st;
	struct tt_writer_stats ws;

	cr_assert_not_null(w);
	cr_assert_eq(tt_writer_add_data(w, &d, "abc"), 0);
	cr_assert_eq(tt_writer_add(w, TT_REC_END, &e, sizeof(e), NULL, 0), 0);
	tt_writer_get_stats(w, &ws);
	cr_assert_eq(ws.records, 2);
	cr_assert_eq(ws.blocks, 0, "nothing written before flush");
	cr_assert_eq(tt_writer_close(w), 0);
	cr_assert(lseek(fd, 0, SEEK_SET) == 0);
	struct tt_reader *r = tt_reader_open_fd(fd, "f");
	cr_assert_not_null(r);
	cr_assert_eq(tt_reader_next(r, &rec), 1);
	cr_assert_eq(rec.type, TT_REC_DATA);
	cr_assert_eq(memcmp(&rec.u.data, &d, sizeof(d)), 0);
	cr_assert_eq(memcmp(rec.payload, "abc", 3), 0);
	cr_assert_eq(rec.u.data.flags, TT_DATA_TRUNCATED);
	cr_assert_eq(tt_reader_next(r, &rec), 1);
	cr_assert_eq(rec.type, TT_REC_END);
	cr_assert_eq(memcmp(&rec.u.stats, &e, sizeof(e)), 0);
	cr_assert_eq(tt_reader_next(r, &rec), 0);
	tt_reader_get_stats(r, &st);
	cr_assert_eq(st.has_end, 1);
	cr_assert_eq(st.blocks, 1);
	tt_reader_free(r);
	close(fd);
}

Test(format, million_records, .timeout = 100)
{
	struct tt_file_info fi = test_info();
	int fd = tmp_fd();
	struct tt_writer *w = tt_writer_open(fd, &fi, NULL);
	const uint64_t n = 1000000;
	struct timespec t0, t1, t2;
	struct tt_writer_stats ws;
	uint8_t pl[32];

	cr_assert_not_null(w);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint64_t i = 0; i < n; i++) {
		struct tt_rec_data d = { .ts_ns = i, .sock_id = i / 100, .pid = 7,
					 .cap_len = (uint32_t)(i % 32), .call_bytes = i % 32 };
		for (uint32_t k = 0; k < d.cap_len; k++)
			pl[k] = (uint8_t)(i ^ k);
		cr_assert_eq(tt_writer_add_data(w, &d, pl), 0);
	}
	tt_writer_get_stats(w, &ws);
	cr_assert_eq(tt_writer_close(w), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cr_assert(lseek(fd, 0, SEEK_SET) == 0);
	struct tt_reader *r = tt_reader_open_fd(fd, "big");
	struct tt_record rec;
	uint64_t i = 0;
	int ret;
	while ((ret = tt_reader_next(r, &rec)) == 1) {
		cr_assert_eq(rec.u.data.ts_ns, i);
		cr_assert_eq(rec.u.data.cap_len, i % 32);
		for (uint32_t k = 0; k < rec.u.data.cap_len; k++)
			if (rec.payload[k] != (uint8_t)(i ^ k))
				cr_assert_fail("payload of %llu", (unsigned long long)i);
		i++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t2);
	cr_assert_eq(ret, 0, "%s", tt_reader_errmsg(r));
	cr_assert_eq(i, n);
	off_t size = lseek(fd, 0, SEEK_END);
	double wt = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	double rt = (double)(t2.tv_sec - t1.tv_sec) + (t2.tv_nsec - t1.tv_nsec) / 1e9;
	cr_log_info("1M records: raw %llu bytes, file %lld bytes (ratio %.2f), write %.2fs, "
		    "read %.2fs", (unsigned long long)ws.raw_bytes, (long long)size,
		    (double)ws.raw_bytes / (double)size, wt, rt);
	fprintf(stderr, "million_records: raw %llu B, file %lld B (x%.2f), write %.2f s, read %.2f s\n",
		(unsigned long long)ws.raw_bytes, (long long)size,
		(double)ws.raw_bytes / (double)size, wt, rt);
	tt_reader_free(r);
	close(fd);
}

Test(format, unknown_types_skipped_newer_frames)
{
	/* A newer writer: a header TLV we do not know, a longer block header, an unknown record
	 * type, an unknown skippable frame between blocks. */
	struct dbuf f = { 0 }, raw = { 0 }, raw2 = { 0 };
	struct tt_rec_close c = { .ts_ns = 1, .sock_id = 2, .pid = 3, .tid = 4, .fd = 5 };
	uint8_t future[40];
	struct tt_record rec;
	struct tt_reader_stats st;

	memset(future, 0xEE, sizeof(future));
	hb_header(&f, TT_FORMAT_MAJOR, 1);
	hb_rec(&raw, 4242, future, 37);
	hb_rec(&raw, TT_REC_CLOSE, &c, sizeof(c));
	hb_rec(&raw, 100, future, 0);
	hb_block(&f, 0, &raw, 3, 64, 0);
	db_put32(&f, 0x184D2A5E);
	db_put32(&f, 5);
	db_put(&f, "xxxxx", 5);
	c.fd = 6;
	hb_rec(&raw2, TT_REC_CLOSE, &c, sizeof(c));
	hb_rec(&raw2, 4243, future, 8);
	hb_block(&f, 1, &raw2, 2, 48, 0);

	struct tt_reader *r = tt_reader_open_mem(f.p, f.n, "hb");
	cr_assert_not_null(r, "%s", tt_reader_open_error());
	cr_assert_str_eq(tt_reader_info(r)->hostname, "hb");
	cr_assert_eq(tt_reader_info(r)->version_minor, 7);
	cr_assert_eq(tt_reader_next(r, &rec), 1, "%s", tt_reader_errmsg(r));
	cr_assert_eq(rec.type, TT_REC_CLOSE);
	cr_assert_eq(rec.u.close.fd, 5);
	cr_assert_eq(rec.block, 0);
	cr_assert_eq(tt_reader_next(r, &rec), 1, "%s", tt_reader_errmsg(r));
	cr_assert_eq(rec.u.close.fd, 6);
	cr_assert_eq(rec.block, 1);
	cr_assert_eq(tt_reader_next(r, &rec), 0);
	tt_reader_get_stats(r, &st);
	cr_assert_eq(st.skipped, 3);
	cr_assert_eq(st.records, 2);
	cr_assert_eq(st.blocks, 2);
	tt_reader_free(r);

	/* The same through the writer: it accepts any nonzero type. */
	struct tt_file_info fi = test_info();
	int fd = tmp_fd();
	struct tt_writer *w = tt_writer_open(fd, &fi, NULL);
	cr_assert_eq(tt_writer_add(w, 0, &c, sizeof(c), NULL, 0), -EINVAL);
	cr_assert_eq(tt_writer_add(w, 77, future, 40, NULL, 0), 0);
	cr_assert_eq(tt_writer_add(w, TT_REC_CLOSE, &c, sizeof(c), NULL, 0), 0);
	cr_assert_eq(tt_writer_close(w), 0);
	struct dbuf b = slurp(fd);
	r = tt_reader_open_mem(b.p, b.n, "w");
	cr_assert_eq(tt_reader_next(r, &rec), 1);
	cr_assert_eq(rec.type, TT_REC_CLOSE);
	cr_assert_eq(tt_reader_next(r, &rec), 0);
	tt_reader_get_stats(r, &st);
	cr_assert_eq(st.skipped, 1);
	tt_reader_free(r);
	close(fd);
	free(b.p);
	free(f.p);
	free(raw.p);
	free(raw2.p);
}

Test(format, older_shorter_and_newer_longer_bodies)
{
	struct tt_file_info fi = test_info();
	int fd = tmp_fd();
	struct tt_writer *w = tt_writer_open(fd, &fi, NULL);
	uint8_t body[200];
	struct tt_record rec;

	memset(body, 0xAB, sizeof(body));
	tt_put64(body, 10);
	/* older CLOSE: 20 bytes (ts, sock_id, pid) */
	cr_assert_eq(tt_writer_add(w, TT_REC_CLOSE, body, 20, NULL, 0), 0);
	/* newer CLOSE: 48 bytes */
	cr_assert_eq(tt_writer_add(w, TT_REC_CLOSE, body, 48, NULL, 0), 0);
	/* older DATA: 60 bytes (no msg_idx/reserved) + 5 payload bytes */
	tt_put32(body + TT_WIRE_DATA_CAPLEN_OFF, 5);
	cr_assert_eq(tt_writer_add(w, TT_REC_DATA, body, 60, "hello", 5), 0);
	/* newer DATA: 80-byte fixed part, then 5 payload bytes */
	cr_assert_eq(tt_writer_add(w, TT_REC_DATA, body, 80, "world", 5), 0);
	/* DATA whose cap_len disagrees with its payload is refused */
	cr_assert_eq(tt_writer_add(w, TT_REC_DATA, body, 64, "x", 1), -EINVAL);
	cr_assert_eq(tt_writer_add(w, TT_REC_DATA, body, 40, NULL, 0), -EINVAL);
	cr_assert_eq(tt_writer_close(w), 0);
	struct dbuf b = slurp(fd);
	struct tt_reader *r = tt_reader_open_mem(b.p, b.n, "m");

	cr_assert_eq(tt_reader_next(r, &rec), 1);
	cr_assert_eq(rec.body_len, 20);
	cr_assert_eq(rec.u.close.ts_ns, 10);
	cr_assert_eq(rec.u.close.pid, 0xABABABABu);
	cr_assert_eq(rec.u.close.tid, 0, "missing field zero-filled");
	cr_assert_eq(rec.u.close.fd, 0);
	cr_assert_eq(tt_reader_next(r, &rec), 1);
	cr_assert_eq(rec.body_len, 48);
	cr_assert_eq(rec.u.close.fd, (int32_t)0xABABABABu);
	cr_assert_eq(rec.u.close.reserved, 0xABABABABu);
	cr_assert_eq(tt_reader_next(r, &rec), 1);
	cr_assert_eq(rec.type, TT_REC_DATA);
	cr_assert_eq(rec.body_len, 65);
	cr_assert_eq(rec.u.data.cap_len, 5);
	cr_assert_eq(rec.u.data.msg_idx, 0);
	cr_assert_eq(rec.u.data.reserved, 0);
	cr_assert_eq(memcmp(rec.payload, "hello", 5), 0);
	cr_assert_eq(tt_reader_next(r, &rec), 1);
	cr_assert_eq(rec.body_len, 85);
	cr_assert_eq(rec.u.data.msg_idx, 0xABAB);
	cr_assert_eq(memcmp(rec.payload, "world", 5), 0);
	cr_assert_eq(tt_reader_next(r, &rec), 0);
	tt_reader_free(r);
	close(fd);
	free(b.p);
}

Test(format, data_caplen_inconsistent_is_corrupt)
{
	struct dbuf f = { 0 }, raw = { 0 }, raw2 = { 0 };
	uint8_t d[64] = { 0 };
	struct tt_rec_close c = { .ts_ns = 9, .fd = 1 };
	struct tt_record rec;

	hb_header(&f, TT_FORMAT_MAJOR, 0);
	tt_put32(d + TT_WIRE_DATA_CAPLEN_OFF, 100); /* but the body has no payload */
	hb_rec(&raw, TT_REC_DATA, d, 64);
	hb_block(&f, 0, &raw, 1, 48, 0);
	hb_rec(&raw2, TT_REC_CLOSE, &c, sizeof(c));
	hb_block(&f, 1, &raw2, 1, 48, 0);
	struct tt_reader *r = tt_reader_open_mem(f.p, f.n, "bad");
	cr_assert_not_null(r);
	cr_assert_eq(tt_reader_next(r, &rec), -EBADMSG);
	cr_assert(strstr(tt_reader_errmsg(r), "cap_len"), "%s", tt_reader_errmsg(r));
	cr_assert(strstr(tt_reader_errmsg(r), "bad: offset "), "%s", tt_reader_errmsg(r));
	cr_assert(strstr(tt_reader_errmsg(r), "(block 0)"), "%s", tt_reader_errmsg(r));
	cr_assert_eq(tt_reader_next(r, &rec), 1, "next block still read");
	cr_assert_eq(rec.u.close.ts_ns, 9);
	cr_assert_eq(tt_reader_next(r, &rec), 0);
	tt_reader_free(r);
	free(f.p);
	free(raw.p);
	free(raw2.p);
}

/* CGROUP (FORMAT.md 6.9): fixed part + attribute bytes, like DATA's payload; written, read back,
 * walked; a bad attrs_len makes the block corrupt (the next one still reads); the attribute walk
 * never leaves the bytes. */
Test(format, cgroup_record)
{
	int fd = tmp_fd();
	struct tt_file_info fi = test_info();
	struct tt_writer *w = tt_writer_open(fd, &fi, NULL);
	uint8_t a[256];
	uint32_t len = 0;
	cr_assert_eq(tt_cgroup_attr_put(a, sizeof(a), &len, TT_CGA_PATH, "/docker/abc"), 0);
	cr_assert_eq(tt_cgroup_attr_put(a, sizeof(a), &len, TT_CGA_CONTAINER, "api"), 0);
	cr_assert_eq(tt_cgroup_attr_put(a, sizeof(a), &len, TT_CGA_IMAGE, ""), 0); /* not written */
	cr_assert_eq(len, 4 + 11 + 4 + 3);
	cr_assert_eq(tt_cgroup_attr_put(a, 30, &len, TT_CGA_UNIT, "x.service"), -ENOSPC);
	cr_assert_eq(len, 22);
	struct tt_rec_cgroup c = {.ts_ns = 77, .cgroup_id = 4242, .kind = TT_CG_KIND_DOCKER,
				  .status = TT_CG_ST_OK, .attrs_len = len};
	cr_assert_eq(tt_writer_add(w, TT_REC_CGROUP, &c, sizeof(c), a, len), 0);
	cr_assert_eq(tt_writer_add(w, TT_REC_CGROUP, &c, sizeof(c), a, len - 1), -EINVAL);
	cr_assert_eq(tt_writer_close(w), 0);
	struct dbuf b = slurp(fd);
	struct tt_reader *r = tt_reader_open_mem(b.p, b.n, "cg");
	struct tt_record rec;
	cr_assert_eq(tt_reader_next(r, &rec), 1);
	cr_assert_eq(rec.type, TT_REC_CGROUP);
	cr_assert_eq(rec.body_len, 24 + 22);
	cr_assert_eq(rec.u.cgroup.ts_ns, 77);
	cr_assert_eq(rec.u.cgroup.cgroup_id, 4242);
	cr_assert_eq(rec.u.cgroup.kind, TT_CG_KIND_DOCKER);
	cr_assert_eq(rec.u.cgroup.attrs_len, 22);
	struct tt_cgroup_attr_val v;
	uint32_t pos = 0;
	cr_assert_eq(tt_cgroup_attr_next(rec.payload, 22, &pos, &v), 1);
	cr_assert_eq(v.tag, TT_CGA_PATH);
	cr_assert_eq(v.len, 11);
	cr_assert_eq(memcmp(v.value, "/docker/abc", 11), 0);
	cr_assert_eq(tt_cgroup_attr_next(rec.payload, 22, &pos, &v), 1);
	cr_assert_eq(memcmp(v.value, "api", 3), 0);
	cr_assert_eq(tt_cgroup_attr_next(rec.payload, 22, &pos, &v), 0);
	/* a cut attribute ends the walk; so does one shorter than its header */
	pos = 0;
	cr_assert_eq(tt_cgroup_attr_next(rec.payload, 21, &pos, &v), 1);
	cr_assert_eq(tt_cgroup_attr_next(rec.payload, 21, &pos, &v), 0);
	pos = 0;
	cr_assert_eq(tt_cgroup_attr_next(rec.payload, 3, &pos, &v), 0);
	cr_assert_eq(tt_cgroup_attr_next(NULL, 3, &pos, &v), 0);
	cr_assert_eq(tt_reader_next(r, &rec), 0);
	tt_reader_free(r);
	free(b.p);
	close(fd);
	cr_assert_str_eq(tt_record_type_name(TT_REC_CGROUP), "cgroup");
	cr_assert_eq(tt_record_fixed_size(TT_REC_CGROUP), 24);
	cr_assert_str_eq(tt_cgroup_kind_name(TT_CG_KIND_CRIO), "cri-o");
	cr_assert_str_eq(tt_cgroup_kind_name(200), "other");
	cr_assert_null(tt_cgroup_attr_name(99));

	/* attrs_len past the body, and a body too short for it: the block is corrupt */
	for (int k = 0; k < 2; k++) {
		struct dbuf f = {0}, raw = {0}, raw2 = {0};
		uint8_t body[32] = {0};
		struct tt_rec_close cl = {.ts_ns = 9, .fd = 1};
		tt_put32(body + TT_WIRE_CGROUP_ATTRS_OFF, k ? 0 : 9);
		hb_header(&f, TT_FORMAT_MAJOR, 0);
		hb_rec(&raw, TT_REC_CGROUP, body, k ? 20 : 32);
		hb_block(&f, 0, &raw, 1, 48, 0);
		hb_rec(&raw2, TT_REC_CLOSE, &cl, sizeof(cl));
		hb_block(&f, 1, &raw2, 1, 48, 0);
		r = tt_reader_open_mem(f.p, f.n, "bad");
		cr_assert_eq(tt_reader_next(r, &rec), -EBADMSG);
		cr_assert(strstr(tt_reader_errmsg(r), k ? "expected body >= 24" : "attrs_len"), "%s",
			  tt_reader_errmsg(r));
		cr_assert_eq(tt_reader_next(r, &rec), 1, "next block still read");
		cr_assert_eq(rec.type, TT_REC_CLOSE);
		tt_reader_free(r);
		free(f.p);
		free(raw.p);
		free(raw2.p);
	}
}

/* TLS_UNHOOKED (FORMAT.md 6.11): a fixed record, written and read back field by field; a longer
 * exe is cut, NUL-padded; the names of the libraries. */
Test(format, tls_unhooked_record)
{
	int fd = tmp_fd();
	struct tt_file_info fi = test_info();
	struct tt_writer *w = tt_writer_open(fd, &fi, NULL);
	struct tt_rec_tls_unhooked t = {.ts_ns = 123, .pid = 4711, .library = TT_TLS_LIB_GO};
	strcpy(t.exe, "/usr/local/bin/api");
	cr_assert_eq(tt_writer_add(w, TT_REC_TLS_UNHOOKED, &t, sizeof(t), NULL, 0), 0);
	cr_assert_eq(tt_writer_close(w), 0);
	struct dbuf b = slurp(fd);
	struct tt_reader *r = tt_reader_open_mem(b.p, b.n, "tls");
	struct tt_record rec;
	cr_assert_eq(tt_reader_info(r)->version_minor, 3);
	cr_assert_eq(tt_reader_next(r, &rec), 1);
	cr_assert_eq(rec.type, TT_REC_TLS_UNHOOKED);
	cr_assert_eq(rec.body_len, 272);
	cr_assert_eq(rec.u.tls_unhooked.ts_ns, 123);
	cr_assert_eq(rec.u.tls_unhooked.pid, 4711);
	cr_assert_eq(rec.u.tls_unhooked.library, TT_TLS_LIB_GO);
	cr_assert_str_eq(rec.u.tls_unhooked.exe, "/usr/local/bin/api");
	cr_assert_null(rec.payload);
	cr_assert_eq(tt_reader_next(r, &rec), 0);
	tt_reader_free(r);
	free(b.p);
	close(fd);
	cr_assert_str_eq(tt_record_type_name(TT_REC_TLS_UNHOOKED), "tls_unhooked");
	cr_assert_eq(tt_record_fixed_size(TT_REC_TLS_UNHOOKED), 272);
	cr_assert_str_eq(tt_tls_lib_name(TT_TLS_LIB_GO), "Go crypto/tls");
	cr_assert_str_eq(tt_tls_lib_name(TT_TLS_LIB_STATIC_OPENSSL),
			 "a statically linked OpenSSL or BoringSSL");
	cr_assert_str_eq(tt_tls_lib_name(TT_TLS_LIB_MBEDTLS), "Mbed TLS");
	cr_assert_str_eq(tt_tls_lib_name(TT_TLS_LIB_OTHER), "a TLS library");
	cr_assert_str_eq(tt_tls_lib_name(200), "a TLS library");
}

/* TLS_DATA (FORMAT.md 6.10): a DATA record with TT_DATA_TLS goes on disk as type 11 (an older
 * reader skips it instead of taking plaintext for wire bytes) and comes back as TT_REC_DATA with
 * the flag; the layer is the type's word: a type-1 body with bit 6 set reads as wire bytes, a
 * type-11 body without it as plaintext; a type-11 body obeys the DATA length rules. */
Test(format, tls_data_record)
{
	int fd = tmp_fd();
	struct tt_file_info fi = test_info();
	struct tt_writer *w = tt_writer_open(fd, &fi, NULL);
	struct tt_rec_data d = {.ts_ns = 5, .sock_id = 9, .dir = TT_DIR_EGRESS,
				.syscall = TT_SYS_SSL_WRITE, .flags = TT_DATA_TLS, .call_bytes = 4,
				.cap_len = 4};
	struct tt_rec_data wire = {.ts_ns = 6, .sock_id = 9, .syscall = TT_SYS_WRITE,
				   .call_bytes = 3, .cap_len = 3};
	cr_assert_eq(tt_writer_add_data(w, &d, "GET "), 0);
	cr_assert_eq(tt_writer_add_data(w, &wire, "\x17\x03\x03"), 0);
	cr_assert_eq(tt_writer_close(w), 0);
	struct dbuf b = slurp(fd);
	/* on disk: the first record's type is 11, the second's 1 */
	uint32_t s = tt_get32(b.p + 4);
	const uint8_t *h = b.p + 8 + s, *z = h + 56;
	uint32_t comp = tt_get32(h + 12), rl = tt_get32(h + 24);
	uint8_t raw[256];
	cr_assert(rl <= sizeof(raw));
	cr_assert_eq(ZSTD_decompress(raw, sizeof(raw), z, comp), rl);
	cr_assert_eq(tt_get32(raw), TT_REC_TLS_DATA);
	cr_assert_eq(tt_get32(raw + 8 + 72), TT_REC_DATA);
	struct tt_reader *r = tt_reader_open_mem(b.p, b.n, "tls");
	struct tt_record rec;
	cr_assert_eq(tt_reader_next(r, &rec), 1);
	cr_assert_eq(rec.type, TT_REC_DATA);
	cr_assert(rec.u.data.flags & TT_DATA_TLS);
	cr_assert_eq(rec.u.data.syscall, TT_SYS_SSL_WRITE);
	cr_assert_eq(memcmp(rec.payload, "GET ", 4), 0);
	cr_assert_eq(tt_reader_next(r, &rec), 1);
	cr_assert_eq(rec.type, TT_REC_DATA);
	cr_assert_not(rec.u.data.flags & TT_DATA_TLS);
	cr_assert_eq(tt_reader_next(r, &rec), 0);
	tt_reader_free(r);
	free(b.p);
	close(fd);
	cr_assert_str_eq(tt_record_type_name(TT_REC_TLS_DATA), "tls_data");
	cr_assert_eq(tt_record_fixed_size(TT_REC_TLS_DATA), 64);
	cr_assert_str_eq(tt_syscall_name(TT_SYS_SSL_READ_EX), "SSL_read_ex");

	/* hand-made: type 1 with bit 6 (wire), type 11 without it (plaintext), type 11 with a
	 * cap_len past its body (corrupt block; the next block still reads) */
	struct dbuf f = {0}, raw1 = {0}, raw2 = {0};
	uint8_t body[72] = {0};
	struct tt_rec_close cl = {.ts_ns = 9, .fd = 1};
	hb_header(&f, TT_FORMAT_MAJOR, 0);
	tt_put16(body + TT_WIRE_DATA_FLAGS_OFF, TT_DATA_TLS);
	tt_put32(body + TT_WIRE_DATA_CAPLEN_OFF, 8);
	hb_rec(&raw1, TT_REC_DATA, body, 72);
	tt_put16(body + TT_WIRE_DATA_FLAGS_OFF, 0);
	hb_rec(&raw1, TT_REC_TLS_DATA, body, 72);
	hb_block(&f, 0, &raw1, 2, 48, 0);
	tt_put32(body + TT_WIRE_DATA_CAPLEN_OFF, 13);
	hb_rec(&raw2, TT_REC_TLS_DATA, body, 72);
	hb_block(&f, 1, &raw2, 1, 48, 0);
	free(raw2.p);
	raw2 = (struct dbuf){0};
	hb_rec(&raw2, TT_REC_CLOSE, &cl, sizeof(cl));
	hb_block(&f, 2, &raw2, 1, 48, 0);
	r = tt_reader_open_mem(f.p, f.n, "hand");
	cr_assert_eq(tt_reader_next(r, &rec), 1);
	cr_assert_eq(rec.type, TT_REC_DATA);
	cr_assert_not(rec.u.data.flags & TT_DATA_TLS);
	cr_assert_eq(tt_reader_next(r, &rec), 1);
	cr_assert_eq(rec.type, TT_REC_DATA);
	cr_assert(rec.u.data.flags & TT_DATA_TLS);
	cr_assert_eq(tt_reader_next(r, &rec), -EBADMSG);
	cr_assert(strstr(tt_reader_errmsg(r), "cap_len"), "%s", tt_reader_errmsg(r));
	cr_assert_eq(tt_reader_next(r, &rec), 1);
	cr_assert_eq(rec.type, TT_REC_CLOSE);
	tt_reader_free(r);
	free(f.p);
	free(raw1.p);
	free(raw2.p);
}

Test(format, hostile_lengths_rejected_before_allocating)
{
	/* Block headers with a valid CRC but absurd lengths. */
	struct dbuf f = { 0 }, raw = { 0 };
	struct tt_rec_close c = { .ts_ns = 9 };
	struct tt_record rec;

	hb_header(&f, TT_FORMAT_MAJOR, 0);
	hb_rec(&raw, TT_REC_CLOSE, &c, sizeof(c));
	hb_block(&f, 0, &raw, 1, 48, 0xFFFFFFF8u); /* raw_len 4 GiB */
	hb_block(&f, 1, &raw, 1, 48, 0);
	hb_block(&f, 2, &raw, 99, 48, 0); /* record count lies */
	struct tt_reader *r = tt_reader_open_mem(f.p, f.n, "h");
	cr_assert_not_null(r);
	cr_assert_eq(tt_reader_next(r, &rec), -EBADMSG);
	cr_assert(strstr(tt_reader_errmsg(r), "raw length"), "%s", tt_reader_errmsg(r));
	cr_assert_eq(tt_reader_next(r, &rec), 1);
	cr_assert_eq(rec.block, 1);
	cr_assert_eq(tt_reader_next(r, &rec), -EBADMSG);
	cr_assert(strstr(tt_reader_errmsg(r), "record count"), "%s", tt_reader_errmsg(r));
	cr_assert_eq(tt_reader_next(r, &rec), 0);
	tt_reader_free(r);

	/* Writer: a record over the 32 MiB cap is refused, and the writer is not failed. */
	struct tt_file_info fi = test_info();
	int fd = tmp_fd();
	struct tt_writer *w = tt_writer_open(fd, &fi, NULL);
	cr_assert_eq(tt_writer_add(w, TT_REC_CLOSE, &c, sizeof(c), &c, 33u << 20), -EMSGSIZE);
	cr_assert_eq(tt_writer_add(w, TT_REC_CLOSE, &c, sizeof(c), NULL, 0), 0);
	cr_assert_eq(tt_writer_close(w), 0);
	close(fd);
	free(f.p);
	free(raw.p);
}

Test(format, not_a_tinytap_file)
{
	static const char junk[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	struct dbuf f = { 0 };

	errno = 0;
	cr_assert_null(tt_reader_open_mem(junk, sizeof(junk), "junk"));
	cr_assert_eq(errno, EBADMSG);
	cr_assert(strstr(tt_reader_open_error(), "junk: offset 0"), "%s", tt_reader_open_error());
	cr_assert(strstr(tt_reader_open_error(), "not a .tinytap file"));
	cr_assert_null(tt_reader_open_mem(junk, 0, "empty"));
	cr_assert(strstr(tt_reader_open_error(), "truncated"), "%s", tt_reader_open_error());
	hb_header(&f, TT_FORMAT_MAJOR + 1, 0);
	cr_assert_null(tt_reader_open_mem(f.p, f.n, "v2"));
	cr_assert(strstr(tt_reader_open_error(), "unsupported format version"), "%s",
		  tt_reader_open_error());
	free(f.p);
}

Test(format, truncated_at_every_byte, .timeout = 100)
{
	struct tt_writer_opts o = { .block_bytes = 1024 };
	const uint64_t n = 60;
	struct dbuf b = make_file(n, &o);
	uint64_t offs[64], ends[64];
	size_t nb = block_offsets(&b, offs, 64);
	uint64_t per_block_end[64]; /* records in blocks 0..k */
	struct tt_record rec;

	cr_assert(nb >= 5, "want a multi-block file, got %zu blocks", nb);
	for (size_t k = 0; k < nb; k++)
		ends[k] = k + 1 < nb ? offs[k + 1] : b.n - (8 + 8 + nb * 40 + 16);
	/* records per block from a full read */
	{
		struct tt_reader *r = tt_reader_open_mem(b.p, b.n, "f");
		size_t k = 0;
		uint64_t c = 0;
		while (tt_reader_next(r, &rec) == 1) {
			while (rec.offset != offs[k])
				per_block_end[k++] = c;
			c++;
		}
		while (k < nb)
			per_block_end[k++] = c;
		cr_assert_eq(c, n);
		tt_reader_free(r);
	}
	for (size_t cut = 0; cut <= b.n; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1); /* exact size: ASan sees any over-read */
		memcpy(copy, b.p, cut);
		struct tt_reader *r = tt_reader_open_mem(copy, cut, "cut");
		if (!r) {
			cr_assert(cut < offs[0], "open failed at cut %zu: %s", cut,
				  tt_reader_open_error());
			free(copy);
			continue;
		}
		uint64_t want = 0;
		int boundary = cut == offs[0];
		for (size_t k = 0; k < nb; k++) {
			if (ends[k] <= cut)
				want = per_block_end[k];
			if (ends[k] == cut)
				boundary = 1;
		}
		if (cut == b.n)
			boundary = 1;
		int errs;
		uint64_t got = read_all_check(r, n, &errs, NULL);
		cr_assert_eq(got, want, "cut %zu: %llu records, want %llu", cut,
			     (unsigned long long)got, (unsigned long long)want);
		cr_assert_eq(errs, boundary ? 0 : 1, "cut %zu: %d errors", cut, errs);
		if (errs)
			cr_assert(strstr(tt_reader_errmsg(r), "truncated"), "cut %zu: %s", cut,
				  tt_reader_errmsg(r));
		struct tt_reader_stats st;
		tt_reader_get_stats(r, &st);
		cr_assert_eq(st.truncated, !boundary);
		tt_reader_free(r);
		free(copy);
	}
	free(b.p);
}

Test(format, flipped_bytes_never_wrong_data, .timeout = 100)
{
	struct tt_writer_opts o = { .block_bytes = 1024 };
	const uint64_t n = 40;
	struct dbuf b = make_file(n, &o);
	uint64_t offs[64];
	size_t nb = block_offsets(&b, offs, 64);
	uint8_t *copy = malloc(b.n);

	cr_assert(nb >= 3);
	for (size_t pos = 0; pos < b.n; pos++) {
		for (int v = 0; v < 3; v++) {
			static const uint8_t x[] = { 0x01, 0x80, 0xFF };
			memcpy(copy, b.p, b.n);
			copy[pos] ^= x[v];
			struct tt_reader *r = tt_reader_open_mem(copy, b.n, "flip");
			if (!r) {
				cr_assert(pos < offs[0], "open failed at %zu", pos);
				continue;
			}
			int errs;
			uint64_t got = read_all_check(r, n, &errs, NULL);
			/* one damaged block loses at most its records (<= 1024 / 72 of them) */
			cr_assert(got + 15 >= n, "flip at %zu lost too much: %llu of %llu", pos,
				  (unsigned long long)got, (unsigned long long)n);
			cr_assert(errs <= 2, "flip at %zu: %d errors", pos, errs);
			if (got < n)
				cr_assert(errs >= 1, "flip at %zu lost records silently", pos);
			tt_reader_free(r);
		}
	}
	free(copy);
	free(b.p);
}

Test(format, random_damage_never_crashes, .timeout = 100)
{
	struct tt_writer_opts o = { .block_bytes = 4096 };
	const uint64_t n = 300;
	struct dbuf b = make_file(n, &o);
	uint8_t *copy = malloc(b.n);
	unsigned seed = 12345;

	for (int iter = 0; iter < 2000; iter++) {
		memcpy(copy, b.p, b.n);
		int flips = 1 + rand_r(&seed) % 8;
		for (int k = 0; k < flips; k++)
			copy[(size_t)rand_r(&seed) % b.n] = (uint8_t)rand_r(&seed);
		/* sometimes also overwrite a run, as a bad disk sector would */
		if (iter % 4 == 0) {
			size_t at = (size_t)rand_r(&seed) % b.n, len = (size_t)rand_r(&seed) % 600;
			if (at + len > b.n)
				len = b.n - at;
			memset(copy + at, iter & 1 ? 0 : 0x51, len);
		}
		struct tt_reader *r = tt_reader_open_mem(copy, b.n, "rnd");
		if (!r)
			continue;
		int errs;
		read_all_check(r, n, &errs, NULL);
		tt_reader_free(r);
	}
	free(copy);
	free(b.p);
}

Test(format, corrupt_middle_block_skipped)
{
	struct tt_writer_opts o = { .block_bytes = 2048 };
	const uint64_t n = 200;
	struct dbuf b = make_file(n, &o);
	uint64_t offs[128];
	size_t nb = block_offsets(&b, offs, 128);
	struct tt_record rec;
	uint64_t in_block2 = 0, got = 0;
	char want[64];
	int ret, errs = 0;

	cr_assert(nb >= 5);
	{
		struct tt_reader *r = tt_reader_open_mem(b.p, b.n, "f");
		while (tt_reader_next(r, &rec) == 1)
			in_block2 += rec.block == 2;
		tt_reader_free(r);
	}
	/* damage the middle of block 2's zstd frame */
	b.p[(offs[2] + offs[3]) / 2 + 20] ^= 0x5A;
	struct tt_reader *r = tt_reader_open_mem(b.p, b.n, "mid");
	while ((ret = tt_reader_next(r, &rec)) != 0) {
		if (ret < 0) {
			errs++;
			/* the offset names the damaged frame: inside block 2 */
			unsigned long long at = 0;
			cr_assert_eq(sscanf(tt_reader_errmsg(r), "mid: offset %llu", &at), 1);
			cr_assert(at >= offs[2] && at < offs[3], "%s", tt_reader_errmsg(r));
			snprintf(want, sizeof(want), "(block 2): ");
			cr_assert(strstr(tt_reader_errmsg(r), want), "%s", tt_reader_errmsg(r));
			continue;
		}
		cr_assert_neq(rec.block, 2);
		got++;
	}
	cr_assert_eq(errs, 1);
	cr_assert_eq(got, n - in_block2);
	struct tt_reader_stats st;
	tt_reader_get_stats(r, &st);
	cr_assert_eq(st.bad_blocks, 1);
	cr_assert_eq(st.blocks, nb - 1);
	tt_reader_free(r);
	free(b.p);
}

Test(format, garbage_between_blocks_and_concatenated_files)
{
	struct tt_writer_opts o = { .block_bytes = 2048 };
	const uint64_t n = 100;
	struct dbuf b = make_file(n, &o), g = { 0 };
	uint64_t offs[64];
	size_t nb = block_offsets(&b, offs, 64);
	uint8_t junk[3000];
	int errs;

	cr_assert(nb >= 3);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 2654435761u >> 13);
	db_put(&g, b.p, offs[2]);
	db_put(&g, junk, sizeof(junk));
	db_put(&g, b.p + offs[2], b.n - offs[2]);
	struct tt_reader *r = tt_reader_open_mem(g.p, g.n, "g");
	cr_assert_eq(read_all_check(r, n, &errs, NULL), n);
	cr_assert_eq(errs, 1);
	tt_reader_free(r);

	/* cat a b: the second header and the first index are skippable frames */
	g.n = 0;
	db_put(&g, b.p, b.n);
	db_put(&g, b.p, b.n);
	r = tt_reader_open_mem(g.p, g.n, "cat");
	struct tt_record rec;
	uint64_t got = 0;
	while (tt_reader_next(r, &rec) == 1) {
		cr_assert(rec_is(&rec, got % n));
		got++;
	}
	cr_assert_eq(got, 2 * n);
	tt_reader_free(r);
	free(g.p);
	free(b.p);
}

Test(format, pipe_write_and_read)
{
	int p[2];
	const uint64_t n = 20000; /* several MiB: far more than the pipe buffer */
	struct tt_writer_opts o = { .block_bytes = 256 * 1024 };

	cr_assert_eq(pipe(p), 0);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		struct tt_file_info fi = test_info();
		close(p[0]);
		struct tt_writer *w = tt_writer_open(p[1], &fi, &o);
		if (!w)
			_exit(3);
		for (uint64_t i = 0; i < n; i++) {
			struct gen g;
			gen_rec(i, &g);
			if (tt_writer_add(w, g.type, g.body, g.body_len, g.payload, g.plen))
				_exit(4);
		}
		_exit(tt_writer_close(w) ? 5 : 0);
	}
	close(p[1]);
	struct tt_reader *r = tt_reader_open_fd(p[0], "<pipe>");
	cr_assert_not_null(r, "%s", tt_reader_open_error());
	struct tt_record rec;
	uint64_t i = 0;
	int ret;
	while ((ret = tt_reader_next(r, &rec)) == 1) {
		cr_assert(rec_is(&rec, i), "record %llu", (unsigned long long)i);
		i++;
	}
	cr_assert_eq(ret, 0, "%s", tt_reader_errmsg(r));
	cr_assert_eq(i, n);
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer status %d", status);
	tt_reader_free(r);
	close(p[0]);
}

Test(format, write_error_is_sticky)
{
	struct tt_file_info fi = test_info();
	int full = open("/dev/full", O_WRONLY);
	cr_assert(full >= 0);

	errno = 0;
	cr_assert_null(tt_writer_open(full, &fi, NULL));
	cr_assert_eq(errno, ENOSPC);

	/* A writer that starts fine, then the disk fills up. */
	int fd = tmp_fd();
	struct tt_writer_opts o = { .block_bytes = 4096 };
	struct tt_writer *w = tt_writer_open(fd, &fi, &o);
	cr_assert_not_null(w);
	add_gen(w, 0);
	cr_assert_eq(tt_writer_flush(w), 0);
	cr_assert(dup2(full, fd) == fd);
	int ret = 0;
	uint64_t i;
	for (i = 1; i < 1000 && ret == 0; i++) {
		struct gen g;
		gen_rec(i, &g);
		ret = tt_writer_add(w, g.type, g.body, g.body_len, g.payload, g.plen);
	}
	cr_assert_eq(ret, -ENOSPC, "add returned %d after %llu records", ret,
		     (unsigned long long)i);
	cr_assert_eq(tt_writer_add(w, TT_REC_CLOSE, "12345678", 8, NULL, 0), -ENOSPC);
	cr_assert_eq(tt_writer_tick(w, 1000000), -ENOSPC);
	cr_assert_eq(tt_writer_flush(w), -ENOSPC);
	cr_assert_eq(tt_writer_close(w), -ENOSPC);
	cr_assert_eq(tt_writer_close(NULL), 0);
	close(fd);
	close(full);
}

Test(format, close_reports_error_of_last_block)
{
	/* the error happens only in close's flush */
	struct tt_file_info fi = test_info();
	int full = open("/dev/full", O_WRONLY), fd = tmp_fd();
	struct tt_writer *w = tt_writer_open(fd, &fi, NULL);
	cr_assert_not_null(w);
	add_gen(w, 1);
	cr_assert(dup2(full, fd) == fd);
	cr_assert_eq(tt_writer_close(w), -ENOSPC);
	close(fd);
	close(full);
}

/* Seek: blocks of 10 records each, ts = 1000 + i. */
static void check_seek(struct tt_reader *r, uint64_t ts, uint64_t n)
{
	struct tt_record rec;
	uint64_t first = UINT64_MAX;
	int errs;

	cr_assert_eq(tt_reader_seek_time(r, ts), 0);
	uint64_t got = read_all_check(r, n, &errs, &first);
	cr_assert_eq(errs, 0, "%s", tt_reader_errmsg(r));
	if (ts >= 1000 + n) {
		cr_assert_eq(got, 0);
		return;
	}
	/* the first record returned is the first of the block that holds ts */
	uint64_t want = ts < 1000 ? 0 : (ts - 1000) / 10 * 10;
	cr_assert_eq(first, want, "seek %llu: first %llu want %llu", (unsigned long long)ts,
		     (unsigned long long)first, (unsigned long long)want);
	cr_assert_eq(got, n - want);
	(void)rec;
}

static struct dbuf seek_file(uint64_t n, int no_index)
{
	struct tt_file_info fi = test_info();
	int fd = tmp_fd();
	struct tt_writer_opts o = { .no_index = no_index };
	struct tt_writer *w = tt_writer_open(fd, &fi, &o);
	for (uint64_t i = 0; i < n; i++) {
		add_gen(w, i);
		if (i % 10 == 9)
			cr_assert_eq(tt_writer_flush(w), 0);
	}
	cr_assert_eq(tt_writer_close(w), 0);
	struct dbuf b = slurp(fd);
	close(fd);
	return b;
}

Test(format, seek_with_index)
{
	const uint64_t n = 500;
	struct dbuf b = seek_file(n, 0);
	struct tt_reader *r = tt_reader_open_mem(b.p, b.n, "s");
	struct tt_record rec;

	check_seek(r, 1255, n);
	check_seek(r, 1000 + 37, n); /* backwards: only possible with the index */
	check_seek(r, 0, n);
	check_seek(r, 1499, n);
	check_seek(r, 5000, n);
	tt_reader_free(r);

	/* the same through a file descriptor */
	int fd = tmp_fd();
	cr_assert_eq(write(fd, b.p, b.n), (ssize_t)b.n);
	cr_assert(lseek(fd, 0, SEEK_SET) == 0);
	r = tt_reader_open_fd(fd, "sfd");
	cr_assert_eq(tt_reader_next(r, &rec), 1);
	check_seek(r, 1421, n);
	check_seek(r, 1010, n);
	tt_reader_free(r);
	close(fd);
	free(b.p);
}

Test(format, seek_without_index_and_on_pipe)
{
	const uint64_t n = 500;
	struct dbuf b = seek_file(n, 1);
	struct tt_reader *r = tt_reader_open_mem(b.p, b.n, "s");

	check_seek(r, 1255, n);
	tt_reader_free(r);
	r = tt_reader_open_mem(b.p, b.n, "s");
	check_seek(r, 6000, n);
	tt_reader_free(r);

	/* a pipe, with the index present but unusable (not seekable) */
	struct dbuf bi = seek_file(n, 0);
	int p[2];
	cr_assert_eq(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		size_t off = 0;
		while (off < bi.n) {
			ssize_t k = write(p[1], bi.p + off, bi.n - off);
			if (k <= 0)
				_exit(1);
			off += (size_t)k;
		}
		_exit(0);
	}
	close(p[1]);
	r = tt_reader_open_fd(p[0], "pipe");
	cr_assert_not_null(r);
	check_seek(r, 1333, n);
	tt_reader_free(r);
	close(p[0]);
	waitpid(pid, NULL, 0);
	free(b.p);
	free(bi.p);
}

Test(format, block_closing_by_size)
{
	struct tt_file_info fi = test_info();
	int fd = tmp_fd();
	struct tt_writer_opts o = { .block_bytes = 4096 };
	struct tt_writer *w = tt_writer_open(fd, &fi, &o);
	struct tt_rec_data d = { .ts_ns = 1 };
	static uint8_t big[20000];
	struct tt_writer_stats ws;
	struct tt_record rec;

	/* 72-byte frames: 56 fit in 4096 (4032), the 57th closes... */
	for (int i = 0; i < 57; i++)
		cr_assert_eq(tt_writer_add(w, TT_REC_DATA, &d, sizeof(d), NULL, 0), 0);
	tt_writer_get_stats(w, &ws);
	cr_assert_eq(ws.blocks, 1, "first block closed when the next record would not fit");
	/* a record larger than block_bytes gets a block of its own */
	d.cap_len = sizeof(big);
	d.ts_ns = 2;
	cr_assert_eq(tt_writer_add_data(w, &d, big), 0);
	tt_writer_get_stats(w, &ws);
	cr_assert_eq(ws.blocks, 3);
	d.cap_len = 0;
	d.ts_ns = 3;
	cr_assert_eq(tt_writer_add_data(w, &d, NULL), 0);
	cr_assert_eq(tt_writer_close(w), 0);
	struct dbuf b = slurp(fd);
	struct tt_reader *r = tt_reader_open_mem(b.p, b.n, "m");
	uint64_t per[8] = { 0 };
	while (tt_reader_next(r, &rec) == 1) {
		cr_assert(rec.block < 8);
		per[rec.block]++;
		if (rec.u.data.ts_ns == 2)
			cr_assert_eq(rec.block, 2);
	}
	cr_assert_eq(per[0], 56);
	cr_assert_eq(per[1], 1);
	cr_assert_eq(per[2], 1);
	cr_assert_eq(per[3], 1);
	tt_reader_free(r);
	close(fd);
	free(b.p);
}

Test(format, block_closing_by_tick_survives_kill)
{
	struct tt_file_info fi = test_info();
	int fd = tmp_fd();
	struct tt_writer_opts o = { .block_ms = 100 };
	struct tt_writer *w = tt_writer_open(fd, &fi, &o);
	struct tt_writer_stats ws;
	struct tt_record rec;

	cr_assert_eq(tt_writer_tick(w, 1000), 0);
	add_gen(w, 0);
	add_gen(w, 1);
	cr_assert_eq(tt_writer_tick(w, 1050), 0);
	tt_writer_get_stats(w, &ws);
	cr_assert_eq(ws.blocks, 0, "block younger than block_ms stays open");
	cr_assert_eq(tt_writer_tick(w, 1100), 0);
	tt_writer_get_stats(w, &ws);
	cr_assert_eq(ws.blocks, 1, "block closed on tick after block_ms");
	cr_assert_eq(tt_writer_tick(w, 5000), 0);
	tt_writer_get_stats(w, &ws);
	cr_assert_eq(ws.blocks, 1, "empty block never written");
	add_gen(w, 2);
	/* the writer is "killed" here: read the file as it is on disk */
	struct dbuf b = slurp(fd);
	struct tt_reader *r = tt_reader_open_mem(b.p, b.n, "live");
	int errs;
	cr_assert_eq(read_all_check(r, 3, &errs, NULL), 2);
	cr_assert_eq(errs, 0);
	tt_reader_free(r);
	free(b.p);
	cr_assert_eq(tt_writer_tick(w, 5099), 0);
	tt_writer_get_stats(w, &ws);
	cr_assert_eq(ws.blocks, 1);
	cr_assert_eq(tt_writer_tick(w, 5100), 0);
	tt_writer_get_stats(w, &ws);
	cr_assert_eq(ws.blocks, 2);
	cr_assert_eq(tt_writer_close(w), 0);
	b = slurp(fd);
	r = tt_reader_open_mem(b.p, b.n, "done");
	cr_assert_eq(tt_reader_next(r, &rec), 1);
	cr_assert_eq(tt_reader_next(r, &rec), 1);
	cr_assert_eq(tt_reader_next(r, &rec), 1);
	cr_assert(rec_is(&rec, 2));
	cr_assert_eq(tt_reader_next(r, &rec), 0);
	tt_reader_free(r);
	close(fd);
	free(b.p);
}

Test(format, bad_arguments)
{
	struct tt_file_info fi = test_info();
	struct tt_writer_opts o = { .block_bytes = (64u << 20) };

	errno = 0;
	cr_assert_null(tt_writer_open(-1, &fi, NULL));
	cr_assert_eq(errno, EINVAL);
	int fd = tmp_fd();
	cr_assert_null(tt_writer_open(fd, &fi, &o));
	cr_assert_eq(errno, EINVAL);
	cr_assert_null(tt_reader_open_fd(-1, "x"));
	tt_reader_free(NULL);
	close(fd);
}

Test(format, real_recordings_read_clean)
{
	/* recordings committed by the recorder's tests (run from the repository root) */
	static const char *const files[] = { "testdata/http-python.tinytap",
					     "testdata/http-nginx.tinytap" };
	int found = 0;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int fd = open(files[i], O_RDONLY);
		if (fd < 0)
			continue;
		found++;
		struct tt_reader *r = tt_reader_open_fd(fd, files[i]);
		cr_assert_not_null(r, "%s", tt_reader_open_error());
		cr_assert_eq(tt_reader_info(r)->version_major, 1);
		struct tt_record rec;
		struct tt_reader_stats st;
		int ret;
		uint64_t data = 0;
		while ((ret = tt_reader_next(r, &rec)) == 1) {
			cr_assert(rec.type >= 1 && rec.type <= TT_REC_TYPE_MAX);
			if (rec.type == TT_REC_DATA) {
				data++;
				cr_assert(rec.u.data.cap_len <= rec.u.data.call_bytes ||
					  (rec.u.data.flags & TT_DATA_NO_PAYLOAD));
			}
		}
		cr_assert_eq(ret, 0, "%s", tt_reader_errmsg(r));
		tt_reader_get_stats(r, &st);
		cr_assert(st.has_end, "%s: clean recording ends with END", files[i]);
		cr_assert(data > 0);
		tt_reader_free(r);
		close(fd);
	}
	if (!found)
		cr_skip_test("no recordings in testdata/ (not run from the repository root?)");
}

static volatile sig_atomic_t alarms;
static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* Incompressible payload for record i. */
static void noise(uint64_t i, uint8_t *p, size_t n)
{
	uint64_t x = i * 0x9E3779B97F4A7C15ull + 1;
	for (size_t k = 0; k < n; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[k] = (uint8_t)x;
	}
}

Test(format, writer_survives_eintr_and_short_writes, .timeout = 60)
{
	/* A slow pipe reader and a 1 ms interval timer without SA_RESTART: the writer's write()
	 * calls (of ~1 MiB incompressible blocks into a 64 KiB pipe) return EINTR or short counts,
	 * and the stream must still be byte-exact. */
	const uint64_t n = 2000;
	const uint32_t plen = 4096;
	struct tt_writer_opts o = { .block_bytes = 1024 * 1024 };
	static uint8_t pl[4096], want[4096];
	int p[2];

	cr_assert_eq(pipe(p), 0);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		close(p[1]);
		struct tt_reader *r = tt_reader_open_fd(p[0], "slow");
		struct tt_record rec;
		uint64_t i = 0;
		int ret;
		if (!r)
			_exit(2);
		while ((ret = tt_reader_next(r, &rec)) == 1) {
			noise(i, want, plen);
			if (rec.type != TT_REC_DATA || rec.u.data.ts_ns != i ||
			    rec.u.data.cap_len != plen || memcmp(rec.payload, want, plen))
				_exit(3);
			if (++i % 100 == 0)
				usleep(1000);
		}
		_exit(ret == 0 && i == n ? 0 : 4);
	}
	close(p[0]);
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART */
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
	cr_assert_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
	struct tt_file_info fi = test_info();
	struct tt_writer *w = tt_writer_open(p[1], &fi, &o);
	cr_assert_not_null(w);
	for (uint64_t i = 0; i < n; i++) {
		struct tt_rec_data d = { .ts_ns = i, .cap_len = plen, .call_bytes = plen };
		noise(i, pl, plen);
		cr_assert_eq(tt_writer_add_data(w, &d, pl), 0);
	}
	cr_assert_eq(tt_writer_close(w), 0);
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	close(p[1]);
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "reader status %d", status);
	cr_assert(alarms > 0, "the timer never fired");
}

Test(format, on_disk_layout_matches_format_md)
{
	/* The byte positions FORMAT.md documents, checked on a file with one CLOSE record. */
	struct tt_file_info fi;
	struct tt_rec_close c = { .ts_ns = 1000, .sock_id = 7, .pid = 1, .tid = 2, .fd = 3 };
	int fd = tmp_fd();

	memset(&fi, 0, sizeof(fi));
	strcpy(fi.hostname, "h");
	fi.snaplen = 65536;
	fi.start_wall_ns = -5;
	fi.start_boot_ns = 1000;
	struct tt_writer *w = tt_writer_open(fd, &fi, NULL);
	cr_assert_eq(tt_writer_add(w, TT_REC_CLOSE, &c, sizeof(c), NULL, 0), 0);
	cr_assert_eq(tt_writer_close(w), 0);
	struct dbuf b = slurp(fd);
	const uint8_t *p = b.p;

	/* file header: 40 fixed + TLVs 1 "h", 2 "", 3 "", 4 "" + END + crc */
	uint32_t s = tt_get32(p + 4);
	cr_assert_eq(tt_get32(p), 0x184D2A50u);
	cr_assert_eq(s, 40 + 5 + 4 + 4 + 4 + 4 + 4);
	cr_assert_eq(memcmp(p + 8, "TTAP", 4), 0);
	cr_assert_eq(tt_get16(p + 12), 1);
	cr_assert_eq(tt_get16(p + 14), 3); /* 1.3: TLS_UNHOOKED (1.2: TLS_DATA, 1.1: CGROUP) */
	cr_assert_eq(memcmp(p + 16, "\x04\x03\x02\x01", 4), 0);
	cr_assert_eq(tt_get32(p + 20), 40);
	cr_assert_eq(tt_get32(p + 24), 65536);
	cr_assert_eq(tt_get32(p + 28), 0);
	cr_assert_eq((int64_t)tt_get64(p + 32), -5);
	cr_assert_eq(tt_get64(p + 40), 1000);
	cr_assert_eq(memcmp(p + 48, "\x01\x00\x01\x00h\x02\x00\x00\x00\x03\x00\x00\x00\x04\x00\x00\x00"
				    "\x00\x00\x00\x00", 21), 0);
	cr_assert_eq(tt_get32(p + 8 + s - 4), tt_wire_crc32(p + 8, s - 4));
	/* block header */
	const uint8_t *h = p + 8 + s;
	size_t hoff = 8 + s;
	cr_assert_eq(tt_get32(h), 0x184D2A51u);
	cr_assert_eq(tt_get32(h + 4), 48);
	cr_assert_eq(memcmp(h + 8, "TTBK", 4), 0);
	uint32_t comp = tt_get32(h + 12);
	cr_assert_eq(tt_get64(h + 16), 0, "seq");
	cr_assert_eq(tt_get32(h + 24), 8 + 32, "raw_len");
	cr_assert_eq(tt_get32(h + 28), 1, "records");
	cr_assert_eq(tt_get64(h + 32), 1000, "first_ts");
	cr_assert_eq(tt_get64(h + 40), 1000, "last_ts");
	cr_assert_eq(tt_get32(h + 48), 0, "flags");
	cr_assert_eq(tt_get32(h + 52), tt_wire_crc32(h + 8, 44));
	/* zstd frame with checksum flag and content size, decoding to the record frame */
	const uint8_t *z = h + 56;
	cr_assert_eq(tt_get32(z), 0xFD2FB528u);
	cr_assert(z[4] & 0x04, "checksum flag");
	cr_assert_eq(ZSTD_getFrameContentSize(z, comp), 40);
	uint8_t raw[40];
	cr_assert_eq(ZSTD_decompress(raw, sizeof(raw), z, comp), 40);
	cr_assert_eq(tt_get32(raw), TT_REC_CLOSE);
	cr_assert_eq(tt_get32(raw + 4), 32);
	cr_assert_eq(memcmp(raw + 8, &c, 32), 0);
	/* index and footer */
	const uint8_t *x = z + comp;
	cr_assert_eq((size_t)(x - p) + 8 + 8 + 40 + 16, b.n);
	cr_assert_eq(tt_get32(x), 0x184D2A52u);
	cr_assert_eq(tt_get32(x + 4), 8 + 40 + 16);
	cr_assert_eq(memcmp(x + 8, "TTIX", 4), 0);
	cr_assert_eq(tt_get32(x + 12), 40);
	cr_assert_eq(tt_get64(x + 16), hoff, "entry offset");
	cr_assert_eq(tt_get64(x + 24), 0, "entry seq");
	cr_assert_eq(tt_get32(x + 32), 56 + comp, "entry length");
	cr_assert_eq(tt_get32(x + 36), 1, "entry records");
	cr_assert_eq(tt_get64(x + 40), 1000);
	cr_assert_eq(tt_get64(x + 48), 1000);
	const uint8_t *f = p + b.n - 16;
	cr_assert_eq(tt_get32(f), 1);
	cr_assert_eq(tt_get16(f + 4), 40);
	cr_assert_eq(tt_get16(f + 6), 0);
	cr_assert_eq(tt_get32(f + 8), tt_wire_crc32(x + 8, 8 + 40));
	cr_assert_eq(memcmp(f + 12, "TTIF", 4), 0);
	close(fd);
	free(b.p);
}

/* --- prefetching (tt_reader_set_prefetch) ------------------------------------------------- */

static void db_str(struct dbuf *b, const char *s)
{
	db_put(b, s, strlen(s) + 1);
}

/* Everything a caller can observe while reading r to its end: each call's result, each record
 * (every field and its payload), each error message and the stats after each call. seek_at > 0:
 * after that many calls, seek to seek_ts and go on. */
static struct dbuf observe(struct tt_reader *r, uint64_t seek_at, uint64_t seek_ts)
{
	struct dbuf b = { 0 };
	struct tt_record rec;
	struct tt_reader_stats st;
	uint64_t calls = 0;
	int ret, guard = 0;

	for (;;) {
		if (seek_at && calls == seek_at) {
			ret = tt_reader_seek_time(r, seek_ts);
			db_put(&b, &ret, sizeof(ret));
			db_str(&b, tt_reader_errmsg(r));
		}
		memset(&rec, 0, sizeof(rec));
		ret = tt_reader_next(r, &rec);
		calls++;
		cr_assert(++guard < 1000000, "reader does not terminate");
		db_put(&b, &ret, sizeof(ret));
		if (ret == 1) {
			db_put(&b, &rec, offsetof(struct tt_record, payload));
			if (rec.type == TT_REC_DATA && rec.payload)
				db_put(&b, rec.payload, rec.u.data.cap_len);
		} else if (ret < 0) {
			db_str(&b, tt_reader_errmsg(r));
		}
		tt_reader_get_stats(r, &st);
		db_put(&b, &st, sizeof(st));
		if (ret == 0)
			break;
		if (ret < 0 && ret != -EBADMSG)
			break;
	}
	/* the end stays the end */
	ret = tt_reader_next(r, &rec);
	db_put(&b, &ret, sizeof(ret));
	return b;
}

/* The same input read with and without prefetching (from memory and from a file), with an
 * optional seek in the middle, must look the same to the caller. */
static void same_with_prefetch(const uint8_t *p, size_t n, uint64_t seek_at, uint64_t seek_ts,
			       const char *what)
{
	struct tt_reader *r0 = tt_reader_open_mem(p, n, "in");
	if (!r0) {
		struct tt_reader *r1 = tt_reader_open_mem(p, n, "in");
		cr_assert_null(r1, "%s: opens only with prefetching", what);
		return;
	}
	struct dbuf want = observe(r0, seek_at, seek_ts);
	tt_reader_free(r0);
	for (unsigned blocks = 1; blocks <= 3; blocks += 2) {
		struct tt_reader *r1 = tt_reader_open_mem(p, n, "in");
		cr_assert_not_null(r1);
		cr_assert_eq(tt_reader_set_prefetch(r1, blocks), 0);
		struct dbuf got = observe(r1, seek_at, seek_ts);
		tt_reader_free(r1);
		cr_assert(got.n == want.n && !memcmp(got.p, want.p, got.n),
			  "%s: prefetch %u differs from the plain reader (memory)", what, blocks);
		free(got.p);
	}
	/* a file: the thread reads ahead of the caller in the fd, a seek puts it back */
	int fd = tmp_fd();
	cr_assert_eq(write(fd, p, n), (ssize_t)n);
	cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
	struct tt_reader *r2 = tt_reader_open_fd(fd, "in");
	cr_assert_not_null(r2);
	cr_assert_eq(tt_reader_set_prefetch(r2, 2), 0);
	struct dbuf got = observe(r2, seek_at, seek_ts);
	tt_reader_free(r2);
	close(fd);
	cr_assert(got.n == want.n && !memcmp(got.p, want.p, got.n),
		  "%s: prefetch differs from the plain reader (file)", what);
	free(got.p);
	free(want.p);
}

Test(format, prefetch_reads_the_same, .timeout = 300)
{
	struct tt_writer_opts o = { .block_bytes = 2048 };
	const uint64_t n = 400;
	struct dbuf b = make_file(n, &o);
	uint8_t *copy = malloc(b.n);
	unsigned seed = 4242;

	cr_assert(block_offsets(&b, (uint64_t[256]){ 0 }, 256) >= 10);
	same_with_prefetch(b.p, b.n, 0, 0, "whole file");
	for (uint64_t at = 1; at < n; at += 37)
		same_with_prefetch(b.p, b.n, at, 1000 + (at * 7) % n, "whole file, seek");
	/* cut anywhere: truncated blocks, truncated headers */
	for (size_t cut = 0; cut <= b.n; cut += 1 + cut % 97) {
		char what[64];
		snprintf(what, sizeof(what), "cut at %zu", cut);
		same_with_prefetch(b.p, cut, 0, 0, what);
	}
	/* damage: corrupt blocks skipped and resynchronised, in a row and apart */
	for (int iter = 0; iter < 300; iter++) {
		char what[64];
		memcpy(copy, b.p, b.n);
		int flips = 1 + rand_r(&seed) % 6;
		for (int k = 0; k < flips; k++)
			copy[(size_t)rand_r(&seed) % b.n] ^= (uint8_t)(1 + rand_r(&seed) % 255);
		if (iter % 3 == 0) {
			size_t at = (size_t)rand_r(&seed) % b.n, len = (size_t)rand_r(&seed) % 3000;
			if (at + len > b.n)
				len = b.n - at;
			memset(copy + at, iter & 1 ? 0 : 0x51, len);
		}
		snprintf(what, sizeof(what), "damage %d", iter);
		same_with_prefetch(copy, b.n, iter % 4 ? 0 : (uint64_t)(iter % 50) + 1,
				   1000 + (uint64_t)(iter * 13) % n, what);
	}
	free(copy);
	free(b.p);
}

Test(format, prefetch_refuses_pipes_and_twice)
{
	struct tt_writer_opts o = { 0 };
	struct dbuf b = make_file(10, &o);
	int p[2];

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(write(p[1], b.p, b.n), (ssize_t)b.n);
	close(p[1]);
	struct tt_reader *r = tt_reader_open_fd(p[0], "<pipe>");
	cr_assert_not_null(r);
	cr_assert_eq(tt_reader_set_prefetch(r, 2), -ESPIPE);
	int errs;
	cr_assert_eq(read_all_check(r, 10, &errs, NULL), 10);
	cr_assert_eq(errs, 0);
	tt_reader_free(r);
	close(p[0]);
	r = tt_reader_open_mem(b.p, b.n, "m");
	cr_assert_eq(tt_reader_set_prefetch(r, 0), 0);
	cr_assert_eq(tt_reader_set_prefetch(r, 2), 0);
	cr_assert_eq(tt_reader_set_prefetch(r, 2), -EBUSY);
	cr_assert_eq(read_all_check(r, 10, &errs, NULL), 10);
	tt_reader_free(r);
	/* freed before reading, and freed in the middle of a read */
	r = tt_reader_open_mem(b.p, b.n, "m");
	cr_assert_eq(tt_reader_set_prefetch(r, 2), 0);
	tt_reader_free(r);
	free(b.p);
}
