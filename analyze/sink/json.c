// SPDX-License-Identifier: MIT
#include "analyze/sink/json.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "analyze/chains.h"
#include "analyze/cgroups.h"
#include "analyze/proto.h"

static void json_headers(struct tt_wb *w, const struct tt_msg *m)
{
	tt_wb_c(w, '{');
	/* names of different lengths differ: strcasecmp() only on equal ones */
	size_t nl[TT_TXN_MAX_HEADERS];
	uint32_t nh = m->n_headers < TT_TXN_MAX_HEADERS ? m->n_headers : TT_TXN_MAX_HEADERS;
	for (uint32_t i = 0; i < nh; i++)
		nl[i] = strlen(m->headers[i].name);
#define SAME_NAME(a, b) (nl[a] == nl[b] && !strcasecmp(m->headers[a].name, m->headers[b].name))
	for (uint32_t i = 0; i < nh; i++) {
		/* a repeated name keeps its first place; values are joined with ", " */
		int seen = 0;
		for (uint32_t j = 0; j < i && !seen; j++)
			seen = SAME_NAME(j, i);
		if (seen)
			continue;
		if (i)
			tt_wb_c(w, ',');
		tt_wb_json_str(w, m->headers[i].name, nl[i]);
		tt_wb_c(w, ':');
		tt_wb_c(w, '"');
		size_t written = 0;
		for (uint32_t j = i; j < nh; j++)
			if (j == i || SAME_NAME(j, i)) {
				size_t l = strlen(m->headers[j].value);
				if (written) {
					tt_wb_lit(w, ", ");
					written += 2;
				}
				tt_wb_json_esc(w, m->headers[j].value, l);
				written += l;
			}
		tt_wb_c(w, '"');
	}
#undef SAME_NAME
	tt_wb_c(w, '}');
}

/* What the recording says of the process's cgroup; each key absent when unknown. */
static void json_cgroup(struct tt_wb *w, const struct tt_cginfo *c)
{
	static const struct {
		const char *key; /* ,"name": */
		size_t off;
	} keys[] = {
	    {",\"container\":", offsetof(struct tt_cginfo, container)},
	    {",\"container_id\":", offsetof(struct tt_cginfo, container_id)},
	    {",\"image\":", offsetof(struct tt_cginfo, image)},
	    {",\"compose_project\":", offsetof(struct tt_cginfo, compose_project)},
	    {",\"compose_service\":", offsetof(struct tt_cginfo, compose_service)},
	    {",\"pod\":", offsetof(struct tt_cginfo, pod)},
	    {",\"namespace\":", offsetof(struct tt_cginfo, namespace_)},
	    {",\"unit\":", offsetof(struct tt_cginfo, unit)},
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = *(const char *const *)((const char *)c + keys[i].off);
		if (!v)
			continue;
		tt_wb_s(w, keys[i].key);
		tt_wb_json_cstr(w, v);
	}
}

static const char *side_name(enum tt_side s)
{
	return s == TT_SIDE_CLIENT ? "client" : s == TT_SIDE_SERVER ? "server" : "unknown";
}

/* What a protocol's fields look like in JSON, worked out once per protocol: the fields of each
 * place with their keys (`,"name":`) ready to copy. */
#define PLAN_MAX 48
struct plan {
	const struct tt_proto *pr;
	size_t n[2];
	struct {
		const struct tt_field *f;
		char key[48];
		size_t klen;
	} e[2][PLAN_MAX];
};

static const struct plan *plan_of(const struct tt_proto *p)
{
	static _Thread_local struct plan plans[TT_PROTO_MAX];
	static _Thread_local const struct plan *last;
	if (last && last->pr == p)
		return last;
	for (size_t i = 0; i < TT_PROTO_MAX; i++) {
		struct plan *pl = &plans[i];
		if (pl->pr == p)
			return last = pl;
		if (pl->pr)
			continue;
		pl->pr = p;
		for (size_t k = 0; k < p->nfields; k++) {
			const struct tt_field *f = &p->fields[k];
			int place = f->place == TT_FJ_TAIL;
			if (f->absent == TT_FJ_NONE || pl->n[place] == PLAN_MAX)
				continue;
			size_t j = pl->n[place]++;
			int kl = snprintf(pl->e[place][j].key, sizeof(pl->e[place][j].key), ",\"%s\":",
					  f->name);
			pl->e[place][j].f = f;
			pl->e[place][j].klen = kl > 0 && (size_t)kl < sizeof(pl->e[place][j].key)
						   ? (size_t)kl
						   : sizeof(pl->e[place][j].key) - 1;
		}
		return last = pl;
	}
	return NULL; /* more protocols than the table holds: never */
}

/* The protocol's declared fields that go at place. */
static void proto_fields(struct tt_wb *w, const struct tt_txn *t, int place)
{
	const struct plan *pl = t->pr ? plan_of(t->pr) : NULL;
	for (size_t i = 0; pl && i < pl->n[place]; i++) {
		const struct tt_field *f = pl->e[place][i].f;
		struct tt_val v;
		int have = f->get ? f->get(t, &v) : 1;
		if (!have && f->absent == TT_FJ_OMIT)
			continue;
		tt_wb_put(w, pl->e[place][i].key, pl->e[place][i].klen);
		if (!have) {
			tt_wb_lit(w, "null");
			continue;
		}
		switch (f->type) {
		case TT_FT_STR:
			tt_wb_json_str(w, v.s, v.len);
			break;
		case TT_FT_INT:
			tt_wb_int(w, v.i);
			break;
		case TT_FT_BOOL:
			if (v.i)
				tt_wb_lit(w, "true");
			else
				tt_wb_lit(w, "false");
			break;
		case TT_FT_RAW:
			if (f->json)
				f->json(t, w);
			else
				tt_wb_lit(w, "null");
			break;
		}
	}
}

static void body(struct tt_wb *w, const struct tt_output_opts *o, const struct tt_msg *m,
		 const char *name)
{
	const uint8_t *p;
	size_t n;
	uint8_t *alloc;
	int decoded, dtrunc;
	tt_output_body_view(m, o->body_show * 4, o->redact, &p, &n, &alloc, &decoded, &dtrunc);
	if (n > o->body_show)
		n = o->body_show;
	if (tt_output_is_utf8(p, n)) {
		tt_wb_printf(w, ",\"%s_body\":", name);
		tt_wb_json_str(w, (const char *)p, n);
	} else {
		tt_wb_printf(w, ",\"%s_body_b64\":", name);
		tt_wb_json_b64(w, p, n);
	}
	tt_wb_printf(w, ",\"%s_body_truncated\":%s", name,
		     (n < (decoded ? n : m->body_bytes) || m->body_truncated || m->body_holes)
			 ? "true"
			 : "false");
	free(alloc);
}

void tt_json_write(struct tt_wb *w, const struct tt_output_opts *o, const struct tt_txn *t,
		   int64_t wall_ns)
{
	char ts[72], la[200], ra[200];
	tt_output_second(ts, (time_t)(wall_ns / 1000000000), 1, 1);
	tt_output_addr(la, sizeof(la), &t->local, t->unix_path);
	tt_output_addr(ra, sizeof(ra), &t->remote, t->unix_path);
	tt_wb_lit(w, "{\"ts\":\"");
	tt_wb_s(w, ts);
	int64_t us = (wall_ns % 1000000000) / 1000;
	if (us >= 0) {
		char f[8] = {'.'};
		for (int i = 6; i >= 1; i--, us /= 10)
			f[i] = (char)('0' + us % 10);
		f[7] = 'Z';
		tt_wb_put(w, f, 8);
	} else {
		tt_wb_printf(w, ".%06" PRId64 "Z", us);
	}
	tt_wb_lit(w, "\",\"proto\":");
	tt_wb_json_cstr(w, t->pr ? t->pr->name : NULL);
	tt_wb_lit(w, ",\"op\":");
	tt_wb_json_cstr(w, t->op);
	tt_wb_lit(w, ",\"target\":");
	tt_wb_json_cstr(w, t->target);
	tt_wb_lit(w, ",\"outcome\":\"");
	tt_wb_s(w, tt_outcome_name(t->outcome));
	tt_wb_lit(w, "\",\"side\":\"");
	tt_wb_s(w, side_name(t->side));
	tt_wb_lit(w, "\",\"pid\":");
	tt_wb_u64(w, t->pid);
	tt_wb_lit(w, ",\"tid\":");
	tt_wb_u64(w, t->tid);
	tt_wb_lit(w, ",\"comm\":");
	tt_wb_json_cstr(w, t->comm);
	if (t->host) { /* recordings of several hosts merged */
		tt_wb_lit(w, ",\"host_name\":");
		tt_wb_json_cstr(w, t->host);
	}
	tt_wb_lit(w, ",\"cgroup_id\":");
	tt_wb_u64(w, t->cgroup_id);
	if (t->cg)
		json_cgroup(w, t->cg);
	tt_wb_lit(w, ",\"local\":");
	tt_wb_json_cstr(w, la);
	tt_wb_lit(w, ",\"remote\":");
	tt_wb_json_cstr(w, ra);
	tt_wb_lit(w, ",\"sock_id\":");
	tt_wb_u64(w, t->sock_id);
	tt_wb_lit(w, ",\"peer_sock_id\":");
	if (t->peer_sock_id)
		tt_wb_u64(w, t->peer_sock_id);
	else
		tt_wb_lit(w, "null");
	if (t->span_id) {
		char tid[33], sid[17];
		tt_chains_trace_hex(t->trace_id, tid);
		tt_chains_span_hex(t->span_id, sid);
		tt_wb_lit(w, ",\"trace_id\":\"");
		tt_wb_put(w, tid, 32);
		tt_wb_lit(w, "\",\"span_id\":\"");
		tt_wb_put(w, sid, 16);
		tt_wb_lit(w, "\",\"parent_span_id\":");
		if (t->parent_span_id) {
			tt_chains_span_hex(t->parent_span_id, sid);
			tt_wb_c(w, '"');
			tt_wb_put(w, sid, 16);
			tt_wb_lit(w, "\",\"link_rule\":");
			tt_wb_json_cstr(w, t->link_rule);
		} else {
			tt_wb_lit(w, "null,\"link_rule\":null");
		}
	}
	proto_fields(w, t, TT_FJ_HEAD);
	tt_wb_lit(w, ",\"req_body_bytes\":");
	tt_wb_u64(w, t->req.body_bytes);
	tt_wb_lit(w, ",\"resp_body_bytes\":");
	tt_wb_u64(w, t->resp.body_bytes);
	tt_wb_lit(w, ",\"req_wire_bytes\":");
	tt_wb_u64(w, t->req.wire_bytes);
	tt_wb_lit(w, ",\"resp_wire_bytes\":");
	tt_wb_u64(w, t->resp.wire_bytes);
	/* sendfile/splice bodies and gaps: sizes exact, bytes not in the recording */
	if (t->req.body_holes && t->req.body_bytes)
		tt_wb_lit(w, ",\"req_body_captured\":false");
	if (t->resp.body_holes && t->resp.body_bytes)
		tt_wb_lit(w, ",\"resp_body_captured\":false");
	if (t->req.seen && t->resp.seen && !(t->flags & TT_TXN_ONEWAY)) {
		tt_wb_lit(w, ",\"duration_us\":");
		tt_wb_u64(w, tt_txn_duration_ns(t) / 1000);
	} else {
		tt_wb_lit(w, ",\"duration_us\":null");
	}
	tt_wb_lit(w, ",\"req_headers\":");
	json_headers(w, &t->req);
	tt_wb_lit(w, ",\"resp_headers\":");
	json_headers(w, &t->resp);
	tt_wb_s(w, tt_txn_complete(t) ? ",\"complete\":true" : ",\"complete\":false");
	const char *why = tt_txn_incomplete(t);
	tt_wb_lit(w, ",\"incomplete\":");
	tt_wb_json_cstr(w, why);
	if (t->flags & TT_TXN_ONEWAY) /* a message that expects no answer */
		tt_wb_lit(w, ",\"oneway\":true");
	if (t->flags & TT_TXN_TLS) /* from TLS plaintext */
		tt_wb_lit(w, ",\"tls\":true");
	if (t->error) {
		tt_wb_lit(w, ",\"error\":");
		tt_wb_json_cstr(w, t->error);
	}
	proto_fields(w, t, TT_FJ_TAIL);
	if (o->verbose >= 2) {
		body(w, o, &t->req, "req");
		body(w, o, &t->resp, "resp");
	}
	tt_wb_lit(w, "}\n");
}

struct json_sink {
	struct tt_sink s;
	struct tt_output_opts o;
	struct tt_wb w;
};

static int json_begin(struct tt_sink *s, const struct tt_file_info *fi)
{
	(void)s;
	(void)fi;
	return 0;
}

static int json_txn(struct tt_sink *s, const struct tt_txn *t, int64_t wall_ns)
{
	struct json_sink *js = (struct json_sink *)s;
	tt_json_write(&js->w, &js->o, t, wall_ns);
	tt_wb_flush(&js->w);
	if (js->o.live)
		fflush(js->w.f);
	return 0;
}

static int json_end(struct tt_sink *s)
{
	struct json_sink *js = (struct json_sink *)s;
	tt_wb_flush(&js->w);
	fflush(js->w.f);
	return 0;
}

static void json_free(struct tt_sink *s)
{
	free(s);
}

struct tt_sink *tt_sink_json_new(FILE *f, const struct tt_output_opts *o)
{
	struct json_sink *js = calloc(1, sizeof(*js));
	if (!js)
		return NULL;
	js->s = (struct tt_sink){json_begin, json_txn, json_end, json_free};
	js->o = *o;
	tt_wb_init(&js->w, f);
	return &js->s;
}
