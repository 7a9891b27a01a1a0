// SPDX-License-Identifier: MIT
/*
 * gRPC calls: made by the HTTP/2 session (analyze/proto/http2.c) from streams whose content-type
 * is application/grpc*; this file counts their length-prefixed messages, reads grpc-status and
 * grpc-message, and shows them (line, -v, -vv with each message decoded as raw protobuf).
 */
#include "analyze/proto/grpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/output.h"
#include "analyze/proto/http2.h"

static const char *const status_names[] = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
};

const char *tt_grpc_status_name(int32_t status)
{
	if (status < 0 || (size_t)status >= sizeof(status_names) / sizeof(status_names[0]))
		return NULL;
	return status_names[status];
}

int tt_grpc_content_type(const char *ct)
{
	return ct && !strncasecmp(ct, "application/grpc", 16) &&
	       (ct[16] == 0 || ct[16] == '+' || ct[16] == ';');
}

static struct tt_grpc *G(struct tt_txn *t)
{
	return &tt_h2(t)->grpc;
}

void tt_grpc_start(struct tt_txn *t, const char *path)
{
	struct tt_grpc *g = G(t);
	char *copy = NULL;
	t->pr = &tt_grpc_proto;
	if (!path && t->target)
		path = copy = strdup(t->target); /* t->target is replaced below */
	if (path && path[0] == '/') {
		const char *m = strchr(path + 1, '/');
		size_t all = strnlen(path + 1, TT_TXN_MAX_TARGET);
		if (m && m > path + 1) {
			tt_txn_set_str(t, &g->service, path + 1, (size_t)(m - path - 1));
			tt_txn_set_str(t, &g->method, m + 1, strnlen(m + 1, TT_TXN_MAX_TARGET));
		}
		tt_txn_set_str(t, &t->op, path + 1, all); /* "pkg.Service/Method" */
	}
	tt_txn_set_str(t, &t->target, NULL, 0);
	free(copy);
}

void tt_grpc_data(struct tt_txn *t, struct tt_grpc_framer *f, int resp, const uint8_t *p,
		  uint64_t n)
{
	struct tt_grpc *g = G(t);
	if (f->lost || g->msgs[resp] < 0)
		return;
	while (n) {
		if (f->left) {
			uint64_t k = n < f->left ? n : f->left;
			f->left -= (uint32_t)k;
			n -= k;
			if (p)
				p += k;
			continue;
		}
		if (!p) { /* a prefix without content: the framing is lost */
			f->lost = 1;
			g->cut[resp] = 1;
			return;
		}
		f->hdr[f->hlen++] = *p++;
		n--;
		if (f->hlen == 5) {
			f->hlen = 0;
			f->left = (uint32_t)f->hdr[1] << 24 | (uint32_t)f->hdr[2] << 16 |
				  (uint32_t)f->hdr[3] << 8 | f->hdr[4];
			if (g->msgs[resp] < INT32_MAX)
				g->msgs[resp]++;
			if (f->hdr[0] & 1)
				g->comp[resp]++;
		}
	}
}

void tt_grpc_end(struct tt_txn *t, struct tt_grpc_framer *f, int resp)
{
	if (f->hlen || f->left)
		G(t)->cut[resp] = 1;
	f->hlen = 0;
	f->left = 0;
}

static int hexv(int c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

void tt_grpc_headers(struct tt_txn *t, const struct tt_msg *m, int resp)
{
	struct tt_grpc *g = G(t);
	const char *enc = tt_msg_header(m, "grpc-encoding");
	if (enc)
		g->encoding[resp] = !strcasecmp(enc, "identity") ? 0
				    : !strcasecmp(enc, "gzip")	 ? 1
								 : 2;
	if (!resp)
		return;
	/* trailers come after the headers: the last grpc-status wins */
	const char *st = NULL, *msg = NULL;
	for (uint32_t i = 0; i < m->n_headers; i++) {
		if (!strcasecmp(m->headers[i].name, "grpc-status"))
			st = m->headers[i].value;
		else if (!strcasecmp(m->headers[i].name, "grpc-message"))
			msg = m->headers[i].value;
	}
	if (st) {
		long v = 0;
		size_t i = 0;
		for (; st[i] >= '0' && st[i] <= '9' && i < 9; i++)
			v = v * 10 + (st[i] - '0');
		if (i && !st[i]) {
			g->status = (int32_t)v;
			t->outcome = v == 0 ? TT_OUTCOME_OK : TT_OUTCOME_ERROR;
		}
	}
	if (msg) { /* percent-encoded (gRPC over HTTP/2) */
		size_t n = strnlen(msg, 1024), o = 0;
		char *s = malloc(n + 1);
		if (!s)
			return;
		for (size_t i = 0; i < n; i++) {
			int a, b;
			if (msg[i] == '%' && i + 2 < n + 1 && (a = hexv(msg[i + 1])) >= 0 &&
			    (b = hexv(msg[i + 2])) >= 0) {
				s[o++] = (char)(a << 4 | b);
				i += 2;
			} else {
				s[o++] = msg[i];
			}
		}
		tt_txn_set_str(t, &g->message, s, o);
		free(s);
	}
}

void tt_grpc_finish(struct tt_txn *t)
{
	struct tt_grpc *g = G(t);
	const struct tt_h2 *x = tt_h2(t);
	if (g->status >= 0)
		return;
	if (x->rst_code > 0 || (x->http.status && x->http.status != 200) ||
	    (t->resp.complete && t->resp.seen))
		t->outcome = TT_OUTCOME_ERROR; /* reset, an HTTP error, or no grpc-status */
	else
		t->outcome = TT_OUTCOME_NONE;
}

/* --- output -------------------------------------------------------------------------------- */

static void add_count(struct tt_desc *d, int32_t n)
{
	if (n < 0)
		tt_desc_adds(d, "?");
	else
		tt_desc_u64(d, (uint64_t)n);
	tt_desc_adds(d, n == 1 ? " msg" : " msgs");
}

static void grpc_describe(const struct tt_txn *t, struct tt_desc *d)
{
	const struct tt_h2 *x = tt_h2_c(t);
	const struct tt_grpc *g = &x->grpc;
	char nb[16];
	d->plain = 1;
	if (g->status >= 0) {
		const char *name = tt_grpc_status_name(g->status);
		if (name)
			tt_desc_adds(d, name);
		else {
			tt_desc_adds(d, "status ");
			tt_desc_u64(d, (uint64_t)g->status);
		}
	} else if (x->rst_code >= 0) {
		tt_desc_adds(d, "reset ");
		tt_desc_adds(d, tt_h2_error_name((uint32_t)x->rst_code, nb));
	} else if (x->http.status && x->http.status != 200) {
		tt_desc_adds(d, "HTTP ");
		tt_desc_u64(d, (uint64_t)x->http.status);
	} else if (t->resp.seen) {
		tt_desc_adds(d,
			     t->resp.done && t->resp.complete ? "no grpc-status" : "(unfinished)");
	} else {
		return; /* "(no response)" */
	}
	d->tone = t->outcome == TT_OUTCOME_OK	   ? TT_TONE_OK
		  : t->outcome == TT_OUTCOME_ERROR ? TT_TONE_ERROR
						   : TT_TONE_PLAIN;
	d->tone_len = d->len;
	tt_desc_adds(d, " ");
	add_count(d, g->msgs[0]);
	tt_desc_adds(d, "/");
	add_count(d, g->msgs[1]);
	if (g->cut[0] || g->cut[1])
		tt_desc_adds(d, " (a message cut)");
	if (g->message && *g->message) {
		d->plain = 0; /* wire bytes */
		tt_desc_adds(d, ": ");
		tt_desc_adds(d, g->message);
	}
	if (x->unknown[0] || x->unknown[1]) {
		static const char m[] = "[headers: hpack state unknown]";
		memcpy(d->note, m, sizeof(m));
		d->note_len = sizeof(m) - 1;
	}
}

/* --- -vv: messages as raw protobuf ----------------------------------------------------------- */

static int varint(const uint8_t *p, size_t n, size_t *o, uint64_t *v)
{
	uint64_t x = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (*o >= n)
			return 0;
		uint8_t c = p[(*o)++];
		x |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = x;
			return 1;
		}
	}
	return 0;
}

/* One field's key and where its value is: 1, or 0 when the bytes do not parse. */
static int pb_field(const uint8_t *p, size_t n, size_t *o, uint64_t *field, int *wt, uint64_t *val,
		    size_t *at, size_t *len)
{
	uint64_t key;
	if (!varint(p, n, o, &key))
		return 0;
	*field = key >> 3;
	*wt = (int)(key & 7);
	if (!*field || *field > 0x1fffffff)
		return 0;
	switch (*wt) {
	case 0:
		return varint(p, n, o, val);
	case 1:
	case 5: {
		size_t k = *wt == 1 ? 8 : 4;
		if (n - *o < k)
			return 0;
		*val = 0;
		for (size_t i = 0; i < k; i++)
			*val |= (uint64_t)p[*o + i] << (8 * i);
		*o += k;
		return 1;
	}
	case 2:
		if (!varint(p, n, o, val) || *val > n - *o)
			return 0;
		*at = *o;
		*len = (size_t)*val;
		*o += *len;
		return 1;
	}
	return 0; /* groups (3, 4) and unknown wire types */
}

/* Every field of p..n parses, to the end. */
static int pb_valid(const uint8_t *p, size_t n, int depth)
{
	size_t o = 0, at = 0, len = 0;
	uint64_t f, v;
	int wt;
	if (depth > TT_GRPC_DECODE_DEPTH)
		return 0;
	while (o < n)
		if (!pb_field(p, n, &o, &f, &wt, &v, &at, &len))
			return 0;
	return 1;
}

static void indent(struct tt_wb *w, const char *pfx, int depth)
{
	tt_wb_s(w, pfx);
	for (int i = 0; i < depth; i++)
		tt_wb_lit(w, "  ");
}

/* A string or bytes value, quoted, cut at 256 bytes. */
static void quoted(struct tt_wb *w, const uint8_t *p, size_t n)
{
	size_t k = n < 256 ? n : 256;
	tt_wb_c(w, '"');
	if (tt_output_is_text(p, k) && tt_output_is_utf8(p, k)) {
		for (size_t i = 0; i < k; i++) {
			if (p[i] == '"' || p[i] == '\\') {
				tt_wb_c(w, '\\');
				tt_wb_c(w, (char)p[i]);
			} else if (p[i] == '\n') {
				tt_wb_lit(w, "\\n");
			} else if (p[i] == '\r') {
				tt_wb_lit(w, "\\r");
			} else if (p[i] == '\t') {
				tt_wb_lit(w, "\\t");
			} else {
				tt_wb_safe(w, (const char *)p + i, 1);
			}
		}
	} else { /* bytes: printable ASCII as it is, the rest escaped */
		for (size_t i = 0; i < k; i++) {
			if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\')
				tt_wb_c(w, (char)p[i]);
			else
				tt_wb_printf(w, "\\x%02x", p[i]);
		}
	}
	tt_wb_c(w, '"');
	if (k < n)
		tt_wb_printf(w, "... (%zu bytes)", n);
}

/* Prints the fields of a message that pb_valid() accepted; *budget: fields left to show. */
static void pb_print(struct tt_wb *w, const char *pfx, const uint8_t *p, size_t n, int depth,
		     int *budget)
{
	size_t o = 0, at = 0, len = 0;
	uint64_t f, v;
	int wt;
	while (o < n && pb_field(p, n, &o, &f, &wt, &v, &at, &len)) {
		if (--*budget < 0) {
			if (*budget == -1) {
				indent(w, pfx, depth);
				tt_wb_lit(w, "...\n");
			}
			return;
		}
		indent(w, pfx, depth);
		switch (wt) {
		case 0:
			tt_wb_printf(w, "%llu: %llu\n", (unsigned long long)f,
				     (unsigned long long)v);
			break;
		case 1:
			tt_wb_printf(w, "%llu: 0x%016llx\n", (unsigned long long)f,
				     (unsigned long long)v);
			break;
		case 5:
			tt_wb_printf(w, "%llu: 0x%08llx\n", (unsigned long long)f,
				     (unsigned long long)v);
			break;
		case 2: {
			const uint8_t *s = p + at;
			int text = len && tt_output_is_text(s, len) && tt_output_is_utf8(s, len);
			if (len && !text && pb_valid(s, len, depth + 1)) {
				tt_wb_printf(w, "%llu {\n", (unsigned long long)f);
				pb_print(w, pfx, s, len, depth + 1, budget);
				indent(w, pfx, depth);
				tt_wb_lit(w, "}\n");
			} else {
				tt_wb_printf(w, "%llu: ", (unsigned long long)f);
				quoted(w, s, len);
				tt_wb_c(w, '\n');
			}
			break;
		}
		}
	}
}

static const char *const enc_names[] = {"identity", "gzip", "another encoding"};

static void grpc_body(const struct tt_txn *t, const struct tt_msg *m, struct tt_wb *w,
		      const char *pfx, size_t cap)
{
	const struct tt_grpc *g = &tt_h2_c(t)->grpc;
	int resp = m == &t->resp;
	if (!m->body_bytes)
		return;
	if (!m->body_len) {
		tt_wb_printf(w, "%s[%llu bytes of messages, not captured]\n", pfx,
			     (unsigned long long)m->body_bytes);
		return;
	}
	const uint8_t *p = m->body;
	size_t n = m->body_len, o = 0;
	int budget = TT_GRPC_SHOW_FIELDS, i = 0;
	while (n - o >= 5 && budget > 0) {
		int comp = p[o] & 1;
		uint32_t len = (uint32_t)p[o + 1] << 24 | (uint32_t)p[o + 2] << 16 |
			       (uint32_t)p[o + 3] << 8 | p[o + 4];
		o += 5;
		size_t have = len < n - o ? len : n - o;
		tt_wb_printf(w, "%smessage %d: %u bytes%s%s%s\n", pfx, ++i, len,
			     comp ? ", compressed (" : "", comp ? enc_names[g->encoding[resp]] : "",
			     comp ? ")" : "");
		const uint8_t *s = p + o;
		size_t sn = have;
		uint8_t *alloc = NULL;
		if (comp && g->encoding[resp] == 1) {
			size_t out = 0;
			int trunc = 0;
			if (tt_output_gunzip(s, sn, cap * 4 > cap ? cap * 4 : cap, &alloc, &out,
					     &trunc) == 0) {
				s = alloc;
				sn = out;
				tt_wb_printf(w, "%s  [gzip: %zu bytes decoded%s]\n", pfx, out,
					     trunc ? ", decoding stopped early" : "");
			} else {
				tt_wb_printf(w, "%s  [gzip: does not decode]\n", pfx);
				sn = 0;
			}
		} else if (comp) {
			tt_wb_printf(w, "%s  [not decoded]\n", pfx);
			sn = 0;
		}
		char sub[64];
		snprintf(sub, sizeof(sub), "%s  ", pfx);
		if (sn && pb_valid(s, sn, 0)) {
			pb_print(w, sub, s, sn, 0, &budget);
		} else if (sn) {
			tt_wb_printf(w, "%s[not protobuf wire format] ", sub);
			quoted(w, s, sn);
			tt_wb_c(w, '\n');
		}
		if (have < len)
			tt_wb_printf(w, "%s[%zu of its %u bytes captured]\n", sub, have, len);
		free(alloc);
		o += have;
	}
	if (budget <= 0 && o < n)
		tt_wb_printf(w, "%s[more messages not shown]\n", pfx);
	else if (o < n)
		tt_wb_printf(w, "%s[%zu bytes that do not frame a message]\n", pfx, n - o);
	if (m->body_truncated || m->body_holes)
		tt_wb_printf(w, "%s[shown %zu of %llu bytes%s]\n", pfx, m->body_len,
			     (unsigned long long)m->body_bytes,
			     m->body_holes ? "; some bytes were not captured" : "");
}

static size_t grpc_line(const struct tt_txn *t, enum tt_line which, char *buf, size_t n)
{
	return tt_http2_proto.line(t, which, buf, n);
}

/* --- fields -------------------------------------------------------------------------------- */

static int sval(const char *s, struct tt_val *v)
{
	if (!s)
		return 0;
	v->s = s;
	v->len = strlen(s);
	return 1;
}

static int get_service(const struct tt_txn *t, struct tt_val *v)
{
	return sval(tt_h2_c(t)->grpc.service, v);
}

static int get_method(const struct tt_txn *t, struct tt_val *v)
{
	return sval(tt_h2_c(t)->grpc.method, v);
}

static int get_status(const struct tt_txn *t, struct tt_val *v)
{
	v->i = tt_h2_c(t)->grpc.status;
	return v->i >= 0;
}

static int get_message(const struct tt_txn *t, struct tt_val *v)
{
	return sval(tt_h2_c(t)->grpc.message, v);
}

static int get_req_msgs(const struct tt_txn *t, struct tt_val *v)
{
	v->i = tt_h2_c(t)->grpc.msgs[0];
	return v->i >= 0;
}

static int get_resp_msgs(const struct tt_txn *t, struct tt_val *v)
{
	v->i = tt_h2_c(t)->grpc.msgs[1];
	return v->i >= 0;
}

static int get_req_comp(const struct tt_txn *t, struct tt_val *v)
{
	v->i = tt_h2_c(t)->grpc.comp[0];
	return v->i != 0;
}

static int get_resp_comp(const struct tt_txn *t, struct tt_val *v)
{
	v->i = tt_h2_c(t)->grpc.comp[1];
	return v->i != 0;
}

static const struct tt_field grpc_fields[] = {
    {"grpc_service", TT_FT_STR, TT_FJ_HEAD, TT_FJ_NULL, "gRPC service (pkg.Service)", get_service},
    {"grpc_method", TT_FT_STR, TT_FJ_HEAD, TT_FJ_NULL, "gRPC method", get_method},
    {"grpc_status", TT_FT_INT, TT_FJ_HEAD, TT_FJ_NULL, "grpc-status (0 OK)", get_status},
    {"grpc_message", TT_FT_STR, TT_FJ_HEAD, TT_FJ_NULL, "grpc-message", get_message},
    {"req_messages", TT_FT_INT, TT_FJ_HEAD, TT_FJ_NULL, "messages the client sent", get_req_msgs},
    {"resp_messages", TT_FT_INT, TT_FJ_HEAD, TT_FJ_NULL, "messages the server sent", get_resp_msgs},
    {"status", TT_FT_INT, TT_FJ_HEAD, TT_FJ_NULL, "HTTP status", tt_http_get_status},
    TT_H2_FIELD_ROWS,
    {"req_compressed", TT_FT_INT, TT_FJ_TAIL, TT_FJ_OMIT, "compressed messages of the client",
     get_req_comp},
    {"resp_compressed", TT_FT_INT, TT_FJ_TAIL, TT_FJ_OMIT, "compressed messages of the server",
     get_resp_comp},
};

/* Never found by detection: the HTTP/2 session makes its transactions. */
static int grpc_detect(const struct tt_detect *d)
{
	(void)d;
	return TT_DETECT_NO;
}

static void *grpc_open(struct tt_proto_env *env, const struct tt_conn_info *ci,
		       const struct tt_handover *from)
{
	(void)env;
	(void)ci;
	(void)from;
	return NULL;
}

static void grpc_feed(void *sess, const struct tt_chunk *c)
{
	(void)sess;
	(void)c;
}

static void grpc_close(void *sess, uint64_t ts, int evicted)
{
	(void)sess;
	(void)ts;
	(void)evicted;
}

const struct tt_proto tt_grpc_proto = {
    .name = "grpc",
    .flags = TT_PROTO_HTTP, /* struct tt_h2 starts with struct tt_http */
    .tag = "grpc",
    .detect = grpc_detect,
    .open = grpc_open,
    .feed = grpc_feed,
    .close = grpc_close,
    .describe = grpc_describe,
    .line = grpc_line,
    .fields = grpc_fields,
    .nfields = sizeof(grpc_fields) / sizeof(grpc_fields[0]),
    .release = tt_h2_release,
    .body = grpc_body,
};
