// SPDX-License-Identifier: MIT
#include "analyze/sink/curl.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/output.h"
#include "analyze/proto.h"

static const char *const skip_headers[] = {
    "host",	"connection", "keep-alive",	   "proxy-connection", "te",
    "trailer", "upgrade",    "transfer-encoding", "content-length",	"expect",
};

/* A shell word in single quotes: nothing inside is interpreted; a quote is '\''. */
static void squote(struct tt_wb *w, const char *s, size_t n)
{
	tt_wb_c(w, '\'');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'')
			tt_wb_lit(w, "'\\''");
		else
			tt_wb_c(w, s[i]);
	}
	tt_wb_c(w, '\'');
}

static void squote_s(struct tt_wb *w, const char *s)
{
	squote(w, s, strlen(s));
}

/* printf's format: plain bytes as they are, every other byte (quotes, %, \, controls, NUL,
 * UTF-8) as a \NNN octal escape. */
static int printf_plain(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == ' ' || c == ',' || c == '.' || c == '/' || c == ':' || c == '=' || c == '_' ||
	       c == '+' || c == '-';
}

static void printf_body(struct tt_wb *w, const uint8_t *p, size_t n)
{
	tt_wb_lit(w, "printf '");
	for (size_t i = 0; i < n; i++) {
		if (printf_plain(p[i])) {
			tt_wb_c(w, (char)p[i]);
		} else {
			char e[4] = {'\\', (char)('0' + (p[i] >> 6)), (char)('0' + ((p[i] >> 3) & 7)),
				     (char)('0' + (p[i] & 7))};
			tt_wb_put(w, e, 4);
		}
		if (i % 2048 == 2047 && i + 1 < n)
			tt_wb_lit(w, "'\\\n'"); /* long bodies: continued lines of one word */
	}
	tt_wb_lit(w, "' | ");
}

static int skipped(const char *name)
{
	for (size_t i = 0; i < sizeof(skip_headers) / sizeof(skip_headers[0]); i++)
		if (!strcasecmp(name, skip_headers[i]))
			return 1;
	return 0;
}

/* A one-line comment (no newline inside: wire bytes are escaped). */
static void comment(struct tt_wb *w, const struct tt_txn *t)
{
	const struct tt_msg *b = &t->req;
	struct tt_wb m;
	tt_wb_init(&m, NULL);
	tt_wb_safe_s(&m, t->op);
	tt_wb_c(&m, ' ');
	tt_wb_safe_s(&m, t->target);
	tt_wb_printf(w, "# %s pid=%" PRIu32 " %s: %s", t->side == TT_SIDE_SERVER ? "srv" : "cli",
		     t->pid, t->comm, tt_wb_cstr(&m));
	if (b->body_bytes && (b->body_truncated || b->body_holes || b->body_len < b->body_bytes))
		tt_wb_printf(w, " (body: %zu of %" PRIu64 " bytes captured; the rest is not sent)",
			     b->body_len, b->body_bytes);
	tt_wb_c(w, '\n');
}

int tt_curl_write(struct tt_wb *w, const struct tt_txn *t)
{
	const struct tt_field *mf = tt_proto_field(t->pr, "method");
	if (!mf || !t->op || !t->req.seen)
		return 1;
	comment(w, t);
	const struct tt_msg *m = &t->req;
	if (m->body_len)
		printf_body(w, m->body, m->body_len);
	tt_wb_lit(w, "curl -sS");
	if (t->pr && !strcmp(t->pr->name, "http/2"))
		tt_wb_lit(w, " --http2-prior-knowledge");
	if (!strcmp(t->op, "HEAD"))
		tt_wb_lit(w, " --head");
	else if (strcmp(t->op, "GET") || m->body_len) {
		tt_wb_lit(w, " -X ");
		squote_s(w, t->op);
	}
	/* the URL: Host (or the server's address) and the target as it was sent */
	const struct tt_field *hf = tt_proto_field(t->pr, "host");
	struct tt_val hv = {0};
	char addr[200];
	const char *host;
	if (hf && hf->get && hf->get(t, &hv) && hv.len) {
		host = hv.s;
	} else if (t->local.family == TT_AF_UNIX) {
		tt_wb_lit(w, " --unix-socket ");
		squote_s(w, t->unix_path[0] ? t->unix_path : "unix");
		host = "localhost";
	} else {
		tt_output_addr(addr, sizeof(addr), t->side == TT_SIDE_SERVER ? &t->local : &t->remote,
			       t->unix_path);
		host = addr;
	}
	tt_wb_lit(w, " \\\n  ");
	struct tt_wb u;
	tt_wb_init(&u, NULL);
	tt_wb_lit(&u, "http://");
	tt_wb_s(&u, host);
	tt_wb_s(&u, t->target ? t->target : "/");
	squote_s(w, tt_wb_cstr(&u));
	for (uint32_t i = 0; i < m->n_headers; i++) {
		if (skipped(m->headers[i].name))
			continue;
		struct tt_wb h;
		tt_wb_init(&h, NULL);
		tt_wb_s(&h, m->headers[i].name);
		tt_wb_lit(&h, ": ");
		tt_wb_s(&h, m->headers[i].value);
		tt_wb_lit(w, " \\\n  -H ");
		squote_s(w, tt_wb_cstr(&h));
	}
	/* headers curl adds by itself that the request did not have: removed */
	if (!tt_msg_header(m, "User-Agent"))
		tt_wb_lit(w, " \\\n  -H 'User-Agent:'");
	if (!tt_msg_header(m, "Accept"))
		tt_wb_lit(w, " \\\n  -H 'Accept:'");
	if (m->body_len) {
		if (!tt_msg_header(m, "Content-Type"))
			tt_wb_lit(w, " \\\n  -H 'Content-Type:'");
		tt_wb_lit(w, " \\\n  --data-binary @-");
	}
	tt_wb_lit(w, "\n\n");
	return 0;
}

struct curl_sink {
	struct tt_sink s;
	struct tt_wb w;
};

static int c_begin(struct tt_sink *s, const struct tt_file_info *fi)
{
	(void)fi;
	struct curl_sink *cs = (struct curl_sink *)s;
	tt_wb_lit(&cs->w, "#!/bin/sh\n# tinytap-show --format curl: the recorded requests, to "
			  "replay. Review before running.\n\n");
	return 0;
}

static int c_txn(struct tt_sink *s, const struct tt_txn *t, int64_t wall_ns)
{
	(void)wall_ns;
	struct curl_sink *cs = (struct curl_sink *)s;
	tt_curl_write(&cs->w, t);
	tt_wb_flush(&cs->w);
	return 0;
}

static int c_end(struct tt_sink *s)
{
	struct curl_sink *cs = (struct curl_sink *)s;
	tt_wb_flush(&cs->w);
	fflush(cs->w.f);
	return 0;
}

static void c_free(struct tt_sink *s)
{
	free(s);
}

struct tt_sink *tt_sink_curl_new(FILE *f)
{
	struct curl_sink *cs = calloc(1, sizeof(*cs));
	if (!cs)
		return NULL;
	cs->s = (struct tt_sink){c_begin, c_txn, c_end, c_free};
	tt_wb_init(&cs->w, f);
	return &cs->s;
}
