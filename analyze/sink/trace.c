// SPDX-License-Identifier: MIT
#include "analyze/sink/trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/chains.h"
#include "analyze/map64.h"
#include "analyze/proto.h"
#include "analyze/wbuf.h"

#define MAX_SPANS 200000
#define BAR	  30
#define TEXT_MAX  160

struct tspan {
	uint64_t span, parent;
	uint8_t trace[16];
	uint64_t start, end;
	int64_t wall;
	char who[48]; /* [host/]comm */
	char side[4];
	char text[TEXT_MAX]; /* terminal-safe already */
	const char *rule;
	int matched;
	uint32_t first_child, next_sibling; /* index + 1, 0: none */
};

struct trace_sink {
	struct tt_sink s;
	struct tt_sink_trace_opts o;
	struct tt_output_opts out;
	struct tspan *v;
	size_t n, cap;
	uint64_t dropped;
	int marks; /* a filter chose spans: mark them */
};

static int ts_begin(struct tt_sink *s, const struct tt_file_info *fi)
{
	(void)s;
	(void)fi;
	return 0;
}

/* "GET /orders → 200 2 bytes (1.3ms)" (a protocol's tag first), escaped for a terminal */
static void describe(const struct tt_txn *t, char *out, size_t n)
{
	struct tt_wb w;
	struct tt_desc d;
	memset(&d, 0, sizeof(d));
	tt_proto_describe(t, &d);
	tt_wb_init(&w, NULL);
	if (t->pr && t->pr->tag) {
		tt_wb_s(&w, t->pr->tag);
		tt_wb_c(&w, ' ');
	}
	if (tt_proto_op_in_target(t)) {
		tt_wb_safe_s(&w, t->target); /* "SELECT 1", not "SELECT SELECT 1" */
	} else if (t->op) {
		tt_wb_safe_s(&w, t->op);
		if (t->target) {
			tt_wb_c(&w, ' ');
			tt_wb_safe_s(&w, t->target);
		}
	} else {
		tt_wb_lit(&w, "? ?");
	}
	tt_wb_lit(&w, " → ");
	if (d.len)
		tt_wb_safe(&w, d.text, d.len);
	else
		tt_wb_lit(&w, "(no response)");
	if (t->req.seen && t->resp.seen) {
		char dur[32];
		tt_output_duration(dur, sizeof(dur), tt_txn_duration_ns(t));
		tt_wb_lit(&w, " (");
		tt_wb_s(&w, dur);
		tt_wb_c(&w, ')');
	}
	const char *s = tt_wb_cstr(&w);
	size_t l = strlen(s);
	if (l >= n) { /* cut on a character boundary, with an ellipsis */
		l = n - 4;
		while (l && ((unsigned char)s[l] & 0xc0) == 0x80)
			l--;
		memcpy(out, s, l);
		memcpy(out + l, "…", 4);
		return;
	}
	memcpy(out, s, l + 1);
}

static int ts_txn(struct tt_sink *s, const struct tt_txn *t, int64_t wall_ns)
{
	struct trace_sink *ts = (struct trace_sink *)s;
	if (!t->span_id)
		return 0;
	if (ts->n == MAX_SPANS) {
		ts->dropped++;
		return 0;
	}
	if (ts->n == ts->cap) {
		size_t nc = ts->cap ? ts->cap * 2 : 1024;
		struct tspan *v = realloc(ts->v, nc * sizeof(*v));
		if (!v)
			return -ENOMEM;
		ts->v = v;
		ts->cap = nc;
	}
	struct tspan *p = &ts->v[ts->n++];
	memset(p, 0, sizeof(*p));
	p->span = t->span_id;
	p->parent = t->parent_span_id;
	memcpy(p->trace, t->trace_id, 16);
	p->start = tt_txn_start(t);
	p->end = t->resp.seen ? t->resp.ts_last : t->req.ts_last;
	if (p->end < p->start)
		p->end = p->start;
	p->wall = wall_ns;
	if (t->host)
		snprintf(p->who, sizeof(p->who), "%.24s/%s", t->host, t->comm);
	else
		snprintf(p->who, sizeof(p->who), "%s", t->comm);
	snprintf(p->side, sizeof(p->side), "%s", t->side == TT_SIDE_CLIENT   ? "cli"
						 : t->side == TT_SIDE_SERVER ? "srv"
									     : "?");
	describe(t, p->text, sizeof(p->text));
	p->rule = t->link_rule;
	p->matched = !ts->marks || tt_filter_match(ts->o.filter, t);
	return 0;
}

static int by_trace_start(const void *a, const void *b)
{
	const struct tspan *x = a, *y = b;
	int c = memcmp(x->trace, y->trace, 16);
	if (c)
		return c;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int by_first_start(const void *a, const void *b)
{
	const size_t *x = a, *y = b; /* [first, count, min start] triples */
	return x[2] < y[2] ? -1 : x[2] > y[2];
}

static void bar(struct tt_wb *w, uint64_t t0, uint64_t dur, uint64_t s, uint64_t e)
{
	size_t a = dur ? (size_t)((s - t0) * BAR / dur) : 0;
	size_t b = dur ? (size_t)((e - t0) * BAR / dur) : BAR;
	if (a >= BAR)
		a = BAR - 1;
	if (b <= a)
		b = a + 1;
	if (b > BAR)
		b = BAR;
	tt_wb_c(w, '|');
	for (size_t i = 0; i < BAR; i++)
		tt_wb_s(w, i >= a && i < b ? "█" : " ");
	tt_wb_c(w, '|');
}

/* One span and, below it, its children; prefix: the tree lines of the levels above. */
/* One span and, below it, its children; prefix: the tree lines of the levels above (pcols
 * columns). w NULL: only measure, the widest line's columns into *width. */
static void print_tree(struct trace_sink *ts, struct tt_wb *w, struct tspan *g, size_t k,
		       const char *prefix, size_t plen, size_t pcols, int last, int root,
		       uint64_t t0, uint64_t dur, int depth, size_t *width)
{
	struct tspan *p = &g[k];
	char who[64];
	snprintf(who, sizeof(who), "%s %s ", p->who, p->side);
	size_t cols = 2 + pcols + (root ? 0 : 2) + strlen(who);
	for (const char *c = p->text; *c; c++)
		cols += ((unsigned char)*c & 0xc0) != 0x80;
	if (!w) {
		if (cols > *width)
			*width = cols;
	} else {
		tt_wb_s(w, p->matched && ts->marks ? "* " : "  ");
		tt_wb_put(w, prefix, plen);
		if (!root)
			tt_wb_s(w, last ? "└ " : "├ ");
		tt_wb_s(w, who);
		tt_wb_s(w, p->text);
		for (; cols < *width; cols++) /* the bars in one column */
			tt_wb_c(w, ' ');
		tt_wb_lit(w, "  ");
		bar(w, t0, dur, p->start, p->end);
		if (p->rule) {
			tt_wb_c(w, ' ');
			tt_wb_s(w, p->rule);
		}
		tt_wb_c(w, '\n');
		tt_wb_flush(w);
	}
	if (depth >= 64)
		return; /* a cycle cannot happen (parents come first); a huge depth is cut */
	char np[512];
	size_t nl = plen, nc = pcols;
	memcpy(np, prefix, plen);
	if (!root && nl + 4 < sizeof(np)) {
		const char *seg = last ? "  " : "│ ";
		size_t sl = strlen(seg);
		memcpy(np + nl, seg, sl);
		nl += sl;
		nc += 2;
	}
	for (uint32_t c = p->first_child; c; c = g[c - 1].next_sibling)
		print_tree(ts, w, g, c - 1, np, nl, nc, g[c - 1].next_sibling == 0, 0, t0, dur,
			   depth + 1, width);
}

static void print_trace(struct trace_sink *ts, struct tt_wb *w, struct tspan *g, size_t n)
{
	char id[33], when[64];
	uint64_t t0 = g[0].start, t1 = 0;
	int64_t wall0 = g[0].wall;
	for (size_t i = 0; i < n; i++) {
		if (g[i].end > t1)
			t1 = g[i].end;
		g[i].first_child = g[i].next_sibling = 0;
	}
	/* children in start order (g is sorted by start): link each to its parent here */
	struct tt_map64 idx;
	tt_map64_init(&idx, 0);
	for (size_t i = 0; i < n; i++)
		tt_map64_put(&idx, g[i].span, i);
	uint32_t *last_child = calloc(n, sizeof(*last_child));
	size_t nroots = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t pi;
		if (g[i].parent && tt_map64_get(&idx, g[i].parent, &pi) && pi != i) {
			if (last_child && last_child[pi])
				g[last_child[pi] - 1].next_sibling = (uint32_t)i + 1;
			else
				g[pi].first_child = (uint32_t)i + 1;
			if (last_child)
				last_child[pi] = (uint32_t)i + 1;
		} else {
			nroots++;
		}
	}
	tt_chains_trace_hex(g[0].trace, id);
	tt_output_time(when, sizeof(when), wall0, ts->out.utc, 0);
	char dur[32];
	tt_output_duration(dur, sizeof(dur), t1 - t0);
	/* services: distinct names */
	size_t services = 0;
	for (size_t i = 0; i < n; i++) {
		size_t j;
		for (j = 0; j < i && strcmp(g[j].who, g[i].who); j++)
			;
		services += j == i;
	}
	tt_wb_printf(w, "trace %s  %s  %zu span%s, %zu service%s, %s\n", id, when, n,
		     n == 1 ? "" : "s", services, services == 1 ? "" : "s", dur);
	char prefix[8] = "";
	size_t width = 0;
	for (int pass = 0; pass < 2; pass++) {
		if (pass && width > 110)
			width = 110; /* very long lines push their bar further */
		for (size_t i = 0; i < n; i++) {
			uint64_t pi;
			if (g[i].parent && tt_map64_get(&idx, g[i].parent, &pi) && pi != i)
				continue;
			print_tree(ts, pass ? w : NULL, g, i, prefix, 0, 0, 1, 1, t0, t1 - t0, 0,
				   &width);
		}
	}
	tt_wb_c(w, '\n');
	free(last_child);
	tt_map64_free(&idx);
}

static int ts_end(struct tt_sink *s)
{
	struct trace_sink *ts = (struct trace_sink *)s;
	struct tt_wb w;
	tt_wb_init(&w, ts->o.f);
	if (ts->n) /* no spans: v may be NULL */
		qsort(ts->v, ts->n, sizeof(*ts->v), by_trace_start);
	/* traces: [first, count, start], in the order of their first span */
	size_t *tr = malloc((ts->n + 1) * 3 * sizeof(*tr)), nt = 0;
	if (!tr && ts->n)
		return -ENOMEM;
	for (size_t i = 0; i < ts->n;) {
		size_t j = i;
		int matched = 0;
		while (j < ts->n && !memcmp(ts->v[j].trace, ts->v[i].trace, 16))
			matched |= ts->v[j++].matched;
		char id[33];
		tt_chains_trace_hex(ts->v[i].trace, id);
		if (matched && (!ts->o.id || !strncasecmp(id, ts->o.id, strlen(ts->o.id)))) {
			tr[3 * nt] = i;
			tr[3 * nt + 1] = j - i;
			tr[3 * nt + 2] = ts->v[i].start;
			nt++;
		}
		i = j;
	}
	if (nt)
		qsort(tr, nt, 3 * sizeof(*tr), by_first_start);
	for (size_t k = 0; k < nt; k++)
		print_trace(ts, &w, ts->v + tr[3 * k], tr[3 * k + 1]);
	if (ts->dropped)
		tt_wb_printf(&w, "[%" PRIu64 " spans past the first %d were not kept]\n", ts->dropped,
			     MAX_SPANS);
	tt_wb_flush(&w);
	fflush(ts->o.f);
	free(tr);
	return 0;
}

static void ts_free(struct tt_sink *s)
{
	struct trace_sink *ts = (struct trace_sink *)s;
	free(ts->v);
	free(ts);
}

struct tt_sink *tt_sink_trace_new(const struct tt_sink_trace_opts *o)
{
	struct trace_sink *ts = calloc(1, sizeof(*ts));
	if (!ts)
		return NULL;
	ts->s = (struct tt_sink){ts_begin, ts_txn, ts_end, ts_free};
	ts->o = *o;
	if (o->out)
		ts->out = *o->out;
	ts->o.out = &ts->out;
	ts->marks = o->filter && !tt_filter_empty(o->filter);
	return &ts->s;
}
