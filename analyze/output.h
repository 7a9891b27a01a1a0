/* SPDX-License-Identifier: MIT */
/*
 * analyze/output.h - how a transaction is printed: one line, + headers (-v), + bodies (-vv), or
 * one JSON object per line. Every byte that came from the wire is escaped before it reaches a
 * terminal.
 *
 * Ownership: borrows everything; writes to the FILE given.
 */
#ifndef TINYTAP_OUTPUT_H
#define TINYTAP_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analyze/txn.h"

struct tt_output_opts {
	int verbose; /* 0 line, 1 + headers, 2 + bodies */
	int json;
	int color;
	int utc;
	size_t body_show; /* body bytes printed with -vv (after decoding) */
	uint64_t slow_ns; /* durations at or above are highlighted */
	int redact;	  /* --redact: also mask decoded (gzip/deflate) bodies */
};

/* wall_ns: the wall-clock time of the transaction's first byte. */
void tt_output_txn(FILE *f, const struct tt_output_opts *o, const struct tt_txn *t,
		   int64_t wall_ns);

/* "HH:MM:SS.mmm" (with_date: "YYYY-MM-DDTHH:MM:SS.mmm") in local time or UTC. */
void tt_output_time(char *buf, size_t n, int64_t wall_ns, int utc, int with_date);
/* "1.2ms", "0.35ms", "2.10s" */
void tt_output_duration(char *buf, size_t n, uint64_t ns);
/* "127.0.0.1:8080", "[::1]:80", "/run/x.sock", "-" */
void tt_output_addr(char *buf, size_t n, const struct tt_addr *a, const char *unix_path);

/* gzip/deflate decoding for -vv: *out malloc'ed (caller frees), at most cap bytes. 0 or -errno;
 * *truncated set when the input did not end the stream or output hit the cap. */
int tt_output_gunzip(const uint8_t *in, size_t n, size_t cap, uint8_t **out, size_t *out_len,
		     int *truncated);

#endif
