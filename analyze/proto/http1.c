// SPDX-License-Identifier: MIT
/*
 * HTTP/1.x sessions. Each direction of a connection has its own llhttp parser; the direction that
 * carries requests decides the side (egress requests: this process is the client).
 *
 * Gaps: inside a body whose remaining length is known (Content-Length, current chunk) or that runs
 * to the end of the connection, the missing bytes are fed to llhttp as filler so the parser stays
 * in sync and only that transaction is marked incomplete. Anywhere else the message is broken, the
 * parser is reset and the direction scans for the next line that starts a message. A lost stretch
 * of requests leaves a barrier: responses that may belong to lost requests become orphans rather
 * than being paired with the wrong request.
 */
#include "analyze/proto/http1.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <llhttp.h>

#include "analyze/pair.h"
#include "analyze/proto/http.h"

enum { K_UNKNOWN = 0, K_REQ = 1, K_RESP = 2 };
enum { S_SCAN = 0, S_PARSE = 1, S_DONE = 2 };

#define SBUF_FIELD_CAP 256
#define SBUF_VALUE_CAP 8192

/* Bytes of one element (URL, header name...) capped at max. The usual single piece is only
 * borrowed from the input being parsed (span), and copied into s only when a second piece comes
 * or when llhttp_execute() returns (sb_keep()). */
struct sbuf {
	char *s;
	size_t len, cap, max;
	int over;
	const char *span; /* borrowed, the whole content when set (len is then 0) */
	size_t span_len;
};

struct h1;

struct hdir {
	struct h1 *h;
	int dir; /* enum tt_dir */
	llhttp_t p;
	int kind, state;
	int at_line_start;
	uint8_t carry[32];
	size_t carry_len;
	struct tt_txn *cur; /* message being parsed (in h->pq, or an orphan owned here) */
	int cur_orphan;
	int cur_skip;	    /* cur answers a request given up on (tt_pair_response()) */
	struct tt_txn *fin; /* message just completed: llhttp paused so its wire size is known */
	int fin_orphan;
	uint64_t wire; /* bytes given to llhttp since the current message began */
	int in_body, filling;
	const struct tt_chunk *ch; /* chunk being fed */
	struct sbuf field, value, url, status;
	/* env->few_headers: the current message's headers and their bytes as counted against the
	 * txn's caps, kept or not (so the ones kept are those a full run keeps) */
	uint32_t hn, hbytes;
};

struct h1 {
	struct tt_proto_env *env;
	const struct tt_conn_info *ci; /* borrowed: the connection outlives its session */
	struct hdir d[2];
	struct tt_pairq pq; /* transactions in request order, not yet emitted */
	int upgraded;
	int handed_over; /* the connection is another protocol's from the current chunk on */
};

static const uint8_t zeros[4096];

/* --- small helpers --------------------------------------------------------------------------- */

static void sb_copy(struct sbuf *b, const char *p, size_t n)
{
	if (b->len + n > b->max) {
		b->over = 1;
		n = b->max > b->len ? b->max - b->len : 0;
	}
	if (!n)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 64;
		while (nc < b->len + n + 1)
			nc *= 2;
		char *s = realloc(b->s, nc);
		if (!s) {
			b->over = 1;
			return;
		}
		b->s = s;
		b->cap = nc;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = 0;
}

/* Copies a borrowed span: the input it points into is going away. */
static void sb_keep(struct sbuf *b)
{
	if (b->span) {
		const char *p = b->span;
		b->span = NULL;
		sb_copy(b, p, b->span_len);
	}
}

static void sb_add(struct sbuf *b, const char *p, size_t n)
{
	if (!n)
		return;
	if (!b->len && !b->span) {
		b->span = p;
		b->span_len = n;
		return;
	}
	sb_keep(b);
	sb_copy(b, p, n);
}

static const char *sb_ptr(const struct sbuf *b)
{
	return b->span ? b->span : b->s ? b->s : "";
}

static size_t sb_len(const struct sbuf *b)
{
	if (b->span)
		return b->span_len < b->max ? b->span_len : b->max;
	return b->len;
}

/* More bytes came than max: what is kept is cut. */
static int sb_cut(const struct sbuf *b)
{
	return b->over || (b->span && b->span_len > b->max);
}

static void sb_reset(struct sbuf *b)
{
	b->len = 0;
	b->over = 0;
	b->span = NULL;
	if (b->s)
		b->s[0] = 0;
}

/* "HTTP/1.1" without snprintf (this runs for every message); returns the length. */
static size_t version_str(char v[16], uint8_t major, uint8_t minor)
{
	char *o = v;
	memcpy(o, "HTTP/", 5);
	o += 5;
	if (major >= 100)
		*o++ = (char)('0' + major / 100);
	if (major >= 10)
		*o++ = (char)('0' + major / 10 % 10);
	*o++ = (char)('0' + major % 10);
	*o++ = '.';
	if (minor >= 100)
		*o++ = (char)('0' + minor / 100);
	if (minor >= 10)
		*o++ = (char)('0' + minor / 10 % 10);
	*o++ = (char)('0' + minor % 10);
	*o = 0;
	return (size_t)(o - v);
}

static const char *const methods[] = {
#define XX(num, name, string) #string,
    HTTP_METHOD_MAP(XX)
#undef XX
};

static int match_req(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n && i < 16 && (isupper(p[i]) || p[i] == '-'))
		i++;
	if (i == 16 || (i < n && (i == 0 || p[i] != ' ')))
		return 0;
	int prefix = 0, exact = 0;
	for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
		size_t ml = strlen(methods[m]);
		if (ml >= i && memcmp(methods[m], p, i) == 0) {
			prefix = 1;
			if (ml == i)
				exact = 1;
		}
	}
	if (i == n)
		return prefix ? -1 : 0;
	if (!exact)
		return 0;
	if (i + 1 >= n)
		return -1;
	uint8_t c = p[i + 1];
	return (c == '/' || c == '*' || isalnum(c)) ? 1 : 0;
}

static int match_resp(const uint8_t *p, size_t n)
{
	static const char pre[] = "HTTP/1.";
	size_t k = n < 7 ? n : 7;
	if (memcmp(p, pre, k) != 0)
		return 0;
	if (n < 9)
		return -1;
	return (isdigit(p[7]) && p[8] == ' ') ? 1 : 0;
}

int tt_http1_match_start(const uint8_t *p, size_t n, int kind, int *found)
{
	int need = 0;
	if (kind != K_RESP) {
		int r = match_req(p, n);
		if (r > 0) {
			if (found)
				*found = K_REQ;
			return 1;
		}
		need |= r < 0;
	}
	if (kind != K_REQ) {
		int r = match_resp(p, n);
		if (r > 0) {
			if (found)
				*found = K_RESP;
			return 1;
		}
		need |= r < 0;
	}
	return need ? -1 : 0;
}

/* One direction's first bytes: a message starts there (80), on a later line (recording started
 * mid-connection: 40), not at all, or more bytes would tell. */
static int detect_dir(const uint8_t *buf, size_t len)
{
	int r = tt_http1_match_start(buf, len, K_UNKNOWN, NULL);
	if (r > 0)
		return 80;
	if (r < 0)
		return TT_DETECT_MORE;
	size_t lim = len < 65536 ? len : 65536;
	for (const uint8_t *nl = memchr(buf, '\n', lim); nl;
	     nl = memchr(nl + 1, '\n', lim - (size_t)(nl + 1 - buf))) {
		if (nl + 1 >= buf + lim)
			break;
		if (tt_http1_match_start(nl + 1, (size_t)(buf + len - nl - 1), K_UNKNOWN, NULL) > 0)
			return 40;
	}
	return TT_DETECT_NO;
}

static int http1_detect(const struct tt_detect *dt)
{
	int best = TT_DETECT_NO, more = 0;
	for (int i = 0; i < 2; i++) {
		if (!dt->len[i])
			continue;
		int r = detect_dir(dt->buf[i], dt->len[i]);
		if (r == TT_DETECT_MORE)
			more = 1;
		else if (r > best)
			best = r;
	}
	return best ? best : more ? TT_DETECT_MORE : TT_DETECT_NO;
}

/* --- transactions ---------------------------------------------------------------------------- */

static struct tt_msg *dir_msg(struct hdir *d)
{
	return d->kind == K_REQ ? &d->cur->req : &d->cur->resp;
}

static enum tt_side side_of(const struct h1 *h)
{
	if (h->d[TT_DIR_EGRESS].kind == K_REQ || h->d[TT_DIR_INGRESS].kind == K_RESP)
		return TT_SIDE_CLIENT;
	if (h->d[TT_DIR_INGRESS].kind == K_REQ || h->d[TT_DIR_EGRESS].kind == K_RESP)
		return TT_SIDE_SERVER;
	return TT_SIDE_UNKNOWN;
}

static struct tt_txn *txn_new(struct h1 *h, const struct tt_chunk *c)
{
	return tt_proto_txn_new(&tt_http1_proto, h->env, h->ci, side_of(h), c->pid, c->tid);
}

static void emit(struct h1 *h, struct tt_txn *t)
{
	tt_pair_emit(&h->pq, t);
}

/* Emits queued transactions whose two messages are over, keeping the queue order. */
static void flush_done(struct h1 *h)
{
	tt_pair_flush(&h->pq, h->d[0].cur, h->d[1].cur);
}

static void break_msg(struct hdir *d, int gap)
{
	if (!d->cur)
		return;
	struct tt_msg *m = dir_msg(d);
	m->done = 1;
	m->wire_bytes = d->wire;
	d->wire = 0;
	d->cur->flags |= gap ? TT_TXN_GAP : TT_TXN_BROKEN;
	if (d->kind == K_RESP && !tt_http(d->cur)->status && d->p.status_code >= 100)
		tt_http_set_status(d->cur, d->p.status_code); /* the status line was read */
	if (gap)
		m->gap = 1;
	struct tt_txn *t = d->cur;
	if (d->kind == K_REQ && !t->op && sb_len(&d->url)) {
		/* the request line was read: show it (headers are, as far as they went) */
		const char *meth = llhttp_method_name(d->p.method), *host;
		tt_txn_set_str(t, &t->op, meth, strlen(meth));
		tt_txn_set_str(t, &t->target, sb_ptr(&d->url), sb_len(&d->url));
		host = tt_msg_header(&t->req, "Host");
		tt_txn_set_str(t, &tt_http(t)->authority, host, host ? strlen(host) : 0);
		if (d->p.http_major || d->p.http_minor) {
			char v[16];
			tt_txn_set_str(t, &tt_http(t)->version, v,
				       version_str(v, d->p.http_major, d->p.http_minor));
		}
	}
	d->cur = NULL;
	d->in_body = 0;
	if (d->cur_orphan) {
		d->cur_orphan = 0;
		emit(d->h, t);
	}
}

/* --- llhttp callbacks ------------------------------------------------------------------------ */

static struct hdir *D(llhttp_t *p)
{
	return p->data;
}

static int on_message_begin(llhttp_t *p)
{
	struct hdir *d = D(p);
	struct h1 *h = d->h;
	sb_reset(&d->url);
	sb_reset(&d->status);
	sb_reset(&d->field);
	sb_reset(&d->value);
	d->in_body = 0;
	d->hn = d->hbytes = 0;
	d->p.status_code = 0; /* not the last message's, if this one breaks before its own */
	if (d->kind == K_REQ) {
		struct tt_txn *t = txn_new(h, d->ch);
		if (!t)
			return -1;
		if (tt_pair_request(&h->pq, t, h->d[d->dir ^ 1].cur != NULL, &h->d[0].cur,
				    &h->d[1].cur) < 0) {
			tt_txn_free(t);
			return -1;
		}
		d->cur = t;
		d->cur_orphan = 0;
	} else {
		struct tt_txn *t = tt_pair_response(&h->pq, &d->cur_skip);
		d->cur_orphan = 0;
		if (!t) {
			t = txn_new(h, d->ch);
			if (!t)
				return -1;
			t->flags |= TT_TXN_NO_REQUEST;
			t->req.done = 1;
			d->cur_orphan = 1;
		}
		d->cur = t;
	}
	struct tt_msg *m = dir_msg(d);
	m->seen = 1;
	m->ts_first = m->ts_last = d->ch->ts;
	m->pid = d->ch->pid;
	m->tid = d->ch->tid;
	return 0;
}

static int on_url(llhttp_t *p, const char *at, size_t n)
{
	sb_add(&D(p)->url, at, n);
	return 0;
}

static int on_status(llhttp_t *p, const char *at, size_t n)
{
	sb_add(&D(p)->status, at, n);
	return 0;
}

static int on_header_field(llhttp_t *p, const char *at, size_t n)
{
	sb_add(&D(p)->field, at, n);
	return 0;
}

static int on_header_value(llhttp_t *p, const char *at, size_t n)
{
	sb_add(&D(p)->value, at, n);
	return 0;
}

/* The headers this file and the protocols it hands over to read themselves: the authority,
 * upgrades (WebSocket's key, protocol and extensions, h2c's settings), body decoding. */
static int needed_header(const char *n, size_t len)
{
	/* by length first: most headers are ruled out without comparing a byte */
	switch (len) {
	case 4:
		return !strncasecmp(n, "host", 4);
	case 7:
		return !strncasecmp(n, "upgrade", 7);
	case 10:
		return !strncasecmp(n, "connection", 10);
	case 12:
		return !strncasecmp(n, "content-type", 12);
	case 14:
		return !strncasecmp(n, "http2-settings", 14) || !strncasecmp(n, "content-length", 14);
	case 16:
		return !strncasecmp(n, "content-encoding", 16) ||
		       !strncasecmp(n, "sec-websocket-", 14);
	case 17:
		return !strncasecmp(n, "transfer-encoding", 17) ||
		       !strncasecmp(n, "sec-websocket-", 14);
	default:
		return len > 14 && !strncasecmp(n, "sec-websocket-", 14);
	}
}

static int on_header_value_complete(llhttp_t *p)
{
	struct hdir *d = D(p);
	if (d->cur) {
		struct tt_msg *m = dir_msg(d);
		size_t nl = sb_len(&d->field), vl = sb_len(&d->value);
		if (!d->h->env->few_headers) {
			tt_msg_add_header(m, sb_ptr(&d->field), nl, sb_ptr(&d->value), vl);
		} else if (d->hn >= TT_TXN_MAX_HEADERS ||
			   d->hbytes + nl + vl > TT_TXN_MAX_HEADER_BYTES) {
			m->headers_truncated = 1; /* what tt_msg_add_header() says there */
		} else {
			d->hn++;
			d->hbytes += (uint32_t)(nl + vl);
			if (needed_header(sb_ptr(&d->field), nl))
				tt_msg_add_header(m, sb_ptr(&d->field), nl, sb_ptr(&d->value), vl);
		}
		if (sb_cut(&d->field) || sb_cut(&d->value))
			m->headers_truncated = 1; /* a name or value longer than kept */
	}
	sb_reset(&d->field);
	sb_reset(&d->value);
	return 0;
}

static int headers_complete(llhttp_t *p)
{
	struct hdir *d = D(p);
	struct tt_txn *t = d->cur;
	if (!t)
		return 0;
	if (sb_len(&d->field)) /* a header with an empty value */
		on_header_value_complete(p);
	d->in_body = 1;
	char v[16];
	size_t vn = version_str(v, p->http_major, p->http_minor);
	struct tt_http *hd = tt_http(t);
	if (d->kind == K_REQ) {
		const char *m = llhttp_method_name(p->method);
		tt_txn_set_str(t, &t->op, m, strlen(m));
		tt_txn_set_str(t, &t->target, sb_ptr(&d->url), sb_len(&d->url));
		const char *host = tt_msg_header(&t->req, "Host");
		tt_txn_set_str(t, &hd->authority, host, host ? strlen(host) : 0);
		tt_txn_set_str(t, &hd->version, v, vn);
		return 0;
	}
	int st = p->status_code;
	tt_http_set_status(t, st);
	tt_txn_set_str(t, &hd->status_text, sb_ptr(&d->status), sb_len(&d->status));
	tt_txn_set_str(t, &hd->resp_version, v, vn);
	/* No body, whatever Content-Length says (llhttp 8.1 would wait for one after a 304). */
	if ((t->op && strcmp(t->op, "HEAD") == 0) || st == 204 || st == 304 ||
	    (st >= 100 && st < 200 && st != 101))
		return 1;
	if (t->op && strcmp(t->op, "CONNECT") == 0 && st >= 200 && st < 300) {
		t->flags |= TT_TXN_UPGRADED; /* a tunnel from here on */
		d->h->upgraded = 1;
		return 2;
	}
	return 0;
}

static int on_headers_complete(llhttp_t *p)
{
	int r = headers_complete(p);
	/* taken: nothing left to keep for sb_keep() */
	sb_reset(&D(p)->url);
	sb_reset(&D(p)->status);
	return r;
}

static int on_body(llhttp_t *p, const char *at, size_t n)
{
	struct hdir *d = D(p);
	if (!d->cur)
		return 0;
	struct tt_msg *m = dir_msg(d);
	tt_msg_add_body(m, d->filling ? NULL : at, n, d->h->env->body_cap);
	m->ts_last = d->ch->ts;
	return 0;
}

/* The message is over; llhttp is paused here so dir_parse() learns where it ended (its wire
 * size) before the transaction is handed on (complete_fin()). */
static int on_message_complete(llhttp_t *p)
{
	struct hdir *d = D(p);
	struct h1 *h = d->h;
	struct tt_txn *t = d->cur;
	d->in_body = 0;
	if (!t)
		return HPE_PAUSED;
	struct tt_msg *m = dir_msg(d);
	struct tt_http *hd = tt_http(t);
	if (d->kind == K_RESP && hd->status >= 100 && hd->status < 200 && hd->status != 101) {
		/* Interim response: the final one follows for the same request. */
		hd->interim_status = hd->status;
		tt_http_set_status(t, 0);
		tt_txn_set_str(t, &hd->resp_version, NULL, 0);
		tt_txn_set_str(t, &hd->status_text, NULL, 0);
		tt_msg_clear(m);
		d->cur = NULL;
		if (d->cur_orphan) {
			tt_txn_free(t); /* an interim answer to a request we do not have */
			if (d->cur_skip)
				tt_pair_unskip(&h->pq); /* its final answer is still to come */
		}
		d->cur_orphan = 0;
		return HPE_PAUSED;
	}
	m->complete = 1;
	m->done = 1;
	if (d->ch->data || !m->ts_last) /* a body ended by close: its last byte, not the close */
		m->ts_last = d->ch->ts;
	if (d->kind == K_RESP && (hd->status == 101 || (p->upgrade && hd->status != 0))) {
		t->flags |= TT_TXN_UPGRADED;
		h->upgraded = 1;
	}
	d->cur = NULL;
	d->fin = t;
	d->fin_orphan = d->cur_orphan;
	d->cur_orphan = 0;
	return HPE_PAUSED;
}

static void mark_upgraded(struct h1 *h);

/* Hands on the message completed at the last pause, with its wire size. */
static void complete_fin(struct hdir *d)
{
	struct tt_txn *t = d->fin;
	if (t) {
		(d->kind == K_REQ ? &t->req : &t->resp)->wire_bytes = d->wire;
		d->fin = NULL;
		if (d->fin_orphan)
			emit(d->h, t);
		else
			flush_done(d->h);
		d->fin_orphan = 0;
	}
	d->wire = 0; /* a message ended (a final one, or an interim 1xx) */
	if (d->h->upgraded)
		mark_upgraded(d->h); /* 101 / CONNECT: nothing after it is HTTP, either way */
}

static const llhttp_settings_t settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_status = on_status,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_header_value_complete = on_header_value_complete,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

/* --- feeding ---------------------------------------------------------------------------------- */

static void dir_reset(struct hdir *d)
{
	llhttp_init(&d->p, d->kind == K_RESP ? HTTP_RESPONSE : HTTP_REQUEST, &settings);
	d->p.data = d;
	d->in_body = 0;
}

static void set_kind(struct hdir *d, int kind)
{
	struct h1 *h = d->h;
	d->kind = kind;
	struct hdir *o = &h->d[d->dir ^ 1];
	if (o->kind == K_UNKNOWN)
		o->kind = kind == K_REQ ? K_RESP : K_REQ;
}

static void mark_upgraded(struct h1 *h)
{
	for (int i = 0; i < 2; i++) {
		break_msg(&h->d[i], 0);
		h->d[i].state = S_DONE;
	}
	flush_done(h);
}

static void dir_feed(struct hdir *d, const uint8_t *p, size_t n);

/* A 101 response just ended at `at`: when its Upgrade token names a protocol of the table, the
 * connection is that protocol's from the next byte (the 101 txn is still ours to lend). */
static void handover(struct hdir *d, const uint8_t *at)
{
	struct h1 *h = d->h;
	struct tt_txn *t = d->fin;
	if (!t || h->handed_over || !h->env->handover || tt_http(t)->status != 101)
		return;
	const char *up = tt_msg_header(&t->resp, "Upgrade");
	const struct tt_proto *next = up ? tt_proto_by_upgrade(up) : NULL;
	if (!next)
		return;
	const struct tt_chunk *c = d->ch;
	uint64_t used = 0; /* a message ended in carried bytes: all of this chunk is next's */
	if (c && c->data && at >= c->data && at <= c->data + c->len)
		used = (uint64_t)(at - c->data);
	struct tt_handover ho = {.from = &tt_http1_proto, .txn = t, .side = side_of(h)};
	h->handed_over = 1;
	h->env->handover(h->env->hctx, h->ci, next, &ho, used);
}

/* Parses n bytes in S_PARSE; on an error, breaks the message and goes back to scanning. */
static void dir_parse(struct hdir *d, const uint8_t *p, size_t n)
{
	struct h1 *h = d->h;
	for (;;) {
		llhttp_errno_t e = llhttp_execute(&d->p, (const char *)p, n);
		/* the spans of an element not finished yet point into p */
		sb_keep(&d->url);
		sb_keep(&d->status);
		sb_keep(&d->field);
		sb_keep(&d->value);
		if (e == HPE_OK) {
			d->wire += n;
			return;
		}
		size_t used = n;
		const char *ep = llhttp_get_error_pos(&d->p);
		if (ep && ep >= (const char *)p && ep <= (const char *)p + n)
			used = (size_t)(ep - (const char *)p);
		d->wire += used;
		if (e == HPE_PAUSED) { /* end of a message */
			if (h->upgraded && d->kind == K_RESP)
				handover(d, p + used);
			complete_fin(d);
			if (d->state == S_DONE)
				return;
			llhttp_resume(&d->p);
			p += used;
			n -= used;
			if (!n)
				return;
			continue;
		}
		if (e == HPE_PAUSED_UPGRADE) {
			if (h->upgraded || d->kind == K_RESP) {
				mark_upgraded(h);
				return;
			}
			/* A request asking for an upgrade: HTTP goes on unless the response says
			 * 101. */
			dir_reset(d);
			p += used;
			n -= used;
			if (!n)
				return;
			continue;
		}
		/* Not HTTP (or not any more): give up on this message, look for the next one. */
		if (d->cur && !d->cur->error)
			d->cur->error = llhttp_get_error_reason(&d->p); /* a static string */
		break_msg(d, 0);
		if (d->kind == K_RESP)
			tt_pair_responses_lost(&h->pq, d->ch->ts, 0);
		flush_done(h);
		dir_reset(d);
		d->state = S_SCAN;
		d->at_line_start = 0;
		d->carry_len = 0;
		if (used < n)
			dir_feed(d, p + used + 1, n - used - 1);
		return;
	}
}

static int dir_match(struct hdir *d, const uint8_t *p, size_t n)
{
	int kind = 0;
	int r = tt_http1_match_start(p, n, d->kind, &kind);
	if (r > 0 && d->kind == K_UNKNOWN)
		set_kind(d, kind);
	return r;
}

static void start_parse(struct hdir *d)
{
	d->wire = 0;
	d->state = S_PARSE;
	d->carry_len = 0;
	dir_reset(d);
}

static void dir_feed(struct hdir *d, const uint8_t *p, size_t n)
{
	if (d->state == S_DONE || n == 0)
		return;
	if (d->state == S_PARSE) {
		dir_parse(d, p, n);
		return;
	}
	/* S_SCAN: find a line that starts a message. */
	if (d->carry_len) {
		uint8_t tmp[64];
		size_t t = d->carry_len, add = n < sizeof(tmp) - t ? n : sizeof(tmp) - t;
		memcpy(tmp, d->carry, t);
		memcpy(tmp + t, p, add);
		for (size_t j = 0; j < t; j++) {
			if (j > 0 && tmp[j - 1] != '\n')
				continue;
			int r = dir_match(d, tmp + j, t + add - j);
			if (r > 0) {
				uint8_t c[32];
				size_t cl = t - j;
				memcpy(c, tmp + j, cl);
				start_parse(d);
				dir_parse(d, c, cl);
				dir_feed(d, p, n);
				return;
			}
			if (r < 0 && add == n && t + add - j <= sizeof(d->carry)) {
				memmove(d->carry, tmp + j, t + add - j);
				d->carry_len = t + add - j;
				return;
			}
		}
		d->at_line_start = d->carry[t - 1] == '\n';
		d->carry_len = 0;
	}
	size_t i = 0;
	/* A message usually starts with a new read or write call: a chunk start is a candidate too.
	 */
	if (!d->carry_len && d->ch && d->ch->data == p)
		d->at_line_start = 1;
	if (!d->at_line_start) {
		const uint8_t *nl = memchr(p, '\n', n);
		if (!nl)
			return;
		i = (size_t)(nl - p) + 1;
	}
	while (i < n) {
		int r = dir_match(d, p + i, n - i);
		if (r > 0) {
			start_parse(d);
			dir_parse(d, p + i, n - i);
			return;
		}
		if (r < 0 && n - i <= sizeof(d->carry)) {
			memcpy(d->carry, p + i, n - i);
			d->carry_len = n - i;
			return;
		}
		const uint8_t *nl = memchr(p + i, '\n', n - i);
		if (!nl) {
			d->at_line_start = 0;
			return;
		}
		i = (size_t)(nl - p) + 1;
	}
	d->at_line_start = 1;
}

/* len bytes that are missing (gap) or known only by count (sendfile). */
static void dir_hole(struct hdir *d, uint64_t len, int gap)
{
	struct h1 *h = d->h;
	if (d->state == S_DONE)
		return;
	if (d->state == S_PARSE && d->in_body && d->cur && len != TT_LEN_UNKNOWN) {
		llhttp_t *p = &d->p;
		int chunked = (p->flags & F_CHUNKED) != 0;
		int clen = !chunked && (p->flags & F_CONTENT_LENGTH);
		int eof = !chunked && !clen && d->kind == K_RESP && llhttp_message_needs_eof(p);
		if (((chunked || clen) && p->content_length >= len) || eof) {
			struct tt_msg *m = dir_msg(d);
			struct tt_txn *t = d->cur;
			if (gap) {
				m->gap = 1;
				t->flags |= TT_TXN_GAP;
			}
			/* Step over the bytes by count (the length comes from the recording and
			 * may be huge): only the last one goes through llhttp, so that it sees the
			 * body or chunk end; a body that runs to the close needs none. */
			uint64_t skip = eof ? len : len - (len > 0);
			if (skip) {
				if (!eof)
					p->content_length -= skip;
				tt_msg_add_body(m, NULL, skip, h->env->body_cap);
				m->ts_last = d->ch->ts;
				d->wire += skip;
			}
			d->filling = 1;
			if (len > skip)
				dir_parse(d, zeros, 1);
			d->filling = 0;
			return;
		}
	}
	/* The parser cannot step over this: the message is lost, resynchronise after it. */
	break_msg(d, 1);
	if (d->kind == K_REQ)
		tt_pair_requests_lost(&h->pq);
	else if (d->kind == K_RESP)
		tt_pair_responses_lost(&h->pq, d->ch->ts, 1);
	flush_done(h);
	if (d->state == S_PARSE)
		dir_reset(d);
	d->state = S_SCAN;
	d->at_line_start = 1;
	d->carry_len = 0;
}

/* --- session --------------------------------------------------------------------------------- */

static void *http1_open(struct tt_proto_env *env, const struct tt_conn_info *ci,
			const struct tt_handover *from)
{
	(void)from;
	struct h1 *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->env = env;
	h->ci = ci;
	tt_pair_init(&h->pq, env, TT_HTTP1_MAX_QUEUE);
	for (int i = 0; i < 2; i++) {
		struct hdir *d = &h->d[i];
		d->h = h;
		d->dir = i;
		d->state = S_SCAN;
		d->at_line_start = 1;
		d->field.max = SBUF_FIELD_CAP;
		d->value.max = SBUF_VALUE_CAP;
		d->url.max = TT_TXN_MAX_TARGET;
		d->status.max = SBUF_FIELD_CAP;
	}
	if (ci->role == TT_ROLE_CLIENT) {
		h->d[TT_DIR_EGRESS].kind = K_REQ;
		h->d[TT_DIR_INGRESS].kind = K_RESP;
	} else if (ci->role == TT_ROLE_SERVER) {
		h->d[TT_DIR_EGRESS].kind = K_RESP;
		h->d[TT_DIR_INGRESS].kind = K_REQ;
	}
	return h;
}

static void http1_feed(void *sess, const struct tt_chunk *c)
{
	struct h1 *h = sess;
	if (c->dir != TT_DIR_EGRESS && c->dir != TT_DIR_INGRESS)
		return;
	struct hdir *d = &h->d[c->dir];
	d->ch = c;
	if (c->gap || !c->data) {
		dir_hole(d, c->len, c->gap || c->len == TT_LEN_UNKNOWN);
	} else {
		dir_feed(d, c->data, (size_t)c->len);
	}
	d->ch = NULL;
}

static void http1_close(void *sess, uint64_t ts, int evicted)
{
	struct h1 *h = sess;
	if (!h)
		return;
	struct tt_chunk end = {.ts = ts};
	for (int i = 0; i < 2; i++) {
		struct hdir *d = &h->d[i];
		d->ch = &end;
		if (d->state == S_PARSE && d->cur) {
			/* A body that runs to the end of the connection ends here. */
			if (!evicted && d->in_body) {
				llhttp_finish(&d->p);
				if (d->fin) /* else cut: its bytes so far count (break_msg) */
					complete_fin(d);
				if (!d->cur) {
					d->ch = NULL;
					continue;
				}
			}
			break_msg(d, 0);
		}
		d->ch = NULL;
	}
	tt_pair_end(&h->pq, evicted);
	tt_pair_fini(&h->pq);
	for (int i = 0; i < 2; i++) {
		free(h->d[i].field.s);
		free(h->d[i].value.s);
		free(h->d[i].url.s);
		free(h->d[i].status.s);
	}
	free(h);
}

const struct tt_proto tt_http1_proto = {
    .name = "http/1.1",
    .flags = TT_PROTO_HTTP,
    .aliases = "http1,http1.1,http/1,http/1.0,http",
    .detect = http1_detect,
    .open = http1_open,
    .feed = http1_feed,
    .close = http1_close,
    .describe = tt_http_describe,
    .line = tt_http_line,
    .fields = tt_http_fields,
    .nfields = TT_HTTP_NFIELDS,
    .release = tt_http_release,
};
