// SPDX-License-Identifier: MIT
/*
 * tests/proto/echo.c - a toy protocol, to prove that adding a protocol to tinytap-show is one
 * file and one table row (tt_proto_register() in tests/test_proto.c, as a row of
 * analyze/proto.c would be): it shows up in lines, JSON, --proto, --errors and --grep, is detected
 * among the real protocols, takes a connection over from HTTP/1.1 (Upgrade: toy-echo), and shows
 * its messages its own way with -vv (the body hook).
 *
 * The protocol: the client sends lines `VERB [text]\n` (VERB in capitals); the server answers
 * each in order with one line, `+text\n` (ok) or `-text\n` (an error). A line is at most 1 KiB.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/buf.h"
#include "analyze/pair.h"
#include "analyze/proto.h"

#define LINE_MAX_BYTES 1024

struct echo_detail {
	char *reply; /* owned: the answer without its sign */
};
_Static_assert(sizeof(struct echo_detail) <= TT_TXN_DETAIL, "echo detail fits the txn");

struct echo {
	struct tt_proto_env *env;
	const struct tt_conn_info *ci;
	struct tt_pairq pq;
	struct tt_buf line[2]; /* by enum tt_dir */
	int skip[2];	       /* resynchronising: drop bytes up to the next newline */
	int req_dir;	       /* direction that carries the requests, -1 unknown */
	uint64_t first_ts[2];  /* ts of a partial line's first byte */
};

extern const struct tt_proto toy_echo_proto;

static int verb_line(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n && i < 16 && p[i] >= 'A' && p[i] <= 'Z')
		i++;
	if (!i || i == 16)
		return 0;
	if (i == n)
		return -1;
	return p[i] == ' ' || p[i] == '\n';
}

static int echo_detect(const struct tt_detect *d)
{
	int req = -1;
	for (int i = 0; i < 2; i++) {
		if (!d->len[i])
			continue;
		int r = verb_line(d->buf[i], d->len[i]);
		if (r > 0)
			req = i;
		else if (r < 0 && req < 0)
			return TT_DETECT_MORE;
	}
	if (req < 0)
		return TT_DETECT_NO;
	const uint8_t *o = d->buf[req ^ 1];
	if (d->len[req ^ 1])
		return o[0] == '+' || o[0] == '-' ? 70 : TT_DETECT_NO;
	/* only the requests so far: weak, unless on the echo port */
	int port7 = d->ci && (d->ci->local.port == 7 || d->ci->remote.port == 7);
	return port7 ? 50 : 30;
}

static void *echo_open(struct tt_proto_env *env, const struct tt_conn_info *ci,
		       const struct tt_handover *from)
{
	struct echo *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->env = env;
	e->ci = ci;
	tt_pair_init(&e->pq, env, 256);
	for (int i = 0; i < 2; i++)
		tt_buf_init(&e->line[i], LINE_MAX_BYTES);
	e->req_dir = ci->role == TT_ROLE_CLIENT	  ? TT_DIR_EGRESS
		     : ci->role == TT_ROLE_SERVER ? TT_DIR_INGRESS
						  : -1;
	if (from && from->side != TT_SIDE_UNKNOWN)
		e->req_dir = from->side == TT_SIDE_CLIENT ? TT_DIR_EGRESS : TT_DIR_INGRESS;
	return e;
}

static struct tt_txn *txn_new(struct echo *e, const struct tt_chunk *c)
{
	struct tt_txn *t = tt_txn_new();
	if (!t)
		return NULL;
	t->pr = &toy_echo_proto;
	t->side = e->req_dir == TT_DIR_EGRESS ? TT_SIDE_CLIENT : TT_SIDE_SERVER;
	t->pid = c->pid;
	t->tid = c->tid;
	t->sock_id = e->ci->sock_id;
	t->local = e->ci->local;
	t->remote = e->ci->remote;
	t->seq = e->env->next_seq++;
	if (e->env->fill)
		e->env->fill(e->env->ctx, t);
	return t;
}

static void msg_done(struct tt_msg *m, const struct tt_chunk *c, uint64_t first, size_t n)
{
	m->seen = m->complete = m->done = 1;
	m->ts_first = first;
	m->ts_last = c->ts;
	m->pid = c->pid;
	m->tid = c->tid;
	m->wire_bytes = n;
}

/* One whole line (without its newline) of direction dir. */
static void on_line(struct echo *e, int dir, const struct tt_chunk *c, const char *s, size_t n)
{
	if (e->req_dir < 0)
		e->req_dir = verb_line((const uint8_t *)s, n) > 0 ? dir : dir ^ 1;
	if (dir == e->req_dir) {
		struct tt_txn *t = txn_new(e, c);
		if (!t)
			return;
		const char *sp = memchr(s, ' ', n); /* s is not NUL-terminated */
		size_t v = sp ? (size_t)(sp - s) : n;
		tt_txn_set_str(t, &t->op, s, v);
		if (v < n)
			tt_txn_set_str(t, &t->target, s + v + 1, n - v - 1);
		msg_done(&t->req, c, e->first_ts[dir], n + 1);
		if (tt_pair_request(&e->pq, t, 0, NULL, NULL) < 0)
			tt_txn_free(t);
		return;
	}
	int skipped;
	struct tt_txn *t = tt_pair_response(&e->pq, &skipped);
	if (!t) {
		if (!(t = txn_new(e, c)))
			return;
		t->flags |= TT_TXN_NO_REQUEST;
		t->req.done = 1;
		if (tt_pair_request(&e->pq, t, 0, NULL, NULL) < 0) {
			tt_txn_free(t);
			return;
		}
	}
	struct echo_detail *d = tt_txn_detail(t, struct echo_detail);
	t->outcome = n && s[0] == '-' ? TT_OUTCOME_ERROR : TT_OUTCOME_OK;
	if (n && (s[0] == '+' || s[0] == '-'))
		tt_txn_set_str(t, &d->reply, s + 1, n - 1);
	else {
		tt_txn_set_str(t, &d->reply, s, n);
		t->flags |= TT_TXN_BROKEN;
		t->error = "a reply starts with + or -";
	}
	msg_done(&t->resp, c, e->first_ts[dir], n + 1);
	tt_pair_flush(&e->pq, NULL, NULL);
}

static void echo_feed(void *sess, const struct tt_chunk *c)
{
	struct echo *e = sess;
	int dir = c->dir;
	struct tt_buf *b = &e->line[dir];
	if (c->gap || !c->data) { /* the line in progress is lost; so may be whole messages */
		tt_buf_reset(b);
		e->skip[dir] = 1;
		if (dir == e->req_dir)
			tt_pair_requests_lost(&e->pq);
		else
			tt_pair_responses_lost(&e->pq, c->ts, 1);
		return;
	}
	const uint8_t *p = c->data;
	size_t n = (size_t)c->len;
	while (n) {
		const uint8_t *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) : n;
		if (e->skip[dir]) {
			if (!nl)
				return;
			e->skip[dir] = 0;
		} else {
			if (!tt_buf_len(b))
				e->first_ts[dir] = c->ts;
			if (tt_buf_append(b, p, take) < 0) { /* too long: not this protocol's */
				tt_buf_reset(b);
				e->skip[dir] = 1;
				if (!nl)
					return;
				e->skip[dir] = 0;
			} else if (nl) {
				on_line(e, dir, c, (const char *)tt_buf_data(b), tt_buf_len(b));
				tt_buf_reset(b);
			}
		}
		if (!nl)
			return;
		p += take + 1;
		n -= take + 1;
	}
}

static void echo_close(void *sess, uint64_t ts, int evicted)
{
	struct echo *e = sess;
	(void)ts;
	tt_pair_end(&e->pq, evicted);
	tt_pair_fini(&e->pq);
	for (int i = 0; i < 2; i++)
		tt_buf_free(&e->line[i]);
	free(e);
}

static void echo_describe(const struct tt_txn *t, struct tt_desc *d)
{
	const struct echo_detail *x = tt_txn_detail(t, const struct echo_detail);
	if (!t->resp.seen)
		return;
	d->tone = t->outcome == TT_OUTCOME_ERROR ? TT_TONE_ERROR : TT_TONE_OK;
	tt_desc_adds(d, t->outcome == TT_OUTCOME_ERROR ? "ERR" : "OK");
	d->tone_len = d->len;
	if (x->reply && *x->reply) {
		tt_desc_adds(d, " ");
		tt_desc_adds(d, x->reply);
	}
}

static size_t echo_line(const struct tt_txn *t, enum tt_line which, char *buf, size_t n)
{
	const struct echo_detail *x = tt_txn_detail(t, const struct echo_detail);
	int w = 0;
	if (which == TT_LINE_REQ)
		w = snprintf(buf, n, "%s%s%s", t->op ? t->op : "", t->target ? " " : "",
			     t->target ? t->target : "");
	else if (which == TT_LINE_RESP)
		w = snprintf(buf, n, "%c%s", t->outcome == TT_OUTCOME_ERROR ? '-' : '+',
			     x->reply ? x->reply : "");
	return w < 0 ? 0 : (size_t)w < n ? (size_t)w : n - 1;
}

/* -vv: the protocol shows its messages its own way (the body hook): the argument and the reply
 * as the toy's "bodies". */
static void echo_body(const struct tt_txn *t, const struct tt_msg *m, struct tt_wb *w,
		      const char *pfx, size_t cap)
{
	const struct echo_detail *x = tt_txn_detail(t, const struct echo_detail);
	const char *s = m == &t->req ? t->target : x->reply;
	if (!s)
		return;
	size_t n = strlen(s);
	tt_wb_printf(w, "%s%s (%zu bytes): ", pfx, m == &t->req ? "argument" : "reply", n);
	tt_wb_safe(w, s, n < cap ? n : cap);
	tt_wb_c(w, '\n');
}

static int get_reply(const struct tt_txn *t, struct tt_val *v)
{
	const struct echo_detail *x = tt_txn_detail(t, const struct echo_detail);
	if (!x->reply)
		return 0;
	v->s = x->reply;
	v->len = strlen(x->reply);
	return 1;
}

static void echo_release(struct tt_txn *t)
{
	tt_txn_free_str(t, tt_txn_detail(t, struct echo_detail)->reply);
}

static const struct tt_field echo_fields[] = {
    {"reply", TT_FT_STR, TT_FJ_HEAD, TT_FJ_NULL, "the answer's text", get_reply},
};

const struct tt_proto toy_echo_proto = {
    .name = "echo",
    .aliases = "toy-echo",
    .tag = "echo",
    .flags = TT_PROTO_OP_IN_TARGET, /* "echo hi": the line says ECHO once */
    .upgrade = "toy-echo",
    .detect = echo_detect,
    .open = echo_open,
    .feed = echo_feed,
    .close = echo_close,
    .describe = echo_describe,
    .line = echo_line,
    .fields = echo_fields,
    .nfields = sizeof(echo_fields) / sizeof(echo_fields[0]),
    .release = echo_release,
    .body = echo_body,
};
