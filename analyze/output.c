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

#define C_RESET	   "\033[0m"
#define C_RED	   "\033[31m"
#define C_GREEN	   "\033[32m"
#define C_YELLOW   "\033[33m"
#define C_CYAN	   "\033[36m"
#define C_MAGENTA  "\033[35m"
#define C_DIM	   "\033[2m"
#define C_BOLD_RED "\033[1;31m"

void tt_output_time(char *buf, size_t n, int64_t wall_ns, int utc, int with_date)
{
	time_t s = (time_t)(wall_ns / 1000000000);
	long ms = (long)((wall_ns % 1000000000) / 1000000);
	if (wall_ns < 0) {
		snprintf(buf, n, "?");
		return;
	}
	struct tm tm;
	if (utc)
		gmtime_r(&s, &tm);
	else
		localtime_r(&s, &tm);
	char t[64];
	strftime(t, sizeof(t), with_date ? "%Y-%m-%dT%H:%M:%S" : "%H:%M:%S", &tm);
	snprintf(buf, n, "%s.%03ld", t, ms);
}

void tt_output_duration(char *buf, size_t n, uint64_t ns)
{
	double ms = (double)ns / 1e6;
	if (ms < 1)
		snprintf(buf, n, "%.2fms", ms);
	else if (ms < 1000)
		snprintf(buf, n, "%.1fms", ms);
	else
		snprintf(buf, n, "%.2fs", ms / 1000);
}

void tt_output_addr(char *buf, size_t n, const struct tt_addr *a, const char *unix_path)
{
	char ip[INET6_ADDRSTRLEN];
	switch (a->family) {
	case TT_AF_INET:
		inet_ntop(AF_INET, a->addr, ip, sizeof(ip));
		snprintf(buf, n, "%s:%u", ip, a->port);
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
static void put_safe(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != 0x7f)
			fputc(c, f);
		else if (c == '\t')
			fputc('\t', f);
		else
			fprintf(f, "\\x%02x", c);
	}
}

static void puts_safe(FILE *f, const char *s)
{
	if (s)
		put_safe(f, s, strlen(s));
}

static void json_str(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(f, "\\u%04x", c);
			else if (c < 0x80)
				fputc(c, f);
			else {
				/* pass valid UTF-8 through, escape stray bytes as U+FFFD */
				size_t len = c >= 0xf0 && c < 0xf5   ? 4
					     : c >= 0xe0	     ? 3
					     : c >= 0xc2 && c < 0xe0 ? 2
								     : 0;
				int ok = len && i + len <= n;
				for (size_t k = 1; ok && k < len; k++)
					ok = ((unsigned char)s[i + k] & 0xc0) == 0x80;
				if (ok) {
					fwrite(s + i, 1, len, f);
					i += len - 1;
				} else {
					fputs("\\ufffd", f);
				}
			}
		}
	}
	fputc('"', f);
}

static void json_cstr(FILE *f, const char *s)
{
	if (!s)
		fputs("null", f);
	else
		json_str(f, s, strlen(s));
}

static void json_headers(FILE *f, const struct tt_msg *m)
{
	fputc('{', f);
	for (uint32_t i = 0; i < m->n_headers; i++) {
		/* a repeated name keeps its first place; values are joined with ", " */
		int seen = 0;
		for (uint32_t j = 0; j < i && !seen; j++)
			seen = !strcasecmp(m->headers[j].name, m->headers[i].name);
		if (seen)
			continue;
		if (i)
			fputc(',', f);
		json_cstr(f, m->headers[i].name);
		fputc(':', f);
		size_t total = 0;
		for (uint32_t j = i; j < m->n_headers; j++)
			if (!strcasecmp(m->headers[j].name, m->headers[i].name))
				total += strlen(m->headers[j].value) + 2;
		char *v = malloc(total + 1);
		if (!v) {
			json_cstr(f, m->headers[i].value);
			continue;
		}
		v[0] = 0;
		for (uint32_t j = i; j < m->n_headers; j++)
			if (!strcasecmp(m->headers[j].name, m->headers[i].name)) {
				if (v[0])
					strcat(v, ", ");
				strcat(v, m->headers[j].value);
			}
		json_cstr(f, v);
		free(v);
	}
	fputc('}', f);
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

/* The body as it should be shown: decoded when gzip/deflate. *alloc set when malloc'ed. */
static void body_view(const struct tt_msg *m, size_t cap, const uint8_t **p, size_t *n,
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
		*p = o;
		*n = ol;
		*alloc = o;
		*decoded = 1;
	}
}

static void print_body(FILE *f, const struct tt_msg *m, size_t cap, const char *pfx)
{
	if (!m->body_bytes)
		return;
	const uint8_t *p;
	size_t n;
	uint8_t *alloc;
	int decoded, dtrunc;
	body_view(m, cap * 4 > cap ? cap * 4 : cap, &p, &n, &alloc, &decoded, &dtrunc);
	if (!n) {
		fprintf(f, "%s[body: %" PRIu64 " bytes, not captured]\n", pfx, m->body_bytes);
		return;
	}
	size_t show = n < cap ? n : cap;
	if (is_text(p, show) && is_utf8(p, show)) {
		fputs(pfx, f);
		for (size_t i = 0; i < show; i++) {
			if (p[i] == '\n') {
				fputc('\n', f);
				if (i + 1 < show)
					fputs(pfx, f);
			} else if (p[i] != '\r') {
				put_safe(f, (const char *)p + i, 1);
			}
		}
		if (p[show - 1] != '\n')
			fputc('\n', f);
	} else {
		size_t hex = show < 256 ? show : 256;
		for (size_t off = 0; off < hex; off += 16) {
			fprintf(f, "%s%04zx ", pfx, off);
			for (size_t k = 0; k < 16; k++)
				if (off + k < hex)
					fprintf(f, " %02x", p[off + k]);
				else
					fputs("   ", f);
			fputs("  ", f);
			for (size_t k = 0; k < 16 && off + k < hex; k++)
				fputc(p[off + k] >= 0x20 && p[off + k] < 0x7f ? p[off + k] : '.',
				      f);
			fputc('\n', f);
		}
		show = hex;
		fprintf(f, "%s[binary body]\n", pfx);
	}
	if (decoded)
		fprintf(f, "%s[decoded from %s: %" PRIu64 " bytes on the wire%s]\n", pfx,
			tt_msg_header(m, "Content-Encoding"), m->body_bytes,
			dtrunc ? ", decoding stopped early" : "");
	if (show < n || m->body_truncated || m->body_holes)
		fprintf(f, "%s[shown %zu of %" PRIu64 " bytes%s]\n", pfx, show,
			decoded ? (uint64_t)n : m->body_bytes,
			m->body_holes ? "; some bytes were not captured" : "");
	free(alloc);
}

static void print_headers(FILE *f, const struct tt_msg *m, const char *pfx)
{
	for (uint32_t i = 0; i < m->n_headers; i++) {
		fputs(pfx, f);
		puts_safe(f, m->headers[i].name);
		fputs(": ", f);
		puts_safe(f, m->headers[i].value);
		fputc('\n', f);
	}
	if (m->headers_truncated)
		fprintf(f, "%s[more headers not kept]\n", pfx);
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
	if (t->flags & TT_TXN_NO_REQUEST)
		return "no request";
	if (t->flags & TT_TXN_NO_RESPONSE)
		return "no response";
	if (!tt_txn_complete(t))
		return "incomplete";
	return NULL;
}

static void print_json(FILE *f, const struct tt_output_opts *o, const struct tt_txn *t,
		       int64_t wall_ns)
{
	char ts[64], la[200], ra[200];
	time_t s = (time_t)(wall_ns / 1000000000);
	struct tm tm;
	gmtime_r(&s, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	tt_output_addr(la, sizeof(la), &t->local, t->unix_path);
	tt_output_addr(ra, sizeof(ra), &t->remote, t->unix_path);
	fprintf(f, "{\"ts\":\"%s.%06" PRId64 "Z\",\"proto\":", ts, (wall_ns % 1000000000) / 1000);
	json_cstr(f, t->proto);
	fprintf(f, ",\"side\":\"%s\",\"pid\":%u,\"tid\":%u,\"comm\":", side_name(t->side), t->pid,
		t->tid);
	json_cstr(f, t->comm);
	fprintf(f, ",\"cgroup_id\":%" PRIu64, t->cgroup_id);
	fputs(",\"local\":", f);
	json_cstr(f, la);
	fputs(",\"remote\":", f);
	json_cstr(f, ra);
	fprintf(f, ",\"sock_id\":%" PRIu64 ",\"method\":", t->sock_id);
	json_cstr(f, t->op);
	fputs(",\"path\":", f);
	json_cstr(f, t->target);
	fputs(",\"host\":", f);
	json_cstr(f, t->authority);
	fputs(",\"version\":", f);
	json_cstr(f, t->version);
	if (t->status)
		fprintf(f, ",\"status\":%d", t->status);
	else
		fputs(",\"status\":null", f);
	fputs(",\"status_text\":", f);
	json_cstr(f, t->status_text);
	fprintf(f, ",\"req_body_bytes\":%" PRIu64 ",\"resp_body_bytes\":%" PRIu64,
		t->req.body_bytes, t->resp.body_bytes);
	fprintf(f, ",\"req_wire_bytes\":%" PRIu64 ",\"resp_wire_bytes\":%" PRIu64,
		t->req.wire_bytes, t->resp.wire_bytes);
	if (t->req.seen && t->resp.seen)
		fprintf(f, ",\"duration_us\":%" PRIu64, tt_txn_duration_ns(t) / 1000);
	else
		fputs(",\"duration_us\":null", f);
	fputs(",\"req_headers\":", f);
	json_headers(f, &t->req);
	fputs(",\"resp_headers\":", f);
	json_headers(f, &t->resp);
	fprintf(f, ",\"complete\":%s", tt_txn_complete(t) ? "true" : "false");
	const char *why = incomplete_reason(t);
	fputs(",\"incomplete\":", f);
	json_cstr(f, why);
	if (t->interim_status)
		fprintf(f, ",\"interim_status\":%d", t->interim_status);
	if (t->flags & TT_TXN_UPGRADED)
		fputs(",\"upgraded\":true", f);
	if (o->verbose >= 2) {
		const struct tt_msg *ms[2] = {&t->req, &t->resp};
		const char *names[2] = {"req", "resp"};
		for (int i = 0; i < 2; i++) {
			const uint8_t *p;
			size_t n;
			uint8_t *alloc;
			int decoded, dtrunc;
			body_view(ms[i], o->body_show * 4, &p, &n, &alloc, &decoded, &dtrunc);
			if (n > o->body_show)
				n = o->body_show;
			if (is_utf8(p, n)) {
				fprintf(f, ",\"%s_body\":", names[i]);
				json_str(f, (const char *)p, n);
			} else {
				static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
							  "opqrstuvwxyz0123456789+/";
				fprintf(f, ",\"%s_body_b64\":\"", names[i]);
				for (size_t k = 0; k < n; k += 3) {
					uint32_t v = (uint32_t)p[k] << 16;
					if (k + 1 < n)
						v |= (uint32_t)p[k + 1] << 8;
					if (k + 2 < n)
						v |= p[k + 2];
					fputc(b64[(v >> 18) & 63], f);
					fputc(b64[(v >> 12) & 63], f);
					fputc(k + 1 < n ? b64[(v >> 6) & 63] : '=', f);
					fputc(k + 2 < n ? b64[v & 63] : '=', f);
				}
				fputc('"', f);
			}
			fprintf(f, ",\"%s_body_truncated\":%s", names[i],
				(n < (decoded ? n : ms[i]->body_bytes) || ms[i]->body_truncated ||
				 ms[i]->body_holes)
				    ? "true"
				    : "false");
			free(alloc);
		}
	}
	fputs("}\n", f);
}

void tt_output_txn(FILE *f, const struct tt_output_opts *o, const struct tt_txn *t, int64_t wall_ns)
{
	if (o->json) {
		print_json(f, o, t, wall_ns);
		return;
	}
	char ts[64], dur[32];
	tt_output_time(ts, sizeof(ts), wall_ns, o->utc, 0);
	const char *sc = "", *rs = o->color ? C_RESET : "";
	fprintf(f, "[%s] %s pid=%u ", ts,
		t->side == TT_SIDE_CLIENT   ? "cli"
		: t->side == TT_SIDE_SERVER ? "srv"
					    : "?  ",
		t->pid);
	fprintf(f, "%-10s ", t->comm);
	if (t->op) {
		puts_safe(f, t->op);
		fputc(' ', f);
		puts_safe(f, t->target);
	} else {
		fputs("? ?", f);
	}
	fputs(" → ", f);
	if (t->status) {
		if (o->color)
			sc = t->status >= 500	? C_RED
			     : t->status >= 400 ? C_YELLOW
			     : t->status >= 300 ? C_CYAN
						: C_GREEN;
		fprintf(f, "%s%d%s %" PRIu64 " bytes", sc, t->status, rs, t->resp.body_bytes);
	} else {
		fprintf(f, "%s(no response)%s", o->color ? C_MAGENTA : "", rs);
	}
	if (t->req.seen && t->resp.seen) {
		uint64_t d = tt_txn_duration_ns(t);
		tt_output_duration(dur, sizeof(dur), d);
		int slow = o->color && o->slow_ns && d >= o->slow_ns;
		fprintf(f, " (%s%s%s)", slow ? C_BOLD_RED : "", dur, slow ? rs : "");
	}
	const char *why = incomplete_reason(t);
	if (why && !(!strcmp(why, "no response") && !t->status))
		fprintf(f, " %s[%s]%s", o->color ? C_MAGENTA : "", why, rs);
	if (t->flags & TT_TXN_UPGRADED)
		fputs(" [upgrade]", f);
	fputc('\n', f);
	if (o->verbose < 1)
		return;
	if (t->req.seen) {
		fprintf(f, "  > ");
		puts_safe(f, t->op);
		fputc(' ', f);
		puts_safe(f, t->target);
		fprintf(f, " %s\n", t->version ? t->version : "");
		print_headers(f, &t->req, "  > ");
		if (o->verbose >= 2)
			print_body(f, &t->req, o->body_show, "  >| ");
	}
	if (t->interim_status)
		fprintf(f, "  < (interim %d)\n", t->interim_status);
	if (t->resp.seen) {
		fprintf(f, "  < %s %d ", t->resp_version ? t->resp_version : "HTTP/1.1", t->status);
		puts_safe(f, t->status_text);
		fputc('\n', f);
		print_headers(f, &t->resp, "  < ");
		if (o->verbose >= 2)
			print_body(f, &t->resp, o->body_show, "  <| ");
	}
	fputc('\n', f);
}
