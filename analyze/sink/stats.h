/* SPDX-License-Identifier: MIT */
/*
 * analyze/sink/stats.h - `tinytap-show --stats`: what is slow and what fails, as a table of
 * groups (by default endpoints: protocol + operation + target with ids folded, e.g.
 * `http/1.1 GET /api/users/{id}`): count, errors (outcome error), error rate, p50/p90/p99/max
 * duration, request and response bytes. `--by comm|host|status|proto|side|container` groups otherwise;
 * with JSON, one object per group (JSON Lines).
 *
 * Folding a target: the query string goes; in a path, segments of digits become {id}, UUIDs
 * {uuid}, hex strings of 16+ digits {hex}, and tokens of 24+ [A-Za-z0-9_-] with a digit {token};
 * in any other target (SQL, commands), numbers and quoted strings become ? .
 *
 * Durations: exact for the first 512 of a group, then a log histogram (64 steps per power of
 * two: a percentile within 1.6%); max is always exact. Percentiles are nearest-rank. Exchanges
 * without both messages count (and count as errors only if their outcome says so) but have no
 * duration.
 *
 * Memory: at most 1000 groups (later ones are counted in "(other)"), ~13 KiB each at most.
 *
 * Ownership: the sink borrows its FILE; it owns its groups.
 */
#ifndef TINYTAP_SINK_STATS_H
#define TINYTAP_SINK_STATS_H

#include <stdio.h>

#include "analyze/sink.h"

enum tt_stats_by {
	TT_STATS_ENDPOINT = 0,
	TT_STATS_COMM,
	TT_STATS_HOST,
	TT_STATS_STATUS,
	TT_STATS_PROTO,
	TT_STATS_SIDE,
	TT_STATS_CONTAINER, /* the container (or systemd unit) the line names, "-" for neither */
};

/* "endpoint", "comm"...: 0 and *by, or -EINVAL. */
int tt_stats_parse_by(const char *s, enum tt_stats_by *by);

/* NULL + errno on failure. */
struct tt_sink *tt_sink_stats_new(FILE *f, enum tt_stats_by by, int json);

/* The folded form of a target (see above) into out (size n); its length. */
size_t tt_stats_fold(const char *target, char *out, size_t n);

#endif
