// SPDX-License-Identifier: MIT
#include "analyze/sink/otlp.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/chains.h"
#include "analyze/output.h"
#include "analyze/proto.h"
#include "analyze/proto/http.h"
#include "analyze/sink/stats.h"
#include "analyze/wbuf.h"

#define BATCH	     1000
#define MAX_SERVICES 256 /* per batch: past it, the batch goes out early */

/* A growable text owned by the batch. */
struct text {
	char *p;
	size_t len, cap;
};

struct service {
	char name[17];
	char host[256]; /* recordings merged: the source's host; else the recording's */
	struct text spans; /* ",{...}" per span */
	size_t n;
};

struct otlp_sink {
	struct tt_sink s;
	FILE *f;
	char host[256];
	struct service sv[MAX_SERVICES];
	size_t nsv, nspans;
	int oom;
	FILE *mem; /* open_memstream over mbuf: one span's text */
	char *mbuf;
	size_t mlen;
};

static void text_put(struct otlp_sink *os, struct text *t, const char *s, size_t n)
{
	if (t->len + n > t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 4096;
		while (nc < t->len + n)
			nc *= 2;
		char *p = realloc(t->p, nc);
		if (!p) {
			os->oom = 1;
			return;
		}
		t->p = p;
		t->cap = nc;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
}

static void attr_str(struct tt_wb *w, int *first, const char *k, const char *v, size_t n)
{
	tt_wb_s(w, *first ? "{\"key\":\"" : ",{\"key\":\"");
	*first = 0;
	tt_wb_s(w, k);
	tt_wb_lit(w, "\",\"value\":{\"stringValue\":");
	tt_wb_json_str(w, v, n);
	tt_wb_lit(w, "}}");
}

static void attr_cstr(struct tt_wb *w, int *first, const char *k, const char *v)
{
	if (v)
		attr_str(w, first, k, v, strlen(v));
}

static void attr_int(struct tt_wb *w, int *first, const char *k, int64_t v)
{
	tt_wb_s(w, *first ? "{\"key\":\"" : ",{\"key\":\"");
	*first = 0;
	tt_wb_s(w, k);
	tt_wb_lit(w, "\",\"value\":{\"intValue\":\"");
	tt_wb_int(w, v);
	tt_wb_lit(w, "\"}}");
}

/* The database a protocol speaks, by the semantic conventions' names; NULL: not a database. */
static const char *db_system(const struct tt_proto *p)
{
	static const char *const dbs[] = {"redis", "postgresql", "mysql"};
	for (size_t i = 0; p && i < sizeof(dbs) / sizeof(dbs[0]); i++)
		if (!strcmp(p->name, dbs[i]))
			return dbs[i];
	return NULL;
}

static void span_json(struct tt_wb *w, const struct tt_txn *t, int64_t wall_ns)
{
	char tid[33], sid[17], folded[256], num[24];
	tt_chains_trace_hex(t->trace_id, tid);
	tt_chains_span_hex(t->span_id, sid);
	tt_wb_lit(w, ",{\"traceId\":\"");
	tt_wb_put(w, tid, 32);
	tt_wb_lit(w, "\",\"spanId\":\"");
	tt_wb_put(w, sid, 16);
	tt_wb_lit(w, "\",\"parentSpanId\":\"");
	if (t->parent_span_id) {
		tt_chains_span_hex(t->parent_span_id, sid);
		tt_wb_put(w, sid, 16);
	}
	/* a low-cardinality name: the operation and the target with its ids folded */
	tt_stats_fold(t->target, folded, sizeof(folded));
	struct tt_wb nm;
	tt_wb_init(&nm, NULL);
	tt_wb_s(&nm, t->op ? t->op : t->pr ? t->pr->name : "?");
	if (folded[0]) {
		tt_wb_c(&nm, ' ');
		tt_wb_s(&nm, folded);
	}
	tt_wb_lit(w, "\",\"name\":");
	tt_wb_json_cstr(w, tt_wb_cstr(&nm));
	tt_wb_printf(w, ",\"kind\":%d", t->side == TT_SIDE_CLIENT   ? 3
					: t->side == TT_SIDE_SERVER ? 2
								    : 1);
	uint64_t start = wall_ns < 0 ? 0 : (uint64_t)wall_ns;
	uint64_t end = start + (t->req.seen && t->resp.seen ? tt_txn_duration_ns(t) : 0);
	snprintf(num, sizeof(num), "%" PRIu64, start);
	tt_wb_printf(w, ",\"startTimeUnixNano\":\"%s\"", num);
	snprintf(num, sizeof(num), "%" PRIu64, end);
	tt_wb_printf(w, ",\"endTimeUnixNano\":\"%s\",\"attributes\":[", num);
	int first = 1;
	const struct tt_http *h = tt_http_of(t);
	const char *db = db_system(t->pr);
	if (h) {
		attr_cstr(w, &first, "http.request.method", t->op);
		if (t->target)
			attr_str(w, &first, "url.path", t->target, strcspn(t->target, "?#"));
		if (h->status)
			attr_int(w, &first, "http.response.status_code", h->status);
		if (h->authority) {
			size_t hl = strcspn(h->authority, ":");
			attr_str(w, &first, "server.address", h->authority, hl);
			if (t->side == TT_SIDE_CLIENT && t->target) {
				struct tt_wb u;
				tt_wb_init(&u, NULL);
				tt_wb_lit(&u, "http://");
				tt_wb_s(&u, h->authority);
				tt_wb_s(&u, t->target);
				attr_cstr(w, &first, "url.full", tt_wb_cstr(&u));
			}
		}
	} else if (db) {
		attr_cstr(w, &first, "db.system.name", db);
		attr_cstr(w, &first, "db.operation.name", t->op);
		attr_cstr(w, &first, "db.query.text", t->target);
	}
	const struct tt_addr *srv = t->side == TT_SIDE_SERVER ? &t->local : &t->remote;
	if (srv->family == TT_AF_INET || srv->family == TT_AF_INET6)
		attr_int(w, &first, "server.port", srv->port);
	attr_cstr(w, &first, "tinytap.proto", t->pr ? t->pr->name : NULL);
	attr_int(w, &first, "tinytap.pid", t->pid);
	attr_int(w, &first, "tinytap.tid", t->tid);
	attr_int(w, &first, "tinytap.sock_id", (int64_t)t->sock_id);
	attr_cstr(w, &first, "tinytap.link_rule", t->link_rule);
	const char *why = tt_txn_incomplete(t);
	attr_cstr(w, &first, "tinytap.incomplete", why);
	tt_wb_c(w, ']');
	if (t->outcome == TT_OUTCOME_ERROR)
		tt_wb_lit(w, ",\"status\":{\"code\":2}");
	else
		tt_wb_lit(w, ",\"status\":{}");
	tt_wb_c(w, '}');
}

static void flush_batch(struct otlp_sink *os)
{
	if (!os->nspans)
		return;
	fputs("{\"resourceSpans\":[", os->f);
	for (size_t i = 0; i < os->nsv; i++) {
		struct service *sv = &os->sv[i];
		struct tt_wb w;
		tt_wb_init(&w, os->f);
		if (i)
			tt_wb_c(&w, ',');
		tt_wb_lit(&w, "{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
			      "\"value\":{\"stringValue\":");
		tt_wb_json_cstr(&w, sv->name);
		tt_wb_lit(&w, "}}");
		if (sv->host[0]) {
			tt_wb_lit(&w, ",{\"key\":\"host.name\",\"value\":{\"stringValue\":");
			tt_wb_json_cstr(&w, sv->host);
			tt_wb_lit(&w, "}}");
		}
		tt_wb_lit(&w, "]},\"scopeSpans\":[{\"scope\":{\"name\":\"tinytap\",\"version\":\"" TT_VERSION
			      "\"},\"spans\":[");
		tt_wb_flush(&w);
		fwrite(sv->spans.p + 1, 1, sv->spans.len - 1, os->f); /* without the first ',' */
		fputs("]}]}", os->f);
		sv->spans.len = 0;
		sv->n = 0;
	}
	fputs("]}\n", os->f);
	os->nsv = 0;
	os->nspans = 0;
}

static int ot_begin(struct tt_sink *s, const struct tt_file_info *fi)
{
	struct otlp_sink *os = (struct otlp_sink *)s;
	if (fi)
		snprintf(os->host, sizeof(os->host), "%s", fi->hostname);
	return 0;
}

static int ot_txn(struct tt_sink *s, const struct tt_txn *t, int64_t wall_ns)
{
	struct otlp_sink *os = (struct otlp_sink *)s;
	if (!t->span_id)
		return 0;
	size_t i;
	const char *host = t->host ? t->host : os->host;
	for (i = 0; i < os->nsv && (strcmp(os->sv[i].name, t->comm) || strcmp(os->sv[i].host, host));
	     i++)
		;
	if (i == MAX_SERVICES) {
		flush_batch(os);
		i = 0;
	}
	if (i == os->nsv) {
		snprintf(os->sv[i].name, sizeof(os->sv[i].name), "%s", t->comm);
		snprintf(os->sv[i].host, sizeof(os->sv[i].host), "%s", host);
		os->nsv++;
	}
	struct tt_wb w; /* through a memory stream: a span of any size */
	if (fseek(os->mem, 0, SEEK_SET) < 0)
		return -EIO;
	tt_wb_init(&w, os->mem);
	span_json(&w, t, wall_ns);
	tt_wb_flush(&w);
	if (fflush(os->mem))
		return -ENOMEM;
	text_put(os, &os->sv[i].spans, os->mbuf, os->mlen);
	os->sv[i].n++;
	if (++os->nspans == BATCH)
		flush_batch(os);
	return os->oom ? -ENOMEM : 0;
}

static int ot_end(struct tt_sink *s)
{
	struct otlp_sink *os = (struct otlp_sink *)s;
	flush_batch(os);
	fflush(os->f);
	return 0;
}

static void ot_free(struct tt_sink *s)
{
	struct otlp_sink *os = (struct otlp_sink *)s;
	for (size_t i = 0; i < MAX_SERVICES; i++)
		free(os->sv[i].spans.p);
	if (os->mem)
		fclose(os->mem);
	free(os->mbuf);
	free(os);
}

struct tt_sink *tt_sink_otlp_new(FILE *f)
{
	struct otlp_sink *os = calloc(1, sizeof(*os));
	if (!os)
		return NULL;
	os->s = (struct tt_sink){ot_begin, ot_txn, ot_end, ot_free};
	os->f = f;
	if (!(os->mem = open_memstream(&os->mbuf, &os->mlen))) {
		free(os);
		return NULL;
	}
	return &os->s;
}
