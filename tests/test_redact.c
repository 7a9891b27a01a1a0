// SPDX-License-Identifier: MIT
/* Redaction (analyze/redact.c): what is masked, what is not, and that a secret split at any byte
 * between two reads (records) is masked the same. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/redact.h"

/* Masks a copy of in as one buffer and checks it against want (same length by construction). */
static void expect(const char *in, const char *want)
{
	size_t n = strlen(in);
	cr_assert_eq(strlen(want), n, "test case lengths differ: %s", in);
	char *b = strdup(in);
	size_t masked = tt_redact_buf((uint8_t *)b, n);
	cr_assert_str_eq(b, want);
	size_t stars = 0;
	for (size_t i = 0; i < n; i++)
		stars += want[i] == '*' && in[i] != '*';
	cr_assert_eq(masked, stars, "masked count %zu, want %zu", masked, stars);

	/* The same through the stream API, split in two at every byte. */
	for (size_t cut = 0; cut <= n; cut++) {
		struct tt_redactor *r = tt_redactor_new();
		cr_assert_not_null(r);
		char *c = strdup(in);
		tt_redactor_stream(r, 42, 1, (uint8_t *)c, cut, 0);
		tt_redactor_stream(r, 42, 1, (uint8_t *)c + cut, n - cut, 0);
		cr_assert_str_eq(c, want, "split at %zu", cut);
		free(c);
		tt_redactor_free(r);
	}
	free(b);
}

Test(redact, request_headers)
{
	expect("GET /a HTTP/1.1\r\nHost: example.com\r\nAuthorization: Bearer eyJhbGc.x-y\r\n"
	       "cookie:sid=abc; theme=dark\r\nProxy-Authorization: Basic dTpw\r\n"
	       "X-Auth-Token: t0k\r\nX-Api-Key:  k3y \r\nUser-Agent: curl/8\r\n\r\n",
	       "GET /a HTTP/1.1\r\nHost: example.com\r\nAuthorization: ******************\r\n"
	       "cookie:*******************\r\nProxy-Authorization: **********\r\n"
	       "X-Auth-Token: ***\r\nX-Api-Key:  ****\r\nUser-Agent: curl/8\r\n\r\n");
}

Test(redact, response_set_cookie)
{
	expect("HTTP/1.1 200 OK\r\nSet-Cookie: sid=s3cr3t; Path=/; HttpOnly\r\n"
	       "Content-Length: 2\r\n\r\nok",
	       "HTTP/1.1 200 OK\r\nSet-Cookie: ****************************\r\n"
	       "Content-Length: 2\r\n\r\nok");
}

Test(redact, query_string)
{
	expect("GET /login?user=bob&password=hunter2&next=/home HTTP/1.1\r\n",
	       "GET /login?user=bob&password=*******&next=/home HTTP/1.1\r\n");
	expect("GET /cb?access_token=abc.def&Token=X;api_key=9#frag HTTP/1.1\r\n",
	       "GET /cb?access_token=*******&Token=*;api_key=*#frag HTTP/1.1\r\n");
	/* Keys that only look alike stay. */
	expect("GET /s?author=me&tokens_left=3&q=password HTTP/1.1\r\n",
	       "GET /s?author=me&tokens_left=*&q=password HTTP/1.1\r\n");
}

Test(redact, form_body)
{
	expect("POST /login HTTP/1.1\r\nContent-Length: 40\r\n\r\n"
	       "user=bob&passwd=p%40ss+word&remember=1",
	       "POST /login HTTP/1.1\r\nContent-Length: 40\r\n\r\n"
	       "user=bob&passwd=***********&remember=1");
	expect("user%5Bpassword%5D=x1&ok=1", "user%5Bpassword%5D=**&ok=1");
}

Test(redact, json_body)
{
	expect("{\"user\":\"bob\",\"password\":\"hu\\\"nt er2\",\"n\":1}",
	       "{\"user\":\"bob\",\"password\":\"**********\",\"n\":1}");
	expect("{ \"api_key\" : 12345, \"refresh_token\": null, \"x\": [\"token\"] }",
	       "{ \"api_key\" : *****, \"refresh_token\": ****, \"x\": [\"token\"] }");
	expect("{\n  \"client_secret\":\n    \"abc\",\n  \"ok\": true\n}",
	       "{\n  \"client_secret\":\n    \"***\",\n  \"ok\": true\n}");
	expect("{\"next\":\"/cb?token=abc&x=1\",\"secretive\":false}",
	       "{\"next\":\"/cb?token=***&x=1\",\"secretive\":*****}");
	/* A quoted key not followed by ':' is text, not a key. */
	expect("<input name=\"password\" value=\"\">", "<input name=\"password\" value=\"\">");
	/* Empty values and separators are not swallowed. */
	expect("{\"token\":\"\",\"a\":1}", "{\"token\":\"\",\"a\":1}");
	expect("{\"token\":,\"a\":1}", "{\"token\":,\"a\":1}");
}

Test(redact, multipart_form)
{
	expect("--XyZ\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nbob\r\n"
	       "--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nhunter 2\r\n"
	       "--XyZ\r\nContent-Disposition: form-data; name=\"api_token\"\r\n"
	       "Content-Type: text/plain\r\n\r\nabc\r\n"
	       "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"token.txt\"\r\n"
	       "\r\ndata\r\n--XyZ--\r\n",
	       "--XyZ\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nbob\r\n"
	       "--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n********\r\n"
	       "--XyZ\r\nContent-Disposition: form-data; name=\"api_token\"\r\n"
	       "Content-Type: text/plain\r\n\r\n***\r\n"
	       "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"token.txt\"\r\n"
	       "\r\ndata\r\n--XyZ--\r\n");
	/* An empty value stays empty, and the next part is not touched. */
	expect("name=\"password\"\r\n\r\n\r\n--b\r\nname=\"x\"\r\n\r\ny\r\n",
	       "name=\"password\"\r\n\r\n\r\n--b\r\nname=\"x\"\r\n\r\ny\r\n");
}

Test(redact, untouched)
{
	const char *s = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\n"
			"hello world\n";
	expect(s, s);
	expect("", "");
	expect("password", "password");
	/* A sensitive-looking header name inside a line is not a header. */
	expect("x Authorization: y\r\n", "x Authorization: y\r\n");
}

Test(redact, mask_ends_at_line_end)
{
	/* An unterminated JSON string or value never masks past the end of its line, so HTTP
	 * framing (chunk sizes, the next request) stays readable. */
	expect("{\"token\":\"abc\r\n5\r\nhello\r\n", "{\"token\":\"***\r\n5\r\nhello\r\n");
	expect("token=abc\r\nGET / HTTP/1.1\r\n", "token=***\r\nGET / HTTP/1.1\r\n");
}

Test(redact, peek_does_not_advance)
{
	struct tt_redactor *r = tt_redactor_new();
	cr_assert_not_null(r);
	char a[] = "Cookie: ab", p[] = "cd\r\n", b[] = "cd\r\nX: 1\r\n";
	tt_redactor_stream(r, 7, 1, (uint8_t *)a, strlen(a), 0);
	cr_assert_eq(tt_redactor_stream(r, 7, 1, (uint8_t *)p, strlen(p), 1), 2);
	cr_assert_str_eq(p, "**\r\n");
	cr_assert_eq(tt_redactor_stream(r, 7, 1, (uint8_t *)b, strlen(b), 0), 2);
	cr_assert_str_eq(b, "**\r\nX: 1\r\n");
	tt_redactor_free(r);
}

Test(redact, streams_are_separate)
{
	/* Interleaved sockets and directions keep their own state; forgetting a socket (closed)
	 * starts it again at a line start; many sockets in and out keep the table consistent. */
	struct tt_redactor *r = tt_redactor_new();
	cr_assert_not_null(r);
	enum { N = 3000 };
	for (uint64_t i = 0; i < N; i++) {
		char a[] = "Authorization: Bas";
		tt_redactor_stream(r, i, (int)(i & 1), (uint8_t *)a, strlen(a), 0);
		char o[] = "Host: x";
		tt_redactor_stream(r, i, !(i & 1), (uint8_t *)o, strlen(o), 0);
		cr_assert_str_eq(o, "Host: x");
	}
	for (uint64_t i = 0; i < N; i += 3)
		tt_redactor_forget(r, i);
	for (uint64_t i = 0; i < N; i++) {
		char b[] = "ic dTpw\r\n";
		tt_redactor_stream(r, i, (int)(i & 1), (uint8_t *)b, strlen(b), 0);
		if (i % 3 == 0)
			cr_assert_str_eq(b, "ic dTpw\r\n", "sock %llu", (unsigned long long)i);
		else
			cr_assert_str_eq(b, "*******\r\n", "sock %llu", (unsigned long long)i);
	}
	tt_redactor_free(r);
}

Test(redact, table_bound)
{
	/* Past TT_REDACT_MAX_STREAMS the table starts again instead of growing. */
	struct tt_redactor *r = tt_redactor_new();
	cr_assert_not_null(r);
	for (uint64_t i = 0; i < TT_REDACT_MAX_STREAMS + 10; i++) {
		char a[] = "token=abc";
		tt_redactor_stream(r, i, 0, (uint8_t *)a, strlen(a), 0);
		cr_assert_str_eq(a, "token=***");
	}
	tt_redactor_free(r);
}

/* Masks a copy of in (n bytes) as one stream, whole and split in two at every byte; each must
 * equal want. */
static void expect_bin(const uint8_t *in, const uint8_t *want, size_t n)
{
	for (size_t cut = 0; cut <= n; cut++) {
		struct tt_redactor *r = tt_redactor_new();
		cr_assert_not_null(r);
		uint8_t *c = malloc(n);
		memcpy(c, in, n);
		tt_redactor_stream(r, 9, 0, c, cut, 0);
		tt_redactor_stream(r, 9, 0, c + cut, n - cut, 0);
		cr_assert(!memcmp(c, want, n), "split at %zu", cut);
		free(c);
		tt_redactor_free(r);
	}
}

static size_t put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return 4;
}

/* A typed PostgreSQL message: type, length, body. */
static size_t pg_msg(uint8_t *p, char type, const void *body, size_t n)
{
	p[0] = (uint8_t)type;
	put_be32(p + 1, (uint32_t)n + 4);
	memcpy(p + 5, body, n);
	return n + 5;
}

Test(redact, postgresql_password_messages)
{
	/* SSLRequest, startup packet, a cleartext password, SASL data, a Query: the password
	 * messages' bodies are masked whole (framing intact), nothing else. */
	uint8_t in[512], want[512];
	size_t n = 0;
	n += put_be32(in + n, 8);
	n += put_be32(in + n, 80877103);
	static const char su[] = "\0\3\0\0user\0bob\0database\0shop\0";
	size_t sul = sizeof(su); /* with the final NUL */
	n += put_be32(in + n, (uint32_t)sul + 4);
	memcpy(in + n, su, sul);
	n += sul;
	size_t p1 = n + 5;
	n += pg_msg(in + n, 'p', "hunter2-secret", 15);
	size_t p2 = n + 5;
	n += pg_msg(in + n, 'p', "c=biws,r=abc,p=PROOF", 20);
	n += pg_msg(in + n, 'Q', "SELECT 1", 9);
	memcpy(want, in, n);
	memset(want + p1, '*', 15);
	memset(want + p2, '*', 20);
	expect_bin(in, want, n);
	char *c = malloc(n);
	memcpy(c, in, n);
	cr_assert_eq(tt_redact_buf((uint8_t *)c, n), 35);
	free(c);
}

Test(redact, postgresql_query_text_still_scanned)
{
	/* After a startup packet, message bodies are text to the usual rules; a value that runs to
	 * the end of a message ends there (the next header is not masked). */
	uint8_t in[256], want[256];
	size_t n = 0;
	static const char su[] = "\0\3\0\0user\0u\0";
	n += put_be32(in + n, (uint32_t)sizeof(su) + 4);
	memcpy(in + n, su, sizeof(su));
	n += sizeof(su);
	static const char q[] = "SELECT 'x' WHERE token=abc";
	size_t qs = n + 5 + strlen("SELECT 'x' WHERE token=");
	n += pg_msg(in + n, 'Q', q, sizeof(q) - 1);
	n += pg_msg(in + n, 'S', "", 0);
	memcpy(want, in, n);
	memset(want + qs, '*', 3);
	expect_bin(in, want, n);
}

Test(redact, postgresql_only_from_a_startup_packet)
{
	/* A 'p' message in a stream that did not start with a startup packet (recorded mid-way, or
	 * not PostgreSQL) is not framed, and after SSLRequest + TLS nothing is framed either. */
	uint8_t in[128], want[128];
	size_t n = pg_msg(in, 'p', "notasecret", 10);
	memcpy(want, in, n);
	expect_bin(in, want, n);
	n = 0;
	n += put_be32(in + n, 8);
	n += put_be32(in + n, 80877103);
	static const uint8_t tls[] = {0x16, 0x03, 0x01, 0x00, 0x05, 'p', 0, 0, 0, 9, 'a', 'b'};
	memcpy(in + n, tls, sizeof(tls));
	n += sizeof(tls);
	memcpy(want, in, n);
	expect_bin(in, want, n);
}

/* Redis: the password arguments of AUTH, HELLO ... AUTH, CONFIG SET requirepass, MIGRATE ...
 * AUTH2 and ACL SETUSER rules are masked whole; other arguments are left alone. */
Test(redact, redis_passwords)
{
	expect("*2\r\n$4\r\nAUTH\r\n$7\r\nhunter2\r\n*2\r\n$3\r\nGET\r\n$7\r\nhunter2\r\n"
	       "*3\r\n$4\r\nauth\r\n$5\r\nalice\r\n$6\r\ns3cret\r\n"
	       "*5\r\n$5\r\nHELLO\r\n$1\r\n3\r\n$4\r\nAUTH\r\n$5\r\nalice\r\n$6\r\ns3cret\r\n"
	       "*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$11\r\nrequirepass\r\n$5\r\nnewpw\r\n"
	       "*9\r\n$7\r\nMIGRATE\r\n$4\r\nhost\r\n$4\r\n6380\r\n$1\r\nk\r\n$1\r\n0\r\n"
	       "$4\r\n5000\r\n$5\r\nAUTH2\r\n$1\r\nu\r\n$2\r\npw\r\n"
	       "*5\r\n$3\r\nACL\r\n$7\r\nSETUSER\r\n$3\r\nbob\r\n$2\r\non\r\n$7\r\n>bobpw1\r\n",
	       "*2\r\n$4\r\nAUTH\r\n$7\r\n*******\r\n*2\r\n$3\r\nGET\r\n$7\r\nhunter2\r\n"
	       "*3\r\n$4\r\nauth\r\n$5\r\nalice\r\n$6\r\n******\r\n"
	       "*5\r\n$5\r\nHELLO\r\n$1\r\n3\r\n$4\r\nAUTH\r\n$5\r\nalice\r\n$6\r\n******\r\n"
	       "*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$11\r\nrequirepass\r\n$5\r\n*****\r\n"
	       "*9\r\n$7\r\nMIGRATE\r\n$4\r\nhost\r\n$4\r\n6380\r\n$1\r\nk\r\n$1\r\n0\r\n"
	       "$4\r\n5000\r\n$5\r\nAUTH2\r\n$1\r\nu\r\n$2\r\n**\r\n"
	       "*5\r\n$3\r\nACL\r\n$7\r\nSETUSER\r\n$3\r\nbob\r\n$2\r\non\r\n$7\r\n*******\r\n");
}

Test(redact, redis_inline_auth)
{
	expect("PING\r\nAUTH hunter2\r\nauth alice s3cret\r\nGET AUTH\r\n",
	       "PING\r\nAUTH *******\r\nauth ************\r\nGET AUTH\r\n");
}

Test(redact, redis_framing_stops_on_other_bytes)
{
	/* not RESP after the first command: no more framing, the text rules still apply */
	expect("*1\r\n$4\r\nPING\r\nGET /?password=x HTTP/1.1\r\n",
	       "*1\r\n$4\r\nPING\r\nGET /?password=* HTTP/1.1\r\n");
}
