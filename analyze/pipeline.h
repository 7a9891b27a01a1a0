/* SPDX-License-Identifier: MIT */
/*
 * analyze/pipeline.h - the analysis as a library: one wiring of
 *
 *   records ─► --redact ─► engine (order, processes, clocks) ─► streams (per socket, gaps)
 *           ─► protocols (analyze/proto/: detect, parse, pair) ─► chains (traces)
 *           ─► filter ─► sink (line, JSON, -w .tinytap ...)
 *
 * used by tinytap-show, the fuzz targets and every later front end (exports, the web page):
 * a front end parses its options, chooses a sink and feeds records; it never copies this loop.
 *
 * Use: tt_pipeline_new() → tt_pipeline_begin(file header) → tt_pipeline_read() (or
 * tt_pipeline_add() per record) → tt_pipeline_finish() → tt_pipeline_get_stats() →
 * tt_pipeline_free(). The same code serves a file and a live pipe (opts.live: transactions go
 * out as soon as they complete, and an idle input flushes what is finished).
 *
 * Ownership: the pipeline owns its engine, redactor and scratch copies; the sink and the filter
 * are borrowed for its whole life (the filter's time range may be set after begin()); records
 * are borrowed for the duration of a call (a record's payload pointer may be redirected to a
 * masked copy owned by the pipeline).
 */
#ifndef TINYTAP_PIPELINE_H
#define TINYTAP_PIPELINE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/engine.h"
#include "analyze/filter.h"
#include "analyze/sink.h"
#include "format/fileinfo.h"
#include "format/reader.h"
#include "format/record.h"

struct tt_pipeline;

struct tt_pipeline_opts {
	int live;		    /* output in completion order; flush when the input is idle */
	size_t body_cap;	    /* body bytes kept per message (0: count only) */
	/* no stage, filter or sink reads headers (no -v, JSON, --header, --grep, export): a
	 * parser may keep only those it reads itself; the output is the same */
	int few_headers;
	int redact;		    /* mask credentials before anything parses the bytes */
	struct tt_filter *filter;   /* borrowed; NULL: every transaction */
	/* one side per exchange: of a connection whose two ends are both in the recording, only
	 * the client's transactions go on (exports, --stats); one-ended connections keep theirs */
	int one_side;
	int chains; /* link transactions into traces (analyze/chains.h) before the filter */
	uint32_t max_conns;	    /* engine tuning (tests, fuzzing); 0: defaults */
	uint64_t reorder_ns, hold_ns;
};

struct tt_pipeline_stats {
	struct tt_engine_stats eng;
	uint64_t shown;	 /* transactions that passed the filter and went to the sink */
	uint64_t masked; /* bytes masked by --redact */
	int sink_error;	 /* the first error a sink call returned (-errno), 0 */
};

/* NULL + errno on failure. */
struct tt_pipeline *tt_pipeline_new(const struct tt_pipeline_opts *o, struct tt_sink *sink);
/* The input's file header (start clocks; the sink's begin()). 0 or the sink's error. */
int tt_pipeline_begin(struct tt_pipeline *p, const struct tt_file_info *fi);
/* One record. 0, -ENOMEM, or a sink's error (the read should stop). */
int tt_pipeline_add(struct tt_pipeline *p, struct tt_record *rec);
/* Records are missing from the input here (a damaged block was skipped). */
void tt_pipeline_input_gap(struct tt_pipeline *p);
/* The input has nothing more right now (live): what is finished goes out now. */
void tt_pipeline_idle(struct tt_pipeline *p);
/* End of input: every connection ends, every transaction goes out, then the sink's end().
 * 0 or the first sink error. */
int tt_pipeline_finish(struct tt_pipeline *p);
/* Clock conversions (after begin(): the file header's clocks, then CLOCK_SYNC records). */
int64_t tt_pipeline_wall_ns(const struct tt_pipeline *p, uint64_t boot_ns);
uint64_t tt_pipeline_boot_ns(const struct tt_pipeline *p, int64_t wall_ns);
void tt_pipeline_get_stats(const struct tt_pipeline *p, struct tt_pipeline_stats *st);
/* tt_engine_tls_unhooked() of its engine */
const struct tt_rec_tls_unhooked *tt_pipeline_tls_unhooked(const struct tt_pipeline *p, size_t i,
						      bool *opaque);
void tt_pipeline_free(struct tt_pipeline *p);

/* --- reading a recording ------------------------------------------------------------------- */

struct tt_read_ops {
	/* One record; rec NULL: records are missing here (a damaged block was skipped).
	 * < 0 stops the read, with a one-line reason in err. */
	int (*record)(void *ctx, struct tt_record *rec, char *err, size_t errlen);
	/* The input (a pipe) has nothing more to read right now; NULL: not asked. */
	void (*idle)(void *ctx);
	/* A read error or a record() failure, one line; NULL: not told. */
	void (*error)(void *ctx, const char *msg);
};

/* Reads rd (on fd) to its end, a stop signal (*stop set), or a record() failure, going on after
 * damaged blocks (at most 10,000 in a row). Returns the number of errors. */
int tt_read_records(struct tt_reader *rd, int fd, const struct tt_read_ops *ops, void *ctx,
		    volatile sig_atomic_t *stop);
struct tt_input;
/* Several recordings read as one timeline (analyze/input.h; tt_pipeline_begin() with
 * tt_input_info() first). Hosts are named on the transactions when there are several. */
int tt_pipeline_read_input(struct tt_pipeline *p, struct tt_input *in,
			   volatile sig_atomic_t *stop, void (*error)(void *ctx, const char *msg),
			   void *ectx);
/* The same with the pipeline as the consumer (idle() when opts.live). */
int tt_pipeline_read(struct tt_pipeline *p, struct tt_reader *rd, int fd,
		     volatile sig_atomic_t *stop, void (*error)(void *ctx, const char *msg),
		     void *ectx);

#endif
