// SPDX-License-Identifier: MIT
/*
 * tests/fuzz/fuzz_curl.c - libFuzzer target: the shell quoting of --format curl. Any method,
 * target, Host, headers and body (the input, cut at 0xff bytes: method, target, host, then
 * name/value pairs, the last piece the body) become an HTTP request; the command written for it
 * must parse, with the shell's own rules for the few constructs it uses, as exactly
 *   [printf 'FORMAT' |] curl OPTION... (every argument single-quoted or a known flag)
 * with FORMAT made of safe bytes and \NNN escapes only: nothing else can run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/proto/http.h"
#include "analyze/proto/http1.h"
#include "analyze/sink/curl.h"

static const char *const flags[] = {"curl",	  "-sS", "--http2-prior-knowledge", "--head",
				    "-X",	  "-H",	 "--unix-socket",	      "--data-binary",
				    "@-",	  "printf", "|"};

/* One shell word at *p (in s..e): single-quoted pieces and bare [A-Za-z0-9@./_:+=-] characters
 * and \' only, joined; its value into out. Returns 1 and moves *p, or traps. */
static size_t word(const char **p, const char *e, char *out, size_t cap, int *quoted)
{
	const char *s = *p;
	size_t n = 0;
	*quoted = 0;
	while (s < e && *s != ' ' && *s != '\n') {
		if (*s == '\'') {
			*quoted = 1;
			const char *q = memchr(s + 1, '\'', (size_t)(e - s - 1));
			if (!q)
				__builtin_trap(); /* an unterminated quote */
			for (const char *c = s + 1; c < q; c++)
				if (n < cap)
					out[n++] = *c;
			s = q + 1;
		} else if (*s == '\\' && s + 1 < e && s[1] == '\'') {
			if (n < cap)
				out[n++] = '\'';
			s += 2;
		} else if (*s == '\\' && s + 1 < e && s[1] == '\n') {
			s += 2; /* a continued line inside one word */
		} else {
			char c = *s;
			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			      c == '@' || c == '.' || c == '/' || c == '_' || c == ':' || c == '+' ||
			      c == '=' || c == '-' || c == '|'))
				__builtin_trap(); /* a character the shell would interpret */
			if (n < cap)
				out[n++] = c;
			s++;
		}
	}
	*p = s;
	return n;
}

static void check(const char *s, size_t len)
{
	const char *p = s, *e = s + len;
	static char w[1 << 20];
	int in_cmd = 0, expect_format = 0, saw_curl = 0;
	while (p < e) {
		if (!in_cmd && *p == '#') { /* a comment line */
			const char *nl = memchr(p, '\n', (size_t)(e - p));
			if (!nl)
				__builtin_trap();
			p = nl + 1;
			continue;
		}
		if (*p == '\n') {
			if (in_cmd && !saw_curl)
				__builtin_trap(); /* a command that is not curl */
			in_cmd = 0;
			saw_curl = 0;
			p++;
			continue;
		}
		if (*p == ' ') {
			p++;
			continue;
		}
		if (*p == '\\' && p + 1 < e && p[1] == '\n') { /* continuation between words */
			p += 2;
			continue;
		}
		int quoted;
		size_t n = word(&p, e, w, sizeof(w), &quoted);
		if (expect_format) {
			if (!quoted)
				__builtin_trap();
			for (size_t i = 0; i < n; i++) {
				unsigned char c = (unsigned char)w[i];
				if (c == '\\') {
					if (i + 3 >= n)
						__builtin_trap(); /* a cut escape */
					for (int k = 1; k <= 3; k++)
						if (w[i + k] < '0' || w[i + k] > '7')
							__builtin_trap();
					i += 3;
				} else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
					     (c >= '0' && c <= '9') || c == ' ' || c == ',' || c == '.' ||
					     c == '/' || c == ':' || c == '=' || c == '_' || c == '+' ||
					     c == '-')) {
					__builtin_trap(); /* % or a quote in printf's format */
				}
			}
			expect_format = 0;
			in_cmd = 1;
			continue;
		}
		if (!quoted) {
			size_t k;
			for (k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
				if (strlen(flags[k]) == n && !memcmp(w, flags[k], n))
					break;
			if (k == sizeof(flags) / sizeof(flags[0]))
				__builtin_trap(); /* a bare word that is not one of ours */
			if (!in_cmd && strcmp(flags[k], "printf") && strcmp(flags[k], "curl"))
				__builtin_trap(); /* a command that starts with something else */
			if (!strcmp(flags[k], "printf")) {
				if (in_cmd)
					__builtin_trap();
				expect_format = 1;
			}
			if (!strcmp(flags[k], "curl"))
				saw_curl = 1;
			in_cmd = 1;
			continue;
		}
		if (!in_cmd)
			__builtin_trap(); /* a quoted word as a command */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 16))
		return 0;
	struct tt_txn *t = tt_txn_new();
	if (!t)
		abort();
	t->pr = &tt_http1_proto;
	t->side = TT_SIDE_CLIENT;
	t->req.seen = 1;
	const uint8_t *p = data, *e = data + size;
	int field = 0;
	const char *name = NULL;
	size_t namelen = 0;
	while (p <= e) {
		const uint8_t *q = memchr(p, 0xff, (size_t)(e - p));
		size_t n = q ? (size_t)(q - p) : (size_t)(e - p);
		char buf[4096];
		size_t m = n < sizeof(buf) - 1 ? n : sizeof(buf) - 1;
		memcpy(buf, p, m);
		buf[m] = 0; /* a recording's strings are C strings: a NUL ends them */
		m = strlen(buf);
		if (!q) { /* the last piece: the body, any bytes */
			tt_msg_add_body(&t->req, p, n, 1u << 16);
			break;
		}
		if (field == 0)
			tt_txn_set_str(t, &t->op, buf, m);
		else if (field == 1)
			tt_txn_set_str(t, &t->target, buf, m);
		else if (field == 2)
			tt_txn_set_str(t, &tt_http(t)->authority, buf, m);
		else if (field % 2 == 1) {
			name = (const char *)p;
			namelen = m;
		} else {
			tt_msg_add_header(&t->req, name, namelen, buf, m);
		}
		field++;
		p = q + 1;
	}
	if (!t->op)
		tt_txn_set_str(t, &t->op, "GET", 3);
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		abort();
	struct tt_wb w;
	tt_wb_init(&w, f);
	tt_curl_write(&w, t);
	tt_wb_flush(&w);
	fclose(f);
	check(out, len);
	free(out);
	tt_txn_free(t);
	return 0;
}
