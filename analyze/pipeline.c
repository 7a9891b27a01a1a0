// SPDX-License-Identifier: MIT
#include "analyze/pipeline.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/chains.h"
#include "analyze/input.h"
#include "analyze/redact.h"

#define MAX_CONSECUTIVE_ERRORS 10000

struct tt_pipeline {
	struct tt_pipeline_opts o;
	struct tt_sink *sink; /* borrowed */
	struct tt_engine *eng;
	struct tt_redactor *red; /* --redact */
	struct tt_chains *chains;
	const char **hosts; /* owned array of borrowed names: the merged recordings' hosts */
	uint8_t *scratch;	 /* a masked copy of the current DATA payload */
	size_t scratch_cap;
	uint64_t shown, masked;
	int sink_err;
};

/* The engine's output: filter, then the sink. */
static void on_txn(void *ctx, struct tt_txn *t)
{
	struct tt_pipeline *p = ctx;
	if (p->chains)
		tt_chains_link(p->chains, t);
	if (p->o.one_side && t->side == TT_SIDE_SERVER && t->peer_sock_id) {
		tt_txn_free(t); /* its client's view of the same exchange goes on */
		return;
	}
	if (!p->o.filter || tt_filter_match(p->o.filter, t)) {
		p->shown++;
		int64_t wall = tt_engine_wall_ns(p->eng, tt_txn_start(t));
		int rc;
		if (p->sink->take) {
			rc = p->sink->take(p->sink, t, wall); /* the sink owns t now */
			t = NULL;
		} else {
			rc = p->sink->txn(p->sink, t, wall);
		}
		if (rc < 0 && !p->sink_err)
			p->sink_err = rc;
	}
	tt_txn_free(t);
}

struct tt_pipeline *tt_pipeline_new(const struct tt_pipeline_opts *o, struct tt_sink *sink)
{
	struct tt_pipeline *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->o = *o;
	p->sink = sink;
	struct tt_engine_opts eo = {.body_cap = o->body_cap,
				    .few_headers = o->few_headers,
				    .live = o->live,
				    .max_conns = o->max_conns,
				    .reorder_ns = o->reorder_ns,
				    .hold_ns = o->hold_ns};
	p->eng = tt_engine_new(&eo, on_txn, p);
	if (!p->eng || (o->redact && !(p->red = tt_redactor_new())) ||
	    (o->chains && !(p->chains = tt_chains_new()))) {
		tt_pipeline_free(p);
		errno = ENOMEM;
		return NULL;
	}
	return p;
}

int tt_pipeline_begin(struct tt_pipeline *p, const struct tt_file_info *fi)
{
	if (fi)
		tt_engine_set_info(p->eng, fi);
	int rc = p->sink->begin(p->sink, fi);
	if (rc < 0 && !p->sink_err)
		p->sink_err = rc;
	return rc < 0 ? rc : 0;
}

int tt_pipeline_add(struct tt_pipeline *p, struct tt_record *rec)
{
	if (p->red) {
		int64_t m = tt_redactor_record(p->red, rec, &p->scratch, &p->scratch_cap);
		if (m < 0)
			return (int)m;
		p->masked += (uint64_t)m;
	}
	int rc = tt_engine_add(p->eng, rec);
	if (rc < 0)
		return rc;
	return p->sink_err;
}

void tt_pipeline_input_gap(struct tt_pipeline *p)
{
	tt_engine_input_gap(p->eng);
}

void tt_pipeline_idle(struct tt_pipeline *p)
{
	tt_engine_flush(p->eng);
}

int tt_pipeline_finish(struct tt_pipeline *p)
{
	tt_engine_finish(p->eng);
	int rc = p->sink->end(p->sink);
	if (rc < 0 && !p->sink_err)
		p->sink_err = rc;
	return p->sink_err;
}

int64_t tt_pipeline_wall_ns(const struct tt_pipeline *p, uint64_t boot_ns)
{
	return tt_engine_wall_ns(p->eng, boot_ns);
}

uint64_t tt_pipeline_boot_ns(const struct tt_pipeline *p, int64_t wall_ns)
{
	return tt_engine_boot_ns(p->eng, wall_ns);
}

void tt_pipeline_get_stats(const struct tt_pipeline *p, struct tt_pipeline_stats *st)
{
	memset(st, 0, sizeof(*st));
	tt_engine_get_stats(p->eng, &st->eng);
	st->shown = p->shown;
	st->masked = p->masked;
	st->sink_error = p->sink_err;
}

const struct tt_rec_tls_unhooked *tt_pipeline_tls_unhooked(const struct tt_pipeline *p, size_t i,
						      bool *opaque)
{
	return tt_engine_tls_unhooked(p->eng, i, opaque);
}

void tt_pipeline_free(struct tt_pipeline *p)
{
	if (!p)
		return;
	tt_engine_free(p->eng);
	tt_redactor_free(p->red);
	tt_chains_free(p->chains);
	free(p->hosts);
	free(p->scratch);
	free(p);
}

/* --- reading --------------------------------------------------------------------------------- */

/* Where records come from: one reader, or several recordings merged. */
struct rsource {
	int (*next)(void *src, struct tt_record *rec);
	const char *(*errmsg)(void *src);
	void *src;
	int fd; /* polled for idleness; -1: never idle */
};

static int read_from(const struct rsource *rs, const struct tt_read_ops *ops, void *ctx,
		     volatile sig_atomic_t *stop);

static int reader_next(void *src, struct tt_record *rec)
{
	return tt_reader_next(src, rec);
}

static const char *reader_errmsg(void *src)
{
	return tt_reader_errmsg(src);
}

static int input_next(void *src, struct tt_record *rec)
{
	return tt_input_next(src, rec);
}

static const char *input_errmsg(void *src)
{
	return tt_input_errmsg(src);
}

int tt_read_records(struct tt_reader *rd, int fd, const struct tt_read_ops *ops, void *ctx,
		    volatile sig_atomic_t *stop)
{
	struct rsource rs = {reader_next, reader_errmsg, rd, fd};
	return read_from(&rs, ops, ctx, stop);
}

static int read_from(const struct rsource *rs, const struct tt_read_ops *ops, void *ctx,
		     volatile sig_atomic_t *stop)
{
	int errors = 0, consecutive = 0;
	char err[256];
	while (!*stop) {
		struct tt_record rec;
		if (ops->idle && rs->fd >= 0) {
			/* Nothing more to read right now: show what is finished instead of waiting
			 * for the reorder window to fill. */
			struct pollfd pf = {.fd = rs->fd, .events = POLLIN};
			if (poll(&pf, 1, 0) == 0)
				ops->idle(ctx);
		}
		int rc = rs->next(rs->src, &rec);
		if (rc == 0)
			break;
		err[0] = 0;
		if (rc < 0) {
			if (rc == -EINTR && *stop)
				break;
			if (ops->error)
				ops->error(ctx, rs->errmsg(rs->src));
			errors++;
			if (ops->record(ctx, NULL, err, sizeof(err)) < 0) {
				if (ops->error)
					ops->error(ctx, err);
				break;
			}
			if (rc != -EBADMSG || ++consecutive > MAX_CONSECUTIVE_ERRORS)
				break;
			continue;
		}
		consecutive = 0;
		if (ops->record(ctx, &rec, err, sizeof(err)) < 0) {
			if (ops->error)
				ops->error(ctx, err);
			errors++;
			break;
		}
	}
	return errors;
}

static int pipe_record(void *ctx, struct tt_record *rec, char *err, size_t errlen)
{
	struct tt_pipeline *p = ctx;
	if (!rec) {
		tt_pipeline_input_gap(p);
		return 0;
	}
	int rc = tt_pipeline_add(p, rec);
	if (rc < 0)
		snprintf(err, errlen, "%s", rc == -ENOMEM ? "out of memory" : strerror(-rc));
	return rc;
}

static void pipe_idle(void *ctx)
{
	tt_pipeline_idle(ctx);
}

struct pipe_read {
	struct tt_pipeline *p;
	void (*error)(void *ctx, const char *msg);
	void *ectx;
};

static int pr_record(void *ctx, struct tt_record *rec, char *err, size_t errlen)
{
	return pipe_record(((struct pipe_read *)ctx)->p, rec, err, errlen);
}

static void pr_idle(void *ctx)
{
	pipe_idle(((struct pipe_read *)ctx)->p);
}

static void pr_error(void *ctx, const char *msg)
{
	struct pipe_read *r = ctx;
	r->error(r->ectx, msg);
}

int tt_pipeline_read(struct tt_pipeline *p, struct tt_reader *rd, int fd,
		     volatile sig_atomic_t *stop, void (*error)(void *ctx, const char *msg),
		     void *ectx)
{
	struct pipe_read r = {.p = p, .error = error, .ectx = ectx};
	struct tt_read_ops ops = {.record = pr_record,
				  .idle = p->o.live ? pr_idle : NULL,
				  .error = error ? pr_error : NULL};
	return tt_read_records(rd, fd, &ops, &r, stop);
}

int tt_pipeline_read_input(struct tt_pipeline *p, struct tt_input *in,
			   volatile sig_atomic_t *stop, void (*error)(void *ctx, const char *msg),
			   void *ectx)
{
	struct pipe_read r = {.p = p, .error = error, .ectx = ectx};
	struct tt_read_ops ops = {.record = pr_record, .error = error ? pr_error : NULL};
	struct rsource rs = {input_next, input_errmsg, in, -1};
	size_t n = tt_input_sources(in);
	if (n > 1) {
		const char **hosts = calloc(n, sizeof(*hosts));
		if (!hosts)
			return 1;
		for (size_t i = 0; i < n; i++)
			hosts[i] = tt_input_source_host(in, i);
		free(p->hosts);
		p->hosts = hosts;
		tt_engine_set_sources(p->eng, n, p->hosts);
	}
	return read_from(&rs, &ops, &r, stop);
}
