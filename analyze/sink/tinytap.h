/* SPDX-License-Identifier: MIT */
/*
 * analyze/sink/tinytap.h - `tinytap-show -w OUT`: instead of showing the transactions, write
 * every connection that has a matching one (and the processes that used it) to OUT, a .tinytap
 * recording created 0600 (given to the sudo user) or `-` for stdout: the file to attach to a
 * bug report. See analyze/extract.h for which records are kept.
 *
 * The analysis (the pipeline) marks the sockets; at end() the sink reads the input twice more
 * (which processes used those sockets, then the copy), so the input must be readable again from
 * its start: a regular file, or stdin spooled to one. With redact, the copy's payloads get the
 * same masks as the analysis saw (a fresh redactor in the same order), and the recorder's
 * command line in the file header is masked too.
 *
 * Ownership: the sink borrows the input fd, the names and the stop flag for its whole life, and
 * owns the output fd it opens (closed at end(); stdout is not closed).
 */
#ifndef TINYTAP_SINK_TINYTAP_H
#define TINYTAP_SINK_TINYTAP_H

#include <signal.h>
#include <stdint.h>

#include "analyze/sink.h"

struct tt_sink_tinytap_opts {
	int in_fd;		     /* the input, read again from offset 0 */
	const char *in_name;	     /* for messages */
	const char *out_path;	     /* "-": stdout */
	int redact;		     /* mask the copy's payloads */
	volatile sig_atomic_t *stop; /* set: end() writes nothing */
};

struct tt_sink_tinytap_report {
	int written;			      /* end() wrote the file */
	uint64_t sockets, processes, records; /* in the file */
	uint64_t masked;		      /* bytes masked in the copy */
	char err[512];			      /* why end() failed, one line; "" */
	char warn[512];			      /* written, but: one line; "" */
};

/* NULL + errno on failure. */
struct tt_sink *tt_sink_tinytap_new(const struct tt_sink_tinytap_opts *o);
void tt_sink_tinytap_report(const struct tt_sink *s, struct tt_sink_tinytap_report *r);

#endif
