// SPDX-License-Identifier: MIT
/* Output (analyze/output.c): line format, escaping of wire bytes, JSON, gzip bodies. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/output.h"
#include "analyze/proto/http.h"
#include "analyze/proto/http1.h"

static char *render(const struct tt_output_opts *o, const struct tt_txn *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert_not_null(f);
	tt_output_txn(f, o, t, 1795600800123456789ll); /* 2026-11-25T10:00:00.123456789Z */
	fclose(f);
	return buf;
}

static struct tt_txn *mk(void)
{
	struct tt_txn *t = tt_txn_new();
	t->pr = &tt_http1_proto;
	t->side = TT_SIDE_CLIENT;
	t->pid = 42;
	t->tid = 43;
	strcpy(t->comm, "curl");
	t->op = strdup("GET");
	t->target = strdup("/index.html");
	tt_http(t)->version = strdup("HTTP/1.1");
	tt_http(t)->resp_version = strdup("HTTP/1.1");
	tt_http_set_status(t, 200);
	tt_http(t)->status_text = strdup("OK");
	t->req.seen = t->req.complete = t->req.done = 1;
	t->resp.seen = t->resp.complete = t->resp.done = 1;
	t->req.ts_first = 1000;
	t->resp.ts_last = 1000 + 1200000;
	t->resp.body_bytes = 156;
	t->local.family = t->remote.family = TT_AF_INET;
	memcpy(t->local.addr, "\x7f\0\0\x01", 4);
	memcpy(t->remote.addr, "\x7f\0\0\x01", 4);
	t->local.port = 50000;
	t->remote.port = 80;
	return t;
}

Test(output, one_line)
{
	struct tt_output_opts o = {.utc = 1};
	struct tt_txn *t = mk();
	char *s = render(&o, t);
	cr_assert_str_eq(
	    s, "[10:00:00.123] cli pid=42 curl       GET /index.html → 200 156 bytes (1.2ms)\n");
	free(s);
	t->flags |= TT_TXN_NO_RESPONSE;
	tt_http_set_status(t, 0);
	t->resp.seen = 0;
	s = render(&o, t);
	cr_assert_str_eq(s,
			 "[10:00:00.123] cli pid=42 curl       GET /index.html → (no response)\n");
	free(s);
	tt_txn_free(t);
}

/* A protocol whose target starts with its op (SQL) shows the target alone on the line. */
Test(output, op_in_target)
{
	static struct tt_proto sql = {.name = "sqlish", .tag = "sq", .flags = TT_PROTO_OP_IN_TARGET};
	struct tt_output_opts o = {.utc = 1};
	struct tt_txn *t = mk();
	t->pr = &sql;
	free(t->op);
	free(t->target);
	t->op = strdup("SELECT");
	t->target = strdup("select 1");
	char *s = render(&o, t);
	cr_assert_str_eq(s, "[10:00:00.123] cli pid=42 curl       sq  select 1 → done (1.2ms)\n");
	free(s);
	free(t->target);
	t->target = strdup("SELECTED_ROWS()"); /* not the op as a word: both */
	s = render(&o, t);
	cr_assert_str_eq(
	    s, "[10:00:00.123] cli pid=42 curl       sq  SELECT SELECTED_ROWS() → done (1.2ms)\n");
	free(s);
	sql.flags = 0; /* without the flag: op and target, as ever */
	free(t->target);
	t->target = strdup("select 1");
	s = render(&o, t);
	cr_assert_str_eq(s,
			 "[10:00:00.123] cli pid=42 curl       sq  SELECT select 1 → done (1.2ms)\n");
	free(s);
	t->pr = &tt_http1_proto;
	tt_txn_free(t);
}

Test(output, wire_bytes_are_escaped)
{
	struct tt_output_opts o = {.utc = 1, .verbose = 1};
	struct tt_txn *t = mk();
	free(t->target);
	t->target = strdup("/\x1b[2Jevil");
	tt_msg_add_header(&t->req, "X-Evil", 6,
			  "a\x07"
			  "b",
			  3);
	char *s = render(&o, t);
	cr_assert_null(strchr(s, '\x1b'), "%s", s);
	cr_assert_null(strchr(s, '\x07'), "%s", s);
	cr_assert_not_null(strstr(s, "/\\x1b[2Jevil"));
	cr_assert_not_null(strstr(s, "  > X-Evil: a\\x07b\n"));
	free(s);
	tt_txn_free(t);
}

Test(output, json)
{
	struct tt_output_opts o = {.json = 1};
	struct tt_txn *t = mk();
	tt_msg_add_header(&t->resp, "Set-Cookie", 10, "a=1", 3);
	tt_msg_add_header(&t->resp, "set-cookie", 10, "b=\"2\"", 5);
	free(t->target);
	t->target = strdup("/q?x=\xff\n");
	char *s = render(&o, t);
	cr_assert_not_null(strstr(s, "{\"ts\":\"2026-11-25T10:00:00.123456Z\""), "%s", s);
	cr_assert_not_null(
	    strstr(s, "\"side\":\"client\",\"pid\":42,\"tid\":43,\"comm\":\"curl\""));
	cr_assert_not_null(strstr(s, "\"local\":\"127.0.0.1:50000\",\"remote\":\"127.0.0.1:80\""));
	cr_assert_not_null(strstr(s, "\"path\":\"/q?x=\\ufffd\\n\""), "%s", s);
	cr_assert_not_null(strstr(s, "\"resp_headers\":{\"Set-Cookie\":\"a=1, b=\\\"2\\\"\"}"),
			   "%s", s);
	cr_assert_not_null(strstr(s, "\"duration_us\":1200"));
	cr_assert_not_null(strstr(s, "\"complete\":true"));
	cr_assert_eq(s[strlen(s) - 1], '\n');
	cr_assert_null(strchr(s, '\n') == s + strlen(s) - 1 ? NULL : s, "one line");
	free(s);
	tt_txn_free(t);
}

Test(output, gzip_body_decoded)
{
	static const unsigned char gz[] = {
	    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xcb,
	    0x48, 0xcd, 0xc9, 0xc9, 0x57, 0x28, 0xcf, 0x2f, 0xca, 0x49, 0xe1,
	    0x02, 0x00, 0x2d, 0x3b, 0x08, 0xaf, 0x0c, 0x00, 0x00, 0x00,
	}; /* "hello world\n" */
	uint8_t *out;
	size_t n;
	int trunc;
	cr_assert_eq(tt_output_gunzip(gz, sizeof(gz), 1024, &out, &n, &trunc), 0);
	cr_assert_eq(n, 12);
	cr_assert_eq(memcmp(out, "hello world\n", 12), 0);
	cr_assert_eq(trunc, 0);
	free(out);
	/* cut input: what decodes, flagged */
	cr_assert_eq(tt_output_gunzip(gz, 20, 1024, &out, &n, &trunc), 0);
	cr_assert_eq(trunc, 1);
	free(out);
	/* not gzip */
	cr_assert_lt(tt_output_gunzip((const uint8_t *)"plain text", 10, 1024, &out, &n, &trunc),
		     0);

	struct tt_output_opts o = {.utc = 1, .verbose = 2, .body_show = 4096};
	struct tt_txn *t = mk();
	tt_msg_add_header(&t->resp, "Content-Encoding", 16, "gzip", 4);
	t->resp.body_bytes = 0;
	tt_msg_add_body(&t->resp, gz, sizeof(gz), 65536);
	char *s = render(&o, t);
	cr_assert_not_null(strstr(s, "  <| hello world\n"), "%s", s);
	cr_assert_not_null(strstr(s, "[decoded from gzip: 32 bytes on the wire]"), "%s", s);
	free(s);
	tt_txn_free(t);
}

Test(output, binary_body_hexdump_and_cap)
{
	struct tt_output_opts o = {.utc = 1, .verbose = 2, .body_show = 8};
	struct tt_txn *t = mk();
	t->resp.body_bytes = 0;
	tt_msg_add_body(&t->resp, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, 65536);
	char *s = render(&o, t);
	cr_assert_not_null(strstr(s, "  <| 0000  89 50 4e 47 0d 0a 1a 0a"), "%s", s);
	cr_assert_not_null(strstr(s, "[binary body]"));
	cr_assert_not_null(strstr(s, "[shown 8 of 16 bytes]"), "%s", s);
	free(s);
	tt_txn_free(t);
}

Test(output, empty_body_piece)
{
	/* an empty piece before any body (a protocol's empty payload): counted, nothing kept, and
	 * no memcpy to the NULL buffer (UBSan found it through fuzz_mysql) */
	struct tt_txn *t = mk();
	t->req.body_bytes = 0;
	tt_msg_add_body(&t->req, "", 0, 65536);
	cr_assert_eq(t->req.body_bytes, 0);
	cr_assert_eq(t->req.body_len, 0);
	cr_assert_null(t->req.body);
	cr_assert_eq(t->req.body_truncated, 0);
	tt_msg_add_body(&t->req, "ab", 2, 65536);
	cr_assert_eq(t->req.body_len, 2);
	tt_txn_free(t);
}

Test(output, helpers)
{
	char b[64];
	tt_output_duration(b, sizeof(b), 1200000);
	cr_assert_str_eq(b, "1.2ms");
	tt_output_duration(b, sizeof(b), 350000);
	cr_assert_str_eq(b, "0.35ms");
	tt_output_duration(b, sizeof(b), 2100000000);
	cr_assert_str_eq(b, "2.10s");
	struct tt_addr a = {.family = TT_AF_INET6, .port = 443};
	a.addr[15] = 1;
	tt_output_addr(b, sizeof(b), &a, NULL);
	cr_assert_str_eq(b, "[::1]:443");
	a.family = TT_AF_UNIX;
	tt_output_addr(b, sizeof(b), &a, "/run/x.sock");
	cr_assert_str_eq(b, "/run/x.sock");
	tt_output_time(b, sizeof(b), 1795600800123456789ll, 1, 1);
	cr_assert_str_eq(b, "2026-11-25T10:00:00.123");
}

/* A protocol with one-way messages (TT_TXN_ONEWAY), for the sinks: the line shows the way the
 * message went from this process, its op and the protocol's words; no duration, never
 * "(no response)"; JSON has no duration and says oneway. */
static void oneway_describe(const struct tt_txn *t, struct tt_desc *d)
{
	tt_desc_adds(d, "5 B \"hello\"");
	(void)t;
}

static const struct tt_proto oneway_proto = {
    .name = "oneway-test", .tag = "ow", .describe = oneway_describe};

Test(output, oneway)
{
	struct tt_output_opts o = {.utc = 1};
	struct tt_txn *t = tt_txn_new();
	t->pr = &oneway_proto;
	t->side = TT_SIDE_CLIENT;
	t->pid = 42;
	strcpy(t->comm, "py");
	t->flags |= TT_TXN_ONEWAY;
	tt_txn_set_str(t, &t->op, "text", 4);
	tt_txn_set_str(t, &t->target, "hello", 5);
	t->req.seen = t->req.complete = t->req.done = 1;
	t->resp.done = 1;
	t->req.ts_first = 1000;
	t->req.ts_last = 5000;
	cr_assert(tt_txn_complete(t));
	cr_assert_null(tt_txn_incomplete(t));
	cr_assert_eq(tt_txn_duration_ns(t), 0);
	char *s = render(&o, t);
	cr_assert_str_eq(s, "[10:00:00.123] cli pid=42 py         ow  → text 5 B \"hello\"\n");
	free(s);
	/* the server's socket received it */
	t->side = TT_SIDE_SERVER;
	s = render(&o, t);
	cr_assert_str_eq(s, "[10:00:00.123] srv pid=42 py         ow  ← text 5 B \"hello\"\n");
	free(s);
	/* a message from the server: sent by the server, received by the client */
	t->req = (struct tt_msg){.done = 1};
	t->resp.seen = t->resp.complete = t->resp.done = 1;
	s = render(&o, t);
	cr_assert_str_eq(s, "[10:00:00.123] srv pid=42 py         ow  → text 5 B \"hello\"\n");
	free(s);
	t->side = TT_SIDE_CLIENT;
	t->resp.complete = 0;
	cr_assert(!tt_txn_complete(t));
	s = render(&o, t);
	cr_assert_str_eq(s,
			 "[10:00:00.123] cli pid=42 py         ow  ← text 5 B \"hello\" [incomplete]\n");
	free(s);
	t->resp.complete = 1;
	o.json = 1;
	s = render(&o, t);
	cr_assert_not_null(strstr(s, "\"duration_us\":null"), "%s", s);
	cr_assert_not_null(strstr(s, "\"complete\":true,\"incomplete\":null,\"oneway\":true"), "%s",
			   s);
	free(s);
	tt_txn_free(t);
}
