// SPDX-License-Identifier: MIT
#include "analyze/proto/http.h"

#include <string.h>

void tt_http_set_status(struct tt_txn *t, int status)
{
	tt_http(t)->status = status;
	t->outcome = !status ? TT_OUTCOME_NONE : status >= 400 ? TT_OUTCOME_ERROR : TT_OUTCOME_OK;
}

void tt_http_describe(const struct tt_txn *t, struct tt_desc *d)
{
	const struct tt_http *h = tt_http_c(t);
	int st = h->status;
	if (!st)
		return; /* "(no response)" */
	d->plain = 1; /* digits and words of ours */
	d->tone = st >= 500 ? TT_TONE_ERROR : st >= 400 ? TT_TONE_WARN : st >= 300 ? TT_TONE_REDIRECT
									 : TT_TONE_OK;
	if (st < 0) { /* never from a parser; keep the text right anyway */
		tt_desc_add(d, "-", 1);
		st = -st;
	}
	tt_desc_u64(d, (uint64_t)st);
	d->tone_len = d->len;
	tt_desc_add(d, " ", 1);
	tt_desc_u64(d, t->resp.body_bytes);
	tt_desc_add(d, " bytes", 6);
}

/* Appends s (may be NULL: nothing) to buf at *o, cut at n - 1. */
static void put(char *buf, size_t n, size_t *o, const char *s, size_t l)
{
	if (*o + l > n - 1)
		l = n - 1 > *o ? n - 1 - *o : 0;
	memcpy(buf + *o, s, l);
	*o += l;
}

static void puts_(char *buf, size_t n, size_t *o, const char *s)
{
	if (s)
		put(buf, n, o, s, strlen(s));
}

static void putint(char *buf, size_t n, size_t *o, int v)
{
	char t[16];
	size_t i = sizeof(t);
	unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
	do {
		t[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		t[--i] = '-';
	put(buf, n, o, t + i, sizeof(t) - i);
}

size_t tt_http_line(const struct tt_txn *t, enum tt_line which, char *buf, size_t n)
{
	const struct tt_http *h = tt_http_c(t);
	size_t o = 0;
	if (!n)
		return 0;
	switch (which) {
	case TT_LINE_REQ:
		puts_(buf, n, &o, t->op);
		put(buf, n, &o, " ", 1);
		puts_(buf, n, &o, t->target);
		put(buf, n, &o, " ", 1);
		puts_(buf, n, &o, h->version);
		break;
	case TT_LINE_INTERIM:
		if (!h->interim_status)
			return 0;
		puts_(buf, n, &o, "(interim ");
		putint(buf, n, &o, h->interim_status);
		put(buf, n, &o, ")", 1);
		break;
	case TT_LINE_RESP:
		puts_(buf, n, &o, h->resp_version ? h->resp_version : "HTTP/1.1");
		put(buf, n, &o, " ", 1);
		putint(buf, n, &o, h->status);
		put(buf, n, &o, " ", 1);
		puts_(buf, n, &o, h->status_text);
		break;
	}
	buf[o] = 0;
	return o;
}

void tt_http_release(struct tt_txn *t)
{
	struct tt_http *h = tt_http(t);
	tt_txn_free_str(t, h->authority);
	tt_txn_free_str(t, h->version);
	tt_txn_free_str(t, h->resp_version);
	tt_txn_free_str(t, h->status_text);
}

static int str_val(const char *s, struct tt_val *v)
{
	if (!s)
		return 0;
	v->s = s;
	v->len = strlen(s);
	return 1;
}

int tt_http_get_method(const struct tt_txn *t, struct tt_val *v)
{
	return str_val(t->op, v);
}

int tt_http_get_path(const struct tt_txn *t, struct tt_val *v)
{
	return str_val(t->target, v);
}

int tt_http_get_host(const struct tt_txn *t, struct tt_val *v)
{
	return str_val(tt_http_c(t)->authority, v);
}

int tt_http_get_version(const struct tt_txn *t, struct tt_val *v)
{
	return str_val(tt_http_c(t)->version, v);
}

int tt_http_get_status(const struct tt_txn *t, struct tt_val *v)
{
	v->i = tt_http_c(t)->status;
	return v->i != 0;
}

int tt_http_get_status_text(const struct tt_txn *t, struct tt_val *v)
{
	return str_val(tt_http_c(t)->status_text, v);
}

int tt_http_get_interim(const struct tt_txn *t, struct tt_val *v)
{
	v->i = tt_http_c(t)->interim_status;
	return v->i != 0;
}

int tt_http_get_upgraded(const struct tt_txn *t, struct tt_val *v)
{
	v->i = 1;
	return (t->flags & TT_TXN_UPGRADED) != 0;
}

const struct tt_field tt_http_fields[TT_HTTP_NFIELDS] = {TT_HTTP_FIELD_ROWS};
