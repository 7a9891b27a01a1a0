// SPDX-License-Identifier: MIT
#include "analyze/output.h"
#include "analyze/redact.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>

#define C_RESET	   "\033[0m"
#define C_RED	   "\033[31m"
#define C_GREEN	   "\033[32m"
#define C_YELLOW   "\033[33m"
#define C_CYAN	   "\033[36m"
#define C_MAGENTA  "\033[35m"
#define C_DIM	   "\033[2m"
#define C_BOLD_RED "\033[1;31m"

/* Output is assembled in a buffer and written with one fwrite per transaction (or per 16 KiB),
 * not with stdio calls per field or per character. */
struct wb {
	FILE *f;
	size_t n;
	char b[16384];
};

static void wb_flush(struct wb *w)
{
	if (w->n)
		fwrite(w->b, 1, w->n, w->f);
	w->n = 0;
}

static void wb_put_slow(struct wb *w, const void *s, size_t n)
{
	wb_flush(w);
	if (n > sizeof(w->b)) {
		fwrite(s, 1, n, w->f);
		return;
	}
	memcpy(w->b, s, n);
	w->n = n;
}

static inline void wb_put(struct wb *w, const void *s, size_t n)
{
	if (n > sizeof(w->b) - w->n) {
		wb_put_slow(w, s, n);
		return;
	}
	memcpy(w->b + w->n, s, n);
	w->n += n;
}

static inline void wb_c(struct wb *w, char c)
{
	if (w->n == sizeof(w->b))
		wb_flush(w);
	w->b[w->n++] = c;
}

static inline void wb_s(struct wb *w, const char *s)
{
	wb_put(w, s, strlen(s));
}

static void wb_u64(struct wb *w, uint64_t v)
{
	char t[20];
	size_t i = sizeof(t);
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	wb_put(w, t + i, sizeof(t) - i);
}

static void wb_int(struct wb *w, int v)
{
	if (v < 0) {
		wb_c(w, '-');
		wb_u64(w, -(uint64_t)(int64_t)v);
	} else {
		wb_u64(w, (uint64_t)v);
	}
}

__attribute__((format(printf, 2, 3))) static void wb_printf(struct wb *w, const char *fmt, ...)
{
	char t[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t, sizeof(t), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(t)) {
		wb_put(w, t, (size_t)n);
		return;
	}
	char *p = malloc((size_t)n + 1);
	if (!p)
		return;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	wb_put(w, p, (size_t)n);
	free(p);
}

static const char hexd[] = "0123456789abcdef";

#define wb_lit(w, s) wb_put(w, s, sizeof(s) - 1)

/* snprintf(buf, n, "%s", s) without printf. */
static void copy_str(char *buf, size_t n, const char *s, size_t len)
{
	if (!n)
		return;
	if (len >= n)
		len = n - 1;
	memcpy(buf, s, len);
	buf[len] = 0;
}

/* Eight bytes at a time: does x hold a byte below 0x20, 0x7f, or (json) 0x80 and up, '"' or
 * '\\'? (The usual SWAR tests: exact for "any byte", which is all that is asked.) */
#define B8(c) (0x0101010101010101ull * (c))
static inline uint64_t has_zero8(uint64_t v)
{
	return (v - B8(1)) & ~v & B8(0x80);
}

static inline int plain8(uint64_t x, int json)
{
	uint64_t bad = ((x - B8(0x20)) & ~x & B8(0x80)) | has_zero8(x ^ B8(0x7f));
	if (json)
		bad |= (x & B8(0x80)) | has_zero8(x ^ B8('"')) | has_zero8(x ^ B8('\\'));
	return !bad;
}

/* JSON string bytes copied as they are (printable ASCII but '"' and '\\'). */
static const uint8_t json_plain[256] = {
    [0x20] = 1,
    [0x21] = 1,
    [0x23 ... 0x5b] = 1,
    [0x5d ... 0x7e] = 1,
};

/* The formatted second of the last call: transactions come many per second. */
static _Thread_local struct {
	int valid, utc, with_date;
	time_t s;
	char t[64];
	size_t len;
} tcache;

/* "HH:MM:SS" or "YYYY-MM-DDTHH:MM:SS" of s (cached); returns its length. */
static size_t fmt_second(char *out, time_t s, int utc, int with_date)
{
	if (!tcache.valid || tcache.s != s || tcache.utc != utc || tcache.with_date != with_date) {
		struct tm tm;
		if (utc)
			gmtime_r(&s, &tm);
		else
			localtime_r(&s, &tm);
		tcache.len = strftime(tcache.t, sizeof(tcache.t),
				      with_date ? "%Y-%m-%dT%H:%M:%S" : "%H:%M:%S", &tm);
		tcache.t[tcache.len] = 0;
		tcache.s = s;
		tcache.utc = utc;
		tcache.with_date = with_date;
		tcache.valid = 1;
	}
	memcpy(out, tcache.t, tcache.len + 1);
	return tcache.len;
}

void tt_output_time(char *buf, size_t n, int64_t wall_ns, int utc, int with_date)
{
	time_t s = (time_t)(wall_ns / 1000000000);
	long ms = (long)((wall_ns % 1000000000) / 1000000);
	if (wall_ns < 0) {
		snprintf(buf, n, "?");
		return;
	}
	char t[72];
	size_t l = fmt_second(t, s, utc, with_date);
	t[l] = '.';
	t[l + 1] = (char)('0' + ms / 100);
	t[l + 2] = (char)('0' + ms / 10 % 10);
	t[l + 3] = (char)('0' + ms % 10);
	t[l + 4] = 0;
	copy_str(buf, n, t, l + 4);
}

/* n / div rounded to nearest as "I.FF" with digits fraction digits (div = 10^digits units of the
 * result), or 0 when the value is a tie or too large to be sure it matches printf's rounding of
 * the double (the caller then uses printf). */
static int fixed_fast(char *buf, size_t bn, uint64_t n, uint64_t div, int digits, const char *unit)
{
	uint64_t q = n / div, r = n % div;
	if (n > (1ull << 40) || r == div / 2)
		return 0;
	if (r > div / 2)
		q++;
	uint64_t scale = digits == 2 ? 100 : 10;
	char t[48], *o = t + 24, *e = o;
	uint64_t ip = q / scale, fp = q % scale;
	char *p = o;
	do {
		*--p = (char)('0' + ip % 10);
		ip /= 10;
	} while (ip);
	*e++ = '.';
	if (digits == 2)
		*e++ = (char)('0' + fp / 10);
	*e++ = (char)('0' + fp % 10);
	size_t ul = strlen(unit);
	memcpy(e, unit, ul + 1);
	copy_str(buf, bn, p, (size_t)(e + ul - p));
	return 1;
}

void tt_output_duration(char *buf, size_t n, uint64_t ns)
{
	double ms = (double)ns / 1e6;
	/* the same decimal rounding as printf's, done in integers unless it is a tie */
	if (ms < 1) {
		if (!fixed_fast(buf, n, ns, 10000, 2, "ms"))
			snprintf(buf, n, "%.2fms", ms);
	} else if (ms < 1000) {
		if (!fixed_fast(buf, n, ns, 100000, 1, "ms"))
			snprintf(buf, n, "%.1fms", ms);
	} else if (!fixed_fast(buf, n, ns, 10000000, 2, "s")) {
		snprintf(buf, n, "%.2fs", ms / 1000);
	}
}

/* "a.b.c.d:port" without inet_ntop and snprintf. */
static void addr4(char *buf, size_t n, const uint8_t *a, uint16_t port)
{
	char t[32], *o = t;
	for (int i = 0; i < 4; i++) {
		uint8_t v = a[i];
		if (v >= 100)
			*o++ = (char)('0' + v / 100);
		if (v >= 10)
			*o++ = (char)('0' + v / 10 % 10);
		*o++ = (char)('0' + v % 10);
		*o++ = i < 3 ? '.' : ':';
	}
	char d[8], *p = d + sizeof(d);
	do {
		*--p = (char)('0' + port % 10);
		port /= 10;
	} while (port);
	memcpy(o, p, (size_t)(d + sizeof(d) - p));
	o += d + sizeof(d) - p;
	copy_str(buf, n, t, (size_t)(o - t));
}

void tt_output_addr(char *buf, size_t n, const struct tt_addr *a, const char *unix_path)
{
	char ip[INET6_ADDRSTRLEN];
	switch (a->family) {
	case TT_AF_INET:
		addr4(buf, n, a->addr, a->port);
		break;
	case TT_AF_INET6:
		inet_ntop(AF_INET6, a->addr, ip, sizeof(ip));
		snprintf(buf, n, "[%s]:%u", ip, a->port);
		break;
	case TT_AF_UNIX:
		snprintf(buf, n, "%s", unix_path && unix_path[0] ? unix_path : "unix");
		break;
	default:
		snprintf(buf, n, "-");
	}
}

/* Writes wire bytes for a terminal: printable ASCII and UTF-8 as is, the rest escaped. */
static void put_safe(struct wb *w, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		for (uint64_t x; j + 8 <= n && (memcpy(&x, s + j, 8), plain8(x, 0));)
			j += 8;
		while (j < n &&
		       ((unsigned char)s[j] >= 0x20 ? (unsigned char)s[j] != 0x7f : s[j] == '\t'))
			j++;
		wb_put(w, s + i, j - i);
		if (j == n)
			break;
		unsigned char c = (unsigned char)s[j];
		char e[4] = {'\\', 'x', hexd[c >> 4], hexd[c & 15]};
		wb_put(w, e, 4);
		i = j + 1;
	}
}

static void puts_safe(struct wb *w, const char *s)
{
	if (s)
		put_safe(w, s, strlen(s));
}

/* The inside of a JSON string: escapes, valid UTF-8 passed through, stray bytes as U+FFFD. */
static void json_esc(struct wb *w, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		for (uint64_t x; j + 8 <= n && (memcpy(&x, s + j, 8), plain8(x, 1));)
			j += 8;
		while (j < n && json_plain[(unsigned char)s[j]])
			j++;
		wb_put(w, s + i, j - i);
		if (j == n)
			break;
		i = j;
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"':
			wb_lit(w, "\\\"");
			break;
		case '\\':
			wb_lit(w, "\\\\");
			break;
		case '\n':
			wb_lit(w, "\\n");
			break;
		case '\r':
			wb_lit(w, "\\r");
			break;
		case '\t':
			wb_lit(w, "\\t");
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				char e[6] = {'\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15]};
				wb_put(w, e, 6);
			} else {
				size_t len = c >= 0xf0 && c < 0xf5   ? 4
					     : c >= 0xe0	     ? 3
					     : c >= 0xc2 && c < 0xe0 ? 2
								     : 0;
				int ok = len && i + len <= n;
				for (size_t k = 1; ok && k < len; k++)
					ok = ((unsigned char)s[i + k] & 0xc0) == 0x80;
				if (ok) {
					wb_put(w, s + i, len);
					i += len - 1;
				} else {
					wb_lit(w, "\\ufffd");
				}
			}
		}
		i++;
	}
}

static void json_str(struct wb *w, const char *s, size_t n)
{
	wb_c(w, '"');
	json_esc(w, s, n);
	wb_c(w, '"');
}

static void json_cstr(struct wb *w, const char *s)
{
	if (!s)
		wb_lit(w, "null");
	else
		json_str(w, s, strlen(s));
}

static void json_headers(struct wb *w, const struct tt_msg *m)
{
	wb_c(w, '{');
	/* names of different lengths differ: strcasecmp() only on equal ones */
	size_t nl[TT_TXN_MAX_HEADERS];
	uint32_t nh = m->n_headers < TT_TXN_MAX_HEADERS ? m->n_headers : TT_TXN_MAX_HEADERS;
	for (uint32_t i = 0; i < nh; i++)
		nl[i] = strlen(m->headers[i].name);
#define SAME_NAME(a, b) (nl[a] == nl[b] && !strcasecmp(m->headers[a].name, m->headers[b].name))
	for (uint32_t i = 0; i < nh; i++) {
		/* a repeated name keeps its first place; values are joined with ", " */
		int seen = 0;
		for (uint32_t j = 0; j < i && !seen; j++)
			seen = SAME_NAME(j, i);
		if (seen)
			continue;
		if (i)
			wb_c(w, ',');
		json_str(w, m->headers[i].name, nl[i]);
		wb_c(w, ':');
		wb_c(w, '"');
		size_t written = 0;
		for (uint32_t j = i; j < nh; j++)
			if (j == i || SAME_NAME(j, i)) {
				size_t l = strlen(m->headers[j].value);
				if (written) {
					wb_lit(w, ", ");
					written += 2;
				}
				json_esc(w, m->headers[j].value, l);
				written += l;
			}
		wb_c(w, '"');
	}
#undef SAME_NAME
	wb_c(w, '}');
}

int tt_output_gunzip(const uint8_t *in, size_t n, size_t cap, uint8_t **out, size_t *out_len,
		     int *truncated)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	*out = NULL;
	*out_len = 0;
	*truncated = 0;
	if (inflateInit2(&z, 15 + 32) != Z_OK) /* gzip or zlib header */
		return -EINVAL;
	uint8_t *buf = malloc(cap ? cap : 1);
	if (!buf) {
		inflateEnd(&z);
		return -ENOMEM;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	int rc = inflate(&z, Z_SYNC_FLUSH);
	*out_len = cap - z.avail_out;
	inflateEnd(&z);
	if (rc != Z_STREAM_END && rc != Z_OK && rc != Z_BUF_ERROR) {
		free(buf);
		return -EBADMSG;
	}
	if (rc != Z_STREAM_END)
		*truncated = 1;
	*out = buf;
	return 0;
}

static int is_text(const uint8_t *p, size_t n)
{
	size_t bad = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t')
			bad++;
		else if (c == 0x7f)
			bad++;
	}
	return bad == 0;
}

static int is_utf8(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint8_t c = p[i];
		size_t len = c < 0x80		       ? 1
			     : (c >= 0xc2 && c < 0xe0) ? 2
			     : (c >= 0xe0 && c < 0xf0) ? 3
			     : (c >= 0xf0 && c < 0xf5) ? 4
						       : 0;
		if (!len)
			return 0;
		if (i + len > n)
			return 1; /* cut by the capture cap */
		for (size_t k = 1; k < len; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

/* The body as it should be shown: decoded when gzip/deflate (and then masked with redact: the
 * stream's redaction could not see inside it). *alloc set when malloc'ed. */
static void body_view(const struct tt_msg *m, size_t cap, int redact, const uint8_t **p, size_t *n,
		      uint8_t **alloc, int *decoded, int *dtrunc)
{
	*p = m->body;
	*n = m->body_len;
	*alloc = NULL;
	*decoded = 0;
	*dtrunc = 0;
	const char *ce = tt_msg_header(m, "Content-Encoding");
	if (!ce || !m->body_len ||
	    (strcasecmp(ce, "gzip") && strcasecmp(ce, "deflate") && strcasecmp(ce, "x-gzip")))
		return;
	uint8_t *o;
	size_t ol;
	if (tt_output_gunzip(m->body, m->body_len, cap, &o, &ol, dtrunc) == 0) {
		if (redact)
			tt_redact_buf(o, ol);
		*p = o;
		*n = ol;
		*alloc = o;
		*decoded = 1;
	}
}

static void print_body(struct wb *w, const struct tt_msg *m, size_t cap, int redact,
		       const char *pfx)
{
	if (!m->body_bytes)
		return;
	const uint8_t *p;
	size_t n;
	uint8_t *alloc;
	int decoded, dtrunc;
	body_view(m, cap * 4 > cap ? cap * 4 : cap, redact, &p, &n, &alloc, &decoded, &dtrunc);
	if (!n) {
		wb_printf(w, "%s[body: %" PRIu64 " bytes, %s]\n", pfx, m->body_bytes,
			  decoded ? "decoded to nothing" : "not captured");
		free(alloc); /* a gzip body that decoded to nothing */
		return;
	}
	size_t show = n < cap ? n : cap;
	if (is_text(p, show) && is_utf8(p, show)) {
		wb_s(w, pfx);
		for (size_t i = 0; i < show; i++) {
			if (p[i] == '\n') {
				wb_c(w, '\n');
				if (i + 1 < show)
					wb_s(w, pfx);
			} else if (p[i] != '\r') {
				put_safe(w, (const char *)p + i, 1);
			}
		}
		if (p[show - 1] != '\n')
			wb_c(w, '\n');
	} else {
		size_t hex = show < 256 ? show : 256;
		for (size_t off = 0; off < hex; off += 16) {
			wb_printf(w, "%s%04zx ", pfx, off);
			for (size_t k = 0; k < 16; k++)
				if (off + k < hex) {
					char e[3] = {' ', hexd[p[off + k] >> 4],
						     hexd[p[off + k] & 15]};
					wb_put(w, e, 3);
				} else {
					wb_lit(w, "   ");
				}
			wb_lit(w, "  ");
			for (size_t k = 0; k < 16 && off + k < hex; k++)
				wb_c(w, p[off + k] >= 0x20 && p[off + k] < 0x7f ? (char)p[off + k]
										: '.');
			wb_c(w, '\n');
		}
		show = hex;
		wb_printf(w, "%s[binary body]\n", pfx);
	}
	if (decoded)
		wb_printf(w, "%s[decoded from %s: %" PRIu64 " bytes on the wire%s]\n", pfx,
			  tt_msg_header(m, "Content-Encoding"), m->body_bytes,
			  dtrunc ? ", decoding stopped early" : "");
	if (show < n || m->body_truncated || m->body_holes)
		wb_printf(w, "%s[shown %zu of %" PRIu64 " bytes%s]\n", pfx, show,
			  decoded ? (uint64_t)n : m->body_bytes,
			  m->body_holes ? "; some bytes were not captured" : "");
	free(alloc);
}

static void print_headers(struct wb *w, const struct tt_msg *m, const char *pfx)
{
	size_t pl = strlen(pfx);
	for (uint32_t i = 0; i < m->n_headers; i++) {
		wb_put(w, pfx, pl);
		puts_safe(w, m->headers[i].name);
		wb_lit(w, ": ");
		puts_safe(w, m->headers[i].value);
		wb_c(w, '\n');
	}
	if (m->headers_truncated)
		wb_printf(w, "%s[headers cut: more of them, or longer, than kept]\n", pfx);
}

static const char *side_name(enum tt_side s)
{
	return s == TT_SIDE_CLIENT ? "client" : s == TT_SIDE_SERVER ? "server" : "unknown";
}

static const char *incomplete_reason(const struct tt_txn *t)
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

static void print_json(struct wb *w, const struct tt_output_opts *o, const struct tt_txn *t,
		       int64_t wall_ns)
{
	char ts[72], la[200], ra[200];
	fmt_second(ts, (time_t)(wall_ns / 1000000000), 1, 1);
	tt_output_addr(la, sizeof(la), &t->local, t->unix_path);
	tt_output_addr(ra, sizeof(ra), &t->remote, t->unix_path);
	wb_lit(w, "{\"ts\":\"");
	wb_s(w, ts);
	int64_t us = (wall_ns % 1000000000) / 1000;
	if (us >= 0) {
		char f[8] = {'.'};
		for (int i = 6; i >= 1; i--, us /= 10)
			f[i] = (char)('0' + us % 10);
		f[7] = 'Z';
		wb_put(w, f, 8);
	} else {
		wb_printf(w, ".%06" PRId64 "Z", us);
	}
	wb_lit(w, "\",\"proto\":");
	json_cstr(w, t->proto);
	wb_lit(w, ",\"side\":\"");
	wb_s(w, side_name(t->side));
	wb_lit(w, "\",\"pid\":");
	wb_u64(w, t->pid);
	wb_lit(w, ",\"tid\":");
	wb_u64(w, t->tid);
	wb_lit(w, ",\"comm\":");
	json_cstr(w, t->comm);
	wb_lit(w, ",\"cgroup_id\":");
	wb_u64(w, t->cgroup_id);
	wb_lit(w, ",\"local\":");
	json_cstr(w, la);
	wb_lit(w, ",\"remote\":");
	json_cstr(w, ra);
	wb_lit(w, ",\"sock_id\":");
	wb_u64(w, t->sock_id);
	wb_lit(w, ",\"method\":");
	json_cstr(w, t->op);
	wb_lit(w, ",\"path\":");
	json_cstr(w, t->target);
	wb_lit(w, ",\"host\":");
	json_cstr(w, t->authority);
	wb_lit(w, ",\"version\":");
	json_cstr(w, t->version);
	if (t->status) {
		wb_lit(w, ",\"status\":");
		wb_int(w, t->status);
	} else {
		wb_lit(w, ",\"status\":null");
	}
	wb_lit(w, ",\"status_text\":");
	json_cstr(w, t->status_text);
	wb_lit(w, ",\"req_body_bytes\":");
	wb_u64(w, t->req.body_bytes);
	wb_lit(w, ",\"resp_body_bytes\":");
	wb_u64(w, t->resp.body_bytes);
	wb_lit(w, ",\"req_wire_bytes\":");
	wb_u64(w, t->req.wire_bytes);
	wb_lit(w, ",\"resp_wire_bytes\":");
	wb_u64(w, t->resp.wire_bytes);
	if (t->req.seen && t->resp.seen) {
		wb_lit(w, ",\"duration_us\":");
		wb_u64(w, tt_txn_duration_ns(t) / 1000);
	} else {
		wb_lit(w, ",\"duration_us\":null");
	}
	wb_lit(w, ",\"req_headers\":");
	json_headers(w, &t->req);
	wb_lit(w, ",\"resp_headers\":");
	json_headers(w, &t->resp);
	wb_s(w, tt_txn_complete(t) ? ",\"complete\":true" : ",\"complete\":false");
	const char *why = incomplete_reason(t);
	wb_lit(w, ",\"incomplete\":");
	json_cstr(w, why);
	if (t->error) {
		wb_lit(w, ",\"error\":");
		json_cstr(w, t->error);
	}
	if (t->interim_status) {
		wb_lit(w, ",\"interim_status\":");
		wb_int(w, t->interim_status);
	}
	if (t->flags & TT_TXN_UPGRADED)
		wb_lit(w, ",\"upgraded\":true");
	if (o->verbose >= 2) {
		const struct tt_msg *ms[2] = {&t->req, &t->resp};
		const char *names[2] = {"req", "resp"};
		for (int i = 0; i < 2; i++) {
			const uint8_t *p;
			size_t n;
			uint8_t *alloc;
			int decoded, dtrunc;
			body_view(ms[i], o->body_show * 4, o->redact, &p, &n, &alloc, &decoded,
				  &dtrunc);
			if (n > o->body_show)
				n = o->body_show;
			if (is_utf8(p, n)) {
				wb_printf(w, ",\"%s_body\":", names[i]);
				json_str(w, (const char *)p, n);
			} else {
				static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
							  "opqrstuvwxyz0123456789+/";
				wb_printf(w, ",\"%s_body_b64\":\"", names[i]);
				for (size_t k = 0; k < n; k += 3) {
					uint32_t v = (uint32_t)p[k] << 16;
					if (k + 1 < n)
						v |= (uint32_t)p[k + 1] << 8;
					if (k + 2 < n)
						v |= p[k + 2];
					char q[4] = {b64[(v >> 18) & 63], b64[(v >> 12) & 63],
						     k + 1 < n ? b64[(v >> 6) & 63] : '=',
						     k + 2 < n ? b64[v & 63] : '='};
					wb_put(w, q, 4);
				}
				wb_c(w, '"');
			}
			wb_printf(w, ",\"%s_body_truncated\":%s", names[i],
				  (n < (decoded ? n : ms[i]->body_bytes) || ms[i]->body_truncated ||
				   ms[i]->body_holes)
				      ? "true"
				      : "false");
			free(alloc);
		}
	}
	wb_lit(w, "}\n");
}

static void print_line(struct wb *w, const struct tt_output_opts *o, const struct tt_txn *t,
		       int64_t wall_ns)
{
	char ts[80], dur[32];
	tt_output_time(ts, sizeof(ts), wall_ns, o->utc, 0);
	const char *sc = "", *rs = o->color ? C_RESET : "";
	wb_c(w, '[');
	wb_s(w, ts);
	wb_s(w, t->side == TT_SIDE_CLIENT   ? "] cli pid="
		: t->side == TT_SIDE_SERVER ? "] srv pid="
					    : "] ?   pid=");
	wb_u64(w, t->pid);
	wb_c(w, ' ');
	size_t cl = strnlen(t->comm, sizeof(t->comm));
	wb_put(w, t->comm, cl);
	for (; cl < 10; cl++)
		wb_c(w, ' ');
	wb_c(w, ' ');
	if (t->op) {
		puts_safe(w, t->op);
		wb_c(w, ' ');
		puts_safe(w, t->target);
	} else {
		wb_lit(w, "? ?");
	}
	wb_lit(w, " → ");
	if (t->status) {
		if (o->color)
			sc = t->status >= 500	? C_RED
			     : t->status >= 400 ? C_YELLOW
			     : t->status >= 300 ? C_CYAN
						: C_GREEN;
		wb_s(w, sc);
		wb_int(w, t->status);
		wb_s(w, rs);
		wb_c(w, ' ');
		wb_u64(w, t->resp.body_bytes);
		wb_lit(w, " bytes");
	} else {
		wb_s(w, o->color ? C_MAGENTA : "");
		wb_lit(w, "(no response)");
		wb_s(w, rs);
	}
	if (t->req.seen && t->resp.seen) {
		uint64_t d = tt_txn_duration_ns(t);
		tt_output_duration(dur, sizeof(dur), d);
		int slow = o->color && o->slow_ns && d >= o->slow_ns;
		wb_lit(w, " (");
		wb_s(w, slow ? C_BOLD_RED : "");
		wb_s(w, dur);
		wb_s(w, slow ? rs : "");
		wb_c(w, ')');
	}
	const char *why = incomplete_reason(t);
	if (why && !(!strcmp(why, "no response") && !t->status)) {
		wb_c(w, ' ');
		wb_s(w, o->color ? C_MAGENTA : "");
		wb_c(w, '[');
		wb_s(w, why);
		if (t->error && !strcmp(why, "invalid")) {
			wb_lit(w, ": ");
			wb_s(w, t->error);
		}
		wb_c(w, ']');
		wb_s(w, rs);
	}
	if (t->flags & TT_TXN_UPGRADED)
		wb_lit(w, " [upgrade]");
	wb_c(w, '\n');
	if (o->verbose < 1)
		return;
	if (t->req.seen) {
		wb_lit(w, "  > ");
		puts_safe(w, t->op);
		wb_c(w, ' ');
		puts_safe(w, t->target);
		wb_c(w, ' ');
		wb_s(w, t->version ? t->version : "");
		wb_c(w, '\n');
		print_headers(w, &t->req, "  > ");
		if (o->verbose >= 2)
			print_body(w, &t->req, o->body_show, o->redact, "  >| ");
	}
	if (t->interim_status)
		wb_printf(w, "  < (interim %d)\n", t->interim_status);
	if (t->resp.seen) {
		wb_lit(w, "  < ");
		wb_s(w, t->resp_version ? t->resp_version : "HTTP/1.1");
		wb_c(w, ' ');
		wb_int(w, t->status);
		wb_c(w, ' ');
		puts_safe(w, t->status_text);
		wb_c(w, '\n');
		print_headers(w, &t->resp, "  < ");
		if (o->verbose >= 2)
			print_body(w, &t->resp, o->body_show, o->redact, "  <| ");
	}
	wb_c(w, '\n');
}

void tt_output_txn(FILE *f, const struct tt_output_opts *o, const struct tt_txn *t, int64_t wall_ns)
{
	struct wb w;
	w.f = f;
	w.n = 0;
	if (o->json)
		print_json(&w, o, t, wall_ns);
	else
		print_line(&w, o, t, wall_ns);
	wb_flush(&w);
}
