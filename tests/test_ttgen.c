// SPDX-License-Identifier: MIT
/*
 * tests/test_ttgen.c - the recording generator (tests/lib/ttgen.h): what each call writes, read
 * back with the reader or taken from a sink. The generators' own outputs are pinned by the
 * golden recordings.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "format/reader.h"
#include "tests/lib/ttgen.h"

#define MAXREC 64

struct recs {
	size_t n;
	struct tt_record r[MAXREC];
	uint8_t *payload[MAXREC]; /* owned copies */
};

static struct tt_gen *open_mem(int *fd)
{
	*fd = memfd_create("ttgen", 0);
	cr_assert_geq(*fd, 0);
	struct tt_gen *g = tt_gen_open_fd(*fd, NULL, NULL);
	cr_assert_not_null(g);
	return g;
}

/* Closes g and reads back every record of fd. */
static void close_and_read(struct tt_gen *g, int fd, struct recs *out)
{
	cr_assert_eq(tt_gen_close(g), 0);
	cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
	struct tt_reader *r = tt_reader_open_fd(fd, "mem");
	cr_assert_not_null(r);
	memset(out, 0, sizeof(*out));
	struct tt_record rec;
	int rc;
	while ((rc = tt_reader_next(r, &rec)) == 1) {
		cr_assert_lt(out->n, MAXREC);
		out->r[out->n] = rec;
		if (rec.type == TT_REC_DATA && rec.u.data.cap_len) {
			out->payload[out->n] = malloc(rec.u.data.cap_len);
			memcpy(out->payload[out->n], rec.payload, rec.u.data.cap_len);
		}
		out->n++;
	}
	cr_assert_eq(rc, 0, "%s", tt_reader_errmsg(r));
	tt_reader_free(r);
	close(fd);
}

static void free_recs(struct recs *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		free(rs->payload[i]);
}

static const struct tt_rec_data *data_at(const struct recs *rs, size_t i)
{
	cr_assert_lt(i, rs->n);
	cr_assert_eq(rs->r[i].type, TT_REC_DATA, "record %zu is type %u", i, rs->r[i].type);
	return &rs->r[i].u.data;
}

Test(ttgen, tcp_pair_send_close)
{
	int fd;
	struct tt_gen *g = open_mem(&fd);
	uint64_t t0 = tt_gen_now(g);
	cr_assert_eq(t0, TT_GEN_BOOT_NS);
	struct tt_gen_pair p;
	tt_gen_pair_tcp(&p, 11, 100, 40001, 12, 200, 8080);
	tt_gen_pair_connect(g, &p);
	tt_gen_to_server(g, &p, "PING\r\n");
	tt_gen_to_client(g, &p, "+PONG\r\n");
	tt_gen_pair_close(g, &p);
	/* 2 CONNs (5 us each), 2 sends (30 + 40 us each), 2 CLOSEs (10 us each) */
	cr_assert_eq(tt_gen_now(g), t0 + (2 * 5 + 2 * 70 + 2 * 10) * 1000ull);
	struct recs rs;
	close_and_read(g, fd, &rs);
	cr_assert_eq(rs.n, 8);

	const struct tt_rec_conn *c = &rs.r[0].u.conn, *s = &rs.r[1].u.conn;
	cr_assert_eq(rs.r[0].type, TT_REC_CONN);
	cr_assert_eq(c->sock_id, 11);
	cr_assert_eq(c->role, TT_ROLE_CLIENT);
	cr_assert_eq(c->origin, TT_ORIGIN_CONNECT);
	cr_assert_eq(c->protocol, 6);
	cr_assert_eq(c->local.port, 40001);
	cr_assert_eq(c->remote.port, 8080);
	cr_assert_eq(s->sock_id, 12);
	cr_assert_eq(s->role, TT_ROLE_SERVER);
	cr_assert_eq(s->local.port, 8080);
	cr_assert_eq(s->remote.port, 40001);
	cr_assert_eq(s->ts_ns, t0 + 5000);
	cr_assert_eq(memcmp(s->local.addr, "\x7f\0\0\1", 4), 0);

	const struct tt_rec_data *w = data_at(&rs, 2), *r = data_at(&rs, 3);
	cr_assert_eq(w->sock_id, 11);
	cr_assert_eq(w->dir, TT_DIR_EGRESS);
	cr_assert_eq(w->syscall, TT_SYS_WRITE);
	cr_assert_eq(w->ts_ns, t0 + 10000);
	cr_assert_eq(w->ts_enter_ns, w->ts_ns - 2000);
	cr_assert_eq(w->call_bytes, 6);
	cr_assert_eq(memcmp(rs.payload[2], "PING\r\n", 6), 0);
	cr_assert_eq(r->sock_id, 12);
	cr_assert_eq(r->dir, TT_DIR_INGRESS);
	cr_assert_eq(r->syscall, TT_SYS_READ);
	cr_assert_eq(r->ts_ns, w->ts_ns + 30000);
	cr_assert_eq(data_at(&rs, 4)->sock_id, 12, "the reply is written by the server");
	cr_assert_eq(data_at(&rs, 4)->ts_ns, r->ts_ns + 40000);
	cr_assert_eq(rs.r[6].type, TT_REC_CLOSE);
	cr_assert_eq(rs.r[6].u.close.sock_id, 11);
	cr_assert_eq(rs.r[7].u.close.sock_id, 12);
	free_recs(&rs);
}

Test(ttgen, send_splits_calls_and_skips_unrecorded_end)
{
	int fd;
	struct tt_gen *g = open_mem(&fd);
	tt_gen_pace(g)->max_call = 4;
	struct tt_gen_pair p;
	tt_gen_pair_tcp(&p, 0, 0, 0, 12, 200, 8080); /* the client end is not recorded */
	uint64_t t0 = tt_gen_now(g);
	tt_gen_send(g, &p, TT_GEN_TO_SERVER, "abcdefghij", 10);
	tt_gen_send(g, &p, TT_GEN_TO_SERVER, "", 0);
	cr_assert_eq(tt_gen_now(g), t0 + 3 * 70000, "3 calls, paced as if both ends were there");
	struct recs rs;
	close_and_read(g, fd, &rs);
	cr_assert_eq(rs.n, 3);
	const char *want[] = {"abcd", "efgh", "ij"};
	for (size_t i = 0; i < 3; i++) {
		cr_assert_eq(data_at(&rs, i)->sock_id, 12);
		cr_assert_eq(data_at(&rs, i)->cap_len, strlen(want[i]));
		cr_assert_eq(memcmp(rs.payload[i], want[i], strlen(want[i])), 0);
	}
	free_recs(&rs);
}

Test(ttgen, unix_pair_is_written_as_the_recorder_does)
{
	int fd;
	struct tt_gen *g = open_mem(&fd);
	struct tt_gen_pair p;
	tt_gen_pair_unix(&p, 21, 100, 22, 300, "/run/redis.sock");
	tt_gen_pair_connect(g, &p);
	tt_gen_to_server(g, &p, "x");
	struct recs rs;
	close_and_read(g, fd, &rs);
	cr_assert_eq(rs.n, 4);
	for (int i = 0; i < 2; i++) {
		const struct tt_rec_conn *c = &rs.r[i].u.conn;
		cr_assert_eq(c->local.family, TT_AF_UNIX);
		cr_assert_eq(c->remote.family, TT_AF_UNIX);
		cr_assert_eq(c->protocol, 0);
		cr_assert_str_eq(c->unix_path, "/run/redis.sock");
		cr_assert_eq(c->unix_peer_id, i ? 21 : 22);
	}
	cr_assert_eq(data_at(&rs, 2)->flags, TT_DATA_UNIX);
	cr_assert_eq(data_at(&rs, 3)->flags, TT_DATA_UNIX);
	free_recs(&rs);
}

Test(ttgen, calls_with_flags_and_segments)
{
	int fd;
	struct tt_gen *g = open_mem(&fd);
	struct tt_gen_pair p;
	tt_gen_pair_tcp(&p, 11, 100, 40001, 12, 200, 8080);
	const struct tt_gen_call cut = {.flags = TT_DATA_TRUNCATED, .call_bytes = 1000},
				 drop = {.flags = TT_DATA_DROPPED},
				 sendfile = {.syscall = TT_SYS_SENDFILE,
					     .flags = TT_DATA_NO_PAYLOAD,
					     .call_bytes = 5000},
				 seg = {.syscall = TT_SYS_RECVFROM, .seg_off = 100, .seg_max = 4};
	tt_gen_send_call(g, &p, TT_GEN_TO_CLIENT, &cut, &cut, "HTTP", 4);
	tt_gen_send_call(g, &p, TT_GEN_TO_CLIENT, &drop, NULL, "lost", 4);
	tt_gen_data(g, &p.server, TT_DIR_EGRESS, &sendfile, NULL, 0);
	tt_gen_data(g, &p.client, TT_DIR_INGRESS, &seg, "0123456789", 10);
	struct recs rs;
	close_and_read(g, fd, &rs);
	cr_assert_eq(rs.n, 8);
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(data_at(&rs, i)->flags, TT_DATA_TRUNCATED);
		cr_assert_eq(data_at(&rs, i)->call_bytes, 1000);
		cr_assert_eq(data_at(&rs, i)->cap_len, 4);
	}
	cr_assert_eq(data_at(&rs, 2)->flags, TT_DATA_DROPPED);
	cr_assert_eq(data_at(&rs, 2)->call_bytes, 4);
	cr_assert_eq(data_at(&rs, 2)->cap_len, 0);
	cr_assert_eq(data_at(&rs, 3)->flags, 0, "the read of a dropped write is whole");
	cr_assert_eq(data_at(&rs, 3)->cap_len, 4);
	cr_assert_eq(data_at(&rs, 4)->syscall, TT_SYS_SENDFILE);
	cr_assert_eq(data_at(&rs, 4)->call_bytes, 5000);
	cr_assert_eq(data_at(&rs, 4)->cap_len, 0);
	for (size_t i = 5; i < 8; i++) {
		const struct tt_rec_data *d = data_at(&rs, i);
		cr_assert_eq(d->syscall, TT_SYS_RECVFROM);
		cr_assert_eq(d->call_bytes, 10);
		cr_assert_eq(d->seg_off, 100 + (i - 5) * 4);
		cr_assert_eq(d->cap_len, i < 7 ? 4 : 2);
		cr_assert_eq(d->ts_ns, data_at(&rs, 5)->ts_ns, "segments of one call, one instant");
	}
	cr_assert_eq(memcmp(rs.payload[7], "89", 2), 0);
	free_recs(&rs);
}

Test(ttgen, first_error_is_kept)
{
	int fd;
	struct tt_gen *g = open_mem(&fd);
	cr_assert_eq(tt_gen_process(g, 100, 1, "curl", "/usr/bin/curl"), 0);
	cr_assert_eq(tt_gen_record(g, 0, "\0\0\0\0\0\0\0\0", 8, NULL, 0), -EINVAL);
	cr_assert_eq(tt_gen_process(g, 101, 1, "curl", "/usr/bin/curl"), -EINVAL);
	cr_assert_eq(tt_gen_error(g), -EINVAL);
	cr_assert_eq(tt_gen_close(g), -EINVAL);
	cr_assert_eq(tt_gen_close(NULL), 0);
	close(fd);
}

Test(ttgen, byte_strings)
{
	struct tt_gen_buf b = {.max = 16};
	cr_assert_eq(tt_gen_buf_printf(&b, "*%d\r\n", 2), 0);
	cr_assert_eq(tt_gen_buf_put(&b, "\0\1", 2), 0);
	cr_assert_eq(b.len, 6);
	cr_assert_eq(memcmp(b.p, "*2\r\n\0\1", 6), 0);
	cr_assert_eq(tt_gen_buf_put(&b, "0123456789abc", 11), -EMSGSIZE);
	cr_assert_eq(b.len, 6, "a failed append leaves the string as it was");
	cr_assert_eq(tt_gen_buf_put(&b, "x", 1), -EMSGSIZE, "and later ones fail too");

	int fd;
	struct tt_gen *g = open_mem(&fd);
	struct tt_gen_pair p;
	tt_gen_pair_tcp(&p, 11, 100, 40001, 12, 200, 8080);
	cr_assert_eq(tt_gen_send_buf(g, &p, TT_GEN_TO_SERVER, &b), -EMSGSIZE);
	cr_assert_eq(tt_gen_close(g), -EMSGSIZE);
	close(fd);
	tt_gen_buf_free(&b);
	cr_assert_null(b.p);
	cr_assert_eq(b.max, 16);
}

struct collected {
	size_t n;
	uint32_t type[8];
	uint64_t ts[8];
	char payload[64];
	int fail_at; /* 1-based record number to refuse, 0: none */
};

static int collect(void *ctx, uint32_t type, const void *body, uint32_t body_len,
		   const void *payload, uint32_t payload_len)
{
	struct collected *c = ctx;
	cr_assert_lt(c->n, 8);
	cr_assert_geq(body_len, 8);
	if (c->fail_at && (int)c->n + 1 == c->fail_at)
		return -EPIPE;
	c->type[c->n] = type;
	memcpy(&c->ts[c->n], body, 8);
	if (payload_len)
		strncat(c->payload, payload, payload_len);
	c->n++;
	return 0;
}

Test(ttgen, sink_gets_the_records)
{
	struct collected c = {0};
	struct tt_gen *g = tt_gen_open_sink(collect, &c, 5000000);
	cr_assert_not_null(g);
	struct tt_gen_pair p;
	tt_gen_pair_tcp(&p, 11, 100, 40001, 12, 200, 6379);
	tt_gen_pair_connect(g, &p);
	tt_gen_to_server(g, &p, "PING\r\n");
	cr_assert_eq(tt_gen_writer_tick(g), 0);
	cr_assert_eq(tt_gen_close(g), 0);
	cr_assert_eq(c.n, 4);
	cr_assert_eq(c.type[0], TT_REC_CONN);
	cr_assert_eq(c.ts[0], 5000000);
	cr_assert_eq(c.type[3], TT_REC_DATA);
	cr_assert_eq(c.ts[3], 5000000 + 10000 + 30000);
	cr_assert_str_eq(c.payload, "PING\r\nPING\r\n");

	struct collected d = {.fail_at = 2};
	g = tt_gen_open_sink(collect, &d, 0);
	tt_gen_pair_connect(g, &p);
	cr_assert_eq(tt_gen_to_server(g, &p, "x"), -EPIPE);
	cr_assert_eq(tt_gen_close(g), -EPIPE);
	cr_assert_eq(d.n, 1, "nothing after the sink's error");
}
