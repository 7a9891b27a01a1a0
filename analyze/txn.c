// SPDX-License-Identifier: MIT
#include "analyze/txn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct tt_txn *tt_txn_new(void)
{
	return calloc(1, sizeof(struct tt_txn));
}

void tt_msg_clear(struct tt_msg *m)
{
	for (uint32_t i = 0; i < m->n_headers; i++) {
		free(m->headers[i].name);
		free(m->headers[i].value);
	}
	free(m->headers);
	free(m->body);
	memset(m, 0, sizeof(*m));
}

void tt_txn_free(struct tt_txn *t)
{
	if (!t)
		return;
	tt_msg_clear(&t->req);
	tt_msg_clear(&t->resp);
	free(t->op);
	free(t->target);
	free(t->authority);
	free(t->version);
	free(t->resp_version);
	free(t->status_text);
	free(t);
}

int tt_txn_complete(const struct tt_txn *t)
{
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
	if (!t->req.seen || !t->resp.seen || t->resp.ts_last < t->req.ts_first)
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
	if ((m->n_headers & 7) == 0) {
		struct tt_kv *h = realloc(m->headers, (m->n_headers + 8) * sizeof(*h));
		if (!h)
			return -ENOMEM;
		m->headers = h;
	}
	char *n = strndup(name, nlen), *v = strndup(value, vlen);
	if (!n || !v) {
		free(n);
		free(v);
		return -ENOMEM;
	}
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
	m->body_bytes += len;
	if (!data) {
		if (len)
			m->body_holes = 1;
		return;
	}
	if (m->body_len >= cap) {
		if (len)
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
