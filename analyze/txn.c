// SPDX-License-Identifier: MIT
#include "analyze/txn.h"
#include "analyze/proto.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Freed txns kept for reuse with their header buffers (only small ones: the cache stays a few
 * hundred KiB at most). Per thread, so sessions on different threads never share one. */
#define CACHE_MAX	 64
#define KEEP_HEADERS_CAP 32
#define KEEP_HBUF_CAP	 4096
static _Thread_local struct tt_txn *cache[CACHE_MAX];
static _Thread_local unsigned ncache;

static int is_inline(const struct tt_txn *t, const char *p)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)t->sbuf;
	return a >= b && a < b + sizeof(t->sbuf);
}

void tt_txn_free_str(const struct tt_txn *t, char *p)
{
	if (!is_inline(t, p))
		free(p);
}

int tt_txn_set_str(struct tt_txn *t, char **field, const char *s, size_t n)
{
	tt_txn_free_str(t, *field);
	*field = NULL;
	if (!s)
		return 0;
	char *d;
	if (n < sizeof(t->sbuf) - t->sbuf_len) {
		d = t->sbuf + t->sbuf_len;
		t->sbuf_len += (uint32_t)n + 1;
	} else if (!(d = malloc(n + 1))) {
		return -ENOMEM;
	}
	memcpy(d, s, n);
	d[n] = 0;
	*field = d;
	return 0;
}

struct tt_txn *tt_txn_new(void)
{
	if (!ncache)
		return calloc(1, sizeof(struct tt_txn));
	struct tt_txn *t = cache[--ncache];
	struct tt_msg keep[2] = {t->req, t->resp};
	memset(t, 0, offsetof(struct tt_txn, sbuf));
	struct tt_msg *m[2] = {&t->req, &t->resp};
	for (int i = 0; i < 2; i++) {
		m[i]->headers = keep[i].headers;
		m[i]->headers_cap = keep[i].headers_cap;
		m[i]->hbuf = keep[i].hbuf;
		m[i]->hbuf_cap = keep[i].hbuf_cap;
	}
	return t;
}

void tt_msg_clear(struct tt_msg *m)
{
	free(m->headers);
	free(m->hbuf);
	free(m->body);
	memset(m, 0, sizeof(*m));
}

/* Like tt_msg_clear(), but keeps small header buffers for the txn's next use. */
static void msg_recycle(struct tt_msg *m)
{
	free(m->body);
	if (m->headers_cap > KEEP_HEADERS_CAP) {
		free(m->headers);
		m->headers = NULL;
		m->headers_cap = 0;
	}
	if (m->hbuf_cap > KEEP_HBUF_CAP) {
		free(m->hbuf);
		m->hbuf = NULL;
		m->hbuf_cap = 0;
	}
}

void tt_txn_free(struct tt_txn *t)
{
	if (!t)
		return;
	tt_txn_free_str(t, t->op);
	tt_txn_free_str(t, t->target);
	if (t->pr && t->pr->release)
		t->pr->release(t);
	if (ncache < CACHE_MAX) {
		msg_recycle(&t->req);
		msg_recycle(&t->resp);
		cache[ncache++] = t;
		return;
	}
	tt_msg_clear(&t->req);
	tt_msg_clear(&t->resp);
	free(t);
}

int tt_txn_complete(const struct tt_txn *t)
{
	if (t->flags & TT_TXN_ONEWAY) {
		const struct tt_msg *m = t->req.seen ? &t->req : &t->resp;
		return m->seen && m->complete && !m->gap &&
		       !(t->flags & (TT_TXN_GAP | TT_TXN_BROKEN | TT_TXN_EVICTED));
	}
	return t->req.complete && t->resp.complete && !t->req.gap && !t->resp.gap &&
	       !(t->flags & (TT_TXN_NO_REQUEST | TT_TXN_NO_RESPONSE | TT_TXN_GAP | TT_TXN_BROKEN |
			     TT_TXN_EVICTED));
}

uint64_t tt_txn_start(const struct tt_txn *t)
{
	return t->req.seen ? t->req.ts_first : t->resp.ts_first;
}

uint64_t tt_txn_duration_ns(const struct tt_txn *t)
{
	if (!t->req.seen || !t->resp.seen || t->resp.ts_last < t->req.ts_first ||
	    (t->flags & TT_TXN_ONEWAY))
		return 0;
	return t->resp.ts_last - t->req.ts_first;
}

int tt_msg_add_header(struct tt_msg *m, const char *name, size_t nlen, const char *value,
		      size_t vlen)
{
	if (m->n_headers >= TT_TXN_MAX_HEADERS ||
	    m->header_bytes + nlen + vlen > TT_TXN_MAX_HEADER_BYTES) {
		m->headers_truncated = 1;
		return -ENOSPC;
	}
	if (m->n_headers == m->headers_cap) {
		uint32_t nc = m->headers_cap ? m->headers_cap * 2 : 8;
		struct tt_kv *h = realloc(m->headers, nc * sizeof(*h));
		if (!h)
			return -ENOMEM;
		m->headers = h;
		m->headers_cap = nc;
	}
	size_t need = nlen + vlen + 2; /* at most TT_TXN_MAX_HEADER_BYTES + 2 per header in all */
	if (m->hbuf_len + need > m->hbuf_cap) {
		size_t nc = m->hbuf_cap ? m->hbuf_cap * 2 : 512;
		while (nc < m->hbuf_len + need)
			nc *= 2;
		char *b = malloc(nc);
		if (!b)
			return -ENOMEM;
		/* move what is kept, and the pointers into it */
		if (m->hbuf_len)
			memcpy(b, m->hbuf, m->hbuf_len);
		for (uint32_t i = 0; i < m->n_headers; i++) {
			m->headers[i].name = b + (m->headers[i].name - m->hbuf);
			m->headers[i].value = b + (m->headers[i].value - m->hbuf);
		}
		free(m->hbuf);
		m->hbuf = b;
		m->hbuf_cap = nc;
	}
	char *n = m->hbuf + m->hbuf_len, *v = n + nlen + 1;
	memcpy(n, name, nlen);
	n[nlen] = 0;
	memcpy(v, value, vlen);
	v[vlen] = 0;
	m->hbuf_len += need;
	m->headers[m->n_headers].name = n;
	m->headers[m->n_headers].value = v;
	m->n_headers++;
	m->header_bytes += nlen + vlen;
	return 0;
}

const char *tt_msg_header(const struct tt_msg *m, const char *name)
{
	for (uint32_t i = 0; i < m->n_headers; i++)
		if (strcasecmp(m->headers[i].name, name) == 0)
			return m->headers[i].value;
	return NULL;
}

void tt_msg_add_body(struct tt_msg *m, const void *data, size_t len, size_t cap)
{
	if (!len)
		return; /* nothing to count or keep (and no arithmetic on a NULL body) */
	m->body_bytes += len;
	if (!data) {
		m->body_holes = 1;
		return;
	}
	if (m->body_len >= cap) {
		m->body_truncated = 1;
		return;
	}
	size_t take = len < cap - m->body_len ? len : cap - m->body_len;
	if (m->body_len + take > m->body_cap) {
		size_t nc = m->body_cap ? m->body_cap * 2 : 4096;
		while (nc < m->body_len + take)
			nc *= 2;
		if (nc > cap)
			nc = cap;
		uint8_t *b = realloc(m->body, nc);
		if (!b) {
			m->body_truncated = 1;
			return;
		}
		m->body = b;
		m->body_cap = nc;
	}
	memcpy(m->body + m->body_len, data, take);
	m->body_len += take;
	if (take < len)
		m->body_truncated = 1;
}

const char *tt_txn_incomplete(const struct tt_txn *t)
{
	if (t->flags & TT_TXN_EVICTED)
		return "evicted";
	if (t->flags & TT_TXN_GAP)
		return "gap";
	if ((t->flags & TT_TXN_BROKEN) && t->error)
		return "invalid"; /* the parser rejected it: t->error says why */
	if (t->flags & TT_TXN_NO_REQUEST)
		return "no request";
	if (t->flags & TT_TXN_NO_RESPONSE)
		return "no response";
	if (!tt_txn_complete(t))
		return "incomplete";
	return NULL;
}

const char *tt_outcome_name(enum tt_outcome o)
{
	return o == TT_OUTCOME_OK ? "ok" : o == TT_OUTCOME_ERROR ? "error" : "none";
}
