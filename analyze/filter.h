/* SPDX-License-Identifier: MIT */
/*
 * analyze/filter.h - which transactions to show. Every flag adds a condition (AND); a comma list
 * inside one flag is an OR. Parsed once from the command line, matched per transaction.
 *
 * Ownership: the filter owns copies of every pattern; tt_filter_match() borrows the txn.
 */
#ifndef TINYTAP_FILTER_H
#define TINYTAP_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/txn.h"

struct tt_filter;

/* The kinds of conditions, one per command-line flag. */
enum tt_filter_kind {
	TT_F_STATUS,  /* 5xx, 404, 4xx,5xx, >=400, <300 */
	TT_F_METHOD,  /* GET,POST (case-insensitive) */
	TT_F_PATH,    /* glob on the target (query string included if the glob has '?') */
	TT_F_HOST,    /* glob on Host, case-insensitive */
	TT_F_PID,     /* 123,456 */
	TT_F_COMM,    /* glob, comma list */
	TT_F_PORT,    /* local or remote port, comma list */
	TT_F_SIDE,    /* client | server */
	TT_F_MIN_DUR, /* 100ms, 1.5s, 250us */
	TT_F_GREP,    /* POSIX ERE on request/response lines, headers and bodies */
	TT_F_HEADER,  /* NAME or NAME=VALUE (value glob), either message */
};

struct tt_filter *tt_filter_new(void);
/* Adds a condition; -EINVAL with a one-line reason in err (size errlen) when the value is bad. */
int tt_filter_add(struct tt_filter *f, enum tt_filter_kind kind, const char *value, char *err,
		  size_t errlen);
/* Time range in boot ns (since/until inclusive/exclusive), 0 = unset. */
void tt_filter_set_time(struct tt_filter *f, uint64_t since_boot, uint64_t until_boot);
/* 1 if the filter needs bodies kept (grep). */
int tt_filter_needs_bodies(const struct tt_filter *f);
int tt_filter_match(const struct tt_filter *f, const struct tt_txn *t);
void tt_filter_free(struct tt_filter *f);

/* "100ms" "2s" "1.5m" "250us" "42ns" (bare number = ms) -> ns; -EINVAL. */
int tt_filter_parse_duration(const char *s, uint64_t *ns);

#endif
