// SPDX-License-Identifier: MIT
/*
 * tests/lib/ttgen.c - synthetic .tinytap recordings (see ttgen.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/lib/ttgen.h"

struct tt_gen {
	struct tt_writer *w; /* owned; NULL: records go to sink */
	tt_gen_sink_fn sink;
	void *ctx; /* the sink's, borrowed */
	int fd;
	int own_fd; /* 1: opened by tt_gen_open, closed by tt_gen_close */
	int err;    /* first error, 0 if none */
	uint64_t now;
	struct tt_gen_pace pace;
};

static const struct tt_gen_pace default_pace = {
    .call_us = 2,
    .conn_us = 5,
    .transit_us = 30,
    .settle_us = 40,
    .close_us = 10,
    .max_call = 65536,
};

void tt_gen_file_info(struct tt_file_info *fi, const char *recorder, const char *options)
{
	memset(fi, 0, sizeof(*fi));
	snprintf(fi->hostname, sizeof(fi->hostname), "testhost");
	snprintf(fi->kernel, sizeof(fi->kernel), "6.1.0-test");
	snprintf(fi->recorder, sizeof(fi->recorder), "%s", recorder ? recorder : "");
	snprintf(fi->options, sizeof(fi->options), "%s", options ? options : "");
	fi->snaplen = 65536;
	fi->start_boot_ns = TT_GEN_BOOT_NS;
	fi->start_wall_ns = TT_GEN_WALL_NS;
}

struct tt_gen *tt_gen_open_fd(int fd, const struct tt_file_info *fi,
			      const struct tt_writer_opts *wo)
{
	struct tt_file_info def;
	if (!fi) {
		tt_gen_file_info(&def, "ttgen", NULL);
		fi = &def;
	}
	struct tt_gen *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->w = tt_writer_open(fd, fi, wo);
	if (!g->w) {
		int e = errno;
		free(g);
		errno = e;
		return NULL;
	}
	g->fd = fd;
	g->now = fi->start_boot_ns;
	g->pace = default_pace;
	return g;
}

struct tt_gen *tt_gen_open(const char *path, const struct tt_file_info *fi,
			   const struct tt_writer_opts *wo)
{
	int to_stdout = !strcmp(path, "-");
	int fd =
	    to_stdout ? STDOUT_FILENO : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return NULL;
	struct tt_gen *g = tt_gen_open_fd(fd, fi, wo);
	if (!g) {
		int e = errno;
		if (!to_stdout)
			close(fd);
		errno = e;
		return NULL;
	}
	g->own_fd = !to_stdout;
	return g;
}

struct tt_gen *tt_gen_open_sink(tt_gen_sink_fn fn, void *ctx, uint64_t start_boot_ns)
{
	struct tt_gen *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->sink = fn;
	g->ctx = ctx;
	g->fd = -1;
	g->now = start_boot_ns;
	g->pace = default_pace;
	return g;
}

int tt_gen_error(const struct tt_gen *g)
{
	return g->err;
}

static int fail(struct tt_gen *g, int err)
{
	if (err < 0 && !g->err)
		g->err = err;
	return g->err;
}

int tt_gen_close(struct tt_gen *g)
{
	if (!g)
		return 0;
	fail(g, tt_writer_close(g->w));
	if (g->own_fd && close(g->fd) < 0)
		fail(g, -errno);
	int err = g->err;
	free(g);
	return err;
}

void tt_gen_tick(struct tt_gen *g, uint64_t us)
{
	g->now += us * 1000;
}

uint64_t tt_gen_now(const struct tt_gen *g)
{
	return g->now;
}

void tt_gen_set_now(struct tt_gen *g, uint64_t boot_ns)
{
	g->now = boot_ns;
}

struct tt_gen_pace *tt_gen_pace(struct tt_gen *g)
{
	return &g->pace;
}

int tt_gen_writer_tick(struct tt_gen *g)
{
	if (g->err || !g->w)
		return g->err;
	return fail(g, tt_writer_tick(g->w, g->now / 1000000));
}

int tt_gen_record(struct tt_gen *g, uint32_t type, const void *body, uint32_t body_len,
		  const void *payload, uint32_t payload_len)
{
	if (g->err)
		return g->err;
	if (!g->w)
		return fail(g, g->sink(g->ctx, type, body, body_len, payload, payload_len));
	return fail(g, tt_writer_add(g->w, type, body, body_len, payload, payload_len));
}

int tt_gen_process(struct tt_gen *g, uint32_t pid, uint32_t ppid, const char *comm, const char *exe)
{
	struct tt_rec_process p = {
	    .ts_ns = g->now, .pid = pid, .ppid = ppid, .origin = TT_PROC_SCAN};
	snprintf(p.comm, sizeof(p.comm), "%s", comm);
	snprintf(p.exe, sizeof(p.exe), "%s", exe);
	return tt_gen_record(g, TT_REC_PROCESS, &p, sizeof(p), NULL, 0);
}

int tt_gen_clock_sync(struct tt_gen *g, int64_t realtime_ns, uint64_t error_ns)
{
	struct tt_rec_clock_sync cs = {
	    .boot_ns = g->now, .realtime_ns = realtime_ns, .error_ns = error_ns};
	return tt_gen_record(g, TT_REC_CLOCK_SYNC, &cs, sizeof(cs), NULL, 0);
}

int tt_gen_loss(struct tt_gen *g, uint64_t events, uint64_t bytes, uint32_t cpu, uint32_t reason)
{
	struct tt_rec_loss l = {
	    .ts_ns = g->now, .events = events, .bytes = bytes, .cpu = cpu, .reason = reason};
	return tt_gen_record(g, TT_REC_LOSS, &l, sizeof(l), NULL, 0);
}

int tt_gen_end(struct tt_gen *g, const struct tt_rec_stats *totals)
{
	struct tt_rec_stats end = {0};
	if (totals)
		end = *totals;
	end.ts_ns = g->now;
	return tt_gen_record(g, TT_REC_END, &end, sizeof(end), NULL, 0);
}

int tt_gen_sock_conn(struct tt_gen *g, const struct tt_gen_sock *s)
{
	if (!s->conn.sock_id)
		return g->err;
	struct tt_rec_conn c = s->conn;
	c.ts_ns = g->now;
	return tt_gen_record(g, TT_REC_CONN, &c, sizeof(c), NULL, 0);
}

int tt_gen_sock_close(struct tt_gen *g, const struct tt_gen_sock *s)
{
	if (!s->conn.sock_id)
		return g->err;
	struct tt_rec_close c = {.ts_ns = g->now,
				 .sock_id = s->conn.sock_id,
				 .pid = s->conn.pid,
				 .tid = s->conn.tid,
				 .fd = s->conn.fd};
	return tt_gen_record(g, TT_REC_CLOSE, &c, sizeof(c), NULL, 0);
}

int tt_gen_data(struct tt_gen *g, const struct tt_gen_sock *s, int dir, const struct tt_gen_call *c,
		const void *bytes, size_t n)
{
	static const struct tt_gen_call plain;
	if (!c)
		c = &plain;
	if (g->err || !s->conn.sock_id)
		return g->err;
	uint64_t call_ns = (uint64_t)g->pace.call_us * 1000;
	uint8_t sys = c->syscall;
	if (!sys)
		sys = dir == TT_DIR_EGRESS ? s->wr_sys : s->rd_sys;
	struct tt_rec_data d = {
	    .ts_ns = g->now,
	    .ts_enter_ns = g->now > call_ns ? g->now - call_ns : 0,
	    .sock_id = s->conn.sock_id,
	    .pid = s->conn.pid,
	    .tid = s->conn.tid,
	    .fd = s->conn.fd,
	    .dir = (uint8_t)dir,
	    .syscall = sys,
	    .flags = (uint16_t)(s->data_flags | c->flags),
	    .call_bytes = c->call_bytes ? c->call_bytes : n,
	    .msg_idx = c->msg_idx,
	};
	if (d.flags & (TT_DATA_DROPPED | TT_DATA_NO_PAYLOAD))
		n = 0;
	size_t off = 0;
	do { /* once for n = 0: a record without payload */
		size_t k = n - off;
		if (c->seg_max && k > c->seg_max)
			k = c->seg_max;
		if (k > UINT32_MAX)
			return fail(g, -EMSGSIZE);
		d.seg_off = c->seg_off + off;
		d.cap_len = (uint32_t)k;
		tt_gen_record(g, TT_REC_DATA, &d, sizeof(d),
			      k ? (const uint8_t *)bytes + off : NULL, d.cap_len);
		off += k;
	} while (off < n && !g->err);
	return g->err;
}

int tt_gen_write(struct tt_gen *g, const struct tt_gen_sock *s, const void *bytes, size_t n)
{
	return tt_gen_data(g, s, TT_DIR_EGRESS, NULL, bytes, n);
}

int tt_gen_read(struct tt_gen *g, const struct tt_gen_sock *s, const void *bytes, size_t n)
{
	return tt_gen_data(g, s, TT_DIR_INGRESS, NULL, bytes, n);
}

static void sock_init(struct tt_gen_sock *s, uint64_t sock, uint32_t pid, int role)
{
	memset(s, 0, sizeof(*s));
	s->conn.sock_id = sock;
	s->conn.pid = s->conn.tid = pid;
	s->conn.fd = 5;
	s->conn.sock_type = 1; /* SOCK_STREAM */
	s->conn.role = (uint8_t)role;
	s->conn.origin = role == TT_ROLE_CLIENT ? TT_ORIGIN_CONNECT : TT_ORIGIN_ACCEPT;
	s->wr_sys = TT_SYS_WRITE;
	s->rd_sys = TT_SYS_READ;
}

static void set_inet(struct tt_addr *a, uint16_t port)
{
	static const uint8_t loopback[4] = {127, 0, 0, 1};
	a->family = TT_AF_INET;
	a->port = port;
	memcpy(a->addr, loopback, sizeof(loopback));
}

void tt_gen_pair_tcp(struct tt_gen_pair *p, uint64_t client_sock, uint32_t client_pid,
		     uint16_t client_port, uint64_t server_sock, uint32_t server_pid,
		     uint16_t server_port)
{
	sock_init(&p->client, client_sock, client_pid, TT_ROLE_CLIENT);
	sock_init(&p->server, server_sock, server_pid, TT_ROLE_SERVER);
	p->client.conn.protocol = p->server.conn.protocol = 6; /* IPPROTO_TCP */
	set_inet(&p->client.conn.local, client_port);
	set_inet(&p->client.conn.remote, server_port);
	set_inet(&p->server.conn.local, server_port);
	set_inet(&p->server.conn.remote, client_port);
}

void tt_gen_pair_unix(struct tt_gen_pair *p, uint64_t client_sock, uint32_t client_pid,
		      uint64_t server_sock, uint32_t server_pid, const char *path)
{
	sock_init(&p->client, client_sock, client_pid, TT_ROLE_CLIENT);
	sock_init(&p->server, server_sock, server_pid, TT_ROLE_SERVER);
	struct tt_gen_sock *ends[2] = {&p->client, &p->server};
	for (int i = 0; i < 2; i++) {
		struct tt_rec_conn *c = &ends[i]->conn;
		c->local.family = c->remote.family = TT_AF_UNIX;
		c->unix_peer_id = ends[!i]->conn.sock_id;
		snprintf(c->unix_path, sizeof(c->unix_path), "%s", path);
		ends[i]->data_flags = TT_DATA_UNIX;
	}
}

/* rec for the client, us, rec for the server, us. */
static int each_end(struct tt_gen *g, const struct tt_gen_pair *p,
		    int (*rec)(struct tt_gen *, const struct tt_gen_sock *), uint32_t us)
{
	rec(g, &p->client);
	tt_gen_tick(g, us);
	rec(g, &p->server);
	tt_gen_tick(g, us);
	return g->err;
}

int tt_gen_pair_connect(struct tt_gen *g, const struct tt_gen_pair *p)
{
	return each_end(g, p, tt_gen_sock_conn, g->pace.conn_us);
}

int tt_gen_pair_close(struct tt_gen *g, const struct tt_gen_pair *p)
{
	return each_end(g, p, tt_gen_sock_close, g->pace.close_us);
}

int tt_gen_send_call(struct tt_gen *g, const struct tt_gen_pair *p, enum tt_gen_to to,
		     const struct tt_gen_call *w, const struct tt_gen_call *r, const void *bytes,
		     size_t n)
{
	const struct tt_gen_sock *from = to == TT_GEN_TO_SERVER ? &p->client : &p->server;
	const struct tt_gen_sock *peer = to == TT_GEN_TO_SERVER ? &p->server : &p->client;
	tt_gen_data(g, from, TT_DIR_EGRESS, w, bytes, n);
	tt_gen_tick(g, g->pace.transit_us);
	tt_gen_data(g, peer, TT_DIR_INGRESS, r, bytes, n);
	tt_gen_tick(g, g->pace.settle_us);
	return g->err;
}

int tt_gen_send(struct tt_gen *g, const struct tt_gen_pair *p, enum tt_gen_to to, const void *bytes,
		size_t n)
{
	for (size_t off = 0; off < n && !g->err;) {
		size_t k = n - off;
		if (g->pace.max_call && k > g->pace.max_call)
			k = g->pace.max_call;
		tt_gen_send_call(g, p, to, NULL, NULL, (const uint8_t *)bytes + off, k);
		off += k;
	}
	return g->err;
}

int tt_gen_to_server(struct tt_gen *g, const struct tt_gen_pair *p, const char *s)
{
	return tt_gen_send(g, p, TT_GEN_TO_SERVER, s, strlen(s));
}

int tt_gen_to_client(struct tt_gen *g, const struct tt_gen_pair *p, const char *s)
{
	return tt_gen_send(g, p, TT_GEN_TO_CLIENT, s, strlen(s));
}

int tt_gen_send_buf(struct tt_gen *g, const struct tt_gen_pair *p, enum tt_gen_to to,
		    const struct tt_gen_buf *b)
{
	if (b->err)
		return fail(g, b->err);
	return tt_gen_send(g, p, to, b->p, b->len);
}

/* Room for n more bytes (plus a NUL for printf), within the cap. */
static int buf_reserve(struct tt_gen_buf *b, size_t n)
{
	size_t max = b->max ? b->max : TT_GEN_BUF_MAX;
	if (b->err)
		return b->err;
	if (n > max - b->len) {
		b->err = -EMSGSIZE;
		return b->err;
	}
	if (b->len + n + 1 <= b->alloc)
		return 0;
	size_t na = b->alloc ? b->alloc : 65536;
	while (na < b->len + n + 1)
		na *= 2;
	uint8_t *q = realloc(b->p, na);
	if (!q) {
		b->err = -ENOMEM;
		return b->err;
	}
	b->p = q;
	b->alloc = na;
	return 0;
}

int tt_gen_buf_put(struct tt_gen_buf *b, const void *bytes, size_t n)
{
	int err = buf_reserve(b, n);
	if (err)
		return err;
	if (n)
		memcpy(b->p + b->len, bytes, n);
	b->len += n;
	return 0;
}

int tt_gen_buf_printf(struct tt_gen_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		if (!b->err)
			b->err = -EINVAL;
		return b->err;
	}
	int err = buf_reserve(b, (size_t)n);
	if (err)
		return err;
	va_start(ap, fmt);
	vsnprintf((char *)b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void tt_gen_buf_free(struct tt_gen_buf *b)
{
	size_t max = b->max;
	free(b->p);
	memset(b, 0, sizeof(*b));
	b->max = max;
}
