// SPDX-License-Identifier: MIT
#include "analyze/output.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>

#include "analyze/redact.h"
#include "analyze/sink/json.h"
#include "analyze/sink/line.h"

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

/* The formatted second of the last call: transactions come many per second. */
static _Thread_local struct {
	int valid, utc, with_date;
	time_t s;
	char t[64];
	size_t len;
} tcache;

/* "HH:MM:SS" or "YYYY-MM-DDTHH:MM:SS" of s (cached); returns its length. */
size_t tt_output_second(char *out, time_t s, int utc, int with_date)
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
	size_t l = tt_output_second(t, s, utc, with_date);
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

int tt_output_is_text(const uint8_t *p, size_t n)
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

int tt_output_is_utf8(const uint8_t *p, size_t n)
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
void tt_output_body_view(const struct tt_msg *m, size_t cap, int redact, const uint8_t **p,
			 size_t *n, uint8_t **alloc, int *decoded, int *dtrunc)
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

void tt_output_txn(FILE *f, const struct tt_output_opts *o, const struct tt_txn *t, int64_t wall_ns)
{
	struct tt_wb w;
	tt_wb_init(&w, f);
	if (o->json)
		tt_json_write(&w, o, t, wall_ns);
	else
		tt_line_write(&w, o, t, wall_ns);
	tt_wb_flush(&w);
}
