// SPDX-License-Identifier: MIT
#include "analyze/sink/har.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "analyze/output.h"
#include "analyze/proto.h"
#include "analyze/proto/grpc.h"
#include "analyze/proto/http.h"
#include "analyze/proto/http2.h"
#include "analyze/proto/websocket.h"
#include "analyze/wbuf.h"

#define EXPORT_DECODE_CAP (4u << 20) /* decoded (gzip) response bytes kept per body */
/* WebSocket upgrades whose entry is held open for its messages (Chromium's _webSocketMessages):
 * past this many the oldest is written out and its later messages are not in the HAR. */
#define HAR_WS_HELD 64
#define HAR_WS_ENTRY_CAP (16u << 20) /* bytes of one held entry; past it messages are counted */

/* An upgrade's entry, written so far into memory, waiting for its connection's messages. */
struct ws_held {
	uint64_t sock_id;
	FILE *f; /* open_memstream() of buf/len */
	char *buf;
	size_t len;
	uint64_t msgs, dropped;
	struct ws_held *next; /* oldest first */
};

struct har_sink {
	struct tt_sink s;
	struct tt_wb w;
	uint64_t entries;
	struct ws_held *held, **held_tail; /* in upgrade order */
	size_t nheld;
	struct tt_wb scratch; /* a held entry's writes, on their way to its memstream */
	int err;
};

/* ms with three decimals, never negative */
static void ms(struct tt_wb *w, uint64_t ns)
{
	tt_wb_u64(w, ns / 1000000);
	char f[4] = {'.', (char)('0' + ns / 100000 % 10), (char)('0' + ns / 10000 % 10),
		     (char)('0' + ns / 1000 % 10)};
	tt_wb_put(w, f, 4);
}

static uint64_t span(uint64_t from, uint64_t to)
{
	return to > from ? to - from : 0;
}

static void kv(struct tt_wb *w, const char *k, const char *v, size_t vn, int first)
{
	if (!first)
		tt_wb_c(w, ',');
	tt_wb_lit(w, "{\"name\":");
	tt_wb_json_str(w, k, strlen(k));
	tt_wb_lit(w, ",\"value\":");
	tt_wb_json_str(w, v, vn);
	tt_wb_c(w, '}');
}

static void headers(struct tt_wb *w, const struct tt_msg *m)
{
	tt_wb_c(w, '[');
	for (uint32_t i = 0; i < m->n_headers; i++)
		kv(w, m->headers[i].name, m->headers[i].value, strlen(m->headers[i].value), !i);
	tt_wb_c(w, ']');
}

/* Start line + headers + CRLFs as they were on the wire, or -1 when some were not kept. */
static int64_t headers_size(const struct tt_msg *m, size_t start_line)
{
	if (!m->seen || m->headers_truncated)
		return -1;
	int64_t n = (int64_t)start_line + 2 + 2;
	for (uint32_t i = 0; i < m->n_headers; i++)
		n += (int64_t)(strlen(m->headers[i].name) + 2 + strlen(m->headers[i].value) + 2);
	return n;
}

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

/* %XX and '+' decoded (a query string's rules) into out; its length. */
static size_t url_decode(const char *s, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int a, b;
		if (s[i] == '%' && i + 2 < n && (a = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (b = hexval((unsigned char)s[i + 2])) >= 0) {
			out[o++] = (char)(a * 16 + b);
			i += 2;
		} else {
			out[o++] = s[i] == '+' ? ' ' : s[i];
		}
	}
	return o;
}

static void query_string(struct tt_wb *w, const char *target)
{
	tt_wb_c(w, '[');
	const char *q = target ? strchr(target, '?') : NULL;
	int first = 1;
	if (q) {
		q++;
		size_t end = strcspn(q, "#");
		for (size_t i = 0; i < end;) {
			size_t j = i;
			while (j < end && q[j] != '&')
				j++;
			if (j > i) {
				const char *eq = memchr(q + i, '=', j - i);
				size_t nl = eq ? (size_t)(eq - (q + i)) : j - i;
				char name[TT_TXN_MAX_TARGET], val[TT_TXN_MAX_TARGET];
				size_t a = url_decode(q + i, nl, name);
				size_t b = eq ? url_decode(eq + 1, (size_t)(q + j - eq - 1), val) : 0;
				if (!first)
					tt_wb_c(w, ',');
				tt_wb_lit(w, "{\"name\":");
				tt_wb_json_str(w, name, a);
				tt_wb_lit(w, ",\"value\":");
				tt_wb_json_str(w, val, b);
				tt_wb_c(w, '}');
				first = 0;
			}
			i = j + 1;
		}
	}
	tt_wb_c(w, ']');
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Cookie: a=1; b=2 */
static void req_cookies(struct tt_wb *w, const struct tt_msg *m)
{
	int first = 1;
	tt_wb_c(w, '[');
	for (uint32_t i = 0; i < m->n_headers; i++) {
		if (strcasecmp(m->headers[i].name, "Cookie"))
			continue;
		for (const char *p = m->headers[i].value; *p;) {
			p = skip_ws(p);
			size_t l = strcspn(p, ";");
			const char *eq = memchr(p, '=', l);
			if (l) {
				if (!first)
					tt_wb_c(w, ',');
				tt_wb_lit(w, "{\"name\":");
				tt_wb_json_str(w, p, eq ? (size_t)(eq - p) : l);
				tt_wb_lit(w, ",\"value\":");
				if (eq)
					tt_wb_json_str(w, eq + 1, (size_t)(p + l - eq - 1));
				else
					tt_wb_lit(w, "\"\"");
				tt_wb_c(w, '}');
				first = 0;
			}
			p += l;
			if (*p == ';')
				p++;
		}
	}
	tt_wb_c(w, ']');
}

/* Set-Cookie: n=v; Path=/; Domain=x; HttpOnly; Secure */
static void resp_cookies(struct tt_wb *w, const struct tt_msg *m)
{
	int first = 1;
	tt_wb_c(w, '[');
	for (uint32_t i = 0; i < m->n_headers; i++) {
		if (strcasecmp(m->headers[i].name, "Set-Cookie"))
			continue;
		const char *p = skip_ws(m->headers[i].value);
		size_t l = strcspn(p, ";");
		const char *eq = memchr(p, '=', l);
		if (!first)
			tt_wb_c(w, ',');
		first = 0;
		tt_wb_lit(w, "{\"name\":");
		tt_wb_json_str(w, p, eq ? (size_t)(eq - p) : l);
		tt_wb_lit(w, ",\"value\":");
		if (eq)
			tt_wb_json_str(w, eq + 1, (size_t)(p + l - eq - 1));
		else
			tt_wb_lit(w, "\"\"");
		for (p += l; *p == ';';) {
			p = skip_ws(p + 1);
			size_t al = strcspn(p, ";");
			const char *aeq = memchr(p, '=', al);
			size_t kl = aeq ? (size_t)(aeq - p) : al;
			const char *v = aeq ? aeq + 1 : "";
			size_t vl = aeq ? (size_t)(p + al - aeq - 1) : 0;
			if (kl == 4 && !strncasecmp(p, "path", 4)) {
				tt_wb_lit(w, ",\"path\":");
				tt_wb_json_str(w, v, vl);
			} else if (kl == 6 && !strncasecmp(p, "domain", 6)) {
				tt_wb_lit(w, ",\"domain\":");
				tt_wb_json_str(w, v, vl);
			} else if (kl == 8 && !strncasecmp(p, "httponly", 8)) {
				tt_wb_lit(w, ",\"httpOnly\":true");
			} else if (kl == 6 && !strncasecmp(p, "secure", 6)) {
				tt_wb_lit(w, ",\"secure\":true");
			}
			p += al;
		}
		tt_wb_c(w, '}');
	}
	tt_wb_c(w, ']');
}

/* A body as HAR text: UTF-8 as is, else base64 (then *b64 set). */
static void body_text(struct tt_wb *w, const uint8_t *p, size_t n, int *b64)
{
	if (!n) { /* an empty body: its pointer may be NULL */
		*b64 = 0;
		tt_wb_lit(w, "\"\"");
		return;
	}
	*b64 = !tt_output_is_utf8(p, n) || memchr(p, 0, n);
	if (*b64)
		tt_wb_json_b64(w, p, n);
	else
		tt_wb_json_str(w, (const char *)p, n);
}

static const char *header_or(const struct tt_msg *m, const char *name, const char *dflt)
{
	const char *v = tt_msg_header(m, name);
	return v ? v : dflt;
}

static int body_whole(const struct tt_msg *m)
{
	return !m->body_truncated && !m->body_holes && m->body_len == m->body_bytes;
}

/* ISO 8601 UTC with milliseconds, quoted */
static void iso_time(struct tt_wb *w, int64_t wall_ns)
{
	char ts[72];
	tt_wb_c(w, '"');
	size_t l = tt_output_second(ts, (time_t)(wall_ns / 1000000000), 1, 1);
	tt_wb_put(w, ts, l);
	long msec = (long)((wall_ns % 1000000000) / 1000000);
	tt_wb_printf(w, ".%03ldZ\"", msec < 0 ? 0 : msec);
}

/* One entry, without its closing brace (a WebSocket upgrade's messages may follow). */
static void entry(struct tt_wb *w, const struct tt_txn *t, int64_t wall_ns)
{
	const struct tt_http *h = tt_http_of(t);
	const struct tt_msg *rq = &t->req, *rs = &t->resp;
	char srv[200];

	tt_wb_lit(w, "\n{\"startedDateTime\":");
	iso_time(w, wall_ns);
	uint64_t send = span(rq->ts_first, rq->ts_last);
	uint64_t wait = rs->seen ? span(rq->ts_last, rs->ts_first) : 0;
	uint64_t recv = rs->seen ? span(rs->ts_first, rs->ts_last) : 0;
	tt_wb_lit(w, ",\"time\":");
	ms(w, send + wait + recv);

	/* request */
	const char *host = h && h->authority ? h->authority : NULL;
	const struct tt_addr *server = t->side == TT_SIDE_SERVER ? &t->local : &t->remote;
	tt_output_addr(srv, sizeof(srv), server, t->unix_path);
	struct tt_wb u;
	tt_wb_init(&u, NULL);
	const char *scheme = (t->pr == &tt_http2_proto || t->pr == &tt_grpc_proto) && tt_h2_c(t)->scheme
				 ? tt_h2_c(t)->scheme
				 : "http";
	tt_wb_s(&u, scheme);
	tt_wb_lit(&u, "://");
	tt_wb_s(&u, host ? host : t->local.family == TT_AF_UNIX ? "localhost" : srv);
	/* HTTP/2's pseudo-headers when they were decoded: gRPC's op is its method name */
	const char *method = header_or(rq, ":method", t->op ? t->op : "");
	const char *target = header_or(rq, ":path", t->target ? t->target : "/");
	tt_wb_s(&u, target);
	const char *version = h && h->version ? h->version : "HTTP/1.1";
	tt_wb_lit(w, ",\"request\":{\"method\":");
	tt_wb_json_cstr(w, method);
	tt_wb_lit(w, ",\"url\":");
	tt_wb_json_cstr(w, tt_wb_cstr(&u));
	tt_wb_lit(w, ",\"httpVersion\":");
	tt_wb_json_cstr(w, version);
	tt_wb_lit(w, ",\"cookies\":");
	req_cookies(w, rq);
	tt_wb_lit(w, ",\"headers\":");
	headers(w, rq);
	tt_wb_lit(w, ",\"queryString\":");
	query_string(w, target);
	size_t rline = (t->op ? strlen(t->op) : 0) + 1 + (t->target ? strlen(t->target) : 0) + 1 +
		       strlen(version);
	tt_wb_lit(w, ",\"headersSize\":");
	tt_wb_int(w, t->pr && !strcmp(t->pr->name, "http/1.1") ? headers_size(rq, rline) : -1);
	tt_wb_lit(w, ",\"bodySize\":");
	tt_wb_int(w, rq->seen ? (int64_t)rq->body_bytes : -1);
	if (rq->body_bytes) {
		int b64;
		tt_wb_lit(w, ",\"postData\":{\"mimeType\":");
		tt_wb_json_cstr(w, header_or(rq, "Content-Type", ""));
		tt_wb_lit(w, ",\"params\":[],\"text\":");
		body_text(w, rq->body, rq->body_len, &b64);
		if (b64)
			tt_wb_lit(w, ",\"_encoding\":\"base64\"");
		if (!body_whole(rq))
			tt_wb_printf(w, ",\"comment\":\"%zu of %" PRIu64 " bytes captured\"",
				     rq->body_len, rq->body_bytes);
		tt_wb_c(w, '}');
	}
	tt_wb_c(w, '}');

	/* response */
	int status = h ? h->status : 0;
	const char *rversion = h && h->resp_version ? h->resp_version : rs->seen ? version : "";
	tt_wb_lit(w, ",\"response\":{\"status\":");
	tt_wb_int(w, status);
	tt_wb_lit(w, ",\"statusText\":");
	tt_wb_json_cstr(w, h && h->status_text ? h->status_text : "");
	tt_wb_lit(w, ",\"httpVersion\":");
	tt_wb_json_cstr(w, rversion);
	tt_wb_lit(w, ",\"cookies\":");
	resp_cookies(w, rs);
	tt_wb_lit(w, ",\"headers\":");
	headers(w, rs);
	const uint8_t *bp;
	size_t bn;
	uint8_t *alloc;
	int decoded, dtrunc;
	tt_output_body_view(rs, EXPORT_DECODE_CAP, 0, &bp, &bn, &alloc, &decoded, &dtrunc);
	int64_t hsize = t->pr && !strcmp(t->pr->name, "http/1.1")
			    ? headers_size(rs, strlen(rversion) + 1 + 3 + 1 +
						   (h && h->status_text ? strlen(h->status_text) : 0))
			    : -1;
	int64_t bsize = !rs->seen ? -1
			: hsize >= 0 && rs->wire_bytes >= (uint64_t)hsize
			    ? (int64_t)(rs->wire_bytes - (uint64_t)hsize)
			    : (int64_t)rs->body_bytes;
	int whole = body_whole(rs);
	int64_t csize = decoded && whole && !dtrunc ? (int64_t)bn : (int64_t)rs->body_bytes;
	tt_wb_lit(w, ",\"content\":{\"size\":");
	tt_wb_int(w, csize);
	if (decoded && whole && !dtrunc && bsize >= 0) {
		tt_wb_lit(w, ",\"compression\":");
		tt_wb_int(w, csize - (int64_t)rs->body_bytes);
	}
	tt_wb_lit(w, ",\"mimeType\":");
	tt_wb_json_cstr(w, header_or(rs, "Content-Type", ""));
	if (bn) {
		int b64;
		tt_wb_lit(w, ",\"text\":");
		body_text(w, bp, bn, &b64);
		if (b64)
			tt_wb_lit(w, ",\"encoding\":\"base64\"");
	}
	if (rs->body_bytes && !whole)
		tt_wb_printf(w, ",\"comment\":\"%s\"",
			     rs->body_holes ? "some body bytes were not captured (gap or sendfile)"
					    : "body cut at the capture cap");
	tt_wb_c(w, '}');
	free(alloc);
	tt_wb_lit(w, ",\"redirectURL\":");
	tt_wb_json_cstr(w, header_or(rs, "Location", ""));
	tt_wb_lit(w, ",\"headersSize\":");
	tt_wb_int(w, hsize);
	tt_wb_lit(w, ",\"bodySize\":");
	tt_wb_int(w, bsize);
	tt_wb_c(w, '}');

	tt_wb_lit(w, ",\"cache\":{},\"timings\":{\"blocked\":-1,\"dns\":-1,\"connect\":-1,\"ssl\":-1,"
		     "\"send\":");
	ms(w, send);
	tt_wb_lit(w, ",\"wait\":");
	ms(w, wait);
	tt_wb_lit(w, ",\"receive\":");
	ms(w, recv);
	tt_wb_c(w, '}');
	/* the server's IP without port or brackets */
	char ip[200];
	snprintf(ip, sizeof(ip), "%s", srv);
	if (server->family == TT_AF_INET6 && ip[0] == '[') {
		memmove(ip, ip + 1, strlen(ip));
		*strchrnul(ip, ']') = 0;
	} else if (server->family == TT_AF_INET) {
		*strchrnul(ip, ':') = 0;
	}
	if (server->family == TT_AF_INET || server->family == TT_AF_INET6) {
		tt_wb_lit(w, ",\"serverIPAddress\":");
		tt_wb_json_cstr(w, ip);
	}
	const struct tt_addr *client = t->side == TT_SIDE_SERVER ? &t->remote : &t->local;
	tt_wb_printf(w, ",\"connection\":\"%u\"", client->port);
	tt_wb_printf(w,
		     ",\"_tinytap\":{\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"comm\":",
		     t->pid, t->tid);
	tt_wb_json_cstr(w, t->comm);
	tt_wb_printf(w, ",\"side\":\"%s\",\"sock_id\":%" PRIu64 ",\"peer_sock_id\":%" PRIu64
			",\"proto\":",
		     t->side == TT_SIDE_CLIENT	 ? "client"
		     : t->side == TT_SIDE_SERVER ? "server"
						 : "unknown",
		     t->sock_id, t->peer_sock_id);
	tt_wb_json_cstr(w, t->pr ? t->pr->name : NULL);
	tt_wb_printf(w, ",\"outcome\":\"%s\",\"incomplete\":", tt_outcome_name(t->outcome));
	tt_wb_json_cstr(w, tt_txn_incomplete(t));
	tt_wb_c(w, '}');
}

/* An entry's place in the array: a comma before every one but the first. */
static void entry_sep(struct har_sink *hs)
{
	if (hs->entries++)
		tt_wb_c(&hs->w, ',');
}

/* The upgrade's entry is complete: its messages closed, then out it goes. */
static void ws_release(struct har_sink *hs, struct ws_held *x)
{
	fprintf(x->f, "]");
	if (x->dropped)
		fprintf(x->f, ",\"_webSocketMessagesDropped\":%" PRIu64, x->dropped);
	fputc('}', x->f);
	if (fclose(x->f) && !hs->err)
		hs->err = -ENOMEM;
	x->f = NULL;
	entry_sep(hs);
	tt_wb_put(&hs->w, x->buf, x->len);
	tt_wb_flush(&hs->w);
	free(x->buf);
	free(x);
}

static void ws_release_oldest(struct har_sink *hs)
{
	struct ws_held *x = hs->held;
	hs->held = x->next;
	if (!hs->held)
		hs->held_tail = &hs->held;
	hs->nheld--;
	ws_release(hs, x);
}

static struct ws_held *ws_find(struct har_sink *hs, uint64_t sock_id)
{
	for (struct ws_held *x = hs->held; x; x = x->next)
		if (x->sock_id == sock_id)
			return x;
	return NULL;
}

/* Did this exchange switch its connection to WebSocket (101 + Upgrade: websocket)? */
static int is_ws_upgrade(const struct tt_txn *t)
{
	const struct tt_http *h = tt_http_of(t);
	return h && h->status == 101 && !strcasecmp(header_or(&t->resp, "Upgrade", ""), "websocket");
}

/* Holds the upgrade's entry open; its messages are added as they come (Chromium's format). */
static int ws_hold(struct har_sink *hs, const struct tt_txn *t, int64_t wall_ns)
{
	if (hs->nheld == HAR_WS_HELD)
		ws_release_oldest(hs);
	struct ws_held *x = calloc(1, sizeof(*x));
	if (!x || !(x->f = open_memstream(&x->buf, &x->len))) {
		free(x);
		return -ENOMEM;
	}
	x->sock_id = t->sock_id;
	tt_wb_init(&hs->scratch, x->f);
	entry(&hs->scratch, t, wall_ns);
	tt_wb_lit(&hs->scratch, ",\"_resourceType\":\"websocket\",\"_webSocketMessages\":[");
	tt_wb_flush(&hs->scratch);
	*hs->held_tail = x;
	hs->held_tail = &x->next;
	hs->nheld++;
	return 0;
}

/* Chromium's opcode numbers for the WebSocket parser's op names */
static int ws_opcode(const char *op)
{
	static const struct {
		const char *name;
		int code;
	} ops[] = {{"continuation", 0}, {"text", 1}, {"binary", 2},
		   {"close", 8},	{"ping", 9}, {"pong", 10}};
	for (size_t i = 0; op && i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(op, ops[i].name))
			return ops[i].code;
	return -1;
}

/* A message of a held upgrade: {"type":"send"|"receive","time":epoch s,"opcode":N,"data":...};
 * "send" is the client's (the browser's view), binary data base64 as Chromium writes it. */
static void ws_message(struct har_sink *hs, struct ws_held *x, const struct tt_txn *t,
		       int64_t wall_ns)
{
	const struct tt_msg *m = t->req.seen ? &t->req : &t->resp;
	if (x->len > HAR_WS_ENTRY_CAP) {
		x->dropped++;
		return;
	}
	struct tt_wb *w = &hs->scratch;
	tt_wb_init(w, x->f);
	if (x->msgs++)
		tt_wb_c(w, ',');
	tt_wb_printf(w, "{\"type\":\"%s\",\"time\":%" PRId64 ".%06" PRId64 ",\"opcode\":%d,",
		     t->req.seen ? "send" : "receive", wall_ns / 1000000000,
		     (wall_ns % 1000000000) / 1000, ws_opcode(t->op));
	tt_wb_lit(w, "\"data\":");
	int b64;
	body_text(w, m->body, m->body_len, &b64);
	if (m->body_len < m->body_bytes)
		tt_wb_printf(w, ",\"_tinytapBytes\":%" PRIu64, m->body_bytes);
	tt_wb_c(w, '}');
	tt_wb_flush(w);
}

static int har_begin(struct tt_sink *s, const struct tt_file_info *fi)
{
	struct har_sink *hs = (struct har_sink *)s;
	tt_wb_lit(&hs->w, "{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"tinytap\","
			  "\"version\":\"" TT_VERSION "\"}");
	if (fi && fi->hostname[0]) {
		tt_wb_lit(&hs->w, ",\"comment\":");
		tt_wb_json_str(&hs->w, fi->hostname, strnlen(fi->hostname, sizeof(fi->hostname)));
	}
	tt_wb_lit(&hs->w, ",\"pages\":[],\"entries\":[");
	tt_wb_flush(&hs->w);
	return 0;
}

static int har_txn(struct tt_sink *s, const struct tt_txn *t, int64_t wall_ns)
{
	struct har_sink *hs = (struct har_sink *)s;
	if (t->pr == &tt_websocket_proto) {
		struct ws_held *x = ws_find(hs, t->sock_id);
		if (x) /* a message without its upgrade in this HAR is in no entry, as in DevTools */
			ws_message(hs, x, t, wall_ns);
		return hs->err;
	}
	if (!tt_http_of(t) || !t->req.seen || !t->op)
		return 0; /* HTTP requests only: a response without its request is no entry */
	if (is_ws_upgrade(t)) {
		struct ws_held *old = ws_find(hs, t->sock_id);
		if (old) { /* the socket id came back: the old connection is over */
			while (hs->held != old)
				ws_release_oldest(hs);
			ws_release_oldest(hs);
		}
		return ws_hold(hs, t, wall_ns) < 0 ? -ENOMEM : hs->err;
	}
	entry_sep(hs);
	entry(&hs->w, t, wall_ns);
	tt_wb_c(&hs->w, '}');
	tt_wb_flush(&hs->w);
	return 0;
}

static int har_end(struct tt_sink *s)
{
	struct har_sink *hs = (struct har_sink *)s;
	while (hs->held)
		ws_release_oldest(hs);
	tt_wb_lit(&hs->w, "\n]}}\n");
	tt_wb_flush(&hs->w);
	fflush(hs->w.f);
	return hs->err;
}

static void har_free(struct tt_sink *s)
{
	struct har_sink *hs = (struct har_sink *)s;
	while (hs->held) {
		struct ws_held *x = hs->held;
		hs->held = x->next;
		if (x->f)
			fclose(x->f);
		free(x->buf);
		free(x);
	}
	free(s);
}

struct tt_sink *tt_sink_har_new(FILE *f)
{
	struct har_sink *hs = calloc(1, sizeof(*hs));
	if (!hs)
		return NULL;
	hs->s = (struct tt_sink){har_begin, har_txn, har_end, har_free};
	tt_wb_init(&hs->w, f);
	hs->held_tail = &hs->held;
	return &hs->s;
}
