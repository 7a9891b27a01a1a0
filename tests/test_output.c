// SPDX-License-Identifier: MIT
/* Output (analyze/output.c): line format, escaping of wire bytes, JSON, gzip bodies. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/output.h"

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
	t->side = TT_SIDE_CLIENT;
	t->pid = 42;
	t->tid = 43;
	strcpy(t->comm, "curl");
	t->op = strdup("GET");
	t->target = strdup("/index.html");
	t->version = strdup("HTTP/1.1");
	t->resp_version = strdup("HTTP/1.1");
	t->status = 200;
	t->status_text = strdup("OK");
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
	t->status = 0;
	t->resp.seen = 0;
	s = render(&o, t);
	cr_assert_str_eq(s,
			 "[10:00:00.123] cli pid=42 curl       GET /index.html → (no response)\n");
	free(s);
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
