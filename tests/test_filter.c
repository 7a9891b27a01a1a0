// SPDX-License-Identifier: MIT
/* Filters (analyze/filter.c): parsing of every flag's values and matching. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/filter.h"
#include "analyze/proto/http.h"
#include "analyze/proto/http1.h"

static struct tt_txn *mk(const char *method, const char *target, int status, enum tt_side side)
{
	struct tt_txn *t = tt_txn_new();
	t->pr = &tt_http1_proto;
	cr_assert_not_null(t);
	t->op = method ? strdup(method) : NULL;
	t->target = target ? strdup(target) : NULL;
	tt_http_set_status(t, status);
	t->side = side;
	t->pid = 1234;
	strcpy(t->comm, "nginx");
	t->local.family = t->remote.family = TT_AF_INET;
	t->local.port = 8080;
	t->remote.port = 51000;
	tt_http(t)->authority = strdup("api.example.com:8080");
	t->req.seen = t->resp.seen = 1;
	t->req.ts_first = 1000000000;
	t->resp.ts_last = 1250000000; /* 250 ms */
	tt_msg_add_header(&t->req, "X-Request-Id", 12, "abc-123", 7);
	tt_msg_add_header(&t->resp, "Content-Type", 12, "application/json", 16);
	tt_msg_add_body(&t->resp, "{\"token\":\"s3cr3t\"}", 18, 1024);
	return t;
}

static int match1(enum tt_filter_kind k, const char *v, const struct tt_txn *t)
{
	char err[256];
	struct tt_filter *f = tt_filter_new();
	cr_assert_not_null(f);
	int rc = tt_filter_add(f, k, v, err, sizeof(err));
	cr_assert_eq(rc, 0, "%s: %s", v, err);
	int m = tt_filter_match(f, t);
	tt_filter_free(f);
	return m;
}

static int bad(enum tt_filter_kind k, const char *v)
{
	char err[256] = "";
	struct tt_filter *f = tt_filter_new();
	int rc = tt_filter_add(f, k, v, err, sizeof(err));
	tt_filter_free(f);
	if (rc == -EINVAL)
		cr_assert(err[0], "no message for %s", v);
	return rc == -EINVAL;
}

Test(filter, status)
{
	struct tt_txn *t = mk("GET", "/x", 503, TT_SIDE_SERVER);
	cr_assert(match1(TT_F_STATUS, "5xx", t));
	cr_assert(match1(TT_F_STATUS, "4xx,5xx", t));
	cr_assert(match1(TT_F_STATUS, ">=400", t));
	cr_assert(match1(TT_F_STATUS, ">502", t));
	cr_assert_not(match1(TT_F_STATUS, "<500", t));
	cr_assert(match1(TT_F_STATUS, "503", t));
	cr_assert_not(match1(TT_F_STATUS, "404", t));
	cr_assert_not(match1(TT_F_STATUS, "2xx", t));
	cr_assert(bad(TT_F_STATUS, "abc"));
	cr_assert(bad(TT_F_STATUS, "5x"));
	cr_assert(bad(TT_F_STATUS, "1000"));
	cr_assert(bad(TT_F_STATUS, ","));
	tt_http_set_status(t, 0); /* no response: never matches a status */
	cr_assert_not(match1(TT_F_STATUS, "<600", t));
	tt_txn_free(t);
}

Test(filter, method_path_host)
{
	struct tt_txn *t = mk("POST", "/api/items?x=1", 201, TT_SIDE_CLIENT);
	cr_assert(match1(TT_F_METHOD, "get,post", t));
	cr_assert_not(match1(TT_F_METHOD, "GET", t));
	cr_assert(match1(TT_F_PATH, "/api/*", t));
	cr_assert(match1(TT_F_PATH, "/api/items", t)); /* query ignored without '?' */
	cr_assert(match1(TT_F_PATH, "/api/items?x=*", t));
	cr_assert_not(match1(TT_F_PATH, "/other/*", t));
	cr_assert(match1(TT_F_HOST, "api.example.com", t)); /* port ignored */
	cr_assert(match1(TT_F_HOST, "*.EXAMPLE.com", t));
	cr_assert_not(match1(TT_F_HOST, "example.org", t));
	tt_txn_free(t);
}

Test(filter, process_and_socket)
{
	struct tt_txn *t = mk("GET", "/", 200, TT_SIDE_SERVER);
	cr_assert(match1(TT_F_PID, "1,1234", t));
	cr_assert_not(match1(TT_F_PID, "99", t));
	cr_assert(bad(TT_F_PID, "12a"));
	cr_assert(match1(TT_F_COMM, "ngi*", t));
	cr_assert_not(match1(TT_F_COMM, "curl", t));
	cr_assert(match1(TT_F_PORT, "8080", t));
	cr_assert(match1(TT_F_PORT, "51000", t));
	cr_assert_not(match1(TT_F_PORT, "443", t));
	cr_assert(bad(TT_F_PORT, "70000"));
	cr_assert(match1(TT_F_SIDE, "server", t));
	cr_assert_not(match1(TT_F_SIDE, "client", t));
	cr_assert(bad(TT_F_SIDE, "both"));
	tt_txn_free(t);
}

Test(filter, duration_grep_header)
{
	struct tt_txn *t = mk("GET", "/", 200, TT_SIDE_SERVER);
	cr_assert(match1(TT_F_MIN_DUR, "100ms", t));
	cr_assert(match1(TT_F_MIN_DUR, "0.25s", t));
	cr_assert_not(match1(TT_F_MIN_DUR, "251ms", t));
	cr_assert(bad(TT_F_MIN_DUR, "fast"));
	cr_assert(match1(TT_F_GREP, "s3cr3t", t));	       /* body */
	cr_assert(match1(TT_F_GREP, "^X-Request-Id: abc", t)); /* header line */
	cr_assert(match1(TT_F_GREP, "^GET / HTTP", t) == 0);   /* no version set: "GET / " */
	cr_assert(match1(TT_F_GREP, "^GET / ", t));
	cr_assert_not(match1(TT_F_GREP, "password", t));
	cr_assert(bad(TT_F_GREP, "("));
	cr_assert(match1(TT_F_HEADER, "x-request-id", t));
	cr_assert(match1(TT_F_HEADER, "X-Request-Id=ABC-*", t));
	cr_assert_not(match1(TT_F_HEADER, "X-Request-Id=zzz", t));
	cr_assert(match1(TT_F_HEADER, "content-type=application/json", t));
	cr_assert(bad(TT_F_HEADER, "=x"));
	tt_txn_free(t);
}

Test(filter, and_between_flags_and_time)
{
	char err[128];
	struct tt_txn *t = mk("GET", "/api/a", 500, TT_SIDE_SERVER);
	struct tt_filter *f = tt_filter_new();
	cr_assert_eq(tt_filter_add(f, TT_F_STATUS, "5xx", err, sizeof(err)), 0);
	cr_assert_eq(tt_filter_add(f, TT_F_SIDE, "server", err, sizeof(err)), 0);
	cr_assert(tt_filter_match(f, t));
	cr_assert_eq(tt_filter_add(f, TT_F_METHOD, "POST", err, sizeof(err)), 0);
	cr_assert_not(tt_filter_match(f, t));
	tt_filter_free(f);
	f = tt_filter_new();
	tt_filter_set_time(f, 1000000000, 0);
	cr_assert(tt_filter_match(f, t));
	tt_filter_set_time(f, 1000000001, 0);
	cr_assert_not(tt_filter_match(f, t));
	tt_filter_set_time(f, 0, 1000000000); /* until is exclusive */
	cr_assert_not(tt_filter_match(f, t));
	tt_filter_free(f);
	tt_txn_free(t);
}

Test(filter, durations)
{
	uint64_t ns;
	cr_assert_eq(tt_filter_parse_duration("100ms", &ns), 0);
	cr_assert_eq(ns, 100000000);
	cr_assert_eq(tt_filter_parse_duration("1.5s", &ns), 0);
	cr_assert_eq(ns, 1500000000);
	cr_assert_eq(tt_filter_parse_duration("250us", &ns), 0);
	cr_assert_eq(ns, 250000);
	cr_assert_eq(tt_filter_parse_duration("2m", &ns), 0);
	cr_assert_eq(ns, 120000000000ull);
	cr_assert_eq(tt_filter_parse_duration("7", &ns), 0); /* bare number: ms */
	cr_assert_eq(ns, 7000000);
	cr_assert_eq(tt_filter_parse_duration("-1s", &ns), -EINVAL);
	cr_assert_eq(tt_filter_parse_duration("1 parsec", &ns), -EINVAL);
	cr_assert_eq(tt_filter_parse_duration("", &ns), -EINVAL);
}

/* A list flag given again adds to the list (either matches), like a comma list and like
 * tinytap-record --port; --header and --grep given twice must both match. */
Test(filter, repeated_flags)
{
	char err[256];
	struct tt_txn *t = mk("GET", "/x", 404, TT_SIDE_SERVER);
	struct tt_filter *f = tt_filter_new();
	cr_assert_eq(tt_filter_add(f, TT_F_STATUS, "500", err, sizeof(err)), 0);
	cr_assert_not(tt_filter_match(f, t));
	cr_assert_eq(tt_filter_add(f, TT_F_STATUS, "404", err, sizeof(err)), 0);
	cr_assert(tt_filter_match(f, t));
	cr_assert_eq(tt_filter_add(f, TT_F_PORT, "1", err, sizeof(err)), 0);
	cr_assert_eq(tt_filter_add(f, TT_F_PORT, "8080,9", err, sizeof(err)), 0);
	cr_assert(tt_filter_match(f, t));
	cr_assert_eq(tt_filter_add(f, TT_F_HEADER, "X-Request-Id", err, sizeof(err)), 0);
	cr_assert(tt_filter_match(f, t));
	cr_assert_eq(tt_filter_add(f, TT_F_HEADER, "X-Missing", err, sizeof(err)), 0);
	cr_assert_not(tt_filter_match(f, t)); /* both headers must be there */
	tt_filter_free(f);
	tt_txn_free(t);
}

Test(filter, empty_items_and_port_zero)
{
	cr_assert(bad(TT_F_PORT, "80,,443"));
	cr_assert(bad(TT_F_PORT, "80,"));
	cr_assert(bad(TT_F_PORT, ",80"));
	cr_assert(bad(TT_F_PORT, "0"));
	cr_assert(bad(TT_F_PORT, "+80"));
	cr_assert(bad(TT_F_PID, "-1"));
	cr_assert(bad(TT_F_STATUS, "404,,500"));
	cr_assert(bad(TT_F_METHOD, ""));
	cr_assert(bad(TT_F_PROTO, "gopher"));
}
