/* SPDX-License-Identifier: MIT */
/*
 * analyze/engine.h - records in, transactions out.
 *
 * The engine puts records back in timestamp order (a small reorder window: records from different
 * CPUs reach the file slightly out of order), keeps the process table and the boot-to-wall clock,
 * drives streams.c, and hands finished transactions to the output callback in the order of their
 * first byte (files: a bounded window of finished transactions waits for older unfinished ones)
 * or as soon as they finish (live).
 *
 * Ownership: the engine copies every record it is given; it owns buffered records and
 * transactions until it passes a transaction to out(), which then owns it.
 */
#ifndef TINYTAP_ENGINE_H
#define TINYTAP_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/streams.h"
#include "analyze/txn.h"
#include "format/fileinfo.h"
#include "format/record.h"

struct tt_engine;

typedef void (*tt_engine_out_fn)(void *ctx, struct tt_txn *t);

struct tt_engine_opts {
	size_t body_cap;     /* body bytes kept per message (0: count only) */
	int few_headers;     /* headers only where the analysis reads them (tt_proto_env) */
	uint64_t reorder_ns; /* record reorder window; 0 = 50 ms */
	uint64_t hold_ns;    /* how long a finished txn waits for older ones; 0 = 5 s */
	int live;	     /* output in completion order, no waiting */
	uint32_t max_conns;  /* 0 = 16384 */
};

struct tt_engine_stats {
	uint64_t first_ts, last_ts; /* boot ns of the first and last record with a time */
	int have_ts;
	uint64_t lost_events, lost_bytes; /* from LOSS records (or END totals if larger) */
	uint64_t dropped_records;	  /* DATA records whose payload was dropped */
	uint64_t txns;			  /* transactions handed out */
	uint64_t records;
	uint64_t tls_unhooked; /* programs whose TLS code the recorder could not hook (distinct) */
	struct tt_streams_stats streams;
};
#define TT_ENGINE_TLS_UNHOOKED 16 /* kept for tt_engine_tls_unhooked() */

struct tt_engine *tt_engine_new(const struct tt_engine_opts *o, tt_engine_out_fn out, void *ctx);
/* The file header: start clocks (used until a CLOCK_SYNC record arrives). */
void tt_engine_set_info(struct tt_engine *e, const struct tt_file_info *fi);
/* Several recordings merged (analyze/input.h): n sources named hosts (borrowed for the engine's
 * life). Transactions get their pids and sockets back as they were on their host, and src and
 * host set. n <= 1: one source, nothing changes. */
void tt_engine_set_sources(struct tt_engine *e, size_t n, const char *const *hosts);
/* Takes one record (copied). 0 or -ENOMEM. */
int tt_engine_add(struct tt_engine *e, const struct tt_record *rec);
/* Records are missing from the input here (a corrupt block was skipped): every open stream gets
 * a gap of unknown size after the records already given. */
void tt_engine_input_gap(struct tt_engine *e);
/* The input is idle (live): processes every buffered record now instead of waiting for the
 * reorder window, so finished transactions come out without delay. */
void tt_engine_flush(struct tt_engine *e);
/* End of input: drains everything, ends every connection, outputs every transaction. */
void tt_engine_finish(struct tt_engine *e);
/* Wall-clock ns (CLOCK_REALTIME) of a boot-clock ns. */
int64_t tt_engine_wall_ns(const struct tt_engine *e, uint64_t boot_ns);
/* Boot-clock ns of a wall-clock ns (for --since/--until). */
uint64_t tt_engine_boot_ns(const struct tt_engine *e, int64_t wall_ns);
/* Process name of a pid ("?" when unknown); borrowed until the next add. */
const char *tt_engine_comm(const struct tt_engine *e, uint32_t pid);
void tt_engine_get_stats(const struct tt_engine *e, struct tt_engine_stats *st);
/* The i-th program (TLS_UNHOOKED record, exe made printable) of st.tls_unhooked, the first
 * TT_ENGINE_TLS_UNHOOKED of them; NULL past those. *opaque: its process had a connection that
 * ended unrecognised (its bytes may be that TLS; complete after tt_engine_finish()). */
const struct tt_rec_tls_unhooked *tt_engine_tls_unhooked(const struct tt_engine *e, size_t i,
						  bool *opaque);
void tt_engine_free(struct tt_engine *e);

#endif
