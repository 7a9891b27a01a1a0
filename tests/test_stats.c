// SPDX-License-Identifier: MIT
/* --stats (analyze/sink/stats.c): grouping, folding, and percentiles checked against known
 * latencies, exact and past the histogram switch. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/proto/http.h"
#include "analyze/proto/http1.h"
#include "analyze/sink/stats.h"

static struct tt_txn *mk(const char *op, const char *target, int status, uint64_t dur_ns)
{
	struct tt_txn *t = tt_txn_new();
	cr_assert_not_null(t);
	t->pr = &tt_http1_proto;
	t->side = TT_SIDE_CLIENT;
	tt_txn_set_str(t, &t->op, op, strlen(op));
	tt_txn_set_str(t, &t->target, target, strlen(target));
	tt_http_set_status(t, status);
	t->req.seen = t->resp.seen = 1;
	t->req.ts_first = 1000000000;
	t->resp.ts_last = 1000000000 + dur_ns;
	t->req.wire_bytes = 10;
	t->resp.wire_bytes = 100;
	strcpy(t->comm, "curl");
	return t;
}

static char *run(enum tt_stats_by by, int json, void (*feed)(struct tt_sink *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct tt_sink *s = tt_sink_stats_new(f, by, json);
	cr_assert_not_null(s);
	cr_assert_eq(s->begin(s, NULL), 0);
	feed(s);
	cr_assert_eq(s->end(s), 0);
	s->free(s);
	fclose(f);
	return buf;
}

static void add(struct tt_sink *s, struct tt_txn *t)
{
	cr_assert_eq(s->txn(s, t, 0), 0);
	tt_txn_free(t);
}

/* 100 exchanges of 1..100 ms (every 10th a 500), fed in a scrambled order; 2000 of 10..20000 us
 * (past the 512 kept exactly). */
static void feed_known(struct tt_sink *s)
{
	char path[64];
	for (int i = 0; i < 100; i++) {
		int k = (i * 37) % 100 + 1; /* a permutation of 1..100 */
		snprintf(path, sizeof(path), "/api/users/%d?x=%d", 1000 + k, k);
		add(s, mk("GET", path, k % 10 == 0 ? 500 : 200, (uint64_t)k * 1000000));
	}
	for (int i = 0; i < 2000; i++) {
		int k = (i * 7919) % 2000 + 1;
		snprintf(path, sizeof(path), "/items/%08x-aaaa-bbbb-cccc-0123456789ab", k);
		add(s, mk("POST", path, 201, (uint64_t)k * 10000));
	}
}

static long field(const char *json_line, const char *name)
{
	char key[64];
	snprintf(key, sizeof(key), "\"%s\":", name);
	const char *p = strstr(json_line, key);
	cr_assert_not_null(p, "no %s in %s", name, json_line);
	return strtol(p + strlen(key), NULL, 10);
}

Test(stats, known_latencies)
{
	char *out = run(TT_STATS_ENDPOINT, 1, feed_known);
	char *l2 = strchr(out, '\n');
	cr_assert_not_null(l2);
	*l2++ = 0;
	/* sorted by count: the 2000 first */
	cr_assert(strstr(out, "\"key\":\"http/1.1 POST /items/{uuid}\""), "%s", out);
	cr_assert_eq(field(out, "count"), 2000);
	cr_assert_eq(field(out, "max_us"), 20000);
	/* past 512 durations: a histogram, within 1.6% */
	long p50 = field(out, "p50_us"), p90 = field(out, "p90_us"), p99 = field(out, "p99_us");
	cr_assert(p50 >= 9840 && p50 <= 10160, "p50 %ld", p50);
	cr_assert(p90 >= 17712 && p90 <= 18288, "p90 %ld", p90);
	cr_assert(p99 >= 19483 && p99 <= 20000, "p99 %ld", p99);
	/* exact below 512: nearest rank of 1..100 ms */
	cr_assert(strstr(l2, "\"key\":\"http/1.1 GET /api/users/{id}\""), "%s", l2);
	cr_assert_eq(field(l2, "count"), 100);
	cr_assert_eq(field(l2, "errors"), 10);
	cr_assert(strstr(l2, "\"error_rate\":0.1000"));
	cr_assert_eq(field(l2, "p50_us"), 50000);
	cr_assert_eq(field(l2, "p90_us"), 90000);
	cr_assert_eq(field(l2, "p99_us"), 99000);
	cr_assert_eq(field(l2, "max_us"), 100000);
	cr_assert_eq(field(l2, "req_bytes"), 1000);
	cr_assert_eq(field(l2, "resp_bytes"), 10000);
	free(out);
}

Test(stats, table_and_by)
{
	char *out = run(TT_STATS_STATUS, 0, feed_known);
	cr_assert(!strncmp(out, "STATUS ", 7), "%s", out);
	cr_assert(strstr(out, "\nhttp/1.1 201 "), "%s", out);
	cr_assert(strstr(out, "\nhttp/1.1 200 "), "%s", out);
	cr_assert(strstr(out, "\nhttp/1.1 500 "), "%s", out);
	char *l500 = strstr(out, "\nhttp/1.1 500 ");
	cr_assert(strstr(l500, " 100.0% "), "%s", l500);
	free(out);
}

Test(stats, fold)
{
	char b[256];
	tt_stats_fold("/api/users/42/orders/7?page=2", b, sizeof(b));
	cr_assert_str_eq(b, "/api/users/{id}/orders/{id}");
	tt_stats_fold("/o/3f2504e0-4f89-11d3-9a0c-0305e82c3301/x", b, sizeof(b));
	cr_assert_str_eq(b, "/o/{uuid}/x");
	tt_stats_fold("/blob/deadbeefdeadbeef00", b, sizeof(b));
	cr_assert_str_eq(b, "/blob/{hex}");
	tt_stats_fold("/t/AbCdEfGhIjKlMnOpQrStUv_9", b, sizeof(b));
	cr_assert_str_eq(b, "/t/{token}");
	tt_stats_fold("/v2/users", b, sizeof(b));
	cr_assert_str_eq(b, "/v2/users");
	tt_stats_fold("SELECT * FROM t WHERE id = 42 AND name = 'bob''s'", b, sizeof(b));
	cr_assert_str_eq(b, "SELECT * FROM t WHERE id = ? AND name = ?", "%s", b);
	tt_stats_fold("SET k 'a\\'b' \"x\" 3.5e2", b, sizeof(b));
	cr_assert_str_eq(b, "SET k ? ? ?", "%s", b);
	tt_stats_fold("GET user:42", b, sizeof(b));
	cr_assert_str_eq(b, "GET user:?");
	tt_stats_fold("", b, sizeof(b));
	cr_assert_str_eq(b, "");
	tt_stats_fold("/a/b", b, 3); /* cut, terminated */
	cr_assert_str_eq(b, "/a");
}

static void feed_cap(struct tt_sink *s)
{
	char path[64];
	for (int i = 0; i < 1200; i++) { /* more groups than kept */
		snprintf(path, sizeof(path), "/g%d", i);
		add(s, mk("GET", path, 200, 1000));
	}
}

Test(stats, group_cap)
{
	char *out = run(TT_STATS_ENDPOINT, 1, feed_cap);
	size_t lines = 0;
	for (char *p = out; *p; p++)
		lines += *p == '\n';
	cr_assert_eq(lines, 1001);
	char *other = strstr(out, "\"key\":\"(other)\"");
	cr_assert_not_null(other);
	cr_assert_eq(field(other, "count"), 200);
	free(out);
}
