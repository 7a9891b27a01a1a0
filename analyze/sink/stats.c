// SPDX-License-Identifier: MIT
#include "analyze/sink/stats.h"
#include "analyze/cgroups.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/output.h"
#include "analyze/proto.h"
#include "analyze/wbuf.h"

#define MAX_GROUPS 1000
#define EXACT_MAX  512
#define HIST_SUB   64 /* steps per power of two */
#define HIST_N	   (59 * HIST_SUB)
#define KEY_MAX	   256

struct group {
	char *key; /* owned */
	uint64_t hash;
	uint64_t count, errors, req_bytes, resp_bytes;
	uint64_t nd, max_ns; /* durations counted, the largest */
	uint64_t *exact;     /* owned: the first EXACT_MAX durations, NULL once hist is used */
	uint32_t nexact, exact_cap;
	uint32_t *hist; /* owned: HIST_N counters, or NULL */
};

struct stats_sink {
	struct tt_sink s;
	FILE *f;
	enum tt_stats_by by;
	int json;
	struct group **slots; /* open addressing by key hash */
	size_t nslots, n;
	struct group other; /* past MAX_GROUPS */
};

static const char *const by_names[] = {"endpoint", "comm", "host",	 "status",
				       "proto",	   "side", "container"};

int tt_stats_parse_by(const char *s, enum tt_stats_by *by)
{
	for (size_t i = 0; i < sizeof(by_names) / sizeof(by_names[0]); i++)
		if (!strcasecmp(s, by_names[i])) {
			*by = (enum tt_stats_by)i;
			return 0;
		}
	return -EINVAL;
}

/* --- folding ----------------------------------------------------------------------------------- */

static int all(const char *s, size_t n, int (*pred)(int))
{
	for (size_t i = 0; i < n; i++)
		if (!pred((unsigned char)s[i]))
			return 0;
	return n > 0;
}

static int is_uuid(const char *s, size_t n)
{
	static const int dash[] = {8, 13, 18, 23};
	if (n != 36)
		return 0;
	for (size_t i = 0, d = 0; i < n; i++) {
		if (d < 4 && i == (size_t)dash[d]) {
			if (s[i] != '-')
				return 0;
			d++;
		} else if (!isxdigit((unsigned char)s[i])) {
			return 0;
		}
	}
	return 1;
}

static int is_token_char(int c)
{
	return isalnum(c) || c == '_' || c == '-';
}

static const char *fold_segment(const char *s, size_t n)
{
	if (all(s, n, isdigit))
		return "{id}";
	if (is_uuid(s, n))
		return "{uuid}";
	if (n >= 16 && all(s, n, isxdigit))
		return "{hex}";
	if (n >= 24 && all(s, n, is_token_char))
		for (size_t i = 0; i < n; i++)
			if (isdigit((unsigned char)s[i]))
				return "{token}";
	return NULL;
}

static void put(char *out, size_t n, size_t *o, const char *s, size_t l)
{
	if (*o + l > n - 1)
		l = n - 1 > *o ? n - 1 - *o : 0;
	memcpy(out + *o, s, l);
	*o += l;
}

size_t tt_stats_fold(const char *t, char *out, size_t n)
{
	size_t o = 0;
	if (!n)
		return 0;
	if (!t)
		t = "";
	if (t[0] == '/') {
		size_t end = strcspn(t, "?#");
		for (size_t i = 0; i < end;) {
			size_t j = i + 1;
			while (j < end && t[j] != '/')
				j++;
			const char *f = fold_segment(t + i + 1, j - i - 1);
			put(out, n, &o, "/", 1);
			if (f)
				put(out, n, &o, f, strlen(f));
			else
				put(out, n, &o, t + i + 1, j - i - 1);
			i = j;
		}
	} else {
		for (size_t i = 0; t[i];) {
			unsigned char c = (unsigned char)t[i];
			int word_start = i == 0 || !is_token_char((unsigned char)t[i - 1]);
			if (c == '\'' || c == '"') { /* a quoted string: ? */
				size_t j = i + 1; /* to the closing quote ('' and \' inside) */
				while (t[j] && (t[j] != (char)c || t[j + 1] == (char)c))
					j += (t[j] == '\\' || t[j] == (char)c) && t[j + 1] ? 2 : 1;
				put(out, n, &o, "?", 1);
				i = t[j] ? j + 1 : j;
			} else if (isdigit(c) && word_start) { /* a number: ? */
				size_t j = i;
				while (isalnum((unsigned char)t[j]) || t[j] == '.')
					j++;
				put(out, n, &o, "?", 1);
				i = j;
			} else {
				put(out, n, &o, t + i, 1);
				i++;
			}
		}
	}
	out[o] = 0;
	return o;
}

/* --- groups ------------------------------------------------------------------------------------ */

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static size_t hist_index(uint64_t v)
{
	if (v < HIST_SUB)
		return (size_t)v;
	int e = 63 - __builtin_clzll(v); /* >= 6 */
	size_t m = (size_t)(v >> (e - 6)) & (HIST_SUB - 1);
	return (size_t)(e - 5) * HIST_SUB + m;
}

static uint64_t hist_value(size_t i)
{
	if (i < HIST_SUB)
		return i;
	int e = (int)(i / HIST_SUB) + 5;
	uint64_t lo = (uint64_t)(HIST_SUB + i % HIST_SUB) << (e - 6);
	return lo + ((1ull << (e - 6)) >> 1); /* the middle of the step */
}

static void add_duration(struct group *g, uint64_t ns)
{
	g->nd++;
	if (ns > g->max_ns)
		g->max_ns = ns;
	if (!g->hist) {
		if (g->nexact < EXACT_MAX) {
			if (g->nexact == g->exact_cap) {
				uint32_t nc = g->exact_cap ? g->exact_cap * 2 : 16;
				uint64_t *x = realloc(g->exact, nc * sizeof(*x));
				if (x) {
					g->exact = x;
					g->exact_cap = nc;
				}
			}
			if (g->nexact < g->exact_cap) {
				g->exact[g->nexact++] = ns;
				return;
			}
		}
		g->hist = calloc(HIST_N, sizeof(*g->hist));
		if (!g->hist) {
			g->nd--; /* no room to keep it: not counted in percentiles */
			return;
		}
		for (uint32_t i = 0; i < g->nexact; i++)
			g->hist[hist_index(g->exact[i])]++;
		free(g->exact);
		g->exact = NULL;
		g->nexact = g->exact_cap = 0;
	}
	g->hist[hist_index(ns)]++;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest value with at least p% of the durations at or below it. */
static uint64_t percentile(const struct group *g, double p)
{
	if (!g->nd)
		return 0;
	uint64_t rank = (uint64_t)(p / 100.0 * (double)g->nd + 0.999999999);
	if (rank < 1)
		rank = 1;
	if (rank > g->nd)
		rank = g->nd;
	if (!g->hist)
		return g->exact[rank - 1]; /* sorted before the report */
	uint64_t seen = 0;
	for (size_t i = 0; i < HIST_N; i++) {
		seen += g->hist[i];
		if (seen >= rank) {
			uint64_t v = hist_value(i);
			return v > g->max_ns ? g->max_ns : v;
		}
	}
	return g->max_ns;
}

static struct group *group_get(struct stats_sink *ss, const char *key)
{
	uint64_t h = str_hash(key);
	if ((ss->n + 1) * 2 > ss->nslots) {
		size_t nn = ss->nslots ? ss->nslots * 2 : 64;
		struct group **ns = calloc(nn, sizeof(*ns));
		if (!ns)
			return &ss->other;
		for (size_t i = 0; i < ss->nslots; i++)
			if (ss->slots[i]) {
				size_t j = ss->slots[i]->hash & (nn - 1);
				while (ns[j])
					j = (j + 1) & (nn - 1);
				ns[j] = ss->slots[i];
			}
		free(ss->slots);
		ss->slots = ns;
		ss->nslots = nn;
	}
	size_t j = h & (ss->nslots - 1);
	for (; ss->slots[j]; j = (j + 1) & (ss->nslots - 1))
		if (ss->slots[j]->hash == h && !strcmp(ss->slots[j]->key, key))
			return ss->slots[j];
	if (ss->n >= MAX_GROUPS)
		return &ss->other;
	struct group *g = calloc(1, sizeof(*g));
	if (!g || !(g->key = strdup(key))) {
		free(g);
		return &ss->other;
	}
	g->hash = h;
	ss->slots[j] = g;
	ss->n++;
	return g;
}

/* The group a txn counts in. */
static void key_of(const struct stats_sink *ss, const struct tt_txn *t, char *k, size_t n)
{
	const char *pname = t->pr ? t->pr->name : "?";
	struct tt_val v = {0};
	const struct tt_field *f;
	char addr[200];
	switch (ss->by) {
	case TT_STATS_ENDPOINT: {
		char folded[KEY_MAX];
		tt_stats_fold(t->target, folded, sizeof(folded));
		snprintf(k, n, "%s %s %s", pname, t->op ? t->op : "?", folded);
		break;
	}
	case TT_STATS_COMM:
		snprintf(k, n, "%s", t->comm);
		break;
	case TT_STATS_CONTAINER: /* the container or unit, as the line names it; "-": neither */
		snprintf(k, n, "%s", t->cg && t->cg->label ? t->cg->label : "-");
		break;
	case TT_STATS_HOST:
		f = tt_proto_field(t->pr, "host");
		if (f && f->get && f->get(t, &v)) {
			snprintf(k, n, "%s", v.s);
		} else { /* the server's address */
			tt_output_addr(addr, sizeof(addr),
				       t->side == TT_SIDE_SERVER ? &t->local : &t->remote,
				       t->unix_path);
			snprintf(k, n, "%s", addr);
		}
		break;
	case TT_STATS_STATUS:
		f = tt_proto_field(t->pr, "status");
		if (f && f->get && f->get(t, &v))
			snprintf(k, n, "%s %" PRId64, pname, v.i);
		else
			snprintf(k, n, "%s %s", pname, tt_outcome_name(t->outcome));
		break;
	case TT_STATS_PROTO:
		snprintf(k, n, "%s", pname);
		break;
	case TT_STATS_SIDE:
		snprintf(k, n, "%s", t->side == TT_SIDE_CLIENT   ? "client"
				     : t->side == TT_SIDE_SERVER ? "server"
								 : "unknown");
		break;
	}
}

static int st_begin(struct tt_sink *s, const struct tt_file_info *fi)
{
	(void)s;
	(void)fi;
	return 0;
}

static int st_txn(struct tt_sink *s, const struct tt_txn *t, int64_t wall_ns)
{
	(void)wall_ns;
	struct stats_sink *ss = (struct stats_sink *)s;
	char key[KEY_MAX + 64];
	key_of(ss, t, key, sizeof(key));
	struct group *g = group_get(ss, key);
	g->count++;
	g->errors += t->outcome == TT_OUTCOME_ERROR;
	g->req_bytes += t->req.wire_bytes;
	g->resp_bytes += t->resp.wire_bytes;
	if (t->req.seen && t->resp.seen)
		add_duration(g, tt_txn_duration_ns(t));
	return 0;
}

static int by_count(const void *a, const void *b)
{
	const struct group *x = *(struct group *const *)a, *y = *(struct group *const *)b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->key, y->key);
}

static void human_bytes(char *b, size_t n, uint64_t v)
{
	if (v < 1024)
		snprintf(b, n, "%" PRIu64 " B", v);
	else if (v < 1024 * 1024)
		snprintf(b, n, "%.1f KiB", (double)v / 1024);
	else if (v < 1024ull * 1024 * 1024)
		snprintf(b, n, "%.1f MiB", (double)v / (1024 * 1024));
	else
		snprintf(b, n, "%.1f GiB", (double)v / (1024.0 * 1024 * 1024));
}

static void dur(char *b, size_t n, const struct group *g, uint64_t ns)
{
	if (!g->nd)
		snprintf(b, n, "-");
	else
		tt_output_duration(b, n, ns);
}

/* Terminal-safe copy of a key (it holds wire bytes), cut at w columns with "…". */
static void safe_key(struct tt_wb *w, const char *k, size_t width)
{
	struct tt_wb m;
	tt_wb_init(&m, NULL);
	tt_wb_safe_s(&m, k);
	const char *s = tt_wb_cstr(&m);
	size_t l = strlen(s);
	if (l > width) {
		tt_wb_put(w, s, width - 1);
		tt_wb_s(w, "…");
		return;
	}
	tt_wb_put(w, s, l);
	for (; l < width; l++)
		tt_wb_c(w, ' ');
}

static void report_table(struct stats_sink *ss, struct group **rows, size_t n)
{
	struct tt_wb w;
	tt_wb_init(&w, ss->f);
	size_t kw = 8;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(rows[i]->key);
		if (l > kw)
			kw = l;
	}
	if (kw > 64)
		kw = 64;
	char head[32];
	snprintf(head, sizeof(head), "%s", by_names[ss->by]);
	for (char *c = head; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	safe_key(&w, head, kw);
	tt_wb_printf(&w, " %8s %7s %6s %9s %9s %9s %9s %10s %10s\n", "COUNT", "ERRORS", "ERR%",
		     "P50", "P90", "P99", "MAX", "REQ", "RESP");
	for (size_t i = 0; i < n; i++) {
		const struct group *g = rows[i];
		char p50[32], p90[32], p99[32], mx[32], rq[32], rs[32];
		dur(p50, sizeof(p50), g, percentile(g, 50));
		dur(p90, sizeof(p90), g, percentile(g, 90));
		dur(p99, sizeof(p99), g, percentile(g, 99));
		dur(mx, sizeof(mx), g, g->max_ns);
		human_bytes(rq, sizeof(rq), g->req_bytes);
		human_bytes(rs, sizeof(rs), g->resp_bytes);
		safe_key(&w, g->key, kw);
		tt_wb_printf(&w, " %8" PRIu64 " %7" PRIu64 " %5.1f%% %9s %9s %9s %9s %10s %10s\n",
			     g->count, g->errors,
			     g->count ? 100.0 * (double)g->errors / (double)g->count : 0.0, p50,
			     p90, p99, mx, rq, rs);
		tt_wb_flush(&w);
	}
	tt_wb_flush(&w);
}

static void json_dur(struct tt_wb *w, const char *name, const struct group *g, uint64_t ns)
{
	tt_wb_printf(w, ",\"%s\":", name);
	if (g->nd)
		tt_wb_u64(w, ns / 1000);
	else
		tt_wb_lit(w, "null");
}

static void report_json(struct stats_sink *ss, struct group **rows, size_t n)
{
	struct tt_wb w;
	tt_wb_init(&w, ss->f);
	for (size_t i = 0; i < n; i++) {
		const struct group *g = rows[i];
		tt_wb_printf(&w, "{\"by\":\"%s\",\"key\":", by_names[ss->by]);
		tt_wb_json_cstr(&w, g->key);
		tt_wb_lit(&w, ",\"count\":");
		tt_wb_u64(&w, g->count);
		tt_wb_lit(&w, ",\"errors\":");
		tt_wb_u64(&w, g->errors);
		tt_wb_printf(&w, ",\"error_rate\":%.4f",
			     g->count ? (double)g->errors / (double)g->count : 0.0);
		tt_wb_lit(&w, ",\"durations\":");
		tt_wb_u64(&w, g->nd);
		json_dur(&w, "p50_us", g, percentile(g, 50));
		json_dur(&w, "p90_us", g, percentile(g, 90));
		json_dur(&w, "p99_us", g, percentile(g, 99));
		json_dur(&w, "max_us", g, g->max_ns);
		tt_wb_lit(&w, ",\"req_bytes\":");
		tt_wb_u64(&w, g->req_bytes);
		tt_wb_lit(&w, ",\"resp_bytes\":");
		tt_wb_u64(&w, g->resp_bytes);
		tt_wb_lit(&w, "}\n");
		tt_wb_flush(&w);
	}
}

static int st_end(struct tt_sink *s)
{
	struct stats_sink *ss = (struct stats_sink *)s;
	struct group **rows = malloc((ss->n + 1) * sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < ss->nslots; i++)
		if (ss->slots[i])
			rows[n++] = ss->slots[i];
	for (size_t i = 0; i < n; i++)
		if (!rows[i]->hist && rows[i]->nexact)
			qsort(rows[i]->exact, rows[i]->nexact, sizeof(uint64_t), cmp_u64);
	qsort(rows, n, sizeof(*rows), by_count);
	if (ss->other.count) { /* past the group cap: last, whatever its count */
		if (ss->other.exact)
			qsort(ss->other.exact, ss->other.nexact, sizeof(uint64_t), cmp_u64);
		rows[n++] = &ss->other;
	}
	if (ss->json)
		report_json(ss, rows, n);
	else
		report_table(ss, rows, n);
	free(rows);
	fflush(ss->f);
	return 0;
}

static void group_free(struct group *g)
{
	free(g->key);
	free(g->exact);
	free(g->hist);
}

static void st_free(struct tt_sink *s)
{
	struct stats_sink *ss = (struct stats_sink *)s;
	for (size_t i = 0; i < ss->nslots; i++)
		if (ss->slots[i]) {
			group_free(ss->slots[i]);
			free(ss->slots[i]);
		}
	free(ss->slots);
	ss->other.key = NULL; /* static */
	group_free(&ss->other);
	free(ss);
}

struct tt_sink *tt_sink_stats_new(FILE *f, enum tt_stats_by by, int json)
{
	struct stats_sink *ss = calloc(1, sizeof(*ss));
	if (!ss)
		return NULL;
	ss->s = (struct tt_sink){st_begin, st_txn, st_end, st_free};
	ss->f = f;
	ss->by = by;
	ss->json = json;
	static char other_key[] = "(other)";
	ss->other.key = other_key;
	return &ss->s;
}
