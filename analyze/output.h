/* SPDX-License-Identifier: MIT */
/*
 * analyze/output.h - what the text sinks share: their options, times, durations, addresses, and
 * the view of a body as it is shown (decoded when gzip/deflate, masked with --redact).
 * The line (-v, -vv) and JSON writers themselves are sinks: analyze/sink/line.h, json.h.
 *
 * Ownership: borrows everything; writes to the FILE given.
 */
#ifndef TINYTAP_OUTPUT_H
#define TINYTAP_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "analyze/txn.h"

struct tt_output_opts {
	int verbose; /* 0 line, 1 + headers, 2 + bodies */
	int json;
	int color;
	int utc;
	size_t body_show; /* body bytes printed with -vv (after decoding) */
	uint64_t slow_ns; /* durations at or above are highlighted */
	int redact;	  /* --redact: also mask decoded (gzip/deflate) bodies */
	int live;	  /* flush after every transaction */
};

/* One transaction as a line (or JSON when o->json), for tests and one-off callers; a pipeline
 * uses the sinks. wall_ns: the wall-clock time of the transaction's first byte. */
void tt_output_txn(FILE *f, const struct tt_output_opts *o, const struct tt_txn *t,
		   int64_t wall_ns);

/* "HH:MM:SS.mmm" (with_date: "YYYY-MM-DDTHH:MM:SS.mmm") in local time or UTC. */
void tt_output_time(char *buf, size_t n, int64_t wall_ns, int utc, int with_date);
/* "HH:MM:SS" or "YYYY-MM-DDTHH:MM:SS" of second s into out (>= 64 bytes; cached: many
 * transactions share a second); returns its length. */
size_t tt_output_second(char *out, time_t s, int utc, int with_date);
/* "1.2ms", "0.35ms", "2.10s" */
void tt_output_duration(char *buf, size_t n, uint64_t ns);
/* "127.0.0.1:8080", "[::1]:80", "/run/x.sock", "-" */
void tt_output_addr(char *buf, size_t n, const struct tt_addr *a, const char *unix_path);

/* gzip/deflate decoding for -vv: *out malloc'ed (caller frees), at most cap bytes. 0 or -errno;
 * *truncated set when the input did not end the stream or output hit the cap. */
int tt_output_gunzip(const uint8_t *in, size_t n, size_t cap, uint8_t **out, size_t *out_len,
		     int *truncated);
/* No control bytes but \n \r \t. */
int tt_output_is_text(const uint8_t *p, size_t n);
/* Valid UTF-8 (a sequence cut by the end counts as valid: the capture cap cut it). */
int tt_output_is_utf8(const uint8_t *p, size_t n);
/* The body as it should be shown: decoded when gzip/deflate (and then masked with redact: the
 * stream's redaction could not see inside it), at most cap decoded bytes. *alloc is set when
 * *p was malloc'ed (the caller frees it). */
void tt_output_body_view(const struct tt_msg *m, size_t cap, int redact, const uint8_t **p,
			 size_t *n, uint8_t **alloc, int *decoded, int *dtrunc);

#endif
